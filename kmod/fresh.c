// SPDX-License-Identifier: GPL-2.0
/*
 * Fresh buffers: PEEK reads what an allocation holds through its kernel VA
 * or through the allocating device's DMA engine, without writing into it;
 * the test-only fresh_recycle parameter gives dma_alloc_pages() a path
 * that skips zeroing (a parked buffer handed out again), so that a test
 * can show the fresh job's oracle failing.
 */
#include "dmabench.h"

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/* ------------------------------------------------------------------ */
/* fresh_recycle (test only)                                           */

static bool dmab_fresh_recycle;
module_param_named(fresh_recycle, dmab_fresh_recycle, bool, 0644);
MODULE_PARM_DESC(fresh_recycle,
		 "test hook: FREE parks a dma_alloc_pages() buffer, the next such ALLOC of the file gets it back unzeroed (0 = off)");

/*
 * FREE (f->lock held, @obj unpublished): keep a dma_alloc_pages() buffer
 * in the file instead of destroying it, when the parameter is on and no
 * buffer is parked yet. The object keeps its device reference. True: the
 * caller must not destroy it.
 */
bool dmab_fresh_park(struct dmab_file *f, struct dmab_obj *obj)
{
	if (!READ_ONCE(dmab_fresh_recycle) || f->parked || obj->type != DMAB_OBJ_ALLOC ||
	    obj->buf.api != DMABENCH_API_PAGES)
		return false;
	f->parked = obj;
	return true;
}

/*
 * ALLOC (f->lock held): hand a parked buffer of the same device, size and
 * direction to @b as it is (no clearing). True: @b holds it.
 */
bool dmab_fresh_unpark(struct dmab_file *f, struct dmab_buf *b)
{
	struct dmab_obj *p = f->parked;

	if (!READ_ONCE(dmab_fresh_recycle) || !p || b->api != DMABENCH_API_PAGES ||
	    p->buf.dev != b->dev || p->buf.size != b->size || p->buf.dir != b->dir)
		return false;
	b->page = p->buf.page;
	b->dma = p->buf.dma;
	f->parked = NULL;
	dmab_dev_put(p->d);
	kfree(p);
	return true;
}

/* release(): free a parked buffer (its device waits for this reference). */
void dmab_fresh_drain(struct dmab_file *f)
{
	if (f->parked)
		dmab_destroy(f->parked);
	f->parked = NULL;
}

/* ------------------------------------------------------------------ */
/* PEEK                                                                */

static int dmab_peek_args(struct dmabench_peek *p)
{
	if (p->reserved0 || !DMAB_RESERVED_OK(*p))
		return -EINVAL;
	if (p->via < DMABENCH_PEEK_KVA || p->via > DMABENCH_PEEK_VIA_MAX || !p->len || !p->data)
		return -EINVAL;
	if (p->len > (p->via == DMABENCH_PEEK_KVA ? DMABENCH_PEEK_MAX_LEN : DMABENCH_VERIFY_MAX_LEN))
		return -E2BIG;
	p->dma_addr = 0;
	return 0;
}

/* The kernel VA, never a NO_KERNEL_MAPPING cookie (dmab_buf_kva_ptr() returns NULL for one). */
static int dmab_peek_kva(struct dmabench_peek *p, const struct dmab_buf *b)
{
	const u8 *kva = dmab_buf_kva_ptr(b);

	if (!kva)
		return -EOPNOTSUPP;
	return copy_to_user(u64_to_user_ptr(p->data), kva + p->offset, p->len) ? -EFAULT : 0;
}

/* DMA address of buffer offset @off and the bytes contiguous from there (0: outside). */
static dma_addr_t dmab_peek_dma(const struct dmab_buf *b, u64 off, u64 *avail)
{
	struct scatterlist *sg;
	u64 pos = 0;
	unsigned int i;

	*avail = 0;
	if (!b->sgt) {
		*avail = b->size - off;
		return b->dma + off;
	}
	for_each_sgtable_dma_sg(b->sgt, sg, i) {
		if (off < pos + sg_dma_len(sg)) {
			*avail = pos + sg_dma_len(sg) - off;
			return sg_dma_address(sg) + (off - pos);
		}
		pos += sg_dma_len(sg);
	}
	return 0;
}

/* Engine held: read [offset, offset + len) into edu's buffer, write it back into the check page, copy to . */
static int dmab_peek_engine(struct dmabench_peek *p, struct dmab_dev *d, const struct dmab_buf *b, u8 *out)
{
	u32 pos = 0;
	int ret;

	/* streaming-style memory: what a driver does before the device reads it */
	if (b->api == DMABENCH_API_PAGES)
		dma_sync_single_for_device(b->dev, b->dma, b->size, b->dir);
	else if (b->sgt)
		dma_sync_sgtable_for_device(b->dev, b->sgt, b->dir);
	while (pos < p->len) {
		u64 avail;
		dma_addr_t dma = dmab_peek_dma(b, p->offset + pos, &avail);
		u32 n;

		if (!avail)
			return -EIO;
		n = min_t(u64, p->len - pos, avail);
		if (!pos)
			p->dma_addr = dma;
		ret = dmab_edu_xfer(d, dma, EDU_BUF_ADDR + pos, n, false);
		if (ret)
			return ret;
		pos += n;
	}
	ret = dmab_edu_xfer(d, EDU_BUF_ADDR, d->check_dma, p->len, true);
	if (ret)
		return ret;
	dma_sync_single_for_cpu(d->dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	memcpy(out, d->check, p->len);
	dmab_check_poison(d);
	return 0;
}

static int dmab_peek_device(struct dmabench_peek *p, struct dmab_obj *obj)
{
	struct dmab_dev *d = obj->d;
	u8 *out;
	int ret;

	if (d->kind != DMABENCH_DEV_EDU || !d->bar)
		return -EOPNOTSUPP;
	/* the device may only write into a FROM_DEVICE allocation (as VERIFY) */
	if (obj->buf.api != DMABENCH_API_ATTRS && obj->buf.dir == DMA_FROM_DEVICE)
		return -EACCES;
	/* copied out after the engine is released: no user fault under d->engine */
	out = kmalloc(p->len, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	ret = dmab_edu_claim(d);
	if (!ret) {
		ret = dmab_peek_engine(p, d, &obj->buf, out);
		dmab_edu_unclaim(d);
	}
	if (!ret && copy_to_user(u64_to_user_ptr(p->data), out, p->len))
		ret = -EFAULT;
	kfree(out);
	return ret;
}

long dmab_ioc_peek(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_peek *p = arg;
	struct dmab_obj *obj;
	int ret;

	ret = dmab_peek_args(p);
	if (ret)
		return ret;
	obj = dmab_lookup(f, p->handle, DMAB_OBJ_ALLOC);
	if (!obj)
		return -EBADF;
	if (p->offset >= obj->buf.size || p->len > obj->buf.size - p->offset)
		return -EINVAL;
	if (p->via == DMABENCH_PEEK_KVA)
		ret = dmab_peek_kva(p, &obj->buf);
	else
		ret = dmab_peek_device(p, obj);
	if (ret)
		return ret;
	return copy_to_user(uarg, p, sizeof(*p)) ? -EFAULT : 0;
}
