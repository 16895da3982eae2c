// SPDX-License-Identifier: GPL-2.0
/* commands.c - the table of `dmabench` subcommands, the usage text, dispatch. */
#include <stdio.h>
#include <string.h>

#include "harness/cli/commands.h"
#include "harness/cli/opts.h"
#include "harness/fuzzhost/fuzzhost.h"
#include "harness/vm/exitcodes.h"

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	dmab_usage(stdout);
	return 0;
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);	/* argv[0] is the command's name */
	const char *args, *help;
} commands[] = {
	{ "run", dmab_cmd_run, "[options]", "boot one VM per backend, run the jobs, collect results" },
	{ "backends", dmab_cmd_backends, "", "list the backend descriptors" },
	{ "topologies", dmab_cmd_topologies, "", "list the device topologies (--topology, --share)" },
	{ "arches", dmab_cmd_arches, "", "list the guest architectures (--arch)" },
	{ "kernels", dmab_cmd_kernels, "[fetch [--arch A] [--build] K,...]",
	  "list the guest kernels (--kernel): Debian series, what is fetched and built;\n"
	  "fetch: download and unpack (apt-get download, never installed) without a run" },
	{ "qemus", dmab_cmd_qemus, "[fetch Q,...]",
	  "list the emulators (--qemu): Debian's QEMU builds, what is fetched, which\n"
	  "backends each lacks; fetch: download and unpack without a run" },
	{ "summary", dmab_cmd_summary, "[--details] RUN_DIR",
	  "print summary.md (the answers) again from RUN_DIR/run.json; --details: details.md (every table)" },
	{ "compare", dmab_cmd_compare,
	  "[--threshold PCT] [--alpha A] [--min-delta NS] [--format text|md|json] [--all] [-o FILE] "
	  "[--kernel KA,KB] [--calib] [--plan-change PCT] [--plot FILE.png] BASE [NEW]",
	  "statistical comparison of two runs (run dirs, run.json or baselines);\n"
	  "several boots (run --boots N, or BASE/NEW as comma lists of runs): the boot is the unit\n"
	  "(hierarchical bootstrap), with planning (smallest detectable change, boots for --plan-change,\n"
	  "default 10%); --calib: verdicts from costs divided by the in-kernel calibration;\n"
	  "--kernel KA,KB: KA's VMs against KB's, paired by backend (one run over both, or two runs);\n"
	  "exit 8 when a metric regressed beyond the threshold (default 5%)" },
	{ "merge", dmab_cmd_merge, "[--out DIR] SHARD_RUN_DIR...",
	  "join the runs of --shard 1/N .. N/N of one plan into one run directory\n"
	  "(refuses different plans or code versions; exit: the most severe shard's)" },
	{ "baseline", dmab_cmd_baseline, "[--max-samples N] RUN OUT.json",
	  "compact copy of a run for results/baselines/ (default 400 samples/row)" },
	{ "plot", dmab_cmd_plot, "RUN_DIR", "gnuplot PNGs (latency CDFs, kernel VA against size) into RUN_DIR/plots/,\n"
	  "linked from summary.md (scripts: results/*.gp; dmabench run does it too)" },
	{ "fuzz", dmab_cmd_fuzz, "[--backend B] [--time DUR] ...",
	  "libFuzzer campaign in VMs that survives kernel crashes (fuzz --help)" },
	{ "replay", dmab_cmd_fuzz, "FILE [--minimize] [--backend B]", "reproduce (or minimise) one fuzzer input in a VM" },
	{ "help", cmd_help, "", "this text (also --help)" },
};

void dmab_usage(FILE *f)
{
	fprintf(f,
"usage:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *c = &commands[i];
		char head[256];

		snprintf(head, sizeof(head), "dmabench %s%s%s", c->name, c->args[0] ? " " : "", c->args);
		if (strlen(head) < 33)
			fprintf(f, "  %-33s ", head);
		else
			fprintf(f, "  %s\n  %-33s ", head, "");
		for (const char *h = c->help; *h; h++) {	/* a '\n' continues on an indented line */
			if (*h == '\n')
				fprintf(f, "\n  %-33s ", "");
			else
				fputc(*h, f);
		}
		fputc('\n', f);
	}
	fprintf(f,
"\n"
"run options:\n");
	dmab_opts_usage(f, DMAB_OPT_RUN);
	fprintf(f,
"\n"
"exit codes (the most severe over all backends: panic > interrupted > oops > timeout > boot >\n"
"            results > setup > warning > test failure > unexpected pass):\n"
"  0    ok\n"
"  1    test failure ('not ok' in test.ktap, or the guest's DMABENCH-END status non-zero)\n"
"  2    usage or setup error (bad option, unknown backend, missing kernel, initrd, QEMU)\n"
"  3    boot failure (no 'dmabench-init: start' before QEMU exited or the boot timeout)\n"
"  5    kernel Oops or BUG on the console\n"
"  6    kernel WARNING on the console\n"
"  7    results missing or corrupt (no DMABENCH-END, malformed channel, invalid JSON)\n"
"  8    (compare only) a metric regressed beyond the threshold\n"
"  9    unexpected pass: a known failure of the expectation table (harness/plan/expect.c)\n"
"       passed, and nothing failed unexpectedly (the table is stale or the bug fixed)\n"
"  10   (fuzz only) the campaign ran no program, or far fewer than its boots allow\n"
"  124  timeout (VM still running after --timeout)\n"
"  130  interrupted (SIGINT/SIGTERM)\n"
"  255  kernel panic\n"
"Only unexpected results count: a failure the expectation table knows (with the same\n"
"symptom) is an 'expected failure', shown with its cause, and leaves the exit code 0;\n"
"summary.md lists the unexpected results first.\n"
"The console log of every VM is kept in <out>/<run-id>/<backend>/console.log.\n");
}

int dmab_main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "dmabench: no command given (try 'dmabench --help')\n");
		return DMAB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "dmabench: unknown command '%s' (commands:", argv[1]);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, "; try 'dmabench --help')\n");
	return DMAB_EXIT_USAGE;
}
