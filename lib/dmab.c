// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dmab.h"

int dmab_open(const char *path)
{
	int fd = open(path ? path : DMABENCH_CTL_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int dmab_info(int fd, struct dmabench_info *out)
{
	memset(out, 0, sizeof(*out));
	return xioctl(fd, DMABENCH_IOC_INFO, out);
}

int dmab_dev_info(int fd, uint32_t dev, struct dmabench_dev_info *out)
{
	memset(out, 0, sizeof(*out));
	out->dev = dev;
	return xioctl(fd, DMABENCH_IOC_DEV_INFO, out);
}

int dmab_set_mask(int fd, uint32_t dev, uint32_t bits)
{
	struct dmabench_set_mask m = { .dev = dev, .bits = bits };

	return xioctl(fd, DMABENCH_IOC_SET_MASK, &m);
}

int dmab_alloc(int fd, struct dmabench_alloc *a)
{
	return xioctl(fd, DMABENCH_IOC_ALLOC, a);
}

int dmab_free(int fd, uint32_t handle)
{
	struct dmabench_handle h = { .handle = handle };

	return xioctl(fd, DMABENCH_IOC_FREE, &h);
}

int dmab_get_sgtable(int fd, struct dmabench_sgtable *s)
{
	return xioctl(fd, DMABENCH_IOC_GET_SGTABLE, s);
}

int dmab_map_sg(int fd, struct dmabench_map_sg *m)
{
	return xioctl(fd, DMABENCH_IOC_MAP_SG, m);
}

int dmab_map_single(int fd, struct dmabench_map_single *m)
{
	return xioctl(fd, DMABENCH_IOC_MAP_SINGLE, m);
}

int dmab_sync(int fd, uint32_t handle, uint32_t sync, uint32_t dir)
{
	struct dmabench_sync s = { .handle = handle, .sync = sync, .dir = dir };

	return xioctl(fd, DMABENCH_IOC_SYNC, &s);
}

int dmab_stats(int fd, struct dmabench_stats *out)
{
	memset(out, 0, sizeof(*out));
	return xioctl(fd, DMABENCH_IOC_STATS, out);
}

int dmab_lat(int fd, struct dmabench_lat *l)
{
	return xioctl(fd, DMABENCH_IOC_LAT, l);
}

int dmab_find_dev(int fd, uint32_t kind, unsigned int index)
{
	struct dmabench_info info;
	struct dmabench_dev_info di;
	unsigned int seen = 0;
	uint32_t d;
	int ret;

	ret = dmab_info(fd, &info);
	if (ret)
		return ret;
	for (d = 0; d < info.ndevs && d < DMABENCH_MAX_DEVICES; d++) {
		if (dmab_dev_info(fd, d, &di))
			continue;
		if (kind && di.kind != kind)
			continue;
		if (seen++ == index)
			return (int)d;
	}
	return -ENODEV;
}

int dmab_verify(int fd, struct dmabench_verify *v)
{
	return xioctl(fd, DMABENCH_IOC_VERIFY, v);
}

int dmab_dmabuf_export(int fd, struct dmabench_dmabuf_export *e)
{
	return xioctl(fd, DMABENCH_IOC_DMABUF_EXPORT, e);
}

int dmab_dmabuf_attach(int fd, struct dmabench_dmabuf_attach *a)
{
	return xioctl(fd, DMABENCH_IOC_DMABUF_ATTACH, a);
}

int dmab_peek(int fd, struct dmabench_peek *p)
{
	return xioctl(fd, DMABENCH_IOC_PEEK, p);
}
