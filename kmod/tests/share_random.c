// SPDX-License-Identifier: GPL-2.0
/*
 * share_random: the sharing ioctls (VERIFY, DMABUF_EXPORT, DMABUF_ATTACH)
 * fed with random structs, biased towards live handles, small page counts
 * and present devices so that the real paths run too. Pointer fields are
 * sanitised to 0, a big enough buffer, or an inaccessible page (EFAULT
 * path); the STALE flag is always cleared (it provokes an IOMMU fault by
 * design). Every result must be success or a documented errno; dma-buf fds
 * that come back are closed again; afterwards the live counters equal the
 * baseline, and the runner checks the kernel log. Seeded (fixed), bounded
 * number of real device transfers.
 */
#include "kmod/tests/tcommon.h"
#include "lib/kmsg.h"

#define ITERS 3000
#define MAX_REAL_VERIFY 12

static uint64_t rng = 0x5eed5eedULL;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill_random(void *p, size_t n)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
	if (rnd() % 2)		/* reserved tails mostly zero, else the -EINVAL path */
		memset(b + n - 32, 0, 32);
}

static int errno_ok(int e, const int *list)
{
	for (; *list; list++)
		if (e == *list)
			return 1;
	return 0;
}

int main(void)
{
	static const int verify_errs[] = { EINVAL, E2BIG, EBADF, ENODEV, EOPNOTSUPP, EACCES, EIO, ETIMEDOUT, EINTR,
					   ENOMEM, EFAULT, 0 };
	static const int export_errs[] = { EINVAL, EBADF, EBUSY, EMFILE, ENOMEM, EFAULT, 0 };
	static const int attach_errs[] = { EINVAL, E2BIG, EBADF, ENODEV, EIO, ENOMEM, EFAULT, 0 };
	static uint8_t big[DMABENCH_VERIFY_MAX_PAGES * DMABENCH_VERIFY_MAX_LEN + 64];
	static struct dmabench_seg segs[64];
	struct dmabench_stats s0, s1;
	struct dmabench_alloc a1, a2;
	struct dmabench_sgtable st;
	struct dmabench_map_sg m;
	struct dmabench_map_single ms;
	struct dmabench_dmabuf_export ex;
	struct dmabench_dmabuf_attach at;
	uint32_t devs[4], handles[16];
	int obs = t_open(), fd, nd, nh = 0, dbuf, real = 0, ok = 0, errs = 0, n_v = 0, n_e = 0, n_a = 0;
	void *noaccess;

	nd = t_find_devs(obs, 0, devs, 4);
	if (nd < 1)
		t_skip("no device");
	t_stats(obs, &s0);
	noaccess = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t_assert(noaccess != MAP_FAILED, "mmap");

	fd = t_open();
	{
		uint32_t a = devs[nd > 2 ? 2 : 0], b = devs[nd > 3 ? 3 : nd - 1];	/* prefer the edu devices */

		t_assert(!t_alloc(fd, &a1, a, DMABENCH_API_ATTRS, 65536, 0), "alloc");
		t_assert(!t_alloc(fd, &a2, a, DMABENCH_API_ATTRS, 16384, DMABENCH_ATTR_NO_KERNEL_MAPPING), "alloc");
		t_assert(!t_sgtable(fd, &st, a1.handle, NULL, 0), "sgtable");
		t_assert(!t_map_sg(fd, &m, st.handle, b, NULL, 0), "map_sg");
		t_assert(!t_map_single(fd, &ms, b, 4096), "map_single");
		memset(&ex, 0, sizeof(ex));
		ex.alloc = a2.handle;
		t_xioctl(fd, DMABENCH_IOC_DMABUF_EXPORT, &ex);
		dbuf = ex.fd;
		memset(&at, 0, sizeof(at));
		at.fd = dbuf;
		at.dev = b;
		at.dir = DMABENCH_DIR_BIDIRECTIONAL;
		t_xioctl(fd, DMABENCH_IOC_DMABUF_ATTACH, &at);
		handles[nh++] = a1.handle;
		handles[nh++] = a2.handle;
		handles[nh++] = st.handle;
		handles[nh++] = m.handle;
		handles[nh++] = ms.handle;
		handles[nh++] = at.handle;
	}

	for (int i = 0; i < ITERS; i++) {
		unsigned int op = (unsigned int)(rnd() % 3);
		int r;

		if (op == 0) {
			struct dmabench_verify v;

			fill_random(&v, sizeof(v));
			if (rnd() % 4)
				v.flags &= DMABENCH_VERIFY_FLAGS_MASK;
			v.flags &= ~DMABENCH_VERIFY_STALE;
			if (rnd() % 2)
				v.handle = handles[rnd() % (uint64_t)nh];
			if (rnd() % 4)
				v.pages = (uint32_t)(rnd() % 4);
			if (rnd() % 4)
				v.len = (uint32_t)(rnd() % 4097);
			if (rnd() % 4)
				v.dev = 0, v.reserved0 = 0;
			switch (rnd() % 3) {
			case 0: v.offsets = 0; v.data = 0; break;
			case 1: v.offsets = (uintptr_t)big; v.data = (uintptr_t)big; break;
			default: v.offsets = (uintptr_t)noaccess; v.data = (uintptr_t)noaccess; break;
			}
			/* bound the number of real (100 ms) device transfers */
			if (v.pages && v.len && v.pages <= DMABENCH_VERIFY_MAX_PAGES && v.len <= DMABENCH_VERIFY_MAX_LEN &&
			    !v.reserved0 && !v.dev && !(v.flags & ~DMABENCH_VERIFY_FLAGS_MASK) &&
			    !v.reserved[0] && !v.reserved[1] && !v.reserved[2] && !v.reserved[3]) {
				if (real >= MAX_REAL_VERIFY)
					continue;
				real++;
				v.pages = v.pages > 4 ? 1 + v.pages % 4 : v.pages;
			}
			r = t_ioctl(fd, DMABENCH_IOC_VERIFY, &v);
			n_v++;
			if (r && !errno_ok(-r, verify_errs))
				t_fail("VERIFY: undocumented errno %s (handle %u flags %#x pages %u len %u)", strerror(-r),
				       v.handle, v.flags, v.pages, v.len);
		} else if (op == 1) {
			fill_random(&ex, sizeof(ex));
			if (rnd() % 2)
				ex.alloc = handles[rnd() % (uint64_t)nh];
			r = t_ioctl(fd, DMABENCH_IOC_DMABUF_EXPORT, &ex);
			n_e++;
			if (!r) {
				t_assert(ex.fd >= 0, "export returned fd %d", ex.fd);
				close(ex.fd);
			} else if (!errno_ok(-r, export_errs)) {
				t_fail("DMABUF_EXPORT: undocumented errno %s", strerror(-r));
			}
		} else {
			fill_random(&at, sizeof(at));
			if (rnd() % 2)
				at.fd = rnd() % 2 ? dbuf : (int32_t)(rnd() % 16) - 2;
			if (rnd() % 2)
				at.dev = devs[rnd() % (uint64_t)nd];
			if (rnd() % 2)
				at.dir = 1 + (uint32_t)(rnd() % 3);
			switch (rnd() % 3) {
			case 0: at.segs = 0; break;
			case 1: at.segs = (uintptr_t)segs; at.segs_max %= 65; break;
			default: at.segs = (uintptr_t)noaccess; break;
			}
			r = t_ioctl(fd, DMABENCH_IOC_DMABUF_ATTACH, &at);
			n_a++;
			if (!r) {
				struct dmabench_handle h = { .handle = at.handle };

				t_xioctl(fd, DMABENCH_IOC_FREE, &h);
			} else if (!errno_ok(-r, attach_errs)) {
				t_fail("DMABUF_ATTACH: undocumented errno %s (fd %d dev %u dir %u)", strerror(-r), at.fd,
				       at.dev, at.dir);
			}
		}
		r ? errs++ : ok++;
	}
	{
		struct dmab_kmsg k;
		char line[200];

		snprintf(line, sizeof(line),
			 "dmabench-test: share_random: %d ioctls (verify %d, export %d, attach %d): %d ok, %d documented errors, %d real verifies",
			 n_v + n_e + n_a, n_v, n_e, n_a, ok, errs, real);
		puts(line);
		if (!dmab_kmsg_open(&k, NULL)) {	/* in dmesg.txt for a passing run too */
			dmab_kmsg_write(&k, line);
			dmab_kmsg_close(&k);
		}
	}
	close(dbuf);
	close(fd);
	t_stats(obs, &s1);
	t_print_stats("before", &s0);
	t_print_stats("after", &s1);
	t_assert(t_stats_live_equal(&s0, &s1), "live counters not back to baseline");
	close(obs);
	return T_PASS;
}
