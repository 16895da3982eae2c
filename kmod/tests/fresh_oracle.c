// SPDX-License-Identifier: GPL-2.0
/*
 * fresh_oracle: the fresh job's oracle (lib/fresh.c) can fail. A
 * dma_alloc_pages() buffer is filled with the pattern through its mmap and
 * freed; the next one of the same size must read zeroed through the mmap,
 * the kernel VA and (edu) the device. Then the module parameter
 * fresh_recycle (off by default) makes FREE park the buffer and the next
 * ALLOC hand it back without zeroing: the same reads must now say stale,
 * every nonzero byte the pattern left behind. Another size is not
 * recycled and stays zeroed. The parameter is restored at the end.
 */
#include "kmod/tests/tcommon.h"
#include "lib/fresh.h"

#define PARAM "/sys/module/dmabench/parameters/fresh_recycle"
#define SIZE (64u << 10)
#define SEED 0x5eed

static char saved[8];

static int param_write(const char *v)
{
	int fd = open(PARAM, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, v, strlen(v));
	close(fd);
	return n == (ssize_t)strlen(v) ? 0 : -EIO;
}

static void restore(void)
{
	if (saved[0])
		param_write(saved);
}

static uint32_t pg, dev;
static bool edu;

static uint32_t alloc_pages_buf(int fd, uint32_t size, uint64_t *dma)
{
	struct dmabench_alloc a = { .dev = dev, .api = DMABENCH_API_PAGES, .size = size,
				    .dir = DMABENCH_DIR_BIDIRECTIONAL };

	t_xioctl(fd, DMABENCH_IOC_ALLOC, &a);
	*dma = a.dma_addr;
	return a.handle;
}

static uint8_t *map(int fd, uint32_t h, uint32_t size)
{
	uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)h * pg);

	t_assert(p != MAP_FAILED, "mmap: %s", strerror(errno));
	return p;
}

/* Fill a new buffer with the pattern and free it; returns its DMA address. */
static uint64_t leave_pattern(int fd, uint32_t size)
{
	uint64_t dma;
	uint32_t h = alloc_pages_buf(fd, size, &dma);
	uint8_t *p = map(fd, h, size);

	dmab_fresh_fill(p, size, 0, SEED, pg);
	munmap(p, size);
	t_assert(t_ioctl(fd, DMABENCH_IOC_FREE, &(struct dmabench_handle){ .handle = h }) == 0, "free");
	return dma;
}

struct views {
	struct dmab_fresh_count mmap, kva, device;
	uint64_t dma;
};

/* A new buffer read every way in, then freed. */
static void read_fresh(int fd, uint32_t size, struct views *v)
{
	static uint8_t buf[SIZE];
	uint32_t h = alloc_pages_buf(fd, size, &v->dma);
	uint8_t *p = map(fd, h, size);
	struct dmabench_peek pk = { .handle = h, .via = DMABENCH_PEEK_KVA, .len = size,
				    .data = (uintptr_t)buf };

	dmab_fresh_count_init(&v->mmap);
	dmab_fresh_count_init(&v->kva);
	dmab_fresh_count_init(&v->device);
	dmab_fresh_count_add(&v->mmap, p, size, 0, SEED, pg);
	munmap(p, size);
	t_xioctl(fd, DMABENCH_IOC_PEEK, &pk);
	dmab_fresh_count_add(&v->kva, buf, size, 0, SEED, pg);
	if (edu) {
		pk.via = DMABENCH_PEEK_DEVICE;
		pk.len = DMABENCH_VERIFY_MAX_LEN;
		t_xioctl(fd, DMABENCH_IOC_PEEK, &pk);
		dmab_fresh_count_add(&v->device, buf, pk.len, 0, SEED, pg);
	}
	t_assert(t_ioctl(fd, DMABENCH_IOC_FREE, &(struct dmabench_handle){ .handle = h }) == 0, "free");
	printf("# %u bytes: mmap %s %" PRIu64 "/%" PRIu64 " (pattern %" PRIu64 "), kva %s %" PRIu64
	       ", device %s %" PRIu64 "/%" PRIu64 "\n", size,
	       dmab_fresh_verdict(&v->mmap), v->mmap.nonzero, v->mmap.bytes, v->mmap.pattern,
	       dmab_fresh_verdict(&v->kva), v->kva.nonzero, dmab_fresh_verdict(&v->device),
	       v->device.nonzero, v->device.bytes);
}

static void expect_zeroed(const struct views *v, const char *what)
{
	t_assert(!strcmp(dmab_fresh_verdict(&v->mmap), "zeroed"), "%s: mmap %s", what,
		 dmab_fresh_verdict(&v->mmap));
	t_assert(!strcmp(dmab_fresh_verdict(&v->kva), "zeroed"), "%s: kva %s", what, dmab_fresh_verdict(&v->kva));
	t_assert(!edu || !strcmp(dmab_fresh_verdict(&v->device), "zeroed"), "%s: device %s", what,
		 dmab_fresh_verdict(&v->device));
}

/* stale, and every nonzero byte is the pattern; at least 3/4 of the bytes (the pattern is rarely 0) */
static void expect_pattern(const struct dmab_fresh_count *c, const char *what)
{
	t_assert(!strcmp(dmab_fresh_verdict(c), "stale"), "%s: %s, not stale", what, dmab_fresh_verdict(c));
	t_assert(c->pattern == c->nonzero && c->nonzero >= c->bytes / 4 * 3,
		 "%s: %" PRIu64 " nonzero, %" PRIu64 " pattern of %" PRIu64, what, c->nonzero, c->pattern, c->bytes);
}

int main(void)
{
	struct dmabench_info in = { 0 };
	struct views v;
	uint32_t ids[DMABENCH_MAX_DEVICES];
	uint64_t dma;
	int fd, n;
	FILE *f;

	fd = t_open();
	t_xioctl(fd, DMABENCH_IOC_INFO, &in);
	if (!(in.features & DMABENCH_FEAT(DMABENCH_FEAT_MMAP_PAGES)))
		t_skip("kernel without dma_mmap_pages() (Linux 5.13): the pattern cannot be written");
	pg = in.page_size;
	n = t_find_devs(fd, DMABENCH_DEV_EDU, ids, 1);
	edu = n > 0;
	dev = edu ? ids[0] : 0;
	f = fopen(PARAM, "r");
	t_assert(f, "%s: %s (module without the fresh_recycle parameter)", PARAM, strerror(errno));
	t_assert(fgets(saved, sizeof(saved), f), "read %s", PARAM);
	fclose(f);
	saved[strcspn(saved, "\n")] = '\0';
	t_assert(!strcmp(saved, "N"), "fresh_recycle is on by default (%s)", saved);
	atexit(restore);

	/* off: the kernel zeroes dma_alloc_pages() memory */
	leave_pattern(fd, SIZE);
	read_fresh(fd, SIZE, &v);
	expect_zeroed(&v, "fresh_recycle off");

	/* on: the parked buffer comes back as it was */
	t_assert(!param_write("1"), "set fresh_recycle");
	dma = leave_pattern(fd, SIZE);
	read_fresh(fd, SIZE, &v);
	t_assert(v.dma == dma, "not the parked buffer: dma %#" PRIx64 " after %#" PRIx64, v.dma, dma);
	expect_pattern(&v.mmap, "recycled, mmap");
	expect_pattern(&v.kva, "recycled, kva");
	if (edu)
		expect_pattern(&v.device, "recycled, device");

	/* another size does not match the parked buffer: the kernel's own path, zeroed */
	leave_pattern(fd, SIZE);	/* parked (the slot was empty again) */
	read_fresh(fd, SIZE / 2, &v);
	expect_zeroed(&v, "fresh_recycle on, other size");
	close(fd);	/* frees the parked buffer */

	t_assert(!param_write("0"), "clear fresh_recycle");
	fd = t_open();
	{
		struct dmabench_stats s;

		t_stats(fd, &s);
		printf("# live allocs after close: %llu\n", (unsigned long long)s.live_allocs);
	}
	close(fd);
	printf("fresh_oracle: PASS\n");
	return T_PASS;
}
