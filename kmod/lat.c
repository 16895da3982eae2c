// SPDX-License-Identifier: GPL-2.0
/*
 * LAT: in-kernel latency loops. Every iteration times op a, then op b, of
 * one enum dmabench_lat_op, on buffers set up (untimed) before the loop;
 * raw samples, a log-linear histogram and a summary per side. Optionally
 * a fixed piece of CPU work is timed too (calibration: the host's speed),
 * and T kernel threads bound to distinct CPUs run the loop at once, as the
 * kernel's own dma_map_benchmark does (each with its own buffers).
 */
#include "dmabench.h"

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
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

/* one thread's side: samples point into the call's array at the thread's slot */
static int dmab_lat_side_init(struct dmab_lat_side *s, u32 *samples, bool hist)
{
	s->sum.min_ns = U64_MAX;
	s->samples = samples;
	if (hist) {
		s->hist = kvcalloc(DMABENCH_HIST_BUCKETS, sizeof(u32), GFP_KERNEL);
		if (!s->hist)
			return -ENOMEM;
	}
	return 0;
}

/* fold one thread's side into the call's total (summaries and histograms add up) */
static void dmab_lat_side_add(struct dmabench_lat_summary *tot, u32 *hist, const struct dmab_lat_side *s)
{
	tot->min_ns = min(tot->min_ns, s->sum.min_ns);
	tot->max_ns = max(tot->max_ns, s->sum.max_ns);
	tot->sum_ns += s->sum.sum_ns;
	if (check_add_overflow(tot->sumsq_ns2, s->sum.sumsq_ns2, &tot->sumsq_ns2))
		tot->sumsq_ns2 = U64_MAX;
	for (u32 i = 0; hist && s->hist && i < DMABENCH_HIST_BUCKETS; i++)
		hist[i] += s->hist[i];
}

/* thread t's first n samples of every thread, packed thread-major with stride iters */
static int dmab_lat_samples_out(u64 uptr, const u32 *all, u32 threads, u32 iters, u32 n)
{
	for (u32 t = 0; uptr && all && n && t < threads; t++)
		if (copy_to_user(u64_to_user_ptr(uptr) + (size_t)t * iters * sizeof(u32), all + (size_t)t * iters,
				 (size_t)n * sizeof(u32)))
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
	if (!l->iters || !l->size || (l->flags & ~DMABENCH_LAT_FLAGS_MASK) ||
	    (l->samples_c && !(l->flags & DMABENCH_LAT_CALIB)))
		return -EINVAL;
	if (l->iters > DMABENCH_MAX_LAT_ITERS || l->size > DMABENCH_MAX_ALLOC_SIZE ||
	    l->threads > DMABENCH_MAX_LAT_THREADS || l->threads > num_online_cpus())
		return -E2BIG;
	if ((u64)max(l->threads, 1U) * l->iters > DMABENCH_MAX_LAT_ITERS)
		return -E2BIG;	/* threads x iters samples per side, like one thread's limit */
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
	struct dmab_lat_side a, b, c;	/* c: the calibration work */
	/* a kernel thread's run */
	u32 n;				/* iterations done */
	int error;
	u64 end_ns;
	struct task_struct *task;
	struct completion done;
	const bool *abort;		/* the caller was killed: stop */
	struct completion *go;		/* released together */
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

/* The calibration work: register-only arithmetic, no memory traffic, no DMA. */
static noinline u64 dmab_calib_work(u64 x)
{
	for (int i = 0; i < DMABENCH_LAT_CALIB_ROUNDS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		x *= 0x2545f4914f6cdd1dULL;
	}
	return x;
}

/*
 * The timed loop of one thread: l->iters iterations or fewer (a failing op
 * sets r->error, a fatal signal or an abort -EINTR, budget_ns ends it
 * early); r->n = the iterations recorded.
 */
static void dmab_lat_loop(struct dmab_lat_run *r)
{
	struct dmabench_lat *l = r->l;
	bool calib = l->flags & DMABENCH_LAT_CALIB;
	u64 t[4], start, x = 0x9e3779b97f4a7c15ULL;
	int err;
	u32 i;

	start = ktime_get_ns();
	for (i = 0; i < l->iters; i++) {
		err = dmab_lat_iter(r, t);
		if (err) {
			r->error = err;
			break;
		}
		dmab_lat_record(&r->a, i, t[1] - t[0]);
		dmab_lat_record(&r->b, i, t[3] - t[2]);
		if (calib) {
			t[0] = ktime_get_ns();
			x = dmab_calib_work(x);
			t[1] = ktime_get_ns();
			dmab_lat_record(&r->c, i, t[1] - t[0]);
		}
		r->n = i + 1;
		cond_resched();
		if (fatal_signal_pending(current) || (r->abort && READ_ONCE(*r->abort))) {
			r->error = -EINTR;
			break;
		}
		if (l->budget_ns && ktime_get_ns() - start > l->budget_ns)
			break;
	}
	r->end_ns = ktime_get_ns();
	OPTIMIZER_HIDE_VAR(x);
}

static int dmab_lat_thread(void *arg)
{
	struct dmab_lat_run *r = arg;

	wait_for_completion(r->go);
	if (!READ_ONCE(*r->abort))
		dmab_lat_loop(r);
	complete(&r->done);
	/* wait for kthread_stop(): the caller owns r */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* the t-th online CPU */
static int dmab_nth_online_cpu(u32 t)
{
	int cpu;

	for_each_online_cpu(cpu)
		if (!t--)
			return cpu;
	return -1;
}

/*
 * Run the threads' loops: bound kernel threads released together (or, for
 * one thread without LAT_KTHREAD, the caller itself). Returns the release
 * time; every thread has finished when it returns.
 */
static u64 dmab_lat_run_threads(struct dmab_lat_run *r, u32 threads, bool kthread)
{
	DECLARE_COMPLETION_ONSTACK(go);
	bool abort = false;
	u64 release;
	u32 t, started = 0;

	if (!kthread) {
		release = ktime_get_ns();
		dmab_lat_loop(&r[0]);
		return release;
	}
	for (t = 0; t < threads; t++) {
		int cpu = dmab_nth_online_cpu(t);
		struct task_struct *task;

		r[t].go = &go;
		r[t].abort = &abort;
		init_completion(&r[t].done);
		task = cpu < 0 ? ERR_PTR(-ENODEV) : kthread_create(dmab_lat_thread, &r[t], "dmab-lat/%u", t);
		if (IS_ERR(task)) {
			r[t].error = PTR_ERR(task);
			break;
		}
		kthread_bind(task, cpu);
		get_task_struct(task);
		r[t].task = task;
		wake_up_process(task);
		started++;
	}
	if (started < threads)
		WRITE_ONCE(abort, true);	/* all or none */
	release = ktime_get_ns();
	complete_all(&go);
	for (t = 0; t < started; t++) {
		if (wait_for_completion_killable(&r[t].done)) {
			WRITE_ONCE(abort, true);	/* killed: the threads stop, we still wait for them */
			wait_for_completion(&r[t].done);
		}
		kthread_stop(r[t].task);
		put_task_struct(r[t].task);
		r[t].task = NULL;
	}
	return release;
}

/* The call's results from its threads: n, error, wall time, summaries and histograms. */
static void dmab_lat_gather(struct dmab_lat_run *r, u32 threads, u64 release, u32 *hist_a, u32 *hist_b)
{
	struct dmabench_lat *l = r[0].l;
	u64 end = release;

	l->n = U32_MAX;
	l->a.min_ns = l->b.min_ns = U64_MAX;
	for (u32 t = 0; t < threads; t++) {
		l->n = min(l->n, r[t].n);
		if (!l->error)
			l->error = r[t].error;
		end = max(end, r[t].end_ns);
		dmab_lat_side_add(&l->a, hist_a, &r[t].a);
		dmab_lat_side_add(&l->b, hist_b, &r[t].b);
	}
	l->wall_ns = end - release;
	if (!l->n) {
		memset(&l->a, 0, sizeof(l->a));
		memset(&l->b, 0, sizeof(l->b));
	}
}

/* Undo dmab_lat_setup() of one thread and drop its histograms. */
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
	kvfree(r->a.hist);
	kvfree(r->b.hist);
}

/* The call's arrays: every thread's samples of a, b and the calibration; the summed histograms. */
struct dmab_lat_bufs {
	u32 *sa, *sb, *sc, *ha, *hb;
};

static int dmab_lat_bufs_alloc(struct dmab_lat_bufs *b, const struct dmabench_lat *l, u32 threads)
{
	size_t n = (size_t)threads * l->iters;

	if (l->samples_a && !(b->sa = kvmalloc_array(n, sizeof(u32), GFP_KERNEL)))
		return -ENOMEM;
	if (l->samples_b && !(b->sb = kvmalloc_array(n, sizeof(u32), GFP_KERNEL)))
		return -ENOMEM;
	if (l->samples_c && !(b->sc = kvmalloc_array(n, sizeof(u32), GFP_KERNEL)))
		return -ENOMEM;
	if (l->hist_a && !(b->ha = kvcalloc(DMABENCH_HIST_BUCKETS, sizeof(u32), GFP_KERNEL)))
		return -ENOMEM;
	if (l->hist_b && !(b->hb = kvcalloc(DMABENCH_HIST_BUCKETS, sizeof(u32), GFP_KERNEL)))
		return -ENOMEM;
	return 0;
}

static void dmab_lat_bufs_free(struct dmab_lat_bufs *b)
{
	kvfree(b->sa);
	kvfree(b->sb);
	kvfree(b->sc);
	kvfree(b->ha);
	kvfree(b->hb);
}

/* Thread t's run: the devices, its sides' slots in the arrays, its own buffers. */
static int dmab_lat_prepare(struct dmab_lat_run *r, struct dmab_lat_run *first, u32 t, struct dmab_lat_bufs *b)
{
	struct dmabench_lat *l = first->l;
	size_t off = (size_t)t * l->iters;
	int ret;

	r->l = l;
	r->d = first->d;
	r->d2 = first->d2;
	r->dev = first->dev;
	r->dev2 = first->dev2;
	r->dir = first->dir;
	ret = dmab_lat_side_init(&r->a, b->sa ? b->sa + off : NULL, l->hist_a);
	if (!ret)
		ret = dmab_lat_side_init(&r->b, b->sb ? b->sb + off : NULL, l->hist_b);
	if (!ret)
		ret = dmab_lat_side_init(&r->c, b->sc ? b->sc + off : NULL, false);
	if (!ret)
		ret = dmab_lat_setup(r);
	return ret;
}

static int dmab_lat_copy_out(struct dmabench_lat *l, u32 threads, struct dmab_lat_bufs *b, void __user *uarg)
{
	if (dmab_lat_samples_out(l->samples_a, b->sa, threads, l->iters, l->n) ||
	    dmab_lat_samples_out(l->samples_b, b->sb, threads, l->iters, l->n) ||
	    dmab_lat_samples_out(l->samples_c, b->sc, threads, l->iters, l->n))
		return -EFAULT;
	if (b->ha && copy_to_user(u64_to_user_ptr(l->hist_a), b->ha, DMABENCH_HIST_BUCKETS * sizeof(u32)))
		return -EFAULT;
	if (b->hb && copy_to_user(u64_to_user_ptr(l->hist_b), b->hb, DMABENCH_HIST_BUCKETS * sizeof(u32)))
		return -EFAULT;
	return copy_to_user(uarg, l, sizeof(*l)) ? -EFAULT : 0;
}

long dmab_ioc_lat(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_lat *l = arg;
	struct dmab_lat_bufs bufs = { 0 };
	struct dmab_lat_run *r;
	bool kthread;
	u32 threads, t, ready = 0;
	int ret;

	ret = dmab_lat_check(l);
	if (ret)
		return ret;
	threads = max(l->threads, 1U);
	kthread = threads > 1 || (l->flags & DMABENCH_LAT_KTHREAD);
	l->n = 0;
	l->error = 0;
	l->wall_ns = 0;
	l->timer_min_ns = 0;
	l->timer_mean_ps = 0;
	memset(&l->a, 0, sizeof(l->a));
	memset(&l->b, 0, sizeof(l->b));

	r = kvcalloc(threads, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r[0].l = l;
	r[0].dir = dmab_dir(l->dir);
	ret = dmab_lat_get_devs(&r[0]);
	if (!ret)
		ret = dmab_lat_bufs_alloc(&bufs, l, threads);
	for (t = 0; !ret && t < threads; t++, ready++)
		ret = dmab_lat_prepare(&r[t], &r[0], t, &bufs);
	if (!ret) {
		u64 release;

		dmab_timer_overhead(l);
		release = dmab_lat_run_threads(r, threads, kthread);
		dmab_lat_gather(r, threads, release, bufs.ha, bufs.hb);
		ret = dmab_lat_copy_out(l, threads, &bufs, uarg);
	}
	/* a thread whose prepare failed may hold part of its setup too */
	for (t = 0; t < threads && t <= ready; t++)
		dmab_lat_teardown(&r[t]);
	if (r[0].d2)
		dmab_dev_put(r[0].d2);
	if (r[0].d)
		dmab_dev_put(r[0].d);
	dmab_lat_bufs_free(&bufs);
	kvfree(r);
	return ret;
}
