// SPDX-License-Identifier: GPL-2.0
/* console.c - guest console scanner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/vm/console.h"
#include "lib/klog.h"

enum dmab_con_event dmab_console_line(const char *line, struct dmab_progress *pr)
{
	const struct dmab_kr_pattern *k = dmab_kreport(line);
	const char *p;

	/* lib/klog.c decides what a kernel line is; the console maps its level */
	if (k)
		return k->level == DMAB_KR_PANIC ? DMAB_CON_PANIC : k->level == DMAB_KR_OOPS ? DMAB_CON_OOPS :
		       k->level == DMAB_KR_WARN ? DMAB_CON_WARN : DMAB_CON_FAULT;
	if (strstr(line, "dmabench-init: start"))
		return DMAB_CON_INIT;
	p = strstr(line, "dmabench-progress: ");
	if (p) {
		struct dmab_progress tmp;
		int off = 0;

		if (!pr)
			pr = &tmp;
		memset(pr, 0, sizeof(*pr));
		p += strlen("dmabench-progress: ");
		if (sscanf(p, "%31s %lu/%lu%n", pr->job, &pr->done, &pr->total, &off) < 3)
			return DMAB_CON_NONE;
		p += off;
		while (*p == ' ')
			p++;
		snprintf(pr->text, sizeof(pr->text), "%s", p);
		return DMAB_CON_PROGRESS;
	}
	return DMAB_CON_NONE;
}

void dmab_console_init(struct dmab_console *c, dmab_con_cb cb, void *arg)
{
	memset(c, 0, sizeof(*c));
	c->cb = cb;
	c->arg = arg;
}

/*
 * skip_known: every line goes through the scanner (it needs the end markers). True unless the line is a
 * new report; the caller asks only of report lines, so true means part of a known one.
 */
static bool known_line(struct dmab_console *c)
{
	unsigned int kn[16] = { 0 };
	bool known;

	if (!c->skip_known || dmab_kr_nknown > 16)
		return false;
	known = !dmab_klog_scan_line(&c->scan, c->line, kn);
	for (unsigned int i = 0; i < dmab_kr_nknown; i++)
		c->nknown += kn[i];
	return known;
}

static void do_line(struct dmab_console *c)
{
	struct dmab_progress pr;
	enum dmab_con_event ev;

	while (c->len && c->line[c->len - 1] == '\r')
		c->len--;
	c->line[c->len] = 0;
	c->lines++;
	ev = dmab_console_line(c->line, &pr);
	if (known_line(c) && (ev == DMAB_CON_WARN || ev == DMAB_CON_OOPS))
		ev = DMAB_CON_NONE;	/* a known report: tallied by its reader, no VM failure */
	switch (ev) {
	case DMAB_CON_INIT:
		if (c->saw_init)
			ev = DMAB_CON_NONE;	/* report once */
		c->saw_init = true;
		break;
	case DMAB_CON_PANIC:
		c->panic = true;
		break;
	case DMAB_CON_OOPS:
		c->oops = true;
		break;
	case DMAB_CON_WARN:
		c->warn = true;
		break;
	case DMAB_CON_FAULT:
		if (!c->nfault++)
			snprintf(c->first_fault, sizeof(c->first_fault), "%.255s", dmab_klog_msg(c->line));
		ev = DMAB_CON_NONE;	/* not a VM failure: the guest's test runner judges faults */
		break;
	default:
		break;
	}
	if ((ev == DMAB_CON_PANIC || ev == DMAB_CON_OOPS || ev == DMAB_CON_WARN) && !c->first_bad[0])
		snprintf(c->first_bad, sizeof(c->first_bad), "%.255s", dmab_klog_msg(c->line));
	if (ev != DMAB_CON_NONE && c->cb)
		c->cb(c->arg, ev, c->line, ev == DMAB_CON_PROGRESS ? &pr : NULL);
	c->len = 0;
}

void dmab_console_feed(struct dmab_console *c, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			do_line(c);
			continue;
		}
		if (c->len < DMAB_CON_LINE_MAX)
			c->line[c->len++] = buf[i];	/* longer lines are truncated */
	}
}

void dmab_console_flush(struct dmab_console *c)
{
	if (c->len)
		do_line(c);
}
