// SPDX-License-Identifier: GPL-2.0
/* scale_summary.c - throughput against threads in summary.md (scale_summary.h). */
#include <errno.h>
#include <math.h>
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

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -EBADMSG; } while (0)

/* min and max of a number array; false when it is not one or has a non-number */
static bool arr_minmax(const cJSON *a, double *mn, double *mx, int *len)
{
	const cJSON *x;

	*len = 0;
	if (!cJSON_IsArray(a))
		return false;
	cJSON_ArrayForEach(x, a) {
		if (!cJSON_IsNumber(x))
			return false;
		if (!(*len)++ || x->valuedouble < *mn)
			*mn = x->valuedouble;
		if (*len == 1 || x->valuedouble > *mx)
			*mx = x->valuedouble;
	}
	return true;
}

static int check_half(const cJSON *h, const char *which, int pi, double want_n, char *err, size_t errlen)
{
	static const char *const ord[] = { "min", "p50", "p90", "p99", "p999", "max" };
	double prev = -1;

	if (!cJSON_IsObject(h) || !cJSON_IsString(jget(h, "op")))
		BAD("point %d: no summary %s", pi, which);
	if (jnum(h, "n", -1) != want_n)
		BAD("point %d: %s.n %.0f, expected threads x n = %.0f", pi, which, jnum(h, "n", -1), want_n);
	for (size_t i = 0; want_n > 0 && i < sizeof(ord) / sizeof(ord[0]); i++) {
		double v = jnum(h, ord[i], -1);

		if (v < prev)
			BAD("point %d: %s.%s %.0f below the previous percentile %.0f", pi, which, ord[i], v, prev);
		prev = v;
	}
	return 0;
}

int dmab_scale_check(const cJSON *sc, char *err, size_t errlen)
{
	const cJSON *pts = jget(sc, "points"), *p;
	double cpus = jnum(sc, "cpus_online", 0), page = jnum(sc, "page_size", 0);
	int pi = 0;

	if (jnum(sc, "schema", 0) != 1)
		BAD("schema is not 1");
	if (cpus < 1 || page < 1)
		BAD("cpus_online or page_size missing");
	if (!cJSON_IsArray(pts) || !cJSON_GetArraySize(pts))
		BAD("no points");
	cJSON_ArrayForEach(p, pts) {
		double T = jnum(p, "threads", 0), g = jnum(p, "granule", 0), n = jnum(p, "n", -1);
		double it = jnum(p, "iters", 0), e = jnum(p, "errno", -1), w = jnum(p, "wall_ns", -1);
		double ops = jnum(p, "ops_per_s", -1), mna = 0, mxa = 0, mnb = 0, mxb = 0;
		const cJSON *pt = jget(p, "per_thread"), *t;
		bool hit = cJSON_IsTrue(jget(p, "budget_hit")), have_samples = false;
		int k = 0;

		if (!cJSON_IsString(jget(p, "op")) || T < 1 || g < 1 || it < 1 || e < 0 || n < 0)
			BAD("point %d: op, threads, granule, iters, errno or n missing", pi);
		if (jnum(p, "size", 0) != g * page)
			BAD("point %d: size %.0f is not granule x page_size", pi, jnum(p, "size", 0));
		if (T > cpus && e != E2BIG)
			BAD("point %d: %.0f threads on %.0f CPUs without E2BIG", pi, T, cpus);
		if (e != 0) {
			pi++;
			continue;
		}
		if (hit ? !(n >= 1 && n < it) : n != it)
			BAD("point %d: n %.0f against iters %.0f (budget_hit %s)", pi, n, it, hit ? "true" : "false");
		if (w <= 0 || ops <= 0)
			BAD("point %d: wall_ns or ops_per_s not positive", pi);
		if (fabs(ops - T * n * 1e9 / w) > 1e-6 * ops)
			BAD("point %d: ops_per_s %.3f is not threads x n / wall (%.3f)", pi, ops, T * n * 1e9 / w);
		if (cJSON_IsNumber(jget(p, "efficiency")) &&
		    fabs(jnum(p, "efficiency", 0) - jnum(p, "speedup", 0) / T) > 1e-9)
			BAD("point %d: efficiency is not speedup / threads", pi);
		if (T == 1 && cJSON_IsNumber(jget(p, "speedup")) && fabs(jnum(p, "speedup", 0) - 1) > 1e-9)
			BAD("point %d: speedup at one thread is not 1", pi);
		if (check_half(jget(p, "a"), "a", pi, T * n, err, errlen) ||
		    check_half(jget(p, "b"), "b", pi, T * n, err, errlen))
			return -EBADMSG;
		if (!cJSON_IsArray(pt) || cJSON_GetArraySize(pt) != (int)T)
			BAD("point %d: per_thread has %d entries for %.0f threads", pi,
			    cJSON_IsArray(pt) ? cJSON_GetArraySize(pt) : -1, T);
		cJSON_ArrayForEach(t, pt) {
			double a0 = 0, a1 = 0, b0 = 0, b1 = 0;
			int la, lb;

			if (jnum(t, "thread", -1) != k || jnum(t, "n", -1) != n)
				BAD("point %d: per_thread[%d] thread or n wrong", pi, k);
			if (jget(t, "samples_a") || jget(t, "samples_b")) {
				if (!arr_minmax(jget(t, "samples_a"), &a0, &a1, &la) ||
				    !arr_minmax(jget(t, "samples_b"), &b0, &b1, &lb) || la != n || lb != n)
					BAD("point %d: thread %d: samples_a/samples_b not %.0f numbers each", pi, k, n);
				if (!have_samples || a0 < mna)
					mna = a0;
				if (!have_samples || a1 > mxa)
					mxa = a1;
				if (!have_samples || b0 < mnb)
					mnb = b0;
				if (!have_samples || b1 > mxb)
					mxb = b1;
				have_samples = true;
			}
			k++;
		}
		if (have_samples && (mna != jnum(jget(p, "a"), "min", -1) || mxa != jnum(jget(p, "a"), "max", -1) ||
				     mnb != jnum(jget(p, "b"), "min", -1) || mxb != jnum(jget(p, "b"), "max", -1)))
			BAD("point %d: the threads' samples do not span the summaries' min and max", pi);
		pi++;
	}
	return 0;
}
