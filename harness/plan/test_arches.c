// SPDX-License-Identifier: GPL-2.0
/*
 * test_arches.c - the arch table: every backend and topology names an arch of
 * it, labels are unique, the QEMU override, and what each arch puts on the
 * QEMU and kernel command lines comes from its descriptor.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/plan/arches.h"
#include "harness/plan/qemu.h"
#include "lib/test_util.h"

static int argv_has(char **argv, const char *a, const char *b)
{
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], a) && (!b || (argv[i + 1] && !strncmp(argv[i + 1], b, strlen(b)))))
			return 1;
	return 0;
}

int main(void)
{
	const char *bad;

	CHECK_STR(dmab_arch_names(), "x86_64,arm64");
	CHECK(dmab_arch_find("riscv64") == NULL);
	for (size_t i = 0; i < dmab_narches; i++) {
		const struct dmab_arch *a = &dmab_arches[i];

		CHECK(dmab_arch_find(a->name) == a);
		CHECK_EQ(dmab_arch_index(a), i);
		CHECK(a->qemu && a->qemu_env && a->qemu_pkg && a->cmdline && a->kernel_dir && a->initrd && a->note);
		CHECK(a->results == DMAB_RESULTS_SERIAL || a->results_dev);
	}
	/* exactly one arch has bare backend labels: the first */
	CHECK_STR(dmab_arches[0].label_prefix, "");
	for (size_t i = 1; i < dmab_narches; i++)
		CHECK(dmab_arches[i].label_prefix[0]);
	for (size_t i = 0; i < dmab_nbackends; i++) {
		CHECK(dmab_arch_find(dmab_backends[i].arch) != NULL);
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(dmab_backend_label(&dmab_backends[i]), dmab_backend_label(&dmab_backends[k])));
	}
	for (size_t i = 0; i < dmab_ntopologies; i++)
		CHECK_EQ(dmab_arch_list_check(dmab_topologies[i].arches, &bad), 0);

	setenv("DMABENCH_QEMU_ARM64", "/opt/q", 1);
	CHECK_STR(dmab_arch_qemu(dmab_arch_find("arm64")), "/opt/q");
	unsetenv("DMABENCH_QEMU_ARM64");
	CHECK_STR(dmab_arch_qemu(dmab_arch_find("arm64")), "qemu-system-aarch64");

	/* each backend's QEMU line carries its arch's command line start and results channel */
	for (size_t i = 0; i < dmab_nbackends; i++) {
		const struct dmab_backend *b = &dmab_backends[i];
		const struct dmab_arch *a = dmab_arch_find(b->arch);
		struct dmab_vm_spec s = {
			.qemu = a->qemu, .kernel = "/k", .initrd = "/i", .backend = b, .job = "test", .accel = "tcg",
			.console_path = "/c", .chan_path = "/r",
		};
		char **argv = NULL, cmd[2048];

		CHECK_EQ(dmab_qemu_argv(&s, &argv), 0);
		CHECK_EQ(dmab_kernel_cmdline(&s, cmd, sizeof(cmd)), 0);
		CHECK(!strncmp(cmd, a->cmdline, strlen(a->cmdline)));
		CHECK_STR(argv[0], a->qemu);
		if (a->results == DMAB_RESULTS_SERIAL) {
			CHECK(argv_has(argv, "-serial", "file:/r"));
		} else {
			CHECK(argv_has(argv, "-chardev", "file,id=dmabres,path=/r"));
			CHECK(argv_has(argv, "virtconsole,chardev=dmabres", NULL));
			CHECK_CONTAINS(cmd, a->results_dev);
		}
		/* -global per backend, as the descriptor says */
		for (int g = 0; g < DMAB_MAX_QEMU_GLOBALS && b->globals[g]; g++)
			CHECK(argv_has(argv, "-global", b->globals[g]));
		dmab_argv_free(argv);
	}

	/* QEMU version bounds */
	char v[32];
	CHECK_STR(dmab_qemu_upstream("QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)", v, sizeof(v)),
		  "10.0.2");
	CHECK_STR(dmab_qemu_upstream("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)", v, sizeof(v)), "7.2.22");
	CHECK_STR(dmab_qemu_upstream("unknown", v, sizeof(v)), "");
	CHECK(dmab_version_cmp("10.0.2", "10.0") > 0);
	CHECK(dmab_version_cmp("10.0", "10.0.0") == 0);
	CHECK(dmab_version_cmp("7.2.22", "10.0") < 0);
	CHECK(dmab_version_cmp("9.2", "10.0") < 0);
	const struct dmab_backend *fl = dmab_backend_find("intel-flts"), *am = dmab_backend_find("amd");
	CHECK(fl && am);
	CHECK(dmab_backend_qemu_ok(fl, "QEMU emulator version 10.0.2 (Debian)"));
	CHECK(!dmab_backend_qemu_ok(fl, "QEMU emulator version 7.2.22 (Debian)"));
	CHECK(!dmab_backend_qemu_ok(fl, "unknown"));
	CHECK(dmab_backend_qemu_ok(am, "unknown"));
	CHECK(argv_has((char *[]){ "-global", "arm-smmuv3.stage=2", NULL }, "-global", "arm-smmuv3.stage=2"));
	return t_done("test_arches");
}
