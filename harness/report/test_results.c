// SPDX-License-Identifier: GPL-2.0
/* test_results.c - run ids, vm.json / run.json / summary.md, results/latest. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/report/results.h"
#include "lib/test_util.h"

/* A run.json text through one of the report writers (summary.md, details.md); the caller frees. */
static char *render(const char *json, int (*write)(const cJSON *, FILE *))
{
	cJSON *run = cJSON_Parse(json);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(run != NULL);
	CHECK_EQ(write(run, f), 0);
	fclose(f);
	cJSON_Delete(run);
	return buf;
}

static char *details_of(const char *json)
{
	return render(json, dmab_details_write);
}

int main(void)
{
	const char *root = t_mktemp();
	char id[96], path[600], *txt;

	/* run id: UTC timestamp + sha */
	CHECK_EQ(dmab_run_id(1795774500, "abc1234", id, sizeof(id)), 0);	/* 2026-11-27T10:15:00Z */
	CHECK_STR(id, "20261127T101500Z-abc1234");
	CHECK_EQ(dmab_run_id(0, "", id, sizeof(id)), 0);
	CHECK_STR(id, "19700101T000000Z-nogit");
	CHECK_EQ(dmab_run_id(0, "abc", id, 10), -ENOSPC);

	/* a finished VM with received files -> vm.json and run.json */
	struct dmab_vm vm;
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/run1/intel-lazy", root);
	CHECK_EQ(dmab_mkdir_p(dir, 0755), 0);
	dmab_vm_init(&vm, dmab_backend_find("intel-lazy"), dir, "va");
	dmab_channel_init(&vm.chan, dir);
	const char *env = "{\"schema\":1,\"uname\":{\"release\":\"6.1.0-56-amd64\"},\"cmdline\":\"console=ttyS0\","
			  "\"mode\":{\"ops\":\"iommu\",\"domain\":\"DMA-FQ\",\"matches_expect\":true}}";
	const char *va = "{\"schema\":1,\"rows\":[{\"dev\":\"edu0\",\"api\":\"attrs\",\"attrs\":\"NKM\",\"size\":1048576,"
			 "\"ok\":true,\"errno\":0,\"kva_module\":0,\"kva_vmallocinfo\":0,\"agree\":true},"
			 "{\"dev\":\"edu0\",\"api\":\"noncontig_vmap\",\"attrs\":\"none\",\"size\":4096,\"ok\":true,"
			 "\"kva_module\":8192,\"kva_vmallocinfo\":4096,\"agree\":false},"
			 "{\"dev\":\"edu0\",\"api\":\"pages\",\"attrs\":\"FC\",\"size\":8192,\"ok\":false,\"errno\":12}]}";
	char stream[2048];
	snprintf(stream, sizeof(stream), "DMABENCH-FILE env.json %zu\n%sDMABENCH-FILE va.json %zu\n%s"
		 "DMABENCH-FILE dmesg.txt 5\nhello" "DMABENCH-END 0\n", strlen(env), env, strlen(va), va);
	CHECK_EQ(dmab_channel_feed(&vm.chan, stream, strlen(stream)), 0);
	vm.t_start = 100;
	vm.t_init = 112.5;
	vm.t_end_rec = 130;
	vm.t_exit = 131;
	vm.t_chan_first = 120;
	vm.t_chan_last = 124;
	vm.facts.saw_init = true;
	dmab_vm_finish(&vm);
	CHECK_EQ(vm.cls, 0);

	struct dmab_run_info ri = { .run_id = "RUNID", .created = "2026-01-01T00:00:00Z", .git_sha = "abc1234",
				    .host_kernel = "6.x", .qemu_version = "QEMU emulator version 7.2.22",
				    .accel = "tcg", .job = "va", .exit_code = 0 };
	cJSON *vj = dmab_vm_json(&vm, &ri);
	snprintf(path, sizeof(path), "%s/vm.json", dir);
	CHECK_EQ(dmab_write_json(path, vj), 0);
	cJSON_Delete(vj);
	CHECK_EQ(dmab_read_file(path, &txt, NULL, 1 << 20), 0);
	cJSON *back = cJSON_Parse(txt);
	free(txt);
	CHECK(back != NULL);
	CHECK_EQ(cJSON_GetObjectItem(back, "boot_to_init_s")->valuedouble * 10, 125);
	CHECK_EQ(cJSON_GetObjectItem(back, "boot_to_end_s")->valuedouble, 30);
	CHECK_EQ(cJSON_GetObjectItem(back, "results_bytes")->valuedouble, (double)strlen(stream));
	CHECK_EQ(cJSON_GetObjectItem(back, "results_bytes_per_s")->valuedouble * 4, (double)strlen(stream));
	CHECK_STR(cJSON_GetObjectItem(back, "exit_class")->valuestring, "ok");
	CHECK_STR(cJSON_GetObjectItem(back, "accel")->valuestring, "tcg");
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(back, "backend"), "expect_domain")->valuestring, "DMA-FQ");
	CHECK_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(back, "files")), 3);
	cJSON_Delete(back);

	cJSON *run = dmab_run_json(&vm, 1, &ri);
	CHECK_EQ(cJSON_GetObjectItem(run, "schema")->valuedouble, DMAB_RUN_SCHEMA);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "env"), "git_sha")->valuestring, "abc1234");
	cJSON *b0 = cJSON_GetArrayItem(cJSON_GetObjectItem(run, "backends"), 0);
	CHECK_STR(cJSON_GetObjectItem(b0, "guest_kernel")->valuestring, "6.1.0-56-amd64");
	CHECK_STR(cJSON_GetObjectItem(b0, "effective_mode")->valuestring, "iommu/DMA-FQ");
	CHECK_STR(cJSON_GetObjectItem(b0, "status")->valuestring, "ok");
	cJSON *files = cJSON_GetObjectItem(b0, "files");
	CHECK(cJSON_IsObject(cJSON_GetObjectItem(files, "va.json")));
	CHECK_STR(cJSON_GetObjectItem(files, "dmesg.txt")->valuestring, "hello");
	char *s = cJSON_PrintUnformatted(run);
	cJSON_Delete(run);
	txt = details_of(s);
	free(s);
	CHECK_CONTAINS(txt, "| intel-lazy | - | ok | iommu/DMA-FQ | iommu/DMA-FQ | 6.1.0-56-amd64 | - | 12.5 | 31.0 |");
	CHECK(!strstr(txt, "| #0 |"));	/* one device: no dev column */
	CHECK_CONTAINS(txt, "| 1M | attrs | NKM | 0 / 0 |");
	/* headline: NKM present, kind missing, no "none" row so nothing to subtract */
	CHECK_CONTAINS(txt, "| intel-lazy | - | 0 (?) | - | - | - |");
	CHECK_CONTAINS(txt, "| 4K | noncontig_vmap | none | 8K / 4K **!** |");
	CHECK_CONTAINS(txt, "| 8K | pages | FC | err 12 |");
	CHECK_CONTAINS(txt, "No latency results");
	free(txt);
	dmab_vm_release(&vm);

	/* rows of different device names match by position; two devices get a dev column */
	txt = details_of("{\"backends\":[{\"name\":\"x\",\"files\":{\"va.json\":{\"rows\":["
			 "{\"dev\":\"0000:00:01.0\",\"api\":\"attrs\",\"attrs\":\"none\",\"size\":4096,\"kva_module\":8192,\"kva_vmallocinfo\":8192},"
			 "{\"dev\":\"platform0\",\"api\":\"attrs\",\"attrs\":\"none\",\"size\":4096,\"kva_module\":0,\"kva_vmallocinfo\":0}]}}},"
			 "{\"name\":\"y\",\"files\":{\"va.json\":{\"rows\":["
			 "{\"dev\":\"0000:00:02.0\",\"api\":\"attrs\",\"attrs\":\"none\",\"size\":4096,\"kva_module\":4096,\"kva_vmallocinfo\":4096}]}}}]}");
	CHECK_CONTAINS(txt, "| #0 | 4K | attrs | none | 8K / 8K | 4K / 4K |");
	CHECK_CONTAINS(txt, "| #1 | 4K | attrs | none | 0 / 0 | - |");
	free(txt);

	/* Fresh buffers: zeroed, stale N/M summed over sizes, n/a for a kernel without the API */
	txt = details_of("{\"backends\":[{\"name\":\"direct\",\"files\":{\"fresh.json\":{\"dev_kind\":\"edu\",\"ops\":\"direct\","
			 "\"init_on_alloc\":{\"cmdline\":\"0\",\"effective\":\"off\"},\"rows\":["
			 "{\"api\":\"attrs\",\"attrs\":\"none\",\"size\":4096,\"ok\":true,\"verdict\":\"zeroed\",\"stale_bytes\":0,\"read_bytes\":12287},"
			 "{\"api\":\"attrs\",\"attrs\":\"NKM\",\"size\":4096,\"ok\":true,\"verdict\":\"stale\",\"stale_bytes\":8000,\"read_bytes\":8191,\"pattern_bytes\":7990},"
			 "{\"api\":\"attrs\",\"attrs\":\"NKM\",\"size\":65536,\"ok\":true,\"verdict\":\"zeroed\",\"stale_bytes\":0,\"read_bytes\":69631},"
			 "{\"api\":\"noncontig\",\"attrs\":\"none\",\"size\":4096,\"ok\":false,\"skipped\":\"old kernel\"}]}}}]}");
	CHECK_CONTAINS(txt, "## Fresh buffers");
	CHECK_CONTAINS(txt, "| init_on_alloc | | off (init_on_alloc=0) |");
	CHECK_CONTAINS(txt, "| sizes, device | | 4K, edu direct |");
	CHECK_CONTAINS(txt, "| attrs | none | zeroed |");
	CHECK_CONTAINS(txt, "| attrs | NKM | **stale 8000/77822** (1/2 sizes, 7990 pattern) |");
	CHECK_CONTAINS(txt, "| noncontig | none | n/a |");
	free(txt);
	txt = details_of("{\"backends\":[{\"name\":\"direct\",\"files\":{}}]}");
	CHECK(!strstr(txt, "Fresh buffers"));
	free(txt);

	/* summary is tolerant: missing fields, wrong types, empty objects */
	txt = details_of("{}");
	CHECK_CONTAINS(txt, "# dmabench run -");
	free(txt);
	txt = details_of("{\"backends\":[{},{\"name\":5,\"vm\":[],\"files\":{\"va.json\":{\"rows\":[{},{\"size\":\"x\"},7]},"
			 "\"lat.json\":{\"rows\":[{},{\"op\":\"map_sg\",\"size\":4096,\"p50\":900}, null]}}}]}");
	CHECK_CONTAINS(txt, "| - | - | -/- | - | - | - | - | - |");
	CHECK_CONTAINS(txt, "| - | map_sg | - | 4K | - | - | 900 | - | - | - | - | - | - |");
	free(txt);
	txt = details_of("{\"backends\":[{\"name\":\"a\",\"files\":{\"lat.json\":{\"timer_min_ns\":30,\"rows\":[{\"op\":\"alloc\","
			 "\"api\":\"attrs\",\"attrs\":\"NKM+FC\",\"size\":65536,\"n\":1000,\"p50\":1500,\"p99\":4000,"
			 "\"max\":90000}]}}},{\"name\":\"b\",\"files\":{\"lat.json\":{\"rows\":[{\"op\":\"alloc\",\"errno\":22}]}}}]}");
	CHECK_CONTAINS(txt, "| a | alloc | NKM+FC | 64K | 1000 | - | 1500 | - | 4000 | - | 90000 | - | - |");
	CHECK_CONTAINS(txt, "| b | alloc | - | - | 0 | err 22 |");
	CHECK_CONTAINS(txt, "| a | 30 | - |");	/* timer overhead table */

	free(txt);

	/* latest symlink: atomic replace */
	char out[512], target[128];
	snprintf(out, sizeof(out), "%s/results", root);
	CHECK_EQ(dmab_mkdir_p(out, 0755), 0);
	CHECK_EQ(dmab_update_latest(out, "run-a"), 0);
	CHECK_EQ(dmab_update_latest(out, "run-b"), 0);
	snprintf(path, sizeof(path), "%s/latest", out);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	CHECK(n > 0);
	target[n > 0 ? n : 0] = 0;
	CHECK_STR(target, "run-b");
	snprintf(path, sizeof(path), "%s/.latest.tmp.%d", out, (int)getpid());
	CHECK_EQ(access(path, F_OK), -1);
	CHECK_EQ(dmab_update_latest("/nonexistent/dir", "x") < 0, 1);

	/* hyperfine.json: one row per command, seconds shown as ms */
	txt = details_of("{\"backends\":[{\"name\":\"direct\",\"files\":{\"hyperfine.json\":{\"results\":["
			 "{\"command\":\"/bin/amt --count 16 --size 4K --nkm\",\"mean\":0.0065,\"stddev\":0.0012,"
			 "\"min\":0.0045,\"max\":0.0116,\"times\":[0.006,0.007]},{}]}}}]}");
	CHECK_CONTAINS(txt, "## hyperfine");
	CHECK_CONTAINS(txt, "| direct | `amt --count 16 --size 4K --nkm` | 2 | 6.50 | 1.20 | 4.50 | 11.60 |");
	CHECK_CONTAINS(txt, "| direct | `-` | 0 | 0.00 |");
	free(txt);

	/* mapbench.json: both ops side by side with the verdict; a skipped run has no rows */
	txt = details_of("{\"backends\":[{\"name\":\"virtio-iommu\",\"files\":{\"mapbench.json\":{\"size\":4096,"
			 "\"dir\":\"bidirectional\",\"map\":{\"dmabench_n\":7029,\"dmabench_median_100ns\":2666,"
			 "\"dmabench_kernel_units\":{\"avg_100ns\":4109},\"kernel_tool_avg_100ns\":4134.7,"
			 "\"diff_100ns\":-25.7,\"diff_se_100ns\":485.1,\"agree_resolution\":false,\"agree_noise\":true},"
			 "\"unmap\":{\"dmabench_n\":7029,\"dmabench_median_100ns\":2568,\"dmabench_kernel_units\":"
			 "{\"avg_100ns\":9},\"kernel_tool_avg_100ns\":10,\"diff_100ns\":-1,\"diff_se_100ns\":0.1,"
			 "\"agree_resolution\":true,\"agree_noise\":true}}}},"
			 "{\"name\":\"direct\",\"files\":{\"mapbench.json\":{\"skipped\":\"no tool\"}}}]}");
	CHECK_CONTAINS(txt, "## dma_map_single: dmabench against the kernel's dma_map_benchmark");
	CHECK_CONTAINS(txt, "| virtio-iommu | map | 4096 | bidirectional | 7029 | 2666 | 4109 | 4134.7 | -25.7 | 970.2 | noise |");
	CHECK_CONTAINS(txt, "| virtio-iommu | unmap | 4096 | bidirectional | 7029 | 2568 | 9 | 10.0 | -1.0 | 0.2 | resolution |");
	CHECK(strstr(txt, "| direct | map") == NULL);
	free(txt);

	/* environment: sha of this repository, host kernel */
	struct dmab_run_info r2 = { 0 };
	char repo[4096];
	dmab_repo_root(repo, sizeof(repo));
	dmab_run_info_env(&r2, repo, 0);
	CHECK(strlen(r2.git_sha) >= 4);
	CHECK(r2.host_kernel[0] != 0);
	CHECK_STR(r2.created, "1970-01-01T00:00:00Z");
	dmab_run_info_env(&r2, "/", 0);
	CHECK_STR(r2.git_sha, "nogit");
	/* summary.md: the answers - each backend's median as a ratio to the direct of the same kernel and
	 * arch (one table per reference), then a link to details.md */
	{
		char *buf = render("{\"backends\":["
			"{\"name\":\"direct\",\"backend\":\"direct\",\"files\":{\"lat.json\":{\"rows\":["
			"{\"op\":\"map_single\",\"attrs\":\"none\",\"size\":4096,\"p50\":100},"
			"{\"op\":\"alloc\",\"attrs\":\"none\",\"size\":4096,\"p50\":40}]}}},"
			"{\"name\":\"intel-strict\",\"backend\":\"intel-strict\",\"files\":{\"lat.json\":{\"rows\":["
			"{\"op\":\"alloc\",\"attrs\":\"none\",\"size\":4096,\"p50\":0,\"errno\":12},"
			"{\"op\":\"map_single\",\"attrs\":\"none\",\"size\":4096,\"p50\":250}]}}},"
			"{\"name\":\"arm64-smmuv3-strict\",\"backend\":\"arm64-smmuv3-strict\",\"files\":{\"lat.json\":{\"rows\":["
			"{\"op\":\"map_single\",\"attrs\":\"none\",\"size\":4096,\"p50\":300}]}}}]}", dmab_summary_write);

		CHECK_CONTAINS(buf, "[details.md](details.md)");
		CHECK_CONTAINS(buf, "| map_single | none | 4K | 100 | 2.50 |");
		CHECK_CONTAINS(buf, "| alloc | none | 4K | 40 | err 12 |");
		/* no arm64-direct in the run: no reference, no column for arm64-smmuv3-strict */
		CHECK_CONTAINS(buf, "| op | attrs | size | direct ns | intel-strict |\n");
		CHECK(!strstr(buf, "## Latency (ns"));	/* the full tables are in details.md */
		free(buf);
	}
	/* several boots: each cell's ratio is the median over its boots, the range in brackets */
	{
		char *buf = render("{\"backends\":["
			"{\"name\":\"direct.b1\",\"cell\":\"direct\",\"boot\":1,\"backend\":\"direct\",\"files\":{\"lat.json\":{\"rows\":["
			"{\"op\":\"map_single\",\"attrs\":\"none\",\"size\":4096,\"p50\":100}]}}},"
			"{\"name\":\"intel-strict.b1\",\"cell\":\"intel-strict\",\"boot\":1,\"backend\":\"intel-strict\",\"files\":{\"lat.json\":{\"rows\":["
			"{\"op\":\"map_single\",\"attrs\":\"none\",\"size\":4096,\"p50\":200}]}}},"
			"{\"name\":\"direct.b2\",\"cell\":\"direct\",\"boot\":2,\"backend\":\"direct\",\"files\":{\"lat.json\":{\"rows\":["
			"{\"op\":\"map_single\",\"attrs\":\"none\",\"size\":4096,\"p50\":110}]}}},"
			"{\"name\":\"intel-strict.b2\",\"cell\":\"intel-strict\",\"boot\":2,\"backend\":\"intel-strict\",\"files\":{\"lat.json\":{\"rows\":["
			"{\"op\":\"map_single\",\"attrs\":\"none\",\"size\":4096,\"p50\":330}]}}}]}", dmab_summary_write);

		CHECK_CONTAINS(buf, "2 boots per VM");
		CHECK_CONTAINS(buf, "| op | attrs | size | direct ns | intel-strict |\n");
		CHECK_CONTAINS(buf, "| map_single | none | 4K | 100 | 2.50 [2.00–3.00] |");
		free(buf);
	}
	return t_done("test_results");
}
