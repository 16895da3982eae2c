// SPDX-License-Identifier: GPL-2.0
/*
 * mmap_touch: the program the hyperfine job times (bin/amt: alloc + mmap +
 * touch every page + munmap + free, 4 times) exits 0 for 4 KiB and 1 MiB,
 * with and without NO_KERNEL_MAPPING (the runner fails it on any kernel
 * warning it causes; release on exit is release_on_close's business).
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <sys/wait.h>

#include "kmod/tests/tcommon.h"

int main(void)
{
	static const char *const variants[][2] = { { "4K", NULL }, { "4K", "--nkm" }, { "1M", NULL }, { "1M", "--nkm" } };
	char self[PATH_MAX], amt[PATH_MAX + 16];
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fails = 0;

	if (l <= 0)
		t_fail("readlink /proc/self/exe");
	self[l] = 0;
	snprintf(amt, sizeof(amt), "%s/bin/amt", dirname(dirname(self)));	/* <root>/tests/mmap_touch */
	if (access(amt, X_OK))
		t_skip("%s not built", amt);
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		char *argv[] = { amt, "--count", "4", "--size", (char *)variants[i][0], (char *)variants[i][1], NULL };
		int st = 0;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			execv(amt, argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("amt --size %s %s: status %#x\n", variants[i][0], variants[i][1] ? variants[i][1] : "",
			       st);
			fails++;
		} else {
			printf("ok amt --size %s %s\n", variants[i][0], variants[i][1] ? variants[i][1] : "");
		}
	}
	return fails ? T_FAIL : T_PASS;
}
