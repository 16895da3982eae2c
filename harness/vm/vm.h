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
#include "harness/plan/backends.h"
#include "harness/vm/channel.h"
#include "harness/vm/console.h"
#include "harness/vm/exitcodes.h"
#include "harness/vm/ktap.h"
#include "harness/plan/topologies.h"

enum dmab_vm_state { DMAB_VM_PENDING = 0, DMAB_VM_RUNNING, DMAB_VM_DONE };

struct dmab_vm {
	/* set by the caller */
	const struct dmab_backend *backend;
	const struct dmab_topology *topology;	/* NULL: the default (pair) */
	const struct dmab_kernel *kernel;	/* NULL: --host (the running kernel) */
	char name[80];			/* label in progress lines */
	char dir[4096];			/* per-backend result folder (exists) */
	char **argv;			/* full command; console/channel paths inside */
	char **env;			/* "NAME=value" added to its environment (the local runner), or NULL */
	char console_path[4200], chan_path[4200], log_path[4200];
	const char *job;		/* job list, for the expected files */

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
