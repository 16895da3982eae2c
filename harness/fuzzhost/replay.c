// SPDX-License-Identifier: GPL-2.0
/* replay.c - `dmabench replay FILE|DIR [--minimize]`: one VM per replay, crash minimisation with one boot per candidate. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/fuzzhost/fz.h"
#include "harness/vm/exitcodes.h"
#include "lib/util.h"

static int replay_one(struct fz *z, const uint8_t *in, size_t len, uint32_t mode, const char **cls,
		      bool *crashed, bool print)
{
	struct dmab_vm vm;
	int ret, code = 0;

	*cls = NULL;
	*crashed = false;
	z->have_result = false;
	z->result_len = 0;
	shm_prepare(z, mode, in, len);
	z->shm->replay_repeat = z->repeat;
	z->shm->replay_flags = z->no_klog ? FZ_REPLAY_NO_KLOG : 0;
	z->boot++;
	ret = boot_vm(z, "--shm auto", &vm, z->o.timeout);
	if (ret < 0)
		return -1;
	harvest(z, vm.console_path);
	if (vm.con.panic || vm.con.oops || (vm.facts.timed_out && vm.con.saw_init)) {
		*cls = crash(z, &vm);
		*crashed = true;
		code = dmab_fuzz_class_exit(*cls);
		if (!strcmp(*cls, "known")) {	/* a known report killed the kernel: not a finding */
			*cls = NULL;
			code = 0;
		}
	} else if (z->have_result) {
		const char *fl = strstr(z->result_text, "FINDING ");

		if (fl) {
			const char *line;
			size_t ll;

			*cls = strstr(fl, "FINDING dma-api") ? "DMA-API" : dmab_fuzz_classify(fl, &line, &ll);
			code = dmab_fuzz_class_exit(*cls);
		}
		if (print)
			fputs(z->result_text, stdout);
	} else {
		fprintf(stderr, "dmabench: replay: the VM ended without a result (%s: %s); console: %s\n",
			dmab_class_name(vm.cls), vm.reason, vm.console_path);
		code = vm.cls ? vm.cls : DMAB_EXIT_RESULTS;
	}
	if (print)
		printf("replay on %s: %s (exit %d); console: %s\n", dmab_backend_label(z->o.backends[0]),
		       *cls ? *cls : "clean", code, vm.console_path);
	dmab_vm_release(&vm);
	return code;
}

/*
 * Crash minimisation on the host: op-level delta debugging where every
 * candidate is one VM boot (the kernel dies on the input). Keeps a cut when
 * the candidate crashes with the same class. At most 64 boots.
 */
static int minimize_crash(struct fz *z, const uint8_t *in, size_t len, const char *cls0, const char *out)
{
	static struct fuzz_program prog, cand;
	static uint8_t buf[FZ_SHM_INPUT_MAX];
	unsigned int chunk, i, j, tries = 0;
	long n;

	fuzz_decode(in, len, &prog);
	for (chunk = prog.nops / 2 ? prog.nops / 2 : 1; chunk >= 1 && tries < 64 && !g_fz_stop; chunk /= 2) {
		for (i = 0; i < prog.nops && prog.nops > 1 && tries < 64 && !g_fz_stop;) {
			const char *cls;
			bool crashed;

			cand.nops = 0;
			for (j = 0; j < prog.nops; j++)
				if (j < i || j >= i + chunk)
					cand.ops[cand.nops++] = prog.ops[j];
			n = fuzz_encode(&cand, buf, sizeof(buf));
			if (n <= 0)
				break;
			tries++;
			replay_one(z, buf, (size_t)n, FZ_MODE_REPLAY, &cls, &crashed, false);
			if (!z->quiet)
				fprintf(stderr, "minimize: try %u: %u of %u ops without [%u, %u): %s\n", tries, cand.nops,
					prog.nops, i, i + chunk, crashed && cls && !strcmp(cls, cls0) ? "still crashes: cut" : "keep");
			if (crashed && cls && !strcmp(cls, cls0))
				prog = cand;
			else
				i += chunk;
		}
		if (chunk == 1)
			break;
	}
	n = fuzz_encode(&prog, buf, sizeof(buf));
	if (n <= 0 || write_bytes(out, buf, (size_t)n))
		return -EIO;
	printf("minimised (%u VM boots): %zu bytes -> %ld bytes, %u ops: %s\n", tries, len, n, prog.nops, out);
	for (i = 0; i < prog.nops; i++) {
		char line[256];

		printf("  %2u %s\n", i, fuzz_format_op(&prog.ops[i], line, sizeof(line)));
	}
	return 0;
}

int cmd_replay(struct fz *z)
{
	char *b = NULL, p[4600];
	size_t len = 0;
	int ret, code;
	const char *cls;
	bool crashed;

	if (dmab_is_dir(z->replay_file)) {	/* a corpus: every file in one VM */
		if (z->minimize) {
			fprintf(stderr, "dmabench: replay: --minimize takes one file, not a folder\n");
			return DMAB_EXIT_USAGE;
		}
		snprintf(z->corpus, sizeof(z->corpus), "%.4300s", z->replay_file);
		code = replay_one(z, NULL, 0, FZ_MODE_REPLAY, &cls, &crashed, true);
		printf("replay %s: %s (exit %d)\n", z->replay_file, cls ? cls : "clean", code);
		return code < 0 ? DMAB_EXIT_USAGE : code;
	}
	ret = dmab_read_file(z->replay_file, &b, &len, FZ_SHM_INPUT_MAX);
	if (ret) {
		fprintf(stderr, "dmabench: replay: %s: %s\n", z->replay_file, strerror(-ret));
		return DMAB_EXIT_USAGE;
	}
	snprintf(z->corpus, sizeof(z->corpus), "%s/corpus", z->rundir);
	snprintf(p, sizeof(p), "%s.min", z->replay_file);
	code = replay_one(z, (const uint8_t *)b, len, z->minimize ? FZ_MODE_MINIMIZE : FZ_MODE_REPLAY, &cls,
			  &crashed, true);
	if (code < 0) {
		free(b);
		return DMAB_EXIT_USAGE;
	}
	if (z->minimize && crashed) {
		if (minimize_crash(z, (const uint8_t *)b, len, cls, p))
			fprintf(stderr, "dmabench: replay: cannot write %s\n", p);
	} else if (z->minimize && z->result_len) {
		if (write_bytes(p, z->result_input, z->result_len) == 0)
			printf("minimised input: %s (%zu bytes, was %zu)\n", p, z->result_len, len);
	} else if (z->minimize) {
		printf("nothing to minimise: %s is clean on %s\n", z->replay_file, dmab_backend_label(z->o.backends[0]));
	}
	printf("replay %s: %s (exit %d)\n", z->replay_file, cls ? cls : "clean", code);
	free(b);
	return code;
}
