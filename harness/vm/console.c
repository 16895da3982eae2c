// SPDX-License-Identifier: GPL-2.0
/* console.c - guest console scanner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/vm/console.h"

/* Skip an optional "[   12.345678] " printk time stamp. */
static const char *skip_stamp(const char *s)
{
	const char *p = s;

	if (*p != '[')
		return s;
	p++;
	while (*p == ' ')
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

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

enum dmab_con_event dmab_console_line(const char *line, struct dmab_progress *pr)
{
	const char *m = skip_stamp(line);
	const char *p;

	if (starts(m, "Kernel panic - not syncing"))
		return DMAB_CON_PANIC;
	if (starts(m, "Oops:") || starts(m, "BUG:"))
		return DMAB_CON_OOPS;
	if (starts(m, "WARNING:"))
		return DMAB_CON_WARN;
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

static void do_line(struct dmab_console *c)
{
	struct dmab_progress pr;
	enum dmab_con_event ev;

	while (c->len && c->line[c->len - 1] == '\r')
		c->len--;
	c->line[c->len] = 0;
	c->lines++;
	ev = dmab_console_line(c->line, &pr);
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
	default:
		break;
	}
	if ((ev == DMAB_CON_PANIC || ev == DMAB_CON_OOPS || ev == DMAB_CON_WARN) && !c->first_bad[0])
		snprintf(c->first_bad, sizeof(c->first_bad), "%.255s", skip_stamp(c->line));
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
