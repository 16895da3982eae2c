// SPDX-License-Identifier: GPL-2.0
/*
 * exec.c - the executor: runs a decoded program (program.c) against the
 * ctl file and checks the oracles (program.h lists them).
 *
 * Threads. A program with FUZZ_OP_THREAD runs on 1 .. FUZZ_THREADS threads
 * (a persistent pool; thread 0 is the caller's) over one shared state:
 * slots, mmaps, dma-buf fds, the ctl fd. Its ops are cut into phases at
 * barriers; the threads of a phase are released together (a pthread
 * barrier), so their first calls overlap, as in syzkaller's collide mode.
 * All bookkeeping runs under one lock (the "GIL") that a thread drops only
 * around its system calls: the calls overlap, the state stays consistent.
 * A check that compares a result with a slot (e.g. map_sg's length against
 * the table's) is skipped when the ctl file was closed or reopened while
 * the call ran (the fd number may then name another file).
 *
 * Faulting copies (FUZZ_OP_FAULT). The next ioctl's struct is copied to the
 * end of the first of two pages and straddles the second at a chosen
 * offset; the second is unmapped (copy-in fails), read-only (copy-out
 * fails) or write-protected with userfaultfd: the copy-out stalls in the
 * kernel, a handler thread acts meanwhile (mmaps the handle the struct
 * shows, as another thread would) and then makes the page read-only (the
 * call fails with -EFAULT) or writable (it succeeds). The oracle: -EFAULT
 * changes nothing.
 *
 * io_uring (FUZZ_OP_URING) through fuzz_sys.uring: liburing where it is
 * available (x86_64 guests), else the op is counted as unavailable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/program.h"
#include "lib/faultinj.h"
#include "lib/klog.h"
#include "lib/util.h"

#if defined(__has_include)
#if __has_include(<linux/userfaultfd.h>)
#include <linux/userfaultfd.h>
#endif
#if __has_include(<liburing.h>) && !defined(DMABENCH_NO_URING)
#include <liburing.h>
#ifdef IORING_SETUP_SQE128
#define HAVE_URING 1
_Static_assert(FUZZ_SQE_LINK == IOSQE_IO_LINK && FUZZ_SQE_ASYNC == IOSQE_ASYNC, "io_uring's SQE flags");
#endif
#endif
#endif

#define SEGBUF_N	(65536 + 1)
#define LAT_MAX_ITERS	16		/* FUZZ_OP_LAT: iterations at most */
#define LAT_MAX_THREADS	3		/* and kernel threads (3 > a fuzz VM's 2 vCPUs: -E2BIG) */
#define LAT_SAMPLES	(LAT_MAX_THREADS * LAT_MAX_ITERS)	/* one side's samples */
#define LAT_BUDGET_NS	50000000ULL	/* and this budget (the loop stops after it) */
#define MAX_SPARE_FDS	16

/* ------------------------------------------------------------ system calls */

static int real_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int real_close(int fd)
{
	return close(fd) ? -errno : 0;
}

static int real_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static void *real_mmap(size_t len, int fd, uint64_t off, int *err)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);

	*err = p == MAP_FAILED ? errno : 0;
	return p;
}

static int real_munmap(void *addr, size_t len)
{
	return munmap(addr, len) ? -errno : 0;
}

#ifdef HAVE_URING
struct ring {
	struct io_uring ring;
	uint64_t seq;		/* user_data = seq << 8 | index: a late CQE of an older batch is dropped */
};

static int real_uring(void **rp, bool sqe128, int fd, const struct fuzz_uring_sqe *q, unsigned int n, int *res,
		      bool *came, unsigned int *got, double timeout_s)
{
	struct ring *u = *rp;
	double deadline = dmab_now() + timeout_s;
	unsigned int i;
	int ret, submitted;

	*got = 0;
	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return -ENOMEM;
		/* SUBMIT_ALL: an SQE that fails at submission does not leave the rest in the ring */
		ret = io_uring_queue_init(16, &u->ring, IORING_SETUP_SUBMIT_ALL | (sqe128 ? IORING_SETUP_SQE128 : 0));
		if (ret) {
			free(u);
			return ret;
		}
		*rp = u;
	}
	u->seq++;
	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

		if (!sqe)
			return -EBUSY;
		if (q[i].nop) {
			io_uring_prep_nop(sqe);
		} else {
			io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
			sqe->cmd_op = q[i].op;
			memcpy(sqe->cmd, &q[i].cmd, sizeof(q[i].cmd));
			if (sqe128 && q[i].tail_nonzero)
				sqe->cmd[DMABENCH_URING_CMD_BYTES + 7] = 0x5a;
		}
		sqe->flags |= (uint8_t)q[i].flags;
		sqe->user_data = u->seq << 8 | i;
	}
	submitted = io_uring_submit(&u->ring);
	if (submitted < 0)
		return submitted;
	while (*got < (unsigned int)submitted) {
		double left = deadline - dmab_now();
		struct __kernel_timespec ts;
		struct io_uring_cqe *cqe;

		if (left <= 0)
			break;
		ts.tv_sec = (long long)left;
		ts.tv_nsec = (long long)((left - (double)ts.tv_sec) * 1e9);
		ret = io_uring_wait_cqe_timeout(&u->ring, &cqe, &ts);
		if (ret == -ETIME)
			break;
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			return ret;
		if (cqe->user_data >> 8 == u->seq && (cqe->user_data & 0xff) < n && !came[cqe->user_data & 0xff]) {
			came[cqe->user_data & 0xff] = true;
			res[cqe->user_data & 0xff] = cqe->res;
			(*got)++;
		}
		io_uring_cqe_seen(&u->ring, cqe);
	}
	return 0;
}

static void real_uring_free(void *rp)
{
	struct ring *u = rp;

	if (u) {
		io_uring_queue_exit(&u->ring);
		free(u);
	}
}
#else
static int real_uring(void **rp, bool sqe128, int fd, const struct fuzz_uring_sqe *q, unsigned int n, int *res,
		      bool *came, unsigned int *got, double timeout_s)
{
	(void)rp; (void)sqe128; (void)fd; (void)q; (void)n; (void)res; (void)came; (void)timeout_s;
	*got = 0;
	return -EOPNOTSUPP;
}

static void real_uring_free(void *rp)
{
	(void)rp;
}
#endif

const struct fuzz_sys fuzz_sys_real = {
	.open = real_open, .close = real_close, .ioctl = real_ioctl, .mmap = real_mmap,
	.munmap = real_munmap, .uring = real_uring, .uring_free = real_uring_free,
};

/* ------------------------------------------------------------ release together */

/*
 * A barrier that releases its threads as close together as it can: the
 * last to arrive bumps a generation the others spin on for a while (so
 * that on separate vCPUs they leave within a few microseconds, as
 * syzkaller's collide mode wants), then sleep on it (futex) so that more
 * threads than vCPUs do not burn the CPU.
 */
struct xbar {
	unsigned int n;		/* threads it waits for */
	unsigned int count, gen, sleepers;
};

#define XBAR_SPIN	4096

static void xbar_init(struct xbar *b, unsigned int n)
{
	memset(b, 0, sizeof(*b));
	b->n = n;
}

static void xbar_wait(struct xbar *b)
{
	unsigned int gen = __atomic_load_n(&b->gen, __ATOMIC_SEQ_CST);

	if (__atomic_add_fetch(&b->count, 1, __ATOMIC_SEQ_CST) == b->n) {
		__atomic_store_n(&b->count, 0, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&b->gen, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&b->sleepers, __ATOMIC_SEQ_CST))
			syscall(SYS_futex, &b->gen, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
		return;
	}
	for (int i = 0; i < XBAR_SPIN; i++) {
		if (__atomic_load_n(&b->gen, __ATOMIC_ACQUIRE) != gen)
			return;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
	__atomic_add_fetch(&b->sleepers, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&b->gen, __ATOMIC_SEQ_CST) == gen)
		syscall(SYS_futex, &b->gen, FUTEX_WAIT_PRIVATE, gen, NULL, NULL, 0);
	__atomic_sub_fetch(&b->sleepers, 1, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------ executor state */

enum slot_kind { SLOT_EMPTY, SLOT_ALLOC, SLOT_SGT, SLOT_MAP, SLOT_STALE };

struct slot {
	enum slot_kind kind;
	uint32_t handle;
	uint32_t api, dir;
	uint64_t size;		/* alloc: bytes; sgt: total_len; map: dma_len */
	uint64_t held;		/* memory it holds (alloc, map_single), for the budget */
};

struct shared;

/* One thread's resources, kept across programs. */
struct thr {
	struct fuzz_exec_state *x;
	unsigned int id;
	pthread_t th;
	bool started;
	struct dmabench_seg *segbuf;	/* SEGBUF_N segments */
	uint32_t *lat_buf;		/* 3 x LAT_SAMPLES samples (a, b, calib), 2 x DMABENCH_HIST_BUCKETS */
	int failnth_fd;			/* this thread's fail-nth (thread 0: fuzz_ctx.failnth_fd) */
	void *ring[2];			/* io_uring: 64- and 128-byte SQEs */
	/* two pages; the second one faults (FUZZ_OP_FAULT) */
	uint8_t *area;
	bool wp_ok;			/* the second page is registered with the userfaultfd (write-protect) */
	/* for the userfaultfd handler: set before the stalling call, read after it */
	int f_fd;			/* the ctl file of the call */
	bool f_mmap, f_allow;		/* mmap the handle while stalled; then let the copy succeed */
	int f_handle_off;		/* where the struct has its handle, -1: none */
	uint8_t *f_dst;			/* the struct */
	size_t f_maplen;
	uint32_t f_guess;		/* the handle expected when the struct shows none */
	volatile int f_faulted;
	void *f_map;			/* the handler's mmap of the handle (NULL: none or failed) */
	int f_map_err;
	uint32_t f_handle;
	bool f_handle_seen;		/* f_handle is the one the kernel wrote into the struct, not the guess */
};

struct fuzz_exec_state {
	struct fuzz_ctx *c;
	size_t ps;
	struct thr thr[FUZZ_THREADS];
	/* the pool: workers wait for a program (job), run their thread's ops, report done */
	pthread_mutex_t mu;
	pthread_cond_t cv, done_cv;
	unsigned long job;
	unsigned int job_threads, done;
	struct shared *job_s;
	bool quit;
	struct xbar bar;		/* a phase starts: every thread finished the one before */
	struct xbar go;			/* every thread prepared its first call of the phase: all enter the kernel */
	/* userfaultfd and its handler thread */
	int uffd;
	pthread_t uffd_th;
	bool uffd_started;
	volatile int uffd_quit;
	/* kernel log: known reports may span programs */
	struct dmab_klog_scan scan;
};

/* One program's state, shared by its threads (under gil when nthreads > 1). */
struct shared {
	struct fuzz_ctx *c;
	struct fuzz_result *res;
	const struct fuzz_program *p;
	struct fuzz_sched sched;
	unsigned int nthreads;
	pthread_mutex_t gil;
	int fd;				/* the ctl file, -1 closed */
	unsigned int gen;		/* bumped by every close / reopen of the ctl file */
	uint32_t last_handle;		/* highest handle seen in the current ctl file */
	bool stop;			/* reopen failed: no ctl file, end the program */
	struct slot slots[FUZZ_SLOTS];
	struct { void *addr; size_t len; } maps[FUZZ_MAX_MMAPS];
	unsigned int nmaps;
	int fds[FUZZ_FDS];		/* dma-buf fds, -1 none */
	int spare[MAX_SPARE_FDS];	/* fds a later export replaced: closed at the end */
	unsigned int nspare;
	unsigned int verifies;
	uint64_t live_bytes;		/* memory held by this program's allocations and single mappings */
	uint64_t mask_changed;		/* devices (by id < 64) whose DMA mask a SET_MASK changed */
};

/* One thread's view of the program. */
struct run {
	struct shared *s;
	struct fuzz_ctx *c;
	struct fuzz_result *res;
	struct thr *t;
	unsigned int opi;
	unsigned int code, prev_code;	/* opcode of this and the previous operation (+1) */
	unsigned int failnth;		/* FAILNTH pending for the next op */
	bool at_start;			/* this phase's first system call not made yet: wait for the others at x->go */
	bool fault;			/* FAULT pending for the next ioctl of the next op */
	uint8_t fault_mode, fault_off, fault_action;
	size_t fault_maplen;
};

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

/* ------------------------------------------------- system calls of a thread */

/*
 * With threads, the bookkeeping lock is dropped around every system call;
 * the first call of each thread in a phase waits until every thread has
 * prepared its own, then they all enter the kernel together.
 */
static void gil_drop(struct run *r)
{
	if (r->s->nthreads > 1) {
		pthread_mutex_unlock(&r->s->gil);
		if (r->at_start) {
			r->at_start = false;
			xbar_wait(&r->c->x->go);
		}
	}
}

static void gil_take(struct run *r)
{
	if (r->s->nthreads > 1)
		pthread_mutex_lock(&r->s->gil);
}

static int sys_ioctl(struct run *r, int fd, unsigned long cmd, void *arg)
{
	int ret;

	gil_drop(r);
	ret = r->c->sys->ioctl(fd, cmd, arg);
	gil_take(r);
	return ret;
}

static int sys_close(struct run *r, int fd)
{
	int ret;

	gil_drop(r);
	ret = r->c->sys->close(fd);
	gil_take(r);
	return ret;
}

static void *sys_mmap(struct run *r, size_t len, int fd, uint64_t off, int *err)
{
	void *p;

	gil_drop(r);
	p = r->c->sys->mmap(len, fd, off, err);
	gil_take(r);
	return p;
}

static void sys_munmap(struct run *r, void *addr, size_t len)
{
	gil_drop(r);
	r->c->sys->munmap(addr, len);
	gil_take(r);
}

static void stats_of(struct fuzz_ctx *c, struct dmabench_stats *s, int *ret)
{
	memset(s, 0, sizeof(*s));
	*ret = c->sys->ioctl(c->obs_fd, DMABENCH_IOC_STATS, s);
}

/* The objects a file holds: everything STATS counts but open files. */
static int objs_equal(const struct dmabench_stats *a, const struct dmabench_stats *b)
{
	return a->live_allocs == b->live_allocs && a->live_sgtables == b->live_sgtables &&
	       a->live_mappings == b->live_mappings && a->live_mmaps == b->live_mmaps &&
	       a->alloc_bytes == b->alloc_bytes && a->kva_bytes == b->kva_bytes;
}

static int live_equal(const struct dmabench_stats *a, const struct dmabench_stats *b)
{
	return objs_equal(a, b) && a->open_files == b->open_files;
}

static void see_handle(struct run *r, uint32_t h)
{
	if (h > r->s->last_handle && h < 0x80000000u)
		r->s->last_handle = h;
}

/* ------------------------------------------------------------ faulting copies */

/* Ioctls that create an object (its handle in the struct) or an fd. */
static const struct {
	unsigned long cmd;
	int handle_off, fd_off;
} creators[] = {
	{ DMABENCH_IOC_ALLOC, offsetof(struct dmabench_alloc, handle), -1 },
	{ DMABENCH_IOC_GET_SGTABLE, offsetof(struct dmabench_sgtable, handle), -1 },
	{ DMABENCH_IOC_MAP_SG, offsetof(struct dmabench_map_sg, handle), -1 },
	{ DMABENCH_IOC_MAP_SINGLE, offsetof(struct dmabench_map_single, handle), -1 },
	{ DMABENCH_IOC_DMABUF_ATTACH, offsetof(struct dmabench_dmabuf_attach, handle), -1 },
	{ DMABENCH_IOC_DMABUF_EXPORT, -1, offsetof(struct dmabench_dmabuf_export, fd) },
};

static int creator_of(unsigned long cmd)
{
	for (unsigned int i = 0; i < sizeof(creators) / sizeof(creators[0]); i++)
		if (creators[i].cmd == cmd)
			return (int)i;
	return -1;
}

#ifdef UFFDIO_WRITEPROTECT_MODE_WP
static int wp_set(struct fuzz_exec_state *x, uint8_t *page, bool on)
{
	struct uffdio_writeprotect wp;

	memset(&wp, 0, sizeof(wp));
	wp.range.start = (uintptr_t)page;
	wp.range.len = x->ps;
	wp.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0;	/* clearing it also wakes a stalled fault */
	return ioctl(x->uffd, UFFDIO_WRITEPROTECT, &wp) ? -errno : 0;
}

/* The handler: a write into a protected page stalls the kernel's copy-out until this acts. */
static void *uffd_main(void *arg)
{
	struct fuzz_exec_state *x = arg;

	while (!x->uffd_quit) {
		struct pollfd pfd = { .fd = x->uffd, .events = POLLIN };
		struct uffd_msg msg;
		uintptr_t addr, page;
		struct thr *t = NULL;

		if (poll(&pfd, 1, 50) != 1)	/* 50 ms: fuzz_ctx_fini() waits at most that for it */
			continue;
		if (read(x->uffd, &msg, sizeof(msg)) != (ssize_t)sizeof(msg) || msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		addr = (uintptr_t)msg.arg.pagefault.address;
		page = addr & ~(uintptr_t)(x->ps - 1);
		for (unsigned int i = 0; i < FUZZ_THREADS; i++)
			if (x->thr[i].area && page == (uintptr_t)x->thr[i].area + x->ps)
				t = &x->thr[i];
		if (t) {
			uint8_t *second = t->area + x->ps;
			uint32_t h = 0;

			/* the handle, if the kernel wrote it before it reached this page */
			if (t->f_handle_off >= 0 && t->f_dst + t->f_handle_off + 4 <= second)
				memcpy(&h, t->f_dst + t->f_handle_off, 4);
			t->f_handle_seen = h != 0;
			if (!h)
				h = t->f_guess;
			t->f_handle = h;
			if (t->f_mmap && h && t->f_fd >= 0) {
				int err = 0;
				void *p = x->c->sys->mmap(t->f_maplen, t->f_fd, (uint64_t)h * x->ps, &err);

				t->f_map = p == MAP_FAILED ? NULL : p;
				t->f_map_err = err;
			}
			if (!t->f_allow)
				mprotect(second, x->ps, PROT_READ);
			__sync_synchronize();
			t->f_faulted = 1;
		}
		wp_set(x, (uint8_t *)page, false);
	}
	return NULL;
}
#endif

/* The two pages of a thread, the second registered for write-protect faults when possible. */
static int area_setup(struct fuzz_exec_state *x, struct thr *t)
{
	if (t->area)
		return 0;
	t->area = mmap(NULL, 2 * x->ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->area == MAP_FAILED) {
		t->area = NULL;
		return -ENOMEM;
	}
	memset(t->area, 0, 2 * x->ps);	/* present: write-protect needs the pages populated */
#ifdef UFFDIO_WRITEPROTECT_MODE_WP
	if (x->uffd >= 0) {
		struct uffdio_register reg;

		memset(&reg, 0, sizeof(reg));
		reg.range.start = (uintptr_t)t->area + x->ps;
		reg.range.len = x->ps;
		reg.mode = UFFDIO_REGISTER_MODE_WP;
		t->wp_ok = !ioctl(x->uffd, UFFDIO_REGISTER, &reg) &&
			   (reg.ioctls & (1ULL << _UFFDIO_WRITEPROTECT));
	}
#endif
	return 0;
}

static bool fd_is_ours(struct run *r, int fd)
{
	struct fuzz_ctx *c = r->c;

	if (fd == r->s->fd || fd == c->obs_fd || fd == c->kmsg_fd || fd == c->dma_api_fd || fd == c->failnth_fd)
		return true;
	for (unsigned int i = 0; i < FUZZ_FDS; i++)
		if (r->s->fds[i] == fd)
			return true;
	for (unsigned int i = 0; i < r->s->nspare; i++)
		if (r->s->spare[i] == fd)
			return true;
	return false;
}

/* A dma-buf fd nobody asked for (after an export that failed). */
static bool stray_dmabuf(struct run *r, int fd)
{
	char link[64], target[128];
	ssize_t n;

	if (fd < 3 || fd_is_ours(r, fd) || r->c->sys != &fuzz_sys_real)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = 0;
	return strstr(target, "dmabuf") != NULL;
}

/*
 * The ioctl with its struct straddling the thread's second page at offset
 * fault_off (modulo the size + 1), per fault_mode: 0 unmapped, 1 read-only,
 * 2 write-protected (stall, mmap the handle if fault_action is odd, then
 * read-only), 3 the same, then writable. Checks that -EFAULT changed
 * nothing.
 */
static int fault_ioctl(struct run *r, int fd, unsigned long cmd, void *arg)
{
	struct fuzz_exec_state *x = r->c->x;
	struct thr *t = r->t;
	size_t size = _IOC_SIZE(cmd), k;
	int mode = r->fault_mode % 4, ci = creator_of(cmd), ret, sret = -1;
	bool single = r->s->nthreads == 1, stalled = false;
	unsigned int gen = r->s->gen;
	struct dmabench_stats s0, s1;
	uint8_t *second, *dst;
	uint32_t h = 0, h_in = 0;

	if (!size || size > x->ps || area_setup(x, t))
		return sys_ioctl(r, fd, cmd, arg);
	second = t->area + x->ps;
	k = r->fault_off % (size + 1);
	dst = second - k;
	memcpy(dst, arg, size);
	if (ci >= 0 && creators[ci].handle_off >= 0)
		memcpy(&h_in, dst + creators[ci].handle_off, 4);
	if (single && ci >= 0)
		stats_of(r->c, &s0, &sret);
	if (mode >= 2 && !t->wp_ok)
		mode = mode == 2 ? 1 : -1;	/* no userfaultfd: read-only, or a plain call */
	r->res->faults++;
	switch (mode) {
	case 0:
		mprotect(second, x->ps, PROT_NONE);
		break;
	case 1:
		mprotect(second, x->ps, PROT_READ);
		break;
#ifdef UFFDIO_WRITEPROTECT_MODE_WP
	case 2:
	case 3:
		t->f_fd = fd;
		t->f_mmap = r->fault_action & 1;
		t->f_allow = mode == 3;
		t->f_handle_off = ci >= 0 ? creators[ci].handle_off : -1;
		t->f_dst = dst;
		t->f_maplen = r->fault_maplen ? r->fault_maplen : x->ps;
		t->f_guess = r->s->last_handle + 1;
		t->f_map = NULL;
		t->f_map_err = 0;
		t->f_handle = 0;
		t->f_handle_seen = false;
		t->f_faulted = 0;
		__sync_synchronize();
		stalled = !wp_set(x, second, true);
		break;
#endif
	default:
		break;
	}
	ret = sys_ioctl(r, fd, cmd, dst);
#ifdef UFFDIO_WRITEPROTECT_MODE_WP
	if (stalled && !t->f_faulted)
		wp_set(x, second, false);	/* the call never wrote there */
#endif
	mprotect(second, x->ps, PROT_READ | PROT_WRITE);
	memcpy(arg, dst, size);
	sig(r, 10, (uint32_t)mode, (uint32_t)(k * 4 / (size + 1)), (uint32_t)-ret);
	if (stalled)
		sig(r, 11, t->f_faulted, t->f_map != NULL, (uint32_t)-ret);

	if (ci >= 0 && creators[ci].handle_off >= 0) {
		memcpy(&h, (uint8_t *)arg + creators[ci].handle_off, 4);
		if (h == h_in)
			h = 0;		/* not written by the kernel */
		see_handle(r, h);
	}
	if (ret == -EFAULT && ci >= 0) {
		bool same = gen == r->s->gen && fd == r->s->fd;

		if (sret == 0) {	/* one thread: nothing else changed the counters meanwhile */
			stats_of(r->c, &s1, &sret);
			if (!sret && !objs_equal(&s0, &s1))
				finding(r, FUZZ_FAULT_STATE,
					"op %u %s: -EFAULT (struct at page offset -%zu of %zu) but the counters moved: allocs %llu->%llu sgtables %llu->%llu mappings %llu->%llu mmaps %llu->%llu",
					r->opi, fuzz_op_name(r->code - 1), k, size,
					(unsigned long long)s0.live_allocs, (unsigned long long)s1.live_allocs,
					(unsigned long long)s0.live_sgtables, (unsigned long long)s1.live_sgtables,
					(unsigned long long)s0.live_mappings, (unsigned long long)s1.live_mappings,
					(unsigned long long)s0.live_mmaps, (unsigned long long)s1.live_mmaps);
		}
		/* the guess may be another thread's object: only this call's own handle, or one thread */
		if (stalled && t->f_map && (t->f_handle_seen || single))
			finding(r, FUZZ_FAULT_STATE,
				"op %u %s: -EFAULT, yet handle %u could be mmapped while its copy-out stalled",
				r->opi, fuzz_op_name(r->code - 1), t->f_handle);
		if (!h && single && same && creators[ci].handle_off >= 0)
			h = r->s->last_handle + 1;	/* handles are sequential in a file */
		if (h && same) {	/* the object must not exist: FREE of it is -EBADF */
			struct dmabench_handle fh;
			int fr;

			memset(&fh, 0, sizeof(fh));
			fh.handle = h;
			fr = sys_ioctl(r, fd, DMABENCH_IOC_FREE, &fh);
			if (fr == 0 || fr == -EBUSY)
				finding(r, FUZZ_FAULT_STATE, "op %u %s: -EFAULT but handle %u %s", r->opi,
					fuzz_op_name(r->code - 1), h,
					fr ? "is live and busy (FREE: -EBUSY)" : "was live (FREE of it succeeded)");
		}
		if (creators[ci].fd_off >= 0 && single && (size_t)creators[ci].fd_off + 4 <= k) {
			int nfd;

			memcpy(&nfd, (uint8_t *)arg + creators[ci].fd_off, 4);
			if (stray_dmabuf(r, nfd)) {
				finding(r, FUZZ_FAULT_STATE, "op %u %s: -EFAULT but dma-buf fd %d is open",
					r->opi, fuzz_op_name(r->code - 1), nfd);
				sys_close(r, nfd);
			}
		}
	}
	if (stalled && t->f_map)
		sys_munmap(r, t->f_map, t->f_maplen);
	return ret;
}

/* Every ioctl of an op: the pending FAULT, if any, applies to the first. */
static int xioctl(struct run *r, int fd, unsigned long cmd, void *arg)
{
	if (r->fault) {
		r->fault = false;
		return fault_ioctl(r, fd, cmd, arg);
	}
	return sys_ioctl(r, fd, cmd, arg);
}

/* ---------------------------------------------------------------- selectors */

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
	return &r->s->slots[b % FUZZ_SLOTS];
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
static void segs_sel(struct run *r, uint8_t b, __u64 *ptr, __u32 *max)
{
	uintptr_t sb = (uintptr_t)r->t->segbuf;

	switch (b % 8) {
	case 0: *ptr = 0; *max = 0; break;
	case 1: *ptr = sb; *max = 1; break;
	case 2: *ptr = sb; *max = 16; break;
	case 6: *ptr = 8; *max = 16; break;			/* unmapped: -EFAULT */
	case 7: *ptr = sb; *max = (b & 0x80) ? 65537 : 65536; break;
	default: *ptr = sb; *max = 4096; break;
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
	    r->s->live_bytes + page_round(size) <= r->c->mem_budget)
		return 0;
	r->c->budget_skips++;
	sig(r, 8, 0, 0, 0);
	return 1;
}

/* Segments of a mapping (map_sg, dma-buf attach): inside the device's mask, summing to dma_len. */
static void check_segs(struct run *r, const char *what, uint32_t dev, __u64 segs, uint32_t segs_max,
		       uint32_t nents, uint64_t dma_len)
{
	uint64_t mask = dev < DMABENCH_MAX_DEVICES ? r->c->dma_mask[dev] : 0, sum = 0;
	struct dmabench_seg *sb = r->t->segbuf;

	if (segs != (uintptr_t)sb || nents > segs_max)
		return;
	for (uint32_t i = 0; i < nents; i++) {
		uint64_t s = sb[i].dma_addr, len = sb[i].length;

		sum += len;
		if (!len || s + len - 1 < s || (mask && s + len - 1 > mask)) {
			finding(r, FUZZ_SG_INVARIANT, "op %u %s: segment %u %#llx+%llu outside dma mask %#llx of dev %u",
				r->opi, what, i, (unsigned long long)s, (unsigned long long)len,
				(unsigned long long)mask, dev);
			return;
		}
	}
	if (sum != dma_len)
		finding(r, FUZZ_SG_INVARIANT, "op %u %s: segments sum %llu != dma_len %llu", r->opi, what,
			(unsigned long long)sum, (unsigned long long)dma_len);
}

/* ---------------------------------------------------------- the operations */

static void op_alloc(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_alloc a;
	uint32_t api = alloc_api(op->a[2]);
	uint64_t size;
	int ret;

	memset(&a, 0, sizeof(a));
	a.dev = dev_sel(r->c, op->a[1]);
	a.api = api;
	fuzz_op_size(op, &size);
	a.size = size;
	a.attrs = alloc_attrs(api, op->a[6], op->a[7]);
	a.dir = dir_for(op->a[8], api == DMABENCH_API_ATTRS ? 0 : 1u + op->a[8] % 3);
	if (over_budget(r, a.size))
		return;
	r->fault_maplen = a.size <= DMABENCH_MAX_ALLOC_SIZE ? page_round(a.size) : 0;
	ret = outcome(r, "alloc", xioctl(r, r->s->fd, DMABENCH_IOC_ALLOC, &a));
	if (ret)
		return;
	see_handle(r, a.handle);
	slot_set(slot_of(r, op->a[0]), SLOT_ALLOC, a.handle, api, a.dir, a.size);
	slot_of(r, op->a[0])->held = page_round(a.size);
	r->s->live_bytes += page_round(a.size);
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
	if (!outcome(r, "free", xioctl(r, r->s->fd, DMABENCH_IOC_FREE, &h)) && h.handle == s->handle) {
		s->kind = SLOT_EMPTY;
		r->s->live_bytes -= s->held <= r->s->live_bytes ? s->held : r->s->live_bytes;
		s->held = 0;
	}
}

static void op_sgtable(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_sgtable st;
	struct slot src = *slot_of(r, op->a[0]);
	struct dmabench_seg *sb = r->t->segbuf;

	memset(&st, 0, sizeof(st));
	st.alloc = src.handle;
	segs_sel(r, op->a[2], &st.segs, &st.segs_max);
	if (outcome(r, "sgtable", xioctl(r, r->s->fd, DMABENCH_IOC_GET_SGTABLE, &st)))
		return;
	see_handle(r, st.handle);
	if (st.nents < 1)
		finding(r, FUZZ_SG_INVARIANT, "op %u sgtable: nents 0", r->opi);
	if (st.segs == (uintptr_t)sb && st.nents <= st.segs_max) {
		uint64_t sum = 0;
		uint32_t i;

		for (i = 0; i < st.nents; i++)
			sum += sb[i].length;
		if (sum != st.total_len)
			finding(r, FUZZ_SG_INVARIANT, "op %u sgtable: segments sum %llu != total_len %llu",
				r->opi, (unsigned long long)sum, (unsigned long long)st.total_len);
	}
	slot_set(slot_of(r, op->a[1]), SLOT_SGT, st.handle, 0, 0, st.total_len);
	sig(r, 3, src.api, lg(st.nents), st.total_len == src.size);
}

static void op_map_sg(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_map_sg m;
	struct slot src = *slot_of(r, op->a[0]);
	unsigned int gen = r->s->gen;

	memset(&m, 0, sizeof(m));
	m.sgt = src.handle;
	m.dev = dev_sel(r->c, op->a[2]);
	m.dir = dir_for(op->a[3], 1u + op->a[3] % 3);
	m.attrs = map_attrs(op->a[4]);
	segs_sel(r, op->a[5], &m.segs, &m.segs_max);
	if (outcome(r, "map_sg", xioctl(r, r->s->fd, DMABENCH_IOC_MAP_SG, &m)))
		return;
	see_handle(r, m.handle);
	slot_set(slot_of(r, op->a[1]), SLOT_MAP, m.handle, 0, m.dir, m.dma_len);
	sig(r, 4, lg(m.nents_in) << 8 | lg(m.nents_mapped), m.nents_mapped < m.nents_in,
	    m.segs == (uintptr_t)r->t->segbuf && m.nents_mapped ? lg(r->t->segbuf[0].dma_addr) : 0);
	if (m.nents_mapped < 1 || m.nents_mapped > m.nents_in) {
		finding(r, FUZZ_SG_INVARIANT, "op %u map_sg: nents_mapped %u, nents_in %u", r->opi,
			m.nents_mapped, m.nents_in);
		return;
	}
	/* the table the slot described, unless another thread's reopen made the handle name another */
	if (src.kind == SLOT_SGT && m.dma_len != src.size && gen == r->s->gen)
		finding(r, FUZZ_SG_INVARIANT, "op %u map_sg: dma_len %llu != table length %llu",
			r->opi, (unsigned long long)m.dma_len, (unsigned long long)src.size);
	check_segs(r, "map_sg", m.dev, m.segs, m.segs_max, m.nents_mapped, m.dma_len);
}

static void op_sync(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_sync sy;
	struct slot *s = slot_of(r, op->a[0]);

	memset(&sy, 0, sizeof(sy));
	sy.handle = s->handle;
	sy.sync = op->a[1] < 0xf0 ? 1u + op->a[1] % 2 : (uint32_t)(op->a[1] & 0xf);
	sy.dir = dir_for(op->a[2], s->dir ? s->dir : DMABENCH_DIR_BIDIRECTIONAL);
	outcome(r, "sync", xioctl(r, r->s->fd, DMABENCH_IOC_SYNC, &sy));
}

static void op_mmap(struct run *r, const struct fuzz_op *op)
{
	struct slot *s = slot_of(r, op->a[0]);
	size_t len = s->kind == SLOT_ALLOC ? (s->size + page_size - 1) & ~(page_size - 1) : page_size;
	unsigned int kind = s->kind;
	unsigned char *p;
	size_t i;
	int e = 0;

	if (r->s->nmaps >= FUZZ_MAX_MMAPS)
		return;
	switch (op->a[1]) {
	case 0xfd: len += page_size; break;
	case 0xfe: len = len > page_size ? len - page_size : 2 * page_size; break;
	case 0xff: len = page_size; break;
	default: break;
	}
	r->res->ops_run++;
	p = sys_mmap(r, len, r->s->fd, (uint64_t)(op->a[1] == 0xfc ? 0 : s->handle) * page_size, &e);
	if (p == MAP_FAILED) {
		sig(r, 6, (uint32_t)e, kind, 0);
		if (fuzz_mmap_errno_ok(e))
			r->res->ops_err++;
		else if (unsupported_ok(r, e))
			r->res->ops_err++, r->res->ops_unsupported++;
		else
			finding(r, FUZZ_BAD_ERRNO, "op %u mmap: undocumented error %d (%s)", r->opi, e,
				strerror(e));
		return;
	}
	sig(r, 6, 0, kind, op->a[2] % 4);
	r->res->ops_ok++;
	if (r->c->sys != &fuzz_sys_real)
		goto keep;	/* a model's mapping: no memory to touch */
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
keep:
	if ((op->a[3] & 1) && r->s->nmaps < FUZZ_MAX_MMAPS) {
		r->s->maps[r->s->nmaps].addr = p;
		r->s->maps[r->s->nmaps++].len = len;
	} else {
		sys_munmap(r, p, len);
	}
}

static void op_map_single(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_map_single m;
	uint64_t mask;
	uint64_t size;

	memset(&m, 0, sizeof(m));
	m.dev = dev_sel(r->c, op->a[1]);
	m.dir = dir_for(op->a[2], 1u + op->a[2] % 3);
	fuzz_op_size(op, &size);
	m.size = size;
	m.attrs = map_attrs(op->a[6]);
	if (over_budget(r, m.size))
		return;
	if (outcome(r, "map_single", xioctl(r, r->s->fd, DMABENCH_IOC_MAP_SINGLE, &m)))
		return;
	see_handle(r, m.handle);
	slot_set(slot_of(r, op->a[0]), SLOT_MAP, m.handle, 0, m.dir, m.size);
	slot_of(r, op->a[0])->held = page_round(m.size);
	r->s->live_bytes += page_round(m.size);
	sig(r, 5, lg(m.dma_addr), lg(m.size), m.dir);
	mask = m.dev < DMABENCH_MAX_DEVICES ? r->c->dma_mask[m.dev] : 0;
	if (mask && m.dma_addr + m.size - 1 > mask)
		finding(r, FUZZ_SG_INVARIANT, "op %u map_single: dma %#llx+%llu outside dma mask %#llx of dev %u",
			r->opi, (unsigned long long)m.dma_addr, (unsigned long long)m.size,
			(unsigned long long)mask, m.dev);
}

/* The ctl file is gone: every slot's handle is stale, handles restart in the next file. */
static void ctl_gone(struct run *r)
{
	r->s->fd = -1;
	r->s->gen++;
	r->s->last_handle = 0;
	for (int i = 0; i < FUZZ_SLOTS; i++)
		if (r->s->slots[i].kind != SLOT_EMPTY)
			r->s->slots[i].kind = SLOT_STALE;	/* keep the handle: now stale */
}

static void op_reopen(struct run *r)
{
	int fd = r->s->fd;

	ctl_gone(r);
	if (fd >= 0)
		sys_close(r, fd);
	r->res->ops_run++;
	gil_drop(r);
	fd = r->c->sys->open(r->c->ctl_path, O_RDWR);
	gil_take(r);
	if (fd < 0) {
		finding(r, FUZZ_EXEC_ERROR, "op %u reopen %s: %s", r->opi, r->c->ctl_path, strerror(-fd));
		r->s->stop = true;
		return;
	}
	r->res->ops_ok++;
	while (r->s->fd >= 0) {	/* another thread reopened meanwhile: keep ours, close theirs (once) */
		int other = r->s->fd;

		ctl_gone(r);
		sys_close(r, other);	/* drops the lock: look again after it */
	}
	r->s->fd = fd;
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
		{ _IOWR(DMABENCH_IOC_MAGIC, 15, struct dmabench_alloc), 0 },	/* unknown nr */
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
	uintptr_t sb = (uintptr_t)r->t->segbuf;

	memset(&u, 0, sizeof(u));
	memcpy(u.b, op->raw, FUZZ_RAW_BYTES);
	/* never let the kernel write through a fuzzed pointer into this process */
	if (cmds[k].cmd == DMABENCH_IOC_GET_SGTABLE)
		u.st.segs = u.st.segs & 1 ? sb : 0;
	if (cmds[k].cmd == DMABENCH_IOC_MAP_SG)
		u.m.segs = u.m.segs & 1 ? sb : 0;
	if (cmds[k].cmd == DMABENCH_IOC_ALLOC)
		sz = u.a.size;
	if (cmds[k].cmd == DMABENCH_IOC_MAP_SINGLE)
		sz = u.ms.size;
	if (over_budget(r, sz))
		return;
	if (!outcome(r, "raw ioctl", xioctl(r, r->s->fd, cmds[k].cmd, &u)) && sz <= DMABENCH_MAX_ALLOC_SIZE) {
		r->s->live_bytes += page_round(sz);	/* not in a slot: held until the end */
		if (cmds[k].cmd == DMABENCH_IOC_ALLOC)
			see_handle(r, u.a.handle);
		if (cmds[k].cmd == DMABENCH_IOC_MAP_SINGLE)
			see_handle(r, u.ms.handle);
	}
}

/* VERIFY costs ~200 ms of device time: skipped (and counted) while VERIFYs took over verify_pct % of the time */
static bool verify_over_budget(struct run *r)
{
	if (!r->c->verify_pct || r->c->verify_ns * 100 <= (dmab_now_ns() - r->c->t0_ns) * r->c->verify_pct)
		return false;
	r->c->verify_skipped++;
	return true;
}

/* VERIFY's documented errors, besides the ioctl ones: no engine / kernel feature, a transfer that timed out */
static bool verify_errno_ok(int ret)
{
	return fuzz_errno_ok(-ret) || ret == -EOPNOTSUPP || ret == -ETIMEDOUT;
}

/*
 * One VERIFY, its device time charged to the budget above; signature: errno, probe (2) + mismatches (1),
 * blocked. The SET_MASK probe's never takes a pending faulting struct (it is not the next op's ioctl).
 */
static int verify_ioctl(struct run *r, struct dmabench_verify *v, bool probe)
{
	uint64_t t0 = dmab_now_ns();
	int ret;

	r->res->ops_run++;
	ret = probe ? sys_ioctl(r, r->s->fd, DMABENCH_IOC_VERIFY, v) : xioctl(r, r->s->fd, DMABENCH_IOC_VERIFY, v);
	r->c->verify_ns += dmab_now_ns() - t0;
	sig(r, 7, (uint32_t)-ret, (probe ? 2u : 0u) + (v->mismatches ? 1u : 0u), v->blocked);
	return ret;
}

static void op_verify(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_verify v;
	struct slot s = *slot_of(r, op->a[0]);
	unsigned int gen = r->s->gen;
	int ret;

	if (r->s->verifies++)
		return;
	if (verify_over_budget(r))
		return;
	memset(&v, 0, sizeof(v));
	v.handle = s.handle;
	v.pages = op->a[1] < 0xf0 ? 1 : (uint32_t)(op->a[1] & 0xf) * 8;	/* 0, 8 .. 120: -EINVAL, -E2BIG */
	v.len = op->a[2] & 0x80 ? 4095u + (op->a[2] & 1) : 1u + (op->a[2] & 0x3f);	/* 4096: -E2BIG */
	v.flags = op->a[2] & 0x40 ? DMABENCH_VERIFY_FILL : 0;
	v.seed = op->a[1];
	ret = verify_ioctl(r, &v, false);
	if (ret) {
		/* EACCES: the device may only write the mapping (FROM_DEVICE) */
		if (verify_errno_ok(ret) || ret == -EACCES)
			r->res->ops_err++;
		else
			finding(r, FUZZ_BAD_ERRNO, "op %u verify: undocumented error %d (%s)", r->opi, -ret,
				strerror(-ret));
		return;
	}
	r->res->ops_ok++;
	if (s.kind != SLOT_MAP || gen != r->s->gen)
		return;
	if (s.dir == DMABENCH_DIR_FROM_DEVICE)
		finding(r, FUZZ_CONTRACT, "op %u verify: the device read through a FROM_DEVICE mapping (handle %u); "
			"expected -EACCES", r->opi, s.handle);
	else if ((v.flags & DMABENCH_VERIFY_FILL) && v.mismatches && !v.blocked)
		finding(r, FUZZ_SG_INVARIANT, "op %u verify: device read %u of %llu bytes wrong (first at %llu)",
			r->opi, v.mismatches, (unsigned long long)v.bytes, (unsigned long long)v.first_mismatch);
}

/* ---------------------------------------------------------- the new operations */

/* SET_MASK bits: a1 < 0x80 one of 8 usual widths, < 0xf0 any of 12 .. 64, else invalid ones. */
static uint32_t mask_bits(uint8_t b)
{
	static const uint32_t usual[8] = { 24, 28, 32, 36, 40, 48, 63, 64 };
	static const uint32_t bad[4] = { 0, 11, 65, 0x80000000u };

	if (b >= 0xf0)
		return bad[b % 4];
	return b & 0x80 ? 12u + (b & 0x7f) % 53u : usual[b % 8];
}

static uint64_t bits_mask(uint32_t bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

/*
 * After a SET_MASK: probe the device accesses the module makes for itself under the new mask (VERIFY maps
 * its check page again after a mask change): a one-page BIDIRECTIONAL MAP_SINGLE on the device, a VERIFY
 * through it, the mapping freed. Shares VERIFY's time budget (verify_pct), not its one-per-program limit.
 */
static void mask_probe(struct run *r, uint32_t dev, uint8_t seed)
{
	struct dmabench_map_single m;
	struct dmabench_verify v;
	struct dmabench_handle h;
	int ret;

	if (r->s->fd < 0)
		return;
	if (verify_over_budget(r))
		return;
	memset(&m, 0, sizeof(m));
	m.dev = dev;
	m.dir = DMABENCH_DIR_BIDIRECTIONAL;
	m.size = page_size;
	ret = sys_ioctl(r, r->s->fd, DMABENCH_IOC_MAP_SINGLE, &m);
	r->res->ops_run++;
	if (ret) {
		if (!fuzz_errno_ok(-ret))
			finding(r, FUZZ_BAD_ERRNO, "op %u set_mask probe: map_single: undocumented error %d (%s)",
				r->opi, -ret, strerror(-ret));
		return;
	}
	memset(&v, 0, sizeof(v));
	v.handle = m.handle;
	v.pages = 1;
	v.len = 64;
	v.flags = DMABENCH_VERIFY_FILL;
	v.seed = seed;
	ret = verify_ioctl(r, &v, true);
	r->res->probes++;
	if (ret && !verify_errno_ok(ret))
		finding(r, FUZZ_BAD_ERRNO, "op %u set_mask probe: verify: undocumented error %d (%s)", r->opi, -ret,
			strerror(-ret));
	else if (!ret && v.mismatches && !v.blocked)
		finding(r, FUZZ_SG_INVARIANT, "op %u set_mask probe: verify: device read %u of %llu bytes wrong",
			r->opi, v.mismatches, (unsigned long long)v.bytes);
	memset(&h, 0, sizeof(h));
	h.handle = m.handle;
	ret = sys_ioctl(r, r->s->fd, DMABENCH_IOC_FREE, &h);
	if (ret && ret != -EBADF)	/* EBADF: another thread closed the file meanwhile */
		finding(r, FUZZ_EXEC_ERROR, "op %u set_mask probe: free of handle %u: %s", r->opi, m.handle,
			strerror(-ret));
}

static void op_set_mask(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_set_mask m;

	memset(&m, 0, sizeof(m));
	m.dev = dev_sel(r->c, op->a[0]);
	m.bits = mask_bits(op->a[1]);
	if (op->a[2] == 0xff)
		m.reserved[0] = 1;
	if (outcome(r, "set_mask", xioctl(r, r->s->fd, DMABENCH_IOC_SET_MASK, &m))) {
		sig(r, 12, 1, m.bits, 0);
		return;
	}
	sig(r, 12, 0, m.bits, 0);
	if (m.dev < DMABENCH_MAX_DEVICES) {
		r->c->dma_mask[m.dev] = r->c->coherent_mask[m.dev] = bits_mask(m.bits);
		if (m.dev < 64)
			r->s->mask_changed |= 1ULL << m.dev;
	}
	if ((op->a[2] & 1) && op->a[2] != 0xff)
		mask_probe(r, m.dev, op->a[1]);
}

static void op_lat(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_lat l;
	struct dmabench_stats s0, s1;
	uint32_t *sa = r->t->lat_buf, *sb = sa + LAT_SAMPLES, *sc = sb + LAT_SAMPLES;
	uint32_t *ha = sc + LAT_SAMPLES, *hb = ha + DMABENCH_HIST_BUCKETS, iters;
	int ret, sret = -1;

	memset(&l, 0, sizeof(l));
	l.op = op->a[0] < 0xf0 ? 1u + op->a[0] % DMABENCH_LAT_OP_MAX : (op->a[0] & 1 ? 0 : DMABENCH_LAT_OP_MAX + 1);
	l.dev = dev_sel(r->c, op->a[1]);
	l.dev2 = dev_sel(r->c, op->a[2]);
	l.api = alloc_api(op->a[3]);
	l.size = fuzz_size(op->a[4], (uint16_t)(op->a[5] | op->a[6] << 8));
	l.attrs = l.op == DMABENCH_LAT_MAP_SINGLE ? map_attrs(op->a[7]) : alloc_attrs(l.api, op->a[7], op->a[6]);
	l.dir = dir_for(op->a[8], (l.op == DMABENCH_LAT_ALLOC_FREE || l.op == DMABENCH_LAT_SGTABLE) &&
			l.api == DMABENCH_API_ATTRS ? 0 : 1u + op->a[8] % 3);
	/* bounded: at most LAT_MAX_ITERS iterations, and the budget; 0 and above the limit are refused */
	iters = op->a[9] == 0xf0 ? 0 : op->a[9] == 0xf1 ? DMABENCH_MAX_LAT_ITERS + 1 : 1u + op->a[9] % LAT_MAX_ITERS;
	l.iters = iters;
	/* a[9]'s high bits: kernel threads (2 or 3, with 0x80 in a[10]) and flags (7: an unknown one) */
	if (op->a[10] & 0x80)
		l.threads = 2u + (op->a[9] >> 4 & 1);
	l.flags = op->a[9] >> 5 == 7 ? 1u << 2 : op->a[9] >> 5 & (DMABENCH_LAT_CALIB | DMABENCH_LAT_KTHREAD);
	if ((l.flags & DMABENCH_LAT_CALIB) && (op->a[10] & 2))
		l.samples_c = (uintptr_t)sc;
	l.budget_ns = op->a[10] & 0x10 ? 1 : LAT_BUDGET_NS;
	if (op->a[10] & 1)
		l.samples_a = op->a[10] & 0x20 ? 8 : (uintptr_t)sa;	/* 8: unmapped, -EFAULT */
	if (op->a[10] & 2)
		l.samples_b = (uintptr_t)sb;
	if (op->a[10] & 4)
		l.hist_a = (uintptr_t)ha;
	if (op->a[10] & 8)
		l.hist_b = (uintptr_t)hb;
	if (op->a[10] & 0x40)
		l.reserved0 = 1;
	if (over_budget(r, l.size))
		return;
	if (r->s->nthreads == 1)
		stats_of(r->c, &s0, &sret);
	ret = outcome(r, "lat", xioctl(r, r->s->fd, DMABENCH_IOC_LAT, &l));
	sig(r, 13, l.op, (uint32_t)-ret, (uint32_t)-l.error << 8 | lg(l.n));
	if (!ret) {
		if (l.n > iters)
			finding(r, FUZZ_CONTRACT, "op %u lat: %u iterations done of %u", r->opi, l.n, iters);
		else if (l.error && (l.error > 0 || !fuzz_errno_ok(-l.error)))
			finding(r, FUZZ_BAD_ERRNO, "op %u lat: loop stopped with undocumented error %d", r->opi,
				l.error);
		else if (!l.error && !l.n)
			finding(r, FUZZ_CONTRACT, "op %u lat: no iteration and no error", r->opi);
		else if (l.threads > 1 && l.n && !l.wall_ns)
			finding(r, FUZZ_CONTRACT, "op %u lat: %u threads did %u iterations in wall_ns 0", r->opi,
				l.threads, l.n);
		else if (l.n && l.a.min_ns > l.a.max_ns)
			finding(r, FUZZ_CONTRACT, "op %u lat: min %llu > max %llu ns", r->opi,
				(unsigned long long)l.a.min_ns, (unsigned long long)l.a.max_ns);
		else if (l.samples_a == (uintptr_t)sa && l.a.max_ns < (1ULL << 32))
			for (uint32_t i = 0; i < l.n && i < LAT_MAX_ITERS; i++)
				if (sa[i] < l.a.min_ns || sa[i] > l.a.max_ns) {
					finding(r, FUZZ_CONTRACT, "op %u lat: sample %u = %u ns outside min..max %llu..%llu",
						r->opi, i, sa[i], (unsigned long long)l.a.min_ns,
						(unsigned long long)l.a.max_ns);
					break;
				}
	}
	if (sret == 0) {	/* LAT's objects are its own: none may be left */
		stats_of(r->c, &s1, &sret);
		if (!sret && !objs_equal(&s0, &s1))
			finding(r, FUZZ_LEAK, "op %u lat: objects left: allocs %llu->%llu sgtables %llu->%llu mappings %llu->%llu",
				r->opi, (unsigned long long)s0.live_allocs, (unsigned long long)s1.live_allocs,
				(unsigned long long)s0.live_sgtables, (unsigned long long)s1.live_sgtables,
				(unsigned long long)s0.live_mappings, (unsigned long long)s1.live_mappings);
	}
}

static void keep_fd(struct run *r, unsigned int idx, int fd)
{
	int old = r->s->fds[idx];

	r->s->fds[idx] = fd;
	if (old < 0)
		return;
	if (r->s->nspare < MAX_SPARE_FDS)
		r->s->spare[r->s->nspare++] = old;
	else
		sys_close(r, old);
}

static void op_export(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_dmabuf_export e;
	struct slot s = *slot_of(r, op->a[0]);
	unsigned int gen = r->s->gen;
	int ret;

	memset(&e, 0, sizeof(e));
	e.alloc = op->a[2] == 0xfe ? 0 : s.handle;
	if (op->a[2] == 0xff)
		e.reserved[0] = 1;
	e.fd = -1;
	r->res->ops_run++;
	ret = xioctl(r, r->s->fd, DMABENCH_IOC_DMABUF_EXPORT, &e);
	sig(r, 14, (uint32_t)-ret, s.kind, 0);
	if (ret) {
		if (fuzz_errno_ok(-ret) || ret == -EMFILE)
			r->res->ops_err++;
		else
			finding(r, FUZZ_BAD_ERRNO, "op %u export: undocumented error %d (%s)", r->opi, -ret,
				strerror(-ret));
		return;
	}
	r->res->ops_ok++;
	keep_fd(r, op->a[1] % FUZZ_FDS, e.fd);
	if (s.kind == SLOT_ALLOC && gen == r->s->gen && e.size != page_round(s.size))
		finding(r, FUZZ_CONTRACT, "op %u export: dma-buf size %llu for a %llu-byte allocation", r->opi,
			(unsigned long long)e.size, (unsigned long long)s.size);
}

static void op_attach(struct run *r, const struct fuzz_op *op)
{
	struct dmabench_dmabuf_attach at;

	memset(&at, 0, sizeof(at));
	switch (op->a[0]) {
	case 0xf0: at.fd = -1; break;
	case 0xf1: at.fd = r->s->fd; break;		/* not a dma-buf: -EINVAL */
	case 0xf2: at.fd = 0x7fffffff; break;		/* no such fd: -EBADF */
	case 0xf3: at.fd = r->c->obs_fd; break;
	default: at.fd = r->s->fds[op->a[0] % FUZZ_FDS]; break;
	}
	at.dev = dev_sel(r->c, op->a[1]);
	at.dir = dir_for(op->a[2], 1u + op->a[2] % 3);
	segs_sel(r, op->a[3], &at.segs, &at.segs_max);
	if (op->a[5] == 0xff)
		at.reserved[0] = 1;
	if (outcome(r, "attach", xioctl(r, r->s->fd, DMABENCH_IOC_DMABUF_ATTACH, &at))) {
		sig(r, 15, 1, at.fd < 0, 0);
		return;
	}
	see_handle(r, at.handle);
	slot_set(slot_of(r, op->a[4]), SLOT_MAP, at.handle, 0, at.dir, at.dma_len);
	sig(r, 15, 0, lg(at.nents_mapped), at.segs == (uintptr_t)r->t->segbuf && at.nents_mapped ?
	    lg(r->t->segbuf[0].dma_addr) : 0);
	if (at.nents_mapped < 1)
		finding(r, FUZZ_SG_INVARIANT, "op %u attach: nents_mapped 0", r->opi);
	else
		check_segs(r, "attach", at.dev, at.segs, at.segs_max, at.nents_mapped, at.dma_len);
}

static void op_close(struct run *r, const struct fuzz_op *op)
{
	int fd;

	if (op->a[0] >= 0x80) {	/* the ctl file: its objects go (or pass to their dma-bufs) */
		fd = r->s->fd;
		if (fd < 0)
			return;
		ctl_gone(r);
	} else {
		fd = r->s->fds[op->a[0] % FUZZ_FDS];
		r->s->fds[op->a[0] % FUZZ_FDS] = -1;
		if (fd < 0)
			return;
	}
	r->res->ops_run++;
	r->res->ops_ok++;
	sig(r, 16, op->a[0] >= 0x80, 0, 0);
	sys_close(r, fd);
}

/*
 * io_uring: a0 bits 0-1 SQEs - 1, bits 2-5 size class, bits 6-7 ring (1: 128-byte SQEs,
 * 2: and a nonzero reserved tail); a1, a2 size param; a3 device; a4 ALLOC attrs / MAP_SINGLE
 * dir; a5..a8 one byte per SQE: bits 0-1 ALLOC / MAP_SINGLE / FREE / NOP, bit 2 IOSQE_ASYNC,
 * bit 3 IOSQE_IO_LINK, bits 4-5 variant (1 bad cmd_op, 2 size 0 / FREE of the handle the
 * last create in this batch will get, 3 size above the limit / FREE with arg1 set);
 * a9, a10 the SQEs' slots, a nibble each (bits 0-2).
 */
static void op_uring(struct run *r, const struct fuzz_op *op)
{
	struct fuzz_uring_sqe q[FUZZ_URING_SQES];
	unsigned int n = 1 + (op->a[0] & 3), ring = op->a[0] >> 6, got = 0, i, creates = 0;
	uint8_t kind[FUZZ_URING_SQES], slot[FUZZ_URING_SQES];
	uint64_t size;
	uint32_t dev = dev_sel(r->c, op->a[3]);
	int res[FUZZ_URING_SQES] = { 0 }, ret;
	bool came[FUZZ_URING_SQES] = { false }, sqe128 = ring == 1 || ring == 2;
	unsigned int gen = r->s->gen;
	int fd = r->s->fd;

	/* no driver io_uring commands before 5.19 (INFO features): the op needs what the kernel lacks */
	if (!(r->c->features & DMABENCH_FEAT(DMABENCH_FEAT_URING_CMD))) {
		r->res->ops_run++;
		r->res->ops_err++;
		r->res->ops_unsupported++;
		r->c->uring_unavailable++;
		return;
	}
	fuzz_op_size(op, &size);
	memset(q, 0, sizeof(q));
	for (i = 0; i < n; i++) {
		uint8_t b = op->a[5 + i], variant = (b >> 4) & 3;

		kind[i] = b & 3;
		slot[i] = (uint8_t)((op->a[9 + i / 2] >> (4 * (i & 1))) & 7);
		q[i].flags = (b & 4 ? FUZZ_SQE_ASYNC : 0) | (b & 8 ? FUZZ_SQE_LINK : 0);
		q[i].tail_nonzero = ring == 2;
		if (kind[i] == 3) {
			q[i].nop = true;
			continue;
		}
		if (kind[i] == 2) {
			q[i].op = DMABENCH_URING_FREE;
			q[i].cmd.arg0 = variant == 2 ? r->s->last_handle + creates : slot_of(r, slot[i])->handle;
			if (variant == 3)
				q[i].cmd.arg1 = 1;
		} else {
			q[i].op = kind[i] ? DMABENCH_URING_MAP_SINGLE : DMABENCH_URING_ALLOC;
			q[i].cmd.arg0 = dev;
			q[i].cmd.arg1 = kind[i] ? dir_for(op->a[4], 1u + op->a[4] % 3) :
					(uint32_t)alloc_attrs(DMABENCH_API_ATTRS, op->a[4], op->a[2]);
			q[i].cmd.size = variant == 2 ? 0 : variant == 3 ? DMABENCH_MAX_ALLOC_SIZE + 1 : size;
			if (over_budget(r, q[i].cmd.size)) {	/* keeps the batch's shape */
				q[i].nop = true;
				kind[i] = 3;
				continue;
			}
			creates++;
		}
		if (variant == 1)
			q[i].op = b & 0x40 ? 0 : DMABENCH_URING_OP_MAX + 1;
	}
	r->res->ops_run += n;
	gil_drop(r);
	ret = r->c->sys->uring(&r->t->ring[sqe128], sqe128, fd, q, n, res, came, &got, FUZZ_URING_TIMEOUT_S);
	gil_take(r);
	r->res->cqes += got;
	if (ret == -EOPNOTSUPP || ret == -ENOSYS || ret == -EPERM) {
		r->c->uring_unavailable++;
		return;
	}
	if (ret) {
		finding(r, FUZZ_EXEC_ERROR, "op %u uring: submission failed: %s", r->opi, strerror(-ret));
		return;
	}
	if (got < n) {
		for (i = 0; i < n && came[i]; i++)
			;
		finding(r, FUZZ_URING, "op %u uring: %u of %u CQEs within %d s; SQE %u (%s%s%s) never completed",
			r->opi, got, n, FUZZ_URING_TIMEOUT_S, i,
			kind[i] == 0 ? "alloc" : kind[i] == 1 ? "map_single" : kind[i] == 2 ? "free" : "nop",
			q[i].flags & FUZZ_SQE_ASYNC ? ", IOSQE_ASYNC" : "", q[i].flags & FUZZ_SQE_LINK ? ", IOSQE_IO_LINK" : "");
		return;
	}
	for (i = 0; i < n; i++) {
		bool linked = i && (q[i - 1].flags & FUZZ_SQE_LINK), prev_failed = i && res[i - 1] < 0;
		const char *name = kind[i] == 0 ? "alloc" : kind[i] == 1 ? "map_single" : kind[i] == 2 ? "free" : "nop";

		sig(r, 17, (uint32_t)kind[i] << 8 | q[i].flags, (uint32_t)(res[i] < 0 ? -res[i] : 0), linked);
		if (res[i] == -ECANCELED) {
			if (!(linked && prev_failed)) {
				finding(r, FUZZ_URING, "op %u uring: SQE %u (%s) cancelled although the SQE it is linked "
					"to returned %d", r->opi, i, name, i ? res[i - 1] : 0);
				return;
			}
			r->res->ops_err++;
			continue;
		}
		if (linked && prev_failed) {
			finding(r, FUZZ_URING, "op %u uring: SQE %u (%s) ran (res %d) after the SQE it is linked to "
				"failed (%d)", r->opi, i, name, res[i], res[i - 1]);
			return;
		}
		if (res[i] < 0) {
			/* EOPNOTSUPP: io_uring's own, for a file without uring_cmd (the fd number named another
			 * file after a close raced the submission) */
			if (fuzz_errno_ok(-res[i]) || res[i] == -EOPNOTSUPP)
				r->res->ops_err++;
			else
				finding(r, FUZZ_BAD_ERRNO, "op %u uring: SQE %u (%s): undocumented error %d (%s)",
					r->opi, i, name, -res[i], strerror(-res[i]));
			continue;
		}
		r->res->ops_ok++;
		if (kind[i] >= 2) {
			if (res[i] != 0)
				finding(r, FUZZ_CONTRACT, "op %u uring: SQE %u (%s) returned %d, expected 0", r->opi, i,
					name, res[i]);
			if (kind[i] == 2 && gen == r->s->gen && slot_of(r, slot[i])->handle == q[i].cmd.arg0) {
				struct slot *s = slot_of(r, slot[i]);

				s->kind = SLOT_EMPTY;
				r->s->live_bytes -= s->held <= r->s->live_bytes ? s->held : r->s->live_bytes;
				s->held = 0;
			}
			continue;
		}
		if (gen != r->s->gen)
			continue;
		see_handle(r, (uint32_t)res[i]);
		slot_set(slot_of(r, slot[i]), kind[i] ? SLOT_MAP : SLOT_ALLOC, (uint32_t)res[i],
			 kind[i] ? 0 : DMABENCH_API_ATTRS, kind[i] ? q[i].cmd.arg1 : 0, q[i].cmd.size);
		slot_of(r, slot[i])->held = page_round(q[i].cmd.size);
		r->s->live_bytes += page_round(q[i].cmd.size);
	}
}

/* ------------------------------------------------------------- one op, one thread */

static void exec_op(struct run *r, unsigned int i)
{
	const struct fuzz_program *p = r->s->p;
	const struct fuzz_op *op = &p->ops[i];
	struct fuzz_ctx *c = r->c;
	int nfd = r->t->id ? r->t->failnth_fd : c->failnth_fd;
	bool armed = false;

	r->opi = i;
	r->code = op->code + 1u;
	switch (op->code) {	/* modifiers of this thread's next op */
	case FUZZ_OP_THREAD:
		return;
	case FUZZ_OP_FAILNTH:
		r->failnth = 1 + op->a[0] % 16;
		r->prev_code = r->code;
		return;
	case FUZZ_OP_FAULT:
		r->fault = true;
		r->fault_mode = op->a[0];
		r->fault_off = op->a[1];
		r->fault_action = op->a[2];
		r->prev_code = r->code;
		return;
	default:
		break;
	}
	/* not before a reopen: a failed open() of the ctl file ends the program */
	if (r->failnth && op->code != FUZZ_OP_REOPEN && nfd >= 0 && !dmab_failnth_set(nfd, r->failnth)) {
		armed = true;
		c->failnth_armed++;
	}
	r->failnth = 0;
	r->fault_maplen = 0;
	switch (op->code) {
	case FUZZ_OP_ALLOC: op_alloc(r, op); break;
	case FUZZ_OP_FREE: op_free(r, op); break;
	case FUZZ_OP_SGTABLE: op_sgtable(r, op); break;
	case FUZZ_OP_MAP_SG: op_map_sg(r, op); break;
	case FUZZ_OP_SYNC: op_sync(r, op); break;
	case FUZZ_OP_MMAP: op_mmap(r, op); break;
	case FUZZ_OP_MAP_SINGLE: op_map_single(r, op); break;
	case FUZZ_OP_REOPEN: op_reopen(r); break;
	case FUZZ_OP_RAW: op_raw(r, op); break;
	case FUZZ_OP_VERIFY: op_verify(r, op); break;
	case FUZZ_OP_URING: op_uring(r, op); break;
	case FUZZ_OP_SET_MASK: op_set_mask(r, op); break;
	case FUZZ_OP_LAT: op_lat(r, op); break;
	case FUZZ_OP_EXPORT: op_export(r, op); break;
	case FUZZ_OP_ATTACH: op_attach(r, op); break;
	case FUZZ_OP_CLOSE: op_close(r, op); break;
	default: break;
	}
	r->fault = false;	/* a FAULT applies to the next op only */
	if (armed) {	/* an op that allocated less than n times leaves it armed */
		unsigned int left = 1;

		if (!dmab_failnth_get(nfd, &left) && !left)
			c->failnth_hit++;
		dmab_failnth_set(nfd, 0);
	}
	r->prev_code = r->code;
}

static struct dmabench_seg *thr_segbuf(struct thr *t)
{
	if (!t->segbuf)
		t->segbuf = calloc(SEGBUF_N, sizeof(*t->segbuf));
	if (!t->lat_buf)
		t->lat_buf = calloc(3 * LAT_SAMPLES + 2 * DMABENCH_HIST_BUCKETS, sizeof(uint32_t));
	return t->segbuf && t->lat_buf ? t->segbuf : NULL;
}

/* Thread tid's ops, phase by phase; with threads, all start each phase together. */
static void run_thread(struct shared *s, unsigned int tid)
{
	struct fuzz_exec_state *x = s->c->x;
	struct run r;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.c = s->c;
	r.res = s->res;
	r.t = &x->thr[tid];
	if (tid && r.t->failnth_fd == -2)	/* fail-nth is per task: this thread's own */
		r.t->failnth_fd = s->c->failnth_fd >= 0 ? dmab_failnth_open() : -1;
	for (unsigned int ph = 0; ph < s->sched.nphases; ph++) {
		if (s->nthreads > 1)
			xbar_wait(&x->bar);
		r.at_start = true;
		gil_take(&r);
		for (unsigned int i = 0; i < s->p->nops && i < FUZZ_MAX_OPS && !s->stop; i++)
			if (s->sched.tid[i] == tid && s->sched.phase[i] == ph)
				exec_op(&r, i);
		gil_drop(&r);	/* a thread without a call in this phase still counts at x->go */
	}
}

static void *worker_main(void *arg)
{
	struct thr *t = arg;
	struct fuzz_exec_state *x = t->x;
	unsigned long seen = 0;

	for (;;) {
		struct shared *s;

		pthread_mutex_lock(&x->mu);
		for (;;) {
			if (x->quit) {
				pthread_mutex_unlock(&x->mu);
				return NULL;
			}
			if (x->job != seen) {
				seen = x->job;
				if (t->id < x->job_threads)
					break;
			}
			pthread_cond_wait(&x->cv, &x->mu);
		}
		s = x->job_s;
		pthread_mutex_unlock(&x->mu);
		run_thread(s, t->id);
		pthread_mutex_lock(&x->mu);
		x->done++;
		pthread_cond_broadcast(&x->done_cv);
		pthread_mutex_unlock(&x->mu);
	}
}

/* Run the program's threads: the caller is thread 0. 0, or -errno when the pool cannot start. */
static int run_threads(struct shared *s)
{
	struct fuzz_exec_state *x = s->c->x;
	unsigned int n = s->nthreads;

	for (unsigned int i = 0; i < n; i++)
		if (!thr_segbuf(&x->thr[i]))
			return -ENOMEM;
	if (n == 1) {
		run_thread(s, 0);
		return 0;
	}
	for (unsigned int i = 1; i < n; i++) {
		struct thr *t = &x->thr[i];

		if (t->started)
			continue;
		if (pthread_create(&t->th, NULL, worker_main, t))
			return -EAGAIN;
		t->started = true;
	}
	xbar_init(&x->bar, n);
	xbar_init(&x->go, n);
	pthread_mutex_lock(&x->mu);
	x->job_s = s;
	x->job_threads = n;
	x->done = 0;
	x->job++;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
	run_thread(s, 0);
	pthread_mutex_lock(&x->mu);
	while (x->done < n - 1)
		pthread_cond_wait(&x->done_cv, &x->mu);
	pthread_mutex_unlock(&x->mu);
	return 0;
}

/* ------------------------------------------------------------------ oracles */

/* Drain /dev/kmsg; the first new (not known) report line becomes a finding, known ones are tallied. */
static unsigned int check_klog(struct run *r)
{
	unsigned int dma_api_known = 0;
	char rec[2048];

	if (r->c->kmsg_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(r->c->kmsg_fd, rec, sizeof(rec) - 1);
		unsigned long long seq;
		unsigned int before[FUZZ_KNOWN_MAX];
		const char *msg;
		const struct dmab_kr_pattern *bad;
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
		memcpy(before, r->res->known, sizeof(before));
		bad = dmab_klog_scan_line(&r->c->x->scan, line, r->res->known);
		for (unsigned int k = 0; k < dmab_kr_nknown && k < FUZZ_KNOWN_MAX; k++)
			if (r->res->known[k] != before[k] && !strcmp(dmab_kr_known[k].cls, "DMA-API"))
				dma_api_known += r->res->known[k] - before[k];
		if (bad && r->c->check_klog) {
			r->opi = r->res->ops_run;
			finding(r, FUZZ_KLOG, FUZZ_KLOG_QUOTE "%s", line);
		}
	}
	return dma_api_known;
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

/* Errors beyond the known reports the kernel log showed (each error prints its line: num_errors raised). */
static void check_dma_api(struct run *r, unsigned int known)
{
	uint64_t n;

	if (r->c->dma_api_fd < 0)
		return;
	n = dma_api_count(r->c->dma_api_fd);
	if (n > r->c->dma_api_errors + known && (r->c->dma_api_all_printed || !known))
		finding(r, FUZZ_DMA_API, "dma-api error_count %llu -> %llu, %u of them known (see the kernel log)",
			(unsigned long long)r->c->dma_api_errors, (unsigned long long)n, known);
	r->c->dma_api_errors = n;
}

/* The masks before any program: SET_MASK changes are undone (all files closed: nothing holds the devices). */
static void restore_masks(struct run *r)
{
	struct fuzz_ctx *c = r->c;

	for (uint32_t d = 0; d < 64 && d < DMABENCH_MAX_DEVICES; d++) {
		struct dmabench_set_mask m;
		int ret;

		if (!(r->s->mask_changed & (1ULL << d)) || !c->mask_bits0[d])
			continue;
		memset(&m, 0, sizeof(m));
		m.dev = d;
		m.bits = c->mask_bits0[d];
		ret = c->sys->ioctl(c->obs_fd, DMABENCH_IOC_SET_MASK, &m);
		if (ret == -EBUSY)
			finding(r, FUZZ_LEAK, "device %u still in use after the program: its DMA mask cannot be restored", d);
		else if (ret)
			finding(r, FUZZ_EXEC_ERROR, "restoring the %u-bit DMA mask of device %u: %s", m.bits, d,
				strerror(-ret));
		c->dma_mask[d] = c->coherent_mask[d] = bits_mask(m.bits);
	}
}

int fuzz_exec(struct fuzz_ctx *c, const struct fuzz_program *p, struct fuzz_result *res)
{
	struct dmabench_stats s0, s1;
	struct shared *s;
	struct run r;
	unsigned int i, known;
	int ret0, ret1, fd;

	memset(res, 0, sizeof(*res));
	stats_of(c, &s0, &ret0);
	if (ret0)
		return ret0;
	fd = c->sys->open(c->ctl_path, O_RDWR);
	if (fd < 0)
		return fd;
	s = calloc(1, sizeof(*s));
	if (!s) {
		c->sys->close(fd);
		return -ENOMEM;
	}
	s->c = c;
	s->res = res;
	s->p = p;
	s->fd = fd;
	for (i = 0; i < FUZZ_FDS; i++)
		s->fds[i] = -1;
	fuzz_schedule(p, &s->sched);
	s->nthreads = s->sched.nthreads;
	res->nthreads = s->nthreads;
	res->close_race = fuzz_close_race(p, &s->sched);
	pthread_mutex_init(&s->gil, NULL);
	memset(&r, 0, sizeof(r));	/* the caller's view, for the oracles after the program */
	r.s = s;
	r.c = c;
	r.res = res;
	r.t = &c->x->thr[0];
	if ((ret0 = run_threads(s)))
		finding(&r, FUZZ_EXEC_ERROR, "cannot run the program's %u threads: %s", s->nthreads, strerror(-ret0));
	s->nthreads = 1;	/* joined: no lock from here on */
	for (i = 0; i < s->nmaps; i++)
		c->sys->munmap(s->maps[i].addr, s->maps[i].len);
	for (i = 0; i < FUZZ_FDS; i++)
		if (s->fds[i] >= 0)
			c->sys->close(s->fds[i]);
	for (i = 0; i < s->nspare; i++)
		c->sys->close(s->spare[i]);
	if (s->fd >= 0)
		c->sys->close(s->fd);
	r.opi = p->nops;
	stats_of(c, &s1, &ret1);
	/*
	 * A file whose last reference an io_uring request dropped is released
	 * asynchronously (delayed fput, possibly after the CQE was seen): give
	 * the counters up to ~200 ms, and restore the masks only then (before,
	 * the devices may still be in use by the objects that file held).
	 */
	for (i = 0; !ret1 && !live_equal(&s0, &s1) && i < 100; i++) {
		usleep(2000);
		stats_of(c, &s1, &ret1);
	}
	restore_masks(&r);
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
	known = check_klog(&r);
	check_dma_api(&r, known);
	pthread_mutex_destroy(&s->gil);
	free(s);
	return 0;
}

/* ------------------------------------------------------------------ context */

/*
 * The DMA masks as they were before the first program of this boot, kept
 * in a file (DMABENCH_FUZZ_MASKS, default /tmp/dmabench-fuzz-masks, with
 * the boot id): a fuzzer that died between a SET_MASK and its restore
 * does not make the next one take a changed mask for the original.
 */
static void masks_baseline(struct fuzz_ctx *c)
{
	const char *path = getenv("DMABENCH_FUZZ_MASKS") ? getenv("DMABENCH_FUZZ_MASKS") : "/tmp/dmabench-fuzz-masks";
	char boot[64] = "", line[128];
	FILE *f;
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t n = read(fd, boot, sizeof(boot) - 1);

		boot[n > 0 ? n : 0] = 0;
		boot[strcspn(boot, "\n")] = 0;
		close(fd);
	}
	for (uint32_t d = 0; d < c->ndevs && d < DMABENCH_MAX_DEVICES; d++)
		c->mask_bits0[d] = c->dma_mask[d] ? (uint8_t)lg(c->dma_mask[d]) : 0;
	f = fopen(path, "re");
	if (f && fgets(line, sizeof(line), f) && !strncmp(line, boot, strlen(boot)) && boot[0]) {
		unsigned int d, bits;

		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%u %u", &d, &bits) == 2 && d < DMABENCH_MAX_DEVICES && bits >= 12 && bits <= 64)
				c->mask_bits0[d] = (uint8_t)bits;
		fclose(f);
		for (uint32_t d = 0; d < c->ndevs && d < DMABENCH_MAX_DEVICES; d++) {	/* left changed: undo now */
			struct dmabench_set_mask m;

			if (!c->mask_bits0[d] || !c->dma_mask[d] || bits_mask(c->mask_bits0[d]) == c->dma_mask[d])
				continue;
			memset(&m, 0, sizeof(m));
			m.dev = d;
			m.bits = c->mask_bits0[d];
			if (!c->sys->ioctl(c->obs_fd, DMABENCH_IOC_SET_MASK, &m))
				c->dma_mask[d] = c->coherent_mask[d] = bits_mask(m.bits);
		}
		return;
	}
	if (f)
		fclose(f);
	f = fopen(path, "we");
	if (!f)
		return;
	fprintf(f, "%s\n", boot);
	for (uint32_t d = 0; d < c->ndevs && d < DMABENCH_MAX_DEVICES; d++)
		if (c->mask_bits0[d])
			fprintf(f, "%u %u\n", d, c->mask_bits0[d]);
	fclose(f);
}

static int exec_state_init(struct fuzz_ctx *c)
{
	struct fuzz_exec_state *x = calloc(1, sizeof(*x));

	if (!x)
		return -ENOMEM;
	c->x = x;
	x->c = c;
	x->ps = page_size;
	x->uffd = -1;
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cv, NULL);
	pthread_cond_init(&x->done_cv, NULL);
	for (unsigned int i = 0; i < FUZZ_THREADS; i++) {
		x->thr[i].x = x;
		x->thr[i].id = i;
		x->thr[i].failnth_fd = i ? -2 : -1;	/* -2: not opened yet (worker threads open their own) */
	}
#if defined(UFFDIO_WRITEPROTECT_MODE_WP) && defined(__NR_userfaultfd)
	x->uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (x->uffd >= 0) {
		struct uffdio_api api;

		memset(&api, 0, sizeof(api));
		api.api = UFFD_API;
		api.features = UFFD_FEATURE_PAGEFAULT_FLAG_WP;
		if (ioctl(x->uffd, UFFDIO_API, &api) || pthread_create(&x->uffd_th, NULL, uffd_main, x)) {
			close(x->uffd);
			x->uffd = -1;
		} else {
			x->uffd_started = true;
		}
	}
	if (x->uffd >= 0 && !area_setup(x, &x->thr[0]))
		c->have_uffd = x->thr[0].wp_ok;
#endif
	if (!thr_segbuf(&x->thr[0]))
		return -ENOMEM;
	return 0;
}

static void exec_state_fini(struct fuzz_ctx *c)
{
	struct fuzz_exec_state *x = c->x;

	if (!x)
		return;
	pthread_mutex_lock(&x->mu);
	x->quit = true;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
	for (unsigned int i = 0; i < FUZZ_THREADS; i++) {
		struct thr *t = &x->thr[i];

		if (t->started)
			pthread_join(t->th, NULL);
		for (int k = 0; k < 2; k++)
			if (t->ring[k])
				c->sys->uring_free(t->ring[k]);
		if (t->area)
			munmap(t->area, 2 * x->ps);
		if (i && t->failnth_fd >= 0)
			close(t->failnth_fd);
		free(t->segbuf);
		free(t->lat_buf);
	}
	if (x->uffd_started) {
		x->uffd_quit = 1;
		pthread_join(x->uffd_th, NULL);
	}
	if (x->uffd >= 0)
		close(x->uffd);
	pthread_cond_destroy(&x->cv);
	pthread_cond_destroy(&x->done_cv);
	pthread_mutex_destroy(&x->mu);
	free(x);
	c->x = NULL;
}

int fuzz_ctx_init(struct fuzz_ctx *c, const char *path)
{
	return fuzz_ctx_init_sys(c, path, NULL);
}

int fuzz_ctx_init_sys(struct fuzz_ctx *c, const char *path, const struct fuzz_sys *sys)
{
	struct sysinfo si;
	struct dmabench_info info;
	uint32_t d;
	long ps = sysconf(_SC_PAGESIZE);
	int ret;

	memset(c, 0, sizeof(*c));
	c->sys = sys ? sys : &fuzz_sys_real;
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
	c->obs_fd = c->sys->open(c->ctl_path, O_RDWR);
	if (c->obs_fd < 0)
		return c->obs_fd;
	memset(&info, 0, sizeof(info));
	if ((ret = c->sys->ioctl(c->obs_fd, DMABENCH_IOC_INFO, &info))) {
		c->sys->close(c->obs_fd);
		return ret;
	}
	c->ndevs = info.ndevs;
	c->features = info.features;
	for (d = 0; d < info.ndevs && d < DMABENCH_MAX_DEVICES; d++) {
		struct dmabench_dev_info di;

		memset(&di, 0, sizeof(di));
		di.dev = d;
		if (c->sys->ioctl(c->obs_fd, DMABENCH_IOC_DEV_INFO, &di))
			continue;
		c->present[c->npresent++] = d;
		c->dma_mask[d] = di.dma_mask;
		c->coherent_mask[d] = di.coherent_dma_mask;
	}
	masks_baseline(c);
	if ((ret = exec_state_init(c))) {
		fuzz_ctx_fini(c);
		return ret;
	}
#ifdef HAVE_URING
	c->have_uring = true;
#else
	c->have_uring = c->sys->uring != real_uring;
#endif
	if (c->sys != &fuzz_sys_real)
		return 0;	/* a model: no kernel log, DMA-API debugging or fault injection */
	c->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (c->kmsg_fd >= 0)
		lseek(c->kmsg_fd, 0, SEEK_END);
	c->dma_api_fd = open("/sys/kernel/debug/dma-api/error_count", O_RDONLY | O_CLOEXEC);
	if (c->dma_api_fd >= 0) {
		int nfd = open("/sys/kernel/debug/dma-api/num_errors", O_WRONLY | O_CLOEXEC);

		c->dma_api_errors = dma_api_count(c->dma_api_fd);
		/* print every DMA-API error (default: the first only), so each one names itself */
		if (nfd >= 0) {
			c->dma_api_all_printed = write(nfd, "1000000", 7) == 7;
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
	exec_state_fini(c);
	if (c->obs_fd >= 0)
		c->sys->close(c->obs_fd);
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
