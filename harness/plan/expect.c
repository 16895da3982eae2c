// SPDX-License-Identifier: GPL-2.0
/*
 * expect.c - the expectation table (prototype; see expect.h). Every entry was
 * seen in a run: kernel Debian 6.1.0-57 / 6.12.117+deb12, QEMU 7.2.22 and
 * 10.0.2 (Debian's builds, harness/qemus.sh), TCG.
 */
#define _GNU_SOURCE	/* FNM_EXTMATCH: "@(a|b)" alternatives in item globs */
#include <fnmatch.h>
#include <string.h>

#include "harness/plan/backends.h"
#include "harness/plan/expect.h"

#define SHARE_BUS_NOT_0 "QEMU < 10.2 AMD-Vi keys its device table on the bus number at machine init (bus 0: " \
	"every device behind a bridge/root port uses DTE 00:00.0): map_sg works, the device reads wrong bytes, " \
	"no event (amd_iommu.c amdvi_host_dma_iommu(); upstream 'amd_iommu: Fix handling of devices on buses != 0')"

const struct dmab_expectation dmab_expectations[] = {
	/* ---- kernel limits (any QEMU) ---- */
	{
		.backend = "swiotlb", .job = "share", .item = "*:1M",
		.expect = DMAB_OUT_FAIL, .symptom = "E2BIG",
		.cause = "swiotlb maps at most 256 KiB per segment (dma_max_mapping_size()); a 1 MiB CPU segment cannot map",
	},
	{
		.backend = "arm64-swiotlb", .job = "share", .item = "*:1M",
		.expect = DMAB_OUT_FAIL, .symptom = "E2BIG",
		.cause = "swiotlb maps at most 256 KiB per segment (dma_max_mapping_size())",
	},
	{
		.backend = "direct", .topology = "mixed-masks", .job = "share", .item = "*:1M",
		.expect = DMAB_OUT_FAIL, .symptom = "E2BIG",
		.cause = "32-bit edu, RAM above 4 GiB: dma-direct bounces through swiotlb (256 KiB limit)",
	},
	{
		.backend = "intel-pt", .topology = "mixed-masks", .job = "share", .item = "*:1M",
		.expect = DMAB_OUT_FAIL, .symptom = "E2BIG",
		.cause = "identity domain = dma-direct: as direct with mixed-masks",
	},
	/* ---- QEMU AMD-Vi: devices not on bus 0 (7.2 and 10.0; fixed upstream in 10.2) ---- */
	{
		.arch = "x86_64", .qemu_max = "10.2", .backend = "amd", .topology = "same-group", .job = "share",
		.item = "*", .expect = DMAB_OUT_FAIL, .symptom = "verify", .cause = SHARE_BUS_NOT_0,
	},
	{
		.arch = "x86_64", .qemu_max = "10.2", .backend = "amd", .topology = "separate-groups", .job = "share",
		.item = "*", .expect = DMAB_OUT_FAIL, .symptom = "verify", .cause = SHARE_BUS_NOT_0,
	},
	{
		/* bypass: edu:0 on pcie.0 bypasses the IOMMU (dma-direct, fine); edu:1 behind the pxb-pcie */
		.arch = "x86_64", .qemu_max = "10.2", .backend = "amd", .topology = "bypass", .job = "share",
		.item = "*edu:1*", .expect = DMAB_OUT_FAIL, .symptom = "verify", .cause = SHARE_BUS_NOT_0,
	},
	/* ---- an IOMMU granule larger than the guest's page size (a kernel limit) ---- */
	{
		.arch = "x86_64", .backend = "virtio-iommu-64k",
		.expect = DMAB_OUT_KERNEL_WARNING, .symptom = "iommu_setup_default_domain",
		.cause = "64 KiB granule > 4 KiB PAGE_SIZE: no default DMA domain (\"granule 0x10000 larger than system "
			 "page size 0x1000\", WARN in iommu_setup_default_domain(), 6.12 iommu.c:2999); devices stay "
			 "dma-direct behind a bypassing virtio-iommu",
	},
	{
		.arch = "x86_64", .backend = "virtio-iommu-64k", .job = "test", .item = "mode",
		.expect = DMAB_OUT_FAIL,
		.cause = "effective mode direct/none instead of iommu/DMA (no default domain, see the VM entry)",
	},
	/* ---- dmabench itself on 16 KiB pages (every backend, direct too: not an IOMMU matter) ---- */
	{
		.arch = "arm64", .release = "*-16k", .job = "test",
		.item = "@(abi_errors|release_on_close|sg_invariants|share_dmabuf_lifetime|share_verify)",
		.expect = DMAB_OUT_FAIL,
		.cause = "dmabench's tests on a 16 KiB-page kernel (6.12 arm64-16k): the same five fail on arm64-direct; "
			 "not yet ported (a dmabench bug to fix, kept here so that other failures stand out)",
	},
	/* ---- QEMU 10.0 AMD-Vi with its default properties (the amd backend sets pt=off,intremap=off) ---- */
	{
		.arch = "x86_64", .qemu_min = "10.0", .qemu_max = "10.1", .backend = "amd-default",
		.expect = DMAB_OUT_BOOT_FAILURE, .symptom = "dmabench-init: start",
		.cause = "QEMU 10.0 amd_iommu.c amdvi_sysbus_realize() builds the IOAPIC address space before "
			 "mr_sys/mr_ir exist: it is empty, every IOAPIC interrupt is dropped, the serial ports never "
			 "interrupt (the guest runs, its tty output never leaves); with pt=on (default) no device DMA "
			 "is translated either; upstream 'Move the IOAPIC memory region initialization to the end'",
	},
};

const size_t dmab_nexpectations = sizeof(dmab_expectations) / sizeof(dmab_expectations[0]);

bool dmab_kernel_series_match(const char *series, const char *release)
{
	size_t n;

	if (!series)
		return true;
	if (!release)
		return false;
	n = strlen(series);
	return !strncmp(series, release, n) && (release[n] == '.' || release[n] == '-' || release[n] == '+' ||
						 release[n] == 0);
}

static bool glob_ok(const char *pattern, const char *s)
{
	if (!pattern)
		return true;
	return fnmatch(pattern, s ? s : "", FNM_EXTMATCH) == 0;
}

const struct dmab_expectation *dmab_expect_find(const struct dmab_result_key *k)
{
	char v[32];

	dmab_qemu_upstream(k->qemu_version_line, v, sizeof(v));
	for (size_t i = 0; i < dmab_nexpectations; i++) {
		const struct dmab_expectation *e = &dmab_expectations[i];

		if ((e->arch && (!k->arch || strcmp(e->arch, k->arch))) ||
		    !dmab_kernel_series_match(e->kernel, k->kernel_release) ||
		    (e->release && !glob_ok(e->release, k->kernel_release)))
			continue;
		if ((e->qemu_min || e->qemu_max) && !v[0])
			continue;	/* unknown QEMU: a version-bound entry does not apply */
		if ((e->qemu_min && dmab_version_cmp(v, e->qemu_min) < 0) ||
		    (e->qemu_max && dmab_version_cmp(v, e->qemu_max) >= 0))
			continue;
		/* a plain run is topology "pair" */
		if (!glob_ok(e->backend, k->backend) || !glob_ok(e->topology, k->topology ? k->topology : "pair"))
			continue;
		/* an entry without job is about the VM itself (item NULL) */
		if (e->job ? !glob_ok(e->job, k->job) || !k->item || !glob_ok(e->item, k->item) : k->item != NULL)
			continue;
		return e;
	}
	return NULL;
}

enum dmab_verdict dmab_expect_verdict(const struct dmab_expectation *e, enum dmab_outcome got, const char *text)
{
	if (!e || e->expect == DMAB_OUT_PASS)
		return got == DMAB_OUT_PASS ? DMAB_V_OK : DMAB_V_FAIL;
	if (got == DMAB_OUT_PASS)
		return DMAB_V_XPASS;
	if (got != e->expect || (e->symptom && (!text || !strstr(text, e->symptom))))
		return DMAB_V_FAIL;	/* another failure than the known one */
	return DMAB_V_XFAIL;
}
