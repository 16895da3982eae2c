/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private header of dmabench.ko: the structures the module's files share,
 * their functions, the module parameters, the locking and lifetime rules.
 *
 * Files (kmod/Kbuild lists them):
 *   core.c    module parameters, init/exit, the ctl file (open, release,
 *             mmap), the ioctl table
 *   dev.c     device registry, PCI driver (edu, driver_override), platform
 *             devices, DEV_INFO, SET_MASK, DMA ops / IOMMU domain class
 *   obj.c     per-file objects: reserve, publish, discard, unpublish, lookup, destroy,
 *             leak-oracle counters; INFO, FREE, STATS
 *   alloc.c   the four allocation APIs (struct dmab_buf), kernel VA
 *             accounting, sg description, mmap; ALLOC
 *   map.c     mapping preconditions; GET_SGTABLE, MAP_SG, MAP_SINGLE, SYNC
 *   lat.c     LAT: in-kernel latency loops
 *   edu.c     the QEMU edu DMA engine (BAR, transfers, check page)
 *   verify.c  VERIFY: the device reads a mapping, the CPU compares
 *   dmabuf.c  dma-buf exporter and importer; DMABUF_EXPORT, DMABUF_ATTACH
 *   uring.c   IORING_OP_URING_CMD
 *   compat.h  kernel-version differences (dmab_compat_*())
 *
 * Locking and lifetime (as the code stands; new code follows these rules)
 *
 * Locks. Order (outer first; "->" = may take while holding):
 *   mmap_lock -> xa_lock(&f->objs)                      mmap()
 *   f->lock -> mmap_lock                                 an ioctl faulting on user memory
 *   f->lock -> d->engine -> (DMA API calls only)         VERIFY
 *   f->lock -> dmab_devs_lock                            device lookups, INFO, SET_MASK
 *   f->lock -> dmab_export_lock                          EXPORT, FREE (exported?)
 *   f->lock -> xa_lock(&f->objs)                         reserve, publish, unpublish
 *   dmab_export_lock -> xa_lock(&f->objs)                dmab_orphan() at release
 * Nothing else nests; xa_lock and dmab_export_lock are spinlocks (nothing
 * sleeps under them), f->lock, d->engine and dmab_devs_lock are mutexes.
 *  - f->lock (mutex, per open ctl file, struct dmab_file): serialises the
 *    file's ioctls (core.c dmab_ioctl(), killable) and io_uring commands
 *    (uring.c: trylock when issued with IO_URING_F_NONBLOCK, else -EAGAIN,
 *    which io_uring turns into a re-issue from an io-wq worker that waits
 *    for the lock). It protects f->list, f->next_handle, f->nobjs, every
 *    change to f->objs, and the fields of the file's objects (children,
 *    map / imp state). mmap() does not take it (it runs under mmap_lock,
 *    which ioctls take under f->lock when they fault); release() does not
 *    need it (last reference, see Files).
 *  - xa_lock(&f->objs) (the xarray's spinlock): mmap() looks the handle up
 *    and raises the object's mapcount under it; dmab_unpublish() checks
 *    mapcount and erases the handle under it, so FREE and mmap() of one
 *    object exclude each other; dmab_publish() stores the object into its
 *    reserved slot under it (xa_store), as its last step.
 *  - d->engine (mutex, per edu device, dmab_edu_claim()/_unclaim(), taken
 *    only by VERIFY, under f->lock, with a device reference held): one
 *    engine user at a time; protects the engine registers, engine_dead, the
 *    check page (check, check_dma) and the clearing of check_remap.
 *  - dmab_devs_lock (mutex, dev.c): dmab_ndevs and each slot's dev, name,
 *    gone and pdev; kind, bar and the engine fields are set under it when a
 *    slot is filled (PCI remove clears bar and the check page without it,
 *    after the wait below, when no reference is left). dmab_dev_get() (by
 *    id) and dmab_dev_hold() (a device an object already holds) check
 *    dev && !gone and take a ref under it. SET_MASK holds it across its
 *    refs == 0 check and dma_set_mask_and_coherent() (which may sleep), so
 *    no reference slips in between, and sets check_remap under it.
 *  - dmab_export_lock (spinlock, dmabuf.c): an allocation's dmabuf and
 *    orphan fields, shared between its ctl file and the dma-buf release.
 *  - No lock: the atomics d->refs, d->objects, obj->mapcount, dmab_stats.
 *
 * Objects. dmab_obj_new() makes an object only the running ioctl sees;
 * dmab_reserve() (f->lock) gives it the file's next handle (never reused
 * in that file, also when the object is discarded) and reserves the slot
 * in f->objs, invisible to lookups and mmap(). Only after everything that
 * can fail, the copy-out to userspace (ioctl) or the handle check (io_uring)
 * included, dmab_publish() (f->lock) puts it at the head of f->list (newest
 * first), counts it in its parent's children, its device's objects and
 * dmab_stats, and stores it in its slot last: from then on mmap() can find
 * it. A failed copy-out dmab_discard()s it: never seen, nothing to undo
 * but its own DMA work, so -EFAULT changes nothing. It leaves the file
 * through FREE (-EBUSY while it has children, is exported or is mmapped)
 * or at release(), newest first, so children (the sg table of an
 * allocation, the mapping of a table) go before their parents:
 * dmab_unpublish() (f->lock, or release) reverses dmab_publish(),
 * dmab_destroy() undoes the DMA work, drops the device ref and frees it.
 * Rule: an object is published and unpublished under f->lock, and its
 * handle enters or leaves f->objs under xa_lock; nothing may touch an
 * object after handing it to another owner (dmab_orphan()).
 *
 * Devices. A registry slot is filled at probe or module init; a PCI device
 * removed and probed again takes its old slot back (same dev_name()), no
 * other device ever does, so an id always means one device. d->refs
 * counts one reference per object on the device (dmab_dev_get() in ALLOC,
 * MAP_SG, MAP_SINGLE, DMABUF_ATTACH and their io_uring forms,
 * dmab_dev_hold() in GET_SGTABLE) plus the ioctls that use a device
 * without creating an object (DEV_INFO, LAT, VERIFY STALE), for their
 * duration; dmab_destroy() drops an object's. dmab_dev_remove() (PCI
 * remove, module exit) sets gone (from then on no new reference is
 * given), sleeps until refs is 0 (every file with an object on the device
 * closed, every dma-buf holding an orphaned allocation on it released;
 * PCI remove blocks that long), then clears dev; PCI remove then releases
 * the check page and the BAR. d->objects counts the device's published
 * objects and orphans, for DEV_INFO and the removal message only.
 *
 * Files. A ctl file is referenced by its fds, by every VMA over one of its
 * allocations (vma->vm_file) and by every io_uring request on it that is
 * in flight (io_uring holds the request's file until the request
 * completes; every command completes exactly once: uring.c). release()
 * runs when the last goes, so no ioctl, mmap() or command of the file
 * runs then and no object of it is mapped; an exported allocation is
 * handed to its dma-buf (dmab_orphan()), every other object destroyed.
 *
 * mmap. A VMA over an allocation holds one mapcount (mmap(), vm_open on
 * fork or split; vm_close drops it) and pins the ctl file through
 * vma->vm_file, so release() never meets a mapped object and FREE of a
 * mapped allocation is -EBUSY. mmap() finds only published allocations.
 *
 * dma-buf. DMABUF_EXPORT creates the dma-buf (priv = the allocation), copies
 * the result out, then links allocation and dma-buf (obj->dmabuf, under
 * dmab_export_lock) and only then installs the fd (irreversible); if the
 * copy-out fails the dma-buf gets priv = NULL before its last put (its
 * release may run after the ioctl returned) and was never linked. While
 * linked FREE is -EBUSY. The dma-buf's references are its fd and the
 * attachments (each DMABUF object holds one, dma_buf_get(), until it is
 * destroyed); its release unlinks under dmab_export_lock. If the ctl file
 * is released first, dmab_orphan() takes the allocation out of the file
 * (handle, list, count) and then sets orphan, all under dmab_export_lock,
 * and does not touch it again; the allocation stays counted and holds its
 * device ref, and the dma-buf release, seeing orphan under the same lock,
 * destroys it (dmab_orphan_destroy()). Exactly one side frees it. The
 * exporter's map / unmap callbacks use priv, alive as long as the dma-buf.
 *
 * io_uring. A command's SQE bytes are copied once (io_uring copies them
 * again for a re-issue). dmab_uring_cmd() returns -EAGAIN only before any
 * work (file busy, inline issue); every other result is posted with
 * io_uring_cmd_done() (compat.h dmab_compat_uring_cmd_complete()), so the
 * request completes, and drops its file reference, on every issue path.
 *
 * Module. The ctl file (fops.owner) and every exported dma-buf (exp_info
 * owner) pin the module, so module exit meets no object.
 */
#ifndef DMABENCH_H
#define DMABENCH_H

/* first include of every file of the module: before any printk.h */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "dmabench_abi.h"
#include "compat.h"

#define DMAB_SEGS_MAX		65536U
/* Never warn, never OOM-kill for a fuzzed size: fail the allocation instead. */
#define DMAB_GFP		(GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

/*
 * ioctl handlers (dmab_ioc_*()): core.c has looked the command up, taken
 * f->lock and copied the command's struct into @arg (-EFAULT before any
 * handler runs); the handler checks it, works, and copies results out to
 * @uarg itself. A new object is only reserved (dmab_reserve()) until that
 * copy-out succeeded, then published; when it fails the object is
 * discarded unseen and the ioctl returns -EFAULT having changed nothing.
 */
struct dmab_file;

/* ---- module parameters (core.c) ---- */
extern unsigned int dmab_slow_op;		/* slow_op */
extern unsigned int dmab_slow_pct;		/* slow_pct */
extern unsigned long long dmab_crash_drill_size;	/* crash_drill_size */
extern unsigned int dmab_edu_timeout_ms;	/* edu_timeout_ms */
extern unsigned int dmab_handover_delay_ms;	/* handover_delay_ms */

/* ---- devices (dev.c) ---- */

struct dmab_dev {
	struct device *dev;		/* NULL: slot unused or device gone */
	char name[32];			/* dev_name(): a device bound again takes its slot back */
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

extern struct dmab_dev dmab_devs[DMABENCH_MAX_DEVICES];
extern unsigned int dmab_ndevs;
extern struct mutex dmab_devs_lock;

struct dmab_dev *dmab_dev_get(u32 id);
bool dmab_dev_hold(struct dmab_dev *d);
void dmab_dev_put(struct dmab_dev *d);
u32 dmab_ops_kind(struct device *dev);
u32 dmab_domain_type(struct device *dev);
bool dmab_iommu_dma_domain(struct device *dev);
int dmab_devs_init(unsigned int nplatform);
void dmab_devs_exit(void);
long dmab_ioc_dev_info(struct dmab_file *f, void *arg, void __user *uarg);
long dmab_ioc_set_mask(struct dmab_file *f, void *arg, void __user *uarg);

/* ---- allocations (alloc.c) ---- */

/* One DMA buffer of one of the four APIs (no allocation besides the DMA call itself). */
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

void dmab_alloc_init(void);
unsigned long dmab_attrs(u64 abi);
int dmab_check_api(u32 api, u64 attrs, u32 dir, bool dir_required);
int dmab_buf_alloc(struct dmab_buf *b);
void dmab_buf_free(struct dmab_buf *b);
void *dmab_buf_kva_ptr(const struct dmab_buf *b);
int dmab_buf_sgtable(struct dmab_buf *b, struct sg_table *sgt);
int dmab_buf_mmap(struct dmab_buf *b, struct vm_area_struct *vma);

/* ---- objects (obj.c) ---- */

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

/* Live counters of the leak oracle (STATS). */
struct dmab_stats {
	atomic64_t live_allocs, live_sgtables, live_mappings, live_mmaps;
	atomic64_t alloc_bytes, kva_bytes, open_files, total_objects;
};
extern struct dmab_stats dmab_stats;

struct dmab_obj *dmab_obj_new(struct dmab_file *f, u32 type, struct dmab_dev *d);
struct dmab_obj *dmab_lookup(struct dmab_file *f, u32 handle, u32 type);
void dmab_account(const struct dmab_obj *obj, int sign);
int dmab_reserve(struct dmab_file *f, struct dmab_obj *obj);
void dmab_publish(struct dmab_file *f, struct dmab_obj *obj);
void dmab_discard(struct dmab_file *f, struct dmab_obj *obj);
int dmab_unpublish(struct dmab_file *f, struct dmab_obj *obj);
void dmab_destroy(struct dmab_obj *obj);
long dmab_free_core(struct dmab_file *f, u32 handle);
long dmab_ioc_info(struct dmab_file *f, void *arg, void __user *uarg);
long dmab_ioc_free(struct dmab_file *f, void *arg, void __user *uarg);
long dmab_ioc_stats(struct dmab_file *f, void *arg, void __user *uarg);

/* ---- ALLOC (alloc.c) ---- */
/* *objp: reserved, not published: the caller publishes or discards it */
long dmab_alloc_core(struct dmab_file *f, struct dmabench_alloc *in, struct dmab_obj **objp);
long dmab_ioc_alloc(struct dmab_file *f, void *arg, void __user *uarg);

/* ---- mappings (map.c) ---- */
bool dmab_direct_ok(struct device *dev, phys_addr_t phys, size_t size);
int dmab_sgt_check(struct device *dev, struct sg_table *sgt);
int dmab_copy_segs(u64 uptr, u32 max, struct scatterlist *sgl, unsigned int nents, bool mapped);
long dmab_map_single_core(struct dmab_file *f, struct dmabench_map_single *in,
			  struct dmab_obj **objp);
long dmab_ioc_get_sgtable(struct dmab_file *f, void *arg, void __user *uarg);
long dmab_ioc_map_sg(struct dmab_file *f, void *arg, void __user *uarg);
long dmab_ioc_map_single(struct dmab_file *f, void *arg, void __user *uarg);
long dmab_ioc_sync(struct dmab_file *f, void *arg, void __user *uarg);

/* ---- LAT (lat.c) ---- */
long dmab_ioc_lat(struct dmab_file *f, void *arg, void __user *uarg);

/* ---- the edu DMA engine (edu.c) ---- */
#define EDU_BUF_ADDR		0x40000	/* edu's 4 KiB buffer in its DMA address space */
#define DMAB_CHECK_POISON	0xa5	/* check page bytes before a write-back */

void __iomem *dmab_edu_map(struct pci_dev *pdev);
void dmab_edu_unmap(struct pci_dev *pdev, void __iomem *bar);
int dmab_edu_claim(struct dmab_dev *d);
void dmab_edu_unclaim(struct dmab_dev *d);
int dmab_edu_xfer(struct dmab_dev *d, u64 src, u64 dst, u32 cnt, bool to_ram);
void dmab_check_poison(struct dmab_dev *d);
void dmab_edu_release(struct dmab_dev *d, struct device *dev);
void *dmab_dma_page(struct device *dev, int *err);

/* ---- VERIFY (verify.c) ---- */
long dmab_ioc_verify(struct dmab_file *f, void *arg, void __user *uarg);

/* ---- dma-buf (dmabuf.c) ---- */
bool dmab_exported(struct dmab_obj *obj);
struct dmab_obj *dmab_dmabuf_alloc(struct dma_buf *dmabuf);
bool dmab_orphan(struct dmab_file *f, struct dmab_obj *obj);
long dmab_ioc_dmabuf_export(struct dmab_file *f, void *arg, void __user *uarg);
long dmab_ioc_dmabuf_attach(struct dmab_file *f, void *arg, void __user *uarg);

/* ---- io_uring (uring.c) ---- */
int dmab_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);

/* ---- ABI argument helpers ---- */

static inline bool dmab_dir_valid(u32 dir)
{
	return dir >= DMABENCH_DIR_BIDIRECTIONAL && dir <= DMABENCH_DIR_FROM_DEVICE;
}

static inline enum dma_data_direction dmab_dir(u32 dir)
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

static inline bool dmab_zero(const u64 *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i])
			return false;
	return true;
}

#define DMAB_RESERVED_OK(s) dmab_zero((s).reserved, ARRAY_SIZE((s).reserved))

#endif /* DMABENCH_H */
