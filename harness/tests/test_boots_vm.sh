#!/bin/bash
# `dmabench run --boots` and `dmabench compare` with the boot as the unit, on
# real VMs: two runs of the direct backend with a short lat job, 2 boots each
# (A: plain, B: dmabench.slow_op=1 slow_pct=$slow), then
#   boots-run:        each run exits 0 with run.json entries direct.b1, direct.b2
#                     (cell "direct", boot 1 and 2), every boot's lat.json rows
#                     carrying samples and calib_p50 > 0
#   boots-compare:    compare A B --format json: model "hierarchical bootstrap",
#                     2 vs 2 boots, boot variance "measured"; every tested metric
#                     has unit "boot", 2 boots per side, ci_lo <= change <= ci_hi,
#                     cal_change, cv_between, a verdict among the known ones;
#                     planning (detectable, boots needed); the exit code is 8
#                     exactly when something regressed
#   boots-aa-self:    compare A A: every change 0, no verdict, exit 0
#   boots-single:     compare of A's first boot's lat.json against B's (one boot
#                     per side) says that the boot variance is unknown
# No timing is asserted: on a shared host a 2-boot comparison may or may not see
# the slowdown. Prints "ok NAME" / "not ok NAME: reason". Needs jq.
set -u
cd "$(dirname "$0")/../.." || exit 2
D=build/host/dmabench
out=${DMABENCH_TEST_OUT:-build/test-results}-boots
slow=${BOOTS_SLOW_PCT:-50}
LA='DMABENCH_LAT_ARGS="--sizes=4K --ops=alloc_free,sgtable --iters=1000 --repeat=4 --total-s=20"'
rm -rf "$out"
mkdir -p "$out"
if ! command -v jq >/dev/null; then
	echo "not ok boots-jq: jq is not installed (make deps)"
	exit 0
fi

for side in A B; do
	extra=
	[ "$side" = B ] && extra="dmabench.slow_op=1 dmabench.slow_pct=$slow"
	"$D" run -q --backend direct --job lat --boots 2 --out "$out/$side" --timeout 300 --append "$LA $extra" \
		${KERNEL:+--kernel "$KERNEL"} ${DMABENCH_INITRD:+--initrd "$DMABENCH_INITRD"} >"$out/$side.log" 2>&1
	rc=$?
	j=$out/$side/latest/run.json
	why=
	[ "$rc" -eq 0 ] || why="dmabench run exited $rc (see $out/$side.log)"
	[ -z "$why" ] && [ "$(jq -r '[.backends[] | "\(.name):\(.cell):\(.boot)"] | join(" ")' "$j")" != \
		"direct.b1:direct:1 direct.b2:direct:2" ] && why="entries: $(jq -c '[.backends[] | [.name, .cell, .boot]]' "$j")"
	[ -z "$why" ] && [ "$(jq '[.backends[].files["lat.json"].rows[] | select((.samples | length) > 0 and .calib_p50 > 0)] | length' "$j")" != 16 ] &&
		why="not 16 rows with samples and calib_p50 over both boots"
	if [ -n "$why" ]; then
		echo "not ok boots-run: $side: $why"
		exit 0
	fi
done
echo "ok boots-run"

A=$out/A/latest
B=$out/B/latest
"$D" compare --format json "$A" "$B" >"$out/ab.json" 2>"$out/ab.err"
rc=$?
reg=$(jq .regressed "$out/ab.json" 2>/dev/null)
bad=$(jq -r '
	def num: type == "number";
	[ (if (.model | startswith("hierarchical")) then empty else "model \(.model)" end),
	  (if .boots_base == 2 and .boots_new == 2 and .boot_variance == "measured" then empty else "boots \(.boots_base) \(.boots_new) \(.boot_variance)" end),
	  (if .tested == 8 then empty else "tested \(.tested)" end),
	  (if (.planning.detectable_median | num) and (.planning.boots_needed_max | num) then empty else "planning \(.planning)" end),
	  (.metrics[] | select(.kind == "lat") |
	   if .unit == "boot" and .boots_base == 2 and .boots_new == 2 and (.ci_lo | num) and (.ci_hi | num)
	      and .ci_lo <= .change + 1e-9 and .change <= .ci_hi + 1e-9 and (.cal_change | num) and (.cv_between | num)
	      and (.detectable | num) and ([.verdict] | inside(["no-change", "regressed", "improved"]))
	   then empty else "\(.op) \(.attrs): \(.)" end)
	] | .[]' "$out/ab.json" 2>&1 | head -3)
want=0
[ "${reg:-0}" -gt 0 ] 2>/dev/null && want=8
if [ -z "$bad" ] && [ -n "$reg" ] && [ "$rc" -eq "$want" ]; then
	echo "ok boots-compare ($reg regressed)"
else
	echo "not ok boots-compare: exit $rc (want $want), $(printf '%s' "$bad" | tr '\n' ';') $(head -c 300 "$out/ab.err")"
fi

"$D" compare --format json "$A" "$A" >"$out/aa.json" 2>&1
rc=$?
bad=$(jq -r '[.metrics[] | select(.kind == "lat") | select(.change != 0 or .verdict != "no-change")] | length' "$out/aa.json" 2>&1)
if [ "$rc" -eq 0 ] && [ "$bad" = 0 ]; then
	echo "ok boots-aa-self"
else
	echo "not ok boots-aa-self: exit $rc, $bad metrics changed"
fi

"$D" compare "$A/direct.b1/lat.json" "$B/direct.b1/lat.json" >"$out/single.txt" 2>&1
rc=$?
if { [ "$rc" -eq 0 ] || [ "$rc" -eq 8 ]; } && grep -q 'boot-to-boot variance unknown' "$out/single.txt"; then
	echo "ok boots-single"
else
	echo "not ok boots-single: exit $rc: $(head -c 300 "$out/single.txt")"
fi
