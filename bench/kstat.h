/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kstat.h - the statistics of the kernel's dma_map_benchmark (kernel/dma/map_benchmark.c,
 * Linux 6.1), recomputed from dmabench's raw samples so both sides are in the same units:
 * every sample is truncated to 100 ns units (div64_ul(delta, 100)), the average is
 * sum / loops (integer division), the standard deviation int_sqrt64(sum_sq / loops -
 * avg * avg), all integer arithmetic as in do_map_benchmark().
 */
#ifndef DMAB_KSTAT_H
#define DMAB_KSTAT_H

#include <stddef.h>
#include <stdint.h>

struct dmab_kstat {
	uint64_t avg_100ns;
	uint64_t stddev_100ns;
};

/* floor(sqrt(x)), exact for every uint64_t (as the kernel's int_sqrt64) */
static inline uint64_t dmab_isqrt64(uint64_t x)
{
	uint64_t r = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* the kernel tool's avg and stddev of n samples in ns; n == 0 gives zeros */
static inline struct dmab_kstat dmab_kstat_of(const uint32_t *ns, size_t n)
{
	struct dmab_kstat k = { 0, 0 };
	uint64_t sum = 0, sumsq = 0, var;

	if (!n)
		return k;
	for (size_t i = 0; i < n; i++) {
		uint64_t u = ns[i] / 100;

		sum += u;
		sumsq += u * u;
	}
	k.avg_100ns = sum / n;
	var = sumsq / n - k.avg_100ns * k.avg_100ns;
	k.stddev_100ns = dmab_isqrt64(var);
	return k;
}

/*
 * The two averages agree when they differ by at most one 100 ns unit: the kernel
 * tool's resolution (each sample truncated, so one unit of disagreement is within
 * its rounding).
 */
static inline int dmab_kstat_agree(uint64_t a_100ns, uint64_t b_100ns)
{
	return (a_100ns > b_100ns ? a_100ns - b_100ns : b_100ns - a_100ns) <= 1;
}

#endif
