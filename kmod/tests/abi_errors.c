// SPDX-License-Identifier: GPL-2.0
/*
 * abi_errors: every error path of every ioctl, in the documented order
 * (ENOTTY, EFAULT, EINVAL, E2BIG, EBADF, ENODEV, EBUSY, ENOSPC), the mmap
 * errors, an output copy to read-only memory (the object is undone), and
 * afterwards the STATS live counters are back to their baseline.
 */
#include "kmod/tests/tcommon.h"

#define BAD ((void *)8)		/* unmapped user address */

struct cmd {
	unsigned long nr;
	const char *name;
	size_t size;
};

static const struct cmd cmds[] = {
	{ DMABENCH_IOC_INFO, "INFO", sizeof(struct dmabench_info) },
	{ DMABENCH_IOC_DEV_INFO, "DEV_INFO", sizeof(struct dmabench_dev_info) },
	{ DMABENCH_IOC_SET_MASK, "SET_MASK", sizeof(struct dmabench_set_mask) },
	{ DMABENCH_IOC_ALLOC, "ALLOC", sizeof(struct dmabench_alloc) },
	{ DMABENCH_IOC_FREE, "FREE", sizeof(struct dmabench_handle) },
	{ DMABENCH_IOC_GET_SGTABLE, "GET_SGTABLE", sizeof(struct dmabench_sgtable) },
	{ DMABENCH_IOC_MAP_SG, "MAP_SG", sizeof(struct dmabench_map_sg) },
	{ DMABENCH_IOC_MAP_SINGLE, "MAP_SINGLE", sizeof(struct dmabench_map_single) },
	{ DMABENCH_IOC_SYNC, "SYNC", sizeof(struct dmabench_sync) },
	{ DMABENCH_IOC_STATS, "STATS", sizeof(struct dmabench_stats) },
	{ DMABENCH_IOC_LAT, "LAT", sizeof(struct dmabench_lat) },
};

static uint32_t P, E;	/* a platform device, the other device (edu if any) */
static uint32_t handles[DMABENCH_MAX_OBJECTS];

static void lat_base(struct dmabench_lat *l)
{
	memset(l, 0, sizeof(*l));
	l->op = DMABENCH_LAT_ALLOC_FREE;
	l->dev = P;
	l->api = DMABENCH_API_ATTRS;
	l->size = 4096;
	l->iters = 1;
}

static void alloc_base(struct dmabench_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->dev = P;
	a->api = DMABENCH_API_ATTRS;
	a->size = 4096;
}

int main(void)
{
	struct dmabench_stats s0, s1;
	struct dmabench_alloc a, a2;
	struct dmabench_sgtable st;
	struct dmabench_map_sg m;
	struct dmabench_map_single ms;
	struct dmabench_handle h;
	struct dmabench_sync sy;
	struct dmabench_set_mask sm;
	struct dmabench_lat l;
	struct dmabench_dev_info di;
	struct dmabench_info in;
	uint32_t plat[2], edu[1], nodev;
	unsigned char *ro;
	uint64_t pg;
	size_t i;
	void *p;
	int fd, r, n, ne;

	fd = t_open();
	if (t_find_devs(fd, DMABENCH_DEV_PLATFORM, plat, 2) < 1)
		t_skip("no dmabench platform device (nplatform=0)");
	P = plat[0];
	ne = t_find_devs(fd, DMABENCH_DEV_EDU, edu, 1);
	E = ne ? edu[0] : P;
	nodev = t_ndevs(fd) + 7;
	t_stats(fd, &s0);
	t_print_stats("baseline", &s0);

	/* unknown commands */
	t_expect_err(ENOTTY, fd, _IOWR(DMABENCH_IOC_MAGIC, 99, struct dmabench_info), &in, "cmd 99");
	t_expect_err(ENOTTY, fd, _IOWR(DMABENCH_IOC_MAGIC, 1, struct dmabench_stats), &in, "INFO with wrong size");
	t_expect_err(ENOTTY, fd, _IO(DMABENCH_IOC_MAGIC, 5), NULL, "FREE without size");
	t_expect_err(ENOTTY, fd, _IOWR('x', 4, struct dmabench_alloc), &a, "other magic");

	/* bad pointers */
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		t_expect_err(EFAULT, fd, cmds[i].nr, BAD, cmds[i].name);
		t_expect_err(EFAULT, fd, cmds[i].nr, NULL, cmds[i].name);
	}

	/* nonzero reserved, field by field */
	memset(&in, 0, sizeof(in)); in.reserved[2] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_INFO, &in, "INFO reserved");
	memset(&di, 0, sizeof(di)); di.dev = P; di.reserved[0] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_DEV_INFO, &di, "DEV_INFO reserved");
	memset(&sm, 0, sizeof(sm)); sm.dev = P; sm.bits = 64; sm.reserved[1] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SET_MASK, &sm, "SET_MASK reserved");
	alloc_base(&a); a.reserved[2] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "ALLOC reserved");
	memset(&h, 0, sizeof(h)); h.handle = 1; h.reserved0 = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_FREE, &h, "FREE reserved0");
	memset(&h, 0, sizeof(h)); h.handle = 1; h.reserved[1] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_FREE, &h, "FREE reserved");
	memset(&st, 0, sizeof(st)); st.alloc = 1; st.reserved[0] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_GET_SGTABLE, &st, "GET_SGTABLE reserved");
	memset(&m, 0, sizeof(m)); m.sgt = 1; m.dir = 1; m.reserved0 = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_MAP_SG, &m, "MAP_SG reserved0");
	memset(&m, 0, sizeof(m)); m.sgt = 1; m.dir = 1; m.reserved[3] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_MAP_SG, &m, "MAP_SG reserved");
	memset(&ms, 0, sizeof(ms)); ms.dev = P; ms.dir = 1; ms.size = 4096; ms.reserved0 = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_MAP_SINGLE, &ms, "MAP_SINGLE reserved0");
	memset(&ms, 0, sizeof(ms)); ms.dev = P; ms.dir = 1; ms.size = 4096; ms.reserved[0] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_MAP_SINGLE, &ms, "MAP_SINGLE reserved");
	memset(&sy, 0, sizeof(sy)); sy.handle = 1; sy.sync = 1; sy.dir = 1; sy.reserved0 = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SYNC, &sy, "SYNC reserved0");
	memset(&sy, 0, sizeof(sy)); sy.handle = 1; sy.sync = 1; sy.dir = 1; sy.reserved[1] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SYNC, &sy, "SYNC reserved");
	memset(&s1, 0, sizeof(s1)); s1.reserved[0] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_STATS, &s1, "STATS reserved");
	lat_base(&l); l.reserved[0] = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "LAT reserved");
	lat_base(&l); l.flags = 1U << 7;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "LAT unknown flag");
	lat_base(&l); l.samples_c = 8;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "LAT samples_c without LAT_CALIB");
	lat_base(&l); l.threads = DMABENCH_MAX_LAT_THREADS + 1;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_LAT, &l, "LAT threads above the limit");
	lat_base(&l); l.threads = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN) + 1;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_LAT, &l, "LAT more threads than online CPUs");
	lat_base(&l); l.threads = 1; l.iters = DMABENCH_MAX_LAT_ITERS;
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		l.threads = 2;
		t_expect_err(E2BIG, fd, DMABENCH_IOC_LAT, &l, "LAT threads x iters above the sample limit");
	}

	/* ALLOC ranges, in order: EINVAL before E2BIG before ENODEV */
	alloc_base(&a); a.api = 0;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "api 0");
	alloc_base(&a); a.api = DMABENCH_API_MAX + 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "api max+1");
	alloc_base(&a); a.attrs = DMABENCH_ATTR_SKIP_CPU_SYNC;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "alloc attr SKIP_CPU_SYNC");
	alloc_base(&a); a.attrs = 1ULL << 40;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "alloc attr bit 40");
	alloc_base(&a); a.dir = DMABENCH_DIR_TO_DEVICE;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "ATTRS with dir");
	alloc_base(&a); a.api = DMABENCH_API_PAGES;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "PAGES dir 0");
	alloc_base(&a); a.api = DMABENCH_API_PAGES; a.dir = 4;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "PAGES dir 4");
	alloc_base(&a); a.api = DMABENCH_API_PAGES; a.dir = 1; a.attrs = DMABENCH_ATTR_NO_WARN;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "PAGES with attrs");
	alloc_base(&a); a.api = DMABENCH_API_NONCONTIG; a.dir = 1; a.attrs = DMABENCH_ATTR_NO_KERNEL_MAPPING;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "NONCONTIG with NKM");
	alloc_base(&a); a.size = 0;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_ALLOC, &a, "size 0");
	alloc_base(&a); a.size = DMABENCH_MAX_ALLOC_SIZE + 1;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_ALLOC, &a, "size max+1");
	alloc_base(&a); a.size = DMABENCH_MAX_ALLOC_SIZE + 1; a.dev = nodev;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_ALLOC, &a, "E2BIG before ENODEV");
	alloc_base(&a); a.dev = nodev;
	t_expect_err(ENODEV, fd, DMABENCH_IOC_ALLOC, &a, "alloc bad dev");
	alloc_base(&a); a.dev = 0xffffffff;
	t_expect_err(ENODEV, fd, DMABENCH_IOC_ALLOC, &a, "alloc dev ~0");
	t_expect_err(ENODEV, fd, DMABENCH_IOC_DEV_INFO, &(struct dmabench_dev_info){ .dev = nodev }, "dev_info bad dev");

	/* a live allocation to play with */
	alloc_base(&a);
	t_xioctl(fd, DMABENCH_IOC_ALLOC, &a);
	t_assert(a.handle >= 1, "handle %u", a.handle);

	/* FREE / handle errors */
	t_assert(t_free(fd, 0) == -EBADF, "free 0");
	t_assert(t_free(fd, 123456) == -EBADF, "free unknown");
	t_assert(t_free(fd, 0xffffffff) == -EBADF, "free ~0");

	/* GET_SGTABLE */
	memset(&st, 0, sizeof(st)); st.alloc = a.handle; st.segs_max = 65537;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_GET_SGTABLE, &st, "segs_max 65537");
	t_assert(t_sgtable(fd, &st, 0, NULL, 0) == -EBADF, "sgtable of handle 0");
	t_assert(t_sgtable(fd, &st, 999999, NULL, 0) == -EBADF, "sgtable of unknown");
	t_assert(t_sgtable(fd, &st, a.handle, BAD, 1) == -EFAULT, "sgtable bad segs");
	t_assert(!t_sgtable(fd, &st, a.handle, NULL, 0), "sgtable");
	{
		struct dmabench_sgtable st2;

		t_assert(t_sgtable(fd, &st2, st.handle, NULL, 0) == -EBADF, "sgtable of an sgtable");
	}
	t_assert(t_free(fd, a.handle) == -EBUSY, "free alloc with sgtable");

	/* MAP_SG */
	memset(&m, 0, sizeof(m)); m.sgt = st.handle; m.dev = E;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_MAP_SG, &m, "map_sg dir 0");
	m.dir = 4;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_MAP_SG, &m, "map_sg dir 4");
	m.dir = 1; m.attrs = DMABENCH_ATTR_NO_KERNEL_MAPPING;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_MAP_SG, &m, "map_sg alloc-only attr");
	m.attrs = 0; m.segs_max = 65537;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_MAP_SG, &m, "map_sg segs_max");
	t_assert(t_map_sg(fd, &m, a.handle, E, NULL, 0) == -EBADF, "map_sg of an alloc");
	t_assert(t_map_sg(fd, &m, 0, E, NULL, 0) == -EBADF, "map_sg of 0");
	t_assert(t_map_sg(fd, &m, 777777, nodev, NULL, 0) == -EBADF, "EBADF before ENODEV");
	t_assert(t_map_sg(fd, &m, st.handle, nodev, NULL, 0) == -ENODEV, "map_sg bad dev");
	t_assert(t_map_sg(fd, &m, st.handle, E, BAD, 4) == -EFAULT, "map_sg bad segs");
	t_assert(!t_map_sg(fd, &m, st.handle, E, NULL, 0), "map_sg");
	{
		struct dmabench_map_sg m2;

		t_assert(t_map_sg(fd, &m2, st.handle, P, NULL, 0) == -EBUSY, "map a mapped table");
	}
	t_assert(t_free(fd, st.handle) == -EBUSY, "free sgtable with mapping");

	/* SYNC */
	memset(&sy, 0, sizeof(sy)); sy.handle = m.handle; sy.sync = 0; sy.dir = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SYNC, &sy, "sync 0");
	sy.sync = 3;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SYNC, &sy, "sync 3");
	sy.sync = DMABENCH_SYNC_FOR_CPU; sy.dir = 0;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SYNC, &sy, "sync dir 0");
	sy.dir = DMABENCH_DIR_TO_DEVICE;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SYNC, &sy, "sync dir mismatch");
	sy.dir = DMABENCH_DIR_BIDIRECTIONAL;
	t_xioctl(fd, DMABENCH_IOC_SYNC, &sy);
	sy.sync = DMABENCH_SYNC_FOR_DEVICE;
	t_xioctl(fd, DMABENCH_IOC_SYNC, &sy);
	sy.handle = st.handle;
	t_expect_err(EBADF, fd, DMABENCH_IOC_SYNC, &sy, "sync an sgtable");
	sy.handle = 4242424;
	t_expect_err(EBADF, fd, DMABENCH_IOC_SYNC, &sy, "sync unknown");
	sy.handle = a.handle;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SYNC, &sy, "sync coherent alloc");

	/* MAP_SINGLE */
	t_assert(t_map_single(fd, &ms, P, 0) == -EINVAL, "map_single size 0");
	t_assert(t_map_single(fd, &ms, P, DMABENCH_MAX_ALLOC_SIZE + 1) == -E2BIG, "map_single huge");
	t_assert(t_map_single(fd, &ms, nodev, 4096) == -ENODEV, "map_single bad dev");
	memset(&ms, 0, sizeof(ms)); ms.dev = P; ms.size = 4096;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_MAP_SINGLE, &ms, "map_single dir 0");
	ms.dir = 1; ms.attrs = DMABENCH_ATTR_FORCE_CONTIGUOUS;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_MAP_SINGLE, &ms, "map_single alloc attr");
	t_assert(!t_map_single(fd, &ms, P, 5000), "map_single");
	memset(&sy, 0, sizeof(sy)); sy.handle = ms.handle; sy.sync = 1; sy.dir = 1;
	t_xioctl(fd, DMABENCH_IOC_SYNC, &sy);
	t_assert(!t_free(fd, ms.handle), "unmap single");
	t_assert(t_free(fd, ms.handle) == -EBADF, "double free");

	/* SET_MASK */
	memset(&sm, 0, sizeof(sm)); sm.dev = P; sm.bits = 11;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SET_MASK, &sm, "bits 11");
	sm.bits = 65;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_SET_MASK, &sm, "bits 65");
	sm.bits = 32; sm.dev = nodev;
	t_expect_err(ENODEV, fd, DMABENCH_IOC_SET_MASK, &sm, "set_mask bad dev");
	if (ne) {
		int r;

		sm.dev = E;	/* edu takes a mask too: 64 bits is its default, harmless */
		sm.bits = 64;
		r = t_ioctl(fd, DMABENCH_IOC_SET_MASK, &sm);
		t_assert(!r || r == -EBUSY, "set_mask 64 on edu: %s", strerror(-r));
		sm.bits = 32;
	}
	sm.dev = P;
	t_expect_err(EBUSY, fd, DMABENCH_IOC_SET_MASK, &sm, "set_mask while in use");

	/* mmap */
	pg = t_page_size(fd);
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(a.handle * pg));
	t_assert(p == MAP_FAILED && errno == EINVAL, "mmap wrong size: %s", strerror(errno));
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	t_assert(p == MAP_FAILED && errno == EBADF, "mmap handle 0: %s", strerror(errno));
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(st.handle * pg));
	t_assert(p == MAP_FAILED && errno == EBADF, "mmap an sgtable: %s", strerror(errno));
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(a.handle * pg));
	t_assert(p != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(p, 0x5a, pg);
	t_assert(!t_free(fd, m.handle) && !t_free(fd, st.handle), "unmap, free sgtable");
	t_assert(t_free(fd, a.handle) == -EBUSY, "free mmapped alloc");
	t_stats(fd, &s1);
	t_assert(s1.live_mmaps == s0.live_mmaps + 1, "live_mmaps");
	munmap(p, pg);
	t_assert(!t_free(fd, a.handle), "free after munmap");

	/* LAT */
	lat_base(&l); l.op = 0;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "lat op 0");
	lat_base(&l); l.op = DMABENCH_LAT_OP_MAX + 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "lat op max+1");
	lat_base(&l); l.iters = 0;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "lat iters 0");
	lat_base(&l); l.iters = DMABENCH_MAX_LAT_ITERS + 1;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_LAT, &l, "lat iters max+1");
	lat_base(&l); l.size = 0;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "lat size 0");
	lat_base(&l); l.size = DMABENCH_MAX_ALLOC_SIZE + 1;
	t_expect_err(E2BIG, fd, DMABENCH_IOC_LAT, &l, "lat size max+1");
	lat_base(&l); l.api = 9;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "lat api 9");
	lat_base(&l); l.attrs = 1ULL << 33;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "lat attrs");
	lat_base(&l); l.dir = 5;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "lat dir 5");
	lat_base(&l); l.op = DMABENCH_LAT_SGTABLE; l.api = DMABENCH_API_PAGES; l.dir = 1;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "lat sgtable pages");
	lat_base(&l); l.op = DMABENCH_LAT_MAP_SG;
	t_expect_err(EINVAL, fd, DMABENCH_IOC_LAT, &l, "lat map_sg dir 0");
	lat_base(&l); l.dev = nodev;
	t_expect_err(ENODEV, fd, DMABENCH_IOC_LAT, &l, "lat bad dev");
	lat_base(&l); l.op = DMABENCH_LAT_MAP_SG; l.dir = 1; l.dev2 = nodev;
	t_expect_err(ENODEV, fd, DMABENCH_IOC_LAT, &l, "lat bad dev2");
	lat_base(&l); l.samples_a = (uintptr_t)BAD;
	t_expect_err(EFAULT, fd, DMABENCH_IOC_LAT, &l, "lat bad samples");

	/* output copy to read-only memory: the object must be undone */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t_assert(ro != MAP_FAILED, "mmap anon");
	alloc_base(&a2);
	memcpy(ro, &a2, sizeof(a2));
	t_assert(!mprotect(ro, 4096, PROT_READ), "mprotect");
	t_expect_err(EFAULT, fd, DMABENCH_IOC_ALLOC, ro, "alloc into read-only struct");
	munmap(ro, 4096);
	t_stats(fd, &s1);
	if (!t_stats_live_equal(&s0, &s1)) {
		t_print_stats("after", &s1);
		t_fail("live counters not at baseline after the error paths");
	}

	/* ENOSPC: fill the per-file table */
	for (n = 0; n < DMABENCH_MAX_OBJECTS; n++) {
		alloc_base(&a);
		r = t_ioctl(fd, DMABENCH_IOC_ALLOC, &a);
		if (r)
			t_fail("alloc %d of %d: %s", n, DMABENCH_MAX_OBJECTS, strerror(-r));
		handles[n] = a.handle;
		if (n && handles[n] <= handles[n - 1])
			t_fail("handles not increasing: %u after %u", handles[n], handles[n - 1]);
	}
	alloc_base(&a);
	t_expect_err(ENOSPC, fd, DMABENCH_IOC_ALLOC, &a, "alloc past max_objects");
	t_assert(t_map_single(fd, &ms, P, 4096) == -ENOSPC, "map_single past max_objects");
	t_assert(t_sgtable(fd, &st, handles[0], NULL, 0) == -ENOSPC, "sgtable past max_objects");
	t_assert(!t_free(fd, handles[7]), "free one");
	alloc_base(&a);
	t_xioctl(fd, DMABENCH_IOC_ALLOC, &a);
	t_assert(a.handle > handles[DMABENCH_MAX_OBJECTS - 1], "handle reused: %u", a.handle);
	close(fd);	/* release everything */

	fd = t_open();
	t_stats(fd, &s1);
	close(fd);
	if (!t_stats_live_equal(&s0, &s1)) {
		t_print_stats("baseline", &s0);
		t_print_stats("final", &s1);
		t_fail("live counters not back to baseline");
	}
	t_print_stats("final", &s1);
	printf("abi_errors: PASS\n");
	return T_PASS;
}
