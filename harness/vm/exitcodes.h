/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitcodes.h - the exit codes of `dmabench run`, one per way a VM can end.
 *
 * A run with several backends exits with the most severe class over all of
 * them (see dmab_class_severity()): panic > oops > timeout > boot >
 * results > setup > warn > test failure > unexpected pass > ok. A run
 * counts only unexpected results (harness/report/verdicts.c): a VM whose
 * every failure the expectation table knows exits 0.
 */
#ifndef DMAB_EXITCODES_H
#define DMAB_EXITCODES_H

#include <stdbool.h>

enum dmab_class {
	DMAB_EXIT_OK = 0,		/* every job ran and reported success */
	DMAB_EXIT_TESTFAIL = 1,		/* a "not ok" in test.ktap, or DMABENCH-END status != 0 */
	DMAB_EXIT_USAGE = 2,		/* bad option, missing kernel/initrd/qemu, setup error */
	DMAB_EXIT_BOOT = 3,		/* no "dmabench-init: start" before QEMU exit / boot timeout */
	DMAB_EXIT_OOPS = 5,		/* "Oops:" or "BUG:" in the console */
	DMAB_EXIT_WARN = 6,		/* "WARNING:" in the console */
	DMAB_EXIT_RESULTS = 7,		/* QEMU exited without DMABENCH-END, or a corrupt channel */
	DMAB_EXIT_REGRESSION = 8,	/* `dmabench compare` only: a metric regressed beyond the threshold */
	/*
	 * a known failure (harness/plan/expect.c) passed, and nothing failed unexpectedly:
	 * the expectation table is stale or the bug is fixed in this kernel/QEMU
	 */
	DMAB_EXIT_UNEXPECTED_PASS = 9,
	DMAB_EXIT_IDLE = 10,	/* `dmabench fuzz` only: the campaign ran no program, or far fewer
					 * than its boots allow (every boot died early); it says why */
	DMAB_EXIT_TIMEOUT = 124,	/* the VM ran longer than --timeout */
	DMAB_EXIT_INTERRUPTED = 130,	/* dmabench got SIGINT/SIGTERM */
	DMAB_EXIT_PANIC = 255,		/* "Kernel panic - not syncing" in the console */
};

/* Short stable name ("ok", "test-failure", "usage", "boot-failure", ...). */
const char *dmab_class_name(int code);
/* Higher is more severe; unknown codes rank just below panic. */
int dmab_class_severity(int code);
/* The more severe of a and b. */
int dmab_class_worse(int a, int b);

/* What the host learnt about one VM (or --host run); input of classification. */
struct dmab_vm_facts {
	bool saw_init;		/* "dmabench-init: start" on the console */
	bool panic, oops, warn;	/* kernel log patterns on the console */
	bool timed_out;		/* wall clock timeout hit (we killed QEMU) */
	bool boot_timed_out;	/* no init before the boot timeout (we killed QEMU) */
	bool setup_error;	/* fork/exec/file errors on the host */
	bool interrupted;	/* dmabench was told to stop */
	bool end_seen;		/* DMABENCH-END received */
	bool channel_error;	/* malformed results channel */
	int end_status;		/* status of DMABENCH-END */
	int ktap_failed;	/* "not ok" lines (and planned-but-missing tests) */
};

int dmab_classify(const struct dmab_vm_facts *f);

/*
 * Exit code of a kernel report of a level (lib/klog.h) found by the fuzzer or
 * a test: panic 255, oops 5, warn 6, IOMMU fault 1 (a test failure).
 */
int dmab_kr_level_exit(int level);

#endif
