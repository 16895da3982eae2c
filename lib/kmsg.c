// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "klog.h"
#include "kmsg.h"

int dmab_kmsg_open(struct dmab_kmsg *k, const char *path)
{
	memset(k, 0, sizeof(*k));
	k->wfd = -1;
	k->rfd = open(path ? path : "/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->rfd < 0)
		return -errno;
	k->wfd = open(path ? path : "/dev/kmsg", O_WRONLY | O_CLOEXEC);
	return 0;
}

void dmab_kmsg_close(struct dmab_kmsg *k)
{
	if (k->rfd >= 0)
		close(k->rfd);
	if (k->wfd >= 0)
		close(k->wfd);
	k->rfd = k->wfd = -1;
}

void dmab_kmsg_write(struct dmab_kmsg *k, const char *text)
{
	char line[512];
	int n;

	if (k->wfd < 0 || !text)
		return;
	n = snprintf(line, sizeof(line), "%s\n", text);
	if (n > 0)
		(void)!write(k->wfd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void dmab_kmsg_mark(struct dmab_kmsg *k, const char *text)
{
	k->first[0] = k->bad[0] = k->fault[0] = k->match[0] = '\0';
	k->nlines = k->nbad = k->nfault = k->nmatch = 0;
	if (k->rfd >= 0)
		lseek(k->rfd, 0, SEEK_END);
	snprintf(k->marker, sizeof(k->marker), "%s", text ? text : "");
	dmab_kmsg_write(k, text);
}

static void keep(char *dst, size_t cap, const char *msg, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, msg, len);
	dst[len] = '\0';
}

int dmab_kmsg_poll(struct dmab_kmsg *k)
{
	char rec[8192], line[1024];
	int n = 0;

	if (k->rfd < 0)
		return 0;
	for (;;) {
		ssize_t r = read(k->rfd, rec, sizeof(rec) - 1);
		unsigned long long seq;
		const char *msg;
		size_t len;

		if (r < 0 && (errno == EPIPE || errno == EINTR))
			continue;
		if (r <= 0)
			break;
		rec[r] = '\0';
		if (dmab_kmsg_parse(rec, (size_t)r, &seq, &msg, &len))
			continue;
		keep(line, sizeof(line), msg, len);
		/* markers and brackets of the tools themselves */
		if ((k->marker[0] && !strcmp(line, k->marker)) || !strncmp(line, "dmabench-test: ", 15) ||
		    !strncmp(line, "dmabench-share: ", 16))
			continue;
		n++;
		if (!k->nlines++)
			keep(k->first, sizeof(k->first), line, strlen(line));
		if (dmab_klog_match(line) && !k->nbad++)
			keep(k->bad, sizeof(k->bad), line, strlen(line));
		if (dmab_klog_iommu_fault(line) && !k->nfault++)
			keep(k->fault, sizeof(k->fault), line, strlen(line));
		if (k->needle && strstr(line, k->needle) && !k->nmatch++)
			keep(k->match, sizeof(k->match), line, strlen(line));
	}
	return n;
}
