// SPDX-License-Identifier: GPL-2.0
/*
 * backends.c - the backend table. Every entry was verified by booting
 * Debian's 6.1 kernel under QEMU 7.2 (TCG) and reading
 * /sys/kernel/iommu_groups/<n>/type plus the kernel log:
 *   direct        no groups,                 "DMAR: IOMMU disabled"
 *   swiotlb       no groups,                 "software IO TLB: mapped ... (64MB)"
 *   intel-strict  groups type DMA,           "strict mode (set via kernel command line)"
 *   intel-lazy    groups type DMA-FQ,        "lazy mode (set via kernel command line)"
 *   intel-pt      groups type identity,      "Default domain type: Passthrough"
 *   amd           groups type DMA,           "AMD-Vi: Using strict mode due to virtualization"
 * (amd_iommu=on is not an option of this kernel: "AMD-Vi: Unknown option - 'on'";
 * the AMD IOMMU is used whenever QEMU provides one.)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/backends.h"

const struct dmab_backend dmab_backends[] = {
	{
		.name = "direct", .arch = "x86_64", .machine = "q35",
		.devices = { NULL },
		.cmdline = "intel_iommu=off",
		.expect_ops = "direct", .expect_domain = "none",
		.note = "dma-direct, no IOMMU",
	},
	{
		.name = "swiotlb", .arch = "x86_64", .machine = "q35",
		.devices = { NULL },
		.cmdline = "iommu=soft swiotlb=force intel_iommu=off",
		.expect_ops = "swiotlb", .expect_domain = "none",
		.note = "dma-direct with every mapping bounced through swiotlb",
	},
	{
		.name = "intel-strict", .arch = "x86_64", .machine = "q35",
		.devices = { "intel-iommu", NULL },
		.cmdline = "intel_iommu=on iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA",
		.note = "Intel VT-d, DMA domain, strict IOTLB invalidation",
	},
	{
		.name = "intel-lazy", .arch = "x86_64", .machine = "q35",
		.devices = { "intel-iommu", NULL },
		.cmdline = "intel_iommu=on iommu.strict=0",
		.expect_ops = "iommu", .expect_domain = "DMA-FQ",
		.note = "Intel VT-d, DMA domain with flush queue (lazy)",
	},
	{
		.name = "intel-pt", .arch = "x86_64", .machine = "q35",
		.devices = { "intel-iommu", NULL },
		.cmdline = "intel_iommu=on iommu=pt",
		.expect_ops = "direct", .expect_domain = "identity",
		.note = "Intel VT-d in passthrough: identity domain, dma-direct",
	},
	{
		.name = "amd", .arch = "x86_64", .machine = "q35",
		.devices = { "amd-iommu", NULL },
		.cmdline = "",
		.expect_ops = "iommu", .expect_domain = "DMA",
		.note = "AMD-Vi; the guest forces strict mode \"due to virtualization\"",
	},
};

const size_t dmab_nbackends = sizeof(dmab_backends) / sizeof(dmab_backends[0]);

const struct dmab_backend *dmab_backend_find(const char *name)
{
	for (size_t i = 0; i < dmab_nbackends; i++)
		if (!strcmp(dmab_backends[i].name, name))
			return &dmab_backends[i];
	return NULL;
}

static int add_unique(const struct dmab_backend **out, size_t n, size_t max,
		      const struct dmab_backend *b)
{
	for (size_t i = 0; i < n; i++)
		if (out[i] == b)
			return (int)n;
	if (n >= max)
		return -E2BIG;
	out[n++] = b;
	return (int)n;
}

int dmab_backend_parse_list(const char *list, const struct dmab_backend **out,
			    size_t max, const char **bad)
{
	static char badname[64];
	char buf[1024];
	int n = 0;

	if (bad)
		*bad = NULL;
	if (!list || strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			for (size_t i = 0; i < dmab_nbackends; i++) {
				n = add_unique(out, (size_t)n, max, &dmab_backends[i]);
				if (n < 0)
					return n;
			}
			continue;
		}
		const struct dmab_backend *b = dmab_backend_find(tok);
		if (!b) {
			snprintf(badname, sizeof(badname), "%s", tok);
			if (bad)
				*bad = badname;
			return -EINVAL;
		}
		n = add_unique(out, (size_t)n, max, b);
		if (n < 0)
			return n;
	}
	if (n == 0) {
		if (bad)
			*bad = "";
		return -EINVAL;
	}
	return n;
}
