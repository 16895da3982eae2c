// SPDX-License-Identifier: GPL-2.0
/*
 * test_kernels.c - the kernel table and the kernel axis: every entry is
 * well-formed (names, arches of the arch table, quirks that name a backend),
 * kernel.env is read as make and sh write it, --kernel parsing, labels get the
 * kernel only when a run has several, a kernel's quirk reaches its VMs'
 * command line and no other's, and compare --kernel picks one kernel's VMs
 * of a run under their labels without the kernel.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/cli/opts.h"
#include "harness/plan/kernels.h"
#include "harness/plan/plan.h"
#include "harness/report/compare.h"
#include "lib/test_util.h"

static struct dmab_opts o;

static const char *cmdline_of(char **argv)
{
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], "-append"))
			return argv[i + 1];
	return "";
}

int main(void)
{
	char err[1024], buf[256];

	/* the table */
	for (size_t i = 0; i < dmab_nkernel_descs; i++) {
		const struct dmab_kernel_desc *d = &dmab_kernel_descs[i];
		const char *bad;

		CHECK(d->name && d->dir && d->series && d->dist && d->suites && d->abi && d->flavour && d->note);
		CHECK(!strncmp(d->name, "debian:", 7));
		CHECK(!strchr(d->dir, ':') && !strchr(d->dir, '/') && !strchr(d->dir, '~'));
		CHECK(dmab_kernel_desc_find(d->name) == d && dmab_kernel_desc_find(d->dir) == d);
		CHECK(!dmab_arch_list_check(d->arches, &bad));
		CHECK(d->page_size == 4096 || d->page_size == 16384);
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(d->name, dmab_kernel_descs[k].name) && strcmp(d->dir, dmab_kernel_descs[k].dir));
		for (int q = 0; q < DMAB_KERNEL_QUIRKS && d->quirks[q].backend; q++)
			CHECK(dmab_backend_find(d->quirks[q].backend) && d->quirks[q].append[0] && d->quirks[q].why[0]);
	}
	CHECK(dmab_kernel_desc_find("debian:4.19") == NULL);
	CHECK_CONTAINS(dmab_kernel_desc_names(), "debian:6.12-16k");

	/* kernel.env: KEY=value lines */
	const char *dir = t_mktemp();
	char env[512];
	snprintf(env, sizeof(env), "%s/kernel.env", dir);
	t_write(env, "SERIES=debian:6.12\nKVER=6.12.1+deb12-amd64\nKERNEL=/x/boot/vmlinuz\nKVERX=no\n");
	CHECK(!dmab_kernel_env_get(env, "KVER", buf, sizeof(buf)));
	CHECK_STR(buf, "6.12.1+deb12-amd64");
	CHECK(dmab_kernel_env_get(env, "PAGE_SIZE", buf, sizeof(buf)) == -ENOENT);

	/* --kernel: table names and one path; unknown debian names are errors */
	char *a1[] = { "run", "--kernel", "debian:5.10,debian:6.12,/tmp/bzImage", "--dry-run", NULL };
	dmab_opts_init(&o);
	CHECK(!dmab_opts_parse(&o, 4, a1, err, sizeof(err)));
	CHECK_EQ(o.nkernel_descs, 2);
	CHECK_STR(o.given.kernel, "/tmp/bzImage");
	char *a2[] = { "run", "--kernel", "debian:9", NULL };
	dmab_opts_init(&o);
	CHECK(dmab_opts_parse(&o, 3, a2, err, sizeof(err)) == -EINVAL);
	CHECK_CONTAINS(err, "unknown kernel");
	char *a3[] = { "run", "--kernel", "/a,/b", NULL };
	dmab_opts_init(&o);
	CHECK(dmab_opts_parse(&o, 3, a3, err, sizeof(err)) == -EINVAL);
	char *a4[] = { "run", "--kernel", "debian:6.1,debian:6.1", NULL };
	dmab_opts_init(&o);
	CHECK(dmab_opts_parse(&o, 3, a4, err, sizeof(err)) == -EINVAL);

	/* the plan: kernel x backend, labels with the kernel only when there are several */
	struct dmab_plan_vm plan[8];
	dmab_opts_init(&o);
	o.backends[0] = dmab_backend_find("intel-strict");
	o.backends[1] = dmab_backend_find("direct");
	o.nbackends = 2;
	o.topologies[0] = dmab_topology_default();
	o.ntopologies = 1;
	for (int k = 0; k < 2; k++) {
		o.kernels[k].arch = &dmab_arches[0];
		o.kernels[k].desc = dmab_kernel_desc_find(k ? "debian:6.12" : "debian:5.10");
		snprintf(o.kernels[k].name, sizeof(o.kernels[k].name), "%s", o.kernels[k].desc->name);
		snprintf(o.kernels[k].dir, sizeof(o.kernels[k].dir), "%s", o.kernels[k].desc->dir);
		snprintf(o.kernels[k].image, sizeof(o.kernels[k].image), "/k%d", k);
		snprintf(o.kernels[k].initrd, sizeof(o.kernels[k].initrd), "/i%d", k);
	}
	o.nkernels = 1;
	CHECK_EQ(dmab_plan(&o, plan, 8, NULL), 2);
	CHECK_STR(plan[0].label, "intel-strict");
	o.nkernels = 2;
	o.kernel_suffix = true;
	CHECK_EQ(dmab_plan(&o, plan, 8, NULL), 4);
	CHECK_STR(plan[0].label, "intel-strict~debian-5.10");
	CHECK_STR(plan[3].label, "direct~debian-6.12");
	CHECK(plan[3].kernel == &o.kernels[1]);
	/* 5.10's quirk: intel-strict on 5.10 only */
	char **argv, **envp;
	CHECK(!dmab_plan_command(&o, &plan[0], "tcg", "test", NULL, NULL, "/c", "/r", &argv, &envp));
	CHECK_CONTAINS(cmdline_of(argv), "intel_iommu=strict");
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], "-kernel"))
			CHECK_STR(argv[i + 1], "/k0");
	dmab_argv_free(argv);
	CHECK(!dmab_plan_command(&o, &plan[2], "tcg", "test", NULL, NULL, "/c", "/r", &argv, &envp));
	CHECK(!strstr(cmdline_of(argv), "intel_iommu=strict"));
	dmab_argv_free(argv);

	/* compare --kernel: one kernel's VMs, labels without the kernel */
	cJSON *run = cJSON_Parse("{\"run_id\":\"r1\",\"backends\":["
				 "{\"name\":\"direct~debian-5.10\",\"kernel\":{\"name\":\"debian:5.10\",\"dir\":\"debian-5.10\"}},"
				 "{\"name\":\"direct~debian-6.12\",\"kernel\":{\"name\":\"debian:6.12\",\"dir\":\"debian-6.12\"}}]}");
	CHECK(run);
	CHECK(!dmab_cmp_select_kernel(run, "debian-6.12", err, sizeof(err)));
	CHECK_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(run, "backends")), 1);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(run, "backends"), 0), "name")->valuestring,
		  "direct");
	CHECK_CONTAINS(cJSON_GetObjectItem(run, "run_id")->valuestring, "[debian-6.12]");
	CHECK(dmab_cmp_select_kernel(run, "debian:5.10", err, sizeof(err)) == -ENOENT);
	CHECK_CONTAINS(err, "debian:6.12");
	cJSON_Delete(run);
	/* a run from before the kernel axis is "default" */
	run = cJSON_Parse("{\"run_id\":\"old\",\"backends\":[{\"name\":\"direct\"}]}");
	CHECK(!dmab_cmp_select_kernel(run, "default", err, sizeof(err)));
	cJSON_Delete(run);
	return t_done("test_kernels");
}
