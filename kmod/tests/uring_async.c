// SPDX-License-Identifier: GPL-2.0
/*
 * uring_async - every IORING_OP_URING_CMD completes, whichever way io_uring
 * issues it (liburing):
 *  1. ALLOC and MAP_SINGLE with IOSQE_ASYNC (issued from an io-wq worker,
 *     without IO_URING_F_NONBLOCK) post a CQE with the handle;
 *  2. plain commands submitted while another thread is inside an ioctl on
 *     the same file (the inline issue finds the file busy, -EAGAIN punts
 *     them to io-wq) complete too;
 *  3. a NOP linked (IOSQE_IO_LINK) after a successful ALLOC runs (0, not
 *     -ECANCELED: a handle is a success), after a failing ALLOC it is
 *     cancelled; a FREE linked after an ALLOC frees the handle the ALLOC
 *     returned (handles are sequential in a fresh file);
 *  4. after both files are closed, the module's live counters, open files
 *     included, are back at the baseline (a lost command pins its file).
 * Every CQE is waited for with a timeout: a lost completion is a failure,
 * never a hang.
 */
#include <liburing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "tcommon.h"

#define CQE_TIMEOUT_S	10

static void prep(struct io_uring *ring, int fd, uint32_t op, uint32_t a0, uint32_t a1,
		 uint64_t size, unsigned int flags, uint64_t tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct dmabench_uring_cmd c = { .arg0 = a0, .arg1 = a1, .size = size };

	t_assert(sqe, "no SQE");
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = op;
	memcpy(sqe->cmd, &c, sizeof(c));
	sqe->flags |= flags;
	sqe->user_data = tag;
}

static void prep_nop(struct io_uring *ring, uint64_t tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	t_assert(sqe, "no SQE");
	io_uring_prep_nop(sqe);
	sqe->user_data = tag;
}

/* Wait for @n CQEs (each within the timeout); res[tag] = cqe->res for tags < max. */
static void reap(struct io_uring *ring, int n, int *res, unsigned int max, const char *what)
{
	struct __kernel_timespec ts = { .tv_sec = CQE_TIMEOUT_S };
	struct io_uring_cqe *cqe;
	int i, r;

	for (i = 0; i < n; i++) {
		r = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		if (r == -ETIME)
			t_fail("%s: CQE %d of %d did not arrive within %d s (completion lost)", what,
			       i + 1, n, CQE_TIMEOUT_S);
		t_assert(r == 0, "%s: io_uring_wait_cqe_timeout: %s", what, strerror(-r));
		if (cqe->user_data < max)
			res[cqe->user_data] = cqe->res;
		io_uring_cqe_seen(ring, cqe);
	}
}

static int one(struct io_uring *ring, int fd, uint32_t op, uint32_t a0, uint32_t a1, uint64_t size,
	       unsigned int flags, const char *what)
{
	int res = -9999, r;

	prep(ring, fd, op, a0, a1, size, flags, 0);
	r = io_uring_submit(ring);
	t_assert(r == 1, "%s: io_uring_submit: %d", what, r);
	reap(ring, 1, &res, 1, what);
	return res;
}

/* Thread B: LAT loops (each holds the file's lock for a while) until told to stop. */
struct busy {
	int fd;
	uint32_t dev;
	atomic_int stop, inside;
	int err;
};

static void *busy_thread(void *p)
{
	struct busy *b = p;
	struct dmabench_lat l;

	while (!atomic_load(&b->stop)) {
		memset(&l, 0, sizeof(l));
		l.op = DMABENCH_LAT_MAP_SINGLE;
		l.dev = b->dev;
		l.api = DMABENCH_API_ATTRS;
		l.size = 4096;
		l.dir = DMABENCH_DIR_BIDIRECTIONAL;
		l.iters = 2000;
		atomic_fetch_add(&b->inside, 1);
		if (ioctl(b->fd, DMABENCH_IOC_LAT, &l) < 0 && !b->err)
			b->err = errno;
	}
	return NULL;
}

int main(void)
{
	struct dmabench_stats s0, s1;
	struct io_uring ring;
	uint32_t ids[4], dev;
	int fd = t_open(), r, res[8], h[64], n = 0, i;

	if (t_find_devs(fd, DMABENCH_DEV_EDU, ids, 4) < 1 &&
	    t_find_devs(fd, DMABENCH_DEV_PLATFORM, ids, 4) < 1)
		t_skip("no device");
	t_need(fd, DMABENCH_FEAT_URING_CMD);
	dev = ids[0];
	r = io_uring_queue_init(32, &ring, 0);
	if (r == -ENOSYS || r == -EPERM)
		t_skip("io_uring unavailable: %s", strerror(-r));
	t_assert(r == 0, "io_uring_queue_init: %s", strerror(-r));
	t_stats(fd, &s0);

	/* 1. IOSQE_ASYNC: issued by an io-wq worker */
	r = one(&ring, fd, DMABENCH_URING_ALLOC, dev, 0, 8192, IOSQE_ASYNC, "ALLOC with IOSQE_ASYNC");
	t_assert(r >= 1, "ALLOC with IOSQE_ASYNC: res %d, expected a handle", r);
	h[n++] = r;
	r = one(&ring, fd, DMABENCH_URING_MAP_SINGLE, dev, DMABENCH_DIR_BIDIRECTIONAL, 4096, IOSQE_ASYNC,
		"MAP_SINGLE with IOSQE_ASYNC");
	t_assert(r >= 1, "MAP_SINGLE with IOSQE_ASYNC: res %d, expected a handle", r);
	h[n++] = r;
	r = one(&ring, fd, DMABENCH_URING_FREE, (uint32_t)h[--n], 0, 0, IOSQE_ASYNC, "FREE with IOSQE_ASYNC");
	t_assert(r == 0, "FREE with IOSQE_ASYNC: res %d", r);
	r = one(&ring, fd, DMABENCH_URING_ALLOC, dev, 0, 0, IOSQE_ASYNC, "ALLOC size 0 with IOSQE_ASYNC");
	t_assert(r == -EINVAL, "ALLOC size 0 with IOSQE_ASYNC: res %d, expected -EINVAL", r);

	/* 2. plain commands while thread B holds the file in LAT ioctls */
	{
		struct busy b = { .fd = fd, .dev = dev };
		pthread_t th;
		int k;

		t_assert(pthread_create(&th, NULL, busy_thread, &b) == 0, "pthread_create");
		for (k = 0; k < 12; k++) {
			int before = atomic_load(&b.inside);
			struct timespec d = { 0, 2000000 };

			while (atomic_load(&b.inside) == before)
				nanosleep(&d, NULL);
			nanosleep(&d, NULL);	/* B is (most likely) inside the ioctl now */
			r = one(&ring, fd, k & 1 ? DMABENCH_URING_MAP_SINGLE : DMABENCH_URING_ALLOC, dev,
				k & 1 ? DMABENCH_DIR_TO_DEVICE : 0, 4096, 0, "command during an ioctl");
			if (r < 1) {
				atomic_store(&b.stop, 1);
				pthread_join(th, NULL);
				t_fail("command %d during an ioctl: res %d, expected a handle", k, r);
			}
			h[n++] = r;
		}
		atomic_store(&b.stop, 1);
		pthread_join(th, NULL);
		t_assert(!b.err, "LAT in thread B: %s", strerror(b.err));
	}

	/* 3. links, in a fresh file: handles 1, 2, ... */
	{
		int f2 = t_open();

		prep(&ring, f2, DMABENCH_URING_ALLOC, dev, 0, 4096, IOSQE_IO_LINK, 0);
		prep_nop(&ring, 1);
		r = io_uring_submit(&ring);
		t_assert(r == 2, "submit ALLOC -> NOP: %d", r);
		res[0] = res[1] = -9999;
		reap(&ring, 2, res, 8, "ALLOC linked to NOP");
		t_assert(res[0] == 1, "linked ALLOC: res %d, expected handle 1", res[0]);
		t_assert(res[1] == 0, "NOP linked after a successful ALLOC: res %d (%s), expected 0", res[1],
			 res[1] < 0 ? strerror(-res[1]) : "");

		prep(&ring, f2, DMABENCH_URING_ALLOC, dev, 0, 4096, IOSQE_IO_LINK | IOSQE_ASYNC, 2);
		prep(&ring, f2, DMABENCH_URING_FREE, 2, 0, 0, 0, 3);
		r = io_uring_submit(&ring);
		t_assert(r == 2, "submit ALLOC -> FREE: %d", r);
		res[2] = res[3] = -9999;
		reap(&ring, 2, res, 8, "async ALLOC linked to FREE");
		t_assert(res[2] == 2, "async linked ALLOC: res %d, expected handle 2", res[2]);
		t_assert(res[3] == 0, "FREE linked after ALLOC: res %d, expected 0", res[3]);

		prep(&ring, f2, DMABENCH_URING_ALLOC, dev, 0, 0, IOSQE_IO_LINK, 4);
		prep_nop(&ring, 5);
		r = io_uring_submit(&ring);
		t_assert(r == 2, "submit failing ALLOC -> NOP: %d", r);
		res[4] = res[5] = -9999;
		reap(&ring, 2, res, 8, "failing ALLOC linked to NOP");
		t_assert(res[4] == -EINVAL, "ALLOC size 0: res %d, expected -EINVAL", res[4]);
		t_assert(res[5] == -ECANCELED, "NOP linked after a failed ALLOC: res %d, expected -ECANCELED",
			 res[5]);
		close(f2);	/* handle 1 is released with the file */
	}

	/* 4. free half through the ring, leave the rest to close */
	for (i = 0; i < n; i += 2) {
		r = one(&ring, fd, DMABENCH_URING_FREE, (uint32_t)h[i], 0, 0, i % 4 ? IOSQE_ASYNC : 0, "FREE");
		t_assert(r == 0, "FREE of handle %d: res %d", h[i], r);
	}
	io_uring_queue_exit(&ring);
	close(fd);
	fd = t_open();
	for (i = 0; i < 50; i++) {	/* the ring's teardown runs in a workqueue */
		struct timespec d = { 0, 20000000 };

		t_stats(fd, &s1);
		if (t_stats_live_equal(&s0, &s1))
			break;
		nanosleep(&d, NULL);
	}
	if (!t_stats_live_equal(&s0, &s1)) {
		t_print_stats("baseline", &s0);
		t_print_stats("after close", &s1);
		t_fail("live counters not back at the baseline after both files were closed");
	}
	close(fd);
	printf("uring_async: IOSQE_ASYNC, -EAGAIN punts during ioctls, links, release: all completed\n");
	return T_PASS;
}
