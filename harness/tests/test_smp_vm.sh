#!/bin/bash
# Concurrency: one intel-strict VM with --smp 2 runs the LAT thread tests (lat_threads: two
# kernel threads bound to the two vCPUs, per-thread samples, histograms and summaries of all
# threads, the calibration work in every iteration; lat_calib), then the scale job with
# T = 1, 2 (map_single, map_sg; few iterations). Every test VM of make test boots with one vCPU,
# where lat_threads skips itself with that reason. Prints the VM's test lines as "ok NAME" /
# "not ok NAME: reason"; run.json must record smp 2; scale.json must arrive complete and
# consistent (the host checks every scale.json it receives, harness/report/scale_summary.c
# dmab_scale_check: a failed check makes the run exit 7 with the reason) with a 2-thread point
# of each op that ran without error; lat --threads 2 gives map_single rows with both threads'
# samples (n = 2 x 200). No timing is asserted.
set -u
cd "$(dirname "$0")/../.." || exit 2
D=build/host/dmabench
out=${DMABENCH_TEST_OUT:-build/test-results}-smp
rm -rf "$out"
"$D" run -q --backend intel-strict --smp 2 --job test,scale,lat --out "$out" --timeout 400 \
	--append 'DMABENCH_TEST_ONLY=lat_threads,lat_calib DMABENCH_SCALE_ARGS="--threads=1,2 --ops=map_single,map_sg --target-ms=100 --iters-max=400" DMABENCH_LAT_ARGS="--threads=2 --sizes=4K --ops=map_single --iters=200"' \
	>"$out.log" 2>&1
rc=$?
n=0
while read -r vm status num name rest; do
	case "$status $num" in
	"ok "*)
		n=$((n + 1))
		case "$rest" in *SKIP*) echo "not ok smp-$name: skipped in the --smp 2 VM: $rest" ;; *) echo "ok smp-$name" ;; esac ;;
	"not ok") echo "not ok smp-$rest" ;;
	esac
done < <(grep -E '^intel-strict: (ok|not ok) ' "$out.log")
[ "$n" -eq 2 ] || echo "not ok smp-vm: $n of 2 tests reported, dmabench run exited $rc (see $out.log)"
smp=$(grep -o '"smp":[[:space:]]*[0-9]*' "$out/latest/run.json" 2>/dev/null | grep -o '[0-9]*$')
[ "$smp" = 2 ] && echo "ok smp-recorded" || echo "not ok smp-recorded: run.json says smp '${smp:-none}'"
sj=$out/latest/intel-strict/scale.json
if [ ! -s "$sj" ]; then
	echo "not ok smp-scale-consistent: no scale.json (run exit $rc, see $out.log)"
	echo "not ok smp-scale-2threads: no scale.json"
elif grep -q 'scale.json inconsistent' "$out.log" "$out/latest/run.json"; then
	echo "not ok smp-scale-consistent: $(grep -o 'scale.json inconsistent[^"]*' "$out.log" "$out/latest/run.json" | head -1)"
	echo "not ok smp-scale-2threads: scale.json inconsistent"
else
	[ "$rc" -eq 0 ] && echo "ok smp-scale-consistent" ||
		echo "not ok smp-scale-consistent: dmabench run exited $rc (see $out.log)"
	# a 2-thread point of each op without error: its line, then errno 0 on the following lines
	bad=""
	for op in map_single map_sg; do
		grep -A6 "\"op\":\"$op\"" "$sj" | tr -d ' \n' | grep -q '"threads":2,"iters":[0-9]*,"n":[0-9]*,"errno":0' ||
			bad="$bad $op"
	done
	[ -z "$bad" ] && echo "ok smp-scale-2threads" || echo "not ok smp-scale-2threads: no error-free T=2 point of:$bad"
fi
lj=$out/latest/intel-strict/lat.json
rows=$(grep -c '"op":"\(map\|unmap\)_single".*"n":400,"errno":0,"threads":2,' "$lj" 2>/dev/null)
[ "${rows:-0}" -eq 2 ] && echo "ok smp-lat-threads" ||
	echo "not ok smp-lat-threads: ${rows:-0} of 2 map_single/unmap_single rows with threads 2 and n 400 in $lj"
exit 0
