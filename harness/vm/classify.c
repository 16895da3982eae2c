// SPDX-License-Identifier: GPL-2.0
/* classify.c - exit classes of a VM run and their ordering. */
#include "harness/vm/exitcodes.h"
#include "lib/klog.h"

const char *dmab_class_name(int code)
{
	switch (code) {
	case DMAB_EXIT_OK: return "ok";
	case DMAB_EXIT_TESTFAIL: return "test-failure";
	case DMAB_EXIT_USAGE: return "setup-error";
	case DMAB_EXIT_BOOT: return "boot-failure";
	case DMAB_EXIT_OOPS: return "oops";
	case DMAB_EXIT_WARN: return "warning";
	case DMAB_EXIT_RESULTS: return "results-missing";
	case DMAB_EXIT_REGRESSION: return "regression";
	case DMAB_EXIT_UNEXPECTED_PASS: return "unexpected-pass";
	case DMAB_EXIT_IDLE: return "no-programs";
	case DMAB_EXIT_TIMEOUT: return "timeout";
	case DMAB_EXIT_INTERRUPTED: return "interrupted";
	case DMAB_EXIT_PANIC: return "kernel-panic";
	default: return "unknown";
	}
}

int dmab_class_severity(int code)
{
	switch (code) {
	case DMAB_EXIT_OK: return 0;
	case DMAB_EXIT_UNEXPECTED_PASS: return 1;	/* below any failure: those say more */
	case DMAB_EXIT_TESTFAIL: return 2;
	case DMAB_EXIT_WARN: return 3;
	case DMAB_EXIT_USAGE: return 4;
	case DMAB_EXIT_IDLE: return 4;
	case DMAB_EXIT_RESULTS: return 5;
	case DMAB_EXIT_BOOT: return 6;
	case DMAB_EXIT_TIMEOUT: return 7;
	case DMAB_EXIT_OOPS: return 8;
	case DMAB_EXIT_INTERRUPTED: return 9;
	case DMAB_EXIT_PANIC: return 11;
	default: return 10;
	}
}

int dmab_class_worse(int a, int b)
{
	return dmab_class_severity(b) > dmab_class_severity(a) ? b : a;
}

int dmab_classify(const struct dmab_vm_facts *f)
{
	if (f->panic)
		return DMAB_EXIT_PANIC;
	if (f->interrupted)
		return DMAB_EXIT_INTERRUPTED;
	if (f->oops)
		return DMAB_EXIT_OOPS;
	if (f->setup_error)
		return DMAB_EXIT_USAGE;
	if (!f->saw_init || f->boot_timed_out)
		return DMAB_EXIT_BOOT;
	if (f->timed_out)
		return DMAB_EXIT_TIMEOUT;
	if (!f->end_seen || f->channel_error)
		return DMAB_EXIT_RESULTS;
	if (f->warn)
		return DMAB_EXIT_WARN;
	if (f->end_status != 0 || f->ktap_failed > 0)
		return DMAB_EXIT_TESTFAIL;
	return DMAB_EXIT_OK;
}

int dmab_kr_level_exit(int level)
{
	switch (level) {
	case DMAB_KR_PANIC: return DMAB_EXIT_PANIC;
	case DMAB_KR_OOPS: return DMAB_EXIT_OOPS;
	case DMAB_KR_WARN: return DMAB_EXIT_WARN;
	case DMAB_KR_FAULT: return DMAB_EXIT_TESTFAIL;
	default: return DMAB_EXIT_OK;
	}
}
