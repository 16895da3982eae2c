#!/bin/bash
# The example CI definitions in harness/ci/: valid YAML (yamllint), and the dmabench commands
# they run work as written: every shard's 'dmabench run' line (the matrix or CI_NODE_INDEX
# filled in) is run with --dry-run, the shards must all name the same plan and together hold
# each of its VMs once; the 'dmabench merge' line's options must parse; the ClusterFuzzLite
# workflow's build contract (fuzz/oss-fuzz) must be complete. Prints "ok NAME" / "not ok NAME: reason".
set -u
cd "$(dirname "$0")/../.." || exit 2
D=$PWD/build/host/dmabench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=(harness/ci/github/dmabench-shards.yml harness/ci/github/dmabench-cflite.yml harness/ci/gitlab/.gitlab-ci.yml
	fuzz/oss-fuzz/project.yaml)
if ! command -v yamllint >/dev/null; then
	echo "not ok ci-yamllint: yamllint is not installed (make deps installs it)"
else
	for f in "${files[@]}"; do
		msg=$(yamllint -f parsable -c harness/ci/.yamllint "$f" 2>&1) && echo "ok ci-yamllint $f" ||
			echo "not ok ci-yamllint $f: $msg"
	done
fi

# a shard line's plan: DMABENCH_PLAN as the file sets it
shards() {
	local f=$1 n=$2 line plan ids="" total=0 want="" i out k m id
	plan=$(sed -n 's/^ *DMABENCH_PLAN: *//p' "$f")
	line=$(grep -o 'build/host/dmabench run .*' "$f" | head -1)
	[ -n "$line" ] && [ -n "$plan" ] || { echo "not ok ci-shards $f: no 'dmabench run' line or DMABENCH_PLAN"; return; }
	for i in $(seq 1 "$n"); do
		cmd=${line//'$DMABENCH_PLAN'/$plan}
		cmd=${cmd//'${{ matrix.shard }}'/$i}
		cmd=${cmd//'$CI_NODE_INDEX'/$i}
		cmd=${cmd//'$CI_NODE_TOTAL'/$n}
		cmd=${cmd%%|| true}
		# shellcheck disable=SC2086
		out=$(cd "$tmp" && "$D" ${cmd#build/host/dmabench } --dry-run 2>&1)
		rc=$?
		read -r k m id < <(sed -n "s|^# shard $i/$n of plan \([0-9a-f]*\): \([0-9]*\) of \([0-9]*\) VMs|\2 \3 \1|p" <<<"$out")
		if [ "$rc" != 0 ] || [ -z "${k:-}" ]; then
			echo "not ok ci-shards $f: shard $i/$n: exit $rc: $(head -3 <<<"$out")"
			return
		fi
		total=$((total + k)); want=$m; ids="$ids $id"
	done
	if [ "$(tr ' ' '\n' <<<"$ids" | sort -u | grep -c .)" = 1 ] && [ "$total" = "$want" ]; then
		echo "ok ci-shards $f ($n shards, $want VMs)"
	else
		echo "not ok ci-shards $f: plans$ids, $total VMs in the shards of a $want-VM plan"
	fi
}
shards harness/ci/github/dmabench-shards.yml "$(sed -n 's/^ *shard: \[\(.*\)\]/\1/p' harness/ci/github/dmabench-shards.yml | tr -cd , | wc -c | awk '{print $1 + 1}')"
shards harness/ci/gitlab/.gitlab-ci.yml "$(sed -n 's/^ *parallel: *//p' harness/ci/gitlab/.gitlab-ci.yml)"

for f in harness/ci/github/dmabench-shards.yml harness/ci/gitlab/.gitlab-ci.yml; do
	line=$(grep -o 'build/host/dmabench merge .*' "$f" | head -1)
	# shellcheck disable=SC2086
	msg=$(cd "$tmp" && "$D" ${line#build/host/dmabench } 2>&1)
	case "$line:$msg" in
	:*) echo "not ok ci-merge $f: no 'dmabench merge' line" ;;
	*"unknown option"* | *usage:*) echo "not ok ci-merge $f: $msg" ;;
	*run.json*) echo "ok ci-merge $f" ;;
	*) echo "not ok ci-merge $f: unexpected: $msg" ;;
	esac
done

missing=""
for c in Dockerfile build.sh project.yaml; do [ -s "fuzz/oss-fuzz/$c" ] || missing="$missing $c"; done
grep -q 'cp -r fuzz/oss-fuzz .clusterfuzzlite' harness/ci/github/dmabench-cflite.yml &&
	[ -z "$missing" ] && echo "ok ci-cflite-contract" ||
	echo "not ok ci-cflite-contract: fuzz/oss-fuzz lacks$missing or the workflow does not use it"
exit 0
