/* SPDX-License-Identifier: GPL-2.0 */
/*
 * backends.h - DMA backends as data: one descriptor per backend.
 */
#ifndef DMAB_BACKENDS_H
#define DMAB_BACKENDS_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/plan/arches.h"

#define DMAB_MAX_QEMU_DEVICES	4
#define DMAB_MAX_QEMU_GLOBALS	4
#define DMAB_EDU_DEVICE		"edu,dma_mask=0xffffffffffffffff"
#define DMAB_EDU_COUNT		2

struct dmab_backend {
	const char *name;
	const char *arch;		/* an arch of harness/plan/arches.c */
	const char *machine;		/* -machine */
	/* -device arguments placed BEFORE the edu devices (IOMMUs), NULL-terminated */
	const char *devices[DMAB_MAX_QEMU_DEVICES];
	const char *cmdline;		/* appended to the kernel command line */
	const char *expect_ops;		/* direct | swiotlb | iommu */
	const char *expect_domain;	/* none | identity | DMA | DMA-FQ */
	const char *note;		/* one line for `dmabench backends` */
	/*
	 * Device kind under test (DMABENCH_DEV_KIND in the guest): NULL = edu;
	 * "platform" = the module's own platform devices (va, lat and the mode
	 * test run on those).
	 */
	const char *dev_kind;
	/* NULL: not checked; "yes" | "no": dev_is_dma_coherent() of those devices */
	const char *expect_coherent;
	/*
	 * NULL, or a kernel option the guest kernel must have built in ("CONFIG_VIRTIO_IOMMU"):
	 * such a backend is in "all" only when the kernel has it (harness/kconfig.c), and
	 * naming it for a kernel without it is a usage error.
	 */
	const char *kernel_config;
	/*
	 * kernel_config may be a module (=m): the initramfs carries it in lib/mods/ and
	 * init loads it before dmabench.ko (make EXTRA_MODS=...; Debian 6.12's virtio-iommu)
	 */
	bool kernel_config_module;
	/* -global arguments (defaults of QEMU devices the machine creates), NULL-terminated */
	const char *globals[DMAB_MAX_QEMU_GLOBALS];
	/*
	 * The QEMU versions the backend exists on: [qemu_min, qemu_max), upstream
	 * "major.minor[.micro]"; NULL = no bound. A backend with a bound is left out of
	 * "all" and its VM is refused on a QEMU outside the range (a usage error naming
	 * the property that QEMU lacks), never booted to fail.
	 */
	const char *qemu_min;
	const char *qemu_max;
	/*
	 * No kernel-series bound: what a backend needs from a kernel is a feature
	 * (kernel_config, read from the kernel's own config: =y, or =m with
	 * kernel_config_module), not a version; how a series behaves with it is
	 * the expectation table's business (harness/plan/expect.c).
	 */
};

/*
 * Compare two dotted versions ("10.0.2" vs "10.0"): <0, 0, >0; missing parts are 0.
 * dmab_qemu_upstream() takes "QEMU emulator version 10.0.2 (Debian ...)" to "10.0.2".
 */
int dmab_version_cmp(const char *a, const char *b);
const char *dmab_qemu_upstream(const char *version_line, char *out, size_t len);
/* true if the QEMU of version_line (a --version line) is in [qemu_min, qemu_max) */
bool dmab_backend_qemu_ok(const struct dmab_backend *b, const char *version_line);

extern const struct dmab_backend dmab_backends[];
extern const size_t dmab_nbackends;

/* First backend called name (x86_64 ones first), else the one labelled name. */
const struct dmab_backend *dmab_backend_find(const char *name);
/*
 * Unique label: the arch's label prefix and the name ("direct", "arm64-direct"):
 * results folder, progress lines, summary columns.
 */
const char *dmab_backend_label(const struct dmab_backend *b);

/*
 * Parse a comma-separated list ("all" = every backend) into out[] (at most
 * max entries, duplicates dropped, order kept). Returns the count, or
 * -EINVAL with *bad pointing into a static copy of the unknown name,
 * -E2BIG when more than max. Only x86_64 backends (labels select others).
 */
int dmab_backend_parse_list(const char *list, const struct dmab_backend **out,
			    size_t max, const char **bad);
/*
 * The same among the backends of the comma list arches ("x86_64,arm64"):
 * "all" and plain names select those arches' backends (table order); a
 * label ("arm64-direct") selects its backend whatever arches says.
 */
int dmab_backend_parse_list_arch(const char *list, const char *arches,
				 const struct dmab_backend **out, size_t max, const char **bad);

#endif
