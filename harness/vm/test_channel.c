// SPDX-License-Identifier: GPL-2.0
/* test_channel.c - the results channel parser, writing into a temp dir. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/vm/channel.h"
#include "lib/test_util.h"

static struct dmab_channel c;

static int feed_str(const char *s)
{
	return dmab_channel_feed(&c, s, strlen(s));
}

static long fsize(const char *dir, const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) ? -1 : (long)st.st_size;
}

static int bad(const char *dir, const char *stream)
{
	dmab_channel_init(&c, dir);
	int r = feed_str(stream);
	dmab_channel_close(&c);
	return r == -EPROTO && c.state == DMAB_CHAN_ERROR;
}

int main(void)
{
	const char *dir = t_mktemp();
	char *buf = NULL;

	/* a complete stream, fed one byte at a time */
	const char *stream = "DMABENCH-FILE env.json 12\n{\"schema\":1}"
			     "\r\nDMABENCH-FILE empty.txt 0\n"
			     "DMABENCH-FILE test.ktap 20\nKTAP version 1\nok 1\n"
			     "DMABENCH-END 0\ntrailing junk";
	dmab_channel_init(&c, dir);
	for (size_t i = 0; stream[i]; i++) {
		CHECK_EQ(dmab_channel_feed(&c, stream + i, 1), 0);
		if (i == 30)
			CHECK_STR(dmab_channel_current(&c), "env.json");
	}
	CHECK_EQ(c.state, DMAB_CHAN_DONE);
	CHECK_EQ(c.end_status, 0);
	CHECK_EQ(c.nfiles, 3);
	CHECK_STR(c.files[0].name, "env.json");
	CHECK_EQ(c.files[0].size, 12);
	CHECK_STR(c.files[2].name, "test.ktap");
	CHECK_EQ(c.bytes, strlen(stream));
	CHECK_EQ(c.trailing, strlen("trailing junk"));
	CHECK_EQ(fsize(dir, "env.json"), 12);
	CHECK_EQ(fsize(dir, "empty.txt"), 0);
	CHECK_EQ(fsize(dir, "env.json.part"), -1);
	char p[512];
	snprintf(p, sizeof(p), "%s/test.ktap", dir);
	CHECK_EQ(dmab_read_file(p, &buf, NULL, 1 << 20), 0);
	CHECK_STR(buf, "KTAP version 1\nok 1\n");
	free(buf);
	dmab_channel_close(&c);

	/* binary payload containing record-like text and NULs, in one big feed */
	size_t n = 1 << 20;
	char *big = malloc(n + 200);
	int hl = sprintf(big, "DMABENCH-FILE blob.bin %zu\n", n);
	for (size_t i = 0; i < n; i++)
		big[hl + i] = (char)(i * 7);
	memcpy(big + hl + 100, "\nDMABENCH-END 9\n", 16);
	int tl = sprintf(big + hl + n, "DMABENCH-END 3\n");
	dmab_channel_init(&c, dir);
	CHECK_EQ(dmab_channel_feed(&c, big, (size_t)hl + n + (size_t)tl), 0);
	CHECK_EQ(c.state, DMAB_CHAN_DONE);
	CHECK_EQ(c.end_status, 3);
	CHECK_EQ(fsize(dir, "blob.bin"), (long)n);
	free(big);

	/* truncated: body incomplete, no END; close removes the partial file */
	dmab_channel_init(&c, dir);
	CHECK_EQ(feed_str("DMABENCH-FILE va.json 100\n{\"rows\":"), 0);
	CHECK_EQ(c.state, DMAB_CHAN_BODY);
	CHECK(fsize(dir, "va.json.part") >= 0);
	dmab_channel_close(&c);
	CHECK_EQ(fsize(dir, "va.json.part"), -1);
	CHECK_EQ(fsize(dir, "va.json"), -1);
	CHECK(c.state != DMAB_CHAN_DONE);

	/* protocol errors */
	CHECK(bad(dir, "garbage\n"));
	CHECK(bad(dir, "DMABENCH-FILE ../escape 3\nabc"));
	CHECK(bad(dir, "DMABENCH-FILE a/b 3\nabc"));
	CHECK(bad(dir, "DMABENCH-FILE .. 3\nabc"));
	CHECK(bad(dir, "DMABENCH-FILE console.log 3\nabc"));
	CHECK(bad(dir, "DMABENCH-FILE vm.json 3\nabc"));
	CHECK(bad(dir, "DMABENCH-FILE x.part 3\nabc"));
	CHECK(bad(dir, "DMABENCH-FILE ok.json -3\n"));
	CHECK(bad(dir, "DMABENCH-FILE ok.json 3x\n"));
	CHECK(bad(dir, "DMABENCH-FILE ok.json 99999999999999\n"));
	CHECK(bad(dir, "DMABENCH-FILE ok.json\n"));
	CHECK(bad(dir, "DMABENCH-FILE ok.json 1 extra\n"));
	CHECK(bad(dir, "DMABENCH-END\n"));
	CHECK(bad(dir, "DMABENCH-END zero\n"));
	dmab_channel_init(&c, dir);
	CHECK_EQ(dmab_channel_feed(&c, "DMABENCH-FILE a\0b 1\n", 20), -EPROTO);
	dmab_channel_close(&c);
	char longhdr[400];
	memset(longhdr, 'A', sizeof(longhdr) - 1);
	longhdr[sizeof(longhdr) - 1] = 0;
	CHECK(bad(dir, longhdr));
	CHECK(c.error[0] != 0);
	/* after an error, more input is refused */
	CHECK_EQ(feed_str("DMABENCH-END 0\n"), -EPROTO);
	/* nothing escaped the directory */
	CHECK_EQ(access("/tmp/escape", F_OK), -1);

	/* too many files */
	dmab_channel_init(&c, dir);
	int r = 0;
	for (int i = 0; i <= DMAB_CHAN_MAX_FILES && !r; i++) {
		char rec[64];
		snprintf(rec, sizeof(rec), "DMABENCH-FILE f%d 1\nx", i);
		r = feed_str(rec);
	}
	CHECK_EQ(r, -EPROTO);
	dmab_channel_close(&c);

	/* the same name twice keeps one entry, newest content */
	dmab_channel_init(&c, dir);
	CHECK_EQ(feed_str("DMABENCH-FILE a.txt 1\nxDMABENCH-FILE a.txt 2\nyzDMABENCH-END 1\n"), 0);
	CHECK_EQ(c.nfiles, 1);
	CHECK_EQ(c.files[0].size, 2);
	CHECK_EQ(c.end_status, 1);
	dmab_channel_close(&c);

	CHECK(dmab_plain_name("lat.json"));
	CHECK(dmab_plain_name("A-b_c.9"));
	CHECK(!dmab_plain_name(""));
	CHECK(!dmab_plain_name("a b"));
	CHECK(!dmab_plain_name("."));
	CHECK(!dmab_plain_name("x/y"));
	return t_done("test_channel");
}
