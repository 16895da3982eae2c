// SPDX-License-Identifier: GPL-2.0
/*
 * lat: DMABENCH_IOC_LAT for every op (ALLOC_FREE for every API) returns
 * n > 0 samples, min <= max, histogram counts sum to n, the raw samples
 * agree with the summary, and the timer overhead is reported.
 */
#include <math.h>

#include "kmod/tests/tcommon.h"

#define ITERS 200

static uint32_t sa[ITERS], sb[ITERS], ha[DMABENCH_HIST_BUCKETS], hb[DMABENCH_HIST_BUCKETS];

static void run(int fd, const char *what, uint32_t op, uint32_t dev, uint32_t dev2, uint32_t api,
		uint64_t attrs, uint32_t dir)
{
	struct dmabench_lat l;
	double mean_a, mean_b;
	int r;

	if (!t_api_ok(fd, api)) {
		t_skip_part(what, t_feature_why[DMABENCH_FEAT_NONCONTIG]);
		return;
	}
	memset(&l, 0, sizeof(l));
	memset(ha, 0, sizeof(ha));
	memset(hb, 0, sizeof(hb));
	l.op = op;
	l.dev = dev;
	l.dev2 = dev2;
	l.api = api;
	l.attrs = attrs;
	l.dir = dir;
	l.size = 65536;
	l.iters = ITERS;
	l.budget_ns = 5000000000ULL;
	l.samples_a = (uintptr_t)sa;
	l.samples_b = (uintptr_t)sb;
	l.hist_a = (uintptr_t)ha;
	l.hist_b = (uintptr_t)hb;
	r = t_ioctl(fd, DMABENCH_IOC_LAT, &l);
	if (r)
		t_fail("%s: LAT failed: %s", what, strerror(-r));
	if (!l.n)
		t_fail("%s: no samples (error %d)", what, l.error);
	t_assert(l.n <= ITERS, "n %u", l.n);
	t_assert(l.error == 0 || l.n < ITERS, "error %d with n == iters", l.error);
	t_lat_check_side(what, 'a', sa, ha, &l.a, l.n);
	t_lat_check_side(what, 'b', sb, hb, &l.b, l.n);
	t_assert(l.timer_mean_ps >= l.timer_min_ns * 1000, "timer mean %llu ps < min %llu ns",
		 (unsigned long long)l.timer_mean_ps, (unsigned long long)l.timer_min_ns);
	mean_a = (double)l.a.sum_ns / l.n;
	mean_b = (double)l.b.sum_ns / l.n;
	printf("lat: %-22s n=%-4u err=%d a: min=%llu mean=%.0f max=%llu  b: min=%llu mean=%.0f max=%llu  timer min=%llu mean=%.1f ns\n",
	       what, l.n, l.error, (unsigned long long)l.a.min_ns, mean_a,
	       (unsigned long long)l.a.max_ns, (unsigned long long)l.b.min_ns, mean_b,
	       (unsigned long long)l.b.max_ns, (unsigned long long)l.timer_min_ns,
	       l.timer_mean_ps / 1000.0);
}

int main(void)
{
	const uint32_t BI = DMABENCH_DIR_BIDIRECTIONAL;
	struct dmabench_stats s0, s1;
	uint32_t A, B, api;
	char what[64];
	int fd;

	fd = t_open();
	if (!t_pick_pair(fd, &A, &B))
		t_skip("no dmabench device");
	t_stats(fd, &s0);
	for (api = DMABENCH_API_ATTRS; api <= DMABENCH_API_MAX; api++) {
		snprintf(what, sizeof(what), "alloc_free/%s", t_api_name(api));
		run(fd, what, DMABENCH_LAT_ALLOC_FREE, A, 0, api, 0,
		    api == DMABENCH_API_ATTRS ? 0 : BI);
	}
	run(fd, "alloc_free/attrs+NKM", DMABENCH_LAT_ALLOC_FREE, A, 0, DMABENCH_API_ATTRS,
	    DMABENCH_ATTR_NO_KERNEL_MAPPING, 0);
	run(fd, "sgtable", DMABENCH_LAT_SGTABLE, A, 0, DMABENCH_API_ATTRS, 0, 0);
	run(fd, "sgtable/NKM", DMABENCH_LAT_SGTABLE, A, 0, DMABENCH_API_ATTRS,
	    DMABENCH_ATTR_NO_KERNEL_MAPPING, 0);
	run(fd, "map_sg", DMABENCH_LAT_MAP_SG, A, B, DMABENCH_API_ATTRS, 0, BI);
	run(fd, "map_sg/noncontig", DMABENCH_LAT_MAP_SG, A, B, DMABENCH_API_NONCONTIG, 0, BI);
	run(fd, "map_single", DMABENCH_LAT_MAP_SINGLE, A, 0, 0, 0, DMABENCH_DIR_TO_DEVICE);
	run(fd, "sync_sg", DMABENCH_LAT_SYNC_SG, A, B, DMABENCH_API_PAGES, 0, BI);
	t_stats(fd, &s1);
	if (!t_stats_live_equal(&s0, &s1))
		t_fail("live counters changed");
	close(fd);
	printf("lat: PASS\n");
	return t_done();
	
}
