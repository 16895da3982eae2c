// SPDX-License-Identifier: GPL-2.0
/* test_console.c - console line classification and the incremental scanner. */
#include "harness/vm/console.h"
#include "lib/test_util.h"

static int nevents[8];
static struct dmab_progress last;

static void cb(void *arg, enum dmab_con_event ev, const char *line, const struct dmab_progress *pr)
{
	(void)arg;
	(void)line;
	nevents[ev]++;
	if (pr)
		last = *pr;
}

int main(void)
{
	struct dmab_progress pr;
	struct dmab_console c;

	CHECK_EQ(dmab_console_line("dmabench-init: start", NULL), DMAB_CON_INIT);
	CHECK_EQ(dmab_console_line("[    2.1] random: dmabench-init: start", NULL), DMAB_CON_INIT);
	CHECK_EQ(dmab_console_line("[    5.123456] Kernel panic - not syncing: Attempted to kill init!", NULL),
		 DMAB_CON_PANIC);
	CHECK_EQ(dmab_console_line("Kernel panic - not syncing: VFS: Unable to mount root fs", NULL), DMAB_CON_PANIC);
	CHECK_EQ(dmab_console_line("[    7.000000] Oops: 0002 [#1] PREEMPT SMP NOPTI", NULL), DMAB_CON_OOPS);
	CHECK_EQ(dmab_console_line("[    7.000000] BUG: kernel NULL pointer dereference, address: 0", NULL),
		 DMAB_CON_OOPS);
	CHECK_EQ(dmab_console_line("[   12.5] WARNING: CPU: 0 PID: 1 at kernel/dma/mapping.c:532", NULL),
		 DMAB_CON_WARN);
	/* mentions inside other text are not kernel reports */
	CHECK_EQ(dmab_console_line("test: checking that no WARNING: appears", NULL), DMAB_CON_NONE);
	CHECK_EQ(dmab_console_line("[ 1.0] dmabench: BUG: is only a word here", NULL), DMAB_CON_NONE);
	CHECK_EQ(dmab_console_line("[ 1.0] ACPI: PM: Preparing to enter system sleep state S5", NULL), DMAB_CON_NONE);
	CHECK_EQ(dmab_console_line("", NULL), DMAB_CON_NONE);
	CHECK_EQ(dmab_console_line("[", NULL), DMAB_CON_NONE);

	CHECK_EQ(dmab_console_line("dmabench-progress: va 3/40 attrs NKM 4096", &pr), DMAB_CON_PROGRESS);
	CHECK_STR(pr.job, "va");
	CHECK_EQ(pr.done, 3);
	CHECK_EQ(pr.total, 40);
	CHECK_STR(pr.text, "attrs NKM 4096");
	CHECK_EQ(dmab_console_line("dmabench-progress: test 1/2", &pr), DMAB_CON_PROGRESS);
	CHECK_STR(pr.text, "");
	CHECK_EQ(dmab_console_line("dmabench-progress: broken", &pr), DMAB_CON_NONE);

	/* incremental: split at every byte, CRLF, init reported once */
	const char *stream = "[ 0.1] Linux version 6.1\r\ndmabench-init: start\r\ndmabench-init: start\n"
			     "dmabench-progress: lat 1/8 alloc\n[ 3.0] WARNING: CPU: 0 PID: 1 at x\n"
			     "[ 3.1] Oops: 0000 [#1]\npartial-line-without-newline dmabench-progress: va 9/9 end";
	dmab_console_init(&c, cb, NULL);
	for (size_t i = 0; stream[i]; i++)
		dmab_console_feed(&c, stream + i, 1);
	CHECK(c.saw_init);
	CHECK(c.warn);
	CHECK(c.oops);
	CHECK(!c.panic);
	CHECK_EQ(nevents[DMAB_CON_INIT], 1);
	CHECK_EQ(nevents[DMAB_CON_PROGRESS], 1);
	CHECK_STR(last.job, "lat");
	CHECK_STR(c.first_bad, "WARNING: CPU: 0 PID: 1 at x");
	dmab_console_flush(&c);
	CHECK_EQ(nevents[DMAB_CON_PROGRESS], 2);
	CHECK_STR(last.job, "va");

	/* a very long line is truncated, not overflowed */
	dmab_console_init(&c, NULL, NULL);
	char *longl = malloc(10000);
	memset(longl, 'x', 9999);
	longl[9999] = '\n';
	dmab_console_feed(&c, longl, 10000);
	dmab_console_feed(&c, "Kernel panic - not syncing: x\n", 30);
	CHECK(c.panic);
	free(longl);

	/*
	 * skip_known (dmabench fuzz's VMs): a known report (lib/klog.c dmab_kr_known[]) with its
	 * trailer is no VM warning; a new WARN after it is; without skip_known both are, as before
	 */
	static const char known[] =
		"[ 9.1] ------------[ cut here ]------------\n"
		"[ 9.2] DMA-API: dmabench 0000:00:02.0: cacheline tracking EEXIST, overlapping mappings aren't supported\n"
		"[ 9.3] WARNING: CPU: 1 PID: 245 at kernel/dma/debug.c:570 add_dma_entry+0x1b9/0x270\n"
		"[ 9.4] ---[ end trace 0000000000000000 ]---\n"
		"[ 9.5] DMA-API: Mapped at:\n"
		"[ 9.6]  debug_dma_map_sg+0x26b/0x5d0\n";
	static const char fresh[] = "[ 9.7] WARNING: CPU: 0 PID: 7 at kmod/map.c:12 dmab_map+0x1/0x2\n";
	dmab_console_init(&c, NULL, NULL);
	c.skip_known = true;
	dmab_console_feed(&c, known, strlen(known));
	CHECK(!c.warn && !c.oops && !c.panic);
	CHECK_STR(c.first_bad, "");
	CHECK_EQ(c.nknown, 1);
	dmab_console_feed(&c, fresh, strlen(fresh));
	CHECK(c.warn);
	CHECK_STR(c.first_bad, "WARNING: CPU: 0 PID: 7 at kmod/map.c:12 dmab_map+0x1/0x2");
	dmab_console_init(&c, NULL, NULL);
	dmab_console_feed(&c, known, strlen(known));
	CHECK(c.warn);
	CHECK_CONTAINS(c.first_bad, "cacheline tracking EEXIST");
	/* a known panic is still a death: the VM is gone */
	dmab_console_init(&c, NULL, NULL);
	c.skip_known = true;
	dmab_console_feed(&c, known, (size_t)(strstr(known, "supported\n") + 9 - known));	/* up to the EEXIST line */
	dmab_console_feed(&c, "\n[ 9.3] Kernel panic - not syncing: panic_on_warn set ...\n", 58);
	CHECK(c.panic);
	return t_done("test_console");
}
