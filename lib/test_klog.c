// SPDX-License-Identifier: GPL-2.0
/* Unit test: kernel-log oracle patterns and /dev/kmsg record parsing. */
#include <errno.h>

#include "klog.h"
#include "test_util.h"

int main(void)
{
	static const char *const bad[] = {
		"WARNING: CPU: 0 PID: 1 at kernel/dma/mapping.c:532 dma_alloc_attrs+0x1/0x2",
		"BUG: unable to handle page fault for address: ffffc90000400000",
		"Oops: 0000 [#1] PREEMPT SMP NOPTI",
		"BUG: KASAN: slab-out-of-bounds in foo",
		"KASAN: null-ptr-deref in range",
		"DMA-API: edu 0000:00:02.0: device driver frees DMA memory with wrong function",
		"general protection fault, probably for non-canonical address 0xdead",
		"DMAR: DRHD: handling fault status reg 2",
		"DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x1000",
		"AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x1000 flags=0x0000]",
		"edu 0000:00:02.0: iommu fault at 0x1000",
		"arm-smmu-v3 9050000.smmuv3: event 0x10 received:",
		"virtio_iommu virtio0: page fault from EP 16 at 0xfffff000 []",
	};
	static const char *const good[] = {
		"dmabench-test: begin t_alloc",
		"warning: this lower-case word is not a kernel WARNING marker",
		"DMAR: IOMMU enabled",
		"AMD-Vi: AMD IOMMUv2 functionality not available on this system - This is not a bug.",
		"oops (lower case)",
		"arm-smmu-v3 9050000.smmuv3: \t0x0000000800000010",
		"arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features 0x00008305)",
		"",
	};
	const char *msg;
	unsigned long long seq;
	size_t len, i;
	const char *const *p;
	int n = 0;

	for (p = dmab_klog_bad_patterns; *p; p++)
		n++;
	CHECK_EQ(n, 12);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(dmab_klog_match(bad[i]) != NULL);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(dmab_klog_match(good[i]) == NULL);
	CHECK_STR(dmab_klog_match("x DMA-API: y"), "DMA-API:");
	CHECK(dmab_klog_iommu_fault(bad[7]) && dmab_klog_iommu_fault(bad[8]) && dmab_klog_iommu_fault(bad[9]) &&
	      dmab_klog_iommu_fault(bad[10]) && dmab_klog_iommu_fault(bad[11]) &&
	      dmab_klog_iommu_fault(bad[12]));
	CHECK(!dmab_klog_iommu_fault(bad[0]) && !dmab_klog_iommu_fault(bad[5]) && !dmab_klog_iommu_fault(good[2]));

	{
		const char rec[] = "4,1234,5678901,-;WARNING: CPU: 0 PID: 1 at x\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:02.0\n";

		CHECK_EQ(dmab_kmsg_parse(rec, strlen(rec), &seq, &msg, &len), 0);
		CHECK_EQ_U(seq, 1234);
		CHECK_EQ_U(len, strlen("WARNING: CPU: 0 PID: 1 at x"));
		CHECK(strncmp(msg, "WARNING: CPU: 0 PID: 1 at x", len) == 0);
	}
	{
		/* newer kernels add a caller field */
		const char rec[] = "6,99,100,c,caller=T1;hello";

		CHECK_EQ(dmab_kmsg_parse(rec, strlen(rec), &seq, &msg, &len), 0);
		CHECK_EQ_U(seq, 99);
		CHECK_EQ_U(len, 5);
	}
	CHECK_EQ(dmab_kmsg_parse("garbage", 7, &seq, &msg, &len), -EINVAL);
	CHECK_EQ(dmab_kmsg_parse("x,1,2,-;m", 9, &seq, &msg, &len), -EINVAL);
	CHECK_EQ(dmab_kmsg_parse("4;m", 3, &seq, &msg, &len), -EINVAL);
	return t_done("test_klog");
}
