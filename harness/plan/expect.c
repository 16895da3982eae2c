// SPDX-License-Identifier: GPL-2.0
/*
 * expect.c - the expectation table (see expect.h): one fact per known-bad
 * cell, with its cause. Entries were seen in runs (kernel Debian 6.1.0-57 /
 * 6.12.117+deb12, QEMU 7.2.22 and 10.0.2, Debian's builds fetched by
 * harness/emulator/qemus.sh, TCG) unless the entry says otherwise. The AMD-Vi
 * fault of QEMU 10.0 with its default properties (no IOAPIC interrupt reaches
 * the guest: amdvi_sysbus_realize() builds the IOAPIC address space before the
 * regions it aliases) has no entry: the amd backend sets pt=off,intremap=off
 * and runs (backends.c; reproducer harness/tests/amdvi_probe.sh).
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
		/* bypass: edu:0 on pcie.0 bypasses the IOMMU (dma-direct, fine); edu:1 behind the pxb-pcie: what edu:1
		 * reads is wrong (B = edu:1); edu:1 -> edu:0 works (measured on 10.0: 54 of 54 such cells ok) */
		.arch = "x86_64", .qemu_max = "10.2", .backend = "amd", .topology = "bypass", .job = "share",
		.item = "*>edu:1:*", .expect = DMAB_OUT_FAIL, .symptom = "verify", .cause = SHARE_BUS_NOT_0,
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
	{
		/* the same kernel check as x86's 64K granule; arm64's default kernel has 4 KiB pages */
		.arch = "arm64", .release = "!(*-16k)", .backend = "arm64-virtio-iommu-16k",
		.expect = DMAB_OUT_KERNEL_WARNING, .symptom = "iommu_setup_default_domain",
		.cause = "16 KiB granule > 4 KiB PAGE_SIZE: no default DMA domain (as virtio-iommu-64k on x86); "
			 "the backend is meant for the arm64-16k kernel (--kernel debian:6.12-16k)",
	},
	{
		.arch = "arm64", .release = "!(*-16k)", .backend = "arm64-virtio-iommu-16k", .job = "test",
		.item = "mode", .expect = DMAB_OUT_FAIL,
		.cause = "effective mode direct/none instead of iommu/DMA (no default domain, see the VM entry)",
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
