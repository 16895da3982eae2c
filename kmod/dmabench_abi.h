/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dmabench_abi.h - the one ABI header shared by dmabench.ko and userspace.
 *
 * Interface: /sys/kernel/debug/dmabench/ctl (mode 0600). Every object
 * (allocation, sg table, mapping) belongs to the open file that created it
 * and is released when that file is closed, newest first.
 *
 * Rules (the project's ABI principles; README.md "How it works" sums
 * them up):
 *  - fixed-width types only, pointers travel as __u64, explicit reserved
 *    tails that must be zero (else -EINVAL);
 *  - every field is marked (in) or (out); (out) fields are zeroed by the
 *    module before it works, so stale input there is harmless;
 *  - enums start at 1 so that a zeroed struct is always invalid;
 *  - ioctl order: unknown command -ENOTTY, copy-in -EFAULT, reserved or
 *    unknown bits -EINVAL, limits below -E2BIG, bad handle -EBADF,
 *    device index out of range -ENODEV, work, copy-out;
 *  - -EFAULT changes nothing: a new object (handle) or dma-buf fd exists
 *    only once the copy-out succeeded; before, its handle is unknown to
 *    every call and to mmap (-EBADF), and a failed copy-out releases it
 *    again (the handle number is not reused).
 *
 * mmap: offset = handle << page shift maps allocation <handle> through
 * dma_mmap_attrs() / dma_mmap_pages() / dma_mmap_noncontiguous(). The
 * mapping must cover exactly the page-rounded allocation size. An
 * allocation that is mmapped cannot be freed (-EBUSY) until unmapped.
 * mmap errors: offset not a live allocation handle -EBADF, length not the
 * page-rounded allocation size -EINVAL, an API_PAGES allocation on a kernel
 * without dma_mmap_pages() -EOPNOTSUPP (DMABENCH_FEAT_MMAP_PAGES). The page
 * size is the running kernel's (INFO page_size: 16 KiB on arm64-16k kernels).
 *
 * Kernel features: the module builds on every kernel series the project
 * supports (Debian 5.10, 6.1, 6.12); what the running kernel lacks is never
 * emulated. INFO's features field says what it has (enum
 * dmabench_feature); a request that needs a missing feature fails with
 * -EOPNOTSUPP, so that a test can tell "not on this kernel" (a skip) from a
 * failure.
 *
 * Device-dependent limits, checked after the device lookup: a mapping
 * (MAP_SINGLE size, any MAP_SG CPU segment) above dma_max_mapping_size()
 * of the mapping device, or a MAP_SG / dma-buf CPU segment above its
 * max_seg_size (DEV_INFO; edu and platform devices: UINT_MAX, a device
 * bound through driver_override keeps its own) -E2BIG; on dma-direct, memory the device can
 * neither address nor bounce through swiotlb -EIO (the kernel would WARN).
 */
#ifndef DMABENCH_ABI_H
#define DMABENCH_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#define DMABENCH_ABI_VERSION		1
#define DMABENCH_DEBUGFS_DIR		"dmabench"
#define DMABENCH_CTL_PATH		"/sys/kernel/debug/dmabench/ctl"
#define DMABENCH_DRIVER_NAME		"dmabench"	/* for driver_override */

/* ---- limits (anything above is -E2BIG) ---- */
#define DMABENCH_MAX_ALLOC_SIZE		(256ULL << 20)	/* bytes per allocation */
#define DMABENCH_MAX_OBJECTS		4096	/* live objects per open file (-ENOSPC) */
#define DMABENCH_MAX_LAT_ITERS		(1U << 20)
#define DMABENCH_MAX_DEVICES		64
#define DMABENCH_MAX_PLATFORM_DEVS	8

/* ---- enums (all start at 1) ---- */
enum dmabench_dev_kind {
	DMABENCH_DEV_EDU = 1,		/* QEMU edu PCI function 1234:11e8 */
	DMABENCH_DEV_PLATFORM = 2,	/* platform device created by the module */
	DMABENCH_DEV_BOUND = 3,		/* PCI device bound by the user (driver_override) */
};

enum dmabench_ops_kind {
	DMABENCH_OPS_DIRECT = 1,	/* dma-direct, no forced bouncing */
	DMABENCH_OPS_SWIOTLB = 2,	/* dma-direct, swiotlb force_bounce */
	DMABENCH_OPS_IOMMU = 3,		/* iommu-dma (dev->dma_ops set, DMA domain) */
	DMABENCH_OPS_OTHER = 4,		/* some other dma_map_ops */
};

enum dmabench_domain_type {
	DMABENCH_DOMAIN_NONE = 1,	/* no IOMMU domain attached */
	DMABENCH_DOMAIN_IDENTITY = 2,
	DMABENCH_DOMAIN_DMA = 3,	/* strict invalidation */
	DMABENCH_DOMAIN_DMA_FQ = 4,	/* lazy (flush queue) */
	DMABENCH_DOMAIN_BLOCKED = 5,
	DMABENCH_DOMAIN_UNMANAGED = 6,
	DMABENCH_DOMAIN_OTHER = 7,
};

enum dmabench_api {
	DMABENCH_API_ATTRS = 1,		/* dma_alloc_attrs() */
	DMABENCH_API_PAGES = 2,		/* dma_alloc_pages() */
	DMABENCH_API_NONCONTIG = 3,	/* dma_alloc_noncontiguous() (DMABENCH_FEAT_NONCONTIG) */
	DMABENCH_API_NONCONTIG_VMAP = 4,/* dma_alloc_noncontiguous() + dma_vmap_noncontiguous() (same) */
};
#define DMABENCH_API_MAX		4

enum dmabench_dir {
	DMABENCH_DIR_BIDIRECTIONAL = 1,
	DMABENCH_DIR_TO_DEVICE = 2,
	DMABENCH_DIR_FROM_DEVICE = 3,
};

enum dmabench_kva_kind {
	DMABENCH_KVA_LINEAR = 1,	/* address in the linear map: no VA consumed */
	DMABENCH_KVA_VMALLOC = 2,	/* a vmalloc-space area: kva_bytes = its size incl. guard page */
	DMABENCH_KVA_COOKIE = 3,	/* NO_KERNEL_MAPPING cookie outside vmalloc space: never dereferenced */
	DMABENCH_KVA_NONE = 4,		/* API returns no kernel address (noncontig without vmap) */
};

enum dmabench_sync_dir {
	DMABENCH_SYNC_FOR_CPU = 1,
	DMABENCH_SYNC_FOR_DEVICE = 2,
};

enum dmabench_lat_op {
	DMABENCH_LAT_ALLOC_FREE = 1,	/* a = alloc (api, attrs), b = free */
	DMABENCH_LAT_SGTABLE = 2,	/* one alloc; a = dma_get_sgtable, b = sg_free_table */
	DMABENCH_LAT_MAP_SG = 3,	/* alloc on dev + sgtable; a = dma_map_sg on dev2, b = dma_unmap_sg */
	DMABENCH_LAT_MAP_SINGLE = 4,	/* page buffer; a = dma_map_single on dev, b = dma_unmap_single */
	DMABENCH_LAT_SYNC_SG = 5,	/* alloc+sgtable+map on dev2; a = sync_sg_for_cpu, b = sync_sg_for_device */
};
#define DMABENCH_LAT_OP_MAX		5

/*
 * Kernel features (INFO features: bit 1ULL << DMABENCH_FEAT_*; bit numbers,
 * so unlike the enums above they start at 0). Without the feature, what
 * needs it fails with -EOPNOTSUPP:
 *  NONCONTIG   dma_alloc_noncontiguous() family (Linux 5.13): ALLOC and LAT
 *              with API_NONCONTIG / API_NONCONTIG_VMAP
 *  MMAP_PAGES  dma_mmap_pages() (5.13): mmap() of an API_PAGES allocation
 *  URING_CMD   IORING_OP_URING_CMD on the ctl file (5.19). Without it the
 *              module never sees the request: io_uring itself completes it
 *              with -EINVAL (unknown opcode), so check this bit first
 *  DOMAIN_FQ   the IOMMU layer names lazy (flush-queue) DMA domains (domain
 *              type DMA_FQ, 5.15; before, a domain attribute where the
 *              driver uses the common dma-iommu layer): DEV_INFO
 *              domain_type DMA_FQ vs DMA is then the effective mode. Without
 *              it DMA may also be a lazy domain: the kernel log says which
 */
enum dmabench_feature {
	DMABENCH_FEAT_NONCONTIG = 0,
	DMABENCH_FEAT_MMAP_PAGES = 1,
	DMABENCH_FEAT_URING_CMD = 2,
	DMABENCH_FEAT_DOMAIN_FQ = 3,
};
#define DMABENCH_FEAT_COUNT		4
#define DMABENCH_FEAT(f)		(1ULL << (f))

/*
 * Attribute bits accepted by DMABENCH_IOC_ALLOC (values are the ABI's own;
 * the module translates them to DMA_ATTR_*). Any other bit: -EINVAL.
 */
#define DMABENCH_ATTR_WEAK_ORDERING	(1ULL << 0)
#define DMABENCH_ATTR_WRITE_COMBINE	(1ULL << 1)
#define DMABENCH_ATTR_NO_KERNEL_MAPPING	(1ULL << 2)
#define DMABENCH_ATTR_FORCE_CONTIGUOUS	(1ULL << 3)
#define DMABENCH_ATTR_ALLOC_SINGLE_PAGES (1ULL << 4)
#define DMABENCH_ATTR_NO_WARN		(1ULL << 5)
#define DMABENCH_ATTR_PRIVILEGED	(1ULL << 6)
#define DMABENCH_ATTR_SKIP_CPU_SYNC	(1ULL << 7)	/* map_sg / map_single / unmap only */
#define DMABENCH_ALLOC_ATTRS_MASK	0x7fULL
#define DMABENCH_MAP_ATTRS_MASK		(DMABENCH_ATTR_WEAK_ORDERING | DMABENCH_ATTR_SKIP_CPU_SYNC | \
					 DMABENCH_ATTR_NO_WARN | DMABENCH_ATTR_PRIVILEGED)

/* ---- structs ---- */

/* DMABENCH_IOC_INFO */
struct dmabench_info {
	__u32 abi_version;		/* out */
	__u32 ndevs;			/* out: device ids are 0 .. ndevs-1 (some may be gone: -ENODEV; a PCI
					 * device unbound and bound again gets its old id back) */
	__u64 max_alloc_size;		/* out: DMABENCH_MAX_ALLOC_SIZE */
	__u32 max_objects;		/* out */
	__u32 max_lat_iters;		/* out */
	__u32 page_size;		/* out */
	__u32 hist_buckets;		/* out: DMABENCH_HIST_BUCKETS */
	__u64 features;			/* out: DMABENCH_FEAT() bits the running kernel has */
	__u64 reserved[3];		/* in: must be 0 */
};

/* DMABENCH_IOC_DEV_INFO */
struct dmabench_dev_info {
	__u32 dev;			/* in: device id */
	__u32 kind;			/* out: enum dmabench_dev_kind */
	__u32 ops;			/* out: enum dmabench_ops_kind */
	__u32 domain_type;		/* out: enum dmabench_domain_type */
	__s32 iommu_group;		/* out: group id, -1 if none */
	__u32 coherent;			/* out: 1 if dev_is_dma_coherent() */
	__u64 dma_mask;			/* out */
	__u64 coherent_dma_mask;	/* out */
	__u64 max_mapping_size;		/* out: dma_max_mapping_size() */
	__u64 seg_boundary;		/* out: dma_get_seg_boundary() */
	__u32 max_seg_size;		/* out: dma_get_max_seg_size() */
	__u32 live_objects;		/* out: objects (all files) that use this device */
	__u8  name[32];			/* out: dev_name(), NUL-terminated */
	__u64 reserved[4];		/* in: must be 0 */
};

/*
 * DMABENCH_IOC_SET_MASK: platform and edu devices (bound ones -EINVAL),
 * only while no object uses the device (-EBUSY); a mask the kernel refuses
 * (dma_set_mask_and_coherent(), e.g. below 24 bits on x86) -EIO. An edu
 * device started with a QEMU dma_mask below 64 bits needs its mask set
 * here before use: the module assumes 64 bits, QEMU clamps the address.
 */
struct dmabench_set_mask {
	__u32 dev;			/* in */
	__u32 bits;			/* in: 12 .. 64 */
	__u64 reserved[2];		/* in: must be 0 */
};

/* DMABENCH_IOC_ALLOC */
struct dmabench_alloc {
	__u32 dev;			/* in: device id */
	__u32 api;			/* in: enum dmabench_api */
	__u64 size;			/* in: 1 .. DMABENCH_MAX_ALLOC_SIZE */
	__u64 attrs;			/* in: DMABENCH_ATTR_* within DMABENCH_ALLOC_ATTRS_MASK; API_PAGES: must be 0;
					 * API_NONCONTIG*: only ALLOC_SINGLE_PAGES (the kernel WARNs on others) */
	__u32 dir;			/* in: enum dmabench_dir; API_ATTRS: must be 0, others: required */
	__u32 handle;			/* out: object handle (>= 1) */
	__u64 dma_addr;			/* out: device address (first segment for noncontig) */
	__u64 kva_bytes;		/* out: bytes of vmalloc space this allocation holds */
	__u32 kva_kind;			/* out: enum dmabench_kva_kind */
	__u32 nents;			/* out: noncontig: sg entries of its table; else 1 */
	__u64 reserved[4];		/* in: must be 0 */
};

/* DMABENCH_IOC_FREE: releases any object: allocation, sg table or mapping */
struct dmabench_handle {
	__u32 handle;			/* in */
	__u32 reserved0;		/* in: must be 0 */
	__u64 reserved[2];		/* in: must be 0 */
};

/* One scatterlist segment as reported to userspace */
struct dmabench_seg {
	__u64 dma_addr;			/* mapped tables: sg_dma_address(); sg tables: 0 */
	__u32 length;			/* mapped tables: sg_dma_len(); sg tables: sg->length */
	__u32 offset;			/* sg->offset */
};

/* DMABENCH_IOC_GET_SGTABLE: dma_get_sgtable_attrs() of an allocation (its device being removed: -ENODEV) */
struct dmabench_sgtable {
	__u32 alloc;			/* in: allocation handle */
	__u32 handle;			/* out: sg table handle */
	__u64 segs;			/* in: user pointer to struct dmabench_seg[segs_max], or 0 */
	__u32 segs_max;			/* in: capacity of segs (0 .. 65536) */
	__u32 nents;			/* out: orig_nents of the table */
	__u64 total_len;		/* out: sum of segment lengths (size, or PAGE_ALIGN(size) where
					 * the kernel rounds the last entry up, e.g. dma-direct) */
	__u64 reserved[4];		/* in: must be 0 */
};

/* DMABENCH_IOC_MAP_SG: dma_map_sgtable() of a table on any device; one mapping per table (-EBUSY) */
struct dmabench_map_sg {
	__u32 sgt;			/* in: sg table handle */
	__u32 dev;			/* in: device to map on */
	__u32 dir;			/* in: enum dmabench_dir */
	__u32 handle;			/* out: mapping handle */
	__u64 attrs;			/* in: within DMABENCH_MAP_ATTRS_MASK */
	__u64 segs;			/* in: user pointer to struct dmabench_seg[segs_max], or 0 */
	__u32 segs_max;			/* in: 0 .. 65536 */
	__u32 nents_mapped;		/* out: DMA segments after mapping */
	__u32 nents_in;			/* out: CPU segments of the table */
	__u32 reserved0;		/* in: must be 0 */
	__u64 dma_len;			/* out: sum of sg_dma_len() */
	__u64 reserved[4];		/* in: must be 0 */
};

/* DMABENCH_IOC_MAP_SINGLE: the module allocates a page-backed buffer and dma_map_single()s it */
struct dmabench_map_single {
	__u32 dev;			/* in */
	__u32 dir;			/* in: enum dmabench_dir */
	__u64 size;			/* in: 1 .. DMABENCH_MAX_ALLOC_SIZE */
	__u64 attrs;			/* in: within DMABENCH_MAP_ATTRS_MASK */
	__u32 handle;			/* out */
	__u32 reserved0;		/* in: must be 0 */
	__u64 dma_addr;			/* out */
	__u64 reserved[4];		/* in: must be 0 */
};

/* DMABENCH_IOC_SYNC: mapping (sg or single) or streaming allocation (pages, noncontig) */
struct dmabench_sync {
	__u32 handle;			/* in */
	__u32 sync;			/* in: enum dmabench_sync_dir */
	__u32 dir;			/* in: enum dmabench_dir: must match the mapping's */
	__u32 reserved0;		/* in: must be 0 */
	__u64 reserved[2];		/* in: must be 0 */
};

/* DMABENCH_IOC_STATS: module-wide live object counters (leak oracle) */
struct dmabench_stats {
	__u64 live_allocs;		/* out */
	__u64 live_sgtables;		/* out */
	__u64 live_mappings;		/* out: map_sg + map_single */
	__u64 live_mmaps;		/* out: VMAs over allocations */
	__u64 alloc_bytes;		/* out: bytes held by live allocations */
	__u64 kva_bytes;		/* out: vmalloc bytes held by live allocations */
	__u64 open_files;		/* out */
	__u64 total_objects;		/* out: objects ever created (monotonic) */
	__u64 reserved[4];		/* in: must be 0 */
};

/* Latency histogram: log-linear, 1 ns buckets below 1024 ns, then 512 per octave (<0.2% width) */
#define DMABENCH_HIST_LINEAR		1024U
#define DMABENCH_HIST_SUB		512U
#define DMABENCH_HIST_OCTAVES		22U	/* 2^10 .. 2^32 ns */
#define DMABENCH_HIST_BUCKETS		(DMABENCH_HIST_LINEAR + DMABENCH_HIST_OCTAVES * DMABENCH_HIST_SUB)

static inline __u32 dmabench_hist_bucket(__u64 ns)
{
	unsigned int msb;

	if (ns < DMABENCH_HIST_LINEAR)
		return (__u32)ns;
	if (ns >= (1ULL << 32))
		return DMABENCH_HIST_BUCKETS - 1;
	msb = 63 - (unsigned int)__builtin_clzll(ns);	/* 10 .. 31 */
	return DMABENCH_HIST_LINEAR + (msb - 10) * DMABENCH_HIST_SUB +
	       (__u32)((ns >> (msb - 9)) & (DMABENCH_HIST_SUB - 1));
}

/* Lowest value (ns) that falls into bucket b */
static inline __u64 dmabench_hist_lower(__u32 b)
{
	__u32 o, s;

	if (b < DMABENCH_HIST_LINEAR)
		return b;
	o = (b - DMABENCH_HIST_LINEAR) / DMABENCH_HIST_SUB;
	s = (b - DMABENCH_HIST_LINEAR) % DMABENCH_HIST_SUB;
	return ((__u64)(DMABENCH_HIST_SUB + s)) << (o + 1);
}

struct dmabench_lat_summary {
	__u64 min_ns;			/* out */
	__u64 max_ns;			/* out */
	__u64 sum_ns;			/* out */
	__u64 sumsq_ns2;		/* out: sum of squares (saturates at 2^64-1) */
};

/*
 * DMABENCH_IOC_LAT: in-kernel loop; every iteration times op a, then op b.
 * api/attrs/dir are validated as for ALLOC where the op allocates; MAP_SG
 * and SYNC_SG need dir (used for the alloc and the map, map attrs 0);
 * MAP_SINGLE ignores api, needs dir and takes attrs as map attrs (within
 * DMABENCH_MAP_ATTRS_MASK). dev2 is only looked at by MAP_SG and SYNC_SG.
 * Setup failures return -errno; a failing op during the loop ends it with
 * the ioctl returning 0, n iterations done and error set.
 *
 * threads > 1 (or LAT_KTHREAD): that many kernel threads, thread t bound to
 * the t-th online CPU (more threads than online CPUs: -E2BIG), each with its
 * own buffers set up before any starts, released together; each runs the
 * loop. Samples are thread-major (thread t's iteration i at t * iters + i),
 * the histograms and summaries cover every thread, n is the fewest
 * iterations any thread did, wall_ns runs from the release to the last
 * thread's end: throughput = threads * n / wall_ns.
 *
 * LAT_CALIB: every iteration also times a fixed piece of CPU work that does
 * no DMA (DMABENCH_LAT_CALIB_ROUNDS rounds of a multiply-xorshift chain in
 * registers), right after op b: the host's speed at that moment, to divide
 * DMA costs by (under TCG a busier host slows every guest instruction).
 */
#define DMABENCH_MAX_LAT_THREADS	64
#define DMABENCH_LAT_CALIB		(1U << 0)	/* time the calibration work in every iteration */
#define DMABENCH_LAT_KTHREAD		(1U << 1)	/* run even one thread in a bound kernel thread */
#define DMABENCH_LAT_FLAGS_MASK		(DMABENCH_LAT_CALIB | DMABENCH_LAT_KTHREAD)
#define DMABENCH_LAT_CALIB_ROUNDS	256

struct dmabench_lat {
	__u32 op;			/* in: enum dmabench_lat_op */
	__u32 dev;			/* in: device that allocates / maps single */
	__u32 dev2;			/* in: LAT_MAP_SG, LAT_SYNC_SG: device that maps the table */
	__u32 api;			/* in: enum dmabench_api for ops that allocate (SGTABLE: ATTRS only) */
	__u64 size;			/* in: 1 .. DMABENCH_MAX_ALLOC_SIZE */
	__u64 attrs;			/* in: alloc attrs */
	__u32 dir;			/* in: enum dmabench_dir (streaming ops) or 0 */
	__u32 iters;			/* in: 1 .. DMABENCH_MAX_LAT_ITERS */
	__u64 budget_ns;		/* in: stop early once the loop ran this long (0 = no limit) */
	__u64 samples_a;		/* in: user pointer to __u32[threads x iters] raw ns of op a, or 0 */
	__u64 samples_b;		/* in: same for op b, or 0 */
	__u64 hist_a;			/* in: user pointer to __u32[DMABENCH_HIST_BUCKETS], or 0 */
	__u64 hist_b;			/* in: same for op b, or 0 */
	__u32 n;			/* out: iterations done (all samples valid up to n) */
	__s32 error;			/* out: 0, or -errno of the op that stopped the loop early */
	__u64 timer_min_ns;		/* out: min of 256 back-to-back ktime_get_ns() pairs */
	__u64 timer_mean_ps;		/* out: their mean, in picoseconds */
	struct dmabench_lat_summary a;	/* out */
	struct dmabench_lat_summary b;	/* out */
	__u32 threads;			/* in: 0 or 1: the calling thread; 2 .. DMABENCH_MAX_LAT_THREADS */
	__u32 flags;			/* in: DMABENCH_LAT_* */
	__u64 samples_c;		/* in: user pointer to __u32[threads x iters] ns of the calibration work, or 0 */
	__u64 wall_ns;			/* out: release of the threads to the last one's end */
	__u64 reserved[1];		/* in: must be 0 */
};


/*
 * ---- sharing: device DMA verify (edu engine), dma-buf export / attach ----
 *
 * Pattern: the bytes a verify expects at buffer offset off are
 * dmabench_pattern(seed, off). The CPU writes them first, either from
 * userspace through the mmap of the allocation (dma_mmap_attrs(): the
 * only way to reach a NO_KERNEL_MAPPING buffer) or, with
 * DMABENCH_VERIFY_FILL, the module through the kernel VA (never through a
 * cookie: no kernel VA -EOPNOTSUPP).
 */
static inline __u8 dmabench_pattern(__u64 seed, __u64 off)
{
	__u64 x = (seed ^ 0x9e3779b97f4a7c15ULL) + off * 0xbf58476d1ce4e5b9ULL;

	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 29;
	return (__u8)x;
}

#define DMABENCH_VERIFY_MAX_PAGES	64	/* sampled pages per verify (-E2BIG above) */
#define DMABENCH_VERIFY_MAX_LEN		4095	/* bytes per page: edu's buffer is 4 KiB and QEMU 7.2
						 * aborts the VM on a 4096-byte transfer (-E2BIG above) */
#define DMABENCH_VERIFY_TIMEOUT_MS	5000	/* one edu transfer (~100 ms virtual time; module param
						 * edu_timeout_ms); a timeout -ETIMEDOUT marks the engine
						 * dead: -EIO until it reports idle again */
#define DMABENCH_VERIFY_FILL		(1U << 0)	/* module writes the pattern through the kernel VA first */
#define DMABENCH_VERIFY_STALE		(1U << 1)	/* test only, see below */
#define DMABENCH_VERIFY_FLAGS_MASK	0x3U

/*
 * DMABENCH_IOC_VERIFY: the edu DMA engine of the mapping's device reads
 * len bytes at each sampled page (page 0, the last page, then seeded random
 * distinct pages) through the mapping's DMA addresses into its internal
 * buffer, then writes them back into a check page the module mapped on the
 * same device; the module syncs the mapping for the device first and
 * compares the check page with dmabench_pattern(seed, offset). Samples are
 * packed into edu's buffer (one read per page, one write-back per 4095
 * bytes): a verify of n pages costs about (n + ceil(n*len/4095)) * 100 ms.
 * Errors: reserved, unknown flag, pages or len 0, STALE misuse -EINVAL;
 * pages or len above the limits -E2BIG; handle not a mapping (MAP_SG,
 * MAP_SINGLE, DMABUF_ATTACH) -EBADF; STALE device id -ENODEV; device
 * without an engine (platform, bound) or FILL without a kernel VA
 * -EOPNOTSUPP; a mapping made DMABENCH_DIR_FROM_DEVICE (MAP_SG, MAP_SINGLE
 * or DMABUF_ATTACH dir: the device may only write into it, and VERIFY makes
 * it read; an IOMMU would fault the read) -EACCES, nothing is transferred;
 * a mapping shorter than the buffer -EIO; engine held after a
 * timeout -EIO; on dma-direct, no page of the module's own (the check page
 * the engine writes back into) that the device can reach under its DMA
 * mask (SET_MASK), directly or through swiotlb, -EIO; transfer timeout
 * -ETIMEDOUT; killed while waiting for the engine -EINTR; -ENOMEM; -EFAULT.
 * A device read or write that faults in the IOMMU does not land: the bytes
 * mismatch (and the kernel log shows the fault, see lib/klog.c).
 *
 * STALE (test only; handle 0, dev = an edu device, pages 1, no FILL,
 * offsets, data): the module fills a page of its own with the pattern,
 * maps it on dev, unmaps it again and points the engine at that IOVA while
 * the page is still its own, so a read that gets through reads only that
 * page; the bytes come back into the check page. blocked = 1 when they are
 * not the pattern (the IOMMU stopped the read), dma_first = the IOVA.
 * Only on IOMMU DMA domains (strict or lazy), else -EOPNOTSUPP.
 */
struct dmabench_verify {
	__u32 handle;			/* in: mapping handle (STALE: must be 0) */
	__u32 flags;			/* in: DMABENCH_VERIFY_* */
	__u32 dev;			/* in: STALE: device id; else must be 0 */
	__u32 pages;			/* in: 1 .. DMABENCH_VERIFY_MAX_PAGES */
	__u32 len;			/* in: 1 .. DMABENCH_VERIFY_MAX_LEN, clamped to the bytes left at a page */
	__u32 reserved0;		/* in: must be 0 */
	__u64 seed;			/* in: pattern and sampling seed */
	__u64 offsets;			/* in: user pointer to __u64[pages] (out: sampled offsets), or 0 */
	__u64 data;			/* in: user pointer to pages*len bytes (out: what the device read,
					 * sample i at i*len), or 0 */
	__u32 checked;			/* out: pages checked (fewer than asked when the buffer is smaller) */
	__u32 mismatches;		/* out: bytes that differ from the pattern */
	__u64 first_mismatch;		/* out: buffer offset of the first differing byte, ~0 if none */
	__u64 bytes;			/* out: bytes compared */
	__u64 dma_first;		/* out: DMA address of the first sample */
	__u32 blocked;			/* out: samples whose write-back never landed (check page kept its
					 * poison); STALE: 1 when the stale read did not land */
	__u32 transfers;		/* out: edu transfers made */
	__u64 fill_ns;			/* out: FILL: pattern write through the kernel VA */
	__u64 sync_ns;			/* out: dma_sync_*_for_device of the mapping */
	__u64 dma_ns;			/* out: all device transfers (polling included) */
	__u64 compare_ns;		/* out: CPU compare of the check page */
	__u64 reserved[4];		/* in: must be 0 */
};

/*
 * DMABENCH_IOC_DMABUF_EXPORT: export an allocation as a dma-buf (size =
 * the allocation's size). The exporter's map_dma_buf is dma_get_sgtable
 * (or the allocation's own pages) + dma_map_sgtable() on the attaching
 * device; the dma-buf holds the allocation: FREE of it -EBUSY until the
 * dma-buf is released (last fd and attachment gone); closing the ctl file
 * first hands the allocation to the dma-buf. One export per allocation
 * (-EBUSY). The fd is O_CLOEXEC | O_RDWR. Errors: reserved -EINVAL; not
 * an allocation handle -EBADF; no free fd -EMFILE; -ENOMEM; -EFAULT.
 */
struct dmabench_dmabuf_export {
	__u32 alloc;			/* in: allocation handle */
	__s32 fd;			/* out: dma-buf file descriptor */
	__u64 size;			/* out: dma-buf size */
	__u64 reserved[4];		/* in: must be 0 */
};

/*
 * DMABENCH_IOC_DMABUF_ATTACH: dma_buf_get(fd) + dma_buf_attach(device) +
 * dma_buf_map_attachment(dir) of any dma-buf (not a dma-buf fd -EINVAL,
 * bad fd -EBADF). The mapping handle works with VERIFY, SYNC and FREE and
 * is released with the file like every object. Errors: reserved, bad dir
 * -EINVAL; segs_max above 65536 -E2BIG; device -ENODEV; our exporter's
 * map on that device as MAP_SG (-E2BIG above dma_max_mapping_size(),
 * -EIO unreachable on dma-direct); -ENOMEM; -EFAULT.
 */
struct dmabench_dmabuf_attach {
	__s32 fd;			/* in: dma-buf fd */
	__u32 dev;			/* in: importing device */
	__u32 dir;			/* in: enum dmabench_dir */
	__u32 handle;			/* out: mapping handle */
	__u64 segs;			/* in: user pointer to struct dmabench_seg[segs_max], or 0 */
	__u32 segs_max;			/* in: 0 .. 65536 */
	__u32 nents_mapped;		/* out: DMA segments */
	__u64 dma_len;			/* out: sum of sg_dma_len() */
	__u64 size;			/* out: dma-buf size */
	__u64 reserved[4];		/* in: must be 0 */
};

/*
 * ---- ioctl commands: all of them, numbers 1 .. 14 ----
 * A number is never reused or changed; a new command takes the next one.
 */
#define DMABENCH_IOC_MAGIC		0xDB
#define DMABENCH_IOC_INFO		_IOWR(DMABENCH_IOC_MAGIC, 1, struct dmabench_info)
#define DMABENCH_IOC_DEV_INFO		_IOWR(DMABENCH_IOC_MAGIC, 2, struct dmabench_dev_info)
#define DMABENCH_IOC_SET_MASK		_IOW(DMABENCH_IOC_MAGIC, 3, struct dmabench_set_mask)
#define DMABENCH_IOC_ALLOC		_IOWR(DMABENCH_IOC_MAGIC, 4, struct dmabench_alloc)
#define DMABENCH_IOC_FREE		_IOW(DMABENCH_IOC_MAGIC, 5, struct dmabench_handle)
#define DMABENCH_IOC_GET_SGTABLE	_IOWR(DMABENCH_IOC_MAGIC, 6, struct dmabench_sgtable)
#define DMABENCH_IOC_MAP_SG		_IOWR(DMABENCH_IOC_MAGIC, 7, struct dmabench_map_sg)
#define DMABENCH_IOC_MAP_SINGLE		_IOWR(DMABENCH_IOC_MAGIC, 8, struct dmabench_map_single)
#define DMABENCH_IOC_SYNC		_IOW(DMABENCH_IOC_MAGIC, 9, struct dmabench_sync)
#define DMABENCH_IOC_STATS		_IOWR(DMABENCH_IOC_MAGIC, 10, struct dmabench_stats)
#define DMABENCH_IOC_LAT		_IOWR(DMABENCH_IOC_MAGIC, 11, struct dmabench_lat)
#define DMABENCH_IOC_VERIFY		_IOWR(DMABENCH_IOC_MAGIC, 12, struct dmabench_verify)
#define DMABENCH_IOC_DMABUF_EXPORT	_IOWR(DMABENCH_IOC_MAGIC, 13, struct dmabench_dmabuf_export)
#define DMABENCH_IOC_DMABUF_ATTACH	_IOWR(DMABENCH_IOC_MAGIC, 14, struct dmabench_dmabuf_attach)

/* Sizes are part of the ABI: identical on 32- and 64-bit */
#define DMABENCH_ASSERT_SIZE(t, n) _Static_assert(sizeof(struct t) == (n), #t " size is ABI")
DMABENCH_ASSERT_SIZE(dmabench_info, 64);
DMABENCH_ASSERT_SIZE(dmabench_dev_info, 128);
DMABENCH_ASSERT_SIZE(dmabench_set_mask, 24);
DMABENCH_ASSERT_SIZE(dmabench_alloc, 88);
DMABENCH_ASSERT_SIZE(dmabench_handle, 24);
DMABENCH_ASSERT_SIZE(dmabench_seg, 16);
DMABENCH_ASSERT_SIZE(dmabench_sgtable, 64);
DMABENCH_ASSERT_SIZE(dmabench_map_sg, 88);
DMABENCH_ASSERT_SIZE(dmabench_map_single, 72);
DMABENCH_ASSERT_SIZE(dmabench_sync, 32);
DMABENCH_ASSERT_SIZE(dmabench_stats, 96);
DMABENCH_ASSERT_SIZE(dmabench_lat, 200);
DMABENCH_ASSERT_SIZE(dmabench_verify, 152);
DMABENCH_ASSERT_SIZE(dmabench_dmabuf_export, 48);
DMABENCH_ASSERT_SIZE(dmabench_dmabuf_attach, 80);

/*
 * io_uring: the ctl file also takes IORING_OP_URING_CMD (additive; same
 * objects, same open-file ownership and limits as the ioctls).
 *   sqe->opcode = IORING_OP_URING_CMD, sqe->fd = the ctl file,
 *   sqe->cmd_op = enum dmabench_uring_op,
 *   sqe->cmd    = struct dmabench_uring_cmd (16 bytes: fits a normal SQE).
 * Only where INFO features has DMABENCH_FEAT_URING_CMD (5.19 on): older
 * kernels complete the request with -EINVAL in io_uring itself.
 * With IORING_SETUP_SQE128 the 64 bytes after it are a reserved tail that
 * must be zero (-EINVAL). Every command posts exactly one CQE, however
 * io_uring issues it: inline, from an io-wq worker (IOSQE_ASYNC), or
 * re-issued from one because another thread was inside an ioctl or command
 * on the same file. cqe->res is the new object handle (MAP_SINGLE, ALLOC:
 * >= 1), 0 (FREE) or -errno; a handle or 0 is a success for IOSQE_IO_LINK
 * (the linked SQE runs), -errno cancels the link (-ECANCELED). Errors:
 * unknown cmd_op -ENOTTY; nonzero reserved fields, bad dir/attrs/size 0
 * -EINVAL; size above DMABENCH_MAX_ALLOC_SIZE -E2BIG; unknown handle -EBADF;
 * device index out of range -ENODEV; a handle above INT32_MAX (cannot be a
 * cqe->res) -EOVERFLOW, nothing is created; killed while waiting for the
 * file -EINTR; the errors of the matching ioctl (-ENOSPC, -ENOMEM, -EIO,
 * -EBUSY).
 */
enum dmabench_uring_op {
	DMABENCH_URING_MAP_SINGLE = 1,	/* as DMABENCH_IOC_MAP_SINGLE: dev, dir, size; map attrs 0 */
	DMABENCH_URING_FREE = 2,	/* as DMABENCH_IOC_FREE: handle */
	DMABENCH_URING_ALLOC = 3,	/* as DMABENCH_IOC_ALLOC with API_ATTRS: dev, attrs (arg1), size */
};
#define DMABENCH_URING_OP_MAX		3

struct dmabench_uring_cmd {
	__u32 arg0;			/* in: MAP_SINGLE, ALLOC: device id; FREE: handle */
	__u32 arg1;			/* in: MAP_SINGLE: enum dmabench_dir; ALLOC: DMABENCH_ATTR_* within
					 * DMABENCH_ALLOC_ATTRS_MASK; FREE: must be 0 */
	__u64 size;			/* in: MAP_SINGLE, ALLOC: 1 .. DMABENCH_MAX_ALLOC_SIZE; FREE: must be 0 */
};
#define DMABENCH_URING_CMD_BYTES	16	/* inline in a normal 64-byte SQE */
#define DMABENCH_URING_SQE128_TAIL	64	/* reserved, zero, in a 128-byte SQE */
DMABENCH_ASSERT_SIZE(dmabench_uring_cmd, 16);

#endif /* DMABENCH_ABI_H */
