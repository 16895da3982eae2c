/* SPDX-License-Identifier: GPL-2.0 */
/* test_common.h - assertions and temp dirs for the harness unit tests
 * (exit 0 pass, 1 fail, 4 skip). */
#ifndef DMAB_TEST_COMMON_H
#define DMAB_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util.h"

static int t_failures, t_checks;

#define CHECK(cond) do { \
	t_checks++; \
	if (!(cond)) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
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

#define CHECK_CONTAINS(hay, needle) do { \
	const char *_h = (hay), *_n = (needle); \
	t_checks++; \
	if (!_h || !strstr(_h, _n)) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: %s does not contain \"%s\"\n", __FILE__, __LINE__, #hay, _n); \
	} \
} while (0)

static char t_tmpdir[256];

/* mkdtemp under /tmp; removed by t_done(). */
static inline const char *t_mktemp(void)
{
	snprintf(t_tmpdir, sizeof(t_tmpdir), "/tmp/dmabench-test-XXXXXX");
	if (!mkdtemp(t_tmpdir)) {
		perror("mkdtemp");
		exit(1);
	}
	return t_tmpdir;
}

static inline int t_done(const char *name)
{
	if (t_tmpdir[0])
		dmab_rm_rf(t_tmpdir);
	printf("%s: %d checks, %d failed\n", name, t_checks, t_failures);
	return t_failures ? 1 : 0;
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

#endif
