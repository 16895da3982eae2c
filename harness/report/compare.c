// SPDX-License-Identifier: GPL-2.0
/* compare.c - statistical comparison of two runs (see compare.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/compare.h"
#include "harness/report/jget.h"
#include "lib/hier.h"
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
	o->plan_change = 0.10;
	o->iters = 2000;
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
		if (!strcmp(name, "--calib")) {
			o->calib = true;
			continue;
		}
		if (strcmp(name, "--threshold") && strcmp(name, "--alpha") && strcmp(name, "--format") &&
		    strcmp(name, "--plan-change") &&
		    strcmp(name, "--min-delta") && strcmp(name, "--kernel") &&
		    strcmp(name, "-o") && strcmp(name, "--out") && strcmp(name, "--plot")) {
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
		} else if (!strcmp(name, "--plan-change")) {
			char *ep;
			double x = strtod(v, &ep);

			if (*ep == '%')
				ep++;
			if (ep == v || *ep || !(x > 0) || x > 1000) {
				snprintf(err, errlen, "compare: bad --plan-change '%s' (percent, e.g. 10)", v);
				return -EINVAL;
			}
			o->plan_change = x / 100;
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
		} else if (!strcmp(name, "--plot")) {
			size_t l = strlen(v);

			if (l < 5 || strcmp(v + l - 4, ".png") || strchr(v, '\'')) {
				snprintf(err, errlen, "compare: --plot takes a FILE.png (no quotes in the path)");
				return -EINVAL;
			}
			o->plot = v;
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

static int load_one(const char *path, cJSON **out, char *err, size_t errlen)
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
		{	/* a boot folder of run --boots (direct.b2): that backend's boot */
			const char *nm = jstr(b, "name", ""), *dot = strrchr(nm, '.');
			char *e;
			long k = dot && dot[1] == 'b' ? strtol(dot + 2, &e, 10) : 0;

			if (k > 0 && !*e) {
				char cell[128];

				snprintf(cell, sizeof(cell), "%.*s", (int)(dot - nm), nm);
				cJSON_AddStringToObject(b, "cell", cell);
				cJSON_AddNumberToObject(b, "boot", (double)k);
			}
		}
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

/* every backend entry of run gets a "cell" (its name) unless it has one, and boot k when it has none */
static void give_cells(cJSON *run, int k)
{
	cJSON *b;

	cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(run, "backends")) {
		if (!cJSON_IsString(jget(b, "cell")))
			cJSON_AddStringToObject(b, "cell", jstr(b, "name", "-"));
		if (!jget(b, "boot"))
			cJSON_AddNumberToObject(b, "boot", k);
	}
}

int dmab_cmp_load(const char *path, cJSON **out, char *err, size_t errlen)
{
	char *dup, *tok, *save = NULL, id[256];
	cJSON *all = NULL, *one, *bs;
	int k = 0, r = 0;

	if (!strchr(path, ',') || dmab_is_file(path) || dmab_is_dir(path))
		return load_one(path, out, err, errlen);
	*out = NULL;
	dup = strdup(path);
	if (!dup)
		return -ENOMEM;
	for (tok = strtok_r(dup, ",", &save); tok && !r; tok = strtok_r(NULL, ",", &save)) {
		r = load_one(tok, &one, err, errlen);
		if (r)
			break;
		give_cells(one, ++k);
		if (!all) {
			all = one;
			continue;
		}
		bs = cJSON_GetObjectItemCaseSensitive(all, "backends");
		for (cJSON *b = cJSON_GetObjectItemCaseSensitive(one, "backends")->child, *nx; b; b = nx) {
			nx = b->next;
			cJSON_AddItemToArray(bs, cJSON_DetachItemViaPointer(cJSON_GetObjectItemCaseSensitive(one, "backends"), b));
		}
		cJSON_Delete(one);
	}
	free(dup);
	if (r || !all) {
		cJSON_Delete(all);
		if (!r)
			snprintf(err, errlen, "%s: no runs in the list", path);
		return r ? r : -EINVAL;
	}
	snprintf(id, sizeof(id), "%.200s (+%d runs)", jstr(all, "run_id", "-"), k - 1);
	if (jget(all, "run_id"))
		cJSON_ReplaceItemInObjectCaseSensitive(all, "run_id", cJSON_CreateString(id));
	else
		cJSON_AddStringToObject(all, "run_id", id);
	*out = all;
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
		static const char *const keys[] = { "name", "cell" };

		for (size_t ki = 0; ki < 2; ki++) {
			const char *n = jstr(b, keys[ki], ""), *t = strchr(n, '~');
			char label[128];

			if (!t)
				continue;
			snprintf(label, sizeof(label), "%.*s", (int)(t - n), n);
			cJSON_ReplaceItemInObjectCaseSensitive(b, keys[ki], cJSON_CreateString(label));
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

/* A `dmabench run --host` run: env.accel "host" and its one entry */
static const cJSON *host_entry(const cJSON *run)
{
	const cJSON *bs = jget(run, "backends");

	if (strcmp(jstr(jget(run, "env"), "accel", ""), "host") || cJSON_GetArraySize(bs) != 1)
		return NULL;
	return cJSON_GetArrayItem(bs, 0);
}

/*
 * A host run against a VM run: the host entry pairs with the VM run's backend of the same
 * effective mode (ops/domain of the devices under test) when exactly one has it; a note says
 * which, or why none. Other entries pair by name.
 */
static void pair_host(struct dmab_cmp *c, const cJSON *base, const cJSON *new)
{
	const cJSON *hb = host_entry(base), *nh = host_entry(new), *vm, *b;
	const char *mode;
	char names[160] = "";
	int n = 0;

	if (!hb == !nh)
		return;	/* two VM runs, or two host runs: by name */
	vm = hb ? new : base;
	hb = hb ? hb : nh;
	mode = jstr(hb, "effective_mode", NULL);
	if (!mode) {
		snprintf(c->notes[c->nnotes++], sizeof(c->notes[0]), "host run: not paired (no effective mode)");
		return;
	}
	cJSON_ArrayForEach(b, jget(vm, "backends"))
		if (!strcmp(jstr(b, "effective_mode", ""), mode)) {
			c->pair_vm = b;
			size_t l = strlen(names);
			snprintf(names + l, sizeof(names) - l, "%s%s", n++ ? ", " : "", jstr(b, "name", "-"));
		}
	if (n == 1) {
		c->pair_host = hb;
		snprintf(c->notes[c->nnotes++], sizeof(c->notes[0]), "host run: paired %s with %s (the only backend "
			 "of effective mode %s)", jstr(hb, "name", "host"), names, mode);
	} else {
		c->pair_vm = NULL;
		snprintf(c->notes[c->nnotes++], sizeof(c->notes[0]), "host run: not paired: %d backends of effective "
			 "mode %s in the other run%s%s%s", n, mode, n ? " (" : "", names, n ? ")" : "");
	}
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

/* the sorted samples of row key in every lat of lats[] that has them; their calib_p50 (0: none) */
struct boots {
	size_t n, cap;
	uint32_t **s;
	size_t *len;
	double *calib;
	bool found;		/* some lat has the row (maybe failed) */
};

static void boots_free(struct boots *b)
{
	for (size_t k = 0; k < b->n; k++)
		free(b->s[k]);
	free(b->s);
	free(b->len);
	free(b->calib);
	memset(b, 0, sizeof(*b));
}

static int boots_gather(const cJSON *const *lats, size_t nl, const cJSON *key, struct boots *b)
{
	memset(b, 0, sizeof(*b));
	b->s = calloc(nl ? nl : 1, sizeof(*b->s));
	b->len = calloc(nl ? nl : 1, sizeof(*b->len));
	b->calib = calloc(nl ? nl : 1, sizeof(*b->calib));
	if (!b->s || !b->len || !b->calib) {
		boots_free(b);
		return -ENOMEM;
	}
	for (size_t k = 0; k < nl; k++) {
		const cJSON *m = find_row(jget(lats[k], "rows"), key, true);
		uint32_t *v;
		size_t n;

		if (!m)
			continue;
		b->found = true;
		if (row_samples(m, &v, &n)) {
			boots_free(b);
			return -ENOMEM;
		}
		if (!n)
			continue;
		b->s[b->n] = v;
		b->len[b->n] = n;
		b->calib[b->n] = jnum(m, "calib_p50", 0);
		b->n++;
	}
	return 0;
}

/* every sample scaled by cbar / its boot's calibration; NULL entries when a boot has none */
static int boots_scaled(const struct boots *b, double cbar, struct boots *out)
{
	memset(out, 0, sizeof(*out));
	out->s = calloc(b->n ? b->n : 1, sizeof(*out->s));
	out->len = calloc(b->n ? b->n : 1, sizeof(*out->len));
	out->calib = calloc(b->n ? b->n : 1, sizeof(*out->calib));
	if (!out->s || !out->len || !out->calib) {
		boots_free(out);
		return -ENOMEM;
	}
	for (size_t k = 0; k < b->n; k++) {
		double f = cbar / b->calib[k];

		out->s[k] = malloc(b->len[k] * sizeof(uint32_t));
		if (!out->s[k]) {
			boots_free(out);
			return -ENOMEM;
		}
		for (size_t i = 0; i < b->len[k]; i++) {
			double x = b->s[k][i] * f + 0.5;

			out->s[k][i] = x > 4294967295.0 ? 4294967295U : (uint32_t)x;
		}
		out->len[k] = b->len[k];
		out->n++;
	}
	return 0;
}

static int boots_hier(const struct boots *b, const struct boots *n, double t, unsigned int iters, uint64_t seed,
		      struct dmab_hier *h)
{
	struct dmab_side sb = { b->n, (const uint32_t *const *)b->s, b->len };
	struct dmab_side sn = { n->n, (const uint32_t *const *)n->s, n->len };

	return dmab_hier_compare(&sb, &sn, t, iters, seed, h);
}

/* continued fraction of the regularized incomplete beta (Numerical Recipes' betacf) */
static double betacf(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	d = fabs(d) < 1e-300 ? 1e300 : 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2)), del;

		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < 1e-300 ? 1e300 : 1 / d;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < 1e-300 ? 1e300 : 1 / d;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-12)
			break;
	}
	return h;
}

/* P(T > x) for Student's t with df degrees of freedom, x >= 0 */
static double t_upper(double x, double df)
{
	double z = df / (df + x * x), a = df / 2, b = 0.5;
	double bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(z) + b * log1p(-z)), ib;

	if (!(x > 0))
		return 0.5;
	ib = z < (a + 1) / (a + b + 2) ? bt * betacf(a, b, z) / a : 1 - bt * betacf(b, a, 1 - z) / b;
	return 0.5 * ib;
}

/* the t quantile of 1 - q (bisection on t_upper) */
static double t_quantile(double q, double df)
{
	double lo = 0, hi = 1e4;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (t_upper(mid, df) > q)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/*
 * Few boots: resampling m boots sees (m - 1) / m of their variance and a
 * percentile interval knows nothing of how little m is. So the interval and
 * p use the bootstrap's standard error on the log ratio, inflated by
 * sqrt(m / (m - 1)) (m: the fewer boots of a side that has several), with
 * Student's t on df = the boots of both sides minus 2 (a side with one boot
 * adds none; df < 1: normal). Sets the interval to log ratio +- t se; returns
 * the two-sided p of "|change| <= t".
 */
static double hier_p(struct dmab_hier *h, double t, size_t nb, size_t nn)
{
	double se = (log(h->hi) - log(h->lo)) / 3.92, lr = log(h->ratio);
	double up = log1p(t), down = t < 1 ? log1p(-t) : -INFINITY, df = 0, q, pu, pd;
	size_t m = nb > 1 && nn > 1 ? (nb < nn ? nb : nn) : nb > 1 ? nb : nn;

	df = (double)(nb - 1) + (double)(nn - 1);
	if (m > 1)
		se *= sqrt((double)m / (double)(m - 1));
	if (!(se > 0))
		return lr > up || lr < down ? 0 : 1;
	q = df >= 1 ? t_quantile(0.025, df) : 1.959964;
	h->lo = exp(lr - q * se);
	h->hi = exp(lr + q * se);
	if (df >= 1) {
		pu = lr > up ? t_upper((lr - up) / se, df) : 1 - t_upper((up - lr) / se, df);
		pd = lr < down ? t_upper((down - lr) / se, df) : 1 - t_upper((lr - down) / se, df);
	} else {
		pu = 0.5 * erfc((lr - up) / se / M_SQRT2);
		pd = 0.5 * erfc((down - lr) / se / M_SQRT2);
	}
	return fmin(1, 2 * fmin(pu, pd));
}

static uint64_t key_seed(const struct dmab_cmp_row *r)
{
	uint64_t h = 1469598103934665603ULL;
	char k[160];

	snprintf(k, sizeof(k), "%s/%s/%s/%s/%llu", r->backend, r->kind, r->op, r->attrs, (unsigned long long)r->size);
	for (const char *p = k; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

/*
 * Planning with the same small-sample rules as the verdicts (hier_p): the
 * smallest change beyond t that m boots per side detect with 80 % power at
 * the family level af, and the fewest boots (2..1000) for a change d.
 */
static double plan_detectable(double cvb, double cvw, size_t m, double t, double af)
{
	if (m < 2)
		return INFINITY;
	return t + ((m > 50 ? dmab_norm_quantile(1 - af / 2) : t_quantile(af / 2, 2.0 * m - 2)) + dmab_norm_quantile(0.8)) * sqrt((double)m / (m - 1.0)) *
		   sqrt(2 * (cvb * cvb + cvw * cvw) / (double)m);
}

static size_t plan_boots(double cvb, double cvw, double d, double t, double af)
{
	size_t lo = 2, hi = 1000;

	if (d <= t || plan_detectable(cvb, cvw, hi, t, af) > d)
		return SIZE_MAX;
	while (lo < hi) {	/* detectable falls with m */
		size_t mid = (lo + hi) / 2;

		if (plan_detectable(cvb, cvw, mid, t, af) <= d)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* pooled relative sd between boots: the sides that have several boots (0: none has) */
static double pooled_between(const struct dmab_hier *h, size_t nb, size_t nn)
{
	double s = 0;
	int k = 0;

	if (nb > 1) {
		s += h->cv_between_base * h->cv_between_base;
		k++;
	}
	if (nn > 1) {
		s += h->cv_between_new * h->cv_between_new;
		k++;
	}
	return k ? sqrt(s / k) : 0;
}

/* one lat metric from the boots of both sides */
static int cmp_lat_row(struct dmab_cmp_row *row, struct boots *b, struct boots *n, const struct dmab_cmp_opts *o)
{
	struct dmab_hier h;
	double cb = 0;
	bool cal = true;
	int r;

	row->boots_b = b->n;
	row->boots_n = n->n;
	if (b->n == 1 && n->n == 1) {	/* one boot per side: the single-boot test */
		struct dmab_mwu u;

		dmab_median_ci_sorted(b->s[0], b->len[0], &row->b);
		dmab_median_ci_sorted(n->s[0], n->len[0], &row->n);
		dmab_mann_whitney(b->s[0], b->len[0], n->s[0], n->len[0], &u);
		row->p = u.p;
		row->change = rel_change(row->b.median, row->n.median);
	} else {
		double lo = INFINITY, hi = 0;
		size_t tot = 0;

		row->hier = true;
		row->p = 1;	/* a zero median: no interval, no verdict */
		for (int side = 0; side < 2; side++) {
			struct boots *x = side ? n : b;
			struct dmab_median_ci *m = side ? &row->n : &row->b;

			lo = INFINITY;
			hi = 0;
			tot = 0;
			for (size_t k = 0; k < x->n; k++) {
				double med = x->s[k][(x->len[k] + 1) / 2 - 1];

				lo = fmin(lo, med);
				hi = fmax(hi, med);
				tot += x->len[k];
			}
			m->lo = (uint32_t)lo;	/* the range of the boot medians */
			m->hi = (uint32_t)hi;
			m->n = tot;
		}
	}
	r = boots_hier(b, n, o->threshold, o->iters, key_seed(row), &h);
	if (r)
		return r == -EINVAL ? 0 : r;	/* a zero median: no interval */
	if (row->hier) {
		double p = hier_p(&h, o->threshold, b->n, n->n);	/* also widens h's interval */

		row->b.median = (uint32_t)(h.base + 0.5);
		row->n.median = (uint32_t)(h.new + 0.5);
		row->change = h.ratio - 1;
		row->p = p;	/* raw; --calib replaces it below when the rows carry the calibration */
	}
	row->lo = h.lo - 1;
	row->hi = h.hi - 1;
	row->cv_between = pooled_between(&h, b->n, n->n);
	row->cv_within = (h.cv_within_base + h.cv_within_new) / 2;

	/* calibration-normalized: every boot's samples divided by its own calibration */
	for (size_t k = 0; k < b->n; k++)
		cal &= b->calib[k] > 0, cb += b->calib[k];
	for (size_t k = 0; k < n->n; k++)
		cal &= n->calib[k] > 0, cb += n->calib[k];
	if (cal) {
		struct boots sb, sn;
		struct dmab_hier hc;

		cb /= (double)(b->n + n->n);
		r = boots_scaled(b, cb, &sb);
		if (!r)
			r = boots_scaled(n, cb, &sn);
		else
			memset(&sn, 0, sizeof(sn));
		if (!r)
			r = boots_hier(&sb, &sn, o->threshold, o->iters, key_seed(row) ^ 0x5bd1e995, &hc);
		boots_free(&sb);
		boots_free(&sn);
		if (r && r != -EINVAL)
			return r;
		if (!r) {
			double p = row->hier ? hier_p(&hc, o->threshold, b->n, n->n) : 1;

			row->has_cal = true;
			row->cal_change = hc.ratio - 1;
			row->cal_lo = hc.lo - 1;
			row->cal_hi = hc.hi - 1;
			row->cal_cv_between = pooled_between(&hc, b->n, n->n);
			if (row->hier && o->calib)
				row->p = p;
		}
	}
	return 0;
}

static int cmp_lat(struct dmab_cmp *c, const char *bname, const cJSON *const *bl, size_t nbl,
		   const cJSON *const *nl, size_t nnl, double min_delta, const struct dmab_cmp_opts *o)
{
	const cJSON *brows = nbl ? jget(bl[0], "rows") : NULL, *nrows = nnl ? jget(nl[0], "rows") : NULL, *r;
	double floor_ns = min_delta;

	if (floor_ns < 0) {
		floor_ns = 0;
		for (size_t k = 0; k < nbl; k++)
			floor_ns = fmax(floor_ns, 2 * jnum(bl[k], "timer_min_ns", 0));
		for (size_t k = 0; k < nnl; k++)
			floor_ns = fmax(floor_ns, 2 * jnum(nl[k], "timer_min_ns", 0));
	}

	cJSON_ArrayForEach(r, brows) {
		struct dmab_cmp_row *row = add_row(c, bname, "lat", jstr(r, "op", "-"), r);
		struct boots b, n;
		int e;

		if (!row)
			return -ENOMEM;
		if (boots_gather(bl, nbl, r, &b))
			return -ENOMEM;
		if (boots_gather(nl, nnl, r, &n)) {
			boots_free(&b);
			return -ENOMEM;
		}
		if (!n.found) {
			row->verdict = DMAB_V_ONLY_BASE;
		} else if (!b.n || !n.n) {
			row->verdict = DMAB_V_NA;
			if (b.n)
				dmab_median_ci_sorted(b.s[0], b.len[0], &row->b);
			if (n.n)
				dmab_median_ci_sorted(n.s[0], n.len[0], &row->n);
		} else {
			e = cmp_lat_row(row, &b, &n, o);
			if (e) {
				boots_free(&b);
				boots_free(&n);
				return e;
			}
			row->tested = true;
			row->floor_ns = floor_ns;
			c->nhier += row->hier;
			if (b.n > c->maxboots_b)
				c->maxboots_b = b.n;
			if (n.n > c->maxboots_n)
				c->maxboots_n = n.n;
		}
		boots_free(&b);
		boots_free(&n);
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

/*
 * fresh.json: per backend / api / attrs / size, zeroed or stale. A cell
 * that was zeroed and is stale now is a regression (stale data reaches
 * userspace or the device), stale -> zeroed an improvement; the figure
 * shown is the stale bytes (0: zeroed).
 */
static int cmp_fresh(struct dmab_cmp *c, const char *bname, const cJSON *bf, const cJSON *nf)
{
	const cJSON *brows = jget(bf, "rows"), *nrows = jget(nf, "rows"), *r;

	cJSON_ArrayForEach(r, brows) {
		const cJSON *m = nrows ? find_row(nrows, r, false) : NULL;
		struct dmab_cmp_row *row = add_row(c, bname, "fresh", "fresh", r);
		const char *x, *y;

		if (!row)
			return -ENOMEM;
		if (!m) {
			row->verdict = DMAB_V_ONLY_BASE;
			continue;
		}
		x = jstr(r, "verdict", "");
		y = jstr(m, "verdict", "");
		if ((strcmp(x, "zeroed") && strcmp(x, "stale")) || (strcmp(y, "zeroed") && strcmp(y, "stale"))) {
			row->verdict = DMAB_V_NA;
			continue;
		}
		row->b = (struct dmab_median_ci){ (uint32_t)jnum(r, "stale_bytes", 0), 0, 0, 1 };
		row->n = (struct dmab_median_ci){ (uint32_t)jnum(m, "stale_bytes", 0), 0, 0, 1 };
		if (!strcmp(x, "zeroed") && !strcmp(y, "stale"))
			row->verdict = DMAB_V_REGRESSED;
		else if (!strcmp(x, "stale") && !strcmp(y, "zeroed"))
			row->verdict = DMAB_V_IMPROVED;
	}
	cJSON_ArrayForEach(r, nrows) {
		if (brows && find_row(brows, r, false))
			continue;
		struct dmab_cmp_row *row = add_row(c, bname, "fresh", "fresh", r);

		if (!row)
			return -ENOMEM;
		row->verdict = DMAB_V_ONLY_NEW;
	}
	return 0;
}

static void env_notes(struct dmab_cmp *c, const cJSON *base, const cJSON *new)
{
	static const char *const keys[] = { "accel", "qemu_version", "host_kernel", "kernel" };
	const cJSON *be = jget(base, "env"), *ne = jget(new, "env");

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && c->nnotes < DMAB_CMP_NOTES; i++) {
		const char *x = jstr(be, keys[i], "-"), *y = jstr(ne, keys[i], "-");

		if (strcmp(x, y))
			snprintf(c->notes[c->nnotes++], sizeof(c->notes[0]), "%s differs: %.100s vs %.100s", keys[i],
				 x, y);
	}
}

/* the backend entries of a run grouped by cell (run --boots N, or pooled runs): one per boot */
struct cell {
	const char *name;
	const cJSON **ent;
	size_t n;
};

static void cells_free(struct cell *cs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cs[i].ent);
	free(cs);
}

static int cells_of(const cJSON *run, struct cell **out, size_t *nout)
{
	const cJSON *bs = jget(run, "backends"), *b;
	size_t cap = (size_t)cJSON_GetArraySize(bs) + 1, n = 0;
	struct cell *cs = calloc(cap, sizeof(*cs));

	if (!cs)
		return -ENOMEM;
	cJSON_ArrayForEach(b, bs) {
		const char *name = jstr(b, "cell", jstr(b, "name", "-"));
		size_t i;

		for (i = 0; i < n && strcmp(cs[i].name, name); i++)
			;
		if (i == n) {
			cs[n].name = name;
			cs[n].ent = calloc(cap, sizeof(*cs[n].ent));
			if (!cs[n].ent) {
				cells_free(cs, n);
				return -ENOMEM;
			}
			n++;
		}
		cs[i].ent[cs[i].n++] = b;
	}
	*out = cs;
	*nout = n;
	return 0;
}

static const struct cell *find_cell(const struct cell *cs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cs[i].name, name))
			return &cs[i];
	return NULL;
}

/* a cell's files of one name (the boots that have it); *n of them */
static const cJSON **cell_files(const struct cell *c, const char *file, size_t *n)
{
	const cJSON **v = calloc(c && c->n ? c->n : 1, sizeof(*v));

	*n = 0;
	for (size_t k = 0; v && c && k < c->n; k++)
		if (jfile(c->ent[k], file))
			v[(*n)++] = jfile(c->ent[k], file);
	return v;
}

static int cmp_cell(struct dmab_cmp *c, const char *name, const struct cell *bc, const struct cell *nc,
		    const struct dmab_cmp_opts *o)
{
	static const char *const files[] = { "lat.json", "uring.json" };
	size_t nb, nn;
	int r = 0;

	for (size_t f = 0; f < 2 && !r; f++) {
		const cJSON **b = cell_files(bc, files[f], &nb), **n = cell_files(nc, files[f], &nn);

		if (!b || !n)
			r = -ENOMEM;
		else	/* uring: ioctl vs io_uring pairs, per-round ns/pair as samples; floor 0 */
			r = cmp_lat(c, name, b, nb, n, nn, f == 0 || o->min_delta >= 0 ? o->min_delta : 0, o);
		free(b);
		free(n);
	}
	if (!r) {	/* VA is deterministic: the first boot that has it */
		const cJSON **b = cell_files(bc, "va.json", &nb), **n = cell_files(nc, "va.json", &nn);

		r = !b || !n ? -ENOMEM : cmp_va(c, name, nb ? b[0] : NULL, nn ? n[0] : NULL, o->threshold);
		free(b);
		free(n);
	}
	if (!r) {	/* fresh buffers: zeroed or stale, deterministic like VA: the first boot that has it */
		const cJSON **b = cell_files(bc, "fresh.json", &nb), **n = cell_files(nc, "fresh.json", &nn);

		r = !b || !n ? -ENOMEM : cmp_fresh(c, name, nb ? b[0] : NULL, nn ? n[0] : NULL);
		free(b);
		free(n);
	}
	return r;
}

static double median_of(double *v, size_t n)
{
	if (!n)
		return NAN;
	for (size_t i = 1; i < n; i++)	/* insertion sort: a few hundred at most */
		for (size_t k = i; k > 0 && v[k - 1] > v[k]; k--) {
			double t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int dmab_cmp_run(const cJSON *base, const cJSON *new, const struct dmab_cmp_opts *o, struct dmab_cmp *c)
{
	struct cell *bcs = NULL, *ncs = NULL;
	size_t nbc = 0, nnc = 0;
	double *p = NULL, *adj = NULL;
	size_t k, m = 0;
	int r = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->base_id, sizeof(c->base_id), "%s", jstr(base, "run_id", "-"));
	snprintf(c->new_id, sizeof(c->new_id), "%s", jstr(new, "run_id", "-"));
	pair_host(c, base, new);
	env_notes(c, base, new);
	if (cells_of(base, &bcs, &nbc) || cells_of(new, &ncs, &nnc)) {
		cells_free(bcs, nbc);
		return -ENOMEM;
	}
	const struct cell *pb = NULL, *pn = NULL;	/* a host run's cell and its VM backend's */

	if (c->pair_host) {
		bool host_base = host_entry(base) != NULL;
		const cJSON *be = host_base ? c->pair_host : c->pair_vm, *ne = host_base ? c->pair_vm : c->pair_host;
		char name[sizeof(c->rows[0].backend)];

		pb = find_cell(bcs, nbc, jstr(be, "cell", jstr(be, "name", "-")));
		pn = find_cell(ncs, nnc, jstr(ne, "cell", jstr(ne, "name", "-")));
		/* a host pairing shows both names: "intel-strict/host" */
		snprintf(name, sizeof(name), "%s/%s", pb ? pb->name : "-", pn ? pn->name : "-");
		if (pb && pn)
			r = cmp_cell(c, name, pb, pn, o);
	}
	for (k = 0; k < nbc && !r; k++)
		if (&bcs[k] != pb)
			r = cmp_cell(c, bcs[k].name, &bcs[k], find_cell(ncs, nnc, bcs[k].name), o);
	for (k = 0; k < nnc && !r; k++)
		if (&ncs[k] != pn && !find_cell(bcs, nbc, ncs[k].name))
			r = cmp_cell(c, ncs[k].name, NULL, &ncs[k], o);
	cells_free(bcs, nbc);
	cells_free(ncs, nnc);
	if (r)
		return r;

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
			double lo = row->lo, hi = row->hi, cvb = row->cv_between, af = o->alpha / (double)c->ntested;
			bool sig, apart, floor_ok;

			if (!row->tested)
				continue;
			row->p_adj = adj[m++];
			sig = row->p_adj < o->alpha;
			floor_ok = fabs((double)row->n.median - (double)row->b.median) > row->floor_ns;
			if (o->calib && row->has_cal) {
				lo = row->cal_lo;
				hi = row->cal_hi;
				cvb = row->cal_cv_between;
			}
			if (row->hier) {	/* the interval wholly beyond the threshold */
				if (sig && floor_ok && lo > o->threshold)
					row->verdict = DMAB_V_REGRESSED;
				else if (sig && floor_ok && hi < -o->threshold)
					row->verdict = DMAB_V_IMPROVED;
			} else {
				apart = (row->n.lo > row->b.hi || row->n.hi < row->b.lo) && floor_ok;
				if (sig && apart && row->change > o->threshold)
					row->verdict = DMAB_V_REGRESSED;
				else if (sig && apart && row->change < -o->threshold)
					row->verdict = DMAB_V_IMPROVED;
			}
			/* planning: 80 % power, the family's alpha split Bonferroni-wise (Holm's first step), t on 2m - 2 */
			row->detectable = plan_detectable(cvb, row->cv_within,
							  row->boots_b < row->boots_n ? row->boots_b : row->boots_n,
							  o->threshold, af);
			row->boots_needed = plan_boots(cvb, row->cv_within, o->plan_change, o->threshold, af);
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

/* planning and calibration figures over the tested metrics (for the output) */
struct cmp_summary {
	size_t n, ncal;
	double det_med, det_max, cvb_med, cvw_med, w_raw, w_cal;
	size_t need_max, need_med;
	const struct dmab_cmp_row *det_worst;
};

static void summarize(const struct dmab_cmp *c, struct cmp_summary *s)
{
	double *a = calloc(c->nrows + 1, sizeof(double)), *b = calloc(c->nrows + 1, sizeof(double));
	double *d = calloc(c->nrows + 1, sizeof(double)), *e = calloc(c->nrows + 1, sizeof(double));
	double *nd = calloc(c->nrows + 1, sizeof(double)), *wr = calloc(c->nrows + 1, sizeof(double));
	double *wc = calloc(c->nrows + 1, sizeof(double));

	memset(s, 0, sizeof(*s));
	s->det_med = s->det_max = s->cvb_med = s->cvw_med = s->w_raw = s->w_cal = NAN;
	if (!a || !b || !d || !e || !nd || !wr || !wc)
		goto out;
	for (size_t k = 0; k < c->nrows; k++) {
		const struct dmab_cmp_row *r = &c->rows[k];

		if (!r->tested || strcmp(r->kind, "lat"))
			continue;
		d[s->n] = r->detectable;
		if (!(r->detectable <= s->det_max))
			s->det_worst = r;
		s->det_max = s->n ? fmax(s->det_max, r->detectable) : r->detectable;
		a[s->n] = r->cv_between;
		b[s->n] = r->cv_within;
		nd[s->n] = r->boots_needed == SIZE_MAX ? 1e9 : (double)r->boots_needed;
		if (r->boots_needed > s->need_max)
			s->need_max = r->boots_needed;
		if (r->has_cal) {
			wr[s->ncal] = (r->hi - r->lo) / 2;
			wc[s->ncal] = (r->cal_hi - r->cal_lo) / 2;
			s->ncal++;
		}
		s->n++;
	}
	if (s->n) {
		s->det_med = median_of(d, s->n);
		s->cvb_med = median_of(a, s->n);
		s->cvw_med = median_of(b, s->n);
		s->need_med = (size_t)median_of(nd, s->n);
	}
	if (s->ncal) {
		s->w_raw = median_of(wr, s->ncal);
		s->w_cal = median_of(wc, s->ncal);
	}
out:
	free(a);
	free(b);
	free(d);
	free(e);
	free(nd);
	free(wr);
	free(wc);
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
	if (!strcmp(r->kind, "fresh")) {
		if (m->median)
			snprintf(buf, len, "stale %" PRIu32, m->median);
		else
			snprintf(buf, len, "zeroed");
		return buf;
	}
	if (!strcmp(r->kind, "va")) {
		dmab_size_str(m->median, buf, len);
		return buf;
	}
	double hw = (double)m->hi - (double)m->lo;
	double pct = v > 0 ? hw / 2 / v * 100 : 0;

	char t[20], tail[24];

	if (v >= 1e6)
		snprintf(t, sizeof(t), "%.3gms", v / 1e6);
	else if (v >= 1e3)
		snprintf(t, sizeof(t), "%.4gµs", v / 1e3);
	else
		snprintf(t, sizeof(t), "%.0fns", v);
	if (r->hier)	/* mean of the boot medians, x boots */
		snprintf(tail, sizeof(tail), "×%zu", m == &r->b ? r->boots_b : r->boots_n);
	else
		snprintf(tail, sizeof(tail), "±%.1f%%", pct);
	snprintf(buf, len, "%.19s %.23s", t, tail);
	return buf;
}

static const char *fmt_change(const struct dmab_cmp_row *r, char *buf, size_t len)
{
	if (r->verdict == DMAB_V_ONLY_BASE || r->verdict == DMAB_V_ONLY_NEW || r->verdict == DMAB_V_NA ||
	    !strcmp(r->kind, "fresh") ||
	    !r->b.n || !r->n.n)
		snprintf(buf, len, "-");
	else if (isinf(r->change))
		snprintf(buf, len, "+inf");
	else
		snprintf(buf, len, "%+.1f%%", r->change * 100);
	return buf;
}

/* "[-2.1,+8.0]": the 95 % interval of the change in percent; "cal": the calibration-normalized change */
static const char *fmt_ci(const struct dmab_cmp_row *r, bool cal, char *buf, size_t len)
{
	double lo = cal ? r->cal_lo : r->lo, hi = cal ? r->cal_hi : r->hi;

	if (!r->tested || (cal && !r->has_cal) || !isfinite(lo) || !isfinite(hi) || (!cal && lo == 0 && hi == 0))
		snprintf(buf, len, "-");
	else if (cal)
		snprintf(buf, len, "%+.1f%%", r->cal_change * 100);
	else
		snprintf(buf, len, "[%+.1f,%+.1f]", lo * 100, hi * 100);
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
	return o->all || (strcmp(r->kind, "va") && strcmp(r->kind, "fresh")) ||
	       (r->verdict != DMAB_V_SAME && r->verdict != DMAB_V_NA);
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
	cJSON_AddStringToObject(j, "test", c->nhier ? "hierarchical bootstrap (boots, then samples): 95 % interval of the "
			       "ratio of mean boot medians; p two-sided against |change| <= threshold" :
			       "mann-whitney-u two-sided, normal approximation, tie-corrected");
	cJSON_AddNumberToObject(j, "tested", (double)c->ntested);
	{
		struct cmp_summary sm;
		cJSON *pl, *cal;

		summarize(c, &sm);
		cJSON_AddStringToObject(j, "model", c->nhier ? "hierarchical bootstrap, boot as unit" : "single boot");
		cJSON_AddNumberToObject(j, "boots_base", (double)c->maxboots_b);
		cJSON_AddNumberToObject(j, "boots_new", (double)c->maxboots_n);
		cJSON_AddStringToObject(j, "boot_variance", c->maxboots_b > 1 || c->maxboots_n > 1 ? "measured" : "unknown");
		cJSON_AddStringToObject(j, "verdicts_on", o->calib ? "calibration-normalized" : "raw");
		pl = cJSON_AddObjectToObject(j, "planning");
		cJSON_AddNumberToObject(pl, "power", 0.8);
		cJSON_AddNumberToObject(pl, "plan_change", o->plan_change);
		if (sm.n) {
			cJSON_AddNumberToObject(pl, "cv_between_median", sm.cvb_med);
			cJSON_AddNumberToObject(pl, "cv_within_median", sm.cvw_med);
			cJSON_AddNumberToObject(pl, "detectable_median", sm.det_med);
			cJSON_AddNumberToObject(pl, "detectable_max", sm.det_max);
			cJSON_AddNumberToObject(pl, "boots_needed_median", sm.need_med >= 1e9 ? -1 : (double)sm.need_med);
			cJSON_AddNumberToObject(pl, "boots_needed_max", sm.need_max == SIZE_MAX ? -1 : (double)sm.need_max);
		}
		cal = cJSON_AddObjectToObject(j, "calibration");
		cJSON_AddNumberToObject(cal, "metrics", (double)sm.ncal);
		if (sm.ncal) {
			cJSON_AddNumberToObject(cal, "ci_halfwidth_raw_median", sm.w_raw);
			cJSON_AddNumberToObject(cal, "ci_halfwidth_cal_median", sm.w_cal);
		}
	}
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
			cJSON_AddStringToObject(x, "unit", r->hier ? "boot" : "sample");
			cJSON_AddNumberToObject(x, "boots_base", (double)r->boots_b);
			cJSON_AddNumberToObject(x, "boots_new", (double)r->boots_n);
			if (isfinite(r->lo) && isfinite(r->hi) && (r->lo != 0 || r->hi != 0)) {
				cJSON_AddNumberToObject(x, "ci_lo", r->lo);
				cJSON_AddNumberToObject(x, "ci_hi", r->hi);
			}
			if (r->has_cal) {
				cJSON_AddNumberToObject(x, "cal_change", r->cal_change);
				cJSON_AddNumberToObject(x, "cal_ci_lo", r->cal_lo);
				cJSON_AddNumberToObject(x, "cal_ci_hi", r->cal_hi);
			}
			if (r->boots_b > 1 || r->boots_n > 1)
				cJSON_AddNumberToObject(x, "cv_between", r->cv_between);
			else
				cJSON_AddNullToObject(x, "cv_between");	/* unknown with one boot per side */
			cJSON_AddNumberToObject(x, "cv_within", r->cv_within);
			if (r->has_cal && (r->boots_b > 1 || r->boots_n > 1))
				cJSON_AddNumberToObject(x, "cal_cv_between", r->cal_cv_between);
			if (isfinite(r->detectable))
				cJSON_AddNumberToObject(x, "detectable", r->detectable);
			if (r->boots_needed != SIZE_MAX)
				cJSON_AddNumberToObject(x, "boots_needed", (double)r->boots_needed);
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

static void fmt_pct(double x, char *buf, size_t len)
{
	if (isfinite(x))
		snprintf(buf, len, "%.1f %%", x * 100);
	else
		snprintf(buf, len, "none");
}

/* the model, the boots, planning and which costs give the tighter A/A interval */
static void write_model(const struct dmab_cmp *c, const struct dmab_cmp_opts *o, FILE *f, bool md)
{
	struct cmp_summary sm;
	const char *li = md ? "- " : "";
	char det[32], detm[32];

	summarize(c, &sm);
	if (!sm.n)
		return;
	if (c->maxboots_b <= 1 && c->maxboots_n <= 1)
		fprintf(f, "%snote: one boot per side: boot-to-boot variance unknown (on this host boots differ by up to "
			"~16 %%); run --boots N on both sides for verdicts that hold across boots\n", li);
	else if (c->maxboots_b <= 1 || c->maxboots_n <= 1)
		fprintf(f, "%snote: one side has one boot: its boot-to-boot variance is unknown and not in the interval\n",
			li);
	fmt_pct(sm.det_med, detm, sizeof(detm));
	fmt_pct(sm.det_max, det, sizeof(det));
	fprintf(f, "%splanning (%zu vs %zu boots, 80 %% power, alpha %g / %zu): relative sd of a boot median between "
		"boots %.1f %%%s, inside a boot %.2f %% (medians over metrics); smallest detectable change: %s "
		"(median metric), %s (worst: %s %s %s); a %g %% change needs ",
		li, c->maxboots_b, c->maxboots_n, o->alpha, c->ntested, sm.cvb_med * 100,
		c->maxboots_b > 1 || c->maxboots_n > 1 ? "" : " (unknown: taken as 0)", sm.cvw_med * 100, detm, det,
		sm.det_worst ? sm.det_worst->op : "-", sm.det_worst ? sm.det_worst->attrs : "-",
		sm.det_worst ? sm.det_worst->backend : "-", o->plan_change * 100);
	if (o->plan_change <= o->threshold)
		fprintf(f, "more than the threshold (%g %%)\n", o->threshold * 100);
	else if (sm.need_max == SIZE_MAX)
		fprintf(f, "%s boots per side (median metric); some metrics not within 1000 boots\n",
			sm.need_med >= 1000 ? "more than 1000" : (snprintf(det, sizeof(det), "%zu", sm.need_med), det));
	else
		fprintf(f, "%zu boots per side (median metric), %zu (every metric)\n", sm.need_med, sm.need_max);
	if (sm.ncal)
		fprintf(f, "%scalibration (in-kernel CPU work timed in the same iterations): median half-width of the "
			"change's 95 %% interval raw %.1f %%, calibration-normalized %.1f %% over %zu metrics; verdicts "
			"from %s costs\n", li, sm.w_raw * 100, sm.w_cal * 100, sm.ncal,
			o->calib ? "calibration-normalized (--calib)" : "raw");
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
	if (c->nhier)
		fprintf(f, "%sboot as unit: mean of the boot medians ×boots; change with its 95%% interval from a "
			   "hierarchical bootstrap (boots, then samples); p two-sided against |change| <= %g%%, "
			   "Holm-adjusted over %zu latency metrics; verdict needs p < %g, the interval wholly beyond "
			   "±%g%% and |delta| > the resolution floor (%s)\n",
			md ? "- " : "", o->threshold * 100, c->ntested, o->alpha, o->threshold * 100, floor_desc);
	else
		fprintf(f, "%smedian ± half-width of its 95%% CI; p: Mann-Whitney U, Holm-adjusted over %zu latency "
			   "metrics; verdict needs p < %g, CIs apart, |change| > %g%% and |delta| > the resolution floor "
			   "(%s)\n", md ? "- " : "", c->ntested, o->alpha, o->threshold * 100, floor_desc);
	for (int i = 0; i < c->nnotes; i++)
		fprintf(f, "%snote: %s\n", md ? "- " : "", c->notes[i]);
	write_model(c, o, f, md);
	if (md)
		fprintf(f, "\n| backend | metric | attrs | size | base | new | 95%% CI | cal | change | p | verdict |\n"
			   "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
	else
		fprintf(f, "\n%-13s %-14s %-8s %5s %18s %18s %15s %7s %8s %7s  %s\n", "backend", "metric", "attrs",
			"size", "base", "new", "95%CI(change)", "cal", "change", "p", "verdict");
	for (size_t k = 0; k < c->nrows; k++) {
		const struct dmab_cmp_row *r = &c->rows[k];
		char sz[16], b[48], n[48], ch[24], p[16], metric[64], ci[40], cal[24];

		if (!shown(r, o)) {
			hidden++;
			continue;
		}
		if (!strcmp(r->kind, "va") || !strcmp(r->kind, "fresh"))
			snprintf(metric, sizeof(metric), "%s %s", r->op, r->api);
		else
			snprintf(metric, sizeof(metric), "%s", r->op);
		dmab_size_str(r->size, sz, sizeof(sz));
		fmt_med(r, &r->b, b, sizeof(b));
		fmt_med(r, &r->n, n, sizeof(n));
		fmt_change(r, ch, sizeof(ch));
		fmt_p(r, p, sizeof(p));
		fmt_ci(r, false, ci, sizeof(ci));
		fmt_ci(r, true, cal, sizeof(cal));
		if (md)
			fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%s%s |\n", r->backend, metric,
				r->attrs, sz, b, n, ci, cal, ch, p, r->verdict == DMAB_V_REGRESSED ? "**" : "",
				dmab_cmp_verdict_name(r->verdict), r->verdict == DMAB_V_REGRESSED ? "**" : "");
		else
			fprintf(f, "%-13s %-14s %-8s %5s %18s %18s %15s %7s %8s %7s  %s\n", r->backend, metric, r->attrs,
				sz, b, n, ci, cal, ch, p, dmab_cmp_verdict_name(r->verdict));
	}
	fprintf(f, "\n%s%zu metrics (%zu latency tested), %zu regressed, %zu improved beyond %g%%", md ? "**" : "",
		c->nrows, c->ntested, c->nregressed, c->nimproved, o->threshold * 100);
	if (hidden)
		fprintf(f, "; %zu unchanged VA and fresh rows not shown (--all)", hidden);
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
					     "guest_cmdline", "effective_mode", "kernel", "cell", "boot" };
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
		const cJSON *fr = jfile(b, "fresh.json");

		for (size_t i = 0; i < sizeof(bkeys) / sizeof(bkeys[0]); i++)
			if (jget(b, bkeys[i]))
				cJSON_AddItemToObject(nb, bkeys[i], cJSON_Duplicate(jget(b, bkeys[i]), true));
		files = cJSON_AddObjectToObject(nb, "files");
		if (va)
			cJSON_AddItemToObject(files, "va.json", cJSON_Duplicate(va, true));
		if (ur)
			cJSON_AddItemToObject(files, "uring.json", cJSON_Duplicate(ur, true));
		if (fr)
			cJSON_AddItemToObject(files, "fresh.json", cJSON_Duplicate(fr, true));
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
