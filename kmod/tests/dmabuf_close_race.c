// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf_close_race - the last close of a ctl file and the last close of a
 * dma-buf exported from one of its allocations, at the same moment from two
 * threads (released together by a barrier), many times. Whichever release
 * runs first, the allocation is freed exactly once and the other side never
 * touches it afterwards: no use-after-free (run with slab poisoning,
 * slub_debug=P, a late touch is a general protection fault on 0x6b6b...),
 * no leak (live counters back at the baseline). The module's test hook
 * handover_delay_ms widens the window after the hand-over to 1 ms, so that
 * the race is met on a one-CPU VM too.
 * DMABENCH_RACE_ITERS overrides the iteration count (default 2000); after
 * 200 rounds the test stops at 15 s (arm64 under TCG takes ~30 ms a round;
 * with the hook every round meets the race).
 */
#include <pthread.h>

#include "tcommon.h"
#include "lib/util.h"

#define DELAY_PARAM "/sys/module/dmabench/parameters/handover_delay_ms"

/* The module's test hook: sleep after the hand-over (absent: 0, the race runs unaided). */
static void set_delay(const char *ms)
{
	int fd = open(DELAY_PARAM, O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, ms, strlen(ms)) < 0)
		printf("%s: %s\n", DELAY_PARAM, strerror(errno));
	close(fd);
}

static void delay_off(void)
{
	set_delay("0");
}

struct racer {
	pthread_barrier_t go, done;
	int fd;			/* closed by this thread each round */
	int quit;
};

static void *closer(void *p)
{
	struct racer *r = p;

	for (;;) {
		pthread_barrier_wait(&r->go);
		if (r->quit)
			return NULL;
		close(r->fd);
		pthread_barrier_wait(&r->done);
	}
}

int main(void)
{
	const char *it = getenv("DMABENCH_RACE_ITERS");
	int iters = it ? atoi(it) : 2000, obs = t_open(), i;
	struct dmabench_stats s0, s;
	struct racer r = { 0 };
	uint32_t ids[4], dev;
	pthread_t th;

	if (t_find_devs(obs, DMABENCH_DEV_PLATFORM, ids, 4) < 1 &&
	    t_find_devs(obs, DMABENCH_DEV_EDU, ids, 4) < 1)
		t_skip("no device");
	dev = ids[0];
	t_stats(obs, &s0);
	/*
	 * The VM has one CPU: a 1 ms sleep right after the ctl release handed
	 * the allocation over lets the other thread's dma-buf release run in
	 * the window a second CPU would give it.
	 */
	atexit(delay_off);
	set_delay("1");
	pthread_barrier_init(&r.go, NULL, 2);
	pthread_barrier_init(&r.done, NULL, 2);
	t_assert(pthread_create(&th, NULL, closer, &r) == 0, "pthread_create");

	double t0 = dmab_now();

	for (i = 0; i < iters && (i < 200 || dmab_now() - t0 < 15); i++) {
		struct dmabench_dmabuf_export ex;
		struct dmabench_alloc al;
		int ctl = t_open(), rr;

		rr = t_alloc(ctl, &al, dev, DMABENCH_API_ATTRS, 4096 << (i & 3), 0);
		t_assert(rr == 0, "ALLOC: %s", strerror(-rr));
		memset(&ex, 0, sizeof(ex));
		ex.alloc = al.handle;
		t_xioctl(ctl, DMABENCH_IOC_DMABUF_EXPORT, &ex);
		/* alternate who holds which fd: both orders of the two releases */
		r.fd = i & 1 ? ctl : ex.fd;
		pthread_barrier_wait(&r.go);
		close(i & 1 ? ex.fd : ctl);
		pthread_barrier_wait(&r.done);
	}
	r.quit = 1;
	pthread_barrier_wait(&r.go);
	pthread_join(th, NULL);

	t_stats(obs, &s);
	if (!t_stats_live_equal(&s0, &s)) {
		t_print_stats("baseline", &s0);
		t_print_stats("after", &s);
		t_fail("live counters not back at the baseline after %d close races", i);
	}
	close(obs);
	printf("dmabuf_close_race: %d rounds of close(ctl) against close(dma-buf) in %.1f s\n", i, dmab_now() - t0);
	return T_PASS;
}
