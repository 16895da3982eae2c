// SPDX-License-Identifier: GPL-2.0
/* hier.c - hierarchical (boots, then samples) bootstrap of a ratio of medians (hier.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmpstats.h"
#include "hier.h"

struct rng {
	uint64_t s;
};

static uint64_t next64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in (0, 1) */
static double unif(struct rng *r)
{
	return ((double)(next64(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(struct rng *r)
{
	return sqrt(-2.0 * log(unif(r))) * cos(2.0 * M_PI * unif(r));
}

/* Gamma(a, 1), a >= 1: Marsaglia and Tsang */
static double gamma_draw(struct rng *r, double a)
{
	double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);

	for (;;) {
		double x = gauss(r), v = 1.0 + c * x, u;

		if (v <= 0)
			continue;
		v = v * v * v;
		u = unif(r);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

/* The median of n draws with replacement from sorted[0..n) */
static double resampled_median(struct rng *r, const uint32_t *sorted, size_t n)
{
	double k = (double)((n + 1) / 2), x, y, u;
	size_t i;

	if (n == 1)
		return sorted[0];
	x = gamma_draw(r, k);
	y = gamma_draw(r, (double)n + 1.0 - k);
	u = x / (x + y);	/* the k-th smallest of n uniforms ~ Beta(k, n + 1 - k) */
	i = (size_t)ceil(u * (double)n);
	return sorted[i ? i - 1 : 0];
}

static double boot_median(const uint32_t *sorted, size_t n)
{
	return sorted[(n + 1) / 2 - 1];
}

static int side_ok(const struct dmab_side *s)
{
	if (!s || !s->nboots || !s->samples || !s->n)
		return 0;
	for (size_t i = 0; i < s->nboots; i++)
		if (!s->n[i] || !s->samples[i])
			return 0;
	return 1;
}

/* mean of the boot medians; relative sd between boots; typical relative width of a boot median */
static double side_stat(const struct dmab_side *s, double *cv_between, double *cv_within)
{
	double sum = 0, sq = 0, w = 0, mean;

	for (size_t i = 0; i < s->nboots; i++) {
		struct dmab_median_ci ci;
		double m = boot_median(s->samples[i], s->n[i]);

		dmab_median_ci_sorted(s->samples[i], s->n[i], &ci);
		sum += m;
		sq += m * m;
		if (ci.median)	/* a 95 % CI spans about 2 x 1.96 standard errors */
			w += ((double)ci.hi - (double)ci.lo) / (3.92 * (double)ci.median);
	}
	mean = sum / (double)s->nboots;
	*cv_between = s->nboots > 1 && mean > 0 ?
		      sqrt(fmax(0, (sq - sum * sum / (double)s->nboots) / (double)(s->nboots - 1))) / mean : 0;
	*cv_within = w / (double)s->nboots;
	return mean;
}

static double draw_side(struct rng *r, const struct dmab_side *s)
{
	double sum = 0;

	for (size_t i = 0; i < s->nboots; i++) {
		size_t b = (size_t)(next64(r) % s->nboots);

		sum += resampled_median(r, s->samples[b], s->n[b]);
	}
	return sum / (double)s->nboots;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int dmab_hier_compare(const struct dmab_side *base, const struct dmab_side *new, double t, unsigned int iters,
		      uint64_t seed, struct dmab_hier *out)
{
	struct rng r = { seed };
	double *ratio;
	unsigned int up = 0, down = 0;

	memset(out, 0, sizeof(*out));
	if (!side_ok(base) || !side_ok(new) || iters < 100)
		return -EINVAL;
	out->base = side_stat(base, &out->cv_between_base, &out->cv_within_base);
	out->new = side_stat(new, &out->cv_between_new, &out->cv_within_new);
	if (out->base <= 0)
		return -EINVAL;
	out->ratio = out->new / out->base;
	out->iters = iters;
	ratio = malloc(iters * sizeof(*ratio));
	if (!ratio)
		return -ENOMEM;
	for (unsigned int i = 0; i < iters; i++) {
		double a = draw_side(&r, base), b = draw_side(&r, new);

		ratio[i] = a > 0 ? b / a : INFINITY;
		up += ratio[i] <= 1 + t;
		down += ratio[i] >= 1 - t;
	}
	qsort(ratio, iters, sizeof(*ratio), cmp_double);
	out->lo = ratio[(size_t)floor(0.025 * (iters - 1))];
	out->hi = ratio[(size_t)ceil(0.975 * (iters - 1))];
	/* +1 in numerator and denominator: a bootstrap p-value is never 0 */
	out->p_up = (up + 1.0) / (iters + 1.0);
	out->p_down = (down + 1.0) / (iters + 1.0);
	free(ratio);
	return 0;
}

double dmab_norm_quantile(double p)
{
	/* Acklam's rational approximation, then one Newton step on erfc */
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
				    1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
				    6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
				    -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
				    3.754408661907416e+00 };
	double q, x, e;

	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p <= 1 - 0.02425) {
		double rr;

		q = p - 0.5;
		rr = q * q;
		x = (((((a[0] * rr + a[1]) * rr + a[2]) * rr + a[3]) * rr + a[4]) * rr + a[5]) * q /
		    (((((b[0] * rr + b[1]) * rr + b[2]) * rr + b[3]) * rr + b[4]) * rr + 1);
	} else {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	e = 0.5 * erfc(-x / M_SQRT2) - p;
	return x - e * sqrt(2 * M_PI) * exp(x * x / 2);
}

/* relative sd of the difference of two sides' statistics, m boots each */
static double se_diff(double cvb, double cvw, size_t m)
{
	return sqrt(2.0 * (cvb * cvb + cvw * cvw) / (double)m);
}

double dmab_hier_detectable(double cv_between, double cv_within, size_t m, double t, double alpha, double power)
{
	double z = dmab_norm_quantile(1 - alpha / 2) + dmab_norm_quantile(power);

	if (!m)
		return INFINITY;
	return t + z * se_diff(cv_between, cv_within, m);
}

size_t dmab_hier_boots_needed(double cv_between, double cv_within, double d, double t, double alpha, double power)
{
	double z = dmab_norm_quantile(1 - alpha / 2) + dmab_norm_quantile(power), m;

	if (d <= t)
		return SIZE_MAX;
	m = 2.0 * z * z * (cv_between * cv_between + cv_within * cv_within) / ((d - t) * (d - t));
	return m < 1 ? 1 : (size_t)ceil(m);
}
