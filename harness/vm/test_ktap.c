// SPDX-License-Identifier: GPL-2.0
/* test_ktap.c - KTAP parsing. */
#include "harness/vm/ktap.h"
#include "lib/test_util.h"

int main(void)
{
	struct dmab_ktap k;

	CHECK_EQ(dmab_ktap_parse("KTAP version 1\n1..4\nok 1 alloc_basic\n"
				 "not ok 2 share_sg # data mismatch at 4096\n"
				 "ok 3 nkm_mmap # SKIP no IOMMU\r\n"
				 "    KTAP version 1\n    not ok 1 nested_sub\n"
				 "# a diagnostic line\n"
				 "ok 4 - tap_style # TODO later\n", &k), 0);
	CHECK(k.has_version);
	CHECK_EQ(k.plan, 4);
	CHECK_EQ(k.ncases, 4);
	CHECK_EQ(k.passed, 1);
	CHECK_EQ(k.failed, 1);
	CHECK_EQ(k.skipped, 2);
	CHECK_EQ(k.missing, 0);
	CHECK_STR(k.cases[0].name, "alloc_basic");
	CHECK_EQ(k.cases[1].num, 2);
	CHECK_EQ(k.cases[1].result, DMAB_KTAP_FAIL);
	CHECK_STR(k.cases[1].name, "share_sg");
	CHECK_STR(k.cases[1].reason, "data mismatch at 4096");
	CHECK_EQ(k.cases[2].result, DMAB_KTAP_SKIP);
	CHECK_STR(k.cases[2].name, "nkm_mmap");
	CHECK_STR(k.cases[2].reason, "no IOMMU");
	CHECK_STR(k.cases[3].name, "tap_style");
	dmab_ktap_free(&k);

	/* the plan says 5, only 2 reported: 3 missing count as failures */
	CHECK_EQ(dmab_ktap_parse("KTAP version 1\n1..5\nok 1 a\nok 2 b", &k), 0);
	CHECK_EQ(k.passed, 2);
	CHECK_EQ(k.missing, 3);
	CHECK_EQ(k.failed, 3);
	dmab_ktap_free(&k);

	/* garbage and empty input do not crash and count nothing */
	CHECK_EQ(dmab_ktap_parse("", &k), 0);
	CHECK_EQ(k.ncases + k.failed + k.passed, 0);
	CHECK_EQ(k.plan, -1);
	dmab_ktap_free(&k);
	CHECK_EQ(dmab_ktap_parse("okay 1 x\nnot ok x\nok\n\n\n1..\n", &k), 0);
	CHECK_EQ(k.ncases, 0);
	dmab_ktap_free(&k);

	/* many cases (growth) */
	char *big = malloc(100 * 32);
	big[0] = 0;
	for (int i = 1; i <= 100; i++)
		sprintf(big + strlen(big), "%s %d t%d\n", i % 10 ? "ok" : "not ok", i, i);
	CHECK_EQ(dmab_ktap_parse(big, &k), 0);
	CHECK_EQ(k.ncases, 100);
	CHECK_EQ(k.failed, 10);
	CHECK_STR(k.cases[99].name, "t100");
	dmab_ktap_free(&k);
	free(big);
	CHECK_STR(dmab_ktap_result_name(DMAB_KTAP_SKIP), "skip");
	return t_done("test_ktap");
}
