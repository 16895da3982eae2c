// SPDX-License-Identifier: GPL-2.0
/* compare.c - statistical comparison of two runs (see compare.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/compare.h"
#include "harness/report/jget.h"
#include "lib/util.h"
#include "lib/stats.h"

const char *dmab_cmp_verdict_name(enum dmab_cmp_verdict v)
{
	switch (v) {
	case DMAB_V_SAME: return "~";
	case DMAB_V_REGRESSED: return "regressed";
	case DMAB_V_IMPROVED: return "improved";
	case DMAB_V_ONLY_BASE: return "only-base";
	case DMAB_V_ONLY_NEW: return "only-new";
	case DMAB_V_NA: return "n/a";
	}
	return "?";
}

int dmab_cmp_parse(int argc, char **argv, struct dmab_cmp_opts *o, char *err, size_t errlen)
{
	int npos = 0;

	memset(o, 0, sizeof(*o));
	o->threshold = 0.05;
	o->alpha = 0.05;
	o->min_delta = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *eq;
		char name[32];

		if (a[0] != '-' || !a[1]) {
			if (npos == 0)
				o->base = a;
			else if (npos == 1)
				o->new = a;
			npos++;
			continue;
		}
		eq = strchr(a, '=');
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
		if (!strcmp(name, "--all")) {
			o->all = true;
			continue;
		}
		if (strcmp(name, "--threshold") && strcmp(name, "--alpha") && strcmp(name, "--format") &&
		    strcmp(name, "--min-delta") && strcmp(name, "--kernel") &&
		    strcmp(name, "-o") && strcmp(name, "--out")) {
			snprintf(err, errlen, "compare: unknown option '%s'", a);
			return -EINVAL;
		}
		if (eq) {
			v = eq + 1;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			snprintf(err, errlen, "compare: %s needs a value", name);
			return -EINVAL;
		}
		if (!strcmp(name, "--kernel")) {
			const char *c = strchr(v, ',');

			if (!c || c == v || !c[1] || strchr(c + 1, ',') || (size_t)(c - v) >= sizeof(o->base_kernel) ||
			    strlen(c + 1) >= sizeof(o->new_kernel)) {
				snprintf(err, errlen, "compare: --kernel takes two kernels: BASE_KERNEL,NEW_KERNEL");
				return -EINVAL;
			}
			snprintf(o->base_kernel, sizeof(o->base_kernel), "%.*s", (int)(c - v), v);
			snprintf(o->new_kernel, sizeof(o->new_kernel), "%s", c + 1);
		} else if (!strcmp(name, "--min-delta")) {
			char *ep;
			double x = strtod(v, &ep);

			if (ep == v || *ep || !(x >= 0) || x > 1e9) {
				snprintf(err, errlen, "compare: bad --min-delta '%s' (ns)", v);
				return -EINVAL;
			}
			o->min_delta = x;
		} else if (!strcmp(name, "--threshold") || !strcmp(name, "--alpha")) {
			char *ep;
			double x = strtod(v, &ep);
			bool pct = *ep == '%';

			if (pct)
				ep++;
			if (ep == v || *ep || !(x >= 0)) {
				snprintf(err, errlen, "compare: bad value '%s' for %s", v, name);
				return -EINVAL;
			}
			if (!strcmp(name, "--threshold")) {
				/* "5", "5%" -> 0.05; "0.05" -> 0.05 */
				if (pct || x >= 1)
					x /= 100;
				if (x > 10) {
					snprintf(err, errlen, "compare: --threshold %s out of range", v);
					return -EINVAL;
				}
				o->threshold = x;
			} else {
				if (pct)
					x /= 100;
				if (x <= 0 || x >= 1) {
					snprintf(err, errlen, "compare: --alpha must be in (0, 1)");
					return -EINVAL;
				}
				o->alpha = x;
			}
		} else if (!strcmp(name, "--format")) {
			if (!strcmp(v, "text"))
				o->format = DMAB_CMP_TEXT;
			else if (!strcmp(v, "md"))
				o->format = DMAB_CMP_MD;
			else if (!strcmp(v, "json"))
				o->format = DMAB_CMP_JSON;
			else {
				snprintf(err, errlen, "compare: --format must be text, md or json");
				return -EINVAL;
			}
		} else {
			o->out = v;
		}
	}
	if (npos == 1 && o->base_kernel[0])
		o->new = o->base;	/* kernel A against kernel B inside one run */
	else if (npos != 2) {
		snprintf(err, errlen, "compare: need exactly two runs: BASE NEW (run directories or JSON files), "
			 "or --kernel A,B and one run over both");
		return -EINVAL;
	}
	return 0;
}

int dmab_cmp_load(const char *path, cJSON **out, char *err, size_t errlen)
{
	char p[4200], *buf = NULL;
	int r;

	*out = NULL;
	if (dmab_is_dir(path))
		snprintf(p, sizeof(p), "%s/run.json", path);
	else
		snprintf(p, sizeof(p), "%s", path);
	r = dmab_read_file(p, &buf, NULL, 1ULL << 32);
	if (r) {
		snprintf(err, errlen, "%s: %s", p, strerror(-r));
		return r;
	}
	*out = cJSON_Parse(buf);
	free(buf);
	if (*out && !jget(*out, "backends") && cJSON_IsArray(jget(*out, "rows")) && jget(*out, "timer_min_ns")) {
		/* a bare lat.json (e.g. lat --slow-slots lat_s1.json): one backend named after its folder */
		char dir[4200], *slash;
		cJSON *run = cJSON_CreateObject(), *bs = cJSON_AddArrayToObject(run, "backends");
		cJSON *b = cJSON_CreateObject(), *files = cJSON_AddObjectToObject(b, "files");

		snprintf(dir, sizeof(dir), "%s", p);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		slash = slash ? strrchr(dir, '/') : NULL;
		cJSON_AddStringToObject(b, "name", strchr(p, '/') ? (slash ? slash + 1 : dir) : "lat");
		cJSON_AddItemToObject(files, "lat.json", *out);
		cJSON_AddItemToArray(bs, b);
		*out = run;
	}
	if (!*out || !cJSON_IsArray(jget(*out, "backends"))) {
		snprintf(err, errlen, "%s: not a dmabench run.json, baseline or lat.json", p);
		cJSON_Delete(*out);
		*out = NULL;
		return -EBADMSG;
	}
	return 0;
}

/* The kernel a backend entry ran: kernel.name; "default" in runs from before the kernel axis. */
static bool ran_kernel(const cJSON *b, const char *kernel)
{
	const cJSON *k = jget(b, "kernel");

	if (!k)
		return !strcmp(kernel, "default");
	return !strcmp(jstr(k, "name", ""), kernel) || !strcmp(jstr(k, "dir", ""), kernel);
}

int dmab_cmp_select_kernel(cJSON *run, const char *kernel, char *err, size_t errlen)
{
	cJSON *bs = cJSON_GetObjectItemCaseSensitive(run, "backends"), *b, *next;
	char id[200], seen[512] = "";
	int kept = 0;

	for (b = bs ? bs->child : NULL; b; b = next) {
		next = b->next;
		if (!ran_kernel(b, kernel)) {
			const char *k = jstr(jget(b, "kernel"), "name", "default");

			if (!strstr(seen, k) && strlen(seen) + strlen(k) + 3 < sizeof(seen))
				snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%s", seen[0] ? ", " : "", k);
			cJSON_Delete(cJSON_DetachItemViaPointer(bs, b));
			continue;
		}
		kept++;
		const char *n = jstr(b, "name", ""), *t = strchr(n, '~');
		if (t) {
			char label[128];

			snprintf(label, sizeof(label), "%.*s", (int)(t - n), n);
			cJSON_ReplaceItemInObjectCaseSensitive(b, "name", cJSON_CreateString(label));
		}
	}
	if (!kept) {
		snprintf(err, errlen, "no VM of kernel %s in this run (it has: %s)", kernel, seen[0] ? seen : "none");
		return -ENOENT;
	}
	snprintf(id, sizeof(id), "%.120s [%.60s]", jstr(run, "run_id", "-"), kernel);
	if (jget(run, "run_id"))
		cJSON_ReplaceItemInObjectCaseSensitive(run, "run_id", cJSON_CreateString(id));
	else
		cJSON_AddStringToObject(run, "run_id", id);
	return 0;
}

static const cJSON *find_backend(const cJSON *run, const char *name)
{
	const cJSON *b;

	cJSON_ArrayForEach(b, jget(run, "backends"))
		if (!strcmp(jstr(b, "name", ""), name))
			return b;
	return NULL;
}

static bool same_key(const cJSON *x, const cJSON *y, bool lat)
{
	return (!lat || !strcmp(jstr(x, "op", ""), jstr(y, "op", ""))) &&
	       !strcmp(jstr(x, "api", ""), jstr(y, "api", "")) &&
	       !strcmp(jstr(x, "attrs", ""), jstr(y, "attrs", "")) && jnum(x, "size", -1) == jnum(y, "size", -1);
}

static const cJSON *find_row(const cJSON *rows, const cJSON *key, bool lat)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, rows)
		if (same_key(r, key, lat))
			return r;
	return NULL;
}

static struct dmab_cmp_row *add_row(struct dmab_cmp *c, const char *backend, const char *kind, const char *op,
				    const cJSON *key)
{
	struct dmab_cmp_row *r;

	if (c->nrows == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 256;
		void *p = realloc(c->rows, nc * sizeof(*c->rows));

		if (!p)
			return NULL;
		c->rows = p;
		c->cap = nc;
	}
	r = &c->rows[c->nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->backend, sizeof(r->backend), "%s", backend);
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	snprintf(r->op, sizeof(r->op), "%s", op);
	snprintf(r->api, sizeof(r->api), "%s", jstr(key, "api", "-"));
	snprintf(r->attrs, sizeof(r->attrs), "%s", jstr(key, "attrs", "-"));
	r->size = (uint64_t)jnum(key, "size", 0);
	r->p = r->p_adj = NAN;
	return r;
}

/* Sorted copy of a row's samples; *n = 0 when absent or when the row failed. */
static int row_samples(const cJSON *row, uint32_t **out, size_t *n)
{
	const cJSON *s = jget(row, "samples"), *v;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!row || jnum(row, "errno", 0) != 0 || !cJSON_IsArray(s))
		return 0;
	*n = (size_t)cJSON_GetArraySize(s);
	if (!*n)
		return 0;
	*out = malloc(*n * sizeof(uint32_t));
	if (!*out)
		return -ENOMEM;
	cJSON_ArrayForEach(v, s) {
		double d = cJSON_IsNumber(v) ? v->valuedouble : 0;

		(*out)[k++] = d < 0 ? 0 : d > 4294967295.0 ? 4294967295U : (uint32_t)d;
	}
	*n = k;
	dmab_sort_u32(*out, k);
	return 0;
}

static double rel_change(double b, double n)
{
	if (b == 0)
		return n == 0 ? 0 : INFINITY;
	return (n - b) / b;
}

static int cmp_lat(struct dmab_cmp *c, const char *bname, const cJSON *bl, const cJSON *nl, double min_delta)
{
	const cJSON *brows = jget(bl, "rows"), *nrows = jget(nl, "rows"), *r;
	double floor_ns = min_delta;

	if (floor_ns < 0)
		floor_ns = 2 * fmax(jnum(bl, "timer_min_ns", 0), jnum(nl, "timer_min_ns", 0));

	cJSON_ArrayForEach(r, brows) {
		const cJSON *m = nrows ? find_row(nrows, r, true) : NULL;
		struct dmab_cmp_row *row = add_row(c, bname, "lat", jstr(r, "op", "-"), r);
		uint32_t *a, *b;
		size_t na, nb;
		struct dmab_mwu u;

		if (!row)
			return -ENOMEM;
		if (!m) {
			row->verdict = DMAB_V_ONLY_BASE;
			continue;
		}
		if (row_samples(r, &a, &na) || row_samples(m, &b, &nb)) {
			free(a);
			return -ENOMEM;
		}
		dmab_median_ci_sorted(a, na, &row->b);
		dmab_median_ci_sorted(b, nb, &row->n);
		if (!na || !nb) {
			row->verdict = DMAB_V_NA;
		} else {
			dmab_mann_whitney(a, na, b, nb, &u);
			row->tested = true;
			row->floor_ns = floor_ns;
			row->p = u.p;
			row->change = rel_change(row->b.median, row->n.median);
		}
		free(a);
		free(b);
	}
	cJSON_ArrayForEach(r, nrows) {
		if (brows && find_row(brows, r, true))
			continue;
		struct dmab_cmp_row *row = add_row(c, bname, "lat", jstr(r, "op", "-"), r);

		if (!row)
			return -ENOMEM;
		row->verdict = DMAB_V_ONLY_NEW;
	}
	return 0;
}

static int cmp_va(struct dmab_cmp *c, const char *bname, const cJSON *bv, const cJSON *nv, double thr)
{
	static const char *const figs[] = { "kva_vmallocinfo", "kva_module" };
	const cJSON *brows = jget(bv, "rows"), *nrows = jget(nv, "rows"), *r;

	for (size_t fi = 0; fi < 2; fi++) {
		const char *op = fi == 0 ? "va(proc)" : "va(module)";

		cJSON_ArrayForEach(r, brows) {
			const cJSON *m = nrows ? find_row(nrows, r, false) : NULL;
			struct dmab_cmp_row *row = add_row(c, bname, "va", op, r);
			double x, y;

			if (!row)
				return -ENOMEM;
			if (!m) {
				row->verdict = DMAB_V_ONLY_BASE;
				continue;
			}
			if (!cJSON_IsTrue(jget(r, "ok")) || !cJSON_IsTrue(jget(m, "ok")) ||
			    !cJSON_IsNumber(jget(r, figs[fi])) || !cJSON_IsNumber(jget(m, figs[fi]))) {
				row->verdict = DMAB_V_NA;
				continue;
			}
			x = jnum(r, figs[fi], 0);
			y = jnum(m, figs[fi], 0);
			row->b = (struct dmab_median_ci){ (uint32_t)x, (uint32_t)x, (uint32_t)x, 1 };
			row->n = (struct dmab_median_ci){ (uint32_t)y, (uint32_t)y, (uint32_t)y, 1 };
			row->change = rel_change(x, y);
			if (row->change > thr)
				row->verdict = DMAB_V_REGRESSED;
			else if (row->change < -thr)
				row->verdict = DMAB_V_IMPROVED;
		}
		cJSON_ArrayForEach(r, nrows) {
			if (brows && find_row(brows, r, false))
				continue;
			struct dmab_cmp_row *row = add_row(c, bname, "va", op, r);

			if (!row)
				return -ENOMEM;
			row->verdict = DMAB_V_ONLY_NEW;
		}
	}
	return 0;
}

static void env_notes(struct dmab_cmp *c, const cJSON *base, const cJSON *new)
{
	static const char *const keys[] = { "accel", "qemu_version", "host_kernel", "kernel" };
	const cJSON *be = jget(base, "env"), *ne = jget(new, "env");

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && c->nnotes < 4; i++) {
		const char *x = jstr(be, keys[i], "-"), *y = jstr(ne, keys[i], "-");

		if (strcmp(x, y))
			snprintf(c->notes[c->nnotes++], sizeof(c->notes[0]), "%s differs: %.100s vs %.100s", keys[i],
				 x, y);
	}
}

int dmab_cmp_run(const cJSON *base, const cJSON *new, const struct dmab_cmp_opts *o, struct dmab_cmp *c)
{
	const cJSON *b;
	double *p = NULL, *adj = NULL;
	size_t k, m = 0;
	int r = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->base_id, sizeof(c->base_id), "%s", jstr(base, "run_id", "-"));
	snprintf(c->new_id, sizeof(c->new_id), "%s", jstr(new, "run_id", "-"));
	env_notes(c, base, new);
	cJSON_ArrayForEach(b, jget(base, "backends")) {
		const char *name = jstr(b, "name", "-");
		const cJSON *nb = find_backend(new, name);

		r = cmp_lat(c, name, jfile(b, "lat.json"), jfile(nb, "lat.json"), o->min_delta);
		if (!r)	/* ioctl vs io_uring pairs: per-round ns/pair as samples; floor 0 */
			r = cmp_lat(c, name, jfile(b, "uring.json"), jfile(nb, "uring.json"),
				    o->min_delta < 0 ? 0 : o->min_delta);
		if (!r)
			r = cmp_va(c, name, jfile(b, "va.json"), jfile(nb, "va.json"), o->threshold);
		if (r)
			return r;
	}
	cJSON_ArrayForEach(b, jget(new, "backends")) {
		const char *name = jstr(b, "name", "-");

		if (find_backend(base, name))
			continue;
		r = cmp_lat(c, name, NULL, jfile(b, "lat.json"), o->min_delta);
		if (!r)
			r = cmp_lat(c, name, NULL, jfile(b, "uring.json"), 0);
		if (!r)
			r = cmp_va(c, name, NULL, jfile(b, "va.json"), o->threshold);
		if (r)
			return r;
	}

	/* Holm over every tested latency metric */
	for (k = 0; k < c->nrows; k++)
		m += c->rows[k].tested;
	c->ntested = m;
	if (m) {
		p = malloc(m * sizeof(*p));
		adj = malloc(m * sizeof(*adj));
		if (!p || !adj) {
			free(p);
			free(adj);
			return -ENOMEM;
		}
		m = 0;
		for (k = 0; k < c->nrows; k++)
			if (c->rows[k].tested)
				p[m++] = c->rows[k].p;
		r = dmab_holm(p, m, adj);
		m = 0;
		for (k = 0; k < c->nrows && !r; k++) {
			struct dmab_cmp_row *row = &c->rows[k];
			bool sig, apart;

			if (!row->tested)
				continue;
			row->p_adj = adj[m++];
			sig = row->p_adj < o->alpha;
			apart = (row->n.lo > row->b.hi || row->n.hi < row->b.lo) &&
				fabs((double)row->n.median - (double)row->b.median) > row->floor_ns;
			if (sig && apart && row->change > o->threshold)
				row->verdict = DMAB_V_REGRESSED;
			else if (sig && apart && row->change < -o->threshold)
				row->verdict = DMAB_V_IMPROVED;
		}
		free(p);
		free(adj);
	}
	for (k = 0; k < c->nrows; k++) {
		c->nregressed += c->rows[k].verdict == DMAB_V_REGRESSED;
		c->nimproved += c->rows[k].verdict == DMAB_V_IMPROVED;
	}
	return r;
}

void dmab_cmp_free(struct dmab_cmp *c)
{
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

/* ---- output ---- */

/* "14.29µs ±0.2%" style: median and the half-width of its CI relative to it */
static const char *fmt_med(const struct dmab_cmp_row *r, const struct dmab_median_ci *m, char *buf, size_t len)
{
	double v = m->median;

	if (!m->n) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (!strcmp(r->kind, "va")) {
		dmab_size_str(m->median, buf, len);
		return buf;
	}
	double hw = (double)m->hi - (double)m->lo;
	double pct = v > 0 ? hw / 2 / v * 100 : 0;

	if (v >= 1e6)
		snprintf(buf, len, "%.3gms ±%.1f%%", v / 1e6, pct);
	else if (v >= 1e3)
		snprintf(buf, len, "%.4gµs ±%.1f%%", v / 1e3, pct);
	else
		snprintf(buf, len, "%.0fns ±%.1f%%", v, pct);
	return buf;
}

static const char *fmt_change(const struct dmab_cmp_row *r, char *buf, size_t len)
{
	if (r->verdict == DMAB_V_ONLY_BASE || r->verdict == DMAB_V_ONLY_NEW || r->verdict == DMAB_V_NA ||
	    !r->b.n || !r->n.n)
		snprintf(buf, len, "-");
	else if (isinf(r->change))
		snprintf(buf, len, "+inf");
	else
		snprintf(buf, len, "%+.1f%%", r->change * 100);
	return buf;
}

static const char *fmt_p(const struct dmab_cmp_row *r, char *buf, size_t len)
{
	if (!r->tested)
		snprintf(buf, len, "-");
	else if (r->p_adj < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", r->p_adj);
	return buf;
}

static bool shown(const struct dmab_cmp_row *r, const struct dmab_cmp_opts *o)
{
	return o->all || strcmp(r->kind, "va") || (r->verdict != DMAB_V_SAME && r->verdict != DMAB_V_NA);
}

static void write_json(const struct dmab_cmp *c, const struct dmab_cmp_opts *o, FILE *f)
{
	cJSON *j = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(j, "metrics"), *notes;
	char *s;

	cJSON_AddNumberToObject(j, "schema", 1);
	cJSON_AddStringToObject(j, "base", c->base_id);
	cJSON_AddStringToObject(j, "new", c->new_id);
	cJSON_AddNumberToObject(j, "threshold", o->threshold);
	cJSON_AddNumberToObject(j, "alpha", o->alpha);
	cJSON_AddStringToObject(j, "correction", "holm");
	cJSON_AddStringToObject(j, "test", "mann-whitney-u two-sided, normal approximation, tie-corrected");
	cJSON_AddNumberToObject(j, "tested", (double)c->ntested);
	cJSON_AddNumberToObject(j, "regressed", (double)c->nregressed);
	cJSON_AddNumberToObject(j, "improved", (double)c->nimproved);
	notes = cJSON_AddArrayToObject(j, "notes");
	for (int i = 0; i < c->nnotes; i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(c->notes[i]));
	for (size_t k = 0; k < c->nrows; k++) {
		const struct dmab_cmp_row *r = &c->rows[k];
		cJSON *x = cJSON_CreateObject();

		cJSON_AddStringToObject(x, "backend", r->backend);
		cJSON_AddStringToObject(x, "kind", r->kind);
		cJSON_AddStringToObject(x, "op", r->op);
		cJSON_AddStringToObject(x, "api", r->api);
		cJSON_AddStringToObject(x, "attrs", r->attrs);
		cJSON_AddNumberToObject(x, "size", (double)r->size);
		if (r->b.n) {
			cJSON_AddNumberToObject(x, "base_n", (double)r->b.n);
			cJSON_AddNumberToObject(x, "base_median", r->b.median);
			cJSON_AddNumberToObject(x, "base_ci_lo", r->b.lo);
			cJSON_AddNumberToObject(x, "base_ci_hi", r->b.hi);
		}
		if (r->n.n) {
			cJSON_AddNumberToObject(x, "new_n", (double)r->n.n);
			cJSON_AddNumberToObject(x, "new_median", r->n.median);
			cJSON_AddNumberToObject(x, "new_ci_lo", r->n.lo);
			cJSON_AddNumberToObject(x, "new_ci_hi", r->n.hi);
		}
		if (r->b.n && r->n.n && !isinf(r->change))
			cJSON_AddNumberToObject(x, "change", r->change);
		if (r->tested) {
			cJSON_AddNumberToObject(x, "floor_ns", r->floor_ns);
			cJSON_AddNumberToObject(x, "p", r->p);
			cJSON_AddNumberToObject(x, "p_holm", r->p_adj);
		}
		cJSON_AddStringToObject(x, "verdict", r->verdict == DMAB_V_SAME ? "no-change" :
						       dmab_cmp_verdict_name(r->verdict));
		cJSON_AddItemToArray(rows, x);
	}
	s = cJSON_Print(j);
	if (s)
		fprintf(f, "%s\n", s);
	free(s);
	cJSON_Delete(j);
}

int dmab_cmp_write(const struct dmab_cmp *c, const struct dmab_cmp_opts *o, FILE *f)
{
	bool md = o->format == DMAB_CMP_MD;
	size_t hidden = 0;
	char floor_desc[64];

	if (o->min_delta >= 0)
		snprintf(floor_desc, sizeof(floor_desc), "%g ns", o->min_delta);
	else
		snprintf(floor_desc, sizeof(floor_desc), "2 x timer_min_ns");

	if (o->format == DMAB_CMP_JSON) {
		write_json(c, o, f);
		return ferror(f) ? -EIO : 0;
	}
	if (md)
		fprintf(f, "## dmabench compare\n\n- base: `%s`\n- new: `%s`\n", c->base_id, c->new_id);
	else
		fprintf(f, "base: %s\nnew:  %s\n", c->base_id, c->new_id);
	fprintf(f, "%smedian ± half-width of its 95%% CI; p: Mann-Whitney U, Holm-adjusted over %zu latency metrics; "
		   "verdict needs p < %g, CIs apart, |change| > %g%% and |delta| > the resolution floor (%s)\n",
		md ? "- " : "", c->ntested, o->alpha, o->threshold * 100, floor_desc);
	for (int i = 0; i < c->nnotes; i++)
		fprintf(f, "%snote: %s\n", md ? "- " : "", c->notes[i]);
	if (md)
		fprintf(f, "\n| backend | metric | attrs | size | base | new | change | p | verdict |\n"
			   "|---|---|---|---:|---:|---:|---:|---:|---|\n");
	else
		fprintf(f, "\n%-13s %-14s %-8s %5s %20s %20s %8s %7s  %s\n", "backend", "metric", "attrs", "size",
			"base", "new", "change", "p", "verdict");
	for (size_t k = 0; k < c->nrows; k++) {
		const struct dmab_cmp_row *r = &c->rows[k];
		char sz[16], b[48], n[48], ch[24], p[16], metric[64];

		if (!shown(r, o)) {
			hidden++;
			continue;
		}
		if (!strcmp(r->kind, "va"))
			snprintf(metric, sizeof(metric), "%s %s", r->op, r->api);
		else
			snprintf(metric, sizeof(metric), "%s", r->op);
		dmab_size_str(r->size, sz, sizeof(sz));
		fmt_med(r, &r->b, b, sizeof(b));
		fmt_med(r, &r->n, n, sizeof(n));
		fmt_change(r, ch, sizeof(ch));
		fmt_p(r, p, sizeof(p));
		if (md)
			fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s | %s%s%s |\n", r->backend, metric, r->attrs,
				sz, b, n, ch, p, r->verdict == DMAB_V_REGRESSED ? "**" : "",
				dmab_cmp_verdict_name(r->verdict), r->verdict == DMAB_V_REGRESSED ? "**" : "");
		else
			fprintf(f, "%-13s %-14s %-8s %5s %20s %20s %8s %7s  %s\n", r->backend, metric, r->attrs, sz, b,
				n, ch, p, dmab_cmp_verdict_name(r->verdict));
	}
	fprintf(f, "\n%s%zu metrics (%zu latency tested), %zu regressed, %zu improved beyond %g%%", md ? "**" : "",
		c->nrows, c->ntested, c->nregressed, c->nimproved, o->threshold * 100);
	if (hidden)
		fprintf(f, "; %zu unchanged VA rows not shown (--all)", hidden);
	fprintf(f, "%s\n", md ? "**" : "");
	return ferror(f) ? -EIO : 0;
}

/* ---- baselines ---- */

static cJSON *compact_lat(const cJSON *lat, size_t max)
{
	cJSON *l = cJSON_Duplicate(lat, true), *r;

	if (!l)
		return NULL;
	cJSON_ArrayForEach(r, jget(l, "rows")) {
		uint32_t *s;
		size_t n;

		if (row_samples(r, &s, &n)) {
			cJSON_Delete(l);
			return NULL;
		}
		if (n > max) {
			cJSON *arr = cJSON_CreateArray();

			/* evenly spaced order statistics: the midpoint of each of max equal slices */
			for (size_t k = 0; k < max; k++)
				cJSON_AddItemToArray(arr, cJSON_CreateNumber(s[(2 * k + 1) * n / (2 * max)]));
			cJSON_ReplaceItemInObjectCaseSensitive(r, "samples", arr);
			cJSON_AddNumberToObject(r, "samples_from_n", (double)n);
		}
		free(s);
	}
	return l;
}

int dmab_baseline_make(const cJSON *run, size_t max_samples, cJSON **out)
{
	static const char *const top[] = { "schema", "run_id", "created", "env", "tool" };
	static const char *const bkeys[] = { "name", "status", "expect_ops", "expect_domain", "guest_kernel",
					     "guest_cmdline", "effective_mode", "kernel" };
	cJSON *j = cJSON_CreateObject(), *bs, *b;

	if (!j)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (jget(run, top[i]))
			cJSON_AddItemToObject(j, top[i], cJSON_Duplicate(jget(run, top[i]), true));
	cJSON_AddStringToObject(j, "kind", "dmabench-baseline");
	cJSON_AddNumberToObject(j, "baseline_max_samples", (double)max_samples);
	bs = cJSON_AddArrayToObject(j, "backends");
	cJSON_ArrayForEach(b, jget(run, "backends")) {
		cJSON *nb = cJSON_CreateObject(), *files;
		const cJSON *va = jfile(b, "va.json"), *lat = jfile(b, "lat.json");
		const cJSON *ur = jfile(b, "uring.json");

		for (size_t i = 0; i < sizeof(bkeys) / sizeof(bkeys[0]); i++)
			if (jget(b, bkeys[i]))
				cJSON_AddItemToObject(nb, bkeys[i], cJSON_Duplicate(jget(b, bkeys[i]), true));
		files = cJSON_AddObjectToObject(nb, "files");
		if (va)
			cJSON_AddItemToObject(files, "va.json", cJSON_Duplicate(va, true));
		if (ur)
			cJSON_AddItemToObject(files, "uring.json", cJSON_Duplicate(ur, true));
		if (lat) {
			cJSON *l = compact_lat(lat, max_samples ? max_samples : 1);

			if (!l) {
				cJSON_Delete(nb);
				cJSON_Delete(j);
				return -ENOMEM;
			}
			cJSON_AddItemToObject(files, "lat.json", l);
		}
		cJSON_AddItemToArray(bs, nb);
	}
	*out = j;
	return 0;
}
