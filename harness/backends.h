/* SPDX-License-Identifier: GPL-2.0 */
/*
 * backends.h - DMA backends as data: one descriptor per backend.
 */
#ifndef DMAB_BACKENDS_H
#define DMAB_BACKENDS_H

#include <stddef.h>

#define DMAB_MAX_QEMU_DEVICES	4
#define DMAB_EDU_DEVICE		"edu,dma_mask=0xffffffffffffffff"
#define DMAB_EDU_COUNT		2

struct dmab_backend {
	const char *name;
	const char *arch;		/* "x86_64" */
	const char *machine;		/* -machine */
	/* -device arguments placed BEFORE the edu devices (IOMMUs), NULL-terminated */
	const char *devices[DMAB_MAX_QEMU_DEVICES];
	const char *cmdline;		/* appended to the kernel command line */
	const char *expect_ops;		/* direct | swiotlb | iommu */
	const char *expect_domain;	/* none | identity | DMA | DMA-FQ */
	const char *note;		/* one line for `dmabench backends` */
};

extern const struct dmab_backend dmab_backends[];
extern const size_t dmab_nbackends;

const struct dmab_backend *dmab_backend_find(const char *name);

/*
 * Parse a comma-separated list ("all" = every backend) into out[] (at most
 * max entries, duplicates dropped, order kept). Returns the count, or
 * -EINVAL with *bad pointing into a static copy of the unknown name,
 * -E2BIG when more than max.
 */
int dmab_backend_parse_list(const char *list, const struct dmab_backend **out,
			    size_t max, const char **bad);

#endif
