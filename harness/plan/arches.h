/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arches.h - guest architectures as data: one descriptor per arch with what
 * differs between them (QEMU binary, console, results channel, where the
 * default kernel and initramfs come from, KVM). Backends and topologies name
 * their arch; nothing else in the host command tests an arch by name.
 */
#ifndef DMAB_ARCHES_H
#define DMAB_ARCHES_H

#include <stdbool.h>
#include <stddef.h>

#define DMAB_MAX_ARCHES		4

enum dmab_results_chan {
	DMAB_RESULTS_SERIAL = 1,	/* a second 16550 (-serial file:...), the guest's /dev/ttyS1 */
	DMAB_RESULTS_VIRTCONSOLE,	/* -chardev file + virtio-serial-pci + virtconsole: /dev/hvc0 */
};

struct dmab_arch {
	const char *name;		/* "x86_64", "arm64": --arch, backend tables, build/<name>/ */
	const char *label_prefix;	/* of its backends' labels ("" for the default arch's bare names) */
	const char *qemu;		/* QEMU binary (PATH lookup) */
	const char *qemu_env;		/* environment variable that replaces it */
	const char *qemu_pkg;		/* the Debian package that has it */
	const char *cmdline;		/* kernel command line start: console, panic, arch quirks */
	enum dmab_results_chan results;
	const char *results_dev;	/* the guest's device for it (NULL: init's default /dev/ttyS1) */
	bool kvm;			/* can use KVM: the host's own arch */
	const char *cross_compile;	/* prefix of the guest side's compiler ("": native; Makefile GUEST_CC) */
	const char *deb_arch;		/* Debian architecture of its kernels ("amd64"): kernel flavours, apt */
	/* default kernel: the newest <kernel_dir>/vmlinuz-*<kernel_suffix>; a relative dir is in the repo */
	const char *kernel_dir;
	const char *kernel_suffix;
	const char *kernel_from;	/* how that kernel gets there */
	const char *initrd;		/* default initramfs, in the repo */
	const char *initrd_make;	/* the make target that builds it */
	/*
	 * Kernels of the repo whose initramfs is known (in the repo): --kernel
	 * one of them without --initrd boots it with that initramfs.
	 */
	struct { const char *kernel, *initrd; } paired[2];
	const char *note;		/* one line for `dmabench arches` */
};

extern const struct dmab_arch dmab_arches[];
extern const size_t dmab_narches;

/* The arch called name, or NULL. */
const struct dmab_arch *dmab_arch_find(const char *name);
/* Its index in dmab_arches[]. */
size_t dmab_arch_index(const struct dmab_arch *a);
/* Its QEMU binary: $<qemu_env> when set, else the default. */
const char *dmab_arch_qemu(const struct dmab_arch *a);
/* "x86_64,arm64": every arch, table order. */
const char *dmab_arch_names(void);
/* True if the comma list arches contains arch. */
bool dmab_arch_in(const char *arches, const char *arch);
/* Validate a comma list of arches: 0, or -EINVAL with *bad the unknown one. */
int dmab_arch_list_check(const char *arches, const char **bad);

#endif
