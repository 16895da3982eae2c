// SPDX-License-Identifier: GPL-2.0
/*
 * arches.c - the arch table. Measured under TCG on an x86_64 host:
 *  - x86_64: q35, console ttyS0, results over a second 16550; no_timer_check
 *    because with interrupt remapping (intel-iommu) and a loaded host the
 *    boot-time IO-APIC timer check can miss its window and the kernel panics
 *    "timer doesn't work through Interrupt-remapped IO-APIC" (seen with 2 VMs
 *    on 2 cores); it does not affect DMA.
 *  - arm64: virt has one PL011 (the console, ttyAMA0); the results channel is
 *    a virtio console (hvc0; init loads its modules): 3.2 MB/s against
 *    250 KB/s for a PCI 16550 (-device pci-serial). Always TCG here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plan/arches.h"
#include "lib/util.h"

const struct dmab_arch dmab_arches[] = {
	{
		.name = "x86_64", .label_prefix = "",
		.qemu = "qemu-system-x86_64", .qemu_env = "DMABENCH_QEMU", .qemu_pkg = "qemu-system-x86",
		.cmdline = "console=ttyS0 panic=-1 no_timer_check",
		.results = DMAB_RESULTS_SERIAL, .kvm = true, .cross_compile = "",
		.deb_arch = "amd64",
		.kernel_dir = "/boot", .kernel_suffix = "-amd64",
		.kernel_from = "Debian's linux-image-amd64 (make deps)",
		.initrd = "build/x86_64/initramfs.cpio", .initrd_make = "make initramfs",
		.paired = { { "build/kernel/bzImage", "build/kernel/x86_64/initramfs.cpio" } },	/* make kernel */
		.note = "q35, -cpu max; KVM when a bounded probe boot works",
	},
	{
		.name = "arm64", .label_prefix = "arm64-",
		.qemu = "qemu-system-aarch64", .qemu_env = "DMABENCH_QEMU_ARM64", .qemu_pkg = "qemu-system-arm",
		.cmdline = "console=ttyAMA0 panic=-1",
		.results = DMAB_RESULTS_VIRTCONSOLE, .results_dev = "/dev/hvc0", .kvm = false,
		.cross_compile = "aarch64-linux-gnu-",
		.deb_arch = "arm64",
		.kernel_dir = "build/arm64/kernel/boot", .kernel_suffix = "-arm64",
		.kernel_from = "Debian's arm64 kernel unpacked by make deps (harness/kernel/arm64-kernel.sh)",
		.initrd = "build/arm64/initramfs.cpio", .initrd_make = "make initramfs-arm64",
		.note = "virt, -cpu max, TCG; results over a virtio console",
	},
};

const size_t dmab_narches = sizeof(dmab_arches) / sizeof(dmab_arches[0]);

_Static_assert(sizeof(dmab_arches) / sizeof(dmab_arches[0]) <= DMAB_MAX_ARCHES, "DMAB_MAX_ARCHES");

const struct dmab_arch *dmab_arch_find(const char *name)
{
	for (size_t i = 0; i < dmab_narches; i++)
		if (!strcmp(dmab_arches[i].name, name))
			return &dmab_arches[i];
	return NULL;
}

size_t dmab_arch_index(const struct dmab_arch *a)
{
	return (size_t)(a - dmab_arches);
}

const char *dmab_arch_qemu(const struct dmab_arch *a)
{
	const char *q = getenv(a->qemu_env);

	return q && *q ? q : a->qemu;
}

const char *dmab_arch_names(void)
{
	static char names[128];

	if (!names[0])
		for (size_t i = 0, o = 0; i < dmab_narches && o < sizeof(names); i++)
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i ? "," : "", dmab_arches[i].name);
	return names;
}

bool dmab_arch_in(const char *arches, const char *arch)
{
	return dmab_list_has(arches, arch);
}

int dmab_arch_list_check(const char *arches, const char **bad)
{
	static char badname[64];
	char buf[256];
	int n = 0;

	if (bad)
		*bad = "";
	if (!arches || strlen(arches) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arches);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!dmab_arch_find(t)) {
			snprintf(badname, sizeof(badname), "%s", t);
			if (bad)
				*bad = badname;
			return -EINVAL;
		}
		n++;
	}
	return n ? 0 : -EINVAL;
}
