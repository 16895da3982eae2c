// SPDX-License-Identifier: GPL-2.0
/* scale_summary.c - throughput against threads in summary.md (scale_summary.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "harness/report/scale_summary.h"
#include "harness/report/jget.h"
#include "harness/report/results.h"
#include "harness/report/share_summary.h"

static void num_or_dash(FILE *f, const cJSON *o, const char *k, const char *fmt)
{
	const cJSON *x = jget(o, k);

	if (cJSON_IsNumber(x))
		fprintf(f, fmt, x->valuedouble);
	else
		fputs(" - |", f);
}

int dmab_scale_summary_write(const cJSON *run, FILE *f)
{
	const cJSON *env = jget(run, "env"), *bs = jget(run, "backends"), *b, *p;
	double host = jnum(env, "host_cpus", 0), smp = jnum(env, "smp", 1);
	const char *accel = jstr(env, "accel", "-");
	char hostc[32] = "?";
	bool any = false;

	if (host > 0)
		snprintf(hostc, sizeof(hostc), "%.0f", host);
	cJSON_ArrayForEach(b, bs) {
		const cJSON *pts = jget(jfile(b, "scale.json"), "points");

		if (!cJSON_IsArray(pts) || !cJSON_GetArraySize(pts))
			continue;
		if (!any) {
			fprintf(f, "\n## Throughput against threads (job scale)\n\n"
				   "T kernel threads bound to the first T vCPUs, released together, the same iterations per "
				   "thread; ops/s = T x iterations / wall time (release to the last thread's end), one op = "
				   "map + unmap (alloc + free); speedup against T = 1 of the same backend, op and granule; "
				   "efficiency = speedup / T; latency percentiles over every thread's samples "
				   "(`<backend>/scale.json` has each thread's). Accel %s, %.0f vCPUs per guest, host cores "
				   "%s: ", accel, smp, hostc);
			if (!strcmp(accel, "tcg"))
				fprintf(f, "under TCG every vCPU is a host thread, so at most %s vCPUs run at once and "
					   "T > %s measures the host's time slicing, not the guest kernel's scaling.\n\n",
					hostc, hostc);
			else
				fprintf(f, "with KVM the curve is the guest kernel's scaling on the host's cores.\n\n");
			fprintf(f, "| backend | op | granule | host cores | vCPUs | T | iters/thread | ops/s | speedup "
				   "| efficiency | a p50 ns | a p99 ns | b p50 ns | b p99 ns |\n"
				   "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		}
		any = true;
		cJSON_ArrayForEach(p, pts) {
			const cJSON *a = jget(p, "a"), *bb = jget(p, "b");
			double e = jnum(p, "errno", 0);

			fputs("| ", f);
			dmab_md_escape(f, jstr(b, "name", "-"));
			fputs(" | ", f);
			dmab_md_escape(f, jstr(p, "op", "-"));
			fprintf(f, " | %.0f | %s | %.0f | %.0f |", jnum(p, "granule", 0), hostc,
				jnum(jfile(b, "scale.json"), "cpus_online", smp), jnum(p, "threads", 0));
			if (e != 0) {
				fprintf(f, " - | err %.0f | | | | | | |\n", e);
				continue;
			}
			num_or_dash(f, p, "iters", " %.0f |");
			/* a point that hit its safety budget did fewer iterations: a lower bound */
			num_or_dash(f, p, "ops_per_s", cJSON_IsTrue(jget(p, "budget_hit")) ? " >= %.0f |" : " %.0f |");
			num_or_dash(f, p, "speedup", " %.2f |");
			num_or_dash(f, p, "efficiency", " %.2f |");
			num_or_dash(f, a, "p50", " %.0f |");
			num_or_dash(f, a, "p99", " %.0f |");
			num_or_dash(f, bb, "p50", " %.0f |");
			num_or_dash(f, bb, "p99", " %.0f |");
			fputc('\n', f);
		}
	}
	return ferror(f) ? -EIO : 0;
}
