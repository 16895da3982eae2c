// SPDX-License-Identifier: GPL-2.0
/*
 * lat - latency distributions of DMA-mapping operations, timed inside the
 * kernel by DMABENCH_IOC_LAT (each iteration times op a, then op b).
 *
 * Points: LAT_ALLOC_FREE, LAT_SGTABLE, LAT_MAP_SG (allocate on dev, map the
 * sg table on dev2 = the second edu device; skipped with a note when there
 * is only one) with alloc attrs none and NKM; LAT_MAP_SINGLE (attrs none);
 * optionally LAT_SYNC_SG (--sync); sizes 4 KiB, 64 KiB, 1 MiB, 16 MiB.
 * Every point runs at most --iters iterations and stops early after
 * --budget-ms of in-kernel loop time; the budget of each point is cut to
 * its share of what is left of --total-s, so that the whole job stays
 * near --total-s on slow backends (defaults: 20000, 10000 ms, 120 s; about
 * 40-60 s under TCG on q35 with dma-direct or VT-d).
 *
 * --sizes LIST and --ops LIST (lat op names: alloc_free, sgtable, map_sg,
 * map_single, sync_sg) restrict the points; --repeat R runs R interleaved
 * rounds over all points (each with iters/R iterations and budget/R),
 * appending the samples, so that slow drift of the machine spreads over
 * every point instead of biasing the last ones (rows carry "rounds").
 *
 * Output: {"schema":1,"timer_min_ns":N,"timer_mean_ns":X,"rows":[...]} with
 * one row per op half (alloc/free, get_sgtable/free_sgtable, map_sg/unmap_sg,
 * map_single/unmap_single, sync_for_cpu/sync_for_device): statistics from
 * lib/stats (nearest-rank percentiles) and the raw samples in ns. A point
 * that fails before any iteration gives rows with n 0 and its errno.
 *
 * --threads T (T >= 2): every point runs in T kernel threads bound to the first T CPUs,
 * released together (kmod/lat.c); each row's samples are every thread's (n = T x the
 * iterations of the slowest thread), rows carry "threads", "wall_ns" (summed over rounds)
 * and "ops_per_s" = T x iterations / wall_ns. The sweep over T is the scale job
 * (bench/scale.c).
 *
 * --slow-slots P0,P1,... (A/B inside one boot): every point runs once per
 * slot in each round, the slots' order rotating, with the module's runtime
 * parameter /sys/module/dmabench/parameters/slow_pct set to the slot's
 * percent (slow_op = alloc_free: alloc is stretched); slot 0 goes to OUT.json,
 * slot k to OUT_s<k>.json. "0,0,10" gives an A/A pair and a 10 % slowdown
 * whose boot-to-boot variance cancels. Both parameters are reset to 0 after.
 *
 * Calibration (LAT_CALIB): every iteration of every point also times a fixed
 * piece of CPU work without DMA, right after the timed ops: the host's speed
 * at that moment, interleaved with the measured loop (--calib-rounds N of it). Each row carries the
 * median of its point's calibration samples (calib_p50, ns, calib_n of them)
 * so that `dmabench compare` can divide DMA costs by the host's speed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dmab.h"
#include "json.h"
#include "names.h"
#include "stats.h"
#include "util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t sizes[8] = { 4ULL << 10, 64ULL << 10, 1ULL << 20, 16ULL << 20 };
static size_t nsizes = 4;

struct point {
	uint32_t op;
	uint64_t attrs;
	uint64_t size;
};

struct opts {
	uint32_t iters;
	uint64_t budget_ms;
	long dev, dev2;
	uint64_t total_s;
	bool sync;
	bool no_samples;
	uint32_t repeat;
	uint32_t threads;	/* --threads: kernel threads per point (1: the caller) */
	uint32_t ops_mask;	/* bit op: run it; 0 = default set */
	uint32_t nslots;	/* --slow-slots: 1 = plain run */
	uint32_t slot_pct[8];
	uint32_t calib_rounds;	/* LAT_CALIB work per iteration */
};

#define SLOW_PARAM_DIR "/sys/module/dmabench/parameters"

/* write a module parameter (0644 in dmabench.ko); 0 or -errno */
static int set_param(const char *name, unsigned int v)
{
	char path[128];
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), SLOW_PARAM_DIR "/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%u\n", v) < 0)
		r = -EIO;
	if (fclose(f) && !r)
		r = -errno;
	return r;
}

/* "0,0,10" -> slot_pct[]; 0 or -EINVAL */
static int parse_slots(const char *arg, struct opts *o)
{
	char *dup = strdup(arg), *tok, *save, *ep;
	uint32_t n = 0;

	if (!dup)
		return -ENOMEM;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long v = strtoul(tok, &ep, 10);

		if (*ep || !*tok || v > 1000 || n >= 8) {
			free(dup);
			return -EINVAL;
		}
		o->slot_pct[n++] = (uint32_t)v;
	}
	free(dup);
	if (n < 2)
		return -EINVAL;
	o->nslots = n;
	return 0;
}

/* "4096,64K,1M" -> sizes[]; 0 or -EINVAL */
static int parse_sizes(const char *arg)
{
	char *dup = strdup(arg), *tok, *save;
	size_t n = 0;

	if (!dup)
		return -ENOMEM;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (dmab_parse_size(tok, &v) || v == 0 || v > DMABENCH_MAX_ALLOC_SIZE || n >= ARRAY_SIZE(sizes)) {
			free(dup);
			return -EINVAL;
		}
		sizes[n++] = v;
	}
	free(dup);
	if (!n)
		return -EINVAL;
	nsizes = n;
	return 0;
}

static int parse_ops(const char *arg, uint32_t *mask)
{
	char *dup = strdup(arg), *tok, *save;

	if (!dup)
		return -ENOMEM;
	*mask = 0;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int v = dmab_value_of(dmab_lat_op_names, tok);

		if (v < 1 || v > 31) {
			free(dup);
			return -EINVAL;
		}
		*mask |= 1U << v;
	}
	free(dup);
	return *mask ? 0 : -EINVAL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lat [--iters N] [--budget-ms MS] [--total-s S] [--dev N] [--dev2 N] [--sync] [--no-samples]\n"
		"           [--sizes 4K,64K,...] [--ops alloc_free,sgtable,map_sg,map_single,sync_sg]\n"
		"           [--repeat R] [--slow-slots P0,P1,...] [--threads T] [--calib-rounds N]\n"
		"           [OUT.json]\n"
		"Time DMA-mapping operations inside the kernel (DMABENCH_IOC_LAT) on\n"
		"dmabench device N (default: first edu device); map_sg maps on --dev2\n"
		"(default: second edu device). Per point: at most --iters iterations\n"
		"(default 20000), stopping after --budget-ms of loop time (default 10000);\n"
		"budgets shrink so that all points fit in about --total-s (default 120).\n"
		"--sync adds sync_sg_for_cpu/for_device; --no-samples omits raw samples.\n"
		"--repeat R: R interleaved rounds over all points, iters and budget split\n"
		"between them, samples appended (default 1).\n"
		"--slow-slots P0,P1,..: A/B in one boot: each point once per slot per round\n"
		"(order rotating) with the module's slow_pct = Pk on alloc; slot k>0 goes\n"
		"to OUT_s<k>.json (OUT.json required).\n"
		"--threads T: T kernel threads bound to distinct CPUs run each point at once;\n"
		"samples of every thread, rows add threads, wall_ns, ops_per_s (default 1).\n"
		"--calib-rounds N: length of the calibration work timed in every iteration\n"
		"(no DMA: the host's speed; default 1024 rounds, ~2.5 us under TCG; rows get calib_p50).\n"
		"Writes JSON to OUT.json (default stdout).\n");
}

static const char *devname_of(int fd, long dev, char *buf, size_t len)
{
	struct dmabench_dev_info di;

	if (dev < 0 || dmab_dev_info(fd, (uint32_t)dev, &di)) {
		snprintf(buf, len, "?");
	} else {
		size_t n = strnlen((const char *)di.name, sizeof(di.name));

		if (n >= len)
			n = len - 1;
		memcpy(buf, di.name, n);
		buf[n] = '\0';
	}
	return buf;
}

static void emit_half(struct dmab_json *j, const char *opname, const struct point *p, const char *dev,
		      const char *dev2, uint32_t n, int err, const uint32_t *samples, bool with_samples,
		      uint32_t threads, uint64_t wall_ns, uint64_t iters, const struct dmab_summary *calib)
{
	struct dmab_summary s;
	char attrs[64];

	dmab_attrs_format(p->attrs, attrs, sizeof(attrs));
	if (dmab_summarize(samples, n, &s))
		memset(&s, 0, sizeof(s));
	dmab_json_obj_begin(j);
	dmab_json_kv_str(j, "op", opname);
	dmab_json_kv_str(j, "api", "attrs");
	dmab_json_kv_str(j, "attrs", attrs);
	dmab_json_kv_u64(j, "size", p->size);
	dmab_json_kv_str(j, "dev", dev);
	if (dev2)
		dmab_json_kv_str(j, "dev2", dev2);
	dmab_json_kv_u64(j, "n", n);
	dmab_json_kv_i64(j, "errno", err);
	if (err)
		dmab_json_kv_str(j, "error", strerror(err));
	if (threads > 1) {
		dmab_json_kv_u64(j, "threads", threads);
		dmab_json_kv_u64(j, "wall_ns", wall_ns);
		dmab_json_kv_double(j, "ops_per_s", wall_ns ? (double)threads * (double)iters * 1e9 / (double)wall_ns : 0);
	}
	dmab_json_kv_u64(j, "min", s.min);
	dmab_json_kv_u64(j, "p50", s.p50);
	dmab_json_kv_u64(j, "p90", s.p90);
	dmab_json_kv_u64(j, "p99", s.p99);
	dmab_json_kv_u64(j, "p999", s.p999);
	dmab_json_kv_u64(j, "max", s.max);
	dmab_json_kv_double(j, "mean", s.mean);
	dmab_json_kv_double(j, "stddev", s.stddev);
	if (calib && calib->n) {
		dmab_json_kv_u64(j, "calib_n", calib->n);
		dmab_json_kv_u64(j, "calib_p50", calib->p50);
	}
	if (with_samples) {
		dmab_json_key(j, "samples");
		dmab_json_arr_u32(j, samples, n);
	}
	dmab_json_obj_end(j);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "iters", required_argument, NULL, 'i' },
		{ "budget-ms", required_argument, NULL, 'b' },
		{ "total-s", required_argument, NULL, 't' },
		{ "dev", required_argument, NULL, 'd' },
		{ "dev2", required_argument, NULL, 'D' },
		{ "sync", no_argument, NULL, 's' },
		{ "no-samples", no_argument, NULL, 'n' },
		{ "sizes", required_argument, NULL, 'S' },
		{ "ops", required_argument, NULL, 'O' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "slow-slots", required_argument, NULL, 'L' },
		{ "threads", required_argument, NULL, 'T' },
		{ "calib-rounds", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .iters = 20000, .budget_ms = 10000, .total_s = 120, .dev = -1, .dev2 = -1,
			 .repeat = 1, .nslots = 1, .threads = 1, .calib_rounds = 1024 };
	struct point pts[64];
	size_t npts = 0, i, si;
	struct dmab_json j, *jp = &j;
	char dev1name[40], dev2name[40], notes[256] = "";
	uint32_t *sa = NULL, *sb = NULL, *sc = NULL;
	uint64_t timer_min = 0;
	double timer_mean = 0, t0 = dmab_now();
	bool have_timer = false, have_dev2;
	FILE *out = stdout;
	int fd, c, ret = 0, nerr = 0;

	while ((c = getopt_long(argc, argv, "i:b:t:d:D:snhS:O:r:L:T:C:", lo, NULL)) != -1) {
		char *ep;
		unsigned long long v;

		switch (c) {
		case 'i':
		case 'b':
		case 't':
		case 'd':
		case 'D':
			errno = 0;
			v = strtoull(optarg, &ep, 0);
			if (errno || *ep || optarg[0] == '-' ||
			    (c == 'i' && (v < 1 || v > DMABENCH_MAX_LAT_ITERS)) ||
			    ((c == 'd' || c == 'D') && v >= DMABENCH_MAX_DEVICES) ||
			    (c == 'b' && v > 3600000) || (c == 't' && (v < 1 || v > 86400))) {
				fprintf(stderr, "lat: bad value '%s' for --%s\n", optarg,
					c == 'i' ? "iters" : c == 'b' ? "budget-ms" : c == 't' ? "total-s" :
					c == 'd' ? "dev" : "dev2");
				return 2;
			}
			if (c == 'i')
				o.iters = (uint32_t)v;
			else if (c == 'b')
				o.budget_ms = v;
			else if (c == 't')
				o.total_s = v;
			else if (c == 'd')
				o.dev = (long)v;
			else
				o.dev2 = (long)v;
			break;
		case 's':
			o.sync = true;
			break;
		case 'n':
			o.no_samples = true;
			break;
		case 'S':
			if (parse_sizes(optarg)) {
				fprintf(stderr, "lat: bad --sizes '%s' (comma list of sizes, K/M suffixes, at most %zu)\n",
					optarg, ARRAY_SIZE(sizes));
				return 2;
			}
			break;
		case 'O':
			if (parse_ops(optarg, &o.ops_mask)) {
				fprintf(stderr, "lat: bad --ops '%s'\n", optarg);
				return 2;
			}
			break;
		case 'r': {
			char *ep;
			unsigned long v = strtoul(optarg, &ep, 10);

			if (*ep || v < 1 || v > 100) {
				fprintf(stderr, "lat: bad --repeat '%s' (1..100)\n", optarg);
				return 2;
			}
			o.repeat = (uint32_t)v;
			break;
		}
		case 'T': {
			char *ep;
			unsigned long v = strtoul(optarg, &ep, 10);

			if (*ep || !*optarg || v < 1 || v > DMABENCH_MAX_LAT_THREADS) {
				fprintf(stderr, "lat: bad --threads '%s' (1..%d)\n", optarg, DMABENCH_MAX_LAT_THREADS);
				return 2;
			}
			o.threads = (uint32_t)v;
			break;
		}
		case 'C': {
			char *ep;
			unsigned long v = strtoul(optarg, &ep, 10);

			if (*ep || optarg[0] == '-' || v < 1 || v > DMABENCH_LAT_CALIB_MAX_ROUNDS) {
				fprintf(stderr, "lat: bad --calib-rounds '%s' (1..%u)\n", optarg,
					DMABENCH_LAT_CALIB_MAX_ROUNDS);
				return 2;
			}
			o.calib_rounds = (uint32_t)v;
			break;
		}
		case 'L':
			if (parse_slots(optarg, &o)) {
				fprintf(stderr, "lat: bad --slow-slots '%s' (2..8 percents 0..1000)\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1 || (o.nslots > 1 && argc - optind != 1)) {
		usage(stderr);
		return 2;
	}

	if ((uint64_t)o.iters * o.threads > DMABENCH_MAX_LAT_ITERS) {
		fprintf(stderr, "lat: --iters x --threads above %u samples per side\n", DMABENCH_MAX_LAT_ITERS);
		return 2;
	}
	fd = dmab_open(NULL);
	if (fd < 0) {
		fprintf(stderr, "lat: open %s: %s (is dmabench.ko loaded, debugfs mounted, are you root?)\n",
			DMABENCH_CTL_PATH, strerror(-fd));
		return 1;
	}
	if (o.dev < 0)
		o.dev = dmab_find_dev(fd, DMABENCH_DEV_EDU, 0);
	if (o.dev < 0) {
		fprintf(stderr, "lat: no edu device (use --dev N)\n");
		return 1;
	}
	if (o.dev2 < 0) {
		o.dev2 = dmab_find_dev(fd, DMABENCH_DEV_EDU, 1);
		if (o.dev2 == o.dev)
			o.dev2 = -1;
	}
	have_dev2 = o.dev2 >= 0;
	if (!have_dev2)
		snprintf(notes, sizeof(notes), "map_sg%s skipped: no second edu device (--dev2)",
			 o.sync ? " and sync_sg" : "");
	devname_of(fd, o.dev, dev1name, sizeof(dev1name));
	devname_of(fd, o.dev2, dev2name, sizeof(dev2name));

	if (!o.ops_mask)
		o.ops_mask = (1U << DMABENCH_LAT_ALLOC_FREE) | (1U << DMABENCH_LAT_SGTABLE) | (1U << DMABENCH_LAT_MAP_SG) |
			     (1U << DMABENCH_LAT_MAP_SINGLE) | (o.sync ? 1U << DMABENCH_LAT_SYNC_SG : 0);
#define WANT(op) (o.ops_mask & (1U << (op)))
	for (si = 0; si < nsizes; si++) {
		static const uint64_t attrs[] = { 0, DMABENCH_ATTR_NO_KERNEL_MAPPING };
		size_t ai;

		for (ai = 0; ai < ARRAY_SIZE(attrs); ai++) {
			if (WANT(DMABENCH_LAT_ALLOC_FREE))
				pts[npts++] = (struct point){ DMABENCH_LAT_ALLOC_FREE, attrs[ai], sizes[si] };
			if (WANT(DMABENCH_LAT_SGTABLE))
				pts[npts++] = (struct point){ DMABENCH_LAT_SGTABLE, attrs[ai], sizes[si] };
			if (have_dev2 && WANT(DMABENCH_LAT_MAP_SG))
				pts[npts++] = (struct point){ DMABENCH_LAT_MAP_SG, attrs[ai], sizes[si] };
		}
		if (WANT(DMABENCH_LAT_MAP_SINGLE))
			pts[npts++] = (struct point){ DMABENCH_LAT_MAP_SINGLE, 0, sizes[si] };
		if (WANT(DMABENCH_LAT_SYNC_SG) && have_dev2)
			pts[npts++] = (struct point){ DMABENCH_LAT_SYNC_SG, 0, sizes[si] };
	}

	sa = calloc((size_t)o.iters * o.threads, sizeof(*sa));
	sb = calloc((size_t)o.iters * o.threads, sizeof(*sb));
	sc = calloc((size_t)o.iters * o.threads, sizeof(*sc));
	if (!sa || !sb || !sc) {
		fprintf(stderr, "lat: out of memory for %u samples\n", o.iters);
		return 1;
	}
	if (optind < argc) {
		out = fopen(argv[optind], "w");
		if (!out) {
			fprintf(stderr, "lat: %s: %s\n", argv[optind], strerror(errno));
			return 1;
		}
	}

	/* measure everything first: timer_* precede the rows in the output */
	struct result {
		int err;
		uint32_t n;
		uint32_t *a, *b, *c;	/* c: the calibration work of the same iterations */
		uint64_t wall_ns, iters;	/* --threads: summed over rounds */
	} *res = calloc(npts * o.nslots, sizeof(*res));

	if (!res) {
		fprintf(stderr, "lat: out of memory\n");
		return 1;
	}
	if (o.nslots > 1 && (ret = set_param("slow_op", DMABENCH_LAT_ALLOC_FREE))) {
		fprintf(stderr, "lat: --slow-slots: " SLOW_PARAM_DIR "/slow_op: %s (dmabench.ko with writable "
			"slow_op/slow_pct needed)\n", strerror(-ret));
		return 1;
	}
	for (uint32_t rd = 0; rd < o.repeat; rd++)
	for (i = 0; i < npts; i++)
	for (uint32_t kk = 0; kk < o.nslots; kk++) {
		/* slots in rotating order, so that none is always first after another point */
		uint32_t k = (kk + rd + (uint32_t)i) % o.nslots;
		struct result *rp = &res[k * npts + i];
		const struct point *p = &pts[i];
		bool streaming = p->op == DMABENCH_LAT_MAP_SG || p->op == DMABENCH_LAT_MAP_SINGLE ||
				 p->op == DMABENCH_LAT_SYNC_SG;
		bool uses_dev2 = p->op == DMABENCH_LAT_MAP_SG || p->op == DMABENCH_LAT_SYNC_SG;
		struct dmabench_lat l;
		double pt0 = dmab_now();
		char an[64];
		int err;
		uint32_t n, per = (o.iters + o.repeat - 1) / o.repeat;
		size_t done = ((size_t)rd * npts + i) * o.nslots + kk;

		if (rp->err)
			continue;	/* failed in an earlier round */
		if (rp->iters + per > o.iters)	/* per-thread iterations (rp->n counts every thread's) */
			per = o.iters - (uint32_t)rp->iters;
		if (!per)
			continue;
		memset(&l, 0, sizeof(l));
		l.op = p->op;
		l.dev = (uint32_t)o.dev;
		l.dev2 = uses_dev2 ? (uint32_t)o.dev2 : 0;
		l.api = DMABENCH_API_ATTRS;
		l.size = p->size;
		l.attrs = p->attrs;
		l.dir = streaming ? DMABENCH_DIR_BIDIRECTIONAL : 0;
		l.iters = per;
		l.budget_ns = o.budget_ms * 1000000ULL / o.repeat;
		{
			/* this point's share of what is left of the total, at least 200 ms */
			double left = (double)o.total_s - (dmab_now() - t0);
			double share = left / (double)((size_t)o.repeat * npts * o.nslots - done) * 1e9;
			double floor_ns = 200e6 / o.repeat;

			if (share < floor_ns)
				share = floor_ns;
			if (share < (double)l.budget_ns)
				l.budget_ns = (uint64_t)share;
		}
		l.samples_a = (uintptr_t)sa;
		l.samples_b = (uintptr_t)sb;
		l.samples_c = (uintptr_t)sc;
		l.flags |= DMABENCH_LAT_CALIB;
		l.calib_rounds = o.calib_rounds;
		l.threads = o.threads > 1 ? o.threads : 0;
		if (o.nslots > 1 && (ret = set_param("slow_pct", o.slot_pct[k]))) {
			fprintf(stderr, "lat: " SLOW_PARAM_DIR "/slow_pct: %s\n", strerror(-ret));
			return 1;
		}
		ret = dmab_lat(fd, &l);
		if (ret) {
			err = -ret;
			n = 0;
		} else {
			err = l.error < 0 ? -l.error : l.error;
			n = l.n > per ? per : l.n;
			if (!have_timer || l.timer_min_ns < timer_min)
				timer_min = l.timer_min_ns;
			if (!have_timer)
				timer_mean = (double)l.timer_mean_ps / 1000.0;
			have_timer = true;
		}
		nerr += err != 0;
		if (err)
			rp->err = err;	/* no further rounds of this point */
		if (n) {
			size_t m = (size_t)n * o.threads;	/* every thread's first n */
			uint32_t *na = realloc(rp->a, (rp->n + m) * sizeof(uint32_t));
			uint32_t *nb = na ? realloc(rp->b, (rp->n + m) * sizeof(uint32_t)) : NULL;
			uint32_t *nc = nb ? realloc(rp->c, (rp->n + m) * sizeof(uint32_t)) : NULL;

			if (na)
				rp->a = na;
			if (nb)
				rp->b = nb;
			if (!na || !nb || !nc) {
				fprintf(stderr, "lat: out of memory\n");
				return 1;
			}
			rp->c = nc;
			for (uint32_t t = 0; t < o.threads; t++) {	/* thread-major, stride per */
				memcpy(rp->a + rp->n, sa + (size_t)t * per, n * sizeof(uint32_t));
				memcpy(rp->b + rp->n, sb + (size_t)t * per, n * sizeof(uint32_t));
				memcpy(rp->c + rp->n, sc + (size_t)t * per, n * sizeof(uint32_t));
				rp->n += n;
			}
			rp->wall_ns += l.wall_ns;
			rp->iters += n;
		}
		char slot[24] = "";

		if (o.nslots > 1)
			snprintf(slot, sizeof(slot), " slot %u (%u%%)", k, o.slot_pct[k]);
		dmab_attrs_format(p->attrs, an, sizeof(an));
		fprintf(stderr, "lat: %-10s %-4s %8llu KiB%s: n=%u%s%s (%.1f s)\n",
			dmab_name_or(dmab_lat_op_names, p->op), an, (unsigned long long)(p->size >> 10), slot, rp->n,
			err ? " error: " : "", err ? strerror(err) : "", dmab_now() - pt0);
	}
	if (o.nslots > 1 && (set_param("slow_pct", 0) || set_param("slow_op", 0)))
		fprintf(stderr, "lat: warning: could not reset slow_pct/slow_op\n");

	c = 0;
	for (uint32_t k = 0; k < o.nslots && !c; k++) {
	struct result *rs = &res[k * npts];

	if (k > 0) {
		char path[4096];
		size_t l = strlen(argv[optind]);

		if (l > 5 && !strcmp(argv[optind] + l - 5, ".json"))
			l -= 5;
		snprintf(path, sizeof(path), "%.*s_s%u.json", (int)l, argv[optind], k);
		out = fopen(path, "w");
		if (!out) {
			fprintf(stderr, "lat: %s: %s\n", path, strerror(errno));
			c = -errno;
			break;
		}
	}

	dmab_json_init(jp, out, 2);
	dmab_json_obj_begin(jp);
	dmab_json_kv_u64(jp, "schema", 1);
	dmab_json_kv_str(jp, "dev", dev1name);
	dmab_json_kv_str(jp, "dev2", have_dev2 ? dev2name : NULL);
	dmab_json_kv_u64(jp, "iters", o.iters);
	dmab_json_kv_u64(jp, "budget_ms", o.budget_ms);
	dmab_json_kv_u64(jp, "total_s", o.total_s);
	dmab_json_kv_u64(jp, "rounds", o.repeat);
	dmab_json_kv_u64(jp, "calib_rounds", o.calib_rounds);
	dmab_json_kv_u64(jp, "threads", o.threads);
	if (o.nslots > 1) {
		dmab_json_kv_u64(jp, "slot", k);
		dmab_json_kv_u64(jp, "slow_pct", o.slot_pct[k]);
	}
	dmab_json_kv_u64(jp, "timer_min_ns", timer_min);
	dmab_json_kv_double(jp, "timer_mean_ns", timer_mean);
	dmab_json_kv_double(jp, "wall_s", dmab_now() - t0);
	dmab_json_key(jp, "notes");
	dmab_json_arr_begin(jp);
	if (notes[0])
		dmab_json_str(jp, notes);
	dmab_json_arr_end(jp);
	dmab_json_key(jp, "rows");
	dmab_json_arr_begin(jp);
	for (i = 0; i < npts; i++) {
		const struct point *p = &pts[i];
		bool uses_dev2 = p->op == DMABENCH_LAT_MAP_SG || p->op == DMABENCH_LAT_SYNC_SG;
		struct dmab_summary cs;

		if (dmab_summarize(rs[i].c, rs[i].n, &cs))
			memset(&cs, 0, sizeof(cs));
		emit_half(jp, dmab_name_or(dmab_lat_half_a_names, p->op), p, dev1name,
			  uses_dev2 ? dev2name : NULL, rs[i].n, rs[i].err, rs[i].a, !o.no_samples,
			  o.threads, rs[i].wall_ns, rs[i].iters, &cs);
		emit_half(jp, dmab_name_or(dmab_lat_half_b_names, p->op), p, dev1name,
			  uses_dev2 ? dev2name : NULL, rs[i].n, rs[i].err, rs[i].b, !o.no_samples,
			  o.threads, rs[i].wall_ns, rs[i].iters, &cs);
		free(rs[i].a);
		free(rs[i].b);
		free(rs[i].c);
		rs[i].a = rs[i].b = rs[i].c = NULL;
	}
	dmab_json_arr_end(jp);
	dmab_json_obj_end(jp);
	c = dmab_json_finish(jp);
	if (out != stdout && fclose(out) != 0 && !c)
		c = -errno;
	}
	for (i = 0; i < npts * o.nslots; i++) {
		free(res[i].a);
		free(res[i].b);
		free(res[i].c);
	}
	free(res);
	free(sa);
	free(sb);
	free(sc);
	if (c)
		fprintf(stderr, "lat: writing JSON: %s\n", strerror(-c));
	else
		fprintf(stderr, "lat: %zu points, %d with errors, %.1f s\n", npts, nerr, dmab_now() - t0);
	close(fd);
	return c ? 1 : 0;
}
