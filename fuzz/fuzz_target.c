// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_target.c - the libFuzzer entry point: every input is decoded by
 * fuzz/program.c into a program, run against the dmabench ctl file, and
 * checked by the executor's oracles. A finding prints one "FINDING kind:
 * message" line and aborts, so libFuzzer saves the input (crash-<sha1>).
 *
 * Feedback beyond this process's own coverage:
 *  - kernel-state signature: the executor hashes what every operation
 *    returned (opcode x errno x previous opcode, allocation kind / nents /
 *    dma address magnitude, map_sg merging, mmap results) into
 *    __libfuzzer_extra_counters (they count in libFuzzer's ft:);
 *  - KCOV, when the kernel has /sys/kernel/debug/kcov: the kernel PCs of
 *    each program are hashed into an 8-bit counter array registered with
 *    __sanitizer_cov_8bit_counters_init() and a PC table
 *    (__sanitizer_cov_pcs_init()) of the same size, so they count in cov:.
 *    Without KCOV it says so once and the array stays zero.
 *
 * With a host-shared memory (DMABENCH_FUZZ_SHM, fuzz/shm.h) every input is
 * copied there before it runs, so the host knows it after a kernel crash.
 *
 * Built with clang -fsanitize=fuzzer, linked dynamically (a fully static
 * libFuzzer binary crashes at start); `make` puts it into the x86_64
 * initramfs as /bin/fuzz-dmabench together with the shared libraries it
 * needs. Environment:
 *   DMABENCH_FUZZ_CTL=PATH   ctl file (default /sys/kernel/debug/dmabench/ctl)
 *   DMABENCH_FUZZ_SHM=PATH   shared memory (sysfs resource2 of the ivshmem device), or "auto"
 *   DMABENCH_FUZZ_KCOV=0     do not use KCOV even when present
 *   DMABENCH_FUZZ_DRYRUN=1   decode only, run nothing (smoke test off-guest)
 *   DMABENCH_FUZZ_COVTEST=1  with DRYRUN: bytes 0..63 of the input bump the KCOV counters (self-test:
 *                            cov: must grow beyond this process's own edges)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/program.h"
#include "fuzz/shm.h"

#define SIG_COUNTERS	FZ_SIG_COUNTERS
_Static_assert(FZ_KNOWN == FUZZ_KNOWN_MAX, "known-report tallies: shared memory and results");
#define KCOV_SLOTS	(1u << 16)		/* cov: counters for kernel PCs */
#define KCOV_WORDS	(1u << 18)		/* PCs recorded per program */
#define KCOV_INIT_TRACE	_IOR('c', 1, unsigned long)
#define KCOV_ENABLE	_IO('c', 100)
#define KCOV_TRACE_PC	0

static struct fuzz_ctx ctx;
static struct fuzz_program prog;
static int dryrun;
static int covtest;	/* DMABENCH_FUZZ_COVTEST=1 (with DRYRUN): input bytes stand in for kernel PCs */
static struct fz_shm *shm;
static uint8_t *shm_base;

/* ft: kernel-state signature */
__attribute__((section("__libfuzzer_extra_counters"), used)) static uint8_t sig_counters[SIG_COUNTERS];

/* cov: kernel PCs (KCOV), a module of its own for libFuzzer */
struct pc_entry {
	uintptr_t pc, flags;
};
static uint8_t kcov_counters[KCOV_SLOTS];
static struct pc_entry kcov_pcs[KCOV_SLOTS];
static uint8_t kcov_seen[KCOV_SLOTS];
static unsigned long *kcov_area;
static int kcov_state;		/* 1 on, -errno absent */

/* weak: other engines (OSS-Fuzz builds with AFL++, honggfuzz) may not have them */
void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop) __attribute__((weak));
void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end) __attribute__((weak));
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Before libFuzzer's main: register the KCOV counters as one more instrumented module. */
__attribute__((constructor)) static void kcov_register(void)
{
	uint32_t i;

	for (i = 0; i < KCOV_SLOTS; i++)	/* distinct fake PCs: one per slot, none a function entry */
		kcov_pcs[i].pc = 0xd3a0000000ULL + 16ULL * i;
	if (!__sanitizer_cov_8bit_counters_init || !__sanitizer_cov_pcs_init)
		return;
	__sanitizer_cov_8bit_counters_init(kcov_counters, kcov_counters + KCOV_SLOTS);
	__sanitizer_cov_pcs_init((const uintptr_t *)kcov_pcs, (const uintptr_t *)(kcov_pcs + KCOV_SLOTS));
}

static int kcov_open(void)
{
	const char *e = getenv("DMABENCH_FUZZ_KCOV");
	int fd;

	if (e && !strcmp(e, "0"))
		return -EPERM;
	fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, KCOV_INIT_TRACE, (unsigned long)KCOV_WORDS)) {
		int err = -errno;

		close(fd);
		return err;
	}
	kcov_area = mmap(NULL, KCOV_WORDS * sizeof(unsigned long), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (kcov_area == MAP_FAILED) {
		int err = -errno;

		kcov_area = NULL;
		close(fd);
		return err;
	}
	if (ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC)) {	/* this thread: libFuzzer runs inputs on it */
		int err = -errno;

		munmap(kcov_area, KCOV_WORDS * sizeof(unsigned long));
		kcov_area = NULL;
		close(fd);
		return err;
	}
	return 1;	/* fd stays open for the process's lifetime */
}

static void kcov_collect(void)
{
	unsigned long n = __atomic_load_n(&kcov_area[0], __ATOMIC_RELAXED), i;

	if (n > KCOV_WORDS - 1)
		n = KCOV_WORDS - 1;
	for (i = 1; i <= n; i++) {
		uint64_t pc = kcov_area[i];
		uint32_t h = (uint32_t)((pc * 0x9e3779b97f4a7c15ULL) >> 48) % KCOV_SLOTS;

		if (kcov_counters[h] < 255)
			kcov_counters[h]++;
		if (shm && !kcov_seen[h]) {
			kcov_seen[h] = 1;
			shm->kcov_slots++;
		}
	}
}

static void shm_open_auto(void)
{
	const char *p = getenv("DMABENCH_FUZZ_SHM");
	char path[512];

	if (!p || !*p)
		return;
	if (!strcmp(p, "auto")) {
		if (fz_shm_find(path, sizeof(path))) {
			fprintf(stderr, "fuzz-dmabench: no ivshmem device: running without shared memory\n");
			return;
		}
		p = path;
	}
	shm_base = fz_shm_map(p, FZ_SHM_SIZE);
	if (!shm_base || ((struct fz_shm *)shm_base)->magic != FZ_SHM_MAGIC) {
		fprintf(stderr, "fuzz-dmabench: %s: %s\n", p, shm_base ? "no shared-memory header" : strerror(errno));
		exit(2);
	}
	shm = (struct fz_shm *)shm_base;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dr = getenv("DMABENCH_FUZZ_DRYRUN");
	int ret;

	(void)argc;
	(void)argv;
	dryrun = dr && *dr && strcmp(dr, "0");
	covtest = getenv("DMABENCH_FUZZ_COVTEST") && !strcmp(getenv("DMABENCH_FUZZ_COVTEST"), "1");
	if (dryrun)
		return 0;
	ret = fuzz_ctx_init(&ctx, getenv("DMABENCH_FUZZ_CTL"));
	if (ret) {
#ifdef DMABENCH_FUZZ_NO_MODULE_OK
		/* OSS-Fuzz / ClusterFuzzLite builders have no dmabench module: fuzz the decoder */
		fprintf(stderr, "fuzz-dmabench: %s: %s: decoding only (no module in this environment)\n",
			getenv("DMABENCH_FUZZ_CTL") ? getenv("DMABENCH_FUZZ_CTL") : DMABENCH_CTL_PATH, strerror(-ret));
		dryrun = 1;
		return 0;
#endif
		fprintf(stderr, "fuzz-dmabench: %s: %s (set DMABENCH_FUZZ_DRYRUN=1 to only decode)\n",
			getenv("DMABENCH_FUZZ_CTL") ? getenv("DMABENCH_FUZZ_CTL") : DMABENCH_CTL_PATH,
			strerror(-ret));
		exit(2);
	}
	ctx.sig = sig_counters;
	ctx.sig_len = SIG_COUNTERS;
	ctx.verify_pct = 5;	/* VERIFY (~200 ms each) may take at most 5 % of the time */
	shm_open_auto();
	kcov_state = kcov_open();
	if (shm)
		shm->kcov_state = kcov_state;
	fprintf(stderr, "fuzz-dmabench: %u devices, kernel-log oracle %s, dma-api oracle %s, "
		"kernel-state signature %u extra counters, KCOV %s%s, shared memory %s, io_uring %s, userfaultfd %s\n",
		ctx.npresent, ctx.kmsg_fd >= 0 ? "on" : "off (no /dev/kmsg)",
		ctx.dma_api_fd >= 0 ? "on" : "off (no /sys/kernel/debug/dma-api)", SIG_COUNTERS,
		kcov_state > 0 ? "on" : "absent: ", kcov_state > 0 ? "" : strerror(-kcov_state),
		shm ? "on" : "off", ctx.have_uring ? "on" : "off", ctx.have_uffd ? "on" : "off (read-only pages only)");
	return 0;
}

/* What one run of a program did, into the shared memory (counted per run, reruns included). */
static void shm_account(const struct fuzz_result *res)
{
	uint32_t i;

	for (i = 0; i < SIG_COUNTERS; i++)	/* seen this boot, across libFuzzer restarts */
		if (sig_counters[i] && !(shm->sig_seen[i / 8] & (1u << (i % 8)))) {
			shm->sig_seen[i / 8] |= (uint8_t)(1u << (i % 8));
			shm->sig_features++;
		}
	shm->dma_api_errors = (uint32_t)ctx.dma_api_errors;
	for (i = 0; i < FZ_KNOWN; i++)
		shm->known_hits[i] += res->known[i];
	shm->threaded += res->nthreads > 1;
	shm->cqes += res->cqes;
	shm->faults += res->faults;
	shm->mask_probes += res->probes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_result res;
	uint32_t i, runs, k;
	int ret;

	fuzz_decode(data, size, &prog);
	if (!prog.nops)
		return -1;	/* nothing to run: keep it out of the corpus */
	if (dryrun) {
		for (i = 0; covtest && i < size && i < 64; i++)	/* self-test of the cov: registration */
			kcov_counters[(i * 256u + data[i]) % KCOV_SLOTS] = 1;
		return 0;
	}
	if (shm) {	/* the host must know this input even if the kernel dies running it */
		size_t n = size < FZ_SHM_INPUT_MAX ? size : FZ_SHM_INPUT_MAX;

		memcpy(shm_base + FZ_SHM_INPUT_OFF, data, n);
		shm->cur_len = (uint32_t)n;
		__sync_synchronize();
		shm->running = 1;
		shm->started++;
		__sync_synchronize();
	}
	/* a close race is decided within a microsecond: run it again, up to FUZZ_RACE_REPEAT times */
	for (k = 0, runs = 1; k < runs; k++) {
		if (kcov_area)
			__atomic_store_n(&kcov_area[0], 0, __ATOMIC_RELAXED);
		ret = fuzz_exec(&ctx, &prog, &res);
		if (kcov_area)
			kcov_collect();
		if (shm) {
			shm_account(&res);
			shm->race_reruns += k > 0;
		}
		if (ret || res.finding)
			break;
		if (res.close_race)
			runs = FUZZ_RACE_REPEAT;
	}
	if (ret) {
		fprintf(stderr, "fuzz-dmabench: cannot run a program: %s\n", strerror(-ret));
		exit(2);
	}
	if (res.finding) {
		if (k)
			fprintf(stderr, "fuzz-dmabench: close race: the finding came on run %u of the program\n", k + 1);
		fprintf(stderr, "FINDING %s: %s\n", fuzz_finding_name(res.finding), res.msg);
		abort();	/* shm->running stays 1: the host sees the input with the finding record */
	}
	if (shm) {
		__sync_synchronize();
		shm->running = 0;
		shm->finished++;
	}
	return 0;
}
