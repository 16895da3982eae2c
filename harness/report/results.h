/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - results/<run-id>/: per backend vm.json, run.json, summary.md,
 * and the results/latest symlink.
 */
#ifndef DMAB_RESULTS_H
#define DMAB_RESULTS_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <time.h>

#include "harness/vm/vm.h"

#define DMAB_RUN_SCHEMA 1

struct dmab_run_info {
	char run_id[96];
	char created[32];		/* ISO 8601 UTC */
	char git_sha[48];		/* "unknown" outside git */
	char host_kernel[256];		/* uname -r */
	char host_uname[512];		/* uname -a like */
	char qemu_binary[4096];
	char qemu_version[256];
	char accel[8];			/* tcg | kvm | host */
	char accel_note[256];		/* why (KVM probe result) */
	char kernel[4096], initrd[4096];
	char job[128];
	double timeout;
	int parallel;
	int smp;			/* vCPUs per VM */
	int host_cpus;			/* online CPUs of the host: under TCG at most that many vCPUs run at once */
	int exit_code;
};

/* "20261124T101500Z-abc1234" from t and sha. */
int dmab_run_id(time_t t, const char *sha, char *out, size_t len);
/* Fill git sha (git rev-parse --short HEAD in repo), host kernel, created. */
void dmab_run_info_env(struct dmab_run_info *ri, const char *repo, time_t t);

/* The vm.json object of one VM (caller deletes). */
cJSON *dmab_vm_json(const struct dmab_vm *vm, const struct dmab_run_info *ri);
int dmab_write_json(const char *path, const cJSON *j);
/* The run.json object: everything merged, guest files embedded (the VMs' parsed JSON moves into it). */
cJSON *dmab_run_json(struct dmab_vm *vms, int n, const struct dmab_run_info *ri);
/* Write the markdown summary of a run.json object. */
int dmab_summary_write(const cJSON *run, FILE *f);
/* Atomically point <out>/latest at run_id (tmp symlink + rename). */
int dmab_update_latest(const char *out, const char *run_id);
/* Effective mode string of an env.json object ("iommu/DMA", "direct/none", ...), or NULL. */
const char *dmab_env_mode(const cJSON *env, char *buf, size_t len);

#endif
