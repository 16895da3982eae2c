/* SPDX-License-Identifier: GPL-2.0 */
/* qemu.h - QEMU command lines, start, version, KVM probe. */
#ifndef DMAB_QEMU_H
#define DMAB_QEMU_H

#include <stddef.h>
#include <sys/types.h>

#include "harness/plan/arches.h"
#include "harness/plan/backends.h"
#include "harness/plan/topologies.h"

struct dmab_vm_spec {
	const char *qemu;		/* binary (PATH lookup by execvp) */
	const char *kernel, *initrd;
	const struct dmab_backend *backend;
	const char *job;		/* DMABENCH_JOB */
	const char *accel;		/* "tcg" or "kvm" */
	const char *console_path;	/* serial 0 */
	const char *chan_path;		/* serial 1: results channel */
	int mem_mb;			/* 0: 1024 */
	int smp;			/* vCPUs, 0: 1 */
	const char *append;		/* extra kernel command line words, or NULL */
	/*
	 * NULL = the default topology (two edu devices). Its module params and, when
	 * job has "share", DMABENCH_SHARE_ARGS go BEFORE append (a later word wins).
	 */
	const struct dmab_topology *topology;
	/* more QEMU arguments after all others (NULL-terminated, or NULL), e.g. the fuzz host's shared memory */
	char *const *extra_args;
};

/* Kernel command line for the backend. Returns 0 or -ENOSPC. */
int dmab_kernel_cmdline(const struct dmab_vm_spec *s, char *out, size_t len);
/* NULL-terminated, malloc'd argv (free with dmab_argv_free). 0 or -errno. */
int dmab_qemu_argv(const struct dmab_vm_spec *s, char ***argv);
void dmab_argv_free(char **argv);
/* Shell-quoted one-line rendering, malloc'd. */
char *dmab_argv_join(char *const argv[]);

/* First line of `qemu --version`. */
int dmab_qemu_version(const char *qemu, char *out, size_t len);

/*
 * Bounded KVM probe: boot kernel with -accel kvm, no initrd, panic=-1,
 * -no-reboot: a working KVM reaches "Kernel panic - not syncing: VFS"
 * (no root fs) and QEMU exits by itself within timeout_s. Returns 0 if KVM
 * works, else -errno with the reason in why.
 */
int dmab_kvm_probe(const char *qemu, const char *kernel, double timeout_s, char *why, size_t len);

#endif
