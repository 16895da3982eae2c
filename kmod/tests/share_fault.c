// SPDX-License-Identifier: GPL-2.0
/*
 * share_fault: on an IOMMU DMA domain, a device access to an IOVA that was
 * unmapped is stopped by the IOMMU, shows up as a fault line for that
 * device in the kernel log, is reported by VERIFY (the read did not land:
 * blocked), and the VM and the engine carry on. The IOVA is one the module
 * mapped and unmapped itself for VERIFY STALE, over a page it still owns
 * (a read that got through could only read that page). The provoked
 * fault is bracketed with the runner's expect-fault markers (lib/klog.h),
 * so only IOMMU fault lines inside the bracket are tolerated; any other bad
 * line still fails the test.
 * AMD-Vi (QEMU 7.2): the read is blocked but no fault event is ever logged
 * (measured); there only the VERIFY side is asserted. SMMUv3 logs "event
 * 0x10 received" with the stream ID in raw words: any fault line counts.
 * Skips where no IOMMU translates (direct, swiotlb, passthrough) and on
 * lazy (flush-queue) domains, where the stale IOTLB entry may still
 * translate until the queue is flushed: no fault is guaranteed.
 */
#include <time.h>

#include "kmod/tests/tcommon.h"
#include "lib/klog.h"
#include "lib/kmsg.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void verify_fill(int fd, uint32_t handle, const char *what)
{
	struct dmabench_verify v;

	memset(&v, 0, sizeof(v));
	v.handle = handle;
	v.flags = DMABENCH_VERIFY_FILL;
	v.pages = 1;
	v.len = 256;
	v.seed = 3;
	t_xioctl(fd, DMABENCH_IOC_VERIFY, &v);
	t_assert(v.checked == 1 && !v.mismatches && !v.blocked, "%s: %u mismatches, %u blocked", what,
		 v.mismatches, v.blocked);
}

int main(void)
{
	struct dmabench_dev_info di;
	struct dmabench_map_single ms;
	struct dmabench_stats s0, s1;
	struct dmabench_verify v;
	struct dmab_kmsg k;
	uint32_t edu[2];
	int fd = t_open(), r, waited;
	const char *bdf;

	if (t_find_devs(fd, DMABENCH_DEV_EDU, edu, 2) < 1)
		t_skip("no edu device (the DMA engine is edu's)");
	t_assert(!t_dev_info(fd, edu[0], &di), "dev_info");
	if (di.ops != DMABENCH_OPS_IOMMU)
		t_skip("DMA ops %s: no IOMMU translates, an unmapped address is plain memory", t_ops_name(di.ops));
	if (di.domain_type != DMABENCH_DOMAIN_DMA)
		t_skip("IOMMU domain %s: only a strict domain invalidates the IOTLB at unmap",
		       t_domain_name(di.domain_type));
	t_stats(fd, &s0);

	memset(&v, 0, sizeof(v));
	v.flags = DMABENCH_VERIFY_STALE;
	v.dev = edu[0];
	v.pages = 1;
	v.len = 64;
	v.seed = 0x57a1e;
	v.handle = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_VERIFY, &v, "STALE with a handle");
	v.handle = 0;
	v.pages = 2;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_VERIFY, &v, "STALE with 2 pages");
	v.pages = 1;

	/* a live mapping works through the engine */
	t_assert(!t_map_single(fd, &ms, edu[0], 4096), "map_single");
	verify_fill(fd, ms.handle, "live mapping");
	t_assert(!t_free(fd, ms.handle), "free");

	t_assert(!dmab_kmsg_open(&k, NULL), "/dev/kmsg");
	bdf = (const char *)di.name + (strlen((const char *)di.name) > 5 ? 5 : 0);	/* "00:03.0" */
	k.needle = bdf;
	dmab_kmsg_mark(&k, "dmabench-test: share_fault: device reads a stale IOVA");
	dmab_kmsg_write(&k, DMAB_KLOG_EXPECT_FAULT_BEGIN);
	r = t_ioctl(fd, DMABENCH_IOC_VERIFY, &v);
	/* the fault is reported from the IOMMU's interrupt: give it time */
	for (waited = 0; waited < 3000 && !(k.nmatch && dmab_klog_iommu_fault(k.match)) &&
	     !strstr(k.fault, "smmuv3: event 0x") && !strstr(k.fault, "page fault from EP "); waited += 50) {
		dmab_kmsg_poll(&k);
		if (k.nmatch && !dmab_klog_iommu_fault(k.match))
			k.nmatch = 0, k.match[0] = 0;
		sleep_ms(50);
	}
	sleep_ms(300);	/* the rest of a multi-line report */
	dmab_kmsg_poll(&k);
	dmab_kmsg_write(&k, DMAB_KLOG_EXPECT_FAULT_END);
	t_assert(!r, "VERIFY STALE: %s", strerror(-r));
	printf("stale IOVA %#llx: blocked %u, %u of %llu bytes differ, transfers %u, %llu ns; fault lines %d after %d ms: %s\n",
	       (unsigned long long)v.dma_first, v.blocked, v.mismatches, (unsigned long long)v.bytes, v.transfers,
	       (unsigned long long)v.dma_ns, k.nfault, waited, k.fault[0] ? k.fault : "(none)");
	printf("line naming %s: %s\n", bdf, k.match[0] ? k.match : "(none)");
	t_assert(v.checked == 1 && v.bytes == 64, "STALE checked %u pages, %llu bytes", v.checked, (unsigned long long)v.bytes);
	t_assert(v.blocked == 1, "the device read through an unmapped IOVA landed (strict domain)");
	if (!k.nfault && !access("/sys/class/iommu/ivhd0", F_OK)) {
		/*
		 * Measured: QEMU 7.2's AMD-Vi model blocks the read (above) but
		 * the guest never logs an IO_PAGE_FAULT event for it. Only the
		 * VERIFY side is checked there; VT-d must log.
		 */
		printf("AMD-Vi: read blocked, no fault event logged by this IOMMU model\n");
	} else if (strstr(k.fault, "smmuv3: event 0x")) {
		/* SMMUv3 names the stream ID in a raw event word, not the PCI device */
		printf("SMMUv3 fault event: %s\n", k.fault);
	} else if (strstr(k.fault, "page fault from EP ")) {
		/*
		 * virtio-iommu names the endpoint ID, which ACPI VIOT maps 1:1 to the PCI
		 * requester ID (bus << 8 | devfn): "page fault from EP 16" is 00:02.0
		 */
		unsigned int bus = 0, slot = 0, fn = 0, ep = 0, rid;

		t_assert(sscanf(bdf, "%x:%x.%x", &bus, &slot, &fn) == 3, "bdf %s", bdf);
		rid = bus << 8 | slot << 3 | fn;
		t_assert(sscanf(strstr(k.fault, "page fault from EP ") + 19, "%u", &ep) == 1, "EP in %s", k.fault);
		t_assert(ep == rid, "fault from EP %u, not %s (EP %u): %s", ep, bdf, rid, k.fault);
		printf("virtio-iommu fault for %s (EP %u): %s\n", bdf, ep, k.fault);
	} else {
		t_assert(k.nfault > 0, "no IOMMU fault line in the kernel log");
		t_assert(k.nmatch && dmab_klog_iommu_fault(k.match), "no IOMMU fault line names the device %s", bdf);
		printf("fault line for %s: %s\n", bdf, k.match);
	}
	dmab_kmsg_close(&k);

	/* the VM and the engine survive: a fresh mapping verifies clean */
	t_assert(!t_map_single(fd, &ms, edu[0], 8192), "map_single after the fault");
	verify_fill(fd, ms.handle, "mapping after the fault");
	t_assert(!t_free(fd, ms.handle), "free");

	t_stats(fd, &s1);
	t_assert(t_stats_live_equal(&s0, &s1), "live counters not back to baseline");
	close(fd);
	return T_PASS;
}
