// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define K_OBJ 1
#define K_ARR 2

void dmab_json_init(struct dmab_json *j, FILE *f, int newline_depth)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->newline_depth = newline_depth;
}

static int fail(struct dmab_json *j, int err)
{
	if (!j->err)
		j->err = err;
	return j->err;
}

static int put(struct dmab_json *j, const char *s, size_t n)
{
	if (j->err)
		return j->err;
	if (n && fwrite(s, 1, n, j->f) != n)
		return fail(j, -EIO);
	return 0;
}

static int puts_(struct dmab_json *j, const char *s)
{
	return put(j, s, strlen(s));
}

static void newline_indent(struct dmab_json *j)
{
	int i;

	put(j, "\n", 1);
	for (i = 0; i < j->depth; i++)
		put(j, " ", 1);
}

/* Called before any value or key: separators and state checks. */
static int before_value(struct dmab_json *j, bool is_key)
{
	int d = j->depth;

	if (j->err)
		return j->err;
	if (d == 0) {
		if (is_key || j->done)
			return fail(j, -EINVAL);
		return 0;
	}
	if (j->kind[d - 1] == K_ARR && is_key)
		return fail(j, -EINVAL);
	if (j->kind[d - 1] == K_OBJ) {
		if (is_key == j->after_key)	/* key after key, or value without key */
			return fail(j, -EINVAL);
		if (!is_key) {
			j->after_key = false;
			return 0;
		}
	}
	if (j->count[d - 1]++)
		put(j, ",", 1);
	if (d - 1 < j->newline_depth)
		newline_indent(j);
	return j->err;
}

static void after_value(struct dmab_json *j)
{
	if (j->depth == 0)
		j->done = true;
}

static int open_(struct dmab_json *j, int kind, const char *c)
{
	if (before_value(j, false))
		return j->err;
	if (j->depth >= DMAB_JSON_MAX_DEPTH)
		return fail(j, -EINVAL);
	j->kind[j->depth] = (unsigned char)kind;
	j->count[j->depth] = 0;
	j->depth++;
	return puts_(j, c);
}

static int close_(struct dmab_json *j, int kind, const char *c)
{
	if (j->err)
		return j->err;
	if (j->depth == 0 || j->kind[j->depth - 1] != kind || j->after_key)
		return fail(j, -EINVAL);
	j->depth--;
	if (j->count[j->depth] && j->depth < j->newline_depth)
		newline_indent(j);
	puts_(j, c);
	after_value(j);
	return j->err;
}

int dmab_json_obj_begin(struct dmab_json *j) { return open_(j, K_OBJ, "{"); }
int dmab_json_obj_end(struct dmab_json *j) { return close_(j, K_OBJ, "}"); }
int dmab_json_arr_begin(struct dmab_json *j) { return open_(j, K_ARR, "["); }
int dmab_json_arr_end(struct dmab_json *j) { return close_(j, K_ARR, "]"); }

/* Length of a valid UTF-8 sequence at s (max n bytes), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int write_string(struct dmab_json *j, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	put(j, "\"", 1);
	while (i < len) {
		unsigned char c = s[i];
		const char *esc = NULL;
		char ubuf[8];
		size_t ul;

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (c < 0x20) {
				snprintf(ubuf, sizeof(ubuf), "\\u%04x", c);
				esc = ubuf;
			}
		}
		if (esc) {
			put(j, (const char *)s + i - run, run);
			run = 0;
			puts_(j, esc);
			i++;
			continue;
		}
		ul = utf8_len(s + i, len - i);
		if (ul == 0) {
			put(j, (const char *)s + i - run, run);
			run = 0;
			puts_(j, "\\ufffd");
			i++;
			continue;
		}
		run += ul;
		i += ul;
	}
	put(j, (const char *)s + i - run, run);
	return put(j, "\"", 1);
}

int dmab_json_key(struct dmab_json *j, const char *key)
{
	if (!key)
		return fail(j, -EINVAL);
	if (before_value(j, true))
		return j->err;
	write_string(j, key, strlen(key));
	put(j, ":", 1);
	j->after_key = true;
	return j->err;
}

int dmab_json_strn(struct dmab_json *j, const char *s, size_t len)
{
	if (before_value(j, false))
		return j->err;
	if (!s)
		puts_(j, "null");
	else
		write_string(j, s, len);
	after_value(j);
	return j->err;
}

int dmab_json_str(struct dmab_json *j, const char *s)
{
	return dmab_json_strn(j, s, s ? strlen(s) : 0);
}

static int raw_value(struct dmab_json *j, const char *text)
{
	if (before_value(j, false))
		return j->err;
	puts_(j, text);
	after_value(j);
	return j->err;
}

int dmab_json_u64(struct dmab_json *j, uint64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	return raw_value(j, b);
}

int dmab_json_i64(struct dmab_json *j, int64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%" PRId64, v);
	return raw_value(j, b);
}

int dmab_json_double(struct dmab_json *j, double v)
{
	char b[40];

	if (!isfinite(v))
		return raw_value(j, "null");
	snprintf(b, sizeof(b), "%.15g", v);
	if (strtod(b, NULL) != v)
		snprintf(b, sizeof(b), "%.17g", v);
	return raw_value(j, b);
}

int dmab_json_bool(struct dmab_json *j, bool v)
{
	return raw_value(j, v ? "true" : "false");
}

int dmab_json_null(struct dmab_json *j)
{
	return raw_value(j, "null");
}

int dmab_json_kv_str(struct dmab_json *j, const char *key, const char *s)
{
	dmab_json_key(j, key);
	return dmab_json_str(j, s);
}

int dmab_json_kv_u64(struct dmab_json *j, const char *key, uint64_t v)
{
	dmab_json_key(j, key);
	return dmab_json_u64(j, v);
}

int dmab_json_kv_i64(struct dmab_json *j, const char *key, int64_t v)
{
	dmab_json_key(j, key);
	return dmab_json_i64(j, v);
}

int dmab_json_kv_double(struct dmab_json *j, const char *key, double v)
{
	dmab_json_key(j, key);
	return dmab_json_double(j, v);
}

int dmab_json_kv_bool(struct dmab_json *j, const char *key, bool v)
{
	dmab_json_key(j, key);
	return dmab_json_bool(j, v);
}

int dmab_json_arr_u32(struct dmab_json *j, const uint32_t *v, size_t n)
{
	int saved = j->newline_depth;
	size_t i;

	/* samples stay on one line whatever newline_depth says */
	if (dmab_json_arr_begin(j))
		return j->err;
	j->newline_depth = 0;
	for (i = 0; i < n && !j->err; i++)
		dmab_json_u64(j, v[i]);
	dmab_json_arr_end(j);
	j->newline_depth = saved;
	return j->err;
}

int dmab_json_finish(struct dmab_json *j)
{
	if (j->err)
		return j->err;
	if (j->depth != 0 || !j->done)
		return fail(j, -EINVAL);
	put(j, "\n", 1);
	if (fflush(j->f) != 0 || ferror(j->f))
		return fail(j, -EIO);
	return 0;
}
