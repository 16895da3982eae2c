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
 *
 * arm64 (qemu-system-aarch64 -machine virt -cpu max, Debian's 6.1 arm64 kernel,
 * device tree): the PCIe host is "dma-coherent", so edu devices are coherent;
 * the module's platform devices have no firmware description, so they are
 * non-coherent dma-direct devices whatever IOMMU the machine has, and
 * dma-direct remaps their coherent allocations into vmalloc space.
 *   direct              no groups
 *   direct-noncoherent  no groups; platform devices coherent=0
 *   swiotlb             "software IO TLB: mapped ... (64MB)"
 *   smmuv3-strict       groups type DMA,    arm-smmu-v3 9050000.smmuv3
 *   smmuv3-lazy         groups type DMA-FQ
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plan/backends.h"

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
	{
		.name = "virtio-iommu", .arch = "x86_64", .machine = "q35",
		.devices = { "virtio-iommu-pci", NULL },
		.cmdline = "iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA",
		.kernel_config = "CONFIG_VIRTIO_IOMMU",
		.note = "virtio-iommu (ACPI VIOT); needs a kernel with VIRTIO_IOMMU: make kernel",
	},
	{
		.name = "direct", .arch = "arm64", .machine = "virt",
		.devices = { NULL },
		.cmdline = "",
		.expect_ops = "direct", .expect_domain = "none", .expect_coherent = "yes",
		.note = "dma-direct, coherent PCI edu devices",
	},
	{
		.name = "direct-noncoherent", .arch = "arm64", .machine = "virt",
		.devices = { NULL },
		.cmdline = "",
		.expect_ops = "direct", .expect_domain = "none", .expect_coherent = "no",
		.dev_kind = "platform",
		.note = "dma-direct on the module's non-coherent platform devices (remap into vmalloc)",
	},
	{
		.name = "swiotlb", .arch = "arm64", .machine = "virt",
		.devices = { NULL },
		.cmdline = "swiotlb=force",
		.expect_ops = "swiotlb", .expect_domain = "none", .expect_coherent = "yes",
		.note = "dma-direct with every mapping bounced through swiotlb",
	},
	{
		.name = "smmuv3-strict", .arch = "arm64", .machine = "virt,iommu=smmuv3",
		.devices = { NULL },
		.cmdline = "iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA", .expect_coherent = "yes",
		.note = "Arm SMMUv3, DMA domain, strict TLB invalidation",
	},
	{
		.name = "smmuv3-lazy", .arch = "arm64", .machine = "virt,iommu=smmuv3",
		.devices = { NULL },
		.cmdline = "iommu.strict=0",
		.expect_ops = "iommu", .expect_domain = "DMA-FQ", .expect_coherent = "yes",
		.note = "Arm SMMUv3, DMA domain with flush queue (lazy)",
	},
};

const size_t dmab_nbackends = sizeof(dmab_backends) / sizeof(dmab_backends[0]);

const char *dmab_backend_label(const struct dmab_backend *b)
{
	static char labels[sizeof(dmab_backends) / sizeof(dmab_backends[0])][64];
	size_t i = (size_t)(b - dmab_backends);
	const struct dmab_arch *a = dmab_arch_find(b->arch);

	if (!a || !a->label_prefix[0] || i >= dmab_nbackends)
		return b->name;
	if (!labels[i][0])
		snprintf(labels[i], sizeof(labels[i]), "%s%s", a->label_prefix, b->name);
	return labels[i];
}

const struct dmab_backend *dmab_backend_find(const char *name)
{
	for (size_t i = 0; i < dmab_nbackends; i++)
		if (!strcmp(dmab_backends[i].name, name))
			return &dmab_backends[i];
	for (size_t i = 0; i < dmab_nbackends; i++)
		if (!strcmp(dmab_backend_label(&dmab_backends[i]), name))
			return &dmab_backends[i];
	return NULL;
}

/* name within arches, else a label */
static const struct dmab_backend *find_in(const char *name, const char *arches)
{
	for (size_t i = 0; i < dmab_nbackends; i++)
		if (dmab_arch_in(arches, dmab_backends[i].arch) && !strcmp(dmab_backends[i].name, name))
			return &dmab_backends[i];
	for (size_t i = 0; i < dmab_nbackends; i++) {
		const struct dmab_backend *b = &dmab_backends[i];
		/* a bare label (the default arch's) selects only within arches */
		if (b->name != dmab_backend_label(b) && !strcmp(dmab_backend_label(b), name))
			return b;
	}
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
	return dmab_backend_parse_list_arch(list, "x86_64", out, max, bad);
}

int dmab_backend_parse_list_arch(const char *list, const char *arches,
				 const struct dmab_backend **out, size_t max, const char **bad)
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
				if (!dmab_arch_in(arches, dmab_backends[i].arch) ||
				    dmab_backends[i].kernel_config)	/* added by dmab_backends_for_kernel() */
					continue;
				n = add_unique(out, (size_t)n, max, &dmab_backends[i]);
				if (n < 0)
					return n;
			}
			continue;
		}
		const struct dmab_backend *b = find_in(tok, arches);
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
