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

long dmab_ioc_lat(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmab_lat_side a = {}, b = {};
	struct dmab_dev *d = NULL, *d2 = NULL;
	struct device *dev, *dev2 = NULL;
	struct dmab_buf buf = {}, lbuf;
	bool have_buf = false, have_sgt = false, mapped = false;
	enum dma_data_direction dir;
	struct sg_table sgt = {}, tsgt;
	struct dmabench_lat *l = arg;
	u64 t0, t1, t2, t3, start;
	void *va = NULL;
	dma_addr_t dma;
	int ret, err;
	u32 i;

	ret = dmab_lat_check(l);
	if (ret)
		return ret;
	l->n = 0;
	l->error = 0;
	l->timer_min_ns = 0;
	l->timer_mean_ps = 0;
	memset(&l->a, 0, sizeof(l->a));
	memset(&l->b, 0, sizeof(l->b));
	dir = dmab_dir(l->dir);

	d = dmab_dev_get(l->dev);
	if (!d)
		return -ENODEV;
	dev = d->dev;
	if (l->op == DMABENCH_LAT_MAP_SG || l->op == DMABENCH_LAT_SYNC_SG) {
		d2 = dmab_dev_get(l->dev2);
		if (!d2) {
			ret = -ENODEV;
			goto out;
		}
		dev2 = d2->dev;
	}
	ret = dmab_lat_side_init(&a, l->samples_a, l->hist_a, l->iters);
	if (!ret)
		ret = dmab_lat_side_init(&b, l->samples_b, l->hist_b, l->iters);
	if (ret)
		goto out;

	/* setup, untimed */
	buf.dev = dev;
	buf.api = l->api;
	buf.size = l->size;
	buf.attrs = dmab_attrs(l->attrs);
	buf.dir = dir;
	switch (l->op) {
	case DMABENCH_LAT_SGTABLE:
		ret = dmab_buf_alloc(&buf);
		have_buf = !ret;
		break;
	case DMABENCH_LAT_MAP_SG:
	case DMABENCH_LAT_SYNC_SG:
		ret = dmab_buf_alloc(&buf);
		have_buf = !ret;
		if (!ret) {
			ret = dmab_buf_sgtable(&buf, &sgt);
			have_sgt = !ret;
		}
		if (!ret)
			ret = dmab_sgt_check(dev2, &sgt);
		if (!ret && l->op == DMABENCH_LAT_SYNC_SG) {
			ret = dma_map_sgtable(dev2, &sgt, dir, 0);
			mapped = !ret;
		}
		break;
	case DMABENCH_LAT_MAP_SINGLE:
		ret = -E2BIG;
		if (l->size > dma_max_mapping_size(dev))
			break;
		ret = -ENOMEM;
		va = alloc_pages_exact(l->size, DMAB_GFP);
		if (!va)
			break;
		ret = 0;
		if (dmab_compat_dma_direct(dev) && !dmab_direct_ok(dev, virt_to_phys(va), l->size))
			ret = -EIO;
		break;
	}
	if (ret)
		goto out;

	dmab_timer_overhead(l);
	start = ktime_get_ns();
	for (i = 0; i < l->iters; i++) {
		err = 0;
		switch (l->op) {
		case DMABENCH_LAT_ALLOC_FREE:
			lbuf = buf;
			t0 = ktime_get_ns();
			err = dmab_buf_alloc(&lbuf);
			t1 = dmab_slow(l->op, t0, ktime_get_ns());
			if (err)
				break;
			t2 = ktime_get_ns();
			dmab_buf_free(&lbuf);
			t3 = ktime_get_ns();
			break;
		case DMABENCH_LAT_SGTABLE:
			t0 = ktime_get_ns();
			err = dma_get_sgtable_attrs(dev, &tsgt, buf.cpu, buf.dma, buf.size,
						    buf.attrs);
			t1 = dmab_slow(l->op, t0, ktime_get_ns());
			if (err)
				break;
			t2 = ktime_get_ns();
			sg_free_table(&tsgt);
			t3 = ktime_get_ns();
			break;
		case DMABENCH_LAT_MAP_SG:
			t0 = ktime_get_ns();
			err = dma_map_sgtable(dev2, &sgt, dir, 0);
			t1 = dmab_slow(l->op, t0, ktime_get_ns());
			if (err)
				break;
			t2 = ktime_get_ns();
			dma_unmap_sgtable(dev2, &sgt, dir, 0);
			t3 = ktime_get_ns();
			break;
		case DMABENCH_LAT_MAP_SINGLE:
			t0 = ktime_get_ns();
			dma = dma_map_single_attrs(dev, va, l->size, dir, buf.attrs);
			t1 = dmab_slow(l->op, t0, ktime_get_ns());
			if (dma_mapping_error(dev, dma)) {
				err = -ENOMEM;
				break;
			}
			t2 = ktime_get_ns();
			dma_unmap_single_attrs(dev, dma, l->size, dir, buf.attrs);
			t3 = ktime_get_ns();
			break;
		case DMABENCH_LAT_SYNC_SG:
			t0 = ktime_get_ns();
			dma_sync_sgtable_for_cpu(dev2, &sgt, dir);
			t1 = dmab_slow(l->op, t0, ktime_get_ns());
			t2 = ktime_get_ns();
			dma_sync_sgtable_for_device(dev2, &sgt, dir);
			t3 = ktime_get_ns();
			break;
		}
		if (err) {
			l->error = err;
			break;
		}
		dmab_lat_record(&a, i, t1 - t0);
		dmab_lat_record(&b, i, t3 - t2);
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
		l->a = a.sum;
		l->b = b.sum;
	}
	ret = dmab_lat_side_out(&a, l->samples_a, l->hist_a, l->n);
	if (!ret)
		ret = dmab_lat_side_out(&b, l->samples_b, l->hist_b, l->n);
	if (!ret && copy_to_user(uarg, l, sizeof(*l)))
		ret = -EFAULT;
out:
	if (mapped)
		dma_unmap_sgtable(dev2, &sgt, dir, 0);
	if (have_sgt)
		sg_free_table(&sgt);
	if (have_buf)
		dmab_buf_free(&buf);
	if (va)
		free_pages_exact(va, l->size);
	kvfree(a.samples);
	kvfree(a.hist);
	kvfree(b.samples);
	kvfree(b.hist);
	if (d2)
		dmab_dev_put(d2);
	dmab_dev_put(d);
	return ret;
}
