// SPDX-License-Identifier: GPL-2.0
/* results.c - vm.json, run.json, results/latest. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness/report/jget.h"
#include "harness/report/results.h"
#include "lib/util.h"

int dmab_run_id(time_t t, const char *sha, char *out, size_t len)
{
	struct tm tm;
	char ts[32];

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	int n = snprintf(out, len, "%s-%s", ts, sha && *sha ? sha : "nogit");
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

void dmab_run_info_env(struct dmab_run_info *ri, const char *repo, time_t t)
{
	char *argv[] = { "git", "rev-parse", "--short", "HEAD", NULL };
	struct utsname u;
	struct tm tm;

	if (dmab_run_capture(argv, repo, 10, ri->git_sha, sizeof(ri->git_sha)) != 0 || !ri->git_sha[0])
		snprintf(ri->git_sha, sizeof(ri->git_sha), "nogit");
	dmab_chomp(ri->git_sha);
	if (uname(&u) == 0) {
		snprintf(ri->host_kernel, sizeof(ri->host_kernel), "%s", u.release);
		snprintf(ri->host_uname, sizeof(ri->host_uname), "%s %s %s %s", u.sysname, u.release,
			 u.version, u.machine);
	}
	gmtime_r(&t, &tm);
	strftime(ri->created, sizeof(ri->created), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static cJSON *str_array(const char *const *v, int max)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < max && v[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static cJSON *backend_json(const struct dmab_backend *b, const struct dmab_topology *t)
{
	cJSON *o = cJSON_CreateObject();

	if (!b)
		return o;
	cJSON_AddStringToObject(o, "name", b->name);
	cJSON_AddStringToObject(o, "arch", b->arch);
	cJSON_AddStringToObject(o, "machine", b->machine);
	cJSON_AddItemToObject(o, "devices", str_array(b->devices, DMAB_MAX_QEMU_DEVICES));
	/* the topology's devices (default: the two DMAB_EDU_DEVICE of pair) */
	if (!t)
		t = dmab_topology_default();
	cJSON_AddItemToObject(o, "test_devices", str_array(t->devices, DMAB_TOPO_MAX_DEVICES));
	cJSON_AddStringToObject(o, "cmdline", b->cmdline);
	cJSON_AddStringToObject(o, "expect_ops", b->expect_ops);
	cJSON_AddStringToObject(o, "expect_domain", b->expect_domain);
	return o;
}

static void add_num_or_null(cJSON *o, const char *k, bool have, double v)
{
	if (have)
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

cJSON *dmab_vm_json(const struct dmab_vm *vm, const struct dmab_run_info *ri)
{
	cJSON *o = cJSON_CreateObject();
	double win = vm->t_chan_last - vm->t_chan_first;

	cJSON_AddNumberToObject(o, "schema", DMAB_RUN_SCHEMA);
	cJSON_AddStringToObject(o, "name", vm->name);
	cJSON_AddItemToObject(o, "backend", backend_json(vm->backend, vm->topology));
	cJSON_AddStringToObject(o, "topology", (vm->topology ? vm->topology : dmab_topology_default())->name);
	cJSON *argv = cJSON_CreateArray();
	for (char **p = vm->argv; p && *p; p++)
		cJSON_AddItemToArray(argv, cJSON_CreateString(*p));
	cJSON_AddItemToObject(o, "qemu_argv", argv);
	cJSON_AddStringToObject(o, "accel", ri->accel);
	cJSON_AddStringToObject(o, "qemu_version", ri->qemu_version);
	cJSON_AddStringToObject(o, "job", vm->job ? vm->job : "");
	add_num_or_null(o, "boot_to_init_s", vm->t_init > 0, vm->t_init - vm->t_start);
	add_num_or_null(o, "boot_to_end_s", vm->t_end_rec > 0, vm->t_end_rec - vm->t_start);
	add_num_or_null(o, "total_s", vm->t_exit > 0, vm->t_exit - vm->t_start);
	cJSON_AddNumberToObject(o, "results_bytes", (double)vm->chan.bytes);
	/* channel throughput: bytes over the time between the first and last
	 * poll that saw new bytes (50 ms resolution while data flows) */
	cJSON_AddNumberToObject(o, "results_window_s", win > 0 ? win : 0);
	add_num_or_null(o, "results_bytes_per_s", win > 0.05, win > 0.05 ? (double)vm->chan.bytes / win : 0);
	cJSON *files = cJSON_CreateArray();
	for (int i = 0; i < vm->chan.nfiles; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "name", vm->chan.files[i].name);
		cJSON_AddNumberToObject(f, "size", (double)vm->chan.files[i].size);
		cJSON_AddItemToArray(files, f);
	}
	cJSON_AddItemToObject(o, "files", files);
	add_num_or_null(o, "end_status", vm->facts.end_seen, vm->facts.end_status);
	cJSON_AddBoolToObject(o, "saw_init", vm->facts.saw_init);
	cJSON_AddBoolToObject(o, "killed", vm->killed);
	cJSON_AddBoolToObject(o, "killed_after_end", vm->killed_after_end);
	cJSON_AddNumberToObject(o, "exit_code", vm->cls);
	cJSON_AddStringToObject(o, "exit_class", dmab_class_name(vm->cls));
	cJSON_AddStringToObject(o, "reason", vm->reason);
	if (vm->con.first_bad[0])
		cJSON_AddStringToObject(o, "first_kernel_problem", vm->con.first_bad);
	if (vm->have_ktap) {
		cJSON *k = cJSON_CreateObject();
		cJSON_AddNumberToObject(k, "passed", vm->ktap.passed);
		cJSON_AddNumberToObject(k, "failed", vm->ktap.failed);
		cJSON_AddNumberToObject(k, "skipped", vm->ktap.skipped);
		cJSON_AddNumberToObject(k, "missing", vm->ktap.missing);
		/* every skip with its reason: a kernel that lacks a feature is counted, not hidden */
		cJSON *sk = cJSON_AddArrayToObject(k, "skips");
		for (int i = 0; i < vm->ktap.ncases; i++) {
			const struct dmab_ktap_case *c = &vm->ktap.cases[i];

			if (c->result == DMAB_KTAP_SKIP) {
				cJSON *s = cJSON_CreateObject();

				cJSON_AddStringToObject(s, "test", c->name);
				cJSON_AddStringToObject(s, "reason", c->reason);
				cJSON_AddItemToArray(sk, s);
			}
		}
		cJSON_AddItemToObject(o, "ktap", k);
	}
	return o;
}

int dmab_write_json(const char *path, const cJSON *j)
{
	char *s = cJSON_Print(j);
	int r;

	if (!s)
		return -ENOMEM;
	size_t l = strlen(s);
	char *t = malloc(l + 2);
	if (!t) {
		free(s);
		return -ENOMEM;
	}
	memcpy(t, s, l);
	t[l] = '\n';
	t[l + 1] = 0;
	free(s);
	r = dmab_write_file(path, t, l + 1);
	free(t);
	return r;
}

const char *dmab_env_mode(const cJSON *env, char *buf, size_t len)
{
	const cJSON *mode = cJSON_GetObjectItemCaseSensitive(env, "mode");
	const char *ops = jstr(mode, "ops", NULL), *dom = jstr(mode, "domain", NULL);

	if (ops || dom) {
		snprintf(buf, len, "%s/%s", ops ? ops : "-", dom ? dom : "-");
		return buf;
	}
	/* fall back on the iommu group types */
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(env, "iommu_groups");
	if (!cJSON_IsArray(groups))
		return NULL;
	buf[0] = 0;
	const cJSON *g;
	cJSON_ArrayForEach(g, groups) {
		const char *t = jstr(g, "type", NULL);
		if (t && !strstr(buf, t) && strlen(buf) + strlen(t) + 2 < len) {
			if (buf[0])
				strcat(buf, ",");
			strcat(buf, t);
		}
	}
	if (!buf[0])
		snprintf(buf, len, "no-iommu-groups");
	else if (strlen(buf) + 7 < len) {
		memmove(buf + 7, buf, strlen(buf) + 1);
		memcpy(buf, "groups:", 7);
	}
	return buf;
}

cJSON *dmab_run_json(struct dmab_vm *vms, int n, const struct dmab_run_info *ri)
{
	cJSON *o = cJSON_CreateObject(), *env = cJSON_CreateObject(), *bs = cJSON_CreateArray();
	char path[4400];

	cJSON_AddNumberToObject(o, "schema", DMAB_RUN_SCHEMA);
	cJSON_AddStringToObject(o, "tool", "dmabench");
	cJSON_AddStringToObject(o, "run_id", ri->run_id);
	cJSON_AddStringToObject(o, "created", ri->created);
	cJSON_AddNumberToObject(o, "exit_code", ri->exit_code);
	cJSON_AddStringToObject(o, "exit_class", dmab_class_name(ri->exit_code));
	cJSON_AddStringToObject(env, "host_kernel", ri->host_kernel);
	cJSON_AddStringToObject(env, "host_uname", ri->host_uname);
	cJSON_AddStringToObject(env, "git_sha", ri->git_sha);
	cJSON_AddStringToObject(env, "qemu_binary", ri->qemu_binary);
	cJSON_AddStringToObject(env, "qemu_version", ri->qemu_version);
	cJSON_AddStringToObject(env, "accel", ri->accel);
	cJSON_AddStringToObject(env, "accel_note", ri->accel_note);
	cJSON_AddStringToObject(env, "kernel", ri->kernel);
	cJSON_AddStringToObject(env, "initrd", ri->initrd);
	cJSON_AddStringToObject(env, "job", ri->job);
	cJSON_AddNumberToObject(env, "timeout_s", ri->timeout);
	cJSON_AddNumberToObject(env, "parallel", ri->parallel);
	cJSON_AddNumberToObject(env, "smp", ri->smp ? ri->smp : 1);
	if (ri->host_cpus)
		cJSON_AddNumberToObject(env, "host_cpus", ri->host_cpus);
	cJSON_AddItemToObject(o, "env", env);

	for (int i = 0; i < n; i++) {
		struct dmab_vm *vm = &vms[i];
		cJSON *b = cJSON_CreateObject(), *files = cJSON_CreateObject();
		char mode[128];

		cJSON_AddStringToObject(b, "name", vm->name);
		if (vm->backend) {
			cJSON_AddStringToObject(b, "backend", dmab_backend_label(vm->backend));
			cJSON_AddStringToObject(b, "topology",
						(vm->topology ? vm->topology : dmab_topology_default())->name);
		}
		cJSON_AddStringToObject(b, "status", dmab_class_name(vm->cls));
		cJSON_AddNumberToObject(b, "exit_code", vm->cls);
		cJSON_AddStringToObject(b, "reason", vm->reason);
		if (vm->backend) {
			cJSON_AddStringToObject(b, "expect_ops", vm->backend->expect_ops);
			cJSON_AddStringToObject(b, "expect_domain", vm->backend->expect_domain);
		}
		for (int k = 0; k < vm->chan.nfiles; k++) {
			const char *fn = vm->chan.files[k].name;
			size_t l = strlen(fn);
			snprintf(path, sizeof(path), "%s/%s", vm->dir, fn);
			if (l > 5 && !strcmp(fn + l - 5, ".json")) {
				/* parsed by dmab_vm_finish(): the tree moves into run.json */
				cJSON *j = vm->json[k];

				vm->json[k] = NULL;
				cJSON_AddItemToObject(files, fn, j ? j : cJSON_CreateNull());
			} else if (vm->chan.files[k].size <= (16u << 20)) {
				char *buf = NULL;
				if (dmab_read_file(path, &buf, NULL, 16u << 20) == 0) {
					/* as text; the writer keeps it valid JSON */
					cJSON_AddItemToObject(files, fn, cJSON_CreateString(buf));
				}
				free(buf);
			}
		}
		/*
		 * jobs that skipped what the kernel lacks: a result file with "skipped" (the whole
		 * job) or rows with "skipped" (va.json: APIs the kernel does not have), counted
		 */
		cJSON *js = cJSON_CreateArray();
		const cJSON *fj;
		cJSON_ArrayForEach(fj, files) {
			const char *why = jstr(fj, "skipped", NULL);
			const cJSON *row;
			int nrows = 0;

			if (!cJSON_IsObject(fj))
				continue;
			cJSON_ArrayForEach(row, jget(fj, "rows"))
				if (jstr(row, "skipped", NULL)) {
					why = why ? why : jstr(row, "skipped", NULL);
					nrows++;
				}
			if (why) {
				cJSON *s = cJSON_CreateObject();

				cJSON_AddStringToObject(s, "file", fj->string);
				cJSON_AddStringToObject(s, "reason", why);
				cJSON_AddNumberToObject(s, "rows", nrows);
				cJSON_AddItemToArray(js, s);
			}
		}
		if (cJSON_GetArraySize(js))
			cJSON_AddItemToObject(b, "job_skips", js);
		else
			cJSON_Delete(js);
		const cJSON *genv = cJSON_GetObjectItemCaseSensitive(files, "env.json");
		const cJSON *un = cJSON_GetObjectItemCaseSensitive(genv, "uname");
		const char *rel = jstr(un, "release", NULL), *cmd = jstr(genv, "cmdline", NULL);
		if (rel)
			cJSON_AddStringToObject(b, "guest_kernel", rel);
		else
			cJSON_AddNullToObject(b, "guest_kernel");
		if (vm->kernel) {
			/* the kernel axis: its name (table, "default" or the image's file), release, files */
			cJSON *k = cJSON_CreateObject();

			cJSON_AddStringToObject(k, "name", vm->kernel->name);
			cJSON_AddStringToObject(k, "dir", vm->kernel->dir);
			cJSON_AddStringToObject(k, "release", rel ? rel : vm->kernel->release);
			if (vm->kernel->desc)
				cJSON_AddStringToObject(k, "series", vm->kernel->desc->series);
			cJSON_AddStringToObject(k, "image", vm->kernel->image);
			cJSON_AddStringToObject(k, "initrd", vm->kernel->initrd);
			cJSON_AddItemToObject(b, "kernel", k);
		}
		if (cmd)
			cJSON_AddStringToObject(b, "guest_cmdline", cmd);
		else
			cJSON_AddNullToObject(b, "guest_cmdline");
		if (genv && dmab_env_mode(genv, mode, sizeof(mode)))
			cJSON_AddStringToObject(b, "effective_mode", mode);
		else
			cJSON_AddNullToObject(b, "effective_mode");
		const cJSON *gm = cJSON_GetObjectItemCaseSensitive(genv, "mode");
		const cJSON *me = cJSON_GetObjectItemCaseSensitive(gm, "matches_expect");
		if (cJSON_IsBool(me))
			cJSON_AddBoolToObject(b, "mode_matches_expect", cJSON_IsTrue(me));
		if (vm->backend) {
			/* did the guest get the topology's devices and IOMMU groups? */
			const struct dmab_topology *t = vm->topology ? vm->topology : dmab_topology_default();
			char why[256];
			int c = dmab_topology_check(t, vm->backend, genv, why, sizeof(why));
			cJSON *tc = cJSON_CreateObject();

			if (c < 0)
				cJSON_AddNullToObject(tc, "ok");
			else
				cJSON_AddBoolToObject(tc, "ok", c == 1);
			cJSON_AddStringToObject(tc, "detail", why);
			cJSON_AddItemToObject(b, "topology_check", tc);
		}
		cJSON_AddItemToObject(b, "vm", dmab_vm_json(vm, ri));
		cJSON_AddItemToObject(b, "files", files);
		cJSON_AddItemToArray(bs, b);
	}
	cJSON_AddItemToObject(o, "backends", bs);
	return o;
}

int dmab_update_latest(const char *out, const char *run_id)
{
	char tmp[4300], link[4300];

	snprintf(tmp, sizeof(tmp), "%s/.latest.tmp.%d", out, (int)getpid());
	snprintf(link, sizeof(link), "%s/latest", out);
	unlink(tmp);
	if (symlink(run_id, tmp))
		return -errno;
	if (rename(tmp, link)) {
		int e = -errno;
		unlink(tmp);
		return e;
	}
	return 0;
}
