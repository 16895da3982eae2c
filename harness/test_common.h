/* SPDX-License-Identifier: GPL-2.0 */
/* test_common.h - temp dirs and fixtures for the harness unit tests; assertions come from lib/test_util.h. */
#ifndef DMAB_TEST_COMMON_H
#define DMAB_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util.h"
#include "lib/test_util.h"

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

#endif
