// SPDX-License-Identifier: GPL-2.0
/*
 * Allocations: dma_alloc_attrs(), dma_alloc_pages(), dma_alloc_noncontiguous()
 * with and without dma_vmap_noncontiguous() behind one struct dmab_buf; the
 * kernel VA each one consumes; its description as a CPU scatter table; its
 * user mapping. ALLOC.
 */
#include "dmabench.h"

#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

/* ------------------------------------------------------------------ */
/* kernel VA accounting                                                */

typedef struct vm_struct *(*dmab_find_vm_area_t)(const void *addr);
static dmab_find_vm_area_t dmab_find_vm_area;

/* find_vm_area() is not exported: resolve it once (module init). */
void dmab_alloc_init(void)
{
	dmab_find_vm_area = (dmab_find_vm_area_t)dmab_compat_lookup_symbol("find_vm_area");
	if (!dmab_find_vm_area)
		pr_warn("find_vm_area not resolvable: kva_bytes estimated as PAGE_ALIGN(size) + guard page\n");
}

/* The vmalloc area size as /proc/vmallocinfo prints it (guard page included). */
static u64 dmab_vm_area_size(const void *addr, size_t size)
{
	struct vm_struct *area;

	if (dmab_find_vm_area) {
		area = dmab_find_vm_area(addr);
		return area ? area->size : 0;
	}
	return PAGE_ALIGN(size) + PAGE_SIZE;
}

/* ------------------------------------------------------------------ */
/* ABI arguments                                                       */

unsigned long dmab_attrs(u64 abi)
{
	unsigned long a = 0;

	if (abi & DMABENCH_ATTR_WEAK_ORDERING)
		a |= DMA_ATTR_WEAK_ORDERING;
	if (abi & DMABENCH_ATTR_WRITE_COMBINE)
		a |= DMA_ATTR_WRITE_COMBINE;
	if (abi & DMABENCH_ATTR_NO_KERNEL_MAPPING)
		a |= DMA_ATTR_NO_KERNEL_MAPPING;
	if (abi & DMABENCH_ATTR_FORCE_CONTIGUOUS)
		a |= DMA_ATTR_FORCE_CONTIGUOUS;
	if (abi & DMABENCH_ATTR_ALLOC_SINGLE_PAGES)
		a |= DMA_ATTR_ALLOC_SINGLE_PAGES;
	if (abi & DMABENCH_ATTR_NO_WARN)
		a |= DMA_ATTR_NO_WARN;
	if (abi & DMABENCH_ATTR_PRIVILEGED)
		a |= DMA_ATTR_PRIVILEGED;
	if (abi & DMABENCH_ATTR_SKIP_CPU_SYNC)
		a |= DMA_ATTR_SKIP_CPU_SYNC;
	return a;
}

/* Per-API attribute / direction rules shared by ALLOC and LAT. */
int dmab_check_api(u32 api, u64 attrs, u32 dir, bool dir_required)
{
	if (api < DMABENCH_API_ATTRS || api > DMABENCH_API_MAX)
		return -EINVAL;
	if (attrs & ~DMABENCH_ALLOC_ATTRS_MASK)
		return -EINVAL;
	switch (api) {
	case DMABENCH_API_ATTRS:
		if (dir_required && dir)
			return -EINVAL;
		break;
	case DMABENCH_API_PAGES:
		if (attrs)
			return -EINVAL;
		if (!dmab_dir_valid(dir))
			return -EINVAL;
		break;
	default:
		/* dma_alloc_noncontiguous() WARNs on any other attribute */
		if (attrs & ~DMABENCH_ATTR_ALLOC_SINGLE_PAGES)
			return -EINVAL;
		if (!dmab_dir_valid(dir))
			return -EINVAL;
		break;
	}
	/* a valid request for an API this kernel lacks */
	if (!dmab_compat_api_supported(api))
		return -EOPNOTSUPP;
	return 0;
}

/* ------------------------------------------------------------------ */
/* raw DMA buffers                                                     */

int dmab_buf_alloc(struct dmab_buf *b)
{
	switch (b->api) {
	case DMABENCH_API_ATTRS:
		b->cpu = dma_alloc_attrs(b->dev, b->size, &b->dma, DMAB_GFP, b->attrs);
		return b->cpu ? 0 : -ENOMEM;
	case DMABENCH_API_PAGES:
		b->page = dma_alloc_pages(b->dev, b->size, &b->dma, b->dir, DMAB_GFP);
		/*
		 * 6.1's CONFIG_DMA_API_DEBUG records dma_alloc_pages() as a streaming
		 * map and WARNs "failed to check map error" on dma_free_pages() unless
		 * the handle went through dma_mapping_error() (measured, `make kernel`)
		 */
		if (b->page && dma_mapping_error(b->dev, b->dma)) {
			dma_free_pages(b->dev, b->size, b->page, b->dma, b->dir);
			b->page = NULL;
		}
		return b->page ? 0 : -ENOMEM;
	case DMABENCH_API_NONCONTIG:
	case DMABENCH_API_NONCONTIG_VMAP:
		b->sgt = dma_alloc_noncontiguous(b->dev, b->size, b->dir, DMAB_GFP, b->attrs);
		if (!b->sgt)
			return -ENOMEM;
		b->dma = sg_dma_address(b->sgt->sgl);
		if (b->api == DMABENCH_API_NONCONTIG_VMAP) {
			b->vaddr = dma_vmap_noncontiguous(b->dev, b->size, b->sgt);
			if (!b->vaddr) {
				dma_free_noncontiguous(b->dev, b->size, b->sgt, b->dir);
				b->sgt = NULL;
				return -ENOMEM;
			}
		}
		return 0;
	}
	return -EINVAL;
}

void dmab_buf_free(struct dmab_buf *b)
{
	switch (b->api) {
	case DMABENCH_API_ATTRS:
		dma_free_attrs(b->dev, b->size, b->cpu, b->dma, b->attrs);
		break;
	case DMABENCH_API_PAGES:
		dma_free_pages(b->dev, b->size, b->page, b->dma, b->dir);
		break;
	case DMABENCH_API_NONCONTIG_VMAP:
		dma_vunmap_noncontiguous(b->dev, b->vaddr);
		fallthrough;
	case DMABENCH_API_NONCONTIG:
		dma_free_noncontiguous(b->dev, b->size, b->sgt, b->dir);
		break;
	}
}

/* Compares the returned value only: a NKM cookie is never dereferenced. */
static void dmab_buf_kva(const struct dmab_buf *b, u32 *kind, u64 *bytes)
{
	const void *p;

	*bytes = 0;
	switch (b->api) {
	case DMABENCH_API_PAGES:
		*kind = DMABENCH_KVA_LINEAR;
		return;
	case DMABENCH_API_NONCONTIG:
		*kind = DMABENCH_KVA_NONE;
		return;
	case DMABENCH_API_NONCONTIG_VMAP:
		p = b->vaddr;
		break;
	default:
		p = b->cpu;
		break;
	}
	if (is_vmalloc_addr(p)) {
		*kind = DMABENCH_KVA_VMALLOC;
		*bytes = dmab_vm_area_size(p, b->size);
	} else if (b->attrs & DMA_ATTR_NO_KERNEL_MAPPING) {
		*kind = DMABENCH_KVA_COOKIE;
	} else {
		*kind = DMABENCH_KVA_LINEAR;
	}
}

/* Kernel VA of an allocation; NULL for NO_KERNEL_MAPPING cookies and bare noncontig. */
void *dmab_buf_kva_ptr(const struct dmab_buf *b)
{
	switch (b->api) {
	case DMABENCH_API_ATTRS:
		return (b->attrs & DMA_ATTR_NO_KERNEL_MAPPING) ? NULL : b->cpu;
	case DMABENCH_API_PAGES:
		return page_address(b->page);
	case DMABENCH_API_NONCONTIG_VMAP:
		return b->vaddr;
	default:
		return NULL;
	}
}

/*
 * Describe @b as a CPU scatter table: dma_get_sgtable_attrs() for
 * dma_alloc_attrs() memory (same attrs, also for a NKM cookie), one entry
 * for dma_alloc_pages(), a copy of the CPU entries for noncontig tables.
 */
int dmab_buf_sgtable(struct dmab_buf *b, struct sg_table *sgt)
{
	struct scatterlist *s, *d;
	unsigned int i;
	int ret;

	switch (b->api) {
	case DMABENCH_API_ATTRS:
		return dma_get_sgtable_attrs(b->dev, sgt, b->cpu, b->dma, b->size, b->attrs);
	case DMABENCH_API_PAGES:
		ret = sg_alloc_table(sgt, 1, GFP_KERNEL | __GFP_NOWARN);
		if (ret)
			return ret;
		sg_set_page(sgt->sgl, b->page, b->size, 0);
		return 0;
	default:
		ret = sg_alloc_table(sgt, b->sgt->orig_nents, GFP_KERNEL | __GFP_NOWARN);
		if (ret)
			return ret;
		d = sgt->sgl;
		for_each_sgtable_sg(b->sgt, s, i) {
			sg_set_page(d, sg_page(s), s->length, s->offset);
			d = sg_next(d);
		}
		return 0;
	}
}

/* Map the whole buffer into @vma (the ctl file's mmap checked its size). */
int dmab_buf_mmap(struct dmab_buf *b, struct vm_area_struct *vma)
{
	switch (b->api) {
	case DMABENCH_API_ATTRS:
		return dma_mmap_attrs(b->dev, vma, b->cpu, b->dma, b->size, b->attrs);
	case DMABENCH_API_PAGES:
		return dma_mmap_pages(b->dev, vma, b->size, b->page);
	default:
		return dma_mmap_noncontiguous(b->dev, vma, b->size, b->sgt);
	}
}

/* ------------------------------------------------------------------ */
/* ALLOC                                                               */

/* ALLOC after copy-in (ioctl and io_uring); *objp = the object, reserved, not yet published. */
long dmab_alloc_core(struct dmab_file *f, struct dmabench_alloc *in, struct dmab_obj **objp)
{
	struct dmab_obj *obj;
	struct dmab_dev *d;
	int ret;

	WARN_ONCE(dmab_crash_drill_size && in->size == dmab_crash_drill_size,
		  "dmabench: crash drill: ALLOC of the magic size %llu\n", in->size);
	if (!DMAB_RESERVED_OK(*in))
		return -EINVAL;
	ret = dmab_check_api(in->api, in->attrs, in->dir, true);
	if (ret)
		return ret;
	if (!in->size)
		return -EINVAL;
	if (in->size > DMABENCH_MAX_ALLOC_SIZE)
		return -E2BIG;
	in->handle = 0;
	in->dma_addr = 0;
	in->kva_bytes = 0;
	in->kva_kind = 0;
	in->nents = 0;

	d = dmab_dev_get(in->dev);
	if (!d)
		return -ENODEV;
	obj = dmab_obj_new(f, DMAB_OBJ_ALLOC, d);
	if (IS_ERR(obj)) {
		dmab_dev_put(d);
		return PTR_ERR(obj);
	}
	obj->buf.dev = d->dev;
	obj->buf.api = in->api;
	obj->buf.size = in->size;
	obj->buf.attrs = dmab_attrs(in->attrs);
	obj->buf.dir = dmab_dir(in->dir);
	ret = dmab_fresh_unpark(f, &obj->buf) ? 0 : dmab_buf_alloc(&obj->buf);
	if (ret) {
		dmab_dev_put(d);
		kfree(obj);
		return ret;
	}
	dmab_buf_kva(&obj->buf, &in->kva_kind, &in->kva_bytes);
	obj->kva_bytes = in->kva_bytes;
	ret = dmab_reserve(f, obj);
	if (ret) {
		dmab_destroy(obj);
		return ret;
	}
	in->handle = obj->handle;
	in->dma_addr = obj->buf.dma;
	in->nents = obj->buf.sgt ? obj->buf.sgt->orig_nents : 1;
	*objp = obj;
	return 0;
}

long dmab_ioc_alloc(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_alloc *in = arg;
	struct dmab_obj *obj;
	long ret;

	ret = dmab_alloc_core(f, in, &obj);
	if (ret)
		return ret;
	if (copy_to_user(uarg, in, sizeof(*in))) {
		dmab_discard(f, obj);
		return -EFAULT;
	}
	dmab_publish(f, obj);
	return 0;
}
