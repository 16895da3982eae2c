/* SPDX-License-Identifier: GPL-2.0 */
/*
 * merge.h - `dmabench merge`: the run.json objects of the shards of one plan
 * (dmabench run --shard I/N) joined into the run.json of the whole plan.
 */
#ifndef DMAB_MERGE_H
#define DMAB_MERGE_H

#include <cjson/cJSON.h>
#include <stddef.h>

/*
 * Check that runs[0..n) are the N shards of one plan, each once: same
 * plan.id, plan.vms, env.git_sha, env.qemu_version, env.job and N; shards
 * 1..N all present; each VM of the plan in exactly one shard at the place
 * (plan_index) the plan gives it. names[i] names runs[i] in the messages.
 * Returns 0, or -EINVAL with the reason in err.
 */
int dmab_merge_check(cJSON *const *runs, const char *const *names, int n, char *err, size_t errlen);

/*
 * The merged run.json (caller deletes): shard 1's run with every shard's
 * backends in plan order, plan.shard null, plan.merged_from the shards' run
 * ids, exit_code the most severe of the shards', run_id and created as
 * given. runs must have passed dmab_merge_check().
 */
cJSON *dmab_merge_json(cJSON *const *runs, int n, const char *run_id, const char *created);

#endif
