// SPDX-License-Identifier: GPL-2.0
/* test_kstat.c - the kernel dma_map_benchmark statistics recomputed from raw samples. */
#include <stdint.h>

#include "bench/kstat.h"
#include "lib/test_util.h"

int main(void)
{
	/* 199 ns and 100 ns are both 1 unit (truncation), 450 ns is 4 */
	uint32_t a[] = { 199, 100, 450 };
	struct dmab_kstat k = dmab_kstat_of(a, 3);

	CHECK_EQ_U(k.avg_100ns, 2);		/* (1 + 1 + 4) / 3 */
	CHECK_EQ_U(k.stddev_100ns, 1);		/* isqrt(18 / 3 - 4) = isqrt(2) */
	/* constant samples: no spread */
	uint32_t c[] = { 1234, 1299, 1200, 1250 };
	k = dmab_kstat_of(c, 4);
	CHECK_EQ_U(k.avg_100ns, 12);
	CHECK_EQ_U(k.stddev_100ns, 0);
	/* a larger spread: units 0, 10, 20, 30 -> avg 15, var 350 - 225 = 125 -> 11 */
	uint32_t s[] = { 50, 1010, 2099, 3000 };
	k = dmab_kstat_of(s, 4);
	CHECK_EQ_U(k.avg_100ns, 15);
	CHECK_EQ_U(k.stddev_100ns, 11);
	k = dmab_kstat_of(s, 0);
	CHECK_EQ_U(k.avg_100ns, 0);
	/* isqrt on squares and their neighbours, and the top of the range */
	for (uint64_t r = 0; r < 70000; r += 7) {
		CHECK_EQ_U(dmab_isqrt64(r * r), r);
		if (r)
			CHECK_EQ_U(dmab_isqrt64(r * r - 1), r - 1);
	}
	CHECK_EQ_U(dmab_isqrt64(UINT64_MAX), 4294967295ULL);
	/* agreement: one unit either way */
	CHECK(dmab_kstat_agree(12, 13));
	CHECK(dmab_kstat_agree(13, 12));
	CHECK(dmab_kstat_agree(7, 7));
	CHECK(!dmab_kstat_agree(12, 14));
	CHECK(!dmab_kstat_agree(0, 2));
	return t_done("kstat");
}
