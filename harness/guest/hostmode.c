// SPDX-License-Identifier: GPL-2.0
/*
 * hostmode.c - guest job "hostmode" (lib/jobs.c): this VM plays the real
 * machine of `dmabench run --host`. Usage: hostmode OUT.json [dmabench run args]
 *
 * 1. unload the module init loaded, so that the edu devices have no driver;
 * 2. note every PCI function's driver and driver_override;
 * 3. run the host command copied into the initramfs (/host/dmabench):
 *      dmabench run --host --device <first edu function> --module /lib/dmabench.ko
 *                   --runner /init --out /tmp/hostrun [args, default: --job va,lat]
 *    (the module is this guest kernel's, the runner is init itself; the
 *    jobs' DMABENCH_<JOB>_ARGS reach it through the environment);
 * 4. check: it exited 0; every PCI function has the driver and
 *    driver_override it had before (the one it bound included); the module
 *    is unloaded again; it wrote run.json;
 * 5. copy that run.json to OUT.json (sent back as the job's result) and load
 *    the module again for the jobs after this one (without init's parameters).
 * Console lines "dmabench-hostmode: ok NAME" / "dmabench-hostmode: not ok NAME:
 * reason" (harness/tests/test_hostmode_vm.sh reads them); exit 0 when all are ok.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "procinfo.h"
#include "util.h"

#define PCI_DIR "/sys/bus/pci/devices"
#define MAX_FNS 64
#define HOST_CMD "/host/dmabench"
#define MODULE "/lib/dmabench.ko"
#define OUT_DIR "/tmp/hostrun"

struct fn {
	char bdf[32], id[16], driver[64], override[64];
};

static int g_fail;

static void result(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void result(bool ok, const char *name, const char *fmt, ...)
{
	char why[768] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	printf("dmabench-hostmode: %s %s%s%s\n", ok ? "ok" : "not ok", name, why[0] ? ": " : "", why);
	fflush(stdout);
	g_fail += !ok;
}

static void read_word(const char *path, char *out, size_t len)
{
	char *t = NULL;

	out[0] = 0;
	if (dmab_read_text(path, &t, 4096) == 0) {
		snprintf(out, len, "%s", t);
		out[strcspn(out, "\n")] = 0;
	}
	free(t);
}

static int cmp_fn(const void *a, const void *b)
{
	return strcmp(((const struct fn *)a)->bdf, ((const struct fn *)b)->bdf);
}

/* Every PCI function with its id, driver ("" none) and driver_override, sorted; count or -errno. */
static int snapshot(struct fn *f, int max)
{
	DIR *d = opendir(PCI_DIR);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)) && n < max) {
		char p[600], link[256], v[16], dv[16];
		ssize_t l;

		if (e->d_name[0] == '.')
			continue;
		memset(&f[n], 0, sizeof(f[n]));
		snprintf(f[n].bdf, sizeof(f[n].bdf), "%.31s", e->d_name);
		snprintf(p, sizeof(p), PCI_DIR "/%s/vendor", e->d_name);
		read_word(p, v, sizeof(v));
		snprintf(p, sizeof(p), PCI_DIR "/%s/device", e->d_name);
		read_word(p, dv, sizeof(dv));
		snprintf(f[n].id, sizeof(f[n].id), "%.6s:%.6s", v, dv);
		snprintf(p, sizeof(p), PCI_DIR "/%s/driver", e->d_name);
		l = readlink(p, link, sizeof(link) - 1);
		if (l > 0) {
			link[l] = 0;
			snprintf(f[n].driver, sizeof(f[n].driver), "%.63s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
		}
		snprintf(p, sizeof(p), PCI_DIR "/%s/driver_override", e->d_name);
		read_word(p, f[n].override, sizeof(f[n].override));
		n++;
	}
	closedir(d);
	qsort(f, (size_t)n, sizeof(*f), cmp_fn);
	return n;
}

static bool module_loaded(void)
{
	return dmab_is_dir("/sys/module/dmabench");
}

int main(int argc, char **argv)
{
	static struct fn before[MAX_FNS], after[MAX_FNS];
	char *cmd[48], diff[512] = "", desc[128], runjson[256];
	const char *bdf;
	const struct fn *dev = NULL;
	struct child_res r;
	int nb, na, nedu = 0, c = 0, fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: hostmode OUT.json [dmabench run arguments]\n");
		return 2;
	}
	/* it unloads the module: only in a dmabench VM, never under --host itself */
	if (!strcmp(getenv("DMABENCH_HOST") ? getenv("DMABENCH_HOST") : "", "1") || getppid() != 1) {
		result(false, "guest", "the hostmode job runs only in a dmabench VM (its init's child)");
		return 1;
	}
	/* 1. the edu devices without a driver: the module init loaded goes */
	if (module_loaded() && syscall(SYS_delete_module, "dmabench", O_NONBLOCK))
		result(false, "unload", "rmmod dmabench: %s", strerror(errno));

	/* 2. what every PCI function looks like before */
	nb = snapshot(before, MAX_FNS);
	for (int i = 0; i < nb; i++)
		if (!strcmp(before[i].id, "0x1234:0x11e8") && nedu++ == 0)
			dev = &before[i];
	if (nb < 0 || !dev) {
		result(false, "edu-device", "no edu function under " PCI_DIR " (%s)", nb < 0 ? strerror(-nb) : "none");
		return 1;
	}
	bdf = dev->bdf;
	result(!module_loaded() && !dev->driver[0], "edu-device", "%s, the first of %d edu functions, driver '%s'%s",
	       bdf, nedu, dev->driver, module_loaded() ? ", module still loaded" : "");

	/* 3. the host command as a user types it on a real machine */
	cmd[c++] = HOST_CMD;
	cmd[c++] = "run";
	cmd[c++] = "--host";
	cmd[c++] = "--device";
	cmd[c++] = (char *)bdf;
	cmd[c++] = "--module";
	cmd[c++] = MODULE;
	cmd[c++] = "--runner";
	cmd[c++] = "/init";
	cmd[c++] = "--out";
	cmd[c++] = OUT_DIR;
	if (argc == 2) {
		cmd[c++] = "--job";
		cmd[c++] = "va,lat";
	}
	for (int i = 2; i < argc && c < 47; i++)
		cmd[c++] = argv[i];
	cmd[c] = NULL;
	printf("dmabench-hostmode: %s run --host --device %s --module " MODULE " --runner /init --out " OUT_DIR
	       "%s ...\n", HOST_CMD, bdf, argc == 2 ? " --job va,lat" : "");
	memset(&r, 0, sizeof(r));
	if (dmab_run_child(cmd, 0, 3600, &r)) {
		result(false, "host-run", "cannot start " HOST_CMD);
		return 1;
	}
	dmab_child_status(&r, 3600, desc, sizeof(desc));
	result(!r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "host-run", "%s (%.1f s)", desc,
	       r.secs);

	/* 4. nothing else touched, the bound function given back, the module gone */
	na = snapshot(after, MAX_FNS);
	for (int i = 0, k = 0; i < nb || k < na;) {
		int o = i >= nb ? 1 : k >= na ? -1 : strcmp(before[i].bdf, after[k].bdf);
		size_t l = strlen(diff);

		if (o < 0)
			snprintf(diff + l, sizeof(diff) - l, " %s gone;", before[i++].bdf);
		else if (o > 0)
			snprintf(diff + l, sizeof(diff) - l, " %s new;", after[k++].bdf);
		else {
			if (strcmp(before[i].driver, after[k].driver) || strcmp(before[i].override, after[k].override))
				snprintf(diff + l, sizeof(diff) - l, " %s driver '%s' override '%s' (before '%s' '%s');",
					 before[i].bdf, after[k].driver, after[k].override, before[i].driver,
					 before[i].override);
			i++;
			k++;
		}
	}
	if (diff[0])
		result(false, "devices-restored", "%s", diff);
	else
		result(true, "devices-restored", "%d PCI functions as before, %s without a driver", nb, bdf);
	if (module_loaded())
		result(false, "module-unloaded", "/sys/module/dmabench still there");
	else
		result(true, "module-unloaded", NULL);

	/* 5. its run.json is this job's result */
	snprintf(runjson, sizeof(runjson), OUT_DIR "/latest/run.json");
	{
		struct sbuf b = { 0 };
		int ret = read_file_sb(runjson, &b);

		if (!ret)
			ret = dmab_write_file(argv[1], b.p, b.len);
		if (ret)
			result(false, "run-json", "%s: %s", runjson, strerror(-ret));
		else
			result(true, "run-json", "%s, %zu bytes", runjson, b.len);
		sb_free(&b);
	}
	fd = open(MODULE, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST))
		printf("dmabench-hostmode: note: reloading " MODULE ": %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	return g_fail ? 1 : 0;
}
