// SPDX-License-Identifier: GPL-2.0
/* vm.c - start and watch VMs. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/cli/opts.h"
#include "harness/plan/qemu.h"
#include "harness/report/scale_summary.h"
#include "lib/util.h"
#include "harness/vm/vm.h"
#include "lib/jobs.h"

void dmab_vm_init(struct dmab_vm *vm, const struct dmab_backend *b, const char *dir, const char *job)
{
	memset(vm, 0, sizeof(*vm));
	vm->backend = b;
	snprintf(vm->name, sizeof(vm->name), "%s", b ? dmab_backend_label(b) : "host");
	snprintf(vm->dir, sizeof(vm->dir), "%s", dir);
	snprintf(vm->console_path, sizeof(vm->console_path), "%s/console.log", dir);
	snprintf(vm->chan_path, sizeof(vm->chan_path), "%s/channel.raw", dir);
	snprintf(vm->log_path, sizeof(vm->log_path), "%s/qemu.log", dir);
	vm->job = job;
	vm->pid = -1;
	vm->con_fd = vm->chan_fd = -1;
	vm->cls = -1;
}

static void vlog(struct dmab_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vlog(struct dmab_vm *vm, const char *fmt, ...)
{
	va_list ap;

	if (!vm->log)
		return;
	fprintf(vm->log, "[%-12s %6.1fs] ", vm->name, vm->t_start ? dmab_now() - vm->t_start : 0.0);
	va_start(ap, fmt);
	vfprintf(vm->log, fmt, ap);
	va_end(ap);
	fputc('\n', vm->log);
	fflush(vm->log);
}

static void con_event(void *arg, enum dmab_con_event ev, const char *line, const struct dmab_progress *pr)
{
	struct dmab_vm *vm = arg;

	switch (ev) {
	case DMAB_CON_INIT:
		vm->t_init = dmab_now();
		vlog(vm, "booted to userspace (dmabench-init: start)");
		break;
	case DMAB_CON_PROGRESS:
		vlog(vm, "%s %lu/%lu %s", pr->job, pr->done, pr->total, pr->text);
		break;
	case DMAB_CON_PANIC:
	case DMAB_CON_OOPS:
	case DMAB_CON_WARN:
		vlog(vm, "kernel: %s", line);
		break;
	default:
		break;
	}
}

/* Read what is new; returns bytes read (0 nothing, <0 error). */
static ssize_t pump(int fd, void (*feed)(struct dmab_vm *, const char *, size_t), struct dmab_vm *vm)
{
	char buf[65536];
	ssize_t total = 0, r;

	if (fd < 0)
		return 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		feed(vm, buf, (size_t)r);
		total += r;
	}
	return r < 0 && errno != EINTR && errno != EAGAIN ? -errno : total;
}

static void feed_con(struct dmab_vm *vm, const char *b, size_t n)
{
	dmab_console_feed(&vm->con, b, n);
}

static void feed_chan(struct dmab_vm *vm, const char *b, size_t n)
{
	bool was_done = vm->chan.state == DMAB_CHAN_DONE;
	bool was_err = vm->chan.state == DMAB_CHAN_ERROR;
	double now = dmab_now();

	if (!vm->t_chan_first)
		vm->t_chan_first = now;
	vm->t_chan_last = now;
	dmab_channel_feed(&vm->chan, b, n);
	if (!was_done && vm->chan.state == DMAB_CHAN_DONE) {
		vm->t_end_rec = now;
		vlog(vm, "results complete: DMABENCH-END %d, %d files, %llu bytes", vm->chan.end_status,
		     vm->chan.nfiles, (unsigned long long)vm->chan.bytes);
	}
	if (!was_err && vm->chan.state == DMAB_CHAN_ERROR)
		vlog(vm, "results channel error: %s", vm->chan.error);
}

static int vm_start(struct dmab_runner *r, struct dmab_vm *vm)
{
	int fd;

	(void)r;
	dmab_console_init(&vm->con, con_event, vm);
	vm->con.skip_known = vm->known_ok;
	dmab_channel_init(&vm->chan, vm->dir);
	/* create both serial files first: QEMU opens them O_TRUNC, we read the same inode */
	for (int i = 0; i < 2; i++) {
		const char *p = i ? vm->chan_path : vm->console_path;
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			goto setup_err;
		close(fd);
	}
	unlink(vm->log_path);
	vm->con_fd = open(vm->console_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	vm->chan_fd = open(vm->chan_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (vm->con_fd < 0 || vm->chan_fd < 0)
		goto setup_err;
	vm->t_start = dmab_now();
	/* QEMU writes the console itself (-serial file:); the --host runner's console is its stdout */
	int ret = dmab_spawn(vm->argv, vm->env, vm->backend ? vm->log_path : vm->console_path, &vm->pid);
	if (ret) {
		errno = -ret;
		goto setup_err;
	}
	vm->state = DMAB_VM_RUNNING;
	vm->qemu_pid = vm->pid;
	vlog(vm, "started QEMU pid %d", (int)vm->pid);
	return 0;
setup_err:
	vm->facts.setup_error = true;
	snprintf(vm->reason, sizeof(vm->reason), "cannot start %s: %s", vm->argv ? vm->argv[0] : "?",
		 strerror(errno));
	vm->state = DMAB_VM_DONE;
	vm->t_exit = dmab_now();
	dmab_vm_finish(vm);
	vlog(vm, "finished: %s (exit %d): %s", dmab_class_name(vm->cls), vm->cls, vm->reason);
	return -1;
}

static bool got_file(const struct dmab_vm *vm, const char *name)
{
	for (int i = 0; i < vm->chan.nfiles; i++)
		if (!strcmp(vm->chan.files[i].name, name))
			return true;
	return false;
}

void dmab_vm_finish(struct dmab_vm *vm)
{
	struct dmab_vm_facts *f = &vm->facts;
	char path[4300], extra[256] = "";

	dmab_console_flush(&vm->con);
	dmab_channel_close(&vm->chan);
	f->saw_init = f->saw_init || vm->con.saw_init;
	f->panic = vm->con.panic;
	f->oops = vm->con.oops;
	f->warn = vm->con.warn;
	f->end_seen = vm->chan.state == DMAB_CHAN_DONE;
	f->channel_error = vm->chan.state == DMAB_CHAN_ERROR;
	f->end_status = vm->chan.end_status;

	if (f->end_seen && !f->setup_error) {
		/* what a complete run must contain */
		if (!got_file(vm, "env.json")) {
			f->channel_error = true;
			snprintf(extra, sizeof(extra), "env.json missing");
		}
		for (size_t i = 0; i < dmab_njobs; i++) {
			const struct dmab_job *j = &dmab_jobs[i];

			if (!vm->job || !dmab_job_has(vm->job, j->name) || got_file(vm, j->result) ||
			    (vm->backend && !dmab_job_on_arch(j, vm->backend->arch)))
				continue;
			if (f->end_status == 0) {
				f->channel_error = true;
				snprintf(extra, sizeof(extra), "%s missing although DMABENCH-END 0", j->result);
			}
		}
	}
	/* every JSON file received, parsed once (run.json embeds them); invalid ones break a complete run */
	for (int i = 0; i < vm->chan.nfiles; i++) {
		const char *n = vm->chan.files[i].name;
		size_t l = strlen(n);
		char *buf = NULL;

		if (l < 5 || strcmp(n + l - 5, ".json") || vm->json[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", vm->dir, n);
		if (dmab_read_file(path, &buf, NULL, 1ULL << 30) == 0)
			vm->json[i] = cJSON_Parse(buf);
		if (!vm->json[i] && f->end_seen && !f->setup_error) {
			f->channel_error = true;
			snprintf(extra, sizeof(extra), "%s is not valid JSON", n);
		} else if (vm->json[i] && !strcmp(n, "scale.json") && f->end_seen) {
			/* the scale job: complete and consistent (structure, never timings) */
			char why[200];

			if (dmab_scale_check(vm->json[i], why, sizeof(why))) {
				f->channel_error = true;
				snprintf(extra, sizeof(extra), "scale.json inconsistent: %s", why);
			}
		}
		free(buf);
	}
	if (got_file(vm, "test.ktap")) {
		char *buf = NULL;
		snprintf(path, sizeof(path), "%s/test.ktap", vm->dir);
		if (dmab_read_file(path, &buf, NULL, 64 << 20) == 0 && dmab_ktap_parse(buf, &vm->ktap) == 0) {
			vm->have_ktap = true;
			f->ktap_failed = vm->ktap.failed;
		}
		free(buf);
	}
	vm->cls = dmab_classify(f);
	vm->ucls = vm->cls;	/* until harness/report/verdicts.c weighs it against the expectations */
	if (vm->reason[0])
		return;
	switch (vm->cls) {
	case DMAB_EXIT_PANIC:
	case DMAB_EXIT_OOPS:
	case DMAB_EXIT_WARN:
		snprintf(vm->reason, sizeof(vm->reason), "%s", vm->con.first_bad);
		break;
	case DMAB_EXIT_BOOT: {
		/* QEMU says why it would not start (bad kernel image, device error) on its stderr */
		char *log = NULL, *last;
		size_t len = 0;

		if (dmab_read_file(vm->log_path, &log, &len, 1 << 16) || !len) {
			free(log);
			log = NULL;
		}
		while (log && len && (log[len - 1] == '\n' || log[len - 1] == '\r'))
			log[--len] = 0;
		last = log ? strrchr(log, '\n') : NULL;
		snprintf(vm->reason, sizeof(vm->reason), "no 'dmabench-init: start' %s%s%.200s",
			 f->boot_timed_out ? "before the boot timeout" : "before QEMU exited",
			 log ? ": " : "", log ? (last ? last + 1 : log) : "");
		free(log);
		break;
	}
	case DMAB_EXIT_TIMEOUT:
		snprintf(vm->reason, sizeof(vm->reason), "still running at the timeout");
		break;
	case DMAB_EXIT_RESULTS:
		snprintf(vm->reason, sizeof(vm->reason), "%s",
			 vm->chan.state == DMAB_CHAN_ERROR ? vm->chan.error :
			 extra[0] ? extra : "QEMU exited without DMABENCH-END");
		break;
	case DMAB_EXIT_TESTFAIL:
		if (f->ktap_failed)
			snprintf(vm->reason, sizeof(vm->reason), "%d test(s) not ok", f->ktap_failed);
		else
			snprintf(vm->reason, sizeof(vm->reason), "DMABENCH-END status %d", f->end_status);
		break;
	case DMAB_EXIT_INTERRUPTED:
		snprintf(vm->reason, sizeof(vm->reason), "interrupted");
		break;
	default:
		break;
	}
}

static void vm_kill(struct dmab_vm *vm)
{
	if (vm->pid > 0) {
		vm->wait_status = dmab_kill_wait(vm->pid, 5.0);
		vm->pid = -1;
		vm->killed = true;
	}
}

static void vm_done(struct dmab_runner *r, struct dmab_vm *vm)
{
	(void)r;
	vm->t_exit = dmab_now();
	pump(vm->con_fd, feed_con, vm);
	pump(vm->chan_fd, feed_chan, vm);
	if (vm->con_fd >= 0)
		close(vm->con_fd);
	if (vm->chan_fd >= 0)
		close(vm->chan_fd);
	vm->con_fd = vm->chan_fd = -1;
	vm->state = DMAB_VM_DONE;
	dmab_vm_finish(vm);
	/* the raw channel is a temp file, kept only when it is what went wrong */
	if (vm->cls != DMAB_EXIT_RESULTS)
		unlink(vm->chan_path);
	vlog(vm, "finished: %s (exit %d) in %.1f s%s%s", dmab_class_name(vm->cls), vm->cls,
	     vm->t_exit - vm->t_start, vm->reason[0] ? ": " : "", vm->reason);
}

/* One poll of a running VM. Returns true if anything moved. */
static bool vm_poll(struct dmab_runner *r, struct dmab_vm *vm)
{
	double now = dmab_now();
	ssize_t a = pump(vm->con_fd, feed_con, vm);
	ssize_t b = pump(vm->chan_fd, feed_chan, vm);
	pid_t w = waitpid(vm->pid, &vm->wait_status, WNOHANG);

	if (w == vm->pid) {
		vm->pid = -1;
		vm_done(r, vm);
		return true;
	}
	if (r->stop && *r->stop) {
		vm->facts.interrupted = true;
		vm_kill(vm);
		vm_done(r, vm);
		return true;
	}
	double el = now - vm->t_start;
	if (!vm->con.saw_init && el > r->boot_timeout) {
		vlog(vm, "no 'dmabench-init: start' after %.0f s: killing pid %d", r->boot_timeout, (int)vm->pid);
		vm->facts.boot_timed_out = true;
		vm_kill(vm);
		vm_done(r, vm);
		return true;
	}
	if (el > r->timeout) {
		vlog(vm, "timeout (%.0f s): killing pid %d", r->timeout, (int)vm->pid);
		vm->facts.timed_out = true;
		vm_kill(vm);
		vm_done(r, vm);
		return true;
	}
	if (r->poll_cb && r->poll_cb(vm, r->poll_arg)) {
		vlog(vm, "hung (no progress): killing pid %d", (int)vm->pid);
		vm->facts.timed_out = true;
		vm_kill(vm);
		vm_done(r, vm);
		return true;
	}
	if (vm->t_end_rec && now - vm->t_end_rec > r->end_grace) {
		vlog(vm, "QEMU still running %.0f s after DMABENCH-END: killing pid %d", r->end_grace, (int)vm->pid);
		vm->killed_after_end = true;
		vm_kill(vm);
		vm_done(r, vm);
		return true;
	}
	if ((vm->con.panic || vm->chan.state == DMAB_CHAN_ERROR) && !vm->facts.timed_out) {
		if (!vm->t_bad)
			vm->t_bad = now;
		if (now - vm->t_bad > r->panic_grace) {
			vlog(vm, "%s, QEMU still running: killing pid %d",
			     vm->con.panic ? "kernel panic" : "results channel broken", (int)vm->pid);
			vm_kill(vm);
			vm_done(r, vm);
			return true;
		}
	}
	return a > 0 || b > 0;
}

int dmab_run_vms(struct dmab_runner *r)
{
	int worst = DMAB_EXIT_OK, running = 0, next = 0, done = 0;

	if (r->end_grace <= 0)
		r->end_grace = 15;
	if (r->panic_grace <= 0)
		r->panic_grace = 10;
	if (r->boot_timeout <= 0)
		r->boot_timeout = r->timeout < 300 ? r->timeout : 300;
	if (r->parallel < 1)
		r->parallel = 1;
	for (int i = 0; i < r->n; i++)
		r->vms[i].log = r->log;

	while (done < r->n) {
		bool moved = false;

		while (running < r->parallel && next < r->n && !(r->stop && *r->stop)) {
			struct dmab_vm *vm = &r->vms[next++];
			if (vm_start(r, vm) == 0)
				running++;
			else
				done++;
		}
		if (r->stop && *r->stop) {
			/* never started ones count as interrupted */
			while (next < r->n) {
				struct dmab_vm *vm = &r->vms[next++];
				vm->facts.interrupted = true;
				vm->state = DMAB_VM_DONE;
				dmab_vm_finish(vm);
				done++;
			}
		}
		for (int i = 0; i < r->n; i++) {
			struct dmab_vm *vm = &r->vms[i];
			if (vm->state != DMAB_VM_RUNNING)
				continue;
			moved |= vm_poll(r, vm);
			if (vm->state == DMAB_VM_DONE) {
				running--;
				done++;
			}
		}
		if (done < r->n)
			dmab_sleep_ms(moved ? 50 : 200);
	}
	for (int i = 0; i < r->n; i++)
		worst = dmab_class_worse(worst, r->vms[i].cls);
	return worst;
}

void dmab_vm_release(struct dmab_vm *vm)
{
	if (vm->pid > 0)
		vm_kill(vm);
	if (vm->con_fd >= 0)
		close(vm->con_fd);
	if (vm->chan_fd >= 0)
		close(vm->chan_fd);
	vm->con_fd = vm->chan_fd = -1;
	dmab_channel_close(&vm->chan);
	dmab_ktap_free(&vm->ktap);
	free(vm->verdicts);
	vm->verdicts = NULL;
	vm->nverdicts = 0;
	for (int i = 0; i < DMAB_CHAN_MAX_FILES; i++) {
		cJSON_Delete(vm->json[i]);
		vm->json[i] = NULL;
	}
	dmab_argv_free(vm->argv);
	dmab_argv_free(vm->env);
	vm->argv = vm->env = NULL;
}
