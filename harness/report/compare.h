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
 * - fresh: backend / api / attrs / size from fresh.json: zeroed -> stale is
 *   "regressed", stale -> zeroed "improved" (shown: stale bytes or
 *   "zeroed"); deterministic, not in the Holm family.
 * Pairing: backends by name; a --host run (env.accel "host", one entry) against
 * a VM run pairs its entry with the VM run's backend of the same effective mode
 * (run.json effective_mode, what the devices under test used) when exactly one
 * has it, rows labelled "<base>/<new>", and a note names the pair (or why
 * there is none).
 * Rows present on one side only are reported as "only base"/"only new";
 * rows with an error or no samples as "n/a". Neither is a regression.
 *
 * Several boots (run --boots N: backend entries with the same "cell", or
 * BASE/NEW given as comma lists of runs whose entries pool by name): the
 * boot is the experimental unit (lib/hier.c). Per lat metric the statistic
 * is the mean of the boots' medians; the 95 % interval of the ratio new /
 * base comes from resampling boots, then samples inside each drawn boot, so
 * it includes the variance between boots; p is two-sided (normal on the log
 * ratio with the bootstrap's standard error) against |change| <= threshold,
 * Holm over the family as above. Verdict only where that interval lies wholly
 * beyond the threshold (and the floor). With one boot per side the test is
 * the single-boot one above and the output says that boot-to-boot variance
 * is unknown.
 * Calibration: lat rows carry calib_p50, the in-kernel CPU work timed in the
 * same iterations (the host's speed); every metric is also compared with
 * each boot's samples scaled by (mean calib_p50 of the row) / (its
 * calib_p50): cal_change and its interval (--calib: verdicts from those).
 * Planning: from the measured relative sd of a boot median between boots
 * and inside a boot, the smallest change this boot count detects (80 %
 * power, alpha / tested metrics) and the boots per side a --plan-change
 * needs.
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
	const char *plot;	/* --plot FILE.png: the chart (FILE.dat beside it), NULL: none */
	bool calib;		/* --calib: verdicts from calibration-normalized costs */
	double plan_change;	/* --plan-change: the change planning sizes boots for (0.10) */
	unsigned int iters;	/* bootstrap iterations (2000) */
};

#define DMAB_CMP_NOTES 8

struct dmab_cmp_row {
	char backend[40], kind[8], op[32], api[24], attrs[40];
	uint64_t size;
	bool tested;		/* lat: has a p-value */
	struct dmab_median_ci b, n;
	double change;		/* (new - base) / base; inf for 0 -> x */
	double floor_ns;	/* lat: resolution floor used */
	double p, p_adj;
	enum dmab_cmp_verdict verdict;
	/* several boots (hier) or the calibration: */
	bool hier;		/* boot as unit: lo/hi is the hierarchical interval */
	size_t boots_b, boots_n;	/* boots with samples per side */
	double lo, hi;		/* 95 % interval of the change (raw) */
	bool has_cal;
	double cal_change, cal_lo, cal_hi;	/* the same on calibration-normalized costs */
	double cv_between, cv_within;	/* relative sd of a boot median: between boots (0: unknown), inside one */
	double cal_cv_between;
	double detectable;	/* smallest change (beyond threshold) this boot count detects */
	size_t boots_needed;	/* boots per side for --plan-change; SIZE_MAX: never */
};

struct dmab_cmp {
	struct dmab_cmp_row *rows;
	size_t nrows, cap;
	size_t ntested, nregressed, nimproved;
	char base_id[128], new_id[128];
	char notes[DMAB_CMP_NOTES][256];	/* the host pairing, environment differences worth knowing */
	int nnotes;
	const cJSON *pair_host, *pair_vm;	/* a host run's entry and its VM backend, or NULL */
	size_t maxboots_b, maxboots_n;	/* most boots of any lat metric per side */
	size_t nhier;		/* metrics compared with the boot as unit */
};

/* Parse `compare` arguments (argv[0] = "compare"); 0 or -EINVAL with err. */
int dmab_cmp_parse(int argc, char **argv, struct dmab_cmp_opts *o, char *err, size_t errlen);
/*
 * Load a run.json, a run directory (DIR/run.json) or a baseline file; a
 * comma list of them (when no such file exists) pools their backend entries:
 * each entry's "cell" is its name unless it has one, so that the same backend
 * of several single-boot runs gives several boots.
 */
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
