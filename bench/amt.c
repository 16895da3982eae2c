// SPDX-License-Identifier: GPL-2.0
/*
 * amt - one whole userspace program for hyperfine: --count times allocate a
 * DMA buffer (dma_alloc_attrs, attrs none or NO_KERNEL_MAPPING with --nkm),
 * mmap it (dma_mmap_attrs), write one byte per page, munmap, free; exit.
 * Process start, module open and teardown are in what hyperfine times, which
 * is the point (the in-kernel costs alone are in lat.json).
 * usage: amt [--size S] [--count N] [--nkm] [--dev N]; exit 0, 1 on error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmab.h"
#include "util.h"

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "size", required_argument, NULL, 's' }, { "count", required_argument, NULL, 'c' },
		{ "nkm", no_argument, NULL, 'n' }, { "dev", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long size = 65536, count = 16;
	long dev = -1, pg = sysconf(_SC_PAGESIZE);
	int nkm = 0, c, fd;

	while ((c = getopt_long(argc, argv, "s:c:nd:", lo, NULL)) != -1) {
		uint64_t v;

		if (c == 'n') {
			nkm = 1;
			continue;
		}
		if (c != 's' && c != 'c' && c != 'd') {
			fprintf(stderr, "usage: amt [--size S] [--count N] [--nkm] [--dev N]\n");
			return 2;
		}
		if (dmab_parse_size(optarg, &v) || (!v && c != 'd') || v > (64ULL << 20)) {
			fprintf(stderr, "amt: bad value '%s'\n", optarg);
			return 2;
		}
		if (c == 's')
			size = v;
		else if (c == 'c')
			count = v;
		else
			dev = (long)v;
	}
	fd = dmab_open(NULL);
	if (fd < 0) {
		fprintf(stderr, "amt: open: %s\n", strerror(-fd));
		return 1;
	}
	if (dev < 0)
		dev = dmab_find_dev(fd, DMABENCH_DEV_EDU, 0);
	if (dev < 0) {
		fprintf(stderr, "amt: no edu device\n");
		return 1;
	}
	for (unsigned long long i = 0; i < count; i++) {
		struct dmabench_alloc a = { .dev = (uint32_t)dev, .api = DMABENCH_API_ATTRS, .size = size,
					    .attrs = nkm ? DMABENCH_ATTR_NO_KERNEL_MAPPING : 0 };
		size_t len = (size + pg - 1) / pg * pg;
		int r = dmab_alloc(fd, &a);
		volatile char *p;

		if (r) {
			fprintf(stderr, "amt: alloc %llu: %s\n", size, strerror(-r));
			return 1;
		}
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)a.handle * pg);
		if (p == MAP_FAILED) {
			fprintf(stderr, "amt: mmap: %s\n", strerror(errno));
			return 1;
		}
		for (size_t off = 0; off < len; off += pg)
			p[off] = (char)off;
		if (munmap((void *)p, len) || (r = dmab_free(fd, a.handle))) {
			fprintf(stderr, "amt: munmap/free: %s\n", r ? strerror(-r) : strerror(errno));
			return 1;
		}
	}
	close(fd);
	return 0;
}
