// SPDX-License-Identifier: GPL-2.0
/*
 * dma-buf: the exporter (an ALLOC object of some ctl file behind a dma-buf,
 * mapped per attachment like drm_gem_map_dma_buf()) and the importer (an
 * attachment mapping of any dma-buf as a DMABUF object). DMABUF_EXPORT,
 * DMABUF_ATTACH; the hand-over of an exported allocation when its ctl file
 * is closed first.
 */
#include "dmabench.h"

#include <linux/dma-buf.h>
#include <linux/delay.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

/* Orders dmab_obj.dmabuf / .orphan between the ctl file and dma-buf release. */
static DEFINE_SPINLOCK(dmab_export_lock);

bool dmab_exported(struct dmab_obj *obj)
{
	bool ret;

	spin_lock(&dmab_export_lock);
	ret = obj->dmabuf != NULL;
	spin_unlock(&dmab_export_lock);
	return ret;
}

static struct sg_table *dmab_dmabuf_map(struct dma_buf_attachment *att, enum dma_data_direction dir)
{
	struct dmab_obj *alloc = att->dmabuf->priv;
	struct sg_table *sgt;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = dmab_buf_sgtable(&alloc->buf, sgt);
	if (ret) {
		kfree(sgt);
		return ERR_PTR(ret);
	}
	/*
	 * Like drm_gem_map_dma_buf(): the attachment mapping skips CPU cache
	 * maintenance (every attachment maps the same pages; 6.1's DMA-API
	 * debug reports overlapping mappings unless DMA_ATTR_SKIP_CPU_SYNC),
	 * and whoever hands the buffer to the device syncs it first (VERIFY
	 * and SYNC call dma_sync_sgtable_for_device on the attachment).
	 */
	ret = dmab_sgt_check(att->dev, sgt);
	if (!ret)
		ret = dma_map_sgtable(att->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret) {
		sg_free_table(sgt);
		kfree(sgt);
		return ERR_PTR(ret);
	}
	return sgt;
}

static void dmab_dmabuf_unmap(struct dma_buf_attachment *att, struct sg_table *sgt,
			      enum dma_data_direction dir)
{
	dma_unmap_sgtable(att->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
}

/* An allocation whose file is gone: account and free it like dmab_unpublish + destroy. */
static void dmab_orphan_destroy(struct dmab_obj *obj)
{
	atomic_dec(&obj->d->objects);
	dmab_account(obj, -1);
	dmab_destroy(obj);
}

static void dmab_dmabuf_release(struct dma_buf *dmabuf)
{
	struct dmab_obj *alloc = dmabuf->priv;
	bool orphan;

	if (!alloc)	/* an export whose copy-out failed: never linked */
		return;
	spin_lock(&dmab_export_lock);
	alloc->dmabuf = NULL;
	orphan = alloc->orphan;
	spin_unlock(&dmab_export_lock);
	if (orphan)
		dmab_orphan_destroy(alloc);
}

static const struct dma_buf_ops dmab_dmabuf_ops = {
	.map_dma_buf = dmab_dmabuf_map,
	.unmap_dma_buf = dmab_dmabuf_unmap,
	.release = dmab_dmabuf_release,
};

/* The ALLOC object behind @dmabuf if this module exported it (and it is linked), else NULL. */
struct dmab_obj *dmab_dmabuf_alloc(struct dma_buf *dmabuf)
{
	return dmabuf->ops == &dmab_dmabuf_ops ? dmabuf->priv : NULL;
}

/*
 * File release: an exported allocation leaves the file but stays alive (and
 * counted) until its dma-buf is released. True when @obj was handed over.
 *
 * Once orphan is set and dmab_export_lock dropped, a dma-buf release on
 * another CPU may free @obj at any moment: everything the file does to the
 * object (handle, list, count) happens before, under the lock, and nothing
 * touches it after. The dma-buf release sets dmabuf to NULL under the same
 * lock, so exactly one side frees the allocation.
 */
bool dmab_orphan(struct dmab_file *f, struct dmab_obj *obj)
{
	if (obj->type != DMAB_OBJ_ALLOC)
		return false;
	spin_lock(&dmab_export_lock);
	if (!obj->dmabuf) {
		spin_unlock(&dmab_export_lock);
		return false;
	}
	xa_erase(&f->objs, obj->handle);	/* xa_lock nests inside dmab_export_lock */
	list_del(&obj->node);
	f->nobjs--;
	obj->orphan = true;
	spin_unlock(&dmab_export_lock);
	/* @obj belongs to the dma-buf now: it may be gone already */
	if (READ_ONCE(dmab_handover_delay_ms))
		msleep(min(READ_ONCE(dmab_handover_delay_ms), 100U));
	return true;
}

long dmab_ioc_dmabuf_export(struct dmab_file *f, void *arg, void __user *uarg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct dmabench_dmabuf_export *in = arg;
	struct dma_buf *dmabuf;
	struct dmab_obj *alloc;
	int fd;

	if (!DMAB_RESERVED_OK(*in))
		return -EINVAL;
	in->fd = -1;
	in->size = 0;
	alloc = dmab_lookup(f, in->alloc, DMAB_OBJ_ALLOC);
	if (!alloc)
		return -EBADF;
	if (dmab_exported(alloc))
		return -EBUSY;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	exp.ops = &dmab_dmabuf_ops;
	exp.size = PAGE_ALIGN(alloc->buf.size);
	exp.flags = O_RDWR;
	exp.priv = alloc;
	dmabuf = dma_buf_export(&exp);
	if (IS_ERR(dmabuf)) {
		put_unused_fd(fd);
		return PTR_ERR(dmabuf);
	}
	in->fd = fd;
	in->size = dmabuf->size;
	if (copy_to_user(uarg, in, sizeof(*in))) {
		/*
		 * Nobody has seen the dma-buf: unlink it from the allocation
		 * before the last put, whose release may run after this ioctl
		 * returned (task work), when the allocation may be freed or
		 * exported again.
		 */
		dmabuf->priv = NULL;
		put_unused_fd(fd);
		dma_buf_put(dmabuf);
		return -EFAULT;
	}
	/* copy-out done: link the two, then make the fd live (irreversible) */
	spin_lock(&dmab_export_lock);
	alloc->dmabuf = dmabuf;
	spin_unlock(&dmab_export_lock);
	fd_install(fd, dmabuf->file);
	return 0;
}

long dmab_ioc_dmabuf_attach(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_dmabuf_attach *in = arg;
	struct dma_buf_attachment *att;
	struct dma_buf *dmabuf;
	struct scatterlist *sg;
	struct sg_table *sgt;
	struct dmab_obj *obj;
	struct dmab_dev *d;
	unsigned int i;
	long ret;

	if (!DMAB_RESERVED_OK(*in) || !dmab_dir_valid(in->dir))
		return -EINVAL;
	if (in->segs_max > DMAB_SEGS_MAX)
		return -E2BIG;
	in->handle = 0;
	in->nents_mapped = 0;
	in->dma_len = 0;
	in->size = 0;
	d = dmab_dev_get(in->dev);
	if (!d)
		return -ENODEV;
	obj = dmab_obj_new(f, DMAB_OBJ_DMABUF, d);
	if (IS_ERR(obj)) {
		dmab_dev_put(d);
		return PTR_ERR(obj);
	}
	dmabuf = dma_buf_get(in->fd);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto err_obj;
	}
	att = dma_buf_attach(dmabuf, d->dev);
	if (IS_ERR(att)) {
		ret = PTR_ERR(att);
		goto err_put;
	}
	obj->imp.dir = dmab_dir(in->dir);
	sgt = dmab_compat_dma_buf_map(att, obj->imp.dir);
	if (IS_ERR_OR_NULL(sgt)) {
		ret = sgt ? PTR_ERR(sgt) : -ENOMEM;
		goto err_detach;
	}
	obj->imp.buf = dmabuf;
	obj->imp.att = att;
	obj->imp.sgt = sgt;
	ret = dmab_reserve(f, obj);
	if (ret) {
		dmab_destroy(obj);
		return ret;
	}
	in->handle = obj->handle;
	in->nents_mapped = sgt->nents;
	in->size = dmabuf->size;
	for_each_sgtable_dma_sg(sgt, sg, i)
		in->dma_len += sg_dma_len(sg);
	if (dmab_copy_segs(in->segs, in->segs_max, sgt->sgl, sgt->nents, true) ||
	    copy_to_user(uarg, in, sizeof(*in))) {
		dmab_discard(f, obj);
		return -EFAULT;
	}
	dmab_publish(f, obj);
	return 0;
err_detach:
	dma_buf_detach(dmabuf, att);
err_put:
	dma_buf_put(dmabuf);
err_obj:
	kfree(obj);
	dmab_dev_put(d);
	return ret;
}
