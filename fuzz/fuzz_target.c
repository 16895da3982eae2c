// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_target.c - the libFuzzer entry point: every input is decoded by
 * fuzz/program.c into a program, run against the dmabench ctl file, and
 * checked by the executor's oracles. A finding prints one "FINDING kind:
 * message" line and aborts, so libFuzzer saves the input (crash-<sha1>).
 *
 * Built with clang -fsanitize=fuzzer, linked dynamically (a fully static
 * libFuzzer binary crashes at start); `make` puts it into the x86_64
 * initramfs as /bin/fuzz-dmabench together with the shared libraries it
 * needs. Environment:
 *   DMABENCH_FUZZ_CTL=PATH   ctl file (default /sys/kernel/debug/dmabench/ctl)
 *   DMABENCH_FUZZ_DRYRUN=1   decode only, run nothing (smoke test off-guest)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/program.h"

static struct fuzz_ctx ctx;
static struct fuzz_program prog;
static int dryrun;

static const char *const finding_names[] = {
	"clean", "bad-errno", "sg-invariant", "leak", "kernel-log", "exec-error",
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dr = getenv("DMABENCH_FUZZ_DRYRUN");
	int ret;

	(void)argc;
	(void)argv;
	dryrun = dr && *dr && strcmp(dr, "0");
	if (dryrun)
		return 0;
	ret = fuzz_ctx_init(&ctx, getenv("DMABENCH_FUZZ_CTL"));
	if (ret) {
		fprintf(stderr, "fuzz-dmabench: %s: %s (set DMABENCH_FUZZ_DRYRUN=1 to only decode)\n",
			getenv("DMABENCH_FUZZ_CTL") ? getenv("DMABENCH_FUZZ_CTL") : DMABENCH_CTL_PATH,
			strerror(-ret));
		exit(2);
	}
	fprintf(stderr, "fuzz-dmabench: %u devices, kernel-log oracle %s\n", ctx.npresent,
		ctx.kmsg_fd >= 0 ? "on" : "off (no /dev/kmsg)");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_result res;
	int ret;

	fuzz_decode(data, size, &prog);
	if (!prog.nops)
		return -1;	/* nothing to run: keep it out of the corpus */
	if (dryrun)
		return 0;
	ret = fuzz_exec(&ctx, &prog, &res);
	if (ret) {
		fprintf(stderr, "fuzz-dmabench: cannot run a program: %s\n", strerror(-ret));
		exit(2);
	}
	if (res.finding) {
		fprintf(stderr, "FINDING %s: %s\n", finding_names[res.finding], res.msg);
		abort();
	}
	return 0;
}
