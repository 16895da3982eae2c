// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

void dmab_sort_u32(uint32_t *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_u32);
}

uint32_t dmab_percentile_sorted(const uint32_t *sorted, size_t n, uint32_t milli_pct)
{
	uint64_t rank;

	if (n == 0)
		return 0;
	if (milli_pct > 100000)
		milli_pct = 100000;
	/* rank = ceil(milli_pct * n / 100000), at least 1 */
	rank = ((uint64_t)milli_pct * n + 99999) / 100000;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

int dmab_summarize(const uint32_t *samples, size_t n, struct dmab_summary *out)
{
	uint32_t *s;
	long double sum = 0, mean, ss = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, samples, n * sizeof(*s));
	dmab_sort_u32(s, n);

	for (i = 0; i < n; i++)
		sum += s[i];
	mean = sum / (long double)n;
	for (i = 0; i < n; i++) {
		long double d = (long double)s[i] - mean;

		ss += d * d;
	}
	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->p50 = dmab_percentile_sorted(s, n, 50000);
	out->p90 = dmab_percentile_sorted(s, n, 90000);
	out->p99 = dmab_percentile_sorted(s, n, 99000);
	out->p999 = dmab_percentile_sorted(s, n, 99900);
	out->mean = (double)mean;
	out->stddev = n > 1 ? (double)sqrtl(ss / (long double)(n - 1)) : 0.0;
	free(s);
	return 0;
}
