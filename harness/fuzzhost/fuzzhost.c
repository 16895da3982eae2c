// SPDX-License-Identifier: GPL-2.0
/*
 * fuzzhost.c - `dmabench fuzz` and `dmabench replay`.
 *
 * libFuzzer runs in the guest (fuzz/campaign.c, fuzz/fuzz_target.c); the
 * host and the guest share 16 MiB of memory (QEMU memory-backend-file +
 * ivshmem-plain, layout in fuzz/shm.h). Before every program the target
 * copies its input there, so when the kernel dies (the fuzz VMs boot with
 * panic_on_warn=1 oops=panic) or hangs, the host still knows the input.
 * The host keeps the corpus (results/<id>/corpus/): it hands it to every
 * boot through the shared memory and collects the entries the guest adds
 * (synced about once a second). A crash, a hang (no program finished for
 * --hang seconds: QEMU killed by pid) or an oracle finding becomes
 * findings/<id>/{input,console.log,report.txt}, deduplicated by class and
 * the normalised first kernel report line (or oracle message); the crashing
 * input is dropped from the corpus and the next VM boots for the rest of the
 * time.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/program.h"
#include "fuzz/shm.h"
#include "harness/vm/exitcodes.h"
#include "harness/fuzzhost/fuzzhost.h"
#include "harness/cli/opts.h"
#include "harness/plan/plan.h"
#include "harness/plan/qemu.h"
#include "harness/report/results.h"
#include "lib/util.h"
#include "harness/vm/vm.h"
#include "lib/klog.h"

#define MAX_FINDINGS	256
#define FZ_CMDLINE	"panic_on_warn=1 oops=panic"

struct finding {
	char id[17];
	char cls[16];
	char title[300];
	unsigned int count, boot;
	double first_s;
	size_t input_len;
};

struct fz {
	/* options */
	struct dmab_opts o;
	double time_s, hang_s;
	int max_restarts;
	bool quiet, minimize;
	unsigned int repeat;		/* replay --repeat */
	bool no_klog;			/* replay --no-klog */
	bool warn_no_panic;		/* --no-panic-on-warn: WARNs go to the kernel-log oracle */
	const char *corpus_in, *replay_file;
	/* state */
	char rundir[4300], corpus[4400], shm_path[4400];
	uint8_t *shm_base;
	struct fz_shm *shm;
	double t0, deadline;
	unsigned int boot, restarts, corpus_n, corpus_new;
	unsigned int boot_deaths;	/* kernels that died before the first program */
	unsigned long long execs_total;
	unsigned long long execs_after_restart;	/* programs run by boots that followed a crash */
	struct finding f[MAX_FINDINGS];
	unsigned int nf;
	/* per boot (watch callback) */
	uint64_t last_started;
	double t_last_change, t_last_print, t_first_exec;
	uint64_t print_started;
	double boot_secs_est;
	double boot_secs;		/* QEMU start to first program, all boots */
	uint64_t sig_max, kcov_max;	/* over all boots */
	char last_stats[256];
	/* replay */
	char result_text[8192];
	uint8_t result_input[FZ_SHM_INPUT_MAX];
	size_t result_len;
	bool have_result;
};

static volatile sig_atomic_t g_fz_stop;

static void fz_on_signal(int sig)
{
	(void)sig;
	g_fz_stop = 1;
}

/* ------------------------------------------------------------ classification */

/*
 * The class of the first kernel report line in text (lib/klog.c's table, as
 * everywhere else), or "oracle" when there is none. A guest finding quotes the
 * kernel line after FUZZ_KLOG_QUOTE: that line is classified.
 */
const char *dmab_fuzz_classify(const char *text, const char **line_out, size_t *line_len)
{
	const char *q = strstr(text, FUZZ_KLOG_QUOTE), *line;
	const struct dmab_kr_pattern *k;
	size_t len;

	k = dmab_kreport_first(q ? q + strlen(FUZZ_KLOG_QUOTE) : text, &line, &len);
	if (line_out) {
		*line_out = line;
		*line_len = len;
	}
	return k ? k->cls : "oracle";
}

void dmab_fuzz_normalize(const char *line, size_t len, char *out, size_t cap)
{
	size_t i = 0, o = 0;

	if (!cap)
		return;
	/* "[   12.345678] " */
	while (i < len && line[i] == ' ')
		i++;
	if (i < len && line[i] == '[') {
		const char *e = memchr(line + i, ']', len - i);
		if (e)
			i = (size_t)(e - line) + 1;
	}
	while (i < len && line[i] == ' ')
		i++;
	while (i < len && o + 2 < cap) {
		const char *s = line + i;

		if (len - i > 5 && !strncmp(s, "CPU: ", 5)) {	/* "CPU: 0 PID: 245 " */
			size_t k = i + 5;
			while (k < len && (isdigit((unsigned char)line[k]) || line[k] == ' '))
				k++;
			if (len - k > 5 && !strncmp(line + k, "PID: ", 5)) {
				k += 5;
				while (k < len && isdigit((unsigned char)line[k]))
					k++;
				while (k < len && line[k] == ' ')
					k++;
				i = k;
				continue;
			}
		}
		if (*s == '+' && len - i > 2 && s[1] == '0' && s[2] == 'x') {	/* "+0x5c/0x100" */
			i++;
			while (i < len && (isxdigit((unsigned char)line[i]) || line[i] == 'x' || line[i] == '/'))
				i++;
			continue;
		}
		if (len - i > 2 && s[0] == '0' && s[1] == 'x') {
			out[o++] = '0';
			out[o++] = 'x';
			i += 2;
			while (i < len && isxdigit((unsigned char)line[i]))
				i++;
			if (o + 1 < cap)
				out[o++] = '#';
			continue;
		}
		if (isdigit((unsigned char)*s)) {
			/* "file.c:871" keeps its line number; other numbers become '#' */
			bool src_line = i >= 3 && line[i - 1] == ':' && (line[i - 2] == 'c' || line[i - 2] == 'h') &&
					line[i - 3] == '.';

			while (i < len && isdigit((unsigned char)line[i]) && o + 2 < cap) {
				if (src_line)
					out[o++] = line[i];
				i++;
			}
			if (!src_line)
				out[o++] = '#';
			continue;
		}
		out[o++] = *s;
		i++;
	}
	out[o] = 0;
}

int dmab_fuzz_class_exit(const char *cls)
{
	if (!strcmp(cls, "hang"))
		return DMAB_EXIT_TIMEOUT;
	for (const struct dmab_kr_pattern *p = dmab_kr_patterns; p->text; p++)
		if (p->cls && !strcmp(p->cls, cls))
			return dmab_kr_level_exit(p->level);
	return DMAB_EXIT_TESTFAIL;	/* oracle, oom */
}

/* ------------------------------------------------------------------ helpers */

static int write_bytes(const char *path, const void *b, size_t n)
{
	return dmab_write_file(path, b, n);
}

static void hex_line(FILE *f, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
	fputc('\n', f);
}

/* Add data to the corpus dir (name = content hash). Returns 1 if new. */
static int corpus_add(struct fz *z, const uint8_t *data, size_t len)
{
	char p[4500];
	struct stat st;

	if (!len)
		return 0;
	snprintf(p, sizeof(p), "%s/%016llx", z->corpus, (unsigned long long)fz_hash(data, len, 0));
	if (!stat(p, &st))
		return 0;
	if (write_bytes(p, data, len))
		return 0;
	z->corpus_n++;
	return 1;
}

static void corpus_drop(struct fz *z, const uint8_t *data, size_t len)
{
	char p[4500];

	snprintf(p, sizeof(p), "%s/%016llx", z->corpus, (unsigned long long)fz_hash(data, len, 0));
	if (!unlink(p) && z->corpus_n)
		z->corpus_n--;
}

/*
 * fn(z, bytes, len, arg) for every regular file of dir (dot files and files
 * above FZ_SHM_INPUT_MAX skipped). 0 or -errno from opendir().
 */
static int dir_each_input(struct fz *z, const char *dir,
			  void (*fn)(struct fz *z, const uint8_t *b, size_t l, void *arg), void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char p[4600], *b = NULL;
		size_t l = 0;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%.4200s/%.255s", dir, e->d_name);
		if (!dmab_is_file(p) || dmab_read_file(p, &b, &l, FZ_SHM_INPUT_MAX))
			continue;
		fn(z, (const uint8_t *)b, l, arg);
		free(b);
	}
	closedir(d);
	return 0;
}

static void seed_one(struct fz *z, const uint8_t *b, size_t l, void *arg)
{
	(void)arg;
	corpus_add(z, b, l);
}

/* Copy every regular file of dir into the corpus. */
static int corpus_seed(struct fz *z, const char *dir)
{
	return dir_each_input(z, dir, seed_one, NULL);
}

/* shm_prepare(): one corpus entry into the "in" area; arg = counts[2]: handed over, skipped */
static void shm_one(struct fz *z, const uint8_t *b, size_t l, void *arg)
{
	unsigned int *counts = arg;

	if (fz_rec_append(z->shm_base, FZ_SHM_IN_OFF, FZ_SHM_IN_CAP, &z->shm->in_len, FZ_REC_CORPUS, b,
			  (uint32_t)l, NULL))
		counts[1]++;
	else
		counts[0]++;
}

/* Fresh header and "in" area: the corpus (campaign) or one input (replay). */
static int shm_prepare(struct fz *z, uint32_t mode, const uint8_t *single, size_t single_len)
{
	struct fz_shm *h = z->shm;
	unsigned int counts[2] = { 0, 0 };
	int ret;

	memset(z->shm_base, 0, FZ_SHM_IN_OFF);
	h->magic = FZ_SHM_MAGIC;
	h->version = 1;
	h->mode = mode;
	if (single)
		return fz_rec_append(z->shm_base, FZ_SHM_IN_OFF, FZ_SHM_IN_CAP, &h->in_len, FZ_REC_CORPUS, single,
				     (uint32_t)single_len, NULL);
	ret = dir_each_input(z, z->corpus, shm_one, counts);
	if (ret)
		return ret;
	z->corpus_n = counts[0] + counts[1];
	if (counts[1] && !z->quiet)
		fprintf(stderr, "dmabench: fuzz: shared memory full: %u of %u corpus entries not handed to the VM\n",
			counts[1], z->corpus_n);
	return 0;
}

static void stat_field(const char *stats, const char *key, char *out, size_t cap)
{
	const char *p = strstr(stats, key);
	size_t k = 0;

	out[0] = 0;
	if (!p)
		return;
	p += strlen(key);
	while (*p && *p != ' ' && k + 1 < cap)
		out[k++] = *p++;
	out[k] = 0;
}

static void progress(struct fz *z, const char *tag)
{
	double now = dmab_now(), dt = now - z->t_last_print;
	uint64_t st = z->shm->started;
	char cov[32], ft[32], corp[32];
	const char *stats = z->shm->stats[0] ? z->shm->stats : z->last_stats;

	stat_field(stats, "cov: ", cov, sizeof(cov));
	stat_field(stats, "ft: ", ft, sizeof(ft));
	stat_field(stats, "corp: ", corp, sizeof(corp));
	fprintf(stderr, "fuzz %s %4.0f/%.0f s boot %u: %llu execs (%.0f/s), cov %s ft %s corp %s, "
		"kernel sig %llu, kcov %s, findings %u, restarts %u%s%s\n",
		z->o.backends[0] ? dmab_backend_label(z->o.backends[0]) : "?", now - z->t0, z->time_s, z->boot,
		(unsigned long long)(z->execs_total + st), dt > 0 ? (double)(st - z->print_started) / dt : 0.0,
		cov[0] ? cov : "-", ft[0] ? ft : "-", corp[0] ? corp : "-",
		(unsigned long long)z->shm->sig_features,
		z->shm->kcov_state > 0 ? "on" : z->shm->kcov_state < 0 ? "absent" : "-", z->nf, z->restarts,
		tag ? " " : "", tag ? tag : "");
	z->t_last_print = now;
	z->print_started = st;
}

/* Poll callback: progress line every 5 s, hang detection. */
static int watch(struct dmab_vm *vm, void *arg)
{
	struct fz *z = arg;
	double now = dmab_now();
	uint64_t st = z->shm->started;

	if (st != z->last_started) {
		if (!z->last_started && !z->t_first_exec) {
			z->t_first_exec = now;
			/* --time is fuzzing time: this boot (and corpus load) comes on top */
			z->deadline += now - vm->t_start;
			if (z->deadline > z->t0 + 2 * z->time_s + 120)	/* but the wall clock is bounded */
				z->deadline = z->t0 + 2 * z->time_s + 120;
			z->boot_secs += now - vm->t_start;
		}
		z->last_started = st;
		z->t_last_change = now;
	}
	if (z->shm->stats[0])
		snprintf(z->last_stats, sizeof(z->last_stats), "%s", z->shm->stats);
	if (!z->replay_file && !z->shm->stop &&
	    ((z->t_first_exec && now > z->deadline) || now > z->t0 + 2 * z->time_s + 120))
		z->shm->stop = 1;	/* the guest stops libFuzzer and ends the job normally */
	if (!z->quiet && !z->replay_file && now - z->t_last_print >= 5)
		progress(z, NULL);
	/*
	 * a program that started and never finished for hang_s: the kernel is
	 * stuck; no program started for 3 x hang_s: the guest is (between programs)
	 */
	if (st && now - z->t_last_change > (z->shm->running ? z->hang_s : 3 * z->hang_s))
		return 1;
	return 0;
}

/* ------------------------------------------------------------------ findings */

static struct finding *finding_add(struct fz *z, const char *cls, const char *title, size_t title_len,
				   const uint8_t *input, size_t len, const char *console_path, const char *detail)
{
	char norm[512], key[600], dir[4500], p[4600];
	struct finding *f = NULL;
	uint64_t h;
	FILE *out;

	dmab_fuzz_normalize(title, title_len, norm, sizeof(norm));
	snprintf(key, sizeof(key), "%s %s", cls, norm);
	h = fz_hash(key, strlen(key), 0);
	char id[17];
	snprintf(id, sizeof(id), "%016llx", (unsigned long long)h);
	for (unsigned int i = 0; i < z->nf; i++)
		if (!strcmp(z->f[i].id, id)) {
			z->f[i].count++;
			return &z->f[i];
		}
	if (z->nf >= MAX_FINDINGS)
		return NULL;
	f = &z->f[z->nf++];
	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%s", id);
	snprintf(f->cls, sizeof(f->cls), "%s", cls);
	{	/* the report line without its timestamp and trailing blanks */
		size_t k = 0, o = 0;

		while (k < title_len && title[k] == ' ')
			k++;
		if (k < title_len && title[k] == '[' && memchr(title + k, ']', title_len - k))
			k = (size_t)((const char *)memchr(title + k, ']', title_len - k) - title) + 1;
		while (k < title_len && title[k] == ' ')
			k++;
		while (k < title_len && o + 1 < sizeof(f->title))
			f->title[o++] = title[k++];
		while (o && isspace((unsigned char)f->title[o - 1]))
			o--;
		f->title[o] = 0;
	}
	f->count = 1;
	f->boot = z->boot;
	f->first_s = dmab_now() - z->t0;
	f->input_len = len;
	snprintf(dir, sizeof(dir), "%s/findings/%s", z->rundir, id);
	dmab_mkdir_p(dir, 0755);
	snprintf(p, sizeof(p), "%s/input", dir);
	write_bytes(p, input, len);
	if (console_path) {
		char *b = NULL;
		size_t l = 0;

		snprintf(p, sizeof(p), "%s/console.log", dir);
		if (!dmab_read_file(console_path, &b, &l, 64 << 20))
			write_bytes(p, b, l);
		free(b);
	}
	snprintf(p, sizeof(p), "%s/report.txt", dir);
	out = fopen(p, "we");
	if (out) {
		static struct fuzz_program prog;
		char line[256];

		fprintf(out, "class: %s\nid: %s\nfirst report line: %s\ndedup key: %s\nboot: %u\nfound after: %.1f s\n",
			f->cls, f->id, f->title, key, f->boot, f->first_s);
		if (detail && detail[0])
			fprintf(out, "detail: %s\n", detail);
		fprintf(out, "input: %zu bytes: ", len);
		hex_line(out, input, len);
		fuzz_decode(input, len, &prog);
		fprintf(out, "program (%u ops):\n", prog.nops);
		for (unsigned int i = 0; i < prog.nops; i++) {
			const struct fuzz_op *op = &prog.ops[i];

			fprintf(out, "  %2u %s", i, fuzz_format_op(op, line, sizeof(line)));
			if (op->code == FUZZ_OP_ALLOC || op->code == FUZZ_OP_MAP_SINGLE)
				fprintf(out, "   (size %llu)",
					(unsigned long long)fuzz_size(op->a[3], (uint16_t)(op->a[4] | op->a[5] << 8)));
			fputc('\n', out);
		}
		fprintf(out, "replay: dmabench replay %s/input --backend %s   (--minimize: op-level delta debugging)\n",
			dir, dmab_backend_label(z->o.backends[0]));
		fclose(out);
	}
	if (!z->quiet)
		fprintf(stderr, "fuzz: NEW finding %s [%s] %s (%zu-byte input) -> %s\n", f->id, f->cls, f->title, len, dir);
	return f;
}

/* The "out" records of a boot: corpus entries, oracle findings, replay results. */
static void harvest(struct fz *z, const char *console_path)
{
	uint64_t pos = 0, used = z->shm->out_len;
	struct fz_rec r;
	const uint8_t *data;
	const char *msg;

	if (used > FZ_SHM_OUT_CAP)
		used = FZ_SHM_OUT_CAP;
	while (fz_rec_next(z->shm_base, FZ_SHM_OUT_OFF, used, &pos, &r, &data, &msg) == 1) {
		if (r.kind == FZ_REC_CORPUS) {
			z->corpus_new += (unsigned int)corpus_add(z, data, r.len);
		} else if (r.kind == FZ_REC_FINDING) {
			char m[1024];
			const char *line, *cls;
			size_t ll;

			snprintf(m, sizeof(m), "%.*s", (int)(r.msg_len < 1023 ? r.msg_len : 1023), msg);
			/* "FINDING kernel-log: kernel log after program: <line>" -> class of the kernel line */
			cls = dmab_fuzz_classify(m, &line, &ll);
			if (strstr(m, "FINDING dma-api"))
				cls = "DMA-API";
			else if (strstr(m, "FINDING oom"))
				cls = "oom";
			finding_add(z, cls, m, strlen(m), data, r.len, console_path, NULL);
			corpus_drop(z, data, r.len);
		} else if (r.kind == FZ_REC_RESULT) {
			snprintf(z->result_text, sizeof(z->result_text), "%.*s", (int)r.msg_len, msg);
			z->result_len = r.len < sizeof(z->result_input) ? r.len : 0;
			memcpy(z->result_input, data, z->result_len);
			z->have_result = true;
		}
	}
}

/* After a VM died (panic, oops) or hung: the input that was running. */
static const char *crash(struct fz *z, struct dmab_vm *vm)
{
	char *con = NULL, detail[256];
	const char *line = NULL, *cls, *from;
	size_t ll = 0, clen = 0, len = z->shm->cur_len;
	const uint8_t *input = z->shm_base + FZ_SHM_INPUT_OFF;
	bool hung = vm->facts.timed_out && !vm->con.panic;

	if (len > FZ_SHM_INPUT_MAX)
		len = FZ_SHM_INPUT_MAX;
	dmab_read_file(vm->console_path, &con, &clen, 64 << 20);
	from = con ? strstr(con, "dmabench-init: start") : NULL;
	cls = dmab_fuzz_classify(from ? from : con ? con : "", &line, &ll);
	if (hung) {
		cls = "hang";
		line = "hang: a program ran longer than --hang";
		ll = strlen(line);
	} else if (!line) {
		cls = "panic";
		line = "VM died without a kernel report line";
		ll = strlen(line);
	}
	snprintf(detail, sizeof(detail), "VM %s (exit %d) after %llu programs this boot; input %s",
		 dmab_class_name(vm->cls), vm->cls, (unsigned long long)z->shm->started,
		 z->shm->running ? "was running" : "had finished (the crash came between programs)");
	struct finding *f = finding_add(z, cls, line, ll, input, len, vm->console_path, detail);

	corpus_drop(z, input, len);
	free(con);
	return f ? f->cls : "panic";
}

/* ----------------------------------------------------------------- one boot */

static int boot_vm(struct fz *z, const char *job_args, struct dmab_vm *vm, double timeout)
{
	char dir[4500], append[2048], shm[4600];
	char *extra[] = { "-object", shm, "-device", "ivshmem-plain,memdev=fzshm", NULL };
	struct dmab_plan_vm plan;
	int worst;

	snprintf(dir, sizeof(dir), "%s/boot-%u", z->rundir, z->boot);
	if (dmab_mkdir_p(dir, 0755))
		return -EIO;
	if (dmab_plan(&z->o, &plan, 1, NULL) != 1)
		return -EINVAL;
	dmab_vm_init(vm, plan.backend, dir, "fuzz");
	vm->topology = plan.topology;
	snprintf(append, sizeof(append), "%s DMABENCH_FUZZ_ARGS=\"%s\"%s%s", z->warn_no_panic ? "oops=panic" : FZ_CMDLINE, job_args,
		 z->o.append[0] ? " " : "", z->o.append);
	snprintf(shm, sizeof(shm), "memory-backend-file,id=fzshm,share=on,mem-path=%s,size=%u", z->shm_path,
		 FZ_SHM_SIZE);
	if (dmab_plan_command(&z->o, &plan, z->o.accel == DMAB_ACCEL_KVM ? "kvm" : "tcg", "fuzz", append, extra,
			      vm->console_path, vm->chan_path, &vm->argv, &vm->env))
		return -ENOMEM;
	if (z->o.dry_run) {
		char *line = dmab_argv_join(vm->argv);

		printf("# %s\n%s\n", plan.label, line ? line : "?");
		free(line);
		return 0;
	}
	z->last_started = 0;
	z->t_last_change = dmab_now();
	z->t_last_print = dmab_now();
	z->print_started = 0;
	z->t_first_exec = 0;
	struct dmab_runner r = {
		.vms = vm, .n = 1, .parallel = 1, .timeout = timeout, .boot_timeout = z->o.boot_timeout,
		.stop = &g_fz_stop, .log = z->quiet ? NULL : stderr, .poll_cb = watch, .poll_arg = z,
	};
	worst = dmab_run_vms(&r);
	return worst;
}

/* ------------------------------------------------------------------ options */

static void fz_usage(FILE *f)
{
	fprintf(f,
"usage: dmabench fuzz [--backend B] [--time DUR] [--hang S] [--corpus DIR] [--max-restarts N] [--no-panic-on-warn]\n"
"                     [--kernel PATH] [--initrd PATH] [--append WORDS] [--out DIR] [--qemu PATH] [--quiet]\n"
"       dmabench replay FILE [--minimize] [--repeat N] [--no-klog] [--backend B] [--kernel PATH] [--initrd PATH]\n"
"                       [--append WORDS] [--out DIR]\n"
"  fuzz: a libFuzzer campaign in VMs of one backend (default direct) for DUR of fuzzing (60, 90s, 10m; default\n"
"        60s; boots come on top),\n"
"        restarting the VM after kernel crashes and hangs (--hang, default 30 s without progress);\n"
"        writes <out>/<run-id>/{corpus/,findings/<id>/{input,console.log,report.txt},fuzz.json,summary.md}.\n"
"        --no-panic-on-warn: a WARN (e.g. DMA-API debugging) is an oracle finding (kernel log), not a VM death.\n"
"        --corpus DIR: start from DIR instead of fuzz/corpus. Exit 0 no findings, else the most severe\n"
"        finding's class as for `dmabench run`: 6 WARN/DMA-API, 5 BUG/KASAN, 255 panic, 124 hang, 1 oracle.\n"
"  replay: boots one VM, runs FILE (same kernel command line as fuzz), exits with its class (0 clean);\n"
"        --minimize: op-level delta debugging (oracle findings in the guest; crashes with one VM boot per\n"
"        candidate, at most 64), writes FILE.min. --repeat N [--no-klog]: run it N times, print programs/s.\n");
}

static int parse_dur(const char *s, double *out)
{
	char *e;
	double v = strtod(s, &e);

	if (e == s || v <= 0)
		return -EINVAL;
	if (!strcmp(e, "m"))
		v *= 60;
	else if (!strcmp(e, "h"))
		v *= 3600;
	else if (*e && strcmp(e, "s"))
		return -EINVAL;
	*out = v;
	return 0;
}

static int fz_parse(struct fz *z, int argc, char **argv)
{
	char err[1024];
	bool fuzz = !strcmp(argv[0], "fuzz"), replay = !fuzz;
	const struct dmab_job *job = dmab_job_find("fuzz");

	z->time_s = 60;
	z->hang_s = 30;
	z->max_restarts = 50;
	dmab_opts_init(&z->o);
	z->o.cmd = DMAB_CMD_RUN;
	snprintf(z->o.job, sizeof(z->o.job), "fuzz");
	z->o.backend_list = "direct";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fz_usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--no-panic-on-warn")) {
			z->warn_no_panic = true;
		} else if (!strcmp(a, "--minimize") && replay) {
			z->minimize = true;
		} else if (!strcmp(a, "--no-klog") && replay) {
			z->no_klog = true;
		} else if (!strcmp(a, "--repeat") && v && replay) {
			z->repeat = (unsigned int)strtoul(v, NULL, 10);
			i++;
		} else if (a[0] != '-' && replay && !z->replay_file) {
			z->replay_file = a;
		} else if (!strcmp(a, "--time") && v && fuzz) {
			if (parse_dur(v, &z->time_s)) {
				fprintf(stderr, "dmabench: fuzz: bad --time '%s' (60, 90s, 10m, 1h)\n", v);
				return -EINVAL;
			}
			i++;
		} else if (!strcmp(a, "--hang") && v && fuzz) {
			if (parse_dur(v, &z->hang_s)) {
				fprintf(stderr, "dmabench: fuzz: bad --hang '%s'\n", v);
				return -EINVAL;
			}
			i++;
		} else if (!strcmp(a, "--max-restarts") && v && fuzz) {
			z->max_restarts = atoi(v);
			i++;
		} else if (!strcmp(a, "--corpus") && v && fuzz) {
			z->corpus_in = v;
			i++;
		} else if ((r = dmab_opts_parse_one(&z->o, DMAB_OPT_FUZZ, argc, argv, &i, err, sizeof(err))) != 0) {
			if (r < 0) {
				fprintf(stderr, "dmabench: %s: %s\n", argv[0], err);
				return -EINVAL;
			}
		} else {
			fprintf(stderr, "dmabench: %s: unknown option %s%s\n", argv[0], a, v ? "" : " (or it needs a value)");
			return -EINVAL;
		}
	}
	z->quiet = z->o.quiet;
	if (replay && !z->replay_file) {
		fprintf(stderr, "dmabench: replay: which FILE?\n");
		return -EINVAL;
	}
	if (z->replay_file && !dmab_is_file(z->replay_file) && !dmab_is_dir(z->replay_file)) {
		fprintf(stderr, "dmabench: replay: %s: no such file or folder\n", z->replay_file);
		return -EINVAL;
	}
	if (z->replay_file && z->minimize && dmab_is_dir(z->replay_file)) {
		fprintf(stderr, "dmabench: replay: --minimize takes one file, not a folder\n");
		return -EINVAL;
	}
	if (dmab_opts_finish(&z->o, err, sizeof(err)) || dmab_opts_resolve(&z->o, err, sizeof(err))) {
		fprintf(stderr, "dmabench: %s: %s\n", argv[0], err);
		return -EINVAL;
	}
	if (z->o.nbackends != 1 || !dmab_job_on_arch(job, z->o.backends[0]->arch)) {
		fprintf(stderr, "dmabench: %s: give exactly one backend of %s (the libFuzzer target is built for "
			"those only)\n", argv[0], job->arches);
		return -EINVAL;
	}
	return 0;
}

static int make_dir(struct fz *z, const char *what)
{
	struct dmab_run_info ri;
	time_t t = time(NULL);
	char id[96];

	memset(&ri, 0, sizeof(ri));
	dmab_run_info_env(&ri, z->o.repo, t);
	dmab_run_id(t, ri.git_sha, id, sizeof(id));
	if (dmab_mkdir_p(z->o.out, 0755))
		return -EIO;
	for (int k = 1; k < 100; k++) {
		snprintf(z->rundir, sizeof(z->rundir), "%s/%s-%s%s%d", z->o.out, id, what, k > 1 ? "-" : "", k > 1 ? k : 0);
		if (k == 1)
			snprintf(z->rundir, sizeof(z->rundir), "%s/%s-%s", z->o.out, id, what);
		if (!mkdir(z->rundir, 0755))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static int map_shm(struct fz *z)
{
	int fd;

	snprintf(z->shm_path, sizeof(z->shm_path), "%s/.shm", z->rundir);
	fd = open(z->shm_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, FZ_SHM_SIZE)) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	z->shm_base = mmap(NULL, FZ_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (z->shm_base == MAP_FAILED)
		return -errno;
	z->shm = (struct fz_shm *)z->shm_base;
	return 0;
}

static void unmap_shm(struct fz *z)
{
	if (z->shm_base && z->shm_base != MAP_FAILED)
		munmap(z->shm_base, FZ_SHM_SIZE);
	z->shm_base = NULL;
	unlink(z->shm_path);
}

static const char *worst_class(const struct fz *z, int *code)
{
	const char *w = NULL;

	*code = 0;
	for (unsigned int i = 0; i < z->nf; i++) {
		int c = dmab_fuzz_class_exit(z->f[i].cls);

		if (!w || dmab_class_severity(c) > dmab_class_severity(*code)) {
			w = z->f[i].cls;
			*code = c;
		}
	}
	return w;
}

/* fuzz.json and summary.md */
static void write_report(struct fz *z, double secs, const char *end_reason)
{
	double fsecs = secs - z->boot_secs > 1 ? secs - z->boot_secs : 1;	/* fuzzing time */
	char p[4500], cov[32] = "", ft[32] = "", corp[32] = "", eps[32] = "";
	int code;
	const char *w = worst_class(z, &code);
	FILE *f;

	stat_field(z->last_stats, "cov: ", cov, sizeof(cov));
	stat_field(z->last_stats, "ft: ", ft, sizeof(ft));
	stat_field(z->last_stats, "corp: ", corp, sizeof(corp));
	stat_field(z->last_stats, "exec/s: ", eps, sizeof(eps));
	snprintf(p, sizeof(p), "%s/fuzz.json", z->rundir);
	f = fopen(p, "we");
	if (f) {
		fprintf(f, "{\n  \"schema\": 1,\n  \"backend\": \"%s\",\n  \"kernel\": \"%s\",\n  \"time_s\": %.0f,\n"
			"  \"seconds\": %.1f,\n  \"boot_seconds\": %.1f,\n  \"boot_deaths\": %u,\n  \"boots\": %u,\n  \"restarts\": %u,\n  \"execs\": %llu,\n"
			"  \"execs_per_sec\": %.1f,\n  \"libfuzzer_exec_per_sec\": %s,\n  \"cov\": %s,\n  \"ft\": %s,\n"
			"  \"execs_after_restart\": %llu,\n  \"corpus\": %u,\n  \"corpus_new\": %u,\n  \"kernel_sig_features\": %llu,\n"
			"  \"kcov\": \"%s\",\n  \"kcov_slots\": %llu,\n  \"end\": \"%s\",\n  \"exit\": %d,\n  \"findings\": [",
			dmab_backend_label(z->o.backends[0]), dmab_opts_paths(&z->o, dmab_arch_find(z->o.backends[0]->arch))->kernel, z->time_s, secs, z->boot_secs, z->boot_deaths, z->boot, z->restarts,
			z->execs_total, (double)z->execs_total / fsecs, eps[0] ? eps : "0",
			cov[0] ? cov : "0", ft[0] ? ft : "0", z->execs_after_restart, z->corpus_n, z->corpus_new,
			(unsigned long long)z->sig_max,
			z->shm->kcov_state > 0 ? "on" : "absent", (unsigned long long)z->kcov_max, end_reason,
			code);
		for (unsigned int i = 0; i < z->nf; i++) {
			const struct finding *x = &z->f[i];
			char t[620];
			size_t o = 0;

			for (const char *s = x->title; *s && o + 3 < sizeof(t); s++) {	/* JSON string */
				if (*s == '"' || *s == '\\')
					t[o++] = '\\';
				t[o++] = (unsigned char)*s < 0x20 ? ' ' : *s;
			}
			t[o] = 0;
			fprintf(f, "%s\n    {\"id\": \"%s\", \"class\": \"%s\", \"title\": \"%s\", \"count\": %u, "
				"\"boot\": %u, \"first_s\": %.1f, \"input_bytes\": %zu}", i ? "," : "", x->id, x->cls, t,
				x->count, x->boot, x->first_s, x->input_len);
		}
		fprintf(f, "%s]\n}\n", z->nf ? "\n  " : "");
		fclose(f);
	}
	snprintf(p, sizeof(p), "%s/summary.md", z->rundir);
	f = fopen(p, "we");
	if (f) {
		fprintf(f, "# dmabench fuzz: %s\n\n| | |\n|---|---|\n| kernel | `%s` |\n| time | %.0f s (ran %.1f s, %s) |\n"
			"| boots / restarts | %u / %u |\n| programs | %llu (%.0f/s over the campaign; libFuzzer's last: %s/s) |\n"
			"| cov / ft | %s / %s |\n| corpus | %u entries (%u new) |\n| kernel-state signature | %llu features |\n"
			"| KCOV | %s (%llu slots) |\n| findings | %u%s%s |\n\n",
			dmab_backend_label(z->o.backends[0]), dmab_opts_paths(&z->o, dmab_arch_find(z->o.backends[0]->arch))->kernel, z->time_s, secs, end_reason, z->boot, z->restarts,
			z->execs_total, (double)z->execs_total / fsecs, eps[0] ? eps : "?",
			cov[0] ? cov : "?", ft[0] ? ft : "?", z->corpus_n, z->corpus_new,
			(unsigned long long)z->sig_max, z->shm->kcov_state > 0 ? "on" : "absent",
			(unsigned long long)z->kcov_max, z->nf, w ? ", worst " : "", w ? w : "");
		if (z->nf) {
			fprintf(f, "| id | class | count | first report line |\n|---|---|---|---|\n");
			for (unsigned int i = 0; i < z->nf; i++)
				fprintf(f, "| [%s](findings/%s/report.txt) | %s | %u | `%s` |\n", z->f[i].id, z->f[i].id,
					z->f[i].cls, z->f[i].count, z->f[i].title);
		}
		fclose(f);
	}
}

/* ------------------------------------------------------------------ commands */

static int cmd_campaign(struct fz *z)
{
	char args[128], src[4300];
	const char *end = "time";
	int fails = 0, code, ret;
	double secs;

	snprintf(z->corpus, sizeof(z->corpus), "%s/corpus", z->rundir);
	dmab_mkdir_p(z->corpus, 0755);
	snprintf(src, sizeof(src), "%s", z->corpus_in ? z->corpus_in : "");
	if (!z->corpus_in)
		snprintf(src, sizeof(src), "%.4200s/fuzz/corpus", z->o.repo);
	if (corpus_seed(z, src)) {
		fprintf(stderr, "dmabench: fuzz: corpus %s: %s\n", src, strerror(errno));
		return DMAB_EXIT_USAGE;
	}
	if (!z->quiet)
		fprintf(stderr, "dmabench: fuzz %s for %.0f s, %u corpus entries from %s -> %s\n",
			dmab_backend_label(z->o.backends[0]), z->time_s, z->corpus_n, src, z->rundir);
	z->boot_secs_est = 12;
	while (!g_fz_stop) {
		struct dmab_vm vm;
		double left = z->deadline - dmab_now(), guest;
		bool died;

		if (left < 10) {
			end = "time";
			break;
		}
		guest = left + 5;	/* an upper bound: at the deadline the host sets shm->stop */
		z->boot++;
		if ((ret = shm_prepare(z, FZ_MODE_CAMPAIGN, NULL, 0))) {
			fprintf(stderr, "dmabench: fuzz: shared memory: %s\n", strerror(-ret));
			return DMAB_EXIT_USAGE;
		}
		snprintf(args, sizeof(args), "--time %.0f --shm auto", guest);
		ret = boot_vm(z, args, &vm, guest + z->boot_secs_est + 120);
		if (ret < 0) {
			fprintf(stderr, "dmabench: fuzz: cannot start the VM: %s\n", strerror(-ret));
			return DMAB_EXIT_USAGE;
		}
		if (vm.t_init && z->t_first_exec)
			z->boot_secs_est = z->t_first_exec - vm.t_start + 2;
		harvest(z, vm.console_path);
		died = vm.con.panic || vm.con.oops || (vm.facts.timed_out && vm.con.saw_init) ||
		       (vm.con.saw_init && !vm.facts.end_seen && !vm.facts.interrupted && z->shm->started);
		if (!z->quiet)
			progress(z, died ? "(VM died)" : "(VM done)");
		z->execs_total += z->shm->started;
		if (z->restarts)
			z->execs_after_restart += z->shm->started;
		if (z->shm->sig_features > z->sig_max)
			z->sig_max = z->shm->sig_features;
		if (z->shm->kcov_slots > z->kcov_max)
			z->kcov_max = z->shm->kcov_slots;
		if (vm.facts.interrupted || g_fz_stop) {
			end = "interrupted";
			dmab_vm_release(&vm);
			break;
		}
		if (died && !z->shm->started) {
			/* the kernel died before the first program: a boot failure, not a finding */
			fprintf(stderr, "dmabench: fuzz: boot %u: the kernel died before any program (%s: %s); see %s\n",
				z->boot, dmab_class_name(vm.cls), vm.reason, vm.console_path);
			z->boot_deaths++;
			died = false;
			fails++;
		} else if (died) {
			crash(z, &vm);
			fails = 0;
		} else if (!z->shm->started) {
			fprintf(stderr, "dmabench: fuzz: boot %u ran no program (%s: %s); see %s\n", z->boot,
				dmab_class_name(vm.cls), vm.reason, vm.console_path);
			fails++;
		} else {
			fails = 0;
		}
		dmab_vm_release(&vm);
		if (fails >= 3) {
			end = "VM failures";
			break;
		}
		if (!died && z->shm->started && z->deadline - dmab_now() < 20)
			break;	/* ran its time */
		if (died) {
			z->restarts++;
			if ((int)z->restarts > z->max_restarts) {
				end = "max restarts";
				break;
			}
		}
	}
	secs = dmab_now() - z->t0;
	write_report(z, secs, end);
	double fsecs = secs - z->boot_secs > 1 ? secs - z->boot_secs : 1;
	worst_class(z, &code);
	{
		char cov[32], corp[32];
		stat_field(z->last_stats, "cov: ", cov, sizeof(cov));
		stat_field(z->last_stats, "corp: ", corp, sizeof(corp));
		printf("fuzz %s: %.0f s, %u boot(s), %u restart(s), %llu programs (%.0f/s), cov %s, corpus %u (%u new), "
		       "kernel sig %llu, kcov %s, %u finding(s), end: %s\n",
		       dmab_backend_label(z->o.backends[0]), secs, z->boot, z->restarts, z->execs_total,
		       (double)z->execs_total / fsecs, cov[0] ? cov : "?", z->corpus_n, z->corpus_new,
		       (unsigned long long)z->sig_max, z->shm->kcov_state > 0 ? "on" : "absent", z->nf, end);
	}
	for (unsigned int i = 0; i < z->nf; i++)
		printf("finding %s %s x%u: %s\n", z->f[i].id, z->f[i].cls, z->f[i].count, z->f[i].title);
	printf("results: %s\n", z->rundir);
	if (!strcmp(end, "VM failures"))
		return DMAB_EXIT_BOOT;
	if (!strcmp(end, "interrupted"))
		return DMAB_EXIT_INTERRUPTED;
	return code;
}

/*
 * One VM that replays (or, mode MINIMIZE, minimises in the guest) one
 * input. Returns the finding's exit code (0 clean) and its class in *cls
 * (NULL when clean); *crashed when the VM died or hung on it.
 */
static int replay_one(struct fz *z, const uint8_t *in, size_t len, uint32_t mode, const char **cls,
		      bool *crashed, bool print)
{
	struct dmab_vm vm;
	int ret, code = 0;

	*cls = NULL;
	*crashed = false;
	z->have_result = false;
	z->result_len = 0;
	shm_prepare(z, mode, in, len);
	z->shm->replay_repeat = z->repeat;
	z->shm->replay_flags = z->no_klog ? FZ_REPLAY_NO_KLOG : 0;
	z->boot++;
	ret = boot_vm(z, "--shm auto", &vm, z->o.timeout);
	if (ret < 0)
		return -1;
	harvest(z, vm.console_path);
	if (vm.con.panic || vm.con.oops || (vm.facts.timed_out && vm.con.saw_init)) {
		*cls = crash(z, &vm);
		*crashed = true;
		code = dmab_fuzz_class_exit(*cls);
	} else if (z->have_result) {
		const char *fl = strstr(z->result_text, "FINDING ");

		if (fl) {
			const char *line;
			size_t ll;

			*cls = strstr(fl, "FINDING dma-api") ? "DMA-API" : dmab_fuzz_classify(fl, &line, &ll);
			code = dmab_fuzz_class_exit(*cls);
		}
		if (print)
			fputs(z->result_text, stdout);
	} else {
		fprintf(stderr, "dmabench: replay: the VM ended without a result (%s: %s); console: %s\n",
			dmab_class_name(vm.cls), vm.reason, vm.console_path);
		code = vm.cls ? vm.cls : DMAB_EXIT_RESULTS;
	}
	if (print)
		printf("replay on %s: %s (exit %d); console: %s\n", dmab_backend_label(z->o.backends[0]),
		       *cls ? *cls : "clean", code, vm.console_path);
	dmab_vm_release(&vm);
	return code;
}

/*
 * Crash minimisation on the host: op-level delta debugging where every
 * candidate is one VM boot (the kernel dies on the input). Keeps a cut when
 * the candidate crashes with the same class. At most 64 boots.
 */
static int minimize_crash(struct fz *z, const uint8_t *in, size_t len, const char *cls0, const char *out)
{
	static struct fuzz_program prog, cand;
	static uint8_t buf[FZ_SHM_INPUT_MAX];
	unsigned int chunk, i, j, tries = 0;
	long n;

	fuzz_decode(in, len, &prog);
	for (chunk = prog.nops / 2 ? prog.nops / 2 : 1; chunk >= 1 && tries < 64 && !g_fz_stop; chunk /= 2) {
		for (i = 0; i < prog.nops && prog.nops > 1 && tries < 64 && !g_fz_stop;) {
			const char *cls;
			bool crashed;

			cand.nops = 0;
			for (j = 0; j < prog.nops; j++)
				if (j < i || j >= i + chunk)
					cand.ops[cand.nops++] = prog.ops[j];
			n = fuzz_encode(&cand, buf, sizeof(buf));
			if (n <= 0)
				break;
			tries++;
			replay_one(z, buf, (size_t)n, FZ_MODE_REPLAY, &cls, &crashed, false);
			if (!z->quiet)
				fprintf(stderr, "minimize: try %u: %u of %u ops without [%u, %u): %s\n", tries, cand.nops,
					prog.nops, i, i + chunk, crashed && cls && !strcmp(cls, cls0) ? "still crashes: cut" : "keep");
			if (crashed && cls && !strcmp(cls, cls0))
				prog = cand;
			else
				i += chunk;
		}
		if (chunk == 1)
			break;
	}
	n = fuzz_encode(&prog, buf, sizeof(buf));
	if (n <= 0 || write_bytes(out, buf, (size_t)n))
		return -EIO;
	printf("minimised (%u VM boots): %zu bytes -> %ld bytes, %u ops: %s\n", tries, len, n, prog.nops, out);
	for (i = 0; i < prog.nops; i++) {
		char line[256];

		printf("  %2u %s\n", i, fuzz_format_op(&prog.ops[i], line, sizeof(line)));
	}
	return 0;
}

static int cmd_replay(struct fz *z)
{
	char *b = NULL, p[4600];
	size_t len = 0;
	int ret, code;
	const char *cls;
	bool crashed;

	if (dmab_is_dir(z->replay_file)) {	/* a corpus: every file in one VM */
		if (z->minimize) {
			fprintf(stderr, "dmabench: replay: --minimize takes one file, not a folder\n");
			return DMAB_EXIT_USAGE;
		}
		snprintf(z->corpus, sizeof(z->corpus), "%.4300s", z->replay_file);
		code = replay_one(z, NULL, 0, FZ_MODE_REPLAY, &cls, &crashed, true);
		printf("replay %s: %s (exit %d)\n", z->replay_file, cls ? cls : "clean", code);
		return code < 0 ? DMAB_EXIT_USAGE : code;
	}
	ret = dmab_read_file(z->replay_file, &b, &len, FZ_SHM_INPUT_MAX);
	if (ret) {
		fprintf(stderr, "dmabench: replay: %s: %s\n", z->replay_file, strerror(-ret));
		return DMAB_EXIT_USAGE;
	}
	snprintf(z->corpus, sizeof(z->corpus), "%s/corpus", z->rundir);
	snprintf(p, sizeof(p), "%s.min", z->replay_file);
	code = replay_one(z, (const uint8_t *)b, len, z->minimize ? FZ_MODE_MINIMIZE : FZ_MODE_REPLAY, &cls,
			  &crashed, true);
	if (code < 0) {
		free(b);
		return DMAB_EXIT_USAGE;
	}
	if (z->minimize && crashed) {
		if (minimize_crash(z, (const uint8_t *)b, len, cls, p))
			fprintf(stderr, "dmabench: replay: cannot write %s\n", p);
	} else if (z->minimize && z->result_len) {
		if (write_bytes(p, z->result_input, z->result_len) == 0)
			printf("minimised input: %s (%zu bytes, was %zu)\n", p, z->result_len, len);
	} else if (z->minimize) {
		printf("nothing to minimise: %s is clean on %s\n", z->replay_file, dmab_backend_label(z->o.backends[0]));
	}
	printf("replay %s: %s (exit %d)\n", z->replay_file, cls ? cls : "clean", code);
	free(b);
	return code;
}

int dmab_cmd_fuzz(int argc, char **argv)
{
	struct fz *z = calloc(1, sizeof(*z));
	struct sigaction sa = { .sa_handler = fz_on_signal };
	int ret;

	if (!z)
		return DMAB_EXIT_USAGE;
	if (fz_parse(z, argc, argv)) {
		free(z);
		return DMAB_EXIT_USAGE;
	}
	if (z->o.dry_run) {	/* the first boot's QEMU command line */
		struct dmab_vm vm;
		char args[128];

		snprintf(z->rundir, sizeof(z->rundir), "%s/<run-id>", z->o.out);
		snprintf(z->shm_path, sizeof(z->shm_path), "%s/.shm", z->rundir);
		z->boot = 1;
		snprintf(args, sizeof(args), z->replay_file ? "--shm auto" : "--time %.0f --shm auto", z->time_s + 5);
		ret = boot_vm(z, args, &vm, 0);
		dmab_vm_release(&vm);
		free(z);
		return ret ? DMAB_EXIT_USAGE : DMAB_EXIT_OK;
	}
	if (make_dir(z, z->replay_file ? "replay" : "fuzz") || map_shm(z)) {
		fprintf(stderr, "dmabench: %s: cannot create the results folder or shared memory in %s: %s\n",
			argv[0], z->o.out, strerror(errno));
		free(z);
		return DMAB_EXIT_USAGE;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	z->t0 = dmab_now();
	z->deadline = z->t0 + z->time_s;
	ret = z->replay_file ? cmd_replay(z) : cmd_campaign(z);
	unmap_shm(z);
	free(z);
	return ret;
}
