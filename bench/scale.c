// SPDX-License-Identifier: GPL-2.0
/*
 * scale - throughput of DMA-mapping ops against the number of threads (guest job "scale").
 *
 *   scale [--threads LIST] [--ops LIST] [--granule LIST] [--target-ms MS] [--iters-max N]
 *         [--dev N] [--dev2 N] [--no-samples] OUT.json
 *
 * Every point is one DMABENCH_IOC_LAT call with T kernel threads bound to the first T online
 * CPUs (LAT_KTHREAD even for T = 1, so every T runs in the same context), released together,
 * each with its own buffers (kmod/lat.c), as the kernel's dma_map_benchmark runs its threads.
 * Ops (lat op names): map_single (map + unmap of one linear buffer), map_sg (dma_map_sgtable +
 * unmap of a dma_alloc_attrs buffer's table on --dev2) and alloc_free (dma_alloc_attrs +
 * dma_free_attrs); the buffer is GRANULE pages (map_benchmark's granule) of the guest's page
 * size. Defaults: --threads 1..online CPUs, --ops map_single,map_sg,alloc_free, --granule 1.
 *
 * Fixed work, not fixed time: per op and granule a T = 1 warm-up run (budget target/4)
 * measures the rate; every T then runs with the same iterations per thread (rate x target,
 * at most --iters-max), so n equals iters in every thread and throughput = T x iters / wall,
 * wall running from the release to the last thread's end (a point that hits its safety
 * budget of 20 x target has n < iters: "budget_hit", throughput then a lower bound).
 * speedup = ops/s at T / ops/s at T = 1; efficiency = speedup / T.
 *
 * Output: {"schema":1, "cpus_online", "page_size", "dev", "dev2", "target_ms", "timer_min_ns",
 * "notes":[...], "points":[{"op", "granule", "size", "threads", "iters", "n", "errno",
 * "budget_hit", "wall_ns", "ops_per_s", "speedup", "efficiency", "a":{summary of every
 * thread's samples of the first half: "op", "n", min .. p999, max, mean, stddev},
 * "b":{same, second half}, "per_thread":[{"thread", "mean_a", "mean_b", "samples_a",
 * "samples_b"}]}]}; an op that is one map + unmap (alloc + free) counts once in ops/s.
 * Exit 0: every point ran (a point's own error is in its row), 1 on errors, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmab.h"
#include "json.h"
#include "names.h"
#include "stats.h"
#include "util.h"

#define MAX_LIST 16

struct opts {
	uint32_t threads[MAX_LIST], nthreads;
	uint32_t ops[MAX_LIST], nops;
	uint32_t granule[MAX_LIST], ngranule;
	uint64_t target_ms;
	uint32_t iters_max;
	long dev, dev2;
	bool no_samples;
};

struct point {
	uint32_t op, granule, threads, iters, n;
	uint64_t size, wall_ns;
	int err;
	bool budget_hit;
	double ops_s;
	uint32_t *sa, *sb;	/* threads x n, thread-major, stride n */
};

/* "1,2,4" -> v[]: numbers in 1..max; 0 or -EINVAL */
static int parse_u32_list(const char *arg, uint32_t *v, uint32_t *n, unsigned long max)
{
	char *dup = strdup(arg), *tok, *save, *ep;

	if (!dup)
		return -ENOMEM;
	*n = 0;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long x = strtoul(tok, &ep, 10);

		if (*ep || !*tok || tok[0] == '-' || x < 1 || x > max || *n >= MAX_LIST) {
			free(dup);
			return -EINVAL;
		}
		v[(*n)++] = (uint32_t)x;
	}
	free(dup);
	return *n ? 0 : -EINVAL;
}

static int parse_ops(const char *arg, struct opts *o)
{
	char *dup = strdup(arg), *tok, *save;

	if (!dup)
		return -ENOMEM;
	o->nops = 0;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int v = dmab_value_of(dmab_lat_op_names, tok);

		if (v < 1 || o->nops >= MAX_LIST) {
			free(dup);
			return -EINVAL;
		}
		o->ops[o->nops++] = (uint32_t)v;
	}
	free(dup);
	return o->nops ? 0 : -EINVAL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scale [--threads LIST] [--ops LIST] [--granule LIST] [--target-ms MS]\n"
		"             [--iters-max N] [--dev N] [--dev2 N] [--no-samples] OUT.json\n"
		"Throughput of DMA-mapping ops against the number of kernel threads (DMABENCH_IOC_LAT\n"
		"with T threads bound to the first T online CPUs, released together).\n"
		"--threads LIST  thread counts (default 1..online CPUs), e.g. 1,2,4\n"
		"--ops LIST      map_single, map_sg, alloc_free, sgtable, sync_sg (default the first three)\n"
		"--granule LIST  pages per mapping / allocation (default 1)\n"
		"--target-ms MS  wall time of each point at T = 1 (default 1500): the iterations per\n"
		"                thread come from a T = 1 warm-up, the same for every T\n"
		"--iters-max N   at most N iterations per thread (default 100000)\n"
		"--no-samples    per-thread raw samples left out of the JSON\n");
}

static void kv_summary(struct dmab_json *j, const char *key, const char *opname, const uint32_t *s, size_t n)
{
	struct dmab_summary sm;

	if (dmab_summarize(s, n, &sm))
		memset(&sm, 0, sizeof(sm));
	dmab_json_key(j, key);
	dmab_json_obj_begin(j);
	dmab_json_kv_str(j, "op", opname);
	dmab_json_kv_u64(j, "n", n);
	dmab_json_kv_u64(j, "min", sm.min);
	dmab_json_kv_u64(j, "p50", sm.p50);
	dmab_json_kv_u64(j, "p90", sm.p90);
	dmab_json_kv_u64(j, "p99", sm.p99);
	dmab_json_kv_u64(j, "p999", sm.p999);
	dmab_json_kv_u64(j, "max", sm.max);
	dmab_json_kv_double(j, "mean", sm.mean);
	dmab_json_kv_double(j, "stddev", sm.stddev);
	dmab_json_obj_end(j);
}

static double mean_u32(const uint32_t *s, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += s[i];
	return n ? sum / (double)n : 0;
}

/* One LAT call; the point's samples are compacted to stride n. 0, or -errno of the ioctl. */
static int run_point(int fd, const struct opts *o, struct point *p, uint64_t budget_ns, uint32_t *sa, uint32_t *sb,
		     uint64_t *timer_min)
{
	bool sg = p->op == DMABENCH_LAT_MAP_SG || p->op == DMABENCH_LAT_SYNC_SG;
	bool streaming = sg || p->op == DMABENCH_LAT_MAP_SINGLE;
	struct dmabench_lat l = {
		.op = p->op, .dev = (uint32_t)o->dev, .dev2 = sg ? (uint32_t)o->dev2 : 0,
		.api = DMABENCH_API_ATTRS, .size = p->size, .dir = streaming ? DMABENCH_DIR_BIDIRECTIONAL : 0,
		.iters = p->iters, .budget_ns = budget_ns, .samples_a = (uintptr_t)sa, .samples_b = (uintptr_t)sb,
		.threads = p->threads, .flags = DMABENCH_LAT_KTHREAD,
	};
	int r = dmab_lat(fd, &l);

	if (r)
		return r;
	p->err = l.error < 0 ? -l.error : l.error;
	p->n = l.n > p->iters ? p->iters : l.n;
	p->wall_ns = l.wall_ns;
	p->budget_hit = !p->err && p->n < p->iters;
	p->ops_s = p->wall_ns ? (double)p->threads * p->n * 1e9 / (double)p->wall_ns : 0;
	if (l.timer_min_ns && (!*timer_min || l.timer_min_ns < *timer_min))
		*timer_min = l.timer_min_ns;
	if (p->n && sa) {
		p->sa = malloc((size_t)p->threads * p->n * sizeof(uint32_t));
		p->sb = malloc((size_t)p->threads * p->n * sizeof(uint32_t));
		if (!p->sa || !p->sb)
			return -ENOMEM;
		for (uint32_t t = 0; t < p->threads; t++) {
			memcpy(p->sa + (size_t)t * p->n, sa + (size_t)t * p->iters, p->n * sizeof(uint32_t));
			memcpy(p->sb + (size_t)t * p->n, sb + (size_t)t * p->iters, p->n * sizeof(uint32_t));
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "threads", required_argument, NULL, 'T' }, { "ops", required_argument, NULL, 'O' },
		{ "granule", required_argument, NULL, 'g' }, { "target-ms", required_argument, NULL, 'm' },
		{ "iters-max", required_argument, NULL, 'i' }, { "dev", required_argument, NULL, 'd' },
		{ "dev2", required_argument, NULL, 'D' }, { "no-samples", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct opts o = { .target_ms = 1500, .iters_max = 100000, .dev = -1, .dev2 = -1 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), page = sysconf(_SC_PAGESIZE);
	struct point *pts = NULL;
	size_t npts = 0, i;
	uint32_t tmax = 1, *sa = NULL, *sb = NULL;
	uint64_t timer_min = 0;
	char notes[4][160], dev1name[40] = "?", dev2name[40] = "?";
	int nnotes = 0, fd, c, ret = 1, nerr = 0;
	double t0 = dmab_now();
	struct dmab_json j;
	FILE *out;

	if (cpus < 1)
		cpus = 1;
	o.ops[0] = DMABENCH_LAT_MAP_SINGLE;
	o.ops[1] = DMABENCH_LAT_MAP_SG;
	o.ops[2] = DMABENCH_LAT_ALLOC_FREE;
	o.nops = 3;
	o.granule[0] = 1;
	o.ngranule = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		char *ep;
		unsigned long long v;

		switch (c) {
		case 'T':
			if (parse_u32_list(optarg, o.threads, &o.nthreads, DMABENCH_MAX_LAT_THREADS)) {
				fprintf(stderr, "scale: bad --threads '%s' (comma list of 1..%d)\n", optarg,
					DMABENCH_MAX_LAT_THREADS);
				return 2;
			}
			break;
		case 'O':
			if (parse_ops(optarg, &o)) {
				fprintf(stderr, "scale: bad --ops '%s'\n", optarg);
				return 2;
			}
			break;
		case 'g':
			if (parse_u32_list(optarg, o.granule, &o.ngranule, 1024)) {
				fprintf(stderr, "scale: bad --granule '%s' (comma list of 1..1024 pages)\n", optarg);
				return 2;
			}
			break;
		case 'm':
		case 'i':
		case 'd':
		case 'D':
			errno = 0;
			v = strtoull(optarg, &ep, 0);
			if (errno || *ep || !*optarg || optarg[0] == '-' ||
			    (c == 'm' && (v < 10 || v > 600000)) ||
			    (c == 'i' && (v < 1 || v > DMABENCH_MAX_LAT_ITERS)) ||
			    ((c == 'd' || c == 'D') && v >= DMABENCH_MAX_DEVICES)) {
				fprintf(stderr, "scale: bad value '%s' for --%s\n", optarg,
					c == 'm' ? "target-ms" : c == 'i' ? "iters-max" : c == 'd' ? "dev" : "dev2");
				return 2;
			}
			if (c == 'm')
				o.target_ms = v;
			else if (c == 'i')
				o.iters_max = (uint32_t)v;
			else if (c == 'd')
				o.dev = (long)v;
			else
				o.dev2 = (long)v;
			break;
		case 'n':
			o.no_samples = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	if (!o.nthreads) {
		for (long t = 1; t <= cpus && t <= DMABENCH_MAX_LAT_THREADS; t++)
			o.threads[o.nthreads++] = (uint32_t)t;
		if (cpus > MAX_LIST)
			o.nthreads = MAX_LIST;
	}
	for (i = 0; i < o.nthreads; i++)
		if (o.threads[i] > tmax)
			tmax = o.threads[i];
	if (o.iters_max > DMABENCH_MAX_LAT_ITERS / tmax)
		o.iters_max = DMABENCH_MAX_LAT_ITERS / tmax;

	fd = dmab_open(NULL);
	if (fd < 0) {
		fprintf(stderr, "scale: open %s: %s (is dmabench.ko loaded, debugfs mounted, are you root?)\n",
			DMABENCH_CTL_PATH, strerror(-fd));
		return 1;
	}
	if (o.dev < 0)
		o.dev = dmab_find_dev(fd, DMABENCH_DEV_EDU, 0);
	if (o.dev2 < 0) {
		o.dev2 = dmab_find_dev(fd, DMABENCH_DEV_EDU, 1);
		if (o.dev2 == o.dev)
			o.dev2 = -1;
	}
	if (o.dev < 0) {
		fprintf(stderr, "scale: no edu device (use --dev N)\n");
		goto out_fd;
	}
	{
		struct dmabench_dev_info di;

		if (!dmab_dev_info(fd, (uint32_t)o.dev, &di))
			snprintf(dev1name, sizeof(dev1name), "%.*s", (int)sizeof(di.name), (const char *)di.name);
		if (o.dev2 >= 0 && !dmab_dev_info(fd, (uint32_t)o.dev2, &di))
			snprintf(dev2name, sizeof(dev2name), "%.*s", (int)sizeof(di.name), (const char *)di.name);
	}
	sa = calloc((size_t)tmax * o.iters_max, sizeof(*sa));
	sb = calloc((size_t)tmax * o.iters_max, sizeof(*sb));
	pts = calloc((size_t)o.nops * o.ngranule * o.nthreads, sizeof(*pts));
	if (!sa || !sb || !pts) {
		fprintf(stderr, "scale: out of memory\n");
		goto out_fd;
	}
	for (uint32_t oi = 0; oi < o.nops; oi++) {
		uint32_t op = o.ops[oi];
		bool sg = op == DMABENCH_LAT_MAP_SG || op == DMABENCH_LAT_SYNC_SG;

		if (sg && o.dev2 < 0) {
			if (nnotes < 4)
				snprintf(notes[nnotes++], sizeof(notes[0]), "%s skipped: no second edu device (--dev2)",
					 dmab_name_or(dmab_lat_op_names, op));
			continue;
		}
		for (uint32_t gi = 0; gi < o.ngranule; gi++) {
			struct point warm = { .op = op, .granule = o.granule[gi], .threads = 1,
					      .size = (uint64_t)o.granule[gi] * (uint64_t)page, .iters = o.iters_max };
			uint32_t iters;
			int r;

			/* warm-up and rate: T = 1, a quarter of the target */
			r = run_point(fd, &o, &warm, o.target_ms * 250000ULL, NULL, NULL, &timer_min);
			if (!r && (warm.err || !warm.n || !warm.wall_ns))
				r = -(warm.err ? warm.err : EIO);
			iters = 1;
			if (!r) {
				double per_ns = (double)warm.wall_ns / warm.n, want = o.target_ms * 1e6 / per_ns;

				iters = want > o.iters_max ? o.iters_max : want < 20 ? 20 : (uint32_t)want;
				if (iters > o.iters_max)
					iters = o.iters_max;
			}
			for (uint32_t ti = 0; ti < o.nthreads; ti++) {
				struct point *p = &pts[npts++];

				*p = (struct point){ .op = op, .granule = o.granule[gi], .threads = o.threads[ti],
						     .size = warm.size, .iters = iters };
				if (r) {
					p->err = -r;	/* the warm-up failed: every T of this op and granule */
				} else if (p->threads > cpus) {
					p->err = E2BIG;
				} else {
					int rr = run_point(fd, &o, p, o.target_ms * 20000000ULL, sa, sb, &timer_min);

					if (rr == -ENOMEM && !p->sa) {
						fprintf(stderr, "scale: out of memory\n");
						goto out_fd;
					}
					if (rr)
						p->err = -rr;
				}
				nerr += p->err != 0;
				fprintf(stderr, "scale: %-10s granule %u T=%u: iters %u n %u wall %.3f s %.0f ops/s%s%s%s\n",
					dmab_name_or(dmab_lat_op_names, op), p->granule, p->threads, p->iters, p->n,
					p->wall_ns / 1e9, p->ops_s, p->budget_hit ? " (budget hit)" : "",
					p->err ? " error: " : "", p->err ? strerror(p->err) : "");
			}
		}
	}

	out = fopen(argv[optind], "w");
	if (!out) {
		fprintf(stderr, "scale: %s: %s\n", argv[optind], strerror(errno));
		goto out_fd;
	}
	dmab_json_init(&j, out, 3);
	dmab_json_obj_begin(&j);
	dmab_json_kv_u64(&j, "schema", 1);
	dmab_json_kv_u64(&j, "cpus_online", (uint64_t)cpus);
	dmab_json_kv_u64(&j, "page_size", (uint64_t)page);
	dmab_json_kv_str(&j, "dev", dev1name);
	dmab_json_kv_str(&j, "dev2", o.dev2 >= 0 ? dev2name : NULL);
	dmab_json_kv_u64(&j, "target_ms", o.target_ms);
	dmab_json_kv_u64(&j, "timer_min_ns", timer_min);
	dmab_json_kv_double(&j, "wall_s", dmab_now() - t0);
	dmab_json_key(&j, "notes");
	dmab_json_arr_begin(&j);
	for (int k = 0; k < nnotes; k++)
		dmab_json_str(&j, notes[k]);
	dmab_json_arr_end(&j);
	dmab_json_key(&j, "points");
	dmab_json_arr_begin(&j);
	for (i = 0; i < npts; i++) {
		const struct point *p = &pts[i], *base = NULL;

		/* T = 1 of the same op and granule: the speedup's base */
		for (size_t k = 0; k < npts; k++)
			if (pts[k].op == p->op && pts[k].granule == p->granule && pts[k].threads == 1 && !pts[k].err)
				base = &pts[k];
		dmab_json_obj_begin(&j);
		dmab_json_kv_str(&j, "op", dmab_name_or(dmab_lat_op_names, p->op));
		dmab_json_kv_u64(&j, "granule", p->granule);
		dmab_json_kv_u64(&j, "size", p->size);
		dmab_json_kv_u64(&j, "threads", p->threads);
		dmab_json_kv_u64(&j, "iters", p->iters);
		dmab_json_kv_u64(&j, "n", p->n);
		dmab_json_kv_i64(&j, "errno", p->err);
		if (p->err)
			dmab_json_kv_str(&j, "error", strerror(p->err));
		dmab_json_kv_bool(&j, "budget_hit", p->budget_hit);
		dmab_json_kv_u64(&j, "wall_ns", p->wall_ns);
		dmab_json_kv_double(&j, "ops_per_s", p->ops_s);
		if (base && base->ops_s > 0 && !p->err) {
			dmab_json_kv_double(&j, "speedup", p->ops_s / base->ops_s);
			dmab_json_kv_double(&j, "efficiency", p->ops_s / base->ops_s / p->threads);
		}
		kv_summary(&j, "a", dmab_name_or(dmab_lat_half_a_names, p->op), p->sa, p->sa ? (size_t)p->threads * p->n : 0);
		kv_summary(&j, "b", dmab_name_or(dmab_lat_half_b_names, p->op), p->sb, p->sb ? (size_t)p->threads * p->n : 0);
		dmab_json_key(&j, "per_thread");
		dmab_json_arr_begin(&j);
		for (uint32_t t = 0; p->sa && t < p->threads; t++) {
			const uint32_t *ta = p->sa + (size_t)t * p->n, *tb = p->sb + (size_t)t * p->n;

			dmab_json_obj_begin(&j);
			dmab_json_kv_u64(&j, "thread", t);
			dmab_json_kv_u64(&j, "n", p->n);
			dmab_json_kv_double(&j, "mean_a", mean_u32(ta, p->n));
			dmab_json_kv_double(&j, "mean_b", mean_u32(tb, p->n));
			if (!o.no_samples) {
				dmab_json_key(&j, "samples_a");
				dmab_json_arr_u32(&j, ta, p->n);
				dmab_json_key(&j, "samples_b");
				dmab_json_arr_u32(&j, tb, p->n);
			}
			dmab_json_obj_end(&j);
		}
		dmab_json_arr_end(&j);
		dmab_json_obj_end(&j);
	}
	dmab_json_arr_end(&j);
	dmab_json_obj_end(&j);
	c = dmab_json_finish(&j);
	if (fclose(out) && !c)
		c = -errno;
	if (c)
		fprintf(stderr, "scale: writing %s: %s\n", argv[optind], strerror(-c));
	else
		fprintf(stderr, "scale: %zu points, %d with errors, %.1f s\n", npts, nerr, dmab_now() - t0);
	ret = c ? 1 : 0;
out_fd:
	for (i = 0; pts && i < npts; i++) {
		free(pts[i].sa);
		free(pts[i].sb);
	}
	free(pts);
	free(sa);
	free(sb);
	close(fd);
	return ret;
}
