// SPDX-License-Identifier: GPL-2.0
/* plot.c - gnuplot data files and PNGs of a run (see plot.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/report/plot.h"
#include "harness/report/share_summary.h"
#include "harness/report/compare.h"
#include "lib/jobs.h"
#include "harness/report/jget.h"
#include "harness/report/results.h"
#include "lib/util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct dmab_plot *plot_add(struct dmab_plots *p)
{
	struct dmab_plot *v = realloc(p->v, (p->n + 1) * sizeof(*v));

	if (!v)
		return NULL;
	p->v = v;
	memset(&v[p->n], 0, sizeof(v[p->n]));
	return &v[p->n++];
}

/* Script and file names of one plot: <dir>/plots/<prefix>-<name>.{dat,png}. */
static void plot_files(struct dmab_plot *pl, const char *gp, const char *dir, const char *prefix,
		       const char *name)
{
	snprintf(pl->gp, sizeof(pl->gp), "%s", gp);
	snprintf(pl->name, sizeof(pl->name), "%s", name);
	snprintf(pl->dat, sizeof(pl->dat), "%s/plots/%s-%s.dat", dir, prefix, name);
	snprintf(pl->png, sizeof(pl->png), "%s/plots/%s-%s.png", dir, prefix, name);
	snprintf(pl->rel_png, sizeof(pl->rel_png), "plots/%s-%s.png", prefix, name);
}

/* one quoted title line per block; names are plain, quotes replaced anyway */
static void block_title(FILE *f, const char *a, const char *b)
{
	fputc('"', f);
	for (const char *s = a; *s; s++)
		fputc(*s == '"' ? '\'' : *s, f);
	if (b && *b) {
		fputc(' ', f);
		for (const char *s = b; *s; s++)
			fputc(*s == '"' ? '\'' : *s, f);
	}
	fputs("\"\n", f);
}

static int finish_file(FILE *f, const char *tmp, const char *path)
{
	int bad = ferror(f);

	if (fclose(f) || bad || rename(tmp, path)) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

/* latency CDFs of every op/attrs at the smallest size with samples */
static int lat_data(const cJSON *b, const char *name, const char *dir, struct dmab_plots *p)
{
	const cJSON *rows = jget(jfile(b, "lat.json"), "rows"), *r;
	double minsize = -1;
	char tmp[4500];
	int nseries = 0, ret;

	if (!cJSON_IsArray(rows))
		return 0;
	cJSON_ArrayForEach(r, rows) {
		double s = jnum(r, "size", -1);
		if (cJSON_IsArray(jget(r, "samples")) && cJSON_GetArraySize(jget(r, "samples")) > 0 &&
		    jnum(r, "errno", 0) == 0 && s > 0 && (minsize < 0 || s < minsize))
			minsize = s;
	}
	if (minsize < 0)
		return 0;
	struct dmab_plot *pl = plot_add(p);
	if (!pl)
		return -ENOMEM;
	plot_files(pl, "lat-cdf.gp", dir, "lat", name);
	dmab_size_str(minsize, pl->size, sizeof(pl->size));
	snprintf(pl->what, sizeof(pl->what), "latency CDFs, %s", pl->size);
	snprintf(tmp, sizeof(tmp), "%s.tmp", pl->dat);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "# dmabench latency CDF: backend %s, size %s; blocks: title line, then ns fraction\n", name,
		pl->size);
	cJSON_ArrayForEach(r, rows) {
		const cJSON *sm = jget(r, "samples"), *x;
		int n = cJSON_GetArraySize(sm), k = 0;

		if (jnum(r, "size", -1) != minsize || jnum(r, "errno", 0) != 0 || !cJSON_IsArray(sm) || n <= 0)
			continue;
		double *v = malloc(n * sizeof(*v));
		if (!v) {
			fclose(f);
			unlink(tmp);
			return -ENOMEM;
		}
		cJSON_ArrayForEach(x, sm)
			v[k++] = cJSON_IsNumber(x) ? x->valuedouble : 0;
		qsort(v, n, sizeof(*v), cmp_double);
		if (nseries++)
			fputs("\n\n", f);
		block_title(f, jstr(r, "op", "?"), jstr(r, "attrs", ""));
		int m = n < DMAB_PLOT_CDF_POINTS ? n : DMAB_PLOT_CDF_POINTS;
		for (int i = 0; i < m; i++) {
			long idx = m == 1 ? n - 1 : (long)((double)i * (n - 1) / (m - 1));
			/* log x: a 0 ns sample (timer granularity) is drawn at 1 ns */
			fprintf(f, "%.0f %.6f\n", v[idx] > 1 ? v[idx] : 1, (double)(idx + 1) / n);
		}
		free(v);
	}
	ret = finish_file(f, tmp, pl->dat);
	return ret;
}

/* kernel VA (module's figure) against size: the first device's rows */
static const char *const va_series[][2] = {
	{ "attrs", "none" }, { "attrs", "NKM" }, { "pages", "none" },
	{ "noncontig", "none" }, { "noncontig_vmap", "none" },
};

static const char *const va_title[] = {
	"dma_alloc_attrs", "dma_alloc_attrs NO_KERNEL_MAPPING", "dma_alloc_pages",
	"dma_alloc_noncontiguous", "noncontiguous + dma_vmap_noncontiguous",
};

static int va_data(const cJSON *b, const char *name, const char *dir, struct dmab_plots *p)
{
	const cJSON *rows = jget(jfile(b, "va.json"), "rows"), *r;
	const char *dev = NULL;
	char tmp[4500];
	int nseries = 0;

	if (!cJSON_IsArray(rows) || !cJSON_GetArraySize(rows))
		return 0;
	dev = jstr(cJSON_GetArrayItem(rows, 0), "dev", "");
	struct dmab_plot *pl = plot_add(p);
	if (!pl)
		return -ENOMEM;
	plot_files(pl, "va.gp", dir, "va", name);
	snprintf(pl->what, sizeof(pl->what), "kernel VA against size");
	snprintf(tmp, sizeof(tmp), "%s.tmp", pl->dat);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "# dmabench kernel VA: backend %s, device %s; blocks: title line, then size_bytes kva_bytes\n",
		name, dev);
	for (size_t s = 0; s < sizeof(va_series) / sizeof(va_series[0]); s++) {
		int npts = 0;

		cJSON_ArrayForEach(r, rows) {
			if (strcmp(jstr(r, "dev", ""), dev) || strcmp(jstr(r, "api", ""), va_series[s][0]) ||
			    strcmp(jstr(r, "attrs", ""), va_series[s][1]) || !cJSON_IsTrue(jget(r, "ok")))
				continue;
			if (!npts++) {
				if (nseries++)
					fputs("\n\n", f);
				block_title(f, va_title[s], NULL);
			}
			fprintf(f, "%.0f %.0f\n", jnum(r, "size", 0), jnum(r, "kva_module", 0));
		}
	}
	if (!nseries) {
		fclose(f);
		unlink(tmp);
		p->n--;
		return 0;
	}
	return finish_file(f, tmp, pl->dat);
}

/* The sharing matrix as one heatmap: backend x topology, coloured by state (share-heat.gp). */
static int share_heat(const cJSON *bs, const char *dir, struct dmab_plots *p)
{
	char tmp[4500];
	struct dmab_plot *pl = plot_add(p);
	FILE *f;

	if (!pl)
		return -ENOMEM;
	plot_files(pl, "share-heat.gp", dir, "share", "heatmap");
	snprintf(pl->name, sizeof(pl->name), "all backends");
	snprintf(pl->what, sizeof(pl->what), "sharing matrix (backend x topology)");
	snprintf(tmp, sizeof(tmp), "%s.tmp", pl->dat);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	if (dmab_share_heat_data(bs, f) <= 0) {
		fclose(f);
		unlink(tmp);
		p->n--;
		return 0;
	}
	return finish_file(f, tmp, pl->dat);
}

/* 1 MiB dma_alloc_attrs kernel VA per backend and kernel, without and with NO_KERNEL_MAPPING (va-kernels.gp). */
static int va_kernels(const cJSON *bs, const char *dir, struct dmab_plots *p)
{
	static const char *const sets[] = { "none", "NKM" };
	const char *kern[16], *desc[64];
	int nk = 0, nd = 0;
	const cJSON *b, *r;
	char tmp[4500];

	cJSON_ArrayForEach(b, bs) {
		const char *k = jstr(jget(b, "kernel"), "name", NULL), *d = jstr(b, "backend", NULL);
		int i;

		if (!k || !d || !jfile(b, "va.json"))
			continue;
		for (i = 0; i < nk && strcmp(kern[i], k); i++)
			;
		if (i == nk && nk < 16)
			kern[nk++] = k;
		for (i = 0; i < nd && strcmp(desc[i], d); i++)
			;
		if (i == nd && nd < 64)
			desc[nd++] = d;
	}
	if (nk < 2)
		return 0;
	struct dmab_plot *pl = plot_add(p);
	if (!pl)
		return -ENOMEM;
	plot_files(pl, "va-kernels.gp", dir, "va", "kernels");
	snprintf(pl->name, sizeof(pl->name), "%d kernels", nk);
	snprintf(pl->size, sizeof(pl->size), "%d", nk);	/* va-kernels.gp: the number of columns */
	snprintf(pl->what, sizeof(pl->what), "1 MiB kernel VA by kernel and backend");
	snprintf(tmp, sizeof(tmp), "%s.tmp", pl->dat);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "# 1 MiB dma_alloc_attrs, kernel VA bytes (module's figure); one block per attribute set;\n"
		   "# first line: the column heads (backend, then each kernel); NaN: not run or failed\n");
	for (size_t s = 0; s < 2; s++) {
		if (s)
			fputs("\n\n", f);
		fprintf(f, "%s", sets[s]);
		for (int k = 0; k < nk; k++)
			fprintf(f, " \"%s\"", kern[k]);
		fputc('\n', f);
		for (int d = 0; d < nd; d++) {
			fprintf(f, "\"%s\"", desc[d]);
			for (int k = 0; k < nk; k++) {
				double v = NAN;

				cJSON_ArrayForEach(b, bs) {
					if (strcmp(jstr(b, "backend", ""), desc[d]) ||
					    strcmp(jstr(jget(b, "kernel"), "name", ""), kern[k]))
						continue;
					cJSON_ArrayForEach(r, jget(jfile(b, "va.json"), "rows"))
						if (!strcmp(jstr(r, "api", ""), "attrs") &&
						    !strcmp(jstr(r, "attrs", ""), sets[s]) && jnum(r, "size", 0) == 1048576 &&
						    cJSON_IsTrue(jget(r, "ok")) && isnan(v))
							v = jnum(r, "kva_module", NAN);
				}
				if (isnan(v))
					fputs(" NaN", f);
				else
					fprintf(f, " %.0f", v);
			}
			fputc('\n', f);
		}
	}
	return finish_file(f, tmp, pl->dat);
}

/*
 * Throughput against threads (job scale): one plot per op over every backend, one block per
 * backend and granule titled with the guest's vCPUs and the host's cores, rows
 * "threads ops_per_s efficiency".
 */
static int scale_data(const cJSON *run, const char *dir, struct dmab_plots *p)
{
	static const char *const ops[] = { "map_single", "map_sg", "alloc_free", "sgtable", "sync_sg" };
	const cJSON *bs = jget(run, "backends"), *b, *pt;
	double host = jnum(jget(run, "env"), "host_cpus", 0);
	char tmp[4500];

	for (size_t oi = 0; oi < sizeof(ops) / sizeof(ops[0]); oi++) {
		struct dmab_plot *pl = NULL;
		FILE *f = NULL;
		int nseries = 0;

		cJSON_ArrayForEach(b, bs) {
			const cJSON *sc = jfile(b, "scale.json"), *pts = jget(sc, "points");
			double done[16];
			int ndone = 0;

			if (!dmab_plain_name(jstr(b, "name", "")))
				continue;
			cJSON_ArrayForEach(pt, pts) {
				double g = jnum(pt, "granule", 0), seen = 0;
				const cJSON *q;
				char title[200];
				int k;

				if (strcmp(jstr(pt, "op", ""), ops[oi]))
					continue;
				for (k = 0; k < ndone && done[k] != g; k++)
					;
				if (k < ndone || ndone >= 16)
					continue;	/* this granule's block is written */
				done[ndone++] = g;
				if (!pl) {
					pl = plot_add(p);
					if (!pl)
						return -ENOMEM;
					plot_files(pl, "scale.gp", dir, "scale", ops[oi]);
					snprintf(pl->what, sizeof(pl->what), "throughput against threads, host %.0f cores", host);
					snprintf(tmp, sizeof(tmp), "%s.tmp", pl->dat);
					f = fopen(tmp, "we");
					if (!f)
						return -errno;
					fprintf(f, "# dmabench scale: op %s; blocks per backend and granule: title line, then "
						   "threads ops_per_s efficiency\n", ops[oi]);
				}
				if (nseries++)
					fputs("\n\n", f);
				snprintf(title, sizeof(title), "%s, %.0f page%s (%.0f vCPUs, host %.0f cores)",
					 jstr(b, "name", "?"), g, g == 1 ? "" : "s", jnum(sc, "cpus_online", 0), host);
				block_title(f, title, NULL);
				cJSON_ArrayForEach(q, pts) {
					if (strcmp(jstr(q, "op", ""), ops[oi]) || jnum(q, "granule", 0) != g ||
					    jnum(q, "errno", 1) != 0 || !cJSON_IsNumber(jget(q, "efficiency")))
						continue;
					fprintf(f, "%.0f %.1f %.4f\n", jnum(q, "threads", 0), jnum(q, "ops_per_s", 0),
						jnum(q, "efficiency", 0));
					seen++;
				}
				if (!seen)
					fputs("0 0 0\n", f);	/* every T failed: a block gnuplot still parses */
			}
		}
		if (f) {
			int r = finish_file(f, tmp, pl->dat);

			if (r)
				return r;
		}
	}
	return 0;
}

int dmab_plot_data(const cJSON *run, const char *run_dir, struct dmab_plots *p)
{
	const cJSON *bs = jget(run, "backends"), *b;
	char dir[4300];
	int r;

	memset(p, 0, sizeof(*p));
	if (!cJSON_IsArray(bs))
		return -EINVAL;
	if (strchr(run_dir, '\'') || strlen(run_dir) > 4000)
		return -EINVAL;	/* the path goes into a gnuplot string */
	snprintf(dir, sizeof(dir), "%s/plots", run_dir);
	r = dmab_mkdir_p(dir, 0755);
	if (r)
		return r;
	cJSON_ArrayForEach(b, bs) {
		char name[128];

		/* file names from the VM label: "intel-strict@bypass~debian-6.12" -> "intel-strict_bypass_debian-6.12" */
		snprintf(name, sizeof(name), "%s", jstr(b, "name", ""));
		for (char *c = name; *c; c++)
			if (*c == '~' || *c == '@')
				*c = '_';
		if (!dmab_plain_name(name))
			continue;
		r = lat_data(b, name, run_dir, p);
		if (!r)
			r = va_data(b, name, run_dir, p);
		if (r)
			return r;
	}
	/* the run's own pictures: the sharing matrix, VA by kernel */
	r = share_heat(bs, run_dir, p);
	if (!r)
		r = va_kernels(bs, run_dir, p);
	if (!r)
		r = scale_data(run, run_dir, p);
	return r;
}

int dmab_plot_render(const struct dmab_plots *p, const char *gp_dir, const char *gnuplot, double timeout_s,
		     size_t *nok)
{
	char exe[4096], script[4400], vars[9400], out[256];
	int first = 0;

	*nok = 0;
	if (dmab_find_exe(gnuplot, exe, sizeof(exe)))
		return -ENOENT;
	for (size_t i = 0; i < p->n; i++) {
		const struct dmab_plot *pl = &p->v[i];
		struct stat st;

		snprintf(script, sizeof(script), "%s/%s", gp_dir, pl->gp);
		if (!dmab_is_file(script))
			return -ENOENT;
		snprintf(vars, sizeof(vars), "datafile='%s'; outfile='%s'; name='%s'; size='%s'", pl->dat, pl->png,
			 pl->name, pl->size);
		char *argv[] = { exe, "-e", vars, script, NULL };
		unlink(pl->png);
		int r = dmab_run_capture(argv, NULL, timeout_s, out, sizeof(out));
		if (r == 0 && stat(pl->png, &st) == 0 && st.st_size > 0) {
			(*nok)++;
		} else {
			unlink(pl->png);	/* no empty PNG left behind */
			if (!first)
				first = r < 0 ? r : -EIO;
		}
	}
	return first;
}

int dmab_plot_links(const struct dmab_plots *p, const char *note, FILE *f)
{
	bool any = false;

	fprintf(f, "\n## Plots\n\n");
	for (size_t i = 0; i < p->n; i++) {
		struct stat st;

		if (stat(p->v[i].png, &st) || !S_ISREG(st.st_mode) || st.st_size == 0)
			continue;
		fprintf(f, "- %s, %s: ![%s %s](%s)\n", p->v[i].name, p->v[i].what, p->v[i].name, p->v[i].what,
			p->v[i].rel_png);
		any = true;
	}
	if (!any)
		fprintf(f, "%s\n", note && *note ? note : "No plots.");
	else if (note && *note)
		fprintf(f, "\n%s\n", note);
	return ferror(f) ? -EIO : 0;
}

void dmab_plots_free(struct dmab_plots *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

struct plot_tail {
	const struct dmab_plots *p;
	const char *note;
};

static int plot_tail(void *arg, FILE *f)
{
	const struct plot_tail *t = arg;

	return dmab_plot_links(t->p, t->note, f);
}

int dmab_plot_run_dir(const char *run_dir, const char *gp_dir, size_t *npng, char *note, size_t notelen)
{
	struct dmab_plots p;
	char path[4400], *buf = NULL;
	const char *gnuplot = getenv("DMABENCH_GNUPLOT");
	cJSON *run;
	int r;

	*npng = 0;
	note[0] = 0;
	snprintf(path, sizeof(path), "%s/run.json", run_dir);
	r = dmab_read_file(path, &buf, NULL, 1ULL << 32);
	if (r)
		return r;
	run = cJSON_Parse(buf);
	free(buf);
	if (!run)
		return -EBADMSG;
	r = dmab_plot_data(run, run_dir, &p);
	if (r)
		goto out;
	r = dmab_plot_render(&p, gp_dir, gnuplot && *gnuplot ? gnuplot : "gnuplot", 120, npng);
	if (r == -ENOENT)
		snprintf(note, notelen, "No PNGs: gnuplot (or %s/*.gp) not found; the data files are in plots/*.dat "
			 "(install gnuplot-nox, then `dmabench plot %s`).", gp_dir, run_dir);
	else if (r)
		snprintf(note, notelen, "gnuplot failed on %zu of %zu plots (%s).", p.n - *npng, p.n, strerror(-r));
	else
		snprintf(note, notelen, "%zu plots drawn by gnuplot from plots/*.dat (scripts: results/*.gp).", *npng);
	/* summary.md again, with the Plots section */
	struct plot_tail pt = { .p = &p, .note = note };
	int w = dmab_reports_write(run_dir, run, plot_tail, &pt);

	if (r == -ENOENT)
		r = 0;	/* missing gnuplot: a note, not a failure */
	if (!r)
		r = w;
out:
	dmab_plots_free(&p);
	cJSON_Delete(run);
	return r;
}

void dmab_plot_after_run(const char *run_dir, const char *jobs, FILE *log)
{
	char note[4600];
	struct dmab_home home;
	bool plots = false;
	size_t npng;

	for (size_t i = 0; i < dmab_njobs; i++)
		plots |= dmab_jobs[i].plots && dmab_job_has(jobs, dmab_jobs[i].name);
	if (!plots)
		return;
	/* PNGs and their links in summary.md; no gnuplot = a note in summary.md */
	dmab_home(&home);
	if (dmab_plot_run_dir(run_dir, home.gnuplot, &npng, note, sizeof(note)))
		fprintf(stderr, "dmabench: warning: plots: %s\n", note[0] ? note : "failed");
	else if (log)
		fprintf(log, "dmabench: plots: %s\n", note);
}

#define DMAB_CHART_MAX 60

/* The chart of a comparison: every tested metric's change with its interval, verdicts marked (compare.gp). */
int dmab_plot_compare(const struct dmab_cmp *c, const struct dmab_cmp_opts *o, const char *png, char *note,
		      size_t notelen)
{
	struct dmab_plots p = { 0 };
	struct dmab_plot *pl;
	char tmp[4500], dir[4200];
	struct dmab_home home;
	size_t n = 0, nok = 0;
	const char *gnuplot = getenv("DMABENCH_GNUPLOT");
	FILE *f;
	int r;

	note[0] = 0;
	pl = plot_add(&p);
	if (!pl)
		return -ENOMEM;
	snprintf(pl->gp, sizeof(pl->gp), "compare.gp");
	snprintf(pl->png, sizeof(pl->png), "%s", png);
	snprintf(pl->dat, sizeof(pl->dat), "%.*s.dat", (int)(strlen(png) - 4), png);
	snprintf(tmp, sizeof(tmp), "%s.tmp", pl->dat);
	f = fopen(tmp, "we");
	if (!f) {
		r = -errno;
		goto out;
	}
	fprintf(f, "# dmabench compare %s -> %s: i \"metric\" change_pct lo_pct hi_pct verdict"
		   " (0 same, 1 regressed, 2 improved); interval: the medians' 95 %% intervals combined\n",
		c->base_id, c->new_id);
	/* the tested metrics; more than DMAB_CHART_MAX: those that moved most (all of them in FILE.dat) */
	size_t *pick = calloc(c->nrows + 1, sizeof(*pick)), ntested = 0;

	if (!pick) {
		fclose(f);
		unlink(tmp);
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].tested && c->rows[i].b.median && isfinite(c->rows[i].change))
			pick[ntested++] = i;
	for (size_t i = 0; i < ntested; i++) {
		const struct dmab_cmp_row *row = &c->rows[pick[i]];
		char sb[32];
		double lo, hi;
		int rank = 0;

		for (size_t j = 0; j < ntested; j++)	/* its place by |change|, ties by order */
			rank += fabs(c->rows[pick[j]].change) > fabs(row->change) ||
				(fabs(c->rows[pick[j]].change) == fabs(row->change) && j < i);
		lo = row->b.hi ? (double)row->n.lo / row->b.hi - 1 : row->change;
		hi = row->b.lo ? (double)row->n.hi / row->b.lo - 1 : row->change;
		fprintf(f, "%s%zu \"%s %s %s %s\" %.3f %.3f %.3f %d\n", rank < DMAB_CHART_MAX ? "" : "# ", n,
			row->backend, row->op, row->attrs, dmab_size_str((double)row->size, sb, sizeof(sb)),
			100 * row->change, 100 * lo, 100 * hi,
			row->verdict == DMAB_V_REGRESSED ? 1 : row->verdict == DMAB_V_IMPROVED ? 2 : 0);
		n += rank < DMAB_CHART_MAX;
	}
	free(pick);
	r = finish_file(f, tmp, pl->dat);
	if (r)
		goto out;
	if (!n) {
		snprintf(note, notelen, "no tested latency metric: no chart");
		r = -ENODATA;
		goto out;
	}
	snprintf(pl->name, sizeof(pl->name), "%.60s -> %.60s", c->base_id, c->new_id);
	snprintf(pl->size, sizeof(pl->size), "%.1f", 100 * o->threshold);	/* compare.gp: the threshold, % */
	dmab_home(&home);
	snprintf(dir, sizeof(dir), "%s", home.gnuplot);
	r = dmab_plot_render(&p, dir, gnuplot && *gnuplot ? gnuplot : "gnuplot", 120, &nok);
	if (r == -ENOENT)
		snprintf(note, notelen, "no chart: gnuplot (or %s/compare.gp) not found; data in %s", dir, pl->dat);
	else if (r)
		snprintf(note, notelen, "gnuplot failed on %s (%s)", pl->dat, strerror(-r));
	else
		snprintf(note, notelen, "chart of %zu of %zu tested metrics%s: %s", n, ntested,
			 n < ntested ? " (those that moved most; every one in the .dat)" : "", png);
out:
	dmab_plots_free(&p);
	return r;
}

int dmab_plot_fuzz_progress(const char *rundir, char *note, size_t notelen)
{
	struct dmab_plots p = { 0 };
	struct dmab_plot *pl = plot_add(&p);
	const char *gnuplot = getenv("DMABENCH_GNUPLOT");
	struct dmab_home home;
	size_t nok = 0;
	int r;

	note[0] = 0;
	if (!pl)
		return -ENOMEM;
	snprintf(pl->gp, sizeof(pl->gp), "fuzz-progress.gp");
	snprintf(pl->name, sizeof(pl->name), "campaign");
	snprintf(pl->dat, sizeof(pl->dat), "%s/progress.tsv", rundir);
	snprintf(pl->png, sizeof(pl->png), "%s/fuzz-progress.png", rundir);
	if (!dmab_is_file(pl->dat) || strchr(rundir, '\'')) {
		snprintf(note, notelen, "no progress.tsv");
		dmab_plots_free(&p);
		return -ENODATA;
	}
	dmab_home(&home);
	r = dmab_plot_render(&p, home.gnuplot, gnuplot && *gnuplot ? gnuplot : "gnuplot", 60, &nok);
	if (r == -ENOENT)
		snprintf(note, notelen, "no PNG: gnuplot (or %s/fuzz-progress.gp) not found; the data is progress.tsv",
			 home.gnuplot);
	else if (r)
		snprintf(note, notelen, "gnuplot failed on progress.tsv (%s)", strerror(-r));
	dmab_plots_free(&p);
	return r;
}
