// SPDX-License-Identifier: GPL-2.0
/* test_merge.c - shards of one plan joined (dmab_merge_check, dmab_merge_json) and every refusal. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/report/jget.h"
#include "harness/report/merge.h"
#include "lib/test_util.h"

/* A shard run.json: plan "p1" of VMs a b c d e, this shard holding the given places. */
static cJSON *shard(const char *plan, const char *sha, const char *sh, const int *idx, int n, const int *codes)
{
	static const char *const vms[] = { "a", "b", "c", "d", "e" };
	char buf[4096];
	int len;

	len = snprintf(buf, sizeof(buf),
		       "{\"schema\":1,\"run_id\":\"r%s\",\"created\":\"x\",\"exit_code\":0,\"exit_class\":\"ok\","
		       "\"env\":{\"git_sha\":\"%s\",\"qemu_version\":\"7.2\",\"job\":\"va\"},"
		       "\"plan\":{\"id\":\"%s\",\"vms\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"shard\":\"%s\"},\"backends\":[",
		       sh, sha, plan, sh);
	int worst = 0;
	for (int i = 0; i < n; i++) {
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s{\"name\":\"%s\",\"plan_index\":%d,"
				"\"exit_code\":%d,\"files\":{\"va.json\":{\"rows\":[%d]}}}", i ? "," : "", vms[idx[i]],
				idx[i], codes[i], idx[i]);
		if (codes[i] > worst)
			worst = codes[i];
	}
	snprintf(buf + len, sizeof(buf) - (size_t)len, "]}");
	cJSON *j = cJSON_Parse(buf);
	CHECK(j != NULL);
	cJSON_ReplaceItemInObject(j, "exit_code", cJSON_CreateNumber(worst));
	return j;
}

int main(void)
{
	static const int i1[] = { 0, 3 }, i2[] = { 1, 4 }, i3[] = { 2 }, ok[] = { 0, 0 }, bad[] = { 1, 0 },
			 panic[] = { 255 }, i3x[] = { 1 }, i2short[] = { 1 };
	const char *names[] = { "s1", "s2", "s3" };
	char err[512];
	cJSON *runs[3], *m;

	/* any order; the merged backends come in plan order, the exit code is the worst */
	runs[0] = shard("p1", "abc", "3/3", i3, 1, panic);
	runs[1] = shard("p1", "abc", "1/3", i1, 2, ok);
	runs[2] = shard("p1", "abc", "2/3", i2, 2, bad);
	CHECK_EQ(dmab_merge_check(runs, names, 3, err, sizeof(err)), 0);
	m = dmab_merge_json(runs, 3, "merged-id", "now");
	CHECK(m != NULL);
	CHECK_EQ(cJSON_GetArraySize(jget(m, "backends")), 5);
	for (int x = 0; x < 5; x++) {
		const cJSON *b = cJSON_GetArrayItem(jget(m, "backends"), x);
		char want[2] = { (char)('a' + x), 0 };

		CHECK_STR(jstr(b, "name", ""), want);
		CHECK_EQ(cJSON_GetArrayItem(jget(jfile(b, "va.json"), "rows"), 0)->valueint, x);
	}
	CHECK_EQ((int)jnum(m, "exit_code", -1), 255);
	CHECK_STR(jstr(m, "exit_class", ""), "kernel-panic");
	CHECK_STR(jstr(m, "run_id", ""), "merged-id");
	CHECK(cJSON_IsNull(jget(jget(m, "plan"), "shard")));
	CHECK_EQ(cJSON_GetArraySize(jget(jget(m, "plan"), "merged_from")), 3);
	/* a merged run is not a shard: merging it again is refused */
	CHECK_EQ(dmab_merge_check(&m, names, 1, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "not a shard");
	cJSON_Delete(m);

	/* a shard missing */
	CHECK_EQ(dmab_merge_check(runs, names, 2, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "3 shards, 2 given");
	/* a shard twice */
	cJSON *dup = runs[2];
	runs[2] = shard("p1", "abc", "1/3", i1, 2, ok);
	CHECK_EQ(dmab_merge_check(runs, names, 3, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "given twice");
	cJSON_Delete(runs[2]);
	/* another plan */
	runs[2] = shard("p2", "abc", "2/3", i2, 2, bad);
	CHECK_EQ(dmab_merge_check(runs, names, 3, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "different plans");
	cJSON_Delete(runs[2]);
	/* another code version */
	runs[2] = shard("p1", "def", "2/3", i2, 2, bad);
	CHECK_EQ(dmab_merge_check(runs, names, 3, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "code versions");
	cJSON_Delete(runs[2]);
	/* a shard cut short: a VM of the plan in no shard */
	runs[2] = shard("p1", "abc", "2/3", i2short, 1, ok);
	CHECK_EQ(dmab_merge_check(runs, names, 3, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "'e' of the plan is in no shard");
	cJSON_Delete(runs[2]);
	/* a VM in two shards */
	runs[2] = dup;
	cJSON_Delete(runs[0]);
	runs[0] = shard("p1", "abc", "3/3", i3x, 1, panic);
	CHECK_EQ(dmab_merge_check(runs, names, 3, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "in two shards");
	/* a VM whose place in the plan names another VM */
	cJSON_ReplaceItemInObject(cJSON_GetArrayItem(jget(runs[0], "backends"), 0), "plan_index", cJSON_CreateNumber(2));
	CHECK_EQ(dmab_merge_check(runs, names, 3, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "not at place 2");
	/* a run without a plan (older dmabench) */
	cJSON_DeleteItemFromObject(runs[1], "plan");
	CHECK_EQ(dmab_merge_check(runs, names, 3, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "no plan");
	for (int k = 0; k < 3; k++)
		cJSON_Delete(runs[k]);
	(void)bad;
	return t_done("test_merge");
}
