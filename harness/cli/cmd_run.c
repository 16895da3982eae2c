// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_run.c - `dmabench run`: plan the VMs (harness/plan/plan.c), run them
 * (harness/vm/vm.c), write results/<run-id>/ (harness/report/), plot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/cli/commands.h"
#include "harness/cli/opts.h"
#include "harness/plan/plan.h"
#include "harness/plan/qemu.h"
#include "harness/report/plot.h"
#include "harness/report/results.h"
#include "harness/vm/exitcodes.h"
#include "harness/vm/hostmode.h"
#include "harness/vm/vm.h"
#include "lib/util.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* A VM entry of the plan, with its command; 0 or -errno. */
static int vm_prepare(const struct dmab_opts *o, struct dmab_vm *vm, const struct dmab_plan_vm *p,
		      const char *dir, const char *accel)
{
	dmab_vm_init(vm, p->backend, dir, o->job);
	vm->topology = p->topology;
	vm->kernel = p->kernel;
	snprintf(vm->name, sizeof(vm->name), "%s", p->label);
	return dmab_plan_command(o, p, accel, o->job, NULL, NULL, vm->console_path, vm->chan_path, &vm->argv,
				 &vm->env);
}

/* KTAP lines per backend and the count line; returns nothing, prints to stdout. */
static void print_tests(struct dmab_vm *vms, int n)
{
	int pass = 0, fail = 0, skip = 0;

	for (int i = 0; i < n; i++) {
		struct dmab_vm *vm = &vms[i];
		if (vm->have_ktap) {
			for (int k = 0; k < vm->ktap.ncases; k++) {
				const struct dmab_ktap_case *c = &vm->ktap.cases[k];
				printf("%s: %s %d %s%s%s%s\n", vm->name, c->result == DMAB_KTAP_FAIL ? "not ok" : "ok",
				       c->num, c->name, c->result == DMAB_KTAP_SKIP ? " # SKIP" : c->reason[0] ? " #" : "",
				       c->reason[0] ? " " : "", c->reason);
			}
			if (vm->ktap.missing)
				printf("%s: not ok - %d planned test(s) never reported\n", vm->name, vm->ktap.missing);
			pass += vm->ktap.passed;
			fail += vm->ktap.failed;
			skip += vm->ktap.skipped;
		}
		if (vm->cls != DMAB_EXIT_OK && (!vm->have_ktap || vm->ktap.failed == 0)) {
			printf("%s: not ok - VM %s (exit %d)%s%s\n", vm->name, dmab_class_name(vm->cls), vm->cls,
			       vm->reason[0] ? ": " : "", vm->reason);
			fail++;
		}
	}
	printf("%d passed, %d failed, %d skipped\n", pass, fail, skip);
}

/* KVM for the arches that can use it (the host's own), probed with that arch's kernel */
static int choose_accel(const struct dmab_opts *o, struct dmab_run_info *ri)
{
	const struct dmab_arch *kvm_arch = NULL;
	char why[256];

	for (int i = 0; i < o->nbackends && !kvm_arch; i++)
		if (dmab_arch_find(o->backends[i]->arch)->kvm)
			kvm_arch = dmab_arch_find(o->backends[i]->arch);
	if (o->accel == DMAB_ACCEL_TCG || !kvm_arch) {
		snprintf(ri->accel, sizeof(ri->accel), "tcg");
		snprintf(ri->accel_note, sizeof(ri->accel_note), "%s", kvm_arch ? "--accel tcg" : "arm64: TCG");
		return 0;
	}
	if (o->accel == DMAB_ACCEL_KVM) {
		snprintf(ri->accel, sizeof(ri->accel), "kvm");
		snprintf(ri->accel_note, sizeof(ri->accel_note), "--accel kvm (not probed)");
		return 0;
	}
	if (!o->quiet)
		fprintf(stderr, "dmabench: probing KVM (bounded boot, 20 s max)...\n");
	const struct dmab_arch_paths *ap = dmab_opts_paths(o, kvm_arch);
	if (dmab_kvm_probe(ap->qemu, ap->kernel, 20, why, sizeof(why)) == 0) {
		snprintf(ri->accel, sizeof(ri->accel), "kvm");
	} else {
		snprintf(ri->accel, sizeof(ri->accel), "tcg");
	}
	snprintf(ri->accel_note, sizeof(ri->accel_note), "auto: KVM probe: %.200s", why);
	if (!o->quiet)
		fprintf(stderr, "dmabench: accel %s (%s)\n", ri->accel, why);
	return 0;
}

static int write_results(const char *rundir, struct dmab_vm *vms, int n, struct dmab_run_info *ri)
{
	char path[4400];
	int ret = 0;

	for (int i = 0; i < n; i++) {
		cJSON *j = dmab_vm_json(&vms[i], ri);
		snprintf(path, sizeof(path), "%s/vm.json", vms[i].dir);
		if (dmab_write_json(path, j))
			ret = -EIO;
		cJSON_Delete(j);
		/* an empty qemu.log says nothing */
		if (dmab_is_file(vms[i].log_path)) {
			char *b = NULL;
			size_t l = 0;
			if (dmab_read_file(vms[i].log_path, &b, &l, 1 << 20) == 0 && l == 0)
				unlink(vms[i].log_path);
			free(b);
		}
	}
	cJSON *run = dmab_run_json(vms, n, ri);
	snprintf(path, sizeof(path), "%s/run.json", rundir);
	if (dmab_write_json(path, run))
		ret = -EIO;
	snprintf(path, sizeof(path), "%s/summary.md", rundir);
	char tmp[4500];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	if (f) {
		dmab_summary_write(run, f);
		if (fclose(f) || rename(tmp, path)) {
			unlink(tmp);
			ret = -EIO;
		}
	} else {
		ret = -EIO;
	}
	cJSON_Delete(run);
	return ret;
}

static int make_run_dir(const struct dmab_opts *o, struct dmab_run_info *ri, char *rundir, size_t len)
{
	time_t t = time(NULL);
	char id[96];
	int r;

	dmab_run_info_env(ri, o->repo, t);
	dmab_run_id(t, ri->git_sha, id, sizeof(id));
	r = dmab_mkdir_p(o->out, 0755);
	if (r)
		return r;
	for (int k = 1; k < 100; k++) {
		if (k == 1)
			snprintf(ri->run_id, sizeof(ri->run_id), "%s", id);
		else
			snprintf(ri->run_id, sizeof(ri->run_id), "%.80s-%d", id, k);
		snprintf(rundir, len, "%s/%s", o->out, ri->run_id);
		if (mkdir(rundir, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/*
 * run.json's kernel and initrd: the first arch's path, then "<arch>:<path>" for the others; with
 * table kernels "<name>[/<arch>]=<path>" for every kernel of the run
 */
static void describe_paths(const struct dmab_opts *o, struct dmab_run_info *ri)
{
	size_t kl = 0, il = 0;

	ri->kernel[0] = ri->initrd[0] = 0;
	if (o->host) {
		snprintf(ri->kernel, sizeof(ri->kernel), "running");
		snprintf(ri->initrd, sizeof(ri->initrd), "-");
		return;
	}
	if (o->nkernel_descs) {
		for (int i = 0; i < o->nkernels; i++) {
			const struct dmab_kernel *k = &o->kernels[i];
			const char *an = k->arch == &dmab_arches[0] ? "" : k->arch->name;

			kl += (size_t)snprintf(ri->kernel + kl, kl < sizeof(ri->kernel) ? sizeof(ri->kernel) - kl : 0,
					       "%s%s%s%s=%.1500s", kl ? " " : "", k->name, *an ? "/" : "", an, k->image);
			il += (size_t)snprintf(ri->initrd + il, il < sizeof(ri->initrd) ? sizeof(ri->initrd) - il : 0,
					       "%s%s%s%s=%.1500s", il ? " " : "", k->name, *an ? "/" : "", an, k->initrd);
		}
		return;
	}
	for (size_t i = 0; i < dmab_narches; i++) {
		const struct dmab_arch_paths *p = &o->paths[i];
		const char *pre = i ? dmab_arches[i].name : "";

		if (!p->kernel[0])
			continue;
		kl += (size_t)snprintf(ri->kernel + kl, sizeof(ri->kernel) - kl, "%s%s%s%.2000s", kl ? " " : "", pre,
				       i ? ":" : "", p->kernel);
		il += (size_t)snprintf(ri->initrd + il, sizeof(ri->initrd) - il, "%s%s%s%.2000s", il ? " " : "", pre,
				       i ? ":" : "", p->initrd);
		if (kl >= sizeof(ri->kernel) || il >= sizeof(ri->initrd))
			break;
	}
}

/* --dry-run: the command of every planned VM */
static int dry_run(const struct dmab_opts *o, const struct dmab_plan_vm *plan, int n)
{
	const char *accel = o->accel == DMAB_ACCEL_KVM ? "kvm" : "tcg";

	if (o->accel == DMAB_ACCEL_AUTO)
		printf("# --accel auto: KVM is probed at run time; shown with tcg\n");
	for (int i = 0; i < n; i++) {
		struct dmab_vm vm;
		char dir[4300], *line;

		snprintf(dir, sizeof(dir), "%s/<run-id>/%s", o->out, plan[i].label);
		if (vm_prepare(o, &vm, &plan[i], dir, accel)) {
			fprintf(stderr, "dmabench: cannot build the QEMU command line\n");
			return DMAB_EXIT_USAGE;
		}
		line = dmab_argv_join(vm.argv);
		printf("# %s\n%s\n", plan[i].label, line ? line : "?");
		free(line);
		dmab_vm_release(&vm);
	}
	return DMAB_EXIT_OK;
}

static int cmd_run(struct dmab_opts *o)
{
	static struct dmab_plan_vm plan[DMAB_MAX_VMS];
	struct dmab_run_info ri;
	struct dmab_vm *vms;
	char rundir[4300], err[1024];
	int n = 0, worst, ret;
	struct dmab_host_state hs;

	memset(&ri, 0, sizeof(ri));
	if (dmab_opts_resolve(o, err, sizeof(err))) {
		fprintf(stderr, "dmabench: %s\n", err);
		return DMAB_EXIT_USAGE;
	}
	if (o->backend_note[0] && !o->quiet)	/* e.g. virtio-iommu on a kernel without it */
		fprintf(stderr, "dmabench: note: %s\n", o->backend_note);
	if (o->kernel_note[0] && !o->quiet)	/* e.g. debian:5.10 with arm64 backends */
		fprintf(stderr, "dmabench: note: %s\n", o->kernel_note);
	if (o->host && dmab_host_check(o, NULL, NULL, true, err, sizeof(err))) {
		fprintf(stderr, "dmabench: %s\n", err);
		return DMAB_EXIT_USAGE;
	}
	n = dmab_plan(o, plan, DMAB_MAX_VMS, o->quiet ? NULL : stderr);
	if (n <= 0) {
		fprintf(stderr, "dmabench: no selected topology is defined for the selected backends' arches "
			"(see 'dmabench topologies')\n");
		return DMAB_EXIT_USAGE;
	}
	if (o->dry_run)
		return dry_run(o, plan, n);
	vms = calloc((size_t)n, sizeof(*vms));
	if (!vms)
		return DMAB_EXIT_USAGE;

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (o->host) {
		snprintf(ri.accel, sizeof(ri.accel), "host");
		snprintf(ri.accel_note, sizeof(ri.accel_note), "--host: running kernel");
		snprintf(ri.qemu_version, sizeof(ri.qemu_version), "-");
	} else {
		/* the QEMU of the first VM's arch */
		const char *qemu = dmab_opts_paths(o, dmab_arch_find(plan[0].backend->arch))->qemu;

		dmab_find_exe(qemu, ri.qemu_binary, sizeof(ri.qemu_binary));
		if (dmab_qemu_version(qemu, ri.qemu_version, sizeof(ri.qemu_version)))
			snprintf(ri.qemu_version, sizeof(ri.qemu_version), "unknown");
		choose_accel(o, &ri);
		if (g_stop) {
			free(vms);
			return DMAB_EXIT_INTERRUPTED;
		}
	}
	ret = make_run_dir(o, &ri, rundir, sizeof(rundir));
	if (ret) {
		fprintf(stderr, "dmabench: cannot create %s/<run-id>: %s\n", o->out, strerror(-ret));
		free(vms);
		return DMAB_EXIT_USAGE;
	}
	describe_paths(o, &ri);
	snprintf(ri.job, sizeof(ri.job), "%s", o->job);
	ri.timeout = o->timeout;
	ri.parallel = o->jobs;
	ri.smp = o->smp ? o->smp : 1;
	ri.host_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (!o->quiet)
		fprintf(stderr, "dmabench: run %s: %d %s, jobs %s, %d at once, timeout %.0f s -> %s\n", ri.run_id, n,
			o->host ? "host run" : n == 1 ? "backend" : "backends", o->job, o->jobs, o->timeout, rundir);

	for (int i = 0; i < n; i++) {
		char dir[4400];

		snprintf(dir, sizeof(dir), "%s/%s", rundir, plan[i].label);
		if (dmab_mkdir_p(dir, 0755) || vm_prepare(o, &vms[i], &plan[i], dir, ri.accel)) {
			fprintf(stderr, "dmabench: cannot prepare %s\n", dir);
			free(vms);
			return DMAB_EXIT_USAGE;
		}
	}

	struct dmab_runner r = {
		.vms = vms, .n = n, .parallel = o->jobs, .timeout = o->timeout,
		.boot_timeout = o->boot_timeout, .stop = &g_stop, .log = o->quiet ? NULL : stderr,
	};
	if (o->host) {
		if (dmab_host_setup(o, &hs, err, sizeof(err), r.log)) {
			fprintf(stderr, "dmabench: %s\n", err);
			vms[0].facts.setup_error = true;
			snprintf(vms[0].reason, sizeof(vms[0].reason), "%.500s", err);
			vms[0].state = DMAB_VM_DONE;
			dmab_vm_finish(&vms[0]);
			worst = vms[0].cls;
		} else {
			worst = dmab_run_vms(&r);
			dmab_host_teardown(&hs, r.log);
		}
	} else {
		worst = dmab_run_vms(&r);
	}
	ri.exit_code = worst;

	if (write_results(rundir, vms, n, &ri))
		fprintf(stderr, "dmabench: warning: could not write all result files in %s\n", rundir);
	bool plots = false;

	for (size_t i = 0; i < dmab_njobs; i++)
		plots |= dmab_jobs[i].plots && dmab_job_has(o->job, dmab_jobs[i].name);
	if (plots) {
		/* PNGs and their links in summary.md; no gnuplot = a note in summary.md */
		char gp[4200], note[4600];
		size_t npng;

		struct dmab_home home;

		dmab_home(&home);
		snprintf(gp, sizeof(gp), "%s", home.gnuplot);
		if (dmab_plot_run_dir(rundir, gp, &npng, note, sizeof(note)))
			fprintf(stderr, "dmabench: warning: plots: %s\n", note[0] ? note : "failed");
		else if (!o->quiet)
			fprintf(stderr, "dmabench: plots: %s\n", note);
	}
	if (dmab_update_latest(o->out, ri.run_id))
		fprintf(stderr, "dmabench: warning: cannot update %s/latest\n", o->out);

	if (dmab_job_has(o->job, "test"))
		print_tests(vms, n);
	for (int i = 0; i < n; i++) {
		struct dmab_vm *vm = &vms[i];
		printf("%-13s %-16s exit %-3d boot %5.1f s total %6.1f s%s%s\n", vm->name, dmab_class_name(vm->cls),
		       vm->cls, vm->t_init ? vm->t_init - vm->t_start : 0.0,
		       vm->t_exit ? vm->t_exit - vm->t_start : 0.0, vm->reason[0] ? "  " : "", vm->reason);
	}
	printf("summary: %s/summary.md\n", rundir);
	printf("dmabench: exit %d (%s)\n", worst, dmab_class_name(worst));
	for (int i = 0; i < n; i++)
		dmab_vm_release(&vms[i]);
	free(vms);
	return worst;
}

int dmab_cmd_run(int argc, char **argv)
{
	static struct dmab_opts o;
	char err[1024];

	dmab_opts_init(&o);
	if (dmab_opts_parse(&o, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "dmabench: %s\n", err);
		return DMAB_EXIT_USAGE;
	}
	if (o.cmd == DMAB_CMD_HELP) {
		dmab_usage(stdout);
		return 0;
	}
	return cmd_run(&o);
}
