// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test: the job table (lib/jobs.c) - its shape, list parsing, and that it
 * tells the truth about the build: every job's program is in the initramfs of
 * each arch it claims (build/<arch>/initramfs/), and absent where it does not.
 */
#include <errno.h>
#include <unistd.h>

#include "jobs.h"
#include "test_util.h"

int main(void)
{
	static const char *const arches[] = { "x86_64", "arm64" };
	char err[256], repo[4096], path[4400];
	int checked = 0;

	for (size_t i = 0; i < dmab_njobs; i++) {
		const struct dmab_job *j = &dmab_jobs[i];

		CHECK(j->name && j->result && j->help);
		CHECK(!j->prog || j->args_env);
		CHECK(!j->topology_roles || j->args_env);
		CHECK(dmab_job_find(j->name) == j);
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(dmab_jobs[k].name, j->name) && strcmp(dmab_jobs[k].result, j->result));
	}
	CHECK(dmab_job_find("nope") == NULL);
	CHECK_EQ(dmab_job_list_check("va,lat,test", err, sizeof(err)), 0);
	CHECK_EQ(dmab_job_list_check("va,bogus", err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "unknown job 'bogus'");
	CHECK_CONTAINS(err, dmab_job_names());
	CHECK_EQ(dmab_job_list_check("va,,lat", err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "malformed");
	CHECK_EQ(dmab_job_list_check("", err, sizeof(err)), -EINVAL);
	CHECK(dmab_job_has("va,lat", "lat") && !dmab_job_has("va,lat", "la") && !dmab_job_has("vala", "va"));
	CHECK(dmab_job_on_arch(dmab_job_find("uring"), "x86_64") && !dmab_job_on_arch(dmab_job_find("uring"), "arm64"));
	CHECK(dmab_job_on_arch(dmab_job_find("va"), "arm64"));
	CHECK_STR(dmab_job_names(), "test, va, lat, uring, fuzz, hyperfine, share, mapbench, fresh, hostmode, scale");

	/* the build agrees with the table */
	dmab_repo_root(repo, sizeof(repo));
	for (size_t a = 0; a < 2; a++) {
		snprintf(path, sizeof(path), "%s/build/%s/initramfs/init", repo, arches[a]);
		if (access(path, X_OK)) {
			printf("build/%s/initramfs not built: not compared\n", arches[a]);
			continue;
		}
		for (size_t i = 0; i < dmab_njobs; i++) {
			const struct dmab_job *j = &dmab_jobs[i];
			bool want = dmab_job_on_arch(j, arches[a]), have;

			if (!j->prog)
				continue;
			snprintf(path, sizeof(path), "%s/build/%s/initramfs/%s", repo, arches[a], j->prog);
			have = access(path, X_OK) == 0;
			if (have != want)
				fprintf(stderr, "job %s: %s is %s in the %s initramfs\n", j->name, j->prog,
					have ? "present" : "missing", arches[a]);
			CHECK_EQ(have, want);
			checked++;
		}
	}
	printf("%d job programs compared with the initramfs trees\n", checked);
	return t_done("test_jobs");
}
