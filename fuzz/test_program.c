// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the fuzzer (host, no kernel): every byte string decodes,
 * bounded, deterministically; encode(decode(x)) decodes to the same
 * program; size classes stay in their ranges; every committed seed decodes
 * to at least one operation, and the seeds from before an operation decode
 * exactly as the decoder of their time did; the thread schedule; the
 * executor refuses a missing ctl file cleanly. Then the executor and its
 * oracles against a model of the module (test_model.h): the seeds and
 * random programs run clean on the correct model (threads, io_uring,
 * faulting copies included), and each modelled module defect is found.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/test_util.h"
#include "fuzz/program.h"
#include "fuzz/test_model.h"

static struct fuzz_program p1, p2;
static uint8_t buf[1 << 16], enc[1 << 16];

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int same(const struct fuzz_program *a, const struct fuzz_program *b)
{
	return a->nops == b->nops && !memcmp(a->ops, b->ops, sizeof(a->ops[0]) * a->nops);
}

static void check_input(const uint8_t *in, size_t len)
{
	size_t used = fuzz_decode(in, len, &p1), i, need = 0;
	long n;

	CHECK(used <= len);
	CHECK(p1.nops <= FUZZ_MAX_OPS);
	CHECK(len == 0 || p1.nops >= 1);
	for (i = 0; i < p1.nops; i++) {
		CHECK(p1.ops[i].code < FUZZ_OP_COUNT);
		need += 1 + fuzz_op_arg_bytes(p1.ops[i].code);
	}
	/* all bytes are used unless the op limit stopped decoding; short tails read as 0 */
	CHECK(p1.nops == FUZZ_MAX_OPS || used == len);
	CHECK(used <= need);
	fuzz_decode(in, len, &p2);
	CHECK(same(&p1, &p2));
	n = fuzz_encode(&p1, enc, sizeof(enc));
	CHECK(n >= 0 && (size_t)n == need);
	if (n >= 0) {
		fuzz_decode(enc, (size_t)n, &p2);
		CHECK(same(&p1, &p2));
	}
}

static void test_random(void)
{
	int k;
	size_t i, len;

	for (k = 0; k < 20000; k++) {
		len = next() % (k < 10000 ? 64 : sizeof(buf));
		if (k % 1000 == 999)
			len = sizeof(buf);
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)next();
		check_input(buf, len);
	}
}

static void test_edges(void)
{
	unsigned int b;

	check_input(buf, 0);
	CHECK_EQ(p1.nops, 0);
	for (b = 0; b < 256; b++) {	/* every single byte: one op of code b % FUZZ_OP_MOD, 0xf0.. the later ops */
		buf[0] = (uint8_t)b;
		check_input(buf, 1);
		CHECK_EQ(p1.nops, 1);
		CHECK_EQ(p1.ops[0].code, b == FUZZ_VERIFY_BYTE ? FUZZ_OP_VERIFY :
			 b == FUZZ_FAILNTH_BYTE ? FUZZ_OP_FAILNTH :
			 b >= 0xf0 && b <= 0xf7 ? FUZZ_OP_THREAD + (b - 0xf0) : b % FUZZ_OP_MOD);
	}
	for (b = FUZZ_OP_THREAD; b < FUZZ_OP_COUNT; b++)	/* each later op has a name and fits struct fuzz_op */
		CHECK(strcmp(fuzz_op_name(b), "?") && fuzz_op_arg_bytes(b) <= FUZZ_ARG_BYTES);
	memset(buf, 0xff, sizeof(buf));
	check_input(buf, sizeof(buf));
	memset(buf, 0, sizeof(buf));
	check_input(buf, sizeof(buf));
	CHECK_EQ(p1.nops, FUZZ_MAX_OPS);	/* ALLOCs of size 0 */
	memset(buf, FUZZ_OP_REOPEN, sizeof(buf));
	check_input(buf, 1000);
	CHECK_EQ(p1.nops, FUZZ_MAX_OPS);
	/* encode refuses a bad opcode and a small buffer */
	p1.nops = 1;
	p1.ops[0].code = FUZZ_OP_COUNT;
	CHECK_EQ(fuzz_encode(&p1, enc, sizeof(enc)), -EINVAL);
	p1.ops[0].code = FUZZ_OP_RAW;
	CHECK_EQ(fuzz_encode(&p1, enc, 10), -ENOSPC);
}

static void test_sizes(void)
{
	unsigned int p;

	for (p = 0; p < 65536; p += 7) {
		uint16_t q = (uint16_t)p;

		CHECK_EQ_U(fuzz_size(FUZZ_SIZE_ZERO, q), 0);
		CHECK(fuzz_size(FUZZ_SIZE_SMALL, q) >= 1 && fuzz_size(FUZZ_SIZE_SMALL, q) <= 4096);
		CHECK(fuzz_size(FUZZ_SIZE_PAGES, q) % 4096 == 0 && fuzz_size(FUZZ_SIZE_PAGES, q) <= 64 * 4096);
		CHECK(fuzz_size(FUZZ_SIZE_UNALIGNED, q) % 4096 != 0);
		CHECK(fuzz_size(FUZZ_SIZE_MEDIUM, q) <= 4 << 20 && fuzz_size(FUZZ_SIZE_MEDIUM, q) >= 4096);
		CHECK(fuzz_size(FUZZ_SIZE_ABOVE_MAX, q) > DMABENCH_MAX_ALLOC_SIZE);
		CHECK(fuzz_size(FUZZ_SIZE_HUGE, q) > DMABENCH_MAX_ALLOC_SIZE);
		CHECK(fuzz_size(FUZZ_SIZE_POW2, q) <= 8 << 20);
		CHECK_EQ_U(fuzz_size(FUZZ_SIZE_COUNT + 1, q), fuzz_size(1, q));
	}
	CHECK_EQ_U(fuzz_size(FUZZ_SIZE_AT_MAX, 0), DMABENCH_MAX_ALLOC_SIZE);
	CHECK_EQ_U(fuzz_size(FUZZ_SIZE_ABOVE_MAX, 0), DMABENCH_MAX_ALLOC_SIZE + 1);
}

static void test_errnos(void)
{
	CHECK(fuzz_errno_ok(EINVAL) && fuzz_errno_ok(E2BIG) && fuzz_errno_ok(EOVERFLOW));
	CHECK(!fuzz_errno_ok(0) && !fuzz_errno_ok(EPERM) && !fuzz_errno_ok(ENXIO) && !fuzz_errno_ok(EINTR));
	CHECK(fuzz_mmap_errno_ok(ENXIO) && !fuzz_mmap_errno_ok(EIO));
	CHECK_STR(fuzz_op_name(FUZZ_OP_MAP_SG), "map_sg");
	CHECK_STR(fuzz_op_name(200), "?");
}

/*
 * The decoder before the operations from 0xf0 on: opcode byte modulo 9,
 * 0xf9 verify, 0xfa failnth. Seeds 01-22 were written for it and must
 * decode to the same operations and argument bytes now.
 */
static void old_decode(const uint8_t *d, size_t len, struct fuzz_program *p)
{
	static const uint8_t args[] = { 9, 2, 3, 6, 3, 4, 7, 0, 1 + FUZZ_RAW_BYTES, 3, 1 };
	size_t pos = 0;

	memset(p, 0, sizeof(*p));
	while (pos < len && p->nops < FUZZ_MAX_OPS) {
		struct fuzz_op *op = &p->ops[p->nops++];
		uint8_t b = d[pos++];
		size_t n;

		op->code = b == 0xf9 ? FUZZ_OP_VERIFY : b == 0xfa ? FUZZ_OP_FAILNTH : b % 9;
		n = args[op->code];
		for (size_t i = 0; i < n; i++) {
			uint8_t v = pos < len ? d[pos++] : 0;

			if (op->code == FUZZ_OP_RAW && i >= 1)
				op->raw[i - 1] = v;
			else
				op->a[i] = v;
		}
	}
}

/* The committed seeds (run from the repository root, as make test does). */
static void test_corpus(void)
{
	DIR *d = opendir("fuzz/corpus");
	struct dirent *e;
	int seeds = 0, old = 0;

	if (!d) {
		fprintf(stderr, "fuzz/corpus not found from %s: corpus check skipped\n", getenv("PWD"));
		return;
	}
	while ((e = readdir(d))) {
		char path[512];
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "fuzz/corpus/%s", e->d_name);
		CHECK_EQ(fuzz_read_file(path, buf, sizeof(buf), &len), 0);
		check_input(buf, len);
		CHECK(p1.nops >= 1);
		if (!p1.nops)
			fprintf(stderr, "seed %s decodes to no operation\n", e->d_name);
		if (atoi(e->d_name) <= 22) {	/* from before the operations from 0xf0 on: decode as then */
			old_decode(buf, len, &p2);
			CHECK(same(&p1, &p2));
			if (!same(&p1, &p2))
				fprintf(stderr, "seed %s decodes differently from before\n", e->d_name);
			old++;
		}
		seeds++;
	}
	closedir(d);
	CHECK(seeds >= 30);
	CHECK_EQ(old, 22);
}

/* FUZZ_OP_THREAD: ops go to threads and phases */
static void test_schedule(void)
{
	static const uint8_t in[] = {
		0x01, 0, 0,		/* free: thread 0, phase 0 */
		0xf0, 0x01, 0x01,	/* thread 1, barrier */
		0x01, 1, 0,		/* free: thread 1, phase 1 */
		0xf0, 0x06, 0x00,	/* thread 6 % 4 = 2, no barrier */
		0x01, 2, 0,		/* free: thread 2, phase 1 */
		0xf0, 0x00, 0x01,	/* thread 0, barrier */
		0x01, 3, 0,		/* free: thread 0, phase 2 */
	};
	struct fuzz_sched sc;

	fuzz_decode(in, sizeof(in), &p1);
	CHECK_EQ(p1.nops, 7);
	fuzz_schedule(&p1, &sc);
	CHECK_EQ(sc.nthreads, 3);
	CHECK_EQ(sc.nphases, 3);
	CHECK(sc.tid[0] == 0 && sc.phase[0] == 0);
	CHECK(sc.tid[2] == 1 && sc.phase[2] == 1);
	CHECK(sc.tid[4] == 2 && sc.phase[4] == 1);
	CHECK(sc.tid[6] == 0 && sc.phase[6] == 2);
	fuzz_decode(in, 3, &p1);
	fuzz_schedule(&p1, &sc);
	CHECK(sc.nthreads == 1 && sc.nphases == 1);
}

/* fuzz_close_race() on the schedule fuzz_exec() would run p by */
static bool close_race_of(const struct fuzz_program *p)
{
	struct fuzz_sched s;

	fuzz_schedule(p, &s);
	return fuzz_close_race(p, &s);
}

/* close races: a close on one thread beside any op of another in the same phase */
static void test_close_race(void)
{
	static const uint8_t race[] = {	/* seed 31-close-race */
		0x00, 0, 0, 0, 2, 3, 0, 0, 0, 0,	/* alloc */
		0xf5, 0, 0, 0,				/* export */
		0xf0, 0x00, 0x01,			/* thread 0, barrier */
		0xf7, 0x80,				/* close the ctl file */
		0xf0, 0x01, 0x00,			/* thread 1, same phase */
		0xf7, 0x00,				/* close the dma-buf fd */
	};
	uint8_t apart[sizeof(race)];

	fuzz_decode(race, sizeof(race), &p1);
	CHECK(close_race_of(&p1));
	memcpy(apart, race, sizeof(race));
	apart[sizeof(race) - 3] = 0x01;		/* thread 1 after a barrier: the closes no longer meet */
	fuzz_decode(apart, sizeof(apart), &p1);
	CHECK(!close_race_of(&p1));
	fuzz_decode(race, 17, &p1);		/* one thread: no race */
	CHECK(!close_race_of(&p1));
	memcpy(apart, race, sizeof(race));
	apart[sizeof(race) - 2] = 0x01;		/* thread 1 frees instead of closing: thread 0's close still races it */
	fuzz_decode(apart, sizeof(apart), &p1);
	CHECK(close_race_of(&p1));
}

static void test_exec_missing(void)
{
	struct fuzz_ctx c;

	CHECK_EQ(fuzz_ctx_init(&c, "/nonexistent/dmabench/ctl"), -ENOENT);
}

/* ------------------------------------------------ the executor on the model */

static struct fuzz_ctx mc;
static struct fuzz_result mres;
static uint8_t seedbuf[1 << 16];

static size_t seed(const char *name)
{
	char path[256];
	size_t len = 0;

	snprintf(path, sizeof(path), "fuzz/corpus/%s", name);
	if (fuzz_read_file(path, seedbuf, sizeof(seedbuf), &len))
		fprintf(stderr, "seed %s missing\n", name);
	return len;
}

/* Run bytes on the model: 0 and mres, or -errno. */
static int model_run(const uint8_t *in, size_t len)
{
	fuzz_decode(in, len, &p1);
	return fuzz_exec(&mc, &p1, &mres);
}

static int model_init(unsigned int defects)
{
	static char masks[64];

	m_reset(defects);
	if (!masks[0]) {
		snprintf(masks, sizeof(masks), "/tmp/dmab-model-masks-%d", (int)getpid());
		setenv("DMABENCH_FUZZ_MASKS", masks, 1);
	}
	unlink(masks);
	if (fuzz_ctx_init_sys(&mc, "model", &m_sys))
		return -1;
	mc.verify_pct = 0;
	return 0;
}

/* Every seed and random programs: no finding on the correct model (the oracles have no false alarms). */
static void test_model_clean(void)
{
	DIR *d = opendir("fuzz/corpus");
	struct dirent *e;
	unsigned int k, bad = 0, threaded = 0, cqes = 0, faults = 0;

	CHECK_EQ(model_init(0), 0);
	CHECK(mc.have_uring);
	while (d && (e = readdir(d))) {
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		len = seed(e->d_name);
		CHECK_EQ(model_run(seedbuf, len), 0);
		CHECK_EQ(mres.finding, FUZZ_CLEAN);
		CHECK(mres.ops_ok >= 1);
		if (mres.finding)
			fprintf(stderr, "model: seed %s: %s: %s\n", e->d_name, fuzz_finding_name(mres.finding), mres.msg);
		if (!strcmp(e->d_name, "24-threads") || !strcmp(e->d_name, "25-uring-threads"))
			CHECK_EQ(mres.nthreads, 2);
		if (!strcmp(e->d_name, "23-uring-batch"))
			CHECK_EQ(mres.cqes, 4);
		if (!strcmp(e->d_name, "29-fault-alloc"))
			CHECK_EQ(mres.faults, 3);
		if (!strcmp(e->d_name, "32-mask-probe"))	/* a VERIFY through a fresh mapping after the change */
			CHECK(mres.probes >= 1);
		if (!strcmp(e->d_name, "27-set-mask-sg"))	/* restored after the program */
			CHECK(M.mask[2] == ~0ULL && mc.dma_mask[2] == ~0ULL);
	}
	if (d)
		closedir(d);
	/* random programs, opcode bytes biased towards the later operations */
	for (k = 0; k < 4000; k++) {
		size_t len = 4 + next() % 200, i;

		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)next();
		for (i = 0; i < len; i += 1 + next() % 12)
			if (next() % 3 == 0)
				buf[i] = (uint8_t)(0xf0 + next() % 11);
		CHECK_EQ(model_run(buf, len), 0);
		threaded += mres.nthreads > 1;
		cqes += mres.cqes;
		faults += mres.faults;
		if (mres.finding && bad++ < 5) {
			char line[256];

			fprintf(stderr, "model: random program %u: %s: %s\n", k, fuzz_finding_name(mres.finding), mres.msg);
			for (i = 0; i < p1.nops; i++)
				fprintf(stderr, "  %2zu t%u %s\n", i, 0u, fuzz_format_op(&p1.ops[i], line, sizeof(line)));
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(threaded > 100 && cqes > 100 && faults > 100);
	/* two threads reopening the ctl file at once: one file stays, none leaks */
	{
		static const uint8_t reopens[] = { 0x00, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0x07, 0x07, 0x07, 0xf0, 0x01, 0x00,
						   0x07, 0x07, 0x07, 0x00, 1, 0, 0, 2, 1, 0, 0, 0, 0 };

		for (k = 0; k < 300; k++) {
			CHECK_EQ(model_run(reopens, sizeof(reopens)), 0);
			if (mres.finding) {
				fprintf(stderr, "model: concurrent reopens: %s\n", mres.msg);
				CHECK_EQ(mres.finding, FUZZ_CLEAN);
				break;
			}
		}
	}
	printf("model: 4000 random programs clean: %u threaded, %u CQEs, %u faulting copies (userfaultfd %s)\n",
	       threaded, cqes, faults, mc.have_uffd ? "on" : "off: read-only pages only");
	fuzz_ctx_fini(&mc);
}


/*
 * A closed file the kernel releases a little later (an io_uring request held it: delayed fput): the masks are
 * restored once the live counters settled, not before (the soak's first finding was this false alarm).
 */
static void test_model_delayed_release(void)
{
	static const uint8_t prog[] = {
		0xf2, 2, 2, 0,				/* SET_MASK 32 bits on edu device 2 */
		0x00, 0, 2, 0, 2, 3, 0, 0, 0, 0,	/* ALLOC on it, left for the close */
	};

	CHECK_EQ(model_init(M_DELAYED_RELEASE), 0);
	CHECK_EQ(model_run(prog, sizeof(prog)), 0);
	CHECK_EQ(mres.finding, FUZZ_CLEAN);
	if (mres.finding)
		fprintf(stderr, "model: delayed release: %s: %s\n", fuzz_finding_name(mres.finding), mres.msg);
	CHECK(M.mask[2] == ~0ULL && mc.dma_mask[2] == ~0ULL);	/* restored all the same */
	fuzz_ctx_fini(&mc);
}
/* A seed with byte at off set to val, on the model with defects: finding want (and clean without them). */
static void expect(unsigned int defects, const char *name, size_t off, uint8_t val, enum fuzz_finding want,
		   const char *what)
{
	size_t len = seed(name);

	if (off < len)
		seedbuf[off] = val;
	CHECK_EQ(model_init(0), 0);
	CHECK_EQ(model_run(seedbuf, len), 0);
	CHECK_EQ(mres.finding, FUZZ_CLEAN);
	if (mres.finding)
		fprintf(stderr, "%s, correct model: %s: %s\n", what, fuzz_finding_name(mres.finding), mres.msg);
	fuzz_ctx_fini(&mc);
	CHECK_EQ(model_init(defects), 0);
	CHECK_EQ(model_run(seedbuf, len), 0);
	CHECK_EQ(mres.finding, want);
	printf("model: %s: %s: %s\n", what, fuzz_finding_name(mres.finding), mres.msg);
	fuzz_ctx_fini(&mc);
}

static void test_model_defects(void)
{
	/* 23-uring-batch: SQE 0 (ALLOC) is byte 16 */
	expect(M_URING_ASYNC_LOST, "23-uring-batch", 16, 0x04, FUZZ_URING, "ALLOC with IOSQE_ASYNC, completion lost");
	expect(M_URING_LINK_CANCEL, "23-uring-batch", 16, 0x08, FUZZ_URING, "SQE linked after a successful ALLOC cancelled");
	/* 30-dmabuf-verify: the attachment's dir is byte 17 (02: FROM_DEVICE) */
	expect(M_VERIFY_FROM_DEVICE, "30-dmabuf-verify", 17, 0x02, FUZZ_CONTRACT, "VERIFY through a FROM_DEVICE attachment");
	/* 29-fault-alloc: the first FAULT's mode is byte 1 (02: stall, then read-only) */
	if (mc.have_uffd || !model_init(0)) {
		bool uffd = mc.have_uffd;

		fuzz_ctx_fini(&mc);
		if (uffd)
			expect(M_EFAULT_VISIBLE, "29-fault-alloc", 1, 0x02, FUZZ_FAULT_STATE,
			       "ALLOC's copy-out fails while another thread mmapped the handle");
		else
			printf("model: no userfaultfd here: the stalled copy-out case is not run\n");
	}
	expect(M_EFAULT_NO_UNWIND, "29-fault-alloc", 0, 0xf4, FUZZ_FAULT_STATE, "a failed copy-out leaves the object");
	expect(M_FREE_LEAKS, "01-alloc-free", 0, 0x00, FUZZ_LEAK, "FREE leaks");
}

/*
 * The libFuzzer binary (dynamically linked, x86_64 build) starts and runs
 * mutated inputs through the decoder: DMABENCH_FUZZ_DRYRUN=1 decodes only.
 * New inputs go to a temporary directory that is removed again.
 */
static void test_libfuzzer_dryrun(void)
{
	const char *bin = "build/x86_64/initramfs/bin/fuzz-dmabench";
	char dir[] = "/tmp/dmab-fuzz-XXXXXX", cmd[512];
	int rc;

	if (access(bin, X_OK)) {
		fprintf(stderr, "%s not built: libFuzzer dry run skipped\n", bin);
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd),
		 "DMABENCH_FUZZ_DRYRUN=1 %s -runs=20000 -seed=1 -dict=fuzz/dmabench.dict %s fuzz/corpus >%s.log 2>&1",
		 bin, dir, dir);
	rc = system(cmd);
	CHECK_EQ(rc, 0);
	if (rc) {
		snprintf(cmd, sizeof(cmd), "tail -n 20 %s.log >&2", dir);
		if (system(cmd))
			fprintf(stderr, "no log\n");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s.log", dir, dir);
	CHECK_EQ(system(cmd), 0);
}

int main(void)
{
	test_random();
	test_edges();
	test_sizes();
	test_errnos();
	test_corpus();
	test_schedule();
	test_close_race();
	test_exec_missing();
	test_model_clean();
	test_model_delayed_release();
	test_model_defects();
	test_libfuzzer_dryrun();
	return t_done("test_program");
}
