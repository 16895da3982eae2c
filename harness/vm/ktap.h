/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap.h - parse the top level of KTAP version 1 output:
 *   "ok N name", "not ok N name", "ok N name # SKIP reason",
 *   "... # TODO reason" (counted as skipped), plan "1..N".
 * Indented lines (subtests) and "#" diagnostics are ignored. Tests in the
 * plan that never reported count as failures.
 */
#ifndef DMAB_KTAP_H
#define DMAB_KTAP_H

#include <stdbool.h>
#include <stddef.h>

enum dmab_ktap_result { DMAB_KTAP_PASS = 0, DMAB_KTAP_FAIL, DMAB_KTAP_SKIP };

struct dmab_ktap_case {
	int num;
	enum dmab_ktap_result result;
	char name[128];
	char reason[128];	/* skip / todo / failure reason after '#' */
};

struct dmab_ktap {
	bool has_version;
	int plan;		/* -1 when no plan line */
	int passed, failed, skipped;
	int missing;		/* planned but not reported (included in failed) */
	int ncases;
	struct dmab_ktap_case *cases;	/* malloc'd */
};

/* Returns 0 or -ENOMEM. Never fails on malformed input (those lines are ignored). */
int dmab_ktap_parse(const char *text, struct dmab_ktap *k);
void dmab_ktap_free(struct dmab_ktap *k);
const char *dmab_ktap_result_name(enum dmab_ktap_result r);

#endif
