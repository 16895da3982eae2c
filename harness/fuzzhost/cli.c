// SPDX-License-Identifier: GPL-2.0
/* cli.c - `dmabench fuzz` / `replay`: options (the VM options are the run table's), the run folder, the shared memory, the command. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "harness/fuzzhost/fz.h"
#include "harness/plan/kconfig.h"
#include "harness/plan/plan.h"
#include "harness/report/results.h"
#include "harness/vm/exitcodes.h"
#include "lib/util.h"

volatile sig_atomic_t g_fz_stop;

static void fz_on_signal(int sig)
{
	(void)sig;
	g_fz_stop = 1;
}

/* ------------------------------------------------------------------ options */

static void fz_usage(FILE *f)
{
	fprintf(f,
"usage: dmabench fuzz [--backend B] [--time DUR] [--hang S] [--corpus DIR] [--max-restarts N] [--no-panic-on-warn]\n"
"                     [--kernel PATH] [--initrd PATH] [--append WORDS] [--out DIR] [--qemu PATH] [--quiet]\n"
"       dmabench replay FILE [--minimize] [--repeat N] [--no-klog] [--backend B] [--kernel PATH] [--initrd PATH]\n"
"                       [--append WORDS] [--out DIR]\n"
"  fuzz: a libFuzzer campaign in VMs of one backend (default direct) for DUR of fuzzing (60, 90s, 10m; default\n"
"        60s; boots come on top),\n"
"        restarting the VM after kernel crashes and hangs (--hang, default 30 s without progress);\n"
"        writes <out>/<run-id>/{corpus/,findings/<id>/{input,console.log,report.txt},fuzz.json,summary.md}.\n"
"        --no-panic-on-warn: a WARN is judged by the kernel-log oracle (known reports tallied, the others\n"
"        findings), not a VM death; the default on kernels with DMA-API debugging, whose reports are WARNs.\n"
"        Kernels without KASAN boot with slab poisoning (" FZ_SLAB_POISON "), KASAN kernels with 5-level paging\n"
"        with " FZ_KASAN_NO5LVL " (a KASAN false positive otherwise). VMs get --smp 2 unless given.\n"
"        --corpus DIR: start from DIR instead of fuzz/corpus. Exit 0 no findings, else the most severe\n"
"        finding's class as for `dmabench run`: 6 WARN/DMA-API, 5 BUG/KASAN, 255 panic, 124 hang, 1 oracle;\n"
"        10 when the campaign ran no program, or fewer than %d per boot over 3 or more boots (it says why).\n"
"  replay: boots one VM, runs FILE (same kernel command line as fuzz), exits with its class (0 clean);\n"
"        --minimize: op-level delta debugging (oracle findings in the guest; crashes with one VM boot per\n"
"        candidate, at most 64), writes FILE.min. --repeat N [--no-klog]: run it N times, print programs/s.\n",
		FZ_MIN_PROGRAMS_PER_BOOT);
}

static int parse_dur(const char *s, double *out)
{
	char *e;
	double v = strtod(s, &e);

	if (e == s || v <= 0)
		return -EINVAL;
	if (!strcmp(e, "m"))
		v *= 60;
	else if (!strcmp(e, "h"))
		v *= 3600;
	else if (*e && strcmp(e, "s"))
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * What the kernel's config says about the command line: DMA-API debugging
 * reports are WARNs, so such a kernel boots without panic_on_warn and the
 * kernel-log oracle judges each WARN against the known reports; a kernel
 * without KASAN gets slab poisoning, so corruption shows.
 */
static void kernel_features(struct fz *z)
{
	const char *kernel = dmab_opts_paths(&z->o, dmab_arch_find(z->o.backends[0]->arch))->kernel;
	char cfg[4096];
	bool have_cfg = !dmab_kernel_config_path(kernel, cfg, sizeof(cfg));

	if (z->warn_no_panic)
		snprintf(z->warn_why, sizeof(z->warn_why), "--no-panic-on-warn");
	else if (have_cfg && dmab_config_file_has(cfg, "CONFIG_DMA_API_DEBUG") == 1) {
		z->warn_no_panic = true;
		snprintf(z->warn_why, sizeof(z->warn_why), "the kernel has DMA-API debugging (its reports are WARNs)");
	}
	if (!(have_cfg && dmab_config_file_has(cfg, "CONFIG_KASAN") == 1) && !strstr(z->o.append, "slub_debug") &&
	    !strstr(z->o.append, "init_on_free"))
		snprintf(z->poison, sizeof(z->poison), "%s", FZ_SLAB_POISON);
	if (have_cfg && dmab_config_file_has(cfg, "CONFIG_KASAN") == 1 &&
	    dmab_config_file_has(cfg, "CONFIG_X86_5LEVEL") == 1 && !strstr(z->o.append, "no5lvl"))
		snprintf(z->paging, sizeof(z->paging), "%s", FZ_KASAN_NO5LVL);
	if (!z->quiet && (z->warn_why[0] || z->poison[0]))
		fprintf(stderr, "dmabench: %s: %s%s%s%s%s\n", z->replay_file ? "replay" : "fuzz",
			z->warn_why[0] ? "no panic_on_warn (" : "", z->warn_why, z->warn_why[0] ? "): the kernel-log oracle "
			"judges WARNs, known reports are tallied" : "", z->warn_why[0] && z->poison[0] ? "; " : "",
			z->poison[0] ? "slab poisoning " FZ_SLAB_POISON " (no KASAN)" : "");
}

static int fz_parse(struct fz *z, int argc, char **argv)
{
	char err[1024];
	bool fuzz = !strcmp(argv[0], "fuzz"), replay = !fuzz;
	const struct dmab_job *job = dmab_job_find("fuzz");

	z->time_s = 60;
	z->hang_s = 30;
	z->max_restarts = 50;
	dmab_opts_init(&z->o);
	z->o.cmd = DMAB_CMD_RUN;
	snprintf(z->o.job, sizeof(z->o.job), "fuzz");
	z->o.backend_list = "direct";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fz_usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--no-panic-on-warn")) {
			z->warn_no_panic = true;
		} else if (!strcmp(a, "--minimize") && replay) {
			z->minimize = true;
		} else if (!strcmp(a, "--no-klog") && replay) {
			z->no_klog = true;
		} else if (!strcmp(a, "--repeat") && v && replay) {
			z->repeat = (unsigned int)strtoul(v, NULL, 10);
			i++;
		} else if (a[0] != '-' && replay && !z->replay_file) {
			z->replay_file = a;
		} else if (!strcmp(a, "--time") && v && fuzz) {
			if (parse_dur(v, &z->time_s)) {
				fprintf(stderr, "dmabench: fuzz: bad --time '%s' (60, 90s, 10m, 1h)\n", v);
				return -EINVAL;
			}
			i++;
		} else if (!strcmp(a, "--hang") && v && fuzz) {
			if (parse_dur(v, &z->hang_s)) {
				fprintf(stderr, "dmabench: fuzz: bad --hang '%s'\n", v);
				return -EINVAL;
			}
			i++;
		} else if (!strcmp(a, "--max-restarts") && v && fuzz) {
			z->max_restarts = atoi(v);
			i++;
		} else if (!strcmp(a, "--corpus") && v && fuzz) {
			z->corpus_in = v;
			i++;
		} else if ((r = dmab_opts_parse_one(&z->o, DMAB_OPT_FUZZ, argc, argv, &i, err, sizeof(err))) != 0) {
			if (r < 0) {
				fprintf(stderr, "dmabench: %s: %s\n", argv[0], err);
				return -EINVAL;
			}
		} else {
			fprintf(stderr, "dmabench: %s: unknown option %s%s\n", argv[0], a, v ? "" : " (or it needs a value)");
			return -EINVAL;
		}
	}
	z->quiet = z->o.quiet;
	if (replay && !z->replay_file) {
		fprintf(stderr, "dmabench: replay: which FILE?\n");
		return -EINVAL;
	}
	if (z->replay_file && !dmab_is_file(z->replay_file) && !dmab_is_dir(z->replay_file)) {
		fprintf(stderr, "dmabench: replay: %s: no such file or folder\n", z->replay_file);
		return -EINVAL;
	}
	if (z->replay_file && z->minimize && dmab_is_dir(z->replay_file)) {
		fprintf(stderr, "dmabench: replay: --minimize takes one file, not a folder\n");
		return -EINVAL;
	}
	if (dmab_opts_finish(&z->o, err, sizeof(err)) || dmab_opts_resolve(&z->o, err, sizeof(err))) {
		fprintf(stderr, "dmabench: %s: %s\n", argv[0], err);
		return -EINVAL;
	}
	if (z->o.nbackends != 1 || !dmab_job_on_arch(job, z->o.backends[0]->arch)) {
		fprintf(stderr, "dmabench: %s: give exactly one backend of %s (the libFuzzer target is built for "
			"those only)\n", argv[0], job->arches);
		return -EINVAL;
	}
	if (!z->o.smp)
		z->o.smp = 2;	/* a program's threads really overlap */
	kernel_features(z);
	return 0;
}

static int make_dir(struct fz *z, const char *what)
{
	struct dmab_run_info ri;
	time_t t = time(NULL);
	char id[96];

	memset(&ri, 0, sizeof(ri));
	dmab_run_info_env(&ri, z->o.repo, t);
	dmab_run_id(t, ri.git_sha, id, sizeof(id));
	if (dmab_mkdir_p(z->o.out, 0755))
		return -EIO;
	for (int k = 1; k < 100; k++) {
		snprintf(z->rundir, sizeof(z->rundir), "%s/%s-%s%s%d", z->o.out, id, what, k > 1 ? "-" : "", k > 1 ? k : 0);
		if (k == 1)
			snprintf(z->rundir, sizeof(z->rundir), "%s/%s-%s", z->o.out, id, what);
		if (!mkdir(z->rundir, 0755))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static int map_shm(struct fz *z)
{
	int fd;

	snprintf(z->shm_path, sizeof(z->shm_path), "%s/.shm", z->rundir);
	fd = open(z->shm_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, FZ_SHM_SIZE)) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	z->shm_base = mmap(NULL, FZ_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (z->shm_base == MAP_FAILED)
		return -errno;
	z->shm = (struct fz_shm *)z->shm_base;
	return 0;
}

static void unmap_shm(struct fz *z)
{
	if (z->shm_base && z->shm_base != MAP_FAILED)
		munmap(z->shm_base, FZ_SHM_SIZE);
	z->shm_base = NULL;
	unlink(z->shm_path);
}

int dmab_cmd_fuzz(int argc, char **argv)
{
	struct fz *z = calloc(1, sizeof(*z));
	struct sigaction sa = { .sa_handler = fz_on_signal };
	int ret;

	if (!z)
		return DMAB_EXIT_USAGE;
	if (fz_parse(z, argc, argv)) {
		free(z);
		return DMAB_EXIT_USAGE;
	}
	if (z->o.dry_run) {	/* the first boot's QEMU command line */
		struct dmab_vm vm;
		char args[128];

		snprintf(z->rundir, sizeof(z->rundir), "%s/<run-id>", z->o.out);
		snprintf(z->shm_path, sizeof(z->shm_path), "%s/.shm", z->rundir);
		z->boot = 1;
		snprintf(args, sizeof(args), z->replay_file ? "--shm auto" : "--time %.0f --shm auto", z->time_s + 5);
		ret = boot_vm(z, args, &vm, 0);
		dmab_vm_release(&vm);
		free(z);
		return ret ? DMAB_EXIT_USAGE : DMAB_EXIT_OK;
	}
	if (make_dir(z, z->replay_file ? "replay" : "fuzz") || map_shm(z)) {
		fprintf(stderr, "dmabench: %s: cannot create the results folder or shared memory in %s: %s\n",
			argv[0], z->o.out, strerror(errno));
		free(z);
		return DMAB_EXIT_USAGE;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	z->t0 = dmab_now();
	z->deadline = z->t0 + z->time_s;
	ret = z->replay_file ? cmd_replay(z) : cmd_campaign(z);
	unmap_shm(z);
	free(z);
	return ret;
}
