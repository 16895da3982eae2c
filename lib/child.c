// SPDX-License-Identifier: GPL-2.0
/*
 * child.c - a growable byte buffer, whole-file reads and writes, and running
 * a child with a timeout (child.h). Used by the guest's init and test
 * runner, and by the host command (dmab_run_capture).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

void sb_reserve(struct sbuf *b, size_t extra)
{
	size_t ncap;
	char *np;

	if (b->err || b->len + extra + 1 <= b->cap)
		return;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + extra + 1)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (!np) {
		b->err = -ENOMEM;
		return;
	}
	b->p = np;
	b->cap = ncap;
}

void sb_add(struct sbuf *b, const void *s, size_t n)
{
	sb_reserve(b, n);
	if (b->err)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_reserve(b, (size_t)n);
	if (b->err)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sb_free(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int read_file_sb(const char *path, struct sbuf *b)
{
	char tmp[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
		if (n == 0)
			break;
		sb_add(b, tmp, (size_t)n);
	}
	close(fd);
	return b->err;
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int dmab_run_child(char *const argv[], unsigned int flags, double timeout_s, struct child_res *r)
{
	int pfd[2] = { -1, -1 };
	double t0 = dmab_now(), deadline = t0 + timeout_s;
	pid_t pid;
	int capture = !!(flags & (DMAB_CHILD_CAPTURE | DMAB_CHILD_STDOUT));
	int eof = !capture;

	const char *cwd = r->cwd;

	memset(r, 0, sizeof(*r));
	r->cwd = cwd;
	if (capture && pipe2(pfd, O_CLOEXEC) < 0)
		return r->spawn_err = -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r->spawn_err = -errno;
		if (capture) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return r->spawn_err;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		sigset_t none;

		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (nul >= 0)
			dup2(nul, 0);
		if (capture) {
			dup2(pfd[1], 1);
			dup2((flags & DMAB_CHILD_STDOUT) && nul >= 0 ? nul : pfd[1], 2);
		}
		if (nul > 2)
			close(nul);
		if (r->cwd && chdir(r->cwd))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* both sides: no race with kill(-pid) */
	if (capture) {
		close(pfd[1]);
		fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	}
	for (;;) {
		int st;
		pid_t w;

		if (!eof) {
			struct pollfd p = { .fd = pfd[0], .events = POLLIN };

			if (poll(&p, 1, 200) > 0) {
				char tmp[8192];
				ssize_t n = read(pfd[0], tmp, sizeof(tmp));

				if (n > 0) {
					if (r->out.len + (size_t)n <= DMAB_CHILD_OUT_MAX)
						sb_add(&r->out, tmp, (size_t)n);
					else
						r->truncated = 1;
				} else if (n == 0) {
					eof = 1;
				}
			}
		} else {
			poll(NULL, 0, 100);
		}
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid) {
			r->status = st;
			break;
		}
		if (dmab_now() > deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			r->status = st;
			r->timed_out = 1;
			break;
		}
	}
	/* nothing of the group may outlive the test */
	kill(-pid, SIGKILL);
	if (capture) {
		char tmp[8192];
		ssize_t n;

		while ((n = read(pfd[0], tmp, sizeof(tmp))) > 0) {
			if (r->out.len + (size_t)n <= DMAB_CHILD_OUT_MAX)
				sb_add(&r->out, tmp, (size_t)n);
			else
				r->truncated = 1;
		}
		close(pfd[0]);
	}
	/* reap any orphans that were reparented to us (PID 1) */
	while ((flags & DMAB_CHILD_REAP) && waitpid(-1, NULL, WNOHANG) > 0)
		;
	r->secs = dmab_now() - t0;
	return 0;
}

void dmab_child_status(const struct child_res *r, double timeout_s, char *buf, size_t len)
{
	if (r->spawn_err)
		snprintf(buf, len, "could not start: %s", strerror(-r->spawn_err));
	else if (r->timed_out)
		snprintf(buf, len, "timeout after %.0f s (killed)", timeout_s);
	else if (WIFEXITED(r->status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(r->status));
	else if (WIFSIGNALED(r->status))
		snprintf(buf, len, "signal %d (%s)", WTERMSIG(r->status), strsignal(WTERMSIG(r->status)));
	else
		snprintf(buf, len, "status 0x%x", r->status);
}
