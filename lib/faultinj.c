// SPDX-License-Identifier: GPL-2.0
/* faultinj.c - fault injection knobs (see faultinj.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faultinj.h"

static const struct {
	const char *dir, *name, *val;
} knobs[] = {
	{ DMAB_FAILSLAB_DIR, "ignore-gfp-wait", "N" },
	{ DMAB_FAILSLAB_DIR, "verbose", "0" },
	{ DMAB_FAILSLAB_DIR, "probability", "0" },
	{ DMAB_FAILPAGE_DIR, "ignore-gfp-wait", "N" },
	{ DMAB_FAILPAGE_DIR, "ignore-gfp-highmem", "N" },
	{ DMAB_FAILPAGE_DIR, "min-order", "0" },
	{ DMAB_FAILPAGE_DIR, "verbose", "0" },
	{ DMAB_FAILPAGE_DIR, "probability", "0" },
};
#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))
static char saved[NKNOBS][32];
static bool have_saved[NKNOBS];

static int rd(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return 0;
}

static int wr(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		r = -errno;
	close(fd);
	return r;
}

bool dmab_faultinj_available(void)
{
	return !access(DMAB_FAILNTH_PATH, W_OK) && !access(DMAB_FAILSLAB_DIR "/probability", W_OK) &&
	       !access(DMAB_FAILPAGE_DIR "/probability", W_OK);
}

int dmab_faultinj_setup(void)
{
	char p[256];
	int r;

	for (size_t i = 0; i < NKNOBS; i++) {
		snprintf(p, sizeof(p), "%s/%s", knobs[i].dir, knobs[i].name);
		r = rd(p, saved[i], sizeof(saved[i]));
		if (r)
			return r;
		have_saved[i] = true;
		r = wr(p, knobs[i].val);
		if (r)
			return r;
	}
	return 0;
}

int dmab_faultinj_restore(void)
{
	char p[256];
	int r = 0, e;

	for (size_t i = NKNOBS; i-- > 0;) {
		if (!have_saved[i])
			continue;
		snprintf(p, sizeof(p), "%s/%s", knobs[i].dir, knobs[i].name);
		e = wr(p, saved[i]);
		if (e && !r)
			r = e;
		have_saved[i] = false;
	}
	return r;
}

int dmab_failnth_open(void)
{
	int fd = open(DMAB_FAILNTH_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int dmab_failnth_set(int fd, unsigned int n)
{
	char v[16];
	int l = snprintf(v, sizeof(v), "%u", n);

	return pwrite(fd, v, (size_t)l, 0) < 0 ? -errno : 0;
}

int dmab_failnth_get(int fd, unsigned int *left)
{
	char v[32];
	ssize_t n = pread(fd, v, sizeof(v) - 1, 0);

	if (n < 0)
		return -errno;
	v[n] = 0;
	*left = (unsigned int)strtoul(v, NULL, 10);
	return 0;
}
