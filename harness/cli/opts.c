// SPDX-License-Identifier: GPL-2.0
/* opts.c - command line parsing of `dmabench`. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plan/kconfig.h"
#include "lib/jobs.h"
#include "harness/cli/opts.h"
#include "lib/util.h"

const char *dmab_accel_name(enum dmab_accel a)
{
	return a == DMAB_ACCEL_TCG ? "tcg" : a == DMAB_ACCEL_KVM ? "kvm" : "auto";
}

void dmab_opts_init(struct dmab_opts *o)
{
	const char *q = getenv("DMABENCH_QEMU");

	memset(o, 0, sizeof(*o));
	o->timeout = 600;
	o->jobs = 1;
	snprintf(o->job, sizeof(o->job), "va,lat");
	snprintf(o->qemu, sizeof(o->qemu), "%s", q && *q ? q : "qemu-system-x86_64");
	snprintf(o->arch, sizeof(o->arch), "x86_64");
	snprintf(o->arm64.qemu, sizeof(o->arm64.qemu), "%s", dmab_arch_qemu("arm64"));
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

int dmab_opts_parse(struct dmab_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	bool backend_set = false, qemu_set = false, job_set = false;
	const char *backend_list = "all", *topology_list = NULL;
	int i = 1;

	err[0] = 0;
	if (argc < 2)
		return errf(err, errlen, "no command given (try 'dmabench --help')");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		o->cmd = DMAB_CMD_HELP;
		return 0;
	}
	if (!strcmp(argv[1], "backends")) {
		o->cmd = DMAB_CMD_BACKENDS;
		if (argc > 2)
			return errf(err, errlen, "backends: unexpected argument '%s'", argv[2]);
		return 0;
	}
	if (!strcmp(argv[1], "topologies")) {
		o->cmd = DMAB_CMD_TOPOLOGIES;
		if (argc > 2)
			return errf(err, errlen, "topologies: unexpected argument '%s'", argv[2]);
		return 0;
	}
	if (!strcmp(argv[1], "summary")) {
		o->cmd = DMAB_CMD_SUMMARY;
		if (argc != 3)
			return errf(err, errlen, "usage: dmabench summary RUN_DIR (a results/<run-id> folder)");
		return set_path(o->run_dir, argv[2], "summary", err, errlen);
	}
	if (strcmp(argv[1], "run"))
		return errf(err, errlen, "unknown command '%s' (commands: run, backends, topologies, summary, help)", argv[1]);
	o->cmd = DMAB_CMD_RUN;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v;
		int r = 0;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->cmd = DMAB_CMD_HELP;
			return 0;
		} else if (is_opt(a, "--backend")) {
			if (!(v = optval(argc, argv, &i, "--backend", err, errlen)))
				return -EINVAL;
			backend_list = v;	/* parsed below, once --arch is known */
			backend_set = true;
		} else if (is_opt(a, "--arch")) {
			const char *bad;
			if (!(v = optval(argc, argv, &i, "--arch", err, errlen)))
				return -EINVAL;
			if (strlen(v) >= sizeof(o->arch) || dmab_arch_list_check(v, &bad))
				return errf(err, errlen, "--arch: '%s' is not a comma list of %s", v, DMAB_ARCHES);
			snprintf(o->arch, sizeof(o->arch), "%s", v);
		} else if (is_opt(a, "--kernel")) {
			if (!(v = optval(argc, argv, &i, "--kernel", err, errlen)))
				return -EINVAL;
			r = set_path(o->kernel, v, "--kernel", err, errlen);
		} else if (is_opt(a, "--initrd")) {
			if (!(v = optval(argc, argv, &i, "--initrd", err, errlen)))
				return -EINVAL;
			r = set_path(o->initrd, v, "--initrd", err, errlen);
		} else if (is_opt(a, "--out")) {
			if (!(v = optval(argc, argv, &i, "--out", err, errlen)))
				return -EINVAL;
			r = set_path(o->out, v, "--out", err, errlen);
		} else if (is_opt(a, "--qemu")) {
			if (!(v = optval(argc, argv, &i, "--qemu", err, errlen)))
				return -EINVAL;
			r = set_path(o->qemu, v, "--qemu", err, errlen);
			qemu_set = true;
		} else if (is_opt(a, "--module")) {
			if (!(v = optval(argc, argv, &i, "--module", err, errlen)))
				return -EINVAL;
			r = set_path(o->module, v, "--module", err, errlen);
		} else if (is_opt(a, "--runner")) {
			if (!(v = optval(argc, argv, &i, "--runner", err, errlen)))
				return -EINVAL;
			r = set_path(o->runner, v, "--runner", err, errlen);
		} else if (is_opt(a, "--append")) {
			if (!(v = optval(argc, argv, &i, "--append", err, errlen)))
				return -EINVAL;
			if (strlen(v) >= sizeof(o->append) || strpbrk(v, "\n\r"))
				return errf(err, errlen, "--append: too long or not one line");
			snprintf(o->append, sizeof(o->append), "%s", v);
		} else if (is_opt(a, "--timeout")) {
			if (!(v = optval(argc, argv, &i, "--timeout", err, errlen)))
				return -EINVAL;
			if (parse_double(v, &o->timeout))
				return errf(err, errlen, "--timeout: '%s' is not a positive number of seconds", v);
		} else if (is_opt(a, "--boot-timeout")) {
			if (!(v = optval(argc, argv, &i, "--boot-timeout", err, errlen)))
				return -EINVAL;
			if (parse_double(v, &o->boot_timeout))
				return errf(err, errlen, "--boot-timeout: '%s' is not a positive number of seconds", v);
		} else if (is_opt(a, "--job")) {
			if (!(v = optval(argc, argv, &i, "--job", err, errlen)))
				return -EINVAL;
			if (dmab_job_list_check(v, err, errlen))
				return -EINVAL;
			snprintf(o->job, sizeof(o->job), "%s", v);
			job_set = true;
		} else if (is_opt(a, "--topology")) {
			if (!(v = optval(argc, argv, &i, "--topology", err, errlen)))
				return -EINVAL;
			topology_list = v;
		} else if (!strcmp(a, "--share")) {
			o->share = true;
		} else if (is_opt(a, "--accel")) {
			if (!(v = optval(argc, argv, &i, "--accel", err, errlen)))
				return -EINVAL;
			if (!strcmp(v, "auto"))
				o->accel = DMAB_ACCEL_AUTO;
			else if (!strcmp(v, "tcg"))
				o->accel = DMAB_ACCEL_TCG;
			else if (!strcmp(v, "kvm"))
				o->accel = DMAB_ACCEL_KVM;
			else
				return errf(err, errlen, "--accel: '%s' is not auto, tcg or kvm", v);
		} else if (is_opt(a, "--jobs") || !strcmp(a, "-j")) {
			char *end;
			if (!(v = optval(argc, argv, &i, !strcmp(a, "-j") ? "-j" : "--jobs", err, errlen)))
				return -EINVAL;
			long n = strtol(v, &end, 10);
			if (end == v || *end || n < 1 || n > 64)
				return errf(err, errlen, "--jobs: '%s' is not a number from 1 to 64", v);
			o->jobs = (int)n;
		} else if (!strcmp(a, "--dry-run")) {
			o->dry_run = true;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o->quiet = true;
		} else if (!strcmp(a, "--host")) {
			o->host = true;
		} else if (is_opt(a, "--device")) {
			char buf[1024];
			if (!(v = optval(argc, argv, &i, "--device", err, errlen)))
				return -EINVAL;
			if (strlen(v) >= sizeof(buf))
				return errf(err, errlen, "--device: list too long");
			strcpy(buf, v);
			for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				if (o->ndevices >= DMAB_MAX_DEVICES)
					return errf(err, errlen, "--device: more than %d devices", DMAB_MAX_DEVICES);
				if (dmab_bdf_normalize(t, o->devices[o->ndevices], sizeof(o->devices[0])))
					return errf(err, errlen, "--device: '%s' is not a PCI address (DDDD:BB:DD.F)", t);
				o->ndevices++;
			}
		} else if (a[0] == '-') {
			return errf(err, errlen, "run: unknown option '%s' (try 'dmabench --help')", a);
		} else {
			return errf(err, errlen, "run: unexpected argument '%s'", a);
		}
		if (r)
			return r;
	}
	if (o->ndevices && !o->host)
		return errf(err, errlen, "--device is only valid with --host");
	if (o->host && backend_set)
		return errf(err, errlen, "--host runs on the running kernel: --backend does not apply");
	if (o->host && o->dry_run)
		return errf(err, errlen, "--dry-run does not apply to --host");
	if (!o->host) {
		const char *bad;
		int n = dmab_backend_parse_list_arch(backend_list, o->arch, o->backends, 32, &bad);
		if (n == -E2BIG)
			return errf(err, errlen, "--backend: too many backends");
		if (n < 0)
			return errf(err, errlen, bad && *bad ?
				    "--backend: unknown backend '%s' (see 'dmabench backends')" :
				    "--backend: empty list%s", bad ? bad : "");
		o->nbackends = n;
		for (const char *p = backend_list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
			o->backend_all |= !strncmp(p, "all", 3) && (p[3] == ',' || !p[3]);
	}
	if (o->host && (topology_list || o->share))
		return errf(err, errlen, "--host runs on the running kernel's devices: --topology and --share do not apply");
	if (o->share && !dmab_job_has(o->job, "share")) {
		/* --share = job share (added to an explicit --job list) */
		size_t l = job_set ? strlen(o->job) : 0;
		if (l + 7 > sizeof(o->job))
			return errf(err, errlen, "--job: list too long");
		snprintf(o->job + l, sizeof(o->job) - l, "%sshare", l ? "," : "");
	}
	if (!o->host) {
		const char *bad;
		int n = dmab_topology_parse_list(topology_list ? topology_list : o->share ? "all" : DMAB_TOPO_DEFAULT,
						  o->topologies, 16, &bad);
		if (n == -E2BIG)
			return errf(err, errlen, "--topology: too many topologies");
		if (n < 0)
			return errf(err, errlen, "--topology: %s%s%s (known: all, %s; see 'dmabench topologies')",
				    *bad ? "unknown topology '" : "empty or malformed list", bad, *bad ? "'" : "",
				    dmab_topology_names());
		o->ntopologies = n;
	}
	/* without x86_64 in --arch, --kernel/--initrd/--qemu are the arm64 ones */
	if (!dmab_arch_in(o->arch, "x86_64")) {
		memcpy(o->arm64.kernel, o->kernel, sizeof(o->kernel));
		memcpy(o->arm64.initrd, o->initrd, sizeof(o->initrd));
		if (qemu_set)
			memcpy(o->arm64.qemu, o->qemu, sizeof(o->qemu));
		o->kernel[0] = o->initrd[0] = 0;
	}
	return 0;
}

int dmab_opts_resolve(struct dmab_opts *o, char *err, size_t errlen)
{
	char path[DMAB_PATH_MAX + 64];

	err[0] = 0;
	if (!o->repo[0])
		dmab_repo_root(o->repo, sizeof(o->repo));
	if (!o->out[0])
		snprintf(o->out, sizeof(o->out), "%.4000s/results", o->repo);
	if (o->host) {
		if (!o->module[0])
			snprintf(o->module, sizeof(o->module), "%.4000s/build/host-kmod/dmabench.ko", o->repo);
		if (!o->runner[0])
			snprintf(o->runner, sizeof(o->runner), "%.4000s/build/x86_64/initramfs/init", o->repo);
		if (!dmab_is_file(o->module)) {
			snprintf(err, errlen, "module %s not found: build dmabench.ko for the running kernel "
				 "(make -C /lib/modules/$(uname -r)/build M=$PWD/kmod, copy to that path) "
				 "or pass --module", o->module);
			return -ENOENT;
		}
		if (!dmab_is_file(o->runner)) {
			snprintf(err, errlen, "runner %s not found (run 'make guest') or pass --runner", o->runner);
			return -ENOENT;
		}
		return 0;
	}
	/* every arch of the selected backends (a label can select another arch) */
	bool want_x86 = false, want_arm64 = false;
	for (int i = 0; i < o->nbackends; i++) {
		want_x86 |= !strcmp(o->backends[i]->arch, "x86_64");
		want_arm64 |= !strcmp(o->backends[i]->arch, "arm64");
	}
	if (want_arm64) {
		if (!o->arm64.kernel[0]) {
			char kdir[DMAB_PATH_MAX];
			snprintf(kdir, sizeof(kdir), "%.4000s/build/arm64/kernel/boot", o->repo);
			if (dmab_newest_match(kdir, "vmlinuz-", "-arm64", o->arm64.kernel, sizeof(o->arm64.kernel))) {
				snprintf(err, errlen, "no arm64 kernel: %s/vmlinuz-*-arm64 not found (make deps, "
					 "or --arch arm64 --kernel PATH)", kdir);
				return -ENOENT;
			}
		}
		if (!dmab_is_file(o->arm64.kernel)) {
			snprintf(err, errlen, "arm64 kernel %s: not found", o->arm64.kernel);
			return -ENOENT;
		}
		if (!o->arm64.initrd[0])
			snprintf(o->arm64.initrd, sizeof(o->arm64.initrd), "%.4000s/build/arm64/initramfs.cpio",
				 o->repo);
		if (!dmab_is_file(o->arm64.initrd)) {
			snprintf(err, errlen, "arm64 initramfs %s: not found (run 'make initramfs-arm64' or "
				 "pass --arch arm64 --initrd)", o->arm64.initrd);
			return -ENOENT;
		}
		if (dmab_find_exe(o->arm64.qemu, path, sizeof(path))) {
			snprintf(err, errlen, "QEMU binary '%s' not found (install qemu-system-arm with 'make deps', "
				 "or set DMABENCH_QEMU_ARM64)", o->arm64.qemu);
			return -ENOENT;
		}
	}
	if (!want_x86)
		return 0;
	if (!o->kernel[0]) {
		if (dmab_newest_match("/boot", "vmlinuz-", "-amd64", o->kernel, sizeof(o->kernel))) {
			snprintf(err, errlen, "no kernel: /boot/vmlinuz-*-amd64 not found (make deps, or --kernel PATH)");
			return -ENOENT;
		}
	}
	if (!dmab_is_file(o->kernel)) {
		snprintf(err, errlen, "kernel %s: not found", o->kernel);
		return -ENOENT;
	}
	if (!o->initrd[0])
		snprintf(o->initrd, sizeof(o->initrd), "%.4000s/build/x86_64/initramfs.cpio", o->repo);
	if (!dmab_is_file(o->initrd)) {
		snprintf(err, errlen, "initramfs %s: not found (run 'make initramfs' or pass --initrd)", o->initrd);
		return -ENOENT;
	}
	/* backends that need a kernel option (virtio-iommu): harness/kconfig.c */
	if (dmab_backends_for_kernel(o->backends, &o->nbackends, 32, o->backend_all, o->arch, o->kernel,
				     o->backend_note, sizeof(o->backend_note), err, errlen))
		return err[0] ? -EINVAL : errf(err, errlen, "--backend: too many backends");
	{
		/* benchmarks on a DMA-API-debug kernel boot with dma_debug=off (kconfig.h) */
		char note[400] = "";
		size_t nl = strlen(o->backend_note);

		if (dmab_dma_debug_default(o->kernel, o->job, o->append, sizeof(o->append), note, sizeof(note)) > 0)
			snprintf(o->backend_note + nl, sizeof(o->backend_note) - nl, "%s%s", nl ? "; " : "", note);
	}
	if (dmab_find_exe(o->qemu, path, sizeof(path))) {
		snprintf(err, errlen, "QEMU binary '%s' not found (install qemu-system-x86 with 'make deps', "
			 "or set DMABENCH_QEMU / --qemu)", o->qemu);
		return -ENOENT;
	}
	return 0;
}
