// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench.ko - benchmark and fuzzing target for the DMA-mapping API.
 *
 * Interface: /sys/kernel/debug/dmabench/ctl, see dmabench_abi.h (the
 * contract). Modelled on kernel/dma/map_benchmark.c and lib/test_hmm.c.
 *
 * Devices (global table, ids are stable indexes, never reused):
 *  - "nplatform" platform devices created here (kind PLATFORM);
 *  - QEMU edu PCI functions 1234:11e8 (kind EDU) and any PCI device the
 *    user binds explicitly through driver_override (kind BOUND).
 * No other device is ever touched.
 *
 * Objects (allocations, sg tables, mappings) belong to the open file, live
 * in a per-file xarray under monotonically increasing handles and are
 * released newest first on close. Every object pins its device: removing
 * a PCI device (unbind, hot-unplug) waits until all objects that use it
 * are gone, i.e. until the owning files are closed, so that no mapping
 * ever outlives its device. ioctls of one file are serialised by a
 * per-file mutex; mmap() does not take it (it runs under mmap_lock, and
 * ioctls fault under the mutex) but only the xarray lock, which also
 * orders the map count against FREE.
 *
 * Locking order: file->lock -> xa_lock(file->objs); dmab_devs_lock is a
 * leaf spinlock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/io_uring.h>
#include <linux/delay.h>
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>

#include "dmabench_abi.h"

#define DMAB_SEGS_MAX		65536U
#define DMAB_TIMER_PAIRS	256
/* Never warn, never OOM-kill for a fuzzed size: fail the allocation instead. */
#define DMAB_GFP		(GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

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
static unsigned int slow_op;
module_param(slow_op, uint, 0644);
MODULE_PARM_DESC(slow_op, "lat op whose first half is slowed down (1..5, 0 = off)");
static unsigned int slow_pct;
module_param(slow_pct, uint, 0644);
MODULE_PARM_DESC(slow_pct, "slowdown of slow_op in percent of its own duration (0..1000, 0 = off)");

/*
 * Crash drill for the fuzzer (fuzz/README.md): while crash_drill_size is
 * nonzero, a DMABENCH_IOC_ALLOC of exactly that many bytes triggers a
 * WARN_ONCE (the allocation then proceeds as usual). Off (0) by default.
 */
static unsigned long long crash_drill_size;
module_param(crash_drill_size, ullong, 0644);
MODULE_PARM_DESC(crash_drill_size, "fuzzer crash drill: ALLOC of exactly this size WARNs once (0 = off)");

/*
 * edu DMA transfer timeout (VERIFY), writable at run time: a test shortens
 * it below edu's ~100 ms to drive the timeout path. 0 or above 60000: the
 * default DMABENCH_VERIFY_TIMEOUT_MS.
 */
static unsigned int edu_timeout_ms = DMABENCH_VERIFY_TIMEOUT_MS;
module_param(edu_timeout_ms, uint, 0644);
MODULE_PARM_DESC(edu_timeout_ms, "edu DMA transfer timeout in ms (default " __stringify(DMABENCH_VERIFY_TIMEOUT_MS) ")");

/* ------------------------------------------------------------------ */
/* device table                                                        */

struct dmab_dev {
	struct device *dev;		/* NULL: slot unused or device gone */
	u32 kind;			/* enum dmabench_dev_kind */
	bool gone;			/* being removed: lookups fail */
	atomic_t objects;		/* live objects using the device */
	atomic_t refs;			/* objects + in-flight ioctls */
	struct platform_device *pdev;	/* kind PLATFORM */
	/* kind EDU: the DMA engine (VERIFY); NULL bar: no engine */
	void __iomem *bar;
	struct mutex engine;		/* one transfer at a time */
	bool engine_dead;		/* a transfer timed out: unused until it reports idle */
	void *check;			/* check page the engine writes back into */
	dma_addr_t check_dma;		/* its streaming mapping on the device */
	bool check_remap;		/* SET_MASK changed the mask: map the check page again */
};

static struct dmab_dev dmab_devs[DMABENCH_MAX_DEVICES];
static unsigned int dmab_ndevs;
static DEFINE_SPINLOCK(dmab_devs_lock);
static DECLARE_WAIT_QUEUE_HEAD(dmab_devs_wq);

static struct dmab_dev *dmab_dev_get(u32 id)
{
	struct dmab_dev *d = NULL;

	spin_lock(&dmab_devs_lock);
	if (id < dmab_ndevs) {
		id = array_index_nospec(id, DMABENCH_MAX_DEVICES);
		if (dmab_devs[id].dev && !dmab_devs[id].gone) {
			d = &dmab_devs[id];
			atomic_inc(&d->refs);
		}
	}
	spin_unlock(&dmab_devs_lock);
	return d;
}

static void dmab_dev_put(struct dmab_dev *d)
{
	if (atomic_dec_and_test(&d->refs))
		wake_up_all(&dmab_devs_wq);
}

static int dmab_dev_add(struct device *dev, u32 kind, struct platform_device *pdev, void __iomem *bar)
{
	struct dmab_dev *d;
	int id = -ENOSPC;

	spin_lock(&dmab_devs_lock);
	if (dmab_ndevs < DMABENCH_MAX_DEVICES) {
		id = dmab_ndevs;
		d = &dmab_devs[id];
		d->kind = kind;
		d->pdev = pdev;
		d->gone = false;
		d->bar = bar;
		mutex_init(&d->engine);
		d->engine_dead = false;
		d->check = NULL;
		atomic_set(&d->objects, 0);
		atomic_set(&d->refs, 0);
		d->dev = dev;
		dmab_ndevs++;
	}
	spin_unlock(&dmab_devs_lock);
	return id;
}

/*
 * Make the device unreachable for new objects, then wait until every
 * object using it is gone (the files holding them are closed). Waits in
 * 10 s slices so that the hung-task detector stays quiet.
 */
static void dmab_dev_remove(unsigned int id)
{
	struct dmab_dev *d = &dmab_devs[id];

	spin_lock(&dmab_devs_lock);
	d->gone = true;
	spin_unlock(&dmab_devs_lock);

	while (!wait_event_timeout(dmab_devs_wq, atomic_read(&d->refs) == 0, 10 * HZ))
		dev_info(d->dev, "remove: waiting for %d live dmabench objects (close their files)\n",
			 atomic_read(&d->objects));

	spin_lock(&dmab_devs_lock);
	d->dev = NULL;
	d->pdev = NULL;
	spin_unlock(&dmab_devs_lock);
}

/* ------------------------------------------------------------------ */
/* statistics (leak oracle)                                            */

static struct {
	atomic64_t live_allocs, live_sgtables, live_mappings, live_mmaps;
	atomic64_t alloc_bytes, kva_bytes, open_files, total_objects;
} dmab_stats;

/* Orders dmab_obj.dmabuf / .orphan between the ctl file and dma-buf release. */
static DEFINE_SPINLOCK(dmab_export_lock);

/* ------------------------------------------------------------------ */
/* helpers                                                             */

typedef struct vm_struct *(*dmab_find_vm_area_t)(const void *addr);
static dmab_find_vm_area_t dmab_find_vm_area;

/* find_vm_area() is not exported: resolve it once through a kprobe. */
static void dmab_resolve_symbols(void)
{
	struct kprobe kp = { .symbol_name = "find_vm_area" };

	if (register_kprobe(&kp) == 0) {
		dmab_find_vm_area = (dmab_find_vm_area_t)kp.addr;
		unregister_kprobe(&kp);
	} else {
		pr_warn("find_vm_area not resolvable: kva_bytes estimated as PAGE_ALIGN(size) + guard page\n");
	}
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

static unsigned long dmab_attrs(u64 abi)
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

static bool dmab_dir_valid(u32 dir)
{
	return dir >= DMABENCH_DIR_BIDIRECTIONAL && dir <= DMABENCH_DIR_FROM_DEVICE;
}

static enum dma_data_direction dmab_dir(u32 dir)
{
	switch (dir) {
	case DMABENCH_DIR_TO_DEVICE:
		return DMA_TO_DEVICE;
	case DMABENCH_DIR_FROM_DEVICE:
		return DMA_FROM_DEVICE;
	default:
		return DMA_BIDIRECTIONAL;
	}
}

static bool dmab_zero(const u64 *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i])
			return false;
	return true;
}

#define DMAB_RESERVED_OK(s) dmab_zero((s).reserved, ARRAY_SIZE((s).reserved))

/* Per-API attribute / direction rules shared by ALLOC and LAT. */
static int dmab_check_api(u32 api, u64 attrs, u32 dir, bool dir_required)
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
	return 0;
}

static u32 dmab_ops_kind(struct device *dev)
{
	const struct dma_map_ops *ops = get_dma_ops(dev);
	struct iommu_domain *dom;

	if (!ops)
		return is_swiotlb_force_bounce(dev) ? DMABENCH_OPS_SWIOTLB : DMABENCH_OPS_DIRECT;
	dom = iommu_get_domain_for_dev(dev);
	if (dom && (dom->type & __IOMMU_DOMAIN_DMA_API))
		return DMABENCH_OPS_IOMMU;
	return DMABENCH_OPS_OTHER;
}

static u32 dmab_domain_type(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (!dom)
		return DMABENCH_DOMAIN_NONE;
	switch (dom->type) {
	case IOMMU_DOMAIN_IDENTITY:
		return DMABENCH_DOMAIN_IDENTITY;
	case IOMMU_DOMAIN_DMA:
		return DMABENCH_DOMAIN_DMA;
	case IOMMU_DOMAIN_DMA_FQ:
		return DMABENCH_DOMAIN_DMA_FQ;
	case IOMMU_DOMAIN_BLOCKED:
		return DMABENCH_DOMAIN_BLOCKED;
	case IOMMU_DOMAIN_UNMANAGED:
		return DMABENCH_DOMAIN_UNMANAGED;
	default:
		return DMABENCH_DOMAIN_OTHER;
	}
}

/*
 * dma-direct WARNs (and fails) when it cannot reach a buffer and cannot
 * bounce it either (small masks on our platform devices). Refuse such a
 * mapping up front; the conditions mirror dma_direct_map_page().
 */
static bool dmab_direct_ok(struct device *dev, phys_addr_t phys, size_t size)
{
	bool pool_ok = false;
#ifdef CONFIG_SWIOTLB
	struct io_tlb_mem *mem = dev->dma_io_tlb_mem;

	pool_ok = mem && mem->nslabs &&
		  dma_capable(dev, phys_to_dma_unencrypted(dev, mem->start),
			      mem->end - mem->start, true);
	if (is_swiotlb_force_bounce(dev))
		return pool_ok;
#endif
	if (dma_capable(dev, phys_to_dma(dev, phys), size, true))
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
static int dmab_sgt_check(struct device *dev, struct sg_table *sgt)
{
	size_t max = min_t(size_t, dma_max_mapping_size(dev), dma_get_max_seg_size(dev));
	bool direct = !get_dma_ops(dev);
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

/* ------------------------------------------------------------------ */
/* raw DMA buffers (no allocation besides the DMA call itself)        */

struct dmab_buf {
	struct device *dev;
	u32 api;
	size_t size;
	unsigned long attrs;
	enum dma_data_direction dir;
	void *cpu;		/* ATTRS: returned value, maybe a NKM cookie */
	struct page *page;	/* PAGES */
	struct sg_table *sgt;	/* NONCONTIG* */
	void *vaddr;		/* NONCONTIG_VMAP */
	dma_addr_t dma;
};

static int dmab_buf_alloc(struct dmab_buf *b)
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

static void dmab_buf_free(struct dmab_buf *b)
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

/*
 * Describe @b as a CPU scatter table: dma_get_sgtable_attrs() for
 * dma_alloc_attrs() memory (same attrs, also for a NKM cookie), one entry
 * for dma_alloc_pages(), a copy of the CPU entries for noncontig tables.
 */
static int dmab_buf_sgtable(struct dmab_buf *b, struct sg_table *sgt)
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

/* ------------------------------------------------------------------ */
/* objects                                                             */

enum { DMAB_OBJ_ALLOC = 1, DMAB_OBJ_SGT, DMAB_OBJ_MAP_SG, DMAB_OBJ_MAP_SINGLE, DMAB_OBJ_DMABUF };

struct dmab_obj {
	struct list_head node;		/* file->list, newest first */
	u32 type;
	u32 handle;
	struct dmab_dev *d;		/* device used (holds a ref) */
	struct dmab_obj *parent;	/* sgt: its alloc; map_sg: its sgt */
	unsigned int children;		/* alloc: live sgtables; sgt: live mapping */
	atomic_t mapcount;		/* alloc: VMAs (under xa_lock vs. FREE) */
	u64 kva_bytes;
	/*
	 * alloc: its dma-buf while exported (under dmab_export_lock); orphan:
	 * the ctl file is closed and the dma-buf release frees the allocation
	 */
	struct dma_buf *dmabuf;
	bool orphan;
	union {
		struct dmab_buf buf;			/* ALLOC */
		struct sg_table sgt;			/* SGT */
		struct {				/* MAP_SG, MAP_SINGLE */
			enum dma_data_direction dir;
			unsigned long attrs;
			void *va;
			size_t size;
			dma_addr_t dma;
		} map;
		struct {				/* DMABUF: an attachment mapping */
			struct dma_buf *buf;
			struct dma_buf_attachment *att;
			struct sg_table *sgt;
			enum dma_data_direction dir;
		} imp;
	};
};

struct dmab_file {
	struct mutex lock;		/* serialises ioctls */
	struct xarray objs;		/* handle -> obj */
	struct list_head list;		/* newest first */
	u32 next_handle;
	u32 nobjs;
};

static bool dmab_exported(struct dmab_obj *obj)
{
	bool ret;

	spin_lock(&dmab_export_lock);
	ret = obj->dmabuf != NULL;
	spin_unlock(&dmab_export_lock);
	return ret;
}

static struct dmab_obj *dmab_lookup(struct dmab_file *f, u32 handle, u32 type)
{
	struct dmab_obj *obj = handle ? xa_load(&f->objs, handle) : NULL;

	if (!obj || (type && obj->type != type))
		return NULL;
	return obj;
}

/* Live counters of the leak oracle: sign +1 when an object is published, -1 when it leaves. */
static void dmab_account(const struct dmab_obj *obj, int sign)
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

static int dmab_publish(struct dmab_file *f, struct dmab_obj *obj)
{
	int ret;

	if (f->next_handle == U32_MAX)
		return -ENOSPC;
	ret = xa_insert(&f->objs, f->next_handle, obj, GFP_KERNEL);
	if (ret)
		return ret == -EBUSY ? -ENOSPC : ret;
	obj->handle = f->next_handle++;
	list_add(&obj->node, &f->list);
	f->nobjs++;
	if (obj->parent)
		obj->parent->children++;
	atomic_inc(&obj->d->objects);
	atomic64_inc(&dmab_stats.total_objects);
	dmab_account(obj, 1);
	return 0;
}

/* Take a published object out of the file; -EBUSY while mmapped. */
static int dmab_unpublish(struct dmab_file *f, struct dmab_obj *obj)
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
static void dmab_destroy(struct dmab_obj *obj)
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
		dma_buf_unmap_attachment_unlocked(obj->imp.att, obj->imp.sgt, obj->imp.dir);
		dma_buf_detach(obj->imp.buf, obj->imp.att);
		dma_buf_put(obj->imp.buf);
		break;
	}
	dmab_dev_put(obj->d);
	kfree(obj);
}

static struct dmab_obj *dmab_obj_new(struct dmab_file *f, u32 type, struct dmab_dev *d)
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

/* Undo a published object whose result could not be copied out. */
static void dmab_unwind(struct dmab_file *f, struct dmab_obj *obj)
{
	if (!dmab_unpublish(f, obj))
		dmab_destroy(obj);
}

static int dmab_copy_segs(u64 uptr, u32 max, struct scatterlist *sgl,
			  unsigned int nents, bool mapped)
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

static long dmab_ioc_info(void __user *uarg)
{
	struct dmabench_info in;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (!DMAB_RESERVED_OK(in))
		return -EINVAL;
	in.abi_version = DMABENCH_ABI_VERSION;
	spin_lock(&dmab_devs_lock);
	in.ndevs = dmab_ndevs;
	spin_unlock(&dmab_devs_lock);
	in.max_alloc_size = DMABENCH_MAX_ALLOC_SIZE;
	in.max_objects = DMABENCH_MAX_OBJECTS;
	in.max_lat_iters = DMABENCH_MAX_LAT_ITERS;
	in.page_size = PAGE_SIZE;
	in.hist_buckets = DMABENCH_HIST_BUCKETS;
	return copy_to_user(uarg, &in, sizeof(in)) ? -EFAULT : 0;
}

static long dmab_ioc_dev_info(void __user *uarg)
{
	struct dmabench_dev_info in;
	struct iommu_group *grp;
	struct dmab_dev *d;
	struct device *dev;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (!DMAB_RESERVED_OK(in))
		return -EINVAL;
	d = dmab_dev_get(in.dev);
	if (!d)
		return -ENODEV;
	dev = d->dev;
	in.kind = d->kind;
	in.ops = dmab_ops_kind(dev);
	in.domain_type = dmab_domain_type(dev);
	in.iommu_group = -1;
	grp = iommu_group_get(dev);
	if (grp) {
		in.iommu_group = iommu_group_id(grp);
		iommu_group_put(grp);
	}
	in.coherent = dev_is_dma_coherent(dev);
	in.dma_mask = dev->dma_mask ? *dev->dma_mask : 0;
	in.coherent_dma_mask = dev->coherent_dma_mask;
	in.max_mapping_size = dma_max_mapping_size(dev);
	in.seg_boundary = dma_get_seg_boundary(dev);
	in.max_seg_size = dma_get_max_seg_size(dev);
	in.live_objects = atomic_read(&d->objects);
	memset(in.name, 0, sizeof(in.name));
	strscpy(in.name, dev_name(dev), sizeof(in.name));
	dmab_dev_put(d);
	return copy_to_user(uarg, &in, sizeof(in)) ? -EFAULT : 0;
}

static long dmab_ioc_set_mask(void __user *uarg)
{
	struct dmabench_set_mask in;
	struct dmab_dev *d;
	int ret;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (!DMAB_RESERVED_OK(in))
		return -EINVAL;
	if (in.bits < 12 || in.bits > 64)
		return -EINVAL;
	spin_lock(&dmab_devs_lock);
	if (in.dev >= dmab_ndevs) {
		ret = -ENODEV;
		goto out;
	}
	d = &dmab_devs[array_index_nospec(in.dev, DMABENCH_MAX_DEVICES)];
	if (!d->dev || d->gone) {
		ret = -ENODEV;
		goto out;
	}
	if (d->kind != DMABENCH_DEV_PLATFORM && d->kind != DMABENCH_DEV_EDU) {
		ret = -EINVAL;
		goto out;
	}
	/* no object and no in-flight ioctl uses it; new users wait for the lock */
	if (atomic_read(&d->refs)) {
		ret = -EBUSY;
		goto out;
	}
	/*
	 * does not sleep: dma-direct dma_supported(), or dma_map_ops without
	 * .dma_supported (iommu-dma); edu: its check page is mapped again
	 */
	ret = dma_set_mask_and_coherent(d->dev, DMA_BIT_MASK(in.bits));
	if (!ret)
		d->check_remap = true;
out:
	spin_unlock(&dmab_devs_lock);
	return ret;
}

/* ALLOC after copy-in (ioctl and io_uring); *objp = the published object. */
static long dmab_alloc_core(struct dmab_file *f, struct dmabench_alloc *in, struct dmab_obj **objp)
{
	struct dmab_obj *obj;
	struct dmab_dev *d;
	int ret;

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
	ret = dmab_buf_alloc(&obj->buf);
	if (ret) {
		dmab_dev_put(d);
		kfree(obj);
		return ret;
	}
	dmab_buf_kva(&obj->buf, &in->kva_kind, &in->kva_bytes);
	obj->kva_bytes = in->kva_bytes;
	ret = dmab_publish(f, obj);
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

static long dmab_ioc_alloc(struct dmab_file *f, void __user *uarg)
{
	struct dmabench_alloc in;
	struct dmab_obj *obj;
	long ret;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	WARN_ONCE(crash_drill_size && in.size == crash_drill_size,
		  "dmabench: crash drill: ALLOC of the magic size %llu\n", in.size);
	ret = dmab_alloc_core(f, &in, &obj);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &in, sizeof(in))) {
		dmab_unwind(f, obj);
		return -EFAULT;
	}
	return 0;
}

/* FREE of any object by handle (ioctl and io_uring). */
static long dmab_free_core(struct dmab_file *f, u32 handle)
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

static long dmab_ioc_free(struct dmab_file *f, void __user *uarg)
{
	struct dmabench_handle in;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.reserved0 || !DMAB_RESERVED_OK(in))
		return -EINVAL;
	return dmab_free_core(f, in.handle);
}

static long dmab_ioc_get_sgtable(struct dmab_file *f, void __user *uarg)
{
	struct dmabench_sgtable in;
	struct dmab_obj *alloc, *obj;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (!DMAB_RESERVED_OK(in))
		return -EINVAL;
	if (in.segs_max > DMAB_SEGS_MAX)
		return -E2BIG;
	in.handle = 0;
	in.nents = 0;
	in.total_len = 0;
	alloc = dmab_lookup(f, in.alloc, DMAB_OBJ_ALLOC);
	if (!alloc)
		return -EBADF;
	atomic_inc(&alloc->d->refs);	/* the sg table pins the device too */
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
	ret = dmab_publish(f, obj);
	if (ret) {
		dmab_destroy(obj);
		return ret;
	}
	in.handle = obj->handle;
	in.nents = obj->sgt.orig_nents;
	for_each_sgtable_sg(&obj->sgt, sg, i)
		in.total_len += sg->length;
	if (dmab_copy_segs(in.segs, in.segs_max, obj->sgt.sgl, obj->sgt.orig_nents, false) ||
	    copy_to_user(uarg, &in, sizeof(in))) {
		dmab_unwind(f, obj);
		return -EFAULT;
	}
	return 0;
}

static long dmab_ioc_map_sg(struct dmab_file *f, void __user *uarg)
{
	struct dmabench_map_sg in;
	struct dmab_obj *sgo, *obj;
	struct scatterlist *sg;
	struct sg_table *sgt;
	struct dmab_dev *d;
	unsigned int i;
	int ret;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.reserved0 || !DMAB_RESERVED_OK(in))
		return -EINVAL;
	if (!dmab_dir_valid(in.dir) || (in.attrs & ~DMABENCH_MAP_ATTRS_MASK))
		return -EINVAL;
	if (in.segs_max > DMAB_SEGS_MAX)
		return -E2BIG;
	in.handle = 0;
	in.nents_mapped = 0;
	in.nents_in = 0;
	in.dma_len = 0;
	sgo = dmab_lookup(f, in.sgt, DMAB_OBJ_SGT);
	if (!sgo)
		return -EBADF;
	d = dmab_dev_get(in.dev);
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
	obj->map.dir = dmab_dir(in.dir);
	obj->map.attrs = dmab_attrs(in.attrs);
	sgt = &sgo->sgt;
	ret = dmab_sgt_check(d->dev, sgt);
	if (!ret)
		ret = dma_map_sgtable(d->dev, sgt, obj->map.dir, obj->map.attrs);
	if (ret) {
		kfree(obj);
		goto err_put;
	}
	ret = dmab_publish(f, obj);
	if (ret) {
		dmab_destroy(obj);
		return ret;
	}
	in.handle = obj->handle;
	in.nents_mapped = sgt->nents;
	in.nents_in = sgt->orig_nents;
	for_each_sgtable_dma_sg(sgt, sg, i)
		in.dma_len += sg_dma_len(sg);
	if (dmab_copy_segs(in.segs, in.segs_max, sgt->sgl, sgt->nents, true) ||
	    copy_to_user(uarg, &in, sizeof(in))) {
		dmab_unwind(f, obj);
		return -EFAULT;
	}
	return 0;
err_put:
	dmab_dev_put(d);
	return ret;
}

/* MAP_SINGLE after copy-in (ioctl and io_uring); *objp = the published object. */
static long dmab_map_single_core(struct dmab_file *f, struct dmabench_map_single *in, struct dmab_obj **objp)
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
	if (!get_dma_ops(dev) && !dmab_direct_ok(dev, virt_to_phys(obj->map.va), in->size)) {
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
	ret = dmab_publish(f, obj);
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

static long dmab_ioc_map_single(struct dmab_file *f, void __user *uarg)
{
	struct dmabench_map_single in;
	struct dmab_obj *obj;
	long ret;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	ret = dmab_map_single_core(f, &in, &obj);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &in, sizeof(in))) {
		dmab_unwind(f, obj);
		return -EFAULT;
	}
	return 0;
}

static long dmab_ioc_sync(struct dmab_file *f, void __user *uarg)
{
	struct dmabench_sync in;
	enum dma_data_direction dir;
	struct dmab_obj *obj;
	struct device *dev;
	bool cpu;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.reserved0 || !DMAB_RESERVED_OK(in))
		return -EINVAL;
	if (in.sync != DMABENCH_SYNC_FOR_CPU && in.sync != DMABENCH_SYNC_FOR_DEVICE)
		return -EINVAL;
	if (!dmab_dir_valid(in.dir))
		return -EINVAL;
	obj = dmab_lookup(f, in.handle, 0);
	if (!obj || obj->type == DMAB_OBJ_SGT)
		return -EBADF;
	dir = dmab_dir(in.dir);
	cpu = in.sync == DMABENCH_SYNC_FOR_CPU;
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

static long dmab_ioc_stats(void __user *uarg)
{
	struct dmabench_stats in;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (!DMAB_RESERVED_OK(in))
		return -EINVAL;
	in.live_allocs = atomic64_read(&dmab_stats.live_allocs);
	in.live_sgtables = atomic64_read(&dmab_stats.live_sgtables);
	in.live_mappings = atomic64_read(&dmab_stats.live_mappings);
	in.live_mmaps = atomic64_read(&dmab_stats.live_mmaps);
	in.alloc_bytes = atomic64_read(&dmab_stats.alloc_bytes);
	in.kva_bytes = atomic64_read(&dmab_stats.kva_bytes);
	in.open_files = atomic64_read(&dmab_stats.open_files);
	in.total_objects = atomic64_read(&dmab_stats.total_objects);
	return copy_to_user(uarg, &in, sizeof(in)) ? -EFAULT : 0;
}

/* ------------------------------------------------------------------ */
/* LAT                                                                 */

struct dmab_lat_side {
	u32 *samples;		/* kvmalloc'd, or NULL */
	u32 *hist;		/* kvzalloc'd, or NULL */
	struct dmabench_lat_summary sum;
};

static void dmab_lat_record(struct dmab_lat_side *s, u32 i, u64 ns)
{
	u64 sq;

	if (s->samples)
		s->samples[i] = ns > U32_MAX ? U32_MAX : ns;
	if (s->hist)
		s->hist[dmabench_hist_bucket(ns)]++;
	if (ns < s->sum.min_ns)
		s->sum.min_ns = ns;
	if (ns > s->sum.max_ns)
		s->sum.max_ns = ns;
	s->sum.sum_ns += ns;
	if (check_mul_overflow(ns, ns, &sq) ||
	    check_add_overflow(s->sum.sumsq_ns2, sq, &s->sum.sumsq_ns2))
		s->sum.sumsq_ns2 = U64_MAX;
}

static int dmab_lat_side_init(struct dmab_lat_side *s, u64 samples, u64 hist, u32 iters)
{
	s->sum.min_ns = U64_MAX;
	if (samples) {
		s->samples = kvmalloc_array(iters, sizeof(u32), GFP_KERNEL);
		if (!s->samples)
			return -ENOMEM;
	}
	if (hist) {
		s->hist = kvcalloc(DMABENCH_HIST_BUCKETS, sizeof(u32), GFP_KERNEL);
		if (!s->hist)
			return -ENOMEM;
	}
	return 0;
}

static int dmab_lat_side_out(struct dmab_lat_side *s, u64 samples, u64 hist, u32 n)
{
	if (s->samples && n &&
	    copy_to_user(u64_to_user_ptr(samples), s->samples, (size_t)n * sizeof(u32)))
		return -EFAULT;
	if (s->hist && copy_to_user(u64_to_user_ptr(hist), s->hist,
				    DMABENCH_HIST_BUCKETS * sizeof(u32)))
		return -EFAULT;
	return 0;
}

static u64 dmab_slow(u32 op, u64 t0, u64 t1)
{
	unsigned int pct = READ_ONCE(slow_pct);
	u64 until;

	if (likely(!pct || pct > 1000 || op != READ_ONCE(slow_op) || t1 < t0))
		return t1;
	until = t0 + div_u64((t1 - t0) * (100 + pct), 100);
	while ((t1 = ktime_get_ns()) < until)
		cpu_relax();
	return t1;
}

static void dmab_timer_overhead(struct dmabench_lat *l)
{
	u64 t0, t1, d, min = U64_MAX, sum = 0;
	int i;

	for (i = 0; i < DMAB_TIMER_PAIRS; i++) {
		t0 = ktime_get_ns();
		t1 = ktime_get_ns();
		d = t1 - t0;
		min = min(min, d);
		sum += d;
	}
	l->timer_min_ns = min;
	l->timer_mean_ps = div_u64(sum * 1000, DMAB_TIMER_PAIRS);
}

static int dmab_lat_check(struct dmabench_lat *l)
{
	bool need_dir = false;
	int ret;

	if (!DMAB_RESERVED_OK(*l))
		return -EINVAL;
	if (l->op < DMABENCH_LAT_ALLOC_FREE || l->op > DMABENCH_LAT_OP_MAX)
		return -EINVAL;
	if (l->dir > DMABENCH_DIR_FROM_DEVICE)
		return -EINVAL;
	switch (l->op) {
	case DMABENCH_LAT_SGTABLE:
		if (l->api != DMABENCH_API_ATTRS)
			return -EINVAL;
		fallthrough;
	case DMABENCH_LAT_ALLOC_FREE:
		ret = dmab_check_api(l->api, l->attrs, l->dir, false);
		if (ret)
			return ret;
		break;
	case DMABENCH_LAT_MAP_SG:
	case DMABENCH_LAT_SYNC_SG:
		ret = dmab_check_api(l->api, l->attrs, l->dir, false);
		if (ret)
			return ret;
		need_dir = true;
		break;
	case DMABENCH_LAT_MAP_SINGLE:
		/* api is ignored; attrs are the map attrs */
		if (l->attrs & ~DMABENCH_MAP_ATTRS_MASK)
			return -EINVAL;
		need_dir = true;
		break;
	}
	if (need_dir && !dmab_dir_valid(l->dir))
		return -EINVAL;
	if (!l->iters || !l->size)
		return -EINVAL;
	if (l->iters > DMABENCH_MAX_LAT_ITERS || l->size > DMABENCH_MAX_ALLOC_SIZE)
		return -E2BIG;
	return 0;
}

static long dmab_ioc_lat(void __user *uarg)
{
	struct dmab_lat_side a = {}, b = {};
	struct dmab_dev *d = NULL, *d2 = NULL;
	struct device *dev, *dev2 = NULL;
	struct dmab_buf buf = {}, lbuf;
	bool have_buf = false, have_sgt = false, mapped = false;
	enum dma_data_direction dir;
	struct sg_table sgt = {}, tsgt;
	struct dmabench_lat l;
	u64 t0, t1, t2, t3, start;
	void *va = NULL;
	dma_addr_t dma;
	int ret, err;
	u32 i;

	if (copy_from_user(&l, uarg, sizeof(l)))
		return -EFAULT;
	ret = dmab_lat_check(&l);
	if (ret)
		return ret;
	l.n = 0;
	l.error = 0;
	l.timer_min_ns = 0;
	l.timer_mean_ps = 0;
	memset(&l.a, 0, sizeof(l.a));
	memset(&l.b, 0, sizeof(l.b));
	dir = dmab_dir(l.dir);

	d = dmab_dev_get(l.dev);
	if (!d)
		return -ENODEV;
	dev = d->dev;
	if (l.op == DMABENCH_LAT_MAP_SG || l.op == DMABENCH_LAT_SYNC_SG) {
		d2 = dmab_dev_get(l.dev2);
		if (!d2) {
			ret = -ENODEV;
			goto out;
		}
		dev2 = d2->dev;
	}
	ret = dmab_lat_side_init(&a, l.samples_a, l.hist_a, l.iters);
	if (!ret)
		ret = dmab_lat_side_init(&b, l.samples_b, l.hist_b, l.iters);
	if (ret)
		goto out;

	/* setup, untimed */
	buf.dev = dev;
	buf.api = l.api;
	buf.size = l.size;
	buf.attrs = dmab_attrs(l.attrs);
	buf.dir = dir;
	switch (l.op) {
	case DMABENCH_LAT_SGTABLE:
		ret = dmab_buf_alloc(&buf);
		have_buf = !ret;
		break;
	case DMABENCH_LAT_MAP_SG:
	case DMABENCH_LAT_SYNC_SG:
		ret = dmab_buf_alloc(&buf);
		have_buf = !ret;
		if (!ret) {
			ret = dmab_buf_sgtable(&buf, &sgt);
			have_sgt = !ret;
		}
		if (!ret)
			ret = dmab_sgt_check(dev2, &sgt);
		if (!ret && l.op == DMABENCH_LAT_SYNC_SG) {
			ret = dma_map_sgtable(dev2, &sgt, dir, 0);
			mapped = !ret;
		}
		break;
	case DMABENCH_LAT_MAP_SINGLE:
		ret = -E2BIG;
		if (l.size > dma_max_mapping_size(dev))
			break;
		ret = -ENOMEM;
		va = alloc_pages_exact(l.size, DMAB_GFP);
		if (!va)
			break;
		ret = 0;
		if (!get_dma_ops(dev) && !dmab_direct_ok(dev, virt_to_phys(va), l.size))
			ret = -EIO;
		break;
	}
	if (ret)
		goto out;

	dmab_timer_overhead(&l);
	start = ktime_get_ns();
	for (i = 0; i < l.iters; i++) {
		err = 0;
		switch (l.op) {
		case DMABENCH_LAT_ALLOC_FREE:
			lbuf = buf;
			t0 = ktime_get_ns();
			err = dmab_buf_alloc(&lbuf);
			t1 = dmab_slow(l.op, t0, ktime_get_ns());
			if (err)
				break;
			t2 = ktime_get_ns();
			dmab_buf_free(&lbuf);
			t3 = ktime_get_ns();
			break;
		case DMABENCH_LAT_SGTABLE:
			t0 = ktime_get_ns();
			err = dma_get_sgtable_attrs(dev, &tsgt, buf.cpu, buf.dma, buf.size,
						    buf.attrs);
			t1 = dmab_slow(l.op, t0, ktime_get_ns());
			if (err)
				break;
			t2 = ktime_get_ns();
			sg_free_table(&tsgt);
			t3 = ktime_get_ns();
			break;
		case DMABENCH_LAT_MAP_SG:
			t0 = ktime_get_ns();
			err = dma_map_sgtable(dev2, &sgt, dir, 0);
			t1 = dmab_slow(l.op, t0, ktime_get_ns());
			if (err)
				break;
			t2 = ktime_get_ns();
			dma_unmap_sgtable(dev2, &sgt, dir, 0);
			t3 = ktime_get_ns();
			break;
		case DMABENCH_LAT_MAP_SINGLE:
			t0 = ktime_get_ns();
			dma = dma_map_single_attrs(dev, va, l.size, dir, buf.attrs);
			t1 = dmab_slow(l.op, t0, ktime_get_ns());
			if (dma_mapping_error(dev, dma)) {
				err = -ENOMEM;
				break;
			}
			t2 = ktime_get_ns();
			dma_unmap_single_attrs(dev, dma, l.size, dir, buf.attrs);
			t3 = ktime_get_ns();
			break;
		case DMABENCH_LAT_SYNC_SG:
			t0 = ktime_get_ns();
			dma_sync_sgtable_for_cpu(dev2, &sgt, dir);
			t1 = dmab_slow(l.op, t0, ktime_get_ns());
			t2 = ktime_get_ns();
			dma_sync_sgtable_for_device(dev2, &sgt, dir);
			t3 = ktime_get_ns();
			break;
		}
		if (err) {
			l.error = err;
			break;
		}
		dmab_lat_record(&a, i, t1 - t0);
		dmab_lat_record(&b, i, t3 - t2);
		l.n = i + 1;
		cond_resched();
		if (fatal_signal_pending(current)) {
			l.error = -EINTR;
			break;
		}
		if (l.budget_ns && ktime_get_ns() - start > l.budget_ns)
			break;
	}
	if (l.n) {
		l.a = a.sum;
		l.b = b.sum;
	}
	ret = dmab_lat_side_out(&a, l.samples_a, l.hist_a, l.n);
	if (!ret)
		ret = dmab_lat_side_out(&b, l.samples_b, l.hist_b, l.n);
	if (!ret && copy_to_user(uarg, &l, sizeof(l)))
		ret = -EFAULT;
out:
	if (mapped)
		dma_unmap_sgtable(dev2, &sgt, dir, 0);
	if (have_sgt)
		sg_free_table(&sgt);
	if (have_buf)
		dmab_buf_free(&buf);
	if (va)
		free_pages_exact(va, l.size);
	kvfree(a.samples);
	kvfree(a.hist);
	kvfree(b.samples);
	kvfree(b.hist);
	if (d2)
		dmab_dev_put(d2);
	dmab_dev_put(d);
	return ret;
}

/* ------------------------------------------------------------------ */
/* sharing: edu DMA engine, VERIFY, dma-buf export / attach            */

/* QEMU edu (hw/misc/edu.c): BAR0 registers, 4 KiB buffer at 0x40000 */
#define EDU_REG_IDENT		0x00	/* 0xRRrr00ed: low byte 0xed */
#define EDU_REG_SRC		0x80
#define EDU_REG_DST		0x88
#define EDU_REG_CNT		0x90
#define EDU_REG_CMD		0x98
#define EDU_CMD_RUN		0x1	/* start; reads back 1 while busy */
#define EDU_CMD_TO_RAM		0x2	/* edu buffer -> RAM (else RAM -> buffer) */
#define EDU_BUF_ADDR		0x40000
#define DMAB_CHECK_POISON	0xa5

/*
 * One transfer; the caller holds d->engine. QEMU checks the buffer side as
 * [addr, addr + cnt) inside [0x40000, 0x40fff): pos + cnt <= 4095. A
 * timeout marks the engine dead: the transfer may still land later (into
 * the check page, which stays mapped), so nothing uses the engine until it
 * reports idle again (checked when a VERIFY starts).
 */
static int dmab_edu_xfer(struct dmab_dev *d, u64 src, u64 dst, u32 cnt, bool to_ram)
{
	u64 buf = to_ram ? src : dst;
	unsigned long deadline;
	unsigned int tmo;

	if (d->engine_dead)
		return -EIO;
	if (!cnt || buf < EDU_BUF_ADDR || buf - EDU_BUF_ADDR + cnt > DMABENCH_VERIFY_MAX_LEN)
		return -E2BIG;	/* never reached: callers clamp */
	if (readl(d->bar + EDU_REG_CMD) & EDU_CMD_RUN) {
		d->engine_dead = true;
		dev_err(d->dev, "edu DMA engine busy before a transfer: unused until idle\n");
		return -EIO;
	}
	writeq(src, d->bar + EDU_REG_SRC);
	writeq(dst, d->bar + EDU_REG_DST);
	writeq(cnt, d->bar + EDU_REG_CNT);
	writeq(EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0), d->bar + EDU_REG_CMD);
	tmo = READ_ONCE(edu_timeout_ms);
	if (!tmo || tmo > 60000)
		tmo = DMABENCH_VERIFY_TIMEOUT_MS;
	deadline = jiffies + msecs_to_jiffies(tmo);
	/* ~100 ms of virtual time per transfer: sleep, never spin */
	while (readl(d->bar + EDU_REG_CMD) & EDU_CMD_RUN) {
		if (time_after(jiffies, deadline)) {
			d->engine_dead = true;
			dev_err(d->dev, "edu DMA transfer timed out (%u ms): engine unused until idle\n", tmo);
			return -ETIMEDOUT;
		}
		usleep_range(2000, 4000);
	}
	return 0;
}

/* Map the device's check page once (engine lock held). */
static int dmab_edu_check_page(struct dmab_dev *d)
{
	void *p;
	dma_addr_t dma;

	if (d->check && d->check_remap) {
		dma_unmap_single(d->dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
		free_page((unsigned long)d->check);
		d->check = NULL;
	}
	d->check_remap = false;
	if (d->check)
		return 0;
	p = (void *)get_zeroed_page(GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	dma = dma_map_single(d->dev, p, PAGE_SIZE, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(d->dev, dma)) {
		free_page((unsigned long)p);
		return -ENOMEM;
	}
	d->check = p;
	d->check_dma = dma;
	return 0;
}

/* Device remove: unmap the check page unless a transfer may still hit it. */
static void dmab_edu_release(struct dmab_dev *d, struct device *dev)
{
	if (d->check && (!d->engine_dead || !(readl(d->bar + EDU_REG_CMD) & EDU_CMD_RUN))) {
		dma_unmap_single(dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
		free_page((unsigned long)d->check);
	} else if (d->check) {
		dev_warn(dev, "edu engine dead: check page left mapped\n");
	}
	d->check = NULL;
}

static void dmab_check_poison(struct dmab_dev *d)
{
	memset(d->check, DMAB_CHECK_POISON, PAGE_SIZE);
	dma_sync_single_for_device(d->dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
}

static u64 dmab_splitmix(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* What a VERIFY works on: the DMA side of a mapping and its CPU side. */
struct dmab_vtarget {
	struct dmab_dev *d;
	struct sg_table *sgt;		/* MAP_SG, DMABUF: mapped table; NULL: single */
	dma_addr_t dma;			/* MAP_SINGLE */
	u64 size;			/* bytes the pattern covers */
	void *kva;			/* kernel VA of the buffer, or NULL (never a cookie) */
	enum dma_data_direction dir;
};

/* Kernel VA of an allocation; NULL for NO_KERNEL_MAPPING cookies and bare noncontig. */
static void *dmab_buf_kva_ptr(const struct dmab_buf *b)
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

static const struct dma_buf_ops dmab_dmabuf_ops;

static int dmab_vtarget(struct dmab_obj *obj, struct dmab_vtarget *t)
{
	struct dmab_obj *alloc;

	memset(t, 0, sizeof(*t));
	t->d = obj->d;
	switch (obj->type) {
	case DMAB_OBJ_MAP_SG:
		alloc = obj->parent->parent;
		t->sgt = &obj->parent->sgt;
		t->size = alloc->buf.size;
		t->kva = dmab_buf_kva_ptr(&alloc->buf);
		t->dir = obj->map.dir;
		return 0;
	case DMAB_OBJ_MAP_SINGLE:
		t->dma = obj->map.dma;
		t->size = obj->map.size;
		t->kva = obj->map.va;
		t->dir = obj->map.dir;
		return 0;
	case DMAB_OBJ_DMABUF:
		t->sgt = obj->imp.sgt;
		t->size = obj->imp.buf->size;
		if (obj->imp.buf->ops == &dmab_dmabuf_ops) {
			alloc = obj->imp.buf->priv;
			t->size = alloc->buf.size;
			t->kva = dmab_buf_kva_ptr(&alloc->buf);
		}
		t->dir = obj->imp.dir;
		return 0;
	default:
		return -EBADF;
	}
}

/* DMA address of buffer offset @off and the bytes contiguous from there (0: outside). */
static u64 dmab_vt_dma(const struct dmab_vtarget *t, u64 off, u64 *avail)
{
	struct scatterlist *sg;
	u64 pos = 0;
	unsigned int i;

	*avail = 0;
	if (!t->sgt) {
		*avail = t->size - off;
		return t->dma + off;
	}
	for_each_sgtable_dma_sg(t->sgt, sg, i) {
		if (off < pos + sg_dma_len(sg)) {
			*avail = pos + sg_dma_len(sg) - off;
			return sg_dma_address(sg) + (off - pos);
		}
		pos += sg_dma_len(sg);
	}
	return 0;
}

static void dmab_vt_sync_for_device(const struct dmab_vtarget *t)
{
	if (t->sgt)
		dma_sync_sgtable_for_device(t->d->dev, t->sgt, t->dir);
	else
		dma_sync_single_for_device(t->d->dev, t->dma, t->size, t->dir);
}

struct dmab_vsample {
	u64 off;		/* buffer offset */
	u32 len;		/* bytes */
	u32 pos;		/* offset in edu's buffer / the check page */
};

/*
 * Write the check page back from edu's buffer and compare @n samples
 * against the pattern; their device bytes go to @data (sample i at i*len).
 */
static int dmab_verify_flush(struct dmabench_verify *v, struct dmab_dev *d,
			     struct dmab_vsample *s, u32 first, u32 n, u32 fill, u8 *data)
{
	const u8 *c = d->check;
	u64 t0;
	u32 i, j;
	int ret;

	if (!n)
		return 0;
	t0 = ktime_get_ns();
	ret = dmab_edu_xfer(d, EDU_BUF_ADDR, d->check_dma, fill, true);
	v->dma_ns += ktime_get_ns() - t0;
	if (ret)
		return ret;
	v->transfers++;
	t0 = ktime_get_ns();
	dma_sync_single_for_cpu(d->dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	for (i = first; i < first + n; i++) {
		bool poison = true;

		for (j = 0; j < s[i].len; j++) {
			u8 got = c[s[i].pos + j];

			if (got != DMAB_CHECK_POISON)
				poison = false;
			if (got != dmabench_pattern(v->seed, s[i].off + j)) {
				if (!v->mismatches++)
					v->first_mismatch = s[i].off + j;
				else if (s[i].off + j < v->first_mismatch)
					v->first_mismatch = s[i].off + j;
			}
		}
		v->blocked += poison;
		v->bytes += s[i].len;
		v->checked++;
		if (data)
			memcpy(data + (size_t)i * v->len, c + s[i].pos, s[i].len);
	}
	v->compare_ns += ktime_get_ns() - t0;
	dmab_check_poison(d);
	return 0;
}

/*
 * STALE (test only): a page of ours holds the pattern; map it on the
 * device, remember the IOVA, unmap it (strict: the IOTLB entry is gone),
 * then let the device read that IOVA while the page is still ours (a
 * read that gets through reads our own bytes) and write back into the
 * check page. blocked = the bytes are not the pattern: the IOMMU stopped it.
 */
static int dmab_verify_stale(struct dmabench_verify *v, struct dmab_dev *d)
{
	u32 len = v->len, j;
	const u8 *c = d->check;
	dma_addr_t dma;
	u8 *page;
	u64 t0;
	int ret;

	page = (u8 *)__get_free_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	for (j = 0; j < PAGE_SIZE; j++)
		page[j] = dmabench_pattern(v->seed, j);
	dma = dma_map_single(d->dev, page, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(d->dev, dma)) {
		free_page((unsigned long)page);
		return -ENOMEM;
	}
	dma_unmap_single(d->dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
	v->dma_first = dma;
	t0 = ktime_get_ns();
	ret = dmab_edu_xfer(d, dma, EDU_BUF_ADDR, len, false);
	if (!ret)
		ret = dmab_edu_xfer(d, EDU_BUF_ADDR, d->check_dma, len, true);
	v->dma_ns = ktime_get_ns() - t0;
	/* a dead engine may still read the page later: then it stays ours for good */
	if (ret != -ETIMEDOUT)
		free_page((unsigned long)page);
	if (ret)
		return ret;
	v->transfers = 2;
	dma_sync_single_for_cpu(d->dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	for (j = 0; j < len; j++) {
		if (c[j] != dmabench_pattern(v->seed, j)) {
			if (!v->mismatches++)
				v->first_mismatch = j;
		}
	}
	v->blocked = v->mismatches != 0;
	v->checked = 1;
	v->bytes = len;
	dmab_check_poison(d);
	return 0;
}

static bool dmab_iommu_dma_domain(struct device *dev)
{
	u32 dt = dmab_domain_type(dev);

	return dmab_ops_kind(dev) == DMABENCH_OPS_IOMMU &&
	       (dt == DMABENCH_DOMAIN_DMA || dt == DMABENCH_DOMAIN_DMA_FQ);
}

static long dmab_ioc_verify(struct dmab_file *f, void __user *uarg)
{
	struct dmab_vsample *s = NULL;
	struct dmabench_verify v;
	struct dmab_vtarget t;
	struct dmab_dev *d, *sd = NULL;
	struct dmab_obj *obj;
	u64 npages, off, avail, seed, t0, *offs = NULL;
	u32 i, k, n, pos, first;
	u8 *data = NULL;
	bool stale;
	long ret;

	if (copy_from_user(&v, uarg, sizeof(v)))
		return -EFAULT;
	if (v.reserved0 || !DMAB_RESERVED_OK(v) || (v.flags & ~DMABENCH_VERIFY_FLAGS_MASK))
		return -EINVAL;
	stale = v.flags & DMABENCH_VERIFY_STALE;
	if (stale && (v.handle || (v.flags & DMABENCH_VERIFY_FILL) || v.offsets || v.data || v.pages != 1))
		return -EINVAL;
	if (!stale && v.dev)
		return -EINVAL;
	if (!v.pages || !v.len)
		return -EINVAL;
	if (v.pages > DMABENCH_VERIFY_MAX_PAGES || v.len > DMABENCH_VERIFY_MAX_LEN)
		return -E2BIG;
	v.checked = 0;
	v.mismatches = 0;
	v.first_mismatch = ~0ULL;
	v.bytes = 0;
	v.dma_first = 0;
	v.blocked = 0;
	v.transfers = 0;
	v.fill_ns = 0;
	v.sync_ns = 0;
	v.dma_ns = 0;
	v.compare_ns = 0;

	if (stale) {
		sd = dmab_dev_get(v.dev);
		if (!sd)
			return -ENODEV;
		d = sd;
	} else {
		obj = dmab_lookup(f, v.handle, 0);
		if (!obj || dmab_vtarget(obj, &t))
			return -EBADF;
		d = t.d;
	}
	if (d->kind != DMABENCH_DEV_EDU || !d->bar) {
		ret = -EOPNOTSUPP;
		goto out_put;
	}
	if (stale) {
		if (!dmab_iommu_dma_domain(d->dev)) {
			ret = -EOPNOTSUPP;
			goto out_put;
		}
	} else if ((v.flags & DMABENCH_VERIFY_FILL) && !t.kva) {
		ret = -EOPNOTSUPP;
		goto out_put;
	}
	if (mutex_lock_killable(&d->engine)) {
		ret = -EINTR;
		goto out_put;
	}
	if (d->engine_dead) {
		if (readl(d->bar + EDU_REG_CMD) & EDU_CMD_RUN) {
			ret = -EIO;
			goto out_unlock;
		}
		d->engine_dead = false;	/* the late transfer is over */
		dev_info(d->dev, "edu DMA engine idle again: back in use\n");
	}
	ret = dmab_edu_check_page(d);
	if (ret)
		goto out_unlock;
	dmab_check_poison(d);
	if (stale) {
		ret = dmab_verify_stale(&v, d);
		goto out_unlock;
	}

	/* samples: page 0, the last page, then seeded random distinct pages */
	s = kcalloc(v.pages, sizeof(*s), GFP_KERNEL);
	offs = kcalloc(v.pages, sizeof(*offs), GFP_KERNEL);
	data = v.data ? kvzalloc((size_t)v.pages * v.len, GFP_KERNEL) : NULL;
	if (!s || !offs || (v.data && !data)) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	npages = DIV_ROUND_UP(t.size, PAGE_SIZE);
	seed = v.seed;
	n = 0;
	for (k = 0; n < v.pages && n < npages && k < 4 * v.pages + 2; k++) {
		u64 p = k == 0 ? 0 : k == 1 ? npages - 1 : dmab_splitmix(&seed) % npages;

		for (i = 0; i < n; i++)
			if (offs[i] == p * PAGE_SIZE)
				break;
		if (i < n)
			continue;
		offs[n++] = p * PAGE_SIZE;
	}

	if (v.flags & DMABENCH_VERIFY_FILL) {
		t0 = ktime_get_ns();
		for (off = 0; off < t.size; off++) {
			((u8 *)t.kva)[off] = dmabench_pattern(v.seed, off);
			/* up to 256 MiB under TCG: stay preemptible and killable */
			if (!((off + 1) & (SZ_1M - 1))) {
				cond_resched();
				if (fatal_signal_pending(current)) {
					ret = -EINTR;
					goto out_unlock;
				}
			}
		}
		v.fill_ns = ktime_get_ns() - t0;
	}
	t0 = ktime_get_ns();
	dmab_vt_sync_for_device(&t);
	v.sync_ns = ktime_get_ns() - t0;

	pos = 0;
	first = 0;
	for (i = 0; i < n; i++) {
		u64 dma = dmab_vt_dma(&t, offs[i], &avail);
		u32 len = min_t(u64, v.len, t.size - offs[i]);

		if (!avail) {	/* the mapping is shorter than the buffer */
			ret = -EIO;
			goto out_unlock;
		}
		len = min_t(u64, len, avail);
		if (pos + len > DMABENCH_VERIFY_MAX_LEN) {
			ret = dmab_verify_flush(&v, d, s, first, i - first, pos, data);
			if (ret)
				goto out_unlock;
			pos = 0;
			first = i;
		}
		if (!i)
			v.dma_first = dma;
		s[i].off = offs[i];
		s[i].len = len;
		s[i].pos = pos;
		t0 = ktime_get_ns();
		ret = dmab_edu_xfer(d, dma, EDU_BUF_ADDR + pos, len, false);
		v.dma_ns += ktime_get_ns() - t0;
		if (ret)
			goto out_unlock;
		v.transfers++;
		pos += len;
	}
	ret = dmab_verify_flush(&v, d, s, first, n - first, pos, data);
out_unlock:
	mutex_unlock(&d->engine);
	if (!ret && v.offsets && offs &&
	    copy_to_user(u64_to_user_ptr(v.offsets), offs, (size_t)v.checked * sizeof(u64)))
		ret = -EFAULT;
	if (!ret && data && copy_to_user(u64_to_user_ptr(v.data), data, (size_t)v.pages * v.len))
		ret = -EFAULT;
	if (!ret && copy_to_user(uarg, &v, sizeof(v)))
		ret = -EFAULT;
out_put:
	if (sd)
		dmab_dev_put(sd);
	kfree(s);
	kfree(offs);
	kvfree(data);
	return ret;
}

/* ---- dma-buf exporter: the buffer is an ALLOC object of some ctl file ---- */

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

/*
 * File release: an exported allocation leaves the file but stays alive (and
 * counted) until its dma-buf is released. True when @obj was handed over.
 */
static bool dmab_orphan(struct dmab_file *f, struct dmab_obj *obj)
{
	if (obj->type != DMAB_OBJ_ALLOC)
		return false;
	spin_lock(&dmab_export_lock);
	if (!obj->dmabuf) {
		spin_unlock(&dmab_export_lock);
		return false;
	}
	obj->orphan = true;
	spin_unlock(&dmab_export_lock);
	xa_erase(&f->objs, obj->handle);
	list_del(&obj->node);
	f->nobjs--;
	return true;
}

static long dmab_ioc_dmabuf_export(struct dmab_file *f, void __user *uarg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct dmabench_dmabuf_export in;
	struct dma_buf *dmabuf;
	struct dmab_obj *alloc;
	int fd;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (!DMAB_RESERVED_OK(in))
		return -EINVAL;
	in.fd = -1;
	in.size = 0;
	alloc = dmab_lookup(f, in.alloc, DMAB_OBJ_ALLOC);
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
	spin_lock(&dmab_export_lock);
	alloc->dmabuf = dmabuf;
	spin_unlock(&dmab_export_lock);
	in.fd = fd;
	in.size = dmabuf->size;
	if (copy_to_user(uarg, &in, sizeof(in))) {
		put_unused_fd(fd);
		dma_buf_put(dmabuf);	/* release clears alloc->dmabuf */
		return -EFAULT;
	}
	fd_install(fd, dmabuf->file);
	return 0;
}

static long dmab_ioc_dmabuf_attach(struct dmab_file *f, void __user *uarg)
{
	struct dmabench_dmabuf_attach in;
	struct dma_buf_attachment *att;
	struct dma_buf *dmabuf;
	struct scatterlist *sg;
	struct sg_table *sgt;
	struct dmab_obj *obj;
	struct dmab_dev *d;
	unsigned int i;
	long ret;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (!DMAB_RESERVED_OK(in) || !dmab_dir_valid(in.dir))
		return -EINVAL;
	if (in.segs_max > DMAB_SEGS_MAX)
		return -E2BIG;
	in.handle = 0;
	in.nents_mapped = 0;
	in.dma_len = 0;
	in.size = 0;
	d = dmab_dev_get(in.dev);
	if (!d)
		return -ENODEV;
	obj = dmab_obj_new(f, DMAB_OBJ_DMABUF, d);
	if (IS_ERR(obj)) {
		dmab_dev_put(d);
		return PTR_ERR(obj);
	}
	dmabuf = dma_buf_get(in.fd);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto err_obj;
	}
	att = dma_buf_attach(dmabuf, d->dev);
	if (IS_ERR(att)) {
		ret = PTR_ERR(att);
		goto err_put;
	}
	obj->imp.dir = dmab_dir(in.dir);
	sgt = dma_buf_map_attachment_unlocked(att, obj->imp.dir);
	if (IS_ERR_OR_NULL(sgt)) {
		ret = sgt ? PTR_ERR(sgt) : -ENOMEM;
		goto err_detach;
	}
	obj->imp.buf = dmabuf;
	obj->imp.att = att;
	obj->imp.sgt = sgt;
	ret = dmab_publish(f, obj);
	if (ret) {
		dmab_destroy(obj);
		return ret;
	}
	in.handle = obj->handle;
	in.nents_mapped = sgt->nents;
	in.size = dmabuf->size;
	for_each_sgtable_dma_sg(sgt, sg, i)
		in.dma_len += sg_dma_len(sg);
	if (dmab_copy_segs(in.segs, in.segs_max, sgt->sgl, sgt->nents, true) ||
	    copy_to_user(uarg, &in, sizeof(in))) {
		dmab_unwind(f, obj);
		return -EFAULT;
	}
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

/* ------------------------------------------------------------------ */
/* file operations                                                     */

static long dmab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dmab_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	switch (cmd) {
	case DMABENCH_IOC_INFO:
	case DMABENCH_IOC_DEV_INFO:
	case DMABENCH_IOC_SET_MASK:
	case DMABENCH_IOC_ALLOC:
	case DMABENCH_IOC_FREE:
	case DMABENCH_IOC_GET_SGTABLE:
	case DMABENCH_IOC_MAP_SG:
	case DMABENCH_IOC_MAP_SINGLE:
	case DMABENCH_IOC_SYNC:
	case DMABENCH_IOC_STATS:
	case DMABENCH_IOC_LAT:
	case DMABENCH_IOC_VERIFY:
	case DMABENCH_IOC_DMABUF_EXPORT:
	case DMABENCH_IOC_DMABUF_ATTACH:
		break;
	default:
		return -ENOTTY;
	}

	if (mutex_lock_killable(&f->lock))
		return -EINTR;
	switch (cmd) {
	case DMABENCH_IOC_INFO:
		ret = dmab_ioc_info(uarg);
		break;
	case DMABENCH_IOC_DEV_INFO:
		ret = dmab_ioc_dev_info(uarg);
		break;
	case DMABENCH_IOC_SET_MASK:
		ret = dmab_ioc_set_mask(uarg);
		break;
	case DMABENCH_IOC_ALLOC:
		ret = dmab_ioc_alloc(f, uarg);
		break;
	case DMABENCH_IOC_FREE:
		ret = dmab_ioc_free(f, uarg);
		break;
	case DMABENCH_IOC_GET_SGTABLE:
		ret = dmab_ioc_get_sgtable(f, uarg);
		break;
	case DMABENCH_IOC_MAP_SG:
		ret = dmab_ioc_map_sg(f, uarg);
		break;
	case DMABENCH_IOC_MAP_SINGLE:
		ret = dmab_ioc_map_single(f, uarg);
		break;
	case DMABENCH_IOC_SYNC:
		ret = dmab_ioc_sync(f, uarg);
		break;
	case DMABENCH_IOC_STATS:
		ret = dmab_ioc_stats(uarg);
		break;
	case DMABENCH_IOC_VERIFY:
		ret = dmab_ioc_verify(f, uarg);
		break;
	case DMABENCH_IOC_DMABUF_EXPORT:
		ret = dmab_ioc_dmabuf_export(f, uarg);
		break;
	case DMABENCH_IOC_DMABUF_ATTACH:
		ret = dmab_ioc_dmabuf_attach(f, uarg);
		break;
	default:
		ret = dmab_ioc_lat(uarg);
		break;
	}
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
	struct dmab_buf *b;
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

	b = &obj->buf;
	vma->vm_pgoff = 0;	/* the handle is not an offset into the buffer */
	switch (b->api) {
	case DMABENCH_API_ATTRS:
		ret = dma_mmap_attrs(b->dev, vma, b->cpu, b->dma, b->size, b->attrs);
		break;
	case DMABENCH_API_PAGES:
		ret = dma_mmap_pages(b->dev, vma, b->size, b->page);
		break;
	default:
		ret = dma_mmap_noncontiguous(b->dev, vma, b->size, b->sgt);
		break;
	}
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
	xa_destroy(&f->objs);
	mutex_destroy(&f->lock);
	kfree(f);
	atomic64_dec(&dmab_stats.open_files);
	return 0;
}

/* ------------------------------------------------------------------ */
/* io_uring: IORING_OP_URING_CMD (see dmabench_abi.h)                  */

static int dmab_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct dmab_file *f = ioucmd->file->private_data;
	struct dmabench_uring_cmd c;
	struct dmab_obj *obj = NULL;
	u32 op = ioucmd->cmd_op;
	long ret;

	if (op < DMABENCH_URING_MAP_SINGLE || op > DMABENCH_URING_OP_MAX)
		return -ENOTTY;
	/* the SQE lives in memory userspace can still write: one copy, then checks */
	memcpy(&c, ioucmd->cmd, sizeof(c));
	if ((issue_flags & IO_URING_F_SQE128) &&
	    memchr_inv((const u8 *)ioucmd->cmd + DMABENCH_URING_CMD_BYTES, 0, DMABENCH_URING_SQE128_TAIL))
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

static const struct file_operations dmab_fops = {
	.owner = THIS_MODULE,
	.open = dmab_open,
	.release = dmab_release,
	.unlocked_ioctl = dmab_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = dmab_mmap,
	.uring_cmd = dmab_uring_cmd,
	.llseek = no_llseek,
};

/* ------------------------------------------------------------------ */
/* PCI driver (edu + driver_override) and platform devices            */

#define DMAB_EDU_VENDOR	0x1234
#define DMAB_EDU_DEVICE	0x11e8

/* edu: BAR0 with the DMA engine, if the region is free and the ident register says edu */
static void __iomem *dmab_edu_map(struct pci_dev *pdev)
{
	void __iomem *bar;

	if (pci_request_region(pdev, 0, DMABENCH_DRIVER_NAME))
		goto none;
	bar = pci_iomap(pdev, 0, 0);
	if (bar && (readl(bar + EDU_REG_IDENT) & 0xff) == 0xed)
		return bar;
	if (bar)
		pci_iounmap(pdev, bar);
	pci_release_region(pdev, 0);
none:
	dev_info(&pdev->dev, "edu BAR0 not usable: no DMA engine (VERIFY -EOPNOTSUPP)\n");
	return NULL;
}

static void dmab_edu_unmap(struct pci_dev *pdev, void __iomem *bar)
{
	if (!bar)
		return;
	pci_iounmap(pdev, bar);
	pci_release_region(pdev, 0);
}

static int dmab_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	u32 kind = (pdev->vendor == DMAB_EDU_VENDOR && pdev->device == DMAB_EDU_DEVICE) ?
		   DMABENCH_DEV_EDU : DMABENCH_DEV_BOUND;
	void __iomem *bar = NULL;
	int ret, slot;

	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		goto err;
	/*
	 * edu stands for a device without a segment limit (its engine takes
	 * one address per command; the module splits transfers): without
	 * this the PCI default of 64 KiB would refuse every larger shared
	 * segment. A device bound through driver_override keeps its own.
	 */
	if (kind == DMABENCH_DEV_EDU) {
		dma_set_max_seg_size(&pdev->dev, UINT_MAX);
		bar = dmab_edu_map(pdev);
	}
	slot = dmab_dev_add(&pdev->dev, kind, NULL, bar);
	if (slot < 0) {
		ret = slot;
		goto err;
	}
	pci_set_drvdata(pdev, (void *)(uintptr_t)(slot + 1));
	dev_info(&pdev->dev, "dmabench device %d (%s)\n", slot,
		 kind == DMABENCH_DEV_EDU ? "edu" : "bound");
	return 0;
err:
	dmab_edu_unmap(pdev, bar);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	return ret;
}

/* Blocks until every object on the device is released (see dmab_dev_remove). */
static void dmab_pci_remove(struct pci_dev *pdev)
{
	uintptr_t slot = (uintptr_t)pci_get_drvdata(pdev);

	if (slot) {
		dmab_dev_remove(slot - 1);
		dmab_edu_release(&dmab_devs[slot - 1], &pdev->dev);
		dmab_edu_unmap(pdev, dmab_devs[slot - 1].bar);
		dmab_devs[slot - 1].bar = NULL;
	}
	pci_clear_master(pdev);
	pci_disable_device(pdev);
}

static const struct pci_device_id dmab_pci_ids[] = {
	{ PCI_DEVICE(DMAB_EDU_VENDOR, DMAB_EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, dmab_pci_ids);

static struct pci_driver dmab_pci_driver = {
	.name = DMABENCH_DRIVER_NAME,
	.id_table = dmab_pci_ids,
	.probe = dmab_pci_probe,
	.remove = dmab_pci_remove,
};

static struct dentry *dmab_debugfs;
static bool dmab_pci_registered;

static void dmab_cleanup(void)
{
	unsigned int i;

	debugfs_remove_recursive(dmab_debugfs);
	if (dmab_pci_registered)
		pci_unregister_driver(&dmab_pci_driver);
	for (i = 0; i < dmab_ndevs; i++) {
		struct platform_device *pdev = dmab_devs[i].pdev;

		if (dmab_devs[i].kind == DMABENCH_DEV_PLATFORM && pdev) {
			dmab_dev_remove(i);
			platform_device_unregister(pdev);
		}
	}
}

static int __init dmab_init(void)
{
	struct platform_device_info info = {
		.name = DMABENCH_DRIVER_NAME,
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct platform_device *pdev;
	unsigned int i;
	int ret;

	if (nplatform > DMABENCH_MAX_PLATFORM_DEVS) {
		pr_err("nplatform=%u exceeds %u\n", nplatform, DMABENCH_MAX_PLATFORM_DEVS);
		return -EINVAL;
	}
	dmab_resolve_symbols();

	for (i = 0; i < nplatform; i++) {
		info.id = i;
		pdev = platform_device_register_full(&info);
		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			goto err;
		}
		dma_set_max_seg_size(&pdev->dev, UINT_MAX);	/* no segment limit, like edu */
		ret = dmab_dev_add(&pdev->dev, DMABENCH_DEV_PLATFORM, pdev, NULL);
		if (ret < 0) {
			platform_device_unregister(pdev);
			goto err;
		}
	}

	ret = pci_register_driver(&dmab_pci_driver);
	if (ret)
		goto err;
	dmab_pci_registered = true;

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
MODULE_IMPORT_NS(DMA_BUF);
