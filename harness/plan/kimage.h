/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kimage.h - what a kernel image and an initramfs are built for, read
 * without booting them: the release a bzImage reports, and the release
 * the initramfs's dmabench.ko was built for (its vermagic). A pair that
 * differs cannot work (the kernel refuses the module: "version magic ...
 * should be ..."), so `dmabench run`, `fuzz` and `replay` stop before
 * booting.
 */
#ifndef DMAB_KIMAGE_H
#define DMAB_KIMAGE_H

#include <stddef.h>

/* "6.1.0-57-amd64": the first word of an x86 bzImage's version string (setup header). 0, -EINVAL (not a bzImage) or -errno. */
int dmab_bzimage_release(const char *path, char *out, size_t len);
/*
 * The first word of the vermagic of <cpio>'s lib/dmabench.ko (a newc cpio,
 * uncompressed, as `make initramfs` packs it). 0, -ENOENT (no module in it),
 * -EINVAL (not a newc cpio) or -errno.
 */
int dmab_initrd_module_release(const char *cpio, char *out, size_t len);

#endif
