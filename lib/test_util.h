/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_util.h - the host unit tests' helpers: assertions (exit 0 pass, 1 fail,
 * 4 skip), temporary folders and fixture files.
 */
#ifndef DMAB_TEST_UTIL_H
#define DMAB_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static int t_failures, t_checks;

#define CHECK(cond) do { \
	t_checks++; \
	if (!(cond)) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_EQ_U(a, b) do { \
	unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
	t_checks++; \
	if (_a != _b) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: %s == %llu, expected %s == %llu\n", __FILE__, __LINE__, #a, _a, #b, _b); \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	t_checks++; \
	if (_a != _b) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, _a, _b); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	t_checks++; \
	if (!_a || !_b || strcmp(_a, _b)) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
			_a ? _a : "(null)", _b ? _b : "(null)"); \
	} \
} while (0)

#define CHECK_NEAR(a, b, eps) do { \
	double _a = (a), _b = (b); \
	t_checks++; \
	if (!(_a - _b <= (eps) && _b - _a <= (eps))) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: %s == %.17g, expected %.17g\n", __FILE__, __LINE__, #a, _a, _b); \
	} \
} while (0)

#define CHECK_CONTAINS(hay, needle) do { \
	const char *_h = (hay), *_n = (needle); \
	t_checks++; \
	if (!_h || !strstr(_h, _n)) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: %s does not contain \"%s\"\n", __FILE__, __LINE__, #hay, _n); \
	} \
} while (0)

/* Set by a test that made temporary files; run by t_done(). */
static void (*t_cleanup)(void);

static char t_tmpdir[256];

static void t_rm_tmpdir(void)
{
	if (t_tmpdir[0])
		dmab_rm_rf(t_tmpdir);
}

/* mkdtemp under /tmp; removed by t_done(). */
static inline const char *t_mktemp(void)
{
	snprintf(t_tmpdir, sizeof(t_tmpdir), "/tmp/dmabench-test-XXXXXX");
	if (!mkdtemp(t_tmpdir)) {
		perror("mkdtemp");
		exit(1);
	}
	t_cleanup = t_rm_tmpdir;
	return t_tmpdir;
}
/* Write a whole file (test fixtures). */
static inline void t_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static inline int t_done(const char *name)
{
	if (t_cleanup)
		t_cleanup();
	printf("%s: %d checks, %d failed\n", name, t_checks, t_failures);
	return t_failures ? 1 : 0;
}

#endif
