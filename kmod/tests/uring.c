// SPDX-License-Identifier: GPL-2.0
/*
 * uring - DMA-mapping operations as IORING_OP_URING_CMD on the ctl file
 * (liburing): map_single / alloc create objects whose handles come back in
 * cqe->res and free releases them; the leak counters return to baseline;
 * error paths: unknown cmd_op -ENOTTY, reserved field -EINVAL, unknown
 * handle -EBADF, bad device -ENODEV, size 0 -EINVAL, size too big -E2BIG;
 * with IORING_SETUP_SQE128 a zero tail works and a nonzero tail -EINVAL.
 * Objects left behind at close are released (release_on_close for uring).
 */
#include <liburing.h>

#include "tcommon.h"

static int submit1(struct io_uring *ring, int fd, uint32_t op, uint32_t a0, uint32_t a1, uint64_t size,
		   uint8_t tail_byte)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct dmabench_uring_cmd c = { .arg0 = a0, .arg1 = a1, .size = size };
	struct io_uring_cqe *cqe;
	int r, res;

	t_assert(sqe, "no SQE");
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = op;
	memcpy(sqe->cmd, &c, sizeof(c));
	if (tail_byte)	/* only with SQE128: the byte after the 16-byte command */
		sqe->cmd[DMABENCH_URING_CMD_BYTES + 7] = tail_byte;
	r = io_uring_submit_and_wait(ring, 1);
	t_assert(r == 1, "io_uring_submit_and_wait: %d", r);
	r = io_uring_wait_cqe(ring, &cqe);
	t_assert(r == 0, "io_uring_wait_cqe: %d", r);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

int main(void)
{
	struct dmabench_stats s0, s1;
	struct io_uring ring, ring128;
	uint32_t dev = 0;
	int fd = t_open(), r, h[64], n = 0;
	uint32_t ids[4];

	if (t_find_devs(fd, DMABENCH_DEV_EDU, ids, 4) < 1)
		t_skip("no edu device");
	t_need(fd, DMABENCH_FEAT_URING_CMD);
	dev = ids[0];
	r = io_uring_queue_init(64, &ring, 0);
	if (r == -ENOSYS || r == -EPERM)
		t_skip("io_uring unavailable: %s", strerror(-r));
	t_assert(r == 0, "io_uring_queue_init: %s", strerror(-r));
	t_stats(fd, &s0);

	/* objects created through the ring */
	for (int i = 0; i < 16; i++) {
		r = submit1(&ring, fd, DMABENCH_URING_MAP_SINGLE, dev, DMABENCH_DIR_BIDIRECTIONAL, 4096, 0);
		t_assert(r >= 1, "URING_MAP_SINGLE: %d", r);
		h[n++] = r;
		r = submit1(&ring, fd, DMABENCH_URING_ALLOC, dev, i & 1 ? DMABENCH_ATTR_NO_KERNEL_MAPPING : 0, 8192, 0);
		t_assert(r >= 1, "URING_ALLOC: %d", r);
		h[n++] = r;
	}
	t_stats(fd, &s1);
	t_assert(s1.live_mappings == s0.live_mappings + 16, "live_mappings %llu, expected %llu",
		 (unsigned long long)s1.live_mappings, (unsigned long long)s0.live_mappings + 16);
	t_assert(s1.live_allocs == s0.live_allocs + 16, "live_allocs %llu", (unsigned long long)s1.live_allocs);
	/* a handle from the ring works with the ioctl path too */
	{
		struct dmabench_handle fh = { .handle = (uint32_t)h[--n] };

		t_assert(t_ioctl(fd, DMABENCH_IOC_FREE, &fh) == 0, "ioctl FREE of a uring handle");
	}
	while (n > 1) {
		r = submit1(&ring, fd, DMABENCH_URING_FREE, (uint32_t)h[--n], 0, 0, 0);
		t_assert(r == 0, "URING_FREE: %d", r);
	}

	/* errors */
	r = submit1(&ring, fd, DMABENCH_URING_FREE, (uint32_t)h[0] + 100000, 0, 0, 0);
	t_assert(r == -EBADF, "FREE of an unknown handle: %d, expected -EBADF", r);
	r = submit1(&ring, fd, DMABENCH_URING_FREE, (uint32_t)h[0], 1, 0, 0);
	t_assert(r == -EINVAL, "FREE with nonzero arg1: %d, expected -EINVAL", r);
	r = submit1(&ring, fd, 0, 0, 0, 0, 0);
	t_assert(r == -ENOTTY, "cmd_op 0: %d, expected -ENOTTY", r);
	r = submit1(&ring, fd, DMABENCH_URING_OP_MAX + 1, 0, 0, 0, 0);
	t_assert(r == -ENOTTY, "cmd_op max+1: %d, expected -ENOTTY", r);
	r = submit1(&ring, fd, DMABENCH_URING_MAP_SINGLE, DMABENCH_MAX_DEVICES, DMABENCH_DIR_BIDIRECTIONAL, 4096, 0);
	t_assert(r == -ENODEV, "bad device: %d, expected -ENODEV", r);
	r = submit1(&ring, fd, DMABENCH_URING_MAP_SINGLE, dev, 0, 4096, 0);
	t_assert(r == -EINVAL, "dir 0: %d, expected -EINVAL", r);
	r = submit1(&ring, fd, DMABENCH_URING_MAP_SINGLE, dev, DMABENCH_DIR_BIDIRECTIONAL, 0, 0);
	t_assert(r == -EINVAL, "size 0: %d, expected -EINVAL", r);
	r = submit1(&ring, fd, DMABENCH_URING_ALLOC, dev, 0, DMABENCH_MAX_ALLOC_SIZE + 1, 0);
	t_assert(r == -E2BIG, "size too big: %d, expected -E2BIG", r);
	r = submit1(&ring, fd, DMABENCH_URING_ALLOC, dev, 0x80000000U, 4096, 0);
	t_assert(r == -EINVAL, "unknown attr bit: %d, expected -EINVAL", r);

	/* the first object still lives: freed at close, the counters come back */
	r = submit1(&ring, fd, DMABENCH_URING_FREE, (uint32_t)h[0], 0, 0, 0);
	t_assert(r == 0, "URING_FREE of the first handle: %d", r);
	t_stats(fd, &s1);
	t_assert(s1.live_mappings == s0.live_mappings && s1.live_allocs == s0.live_allocs,
		 "leak: mappings %llu allocs %llu", (unsigned long long)s1.live_mappings,
		 (unsigned long long)s1.live_allocs);

	/* SQE128: 64-byte reserved tail */
	r = io_uring_queue_init(8, &ring128, IORING_SETUP_SQE128);
	t_assert(r == 0, "io_uring_queue_init(SQE128): %s", strerror(-r));
	r = submit1(&ring128, fd, DMABENCH_URING_MAP_SINGLE, dev, DMABENCH_DIR_BIDIRECTIONAL, 4096, 0);
	t_assert(r >= 1, "SQE128 MAP_SINGLE with a zero tail: %d", r);
	r = submit1(&ring128, fd, DMABENCH_URING_MAP_SINGLE, dev, DMABENCH_DIR_BIDIRECTIONAL, 4096, 0x5a);
	t_assert(r == -EINVAL, "SQE128 nonzero tail: %d, expected -EINVAL", r);
	/* left behind on purpose: released when fd closes */
	io_uring_queue_exit(&ring128);
	io_uring_queue_exit(&ring);
	close(fd);
	fd = t_open();
	t_stats(fd, &s1);
	t_assert(s1.live_mappings == s0.live_mappings, "mapping left by a closed file: %llu vs %llu",
		 (unsigned long long)s1.live_mappings, (unsigned long long)s0.live_mappings);
	close(fd);
	printf("uring: 16 map_single + 16 alloc via IORING_OP_URING_CMD, errors, SQE128 tail, release on close\n");
	return T_PASS;
}
