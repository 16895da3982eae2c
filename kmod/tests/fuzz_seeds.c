// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_seeds: replay every seed of the fuzzer's corpus (fuzz/corpus, copied
 * into the initramfs next to tests/ as fuzz/corpus) through the fuzzer's
 * decoder, executor and oracles (fuzz/program.c): each seed must decode to
 * a program with at least one operation, at least one operation must
 * succeed, and no oracle may fire (documented errnos only, sg invariants,
 * live counters back to baseline after close, kernel log clean).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <libgen.h>
#include <time.h>

#include "kmod/tests/tcommon.h"
#include "fuzz/program.h"

static struct fuzz_program prog;
static uint8_t input[1 << 16];

int main(void)
{
	char exe[512], dir[600], path[1200], *top;
	struct fuzz_result res;
	struct dirent **ents;
	struct fuzz_ctx c;
	struct timespec t0, t1;
	ssize_t n;
	int i, nents, ret, seeds = 0, failed = 0;
	size_t len;
	double secs;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		t_fail("readlink /proc/self/exe: %s", strerror(errno));
	exe[n] = 0;
	/* <root>/tests/fuzz_seeds -> <root>/fuzz/corpus */
	top = dirname(dirname(exe));
	snprintf(dir, sizeof(dir), "%s/fuzz/corpus", strcmp(top, "/") ? top : "");
	ret = fuzz_ctx_init(&c, NULL);
	if (ret == -ENOENT)
		t_skip("%s missing (dmabench.ko not loaded or debugfs not mounted)", DMABENCH_CTL_PATH);
	if (ret)
		t_fail("fuzz_ctx_init: %s", strerror(-ret));
	nents = scandir(dir, &ents, NULL, alphasort);
	if (nents < 0)
		t_fail("seed corpus %s: %s", dir, strerror(errno));
	printf("fuzz_seeds: corpus %s, %u devices\n", dir, c.npresent);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nents; i++) {
		if (ents[i]->d_name[0] == '.')
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		ret = fuzz_read_file(path, input, sizeof(input), &len);
		if (ret)
			t_fail("%s: %s", path, strerror(-ret));
		fuzz_decode(input, len, &prog);
		ret = fuzz_exec(&c, &prog, &res);
		if (ret)
			t_fail("%s: cannot run: %s", ents[i]->d_name, strerror(-ret));
		seeds++;
		if (res.finding) {
			printf("fuzz_seeds: %s: FINDING %s: %s\n", ents[i]->d_name, fuzz_finding_name(res.finding), res.msg);
			failed++;
		} else if (prog.nops && !res.ops_ok && res.ops_unsupported) {
			/* every operation that got through needs a feature this kernel lacks */
			t_skip_part(ents[i]->d_name, "its operations need a feature this kernel lacks (EOPNOTSUPP)");
		} else if (!prog.nops || !res.ops_ok) {
			printf("fuzz_seeds: %s: %u ops, %u ran, none succeeded\n", ents[i]->d_name,
			       prog.nops, res.ops_run);
			failed++;
		} else {
			printf("fuzz_seeds: %-24s %2u ops: %2u ok, %2u documented errors%s\n", ents[i]->d_name,
			       prog.nops, res.ops_ok, res.ops_err, res.nthreads > 1 ? ", threads" : "");
		}
next:
		free(ents[i]);
	}
	free(ents);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fuzz_ctx_fini(&c);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!seeds)
		t_fail("no seeds in %s", dir);
	if (failed)
		t_fail("%d of %d seeds failed", failed, seeds);
	printf("fuzz_seeds: %d seeds in %.3f s (%.0f programs/s): PASS\n", seeds, secs,
	       secs > 0 ? seeds / secs : 0.0);
	return t_done();
}
