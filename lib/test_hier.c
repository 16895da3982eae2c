// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test: the hierarchical model (lib/hier.c) on synthetic boots: A/A
 * pairs give (almost) no verdict, a planted 10 % change is found with the
 * right size, variance between boots widens the interval, one boot per side
 * only knows the noise inside it, and the planning formulas agree with
 * each other.
 */
#include <math.h>
#include <stdlib.h>

#include "hier.h"
#include "test_util.h"

#define MAXB	16
#define NS	400

static uint32_t buf[2][MAXB][NS];
static const uint32_t *ptr[2][MAXB];
static size_t cnt[2][MAXB];
static uint64_t rs = 12345;

static double u01(void)
{
	rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((double)(rs >> 11) + 0.5) / 9007199254740992.0;
}

static double gn(void)
{
	return sqrt(-2 * log(u01())) * cos(2 * M_PI * u01());
}

static int cmpu(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* m boots around mean (x scale), boot effect sd sb, per-sample lognormal sd sw */
static void make_side(int s, size_t m, double mean, double sb, double sw, struct dmab_side *out)
{
	for (size_t b = 0; b < m; b++) {
		double bm = mean * (1 + sb * gn());

		for (size_t i = 0; i < NS; i++)
			buf[s][b][i] = (uint32_t)(bm * exp(sw * gn()));
		qsort(buf[s][b], NS, sizeof(uint32_t), cmpu);
		ptr[s][b] = buf[s][b];
		cnt[s][b] = NS;
	}
	out->nboots = m;
	out->samples = ptr[s];
	out->n = cnt[s];
}

static int verdict(const struct dmab_hier *h, double alpha)
{
	return h->p_up < alpha / 2 ? 1 : h->p_down < alpha / 2 ? -1 : 0;
}

int main(void)
{
	struct dmab_side a, b;
	struct dmab_hier h, h1;
	int alarms = 0, found = 0, pairs = 200;
	double w_small, w_big;

	/* A/A: 5 boots per side, 3 % between boots, 20 % within */
	for (int k = 0; k < pairs; k++) {
		make_side(0, 5, 10000, 0.03, 0.2, &a);
		make_side(1, 5, 10000, 0.03, 0.2, &b);
		CHECK_EQ(dmab_hier_compare(&a, &b, 0.05, 400, (uint64_t)k, &h), 0);
		alarms += verdict(&h, 0.05) != 0;
	}
	printf("A/A: %d of %d pairs with a verdict at t = 5 %%\n", alarms, pairs);
	CHECK(alarms <= pairs / 20);

	/* a planted 10 % slowdown: found, and its size right */
	for (int k = 0; k < 50; k++) {
		make_side(0, 5, 10000, 0.02, 0.2, &a);
		make_side(1, 5, 11000, 0.02, 0.2, &b);
		CHECK_EQ(dmab_hier_compare(&a, &b, 0.05, 400, (uint64_t)k, &h), 0);
		found += verdict(&h, 0.05) == 1;
		CHECK(h.ratio > 1.06 && h.ratio < 1.14);
		CHECK(h.lo < h.ratio && h.ratio < h.hi);
	}
	printf("10 %% slower: found in %d of 50\n", found);
	CHECK(found >= 40);	/* power >= 80 %: the planning formula predicts ~85 % here */

	/* variance between boots widens the interval */
	rs = 99;
	make_side(0, 6, 10000, 0.0, 0.2, &a);
	make_side(1, 6, 10000, 0.0, 0.2, &b);
	CHECK_EQ(dmab_hier_compare(&a, &b, 0.05, 1000, 1, &h), 0);
	w_small = h.hi - h.lo;
	rs = 99;
	make_side(0, 6, 10000, 0.10, 0.2, &a);
	make_side(1, 6, 10000, 0.10, 0.2, &b);
	CHECK_EQ(dmab_hier_compare(&a, &b, 0.05, 1000, 1, &h), 0);
	w_big = h.hi - h.lo;
	printf("interval width: %.3f without, %.3f with 10 %% between boots (cv between %.3f)\n", w_small, w_big,
	       h.cv_between_base);
	CHECK(w_big > 2 * w_small);
	CHECK(h.cv_between_base > 0.03);

	/* one boot per side: nothing known between boots, a narrow interval and cv_between 0 */
	make_side(0, 1, 10000, 0.10, 0.2, &a);
	make_side(1, 1, 10000, 0.10, 0.2, &b);
	CHECK_EQ(dmab_hier_compare(&a, &b, 0.05, 1000, 1, &h1), 0);
	CHECK(h1.cv_between_base == 0 && h1.cv_between_new == 0);
	CHECK(h1.cv_within_base > 0.005 && h1.cv_within_base < 0.05);

	/* same seed, same answer; bad input refused */
	make_side(0, 3, 10000, 0.05, 0.2, &a);
	make_side(1, 3, 10000, 0.05, 0.2, &b);
	CHECK_EQ(dmab_hier_compare(&a, &b, 0.05, 500, 7, &h), 0);
	CHECK_EQ(dmab_hier_compare(&a, &b, 0.05, 500, 7, &h1), 0);
	CHECK(h.lo == h1.lo && h.hi == h1.hi && h.p_up == h1.p_up);
	b.nboots = 0;
	CHECK(dmab_hier_compare(&a, &b, 0.05, 500, 7, &h) < 0);
	CHECK(dmab_hier_compare(&a, &a, 0.05, 10, 7, &h) < 0);

	/* planning */
	CHECK_NEAR(dmab_norm_quantile(0.975), 1.959964, 1e-5);
	CHECK_NEAR(dmab_norm_quantile(0.8), 0.841621, 1e-5);
	CHECK_NEAR(dmab_norm_quantile(0.001), -3.090232, 1e-5);
	double d5 = dmab_hier_detectable(0.05, 0.01, 5, 0.05, 0.05, 0.8);
	double d20 = dmab_hier_detectable(0.05, 0.01, 20, 0.05, 0.05, 0.8);
	CHECK(d20 < d5 && d20 > 0.05);
	size_t m = dmab_hier_boots_needed(0.05, 0.01, 0.10, 0.05, 0.05, 0.8);
	CHECK(m > 1 && m < 1000);
	CHECK(dmab_hier_detectable(0.05, 0.01, m, 0.05, 0.05, 0.8) <= 0.10 + 1e-9);
	CHECK(dmab_hier_detectable(0.05, 0.01, m - 1, 0.05, 0.05, 0.8) > 0.10);
	CHECK_EQ_U(dmab_hier_boots_needed(0.05, 0.01, 0.04, 0.05, 0.05, 0.8), SIZE_MAX);
	printf("detectable beyond 5 %% with cv 5 %%/1 %%: %.1f %% at 5 boots, %.1f %% at 20; 10 %% needs %zu boots\n",
	       100 * d5, 100 * d20, m);
	return t_done("test_hier");
}
