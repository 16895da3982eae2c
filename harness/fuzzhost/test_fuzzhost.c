// SPDX-License-Identifier: GPL-2.0
/* test_fuzzhost.c - finding classes and dedup keys of `dmabench fuzz`; shared-memory records. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz/shm.h"
#include "harness/vm/exitcodes.h"
#include "harness/fuzzhost/fuzzhost.h"
#include "lib/klog.h"
#include "lib/test_util.h"

static const char *cls_of(const char *text, char *line, size_t cap)
{
	const char *l;
	size_t n = 0;
	const char *c = dmab_fuzz_classify(text, &l, &n);

	snprintf(line, cap, "%.*s", l ? (int)n : 0, l ? l : "");
	return c;
}

static void test_classify(void)
{
	char line[512], a[512], b[512];
	const char *warn1 = "[    2.629231] WARNING: CPU: 0 PID: 81 at /work/main/kmod/dmabench.c:871 dmab_ioctl+0x628/0x1001 [dmabench]";
	const char *warn2 = "[   17.000001] WARNING: CPU: 1 PID: 1234 at /work/main/kmod/dmabench.c:871 dmab_ioctl+0x630/0x1001 [dmabench]";
	const char *warn3 = "[   17.000001] WARNING: CPU: 1 PID: 1234 at /work/main/kmod/dmabench.c:872 dmab_ioctl+0x630/0x1001 [dmabench]";

	CHECK_STR(cls_of("boot\nsome line\n[ 1.0] ------------[ cut here ]------------\n[ 1.1] WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2\n"
			 "[ 1.2] Kernel panic - not syncing: panic_on_warn set ...\n", line, sizeof(line)), "WARN");
	CHECK_CONTAINS(line, "WARNING: CPU: 0");
	/* the first report line decides: DMA-API's own line comes before its WARNING */
	CHECK_STR(cls_of("[ 1] DMA-API: edu 0000:00:03.0: device driver frees DMA memory with wrong function\n"
			 "[ 2] WARNING: CPU: 0 PID: 1 at kernel/dma/debug.c:1000 check_unmap\n", line, sizeof(line)), "DMA-API");
	CHECK_STR(cls_of("[ 3] BUG: KASAN: slab-out-of-bounds in dmab_ioctl\n", line, sizeof(line)), "KASAN");
	CHECK_STR(cls_of("[ 3] BUG: unable to handle page fault for address: 0000\n[ 3] Oops: 0000 [#1]\n", line, sizeof(line)), "BUG");
	CHECK_STR(cls_of("[ 4] DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0xfffff000\n", line, sizeof(line)),
		  "IOMMU-fault");
	CHECK_STR(cls_of("[ 4] arm-smmu-v3 9050000.smmuv3: event 0x10 received:\n", line, sizeof(line)), "IOMMU-fault");
	CHECK_STR(cls_of("[ 4] AMD-Vi: Event logged [IO_PAGE_FAULT device=00:03.0]\n", line, sizeof(line)), "IOMMU-fault");
	CHECK_STR(cls_of("[ 5] Kernel panic - not syncing: Fatal exception\n", line, sizeof(line)), "panic");
	CHECK_STR(cls_of("FINDING leak: leak after close: allocs 0->1", line, sizeof(line)), "oracle");
	CHECK_STR(line, "");
	CHECK_STR(cls_of("FINDING kernel-log: kernel log after program: WARNING: CPU: 0 PID: 9 at a.c:3 f", line,
			 sizeof(line)), "WARN");

	/* dedup: timestamps, CPU/PID and offsets go, the source line stays */
	dmab_fuzz_normalize(warn1, strlen(warn1), a, sizeof(a));
	dmab_fuzz_normalize(warn2, strlen(warn2), b, sizeof(b));
	CHECK_STR(a, "WARNING: at /work/main/kmod/dmabench.c:871 dmab_ioctl [dmabench]");
	CHECK_STR(a, b);
	dmab_fuzz_normalize(warn3, strlen(warn3), b, sizeof(b));
	CHECK(strcmp(a, b) != 0);
	dmab_fuzz_normalize("FINDING leak: op 3 alloc 4096 -> 0x1000", 39, a, sizeof(a));
	CHECK_STR(a, "FINDING leak: op # alloc # -> 0x#");

	CHECK_EQ(dmab_fuzz_class_exit("WARN"), DMAB_EXIT_WARN);
	CHECK_EQ(dmab_fuzz_class_exit("DMA-API"), DMAB_EXIT_WARN);
	CHECK_EQ(dmab_fuzz_class_exit("KASAN"), DMAB_EXIT_OOPS);
	CHECK_EQ(dmab_fuzz_class_exit("hang"), DMAB_EXIT_TIMEOUT);
	CHECK_EQ(dmab_fuzz_class_exit("panic"), DMAB_EXIT_PANIC);
	CHECK_EQ(dmab_fuzz_class_exit("oracle"), DMAB_EXIT_TESTFAIL);
}

/* Known reports (lib/klog.c dmab_kr_known[]): skipped with their whole report, tallied, the next one counts. */
static void test_known(void)
{
	static const char eexist[] =
		"[ 9.0] dmabench-init: start\n"
		"[ 9.1] ------------[ cut here ]------------\n"
		"[ 9.2] DMA-API: dmabench 0000:00:02.0: cacheline tracking EEXIST, overlapping mappings aren't supported\n"
		"[ 9.3] WARNING: CPU: 1 PID: 245 at kernel/dma/debug.c:570 add_dma_entry+0x1b9/0x270\n"
		"[ 9.4] Call Trace:\n"
		"[ 9.5] ---[ end trace 0000000000000000 ]---\n";
	char text[2048], line[512];
	struct dmab_klog_scan sc = { 0 };
	unsigned int kn[16] = { 0 };
	const char *l;
	size_t n;

	CHECK(dmab_kr_nknown >= 2);
	for (unsigned int i = 0; i < dmab_kr_nknown; i++)	/* each says why and where */
		CHECK(dmab_kr_known[i].cls && dmab_kr_known[i].cause[0] && dmab_kr_known[i].documented[0]);
	/* only the known report: no finding */
	CHECK_STR(cls_of(eexist, line, sizeof(line)), "oracle");
	CHECK(!dmab_kreport_first_new(eexist, &l, &n, &sc, kn));
	CHECK_EQ(kn[0], 1);
	CHECK(!sc.known_panic);
	/* a new WARN after it is the finding, its WARNING line, not the known one's */
	snprintf(text, sizeof(text), "%s%s", eexist, "[ 9.6] WARNING: CPU: 0 PID: 7 at kmod/map.c:12 dmab_map+0x1/0x2\n");
	CHECK_STR(cls_of(text, line, sizeof(line)), "WARN");
	CHECK_CONTAINS(line, "kmod/map.c:12");
	/*
	 * DMA-API debugging prints where the other mapping was made after the WARN's end marker
	 * (err_printk: WARN, then dump_entry_trace; kernels with STACKTRACE, e.g. lockdep's):
	 * part of the known report, as seen on the debug kernel's console
	 */
	static const char mapped_at[] =
		"[ 9.7] DMA-API: Mapped at:\n"
		"[ 9.8]  debug_dma_map_sg+0x26b/0x5d0\n"
		"[ 9.9]  dmab_ioctl+0x1ae/0x1f0 [dmabench]\n";
	snprintf(text, sizeof(text), "%s%s", eexist, mapped_at);
	memset(&sc, 0, sizeof(sc));
	memset(kn, 0, sizeof(kn));
	CHECK(!dmab_kreport_first_new(text, &l, &n, &sc, kn));
	CHECK_EQ(kn[0], 1);
	CHECK_STR(cls_of(text, line, sizeof(line)), "oracle");
	/* line by line, as the guest's oracle reads /dev/kmsg (messages without timestamps), over two programs */
	memset(&sc, 0, sizeof(sc));
	memset(kn, 0, sizeof(kn));
	CHECK(!dmab_klog_scan_line(&sc, "DMA-API: dmabench 0000:00:02.0: cacheline tracking EEXIST, overlapping mappings aren't supported", kn));
	CHECK(!dmab_klog_scan_line(&sc, "WARNING: CPU: 1 PID: 245 at kernel/dma/debug.c:570 add_dma_entry+0x1b9/0x270", kn));
	CHECK(!dmab_klog_scan_line(&sc, "---[ end trace 0000000000000000 ]---", kn));
	CHECK(!dmab_klog_scan_line(&sc, "DMA-API: Mapped at:", kn));
	CHECK(!dmab_klog_scan_line(&sc, " debug_dma_map_sg+0x26b/0x5d0", kn));
	CHECK_EQ(kn[0], 1);
	/* the trailer ends at the next report line: a new one right after it is judged */
	CHECK(dmab_klog_scan_line(&sc, "DMA-API: edu 0000:00:03.0: device driver frees DMA memory with wrong function", kn) != NULL);
	/* "Mapped at:" that does not follow a known report is a report line as before */
	memset(&sc, 0, sizeof(sc));
	CHECK(dmab_klog_scan_line(&sc, "DMA-API: Mapped at:", kn) != NULL);
	snprintf(text, sizeof(text), "%s%s%s", eexist, mapped_at, "[ 9.91] BUG: KASAN: use-after-free in dmab_release+0x1/0x2\n");
	CHECK_STR(cls_of(text, line, sizeof(line)), "KASAN");
	/* with panic_on_warn the known WARN's panic is part of it: a known death */
	memset(&sc, 0, sizeof(sc));
	memset(kn, 0, sizeof(kn));
	CHECK(!dmab_kreport_first_new("[ 1] DMA-API: edu 0000:00:03.0: cacheline tracking EEXIST, overlapping mappings aren't supported\n"
				      "[ 2] WARNING: CPU: 0 PID: 1 at kernel/dma/debug.c:570 add_dma_entry\n"
				      "[ 3] Kernel panic - not syncing: panic_on_warn set ...\n", &l, &n, &sc, kn));
	CHECK(sc.known_panic);
	CHECK_EQ(kn[0], 1);
	/* the known KASAN boot problem */
	CHECK_STR(cls_of("[ 1.4] BUG: KASAN: wild-memory-access in __common_interrupt+0x52/0x100\n", line, sizeof(line)), "oracle");
	/* other DMA-API errors are findings */
	CHECK_STR(cls_of("[ 1] DMA-API: edu 0000:00:03.0: device driver frees DMA memory with wrong function\n", line,
			 sizeof(line)), "DMA-API");
	/* the idle exit code has a name and ranks like a setup error */
	CHECK_STR(dmab_class_name(DMAB_EXIT_IDLE), "no-programs");
	CHECK_EQ(DMAB_EXIT_IDLE, 10);
}

static void test_records(void)
{
	uint8_t *base = calloc(1, FZ_SHM_SIZE);
	uint64_t used = 0, pos = 0;
	struct fz_rec r;
	const uint8_t *d;
	const char *m;
	int n = 0;

	CHECK(base != NULL);
	if (!base)
		return;
	CHECK_EQ(fz_rec_append(base, FZ_SHM_OUT_OFF, FZ_SHM_OUT_CAP, &used, FZ_REC_CORPUS, "abc", 3, NULL), 0);
	CHECK_EQ(fz_rec_append(base, FZ_SHM_OUT_OFF, FZ_SHM_OUT_CAP, &used, FZ_REC_FINDING, "\x01", 1, "FINDING x: y"), 0);
	CHECK_EQ(used % 8, 0);
	while (fz_rec_next(base, FZ_SHM_OUT_OFF, used, &pos, &r, &d, &m) == 1) {
		if (n == 0) {
			CHECK_EQ(r.kind, FZ_REC_CORPUS);
			CHECK_EQ(r.len, 3);
			CHECK(!memcmp(d, "abc", 3));
			CHECK_EQ(r.msg_len, 0);
		} else {
			CHECK_EQ(r.kind, FZ_REC_FINDING);
			CHECK(r.msg_len == 12 && !memcmp(m, "FINDING x: y", 12));
		}
		n++;
	}
	CHECK_EQ(n, 2);
	/* an area that is full refuses, a corrupt record stops the reader */
	uint64_t small = FZ_SHM_OUT_CAP - 8;
	CHECK_EQ(fz_rec_append(base, FZ_SHM_OUT_OFF, FZ_SHM_OUT_CAP, &small, FZ_REC_CORPUS, "abcdefgh", 8, NULL), -ENOSPC);
	base[FZ_SHM_OUT_OFF] ^= 0xff;
	pos = 0;
	CHECK_EQ(fz_rec_next(base, FZ_SHM_OUT_OFF, used, &pos, &r, &d, &m), -EINVAL);
	CHECK(fz_hash("a", 1, 0) != fz_hash("b", 1, 0));
	free(base);
}

int main(void)
{
	test_classify();
	test_records();
	test_known();
	printf("test_fuzzhost: %d checks, %d failed\n", t_checks, t_failures);
	return t_failures ? 1 : 0;
}
