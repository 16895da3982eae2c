// SPDX-License-Identifier: GPL-2.0
/*
 * fault_inject: every allocation the kernel makes inside an ALLOC, GET_SGTABLE,
 * MAP_SG or MAP_SINGLE ioctl is made to fail once, in turn (fail-nth over failslab and
 * fail_page_alloc, lib/faultinj.h): each attempt must end in 0 or -ENOMEM, leave the live
 * counters as they were once its objects are freed, and the runner fails the test on any
 * kernel warning it causes. The sweep of one operation ends at the first attempt whose
 * injection was not consumed (the operation made fewer allocations than n): all sites seen.
 * Skips on kernels without fault injection (Debian's; `make kernel` builds one).
 */
#include "kmod/tests/tcommon.h"
#include "lib/faultinj.h"

#define MAX_SITES 400

struct op {
	const char *name;
	uint32_t api;		/* ALLOC api; 0: not an ALLOC */
	uint64_t size;
	int kind;		/* 0 alloc, 1 sgtable of an alloc, 2 map_sg on dev2, 3 map_single */
};

static int fnth = -1;
static int dev1, dev2;

/* the operation under test, with fail-nth armed around exactly its ioctl */
static int run_op(int fd, const struct op *o, unsigned int n, unsigned int *left)
{
	struct dmabench_alloc a;
	struct dmabench_sgtable s;
	struct dmabench_map_sg m;
	struct dmabench_map_single ms;
	uint32_t h[3] = { 0, 0, 0 };
	int r, nh = 0;

	/* setup without injection */
	if (o->kind >= 1 && o->kind <= 2) {
		t_assert(!t_alloc(fd, &a, (uint32_t)dev1, DMABENCH_API_ATTRS, o->size, 0), "setup alloc");
		h[nh++] = a.handle;
		if (o->kind == 2) {
			t_assert(!t_sgtable(fd, &s, a.handle, NULL, 0), "setup sgtable");
			h[nh++] = s.handle;
		}
	}
	t_assert(!dmab_failnth_set(fnth, n), "arm fail-nth %u", n);
	switch (o->kind) {
	case 0:
		r = t_alloc(fd, &a, (uint32_t)dev1, o->api, o->size, 0);
		break;
	case 1:
		r = t_sgtable(fd, &s, h[0], NULL, 0);
		break;
	case 2:
		r = t_map_sg(fd, &m, h[1], (uint32_t)dev2, NULL, 0);
		break;
	default:
		r = t_map_single(fd, &ms, (uint32_t)dev1, o->size);
		break;
	}
	t_assert(!dmab_failnth_get(fnth, left), "read fail-nth");
	dmab_failnth_set(fnth, 0);
	if (!r)
		h[nh++] = o->kind == 0 ? a.handle : o->kind == 1 ? s.handle : o->kind == 2 ? m.handle : ms.handle;
	while (nh > 0)
		t_assert(!t_free(fd, h[--nh]), "free");
	return r;
}

/* one line to the kernel log, so dmesg.txt carries the figures */
static void kmsg_line(const char *s)
{
	char buf[256];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC), l;

	if (fd < 0)
		return;
	l = snprintf(buf, sizeof(buf), "dmabench-test: fault_inject: %s\n", s);
	if (write(fd, buf, (size_t)l) < 0)
		perror("/dev/kmsg");
	close(fd);
}

int main(void)
{
	static const struct op ops[] = {
		{ "alloc attrs 4K", DMABENCH_API_ATTRS, 4096, 0 },
		{ "alloc attrs 1M", DMABENCH_API_ATTRS, 1 << 20, 0 },
		{ "alloc pages 64K", DMABENCH_API_PAGES, 65536, 0 },
		{ "alloc noncontig 64K", DMABENCH_API_NONCONTIG, 65536, 0 },
		{ "alloc noncontig+vmap 64K", DMABENCH_API_NONCONTIG_VMAP, 65536, 0 },
		{ "get_sgtable 64K", 0, 65536, 1 },
		{ "map_sg 64K", 0, 65536, 2 },
		{ "map_single 8K", 0, 8192, 3 },
	};
	struct dmabench_stats base, now;
	char line[200];
	uint32_t a, b;
	int fd, fails = 0;

	if (!dmab_faultinj_available())
		t_skip("kernel without fault injection (%s, %s, %s): make kernel builds one",
		       DMAB_FAILNTH_PATH, DMAB_FAILSLAB_DIR, DMAB_FAILPAGE_DIR);
	fd = t_open();
	t_assert(t_pick_pair(fd, &a, &b) > 0, "no device");
	dev1 = (int)a;
	dev2 = (int)b;
	fnth = dmab_failnth_open();
	t_assert(fnth >= 0, "open %s: %s", DMAB_FAILNTH_PATH, strerror(-fnth));
	t_assert(!dmab_faultinj_setup(), "configure %s and %s", DMAB_FAILSLAB_DIR, DMAB_FAILPAGE_DIR);
	t_stats(fd, &base);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		unsigned int n, left = 0, enomem = 0, ok = 0, other = 0;
		int r = 0;

		for (n = 1; n <= MAX_SITES; n++) {
			r = run_op(fd, &ops[i], n, &left);
			if (left)		/* not consumed: the op has fewer than n sites */
				break;
			if (!r)
				ok++;
			else if (r == -ENOMEM)
				enomem++;
			else {
				other++;
				printf("%s: site %u: %s (documented: 0 or ENOMEM)\n", ops[i].name, n, strerror(-r));
			}
			t_stats(fd, &now);
			if (!t_stats_live_equal(&base, &now)) {
				t_print_stats("baseline", &base);
				t_print_stats("now", &now);
				t_fail("%s: site %u: objects left behind", ops[i].name, n);
			}
		}
		if (n > MAX_SITES) {
			printf("%s: more than %d sites\n", ops[i].name, MAX_SITES);
			fails++;
		}
		if (r) {
			printf("%s: fails without injection: %s\n", ops[i].name, strerror(-r));
			fails++;
		}
		snprintf(line, sizeof(line), "%s: %u injection sites: %u -ENOMEM, %u succeeded anyway, %u other errno",
			 ops[i].name, n - 1, enomem, ok, other);
		printf("%s\n", line);
		kmsg_line(line);	/* in dmesg.txt: the figures also when the test passes */
		fails += other > 0;
		/* the module allocates its own object in every one of these: at least one site */
		if (n == 1) {
			printf("%s: no injection site consumed (fail-nth left %u)\n", ops[i].name, left);
			fails++;
		}
	}
	t_assert(!dmab_faultinj_restore(), "restore the fault injection knobs");
	close(fnth);
	close(fd);
	return fails ? T_FAIL : T_PASS;
}
