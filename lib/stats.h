/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - summary statistics of u32 sample arrays (latencies in ns).
 *
 * Percentiles use the nearest-rank method: for p in (0, 100] the value is
 * the sample of rank ceil(p/100 * n) (1-based) in ascending order; p = 0
 * gives the minimum. Ranks are computed in integer arithmetic from p in
 * thousandths of a percent (99.9 % = 99900), so p99.9 of 1000 samples is
 * exactly the 999th smallest. The mean is the arithmetic mean; stddev is the
 * sample standard deviation (divisor n - 1; 0 when n == 1).
 */
#ifndef DMAB_STATS_H
#define DMAB_STATS_H

#include <stddef.h>
#include <stdint.h>

struct dmab_summary {
	uint64_t n;
	uint32_t min, p50, p90, p99, p999, max;
	double mean, stddev;
};

/* Sort ascending in place. */
void dmab_sort_u32(uint32_t *v, size_t n);

/*
 * Nearest-rank percentile of an ascending array; milli_pct = percent * 1000
 * (0 .. 100000). Returns 0 for n == 0.
 */
uint32_t dmab_percentile_sorted(const uint32_t *sorted, size_t n, uint32_t milli_pct);

/*
 * Summarise n samples (the array is not modified; a sorted copy is made).
 * n == 0 gives an all-zero summary and returns 0. Returns -ENOMEM if the
 * copy cannot be allocated.
 */
int dmab_summarize(const uint32_t *samples, size_t n, struct dmab_summary *out);

#endif
