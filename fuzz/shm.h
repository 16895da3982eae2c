/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shm.h - the memory the host and a fuzzing guest share (QEMU
 * `-object memory-backend-file,share=on,mem-path=F` + `-device
 * ivshmem-plain`; the guest maps the device's BAR 2 through sysfs, the host
 * maps F). It survives the guest: after a kernel panic or a hang the host
 * reads from F which input was running, the corpus the campaign had synced
 * and the findings it had made.
 *
 *   0       struct fz_shm (header, live counters, last libFuzzer stats line)
 *   4 KiB   the input of the program that runs now (target writes it first)
 *   68 KiB  "in" records: host -> guest (the corpus to start from, or the
 *           input to replay)
 *   6 MiB+  "out" records: guest -> host (new corpus entries, findings)
 *
 * Records are struct fz_rec + data + message, padded to 8 bytes; the writer
 * fills a record and only then publishes the new length.
 */
#ifndef DMAB_FUZZ_SHM_H
#define DMAB_FUZZ_SHM_H

#include <stddef.h>
#include <stdint.h>

#define FZ_SHM_MAGIC		0x31304d48535a4644ULL	/* "DFZSHM01" */
#define FZ_SHM_SIZE		(16u << 20)		/* a power of two (ivshmem) */
#define FZ_SHM_INPUT_OFF	4096u
#define FZ_SHM_INPUT_MAX	65536u
#define FZ_SHM_IN_OFF		(FZ_SHM_INPUT_OFF + FZ_SHM_INPUT_MAX)
#define FZ_SHM_IN_CAP		((6u << 20) - FZ_SHM_IN_OFF)
#define FZ_SHM_OUT_OFF		(6u << 20)
#define FZ_SHM_OUT_CAP		(FZ_SHM_SIZE - FZ_SHM_OUT_OFF)
#define FZ_SHM_PCI_ID		"0x1af4 0x1110"	/* ivshmem vendor, device */
#define FZ_SIG_COUNTERS		4096		/* kernel-state signature counters of the target */
#define FZ_KNOWN		8		/* known-report tallies (FUZZ_KNOWN_MAX) */

enum fz_mode {
	FZ_MODE_CAMPAIGN = 1,	/* libFuzzer over the "in" corpus */
	FZ_MODE_REPLAY = 2,	/* run the first "in" record, report */
	FZ_MODE_MINIMIZE = 3,	/* op-level delta debugging of the first "in" record */
};

enum fz_rec_kind {
	FZ_REC_CORPUS = 1,	/* a corpus entry (either direction) */
	FZ_REC_FINDING = 2,	/* guest -> host: input + "FINDING kind: message" */
	FZ_REC_RESULT = 3,	/* guest -> host: replay / minimisation result (input + text) */
};

struct fz_shm {
	uint64_t magic;
	uint32_t version;		/* 1 */
	uint32_t mode;			/* host: enum fz_mode */
	uint64_t in_len;		/* host: bytes of records in the "in" area */
	/* written by the target for every program (live) */
	uint64_t started;		/* programs started */
	uint64_t finished;		/* programs finished */
	uint32_t running;		/* 1 while the input at FZ_SHM_INPUT_OFF runs */
	uint32_t cur_len;		/* its length */
	uint64_t sig_features;		/* kernel-signature counters ever non-zero */
	uint64_t kcov_slots;		/* KCOV PC slots ever hit */
	int32_t kcov_state;		/* 1 KCOV on, 0 not tried, -errno absent */
	uint32_t dma_api_errors;	/* /sys/kernel/debug/dma-api/error_count, last read */
	/* written by the campaign */
	uint64_t out_len;		/* bytes of records in the "out" area */
	uint32_t out_full;		/* records dropped: "out" area full */
	uint32_t libfuzzer_runs;	/* libFuzzer processes started */
	uint32_t replay_repeat;	/* host: REPLAY runs the input this many times (0: once) */
	uint32_t replay_flags;		/* host: FZ_REPLAY_NO_KLOG */
	uint32_t stop;			/* host: the campaign time is up: stop libFuzzer now (SIGINT) */
	uint32_t pad1;
	/* written by the target: what the programs of this boot did (across libFuzzer restarts) */
	uint32_t known_hits[FZ_KNOWN];	/* known kernel reports seen (lib/klog.c dmab_kr_known[]), not findings */
	uint64_t threaded;		/* programs that ran on more than one thread */
	uint64_t cqes;			/* io_uring completions */
	uint64_t faults;		/* ioctls with a faulting struct */
	uint64_t mask_probes;		/* VERIFYs issued by SET_MASK probes */
	uint64_t race_reruns;		/* extra runs of close-race programs (fuzz_close_race(), FUZZ_RACE_REPEAT) */
	char stats[256];		/* libFuzzer's last "#N ... cov: ..." line */
	char status[256];		/* campaign: what it does now, or how it ended */
	uint8_t sig_seen[FZ_SIG_COUNTERS / 8];	/* target: signature counters hit this boot (bitmap, across libFuzzer restarts) */
	/* written by the campaign: what the kernel held before the first and after the last libFuzzer run of
	 * this boot (after the programs' files were closed and the module had no live object or open file
	 * left, or 5 s had passed); leak_valid 0 when the boot did not get there (it died) */
	uint32_t leak_valid;
	uint32_t leak_pad;
	struct fz_leak {
		int64_t vmalloc_bytes;	/* /proc/vmallocinfo, live areas */
		int64_t vmalloc_areas;
		int64_t free_bytes;	/* /proc/meminfo MemFree after dropping caches */
		int64_t live_objects;	/* DMABENCH_IOC_STATS: allocs + sgtables + mappings + mmaps */
		int64_t open_files;	/* DMABENCH_IOC_STATS, not counting the reader's own */
	} leak_before, leak_after;
};

struct fz_rec {
	uint32_t magic;			/* FZ_REC_MAGIC */
	uint32_t kind;			/* enum fz_rec_kind */
	uint32_t len;			/* data bytes */
	uint32_t msg_len;		/* message bytes (no NUL) after the data */
};
#define FZ_REC_MAGIC		0x43455246u	/* "FREC" */
#define FZ_REPLAY_NO_KLOG	1u		/* replay without the kernel-log oracle (profiling) */

_Static_assert(sizeof(struct fz_shm) <= FZ_SHM_INPUT_OFF, "header fits its page");

/* Append a record to the area [base+off, +cap) whose used length is *used. 0 or -ENOSPC. */
int fz_rec_append(uint8_t *base, size_t off, size_t cap, uint64_t *used, uint32_t kind,
		  const void *data, uint32_t len, const char *msg);

/*
 * Iterate over the records of an area: *pos starts at 0. Returns 1 and
 * fills rec/data/msg (msg not NUL-terminated, msg_len in rec), 0 at the end,
 * -EINVAL on a malformed record.
 */
int fz_rec_next(const uint8_t *base, size_t off, uint64_t used, uint64_t *pos, struct fz_rec *rec,
		const uint8_t **data, const char **msg);

/* Guest: sysfs path of the ivshmem device's BAR 2 ("resource2"). 0 or -ENODEV. */
int fz_shm_find(char *path, size_t cap);

/* Map the shared memory (a sysfs resource or the host's file) read-write. NULL on error (errno). */
uint8_t *fz_shm_map(const char *path, size_t size);

/* 64-bit FNV-1a (corpus file names, finding ids). */
uint64_t fz_hash(const void *data, size_t len, uint64_t seed);

#endif
