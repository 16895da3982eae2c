// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the fuzzer's decoder (host, no kernel): every byte string
 * decodes, bounded, deterministically; encode(decode(x)) decodes to the
 * same program; size classes stay in their ranges; every committed seed
 * decodes to at least one operation; the executor refuses a missing ctl
 * file cleanly.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/test_util.h"
#include "fuzz/program.h"

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
	for (b = 0; b < 256; b++) {	/* every single byte: one op of code b % FUZZ_OP_MOD, 0xf9 = verify, 0xfa = failnth */
		buf[0] = (uint8_t)b;
		check_input(buf, 1);
		CHECK_EQ(p1.nops, 1);
		CHECK_EQ(p1.ops[0].code, b == FUZZ_VERIFY_BYTE ? FUZZ_OP_VERIFY :
			 b == FUZZ_FAILNTH_BYTE ? FUZZ_OP_FAILNTH : b % FUZZ_OP_MOD);
	}
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

/* 1 when byte k of in is an opcode byte (not an argument) */
static int is_opcode_pos(const uint8_t *in, size_t len, size_t k)
{
	size_t pos = 0;
	unsigned int n = 0;

	while (pos < len && n++ < FUZZ_MAX_OPS) {
		if (pos == k)
			return 1;
		pos += 1 + fuzz_op_arg_bytes(fuzz_opcode(in[pos]));
	}
	return 0;
}

/* The committed seeds (run from the repository root, as make test does). */
static void test_corpus(void)
{
	DIR *d = opendir("fuzz/corpus");
	struct dirent *e;
	int seeds = 0;

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
		for (size_t k = 0; k < len && !strstr(e->d_name, "verify"); k++)	/* the seeds from before verify decode as then */
			CHECK(fuzz_opcode(buf[k]) != FUZZ_OP_VERIFY || !is_opcode_pos(buf, len, k));
		for (size_t k = 0; k < len && !strstr(e->d_name, "failnth"); k++)	/* and from before failnth */
			CHECK(fuzz_opcode(buf[k]) != FUZZ_OP_FAILNTH || !is_opcode_pos(buf, len, k));
		seeds++;
	}
	closedir(d);
	CHECK(seeds >= 10);
}

static void test_exec_missing(void)
{
	struct fuzz_ctx c;

	CHECK_EQ(fuzz_ctx_init(&c, "/nonexistent/dmabench/ctl"), -ENOENT);
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
	test_exec_missing();
	test_libfuzzer_dryrun();
	return t_done("test_program");
}
