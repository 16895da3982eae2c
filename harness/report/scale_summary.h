/* SPDX-License-Identifier: GPL-2.0 */
/* scale_summary.h - throughput against threads (job scale) in summary.md. */
#ifndef DMAB_SCALE_SUMMARY_H
#define DMAB_SCALE_SUMMARY_H

#include <cjson/cJSON.h>
#include <stdio.h>

/*
 * "Throughput against threads" section from every backend's scale.json: per backend, op and
 * granule one row per thread count with ops/s, speedup, efficiency and the per-op latency
 * (p50, p99 over every thread's samples), the guest's vCPUs and the host's cores on every row
 * (from run.json env: smp, host_cpus, accel). Nothing when no backend has scale.json.
 * Returns 0 or -EIO on a write error.
 */
int dmab_scale_summary_write(const cJSON *run, FILE *f);

#endif
