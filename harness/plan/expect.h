/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect.h - the expectation table: every cell of
 * arch x kernel series x QEMU version x backend x topology x job x item has an
 * expected outcome; a known failure carries its cause. Only unexpected
 * results change the exit code (DESIGN.md, "Axes of a measurement").
 *
 * A result is one of:
 *   - a VM (item NULL): its status (ok, boot-failure, timeout, ...),
 *   - a test of job "test" (item = the KTAP test name: "share_fault"),
 *   - a share cell (item = "<path>:<a>><b>:<api>:<attrs>:<size>",
 *     "sg:edu:0>edu:1:attrs:NKM:1M", as share.json's rows name them).
 * The default, when no entry matches, is "passes". Entries are searched in
 * table order and the first match wins: put the specific ones first.
 *
 * Verdicts (what a run prints per result and counts in summary.md):
 *   ok      expected to pass and passed
 *   xfail   a known failure, and the failure looks like the entry says
 *           (symptom substring): printed with the entry's cause; exit 0
 *   xpass   a known failure that passed: the table is stale or the bug is
 *           fixed in this kernel/QEMU: exit 9 when nothing failed unexpectedly
 *           (strict, like pytest's xfail_strict) so that the table is corrected
 *   fail    no entry, or an entry whose symptom does not match (a new failure
 *           hiding behind a known one): exit as without a table (1, 3, 6, ...)
 * Applied to a finished VM by harness/report/verdicts.c; summary.md lists the
 * unexpected results first, then the expected failures with their causes.
 */
#ifndef DMAB_EXPECT_H
#define DMAB_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

enum dmab_outcome {
	DMAB_OUT_PASS = 1,
	DMAB_OUT_FAIL,		/* a test "not ok", a share cell not ok */
	DMAB_OUT_BOOT_FAILURE,	/* no "dmabench-init: start" before the boot timeout */
	DMAB_OUT_KERNEL_WARNING,	/* a "WARNING:" in the guest's console (exit 6) */
	DMAB_OUT_QEMU_ERROR,	/* QEMU refused the command line (a property it lacks) */
};

enum dmab_verdict {
	DMAB_V_OK = 1,
	DMAB_V_XFAIL,
	DMAB_V_XPASS,
	DMAB_V_FAIL,
};

struct dmab_expectation {
	/* the cell; NULL = any. backend/topology/job/item are fnmatch() globs */
	const char *arch;		/* "x86_64" | "arm64" */
	const char *kernel;		/* series: "6.1" matches 6.1.0-57-amd64, not 6.12.x */
	const char *release;		/* fnmatch() glob on the release, for flavours: "*-16k" */
	const char *qemu_min;		/* [qemu_min, qemu_max): upstream versions "10.0" */
	const char *qemu_max;
	const char *backend;		/* label: "amd", "arm64-smmuv3-s2" */
	const char *topology;		/* "same-group"; NULL/"pair" for plain runs */
	const char *job;		/* "test" | "share" | ... ; NULL = the VM itself */
	const char *item;		/* test name or share cell glob, see above */
	enum dmab_outcome expect;
	const char *symptom;		/* substring the failure text must contain ("E2BIG"); NULL = any */
	const char *cause;		/* one line: why, with the file/line or the upstream fix */
};

struct dmab_result_key {
	const char *arch, *kernel_release, *qemu_version_line, *backend, *topology, *job, *item;
};

extern const struct dmab_expectation dmab_expectations[];
extern const size_t dmab_nexpectations;

/* The first entry matching key, or NULL (= expected to pass). */
const struct dmab_expectation *dmab_expect_find(const struct dmab_result_key *key);
/* The verdict for an actual outcome and its failure text (NULL when it passed). */
enum dmab_verdict dmab_expect_verdict(const struct dmab_expectation *e, enum dmab_outcome got,
				      const char *text);
/* "6.1" against "6.1.0-57-amd64" (true) and "6.12.117+deb12-amd64" (false) */
bool dmab_kernel_series_match(const char *series, const char *release);

#endif
