// SPDX-License-Identifier: GPL-2.0
/* Unit test: the kernel-report table's shape, message extraction, /dev/kmsg record parsing. */
#include <errno.h>

#include "klog.h"
#include "test_util.h"

int main(void)
{
	const char *msg;
	unsigned long long seq;
	size_t len;
	const struct dmab_kr_pattern *p;

	/* the table's shape; what each line means is checked by harness/vm/test_kreport.c */
	for (p = dmab_kr_patterns; p->text; p++) {
		CHECK(p->source && p->source[0]);
		CHECK(!p->cls == (p->level == DMAB_KR_NONE));
	}
	CHECK_STR(dmab_klog_msg("[   12.345678] WARNING: x"), "WARNING: x");
	CHECK_STR(dmab_klog_msg("[   12.345678] [    T1] WARNING: x"), "WARNING: x");
	CHECK_STR(dmab_klog_msg("[ no stamp"), "[ no stamp");
	CHECK(dmab_klog_match("x DMA-API: y") == NULL);	/* only at the start of a message */
	CHECK_STR(dmab_klog_match("DMA-API: dmabench 0000:00:02.0: y"), "DMA-API");

	{
		const char rec[] = "4,1234,5678901,-;WARNING: CPU: 0 PID: 1 at x\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:02.0\n";

		CHECK_EQ(dmab_kmsg_parse(rec, strlen(rec), &seq, &msg, &len), 0);
		CHECK_EQ_U(seq, 1234);
		CHECK_EQ_U(len, strlen("WARNING: CPU: 0 PID: 1 at x"));
		CHECK(strncmp(msg, "WARNING: CPU: 0 PID: 1 at x", len) == 0);
	}
	{
		/* newer kernels add a caller field */
		const char rec[] = "6,99,100,c,caller=T1;hello";

		CHECK_EQ(dmab_kmsg_parse(rec, strlen(rec), &seq, &msg, &len), 0);
		CHECK_EQ_U(seq, 99);
		CHECK_EQ_U(len, 5);
	}
	CHECK_EQ(dmab_kmsg_parse("garbage", 7, &seq, &msg, &len), -EINVAL);
	CHECK_EQ(dmab_kmsg_parse("x,1,2,-;m", 9, &seq, &msg, &len), -EINVAL);
	CHECK_EQ(dmab_kmsg_parse("4;m", 3, &seq, &msg, &len), -EINVAL);
	return t_done("test_klog");
}
