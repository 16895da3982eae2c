// SPDX-License-Identifier: GPL-2.0
/* campaign.c - `dmabench fuzz`: boots (planned like every VM), progress, restarts, fuzz.json and summary.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/fuzzhost/fz.h"
#include "harness/report/plot.h"
#include "harness/plan/plan.h"
#include "harness/vm/exitcodes.h"
#include "lib/klog.h"
#include "lib/util.h"

void stat_field(const char *stats, const char *key, char *out, size_t cap)
{
	const char *p = strstr(stats, key);
	size_t k = 0;

	out[0] = 0;
	if (!p)
		return;
	p += strlen(key);
	while (*p && *p != ' ' && k + 1 < cap)
		out[k++] = *p++;
	out[k] = 0;
}

static void progress(struct fz *z, const char *tag)
{
	double now = dmab_now(), dt = now - z->t_last_print;
	uint64_t st = z->shm->started;
	char cov[32], ft[32], corp[32];
	const char *stats = z->shm->stats[0] ? z->shm->stats : z->last_stats;

	stat_field(stats, "cov: ", cov, sizeof(cov));
	stat_field(stats, "ft: ", ft, sizeof(ft));
	stat_field(stats, "corp: ", corp, sizeof(corp));
	fprintf(stderr, "fuzz %s %4.0f/%.0f s boot %u: %llu execs (%.0f/s), cov %s ft %s corp %s, "
		"kernel sig %llu, kcov %s, findings %u, restarts %u%s%s\n",
		z->o.backends[0] ? dmab_backend_label(z->o.backends[0]) : "?", now - z->t0, z->time_s, z->boot,
		(unsigned long long)(z->execs_total + st), dt > 0 ? (double)(st - z->print_started) / dt : 0.0,
		cov[0] ? cov : "-", ft[0] ? ft : "-", corp[0] ? corp : "-",
		(unsigned long long)z->shm->sig_features,
		z->shm->kcov_state > 0 ? "on" : z->shm->kcov_state < 0 ? "absent" : "-", z->nf, z->restarts,
		tag ? " " : "", tag ? tag : "");
	z->t_last_print = now;
	z->print_started = st;
	/* the same figures as a time series for the progress plot (fuzz-progress.png) */
	char path[4400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/progress.tsv", z->rundir);
	f = fopen(path, "ae");
	if (f) {
		if (ftell(f) == 0)
			fprintf(f, "# t_s programs cov ft corpus findings restarts boot event\n");
		fprintf(f, "%.1f %llu %s %s %s %u %u %u %s\n", now - z->t0, (unsigned long long)(z->execs_total + st),
			cov[0] ? cov : "NaN", ft[0] ? ft : "NaN", corp[0] ? corp : "NaN", z->nf, z->restarts, z->boot,
			tag && strstr(tag, "died") ? "restart" : tag ? "end-of-boot" : "-");
		fclose(f);
	}
}

/* Poll callback: progress line every 5 s, hang detection. */
static int watch(struct dmab_vm *vm, void *arg)
{
	struct fz *z = arg;
	double now = dmab_now();
	uint64_t st = z->shm->started;

	if (st != z->last_started) {
		if (!z->last_started && !z->t_first_exec) {
			z->t_first_exec = now;
			/* --time is fuzzing time: this boot (and corpus load) comes on top */
			z->deadline += now - vm->t_start;
			if (z->deadline > z->t0 + 2 * z->time_s + 120)	/* but the wall clock is bounded */
				z->deadline = z->t0 + 2 * z->time_s + 120;
			z->boot_secs += now - vm->t_start;
		}
		z->last_started = st;
		z->t_last_change = now;
	}
	if (z->shm->stats[0])
		snprintf(z->last_stats, sizeof(z->last_stats), "%s", z->shm->stats);
	if (!z->replay_file)
		harvest(z, vm->console_path);	/* findings get their time, corpus entries arrive as they come */
	if (!z->replay_file && !z->shm->stop &&
	    ((z->t_first_exec && now > z->deadline) || now > z->t0 + 2 * z->time_s + 120))
		z->shm->stop = 1;	/* the guest stops libFuzzer and ends the job normally */
	if (!z->quiet && !z->replay_file && now - z->t_last_print >= 5)
		progress(z, NULL);
	/*
	 * a program that started and never finished for hang_s: the kernel is
	 * stuck; no program started for 3 x hang_s: the guest is (between programs)
	 */
	if (st && now - z->t_last_change > (z->shm->running ? z->hang_s : 3 * z->hang_s))
		return 1;
	return 0;
}

/* ----------------------------------------------------------------- one boot */

int boot_vm(struct fz *z, const char *job_args, struct dmab_vm *vm, double timeout)
{
	char dir[4500], append[2048], shm[4600];
	char *extra[] = { "-object", shm, "-device", "ivshmem-plain,memdev=fzshm", NULL };
	struct dmab_plan_vm plan;
	int worst;

	snprintf(dir, sizeof(dir), "%s/boot-%u", z->rundir, z->boot);
	if (dmab_mkdir_p(dir, 0755))
		return -EIO;
	if (dmab_plan(&z->o, &plan, 1, NULL) != 1)
		return -EINVAL;
	dmab_vm_init(vm, plan.backend, dir, "fuzz");
	vm->known_ok = true;	/* tallied by the guest oracle and the findings scan, not VM failures */
	vm->topology = plan.topology;
	snprintf(append, sizeof(append), "%s%s%s%s%s DMABENCH_FUZZ_ARGS=\"%s\"%s%s",
		 z->warn_no_panic ? FZ_CMDLINE_NO_PANIC_ON_WARN : FZ_CMDLINE, z->poison[0] ? " " : "", z->poison,
		 z->paging[0] ? " " : "", z->paging, job_args, z->o.append[0] ? " " : "", z->o.append);
	snprintf(shm, sizeof(shm), "memory-backend-file,id=fzshm,share=on,mem-path=%s,size=%u", z->shm_path,
		 FZ_SHM_SIZE);
	if (dmab_plan_command(&z->o, &plan, z->o.accel == DMAB_ACCEL_KVM ? "kvm" : "tcg", "fuzz", append, extra,
			      vm->console_path, vm->chan_path, &vm->argv, &vm->env))
		return -ENOMEM;
	if (z->o.dry_run) {
		char *line = dmab_argv_join(vm->argv);

		printf("# %s\n%s\n", plan.label, line ? line : "?");
		free(line);
		return 0;
	}
	z->last_started = 0;
	z->t_last_change = dmab_now();
	z->t_last_print = dmab_now();
	z->print_started = 0;
	z->t_first_exec = 0;
	struct dmab_runner r = {
		.vms = vm, .n = 1, .parallel = 1, .timeout = timeout, .boot_timeout = z->o.boot_timeout,
		.stop = &g_fz_stop, .log = z->quiet ? NULL : stderr, .poll_cb = watch, .poll_arg = z,
	};
	worst = dmab_run_vms(&r);
	return worst;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
	}
	fputc('"', f);
}

static unsigned long long known_total(const struct fz *z)
{
	unsigned long long n = 0;

	for (unsigned int i = 0; i < FUZZ_KNOWN_MAX; i++)
		n += z->known[i];
	return n;
}

/*
 * "boot_leaks": per boot, what the kernel held after its programs minus before them (vmalloc bytes and areas,
 * MemFree after dropping caches: negative = pages not given back) and the module's live objects and open files
 * once the fuzzer had exited (both must be 0). A boot that died first has "valid": false.
 */
static void leaks_json(const struct fz *z, FILE *f)
{
	fprintf(f, "  \"boot_leaks\": [");
	for (unsigned int i = 0; i < z->nleaks; i++) {
		const struct fz_boot_leak *l = &z->leaks[i];

		fprintf(f, "%s\n    {\"boot\": %u, \"valid\": %s", i ? "," : "", l->boot, l->valid ? "true" : "false");
		if (l->valid)
			fprintf(f, ", \"vmalloc_bytes_delta\": %lld, \"vmalloc_areas_delta\": %lld, "
				"\"free_bytes_delta\": %lld, \"live_objects\": %lld, \"open_files\": %lld",
				(long long)l->d.vmalloc_bytes,
				(long long)l->d.vmalloc_areas,
				(long long)l->d.free_bytes, (long long)l->d.live_objects,
				(long long)l->d.open_files);
		fprintf(f, "}");
	}
	fprintf(f, "%s],\n", z->nleaks ? "\n  " : "");
}

static void write_report(struct fz *z, double secs, const char *end_reason)
{
	double fsecs = secs - z->boot_secs > 1 ? secs - z->boot_secs : 1;	/* fuzzing time */
	char p[4500], cov[32] = "", ft[32] = "", corp[32] = "", eps[32] = "";
	int code;
	const char *w = worst_class(z, &code);
	FILE *f;

	if (!strcmp(end_reason, "idle"))
		code = DMAB_EXIT_IDLE;

	stat_field(z->last_stats, "cov: ", cov, sizeof(cov));
	stat_field(z->last_stats, "ft: ", ft, sizeof(ft));
	stat_field(z->last_stats, "corp: ", corp, sizeof(corp));
	stat_field(z->last_stats, "exec/s: ", eps, sizeof(eps));
	snprintf(p, sizeof(p), "%s/fuzz.json", z->rundir);
	f = fopen(p, "we");
	if (f) {
		fprintf(f, "{\n  \"schema\": 1,\n  \"backend\": \"%s\",\n  \"kernel\": \"%s\",\n  \"time_s\": %.0f,\n"
			"  \"seconds\": %.1f,\n  \"boot_seconds\": %.1f,\n  \"boot_deaths\": %u,\n  \"boots\": %u,\n  \"restarts\": %u,\n  \"execs\": %llu,\n"
			"  \"execs_per_sec\": %.1f,\n  \"libfuzzer_exec_per_sec\": %s,\n  \"cov\": %s,\n  \"ft\": %s,\n"
			"  \"execs_after_restart\": %llu,\n  \"corpus\": %u,\n  \"corpus_new\": %u,\n  \"kernel_sig_features\": %llu,\n"
			"  \"kcov\": \"%s\",\n  \"kcov_slots\": %llu,\n  \"end\": \"%s\",\n  \"exit\": %d,\n",
			dmab_backend_label(z->o.backends[0]), dmab_opts_paths(&z->o, dmab_arch_find(z->o.backends[0]->arch))->kernel, z->time_s, secs, z->boot_secs, z->boot_deaths, z->boot, z->restarts,
			z->execs_total, (double)z->execs_total / fsecs, eps[0] ? eps : "0",
			cov[0] ? cov : "0", ft[0] ? ft : "0", z->execs_after_restart, z->corpus_n, z->corpus_new,
			(unsigned long long)z->sig_max,
			z->shm->kcov_state > 0 ? "on" : "absent", (unsigned long long)z->kcov_max, end_reason,
			code);
		fprintf(f, "  \"smp\": %d,\n  \"panic_on_warn\": %s,\n  \"slab_poison\": \"%s\",\n"
			"  \"threaded_programs\": %llu,\n  \"uring_cqes\": %llu,\n  \"faulting_copies\": %llu,\n  \"close_race_reruns\": %llu,\n  \"mask_probes\": %llu,\n"
			"  \"idle_boots\": %u,\n", z->o.smp, z->warn_no_panic ? "false" : "true", z->poison, z->threaded,
			z->cqes, z->faults, z->race_reruns, z->mask_probes, z->idle_boots);
		if (z->idle_why[0]) {
			fprintf(f, "  \"idle_reason\": ");
			json_str(f, z->idle_why);
			fprintf(f, ",\n");
		}
		leaks_json(z, f);
		fprintf(f, "  \"known_reports\": [");
		for (unsigned int i = 0, n = 0; i < dmab_kr_nknown && i < FUZZ_KNOWN_MAX; i++) {
			if (!z->known[i])
				continue;
			fprintf(f, "%s\n    {\"class\": \"%s\", \"count\": %llu, \"text\": ", n++ ? "," : "",
				dmab_kr_known[i].cls, z->known[i]);
			json_str(f, dmab_kr_known[i].text);
			fprintf(f, ", \"cause\": ");
			json_str(f, dmab_kr_known[i].cause);
			fprintf(f, ", \"documented\": ");
			json_str(f, dmab_kr_known[i].documented);
			fprintf(f, "}");
		}
		fprintf(f, "%s],\n  \"findings\": [", known_total(z) ? "\n  " : "");
		for (unsigned int i = 0; i < z->nf; i++) {
			const struct finding *x = &z->f[i];
			char t[620];
			size_t o = 0;

			for (const char *s = x->title; *s && o + 3 < sizeof(t); s++) {	/* JSON string */
				if (*s == '"' || *s == '\\')
					t[o++] = '\\';
				t[o++] = (unsigned char)*s < 0x20 ? ' ' : *s;
			}
			t[o] = 0;
			fprintf(f, "%s\n    {\"id\": \"%s\", \"class\": \"%s\", \"title\": \"%s\", \"count\": %u, "
				"\"boot\": %u, \"first_s\": %.1f, \"input_bytes\": %zu}", i ? "," : "", x->id, x->cls, t,
				x->count, x->boot, x->first_s, x->input_len);
		}
		fprintf(f, "%s]\n}\n", z->nf ? "\n  " : "");
		fclose(f);
	}
	snprintf(p, sizeof(p), "%s/summary.md", z->rundir);
	f = fopen(p, "we");
	if (f) {
		fprintf(f, "# dmabench fuzz: %s\n\n| | |\n|---|---|\n| kernel | `%s` |\n| time | %.0f s (ran %.1f s, %s) |\n"
			"| boots / restarts | %u / %u |\n| programs | %llu (%.0f/s over the campaign; libFuzzer's last: %s/s) |\n"
			"| cov / ft | %s / %s |\n| corpus | %u entries (%u new) |\n| kernel-state signature | %llu features |\n"
			"| KCOV | %s (%llu slots) |\n| findings | %u%s%s |\n\n",
			dmab_backend_label(z->o.backends[0]), dmab_opts_paths(&z->o, dmab_arch_find(z->o.backends[0]->arch))->kernel, z->time_s, secs, end_reason, z->boot, z->restarts,
			z->execs_total, (double)z->execs_total / fsecs, eps[0] ? eps : "?",
			cov[0] ? cov : "?", ft[0] ? ft : "?", z->corpus_n, z->corpus_new,
			(unsigned long long)z->sig_max, z->shm->kcov_state > 0 ? "on" : "absent",
			(unsigned long long)z->kcov_max, z->nf, w ? ", worst " : "", w ? w : "");
		if (z->nf) {
			fprintf(f, "| id | class | count | first report line |\n|---|---|---|---|\n");
			for (unsigned int i = 0; i < z->nf; i++)
				fprintf(f, "| [%s](findings/%s/report.txt) | %s | %u | `%s` |\n", z->f[i].id, z->f[i].id,
					z->f[i].cls, z->f[i].count, z->f[i].title);
		}
		fprintf(f, "\nVMs: %d vCPUs, panic_on_warn %s, slab poisoning %s. Programs on threads %llu, io_uring "
			"completions %llu, ioctls with a faulting struct %llu, reruns of close races %llu, SET_MASK probes %llu.\n", z->o.smp,
			z->warn_no_panic ? "off" : "on", z->poison[0] ? z->poison : "none (KASAN, or given)", z->threaded,
			z->cqes, z->faults, z->race_reruns, z->mask_probes);
		if (z->idle_why[0])
			fprintf(f, "\n**Idle campaign** (exit 10): %s\n", z->idle_why);
		if (z->nleaks) {
			fprintf(f, "\n## What each boot left behind\n\nAfter its programs minus before them; free memory "
				"after dropping caches (negative: pages not given back).\n\n| boot | vmalloc | vmalloc areas | "
				"free memory | live objects | open files |\n|---|---|---|---|---|---|\n");
			for (unsigned int i = 0; i < z->nleaks; i++) {
				const struct fz_boot_leak *l = &z->leaks[i];

				if (!l->valid)
					fprintf(f, "| %u | - | - | - | - | - (the boot died first) |\n", l->boot);
				else
					fprintf(f, "| %u | %+lld B | %+lld | %+lld KiB | %lld | %lld |\n", l->boot,
						(long long)l->d.vmalloc_bytes,
						(long long)l->d.vmalloc_areas,
						(long long)l->d.free_bytes / 1024,
						(long long)l->d.live_objects, (long long)l->d.open_files);
			}
		}
		{
			char note[4600];

			if (!dmab_plot_fuzz_progress(z->rundir, note, sizeof(note)))
				fprintf(f, "\n![programs, coverage and corpus over time, restarts marked](fuzz-progress.png)\n");
			else
				fprintf(f, "\nProgress plot: %s\n", note);
		}
		if (known_total(z)) {
			fprintf(f, "\n## Known reports (tallied, not findings)\n\n| class | count | report | cause | documented |\n"
				"|---|---|---|---|---|\n");
			for (unsigned int i = 0; i < dmab_kr_nknown && i < FUZZ_KNOWN_MAX; i++)
				if (z->known[i])
					fprintf(f, "| %s | %llu | `%s` | %s | %s |\n", dmab_kr_known[i].cls, z->known[i],
						dmab_kr_known[i].text, dmab_kr_known[i].cause, dmab_kr_known[i].documented);
		}
		fclose(f);
	}
}

/* ------------------------------------------------------------------ commands */

int cmd_campaign(struct fz *z)
{
	char args[128], src[4300];
	const char *end = "time";
	struct dmab_home home;
	int fails = 0, code, ret;
	double secs;

	snprintf(z->corpus, sizeof(z->corpus), "%s/corpus", z->rundir);
	dmab_mkdir_p(z->corpus, 0755);
	dmab_home(&home);
	snprintf(src, sizeof(src), "%s", z->corpus_in ? z->corpus_in : home.corpus);
	if (corpus_seed(z, src)) {
		fprintf(stderr, "dmabench: fuzz: corpus %s: %s\n", src, strerror(errno));
		return DMAB_EXIT_USAGE;
	}
	if (!z->quiet)
		fprintf(stderr, "dmabench: fuzz %s for %.0f s, %u corpus entries from %s -> %s\n",
			dmab_backend_label(z->o.backends[0]), z->time_s, z->corpus_n, src, z->rundir);
	z->boot_secs_est = 12;
	while (!g_fz_stop) {
		struct dmab_vm vm;
		double left = z->deadline - dmab_now(), guest;
		bool died;

		if (left < 10) {
			end = "time";
			break;
		}
		guest = left + 5;	/* an upper bound: at the deadline the host sets shm->stop */
		z->boot++;
		if ((ret = shm_prepare(z, FZ_MODE_CAMPAIGN, NULL, 0))) {
			fprintf(stderr, "dmabench: fuzz: shared memory: %s\n", strerror(-ret));
			return DMAB_EXIT_USAGE;
		}
		snprintf(args, sizeof(args), "--time %.0f --shm auto", guest);
		ret = boot_vm(z, args, &vm, guest + z->boot_secs_est + 120);
		if (ret < 0) {
			fprintf(stderr, "dmabench: fuzz: cannot start the VM: %s\n", strerror(-ret));
			return DMAB_EXIT_USAGE;
		}
		if (vm.t_init && z->t_first_exec)
			z->boot_secs_est = z->t_first_exec - vm.t_start + 2;
		harvest(z, vm.console_path);
		died = vm.con.panic || vm.con.oops || (vm.facts.timed_out && vm.con.saw_init) ||
		       (vm.con.saw_init && !vm.facts.end_seen && !vm.facts.interrupted && z->shm->started);
		if (!z->quiet)
			progress(z, died ? "(VM died)" : "(VM done)");
		z->execs_total += z->shm->started;
		if (z->restarts)
			z->execs_after_restart += z->shm->started;
		for (unsigned int k = 0; k < FUZZ_KNOWN_MAX; k++)
			z->known[k] += z->shm->known_hits[k];
		z->threaded += z->shm->threaded;
		z->cqes += z->shm->cqes;
		z->faults += z->shm->faults;
		z->race_reruns += z->shm->race_reruns;
		z->mask_probes += z->shm->mask_probes;
		if (z->nleaks < FZ_MAX_LEAK_BOOTS) {
			struct fz_boot_leak *bl = &z->leaks[z->nleaks++];

			bl->boot = z->boot;
			bl->valid = z->shm->leak_valid == 1;
			bl->d = z->shm->leak_after;
			bl->d.vmalloc_bytes -= z->shm->leak_before.vmalloc_bytes;
			bl->d.vmalloc_areas -= z->shm->leak_before.vmalloc_areas;
			bl->d.free_bytes -= z->shm->leak_before.free_bytes;
		}
		if (z->shm->sig_features > z->sig_max)
			z->sig_max = z->shm->sig_features;
		if (z->shm->kcov_slots > z->kcov_max)
			z->kcov_max = z->shm->kcov_slots;
		if (vm.facts.interrupted || g_fz_stop) {
			end = "interrupted";
			dmab_vm_release(&vm);
			break;
		}
		if (vm.con.saw_init)
			z->boots_init++;
		if (!z->shm->started) {
			z->idle_boots++;
			if (!z->idle_why[0])
				idle_reason(vm.console_path, z->idle_why, sizeof(z->idle_why));
		}
		if (died && !z->shm->started) {
			/* the kernel died before the first program: a boot failure, not a finding */
			fprintf(stderr, "dmabench: fuzz: boot %u: the kernel died before any program (%s: %s); see %s\n",
				z->boot, dmab_class_name(vm.cls), vm.reason, vm.console_path);
			known_scan(z, vm.console_path);	/* a known boot problem is tallied */
			z->boot_deaths++;
			died = false;
			fails++;
		} else if (died) {
			crash(z, &vm);
			fails = 0;
		} else if (!z->shm->started) {
			fprintf(stderr, "dmabench: fuzz: boot %u ran no program (%s: %s); see %s\n", z->boot,
				dmab_class_name(vm.cls), vm.reason, vm.console_path);
			fails++;
		} else {
			fails = 0;
		}
		dmab_vm_release(&vm);
		if (fails >= 3) {
			end = "VM failures";
			break;
		}
		if (!died && z->shm->started && z->deadline - dmab_now() < 20)
			break;	/* ran its time */
		if (died) {
			z->restarts++;
			if ((int)z->restarts > z->max_restarts) {
				end = "max restarts";
				break;
			}
		}
	}
	secs = dmab_now() - z->t0;
	/*
	 * An idle campaign: no program at all, or on average fewer than
	 * FZ_MIN_PROGRAMS_PER_BOOT over 3 or more boots (every boot died early).
	 * Its findings are still reported, but the exit code says it did not fuzz.
	 */
	bool never_booted = !strcmp(end, "VM failures") && !z->boots_init;	/* exit 3: boot failures */
	bool idle = strcmp(end, "interrupted") && !never_booted && (!z->execs_total ||
		    (z->boot >= 3 && z->execs_total < (unsigned long long)FZ_MIN_PROGRAMS_PER_BOOT * z->boot));
	if (idle) {
		char why[sizeof(z->idle_why) + 200];

		if (z->execs_total)
			snprintf(why, sizeof(why), "%llu programs in %u boots (fewer than %d per boot): the boots died early "
				 "(%u findings, %u boot deaths)%s%s", z->execs_total, z->boot, FZ_MIN_PROGRAMS_PER_BOOT, z->nf,
				 z->boot_deaths, z->idle_why[0] ? "; " : "", z->idle_why);
		else
			snprintf(why, sizeof(why), "no program ran in %u boot(s): %s", z->boot,
				 z->idle_why[0] ? z->idle_why : "see the boots' console.log");
		snprintf(z->idle_why, sizeof(z->idle_why), "%.590s", why);
		end = "idle";
	}
	write_report(z, secs, end);
	double fsecs = secs - z->boot_secs > 1 ? secs - z->boot_secs : 1;
	worst_class(z, &code);
	if (idle)
		code = DMAB_EXIT_IDLE;
	{
		char cov[32], corp[32];
		stat_field(z->last_stats, "cov: ", cov, sizeof(cov));
		stat_field(z->last_stats, "corp: ", corp, sizeof(corp));
		printf("fuzz %s: %.0f s, %u boot(s), %u restart(s), %llu programs (%.0f/s), cov %s, corpus %u (%u new), "
		       "kernel sig %llu, kcov %s, %u finding(s), end: %s\n",
		       dmab_backend_label(z->o.backends[0]), secs, z->boot, z->restarts, z->execs_total,
		       (double)z->execs_total / fsecs, cov[0] ? cov : "?", z->corpus_n, z->corpus_new,
		       (unsigned long long)z->sig_max, z->shm->kcov_state > 0 ? "on" : "absent", z->nf, end);
	}
	for (unsigned int i = 0; i < z->nf; i++)
		printf("finding %s %s x%u: %s\n", z->f[i].id, z->f[i].cls, z->f[i].count, z->f[i].title);
	for (unsigned int i = 0; i < dmab_kr_nknown && i < FUZZ_KNOWN_MAX; i++)
		if (z->known[i])
			printf("known %s x%llu (not a finding): %s\n", dmab_kr_known[i].cls, z->known[i], dmab_kr_known[i].text);
	if (idle)
		printf("idle campaign (exit %d): %s\n", DMAB_EXIT_IDLE, z->idle_why);
	printf("results: %s\n", z->rundir);
	if (!strcmp(end, "VM failures"))
		return DMAB_EXIT_BOOT;
	if (!strcmp(end, "interrupted"))
		return DMAB_EXIT_INTERRUPTED;
	return code;
}

/*
 * One VM that replays (or, mode MINIMIZE, minimises in the guest) one
 * input. Returns the finding's exit code (0 clean) and its class in *cls
 * (NULL when clean); *crashed when the VM died or hung on it.
 */
