// SPDX-License-Identifier: GPL-2.0
/* test_plot.c - dmabench plot: data files from a small synthetic run.json, the
 * summary note without gnuplot, and (when gnuplot is installed) real PNGs. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/report/compare.h"
#include "harness/report/plot.h"
#include "lib/test_util.h"

static const char run_json[] =
	"{\"run_id\":\"t\",\"backends\":[{\"name\":\"bk\",\"status\":\"ok\",\"files\":{"
	"\"lat.json\":{\"rows\":["
	"{\"op\":\"alloc\",\"attrs\":\"none\",\"size\":4096,\"errno\":0,\"samples\":[400,100,300,200]},"
	"{\"op\":\"free\",\"attrs\":\"NKM\",\"size\":4096,\"errno\":0,\"samples\":[0,50]},"
	"{\"op\":\"alloc\",\"attrs\":\"none\",\"size\":65536,\"errno\":0,\"samples\":[9999]},"
	"{\"op\":\"map_sg\",\"attrs\":\"none\",\"size\":4096,\"errno\":-12,\"samples\":[]}]},"
	"\"va.json\":{\"rows\":["
	"{\"dev\":\"d0\",\"api\":\"attrs\",\"attrs\":\"none\",\"size\":4096,\"ok\":true,\"kva_module\":8192},"
	"{\"dev\":\"d0\",\"api\":\"attrs\",\"attrs\":\"NKM\",\"size\":4096,\"ok\":true,\"kva_module\":0},"
	"{\"dev\":\"d0\",\"api\":\"attrs\",\"attrs\":\"none\",\"size\":65536,\"ok\":true,\"kva_module\":69632},"
	"{\"dev\":\"d0\",\"api\":\"attrs\",\"attrs\":\"NKM\",\"size\":65536,\"ok\":false,\"kva_module\":0},"
	"{\"dev\":\"d1\",\"api\":\"attrs\",\"attrs\":\"none\",\"size\":4096,\"ok\":true,\"kva_module\":777}]}}},"
	"{\"name\":\"empty\",\"status\":\"boot\",\"files\":{}}]}";

static char *slurp(const char *path)
{
	char *b = NULL;

	return dmab_read_file(path, &b, NULL, 1 << 24) ? NULL : b;
}

static bool is_png(const char *path)
{
	unsigned char m[8] = { 0 };
	struct stat st;
	FILE *f = fopen(path, "rb");
	bool ok;

	if (!f)
		return false;
	ok = fread(m, 1, 8, f) == 8 && !memcmp(m, "\x89PNG\r\n\x1a\n", 8) && !fstat(fileno(f), &st) &&
	     st.st_size > 1000;
	fclose(f);
	return ok;
}

int main(void)
{
	const char *root = t_mktemp();
	char path[600], note[4600], *t;
	struct dmab_plots p;
	size_t npng = 99;
	cJSON *run = cJSON_Parse(run_json);

	CHECK(run != NULL);
	CHECK_EQ(dmab_plot_data(run, root, &p), 0);
	CHECK_EQ(p.n, 2);	/* lat + va of "bk"; "empty" has no data */
	if (p.n == 2) {
		CHECK_STR(p.v[0].gp, "lat-cdf.gp");
		CHECK_STR(p.v[0].size, "4K");
		CHECK_STR(p.v[0].rel_png, "plots/lat-bk.png");
		CHECK_STR(p.v[1].gp, "va.gp");
	}
	dmab_plots_free(&p);
	cJSON_Delete(run);

	/* latency CDF: smallest size only, sorted, fraction up to 1, failed rows left out */
	snprintf(path, sizeof(path), "%s/plots/lat-bk.dat", root);
	t = slurp(path);
	CHECK(t != NULL);
	CHECK_CONTAINS(t, "\"alloc none\"\n100 0.250000\n200 0.500000\n300 0.750000\n400 1.000000\n\n\n"
			  "\"free NKM\"\n1 0.500000\n50 1.000000\n");
	CHECK(t && !strstr(t, "9999") && !strstr(t, "map_sg"));
	free(t);
	/* VA against size: first device only, failed rows left out, 0 kept */
	snprintf(path, sizeof(path), "%s/plots/va-bk.dat", root);
	t = slurp(path);
	CHECK(t != NULL);
	CHECK_CONTAINS(t, "\"dma_alloc_attrs\"\n4096 8192\n65536 69632\n\n\n"
			  "\"dma_alloc_attrs NO_KERNEL_MAPPING\"\n4096 0\n");
	CHECK(t && !strstr(t, "777") && !strstr(t, "65536 0"));
	free(t);

	/* the whole command on a run dir, without gnuplot: a note, no failure */
	snprintf(path, sizeof(path), "%s/run.json", root);
	t_write(path, run_json);
	setenv("DMABENCH_GNUPLOT", "/nonexistent/gnuplot", 1);
	CHECK_EQ(dmab_plot_run_dir(root, "results", &npng, note, sizeof(note)), 0);
	CHECK_EQ(npng, 0);
	CHECK_CONTAINS(note, "gnuplot");
	snprintf(path, sizeof(path), "%s/summary.md", root);
	t = slurp(path);
	CHECK_CONTAINS(t, "## Backends");
	CHECK_CONTAINS(t, "## Plots");
	CHECK_CONTAINS(t, "gnuplot (or results/*.gp) not found");
	CHECK(t && !strstr(t, ".png)"));
	free(t);
	CHECK_EQ(dmab_plot_run_dir("/nonexistent-run", "results", &npng, note, sizeof(note)), -ENOENT);

	/* with gnuplot (make deps installs gnuplot-nox): two PNGs, linked */
	unsetenv("DMABENCH_GNUPLOT");
	char exe[4096];
	if (dmab_find_exe("gnuplot", exe, sizeof(exe))) {
		printf("gnuplot not installed: PNG part not run\n");
	} else {
		CHECK_EQ(dmab_plot_run_dir(root, "results", &npng, note, sizeof(note)), 0);
		CHECK_EQ(npng, 2);
		snprintf(path, sizeof(path), "%s/plots/lat-bk.png", root);
		CHECK(is_png(path));
		snprintf(path, sizeof(path), "%s/plots/va-bk.png", root);
		CHECK(is_png(path));
		snprintf(path, sizeof(path), "%s/summary.md", root);
		t = slurp(path);
		CHECK_CONTAINS(t, "](plots/lat-bk.png)");
		CHECK_CONTAINS(t, "](plots/va-bk.png)");
		free(t);
	}
	/* compare --plot: the tested metrics with change and interval in %, verdict codes; no gnuplot: -ENOENT, data kept */
	{
		struct dmab_cmp_row rows[3] = { 0 };
		struct dmab_cmp c = { .rows = rows, .nrows = 3 };
		struct dmab_cmp_opts co = { .threshold = 0.05 };
		char png[700], dat[700], *d = NULL;

		snprintf(rows[0].backend, sizeof(rows[0].backend), "intel-strict");
		snprintf(rows[0].op, sizeof(rows[0].op), "map_single");
		snprintf(rows[0].attrs, sizeof(rows[0].attrs), "none");
		rows[0].size = 4096;
		rows[0].tested = true;
		rows[0].b = (struct dmab_median_ci){ .median = 100, .lo = 95, .hi = 105 };
		rows[0].n = (struct dmab_median_ci){ .median = 120, .lo = 110, .hi = 126 };
		rows[0].change = 0.2;
		rows[0].verdict = DMAB_V_REGRESSED;
		rows[1] = rows[0];
		rows[1].tested = false;	/* VA rows: not in the chart */
		rows[2] = rows[0];
		snprintf(rows[2].op, sizeof(rows[2].op), "unmap_single");
		rows[2].change = -0.01;
		rows[2].verdict = DMAB_V_SAME;
		snprintf(png, sizeof(png), "%s/cmp.png", root);
		snprintf(dat, sizeof(dat), "%s/cmp.dat", root);
		setenv("DMABENCH_GNUPLOT", "/nonexistent/gnuplot", 1);
		CHECK_EQ(dmab_plot_compare(&c, &co, png, note, sizeof(note)), -ENOENT);
		CHECK_CONTAINS(note, "not found");
		CHECK_EQ(dmab_read_file(dat, &d, NULL, 1 << 20), 0);
		CHECK_CONTAINS(d, "0 \"intel-strict map_single none 4K\" 20.000 4.762 32.632 1\n");
		CHECK_CONTAINS(d, "1 \"intel-strict unmap_single none 4K\" -1.000");
		CHECK(!strstr(d, "\n2 "));
		free(d);
		c.nrows = 0;
		CHECK_EQ(dmab_plot_compare(&c, &co, png, note, sizeof(note)), -ENODATA);
		unsetenv("DMABENCH_GNUPLOT");
	}
	return t_done("test_plot");
}
