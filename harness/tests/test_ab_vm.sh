#!/bin/bash
# `dmabench compare` on a real VM with A and B interleaved inside ONE boot, so
# that boot-to-boot variance (up to ~16 % under TCG: 9 of 30 A/A boot pairs
# gave a verdict at 5 %)
# cancels: one boot of the direct backend runs
#   lat --sizes 4K --ops alloc_free --slow-slots 0,0,$slow --repeat $rounds
# i.e. every round times alloc/free once per slot, slots in rotating order, with
# the module's runtime parameter slow_pct set to the slot's percent (slow_op =
# alloc: every timed alloc is stretched by slow_pct % of its own duration).
# Slot 0 -> lat.json (A), slot 1 -> lat_s1.json (A'), slot 2 -> lat_s2.json (B).
#   ab-aa-no-verdict:  compare A A' reports nothing regressed or improved (exit 0)
#   ab-slowdown-found: compare A B exits 8, both alloc rows (none, NKM) regressed by
#                      slow/2 .. 2*slow %
#   ab-slowdown-only:  no free row regressed
# A boot that fails any check is repeated once and only the second boot counts
# (the first one's report stays in <out>-ab/1/result.txt): a real regression fails
# both, a rare odd boot (measured: 1 of 15 boots with 10 rounds, see README
# "Comparing runs") does not fail make test. Prints "ok NAME" or
# "not ok NAME: reason" lines. DMABENCH_INITRD overrides the initramfs.
set -u
cd "$(dirname "$0")/../.." || exit 2
D=build/host/dmabench
out=${DMABENCH_TEST_OUT:-build/test-results}-ab
slow=${AB_SLOW_PCT:-10}
sizes=${AB_SIZES:-4K}
rounds=${AB_ROUNDS:-30}
rm -rf "$out"
mkdir -p "$out"

check() {
mkdir -p "$out"
LA="DMABENCH_LAT_ARGS=\"--sizes=$sizes --ops=alloc_free --iters=3000 --repeat=$rounds --slow-slots=0,0,$slow --total-s=30\""
"$D" run -q --backend direct --job lat --out "$out/run" --timeout 300 --append "$LA" \
	${KERNEL:+--kernel "$KERNEL"} ${DMABENCH_INITRD:+--initrd "$DMABENCH_INITRD"} >"$out/run.log" 2>&1
rc=$?
dir=$out/run/latest/direct
if [ "$rc" -ne 0 ] || [ ! -f "$dir/lat_s2.json" ]; then
	echo "not ok ab-vm-run: dmabench run exited $rc, slot files: $(ls "$dir" 2>/dev/null | grep -c '^lat') (see $out/run.log)"
	return 0
fi

"$D" compare "$dir/lat.json" "$dir/lat_s1.json" >"$out/aa.txt" 2>&1
rc=$?
bad=$(grep -cE ' (regressed|improved)$' "$out/aa.txt")
if [ "$rc" -eq 0 ] && [ "$bad" -eq 0 ]; then
	echo "ok ab-aa-no-verdict"
else
	echo "not ok ab-aa-no-verdict: exit $rc, $bad verdicts: $(grep -E ' (regressed|improved)$' "$out/aa.txt" | tr -s ' ' | tr '\n' ';')"
fi

"$D" compare "$dir/lat.json" "$dir/lat_s2.json" >"$out/slow.txt" 2>&1
rc=$?
want=$(awk '$2 == "alloc"' "$out/slow.txt" | wc -l)
# text rows: backend metric attrs size base(2) new(2) ci cal change p verdict
found=$(awk -v s="$slow" '$NF == "regressed" && $2 == "alloc" { c = $(NF-2); sub(/%/, "", c); if (c + 0 >= s / 2 && c + 0 <= 2 * s) n++ } END { print n + 0 }' "$out/slow.txt")
if [ "$rc" -eq 8 ] && [ "$want" -ge 2 ] && [ "$found" -eq "$want" ]; then
	echo "ok ab-slowdown-found"
else
	echo "not ok ab-slowdown-found: exit $rc, $found of $want alloc rows regressed by $((slow / 2))..$((slow * 2)) %: $(grep -E ' alloc ' "$out/slow.txt" | tr -s ' ' | tr '\n' ';')"
fi
others=$(awk '$NF == "regressed" && $2 != "alloc"' "$out/slow.txt" | wc -l)
if [ "$others" -eq 0 ]; then
	echo "ok ab-slowdown-only"
else
	echo "not ok ab-slowdown-only: $(awk '$NF == "regressed" && $2 != "alloc"' "$out/slow.txt" | tr -s ' ' | tr '\n' ';')"
fi
}

base=$out
out=$base/1
res=$(check)
if grep -q '^not ok' <<<"$res"; then
	printf '%s\n' "$res" >"$base/1/result.txt"
	out=$base/2
	res=$(check)
fi
printf '%s\n' "$res"
