// SPDX-License-Identifier: GPL-2.0
/*
 * share_swiotlb_limit: on swiotlb, an allocation whose one CPU segment is
 * larger than dma_max_mapping_size() of the mapping device fails cleanly at
 * map_sg with E2BIG (the module's documented error: swiotlb cannot bounce a
 * segment that large, the kernel would fail the mapping with a warning), on
 * the sg path and on the dma-buf path, and corrupts nothing: the buffer's
 * bytes are unchanged and a buffer of exactly the limit still maps and
 * verifies through the bounce buffer (the device reads what the CPU wrote).
 * Skips on other backends (no such limit below the allocation size).
 */
#include "kmod/tests/tcommon.h"

static void fill(uint8_t *p, uint64_t size, uint64_t seed)
{
	for (uint64_t i = 0; i < size; i++)
		p[i] = dmabench_pattern(seed, i);
}

static uint64_t count_diff(const uint8_t *p, uint64_t size, uint64_t seed)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < size; i++)
		n += p[i] != dmabench_pattern(seed, i);
	return n;
}

int main(void)
{
	struct dmabench_dev_info di;
	struct dmabench_stats s0, s1;
	struct dmabench_alloc al;
	struct dmabench_sgtable st;
	struct dmabench_map_sg m;
	struct dmabench_verify v;
	struct dmabench_dmabuf_export ex;
	struct dmabench_dmabuf_attach at;
	uint32_t a, b, edu[2];
	uint64_t max, size;
	int fd = t_open(), ne, r;
	uint8_t *p;

	ne = t_find_devs(fd, DMABENCH_DEV_EDU, edu, 2);
	if (ne < 1)
		t_skip("no edu device");
	a = edu[0];
	b = ne > 1 ? edu[1] : edu[0];
	t_assert(!t_dev_info(fd, b, &di), "dev_info");
	if (di.ops != DMABENCH_OPS_SWIOTLB)
		t_skip("DMA ops %s, not swiotlb: no bounce-buffer mapping limit", t_ops_name(di.ops));
	max = di.max_mapping_size;
	t_assert(max >= 4096 && max < (64ULL << 20), "swiotlb max_mapping_size %llu", (unsigned long long)max);
	size = 2 * max;
	t_stats(fd, &s0);

	/* over the limit: one contiguous CPU segment of 2 x max */
	r = t_alloc(fd, &al, a, DMABENCH_API_ATTRS, size, DMABENCH_ATTR_FORCE_CONTIGUOUS);
	t_assert(!r, "alloc %llu: %s", (unsigned long long)size, strerror(-r));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(al.handle * t_page_size(fd)));
	t_assert(p != MAP_FAILED, "mmap: %s", strerror(errno));
	fill(p, size, 11);
	t_assert(!t_sgtable(fd, &st, al.handle, NULL, 0), "get_sgtable");
	t_assert(st.nents == 1, "contiguous allocation gave %u segments", st.nents);
	r = t_map_sg(fd, &m, st.handle, b, NULL, 0);
	t_assert(r == -E2BIG, "map_sg of a %llu-byte segment on swiotlb (max %llu): %s, want E2BIG",
		 (unsigned long long)size, (unsigned long long)max, r ? strerror(-r) : "success");
	printf("map_sg: E2BIG as documented: segment %llu > dma_max_mapping_size %llu of %s\n",
	       (unsigned long long)size, (unsigned long long)max, (const char *)di.name);
	memset(&ex, 0, sizeof(ex));
	ex.alloc = al.handle;
	t_xioctl(fd, DMABENCH_IOC_DMABUF_EXPORT, &ex);
	memset(&at, 0, sizeof(at));
	at.fd = ex.fd;
	at.dev = b;
	at.dir = DMABENCH_DIR_BIDIRECTIONAL;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_DMABUF_ATTACH, &at, "dma-buf attach over the swiotlb limit");
	close(ex.fd);
	t_assert(count_diff(p, size, 11) == 0, "the failed mappings changed %llu bytes of the buffer",
		 (unsigned long long)count_diff(p, size, 11));
	t_assert(!munmap(p, size), "munmap");
	t_assert(!t_free(fd, st.handle) && !t_free(fd, al.handle), "free");

	/* exactly the limit: maps, and the device reads the CPU's bytes through the bounce buffer */
	r = t_alloc(fd, &al, a, DMABENCH_API_ATTRS, max, DMABENCH_ATTR_FORCE_CONTIGUOUS);
	t_assert(!r, "alloc %llu: %s", (unsigned long long)max, strerror(-r));
	p = mmap(NULL, max, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(al.handle * t_page_size(fd)));
	t_assert(p != MAP_FAILED, "mmap");
	fill(p, max, 12);
	t_assert(!t_sgtable(fd, &st, al.handle, NULL, 0), "get_sgtable");
	r = t_map_sg(fd, &m, st.handle, b, NULL, 0);
	t_assert(!r, "map_sg of exactly max_mapping_size: %s", strerror(-r));
	memset(&v, 0, sizeof(v));
	v.handle = m.handle;
	v.pages = 2;
	v.len = 1024;
	v.seed = 12;
	t_xioctl(fd, DMABENCH_IOC_VERIFY, &v);
	t_assert(v.checked == 2 && !v.mismatches && !v.blocked, "verify at the limit: %u checked, %u mismatches",
		 v.checked, v.mismatches);
	t_assert(count_diff(p, max, 12) == 0, "buffer changed");
	t_assert(!munmap(p, max), "munmap");
	t_assert(!t_free(fd, m.handle) && !t_free(fd, st.handle) && !t_free(fd, al.handle), "free");

	t_stats(fd, &s1);
	t_assert(t_stats_live_equal(&s0, &s1), "live counters not back to baseline");
	close(fd);
	return T_PASS;
}
