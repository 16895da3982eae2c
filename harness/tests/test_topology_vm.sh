#!/bin/bash
# Topologies and the sharing matrix against real QEMU: ONE dmabench
# run, intel-strict x {same-group, bypass} (two boots, $JOBS (default 2) at once):
#   topology-<t>:    the guest got the topology: its edu count and IOMMU groups
#                    match the table (summary.md "## Topologies" says "yes";
#                    same-group = one group for three edu, bypass = edu:0 without
#                    a group, edu:1 with one)
#   share-rows-<t>:  share.json arrived and the sharing matrix has a row for every
#                    A->B pair of the topology's roles (path sg), every cell "ok"
#                    or "FAIL <stage> ..."
#   share-data-<t>:  no cell reports wrong bytes or a device fault ("bad",
#                    "fault"), and the baseline cells (dma_alloc_attrs without
#                    attributes, every size) are "ok"
# Prints "ok NAME" or "not ok NAME: reason".
set -u
cd "$(dirname "$0")/../.." || exit 2
D=build/host/dmabench
out=${DMABENCH_TEST_OUT:-build/test-results}-topo
rm -rf "$out"
mkdir -p "$out"
topos="same-group bypass"
declare -A pairs=([same-group]="edu:0→edu:1 edu:0→edu:2" [bypass]="edu:1→edu:0 edu:1→edu:1")

job=(--job share)
"$D" run -q --backend intel-strict --topology "${topos// /,}" "${job[@]}" --accel tcg --jobs "${JOBS:-2}" --out "$out/run" \
	--timeout 600 ${KERNEL:+--kernel "$KERNEL"} ${DMABENCH_INITRD:+--initrd "$DMABENCH_INITRD"} >"$out/run.log" 2>&1
rc=$?
sum=$out/run/latest/details.md
if [ ! -f "$sum" ]; then
	echo "not ok topology-run: dmabench run exited $rc without a summary (see $out/run.log)"
	exit 0
fi
for t in $topos; do
	line=$(grep -F "| intel-strict@$t | $t |" "$sum")
	case $line in
	*"| yes |") echo "ok topology-$t" ;;
	*) echo "not ok topology-$t: ${line:-no line in details.md} (run exit $rc)" ;;
	esac
done

# matrix header -> the column numbers (from 5) of the baseline cells
header=$(grep -m1 -F '| backend | topology | path | A→B |' "$sum")
base_cols=$(awk -F' [|] ' '{ for (i = 5; i <= NF; i++) if ($i ~ /^(attrs:)?none [0-9]+[KM]?( [|])?$/) print i }' <<<"$header")
for t in $topos; do
	if [ ! -f "$out/run/latest/intel-strict@$t/share.json" ]; then
		echo "not ok share-rows-$t: no share.json (run exit $rc, see $out/run.log)"
		echo "not ok share-data-$t: no share.json"
		continue
	fi
	missing= bad= corrupt= basefail=
	for p in ${pairs[$t]}; do
		# the matrix row (the detail table further down repeats the key columns)
		row=$(grep -m1 -F "| intel-strict | $t | sg | $p |" "$sum")
		if [ -z "$row" ]; then
			missing+=" $p"
			continue
		fi
		cells=$(awk -F' [|] ' '{ for (i = 5; i <= NF; i++) print $i }' <<<"${row% |}")
		grep -qvE '^(ok|FAIL [a-z_]+( .*)?)$' <<<"$cells" && bad+=" $p"
		grep -qE '^FAIL.*( bad| fault)' <<<"$cells" && corrupt+=" $p"
		for c in $base_cols; do
			v=$(awk -F' [|] ' -v c="$c" '{ print $c }' <<<"${row% |}")
			[ "$v" = ok ] || basefail+=" $p(col $c: $v)"
		done
	done
	if [ -z "$missing" ] && [ -z "$bad" ]; then
		echo "ok share-rows-$t"
	else
		echo "not ok share-rows-$t: missing rows:${missing:- none}; malformed cells in:${bad:- none}"
	fi
	if [ -z "$missing" ] && [ -z "$corrupt" ] && [ -z "$basefail" ] && [ -n "$base_cols" ]; then
		echo "ok share-data-$t"
	else
		echo "not ok share-data-$t: wrong bytes/faults in:${corrupt:- none}; baseline cells not ok:${basefail:- none}$([ -z "$base_cols" ] && echo " (no baseline column in the matrix)")"
	fi
done
