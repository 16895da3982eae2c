// SPDX-License-Identifier: GPL-2.0
/*
 * LAT: in-kernel latency loops. Every iteration times op a, then op b, of
 * one enum dmabench_lat_op, on buffers set up (untimed) before the loop;
 * raw samples, a log-linear histogram and a summary per side.
 */
#include "dmabench.h"

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#define DMAB_TIMER_PAIRS	256

struct dmab_lat_side {
	u32 *samples;		/* kvmalloc'd, or NULL */
	u32 *hist;		/* kvzalloc'd, or NULL */
	struct dmabench_lat_summary sum;
};

static void dmab_lat_record(struct dmab_lat_side *s, u32 i, u64 ns)
{
	u64 sq;

	if (s->samples)
		s->samples[i] = ns > U32_MAX ? U32_MAX : ns;
	if (s->hist)
		s->hist[dmabench_hist_bucket(ns)]++;
	if (ns < s->sum.min_ns)
		s->sum.min_ns = ns;
	if (ns > s->sum.max_ns)
		s->sum.max_ns = ns;
	s->sum.sum_ns += ns;
	if (check_mul_overflow(ns, ns, &sq) ||
	    check_add_overflow(s->sum.sumsq_ns2, sq, &s->sum.sumsq_ns2))
		s->sum.sumsq_ns2 = U64_MAX;
}

static int dmab_lat_side_init(struct dmab_lat_side *s, u64 samples, u64 hist, u32 iters)
{
	s->sum.min_ns = U64_MAX;
	if (samples) {
		s->samples = kvmalloc_array(iters, sizeof(u32), GFP_KERNEL);
		if (!s->samples)
			return -ENOMEM;
	}
	if (hist) {
		s->hist = kvcalloc(DMABENCH_HIST_BUCKETS, sizeof(u32), GFP_KERNEL);
		if (!s->hist)
			return -ENOMEM;
	}
	return 0;
}

static int dmab_lat_side_out(struct dmab_lat_side *s, u64 samples, u64 hist, u32 n)
{
	if (s->samples && n &&
	    copy_to_user(u64_to_user_ptr(samples), s->samples, (size_t)n * sizeof(u32)))
		return -EFAULT;
	if (s->hist && copy_to_user(u64_to_user_ptr(hist), s->hist,
				    DMABENCH_HIST_BUCKETS * sizeof(u32)))
		return -EFAULT;
	return 0;
}

static u64 dmab_slow(u32 op, u64 t0, u64 t1)
{
	unsigned int pct = READ_ONCE(dmab_slow_pct);
	u64 until;

	if (likely(!pct || pct > 1000 || op != READ_ONCE(dmab_slow_op) || t1 < t0))
		return t1;
	until = t0 + div_u64((t1 - t0) * (100 + pct), 100);
	while ((t1 = ktime_get_ns()) < until)
		cpu_relax();
	return t1;
}

static void dmab_timer_overhead(struct dmabench_lat *l)
{
	u64 t0, t1, d, min = U64_MAX, sum = 0;
	int i;

	for (i = 0; i < DMAB_TIMER_PAIRS; i++) {
		t0 = ktime_get_ns();
		t1 = ktime_get_ns();
		d = t1 - t0;
		min = min(min, d);
		sum += d;
	}
	l->timer_min_ns = min;
	l->timer_mean_ps = div_u64(sum * 1000, DMAB_TIMER_PAIRS);
}

static int dmab_lat_check(struct dmabench_lat *l)
{
	bool need_dir = false;
	int ret;

	if (!DMAB_RESERVED_OK(*l))
		return -EINVAL;
	if (l->op < DMABENCH_LAT_ALLOC_FREE || l->op > DMABENCH_LAT_OP_MAX)
		return -EINVAL;
	if (l->dir > DMABENCH_DIR_FROM_DEVICE)
		return -EINVAL;
	switch (l->op) {
	case DMABENCH_LAT_SGTABLE:
		if (l->api != DMABENCH_API_ATTRS)
			return -EINVAL;
		fallthrough;
	case DMABENCH_LAT_ALLOC_FREE:
		ret = dmab_check_api(l->api, l->attrs, l->dir, false);
		if (ret)
			return ret;
		break;
	case DMABENCH_LAT_MAP_SG:
	case DMABENCH_LAT_SYNC_SG:
		ret = dmab_check_api(l->api, l->attrs, l->dir, false);
		if (ret)
			return ret;
		need_dir = true;
		break;
	case DMABENCH_LAT_MAP_SINGLE:
		/* api is ignored; attrs are the map attrs */
		if (l->attrs & ~DMABENCH_MAP_ATTRS_MASK)
			return -EINVAL;
		need_dir = true;
		break;
	}
	if (need_dir && !dmab_dir_valid(l->dir))
		return -EINVAL;
	if (!l->iters || !l->size)
		return -EINVAL;
	if (l->iters > DMABENCH_MAX_LAT_ITERS || l->size > DMABENCH_MAX_ALLOC_SIZE)
		return -E2BIG;
	return 0;
}

/* One LAT call: its arguments, devices, untimed setup and both sides' results. */
struct dmab_lat_run {
	struct dmabench_lat *l;
	struct dmab_dev *d, *d2;	/* d2: MAP_SG, SYNC_SG only */
	struct device *dev, *dev2;
	enum dma_data_direction dir;
	struct dmab_buf buf;		/* ALLOC_FREE: the template; else the buffer */
	bool have_buf, have_sgt, mapped;
	struct sg_table sgt;		/* MAP_SG, SYNC_SG: buf's table (SYNC_SG: mapped on dev2) */
	void *va;			/* MAP_SINGLE: page buffer */
	struct dmab_lat_side a, b;
};

/* The devices of the op: dev allocates / maps single, dev2 maps the table. */
static int dmab_lat_get_devs(struct dmab_lat_run *r)
{
	u32 op = r->l->op;

	r->d = dmab_dev_get(r->l->dev);
	if (!r->d)
		return -ENODEV;
	r->dev = r->d->dev;
	if (op == DMABENCH_LAT_MAP_SG || op == DMABENCH_LAT_SYNC_SG) {
		r->d2 = dmab_dev_get(r->l->dev2);
		if (!r->d2)
			return -ENODEV;
		r->dev2 = r->d2->dev;
	}
	return 0;
}

/* MAP_SG, SYNC_SG: buffer on dev, its table, checked for dev2 (SYNC_SG: mapped there). */
static int dmab_lat_setup_sg(struct dmab_lat_run *r)
{
	int ret;

	ret = dmab_buf_alloc(&r->buf);
	r->have_buf = !ret;
	if (!ret) {
		ret = dmab_buf_sgtable(&r->buf, &r->sgt);
		r->have_sgt = !ret;
	}
	if (!ret)
		ret = dmab_sgt_check(r->dev2, &r->sgt);
	if (!ret && r->l->op == DMABENCH_LAT_SYNC_SG) {
		ret = dma_map_sgtable(r->dev2, &r->sgt, r->dir, 0);
		r->mapped = !ret;
	}
	return ret;
}

/* MAP_SINGLE: linear-map pages dev can be handed (-E2BIG, -ENOMEM, -EIO). */
static int dmab_lat_setup_single(struct dmab_lat_run *r)
{
	size_t size = r->l->size;

	if (size > dma_max_mapping_size(r->dev))
		return -E2BIG;
	r->va = alloc_pages_exact(size, DMAB_GFP);
	if (!r->va)
		return -ENOMEM;
	if (dmab_compat_dma_direct(r->dev) && !dmab_direct_ok(r->dev, virt_to_phys(r->va), size))
		return -EIO;
	return 0;
}

/* Everything the loop needs, untimed; undone by dmab_lat_teardown(). */
static int dmab_lat_setup(struct dmab_lat_run *r)
{
	struct dmabench_lat *l = r->l;
	int ret = 0;

	r->buf.dev = r->dev;
	r->buf.api = l->api;
	r->buf.size = l->size;
	r->buf.attrs = dmab_attrs(l->attrs);
	r->buf.dir = r->dir;
	switch (l->op) {
	case DMABENCH_LAT_SGTABLE:
		ret = dmab_buf_alloc(&r->buf);
		r->have_buf = !ret;
		break;
	case DMABENCH_LAT_MAP_SG:
	case DMABENCH_LAT_SYNC_SG:
		ret = dmab_lat_setup_sg(r);
		break;
	case DMABENCH_LAT_MAP_SINGLE:
		ret = dmab_lat_setup_single(r);
		break;
	}
	return ret;
}

/*
 * One iteration of each op: op a runs from t[0] to t[1] (dmab_slow() may
 * stretch it), op b from t[2] to t[3]. A failing op a returns its error
 * and leaves t[2], t[3] unset.
 */
static int dmab_lat_alloc_free(struct dmab_lat_run *r, u64 *t)
{
	struct dmab_buf lbuf = r->buf;
	int err;

	t[0] = ktime_get_ns();
	err = dmab_buf_alloc(&lbuf);
	t[1] = dmab_slow(r->l->op, t[0], ktime_get_ns());
	if (err)
		return err;
	t[2] = ktime_get_ns();
	dmab_buf_free(&lbuf);
	t[3] = ktime_get_ns();
	return 0;
}

static int dmab_lat_sgtable(struct dmab_lat_run *r, u64 *t)
{
	struct dmab_buf *b = &r->buf;
	struct sg_table tsgt;
	int err;

	t[0] = ktime_get_ns();
	err = dma_get_sgtable_attrs(r->dev, &tsgt, b->cpu, b->dma, b->size, b->attrs);
	t[1] = dmab_slow(r->l->op, t[0], ktime_get_ns());
	if (err)
		return err;
	t[2] = ktime_get_ns();
	sg_free_table(&tsgt);
	t[3] = ktime_get_ns();
	return 0;
}

static int dmab_lat_map_sg(struct dmab_lat_run *r, u64 *t)
{
	int err;

	t[0] = ktime_get_ns();
	err = dma_map_sgtable(r->dev2, &r->sgt, r->dir, 0);
	t[1] = dmab_slow(r->l->op, t[0], ktime_get_ns());
	if (err)
		return err;
	t[2] = ktime_get_ns();
	dma_unmap_sgtable(r->dev2, &r->sgt, r->dir, 0);
	t[3] = ktime_get_ns();
	return 0;
}

static int dmab_lat_map_single(struct dmab_lat_run *r, u64 *t)
{
	size_t size = r->l->size;
	dma_addr_t dma;

	t[0] = ktime_get_ns();
	dma = dma_map_single_attrs(r->dev, r->va, size, r->dir, r->buf.attrs);
	t[1] = dmab_slow(r->l->op, t[0], ktime_get_ns());
	if (dma_mapping_error(r->dev, dma))
		return -ENOMEM;
	t[2] = ktime_get_ns();
	dma_unmap_single_attrs(r->dev, dma, size, r->dir, r->buf.attrs);
	t[3] = ktime_get_ns();
	return 0;
}

static int dmab_lat_sync_sg(struct dmab_lat_run *r, u64 *t)
{
	t[0] = ktime_get_ns();
	dma_sync_sgtable_for_cpu(r->dev2, &r->sgt, r->dir);
	t[1] = dmab_slow(r->l->op, t[0], ktime_get_ns());
	t[2] = ktime_get_ns();
	dma_sync_sgtable_for_device(r->dev2, &r->sgt, r->dir);
	t[3] = ktime_get_ns();
	return 0;
}

static int dmab_lat_iter(struct dmab_lat_run *r, u64 *t)
{
	switch (r->l->op) {
	case DMABENCH_LAT_ALLOC_FREE:
		return dmab_lat_alloc_free(r, t);
	case DMABENCH_LAT_SGTABLE:
		return dmab_lat_sgtable(r, t);
	case DMABENCH_LAT_MAP_SG:
		return dmab_lat_map_sg(r, t);
	case DMABENCH_LAT_MAP_SINGLE:
		return dmab_lat_map_single(r, t);
	case DMABENCH_LAT_SYNC_SG:
		return dmab_lat_sync_sg(r, t);
	}
	return 0;
}

/*
 * The timed loop: l->iters iterations or fewer (a failing op sets
 * l->error, a fatal signal -EINTR, budget_ns ends it early); l->n = the
 * iterations recorded.
 */
static void dmab_lat_loop(struct dmab_lat_run *r)
{
	struct dmabench_lat *l = r->l;
	u64 t[4], start;
	int err;
	u32 i;

	dmab_timer_overhead(l);
	start = ktime_get_ns();
	for (i = 0; i < l->iters; i++) {
		err = dmab_lat_iter(r, t);
		if (err) {
			l->error = err;
			break;
		}
		dmab_lat_record(&r->a, i, t[1] - t[0]);
		dmab_lat_record(&r->b, i, t[3] - t[2]);
		l->n = i + 1;
		cond_resched();
		if (fatal_signal_pending(current)) {
			l->error = -EINTR;
			break;
		}
		if (l->budget_ns && ktime_get_ns() - start > l->budget_ns)
			break;
	}
	if (l->n) {
		l->a = r->a.sum;
		l->b = r->b.sum;
	}
}

static int dmab_lat_copy_out(struct dmab_lat_run *r, void __user *uarg)
{
	struct dmabench_lat *l = r->l;
	int ret;

	ret = dmab_lat_side_out(&r->a, l->samples_a, l->hist_a, l->n);
	if (!ret)
		ret = dmab_lat_side_out(&r->b, l->samples_b, l->hist_b, l->n);
	if (!ret && copy_to_user(uarg, l, sizeof(*l)))
		ret = -EFAULT;
	return ret;
}

/* Undo dmab_lat_setup(), free the sides, drop the device references. */
static void dmab_lat_teardown(struct dmab_lat_run *r)
{
	if (r->mapped)
		dma_unmap_sgtable(r->dev2, &r->sgt, r->dir, 0);
	if (r->have_sgt)
		sg_free_table(&r->sgt);
	if (r->have_buf)
		dmab_buf_free(&r->buf);
	if (r->va)
		free_pages_exact(r->va, r->l->size);
	kvfree(r->a.samples);
	kvfree(r->a.hist);
	kvfree(r->b.samples);
	kvfree(r->b.hist);
	if (r->d2)
		dmab_dev_put(r->d2);
	if (r->d)
		dmab_dev_put(r->d);
}

long dmab_ioc_lat(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmab_lat_run r = { .l = arg };
	struct dmabench_lat *l = arg;
	int ret;

	ret = dmab_lat_check(l);
	if (ret)
		return ret;
	l->n = 0;
	l->error = 0;
	l->timer_min_ns = 0;
	l->timer_mean_ps = 0;
	memset(&l->a, 0, sizeof(l->a));
	memset(&l->b, 0, sizeof(l->b));
	r.dir = dmab_dir(l->dir);

	ret = dmab_lat_get_devs(&r);
	if (!ret)
		ret = dmab_lat_side_init(&r.a, l->samples_a, l->hist_a, l->iters);
	if (!ret)
		ret = dmab_lat_side_init(&r.b, l->samples_b, l->hist_b, l->iters);
	if (!ret)
		ret = dmab_lat_setup(&r);
	if (!ret) {
		dmab_lat_loop(&r);
		ret = dmab_lat_copy_out(&r, uarg);
	}
	dmab_lat_teardown(&r);
	return ret;
}
