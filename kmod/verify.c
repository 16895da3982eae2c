// SPDX-License-Identifier: GPL-2.0
/*
 * VERIFY: the edu engine of the mapping's device reads sampled pages of a
 * mapping (MAP_SG, MAP_SINGLE, dma-buf attachment) through its DMA
 * addresses and writes them back into the check page; the CPU compares
 * them with dmabench_pattern(). STALE: the device reads an IOVA that was
 * just unmapped.
 */
#include "dmabench.h"

#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static u64 dmab_splitmix(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* What a VERIFY works on: the DMA side of a mapping and its CPU side. */
struct dmab_vtarget {
	struct dmab_dev *d;
	struct sg_table *sgt;		/* MAP_SG, DMABUF: mapped table; NULL: single */
	dma_addr_t dma;			/* MAP_SINGLE */
	u64 size;			/* bytes the pattern covers */
	void *kva;			/* kernel VA of the buffer, or NULL (never a cookie) */
	enum dma_data_direction dir;
};

static int dmab_vtarget(struct dmab_obj *obj, struct dmab_vtarget *t)
{
	struct dmab_obj *alloc;

	memset(t, 0, sizeof(*t));
	t->d = obj->d;
	switch (obj->type) {
	case DMAB_OBJ_MAP_SG:
		alloc = obj->parent->parent;
		t->sgt = &obj->parent->sgt;
		t->size = alloc->buf.size;
		t->kva = dmab_buf_kva_ptr(&alloc->buf);
		t->dir = obj->map.dir;
		return 0;
	case DMAB_OBJ_MAP_SINGLE:
		t->dma = obj->map.dma;
		t->size = obj->map.size;
		t->kva = obj->map.va;
		t->dir = obj->map.dir;
		return 0;
	case DMAB_OBJ_DMABUF:
		t->sgt = obj->imp.sgt;
		t->size = obj->imp.buf->size;
		alloc = dmab_dmabuf_alloc(obj->imp.buf);
		if (alloc) {
			t->size = alloc->buf.size;
			t->kva = dmab_buf_kva_ptr(&alloc->buf);
		}
		t->dir = obj->imp.dir;
		return 0;
	default:
		return -EBADF;
	}
}

/* DMA address of buffer offset @off and the bytes contiguous from there (0: outside). */
static u64 dmab_vt_dma(const struct dmab_vtarget *t, u64 off, u64 *avail)
{
	struct scatterlist *sg;
	u64 pos = 0;
	unsigned int i;

	*avail = 0;
	if (!t->sgt) {
		*avail = t->size - off;
		return t->dma + off;
	}
	for_each_sgtable_dma_sg(t->sgt, sg, i) {
		if (off < pos + sg_dma_len(sg)) {
			*avail = pos + sg_dma_len(sg) - off;
			return sg_dma_address(sg) + (off - pos);
		}
		pos += sg_dma_len(sg);
	}
	return 0;
}

static void dmab_vt_sync_for_device(const struct dmab_vtarget *t)
{
	if (t->sgt)
		dma_sync_sgtable_for_device(t->d->dev, t->sgt, t->dir);
	else
		dma_sync_single_for_device(t->d->dev, t->dma, t->size, t->dir);
}

struct dmab_vsample {
	u64 off;		/* buffer offset */
	u32 len;		/* bytes */
	u32 pos;		/* offset in edu's buffer / the check page */
};

/*
 * Write the check page back from edu's buffer and compare @n samples
 * against the pattern; their device bytes go to @data (sample i at i*len).
 */
static int dmab_verify_flush(struct dmabench_verify *v, struct dmab_dev *d,
			     struct dmab_vsample *s, u32 first, u32 n, u32 fill, u8 *data)
{
	const u8 *c = d->check;
	u64 t0;
	u32 i, j;
	int ret;

	if (!n)
		return 0;
	t0 = ktime_get_ns();
	ret = dmab_edu_xfer(d, EDU_BUF_ADDR, d->check_dma, fill, true);
	v->dma_ns += ktime_get_ns() - t0;
	if (ret)
		return ret;
	v->transfers++;
	t0 = ktime_get_ns();
	dma_sync_single_for_cpu(d->dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	for (i = first; i < first + n; i++) {
		bool poison = true;

		for (j = 0; j < s[i].len; j++) {
			u8 got = c[s[i].pos + j];

			if (got != DMAB_CHECK_POISON)
				poison = false;
			if (got != dmabench_pattern(v->seed, s[i].off + j)) {
				if (!v->mismatches++)
					v->first_mismatch = s[i].off + j;
				else if (s[i].off + j < v->first_mismatch)
					v->first_mismatch = s[i].off + j;
			}
		}
		v->blocked += poison;
		v->bytes += s[i].len;
		v->checked++;
		if (data)
			memcpy(data + (size_t)i * v->len, c + s[i].pos, s[i].len);
	}
	v->compare_ns += ktime_get_ns() - t0;
	dmab_check_poison(d);
	return 0;
}

/*
 * STALE (test only): a page of ours holds the pattern; map it on the
 * device, remember the IOVA, unmap it (strict: the IOTLB entry is gone),
 * then let the device read that IOVA while the page is still ours (a
 * read that gets through reads our own bytes) and write back into the
 * check page. blocked = the bytes are not the pattern: the IOMMU stopped it.
 */
static int dmab_verify_stale(struct dmabench_verify *v, struct dmab_dev *d)
{
	u32 len = v->len, j;
	const u8 *c = d->check;
	dma_addr_t dma;
	u8 *page;
	u64 t0;
	int ret;

	/* reachable under the mask like the check page (STALE runs on IOMMU domains only) */
	page = dmab_dma_page(d->dev, &ret);
	if (!page)
		return ret;
	for (j = 0; j < PAGE_SIZE; j++)
		page[j] = dmabench_pattern(v->seed, j);
	dma = dma_map_single(d->dev, page, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(d->dev, dma)) {
		free_page((unsigned long)page);
		return -ENOMEM;
	}
	dma_unmap_single(d->dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
	v->dma_first = dma;
	t0 = ktime_get_ns();
	ret = dmab_edu_xfer(d, dma, EDU_BUF_ADDR, len, false);
	if (!ret)
		ret = dmab_edu_xfer(d, EDU_BUF_ADDR, d->check_dma, len, true);
	v->dma_ns = ktime_get_ns() - t0;
	/* a dead engine may still read the page later: then it stays ours for good */
	if (ret != -ETIMEDOUT)
		free_page((unsigned long)page);
	if (ret)
		return ret;
	v->transfers = 2;
	dma_sync_single_for_cpu(d->dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	for (j = 0; j < len; j++) {
		if (c[j] != dmabench_pattern(v->seed, j)) {
			if (!v->mismatches++)
				v->first_mismatch = j;
		}
	}
	v->blocked = v->mismatches != 0;
	v->checked = 1;
	v->bytes = len;
	dmab_check_poison(d);
	return 0;
}

/* One VERIFY call: the engine's device, the mapping it reads, the samples. */
struct dmab_verify_run {
	struct dmabench_verify *v;
	struct dmab_vtarget t;		/* not STALE: the mapping */
	struct dmab_dev *d;		/* the device whose engine works */
	struct dmab_dev *sd;		/* STALE: d, looked up by id (holds a ref) */
	struct dmab_vsample *s;		/* kcalloc'd: one per sample */
	u64 *offs;			/* kcalloc'd: buffer offsets, in sampling order */
	u32 n;				/* samples picked */
	u8 *data;			/* kvzalloc'd when v->data: what the device read */
};

/* Flags, limits (-EINVAL, -E2BIG); zero the outputs. */
static int dmab_verify_args(struct dmabench_verify *v)
{
	bool stale;

	if (v->reserved0 || !DMAB_RESERVED_OK(*v) || (v->flags & ~DMABENCH_VERIFY_FLAGS_MASK))
		return -EINVAL;
	stale = v->flags & DMABENCH_VERIFY_STALE;
	if (stale && (v->handle || (v->flags & DMABENCH_VERIFY_FILL) || v->offsets || v->data ||
		      v->pages != 1))
		return -EINVAL;
	if (!stale && v->dev)
		return -EINVAL;
	if (!v->pages || !v->len)
		return -EINVAL;
	if (v->pages > DMABENCH_VERIFY_MAX_PAGES || v->len > DMABENCH_VERIFY_MAX_LEN)
		return -E2BIG;
	v->checked = 0;
	v->mismatches = 0;
	v->first_mismatch = ~0ULL;
	v->bytes = 0;
	v->dma_first = 0;
	v->blocked = 0;
	v->transfers = 0;
	v->fill_ns = 0;
	v->sync_ns = 0;
	v->dma_ns = 0;
	v->compare_ns = 0;
	return 0;
}

/*
 * STALE: the edu device by id on an IOMMU DMA domain (-ENODEV); else the
 * mapping by handle (-EBADF) on an edu device, whose direction lets the
 * device read (-EACCES), with a kernel VA for FILL (-EOPNOTSUPP).
 */
static int dmab_verify_target(struct dmab_file *f, struct dmab_verify_run *r)
{
	struct dmabench_verify *v = r->v;
	bool stale = v->flags & DMABENCH_VERIFY_STALE;
	struct dmab_obj *obj;

	if (stale) {
		r->sd = dmab_dev_get(v->dev);
		if (!r->sd)
			return -ENODEV;
		r->d = r->sd;
	} else {
		obj = dmab_lookup(f, v->handle, 0);
		if (!obj || dmab_vtarget(obj, &r->t))
			return -EBADF;
		r->d = r->t.d;
	}
	if (r->d->kind != DMABENCH_DEV_EDU || !r->d->bar)
		return -EOPNOTSUPP;
	if (stale)
		return dmab_iommu_dma_domain(r->d->dev) ? 0 : -EOPNOTSUPP;
	/*
	 * The engine reads through the mapping: a DMA_FROM_DEVICE mapping
	 * grants the device writes only (an IOMMU maps it write-only and
	 * faults the read; QEMU's models do not enforce that).
	 */
	if (r->t.dir == DMA_FROM_DEVICE)
		return -EACCES;
	if ((v->flags & DMABENCH_VERIFY_FILL) && !r->t.kva)
		return -EOPNOTSUPP;
	return 0;
}

/* Buffer offsets to check: page 0, the last page, then seeded random distinct pages. */
static u32 dmab_verify_pick(const struct dmabench_verify *v, u64 size, u64 *offs)
{
	u64 npages = DIV_ROUND_UP(size, PAGE_SIZE), seed = v->seed;
	u32 i, k, n = 0;

	for (k = 0; n < v->pages && n < npages && k < 4 * v->pages + 2; k++) {
		u64 p = k == 0 ? 0 : k == 1 ? npages - 1 : dmab_splitmix(&seed) % npages;

		for (i = 0; i < n; i++)
			if (offs[i] == p * PAGE_SIZE)
				break;
		if (i < n)
			continue;
		offs[n++] = p * PAGE_SIZE;
	}
	return n;
}

/* FILL: the pattern through the kernel VA (up to 256 MiB under TCG: preemptible, killable). */
static int dmab_verify_fill(struct dmabench_verify *v, const struct dmab_vtarget *t)
{
	u64 off, t0 = ktime_get_ns();

	for (off = 0; off < t->size; off++) {
		((u8 *)t->kva)[off] = dmabench_pattern(v->seed, off);
		if (!((off + 1) & (SZ_1M - 1))) {
			cond_resched();
			if (fatal_signal_pending(current))
				return -EINTR;
		}
	}
	v->fill_ns = ktime_get_ns() - t0;
	return 0;
}

/*
 * Sync the mapping for the device, let the engine read each sample into
 * its buffer (packed, one write-back per 4095 bytes) and compare.
 */
static int dmab_verify_read(struct dmab_verify_run *r)
{
	const struct dmab_vtarget *t = &r->t;
	struct dmabench_verify *v = r->v;
	u32 i, pos = 0, first = 0;
	u64 avail, t0;
	int ret;

	t0 = ktime_get_ns();
	dmab_vt_sync_for_device(t);
	v->sync_ns = ktime_get_ns() - t0;

	for (i = 0; i < r->n; i++) {
		u64 dma = dmab_vt_dma(t, r->offs[i], &avail);
		u32 len = min_t(u64, v->len, t->size - r->offs[i]);

		if (!avail)	/* the mapping is shorter than the buffer */
			return -EIO;
		len = min_t(u64, len, avail);
		if (pos + len > DMABENCH_VERIFY_MAX_LEN) {
			ret = dmab_verify_flush(v, r->d, r->s, first, i - first, pos, r->data);
			if (ret)
				return ret;
			pos = 0;
			first = i;
		}
		if (!i)
			v->dma_first = dma;
		r->s[i].off = r->offs[i];
		r->s[i].len = len;
		r->s[i].pos = pos;
		t0 = ktime_get_ns();
		ret = dmab_edu_xfer(r->d, dma, EDU_BUF_ADDR + pos, len, false);
		v->dma_ns += ktime_get_ns() - t0;
		if (ret)
			return ret;
		v->transfers++;
		pos += len;
	}
	return dmab_verify_flush(v, r->d, r->s, first, r->n - first, pos, r->data);
}

/* A VERIFY of a mapping (not STALE), engine held. */
static int dmab_verify_sampled(struct dmab_verify_run *r)
{
	struct dmabench_verify *v = r->v;
	int ret;

	r->s = kcalloc(v->pages, sizeof(*r->s), GFP_KERNEL);
	r->offs = kcalloc(v->pages, sizeof(*r->offs), GFP_KERNEL);
	r->data = v->data ? kvzalloc((size_t)v->pages * v->len, GFP_KERNEL) : NULL;
	if (!r->s || !r->offs || (v->data && !r->data))
		return -ENOMEM;
	r->n = dmab_verify_pick(v, r->t.size, r->offs);
	if (v->flags & DMABENCH_VERIFY_FILL) {
		ret = dmab_verify_fill(v, &r->t);
		if (ret)
			return ret;
	}
	return dmab_verify_read(r);
}

static int dmab_verify_copy_out(const struct dmab_verify_run *r, void __user *uarg)
{
	const struct dmabench_verify *v = r->v;

	if (v->offsets && r->offs &&
	    copy_to_user(u64_to_user_ptr(v->offsets), r->offs, (size_t)v->checked * sizeof(u64)))
		return -EFAULT;
	if (r->data && copy_to_user(u64_to_user_ptr(v->data), r->data, (size_t)v->pages * v->len))
		return -EFAULT;
	if (copy_to_user(uarg, v, sizeof(*v)))
		return -EFAULT;
	return 0;
}

long dmab_ioc_verify(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmab_verify_run r = { .v = arg };
	struct dmabench_verify *v = arg;
	long ret;

	ret = dmab_verify_args(v);
	if (ret)
		return ret;
	ret = dmab_verify_target(f, &r);
	if (ret)
		goto out;
	ret = dmab_edu_claim(r.d);
	if (ret)
		goto out;
	if (v->flags & DMABENCH_VERIFY_STALE)
		ret = dmab_verify_stale(v, r.d);
	else
		ret = dmab_verify_sampled(&r);
	dmab_edu_unclaim(r.d);
	if (!ret)
		ret = dmab_verify_copy_out(&r, uarg);
out:
	if (r.sd)
		dmab_dev_put(r.sd);
	kfree(r.s);
	kfree(r.offs);
	kvfree(r.data);
	return ret;
}
