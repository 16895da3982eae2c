#!/bin/bash
# Concurrency: one intel-strict VM with --smp 2 runs the LAT thread tests (lat_threads: two
# kernel threads bound to the two vCPUs, per-thread samples, histograms and summaries of all
# threads, the calibration work in every iteration; lat_calib). Every test VM of make test
# boots with one vCPU, where lat_threads skips itself with that reason. Prints the VM's test
# lines as "ok NAME" / "not ok NAME: reason"; run.json must record smp 2.
set -u
cd "$(dirname "$0")/../.." || exit 2
D=build/host/dmabench
out=${DMABENCH_TEST_OUT:-build/test-results}-smp
rm -rf "$out"
"$D" run -q --backend intel-strict --smp 2 --job test --out "$out" --timeout 300 \
	--append "DMABENCH_TEST_ONLY=lat_threads,lat_calib" >"$out.log" 2>&1
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
exit 0
