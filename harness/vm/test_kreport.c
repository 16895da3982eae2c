// SPDX-License-Identifier: GPL-2.0
/*
 * test_kreport.c - one answer per kernel log line. Every line of
 * kreport-corpus.txt ("<class>|<line>") goes through every consumer of
 * lib/klog.c's table:
 *  - the host's console watcher (dmab_console_line: panic / oops / warn event),
 *  - the guest's test runner (kmsg_collect of harness/guest/runner.h, fed
 *    /dev/kmsg records through a SOCK_SEQPACKET pair: a failing line, and an
 *    IOMMU fault tolerated only inside the expect-fault brackets),
 *  - the kmsg scanner of bench/share and the sharing tests (dmab_kmsg_poll),
 *  - the fuzz target's oracle (dmab_klog_match on the message) and the fuzz
 *    host's finding class, from the console text and from the guest's
 *    FINDING line (dmab_fuzz_classify, dmab_fuzz_class_exit),
 * and each must give the corpus's class (or "no report").
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz/program.h"
#include "harness/fuzzhost/fuzzhost.h"
#include "harness/guest/runner.h"
#include "harness/vm/console.h"
#include "harness/vm/exitcodes.h"
#include "lib/kmsg.h"
#include "lib/test_util.h"

static int sp[2] = { -1, -1 };	/* [0] read by the consumer, [1] written by the test */
static unsigned long long seq;

static void rec(const char *msg)
{
	char r[1200];
	int n = snprintf(r, sizeof(r), "6,%llu,1000,-;%s\n", ++seq, msg);

	if (write(sp[1], r, (size_t)n) != n) {
		perror("write");
		exit(1);
	}
}

static void pairs(void)
{
	if (sp[0] >= 0) {
		close(sp[0]);
		close(sp[1]);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sp)) {
		perror("socketpair");
		exit(1);
	}
}

/* the guest test runner: lines after the marker that fail the test */
static int runner_bad(const char *msg, bool bracketed)
{
	struct kmsg_scan k = { .rfd = -1, .wfd = -1 };
	struct sbuf bad = { 0 };
	int n;

	pairs();
	rec("dmabench-test: begin t");
	if (bracketed)
		rec(DMAB_KLOG_EXPECT_FAULT_BEGIN);
	rec(msg);
	if (bracketed)
		rec(DMAB_KLOG_EXPECT_FAULT_END);
	k.rfd = sp[0];
	n = kmsg_collect(&k, "dmabench-test: begin t", &bad);
	sb_free(&bad);
	return n;
}

/* lib/kmsg.c: which of first / bad / fault the line lands in */
static void kmsg_poll_line(const char *msg, bool *bad, bool *fault)
{
	struct dmab_kmsg k;

	memset(&k, 0, sizeof(k));
	k.wfd = -1;
	pairs();
	rec(msg);
	k.rfd = sp[0];
	dmab_kmsg_poll(&k);
	*bad = k.nbad > 0;
	*fault = k.nfault > 0;
}

static enum dmab_con_event con_expect(const struct dmab_kr_pattern *p)
{
	if (!p)
		return DMAB_CON_NONE;
	return p->level == DMAB_KR_PANIC ? DMAB_CON_PANIC : p->level == DMAB_KR_OOPS ? DMAB_CON_OOPS :
	       p->level == DMAB_KR_WARN ? DMAB_CON_WARN : DMAB_CON_FAULT;
}

static void one(const char *cls, const char *line, int lineno)
{
	const char *msg = dmab_klog_msg(line);
	const struct dmab_kr_pattern *want = NULL;
	bool report = strcmp(cls, "-") != 0, bad, fault;
	enum dmab_con_event ev = dmab_console_line(line, NULL);
	char finding[1400], text[1400];
	const char *fl;
	size_t fll;
	int fails = t_failures;

	/* the corpus names a class the table has */
	for (const struct dmab_kr_pattern *p = dmab_kr_patterns; report && p->text; p++)
		if (p->cls && !strcmp(p->cls, cls)) {
			want = p;
			break;
		}
	CHECK(!report || want);
	/* the table itself */
	CHECK_STR(dmab_klog_match(line) ? dmab_klog_match(line) : "-", cls);
	CHECK_STR(dmab_klog_match(msg) ? dmab_klog_match(msg) : "-", cls);
	CHECK_EQ(dmab_klog_iommu_fault(line), want && want->level == DMAB_KR_FAULT);
	/* host console watcher (init and progress lines are not reports either) */
	if (ev == DMAB_CON_INIT || ev == DMAB_CON_PROGRESS)
		ev = DMAB_CON_NONE;
	CHECK_EQ(ev, con_expect(report ? dmab_kreport(line) : NULL));
	/* guest test runner: outside the brackets every report fails the test, inside only non-faults */
	CHECK_EQ(runner_bad(msg, false), report);
	CHECK_EQ(runner_bad(msg, true), report && want && want->level != DMAB_KR_FAULT);
	/* kmsg scanner */
	kmsg_poll_line(msg, &bad, &fault);
	if (strncmp(msg, "dmabench-test: ", 15)) {	/* its own markers are skipped */
		CHECK_EQ(bad, report);
		CHECK_EQ(fault, want && want->level == DMAB_KR_FAULT);
	}
	/*
	 * fuzz host: the console text of a dead VM, and the guest oracle's FINDING line;
	 * a known report (lib/klog.c dmab_kr_known[]) is skipped there, and tallied
	 */
	const struct dmab_kr_known *known = dmab_kreport_known(line);
	struct dmab_klog_scan sc = { 0 };
	unsigned int kn[16] = { 0 };

	CHECK(!known || (report && !strcmp(known->cls, cls)));
	snprintf(text, sizeof(text), "[    1.000000] dmabench-init: start\n%s\n", line);
	CHECK_STR(dmab_fuzz_classify(text, &fl, &fll), report && !known ? cls : "oracle");
	CHECK(dmab_kreport_first_new(text, &fl, &fll, &sc, kn) == (known ? NULL : dmab_kreport(line)));
	CHECK_EQ(known ? kn[known - dmab_kr_known] : 0, known ? 1 : 0);
	if (report)
		CHECK_EQ(dmab_fuzz_class_exit(cls), dmab_kr_level_exit(want->level));
	if (report) {
		snprintf(finding, sizeof(finding), "FINDING kernel-log: " FUZZ_KLOG_QUOTE "%s", msg);
		CHECK_STR(dmab_fuzz_classify(finding, &fl, &fll), known ? "oracle" : cls);
	}
	if (t_failures != fails)
		fprintf(stderr, "  ^ kreport-corpus.txt:%d: %s|%s\n", lineno, cls, line);
}

int main(void)
{
	char repo[4096], path[4200], *buf = NULL;
	int lineno = 0, n = 0, classes = 0;
	const char *seen[64];

	runner_kmsg_path = "/nonexistent/kmsg";
	dmab_repo_root(repo, sizeof(repo));
	snprintf(path, sizeof(path), "%s/harness/vm/kreport-corpus.txt", repo);
	if (dmab_read_file(path, &buf, NULL, 1 << 20)) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *bar = strchr(l, '|');
		bool dup = false;

		lineno++;	/* blank lines are skipped by strtok_r: numbers are of non-blank lines */
		if (l[0] == '#' || !bar)
			continue;
		*bar = 0;
		one(l, bar + 1, lineno);
		n++;
		for (int i = 0; i < classes; i++)
			dup |= !strcmp(seen[i], l);
		if (!dup && classes < 64)
			seen[classes++] = l;
	}
	/* the corpus covers every class of the table */
	for (const struct dmab_kr_pattern *p = dmab_kr_patterns; p->text; p++) {
		bool found = !p->cls;

		for (int i = 0; i < classes && !found; i++)
			found = !strcmp(seen[i], p->cls);
		if (!found)
			fprintf(stderr, "class %s (%s) has no corpus line\n", p->cls, p->text);
		CHECK(found);
	}
	CHECK(n >= 60);
	printf("%d corpus lines, %d classes incl. \"-\"\n", n, classes);
	close(sp[0]);
	close(sp[1]);
	free(buf);
	return t_done("test_kreport");
}
