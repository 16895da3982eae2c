// SPDX-License-Identifier: GPL-2.0
/* Unit test: lib/json.c output parsed back with cJSON. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "json.h"
#include "test_util.h"

/* Render with fn into a string. Returns the writer's finish() result. */
static int render(void (*fn)(struct dmab_json *), int newline_depth, char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	struct dmab_json j;
	int ret;

	dmab_json_init(&j, f, newline_depth);
	fn(&j);
	ret = dmab_json_finish(&j);
	fclose(f);
	return ret;
}

static const char tricky[] = "quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f ctl\x01\x1f del\x7f "
			     "utf8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";

static void doc_main(struct dmab_json *j)
{
	static const uint32_t samples[] = { 0, 1, 4294967295u, 77 };

	dmab_json_obj_begin(j);
	dmab_json_kv_u64(j, "schema", 1);
	dmab_json_kv_str(j, "tricky", tricky);
	dmab_json_kv_u64(j, "big", 9007199254740992ULL);	/* 2^53: exact in a double */
	dmab_json_kv_i64(j, "neg", -123456789);
	dmab_json_kv_double(j, "pi", 3.141592653589793);
	dmab_json_kv_double(j, "tenth", 0.1);
	dmab_json_kv_double(j, "tiny", 5e-324);
	dmab_json_kv_double(j, "nan", NAN);
	dmab_json_kv_double(j, "inf", INFINITY);
	dmab_json_kv_bool(j, "yes", true);
	dmab_json_kv_bool(j, "no", false);
	dmab_json_kv_str(j, "nullstr", NULL);
	dmab_json_key(j, "rows");
	dmab_json_arr_begin(j);
	for (int i = 0; i < 3; i++) {
		dmab_json_obj_begin(j);
		dmab_json_kv_i64(j, "i", i);
		dmab_json_key(j, "nested");
		dmab_json_obj_begin(j);
		dmab_json_key(j, "empty_arr");
		dmab_json_arr_begin(j);
		dmab_json_arr_end(j);
		dmab_json_key(j, "empty_obj");
		dmab_json_obj_begin(j);
		dmab_json_obj_end(j);
		dmab_json_obj_end(j);
		dmab_json_key(j, "samples");
		dmab_json_arr_u32(j, samples, 4);
		dmab_json_obj_end(j);
	}
	dmab_json_arr_end(j);
	dmab_json_key(j, "mixed");
	dmab_json_arr_begin(j);
	dmab_json_null(j);
	dmab_json_str(j, "");
	dmab_json_u64(j, 18446744073709551615ULL);
	dmab_json_strn(j, "ab\0cd", 5);
	dmab_json_arr_end(j);
	dmab_json_obj_end(j);
}

static void check_main(const char *text)
{
	cJSON *root = cJSON_Parse(text), *rows, *row, *s, *mixed;
	int i;

	CHECK(root != NULL);
	if (!root) {
		fprintf(stderr, "unparseable:\n%s\n", text);
		return;
	}
	CHECK_EQ(cJSON_GetObjectItem(root, "schema")->valuedouble, 1);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(root, "tricky")), tricky);
	CHECK(cJSON_GetObjectItem(root, "big")->valuedouble == 9007199254740992.0);
	CHECK(cJSON_GetObjectItem(root, "neg")->valuedouble == -123456789.0);
	CHECK(cJSON_GetObjectItem(root, "pi")->valuedouble == 3.141592653589793);
	CHECK(cJSON_GetObjectItem(root, "tenth")->valuedouble == 0.1);
	CHECK(cJSON_GetObjectItem(root, "tiny")->valuedouble == 5e-324);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(root, "nan")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(root, "inf")));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(root, "yes")));
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(root, "no")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(root, "nullstr")));
	rows = cJSON_GetObjectItem(root, "rows");
	CHECK(cJSON_IsArray(rows) && cJSON_GetArraySize(rows) == 3);
	i = 0;
	cJSON_ArrayForEach(row, rows) {
		cJSON *nested = cJSON_GetObjectItem(row, "nested");

		CHECK_EQ(cJSON_GetObjectItem(row, "i")->valuedouble, i);
		CHECK(cJSON_IsArray(cJSON_GetObjectItem(nested, "empty_arr")));
		CHECK_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(nested, "empty_arr")), 0);
		CHECK(cJSON_IsObject(cJSON_GetObjectItem(nested, "empty_obj")));
		s = cJSON_GetObjectItem(row, "samples");
		CHECK_EQ(cJSON_GetArraySize(s), 4);
		CHECK(cJSON_GetArrayItem(s, 2)->valuedouble == 4294967295.0);
		CHECK(cJSON_GetArrayItem(s, 3)->valuedouble == 77.0);
		i++;
	}
	mixed = cJSON_GetObjectItem(root, "mixed");
	CHECK_EQ(cJSON_GetArraySize(mixed), 4);
	CHECK(cJSON_IsNull(cJSON_GetArrayItem(mixed, 0)));
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(mixed, 1)), "");
	CHECK(cJSON_GetArrayItem(mixed, 2)->valuedouble == 18446744073709551615.0);
	/* embedded NUL escaped as \u0000: cJSON stops at it, the text shows it */
	CHECK(strstr(text, "\"ab\\u0000cd\"") != NULL);
	cJSON_Delete(root);
}

static void doc_invalid_utf8(struct dmab_json *j)
{
	dmab_json_str(j, "a\xff" "b\xc3(\xe2\x82 \xed\xa0\x80 \xc0\xaf z");
}

static void doc_key_in_array(struct dmab_json *j)
{
	dmab_json_arr_begin(j);
	dmab_json_key(j, "k");
	dmab_json_arr_end(j);
}

static void doc_value_without_key(struct dmab_json *j)
{
	dmab_json_obj_begin(j);
	dmab_json_u64(j, 1);
	dmab_json_obj_end(j);
}

static void doc_unbalanced(struct dmab_json *j)
{
	dmab_json_obj_begin(j);
	dmab_json_key(j, "a");
	dmab_json_arr_begin(j);
	dmab_json_obj_end(j);
}

static void doc_unclosed(struct dmab_json *j)
{
	dmab_json_arr_begin(j);
	dmab_json_u64(j, 1);
}

static void doc_two_roots(struct dmab_json *j)
{
	dmab_json_u64(j, 1);
	dmab_json_u64(j, 2);
}

static void doc_dangling_key(struct dmab_json *j)
{
	dmab_json_obj_begin(j);
	dmab_json_key(j, "a");
	dmab_json_obj_end(j);
}

static void doc_deep(struct dmab_json *j)
{
	for (int i = 0; i < DMAB_JSON_MAX_DEPTH + 1; i++)
		dmab_json_arr_begin(j);
}

static void doc_empty(struct dmab_json *j)
{
	(void)j;
}

int main(void)
{
	char *text = NULL;
	cJSON *root;

	/* compact and pretty renderings both parse back to the same values */
	CHECK_EQ(render(doc_main, 0, &text), 0);
	CHECK(strchr(text, '\n') == strrchr(text, '\n'));	/* compact: only the final newline */
	check_main(text);
	free(text);
	CHECK_EQ(render(doc_main, 2, &text), 0);
	CHECK(strstr(text, "\n  {\"i\":1,") != NULL);	/* one row per line */
	check_main(text);
	free(text);
	CHECK_EQ(render(doc_main, 99, &text), 0);
	check_main(text);
	free(text);

	/* invalid UTF-8 becomes U+FFFD; output stays valid JSON */
	CHECK_EQ(render(doc_invalid_utf8, 0, &text), 0);
	root = cJSON_Parse(text);
	CHECK(root != NULL);
	CHECK(strstr(text, "a\\ufffdb\\ufffd(") != NULL);
	CHECK(strstr(text, "\xed") == NULL && strstr(text, "\xc0") == NULL && strstr(text, "\xff") == NULL);
	cJSON_Delete(root);
	free(text);

	/* misuse is reported, not silently written */
	CHECK_EQ(render(doc_key_in_array, 0, &text), -EINVAL);
	free(text);
	CHECK_EQ(render(doc_value_without_key, 0, &text), -EINVAL);
	free(text);
	CHECK_EQ(render(doc_unbalanced, 0, &text), -EINVAL);
	free(text);
	CHECK_EQ(render(doc_unclosed, 0, &text), -EINVAL);
	free(text);
	CHECK_EQ(render(doc_two_roots, 0, &text), -EINVAL);
	free(text);
	CHECK_EQ(render(doc_dangling_key, 0, &text), -EINVAL);
	free(text);
	CHECK_EQ(render(doc_deep, 0, &text), -EINVAL);
	free(text);
	CHECK_EQ(render(doc_empty, 0, &text), -EINVAL);
	free(text);

	/* write errors surface as -EIO */
	{
		FILE *f = fopen("/dev/full", "w");

		if (f) {
			struct dmab_json j;

			setvbuf(f, NULL, _IONBF, 0);
			dmab_json_init(&j, f, 0);
			dmab_json_str(&j, "x");
			CHECK_EQ(dmab_json_finish(&j), -EIO);
			fclose(f);
		}
	}
	return t_done("test_json");
}
