// SPDX-License-Identifier: GPL-2.0
/*
 * kernels.c - the kernel table, and fetching / building one (kernels.h).
 * Package facts, measured with the private apt roots of kernels.sh (newest
 * of each series when this was written):
 *  - debian:5.10  5.10.0-46 amd64 (bullseye-security). Its arm64 image is
 *    in the package lists but not downloadable from the mirror (404), so the
 *    entry is x86_64 only. Built with gcc-10 (not in bookworm): the
 *    Makefile builds the module with the host's gcc-12, which loads and
 *    passes the same tests. Its Intel driver has its own DMA ops and flush
 *    queue and reads intel_iommu=strict, not iommu.strict; its AMD driver is
 *    lazy in a guest unless amd_iommu=fullflush (quirks below; the mode test
 *    read both domains back as DMA-FQ without them).
 *  - debian:6.1   6.1.0-57 amd64/arm64 (bookworm, bookworm-security): the
 *    kernel `make deps` installs is of this series too (the default).
 *  - debian:6.12  6.12.117+deb12 amd64/arm64, arm64 also with 16 KiB pages
 *    (bookworm-security; older 6.12 in bookworm-backports: both searched).
 *    Its headers ship vmlinux: kbuild wants pahole (dwarves) for BTF.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/plan/kernels.h"
#include "lib/util.h"

#define BOOKWORM_SUITES	"bookworm bookworm-security bookworm-backports"

const struct dmab_kernel_desc dmab_kernel_descs[] = {
	{
		.name = "debian:5.10", .dir = "debian-5.10", .series = "5.10",
		.dist = "bullseye", .suites = "bullseye bullseye-security",
		.abi = "5\\.10\\.0-[0-9]+", .flavour = "", .arches = "x86_64", .page_size = 4096,
		.quirks = {
			{ "intel-strict", "intel_iommu=strict",
			  "5.10's Intel driver ignores iommu.strict (its own flush queue; intel_iommu=strict)" },
			{ "amd", "amd_iommu=fullflush",
			  "5.10's AMD driver uses a flush queue in a guest too (measured: DMA-FQ; the forced strict "
			  "mode 'due to virtualization' came later); fullflush makes it the strict domain the backend means" },
		},
		.note = "bullseye; no noncontiguous API or dma_mmap_pages (5.13), no io_uring command (5.19); "
			"arm64 image not downloadable",
	},
	{
		.name = "debian:6.1", .dir = "debian-6.1", .series = "6.1",
		.dist = "bookworm", .suites = BOOKWORM_SUITES,
		.abi = "6\\.1\\.0-[0-9]+", .flavour = "", .arches = "x86_64,arm64", .page_size = 4096,
		.note = "bookworm; the series of the default kernel (make deps)",
	},
	{
		.name = "debian:6.12", .dir = "debian-6.12", .series = "6.12",
		.dist = "bookworm", .suites = BOOKWORM_SUITES,
		.abi = "6\\.12\\.[0-9]+\\+(deb12|bpo)", .flavour = "", .arches = "x86_64,arm64", .page_size = 4096,
		.note = "bookworm-security / bookworm-backports; iommu-dma without dma_map_ops",
	},
	{
		.name = "debian:6.12-16k", .dir = "debian-6.12-16k", .series = "6.12",
		.dist = "bookworm", .suites = BOOKWORM_SUITES,
		.abi = "6\\.12\\.[0-9]+\\+(deb12|bpo)", .flavour = "-16k", .arches = "arm64", .page_size = 16384,
		.note = "6.12 with 16 KiB pages (arm64-16k flavour)",
	},
};

const size_t dmab_nkernel_descs = sizeof(dmab_kernel_descs) / sizeof(dmab_kernel_descs[0]);

const struct dmab_kernel_desc *dmab_kernel_desc_find(const char *name)
{
	for (size_t i = 0; i < dmab_nkernel_descs; i++)
		if (!strcmp(dmab_kernel_descs[i].name, name) || !strcmp(dmab_kernel_descs[i].dir, name))
			return &dmab_kernel_descs[i];
	return NULL;
}

const char *dmab_kernel_desc_names(void)
{
	static char names[256];

	if (!names[0])
		for (size_t i = 0, o = 0; i < dmab_nkernel_descs && o < sizeof(names); i++)
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i ? ", " : "",
					      dmab_kernel_descs[i].name);
	return names;
}

int dmab_kernel_env_get(const char *kenv, const char *key, char *out, size_t len)
{
	char *buf = NULL;
	size_t kl = strlen(key);
	int ret = -ENOENT;

	out[0] = 0;
	if (dmab_read_file(kenv, &buf, NULL, 1 << 16))
		return -ENOENT;
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, key, kl) && l[kl] == '=') {
			snprintf(out, len, "%s", l + kl + 1);
			ret = 0;
			break;
		}
	}
	free(buf);
	return ret;
}

int dmab_kernel_locate(struct dmab_kernel *k, const struct dmab_kernel_desc *d, const struct dmab_arch *a,
		       const char *repo)
{
	memset(k, 0, sizeof(*k));
	k->desc = d;
	k->arch = a;
	snprintf(k->name, sizeof(k->name), "%s", d->name);
	snprintf(k->dir, sizeof(k->dir), "%s", d->dir);
	snprintf(k->kenv, sizeof(k->kenv), "%.3900s/build/kernels/%s-%s/kernel.env", repo, d->dir, a->name);
	snprintf(k->initrd, sizeof(k->initrd), "%.3900s/build/%s/%s/initramfs.cpio", repo, d->dir, a->name);
	if (dmab_kernel_env_get(k->kenv, "KERNEL", k->image, sizeof(k->image)))
		return -ENOENT;
	dmab_kernel_env_get(k->kenv, "KVER", k->release, sizeof(k->release));
	return 0;
}

/* Run argv with its output into log_path; 0 when it exited 0, else -EIO. */
static int run_logged(char *const argv[], char *const env[], const char *log_path)
{
	pid_t pid;
	int st;

	if (dmab_spawn(argv, env, log_path, &pid))
		return -EIO;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -EIO;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

/* The last line of a log that says "error" (or its last line), for messages. */
static void log_reason(const char *log_path, char *out, size_t len)
{
	char *buf = NULL, *last = NULL, *err = NULL;

	out[0] = 0;
	if (dmab_read_file(log_path, &buf, NULL, 8 << 20))
		return;
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		last = l;
		if (strstr(l, "error") || strstr(l, "Error"))
			err = l;
	}
	snprintf(out, len, "%s", err ? err : last ? last : "");
	free(buf);
}

int dmab_kernel_fetch(const char *repo, const struct dmab_kernel_desc *d, const struct dmab_arch *a, FILE *log,
		      char *err, size_t errlen)
{
	char script[4200], dest[4200], logp[4300], flavour[64], why[512];
	bool cached;
	struct dmab_kernel k;

	if (!dmab_arch_in(d->arches, a->name)) {
		snprintf(err, errlen, "%s exists for %s only, not %s", d->name, d->arches, a->name);
		return -EINVAL;
	}
	/* cached: the script only checks it (no network) and keeps the headers usable */
	cached = !dmab_kernel_locate(&k, d, a, repo);
	snprintf(script, sizeof(script), "%.4000s/harness/kernel/kernels.sh", repo);
	snprintf(dest, sizeof(dest), "%.3900s/build/kernels/%s-%s", repo, d->dir, a->name);
	snprintf(logp, sizeof(logp), "%s.log", dest);
	snprintf(flavour, sizeof(flavour), "%s%s", a->deb_arch, d->flavour);
	char *argv[] = { script, "fetch", (char *)d->name, (char *)a->name, dest, (char *)d->dist,
			 (char *)d->suites, (char *)d->abi, flavour, NULL };
	if (log && !cached)
		fprintf(log, "dmabench: fetching %s for %s (apt-get download into %s; log %s)\n", d->name, a->name,
			dest, logp);
	if (!cached) {
		dmab_mkdir_p(dest, 0755);
		rmdir(dest);	/* the script renames its temporary directory to dest */
	}
	if (run_logged(argv, NULL, logp)) {
		log_reason(logp, why, sizeof(why));
		snprintf(err, errlen, "fetching %s for %s failed: %.300s (log %.200s)", d->name, a->name, why, logp);
		return -EIO;
	}
	return 0;
}

void dmab_kernel_make_cmd(const struct dmab_kernel *k, char *out, size_t len)
{
	if (k->desc)
		snprintf(out, len, "make KENV=%s initramfs", k->kenv);
	else
		snprintf(out, len, "%s", k->arch->initrd_make);
}

int dmab_kernel_build(const char *repo, const struct dmab_kernel *k, FILE *log, char *err, size_t errlen)
{
	char kenv[4200], logp[4300], dir[4200], why[512], cmd[4400];

	if (!k->desc)
		return 0;
	snprintf(dir, sizeof(dir), "%.3900s/build/%s/%s", repo, k->dir, k->arch->name);
	snprintf(logp, sizeof(logp), "%s/make.log", dir);
	snprintf(kenv, sizeof(kenv), "KENV=%s", k->kenv);
	dmab_kernel_make_cmd(k, cmd, sizeof(cmd));
	if (dmab_mkdir_p(dir, 0755)) {
		snprintf(err, errlen, "cannot create %s", dir);
		return -EIO;
	}
	char *argv[] = { "make", "-C", (char *)repo, "-j2", kenv, "initramfs", NULL };
	if (log)
		fprintf(log, "dmabench: %s %s: %s (log %s)\n", k->name, k->arch->name, cmd, logp);
	if (run_logged(argv, NULL, logp)) {
		log_reason(logp, why, sizeof(why));
		snprintf(err, errlen, "building %s for %s failed: %.300s (run '%.300s' in %.200s; log %.200s)",
			 k->name, k->arch->name, why, cmd, repo, logp);
		return -EIO;
	}
	return 0;
}

const char *dmab_kernel_append(const struct dmab_kernel *k, const struct dmab_backend *b)
{
	if (!k || !k->desc || !b)
		return "";
	for (int i = 0; i < DMAB_KERNEL_QUIRKS && k->desc->quirks[i].backend; i++)
		if (!strcmp(k->desc->quirks[i].backend, dmab_backend_label(b)))
			return k->desc->quirks[i].append;
	return "";
}
