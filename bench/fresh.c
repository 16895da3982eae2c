// SPDX-License-Identifier: GPL-2.0
/*
 * fresh - what a fresh DMA buffer holds.
 *
 * For one device (default: the first edu device), every allocation API and
 * attribute set x size: first leave a pattern behind in freed memory
 * (allocations of the same kind and of other kinds, filled through their
 * mmap, unmapped, freed: the same kind last, so that the page allocator's
 * LIFO lists hand its pages out first), then allocate the buffer and read
 * it every way in:
 *   mmap    userspace through dma_mmap_*() (every byte),
 *   kva     the kernel VA through PEEK (every byte; none for a
 *           NO_KERNEL_MAPPING cookie or bare noncontig memory),
 *   device  the allocating edu device's DMA engine through the allocation's
 *           DMA address (PEEK DEVICE: page 0, up to 4095 bytes, ~200 ms).
 * Each view: zeroed, or stale (nonzero bytes, and how many of them are the
 * pattern left behind, lib/fresh.h). A cell is stale when any view is.
 *
 * Attribute sets (dma_alloc_attrs): all 16 combinations of NKM, WC, FC and
 * ASP (the attributes allocation paths look at), PRIV, WO and NW alone;
 * dma_alloc_pages (no attrs); noncontig and noncontig_vmap with none and
 * ASP (the kernel accepts only DMA_ATTR_ALLOC_SINGLE_PAGES there).
 * Output: {"schema":1,...,"init_on_alloc":{...},"rows":[...]} to OUT.json.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmab.h"
#include "fresh.h"
#include "json.h"
#include "names.h"
#include "util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define NKM	DMABENCH_ATTR_NO_KERNEL_MAPPING
#define WC	DMABENCH_ATTR_WRITE_COMBINE
#define FC	DMABENCH_ATTR_FORCE_CONTIGUOUS
#define ASP	DMABENCH_ATTR_ALLOC_SINGLE_PAGES

static const struct kind {
	uint32_t api;
	uint64_t attrs;
} kinds[] = {
	{ DMABENCH_API_ATTRS, 0 }, { DMABENCH_API_ATTRS, NKM },
	{ DMABENCH_API_ATTRS, WC }, { DMABENCH_API_ATTRS, WC | NKM },
	{ DMABENCH_API_ATTRS, FC }, { DMABENCH_API_ATTRS, FC | NKM },
	{ DMABENCH_API_ATTRS, FC | WC }, { DMABENCH_API_ATTRS, FC | WC | NKM },
	{ DMABENCH_API_ATTRS, ASP }, { DMABENCH_API_ATTRS, ASP | NKM },
	{ DMABENCH_API_ATTRS, ASP | WC }, { DMABENCH_API_ATTRS, ASP | WC | NKM },
	{ DMABENCH_API_ATTRS, ASP | FC }, { DMABENCH_API_ATTRS, ASP | FC | NKM },
	{ DMABENCH_API_ATTRS, ASP | FC | WC }, { DMABENCH_API_ATTRS, ASP | FC | WC | NKM },
	{ DMABENCH_API_ATTRS, DMABENCH_ATTR_PRIVILEGED },
	{ DMABENCH_API_ATTRS, DMABENCH_ATTR_WEAK_ORDERING },
	{ DMABENCH_API_ATTRS, DMABENCH_ATTR_NO_WARN },
	{ DMABENCH_API_PAGES, 0 },
	{ DMABENCH_API_NONCONTIG, 0 }, { DMABENCH_API_NONCONTIG, ASP },
	{ DMABENCH_API_NONCONTIG_VMAP, 0 }, { DMABENCH_API_NONCONTIG_VMAP, ASP },
};

struct ctx {
	int fd;
	uint32_t dev;
	uint32_t page_size;
	uint64_t features;
	uint64_t seed;
	unsigned int dev_pages;		/* device reads per cell */
};

struct view {
	struct dmab_fresh_count c;
	int err;			/* errno of the view (EOPNOTSUPP: the way in does not exist) */
};

struct row {
	uint32_t api;
	uint64_t attrs, size;
	int err;			/* ALLOC errno */
	const char *skipped;
	uint32_t kva_kind;
	int prime_err;			/* first errno while leaving the pattern behind (0: all filled) */
	unsigned int primed;		/* buffers filled and freed before */
	struct view mmap, kva, device;
};

/* Why this kernel cannot run the kind (NULL: it can). */
static const char *kind_missing(const struct ctx *c, uint32_t api)
{
	if (api == DMABENCH_API_PAGES && !(c->features & DMABENCH_FEAT(DMABENCH_FEAT_MMAP_PAGES)))
		return "kernel without dma_mmap_pages() (Linux 5.13)";
	if ((api == DMABENCH_API_NONCONTIG || api == DMABENCH_API_NONCONTIG_VMAP) &&
	    !(c->features & DMABENCH_FEAT(DMABENCH_FEAT_NONCONTIG)))
		return "kernel without dma_alloc_noncontiguous() (Linux 5.13)";
	return NULL;
}

static int alloc_kind(const struct ctx *c, uint32_t api, uint64_t attrs, uint64_t size,
		      struct dmabench_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->dev = c->dev;
	a->api = api;
	a->size = size;
	a->attrs = attrs;
	a->dir = api == DMABENCH_API_ATTRS ? 0 : DMABENCH_DIR_BIDIRECTIONAL;
	return dmab_alloc(c->fd, a);
}

static size_t map_len(const struct ctx *c, uint64_t size)
{
	return (size_t)((size + c->page_size - 1) / c->page_size * c->page_size);
}

static void *map_alloc(const struct ctx *c, uint32_t handle, uint64_t size)
{
	void *p = mmap(NULL, map_len(c, size), PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		       (off_t)handle * c->page_size);

	return p == MAP_FAILED ? NULL : p;
}

/* Allocate, fill through the mmap, unmap; the caller frees. */
static int prime_one(const struct ctx *c, uint32_t api, uint64_t attrs, uint64_t size, uint32_t *handle)
{
	struct dmabench_alloc a;
	uint8_t *p;
	int ret;

	*handle = 0;
	ret = alloc_kind(c, api, attrs, size, &a);
	if (ret)
		return ret;
	*handle = a.handle;
	p = map_alloc(c, a.handle, size);
	if (!p)
		return -errno;
	dmab_fresh_fill(p, size, 0, c->seed, c->page_size);
	munmap(p, map_len(c, size));
	return 0;
}

/*
 * Leave the pattern behind: two buffers of the cell's own kind and one of
 * each other API (same size), filled, then freed: the other kinds first,
 * the cell's kind last.
 */
static void prime(const struct ctx *c, struct row *r)
{
	struct { uint32_t api; uint64_t attrs; } p[5];
	uint32_t h[5];
	int n = 0, ret;

	if (!kind_missing(c, DMABENCH_API_PAGES))
		p[n++] = (typeof(p[0])){ DMABENCH_API_PAGES, 0 };
	if (!kind_missing(c, DMABENCH_API_NONCONTIG))
		p[n++] = (typeof(p[0])){ DMABENCH_API_NONCONTIG, 0 };
	p[n++] = (typeof(p[0])){ DMABENCH_API_ATTRS, 0 };
	p[n++] = (typeof(p[0])){ r->api, r->attrs };
	p[n++] = (typeof(p[0])){ r->api, r->attrs };
	for (int i = 0; i < n; i++) {
		ret = prime_one(c, p[i].api, p[i].attrs, r->size, &h[i]);
		if (ret && !r->prime_err)
			r->prime_err = -ret;
		r->primed += !ret;
	}
	for (int i = 0; i < n; i++)
		if (h[i])
			dmab_free(c->fd, h[i]);
}

static void read_mmap(const struct ctx *c, uint32_t handle, struct row *r)
{
	uint8_t *p = map_alloc(c, handle, r->size);

	if (!p) {
		r->mmap.err = errno;
		return;
	}
	dmab_fresh_count_add(&r->mmap.c, p, r->size, 0, c->seed, c->page_size);
	munmap(p, map_len(c, r->size));
}

static void read_peek(const struct ctx *c, uint32_t handle, struct row *r, uint32_t via, struct view *v,
		      uint8_t *buf)
{
	uint64_t off = 0, npages = (r->size + c->page_size - 1) / c->page_size;
	unsigned int k = 0;

	for (;;) {
		struct dmabench_peek p = { .handle = handle, .via = via, .offset = off,
					   .data = (uint64_t)(uintptr_t)buf };
		uint64_t left = r->size - off;
		int ret;

		p.len = (uint32_t)(via == DMABENCH_PEEK_KVA ? (left < DMABENCH_PEEK_MAX_LEN ? left : DMABENCH_PEEK_MAX_LEN)
							    : (left < DMABENCH_VERIFY_MAX_LEN ? left : DMABENCH_VERIFY_MAX_LEN));
		ret = dmab_peek(c->fd, &p);
		if (ret) {
			v->err = -ret;
			return;
		}
		dmab_fresh_count_add(&v->c, buf, p.len, off, c->seed, c->page_size);
		if (via == DMABENCH_PEEK_KVA) {
			off += p.len;
			if (off >= r->size)
				return;
		} else {
			/* page 0, the last page, then evenly spaced pages */
			if (++k >= c->dev_pages || k >= npages)
				return;
			off = (k == 1 ? npages - 1 : (npages - 1) * (k - 1) / (c->dev_pages - 1)) * c->page_size;
		}
	}
}

static int measure(const struct ctx *c, struct row *r, uint8_t *buf)
{
	struct dmabench_alloc a;
	int ret;

	dmab_fresh_count_init(&r->mmap.c);
	dmab_fresh_count_init(&r->kva.c);
	dmab_fresh_count_init(&r->device.c);
	prime(c, r);
	ret = alloc_kind(c, r->api, r->attrs, r->size, &a);
	if (ret) {
		r->err = -ret;
		return 0;
	}
	r->kva_kind = a.kva_kind;
	read_mmap(c, a.handle, r);
	read_peek(c, a.handle, r, DMABENCH_PEEK_KVA, &r->kva, buf);
	if (c->dev_pages)
		read_peek(c, a.handle, r, DMABENCH_PEEK_DEVICE, &r->device, buf);
	return dmab_free(c->fd, a.handle);
}

static void emit_view(struct dmab_json *j, const char *key, const struct view *v)
{
	dmab_json_key(j, key);
	dmab_json_obj_begin(j);
	dmab_json_kv_str(j, "verdict", v->err ? "none" : dmab_fresh_verdict(&v->c));
	dmab_json_kv_i64(j, "errno", v->err);
	dmab_json_kv_u64(j, "bytes", v->c.bytes);
	dmab_json_kv_u64(j, "nonzero", v->c.nonzero);
	dmab_json_kv_u64(j, "pattern", v->c.pattern);
	if (v->c.nonzero)
		dmab_json_kv_u64(j, "first_nonzero", v->c.first_nonzero);
	dmab_json_obj_end(j);
}

static void emit_row(struct dmab_json *j, const struct row *r)
{
	char attrs[64];
	bool stale = r->mmap.c.nonzero || r->kva.c.nonzero || r->device.c.nonzero;

	dmab_attrs_format(r->attrs, attrs, sizeof(attrs));
	dmab_json_obj_begin(j);
	dmab_json_kv_str(j, "api", dmab_name_or(dmab_api_names, r->api));
	dmab_json_kv_str(j, "attrs", attrs);
	dmab_json_kv_u64(j, "size", r->size);
	dmab_json_kv_bool(j, "ok", r->err == 0);
	dmab_json_kv_i64(j, "errno", r->err);
	if (r->skipped)
		dmab_json_kv_str(j, "skipped", r->skipped);
	if (!r->err) {
		dmab_json_kv_str(j, "kva_kind", dmab_name_or(dmab_kva_kind_names, r->kva_kind));
		dmab_json_kv_str(j, "verdict", stale ? "stale" : "zeroed");
		/* the cell's N/M: nonzero / bytes over every view */
		dmab_json_kv_u64(j, "stale_bytes", r->mmap.c.nonzero + r->kva.c.nonzero + r->device.c.nonzero);
		dmab_json_kv_u64(j, "read_bytes", r->mmap.c.bytes + r->kva.c.bytes + r->device.c.bytes);
		dmab_json_kv_u64(j, "pattern_bytes", r->mmap.c.pattern + r->kva.c.pattern + r->device.c.pattern);
		dmab_json_kv_u64(j, "primed", r->primed);
		dmab_json_kv_i64(j, "prime_errno", r->prime_err);
		emit_view(j, "mmap", &r->mmap);
		emit_view(j, "kva", &r->kva);
		emit_view(j, "device", &r->device);
	}
	dmab_json_obj_end(j);
}

/*
 * init_on_alloc as the guest has it: the command-line word (if any) and
 * the kernel's boot line "mem auto-init: ... heap alloc:on|off" (effective).
 */
static void emit_init_on_alloc(struct dmab_json *j)
{
	char cmd[4096] = "", *w, word[16] = "", eff[8] = "unknown";
	FILE *f = fopen("/proc/cmdline", "r");
	int n = klogctl(10, NULL, 0);

	if (f) {
		if (!fgets(cmd, sizeof(cmd), f))
			cmd[0] = '\0';
		fclose(f);
	}
	for (w = strstr(cmd, "init_on_alloc="); w; w = strstr(w + 1, "init_on_alloc="))
		if (w == cmd || w[-1] == ' ')
			sscanf(w + strlen("init_on_alloc="), "%15[^ \n]", word);
	if (n > 0) {
		char *log = malloc((size_t)n + 1);

		if (log) {
			int got = klogctl(3, log, n);
			char *h;

			if (got > 0) {
				log[got] = '\0';
				h = strstr(log, "heap alloc:");
				if (h)
					sscanf(h + strlen("heap alloc:"), "%7[a-z]", eff);
			}
			free(log);
		}
	}
	dmab_json_key(j, "init_on_alloc");
	dmab_json_obj_begin(j);
	dmab_json_kv_str(j, "cmdline", word[0] ? word : NULL);
	dmab_json_kv_str(j, "effective", eff);
	/* no word on the command line: what the kernel does is its default */
	dmab_json_kv_bool(j, "is_default", !word[0]);
	dmab_json_obj_end(j);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fresh [--dev N] [--sizes LIST] [--seed S] [--dev-pages N] [OUT.json]\n"
		"What a fresh DMA buffer holds: for every allocation API / attribute set and\n"
		"size (default 4K,64K,1M) leave a pattern in freed memory, allocate, and read\n"
		"the new buffer through its mmap, its kernel VA and the edu device (N pages,\n"
		"default 1, ~200 ms each). Device N (default: the first edu device).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "sizes", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "dev-pages", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t sizes[16] = { 4ULL << 10, 64ULL << 10, 1ULL << 20 };
	size_t nsizes = 3;
	struct ctx c = { .seed = 0xf7e5, .dev_pages = 1, .features = 0 };
	struct dmabench_info info = { 0 };
	struct dmabench_dev_info di;
	char devname[sizeof(di.name) + 1];
	struct dmab_json j;
	long devarg = -1;
	FILE *out = stdout;
	uint8_t *buf;
	int dev, ch, ret = 0, nrows = 0, nstale = 0, nskip = 0, nfail = 0;

	while ((ch = getopt_long(argc, argv, "d:s:S:p:h", opts, NULL)) != -1) {
		char *ep, *save = NULL, *t, list[256];

		switch (ch) {
		case 'd':
			devarg = strtol(optarg, &ep, 0);
			if (*ep || devarg < 0 || devarg >= DMABENCH_MAX_DEVICES) {
				fprintf(stderr, "fresh: bad --dev '%s'\n", optarg);
				return 2;
			}
			break;
		case 's':
			snprintf(list, sizeof(list), "%s", optarg);
			nsizes = 0;
			for (t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				if (nsizes == ARRAY_SIZE(sizes) || dmab_parse_size(t, &sizes[nsizes]) ||
				    !sizes[nsizes] || sizes[nsizes] > (64ULL << 20)) {
					fprintf(stderr, "fresh: bad --sizes '%s' (1 .. 64M, at most 16)\n", optarg);
					return 2;
				}
				nsizes++;
			}
			if (!nsizes) {
				fprintf(stderr, "fresh: empty --sizes\n");
				return 2;
			}
			break;
		case 'S':
			c.seed = strtoull(optarg, &ep, 0);
			if (*ep || !*optarg) {
				fprintf(stderr, "fresh: bad --seed '%s'\n", optarg);
				return 2;
			}
			break;
		case 'p':
			c.dev_pages = (unsigned int)strtoul(optarg, &ep, 0);
			if (*ep || c.dev_pages > DMABENCH_VERIFY_MAX_PAGES) {
				fprintf(stderr, "fresh: bad --dev-pages '%s' (0 .. %u)\n", optarg,
					DMABENCH_VERIFY_MAX_PAGES);
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
	c.fd = dmab_open(NULL);
	if (c.fd < 0) {
		fprintf(stderr, "fresh: open %s: %s\n", DMABENCH_CTL_PATH, strerror(-c.fd));
		return 1;
	}
	if ((ret = dmab_info(c.fd, &info))) {
		fprintf(stderr, "fresh: INFO: %s\n", strerror(-ret));
		return 1;
	}
	c.features = info.features;
	c.page_size = info.page_size;
	dev = devarg >= 0 ? (int)devarg : dmab_find_dev(c.fd, DMABENCH_DEV_EDU, 0);
	if (dev < 0 || (ret = dmab_dev_info(c.fd, (uint32_t)dev, &di))) {
		fprintf(stderr, "fresh: no device (use --dev N)\n");
		return 1;
	}
	c.dev = (uint32_t)dev;
	memcpy(devname, di.name, sizeof(di.name));
	devname[sizeof(di.name)] = '\0';
	buf = malloc(DMABENCH_PEEK_MAX_LEN);
	if (!buf)
		return 1;
	if (optind < argc && !(out = fopen(argv[optind], "w"))) {
		fprintf(stderr, "fresh: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	dmab_json_init(&j, out, 2);
	dmab_json_obj_begin(&j);
	dmab_json_kv_u64(&j, "schema", 1);
	dmab_json_kv_str(&j, "dev", devname);
	dmab_json_kv_str(&j, "dev_kind", dmab_name_or(dmab_dev_kind_names, di.kind));
	dmab_json_kv_str(&j, "ops", dmab_name_or(dmab_ops_names, di.ops));
	dmab_json_kv_str(&j, "domain", dmab_name_or(dmab_domain_names, di.domain_type));
	dmab_json_kv_bool(&j, "coherent", di.coherent);
	dmab_json_kv_u64(&j, "page_size", c.page_size);
	dmab_json_kv_u64(&j, "seed", c.seed);
	dmab_json_kv_u64(&j, "dev_pages", c.dev_pages);
	emit_init_on_alloc(&j);
	dmab_json_key(&j, "rows");
	dmab_json_arr_begin(&j);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		for (size_t s = 0; s < nsizes; s++) {
			struct row r = { .api = kinds[k].api, .attrs = kinds[k].attrs, .size = sizes[s] };

			r.skipped = kind_missing(&c, r.api);
			if (r.skipped) {
				r.err = EOPNOTSUPP;
				nskip++;
			} else if ((ret = measure(&c, &r, buf))) {
				fprintf(stderr, "fresh: FREE failed (%s): stopping\n", strerror(-ret));
				goto out;
			}
			emit_row(&j, &r);
			nrows++;
			nfail += r.err && !r.skipped;
			nstale += !r.err && (r.mmap.c.nonzero || r.kva.c.nonzero || r.device.c.nonzero);
		}
	}
out:
	dmab_json_arr_end(&j);
	dmab_json_obj_end(&j);
	ch = dmab_json_finish(&j);
	if (out != stdout && fclose(out) != 0 && !ch)
		ch = -errno;
	close(c.fd);
	free(buf);
	if (ch) {
		fprintf(stderr, "fresh: writing JSON: %s\n", strerror(-ch));
		return 1;
	}
	fprintf(stderr, "fresh: %d cells, %d stale, %d allocation failures, %d skipped\n", nrows, nstale, nfail,
		nskip);
	if (nskip)
		printf("fresh: SKIP: %d cells: the kernel lacks the API (rows say which)\n", nskip);
	return ret ? 1 : 0;
}
