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
};

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
