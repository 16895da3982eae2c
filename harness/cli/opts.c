// SPDX-License-Identifier: GPL-2.0
/* opts.c - command line parsing of `dmabench`. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plan/kconfig.h"
#include "harness/plan/qemu.h"
#include "harness/plan/kimage.h"
#include "harness/vm/hostmode.h"
#include "lib/jobs.h"
#include "harness/cli/opts.h"
#include "lib/util.h"

const char *dmab_accel_name(enum dmab_accel a)
{
	return a == DMAB_ACCEL_TCG ? "tcg" : a == DMAB_ACCEL_KVM ? "kvm" : "auto";
}

void dmab_opts_init(struct dmab_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout = 600;
	o->jobs = 1;
	snprintf(o->job, sizeof(o->job), "va,lat");
	snprintf(o->arch, sizeof(o->arch), "%s", dmab_arches[0].name);
	o->backend_list = "all";
	for (size_t i = 0; i < dmab_narches; i++)
		snprintf(o->paths[i].qemu, sizeof(o->paths[i].qemu), "%s", dmab_arch_qemu(&dmab_arches[i]));
}

const struct dmab_arch_paths *dmab_opts_paths(const struct dmab_opts *o, const struct dmab_arch *a)
{
	return &o->paths[dmab_arch_index(a)];
}

static int errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int dmab_bdf_normalize(const char *in, char *out, size_t outlen)
{
	unsigned int dom = 0, bus, dev, fn;
	char tail;

	if (sscanf(in, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) == 4 && strlen(in) == 12) {
		/* full form */
	} else if (sscanf(in, "%x:%x.%x%c", &bus, &dev, &fn, &tail) == 3 && strlen(in) == 7) {
		dom = 0;
	} else {
		return -EINVAL;
	}
	for (const char *p = in; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return -EINVAL;
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(out, outlen, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

static int parse_double(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return (errno || end == s || *end || !(*v > 0) || *v > 1e7) ? -EINVAL : 0;
}

/* Value of "--name value" / "--name=value"; NULL (and err) if missing. */
static const char *optval(int argc, char **argv, int *i, const char *name, char *err, size_t errlen)
{
	const char *a = argv[*i];
	size_t nl = strlen(name);

	if (a[nl] == '=')
		return a + nl + 1;
	if (*i + 1 >= argc) {
		errf(err, errlen, "option %s needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

static bool is_opt(const char *a, const char *name)
{
	size_t nl = strlen(name);

	return !strncmp(a, name, nl) && (a[nl] == 0 || a[nl] == '=');
}

static int set_path(char *dst, const char *v, const char *name, char *err, size_t errlen)
{
	if (!*v)
		return errf(err, errlen, "%s: empty path", name);
	if (strlen(v) >= DMAB_PATH_MAX)
		return errf(err, errlen, "%s: path too long", name);
	strcpy(dst, v);
	return 0;
}

/* ---- the option table ---- */

struct opt {
	const char *name, *alias;	/* "--backend", "-j" */
	const char *arg;		/* value's name in the usage text, NULL: a flag */
	unsigned int scope;		/* enum dmab_opt_scope */
	int (*set)(struct dmab_opts *o, const char *v, char *err, size_t errlen);
	const char *help;		/* usage text; a '\n' continues on an indented line */
};

static int set_backend(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	o->backend_list = v;	/* parsed by dmab_opts_finish(), once --arch is known */
	o->backend_set = true;
	return 0;
}

static int set_arch(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	const char *bad;

	if (strlen(v) >= sizeof(o->arch) || dmab_arch_list_check(v, &bad))
		return errf(err, errlen, "--arch: '%s' is not a comma list of %s", v, dmab_arch_names());
	snprintf(o->arch, sizeof(o->arch), "%s", v);
	return 0;
}

/* --kernel LIST: table names (dmabench kernels) and at most one path; split in dmab_opts_finish() */
static int set_kernel(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	if (!*v || strlen(v) >= sizeof(o->kernel_list))
		return errf(err, errlen, "--kernel: empty or too long");
	snprintf(o->kernel_list, sizeof(o->kernel_list), "%s", v);
	return 0;
}

static int set_no_build(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	(void)v;
	(void)err;
	(void)errlen;
	o->no_build = true;
	return 0;
}

static int set_initrd(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	return set_path(o->given.initrd, v, "--initrd", err, errlen);
}

/* --qemu LIST: table names (dmabench qemus) and at most one path; split in dmab_opts_finish() */
static int set_qemu(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	if (!*v || strlen(v) >= sizeof(o->qemu_list))
		return errf(err, errlen, "--qemu: empty or too long");
	snprintf(o->qemu_list, sizeof(o->qemu_list), "%s", v);
	return 0;
}

static int set_out(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	return set_path(o->out, v, "--out", err, errlen);
}

static int set_module(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	return set_path(o->module, v, "--module", err, errlen);
}

static int set_runner(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	return set_path(o->runner, v, "--runner", err, errlen);
}

static int set_append(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	if (strlen(v) >= sizeof(o->append) || strpbrk(v, "\n\r"))
		return errf(err, errlen, "--append: too long or not one line");
	snprintf(o->append, sizeof(o->append), "%s", v);
	return 0;
}

static int set_timeout(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	if (parse_double(v, &o->timeout))
		return errf(err, errlen, "--timeout: '%s' is not a positive number of seconds", v);
	return 0;
}

static int set_boot_timeout(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	if (parse_double(v, &o->boot_timeout))
		return errf(err, errlen, "--boot-timeout: '%s' is not a positive number of seconds", v);
	return 0;
}

static int set_job(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	if (dmab_job_list_check(v, err, errlen))
		return -EINVAL;
	snprintf(o->job, sizeof(o->job), "%s", v);
	o->job_set = true;
	return 0;
}

static int set_topology(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	o->topology_list = v;
	return 0;
}

static int set_share(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	(void)v;
	(void)err;
	(void)errlen;
	o->share = true;
	return 0;
}

static int set_accel(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	if (!strcmp(v, "auto"))
		o->accel = DMAB_ACCEL_AUTO;
	else if (!strcmp(v, "tcg"))
		o->accel = DMAB_ACCEL_TCG;
	else if (!strcmp(v, "kvm"))
		o->accel = DMAB_ACCEL_KVM;
	else
		return errf(err, errlen, "--accel: '%s' is not auto, tcg or kvm", v);
	return 0;
}

static int set_jobs(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end || n < 1 || n > 64)
		return errf(err, errlen, "--jobs: '%s' is not a number from 1 to 64", v);
	o->jobs = (int)n;
	return 0;
}

static int set_boots(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end || n < 1 || n > 64)
		return errf(err, errlen, "--boots: '%s' is not a number from 1 to 64", v);
	o->boots = (int)n;
	return 0;
}

static int set_smp(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end || n < 1 || n > 64)
		return errf(err, errlen, "--smp: '%s' is not a number of vCPUs from 1 to 64", v);
	o->smp = (int)n;
	return 0;
}

static int set_shard(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	int i, n, len = 0;

	if (sscanf(v, "%d/%d%n", &i, &n, &len) != 2 || v[len] || n < 1 || n > 256 || i < 1 || i > n)
		return errf(err, errlen, "--shard: '%s' is not I/N with 1 <= I <= N <= 256", v);
	o->shard_i = i;
	o->shard_n = n;
	return 0;
}

static int set_dry_run(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	(void)v;
	(void)err;
	(void)errlen;
	o->dry_run = true;
	return 0;
}

static int set_quiet(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	(void)v;
	(void)err;
	(void)errlen;
	o->quiet = true;
	return 0;
}

static int set_host(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	(void)v;
	(void)err;
	(void)errlen;
	o->host = true;
	return 0;
}

static int set_device(struct dmab_opts *o, const char *v, char *err, size_t errlen)
{
	char buf[1024];

	if (strlen(v) >= sizeof(buf))
		return errf(err, errlen, "--device: list too long");
	strcpy(buf, v);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (o->ndevices >= DMAB_MAX_DEVICES)
			return errf(err, errlen, "--device: more than %d devices", DMAB_MAX_DEVICES);
		if (dmab_bdf_normalize(t, o->devices[o->ndevices], sizeof(o->devices[0])))
			return errf(err, errlen, "--device: '%s' is not a PCI address (DDDD:BB:DD.F)", t);
		o->ndevices++;
	}
	return 0;
}

#define R	DMAB_OPT_RUN
#define F	DMAB_OPT_FUZZ
static const struct opt opts[] = {
	{ "--backend", NULL, "B,...|all", R | F, set_backend,
	  "backends to run (default all; see 'dmabench backends')" },
	{ "--arch", NULL, "LIST", R, set_arch,
	  "arches whose backends --backend names: x86_64 (default), arm64, x86_64,arm64;\n"
	  "--kernel/--initrd/--qemu apply to arm64 when x86_64 is not in LIST" },
	{ "--kernel", NULL, "K,...", R | F, set_kernel,
	  "guest kernels: debian:5.10, debian:6.1, debian:6.12, debian:6.12-16k (arm64;\n"
	  "see 'dmabench kernels': fetched and built when missing) and/or one PATH (a\n"
	  "kernel image, with --initrd); every backend runs on each kernel of its arch\n"
	  "(default: newest /boot/vmlinuz-*-amd64, build/arm64/kernel for arm64)" },
	{ "--no-build", NULL, NULL, R | F, set_no_build,
	  "do not fetch or build a --kernel debian:* kernel: fail with the command instead" },
	{ "--initrd", NULL, "PATH", R | F, set_initrd, "initramfs (default: <repo>/build/x86_64/initramfs.cpio)" },
	{ "--out", NULL, "DIR", R | F, set_out,
	  "results folder (default: <repo>/results, installed: ./results); writes DIR/<run-id>/, DIR/latest" },
	{ "--timeout", NULL, "S", R, set_timeout, "wall clock limit per VM in seconds (default 600)" },
	{ "--append", NULL, "WORDS", R | F, set_append,
	  "extra guest kernel command line, e.g. 'dmabench.slow_op=4 dmabench.slow_pct=10\n"
	  "DMABENCH_LAT_ARGS=\"--sizes=4K --repeat=4\"' (module params, job arguments)" },
	{ "--boot-timeout", NULL, "S", R | F, set_boot_timeout,
	  "limit to reach 'dmabench-init: start' (default min(timeout, 300))" },
	{ "--job", NULL, "LIST", R, set_job, NULL },	/* usage: one line per job (lib/jobs.c) */
	{ "--topology", NULL, "T,...|all", R, set_topology,
	  "device topologies (default pair; see 'dmabench topologies'): one VM per\n"
	  "backend x topology, results in <run-id>/<backend>@<topology>/ (pair: <backend>/)" },
	{ "--share", NULL, NULL, R, set_share,
	  "buffer-sharing matrix: job share (added to --job) on every backend x topology\n"
	  "(topologies default all); the table is in summary.md" },
	{ "--accel", NULL, "auto|tcg|kvm", R | F, set_accel,
	  "auto: KVM only if a bounded probe boot works, else TCG (default auto)" },
	{ "--jobs", "-j", "N", R, set_jobs, "VMs run at once (default 1)" },
	{ "--boots", NULL, "N", R, set_boots,
	  "boots of every backend x topology x kernel (default 1), interleaved: boot 1 of\n"
	  "every VM, then boot 2 ... (--kernel A,B: A B A B); results in <label>.b<k>/" },
	{ "--smp", NULL, "N", R | F, set_smp,
	  "vCPUs per VM (default 1, fuzz 2; under TCG only as many run at once as the host has cores)" },
	{ "--qemu", NULL, "Q,...", R | F, set_qemu,
	  "emulators: debian:7.2, debian:10.0 (see 'dmabench qemus': fetched when missing)\n"
	  "and/or one PATH (a QEMU binary); every backend runs on each, except where a\n"
	  "backend needs a newer QEMU (said, not booted) (default qemu-system-x86_64, or\n"
	  "$DMABENCH_QEMU)" },
	{ "--shard", NULL, "I/N", R, set_shard,
	  "run the I-th of N parts of the plan (every N-th VM from the I-th); 'dmabench merge' joins them" },
	{ "--dry-run", NULL, NULL, R | F, set_dry_run, "print the QEMU command lines and exit 0" },
	{ "--quiet", "-q", NULL, R | F, set_quiet, "no progress lines" },
	{ "--host", NULL, NULL, R, set_host, "run the job on the running kernel (root), not in VMs:" },
	{ "--device", NULL, "BDF,...", R, set_device,
	  "PCI functions to bind to dmabench (driver_override); no others are touched" },
	{ "--module", NULL, "PATH", R, set_module,
	  "dmabench.ko built for `uname -r` (default <repo>/build/host-kmod/dmabench.ko;\n"
	  "installed: DKMS's /lib/modules/`uname -r`/updates/dkms/dmabench.ko*)" },
	{ "--runner", NULL, "PATH", R, set_runner,
	  "the job runner (default <repo>/build/x86_64/initramfs/init; installed: <prefix>/lib/dmabench/runner/init)" },
};
#undef R
#undef F

int dmab_opts_parse_one(struct dmab_opts *o, unsigned int scope, int argc, char **argv, int *i,
			char *err, size_t errlen)
{
	const char *a = argv[*i], *v = NULL;

	for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		const struct opt *p = &opts[k];

		if (!(p->scope & scope) || !(is_opt(a, p->name) || (p->alias && !strcmp(a, p->alias))))
			continue;
		bool alias = p->alias && !strcmp(a, p->alias);

		if (p->arg && !(v = optval(argc, argv, i, alias ? p->alias : p->name, err, errlen)))
			return -EINVAL;
		if (!p->arg && !alias && strcmp(a, p->name))
			return errf(err, errlen, "option %s takes no value", p->name);
		return p->set(o, v, err, errlen) ? -EINVAL : 1;
	}
	return 0;
}

void dmab_opts_usage(FILE *f, unsigned int scope)
{
	for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		const struct opt *p = &opts[k];
		/* --device, --module, --runner are --host's: indented under it */
		bool sub = !strcmp(p->name, "--device") || !strcmp(p->name, "--module") || !strcmp(p->name, "--runner");
		char head[64];
		const char *h;

		if (!(p->scope & scope))
			continue;
		snprintf(head, sizeof(head), "%s%s%s%s%s%s", sub ? "  " : "", p->name, p->alias ? ", " : "",
			 p->alias ? p->alias : "", p->arg ? " " : "", p->arg ? p->arg : "");
		if (p->alias && p->arg)	/* "--jobs N, -j N" */
			snprintf(head, sizeof(head), "%s %s, %s %s", p->name, p->arg, p->alias, p->arg);
		if (!p->help) {		/* --job: the job table */
			fprintf(f, "  %-20s guest jobs, a comma list (default va,lat):\n", head);
			for (size_t i = 0; i < dmab_njobs; i++)
				fprintf(f, "    %-10s %s%s%s%s\n", dmab_jobs[i].name, dmab_jobs[i].help,
					dmab_jobs[i].arches ? " [" : "", dmab_jobs[i].arches ? dmab_jobs[i].arches : "",
					dmab_jobs[i].arches ? " only]" : "");
			continue;
		}
		fprintf(f, "  %-20s ", head);
		for (h = p->help; *h; h++) {
			fputc(*h, f);
			if (*h == '\n')
				fprintf(f, "  %-20s ", "");
		}
		fputc('\n', f);
	}
}

/* ---- parsing ---- */

int dmab_opts_parse(struct dmab_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	err[0] = 0;
	o->cmd = DMAB_CMD_RUN;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->cmd = DMAB_CMD_HELP;
			return 0;
		}
		r = dmab_opts_parse_one(o, DMAB_OPT_RUN, argc, argv, &i, err, errlen);
		if (r < 0)
			return r;
		if (r == 0)
			return errf(err, errlen, a[0] == '-' ? "run: unknown option '%s' (try 'dmabench --help')" :
				    "run: unexpected argument '%s'", a);
	}
	return dmab_opts_finish(o, err, errlen);
}

int dmab_opts_finish(struct dmab_opts *o, char *err, size_t errlen)
{
	const char *bad;
	int n;

	if (o->ndevices && !o->host)
		return errf(err, errlen, "--device is only valid with --host");
	if (o->host && o->backend_set)
		return errf(err, errlen, "--host runs on the running kernel: --backend does not apply");
	if (o->host && o->dry_run)
		return errf(err, errlen, "--dry-run does not apply to --host");
	if (o->host && o->shard_n)
		return errf(err, errlen, "--shard does not apply to --host (one run on the running kernel)");
	if (o->host && (o->topology_list || o->share))
		return errf(err, errlen, "--host runs on the running kernel's devices: --topology and --share do not apply");
	if (o->host)
		return 0;
	n = dmab_backend_parse_list_arch(o->backend_list, o->arch, o->backends, DMAB_MAX_BACKENDS, &bad);
	if (n == -E2BIG)
		return errf(err, errlen, "--backend: too many backends");
	if (n < 0)
		return errf(err, errlen, bad && *bad ? "--backend: unknown backend '%s' (see 'dmabench backends')" :
			    "--backend: empty list%s", bad ? bad : "");
	o->nbackends = n;
	o->backend_all = dmab_list_has(o->backend_list, "all");
	if (o->share && !dmab_job_has(o->job, "share")) {
		/* --share = job share (added to an explicit --job list) */
		size_t l = o->job_set ? strlen(o->job) : 0;
		if (l + 7 > sizeof(o->job))
			return errf(err, errlen, "--job: list too long");
		snprintf(o->job + l, sizeof(o->job) - l, "%sshare", l ? "," : "");
	}
	n = dmab_topology_parse_list(o->topology_list ? o->topology_list : o->share ? "all" : DMAB_TOPO_DEFAULT,
				     o->topologies, DMAB_MAX_TOPOLOGIES, &bad);
	if (n == -E2BIG)
		return errf(err, errlen, "--topology: too many topologies");
	if (n < 0)
		return errf(err, errlen, "--topology: %s%s%s (known: all, %s; see 'dmabench topologies')",
			    *bad ? "unknown topology '" : "empty or malformed list", bad, *bad ? "'" : "",
			    dmab_topology_names());
	o->ntopologies = n;
	/* --kernel: table names, and one path (the first arch's kernel, as --initrd is) */
	o->nkernel_descs = 0;
	o->given.kernel[0] = 0;
	if (o->kernel_list[0]) {
		char buf[sizeof(o->kernel_list)];

		snprintf(buf, sizeof(buf), "%s", o->kernel_list);
		for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			const struct dmab_kernel_desc *d = dmab_kernel_desc_find(t);

			if (d) {
				for (int k = 0; k < o->nkernel_descs; k++)
					if (o->kernel_descs[k] == d)
						return errf(err, errlen, "--kernel: %s given twice", t);
				if (o->nkernel_descs >= DMAB_MAX_KERNELS)
					return errf(err, errlen, "--kernel: too many kernels");
				o->kernel_descs[o->nkernel_descs++] = d;
			} else if (!strchr(t, '/') && !strncmp(t, "debian", 6)) {
				return errf(err, errlen, "--kernel: unknown kernel '%s' (known: %s; or a path)", t,
					    dmab_kernel_desc_names());
			} else if (o->given.kernel[0]) {
				return errf(err, errlen, "--kernel: one path at most (%s, %s)", o->given.kernel, t);
			} else {
				snprintf(o->given.kernel, sizeof(o->given.kernel), "%s", t);
			}
		}
		if (o->given.initrd[0] && !o->given.kernel[0])
			return errf(err, errlen, "--initrd goes with a kernel path; a debian:* kernel has its own "
				    "initramfs (build/<kernel>/<arch>/)");
	}
	/* --qemu: table names, and one path (the first arch's binary, as --kernel PATH is) */
	o->nqemu_descs = 0;
	o->qemu_set = false;
	o->given.qemu[0] = 0;
	if (o->qemu_list[0]) {
		char buf[sizeof(o->qemu_list)];

		snprintf(buf, sizeof(buf), "%s", o->qemu_list);
		for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			const struct dmab_qemu_desc *d = dmab_qemu_desc_find(t);

			if (d) {
				for (int k = 0; k < o->nqemu_descs; k++)
					if (o->qemu_descs[k] == d)
						return errf(err, errlen, "--qemu: %s given twice", t);
				if (o->nqemu_descs >= DMAB_MAX_QEMUS - 1)
					return errf(err, errlen, "--qemu: too many emulators");
				o->qemu_descs[o->nqemu_descs++] = d;
			} else if (!strchr(t, '/') && !strncmp(t, "debian", 6)) {
				return errf(err, errlen, "--qemu: unknown emulator '%s' (known: %s; or a path)", t,
					    dmab_qemu_desc_names());
			} else if (o->qemu_set) {
				return errf(err, errlen, "--qemu: one path at most (%s, %s)", o->given.qemu, t);
			} else {
				if (set_path(o->given.qemu, t, "--qemu", err, errlen))
					return -EINVAL;
				o->qemu_set = true;
			}
		}
	}
	/* --kernel PATH/--initrd/--qemu: the first arch of --arch in table order */
	for (size_t i = 0; i < dmab_narches; i++) {
		struct dmab_arch_paths *p = &o->paths[i];

		if (!dmab_arch_in(o->arch, dmab_arches[i].name))
			continue;
		memcpy(p->kernel, o->given.kernel, sizeof(p->kernel));
		memcpy(p->initrd, o->given.initrd, sizeof(p->initrd));
		if (o->qemu_set)
			memcpy(p->qemu, o->given.qemu, sizeof(p->qemu));
		break;
	}
	return 0;
}

/* Default kernel, initrd and QEMU of one arch, and checks; 0 or -ENOENT with a message. */
static int resolve_arch(struct dmab_opts *o, const struct dmab_arch *a, char *err, size_t errlen)
{
	struct dmab_arch_paths *p = &o->paths[dmab_arch_index(a)];
	bool first = a == &dmab_arches[0];	/* its messages name no arch */
	char dir[DMAB_PATH_MAX], path[DMAB_PATH_MAX + 64];

	if (!p->kernel[0]) {
		if (a->kernel_dir[0] == '/')
			snprintf(dir, sizeof(dir), "%s", a->kernel_dir);
		else
			snprintf(dir, sizeof(dir), "%.4000s/%s", o->repo, a->kernel_dir);
		if (dmab_newest_match(dir, "vmlinuz-", a->kernel_suffix, p->kernel, sizeof(p->kernel))) {
			snprintf(err, errlen, "no %s%skernel: %s/vmlinuz-*%s not found (%s; or %s%s%s--kernel PATH)",
				 first ? "" : a->name, first ? "" : " ", dir, a->kernel_suffix, a->kernel_from,
				 first ? "" : "--arch ", first ? "" : a->name, first ? "" : " ");
			return -ENOENT;
		}
	}
	if (!dmab_is_file(p->kernel)) {
		snprintf(err, errlen, "%s%skernel %s: not found", first ? "" : a->name, first ? "" : " ", p->kernel);
		return -ENOENT;
	}
	if (!p->initrd[0]) {
		/* a kernel of the repo whose initramfs is known boots with it (make kernel: the debug kernel's) */
		char *kreal = realpath(p->kernel, NULL);

		for (size_t i = 0; kreal && i < sizeof(a->paired) / sizeof(a->paired[0]) && a->paired[i].kernel; i++) {
			char *preal;

			snprintf(path, sizeof(path), "%.4000s/%s", o->repo, a->paired[i].kernel);
			preal = realpath(path, NULL);
			if (preal && !strcmp(preal, kreal)) {
				snprintf(p->initrd, sizeof(p->initrd), "%.4000s/%s", o->repo, a->paired[i].initrd);
				if (!o->quiet && !o->dry_run)
					fprintf(stderr, "dmabench: kernel %s boots with its own initramfs %s\n", p->kernel,
						p->initrd);
			}
			free(preal);
		}
		free(kreal);
	}
	if (!p->initrd[0])
		snprintf(p->initrd, sizeof(p->initrd), "%.4000s/%s", o->repo, a->initrd);
	if (!dmab_is_file(p->initrd)) {
		snprintf(err, errlen, "%s%sinitramfs %s: not found (run '%s' or pass %s%s--initrd)",
			 first ? "" : a->name, first ? "" : " ", p->initrd, a->initrd_make,
			 first ? "" : "--arch ", first ? "" : a->name);
		return -ENOENT;
	}
	{	/* a kernel that would refuse the initramfs's module: stop before booting */
		char krel[128], mrel[128];

		if (!dmab_bzimage_release(p->kernel, krel, sizeof(krel)) &&
		    !dmab_initrd_module_release(p->initrd, mrel, sizeof(mrel)) && strcmp(krel, mrel)) {
			snprintf(err, errlen, "%s%skernel %s is %s, but the dmabench.ko in initramfs %s is built for %s: "
				 "the kernel would refuse it; pass the kernel's own initramfs with --initrd%s%s",
				 first ? "" : a->name, first ? "" : " ", p->kernel, krel, p->initrd, mrel,
				 a->paired[0].kernel ? " (make kernel: " : "", a->paired[0].kernel ? "build/kernel/bzImage "
				 "goes with build/kernel/x86_64/initramfs.cpio)" : "");
			return -EINVAL;
		}
	}
	if (dmab_find_exe(p->qemu, path, sizeof(path))) {
		snprintf(err, errlen, "QEMU binary '%s' not found (install %s with 'make deps', or set %s%s)",
			 p->qemu, a->qemu_pkg, a->qemu_env, first ? " / --qemu" : "");
		return -ENOENT;
	}
	return 0;
}

/*
 * The run's kernels: per wanted arch (table order) the default or the
 * --kernel path when no table kernel is named or the path is this arch's,
 * then the table kernels in --kernel order that exist for the arch. The
 * arch's paths[].kernel/initrd become its first kernel's (KVM probe,
 * kernel config checks). Table kernels are fetched and built here unless
 * --dry-run.
 */
static int resolve_kernels(struct dmab_opts *o, const bool want[], char *err, size_t errlen)
{
	size_t nl = 0;
	const char *first_arch = NULL;
	int r;

	o->nkernels = 0;
	o->kernel_note[0] = 0;
	for (size_t i = 0; i < dmab_narches; i++)
		if (dmab_arch_in(o->arch, dmab_arches[i].name)) {
			first_arch = dmab_arches[i].name;
			break;
		}
	for (size_t i = 0; i < dmab_narches; i++) {
		const struct dmab_arch *a = &dmab_arches[i];
		struct dmab_arch_paths *p = &o->paths[i];
		bool path_here = o->given.kernel[0] && first_arch && !strcmp(first_arch, a->name);
		int before = o->nkernels;

		if (!want[i])
			continue;
		if (!o->nkernel_descs || path_here) {
			struct dmab_kernel *k = &o->kernels[o->nkernels++];

			memset(k, 0, sizeof(*k));
			k->arch = a;
			if ((r = resolve_arch(o, a, err, errlen)))
				return r;
			snprintf(k->image, sizeof(k->image), "%s", p->kernel);
			snprintf(k->initrd, sizeof(k->initrd), "%s", p->initrd[0] ? p->initrd : a->initrd);
			if (path_here) {
				const char *b = strrchr(p->kernel, '/');

				snprintf(k->name, sizeof(k->name), "%s", b ? b + 1 : p->kernel);
				snprintf(k->dir, sizeof(k->dir), "custom");
			} else {
				snprintf(k->name, sizeof(k->name), "default");
				snprintf(k->dir, sizeof(k->dir), "default");
			}
		}
		for (int d = 0; d < o->nkernel_descs; d++) {
			const struct dmab_kernel_desc *kd = o->kernel_descs[d];

			if (!dmab_arch_in(kd->arches, a->name)) {
				nl += (size_t)snprintf(o->kernel_note + nl, nl < sizeof(o->kernel_note) ?
						       sizeof(o->kernel_note) - nl : 0, "%s%s exists for %s only: "
						       "not run on %s", nl ? "; " : "", kd->name, kd->arches, a->name);
				continue;
			}
			if (o->nkernels >= DMAB_MAX_KERNELS)
				return errf(err, errlen, "--kernel: too many kernels x arches");
			struct dmab_kernel *k = &o->kernels[o->nkernels++];

			if (dmab_kernel_locate(k, kd, a, o->repo) && o->dry_run)	/* fetched by a real run */
				snprintf(k->image, sizeof(k->image), "<%s %s: not fetched yet>", kd->name, a->name);
		}
		if (o->nkernels == before)
			return errf(err, errlen, "--kernel %s: no kernel for %s (%s)", o->kernel_list, a->name,
				    o->kernel_note);
		if (!o->paths[i].kernel[0] || !path_here) {
			/* the arch's first kernel stands for it (KVM probe, kernel config) */
			snprintf(p->kernel, sizeof(p->kernel), "%s", o->kernels[before].image);
			snprintf(p->initrd, sizeof(p->initrd), "%s", o->kernels[before].initrd);
		}
	}
	/* labels get the kernel when the run has several (by name: one kernel on two arches is one) */
	o->kernel_suffix = false;
	for (int k = 1; k < o->nkernels; k++)
		if (strcmp(o->kernels[k].name, o->kernels[0].name))
			o->kernel_suffix = true;
	if (o->dry_run)
		return 0;
	return dmab_opts_prepare_kernels(o, o->quiet ? NULL : stderr, err, errlen);
}

int dmab_opts_prepare_kernels(struct dmab_opts *o, FILE *log, char *err, size_t errlen)
{
	char cmd[4400];
	int r;

	for (int i = 0; i < o->nkernels; i++) {
		struct dmab_kernel *k = &o->kernels[i];
		size_t ai = dmab_arch_index(k->arch);

		if (!k->desc)
			continue;
		dmab_kernel_make_cmd(k, cmd, sizeof(cmd));
		if (o->no_build) {
			if (!k->image[0])
				return errf(err, errlen, "kernel %s for %s not fetched: run 'build/host/dmabench "
					    "kernels fetch --arch %s %s' (or drop --no-build)", k->name, k->arch->name,
					    k->arch->name, k->name);
			if (!dmab_is_file(k->initrd))
				return errf(err, errlen, "initramfs %s for %s %s not found: run '%s' (or drop "
					    "--no-build)", k->initrd, k->name, k->arch->name, cmd);
			continue;
		}
		if (!k->image[0]) {
			if ((r = dmab_kernel_fetch(o->repo, k->desc, k->arch, log, err, errlen)))
				return r;
			if (dmab_kernel_locate(k, k->desc, k->arch, o->repo))
				return errf(err, errlen, "kernel %s for %s: no %s after fetching", k->name,
					    k->arch->name, k->kenv);
		}
		if ((r = dmab_kernel_build(o->repo, k, log, err, errlen)))
			return r;
		if (!dmab_is_file(k->image) || !dmab_is_file(k->initrd))
			return errf(err, errlen, "kernel %s for %s: %s or %s missing", k->name, k->arch->name,
				    k->image, k->initrd);
		/* the arch's stand-in paths, now that they exist */
		if (!strcmp(o->paths[ai].initrd, k->initrd) || !o->paths[ai].kernel[0])
			snprintf(o->paths[ai].kernel, sizeof(o->paths[ai].kernel), "%s", k->image);
	}
	return 0;
}

/* n += "<sep><fmt>" into buf of len (bounded) */
static void note_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t l = strlen(buf);
	va_list ap;

	if (l + 3 >= len)
		return;
	if (l)
		l += (size_t)snprintf(buf + l, len - l, "; ");
	va_start(ap, fmt);
	vsnprintf(buf + l, len - l, fmt, ap);
	va_end(ap);
}

/* "QEMU >= 10.0" / "QEMU < 10.2" / "QEMU >= 9.0 and < 10.2" of a bounded backend */
static const char *qemu_need(const struct dmab_backend *b, char *buf, size_t len)
{
	snprintf(buf, len, "QEMU %s%s%s%s", b->qemu_min ? ">= " : "", b->qemu_min ? b->qemu_min : "",
		 b->qemu_min && b->qemu_max ? " and < " : b->qemu_max ? "< " : "", b->qemu_max ? b->qemu_max : "");
	return buf;
}

/*
 * The run's emulators: the host's (or the --qemu path) unless only table ones are
 * named, then the table ones in --qemu order, fetched when missing (not with
 * --dry-run or --no-build). Then the QEMU-bounded backends: "all" adds those some
 * emulator of the run has (and the kernel allows); a bounded backend is planned
 * only on the emulators in its range, the others are said in qemu_note; one that
 * runs on none is a usage error when named.
 */
static int resolve_qemus(struct dmab_opts *o, const bool want[], const char *kernels[], char *err, size_t errlen)
{
	char need[64], v[32], why[512];
	int r;

	o->nqemus = 0;
	o->qemu_note[0] = 0;
	if (!o->nqemu_descs || o->qemu_set) {
		struct dmab_qemu *q = &o->qemus[o->nqemus++];

		memset(q, 0, sizeof(*q));
		if (o->qemu_set) {
			const char *b = strrchr(o->given.qemu, '/');

			snprintf(q->name, sizeof(q->name), "%.63s", b ? b + 1 : o->given.qemu);
			snprintf(q->label, sizeof(q->label), "qemu-custom");
		} else {
			snprintf(q->name, sizeof(q->name), "default");
			snprintf(q->label, sizeof(q->label), "qemu-default");
		}
		for (size_t i = 0; i < dmab_narches; i++)
			snprintf(q->bin[i], sizeof(q->bin[i]), "%s", o->paths[i].qemu);
		/* the version of the first wanted arch's binary (bounds, results) */
		for (size_t i = 0; i < dmab_narches; i++)
			if (want[i]) {
				if (dmab_qemu_version(q->bin[i], q->version, sizeof(q->version)))
					q->version[0] = 0;
				break;
			}
	}
	for (int d = 0; d < o->nqemu_descs; d++) {
		const struct dmab_qemu_desc *qd = o->qemu_descs[d];
		struct dmab_qemu *q = &o->qemus[o->nqemus++];

		if (!dmab_qemu_locate(q, qd, o->repo) || o->dry_run)
			continue;
		if (o->no_build)
			return errf(err, errlen, "QEMU %s not fetched: run 'build/host/dmabench qemus fetch %s' "
				    "(or drop --no-build)", qd->name, qd->name);
		if ((r = dmab_qemu_fetch(o->repo, qd, o->quiet ? NULL : stderr, err, errlen)))
			return r;
		if (dmab_qemu_locate(q, qd, o->repo))
			return errf(err, errlen, "QEMU %s: no %s after fetching", qd->name, q->qenv);
	}
	for (int k = 0; k < o->nqemus && !o->dry_run; k++)
		for (size_t i = 0; i < dmab_narches; i++)
			if (want[i] && o->qemus[k].desc && !dmab_is_file(o->qemus[k].bin[i]))
				return errf(err, errlen, "QEMU %s: %s not found (remove build/qemus/%s and fetch "
					    "again)", o->qemus[k].name, o->qemus[k].bin[i], o->qemus[k].desc->dir);
	o->qemu_suffix = o->nqemus > 1;

	/* "all": the bounded backends of the selected arches that the kernel allows */
	for (size_t i = 0; i < dmab_nbackends && o->backend_all; i++) {
		const struct dmab_backend *b = &dmab_backends[i];
		const char *kernel = kernels[dmab_arch_index(dmab_arch_find(b->arch))];
		bool have = false, any = false;

		if ((!b->qemu_min && !b->qemu_max) || !dmab_arch_in(o->arch, b->arch))
			continue;
		for (int j = 0; j < o->nbackends; j++)
			have |= o->backends[j] == b;
		if (have)
			continue;
		if (dmab_backend_kernel_ok(b, kernel, why, sizeof(why)) != 1) {
			note_add(o->backend_note, sizeof(o->backend_note), "%s left out of 'all': %s",
				 dmab_backend_label(b), why);
			continue;
		}
		for (int k = 0; k < o->nqemus; k++)
			any |= dmab_qemu_runs(&o->qemus[k], b);
		if (!any) {
			note_add(o->qemu_note, sizeof(o->qemu_note), "%s left out of 'all': needs %s",
				 dmab_backend_label(b), qemu_need(b, need, sizeof(need)));
			continue;
		}
		if (o->nbackends >= DMAB_MAX_BACKENDS)
			return errf(err, errlen, "--backend: too many backends");
		o->backends[o->nbackends++] = b;
	}
	/* every bounded backend: the emulators it is not planned on */
	for (int j = 0; j < o->nbackends; j++) {
		const struct dmab_backend *b = o->backends[j];
		int on = 0;

		if (!b->qemu_min && !b->qemu_max)
			continue;
		for (int k = 0; k < o->nqemus; k++) {
			if (dmab_qemu_runs(&o->qemus[k], b)) {
				on++;
				continue;
			}
			note_add(o->qemu_note, sizeof(o->qemu_note), "%s not run on QEMU %s (%s): needs %s",
				 dmab_backend_label(b), o->qemus[k].name,
				 *dmab_qemu_upstream_of(&o->qemus[k], v, sizeof(v)) ? v : "version unknown",
				 qemu_need(b, need, sizeof(need)));
		}
		if (!on)
			return errf(err, errlen, "backend %s needs %s; no emulator of the run has it (%s): "
				    "--qemu debian:10.0", dmab_backend_label(b), qemu_need(b, need, sizeof(need)),
				    o->qemu_note);
	}
	return 0;
}

int dmab_opts_resolve(struct dmab_opts *o, char *err, size_t errlen)
{
	const char *kernels[DMAB_MAX_ARCHES] = { NULL };
	bool want[DMAB_MAX_ARCHES] = { false };

	err[0] = 0;
	struct dmab_home home;

	dmab_home(&home);
	if (!o->repo[0])
		snprintf(o->repo, sizeof(o->repo), "%s", home.root);
	if (!o->out[0])	/* installed: ./results */
		snprintf(o->out, sizeof(o->out), "%.4000s%sresults", home.installed ? "" : o->repo,
			 home.installed ? "" : "/");
	if (o->host) {
		if (!o->module[0])
			dmab_host_default_module(&home, o->module, sizeof(o->module));
		if (!o->runner[0])
			snprintf(o->runner, sizeof(o->runner), "%.4000s", home.runner);
		if (!dmab_is_file(o->module)) {
			snprintf(err, errlen, "module %s not found: %s, or pass --module", o->module, home.installed ?
				 "install dmabench-dkms (DKMS builds it for the running kernel)" :
				 "build dmabench.ko for the running kernel with 'make host-kmod'");
			return -ENOENT;
		}
		if (!dmab_is_file(o->runner)) {
			snprintf(err, errlen, "runner %s not found (run 'make guest') or pass --runner", o->runner);
			return -ENOENT;
		}
		return 0;
	}
	/* every arch of the selected backends (a label can select another arch); last in table order first */
	for (int i = 0; i < o->nbackends; i++)
		want[dmab_arch_index(dmab_arch_find(o->backends[i]->arch))] = true;
	int r = resolve_kernels(o, want, err, errlen);
	if (r)
		return r;
	for (size_t i = dmab_narches; i-- > 0;) {
		if (!want[i])
			continue;
		if (!o->dry_run) {
			r = resolve_arch(o, &dmab_arches[i], err, errlen);
			if (r)
				return r;
		}
		kernels[i] = o->paths[i].kernel[0] ? o->paths[i].kernel : NULL;
	}
	/* backends that need a kernel option (virtio-iommu): harness/plan/kconfig.c */
	if (dmab_backends_for_kernel(o->backends, &o->nbackends, DMAB_MAX_BACKENDS, o->backend_all, o->arch, kernels,
				     o->backend_note, sizeof(o->backend_note), err, errlen))
		return err[0] ? -EINVAL : errf(err, errlen, "--backend: too many backends");
	r = resolve_qemus(o, want, kernels, err, errlen);
	if (r)
		return r;
	if (kernels[0]) {
		/* benchmarks on a DMA-API-debug kernel boot with dma_debug=off (kconfig.h) */
		char note[400] = "";
		size_t nl = strlen(o->backend_note);

		if (dmab_dma_debug_default(kernels[0], o->job, o->append, sizeof(o->append), note, sizeof(note)) > 0)
			snprintf(o->backend_note + nl, sizeof(o->backend_note) - nl, "%s%s", nl ? "; " : "", note);
	}
	return 0;
}
