// SPDX-License-Identifier: GPL-2.0
/*
 * fresh_summary.c - the "Fresh buffers" section of summary.md from every
 * VM's fresh.json (job fresh, bench/fresh.c): rows API/attributes, columns
 * the VMs (backend, with its kernel in runs over several), cells "zeroed"
 * or "stale N/M" over every size and view.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "harness/report/fresh_summary.h"
#include "harness/report/jget.h"
#include "harness/report/share_summary.h"

#define FRESH_MAX_ROWS 64
#define FRESH_MAX_COLS 64

struct fresh_key {
	char api[24], attrs[48];
};

static void key_of(const cJSON *row, struct fresh_key *k)
{
	snprintf(k->api, sizeof(k->api), "%s", jstr(row, "api", "-"));
	snprintf(k->attrs, sizeof(k->attrs), "%s", jstr(row, "attrs", "-"));
}

/* One cell: every size of one API/attrs in one VM's fresh.json. */
static void cell(FILE *f, const cJSON *rows, const struct fresh_key *k)
{
	double stale = 0, read = 0, pat = 0;
	int n = 0, nstale = 0, nerr = 0, nskip = 0;
	const char *why = NULL;
	const cJSON *r;

	cJSON_ArrayForEach(r, rows) {
		struct fresh_key x;

		key_of(r, &x);
		if (strcmp(x.api, k->api) || strcmp(x.attrs, k->attrs))
			continue;
		n++;
		if (jstr(r, "skipped", NULL)) {
			nskip++;
			continue;
		}
		if (!cJSON_IsTrue(jget(r, "ok"))) {
			nerr++;
			why = jstr(r, "error", NULL);
			continue;
		}
		stale += jnum(r, "stale_bytes", 0);
		read += jnum(r, "read_bytes", 0);
		pat += jnum(r, "pattern_bytes", 0);
		nstale += !strcmp(jstr(r, "verdict", ""), "stale");
	}
	if (!n) {
		fputs(" - |", f);
		return;
	}
	if (nskip == n) {
		fputs(" n/a |", f);
		return;
	}
	if (nstale)
		fprintf(f, " **stale %.0f/%.0f** (%d/%d sizes, %.0f pattern)", stale, read, nstale, n - nskip - nerr,
			pat);
	else if (read > 0)
		fputs(" zeroed", f);
	if (nerr) {
		fprintf(f, "%s%d/%d sizes failed", read > 0 ? ", " : " ", nerr, n - nskip);
		if (why)
			fprintf(f, " (%s)", why);
	}
	fputs(" |", f);
}

/* "on (default)", "off (init_on_alloc=0)": what the guest had and why */
static void init_on_alloc(FILE *f, const cJSON *fj)
{
	const cJSON *i = jget(fj, "init_on_alloc");
	const char *w = jstr(i, "cmdline", NULL);

	if (!i) {
		fputs(" - |", f);
		return;
	}
	fprintf(f, " %s", jstr(i, "effective", "unknown"));
	if (w)
		fprintf(f, " (init_on_alloc=%s) |", w);
	else
		fputs(" (kernel default) |", f);
}

int dmab_fresh_summary_write(const cJSON *backends, FILE *f)
{
	const cJSON *cols[FRESH_MAX_COLS], *b, *r;
	struct fresh_key keys[FRESH_MAX_ROWS];
	int nc = 0, nk = 0;

	cJSON_ArrayForEach(b, backends) {
		const cJSON *rows = jget(jfile(b, "fresh.json"), "rows");

		if (!cJSON_IsArray(rows) || nc == FRESH_MAX_COLS)
			continue;
		cols[nc++] = b;
		cJSON_ArrayForEach(r, rows) {
			struct fresh_key k;
			int i;

			key_of(r, &k);
			for (i = 0; i < nk; i++)
				if (!strcmp(keys[i].api, k.api) && !strcmp(keys[i].attrs, k.attrs))
					break;
			if (i == nk && nk < FRESH_MAX_ROWS)
				keys[nk++] = k;
		}
	}
	if (!nc)
		return 0;
	fprintf(f, "\n## Fresh buffers\n\n"
		   "What a new allocation holds after the job left a pattern in freed memory (job `fresh`): `zeroed`, "
		   "or `stale N/M` = bytes not zero / bytes read, over every size and every way in (mmap, kernel VA, "
		   "device), with how many sizes were stale and how many of the stale bytes are the pattern left "
		   "behind. `n/a`: the kernel lacks the API. Per size and view: `fresh.json`.\n\n| API | attrs |");
	for (int c = 0; c < nc; c++) {
		fputc(' ', f);
		dmab_md_escape(f, jstr(cols[c], "name", "-"));
		fputs(" |", f);
	}
	fputs("\n|---|---|", f);
	for (int c = 0; c < nc; c++)
		fputs("---|", f);
	fputs("\n| init_on_alloc | |", f);
	for (int c = 0; c < nc; c++)
		init_on_alloc(f, jfile(cols[c], "fresh.json"));
	fputs("\n| sizes, device | |", f);
	for (int c = 0; c < nc; c++) {
		const cJSON *fj = jfile(cols[c], "fresh.json");
		char sizes[96] = "";
		size_t o = 0;
		double first = -1;

		cJSON_ArrayForEach(r, jget(fj, "rows")) {
			double s = jnum(r, "size", 0);
			char one[24];

			if (s >= 1 << 20)
				snprintf(one, sizeof(one), "%gM", s / (1 << 20));
			else
				snprintf(one, sizeof(one), "%gK", s / 1024);
			if (s == first)
				break;	/* rows are kind-major: the sizes repeat */
			if (first < 0)
				first = s;
			o += (size_t)snprintf(sizes + o, sizeof(sizes) - o, "%s%s", o ? "," : "", one);
			if (o >= sizeof(sizes))
				break;
		}
		fprintf(f, " %s, %s %s |", sizes, jstr(fj, "dev_kind", "-"), jstr(fj, "ops", "-"));
	}
	fputc('\n', f);
	for (int k = 0; k < nk; k++) {
		fputs("| ", f);
		dmab_md_escape(f, keys[k].api);
		fputs(" | ", f);
		dmab_md_escape(f, keys[k].attrs);
		fputs(" |", f);
		for (int c = 0; c < nc; c++)
			cell(f, jget(jfile(cols[c], "fresh.json"), "rows"), &keys[k]);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}
