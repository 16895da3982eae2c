// SPDX-License-Identifier: GPL-2.0
/* plan.c - the VMs of a run and their commands (plan.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plan/plan.h"
#include <stdarg.h>

int dmab_plan(const struct dmab_opts *o, struct dmab_plan_vm *out, int max, FILE *log)
{
	int skipped[DMAB_MAX_TOPOLOGIES] = { 0 }, n = 0;

	if (o->host) {
		memset(&out[0], 0, sizeof(out[0]));
		snprintf(out[0].label, sizeof(out[0].label), "host");
		return 1;
	}
	for (int kn = 0; kn < o->nkernels; kn++) {
		const struct dmab_kernel *kern = &o->kernels[kn];

		for (int i = 0; i < o->nbackends; i++) {
			if (dmab_arch_find(o->backends[i]->arch) != kern->arch)
				continue;
			for (int k = 0; k < o->ntopologies && n < max; k++) {
				if (!dmab_topology_fits(o->topologies[k], o->backends[i])) {
					skipped[k] += kn == 0;
					continue;
				}
				out[n].backend = o->backends[i];
				out[n].topology = o->topologies[k];
				out[n].kernel = kern;
				dmab_vm_label(out[n].backend, out[n].topology, out[n].label, sizeof(out[n].label));
				if (o->kernel_suffix) {
					size_t l = strlen(out[n].label);

					snprintf(out[n].label + l, sizeof(out[n].label) - l, "~%s", kern->dir);
				}
				n++;
			}
		}
	}
	for (int k = 0; k < o->ntopologies && log; k++)
		if (skipped[k])
			fprintf(log, "dmabench: topology %s is defined for %s only: not run on %d backend(s) of other arches\n",
				o->topologies[k]->name, o->topologies[k]->arches, skipped[k]);
	return n;
}

static char **strv(int n, ...)
{
	char **v = calloc((size_t)n + 1, sizeof(*v));
	va_list ap;

	if (!v)
		return NULL;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);

		if (!(v[i] = strdup(s))) {
			dmab_argv_free(v);
			v = NULL;
			break;
		}
	}
	va_end(ap);
	return v;
}

int dmab_plan_command(const struct dmab_opts *o, const struct dmab_plan_vm *p, const char *accel,
		      const char *job, const char *append, char *const *extra_args, const char *console_path,
		      const char *chan_path, char ***argv, char ***env)
{
	*argv = *env = NULL;
	if (!p->backend) {	/* the local runner: guest init as a normal process */
		char *res = NULL, *jb = NULL;

		if (asprintf(&res, "DMABENCH_RESULTS=%s", chan_path) < 0 || asprintf(&jb, "DMABENCH_JOB=%s", job) < 0) {
			free(res);
			return -ENOMEM;
		}
		*argv = strv(1, o->runner);
		*env = strv(4, "DMABENCH_HOST=1", res, jb, "DMABENCH_BACKEND=host");
		free(res);
		free(jb);
		if (!*argv || !*env) {
			dmab_argv_free(*argv);
			dmab_argv_free(*env);
			*argv = *env = NULL;
			return -ENOMEM;
		}
		return 0;
	}
	const struct dmab_arch *a = dmab_arch_find(p->backend->arch);
	const struct dmab_arch_paths *ap = dmab_opts_paths(o, a);
	/* the kernel's own words for this backend (kernels.c quirks) first: --append comes later and wins */
	const char *quirk = dmab_kernel_append(p->kernel, p->backend), *user = append ? append : o->append;
	char words[2048];

	snprintf(words, sizeof(words), "%s%s%s", quirk, *quirk && *user ? " " : "", user);
	struct dmab_vm_spec s = {
		.qemu = ap->qemu, .kernel = p->kernel ? p->kernel->image : ap->kernel,
		.initrd = p->kernel ? p->kernel->initrd : ap->initrd, .backend = p->backend,
		.job = job, .accel = a->kvm ? accel : "tcg", .console_path = console_path, .chan_path = chan_path,
		.append = words, .topology = p->topology, .extra_args = extra_args,
		.smp = o->smp,
	};
	return dmab_qemu_argv(&s, argv);
}
