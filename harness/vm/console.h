/* SPDX-License-Identifier: GPL-2.0 */
/*
 * console.h - incremental scanner of the guest console (ttyS0).
 *
 * Recognised lines:
 *   dmabench-init: start                      boot reached userspace
 *   dmabench-progress: <job> <done>/<total> <text>
 *   kernel reports, as lib/klog.c's table classifies them, by level:
 *     panic -> panic, oops -> oops, warn -> warn; IOMMU faults are counted
 *     (the guest's test runner decides whether one was expected)
 */
#ifndef DMAB_CONSOLE_H
#define DMAB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/klog.h"

#define DMAB_CON_LINE_MAX 1024

enum dmab_con_event {
	DMAB_CON_NONE = 0,
	DMAB_CON_INIT,
	DMAB_CON_PROGRESS,
	DMAB_CON_PANIC,
	DMAB_CON_OOPS,
	DMAB_CON_WARN,
	DMAB_CON_FAULT,		/* IOMMU fault line: counted, not an event */
};

struct dmab_progress {
	char job[32];
	unsigned long done, total;
	char text[256];
};

/* Classify one line (without newline). Fills *pr for DMAB_CON_PROGRESS. */
enum dmab_con_event dmab_console_line(const char *line, struct dmab_progress *pr);

typedef void (*dmab_con_cb)(void *arg, enum dmab_con_event ev, const char *line,
			    const struct dmab_progress *pr);

struct dmab_console {
	char line[DMAB_CON_LINE_MAX + 1];
	size_t len;
	bool saw_init, panic, oops, warn;
	char first_bad[256];		/* first panic/oops/warn line */
	unsigned long nfault;		/* IOMMU fault lines */
	char first_fault[256];
	unsigned long lines;
	/*
	 * skip_known (set after dmab_console_init): lines of a known report (lib/klog.c
	 * dmab_kr_known[], with its trailer) are no warn/oops and no first_bad, only counted in
	 * nknown; a panic stays a panic. dmabench fuzz tallies known reports itself.
	 */
	bool skip_known;
	unsigned long nknown;
	struct dmab_klog_scan scan;
	dmab_con_cb cb;
	void *arg;
};

void dmab_console_init(struct dmab_console *c, dmab_con_cb cb, void *arg);
/* Feed bytes; complete lines are classified, events update the flags and
 * call cb (if set) for every event other than DMAB_CON_NONE. */
void dmab_console_feed(struct dmab_console *c, const char *buf, size_t len);
/* Process a final partial line. */
void dmab_console_flush(struct dmab_console *c);

#endif
