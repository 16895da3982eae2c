// SPDX-License-Identifier: GPL-2.0
/*
 * verify_dir - VERIFY makes the device read through the mapping, so it is
 * refused (-EACCES) for a mapping the device may only write
 * (DMA_FROM_DEVICE): MAP_SINGLE, MAP_SG and a dma-buf attachment. A real
 * IOMMU faults such a read; QEMU's models do not enforce read permission,
 * so the module must. TO_DEVICE and BIDIRECTIONAL mappings verify as
 * before, and the refused VERIFY changes nothing (the mapping still works
 * for FREE).
 */
#include "tcommon.h"

static const char *const dir_names[] = { "?", "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE" };

static int verify(int fd, uint32_t handle, struct dmabench_verify *v)
{
	memset(v, 0, sizeof(*v));
	v->handle = handle;
	v->flags = DMABENCH_VERIFY_FILL;
	v->pages = 1;
	v->len = 64;
	v->seed = handle;
	return t_ioctl(fd, DMABENCH_IOC_VERIFY, v);
}

static void expect(int fd, uint32_t handle, uint32_t dir, const char *what)
{
	struct dmabench_verify v;
	int r = verify(fd, handle, &v);

	if (dir == DMABENCH_DIR_FROM_DEVICE) {
		t_assert(r == -EACCES, "VERIFY of a %s %s mapping: %s, expected EACCES (the device may only write)",
			 dir_names[dir], what, r ? strerror(-r) : "success");
		t_assert(v.transfers == 0, "refused VERIFY made %u transfers", v.transfers);
	} else {
		t_assert(r == 0, "VERIFY of a %s %s mapping: %s", dir_names[dir], what, strerror(-r));
		t_assert(v.mismatches == 0 && v.checked == 1, "VERIFY of a %s %s mapping: %u mismatches",
			 dir_names[dir], what, v.mismatches);
	}
	printf("%s %s: VERIFY %s\n", what, dir_names[dir], r ? strerror(-r) : "ok");
}

int main(void)
{
	uint32_t ids[4], dev, dir;
	int fd = t_open(), r;

	if (t_find_devs(fd, DMABENCH_DEV_EDU, ids, 4) < 1)
		t_skip("no edu device");
	dev = ids[0];

	for (dir = DMABENCH_DIR_BIDIRECTIONAL; dir <= DMABENCH_DIR_FROM_DEVICE; dir++) {
		struct dmabench_map_single m;
		struct dmabench_alloc al;
		struct dmabench_sgtable st;
		struct dmabench_map_sg ms;
		struct dmabench_dmabuf_export ex;
		struct dmabench_dmabuf_attach at;

		r = t_map_single(fd, &m, dev, 4096);	/* BIDIRECTIONAL; dir set below */
		t_assert(r == 0, "MAP_SINGLE: %s", strerror(-r));
		t_assert(t_free(fd, m.handle) == 0, "FREE");
		memset(&m, 0, sizeof(m));
		m.dev = dev;
		m.dir = dir;
		m.size = 4096;
		t_xioctl(fd, DMABENCH_IOC_MAP_SINGLE, &m);
		expect(fd, m.handle, dir, "MAP_SINGLE");
		t_assert(t_free(fd, m.handle) == 0, "FREE of the MAP_SINGLE");

		r = t_alloc(fd, &al, dev, DMABENCH_API_ATTRS, 8192, 0);
		t_assert(r == 0, "ALLOC: %s", strerror(-r));
		r = t_sgtable(fd, &st, al.handle, NULL, 0);
		t_assert(r == 0, "GET_SGTABLE: %s", strerror(-r));
		memset(&ms, 0, sizeof(ms));
		ms.sgt = st.handle;
		ms.dev = dev;
		ms.dir = dir;
		t_xioctl(fd, DMABENCH_IOC_MAP_SG, &ms);
		expect(fd, ms.handle, dir, "MAP_SG");
		t_assert(t_free(fd, ms.handle) == 0 && t_free(fd, st.handle) == 0, "FREE map, sgt");

		memset(&ex, 0, sizeof(ex));
		ex.alloc = al.handle;
		t_xioctl(fd, DMABENCH_IOC_DMABUF_EXPORT, &ex);
		memset(&at, 0, sizeof(at));
		at.fd = ex.fd;
		at.dev = dev;
		at.dir = dir;
		t_xioctl(fd, DMABENCH_IOC_DMABUF_ATTACH, &at);
		expect(fd, at.handle, dir, "dma-buf attachment");
		t_assert(t_free(fd, at.handle) == 0, "FREE of the attachment");
		close(ex.fd);
		t_assert(t_free(fd, al.handle) == 0, "FREE of the allocation");
	}
	close(fd);
	printf("verify_dir: VERIFY refuses device reads through FROM_DEVICE mappings (EACCES)\n");
	return T_PASS;
}
