/* SPDX-License-Identifier: GPL-2.0 */
/*
 * child.h - a growable byte buffer, whole-file reads and writes, and running
 * a child with a timeout: the one fork/exec with output capture, for the
 * guest's init and test runner and the host command.
 */
#ifndef DMAB_CHILD_H
#define DMAB_CHILD_H

#include <stddef.h>

struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

void sb_reserve(struct sbuf *b, size_t extra);
void sb_add(struct sbuf *b, const void *s, size_t n);
void sb_puts(struct sbuf *b, const char *s);
__attribute__((format(printf, 2, 3))) void sb_printf(struct sbuf *b, const char *fmt, ...);
void sb_free(struct sbuf *b);
/* Read a whole file (raw bytes) into b. 0 or -errno. */
int read_file_sb(const char *path, struct sbuf *b);
/* write(2) until all n bytes are written. 0 or -errno. */
int write_all(int fd, const void *buf, size_t n);

#define DMAB_CHILD_OUT_MAX	(256 * 1024)
#define DMAB_CHILD_CAPTURE	1u
#define DMAB_CHILD_STDOUT	2u
#define DMAB_CHILD_REAP		4u

struct child_res {
	int status;		/* waitpid status (valid unless timed_out / spawn_err) */
	int timed_out;
	int spawn_err;		/* -errno of fork/pipe */
	int truncated;		/* output beyond DMAB_CHILD_OUT_MAX dropped */
	double secs;
	struct sbuf out;	/* what was captured */
	const char *cwd;	/* (in) working directory, NULL: unchanged */
};

/*
 * Run argv (execvp) with the inherited environment in its own process group,
 * in r->cwd when set (the only field read); stdin is /dev/null. Flags:
 * DMAB_CHILD_CAPTURE: stdout+stderr go into r->out (at most DMAB_CHILD_OUT_MAX);
 * DMAB_CHILD_STDOUT: only stdout, stderr to /dev/null; neither: inherited.
 * DMAB_CHILD_REAP: reap every orphan afterwards (PID 1 only). After timeout_s seconds the whole group is
 * killed (SIGKILL). Returns 0 when the child was started (see r), -errno
 * otherwise.
 */
int dmab_run_child(char *const argv[], unsigned int flags, double timeout_s, struct child_res *r);
/* "exit 0" / "exit 3" / "signal 11 (Segmentation fault)" / "timeout after N s" */
void dmab_child_status(const struct child_res *r, double timeout_s, char *buf, size_t len);

#endif
