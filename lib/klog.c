// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"

/*
 * First match wins, so the specific entries come before the general ones
 * ("BUG: KASAN:" before "BUG:", lockdep's "WARNING: possible ..." before
 * "WARNING:"). at_start entries must begin the message, so that a word quoted
 * in another line ("checking that no WARNING: appears") is not a report; the
 * others are distinctive enough to match anywhere (drivers prefix them with a
 * device name). Formats from Linux 5.10-6.12 (printk calls named in source).
 */
const struct dmab_kr_pattern dmab_kr_patterns[] = {
	/* benign lines that look like reports: kernel/dma/debug.c at boot */
	{ "DMA-API: preallocated ", true, NULL, DMAB_KR_NONE, "dma-debug" },
	{ "DMA-API: debugging enabled by kernel config", true, NULL, DMAB_KR_NONE, "dma-debug" },
	{ "DMA-API: debugging disabled on kernel command line", true, NULL, DMAB_KR_NONE, "dma-debug" },
	{ "DMA-API: dma_debug_entry pool grown", true, NULL, DMAB_KR_NONE, "dma-debug" },

	{ "Kernel panic - not syncing", true, "panic", DMAB_KR_PANIC, "panic()" },
	{ "BUG: KASAN:", true, "KASAN", DMAB_KR_OOPS, "mm/kasan/report.c" },
	{ "KASAN:", true, "KASAN", DMAB_KR_OOPS, "x86 GPF decoded by KASAN (null-ptr-deref in range)" },
	{ "BUG: KFENCE:", true, "KFENCE", DMAB_KR_OOPS, "mm/kfence/report.c" },
	{ "BUG: soft lockup", true, "lockup", DMAB_KR_WARN, "kernel/watchdog.c" },
	{ "watchdog: BUG: soft lockup", true, "lockup", DMAB_KR_WARN, "kernel/watchdog.c" },
	{ "watchdog: Watchdog detected hard LOCKUP", true, "lockup", DMAB_KR_WARN, "kernel/watchdog_hld.c" },
	{ "rcu: INFO: ", true, "RCU-stall", DMAB_KR_WARN, "kernel/rcu/tree_stall.h" },
	{ "INFO: rcu_", true, "RCU-stall", DMAB_KR_WARN, "kernel/rcu/tree_stall.h (no pr_fmt)" },
	{ "INFO: task ", true, "hung-task", DMAB_KR_WARN, "kernel/hung_task.c" },
	{ "WARNING: possible circular locking dependency", true, "lockdep", DMAB_KR_WARN, "kernel/locking/lockdep.c" },
	{ "WARNING: possible recursive locking", true, "lockdep", DMAB_KR_WARN, "kernel/locking/lockdep.c" },
	{ "WARNING: inconsistent lock state", true, "lockdep", DMAB_KR_WARN, "kernel/locking/lockdep.c" },
	{ "WARNING: possible irq lock inversion", true, "lockdep", DMAB_KR_WARN, "kernel/locking/lockdep.c" },
	{ "WARNING: suspicious RCU usage", true, "lockdep", DMAB_KR_WARN, "kernel/locking/lockdep.c" },
	{ "WARNING: bad unlock balance", true, "lockdep", DMAB_KR_WARN, "kernel/locking/lockdep.c" },
	{ "WARNING: held lock freed", true, "lockdep", DMAB_KR_WARN, "kernel/locking/lockdep.c" },
	{ "WARNING: lock held when returning to user space", true, "lockdep", DMAB_KR_WARN, "kernel/locking/lockdep.c" },
	{ "BUG: sleeping function called from invalid context", true, "atomic-sleep", DMAB_KR_WARN, "kernel/sched/core.c" },
	{ "BUG: scheduling while atomic", true, "atomic-sleep", DMAB_KR_WARN, "kernel/sched/core.c" },
	{ "UBSAN:", true, "UBSAN", DMAB_KR_WARN, "lib/ubsan.c" },
	{ "kernel BUG at", true, "BUG", DMAB_KR_OOPS, "BUG()" },
	{ "BUG:", true, "BUG", DMAB_KR_OOPS, "page faults, NULL dereferences, list corruption" },
	{ "BUG ", true, "BUG", DMAB_KR_OOPS, "mm/slub.c slub_debug (\"BUG kmalloc-64 (...): Poison overwritten\")" },
	{ "Oops:", true, "BUG", DMAB_KR_OOPS, "arch/x86/kernel/dumpstack.c" },
	{ "general protection fault", true, "BUG", DMAB_KR_OOPS, "arch/x86/kernel/traps.c" },
	{ "invalid opcode:", true, "BUG", DMAB_KR_OOPS, "arch/x86/kernel/traps.c (after kernel BUG at)" },
	{ "Internal error: ", true, "BUG", DMAB_KR_OOPS, "arch/arm64/kernel/traps.c" },
	{ "Unable to handle kernel ", true, "BUG", DMAB_KR_OOPS, "arch/arm64/mm/fault.c" },
	{ "DMA-API:", true, "DMA-API", DMAB_KR_WARN, "kernel/dma/debug.c err_printk() (a WARN follows)" },
	{ "WARNING:", true, "WARN", DMAB_KR_WARN, "WARN()" },

	/* IOMMU faults: a device access was blocked */
	{ "DMAR: DRHD: handling fault", false, "IOMMU-fault", DMAB_KR_FAULT, "intel" },
	{ "DMAR: [DMA", false, "IOMMU-fault", DMAB_KR_FAULT, "intel" },
	{ "DMAR: [INTR-REMAP", false, "IOMMU-fault", DMAB_KR_FAULT, "intel" },
	{ "AMD-Vi: Event logged", false, "IOMMU-fault", DMAB_KR_FAULT, "amd" },
	{ "IO_PAGE_FAULT", false, "IOMMU-fault", DMAB_KR_FAULT, "amd" },
	{ "smmuv3: event 0x", false, "IOMMU-fault", DMAB_KR_FAULT, "arm-smmu-v3" },
	{ "Unhandled context fault", false, "IOMMU-fault", DMAB_KR_FAULT, "arm-smmu" },
	{ "page fault from EP", false, "IOMMU-fault", DMAB_KR_FAULT, "virtio-iommu" },
	{ NULL, false, NULL, DMAB_KR_NONE, NULL },
};

/*
 * Known reports (klog.h). Each entry says why it happens and where the
 * project documents it; add one only with both.
 */
const struct dmab_kr_known dmab_kr_known[] = {
	{ "cacheline tracking EEXIST, overlapping mappings aren't supported", "DMA-API",
	  "6.1's DMA-API debugging registers every dma_alloc_attrs() buffer as an active bidirectional mapping "
	  "of its cache lines, so dma_map_sg() of its dma_get_sgtable() without DMA_ATTR_SKIP_CPU_SYNC (the "
	  "seed's sharing pattern) overlaps it",
	  "README.md \"DMA-API debugging on that kernel\"",
	  "DMA-API: Mapped at:" },
	{ "BUG: KASAN: wild-memory-access in __common_interrupt", "KASAN",
	  "the guest kernel's KASAN under 5-level paging (QEMU's -cpu max offers LA57): identify_cpu() clears "
	  "the boot CPU's capabilities, so pgtable_l5_enabled() and KASAN_SHADOW_START briefly take their "
	  "4-level values and an interrupt then reports a direct-map access as wild; before init, no input "
	  "involved; dmabench fuzz boots KASAN kernels with no5lvl",
	  "fuzz/README.md \"On the debug kernel\"", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
const unsigned int dmab_kr_nknown = sizeof(dmab_kr_known) / sizeof(dmab_kr_known[0]) - 1;

/* "[   12.345678] " and "[    T1] " (CONFIG_PRINTK_CALLER) */
static const char *skip_bracket(const char *s)
{
	const char *p = s;

	if (*p != '[')
		return s;
	p++;
	while (*p == ' ')
		p++;
	if (*p == 'T' || *p == 'C')
		p++;
	if (*p < '0' || *p > '9')
		return s;
	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	if (*p != ']')
		return s;
	p++;
	while (*p == ' ')
		p++;
	return p;
}

const char *dmab_klog_msg(const char *line)
{
	return skip_bracket(skip_bracket(line));
}

static const struct dmab_kr_pattern *match_msg(const char *m, size_t len)
{
	const struct dmab_kr_pattern *p;

	if (len >= 9 && !strncmp(m, "dmabench-", 9))
		return NULL;
	for (p = dmab_kr_patterns; p->text; p++) {
		size_t tl = strlen(p->text);

		if (p->at_start ? (len >= tl && !strncmp(m, p->text, tl)) : memmem(m, len, p->text, tl) != NULL)
			return p->cls ? p : NULL;
	}
	return NULL;
}

const struct dmab_kr_pattern *dmab_kreport(const char *line)
{
	const char *m = dmab_klog_msg(line);

	return match_msg(m, strlen(m));
}

const char *dmab_klog_match(const char *line)
{
	const struct dmab_kr_pattern *p = dmab_kreport(line);

	return p ? p->cls : NULL;
}

bool dmab_klog_iommu_fault(const char *line)
{
	const struct dmab_kr_pattern *p = dmab_kreport(line);

	return p && p->level == DMAB_KR_FAULT;
}

/*
 * The first line of text that is a kernel report, by dmab_kreport(), or with s by
 * dmab_klog_scan_line() (known reports skipped and counted); NULL and *line NULL if none.
 */
static const struct dmab_kr_pattern *first_report(const char *text, const char **line, size_t *len,
						  struct dmab_klog_scan *s, unsigned int *known)
{
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		char buf[1024];
		const struct dmab_kr_pattern *k;

		snprintf(buf, sizeof(buf), "%.*s", (int)(l < sizeof(buf) ? l : sizeof(buf) - 1), p);
		k = s ? dmab_klog_scan_line(s, buf, known) : dmab_kreport(buf);
		if (k) {
			if (line) {
				*line = p;
				*len = l;
			}
			return k;
		}
		p = e ? e + 1 : NULL;
	}
	if (line) {
		*line = NULL;
		*len = 0;
	}
	return NULL;
}

const struct dmab_kr_pattern *dmab_kreport_first(const char *text, const char **line, size_t *len)
{
	return first_report(text, line, len, NULL, NULL);
}

int dmab_kmsg_parse(const char *rec, size_t len, unsigned long long *seq,
		    const char **msg, size_t *msglen)
{
	const char *semi, *comma, *nl, *end = rec + len;
	char *ep;

	semi = memchr(rec, ';', len);
	if (!semi)
		return -EINVAL;
	comma = memchr(rec, ',', (size_t)(semi - rec));
	if (!comma)
		return -EINVAL;
	/* prio is a number */
	strtoul(rec, &ep, 10);
	if (ep != comma)
		return -EINVAL;
	*seq = strtoull(comma + 1, &ep, 10);
	if (ep == comma + 1 || (*ep != ',' && *ep != ';'))
		return -EINVAL;
	*msg = semi + 1;
	nl = memchr(*msg, '\n', (size_t)(end - *msg));
	*msglen = (size_t)((nl ? nl : end) - *msg);
	return 0;
}

const struct dmab_kr_known *dmab_kreport_known(const char *line)
{
	const char *m = dmab_klog_msg(line);

	if (!match_msg(m, strlen(m)))
		return NULL;
	for (const struct dmab_kr_known *k = dmab_kr_known; k->text; k++)
		if (strstr(m, k->text))
			return k;
	return NULL;
}

bool dmab_klog_report_end(const char *line)
{
	return !strncmp(dmab_klog_msg(line), "---[ end trace", 14);
}

const struct dmab_kr_pattern *dmab_klog_scan_line(struct dmab_klog_scan *s, const char *line, unsigned int *known)
{
	const struct dmab_kr_pattern *p = dmab_kreport(line);
	const struct dmab_kr_known *k;

	if (s->in_known) {
		if (dmab_klog_report_end(line) || ++s->lines > 400) {
			if (s->lines <= 400)
				s->after_known = s->in_known;	/* its trailer may follow */
			s->in_known = 0;
			return NULL;
		}
		if (!p)
			return NULL;
		if (p->level == DMAB_KR_PANIC)
			s->known_panic = true;
		k = dmab_kreport_known(line);
		if (!k || (int)(k - dmab_kr_known) + 1 == s->in_known)
			return NULL;	/* the rest of the known report (its WARNING line, ...) */
		/* another known report starts: fall through and count it */
	}
	if (!p)
		return NULL;	/* stack lines of a trailer, any other text */
	if (s->after_known) {
		const char *t = dmab_kr_known[s->after_known - 1].trailer;

		if (t && strstr(dmab_klog_msg(line), t))
			return NULL;	/* the known report's trailer ("DMA-API: Mapped at:") */
		s->after_known = 0;	/* another report line: the trailer is over, judge it */
	}
	k = dmab_kreport_known(line);
	if (!k)
		return p;
	s->in_known = (int)(k - dmab_kr_known) + 1;
	s->lines = 0;
	if (known)
		known[k - dmab_kr_known]++;
	return NULL;
}

const struct dmab_kr_pattern *dmab_kreport_first_new(const char *text, const char **line, size_t *len,
						     struct dmab_klog_scan *s, unsigned int *known)
{
	return first_report(text, line, len, s, known);
}
