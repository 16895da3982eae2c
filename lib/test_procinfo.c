// SPDX-License-Identifier: GPL-2.0
/* Unit test: /proc/vmallocinfo and /proc/meminfo parsers on fixtures. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "procinfo.h"
#include "test_util.h"

static const char vmallocinfo[] =
	"0xffffa8c940000000-0xffffa8c940002000    8192 acpi_os_map_iomem+0x1c2/0x1f0 phys=0x000000003ffe0000 ioremap\n"
	"0xffffa8c940005000-0xffffa8c940007000    8192 hpet_enable+0x3d/0x2f0 phys=0x00000000fed00000 ioremap\n"
	"0xffffa8c940008000-0xffffa8c94000d000   20480 dma_common_contiguous_remap+0x9b/0xd0 pages=4 vmalloc vpages\n"
	"0xffffa8c940010000-0xffffa8c940015000   20480 vm_map_ram\n"
	"0xffffa8c940020000-0xffffa8c940031000   69632 unpurged vm_area\n"
	"this line is garbage\n"
	"0xffffa8c9400f0000-0xffffa8c9400f2000  notanumber foo\n"
	"\n";

static const char meminfo[] =
	"MemTotal:        1005284 kB\n"
	"MemFree:          935640 kB\n"
	"MemAvailable:     904380 kB\n"
	"VmallocTotal:   34359738367 kB\n"
	"VmallocUsed:        7396 kB\n"
	"VmallocChunk:          0 kB\n"
	"HugePages_Total:       0\n";

static FILE *fixture(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	if (!f) {
		perror("fmemopen");
		exit(1);
	}
	return f;
}

int main(void)
{
	struct dmab_vmallocinfo v;
	struct dmab_meminfo m;
	char path[] = "/tmp/dmab-test-procinfo-XXXXXX";
	char *text = NULL;
	FILE *f;
	int fd;

	f = fixture(vmallocinfo);
	CHECK_EQ(dmab_vmallocinfo_read(f, &v), 0);
	fclose(f);
	CHECK_EQ_U(v.areas, 4);
	CHECK_EQ_U(v.bytes, 8192 + 8192 + 20480 + 20480);
	CHECK_EQ_U(v.unpurged_areas, 1);
	CHECK_EQ_U(v.unpurged_bytes, 69632);

	f = fixture("");
	CHECK_EQ(dmab_vmallocinfo_read(f, &v), 0);
	fclose(f);
	CHECK_EQ_U(v.areas, 0);
	CHECK_EQ_U(v.bytes, 0);

	/* an over-long line does not derail the next one */
	{
		char big[4096];
		size_t n;

		n = (size_t)snprintf(big, sizeof(big), "0xffff0000-0xffff1000 4096 ");
		memset(big + n, 'x', 3000);
		n += 3000;
		n += (size_t)snprintf(big + n, sizeof(big) - n, " 0xdead-0xbeef 999\n0xa-0xb 8192 x\n");
		f = fixture(big);
		CHECK_EQ(dmab_vmallocinfo_read(f, &v), 0);
		fclose(f);
		CHECK_EQ_U(v.areas, 2);
		CHECK_EQ_U(v.bytes, 4096 + 8192);
	}

	f = fixture(meminfo);
	CHECK_EQ(dmab_meminfo_read(f, &m), 0);
	fclose(f);
	CHECK_EQ_U(m.mem_total, 1005284ULL * 1024);
	CHECK_EQ_U(m.mem_free, 935640ULL * 1024);
	CHECK_EQ_U(m.vmalloc_used, 7396ULL * 1024);
	CHECK_EQ_U(m.vmalloc_total, 34359738367ULL * 1024);

	/* MemFreeX must not match MemFree; missing fields are an error */
	f = fixture("MemFreeX: 5 kB\nVmallocUsed: 1 kB\n");
	CHECK_EQ(dmab_meminfo_read(f, &m), -EINVAL);
	fclose(f);
	f = fixture("MemFree: 5 kB\n");
	CHECK_EQ(dmab_meminfo_read(f, &m), -EINVAL);
	fclose(f);

	/* path variants on a real file, and a missing one */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, meminfo, strlen(meminfo)) == (ssize_t)strlen(meminfo));
		close(fd);
		CHECK_EQ(dmab_meminfo_read_path(path, &m), 0);
		CHECK_EQ_U(m.vmalloc_used, 7396ULL * 1024);
		CHECK_EQ(dmab_vmallocinfo_read_path(path, &v), 0);
		CHECK_EQ_U(v.areas, 0);
		CHECK_EQ(dmab_read_text(path, &text, 1 << 20), 0);
		CHECK(text && strncmp(text, "MemTotal:", 9) == 0);
		CHECK(text && text[strlen(text) - 1] != '\n');	/* trailing newline stripped */
		free(text);
		CHECK_EQ(dmab_read_text(path, &text, 16), 0);	/* capped */
		CHECK(text && strlen(text) == 15);
		free(text);
		unlink(path);
	}
	CHECK_EQ(dmab_meminfo_read_path("/nonexistent/meminfo", &m), -ENOENT);
	CHECK_EQ(dmab_vmallocinfo_read_path("/nonexistent/vmallocinfo", &v), -ENOENT);
	CHECK_EQ(dmab_read_text("/nonexistent/x", &text, 100), -ENOENT);
	CHECK(text == NULL);

	/* the real files, when readable (not an error when not) */
	if (dmab_meminfo_read_path(NULL, &m) == 0)
		CHECK(m.mem_total > 0);
	return t_done("test_procinfo");
}
