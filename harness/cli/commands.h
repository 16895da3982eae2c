/* SPDX-License-Identifier: GPL-2.0 */
/*
 * commands.h - the subcommands of `dmabench` (main.c's table). Each takes
 * its own argv: argv[0] is the command's name. Returns the exit code.
 */
#ifndef DMAB_COMMANDS_H
#define DMAB_COMMANDS_H

#include <stdio.h>

int dmab_cmd_run(int argc, char **argv);		/* cmd_run.c */
int dmab_cmd_backends(int argc, char **argv);		/* cmd_list.c */
int dmab_cmd_topologies(int argc, char **argv);
int dmab_cmd_arches(int argc, char **argv);
int dmab_cmd_kernels(int argc, char **argv);		/* cmd_kernels.c */
int dmab_cmd_summary(int argc, char **argv);		/* cmd_report.c */
int dmab_cmd_compare(int argc, char **argv);
int dmab_cmd_baseline(int argc, char **argv);
int dmab_cmd_plot(int argc, char **argv);
/* dmab_cmd_fuzz (fuzz, replay): harness/fuzzhost/fuzzhost.h */

/* The usage text; the dispatch of argv (argv[1] the command) to the table: commands.c. */
void dmab_usage(FILE *f);
int dmab_main(int argc, char **argv);

#endif
