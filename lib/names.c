// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kmod/dmabench_abi.h"
#include "names.h"

const struct dmab_name dmab_api_names[] = {
	{ DMABENCH_API_ATTRS, "attrs" },
	{ DMABENCH_API_PAGES, "pages" },
	{ DMABENCH_API_NONCONTIG, "noncontig" },
	{ DMABENCH_API_NONCONTIG_VMAP, "noncontig_vmap" },
	{ 0, NULL },
};

const struct dmab_name dmab_dev_kind_names[] = {
	{ DMABENCH_DEV_EDU, "edu" },
	{ DMABENCH_DEV_PLATFORM, "platform" },
	{ DMABENCH_DEV_BOUND, "bound" },
	{ 0, NULL },
};

const struct dmab_name dmab_ops_names[] = {
	{ DMABENCH_OPS_DIRECT, "direct" },
	{ DMABENCH_OPS_SWIOTLB, "swiotlb" },
	{ DMABENCH_OPS_IOMMU, "iommu" },
	{ DMABENCH_OPS_OTHER, "other" },
	{ 0, NULL },
};

const struct dmab_name dmab_domain_names[] = {
	{ DMABENCH_DOMAIN_NONE, "none" },
	{ DMABENCH_DOMAIN_IDENTITY, "identity" },
	{ DMABENCH_DOMAIN_DMA, "DMA" },
	{ DMABENCH_DOMAIN_DMA_FQ, "DMA-FQ" },
	{ DMABENCH_DOMAIN_BLOCKED, "blocked" },
	{ DMABENCH_DOMAIN_UNMANAGED, "unmanaged" },
	{ DMABENCH_DOMAIN_OTHER, "other" },
	{ 0, NULL },
};

const struct dmab_name dmab_dir_names[] = {
	{ DMABENCH_DIR_BIDIRECTIONAL, "bidirectional" },
	{ DMABENCH_DIR_TO_DEVICE, "to_device" },
	{ DMABENCH_DIR_FROM_DEVICE, "from_device" },
	{ 0, NULL },
};

const struct dmab_name dmab_kva_kind_names[] = {
	{ DMABENCH_KVA_LINEAR, "linear" },
	{ DMABENCH_KVA_VMALLOC, "vmalloc" },
	{ DMABENCH_KVA_COOKIE, "cookie" },
	{ DMABENCH_KVA_NONE, "none" },
	{ 0, NULL },
};

const struct dmab_name dmab_sync_names[] = {
	{ DMABENCH_SYNC_FOR_CPU, "for_cpu" },
	{ DMABENCH_SYNC_FOR_DEVICE, "for_device" },
	{ 0, NULL },
};

const struct dmab_name dmab_lat_op_names[] = {
	{ DMABENCH_LAT_ALLOC_FREE, "alloc_free" },
	{ DMABENCH_LAT_SGTABLE, "sgtable" },
	{ DMABENCH_LAT_MAP_SG, "map_sg" },
	{ DMABENCH_LAT_MAP_SINGLE, "map_single" },
	{ DMABENCH_LAT_SYNC_SG, "sync_sg" },
	{ 0, NULL },
};

const struct dmab_name dmab_lat_half_a_names[] = {
	{ DMABENCH_LAT_ALLOC_FREE, "alloc" },
	{ DMABENCH_LAT_SGTABLE, "get_sgtable" },
	{ DMABENCH_LAT_MAP_SG, "map_sg" },
	{ DMABENCH_LAT_MAP_SINGLE, "map_single" },
	{ DMABENCH_LAT_SYNC_SG, "sync_for_cpu" },
	{ 0, NULL },
};

const struct dmab_name dmab_lat_half_b_names[] = {
	{ DMABENCH_LAT_ALLOC_FREE, "free" },
	{ DMABENCH_LAT_SGTABLE, "free_sgtable" },
	{ DMABENCH_LAT_MAP_SG, "unmap_sg" },
	{ DMABENCH_LAT_MAP_SINGLE, "unmap_single" },
	{ DMABENCH_LAT_SYNC_SG, "sync_for_device" },
	{ 0, NULL },
};

const char *dmab_name_of(const struct dmab_name *table, uint32_t val)
{
	for (; table->name; table++)
		if (table->val == val)
			return table->name;
	return NULL;
}

const char *dmab_name_or(const struct dmab_name *table, uint32_t val)
{
	const char *n = dmab_name_of(table, val);

	return n ? n : "?";
}

/* case-insensitive compare treating '-' and '_' alike */
static int name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char ca = *a, cb = *b;

		if (ca == '_')
			ca = '-';
		if (cb == '_')
			cb = '-';
		if (ca >= 'A' && ca <= 'Z')
			ca = (char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (char)(cb - 'A' + 'a');
		if (ca != cb)
			return 0;
		if (!ca)
			return 1;
	}
}

int dmab_value_of(const struct dmab_name *table, const char *name)
{
	if (!name)
		return -EINVAL;
	for (; table->name; table++)
		if (name_eq(table->name, name))
			return (int)table->val;
	return -EINVAL;
}

static const struct {
	uint64_t bit;
	const char *sname;
	const char *lname;
} attr_bits[] = {
	{ DMABENCH_ATTR_WEAK_ORDERING, "WO", "WEAK_ORDERING" },
	{ DMABENCH_ATTR_WRITE_COMBINE, "WC", "WRITE_COMBINE" },
	{ DMABENCH_ATTR_NO_KERNEL_MAPPING, "NKM", "NO_KERNEL_MAPPING" },
	{ DMABENCH_ATTR_FORCE_CONTIGUOUS, "FC", "FORCE_CONTIGUOUS" },
	{ DMABENCH_ATTR_ALLOC_SINGLE_PAGES, "ASP", "ALLOC_SINGLE_PAGES" },
	{ DMABENCH_ATTR_NO_WARN, "NW", "NO_WARN" },
	{ DMABENCH_ATTR_PRIVILEGED, "PRIV", "PRIVILEGED" },
	{ DMABENCH_ATTR_SKIP_CPU_SYNC, "SCS", "SKIP_CPU_SYNC" },
};
#define N_ATTR_BITS (sizeof(attr_bits) / sizeof(attr_bits[0]))

const char *dmab_attr_bit_name(uint64_t bit)
{
	size_t i;

	for (i = 0; i < N_ATTR_BITS; i++)
		if (attr_bits[i].bit == bit)
			return attr_bits[i].sname;
	return NULL;
}

static int append(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + n + 1 > len) {
		/* keep a truncated, terminated prefix */
		if (*pos + 1 < len) {
			memcpy(buf + *pos, s, len - *pos - 1);
			*pos = len - 1;
			buf[*pos] = '\0';
		}
		return -ENOSPC;
	}
	memcpy(buf + *pos, s, n + 1);
	*pos += n;
	return 0;
}

int dmab_attrs_format(uint64_t attrs, char *buf, size_t len)
{
	size_t pos = 0, i;
	uint64_t known = 0;
	int first = 1;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (!attrs)
		return append(buf, len, &pos, "none");
	for (i = 0; i < N_ATTR_BITS; i++) {
		known |= attr_bits[i].bit;
		if (!(attrs & attr_bits[i].bit))
			continue;
		if (!first && append(buf, len, &pos, "+"))
			return -ENOSPC;
		if (append(buf, len, &pos, attr_bits[i].sname))
			return -ENOSPC;
		first = 0;
	}
	if (attrs & ~known) {
		char hex[24];

		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)(attrs & ~known));
		if (!first && append(buf, len, &pos, "+"))
			return -ENOSPC;
		if (append(buf, len, &pos, hex))
			return -ENOSPC;
	}
	return 0;
}

int dmab_attrs_parse(const char *s, uint64_t *attrs)
{
	uint64_t v = 0;
	char tok[64];
	size_t i, n;

	if (!s || !*s)
		return -EINVAL;
	if (name_eq(s, "none") || name_eq(s, "0")) {
		*attrs = 0;
		return 0;
	}
	while (*s) {
		const char *end = strchr(s, '+');
		int found = 0;

		n = end ? (size_t)(end - s) : strlen(s);
		if (n == 0 || n >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, s, n);
		tok[n] = '\0';
		if (tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
			char *ep;
			unsigned long long x;

			errno = 0;
			x = strtoull(tok, &ep, 16);
			if (errno || *ep || ep == tok + 2)
				return -EINVAL;
			v |= x;
			found = 1;
		} else {
			const char *t = tok;

			if (strncasecmp(t, "DMA_ATTR_", 9) == 0)
				t += 9;
			for (i = 0; i < N_ATTR_BITS; i++) {
				if (name_eq(t, attr_bits[i].sname) || name_eq(t, attr_bits[i].lname)) {
					v |= attr_bits[i].bit;
					found = 1;
					break;
				}
			}
		}
		if (!found)
			return -EINVAL;
		s += n;
		if (*s == '+') {
			s++;
			if (!*s)
				return -EINVAL;
		}
	}
	*attrs = v;
	return 0;
}
