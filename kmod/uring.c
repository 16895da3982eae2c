// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring: IORING_OP_URING_CMD on the ctl file (see dmabench_abi.h):
 * MAP_SINGLE, ALLOC and FREE with the same objects, ownership and limits
 * as the ioctls.
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
		return -ENOTTY;
	/* the SQE lives in memory userspace can still write: one copy, then checks */
	memcpy(&c, cmd, sizeof(c));
	if ((issue_flags & IO_URING_F_SQE128) &&
	    memchr_inv(cmd + DMABENCH_URING_CMD_BYTES, 0, DMABENCH_URING_SQE128_TAIL))
		return -EINVAL;
	if (op == DMABENCH_URING_FREE && (c.arg1 || c.size))
		return -EINVAL;
	/* io_uring issues inline with IO_URING_F_NONBLOCK: -EAGAIN punts to a worker */
	if (issue_flags & IO_URING_F_NONBLOCK) {
		if (!mutex_trylock(&f->lock))
			return -EAGAIN;
	} else if (mutex_lock_killable(&f->lock)) {
		return -EINTR;
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
	if (!ret && obj) {
		if (obj->handle > S32_MAX) {
			dmab_unwind(f, obj);
			ret = -EOVERFLOW;
		} else {
			ret = obj->handle;
		}
	}
	mutex_unlock(&f->lock);
	return ret;
}
#endif /* DMAB_COMPAT_HAVE_URING_CMD */
