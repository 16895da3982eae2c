/* SPDX-License-Identifier: GPL-2.0 */
/* util.h - small helpers for the host command and the guest programs. Functions return 0 or -errno. */
#ifndef DMAB_UTIL_H
#define DMAB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

double dmab_now(void);				/* CLOCK_MONOTONIC seconds */
uint64_t dmab_now_ns(void);			/* CLOCK_MONOTONIC nanoseconds */
/* Bytes for people: 4096 -> "4K", 1048576 -> "1M", 12345 -> "12345", -4096 -> "-4K". Returns buf. */
const char *dmab_size_str(double v, char *buf, size_t len);
/* True if the comma list ("va,lat") has word as one of its items. */
bool dmab_list_has(const char *list, const char *word);
/* "4096", "0x1000", "64K", "1M" (k, m too) -> *v. 0, or -EINVAL (nothing changed). */
int dmab_parse_size(const char *s, uint64_t *v);
void dmab_sleep_ms(unsigned int ms);
bool dmab_is_file(const char *path);		/* regular file (after symlinks) */
bool dmab_is_dir(const char *path);
int dmab_mkdir_p(const char *path, mode_t mode);
/* Read a whole file (max bytes) into a NUL-terminated malloc'd buffer. */
int dmab_read_file(const char *path, char **buf, size_t *len, size_t max);
/* Write a file atomically (tmp + rename). */
int dmab_write_file(const char *path, const void *buf, size_t len);
/* Remove a directory tree (no symlink following). Used by tests. */
int dmab_rm_rf(const char *path);

/* Search PATH for an executable (names with '/' are checked as they are). */
int dmab_find_exe(const char *name, char *out, size_t outlen);
/* Repository root: dirname(dirname(dirname(/proc/self/exe))) if it holds a
 * Makefile and kmod/, else the current directory. */
void dmab_repo_root(char *out, size_t outlen);
/*
 * Where dmabench's own files are: a source tree (the binary is
 * <repo>/build/host/dmabench) or an installed layout (<prefix>/bin/dmabench
 * beside <prefix>/share/dmabench/ and <prefix>/lib/dmabench/, `make install`
 * or the Debian package).
 */
struct dmab_home {
	bool installed;
	char root[4096];	/* the repository, or the installed prefix */
	char gnuplot[4200];	/* the plots' gnuplot scripts */
	char corpus[4200];	/* the fuzzer's seed corpus */
	char runner[4200];	/* the guest runner built for this machine (--host) */
};
void dmab_home(struct dmab_home *h);

/* Newest (version order) file matching dir/prefix*suffix. */
int dmab_newest_match(const char *dir, const char *prefix, const char *suffix,
		      char *out, size_t outlen);

/*
 * Run argv (execvp, own process group, stdin /dev/null, stderr discarded)
 * with cwd (NULL: unchanged), capture up to outlen-1 bytes of stdout, kill
 * it after timeout_s. Returns the exit status (>= 0) or -errno / -ETIMEDOUT.
 */
int dmab_run_capture(char *const argv[], const char *cwd, double timeout_s,
		     char *out, size_t outlen);

/*
 * fork + execvp argv in a new process group, with the "NAME=value" strings of
 * env (NULL-terminated, or NULL) added to the environment; stdin /dev/null,
 * stdout and stderr to log_path (NULL: /dev/null). An exec failure is
 * reported through a close-on-exec pipe: returns -errno of execvp and no
 * child.
 */
int dmab_spawn(char *const argv[], char *const env[], const char *log_path, pid_t *pid);

/* Kill one child pid: SIGTERM, wait up to grace_s, SIGKILL, reap. Returns the
 * wait status. */
int dmab_kill_wait(pid_t pid, double grace_s);

/* Remove trailing whitespace in place. */
void dmab_chomp(char *s);
/* A plain file name: [A-Za-z0-9._-]{1,128}, not "." or "..". */
bool dmab_plain_name(const char *s);

#endif
