// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmpstats.h"

size_t dmab_median_ci_rank(size_t n)
{
	/* largest l with P(B <= l-1) <= 0.025, B ~ Bin(n, 1/2) */
	double logp, cdf = 0;
	size_t k, l = 0;

	if (n < 6)
		return 0;
	logp = (double)n * -M_LN2;	/* log P(B = 0) */
	for (k = 0; k < n / 2; k++) {
		cdf += exp(logp);
		if (cdf > 0.025)
			break;
		l = k + 1;	/* P(B <= k) <= 0.025 -> rank k + 1 is a valid bound */
		/* P(B = k+1) = P(B = k) * (n - k) / (k + 1) */
		logp += log((double)(n - k)) - log((double)(k + 1));
	}
	return l;
}

void dmab_median_ci_sorted(const uint32_t *sorted, size_t n, struct dmab_median_ci *out)
{
	size_t l;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;
	out->n = n;
	out->median = sorted[(n + 1) / 2 - 1];
	l = dmab_median_ci_rank(n);
	if (l == 0) {
		out->lo = sorted[0];
		out->hi = sorted[n - 1];
	} else {
		out->lo = sorted[l - 1];
		out->hi = sorted[n - l];
	}
}

int dmab_mann_whitney(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, struct dmab_mwu *out)
{
	size_t i = 0, j = 0;
	double ra = 0, n, ties = 0, mu, var, d;

	memset(out, 0, sizeof(*out));
	out->p = 1;
	if ((na && !a) || (nb && !b))
		return -EINVAL;
	if (!na || !nb)
		return 0;
	/* merge the two sorted arrays, one run of equal values at a time */
	while (i < na || j < nb) {
		uint32_t v;
		size_t ca = 0, cb = 0, t;
		double first, mid;

		if (j >= nb || (i < na && a[i] <= b[j]))
			v = a[i];
		else
			v = b[j];
		while (i < na && a[i] == v) {
			i++;
			ca++;
		}
		while (j < nb && b[j] == v) {
			j++;
			cb++;
		}
		t = ca + cb;
		first = (double)(i + j - t) + 1;		/* rank of the first of the run */
		mid = first + ((double)t - 1) / 2;		/* midrank */
		ra += mid * (double)ca;
		if (t > 1)
			ties += (double)t * (double)t * (double)t - (double)t;
	}
	n = (double)na + (double)nb;
	out->u = ra - (double)na * ((double)na + 1) / 2;
	mu = (double)na * (double)nb / 2;
	var = (double)na * (double)nb / 12 * ((n + 1) - ties / (n * (n - 1)));
	if (var <= 0)
		return 0;	/* everything tied */
	d = fabs(out->u - mu) - 0.5;
	if (d < 0)
		d = 0;
	out->z = d / sqrt(var);
	out->p = erfc(out->z / M_SQRT2);
	if (out->p > 1)
		out->p = 1;
	return 0;
}

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *x, const void *y)
{
	const struct pidx *a = x, *b = y;

	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

int dmab_holm(const double *p, size_t m, double *adj)
{
	struct pidx *v;
	double run = 0;
	size_t k;

	if (m == 0)
		return 0;
	v = malloc(m * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (k = 0; k < m; k++)
		v[k] = (struct pidx){ p[k], k };
	qsort(v, m, sizeof(*v), cmp_pidx);
	for (k = 0; k < m; k++) {
		double a = (double)(m - k) * v[k].p;

		if (a > 1)
			a = 1;
		if (a > run)
			run = a;
		adj[v[k].i] = run;
	}
	free(v);
	return 0;
}
