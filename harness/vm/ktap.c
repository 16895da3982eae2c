// SPDX-License-Identifier: GPL-2.0
/* ktap.c - KTAP top-level parser. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness/vm/ktap.h"

const char *dmab_ktap_result_name(enum dmab_ktap_result r)
{
	return r == DMAB_KTAP_PASS ? "ok" : r == DMAB_KTAP_SKIP ? "skip" : "not ok";
}

static void trim_copy(char *dst, size_t len, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

static int parse_line(const char *l, size_t n, struct dmab_ktap *k, int *cap)
{
	char line[512];
	bool ok;
	const char *p;
	char *end;

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, l, n);
	line[n] = 0;
	while (n && (line[n - 1] == '\r'))
		line[--n] = 0;
	if (!strncmp(line, "KTAP version", 12) || !strncmp(line, "TAP version", 11)) {
		k->has_version = true;
		return 0;
	}
	if (!strncmp(line, "1..", 3)) {
		long v = strtol(line + 3, &end, 10);
		if (end != line + 3 && k->plan < 0)
			k->plan = (int)v;
		return 0;
	}
	if (!strncmp(line, "ok ", 3)) {
		ok = true;
		p = line + 3;
	} else if (!strncmp(line, "not ok ", 7)) {
		ok = false;
		p = line + 7;
	} else {
		return 0;
	}
	long num = strtol(p, &end, 10);
	if (end == p)
		return 0;
	p = end;

	if (k->ncases == *cap) {
		int nc = *cap ? *cap * 2 : 32;
		struct dmab_ktap_case *c = realloc(k->cases, (size_t)nc * sizeof(*c));
		if (!c)
			return -ENOMEM;
		k->cases = c;
		*cap = nc;
	}
	struct dmab_ktap_case *c = &k->cases[k->ncases++];
	memset(c, 0, sizeof(*c));
	c->num = (int)num;
	const char *hash = strchr(p, '#');
	const char *name = p;
	if (*name == ' ')
		name++;
	if (*name == '-' && name[1] == ' ')	/* TAP "ok 1 - name" */
		name += 2;
	trim_copy(c->name, sizeof(c->name), name, hash ? (size_t)(hash - name) : strlen(name));
	c->result = ok ? DMAB_KTAP_PASS : DMAB_KTAP_FAIL;
	if (hash) {
		const char *d = hash + 1;
		while (*d == ' ')
			d++;
		if (!strncasecmp(d, "SKIP", 4) || !strncasecmp(d, "TODO", 4)) {
			c->result = DMAB_KTAP_SKIP;
			d += 4;
		}
		trim_copy(c->reason, sizeof(c->reason), d, strlen(d));
	}
	if (c->result == DMAB_KTAP_PASS)
		k->passed++;
	else if (c->result == DMAB_KTAP_FAIL)
		k->failed++;
	else
		k->skipped++;
	return 0;
}

int dmab_ktap_parse(const char *text, struct dmab_ktap *k)
{
	int cap = 0;

	memset(k, 0, sizeof(*k));
	k->plan = -1;
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		int r = parse_line(text, n, k, &cap);
		if (r) {
			dmab_ktap_free(k);
			return r;
		}
		text += n + (nl ? 1 : 0);
	}
	if (k->plan > k->ncases) {
		k->missing = k->plan - k->ncases;
		k->failed += k->missing;
	}
	return 0;
}

void dmab_ktap_free(struct dmab_ktap *k)
{
	free(k->cases);
	k->cases = NULL;
	k->ncases = 0;
}
