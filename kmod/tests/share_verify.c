// SPDX-License-Identifier: GPL-2.0
/*
 * share_verify: the sharing invariant end to end. An allocation on edu A
 * (attrs none, NO_KERNEL_MAPPING, FORCE_CONTIGUOUS; 4 KiB and 64 KiB) gets a
 * CPU pattern through its mmap, dma_get_sgtable(), dma_map_sg() on edu B,
 * and B's DMA engine reads sampled pages through that mapping (VERIFY): the
 * bytes must match, as the module compares them and as this program
 * compares the device's copy with the mmap. The comparison must be able to
 * fail: a byte the CPU changes afterwards, and a wrong seed, are reported
 * at the right offset. Also: the module's own fill through the kernel VA
 * (none for a NKM cookie: EOPNOTSUPP), a MAP_SINGLE buffer, the dma-buf
 * path once (export on A, attach on B, FREE busy while exported), SET_MASK
 * 32 on B after it verified (the check page is mapped again), VERIFY's
 * argument errors, and the live counters back to baseline.
 */
#include "kmod/tests/tcommon.h"

#define PAGES 3
#define LEN 512

static void fill(uint8_t *p, uint64_t size, uint64_t seed)
{
	for (uint64_t i = 0; i < size; i++)
		p[i] = dmabench_pattern(seed, i);
}

static int verify(int fd, uint32_t handle, uint32_t pages, uint32_t flags, uint64_t seed,
		  uint64_t *offs, uint8_t *data, struct dmabench_verify *v)
{
	memset(v, 0, sizeof(*v));
	v->handle = handle;
	v->flags = flags;
	v->pages = pages;
	v->len = LEN;
	v->seed = seed;
	v->offsets = (uintptr_t)offs;
	v->data = (uintptr_t)data;
	return t_ioctl(fd, DMABENCH_IOC_VERIFY, v);
}

static void expect_clean(const struct dmabench_verify *v, uint32_t want_pages, const char *what)
{
	printf("%s: checked %u bytes %llu mismatches %u blocked %u transfers %u dma %llu ns sync %llu ns\n",
	       what, v->checked, (unsigned long long)v->bytes, v->mismatches, v->blocked, v->transfers,
	       (unsigned long long)v->dma_ns, (unsigned long long)v->sync_ns);
	t_assert(v->checked == want_pages, "%s: %u pages checked, want %u", what, v->checked, want_pages);
	t_assert(v->mismatches == 0 && v->blocked == 0 && v->first_mismatch == ~0ULL,
		 "%s: %u mismatches (first at %llu), %u blocked", what, v->mismatches,
		 (unsigned long long)v->first_mismatch, v->blocked);
}

static void one(int fd, uint32_t a, uint32_t b, uint64_t attrs, uint64_t size, int wrong_seed)
{
	uint64_t page = t_page_size(fd);
	uint64_t offs[PAGES], npages = (size + page - 1) / page, seed = size * 31 + attrs;
	uint32_t want = npages < PAGES ? (uint32_t)npages : PAGES;
	static uint8_t data[PAGES * LEN];
	struct dmabench_alloc al;
	struct dmabench_sgtable st;
	struct dmabench_map_sg m;
	struct dmabench_verify v;
	char what[64];
	uint8_t *p;
	int r;

	snprintf(what, sizeof(what), "attrs %#llx size %llu", (unsigned long long)attrs,
		 (unsigned long long)size);
	r = t_alloc(fd, &al, a, DMABENCH_API_ATTRS, size, attrs);
	t_assert(!r, "%s: alloc: %s", what, strerror(-r));
	p = mmap(NULL, (size + page - 1) & ~(page - 1), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)(al.handle * page));
	t_assert(p != MAP_FAILED, "%s: mmap: %s", what, strerror(errno));
	fill(p, size, seed);
	r = t_sgtable(fd, &st, al.handle, NULL, 0);
	t_assert(!r, "%s: get_sgtable: %s", what, strerror(-r));
	r = t_map_sg(fd, &m, st.handle, b, NULL, 0);
	t_assert(!r, "%s: map_sg on %u: %s", what, b, strerror(-r));
	memset(offs, 0xff, sizeof(offs));
	r = verify(fd, m.handle, PAGES, 0, seed, offs, data, &v);
	t_assert(!r, "%s: verify: %s", what, strerror(-r));
	expect_clean(&v, want, what);
	t_assert(offs[0] == 0 && (want < 2 || offs[1] == (npages - 1) * page), "%s: sampled offsets %llu %llu",
		 what, (unsigned long long)offs[0], (unsigned long long)offs[1]);
	/* the CPU side of the comparison: the device's copy against the mmap */
	for (uint32_t i = 0; i < want; i++)
		t_assert(!memcmp(data + i * LEN, p + offs[i], LEN), "%s: device copy of offset %llu differs from the mmap",
			 what, (unsigned long long)offs[i]);

	/* the comparison can fail: the CPU changes a byte after the pattern */
	p[7] ^= 0x5a;
	r = verify(fd, m.handle, 1, 0, seed, NULL, data, &v);
	t_assert(!r, "%s: verify after change: %s", what, strerror(-r));
	t_assert(v.mismatches == 1 && v.first_mismatch == 7, "%s: changed byte 7: %u mismatches, first at %llu",
		 what, v.mismatches, (unsigned long long)v.first_mismatch);
	t_assert(data[7] == p[7], "%s: device did not read the changed byte (%#x, cpu %#x)", what, data[7], p[7]);
	p[7] ^= 0x5a;
	if (wrong_seed) {
		r = verify(fd, m.handle, 1, 0, seed + 1, NULL, NULL, &v);
		t_assert(!r && v.mismatches > LEN / 2 && v.first_mismatch < LEN,
			 "%s: wrong seed: %s, %u mismatches", what, strerror(-r), v.mismatches);
	}
	t_assert(!munmap(p, (size + 4095) & ~4095ULL), "munmap");
	t_assert(!t_free(fd, m.handle) && !t_free(fd, st.handle) && !t_free(fd, al.handle), "%s: free", what);
}

int main(void)
{
	static const uint64_t attrs[] = { 0, DMABENCH_ATTR_NO_KERNEL_MAPPING, DMABENCH_ATTR_FORCE_CONTIGUOUS };
	static const uint64_t sizes[] = { 4096, 65536 };
	uint32_t edu[4], plat[1];
	struct dmabench_stats s0, s1;
	struct dmabench_alloc al;
	struct dmabench_sgtable st;
	struct dmabench_map_sg m;
	struct dmabench_map_single ms;
	struct dmabench_verify v;
	struct dmabench_dmabuf_export ex;
	struct dmabench_dmabuf_attach at;
	int fd = t_open(), ne, np, r;
	uint8_t *p;

	ne = t_find_devs(fd, DMABENCH_DEV_EDU, edu, 4);
	if (ne < 2)
		t_skip("needs two edu devices (found %d)", ne);
	t_stats(fd, &s0);

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
			one(fd, edu[0], edu[1], attrs[i], sizes[j], i == 0 && j == 1);
	printf("ok sg path: none/NKM/FC x 4K/64K, A=%u B=%u\n", edu[0], edu[1]);

	/* FILL through the kernel VA; a NKM cookie has none */
	t_assert(!t_alloc(fd, &al, edu[0], DMABENCH_API_ATTRS, 65536, 0), "alloc");
	t_assert(!t_sgtable(fd, &st, al.handle, NULL, 0) && !t_map_sg(fd, &m, st.handle, edu[1], NULL, 0), "sg");
	r = verify(fd, m.handle, 2, DMABENCH_VERIFY_FILL, 99, NULL, NULL, &v);
	t_assert(!r, "verify fill: %s", strerror(-r));
	expect_clean(&v, 2, "fill 64K");
	t_assert(!t_free(fd, m.handle) && !t_free(fd, st.handle) && !t_free(fd, al.handle), "free");
	t_assert(!t_alloc(fd, &al, edu[0], DMABENCH_API_ATTRS, 4096, DMABENCH_ATTR_NO_KERNEL_MAPPING), "alloc nkm");
	t_assert(!t_sgtable(fd, &st, al.handle, NULL, 0) && !t_map_sg(fd, &m, st.handle, edu[1], NULL, 0), "sg");
	t_expect_err(EOPNOTSUPP, fd, DMABENCH_IOC_VERIFY,
		     (verify(fd, m.handle, 1, DMABENCH_VERIFY_FILL, 1, NULL, NULL, &v), &v), "fill on a NKM cookie");

	/* argument errors (on a valid mapping) */
	verify(fd, m.handle, 0, 0, 1, NULL, NULL, &v);
	t_expect_err(EINVAL, fd, DMABENCH_IOC_VERIFY, &v, "pages 0");
	verify(fd, m.handle, DMABENCH_VERIFY_MAX_PAGES + 1, 0, 1, NULL, NULL, &v);
	t_expect_err(E2BIG, fd, DMABENCH_IOC_VERIFY, &v, "pages above max");
	verify(fd, m.handle, 1, 0, 1, NULL, NULL, &v);
	v.len = 4096;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_VERIFY, &v, "len 4096 (QEMU 7.2 would abort)");
	v.len = LEN;
	v.reserved[3] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_VERIFY, &v, "reserved");
	v.reserved[3] = 0;
	v.flags = 0x80;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_VERIFY, &v, "unknown flag");
	v.flags = 0;
	v.handle = al.handle;
	t_expect_err(EBADF, fd, DMABENCH_IOC_VERIFY, &v, "allocation handle");
	v.handle = st.handle;
	t_expect_err(EBADF, fd, DMABENCH_IOC_VERIFY, &v, "sg table handle");
	v.handle = 0;
	t_expect_err(EBADF, fd, DMABENCH_IOC_VERIFY, &v, "handle 0");
	t_assert(!t_free(fd, m.handle) && !t_free(fd, st.handle) && !t_free(fd, al.handle), "free");

	/* MAP_SINGLE: the module's pages, filled through the kernel VA */
	/* (sizes in the kernel's pages: VERIFY samples pages; 16 KiB on arm64-16k kernels) */
	t_assert(!t_map_single(fd, &ms, edu[1], 3 * t_page_size(fd) + 100), "map_single");
	r = verify(fd, ms.handle, 3, DMABENCH_VERIFY_FILL, 5, NULL, NULL, &v);
	t_assert(!r, "verify map_single: %s", strerror(-r));
	expect_clean(&v, 3, "map_single 3 pages + 100");
	t_assert(!t_free(fd, ms.handle), "free");

	/* SET_MASK on an edu device that verified before: its check page is mapped again */
	{
		struct dmabench_set_mask sm;

		memset(&sm, 0, sizeof(sm));
		sm.dev = edu[1];
		sm.bits = 32;
		t_xioctl(fd, DMABENCH_IOC_SET_MASK, &sm);
		t_assert(!t_map_single(fd, &ms, edu[1], 2 * t_page_size(fd)), "map_single with a 32-bit mask");
		t_assert(ms.dma_addr + 2 * t_page_size(fd) <= (1ULL << 32), "DMA address %#llx above the 32-bit mask",
			 (unsigned long long)ms.dma_addr);
		r = verify(fd, ms.handle, 2, DMABENCH_VERIFY_FILL, 6, NULL, NULL, &v);
		t_assert(!r, "verify after SET_MASK 32: %s", strerror(-r));
		expect_clean(&v, 2, "32-bit mask");
		t_expect_err(EBUSY, fd, DMABENCH_IOC_SET_MASK, &sm, "SET_MASK while the device has a mapping");
		t_assert(!t_free(fd, ms.handle), "free");
		sm.bits = 64;
		t_xioctl(fd, DMABENCH_IOC_SET_MASK, &sm);
	}

	/* a device without an engine */
	np = t_find_devs(fd, DMABENCH_DEV_PLATFORM, plat, 1);
	if (np && !t_map_single(fd, &ms, plat[0], 4096)) {
		t_expect_err(EOPNOTSUPP, fd, DMABENCH_IOC_VERIFY,
			     (verify(fd, ms.handle, 1, DMABENCH_VERIFY_FILL, 1, NULL, NULL, &v), &v), "platform device");
		t_assert(!t_free(fd, ms.handle), "free");
	}

	/* dma-buf: NKM allocation on A, pattern through its mmap, attachment on B */
	t_assert(!t_alloc(fd, &al, edu[0], DMABENCH_API_ATTRS, 65536, DMABENCH_ATTR_NO_KERNEL_MAPPING), "alloc");
	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(al.handle * t_page_size(fd)));
	t_assert(p != MAP_FAILED, "mmap");
	fill(p, 65536, 77);
	memset(&ex, 0, sizeof(ex));
	ex.alloc = al.handle;
	t_xioctl(fd, DMABENCH_IOC_DMABUF_EXPORT, &ex);
	t_assert(ex.fd >= 0 && ex.size == 65536, "export: fd %d size %llu", ex.fd, (unsigned long long)ex.size);
	t_expect_err(EBUSY, fd, DMABENCH_IOC_DMABUF_EXPORT, &ex, "second export");
	memset(&at, 0, sizeof(at));
	at.fd = ex.fd;
	at.dev = edu[1];
	at.dir = DMABENCH_DIR_BIDIRECTIONAL;
	t_xioctl(fd, DMABENCH_IOC_DMABUF_ATTACH, &at);
	t_assert(at.dma_len >= 65536 && at.nents_mapped >= 1, "attach: dma_len %llu", (unsigned long long)at.dma_len);
	r = verify(fd, at.handle, 3, 0, 77, NULL, NULL, &v);
	t_assert(!r, "verify dma-buf: %s", strerror(-r));
	expect_clean(&v, 3, "dma-buf NKM 64K");
	t_assert(t_free(fd, al.handle) == -EBUSY, "FREE of an exported allocation must be EBUSY");
	t_assert(!munmap(p, 65536), "munmap");
	t_assert(!t_free(fd, at.handle), "free attachment");
	t_assert(t_free(fd, al.handle) == -EBUSY, "FREE while the dma-buf fd is open must be EBUSY");
	close(ex.fd);
	r = t_free(fd, al.handle);
	t_assert(!r, "FREE after the dma-buf is gone: %s", strerror(-r));
	printf("ok dma-buf: export, attach on B, verify, FREE busy until released\n");

	t_stats(fd, &s1);
	t_print_stats("before", &s0);
	t_print_stats("after", &s1);
	t_assert(t_stats_live_equal(&s0, &s1), "live counters not back to baseline");
	close(fd);
	return T_PASS;
}
