/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmsg.h - watch the kernel log (/dev/kmsg) from a marker on: the first
 * line, the first line the oracle table (klog.h) calls bad, and IOMMU
 * fault lines. Used by bench/share and the sharing tests.
 */
#ifndef DMAB_KMSG_H
#define DMAB_KMSG_H

#include <stddef.h>

struct dmab_kmsg {
	int rfd;			/* reader, positioned at the marker */
	int wfd;			/* writer for markers, or -1 */
	char first[256];		/* first line after the marker ("" if none) */
	char bad[256];			/* first line matching dmab_klog_match() */
	char fault[256];		/* first IOMMU fault line (dmab_klog_iommu_fault()) */
	int nlines, nbad, nfault;
	char marker[160];		/* the last marker: not counted as a line */
	const char *needle;		/* set by the caller: first line containing it goes to match */
	char match[256];
	int nmatch;
};

/* Open /dev/kmsg (or path) for reading and writing. 0 or -errno. */
int dmab_kmsg_open(struct dmab_kmsg *k, const char *path);
void dmab_kmsg_close(struct dmab_kmsg *k);

/* Forget what was read, skip to the end of the log, write "text" as a marker line (if text). */
void dmab_kmsg_mark(struct dmab_kmsg *k, const char *text);

/* Write a line without moving the reader (e.g. the expect-fault brackets of klog.h). */
void dmab_kmsg_write(struct dmab_kmsg *k, const char *text);

/*
 * Read the records that arrived since the mark (may be called repeatedly,
 * results accumulate). Returns the number of lines read this call.
 */
int dmab_kmsg_poll(struct dmab_kmsg *k);

#endif
