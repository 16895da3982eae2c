/* SPDX-License-Identifier: GPL-2.0 */
/*
 * opts.h - the options of `dmabench run`, and the VM options that `dmabench
 * fuzz` / `replay` share with it (one parser, one table: opts.c).
 */
#ifndef DMAB_OPTS_H
#define DMAB_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/plan/arches.h"
#include "harness/plan/backends.h"
#include "harness/plan/kernels.h"
#include "harness/plan/qemus.h"
#include "harness/plan/topologies.h"
#include "lib/jobs.h"

#define DMAB_PATH_MAX		4096
#define DMAB_MAX_DEVICES	16
#define DMAB_MAX_BACKENDS	32
#define DMAB_MAX_TOPOLOGIES	16

enum dmab_cmd { DMAB_CMD_NONE = 0, DMAB_CMD_RUN, DMAB_CMD_HELP };
enum dmab_accel { DMAB_ACCEL_AUTO = 0, DMAB_ACCEL_TCG, DMAB_ACCEL_KVM };

/* Which commands an option belongs to (opts.c's table). */
enum dmab_opt_scope { DMAB_OPT_RUN = 1, DMAB_OPT_FUZZ = 2 };

/* What one arch's VMs boot: "" until dmab_opts_resolve() fills the defaults. */
struct dmab_arch_paths {
	char kernel[DMAB_PATH_MAX];
	char initrd[DMAB_PATH_MAX];
	char qemu[DMAB_PATH_MAX];	/* binary name or path */
};

struct dmab_opts {
	enum dmab_cmd cmd;
	const struct dmab_backend *backends[DMAB_MAX_BACKENDS];
	int nbackends;
	bool backend_all;		/* "all" in --backend: dmab_backends_for_kernel() adds kernel-dependent ones */
	char backend_note[512];		/* which of those "all" left out, and why */
	/* --topology (default pair; all with --share): one VM per backend x topology of its arch */
	const struct dmab_topology *topologies[DMAB_MAX_TOPOLOGIES];
	int ntopologies;
	bool share;			/* --share: job share added, topologies default all */
	/*
	 * --kernel/--initrd/--qemu as given; they apply to the first arch of --arch
	 * (table order: x86_64 when it is in the list), whose paths get them.
	 */
	struct dmab_arch_paths given;
	struct dmab_arch_paths paths[DMAB_MAX_ARCHES];	/* by dmab_arch_index(); kernel: its first kernel */
	/*
	 * --kernel: table kernels (debian:6.12, ...) and at most one path, comma
	 * separated. After dmab_opts_resolve(): every kernel of the run, per
	 * selected arch in table order, in --kernel order (harness/plan/kernels.h).
	 */
	char kernel_list[1024];
	const struct dmab_kernel_desc *kernel_descs[DMAB_MAX_KERNELS];
	int nkernel_descs;
	struct dmab_kernel kernels[DMAB_MAX_KERNELS];
	int nkernels;
	bool kernel_suffix;		/* several kernels: labels get "~<kernel dir>" */
	char kernel_note[512];		/* table kernels not defined for some selected arch */
	bool no_build;			/* --no-build: fetch nor build a table kernel, only check */
	/*
	 * --qemu: table emulators (debian:7.2, debian:10.0) and at most one path, comma
	 * separated. After dmab_opts_resolve(): every emulator of the run in --qemu order
	 * (without --qemu: the host's, "default"), harness/plan/qemus.h.
	 */
	char qemu_list[1024];
	const struct dmab_qemu_desc *qemu_descs[DMAB_MAX_QEMUS];
	int nqemu_descs;
	struct dmab_qemu qemus[DMAB_MAX_QEMUS];
	int nqemus;
	bool qemu_suffix;		/* several emulators: labels get "~qemu-<series>" */
	char qemu_note[1024];		/* backends left out on some emulators, and why */
	char out[DMAB_PATH_MAX];
	char module[DMAB_PATH_MAX];	/* --host */
	char runner[DMAB_PATH_MAX];	/* --host */
	char repo[DMAB_PATH_MAX];
	double timeout;			/* per VM, seconds */
	double boot_timeout;		/* to "dmabench-init: start"; 0: min(timeout, 300) */
	char job[128];			/* comma list of jobs (lib/jobs.c) */
	enum dmab_accel accel;
	int jobs;			/* parallel VMs */
	int smp;			/* vCPUs per VM (--smp; 0: the command's default, run 1, fuzz 2) */
	int shard_i, shard_n;		/* --shard I/N: the I-th of N parts of the plan (0/0: all) */
	int boots;			/* --boots: boots of every backend x topology x kernel (0: 1), interleaved */
	bool dry_run;
	bool host;
	bool quiet;
	char devices[DMAB_MAX_DEVICES][16];	/* normalised BDFs "0000:01:00.0" */
	int ndevices;
	char append[1024];		/* --append: extra kernel command line words */
	char arch[64];			/* --arch: comma list (default x86_64) */
	/* set while parsing, used by dmab_opts_finish() */
	const char *backend_list, *topology_list;
	bool backend_set, qemu_set, job_set;
};

/* Fill built-in defaults that need no file system access. */
void dmab_opts_init(struct dmab_opts *o);
/*
 * Parse the options of `dmabench run` (argv[0] is "run"); --help sets cmd
 * DMAB_CMD_HELP. Returns 0 or -EINVAL with a message in err. "--opt value"
 * and "--opt=value" are both accepted.
 */
int dmab_opts_parse(struct dmab_opts *o, int argc, char **argv, char *err, size_t errlen);
/*
 * One option of the table at argv[*i] if it belongs to scope: 1 (and *i
 * moved past its value), 0 when it is not an option of scope, -EINVAL with
 * a message. For commands with options of their own (fuzz, replay).
 */
int dmab_opts_parse_one(struct dmab_opts *o, unsigned int scope, int argc, char **argv, int *i,
			char *err, size_t errlen);
/* After the options: backends, topologies, jobs and arch paths from them. 0 or -EINVAL. */
int dmab_opts_finish(struct dmab_opts *o, char *err, size_t errlen);
/* Usage lines of the table's options of scope. */
void dmab_opts_usage(FILE *f, unsigned int scope);
/*
 * Resolve defaults that depend on the repository (repo root, each selected
 * arch's kernel, initrd and QEMU, out, module, runner) and check that the
 * files exist and QEMU is on PATH (not for --host). Returns 0 or
 * -ENOENT/-EINVAL with a message.
 */
int dmab_opts_resolve(struct dmab_opts *o, char *err, size_t errlen);
/*
 * Fetch the table kernels of the run that are missing and bring their
 * initramfs up to date (make KENV=... initramfs), progress on log; with
 * --no-build only check and name the command. Called by dmab_opts_resolve()
 * (not with --dry-run). 0 or -ENOENT/-EIO with a message.
 */
int dmab_opts_prepare_kernels(struct dmab_opts *o, FILE *log, char *err, size_t errlen);
/* The paths of an arch's VMs. */
const struct dmab_arch_paths *dmab_opts_paths(const struct dmab_opts *o, const struct dmab_arch *a);

/* Normalise a PCI address ("01:00.0" -> "0000:01:00.0"); 0 or -EINVAL. */
int dmab_bdf_normalize(const char *in, char *out, size_t outlen);
const char *dmab_accel_name(enum dmab_accel a);

#endif
