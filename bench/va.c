// SPDX-License-Identifier: GPL-2.0
/*
 * va - kernel virtual address space consumed by DMA allocations.
 *
 * For one device (default: the first edu device), every size x attribute set
 * x allocation API: read /proc/vmallocinfo (sum of area sizes) and
 * VmallocUsed, ALLOC, read both again, GET_SGTABLE, FREE (table, then the
 * allocation), read vmallocinfo once more (leak check). The module's own
 * account (kva_bytes) is compared with the vmallocinfo delta ("agree").
 *
 * Valid combinations (others are not run at all):
 *   attrs:                 none NKM FC ASP NKM+FC   (dma_alloc_attrs)
 *   pages:                 none                     (dma_alloc_pages takes no attrs)
 *   noncontig(_vmap):      none ASP                 (the kernel accepts only
 *                          DMA_ATTR_ALLOC_SINGLE_PAGES; anything else WARNs)
 * A failing ALLOC of a valid combination is a result (ok false, errno).
 *
 * Output: {"schema":1,"dev":..,"rows":[{...}, ...]} to FILE or stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmab.h"
#include "util.h"
#include "json.h"
#include "names.h"
#include "procinfo.h"

static const uint64_t sizes[] = {
	4ULL << 10, 16ULL << 10, 64ULL << 10, 256ULL << 10,
	1ULL << 20, 4ULL << 20, 16ULL << 20, 64ULL << 20,
};

static const uint64_t attr_sets[] = {
	0,
	DMABENCH_ATTR_NO_KERNEL_MAPPING,
	DMABENCH_ATTR_FORCE_CONTIGUOUS,
	DMABENCH_ATTR_ALLOC_SINGLE_PAGES,
	DMABENCH_ATTR_NO_KERNEL_MAPPING | DMABENCH_ATTR_FORCE_CONTIGUOUS,
};

static const uint32_t apis[] = {
	DMABENCH_API_ATTRS, DMABENCH_API_PAGES, DMABENCH_API_NONCONTIG, DMABENCH_API_NONCONTIG_VMAP,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool combo_valid(uint32_t api, uint64_t attrs)
{
	switch (api) {
	case DMABENCH_API_ATTRS:
		return true;
	case DMABENCH_API_PAGES:
		return attrs == 0;
	case DMABENCH_API_NONCONTIG:
	case DMABENCH_API_NONCONTIG_VMAP:
		return (attrs & ~DMABENCH_ATTR_ALLOC_SINGLE_PAGES) == 0;
	}
	return false;
}

struct row {
	uint32_t api;
	uint64_t attrs, size;
	int err;			/* ALLOC errno (0 = ok) */
	uint32_t kva_kind, nents, sgt_nents;
	int sgt_err;
	uint64_t kva_module;
	int64_t kva_vmallocinfo, vmalloc_used_delta, kva_leak;
	int proc_err;			/* errno reading /proc (then deltas are 0) */
	const char *skipped;		/* the kernel lacks the API: not measured, why */
};

static int measure(int fd, uint32_t dev, struct row *r)
{
	struct dmab_vmallocinfo v0, v1, v2;
	struct dmab_meminfo m0, m1;
	struct dmabench_alloc a;
	struct dmabench_sgtable s;
	int ret, pe = 0;

	memset(&a, 0, sizeof(a));
	a.dev = dev;
	a.api = r->api;
	a.size = r->size;
	a.attrs = r->attrs;
	a.dir = r->api == DMABENCH_API_ATTRS ? 0 : DMABENCH_DIR_BIDIRECTIONAL;

	if ((ret = dmab_vmallocinfo_read_path(NULL, &v0)) || (ret = dmab_meminfo_read_path(NULL, &m0)))
		pe = ret;
	ret = dmab_alloc(fd, &a);
	if (ret) {
		r->err = -ret;
		return 0;
	}
	if (!pe && ((ret = dmab_vmallocinfo_read_path(NULL, &v1)) || (ret = dmab_meminfo_read_path(NULL, &m1))))
		pe = ret;
	r->kva_kind = a.kva_kind;
	r->kva_module = a.kva_bytes;
	r->nents = a.nents;

	memset(&s, 0, sizeof(s));
	s.alloc = a.handle;
	ret = dmab_get_sgtable(fd, &s);
	if (ret) {
		r->sgt_err = -ret;
	} else {
		r->sgt_nents = s.nents;
		dmab_free(fd, s.handle);
	}
	ret = dmab_free(fd, a.handle);
	if (ret)
		return ret;	/* cannot continue sanely */
	if (!pe && (ret = dmab_vmallocinfo_read_path(NULL, &v2)))
		pe = ret;
	if (pe) {
		r->proc_err = -pe;
	} else {
		r->kva_vmallocinfo = (int64_t)(v1.bytes - v0.bytes);
		r->vmalloc_used_delta = (int64_t)(m1.vmalloc_used - m0.vmalloc_used);
		r->kva_leak = (int64_t)(v2.bytes - v0.bytes);
	}
	return 0;
}

static void emit_row(struct dmab_json *j, const char *dev, const struct row *r)
{
	char attrs[64];

	dmab_attrs_format(r->attrs, attrs, sizeof(attrs));
	dmab_json_obj_begin(j);
	dmab_json_kv_str(j, "dev", dev);
	dmab_json_kv_str(j, "api", dmab_name_or(dmab_api_names, r->api));
	dmab_json_kv_str(j, "attrs", attrs);
	dmab_json_kv_u64(j, "size", r->size);
	dmab_json_kv_bool(j, "ok", r->err == 0);
	dmab_json_kv_i64(j, "errno", r->err);
	if (r->skipped)
		dmab_json_kv_str(j, "skipped", r->skipped);
	if (r->err) {
		dmab_json_kv_str(j, "error", strerror(r->err));
		dmab_json_kv_str(j, "kva_kind", "none");
		dmab_json_obj_end(j);
		return;
	}
	dmab_json_kv_str(j, "kva_kind", r->kva_kind ? dmab_name_or(dmab_kva_kind_names, r->kva_kind) : "none");
	dmab_json_kv_u64(j, "kva_module", r->kva_module);
	dmab_json_kv_i64(j, "kva_vmallocinfo", r->kva_vmallocinfo);
	dmab_json_kv_i64(j, "vmalloc_used_delta", r->vmalloc_used_delta);
	dmab_json_kv_i64(j, "kva_leak", r->kva_leak);
	dmab_json_kv_u64(j, "nents", r->nents);
	dmab_json_kv_u64(j, "sgt_nents", r->sgt_nents);
	dmab_json_kv_i64(j, "sgt_errno", r->sgt_err);
	if (r->proc_err)
		dmab_json_kv_i64(j, "proc_errno", r->proc_err);
	dmab_json_kv_bool(j, "agree", !r->proc_err && (int64_t)r->kva_module == r->kva_vmallocinfo);
	dmab_json_obj_end(j);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: va [--dev N] [--max-size BYTES] [OUT.json]\n"
		"Measure the kernel virtual address space taken by DMA allocations of\n"
		"dmabench device N (default: the first edu device) for sizes 4 KiB..64 MiB,\n"
		"attribute sets none/NKM/FC/ASP/NKM+FC and the APIs attrs, pages,\n"
		"noncontig, noncontig_vmap. Writes JSON to OUT.json (default stdout).\n"
		"Needs %s (dmabench.ko loaded) and a readable /proc/vmallocinfo.\n",
		DMABENCH_CTL_PATH);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dmabench_dev_info di;
	struct dmab_json j;
	char devname[sizeof(di.name) + 1];
	uint64_t max_size = UINT64_MAX;
	long devarg = -1;
	FILE *out = stdout;
	size_t si, ai, pi;
	int fd, dev, c, ret, nrows = 0, nfail = 0, nskip = 0;
	uint64_t features = ~0ULL;

	while ((c = getopt_long(argc, argv, "d:m:h", opts, NULL)) != -1) {
		char *ep;

		switch (c) {
		case 'd':
			devarg = strtol(optarg, &ep, 0);
			if (*ep || devarg < 0 || devarg >= DMABENCH_MAX_DEVICES) {
				fprintf(stderr, "va: bad --dev '%s'\n", optarg);
				return 2;
			}
			break;
		case 'm':
			if (dmab_parse_size(optarg, &max_size) || !max_size) {
				fprintf(stderr, "va: bad --max-size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}

	fd = dmab_open(NULL);
	if (fd < 0) {
		fprintf(stderr, "va: open %s: %s (is dmabench.ko loaded, debugfs mounted, are you root?)\n",
			DMABENCH_CTL_PATH, strerror(-fd));
		return 1;
	}
	{
		struct dmabench_info in = { 0 };

		if (!dmab_info(fd, &in))
			features = in.features;
	}
	dev = devarg >= 0 ? (int)devarg : dmab_find_dev(fd, DMABENCH_DEV_EDU, 0);
	if (dev < 0) {
		fprintf(stderr, "va: no edu device (use --dev N)\n");
		return 1;
	}
	ret = dmab_dev_info(fd, (uint32_t)dev, &di);
	if (ret) {
		fprintf(stderr, "va: device %d: %s\n", dev, strerror(-ret));
		return 1;
	}
	memcpy(devname, di.name, sizeof(di.name));
	devname[sizeof(di.name)] = '\0';
	{
		struct dmab_vmallocinfo v;

		ret = dmab_vmallocinfo_read_path(NULL, &v);
		if (ret) {
			fprintf(stderr, "va: %s: %s\n", DMAB_VMALLOCINFO_PATH, strerror(-ret));
			return 1;
		}
	}
	if (optind < argc) {
		out = fopen(argv[optind], "w");
		if (!out) {
			fprintf(stderr, "va: %s: %s\n", argv[optind], strerror(errno));
			return 1;
		}
	}

	dmab_json_init(&j, out, 2);
	dmab_json_obj_begin(&j);
	dmab_json_kv_u64(&j, "schema", 1);
	dmab_json_kv_str(&j, "dev", devname);
	dmab_json_kv_u64(&j, "dev_id", (uint64_t)dev);
	dmab_json_kv_str(&j, "ops", dmab_name_or(dmab_ops_names, di.ops));
	dmab_json_kv_str(&j, "domain", dmab_name_or(dmab_domain_names, di.domain_type));
	dmab_json_key(&j, "rows");
	dmab_json_arr_begin(&j);
	for (si = 0; si < ARRAY_SIZE(sizes); si++) {
		if (sizes[si] > max_size)
			continue;
		for (pi = 0; pi < ARRAY_SIZE(apis); pi++) {
			for (ai = 0; ai < ARRAY_SIZE(attr_sets); ai++) {
				struct row r = { .api = apis[pi], .attrs = attr_sets[ai], .size = sizes[si] };

				if (!combo_valid(r.api, r.attrs))
					continue;
				if ((r.api == DMABENCH_API_NONCONTIG || r.api == DMABENCH_API_NONCONTIG_VMAP) &&
				    !(features & DMABENCH_FEAT(DMABENCH_FEAT_NONCONTIG))) {
					/* a row saying so, counted, never an allocation error */
					r.err = EOPNOTSUPP;
					r.skipped = "kernel without dma_alloc_noncontiguous() (Linux 5.13)";
					emit_row(&j, devname, &r);
					nrows++;
					nskip++;
					continue;
				}
				ret = measure(fd, (uint32_t)dev, &r);
				if (ret) {
					fprintf(stderr, "va: FREE failed (%s): stopping\n", strerror(-ret));
					goto out;
				}
				emit_row(&j, devname, &r);
				nrows++;
				nfail += r.err != 0;
			}
		}
		fprintf(stderr, "va: %llu KiB done\n", (unsigned long long)(sizes[si] >> 10));
	}
out:
	dmab_json_arr_end(&j);
	dmab_json_obj_end(&j);
	c = dmab_json_finish(&j);
	if (out != stdout && fclose(out) != 0 && !c)
		c = -errno;
	close(fd);
	if (c) {
		fprintf(stderr, "va: writing JSON: %s\n", strerror(-c));
		return 1;
	}
	fprintf(stderr, "va: %d rows, %d allocation failures, %d skipped\n", nrows, nfail, nskip);
	if (nskip)
		printf("va: SKIP: %d rows: kernel without dma_alloc_noncontiguous() (Linux 5.13)\n", nskip);
	return ret ? 1 : 0;
}
