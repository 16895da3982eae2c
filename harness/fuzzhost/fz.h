/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fz.h - the fuzz host's private header: its state and the functions its
 * files share. cli.c (options, folders, shared memory, the command),
 * corpus.c (the host's corpus and its hand-over), findings.c (classes,
 * dedup, findings/<id>/), campaign.c (boots, progress, fuzz.json),
 * replay.c (replay and crash minimisation).
 */
#ifndef DMAB_FZ_H
#define DMAB_FZ_H


#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "fuzz/program.h"
#include "fuzz/shm.h"
#include "harness/cli/opts.h"
#include "harness/fuzzhost/fuzzhost.h"
#include "harness/vm/vm.h"

#define MAX_FINDINGS	256
#define FZ_CMDLINE	"panic_on_warn=1 oops=panic"
#define FZ_CMDLINE_NO_PANIC_ON_WARN	"oops=panic"
/*
 * Slab poisoning on kernels without KASAN (Debian's): a use-after-free or
 * overflow of a slab object then reads or leaves poison, and slub_debug's
 * checks report it ("BUG kmalloc-64 (...): Poison overwritten") or the
 * poisoned pointer faults, instead of passing unseen. Measured cost:
 * fuzz/README.md "Speed".
 */
#define FZ_SLAB_POISON	"slub_debug=FZP"
/*
 * KASAN kernels boot with 4-level paging: under 5-level paging (QEMU's -cpu max offers LA57) identify_cpu()
 * clears boot_cpu_data's capabilities for a moment, so pgtable_l5_enabled() and with it KASAN_SHADOW_START take
 * their 4-level values, and an interrupt in that window makes KASAN report a direct-map access as
 * "wild-memory-access" (in __common_interrupt, rcu_is_watching, ...: whatever the handler touches first). A guest
 * kernel false positive (fuzz/README.md "On the debug kernel"), not an input.
 */
#define FZ_KASAN_NO5LVL	"no5lvl"
#define FZ_MIN_PROGRAMS_PER_BOOT	20	/* fewer on average over >= 3 boots: an idle campaign (exit 10) */
#define FZ_MAX_LEAK_BOOTS	512	/* boots whose leak figures fuzz.json keeps */

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
	char warn_why[200];		/* why WARNs do not panic (the flag, or a DMA-API-debug kernel) */
	char poison[64];		/* slab poisoning words for the kernel command line ("": none, KASAN has it) */
	char paging[16];		/* "no5lvl" for KASAN kernels with 5-level paging (FZ_KASAN_NO5LVL), else "" */
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
	unsigned long long known[FUZZ_KNOWN_MAX];	/* known reports seen (lib/klog.c dmab_kr_known[]) */
	unsigned long long threaded, cqes, faults;	/* programs on threads, io_uring CQEs, faulting copies */
	unsigned long long race_reruns;	/* extra runs of close-race programs */
	unsigned long long mask_probes;	/* VERIFYs of SET_MASK probes */
	unsigned int idle_boots;	/* boots that ran no program */
	unsigned int boots_init;	/* boots that reached guest init */
	char idle_why[600];		/* the first reason a boot ran no program */
	/* what the kernel held before and after each boot's programs (shm leak_*; valid 0: the boot died first) */
	struct fz_boot_leak {
		unsigned int boot;
		bool valid;
		struct fz_leak d;	/* after minus before (vmalloc, free memory); live objects and files after */
	} leaks[FZ_MAX_LEAK_BOOTS];
	unsigned int nleaks;
	/* per boot (watch callback) */
	uint64_t last_started;
	uint64_t out_pos;		/* "out" records read so far this boot */
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


extern volatile sig_atomic_t g_fz_stop;

/* corpus.c */
int corpus_add(struct fz *z, const uint8_t *data, size_t len);
void corpus_drop(struct fz *z, const uint8_t *data, size_t len);
int corpus_seed(struct fz *z, const char *dir);
int shm_prepare(struct fz *z, uint32_t mode, const uint8_t *single, size_t single_len);
/* findings.c */
void harvest(struct fz *z, const char *console_path);
/* Tally the known reports of a console log (from init on); true when one of them killed the kernel. */
bool known_scan(struct fz *z, const char *console_path);
/* Why a boot ran no program: the first telling console line, with a hint. */
void idle_reason(const char *console_path, char *out, size_t cap);
const char *crash(struct fz *z, struct dmab_vm *vm);
const char *worst_class(const struct fz *z, int *code);
int write_bytes(const char *path, const void *b, size_t n);
/* campaign.c */
int boot_vm(struct fz *z, const char *job_args, struct dmab_vm *vm, double timeout);
void stat_field(const char *stats, const char *key, char *out, size_t cap);
int cmd_campaign(struct fz *z);
/* replay.c */
int cmd_replay(struct fz *z);

#endif
