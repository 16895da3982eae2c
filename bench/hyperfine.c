// SPDX-License-Identifier: GPL-2.0
/*
 * hyperfine (guest job wrapper) - `hyperfine OUT.json [hyperfine args]`:
 * runs the real hyperfine (<root>/usr/bin/hyperfine, dynamically linked, its
 * libraries copied into the initramfs) on bin/amt: alloc + mmap + touch +
 * free of 16 buffers of 4 KiB and of 1 MiB, with and without
 * NO_KERNEL_MAPPING, --shell=none, JSON export to OUT.json. Extra args
 * (DMABENCH_HYPERFINE_ARGS) go before the commands, e.g. --runs=50.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char self[PATH_MAX], root[PATH_MAX], hf[PATH_MAX + 32], amt[PATH_MAX + 32];
	char cmds[4][PATH_MAX + 64];
	char *av[64];
	int n = 0;
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	static const char *const variants[4] = { "--size 4K", "--size 4K --nkm", "--size 1M", "--size 1M --nkm" };

	if (argc < 2 || l <= 0) {
		fprintf(stderr, "usage: hyperfine OUT.json [hyperfine args]\n");
		return 2;
	}
	self[l] = 0;
	snprintf(root, sizeof(root), "%s", dirname(dirname(self)));	/* <root>/bin/hyperfine */
	if (!strcmp(root, "/"))
		root[0] = 0;
	snprintf(hf, sizeof(hf), "%s/usr/bin/hyperfine", root);
	snprintf(amt, sizeof(amt), "%s/bin/amt", root);
	av[n++] = hf;
	av[n++] = "--shell=none";
	av[n++] = "--warmup=3";
	av[n++] = "--min-runs=20";
	av[n++] = "--style=basic";
	av[n++] = "--export-json";
	av[n++] = argv[1];
	for (int i = 2; i < argc && n < 50; i++)
		av[n++] = argv[i];
	for (int i = 0; i < 4; i++) {
		snprintf(cmds[i], sizeof(cmds[i]), "%s --count 16 %s", amt, variants[i]);
		av[n++] = cmds[i];
	}
	av[n] = NULL;
	execv(hf, av);
	fprintf(stderr, "hyperfine: exec %s: %s\n", hf, strerror(errno));
	return 1;
}
