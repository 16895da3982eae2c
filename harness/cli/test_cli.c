// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli.c - the dmabench command as a user sees it: exit codes and
 * messages of usage errors, --help, backends, --dry-run. Runs
 * <repo>/build/host/dmabench (skipped when it is not built).
 */
#include <sys/wait.h>
#include <unistd.h>

#include "harness/vm/exitcodes.h"
#include "lib/test_util.h"

static char bin[4200];
static char out[65536];

/* Run dmabench with args (space separated); stdout+stderr into out; exit code. */
static int run(const char *args)
{
	char cmd[8192];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "DMABENCH_QEMU= %s %s 2>&1", bin, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	char repo[4096], args[8192];
	const char *dir;

	dmab_repo_root(repo, sizeof(repo));
	snprintf(bin, sizeof(bin), "%s/build/host/dmabench", repo);
	if (access(bin, X_OK)) {
		printf("SKIP: %s not built (make host)\n", bin);
		return 4;
	}
	dir = t_mktemp();

	CHECK_EQ(run("--help"), 0);
	CHECK_CONTAINS(out, "dmabench run [options]");
	CHECK_CONTAINS(out, "124  timeout");
	CHECK_CONTAINS(out, "255  kernel panic");
	CHECK_CONTAINS(out, "--dry-run");
	{
		/* the man page names every subcommand and every run option of the usage text */
		char mp[4200], *man = NULL, *line, *save = NULL, *help = strdup(out);

		snprintf(mp, sizeof(mp), "%.4000s/harness/cli/dmabench.1", repo);
		CHECK_EQ(dmab_read_file(mp, &man, NULL, 1 << 20), 0);
		for (char *p = man; p && *p; p++)	/* groff's "\-" is a "-" */
			if (p[0] == '\\' && p[1] == '-')
				memmove(p, p + 1, strlen(p));
		for (line = strtok_r(help, "\n", &save); line && man; line = strtok_r(NULL, "\n", &save)) {
			char word[64];

			if (sscanf(line, "  dmabench %63[a-z]", word) == 1 || sscanf(line, "  %63[a-z-]", word) == 1 ||
			    sscanf(line, "    %63[a-z-]", word) == 1) {
				if (strncmp(word, "--", 2) && strncmp(line, "  dmabench ", 11))
					continue;	/* a job name or a continuation line */
				if (!strstr(man, word))
					fprintf(stderr, "man page lacks '%s'\n", word);
				CHECK(strstr(man, word) != NULL);
			}
		}
		free(man);
		free(help);
	}
	CHECK_EQ(run("help"), 0);
	CHECK_EQ(run("topologies x"), DMAB_EXIT_USAGE);
	CHECK_CONTAINS(out, "unexpected argument 'x'");
	CHECK_EQ(run("arches"), 0);
	CHECK_CONTAINS(out, "qemu-system-aarch64");
	CHECK_EQ(run("backends"), 0);
	CHECK_CONTAINS(out, "intel-lazy");
	CHECK_CONTAINS(out, "DMA-FQ");
	CHECK_CONTAINS(out, "amd-iommu");

	/* summary from a run.json */
	char rj[600];
	snprintf(rj, sizeof(rj), "%s/run.json", dir);
	t_write(rj, "{\"run_id\":\"R1\",\"backends\":[{\"name\":\"amd\",\"status\":\"ok\"}]}");
	snprintf(args, sizeof(args), "summary %s", dir);
	CHECK_EQ(run(args), 0);
	CHECK_CONTAINS(out, "# dmabench run R1");
	CHECK_CONTAINS(out, "| amd | - | ok |");	/* a run from before the kernel axis: no kernel */
	CHECK_EQ(run("summary /nonexistent"), DMAB_EXIT_USAGE);
	CHECK_EQ(run("summary"), DMAB_EXIT_USAGE);
	unlink(rj);

	CHECK_EQ(run(""), DMAB_EXIT_USAGE);
	CHECK_EQ(run("frob"), DMAB_EXIT_USAGE);
	CHECK_CONTAINS(out, "unknown command 'frob'");
	CHECK_EQ(run("run --frob"), DMAB_EXIT_USAGE);
	CHECK_CONTAINS(out, "unknown option '--frob'");
	CHECK_EQ(run("run --backend nope"), DMAB_EXIT_USAGE);
	CHECK_CONTAINS(out, "unknown backend 'nope'");
	CHECK_EQ(run("run --kernel /nonexistent/vmlinuz --dry-run"), DMAB_EXIT_USAGE);
	CHECK_CONTAINS(out, "/nonexistent/vmlinuz");

	/* fixtures: kernel and initrd files */
	char k[600], i[600];
	snprintf(k, sizeof(k), "%s/vmlinuz", dir);
	snprintf(i, sizeof(i), "%s/initramfs.cpio", dir);
	t_write(k, "k");
	snprintf(args, sizeof(args), "run --kernel %s --initrd %s/missing.cpio --dry-run", k, dir);
	CHECK_EQ(run(args), DMAB_EXIT_USAGE);
	CHECK_CONTAINS(out, "missing.cpio");
	t_write(i, "i");
	snprintf(args, sizeof(args), "run --kernel %s --initrd %s --qemu /nonexistent/qemu --out %s/o", k, i, dir);
	CHECK_EQ(run(args), DMAB_EXIT_USAGE);
	CHECK_CONTAINS(out, "QEMU binary '/nonexistent/qemu' not found");
	snprintf(args, sizeof(args), "run --kernel %s --initrd %s --out %s/o --backend intel-strict,direct "
		 "--job test --accel tcg --dry-run", k, i, dir);
	CHECK_EQ(run(args), 0);
	CHECK_CONTAINS(out, "# intel-strict\n");
	CHECK_CONTAINS(out, "-accel tcg -machine q35 -cpu max -m 1G -smp 1 -nographic -no-reboot -nodefaults");
	CHECK_CONTAINS(out, "'console=ttyS0 panic=-1 no_timer_check intel_iommu=on iommu.strict=1 DMABENCH_JOB=test "
			    "DMABENCH_BACKEND=intel-strict DMABENCH_EXPECT_OPS=iommu DMABENCH_EXPECT_DOMAIN=DMA slub_debug=P'");
	CHECK_CONTAINS(out, "-device intel-iommu -device edu,dma_mask=0xffffffffffffffff "
			    "-device edu,dma_mask=0xffffffffffffffff");
	CHECK_CONTAINS(out, "# direct\n");
	snprintf(args, sizeof(args), "%s/o", dir);
	CHECK_EQ(access(args, F_OK), -1);	/* dry run creates nothing */

	/* --host: argument checks */
	CHECK_EQ(run("run --device 00:01.0"), DMAB_EXIT_USAGE);
	CHECK_CONTAINS(out, "only valid with --host");
	CHECK_EQ(run("run --host --device 0:1"), DMAB_EXIT_USAGE);
	snprintf(args, sizeof(args), "run --host --module %s/none.ko --runner %s", dir, k);
	CHECK_EQ(run(args), DMAB_EXIT_USAGE);
	CHECK_CONTAINS(out, "none.ko");
	return t_done("test_cli");
}
