// SPDX-License-Identifier: GPL-2.0
/* plot.c - gnuplot data files and PNGs of a run (see plot.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/report/plot.h"
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
	return 0;
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

int dmab_plot_run_dir(const char *run_dir, const char *gp_dir, size_t *npng, char *note, size_t notelen)
{
	struct dmab_plots p;
	char path[4400], tmp[4500], *buf = NULL;
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
	snprintf(path, sizeof(path), "%s/summary.md", run_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	int w = f ? 0 : -errno;
	if (f) {
		w = dmab_summary_write(run, f);
		if (!w)
			w = dmab_plot_links(&p, note, f);
		if (fclose(f) && !w)
			w = -EIO;
		if (w || rename(tmp, path)) {
			unlink(tmp);
			w = w ? w : -EIO;
		}
	}
	if (r == -ENOENT)
		r = 0;	/* missing gnuplot: a note, not a failure */
	if (!r)
		r = w;
out:
	dmab_plots_free(&p);
	cJSON_Delete(run);
	return r;
}
