/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare.h - `dmabench compare BASE NEW` and `dmabench baseline`.
 *
 * Metrics, matched by key between the two runs:
 * - lat: backend / op / api / attrs / size, from lat.json rows with raw
 *   samples. Median with its 95 % order-statistic CI, relative change of
 *   the medians, two-sided Mann-Whitney U p-value; Holm-Bonferroni over
 *   every latency metric of the comparison. Verdict "regressed" when the
 *   Holm-adjusted p < alpha AND the median grew by more than the noise
 *   threshold AND by more than the resolution floor (min_delta ns) AND the
 *   CIs do not overlap; "improved" likewise downwards; otherwise "~".
 *   The floor: under TCG the clock ticks in ~10 ns steps and back-to-back
 *   ktime_get_ns() pairs cost timer_min_ns (~50 ns), so a 150 ns op moves
 *   7 % by one tick. Default floor: 2 x the larger timer_min_ns of the two
 *   runs' lat.json of that backend.
 *   The p-value only knows the sampling noise inside one boot; the spread
 *   between boots (page allocator state, TCG translation cache) is larger
 *   and is what the threshold and the floor absorb: an A/A comparison of
 *   two boots is the check (make test).
 * - va: backend / api / attrs / size, kernel VA held per allocation as
 *   /proc/vmallocinfo shows it (kva_vmallocinfo) and as the module reports
 *   it (kva_module). Deterministic: any change beyond the threshold (or
 *   from 0 to non-zero) is a verdict; no p-value, not in the Holm family.
 * Rows present on one side only are reported as "only base"/"only new";
 * rows with an error or no samples as "n/a". Neither is a regression.
 */
#ifndef DMAB_COMPARE_H
#define DMAB_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "lib/cmpstats.h"

enum dmab_cmp_format { DMAB_CMP_TEXT = 0, DMAB_CMP_MD, DMAB_CMP_JSON };
enum dmab_cmp_verdict {
	DMAB_V_SAME = 0, DMAB_V_REGRESSED, DMAB_V_IMPROVED, DMAB_V_ONLY_BASE, DMAB_V_ONLY_NEW, DMAB_V_NA,
};

struct dmab_cmp_opts {
	double threshold;	/* relative, 0.05 = 5 % */
	double alpha;		/* family-wise error rate, 0.05 */
	double min_delta;	/* ns; < 0: auto (2 x timer_min_ns) */
	enum dmab_cmp_format format;
	bool all;		/* text/md: also unchanged VA rows */
	const char *base, *new;	/* paths (--kernel with one run: new = base) */
	/*
	 * --kernel A,B: the base side is A's VMs, the new side B's (kernel.name or
	 * its folder form; a run from before the kernel axis is "default"), paired
	 * by their label without the kernel: kernel A against kernel B, per
	 * backend and metric, from one run over both or from two runs.
	 */
	char base_kernel[64], new_kernel[64];
	const char *out;	/* -o FILE, NULL: stdout */
};

struct dmab_cmp_row {
	char backend[40], kind[8], op[32], api[24], attrs[40];
	uint64_t size;
	bool tested;		/* lat: has a p-value */
	struct dmab_median_ci b, n;
	double change;		/* (new - base) / base; inf for 0 -> x */
	double floor_ns;	/* lat: resolution floor used */
	double p, p_adj;
	enum dmab_cmp_verdict verdict;
};

struct dmab_cmp {
	struct dmab_cmp_row *rows;
	size_t nrows, cap;
	size_t ntested, nregressed, nimproved;
	char base_id[128], new_id[128];
	char notes[4][256];	/* environment differences worth knowing */
	int nnotes;
};

/* Parse `compare` arguments (argv[0] = "compare"); 0 or -EINVAL with err. */
int dmab_cmp_parse(int argc, char **argv, struct dmab_cmp_opts *o, char *err, size_t errlen);
/* Load a run.json, a run directory (DIR/run.json) or a baseline file. */
int dmab_cmp_load(const char *path, cJSON **out, char *err, size_t errlen);
/*
 * Keep only the backends of run that ran kernel (see --kernel), named by
 * their label without "~<kernel>"; run_id gets " [<kernel>]". 0, or -ENOENT
 * when none did (err names the kernels the run has).
 */
int dmab_cmp_select_kernel(cJSON *run, const char *kernel, char *err, size_t errlen);
/* Compute the comparison. 0, -ENOMEM. */
int dmab_cmp_run(const cJSON *base, const cJSON *new, const struct dmab_cmp_opts *o, struct dmab_cmp *c);
void dmab_cmp_free(struct dmab_cmp *c);
int dmab_cmp_write(const struct dmab_cmp *c, const struct dmab_cmp_opts *o, FILE *f);
const char *dmab_cmp_verdict_name(enum dmab_cmp_verdict v);

/*
 * A compact copy of a run for results/baselines/: env, backend names and
 * modes, va.json and lat.json rows; at most max_samples raw samples per lat
 * row, kept as evenly spaced order statistics (quantiles: the median and
 * the shape survive, n shrinks); console text and dmesg dropped.
 */
int dmab_baseline_make(const cJSON *run, size_t max_samples, cJSON **out);

#endif
