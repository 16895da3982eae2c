/* SPDX-License-Identifier: GPL-2.0 */
/* scale_summary.h - throughput against threads (job scale) in summary.md. */
#ifndef DMAB_SCALE_SUMMARY_H
#define DMAB_SCALE_SUMMARY_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

/*
 * "Throughput against threads" section from every backend's scale.json: per backend, op and
 * granule one row per thread count with ops/s, speedup, efficiency and the per-op latency
 * (p50, p99 over every thread's samples), the guest's vCPUs and the host's cores on every row
 * (from run.json env: smp, host_cpus, accel). Nothing when no backend has scale.json.
 * Returns 0 or -EIO on a write error.
 */
int dmab_scale_summary_write(const cJSON *run, FILE *f);

/*
 * Is a scale.json (bench/scale.c) complete and consistent? Structure only, never timings:
 * schema 1, points; each point's op, threads (<= cpus_online unless its errno is E2BIG),
 * granule, size = granule x page_size; a point without error has n == iters (or fewer with
 * budget_hit), wall_ns > 0, ops_per_s = threads x n / wall_ns, a.n == b.n == threads x n,
 * ordered percentiles, efficiency = speedup / threads, one per_thread entry per thread with n
 * samples of each half whose minimum and maximum over all threads are a's and b's.
 * Returns 0, or -EBADMSG with the first problem in err.
 */
int dmab_scale_check(const cJSON *scale, char *err, size_t errlen);

#endif
