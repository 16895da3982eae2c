// SPDX-License-Identifier: GPL-2.0
/* Unit test: byte counts for people (dmab_size_str), size arguments (dmab_parse_size), the clock. */
#include <errno.h>

#include "util.h"
#include "test_util.h"

int main(void)
{
	char b[32];
	uint64_t v = 7;

	CHECK_STR(dmab_size_str(4096, b, sizeof(b)), "4K");
	CHECK_STR(dmab_size_str(1048576, b, sizeof(b)), "1M");
	CHECK_STR(dmab_size_str(3 * 1048576, b, sizeof(b)), "3M");
	CHECK_STR(dmab_size_str(1536 * 1024, b, sizeof(b)), "1536K");
	CHECK_STR(dmab_size_str(12345, b, sizeof(b)), "12345");
	CHECK_STR(dmab_size_str(1000, b, sizeof(b)), "1000");
	CHECK_STR(dmab_size_str(0, b, sizeof(b)), "0");
	CHECK_STR(dmab_size_str(-8192, b, sizeof(b)), "-8K");
	CHECK_STR(dmab_size_str(4096.5, b, sizeof(b)), "4096");	/* not a whole number of KiB: printed as is, rounded */

	CHECK_EQ(dmab_parse_size("4096", &v), 0);
	CHECK_EQ_U(v, 4096);
	CHECK_EQ(dmab_parse_size("0x1000", &v), 0);
	CHECK_EQ_U(v, 4096);
	CHECK_EQ(dmab_parse_size("64K", &v), 0);
	CHECK_EQ_U(v, 65536);
	CHECK_EQ(dmab_parse_size("1m", &v), 0);
	CHECK_EQ_U(v, 1048576);
	CHECK_EQ(dmab_parse_size("0", &v), 0);
	CHECK_EQ_U(v, 0);
	v = 7;
	CHECK_EQ(dmab_parse_size("", &v), -EINVAL);
	CHECK_EQ(dmab_parse_size("K", &v), -EINVAL);
	CHECK_EQ(dmab_parse_size("4KB", &v), -EINVAL);
	CHECK_EQ(dmab_parse_size("-1", &v), -EINVAL);
	CHECK_EQ(dmab_parse_size("99999999999999999999", &v), -EINVAL);
	CHECK_EQ(dmab_parse_size("18446744073709551615M", &v), -EINVAL);
	CHECK_EQ_U(v, 7);	/* errors change nothing */

	uint64_t t0 = dmab_now_ns();
	double s0 = dmab_now();
	dmab_sleep_ms(20);
	CHECK(dmab_now_ns() - t0 >= 20000000ULL);
	CHECK(dmab_now() - s0 >= 0.02);
	return t_done("test_size");
}
