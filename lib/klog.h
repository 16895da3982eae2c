/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klog.h - the kernel-log oracle: which kernel log lines fail a test, and
 * parsing of /dev/kmsg records.
 */
#ifndef DMAB_KLOG_H
#define DMAB_KLOG_H

#include <stddef.h>

/*
 * The one table of case-sensitive substrings that fail a test when they show
 * up in the kernel log after the test's marker. NULL-terminated.
 */
extern const char *const dmab_klog_bad_patterns[];

/* First pattern of the table contained in line, or NULL. */
const char *dmab_klog_match(const char *line);

/*
 * A /dev/kmsg record is "prio,seq,ts_us,flags[,...];message\n" followed by
 * optional " KEY=value\n" continuation lines. Locate the message text:
 * sets *msg / *msglen (without the trailing newline) and the sequence
 * number. Returns 0 or -EINVAL for a malformed record.
 */
int dmab_kmsg_parse(const char *rec, size_t len, unsigned long long *seq,
		    const char **msg, size_t *msglen);

#endif
