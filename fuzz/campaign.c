// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz (guest job "fuzz"): a short in-guest libFuzzer campaign. Runs
 * <bindir>/fuzz-dmabench for --time seconds (default 60) over a fresh corpus
 * seeded from <root>/fuzz/corpus with <root>/fuzz/dmabench.dict, then
 * writes OUT.json: libFuzzer's last stats line (runs, cov, ft, corpus
 * size and bytes, exec/s), its exit status, and the first finding with the
 * saved input (hex) when the campaign stopped on one.
 * Exit 0 clean, 1 a finding or crash, 2 usage or setup error, 4 no
 * fuzz-dmabench in this guest (arm64).
 *
 *   fuzz OUT.json [--time S] [--bin PATH] [--seeds DIR] [--dict PATH]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"

struct stats {
	unsigned long long runs, cov, ft, corp, corp_bytes, execs;
	char finding[1024], artifact[1024];
};

static void parse_log(const char *path, struct stats *s)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p;

		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "FINDING ", 8) && !s->finding[0])
			snprintf(s->finding, sizeof(s->finding), "%s", line);
		else if (!s->finding[0] && (strstr(line, "ERROR: libFuzzer:") || strstr(line, "ERROR: AddressSanitizer")))
			snprintf(s->finding, sizeof(s->finding), "%s", line);
		if ((p = strstr(line, "Test unit written to ")))
			snprintf(s->artifact, sizeof(s->artifact), "%s", p + 21);
		if (line[0] != '#' || !strstr(line, "cov:"))
			continue;
		s->runs = strtoull(line + 1, NULL, 10);
		if ((p = strstr(line, "cov: ")))
			s->cov = strtoull(p + 5, NULL, 10);
		if ((p = strstr(line, "ft: ")))
			s->ft = strtoull(p + 4, NULL, 10);
		if ((p = strstr(line, "corp: "))) {
			s->corp = strtoull(p + 6, &p, 10);
			if (*p == '/')
				s->corp_bytes = strtoull(p + 1, &p, 10) * (*p == 'K' ? 1024 : *p == 'M' ? 1048576 : 1);
		}
		if ((p = strstr(line, "exec/s: ")))
			s->execs = strtoull(p + 8, NULL, 10);
	}
	fclose(f);
}

static void hex_of(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t o = 0;
	int c;

	out[0] = 0;
	if (!f)
		return;
	while ((c = fgetc(f)) != EOF && o + 3 < cap)
		o += (size_t)snprintf(out + o, cap - o, "%02x", c);
	fclose(f);
}

int main(int argc, char **argv)
{
	char exe[512], bindir[600], root[512], bin[700], seeds[700], dict[700], work[600];
	char corpus[700], arts[700], log[700], tmax[64], dictarg[720], artarg[720], hex[4096];
	const char *out, *obin = NULL, *oseeds = NULL, *odict = NULL;
	unsigned long secs = 60;
	struct stats s = { 0 };
	struct timespec t0, t1;
	struct dmab_json j;
	int i, status = 0, fd, rc;
	pid_t pid;
	ssize_t n;
	FILE *f;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: fuzz OUT.json [--time S] [--bin PATH] [--seeds DIR] [--dict PATH]\n");
		return 2;
	}
	out = argv[1];
	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--time"))
			secs = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--bin"))
			obin = argv[i + 1];
		else if (!strcmp(argv[i], "--seeds"))
			oseeds = argv[i + 1];
		else if (!strcmp(argv[i], "--dict"))
			odict = argv[i + 1];
		else {
			fprintf(stderr, "fuzz: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (i < argc || !secs) {
		fprintf(stderr, "fuzz: bad arguments\n");
		return 2;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 2;
	exe[n] = 0;
	snprintf(bindir, sizeof(bindir), "%s", dirname(exe));
	snprintf(root, sizeof(root), "%s", dirname(bindir));	/* dirname may modify bindir: root first */
	snprintf(bindir, sizeof(bindir), "%s/bin", strcmp(root, "/") ? root : "");
	snprintf(bin, sizeof(bin), "%s", obin ? obin : "");
	if (!obin)
		snprintf(bin, sizeof(bin), "%s/fuzz-dmabench", bindir);
	snprintf(seeds, sizeof(seeds), "%s", oseeds ? oseeds : "");
	if (!oseeds)
		snprintf(seeds, sizeof(seeds), "%s/fuzz/corpus", strcmp(root, "/") ? root : "");
	snprintf(dict, sizeof(dict), "%s", odict ? odict : "");
	if (!odict)
		snprintf(dict, sizeof(dict), "%s/fuzz/dmabench.dict", strcmp(root, "/") ? root : "");
	if (access(bin, X_OK)) {
		printf("SKIP: %s: %s (the libFuzzer target is built for x86_64 guests only)\n", bin,
		       strerror(errno));
		return 4;
	}
	snprintf(work, sizeof(work), "%s", out);
	snprintf(work, sizeof(work), "%s", dirname(work));
	snprintf(corpus, sizeof(corpus), "%s/fuzz-corpus", work);
	snprintf(arts, sizeof(arts), "%s/fuzz-artifacts/", work);
	snprintf(log, sizeof(log), "%s/fuzz.log", work);
	mkdir(corpus, 0755);
	mkdir(arts, 0755);
	snprintf(tmax, sizeof(tmax), "-max_total_time=%lu", secs);
	snprintf(dictarg, sizeof(dictarg), "-dict=%s", dict);
	snprintf(artarg, sizeof(artarg), "-artifact_prefix=%s", arts);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		char *cargv[10];
		int k = 0;

		cargv[k++] = bin;
		cargv[k++] = tmax;
		cargv[k++] = artarg;
		cargv[k++] = "-print_final_stats=1";
		cargv[k++] = "-timeout=30";
		if (!access(dict, R_OK))
			cargv[k++] = dictarg;
		cargv[k++] = corpus;
		cargv[k++] = seeds;
		cargv[k] = NULL;
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv(bin, cargv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	parse_log(log, &s);
	if (s.artifact[0])
		hex_of(s.artifact, hex, sizeof(hex));
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	f = fopen(out, "w");
	if (!f)
		return 2;
	dmab_json_init(&j, f, 1);
	dmab_json_obj_begin(&j);
	dmab_json_kv_u64(&j, "schema", 1);
	dmab_json_kv_u64(&j, "max_total_time", secs);
	dmab_json_kv_double(&j, "seconds", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	dmab_json_kv_i64(&j, "libfuzzer_exit", rc);
	dmab_json_kv_u64(&j, "runs", s.runs);
	dmab_json_kv_u64(&j, "cov", s.cov);
	dmab_json_kv_u64(&j, "ft", s.ft);
	dmab_json_kv_u64(&j, "corpus", s.corp);
	dmab_json_kv_u64(&j, "corpus_bytes", s.corp_bytes);
	dmab_json_kv_u64(&j, "execs_per_sec", s.execs);
	dmab_json_kv_str(&j, "finding", s.finding[0] ? s.finding : NULL);
	dmab_json_kv_str(&j, "artifact", s.artifact[0] ? s.artifact : NULL);
	dmab_json_kv_str(&j, "artifact_hex", s.artifact[0] ? hex : NULL);
	dmab_json_obj_end(&j);
	if (dmab_json_finish(&j) || fclose(f))
		return 2;
	printf("fuzz: %lu s: exit %d, %llu runs, cov %llu, ft %llu, corpus %llu (%llu bytes), %llu exec/s%s%s\n",
	       secs, rc, s.runs, s.cov, s.ft, s.corp, s.corp_bytes, s.execs,
	       s.finding[0] ? ", " : "", s.finding);
	return (rc == 0 && !s.finding[0]) ? 0 : 1;
}
