#!/bin/bash
# Sharding: one plan (three x86 backends, a short va job) run unsplit, then as --shard 1/3, 2/3,
# 3/3 (the three shards at once, as CI matrix jobs would run) and joined with 'dmabench merge'.
# The merged run must equal the unsplit one in plan (id and VM list), rows (each backend's
# va.json rows, by operation and size) and exit code. Then the refusals: a shard missing,
# a shard twice, a shard of another plan, another code version - each with nothing written.
# Prints "ok NAME" / "not ok NAME: reason".
set -u
cd "$(dirname "$0")/../.." || exit 2
D=$PWD/build/host/dmabench
out=${DMABENCH_TEST_OUT:-build/test-results}-shard
rm -rf "$out"
mkdir -p "$out"
args=(run -q --backend direct,swiotlb,intel-strict --job va --timeout 300
	--append "DMABENCH_VA_ARGS=--max-size=65536")

t0=$(date +%s)
"$D" "${args[@]}" --jobs 2 --out "$out/whole" >"$out/whole.log" 2>&1
whole_rc=$?
pids=()
for i in 1 2 3; do
	"$D" "${args[@]}" --shard "$i/3" --out "$out/s$i" >"$out/s$i.log" 2>&1 &
	pids+=($!)
done
shard_rc=()
for p in "${pids[@]}"; do wait "$p"; shard_rc+=($?); done
took=$(($(date +%s) - t0))

"$D" merge -q --out "$out/merged" "$out/s3/latest" "$out/s1/latest" "$out/s2/latest" >"$out/merge.log" 2>&1
merge_rc=$?
[ "$merge_rc" = "$whole_rc" ] && echo "ok shard-exit-code (unsplit $whole_rc, shards ${shard_rc[*]}, merged $merge_rc; ${took} s)" ||
	echo "not ok shard-exit-code: merge exited $merge_rc, the unsplit run $whole_rc (see $out/merge.log)"

# what must be equal: plan id and VMs, backend order and exit codes, rows by (op, size)
view='[.plan.id, .plan.vms, .exit_code, [.backends[] | [.name, .plan_index, .exit_code,
	((.files["va.json"].rows // []) | map([.op, .size, .attrs]))]]]'
w=$(jq -c "$view" "$out/whole/latest/run.json" 2>&1)
m=$(jq -c "$view" "$out/merged/latest/run.json" 2>&1)
rows=$(jq '[.backends[].files["va.json"].rows // [] | length] | add' "$out/whole/latest/run.json" 2>/dev/null)
if [ -n "$w" ] && [ "$w" = "$m" ] && [ "${rows:-0}" -gt 0 ]; then
	echo "ok shard-merge-equals-whole ($rows rows)"
else
	echo "not ok shard-merge-equals-whole: unsplit $w merged $m"
fi
for s in 1 2 3; do
	sh=$(jq -r '.plan.shard' "$out/s$s/latest/run.json" 2>/dev/null)
	[ "$sh" = "$s/3" ] && echo "ok shard-$s-recorded" || echo "not ok shard-$s-recorded: run.json plan.shard '$sh'"
done
merged_ok() {
	local r=$out/merged/latest
	[ "$(jq -r .plan.shard "$r/run.json")" = null ] || return 1
	[ "$(jq ".plan.merged_from | length" "$r/run.json")" = 3 ] || return 1
	grep -q "merged from 3 shards" "$r/summary.md" || return 1
	for b in direct swiotlb intel-strict; do [ -s "$r/$b/vm.json" ] || return 1; done
}
merged_ok 2>/dev/null && echo "ok shard-merged-dir" ||
	echo "not ok shard-merged-dir: plan, summary.md or VM folders missing in $out/merged"

# refusals: exit 2, a reason, no new run directory
refuse() {
	local name=$1 want=$2
	shift 2
	local before after msg rc
	before=$(ls "$out/refused" 2>/dev/null | wc -l)
	msg=$("$D" merge -q --out "$out/refused" "$@" 2>&1)
	rc=$?
	after=$(ls "$out/refused" 2>/dev/null | wc -l)
	if [ "$rc" = 2 ] && [ "$before" = "$after" ] && [[ $msg == *"$want"* ]]; then
		echo "ok shard-refuses-$name"
	else
		echo "not ok shard-refuses-$name: exit $rc, '$msg', run dirs $before -> $after"
	fi
}
refuse missing "3 shards, 2 given" "$out/s1/latest" "$out/s2/latest"
refuse twice "given twice" "$out/s1/latest" "$out/s1/latest" "$out/s2/latest"
refuse unsplit "not a shard" "$out/whole/latest"
other=$out/other-sha
rm -rf "$other"
cp -a "$out/s2/latest/" "$other"
sed -i 's/"git_sha":[[:space:]]*"[^"]*"/"git_sha": "0000000"/' "$other/run.json"
refuse code-version "code versions" "$out/s1/latest" "$other" "$out/s3/latest"
"$D" run -q --backend direct,swiotlb,intel-strict --job lat --shard 1/3 --dry-run 2>&1 | grep -o 'plan [0-9a-f]*' >"$out/other-plan"
grep -q "plan $(jq -r .plan.id "$out/s1/latest/run.json")" "$out/other-plan" &&
	echo "not ok shard-plan-id-differs: --job lat has the va plan's id" || echo "ok shard-plan-id-differs"
exit 0
