// SPDX-License-Identifier: GPL-2.0
/* qemu.c - QEMU command lines, start, version, KVM probe. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/plan/qemu.h"
#include "lib/jobs.h"
#include "lib/util.h"

int dmab_kernel_cmdline(const struct dmab_vm_spec *s, char *out, size_t len)
{
	const struct dmab_backend *b = s->backend;
	const struct dmab_arch *a = dmab_arch_find(b->arch);
	const struct dmab_topology *t = s->topology ? s->topology : dmab_topology_default();
	int n = snprintf(out, len, "%s%s%s DMABENCH_JOB=%s DMABENCH_BACKEND=%s "
			 "DMABENCH_EXPECT_OPS=%s DMABENCH_EXPECT_DOMAIN=%s%s%s%s%s%s%s",
			 a->cmdline, b->cmdline[0] ? " " : "", b->cmdline, s->job, dmab_backend_label(b),
			 b->expect_ops, b->expect_domain,
			 b->dev_kind ? " DMABENCH_DEV_KIND=" : "", b->dev_kind ? b->dev_kind : "",
			 b->expect_coherent ? " DMABENCH_EXPECT_COHERENT=" : "",
			 b->expect_coherent ? b->expect_coherent : "",
			 a->results_dev ? " DMABENCH_RESULTS=" : "", a->results_dev ? a->results_dev : "");

	if (n >= 0 && (size_t)n < len && t && t->modparams)
		n += snprintf(out + n, len - (size_t)n, " %s", t->modparams);
	for (size_t i = 0; i < dmab_njobs && t; i++)	/* the share job's roles A, B, C */
		if (dmab_jobs[i].topology_roles && dmab_job_has(s->job, dmab_jobs[i].name) && n >= 0 && (size_t)n < len)
			n += snprintf(out + n, len - (size_t)n, " %s=\"--topology %s %s\"", dmab_jobs[i].args_env,
				      t->name, t->share_args);
	for (size_t i = 0; i < dmab_njobs; i++)	/* the jobs' own words (test: slab poisoning) */
		if (dmab_jobs[i].cmdline && dmab_job_has(s->job, dmab_jobs[i].name) && n >= 0 && (size_t)n < len)
			n += snprintf(out + n, len - (size_t)n, " %s", dmab_jobs[i].cmdline);
	if (n >= 0 && (size_t)n < len && s->append && s->append[0])
		n += snprintf(out + n, len - (size_t)n, " %s", s->append);
	return (n < 0 || (size_t)n >= len) ? -ENOSPC : 0;
}

struct argv_b {
	char **v;
	size_t n, cap;
	int err;
};

static void add(struct argv_b *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct argv_b *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (a->err)
		return;
	if (a->n + 2 > a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 32;
		char **nv = realloc(a->v, nc * sizeof(*nv));
		if (!nv) {
			a->err = -ENOMEM;
			return;
		}
		a->v = nv;
		a->cap = nc;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		a->err = -ENOMEM;
		va_end(ap);
		return;
	}
	va_end(ap);
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

int dmab_qemu_argv(const struct dmab_vm_spec *s, char ***argv)
{
	const struct dmab_arch *arch = dmab_arch_find(s->backend->arch);
	struct argv_b a = { 0 };
	char cmdline[2048];
	const struct dmab_topology *t = s->topology ? s->topology : dmab_topology_default();
	int mem_mb = s->mem_mb ? s->mem_mb : t->mem_mb;

	*argv = NULL;
	if (dmab_kernel_cmdline(s, cmdline, sizeof(cmdline)))
		return -ENOSPC;
	add(&a, "%s", s->qemu);
	add(&a, "-accel");
	add(&a, "%s", s->accel);
	add(&a, "-machine");
	if (t->machine_props)
		add(&a, "%s,%s", s->backend->machine, t->machine_props);
	else
		add(&a, "%s", s->backend->machine);
	add(&a, "-cpu");
	add(&a, "max");
	add(&a, "-m");
	if (!mem_mb || mem_mb % 1024 == 0)
		add(&a, "%dG", mem_mb ? mem_mb / 1024 : 1);
	else
		add(&a, "%dM", mem_mb);
	add(&a, "-smp");
	add(&a, "%d", s->smp > 0 ? s->smp : 1);
	add(&a, "-nographic");
	add(&a, "-no-reboot");
	add(&a, "-nodefaults");
	add(&a, "-kernel");
	add(&a, "%s", s->kernel);
	add(&a, "-initrd");
	add(&a, "%s", s->initrd);
	add(&a, "-append");
	add(&a, "%s", cmdline);
	add(&a, "-serial");
	add(&a, "file:%s", s->console_path);
	if (arch->results == DMAB_RESULTS_VIRTCONSOLE) {
		add(&a, "-chardev");
		add(&a, "file,id=dmabres,path=%s", s->chan_path);
	} else {
		add(&a, "-serial");
		add(&a, "file:%s", s->chan_path);
	}
	/* IOMMU (and other backend devices) strictly before the edu devices */
	for (int i = 0; i < DMAB_MAX_QEMU_DEVICES && s->backend->devices[i]; i++) {
		add(&a, "-device");
		add(&a, "%s", s->backend->devices[i]);
	}
	/* the topology's test devices (default: two DMAB_EDU_DEVICE) */
	for (int i = 0; i < DMAB_TOPO_MAX_DEVICES && t->devices[i]; i++) {
		add(&a, "-device");
		add(&a, "%s", t->devices[i]);
	}
	if (arch->results == DMAB_RESULTS_VIRTCONSOLE) {
		add(&a, "-device");
		add(&a, "virtio-serial-pci");
		add(&a, "-device");
		add(&a, "virtconsole,chardev=dmabres");
	}
	for (int i = 0; s->extra_args && s->extra_args[i]; i++)	/* e.g. the fuzz host's shared memory */
		add(&a, "%s", s->extra_args[i]);
	if (a.err) {
		dmab_argv_free(a.v);
		return a.err;
	}
	*argv = a.v;
	return 0;
}

void dmab_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

static bool needs_quote(const char *s)
{
	if (!*s)
		return true;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:=+@%", *s))
			return true;
	return false;
}

char *dmab_argv_join(char *const argv[])
{
	size_t len = 1;
	char *out, *p;

	for (int i = 0; argv[i]; i++)
		len += strlen(argv[i]) * 4 + 3;
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	for (int i = 0; argv[i]; i++) {
		if (i)
			*p++ = ' ';
		if (!needs_quote(argv[i])) {
			p = stpcpy(p, argv[i]);
			continue;
		}
		*p++ = '\'';
		for (const char *s = argv[i]; *s; s++) {
			if (*s == '\'')
				p = stpcpy(p, "'\\''");
			else
				*p++ = *s;
		}
		*p++ = '\'';
	}
	*p = 0;
	return out;
}

int dmab_qemu_version(const char *qemu, char *out, size_t len)
{
	char *argv[] = { (char *)qemu, "--version", NULL };
	int r = dmab_run_capture(argv, NULL, 10, out, len);

	if (r < 0)
		return r;
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = 0;
	return r == 0 && out[0] ? 0 : -EIO;
}

int dmab_kvm_probe(const char *qemu, const char *kernel, double timeout_s, char *why, size_t len)
{
	char dir[4096], con[4200], log[4200], serial[4300];
	const char *tmp = getenv("TMPDIR");
	char *buf = NULL, *logbuf = NULL;
	int ret = -EIO, status = 0;
	pid_t pid;

	if (access("/dev/kvm", R_OK | W_OK)) {
		snprintf(why, len, "/dev/kvm not usable: %s", strerror(errno));
		return -ENODEV;
	}
	snprintf(dir, sizeof(dir), "%s/dmabench-kvmprobe-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(why, len, "mkdtemp: %s", strerror(errno));
		return -errno;
	}
	snprintf(con, sizeof(con), "%s/console", dir);
	snprintf(log, sizeof(log), "%s/qemu.log", dir);
	snprintf(serial, sizeof(serial), "file:%s", con);
	char *argv[] = { (char *)qemu, "-accel", "kvm", "-machine", "q35", "-cpu", "max", "-m", "256M",
			 "-smp", "1", "-display", "none", "-no-reboot", "-nodefaults",
			 "-kernel", (char *)kernel, "-append", "console=ttyS0 panic=-1",
			 "-serial", serial, NULL };
	ret = dmab_spawn(argv, NULL, log, &pid);
	if (ret) {
		snprintf(why, len, "cannot start %s: %s", qemu, strerror(-ret));
		goto out;
	}
	double end = dmab_now() + timeout_s;
	bool exited = false;
	while (dmab_now() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			exited = true;
			break;
		}
		dmab_sleep_ms(100);
	}
	if (!exited)
		dmab_kill_wait(pid, 5);
	dmab_read_file(con, &buf, NULL, 16 << 20);
	dmab_read_file(log, &logbuf, NULL, 1 << 20);
	if (exited && buf && strstr(buf, "Kernel panic - not syncing")) {
		snprintf(why, len, "kernel reached its no-root panic under KVM");
		ret = 0;
	} else if (!exited) {
		snprintf(why, len, "guest did not reach the no-root panic within %.0f s (KVM hangs)", timeout_s);
		ret = -ETIMEDOUT;
	} else {
		char first[200] = "";
		if (logbuf) {
			snprintf(first, sizeof(first), "%s", logbuf);
			char *nl = strchr(first, '\n');
			if (nl)
				*nl = 0;
		}
		snprintf(why, len, "QEMU exited (status %d) before the kernel booted%s%s",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
			 first[0] ? ": " : "", first);
		ret = -EIO;
	}
out:
	free(buf);
	free(logbuf);
	unlink(con);
	unlink(log);
	rmdir(dir);
	return ret;
}
