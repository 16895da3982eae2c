// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_qemus.c - `dmabench qemus`: the emulator table (harness/plan/qemus.c)
 * with what is fetched of each, the host's default QEMU, and which backends
 * each can run (backends.h qemu_min/qemu_max); `dmabench qemus fetch Q,...`
 * fetches table emulators without running anything (the twin of `kernels`).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "harness/cli/commands.h"
#include "harness/plan/qemu.h"
#include "harness/plan/qemus.h"
#include "harness/vm/exitcodes.h"
#include "lib/util.h"

/* the bounded backends q cannot run, as "intel-flts, ..." ("" when none) */
static void left_out(const struct dmab_qemu *q, char *out, size_t len)
{
	size_t l = 0;

	out[0] = 0;
	for (size_t i = 0; i < dmab_nbackends && l < len; i++)
		if (!dmab_qemu_runs(q, &dmab_backends[i]))
			l += (size_t)snprintf(out + l, len - l, "%s%s", l ? ", " : "", dmab_backend_label(&dmab_backends[i]));
}

static void list_qemus(const char *repo)
{
	char lo[512], v[32];

	printf("%-12s %-9s %-34s %s\n", "qemu", "version", "binary (x86_64)", "notes / without");
	for (size_t i = 0; i < dmab_nqemu_descs; i++) {
		const struct dmab_qemu_desc *d = &dmab_qemu_descs[i];
		struct dmab_qemu q;

		if (dmab_qemu_locate(&q, d, repo)) {
			printf("%-12s %-9s %-34s not fetched: dmabench qemus fetch %s\n", d->name, "-", "-", d->name);
		} else {
			printf("%-12s %-9s %s\n", d->name, dmab_qemu_upstream_of(&q, v, sizeof(v)), q.bin[0]);
		}
		left_out(&q, lo, sizeof(lo));
		printf("%-12s %-9s %-34s %s%s%s\n", "", "", "", d->note, lo[0] ? "; no " : "", lo);
	}
	struct dmab_qemu q = { 0 };

	snprintf(q.bin[0], sizeof(q.bin[0]), "%s", dmab_arch_qemu(&dmab_arches[0]));
	if (dmab_qemu_version(q.bin[0], q.version, sizeof(q.version)))
		q.version[0] = 0;
	left_out(&q, lo, sizeof(lo));
	printf("%-12s %-9s %-34s the host's (no --qemu; $%s)%s%s\n", "default",
	       *dmab_qemu_upstream_of(&q, v, sizeof(v)) ? v : "-", q.bin[0], dmab_arches[0].qemu_env,
	       lo[0] ? "; no " : "", lo);
	printf("%-12s %-9s %-34s a QEMU binary: --qemu PATH\n", "PATH", "-", "-");
}

/* dmabench qemus fetch Q,... */
static int fetch(const char *repo, int argc, char **argv)
{
	char err[1024], buf[1024];
	int bad = 0;

	if (argc != 3 || strlen(argv[2]) >= sizeof(buf)) {
		fprintf(stderr, "usage: dmabench qemus fetch QEMU,... (known: %s)\n", dmab_qemu_desc_names());
		return DMAB_EXIT_USAGE;
	}
	snprintf(buf, sizeof(buf), "%s", argv[2]);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct dmab_qemu_desc *d = dmab_qemu_desc_find(t);
		struct dmab_qemu q;

		if (!d) {
			fprintf(stderr, "dmabench: qemus fetch: unknown emulator '%s' (known: %s)\n", t,
				dmab_qemu_desc_names());
			return DMAB_EXIT_USAGE;
		}
		if (dmab_qemu_fetch(repo, d, stdout, err, sizeof(err)) || dmab_qemu_locate(&q, d, repo)) {
			fprintf(stderr, "dmabench: %s\n", err);
			bad++;
			continue;
		}
		printf("dmabench: %s: %s (%s)\n", d->name, q.version, q.bin[0]);
	}
	return bad ? DMAB_EXIT_USAGE : 0;
}

int dmab_cmd_qemus(int argc, char **argv)
{
	char repo[4096];

	dmab_repo_root(repo, sizeof(repo));
	if (argc > 1 && !strcmp(argv[1], "fetch"))
		return fetch(repo, argc, argv);
	if (argc > 1) {
		fprintf(stderr, "dmabench: qemus: unexpected argument '%s' (qemus [fetch Q,...])\n", argv[1]);
		return DMAB_EXIT_USAGE;
	}
	list_qemus(repo);
	return 0;
}
