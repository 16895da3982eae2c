// SPDX-License-Identifier: GPL-2.0
/*
 * mapbench - cross-check of dmabench's map_single/unmap_single loop against the
 * kernel's own dma_map_benchmark (CONFIG_DMA_MAP_BENCHMARK, kernel/dma/map_benchmark.c),
 * in one VM, on one device, with the same size and direction (guest job "mapbench").
 *
 *   mapbench OUT.json [--size BYTES] [--dir bidi|to|from] [--seconds S] [--rounds R]
 *                     [--iters N] [--threads T] [--kthread] [--kmb-steps S0,S1,...]
 *
 * The device is the second edu device of dmabench.ko (the first stays with the module for
 * every other job). Each round: (1) DMABENCH_IOC_LAT op MAP_SINGLE on it (raw samples,
 * at most --iters iterations or S seconds), then the same loop without samples (means from
 * the module's sums only); (2) the device is unbound from dmabench,
 * driver_override = dma_map_benchmark, drivers_probe: the kernel tool binds and creates
 * /sys/kernel/debug/dma_map_benchmark; its DMA_MAP_BENCHMARK ioctl runs 1 thread for S
 * seconds (dma_bits 64, dma_trans_ns 0, granule = size / 4096); (3) the override is
 * cleared and the device goes back to dmabench. The device is returned to dmabench on
 * every error path.
 *
 * The kernel tool reports only a mean and a standard deviation, each sample truncated to
 * 100 ns units (see bench/kstat.h); dmabench's samples are reduced the same way, so the two
 * means compare in the same units, and dmabench's median is written next to them.
 * "agree_resolution": within 1 unit; "agree_noise": within 2 standard errors of the
 * difference (the kernel tool's loop count, which it does not report, estimated from its
 * means and the duration).
 *
 * --threads T (needs --smp >= T): both tools run T threads at once (dmabench: bound kernel
 * threads, every thread's samples; the kernel tool: its threads, means over all of them).
 * --kthread: dmabench's loop in a bound kernel thread (LAT_KTHREAD), as the kernel tool's
 * runs, instead of the ioctl's context. --kmb-steps (why the two tools disagree at T = 1): round i writes
 * S[i mod n] to the steps parameter of bench/kmb/map_benchmark_steps.ko (the kernel tool's
 * loop turned into dmabench's step by step) before the kernel tool runs; kernel_tool[i].steps.
 *
 * Output {"schema":1, "device", "size", "dir", "seconds", "rounds", "dma_api_errors_before",
 * "dma_api_errors_after", "kernel_tool":[per round], "dmabench":[per round], "map":{...},
 * "unmap":{...}, and with --kmb-steps step 4 "medians":{...} (kv_medians)} (see write_json). Exit 0 when it ran (agreement is reported, not
 * asserted: timings are never test assertions here), 1 on errors, 4 (skip, reason on
 * stderr and in the JSON) on a kernel without dma_map_benchmark.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench/kstat.h"
#include "dmab.h"
#include "json.h"
#include "stats.h"

/*
 * The kernel tool's ABI, copied from Linux 6.1 include/linux/map_benchmark.h (it is not a
 * uapi header; Debian ships none): DMA_MAP_BENCHMARK _IOWR('d', 1, struct map_benchmark).
 */
#define KMB_BIDIRECTIONAL	0
#define KMB_TO_DEVICE		1
#define KMB_FROM_DEVICE		2
struct map_benchmark {
	uint64_t avg_map_100ns;		/* average map latency in 100ns */
	uint64_t map_stddev;		/* standard deviation of map latency */
	uint64_t avg_unmap_100ns;	/* as above */
	uint64_t unmap_stddev;
	uint32_t threads;		/* how many threads will do map/unmap in parallel */
	uint32_t seconds;		/* how long the test will last */
	int32_t node;			/* which numa node this benchmark will run on */
	uint32_t dma_bits;		/* DMA addressing capability */
	uint32_t dma_dir;		/* DMA data direction */
	uint32_t dma_trans_ns;		/* time for DMA transmission in ns */
	uint32_t granule;		/* how many PAGE_SIZE will do map/unmap once a time */
	uint8_t expansion[76];		/* For future use */
};
_Static_assert(sizeof(struct map_benchmark) == 136, "struct map_benchmark as in Linux 6.1");
#define DMA_MAP_BENCHMARK	_IOWR('d', 1, struct map_benchmark)

#define KMB_DRIVER	"dma_map_benchmark"
#define KMB_DEBUGFS	"/sys/kernel/debug/dma_map_benchmark"
#define DMA_API_ERRORS	"/sys/kernel/debug/dma-api/error_count"
#define MAX_ROUNDS	16
#define KMB_PARAM	"/sys/module/map_benchmark_steps/parameters/"
#define KMB_STEPS	KMB_PARAM "steps"

struct opts {
	uint64_t size;
	uint32_t dir;		/* enum dmabench_dir */
	uint32_t seconds;
	uint32_t rounds;
	uint32_t iters;
	bool kthread;		/* dmabench's loop in a bound kernel thread */
	uint32_t threads;	/* --threads: both tools run T threads */
	uint32_t ksteps[MAX_ROUNDS], nksteps;	/* --kmb-steps */
};

struct round {
	struct map_benchmark k;		/* the kernel tool's result */
	int kret;			/* its ioctl: 0 or -errno */
	int32_t steps;			/* --kmb-steps value of this round, or -1 */
	long loop_p50_map, loop_p50_unmap;	/* steps & 4: the kernel tool loop's medians (ns, 16 ns buckets), else -1 */
	uint32_t p50_map, p50_unmap;	/* dmabench's medians of the round (ns) */
	uint32_t n;			/* dmabench samples */
	int lerr;			/* LAT loop error */
	struct dmab_kstat map, unmap;	/* dmabench's samples in the kernel tool's units */
	/*
	 * the same loop without raw samples (only the module's sums): mean in ns; tells whether
	 * recording samples (a store into a vmalloc'd array per iteration) costs the timed ops
	 */
	uint32_t nosamp_n;
	double nosamp_map_mean_ns, nosamp_unmap_mean_ns;
};

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* driver of a PCI device: name, or "" when unbound */
static void driver_of(const char *bdf, char *out, size_t len)
{
	char p[256], link[512];
	ssize_t n;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(p, link, sizeof(link) - 1);
	out[0] = 0;
	if (n > 0) {
		link[n] = 0;
		snprintf(out, len, "%s", basename(link));
	}
}

/* Move bdf to driver drv ("" = the one its ids match: override cleared). 0 or -errno. */
static int rebind(const char *bdf, const char *drv)
{
	char p[256], cur[64];
	int r;

	driver_of(bdf, cur, sizeof(cur));
	if (cur[0]) {
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
		r = write_str(p, bdf);
		if (r)
			return r;
	}
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver_override", bdf);
	r = write_str(p, drv[0] ? drv : "\n");
	if (r)
		return r;
	/* drivers_probe fails (-ENODEV etc.) when no driver takes it: read back below */
	(void)write_str("/sys/bus/pci/drivers_probe", bdf);
	driver_of(bdf, cur, sizeof(cur));
	if (strcmp(cur, drv[0] ? drv : DMABENCH_DRIVER_NAME))
		return -ENODEV;
	return 0;
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* dmabench device id of bdf, or -ENODEV */
static int dev_by_name(int fd, const char *bdf)
{
	struct dmabench_info info;
	struct dmabench_dev_info di;

	if (dmab_info(fd, &info))
		return -ENODEV;
	for (uint32_t d = 0; d < info.ndevs && d < DMABENCH_MAX_DEVICES; d++)
		if (!dmab_dev_info(fd, d, &di) && !strcmp((char *)di.name, bdf))
			return (int)d;
	return -ENODEV;
}

static uint32_t kmb_dir(uint32_t dir)
{
	return dir == DMABENCH_DIR_TO_DEVICE ? KMB_TO_DEVICE :
	       dir == DMABENCH_DIR_FROM_DEVICE ? KMB_FROM_DEVICE : KMB_BIDIRECTIONAL;
}

static const char *dir_name(uint32_t dir)
{
	return dir == DMABENCH_DIR_TO_DEVICE ? "to_device" :
	       dir == DMABENCH_DIR_FROM_DEVICE ? "from_device" : "bidirectional";
}

static int kernel_tool(const struct opts *o, struct map_benchmark *k)
{
	int fd = open(KMB_DEBUGFS, O_RDWR | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	memset(k, 0, sizeof(*k));
	k->threads = o->threads;
	k->seconds = o->seconds;
	k->node = -1;			/* NUMA_NO_NODE */
	k->dma_bits = 64;		/* dmabench.ko sets 64 too */
	k->dma_dir = kmb_dir(o->dir);
	k->dma_trans_ns = 0;
	k->granule = (uint32_t)(o->size / 4096);
	if (ioctl(fd, DMA_MAP_BENCHMARK, k))
		r = -errno;
	close(fd);
	return r;
}

static int usage(void)
{
	fprintf(stderr, "usage: mapbench OUT.json [--size BYTES (multiple of 4096, <= 4 MiB)] "
		"[--dir bidi|to|from] [--seconds 1..300] [--rounds 1..%d] [--iters N] [--threads T] [--kthread] "
		"[--kmb-steps S0,S1,...]\n", MAX_ROUNDS);
	return 2;
}

static void kv_kstat(struct dmab_json *j, const char *key, struct dmab_kstat k)
{
	dmab_json_key(j, key);
	dmab_json_obj_begin(j);
	dmab_json_kv_u64(j, "avg_100ns", k.avg_100ns);
	dmab_json_kv_u64(j, "stddev_100ns", k.stddev_100ns);
	dmab_json_obj_end(j);
}

/*
 * one op (map or unmap) over all rounds: the kernel tool's mean of round means against
 * ours, and whether they agree within the resolution (1 unit) or within the sampling
 * noise (2 standard errors of the difference). The kernel tool does not report its loop
 * count: it is estimated as seconds / (avg map + avg unmap) per round.
 */
static void kv_side(struct dmab_json *j, const char *key, const struct round *rs, uint32_t nr,
		    const uint32_t *all, size_t n, uint32_t seconds, bool unmap)
{
	struct dmab_summary s;
	struct dmab_kstat ours = dmab_kstat_of(all, n);
	double ksum = 0, kvar = 0, kloops = 0;
	uint32_t kn = 0;

	dmab_summarize(all, n, &s);
	for (uint32_t i = 0; i < nr; i++) {
		const struct map_benchmark *k = &rs[i].k;
		double per = (double)(k->avg_map_100ns + k->avg_unmap_100ns), loops, sd;

		if (rs[i].kret || per <= 0)
			continue;
		loops = seconds * 1e7 / per;
		sd = (double)(unmap ? k->unmap_stddev : k->map_stddev);
		ksum += (double)(unmap ? k->avg_unmap_100ns : k->avg_map_100ns);
		kvar += sd * sd / loops;
		kloops += loops;
		kn++;
	}
	dmab_json_key(j, key);
	dmab_json_obj_begin(j);
	dmab_json_kv_u64(j, "dmabench_n", n);
	dmab_json_kv_u64(j, "dmabench_median_ns", s.p50);
	dmab_json_kv_double(j, "dmabench_mean_ns", s.mean);
	dmab_json_kv_double(j, "dmabench_stddev_ns", s.stddev);
	dmab_json_kv_u64(j, "dmabench_median_100ns", s.p50 / 100);
	kv_kstat(j, "dmabench_kernel_units", ours);
	if (kn) {
		double kavg = ksum / kn, kse = sqrt(kvar) / kn;
		double dse = n ? (double)ours.stddev_100ns / sqrt((double)n) : 0;
		double diff = (double)ours.avg_100ns - kavg, se = sqrt(kse * kse + dse * dse);

		dmab_json_kv_double(j, "kernel_tool_avg_100ns", kavg);
		dmab_json_kv_double(j, "kernel_tool_loops_est", kloops);
		dmab_json_kv_double(j, "diff_100ns", diff);
		dmab_json_kv_double(j, "diff_se_100ns", se);
		dmab_json_kv_bool(j, "agree_resolution", dmab_kstat_agree(ours.avg_100ns, (uint64_t)(kavg + 0.5)));
		dmab_json_kv_bool(j, "agree_noise", fabs(diff) <= 1 || fabs(diff) <= 2 * se);
	}
	dmab_json_obj_end(j);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * "medians": rounds where bench/kmb's module left the kernel tool loop's medians (--kmb-steps with
 * step 4): dmabench's median / the kernel loop's, paired per round, for map and unmap (median, min,
 * max over those rounds). Unlike the means, medians are not set by host preemptions in the windows.
 */
static void kv_medians(struct dmab_json *j, const struct round *rs, uint32_t nr)
{
	double rm[MAX_ROUNDS], ru[MAX_ROUNDS];
	uint32_t k = 0;

	for (uint32_t i = 0; i < nr; i++)
		if (rs[i].loop_p50_map > 0 && rs[i].loop_p50_unmap > 0 && rs[i].p50_map) {
			rm[k] = (double)rs[i].p50_map / (double)rs[i].loop_p50_map;
			ru[k++] = (double)rs[i].p50_unmap / (double)rs[i].loop_p50_unmap;
		}
	if (!k)
		return;
	qsort(rm, k, sizeof(rm[0]), cmp_double);
	qsort(ru, k, sizeof(ru[0]), cmp_double);
	dmab_json_key(j, "medians");
	dmab_json_obj_begin(j);
	dmab_json_kv_u64(j, "rounds", k);
	dmab_json_kv_double(j, "map_ratio_median", k % 2 ? rm[k / 2] : (rm[k / 2 - 1] + rm[k / 2]) / 2);
	dmab_json_kv_double(j, "map_ratio_min", rm[0]);
	dmab_json_kv_double(j, "map_ratio_max", rm[k - 1]);
	dmab_json_kv_double(j, "unmap_ratio_median", k % 2 ? ru[k / 2] : (ru[k / 2 - 1] + ru[k / 2]) / 2);
	dmab_json_kv_double(j, "unmap_ratio_min", ru[0]);
	dmab_json_kv_double(j, "unmap_ratio_max", ru[k - 1]);
	dmab_json_obj_end(j);
}

static int write_json(const char *path, const struct opts *o, const char *bdf, const struct round *rs,
		      uint32_t nr, const uint32_t *map_all, const uint32_t *unmap_all, size_t n,
		      long err_before, long err_after, const char *skip)
{
	FILE *f = fopen(path, "w");
	struct dmab_json j;

	if (!f)
		return -errno;
	dmab_json_init(&j, f, 2);
	dmab_json_obj_begin(&j);
	dmab_json_kv_u64(&j, "schema", 1);
	if (skip)
		dmab_json_kv_str(&j, "skipped", skip);
	dmab_json_kv_str(&j, "device", bdf);
	dmab_json_kv_u64(&j, "size", o->size);
	dmab_json_kv_str(&j, "dir", dir_name(o->dir));
	dmab_json_kv_u64(&j, "seconds", o->seconds);
	dmab_json_kv_u64(&j, "threads", o->threads);
	dmab_json_kv_u64(&j, "rounds", nr);
	dmab_json_kv_i64(&j, "dma_api_errors_before", err_before);
	dmab_json_kv_i64(&j, "dma_api_errors_after", err_after);
	dmab_json_key(&j, "kernel_tool");
	dmab_json_arr_begin(&j);
	for (uint32_t i = 0; i < nr; i++) {
		dmab_json_obj_begin(&j);
		dmab_json_kv_i64(&j, "ret", rs[i].kret);
		if (rs[i].steps >= 0)
			dmab_json_kv_i64(&j, "steps", rs[i].steps);
		if (rs[i].loop_p50_map >= 0) {
			dmab_json_kv_i64(&j, "loop_p50_map_ns", rs[i].loop_p50_map);
			dmab_json_kv_i64(&j, "loop_p50_unmap_ns", rs[i].loop_p50_unmap);
		}
		dmab_json_kv_u64(&j, "avg_map_100ns", rs[i].k.avg_map_100ns);
		dmab_json_kv_u64(&j, "map_stddev_100ns", rs[i].k.map_stddev);
		dmab_json_kv_u64(&j, "avg_unmap_100ns", rs[i].k.avg_unmap_100ns);
		dmab_json_kv_u64(&j, "unmap_stddev_100ns", rs[i].k.unmap_stddev);
		dmab_json_obj_end(&j);
	}
	dmab_json_arr_end(&j);
	dmab_json_key(&j, "dmabench");
	dmab_json_arr_begin(&j);
	for (uint32_t i = 0; i < nr; i++) {
		dmab_json_obj_begin(&j);
		dmab_json_kv_u64(&j, "n", rs[i].n);
		dmab_json_kv_i64(&j, "error", rs[i].lerr);
		kv_kstat(&j, "map", rs[i].map);
		kv_kstat(&j, "unmap", rs[i].unmap);
		dmab_json_kv_u64(&j, "p50_map_ns", rs[i].p50_map);
		dmab_json_kv_u64(&j, "p50_unmap_ns", rs[i].p50_unmap);
		dmab_json_kv_u64(&j, "nosamples_n", rs[i].nosamp_n);
		dmab_json_kv_double(&j, "nosamples_map_mean_ns", rs[i].nosamp_map_mean_ns);
		dmab_json_kv_double(&j, "nosamples_unmap_mean_ns", rs[i].nosamp_unmap_mean_ns);
		dmab_json_obj_end(&j);
	}
	dmab_json_arr_end(&j);
	if (n) {
		/* the kernel tool's loop count estimate: T threads x seconds / (map + unmap) */
		kv_side(&j, "map", rs, nr, map_all, n, o->seconds * o->threads, false);
		kv_side(&j, "unmap", rs, nr, unmap_all, n, o->seconds * o->threads, true);
	}
	kv_medians(&j, rs, nr);
	dmab_json_obj_end(&j);
	int r = dmab_json_finish(&j);
	if (fclose(f) && !r)
		r = -errno;
	return r;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "size", required_argument, NULL, 's' }, { "dir", required_argument, NULL, 'd' },
		{ "seconds", required_argument, NULL, 't' }, { "rounds", required_argument, NULL, 'r' },
			{ "threads", required_argument, NULL, 'T' },
		{ "kthread", no_argument, NULL, 'k' }, { "kmb-steps", required_argument, NULL, 'K' },
	{ "iters", required_argument, NULL, 'i' }, { NULL, 0, NULL, 0 },
	};
	struct opts o = { .size = 4096, .dir = DMABENCH_DIR_BIDIRECTIONAL, .seconds = 2, .rounds = 3,
			  .iters = 200000, .threads = 1 };
	struct round rs[MAX_ROUNDS];
	struct dmabench_dev_info di;
	uint32_t *map_all = NULL, *unmap_all = NULL, *sa = NULL, *sb = NULL;
	size_t n_all = 0;
	char bdf[64] = "", drv[64];
	const char *out;
	long err_before, err_after = -1;
	int fd, dev, c, ret = 1, r;
	uint32_t nr = 0;

	if (argc < 2 || argv[1][0] == '-')
		return usage();
	out = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		char *ep = NULL;
		unsigned long long v = optarg ? strtoull(optarg, &ep, 0) : 0;

		switch (c) {
		case 's':
			if (*ep || !v || v % 4096 || v > (4ULL << 20))	/* granule 1..1024 pages */
				return usage();
			o.size = v;
			break;
		case 'd':
			if (!strcmp(optarg, "bidi"))
				o.dir = DMABENCH_DIR_BIDIRECTIONAL;
			else if (!strcmp(optarg, "to"))
				o.dir = DMABENCH_DIR_TO_DEVICE;
			else if (!strcmp(optarg, "from"))
				o.dir = DMABENCH_DIR_FROM_DEVICE;
			else
				return usage();
			break;
		case 't':
			if (*ep || !v || v > 300)
				return usage();
			o.seconds = (uint32_t)v;
			break;
		case 'r':
			if (*ep || !v || v > MAX_ROUNDS)
				return usage();
			o.rounds = (uint32_t)v;
			break;
		case 'i':
			if (*ep || !v || v > DMABENCH_MAX_LAT_ITERS)
				return usage();
			o.iters = (uint32_t)v;
			break;
		case 'T':
			if (*ep || !v || v > 32)	/* DMA_MAP_MAX_THREADS is 1024; the LAT threads ABI 64 */
				return usage();
			o.threads = (uint32_t)v;
			break;
		case 'k':
			o.kthread = true;
			break;
		case 'K': {
			char *s = optarg, *e2;

			o.nksteps = 0;
			do {
				unsigned long x = strtoul(s, &e2, 0);

				if (e2 == s || x > 255 || o.nksteps >= MAX_ROUNDS || (*e2 && *e2 != ','))
					return usage();
				o.ksteps[o.nksteps++] = (uint32_t)x;
				s = e2 + 1;
			} while (*e2);
			break;
		}
		default:
			return usage();
		}
	}
	if (optind != argc)
		return usage();
	if ((uint64_t)o.iters * o.threads > DMABENCH_MAX_LAT_ITERS)
		o.iters = DMABENCH_MAX_LAT_ITERS / o.threads;	/* samples per side */
	memset(rs, 0, sizeof(rs));
	err_before = read_long(DMA_API_ERRORS);
	if (access("/sys/bus/pci/drivers/" KMB_DRIVER, F_OK)) {
		const char *why = "kernel without CONFIG_DMA_MAP_BENCHMARK (no /sys/bus/pci/drivers/"
				  KMB_DRIVER "): build one with 'make kernel'";
		fprintf(stderr, "mapbench: skip: %s\n", why);
		write_json(out, &o, "", rs, 0, NULL, NULL, 0, err_before, err_before, why);
		return 4;
	}
	fd = dmab_open(NULL);
	if (fd < 0) {
		fprintf(stderr, "mapbench: open dmabench: %s\n", strerror(-fd));
		return 1;
	}
	dev = dmab_find_dev(fd, DMABENCH_DEV_EDU, 1);
	if (dev < 0 || dmab_dev_info(fd, (uint32_t)dev, &di)) {
		fprintf(stderr, "mapbench: no second edu device in dmabench (the first stays with the module)\n");
		goto out;
	}
	snprintf(bdf, sizeof(bdf), "%s", (char *)di.name);
	sa = calloc((size_t)o.iters * o.threads, sizeof(*sa));
	sb = calloc((size_t)o.iters * o.threads, sizeof(*sb));
	map_all = calloc((size_t)o.iters * o.threads * o.rounds, sizeof(*map_all));
	unmap_all = calloc((size_t)o.iters * o.threads * o.rounds, sizeof(*unmap_all));
	if (!sa || !sb || !map_all || !unmap_all) {
		fprintf(stderr, "mapbench: out of memory\n");
		goto out;
	}
	for (nr = 0; nr < o.rounds;) {
		struct round *rd = &rs[nr];
		struct dmabench_lat l = {
			.op = DMABENCH_LAT_MAP_SINGLE, .size = o.size, .dir = o.dir, .iters = o.iters,
			.budget_ns = (uint64_t)o.seconds * 1000000000ULL,
			.samples_a = (uintptr_t)sa, .samples_b = (uintptr_t)sb,
			.flags = o.kthread ? DMABENCH_LAT_KTHREAD : 0, .threads = o.threads > 1 ? o.threads : 0,
		};

		dev = dev_by_name(fd, bdf);
		if (dev < 0) {
			fprintf(stderr, "mapbench: %s is not a dmabench device\n", bdf);
			goto out;
		}
		l.dev = (uint32_t)dev;
		r = dmab_lat(fd, &l);
		if (r) {
			fprintf(stderr, "mapbench: LAT MAP_SINGLE on %s: %s\n", bdf, strerror(-r));
			goto out;
		}
		/* every thread's first n samples, packed (the module's stride is iters) */
		for (uint32_t t = 1; t < o.threads; t++) {
			memmove(sa + (size_t)t * l.n, sa + (size_t)t * o.iters, l.n * sizeof(*sa));
			memmove(sb + (size_t)t * l.n, sb + (size_t)t * o.iters, l.n * sizeof(*sb));
		}
		l.n *= o.threads;
		rd->n = l.n;
		rd->lerr = l.error;
		rd->map = dmab_kstat_of(sa, l.n);
		{
			struct dmab_summary sm;

			if (!dmab_summarize(sa, l.n, &sm))
				rd->p50_map = sm.p50;
			if (!dmab_summarize(sb, l.n, &sm))
				rd->p50_unmap = sm.p50;
		}
		rd->unmap = dmab_kstat_of(sb, l.n);
		memcpy(map_all + n_all, sa, l.n * sizeof(*sa));
		memcpy(unmap_all + n_all, sb, l.n * sizeof(*sb));
		n_all += l.n;
		nr++;

		struct dmabench_lat l2 = {
			.op = DMABENCH_LAT_MAP_SINGLE, .dev = (uint32_t)dev, .size = o.size, .dir = o.dir,
			.iters = o.iters, .budget_ns = (uint64_t)o.seconds * 1000000000ULL,
			.flags = o.kthread ? DMABENCH_LAT_KTHREAD : 0, .threads = o.threads > 1 ? o.threads : 0,
		};
		r = dmab_lat(fd, &l2);
		if (r) {
			fprintf(stderr, "mapbench: LAT MAP_SINGLE (no samples) on %s: %s\n", bdf, strerror(-r));
			goto out;
		}
		rd->nosamp_n = l2.n;
		if (l2.n) {
			/* T > 1: the sums cover every iteration of every thread, n is the fewest: approximate */
			rd->nosamp_map_mean_ns = (double)l2.a.sum_ns / ((double)l2.n * o.threads);
			rd->nosamp_unmap_mean_ns = (double)l2.b.sum_ns / ((double)l2.n * o.threads);
		}

		r = rebind(bdf, KMB_DRIVER);
		if (r) {
			fprintf(stderr, "mapbench: binding %s to " KMB_DRIVER ": %s\n", bdf, strerror(-r));
			goto out;
		}
		rd->steps = -1;
		if (o.nksteps) {
			char v[16];

			rd->steps = (int32_t)o.ksteps[(nr - 1) % o.nksteps];
			snprintf(v, sizeof(v), "%d\n", rd->steps);
			r = write_str(KMB_STEPS, v);
			if (r) {
				fprintf(stderr, "mapbench: --kmb-steps: " KMB_STEPS ": %s (bench/kmb/build.sh's initramfs)\n",
					strerror(-r));
				rebind(bdf, "");
				goto out;
			}
		}
		rd->loop_p50_map = rd->loop_p50_unmap = -1;
		rd->kret = kernel_tool(&o, &rd->k);
		if (rd->steps >= 0 && (rd->steps & 4)) {
			rd->loop_p50_map = read_long(KMB_PARAM "p50_map_ns");
			rd->loop_p50_unmap = read_long(KMB_PARAM "p50_unmap_ns");
		}
		if (rd->kret)
			fprintf(stderr, "mapbench: DMA_MAP_BENCHMARK on %s: %s\n", bdf, strerror(-rd->kret));
		r = rebind(bdf, "");
		if (r) {
			fprintf(stderr, "mapbench: binding %s back to dmabench: %s\n", bdf, strerror(-r));
			goto out;
		}
		printf("mapbench: round %u: dmabench n=%u map %lu unmap %lu (no samples: n=%u map %.0f unmap %.0f); kernel tool map %lu unmap %lu "
		       "(100 ns units)\n", nr, rd->n, (unsigned long)rd->map.avg_100ns,
		       (unsigned long)rd->unmap.avg_100ns, rd->nosamp_n, rd->nosamp_map_mean_ns / 100,
		       rd->nosamp_unmap_mean_ns / 100, (unsigned long)rd->k.avg_map_100ns,
		       (unsigned long)rd->k.avg_unmap_100ns);
		if (rd->steps >= 0)
			printf("mapbench: round %u: kernel tool loop steps %d\n", nr, rd->steps);
		if (rd->kret)
			goto out;
	}
	ret = 0;
out:
	/* whatever happened, the device goes back to dmabench */
	if (bdf[0]) {
		driver_of(bdf, drv, sizeof(drv));
		if (strcmp(drv, DMABENCH_DRIVER_NAME) && rebind(bdf, ""))
			fprintf(stderr, "mapbench: %s could not be returned to dmabench\n", bdf), ret = 1;
	}
	err_after = read_long(DMA_API_ERRORS);
	if (bdf[0] && write_json(out, &o, bdf, rs, nr, map_all, unmap_all, n_all, err_before, err_after, NULL)) {
		fprintf(stderr, "mapbench: cannot write %s\n", out);
		ret = 1;
	}
	free(sa);
	free(sb);
	free(map_all);
	free(unmap_all);
	close(fd);
	return ret;
}
