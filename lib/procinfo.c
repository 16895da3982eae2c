// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procinfo.h"

int dmab_vmallocinfo_read(FILE *f, struct dmab_vmallocinfo *out)
{
	char line[1024];
	int c;

	out->bytes = 0;
	out->areas = 0;
	out->unpurged_bytes = 0;
	out->unpurged_areas = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *ep;
		unsigned long long sz;
		size_t len = strlen(line);

		/* swallow the rest of an over-long line */
		if (len == sizeof(line) - 1 && line[len - 1] != '\n')
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		if (strncmp(p, "0x", 2) != 0)
			continue;
		p = strchr(p, '-');
		if (!p)
			continue;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			continue;
		errno = 0;
		sz = strtoull(p, &ep, 10);
		if (errno || (*ep != ' ' && *ep != '\t' && *ep != '\n' && *ep != '\0'))
			continue;
		while (*ep == ' ' || *ep == '\t')
			ep++;
		if (strncmp(ep, "unpurged vm_area", 16) == 0) {
			out->unpurged_bytes += sz;
			out->unpurged_areas++;
		} else {
			out->bytes += sz;
			out->areas++;
		}
	}
	return ferror(f) ? -EIO : 0;
}

int dmab_vmallocinfo_read_path(const char *path, struct dmab_vmallocinfo *out)
{
	FILE *f = fopen(path ? path : DMAB_VMALLOCINFO_PATH, "re");
	int ret;

	if (!f)
		return -errno;
	ret = dmab_vmallocinfo_read(f, out);
	fclose(f);
	return ret;
}

static int meminfo_field(const char *line, const char *key, uint64_t *val)
{
	size_t kl = strlen(key);
	unsigned long long v;
	const char *p;
	char *ep;

	if (strncmp(line, key, kl) != 0 || line[kl] != ':')
		return 0;
	p = line + kl + 1;
	errno = 0;
	v = strtoull(p, &ep, 10);
	if (errno || ep == p)
		return 0;
	while (*ep == ' ' || *ep == '\t')
		ep++;
	if (strncmp(ep, "kB", 2) == 0)
		v *= 1024;
	*val = v;
	return 1;
}

int dmab_meminfo_read(FILE *f, struct dmab_meminfo *out)
{
	char line[256];
	int have_free = 0, have_vm = 0;

	memset(out, 0, sizeof(*out));
	while (fgets(line, sizeof(line), f)) {
		meminfo_field(line, "MemTotal", &out->mem_total);
		have_free |= meminfo_field(line, "MemFree", &out->mem_free);
		have_vm |= meminfo_field(line, "VmallocUsed", &out->vmalloc_used);
		meminfo_field(line, "VmallocTotal", &out->vmalloc_total);
	}
	if (ferror(f))
		return -EIO;
	return have_free && have_vm ? 0 : -EINVAL;
}

int dmab_meminfo_read_path(const char *path, struct dmab_meminfo *out)
{
	FILE *f = fopen(path ? path : DMAB_MEMINFO_PATH, "re");
	int ret;

	if (!f)
		return -errno;
	ret = dmab_meminfo_read(f, out);
	fclose(f);
	return ret;
}

int dmab_read_text(const char *path, char **out, size_t max)
{
	size_t cap = 4096, len = 0;
	char *buf;
	int fd;

	*out = NULL;
	if (max < 2)
		return -EINVAL;
	if (cap > max)
		cap = max;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb;

			if (cap >= max)
				break;
			cap *= 2;
			if (cap > max)
				cap = max;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	while (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	*out = buf;
	return 0;
}
