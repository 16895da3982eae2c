/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmpstats.h - two-sample statistics for `dmabench compare`.
 *
 * - Median: nearest rank (as lib/stats.c), the sample of rank ceil(n/2).
 * - 95 % CI of the median: distribution-free order-statistic interval
 *   [x(l), x(n+1-l)] where l is the largest rank with
 *   P(Bin(n, 1/2) <= l - 1) <= 0.025 (exact binomial, computed in log
 *   space); coverage >= 95 %. For n < 6 no such l exists: [min, max].
 * - Mann-Whitney U (two-sided): midranks for ties, normal approximation
 *   with tie-corrected variance and a 0.5 continuity correction.
 *   p = erfc(z / sqrt 2). U is the statistic of the first sample.
 * - Holm-Bonferroni: step-down adjusted p-values, monotone, capped at 1.
 */
#ifndef DMAB_CMPSTATS_H
#define DMAB_CMPSTATS_H

#include <stddef.h>
#include <stdint.h>

struct dmab_median_ci {
	uint32_t median, lo, hi;
	size_t n;
};

/* On an ascending array. n == 0 gives zeros. */
void dmab_median_ci_sorted(const uint32_t *sorted, size_t n, struct dmab_median_ci *out);

/* The 1-based rank l of the lower 95 % bound for n samples (0 if n < 6). */
size_t dmab_median_ci_rank(size_t n);

struct dmab_mwu {
	double u;	/* U of sample a */
	double z;	/* continuity-corrected |z| */
	double p;	/* two-sided p-value; 1 when undefined (n == 0 or all tied) */
};

/*
 * Mann-Whitney U of a (na) vs b (nb); both arrays must be ascending.
 * Returns 0, or -EINVAL for a NULL array with a non-zero count.
 */
int dmab_mann_whitney(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, struct dmab_mwu *out);

/*
 * Holm-Bonferroni: adj[i] is the adjusted p-value of p[i] in a family of
 * m tests. Returns 0 or -ENOMEM.
 */
int dmab_holm(const double *p, size_t m, double *adj);

#endif
