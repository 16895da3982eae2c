// SPDX-License-Identifier: GPL-2.0
/* test_hostmode.c - --host argument checks (no module is loaded here). */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/vm/hostmode.h"
#include "lib/test_util.h"

static void write_ko(const char *path, const char *vermagic)
{
	FILE *f = fopen(path, "w");
	static const char elf[] = "\x7f" "ELF\0\0\0junk";
	fwrite(elf, 1, sizeof(elf), f);
	if (vermagic) {
		fputs("license=GPL", f);
		fputc(0, f);
		fprintf(f, "vermagic=%s", vermagic);
		fputc(0, f);
		fputs("name=dmabench", f);
		fputc(0, f);
	}
	fclose(f);
}

int main(void)
{
	const char *root = t_mktemp();
	struct dmab_opts o;
	char err[1024], vm[256], path[600];

	dmab_opts_init(&o);
	o.host = true;
	snprintf(o.module, sizeof(o.module), "%s/dmabench.ko", root);
	snprintf(o.runner, sizeof(o.runner), "%s/init", root);

	/* vermagic of a module */
	write_ko(o.module, "6.1.0-56-amd64 SMP preempt mod_unload modversions ");
	CHECK_EQ(dmab_module_vermagic(o.module, vm, sizeof(vm)), 0);
	CHECK_STR(vm, "6.1.0-56-amd64 SMP preempt mod_unload modversions ");
	snprintf(path, sizeof(path), "%s/plain", root);
	write_ko(path, NULL);
	CHECK_EQ(dmab_module_vermagic(path, vm, sizeof(vm)), -ENOENT);
	CHECK_EQ(dmab_module_vermagic("/nonexistent.ko", vm, sizeof(vm)), -ENOENT);

	/* fake sysfs with one PCI device */
	char sys[512];
	snprintf(sys, sizeof(sys), "%s/sys/bus/pci/devices/0000:00:03.0", root);
	CHECK_EQ(dmab_mkdir_p(sys, 0755), 0);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	t_write(o.runner, "#!/bin/sh\n");

	CHECK_EQ(dmab_host_check(&o, "6.1.0-56-amd64", sys, false, err, sizeof(err)), 0);
	/* wrong kernel */
	CHECK_EQ(dmab_host_check(&o, "6.1.0-55-amd64", sys, false, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "built for '6.1.0-56-amd64'");
	CHECK_EQ(dmab_host_check(&o, "6.1.0-56", sys, false, err, sizeof(err)), -EINVAL);	/* prefix only */
	/* not a module */
	char ko[4096];
	snprintf(ko, sizeof(ko), "%s", o.module);
	snprintf(o.module, sizeof(o.module), "%s", path);
	CHECK_EQ(dmab_host_check(&o, "6.1.0-56-amd64", sys, false, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "not a kernel module");
	/* missing module */
	snprintf(o.module, sizeof(o.module), "%s/missing.ko", root);
	CHECK_EQ(dmab_host_check(&o, "6.1.0-56-amd64", sys, false, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "missing.ko");
	snprintf(o.module, sizeof(o.module), "%s", ko);
	/* devices: present ok, absent refused */
	snprintf(o.devices[0], sizeof(o.devices[0]), "0000:00:03.0");
	o.ndevices = 1;
	CHECK_EQ(dmab_host_check(&o, "6.1.0-56-amd64", sys, false, err, sizeof(err)), 0);
	snprintf(o.devices[1], sizeof(o.devices[1]), "0000:00:04.0");
	o.ndevices = 2;
	CHECK_EQ(dmab_host_check(&o, "6.1.0-56-amd64", sys, false, err, sizeof(err)), -ENODEV);
	CHECK_CONTAINS(err, "0000:00:04.0");
	o.ndevices = 1;
	/* missing runner */
	snprintf(o.runner, sizeof(o.runner), "%s/none", root);
	CHECK_EQ(dmab_host_check(&o, "6.1.0-56-amd64", sys, false, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "runner");
	/* root is required when asked for */
	if (geteuid() != 0) {
		CHECK_EQ(dmab_host_check(&o, "6.1.0-56-amd64", sys, true, err, sizeof(err)), -EPERM);
		CHECK_CONTAINS(err, "root");
	}
	return t_done("test_hostmode");
}
