// SPDX-License-Identifier: GPL-2.0
/*
 * verify_mask - VERIFY on an edu device whose DMA mask was narrowed with
 * SET_MASK (24 and 28 bits): ALLOC, GET_SGTABLE, MAP_SG on that device,
 * VERIFY (FILL). The module's own device memory (the check page the
 * engine writes back into) must obey the same reachability rules as user
 * mappings: no "DMA addr ... overflow" WARNING from dma-direct (the runner
 * fails the test on it), and VERIFY either works (the bytes match) or
 * fails with a documented errno (-EIO: unreachable), never -ENOMEM.
 * A MAP_SINGLE on the narrowed device is checked the same way. The mask
 * goes back to 64 bits at the end (also when the test fails).
 */
#include "tcommon.h"

static int g_fd = -1;
static uint32_t g_dev;

static int set_mask(int fd, uint32_t dev, uint32_t bits)
{
	struct dmabench_set_mask m;

	memset(&m, 0, sizeof(m));
	m.dev = dev;
	m.bits = bits;
	return t_ioctl(fd, DMABENCH_IOC_SET_MASK, &m);
}

static void restore_mask(void)
{
	int fd, r;

	if (g_fd < 0)
		return;
	close(g_fd);	/* its objects hold the device: SET_MASK needs none */
	g_fd = -1;
	fd = open(DMABENCH_CTL_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	r = set_mask(fd, g_dev, 64);
	if (r)
		printf("restoring the 64-bit mask of device %u: %s\n", g_dev, strerror(-r));
	close(fd);
}

static int verify(int fd, uint32_t handle, uint64_t seed, struct dmabench_verify *v)
{
	memset(v, 0, sizeof(*v));
	v->handle = handle;
	v->flags = DMABENCH_VERIFY_FILL;
	v->pages = 2;
	v->len = 256;
	v->seed = seed;
	return t_ioctl(fd, DMABENCH_IOC_VERIFY, v);
}

/* VERIFY works with matching bytes, or fails with -EIO (documented: unreachable). */
static void check_verify(int fd, uint32_t handle, uint64_t seed, const char *what)
{
	struct dmabench_verify v;
	int r = verify(fd, handle, seed, &v);

	if (r == -EIO) {
		printf("%s: VERIFY -EIO (device memory of the module unreachable under the mask)\n", what);
		return;
	}
	t_assert(r == 0, "%s: VERIFY: %s (expected success or EIO)", what, strerror(-r));
	t_assert(v.checked >= 1 && v.mismatches == 0 && v.blocked == 0,
		 "%s: VERIFY checked %u, %u mismatches, %u blocked", what, v.checked, v.mismatches, v.blocked);
	printf("%s: VERIFY ok, %u pages, dma_first 0x%llx\n", what, v.checked,
	       (unsigned long long)v.dma_first);
}

int main(void)
{
	static const uint32_t masks[] = { 24, 28 };
	uint32_t ids[4];
	unsigned int k;
	int fd = t_open(), r;

	if (t_find_devs(fd, DMABENCH_DEV_EDU, ids, 4) < 1)
		t_skip("no edu device");
	g_dev = ids[0];
	g_fd = fd;
	atexit(restore_mask);

	for (k = 0; k < sizeof(masks) / sizeof(masks[0]); k++) {
		struct dmabench_alloc al;
		struct dmabench_sgtable st;
		struct dmabench_map_sg ms;
		struct dmabench_map_single m1;
		struct dmabench_dev_info di;
		char what[64];

		/* a VERIFY at 64 bits first: the check page is mapped before the mask shrinks */
		r = t_map_single(fd, &m1, g_dev, 4096);
		t_assert(r == 0, "MAP_SINGLE at 64 bits: %s", strerror(-r));
		check_verify(fd, m1.handle, 7, "64-bit mask");
		t_assert(t_free(fd, m1.handle) == 0, "FREE");

		r = set_mask(fd, g_dev, masks[k]);
		if (r == -EIO) {
			printf("SET_MASK %u: EIO (the kernel refuses this mask)\n", masks[k]);
			continue;
		}
		t_assert(r == 0, "SET_MASK %u: %s", masks[k], strerror(-r));
		t_assert(t_dev_info(fd, g_dev, &di) == 0, "DEV_INFO");
		t_assert(di.dma_mask == (1ULL << masks[k]) - 1, "dma_mask 0x%llx after SET_MASK %u",
			 (unsigned long long)di.dma_mask, masks[k]);

		r = t_alloc(fd, &al, g_dev, DMABENCH_API_ATTRS, 8192, 0);
		t_assert(r == 0, "ALLOC under a %u-bit mask: %s", masks[k], strerror(-r));
		r = t_sgtable(fd, &st, al.handle, NULL, 0);
		t_assert(r == 0, "GET_SGTABLE: %s", strerror(-r));
		r = t_map_sg(fd, &ms, st.handle, g_dev, NULL, 0);
		if (r == -EIO) {
			printf("MAP_SG under a %u-bit mask: EIO (buffer unreachable)\n", masks[k]);
		} else {
			t_assert(r == 0, "MAP_SG under a %u-bit mask: %s", masks[k], strerror(-r));
			snprintf(what, sizeof(what), "MAP_SG, %u-bit mask", masks[k]);
			check_verify(fd, ms.handle, 11 + k, what);
		}
		r = t_map_single(fd, &m1, g_dev, 4096);
		if (r == -EIO) {
			printf("MAP_SINGLE under a %u-bit mask: EIO (buffer unreachable)\n", masks[k]);
		} else {
			t_assert(r == 0, "MAP_SINGLE under a %u-bit mask: %s", masks[k], strerror(-r));
			snprintf(what, sizeof(what), "MAP_SINGLE, %u-bit mask", masks[k]);
			check_verify(fd, m1.handle, 21 + k, what);
		}
		/* objects gone, mask back: the next round starts at 64 bits */
		close(fd);
		fd = g_fd = t_open();
		r = set_mask(fd, g_dev, 64);
		t_assert(r == 0, "SET_MASK 64: %s", strerror(-r));
	}
	close(fd);
	g_fd = -1;
	printf("verify_mask: VERIFY under 24- and 28-bit masks without a WARNING\n");
	return T_PASS;
}
