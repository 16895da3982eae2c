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
 *
 * Added with QEMU 10.0 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1, harness/qemus.sh)
 * and Debian 6.12.117+deb12 (verified the same way, `--job test` all passing
 * unless said):
 *   amd (pt=off,intremap=off)  groups DMA, "Disabling interrupt remapping";
 *                              7.2 too. Plain amd-iommu on 10.0: see the entry.
 *   intel-sm           ecap 0x480080f00f4a (SMTS|SLTS|SRS), QEMU trace
 *                      vtd_reg_dmar_root "scalable 1", leaf PTEs ...003
 *                      (second level); 6.1 turns SM on by default
 *                      (INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON=y; sm_on only logs
 *                      "Enable scalable mode if hardware supports"); 7.2 too
 *   intel-flts         ecap 0x880000f00f4a (SMTS|FLTS, no SLTS), "scalable 1",
 *                      leaf PTEs 0x8000...067 (first level: XD|D|A|U|W|P); 6.1
 *                      first_level_by_default() takes FL when it is the only one
 *   virtio-iommu(-lazy) 6.12 module from lib/mods/: "virtio_iommu virtio0: input
 *                      address: 39 bits, page mask: 0xfffffffffffff000", groups
 *                      DMA / DMA-FQ, faults "page fault from EP 16 at ..."
 *   virtio-iommu-64k   known failure on 4K-page kernels: "granule 0x10000 larger
 *                      than system page size 0x1000", WARN, no DMA domain
 *   arm64 smmuv3-s2    "features 0x00008505" (TRANS_S2 only; stage 1 + nested
 *                      gives 0x00088705), groups DMA
 *   arm64 virtio-iommu(-16k)  6.12-16k: groups DMA, page mask ...c000 with
 *                      granule=16k (the 16K kernel fails 4-5 page-size-bound
 *                      tests on every backend, direct too)
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
		/*
		 * pt=off: QEMU 10.0's AMD-Vi with pt=on (the default) never translates
		 * (every device address space is the untranslated "amdvi-sys" alias),
		 * and the IOAPIC's address space is built before that alias exists, so
		 * it is empty and every IOAPIC interrupt is dropped (the serial ports
		 * never interrupt: the guest runs but its tty output never leaves).
		 * intremap=off: with pt=off the IOAPIC's messages skip interrupt
		 * remapping, so a guest that remaps them loses them; without IR in
		 * the IVRS the guest programs plain IOAPIC entries ("[Firmware Bug]:
		 * IOAPIC[0] not in IVRS table ... Disabling interrupt remapping").
		 * Both properties exist on 7.2 too, where the backend passes as well.
		 */
		.name = "amd", .arch = "x86_64", .machine = "q35",
		.devices = { "amd-iommu,pt=off,intremap=off", NULL },
		.cmdline = "",
		.expect_ops = "iommu", .expect_domain = "DMA",
		.note = "AMD-Vi (no interrupt remapping); the guest forces strict mode \"due to virtualization\"",
	},
	{
		/* scalable mode, second-level tables: 6.1 enables SM by default (INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON) */
		.name = "intel-sm", .arch = "x86_64", .machine = "q35",
		.devices = { "intel-iommu,x-scalable-mode=on", NULL },
		.cmdline = "intel_iommu=on,sm_on iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA",
		.note = "Intel VT-d scalable mode, second-level page tables, strict",
	},
	{
		/* x-flts=on: QEMU offers first-level only (no SLTS), so the guest must use first-level tables */
		.name = "intel-flts", .arch = "x86_64", .machine = "q35",
		.devices = { "intel-iommu,x-scalable-mode=on,x-flts=on", NULL },
		.cmdline = "intel_iommu=on,sm_on iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA",
		.qemu_min = "10.0",
		.note = "Intel VT-d scalable mode, first-level page tables, strict (QEMU >= 10.0: x-flts)",
	},
	{
		.name = "virtio-iommu", .arch = "x86_64", .machine = "q35",
		.devices = { "virtio-iommu-pci", NULL },
		.cmdline = "iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA",
		.kernel_config = "CONFIG_VIRTIO_IOMMU", .kernel_config_module = true,
		.note = "virtio-iommu (ACPI VIOT), strict; Debian 6.12 (module) or make kernel",
	},
	{
		.name = "virtio-iommu-lazy", .arch = "x86_64", .machine = "q35",
		.devices = { "virtio-iommu-pci", NULL },
		.cmdline = "iommu.strict=0",
		.expect_ops = "iommu", .expect_domain = "DMA-FQ",
		.kernel_config = "CONFIG_VIRTIO_IOMMU", .kernel_config_module = true,
		.note = "virtio-iommu (ACPI VIOT), flush queue (lazy)",
	},
	{
		.name = "virtio-iommu-64k", .arch = "x86_64", .machine = "q35",
		.devices = { "virtio-iommu-pci,granule=64k", NULL },
		.cmdline = "iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA",
		.kernel_config = "CONFIG_VIRTIO_IOMMU", .kernel_config_module = true,
		.qemu_min = "10.0",
		.note = "virtio-iommu with a 64 KiB granule on a 4 KiB-page guest (QEMU >= 10.0: granule)",
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
	{
		/*
		 * virt >= 9.2 creates a nested (stage 1 + 2) SMMU and sets its "stage" property
		 * itself (hw/arm/virt.c create_smmu(): "nested" unless no_nested_smmu), which
		 * overrides -global: `info qtree` shows stage = "nested" and the guest sees
		 * features 0x88705 (TRANS_S1|TRANS_S2|NESTING) and uses stage 1. The 9.1 machine
		 * type has no_nested_smmu, so the -global applies there. The 9.1 machine also
		 * brings hw_compat_9_1's "arm-cpu.backcompat-pauth-default-use-qarma5" (architected
		 * QARMA5 pointer authentication, ~6x slower under TCG: map_single 4.0 us against
		 * 0.62 us on arm64-direct, timer_min 2364 ns against 310): pauth-impdef=on restores
		 * the 10.0 machine's CPU (measured: 622 ns, 310 ns).
		 */
		.name = "smmuv3-s2", .arch = "arm64", .machine = "virt-9.1,iommu=smmuv3",
		.devices = { NULL },
		.globals = { "arm-smmuv3.stage=2", "max-arm-cpu.pauth-impdef=on", NULL },
		.cmdline = "iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA", .expect_coherent = "yes",
		.qemu_min = "10.0",
		.note = "Arm SMMUv3 with stage 2 only (QEMU >= 10.0: arm-smmuv3.stage), strict",
	},
	{
		.name = "virtio-iommu", .arch = "arm64", .machine = "virt",
		.devices = { "virtio-iommu-pci", NULL },
		.cmdline = "iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA", .expect_coherent = "yes",
		.kernel_config = "CONFIG_VIRTIO_IOMMU", .kernel_config_module = true,
		.note = "virtio-iommu (device tree iommu-map), strict; Debian 6.12 (module)",
	},
	{
		/* a granule must not exceed the guest's page size: 16K on Debian's arm64-16k kernel */
		.name = "virtio-iommu-16k", .arch = "arm64", .machine = "virt",
		.devices = { "virtio-iommu-pci,granule=16k", NULL },
		.cmdline = "iommu.strict=1",
		.expect_ops = "iommu", .expect_domain = "DMA", .expect_coherent = "yes",
		.kernel_config = "CONFIG_VIRTIO_IOMMU", .kernel_config_module = true,
		.qemu_min = "10.0",
		.note = "virtio-iommu with a 16 KiB granule (QEMU >= 10.0: granule); needs a 16K-page guest (6.12-16k)",
	},
};

const size_t dmab_nbackends = sizeof(dmab_backends) / sizeof(dmab_backends[0]);

int dmab_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		char *ea, *eb;
		long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);

		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (ea == a && eb == b && !(*a >= '0' && *a <= '9') && !(*b >= '0' && *b <= '9'))
			break;
	}
	return 0;
}

const char *dmab_qemu_upstream(const char *line, char *out, size_t len)
{
	const char *p = line ? strstr(line, "version ") : NULL;
	size_t n = 0;

	if (!len)
		return out;
	if (p)
		for (p += 8; (p[n] >= '0' && p[n] <= '9') || p[n] == '.'; n++)
			;
	if (n >= len)
		n = len - 1;
	memcpy(out, p ? p : "", n);
	out[n] = 0;
	return out;
}

bool dmab_backend_qemu_ok(const struct dmab_backend *b, const char *version_line)
{
	char v[32];

	if (!b->qemu_min && !b->qemu_max)
		return true;
	if (!dmab_qemu_upstream(version_line, v, sizeof(v))[0])
		return false;	/* unknown version: a bounded backend is not assumed to work */
	return (!b->qemu_min || dmab_version_cmp(v, b->qemu_min) >= 0) &&
	       (!b->qemu_max || dmab_version_cmp(v, b->qemu_max) < 0);
}

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
				    dmab_backends[i].kernel_config ||	/* added by dmab_backends_for_kernel() */
				    dmab_backends[i].qemu_min || dmab_backends[i].qemu_max)	/* by name only */
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
