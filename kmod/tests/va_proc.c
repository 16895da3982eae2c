// SPDX-License-Identifier: GPL-2.0
/*
 * va_proc: for every API x attrs {none, NKM, FORCE_CONTIGUOUS,
 * NKM|FORCE_CONTIGUOUS} x size {1 MiB, 64 KiB}, on the first edu device
 * and on the first platform device, the module's kva_bytes equals the
 * change of the summed /proc/vmallocinfo sizes caused by the allocation,
 * and freeing it gives the space back. dma_alloc_pages() takes no attrs
 * and dma_alloc_noncontiguous() only ALLOC_SINGLE_PAGES: those
 * combinations must be rejected with EINVAL (the kernel would WARN).
 * An unrelated vmalloc user can disturb one sample: each case is retried
 * up to 3 times before it fails.
 */
#include "kmod/tests/tcommon.h"

static const uint64_t attr_sets[] = {
	0,
	DMABENCH_ATTR_NO_KERNEL_MAPPING,
	DMABENCH_ATTR_FORCE_CONTIGUOUS,
	DMABENCH_ATTR_NO_KERNEL_MAPPING | DMABENCH_ATTR_FORCE_CONTIGUOUS,
};
static const char *const attr_names[] = { "none", "NKM", "FC", "NKM|FC" };
static const uint64_t sizes[] = { 1 << 20, 64 << 10 };

static int one(int fd, uint32_t dev, const char *dname, uint32_t api, int ai, uint64_t size)
{
	struct dmabench_alloc a;
	long long before, after, freed;
	int r, try;

	for (try = 0; try < 3; try++) {
		before = t_vmalloc_total();
		r = t_alloc(fd, &a, dev, api, size, attr_sets[ai]);
		if (api != DMABENCH_API_ATTRS && attr_sets[ai]) {
			if (r != -EINVAL)
				t_fail("%s api=%s attrs=%s: expected EINVAL, got %s", dname,
				       t_api_name(api), attr_names[ai], r ? strerror(-r) : "success");
			printf("va_proc: %-14s api=%-14s attrs=%-6s size=%-8llu rejected (EINVAL) as expected\n",
			       dname, t_api_name(api), attr_names[ai], (unsigned long long)size);
			return 0;
		}
		if (r)
			t_fail("%s alloc api=%s attrs=%s size=%llu: %s", dname, t_api_name(api),
			       attr_names[ai], (unsigned long long)size, strerror(-r));
		after = t_vmalloc_total();
		t_assert(!t_free(fd, a.handle), "free");
		freed = t_vmalloc_total();
		printf("va_proc: %-14s api=%-14s attrs=%-6s size=%-8llu kind=%-7s kva_bytes=%-8llu vmallocinfo_delta=%-8lld after_free=%lld%s\n",
		       dname, t_api_name(api), attr_names[ai], (unsigned long long)size,
		       t_kva_name(a.kva_kind), (unsigned long long)a.kva_bytes, after - before,
		       freed - before, (long long)a.kva_bytes == after - before && freed == before ? "" : "  MISMATCH");
		if ((long long)a.kva_bytes == after - before && freed == before) {
			if ((a.kva_kind == DMABENCH_KVA_VMALLOC) != (a.kva_bytes != 0))
				t_fail("kind %s with kva_bytes %llu", t_kva_name(a.kva_kind),
				       (unsigned long long)a.kva_bytes);
			return 0;
		}
	}
	t_fail("%s api=%s attrs=%s size=%llu: kva_bytes %llu != /proc/vmallocinfo delta %lld",
	       dname, t_api_name(api), attr_names[ai], (unsigned long long)size,
	       (unsigned long long)a.kva_bytes, after - before);
	return 1;
}

int main(void)
{
	uint32_t ids[2], n = 0, i, api;
	struct dmabench_dev_info di;
	struct dmabench_stats s0, s1;
	size_t ai, si;
	int fd;

	fd = t_open();
	if (t_vmalloc_total() < 0)
		t_skip("/proc/vmallocinfo not readable");
	if (t_find_devs(fd, DMABENCH_DEV_EDU, &ids[n], 1) == 1)
		n++;
	if (t_find_devs(fd, DMABENCH_DEV_PLATFORM, &ids[n], 1) == 1)
		n++;
	if (!n)
		t_skip("no dmabench device");
	t_stats(fd, &s0);
	for (i = 0; i < n; i++) {
		char dname[48];

		t_assert(!t_dev_info(fd, ids[i], &di), "dev_info");
		snprintf(dname, sizeof(dname), "%s/%s", (char *)di.name, t_ops_name(di.ops));
		for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
			for (api = DMABENCH_API_ATTRS; api <= DMABENCH_API_MAX; api++) {
				if (!t_api_ok(fd, api)) {
					t_skip_part(t_api_name(api), t_feature_why[DMABENCH_FEAT_NONCONTIG]);
					continue;
				}
				for (ai = 0; ai < sizeof(attr_sets) / sizeof(attr_sets[0]); ai++)
					one(fd, ids[i], dname, api, (int)ai, sizes[si]);
			}
	}
	t_stats(fd, &s1);
	if (!t_stats_live_equal(&s0, &s1)) {
		t_print_stats("before", &s0);
		t_print_stats("after", &s1);
		t_fail("live counters changed");
	}
	close(fd);
	printf("va_proc: PASS\n");
	return t_done();
}
