/* SPDX-License-Identifier: GPL-2.0 */
/*
 * program.h - the fuzzer's input format: bytes -> a program of DMA-mapping
 * operations over a few handle slots, and its executor against the ctl file.
 *
 * Decoding never fails: every byte string (the empty one included) decodes
 * to a program of 0 .. FUZZ_MAX_OPS operations. The input is read as a
 * stream; each operation is one opcode byte (fuzz_opcode(): modulo FUZZ_OP_MOD)
 * followed by a fixed number of argument bytes for that opcode (see
 * fuzz_op_arg_bytes()); a truncated tail reads as zero bytes. So the same
 * bytes always give the same program, a byte changed changes one operation,
 * and fuzz_encode() gives back bytes that decode to the same program.
 *
 * Arguments are raw selectors, resolved at run time against the devices the
 * module reports (device selectors below 0xf0 pick a present device modulo
 * their number; 0xf0.. pick an invalid id), so the same input means the
 * same program on every backend.
 *
 * A program runs on 1 .. FUZZ_THREADS threads over shared slots and fds
 * (FUZZ_OP_THREAD; the executor releases the threads of a phase together so
 * their calls overlap), may submit through io_uring, change DMA masks, run
 * LAT loops, place an ioctl's struct across a faulting page, and export,
 * attach and close dma-bufs. The decoder lives in program.c (the host links
 * it alone); the executor in exec.c.
 *
 * Oracles, checked by fuzz_exec() (a violation is a finding):
 *  - every ioctl error is one of the documented kinds (fuzz_errno_ok());
 *  - map_sg results: nents_mapped <= nents_in, sum of the returned DMA
 *    lengths == dma_len == the table's length, each segment inside the
 *    mapping device's DMA mask;
 *  - io_uring: every CQE arrives within FUZZ_URING_TIMEOUT_S, results are
 *    handles, 0 or documented errnos, -ECANCELED only after a linked SQE
 *    that failed;
 *  - a call that fails with -EFAULT changes nothing: the handle it would
 *    have created is not live, no dma-buf fd appears, the live counters are
 *    as before it (one thread);
 *  - VERIFY never succeeds on a FROM_DEVICE mapping (-EACCES);
 *  - after the program (mappings unmapped, files closed, masks restored) the
 *    module's live counters (DMABENCH_IOC_STATS) are back at their values
 *    before it;
 *  - no kernel log line since the program started matches lib/klog.c,
 *    except the known reports (dmab_kr_known[]: tallied, not findings).
 */
#ifndef DMAB_FUZZ_PROGRAM_H
#define DMAB_FUZZ_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kmod/dmabench_abi.h"

#define FUZZ_MAX_OPS		64	/* operations per program */
#define FUZZ_SLOTS		8	/* handle slots */
#define FUZZ_RAW_BYTES		96	/* raw struct bytes carried by FUZZ_OP_RAW */
#define FUZZ_MAX_MMAPS		16	/* live mmaps per program */
#define FUZZ_SEGS_CAP		4096	/* segments the executor can receive */
#define FUZZ_MSG_LEN		512
#define FUZZ_ARG_BYTES		12	/* argument bytes an operation can carry (raw's struct aside) */
#define FUZZ_THREADS		4	/* threads a program can use (FUZZ_OP_THREAD) */
#define FUZZ_FDS		4	/* dma-buf fd slots (FUZZ_OP_EXPORT, _ATTACH, _CLOSE) */
#define FUZZ_URING_SQES		4	/* SQEs one FUZZ_OP_URING submits at once (queue depth) */
#define FUZZ_URING_TIMEOUT_S	10	/* every CQE must arrive within this (else a finding) */
#define FUZZ_KNOWN_MAX		8	/* known-report tallies carried in a result (lib/klog.h) */
/*
 * Opcode bytes decode modulo FUZZ_OP_MOD (the nine original operations),
 * except the bytes 0xf0 .. 0xfa below, each one operation. No committed seed
 * from before an operation has its byte at an opcode position, so old
 * inputs and seeds decode as before (test_program checks it):
 *  - FUZZ_VERIFY_BYTE: VERIFY (edu DMA through a mapping, ~200 ms of device
 *    time, at most one per program, and under libFuzzer at most 5 % of the
 *    time, see fuzz_ctx.verify_pct);
 *  - FUZZ_FAILNTH_BYTE: fault injection for the next operation;
 *  - 0xf0 .. 0xf7: threads, io_uring, SET_MASK, LAT, faulting copies, dma-buf
 *    export / attach / close (see enum fuzz_opcode).
 */
#define FUZZ_OP_MOD		9
#define FUZZ_VERIFY_BYTE	0xf9
#define FUZZ_FAILNTH_BYTE	0xfa	/* FUZZ_OP_FAILNTH (before it: 0xfa % 9 = reopen; no seed had it) */
#define FUZZ_THREAD_BYTE	0xf0	/* FUZZ_OP_THREAD .. FUZZ_OP_CLOSE: 0xf0 .. 0xf7 */

enum fuzz_opcode {
	FUZZ_OP_ALLOC = 0,	/* slot, dev, api, size class, size param(2), attrs, attr param, dir */
	FUZZ_OP_FREE,		/* slot (handle: alloc, sg table, mapping) */
	FUZZ_OP_SGTABLE,	/* src slot, dst slot, segs selector */
	FUZZ_OP_MAP_SG,		/* src slot, dst slot, dev, dir, attrs, segs selector */
	FUZZ_OP_SYNC,		/* slot, sync selector, dir selector */
	FUZZ_OP_MMAP,		/* slot, length selector, touch selector, keep */
	FUZZ_OP_MAP_SINGLE,	/* dst slot, dev, dir, size class, size param(2), attrs */
	FUZZ_OP_REOPEN,		/* close the ctl file (slots go stale), open it again */
	FUZZ_OP_RAW,		/* ioctl selector, FUZZ_RAW_BYTES of struct contents */
	FUZZ_OP_VERIFY,		/* slot, pages selector, len/flags selector: opcode byte FUZZ_VERIFY_BYTE only */
	FUZZ_OP_FAILNTH,	/* n: the next op's (1 + n % 16)-th kernel allocation fails (fail-nth); FUZZ_FAILNTH_BYTE only */
	/* 0xf0 .. 0xf7 (fuzz/README.md has the byte layout, fuzz/mkseeds.sh examples) */
	FUZZ_OP_THREAD,		/* tid, flags: the ops after it run on thread tid % FUZZ_THREADS; flags bit 0: a
				 * barrier first (all threads finish what came before, then start together) */
	FUZZ_OP_URING,		/* hdr, size param(2), dev, arg1, 4 x SQE byte, 2 x slot nibbles: up to 4 SQEs
				 * (ALLOC / MAP_SINGLE / FREE as IORING_OP_URING_CMD, or NOP) in one submission,
				 * IOSQE_ASYNC / IOSQE_IO_LINK per SQE; every CQE must arrive in time */
	FUZZ_OP_SET_MASK,	/* dev, bits selector, flags: DMABENCH_IOC_SET_MASK (restored after the program); flags
				 * 0xff a nonzero reserved field, else bit 0: then probe the new mask (a one-page
				 * MAP_SINGLE, a VERIFY through it, the FREE) */
	FUZZ_OP_LAT,		/* op, dev, dev2, api, size class, size param(2), attrs, dir, iters, buffers:
				 * DMABENCH_IOC_LAT with at most 16 iterations and a 50 ms budget */
	FUZZ_OP_FAULT,		/* mode, offset, action: the next op's ioctl struct straddles a page that is
				 * unmapped, read-only, or write-protected with userfaultfd (stalled; an action
				 * runs meanwhile, then the page becomes read-only or writable) */
	FUZZ_OP_EXPORT,		/* src slot, fd slot, variant: DMABENCH_IOC_DMABUF_EXPORT */
	FUZZ_OP_ATTACH,		/* fd selector, dev, dir, segs selector, dst slot, variant: DMABENCH_IOC_DMABUF_ATTACH */
	FUZZ_OP_CLOSE,		/* target: a dma-buf fd slot (< 0x80) or the ctl file (slots go stale, no reopen) */
	FUZZ_OP_COUNT,
};

/* Size classes (FUZZ_OP_ALLOC, FUZZ_OP_MAP_SINGLE): size byte % FUZZ_SIZE_COUNT */
enum fuzz_size_class {
	FUZZ_SIZE_ZERO = 0,	/* 0: -EINVAL */
	FUZZ_SIZE_SMALL,	/* 1 .. 4096 */
	FUZZ_SIZE_PAGES,	/* 1 .. 64 pages */
	FUZZ_SIZE_UNALIGNED,	/* pages + 1 .. 4095 bytes */
	FUZZ_SIZE_MEDIUM,	/* up to 4 MiB, page multiple */
	FUZZ_SIZE_LARGE,	/* 16 MiB */
	FUZZ_SIZE_AT_MAX,	/* DMABENCH_MAX_ALLOC_SIZE */
	FUZZ_SIZE_ABOVE_MAX,	/* DMABENCH_MAX_ALLOC_SIZE + 1 .. + 65536: -E2BIG */
	FUZZ_SIZE_HUGE,		/* 2^32 .. 2^63, or ~0: -E2BIG */
	FUZZ_SIZE_POW2,		/* 2^(param % 24), exactly at an order boundary */
	FUZZ_SIZE_COUNT,
};

struct fuzz_op {
	uint8_t code;			/* enum fuzz_opcode */
	uint8_t a[FUZZ_ARG_BYTES];	/* argument bytes (meaning per opcode) */
	uint8_t raw[FUZZ_RAW_BYTES];	/* FUZZ_OP_RAW only */
};

struct fuzz_program {
	unsigned int nops;
	struct fuzz_op ops[FUZZ_MAX_OPS];
};

/*
 * Where each operation runs (FUZZ_OP_THREAD): thread id and phase per op
 * (ops before the first THREAD: thread 0, phase 0); a barrier starts a new
 * phase. nthreads = 1 + the highest thread id given (1: no threads).
 */
struct fuzz_sched {
	uint8_t tid[FUZZ_MAX_OPS];
	uint8_t phase[FUZZ_MAX_OPS];
	unsigned int nthreads, nphases;
};
void fuzz_schedule(const struct fuzz_program *p, struct fuzz_sched *s);

/*
 * A close race: some phase of @s (p's schedule) has ops on two or more threads and one of them closes a
 * file (FUZZ_OP_CLOSE, the ctl file or a dma-buf fd, or FUZZ_OP_REOPEN). Whether such a race goes wrong depends
 * on timing within a microsecond, so libFuzzer's target runs these programs FUZZ_RACE_REPEAT times (syzkaller
 * repeats its threaded programs the same way). fuzz_exec() reports it in fuzz_result.close_race.
 */
#define FUZZ_RACE_REPEAT	16
bool fuzz_close_race(const struct fuzz_program *p, const struct fuzz_sched *s);

/* Argument bytes that follow the opcode byte in the input (raw included). */
size_t fuzz_op_arg_bytes(unsigned int code);
/* The operation an opcode byte decodes to. */
unsigned int fuzz_opcode(uint8_t b);

/* Never fails: every input, any length, decodes to a program. Returns bytes consumed. */
size_t fuzz_decode(const uint8_t *data, size_t len, struct fuzz_program *p);

/*
 * Bytes that decode to @p (into buf, at most cap). Returns the length, or
 * -ENOSPC when cap is too small, -EINVAL for an opcode >= FUZZ_OP_COUNT.
 */
long fuzz_encode(const struct fuzz_program *p, uint8_t *buf, size_t cap);

/* Resolve a size selector (class byte, 16-bit param) to bytes. */
uint64_t fuzz_size(uint8_t cls, uint16_t param);
/* The bytes an ALLOC, MAP_SINGLE or io_uring op (its ALLOC / MAP_SINGLE SQEs) asks for: true and *size, else false. */
bool fuzz_op_size(const struct fuzz_op *op, uint64_t *size);

/*
 * One line describing op (opcode and argument bytes in hex) into buf.
 * Returns buf.
 */
char *fuzz_format_op(const struct fuzz_op *op, char *buf, size_t cap);

/* Read at most cap bytes of a file into buf; *len = bytes read. 0 or -errno. */
int fuzz_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len);

/* Name of an opcode ("alloc", ...), "?" when out of range. */
const char *fuzz_op_name(unsigned int code);

/* 1 when -err (a positive errno) is one the module documents for ioctls. */
int fuzz_errno_ok(int err);
/* Same for mmap(): the module's EBADF/EINVAL plus what dma_mmap_*() and mm may return. */
int fuzz_mmap_errno_ok(int err);

enum fuzz_finding {
	FUZZ_CLEAN = 0,
	FUZZ_BAD_ERRNO,		/* an undocumented error */
	FUZZ_SG_INVARIANT,	/* map_sg result breaks an invariant */
	FUZZ_LEAK,		/* live counters not back to baseline */
	FUZZ_KLOG,		/* kernel log matched a bad pattern */
	FUZZ_EXEC_ERROR,	/* the executor itself failed mid-program (e.g. reopen) */
	FUZZ_DMA_API,		/* /sys/kernel/debug/dma-api/error_count went up (beyond known reports) */
	FUZZ_URING,		/* a CQE missing after FUZZ_URING_TIMEOUT_S, or a link cancelled after success */
	FUZZ_FAULT_STATE,	/* a call failed with -EFAULT but left state behind (object, fd, counters) */
	FUZZ_CONTRACT,		/* a call succeeded that the ABI says must fail (VERIFY of a FROM_DEVICE mapping) */
};

/* A FUZZ_KLOG finding's message: this text, then the kernel's line (the fuzz host classifies that line). */
#define FUZZ_KLOG_QUOTE		"kernel log after program: "

/* "clean", "bad-errno", "sg-invariant", "leak", "kernel-log", "exec-error", "dma-api", "uring", "efault-state", "contract" */
const char *fuzz_finding_name(enum fuzz_finding f);

struct fuzz_result {
	unsigned int ops_run;		/* operations issued to the kernel */
	unsigned int ops_ok;		/* ... that succeeded */
	unsigned int ops_err;		/* ... that failed with a documented error */
	unsigned int nthreads;		/* threads the program ran on */
	unsigned int cqes;		/* io_uring completions reaped */
	unsigned int faults;		/* ioctls issued with a faulting struct (FUZZ_OP_FAULT) */
	unsigned int probes;		/* VERIFYs issued by SET_MASK probes (FUZZ_OP_SET_MASK flag bit 0) */
	bool close_race;		/* the program is a close race (fuzz_close_race()): run it again */
	unsigned int known[FUZZ_KNOWN_MAX];	/* known kernel reports seen (index: lib/klog.c dmab_kr_known[]) */
	unsigned int ops_unsupported;	/* ... of those, EOPNOTSUPP: a feature this kernel lacks */
	enum fuzz_finding finding;
	char msg[FUZZ_MSG_LEN];		/* finding: what, which op */
};

/*
 * The system calls the executor makes on the ctl file, its dma-buf fds and
 * io_uring (each returns 0 / a value, or -errno). fuzz_ctx_init() points
 * fuzz_ctx.sys at the real ones; a host-side test points it at a model of
 * the module (fuzz/test_program.c) to run the oracles without a kernel.
 */
#define FUZZ_SQE_LINK		(1u << 2)	/* IOSQE_IO_LINK */
#define FUZZ_SQE_ASYNC		(1u << 4)	/* IOSQE_ASYNC */
struct fuzz_uring_sqe {
	uint32_t op;			/* cmd_op (enum dmabench_uring_op, or a bad one) */
	bool nop;			/* IORING_OP_NOP instead */
	unsigned int flags;		/* IOSQE_ASYNC, IOSQE_IO_LINK */
	struct dmabench_uring_cmd cmd;
	bool tail_nonzero;		/* 128-byte SQEs: a nonzero byte in the reserved tail */
};
struct fuzz_sys {
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	int (*ioctl)(int fd, unsigned long cmd, void *arg);
	void *(*mmap)(size_t len, int fd, uint64_t off, int *err);	/* MAP_FAILED and *err on failure */
	int (*munmap)(void *addr, size_t len);
	/*
	 * Submit n SQEs (user_data: their index) on the calling thread's ring
	 * (*ring: created on first use, 128-byte SQEs when sqe128) for fd, all
	 * at once, and wait at most timeout_s for their CQEs: came[i] and res[i]
	 * for each that came, *got of them. 0, or -errno when the ring or the
	 * submission failed (-EOPNOTSUPP: no io_uring here).
	 */
	int (*uring)(void **ring, bool sqe128, int fd, const struct fuzz_uring_sqe *sqes, unsigned int n,
		     int *res, bool *came, unsigned int *got, double timeout_s);
	void (*uring_free)(void *ring);
};
extern const struct fuzz_sys fuzz_sys_real;

struct fuzz_exec_state;	/* the executor's own: threads, fault pages, rings (fuzz/exec.c) */

/*
 * Executor context: the observer file (baseline stats), the kernel log
 * reader and the devices present. One per process.
 */
struct fuzz_ctx {
	char ctl_path[256];
	int obs_fd;			/* observer ctl file, open for the ctx's lifetime */
	int kmsg_fd;			/* /dev/kmsg, -1: no kernel-log oracle */
	uint32_t ndevs;			/* from DMABENCH_IOC_INFO */
	uint64_t features;		/* INFO features: what the kernel lacks is refused with EOPNOTSUPP */
	uint32_t npresent;
	uint32_t present[DMABENCH_MAX_DEVICES];
	uint64_t dma_mask[DMABENCH_MAX_DEVICES];	/* by device id (SET_MASK changes them for a program) */
	uint64_t coherent_mask[DMABENCH_MAX_DEVICES];
	uint8_t mask_bits0[DMABENCH_MAX_DEVICES];	/* the masks before any program (0: unknown); restored after each */
	int check_klog;			/* 1: kernel-log oracle on */
	int dma_api_fd;			/* /sys/kernel/debug/dma-api/error_count, -1: none */
	uint64_t dma_api_errors;	/* its last value */
	bool dma_api_all_printed;	/* num_errors raised: every DMA-API error prints its line */
	/*
	 * Kernel-state signature (optional): the executor bumps sig[h % sig_len]
	 * (saturating) for what each operation returned: opcode and errno, the
	 * allocation kind (kva kind, nents, dma address magnitude), map_sg segment
	 * merging, op pairs. A libFuzzer target points it at extra counters.
	 */
	uint8_t *sig;
	uint32_t sig_len;
	/*
	 * VERIFY costs ~100 ms of device time per transfer: with verify_pct > 0
	 * a verify is skipped (not issued, no feature) while the verifies so far
	 * took more than verify_pct % of the time since fuzz_ctx_init() (the
	 * libFuzzer target sets 5; replay leaves 0: every verify runs).
	 */
	unsigned int verify_pct;
	uint64_t verify_ns, t0_ns;
	uint64_t verify_skipped;
	/* memory budget per program (bytes; 0 = none): fuzz_ctx_init() sets half the RAM */
	uint64_t mem_budget;
	uint64_t budget_skips;	/* allocations not issued because of it */
	/*
	 * Fault injection (lib/faultinj.h; kernels with FAILSLAB + FAIL_PAGE_ALLOC):
	 * this thread's fail-nth file, -1 when absent (FUZZ_OP_FAILNTH is then a
	 * no-op). Armed just before the op after a FAILNTH, disarmed right after it.
	 */
	int failnth_fd;
	uint64_t failnth_armed, failnth_hit;
	/* what the executor could set up: userfaultfd (FUZZ_OP_FAULT stalls), io_uring */
	bool have_uffd, have_uring;
	uint64_t uring_unavailable;	/* URING ops not run: no io_uring in this build or kernel */
	const struct fuzz_sys *sys;
	struct fuzz_exec_state *x;
};

/* Open path (NULL: DMABENCH_CTL_PATH) and /dev/kmsg. Returns 0 or -errno. */
int fuzz_ctx_init(struct fuzz_ctx *c, const char *path);
/* Same with other system calls (a model of the module; NULL: the real ones). */
int fuzz_ctx_init_sys(struct fuzz_ctx *c, const char *path, const struct fuzz_sys *sys);
void fuzz_ctx_fini(struct fuzz_ctx *c);

/*
 * Run @p on a fresh open of the ctl file, then check the oracles. Returns 0
 * (res->finding says whether something was found) or -errno when the
 * program could not be run at all (ctl file cannot be opened).
 */
int fuzz_exec(struct fuzz_ctx *c, const struct fuzz_program *p, struct fuzz_result *res);

#endif
