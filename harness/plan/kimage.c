// SPDX-License-Identifier: GPL-2.0
/* kimage.c - the release of a bzImage and of the dmabench.ko inside an initramfs (kimage.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plan/kimage.h"

static void first_word(const char *s, size_t n, char *out, size_t len)
{
	size_t k = 0;

	while (k < n && k + 1 < len && s[k] && s[k] != ' ' && s[k] != '\n')
		out[k] = s[k], k++;
	out[k] = 0;
}

int dmab_bzimage_release(const char *path, char *out, size_t len)
{
	unsigned char hdr[0x210];
	char ver[128];
	FILE *f = fopen(path, "re");
	unsigned int off;
	size_t n;

	if (!f)
		return -errno;
	n = fread(hdr, 1, sizeof(hdr), f);
	/* boot protocol: "HdrS" at 0x202, kernel_version (a pointer - 0x200) at 0x20e */
	if (n < sizeof(hdr) || memcmp(hdr + 0x202, "HdrS", 4)) {
		fclose(f);
		return -EINVAL;
	}
	off = (unsigned int)(hdr[0x20e] | hdr[0x20f] << 8);
	if (!off || fseek(f, (long)off + 0x200, SEEK_SET) || !(n = fread(ver, 1, sizeof(ver) - 1, f))) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	ver[n] = 0;
	first_word(ver, n, out, len);
	return out[0] ? 0 : -EINVAL;
}

static unsigned long hex8(const char *s)
{
	char b[9];

	memcpy(b, s, 8);
	b[8] = 0;
	return strtoul(b, NULL, 16);
}

int dmab_initrd_module_release(const char *cpio, char *out, size_t len)
{
	FILE *f = fopen(cpio, "re");
	char h[110], name[256];
	int ret = -ENOENT;

	if (!f)
		return -errno;
	for (;;) {
		unsigned long size, nsize;
		long pad;

		if (fread(h, 1, sizeof(h), f) != sizeof(h) || memcmp(h, "070701", 6)) {
			ret = ret == -ENOENT && ftell(f) <= (long)sizeof(h) ? -EINVAL : ret;
			break;
		}
		size = hex8(h + 54);
		nsize = hex8(h + 94);
		if (!nsize || nsize > sizeof(name) || fread(name, 1, nsize, f) != nsize) {
			ret = -EINVAL;
			break;
		}
		name[nsize - 1] = 0;
		pad = (long)((4 - (sizeof(h) + nsize) % 4) % 4);
		fseek(f, pad, SEEK_CUR);
		if (!strcmp(name, "TRAILER!!!"))
			break;
		if (!strcmp(name, "lib/dmabench.ko") || !strcmp(name, "./lib/dmabench.ko")) {
			char *ko = size && size < (64UL << 20) ? malloc(size) : NULL;
			const char *v = NULL;

			if (ko && fread(ko, 1, size, f) == size)
				v = memmem(ko, size, "vermagic=", 9);
			if (v) {
				first_word(v + 9, size - (size_t)(v + 9 - ko), out, len);
				ret = out[0] ? 0 : -EINVAL;
			} else {
				ret = -EINVAL;
			}
			free(ko);
			break;
		}
		fseek(f, (long)(size + (4 - size % 4) % 4), SEEK_CUR);
	}
	fclose(f);
	return ret;
}
