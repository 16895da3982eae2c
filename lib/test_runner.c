// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test: the guest init's test runner (harness/guest/runner.h) on the
 * host, with shell-script tests in a temporary directory: KTAP lines for
 * pass, skip (with reason), fail with captured output, signal, timeout,
 * ignored non-executables. The kernel log is not checked here (the kmsg
 * path points nowhere); its patterns are covered by test_klog.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "harness/guest/runner.h"
#include "test_util.h"

static char dir[64];

static void script(const char *name, const char *body, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, mode);
}

static void progress(size_t i, size_t n, const char *name)
{
	(void)i;
	(void)n;
	(void)name;
}

static void rm_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char p[400];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int main(void)
{
	struct sbuf ktap = { 0 };
	struct run_totals tot;
	struct test_list l;
	char reason[64];
	int ret;

	if (getenv("DMABENCH_UNIT_NO_FORK")) {
		puts("SKIP: forking disabled");
		return 4;
	}
	runner_kmsg_path = "/nonexistent/kmsg";
	snprintf(dir, sizeof(dir), "/tmp/dmab-test-runner-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	script("a_ok", "echo hello", 0755);
	script("b_skip", "echo 'probing'; echo 'SKIP: no edu device # really'; exit 4", 0755);
	script("c_fail", "echo to-stdout; echo to-stderr >&2; exit 3", 0755);
	script("d_signal", "kill -SEGV $$", 0755);
	script("e_timeout", "echo started; exec sleep 30", 0755);
	script("f_not_executable", "exit 1", 0644);
	script(".hidden", "exit 1", 0755);
	script("g_skip_noreason", "exit 4", 0755);

	CHECK_EQ(test_list_read(dir, &l), 0);
	CHECK_EQ_U(l.n, 6);
	if (l.n == 6) {
		CHECK_STR(l.names[0], "a_ok");
		CHECK_STR(l.names[5], "g_skip_noreason");
	}
	test_list_free(&l);
	CHECK_EQ(test_list_read("/nonexistent/dir", &l), -ENOENT);

	ret = run_tests(dir, 1, &ktap, &tot, progress);
	CHECK_EQ(ret, 1);
	CHECK_EQ_U(tot.pass, 1);
	CHECK_EQ_U(tot.skip, 2);
	CHECK_EQ_U(tot.fail, 3);
	CHECK(ktap.p != NULL);
	if (ktap.p) {
		CHECK(strncmp(ktap.p, "KTAP version 1\n1..6\n", 20) == 0);
		CHECK(strstr(ktap.p, "\nok 1 a_ok\n") != NULL);
		CHECK(strstr(ktap.p, "\nok 2 b_skip # SKIP no edu device   really\n") != NULL);
		CHECK(strstr(ktap.p, "\nnot ok 3 c_fail\n# c_fail: exit 3 (") != NULL);
		CHECK(strstr(ktap.p, "\n# to-stdout\n") != NULL);
		CHECK(strstr(ktap.p, "\n# to-stderr\n") != NULL);
		CHECK(strstr(ktap.p, "\nnot ok 4 d_signal\n# d_signal: signal 11 (") != NULL);
		CHECK(strstr(ktap.p, "\nnot ok 5 e_timeout\n# e_timeout: timeout after 1 s (killed)") != NULL);
		CHECK(strstr(ktap.p, "\n# started\n") != NULL);
		CHECK(strstr(ktap.p, "\nok 6 g_skip_noreason # SKIP\n") != NULL);
		CHECK(strstr(ktap.p, "hello") == NULL);	/* passing output is not repeated */
		CHECK(strstr(ktap.p, "f_not_executable") == NULL);
		CHECK(strstr(ktap.p, "# kernel log not checked: /nonexistent/kmsg") != NULL);
	}
	if (t_failures)
		fprintf(stderr, "KTAP was:\n%s", ktap.p ? ktap.p : "(none)");
	sb_free(&ktap);

	/* missing directory: a KTAP plan of 0 and an error */
	ret = run_tests("/nonexistent/dir", 1, &ktap, &tot, NULL);
	CHECK_EQ(ret, -ENOENT);
	CHECK(ktap.p && strstr(ktap.p, "1..0 # SKIP cannot read /nonexistent/dir") != NULL);
	sb_free(&ktap);

	/* helpers */
	skip_reason("x\nSKIP: why not\nmore", 19, reason, sizeof(reason));
	CHECK_STR(reason, "why not");
	skip_reason("no reason here", 14, reason, sizeof(reason));
	CHECK_STR(reason, "");
	{
		struct sbuf b = { 0 };

		diag_lines(&b, "1\n2\n3\n4", 7, 2);
		CHECK_STR(b.p, "# ... (2 earlier output lines dropped)\n# 3\n# 4\n");
		sb_free(&b);
		diag_lines(&b, "a\n\nb\n", 5, 10);
		CHECK_STR(b.p, "# a\n# \n# b\n");
		sb_free(&b);
	}
	{
		/* expect-fault bracket: only IOMMU fault lines inside it are tolerated */
		static const char *const recs[] = {
			"6,1,1,-;DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x1000 (before)",
			"6,2,1,-;dmabench-test: begin share_fault",
			"6,3,1,-;DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x1000",
			"6,4,1,-;" DMAB_KLOG_EXPECT_FAULT_BEGIN,
			"3,5,1,-;DMAR: DRHD: handling fault status reg 2",
			"3,6,1,-;DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x2000",
			"4,7,1,-;WARNING: CPU: 0 PID: 1 at somewhere",
			"6,8,1,-;" DMAB_KLOG_EXPECT_FAULT_END,
			"3,9,1,-;AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x1000 flags=0x0000]",
		};
		struct kmsg_scan k = { .rfd = -1, .wfd = -1 };
		struct sbuf b = { 0 };
		int sv[2];
		size_t i;

		CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
		for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
			CHECK_EQ(write(sv[1], recs[i], strlen(recs[i])), (ssize_t)strlen(recs[i]));
		k.rfd = sv[0];
		CHECK_EQ(kmsg_collect(&k, "dmabench-test: begin share_fault\n", &b), 3);
		CHECK(b.p && strstr(b.p, "fault addr 0x1000\n") && strstr(b.p, "WARNING: CPU") &&
		      strstr(b.p, "AMD-Vi: Event logged") && !strstr(b.p, "0x2000") && !strstr(b.p, "(before)"));
		sb_free(&b);
		close(sv[0]);
		close(sv[1]);
	}
	rm_dir();
	return t_done("test_runner");
}
