// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"

const char *const dmab_klog_bad_patterns[] = {
	"WARNING:",
	"BUG:",
	"Oops",
	"KASAN:",
	"DMA-API:",
	"general protection",
	"DMAR: DRHD: handling fault",
	"DMAR: [DMA",
	"AMD-Vi: Event logged",
	"iommu fault",
	"smmuv3: event 0x",
	"page fault from EP",	/* virtio_iommu virtio0: page fault from EP 16 at 0xfffff000 [] */
	NULL,
};

const char *dmab_klog_match(const char *line)
{
	const char *const *p;

	for (p = dmab_klog_bad_patterns; *p; p++)
		if (strstr(line, *p))
			return *p;
	return NULL;
}

int dmab_kmsg_parse(const char *rec, size_t len, unsigned long long *seq,
		    const char **msg, size_t *msglen)
{
	const char *semi, *comma, *nl, *end = rec + len;
	char *ep;

	semi = memchr(rec, ';', len);
	if (!semi)
		return -EINVAL;
	comma = memchr(rec, ',', (size_t)(semi - rec));
	if (!comma)
		return -EINVAL;
	/* prio is a number */
	strtoul(rec, &ep, 10);
	if (ep != comma)
		return -EINVAL;
	*seq = strtoull(comma + 1, &ep, 10);
	if (ep == comma + 1 || (*ep != ',' && *ep != ';'))
		return -EINVAL;
	*msg = semi + 1;
	nl = memchr(*msg, '\n', (size_t)(end - *msg));
	*msglen = (size_t)((nl ? nl : end) - *msg);
	return 0;
}

int dmab_klog_iommu_fault(const char *line)
{
	static const char *const faults[] = {
		"DMAR: DRHD: handling fault",
		"DMAR: [DMA",
		"AMD-Vi: Event logged",
		"iommu fault",
		"smmuv3: event 0x",	/* arm-smmu-v3 9050000.smmuv3: event 0x10 received: */
		"page fault from EP",	/* virtio_iommu virtio0: page fault from EP 16 at 0xfffff000 [] */
		NULL,
	};
	const char *const *p;

	for (p = faults; *p; p++)
		if (strstr(line, *p))
			return 1;
	return 0;
}
