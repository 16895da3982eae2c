// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test: harness/compare.c verdicts on synthetic runs whose samples are
 * independent draws from a fixed skewed distribution (what one boot's lat
 * samples look like: a floor, a body and a long tail, TCG-like 10 ns ticks).
 * A/A: 200 pairs of independent draws of a 28-metric matrix at the default
 * threshold give no verdict at all. A 10 % slowdown of one metric (every
 * sample x 1.10) is "regressed" with a change within 10 +- 2 %, and only it.
 * VA rows: an increase from 0 is a regression; fresh rows: zeroed -> stale is
 * one, stale -> zeroed an improvement. Matching and exit counts. A --host
 * run pairs with the one VM backend of its effective mode, and with none of two.
 * Several boots (the boot as unit, lib/hier.c): synthetic boots whose every
 * metric moves by a boot factor (the layout) and a host factor (the host's
 * speed, which the calibration sees too). A/A at 3 boots per side: at most
 * 2 of 40 comparisons with a verdict; a planted 10 % change at 6 boots:
 * found, 10 +- 2 %, inside its interval, nothing else; between-boot variance
 * widens the interval; the calibration takes the host factor out; planning
 * figures; one boot per side stays the single-boot test; comma lists pool.
 * What this cannot show: real boot-to-boot and host-contention noise (see
 * harness/tests/test_boots_vm.sh and README "Comparing runs").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/report/compare.h"
#include "lib/test_util.h"

static uint64_t rng = 88172645463325252ULL;

static double urand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* floor * (1 + lognormal-ish body) with a 2 % tail, quantised to 10 ns */
static uint32_t draw(double floor_ns)
{
	double u1 = urand(), u2 = urand();
	double z = sqrt(-2 * log(u1 + 1e-300)) * cos(2 * M_PI * u2);
	double v = floor_ns * (1.05 + 0.05 * exp(0.5 * z));

	if (urand() < 0.02)
		v *= 1 + 20 * urand();
	return (uint32_t)(v / 10) * 10;
}

static const char *const ops[] = { "alloc", "free", "get_sgtable", "free_sgtable", "map_sg", "unmap_sg", "map_single" };
static const double base_ns[] = { 13500, 750, 550, 180, 150, 120, 120 };

static cJSON *make_run(const char *id, size_t n, int slow_metric, double factor, double va_nkm)
{
	cJSON *run = cJSON_CreateObject(), *bs = cJSON_AddArrayToObject(run, "backends");
	cJSON *b = cJSON_CreateObject(), *files, *lat, *rows, *va, *vrows, *vr;
	int m = 0;

	cJSON_AddStringToObject(run, "run_id", id);
	cJSON_AddItemToArray(bs, b);
	cJSON_AddStringToObject(b, "name", "direct");
	files = cJSON_AddObjectToObject(b, "files");
	lat = cJSON_AddObjectToObject(files, "lat.json");
	cJSON_AddNumberToObject(lat, "timer_min_ns", 50);
	rows = cJSON_AddArrayToObject(lat, "rows");
	for (int sz = 0; sz < 2; sz++)
		for (int a = 0; a < 2; a++)
			for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++, m++) {
				cJSON *r = cJSON_CreateObject(), *s = cJSON_AddArrayToObject(r, "samples");

				cJSON_AddStringToObject(r, "op", ops[o]);
				cJSON_AddStringToObject(r, "api", "attrs");
				cJSON_AddStringToObject(r, "attrs", a ? "NKM" : "none");
				cJSON_AddNumberToObject(r, "size", sz ? 65536 : 4096);
				cJSON_AddNumberToObject(r, "errno", 0);
				for (size_t i = 0; i < n; i++) {
					double v = draw(base_ns[o] * (sz ? 2 : 1));

					if (m == slow_metric)
						v *= factor;
					cJSON_AddItemToArray(s, cJSON_CreateNumber((uint32_t)v));
				}
				cJSON_AddItemToArray(rows, r);
			}
	va = cJSON_AddObjectToObject(files, "va.json");
	vrows = cJSON_AddArrayToObject(va, "rows");
	vr = cJSON_CreateObject();
	cJSON_AddStringToObject(vr, "api", "attrs");
	cJSON_AddStringToObject(vr, "attrs", "NKM");
	cJSON_AddNumberToObject(vr, "size", 1048576);
	cJSON_AddBoolToObject(vr, "ok", 1);
	cJSON_AddNumberToObject(vr, "kva_vmallocinfo", va_nkm);
	cJSON_AddNumberToObject(vr, "kva_module", va_nkm);
	cJSON_AddItemToArray(vrows, vr);
	return run;
}

static double gauss(void)
{
	return sqrt(-2 * log(urand() + 1e-300)) * cos(2 * M_PI * urand());
}

/*
 * A run of nboots boots ("direct.b<k>", cell "direct"): every sample of boot k
 * x exp(boot_sd z) (the boot) x exp(host_sd z') (the host's speed, which
 * calib_p50 carries too); metric slow_metric x factor.
 */
static cJSON *make_boots(const char *id, int nboots, size_t n, double boot_sd, double host_sd, int slow_metric,
			 double factor)
{
	cJSON *run = cJSON_CreateObject(), *bs = cJSON_AddArrayToObject(run, "backends");

	cJSON_AddStringToObject(run, "run_id", id);
	for (int k = 1; k <= nboots; k++) {
		cJSON *b = cJSON_CreateObject(), *files, *lat, *rows;
		double bf = exp(boot_sd * gauss()), hf = exp(host_sd * gauss());
		char name[32];
		int m = 0;

		snprintf(name, sizeof(name), "direct.b%d", k);
		cJSON_AddItemToArray(bs, b);
		cJSON_AddStringToObject(b, "name", name);
		cJSON_AddStringToObject(b, "cell", "direct");
		cJSON_AddNumberToObject(b, "boot", k);
		files = cJSON_AddObjectToObject(b, "files");
		lat = cJSON_AddObjectToObject(files, "lat.json");
		cJSON_AddNumberToObject(lat, "timer_min_ns", 50);
		rows = cJSON_AddArrayToObject(lat, "rows");
		for (int sz = 0; sz < 2; sz++)
			for (int a = 0; a < 2; a++)
				for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++, m++) {
					cJSON *r = cJSON_CreateObject(), *s = cJSON_AddArrayToObject(r, "samples");

					cJSON_AddStringToObject(r, "op", ops[o]);
					cJSON_AddStringToObject(r, "api", "attrs");
					cJSON_AddStringToObject(r, "attrs", a ? "NKM" : "none");
					cJSON_AddNumberToObject(r, "size", sz ? 65536 : 4096);
					cJSON_AddNumberToObject(r, "errno", 0);
					cJSON_AddNumberToObject(r, "calib_p50", (uint32_t)(2500 * hf));
					for (size_t i = 0; i < n; i++) {
						double v = draw(base_ns[o] * (sz ? 20 : 10)) * bf * hf;

						if (m == slow_metric)
							v *= factor;
						cJSON_AddItemToArray(s, cJSON_CreateNumber((uint32_t)v));
					}
					cJSON_AddItemToArray(rows, r);
				}
	}
	return run;
}

int main(void)
{
	struct dmab_cmp_opts o;
	struct dmab_cmp c;
	char err[256];
	char *argv[] = { "compare", "--threshold", "5", "--format=md", "A", "B", NULL };
	int false_verdicts = 0;

	CHECK_EQ(dmab_cmp_parse(6, argv, &o, err, sizeof(err)), 0);
	CHECK_NEAR(o.threshold, 0.05, 1e-12);
	CHECK_EQ(o.format, DMAB_CMP_MD);
	CHECK_STR(o.base, "A");
	{
		char *bad[] = { "compare", "--threshold", "x", "A", "B", NULL };
		char *one[] = { "compare", "A", NULL };

		CHECK(dmab_cmp_parse(5, bad, &o, err, sizeof(err)) < 0);
		CHECK(dmab_cmp_parse(2, one, &o, err, sizeof(err)) < 0);
	}
	dmab_cmp_parse(6, argv, &o, err, sizeof(err));

	/* A/A: 200 pairs x 28 metrics, 2000 samples each */
	for (int k = 0; k < 200; k++) {
		cJSON *a = make_run("a", 2000, -1, 1, 0), *b = make_run("b", 2000, -1, 1, 0);

		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		false_verdicts += (int)(c.nregressed + c.nimproved);
		if (k == 0) {
			CHECK_EQ_U(c.ntested, 28);
			CHECK_EQ_U(c.nrows, 28 + 2);
		}
		dmab_cmp_free(&c);
		cJSON_Delete(a);
		cJSON_Delete(b);
	}
	CHECK_EQ(false_verdicts, 0);

	/* 10 % slowdown of metric 14 (alloc, 64K, none) and only it */
	{
		cJSON *a = make_run("a", 2000, -1, 1, 0), *b = make_run("b", 2000, 14, 1.10, 0);
		int reg = -1;

		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		CHECK_EQ_U(c.nregressed, 1);
		CHECK_EQ_U(c.nimproved, 0);
		for (size_t i = 0; i < c.nrows; i++)
			if (c.rows[i].verdict == DMAB_V_REGRESSED)
				reg = (int)i;
		CHECK_EQ(reg, 14);
		if (reg >= 0) {
			CHECK_STR(c.rows[reg].op, "alloc");
			CHECK_EQ_U(c.rows[reg].size, 65536);
			CHECK_NEAR(c.rows[reg].change, 0.10, 0.02);
			CHECK(c.rows[reg].p_adj < 1e-6);
		}
		dmab_cmp_free(&c);
		/* the same at a 15 % threshold: no verdict */
		o.threshold = 0.15;
		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		CHECK_EQ_U(c.nregressed, 0);
		dmab_cmp_free(&c);
		o.threshold = 0.05;
		cJSON_Delete(a);
		cJSON_Delete(b);
	}
	/* VA: 0 -> 4 KiB held is a regression; a missing backend is only-base */
	{
		cJSON *a = make_run("a", 50, -1, 1, 0), *b = make_run("b", 50, -1, 1, 4096);

		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		CHECK_EQ_U(c.nregressed, 2);	/* va(proc) and va(module) */
		dmab_cmp_free(&c);
		cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "backends"), 0), "name",
						      cJSON_CreateString("swiotlb"));
		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		CHECK_EQ_U(c.nregressed, 0);
		CHECK_EQ_U(c.ntested, 0);
		CHECK_EQ(c.rows[0].verdict, DMAB_V_ONLY_BASE);
		CHECK_EQ(c.rows[c.nrows - 1].verdict, DMAB_V_ONLY_NEW);
		dmab_cmp_free(&c);
		cJSON_Delete(a);
		cJSON_Delete(b);
	}
	/* fresh: zeroed -> stale is a regression, stale -> zeroed an improvement, same verdicts nothing */
	{
		const char *verd[2][3] = { { "zeroed", "stale", "zeroed" }, { "stale", "zeroed", "zeroed" } };
		cJSON *runs[2];

		for (int s = 0; s < 2; s++) {
			cJSON *files, *rows;

			runs[s] = make_run(s ? "b" : "a", 50, -1, 1, 0);
			files = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(runs[s], "backends"), 0),
						    "files");
			rows = cJSON_AddArrayToObject(cJSON_AddObjectToObject(files, "fresh.json"), "rows");
			for (int k = 0; k < 3; k++) {
				cJSON *r = cJSON_CreateObject();

				cJSON_AddStringToObject(r, "api", "attrs");
				cJSON_AddStringToObject(r, "attrs", k == 0 ? "NKM" : k == 1 ? "none" : "FC");
				cJSON_AddNumberToObject(r, "size", 4096);
				cJSON_AddStringToObject(r, "verdict", verd[s][k]);
				cJSON_AddNumberToObject(r, "stale_bytes", strcmp(verd[s][k], "stale") ? 0 : 4080);
				cJSON_AddItemToArray(rows, r);
			}
		}
		CHECK_EQ(dmab_cmp_run(runs[0], runs[1], &o, &c), 0);
		CHECK_EQ_U(c.nregressed, 1);
		CHECK_EQ_U(c.nimproved, 1);
		for (size_t i = 0; i < c.nrows; i++) {
			if (strcmp(c.rows[i].kind, "fresh"))
				continue;
			CHECK_EQ(c.rows[i].verdict, !strcmp(c.rows[i].attrs, "NKM") ? DMAB_V_REGRESSED :
						    !strcmp(c.rows[i].attrs, "none") ? DMAB_V_IMPROVED : DMAB_V_SAME);
		}
		dmab_cmp_free(&c);
		cJSON_Delete(runs[0]);
		cJSON_Delete(runs[1]);
	}
	/*
	 * a --host run (env.accel "host", one entry "host") against a VM run: paired with the VM
	 * backend of the same effective mode when exactly one has it, and the note says which
	 */
	{
		static const char *const names[] = { "direct", "intel-strict", "intel-lazy", "amd" };
		static const char *const modes[] = { "direct/none", "iommu/DMA", "iommu/DMA-FQ", "iommu/DMA" };
		cJSON *vm = cJSON_CreateObject(), *vbs = cJSON_AddArrayToObject(vm, "backends");
		cJSON *host = make_run("h", 200, -1, 1, 0), *hb = cJSON_GetArrayItem(cJSON_GetObjectItem(host, "backends"), 0);
		cJSON *env = cJSON_AddObjectToObject(host, "env");
		bool noted = false;
		size_t paired = 0, other = 0;

		cJSON_AddStringToObject(env, "accel", "host");
		cJSON_ReplaceItemInObjectCaseSensitive(hb, "name", cJSON_CreateString("host"));
		cJSON_AddStringToObject(hb, "effective_mode", "iommu/DMA");
		cJSON_AddStringToObject(vm, "run_id", "vm");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(vm, "env"), "accel", "tcg");
		for (int i = 0; i < 3; i++) {	/* amd comes later: first without it */
			cJSON *r = make_run("v", 200, -1, 1, 0), *b = cJSON_DetachItemFromArray(cJSON_GetObjectItem(r, "backends"), 0);

			cJSON_ReplaceItemInObjectCaseSensitive(b, "name", cJSON_CreateString(names[i]));
			cJSON_AddStringToObject(b, "effective_mode", modes[i]);
			cJSON_AddItemToArray(vbs, b);
			cJSON_Delete(r);
		}
		CHECK_EQ(dmab_cmp_run(vm, host, &o, &c), 0);
		CHECK_EQ_U(c.ntested, 28);	/* only intel-strict's lat rows have a partner */
		for (size_t i = 0; i < c.nrows; i++) {
			if (!strcmp(c.rows[i].backend, "intel-strict/host")) {
				paired++;
				CHECK(c.rows[i].verdict != DMAB_V_ONLY_BASE && c.rows[i].verdict != DMAB_V_ONLY_NEW);
			} else {
				other++;
				CHECK_EQ(c.rows[i].verdict, DMAB_V_ONLY_BASE);	/* direct, intel-lazy; never host only-new */
			}
		}
		CHECK_EQ_U(paired, 30);
		CHECK_EQ_U(other, 60);
		for (int i = 0; i < c.nnotes; i++)
			noted |= strstr(c.notes[i], "paired host with intel-strict") != NULL;
		CHECK(noted);
		dmab_cmp_free(&c);
		/* the other way round: host as the base */
		CHECK_EQ(dmab_cmp_run(host, vm, &o, &c), 0);
		CHECK_EQ_U(c.ntested, 28);
		CHECK(c.nrows > 0 && !strcmp(c.rows[0].backend, "host/intel-strict"));
		dmab_cmp_free(&c);
		/* two backends of the host's mode (amd is strict too): no pairing, the note says why */
		{
			cJSON *r = make_run("v", 200, -1, 1, 0), *b = cJSON_DetachItemFromArray(cJSON_GetObjectItem(r, "backends"), 0);

			cJSON_ReplaceItemInObjectCaseSensitive(b, "name", cJSON_CreateString(names[3]));
			cJSON_AddStringToObject(b, "effective_mode", modes[3]);
			cJSON_AddItemToArray(vbs, b);
			cJSON_Delete(r);
		}
		CHECK_EQ(dmab_cmp_run(vm, host, &o, &c), 0);
		CHECK_EQ_U(c.ntested, 0);
		noted = false;
		for (int i = 0; i < c.nnotes; i++)
			noted |= strstr(c.notes[i], "not paired") && strstr(c.notes[i], "intel-strict, amd");
		CHECK(noted);
		CHECK_EQ(c.rows[c.nrows - 1].verdict, DMAB_V_ONLY_NEW);
		dmab_cmp_free(&c);
		/* two VM runs are never paired across names */
		CHECK_EQ(dmab_cmp_run(vm, vm, &o, &c), 0);
		CHECK_EQ_U(c.ntested, 4 * 28);
		dmab_cmp_free(&c);
		cJSON_Delete(vm);
		cJSON_Delete(host);
	}
	/* a bare lat.json (lat --slow-slots slot files) loads as a one-backend run named after its folder */
	{
		char dir[] = "/tmp/dmabench-test-cmp-XXXXXX", sub[64], f0[96], f1[96], f2[96], err[256];
		cJSON *a = NULL, *b = NULL;
		const char *lat = "{\"schema\":1,\"timer_min_ns\":10,\"rows\":[{\"op\":\"alloc\",\"api\":\"attrs\","
				  "\"attrs\":\"none\",\"size\":4096,\"errno\":0,\"samples\":[100,101,102,103,104,105,"
				  "106,107,108,109,110,111,112,113,114,115,116,117,118,119]}]}";
		FILE *f;

		CHECK(mkdtemp(dir) != NULL);
		snprintf(sub, sizeof(sub), "%s/direct", dir);
		CHECK_EQ(mkdir(sub, 0755), 0);
		snprintf(f0, sizeof(f0), "%s/lat.json", sub);
		snprintf(f1, sizeof(f1), "%s/lat_s1.json", sub);
		snprintf(f2, sizeof(f2), "%s/junk.json", sub);
		for (int k = 0; k < 3; k++) {
			f = fopen(k == 0 ? f0 : k == 1 ? f1 : f2, "w");
			CHECK(f != NULL);
			if (f) {
				fputs(k < 2 ? lat : "{\"rows\":[]}", f);
				fclose(f);
			}
		}
		CHECK_EQ(dmab_cmp_load(f0, &a, err, sizeof(err)), 0);
		CHECK_EQ(dmab_cmp_load(f1, &b, err, sizeof(err)), 0);
		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		CHECK_EQ_U(c.nrows, 1);
		CHECK_EQ_U(c.ntested, 1);
		CHECK_EQ_U(c.nregressed, 0);
		if (c.nrows)
			CHECK_EQ(c.rows[0].verdict, DMAB_V_SAME);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(a, "backends"), 0),
								   "name")), "direct");
		dmab_cmp_free(&c);
		cJSON_Delete(a);
		cJSON_Delete(b);
		CHECK_EQ(dmab_cmp_load(f2, &a, err, sizeof(err)), -EBADMSG);	/* no timer_min_ns: not a lat.json */
		unlink(f0);
		unlink(f1);
		unlink(f2);
		rmdir(sub);
		rmdir(dir);
	}
	/* several boots: the boot as the unit */
	{
		int aa = 0;
		double w0 = 0, w1 = 0;

		for (int k = 0; k < 40; k++) {
			cJSON *a = make_boots("a", 3, 200, 0.02, 0, -1, 1), *b = make_boots("b", 3, 200, 0.02, 0, -1, 1);

			CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
			aa += c.nregressed + c.nimproved > 0;
			if (k == 0) {
				CHECK_EQ_U(c.ntested, 28);
				CHECK_EQ_U(c.nhier, 28);
				CHECK_EQ_U(c.maxboots_b, 3);
				CHECK(c.rows[0].hier && c.rows[0].boots_b == 3 && c.rows[0].boots_n == 3);
				CHECK(c.rows[0].lo < c.rows[0].change && c.rows[0].change < c.rows[0].hi);
				CHECK(c.rows[0].has_cal);
				CHECK(c.rows[0].cv_between > 0.005 && c.rows[0].cv_between < 0.06);
				CHECK(isfinite(c.rows[0].detectable) && c.rows[0].detectable > o.threshold);
				CHECK(c.rows[0].boots_needed >= 1 && c.rows[0].boots_needed < SIZE_MAX);
			}
			dmab_cmp_free(&c);
			cJSON_Delete(a);
			cJSON_Delete(b);
		}
		CHECK(aa <= 2);
		printf("# boots A/A: %d of 40 comparisons (3 vs 3 boots, 28 metrics, 2 %% boot sd) with a verdict\n", aa);

		/* planted 10 % on metric 14 at 6 boots per side, 1 % boot sd */
		cJSON *a = make_boots("a", 6, 300, 0.01, 0, -1, 1), *b = make_boots("b", 6, 300, 0.01, 0, 14, 1.10);

		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		CHECK_EQ_U(c.nregressed, 1);
		CHECK_EQ_U(c.nimproved, 0);
		if (c.nrows > 14) {
			CHECK_EQ(c.rows[14].verdict, DMAB_V_REGRESSED);
			CHECK_NEAR(c.rows[14].change, 0.10, 0.02);
			CHECK(c.rows[14].lo < 0.10 && c.rows[14].hi > 0.10);
		}
		dmab_cmp_free(&c);
		cJSON_Delete(a);
		cJSON_Delete(b);

		/* between-boot variance widens the interval */
		for (int v = 0; v < 2; v++) {
			a = make_boots("a", 4, 300, v ? 0.05 : 0, 0, -1, 1);
			b = make_boots("b", 4, 300, v ? 0.05 : 0, 0, -1, 1);
			CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
			for (size_t i = 0; i < c.nrows; i++)
				*(v ? &w1 : &w0) += c.rows[i].hi - c.rows[i].lo;
			dmab_cmp_free(&c);
			cJSON_Delete(a);
			cJSON_Delete(b);
		}
		CHECK(w1 > 2 * w0);

		/* the host's speed moves every boot by 10 %: the calibration takes it out */
		a = make_boots("a", 4, 300, 0.005, 0.10, -1, 1);
		b = make_boots("b", 4, 300, 0.005, 0.10, -1, 1);
		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		w0 = w1 = 0;
		for (size_t i = 0; i < c.nrows; i++) {
			CHECK(c.rows[i].has_cal);
			w0 += c.rows[i].hi - c.rows[i].lo;
			w1 += c.rows[i].cal_hi - c.rows[i].cal_lo;
		}
		CHECK(w1 < w0 / 2);
		dmab_cmp_free(&c);
		o.calib = true;
		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		CHECK_EQ_U(c.nregressed + c.nimproved, 0);
		dmab_cmp_free(&c);
		o.calib = false;
		cJSON_Delete(a);
		cJSON_Delete(b);

		/* one boot per side: the single-boot test, between-boot variance unknown */
		a = make_boots("a", 1, 300, 0, 0, -1, 1);
		b = make_boots("b", 1, 300, 0, 0, -1, 1);
		CHECK_EQ(dmab_cmp_run(a, b, &o, &c), 0);
		CHECK_EQ_U(c.nhier, 0);
		CHECK(!c.rows[0].hier && c.rows[0].boots_b == 1);
		{
			char *txt = NULL;
			size_t len = 0;
			FILE *mf = open_memstream(&txt, &len);

			o.format = DMAB_CMP_TEXT;
			dmab_cmp_write(&c, &o, mf);
			fclose(mf);
			CHECK(txt && strstr(txt, "boot-to-boot variance unknown"));
			free(txt);
			o.format = DMAB_CMP_MD;
		}
		dmab_cmp_free(&c);
		cJSON_Delete(a);
		cJSON_Delete(b);

		/* comma lists pool runs: two single-boot runs are two boots of cell "direct" */
		char dir[] = "/tmp/dmabench-test-cmp-XXXXXX", p1[96], p2[96], list[200];

		CHECK(mkdtemp(dir) != NULL);
		snprintf(p1, sizeof(p1), "%s/1.json", dir);
		snprintf(p2, sizeof(p2), "%s/2.json", dir);
		for (int k = 0; k < 2; k++) {
			cJSON *r = make_run(k ? "r2" : "r1", 50, -1, 1, 0);
			char *t = cJSON_PrintUnformatted(r);
			FILE *f = fopen(k ? p2 : p1, "w");

			CHECK(f && t);
			if (f && t)
				fputs(t, f);
			if (f)
				fclose(f);
			free(t);
			cJSON_Delete(r);
		}
		snprintf(list, sizeof(list), "%s,%s", p1, p2);
		CHECK_EQ(dmab_cmp_load(list, &a, err, sizeof(err)), 0);
		CHECK_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(a, "backends")), 2);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(a, "backends"), 1),
								   "cell")), "direct");
		CHECK_EQ(dmab_cmp_run(a, a, &o, &c), 0);
		CHECK_EQ_U(c.maxboots_b, 2);
		CHECK_EQ_U(c.nregressed + c.nimproved, 0);
		dmab_cmp_free(&c);
		cJSON_Delete(a);
		snprintf(list, sizeof(list), "%s,%s/missing.json", p1, dir);
		CHECK(dmab_cmp_load(list, &a, err, sizeof(err)) < 0);
		unlink(p1);
		unlink(p2);
		rmdir(dir);
	}
	return t_done("test_compare");
}
