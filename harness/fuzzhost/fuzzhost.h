/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzzhost.h - `dmabench fuzz` (a campaign that survives kernel crashes:
 * VMs restarted, inputs kept in host-shared memory, findings deduplicated)
 * and `dmabench replay FILE [--minimize]`.
 */
#ifndef DMAB_FUZZHOST_H
#define DMAB_FUZZHOST_H

#include <stddef.h>

/* argv[0] is "fuzz" or "replay". Returns the exit code. */
int dmab_cmd_fuzz(int argc, char **argv);

/*
 * Finding classes, from a kernel report line or an oracle message:
 * "WARN", "BUG", "KASAN", "DMA-API", "IOMMU-fault", "panic", "hang", "oom" (the guest's OOM killer
 * killed libFuzzer; set by the caller from the campaign's FINDING line),
 * "oracle". Returns the class; *line_out (may be NULL) points at the report
 * line inside text (console log or message), or NULL when none.
 */
const char *dmab_fuzz_classify(const char *text, const char **line_out, size_t *line_len);
/* Dedup key of a report line: timestamps, CPU/PID, hex offsets and numbers after '+' removed. */
void dmab_fuzz_normalize(const char *line, size_t len, char *out, size_t cap);
/* The `dmabench run` exit code for a finding class (WARN 6, BUG 5, ..., oracle 1). */
int dmab_fuzz_class_exit(const char *cls);

#endif
