/* SPDX-License-Identifier: GPL-2.0 */
/*
 * names.h - ABI enum values <-> stable lower-case names used in JSON, on
 * command lines and in DMABENCH_EXPECT_* variables.
 *
 *   api:      attrs pages noncontig noncontig_vmap
 *   dev kind: edu platform bound
 *   ops:      direct swiotlb iommu other
 *   domain:   none identity DMA DMA-FQ blocked unmanaged other (sysfs spelling)
 *   dir:      bidirectional to_device from_device
 *   kva kind: linear vmalloc cookie none
 *   sync:     for_cpu for_device
 *   lat op:   alloc_free sgtable map_sg map_single sync_sg
 *             halves (a/b): alloc/free get_sgtable/free_sgtable map_sg/unmap_sg
 *                           map_single/unmap_single sync_for_cpu/sync_for_device
 *
 * Parsing is case-insensitive and treats '-' and '_' alike, so the sysfs
 * iommu group type strings ("DMA", "DMA-FQ", "identity") parse as domains.
 *
 * Attribute sets: bits joined by '+', "none" for 0. Short names:
 *   WO  WEAK_ORDERING      WC  WRITE_COMBINE    NKM  NO_KERNEL_MAPPING
 *   FC  FORCE_CONTIGUOUS   ASP ALLOC_SINGLE_PAGES NW NO_WARN
 *   PRIV PRIVILEGED        SCS SKIP_CPU_SYNC
 * Formatting uses the short names in bit order ("NKM+FC"); parsing also
 * accepts the long names and "DMA_ATTR_" prefixed ones.
 */
#ifndef DMAB_NAMES_H
#define DMAB_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct dmab_name {
	uint32_t val;
	const char *name;
};

/* Tables end with { 0, NULL }. */
extern const struct dmab_name dmab_api_names[];
extern const struct dmab_name dmab_dev_kind_names[];
extern const struct dmab_name dmab_ops_names[];
extern const struct dmab_name dmab_domain_names[];
extern const struct dmab_name dmab_dir_names[];
extern const struct dmab_name dmab_kva_kind_names[];
extern const struct dmab_name dmab_sync_names[];
extern const struct dmab_name dmab_lat_op_names[];
extern const struct dmab_name dmab_lat_half_a_names[];
extern const struct dmab_name dmab_lat_half_b_names[];

/* Name of val in table, or NULL if unknown. */
const char *dmab_name_of(const struct dmab_name *table, uint32_t val);
/* Like dmab_name_of() but never NULL: "?" for unknown values. */
const char *dmab_name_or(const struct dmab_name *table, uint32_t val);
/* Value for name (see parsing rules above), or -EINVAL. */
int dmab_value_of(const struct dmab_name *table, const char *name);

/* Short name of one attribute bit (a single bit set), or NULL. */
const char *dmab_attr_bit_name(uint64_t bit);
/*
 * Format an attribute set into buf ("none", "NKM", "NKM+FC", unknown bits as
 * "0x..."). Returns 0 or -ENOSPC (buf too small; buf then holds a truncated,
 * NUL-terminated prefix when len > 0).
 */
int dmab_attrs_format(uint64_t attrs, char *buf, size_t len);
/* Parse "none", "NKM", "NKM+FC", "0x24" ... into *attrs. 0 or -EINVAL. */
int dmab_attrs_parse(const char *s, uint64_t *attrs);

#endif
