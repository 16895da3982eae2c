// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench.ko - benchmark and fuzzing target for the DMA-mapping API.
 *
 * Interface: /sys/kernel/debug/dmabench/ctl, see dmabench_abi.h (the
 * contract). Modelled on kernel/dma/map_benchmark.c and lib/test_hmm.c;
 * laid out like drivers/misc/lkdtm/: this file holds the module, the ctl
 * file and the ioctl table, one file per feature does the work
 * (dmabench.h lists them).
 *
 * Devices (dev.c; global table, ids are stable indexes, never given to
 * another device; a PCI device bound again gets its id back):
 *  - "nplatform" platform devices created here (kind PLATFORM);
 *  - QEMU edu PCI functions 1234:11e8 (kind EDU) and any PCI device the
 *    user binds explicitly through driver_override (kind BOUND).
 * No other device is ever touched.
 *
 * Objects (obj.c: allocations, sg tables, mappings) belong to the open
 * file and are released newest first on close.
 */
#include "dmabench.h"

#include <linux/build_bug.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>

static unsigned int nplatform = 2;
module_param(nplatform, uint, 0444);
MODULE_PARM_DESC(nplatform, "platform devices to create (0.." __stringify(DMABENCH_MAX_PLATFORM_DEVS) ", default 2)");

/*
 * Synthetic slowdown for checking `dmabench compare` (off by default): in
 * DMABENCH_IOC_LAT, op a of lat op slow_op (enum dmabench_lat_op) is
 * stretched by slow_pct percent of its own duration by busy-waiting inside
 * the timed region, so its whole distribution (and median) moves by that
 * fraction. Values out of range (op > DMABENCH_LAT_OP_MAX, pct > 1000) are
 * treated as off. Both are writable at runtime (root,
 * /sys/module/dmabench/parameters/) so that `lat --slow-slots` can
 * interleave slowed and plain rounds inside one boot.
 */
unsigned int dmab_slow_op;
module_param_named(slow_op, dmab_slow_op, uint, 0644);
MODULE_PARM_DESC(slow_op, "lat op whose first half is slowed down (1..5, 0 = off)");
unsigned int dmab_slow_pct;
module_param_named(slow_pct, dmab_slow_pct, uint, 0644);
MODULE_PARM_DESC(slow_pct, "slowdown of slow_op in percent of its own duration (0..1000, 0 = off)");

/*
 * Crash drill for the fuzzer (fuzz/README.md): while crash_drill_size is
 * nonzero, an ALLOC (ioctl or io_uring) of exactly that many bytes triggers
 * a WARN_ONCE (the allocation then proceeds as usual). Off (0) by default.
 */
unsigned long long dmab_crash_drill_size;
module_param_named(crash_drill_size, dmab_crash_drill_size, ullong, 0644);
MODULE_PARM_DESC(crash_drill_size, "fuzzer crash drill: ALLOC of exactly this size WARNs once (0 = off)");

/*
 * edu DMA transfer timeout (VERIFY), writable at run time: a test shortens
 * it below edu's ~100 ms to drive the timeout path. 0 or above 60000: the
 * default DMABENCH_VERIFY_TIMEOUT_MS.
 */
unsigned int dmab_edu_timeout_ms = DMABENCH_VERIFY_TIMEOUT_MS;
module_param_named(edu_timeout_ms, dmab_edu_timeout_ms, uint, 0644);
MODULE_PARM_DESC(edu_timeout_ms, "edu DMA transfer timeout in ms (default " __stringify(DMABENCH_VERIFY_TIMEOUT_MS) ")");

/*
 * Test hook for the hand-over of an exported allocation when its ctl file
 * is released first (dmabuf.c dmab_orphan()): sleep this many ms right
 * after the allocation was handed to its dma-buf, so that a dma-buf
 * release racing with it (tests/dmabuf_close_race.c) runs inside that
 * window even on one CPU. 0 (default): off; above 100: 100.
 */
unsigned int dmab_handover_delay_ms;
module_param_named(handover_delay_ms, dmab_handover_delay_ms, uint, 0644);
MODULE_PARM_DESC(handover_delay_ms, "test hook: sleep after handing an allocation to its dma-buf at ctl release (ms, 0 = off)");

/* ------------------------------------------------------------------ */
/* file operations                                                     */

/* Room for the struct of any command in dmab_ioctls[] (DMAB_IOCTL() checks). */
union dmab_ioctl_arg {
	struct dmabench_info info;
	struct dmabench_dev_info dev_info;
	struct dmabench_set_mask set_mask;
	struct dmabench_alloc alloc;
	struct dmabench_handle handle;
	struct dmabench_sgtable sgtable;
	struct dmabench_map_sg map_sg;
	struct dmabench_map_single map_single;
	struct dmabench_sync sync;
	struct dmabench_stats stats;
	struct dmabench_lat lat;
	struct dmabench_verify verify;
	struct dmabench_dmabuf_export dmabuf_export;
	struct dmabench_dmabuf_attach dmabuf_attach;
	struct dmabench_peek peek;
};

/*
 * The ioctl table: one row per command, used both to reject an unknown
 * command (-ENOTTY) and to dispatch a known one. .size is the bytes of the
 * command's struct, copied in before the handler runs; DMAB_IOCTL() checks
 * at build time that it is the size encoded in the command number and
 * that union dmab_ioctl_arg has room for it.
 */
struct dmab_ioctl {
	unsigned int cmd;
	long (*handler)(struct dmab_file *f, void *arg, void __user *uarg);
	unsigned int size;
};

#define DMAB_IOCTL(_cmd, _handler, _type)						\
	{ .cmd = (_cmd), .handler = (_handler),						\
	  .size = sizeof(struct _type) +						\
		  BUILD_BUG_ON_ZERO(_IOC_SIZE(_cmd) != sizeof(struct _type)) +		\
		  BUILD_BUG_ON_ZERO(sizeof(struct _type) > sizeof(union dmab_ioctl_arg)) }

static const struct dmab_ioctl dmab_ioctls[] = {
	DMAB_IOCTL(DMABENCH_IOC_INFO, dmab_ioc_info, dmabench_info),
	DMAB_IOCTL(DMABENCH_IOC_DEV_INFO, dmab_ioc_dev_info, dmabench_dev_info),
	DMAB_IOCTL(DMABENCH_IOC_SET_MASK, dmab_ioc_set_mask, dmabench_set_mask),
	DMAB_IOCTL(DMABENCH_IOC_ALLOC, dmab_ioc_alloc, dmabench_alloc),
	DMAB_IOCTL(DMABENCH_IOC_FREE, dmab_ioc_free, dmabench_handle),
	DMAB_IOCTL(DMABENCH_IOC_GET_SGTABLE, dmab_ioc_get_sgtable, dmabench_sgtable),
	DMAB_IOCTL(DMABENCH_IOC_MAP_SG, dmab_ioc_map_sg, dmabench_map_sg),
	DMAB_IOCTL(DMABENCH_IOC_MAP_SINGLE, dmab_ioc_map_single, dmabench_map_single),
	DMAB_IOCTL(DMABENCH_IOC_SYNC, dmab_ioc_sync, dmabench_sync),
	DMAB_IOCTL(DMABENCH_IOC_STATS, dmab_ioc_stats, dmabench_stats),
	DMAB_IOCTL(DMABENCH_IOC_LAT, dmab_ioc_lat, dmabench_lat),
	DMAB_IOCTL(DMABENCH_IOC_VERIFY, dmab_ioc_verify, dmabench_verify),
	DMAB_IOCTL(DMABENCH_IOC_DMABUF_EXPORT, dmab_ioc_dmabuf_export, dmabench_dmabuf_export),
	DMAB_IOCTL(DMABENCH_IOC_DMABUF_ATTACH, dmab_ioc_dmabuf_attach, dmabench_dmabuf_attach),
	DMAB_IOCTL(DMABENCH_IOC_PEEK, dmab_ioc_peek, dmabench_peek),
};

static const struct dmab_ioctl *dmab_ioctl_find(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dmab_ioctls); i++)
		if (dmab_ioctls[i].cmd == cmd)
			return &dmab_ioctls[i];
	return NULL;
}

/* Unknown command -ENOTTY, killed waiting for the file -EINTR, copy-in -EFAULT, handler. */
static long dmab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct dmab_ioctl *ioc = dmab_ioctl_find(cmd);
	struct dmab_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;
	union dmab_ioctl_arg karg;
	long ret;

	if (!ioc)
		return -ENOTTY;
	if (mutex_lock_killable(&f->lock))
		return -EINTR;
	if (copy_from_user(&karg, uarg, ioc->size))
		ret = -EFAULT;
	else
		ret = ioc->handler(f, &karg, uarg);
	mutex_unlock(&f->lock);
	return ret;
}

static void dmab_vm_open(struct vm_area_struct *vma)
{
	struct dmab_obj *obj = vma->vm_private_data;

	atomic_inc(&obj->mapcount);
	atomic64_inc(&dmab_stats.live_mmaps);
}

static void dmab_vm_close(struct vm_area_struct *vma)
{
	struct dmab_obj *obj = vma->vm_private_data;

	atomic_dec(&obj->mapcount);
	atomic64_dec(&dmab_stats.live_mmaps);
}

static const struct vm_operations_struct dmab_vm_ops = {
	.open = dmab_vm_open,
	.close = dmab_vm_close,
};

/*
 * offset = handle << PAGE_SHIFT. Runs under mmap_lock, so it must not take
 * f->lock (ioctls fault on user memory while holding it); the xarray lock
 * makes lookup + map count atomic against FREE, and the VMA pins the file
 * (hence the object) until vm_ops->close.
 */
static int dmab_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dmab_file *f = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	struct dmab_obj *obj = NULL;
	int ret;

	xa_lock(&f->objs);
	if (vma->vm_pgoff && vma->vm_pgoff <= U32_MAX)
		obj = xa_load(&f->objs, vma->vm_pgoff);
	if (!obj || obj->type != DMAB_OBJ_ALLOC) {
		xa_unlock(&f->objs);
		return -EBADF;
	}
	if (len != PAGE_ALIGN(obj->buf.size)) {
		xa_unlock(&f->objs);
		return -EINVAL;
	}
	atomic_inc(&obj->mapcount);
	xa_unlock(&f->objs);

	vma->vm_pgoff = 0;	/* the handle is not an offset into the buffer */
	ret = dmab_buf_mmap(&obj->buf, vma);
	if (ret) {
		atomic_dec(&obj->mapcount);	/* ->close is not called on failure */
		return ret;
	}
	vma->vm_ops = &dmab_vm_ops;
	vma->vm_private_data = obj;
	atomic64_inc(&dmab_stats.live_mmaps);
	return 0;
}

static int dmab_open(struct inode *inode, struct file *file)
{
	struct dmab_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	xa_init(&f->objs);
	INIT_LIST_HEAD(&f->list);
	f->next_handle = 1;
	file->private_data = f;
	atomic64_inc(&dmab_stats.open_files);
	return nonseekable_open(inode, file);
}

/* No VMA is left (each pins the file): release everything, newest first. */
static int dmab_release(struct inode *inode, struct file *file)
{
	struct dmab_file *f = file->private_data;
	struct dmab_obj *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, &f->list, node) {
		if (dmab_orphan(f, obj))
			continue;	/* exported: the dma-buf release frees it */
		if (dmab_unpublish(f, obj)) {
			/* cannot happen: a VMA holds the file */
			pr_err("object %u still mmapped at release, leaking it\n", obj->handle);
			continue;
		}
		dmab_destroy(obj);
		cond_resched();
	}
	dmab_fresh_drain(f);
	xa_destroy(&f->objs);
	mutex_destroy(&f->lock);
	kfree(f);
	atomic64_dec(&dmab_stats.open_files);
	return 0;
}

static const struct file_operations dmab_fops = {
	.owner = THIS_MODULE,
	.open = dmab_open,
	.release = dmab_release,
	.unlocked_ioctl = dmab_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = dmab_mmap,
	DMAB_COMPAT_FOPS_URING_CMD(dmab_uring_cmd)
	.llseek = dmab_compat_no_llseek,
};

/* ------------------------------------------------------------------ */
/* module                                                              */

static struct dentry *dmab_debugfs;

static void dmab_cleanup(void)
{
	debugfs_remove_recursive(dmab_debugfs);
	dmab_devs_exit();
}

static int __init dmab_init(void)
{
	int ret;

	if (nplatform > DMABENCH_MAX_PLATFORM_DEVS) {
		pr_err("nplatform=%u exceeds %u\n", nplatform, DMABENCH_MAX_PLATFORM_DEVS);
		return -EINVAL;
	}
	dmab_alloc_init();

	ret = dmab_devs_init(nplatform);
	if (ret)
		goto err;

	dmab_debugfs = debugfs_create_dir(DMABENCH_DEBUGFS_DIR, NULL);
	/* _unsafe: the full proxy has no ->mmap; the module is pinned while open */
	debugfs_create_file_unsafe("ctl", 0600, dmab_debugfs, NULL, &dmab_fops);
	pr_info("abi %d, %u devices\n", DMABENCH_ABI_VERSION, dmab_ndevs);
	return 0;
err:
	dmab_cleanup();
	return ret;
}

static void __exit dmab_exit(void)
{
	dmab_cleanup();
}

module_init(dmab_init);
module_exit(dmab_exit);

MODULE_DESCRIPTION("dmabench: DMA-mapping API benchmark and fuzzing target");
MODULE_LICENSE("GPL");
DMAB_COMPAT_IMPORT_NS_DMA_BUF();
