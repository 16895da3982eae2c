// SPDX-License-Identifier: GPL-2.0
/* jobs.c - the guest jobs (jobs.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jobs.h"
#include "util.h"

const struct dmab_job dmab_jobs[] = {
	/*
	 * Slab poisoning: a use-after-free of a module object reads 0x6b...
	 * and faults (tests/dmabuf_close_race.c) instead of passing silently;
	 * measured on the direct backend's whole test job: no cost beyond
	 * noise (68 s against 70 s).
	 */
	{ .name = "test", .result = "test.ktap", .cmdline = "slub_debug=P",
	  .help = "the integration tests of kmod/tests/ (KTAP; DMABENCH_TEST_ONLY=a,b runs some)" },
	{ .name = "va", .prog = "bin/va", .args_env = "DMABENCH_VA_ARGS", .result = "va.json",
	  .benchmark = true, .plots = true,
	  .help = "kernel VA per allocation API, attributes and size (module and /proc/vmallocinfo)" },
	{ .name = "lat", .prog = "bin/lat", .args_env = "DMABENCH_LAT_ARGS", .result = "lat.json",
	  .benchmark = true, .plots = true,
	  .help = "latency distributions of alloc/free, get_sgtable, map_sg, map_single, sync" },
	{ .name = "uring", .prog = "bin/uring", .args_env = "DMABENCH_URING_ARGS", .result = "uring.json",
	  .arches = "x86_64", .benchmark = true,
	  .help = "ioctl against io_uring batches (liburing)" },
	{ .name = "fuzz", .prog = "bin/fuzz", .args_env = "DMABENCH_FUZZ_ARGS", .result = "fuzz.json",
	  .arches = "x86_64",
	  .help = "a short libFuzzer campaign in one boot (dmabench fuzz survives crashes)" },
	{ .name = "hyperfine", .prog = "bin/hyperfine", .args_env = "DMABENCH_HYPERFINE_ARGS",
	  .result = "hyperfine.json", .arches = "x86_64", .benchmark = true,
	  .help = "whole programs (alloc, mmap, touch, free) under hyperfine" },
	{ .name = "share", .prog = "bin/share", .args_env = "DMABENCH_SHARE_ARGS", .result = "share.json",
	  .topology_roles = true,
	  .help = "allocate on A, get_sgtable, map_sg / dma-buf on B and C, the edu engines check the bytes" },
	{ .name = "mapbench", .prog = "bin/mapbench", .args_env = "DMABENCH_MAPBENCH_ARGS",
	  .result = "mapbench.json", .benchmark = true,
	  .help = "dmabench's map loop against the kernel's dma_map_benchmark (needs the make kernel kernel)" },
};

const size_t dmab_njobs = sizeof(dmab_jobs) / sizeof(dmab_jobs[0]);

const struct dmab_job *dmab_job_find(const char *name)
{
	for (size_t i = 0; i < dmab_njobs; i++)
		if (!strcmp(dmab_jobs[i].name, name))
			return &dmab_jobs[i];
	return NULL;
}

bool dmab_job_has(const char *list, const char *name)
{
	return dmab_list_has(list, name);
}

bool dmab_job_on_arch(const struct dmab_job *j, const char *arch)
{
	return !j->arches || dmab_list_has(j->arches, arch);
}

const char *dmab_job_names(void)
{
	static char names[256];

	if (!names[0])
		for (size_t i = 0, o = 0; i < dmab_njobs && o < sizeof(names); i++)
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i ? ", " : "", dmab_jobs[i].name);
	return names;
}

int dmab_job_list_check(const char *list, char *err, size_t errlen)
{
	char buf[128];
	int n = 0;

	if (!list || !*list) {
		snprintf(err, errlen, "--job: empty job list (known: %s)", dmab_job_names());
		return -EINVAL;
	}
	if (strlen(list) >= sizeof(buf)) {
		snprintf(err, errlen, "--job: list too long");
		return -EINVAL;
	}
	strcpy(buf, list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), n++) {
		if (!dmab_job_find(t)) {
			snprintf(err, errlen, "--job: unknown job '%s' (known: %s)", t, dmab_job_names());
			return -EINVAL;
		}
	}
	if (!n || list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,")) {
		snprintf(err, errlen, "--job: malformed list '%s'", list);
		return -EINVAL;
	}
	return 0;
}
