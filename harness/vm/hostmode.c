// SPDX-License-Identifier: GPL-2.0
/* hostmode.c - run the guest job on the running kernel. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness/vm/hostmode.h"
#include "lib/util.h"
#include "kmod/dmabench_abi.h"

static bool compressed(const char *ko)
{
	size_t l = strlen(ko);

	return (l > 3 && !strcmp(ko + l - 3, ".xz")) || (l > 4 && !strcmp(ko + l - 4, ".zst")) ||
	       (l > 3 && !strcmp(ko + l - 3, ".gz"));
}

int dmab_module_vermagic(const char *ko, char *out, size_t len)
{
	static const char key[] = "vermagic=";
	char *buf = NULL;
	size_t n = 0;
	int ret;

	if (compressed(ko)) {	/* DKMS compresses like the kernel's own modules: kmod reads them */
		char *argv[] = { "modinfo", "-F", "vermagic", (char *)ko, NULL };

		ret = dmab_run_capture(argv, NULL, 10, out, len);
		dmab_chomp(out);
		return ret == 0 && out[0] ? 0 : -ENOENT;
	}
	ret = dmab_read_file(ko, &buf, &n, 256u << 20);
	if (ret)
		return ret;
	ret = -ENOENT;
	for (size_t i = 0; i + sizeof(key) - 1 < n; i++) {
		if (buf[i] != 'v' || memcmp(buf + i, key, sizeof(key) - 1))
			continue;
		/* .modinfo strings are NUL-terminated */
		const char *v = buf + i + sizeof(key) - 1;
		size_t l = strnlen(v, n - (size_t)(v - buf));
		snprintf(out, len, "%.*s", (int)l, v);
		ret = 0;
		break;
	}
	free(buf);
	return ret;
}

void dmab_host_default_module(const struct dmab_home *h, char *out, size_t len)
{
	static const char *const ext[] = { "", ".xz", ".zst", ".gz" };
	struct utsname u;

	if (!h->installed) {
		snprintf(out, len, "%.4000s/build/host-kmod/dmabench.ko", h->root);
		return;
	}
	uname(&u);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(out, len, "/lib/modules/%s/updates/dkms/dmabench.ko%s", u.release, ext[i]);
		if (dmab_is_file(out))
			return;
	}
	snprintf(out, len, "/lib/modules/%s/updates/dkms/dmabench.ko", u.release);
}

int dmab_host_check(const struct dmab_opts *o, const char *release, const char *sysfs_root,
		    bool need_root, char *err, size_t errlen)
{
	char vm[512], rel[256], path[8300];
	struct utsname u;

	if (need_root && geteuid() != 0) {
		snprintf(err, errlen, "--host needs root (it loads a module and rebinds PCI devices)");
		return -EPERM;
	}
	if (!release) {
		uname(&u);
		snprintf(rel, sizeof(rel), "%s", u.release);
		release = rel;
	}
	if (!dmab_is_file(o->module)) {
		snprintf(err, errlen, "module %s not found: build dmabench.ko for %s "
			 "(make -C /lib/modules/%s/build M=$PWD/kmod) or pass --module", o->module, release, release);
		return -ENOENT;
	}
	if (dmab_module_vermagic(o->module, vm, sizeof(vm))) {
		snprintf(err, errlen, "%s: no vermagic, not a kernel module", o->module);
		return -EINVAL;
	}
	size_t rl = strlen(release);
	if (strncmp(vm, release, rl) || (vm[rl] != ' ' && vm[rl] != 0)) {
		snprintf(err, errlen, "%s was built for '%.*s', the running kernel is %s",
			 o->module, (int)strcspn(vm, " "), vm, release);
		return -EINVAL;
	}
	if (!dmab_is_file(o->runner)) {
		snprintf(err, errlen, "runner %s not found (make guest) or pass --runner", o->runner);
		return -ENOENT;
	}
	for (int i = 0; i < o->ndevices; i++) {
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", sysfs_root ? sysfs_root : "/sys",
			 o->devices[i]);
		if (!dmab_is_dir(path)) {
			snprintf(err, errlen, "--device %s: no such PCI device (%s)", o->devices[i], path);
			return -ENODEV;
		}
	}
	return 0;
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

void dmab_host_teardown(struct dmab_host_state *st, FILE *log)
{
	char path[512];

	for (int i = st->n - 1; i >= 0; i--) {
		struct dmab_host_bound *b = &st->dev[i];
		if (!b->bound)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", DMABENCH_DRIVER_NAME);
		sysfs_write(path, b->bdf);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", b->bdf);
		sysfs_write(path, "\n");
		if (b->old_driver[0])
			sysfs_write("/sys/bus/pci/drivers_probe", b->bdf);
		b->bound = false;
		if (log)
			fprintf(log, "[host] %s released%s%s\n", b->bdf,
				b->old_driver[0] ? ", reprobed for " : "", b->old_driver);
	}
	st->n = 0;
	if (st->loaded && syscall(SYS_delete_module, "dmabench", O_NONBLOCK) && log)
		fprintf(log, "[host] rmmod dmabench: %s\n", strerror(errno));
	st->loaded = false;
}

int dmab_host_setup(const struct dmab_opts *o, struct dmab_host_state *st, char *err, size_t errlen,
		    FILE *log)
{
	char path[512], link[512];
	int fd, ret;

	memset(st, 0, sizeof(*st));
	fd = open(o->module, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "open %s: %s", o->module, strerror(errno));
		return -errno;
	}
	/* MODULE_INIT_COMPRESSED_FILE (4): the kernel decompresses (CONFIG_MODULE_DECOMPRESS, 6.6+) */
	if (syscall(SYS_finit_module, fd, "", compressed(o->module) ? 4 : 0) == 0) {
		st->loaded = true;
	} else if (errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "loading %s: %s", o->module, strerror(errno));
		close(fd);
		return ret;
	}
	close(fd);
	for (int i = 0; i < o->ndevices; i++) {
		struct dmab_host_bound *b = &st->dev[i];
		snprintf(b->bdf, sizeof(b->bdf), "%s", o->devices[i]);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", b->bdf);
		ssize_t l = readlink(path, link, sizeof(link) - 1);
		if (l > 0) {
			link[l] = 0;
			snprintf(b->old_driver, sizeof(b->old_driver), "%s", basename(link));
		}
		b->bound = true;	/* from here on, undone by teardown */
		st->n = i + 1;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", b->bdf);
		ret = sysfs_write(path, DMABENCH_DRIVER_NAME);
		if (!ret && b->old_driver[0]) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", b->bdf);
			ret = sysfs_write(path, b->bdf);
		}
		if (!ret)
			ret = sysfs_write("/sys/bus/pci/drivers_probe", b->bdf);
		if (ret) {
			snprintf(err, errlen, "binding %s to %s: %s", b->bdf, DMABENCH_DRIVER_NAME, strerror(-ret));
			dmab_host_teardown(st, log);
			return ret;
		}
		if (log)
			fprintf(log, "[host] %s bound to %s (was %s)\n", b->bdf, DMABENCH_DRIVER_NAME,
				b->old_driver[0] ? b->old_driver : "unbound");
	}
	return 0;
}
