/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where dmabench.ko meets kernel-version differences.
 *
 * The module is built against Debian's 6.1 kernels (x86_64, arm64) and
 * the 6.1-based debug kernel (`make kernel`). Everything it uses that is
 * not stable across kernel versions goes through a dmab_compat_*() helper
 * (or a DMAB_COMPAT_* macro) defined here: reaching into dma-direct,
 * swiotlb and iommu-dma internals, IOMMU domain types, looking up an
 * unexported symbol, the dma-buf importer calls, the io_uring command
 * layout and file_operations details. The other files include no internal
 * DMA header (dma-direct.h, dma-map-ops.h, swiotlb.h) and test no
 * LINUX_VERSION_CODE or CONFIG_ option about a kernel API themselves: a
 * new kernel series means changing this file only.
 *
 * Differences already known for the series the project means to support
 * (each is where the helper named sits):
 *  - 5.10: no dev->dma_io_tlb_mem and no is_swiotlb_force_bounce() (swiotlb
 *    forcing was the global swiotlb_force); no IOMMU_DOMAIN_DMA_FQ or
 *    __IOMMU_DOMAIN_DMA_API (lazy invalidation was a domain attribute); no
 *    dma_buf_map_attachment_unlocked(); no file_operations.uring_cmd; no
 *    dma_alloc_noncontiguous() family (the NONCONTIG APIs would have to
 *    report -EOPNOTSUPP).
 *  - later kernels: struct io_tlb_mem keeps its bounds in a pool
 *    (defpool); iommu-dma is called directly instead of through
 *    dma_map_ops, so get_dma_ops() no longer tells dma-direct apart;
 *    struct io_uring_cmd carries the SQE (io_uring_sqe_cmd(), header
 *    linux/io_uring/cmd.h) instead of ->cmd; no_llseek is gone.
 */
#ifndef DMAB_COMPAT_H
#define DMAB_COMPAT_H

#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/fs.h>
#include <linux/io_uring.h>
#include <linux/iommu.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/swiotlb.h>

#include "dmabench_abi.h"

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

/* Is @dev served by dma-direct (no dma_map_ops of its own)? */
static inline bool dmab_compat_dma_direct(struct device *dev)
{
	return !get_dma_ops(dev);
}

/* Does dma-direct bounce every mapping of @dev through swiotlb (swiotlb=force)? */
static inline bool dmab_compat_swiotlb_force_bounce(struct device *dev)
{
	return is_swiotlb_force_bounce(dev);
}

/* Can @dev reach the swiotlb pool it would bounce through? false without one. */
static inline bool dmab_compat_swiotlb_reachable(struct device *dev)
{
#ifdef CONFIG_SWIOTLB
	struct io_tlb_mem *mem = dev->dma_io_tlb_mem;

	return mem && mem->nslabs &&
	       dma_capable(dev, phys_to_dma_unencrypted(dev, mem->start),
			   mem->end - mem->start, true);
#else
	return false;
#endif
}

/* Can dma-direct hand [@phys, @phys + @size) to @dev without bouncing? */
static inline bool dmab_compat_direct_reachable(struct device *dev, phys_addr_t phys, size_t size)
{
	return dma_capable(dev, phys_to_dma(dev, phys), size, true);
}

/* ---- IOMMU domains ---- */

/* Is @dom a domain that iommu-dma manages (DMA or DMA_FQ)? */
static inline bool dmab_compat_domain_dma_api(const struct iommu_domain *dom)
{
	return dom->type & __IOMMU_DOMAIN_DMA_API;
}

/* The ABI's enum dmabench_domain_type for an attached domain. */
static inline u32 dmab_compat_domain_type(const struct iommu_domain *dom)
{
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

/* ---- dma-buf importer (the caller does not hold the reservation lock) ---- */

static inline struct sg_table *dmab_compat_dma_buf_map(struct dma_buf_attachment *att,
						       enum dma_data_direction dir)
{
	return dma_buf_map_attachment_unlocked(att, dir);
}

static inline void dmab_compat_dma_buf_unmap(struct dma_buf_attachment *att, struct sg_table *sgt,
					     enum dma_data_direction dir)
{
	dma_buf_unmap_attachment_unlocked(att, sgt, dir);
}

/* dma-buf's exported symbols live in a symbol namespace */
#define DMAB_COMPAT_IMPORT_NS_DMA_BUF()	MODULE_IMPORT_NS(DMA_BUF)

/* ---- io_uring (IORING_OP_URING_CMD) ---- */

/* The command bytes of the SQE (userspace may still write them: copy once). */
static inline const void *dmab_compat_uring_cmd_bytes(const struct io_uring_cmd *ioucmd)
{
	return ioucmd->cmd;
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

/* ---- file operations ---- */

/* .llseek of a nonseekable file */
#define dmab_compat_no_llseek	no_llseek

#endif /* DMAB_COMPAT_H */
