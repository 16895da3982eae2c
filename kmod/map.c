// SPDX-License-Identifier: GPL-2.0
/*
 * Mappings: what a device can be handed without a kernel WARN; sg tables of
 * allocations (GET_SGTABLE), dma_map_sgtable() of them on any device
 * (MAP_SG), dma_map_single() of module pages (MAP_SINGLE), SYNC.
 */
#include "dmabench.h"

#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/*
 * dma-direct WARNs (and fails) when it cannot reach a buffer and cannot
 * bounce it either (small masks on our platform devices). Refuse such a
 * mapping up front; the conditions mirror dma_direct_map_page().
 */
bool dmab_direct_ok(struct device *dev, phys_addr_t phys, size_t size)
{
	bool pool_ok = dmab_compat_swiotlb_reachable(dev);

	if (dmab_compat_swiotlb_force_bounce(dev))
		return pool_ok;
	if (dmab_compat_direct_reachable(dev, phys, size))
		return true;
	return pool_ok;
}

/*
 * Can @sgt be handed to dma_map_sgtable(@dev) without a WARN? A CPU segment
 * above dma_max_mapping_size() or above the device's max_seg_size is
 * refused (-E2BIG): the DMA API leaves honouring the mapping device's limits
 * to the caller, and dma_get_sgtable() knows nothing of them (6.1's DMA-API
 * debug reports "mapping sg segment longer than device claims to support").
 */
int dmab_sgt_check(struct device *dev, struct sg_table *sgt)
{
	size_t max = min_t(size_t, dma_max_mapping_size(dev), dma_get_max_seg_size(dev));
	bool direct = dmab_compat_dma_direct(dev);
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		if (sg->length > max)
			return -E2BIG;
		if (direct && !dmab_direct_ok(dev, sg_phys(sg), sg->length))
			return -EIO;
	}
	return 0;
}

int dmab_copy_segs(u64 uptr, u32 max, struct scatterlist *sgl, unsigned int nents, bool mapped)
{
	struct dmabench_seg __user *u = u64_to_user_ptr(uptr);
	struct dmabench_seg seg;
	struct scatterlist *sg;
	unsigned int i;

	if (!uptr)
		return 0;
	for_each_sg(sgl, sg, min_t(unsigned int, nents, max), i) {
		seg.dma_addr = mapped ? sg_dma_address(sg) : 0;
		seg.length = mapped ? sg_dma_len(sg) : sg->length;
		seg.offset = sg->offset;
		if (copy_to_user(&u[i], &seg, sizeof(seg)))
			return -EFAULT;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* ioctls                                                              */

long dmab_ioc_get_sgtable(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_sgtable *in = arg;
	struct dmab_obj *alloc, *obj;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	if (!DMAB_RESERVED_OK(*in))
		return -EINVAL;
	if (in->segs_max > DMAB_SEGS_MAX)
		return -E2BIG;
	in->handle = 0;
	in->nents = 0;
	in->total_len = 0;
	alloc = dmab_lookup(f, in->alloc, DMAB_OBJ_ALLOC);
	if (!alloc)
		return -EBADF;
	if (!dmab_dev_hold(alloc->d))	/* the sg table pins the device too; not while it goes */
		return -ENODEV;
	obj = dmab_obj_new(f, DMAB_OBJ_SGT, alloc->d);
	if (IS_ERR(obj)) {
		dmab_dev_put(alloc->d);
		return PTR_ERR(obj);
	}
	obj->parent = alloc;
	ret = dmab_buf_sgtable(&alloc->buf, &obj->sgt);
	if (ret) {
		dmab_dev_put(alloc->d);
		kfree(obj);
		return ret;
	}
	ret = dmab_reserve(f, obj);
	if (ret) {
		dmab_destroy(obj);
		return ret;
	}
	in->handle = obj->handle;
	in->nents = obj->sgt.orig_nents;
	for_each_sgtable_sg(&obj->sgt, sg, i)
		in->total_len += sg->length;
	if (dmab_copy_segs(in->segs, in->segs_max, obj->sgt.sgl, obj->sgt.orig_nents, false) ||
	    copy_to_user(uarg, in, sizeof(*in))) {
		dmab_discard(f, obj);
		return -EFAULT;
	}
	dmab_publish(f, obj);
	return 0;
}

long dmab_ioc_map_sg(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_map_sg *in = arg;
	struct dmab_obj *sgo, *obj;
	struct scatterlist *sg;
	struct sg_table *sgt;
	struct dmab_dev *d;
	unsigned int i;
	int ret;

	if (in->reserved0 || !DMAB_RESERVED_OK(*in))
		return -EINVAL;
	if (!dmab_dir_valid(in->dir) || (in->attrs & ~DMABENCH_MAP_ATTRS_MASK))
		return -EINVAL;
	if (in->segs_max > DMAB_SEGS_MAX)
		return -E2BIG;
	in->handle = 0;
	in->nents_mapped = 0;
	in->nents_in = 0;
	in->dma_len = 0;
	sgo = dmab_lookup(f, in->sgt, DMAB_OBJ_SGT);
	if (!sgo)
		return -EBADF;
	d = dmab_dev_get(in->dev);
	if (!d)
		return -ENODEV;
	if (sgo->children) {	/* the table holds the DMA state of one mapping */
		ret = -EBUSY;
		goto err_put;
	}
	obj = dmab_obj_new(f, DMAB_OBJ_MAP_SG, d);
	if (IS_ERR(obj)) {
		ret = PTR_ERR(obj);
		goto err_put;
	}
	obj->parent = sgo;
	obj->map.dir = dmab_dir(in->dir);
	obj->map.attrs = dmab_attrs(in->attrs);
	sgt = &sgo->sgt;
	ret = dmab_sgt_check(d->dev, sgt);
	if (!ret)
		ret = dma_map_sgtable(d->dev, sgt, obj->map.dir, obj->map.attrs);
	if (ret) {
		kfree(obj);
		goto err_put;
	}
	ret = dmab_reserve(f, obj);
	if (ret) {
		dmab_destroy(obj);
		return ret;
	}
	in->handle = obj->handle;
	in->nents_mapped = sgt->nents;
	in->nents_in = sgt->orig_nents;
	for_each_sgtable_dma_sg(sgt, sg, i)
		in->dma_len += sg_dma_len(sg);
	if (dmab_copy_segs(in->segs, in->segs_max, sgt->sgl, sgt->nents, true) ||
	    copy_to_user(uarg, in, sizeof(*in))) {
		dmab_discard(f, obj);
		return -EFAULT;
	}
	dmab_publish(f, obj);
	return 0;
err_put:
	dmab_dev_put(d);
	return ret;
}

/* MAP_SINGLE after copy-in (ioctl and io_uring); *objp = the object, reserved, not yet published. */
long dmab_map_single_core(struct dmab_file *f, struct dmabench_map_single *in, struct dmab_obj **objp)
{
	struct dmab_obj *obj;
	struct dmab_dev *d;
	struct device *dev;
	int ret;

	if (in->reserved0 || !DMAB_RESERVED_OK(*in))
		return -EINVAL;
	if (!dmab_dir_valid(in->dir) || (in->attrs & ~DMABENCH_MAP_ATTRS_MASK))
		return -EINVAL;
	if (!in->size)
		return -EINVAL;
	if (in->size > DMABENCH_MAX_ALLOC_SIZE)
		return -E2BIG;
	in->handle = 0;
	in->dma_addr = 0;
	d = dmab_dev_get(in->dev);
	if (!d)
		return -ENODEV;
	dev = d->dev;
	if (in->size > dma_max_mapping_size(dev)) {
		ret = -E2BIG;
		goto err_put;
	}
	obj = dmab_obj_new(f, DMAB_OBJ_MAP_SINGLE, d);
	if (IS_ERR(obj)) {
		ret = PTR_ERR(obj);
		goto err_put;
	}
	obj->map.dir = dmab_dir(in->dir);
	obj->map.attrs = dmab_attrs(in->attrs);
	obj->map.size = in->size;
	/* linear-map pages; sizes above the buddy limit fail with -ENOMEM */
	obj->map.va = alloc_pages_exact(in->size, DMAB_GFP);
	if (!obj->map.va) {
		ret = -ENOMEM;
		goto err_free;
	}
	if (dmab_compat_dma_direct(dev) && !dmab_direct_ok(dev, virt_to_phys(obj->map.va), in->size)) {
		ret = -EIO;
		goto err_pages;
	}
	obj->map.dma = dma_map_single_attrs(dev, obj->map.va, in->size, obj->map.dir,
					    obj->map.attrs);
	if (dma_mapping_error(dev, obj->map.dma)) {
		/* direct: unreachable address; swiotlb / IOMMU: out of space */
		ret = dmab_ops_kind(dev) == DMABENCH_OPS_DIRECT ? -EIO : -ENOMEM;
		goto err_pages;
	}
	ret = dmab_reserve(f, obj);
	if (ret) {
		dmab_destroy(obj);
		return ret;
	}
	in->handle = obj->handle;
	in->dma_addr = obj->map.dma;
	*objp = obj;
	return 0;
err_pages:
	free_pages_exact(obj->map.va, in->size);
err_free:
	kfree(obj);
err_put:
	dmab_dev_put(d);
	return ret;
}

long dmab_ioc_map_single(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_map_single *in = arg;
	struct dmab_obj *obj;
	long ret;

	ret = dmab_map_single_core(f, in, &obj);
	if (ret)
		return ret;
	if (copy_to_user(uarg, in, sizeof(*in))) {
		dmab_discard(f, obj);
		return -EFAULT;
	}
	dmab_publish(f, obj);
	return 0;
}

long dmab_ioc_sync(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_sync *in = arg;
	enum dma_data_direction dir;
	struct dmab_obj *obj;
	struct device *dev;
	bool cpu;

	if (in->reserved0 || !DMAB_RESERVED_OK(*in))
		return -EINVAL;
	if (in->sync != DMABENCH_SYNC_FOR_CPU && in->sync != DMABENCH_SYNC_FOR_DEVICE)
		return -EINVAL;
	if (!dmab_dir_valid(in->dir))
		return -EINVAL;
	obj = dmab_lookup(f, in->handle, 0);
	if (!obj || obj->type == DMAB_OBJ_SGT)
		return -EBADF;
	dir = dmab_dir(in->dir);
	cpu = in->sync == DMABENCH_SYNC_FOR_CPU;
	dev = obj->d->dev;

	switch (obj->type) {
	case DMAB_OBJ_ALLOC:
		if (obj->buf.api == DMABENCH_API_ATTRS || dir != obj->buf.dir)
			return -EINVAL;	/* coherent memory has nothing to sync */
		if (obj->buf.api == DMABENCH_API_PAGES) {
			if (cpu)
				dma_sync_single_for_cpu(dev, obj->buf.dma, obj->buf.size, dir);
			else
				dma_sync_single_for_device(dev, obj->buf.dma, obj->buf.size, dir);
		} else {
			if (cpu)
				dma_sync_sgtable_for_cpu(dev, obj->buf.sgt, dir);
			else
				dma_sync_sgtable_for_device(dev, obj->buf.sgt, dir);
		}
		break;
	case DMAB_OBJ_MAP_SG:
		if (dir != obj->map.dir)
			return -EINVAL;
		if (cpu)
			dma_sync_sgtable_for_cpu(dev, &obj->parent->sgt, dir);
		else
			dma_sync_sgtable_for_device(dev, &obj->parent->sgt, dir);
		break;
	case DMAB_OBJ_MAP_SINGLE:
		if (dir != obj->map.dir)
			return -EINVAL;
		if (cpu)
			dma_sync_single_for_cpu(dev, obj->map.dma, obj->map.size, dir);
		else
			dma_sync_single_for_device(dev, obj->map.dma, obj->map.size, dir);
		break;
	case DMAB_OBJ_DMABUF:
		if (dir != obj->imp.dir)
			return -EINVAL;
		if (cpu)
			dma_sync_sgtable_for_cpu(dev, obj->imp.sgt, dir);
		else
			dma_sync_sgtable_for_device(dev, obj->imp.sgt, dir);
		break;
	}
	return 0;
}
