// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the host-side `dmabench` command (subcommands: commands.c). The
 * data path of `dmabench run`: cmd_run.c (options: opts.c) -> plan
 * (harness/plan/: arches, backends, topologies, QEMU command lines) -> VMs
 * (harness/vm/: start, watch the console and the results channel, classify)
 * -> guest init (harness/guest/init.c) -> dmabench.ko (kmod/) -> result
 * files -> results/<run-id>/ (harness/report/: run.json, summary.md, plots,
 * compare).
 */
#include <stdio.h>

#include "harness/cli/commands.h"

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return dmab_main(argc, argv);
}
