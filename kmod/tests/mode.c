// SPDX-License-Identifier: GPL-2.0
/*
 * mode: every edu device's DEV_INFO ops kind and IOMMU domain type match
 * DMABENCH_EXPECT_OPS (direct|swiotlb|iommu) and DMABENCH_EXPECT_DOMAIN
 * (none|identity|DMA|DMA-FQ); the domain type also agrees with
 * /sys/kernel/iommu_groups/<group>/type.
 * DMABENCH_DEV_KIND=platform checks the module's platform devices instead of
 * the edu devices; DMABENCH_EXPECT_COHERENT=yes|no also checks
 * dev_is_dma_coherent() of the devices checked.
 * Kernels before 5.15 have no DMA-FQ domain type (INFO features without
 * DMABENCH_FEAT_DOMAIN_FQ): sysfs says "DMA" for strict and lazy domains
 * alike, while the module reads the driver's flush queue (5.10's Intel
 * driver ignores iommu.strict: the descriptor's strict mode needs
 * intel_iommu=strict there). The module's answer is then checked against
 * the expectation, and sysfs only for "DMA".
 */
#include <stdbool.h>

#include "kmod/tests/tcommon.h"

static int sysfs_group_type(int group, char *buf, size_t len)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/type", group);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

int main(void)
{
	const char *eops = getenv("DMABENCH_EXPECT_OPS");
	const char *edom = getenv("DMABENCH_EXPECT_DOMAIN");
	const char *ecoh = getenv("DMABENCH_EXPECT_COHERENT");
	const char *kind = getenv("DMABENCH_DEV_KIND");
	bool plat = kind && !strcmp(kind, "platform");
	uint32_t ids[DMABENCH_MAX_DEVICES];
	struct dmabench_dev_info di;
	int fd, n, i, bad = 0;
	bool fq_type;
	char type[64];

	fd = t_open();
	fq_type = t_has(fd, DMABENCH_FEAT_DOMAIN_FQ);
	n = t_find_devs(fd, plat ? DMABENCH_DEV_PLATFORM : DMABENCH_DEV_EDU, ids, DMABENCH_MAX_DEVICES);
	if (!n && plat)
		t_fail("DMABENCH_DEV_KIND=platform but no platform device");
	if (!n)
		t_skip("no edu device (run QEMU with -device edu)");
	if (!eops || !edom)
		t_skip("DMABENCH_EXPECT_OPS / DMABENCH_EXPECT_DOMAIN not set");

	for (i = 0; i < n; i++) {
		t_assert(!t_dev_info(fd, ids[i], &di), "dev_info %u", ids[i]);
		printf("mode: dev %u %s ops=%s domain=%s group=%d mask=%#llx max_mapping=%llu max_seg=%u coherent=%u\n",
		       ids[i], (char *)di.name, t_ops_name(di.ops), t_domain_name(di.domain_type),
		       di.iommu_group, (unsigned long long)di.dma_mask,
		       (unsigned long long)di.max_mapping_size, di.max_seg_size, di.coherent);
		if (strcmp(t_ops_name(di.ops), eops)) {
			printf("mode: dev %u: ops %s, expected %s\n", ids[i], t_ops_name(di.ops), eops);
			bad++;
		}
		if (strcmp(t_domain_name(di.domain_type), edom)) {
			printf("mode: dev %u: domain %s, expected %s\n", ids[i],
			       t_domain_name(di.domain_type), edom);
			bad++;
		}
		if (di.iommu_group >= 0 && !sysfs_group_type(di.iommu_group, type, sizeof(type)) &&
		    strcmp(type, t_domain_name(di.domain_type)) &&
		    !(!fq_type && !strcmp(type, "DMA") && di.domain_type == DMABENCH_DOMAIN_DMA_FQ)) {
			printf("mode: dev %u: sysfs group %d type '%s' != module's '%s'\n", ids[i],
			       di.iommu_group, type, t_domain_name(di.domain_type));
			bad++;
		}
		if (ecoh && *ecoh && strcmp(di.coherent ? "yes" : "no", ecoh)) {
			printf("mode: dev %u: coherent=%u, expected %s\n", ids[i], di.coherent, ecoh);
			bad++;
		}
		if ((di.iommu_group < 0) != (di.domain_type == DMABENCH_DOMAIN_NONE)) {
			printf("mode: dev %u: group %d but domain %s\n", ids[i], di.iommu_group,
			       t_domain_name(di.domain_type));
			bad++;
		}
	}
	close(fd);
	if (bad)
		t_fail("%d mismatches (expected ops=%s domain=%s coherent=%s)", bad, eops, edom,
		       ecoh ? ecoh : "any");
	printf("mode: %d %s devices ops=%s domain=%s coherent=%s: PASS\n", n, plat ? "platform" : "edu", eops,
	       edom, ecoh ? ecoh : "any");
	return T_PASS;
}
