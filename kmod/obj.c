// SPDX-License-Identifier: GPL-2.0
/*
 * Objects of an open ctl file: allocations, sg tables, mappings and dma-buf
 * attachments under per-file handles; publishing, lookup, release, the
 * leak-oracle counters. INFO, FREE and STATS.
 */
#include "dmabench.h"

#include <linux/dma-buf.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

struct dmab_stats dmab_stats;

struct dmab_obj *dmab_lookup(struct dmab_file *f, u32 handle, u32 type)
{
	struct dmab_obj *obj = handle ? xa_load(&f->objs, handle) : NULL;

	if (!obj || (type && obj->type != type))
		return NULL;
	return obj;
}

/* Live counters of the leak oracle: sign +1 when an object is published, -1 when it leaves. */
void dmab_account(const struct dmab_obj *obj, int sign)
{
	switch (obj->type) {
	case DMAB_OBJ_ALLOC:
		atomic64_add(sign, &dmab_stats.live_allocs);
		atomic64_add(sign * (s64)obj->buf.size, &dmab_stats.alloc_bytes);
		atomic64_add(sign * (s64)obj->kva_bytes, &dmab_stats.kva_bytes);
		break;
	case DMAB_OBJ_SGT:
		atomic64_add(sign, &dmab_stats.live_sgtables);
		break;
	default:
		atomic64_add(sign, &dmab_stats.live_mappings);
		break;
	}
}

/*
 * Give @obj the file's next handle (never reused in the file, also when the
 * object is discarded) and reserve its slot in f->objs, so that publishing
 * it later cannot fail. A reserved handle is invisible: dmab_lookup() and
 * mmap() see no object there. -ENOSPC when handles ran out, -ENOMEM.
 */
int dmab_reserve(struct dmab_file *f, struct dmab_obj *obj)
{
	int ret;

	if (f->next_handle == U32_MAX)
		return -ENOSPC;
	ret = xa_reserve(&f->objs, f->next_handle, GFP_KERNEL);
	if (ret)
		return ret;
	obj->handle = f->next_handle++;
	return 0;
}

/*
 * Make a reserved object part of the file, after everything that can fail
 * (the copy-out included) has succeeded: list, counts, then the handle
 * last, so that mmap() (which takes no f->lock) finds only a complete,
 * counted object.
 */
void dmab_publish(struct dmab_file *f, struct dmab_obj *obj)
{
	void *old;

	list_add(&obj->node, &f->list);
	f->nobjs++;
	if (obj->parent)
		obj->parent->children++;
	atomic_inc(&obj->d->objects);
	atomic64_inc(&dmab_stats.total_objects);
	dmab_account(obj, 1);
	/* the slot is reserved: no allocation, cannot fail */
	old = xa_store(&f->objs, obj->handle, obj, GFP_KERNEL);
	WARN_ON_ONCE(xa_is_err(old));
}

/* Drop an object that was reserved but never published: nobody saw it. */
void dmab_discard(struct dmab_file *f, struct dmab_obj *obj)
{
	xa_release(&f->objs, obj->handle);
	dmab_destroy(obj);
}

/* Take a published object out of the file; -EBUSY while mmapped. */
int dmab_unpublish(struct dmab_file *f, struct dmab_obj *obj)
{
	xa_lock(&f->objs);
	if (atomic_read(&obj->mapcount)) {
		xa_unlock(&f->objs);
		return -EBUSY;
	}
	__xa_erase(&f->objs, obj->handle);
	xa_unlock(&f->objs);
	list_del(&obj->node);
	f->nobjs--;
	if (obj->parent)
		obj->parent->children--;
	atomic_dec(&obj->d->objects);
	dmab_account(obj, -1);
	return 0;
}

/* Release the resources of an object (published or not) and free it. */
void dmab_destroy(struct dmab_obj *obj)
{
	struct device *dev = obj->d->dev;

	switch (obj->type) {
	case DMAB_OBJ_ALLOC:
		dmab_buf_free(&obj->buf);
		break;
	case DMAB_OBJ_SGT:
		sg_free_table(&obj->sgt);
		break;
	case DMAB_OBJ_MAP_SG:
		dma_unmap_sgtable(dev, &obj->parent->sgt, obj->map.dir, obj->map.attrs);
		break;
	case DMAB_OBJ_MAP_SINGLE:
		dma_unmap_single_attrs(dev, obj->map.dma, obj->map.size, obj->map.dir,
				       obj->map.attrs);
		free_pages_exact(obj->map.va, obj->map.size);
		break;
	case DMAB_OBJ_DMABUF:
		dmab_compat_dma_buf_unmap(obj->imp.att, obj->imp.sgt, obj->imp.dir);
		dma_buf_detach(obj->imp.buf, obj->imp.att);
		dma_buf_put(obj->imp.buf);
		break;
	}
	dmab_dev_put(obj->d);
	kfree(obj);
}

struct dmab_obj *dmab_obj_new(struct dmab_file *f, u32 type, struct dmab_dev *d)
{
	struct dmab_obj *obj;

	if (f->nobjs >= DMABENCH_MAX_OBJECTS)
		return ERR_PTR(-ENOSPC);
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->type = type;
	obj->d = d;
	atomic_set(&obj->mapcount, 0);
	return obj;
}

/* ------------------------------------------------------------------ */
/* ioctls                                                              */

long dmab_ioc_info(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_info *in = arg;

	if (!DMAB_RESERVED_OK(*in))
		return -EINVAL;
	in->abi_version = DMABENCH_ABI_VERSION;
	mutex_lock(&dmab_devs_lock);
	in->ndevs = dmab_ndevs;
	mutex_unlock(&dmab_devs_lock);
	in->max_alloc_size = DMABENCH_MAX_ALLOC_SIZE;
	in->max_objects = DMABENCH_MAX_OBJECTS;
	in->max_lat_iters = DMABENCH_MAX_LAT_ITERS;
	in->page_size = PAGE_SIZE;
	in->hist_buckets = DMABENCH_HIST_BUCKETS;
	in->features = dmab_compat_features();
	return copy_to_user(uarg, in, sizeof(*in)) ? -EFAULT : 0;
}

/* FREE of any object by handle (ioctl and io_uring). */
long dmab_free_core(struct dmab_file *f, u32 handle)
{
	struct dmab_obj *obj;
	int ret;

	obj = dmab_lookup(f, handle, 0);
	if (!obj)
		return -EBADF;
	if (obj->children || dmab_exported(obj))
		return -EBUSY;
	ret = dmab_unpublish(f, obj);
	if (ret)
		return ret;
	dmab_destroy(obj);
	return 0;
}

long dmab_ioc_free(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_handle *in = arg;

	if (in->reserved0 || !DMAB_RESERVED_OK(*in))
		return -EINVAL;
	return dmab_free_core(f, in->handle);
}

long dmab_ioc_stats(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_stats *in = arg;

	if (!DMAB_RESERVED_OK(*in))
		return -EINVAL;
	in->live_allocs = atomic64_read(&dmab_stats.live_allocs);
	in->live_sgtables = atomic64_read(&dmab_stats.live_sgtables);
	in->live_mappings = atomic64_read(&dmab_stats.live_mappings);
	in->live_mmaps = atomic64_read(&dmab_stats.live_mmaps);
	in->alloc_bytes = atomic64_read(&dmab_stats.alloc_bytes);
	in->kva_bytes = atomic64_read(&dmab_stats.kva_bytes);
	in->open_files = atomic64_read(&dmab_stats.open_files);
	in->total_objects = atomic64_read(&dmab_stats.total_objects);
	return copy_to_user(uarg, in, sizeof(*in)) ? -EFAULT : 0;
}
