/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plan.h - the VMs of a run and the command that starts each: every
 * selected backend x every selected topology defined for its arch
 * (backend-major order) on every kernel of its arch (kernel-major), booted by QEMU (harness/plan/qemu.c); or, with
 * --host, one entry run by the local runner (harness/vm/hostmode.c) on the
 * running kernel - syzkaller's vm/local beside vm/qemu. `dmabench run`,
 * `dmabench fuzz` and `dmabench replay` all plan their VMs here.
 */
#ifndef DMAB_PLAN_H
#define DMAB_PLAN_H

#include <stdio.h>

#include "harness/cli/opts.h"
#include "harness/plan/qemu.h"

#define DMAB_MAX_VMS	(DMAB_MAX_BACKENDS * DMAB_MAX_TOPOLOGIES * 4)

struct dmab_plan_vm {
	const struct dmab_backend *backend;	/* NULL: the running kernel (--host) */
	const struct dmab_topology *topology;	/* NULL with --host */
	const struct dmab_kernel *kernel;	/* what it boots (o->kernels[]); NULL with --host */
	/*
	 * "<backend>[@<topology>][~<kernel dir>]", "host": its results folder. The
	 * kernel only when the run has several (o->kernel_suffix), so that a
	 * single-kernel run keeps the labels older runs have.
	 */
	char label[80];
};

/*
 * Fill out[] (at most max) with the run's VMs. A topology not defined for
 * some backends' arch is said once on log (NULL: quiet). Returns the count.
 */
int dmab_plan(const struct dmab_opts *o, struct dmab_plan_vm *out, int max, FILE *log);

/*
 * The command of one planned VM: QEMU (accel: "tcg" or "kvm", used where the
 * arch can; job, append and extra_args as in struct dmab_vm_spec, append NULL:
 * --append) or, for --host, the runner with its environment (DMABENCH_HOST=1,
 * DMABENCH_RESULTS=chan_path, DMABENCH_JOB, DMABENCH_BACKEND=host) in *env.
 * Both malloc'd NULL-terminated (free with dmab_argv_free). 0 or -errno.
 */
int dmab_plan_command(const struct dmab_opts *o, const struct dmab_plan_vm *p, const char *accel,
		      const char *job, const char *append, char *const *extra_args, const char *console_path,
		      const char *chan_path, char ***argv, char ***env);

#endif
