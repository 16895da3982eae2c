// SPDX-License-Identifier: GPL-2.0
/* Unit test: lib/cmpstats.c against hand-computed values. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cmpstats.h"
#include "test_util.h"

int main(void)
{
	struct dmab_median_ci ci;
	struct dmab_mwu m;

	/*
	 * Median CI ranks (exact binomial, the classical table):
	 * n=6: P(B<=0) = 1/64 = 0.0156 <= 0.025, P(B<=1) = 7/64 > 0.025 -> l = 1
	 * n=10: P(B<=1) = 11/1024 = 0.0107, P(B<=2) = 56/1024 = 0.0547 -> l = 2 (ranks 2..9)
	 * n=20: P(B<=5) = 0.0207, P(B<=6) = 0.0577 -> l = 6 (ranks 6..15)
	 */
	CHECK_EQ_U(dmab_median_ci_rank(5), 0);
	CHECK_EQ_U(dmab_median_ci_rank(6), 1);
	CHECK_EQ_U(dmab_median_ci_rank(10), 2);
	CHECK_EQ_U(dmab_median_ci_rank(20), 6);
	CHECK_EQ_U(dmab_median_ci_rank(100), 40);
	{
		uint32_t v[10] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };

		dmab_median_ci_sorted(v, 10, &ci);
		CHECK_EQ_U(ci.median, 50);	/* rank ceil(10/2) = 5 */
		CHECK_EQ_U(ci.lo, 20);
		CHECK_EQ_U(ci.hi, 90);
		dmab_median_ci_sorted(v, 3, &ci);	/* n < 6: [min, max] */
		CHECK_EQ_U(ci.median, 20);
		CHECK_EQ_U(ci.lo, 10);
		CHECK_EQ_U(ci.hi, 30);
		dmab_median_ci_sorted(v, 0, &ci);
		CHECK_EQ_U(ci.n, 0);
	}
	/* large n: the normal approximation n/2 - 1.96 sqrt(n)/2 is close: 1000 -> 469 */
	CHECK_EQ_U(dmab_median_ci_rank(1000), 469);

	/*
	 * a = {1,2,3}, b = {4,5,6}: Ra = 6, U = 6 - 3*4/2 = 0; mu = 4.5,
	 * var = 3*3/12 * 7 = 5.25; z = (4.5 - 0.5)/sqrt(5.25) = 1.745743;
	 * p = erfc(z/sqrt2) = 0.080856
	 */
	{
		uint32_t a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };

		CHECK_EQ(dmab_mann_whitney(a, 3, b, 3, &m), 0);
		CHECK_NEAR(m.u, 0, 0);
		CHECK_NEAR(m.z, 1.7457431218879391, 1e-9);
		CHECK_NEAR(m.p, 0.0808555983700523, 1e-9);
		/* symmetric: U of b is 9, same p */
		CHECK_EQ(dmab_mann_whitney(b, 3, a, 3, &m), 0);
		CHECK_NEAR(m.u, 9, 0);
		CHECK_NEAR(m.p, 0.0808555983700523, 1e-9);
	}
	/*
	 * Ties: a = {1,2,2,3,5}, b = {2,4,4,6,7,8}. Midranks: 1->1, 2->(2+3+4)/3 = 3,
	 * 3->5, 4->6.5, 5->8. Ra = 1+3+3+5+8 = 20, U = 20 - 15 = 5, mu = 15.
	 * Tie term: (27-3) + (8-2) = 30; var = 30/12 * (12 - 30/110) = 29.318182;
	 * z = 9.5/sqrt(29.318182) = 1.754507, p = 0.079344
	 */
	{
		uint32_t a[] = { 1, 2, 2, 3, 5 }, b[] = { 2, 4, 4, 6, 7, 8 };

		CHECK_EQ(dmab_mann_whitney(a, 5, b, 6, &m), 0);
		CHECK_NEAR(m.u, 5, 0);
		CHECK_NEAR(m.z, 1.7545069317741127, 1e-9);
		CHECK_NEAR(m.p, 0.07934368319771508, 1e-9);
	}
	/* identical samples: U = mu, z = 0, p = 1; all tied: p = 1 */
	{
		uint32_t a[] = { 10, 20, 30, 40 }, c[] = { 7, 7, 7 };

		CHECK_EQ(dmab_mann_whitney(a, 4, a, 4, &m), 0);
		CHECK_NEAR(m.u, 8, 0);
		CHECK_NEAR(m.p, 1, 0);
		CHECK_EQ(dmab_mann_whitney(c, 3, c, 3, &m), 0);
		CHECK_NEAR(m.p, 1, 0);
		CHECK_EQ(dmab_mann_whitney(a, 0, a, 4, &m), 0);
		CHECK_NEAR(m.p, 1, 0);
		CHECK_EQ(dmab_mann_whitney(NULL, 2, a, 4, &m), -EINVAL);
	}
	/* separated large samples: tiny p */
	{
		static uint32_t a[1000], b[1000];

		for (int i = 0; i < 1000; i++) {
			a[i] = (uint32_t)i;
			b[i] = (uint32_t)i + 2000;
		}
		CHECK_EQ(dmab_mann_whitney(a, 1000, b, 1000, &m), 0);
		CHECK(m.p < 1e-100);
	}

	/*
	 * Holm: p = {0.01, 0.04, 0.03, 0.005}, m = 4. Ascending: 0.005*4 = 0.02,
	 * 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> max(0.06, 0.04) = 0.06.
	 */
	{
		double p[] = { 0.01, 0.04, 0.03, 0.005 }, adj[4];

		CHECK_EQ(dmab_holm(p, 4, adj), 0);
		CHECK_NEAR(adj[0], 0.03, 1e-15);
		CHECK_NEAR(adj[1], 0.06, 1e-15);
		CHECK_NEAR(adj[2], 0.06, 1e-15);
		CHECK_NEAR(adj[3], 0.02, 1e-15);
	}
	/* capped at 1, ties keep input order */
	{
		double p[] = { 0.5, 0.5, 0.9 }, adj[3];

		CHECK_EQ(dmab_holm(p, 3, adj), 0);
		CHECK_NEAR(adj[0], 1, 0);
		CHECK_NEAR(adj[1], 1, 0);
		CHECK_NEAR(adj[2], 1, 0);
		CHECK_EQ(dmab_holm(p, 0, adj), 0);
	}
	return t_done("test_cmpstats");
}
