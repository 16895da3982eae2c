// SPDX-License-Identifier: GPL-2.0
/*
 * share - the buffer-sharing matrix: allocate on device A, let the
 * CPU write a seeded pattern, dma_get_sgtable(), dma_map_sg() of that table
 * on device B (and C), have B's (C's) edu DMA engine read sampled pages
 * through its mapping (VERIFY) and check the bytes; then the same through a
 * dma-buf (export on A, attach + map on B). For every API x attribute set x
 * size and every B: works, or fails at which stage with which errno and
 * which kernel log line, and how long each stage took.
 *
 * CPU path: the module writes the pattern through the kernel VA when the
 * allocation has one (VERIFY FILL, "kva"); a NO_KERNEL_MAPPING cookie or a
 * bare noncontiguous allocation is written from here through its mmap
 * (dma_mmap_*(), "mmap"). All Bs map the same allocation at the same time.
 *
 * usage: share OUT.json [--a SEL] [--b SEL[,SEL]] [--mask SEL=BITS]... [--pages N] [--len N]
 *              [--seed S] [--sizes LIST] [--attrs LIST] [--apis LIST] [--topology NAME]
 *              [--no-dmabuf] [--help]
 * SEL: edu:N | platform:N (N-th device of that kind) | dev:N (module device id).
 * Defaults: A edu:0, B edu:1 (and edu:2 if present; A itself without edu:1); pages 3, len 1024,
 * sizes 4K,64K,1M, attrs none,NKM,FC,NKM+FC,WC (dma_alloc_attrs; the other
 * APIs take what they accept: pages none, noncontig none,ASP), apis all.
 * Exit 0 when the matrix was written (rows may fail: that is the result),
 * 1 when it could not run, 2 usage.
 *
 * share.json (schema 1):
 *   {"schema":1, "topology", "verify_pages", "verify_len", "seed",
 *    "devices":[{"sel","id","name","kind","group","mask_bits","ops","domain","coherent","max_mapping_size"}],
 *    "rows":[{"a","b","path":"sg"|"dmabuf","api","attrs","size","ok",
 *             "stage":"done"|<the failing stage>, "errno", "kmsg", "reason" (only on a known cause),
 *             "cpu_path":"kva"|"mmap","pages","mismatches","blocked","fault",
 *             "ns":{"alloc","fill","dmabuf_export","get_sgtable","map_sg","dmabuf_attach","verify",
 *                   "verify_dma","verify_sync","unmap","free"}}]}
 * Stages: alloc, mmap, get_sgtable, map_sg, dmabuf_export, dmabuf_attach,
 * verify (errno 0: the device read wrong bytes), unmap, free; ns keys of
 * stages not reached are absent; kmsg: the first IOMMU fault line since
 * the row's marker, else the first line the klog oracle calls bad, else
 * the first line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dmab.h"
#include "json.h"
#include "kmsg.h"
#include "names.h"
#include "util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_B 4
#define MAX_SIZES 8
#define MAX_ATTRS 8
#define MAX_MASKS 4

struct sel {
	char text[24];
	int id;			/* module device id, -1 unresolved */
};

struct opts {
	struct sel a, b[MAX_B];
	int nb;
	struct { struct sel s; unsigned int bits; } mask[MAX_MASKS];
	int nmask;
	uint32_t pages, len;
	uint64_t seed;
	uint64_t sizes[MAX_SIZES];
	int nsizes;
	uint64_t attrs[MAX_ATTRS];
	int nattrs;
	bool attrs_given;
	uint32_t apis_mask;	/* bit api */
	const char *topology;
	bool dmabuf;
};

/* One row of the matrix */
struct row {
	const char *a, *b, *path;
	uint32_t api;
	uint64_t attrs, size;
	bool ok, failed;
	const char *stage;
	int err;
	char kmsg[256];
	char reason[160];	/* the module's or this program's explanation of a failure */
	const char *cpu_path;
	uint32_t pages, mismatches, blocked;
	bool fault;
	/* ns per stage, -1: not reached */
	int64_t ns_alloc, ns_fill, ns_sgt, ns_map, ns_verify, ns_unmap, ns_free, ns_export, ns_attach;
	uint64_t v_dma, v_sync, v_fill;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: share OUT.json [--a SEL] [--b SEL[,SEL]] [--mask SEL=BITS]... [--pages N] [--len N]\n"
		"             [--seed S] [--sizes 4K,64K,1M] [--attrs none,NKM,FC,NKM+FC,WC]\n"
		"             [--apis attrs,pages,noncontig,noncontig_vmap] [--topology NAME] [--no-dmabuf]\n"
		"SEL: edu:N | platform:N | dev:N. Defaults: --a edu:0 --b edu:1[,edu:2] --pages 3 --len 1024\n");
}

static int parse_size(const char *s, uint64_t *v)
{
	uint64_t x;

	if (dmab_parse_size(s, &x) || !x || x > DMABENCH_MAX_ALLOC_SIZE)
		return -EINVAL;
	*v = x;
	return 0;
}

static int sel_parse(const char *s, struct sel *out)
{
	const char *c = strchr(s, ':');
	char *ep;

	if (!c || strlen(s) >= sizeof(out->text))
		return -EINVAL;
	if (strncmp(s, "edu:", 4) && strncmp(s, "platform:", 9) && strncmp(s, "dev:", 4))
		return -EINVAL;
	strtoul(c + 1, &ep, 10);
	if (ep == c + 1 || *ep)
		return -EINVAL;
	snprintf(out->text, sizeof(out->text), "%s", s);
	out->id = -1;
	return 0;
}

static int sel_resolve(int fd, struct sel *s)
{
	unsigned int n = (unsigned int)strtoul(strchr(s->text, ':') + 1, NULL, 10);
	struct dmabench_dev_info di;
	int id;

	if (!strncmp(s->text, "dev:", 4))
		id = dmab_dev_info(fd, n, &di) ? -ENODEV : (int)n;
	else
		id = dmab_find_dev(fd, !strncmp(s->text, "edu:", 4) ? DMABENCH_DEV_EDU : DMABENCH_DEV_PLATFORM, n);
	s->id = id;
	return id < 0 ? id : 0;
}

/* Attribute sets an API accepts (ALLOC rules, see dmabench_abi.h) */
static bool combo_valid(uint32_t api, uint64_t attrs)
{
	switch (api) {
	case DMABENCH_API_ATTRS:
		return true;
	case DMABENCH_API_PAGES:
		return attrs == 0;
	default:
		return (attrs & ~DMABENCH_ATTR_ALLOC_SINGLE_PAGES) == 0;
	}
}

static void row_init(struct row *r, const char *a, const char *b, const char *path, uint32_t api,
		     uint64_t attrs, uint64_t size)
{
	memset(r, 0, sizeof(*r));
	r->a = a;
	r->b = b;
	r->path = path;
	r->api = api;
	r->attrs = attrs;
	r->size = size;
	r->ok = false;
	r->stage = "alloc";
	r->cpu_path = "";
	r->ns_alloc = r->ns_fill = r->ns_sgt = r->ns_map = r->ns_verify = -1;
	r->ns_unmap = r->ns_free = r->ns_export = r->ns_attach = -1;
}

static void row_fail(struct row *r, const char *stage, int err)
{
	if (!r->failed) {	/* the first failing stage is the one reported */
		r->stage = stage;
		r->err = err < 0 ? -err : err;
	}
	r->failed = true;
	r->ok = false;
}

static void row_json(struct dmab_json *j, const struct row *r)
{
	char attrs[64];

	dmab_attrs_format(r->attrs, attrs, sizeof(attrs));
	dmab_json_obj_begin(j);
	dmab_json_kv_str(j, "a", r->a);
	dmab_json_kv_str(j, "b", r->b);
	dmab_json_kv_str(j, "path", r->path);
	dmab_json_kv_str(j, "api", dmab_name_or(dmab_api_names, r->api));
	dmab_json_kv_str(j, "attrs", attrs);
	dmab_json_kv_u64(j, "size", r->size);
	dmab_json_kv_bool(j, "ok", r->ok);
	dmab_json_kv_str(j, "stage", r->ok ? "done" : r->stage);
	dmab_json_kv_i64(j, "errno", r->err);
	dmab_json_kv_str(j, "kmsg", r->kmsg);
	if (r->reason[0])
		dmab_json_kv_str(j, "reason", r->reason);
	dmab_json_kv_str(j, "cpu_path", r->cpu_path);
	dmab_json_kv_u64(j, "pages", r->pages);
	dmab_json_kv_u64(j, "mismatches", r->mismatches);
	dmab_json_kv_u64(j, "blocked", r->blocked);
	dmab_json_kv_bool(j, "fault", r->fault);
	dmab_json_key(j, "ns");
	dmab_json_obj_begin(j);
#define NS(k, v) do { if ((v) >= 0) dmab_json_kv_i64(j, k, v); } while (0)
	NS("alloc", r->ns_alloc);
	NS("fill", r->ns_fill);
	NS("dmabuf_export", r->ns_export);
	NS("get_sgtable", r->ns_sgt);
	NS("map_sg", r->ns_map);
	NS("dmabuf_attach", r->ns_attach);
	NS("verify", r->ns_verify);
	if (r->ns_verify >= 0) {
		dmab_json_kv_u64(j, "verify_dma", r->v_dma);
		dmab_json_kv_u64(j, "verify_sync", r->v_sync);
	}
	NS("unmap", r->ns_unmap);
	NS("free", r->ns_free);
#undef NS
	dmab_json_obj_end(j);
	dmab_json_obj_end(j);
}

struct buf {
	struct dmabench_alloc al;
	bool have;
	bool kva;		/* module fills through the kernel VA */
	uint8_t *map;		/* our mmap (NKM / bare noncontig) */
	size_t maplen;
};

/* ALLOC on A and the CPU pattern; records alloc/fill on every row. 0 or -errno (stage set). */
static int buf_make(int fd, const struct opts *o, uint32_t api, uint64_t attrs, uint64_t size, struct buf *b,
		    struct row *rows, int n)
{
	uint64_t t0;
	int ret, i;

	memset(b, 0, sizeof(*b));
	memset(&b->al, 0, sizeof(b->al));
	b->al.dev = (uint32_t)o->a.id;
	b->al.api = api;
	b->al.size = size;
	b->al.attrs = attrs;
	b->al.dir = api == DMABENCH_API_ATTRS ? 0 : DMABENCH_DIR_BIDIRECTIONAL;
	t0 = dmab_now_ns();
	ret = dmab_alloc(fd, &b->al);
	for (i = 0; i < n; i++)
		rows[i].ns_alloc = (int64_t)(dmab_now_ns() - t0);
	if (ret) {
		for (i = 0; i < n; i++) {
			rows[i].ns_alloc = -1;
			row_fail(&rows[i], "alloc", ret);
		}
		return ret;
	}
	b->have = true;
	/* a NKM cookie may even be a vmalloc address (iommu-dma: its page array): never "kva" */
	b->kva = !(attrs & DMABENCH_ATTR_NO_KERNEL_MAPPING) &&
		 (b->al.kva_kind == DMABENCH_KVA_LINEAR || b->al.kva_kind == DMABENCH_KVA_VMALLOC);
	for (i = 0; i < n; i++)
		rows[i].cpu_path = b->kva ? "kva" : "mmap";
	if (b->kva)
		return 0;	/* VERIFY FILL writes the pattern */
	b->maplen = (size + 4095) & ~4095ULL;
	t0 = dmab_now_ns();
	b->map = mmap(NULL, b->maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)b->al.handle * 4096);
	if (b->map == MAP_FAILED) {
		ret = -errno;
		b->map = NULL;
		for (i = 0; i < n; i++)
			row_fail(&rows[i], "mmap", ret);
		return ret;
	}
	for (uint64_t k = 0; k < size; k++)
		b->map[k] = dmabench_pattern(o->seed, k);
	for (i = 0; i < n; i++)
		rows[i].ns_fill = (int64_t)(dmab_now_ns() - t0);
	return 0;
}

static void buf_free(int fd, struct buf *b, struct row *rows, int n)
{
	uint64_t t0;
	int ret, i;

	if (b->map)
		munmap(b->map, b->maplen);
	if (!b->have)
		return;
	t0 = dmab_now_ns();
	ret = dmab_free(fd, b->al.handle);
	for (i = 0; i < n; i++) {
		if (rows[i].ns_alloc >= 0)
			rows[i].ns_free = (int64_t)(dmab_now_ns() - t0);
		if (ret && rows[i].ok)
			row_fail(&rows[i], "free", ret);
	}
}

/* Why the module refused a mapping (its documented map errors) */
static void map_reason(int fd, const struct sel *b, int err, struct row *r)
{
	struct dmabench_dev_info di;

	if (dmab_dev_info(fd, (uint32_t)b->id, &di))
		return;
	if (err == -E2BIG && di.max_seg_size < di.max_mapping_size)
		snprintf(r->reason, sizeof(r->reason),
			 "a CPU segment is above dma_max_mapping_size() (%llu bytes) or max_seg_size (%u bytes) of %s",
			 (unsigned long long)di.max_mapping_size, di.max_seg_size, b->text);
	else if (err == -E2BIG)
		snprintf(r->reason, sizeof(r->reason), "a CPU segment is above dma_max_mapping_size() of %s (%llu bytes)",
			 b->text, (unsigned long long)di.max_mapping_size);
	else if (err == -EIO)
		snprintf(r->reason, sizeof(r->reason), "dma-direct on %s can neither reach the memory nor bounce it",
			 b->text);
}

/* VERIFY one mapping; fills the row. */
static void do_verify(int fd, const struct opts *o, struct buf *b, uint32_t handle, struct row *r)
{
	struct dmabench_verify v;
	uint64_t t0;
	int ret;

	memset(&v, 0, sizeof(v));
	v.handle = handle;
	v.flags = b->kva ? DMABENCH_VERIFY_FILL : 0;
	v.pages = o->pages;
	v.len = o->len;
	v.seed = o->seed;
	t0 = dmab_now_ns();
	ret = dmab_verify(fd, &v);
	r->ns_verify = (int64_t)(dmab_now_ns() - t0);
	if (ret) {
		row_fail(r, "verify", ret);
		if (ret == -EOPNOTSUPP)
			snprintf(r->reason, sizeof(r->reason), "%s has no DMA engine (only edu has one)", r->b);
		return;
	}
	if (b->kva)
		r->ns_fill = (int64_t)v.fill_ns;
	r->pages = v.checked;
	r->mismatches = v.mismatches;
	r->blocked = v.blocked;
	r->v_dma = v.dma_ns;
	r->v_sync = v.sync_ns;
	if (v.mismatches || v.blocked || !v.checked) {
		row_fail(r, "verify", 0);
		snprintf(r->reason, sizeof(r->reason), "%u bytes differ (first at offset %llu), %u of %u pages blocked",
			 v.mismatches, (unsigned long long)v.first_mismatch, v.blocked, v.checked);
	}
}

static void kmsg_to_row(struct dmab_kmsg *k, struct row *r)
{
	dmab_kmsg_poll(k);
	snprintf(r->kmsg, sizeof(r->kmsg), "%s", k->fault[0] ? k->fault : k->bad[0] ? k->bad : k->first);
	r->fault = k->nfault > 0;
}

/* sg path: one allocation, a table + mapping per B, all live together. */
static void cell_sg(int fd, const struct opts *o, uint32_t api, uint64_t attrs, uint64_t size,
		    struct dmab_kmsg *k, struct dmab_json *j)
{
	struct row rows[MAX_B];
	struct dmabench_sgtable st[MAX_B];
	struct dmabench_map_sg m[MAX_B];
	bool have_st[MAX_B] = { false }, have_m[MAX_B] = { false };
	struct buf b;
	char mark[160];
	uint64_t t0;
	int i, ret;

	snprintf(mark, sizeof(mark), "dmabench-share: sg %s %#llx %llu", dmab_name_or(dmab_api_names, api),
		 (unsigned long long)attrs, (unsigned long long)size);
	dmab_kmsg_mark(k, mark);
	for (i = 0; i < o->nb; i++)
		row_init(&rows[i], o->a.text, o->b[i].text, "sg", api, attrs, size);
	if (buf_make(fd, o, api, attrs, size, &b, rows, o->nb))
		goto out;
	for (i = 0; i < o->nb; i++) {
		struct row *r = &rows[i];

		memset(&st[i], 0, sizeof(st[i]));
		st[i].alloc = b.al.handle;
		t0 = dmab_now_ns();
		ret = dmab_get_sgtable(fd, &st[i]);
		r->ns_sgt = (int64_t)(dmab_now_ns() - t0);
		if (ret) {
			row_fail(r, "get_sgtable", ret);
			continue;
		}
		have_st[i] = true;
		memset(&m[i], 0, sizeof(m[i]));
		m[i].sgt = st[i].handle;
		m[i].dev = (uint32_t)o->b[i].id;
		m[i].dir = DMABENCH_DIR_BIDIRECTIONAL;
		t0 = dmab_now_ns();
		ret = dmab_map_sg(fd, &m[i]);
		r->ns_map = (int64_t)(dmab_now_ns() - t0);
		if (ret) {
			row_fail(r, "map_sg", ret);
			map_reason(fd, &o->b[i], ret, r);
			continue;
		}
		have_m[i] = true;
		r->stage = "verify";
		r->ok = true;
		do_verify(fd, o, &b, m[i].handle, r);
	}
	for (i = 0; i < o->nb; i++) {
		if (have_m[i]) {
			t0 = dmab_now_ns();
			ret = dmab_free(fd, m[i].handle);
			rows[i].ns_unmap = (int64_t)(dmab_now_ns() - t0);
			if (ret && rows[i].ok)
				row_fail(&rows[i], "unmap", ret);
		}
		if (have_st[i])
			dmab_free(fd, st[i].handle);
	}
out:
	buf_free(fd, &b, rows, o->nb);
	for (i = 0; i < o->nb; i++) {
		kmsg_to_row(k, &rows[i]);
		row_json(j, &rows[i]);
	}
}

/* dma-buf path: export on A, attach + map on every B, verify each. */
static void cell_dmabuf(int fd, const struct opts *o, uint32_t api, uint64_t attrs, uint64_t size,
			struct dmab_kmsg *k, struct dmab_json *j)
{
	struct dmabench_dmabuf_attach at[MAX_B];
	bool have_at[MAX_B] = { false };
	struct dmabench_dmabuf_export ex;
	struct row rows[MAX_B];
	struct buf b;
	char mark[160];
	uint64_t t0;
	int i, ret;

	snprintf(mark, sizeof(mark), "dmabench-share: dmabuf %s %#llx %llu", dmab_name_or(dmab_api_names, api),
		 (unsigned long long)attrs, (unsigned long long)size);
	dmab_kmsg_mark(k, mark);
	for (i = 0; i < o->nb; i++)
		row_init(&rows[i], o->a.text, o->b[i].text, "dmabuf", api, attrs, size);
	memset(&ex, 0, sizeof(ex));
	ex.fd = -1;
	if (buf_make(fd, o, api, attrs, size, &b, rows, o->nb))
		goto out;
	ex.alloc = b.al.handle;
	t0 = dmab_now_ns();
	ret = dmab_dmabuf_export(fd, &ex);
	for (i = 0; i < o->nb; i++)
		rows[i].ns_export = (int64_t)(dmab_now_ns() - t0);
	if (ret) {
		ex.fd = -1;
		for (i = 0; i < o->nb; i++)
			row_fail(&rows[i], "dmabuf_export", ret);
		goto out;
	}
	for (i = 0; i < o->nb; i++) {
		struct row *r = &rows[i];

		memset(&at[i], 0, sizeof(at[i]));
		at[i].fd = ex.fd;
		at[i].dev = (uint32_t)o->b[i].id;
		at[i].dir = DMABENCH_DIR_BIDIRECTIONAL;
		t0 = dmab_now_ns();
		ret = dmab_dmabuf_attach(fd, &at[i]);
		r->ns_attach = (int64_t)(dmab_now_ns() - t0);
		if (ret) {
			row_fail(r, "dmabuf_attach", ret);
			map_reason(fd, &o->b[i], ret, r);
			continue;
		}
		have_at[i] = true;
		r->stage = "verify";
		r->ok = true;
		do_verify(fd, o, &b, at[i].handle, r);
	}
	for (i = 0; i < o->nb; i++) {
		if (!have_at[i])
			continue;
		t0 = dmab_now_ns();
		ret = dmab_free(fd, at[i].handle);
		rows[i].ns_unmap = (int64_t)(dmab_now_ns() - t0);
		if (ret && rows[i].ok)
			row_fail(&rows[i], "unmap", ret);
	}
out:
	if (ex.fd >= 0)
		close(ex.fd);	/* the dma-buf lets go of the allocation */
	buf_free(fd, &b, rows, o->nb);
	for (i = 0; i < o->nb; i++) {
		kmsg_to_row(k, &rows[i]);
		row_json(j, &rows[i]);
	}
}

static void device_json(int fd, struct dmab_json *j, const struct sel *s)
{
	struct dmabench_dev_info di;
	unsigned int bits = 0;

	if (dmab_dev_info(fd, (uint32_t)s->id, &di))
		return;
	while (bits < 64 && (di.dma_mask >> bits))
		bits++;
	dmab_json_obj_begin(j);
	dmab_json_kv_str(j, "sel", s->text);
	dmab_json_kv_u64(j, "id", (uint64_t)s->id);
	dmab_json_kv_str(j, "name", (const char *)di.name);
	dmab_json_kv_str(j, "kind", dmab_name_or(dmab_dev_kind_names, di.kind));
	dmab_json_kv_i64(j, "group", di.iommu_group);
	dmab_json_kv_u64(j, "mask_bits", bits);
	dmab_json_kv_str(j, "ops", dmab_name_or(dmab_ops_names, di.ops));
	dmab_json_kv_str(j, "domain", dmab_name_or(dmab_domain_names, di.domain_type));
	dmab_json_kv_bool(j, "coherent", di.coherent);
	dmab_json_kv_u64(j, "max_mapping_size", di.max_mapping_size);
	dmab_json_obj_end(j);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "a", required_argument, NULL, 'a' },
		{ "b", required_argument, NULL, 'b' },
		{ "mask", required_argument, NULL, 'm' },
		{ "pages", required_argument, NULL, 'p' },
		{ "len", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "sizes", required_argument, NULL, 'S' },
		{ "attrs", required_argument, NULL, 'A' },
		{ "apis", required_argument, NULL, 'P' },
		{ "topology", required_argument, NULL, 't' },
		{ "no-dmabuf", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *dup, *tok, *save, *ep;
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (sel_parse(optarg, &o->a))
				goto bad;
			break;
		case 'b':
			o->nb = 0;
			dup = strdup(optarg);
			for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				if (o->nb >= MAX_B || sel_parse(tok, &o->b[o->nb++])) {
					free(dup);
					goto bad;
				}
			free(dup);
			if (!o->nb)
				goto bad;
			break;
		case 'm': {
			char *eq = strchr(optarg, '=');
			unsigned long bits;

			if (!eq || o->nmask >= MAX_MASKS)
				goto bad;
			*eq = 0;
			bits = strtoul(eq + 1, &ep, 10);
			if (*ep || bits < 12 || bits > 64 || sel_parse(optarg, &o->mask[o->nmask].s))
				goto bad;
			o->mask[o->nmask++].bits = (unsigned int)bits;
			break;
		}
		case 'p':
			o->pages = (uint32_t)strtoul(optarg, &ep, 10);
			if (*ep || !o->pages || o->pages > DMABENCH_VERIFY_MAX_PAGES)
				goto bad;
			break;
		case 'l':
			o->len = (uint32_t)strtoul(optarg, &ep, 10);
			if (*ep || !o->len || o->len > DMABENCH_VERIFY_MAX_LEN)
				goto bad;
			break;
		case 's':
			o->seed = strtoull(optarg, &ep, 0);
			if (*ep)
				goto bad;
			break;
		case 'S':
			o->nsizes = 0;
			dup = strdup(optarg);
			for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				if (o->nsizes >= MAX_SIZES || parse_size(tok, &o->sizes[o->nsizes++])) {
					free(dup);
					goto bad;
				}
			free(dup);
			if (!o->nsizes)
				goto bad;
			break;
		case 'A':
			o->nattrs = 0;
			o->attrs_given = true;
			dup = strdup(optarg);
			for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				if (o->nattrs >= MAX_ATTRS || dmab_attrs_parse(tok, &o->attrs[o->nattrs++]) ||
				    (o->attrs[o->nattrs - 1] & ~DMABENCH_ALLOC_ATTRS_MASK)) {
					free(dup);
					goto bad;
				}
			free(dup);
			if (!o->nattrs)
				goto bad;
			break;
		case 'P':
			o->apis_mask = 0;
			dup = strdup(optarg);
			for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				int api = dmab_value_of(dmab_api_names, tok);

				if (api < 0) {
					free(dup);
					goto bad;
				}
				o->apis_mask |= 1U << api;
			}
			free(dup);
			if (!o->apis_mask)
				goto bad;
			break;
		case 't':
			o->topology = optarg;
			break;
		case 'n':
			o->dmabuf = false;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	return 0;
bad:
	if (c != '?')
		fprintf(stderr, "share: bad value '%s'\n", optarg ? optarg : "");
	usage(stderr);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	static const uint64_t def_attrs[] = {
		0, DMABENCH_ATTR_NO_KERNEL_MAPPING, DMABENCH_ATTR_FORCE_CONTIGUOUS,
		DMABENCH_ATTR_NO_KERNEL_MAPPING | DMABENCH_ATTR_FORCE_CONTIGUOUS, DMABENCH_ATTR_WRITE_COMBINE,
	};
	static const uint64_t nc_attrs[] = { 0, DMABENCH_ATTR_ALLOC_SINGLE_PAGES };
	struct opts o = {
		.pages = 3, .len = 1024, .seed = 0x5eed, .nsizes = 3,
		.sizes = { 4ULL << 10, 64ULL << 10, 1ULL << 20 },
		.apis_mask = 0x1e, .topology = "", .dmabuf = true,
	};
	struct dmab_kmsg k;
	struct dmab_json j;
	const char *out;
	FILE *f;
	int fd, i, ret, nrows = 0;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		usage(stderr);
		return 2;
	}
	out = argv[1];
	sel_parse("edu:0", &o.a);
	o.nb = 0;
	if (parse_args(argc - 1, argv + 1, &o))
		return 2;
	fd = dmab_open(NULL);
	if (fd < 0) {
		fprintf(stderr, "share: open %s: %s\n", DMABENCH_CTL_PATH, strerror(-fd));
		return 1;
	}
	for (i = 0; i < o.nmask; i++) {
		ret = sel_resolve(fd, &o.mask[i].s);
		if (!ret)
			ret = dmab_set_mask(fd, (uint32_t)o.mask[i].s.id, o.mask[i].bits);
		if (ret) {
			fprintf(stderr, "share: --mask %s=%u: %s\n", o.mask[i].s.text, o.mask[i].bits, strerror(-ret));
			return 1;
		}
	}
	if (sel_resolve(fd, &o.a)) {
		fprintf(stderr, "share: device A %s not present\n", o.a.text);
		return 1;
	}
	if (!o.nb) {	/* default: edu:1, and edu:2 if present; a lone device maps its own buffer */
		sel_parse("edu:1", &o.b[0]);
		sel_parse("edu:2", &o.b[1]);
		o.nb = sel_resolve(fd, &o.b[1]) ? 1 : 2;
		if (sel_resolve(fd, &o.b[0])) {
			o.b[0] = o.a;
			fprintf(stderr, "share: no edu:1, B = A (%s)\n", o.a.text);
		}
	}
	for (i = 0; i < o.nb; i++)
		if (sel_resolve(fd, &o.b[i])) {
			fprintf(stderr, "share: device B %s not present\n", o.b[i].text);
			return 1;
		}
	if (!o.attrs_given) {
		memcpy(o.attrs, def_attrs, sizeof(def_attrs));
		o.nattrs = ARRAY_SIZE(def_attrs);
	}
	if (dmab_kmsg_open(&k, NULL))
		fprintf(stderr, "share: /dev/kmsg not readable: no kernel log lines in the rows\n");

	f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "share: %s: %s\n", out, strerror(errno));
		return 1;
	}
	dmab_json_init(&j, f, 2);
	dmab_json_obj_begin(&j);
	dmab_json_kv_u64(&j, "schema", 1);
	dmab_json_kv_str(&j, "topology", o.topology);
	dmab_json_kv_u64(&j, "verify_pages", o.pages);
	dmab_json_kv_u64(&j, "verify_len", o.len);
	dmab_json_kv_u64(&j, "seed", o.seed);
	dmab_json_key(&j, "devices");
	dmab_json_arr_begin(&j);
	device_json(fd, &j, &o.a);
	for (i = 0; i < o.nb; i++)
		device_json(fd, &j, &o.b[i]);
	dmab_json_arr_end(&j);
	dmab_json_key(&j, "rows");
	dmab_json_arr_begin(&j);
	for (int si = 0; si < o.nsizes; si++)
		for (uint32_t api = DMABENCH_API_ATTRS; api <= DMABENCH_API_MAX; api++) {
			const uint64_t *as = o.attrs;
			int na = o.nattrs;

			if (!(o.apis_mask & (1U << api)))
				continue;
			if (api != DMABENCH_API_ATTRS && !o.attrs_given) {
				as = nc_attrs;
				na = api == DMABENCH_API_NONCONTIG ? 2 : 1;
			}
			for (int ai = 0; ai < na; ai++) {
				if (!combo_valid(api, as[ai]))
					continue;
				cell_sg(fd, &o, api, as[ai], o.sizes[si], &k, &j);
				nrows += o.nb;
				if (o.dmabuf) {
					cell_dmabuf(fd, &o, api, as[ai], o.sizes[si], &k, &j);
					nrows += o.nb;
				}
				fflush(f);
			}
		}
	dmab_json_arr_end(&j);
	dmab_json_obj_end(&j);
	ret = dmab_json_finish(&j);
	if (fclose(f) || ret) {
		fprintf(stderr, "share: writing %s failed\n", out);
		return 1;
	}
	dmab_kmsg_close(&k);
	close(fd);
	printf("share: %d rows -> %s\n", nrows, out);
	return 0;
}
