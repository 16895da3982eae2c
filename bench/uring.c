// SPDX-License-Identifier: GPL-2.0
/*
 * uring - what a DMA-mapping operation costs userspace when it is submitted
 * as ioctl() one at a time versus as IORING_OP_URING_CMD batches.
 *
 * Pairs: map_single + free (DMABENCH_URING_MAP_SINGLE / _FREE, 4 KiB,
 * bidirectional) and alloc + free (DMABENCH_URING_ALLOC / _FREE, 4 KiB,
 * attrs none). Paths: "ioctl" (DMABENCH_IOC_MAP_SINGLE|ALLOC, then
 * DMABENCH_IOC_FREE), "uring" at queue depth qd = 1, 2, 4, ... 64: qd
 * creates in one io_uring_submit_and_wait(), then qd frees in another.
 * Each (pair, path, qd) runs --rounds rounds of --pairs pairs (rounded up
 * to whole batches); a round's figure is wall ns per pair
 * (CLOCK_MONOTONIC in userspace: syscalls included, which is the point).
 * Rows carry the per-round figures as raw samples, so `dmabench compare`
 * treats them like latencies. Paths and depths are interleaved per round.
 *
 * Output: {"schema":1,"size":4096,"rows":[{"op","path","qd","pairs",
 * "n","p50","min","max","samples":[...]}]}
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <liburing.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dmab.h"
#include "json.h"
#include "stats.h"
#include "util.h"

#define NQD 7
static const unsigned int qds[NQD] = { 1, 2, 4, 8, 16, 32, 64 };

enum pair { P_MAP_SINGLE = 0, P_ALLOC = 1, NPAIR };
static const char *const pair_names[NPAIR] = { "map_single+free", "alloc+free" };

/* one pair by ioctl; 0 or -errno */
static int ioctl_pair(int fd, int dev, enum pair p, uint64_t size)
{
	uint32_t h;
	int r;

	if (p == P_MAP_SINGLE) {
		struct dmabench_map_single m = { .dev = (uint32_t)dev, .dir = DMABENCH_DIR_BIDIRECTIONAL,
						 .size = size };

		r = dmab_map_single(fd, &m);
		h = m.handle;
	} else {
		struct dmabench_alloc a = { .dev = (uint32_t)dev, .api = DMABENCH_API_ATTRS, .size = size };

		r = dmab_alloc(fd, &a);
		h = a.handle;
	}
	return r ? r : dmab_free(fd, h);
}

static void prep(struct io_uring_sqe *sqe, int fd, uint32_t op, uint32_t a0, uint32_t a1, uint64_t size)
{
	struct dmabench_uring_cmd c = { .arg0 = a0, .arg1 = a1, .size = size };

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = op;
	memcpy(sqe->cmd, &c, sizeof(c));
}

/* qd creates, then qd frees; 0 or -errno */
static int uring_batch(struct io_uring *ring, int fd, int dev, enum pair p, uint64_t size, unsigned int qd,
		       uint32_t *handles)
{
	struct io_uring_cqe *cqe;
	unsigned int i, seen;
	int r, err = 0;

	for (int phase = 0; phase < 2; phase++) {
		for (i = 0; i < qd; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

			if (!sqe)
				return -EBUSY;
			if (phase == 0 && p == P_MAP_SINGLE)
				prep(sqe, fd, DMABENCH_URING_MAP_SINGLE, (uint32_t)dev, DMABENCH_DIR_BIDIRECTIONAL, size);
			else if (phase == 0)
				prep(sqe, fd, DMABENCH_URING_ALLOC, (uint32_t)dev, 0, size);
			else
				prep(sqe, fd, DMABENCH_URING_FREE, handles[i], 0, 0);
			sqe->user_data = i;
		}
		r = io_uring_submit_and_wait(ring, qd);
		if (r < 0)
			return r;
		for (seen = 0; seen < qd; seen++) {
			r = io_uring_wait_cqe(ring, &cqe);
			if (r < 0)
				return r;
			if (cqe->res < 0 && !err)
				err = cqe->res;
			if (phase == 0 && cqe->user_data < qd)
				handles[cqe->user_data] = cqe->res > 0 ? (uint32_t)cqe->res : 0;
			io_uring_cqe_seen(ring, cqe);
		}
		if (err)
			return err;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: uring [--rounds R] [--pairs N] [--dev N] [OUT.json]\n"
		   "ioctl vs io_uring (IORING_OP_URING_CMD) cost per map_single+free and alloc+free pair,\n"
		   "queue depths 1..64; R rounds (default 15) of about N pairs (default 256) each.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "dev", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long rounds = 15, pairs = 256;
	long dev = -1;
	const uint64_t size = 4096;
	/* per pair kind: [0] ioctl, [1..NQD] uring qd */
	uint32_t *samp[NPAIR][NQD + 1];
	int err[NPAIR][NQD + 1];
	uint32_t handles[64];
	struct io_uring ring;
	struct dmab_json j;
	FILE *out = stdout;
	int fd, c, r;

	while ((c = getopt_long(argc, argv, "r:p:d:h", lo, NULL)) != -1) {
		char *ep;
		unsigned long v;

		switch (c) {
		case 'r':
		case 'p':
		case 'd':
			v = strtoul(optarg, &ep, 10);
			if (*ep || !v || v > 100000) {
				fprintf(stderr, "uring: bad value '%s'\n", optarg);
				return 2;
			}
			if (c == 'r')
				rounds = v;
			else if (c == 'p')
				pairs = v;
			else
				dev = (long)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	fd = dmab_open(NULL);
	if (fd < 0) {
		fprintf(stderr, "uring: open %s: %s\n", DMABENCH_CTL_PATH, strerror(-fd));
		return 1;
	}
	if (dev < 0)
		dev = dmab_find_dev(fd, DMABENCH_DEV_EDU, 0);
	if (dev < 0) {
		fprintf(stderr, "uring: no edu device (use --dev N)\n");
		return 1;
	}
	{
		struct dmabench_info in = { 0 };

		/* a kernel without driver io_uring commands (before 5.19): a skip with its reason, and a uring.json saying so */
		if (!dmab_info(fd, &in) && !(in.features & DMABENCH_FEAT(DMABENCH_FEAT_URING_CMD))) {
			const char *why = "kernel without IORING_OP_URING_CMD for drivers (Linux 5.19)";

			if (optind < argc && !(out = fopen(argv[optind], "w"))) {
				fprintf(stderr, "uring: %s: %s\n", argv[optind], strerror(errno));
				return 1;
			}
			dmab_json_init(&j, out, 2);
			dmab_json_obj_begin(&j);
			dmab_json_kv_u64(&j, "schema", 1);
			dmab_json_kv_str(&j, "skipped", why);
			dmab_json_key(&j, "rows");
			dmab_json_arr_begin(&j);
			dmab_json_arr_end(&j);
			dmab_json_obj_end(&j);
			r = dmab_json_finish(&j);
			if (out != stdout)
				fclose(out);
			printf("SKIP: %s\n", why);
			return r ? 1 : 4;
		}
	}
	r = io_uring_queue_init(64, &ring, 0);
	if (r < 0) {
		fprintf(stderr, "uring: io_uring_queue_init: %s\n", strerror(-r));
		return 1;
	}
	for (int p = 0; p < NPAIR; p++)
		for (int k = 0; k <= NQD; k++) {
			samp[p][k] = calloc(rounds, sizeof(uint32_t));
			err[p][k] = 0;
			if (!samp[p][k]) {
				fprintf(stderr, "uring: out of memory\n");
				return 1;
			}
		}
	if (optind < argc && !(out = fopen(argv[optind], "w"))) {
		fprintf(stderr, "uring: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}

	/* warm up both paths once */
	ioctl_pair(fd, (int)dev, P_MAP_SINGLE, size);
	uring_batch(&ring, fd, (int)dev, P_MAP_SINGLE, size, 1, handles);

	for (unsigned long rd = 0; rd < rounds; rd++)
		for (int p = 0; p < NPAIR; p++)
			for (int k = 0; k <= NQD; k++) {
				unsigned int qd = k ? qds[k - 1] : 1;
				unsigned long nb = (pairs + qd - 1) / qd, done = 0;
				uint64_t t0;

				if (err[p][k])
					continue;
				t0 = dmab_now_ns();
				for (unsigned long b = 0; b < nb && !r; b++) {
					if (k) {
						r = uring_batch(&ring, fd, (int)dev, p, size, qd, handles);
						done += qd;
					} else {
						r = ioctl_pair(fd, (int)dev, p, size);
						done++;
					}
				}
				if (r) {
					err[p][k] = -r;
					fprintf(stderr, "uring: %s %s qd %u: %s\n", pair_names[p], k ? "uring" : "ioctl",
						qd, strerror(-r));
					r = 0;
					continue;
				}
				samp[p][k][rd] = (uint32_t)((dmab_now_ns() - t0) / done);
			}

	dmab_json_init(&j, out, 2);
	dmab_json_obj_begin(&j);
	dmab_json_kv_u64(&j, "schema", 1);
	dmab_json_kv_u64(&j, "size", size);
	dmab_json_kv_u64(&j, "rounds", rounds);
	dmab_json_kv_u64(&j, "pairs_per_round", pairs);
	dmab_json_key(&j, "rows");
	dmab_json_arr_begin(&j);
	for (int p = 0; p < NPAIR; p++)
		for (int k = 0; k <= NQD; k++) {
			struct dmab_summary s;
			uint32_t n = err[p][k] ? 0 : (uint32_t)rounds;
			char op[48];

			/* compare keys rows by op/api/attrs/size: the path and depth go into op */
			snprintf(op, sizeof(op), "%s %s qd%u", pair_names[p], k ? "uring" : "ioctl", k ? qds[k - 1] : 1);
			dmab_summarize(samp[p][k], n, &s);
			dmab_json_obj_begin(&j);
			dmab_json_kv_str(&j, "op", op);
			dmab_json_kv_str(&j, "pair", pair_names[p]);
			dmab_json_kv_str(&j, "path", k ? "uring" : "ioctl");
			dmab_json_kv_u64(&j, "qd", k ? qds[k - 1] : 1);
			dmab_json_kv_str(&j, "api", "attrs");
			dmab_json_kv_str(&j, "attrs", "none");
			dmab_json_kv_u64(&j, "size", size);
			dmab_json_kv_u64(&j, "n", n);
			dmab_json_kv_i64(&j, "errno", err[p][k]);
			dmab_json_kv_u64(&j, "min", s.min);
			dmab_json_kv_u64(&j, "p50", s.p50);
			dmab_json_kv_u64(&j, "max", s.max);
			dmab_json_key(&j, "samples");
			dmab_json_arr_u32(&j, samp[p][k], n);
			dmab_json_obj_end(&j);
			fprintf(stderr, "uring: %-28s median %6u ns/pair%s%s\n", op, s.p50, err[p][k] ? " error: " : "",
				err[p][k] ? strerror(err[p][k]) : "");
		}
	dmab_json_arr_end(&j);
	dmab_json_obj_end(&j);
	r = dmab_json_finish(&j);
	if (out != stdout && fclose(out) && !r)
		r = -errno;
	io_uring_queue_exit(&ring);
	close(fd);
	return r ? 1 : 0;
}
