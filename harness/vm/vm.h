/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - run VMs (up to N at once) and watch them: one poll loop, every
 * ~200 ms (50 ms while output flows): child exit (waitpid WNOHANG),
 * console growth (init / progress / panic lines), results channel growth,
 * boot and wall clock timeouts, stop requests. A VM is only ever killed by
 * its own pid.
 */
#ifndef DMAB_VM_H
#define DMAB_VM_H

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "harness/plan/kernels.h"
#include "harness/plan/qemus.h"
#include "harness/plan/backends.h"
#include "harness/vm/channel.h"
#include "harness/vm/console.h"
#include "harness/vm/exitcodes.h"
#include "harness/vm/ktap.h"
#include "harness/plan/topologies.h"

enum dmab_vm_state { DMAB_VM_PENDING = 0, DMAB_VM_RUNNING, DMAB_VM_DONE };

/* One result that is not simply ok (harness/report/verdicts.c). */
struct dmab_vm_verdict {
	char job[16];			/* "" for the VM itself */
	char item[112];			/* test name, share cell, "" for the VM */
	int verdict;			/* enum dmab_verdict (harness/plan/expect.h) */
	char text[192];			/* what happened */
	const char *cause;		/* the table's, for xfail and xpass */
};

struct dmab_vm {
	/* set by the caller */
	const struct dmab_backend *backend;
	const struct dmab_topology *topology;	/* NULL: the default (pair) */
	const struct dmab_kernel *kernel;	/* NULL: --host (the running kernel) */
	const struct dmab_qemu *qemu;		/* NULL: --host, or a plan without emulators */
	char name[112];			/* label in progress lines */
	int plan_index;			/* its place in the run's whole plan (before --shard) */
	int boot;			/* --boots: 1..N, 0: the only boot (run.json "boot", "cell") */
	char dir[4096];			/* per-backend result folder (exists) */
	char **argv;			/* full command; console/channel paths inside */
	char **env;			/* "NAME=value" added to its environment (the local runner), or NULL */
	char console_path[4200], chan_path[4200], log_path[4200];
	const char *job;		/* job list, for the expected files */
	bool known_ok;			/* known kernel reports (lib/klog.c dmab_kr_known[]) are no VM failure (dmabench fuzz) */

	/* filled while running */
	enum dmab_vm_state state;
	pid_t pid;			/* running QEMU, -1 when none */
	pid_t qemu_pid;			/* the pid QEMU had (kept for the record) */
	int con_fd, chan_fd;
	struct dmab_console con;
	struct dmab_channel chan;
	double t_start, t_init, t_end_rec, t_exit;
	double t_bad;			/* panic / channel error seen, QEMU still running */
	double t_chan_first, t_chan_last;	/* first/last time channel bytes were seen */
	bool killed;			/* we had to kill QEMU */
	bool killed_after_end;		/* END received but QEMU did not exit */
	int wait_status;
	struct dmab_vm_facts facts;
	int cls;			/* exit class (exitcodes.h) */
	char reason[512];
	/*
	 * Against the expectation table (harness/report/verdicts.c, after the run):
	 * every result that is not "ok" (expected failures with their cause, unexpected
	 * passes and failures), counts by verdict, and ucls, the exit class that counts
	 * only unexpected results (what the run exits with).
	 */
	struct dmab_vm_verdict *verdicts;
	int nverdicts;
	int nverdict[5];		/* by enum dmab_verdict */
	int ucls;
	bool have_ktap;
	struct dmab_ktap ktap;
	/* each received .json file parsed once (dmab_vm_finish), by chan.files index; NULL otherwise */
	cJSON *json[DMAB_CHAN_MAX_FILES];
	FILE *log;			/* progress output (NULL: quiet) */
};

struct dmab_runner {
	struct dmab_vm *vms;
	int n;
	int parallel;
	double timeout, boot_timeout;
	double end_grace;		/* wait for QEMU to exit after END (s) */
	double panic_grace;		/* wait for QEMU to exit after a panic line (s) */
	volatile sig_atomic_t *stop;	/* set by a signal handler */
	/* optional, called on every poll of a running VM: 1 = hung, kill it (classified as a timeout) */
	int (*poll_cb)(struct dmab_vm *vm, void *arg);
	void *poll_arg;
	FILE *log;
};

/* Prepare a VM entry (paths inside dir). */
void dmab_vm_init(struct dmab_vm *vm, const struct dmab_backend *b, const char *dir, const char *job);
/* Run them all. Returns the worst class. */
int dmab_run_vms(struct dmab_runner *r);
/* Classify a finished VM (reads received files: ktap, json validity; keeps
 * the parsed JSON in vm->json). Also used by --host. Sets vm->cls and vm->reason. */
void dmab_vm_finish(struct dmab_vm *vm);
void dmab_vm_release(struct dmab_vm *vm);

#endif
