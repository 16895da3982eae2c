/* SPDX-License-Identifier: GPL-2.0 */
/* opts.h - command line of `dmabench`. */
#ifndef DMAB_OPTS_H
#define DMAB_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/plan/backends.h"
#include "harness/plan/topologies.h"
#include "lib/jobs.h"

#define DMAB_PATH_MAX		4096
#define DMAB_MAX_DEVICES	16

enum dmab_cmd { DMAB_CMD_NONE = 0, DMAB_CMD_RUN, DMAB_CMD_BACKENDS, DMAB_CMD_HELP, DMAB_CMD_SUMMARY,
		DMAB_CMD_TOPOLOGIES };
enum dmab_accel { DMAB_ACCEL_AUTO = 0, DMAB_ACCEL_TCG, DMAB_ACCEL_KVM };

struct dmab_opts {
	enum dmab_cmd cmd;
	const struct dmab_backend *backends[32];
	int nbackends;
	bool backend_all;		/* "all" in --backend: dmab_backends_for_kernel() adds kernel-dependent ones */
	char backend_note[512];		/* which of those "all" left out, and why */
	/* --topology (default pair; all with --share): one VM per backend x topology of its arch */
	const struct dmab_topology *topologies[16];
	int ntopologies;
	bool share;			/* --share: job share added, topologies default all */
	char kernel[DMAB_PATH_MAX];	/* "" until defaulted */
	char initrd[DMAB_PATH_MAX];
	char out[DMAB_PATH_MAX];
	char qemu[DMAB_PATH_MAX];	/* binary name or path */
	char module[DMAB_PATH_MAX];	/* --host */
	char runner[DMAB_PATH_MAX];	/* --host */
	char repo[DMAB_PATH_MAX];
	char run_dir[DMAB_PATH_MAX];	/* `summary RUN_DIR` */
	double timeout;			/* per VM, seconds */
	double boot_timeout;		/* to "dmabench-init: start"; 0: min(timeout, 300) */
	char job[128];			/* comma list of test, va, lat */
	enum dmab_accel accel;
	int jobs;			/* parallel VMs */
	bool dry_run;
	bool host;
	bool quiet;
	char devices[DMAB_MAX_DEVICES][16];	/* normalised BDFs "0000:01:00.0" */
	int ndevices;
	char append[1024];		/* --append: extra kernel command line words */
	char arch[64];			/* --arch: comma list (default x86_64) */
	/* arm64 guests; --kernel/--initrd/--qemu set these when x86_64 is not in --arch */
	struct {
		char kernel[DMAB_PATH_MAX];	/* default <repo>/build/arm64/kernel/boot/vmlinuz-*-arm64 */
		char initrd[DMAB_PATH_MAX];	/* default <repo>/build/arm64/initramfs.cpio */
		char qemu[DMAB_PATH_MAX];	/* default qemu-system-aarch64 */
	} arm64;
};

/* Fill built-in defaults that need no file system access. */
void dmab_opts_init(struct dmab_opts *o);
/*
 * Parse argv (argv[0] is the program). Returns 0 or -EINVAL with a message
 * in err. "--opt value" and "--opt=value" are both accepted.
 */
int dmab_opts_parse(struct dmab_opts *o, int argc, char **argv, char *err, size_t errlen);
/*
 * Resolve defaults that depend on the repository (repo root, kernel,
 * initrd, out, module, runner) and check that the files exist and qemu is
 * on PATH (not for --host). Returns 0 or -ENOENT/-EINVAL with a message.
 */
int dmab_opts_resolve(struct dmab_opts *o, char *err, size_t errlen);

/* Normalise a PCI address ("01:00.0" -> "0000:01:00.0"); 0 or -EINVAL. */
int dmab_bdf_normalize(const char *in, char *out, size_t outlen);
const char *dmab_accel_name(enum dmab_accel a);

#endif
