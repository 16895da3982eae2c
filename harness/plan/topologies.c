// SPDX-License-Identifier: GPL-2.0
/*
 * topologies.c - the topology table. Every x86_64 entry was booted on
 * intel-strict (Debian 6.1 guest, QEMU 7.2 TCG) and the guest's IOMMU groups
 * read from the kernel log ("Adding to iommu group N") and
 * /sys/kernel/iommu_groups; the module numbers its devices in probe order,
 * platform devices first (dmabench.nplatform, default 2), then edu devices
 * by bus (root bus 0 first). /bin/share's "edu:N" counts edu devices only.
 *
 *   pair             00:01.0, 00:02.0: one group each (root complex
 *                    integrated endpoints)
 *   same-group       pcie-pci-bridge 00:01.0 + edu 01:01.0, 01:02.0, 01:03.0:
 *                    bridge and all three edu in ONE group (conventional PCI
 *                    behind a PCIe-to-PCI bridge: requester id aliased to the
 *                    bridge)
 *   separate-groups  root ports 00:01.0..00:03.0 + edu 01:00.0, 02:00.0,
 *                    03:00.0: one group per edu
 *   bypass           -machine default_bus_bypass_iommu=on, pxb-pcie
 *                    (bypass_iommu=off, bus 0x80) + root port 80:00.0 + edu
 *                    81:00.0 in a group; edu 00:02.0 on the bypassing root
 *                    bus gets NO group (dma-direct, physical addresses): one
 *                    buffer, two DMA address spaces. The reverse
 *                    (pxb bypass_iommu=on) works as well in QEMU 7.2: then
 *                    00:02.0 is in a group and 81:00.0 is not. A device
 *                    without bus= lands on the pxb bus ("Only PCI/PCIe
 *                    bridges can be plugged into pxb-pcie"): every edu here
 *                    names its bus. Roles: A = edu:1 (translated) allocates,
 *                    B = edu:0 (bypass, physical addresses) and C = edu:1
 *                    itself (IOVA) both DMA, so both address spaces are
 *                    verified for one buffer (with B alone the translated
 *                    device never ran DMA: that hid the amd failure).
 *   mixed-masks      edu 00:01.0 with QEMU dma_mask=0xffffffff (its engine
 *                    cannot reach above 4 GiB) and /bin/share's 32-bit mask,
 *                    edu 00:02.0 64-bit; 5 GiB of guest RAM so that memory
 *                    above 4 GiB exists (without an IOMMU the 32-bit device
 *                    needs swiotlb bounce buffers for it)
 *   platform-edu     the module's platform device 0 (no firmware node: no
 *                    IOMMU group, dma-direct) as A, two edu in their own
 *                    groups as B and C
 * arm64: only pair (its edu devices sit on the virt machine's PCIe root).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "harness/report/jget.h"
#include "harness/plan/topologies.h"

#define EDU64	DMAB_EDU_DEVICE	/* "edu,dma_mask=0xffffffffffffffff" */

const struct dmab_topology dmab_topologies[] = {
	{
		.name = "pair", .arches = "x86_64,arm64",
		.note = "two edu on the root bus, one IOMMU group each (the default)",
		.devices = { EDU64, EDU64, NULL },
		.share_args = "--a edu:0 --b edu:1",
		.nedu = 2, .groups = "A B",
		.measured = "00:01.0 and 00:02.0 in separate groups",
	},
	{
		.name = "same-group", .arches = "x86_64",
		.note = "three edu behind one pcie-pci-bridge: one IOMMU group (aliased requester id)",
		.devices = { "pcie-pci-bridge,id=br0,bus=pcie.0",
			     EDU64 ",bus=br0,addr=1", EDU64 ",bus=br0,addr=2", EDU64 ",bus=br0,addr=3", NULL },
		.share_args = "--a edu:0 --b edu:1,edu:2",
		.nedu = 3, .groups = "A A A",
		.measured = "bridge 00:01.0 + 01:01.0, 01:02.0, 01:03.0 all in one group",
	},
	{
		.name = "separate-groups", .arches = "x86_64",
		.note = "three edu, each behind its own pcie-root-port: three IOMMU groups",
		.devices = { "pcie-root-port,id=rp0,bus=pcie.0,chassis=1,slot=0", EDU64 ",bus=rp0",
			     "pcie-root-port,id=rp1,bus=pcie.0,chassis=2,slot=0", EDU64 ",bus=rp1",
			     "pcie-root-port,id=rp2,bus=pcie.0,chassis=3,slot=0", EDU64 ",bus=rp2", NULL },
		.share_args = "--a edu:0 --b edu:1,edu:2",
		.nedu = 3, .groups = "A B C",
		.measured = "01:00.0, 02:00.0, 03:00.0 in three groups",
	},
	{
		.name = "bypass", .arches = "x86_64",
		.note = "edu:0 on a root bus that bypasses the IOMMU, edu:1 behind a pxb-pcie that does not",
		.machine_props = "default_bus_bypass_iommu=on",
		.devices = { "pxb-pcie,id=pxb1,bus_nr=0x80,bypass_iommu=off,bus=pcie.0",
			     "pcie-root-port,id=rp80,bus=pxb1,chassis=1,slot=0", EDU64 ",bus=rp80",
			     EDU64 ",bus=pcie.0", NULL },
		.share_args = "--a edu:1 --b edu:0,edu:1",
		.nedu = 2, .groups = "- A",
		.measured = "00:02.0 (edu:0) no group, 81:00.0 (edu:1) in a group",
	},
	{
		.name = "mixed-masks", .arches = "x86_64",
		.note = "a 64-bit edu allocates, a 32-bit edu (QEMU and guest mask) maps; 5 GiB RAM",
		.devices = { "edu,dma_mask=0xffffffff,bus=pcie.0", EDU64 ",bus=pcie.0", NULL },
		.share_args = "--a edu:1 --b edu:0 --mask edu:0=32",
		.nedu = 2, .groups = "A B",
		.mem_mb = 5120,
		.measured = "00:01.0 (edu:0, 32-bit) and 00:02.0 (edu:1) in separate groups",
	},
	{
		.name = "platform-edu", .arches = "x86_64",
		.note = "the module's platform device allocates (dma-direct), two edu map",
		.devices = { EDU64, EDU64, NULL },
		.modparams = "dmabench.nplatform=1",
		.share_args = "--a platform:0 --b edu:0,edu:1",
		.nedu = 2, .groups = "A B",
		.measured = "platform device: no group; 00:01.0, 00:02.0 in separate groups",
	},
};

const size_t dmab_ntopologies = sizeof(dmab_topologies) / sizeof(dmab_topologies[0]);

const struct dmab_topology *dmab_topology_find(const char *name)
{
	for (size_t i = 0; name && i < dmab_ntopologies; i++)
		if (!strcmp(dmab_topologies[i].name, name))
			return &dmab_topologies[i];
	return NULL;
}

const struct dmab_topology *dmab_topology_default(void)
{
	return &dmab_topologies[0];
}

bool dmab_topology_fits(const struct dmab_topology *t, const struct dmab_backend *b)
{
	return t && b && dmab_arch_in(t->arches, b->arch);
}

const char *dmab_topology_names(void)
{
	static char names[256];

	if (!names[0]) {
		for (size_t i = 0; i < dmab_ntopologies; i++) {
			size_t l = strlen(names);
			snprintf(names + l, sizeof(names) - l, "%s%s", i ? ", " : "", dmab_topologies[i].name);
		}
	}
	return names;
}

static int add_unique(const struct dmab_topology **out, size_t n, size_t max, const struct dmab_topology *t)
{
	for (size_t i = 0; i < n; i++)
		if (out[i] == t)
			return (int)n;
	if (n >= max)
		return -E2BIG;
	out[n++] = t;
	return (int)n;
}

int dmab_topology_parse_list(const char *list, const struct dmab_topology **out, size_t max,
			     const char **bad)
{
	static char badname[64];
	char buf[512];
	int n = 0;

	if (bad)
		*bad = "";
	if (!list || strlen(list) >= sizeof(buf))
		return -EINVAL;
	if (!*list || list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,"))
		return -EINVAL;
	strcpy(buf, list);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			for (size_t i = 0; i < dmab_ntopologies; i++) {
				n = add_unique(out, (size_t)n, max, &dmab_topologies[i]);
				if (n < 0)
					return n;
			}
			continue;
		}
		const struct dmab_topology *t = dmab_topology_find(tok);
		if (!t) {
			snprintf(badname, sizeof(badname), "%s", tok);
			if (bad)
				*bad = badname;
			return -EINVAL;
		}
		n = add_unique(out, (size_t)n, max, t);
		if (n < 0)
			return n;
	}
	return n ? n : -EINVAL;
}

int dmab_vm_label(const struct dmab_backend *b, const struct dmab_topology *t, char *out, size_t len)
{
	int n;

	if (!t || t == dmab_topology_default())
		n = snprintf(out, len, "%s", dmab_backend_label(b));
	else
		n = snprintf(out, len, "%s@%s", dmab_backend_label(b), t->name);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int dmab_topology_check(const struct dmab_topology *t, const struct dmab_backend *b, const struct cJSON *env,
			char *why, size_t len)
{
	const cJSON *devs = jget(env, "devices"), *d;
	bool groups = strcmp(b->expect_domain, "none") != 0;
	char tok[DMAB_TOPO_MAX_DEVICES] = { 0 };
	double grp[DMAB_TOPO_MAX_DEVICES];
	int nedu = 0, n = 0;

	snprintf(why, len, "as intended");
	if (!cJSON_IsArray(devs)) {
		snprintf(why, len, "no device list in env.json");
		return -1;
	}
	for (const char *p = t->groups; p && *p; p++)
		if (*p != ' ' && n < DMAB_TOPO_MAX_DEVICES)
			tok[n++] = *p;
	cJSON_ArrayForEach(d, devs) {
		double g = jnum(d, "group", -2);

		if (strcmp(jstr(d, "kind", ""), "edu")) {
			if (!groups && g >= 0) {
				snprintf(why, len, "%s in IOMMU group %.0f under %s", jstr(d, "name", "?"), g, b->name);
				return 0;
			}
			continue;
		}
		if (nedu < DMAB_TOPO_MAX_DEVICES)
			grp[nedu] = g;
		nedu++;
	}
	if (nedu != t->nedu) {
		snprintf(why, len, "%d edu devices, expected %d", nedu, t->nedu);
		return 0;
	}
	for (int i = 0; i < nedu; i++) {
		/* no IOMMU: no groups; else "-" = none, letters = group identity */
		bool want_none = !groups || i >= n || tok[i] == '-';

		if (want_none != (grp[i] < 0)) {
			snprintf(why, len, "edu:%d %s", i, want_none ? "has an IOMMU group, expected none" :
				 "has no IOMMU group, expected one");
			return 0;
		}
		for (int k = 0; !want_none && k < i; k++) {
			if (tok[k] == '-' || (tok[k] == tok[i]) == (grp[k] == grp[i]))
				continue;
			snprintf(why, len, "edu:%d and edu:%d %s one IOMMU group (groups %.0f, %.0f)", k, i,
				 tok[k] == tok[i] ? "not in" : "in", grp[k], grp[i]);
			return 0;
		}
	}
	return 1;
}
