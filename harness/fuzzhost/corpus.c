// SPDX-License-Identifier: GPL-2.0
/* corpus.c - the fuzz host's corpus: kept on the host (results/<id>/corpus/), seeded from fuzz/corpus or --corpus, handed to every boot through the shared memory. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/fuzzhost/fz.h"
#include "lib/util.h"

int write_bytes(const char *path, const void *b, size_t n)
{
	return dmab_write_file(path, b, n);
}


/* Add data to the corpus dir (name = content hash). Returns 1 if new. */
int corpus_add(struct fz *z, const uint8_t *data, size_t len)
{
	char p[4500];
	struct stat st;

	if (!len)
		return 0;
	snprintf(p, sizeof(p), "%s/%016llx", z->corpus, (unsigned long long)fz_hash(data, len, 0));
	if (!stat(p, &st))
		return 0;
	if (write_bytes(p, data, len))
		return 0;
	z->corpus_n++;
	return 1;
}

void corpus_drop(struct fz *z, const uint8_t *data, size_t len)
{
	char p[4500];

	snprintf(p, sizeof(p), "%s/%016llx", z->corpus, (unsigned long long)fz_hash(data, len, 0));
	if (!unlink(p) && z->corpus_n)
		z->corpus_n--;
}

/*
 * fn(z, bytes, len, arg) for every regular file of dir (dot files and files
 * above FZ_SHM_INPUT_MAX skipped). 0 or -errno from opendir().
 */
static int dir_each_input(struct fz *z, const char *dir,
			  void (*fn)(struct fz *z, const uint8_t *b, size_t l, void *arg), void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char p[4600], *b = NULL;
		size_t l = 0;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%.4200s/%.255s", dir, e->d_name);
		if (!dmab_is_file(p) || dmab_read_file(p, &b, &l, FZ_SHM_INPUT_MAX))
			continue;
		fn(z, (const uint8_t *)b, l, arg);
		free(b);
	}
	closedir(d);
	return 0;
}

static void seed_one(struct fz *z, const uint8_t *b, size_t l, void *arg)
{
	(void)arg;
	corpus_add(z, b, l);
}

/* Copy every regular file of dir into the corpus. */
int corpus_seed(struct fz *z, const char *dir)
{
	return dir_each_input(z, dir, seed_one, NULL);
}

/* shm_prepare(): one corpus entry into the "in" area; arg = counts[2]: handed over, skipped */
static void shm_one(struct fz *z, const uint8_t *b, size_t l, void *arg)
{
	unsigned int *counts = arg;

	if (fz_rec_append(z->shm_base, FZ_SHM_IN_OFF, FZ_SHM_IN_CAP, &z->shm->in_len, FZ_REC_CORPUS, b,
			  (uint32_t)l, NULL))
		counts[1]++;
	else
		counts[0]++;
}

/* Fresh header and "in" area: the corpus (campaign) or one input (replay). */
int shm_prepare(struct fz *z, uint32_t mode, const uint8_t *single, size_t single_len)
{
	struct fz_shm *h = z->shm;
	unsigned int counts[2] = { 0, 0 };
	int ret;

	memset(z->shm_base, 0, FZ_SHM_IN_OFF);
	z->out_pos = 0;
	h->magic = FZ_SHM_MAGIC;
	h->version = 1;
	h->mode = mode;
	if (single)
		return fz_rec_append(z->shm_base, FZ_SHM_IN_OFF, FZ_SHM_IN_CAP, &h->in_len, FZ_REC_CORPUS, single,
				     (uint32_t)single_len, NULL);
	ret = dir_each_input(z, z->corpus, shm_one, counts);
	if (ret)
		return ret;
	z->corpus_n = counts[0] + counts[1];
	if (counts[1] && !z->quiet)
		fprintf(stderr, "dmabench: fuzz: shared memory full: %u of %u corpus entries not handed to the VM\n",
			counts[1], z->corpus_n);
	return 0;
}
