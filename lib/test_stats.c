// SPDX-License-Identifier: GPL-2.0
/* Unit test: lib/stats.c against hand-computed values. */
#include <math.h>
#include <stdlib.h>

#include "stats.h"
#include "test_util.h"

int main(void)
{
	struct dmab_summary s;
	uint32_t v[1000];
	size_t i;

	/* n == 0: zeros, success */
	CHECK_EQ(dmab_summarize(NULL, 0, &s), 0);
	CHECK_EQ_U(s.n, 0);
	CHECK_EQ_U(s.max, 0);

	/* n == 1 */
	v[0] = 42;
	CHECK_EQ(dmab_summarize(v, 1, &s), 0);
	CHECK_EQ_U(s.n, 1);
	CHECK_EQ_U(s.min, 42);
	CHECK_EQ_U(s.p50, 42);
	CHECK_EQ_U(s.p999, 42);
	CHECK_EQ_U(s.max, 42);
	CHECK_NEAR(s.mean, 42.0, 0);
	CHECK_NEAR(s.stddev, 0.0, 0);

	/* {2,4,4,4,5,5,7,9} unsorted: mean 5, sample stddev sqrt(32/7) */
	{
		uint32_t w[8] = { 9, 4, 2, 5, 4, 7, 4, 5 };
		uint32_t copy[8];

		memcpy(copy, w, sizeof(w));
		CHECK_EQ(dmab_summarize(w, 8, &s), 0);
		CHECK(memcmp(copy, w, sizeof(w)) == 0);	/* input untouched */
		CHECK_EQ_U(s.min, 2);
		CHECK_EQ_U(s.max, 9);
		CHECK_NEAR(s.mean, 5.0, 1e-12);
		CHECK_NEAR(s.stddev, sqrt(32.0 / 7.0), 1e-12);
		/* nearest rank: p50 -> rank ceil(4) = 4 -> sorted[3] = 4 */
		CHECK_EQ_U(s.p50, 4);
		/* p90 -> rank ceil(7.2) = 8 -> 9 */
		CHECK_EQ_U(s.p90, 9);
		CHECK_EQ_U(s.p99, 9);
	}

	/* 1..1000 shuffled: pX = X*10 exactly, p99.9 = 999 */
	for (i = 0; i < 1000; i++)
		v[i] = (uint32_t)(i + 1);
	srand(1);
	for (i = 999; i > 0; i--) {
		size_t k = (size_t)rand() % (i + 1);
		uint32_t t = v[i];

		v[i] = v[k];
		v[k] = t;
	}
	CHECK_EQ(dmab_summarize(v, 1000, &s), 0);
	CHECK_EQ_U(s.n, 1000);
	CHECK_EQ_U(s.min, 1);
	CHECK_EQ_U(s.p50, 500);
	CHECK_EQ_U(s.p90, 900);
	CHECK_EQ_U(s.p99, 990);
	CHECK_EQ_U(s.p999, 999);
	CHECK_EQ_U(s.max, 1000);
	CHECK_NEAR(s.mean, 500.5, 1e-9);
	/* sample variance of 1..n = n(n+1)/12 */
	CHECK_NEAR(s.stddev, sqrt(1000.0 * 1001.0 / 12.0), 1e-9);

	/* percentile edges on a sorted array of 10 */
	{
		uint32_t t[10] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };

		CHECK_EQ_U(dmab_percentile_sorted(t, 10, 0), 10);	/* p0 = min */
		CHECK_EQ_U(dmab_percentile_sorted(t, 10, 10000), 10);	/* rank 1 */
		CHECK_EQ_U(dmab_percentile_sorted(t, 10, 10001), 20);	/* rank ceil(1.0001) = 2 */
		CHECK_EQ_U(dmab_percentile_sorted(t, 10, 50000), 50);
		CHECK_EQ_U(dmab_percentile_sorted(t, 10, 99900), 100);
		CHECK_EQ_U(dmab_percentile_sorted(t, 10, 100000), 100);
		CHECK_EQ_U(dmab_percentile_sorted(t, 10, 200000), 100);	/* clamped */
		CHECK_EQ_U(dmab_percentile_sorted(t, 0, 50000), 0);
	}

	/* large values: no overflow in mean / stddev */
	{
		uint32_t t[4] = { 4294967295u, 4294967295u, 4294967293u, 4294967293u };

		CHECK_EQ(dmab_summarize(t, 4, &s), 0);
		CHECK_NEAR(s.mean, 4294967294.0, 1e-6);
		CHECK_NEAR(s.stddev, sqrt(4.0 / 3.0), 1e-6);
		CHECK_EQ_U(s.p50, 4294967293u);
	}

	/* sort helper */
	{
		uint32_t t[5] = { 5, 1, 4, 1, 3 };

		dmab_sort_u32(t, 5);
		CHECK(t[0] == 1 && t[1] == 1 && t[2] == 3 && t[3] == 4 && t[4] == 5);
	}
	return t_done("test_stats");
}
