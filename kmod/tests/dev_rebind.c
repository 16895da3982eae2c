// SPDX-License-Identifier: GPL-2.0
/*
 * dev_rebind - an edu device unbound from dmabench while an allocation
 * holds it, then bound again, many times:
 *  1. the unbind blocks until the file holding the allocation is closed;
 *     meanwhile the device is gone for new work: ALLOC on it -ENODEV, and
 *     GET_SGTABLE of the allocation (which creates an object on the
 *     allocation's device) -ENODEV too, nothing created;
 *  2. after the close the unbind finishes; bound again the device gets
 *     its old id back (same name), the device count does not grow;
 *  3. 70 more unbind / bind cycles (the registry has 64 slots): each bind
 *     succeeds with the same id.
 */
#include <pthread.h>
#include <time.h>

#include "tcommon.h"

#define DRV "/sys/bus/pci/drivers/" DMABENCH_DRIVER_NAME

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		r = -errno;
	close(fd);
	return r;
}

struct unbinder {
	const char *bdf;
	int ret;
};

static void *unbind_thread(void *p)
{
	struct unbinder *u = p;

	u->ret = sysfs_write(DRV "/unbind", u->bdf);
	return NULL;
}

static void msleep(long ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&d, NULL);
}

static void rebind(const char *bdf, uint32_t id, uint32_t ndevs, int fd, const char *what)
{
	struct dmabench_dev_info di;
	int r = sysfs_write(DRV "/bind", bdf);

	t_assert(r == 0, "%s: bind %s: %s", what, bdf, strerror(-r));
	r = t_dev_info(fd, id, &di);
	t_assert(r == 0, "%s: device %u after bind: %s (expected its old id back)", what, id, strerror(-r));
	t_assert(!strcmp((const char *)di.name, bdf), "%s: device %u is %s, expected %s", what, id, di.name, bdf);
	t_assert(t_ndevs(fd) == ndevs, "%s: %u devices, was %u (a rebound device took a new slot)", what,
		 t_ndevs(fd), ndevs);
}

int main(void)
{
	struct dmabench_dev_info di;
	struct dmabench_alloc al;
	struct dmabench_sgtable st;
	struct unbinder u = { 0 };
	uint32_t ids[4], id, ndevs, h;
	char bdf[40];
	pthread_t th;
	int fd = t_open(), obs, r, i;

	if (t_find_devs(fd, DMABENCH_DEV_EDU, ids, 4) < 1)
		t_skip("no edu device");
	if (access(DRV "/unbind", W_OK))
		t_skip("%s/unbind: %s", DRV, strerror(errno));
	id = ids[0];
	ndevs = t_ndevs(fd);
	t_assert(t_dev_info(fd, id, &di) == 0, "DEV_INFO");
	snprintf(bdf, sizeof(bdf), "%s", (const char *)di.name);
	u.bdf = bdf;

	/* 1. unbind while an allocation holds the device */
	r = t_alloc(fd, &al, id, DMABENCH_API_ATTRS, 8192, 0);
	t_assert(r == 0, "ALLOC: %s", strerror(-r));
	h = al.handle;
	t_assert(pthread_create(&th, NULL, unbind_thread, &u) == 0, "pthread_create");
	obs = t_open();
	for (i = 0; i < 500 && t_dev_info(obs, id, &di) == 0; i++)
		msleep(10);
	t_assert(t_dev_info(obs, id, &di) == -ENODEV, "device %u still present 5 s after the unbind started", id);
	r = t_alloc(fd, &al, id, DMABENCH_API_ATTRS, 4096, 0);
	t_assert(r == -ENODEV, "ALLOC on a device being removed: %s, expected ENODEV", r ? strerror(-r) : "success");
	r = t_sgtable(fd, &st, h, NULL, 0);
	if (r != -ENODEV) {
		close(fd);	/* lets the unbind finish */
		pthread_join(th, NULL);
		sysfs_write(DRV "/bind", bdf);
		t_fail("GET_SGTABLE of an allocation on a device being removed: %s, expected ENODEV",
		       r ? strerror(-r) : "success (a new object on a gone device)");
	}
	close(fd);
	pthread_join(th, NULL);
	t_assert(u.ret == 0, "unbind %s: %s", bdf, strerror(-u.ret));

	/* 2. bound again: the old id */
	rebind(bdf, id, ndevs, obs, "first rebind");

	/* 3. more cycles than the registry has slots */
	for (i = 0; i < DMABENCH_MAX_DEVICES + 6; i++) {
		char what[32];

		r = sysfs_write(DRV "/unbind", bdf);
		t_assert(r == 0, "cycle %d: unbind: %s", i, strerror(-r));
		snprintf(what, sizeof(what), "cycle %d", i);
		rebind(bdf, id, ndevs, obs, what);
	}
	/* the device works after all that */
	r = t_alloc(obs, &al, id, DMABENCH_API_ATTRS, 4096, 0);
	t_assert(r == 0, "ALLOC after %d rebinds: %s", DMABENCH_MAX_DEVICES + 7, strerror(-r));
	close(obs);
	printf("dev_rebind: removal waits for objects, GET_SGTABLE -ENODEV meanwhile, %d rebinds keep id %u\n",
	       DMABENCH_MAX_DEVICES + 7, id);
	return T_PASS;
}
