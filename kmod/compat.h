/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where dmabench.ko meets kernel-version differences.
 *
 * The module builds and runs on Debian's supported series: 5.10
 * (bullseye), 6.1 (bookworm; also the 6.1-based debug kernel of `make
 * kernel`) and 6.12 (bookworm-security / -backports, arm64 also with 16K
 * pages). Everything it uses that is not stable across those goes through a
 * dmab_compat_*() helper (or a DMAB_COMPAT_* macro) defined here: reaching
 * into dma-direct, swiotlb and iommu-dma internals, IOMMU domain types,
 * looking up an unexported symbol, the dma-buf importer calls, the
 * noncontiguous API, the io_uring command layout and file_operations
 * details. The other files include no internal DMA header (dma-direct.h,
 * dma-map-ops.h, swiotlb.h) and test no LINUX_VERSION_CODE or CONFIG_
 * option about a kernel API themselves: a new kernel series means changing
 * this file only. A feature a kernel lacks is never emulated: the request
 * fails with -EOPNOTSUPP and INFO's features field (dmab_compat_features(),
 * enum dmabench_feature in the ABI header) says so up front.
 *
 *   helper                          5.10                 6.1              6.12
 *   dmab_compat_dma_direct()        no ops && no DMA-API domain (6.12 calls iommu-dma without ops)
 *   dmab_compat_swiotlb_force_bounce() inferred (global)  per device       per device
 *   dmab_compat_swiotlb_reachable() pool assumed < 4 GiB  mem->start/end   mem->defpool
 *   dmab_compat_domain_type()       FQ: intel iovad.fq    DMA_FQ type      DMA_FQ type
 *   dmab_compat_dma_buf_map/unmap() dma_buf_map_attachment  _unlocked     _unlocked
 *   noncontiguous API, dma_mmap_pages()  -EOPNOTSUPP (5.13)  yes           yes
 *   DMAB_COMPAT_FOPS_URING_CMD      none (5.19)          ->cmd            io_uring_sqe_cmd(->sqe)
 *   dmab_compat_no_llseek           no_llseek            no_llseek        NULL (removed in 6.12)
 */
#ifndef DMAB_COMPAT_H
#define DMAB_COMPAT_H

#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/version.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/swiotlb.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0) && IS_ENABLED(CONFIG_INTEL_IOMMU)
#include <linux/intel-iommu.h>	/* struct dmar_domain (5.10: lazy mode, see below) */
#endif

#include "dmabench_abi.h"

/* ---- which kernel: the switches below, named once ---- */

#define DMAB_COMPAT_HAVE_NONCONTIG	(LINUX_VERSION_CODE >= KERNEL_VERSION(5, 13, 0))
#define DMAB_COMPAT_HAVE_URING_CMD	(LINUX_VERSION_CODE >= KERNEL_VERSION(5, 19, 0))
#ifdef IOMMU_DOMAIN_DMA_FQ
#define DMAB_COMPAT_HAVE_DOMAIN_FQ	1
#else
#define DMAB_COMPAT_HAVE_DOMAIN_FQ	0
#endif

/* INFO features: what the running kernel has (enum dmabench_feature) */
static inline u64 dmab_compat_features(void)
{
	return (DMAB_COMPAT_HAVE_NONCONTIG ? DMABENCH_FEAT(DMABENCH_FEAT_NONCONTIG) |
					     DMABENCH_FEAT(DMABENCH_FEAT_MMAP_PAGES) : 0) |
	       (DMAB_COMPAT_HAVE_URING_CMD ? DMABENCH_FEAT(DMABENCH_FEAT_URING_CMD) : 0) |
	       (DMAB_COMPAT_HAVE_DOMAIN_FQ ? DMABENCH_FEAT(DMABENCH_FEAT_DOMAIN_FQ) : 0);
}

/* ---- unexported kernel symbols ---- */

/*
 * Address of a kernel function that is not exported (kallsyms_lookup_name()
 * is not exported either): resolved through a kprobe on it. NULL when the
 * symbol cannot be probed (no CONFIG_KPROBES, blacklisted, absent).
 */
static inline void *dmab_compat_lookup_symbol(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	void *addr;

	if (register_kprobe(&kp) != 0)
		return NULL;
	addr = kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

/* ---- dma-direct and swiotlb ---- */

/*
 * Is @dev served by dma-direct? Up to 6.1 every other implementation installs
 * dma_map_ops, so no ops meant dma-direct. From 6.12 (dev->dma_iommu,
 * use_dma_iommu()) iommu-dma is called directly without ops: a device is then
 * on iommu-dma exactly when its domain is a DMA-API domain (DMA or DMA_FQ;
 * identity is dma-direct). Both tests together are right on every version.
 */
static inline bool dmab_compat_dma_direct(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	return !get_dma_ops(dev) && !(dom && (dom->type & __IOMMU_DOMAIN_DMA_API));
}

/*
 * Does dma-direct bounce every mapping of @dev through swiotlb (swiotlb=force)?
 * Per device since 5.16 (is_swiotlb_force_bounce()). 5.10 keeps it in the
 * unexported global swiotlb_force; dma_direct_max_mapping_size() returns
 * swiotlb's limit exactly when swiotlb is active and (forced or the device
 * is addressing-limited): asked of a dma-direct device that is not limited,
 * it tells whether bouncing is forced. Remembered once known (it is global).
 */
static inline bool dmab_compat_swiotlb_force_bounce(struct device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 16, 0)
	return is_swiotlb_force_bounce(dev);
#else
	static int forced = -1;	/* unknown until a device that is not limited was asked */

	if (forced < 0 && !get_dma_ops(dev) && !dma_addressing_limited(dev))
		forced = dma_max_mapping_size(dev) != SIZE_MAX;
	return forced > 0;
#endif
}

/*
 * Can @dev reach the swiotlb pool it would bounce through? false without one.
 * 6.6 moved the pool's range into io_tlb_mem.defpool (Debian builds without
 * SWIOTLB_DYNAMIC: the only pool); 5.15 .. 6.5 it is io_tlb_mem.start/end.
 * 5.10 exports only the slab count (swiotlb_nr_tbl()): the pool is
 * memblock_alloc_low() memory, below 4 GiB on x86 and arm64, so a device
 * must reach all of [0, 4 GiB).
 */
static inline bool dmab_compat_swiotlb_reachable(struct device *dev)
{
#if !IS_ENABLED(CONFIG_SWIOTLB)
	return false;
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	struct io_tlb_mem *mem = dev->dma_io_tlb_mem;

	return mem && mem->nslabs &&
	       dma_capable(dev, phys_to_dma_unencrypted(dev, mem->defpool.start),
			   mem->defpool.end - mem->defpool.start, true);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)
	struct io_tlb_mem *mem = dev->dma_io_tlb_mem;

	return mem && mem->nslabs &&
	       dma_capable(dev, phys_to_dma_unencrypted(dev, mem->start),
			   mem->end - mem->start, true);
#else
	return swiotlb_nr_tbl() && dma_capable(dev, phys_to_dma_unencrypted(dev, 0), SZ_4G, true);
#endif
}

/* Can dma-direct hand [@phys, @phys + @size) to @dev without bouncing? */
static inline bool dmab_compat_direct_reachable(struct device *dev, phys_addr_t phys, size_t size)
{
	return dma_capable(dev, phys_to_dma(dev, phys), size, true);
}

/* ---- IOMMU domains ---- */

/* Is @dom a domain that the DMA API translates through (DMA or DMA_FQ)? */
static inline bool dmab_compat_domain_dma_api(const struct iommu_domain *dom)
{
	return dom->type & __IOMMU_DOMAIN_DMA_API;
}

/*
 * Is @dom a lazy (flush-queue) DMA domain? A domain type from 5.15
 * (IOMMU_DOMAIN_DMA_FQ). 5.10's Intel driver still has its own DMA ops and
 * its own flush queue, set up when the domain is allocated unless
 * intel_iommu=strict (it ignores iommu.strict): that queue is the truth
 * (struct dmar_domain is in the public intel-iommu.h; only one IOMMU driver
 * runs on x86). Other 5.10 drivers on iommu-dma answer the flush-queue
 * domain attribute.
 */
static inline bool dmab_compat_domain_lazy(struct iommu_domain *dom)
{
#if DMAB_COMPAT_HAVE_DOMAIN_FQ
	return dom->type == IOMMU_DOMAIN_DMA_FQ;
#elif LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 0)
	int fq = 0;

	if (dom->type != IOMMU_DOMAIN_DMA)
		return false;
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0) && IS_ENABLED(CONFIG_INTEL_IOMMU)
	if (intel_iommu_enabled)
		return container_of(dom, struct dmar_domain, domain)->iovad.fq != NULL;
#endif
	return !iommu_domain_get_attr(dom, DOMAIN_ATTR_DMA_USE_FLUSH_QUEUE, &fq) && fq;
#else
	return false;	/* 5.13, 5.14: not a supported series */
#endif
}

/* The ABI's enum dmabench_domain_type for an attached domain. */
static inline u32 dmab_compat_domain_type(struct iommu_domain *dom)
{
	if (dmab_compat_domain_lazy(dom))
		return DMABENCH_DOMAIN_DMA_FQ;
	switch (dom->type) {
	case IOMMU_DOMAIN_IDENTITY:
		return DMABENCH_DOMAIN_IDENTITY;
	case IOMMU_DOMAIN_DMA:
		return DMABENCH_DOMAIN_DMA;
	case IOMMU_DOMAIN_BLOCKED:
		return DMABENCH_DOMAIN_BLOCKED;
	case IOMMU_DOMAIN_UNMANAGED:
		return DMABENCH_DOMAIN_UNMANAGED;
	default:
		return DMABENCH_DOMAIN_OTHER;
	}
}

/* ---- dma-buf importer (the caller does not hold the reservation lock) ---- */

/*
 * 6.2 made dma_buf_map_attachment() require the reservation lock and added
 * the _unlocked calls (Debian's 6.1 carries them). Before, a static importer
 * calls dma_buf_map_attachment() without the lock.
 */
static inline struct sg_table *dmab_compat_dma_buf_map(struct dma_buf_attachment *att,
						       enum dma_data_direction dir)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
	return dma_buf_map_attachment_unlocked(att, dir);
#else
	return dma_buf_map_attachment(att, dir);
#endif
}

static inline void dmab_compat_dma_buf_unmap(struct dma_buf_attachment *att, struct sg_table *sgt,
					     enum dma_data_direction dir)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
	dma_buf_unmap_attachment_unlocked(att, sgt, dir);
#else
	dma_buf_unmap_attachment(att, sgt, dir);
#endif
}

/* dma-buf's exported symbols live in a symbol namespace */
#define DMAB_COMPAT_IMPORT_NS_DMA_BUF()	MODULE_IMPORT_NS(DMA_BUF)

/* ---- noncontiguous allocations, dma_mmap_pages() (5.13) ---- */

/* false: the allocation API (enum dmabench_api) needs a newer kernel (-EOPNOTSUPP) */
static inline bool dmab_compat_api_supported(u32 api)
{
	return DMAB_COMPAT_HAVE_NONCONTIG ||
	       (api != DMABENCH_API_NONCONTIG && api != DMABENCH_API_NONCONTIG_VMAP);
}

#if !DMAB_COMPAT_HAVE_NONCONTIG
/*
 * 5.10: never called for the NONCONTIG APIs (dmab_compat_api_supported() is
 * checked before any allocation); they only keep the call sites free of
 * version tests. dma_mmap_pages() is reachable (dma_alloc_pages() is older):
 * it refuses.
 */
static inline struct sg_table *dma_alloc_noncontiguous(struct device *dev, size_t size,
		enum dma_data_direction dir, gfp_t gfp, unsigned long attrs)
{
	WARN_ON_ONCE(1);
	return NULL;
}
static inline void dma_free_noncontiguous(struct device *dev, size_t size, struct sg_table *sgt,
					  enum dma_data_direction dir)
{
	WARN_ON_ONCE(1);
}
static inline void *dma_vmap_noncontiguous(struct device *dev, size_t size, struct sg_table *sgt)
{
	WARN_ON_ONCE(1);
	return NULL;
}
static inline void dma_vunmap_noncontiguous(struct device *dev, void *vaddr)
{
	WARN_ON_ONCE(1);
}
static inline int dma_mmap_noncontiguous(struct device *dev, struct vm_area_struct *vma,
					 size_t size, struct sg_table *sgt)
{
	WARN_ON_ONCE(1);
	return -EOPNOTSUPP;
}
static inline int dma_mmap_pages(struct device *dev, struct vm_area_struct *vma, size_t size,
				 struct page *page)
{
	return -EOPNOTSUPP;
}
#endif

/* ---- io_uring (IORING_OP_URING_CMD, 5.19) ---- */

/*
 * file_operations.uring_cmd appeared in 5.19; before, io_uring rejects the
 * opcode itself and uring.c is compiled empty. From 6.7 the command lives
 * in <linux/io_uring/cmd.h> and carries the whole SQE.
 */
#if DMAB_COMPAT_HAVE_URING_CMD
#if __has_include(<linux/io_uring/cmd.h>)
#include <linux/io_uring/cmd.h>
#else
#include <linux/io_uring.h>
#endif
#define DMAB_COMPAT_FOPS_URING_CMD(fn)	.uring_cmd = (fn),

/* The command bytes of the SQE (userspace may still write them: copy once). */
static inline const void *dmab_compat_uring_cmd_bytes(const struct io_uring_cmd *ioucmd)
{
#if __has_include(<linux/io_uring/cmd.h>)
	return io_uring_sqe_cmd(ioucmd->sqe);
#else
	return ioucmd->cmd;
#endif
}

/*
 * Complete a command with @res (a handle, 0 or -errno); the value is what
 * ->uring_cmd returns. 6.1's io_uring_cmd() passes a ->uring_cmd return
 * value other than -EAGAIN / -EIOCBQUEUED up as the issue result: 0
 * completes, a negative value fails the request (and its links), but a
 * positive one is taken for an error inline (a linked SQE is cancelled)
 * and is dropped by io-wq (IOSQE_ASYNC, or the worker a -EAGAIN punt
 * reaches): no CQE ever, and the request pins the file. So every result
 * is posted through io_uring_cmd_done() here, as ublk does, and
 * -EIOCBQUEUED returned: one CQE on every issue path, a failure (< 0)
 * still fails the links. Later kernels return IOU_OK for a positive
 * result; the same call is right there too.
 */
static inline int dmab_compat_uring_cmd_complete(struct io_uring_cmd *ioucmd, long res,
						 unsigned int issue_flags)
{
	io_uring_cmd_done(ioucmd, res, 0, issue_flags);
	return -EIOCBQUEUED;
}
#else
struct io_uring_cmd;
#define DMAB_COMPAT_FOPS_URING_CMD(fn)
#endif

/* ---- file operations ---- */

/* .llseek of a nonseekable file: no_llseek is gone in 6.12, where NULL means the same */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define dmab_compat_no_llseek	NULL
#else
#define dmab_compat_no_llseek	no_llseek
#endif

#endif /* DMAB_COMPAT_H */
