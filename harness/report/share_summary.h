/* SPDX-License-Identifier: GPL-2.0 */
/* share_summary.h - the buffer-sharing matrix of summary.md. */
#ifndef DMAB_SHARE_SUMMARY_H
#define DMAB_SHARE_SUMMARY_H

#include <cjson/cJSON.h>
#include <stdio.h>

/*
 * The "Buffer sharing" section from run.json's backends[] (every VM's
 * files["share.json"]); prints nothing when no VM ran the share job.
 * 0, or -1 on a write error or out of memory.
 */
int dmab_share_summary_write(const cJSON *backends, FILE *f);
/*
 * "## Topologies": every VM's topology and whether the guest got its
 * devices and IOMMU groups (run.json "topology_check"); printed only when a
 * VM ran another topology than pair or a check failed. 0 or -1.
 */
int dmab_topology_summary_write(const cJSON *backends, FILE *f);
/* s as one markdown table cell: "|" escaped, line breaks as spaces (NULL: nothing) */
void dmab_md_escape(FILE *f, const char *s);
/* The sharing matrix per backend x topology as gnuplot data (x y backend topology state cells failed). Returns the cells written. */
int dmab_share_heat_data(const cJSON *backends, FILE *f);

#endif
