// SPDX-License-Identifier: GPL-2.0
/* kconfig.c - a guest kernel's build options, and the backends that need one. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plan/kconfig.h"
#include "lib/jobs.h"
#include "lib/util.h"

int dmab_kernel_config_path(const char *kernel, char *out, size_t outlen)
{
	char d[4096], b[4096], cand[4][8300];
	int nc = 0;

	if (!kernel || strlen(kernel) >= sizeof(d))
		return -EINVAL;
	strcpy(d, kernel);
	strcpy(b, kernel);
	const char *dir = dirname(d), *base = basename(b);

	if (!strncmp(base, "vmlinuz-", 8))
		snprintf(cand[nc++], sizeof(cand[0]), "%s/config-%s", dir, base + 8);
	snprintf(cand[nc++], sizeof(cand[0]), "%s.config", kernel);
	snprintf(cand[nc++], sizeof(cand[0]), "%s/config", dir);
	snprintf(cand[nc++], sizeof(cand[0]), "%s/../../../.config", dir);
	for (int i = 0; i < nc; i++) {
		if (!dmab_is_file(cand[i]))
			continue;
		if (strlen(cand[i]) >= outlen)
			return -ENAMETOOLONG;
		strcpy(out, cand[i]);
		return 0;
	}
	return -ENOENT;
}

int dmab_config_file_has(const char *config, const char *opt)
{
	char line[512];
	size_t ol = strlen(opt);
	int found = 0;
	FILE *f = fopen(config, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, opt, ol) && line[ol] == '=')
			found = !strcmp(line + ol + 1, "y\n") || !strcmp(line + ol + 1, "y") ? 1 :
				!strcmp(line + ol + 1, "m\n") || !strcmp(line + ol + 1, "m") ? 2 : 0;
	}
	fclose(f);
	return found;
}

/*
 * 1 has (built in, or a module when module_ok: the initramfs carries it in lib/mods),
 * 0 lacks, -ENOENT no config; why says which config was read
 */
static int kernel_has(const char *kernel, const char *opt, bool module_ok, char *why, size_t wlen)
{
	char cfg[8300];
	int r = dmab_kernel_config_path(kernel, cfg, sizeof(cfg));

	if (r) {
		snprintf(why, wlen, "no config file found next to %s", kernel);
		return r;
	}
	r = dmab_config_file_has(cfg, opt);
	if (r == 2 && !module_ok)
		r = 0;
	if (r < 0)
		snprintf(why, wlen, "%s: %s", cfg, strerror(-r));
	else if (!r)
		snprintf(why, wlen, "%s has no %s=y%s", cfg, opt, module_ok ? " or =m" : "");
	return r ? (r < 0 ? r : 1) : 0;
}

int dmab_backend_kernel_ok(const struct dmab_backend *b, const char *kernel, char *why, size_t wlen)
{
	if (!b->kernel_config || !kernel)
		return 1;
	return kernel_has(kernel, b->kernel_config, b->kernel_config_module, why, wlen);
}

int dmab_backends_for_kernel(const struct dmab_backend **list, int *n, size_t max, bool all,
			     const char *arches, const char *const kernels[], char *note, size_t notelen,
			     char *err, size_t errlen)
{
	char why[8400];
	size_t nl = 0;

	if (note && notelen)
		note[0] = 0;
	for (int i = 0; i < *n; i++) {
		const struct dmab_backend *b = list[i];
		const char *kernel = kernels[dmab_arch_index(dmab_arch_find(b->arch))];

		if (!b->kernel_config || !kernel || kernel_has(kernel, b->kernel_config, b->kernel_config_module, why, sizeof(why)) == 1)
			continue;
		snprintf(err, errlen, "backend %s needs a guest kernel with %s=y, and %s: build one with "
			 "'make kernel' and pass --kernel build/kernel/bzImage --initrd "
			 "build/kernel/x86_64/initramfs.cpio", dmab_backend_label(b), b->kernel_config, why);
		return -EINVAL;
	}
	if (!all)
		return 0;
	for (size_t i = 0; i < dmab_nbackends; i++) {
		const struct dmab_backend *b = &dmab_backends[i];
		const char *kernel = kernels[dmab_arch_index(dmab_arch_find(b->arch))];
		bool have = false;

		/* QEMU-bounded backends are run by name only (backends.h) */
		if (!b->kernel_config || !dmab_arch_in(arches, b->arch) || !kernel || b->qemu_min || b->qemu_max)
			continue;
		for (int j = 0; j < *n; j++)
			have |= list[j] == b;
		if (have)
			continue;
		if (kernel_has(kernel, b->kernel_config, b->kernel_config_module, why, sizeof(why)) != 1) {
			if (note && nl < notelen)
				nl += (size_t)snprintf(note + nl, notelen - nl, "%s%s left out of 'all': %s",
						       nl ? "; " : "", dmab_backend_label(b), why);
			continue;
		}
		if ((size_t)*n >= max)
			return -E2BIG;
		list[(*n)++] = b;
	}
	return 0;
}

int dmab_dma_debug_default(const char *kernel, const char *jobs, char *append, size_t len,
			   char *note, size_t notelen)
{
	char cfg[4096], buf[256], *tok, *save;
	size_t used = strlen(append);
	int n = 0;

	if (strstr(append, "dma_debug") || dmab_kernel_config_path(kernel, cfg, sizeof(cfg)) ||
	    dmab_config_file_has(cfg, "CONFIG_DMA_API_DEBUG") != 1)
		return 0;
	snprintf(buf, sizeof(buf), "%s", jobs);
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save), n++) {
		const struct dmab_job *j = dmab_job_find(tok);

		if (!j || !j->benchmark)
			return 0;	/* a test, share or fuzz job: keep DMA-API debugging */
	}
	if (!n)
		return 0;
	if (used + sizeof(" dma_debug=off") > len)
		return -E2BIG;
	snprintf(append + used, len - used, "%sdma_debug=off", used ? " " : "");
	snprintf(note, notelen, "%s has DMA-API debugging: booted with dma_debug=off for benchmark jobs "
		 "(it adds ~150 us per map and reports every dma_map_sg of a coherent buffer; "
		 "--append dma_debug=on keeps it)", kernel);
	return 1;
}
