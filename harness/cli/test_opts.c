// SPDX-License-Identifier: GPL-2.0
/* test_opts.c - command line parsing and default resolution. */
#include <errno.h>
#include <sys/stat.h>

#include "harness/cli/opts.h"
#include "lib/test_util.h"

static struct dmab_opts o;
static char err[1024];

static int parse(const char *line)
{
	char buf[1024], *argv[64];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *s = NULL, *t = strtok_r(buf, " ", &s); t && argc < 63; t = strtok_r(NULL, " ", &s))
		argv[argc++] = t;
	argv[argc] = NULL;
	dmab_opts_init(&o);
	return dmab_opts_parse(&o, argc, argv, err, sizeof(err));
}

int main(void)
{
	const char *dir = t_mktemp();
	char path[8192], k[512], i[512];

	unsetenv("DMABENCH_QEMU");
	/* defaults */
	CHECK_EQ(parse("run"), 0);
	CHECK_EQ(o.cmd, DMAB_CMD_RUN);
	CHECK_EQ(o.nbackends, 7);	/* intel-sm added; the QEMU-bounded backends are named only */
	CHECK_STR(o.job, "va,lat");
	CHECK(o.timeout == 600);
	CHECK_EQ(o.jobs, 1);
	CHECK_EQ(o.accel, DMAB_ACCEL_AUTO);
	CHECK_STR(o.paths[0].qemu, "qemu-system-x86_64");
	CHECK_STR(o.paths[1].qemu, "qemu-system-aarch64");
	CHECK(!o.dry_run && !o.host);

	CHECK_EQ(parse("run --backend intel-strict,amd --timeout 30 --job test --jobs 2 --accel tcg "
		       "--kernel /k --initrd=/i --out /o --dry-run"), 0);
	CHECK_EQ(o.nbackends, 2);
	CHECK_STR(o.backends[1]->name, "amd");
	CHECK(o.timeout == 30);
	CHECK_STR(o.job, "test");
	CHECK_EQ(o.jobs, 2);
	CHECK_EQ(o.accel, DMAB_ACCEL_TCG);
	CHECK_STR(o.paths[0].kernel, "/k");
	CHECK_STR(o.paths[0].initrd, "/i");
	CHECK_STR(o.out, "/o");
	CHECK(o.dry_run);
	CHECK_EQ(parse("run --boots 5"), 0);
	CHECK_EQ(o.boots, 5);
	CHECK_EQ(parse("run --boots 0"), -EINVAL);
	CHECK_CONTAINS(err, "--boots");
	CHECK_EQ(parse("run --boots 65"), -EINVAL);
	CHECK_EQ(parse("run --boots x"), -EINVAL);
	CHECK_EQ(parse("run --backend=all --job=test,va,lat -j 2"), 0);
	CHECK_EQ(o.nbackends, 7);
	CHECK_STR(o.job, "test,va,lat");

	CHECK_EQ(parse("run --help"), 0);
	CHECK_EQ(o.cmd, DMAB_CMD_HELP);

	/* errors, each with a message naming the problem */
	CHECK_EQ(parse("run --bogus"), -EINVAL);
	CHECK_CONTAINS(err, "--bogus");
	CHECK_EQ(parse("run --backend vmware"), -EINVAL);
	CHECK_CONTAINS(err, "vmware");
	CHECK_EQ(parse("run --backend"), -EINVAL);
	CHECK_CONTAINS(err, "needs a value");
	CHECK_EQ(parse("run --timeout 0"), -EINVAL);
	CHECK_EQ(parse("run --timeout abc"), -EINVAL);
	CHECK_EQ(parse("run --timeout -5"), -EINVAL);
	CHECK_EQ(parse("run --jobs 0"), -EINVAL);
	CHECK_EQ(parse("run --jobs 2x"), -EINVAL);
	CHECK_EQ(parse("run --accel xen"), -EINVAL);
	CHECK_EQ(parse("run --job bogus"), -EINVAL);
	CHECK_CONTAINS(err, "bogus");
	CHECK_EQ(parse("run --job fuzz"), 0);	/* fuzz/campaign.c */
	CHECK_EQ(parse("run --job va,,lat"), -EINVAL);
	CHECK_EQ(parse("run --job va,"), -EINVAL);
	CHECK_EQ(parse("run extra"), -EINVAL);
	CHECK_EQ(parse("run --device 00:02.0"), -EINVAL);	/* only with --host */
	CHECK_EQ(parse("run --host --backend direct"), -EINVAL);
	CHECK_EQ(parse("run --host --dry-run"), -EINVAL);
	CHECK_EQ(parse("run --host --device 00:02.0,0000:03:00.1"), 0);
	CHECK_EQ(o.ndevices, 2);
	CHECK_STR(o.devices[0], "0000:00:02.0");
	CHECK_STR(o.devices[1], "0000:03:00.1");
	CHECK_EQ(parse("run --host --device 00:02"), -EINVAL);
	CHECK_EQ(parse("run --host --device 0000:00:20.0"), -EINVAL);	/* device > 0x1f */
	CHECK_EQ(parse("run --host --device 0000:00:02.8"), -EINVAL);
	CHECK_EQ(parse("run --host --device zz:00.0"), -EINVAL);

	CHECK(dmab_job_has("va,lat", "lat"));
	CHECK(!dmab_job_has("va,lat", "la"));
	CHECK(!dmab_job_has("test", "va"));

	/* resolve: files must exist; qemu must be found */
	snprintf(k, sizeof(k), "%s/vmlinuz", dir);
	snprintf(i, sizeof(i), "%s/initramfs.cpio", dir);
	snprintf(path, sizeof(path), "run --kernel %s --initrd %s --out %s/out --qemu /bin/true", k, i, dir);
	CHECK_EQ(parse(path), 0);
	CHECK_EQ(dmab_opts_resolve(&o, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "kernel");
	t_write(k, "kernel");
	CHECK_EQ(dmab_opts_resolve(&o, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "initramfs");
	t_write(i, "cpio");
	CHECK_EQ(dmab_opts_resolve(&o, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "run --kernel %s --initrd %s --qemu no-such-qemu-binary", k, i);
	CHECK_EQ(parse(path), 0);
	CHECK_EQ(dmab_opts_resolve(&o, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "no-such-qemu-binary");
	setenv("DMABENCH_QEMU", "/bin/true", 1);
	snprintf(path, sizeof(path), "run --kernel %s --initrd %s", k, i);
	CHECK_EQ(parse(path), 0);
	CHECK_STR(o.paths[0].qemu, "/bin/true");
	CHECK_EQ(dmab_opts_resolve(&o, err, sizeof(err)), 0);
	/* default out and repo: the repo holding this test binary */
	CHECK_CONTAINS(o.out, "/results");
	snprintf(path, sizeof(path), "%.4000s/kmod/dmabench_abi.h", o.repo);
	CHECK(dmab_is_file(path));
	/* --arch: arm64 backends; --kernel/--initrd/--qemu are arm64's without x86_64 */
	CHECK_EQ(parse("run --arch arm64 --backend all"), 0);
	CHECK_EQ(o.nbackends, 5);
	CHECK_STR(o.backends[0]->arch, "arm64");
	CHECK_EQ(parse("run --backend direct --arch arm64"), 0);	/* order does not matter */
	CHECK_EQ(o.nbackends, 1);
	CHECK_STR(o.backends[0]->arch, "arm64");
	CHECK_EQ(parse("run --arch x86_64,arm64"), 0);
	CHECK_EQ(o.nbackends, 12);
	CHECK_EQ(parse("run --arch riscv64"), -EINVAL);
	CHECK_CONTAINS(err, "riscv64");
	CHECK_EQ(parse("run --arch arm64 --backend intel-strict"), -EINVAL);
	CHECK_CONTAINS(err, "intel-strict");
	CHECK_EQ(parse("run --backend arm64-swiotlb,amd"), 0);	/* labels select any arch */
	CHECK_EQ(o.nbackends, 2);
	snprintf(path, sizeof(path), "run --arch arm64 --kernel %s --initrd %s --qemu /bin/true", k, i);
	CHECK_EQ(parse(path), 0);
	CHECK_STR(o.paths[1].kernel, k);
	CHECK_STR(o.paths[1].initrd, i);
	CHECK_STR(o.paths[1].qemu, "/bin/true");
	CHECK_STR(o.paths[0].kernel, "");
	CHECK_EQ(dmab_opts_resolve(&o, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "run --arch arm64 --kernel %s/none --initrd %s --qemu /bin/true", dir, i);
	CHECK_EQ(parse(path), 0);
	CHECK_EQ(dmab_opts_resolve(&o, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "arm64 kernel");

	/* --host: module path checked */
	snprintf(path, sizeof(path), "run --host --module %s/none.ko", dir);
	CHECK_EQ(parse(path), 0);
	CHECK_EQ(dmab_opts_resolve(&o, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "none.ko");
	unsetenv("DMABENCH_QEMU");

	/* newest kernel by version order */
	char bd[1024];
	snprintf(bd, sizeof(bd), "%s/boot", dir);
	mkdir(bd, 0755);
	const char *names[] = { "vmlinuz-6.1.0-9-amd64", "vmlinuz-6.1.0-56-amd64", "vmlinuz-5.10.0-30-amd64",
				"vmlinuz-6.9.0-1-arm64", "config-7.0.0-1-amd64" };
	for (int n = 0; n < 5; n++) {
		snprintf(path, sizeof(path), "%s/%s", bd, names[n]);
		t_write(path, "x");
	}
	CHECK_EQ(dmab_newest_match(bd, "vmlinuz-", "-amd64", path, sizeof(path)), 0);
	CHECK_CONTAINS(path, "vmlinuz-6.1.0-56-amd64");
	CHECK_EQ(dmab_newest_match(bd, "vmlinuz-", "-riscv", path, sizeof(path)), -ENOENT);
	return t_done("test_opts");
}
