// SPDX-License-Identifier: GPL-2.0
/* shm.c - records in the host/guest shared memory (see shm.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/shm.h"

static size_t rec_size(uint32_t len, uint32_t msg_len)
{
	return (sizeof(struct fz_rec) + (size_t)len + msg_len + 7) & ~(size_t)7;
}

int fz_rec_append(uint8_t *base, size_t off, size_t cap, uint64_t *used, uint32_t kind,
		  const void *data, uint32_t len, const char *msg)
{
	uint32_t mlen = msg ? (uint32_t)strlen(msg) : 0;
	size_t need = rec_size(len, mlen);
	struct fz_rec r = { FZ_REC_MAGIC, kind, len, mlen };
	uint64_t u = *(volatile uint64_t *)used;
	uint8_t *p;

	if (u > cap || need > cap - u)
		return -ENOSPC;
	p = base + off + u;
	memcpy(p, &r, sizeof(r));
	if (len)
		memcpy(p + sizeof(r), data, len);
	if (mlen)
		memcpy(p + sizeof(r) + len, msg, mlen);
	__sync_synchronize();	/* the record before its length */
	*(volatile uint64_t *)used = u + need;
	return 0;
}

int fz_rec_next(const uint8_t *base, size_t off, uint64_t used, uint64_t *pos, struct fz_rec *rec,
		const uint8_t **data, const char **msg)
{
	const uint8_t *p;

	if (*pos >= used)
		return 0;
	if (used - *pos < sizeof(*rec))
		return -EINVAL;
	p = base + off + *pos;
	memcpy(rec, p, sizeof(*rec));
	if (rec->magic != FZ_REC_MAGIC || rec->len > FZ_SHM_OUT_CAP || rec->msg_len > FZ_SHM_OUT_CAP ||
	    rec_size(rec->len, rec->msg_len) > used - *pos)
		return -EINVAL;
	*data = p + sizeof(*rec);
	*msg = (const char *)p + sizeof(*rec) + rec->len;
	*pos += rec_size(rec->len, rec->msg_len);
	return 1;
}

int fz_shm_find(char *path, size_t cap)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int ret = -ENODEV;

	if (!d)
		return -ENODEV;
	while (ret && (e = readdir(d))) {
		char p[512], id[64] = "", dev[32] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		if (!(f = fopen(p, "r")))
			continue;
		if (!fgets(id, sizeof(id), f))
			id[0] = 0;
		fclose(f);
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", e->d_name);
		if (!(f = fopen(p, "r")))
			continue;
		if (!fgets(dev, sizeof(dev), f))
			dev[0] = 0;
		fclose(f);
		id[strcspn(id, "\n")] = 0;
		dev[strcspn(dev, "\n")] = 0;
		strncat(id, " ", sizeof(id) - strlen(id) - 1);
		strncat(id, dev, sizeof(id) - strlen(id) - 1);
		if (strcmp(id, FZ_SHM_PCI_ID))
			continue;
		snprintf(path, cap, "/sys/bus/pci/devices/%s/resource2", e->d_name);
		ret = 0;
	}
	closedir(d);
	return ret;
}

uint8_t *fz_shm_map(const char *path, size_t size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	void *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

uint64_t fz_hash(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *b = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	while (len--) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}
