// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm.c - the VM watcher against a fake QEMU: this very binary,
 * re-executed with DMAB_FAKE_QEMU=<scenario>. The fake takes the two
 * "-serial file:PATH" arguments of the real command line and plays a guest:
 * boots (or not), prints progress, sends results, panics, hangs, ...
 * With DMABENCH_HOST=1 it plays the --host runner instead (guest init as a
 * local process: its console is its stdout, results go to DMABENCH_RESULTS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/plan/plan.h"
#include "harness/plan/qemu.h"
#include "lib/test_util.h"
#include "harness/vm/vm.h"

/* ---- the fake QEMU ---- */
static void put(const char *path, const char *s)
{
	FILE *f = fopen(path, "a");
	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

static void send_file(const char *chan, const char *name, const char *body)
{
	char hdr[256];
	snprintf(hdr, sizeof(hdr), "DMABENCH-FILE %s %zu\n", name, strlen(body));
	put(chan, hdr);
	put(chan, body);
}

static int fake_qemu(const char *mode, int argc, char **argv)
{
	const char *con = NULL, *chan = NULL;
	const char *env = "{\"schema\":1,\"uname\":{\"release\":\"6.1.0-fake\"},\"cmdline\":\"x\","
			  "\"mode\":{\"ops\":\"iommu\",\"domain\":\"DMA\",\"matches_expect\":true}}";

	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "-serial") || strncmp(argv[i + 1], "file:", 5))
			continue;
		if (!con)
			con = argv[i + 1] + 5;
		else
			chan = argv[i + 1] + 5;
	}
	if (!con || !chan)
		return 99;
	if (!strcmp(mode, "ignoreterm"))
		signal(SIGTERM, SIG_IGN);
	put(con, "[    0.000000] Linux version 6.1.0-fake\n");
	if (!strcmp(mode, "noboot"))
		return 0;
	if (!strcmp(mode, "boothang"))
		for (;;)
			pause();
	put(con, "[    1.000000] Run /init as init process\ndmabench-init: start\n");
	put(con, "dmabench-progress: test 1/1 mode\n");
	if (!strcmp(mode, "hang") || !strcmp(mode, "ignoreterm"))
		for (;;)
			pause();
	if (!strcmp(mode, "panic") || !strcmp(mode, "panichang")) {
		put(con, "[    2.000000] Kernel panic - not syncing: Attempted to kill init!\n");
		if (!strcmp(mode, "panichang"))
			for (;;)
				pause();
		return 0;
	}
	if (!strcmp(mode, "oops"))
		put(con, "[    2.000000] BUG: unable to handle page fault for address: 0\n");
	if (!strcmp(mode, "warn"))
		put(con, "[    2.000000] WARNING: CPU: 0 PID: 1 at kernel/dma/mapping.c:1 x\n");
	if (!strcmp(mode, "corrupt")) {
		put(chan, "this is not a record\n");
		return 0;
	}
	send_file(chan, "env.json", !strcmp(mode, "badjson") ? "{not json" : env);
	if (!strcmp(mode, "noend"))
		return 0;
	if (!strcmp(mode, "testfail")) {
		send_file(chan, "test.ktap", "KTAP version 1\n1..2\nok 1 a\nnot ok 2 b\n");
		put(chan, "DMABENCH-END 1\n");
		return 0;
	}
	if (!strcmp(mode, "endfail")) {
		send_file(chan, "test.ktap", "KTAP version 1\n1..1\nok 1 a\n");
		put(chan, "DMABENCH-END 2\n");
		return 0;
	}
	if (strcmp(mode, "nofile"))
		send_file(chan, "test.ktap", "KTAP version 1\n1..2\nok 1 a\nok 2 b # SKIP none\n");
	put(chan, "DMABENCH-END 0\n");
	if (!strcmp(mode, "endhang"))
		for (;;)
			pause();
	return 0;
}

/* the --host runner: init's lines on stdout, the results file named by DMABENCH_RESULTS */
static int fake_runner(void)
{
	const char *chan = getenv("DMABENCH_RESULTS");

	if (!chan)
		return 99;
	printf("dmabench-init: start\ndmabench-progress: test 1/1 a\n");
	fflush(stdout);
	send_file(chan, "env.json", "{\"schema\":1,\"host_mode\":true,\"uname\":{\"release\":\"6.1.0-fake\"}}");
	send_file(chan, "test.ktap", "KTAP version 1\n1..1\nok 1 a\n");
	put(chan, "DMABENCH-END 0\n");
	printf("dmabench-init: done status=0\n");
	return 0;
}

/* ---- the tests ---- */
static char self[4096];
static volatile sig_atomic_t stop_flag;

static void on_alarm(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static bool gone(pid_t pid)
{
	return pid > 0 && kill(pid, 0) == -1 && errno == ESRCH;
}

struct res {
	int cls;
	struct dmab_vm vm;
};

static void setup_vm(struct dmab_vm *vm, const char *root, const char *name, const char *mode)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/%s", root, name);
	CHECK_EQ(dmab_mkdir_p(dir, 0755), 0);
	dmab_vm_init(vm, dmab_backend_find("intel-strict"), dir, "test");
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	struct dmab_vm_spec s = {
		.qemu = self, .kernel = "/k", .initrd = "/i", .backend = vm->backend, .job = "test",
		.accel = "tcg", .console_path = vm->console_path, .chan_path = vm->chan_path,
	};
	CHECK_EQ(dmab_qemu_argv(&s, &vm->argv), 0);
	/* the mode travels in the environment of the fake: prefix argv with env */
	char **a = vm->argv;
	int n = 0;
	while (a[n])
		n++;
	char **na = calloc((size_t)n + 3, sizeof(char *));
	na[0] = strdup("/usr/bin/env");
	char m[64];
	snprintf(m, sizeof(m), "DMAB_FAKE_QEMU=%s", mode);
	na[1] = strdup(m);
	memcpy(na + 2, a, (size_t)n * sizeof(char *));
	free(a);
	vm->argv = na;
}

static int run_one(const char *root, const char *mode, double timeout, double boot_timeout, struct dmab_vm *vm)
{
	setup_vm(vm, root, mode, mode);
	struct dmab_runner r = {
		.vms = vm, .n = 1, .parallel = 1, .timeout = timeout, .boot_timeout = boot_timeout,
		.end_grace = 1, .panic_grace = 1, .stop = &stop_flag, .log = NULL,
	};
	return dmab_run_vms(&r);
}

static long fsize(const char *dir, const char *name)
{
	char p[4400];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	struct stat st;
	return stat(p, &st) ? -1 : (long)st.st_size;
}

int main(int argc, char **argv)
{
	const char *mode = getenv("DMAB_FAKE_QEMU");
	struct dmab_vm vm;
	double t0;

	if (mode)
		return fake_qemu(mode, argc, argv);
	if (getenv("DMABENCH_HOST"))
		return fake_runner();
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (l <= 0)
		return 4;
	self[l] = 0;
	const char *root = t_mktemp();

	CHECK_EQ(run_one(root, "ok", 20, 10, &vm), 0);
	CHECK(vm.facts.saw_init && vm.facts.end_seen);
	CHECK(vm.t_init > 0 && vm.t_end_rec > 0);
	CHECK(vm.have_ktap && vm.ktap.passed == 1 && vm.ktap.skipped == 1);
	CHECK_EQ(fsize(vm.dir, "env.json"), (long)strlen("{\"schema\":1,\"uname\":{\"release\":\"6.1.0-fake\"},"
		 "\"cmdline\":\"x\",\"mode\":{\"ops\":\"iommu\",\"domain\":\"DMA\",\"matches_expect\":true}}"));
	CHECK(fsize(vm.dir, "console.log") > 0);
	CHECK_EQ(fsize(vm.dir, "channel.raw"), -1);	/* temp file removed */
	CHECK(gone(vm.qemu_pid));
	dmab_vm_release(&vm);

	CHECK_EQ(run_one(root, "testfail", 20, 10, &vm), 1);
	CHECK_EQ(vm.facts.ktap_failed, 1);
	CHECK_CONTAINS(vm.reason, "not ok");
	dmab_vm_release(&vm);
	CHECK_EQ(run_one(root, "endfail", 20, 10, &vm), 1);
	CHECK_CONTAINS(vm.reason, "status 2");
	dmab_vm_release(&vm);
	CHECK_EQ(run_one(root, "noboot", 20, 10, &vm), 3);
	dmab_vm_release(&vm);
	CHECK_EQ(run_one(root, "panic", 20, 10, &vm), 255);
	CHECK_CONTAINS(vm.reason, "Kernel panic - not syncing");
	dmab_vm_release(&vm);
	CHECK_EQ(run_one(root, "oops", 20, 10, &vm), 5);
	dmab_vm_release(&vm);
	CHECK_EQ(run_one(root, "warn", 20, 10, &vm), 6);
	dmab_vm_release(&vm);
	CHECK_EQ(run_one(root, "noend", 20, 10, &vm), 7);
	CHECK_CONTAINS(vm.reason, "without DMABENCH-END");
	dmab_vm_release(&vm);
	CHECK_EQ(run_one(root, "corrupt", 20, 10, &vm), 7);
	CHECK(fsize(vm.dir, "channel.raw") > 0);	/* kept for diagnosis */
	dmab_vm_release(&vm);
	CHECK_EQ(run_one(root, "badjson", 20, 10, &vm), 7);
	CHECK_CONTAINS(vm.reason, "env.json");
	dmab_vm_release(&vm);
	CHECK_EQ(run_one(root, "nofile", 20, 10, &vm), 7);	/* job test but no test.ktap */
	CHECK_CONTAINS(vm.reason, "test.ktap");
	dmab_vm_release(&vm);

	/* timeout: booted, then hangs; killed by pid, within bounds */
	t0 = dmab_now();
	CHECK_EQ(run_one(root, "hang", 1.5, 10, &vm), 124);
	CHECK(dmab_now() - t0 < 6);
	CHECK(vm.killed);
	CHECK(gone(vm.qemu_pid));
	CHECK(fsize(vm.dir, "console.log") > 0);
	dmab_vm_release(&vm);
	/* boot timeout: never reaches init */
	t0 = dmab_now();
	CHECK_EQ(run_one(root, "boothang", 30, 1, &vm), 3);
	CHECK(vm.facts.boot_timed_out);
	CHECK(dmab_now() - t0 < 6);
	CHECK(gone(vm.qemu_pid));
	dmab_vm_release(&vm);
	/* panic, then QEMU stays: killed after the grace */
	CHECK_EQ(run_one(root, "panichang", 30, 10, &vm), 255);
	CHECK(vm.killed && gone(vm.qemu_pid));
	dmab_vm_release(&vm);
	/* END received but QEMU does not exit: ok, killed after the grace */
	CHECK_EQ(run_one(root, "endhang", 30, 10, &vm), 0);
	CHECK(vm.killed_after_end && gone(vm.qemu_pid));
	dmab_vm_release(&vm);
	/* SIGTERM ignored: SIGKILL after 5 s */
	t0 = dmab_now();
	CHECK_EQ(run_one(root, "ignoreterm", 1, 10, &vm), 124);
	CHECK(dmab_now() - t0 >= 5 && dmab_now() - t0 < 10);
	CHECK(gone(vm.qemu_pid));
	dmab_vm_release(&vm);

	/* setup error: QEMU binary cannot be executed */
	setup_vm(&vm, root, "noexec", "ok");
	free(vm.argv[0]);
	vm.argv[0] = strdup("/nonexistent/env");
	struct dmab_runner r1 = { .vms = &vm, .n = 1, .timeout = 5, .stop = &stop_flag };
	CHECK_EQ(dmab_run_vms(&r1), 2);
	CHECK_CONTAINS(vm.reason, "No such file");
	dmab_vm_release(&vm);

	/* parallel: 3 VMs, 2 at a time, worst class wins */
	struct dmab_vm vms[3];
	setup_vm(&vms[0], root, "p0", "ok");
	setup_vm(&vms[1], root, "p1", "warn");
	setup_vm(&vms[2], root, "p2", "ok");
	struct dmab_runner r2 = { .vms = vms, .n = 3, .parallel = 2, .timeout = 20, .stop = &stop_flag };
	CHECK_EQ(dmab_run_vms(&r2), 6);
	CHECK_EQ(vms[0].cls, 0);
	CHECK_EQ(vms[1].cls, 6);
	CHECK_EQ(vms[2].cls, 0);
	for (int i = 0; i < 3; i++)
		dmab_vm_release(&vms[i]);

	/* stop request (what SIGINT does): running VMs killed, others not started */
	setup_vm(&vms[0], root, "s0", "hang");
	setup_vm(&vms[1], root, "s1", "hang");
	struct dmab_runner r3 = { .vms = vms, .n = 2, .parallel = 1, .timeout = 60, .stop = &stop_flag };
	signal(SIGALRM, on_alarm);
	alarm(1);
	t0 = dmab_now();
	CHECK_EQ(dmab_run_vms(&r3), DMAB_EXIT_INTERRUPTED);
	CHECK(dmab_now() - t0 < 8);
	CHECK(gone(vms[0].qemu_pid));
	CHECK_EQ(vms[1].qemu_pid, 0);	/* never started */
	CHECK_EQ(vms[1].cls, DMAB_EXIT_INTERRUPTED);
	for (int i = 0; i < 2; i++)
		dmab_vm_release(&vms[i]);
	stop_flag = 0;

	/* the --host runner (no backend): its stdout is the console the watcher reads */
	{
		static struct dmab_opts o;
		struct dmab_plan_vm p = { .label = "host" };
		char dir[4200];

		dmab_opts_init(&o);
		o.host = true;
		snprintf(o.runner, sizeof(o.runner), "%s", self);
		snprintf(dir, sizeof(dir), "%s/host", root);
		CHECK_EQ(dmab_mkdir_p(dir, 0755), 0);
		dmab_vm_init(&vm, NULL, dir, "test");
		CHECK_EQ(dmab_plan_command(&o, &p, "host", "test", NULL, NULL, vm.console_path, vm.chan_path, &vm.argv,
					   &vm.env), 0);
		struct dmab_runner r4 = { .vms = &vm, .n = 1, .parallel = 1, .timeout = 20, .boot_timeout = 10,
					  .end_grace = 1, .stop = &stop_flag };
		CHECK_EQ(dmab_run_vms(&r4), 0);
		CHECK(vm.facts.saw_init && vm.facts.end_seen);
		CHECK(vm.have_ktap && vm.ktap.passed == 1);
		CHECK(fsize(vm.dir, "console.log") > 0);
		CHECK_EQ(fsize(vm.dir, "qemu.log"), -1);
		dmab_vm_release(&vm);
	}

	/* no children left behind */
	CHECK_EQ(waitpid(-1, NULL, WNOHANG), -1);
	return t_done("test_vm");
}
