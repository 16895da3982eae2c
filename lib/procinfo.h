/* SPDX-License-Identifier: GPL-2.0 */
/*
 * procinfo.h - /proc readers. Each parser takes a FILE* (so tests can feed
 * fixtures through fmemopen()) and has a _path variant. All return 0 or
 * -errno (-ENOENT/-EACCES from open, -EINVAL when nothing parseable was
 * found, -EIO on read error).
 */
#ifndef DMAB_PROCINFO_H
#define DMAB_PROCINFO_H

#include <stdint.h>
#include <stdio.h>

#define DMAB_VMALLOCINFO_PATH	"/proc/vmallocinfo"
#define DMAB_MEMINFO_PATH	"/proc/meminfo"

struct dmab_vmallocinfo {
	uint64_t bytes;		/* sum of the size column over live areas */
	uint64_t areas;		/* number of live area lines */
	uint64_t unpurged_bytes;	/* lazily freed areas not yet purged */
	uint64_t unpurged_areas;
};

/*
 * Sum the size (second) column of /proc/vmallocinfo lines
 * ("0xffffc90000000000-0xffffc90000005000   20480 caller ..."). Lines that
 * do not look like that are ignored. An empty file is valid (0 areas).
 * "unpurged vm_area" lines (areas already freed, waiting for the lazy TLB
 * purge) are not live: they are summed separately, so that a vunmap()
 * shows up as a drop in bytes at once.
 */
int dmab_vmallocinfo_read(FILE *f, struct dmab_vmallocinfo *out);
int dmab_vmallocinfo_read_path(const char *path, struct dmab_vmallocinfo *out);

struct dmab_meminfo {
	uint64_t mem_total;	/* bytes */
	uint64_t mem_free;	/* bytes */
	uint64_t vmalloc_used;	/* bytes */
	uint64_t vmalloc_total;	/* bytes */
};

/* MemTotal, MemFree, VmallocUsed, VmallocTotal ("kB" values turned into bytes).
 * -EINVAL unless both MemFree and VmallocUsed were found. */
int dmab_meminfo_read(FILE *f, struct dmab_meminfo *out);
int dmab_meminfo_read_path(const char *path, struct dmab_meminfo *out);

/*
 * Read a whole (small, possibly unseekable) file into a malloc'd,
 * NUL-terminated buffer; trailing newlines are stripped. Caller frees.
 */
int dmab_read_text(const char *path, char **out, size_t max);

#endif
