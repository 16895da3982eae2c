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
 * IOMMU fault lines (VT-d DMAR, AMD-Vi, generic): a subset of the table.
 * A test that provokes a fault on purpose brackets it with the two marker
 * lines below, written to /dev/kmsg; the runner then tolerates IOMMU fault
 * lines (and only those) between them. Returns nonzero for a fault line.
 */
int dmab_klog_iommu_fault(const char *line);
#define DMAB_KLOG_EXPECT_FAULT_BEGIN	"dmabench-test: expect iommu fault begin"
#define DMAB_KLOG_EXPECT_FAULT_END	"dmabench-test: expect iommu fault end"

/*
 * A /dev/kmsg record is "prio,seq,ts_us,flags[,...];message\n" followed by
 * optional " KEY=value\n" continuation lines. Locate the message text:
 * sets *msg / *msglen (without the trailing newline) and the sequence
 * number. Returns 0 or -EINVAL for a malformed record.
 */
int dmab_kmsg_parse(const char *rec, size_t len, unsigned long long *seq,
		    const char **msg, size_t *msglen);

#endif
