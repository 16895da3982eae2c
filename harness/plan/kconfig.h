/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kconfig.h - what a guest kernel was built with, read from its config file,
 * and the backends that need a kernel option (virtio-iommu: CONFIG_VIRTIO_IOMMU).
 */
#ifndef DMAB_KCONFIG_H
#define DMAB_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/plan/backends.h"

/*
 * The config file of a kernel image, the first that exists of:
 *   <dir>/config-<v> for <dir>/vmlinuz-<v> (Debian's /boot),
 *   <kernel>.config, <dir>/config (`make kernel`: build/kernel/{bzImage,config}),
 *   <dir>/../../../.config (a kbuild tree: <obj>/arch/x86/boot/bzImage).
 * 0, or -ENOENT when there is none.
 */
int dmab_kernel_config_path(const char *kernel, char *out, size_t outlen);
/*
 * 1 when the config file has "<opt>=y" (built in), 2 when "<opt>=m" (a module: usable
 * when the initramfs carries it in lib/mods/, which init loads before dmabench.ko),
 * 0 when neither (absent or "not set"), -errno when it cannot be read.
 */
int dmab_config_file_has(const char *config, const char *opt);

/*
 * Does kernel have what b needs (kernel_config, =m when kernel_config_module)? 1 yes
 * (or nothing needed, or kernel NULL), 0 no, -ENOENT no config; why says which config was read.
 */
int dmab_backend_kernel_ok(const struct dmab_backend *b, const char *kernel, char *why, size_t wlen);
/*
 * The backends of list[0..*n) that need a kernel option (b->kernel_config) against
 * their arch's kernel (kernels[] by dmab_arch_index(); NULL: that arch is not
 * booted): a named one whose option the kernel lacks (or whose config cannot be
 * found) is an error (-EINVAL, err says what to build); with all set ("all" was
 * requested) every such backend of arches whose option the kernel has is appended,
 * the others are left out and named in note. 0 or -EINVAL / -E2BIG.
 */
int dmab_backends_for_kernel(const struct dmab_backend **list, int *n, size_t max, bool all,
			     const char *arches, const char *const kernels[], char *note, size_t notelen,
			     char *err, size_t errlen);

/*
 * Benchmarks on a DMA-API-debug kernel: when kernel has CONFIG_DMA_API_DEBUG=y,
 * every job of the comma list jobs is a benchmark (va, lat, uring, hyperfine,
 * mapbench) and append does not mention dma_debug, appends " dma_debug=off" to
 * append and says why in note: DMA-API debugging adds ~150 us to every map
 * (measured) and 6.1 reports every dma_map_sg of a dma_alloc_attrs buffer as an
 * overlapping mapping (WARNING on the first). Tests, share and fuzz keep it on.
 * 1 when appended, 0 when not, -E2BIG when append is too small.
 */
int dmab_dma_debug_default(const char *kernel, const char *jobs, char *append, size_t len,
			   char *note, size_t notelen);

#endif
