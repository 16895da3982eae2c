/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultinj.h - the kernel's fault injection knobs (CONFIG_FAULT_INJECTION, FAILSLAB,
 * FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS: the `make kernel` kernel; Debian's has none).
 *
 * fail-nth (Documentation/fault-injection/fault-injection.rst): writing N to
 * /proc/thread-self/fail-nth makes the N-th fault-injection site this thread passes
 * (any enabled kind) fail once; reading it back gives 0 when that happened, else what is
 * left. Sites are only consulted for kinds whose filters let the allocation through:
 * dmab_faultinj_setup() makes failslab and fail_page_alloc consider sleeping allocations
 * and order-0 pages and keeps them quiet (verbose 0); probability stays 0, so nothing
 * fails except what fail-nth asks for. Functions return 0 or -errno.
 */
#ifndef DMAB_FAULTINJ_H
#define DMAB_FAULTINJ_H

#include <stdbool.h>

#define DMAB_FAILNTH_PATH	"/proc/thread-self/fail-nth"
#define DMAB_FAILSLAB_DIR	"/sys/kernel/debug/failslab"
#define DMAB_FAILPAGE_DIR	"/sys/kernel/debug/fail_page_alloc"

/* the knobs needed by fail-nth on slab and page allocations are there */
bool dmab_faultinj_available(void);
/* configure failslab + fail_page_alloc for fail-nth (saves the old values for restore) */
int dmab_faultinj_setup(void);
/* put back what setup changed */
int dmab_faultinj_restore(void);
/*
 * The calling thread's fail-nth file, kept open: opening it allocates, so arming and
 * reading back go through one descriptor (returns fd or -errno).
 */
int dmab_failnth_open(void);
/* arm: the n-th site of this thread fails (n >= 1); 0 disarms */
int dmab_failnth_set(int fd, unsigned int n);
/* what is left of the count: 0 when the failure was injected (or never armed) */
int dmab_failnth_get(int fd, unsigned int *left);

#endif
