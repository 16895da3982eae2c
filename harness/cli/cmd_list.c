// SPDX-License-Identifier: GPL-2.0
/* cmd_list.c - `dmabench backends`, `topologies`, `arches`: the descriptor tables. */
#include <stdio.h>
#include <string.h>

#include "harness/cli/commands.h"
#include "harness/plan/arches.h"
#include "harness/plan/backends.h"
#include "harness/plan/topologies.h"
#include "harness/vm/exitcodes.h"

static int no_args(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "dmabench: %s: unexpected argument '%s'\n", argv[0], argv[1]);
		return DMAB_EXIT_USAGE;
	}
	return 0;
}

static void list_topologies(void)
{
	printf("%-16s %-12s %-4s %-5s %-38s %s\n", "topology", "arches", "edu", "RAM", "/bin/share roles", "notes");
	for (size_t i = 0; i < dmab_ntopologies; i++) {
		const struct dmab_topology *t = &dmab_topologies[i];
		char mem[16];

		snprintf(mem, sizeof(mem), "%dG", t->mem_mb ? t->mem_mb / 1024 : 1);
		printf("%-16s %-12s %-4d %-5s %-38s %s\n", t->name, t->arches, t->nedu, mem, t->share_args, t->note);
		printf("%-16s   qemu:", "");
		if (t->machine_props)
			printf(" -machine <backend>,%s", t->machine_props);
		for (int d = 0; d < DMAB_TOPO_MAX_DEVICES && t->devices[d]; d++)
			printf(" -device %s", t->devices[d]);
		if (t->modparams)
			printf("; kernel: %s", t->modparams);
		printf("\n%-16s   measured (intel-strict): %s\n", "", t->measured);
	}
	printf("devices follow the backend's IOMMU device; /bin/share gets \"--topology <name> <roles>\" in "
	       "DMABENCH_SHARE_ARGS (a DMABENCH_SHARE_ARGS in --append replaces it)\n");
}

static void list_backends(void)
{
	printf("%-13s %-8s %-7s %-16s %-34s %s\n", "backend", "expect", "domain", "qemu devices",
	       "kernel cmdline", "notes");
	for (size_t i = 0; i < dmab_nbackends; i++) {
		const struct dmab_backend *b = &dmab_backends[i];
		char devs[128] = "";
		for (int d = 0; d < DMAB_MAX_QEMU_DEVICES && b->devices[d]; d++) {
			if (devs[0])
				strcat(devs, ",");
			strncat(devs, b->devices[d], sizeof(devs) - strlen(devs) - 2);
		}
		printf("%-13s %-8s %-7s %-16s %-34s %s\n", dmab_backend_label(b), b->expect_ops, b->expect_domain,
		       devs[0] ? devs : "-", b->cmdline[0] ? b->cmdline : "-", b->note);
	}
	printf("every VM: -cpu max -m 1G -smp 1, two -device %s after the backend devices; "
	       "the arch's QEMU, console and results channel: see 'dmabench arches'\n", DMAB_EDU_DEVICE);
}

static void list_arches(void)
{
	printf("%-8s %-20s %-8s %-12s %-5s %s\n", "arch", "qemu", "labels", "results", "kvm", "notes");
	for (size_t i = 0; i < dmab_narches; i++) {
		const struct dmab_arch *a = &dmab_arches[i];
		char labels[32];

		snprintf(labels, sizeof(labels), "%s*", a->label_prefix);
		printf("%-8s %-20s %-8s %-12s %-5s %s\n", a->name, dmab_arch_qemu(a), labels,
		       a->results == DMAB_RESULTS_VIRTCONSOLE ? "virtconsole" : "serial", a->kvm ? "probe" : "no",
		       a->note);
		printf("%-8s   kernel: newest %s/vmlinuz-*%s (%s); initramfs %s (%s)\n", "", a->kernel_dir,
		       a->kernel_suffix, a->kernel_from, a->initrd, a->initrd_make);
		printf("%-8s   cmdline: %s; guest compiler: %sgcc; QEMU: $%s or --qemu, Debian package %s\n", "",
		       a->cmdline, a->cross_compile, a->qemu_env, a->qemu_pkg);
	}
}

int dmab_cmd_backends(int argc, char **argv)
{
	int r = no_args(argc, argv);

	if (!r)
		list_backends();
	return r;
}

int dmab_cmd_topologies(int argc, char **argv)
{
	int r = no_args(argc, argv);

	if (!r)
		list_topologies();
	return r;
}

int dmab_cmd_arches(int argc, char **argv)
{
	int r = no_args(argc, argv);

	if (!r)
		list_arches();
	return r;
}
