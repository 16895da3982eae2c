/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - a tiny streaming JSON writer to a FILE*.
 *
 *   struct dmab_json j;
 *   dmab_json_init(&j, stdout, 2);
 *   dmab_json_obj_begin(&j);
 *   dmab_json_kv_u64(&j, "schema", 1);
 *   dmab_json_key(&j, "rows"); dmab_json_arr_begin(&j); ... dmab_json_arr_end(&j);
 *   dmab_json_obj_end(&j);
 *   ret = dmab_json_finish(&j);   // 0, or the first error
 *
 * Commas and key/value colons are inserted automatically. Strings are
 * escaped per RFC 8259 (", \, control characters); bytes that are not valid
 * UTF-8 are replaced by U+FFFD so the output is always valid JSON. Doubles
 * print in the shortest of %.15g/%.17g that round-trips; NaN and infinities
 * print as null. Misuse (value without key inside an object, unbalanced
 * end, nesting deeper than DMAB_JSON_MAX_DEPTH) makes the writer sticky-fail
 * with -EINVAL; a write error with -EIO.
 *
 * newline_depth: elements of containers opened at depth < newline_depth
 * start on their own indented line (0 = fully compact). 2 puts every row of
 * a top-level "rows" array on one line.
 */
#ifndef DMAB_JSON_H
#define DMAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DMAB_JSON_MAX_DEPTH 32

struct dmab_json {
	FILE *f;
	int err;
	int depth;
	int newline_depth;
	bool after_key;
	bool done;			/* a complete top-level value was written */
	/* per depth: 1 = object, 2 = array; count of elements written */
	unsigned char kind[DMAB_JSON_MAX_DEPTH];
	uint64_t count[DMAB_JSON_MAX_DEPTH];
};

void dmab_json_init(struct dmab_json *j, FILE *f, int newline_depth);

int dmab_json_obj_begin(struct dmab_json *j);
int dmab_json_obj_end(struct dmab_json *j);
int dmab_json_arr_begin(struct dmab_json *j);
int dmab_json_arr_end(struct dmab_json *j);
int dmab_json_key(struct dmab_json *j, const char *key);

int dmab_json_str(struct dmab_json *j, const char *s);	/* NULL prints null */
int dmab_json_strn(struct dmab_json *j, const char *s, size_t len);
int dmab_json_u64(struct dmab_json *j, uint64_t v);
int dmab_json_i64(struct dmab_json *j, int64_t v);
int dmab_json_double(struct dmab_json *j, double v);
int dmab_json_bool(struct dmab_json *j, bool v);
int dmab_json_null(struct dmab_json *j);

/* key + value shorthands */
int dmab_json_kv_str(struct dmab_json *j, const char *key, const char *s);
int dmab_json_kv_u64(struct dmab_json *j, const char *key, uint64_t v);
int dmab_json_kv_i64(struct dmab_json *j, const char *key, int64_t v);
int dmab_json_kv_double(struct dmab_json *j, const char *key, double v);
int dmab_json_kv_bool(struct dmab_json *j, const char *key, bool v);

/* Array of u32 (raw samples), compact. */
int dmab_json_arr_u32(struct dmab_json *j, const uint32_t *v, size_t n);

/*
 * Checks that the document is complete (all containers closed), writes a
 * final newline and flushes. Returns 0 or the first error.
 */
int dmab_json_finish(struct dmab_json *j);

#endif
