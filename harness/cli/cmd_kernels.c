// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_kernels.c - `dmabench kernels`: the kernel table (harness/plan/kernels.c)
 * with what is fetched and built of each, the arches' default kernels and
 * the debug kernel; `dmabench kernels fetch [--arch A] [--build] K,...`
 * fetches (and builds) table kernels without running anything.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "harness/cli/commands.h"
#include "harness/plan/kernels.h"
#include "harness/vm/exitcodes.h"
#include "lib/util.h"

static void list_kernels(const char *repo)
{
	char path[4400], cfg[4400], newest[4400];

	printf("%-16s %-13s %-26s %-9s %s\n", "kernel", "arch", "release", "initramfs", "notes / where");
	for (size_t i = 0; i < dmab_nkernel_descs; i++) {
		const struct dmab_kernel_desc *d = &dmab_kernel_descs[i];

		for (size_t a = 0; a < dmab_narches; a++) {
			const struct dmab_arch *ar = &dmab_arches[a];
			struct dmab_kernel k;
			char cmd[4400];

			if (!dmab_arch_in(d->arches, ar->name))
				continue;
			if (dmab_kernel_locate(&k, d, ar, repo)) {
				printf("%-16s %-13s %-26s %-9s not fetched: dmabench kernels fetch --arch %s %s\n", d->name,
				       ar->name, "-", "-", ar->name, d->name);
				continue;
			}
			dmab_kernel_make_cmd(&k, cmd, sizeof(cmd));
			printf("%-16s %-13s %-26s %-9s %s\n", d->name, ar->name, k.release,
			       dmab_is_file(k.initrd) ? "built" : "missing", k.image);
			if (!dmab_is_file(k.initrd))
				printf("%-16s %-13s %-26s %-9s build: %s\n", "", "", "", "", cmd);
		}
		printf("%-16s %-13s %-26s %-9s %s (%s, page %u)\n", "", "", "", "", d->note, d->dist, d->page_size);
	}
	for (size_t a = 0; a < dmab_narches; a++) {
		const struct dmab_arch *ar = &dmab_arches[a];
		const char *rel;

		if (ar->kernel_dir[0] == '/')
			snprintf(path, sizeof(path), "%s", ar->kernel_dir);
		else
			snprintf(path, sizeof(path), "%.4000s/%s", repo, ar->kernel_dir);
		if (dmab_newest_match(path, "vmlinuz-", ar->kernel_suffix, newest, sizeof(newest))) {
			printf("%-16s %-13s %-26s %-9s none: %s\n", "default", ar->name, "-", "-", ar->kernel_from);
			continue;
		}
		rel = strrchr(newest, '/') ? strrchr(newest, '/') + 1 + strlen("vmlinuz-") : newest;
		snprintf(cfg, sizeof(cfg), "%.4000s/%s", repo, ar->initrd);
		printf("%-16s %-13s %-26s %-9s %s (%s; no --kernel)\n", "default", ar->name, rel,
		       dmab_is_file(cfg) ? "built" : "missing", newest, ar->kernel_from);
	}
	snprintf(path, sizeof(path), "%.4000s/build/kernel/bzImage", repo);
	snprintf(cfg, sizeof(cfg), "%.4000s/build/kernel/x86_64/initramfs.cpio", repo);
	printf("%-16s %-13s %-26s %-9s %s\n", "PATH", "x86_64", "(the image's)",
	       dmab_is_file(path) ? (dmab_is_file(cfg) ? "built" : "missing") : "-",
	       dmab_is_file(path) ? "make kernel's debug kernel: --kernel build/kernel/bzImage "
				    "--initrd build/kernel/x86_64/initramfs.cpio" :
				    "a user's kernel: --kernel PATH [--initrd PATH]; debug kernel: make kernel");
}

/* dmabench kernels fetch [--arch A] [--build] K,... */
static int fetch(const char *repo, int argc, char **argv)
{
	const char *arch = dmab_arches[0].name, *list = NULL;
	bool build = false;
	char err[1024], buf[1024];
	int bad = 0;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--arch") && i + 1 < argc)
			arch = argv[++i];
		else if (!strncmp(argv[i], "--arch=", 7))
			arch = argv[i] + 7;
		else if (!strcmp(argv[i], "--build"))
			build = true;
		else if (argv[i][0] != '-' && !list)
			list = argv[i];
		else {
			fprintf(stderr, "dmabench: kernels fetch: unexpected '%s'\n", argv[i]);
			return DMAB_EXIT_USAGE;
		}
	}
	const struct dmab_arch *a = dmab_arch_find(arch);
	if (!a || !list || strlen(list) >= sizeof(buf)) {
		fprintf(stderr, "usage: dmabench kernels fetch [--arch %s] [--build] KERNEL,... (known: %s)\n",
			dmab_arch_names(), dmab_kernel_desc_names());
		return DMAB_EXIT_USAGE;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct dmab_kernel_desc *d = dmab_kernel_desc_find(t);
		struct dmab_kernel k;

		if (!d) {
			fprintf(stderr, "dmabench: kernels fetch: unknown kernel '%s' (known: %s)\n", t,
				dmab_kernel_desc_names());
			return DMAB_EXIT_USAGE;
		}
		if (dmab_kernel_fetch(repo, d, a, stdout, err, sizeof(err)) ||
		    dmab_kernel_locate(&k, d, a, repo) || (build && dmab_kernel_build(repo, &k, stdout, err, sizeof(err)))) {
			fprintf(stderr, "dmabench: %s\n", err);
			bad++;
			continue;
		}
		printf("dmabench: %s %s: %s (%s)%s\n", d->name, a->name, k.release, k.image,
		       build ? ", initramfs built" : "");
	}
	return bad ? DMAB_EXIT_USAGE : 0;
}

int dmab_cmd_kernels(int argc, char **argv)
{
	char repo[4096];

	dmab_repo_root(repo, sizeof(repo));
	if (argc > 1 && !strcmp(argv[1], "fetch"))
		return fetch(repo, argc, argv);
	if (argc > 1) {
		fprintf(stderr, "dmabench: kernels: unexpected argument '%s' (kernels [fetch ...])\n", argv[1]);
		return DMAB_EXIT_USAGE;
	}
	list_kernels(repo);
	return 0;
}
