// SPDX-License-Identifier: GPL-2.0
/*
 * program.c - decoder (bytes -> program), encoder, and executor with
 * oracles. See program.h for the format and the oracles.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/program.h"
#include "lib/faultinj.h"
#include "lib/klog.h"
#include "lib/util.h"

/* ---------------------------------------------------------------- decoder */

static const uint8_t arg_bytes[FUZZ_OP_COUNT] = {
	[FUZZ_OP_ALLOC] = 9,
	[FUZZ_OP_FREE] = 2,
	[FUZZ_OP_SGTABLE] = 3,
	[FUZZ_OP_MAP_SG] = 6,
	[FUZZ_OP_SYNC] = 3,
	[FUZZ_OP_MMAP] = 4,
	[FUZZ_OP_MAP_SINGLE] = 7,
	[FUZZ_OP_REOPEN] = 0,
	[FUZZ_OP_RAW] = 1,	/* + FUZZ_RAW_BYTES */
	[FUZZ_OP_VERIFY] = 3,
	[FUZZ_OP_FAILNTH] = 1,
};

static const char *const op_names[FUZZ_OP_COUNT] = {
	[FUZZ_OP_ALLOC] = "alloc",
	[FUZZ_OP_FREE] = "free",
	[FUZZ_OP_SGTABLE] = "sgtable",
	[FUZZ_OP_MAP_SG] = "map_sg",
	[FUZZ_OP_SYNC] = "sync",
	[FUZZ_OP_MMAP] = "mmap",
	[FUZZ_OP_MAP_SINGLE] = "map_single",
	[FUZZ_OP_REOPEN] = "reopen",
	[FUZZ_OP_RAW] = "raw",
	[FUZZ_OP_VERIFY] = "verify",
	[FUZZ_OP_FAILNTH] = "failnth",
};

const char *fuzz_op_name(unsigned int code)
{
	return code < FUZZ_OP_COUNT ? op_names[code] : "?";
}

char *fuzz_format_op(const struct fuzz_op *op, char *buf, size_t cap)
{
	size_t i, n = op->code < FUZZ_OP_COUNT ? arg_bytes[op->code] : 0;
	int off = snprintf(buf, cap, "%s", fuzz_op_name(op->code));

	for (i = 0; i < n && off > 0 && (size_t)off < cap; i++)
		off += snprintf(buf + off, cap - (size_t)off, " %02x", op->a[i]);
	if (op->code == FUZZ_OP_RAW && off > 0 && (size_t)off < cap)
		snprintf(buf + off, cap - (size_t)off, " +%d raw bytes", FUZZ_RAW_BYTES);
	return buf;
}

int fuzz_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -errno;
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

unsigned int fuzz_opcode(uint8_t b)
{
	if (b == FUZZ_VERIFY_BYTE)
		return FUZZ_OP_VERIFY;
	return b == FUZZ_FAILNTH_BYTE ? FUZZ_OP_FAILNTH : b % FUZZ_OP_MOD;
}

size_t fuzz_op_arg_bytes(unsigned int code)
{
	if (code >= FUZZ_OP_COUNT)
		return 0;
	return arg_bytes[code] + (code == FUZZ_OP_RAW ? FUZZ_RAW_BYTES : 0);
}

size_t fuzz_decode(const uint8_t *data, size_t len, struct fuzz_program *p)
{
	size_t pos = 0;

	memset(p, 0, sizeof(*p));
	while (pos < len && p->nops < FUZZ_MAX_OPS) {
		struct fuzz_op *op = &p->ops[p->nops++];
		size_t i, n;

		op->code = fuzz_opcode(data[pos++]);
		n = arg_bytes[op->code];
		for (i = 0; i < n; i++)
			op->a[i] = pos < len ? data[pos++] : 0;
		if (op->code == FUZZ_OP_RAW)
			for (i = 0; i < FUZZ_RAW_BYTES; i++)
				op->raw[i] = pos < len ? data[pos++] : 0;
	}
	return pos;
}

long fuzz_encode(const struct fuzz_program *p, uint8_t *buf, size_t cap)
{
	size_t pos = 0;
	unsigned int k;

	for (k = 0; k < p->nops && k < FUZZ_MAX_OPS; k++) {
		const struct fuzz_op *op = &p->ops[k];
		size_t n;

		if (op->code >= FUZZ_OP_COUNT)
			return -EINVAL;
		n = arg_bytes[op->code];
		if (pos + 1 + fuzz_op_arg_bytes(op->code) > cap)
			return -ENOSPC;
		buf[pos++] = op->code == FUZZ_OP_VERIFY ? FUZZ_VERIFY_BYTE :
			     op->code == FUZZ_OP_FAILNTH ? FUZZ_FAILNTH_BYTE : op->code;
		memcpy(buf + pos, op->a, n);
		pos += n;
		if (op->code == FUZZ_OP_RAW) {
			memcpy(buf + pos, op->raw, FUZZ_RAW_BYTES);
			pos += FUZZ_RAW_BYTES;
		}
	}
	return (long)pos;
}

uint64_t fuzz_size(uint8_t cls, uint16_t param)
{
	switch (cls % FUZZ_SIZE_COUNT) {
	case FUZZ_SIZE_ZERO:
		return 0;
	case FUZZ_SIZE_SMALL:
		return 1 + param % 4096;
	case FUZZ_SIZE_PAGES:
		return 4096ULL * (1 + param % 64);
	case FUZZ_SIZE_UNALIGNED:
		return 4096ULL * (param >> 12 & 0xf) + 1 + param % 4095;
	case FUZZ_SIZE_MEDIUM:
		return 4096ULL * (1 + param % 1024);
	case FUZZ_SIZE_LARGE:
		return 16ULL << 20;
	case FUZZ_SIZE_AT_MAX:
		return DMABENCH_MAX_ALLOC_SIZE;
	case FUZZ_SIZE_ABOVE_MAX:
		return DMABENCH_MAX_ALLOC_SIZE + 1 + param;
	case FUZZ_SIZE_HUGE:
		return param == 0xffff ? ~0ULL : 1ULL << (32 + param % 32);
	default: /* FUZZ_SIZE_POW2 */
		return 1ULL << (param % 24);
	}
}

const char *fuzz_finding_name(enum fuzz_finding f)
{
	static const char *const names[] = {
		"clean", "bad-errno", "sg-invariant", "leak", "kernel-log", "exec-error", "dma-api",
	};

	return (unsigned int)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

int fuzz_errno_ok(int err)
{
	switch (err) {
	case ENOTTY: case EINVAL: case E2BIG: case EBADF: case ENODEV: case EBUSY:
	case ENOSPC: case ENOMEM: case EIO: case EFAULT: case EOVERFLOW:
		return 1;
	default:
		return 0;
	}
}

int fuzz_mmap_errno_ok(int err)
{
	return err == EBADF || err == EINVAL || err == ENXIO || err == ENOMEM || err == EAGAIN;
}

/* --------------------------------------------------------------- executor */

enum slot_kind { SLOT_EMPTY, SLOT_ALLOC, SLOT_SGT, SLOT_MAP, SLOT_STALE };

struct slot {
	enum slot_kind kind;
	uint32_t handle;
	uint32_t api, dir;
	uint64_t size;		/* alloc: bytes; sgt: total_len */
	uint64_t held;		/* memory it holds (alloc, map_single), for the budget */
};

struct run {
	struct fuzz_ctx *c;
	struct fuzz_result *res;
	int fd;
	struct slot slots[FUZZ_SLOTS];
	struct { void *addr; size_t len; } maps[FUZZ_MAX_MMAPS];
	unsigned int nmaps;
	unsigned int opi;
	unsigned int code, prev_code;	/* opcode of this and the previous operation */
	unsigned int verifies;	/* VERIFY ops run (at most one per program) */
	uint64_t live_bytes;	/* memory held by this program's allocations and single mappings */
};

static struct dmabench_seg segbuf[65536 + 1];
static size_t page_size = 4096;

__attribute__((format(printf, 3, 4)))
static void finding(struct run *r, enum fuzz_finding f, const char *fmt, ...)
{
	va_list ap;

	if (r->res->finding)
		return;		/* keep the first */
	r->res->finding = f;
	va_start(ap, fmt);
	vsnprintf(r->res->msg, sizeof(r->res->msg), fmt, ap);
	va_end(ap);
}

/* log2 bucket of v (0 for 0): dma addresses, sizes, counts */
static uint32_t lg(uint64_t v)
{
	return v ? 64u - (uint32_t)__builtin_clzll(v) : 0;
}

/* One kernel-state feature: bump its signature counter (saturating). */
static void sig(struct run *r, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	uint32_t h;

	if (!r->c->sig || !r->c->sig_len)
		return;
	h = (r->code * 0x9e3779b1u) ^ (a * 0x85ebca77u) ^ (b * 0xc2b2ae3du) ^ (c * 0x27d4eb2fu) ^
	    (d * 0x165667b1u);
	h ^= h >> 15;
	h %= r->c->sig_len;
	if (r->c->sig[h] < 255)
		r->c->sig[h]++;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/*
 * EOPNOTSUPP is documented where the kernel lacks a feature that an ioctl or
 * mmap can need (INFO features): the noncontiguous API, dma_mmap_pages().
 */
static int unsupported_ok(const struct run *r, int err)
{
	const uint64_t need = DMABENCH_FEAT(DMABENCH_FEAT_NONCONTIG) | DMABENCH_FEAT(DMABENCH_FEAT_MMAP_PAGES);

	return err == EOPNOTSUPP && (r->c->features & need) != need;
}

/* Count the outcome of one ioctl; flags undocumented errors. */
static int outcome(struct run *r, const char *what, int ret)
{
	r->res->ops_run++;
	sig(r, 1, (uint32_t)-ret, r->prev_code, 0);
	if (!ret) {
		r->res->ops_ok++;
	} else if (fuzz_errno_ok(-ret)) {
		r->res->ops_err++;
	} else if (unsupported_ok(r, -ret)) {
		r->res->ops_err++;
		r->res->ops_unsupported++;
	} else {
		finding(r, FUZZ_BAD_ERRNO, "op %u %s: undocumented error %d (%s)", r->opi, what,
			-ret, strerror(-ret));
	}
	return ret;
}

static uint32_t dev_sel(const struct fuzz_ctx *c, uint8_t b)
{
	if (b < 0xf0)
		return c->npresent ? c->present[b % c->npresent] : b;
	switch (b) {
	case 0xfd: return DMABENCH_MAX_DEVICES;
	case 0xfe: return 0x80000000u;
	case 0xff: return UINT32_MAX;
	default: return c->ndevs + (b - 0xf0u);
	}
}

static struct slot *slot_of(struct run *r, uint8_t b)
{
	return &r->slots[b % FUZZ_SLOTS];
}

static uint32_t alloc_api(uint8_t b)
{
	return b < 0xf0 ? 1u + b % DMABENCH_API_MAX : (uint32_t)(b & 0xf);
}

static uint32_t dir_for(uint8_t b, uint32_t good)
{
	return b < 0xc0 ? good : (uint32_t)(b % 5);
}

static uint64_t alloc_attrs(uint32_t api, uint8_t b, uint8_t param)
{
	uint64_t bits = ((b & 0x3fULL) | (uint64_t)(param & 1) << 6) & DMABENCH_ALLOC_ATTRS_MASK;

	switch (b >> 6) {
	case 0:
		return 0;
	case 1:		/* valid for the API */
		if (api == DMABENCH_API_ATTRS)
			return bits;
		if (api == DMABENCH_API_NONCONTIG || api == DMABENCH_API_NONCONTIG_VMAP)
			return (b & 1) ? DMABENCH_ATTR_ALLOC_SINGLE_PAGES : 0;
		return 0;
	case 2:		/* any known bits */
		return bits;
	default:	/* an unknown bit */
		return (b & 0x3f) | 1ULL << (7 + param % 57);
	}
}

static uint64_t map_attrs(uint8_t b)
{
	static const uint64_t valid[4] = {
		DMABENCH_ATTR_WEAK_ORDERING, DMABENCH_ATTR_SKIP_CPU_SYNC,
		DMABENCH_ATTR_NO_WARN, DMABENCH_ATTR_PRIVILEGED,
	};
	uint64_t a = 0;
	int i;

	switch (b >> 6) {
	case 0:
		return 0;
	case 1:
		for (i = 0; i < 4; i++)
			if (b & (1u << i))
				a |= valid[i];
		return a;
	case 2:		/* alloc-only bits are invalid for maps */
		return (b & 0x3f) | ((b & 0x20) ? DMABENCH_ATTR_SKIP_CPU_SYNC : 0);
	default:
		return 1ULL << (8 + b % 56);
	}
}

/* segs selector -> user pointer and capacity */
static void segs_sel(uint8_t b, __u64 *ptr, __u32 *max)
{
	switch (b % 8) {
	case 0: *ptr = 0; *max = 0; break;
	case 1: *ptr = (uintptr_t)segbuf; *max = 1; break;
	case 2: *ptr = (uintptr_t)segbuf; *max = 16; break;
	case 6: *ptr = 8; *max = 16; break;			/* unmapped: -EFAULT */
	case 7: *ptr = (uintptr_t)segbuf; *max = (b & 0x80) ? 65537 : 65536; break;
	default: *ptr = (uintptr_t)segbuf; *max = 4096; break;
	}
}

static void slot_set(struct slot *s, enum slot_kind k, uint32_t h, uint32_t api, uint32_t dir,
		     uint64_t size)
{
	s->kind = k;
	s->handle = h;
	s->held = 0;	/* the old object, if any, stays counted in live_bytes */
	s->api = api;
	s->dir = dir;
	s->size = size;
}

static uint64_t page_round(uint64_t n)
{
	return (n + page_size - 1) & ~(uint64_t)(page_size - 1);
}

/*
 * Memory budget: an allocation that would take the program's live bytes
 * above fuzz_ctx.mem_budget is not issued (the kernel's OOM killer would
 * kill the fuzzer instead of the call failing). Sizes the module refuses
 * anyway (above its limit) always go through.
 */
static int over_budget(struct run *r, uint64_t size)
{
	if (!r->c->mem_budget || !size || size > DMABENCH_MAX_ALLOC_SIZE ||
	    r->live_bytes + page_round(size) <= r->c->mem_budget)
		return 0;
	r->c->budget_skips++;
	sig(r, 8, 0, 0, 0);
	return 1;
}

static void op_alloc(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_alloc a;
	uint32_t api = alloc_api(op->a[2]);
	int ret;

	memset(&a, 0, sizeof(a));
	a.dev = dev_sel(r->c, op->a[1]);
	a.api = api;
	a.size = fuzz_size(op->a[3], (uint16_t)(op->a[4] | op->a[5] << 8));
	a.attrs = alloc_attrs(api, op->a[6], op->a[7]);
	a.dir = dir_for(op->a[8], api == DMABENCH_API_ATTRS ? 0 : 1u + op->a[8] % 3);
	if (over_budget(r, a.size))
		return;
	ret = outcome(r, "alloc", xioctl(r->fd, DMABENCH_IOC_ALLOC, &a));
	if (ret)
		return;
	slot_set(slot_of(r, op->a[0]), SLOT_ALLOC, a.handle, api, a.dir, a.size);
	slot_of(r, op->a[0])->held = page_round(a.size);
	r->live_bytes += page_round(a.size);
	sig(r, 2, api << 8 | a.kva_kind, lg(a.nents), lg(a.dma_addr) << 8 | (uint32_t)(a.attrs & 0xff));
	if ((api == DMABENCH_API_ATTRS || api == DMABENCH_API_PAGES) && a.dev < DMABENCH_MAX_DEVICES &&
	    r->c->coherent_mask[a.dev] && a.dma_addr + a.size - 1 > r->c->coherent_mask[a.dev])
		finding(r, FUZZ_SG_INVARIANT, "op %u alloc: dma %#llx+%llu outside coherent mask %#llx of dev %u",
			r->opi, (unsigned long long)a.dma_addr, (unsigned long long)a.size,
			(unsigned long long)r->c->coherent_mask[a.dev], a.dev);
}

static uint32_t handle_sel(struct run *r, uint8_t slot, uint8_t mode)
{
	struct slot *s = slot_of(r, slot);

	switch (mode) {
	case 0xfc: return 0;
	case 0xfd: return UINT32_MAX;
	case 0xfe: return s->handle + 1;
	case 0xff: return 0x80000000u;
	default: return s->handle;
	}
}

static void op_free(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_handle h;
	struct slot *s = slot_of(r, op->a[0]);

	memset(&h, 0, sizeof(h));
	h.handle = handle_sel(r, op->a[0], op->a[1]);
	if (op->a[1] == 0xfb)
		h.reserved0 = 1;
	if (!outcome(r, "free", xioctl(r->fd, DMABENCH_IOC_FREE, &h)) && h.handle == s->handle)
	{
		s->kind = SLOT_EMPTY;
		r->live_bytes -= s->held <= r->live_bytes ? s->held : r->live_bytes;
		s->held = 0;
	}
}

static void op_sgtable(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_sgtable st;
	struct slot *src = slot_of(r, op->a[0]);

	memset(&st, 0, sizeof(st));
	st.alloc = src->handle;
	segs_sel(op->a[2], &st.segs, &st.segs_max);
	if (outcome(r, "sgtable", xioctl(r->fd, DMABENCH_IOC_GET_SGTABLE, &st)))
		return;
	if (st.nents < 1)
		finding(r, FUZZ_SG_INVARIANT, "op %u sgtable: nents 0", r->opi);
	if (st.segs == (uintptr_t)segbuf && st.nents <= st.segs_max) {
		uint64_t sum = 0;
		uint32_t i;

		for (i = 0; i < st.nents; i++)
			sum += segbuf[i].length;
		if (sum != st.total_len)
			finding(r, FUZZ_SG_INVARIANT, "op %u sgtable: segments sum %llu != total_len %llu",
				r->opi, (unsigned long long)sum, (unsigned long long)st.total_len);
	}
	slot_set(slot_of(r, op->a[1]), SLOT_SGT, st.handle, 0, 0, st.total_len);
	sig(r, 3, src->api, lg(st.nents), st.total_len == src->size);
}

static void op_map_sg(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_map_sg m;
	struct slot src = *slot_of(r, op->a[0]);
	uint64_t mask;

	memset(&m, 0, sizeof(m));
	m.sgt = src.handle;
	m.dev = dev_sel(r->c, op->a[2]);
	m.dir = dir_for(op->a[3], 1u + op->a[3] % 3);
	m.attrs = map_attrs(op->a[4]);
	segs_sel(op->a[5], &m.segs, &m.segs_max);
	if (outcome(r, "map_sg", xioctl(r->fd, DMABENCH_IOC_MAP_SG, &m)))
		return;
	slot_set(slot_of(r, op->a[1]), SLOT_MAP, m.handle, 0, m.dir, m.dma_len);
	sig(r, 4, lg(m.nents_in) << 8 | lg(m.nents_mapped), m.nents_mapped < m.nents_in,
	    m.segs == (uintptr_t)segbuf && m.nents_mapped ? lg(segbuf[0].dma_addr) : 0);
	if (m.nents_mapped < 1 || m.nents_mapped > m.nents_in) {
		finding(r, FUZZ_SG_INVARIANT, "op %u map_sg: nents_mapped %u, nents_in %u", r->opi,
			m.nents_mapped, m.nents_in);
		return;
	}
	if (src.kind == SLOT_SGT && m.dma_len != src.size)
		finding(r, FUZZ_SG_INVARIANT, "op %u map_sg: dma_len %llu != table length %llu",
			r->opi, (unsigned long long)m.dma_len, (unsigned long long)src.size);
	mask = m.dev < DMABENCH_MAX_DEVICES ? r->c->dma_mask[m.dev] : 0;
	if (m.segs == (uintptr_t)segbuf && m.nents_mapped <= m.segs_max) {
		uint64_t sum = 0;
		uint32_t i;

		for (i = 0; i < m.nents_mapped; i++) {
			uint64_t s = segbuf[i].dma_addr, len = segbuf[i].length;

			sum += len;
			if (!len || s + len - 1 < s || (mask && s + len - 1 > mask)) {
				finding(r, FUZZ_SG_INVARIANT,
					"op %u map_sg: segment %u %#llx+%llu outside dma mask %#llx of dev %u",
					r->opi, i, (unsigned long long)s, (unsigned long long)len,
					(unsigned long long)mask, m.dev);
				return;
			}
		}
		if (sum != m.dma_len)
			finding(r, FUZZ_SG_INVARIANT, "op %u map_sg: segments sum %llu != dma_len %llu",
				r->opi, (unsigned long long)sum, (unsigned long long)m.dma_len);
	}
}

static void op_sync(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_sync sy;
	struct slot *s = slot_of(r, op->a[0]);

	memset(&sy, 0, sizeof(sy));
	sy.handle = s->handle;
	sy.sync = op->a[1] < 0xf0 ? 1u + op->a[1] % 2 : (uint32_t)(op->a[1] & 0xf);
	sy.dir = dir_for(op->a[2], s->dir ? s->dir : DMABENCH_DIR_BIDIRECTIONAL);
	outcome(r, "sync", xioctl(r->fd, DMABENCH_IOC_SYNC, &sy));
}

static void op_mmap(struct run *r, const struct fuzz_op *op)
{
	struct slot *s = slot_of(r, op->a[0]);
	size_t len = s->kind == SLOT_ALLOC ? (s->size + page_size - 1) & ~(page_size - 1) : page_size;
	unsigned char *p;
	size_t i;

	if (r->nmaps >= FUZZ_MAX_MMAPS)
		return;
	switch (op->a[1]) {
	case 0xfd: len += page_size; break;
	case 0xfe: len = len > page_size ? len - page_size : 2 * page_size; break;
	case 0xff: len = page_size; break;
	default: break;
	}
	r->res->ops_run++;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		 (off_t)((uint64_t)(op->a[1] == 0xfc ? 0 : s->handle) * page_size));
	if (p == MAP_FAILED) {
		int e = errno;

		sig(r, 6, (uint32_t)e, s->kind, 0);
		if (fuzz_mmap_errno_ok(e))
			r->res->ops_err++;
		else if (unsupported_ok(r, e))
			r->res->ops_err++, r->res->ops_unsupported++;
		else
			finding(r, FUZZ_BAD_ERRNO, "op %u mmap: undocumented error %d (%s)", r->opi, e,
				strerror(e));
		return;
	}
	sig(r, 6, 0, s->kind, op->a[2] % 4);
	r->res->ops_ok++;
	switch (op->a[2] % 4) {
	case 1:
		(void)*(volatile unsigned char *)p;
		break;
	case 2:
		for (i = 0; i < len; i += page_size)
			((volatile unsigned char *)p)[i] = (unsigned char)i;
		break;
	case 3:
		p[0] = 0x5a;
		p[len - 1] = 0xa5;
		if (p[0] != 0x5a || p[len - 1] != 0xa5)
			finding(r, FUZZ_SG_INVARIANT, "op %u mmap: written bytes did not read back", r->opi);
		break;
	default:
		break;
	}
	if (op->a[3] & 1) {
		r->maps[r->nmaps].addr = p;
		r->maps[r->nmaps++].len = len;
	} else {
		munmap(p, len);
	}
}

static void op_map_single(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_map_single m;
	uint64_t mask;

	memset(&m, 0, sizeof(m));
	m.dev = dev_sel(r->c, op->a[1]);
	m.dir = dir_for(op->a[2], 1u + op->a[2] % 3);
	m.size = fuzz_size(op->a[3], (uint16_t)(op->a[4] | op->a[5] << 8));
	m.attrs = map_attrs(op->a[6]);
	if (over_budget(r, m.size))
		return;
	if (outcome(r, "map_single", xioctl(r->fd, DMABENCH_IOC_MAP_SINGLE, &m)))
		return;
	slot_set(slot_of(r, op->a[0]), SLOT_MAP, m.handle, 0, m.dir, m.size);
	slot_of(r, op->a[0])->held = page_round(m.size);
	r->live_bytes += page_round(m.size);
	sig(r, 5, lg(m.dma_addr), lg(m.size), m.dir);
	mask = m.dev < DMABENCH_MAX_DEVICES ? r->c->dma_mask[m.dev] : 0;
	if (mask && m.dma_addr + m.size - 1 > mask)
		finding(r, FUZZ_SG_INVARIANT, "op %u map_single: dma %#llx+%llu outside dma mask %#llx of dev %u",
			r->opi, (unsigned long long)m.dma_addr, (unsigned long long)m.size,
			(unsigned long long)mask, m.dev);
}

static void op_reopen(struct run *r)
{
	int i, fd;

	close(r->fd);
	r->fd = -1;
	for (i = 0; i < FUZZ_SLOTS; i++)
		if (r->slots[i].kind != SLOT_EMPTY)
			r->slots[i].kind = SLOT_STALE;	/* keep the handle: now stale */
	r->res->ops_run++;
	fd = open(r->c->ctl_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		finding(r, FUZZ_EXEC_ERROR, "op %u reopen %s: %s", r->opi, r->c->ctl_path, strerror(errno));
		return;
	}
	r->res->ops_ok++;
	r->fd = fd;
}

/* Raw ioctls with fuzzer bytes as the struct; pointer fields are sanitised. */
static void op_raw(struct run *r, const struct fuzz_op *op)
{
	static const struct { unsigned long cmd; size_t size; } cmds[] = {
		{ DMABENCH_IOC_INFO, sizeof(struct dmabench_info) },
		{ DMABENCH_IOC_DEV_INFO, sizeof(struct dmabench_dev_info) },
		{ DMABENCH_IOC_ALLOC, sizeof(struct dmabench_alloc) },
		{ DMABENCH_IOC_FREE, sizeof(struct dmabench_handle) },
		{ DMABENCH_IOC_GET_SGTABLE, sizeof(struct dmabench_sgtable) },
		{ DMABENCH_IOC_MAP_SG, sizeof(struct dmabench_map_sg) },
		{ DMABENCH_IOC_MAP_SINGLE, sizeof(struct dmabench_map_single) },
		{ DMABENCH_IOC_SYNC, sizeof(struct dmabench_sync) },
		{ DMABENCH_IOC_STATS, sizeof(struct dmabench_stats) },
		{ _IOWR(DMABENCH_IOC_MAGIC, 13, struct dmabench_alloc), 0 },	/* unknown nr */
		{ _IOWR(DMABENCH_IOC_MAGIC, 4, __u64), 0 },			/* ALLOC, wrong size */
		{ _IOWR(DMABENCH_IOC_MAGIC + 1, 4, struct dmabench_alloc), 0 },	/* wrong magic */
	};
	union {
		uint8_t b[256];
		struct dmabench_sgtable st;
		struct dmabench_map_sg m;
		struct dmabench_alloc a;
		struct dmabench_map_single ms;
	} u;
	uint64_t sz = 0;
	unsigned int k = op->a[0] % (sizeof(cmds) / sizeof(cmds[0]));

	memset(&u, 0, sizeof(u));
	memcpy(u.b, op->raw, FUZZ_RAW_BYTES);
	/* never let the kernel write through a fuzzed pointer into this process */
	if (cmds[k].cmd == DMABENCH_IOC_GET_SGTABLE)
		u.st.segs = u.st.segs & 1 ? (uintptr_t)segbuf : 0;
	if (cmds[k].cmd == DMABENCH_IOC_MAP_SG)
		u.m.segs = u.m.segs & 1 ? (uintptr_t)segbuf : 0;
	if (cmds[k].cmd == DMABENCH_IOC_ALLOC)
		sz = u.a.size;
	if (cmds[k].cmd == DMABENCH_IOC_MAP_SINGLE)
		sz = u.ms.size;
	if (over_budget(r, sz))
		return;
	if (!outcome(r, "raw ioctl", xioctl(r->fd, cmds[k].cmd, &u)) && sz <= DMABENCH_MAX_ALLOC_SIZE)
		r->live_bytes += page_round(sz);	/* not in a slot: held until the end */
}

static void op_verify(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_verify v;
	struct slot *s = slot_of(r, op->a[0]);
	int ret;
	uint64_t t0;

	if (r->verifies++)
		return;
	if (r->c->verify_pct && r->c->verify_ns * 100 > (dmab_now_ns() - r->c->t0_ns) * r->c->verify_pct) {
		r->c->verify_skipped++;
		return;
	}
	memset(&v, 0, sizeof(v));
	v.handle = s->handle;
	v.pages = op->a[1] < 0xf0 ? 1 : (uint32_t)(op->a[1] & 0xf) * 8;	/* 0, 8 .. 120: -EINVAL, -E2BIG */
	v.len = op->a[2] & 0x80 ? 4095u + (op->a[2] & 1) : 1u + (op->a[2] & 0x3f);	/* 4096: -E2BIG */
	v.flags = op->a[2] & 0x40 ? DMABENCH_VERIFY_FILL : 0;
	v.seed = op->a[1];
	t0 = dmab_now_ns();
	r->res->ops_run++;
	ret = ioctl(r->fd, DMABENCH_IOC_VERIFY, &v) < 0 ? -errno : 0;
	r->c->verify_ns += dmab_now_ns() - t0;
	sig(r, 7, (uint32_t)-ret, v.mismatches ? 1 : 0, v.blocked);
	if (ret) {
		/* VERIFY's own: no engine, timeout, a FROM_DEVICE mapping (the device may not read) */
		if (fuzz_errno_ok(-ret) || ret == -EOPNOTSUPP || ret == -ETIMEDOUT || ret == -EACCES)
			r->res->ops_err++;
		else
			finding(r, FUZZ_BAD_ERRNO, "op %u verify: undocumented error %d (%s)", r->opi, -ret,
				strerror(-ret));
		return;
	}
	r->res->ops_ok++;
	if ((v.flags & DMABENCH_VERIFY_FILL) && s->kind == SLOT_MAP && v.mismatches && !v.blocked &&
	    (s->dir == DMABENCH_DIR_TO_DEVICE || s->dir == DMABENCH_DIR_BIDIRECTIONAL))
		finding(r, FUZZ_SG_INVARIANT, "op %u verify: device read %u of %llu bytes wrong (first at %llu)",
			r->opi, v.mismatches, (unsigned long long)v.bytes, (unsigned long long)v.first_mismatch);
}

static void stats_of(int fd, struct dmabench_stats *s, int *ret)
{
	memset(s, 0, sizeof(*s));
	*ret = xioctl(fd, DMABENCH_IOC_STATS, s);
}

static int live_equal(const struct dmabench_stats *a, const struct dmabench_stats *b)
{
	return a->live_allocs == b->live_allocs && a->live_sgtables == b->live_sgtables &&
	       a->live_mappings == b->live_mappings && a->live_mmaps == b->live_mmaps &&
	       a->alloc_bytes == b->alloc_bytes && a->kva_bytes == b->kva_bytes &&
	       a->open_files == b->open_files;
}

/* Drain /dev/kmsg; the first bad line becomes a finding. */
static void check_klog(struct run *r)
{
	char rec[2048];

	if (r->c->kmsg_fd < 0)
		return;
	for (;;) {
		ssize_t n = read(r->c->kmsg_fd, rec, sizeof(rec) - 1);
		unsigned long long seq;
		const char *msg, *bad;
		size_t mlen;
		char line[1024];

		if (n < 0) {
			if (errno == EPIPE || errno == EINTR)
				continue;	/* overwritten records: go on */
			break;			/* EAGAIN: drained */
		}
		if (n == 0)
			break;
		rec[n] = 0;
		if (dmab_kmsg_parse(rec, (size_t)n, &seq, &msg, &mlen))
			continue;
		if (mlen >= sizeof(line))
			mlen = sizeof(line) - 1;
		memcpy(line, msg, mlen);
		line[mlen] = 0;
		bad = dmab_klog_match(line);
		if (bad && r->c->check_klog) {
			r->opi = r->res->ops_run;
			finding(r, FUZZ_KLOG, FUZZ_KLOG_QUOTE "%s", line);
		}
	}
}

/* DMA-API debugging (a debug kernel): a new error since the last program is a finding. */
static uint64_t dma_api_count(int fd)
{
	char b[32];
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);

	if (n <= 0)
		return 0;
	b[n] = 0;
	return strtoull(b, NULL, 10);
}

static void check_dma_api(struct run *r)
{
	uint64_t n;

	if (r->c->dma_api_fd < 0)
		return;
	n = dma_api_count(r->c->dma_api_fd);
	if (n > r->c->dma_api_errors)
		finding(r, FUZZ_DMA_API, "dma-api error_count %llu -> %llu (see the kernel log)",
			(unsigned long long)r->c->dma_api_errors, (unsigned long long)n);
	r->c->dma_api_errors = n;
}

int fuzz_exec(struct fuzz_ctx *c, const struct fuzz_program *p, struct fuzz_result *res)
{
	struct dmabench_stats s0, s1;
	struct run r;
	unsigned int i;
	int ret0, ret1;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.res = res;
	stats_of(c->obs_fd, &s0, &ret0);
	if (ret0)
		return ret0;
	r.fd = open(c->ctl_path, O_RDWR | O_CLOEXEC);
	if (r.fd < 0)
		return -errno;
	unsigned int failnth = 0;

	for (i = 0; i < p->nops && i < FUZZ_MAX_OPS; i++) {
		const struct fuzz_op *op = &p->ops[i];
		bool armed = false;

		r.opi = i;
		r.prev_code = i ? p->ops[i - 1].code + 1u : 0;
		r.code = op->code + 1u;
		if (r.fd < 0)
			break;	/* reopen failed: already a finding */
		if (op->code == FUZZ_OP_FAILNTH) {
			failnth = 1 + op->a[0] % 16;
			continue;
		}
		/* not before a reopen: a failed open() of the ctl file ends the program */
		if (failnth && op->code != FUZZ_OP_REOPEN && c->failnth_fd >= 0 &&
		    !dmab_failnth_set(c->failnth_fd, failnth)) {
			armed = true;
			c->failnth_armed++;
		}
		failnth = 0;
		switch (op->code) {
		case FUZZ_OP_ALLOC: op_alloc(&r, op); break;
		case FUZZ_OP_FREE: op_free(&r, op); break;
		case FUZZ_OP_SGTABLE: op_sgtable(&r, op); break;
		case FUZZ_OP_MAP_SG: op_map_sg(&r, op); break;
		case FUZZ_OP_SYNC: op_sync(&r, op); break;
		case FUZZ_OP_MMAP: op_mmap(&r, op); break;
		case FUZZ_OP_MAP_SINGLE: op_map_single(&r, op); break;
		case FUZZ_OP_REOPEN: op_reopen(&r); break;
		case FUZZ_OP_RAW: op_raw(&r, op); break;
		case FUZZ_OP_VERIFY: op_verify(&r, op); break;
		default: break;
		}
		if (armed) {	/* an op that allocated less than n times leaves it armed */
			unsigned int left = 1;

			if (!dmab_failnth_get(c->failnth_fd, &left) && !left)
				c->failnth_hit++;
			dmab_failnth_set(c->failnth_fd, 0);
		}
	}
	for (i = 0; i < r.nmaps; i++)
		munmap(r.maps[i].addr, r.maps[i].len);
	if (r.fd >= 0)
		close(r.fd);
	r.opi = p->nops;
	stats_of(c->obs_fd, &s1, &ret1);
	if (ret1)
		finding(&r, FUZZ_EXEC_ERROR, "STATS after program: %s", strerror(-ret1));
	else if (!live_equal(&s0, &s1))
		finding(&r, FUZZ_LEAK,
			"leak after close: allocs %llu->%llu sgtables %llu->%llu mappings %llu->%llu mmaps %llu->%llu alloc_bytes %llu->%llu kva_bytes %llu->%llu files %llu->%llu",
			(unsigned long long)s0.live_allocs, (unsigned long long)s1.live_allocs,
			(unsigned long long)s0.live_sgtables, (unsigned long long)s1.live_sgtables,
			(unsigned long long)s0.live_mappings, (unsigned long long)s1.live_mappings,
			(unsigned long long)s0.live_mmaps, (unsigned long long)s1.live_mmaps,
			(unsigned long long)s0.alloc_bytes, (unsigned long long)s1.alloc_bytes,
			(unsigned long long)s0.kva_bytes, (unsigned long long)s1.kva_bytes,
			(unsigned long long)s0.open_files, (unsigned long long)s1.open_files);
	check_klog(&r);
	check_dma_api(&r);
	return 0;
}

int fuzz_ctx_init(struct fuzz_ctx *c, const char *path)
{
	struct sysinfo si;
	struct dmabench_info info;
	uint32_t d;
	long ps = sysconf(_SC_PAGESIZE);

	memset(c, 0, sizeof(*c));
	c->kmsg_fd = -1;
	c->check_klog = 1;
	c->failnth_fd = -1;
	c->dma_api_fd = -1;
	c->t0_ns = dmab_now_ns();
	if (!sysinfo(&si))	/* half the RAM: the fuzzer and the kernel need the rest */
		c->mem_budget = (uint64_t)si.totalram * si.mem_unit / 2;
	if (ps > 0)
		page_size = (size_t)ps;
	snprintf(c->ctl_path, sizeof(c->ctl_path), "%s", path ? path : DMABENCH_CTL_PATH);
	c->obs_fd = open(c->ctl_path, O_RDWR | O_CLOEXEC);
	if (c->obs_fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	if (xioctl(c->obs_fd, DMABENCH_IOC_INFO, &info)) {
		int e = -errno;

		close(c->obs_fd);
		return e ? e : -EIO;
	}
	c->ndevs = info.ndevs;
	c->features = info.features;
	for (d = 0; d < info.ndevs && d < DMABENCH_MAX_DEVICES; d++) {
		struct dmabench_dev_info di;

		memset(&di, 0, sizeof(di));
		di.dev = d;
		if (xioctl(c->obs_fd, DMABENCH_IOC_DEV_INFO, &di))
			continue;
		c->present[c->npresent++] = d;
		c->dma_mask[d] = di.dma_mask;
		c->coherent_mask[d] = di.coherent_dma_mask;
	}
	c->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (c->kmsg_fd >= 0)
		lseek(c->kmsg_fd, 0, SEEK_END);
	c->dma_api_fd = open("/sys/kernel/debug/dma-api/error_count", O_RDONLY | O_CLOEXEC);
	if (c->dma_api_fd >= 0) {
		int nfd = open("/sys/kernel/debug/dma-api/num_errors", O_WRONLY | O_CLOEXEC);

		c->dma_api_errors = dma_api_count(c->dma_api_fd);
		/* print every DMA-API error (default: the first only), so each one names itself */
		if (nfd >= 0) {
			ssize_t w = write(nfd, "1000000", 7);	/* best effort */

			(void)w;
			close(nfd);
		}
	}
	if (dmab_faultinj_available() && !dmab_faultinj_setup()) {
		c->failnth_fd = dmab_failnth_open();
		if (c->failnth_fd < 0) {
			c->failnth_fd = -1;
			dmab_faultinj_restore();
		}
	}
	return 0;
}

void fuzz_ctx_fini(struct fuzz_ctx *c)
{
	if (c->obs_fd >= 0)
		close(c->obs_fd);
	if (c->kmsg_fd >= 0)
		close(c->kmsg_fd);
	if (c->dma_api_fd >= 0)
		close(c->dma_api_fd);
	if (c->failnth_fd >= 0) {
		close(c->failnth_fd);
		dmab_faultinj_restore();
	}
	c->failnth_fd = -1;
	c->obs_fd = c->kmsg_fd = c->dma_api_fd = -1;
}
