/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klog.h - what a kernel log line means: the one table of kernel reports
 * (pattern -> class and level) that every consumer reads: the host's console
 * watcher (harness/vm/console.c), the guest's test runner and kernel-log
 * scanner (harness/guest/runner.h, lib/kmsg.c), the fuzz target's oracle
 * (fuzz/program.c) and the fuzz host's findings (harness/fuzzhost/). They
 * differ only in what they do with a level, never in how a line is read.
 * Also: parsing of /dev/kmsg records.
 */
#ifndef DMAB_KLOG_H
#define DMAB_KLOG_H

#include <stdbool.h>
#include <stddef.h>

/* How bad a report is; consumers map it to their own action. */
enum dmab_kr_level {
	DMAB_KR_NONE = 0,
	DMAB_KR_FAULT,		/* an IOMMU fault: a device access was blocked (tests provoke some) */
	DMAB_KR_WARN,		/* the kernel goes on: WARN(), DMA-API debug, lockdep, UBSAN, stalls */
	DMAB_KR_OOPS,		/* BUG, Oops, KASAN, KFENCE: the kernel state is damaged */
	DMAB_KR_PANIC,		/* the kernel stopped */
};

struct dmab_kr_pattern {
	const char *text;	/* what the line contains */
	bool at_start;		/* only at the start of the message (after a printk time stamp) */
	const char *cls;	/* class name ("WARN", "KASAN", "IOMMU-fault", ...); NULL: a known benign line */
	enum dmab_kr_level level;
	const char *source;	/* who prints it (subsystem, IOMMU vendor) */
};

/* The table, in match order (first match wins), terminated by an entry with text NULL. */
extern const struct dmab_kr_pattern dmab_kr_patterns[];

/*
 * The message of a console or /dev/kmsg line: after an optional printk time
 * stamp "[   12.345678] " and caller id "[    T1] ".
 */
const char *dmab_klog_msg(const char *line);

/*
 * The table entry for one line (console line or kmsg message), or NULL when it
 * is no kernel report. Lines of dmabench's own tools ("dmabench-...") never are.
 */
const struct dmab_kr_pattern *dmab_kreport(const char *line);

/* Class name of a report line (e.g. "WARN"), NULL for other lines. */
const char *dmab_klog_match(const char *line);

/*
 * IOMMU fault lines (level DMAB_KR_FAULT). A test that provokes a fault on
 * purpose brackets it with the two marker lines below, written to /dev/kmsg;
 * the runner then tolerates IOMMU fault lines (and only those) between them.
 */
bool dmab_klog_iommu_fault(const char *line);
#define DMAB_KLOG_EXPECT_FAULT_BEGIN	"dmabench-test: expect iommu fault begin"
#define DMAB_KLOG_EXPECT_FAULT_END	"dmabench-test: expect iommu fault end"

/*
 * The first report line in a block of text (lines separated by '\n'): its
 * entry, and *line / *len point at the line. NULL (and *line NULL) if none.
 */
const struct dmab_kr_pattern *dmab_kreport_first(const char *text, const char **line, size_t *len);

/*
 * Known reports: kernel reports that are understood and documented, kept as
 * data like syzkaller's suppressions. A known report neither kills a fuzz VM
 * nor counts as a finding; the fuzzer tallies it (fuzz.json, summary.md).
 * An entry matches a report line (one that dmab_kreport() classifies) that
 * contains its text; the report's further lines, up to its end marker
 * ("---[ end trace"), belong to it.
 */
struct dmab_kr_known {
	const char *text;	/* what the report's first line contains */
	const char *cls;	/* the class it would have (dmab_kr_patterns[]) */
	const char *cause;	/* why it happens, in one sentence */
	const char *documented;	/* where the project explains it */
	const char *trailer;	/* a line the kernel prints right after the report's end marker that still
				   belongs to it (its stack lines follow; the next report line ends it), or NULL */
};
/* The table, terminated by an entry with text NULL; dmab_kr_nknown entries. */
extern const struct dmab_kr_known dmab_kr_known[];
extern const unsigned int dmab_kr_nknown;
/* The known report a line starts, or NULL (not a report line, or not known). */
const struct dmab_kr_known *dmab_kreport_known(const char *line);
/* A line that ends a kernel report: "---[ end trace ... ]---" (WARN, oops). */
bool dmab_klog_report_end(const char *line);

/*
 * Reading a log line by line, known reports skipped: dmab_klog_scan_line()
 * returns the pattern of a line that is a new report (not inside a known
 * one), NULL for every other line. Lines of a known report (its first line,
 * any report line after it up to its end marker or 400 lines, then its
 * trailer line if the table gives one) count once
 * per report in known[index] (index into dmab_kr_known[], known may be
 * NULL); a panic inside a known report sets known_panic (a known WARN with
 * panic_on_warn: the kernel died of something known).
 */
struct dmab_klog_scan {
	int in_known;		/* 1 + index of the known report being read, 0: none */
	int after_known;	/* 1 + index of the known report whose end marker was the last report line */
	unsigned int lines;	/* lines read inside it */
	bool known_panic;
};
const struct dmab_kr_pattern *dmab_klog_scan_line(struct dmab_klog_scan *s, const char *line, unsigned int *known);
/* The first new report line of a text (known reports skipped), as dmab_kreport_first(). */
const struct dmab_kr_pattern *dmab_kreport_first_new(const char *text, const char **line, size_t *len,
						     struct dmab_klog_scan *s, unsigned int *known);

/*
 * A /dev/kmsg record is "prio,seq,ts_us,flags[,...];message\n" followed by
 * optional " KEY=value\n" continuation lines. Locate the message text:
 * sets *msg / *msglen (without the trailing newline) and the sequence
 * number. Returns 0 or -EINVAL for a malformed record.
 */
int dmab_kmsg_parse(const char *rec, size_t len, unsigned long long *seq,
		    const char **msg, size_t *msglen);

#endif
