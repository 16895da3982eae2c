// SPDX-License-Identifier: GPL-2.0
/*
 * test_kimage.c - the release of a bzImage and of an initramfs's
 * dmabench.ko (synthetic files, and Debian's kernel when installed), and
 * the pre-boot check of `dmabench run/fuzz/replay`: a kernel whose release
 * differs from the module's stops before booting, naming both; a kernel of
 * the repo whose initramfs is known is paired with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/cli/opts.h"
#include "harness/plan/kimage.h"
#include "lib/test_util.h"

static void put_bzimage(const char *path, const char *version)
{
	static unsigned char img[0x1000];
	FILE *f = fopen(path, "w");

	memset(img, 0, sizeof(img));
	memcpy(img + 0x202, "HdrS", 4);
	img[0x20e] = 0x00;	/* version at 0x800 + 0x200 */
	img[0x20f] = 0x08;
	snprintf((char *)img + 0xa00, 256, "%s", version);
	if (!f || fwrite(img, 1, sizeof(img), f) != sizeof(img) || fclose(f))
		exit(1);
}

/* A newc cpio with one directory and lib/dmabench.ko whose modinfo has vermagic. */
static void put_cpio(const char *path, const char *vermagic)
{
	FILE *f = fopen(path, "w");
	char ko[256];
	struct { const char *name; const char *data; size_t len; } e[3];
	int n;

	n = snprintf(ko, sizeof(ko), "\x7f" "ELF....license=GPL%cvermagic=%s%cname=dmabench", 0, vermagic, 0);
	e[0].name = "lib";
	e[0].data = "";
	e[0].len = 0;
	e[1].name = "lib/dmabench.ko";
	e[1].data = ko;
	e[1].len = (size_t)n;
	e[2].name = "TRAILER!!!";
	e[2].data = "";
	e[2].len = 0;
	if (!f)
		exit(1);
	for (int i = 0; i < 3; i++) {
		size_t nl = strlen(e[i].name) + 1;

		fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", i + 1, i == 1 ? 0100644 : 040755,
			0, 0, 1, 0, e[i].len, 0, 0, 0, 0, nl, 0);
		fwrite(e[i].name, 1, nl, f);
		for (size_t p = (110 + nl) % 4; p && p < 4; p++)
			fputc(0, f);
		fwrite(e[i].data, 1, e[i].len, f);
		for (size_t p = e[i].len % 4; p && p < 4; p++)
			fputc(0, f);
	}
	fclose(f);
}

int main(void)
{
	const char *d = t_mktemp();
	char k1[512], k2[512], c1[512], junk[512], rel[128], err[1024];
	struct dmab_opts o;
	glob_t g;

	snprintf(k1, sizeof(k1), "%s/bzImage-debian", d);
	snprintf(k2, sizeof(k2), "%s/bzImage-debug", d);
	snprintf(c1, sizeof(c1), "%s/initramfs.cpio", d);
	snprintf(junk, sizeof(junk), "%s/junk", d);
	put_bzimage(k1, "6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3");
	put_bzimage(k2, "6.1.158 (root@host) #1 SMP PREEMPT_DYNAMIC");
	put_cpio(c1, "6.1.0-57-amd64 SMP preempt mod_unload modversions ");
	t_write(junk, "not a kernel, not a cpio\n");

	CHECK_EQ(dmab_bzimage_release(k1, rel, sizeof(rel)), 0);
	CHECK_STR(rel, "6.1.0-57-amd64");
	CHECK_EQ(dmab_bzimage_release(k2, rel, sizeof(rel)), 0);
	CHECK_STR(rel, "6.1.158");
	CHECK_EQ(dmab_bzimage_release(junk, rel, sizeof(rel)), -EINVAL);
	CHECK_EQ(dmab_bzimage_release("/nonexistent/bz", rel, sizeof(rel)), -ENOENT);
	CHECK_EQ(dmab_initrd_module_release(c1, rel, sizeof(rel)), 0);
	CHECK_STR(rel, "6.1.0-57-amd64");
	CHECK_EQ(dmab_initrd_module_release(junk, rel, sizeof(rel)), -EINVAL);

	/* the pre-boot check (resolve fails before any VM; QEMU need not exist for it) */
	dmab_opts_init(&o);
	o.quiet = true;
	snprintf(o.kernel_list, sizeof(o.kernel_list), "%s", k2);	/* --kernel PATH */
	snprintf(o.given.initrd, sizeof(o.given.initrd), "%s", c1);
	o.backend_list = "direct";
	CHECK_EQ(dmab_opts_finish(&o, err, sizeof(err)), 0);
	CHECK_EQ(dmab_opts_resolve(&o, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "is 6.1.158");
	CHECK_CONTAINS(err, "built for 6.1.0-57-amd64");
	CHECK_CONTAINS(err, "--initrd");
	/* the matching pair passes it (and whatever QEMU says next is not about releases) */
	dmab_opts_init(&o);
	o.quiet = true;
	snprintf(o.kernel_list, sizeof(o.kernel_list), "%s", k1);	/* --kernel PATH */
	snprintf(o.given.initrd, sizeof(o.given.initrd), "%s", c1);
	o.backend_list = "direct";
	CHECK_EQ(dmab_opts_finish(&o, err, sizeof(err)), 0);
	err[0] = 0;
	dmab_opts_resolve(&o, err, sizeof(err));
	CHECK(!strstr(err, "would refuse"));

	/* Debian's kernel, when installed, reads like make deps' headers say */
	if (!glob("/boot/vmlinuz-*-amd64", 0, NULL, &g) && g.gl_pathc) {
		const char *v = g.gl_pathv[g.gl_pathc - 1];

		CHECK_EQ(dmab_bzimage_release(v, rel, sizeof(rel)), 0);
		CHECK(strstr(v, rel) != NULL);
		globfree(&g);
	}
	return t_done("test_kimage");
}
