// SPDX-License-Identifier: GPL-2.0
/*
 * test_expect.c - the expectation table: lookup by kernel series, QEMU range,
 * backend, topology, job and item; verdicts ok / xfail / xpass / fail.
 */
#include "harness/plan/expect.h"
#include "lib/test_util.h"

#define Q72 "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
#define Q10 "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)"
#define Q102 "QEMU emulator version 10.2.0"

int main(void)
{
	const struct dmab_expectation *e;
	struct dmab_result_key k = {
		.arch = "x86_64", .kernel_release = "6.1.0-57-amd64", .qemu_version_line = Q72,
		.backend = "amd", .topology = "same-group", .job = "share", .item = "sg:edu:0>edu:1:none:none:4K",
	};

	CHECK(dmab_kernel_series_match("6.1", "6.1.0-57-amd64"));
	CHECK(!dmab_kernel_series_match("6.1", "6.12.117+deb12-amd64"));
	CHECK(dmab_kernel_series_match("6.12", "6.12.117+deb12-amd64"));
	CHECK(dmab_kernel_series_match(NULL, "anything"));

	/* amd behind a bridge: known on 7.2 and 10.0, not on 10.2 */
	e = dmab_expect_find(&k);
	CHECK(e && e->expect == DMAB_OUT_FAIL);
	CHECK_EQ(dmab_expect_verdict(e, DMAB_OUT_FAIL, "FAIL verify 3 bad"), DMAB_V_XFAIL);
	CHECK_EQ(dmab_expect_verdict(e, DMAB_OUT_FAIL, "FAIL map_sg ENOMEM"), DMAB_V_FAIL);	/* another failure */
	CHECK_EQ(dmab_expect_verdict(e, DMAB_OUT_PASS, NULL), DMAB_V_XPASS);
	k.qemu_version_line = Q10;
	CHECK(dmab_expect_find(&k) == e);
	k.qemu_version_line = Q102;
	CHECK(dmab_expect_find(&k) == NULL);
	k.qemu_version_line = "unknown";
	CHECK(dmab_expect_find(&k) == NULL);
	CHECK_EQ(dmab_expect_verdict(NULL, DMAB_OUT_PASS, NULL), DMAB_V_OK);
	CHECK_EQ(dmab_expect_verdict(NULL, DMAB_OUT_FAIL, "x"), DMAB_V_FAIL);

	/* pair (a plain run: topology NULL) works on amd */
	k.qemu_version_line = Q10;
	k.topology = NULL;
	CHECK(dmab_expect_find(&k) == NULL);
	/* bypass: only what edu:1 (behind the pxb-pcie) reads; edu:1 -> edu:0 works (54 cells on 10.0) */
	k.topology = "bypass";
	k.item = "sg:edu:1>edu:1:none:none:64K";
	CHECK(dmab_expect_find(&k) != NULL);
	k.item = "sg:edu:0>edu:1:attrs:none:4K";
	CHECK(dmab_expect_find(&k) != NULL);
	k.item = "dmabuf:edu:1>edu:0:attrs:NKM:1M";
	CHECK(dmab_expect_find(&k) == NULL);
	k.item = "sg:edu:0>edu:0:none:none:64K";
	CHECK(dmab_expect_find(&k) == NULL);

	/* swiotlb 1M on any QEMU, any kernel */
	k.backend = "swiotlb";
	k.topology = "pair";
	k.item = "dmabuf:edu:0>edu:1:pages:none:1M";
	e = dmab_expect_find(&k);
	CHECK(e && e->symptom && !strcmp(e->symptom, "E2BIG"));
	k.item = "dmabuf:edu:0>edu:1:pages:none:64K";
	CHECK(dmab_expect_find(&k) == NULL);

	/* a VM-level entry matches only the VM (item NULL) */
	k.qemu_version_line = Q10;
	k.kernel_release = "6.12.117+deb12-amd64";
	k.backend = "virtio-iommu-64k";
	k.topology = NULL;
	k.job = NULL;
	k.item = NULL;
	CHECK(dmab_expect_find(&k) != NULL);
	k.job = "test";
	k.item = "share_verify";
	CHECK(dmab_expect_find(&k) == NULL);

	/* virtio-iommu-64k on a 4K kernel: the VM WARNs, the mode test fails; other tests pass */
	k.kernel_release = "6.12.117+deb12-amd64";
	k.backend = "virtio-iommu-64k";
	k.job = NULL;
	k.item = NULL;
	e = dmab_expect_find(&k);
	CHECK(e && e->expect == DMAB_OUT_KERNEL_WARNING);
	CHECK_EQ(dmab_expect_verdict(e, DMAB_OUT_KERNEL_WARNING,
				     "WARNING: CPU: 0 PID: 12 at drivers/iommu/iommu.c:2999 iommu_setup_default_domain+0x37e/0x540"),
		 DMAB_V_XFAIL);
	k.job = "test";
	k.item = "mode";
	e = dmab_expect_find(&k);
	CHECK(e && e->expect == DMAB_OUT_FAIL);
	CHECK_EQ(dmab_expect_verdict(e, DMAB_OUT_FAIL, NULL), DMAB_V_XFAIL);
	k.item = "share_verify";
	CHECK(dmab_expect_find(&k) == NULL);

	/* arm64 virtio-iommu-16k: known bad on a 4K-page kernel, expected to pass on the 16K one */
	struct dmab_result_key k16 = {
		.arch = "arm64", .kernel_release = "6.12.117+deb12-arm64", .qemu_version_line = Q10,
		.backend = "arm64-virtio-iommu-16k",
	};
	e = dmab_expect_find(&k16);
	CHECK(e && e->expect == DMAB_OUT_KERNEL_WARNING);
	k16.kernel_release = "6.12.117+deb12-arm64-16k";
	CHECK(dmab_expect_find(&k16) == NULL);
	k16.job = "test";
	k16.item = "mode";
	CHECK(dmab_expect_find(&k16) == NULL);
	k16.kernel_release = "6.12.117+deb12-arm64";
	CHECK(dmab_expect_find(&k16) != NULL);

	/* every entry names a cause; a VM-level failure entry a symptom too */
	for (size_t i = 0; i < dmab_nexpectations; i++) {
		CHECK(dmab_expectations[i].cause && dmab_expectations[i].cause[0]);
		CHECK(dmab_expectations[i].expect == DMAB_OUT_PASS || dmab_expectations[i].job ||
		      dmab_expectations[i].symptom);
	}
	return t_done("test_expect");
}
