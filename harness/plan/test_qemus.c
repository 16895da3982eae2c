// SPDX-License-Identifier: GPL-2.0
/*
 * test_qemus.c - the emulator table and axis: entries well-formed, qemu.env
 * read as qemus.sh writes it, --qemu parsing, a QEMU-bounded backend planned
 * only on the emulators in its range, labels get the emulator only when a run
 * has several, each VM boots its emulator's binary.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness/cli/opts.h"
#include "harness/plan/plan.h"
#include "harness/plan/qemus.h"
#include "lib/test_util.h"
#include "lib/util.h"

static struct dmab_opts o;

static int parse(const char *line, char *err, size_t errlen)
{
	char buf[512], *argv[32];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *s = NULL, *t = strtok_r(buf, " ", &s); t && argc < 31; t = strtok_r(NULL, " ", &s))
		argv[argc++] = t;
	argv[argc] = NULL;
	dmab_opts_init(&o);
	return dmab_opts_parse(&o, argc, argv, err, errlen);
}

int main(void)
{
	char err[1024], dir[] = "/tmp/dmab-test-qemus-XXXXXX", path[4200], v[32];
	static struct dmab_plan_vm plan[16];

	for (size_t i = 0; i < dmab_nqemu_descs; i++) {
		const struct dmab_qemu_desc *d = &dmab_qemu_descs[i];

		CHECK(d->name && d->dir && d->series && d->pkgre && d->note);
		CHECK(!strncmp(d->name, "debian:", 7) && !strchr(d->dir, '/') && !strchr(d->dir, ':'));
		CHECK(dmab_qemu_desc_find(d->name) == d && dmab_qemu_desc_find(d->dir) == d);
	}
	CHECK(dmab_qemu_desc_find("debian:9.9") == NULL);

	/* qemu.env as qemus.sh writes it; not fetched: -ENOENT */
	struct dmab_qemu q;
	CHECK(mkdtemp(dir) != NULL);
	CHECK_EQ(dmab_qemu_locate(&q, dmab_qemu_desc_find("debian:10.0"), dir), -ENOENT);
	CHECK_STR(q.label, "qemu-10.0");
	CHECK_CONTAINS(q.bin[0], "/build/qemus/debian-10.0/bin/qemu-system-x86_64");	/* where it will be */
	CHECK_STR(dmab_qemu_upstream_of(&q, v, sizeof(v)), "10.0");	/* the table's series until fetched */
	snprintf(path, sizeof(path), "%s/build/qemus/debian-10.0", dir);
	CHECK_EQ(dmab_mkdir_p(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/build/qemus/debian-10.0/qemu.env", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	fprintf(f, "SERIES=debian:10.0\nQEMU_VERSION=10.0.2\nQEMU_X86=/q/x86\nQEMU_ARM64=/q/arm\n");
	fclose(f);
	CHECK_EQ(dmab_qemu_locate(&q, dmab_qemu_desc_find("debian:10.0"), dir), 0);
	CHECK_STR(q.bin[0], "/q/x86");
	CHECK_STR(q.bin[1], "/q/arm");
	CHECK_STR(dmab_qemu_upstream_of(&q, v, sizeof(v)), "10.0.2");
	CHECK(dmab_qemu_runs(&q, dmab_backend_find("intel-flts")));
	CHECK(dmab_qemu_runs(&q, dmab_backend_find("amd")));
	unlink(path);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK_EQ(system(path), 0);

	/* --qemu parsing */
	CHECK_EQ(parse("run --qemu debian:7.2,debian:10.0", err, sizeof(err)), 0);
	CHECK_EQ(o.nqemu_descs, 2);
	CHECK(!o.qemu_set);
	CHECK_EQ(parse("run --qemu /x/qemu-system-x86_64,debian:10.0", err, sizeof(err)), 0);
	CHECK(o.qemu_set);
	CHECK_STR(o.paths[0].qemu, "/x/qemu-system-x86_64");
	CHECK_EQ(parse("run --qemu debian:9.9", err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "unknown emulator 'debian:9.9'");
	CHECK_EQ(parse("run --qemu debian:10.0,debian:10.0", err, sizeof(err)), -EINVAL);
	CHECK_EQ(parse("run --qemu /a,/b", err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "one path at most");

	/* the plan: intel-flts only on 10.0; labels with the emulator when there are two */
	dmab_opts_init(&o);
	o.backends[0] = dmab_backend_find("intel-strict");
	o.backends[1] = dmab_backend_find("intel-flts");
	o.nbackends = 2;
	o.topologies[0] = dmab_topology_default();
	o.ntopologies = 1;
	o.kernels[0].arch = &dmab_arches[0];
	snprintf(o.kernels[0].image, sizeof(o.kernels[0].image), "/k");
	o.nkernels = 1;
	for (int k = 0; k < 2; k++) {
		struct dmab_qemu *e = &o.qemus[k];

		e->desc = dmab_qemu_desc_find(k ? "debian:10.0" : "debian:7.2");
		snprintf(e->label, sizeof(e->label), "qemu-%s", e->desc->series);
		snprintf(e->version, sizeof(e->version), "QEMU emulator version %s", k ? "10.0.2" : "7.2.22");
		snprintf(e->bin[0], sizeof(e->bin[0]), "/q%d", k);
	}
	o.nqemus = 1;
	CHECK_EQ(dmab_plan(&o, plan, 16, NULL), 1);	/* 7.2: intel-strict only */
	CHECK_STR(plan[0].label, "intel-strict");
	o.nqemus = 2;
	o.qemu_suffix = true;
	CHECK_EQ(dmab_plan(&o, plan, 16, NULL), 3);
	CHECK_STR(plan[0].label, "intel-strict~qemu-7.2");
	CHECK_STR(plan[1].label, "intel-strict~qemu-10.0");
	CHECK_STR(plan[2].label, "intel-flts~qemu-10.0");
	char **argv, **envp;
	CHECK(!dmab_plan_command(&o, &plan[2], "tcg", "test", NULL, NULL, "/c", "/r", &argv, &envp));
	CHECK_STR(argv[0], "/q1");
	dmab_argv_free(argv);
	return t_done("test_qemus");
}
