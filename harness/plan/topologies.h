/* SPDX-License-Identifier: GPL-2.0 */
/*
 * topologies.h - device topologies as data (buffer sharing): which
 * test devices a VM gets, where they sit on the PCI hierarchy, and which
 * roles (allocating device A, mapping devices B, C) the guest's /bin/share
 * gives them. A VM = one backend x one topology.
 */
#ifndef DMAB_TOPOLOGIES_H
#define DMAB_TOPOLOGIES_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/plan/backends.h"

#define DMAB_TOPO_MAX_DEVICES	10
#define DMAB_TOPO_DEFAULT	"pair"

struct dmab_topology {
	const char *name;
	const char *arches;		/* comma list of arches it is defined for */
	const char *note;		/* one line for `dmabench topologies` */
	const char *machine_props;	/* appended to the backend's -machine ("a=b,c=d"), or NULL */
	/*
	 * -device arguments after the backend's devices (IOMMUs come first),
	 * NULL-terminated; they replace the default two edu devices.
	 */
	const char *devices[DMAB_TOPO_MAX_DEVICES];
	const char *modparams;		/* kernel command line words "dmabench.<p>=<v>", or NULL */
	const char *share_args;		/* /bin/share roles and masks (DMABENCH_SHARE_ARGS) */
	int nedu;			/* edu devices the guest must see */
	int mem_mb;			/* guest RAM; 0: the default (1 GiB) */
	/*
	 * IOMMU groups of edu:0, edu:1, ... (module probe order) under a backend
	 * with groups: one token per edu, "-" = no group, equal letters = one
	 * group, different letters = different groups ("A A A", "- A").
	 */
	const char *groups;
	/* what a DMA-domain IOMMU backend (intel-strict) showed in the guest, measured */
	const char *measured;
};

extern const struct dmab_topology dmab_topologies[];
extern const size_t dmab_ntopologies;

const struct dmab_topology *dmab_topology_find(const char *name);
/* The default topology ("pair"): today's two edu devices on the root bus. */
const struct dmab_topology *dmab_topology_default(void);
/* True if the topology is defined for the backend's arch. */
bool dmab_topology_fits(const struct dmab_topology *t, const struct dmab_backend *b);
/*
 * Parse a comma list ("all" = every topology, table order) into out[] (at most
 * max, duplicates dropped, order kept). Returns the count, -EINVAL with *bad
 * the unknown name ("" for an empty list), -E2BIG when more than max.
 */
int dmab_topology_parse_list(const char *list, const struct dmab_topology **out, size_t max,
			     const char **bad);
/*
 * Did the guest get the topology? env is the guest's env.json (its
 * "devices": kind, group). Backends whose expect_domain is "none" must show
 * no group at all, the others t->groups. Returns 1 (as intended), 0 (not:
 * why says how) or -1 (no device list to check).
 */
struct cJSON;
int dmab_topology_check(const struct dmab_topology *t, const struct dmab_backend *b, const struct cJSON *env,
			char *why, size_t len);
/* "pair, same-group, ..." for error messages (static buffer). */
const char *dmab_topology_names(void);
/*
 * Results folder and progress label of a VM: the backend label for the
 * default topology, "<label>@<topology>" otherwise. 0 or -ENOSPC.
 */
int dmab_vm_label(const struct dmab_backend *b, const struct dmab_topology *t, char *out, size_t len);

#endif
