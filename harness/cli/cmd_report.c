// SPDX-License-Identifier: GPL-2.0
/* cmd_report.c - `dmabench summary`, `compare`, `baseline`, `plot`: reading run directories. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/commands.h"
#include "harness/report/compare.h"
#include "harness/report/plot.h"
#include "harness/report/results.h"
#include "harness/vm/exitcodes.h"
#include "lib/util.h"

int dmab_cmd_summary(int argc, char **argv)
{
	char path[4200], *buf = NULL;
	cJSON *run;
	int r;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "dmabench: usage: dmabench summary RUN_DIR (a results/<run-id> folder)\n");
		return DMAB_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/run.json", argv[1]);
	r = dmab_read_file(path, &buf, NULL, 1ULL << 32);
	if (r) {
		fprintf(stderr, "dmabench: %s: %s\n", path, strerror(-r));
		return DMAB_EXIT_USAGE;
	}
	run = cJSON_Parse(buf);
	free(buf);
	if (!run) {
		fprintf(stderr, "dmabench: %s: not valid JSON\n", path);
		return DMAB_EXIT_RESULTS;
	}
	r = dmab_summary_write(run, stdout);
	cJSON_Delete(run);
	return r ? DMAB_EXIT_USAGE : 0;
}

int dmab_cmd_compare(int argc, char **argv)
{
	struct dmab_cmp_opts co;
	struct dmab_cmp c;
	cJSON *base = NULL, *new = NULL;
	char err[4400];
	FILE *f = stdout;
	int r;

	if (dmab_cmp_parse(argc, argv, &co, err, sizeof(err))) {
		fprintf(stderr, "dmabench: %s\n", err);
		return DMAB_EXIT_USAGE;
	}
	if (dmab_cmp_load(co.base, &base, err, sizeof(err)) || dmab_cmp_load(co.new, &new, err, sizeof(err))) {
		fprintf(stderr, "dmabench: compare: %s\n", err);
		cJSON_Delete(base);
		return DMAB_EXIT_RESULTS;
	}
	if (co.base_kernel[0] && (dmab_cmp_select_kernel(base, co.base_kernel, err, sizeof(err)) ||
				  dmab_cmp_select_kernel(new, co.new_kernel, err, sizeof(err)))) {
		fprintf(stderr, "dmabench: compare --kernel: %s\n", err);
		cJSON_Delete(base);
		cJSON_Delete(new);
		return DMAB_EXIT_USAGE;
	}
	r = dmab_cmp_run(base, new, &co, &c);
	cJSON_Delete(base);
	cJSON_Delete(new);
	if (r) {
		fprintf(stderr, "dmabench: compare: %s\n", strerror(-r));
		dmab_cmp_free(&c);
		return DMAB_EXIT_USAGE;
	}
	if (co.out && !(f = fopen(co.out, "we"))) {
		fprintf(stderr, "dmabench: compare: %s: %s\n", co.out, strerror(errno));
		dmab_cmp_free(&c);
		return DMAB_EXIT_USAGE;
	}
	r = dmab_cmp_write(&c, &co, f);
	if (f != stdout && fclose(f))
		r = -EIO;
	if (r)
		fprintf(stderr, "dmabench: compare: writing the report: %s\n", strerror(-r));
	if (co.out)
		fprintf(stderr, "dmabench: compare: %zu regressed, %zu improved; report in %s\n", c.nregressed,
			c.nimproved, co.out);
	r = r ? DMAB_EXIT_USAGE : c.nregressed ? DMAB_EXIT_REGRESSION : DMAB_EXIT_OK;
	dmab_cmp_free(&c);
	return r;
}

int dmab_cmd_baseline(int argc, char **argv)
{
	unsigned long max = 400;
	const char *pos[2] = { NULL, NULL };
	cJSON *run = NULL, *bl = NULL;
	char err[4400];
	int npos = 0, r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--max-samples") && i + 1 < argc) {
			char *ep;

			max = strtoul(argv[++i], &ep, 10);
			if (*ep || max < 1 || max > 1000000) {
				fprintf(stderr, "dmabench: baseline: bad --max-samples '%s'\n", argv[i]);
				return DMAB_EXIT_USAGE;
			}
		} else if (argv[i][0] != '-' && npos < 2) {
			pos[npos++] = argv[i];
		} else {
			fprintf(stderr, "dmabench: baseline: usage: dmabench baseline [--max-samples N] RUN OUT.json\n");
			return DMAB_EXIT_USAGE;
		}
	}
	if (npos != 2) {
		fprintf(stderr, "dmabench: baseline: usage: dmabench baseline [--max-samples N] RUN OUT.json\n");
		return DMAB_EXIT_USAGE;
	}
	if (dmab_cmp_load(pos[0], &run, err, sizeof(err))) {
		fprintf(stderr, "dmabench: baseline: %s\n", err);
		return DMAB_EXIT_RESULTS;
	}
	r = dmab_baseline_make(run, max, &bl);
	cJSON_Delete(run);
	if (!r) {
		char *s = cJSON_PrintUnformatted(bl);

		r = s ? dmab_write_file(pos[1], s, strlen(s)) : -ENOMEM;
		free(s);
	}
	cJSON_Delete(bl);
	if (r) {
		fprintf(stderr, "dmabench: baseline: %s: %s\n", pos[1], strerror(-r));
		return DMAB_EXIT_USAGE;
	}
	return DMAB_EXIT_OK;
}

/* dmabench plot RUN: data files, PNGs (gnuplot), summary.md links */
int dmab_cmd_plot(int argc, char **argv)
{
	char gp[4200], note[4600];
	size_t npng;
	int r;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "dmabench: plot: usage: dmabench plot RUN_DIR\n");
		return DMAB_EXIT_USAGE;
	}
	struct dmab_home home;

	dmab_home(&home);
	snprintf(gp, sizeof(gp), "%s", home.gnuplot);
	r = dmab_plot_run_dir(argv[1], gp, &npng, note, sizeof(note));
	if (r) {
		fprintf(stderr, "dmabench: plot: %s: %s%s%s\n", argv[1], strerror(-r), note[0] ? ": " : "", note);
		return r == -ENOENT || r == -EINVAL ? DMAB_EXIT_USAGE : DMAB_EXIT_RESULTS;
	}
	printf("%s\n", note);
	return DMAB_EXIT_OK;
}

