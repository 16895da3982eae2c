/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcommon.h - helpers for the in-guest dmabench.ko integration tests.
 * Exit codes: 0 pass, 1 fail, 4 skip (kselftest); diagnostics on stdout.
 * Raw ioctl() on the ABI header (the tests check the ABI, not lib/dmab.c's
 * wrappers); names of ABI values from lib/names.c.
 */
#ifndef DMABENCH_TCOMMON_H
#define DMABENCH_TCOMMON_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <stdbool.h>
#include <unistd.h>

#include "kmod/dmabench_abi.h"
#include "lib/names.h"

#define T_PASS 0
#define T_FAIL 1
#define T_SKIP 4

#define t_skip(...)							\
	do {								\
		printf("SKIP: " __VA_ARGS__);				\
		printf("\n");						\
		fflush(stdout);						\
		exit(T_SKIP);						\
	} while (0)

#define t_fail(...)							\
	do {								\
		printf("FAIL: %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		fflush(stdout);						\
		exit(T_FAIL);						\
	} while (0)

#define t_assert(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("assertion '%s' failed\n", #cond);	\
			t_fail(__VA_ARGS__);				\
		}							\
	} while (0)

/* ioctl returning 0 or -errno */
static inline int t_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/* ioctl that must succeed */
#define t_xioctl(fd, cmd, arg)						\
	do {								\
		int r_ = t_ioctl((fd), (cmd), (arg));			\
		if (r_)							\
			t_fail(#cmd " failed: %s", strerror(-r_));	\
	} while (0)

/* ioctl that must fail with errno e */
#define t_expect_err(e, fd, cmd, arg, what)				\
	do {								\
		int r_ = t_ioctl((fd), (cmd), (arg));			\
		if (r_ != -(e))						\
			t_fail("%s: expected %s, got %s", (what),	\
			       strerror(e), r_ ? strerror(-r_) : "success"); \
	} while (0)

static inline int t_open(void)
{
	int fd = open(DMABENCH_CTL_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			t_skip("%s missing (dmabench.ko not loaded or debugfs not mounted)",
			       DMABENCH_CTL_PATH);
		t_fail("open %s: %s", DMABENCH_CTL_PATH, strerror(errno));
	}
	return fd;
}

static inline void t_stats(int fd, struct dmabench_stats *s)
{
	memset(s, 0, sizeof(*s));
	t_xioctl(fd, DMABENCH_IOC_STATS, s);
}

static inline int t_dev_info(int fd, uint32_t dev, struct dmabench_dev_info *di)
{
	memset(di, 0, sizeof(*di));
	di->dev = dev;
	return t_ioctl(fd, DMABENCH_IOC_DEV_INFO, di);
}

static inline uint32_t t_ndevs(int fd)
{
	struct dmabench_info in;

	memset(&in, 0, sizeof(in));
	t_xioctl(fd, DMABENCH_IOC_INFO, &in);
	return in.ndevs;
}

/* Ids of present devices of @kind (0: any), at most @max. */
static inline int t_find_devs(int fd, uint32_t kind, uint32_t *ids, int max)
{
	struct dmabench_dev_info di;
	uint32_t i, n = t_ndevs(fd);
	int cnt = 0;

	for (i = 0; i < n && cnt < max; i++) {
		if (t_dev_info(fd, i, &di))
			continue;
		if (!kind || di.kind == kind)
			ids[cnt++] = i;
	}
	return cnt;
}

/* ABI enum names: lib/names.c's tables, the same spelling as JSON and the host */
#define t_ops_name(v)		dmab_name_or(dmab_ops_names, (v))
#define t_domain_name(v)	dmab_name_or(dmab_domain_names, (v))
#define t_api_name(v)		dmab_name_or(dmab_api_names, (v))
#define t_kva_name(v)		dmab_name_or(dmab_kva_kind_names, (v))

/*
 * Sum of the area sizes in /proc/vmallocinfo (guard pages included), not
 * counting lazily freed "unpurged vm_area" lines. -1 on error.
 */
static inline long long t_vmalloc_total(void)
{
	FILE *f = fopen("/proc/vmallocinfo", "r");
	char line[512];
	long long total = 0, sz;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "unpurged"))
			continue;
		if (sscanf(line, "%*s %lld", &sz) == 1)
			total += sz;
	}
	fclose(f);
	return total;
}

/* A /proc/meminfo field in kB, -1 if missing. */
static inline long long t_meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	size_t kl = strlen(key);
	char line[256];
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtoll(line + kl + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}


/* Snapshot of /proc/meminfo to explain a MemFree shortfall. */
struct t_meminfo_snap {
	char text[8192];
};

static inline void t_meminfo_snap(struct t_meminfo_snap *s)
{
	FILE *f = fopen("/proc/meminfo", "r");
	size_t n = f ? fread(s->text, 1, sizeof(s->text) - 1, f) : 0;

	s->text[n] = 0;
	if (f)
		fclose(f);
}

/* Print every field that moved by at least @min_kb between two snapshots. */
static inline void t_meminfo_diff(const char *tag, const struct t_meminfo_snap *a,
				  const struct t_meminfo_snap *b, long long min_kb)
{
	const char *p = a->text;

	while (*p) {
		char key[64];
		long long va, vb;
		const char *q;
		int klen;

		if (sscanf(p, "%63[^:]: %lld", key, &va) == 2) {
			klen = (int)strlen(key);
			for (q = b->text; *q; q = strchr(q, '\n') ? strchr(q, '\n') + 1 : q + strlen(q))
				if (!strncmp(q, key, klen) && q[klen] == ':' && sscanf(q + klen + 1, "%lld", &vb) == 1) {
					if (vb - va >= min_kb || va - vb >= min_kb)
						printf("%s: meminfo %s %lld -> %lld kB (%+lld)\n", tag, key, va, vb, vb - va);
					break;
				}
		}
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
	}
}
static inline void t_drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd >= 0) {
		if (write(fd, "3\n", 2) < 0)
			perror("drop_caches");
		close(fd);
	}
}

/*
 * Kernel features (INFO features, enum dmabench_feature): what the running
 * kernel lacks is refused with EOPNOTSUPP. A test that needs a feature
 * skips (t_need()); a test that covers several APIs runs those the kernel
 * has and counts the others with t_skip_part(): t_done() then ends it with
 * exit 4 and one "SKIP: ..." line naming them, so that a partial run is a
 * counted skip with its reason, never a silent pass.
 */
static const char *const t_feature_why[DMABENCH_FEAT_COUNT] = {
	[DMABENCH_FEAT_NONCONTIG] = "no dma_alloc_noncontiguous() (Linux 5.13)",
	[DMABENCH_FEAT_MMAP_PAGES] = "no dma_mmap_pages() (Linux 5.13)",
	[DMABENCH_FEAT_URING_CMD] = "no IORING_OP_URING_CMD for drivers (Linux 5.19)",
	[DMABENCH_FEAT_DOMAIN_FQ] = "no DMA-FQ domain type (Linux 5.15)",
};

static inline uint64_t t_features(int fd)
{
	struct dmabench_info in;

	memset(&in, 0, sizeof(in));
	t_xioctl(fd, DMABENCH_IOC_INFO, &in);
	return in.features;
}

static inline bool t_has(int fd, unsigned int feat)
{
	return t_features(fd) & DMABENCH_FEAT(feat);
}

/* Skip the whole test when the kernel lacks feat. */
static inline void t_need(int fd, unsigned int feat)
{
	if (!t_has(fd, feat))
		t_skip("kernel %s", t_feature_why[feat]);
}

/* Does the kernel have allocation API api? */
static inline bool t_api_ok(int fd, uint32_t api)
{
	return (api != DMABENCH_API_NONCONTIG && api != DMABENCH_API_NONCONTIG_VMAP) ||
	       t_has(fd, DMABENCH_FEAT_NONCONTIG);
}

/* The running kernel's page size (INFO; 16 KiB on arm64-16k kernels): mmap offsets, rounding. */
static inline uint64_t t_page_size(int fd)
{
	struct dmabench_info in;

	memset(&in, 0, sizeof(in));
	t_xioctl(fd, DMABENCH_IOC_INFO, &in);
	return in.page_size ? in.page_size : 4096;
}

static char t_part_reason[512];
static int t_parts_skipped;

/* Count one skipped part (same text once in the reason). */
static inline void t_skip_part(const char *what, const char *why)
{
	char one[400];

	t_parts_skipped++;
	snprintf(one, sizeof(one), "%.190s: %.190s", what, why);
	printf("# skipped %s\n", one);
	if (!strstr(t_part_reason, one)) {
		size_t l = strlen(t_part_reason);

		snprintf(t_part_reason + l, sizeof(t_part_reason) - l, "%s%s", l ? "; " : "", one);
	}
}

/* The exit code of a test that may have skipped parts. */
static inline int t_done(void)
{
	if (!t_parts_skipped)
		return T_PASS;
	printf("SKIP: %d part(s) not on this kernel: %s (the rest passed)\n", t_parts_skipped, t_part_reason);
	fflush(stdout);
	return T_SKIP;
}

/* Allocate; returns 0 or -errno and fills *a. */
static inline int t_alloc(int fd, struct dmabench_alloc *a, uint32_t dev, uint32_t api,
			  uint64_t size, uint64_t attrs)
{
	memset(a, 0, sizeof(*a));
	a->dev = dev;
	a->api = api;
	a->size = size;
	a->attrs = attrs;
	a->dir = api == DMABENCH_API_ATTRS ? 0 : DMABENCH_DIR_BIDIRECTIONAL;
	return t_ioctl(fd, DMABENCH_IOC_ALLOC, a);
}

static inline int t_free(int fd, uint32_t handle)
{
	struct dmabench_handle h;

	memset(&h, 0, sizeof(h));
	h.handle = handle;
	return t_ioctl(fd, DMABENCH_IOC_FREE, &h);
}

static inline int t_sgtable(int fd, struct dmabench_sgtable *s, uint32_t alloc,
			    struct dmabench_seg *segs, uint32_t segs_max)
{
	memset(s, 0, sizeof(*s));
	s->alloc = alloc;
	s->segs = (uintptr_t)segs;
	s->segs_max = segs_max;
	return t_ioctl(fd, DMABENCH_IOC_GET_SGTABLE, s);
}

static inline int t_map_sg(int fd, struct dmabench_map_sg *m, uint32_t sgt, uint32_t dev,
			   struct dmabench_seg *segs, uint32_t segs_max)
{
	memset(m, 0, sizeof(*m));
	m->sgt = sgt;
	m->dev = dev;
	m->dir = DMABENCH_DIR_BIDIRECTIONAL;
	m->segs = (uintptr_t)segs;
	m->segs_max = segs_max;
	return t_ioctl(fd, DMABENCH_IOC_MAP_SG, m);
}

static inline int t_map_single(int fd, struct dmabench_map_single *m, uint32_t dev,
			       uint64_t size)
{
	memset(m, 0, sizeof(*m));
	m->dev = dev;
	m->dir = DMABENCH_DIR_BIDIRECTIONAL;
	m->size = size;
	return t_ioctl(fd, DMABENCH_IOC_MAP_SINGLE, m);
}

/*
 * Two devices for cross-device tests: first EDU device (else the first
 * platform device) allocates, the next EDU device (else another platform
 * device, else the same) maps. Returns the number of devices present.
 */
static inline int t_pick_pair(int fd, uint32_t *a, uint32_t *b)
{
	uint32_t edu[DMABENCH_MAX_DEVICES], plat[DMABENCH_MAX_DEVICES];
	int ne = t_find_devs(fd, DMABENCH_DEV_EDU, edu, DMABENCH_MAX_DEVICES);
	int np = t_find_devs(fd, DMABENCH_DEV_PLATFORM, plat, DMABENCH_MAX_DEVICES);

	if (ne + np == 0)
		return 0;
	*a = ne ? edu[0] : plat[0];
	if (ne > 1)
		*b = edu[1];
	else if (ne == 1 && np)
		*b = plat[0];
	else if (np > 1)
		*b = plat[1];
	else
		*b = *a;
	return ne + np;
}

static inline void t_print_stats(const char *tag, const struct dmabench_stats *s)
{
	printf("%s: allocs=%llu sgtables=%llu mappings=%llu mmaps=%llu alloc_bytes=%llu kva_bytes=%llu open_files=%llu total=%llu\n",
	       tag, (unsigned long long)s->live_allocs, (unsigned long long)s->live_sgtables,
	       (unsigned long long)s->live_mappings, (unsigned long long)s->live_mmaps,
	       (unsigned long long)s->alloc_bytes, (unsigned long long)s->kva_bytes,
	       (unsigned long long)s->open_files, (unsigned long long)s->total_objects);
}

/* Live counters equal (total_objects excluded: monotonic). */
static inline int t_stats_live_equal(const struct dmabench_stats *a, const struct dmabench_stats *b)
{
	return a->live_allocs == b->live_allocs && a->live_sgtables == b->live_sgtables &&
	       a->live_mappings == b->live_mappings && a->live_mmaps == b->live_mmaps &&
	       a->alloc_bytes == b->alloc_bytes && a->kva_bytes == b->kva_bytes &&
	       a->open_files == b->open_files;
}

/* one side of a LAT result: samples, histogram and summary agree (n samples) */
static inline void t_lat_check_side(const char *what, const char side, const uint32_t *s, const uint32_t *h,
				    const struct dmabench_lat_summary *sum, uint32_t n)
{
	uint64_t hs = 0, ssum = 0, mn = UINT64_MAX, mx = 0;
	uint32_t i;

	for (i = 0; i < DMABENCH_HIST_BUCKETS; i++)
		hs += h[i];
	for (i = 0; i < n; i++) {
		ssum += s[i];
		mn = s[i] < mn ? s[i] : mn;
		mx = s[i] > mx ? s[i] : mx;
		if (!h[dmabench_hist_bucket(s[i])])
			t_fail("%s %c: sample %u (%u ns) not in histogram", what, side, i, s[i]);
	}
	t_assert(sum->min_ns <= sum->max_ns, "%s %c: min %llu > max %llu", what, side,
		 (unsigned long long)sum->min_ns, (unsigned long long)sum->max_ns);
	t_assert(hs == n, "%s %c: histogram sums to %llu, n=%u", what, side,
		 (unsigned long long)hs, n);
	t_assert(mn == sum->min_ns && mx == sum->max_ns && ssum == sum->sum_ns,
		 "%s %c: samples min/max/sum %llu/%llu/%llu vs summary %llu/%llu/%llu", what, side,
		 (unsigned long long)mn, (unsigned long long)mx, (unsigned long long)ssum,
		 (unsigned long long)sum->min_ns, (unsigned long long)sum->max_ns,
		 (unsigned long long)sum->sum_ns);
	t_assert(sum->sumsq_ns2 >= sum->sum_ns, "%s %c: sumsq", what, side);
}

#endif /* DMABENCH_TCOMMON_H */
