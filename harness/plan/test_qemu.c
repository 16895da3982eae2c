// SPDX-License-Identifier: GPL-2.0
/* test_qemu.c - QEMU command lines for every backend, quoting, spawn errors. */
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/plan/qemu.h"
#include "lib/test_util.h"

static int idx(char **argv, const char *s, int from)
{
	for (int i = from; argv[i]; i++)
		if (!strcmp(argv[i], s))
			return i;
	return -1;
}

int main(void)
{
	char **argv;
	char cmd[2048];

	for (size_t b = 0; b < dmab_nbackends; b++) {
		const struct dmab_backend *be = &dmab_backends[b];
		if (strcmp(be->arch, "x86_64"))
			continue;	/* arm64: below */
		struct dmab_vm_spec s = {
			.qemu = "qemu-system-x86_64", .kernel = "/boot/vmlinuz-x", .initrd = "/tmp/i.cpio",
			.backend = be, .job = "va,lat", .accel = "tcg",
			.console_path = "/r/x/console.log", .chan_path = "/r/x/channel.raw",
		};
		CHECK_EQ(dmab_qemu_argv(&s, &argv), 0);
		CHECK_STR(argv[0], "qemu-system-x86_64");
		int i = idx(argv, "-machine", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "q35"));
		i = idx(argv, "-accel", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "tcg"));
		i = idx(argv, "-m", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "1G"));
		i = idx(argv, "-cpu", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "max"));
		i = idx(argv, "-smp", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "1"));
		CHECK(idx(argv, "-nographic", 0) > 0);
		CHECK(idx(argv, "-no-reboot", 0) > 0);
		CHECK(idx(argv, "-nodefaults", 0) > 0);
		i = idx(argv, "-kernel", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "/boot/vmlinuz-x"));
		i = idx(argv, "-initrd", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "/tmp/i.cpio"));
		/* serial 0 = console, serial 1 = results channel, in that order */
		i = idx(argv, "-serial", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "file:/r/x/console.log"));
		i = idx(argv, "-serial", i + 1);
		CHECK(i > 0 && !strcmp(argv[i + 1], "file:/r/x/channel.raw"));
		/* kernel command line */
		i = idx(argv, "-append", 0);
		CHECK(i > 0);
		const char *ap = argv[i + 1];
		CHECK(!strncmp(ap, "console=ttyS0 panic=-1 no_timer_check ", 38));
		CHECK_CONTAINS(ap, be->cmdline);
		snprintf(cmd, sizeof(cmd), "DMABENCH_JOB=va,lat DMABENCH_BACKEND=%s DMABENCH_EXPECT_OPS=%s "
			 "DMABENCH_EXPECT_DOMAIN=%s", be->name, be->expect_ops, be->expect_domain);
		CHECK_CONTAINS(ap, cmd);
		CHECK(!strstr(ap, "  "));
		/* IOMMU devices come before both edu devices; exactly two edu */
		int first_edu = -1, nedu = 0, iommu = -1;
		for (int k = 0; argv[k]; k++) {
			if (strcmp(argv[k], "-device"))
				continue;
			if (!strcmp(argv[k + 1], "edu,dma_mask=0xffffffffffffffff")) {
				nedu++;
				if (first_edu < 0)
					first_edu = k;
			} else if (strstr(argv[k + 1], "iommu")) {
				iommu = k;
			}
		}
		CHECK_EQ(nedu, 2);
		if (be->devices[0])
			CHECK(iommu > 0 && iommu < first_edu);
		else
			CHECK_EQ(iommu, -1);
		char *line = dmab_argv_join(argv);
		CHECK(line != NULL);
		CHECK_CONTAINS(line, "-append 'console=ttyS0 panic=-1 ");
		free(line);
		dmab_argv_free(argv);
	}

	/* arm64: virt (+smmuv3), PL011 console, results over a PCI 16550 after the edu devices */
	int narm = 0;
	for (size_t b = 0; b < dmab_nbackends; b++) {
		const struct dmab_backend *be = &dmab_backends[b];
		if (strcmp(be->arch, "arm64"))
			continue;
		narm++;
		struct dmab_vm_spec s = {
			.qemu = "qemu-system-aarch64", .kernel = "/k/vmlinuz-a", .initrd = "/i.cpio",
			.backend = be, .job = "test", .accel = "tcg",
			.console_path = "/r/c.log", .chan_path = "/r/ch.raw",
		};
		CHECK_EQ(dmab_qemu_argv(&s, &argv), 0);
		int i = idx(argv, "-machine", 0);
		CHECK(i > 0 && !strncmp(argv[i + 1], "virt", 4));
		CHECK_EQ(!!strstr(argv[i + 1], "iommu=smmuv3"), !strncmp(be->name, "smmuv3", 6));
		i = idx(argv, "-serial", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "file:/r/c.log"));
		CHECK_EQ(idx(argv, "-serial", i + 1), -1);
		i = idx(argv, "-chardev", 0);
		CHECK(i > 0 && !strcmp(argv[i + 1], "file,id=dmabres,path=/r/ch.raw"));
		int last_edu = -1, ser = -1;
		for (int k = 0; argv[k]; k++) {
			if (strcmp(argv[k], "-device"))
				continue;
			if (!strcmp(argv[k + 1], DMAB_EDU_DEVICE))
				last_edu = k;
			if (!strcmp(argv[k + 1], "virtconsole,chardev=dmabres") &&
			    !strcmp(argv[k - 1], "virtio-serial-pci"))
				ser = k;
		}
		CHECK(last_edu > 0 && ser > last_edu);
		CHECK_EQ(dmab_kernel_cmdline(&s, cmd, sizeof(cmd)), 0);
		CHECK(!strncmp(cmd, "console=ttyAMA0 panic=-1 ", 25));
		CHECK(!strstr(cmd, "ttyS0 panic") && !strstr(cmd, "no_timer_check"));
		CHECK_CONTAINS(cmd, " DMABENCH_RESULTS=/dev/hvc0");
		CHECK_CONTAINS(cmd, "DMABENCH_BACKEND=arm64-");
		CHECK_CONTAINS(cmd, be->expect_coherent && !strcmp(be->expect_coherent, "no") ?
			       "DMABENCH_DEV_KIND=platform DMABENCH_EXPECT_COHERENT=no" : "DMABENCH_EXPECT_COHERENT=yes");
		CHECK(!strstr(cmd, "  "));
		dmab_argv_free(argv);
	}
	CHECK_EQ(narm, 5);

	/* kvm accel and custom memory */
	struct dmab_vm_spec s = {
		.qemu = "q", .kernel = "k", .initrd = "i", .backend = dmab_backend_find("amd"), .job = "test",
		.accel = "kvm", .console_path = "c", .chan_path = "r", .mem_mb = 1536,
	};
	CHECK_EQ(dmab_qemu_argv(&s, &argv), 0);
	CHECK(!strcmp(argv[idx(argv, "-accel", 0) + 1], "kvm"));
	CHECK(!strcmp(argv[idx(argv, "-m", 0) + 1], "1536M"));
	CHECK_EQ(dmab_kernel_cmdline(&s, cmd, sizeof(cmd)), 0);
	CHECK_STR(cmd, "console=ttyS0 panic=-1 no_timer_check DMABENCH_JOB=test DMABENCH_BACKEND=amd "
		       "DMABENCH_EXPECT_OPS=iommu DMABENCH_EXPECT_DOMAIN=DMA slub_debug=P");
	/* a job's own words only for that job: va boots without slab poisoning */
	s.job = "va";
	CHECK_EQ(dmab_kernel_cmdline(&s, cmd, sizeof(cmd)), 0);
	CHECK(!strstr(cmd, "slub_debug"));
	s.job = "test";
	CHECK_EQ(dmab_kernel_cmdline(&s, cmd, 20), -ENOSPC);
	dmab_argv_free(argv);

	/* shell quoting */
	char *q[] = { "a", "b c", "it's", "", "x=y,z", NULL };
	char *j = dmab_argv_join(q);
	CHECK_STR(j, "a 'b c' 'it'\\''s' '' x=y,z");
	free(j);

	/* spawn: exec failure is reported, no child left */
	pid_t pid;
	char *bad[] = { "/nonexistent/qemu-system-x86_64", NULL };
	CHECK_EQ(dmab_spawn(bad, NULL, NULL, &pid), -ENOENT);
	CHECK_EQ(pid, -1);
	CHECK_EQ(waitpid(-1, NULL, WNOHANG), -1);
	/* spawn: own process group, output to the log */
	const char *dir = t_mktemp();
	char log[512];
	snprintf(log, sizeof(log), "%s/log", dir);
	char *sh[] = { "/bin/sh", "-c", "echo out; echo err >&2; cut -d' ' -f5 /proc/$$/stat", NULL };
	CHECK_EQ(dmab_spawn(sh, NULL, log, &pid), 0);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	char *txt = NULL;
	CHECK_EQ(dmab_read_file(log, &txt, NULL, 4096), 0);
	char want[64];
	snprintf(want, sizeof(want), "out\nerr\n%d", (int)pid);
	CHECK_CONTAINS(txt, want);
	free(txt);
	/* spawn: extra environment for the child only (the host runner's DMABENCH_* variables) */
	char e1[] = "DMABENCH_T_ONE=1", e2[] = "DMABENCH_T_TWO=two words";
	char *env[] = { e1, e2, NULL };
	char *sh2[] = { "/bin/sh", "-c", "echo \"[$DMABENCH_T_ONE][$DMABENCH_T_TWO]\"", NULL };
	unlink(log);
	CHECK_EQ(dmab_spawn(sh2, env, log, &pid), 0);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(dmab_read_file(log, &txt, NULL, 4096), 0);
	CHECK_CONTAINS(txt, "[1][two words]");
	free(txt);
	CHECK(getenv("DMABENCH_T_ONE") == NULL);

	/* version of a fake "qemu" */
	char ver[128];
	snprintf(log, sizeof(log), "%s/fakeqemu", dir);
	t_write(log, "#!/bin/sh\necho 'QEMU emulator version 9.9.9'\necho 'Copyright'\n");
	chmod(log, 0755);
	CHECK_EQ(dmab_qemu_version(log, ver, sizeof(ver)), 0);
	CHECK_STR(ver, "QEMU emulator version 9.9.9");
	CHECK(dmab_qemu_version("/nonexistent/q", ver, sizeof(ver)) != 0);
	/* run_capture timeout kills the child */
	char *slow[] = { "/bin/sh", "-c", "sleep 30", NULL };
	double t0 = dmab_now();
	CHECK_EQ(dmab_run_capture(slow, NULL, 0.3, ver, sizeof(ver)), -ETIMEDOUT);
	CHECK(dmab_now() - t0 < 5);
	/* KVM probe with a "qemu" that exits at once: not usable, bounded */
	if (access("/dev/kvm", R_OK | W_OK) == 0) {
		char why[256];
		t_write(log, "#!/bin/sh\necho 'kvm: failed to set MSR' >&2\nexit 1\n");
		CHECK(dmab_kvm_probe(log, "/boot/none", 5, why, sizeof(why)) != 0);
		CHECK_CONTAINS(why, "failed to set MSR");
		t_write(log, "#!/bin/sh\nexec sleep 30\n");
		t0 = dmab_now();
		CHECK_EQ(dmab_kvm_probe(log, "/boot/none", 1, why, sizeof(why)), -ETIMEDOUT);
		CHECK(dmab_now() - t0 < 8);
	}
	return t_done("test_qemu");
}
