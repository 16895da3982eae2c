// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-replay: run fuzzer inputs (files, or every file of a directory)
 * through the same decoder, executor and oracles as the libFuzzer target,
 * without libFuzzer. Exit 0 all clean, 1 a finding (or, with --require-ok,
 * an input whose program runs no successful operation), 2 usage or setup.
 *
 *   fuzz-replay [-v] [-p] [-n REPEAT] [--require-ok] [--no-klog] [--ctl PATH] PATH...
 *   fuzz-replay --minimize OUT [--no-klog] [--ctl PATH] FILE   (op-level delta debugging: exit 1 minimised)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fuzz/program.h"

#define REPLAY_MAX_INPUT (1 << 16)

struct opts {
	int verbose, print, require_ok;
	unsigned long repeat;
};

static struct fuzz_program prog;
static uint8_t input[REPLAY_MAX_INPUT];

static int replay_file(struct fuzz_ctx *c, const struct opts *o, const char *path,
		       unsigned long *programs, unsigned long *bad)
{
	struct fuzz_result res;
	unsigned long k;
	size_t len;
	int ret;

	ret = fuzz_read_file(path, input, sizeof(input), &len);
	if (ret) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(-ret));
		return ret;
	}
	fuzz_decode(input, len, &prog);
	if (o->print) {
		char line[256];
		unsigned int i;

		for (i = 0; i < prog.nops; i++)
			printf("  %2u %s\n", i, fuzz_format_op(&prog.ops[i], line, sizeof(line)));
	}
	for (k = 0; k < o->repeat; k++) {
		ret = fuzz_exec(c, &prog, &res);
		if (ret) {
			fprintf(stderr, "fuzz-replay: %s: cannot run: %s\n", path, strerror(-ret));
			return ret;
		}
		(*programs)++;
		if (res.finding) {
			printf("FINDING %s: %s: %s\n", fuzz_finding_name(res.finding), path, res.msg);
			(*bad)++;
			return 0;
		}
	}
	if (o->require_ok && (!prog.nops || !res.ops_ok)) {
		printf("FAIL %s: %u ops decoded, %u ran, none succeeded\n", path, prog.nops, res.ops_run);
		(*bad)++;
		return 0;
	}
	if (o->verbose)
		printf("ok %s: %zu bytes, %u ops, %u ran, %u ok, %u documented errors\n", path, len,
		       prog.nops, res.ops_run, res.ops_ok, res.ops_err);
	return 0;
}

static struct fuzz_program cand;
static uint8_t outbuf[REPLAY_MAX_INPUT];

/* Run p up to 3 times: 1 when any run reports finding kind k. */
static int still_finds(struct fuzz_ctx *c, const struct fuzz_program *p, enum fuzz_finding k)
{
	struct fuzz_result res;
	int i;

	for (i = 0; i < 3; i++)
		if (!fuzz_exec(c, p, &res) && res.finding == k)
			return 1;
	return 0;
}

/*
 * Op-level delta debugging (ddmin over operations): drop chunks of
 * operations while the program still gives the same kind of finding, halving
 * the chunk size down to single operations. Writes fuzz_encode() of the
 * result to out. Exit codes as for replay: 0 (no finding to minimise), 1
 * minimised, 2 error.
 */
static int minimize(struct fuzz_ctx *c, const char *path, const char *out)
{
	struct fuzz_result res;
	unsigned int chunk, i, j, tries = 0;
	size_t len;
	long n;
	FILE *f;
	int ret;

	ret = fuzz_read_file(path, input, sizeof(input), &len);
	if (ret) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(-ret));
		return 2;
	}
	fuzz_decode(input, len, &prog);
	if (fuzz_exec(c, &prog, &res) || !res.finding) {
		printf("fuzz-replay: %s: no finding to minimise (%u ops)\n", path, prog.nops);
		return 0;
	}
	printf("FINDING %s: %s: %s\n", fuzz_finding_name(res.finding), path, res.msg);
	for (chunk = prog.nops / 2 ? prog.nops / 2 : 1; chunk >= 1; chunk /= 2) {
		for (i = 0; i < prog.nops && prog.nops > 1;) {
			cand.nops = 0;
			for (j = 0; j < prog.nops; j++)
				if (j < i || j >= i + chunk)
					cand.ops[cand.nops++] = prog.ops[j];
			tries++;
			if (cand.nops && still_finds(c, &cand, res.finding))
				prog = cand;	/* keep the cut, same i */
			else
				i += chunk;
		}
		if (chunk == 1)
			break;
	}
	n = fuzz_encode(&prog, outbuf, sizeof(outbuf));
	if (n < 0 || !(f = fopen(out, "wb")) || fwrite(outbuf, 1, (size_t)n, f) != (size_t)n || fclose(f)) {
		fprintf(stderr, "fuzz-replay: cannot write %s\n", out);
		return 2;
	}
	printf("fuzz-replay: minimised %s: %zu bytes -> %ld bytes, %u ops, %u tries\n", path, len, n,
	       prog.nops, tries);
	for (i = 0; i < prog.nops; i++) {
		char line[256];

		printf("  %2u %s\n", i, fuzz_format_op(&prog.ops[i], line, sizeof(line)));
	}
	return 1;
}

static int replay_path(struct fuzz_ctx *c, const struct opts *o, const char *path,
		       unsigned long *programs, unsigned long *bad, unsigned long *files)
{
	struct dirent **ents;
	struct stat st;
	int i, n, ret = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*files)++;
		return replay_file(c, o, path, programs, bad);
	}
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		char sub[4096];

		if (ents[i]->d_name[0] != '.' && !ret) {
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
			if (!stat(sub, &st) && S_ISREG(st.st_mode)) {
				(*files)++;
				ret = replay_file(c, o, sub, programs, bad);
			}
		}
		free(ents[i]);
	}
	free(ents);
	return ret;
}

static void usage(void)
{
	fprintf(stderr, "usage: fuzz-replay [-v] [-p] [-n REPEAT] [--require-ok] [--no-klog] [--ctl PATH] PATH...\n"
		"       fuzz-replay --minimize OUT [--no-klog] [--ctl PATH] FILE\n");
}

int main(int argc, char **argv)
{
	struct opts o = { .repeat = 1 };
	unsigned long programs = 0, bad = 0, files = 0;
	const char *ctl = NULL;
	struct fuzz_ctx c;
	struct timespec t0, t1;
	int i, first = 0, ret, noklog = 0;
	const char *minout = NULL;
	double secs;

	for (i = 1; i < argc && !first; i++) {
		if (!strcmp(argv[i], "-v"))
			o.verbose = 1;
		else if (!strcmp(argv[i], "-p"))
			o.print = o.verbose = 1;
		else if (!strcmp(argv[i], "--require-ok"))
			o.require_ok = 1;
		else if (!strcmp(argv[i], "--no-klog"))
			noklog = 1;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			o.repeat = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--minimize") && i + 1 < argc)
			minout = argv[++i];
		else if (!strcmp(argv[i], "--ctl") && i + 1 < argc)
			ctl = argv[++i];
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage();
			return 0;
		} else if (argv[i][0] == '-') {
			usage();
			return 2;
		} else
			first = i;
	}
	if (!first || !o.repeat) {
		usage();
		return 2;
	}
	ret = fuzz_ctx_init(&c, ctl);
	if (ret) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", ctl ? ctl : DMABENCH_CTL_PATH, strerror(-ret));
		return 2;
	}
	if (noklog)
		c.check_klog = 0;
	if (minout) {
		ret = first + 1 == argc ? minimize(&c, argv[first], minout) : 2;
		fuzz_ctx_fini(&c);
		return ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = first; i < argc; i++) {
		ret = replay_path(&c, &o, argv[i], &programs, &bad, &files);
		if (ret)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (c.failnth_fd >= 0)	/* fault injection present (debug kernel) */
		printf("fuzz-replay: fail-nth: %llu ops armed, %llu injected failures\n",
		       (unsigned long long)c.failnth_armed, (unsigned long long)c.failnth_hit);
	else
		printf("fuzz-replay: fail-nth: no fault injection in this kernel (failnth ops are no-ops)\n");
	fuzz_ctx_fini(&c);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("fuzz-replay: %lu files, %lu programs in %.3f s (%.0f programs/s), %lu devices, %lu bad\n",
	       files, programs, secs, secs > 0 ? (double)programs / secs : 0.0,
	       (unsigned long)c.npresent, bad);
	if (ret)
		return 2;
	return bad ? 1 : 0;
}
