// SPDX-License-Identifier: GPL-2.0
/* test_scale.c - dmab_scale_check() on a consistent scale.json and on broken copies of it;
 * the summary section names the host's cores. */
#include <errno.h>

#include "harness/report/scale_summary.h"
#include "lib/test_util.h"

/* two points: T = 1 and T = 2, 3 iterations per thread, samples kept */
static const char good[] =
	"{\"schema\":1,\"cpus_online\":2,\"page_size\":4096,\"points\":["
	"{\"op\":\"map_single\",\"granule\":1,\"size\":4096,\"threads\":1,\"iters\":3,\"n\":3,\"errno\":0,"
	"\"budget_hit\":false,\"wall_ns\":3000,\"ops_per_s\":1000000,\"speedup\":1,\"efficiency\":1,"
	"\"a\":{\"op\":\"map_single\",\"n\":3,\"min\":100,\"p50\":200,\"p90\":300,\"p99\":300,\"p999\":300,\"max\":300},"
	"\"b\":{\"op\":\"unmap_single\",\"n\":3,\"min\":10,\"p50\":20,\"p90\":30,\"p99\":30,\"p999\":30,\"max\":30},"
	"\"per_thread\":[{\"thread\":0,\"n\":3,\"samples_a\":[100,200,300],\"samples_b\":[10,20,30]}]},"
	"{\"op\":\"map_single\",\"granule\":1,\"size\":4096,\"threads\":2,\"iters\":3,\"n\":3,\"errno\":0,"
	"\"budget_hit\":false,\"wall_ns\":4000,\"ops_per_s\":1500000,\"speedup\":1.5,\"efficiency\":0.75,"
	"\"a\":{\"op\":\"map_single\",\"n\":6,\"min\":100,\"p50\":200,\"p90\":400,\"p99\":400,\"p999\":400,\"max\":400},"
	"\"b\":{\"op\":\"unmap_single\",\"n\":6,\"min\":10,\"p50\":20,\"p90\":40,\"p99\":40,\"p999\":40,\"max\":40},"
	"\"per_thread\":[{\"thread\":0,\"n\":3,\"samples_a\":[100,200,300],\"samples_b\":[10,20,30]},"
	"{\"thread\":1,\"n\":3,\"samples_a\":[150,250,400],\"samples_b\":[15,25,40]}]},"
	"{\"op\":\"map_single\",\"granule\":1,\"size\":4096,\"threads\":4,\"iters\":3,\"n\":0,\"errno\":7,"
	"\"budget_hit\":false,\"wall_ns\":0,\"ops_per_s\":0,\"per_thread\":[]}]}";

/* a copy of good with the first occurrence of from replaced by to, checked */
static int check_edit(const char *from, const char *to, char *why, size_t len)
{
	char buf[sizeof(good) + 64];
	const char *at = strstr(good, from);
	cJSON *j;
	int r;

	if (!at || strlen(good) - strlen(from) + strlen(to) >= sizeof(buf))
		return -999;
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
	j = cJSON_Parse(buf);
	if (!j)
		return -998;
	r = dmab_scale_check(j, why, len);
	cJSON_Delete(j);
	return r;
}

int main(void)
{
	static const char *const bad[][2] = {
		{ "\"schema\":1", "\"schema\":2" },
		{ "\"n\":3,\"errno\":0", "\"n\":2,\"errno\":0" },			/* n < iters, no budget_hit */
		{ "\"ops_per_s\":1500000", "\"ops_per_s\":1600000" },		/* not T x n / wall */
		{ "\"efficiency\":0.75", "\"efficiency\":0.8" },
		{ "\"n\":6,\"min\":100", "\"n\":5,\"min\":100" },			/* a.n != T x n */
		{ "\"p50\":200,\"p90\":400", "\"p50\":500,\"p90\":400" },		/* percentiles out of order */
		{ "{\"thread\":1,\"n\":3,\"samples_a\":[150,250,400],\"samples_b\":[15,25,40]}",
		  "{\"thread\":1,\"n\":3,\"samples_a\":[150,250],\"samples_b\":[15,25,40]}" },	/* a sample missing */
		{ "\"samples_a\":[150,250,400]", "\"samples_a\":[150,250,390]" },	/* max not the summary's */
		{ ",{\"thread\":1,\"n\":3,\"samples_a\":[150,250,400],\"samples_b\":[15,25,40]}", "" },
		{ "\"size\":4096,\"threads\":2", "\"size\":8192,\"threads\":2" },	/* size != granule x page */
		{ "\"errno\":7", "\"errno\":5" },					/* 4 threads on 2 CPUs */
	};
	char why[256] = "";
	cJSON *j = cJSON_Parse(good);

	CHECK(j != NULL);
	CHECK_EQ(dmab_scale_check(j, why, sizeof(why)), 0);
	if (why[0])
		fprintf(stderr, "good: %s\n", why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		CHECK_EQ(check_edit(bad[i][0], bad[i][1], why, sizeof(why)), -EBADMSG);
		CHECK(why[0] != 0);
	}
	/* the summary section: host cores and vCPUs on the rows */
	{
		char *txt = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&txt, &len);
		cJSON *run = cJSON_CreateObject(), *env = cJSON_AddObjectToObject(run, "env");
		cJSON *bs = cJSON_AddArrayToObject(run, "backends"), *b = cJSON_CreateObject();

		cJSON_AddNumberToObject(env, "host_cpus", 2);
		cJSON_AddNumberToObject(env, "smp", 2);
		cJSON_AddStringToObject(env, "accel", "tcg");
		cJSON_AddStringToObject(b, "name", "intel-strict");
		cJSON_AddItemToObject(cJSON_AddObjectToObject(b, "files"), "scale.json", cJSON_Duplicate(j, true));
		cJSON_AddItemToArray(bs, b);
		CHECK_EQ(dmab_scale_summary_write(run, f), 0);
		fclose(f);
		CHECK(txt && strstr(txt, "## Throughput against threads"));
		CHECK(txt && strstr(txt, "| intel-strict | map_single | 1 | 2 | 2 | 2 | 3 | 1500000 | 1.50 | 0.75 | 200 | 400 | 20 | 40 |"));
		CHECK(txt && strstr(txt, "at most 2 vCPUs run at once"));
		free(txt);
		cJSON_Delete(run);
	}
	cJSON_Delete(j);
	printf("test_scale: %d checks, %d failed\n", t_checks, t_failures);
	return t_failures ? 1 : 0;
}
