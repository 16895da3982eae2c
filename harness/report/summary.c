// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - summary.md from a run.json object. Tolerant: any missing or
 * mistyped field prints as "-", never a crash.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/results.h"
#include "harness/report/jget.h"
#include "lib/util.h"
#include "harness/report/share_summary.h"
#include "harness/plan/arches.h"
#include "harness/plan/backends.h"
#include "harness/report/fresh_summary.h"
#include "harness/report/scale_summary.h"

static bool num(const cJSON *o, const char *k, double *v)
{
	const cJSON *x = jget(o, k);

	if (!cJSON_IsNumber(x))
		return false;
	*v = x->valuedouble;
	return true;
}

/* "%.1f" or "-" */
static const char *fmt_s(const cJSON *o, const char *k, char *buf, size_t len)
{
	double v;

	if (!num(o, k, &v))
		return "-";
	snprintf(buf, len, "%.1f", v);
	return buf;
}

static const char *fmt_u(const cJSON *o, const char *k, char *buf, size_t len)
{
	double v;

	if (!num(o, k, &v))
		return "-";
	snprintf(buf, len, "%.0f", v);
	return buf;
}

/* ---- VA table: rows keyed by dev/api/attrs/size, one column per backend ---- */
struct va_key {
	char dev[32], api[32], attrs[48];
	double size;
};

static int va_key_cmp(const void *a, const void *b)
{
	const struct va_key *x = a, *y = b;
	int c;

	if ((c = strcmp(x->dev, y->dev)))
		return c;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	if ((c = strcmp(x->api, y->api)))
		return c;
	return strcmp(x->attrs, y->attrs);
}

/*
 * Devices differ in name between backends (an IOMMU shifts the PCI
 * addresses), so rows are matched by the device's position among the
 * distinct devices of that backend's va.json: "#0", "#1", ...
 */
static int dev_index(const cJSON *rows, const char *dev)
{
	const char *seen[16];
	int n = 0;
	const cJSON *r;

	cJSON_ArrayForEach(r, rows) {
		const char *d = jstr(r, "dev", "-");
		int i;
		for (i = 0; i < n; i++)
			if (!strcmp(seen[i], d))
				break;
		if (i == n && n < 16)
			seen[n++] = d;
		if (!strcmp(d, dev))
			return i;
	}
	return 0;
}

static void va_key_of(const cJSON *rows, const cJSON *row, struct va_key *k)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->dev, sizeof(k->dev), "#%d", dev_index(rows, jstr(row, "dev", "-")));
	snprintf(k->api, sizeof(k->api), "%s", jstr(row, "api", "-"));
	snprintf(k->attrs, sizeof(k->attrs), "%s", jstr(row, "attrs", "-"));
	if (!num(row, "size", &k->size))
		k->size = -1;
}

static const cJSON *va_find(const cJSON *b, const struct va_key *k)
{
	const cJSON *rows = jget(jfile(b, "va.json"), "rows"), *r;

	if (!cJSON_IsArray(rows))
		return NULL;
	cJSON_ArrayForEach(r, rows) {
		struct va_key rk;
		va_key_of(rows, r, &rk);
		if (!va_key_cmp(&rk, k))
			return r;
	}
	return NULL;
}

static void va_headline(const cJSON *bs, FILE *f);

static void va_table(const cJSON *bs, FILE *f)
{
	struct va_key *keys = NULL;
	size_t n = 0, cap = 0;
	const cJSON *b, *r;
	int nb = cJSON_GetArraySize(bs);
	bool multi_dev = false;

	cJSON_ArrayForEach(b, bs) {
		const cJSON *rows = jget(jfile(b, "va.json"), "rows");
		if (!cJSON_IsArray(rows))
			continue;
		cJSON_ArrayForEach(r, rows) {
			struct va_key k;
			bool dup = false;
			if (!cJSON_IsObject(r))
				continue;
			va_key_of(rows, r, &k);
			for (size_t i = 0; i < n && !dup; i++)
				dup = !va_key_cmp(&keys[i], &k);
			if (dup)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				struct va_key *nk = realloc(keys, cap * sizeof(*nk));
				if (!nk)
					goto out;
				keys = nk;
			}
			if (n && strcmp(keys[0].dev, k.dev))
				multi_dev = true;
			keys[n++] = k;
		}
	}
	fprintf(f, "\n## Kernel virtual address space per allocation\n\n");
	if (!n) {
		fprintf(f, "No VA results (job va not run or no va.json received).\n");
		goto out;
	}
	qsort(keys, n, sizeof(*keys), va_key_cmp);
	va_headline(bs, f);
	fprintf(f, "\n### Every size, API and attribute set\n\n");
	fprintf(f, "Cell: VA the module reports / `/proc/vmallocinfo` delta (bytes, K = KiB, M = MiB); "
		   "**!** marks a disagreement, `err N` a failed allocation.\n\n");
	fprintf(f, "|%s size | api | attrs |", multi_dev ? " dev |" : "");
	cJSON_ArrayForEach(b, bs) {
		fputc(' ', f);
		dmab_md_escape(f, jstr(b, "name", "-"));
		fputs(" |", f);
	}
	fprintf(f, "\n|%s---:|---|---|", multi_dev ? "---|" : "");
	for (int i = 0; i < nb; i++)
		fputs("---|", f);
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		char sb[32];
		fputc('|', f);
		if (multi_dev)
			fprintf(f, " %s |", keys[i].dev);	/* position: device names differ per backend */
		fprintf(f, " %s | %s | %s |", keys[i].size < 0 ? "-" : dmab_size_str(keys[i].size, sb, sizeof(sb)),
			keys[i].api, keys[i].attrs);
		cJSON_ArrayForEach(b, bs) {
			const cJSON *row = va_find(b, &keys[i]);
			double km = 0, kv = 0, e;
			char x[32], y[32];
			if (!row) {
				fputs(" - |", f);
				continue;
			}
			const cJSON *ok = jget(row, "ok");
			if (jstr(row, "skipped", NULL)) {	/* the kernel lacks the API */
				fputs(" skip |", f);
				continue;
			}
			if (cJSON_IsFalse(ok)) {
				fprintf(f, " err %s |", num(row, "errno", &e) ? (snprintf(x, sizeof(x), "%.0f", e), x) : "-");
				continue;
			}
			bool hk = num(row, "kva_module", &km), hv = num(row, "kva_vmallocinfo", &kv);
			const cJSON *agree = jget(row, "agree");
			bool bad = cJSON_IsFalse(agree) || (hk && hv && km != kv);
			fprintf(f, " %s / %s%s |", hk ? dmab_size_str(km, x, sizeof(x)) : "-",
				hv ? dmab_size_str(kv, y, sizeof(y)) : "-", bad ? " **!**" : "");
		}
		fputc('\n', f);
	}
out:
	free(keys);
}

/* Headline: 1 MiB dma_alloc_attrs on the first device, per backend, NKM against none. */
static void va_headline(const cJSON *bs, FILE *f)
{
	static const char *const sets[] = { "none", "NKM", "FC", "NKM+FC" };
	const cJSON *b;
	bool any = false;

	cJSON_ArrayForEach(b, bs) {
		double none = 0, nkm = 0;
		char c[4][32], saved[32] = "-";
		bool have_none = false, have_nkm = false;

		if (!jfile(b, "va.json"))
			continue;	/* the job did not run there: no row of dashes */

		for (int i = 0; i < 4; i++) {
			struct va_key k = { .dev = "#0", .api = "attrs", .size = 1048576 };
			const cJSON *row;
			double v;

			snprintf(k.attrs, sizeof(k.attrs), "%s", sets[i]);
			row = va_find(b, &k);
			snprintf(c[i], sizeof(c[i]), "-");
			if (!row)
				continue;
			if (cJSON_IsFalse(jget(row, "ok"))) {
				snprintf(c[i], sizeof(c[i]), "err %.0f", num(row, "errno", &v) ? v : 0);
				continue;
			}
			if (!num(row, "kva_module", &v))
				continue;
			snprintf(c[i], sizeof(c[i]), "%.0f (%s)", v, jstr(row, "kva_kind", "?"));
			if (i == 0)
				have_none = true, none = v;
			if (i == 1)
				have_nkm = true, nkm = v;
		}
		if (have_none && have_nkm)
			dmab_size_str(none - nkm, saved, sizeof(saved));
		if (!any)
			fprintf(f, "\n### 1 MiB `dma_alloc_attrs`: kernel VA bytes held, without and with NO_KERNEL_MAPPING\n\n"
				   "| backend | none | NKM | FORCE_CONTIGUOUS | NKM+FC | saved by NKM |\n"
				   "|---|---:|---:|---:|---:|---:|\n");
		any = true;
		fputs("| ", f);
		dmab_md_escape(f, jstr(b, "name", "-"));
		fprintf(f, " | %s | %s | %s | %s | %s |\n", c[0], c[1], c[2], c[3], saved);
	}
}

/* The kernel of a backend entry: kernel.name, "-" in runs from before the kernel axis. */
static const char *kernel_of(const cJSON *b)
{
	return jstr(jget(b, "kernel"), "name", "-");
}

/* The entry's label without the kernel: "<backend>[@<topology>]" (the VM name before '~'). */
static void label_of(const cJSON *b, char *out, size_t len)
{
	const char *n = jstr(b, "name", "-"), *t = strchr(n, '~');

	snprintf(out, len, "%.*s", t ? (int)(t - n) : (int)strlen(n), n);
}

/*
 * The kernel axis of the 1 MiB headline: rows kernel (with its release),
 * columns backend[@topology], cells "<none> / <NKM>" kernel VA bytes of one
 * 1 MiB dma_alloc_attrs on the first device (as the module reports it).
 * Only for runs with more than one kernel.
 */
static void va_kernel_table(const cJSON *bs, FILE *f)
{
	enum { MAXK = 16, MAXB = 48 };
	const char *kern[MAXK], *rel[MAXK];
	char cols[MAXB][80];
	int nk = 0, nc = 0;
	const cJSON *b;

	cJSON_ArrayForEach(b, bs) {
		const char *k = kernel_of(b);
		char l[80];
		int i;

		for (i = 0; i < nk && strcmp(kern[i], k); i++)
			;
		if (i == nk && nk < MAXK) {
			kern[nk] = k;
			rel[nk++] = jstr(jget(b, "kernel"), "release", "-");
		}
		label_of(b, l, sizeof(l));
		for (i = 0; i < nc && strcmp(cols[i], l); i++)
			;
		if (i == nc && nc < MAXB)
			snprintf(cols[nc++], sizeof(cols[0]), "%s", l);
	}
	if (nk < 2)
		return;
	fprintf(f, "\n### 1 MiB `dma_alloc_attrs`, kernel x backend: kernel VA bytes held, none / NO_KERNEL_MAPPING\n\n"
		   "| kernel | release |");
	for (int c = 0; c < nc; c++) {
		fputc(' ', f);
		dmab_md_escape(f, cols[c]);
		fputs(" |", f);
	}
	fputs("\n|---|---|", f);
	for (int c = 0; c < nc; c++)
		fputs("---:|", f);
	fputc('\n', f);
	for (int k = 0; k < nk; k++) {
		fputs("| ", f);
		dmab_md_escape(f, kern[k]);
		fputs(" | ", f);
		dmab_md_escape(f, rel[k]);
		fputs(" |", f);
		for (int c = 0; c < nc; c++) {
			char cell[2][32] = { "-", "-" }, l[80];

			cJSON_ArrayForEach(b, bs) {
				label_of(b, l, sizeof(l));
				if (strcmp(kernel_of(b), kern[k]) || strcmp(l, cols[c]))
					continue;
				for (int i = 0; i < 2; i++) {
					struct va_key key = { .dev = "#0", .api = "attrs", .size = 1048576 };
					const cJSON *row;
					double v;

					snprintf(key.attrs, sizeof(key.attrs), "%s", i ? "NKM" : "none");
					row = va_find(b, &key);
					if (!row)
						continue;
					if (cJSON_IsFalse(jget(row, "ok")))
						snprintf(cell[i], sizeof(cell[i]), "err %.0f",
							 num(row, "errno", &v) ? v : 0);
					else if (num(row, "kva_module", &v))
						snprintf(cell[i], sizeof(cell[i]), "%.0f", v);
				}
				break;
			}
			fprintf(f, " %s / %s |", cell[0], cell[1]);
		}
		fputc('\n', f);
	}
}

static void lat_table(const cJSON *bs, FILE *f)
{
	static const char *const cols[] = { "n", "min", "p50", "p90", "p99", "p999", "max", "mean", "stddev" };
	const cJSON *b, *r;
	bool any = false;

	fprintf(f, "\n## Latency (ns, timed inside the kernel: no syscall in the numbers)\n\n");
	cJSON_ArrayForEach(b, bs) {
		const cJSON *rows = jget(jfile(b, "lat.json"), "rows");

		if (!cJSON_IsArray(rows) || !cJSON_GetArraySize(rows))
			continue;
		if (!any)
			fprintf(f, "| backend | op | attrs | size | n | min | p50 | p90 | p99 | p99.9 | max | mean | stddev |\n"
				   "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		any = true;
		cJSON_ArrayForEach(r, rows) {
			char buf[32];
			double s, e;

			if (!cJSON_IsObject(r))
				continue;
			fputs("| ", f);
			dmab_md_escape(f, jstr(b, "name", "-"));
			fputs(" | ", f);
			dmab_md_escape(f, jstr(r, "op", "-"));
			fputs(" | ", f);
			dmab_md_escape(f, jstr(r, "attrs", "-"));
			fprintf(f, " | %s |", num(r, "size", &s) ? dmab_size_str(s, buf, sizeof(buf)) : "-");
			if (num(r, "errno", &e) && e != 0) {
				fprintf(f, " 0 | err %.0f | | | | | | | |\n", e);
				continue;
			}
			for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
				fprintf(f, " %s |", fmt_u(r, cols[i], buf, sizeof(buf)));
			fputc('\n', f);
		}
	}
	if (!any) {
		fprintf(f, "No latency results (job lat not run or no lat.json received).\n");
		return;
	}
	fprintf(f, "\nTimer overhead (back-to-back `ktime_get_ns()` pairs, measured in each call; not subtracted):\n\n"
		   "| backend | min ns | mean ns |\n|---|---:|---:|\n");
	cJSON_ArrayForEach(b, bs) {
		const cJSON *lat = jfile(b, "lat.json");
		char t1[32], t2[32];

		if (!lat)
			continue;
		fputs("| ", f);
		dmab_md_escape(f, jstr(b, "name", "-"));
		fprintf(f, " | %s | %s |\n", fmt_u(lat, "timer_min_ns", t1, sizeof(t1)),
			fmt_s(lat, "timer_mean_ns", t2, sizeof(t2)));
	}
}

/* uring.json: ns per pair, median over rounds, ioctl vs io_uring by queue depth */
static void uring_table(const cJSON *bs, FILE *f)
{
	const cJSON *b, *r;
	bool any = false;

	cJSON_ArrayForEach(b, bs) {
		const cJSON *rows = jget(jfile(b, "uring.json"), "rows");

		if (!cJSON_IsArray(rows) || !cJSON_GetArraySize(rows))
			continue;
		if (!any)
			fprintf(f, "\n## ioctl vs io_uring (IORING_OP_URING_CMD), ns per create+free pair, 4 KiB\n\n"
				   "Userspace wall clock per pair (syscalls included), median over rounds; uring qdN: N creates in one "
				   "submit, then N frees in one submit.\n\n"
				   "| backend | pair | path | qd | median ns/pair | min | max | vs ioctl |\n"
				   "|---|---|---|---:|---:|---:|---:|---:|\n");
		any = true;
		double ioctl_p50 = 0;

		cJSON_ArrayForEach(r, rows) {
			char t1[32], t2[32], t3[32], t4[32], rel[32] = "-";
			double p50;

			if (!strcmp(jstr(r, "path", ""), "ioctl"))
				num(r, "p50", &ioctl_p50);
			else if (ioctl_p50 > 0 && num(r, "p50", &p50))
				snprintf(rel, sizeof(rel), "%.2fx", p50 / ioctl_p50);
			fputs("| ", f);
			dmab_md_escape(f, jstr(b, "name", "-"));
			fprintf(f, " | %s | %s | %s | %s | %s | %s | %s |\n", jstr(r, "pair", "-"), jstr(r, "path", "-"),
				fmt_u(r, "qd", t1, sizeof(t1)), fmt_u(r, "p50", t2, sizeof(t2)),
				fmt_u(r, "min", t3, sizeof(t3)), fmt_u(r, "max", t4, sizeof(t4)), rel);
		}
	}
}

/* hyperfine.json (job hyperfine): whole programs, wall time per run */
static void hyperfine_table(const cJSON *bs, FILE *f)
{
	const cJSON *b, *r;
	bool any = false;

	cJSON_ArrayForEach(b, bs) {
		const cJSON *rows = jget(jfile(b, "hyperfine.json"), "results");

		if (!cJSON_IsArray(rows) || !cJSON_GetArraySize(rows))
			continue;
		if (!any)
			fprintf(f, "\n## hyperfine: whole programs (alloc + mmap + touch + free, 16 buffers per run)\n\n"
				   "Wall time per process run in the guest, `hyperfine --shell=none` (JSON export: "
				   "`<backend>/hyperfine.json`).\n\n"
				   "| backend | command | runs | mean ms | ± sd ms | min ms | max ms |\n"
				   "|---|---|---:|---:|---:|---:|---:|\n");
		any = true;
		cJSON_ArrayForEach(r, rows) {
			double mean = 0, sd = 0, mn = 0, mx = 0;
			const char *cmd = jstr(r, "command", "-"), *sl = strstr(cmd, "bin/");

			num(r, "mean", &mean);
			num(r, "stddev", &sd);
			num(r, "min", &mn);
			num(r, "max", &mx);
			fputs("| ", f);
			dmab_md_escape(f, jstr(b, "name", "-"));
			fputs(" | `", f);
			dmab_md_escape(f, sl ? sl + 4 : cmd);
			fprintf(f, "` | %d | %.2f | %.2f | %.2f | %.2f |\n", cJSON_GetArraySize(jget(r, "times")), mean * 1e3,
				sd * 1e3, mn * 1e3, mx * 1e3);
		}
	}
}

/* mapbench.json (job mapbench, `make kernel` kernel): dmabench's loop vs the kernel's dma_map_benchmark */
static void mapbench_table(const cJSON *bs, FILE *f)
{
	static const char *const ops[] = { "map", "unmap" };
	const cJSON *b;
	bool any = false;

	cJSON_ArrayForEach(b, bs) {
		const cJSON *m = jfile(b, "mapbench.json");

		if (!cJSON_IsObject(jget(m, "map")))
			continue;
		if (!any)
			fprintf(f, "\n## dma_map_single: dmabench against the kernel's dma_map_benchmark (same VM, same device)\n\n"
				   "100 ns units as the kernel tool reports them (each sample truncated); the kernel tool has no "
				   "median. agree: within 1 unit (resolution), within 2 standard errors (noise), or no "
				   "(`<backend>/mapbench.json`).\n\n"
				   "| backend | op | size | dir | dmabench n | dmabench median | dmabench mean | kernel tool mean "
				   "| difference | 2 SE | agree |\n|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
		any = true;
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			const cJSON *o = jget(m, ops[i]);
			double n = 0, med = 0, mean = 0, k = 0, d = 0, se = 0, sz = 0;
			bool have_k = num(o, "kernel_tool_avg_100ns", &k);

			num(o, "dmabench_n", &n);
			num(o, "dmabench_median_100ns", &med);
			num(jget(o, "dmabench_kernel_units"), "avg_100ns", &mean);
			num(o, "diff_100ns", &d);
			num(o, "diff_se_100ns", &se);
			num(m, "size", &sz);
			fputs("| ", f);
			dmab_md_escape(f, jstr(b, "name", "-"));
			fprintf(f, " | %s | %.0f | %s | %.0f | %.0f | %.0f | ", ops[i], sz, jstr(m, "dir", "-"), n, med, mean);
			if (have_k)
				fprintf(f, "%.1f | %+.1f | %.1f | %s |\n", k, d, 2 * se,
					cJSON_IsTrue(jget(o, "agree_resolution")) ? "resolution" :
					cJSON_IsTrue(jget(o, "agree_noise")) ? "noise" : "no");
			else
				fputs("- | - | - | - |\n", f);
		}
	}
	/* with bench/kmb's module (--kmb-steps, step 4): medians paired per round, immune to host preemptions */
	cJSON_ArrayForEach(b, bs) {
		const cJSON *md = jget(jfile(b, "mapbench.json"), "medians");
		double k = 0;

		if (!any || !cJSON_IsObject(md) || !num(md, "rounds", &k))
			continue;
		fputs("\n- ", f);
		dmab_md_escape(f, jstr(b, "name", "-"));
		fprintf(f, ": dmabench median / kernel tool loop median, paired per round (%.0f rounds): map %.3f "
			   "(%.3f–%.3f), unmap %.3f (%.3f–%.3f)\n", k, jnum(md, "map_ratio_median", 0),
			jnum(md, "map_ratio_min", 0), jnum(md, "map_ratio_max", 0), jnum(md, "unmap_ratio_median", 0),
			jnum(md, "unmap_ratio_min", 0), jnum(md, "unmap_ratio_max", 0));
	}
}

/*
 * Against the expectation table (harness/plan/expect.c): the unexpected results
 * first (what the exit code counts), then the expected failures, one row per VM,
 * job and cause with how many items and the first of them.
 */
static void expectations_write(const cJSON *bs, FILE *f)
{
	const cJSON *b, *it;
	int n[3] = { 0 };

	cJSON_ArrayForEach(b, bs) {
		const cJSON *e = jget(b, "expectations");

		n[0] += (int)jnum(e, "unexpected_failures", 0) + (int)jnum(e, "unexpected_passes", 0);
		n[1] += (int)jnum(e, "expected_failures", 0);
		n[2] += (int)jnum(e, "ok", 0);
	}
	if (!n[0] && !n[1])
		return;
	fprintf(f, "\n## Unexpected results\n\n");
	if (!n[0]) {
		fprintf(f, "None: %d results as expected, %d of them known failures (below).\n", n[1] + n[2], n[1]);
	} else {
		fprintf(f, "| VM | verdict | job | item | what happened |\n|---|---|---|---|---|\n");
		cJSON_ArrayForEach(b, bs)
			cJSON_ArrayForEach(it, jget(jget(b, "expectations"), "items")) {
				if (!strcmp(jstr(it, "verdict", ""), "xfail"))
					continue;
				fputs("| ", f);
				dmab_md_escape(f, jstr(b, "name", "-"));
				fprintf(f, " | %s | %s | ", !strcmp(jstr(it, "verdict", ""), "xpass") ?
					"unexpected pass" : "unexpected failure", *jstr(it, "job", "") ? jstr(it, "job", "") : "VM");
				dmab_md_escape(f, jstr(it, "item", ""));
				fputs(" | ", f);
				dmab_md_escape(f, jstr(it, "text", ""));
				if (jstr(it, "cause", NULL)) {
					fputs(" (known failure: ", f);
					dmab_md_escape(f, jstr(it, "cause", ""));
					fputs(")", f);
				}
				fputs(" |\n", f);
			}
	}
	if (!n[1])
		return;
	fprintf(f, "\n## Expected failures\n\n| VM | job | items | first | what happened | cause |\n|---|---|---:|---|---|---|\n");
	cJSON_ArrayForEach(b, bs) {
		const cJSON *items = jget(jget(b, "expectations"), "items"), *jt;
		int i = 0;

		cJSON_ArrayForEach(it, items) {
			int same = 0, j = 0;
			bool seen = false;

			if (strcmp(jstr(it, "verdict", ""), "xfail")) {
				i++;
				continue;
			}
			cJSON_ArrayForEach(jt, items) {
				bool alike = !strcmp(jstr(jt, "verdict", ""), "xfail") &&
					     !strcmp(jstr(jt, "job", ""), jstr(it, "job", "")) &&
					     !strcmp(jstr(jt, "cause", ""), jstr(it, "cause", ""));

				seen |= alike && j < i;
				same += alike;
				j++;
			}
			i++;
			if (seen)
				continue;
			fputs("| ", f);
			dmab_md_escape(f, jstr(b, "name", "-"));
			fprintf(f, " | %s | %d | ", *jstr(it, "job", "") ? jstr(it, "job", "") : "VM", same);
			dmab_md_escape(f, jstr(it, "item", ""));
			fputs(" | ", f);
			dmab_md_escape(f, jstr(it, "text", ""));
			fputs(" | ", f);
			dmab_md_escape(f, jstr(it, "cause", ""));
			fputs(" |\n", f);
		}
	}
}


/* The reference of a VM for the answers: the VM whose label is the same with its backend
 * descriptor swapped for its arch's direct backend ("intel-strict@bypass~debian-6.12" ->
 * "direct@bypass~debian-6.12", "arm64-smmuv3-strict" -> "arm64-direct"). NULL: none in the run. */
static const cJSON *reference_of(const cJSON *bs, const cJSON *b, char *ref, size_t len)
{
	const char *name = jstr(b, "name", ""), *desc = jstr(b, "backend", NULL), *ref_name;
	const struct dmab_backend *be = desc ? dmab_backend_find(desc) : NULL;
	const struct dmab_arch *a = be ? dmab_arch_find(be->arch) : NULL;
	size_t dl;
	const cJSON *o;

	if (!a || strncmp(name, desc, dl = strlen(desc)))
		return NULL;
	snprintf(ref, len, "%sdirect", a->label_prefix);
	ref_name = ref;
	char full[200];

	snprintf(full, sizeof(full), "%s%s", ref_name, name + dl);
	cJSON_ArrayForEach(o, bs)
		if (!strcmp(jstr(o, "name", ""), full))
			return o;
	return NULL;
}

static const cJSON *lat_row_find(const cJSON *b, const cJSON *like)
{
	const cJSON *r;
	double s1 = -1, s2 = -2;

	num(like, "size", &s1);
	cJSON_ArrayForEach(r, jget(jfile(b, "lat.json"), "rows"))
		if (!strcmp(jstr(r, "op", ""), jstr(like, "op", "")) &&
		    !strcmp(jstr(r, "api", ""), jstr(like, "api", "")) &&
		    !strcmp(jstr(r, "attrs", ""), jstr(like, "attrs", "")) && num(r, "size", &s2) && s1 == s2)
			return r;
	return NULL;
}

/* b has lat rows and its reference rf (not b itself) has too */
static bool lat_pair(const cJSON *bs, const cJSON *b, const cJSON **rf)
{
	char ref[64];

	*rf = reference_of(bs, b, ref, sizeof(ref));
	return *rf && *rf != b && jfile(b, "lat.json") && jfile(*rf, "lat.json");
}

/* A VM's cell: its label without ".b<k>" when the run has several boots (run.json "cell"). */
static const char *cell_of(const cJSON *b)
{
	return jstr(b, "cell", jstr(b, "name", "-"));
}

/* b is the first VM (in run order) of its cell */
static bool cell_first(const cJSON *bs, const cJSON *b)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, bs) {
		if (o == b)
			return true;
		if (!strcmp(cell_of(o), cell_of(b)))
			return false;
	}
	return false;
}

static int dbl_cmp_asc(const void *x, const void *y)
{
	double a = *(const double *)x, c = *(const double *)y;

	return (a > c) - (a < c);
}

/*
 * One table: the cells whose reference cell is ref's, a column each. With several boots a cell's
 * ratio is the median over its boots of p50 / the same boot's reference p50, with the range over
 * the boots in brackets.
 */
static void answers_lat_group(const cJSON *bs, const cJSON *ref, bool heading, FILE *f)
{
	const cJSON *b, *r, *rf;
	int ncols = 0;

	cJSON_ArrayForEach(b, bs)
		ncols += lat_pair(bs, b, &rf) && !strcmp(cell_of(rf), cell_of(ref)) && cell_first(bs, b);
	if (!ncols)
		return;
	if (heading) {
		fputs("\n#### Against ", f);
		dmab_md_escape(f, cell_of(ref));
		fputc('\n', f);
	}
	fputs("\n| op | attrs | size | ", f);
	dmab_md_escape(f, cell_of(ref));
	fputs(" ns |", f);
	cJSON_ArrayForEach(b, bs)
		if (lat_pair(bs, b, &rf) && !strcmp(cell_of(rf), cell_of(ref)) && cell_first(bs, b)) {
			fputc(' ', f);
			dmab_md_escape(f, cell_of(b));
			fputs(" |", f);
		}
	fputs("\n|---|---|---:|---:|", f);
	for (int i = 0; i < ncols; i++)
		fputs("---:|", f);
	fputc('\n', f);
	cJSON_ArrayForEach(r, jget(jfile(ref, "lat.json"), "rows")) {
		char sb[32], t[32];
		double s, e;

		if (!cJSON_IsObject(r))
			continue;
		fputs("| ", f);
		dmab_md_escape(f, jstr(r, "op", "-"));
		fputs(" | ", f);
		dmab_md_escape(f, jstr(r, "attrs", "-"));
		if (num(r, "errno", &e) && e != 0)
			snprintf(t, sizeof(t), "err %.0f", e);
		else
			fmt_u(r, "p50", t, sizeof(t));
		fprintf(f, " | %s | %s |", num(r, "size", &s) ? dmab_size_str(s, sb, sizeof(sb)) : "-", t);
		cJSON_ArrayForEach(b, bs) {
			const cJSON *o;
			double ratio[64];
			int nr = 0, err = 0;

			if (!lat_pair(bs, b, &rf) || strcmp(cell_of(rf), cell_of(ref)) || !cell_first(bs, b))
				continue;
			/* every boot of b's cell against the same boot's reference */
			cJSON_ArrayForEach(o, bs) {
				const cJSON *of, *x, *y;
				double px, py = 0;

				if (strcmp(cell_of(o), cell_of(b)) || !lat_pair(bs, o, &of) || nr >= 64)
					continue;
				x = lat_row_find(o, r);
				y = lat_row_find(of, r);
				if (x && num(x, "errno", &e) && e != 0)
					err = (int)e;
				else if (x && y && num(x, "p50", &px) && num(y, "p50", &py) && py > 0 &&
					 !(num(y, "errno", &e) && e))
					ratio[nr++] = px / py;
			}
			if (nr) {
				qsort(ratio, (size_t)nr, sizeof(ratio[0]), dbl_cmp_asc);
				fprintf(f, " %.2f", nr % 2 ? ratio[nr / 2] : (ratio[nr / 2 - 1] + ratio[nr / 2]) / 2);
				if (nr > 1)
					fprintf(f, " [%.2f–%.2f]", ratio[0], ratio[nr - 1]);
				fputs(" |", f);
			} else if (err) {
				fprintf(f, " err %d |", err);
			} else {
				fputs(" - |", f);
			}
		}
		fputc('\n', f);
	}
}

/* Answers, latency: per op and size, each backend's median as a ratio to its direct reference
 * (the same kernel, arch and topology: one table per reference when there are several). */
static void answers_lat(const cJSON *bs, FILE *f)
{
	const cJSON *b, *rf;
	int nref = 0, npair = 0, boots = 1;
	char ref[64];

	cJSON_ArrayForEach(b, bs) {
		nref += reference_of(bs, b, ref, sizeof(ref)) == b && jfile(b, "lat.json") && cell_first(bs, b);
		npair += lat_pair(bs, b, &rf);
		if (jnum(b, "boot", 0) > boots)
			boots = (int)jnum(b, "boot", 0);
	}
	if (!npair)
		return;
	fprintf(f, "\n### Latency: median (p50) as a ratio to `direct` on the same kernel, arch and topology\n\n");
	if (boots > 1)
		fprintf(f, "%d boots per VM: each cell is the median over the boots of p50 / the same boot's direct p50, "
			   "[the range over the boots]; the first number column is direct's median of its first boot (ns). ",
			boots);
	else
		fprintf(f, "One boot per VM: no interval (boot-to-boot variance unknown; `--boots N` gives one). ");
	fprintf(f, "1.00 = as fast as direct, 2.50 = two and a half times its time. `err N`: the operation failed "
		   "with errno N.\n");
	cJSON_ArrayForEach(b, bs)
		if (reference_of(bs, b, ref, sizeof(ref)) == b && cell_first(bs, b))
			answers_lat_group(bs, b, nref > 1, f);
}

static void header(const cJSON *run, FILE *f, const char *title)
{
	const cJSON *env = jget(run, "env");
	char t1[32];

	fprintf(f, "# dmabench run %s%s\n\n", jstr(run, "run_id", "-"), title);
	fprintf(f, "- created: %s, exit %s (%s)\n", jstr(run, "created", "-"),
		fmt_u(run, "exit_code", t1, sizeof(t1)), jstr(run, "exit_class", "-"));
	fprintf(f, "- host kernel: %s; git %s\n", jstr(env, "host_kernel", "-"), jstr(env, "git_sha", "-"));
	fprintf(f, "- QEMU: %s, accel %s", jstr(env, "qemu_version", "-"), jstr(env, "accel", "-"));
	if (*jstr(env, "accel_note", ""))
		fprintf(f, " (%s)", jstr(env, "accel_note", ""));
	fprintf(f, "\n- guest kernel image: %s; jobs: %s\n", jstr(env, "kernel", "-"), jstr(env, "job", "-"));
	const cJSON *plan = jget(run, "plan"), *from = jget(plan, "merged_from"), *s;

	if (*jstr(plan, "shard", ""))
		fprintf(f, "- shard %s of plan %s (%d VMs; 'dmabench merge' joins the shards)\n", jstr(plan, "shard", ""),
			jstr(plan, "id", "-"), cJSON_GetArraySize(jget(plan, "vms")));
	if (cJSON_IsArray(from)) {
		fprintf(f, "- plan %s merged from %d shards:", jstr(plan, "id", "-"), cJSON_GetArraySize(from));
		cJSON_ArrayForEach(s, from)
			fprintf(f, " %s", cJSON_IsString(s) ? s->valuestring : "?");
		fputc('\n', f);
	}
}

static void backends_table(const cJSON *bs, FILE *f)
{
	const cJSON *b;
	char t1[32], t2[32];

	fprintf(f, "\n## Backends\n\n| backend | kernel | status | expected | effective mode | guest kernel | tests p/f/s | boot s | total s |\n"
		   "|---|---|---|---|---|---|---|---:|---:|\n");
	if (bs) {
		cJSON_ArrayForEach(b, bs) {
			const cJSON *vm = jget(b, "vm"), *k = jget(vm, "ktap");
			char tests[64] = "-", p[16], fl[16], sk[16];
			if (k)
				snprintf(tests, sizeof(tests), "%s/%s/%s", fmt_u(k, "passed", p, sizeof(p)),
					 fmt_u(k, "failed", fl, sizeof(fl)), fmt_u(k, "skipped", sk, sizeof(sk)));
			fputs("| ", f);
			dmab_md_escape(f, jstr(b, "name", "-"));
			fputs(" | ", f);
			dmab_md_escape(f, kernel_of(b));
			fputs(" | ", f);
			dmab_md_escape(f, jstr(b, "status", "-"));
			const char *reason = jstr(b, "reason", "");
			if (*reason) {
				fputs(": ", f);
				dmab_md_escape(f, reason);
			}
			fprintf(f, " | %s/%s | ", jstr(b, "expect_ops", "-"), jstr(b, "expect_domain", "-"));
			dmab_md_escape(f, jstr(b, "effective_mode", "-"));
			const cJSON *me = jget(b, "mode_matches_expect");
			if (cJSON_IsFalse(me))
				fputs(" **(differs)**", f);
			fputs(" | ", f);
			dmab_md_escape(f, jstr(b, "guest_kernel", "-"));
			fprintf(f, " | %s | %s | %s |\n", tests, fmt_s(vm, "boot_to_init_s", t1, sizeof(t1)),
				fmt_s(vm, "total_s", t2, sizeof(t2)));
		}
	}
}

int dmab_details_write(const cJSON *run, FILE *f)
{
	const cJSON *bs = jget(run, "backends"), *b;

	if (!cJSON_IsArray(bs))
		bs = NULL;
	header(run, f, ": every table");
	fprintf(f, "\nThe answers are in [summary.md](summary.md).\n");
	if (bs)
		expectations_write(bs, f);
	backends_table(bs, f);
	if (bs) {
		/* skipped tests and job results with their reasons (e.g. a feature the kernel lacks) */
		bool any = false;

		cJSON_ArrayForEach(b, bs) {
			const cJSON *s;

			cJSON_ArrayForEach(s, jget(b, "job_skips")) {
				char what[96];
				double nr = 0;

				if (!any)
					fprintf(f, "\n### Skipped tests\n\n| backend | kernel | test | reason |\n|---|---|---|---|\n");
				any = true;
				if (num(s, "rows", &nr) && nr > 0)
					snprintf(what, sizeof(what), "%s: %.0f rows", jstr(s, "file", "-"), nr);
				else
					snprintf(what, sizeof(what), "%s", jstr(s, "file", "-"));
				fputs("| ", f);
				dmab_md_escape(f, jstr(b, "name", "-"));
				fputs(" | ", f);
				dmab_md_escape(f, kernel_of(b));
				fputs(" | ", f);
				dmab_md_escape(f, what);
				fputs(" | ", f);
				dmab_md_escape(f, jstr(s, "reason", "-"));
				fputs(" |\n", f);
			}

			cJSON_ArrayForEach(s, jget(jget(jget(b, "vm"), "ktap"), "skips")) {
				if (!any)
					fprintf(f, "\n### Skipped tests\n\n| backend | kernel | test | reason |\n|---|---|---|---|\n");
				any = true;
				fputs("| ", f);
				dmab_md_escape(f, jstr(b, "name", "-"));
				fputs(" | ", f);
				dmab_md_escape(f, kernel_of(b));
				fputs(" | ", f);
				dmab_md_escape(f, jstr(s, "test", "-"));
				fputs(" | ", f);
				dmab_md_escape(f, jstr(s, "reason", "-"));
				fputs(" |\n", f);
			}
		}
		dmab_topology_summary_write(bs, f);
		va_table(bs, f);
		va_kernel_table(bs, f);
		lat_table(bs, f);
		uring_table(bs, f);
		hyperfine_table(bs, f);
		mapbench_table(bs, f);
		dmab_scale_summary_write(run, f);
		dmab_share_summary_write(bs, f);
		dmab_fresh_summary_write(bs, f);
	}
	return ferror(f) ? -5 : 0;
}
int dmab_summary_write(const cJSON *run, FILE *f)
{
	const cJSON *bs = jget(run, "backends");

	if (!cJSON_IsArray(bs))
		bs = NULL;
	header(run, f, "");
	fprintf(f, "\nThe answers first; every table of the run is in [details.md](details.md).\n");
	if (bs)
		expectations_write(bs, f);	/* what changes the exit code comes first */
	if (bs) {
		fprintf(f, "\n## Answers\n");
		answers_lat(bs, f);
		va_headline(bs, f);
		dmab_fresh_summary_write(bs, f);	/* zeroed or stale: a security property, an answer */
		dmab_scale_summary_write(run, f);	/* throughput against threads, when the scale job ran */
	}
	backends_table(bs, f);
	return ferror(f) ? -5 : 0;
}
