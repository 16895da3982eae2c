// SPDX-License-Identifier: GPL-2.0
/* util.c - small host-side helpers. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/util.h"

uint64_t dmab_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

double dmab_now(void)
{
	return (double)dmab_now_ns() / 1e9;
}

const char *dmab_size_str(double v, char *buf, size_t len)
{
	double a = v < 0 ? -v : v;
	unsigned long long u = (unsigned long long)a;
	const char *sign = v < 0 ? "-" : "";

	if (u >= 1048576 && !(u % 1048576) && (double)u == a)
		snprintf(buf, len, "%s%lluM", sign, u / 1048576);
	else if (u >= 1024 && !(u % 1024) && (double)u == a)
		snprintf(buf, len, "%s%lluK", sign, u / 1024);
	else
		snprintf(buf, len, "%s%.0f", sign, a);
	return buf;
}

bool dmab_list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == wl && !strncmp(p, word, l))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

int dmab_parse_size(const char *s, uint64_t *v)
{
	char *ep;
	unsigned long long x;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &ep, 0);
	if (ep == s || errno)
		return -EINVAL;
	if (*ep == 'K' || *ep == 'k') {
		if (x > (~0ULL >> 10))
			return -EINVAL;
		x <<= 10, ep++;
	} else if (*ep == 'M' || *ep == 'm') {
		if (x > (~0ULL >> 20))
			return -EINVAL;
		x <<= 20, ep++;
	}
	if (*ep)
		return -EINVAL;
	*v = x;
	return 0;
}

void dmab_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);	/* an interrupting signal just shortens the sleep */
}

bool dmab_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool dmab_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int dmab_mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return dmab_is_dir(buf) ? 0 : -ENOTDIR;
}

int dmab_read_file(const char *path, char **buf, size_t *len, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *b;

	*buf = NULL;
	if (len)
		*len = 0;
	if (fd < 0)
		return -errno;
	b = malloc(cap + 1);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				free(b);
				close(fd);
				return -EFBIG;
			}
			cap *= 2;
			char *nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				close(fd);
				return -ENOMEM;
			}
			b = nb;
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(b);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(b);
		return -EFBIG;
	}
	b[n] = 0;
	*buf = b;
	if (len)
		*len = n;
	return 0;
}

int dmab_write_file(const char *path, const void *buf, size_t len)
{
	char tmp[4096];
	const char *p = buf;
	int fd, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path) ? -1 : 0;
}

int dmab_rm_rf(const char *path)
{
	return nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS) ? -errno : 0;
}

int dmab_find_exe(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		if (access(name, X_OK) || !dmab_is_file(name))
			return -ENOENT;
		snprintf(out, outlen, "%s", name);
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t dl = end ? (size_t)(end - path) : strlen(path);
		char cand[4096];

		if (dl == 0)
			snprintf(cand, sizeof(cand), "./%s", name);
		else
			snprintf(cand, sizeof(cand), "%.*s/%s", (int)dl, path, name);
		if (!access(cand, X_OK) && dmab_is_file(cand)) {
			snprintf(out, outlen, "%s", cand);
			return 0;
		}
		path += dl;
		if (*path == ':')
			path++;
	}
	return -ENOENT;
}

void dmab_repo_root(char *out, size_t outlen)
{
	char exe[4096], cand[4096], t[4200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = 0;
		/* <repo>/build/host/dmabench (or build/host/unit/test_x: one more up) */
		for (int up = 3; up <= 4; up++) {
			snprintf(cand, sizeof(cand), "%s", exe);
			for (int i = 0; i < up; i++) {
				char *s = strrchr(cand, '/');
				if (!s || s == cand)
					break;
				*s = 0;
			}
			snprintf(t, sizeof(t), "%s/Makefile", cand);
			if (!dmab_is_file(t))
				continue;
			snprintf(t, sizeof(t), "%s/kmod", cand);
			if (!dmab_is_dir(t))
				continue;
			snprintf(out, outlen, "%s", cand);
			return;
		}
	}
	if (!getcwd(out, outlen))
		snprintf(out, outlen, ".");
}

void dmab_home(struct dmab_home *h)
{
	char exe[4096], pre[4096], t[4300];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	memset(h, 0, sizeof(*h));
	/* installed: <prefix>/bin/dmabench beside <prefix>/share/dmabench */
	if (n > 0) {
		char *s;

		exe[n] = 0;
		snprintf(pre, sizeof(pre), "%s", exe);
		for (int i = 0; i < 2 && (s = strrchr(pre, '/')) && s != pre; i++)
			*s = 0;
		snprintf(t, sizeof(t), "%s/share/dmabench/gnuplot", pre);
		if (dmab_is_dir(t)) {
			h->installed = true;
			snprintf(h->root, sizeof(h->root), "%s", pre);
			snprintf(h->gnuplot, sizeof(h->gnuplot), "%.4000s/share/dmabench/gnuplot", pre);
			snprintf(h->corpus, sizeof(h->corpus), "%.4000s/share/dmabench/fuzz/corpus", pre);
			snprintf(h->runner, sizeof(h->runner), "%.4000s/lib/dmabench/runner/init", pre);
			return;
		}
	}
	dmab_repo_root(h->root, sizeof(h->root));
	snprintf(h->gnuplot, sizeof(h->gnuplot), "%.4000s/results", h->root);
	snprintf(h->corpus, sizeof(h->corpus), "%.4000s/fuzz/corpus", h->root);
	snprintf(h->runner, sizeof(h->runner), "%.4000s/build/x86_64/initramfs/init", h->root);
}

int dmab_newest_match(const char *dir, const char *prefix, const char *suffix,
		      char *out, size_t outlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char best[256] = "";
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < pl + sl || strncmp(e->d_name, prefix, pl) ||
		    strcmp(e->d_name + l - sl, suffix) || l >= sizeof(best))
			continue;
		if (!best[0] || strverscmp(e->d_name, best) > 0)
			strcpy(best, e->d_name);
	}
	closedir(d);
	if (!best[0])
		return -ENOENT;
	snprintf(out, outlen, "%s/%s", dir, best);
	return 0;
}

int dmab_kill_wait(pid_t pid, double grace_s)
{
	int status = 0;
	double end;

	if (pid <= 0)
		return 0;
	kill(pid, SIGTERM);
	end = dmab_now() + grace_s;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))
			return status;
		if (dmab_now() >= end)
			break;
		dmab_sleep_ms(50);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Append what fits of buf to out (NUL-terminated, outlen bytes); the rest is dropped. */
int dmab_run_capture(char *const argv[], const char *cwd, double timeout_s,
		     char *out, size_t outlen)
{
	struct child_res r = { .cwd = cwd };
	int ret = dmab_run_child(argv, DMAB_CHILD_STDOUT, timeout_s, &r);

	if (outlen)
		snprintf(out, outlen, "%.*s", (int)(r.out.len < outlen ? r.out.len : outlen - 1), r.out.p ? r.out.p : "");
	sb_free(&r.out);
	if (ret)
		return ret;
	if (r.timed_out)
		return -ETIMEDOUT;
	if (WIFEXITED(r.status))
		return WEXITSTATUS(r.status);
	return 128 + (WIFSIGNALED(r.status) ? WTERMSIG(r.status) : 0);
}

void dmab_chomp(char *s)
{
	size_t l = strlen(s);

	while (l && (s[l - 1] == '\n' || s[l - 1] == '\r' || s[l - 1] == ' ' || s[l - 1] == '\t'))
		s[--l] = 0;
}

bool dmab_plain_name(const char *s)
{
	size_t l = strlen(s);

	if (l == 0 || l > 128 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

int dmab_spawn(char *const argv[], char *const env[], const char *log_path, pid_t *pid)
{
	int pfd[2], err = 0;
	pid_t c;

	*pid = -1;
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	c = fork();
	if (c < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return err;
	}
	if (c == 0) {
		int e, in = open("/dev/null", O_RDONLY);
		int out = log_path ? open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644)
				   : open("/dev/null", O_WRONLY);
		setpgid(0, 0);
		for (int i = 0; env && env[i]; i++)
			putenv(env[i]);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
			e = errno;
		} else {
			execvp(argv[0], argv);
			e = errno;
		}
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	/* setpgid from the parent too: no race with kill(-pid) */
	setpgid(c, c);
	ssize_t r;
	int e = 0;
	do
		r = read(pfd[0], &e, sizeof(e));
	while (r < 0 && errno == EINTR);
	close(pfd[0]);
	if (r == (ssize_t)sizeof(e)) {
		while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
			;
		return -(e ? e : ENOEXEC);
	}
	*pid = c;
	return 0;
}
