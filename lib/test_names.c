// SPDX-License-Identifier: GPL-2.0
/* Unit test: lib/names.c tables round trip, attribute sets format/parse. */
#include <errno.h>

#include "kmod/dmabench_abi.h"
#include "names.h"
#include "test_util.h"

static void round_trip(const struct dmab_name *t, uint32_t first, uint32_t last)
{
	const struct dmab_name *p;
	uint32_t v;

	for (v = first; v <= last; v++) {
		const char *n = dmab_name_of(t, v);

		CHECK(n != NULL);
		if (n)
			CHECK_EQ(dmab_value_of(t, n), (int)v);
	}
	/* every table entry round trips and names are unique */
	for (p = t; p->name; p++) {
		const struct dmab_name *q;

		CHECK_EQ(dmab_value_of(t, p->name), (int)p->val);
		for (q = p + 1; q->name; q++)
			CHECK(strcmp(p->name, q->name) != 0);
	}
	CHECK(dmab_name_of(t, 0) == NULL);	/* ABI enums start at 1 */
	CHECK_STR(dmab_name_or(t, 0), "?");
	CHECK_EQ(dmab_value_of(t, "no-such-name"), -EINVAL);
	CHECK_EQ(dmab_value_of(t, NULL), -EINVAL);
}

static void attrs_rt(uint64_t attrs, const char *expect)
{
	char buf[128];
	uint64_t back = ~0ULL;

	CHECK_EQ(dmab_attrs_format(attrs, buf, sizeof(buf)), 0);
	CHECK_STR(buf, expect);
	CHECK_EQ(dmab_attrs_parse(buf, &back), 0);
	CHECK_EQ_U(back, attrs);
}

int main(void)
{
	uint64_t a;
	char small[4];
	uint32_t bit;

	round_trip(dmab_api_names, DMABENCH_API_ATTRS, DMABENCH_API_MAX);
	round_trip(dmab_dev_kind_names, DMABENCH_DEV_EDU, DMABENCH_DEV_BOUND);
	round_trip(dmab_ops_names, DMABENCH_OPS_DIRECT, DMABENCH_OPS_OTHER);
	round_trip(dmab_domain_names, DMABENCH_DOMAIN_NONE, DMABENCH_DOMAIN_OTHER);
	round_trip(dmab_dir_names, DMABENCH_DIR_BIDIRECTIONAL, DMABENCH_DIR_FROM_DEVICE);
	round_trip(dmab_kva_kind_names, DMABENCH_KVA_LINEAR, DMABENCH_KVA_NONE);
	round_trip(dmab_sync_names, DMABENCH_SYNC_FOR_CPU, DMABENCH_SYNC_FOR_DEVICE);
	round_trip(dmab_lat_op_names, DMABENCH_LAT_ALLOC_FREE, DMABENCH_LAT_OP_MAX);
	round_trip(dmab_lat_half_a_names, DMABENCH_LAT_ALLOC_FREE, DMABENCH_LAT_OP_MAX);
	round_trip(dmab_lat_half_b_names, DMABENCH_LAT_ALLOC_FREE, DMABENCH_LAT_OP_MAX);

	/* specific names the JSON schemas promise */
	CHECK_STR(dmab_name_of(dmab_api_names, DMABENCH_API_NONCONTIG_VMAP), "noncontig_vmap");
	CHECK_STR(dmab_name_of(dmab_kva_kind_names, DMABENCH_KVA_COOKIE), "cookie");
	CHECK_STR(dmab_name_of(dmab_lat_half_a_names, DMABENCH_LAT_SGTABLE), "get_sgtable");
	CHECK_STR(dmab_name_of(dmab_lat_half_b_names, DMABENCH_LAT_MAP_SINGLE), "unmap_single");
	/* sysfs iommu group type strings and case/separator tolerance */
	CHECK_EQ(dmab_value_of(dmab_domain_names, "DMA"), DMABENCH_DOMAIN_DMA);
	CHECK_EQ(dmab_value_of(dmab_domain_names, "DMA-FQ"), DMABENCH_DOMAIN_DMA_FQ);
	CHECK_EQ(dmab_value_of(dmab_domain_names, "dma_fq"), DMABENCH_DOMAIN_DMA_FQ);
	CHECK_EQ(dmab_value_of(dmab_domain_names, "identity"), DMABENCH_DOMAIN_IDENTITY);
	CHECK_EQ(dmab_value_of(dmab_ops_names, "IOMMU"), DMABENCH_OPS_IOMMU);
	CHECK_EQ(dmab_value_of(dmab_api_names, "noncontig-vmap"), DMABENCH_API_NONCONTIG_VMAP);
	CHECK_EQ(dmab_value_of(dmab_api_names, "noncontig_vma"), -EINVAL);

	/* attribute sets used by the VA sweep */
	attrs_rt(0, "none");
	attrs_rt(DMABENCH_ATTR_NO_KERNEL_MAPPING, "NKM");
	attrs_rt(DMABENCH_ATTR_FORCE_CONTIGUOUS, "FC");
	attrs_rt(DMABENCH_ATTR_ALLOC_SINGLE_PAGES, "ASP");
	attrs_rt(DMABENCH_ATTR_NO_KERNEL_MAPPING | DMABENCH_ATTR_FORCE_CONTIGUOUS, "NKM+FC");
	attrs_rt(DMABENCH_ALLOC_ATTRS_MASK | DMABENCH_ATTR_SKIP_CPU_SYNC, "WO+WC+NKM+FC+ASP+NW+PRIV+SCS");
	attrs_rt(1ULL << 40 | DMABENCH_ATTR_WEAK_ORDERING, "WO+0x10000000000");
	/* every single bit has a name that parses back */
	for (bit = 0; bit < 8; bit++) {
		const char *n = dmab_attr_bit_name(1ULL << bit);

		CHECK(n != NULL);
		if (n) {
			CHECK_EQ(dmab_attrs_parse(n, &a), 0);
			CHECK_EQ_U(a, 1ULL << bit);
		}
	}
	CHECK(dmab_attr_bit_name(1ULL << 9) == NULL);

	/* parse: long names, prefixes, case, order */
	CHECK_EQ(dmab_attrs_parse("DMA_ATTR_NO_KERNEL_MAPPING+fc", &a), 0);
	CHECK_EQ_U(a, DMABENCH_ATTR_NO_KERNEL_MAPPING | DMABENCH_ATTR_FORCE_CONTIGUOUS);
	CHECK_EQ(dmab_attrs_parse("FC+NKM", &a), 0);
	CHECK_EQ_U(a, DMABENCH_ATTR_NO_KERNEL_MAPPING | DMABENCH_ATTR_FORCE_CONTIGUOUS);
	CHECK_EQ(dmab_attrs_parse("NONE", &a), 0);
	CHECK_EQ_U(a, 0);
	CHECK_EQ(dmab_attrs_parse("0x24", &a), 0);
	CHECK_EQ_U(a, 0x24);
	/* errors leave *attrs alone */
	a = 7;
	CHECK_EQ(dmab_attrs_parse("", &a), -EINVAL);
	CHECK_EQ(dmab_attrs_parse("NKM+", &a), -EINVAL);
	CHECK_EQ(dmab_attrs_parse("+NKM", &a), -EINVAL);
	CHECK_EQ(dmab_attrs_parse("NKM++FC", &a), -EINVAL);
	CHECK_EQ(dmab_attrs_parse("NKM+BOGUS", &a), -EINVAL);
	CHECK_EQ(dmab_attrs_parse("0x", &a), -EINVAL);
	CHECK_EQ(dmab_attrs_parse(NULL, &a), -EINVAL);
	CHECK_EQ_U(a, 7);

	/* too small a buffer: -ENOSPC and a terminated prefix */
	CHECK_EQ(dmab_attrs_format(DMABENCH_ATTR_NO_KERNEL_MAPPING | DMABENCH_ATTR_FORCE_CONTIGUOUS,
				     small, sizeof(small)), -ENOSPC);
	CHECK(strlen(small) < sizeof(small));
	CHECK_EQ(dmab_attrs_format(0, small, 0), -ENOSPC);
	return t_done("test_names");
}
