/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hier.h - comparing two sides whose measurements come from several boots,
 * with the boot as the experimental unit (Kalibera & Jones, "Rigorous
 * Benchmarking in Reasonable Time", ISMM 2013): hierarchical resampling.
 *
 * A side is a set of boots, each with its ascending samples (latencies in
 * ns). Its statistic is the mean over boots of each boot's median, so every
 * boot weighs the same however many samples it has. One bootstrap iteration
 * draws the side's boots with replacement, then for each drawn boot the
 * median of n samples drawn with replacement from it (drawn directly: the
 * median of n uniform draws is Beta((n+1)/2, (n+1)/2)-distributed, and the
 * resampled median is the sample at that quantile), and takes the ratio of
 * the two sides' statistics (new / base). From the iterations: a 95 %
 * percentile interval of the ratio and one-sided bootstrap p-values of
 * "the ratio is above 1 + t" (regression) and "below 1 - t" (improvement),
 * which a family correction (Holm) can take.
 *
 * With one boot on a side nothing is known of the variance between boots:
 * the interval then only covers the noise inside the boot (the caller says
 * so). Planning: from the spread of the boot medians (between) and of the
 * resampled median inside a boot (within), the smallest change a comparison
 * of m boots per side detects, and the boots a change needs.
 */
#ifndef DMAB_HIER_H
#define DMAB_HIER_H

#include <stddef.h>
#include <stdint.h>

struct dmab_side {
	size_t nboots;
	const uint32_t *const *samples;	/* per boot, ascending */
	const size_t *n;		/* per boot */
};

struct dmab_hier {
	double base, new;		/* the two statistics (mean of boot medians) */
	double ratio;			/* new / base */
	double lo, hi;			/* 95 % percentile interval of the ratio */
	double p_up;			/* bootstrap P(ratio <= 1 + t): small = regressed beyond t */
	double p_down;			/* bootstrap P(ratio >= 1 - t): small = improved beyond t */
	double cv_between_base, cv_between_new;	/* sd / mean of the boot medians (0 with one boot) */
	double cv_within_base, cv_within_new;	/* typical relative sd of one boot's median (resampled) */
	unsigned int iters;
};

/*
 * Compare base and new with threshold t (0.05 = 5 %), iters bootstrap
 * iterations (>= 100), a seed (same seed, same answer). 0, -EINVAL (a side
 * without boots or samples, a zero statistic), -ENOMEM.
 */
int dmab_hier_compare(const struct dmab_side *base, const struct dmab_side *new, double t, unsigned int iters,
		      uint64_t seed, struct dmab_hier *out);

/*
 * Planning, for a two-sided test at level alpha (already divided for the
 * family, e.g. alpha / m) with the given power (0.8): the smallest relative
 * change beyond threshold t that m boots per side detect, with cv_between
 * and cv_within as measured (relative sd of a boot median between boots,
 * and of one boot's median inside it).
 */
double dmab_hier_detectable(double cv_between, double cv_within, size_t m, double t, double alpha,
			    double power);
/* The boots per side that detect a change of d (> t); SIZE_MAX when none do. */
size_t dmab_hier_boots_needed(double cv_between, double cv_within, double d, double t, double alpha, double power);

/* The standard normal quantile (inverse CDF) of p in (0, 1). */
double dmab_norm_quantile(double p);

#endif
