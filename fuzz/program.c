// SPDX-License-Identifier: GPL-2.0
/*
 * program.c - decoder (bytes -> program), encoder, the thread schedule of a
 * program, names and the documented errnos. No system calls on the module:
 * the host links this alone (reports, minimisation); the executor with its
 * oracles is exec.c. See program.h for the format and the oracles.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/program.h"

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
	[FUZZ_OP_THREAD] = 2,
	[FUZZ_OP_URING] = 11,
	[FUZZ_OP_SET_MASK] = 3,
	[FUZZ_OP_LAT] = 11,
	[FUZZ_OP_FAULT] = 3,
	[FUZZ_OP_EXPORT] = 3,
	[FUZZ_OP_ATTACH] = 6,
	[FUZZ_OP_CLOSE] = 1,
};
_Static_assert(FUZZ_OP_CLOSE - FUZZ_OP_THREAD == 7 && FUZZ_THREAD_BYTE + 7 < FUZZ_VERIFY_BYTE,
	       "0xf0 .. 0xf7: one byte per operation, below verify's");

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
	[FUZZ_OP_THREAD] = "thread",
	[FUZZ_OP_URING] = "uring",
	[FUZZ_OP_SET_MASK] = "set_mask",
	[FUZZ_OP_LAT] = "lat",
	[FUZZ_OP_FAULT] = "fault",
	[FUZZ_OP_EXPORT] = "export",
	[FUZZ_OP_ATTACH] = "attach",
	[FUZZ_OP_CLOSE] = "close",
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
	if (b == FUZZ_FAILNTH_BYTE)
		return FUZZ_OP_FAILNTH;
	if (b >= FUZZ_THREAD_BYTE && b <= FUZZ_THREAD_BYTE + (FUZZ_OP_CLOSE - FUZZ_OP_THREAD))
		return FUZZ_OP_THREAD + (unsigned int)(b - FUZZ_THREAD_BYTE);
	return b % FUZZ_OP_MOD;
}

/* The byte that decodes to code (the inverse of fuzz_opcode()). */
static uint8_t opcode_byte(unsigned int code)
{
	if (code == FUZZ_OP_VERIFY)
		return FUZZ_VERIFY_BYTE;
	if (code == FUZZ_OP_FAILNTH)
		return FUZZ_FAILNTH_BYTE;
	if (code >= FUZZ_OP_THREAD)
		return (uint8_t)(FUZZ_THREAD_BYTE + (code - FUZZ_OP_THREAD));
	return (uint8_t)code;
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
		buf[pos++] = opcode_byte(op->code);
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

bool fuzz_op_size(const struct fuzz_op *op, uint64_t *size)
{
	switch (op->code) {
	case FUZZ_OP_ALLOC:
	case FUZZ_OP_MAP_SINGLE:	/* class a3, param a4-a5 */
		*size = fuzz_size(op->a[3], (uint16_t)(op->a[4] | op->a[5] << 8));
		return true;
	case FUZZ_OP_URING:		/* its ALLOC / MAP_SINGLE SQEs: class a0 bits 2-5, param a1-a2 */
		*size = fuzz_size((op->a[0] >> 2) & 0xf, (uint16_t)(op->a[1] | op->a[2] << 8));
		return true;
	default:
		return false;
	}
}

const char *fuzz_finding_name(enum fuzz_finding f)
{
	static const char *const names[] = {
		"clean", "bad-errno", "sg-invariant", "leak", "kernel-log", "exec-error", "dma-api",
		"uring", "efault-state", "contract",
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

void fuzz_schedule(const struct fuzz_program *p, struct fuzz_sched *s)
{
	unsigned int i, tid = 0, phase = 0;

	memset(s, 0, sizeof(*s));
	s->nthreads = 1;
	for (i = 0; i < p->nops && i < FUZZ_MAX_OPS; i++) {
		const struct fuzz_op *op = &p->ops[i];

		if (op->code == FUZZ_OP_THREAD) {
			tid = op->a[0] % FUZZ_THREADS;
			if (op->a[1] & 1)
				phase++;
			if (tid + 1 > s->nthreads)
				s->nthreads = tid + 1;
		}
		s->tid[i] = (uint8_t)tid;
		s->phase[i] = (uint8_t)phase;
	}
	s->nphases = phase + 1;
}

bool fuzz_close_race(const struct fuzz_program *p, const struct fuzz_sched *s)
{
	unsigned int ph, i;

	if (s->nthreads < 2)
		return false;
	for (ph = 0; ph < s->nphases; ph++) {
		unsigned int threads = 0;	/* bitmap of the threads with an op in this phase */
		bool close = false;

		for (i = 0; i < p->nops && i < FUZZ_MAX_OPS; i++) {
			if (s->phase[i] != ph || p->ops[i].code == FUZZ_OP_THREAD)
				continue;
			threads |= 1u << s->tid[i];
			close |= p->ops[i].code == FUZZ_OP_CLOSE || p->ops[i].code == FUZZ_OP_REOPEN;
		}
		if (close && (threads & (threads - 1)))
			return true;
	}
	return false;
}
