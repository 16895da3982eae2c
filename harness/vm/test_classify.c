// SPDX-License-Identifier: GPL-2.0
/* test_classify.c - exit classes, their order, and the backend table. */
#include <errno.h>

#include "harness/plan/backends.h"
#include "harness/vm/exitcodes.h"
#include "lib/test_util.h"

static int cls(struct dmab_vm_facts f)
{
	return dmab_classify(&f);
}

int main(void)
{
	const struct dmab_vm_facts good = { .saw_init = true, .end_seen = true };
	struct dmab_vm_facts f;

	/* exit codes are the documented numbers */
	CHECK_EQ(DMAB_EXIT_OK, 0);
	CHECK_EQ(DMAB_EXIT_TESTFAIL, 1);
	CHECK_EQ(DMAB_EXIT_USAGE, 2);
	CHECK_EQ(DMAB_EXIT_BOOT, 3);
	CHECK_EQ(DMAB_EXIT_OOPS, 5);
	CHECK_EQ(DMAB_EXIT_WARN, 6);
	CHECK_EQ(DMAB_EXIT_RESULTS, 7);
	CHECK_EQ(DMAB_EXIT_TIMEOUT, 124);
	CHECK_EQ(DMAB_EXIT_PANIC, 255);

	CHECK_EQ(cls(good), 0);
	f = good; f.end_status = 3;
	CHECK_EQ(cls(f), 1);
	f = good; f.ktap_failed = 2;
	CHECK_EQ(cls(f), 1);
	f = good; f.warn = true; f.ktap_failed = 1;
	CHECK_EQ(cls(f), 6);
	f = good; f.end_seen = false;
	CHECK_EQ(cls(f), 7);
	f = good; f.channel_error = true;
	CHECK_EQ(cls(f), 7);
	f = good; f.saw_init = false; f.end_seen = false;
	CHECK_EQ(cls(f), 3);
	f = good; f.saw_init = false; f.boot_timed_out = true; f.end_seen = false;
	CHECK_EQ(cls(f), 3);
	f = good; f.timed_out = true; f.end_seen = false;
	CHECK_EQ(cls(f), 124);
	f = good; f.saw_init = false; f.timed_out = true;	/* never booted: boot failure */
	CHECK_EQ(cls(f), 3);
	f = good; f.oops = true; f.warn = true;
	CHECK_EQ(cls(f), 5);
	f = good; f.panic = true; f.oops = true; f.timed_out = true;
	CHECK_EQ(cls(f), 255);
	f = good; f.saw_init = false; f.panic = true;	/* panic during boot is a panic */
	CHECK_EQ(cls(f), 255);
	f = good; f.setup_error = true;
	CHECK_EQ(cls(f), 2);
	f = good; f.interrupted = true;
	CHECK_EQ(cls(f), DMAB_EXIT_INTERRUPTED);

	/* severity order */
	static const int order[] = { 0, 1, 6, 2, 7, 3, 124, 5, 130, 255 };
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++) {
		CHECK(dmab_class_severity(order[i]) < dmab_class_severity(order[i + 1]));
		CHECK_EQ(dmab_class_worse(order[i], order[i + 1]), order[i + 1]);
		CHECK_EQ(dmab_class_worse(order[i + 1], order[i]), order[i + 1]);
	}
	CHECK_STR(dmab_class_name(124), "timeout");
	CHECK_STR(dmab_class_name(255), "kernel-panic");
	CHECK_STR(dmab_class_name(42), "unknown");

	/* backend table */
	/* 11 x86_64 (virtio-iommu*: kernels with VIRTIO_IOMMU; intel-flts, virtio-iommu-64k: QEMU >= 10.0)
	 * + 8 arm64 (smmuv3-s2, virtio-iommu-16k: QEMU >= 10.0; virtio-iommu: kernels with it) */
	CHECK_EQ(dmab_nbackends, 19);
	static const struct { const char *n, *ops, *dom, *dev, *cmd; } want[] = {
		{ "direct", "direct", "none", NULL, "intel_iommu=off" },
		{ "swiotlb", "swiotlb", "none", NULL, "swiotlb=force" },
		{ "intel-strict", "iommu", "DMA", "intel-iommu", "iommu.strict=1" },
		{ "intel-lazy", "iommu", "DMA-FQ", "intel-iommu", "iommu.strict=0" },
		{ "intel-pt", "direct", "identity", "intel-iommu", "iommu=pt" },
		{ "amd", "iommu", "DMA", "amd-iommu,pt=off,intremap=off", "" },
		{ "intel-sm", "iommu", "DMA", "intel-iommu,x-scalable-mode=on", "sm_on" },
		{ "intel-flts", "iommu", "DMA", "intel-iommu,x-scalable-mode=on,x-flts=on", "sm_on" },
		{ "virtio-iommu", "iommu", "DMA", "virtio-iommu-pci", "iommu.strict=1" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct dmab_backend *b = dmab_backend_find(want[i].n);
		CHECK(b != NULL);
		if (!b)
			continue;
		CHECK_STR(b->machine, "q35");
		CHECK_STR(b->expect_ops, want[i].ops);
		CHECK_STR(b->expect_domain, want[i].dom);
		if (want[i].dev)
			CHECK_STR(b->devices[0], want[i].dev);
		else
			CHECK(b->devices[0] == NULL);
		CHECK_CONTAINS(b->cmdline, want[i].cmd);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(dmab_backends[j].name, b->name) != 0);
	}
	CHECK(dmab_backend_find("arm-smmu") == NULL);

	const struct dmab_backend *l[8];
	const char *bad;
	CHECK_EQ(dmab_backend_parse_list("all", l, 8, &bad), 7);	/* + intel-sm; QEMU-bounded ones by name */
	CHECK_STR(l[0]->name, "direct");
	CHECK_EQ(dmab_backend_parse_list("amd,direct,amd", l, 8, &bad), 2);
	CHECK_STR(l[0]->name, "amd");
	CHECK_STR(l[1]->name, "direct");
	CHECK_EQ(dmab_backend_parse_list("direct,all", l, 8, &bad), 7);
	CHECK_EQ(dmab_backend_parse_list("direct,nope", l, 8, &bad), -EINVAL);
	CHECK_STR(bad, "nope");
	CHECK_EQ(dmab_backend_parse_list("", l, 8, &bad), -EINVAL);
	CHECK_EQ(dmab_backend_parse_list(",", l, 8, &bad), -EINVAL);
	CHECK_EQ(dmab_backend_parse_list("all", l, 3, &bad), -E2BIG);

	/* arm64: same names, told apart by arch and label */
	static const struct { const char *n, *machine, *ops, *dom, *coh, *kind; } arm[] = {
		{ "direct", "virt", "direct", "none", "yes", NULL },
		{ "direct-noncoherent", "virt", "direct", "none", "no", "platform" },
		{ "swiotlb", "virt", "swiotlb", "none", "yes", NULL },
		{ "smmuv3-strict", "virt,iommu=smmuv3", "iommu", "DMA", "yes", NULL },
		{ "smmuv3-lazy", "virt,iommu=smmuv3", "iommu", "DMA-FQ", "yes", NULL },
	};
	CHECK_EQ(dmab_backend_parse_list_arch("all", "arm64", l, 8, &bad), 5);
	for (size_t i = 0; i < 5; i++) {
		char lab[64];
		snprintf(lab, sizeof(lab), "arm64-%s", arm[i].n);
		CHECK_STR(l[i]->name, arm[i].n);
		CHECK_STR(l[i]->arch, "arm64");
		CHECK_STR(dmab_backend_label(l[i]), lab);
		CHECK(dmab_backend_find(lab) == l[i]);
		CHECK_STR(l[i]->machine, arm[i].machine);
		CHECK_STR(l[i]->expect_ops, arm[i].ops);
		CHECK_STR(l[i]->expect_domain, arm[i].dom);
		CHECK_STR(l[i]->expect_coherent, arm[i].coh);
		CHECK((l[i]->dev_kind == NULL) == (arm[i].kind == NULL));
	}
	CHECK_STR(dmab_backend_label(dmab_backend_find("direct")), "direct");	/* x86_64 first */
	CHECK_EQ(dmab_backend_parse_list_arch("direct,smmuv3-lazy", "arm64", l, 8, &bad), 2);
	CHECK_STR(l[0]->arch, "arm64");
	CHECK_EQ(dmab_backend_parse_list("smmuv3-lazy", l, 8, &bad), -EINVAL);	/* x86_64 only */
	CHECK_EQ(dmab_backend_parse_list("arm64-smmuv3-lazy,amd", l, 8, &bad), 2);	/* labels: any arch */
	CHECK_EQ(dmab_backend_parse_list_arch("all", "x86_64,arm64", l, 16, &bad), 12);
	CHECK_STR(l[7]->arch, "arm64");
	CHECK_EQ(dmab_backend_parse_list_arch("direct", "x86_64,arm64", l, 16, &bad), 1);	/* first arch */
	CHECK_STR(l[0]->arch, "x86_64");
	CHECK_EQ(dmab_arch_list_check("x86_64,arm64", &bad), 0);
	CHECK_EQ(dmab_arch_list_check("riscv64", &bad), -EINVAL);
	CHECK_STR(bad, "riscv64");
	CHECK_EQ(dmab_arch_list_check("", &bad), -EINVAL);
	unsetenv("DMABENCH_QEMU_ARM64");
	CHECK_STR(dmab_arch_qemu(dmab_arch_find("arm64")), "qemu-system-aarch64");
	return t_done("test_classify");
}
