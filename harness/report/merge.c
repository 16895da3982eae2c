// SPDX-License-Identifier: GPL-2.0
/* merge.c - the shards of one plan joined into one run.json (see merge.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/jget.h"
#include "harness/report/merge.h"
#include "harness/vm/exitcodes.h"

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *env_str(const cJSON *run, const char *key)
{
	return jstr(cJSON_GetObjectItemCaseSensitive(run, "env"), key, "");
}

/* "I/N" -> i, n; 0 unless well formed */
static int shard_of(const cJSON *run, int *i, int *n)
{
	const char *s = jstr(cJSON_GetObjectItemCaseSensitive(run, "plan"), "shard", NULL);
	int len = 0;

	if (!s || sscanf(s, "%d/%d%n", i, n, &len) != 2 || s[len] || *n < 1 || *i < 1 || *i > *n)
		return -1;
	return 0;
}

int dmab_merge_check(cJSON *const *runs, const char *const *names, int n, char *err, size_t errlen)
{
	const cJSON *plan0, *vms0;
	char *seen = NULL, *placed = NULL;
	int i0, n0, nvms, r = 0;

	if (n < 1)
		return fail(err, errlen, "no shards given");
	for (int k = 0; k < n; k++) {
		const cJSON *plan = cJSON_GetObjectItemCaseSensitive(runs[k], "plan");
		int i, m;

		if (!cJSON_IsObject(plan) || !jstr(plan, "id", NULL))
			return fail(err, errlen, "%s: run.json has no plan (written by a dmabench before --shard)",
				    names[k]);
		if (shard_of(runs[k], &i, &m))
			return fail(err, errlen, "%s: not a shard (run without --shard I/N, or already merged)",
				    names[k]);
	}
	plan0 = cJSON_GetObjectItemCaseSensitive(runs[0], "plan");
	vms0 = cJSON_GetObjectItemCaseSensitive(plan0, "vms");
	nvms = cJSON_GetArraySize(vms0);
	shard_of(runs[0], &i0, &n0);
	if (n != n0)
		return fail(err, errlen, "the plan has %d shards, %d given", n0, n);
	seen = calloc((size_t)n0 + 1, 1);
	placed = calloc((size_t)nvms + 1, 1);
	if (!seen || !placed) {
		r = fail(err, errlen, "out of memory");
		goto out;
	}
	for (int k = 0; k < n; k++) {
		const cJSON *plan = cJSON_GetObjectItemCaseSensitive(runs[k], "plan"), *b;
		static const char *const same[] = { "git_sha", "qemu_version", "job" };
		int i, m;

		shard_of(runs[k], &i, &m);
		if (strcmp(jstr(plan, "id", ""), jstr(plan0, "id", "")) ||
		    !cJSON_Compare(cJSON_GetObjectItemCaseSensitive(plan, "vms"), vms0, 1)) {
			r = fail(err, errlen, "%s is a shard of plan %s, %s of plan %s: different plans", names[k],
				 jstr(plan, "id", ""), names[0], jstr(plan0, "id", ""));
			goto out;
		}
		for (size_t s = 0; s < sizeof(same) / sizeof(same[0]); s++)
			if (strcmp(env_str(runs[k], same[s]), env_str(runs[0], same[s]))) {
				r = fail(err, errlen, "%s has %s '%s', %s '%s': shards of different %s", names[k],
					 same[s], env_str(runs[k], same[s]), names[0], env_str(runs[0], same[s]),
					 strcmp(same[s], "git_sha") ? "setups" : "code versions");
				goto out;
			}
		if (m != n0) {
			r = fail(err, errlen, "%s is shard %d/%d, %s is shard %d/%d", names[k], i, m, names[0], i0, n0);
			goto out;
		}
		if (seen[i]) {
			r = fail(err, errlen, "shard %d/%d given twice (%s)", i, m, names[k]);
			goto out;
		}
		seen[i] = 1;
		cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(runs[k], "backends")) {
			const cJSON *pi = cJSON_GetObjectItemCaseSensitive(b, "plan_index");
			const char *name = jstr(b, "name", "");
			int x = cJSON_IsNumber(pi) ? pi->valueint : -1;

			if (x < 0 || x >= nvms || strcmp(cJSON_GetArrayItem(vms0, x)->valuestring ?: "", name)) {
				r = fail(err, errlen, "%s: VM '%s' is not at place %d of the plan", names[k], name, x);
				goto out;
			}
			if (placed[x]) {
				r = fail(err, errlen, "%s: VM '%s' is in two shards", names[k], name);
				goto out;
			}
			placed[x] = 1;
		}
	}
	for (int x = 0; x < nvms; x++)
		if (!placed[x]) {
			r = fail(err, errlen, "VM '%s' of the plan is in no shard (a shard's run was cut short?)",
				 cJSON_GetArrayItem(vms0, x)->valuestring ?: "?");
			goto out;
		}
out:
	free(seen);
	free(placed);
	return r;
}

static int plan_index(const cJSON *b)
{
	const cJSON *pi = cJSON_GetObjectItemCaseSensitive(b, "plan_index");

	return cJSON_IsNumber(pi) ? pi->valueint : -1;
}

cJSON *dmab_merge_json(cJSON *const *runs, int n, const char *run_id, const char *created)
{
	cJSON *out = cJSON_Duplicate(runs[0], 1), *plan, *from = cJSON_CreateArray(), *bs = cJSON_CreateArray();
	int worst = 0, nvms;

	if (!out || !from || !bs) {
		cJSON_Delete(out);
		cJSON_Delete(from);
		cJSON_Delete(bs);
		return NULL;
	}
	plan = cJSON_GetObjectItemCaseSensitive(out, "plan");
	nvms = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(plan, "vms"));
	/* every place of the plan in order, from whichever shard ran it */
	for (int x = 0; x < nvms; x++)
		for (int k = 0; k < n; k++) {
			const cJSON *b;

			cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(runs[k], "backends"))
				if (plan_index(b) == x)
					cJSON_AddItemToArray(bs, cJSON_Duplicate(b, 1));
		}
	for (int k = 0; k < n; k++) {
		worst = dmab_class_worse(worst, (int)jnum(runs[k], "exit_code", 0));
		cJSON_AddItemToArray(from, cJSON_CreateString(jstr(runs[k], "run_id", "")));
	}
	cJSON_ReplaceItemInObjectCaseSensitive(out, "backends", bs);
	cJSON_ReplaceItemInObjectCaseSensitive(plan, "shard", cJSON_CreateNull());
	cJSON_AddItemToObject(plan, "merged_from", from);
	cJSON_ReplaceItemInObjectCaseSensitive(out, "run_id", cJSON_CreateString(run_id));
	cJSON_ReplaceItemInObjectCaseSensitive(out, "created", cJSON_CreateString(created));
	cJSON_ReplaceItemInObjectCaseSensitive(out, "exit_code", cJSON_CreateNumber(worst));
	cJSON_ReplaceItemInObjectCaseSensitive(out, "exit_class", cJSON_CreateString(dmab_class_name(worst)));
	return out;
}
