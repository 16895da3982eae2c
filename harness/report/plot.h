/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plot.h - `dmabench plot RUN`: gnuplot data files from run.json into
 * RUN/plots/NAME.dat, PNGs drawn by the committed scripts results/NAME.gp (gnuplot
 * run by fork/exec), and a "Plots" section appended to RUN/summary.md.
 */
#ifndef DMAB_PLOT_H
#define DMAB_PLOT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

struct dmab_plot {
	char gp[24];		/* script in the gp dir: "lat-cdf.gp", "va.gp" */
	char name[130];		/* backend label */
	char size[24];		/* lat: the block size plotted ("4K") */
	char what[64];		/* caption */
	char dat[4400], png[4400];	/* absolute or run-dir based paths */
	char rel_png[300];	/* relative to the run dir: plots/<x>.png */
};

struct dmab_plots {
	struct dmab_plot *v;
	size_t n;
};

/* Latency CDF points per series (quantile-spaced) in lat-*.dat. */
#define DMAB_PLOT_CDF_POINTS 400

/* Write run_dir/plots/lat-<backend>.dat (CDF of every op/attrs at the smallest
 * size) and va-<backend>.dat (kernel VA against size per API/attrs) for every
 * backend of a run.json object. Returns 0 or -errno. */
int dmab_plot_data(const cJSON *run, const char *run_dir, struct dmab_plots *p);
/* Run gnuplot (path or name on PATH) on every plot: gp_dir/<gp>. *nok = PNGs
 * written (non-empty). Returns 0, -ENOENT when gnuplot is missing, or the first
 * failure (-EIO: gnuplot exited non-zero or wrote nothing). */
int dmab_plot_render(const struct dmab_plots *p, const char *gp_dir, const char *gnuplot, double timeout_s,
		     size_t *nok);
/* Markdown "## Plots" section: links to the PNGs present, else `note`. */
int dmab_plot_links(const struct dmab_plots *p, const char *note, FILE *f);
void dmab_plots_free(struct dmab_plots *p);

/*
 * Everything for one run directory: read run.json, write the data files, draw
 * (gnuplot from $DMABENCH_GNUPLOT or PATH; missing = a note, not an error),
 * rewrite summary.md with the Plots section. note gets a one-line outcome.
 */
int dmab_plot_run_dir(const char *run_dir, const char *gp_dir, size_t *npng, char *note, size_t notelen);

/* After a run (or merge) of jobs: dmab_plot_run_dir() with the installed or repository scripts when a job plots; outcome to log (NULL: quiet), warnings to stderr. */
void dmab_plot_after_run(const char *run_dir, const char *jobs, FILE *log);

struct dmab_cmp;
struct dmab_cmp_opts;
/*
 * `compare --plot FILE.png`: FILE.dat (every tested metric: change and its
 * interval in %, verdict) and the chart drawn from it by compare.gp. 0, or
 * -errno with a one-line note (no gnuplot: -ENOENT, no tested metric: -ENODATA).
 */
int dmab_plot_compare(const struct dmab_cmp *c, const struct dmab_cmp_opts *o, const char *png, char *note,
		      size_t notelen);

/*
 * `dmabench fuzz`: RUNDIR/fuzz-progress.png from RUNDIR/progress.tsv (programs, coverage, corpus over
 * time, restarts marked; fuzz-progress.gp). 0, or -errno with a note (no gnuplot: -ENOENT).
 */
int dmab_plot_fuzz_progress(const char *rundir, char *note, size_t notelen);

#endif
