/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qemus.h - emulators as data, the twin of kernels.h. The QEMU version is an
 * axis of a measurement like the kernel: `--qemu debian:7.2,debian:10.0`
 * boots every selected backend on each. The table (qemus.c) names Debian's
 * builds and where their packages are; harness/emulator/qemus.sh fetches one
 * (apt-get download through a private apt root, dpkg -x, never installed)
 * into build/qemus/<dir>/ with a qemu.env and wrappers that pass the unpacked
 * firmware (-L). Besides the table: the host's QEMU (the default, `make deps`
 * installs it; $DMABENCH_QEMU / $DMABENCH_QEMU_ARM64 replace it) and a path.
 *
 * Backends that need properties an older QEMU lacks say so (backends.h
 * qemu_min/qemu_max): the plan leaves them out on the emulators outside the
 * range and says so, never boots them to fail.
 */
#ifndef DMAB_QEMUS_H
#define DMAB_QEMUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/plan/arches.h"
#include "harness/plan/backends.h"

#define DMAB_MAX_QEMUS	4	/* emulators of one run */

struct dmab_qemu_desc {
	const char *name;		/* "debian:10.0": --qemu, run.json, summary */
	const char *dir;		/* "debian-10.0": build/qemus/<dir>/ */
	const char *series;		/* upstream major.minor: "10.0" */
	const char *pkgre;		/* Debian version of qemu-system-x86, an extended regex */
	bool backports;			/* bookworm-backports searched (10.0) */
	const char *note;		/* one line for `dmabench qemus` */
};

extern const struct dmab_qemu_desc dmab_qemu_descs[];
extern const size_t dmab_nqemu_descs;

/* The table entry called name ("debian:10.0"; the folder form "debian-10.0" too), or NULL. */
const struct dmab_qemu_desc *dmab_qemu_desc_find(const char *name);
/* "debian:7.2, debian:10.0" (static buffer). */
const char *dmab_qemu_desc_names(void);

/* One emulator of a run. */
struct dmab_qemu {
	const struct dmab_qemu_desc *desc;	/* NULL: the host's, or a path */
	char name[64];			/* "debian:10.0", "default", or the binary's file name */
	char label[32];			/* label suffix: "qemu-10.0", "qemu-default", "qemu-custom" */
	char qenv[4096];		/* table: build/qemus/<dir>/qemu.env */
	char bin[DMAB_MAX_ARCHES][4096];	/* by dmab_arch_index(): the binary (PATH name or path) */
	char version[256];		/* first line of --version; "" until known */
};

/*
 * A table emulator in repo: qenv, and bin[] and version when it was fetched
 * (qemu.env exists). 0, or -ENOENT when not fetched yet.
 */
int dmab_qemu_locate(struct dmab_qemu *q, const struct dmab_qemu_desc *d, const char *repo);
/*
 * Fetch a table emulator (harness/emulator/qemus.sh; cached: no network),
 * progress on log. 0 or -EIO with the reason in err.
 */
int dmab_qemu_fetch(const char *repo, const struct dmab_qemu_desc *d, FILE *log, char *err, size_t errlen);
/* The upstream version of q ("10.0.2"; "" when unknown): from version, else the table's series. */
const char *dmab_qemu_upstream_of(const struct dmab_qemu *q, char *out, size_t len);
/* May backend b run on q (qemu_min/qemu_max)? An unknown version: only an unbounded backend. */
bool dmab_qemu_runs(const struct dmab_qemu *q, const struct dmab_backend *b);

#endif
