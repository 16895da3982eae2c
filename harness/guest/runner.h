/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - the in-guest test runner (included by init.c only).
 *
 * For each executable in the test directory (sorted by name): write
 * "dmabench-test: begin X" to /dev/kmsg, run it with stdout+stderr captured
 * and a timeout, then read the kernel log since the marker and fail the test
 * on any line of dmab_klog_bad_patterns (lib/klog.c). Exit 0 ok, 4 skip,
 * anything else not ok. Produces KTAP version 1.
 */
#ifndef DMAB_GUEST_RUNNER_H
#define DMAB_GUEST_RUNNER_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/klog.h"
#include "lib/util.h"

#define KLOG_BAD_MAX 20
#define DIAG_OUT_LINES 200

struct test_list {
	char **names;
	size_t n;
};

static inline int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void test_list_free(struct test_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	l->names = NULL;
	l->n = 0;
}

/* Executable regular files in dir, sorted. 0 or -errno (missing dir: -ENOENT). */
static inline int test_list_read(const char *dir, struct test_list *l)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	l->names = NULL;
	l->n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & 0111))
			continue;
		if (l->n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 16;
			nn = realloc(l->names, cap * sizeof(*nn));
			if (!nn) {
				closedir(d);
				test_list_free(l);
				return -ENOMEM;
			}
			l->names = nn;
		}
		l->names[l->n] = strdup(e->d_name);
		if (!l->names[l->n]) {
			closedir(d);
			test_list_free(l);
			return -ENOMEM;
		}
		l->n++;
	}
	closedir(d);
	if (l->n)
		qsort(l->names, l->n, sizeof(char *), cmp_str);
	return 0;
}

/*
 * Keep only the tests named in the comma list only (NULL or "": all), e.g.
 * DMABENCH_TEST_ONLY=share_verify,share_fault for a quick targeted VM.
 */
static inline void test_list_only(struct test_list *l, const char *only)
{
	size_t i, n = 0;

	if (!only || !*only)
		return;
	for (i = 0; i < l->n; i++) {
		size_t len = strlen(l->names[i]);
		const char *p = only;
		int keep = 0;

		while (*p && !keep) {
			const char *e = strchr(p, ',');
			size_t pl = e ? (size_t)(e - p) : strlen(p);

			keep = pl == len && !strncmp(p, l->names[i], len);
			p += pl + (e ? 1 : 0);
		}
		if (keep)
			l->names[n++] = l->names[i];
		else
			free(l->names[i]);
	}
	l->n = n;
}

/* Append each line of text to b as "# line" (only the last max_lines lines). */
static inline void diag_lines(struct sbuf *b, const char *text, size_t len, size_t max_lines)
{
	size_t lines = 0, i, start = 0;

	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			lines++;
	if (len && text[len - 1] != '\n')
		lines++;
	if (lines > max_lines) {
		size_t skip = lines - max_lines;

		sb_printf(b, "# ... (%zu earlier output lines dropped)\n", skip);
		for (i = 0; i < len && skip; i++)
			if (text[i] == '\n')
				skip--;
		start = i;
	}
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t n = nl ? (size_t)(nl - (text + start)) : len - start;

		sb_puts(b, "# ");
		sb_add(b, text + start, n);
		sb_puts(b, "\n");
		start += n + 1;
	}
}

/* Extract the skip reason: rest of the line after the first "SKIP: ". */
static inline void skip_reason(const char *out, size_t len, char *buf, size_t blen)
{
	const char *p = NULL, *e;
	size_t i, n;

	buf[0] = '\0';
	for (i = 0; i + 6 <= len; i++)
		if (memcmp(out + i, "SKIP: ", 6) == 0) {
			p = out + i + 6;
			break;
		}
	if (!p)
		return;
	e = memchr(p, '\n', (size_t)(out + len - p));
	n = e ? (size_t)(e - p) : (size_t)(out + len - p);
	if (n >= blen)
		n = blen - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	/* KTAP: keep it one clean line */
	for (i = 0; i < n; i++)
		if (buf[i] == '\r' || buf[i] == '#')
			buf[i] = ' ';
}

/* The kernel log device (a unit test points this elsewhere). */
static const char *runner_kmsg_path = "/dev/kmsg";

struct kmsg_scan {
	int rfd;		/* /dev/kmsg read side, or -1 */
	int wfd;		/* /dev/kmsg write side, or -1 */
	int open_err;
};

static inline void kmsg_scan_open(struct kmsg_scan *k)
{
	k->rfd = open(runner_kmsg_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	k->open_err = k->rfd < 0 ? errno : 0;
	k->wfd = k->rfd < 0 ? -1 : open(runner_kmsg_path, O_WRONLY | O_CLOEXEC);
}

static inline void kmsg_scan_close(struct kmsg_scan *k)
{
	if (k->rfd >= 0)
		close(k->rfd);
	if (k->wfd >= 0)
		close(k->wfd);
	k->rfd = k->wfd = -1;
}

/* Position the reader at the end of the log and write the marker. */
static inline void kmsg_mark(struct kmsg_scan *k, const char *marker)
{
	if (k->rfd >= 0)
		lseek(k->rfd, 0, SEEK_END);
	if (k->wfd >= 0)
		(void)!write(k->wfd, marker, strlen(marker));
}

/*
 * Read the records written since kmsg_mark(); lines after the marker that
 * match a bad pattern are appended (at most KLOG_BAD_MAX) to bad. Returns
 * the number of bad lines.
 */
static inline int kmsg_collect(struct kmsg_scan *k, const char *marker, struct sbuf *bad)
{
	char rec[8192];
	int nbad = 0, seen_marker = 0, expect_fault = 0;
	size_t mlen = strlen(marker);

	if (k->rfd < 0)
		return 0;
	while (mlen && marker[mlen - 1] == '\n')
		mlen--;
	for (;;) {
		ssize_t n = read(k->rfd, rec, sizeof(rec) - 1);
		unsigned long long seq;
		const char *msg;
		size_t msglen;
		char line[1024];

		if (n < 0 && errno == EPIPE)	/* records overwritten: go on */
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (dmab_kmsg_parse(rec, (size_t)n, &seq, &msg, &msglen))
			continue;
		if (!seen_marker && msglen == mlen && memcmp(msg, marker, mlen) == 0) {
			seen_marker = 1;
			nbad = 0;	/* only what follows the marker counts */
			bad->len = 0;
			if (bad->p)
				bad->p[0] = '\0';
			continue;
		}
		if (msglen >= sizeof(line))
			msglen = sizeof(line) - 1;
		memcpy(line, msg, msglen);
		line[msglen] = '\0';
		/* a test's own bracket: IOMMU fault lines inside it are expected */
		if (!strcmp(line, DMAB_KLOG_EXPECT_FAULT_BEGIN) || !strcmp(line, DMAB_KLOG_EXPECT_FAULT_END)) {
			expect_fault = !strcmp(line, DMAB_KLOG_EXPECT_FAULT_BEGIN);
			continue;
		}
		if (expect_fault && dmab_klog_iommu_fault(line))
			continue;
		if (dmab_klog_match(line)) {
			if (nbad < KLOG_BAD_MAX)
				sb_printf(bad, "# kernel: %s\n", line);
			nbad++;
		}
	}
	return nbad;
}

struct run_totals {
	unsigned int pass, fail, skip;
};

/*
 * Run every test in dir; KTAP into ktap. progress(i, n, name) is called
 * before each test. Returns 0 if no test failed, 1 otherwise, -errno when
 * the directory could not be read.
 */
static inline int run_tests(const char *dir, unsigned int timeout_s, struct sbuf *ktap,
		     struct run_totals *tot, void (*progress)(size_t, size_t, const char *))
{
	struct test_list l;
	struct kmsg_scan k;
	size_t i;
	int ret;

	memset(tot, 0, sizeof(*tot));
	ret = test_list_read(dir, &l);
	if (!ret)
		test_list_only(&l, getenv("DMABENCH_TEST_ONLY"));
	sb_puts(ktap, "KTAP version 1\n");
	if (ret) {
		sb_printf(ktap, "1..0 # SKIP cannot read %s: %s\n", dir, strerror(-ret));
		return ret;
	}
	sb_printf(ktap, "1..%zu\n", l.n);
	kmsg_scan_open(&k);
	if (k.rfd < 0)
		sb_printf(ktap, "# kernel log not checked: %s: %s\n", runner_kmsg_path, strerror(k.open_err));

	for (i = 0; i < l.n; i++) {
		char path[4096], marker[512], st[128], reason[256];
		char *argv[2];
		struct child_res r;
		struct sbuf bad = { 0 };
		int nbad, ok, skip = 0;

		if (progress)
			progress(i + 1, l.n, l.names[i]);
		snprintf(path, sizeof(path), "%s/%s", dir, l.names[i]);
		snprintf(marker, sizeof(marker), "dmabench-test: begin %s\n", l.names[i]);
		kmsg_mark(&k, marker);
		argv[0] = path;
		argv[1] = NULL;
		dmab_run_child(argv, DMAB_CHILD_CAPTURE | DMAB_CHILD_REAP, timeout_s, &r);
		nbad = kmsg_collect(&k, marker, &bad);
		dmab_child_status(&r, timeout_s, st, sizeof(st));

		ok = !r.spawn_err && !r.timed_out && WIFEXITED(r.status) &&
		     (WEXITSTATUS(r.status) == 0 || WEXITSTATUS(r.status) == 4) && nbad == 0;
		if (ok && WEXITSTATUS(r.status) == 4)
			skip = 1;

		if (ok && skip) {
			skip_reason(r.out.p ? r.out.p : "", r.out.len, reason, sizeof(reason));
			sb_printf(ktap, "ok %zu %s # SKIP%s%s\n", i + 1, l.names[i], reason[0] ? " " : "", reason);
			tot->skip++;
		} else if (ok) {
			sb_printf(ktap, "ok %zu %s\n", i + 1, l.names[i]);
			tot->pass++;
		} else {
			sb_printf(ktap, "not ok %zu %s\n", i + 1, l.names[i]);
			sb_printf(ktap, "# %s: %s (%.1f s)\n", l.names[i], st, r.secs);
			if (nbad) {
				sb_printf(ktap, "# %d bad kernel log line(s) after the marker:\n", nbad);
				sb_add(ktap, bad.p, bad.len);
			}
			if (r.out.len) {
				sb_puts(ktap, "# output:\n");
				diag_lines(ktap, r.out.p, r.out.len, DIAG_OUT_LINES);
			}
			if (r.truncated)
				sb_printf(ktap, "# (output truncated at %d bytes)\n", DMAB_CHILD_OUT_MAX);
			tot->fail++;
		}
		if (k.wfd >= 0) {
			char endm[512];

			snprintf(endm, sizeof(endm), "dmabench-test: end %s %s\n", l.names[i],
				 ok ? (skip ? "skip" : "ok") : "not ok");
			(void)!write(k.wfd, endm, strlen(endm));
		}
		sb_free(&bad);
		sb_free(&r.out);
	}
	sb_printf(ktap, "# totals: pass:%u fail:%u skip:%u\n", tot->pass, tot->fail, tot->skip);
	kmsg_scan_close(&k);
	test_list_free(&l);
	return tot->fail ? 1 : 0;
}

#endif
