/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jobs.h - the one table of guest jobs, read by the host (option parsing,
 * usage text, the VM planner and QEMU command line, the result check, the
 * DMA-API-debug default) and by the guest's init (which program to run, with
 * which arguments, what to send back).
 */
#ifndef DMAB_JOBS_H
#define DMAB_JOBS_H

#include <stdbool.h>
#include <stddef.h>

struct dmab_job {
	const char *name;	/* --job word, DMABENCH_JOB word */
	const char *prog;	/* program in the initramfs ("bin/va"); NULL: init runs it itself (test) */
	const char *args_env;	/* variable with extra arguments for prog, NULL: none */
	const char *result;	/* file the guest sends back; a run that ended well must have it */
	const char *arches;	/* comma list of the arches it is built for, NULL: every arch */
	bool benchmark;		/* timings only: a DMA-API-debug kernel boots it with dma_debug=off */
	bool plots;		/* its results are plotted (dmabench plot) */
	bool topology_roles;	/* args_env gets "--topology <name> <roles>" of the VM's topology */
	const char *cmdline;	/* kernel command-line words of a VM that runs it, NULL: none */
	const char *help;	/* one line for the usage text */
};

extern const struct dmab_job dmab_jobs[];
extern const size_t dmab_njobs;

/* The job called name, or NULL. */
const struct dmab_job *dmab_job_find(const char *name);
/* True if the comma list contains the job name. */
bool dmab_job_has(const char *list, const char *name);
/* True if the job is built for arch ("x86_64", "arm64"). */
bool dmab_job_on_arch(const struct dmab_job *j, const char *arch);
/* Validate a comma list of jobs: 0, or -EINVAL with a message in err naming the bad word. */
int dmab_job_list_check(const char *list, char *err, size_t errlen);
/* "test, va, lat, ..." in table order. */
const char *dmab_job_names(void);

#endif
