// SPDX-License-Identifier: GPL-2.0
/*
 * lat_calib: LAT's calibration work (LAT_CALIB: a fixed piece of CPU work
 * timed in every iteration) and a single bound kernel thread (LAT_KTHREAD):
 * n calibration samples, all above zero, on the calling thread and in the
 * kernel thread; the op's samples still agree with their summary; argument
 * errors for the new fields.
 */
#include "kmod/tests/tcommon.h"

#define ITERS 200

static uint32_t sa[ITERS], sb[ITERS], sc[ITERS], ha[DMABENCH_HIST_BUCKETS], hb[DMABENCH_HIST_BUCKETS];

static void run(int fd, uint32_t dev, uint32_t flags)
{
	struct dmabench_lat l;
	uint64_t sum = 0;
	int r;

	memset(&l, 0, sizeof(l));
	memset(ha, 0, sizeof(ha));
	memset(hb, 0, sizeof(hb));
	memset(sc, 0, sizeof(sc));
	l.op = DMABENCH_LAT_ALLOC_FREE;
	l.dev = dev;
	l.api = DMABENCH_API_ATTRS;
	l.size = 4096;
	l.iters = ITERS;
	l.budget_ns = 5000000000ULL;
	l.flags = flags;
	l.samples_a = (uintptr_t)sa;
	l.samples_b = (uintptr_t)sb;
	l.samples_c = (uintptr_t)sc;
	l.hist_a = (uintptr_t)ha;
	l.hist_b = (uintptr_t)hb;
	r = t_ioctl(fd, DMABENCH_IOC_LAT, &l);
	if (r)
		t_fail("flags %#x: LAT failed: %s", flags, strerror(-r));
	t_assert(l.n > 0 && l.error == 0, "flags %#x: n %u error %d", flags, l.n, l.error);
	for (uint32_t i = 0; i < l.n; i++) {
		t_assert(sc[i] > 0, "flags %#x: calibration sample %u is 0", flags, i);
		sum += sc[i];
	}
	t_lat_check_side("calib", 'a', sa, ha, &l.a, l.n);
	t_lat_check_side("calib", 'b', sb, hb, &l.b, l.n);
	t_assert(l.wall_ns >= l.a.sum_ns + l.b.sum_ns + sum, "flags %#x: wall %llu below the timed work", flags,
		 (unsigned long long)l.wall_ns);
	printf("lat_calib: flags %#x n=%u alloc mean %.0f ns, calibration mean %.0f ns, wall %.1f ms\n", flags, l.n,
	       (double)l.a.sum_ns / l.n, (double)sum / l.n, l.wall_ns / 1e6);
}

int main(void)
{
	struct dmabench_stats s0, s1;
	struct dmabench_lat l;
	uint32_t A, B;
	int fd;

	fd = t_open();
	if (!t_pick_pair(fd, &A, &B))
		t_skip("no dmabench device");
	t_stats(fd, &s0);
	run(fd, A, DMABENCH_LAT_CALIB);
	run(fd, A, DMABENCH_LAT_CALIB | DMABENCH_LAT_KTHREAD);
	/* the calibration samples are only written with LAT_CALIB */
	memset(&l, 0, sizeof(l));
	l.op = DMABENCH_LAT_ALLOC_FREE;
	l.dev = A;
	l.api = DMABENCH_API_ATTRS;
	l.size = 4096;
	l.iters = 1;
	l.samples_c = (uintptr_t)sc;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "samples_c without LAT_CALIB");
	t_stats(fd, &s1);
	if (!t_stats_live_equal(&s0, &s1))
		t_fail("live counters changed");
	close(fd);
	printf("lat_calib: PASS\n");
	return T_PASS;
}
