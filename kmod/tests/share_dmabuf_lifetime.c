// SPDX-License-Identifier: GPL-2.0
/*
 * share_dmabuf_lifetime: a dma-buf outlives whatever is closed first and
 * nothing leaks or crashes, in every order:
 *  1. the exporting ctl file is closed while the dma-buf fd is open: the
 *     allocation stays alive (counted) until the fd is closed;
 *  2. a second ctl file attaches, the exporter file and the dma-buf fd are
 *     closed: the attachment keeps the buffer, an edu device still DMAs the
 *     right bytes through it (VERIFY), closing the second file frees all;
 *  3. the dma-buf fd is closed before the attachment is freed;
 *  4. close of the importer before the exporter, with the allocation mmapped
 *     (the mapping pins the exporter file until munmap).
 *  5. EXPORT and ATTACH argument errors (documented errnos, nothing changes).
 * After each: the module's live counters equal the baseline.
 */
#include "kmod/tests/tcommon.h"

static int export(int fd, uint32_t alloc)
{
	struct dmabench_dmabuf_export ex;

	memset(&ex, 0, sizeof(ex));
	ex.alloc = alloc;
	t_xioctl(fd, DMABENCH_IOC_DMABUF_EXPORT, &ex);
	t_assert(ex.fd >= 0, "export fd");
	return ex.fd;
}

static uint32_t attach(int fd, int dbuf, uint32_t dev)
{
	struct dmabench_dmabuf_attach at;

	memset(&at, 0, sizeof(at));
	at.fd = dbuf;
	at.dev = dev;
	at.dir = DMABENCH_DIR_BIDIRECTIONAL;
	t_xioctl(fd, DMABENCH_IOC_DMABUF_ATTACH, &at);
	return at.handle;
}

static void baseline(int obs, const struct dmabench_stats *s0, const char *what)
{
	struct dmabench_stats s;

	t_stats(obs, &s);
	if (!t_stats_live_equal(s0, &s)) {
		t_print_stats("baseline", s0);
		t_print_stats(what, &s);
		t_fail("%s: live counters not back to baseline", what);
	}
}

int main(void)
{
	struct dmabench_stats s0, s;
	struct dmabench_alloc al;
	struct dmabench_verify v;
	uint32_t devs[2], a, b, h;
	int obs = t_open(), f1, f2, dbuf, n;
	uint8_t *p;

	n = t_find_devs(obs, DMABENCH_DEV_EDU, devs, 2);
	if (n < 1)
		n = t_find_devs(obs, 0, devs, 2);
	if (n < 1)
		t_skip("no device");
	a = devs[0];
	b = n > 1 ? devs[1] : devs[0];
	t_stats(obs, &s0);

	/* 1: exporter file closed first */
	f1 = t_open();
	t_assert(!t_alloc(f1, &al, a, DMABENCH_API_ATTRS, 65536, 0), "alloc");
	dbuf = export(f1, al.handle);
	close(f1);
	t_stats(obs, &s);
	t_assert(s.live_allocs == s0.live_allocs + 1, "the exported allocation must outlive its file (%llu live)",
		 (unsigned long long)s.live_allocs);
	close(dbuf);
	baseline(obs, &s0, "1: fd closed after the file");
	printf("ok 1: allocation handed to the dma-buf, freed with its last fd\n");

	/* 2: importer in a second file keeps the buffer; DMA still right */
	f1 = t_open();
	f2 = t_open();
	t_assert(!t_alloc(f1, &al, a, DMABENCH_API_ATTRS, 65536, DMABENCH_ATTR_NO_KERNEL_MAPPING), "alloc");
	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, f1, (off_t)(al.handle * t_page_size(f1)));
	t_assert(p != MAP_FAILED, "mmap");
	for (int i = 0; i < 65536; i++)
		p[i] = dmabench_pattern(42, (uint64_t)i);
	t_assert(!munmap(p, 65536), "munmap");
	dbuf = export(f1, al.handle);
	h = attach(f2, dbuf, b);
	close(f1);
	close(dbuf);
	memset(&v, 0, sizeof(v));
	v.handle = h;
	v.pages = 2;
	v.len = 512;
	v.seed = 42;
	n = t_ioctl(f2, DMABENCH_IOC_VERIFY, &v);
	if (n == -EOPNOTSUPP) {
		printf("device %u has no DMA engine: verify skipped\n", b);
	} else {
		t_assert(!n, "verify through the orphaned buffer: %s", strerror(-n));
		t_assert(v.checked == 2 && !v.mismatches && !v.blocked, "orphaned buffer: %u mismatches", v.mismatches);
	}
	close(f2);
	baseline(obs, &s0, "2: importer file closed last");
	printf("ok 2: attachment in another file keeps the buffer, bytes verified after both other closes\n");

	/* 3: dma-buf fd closed before FREE of the attachment, same file */
	f1 = t_open();
	t_assert(!t_alloc(f1, &al, a, DMABENCH_API_ATTRS, 8192, 0), "alloc");
	dbuf = export(f1, al.handle);
	h = attach(f1, dbuf, b);
	close(dbuf);
	t_assert(t_free(f1, al.handle) == -EBUSY, "FREE with a live attachment must be EBUSY");
	t_assert(!t_free(f1, h), "free attachment");
	t_assert(!t_free(f1, al.handle), "FREE after the last reference");
	close(f1);
	baseline(obs, &s0, "3: fd closed before the attachment");
	printf("ok 3: FREE busy until the attachment is gone\n");

	/* 4: importer closed before the exporter, exporter's allocation mmapped */
	f1 = t_open();
	f2 = t_open();
	t_assert(!t_alloc(f1, &al, a, DMABENCH_API_ATTRS, 8192, 0), "alloc");
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, f1, (off_t)(al.handle * t_page_size(f1)));
	t_assert(p != MAP_FAILED, "mmap");
	dbuf = export(f1, al.handle);
	h = attach(f2, dbuf, b);
	(void)h;
	close(f2);
	close(f1);	/* the VMA still pins it */
	p[0] = 1;
	t_assert(!munmap(p, 8192), "munmap");
	close(dbuf);
	baseline(obs, &s0, "4: importer first, mmap last");
	printf("ok 4: importer closed first, mmap released last\n");

	/* argument errors change nothing */
	{
		struct dmabench_dmabuf_export ex;
		struct dmabench_dmabuf_attach at;
		struct dmabench_sgtable st;

		f1 = t_open();
		t_assert(!t_alloc(f1, &al, a, DMABENCH_API_ATTRS, 4096, 0), "alloc");
		t_assert(!t_sgtable(f1, &st, al.handle, NULL, 0), "sgtable");
		memset(&ex, 0, sizeof(ex));
		ex.alloc = st.handle;
		t_expect_err(EBADF, f1, DMABENCH_IOC_DMABUF_EXPORT, &ex, "export of an sg table");
		ex.alloc = al.handle;
		ex.reserved[0] = 1;
		t_expect_err(EINVAL, f1, DMABENCH_IOC_DMABUF_EXPORT, &ex, "export reserved");
		dbuf = export(f1, al.handle);
		memset(&at, 0, sizeof(at));
		at.fd = f1;		/* a file, not a dma-buf */
		at.dev = b;
		at.dir = DMABENCH_DIR_BIDIRECTIONAL;
		t_expect_err(EINVAL, f1, DMABENCH_IOC_DMABUF_ATTACH, &at, "attach of a non-dma-buf fd");
		at.fd = -1;
		t_expect_err(EBADF, f1, DMABENCH_IOC_DMABUF_ATTACH, &at, "attach of fd -1");
		at.fd = dbuf;
		at.dir = 0;
		t_expect_err(EINVAL, f1, DMABENCH_IOC_DMABUF_ATTACH, &at, "attach dir 0");
		at.dir = DMABENCH_DIR_BIDIRECTIONAL;
		at.dev = DMABENCH_MAX_DEVICES;
		t_expect_err(ENODEV, f1, DMABENCH_IOC_DMABUF_ATTACH, &at, "attach on a missing device");
		at.dev = b;
		at.segs_max = 65537;
		t_expect_err(E2BIG, f1, DMABENCH_IOC_DMABUF_ATTACH, &at, "attach segs_max");
		at.segs_max = 0;
		at.reserved[2] = 1;
		t_expect_err(EINVAL, f1, DMABENCH_IOC_DMABUF_ATTACH, &at, "attach reserved");
		close(dbuf);
		close(f1);
		baseline(obs, &s0, "argument errors");
		printf("ok 5: export / attach argument errors\n");
	}
	close(obs);
	return T_PASS;
}
