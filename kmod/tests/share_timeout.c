// SPDX-License-Identifier: GPL-2.0
/*
 * share_timeout: the edu engine's timeout path. With the module parameter
 * edu_timeout_ms shortened to 1 ms (an edu transfer takes ~100 ms), a
 * VERIFY fails with ETIMEDOUT and the kernel log says so; the engine is
 * then held (EIO) until it reports idle; with the default timeout back and
 * the late transfer over, the next VERIFY works and reads the right bytes.
 * Nothing crashes, the counters return to baseline, the parameter is
 * restored whatever happens.
 */
#include <time.h>

#include "kmod/tests/tcommon.h"
#include "lib/kmsg.h"

#define PARAM "/sys/module/dmabench/parameters/edu_timeout_ms"

static char saved[32];

static int param_write(const char *v)
{
	int fd = open(PARAM, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, v, strlen(v));
	close(fd);
	return n == (ssize_t)strlen(v) ? 0 : -EIO;
}

static void restore(void)
{
	if (saved[0])
		param_write(saved);
}

static int verify(int fd, uint32_t handle, struct dmabench_verify *v)
{
	memset(v, 0, sizeof(*v));
	v->handle = handle;
	v->flags = DMABENCH_VERIFY_FILL;
	v->pages = 1;
	v->len = 128;
	v->seed = 9;
	return t_ioctl(fd, DMABENCH_IOC_VERIFY, v);
}

int main(void)
{
	struct timespec half = { 0, 500000000L };
	struct dmabench_map_single ms;
	struct dmabench_stats s0, s1;
	struct dmabench_verify v;
	struct dmab_kmsg k;
	uint32_t edu[1];
	int fd = t_open(), r, pf, tries;
	ssize_t n;

	if (t_find_devs(fd, DMABENCH_DEV_EDU, edu, 1) < 1)
		t_skip("no edu device");
	pf = open(PARAM, O_RDONLY | O_CLOEXEC);
	if (pf < 0)
		t_skip("%s: %s", PARAM, strerror(errno));
	n = read(pf, saved, sizeof(saved) - 1);
	close(pf);
	t_assert(n > 0, "read " PARAM);
	saved[n] = 0;
	atexit(restore);
	t_stats(fd, &s0);
	t_assert(!t_map_single(fd, &ms, edu[0], 4096), "map_single");

	t_assert(!dmab_kmsg_open(&k, NULL), "/dev/kmsg");
	k.needle = "timed out";
	dmab_kmsg_mark(&k, "dmabench-test: share_timeout: 1 ms");
	t_assert(!param_write("1"), "write " PARAM);
	r = verify(fd, ms.handle, &v);
	t_assert(r == -ETIMEDOUT, "VERIFY with a 1 ms timeout: %s, want ETIMEDOUT", r ? strerror(-r) : "success");
	restore();
	dmab_kmsg_poll(&k);
	t_assert(k.nmatch, "no 'timed out' line in the kernel log");
	printf("kernel: %s\n", k.match);

	/* the late transfer finishes within ~100 ms; then the engine is back */
	for (tries = 0, r = -EIO; r == -EIO && tries < 10; tries++) {
		nanosleep(&half, NULL);
		r = verify(fd, ms.handle, &v);
	}
	t_assert(!r, "VERIFY after the timeout: %s", strerror(-r));
	t_assert(v.checked == 1 && !v.mismatches && !v.blocked, "after the timeout: %u mismatches, %u blocked",
		 v.mismatches, v.blocked);
	printf("engine back after %d x 0.5 s, bytes right\n", tries);
	dmab_kmsg_close(&k);

	t_assert(!t_free(fd, ms.handle), "free");
	t_stats(fd, &s1);
	t_assert(t_stats_live_equal(&s0, &s1), "live counters not back to baseline");
	close(fd);
	return T_PASS;
}
