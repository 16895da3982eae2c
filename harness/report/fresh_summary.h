/* SPDX-License-Identifier: GPL-2.0 */
/* fresh_summary.h - the "Fresh buffers" section of summary.md (job fresh). */
#ifndef DMAB_FRESH_SUMMARY_H
#define DMAB_FRESH_SUMMARY_H

#include <cjson/cJSON.h>
#include <stdio.h>

/*
 * From run.json's backends[] (every VM's files["fresh.json"]): rows
 * API/attrs, one column per VM, cells "zeroed", "stale N/M (...)" or "n/a";
 * prints nothing when no VM ran the fresh job. 0, or -1 on a write error.
 */
int dmab_fresh_summary_write(const cJSON *backends, FILE *f);

#endif
