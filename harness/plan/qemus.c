// SPDX-License-Identifier: GPL-2.0
/*
 * qemus.c - the emulator table, and fetching one (qemus.h). Package facts,
 * measured with harness/emulator/qemus.sh (newest of each series when this
 * was written):
 *  - debian:7.2   1:7.2+dfsg-7+deb12u18+b3 (upstream 7.2.22, bookworm): the
 *    QEMU `make deps` installs, so the same as the default on bookworm;
 *    21.6 MiB download, 107 MiB unpacked.
 *  - debian:10.0  1:10.0.2+ds-2+deb13u1~bpo12+1 (bookworm-backports; needs
 *    seabios >> 1.16.3-1~, also from backports); 22.9 MiB, 149 MiB. The same
 *    library Depends as 7.2: on a host with Debian's 7.2, no library is fetched.
 * Debian's binaries look for firmware only under the absolute /usr/share/qemu,
 * /usr/share/seabios, /usr/lib/ipxe/qemu (strace: 10.0 from the tree opened the
 * host's 7.2-era bios-256k.bin): the wrappers pass -L <dir>/firmware.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/plan/kernels.h"
#include "harness/plan/qemu.h"
#include "harness/plan/qemus.h"
#include "lib/util.h"

const struct dmab_qemu_desc dmab_qemu_descs[] = {
	{
		.name = "debian:7.2", .dir = "debian-7.2", .series = "7.2",
		.pkgre = "^1:7\\.2\\+", .backports = false,
		.note = "bookworm's QEMU (the host's after make deps); AMD-Vi translates devices off bus 0 "
			"through the wrong entry",
	},
	{
		.name = "debian:10.0", .dir = "debian-10.0", .series = "10.0",
		.pkgre = "^1:10\\.0\\.", .backports = true,
		.note = "bookworm-backports; VT-d x-flts, virtio-iommu granule, SMMUv3 stage selection",
	},
};

const size_t dmab_nqemu_descs = sizeof(dmab_qemu_descs) / sizeof(dmab_qemu_descs[0]);

const struct dmab_qemu_desc *dmab_qemu_desc_find(const char *name)
{
	for (size_t i = 0; i < dmab_nqemu_descs; i++)
		if (!strcmp(dmab_qemu_descs[i].name, name) || !strcmp(dmab_qemu_descs[i].dir, name))
			return &dmab_qemu_descs[i];
	return NULL;
}

const char *dmab_qemu_desc_names(void)
{
	static char names[256];

	if (!names[0])
		for (size_t i = 0, o = 0; i < dmab_nqemu_descs && o < sizeof(names); i++)
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i ? ", " : "",
					      dmab_qemu_descs[i].name);
	return names;
}

int dmab_qemu_locate(struct dmab_qemu *q, const struct dmab_qemu_desc *d, const char *repo)
{
	static const char *const keys[] = { "QEMU_X86", "QEMU_ARM64" };
	char v[64];

	memset(q, 0, sizeof(*q));
	q->desc = d;
	snprintf(q->name, sizeof(q->name), "%s", d->name);
	snprintf(q->label, sizeof(q->label), "qemu-%s", d->series);
	snprintf(q->qenv, sizeof(q->qenv), "%.3900s/build/qemus/%s/qemu.env", repo, d->dir);
	/* where the wrappers will be (a --dry-run before the fetch shows them) */
	for (size_t i = 0; i < dmab_narches; i++)
		snprintf(q->bin[i], sizeof(q->bin[i]), "%.3900s/build/qemus/%s/bin/%s", repo, d->dir, dmab_arches[i].qemu);
	for (size_t i = 0; i < dmab_narches && i < sizeof(keys) / sizeof(keys[0]); i++) {
		char b[sizeof(q->bin[i])];

		if (dmab_kernel_env_get(q->qenv, keys[i], b, sizeof(b)))
			return -ENOENT;
		memcpy(q->bin[i], b, sizeof(b));
	}
	if (!dmab_kernel_env_get(q->qenv, "QEMU_VERSION", v, sizeof(v))) {
		char pv[128];

		/* as the binary's --version line says it: "... 10.0.2 (Debian 1:10.0.2+ds-...)" */
		if (dmab_kernel_env_get(q->qenv, "QEMU_PKGVER", pv, sizeof(pv)))
			snprintf(q->version, sizeof(q->version), "QEMU emulator version %s", v);
		else
			snprintf(q->version, sizeof(q->version), "QEMU emulator version %s (Debian %s)", v, pv);
	}
	return 0;
}

int dmab_qemu_fetch(const char *repo, const struct dmab_qemu_desc *d, FILE *log, char *err, size_t errlen)
{
	char script[4200], dest[4200], logp[4300], why[512];
	struct dmab_qemu q;
	bool cached = !dmab_qemu_locate(&q, d, repo);

	snprintf(script, sizeof(script), "%.4000s/harness/emulator/qemus.sh", repo);
	snprintf(dest, sizeof(dest), "%.3900s/build/qemus/%s", repo, d->dir);
	snprintf(logp, sizeof(logp), "%s.log", dest);
	char *argv[] = { script, "fetch", (char *)d->name, dest, (char *)d->series, (char *)d->pkgre,
			 d->backports ? "yes" : "no", NULL };
	if (log && !cached)
		fprintf(log, "dmabench: fetching QEMU %s (apt-get download into %s; log %s)\n", d->name, dest, logp);
	if (dmab_mkdir_p(dest, 0755) == 0 && !cached)
		rmdir(dest);	/* the script renames its temporary directory to dest */
	if (dmab_run_logged(argv, NULL, logp)) {
		dmab_log_reason(logp, why, sizeof(why));
		snprintf(err, errlen, "fetching QEMU %s failed: %.300s (log %.200s)", d->name, why, logp);
		return -EIO;
	}
	return 0;
}

const char *dmab_qemu_upstream_of(const struct dmab_qemu *q, char *out, size_t len)
{
	dmab_qemu_upstream(q->version, out, len);
	if (!out[0] && q->desc)
		snprintf(out, len, "%s", q->desc->series);
	return out;
}

bool dmab_qemu_runs(const struct dmab_qemu *q, const struct dmab_backend *b)
{
	char v[32], line[64];

	if (!b->qemu_min && !b->qemu_max)
		return true;
	snprintf(line, sizeof(line), "version %s", dmab_qemu_upstream_of(q, v, sizeof(v)));
	return dmab_backend_qemu_ok(b, line);
}
