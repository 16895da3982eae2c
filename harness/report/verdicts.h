/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verdicts.h - a finished VM's results against the expectation table
 * (harness/plan/expect.c): the VM itself (boot failure, kernel warning), every
 * KTAP test of job test and every share.json cell of job share. Sets
 * vm->verdicts (all but "ok"), vm->nverdict[] and vm->ucls, the exit class
 * that counts only unexpected results:
 *   - an expected failure (xfail) changes nothing: a VM whose every failure is
 *     known exits 0 (its detail still in the summary, with the cause);
 *   - an unexpected failure keeps its class (1 test failure, 3 boot, 6 warning, ...);
 *   - an unexpected pass of a known failure exits 9 (DMAB_EXIT_UNEXPECTED_PASS)
 *     when nothing failed unexpectedly.
 * A failing guest status (DMABENCH-END != 0) with no failed test or cell to
 * explain it stays a test failure. Classes with no expectation (oops, panic,
 * timeout, results missing) are always unexpected.
 */
#ifndef DMAB_VERDICTS_H
#define DMAB_VERDICTS_H

#include <cjson/cJSON.h>

#include "harness/vm/vm.h"

/* qemu_version_line: the VM's emulator's --version line (vm->qemu's, else the run's) */
void dmab_vm_verdicts(struct dmab_vm *vm, const char *qemu_version_line);
/* "sg:edu:0>edu:1:attrs:none:1M": the expectation item of a share.json row */
void dmab_share_item(const cJSON *row, char *out, size_t len);
/* vm's verdicts as run.json's "expectations" object */
cJSON *dmab_vm_verdicts_json(const struct dmab_vm *vm);
/* "expected failure" / "UNEXPECTED pass" / "UNEXPECTED failure" */
const char *dmab_verdict_name(int verdict);

#endif
