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
		dmab_argv_free(argv);
	}
	return t_done("test_arches");
}
