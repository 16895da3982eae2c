// SPDX-License-Identifier: GPL-2.0
/*
 * sg_invariants: allocate on device A (every API, attrs none and NKM for
 * dma_alloc_attrs: the 2012 cookie path), dma_get_sgtable() covers exactly
 * the size (the kernel may round the last entry up to a page: page-aligned
 * sizes must match exactly), then dma_map_sgtable() on device B:
 * nents_mapped <= nents_in, sum of DMA lengths == table length, every
 * segment inside B's DMA mask and segment boundary, and no segment longer
 * than max_seg_size - checked only when every CPU entry respects B's
 * max_seg_size: dma_get_sgtable() knows nothing about B's limits, and
 * with an oversize input entry the kernel passes it through (dma-direct)
 * or even merges further entries onto it (iommu-dma __finalise_sg() on
 * 6.1: "max_len - cur_len" underflows); both are printed as NOTEs, the
 * raw material for the sharing report. A mapping larger than B's
 * dma_max_mapping_size (swiotlb) must be refused with E2BIG.
 */
#include "kmod/tests/tcommon.h"

#define SEGS_MAX 4096

static struct dmabench_seg cpu_segs[SEGS_MAX], dma_segs[SEGS_MAX];
static const uint64_t sizes[] = { 4096, 65536, 1 << 20, (1 << 20) + 4096, 12288 + 100 };

int main(void)
{
	struct dmabench_dev_info da, db;
	struct dmabench_stats s0, s1;
	struct dmabench_sgtable st;
	struct dmabench_map_sg m;
	struct dmabench_alloc a;
	uint32_t A, B, api, i;
	uint64_t page;
	int fd, r, cases = 0, notes = 0;
	size_t si, ai;
	uint64_t attrs_list[2] = { 0, DMABENCH_ATTR_NO_KERNEL_MAPPING };

	fd = t_open();
	page = t_page_size(fd);
	if (!t_pick_pair(fd, &A, &B))
		t_skip("no dmabench device");
	t_assert(!t_dev_info(fd, A, &da) && !t_dev_info(fd, B, &db), "dev_info");
	printf("sg_invariants: alloc on %u %s (%s), map on %u %s (%s) mask=%#llx max_seg=%u boundary=%#llx max_mapping=%llu\n",
	       A, (char *)da.name, t_ops_name(da.ops), B, (char *)db.name, t_ops_name(db.ops),
	       (unsigned long long)db.dma_mask, db.max_seg_size,
	       (unsigned long long)db.seg_boundary, (unsigned long long)db.max_mapping_size);
	t_stats(fd, &s0);

	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (api = DMABENCH_API_ATTRS; api <= DMABENCH_API_MAX; api++) {
			if (!t_api_ok(fd, api)) {
				t_skip_part(t_api_name(api), t_feature_why[DMABENCH_FEAT_NONCONTIG]);
				continue;
			}
			for (ai = 0; ai < (api == DMABENCH_API_ATTRS ? 2u : 1u); ai++) {
				uint64_t size = sizes[si], aligned = (size + page - 1) & ~(page - 1);
				uint64_t sum = 0, maxin = 0;

				r = t_alloc(fd, &a, A, api, size, attrs_list[ai]);
				if (r)
					t_fail("alloc api=%s size=%llu: %s", t_api_name(api),
					       (unsigned long long)size, strerror(-r));
				r = t_sgtable(fd, &st, a.handle, cpu_segs, SEGS_MAX);
				if (r)
					t_fail("get_sgtable api=%s: %s", t_api_name(api), strerror(-r));
				t_assert(st.nents >= 1 && st.nents <= SEGS_MAX, "nents %u", st.nents);
				for (i = 0; i < st.nents; i++) {
					sum += cpu_segs[i].length;
					if (cpu_segs[i].length > maxin)
						maxin = cpu_segs[i].length;
				}
				t_assert(sum == st.total_len, "seg sum %llu != total_len %llu",
					 (unsigned long long)sum, (unsigned long long)st.total_len);
				if (st.total_len != size &&
				    !(size != aligned && st.total_len == aligned))
					t_fail("api=%s attrs=%llu size=%llu: sg table covers %llu",
					       t_api_name(api), (unsigned long long)attrs_list[ai],
					       (unsigned long long)size,
					       (unsigned long long)st.total_len);

				r = t_map_sg(fd, &m, st.handle, B, dma_segs, SEGS_MAX);
				if (r == -E2BIG && maxin > db.max_mapping_size) {
					printf("sg_invariants: api=%-14s attrs=%llu size=%-8llu cpu_nents=%u: segment %llu > max_mapping_size: E2BIG as expected\n",
					       t_api_name(api), (unsigned long long)attrs_list[ai],
					       (unsigned long long)size, st.nents,
					       (unsigned long long)maxin);
				} else if (r) {
					t_fail("map_sg api=%s size=%llu on dev %u: %s", t_api_name(api),
					       (unsigned long long)size, B, strerror(-r));
				} else {
					uint64_t dsum = 0;

					t_assert(m.nents_in == st.nents, "nents_in %u != %u", m.nents_in, st.nents);
					t_assert(m.nents_mapped >= 1 && m.nents_mapped <= m.nents_in,
						 "nents_mapped %u nents_in %u", m.nents_mapped, m.nents_in);
					for (i = 0; i < m.nents_mapped; i++) {
						uint64_t s = dma_segs[i].dma_addr, len = dma_segs[i].length;
						uint64_t e = s + len - 1;

						dsum += len;
						t_assert(len > 0, "empty dma segment %u", i);
						t_assert(e >= s && e <= db.dma_mask,
							 "segment %u %#llx+%llu outside mask %#llx", i,
							 (unsigned long long)s, (unsigned long long)len,
							 (unsigned long long)db.dma_mask);
						t_assert((s & ~db.seg_boundary) == (e & ~db.seg_boundary),
							 "segment %u %#llx+%llu crosses boundary %#llx", i,
							 (unsigned long long)s, (unsigned long long)len,
							 (unsigned long long)db.seg_boundary);
						if (len > db.max_seg_size) {
							/* strict only for tables within B's limits */
							t_assert(maxin > db.max_seg_size,
								 "segment %u len %llu > max_seg_size %u",
								 i, (unsigned long long)len, db.max_seg_size);
							if (len > maxin)
								printf("sg_invariants: NOTE: dma segment %u len %llu longer than any cpu entry (%llu): merged past max_seg_size %u after an oversize entry\n",
								       i, (unsigned long long)len,
								       (unsigned long long)maxin, db.max_seg_size);
							notes++;
						}
					}
					t_assert(dsum == m.dma_len && dsum == st.total_len,
						 "dma sum %llu, dma_len %llu, table %llu",
						 (unsigned long long)dsum, (unsigned long long)m.dma_len,
						 (unsigned long long)st.total_len);
					printf("sg_invariants: api=%-14s attrs=%llu size=%-8llu cpu_nents=%-4u dma_nents=%-4u first=%#llx OK%s\n",
					       t_api_name(api), (unsigned long long)attrs_list[ai],
					       (unsigned long long)size, st.nents, m.nents_mapped,
					       (unsigned long long)dma_segs[0].dma_addr,
					       maxin > db.max_seg_size ? " (NOTE: cpu entry > max_seg_size passed through)" : "");
					t_assert(t_free(fd, st.handle) == -EBUSY, "sgtable with mapping not busy");
					t_assert(!t_free(fd, m.handle), "unmap");
				}
				t_assert(!t_free(fd, st.handle), "free sgtable");
				t_assert(!t_free(fd, a.handle), "free alloc");
				cases++;
			}
		}
	}
	t_stats(fd, &s1);
	if (!t_stats_live_equal(&s0, &s1))
		t_fail("live counters changed");
	close(fd);
	printf("sg_invariants: %d cases, %d oversize pass-through segments: PASS\n", cases, notes);
	return t_done();
}
