// SPDX-License-Identifier: GPL-2.0
/*
 * share_summary.c - the buffer-sharing matrix of summary.md from
 * the share.json of every VM in a run.json: one compact table (rows backend
 * x topology x path x A->B, columns allocation API/attribute set x size,
 * cells "ok" or "FAIL <stage> <errno>"), the devices each VM saw, and a
 * detail table (per-stage median ns of the working cells, the first kernel
 * message of each failing one). Tolerant like summary.c: a missing or
 * mistyped field prints as "-".
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/jget.h"
#include "lib/util.h"
#include "harness/report/share_summary.h"

static const char *const stages[] = { "alloc", "get_sgtable", "map_sg", "verify", "unmap", "free" };
#define NSTAGES	(sizeof(stages) / sizeof(stages[0]))

struct col {
	const char *api, *attrs;
	double size;
	int api_ord, attrs_ord;
};

struct rowkey {
	const cJSON *vm;		/* the run.json backends[] entry */
	const char *path, *a, *b;
};

struct share_tab {
	struct col *cols;
	size_t ncols, capc;
	struct rowkey *rows;
	size_t nrows, capr;
	const char *apis[32], *attrs[64];
	int napis, nattrs;
	bool multi_api;
};

void dmab_md_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

/* "ENOMEM" for 12 or -12; "E<n>" when unknown */
static const char *errno_str(int e, char *buf, size_t len)
{
	const char *n;

	if (e < 0)
		e = -e;
	n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, len, "E%d", e);
	return buf;
}

static int ord(const char **tab, int *n, int max, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(tab[i], s))
			return i;
	if (*n >= max)
		return max;
	tab[*n] = s;
	return (*n)++;
}

static int col_cmp(const void *x, const void *y)
{
	const struct col *a = x, *b = y;

	if (a->api_ord != b->api_ord)
		return a->api_ord - b->api_ord;
	if (a->attrs_ord != b->attrs_ord)
		return a->attrs_ord - b->attrs_ord;
	return (a->size > b->size) - (a->size < b->size);
}

static bool col_match(const struct col *c, const cJSON *r)
{
	return !strcmp(c->api, jstr(r, "api", "-")) && !strcmp(c->attrs, jstr(r, "attrs", "-")) &&
	       c->size == jnum(r, "size", -1);
}

static bool row_match(const struct rowkey *k, const cJSON *vm, const cJSON *r)
{
	return k->vm == vm && !strcmp(k->path, jstr(r, "path", "-")) && !strcmp(k->a, jstr(r, "a", "-")) &&
	       !strcmp(k->b, jstr(r, "b", "-"));
}

/* a an array, else NULL (cJSON_ArrayForEach then does nothing) */
static const cJSON *arr(const cJSON *a)
{
	return cJSON_IsArray(a) ? a : NULL;
}

static const cJSON *share_of(const cJSON *vm)
{
	const cJSON *s = jfile(vm, "share.json");

	return cJSON_IsObject(s) ? s : NULL;
}

static int tab_build(const cJSON *bs, struct share_tab *t)
{
	const cJSON *vm, *r;

	memset(t, 0, sizeof(*t));
	cJSON_ArrayForEach(vm, bs) {
		const cJSON *rows = jget(share_of(vm), "rows");

		cJSON_ArrayForEach(r, arr(rows)) {
			size_t i;

			for (i = 0; i < t->ncols && !col_match(&t->cols[i], r); i++)
				;
			if (i == t->ncols) {
				if (t->ncols == t->capc) {
					size_t nc = t->capc ? t->capc * 2 : 16;
					struct col *p = realloc(t->cols, nc * sizeof(*p));
					if (!p)
						return -1;
					t->cols = p;
					t->capc = nc;
				}
				struct col *c = &t->cols[t->ncols++];
				c->api = jstr(r, "api", "-");
				c->attrs = jstr(r, "attrs", "-");
				c->size = jnum(r, "size", -1);
				c->api_ord = ord(t->apis, &t->napis, 32, c->api);
				c->attrs_ord = ord(t->attrs, &t->nattrs, 64, c->attrs);
			}
			for (i = 0; i < t->nrows && !row_match(&t->rows[i], vm, r); i++)
				;
			if (i == t->nrows) {
				if (t->nrows == t->capr) {
					size_t nc = t->capr ? t->capr * 2 : 16;
					struct rowkey *p = realloc(t->rows, nc * sizeof(*p));
					if (!p)
						return -1;
					t->rows = p;
					t->capr = nc;
				}
				t->rows[t->nrows++] = (struct rowkey){ vm, jstr(r, "path", "-"), jstr(r, "a", "-"),
								       jstr(r, "b", "-") };
			}
		}
	}
	if (t->ncols)
		qsort(t->cols, t->ncols, sizeof(*t->cols), col_cmp);
	t->multi_api = t->napis > 1 || (t->napis == 1 && strcmp(t->apis[0], "attrs"));
	return 0;
}

/* the rows of one cell, in file order */
static int cell_rows(const struct rowkey *k, const struct col *c, const cJSON **out, int max)
{
	const cJSON *rows = jget(share_of(k->vm), "rows"), *r;
	int n = 0;

	cJSON_ArrayForEach(r, arr(rows))
		if (n < max && row_match(k, k->vm, r) && col_match(c, r))
			out[n++] = r;
	return n;
}

static const cJSON *first_fail(const cJSON **rs, int n)
{
	for (int i = 0; i < n; i++)
		if (!cJSON_IsTrue(jget(rs[i], "ok")))
			return rs[i];
	return NULL;
}

/* "ok" / "FAIL map_sg ENOMEM" / "FAIL verify 3 bad" */
static void cell_text(const cJSON **rs, int n, char *buf, size_t len)
{
	const cJSON *f = first_fail(rs, n);
	char eb[16];

	if (!n) {
		snprintf(buf, len, "-");
		return;
	}
	if (!f) {
		snprintf(buf, len, "ok");
		return;
	}
	int e = (int)jnum(f, "errno", 0);
	double mis = jnum(f, "mismatches", 0);
	size_t l = (size_t)snprintf(buf, len, "FAIL %s", jstr(f, "stage", "?"));
	if (e && l < len)
		l += (size_t)snprintf(buf + l, len - l, " %s", errno_str(e, eb, sizeof(eb)));
	if (mis > 0 && l < len)
		l += (size_t)snprintf(buf + l, len - l, " %.0f bad", mis);
	if (cJSON_IsTrue(jget(f, "fault")) && l < len)
		snprintf(buf + l, len - l, " fault");
}

static int dbl_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* median of ns.<stage> over the ok rows; false if none */
static bool stage_median(const cJSON **rs, int n, const char *stage, double *out)
{
	double v[64];
	int k = 0;

	for (int i = 0; i < n && k < 64; i++) {
		const cJSON *x = jget(jget(rs[i], "ns"), stage);
		if (cJSON_IsTrue(jget(rs[i], "ok")) && cJSON_IsNumber(x))
			v[k++] = x->valuedouble;
	}
	if (!k)
		return false;
	qsort(v, (size_t)k, sizeof(v[0]), dbl_cmp);
	*out = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	return true;
}

static const char *vm_backend(const cJSON *vm)
{
	return jstr(vm, "backend", jstr(vm, "name", "-"));
}

static const char *vm_topology(const cJSON *vm)
{
	return jstr(vm, "topology", jstr(share_of(vm), "topology", "-"));
}

static void col_head(const struct share_tab *t, const struct col *c, FILE *f)
{
	char sb[32];

	/* "NKM 64K" for dma_alloc_attrs, "pages 4K", "noncontig ASP 4K" for the others */
	fputs(" ", f);
	if (t->multi_api && strcmp(c->api, "attrs")) {
		dmab_md_escape(f, c->api);
		if (strcmp(c->attrs, "none")) {
			fputs(" ", f);
			dmab_md_escape(f, c->attrs);
		}
	} else {
		dmab_md_escape(f, c->attrs);
	}
	fprintf(f, " %s |", dmab_size_str(c->size, sb, sizeof(sb)));
}

static void row_head(const struct rowkey *k, FILE *f)
{
	fputs("| ", f);
	dmab_md_escape(f, vm_backend(k->vm));
	fputs(" | ", f);
	dmab_md_escape(f, vm_topology(k->vm));
	fputs(" | ", f);
	dmab_md_escape(f, k->path);
	fputs(" | ", f);
	dmab_md_escape(f, k->a);
	fputs("→", f);
	dmab_md_escape(f, k->b);
	fputs(" |", f);
}

static void devices_table(const cJSON *bs, FILE *f)
{
	const cJSON *vm, *d;

	fputs("\nDevices as the guest saw them (IOMMU group -1: none):\n\n"
	      "| backend | topology | devices (sel = PCI name, group, ops/domain, mask bits, coherent) |\n"
	      "|---|---|---|\n", f);
	cJSON_ArrayForEach(vm, bs) {
		const cJSON *s = share_of(vm), *devs = jget(s, "devices");
		bool first = true;

		if (!s)
			continue;
		fputs("| ", f);
		dmab_md_escape(f, vm_backend(vm));
		fputs(" | ", f);
		dmab_md_escape(f, vm_topology(vm));
		fputs(" | ", f);
		cJSON_ArrayForEach(d, arr(devs)) {
			const cJSON *coh = jget(d, "coherent");
			fputs(first ? "" : "; ", f);
			first = false;
			dmab_md_escape(f, jstr(d, "sel", "?"));
			fputs(" = ", f);
			dmab_md_escape(f, jstr(d, "name", "?"));
			fprintf(f, ", g%.0f, ", jnum(d, "group", -1));
			dmab_md_escape(f, jstr(d, "ops", "-"));
			fputs("/", f);
			dmab_md_escape(f, jstr(d, "domain", "-"));
			fprintf(f, ", %.0f-bit, %s", jnum(d, "mask_bits", 0),
				cJSON_IsBool(coh) ? (cJSON_IsTrue(coh) ? "coherent" : "non-coherent") : "-");
		}
		fputs(first ? "- |\n" : " |\n", f);
	}
}

/*
 * Overview: rows backend, columns topology (first-seen order); a cell is "ok"
 * when every sharing cell of that VM works, else "<failing>/<all>" and the
 * distinct failures with the sizes they hit ("FAIL map_sg E2BIG @1M").
 */
/* One backend x topology cell of the sharing matrix: cells run, failed, and the distinct failures with their sizes. */
static void bt_cell(const struct share_tab *t, const char *bkn, const char *tpn, int *all, int *bad,
		    char kinds[8][160], char sizes[8][48], int *nkp)
{
	char buf[160];
	int nk = 0;

	*all = *bad = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		const struct rowkey *rk = &t->rows[r];
		if (strcmp(vm_backend(rk->vm), bkn) || strcmp(vm_topology(rk->vm), tpn))
			continue;
		for (size_t c = 0; c < t->ncols; c++) {
			const cJSON *rs[64];
			int n = cell_rows(rk, &t->cols[c], rs, 64), i;
			char sb[32];

			if (!n)
				continue;
			(*all)++;
			cell_text(rs, n, buf, sizeof(buf));
			if (!strcmp(buf, "ok"))
				continue;
			(*bad)++;
			/* "FAIL verify 1021 bad" -> "FAIL verify bad": counts vary per cell */
			char *num = strstr(buf, " bad");
			if (num) {
				char *sp = num;
				while (sp > buf && sp[-1] != ' ')
					sp--;
				memmove(sp, num + 1, strlen(num + 1) + 1);
			}
			for (i = 0; i < nk && strcmp(kinds[i], buf); i++)
				;
			if (i == nk && nk < 8) {
				snprintf(kinds[nk], sizeof(kinds[0]), "%s", buf);
				sizes[nk++][0] = 0;
			}
			if (i < nk) {
				dmab_size_str(t->cols[c].size, sb, sizeof(sb));
				if (!strstr(sizes[i], sb) && strlen(sizes[i]) + strlen(sb) + 2 < sizeof(sizes[0]))
					snprintf(sizes[i] + strlen(sizes[i]), sizeof(sizes[0]) - strlen(sizes[i]), "%s%s",
						 sizes[i][0] ? "," : "", sb);
			}
		}
	}
	*nkp = nk;
}

static void overview(const struct share_tab *t, FILE *f)
{
	const char *bk[64], *tp[32];
	int nb = 0, nt = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		ord(bk, &nb, 64, vm_backend(t->rows[r].vm));
		ord(tp, &nt, 32, vm_topology(t->rows[r].vm));
	}
	fputs("\nOverview (cells per backend x topology; failures with the sizes they hit):\n\n| backend |", f);
	for (int k = 0; k < nt; k++) {
		fputs(" ", f);
		dmab_md_escape(f, tp[k]);
		fputs(" |", f);
	}
	fputs("\n|---|", f);
	for (int k = 0; k < nt; k++)
		fputs("---|", f);
	fputs("\n", f);
	for (int b = 0; b < nb; b++) {
		fputs("| ", f);
		dmab_md_escape(f, bk[b]);
		fputs(" |", f);
		for (int k = 0; k < nt; k++) {
			char kinds[8][160], sizes[8][48];
			int nk, all, bad;

			bt_cell(t, bk[b], tp[k], &all, &bad, kinds, sizes, &nk);
			if (!all) {
				fputs(" - |", f);
			} else if (!bad) {
				fprintf(f, " ok (%d) |", all);
			} else {
				fprintf(f, " %d/%d:", bad, all);
				for (int i = 0; i < nk; i++) {
					fputs(i ? "; " : " ", f);
					dmab_md_escape(f, kinds[i]);
					fprintf(f, " @%s", sizes[i]);
				}
				fputs(" |", f);
			}
		}
		fputs("\n", f);
	}
}

int dmab_share_summary_write(const cJSON *bs, FILE *f)
{
	struct share_tab t;
	const cJSON *vm;
	int nvm = 0, nfail = 0, nok = 0;
	char buf[160];

	if (!cJSON_IsArray(bs))
		return 0;
	/* VMs that ran the share job (guest env.json "jobs") or sent share.json */
	cJSON_ArrayForEach(vm, bs) {
		const char *jobs = jstr(jfile(vm, "env.json"), "jobs", "");
		if (share_of(vm) || strstr(jobs, "share"))
			nvm++;
	}
	if (!nvm)
		return 0;
	if (tab_build(bs, &t)) {
		free(t.cols);
		free(t.rows);
		return -1;
	}
	fputs("\n## Buffer sharing (allocate on A, get_sgtable, map_sg on B, B's DMA engine checks the bytes)\n\n", f);
	cJSON_ArrayForEach(vm, bs) {
		const char *jobs = jstr(jfile(vm, "env.json"), "jobs", "");
		if (!share_of(vm) && strstr(jobs, "share")) {
			fputs("- ", f);
			dmab_md_escape(f, jstr(vm, "name", "-"));
			fputs(": no share.json (VM ", f);
			dmab_md_escape(f, jstr(vm, "status", "-"));
			fputs(*jstr(vm, "reason", "") ? ": " : "", f);
			dmab_md_escape(f, jstr(vm, "reason", ""));
			fputs(")\n", f);
		}
	}
	if (t.nrows && t.ncols) {
		overview(&t, f);
		fputs("\n| backend | topology | path | A→B |", f);
		for (size_t c = 0; c < t.ncols; c++)
			col_head(&t, &t.cols[c], f);
		fputs("\n|---|---|---|---|", f);
		for (size_t c = 0; c < t.ncols; c++)
			fputs("---|", f);
		fputs("\n", f);
		for (size_t r = 0; r < t.nrows; r++) {
			row_head(&t.rows[r], f);
			for (size_t c = 0; c < t.ncols; c++) {
				const cJSON *rs[64];
				int n = cell_rows(&t.rows[r], &t.cols[c], rs, 64);
				cell_text(rs, n, buf, sizeof(buf));
				if (n && !strcmp(buf, "ok"))
					nok++;
				else if (n)
					nfail++;
				fputs(" ", f);
				dmab_md_escape(f, buf);
				fputs(" |", f);
			}
			fputs("\n", f);
		}
		fprintf(f, "\n%d cells ok, %d failing.\n", nok, nfail);
		devices_table(bs, f);

		fputs("\nPer-stage median ns (working cells) or the first kernel message (failing cells):\n\n"
		      "| backend | topology | path | A→B | api | attrs | size | result |", f);
		for (size_t s = 0; s < NSTAGES; s++)
			fprintf(f, " %s ns |", stages[s]);
		fputs(" cpu path, pages / kernel message |\n|---|---|---|---|---|---|---:|---|", f);
		for (size_t s = 0; s < NSTAGES; s++)
			fputs("---:|", f);
		fputs("---|\n", f);
		for (size_t r = 0; r < t.nrows; r++) {
			for (size_t c = 0; c < t.ncols; c++) {
				const cJSON *rs[64], *ff;
				char sb[32];
				int n = cell_rows(&t.rows[r], &t.cols[c], rs, 64);

				if (!n)
					continue;
				cell_text(rs, n, buf, sizeof(buf));
				ff = first_fail(rs, n);
				row_head(&t.rows[r], f);
				fputs(" ", f);
				dmab_md_escape(f, t.cols[c].api);
				fputs(" | ", f);
				dmab_md_escape(f, t.cols[c].attrs);
				fprintf(f, " | %s | ", dmab_size_str(t.cols[c].size, sb, sizeof(sb)));
				dmab_md_escape(f, buf);
				fputs(" |", f);
				for (size_t s = 0; s < NSTAGES; s++) {
					double v;
					if (!ff && stage_median(rs, n, stages[s], &v))
						fprintf(f, " %.0f |", v);
					else
						fputs(" - |", f);
				}
				fputs(" ", f);
				if (ff) {
					dmab_md_escape(f, *jstr(ff, "kmsg", "") ? jstr(ff, "kmsg", "") : "(no kernel message)");
				} else {
					dmab_md_escape(f, jstr(rs[0], "cpu_path", "-"));
					fprintf(f, ", %.0f", jnum(rs[0], "pages", -1));
				}
				fputs(" |\n", f);
			}
		}
	}
	free(t.cols);
	free(t.rows);
	return ferror(f) ? -1 : 0;
}

int dmab_topology_summary_write(const cJSON *bs, FILE *f)
{
	const cJSON *vm;
	bool show = false;

	cJSON_ArrayForEach(vm, arr(bs)) {
		const cJSON *ok = jget(jget(vm, "topology_check"), "ok");
		show |= strcmp(jstr(vm, "topology", "pair"), "pair") || cJSON_IsFalse(ok);
	}
	if (!show)
		return 0;
	fputs("\n## Topologies\n\n| VM | topology | devices and IOMMU groups as intended (`dmabench topologies`) |\n"
	      "|---|---|---|\n", f);
	cJSON_ArrayForEach(vm, arr(bs)) {
		const cJSON *tc = jget(vm, "topology_check"), *ok = jget(tc, "ok");

		fputs("| ", f);
		dmab_md_escape(f, jstr(vm, "name", "-"));
		fputs(" | ", f);
		dmab_md_escape(f, jstr(vm, "topology", "-"));
		fputs(cJSON_IsTrue(ok) ? " | yes" : cJSON_IsFalse(ok) ? " | **NO**: " : " | -: ", f);
		if (!cJSON_IsTrue(ok))
			dmab_md_escape(f, jstr(tc, "detail", "not checked"));
		fputs(" |\n", f);
	}
	return ferror(f) ? -1 : 0;
}

int dmab_share_heat_data(const cJSON *bs, FILE *f)
{
	struct share_tab t;
	const char *bk[64], *tp[32];
	int nb = 0, nt = 0, cells = 0;

	if (!cJSON_IsArray(bs) || tab_build(bs, &t)) {
		return 0;
	}
	for (size_t r = 0; r < t.nrows; r++) {
		ord(bk, &nb, 64, vm_backend(t.rows[r].vm));
		ord(tp, &nt, 32, vm_topology(t.rows[r].vm));
	}
	if (t.nrows && t.ncols) {
		fputs("# x y backend topology state cells failed (state: 0 ok, 1 expected failure, 2 failure, -1 not run)\n", f);
		for (int b = 0; b < nb; b++)
			for (int k = 0; k < nt; k++) {
				char kinds[8][160], sizes[8][48];
				int nk, all, bad;

				int nfail = 0, nxfail = 0;
				const cJSON *seen = NULL;

				bt_cell(&t, bk[b], tp[k], &all, &bad, kinds, sizes, &nk);
				/* failures the expectation table knows (run.json expectations): yellow, not red */
				for (size_t r = 0; r < t.nrows; r++) {
					const cJSON *vm = t.rows[r].vm, *it;

					if (vm == seen || strcmp(vm_backend(vm), bk[b]) || strcmp(vm_topology(vm), tp[k]))
						continue;
					seen = vm;
					cJSON_ArrayForEach(it, jget(jget(vm, "expectations"), "items"))
						if (!strcmp(jstr(it, "job", ""), "share")) {
							nfail += !strcmp(jstr(it, "verdict", ""), "fail");
							nxfail += !strcmp(jstr(it, "verdict", ""), "xfail");
						}
				}
				fprintf(f, "%d %d \"%s\" \"%s\" %d %d %d\n", k, b, bk[b], tp[k],
					!all ? -1 : !bad ? 0 : !nfail && nxfail ? 1 : 2, all, bad);
				cells++;
			}
	}
	free(t.cols);
	free(t.rows);
	return cells;
}
