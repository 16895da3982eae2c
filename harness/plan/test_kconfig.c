// SPDX-License-Identifier: GPL-2.0
/* test_kconfig.c - kernel config lookup and the kernel-dependent backends (virtio-iommu). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/plan/kconfig.h"
#include "lib/test_util.h"
#include "lib/util.h"

static int count_named(const struct dmab_backend **l, int n, const char *name)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += !strcmp(l[i]->name, name);
	return c;
}

int main(void)
{
	const char *dir = t_mktemp();
	char p[512], k[512], got[8400], note[512], err[1024];
	const struct dmab_backend *l[32];
	const char *bad;
	int n;

	/* Debian layout: /boot/vmlinuz-V next to /boot/config-V */
	snprintf(k, sizeof(k), "%s/vmlinuz-6.1.0-9-amd64", dir);
	t_write(k, "kernel");
	snprintf(p, sizeof(p), "%s/config-6.1.0-9-amd64", dir);
	t_write(p, "# CONFIG_VIRTIO_IOMMU is not set\nCONFIG_KASAN=y\nCONFIG_FOO=m\n");
	CHECK_EQ(dmab_kernel_config_path(k, got, sizeof(got)), 0);
	CHECK_STR(got, p);
	CHECK_EQ(dmab_config_file_has(p, "CONFIG_KASAN"), 1);
	CHECK_EQ(dmab_config_file_has(p, "CONFIG_KASA"), 0);		/* no prefix match */
	CHECK_EQ(dmab_config_file_has(p, "CONFIG_VIRTIO_IOMMU"), 0);
	CHECK_EQ(dmab_config_file_has(p, "CONFIG_FOO"), 2);		/* a module: 2, not 1 (built in) */
	CHECK_EQ(dmab_config_file_has("/nonexistent/config", "CONFIG_KASAN"), -ENOENT);

	/* "all" on that kernel: virtio-iommu left out and named in the note */
	n = dmab_backend_parse_list_arch("all", "x86_64", l, 32, &bad);
	CHECK(n > 0);
	CHECK_EQ(count_named(l, n, "virtio-iommu"), 0);
	int before = n;
	CHECK_EQ(dmab_backends_for_kernel(l, &n, 32, true, "x86_64", (const char *[]){ k, k }, note, sizeof(note), err, sizeof(err)), 0);
	CHECK_EQ(n, before);
	CHECK_CONTAINS(note, "virtio-iommu left out of 'all'");
	CHECK_CONTAINS(note, "CONFIG_VIRTIO_IOMMU");
	/* named: a usage error that says what to build */
	n = dmab_backend_parse_list_arch("direct,virtio-iommu", "x86_64", l, 32, &bad);
	CHECK_EQ(n, 2);
	CHECK_EQ(dmab_backends_for_kernel(l, &n, 32, false, "x86_64", (const char *[]){ k, k }, note, sizeof(note), err, sizeof(err)),
		 -EINVAL);
	CHECK_CONTAINS(err, "virtio-iommu needs a guest kernel with CONFIG_VIRTIO_IOMMU=y");
	CHECK_CONTAINS(err, "make kernel");

	/* `make kernel` layout: build/kernel/{bzImage,config} with the option */
	snprintf(k, sizeof(k), "%s/bzImage", dir);
	t_write(k, "kernel");
	snprintf(p, sizeof(p), "%s/config", dir);
	t_write(p, "CONFIG_VIRTIO_IOMMU=y\n");
	CHECK_EQ(dmab_kernel_config_path(k, got, sizeof(got)), 0);
	CHECK_STR(got, p);
	n = dmab_backend_parse_list_arch("all", "x86_64", l, 32, &bad);
	before = n;
	CHECK_EQ(dmab_backends_for_kernel(l, &n, 32, true, "x86_64", (const char *[]){ k, k }, note, sizeof(note), err, sizeof(err)), 0);
	CHECK_EQ(n, before + 2);	/* virtio-iommu, virtio-iommu-lazy; -64k is QEMU-bounded: by name only */
	CHECK_STR(l[n - 2]->name, "virtio-iommu");
	CHECK_STR(l[n - 1]->name, "virtio-iommu-lazy");
	CHECK_STR(note, "");
	/* named and supported: kept once; "all" besides does not add it twice */
	n = dmab_backend_parse_list_arch("virtio-iommu,all", "x86_64", l, 32, &bad);
	CHECK_EQ(dmab_backends_for_kernel(l, &n, 32, true, "x86_64", (const char *[]){ k, k }, note, sizeof(note), err, sizeof(err)), 0);
	CHECK_EQ(count_named(l, n, "virtio-iommu"), 1);
	/* arm64 only: no x86 kernel-dependent backend joins, arm64's own virtio-iommu does
	 * (virtio-iommu-16k is QEMU-bounded: by name only) */
	n = dmab_backend_parse_list_arch("all", "arm64", l, 32, &bad);
	before = n;
	CHECK_EQ(dmab_backends_for_kernel(l, &n, 32, true, "arm64", (const char *[]){ k, k }, note, sizeof(note), err, sizeof(err)), 0);
	CHECK_EQ(n, before + 1);
	CHECK_STR(dmab_backend_label(l[n - 1]), "arm64-virtio-iommu");

	/* no config anywhere near the kernel: named is an error, "all" leaves it out */
	unlink(p);
	CHECK_EQ(dmab_kernel_config_path(k, got, sizeof(got)), -ENOENT);
	n = dmab_backend_parse_list_arch("virtio-iommu", "x86_64", l, 32, &bad);
	CHECK_EQ(dmab_backends_for_kernel(l, &n, 32, false, "x86_64", (const char *[]){ k, k }, note, sizeof(note), err, sizeof(err)),
		 -EINVAL);
	CHECK_CONTAINS(err, "no config file found");

	/* benchmarks on a DMA-API-debug kernel get dma_debug=off; tests, share, fuzz do not */
	{
		char ap[64], nt[400];

		t_write(p, "CONFIG_DMA_API_DEBUG=y\n");
		snprintf(ap, sizeof(ap), "quiet");
		CHECK_EQ(dmab_dma_debug_default(k, "va,lat", ap, sizeof(ap), nt, sizeof(nt)), 1);
		CHECK_STR(ap, "quiet dma_debug=off");
		CHECK_CONTAINS(nt, "dma_debug=off");
		CHECK_EQ(dmab_dma_debug_default(k, "va,lat", ap, sizeof(ap), nt, sizeof(nt)), 0);	/* already there */
		ap[0] = 0;
		CHECK_EQ(dmab_dma_debug_default(k, "mapbench", ap, sizeof(ap), nt, sizeof(nt)), 1);
		CHECK_STR(ap, "dma_debug=off");
		ap[0] = 0;
		CHECK_EQ(dmab_dma_debug_default(k, "va,test", ap, sizeof(ap), nt, sizeof(nt)), 0);
		CHECK_EQ(dmab_dma_debug_default(k, "share", ap, sizeof(ap), nt, sizeof(nt)), 0);
		CHECK_EQ(dmab_dma_debug_default(k, "", ap, sizeof(ap), nt, sizeof(nt)), 0);
		CHECK_STR(ap, "");
		snprintf(ap, sizeof(ap), "dma_debug=on");
		CHECK_EQ(dmab_dma_debug_default(k, "lat", ap, sizeof(ap), nt, sizeof(nt)), 0);
		CHECK_STR(ap, "dma_debug=on");
		snprintf(ap, sizeof(ap), "%060d", 0);
		CHECK_EQ(dmab_dma_debug_default(k, "lat", ap, sizeof(ap), nt, sizeof(nt)), -E2BIG);
		t_write(p, "# CONFIG_DMA_API_DEBUG is not set\n");
		ap[0] = 0;
		CHECK_EQ(dmab_dma_debug_default(k, "lat", ap, sizeof(ap), nt, sizeof(nt)), 0);
		unlink(p);
	}

	return t_done("kconfig");
}
