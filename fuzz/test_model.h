/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_model.h - a model of dmabench.ko behind struct fuzz_sys, so that the
 * host unit test (test_program.c) runs the executor and its oracles without
 * a kernel: objects per open file (allocations, sg tables, mappings),
 * dma-buf export / attach / close, mmap, SET_MASK, LAT, VERIFY, io_uring
 * commands, and the documented errnos. Copies to and from "user" memory go
 * through a pipe, so an unwritable or write-protected (userfaultfd) page
 * fails or stalls them as it would fail or stall the module's
 * copy_to_user().
 *
 * The model is correct by default; m_defects switches on one of the module
 * defects the fuzzer must find (the oracles must fire on them).
 */
#ifndef DMAB_TEST_MODEL_H
#define DMAB_TEST_MODEL_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/program.h"

enum {
	M_URING_ASYNC_LOST = 1 << 0,	/* a handle returned from an io-wq worker (IOSQE_ASYNC) posts no CQE */
	M_URING_LINK_CANCEL = 1 << 1,	/* a handle (> 0) counts as a failure: linked SQEs are cancelled */
	M_VERIFY_FROM_DEVICE = 1 << 2,	/* VERIFY reads through FROM_DEVICE mappings */
	M_EFAULT_VISIBLE = 1 << 3,	/* ALLOC publishes before its copy-out and cannot unwind a mmapped object */
	M_EFAULT_NO_UNWIND = 1 << 4,	/* ALLOC leaves its object when the copy-out fails */
	M_FREE_LEAKS = 1 << 5,		/* FREE of an allocation forgets to count it down */
	/* not a defect, kernel behaviour: the last reference to a closed file may go after close() returns (an
	 * io_uring request drops its file after posting the CQE: delayed fput); here 3 ioctls later */
	M_DELAYED_RELEASE = 1 << 6,
};

#define M_FILES		16
#define M_OBJS		320
#define M_BUFS		32
#define M_MAPS		64
#define M_DEVS		4		/* 0, 1 platform; 2, 3 edu */
#define M_CTL_FD0	1000
#define M_BUF_FD0	2000

enum { M_ALLOC = 1, M_SGT, M_MAP };

struct m_obj {
	int type;
	bool live;		/* published in its file */
	bool orphan;		/* its file closed while exported: the dma-buf holds it */
	uint32_t handle, dev, dir, api;
	uint64_t size;
	int parent;		/* index of the allocation / table it derives from, -1 */
	int children, mapcount, buf;	/* buf: the dma-buf it is exported as / attached to, -1 */
};

struct m_file {
	bool open;		/* not released yet */
	bool closed;		/* its fd is closed: released when the last ioctl on it returns */
	int refs;		/* ioctls running on it (they hold the file, as fdget() does) */
	int delay;		/* M_DELAYED_RELEASE: ioctls (on any file) until the closed file lets go */
	uint32_t next;
	struct m_obj o[M_OBJS];
};

static struct {
	pthread_mutex_t mu;
	unsigned int defects;
	struct m_file f[M_FILES];
	struct { bool open; int file, obj, refs; } buf[M_BUFS];
	struct { void *addr; size_t len; int file, obj; } map[M_MAPS];
	uint64_t mask[M_DEVS];
	uint64_t orphan_bytes;
	unsigned int ioctls, urings;
} M = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void m_reset(unsigned int defects)
{
	pthread_mutex_lock(&M.mu);
	memset(M.f, 0, sizeof(M.f));
	memset(M.buf, 0, sizeof(M.buf));
	memset(M.map, 0, sizeof(M.map));
	for (int d = 0; d < M_DEVS; d++)
		M.mask[d] = ~0ULL;
	M.defects = defects;
	M.ioctls = M.urings = 0;
	pthread_mutex_unlock(&M.mu);
}

/* user memory, as the kernel reads and writes it: through a pipe (-EFAULT, or a userfaultfd stall) */
static __thread int m_pipe[2] = { -1, -1 };

static void m_drain(void)
{
	char sink[512];

	while (read(m_pipe[0], sink, sizeof(sink)) > 0)
		;
}

static int m_copy(void *dst, const void *src, size_t n)
{
	if (m_pipe[0] < 0 && pipe2(m_pipe, O_NONBLOCK | O_CLOEXEC))
		return -ENOMEM;
	if (write(m_pipe[1], src, n) != (ssize_t)n || read(m_pipe[0], dst, n) != (ssize_t)n) {
		m_drain();
		return -EFAULT;
	}
	return 0;
}

static int m_file_of(int fd)
{
	int i = fd - M_CTL_FD0;

	return i >= 0 && i < M_FILES && M.f[i].open && !M.f[i].closed ? i : -1;
}

static void m_release(int file);

static int m_buf_of(int fd)
{
	int i = fd - M_BUF_FD0;

	return i >= 0 && i < M_BUFS && M.buf[i].open ? i : -1;
}

static struct m_obj *m_lookup(int file, uint32_t h, int *idx)
{
	for (int i = 0; i < M_OBJS; i++)
		if (M.f[file].o[i].live && M.f[file].o[i].handle == h) {
			if (idx)
				*idx = i;
			return &M.f[file].o[i];
		}
	return NULL;
}

static int m_new(int file, int type, uint32_t dev, uint64_t size)
{
	for (int i = 0; i < M_OBJS; i++) {
		struct m_obj *o = &M.f[file].o[i];

		if (!o->live && !o->orphan && !o->handle) {
			memset(o, 0, sizeof(*o));
			o->type = type;
			o->dev = dev;
			o->size = size;
			o->parent = o->buf = -1;
			o->handle = ++M.f[file].next;
			return i;
		}
	}
	return -ENOSPC;
}

static void m_destroy(int file, int i)
{
	struct m_obj *o = &M.f[file].o[i];

	if (o->parent >= 0)
		M.f[file].o[o->parent].children--;
	if (o->type == M_MAP && o->buf >= 0)
		M.buf[o->buf].refs--;
	o->live = o->orphan = false;
}

static bool m_dev_busy(uint32_t d)
{
	for (int f = 0; f < M_FILES; f++)
		for (int i = 0; i < M_OBJS; i++)
			if ((M.f[f].o[i].live || M.f[f].o[i].orphan) && M.f[f].o[i].dev == d)
				return true;
	return false;
}

/* dma-direct without an IOMMU: memory the device cannot address is -EIO */
static int m_reach(uint32_t dev, uint64_t size)
{
	return 0x100000ULL + size - 1 > M.mask[dev] ? -EIO : 0;
}

static int m_size_ok(uint64_t size)
{
	return !size ? -EINVAL : size > DMABENCH_MAX_ALLOC_SIZE ? -E2BIG : 0;
}

/* The io_uring commands and the ioctls share these (M.mu held). */
static int m_alloc_core(int file, uint32_t dev, uint32_t api, uint64_t attrs, uint32_t dir, uint64_t size, int *idx)
{
	int ret, i;

	if (api < 1 || api > DMABENCH_API_MAX || attrs & ~DMABENCH_ALLOC_ATTRS_MASK ||
	    (api == DMABENCH_API_ATTRS ? dir != 0 : (dir < 1 || dir > 3)))
		return -EINVAL;
	if ((ret = m_size_ok(size)))
		return ret;
	if (dev >= M_DEVS)
		return -ENODEV;
	if ((ret = m_reach(dev, size)))
		return ret;
	i = m_new(file, M_ALLOC, dev, size);
	if (i < 0)
		return i;
	M.f[file].o[i].api = api;
	M.f[file].o[i].dir = dir;
	*idx = i;
	return 0;
}

static int m_map_single_core(int file, uint32_t dev, uint32_t dir, uint64_t attrs, uint64_t size, int *idx)
{
	int ret, i;

	if (dir < 1 || dir > 3 || attrs & ~DMABENCH_MAP_ATTRS_MASK)
		return -EINVAL;
	if ((ret = m_size_ok(size)))
		return ret;
	if (dev >= M_DEVS)
		return -ENODEV;
	if ((ret = m_reach(dev, size)))
		return ret;
	i = m_new(file, M_MAP, dev, size);
	if (i < 0)
		return i;
	M.f[file].o[i].dir = dir;
	*idx = i;
	return 0;
}

static int m_free_core(int file, uint32_t h)
{
	int i;
	struct m_obj *o = m_lookup(file, h, &i);

	if (!o)
		return -EBADF;
	if (o->children || o->mapcount || (o->type == M_ALLOC && o->buf >= 0))
		return -EBUSY;
	if (o->type == M_ALLOC && (M.defects & M_FREE_LEAKS)) {
		o->live = false;
		o->orphan = true;	/* still counted: the leak */
		return 0;
	}
	m_destroy(file, i);
	return 0;
}

/* Publish the new object i after its result reached userspace; on -EFAULT take it back. */
static int m_publish(int file, int i, int copy_ret)
{
	struct m_obj *o = &M.f[file].o[i];

	if (!copy_ret) {
		o->live = true;
		return 0;
	}
	if ((M.defects & M_EFAULT_NO_UNWIND) || ((M.defects & M_EFAULT_VISIBLE) && o->mapcount))
		o->live = true;		/* the defect: -EFAULT, state left */
	else
		m_destroy(file, i);
	return copy_ret;
}

static int m_ioctl_file(int file, unsigned long cmd, void *uarg);

static int m_ioctl(int fd, unsigned long cmd, void *uarg)
{
	int file, ret;

	pthread_mutex_lock(&M.mu);
	M.ioctls++;
	for (int f = 0; f < M_FILES; f++)	/* delayed releases come due */
		if (M.f[f].open && M.f[f].closed && M.f[f].delay > 0 && !--M.f[f].delay && !M.f[f].refs)
			m_release(f);
	file = m_file_of(fd);
	if (file >= 0)
		M.f[file].refs++;	/* a close meanwhile releases the file after this call */
	pthread_mutex_unlock(&M.mu);
	if (file < 0)
		return m_buf_of(fd) >= 0 ? -ENOTTY : -EBADF;
	ret = m_ioctl_file(file, cmd, uarg);
	pthread_mutex_lock(&M.mu);
	if (!--M.f[file].refs && M.f[file].closed)
		m_release(file);
	pthread_mutex_unlock(&M.mu);
	return ret;
}

static int m_ioctl_file(int file, unsigned long cmd, void *uarg)
{
	union {
		uint8_t b[256];
		struct dmabench_info info;
		struct dmabench_dev_info di;
		struct dmabench_set_mask sm;
		struct dmabench_alloc a;
		struct dmabench_handle h;
		struct dmabench_sgtable st;
		struct dmabench_map_sg m;
		struct dmabench_map_single ms;
		struct dmabench_sync sy;
		struct dmabench_stats s;
		struct dmabench_lat l;
		struct dmabench_verify v;
		struct dmabench_dmabuf_export e;
		struct dmabench_dmabuf_attach at;
	} k;
	static const unsigned long cmds[] = {
		DMABENCH_IOC_INFO, DMABENCH_IOC_DEV_INFO, DMABENCH_IOC_SET_MASK, DMABENCH_IOC_ALLOC,
		DMABENCH_IOC_FREE, DMABENCH_IOC_GET_SGTABLE, DMABENCH_IOC_MAP_SG, DMABENCH_IOC_MAP_SINGLE,
		DMABENCH_IOC_SYNC, DMABENCH_IOC_STATS, DMABENCH_IOC_LAT, DMABENCH_IOC_VERIFY,
		DMABENCH_IOC_DMABUF_EXPORT, DMABENCH_IOC_DMABUF_ATTACH,
	};
	size_t size = _IOC_SIZE(cmd);
	int ret = 0, i = -1;
	bool known = false;

	for (unsigned int c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++)
		known |= cmds[c] == cmd;
	if (!known)
		return -ENOTTY;
	if (m_copy(&k, uarg, size))
		return -EFAULT;
	pthread_mutex_lock(&M.mu);
	switch (cmd) {
	case DMABENCH_IOC_INFO:
		k.info.ndevs = M_DEVS;
		k.info.abi_version = DMABENCH_ABI_VERSION;
		k.info.features = (1ULL << DMABENCH_FEAT_COUNT) - 1;	/* the model is a kernel with everything */
		break;
	case DMABENCH_IOC_DEV_INFO:
		if (k.di.dev >= M_DEVS) {
			ret = -ENODEV;
			break;
		}
		k.di.kind = k.di.dev < 2 ? DMABENCH_DEV_PLATFORM : DMABENCH_DEV_EDU;
		k.di.dma_mask = k.di.coherent_dma_mask = M.mask[k.di.dev];
		break;
	case DMABENCH_IOC_SET_MASK:
		if (k.sm.bits < 12 || k.sm.bits > 64 || k.sm.reserved[0] || k.sm.reserved[1])
			ret = -EINVAL;
		else if (k.sm.dev >= M_DEVS)
			ret = -ENODEV;
		else if (m_dev_busy(k.sm.dev))
			ret = -EBUSY;
		else if (k.sm.bits < 24)
			ret = -EIO;
		else
			M.mask[k.sm.dev] = k.sm.bits >= 64 ? ~0ULL : (1ULL << k.sm.bits) - 1;
		break;
	case DMABENCH_IOC_ALLOC:
		if (k.a.reserved[0] || k.a.reserved[1] || k.a.reserved[2] || k.a.reserved[3]) {
			ret = -EINVAL;
			break;
		}
		ret = m_alloc_core(file, k.a.dev, k.a.api, k.a.attrs, k.a.dir, k.a.size, &i);
		if (!ret) {
			k.a.handle = M.f[file].o[i].handle;
			k.a.dma_addr = 0x100000;
			k.a.nents = 1;
			k.a.kva_kind = DMABENCH_KVA_LINEAR;
			if (M.defects & M_EFAULT_VISIBLE)
				M.f[file].o[i].live = true;	/* visible to mmap before the copy-out */
		}
		break;
	case DMABENCH_IOC_FREE:
		ret = k.h.reserved0 || k.h.reserved[0] || k.h.reserved[1] ? -EINVAL : m_free_core(file, k.h.handle);
		break;
	case DMABENCH_IOC_GET_SGTABLE: {
		struct m_obj *a = m_lookup(file, k.st.alloc, &i);
		struct dmabench_seg seg = { 0, 0, 0 };
		int n;

		if (k.st.segs_max > 65536) {
			ret = -E2BIG;
			break;
		}
		if (!a || a->type != M_ALLOC) {
			ret = -EBADF;
			break;
		}
		n = m_new(file, M_SGT, a->dev, a->size);
		if (n < 0) {
			ret = n;
			break;
		}
		seg.length = (uint32_t)a->size;
		pthread_mutex_unlock(&M.mu);
		ret = k.st.segs && k.st.segs_max ? m_copy((void *)(uintptr_t)k.st.segs, &seg, sizeof(seg)) : 0;
		pthread_mutex_lock(&M.mu);
		if (ret) {
			m_destroy(file, n);
			break;
		}
		M.f[file].o[n].parent = i;
		a->children++;
		k.st.handle = M.f[file].o[n].handle;
		k.st.nents = 1;
		k.st.total_len = a->size;
		i = n;
		break;
	}
	case DMABENCH_IOC_MAP_SG: {
		struct m_obj *t = m_lookup(file, k.m.sgt, &i);
		struct dmabench_seg seg = { 0x100000, 0, 0 };
		int n;

		if (k.m.dir < 1 || k.m.dir > 3 || k.m.attrs & ~DMABENCH_MAP_ATTRS_MASK || k.m.reserved0) {
			ret = -EINVAL;
			break;
		}
		if (k.m.segs_max > 65536) {
			ret = -E2BIG;
			break;
		}
		if (!t || t->type != M_SGT) {
			ret = -EBADF;
			break;
		}
		if (t->children) {
			ret = -EBUSY;
			break;
		}
		if (k.m.dev >= M_DEVS) {
			ret = -ENODEV;
			break;
		}
		if ((ret = m_reach(k.m.dev, t->size)))
			break;
		n = m_new(file, M_MAP, k.m.dev, t->size);
		if (n < 0) {
			ret = n;
			break;
		}
		seg.length = (uint32_t)t->size;
		pthread_mutex_unlock(&M.mu);
		ret = k.m.segs && k.m.segs_max ? m_copy((void *)(uintptr_t)k.m.segs, &seg, sizeof(seg)) : 0;
		pthread_mutex_lock(&M.mu);
		if (ret) {
			m_destroy(file, n);
			break;
		}
		M.f[file].o[n].parent = i;
		M.f[file].o[n].dir = k.m.dir;
		t->children++;
		k.m.handle = M.f[file].o[n].handle;
		k.m.nents_in = k.m.nents_mapped = 1;
		k.m.dma_len = t->size;
		i = n;
		break;
	}
	case DMABENCH_IOC_MAP_SINGLE:
		ret = m_map_single_core(file, k.ms.dev, k.ms.dir, k.ms.attrs, k.ms.size, &i);
		if (!ret) {
			k.ms.handle = M.f[file].o[i].handle;
			k.ms.dma_addr = 0x100000;
		}
		break;
	case DMABENCH_IOC_SYNC: {
		struct m_obj *o = m_lookup(file, k.sy.handle, NULL);

		if (k.sy.sync < 1 || k.sy.sync > 2 || k.sy.reserved0)
			ret = -EINVAL;
		else if (!o || o->type == M_SGT || (o->type == M_ALLOC && o->api == DMABENCH_API_ATTRS))
			ret = -EBADF;
		else if (k.sy.dir != o->dir)
			ret = -EINVAL;
		break;
	}
	case DMABENCH_IOC_STATS:
		memset(&k.s, 0, sizeof(k.s));
		for (int f = 0; f < M_FILES; f++) {
			k.s.open_files += M.f[f].open;
			for (int j = 0; j < M_OBJS; j++) {
				struct m_obj *o = &M.f[f].o[j];

				if (!o->live && !o->orphan)
					continue;
				k.s.live_allocs += o->type == M_ALLOC;
				k.s.live_sgtables += o->type == M_SGT;
				k.s.live_mappings += o->type == M_MAP;
				k.s.live_mmaps += (uint64_t)o->mapcount;
				if (o->type == M_ALLOC)
					k.s.alloc_bytes += o->size;
			}
		}
		break;
	case DMABENCH_IOC_LAT: {
		uint32_t smp[16];

		if (k.l.op < 1 || k.l.op > DMABENCH_LAT_OP_MAX || !k.l.iters || k.l.reserved0 ||
		    (k.l.flags & ~DMABENCH_LAT_FLAGS_MASK) || (k.l.samples_c && !(k.l.flags & DMABENCH_LAT_CALIB))) {
			ret = -EINVAL;
			break;
		}
		/* the model's machine has 2 CPUs, as a fuzz VM */
		if (k.l.iters > DMABENCH_MAX_LAT_ITERS || k.l.threads > 2 ||
		    (uint64_t)(k.l.threads > 1 ? k.l.threads : 1) * k.l.iters > DMABENCH_MAX_LAT_ITERS) {
			ret = -E2BIG;
			break;
		}
		if ((ret = m_size_ok(k.l.size)))
			break;
		if (k.l.dev >= M_DEVS || k.l.dev2 >= M_DEVS) {
			ret = -ENODEV;
			break;
		}
		k.l.n = k.l.iters < 16 ? k.l.iters : 16;
		k.l.a.min_ns = k.l.b.min_ns = 100;
		k.l.a.max_ns = k.l.b.max_ns = 200;
		k.l.wall_ns = 300ull * k.l.n;
		for (int j = 0; j < 16; j++)
			smp[j] = 150;
		pthread_mutex_unlock(&M.mu);
		if (k.l.samples_a && m_copy((void *)(uintptr_t)k.l.samples_a, smp, k.l.n * 4))
			ret = -EFAULT;
		pthread_mutex_lock(&M.mu);
		break;
	}
	case DMABENCH_IOC_VERIFY: {
		struct m_obj *o = m_lookup(file, k.v.handle, NULL);

		if (k.v.flags & ~DMABENCH_VERIFY_FLAGS_MASK || !k.v.pages || !k.v.len || k.v.reserved0)
			ret = -EINVAL;
		else if (k.v.pages > DMABENCH_VERIFY_MAX_PAGES || k.v.len > DMABENCH_VERIFY_MAX_LEN)
			ret = -E2BIG;
		else if (!o || o->type != M_MAP)
			ret = -EBADF;
		else if (o->dev < 2)
			ret = -EOPNOTSUPP;
		else if (o->dir == DMABENCH_DIR_FROM_DEVICE && !(M.defects & M_VERIFY_FROM_DEVICE))
			ret = -EACCES;
		else
			k.v.checked = 1;
		break;
	}
	case DMABENCH_IOC_DMABUF_EXPORT: {
		struct m_obj *a = m_lookup(file, k.e.alloc, &i);
		int b;

		if (k.e.reserved[0] || k.e.reserved[1] || k.e.reserved[2] || k.e.reserved[3]) {
			ret = -EINVAL;
			break;
		}
		if (!a || a->type != M_ALLOC) {
			ret = -EBADF;
			break;
		}
		if (a->buf >= 0) {
			ret = -EBUSY;
			break;
		}
		for (b = 0; b < M_BUFS && M.buf[b].open; b++)
			;
		if (b == M_BUFS) {
			ret = -EMFILE;
			break;
		}
		k.e.fd = M_BUF_FD0 + b;
		k.e.size = (a->size + 4095) & ~4095ULL;
		pthread_mutex_unlock(&M.mu);
		ret = m_copy(uarg, &k, size);
		pthread_mutex_lock(&M.mu);
		if (!ret) {	/* the fd exists only after the copy-out worked */
			M.buf[b].open = true;
			M.buf[b].file = file;
			M.buf[b].obj = i;
			M.buf[b].refs = 1;
			a->buf = b;
		}
		pthread_mutex_unlock(&M.mu);
		return ret;
	}
	case DMABENCH_IOC_DMABUF_ATTACH: {
		int b = m_buf_of(k.at.fd), n;

		if (k.at.dir < 1 || k.at.dir > 3 || k.at.reserved[0]) {
			ret = -EINVAL;
			break;
		}
		if (k.at.segs_max > 65536) {
			ret = -E2BIG;
			break;
		}
		if (b < 0) {	/* dma_buf_get(): not an open fd -EBADF, not a dma-buf -EINVAL */
			ret = m_file_of(k.at.fd) >= 0 ? -EINVAL : -EBADF;
			break;
		}
		if (k.at.dev >= M_DEVS) {
			ret = -ENODEV;
			break;
		}
		n = m_new(file, M_MAP, k.at.dev, M.f[M.buf[b].file].o[M.buf[b].obj].size);
		if (n < 0) {
			ret = n;
			break;
		}
		M.f[file].o[n].dir = k.at.dir;
		M.f[file].o[n].buf = b;
		M.buf[b].refs++;
		k.at.handle = M.f[file].o[n].handle;
		k.at.nents_mapped = 1;
		k.at.dma_len = M.f[file].o[n].size;
		k.at.size = k.at.dma_len;
		k.at.segs = 0;	/* no segments reported by the model */
		i = n;
		break;
	}
	}
	pthread_mutex_unlock(&M.mu);
	if (ret)
		return ret;
	ret = m_copy(uarg, &k, size);
	if (i >= 0 && (cmd == DMABENCH_IOC_ALLOC || cmd == DMABENCH_IOC_GET_SGTABLE || cmd == DMABENCH_IOC_MAP_SG ||
		       cmd == DMABENCH_IOC_MAP_SINGLE || cmd == DMABENCH_IOC_DMABUF_ATTACH)) {
		pthread_mutex_lock(&M.mu);
		ret = m_publish(file, i, ret);
		pthread_mutex_unlock(&M.mu);
	}
	return ret;
}

static int m_open(const char *path, int flags)
{
	(void)path;
	(void)flags;
	usleep(20);
	pthread_mutex_lock(&M.mu);
	for (int i = 0; i < M_FILES; i++)
		if (!M.f[i].open && !M.f[i].refs) {
			memset(&M.f[i], 0, sizeof(M.f[i]));
			M.f[i].open = true;
			pthread_mutex_unlock(&M.mu);
			return M_CTL_FD0 + i;
		}
	pthread_mutex_unlock(&M.mu);
	return -EMFILE;
}

static void m_buf_put(int b)
{
	if (--M.buf[b].refs > 0)
		return;
	struct m_obj *a = &M.f[M.buf[b].file].o[M.buf[b].obj];

	M.buf[b].open = false;
	a->buf = -1;
	if (a->orphan)
		a->orphan = false;	/* the dma-buf held the allocation: freed now */
}

/* The last reference to a ctl file went: its objects, newest first (exported ones pass to their dma-bufs). */
static void m_release(int file)
{
	for (int i = M_OBJS - 1; i >= 0; i--) {	/* handles grow with the index here */
		struct m_obj *o = &M.f[file].o[i];

		if (!o->live)
			continue;
		if (o->type == M_MAP && o->buf >= 0) {
			o->live = false;
			m_buf_put(o->buf);
			continue;
		}
		if (o->type == M_ALLOC && o->buf >= 0) {
			o->live = false;
			o->orphan = true;
			continue;
		}
		m_destroy(file, i);
	}
	M.f[file].open = false;
}

static int m_close(int fd)
{
	int file, b;

	usleep(20);	/* a release takes a while: other threads run meanwhile, as they would */
	pthread_mutex_lock(&M.mu);
	file = m_file_of(fd);
	b = m_buf_of(fd);
	if (file >= 0) {
		M.f[file].closed = true;
		if (!M.f[file].refs && !(M.defects & M_DELAYED_RELEASE))
			m_release(file);
		else if (M.defects & M_DELAYED_RELEASE)
			M.f[file].delay = 3;
	} else if (b >= 0) {
		m_buf_put(b);
	}
	pthread_mutex_unlock(&M.mu);
	return file >= 0 || b >= 0 ? 0 : -EBADF;
}

static void *m_mmap(size_t len, int fd, uint64_t off, int *err)
{
	int file, i, k;
	struct m_obj *o;
	void *p;

	pthread_mutex_lock(&M.mu);
	file = m_file_of(fd);
	o = file >= 0 && off % 4096 == 0 ? m_lookup(file, (uint32_t)(off / 4096), &i) : NULL;
	if (file < 0 || !o || o->type != M_ALLOC) {
		pthread_mutex_unlock(&M.mu);
		*err = file < 0 && m_buf_of(fd) < 0 ? EBADF : file < 0 ? EINVAL : EBADF;
		return MAP_FAILED;
	}
	if (len != ((o->size + 4095) & ~4095ULL)) {
		pthread_mutex_unlock(&M.mu);
		*err = EINVAL;
		return MAP_FAILED;
	}
	for (k = 0; k < M_MAPS && M.map[k].addr; k++)
		;
	p = k < M_MAPS ? mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) : MAP_FAILED;
	if (p == MAP_FAILED) {
		pthread_mutex_unlock(&M.mu);
		*err = ENOMEM;
		return MAP_FAILED;
	}
	M.map[k].addr = p;
	M.map[k].len = len;
	M.map[k].file = file;
	M.map[k].obj = i;
	o->mapcount++;
	pthread_mutex_unlock(&M.mu);
	*err = 0;
	return p;
}

static int m_munmap(void *addr, size_t len)
{
	pthread_mutex_lock(&M.mu);
	for (int k = 0; k < M_MAPS; k++)
		if (M.map[k].addr == addr) {
			M.f[M.map[k].file].o[M.map[k].obj].mapcount--;
			M.map[k].addr = NULL;
		}
	pthread_mutex_unlock(&M.mu);
	return munmap(addr, len) ? -errno : 0;
}

/* io_uring: commands complete inline, in order; links and the two defects as the kernel would show them. */
static int m_uring(void **ring, bool sqe128, int fd, const struct fuzz_uring_sqe *q, unsigned int n, int *res,
		   bool *came, unsigned int *got, double timeout_s)
{
	bool chain_failed = false;	/* the SQE before was linked and it failed (or was cancelled) */
	int file;

	(void)ring;
	(void)timeout_s;
	*got = 0;
	pthread_mutex_lock(&M.mu);
	M.urings++;
	file = m_file_of(fd);
	for (unsigned int i = 0; i < n; i++) {
		int r = 0, idx;
		bool in_chain = i && (q[i - 1].flags & FUZZ_SQE_LINK);

		if (in_chain && chain_failed) {
			r = -ECANCELED;
		} else if (q[i].nop) {
			r = 0;
		} else if (file < 0) {
			r = -EBADF;
		} else if (sqe128 && q[i].tail_nonzero) {
			r = -EINVAL;
		} else if (q[i].op == DMABENCH_URING_ALLOC) {
			r = m_alloc_core(file, q[i].cmd.arg0, DMABENCH_API_ATTRS, q[i].cmd.arg1, 0, q[i].cmd.size, &idx);
			if (!r) {
				M.f[file].o[idx].live = true;
				r = (int)M.f[file].o[idx].handle;
			}
		} else if (q[i].op == DMABENCH_URING_MAP_SINGLE) {
			r = m_map_single_core(file, q[i].cmd.arg0, q[i].cmd.arg1, 0, q[i].cmd.size, &idx);
			if (!r) {
				M.f[file].o[idx].live = true;
				r = (int)M.f[file].o[idx].handle;
			}
		} else if (q[i].op == DMABENCH_URING_FREE) {
			r = q[i].cmd.arg1 || q[i].cmd.size ? -EINVAL : m_free_core(file, q[i].cmd.arg0);
		} else {
			r = -ENOTTY;
		}
		chain_failed = (q[i].flags & FUZZ_SQE_LINK) && (r < 0 || (r > 0 && (M.defects & M_URING_LINK_CANCEL)));
		if (r > 0 && (q[i].flags & FUZZ_SQE_ASYNC) && (M.defects & M_URING_ASYNC_LOST))
			continue;	/* the lost completion */
		res[i] = r;
		came[i] = true;
		(*got)++;
	}
	pthread_mutex_unlock(&M.mu);
	return 0;
}

static void m_uring_free(void *ring)
{
	(void)ring;
}

static const struct fuzz_sys m_sys = {
	.open = m_open, .close = m_close, .ioctl = m_ioctl, .mmap = m_mmap, .munmap = m_munmap,
	.uring = m_uring, .uring_free = m_uring_free,
};

#endif
