// SPDX-License-Identifier: GPL-2.0
/* findings.c - what a dead VM or an oracle message is (lib/klog.c's table), the dedup key, findings/<id>/{input,console.log,report.txt}. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/fuzzhost/fz.h"
#include "harness/vm/exitcodes.h"
#include "lib/klog.h"
#include "lib/util.h"

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
	struct dmab_klog_scan sc = { 0 };
	size_t len;

	/* known reports (lib/klog.c dmab_kr_known[]) are skipped: the first new one names the finding */
	k = dmab_kreport_first_new(q ? q + strlen(FUZZ_KLOG_QUOTE) : text, &line, &len, &sc, NULL);
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

/* ------------------------------------------------------------------ findings */

static void hex_line(FILE *f, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
	fputc('\n', f);
}


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
			uint64_t size;

			fprintf(out, "  %2u %s", i, fuzz_format_op(op, line, sizeof(line)));
			if (fuzz_op_size(op, &size))
				fprintf(out, "   (size %llu)", (unsigned long long)size);
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

/*
 * The "out" records of a boot: corpus entries, oracle findings, replay
 * results. Called while the VM runs (so a finding's time is when it came)
 * and after it; each record is read once (z->out_pos, reset per boot).
 */
void harvest(struct fz *z, const char *console_path)
{
	uint64_t pos = z->out_pos, used = __atomic_load_n(&z->shm->out_len, __ATOMIC_ACQUIRE);
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
		z->out_pos = pos;
	}
}

bool known_scan(struct fz *z, const char *console_path)
{
	struct dmab_klog_scan sc = { 0 };
	unsigned int kn[FUZZ_KNOWN_MAX] = { 0 };
	char *con = NULL;
	size_t clen = 0;
	const char *from;

	if (dmab_read_file(console_path, &con, &clen, 64 << 20))
		return false;
	from = strstr(con, "dmabench-init: start");
	for (const char *p = from ? from : con, *line; p; p = line ? strchr(line, '\n') : NULL) {	/* all of them */
		size_t ll;

		if (!dmab_kreport_first_new(p, &line, &ll, &sc, kn))
			break;
	}
	free(con);
	for (unsigned int i = 0; i < FUZZ_KNOWN_MAX; i++)
		z->known[i] += kn[i];
	return sc.known_panic;
}

void idle_reason(const char *console_path, char *out, size_t cap)
{
	static const struct { const char *text, *hint; } tells[] = {
		{ "version magic", "the initramfs's dmabench.ko is built for another kernel: pass --initrd with the "
				   "kernel's own initramfs (make kernel: build/kernel/x86_64/initramfs.cpio)" },
		{ "finit_module", "dmabench.ko did not load" },
		{ "fuzz-dmabench:", "the fuzz target could not start" },
		{ "no ivshmem", "the guest found no shared memory" },
		{ "Kernel panic", "the kernel died before the first program" },
	};
	char *con = NULL;
	size_t clen = 0;

	snprintf(out, cap, "no program started; see %s", console_path);
	if (dmab_read_file(console_path, &con, &clen, 64 << 20))
		return;
	for (size_t t = 0; t < sizeof(tells) / sizeof(tells[0]); t++) {
		const char *p = strstr(con, tells[t].text), *b, *e;

		if (!p)
			continue;
		for (b = p; b > con && b[-1] != '\n'; b--)
			;
		e = strchr(p, '\n');
		snprintf(out, cap, "%s: '%.*s' (%s)", tells[t].hint, (int)((e ? e : p + strlen(p)) - b > 300 ? 300 :
			 (e ? e : p + strlen(p)) - b), b, console_path);
		break;
	}
	free(con);
}

/* After a VM died (panic, oops) or hung: the input that was running. "known" when a known report killed it. */
const char *crash(struct fz *z, struct dmab_vm *vm)
{
	char *con = NULL, detail[256];
	const char *line = NULL, *cls, *from;
	size_t ll = 0, clen = 0, len = z->shm->cur_len;
	const uint8_t *input = z->shm_base + FZ_SHM_INPUT_OFF;
	bool hung = vm->facts.timed_out && !vm->con.panic, known_death;

	if (len > FZ_SHM_INPUT_MAX)
		len = FZ_SHM_INPUT_MAX;
	known_death = known_scan(z, vm->console_path);
	dmab_read_file(vm->console_path, &con, &clen, 64 << 20);
	from = con ? strstr(con, "dmabench-init: start") : NULL;
	cls = dmab_fuzz_classify(from ? from : con ? con : "", &line, &ll);
	if (!hung && !strcmp(cls, "oracle") && known_death) {
		/* a known report (a WARN with panic_on_warn) killed the kernel: tallied, not a finding */
		if (!z->quiet)
			fprintf(stderr, "fuzz: boot %u died of a known report (tallied, not a finding); input dropped\n",
				z->boot);
		corpus_drop(z, input, len);
		free(con);
		return "known";
	}
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

const char *worst_class(const struct fz *z, int *code)
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
