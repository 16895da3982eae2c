// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_efault - an ioctl whose copy-out fails returns -EFAULT and changes
 * nothing, even when another thread acts while the copy-out is stalled.
 *
 * The struct of ALLOC straddles two pages; the second is write-protected
 * with userfaultfd (UFFDIO_WRITEPROTECT), so the copy-in reads it and the
 * copy-out stalls in the kernel on the write fault. While it is stalled a
 * second thread mmaps the handle the allocation would get (handles are
 * sequential: 1 in a fresh file), then makes the page read-only and wakes
 * the ioctl, whose copy-out then fails. Expected: the object was never
 * visible (mmap -EBADF), ALLOC returns -EFAULT, and no allocation stays
 * behind (live counters at the baseline, FREE of the handle -EBADF).
 * The same stall is then used for GET_SGTABLE, MAP_SINGLE, MAP_SG,
 * DMABUF_EXPORT and DMABUF_ATTACH: -EFAULT, counters unchanged, no new fd.
 */
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "tcommon.h"

struct stall {
	int uffd, ctl;
	uint8_t *page2;		/* write-protected page */
	size_t pg;
	uint32_t handle;	/* handle to mmap while stalled, 0: none */
	size_t maplen;
	int faults, mmap_err;	/* out */
	void *map;		/* out: a mapping that should not exist */
};

/* Resolve one WP fault: mmap the handle meanwhile, then read-only + wake. */
static void *handler(void *p)
{
	struct stall *s = p;
	struct pollfd pfd = { .fd = s->uffd, .events = POLLIN };
	struct uffd_msg msg;
	struct uffdio_writeprotect wp;

	if (poll(&pfd, 1, 10000) != 1)
		return NULL;	/* no fault: the copy-out never wrote page 2 */
	if (read(s->uffd, &msg, sizeof(msg)) != sizeof(msg) || msg.event != UFFD_EVENT_PAGEFAULT)
		return NULL;
	s->faults++;
	if (s->handle) {
		s->map = mmap(NULL, s->maplen, PROT_READ | PROT_WRITE, MAP_SHARED, s->ctl,
			      (off_t)s->handle * (off_t)s->pg);
		if (s->map == MAP_FAILED) {
			s->mmap_err = errno;
			s->map = NULL;
		}
	}
	if (mprotect(s->page2, s->pg, PROT_READ))
		perror("mprotect");
	memset(&wp, 0, sizeof(wp));
	wp.range.start = (uintptr_t)s->page2;
	wp.range.len = s->pg;
	wp.mode = 0;	/* clear WP and wake the faulting ioctl: it retries on a read-only page */
	if (ioctl(s->uffd, UFFDIO_WRITEPROTECT, &wp))
		perror("UFFDIO_WRITEPROTECT clear");
	return NULL;
}

/* Two fresh pages; the struct (@size bytes) starts @into bytes before the end of the first. */
static uint8_t *straddle(struct stall *s, size_t size, size_t into)
{
	uint8_t *p;

	p = mmap(NULL, 2 * s->pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t_assert(p != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(p, 0, 2 * s->pg);
	s->page2 = p + s->pg;
	return s->page2 - size + into;
}

/* Write-protect the second page through @s->uffd (after the struct was written). */
static void protect(struct stall *s)
{
	struct uffdio_register reg;
	struct uffdio_writeprotect wp;

	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)s->page2;
	reg.range.len = s->pg;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(s->uffd, UFFDIO_REGISTER, &reg))
		t_skip("UFFDIO_REGISTER_MODE_WP: %s", strerror(errno));
	memset(&wp, 0, sizeof(wp));
	wp.range.start = (uintptr_t)s->page2;
	wp.range.len = s->pg;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	t_assert(ioctl(s->uffd, UFFDIO_WRITEPROTECT, &wp) == 0, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
}

static int uffd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		t_skip("userfaultfd: %s", strerror(errno));
	if (ioctl(fd, UFFDIO_API, &api))
		t_skip("UFFDIO_API with write-protect: %s", strerror(errno));
	return fd;
}

/* Run ioctl @cmd on @arg (size @size, copied into a straddling buffer) with a stalled copy-out. */
static int stalled_ioctl(int ctl, unsigned long cmd, const void *arg, size_t size, uint32_t mmap_handle,
			 size_t maplen, struct stall *s)
{
	pthread_t th;
	uint8_t *u;
	int r;

	memset(s, 0, sizeof(*s));
	s->pg = (size_t)sysconf(_SC_PAGESIZE);
	s->uffd = uffd_open();
	s->ctl = ctl;
	s->handle = mmap_handle;
	s->maplen = maplen;
	/* the struct's last 8 bytes (reserved: read by the copy-in, written by the copy-out) on page 2 */
	u = straddle(s, size, 8);
	memcpy(u, arg, size);
	protect(s);
	t_assert(pthread_create(&th, NULL, handler, s) == 0, "pthread_create");
	r = t_ioctl(ctl, cmd, u);
	pthread_join(th, NULL);
	munmap(s->page2 - s->pg, 2 * s->pg);
	close(s->uffd);
	return r;
}

static void same_stats(int obs, const struct dmabench_stats *s0, const char *what)
{
	struct dmabench_stats s;

	t_stats(obs, &s);
	if (!t_stats_live_equal(s0, &s)) {
		t_print_stats("before", s0);
		t_print_stats(what, &s);
		t_fail("%s: -EFAULT left state behind (live counters changed)", what);
	}
}

int main(void)
{
	struct dmabench_stats s0;
	struct dmabench_alloc al;
	struct stall s;
	uint32_t ids[4], dev;
	int obs = t_open(), ctl = t_open(), r, fd0, fd1;
	long pg = sysconf(_SC_PAGESIZE);

	if (t_find_devs(obs, DMABENCH_DEV_EDU, ids, 4) < 1 &&
	    t_find_devs(obs, DMABENCH_DEV_PLATFORM, ids, 4) < 1)
		t_skip("no device");
	dev = ids[0];
	t_stats(obs, &s0);

	/* 1. ALLOC in a fresh file: its handle would be 1 */
	memset(&al, 0, sizeof(al));
	al.dev = dev;
	al.api = DMABENCH_API_ATTRS;
	al.size = (uint64_t)pg;
	r = stalled_ioctl(ctl, DMABENCH_IOC_ALLOC, &al, sizeof(al), 1, (size_t)pg, &s);
	if (!s.faults)
		t_skip("the copy-out did not stall on the write-protected page (userfaultfd WP for kernel faults?)");
	if (s.map) {
		munmap(s.map, (size_t)pg);
		printf("mmap of handle 1 while ALLOC's copy-out was stalled succeeded\n");
	}
	t_assert(r == -EFAULT, "ALLOC with a read-only tail: %s, expected EFAULT", r ? strerror(-r) : "success");
	t_assert(!s.map && s.mmap_err == EBADF,
		 "object visible before its copy-out: mmap of handle 1 %s (expected EBADF)",
		 s.mmap_err ? strerror(s.mmap_err) : "succeeded");
	same_stats(obs, &s0, "ALLOC");
	t_assert(t_free(ctl, 1) == -EBADF, "FREE of the handle of a failed ALLOC: not EBADF");

	/* 2. the other ioctls that create something, copy-out stalled and failed */
	r = t_alloc(ctl, &al, dev, DMABENCH_API_ATTRS, 2 * (uint64_t)pg, 0);
	t_assert(r == 0, "ALLOC: %s", strerror(-r));
	t_stats(obs, &s0);
	{
		struct dmabench_sgtable st = { .alloc = al.handle };

		r = stalled_ioctl(ctl, DMABENCH_IOC_GET_SGTABLE, &st, sizeof(st), 0, 0, &s);
		t_assert(r == -EFAULT, "GET_SGTABLE: %s, expected EFAULT", r ? strerror(-r) : "success");
		same_stats(obs, &s0, "GET_SGTABLE");
	}
	{
		struct dmabench_map_single m = { .dev = dev, .dir = DMABENCH_DIR_BIDIRECTIONAL, .size = 4096 };

		r = stalled_ioctl(ctl, DMABENCH_IOC_MAP_SINGLE, &m, sizeof(m), 0, 0, &s);
		t_assert(r == -EFAULT, "MAP_SINGLE: %s, expected EFAULT", r ? strerror(-r) : "success");
		same_stats(obs, &s0, "MAP_SINGLE");
	}
	{
		struct dmabench_sgtable st;
		struct dmabench_map_sg ms;

		r = t_sgtable(ctl, &st, al.handle, NULL, 0);
		t_assert(r == 0, "GET_SGTABLE: %s", strerror(-r));
		t_stats(obs, &s0);
		memset(&ms, 0, sizeof(ms));
		ms.sgt = st.handle;
		ms.dev = dev;
		ms.dir = DMABENCH_DIR_BIDIRECTIONAL;
		r = stalled_ioctl(ctl, DMABENCH_IOC_MAP_SG, &ms, sizeof(ms), 0, 0, &s);
		t_assert(r == -EFAULT, "MAP_SG: %s, expected EFAULT", r ? strerror(-r) : "success");
		same_stats(obs, &s0, "MAP_SG");
		/* the table is free again: a second mapping works */
		r = t_map_sg(ctl, &ms, st.handle, dev, NULL, 0);
		t_assert(r == 0, "MAP_SG after the failed one: %s", strerror(-r));
		t_assert(t_free(ctl, ms.handle) == 0 && t_free(ctl, st.handle) == 0, "FREE map, sgt");
	}
	{
		struct dmabench_dmabuf_export ex = { .alloc = al.handle };

		fd0 = open("/dev/null", O_RDONLY);	/* the lowest free fd before and after */
		close(fd0);
		r = stalled_ioctl(ctl, DMABENCH_IOC_DMABUF_EXPORT, &ex, sizeof(ex), 0, 0, &s);
		t_assert(r == -EFAULT, "DMABUF_EXPORT: %s, expected EFAULT", r ? strerror(-r) : "success");
		fd1 = open("/dev/null", O_RDONLY);
		close(fd1);
		t_assert(fd1 == fd0, "DMABUF_EXPORT -EFAULT left an fd open (lowest free fd %d, was %d)", fd1, fd0);
		/* not exported: FREE would be -EBUSY while exported */
		memset(&ex, 0, sizeof(ex));
		ex.alloc = al.handle;
		t_xioctl(ctl, DMABENCH_IOC_DMABUF_EXPORT, &ex);
		{
			struct dmabench_dmabuf_attach at = { .fd = ex.fd, .dev = dev,
							     .dir = DMABENCH_DIR_BIDIRECTIONAL };

			t_stats(obs, &s0);
			r = stalled_ioctl(ctl, DMABENCH_IOC_DMABUF_ATTACH, &at, sizeof(at), 0, 0, &s);
			t_assert(r == -EFAULT, "DMABUF_ATTACH: %s, expected EFAULT", r ? strerror(-r) : "success");
			same_stats(obs, &s0, "DMABUF_ATTACH");
		}
		close(ex.fd);
	}
	t_assert(t_free(ctl, al.handle) == 0, "FREE of the allocation after its dma-buf was closed");
	close(ctl);
	close(obs);
	printf("alloc_efault: -EFAULT from a stalled copy-out leaves nothing behind\n");
	return T_PASS;
}
