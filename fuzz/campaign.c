// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz (guest job "fuzz"): an in-guest libFuzzer campaign. Runs
 * <bindir>/fuzz-dmabench for --time seconds (default 60) over a corpus in
 * the guest, with <root>/fuzz/dmabench.dict, then writes OUT.json: the
 * summed runs, libFuzzer's last cov / ft / corpus figures, exec/s, the
 * first finding with the saved input (hex).
 *
 * Without --shm (the plain `--job fuzz`): the corpus starts from
 * <root>/fuzz/corpus and the campaign stops at the first finding.
 *
 * With --shm PATH|auto (`dmabench fuzz`, fuzz/shm.h) the host-shared memory
 * drives it: mode CAMPAIGN starts from the corpus records the host put in
 * the "in" area, copies every new corpus entry to the "out" area about once
 * a second and libFuzzer's latest stats line to the header, and after an
 * oracle finding (libFuzzer stops on it) records it (input + FINDING line),
 * drops that input from the corpus and starts libFuzzer again for the rest
 * of the time. Mode REPLAY runs fuzz-replay on the first "in" record, mode
 * MINIMIZE fuzz-replay --minimize (several "in" records: all of them, as a
 * folder); both send a RESULT record (the output
 * text; minimise: the minimised input).
 *
 * Exit 0 clean, 1 a finding or crash, 2 usage or setup error, 4 no
 * fuzz-dmabench in this guest (arm64).
 *
 *   fuzz OUT.json [--time S] [--bin PATH] [--seeds DIR] [--dict PATH] [--shm PATH|auto]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/shm.h"
#include "lib/dmab.h"
#include "lib/json.h"
#include "lib/procinfo.h"
#include "lib/util.h"

#define MAX_LIBFUZZER_RUNS	32
#define SYNC_SLOTS		(1u << 16)

struct stats {
	unsigned long long runs, cov, ft, corp, corp_bytes, execs;
	char finding[1024], artifact[1024];
};

static struct fz_shm *shm;
static uint8_t *shm_base;
static uint64_t synced[SYNC_SLOTS];	/* hashes of corpus file names already sent / received */
static unsigned long nsynced, nfindings;
static uint8_t filebuf[FZ_SHM_INPUT_MAX];

/* 1 if h was new (and is now remembered) */
static int sync_mark(uint64_t h)
{
	uint32_t i = (uint32_t)h % SYNC_SLOTS, k;

	h |= 1;
	for (k = 0; k < SYNC_SLOTS; k++, i = (i + 1) % SYNC_SLOTS) {
		if (synced[i] == h)
			return 0;
		if (!synced[i]) {
			synced[i] = h;
			nsynced++;
			return 1;
		}
	}
	return 0;	/* full: treat as known */
}

/*
 * What the kernel holds now (shm->leak_before / leak_after). With settle, first wait up to 5 s for the module to
 * have no live object and no open file but ours (io_uring and dma-buf releases finish asynchronously after the
 * programs' process exits). Caches are dropped before MemFree is read. Fields that cannot be read stay -1.
 */
static void leak_snapshot(struct fz_leak *l, int settle)
{
	struct dmab_vmallocinfo vi;
	struct dmab_meminfo mi;
	struct dmabench_stats st;
	int fd = dmab_open(NULL), i, fdc;

	l->vmalloc_bytes = l->vmalloc_areas = l->free_bytes = l->live_objects = l->open_files = -1;
	for (i = 0; fd >= 0 && i < (settle ? 50 : 1); i++) {
		memset(&st, 0, sizeof(st));
		if (dmab_stats(fd, &st))
			break;
		l->live_objects = (int64_t)(st.live_allocs + st.live_sgtables + st.live_mappings + st.live_mmaps);
		l->open_files = (int64_t)st.open_files - 1;
		if (!l->live_objects && !l->open_files)
			break;
		usleep(100000);
	}
	if (fd >= 0)
		close(fd);
	sync();
	fdc = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fdc >= 0) {
		if (write(fdc, "3", 1) < 0)
			perror("fuzz: drop_caches");
		close(fdc);
	}
	if (!dmab_vmallocinfo_read_path(DMAB_VMALLOCINFO_PATH, &vi)) {
		l->vmalloc_bytes = (int64_t)vi.bytes;
		l->vmalloc_areas = (int64_t)vi.areas;
	}
	if (!dmab_meminfo_read_path(DMAB_MEMINFO_PATH, &mi))
		l->free_bytes = (int64_t)mi.mem_free;
}

static int read_all(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*len = 0;
	if (fd < 0)
		return -errno;
	while (*len < cap && (n = read(fd, buf + *len, cap - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	return 0;
}

static void stats_line(const char *line, struct stats *s)
{
	const char *p;

	if (!strncmp(line, "FINDING ", 8) && !s->finding[0])
		snprintf(s->finding, sizeof(s->finding), "%s", line);
	else if (!s->finding[0] && (strstr(line, "ERROR: libFuzzer:") || strstr(line, "ERROR: AddressSanitizer")))
		snprintf(s->finding, sizeof(s->finding), "%s", line);
	if ((p = strstr(line, "Test unit written to ")))
		snprintf(s->artifact, sizeof(s->artifact), "%s", p + 21);
	if (line[0] != '#' || !strstr(line, "cov:"))
		return;
	s->runs = strtoull(line + 1, NULL, 10);
	if ((p = strstr(line, "cov: ")))
		s->cov = strtoull(p + 5, NULL, 10);
	if ((p = strstr(line, "ft: ")))
		s->ft = strtoull(p + 4, NULL, 10);
	if ((p = strstr(line, "corp: "))) {
		char *e;

		s->corp = strtoull(p + 6, &e, 10);
		if (*e == '/')
			s->corp_bytes = strtoull(e + 1, &e, 10) * (*e == 'K' ? 1024 : *e == 'M' ? 1048576 : 1);
	}
	if ((p = strstr(line, "exec/s: ")))
		s->execs = strtoull(p + 8, NULL, 10);
	if (shm) {
		size_t l = strlen(line);

		if (l >= sizeof(shm->stats))
			l = sizeof(shm->stats) - 1;
		memcpy(shm->stats, line, l);
		shm->stats[l] = 0;
	}
}

/* Parse what libFuzzer appended to its log since *off (whole lines only). */
static void parse_log(const char *path, long *off, struct stats *s)
{
	FILE *f = fopen(path, "r");
	char line[2048];

	if (!f)
		return;
	if (fseek(f, *off, SEEK_SET) == 0)
		while (fgets(line, sizeof(line), f)) {
			size_t l = strlen(line);

			if (!l || line[l - 1] != '\n')
				break;	/* partial line: next time */
			*off += (long)l;
			line[l - 1] = 0;
			stats_line(line, s);
		}
	fclose(f);
}

/* New corpus files -> "out" records. */
static void sync_corpus(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char p[1024];
		size_t len;

		if (e->d_name[0] == '.' || !sync_mark(fz_hash(e->d_name, strlen(e->d_name), 0)))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (read_all(p, filebuf, sizeof(filebuf), &len) || !len)
			continue;
		if (fz_rec_append(shm_base, FZ_SHM_OUT_OFF, FZ_SHM_OUT_CAP, &shm->out_len, FZ_REC_CORPUS,
				  filebuf, (uint32_t)len, NULL))
			shm->out_full++;
	}
	closedir(d);
}

/* "in" records -> files in dir (named by content hash). Returns the count. */
static unsigned long unpack_in(const char *dir, uint32_t kind, const char *single)
{
	struct fz_rec r;
	const uint8_t *data;
	const char *msg;
	uint64_t pos = 0;
	unsigned long n = 0;

	while (fz_rec_next(shm_base, FZ_SHM_IN_OFF, shm->in_len, &pos, &r, &data, &msg) == 1) {
		char name[64], p[1024];
		int fd;

		if (r.kind != kind)
			continue;
		if (single) {
			snprintf(p, sizeof(p), "%s", single);
		} else {
			snprintf(name, sizeof(name), "%016llx", (unsigned long long)fz_hash(data, r.len, 0));
			snprintf(p, sizeof(p), "%s/%s", dir, name);
			sync_mark(fz_hash(name, strlen(name), 0));
		}
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			if (write(fd, data, r.len) == (ssize_t)r.len)
				n++;
			close(fd);
		}
		if (single)
			break;
	}
	return n;
}

/* Remove corpus files whose contents equal data (an input that stops libFuzzer at start). */
static void drop_from_corpus(const char *dir, const uint8_t *data, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	static uint8_t buf[FZ_SHM_INPUT_MAX];

	if (!d)
		return;
	while ((e = readdir(d))) {
		char p[1024];
		size_t l;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (!read_all(p, buf, sizeof(buf), &l) && l == len && !memcmp(buf, data, len))
			unlink(p);
	}
	closedir(d);
}

static void hex_of(const uint8_t *b, size_t n, char *out, size_t cap)
{
	size_t o = 0, i;

	out[0] = 0;
	for (i = 0; i < n && o + 3 < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%02x", b[i]);
}

/* 1 when /dev/kmsg says the OOM killer killed pid ("Out of memory: Killed process PID (...)") */
static int oom_killed(pid_t pid)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC), found = 0;
	char rec[2048], pat[64];
	ssize_t n;

	if (fd < 0)
		return 0;
	snprintf(pat, sizeof(pat), "Killed process %d ", (int)pid);
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (strstr(rec, "Out of memory") && strstr(rec, pat))
			found = 1;
	}
	close(fd);
	return found;
}

/* argv with stdout and stderr appended to log (and the shared memory's path in the environment) */
static pid_t spawn(char *const argv[], const char *log, const char *shm_path)
{
	char env[600], *envv[] = { env, NULL };
	pid_t pid;

	snprintf(env, sizeof(env), "DMABENCH_FUZZ_SHM=%s", shm_path ? shm_path : "");
	return dmab_spawn(argv, shm_path ? envv : NULL, log, &pid) ? -1 : pid;
}

static int wait_child(pid_t pid, const char *log, long *off, struct stats *s, const char *corpus)
{
	int status = 0;
	int stopped = 0;

	if (pid < 0)
		return 127;	/* could not start it */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		usleep(500000);
		parse_log(log, off, s);
		if (shm && corpus)
			sync_corpus(corpus);
		if (shm && shm->stop && corpus && !stopped++)
			kill(pid, SIGINT);	/* the host's time is up: libFuzzer prints its stats and exits */
	}
	parse_log(log, off, s);
	if (shm && corpus)
		sync_corpus(corpus);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static unsigned long count_in(void)
{
	struct fz_rec r;
	const uint8_t *data;
	const char *msg;
	uint64_t pos = 0;
	unsigned long n = 0;

	while (fz_rec_next(shm_base, FZ_SHM_IN_OFF, shm->in_len, &pos, &r, &data, &msg) == 1)
		n++;
	return n;
}

/* REPLAY / MINIMIZE: fuzz-replay on the first "in" record; its output goes back as a RESULT record. */
static int replay_mode(const char *bindir, const char *work, int minimize, const char *out)
{
	char input[700], mini[700], log[700], rbin[700], text[4096];
	char *argv[10], rep[32];
	long off = 0;
	size_t tl = 0, ml = 0;
	struct stats s = { 0 };
	int rc, k = 0, many = 0;
	FILE *f;

	snprintf(input, sizeof(input), "%s/replay-input", work);
	snprintf(mini, sizeof(mini), "%s/replay-minimized", work);
	snprintf(log, sizeof(log), "%s/replay.log", work);
	snprintf(rbin, sizeof(rbin), "%s/fuzz-replay", bindir);
	if (count_in() > 1) {	/* a folder of inputs (a corpus): replay them all */
		many = 1;
		snprintf(input, sizeof(input), "%s/replay-dir", work);
		mkdir(input, 0755);
		unpack_in(input, FZ_REC_CORPUS, NULL);
	} else if (!unpack_in(NULL, FZ_REC_CORPUS, input)) {
		fprintf(stderr, "fuzz: no input in the shared memory\n");
		return 2;
	}
	unlink(log);
	argv[k++] = rbin;
	if (minimize) {
		argv[k++] = "--minimize";
		argv[k++] = mini;
	} else if (shm->replay_repeat > 1) {	/* profiling: programs/s of one input */
		snprintf(rep, sizeof(rep), "%u", shm->replay_repeat);
		argv[k++] = "-n";
		argv[k++] = rep;
	} else if (!many) {
		argv[k++] = "-p";
	}
	if (shm->replay_flags & FZ_REPLAY_NO_KLOG)
		argv[k++] = "--no-klog";
	argv[k++] = input;
	argv[k] = NULL;
	snprintf(shm->status, sizeof(shm->status), "%s", minimize ? "minimizing" : "replaying");
	rc = wait_child(spawn(argv, log, NULL), log, &off, &s, NULL);
	read_all(log, (uint8_t *)text, sizeof(text) - 1, &tl);
	text[tl] = 0;
	if (minimize && rc == 1)
		read_all(mini, filebuf, sizeof(filebuf), &ml);
	fz_rec_append(shm_base, FZ_SHM_OUT_OFF, FZ_SHM_OUT_CAP, &shm->out_len, FZ_REC_RESULT, filebuf,
		      (uint32_t)ml, text);
	snprintf(shm->status, sizeof(shm->status), "%s exit %d", minimize ? "minimize" : "replay", rc);
	fputs(text, stdout);
	f = fopen(out, "w");
	if (f) {
		struct dmab_json j;

		dmab_json_init(&j, f, 1);
		dmab_json_obj_begin(&j);
		dmab_json_kv_u64(&j, "schema", 1);
		dmab_json_kv_str(&j, "mode", minimize ? "minimize" : "replay");
		dmab_json_kv_i64(&j, "replay_exit", rc);
		dmab_json_kv_str(&j, "output", text);
		dmab_json_obj_end(&j);
		dmab_json_finish(&j);
		fclose(f);
	}
	return rc == 0 ? 0 : rc == 1 ? 1 : 2;
}

int main(int argc, char **argv)
{
	char exe[512], bindir[600], root[512], bin[700], seeds[700], dict[700], work[600];
	char corpus[700], arts[700], log[700], tmax[64], dictarg[720], artarg[720], hex[16384];
	char shm_path[512] = "";
	const char *out, *obin = NULL, *oseeds = NULL, *odict = NULL, *oshm = NULL;
	unsigned long secs = 60, lf_runs = 0;
	unsigned long long total_runs = 0;
	struct stats s = { 0 }, first = { 0 };
	double t0, t1;
	struct dmab_json j;
	int i, rc = 0, stop_rc = 0;
	size_t alen = 0;
	pid_t pid;
	ssize_t n;
	FILE *f;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: fuzz OUT.json [--time S] [--bin PATH] [--seeds DIR] [--dict PATH] [--shm PATH|auto]\n");
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
		else if (!strcmp(argv[i], "--shm"))
			oshm = argv[i + 1];
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
	snprintf(work, sizeof(work), "%s", out);
	snprintf(work, sizeof(work), "%s", dirname(work));
	if (oshm) {
		if (!strcmp(oshm, "auto")) {
			if (fz_shm_find(shm_path, sizeof(shm_path))) {
				fprintf(stderr, "fuzz: --shm auto: no ivshmem device (%s)\n", FZ_SHM_PCI_ID);
				return 2;
			}
		} else {
			snprintf(shm_path, sizeof(shm_path), "%s", oshm);
		}
		shm_base = fz_shm_map(shm_path, FZ_SHM_SIZE);
		if (!shm_base || ((struct fz_shm *)shm_base)->magic != FZ_SHM_MAGIC) {
			fprintf(stderr, "fuzz: %s: %s\n", shm_path, shm_base ? "no shared-memory header" : strerror(errno));
			return 2;
		}
		shm = (struct fz_shm *)shm_base;
		if (shm->mode == FZ_MODE_REPLAY || shm->mode == FZ_MODE_MINIMIZE)
			return replay_mode(bindir, work, shm->mode == FZ_MODE_MINIMIZE, out);
	}
	if (access(bin, X_OK)) {
		printf("SKIP: %s: %s (the libFuzzer target is built for x86_64 guests only)\n", bin,
		       strerror(errno));
		return 4;
	}
	snprintf(corpus, sizeof(corpus), "%s/fuzz-corpus", work);
	snprintf(arts, sizeof(arts), "%s/fuzz-artifacts/", work);
	snprintf(log, sizeof(log), "%s/fuzz.log", work);
	mkdir(corpus, 0755);
	mkdir(arts, 0755);
	unlink(log);
	if (shm) {
		unsigned long got = unpack_in(corpus, FZ_REC_CORPUS, NULL);

		printf("fuzz: %lu corpus entries from the host\n", got);
		if (got)
			seeds[0] = 0;	/* the host's corpus includes the seeds */
	}
	snprintf(dictarg, sizeof(dictarg), "-dict=%s", dict);
	snprintf(artarg, sizeof(artarg), "-artifact_prefix=%s", arts);

	if (shm) {
		shm->leak_valid = 0;
		leak_snapshot(&shm->leak_before, 0);
	}
	t0 = dmab_now();
	while (lf_runs < MAX_LIBFUZZER_RUNS) {
		double left = (double)secs - (dmab_now() - t0);
		char *cargv[12];
		long off = 0;
		int k = 0;

		if (left < 1 && lf_runs)
			break;
		snprintf(tmax, sizeof(tmax), "-max_total_time=%lu", left < 1 ? 1UL : (unsigned long)left);
		cargv[k++] = bin;
		cargv[k++] = tmax;
		cargv[k++] = artarg;
		cargv[k++] = "-print_final_stats=1";
		cargv[k++] = "-timeout=30";
		cargv[k++] = "-max_len=8192";
		if (!access(dict, R_OK))
			cargv[k++] = dictarg;
		cargv[k++] = corpus;
		if (seeds[0])
			cargv[k++] = seeds;
		cargv[k] = NULL;
		memset(&s, 0, sizeof(s));
		lf_runs++;
		if (shm) {
			shm->libfuzzer_runs = (uint32_t)lf_runs;
			snprintf(shm->status, sizeof(shm->status), "libFuzzer run %lu, %.0f s left", lf_runs, left);
		}
		/* each run appends to the log; parse from where this run starts */
		f = fopen(log, "a");
		if (f) {
			off = ftell(f);
			fclose(f);
		}
		pid = spawn(cargv, log, shm ? shm_path : NULL);
		rc = wait_child(pid, log, &off, &s, shm ? corpus : NULL);
		if (shm && shm->stop) {
			total_runs += s.runs;
			break;	/* stopped by the host: not a finding */
		}
		if (rc != 0 && !s.finding[0]) {	/* killed without a word (SIGKILL): say by what */
			if (oom_killed(pid))
				snprintf(s.finding, sizeof(s.finding), "FINDING oom: the kernel's OOM killer killed libFuzzer (pid %d)", (int)pid);
			else
				snprintf(s.finding, sizeof(s.finding), "FINDING exit: libFuzzer ended with status %d and no finding line", rc);
		}
		total_runs += s.runs;
		if (!s.finding[0] && rc == 0)
			break;	/* ran its time */
		if (!first.finding[0]) {
			first = s;
			stop_rc = rc;
		}
		nfindings++;
		alen = 0;
		if (s.artifact[0])
			read_all(s.artifact, filebuf, sizeof(filebuf), &alen);
		if (!shm)
			break;	/* plain job: stop at the first finding */
		if (!alen && shm->running && shm->cur_len <= sizeof(filebuf)) {	/* no artifact: the input that ran */
			alen = shm->cur_len;
			memcpy(filebuf, shm_base + FZ_SHM_INPUT_OFF, alen);
		}
		fz_rec_append(shm_base, FZ_SHM_OUT_OFF, FZ_SHM_OUT_CAP, &shm->out_len, FZ_REC_FINDING, filebuf,
			      (uint32_t)alen, s.finding[0] ? s.finding : "FINDING exit: libFuzzer stopped without a finding line");
		shm->running = 0;
		printf("fuzz: %s (%zu bytes): starting libFuzzer again\n", s.finding, alen);
		if (alen)
			drop_from_corpus(corpus, filebuf, alen);
		if (s.artifact[0])
			unlink(s.artifact);
		if (!alen && !s.runs)
			break;	/* it cannot even start: do not spin */
	}
	t1 = dmab_now();
	if (shm) {
		leak_snapshot(&shm->leak_after, 1);
		__sync_synchronize();
		shm->leak_valid = 1;
	}
	if (first.finding[0] && first.artifact[0] && !shm) {
		read_all(first.artifact, filebuf, sizeof(filebuf), &alen);
		hex_of(filebuf, alen, hex, sizeof(hex));
	}
	if (shm) {
		snprintf(shm->status, sizeof(shm->status), "done: %lu libFuzzer runs, %lu findings", lf_runs, nfindings);
		rc = 0;
	} else if (first.finding[0]) {
		rc = stop_rc;
	}

	f = fopen(out, "w");
	if (!f)
		return 2;
	dmab_json_init(&j, f, 1);
	dmab_json_obj_begin(&j);
	dmab_json_kv_u64(&j, "schema", 1);
	dmab_json_kv_u64(&j, "max_total_time", secs);
	dmab_json_kv_double(&j, "seconds", t1 - t0);
	dmab_json_kv_i64(&j, "libfuzzer_exit", rc);
	dmab_json_kv_u64(&j, "libfuzzer_runs", lf_runs);
	dmab_json_kv_u64(&j, "runs", total_runs);
	dmab_json_kv_u64(&j, "cov", s.cov);
	dmab_json_kv_u64(&j, "ft", s.ft);
	dmab_json_kv_u64(&j, "corpus", s.corp);
	dmab_json_kv_u64(&j, "corpus_bytes", s.corp_bytes);
	dmab_json_kv_u64(&j, "execs_per_sec", s.execs);
	dmab_json_kv_u64(&j, "findings", nfindings);
	dmab_json_kv_str(&j, "finding", first.finding[0] ? first.finding : NULL);
	dmab_json_kv_str(&j, "artifact", first.artifact[0] ? first.artifact : NULL);
	dmab_json_kv_str(&j, "artifact_hex", first.artifact[0] && !shm ? hex : NULL);
	dmab_json_obj_end(&j);
	if (dmab_json_finish(&j) || fclose(f))
		return 2;
	printf("fuzz: %lu s: %lu libFuzzer run(s), %llu runs, cov %llu, ft %llu, corpus %llu (%llu bytes), "
	       "%llu exec/s, %lu finding(s)%s%s\n", secs, lf_runs, total_runs, s.cov, s.ft, s.corp,
	       s.corp_bytes, s.execs, nfindings, first.finding[0] ? ", first: " : "", first.finding);
	return (rc == 0 && !first.finding[0]) ? 0 : 1;
}
