/* SPDX-License-Identifier: GPL-2.0 */
/*
 * channel.h - host half of the guest -> host results channel (ttyS1).
 *
 * The byte stream is a sequence of records
 *     DMABENCH-FILE <name> <nbytes>\n<exactly nbytes bytes>
 * ended by
 *     DMABENCH-END <status>\n
 * Names are plain file names ([A-Za-z0-9._-], not "."/".."); the host's own
 * files (console.log, vm.json) cannot be overwritten. Empty lines and '\r'
 * between records are tolerated; anything else is a protocol error.
 * The parser is incremental: feed it whatever was read so far.
 */
#ifndef DMAB_CHANNEL_H
#define DMAB_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define DMAB_CHAN_MAX_FILES	32
#define DMAB_CHAN_MAX_FILE	(1ULL << 30)
#define DMAB_CHAN_LINE_MAX	256

enum dmab_chan_state { DMAB_CHAN_HEADER, DMAB_CHAN_BODY, DMAB_CHAN_DONE, DMAB_CHAN_ERROR };

struct dmab_chan_file {
	char name[132];
	uint64_t size;
};

struct dmab_channel {
	char dir[4096];			/* received files go here */
	enum dmab_chan_state state;
	char line[DMAB_CHAN_LINE_MAX + 1];
	size_t linelen;
	FILE *cur;			/* file being received (written as <name>.part) */
	uint64_t remaining;
	struct dmab_chan_file files[DMAB_CHAN_MAX_FILES];
	int nfiles;
	int end_status;
	uint64_t bytes;			/* total bytes fed, records and payload */
	uint64_t trailing;		/* bytes after DMABENCH-END (ignored) */
	char error[256];
};

/* dir must exist. */
void dmab_channel_init(struct dmab_channel *c, const char *dir);
/* Returns 0, or -EPROTO/-EIO once the channel is in the error state. */
int dmab_channel_feed(struct dmab_channel *c, const void *buf, size_t len);
/* Release the open file, remove a partial one. */
void dmab_channel_close(struct dmab_channel *c);
/* The current record being received (for progress), or NULL. */
const char *dmab_channel_current(const struct dmab_channel *c);

#endif
