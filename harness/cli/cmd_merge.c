// SPDX-License-Identifier: GPL-2.0
/* cmd_merge.c - `dmabench merge`: the shard runs of one plan joined into one run directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "harness/cli/commands.h"
#include "harness/cli/opts.h"
#include "harness/report/jget.h"
#include "harness/report/merge.h"
#include "harness/report/plot.h"
#include "harness/report/results.h"
#include "harness/vm/exitcodes.h"
#include "lib/child.h"
#include "lib/util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: dmabench merge [--out DIR] [--quiet] SHARD_RUN_DIR...\n"
		"  joins the run directories of 'dmabench run --shard I/N' (all N shards of one plan, any order)\n"
		"  into one run directory under DIR (default: results): the VM folders, one run.json, summary.md,\n"
		"  plots. Refuses shards of different plans or code versions, a shard given twice or missing.\n"
		"  Exit code: the most severe of the shards' (as 'dmabench run' would have exited).\n");
}

static int copy_tree(const char *src, const char *dst)
{
	char *argv[] = { "cp", "-a", "--", (char *)src, (char *)dst, NULL };
	struct child_res r = { 0 };
	int ret = dmab_run_child(argv, DMAB_CHILD_CAPTURE, 600, &r);

	if (!ret && !(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0))
		ret = -EIO;
	sb_free(&r.out);
	return ret;
}

static void remove_tree(const char *dir)
{
	char *argv[] = { "rm", "-rf", "--", (char *)dir, NULL };
	struct child_res r = { 0 };

	dmab_run_child(argv, DMAB_CHILD_CAPTURE, 600, &r);
	sb_free(&r.out);
}

int dmab_cmd_merge(int argc, char **argv)
{
	static struct dmab_opts o;	/* for the default --out */
	cJSON **runs = NULL, *merged = NULL;
	const char **names = NULL;
	char err[4600], path[4500], rundir[4400], run_id[96], id[96], created[32];
	int n = 0, first = 1, ret = DMAB_EXIT_USAGE, worst;
	bool quiet = false;
	const char *out;

	dmab_opts_init(&o);
	out = o.out;
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[first], "--out") && first + 1 < argc) {
			out = argv[++first];
		} else if (!strcmp(argv[first], "--quiet") || !strcmp(argv[first], "-q")) {
			quiet = true;
		} else if (!strcmp(argv[first], "--")) {
			first++;
			break;
		} else {
			fprintf(stderr, "dmabench: merge: unknown option '%s'\n", argv[first]);
			usage(stderr);
			return DMAB_EXIT_USAGE;
		}
	}
	if (first >= argc) {
		fprintf(stderr, "dmabench: merge: no shard run directories given\n");
		usage(stderr);
		return DMAB_EXIT_USAGE;
	}
	runs = calloc((size_t)(argc - first), sizeof(*runs));
	names = calloc((size_t)(argc - first), sizeof(*names));
	if (!runs || !names)
		goto out;
	for (int k = first; k < argc; k++, n++) {
		char *buf = NULL;
		int r;

		names[n] = argv[k];
		snprintf(path, sizeof(path), "%s/run.json", argv[k]);
		r = dmab_read_file(path, &buf, NULL, 1ULL << 32);
		if (r) {
			fprintf(stderr, "dmabench: merge: %s: %s\n", path, strerror(-r));
			goto out;
		}
		runs[n] = cJSON_Parse(buf);
		free(buf);
		if (!runs[n]) {
			fprintf(stderr, "dmabench: merge: %s: not valid JSON\n", path);
			ret = DMAB_EXIT_RESULTS;
			goto out;
		}
	}
	if (dmab_merge_check(runs, names, n, err, sizeof(err))) {
		fprintf(stderr, "dmabench: merge: %s; nothing written\n", err);
		goto out;
	}
	/* every VM folder is there before anything is written */
	for (int k = 0; k < n; k++) {
		const cJSON *b;

		cJSON_ArrayForEach(b, jget(runs[k], "backends")) {
			snprintf(path, sizeof(path), "%s/%s", names[k], jstr(b, "name", ""));
			if (!dmab_is_dir(path)) {
				fprintf(stderr, "dmabench: merge: %s: missing (the shard's VM folder); nothing written\n",
					path);
				goto out;
			}
		}
	}

	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	dmab_run_id(t, jstr(jget(runs[0], "env"), "git_sha", ""), id, sizeof(id));
	strncat(id, "-merged", sizeof(id) - strlen(id) - 1);
	if (dmab_run_dir_create(out, id, run_id, sizeof(run_id), rundir, sizeof(rundir))) {
		fprintf(stderr, "dmabench: merge: cannot create %s/%s: %s\n", out, id, strerror(errno));
		goto out;
	}
	for (int k = 0; k < n; k++) {
		const cJSON *b;
		char dst[4500];

		cJSON_ArrayForEach(b, jget(runs[k], "backends")) {
			snprintf(path, sizeof(path), "%s/%s", names[k], jstr(b, "name", ""));
			snprintf(dst, sizeof(dst), "%s/%s", rundir, jstr(b, "name", ""));
			if (copy_tree(path, dst)) {
				fprintf(stderr, "dmabench: merge: cannot copy %s to %s; removed %s\n", path, dst, rundir);
				remove_tree(rundir);
				goto out;
			}
		}
	}
	merged = dmab_merge_json(runs, n, run_id, created);
	snprintf(path, sizeof(path), "%s/run.json", rundir);
	if (!merged || dmab_write_json(path, merged)) {
		fprintf(stderr, "dmabench: merge: cannot write %s; removed %s\n", path, rundir);
		remove_tree(rundir);
		goto out;
	}
	if (dmab_reports_write(rundir, merged, NULL, NULL)) {
		fprintf(stderr, "dmabench: merge: cannot write %s/summary.md or details.md; removed it\n", rundir);
		remove_tree(rundir);
		goto out;
	}
	dmab_plot_after_run(rundir, jstr(jget(merged, "env"), "job", ""), quiet ? NULL : stderr);
	if (dmab_update_latest(out, run_id))
		fprintf(stderr, "dmabench: warning: cannot update %s/latest\n", out);
	worst = (int)jnum(merged, "exit_code", DMAB_EXIT_RESULTS);
	{
		const cJSON *b;

		cJSON_ArrayForEach(b, jget(merged, "backends"))
			printf("%-13s %-16s exit %d\n", jstr(b, "name", ""), jstr(b, "status", ""),
			       (int)jnum(b, "exit_code", 0));
	}
	printf("merged %d shards of plan %s (%d VMs)\n", n, jstr(jget(merged, "plan"), "id", ""),
	       cJSON_GetArraySize(jget(merged, "backends")));
	printf("summary: %s/summary.md\n", rundir);
	printf("dmabench: exit %d (%s)\n", worst, dmab_class_name(worst));
	ret = worst;
out:
	for (int k = 0; k < n; k++)
		cJSON_Delete(runs[k]);
	cJSON_Delete(merged);
	free(runs);
	free(names);
	return ret;
}
