/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernels.h - guest kernels as data. A kernel is one axis of a measurement
 * (DESIGN.md "Axes"): `--kernel debian:5.10,debian:6.12` boots every
 * selected backend on each. The table (kernels.c) names Debian's supported
 * series and where their packages are; harness/kernel/kernels.sh fetches
 * one (apt-get download through a private apt root, dpkg -x, never
 * installed) into build/kernels/<dir>-<arch>/ with a kernel.env, and
 * `make KENV=<that kernel.env> initramfs` builds the module, guest programs
 * and initramfs for it into build/<dir>/<arch>/. Besides the table: the
 * arch's default kernel (the one `make deps` installs, built into
 * build/<arch>/, as without --kernel) and a path (a user's tree or `make
 * kernel`'s debug kernel, with --initrd or the arch's default initramfs).
 */
#ifndef DMAB_KERNELS_H
#define DMAB_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/plan/arches.h"
#include "harness/plan/backends.h"

#define DMAB_MAX_KERNELS	8	/* kernels of one run, all arches */
#define DMAB_KERNEL_QUIRKS	4

/* Kernel command line words one backend needs on this kernel only. */
struct dmab_kernel_quirk {
	const char *backend;		/* backend label */
	const char *append;
	const char *why;
};

struct dmab_kernel_desc {
	const char *name;		/* "debian:6.12": --kernel, run.json, summary */
	const char *dir;		/* "debian-6.12": folder names (build/, label suffix) */
	const char *series;		/* "6.12" */
	const char *dist;		/* Debian release: its apt root build/apt/<dist>/ */
	const char *suites;		/* searched suites; "*-security" comes from the security mirror */
	const char *abi;		/* linux-image-<abi>-<flavour>, an extended regex */
	const char *flavour;		/* after the arch's Debian arch: "" or "-16k" */
	const char *arches;		/* arches it exists for */
	unsigned int page_size;
	struct dmab_kernel_quirk quirks[DMAB_KERNEL_QUIRKS];
	const char *note;		/* one line for `dmabench kernels` */
};

extern const struct dmab_kernel_desc dmab_kernel_descs[];
extern const size_t dmab_nkernel_descs;

/* The table entry called name ("debian:6.12"; the folder form "debian-6.12" too), or NULL. */
const struct dmab_kernel_desc *dmab_kernel_desc_find(const char *name);
/* "debian:5.10, debian:6.1, ..." (static buffer). */
const char *dmab_kernel_desc_names(void);

/* One kernel of a run, for one arch. */
struct dmab_kernel {
	const struct dmab_kernel_desc *desc;	/* NULL: the arch's default, or a path */
	const struct dmab_arch *arch;
	char name[64];			/* "debian:6.12", "default", or the image's file name */
	char dir[64];			/* label suffix: "debian-6.12", "default", "custom" */
	char image[4096], initrd[4096];
	char kenv[4096];		/* table kernels: build/kernels/<dir>-<arch>/kernel.env */
	char release[128];		/* kernel.env KVER; "" when known only after boot */
};

/*
 * A table kernel for arch a in repo: kenv, and image, initrd, release when
 * it was fetched (kernel.env exists). 0, or -ENOENT when not fetched yet.
 */
int dmab_kernel_locate(struct dmab_kernel *k, const struct dmab_kernel_desc *d, const struct dmab_arch *a,
		       const char *repo);
/* One KEY=value of a kernel.env file into out; 0 or -ENOENT. */
int dmab_kernel_env_get(const char *kenv, const char *key, char *out, size_t len);
/*
 * Fetch a table kernel for arch a (harness/kernel/kernels.sh; cached: no
 * network, the script only re-checks the unpacked headers), progress on log.
 * 0 or -EIO with the reason in err.
 */
int dmab_kernel_fetch(const char *repo, const struct dmab_kernel_desc *d, const struct dmab_arch *a, FILE *log,
		      char *err, size_t errlen);
/* The make command that builds k's initramfs, for messages and for dmab_kernel_build(). */
void dmab_kernel_make_cmd(const struct dmab_kernel *k, char *out, size_t len);
/*
 * make KENV=... initramfs for a fetched table kernel (make decides what is
 * out of date: nothing to do is about a second), output into
 * <build dir>/make.log. 0 or -EIO with the reason in err.
 */
int dmab_kernel_build(const char *repo, const struct dmab_kernel *k, FILE *log, char *err, size_t errlen);
/* Extra kernel command line words for backend b on k ("" when none). */
const char *dmab_kernel_append(const struct dmab_kernel *k, const struct dmab_backend *b);

#endif
