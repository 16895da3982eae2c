// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring: IORING_OP_URING_CMD on the ctl file (see dmabench_abi.h):
 * MAP_SINGLE, ALLOC and FREE with the same objects, ownership and limits
 * as the ioctls.
 *
 * Return paths of dmab_uring_cmd() (what io_uring does with each):
 *  - -EAGAIN, only when issued inline with IO_URING_F_NONBLOCK and the
 *    file's lock is taken (another thread is in an ioctl or command):
 *    io_uring copies the command bytes and re-issues the command from an
 *    io-wq worker without IO_URING_F_NONBLOCK, where it waits for the lock.
 *    Nothing has happened yet when it is returned.
 *  - every other result (handle, 0, -errno) is posted as the CQE through
 *    dmab_compat_uring_cmd_complete(), inline or from io-wq alike; the
 *    command then returns -EIOCBQUEUED. A failure fails the request's
 *    links (-ECANCELED for the linked SQEs), a handle or 0 does not.
 */
#include "dmabench.h"

#include <linux/string.h>

#if DMAB_COMPAT_HAVE_URING_CMD	/* else io_uring rejects the opcode itself */

int dmab_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct dmab_file *f = ioucmd->file->private_data;
	const u8 *cmd = dmab_compat_uring_cmd_bytes(ioucmd);
	struct dmabench_uring_cmd c;
	struct dmab_obj *obj = NULL;
	u32 op = ioucmd->cmd_op;
	long ret;

	if (op < DMABENCH_URING_MAP_SINGLE || op > DMABENCH_URING_OP_MAX)
		return dmab_compat_uring_cmd_complete(ioucmd, -ENOTTY, issue_flags);
	/* the SQE lives in memory userspace can still write: one copy, then checks */
	memcpy(&c, cmd, sizeof(c));
	if ((issue_flags & IO_URING_F_SQE128) &&
	    memchr_inv(cmd + DMABENCH_URING_CMD_BYTES, 0, DMABENCH_URING_SQE128_TAIL))
		return dmab_compat_uring_cmd_complete(ioucmd, -EINVAL, issue_flags);
	if (op == DMABENCH_URING_FREE && (c.arg1 || c.size))
		return dmab_compat_uring_cmd_complete(ioucmd, -EINVAL, issue_flags);
	/* io_uring issues inline with IO_URING_F_NONBLOCK: -EAGAIN punts to a worker */
	if (issue_flags & IO_URING_F_NONBLOCK) {
		if (!mutex_trylock(&f->lock))
			return -EAGAIN;
	} else if (mutex_lock_killable(&f->lock)) {
		return dmab_compat_uring_cmd_complete(ioucmd, -EINTR, issue_flags);
	}
	switch (op) {
	case DMABENCH_URING_MAP_SINGLE: {
		struct dmabench_map_single in = { .dev = c.arg0, .dir = c.arg1, .size = c.size };

		ret = dmab_map_single_core(f, &in, &obj);
		break;
	}
	case DMABENCH_URING_ALLOC: {
		struct dmabench_alloc in = { .dev = c.arg0, .api = DMABENCH_API_ATTRS, .attrs = c.arg1,
					     .size = c.size };

		ret = dmab_alloc_core(f, &in, &obj);
		break;
	}
	default:
		ret = dmab_free_core(f, c.arg0);
		break;
	}
	/* a new object is reserved: published only when its handle can be the CQE's result */
	if (!ret && obj) {
		if (obj->handle > S32_MAX) {
			dmab_discard(f, obj);
			ret = -EOVERFLOW;
		} else {
			dmab_publish(f, obj);
			ret = obj->handle;
		}
	}
	mutex_unlock(&f->lock);
	return dmab_compat_uring_cmd_complete(ioucmd, ret, issue_flags);
}
#endif /* DMAB_COMPAT_HAVE_URING_CMD */
