// SPDX-License-Identifier: GPL-2.0
/* test_plan.c - the plan's identity and --shard: every VM in exactly one shard, ids that tell plans apart. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/opts.h"
#include "harness/plan/arches.h"
#include "harness/plan/kernels.h"
#include "harness/plan/plan.h"
#include "lib/test_util.h"

static int plan_of(struct dmab_opts *o, const char *backends, struct dmab_plan_vm *plan, char *id)
{
	char err[512], *argv[] = { "run", "--backend", (char *)backends, "--topology", "all", NULL };
	int n;

	dmab_opts_init(o);
	CHECK(!dmab_opts_parse(o, 5, argv, err, sizeof(err)));
	/* one x86_64 kernel, as cmd_run resolves it */
	o->kernels[0].arch = &dmab_arches[0];
	o->kernels[0].desc = dmab_kernel_desc_find("debian:6.1");
	snprintf(o->kernels[0].name, sizeof(o->kernels[0].name), "debian:6.1");
	o->nkernels = 1;
	n = dmab_plan(o, plan, DMAB_MAX_VMS, NULL);
	dmab_plan_id(o, plan, n, id, 24);
	return n;
}

int main(void)
{
	static struct dmab_opts o;
	static struct dmab_plan_vm plan[DMAB_MAX_VMS], part[DMAB_MAX_VMS];
	char id[24], id2[24], err[512];
	int n, seen[DMAB_MAX_VMS];

	n = plan_of(&o, "direct,swiotlb,intel-strict,intel-lazy,amd", plan, id);
	CHECK(n >= 5);
	CHECK_EQ((int)strlen(id), 16);
	for (int i = 0; i < n; i++)
		CHECK_EQ(plan[i].index, i);
	/* every shard count: each VM in exactly one shard, in plan order within it */
	for (int nsh = 1; nsh <= n + 1; nsh++) {
		memset(seen, 0, sizeof(seen));
		for (int s = 1; s <= nsh; s++) {
			memcpy(part, plan, sizeof(plan));
			int k = dmab_plan_shard(part, n, s, nsh);

			CHECK_EQ(k, n / nsh + (s - 1 < n % nsh));
			for (int j = 0; j < k; j++) {
				seen[part[j].index]++;
				CHECK_STR(part[j].label, plan[part[j].index].label);
				if (j)
					CHECK(part[j].index > part[j - 1].index);
			}
		}
		for (int i = 0; i < n; i++)
			CHECK_EQ(seen[i], 1);
	}
	/* the same options give the same id; another backend list, job, append or smp another one */
	plan_of(&o, "direct,swiotlb,intel-strict,intel-lazy,amd", plan, id2);
	CHECK_STR(id2, id);
	plan_of(&o, "swiotlb,direct,intel-strict,intel-lazy,amd", plan, id2);
	CHECK(strcmp(id2, id));
	n = plan_of(&o, "direct,swiotlb,intel-strict,intel-lazy,amd", plan, id2);
	snprintf(o.job, sizeof(o.job), "va");
	dmab_plan_id(&o, plan, n, id2, sizeof(id2));
	CHECK(strcmp(id2, id));
	n = plan_of(&o, "direct,swiotlb,intel-strict,intel-lazy,amd", plan, id2);
	o.smp = 2;
	dmab_plan_id(&o, plan, n, id2, sizeof(id2));
	CHECK(strcmp(id2, id));

	/* --shard parsing */
	char *bad[] = { "0/3", "4/3", "1/0", "a/b", "1/3x", "1/257", NULL };
	for (int i = 0; bad[i]; i++) {
		char *argv[] = { "run", "--shard", bad[i], NULL };

		dmab_opts_init(&o);
		CHECK_EQ(dmab_opts_parse(&o, 3, argv, err, sizeof(err)), -EINVAL);
		CHECK_CONTAINS(err, "--shard");
	}
	char *good[] = { "run", "--shard", "2/3", NULL };
	dmab_opts_init(&o);
	CHECK(!dmab_opts_parse(&o, 3, good, err, sizeof(err)));
	CHECK_EQ(o.shard_i, 2);
	CHECK_EQ(o.shard_n, 3);
	return t_done("test_plan");
}
