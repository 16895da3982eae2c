// SPDX-License-Identifier: GPL-2.0
/*
 * lat_threads: LAT with T kernel threads bound to distinct CPUs (T = 2 ..
 * min(online CPUs, 4)), map_single and alloc_free: every thread's samples are
 * there (thread-major), histograms and summaries cover all of them, each
 * thread's timed work fits in wall_ns, and the calibration work is timed in
 * every iteration. Skipped on a guest with one CPU (make test boots an
 * --smp 2 VM for it).
 */
#include "kmod/tests/tcommon.h"

#define ITERS 300
#define MAXT 4

static uint32_t sa[MAXT * ITERS], sb[MAXT * ITERS], sc[MAXT * ITERS];
static uint32_t ha[DMABENCH_HIST_BUCKETS], hb[DMABENCH_HIST_BUCKETS];

static void run(int fd, const char *what, uint32_t op, uint32_t dev, uint32_t threads)
{
	struct dmabench_lat l;
	uint64_t sum_c = 0;
	int r;

	memset(&l, 0, sizeof(l));
	memset(ha, 0, sizeof(ha));
	memset(hb, 0, sizeof(hb));
	memset(sa, 0, sizeof(sa));
	l.op = op;
	l.dev = dev;
	l.api = DMABENCH_API_ATTRS;
	l.dir = op == DMABENCH_LAT_MAP_SINGLE ? DMABENCH_DIR_TO_DEVICE : 0;
	l.size = 4096;
	l.iters = ITERS;
	l.budget_ns = 5000000000ULL;
	l.threads = threads;
	l.flags = DMABENCH_LAT_CALIB;
	l.samples_a = (uintptr_t)sa;
	l.samples_b = (uintptr_t)sb;
	l.samples_c = (uintptr_t)sc;
	l.hist_a = (uintptr_t)ha;
	l.hist_b = (uintptr_t)hb;
	r = t_ioctl(fd, DMABENCH_IOC_LAT, &l);
	if (r)
		t_fail("%s T=%u: LAT failed: %s", what, threads, strerror(-r));
	t_assert(l.n > 0 && l.error == 0, "%s T=%u: n %u error %d", what, threads, l.n, l.error);
	t_assert(l.wall_ns > 0, "%s T=%u: wall_ns 0", what, threads);
	/* all threads' samples against the one histogram and summary per side */
	{
		static uint32_t pa[MAXT * ITERS], pb[MAXT * ITERS];

		for (uint32_t t = 0; t < threads; t++) {
			uint64_t busy = 0;

			memcpy(pa + t * l.n, sa + t * ITERS, l.n * sizeof(uint32_t));
			memcpy(pb + t * l.n, sb + t * ITERS, l.n * sizeof(uint32_t));
			for (uint32_t i = 0; i < l.n; i++) {
				t_assert(sa[t * ITERS + i] > 0 && sc[t * ITERS + i] > 0,
					 "%s T=%u: thread %u sample %u missing", what, threads, t, i);
				busy += sa[t * ITERS + i] + sb[t * ITERS + i] + sc[t * ITERS + i];
				sum_c += sc[t * ITERS + i];
			}
			t_assert(busy <= l.wall_ns, "%s T=%u: thread %u timed %llu ns in a wall of %llu ns", what,
				 threads, t, (unsigned long long)busy, (unsigned long long)l.wall_ns);
		}
		t_lat_check_side(what, 'a', pa, ha, &l.a, threads * l.n);
		t_lat_check_side(what, 'b', pb, hb, &l.b, threads * l.n);
	}
	printf("lat_threads: %-11s T=%u n=%u wall %.1f ms, %.0f ops/s, a mean %.0f ns, calib mean %.0f ns\n", what, threads,
	       l.n, l.wall_ns / 1e6, threads * (double)l.n / (l.wall_ns / 1e9), (double)l.a.sum_ns / (threads * l.n),
	       (double)sum_c / (threads * l.n));
}

int main(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct dmabench_stats s0, s1;
	uint32_t A, B;
	int fd;

	fd = t_open();
	if (!t_pick_pair(fd, &A, &B))
		t_skip("no dmabench device");
	if (ncpu < 2)
		t_skip("needs 2 online CPUs, this guest has %ld (make test runs it in an --smp 2 VM)", ncpu);
	t_stats(fd, &s0);
	for (uint32_t t = 2; t <= (ncpu < MAXT ? ncpu : MAXT); t++) {
		run(fd, "map_single", DMABENCH_LAT_MAP_SINGLE, A, t);
		run(fd, "alloc_free", DMABENCH_LAT_ALLOC_FREE, A, t);
	}
	t_stats(fd, &s1);
	if (!t_stats_live_equal(&s0, &s1))
		t_fail("live counters changed");
	close(fd);
	printf("lat_threads: PASS\n");
	return T_PASS;
}
