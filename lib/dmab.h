/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmab.h - thin ioctl wrappers over kmod/dmabench_abi.h.
 *
 * Every function returns 0 (dmab_open: a file descriptor >= 0) or -errno.
 * The struct-taking wrappers pass the struct unchanged: callers zero it
 * (e.g. "struct dmabench_alloc a = { .dev = 0, ... }") and fill the (in)
 * fields; the fuzzer may deliberately leave garbage in reserved fields.
 */
#ifndef DMAB_H
#define DMAB_H

#include <stdint.h>
#include "kmod/dmabench_abi.h"

/* Open the control file (path NULL: DMABENCH_CTL_PATH). Returns fd or -errno. */
int dmab_open(const char *path);

int dmab_info(int fd, struct dmabench_info *out);
/* Fills *out for device id dev (out->dev is set by the wrapper). */
int dmab_dev_info(int fd, uint32_t dev, struct dmabench_dev_info *out);
int dmab_set_mask(int fd, uint32_t dev, uint32_t bits);
int dmab_alloc(int fd, struct dmabench_alloc *a);
int dmab_free(int fd, uint32_t handle);
int dmab_get_sgtable(int fd, struct dmabench_sgtable *s);
int dmab_map_sg(int fd, struct dmabench_map_sg *m);
int dmab_map_single(int fd, struct dmabench_map_single *m);
int dmab_sync(int fd, uint32_t handle, uint32_t sync, uint32_t dir);
int dmab_stats(int fd, struct dmabench_stats *out);
int dmab_lat(int fd, struct dmabench_lat *l);
int dmab_verify(int fd, struct dmabench_verify *v);
int dmab_dmabuf_export(int fd, struct dmabench_dmabuf_export *e);
int dmab_dmabuf_attach(int fd, struct dmabench_dmabuf_attach *a);
int dmab_peek(int fd, struct dmabench_peek *p);

/*
 * Find the index-th device (0-based) of the given kind (0: any kind).
 * Returns the device id or -ENODEV. Devices that are gone are skipped.
 */
int dmab_find_dev(int fd, uint32_t kind, unsigned int index);

#endif
