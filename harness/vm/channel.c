// SPDX-License-Identifier: GPL-2.0
/* channel.c - incremental parser of the results channel. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/vm/channel.h"
#include "lib/util.h"

static const char *const reserved_names[] = { "console.log", "vm.json", "channel.raw", NULL };

void dmab_channel_init(struct dmab_channel *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	c->state = DMAB_CHAN_HEADER;
	c->end_status = -1;
}

static int fail(struct dmab_channel *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	c->state = DMAB_CHAN_ERROR;
	dmab_channel_close(c);
	return err;
}

static void part_path(const struct dmab_channel *c, const char *name, char *out, size_t len, bool part)
{
	snprintf(out, len, "%s/%s%s", c->dir, name, part ? ".part" : "");
}

static int finish_file(struct dmab_channel *c)
{
	struct dmab_chan_file *f = &c->files[c->nfiles];
	char from[4300], to[4300];
	int bad = fclose(c->cur);

	c->cur = NULL;
	part_path(c, f->name, from, sizeof(from), true);
	part_path(c, f->name, to, sizeof(to), false);
	if (bad || rename(from, to)) {
		unlink(from);
		return fail(c, -EIO, "cannot write %s: %s", to, strerror(errno));
	}
	/* a name sent twice: keep the newest, one entry */
	for (int i = 0; i < c->nfiles; i++) {
		if (!strcmp(c->files[i].name, f->name)) {
			c->files[i].size = f->size;
			c->state = DMAB_CHAN_HEADER;
			return 0;
		}
	}
	c->nfiles++;
	c->state = DMAB_CHAN_HEADER;
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*v = x;
	return 0;
}

static int header(struct dmab_channel *c)
{
	char *l = c->line, *save = NULL;

	while (c->linelen && l[c->linelen - 1] == '\r')
		l[--c->linelen] = 0;
	if (c->linelen == 0)
		return 0;
	char *kw = strtok_r(l, " ", &save);
	if (!strcmp(kw, "DMABENCH-END")) {
		char *st = strtok_r(NULL, " ", &save);
		char *end;
		if (!st || strtok_r(NULL, " ", &save))
			return fail(c, -EPROTO, "malformed DMABENCH-END record");
		long v = strtol(st, &end, 10);
		if (*end || end == st)
			return fail(c, -EPROTO, "malformed DMABENCH-END status '%.40s'", st);
		c->end_status = (int)v;
		c->state = DMAB_CHAN_DONE;
		return 0;
	}
	if (strcmp(kw, "DMABENCH-FILE"))
		return fail(c, -EPROTO, "unexpected record '%.60s'", kw);
	char *name = strtok_r(NULL, " ", &save);
	char *size = strtok_r(NULL, " ", &save);
	uint64_t n;
	if (!name || !size || strtok_r(NULL, " ", &save))
		return fail(c, -EPROTO, "malformed DMABENCH-FILE record");
	if (!dmab_plain_name(name))
		return fail(c, -EPROTO, "bad file name '%.60s'", name);
	for (int i = 0; reserved_names[i]; i++)
		if (!strcmp(name, reserved_names[i]))
			return fail(c, -EPROTO, "reserved file name '%s'", name);
	if (strlen(name) > 5 && !strcmp(name + strlen(name) - 5, ".part"))
		return fail(c, -EPROTO, "bad file name '%.60s'", name);
	if (parse_u64(size, &n) || n > DMAB_CHAN_MAX_FILE)
		return fail(c, -EPROTO, "bad size '%.30s' for %s", size, name);
	if (c->nfiles >= DMAB_CHAN_MAX_FILES)
		return fail(c, -EPROTO, "more than %d files", DMAB_CHAN_MAX_FILES);

	struct dmab_chan_file *f = &c->files[c->nfiles];
	char path[4300];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->size = n;
	part_path(c, name, path, sizeof(path), true);
	c->cur = fopen(path, "we");
	if (!c->cur)
		return fail(c, -EIO, "cannot create %s: %s", path, strerror(errno));
	c->remaining = n;
	c->state = DMAB_CHAN_BODY;
	if (n == 0)
		return finish_file(c);
	return 0;
}

int dmab_channel_feed(struct dmab_channel *c, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	c->bytes += len;
	while (len) {
		switch (c->state) {
		case DMAB_CHAN_ERROR:
			return -EPROTO;
		case DMAB_CHAN_DONE:
			c->trailing += len;
			return 0;
		case DMAB_CHAN_BODY: {
			size_t k = len < c->remaining ? len : (size_t)c->remaining;
			if (fwrite(p, 1, k, c->cur) != k)
				return fail(c, -EIO, "write error: %s", strerror(errno));
			p += k;
			len -= k;
			c->remaining -= k;
			if (c->remaining == 0) {
				int r = finish_file(c);
				if (r)
					return r;
			}
			break;
		}
		case DMAB_CHAN_HEADER:
			if (*p == '\n') {
				c->line[c->linelen] = 0;
				int r = header(c);
				c->linelen = 0;
				p++;
				len--;
				if (r)
					return r;
				break;
			}
			if (c->linelen >= DMAB_CHAN_LINE_MAX)
				return fail(c, -EPROTO, "record header longer than %d bytes", DMAB_CHAN_LINE_MAX);
			if (*p == 0)
				return fail(c, -EPROTO, "NUL byte in record header");
			c->line[c->linelen++] = (char)*p;
			p++;
			len--;
			break;
		}
	}
	return c->state == DMAB_CHAN_ERROR ? -EPROTO : 0;
}

void dmab_channel_close(struct dmab_channel *c)
{
	if (c->cur) {
		char path[4300];
		fclose(c->cur);
		c->cur = NULL;
		part_path(c, c->files[c->nfiles].name, path, sizeof(path), true);
		unlink(path);
	}
}

const char *dmab_channel_current(const struct dmab_channel *c)
{
	return c->state == DMAB_CHAN_BODY ? c->files[c->nfiles].name : NULL;
}
