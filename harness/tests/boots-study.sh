#!/bin/bash
# The false-alarm rate and power of `dmabench compare` with the boot as the
# unit, from a pool of boots (the table in README "Several boots"):
#   harness/tests/boots-study.sh A_BOOTS S10_BOOTS S5_BOOTS (not part of make test)
# each argument a file listing lat.json paths, one boot each (e.g.
# ls -d POOL/A/*/direct.b*/lat.json > a.txt). For every N in $NS (default
# "2 3 5") it draws $K (default 40) comparisons at random (seeded, without
# replacement inside one comparison):
#   A/A:   N boots of A against N other boots of A; share with any verdict,
#          raw and --calib (false alarms)
# THRESHOLD (default 5) is compare's --threshold.
#   S10/S5: N boots of A against N boots of the slowed side (slow_op=1: alloc);
#          share where an alloc row is regressed (power), and where any other
#          row got a verdict
# and prints a markdown table, plus the wall time of one comparison.
set -u
A=$1 S10=$2 S5=$3
D=$(dirname "$0")/../../build/host/dmabench
K=${K:-40}
THR=${THRESHOLD:-5}	# compare --threshold (percent)
NS=${NS:-"2 3 5"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seed=1
# draw n lines of file f (seeded); prints them comma-joined
pick() { shuf -n "$2" --random-source=<(yes "$seed") "$1" | tr '\n' ',' | sed 's/,$//'; }
echo "| N per side | comparison | pool (boots) | K | any verdict raw | any verdict --calib | alloc regressed raw | alloc regressed --calib | other rows with a verdict |"
echo "|---:|---|---|---:|---:|---:|---:|---:|---:|"
for N in $NS; do
	for kind in AA S10 S5; do
		case $kind in AA) other=$A ;; S10) other=$S10 ;; S5) other=$S5 ;; esac
		na=$(wc -l <"$A")
		no=$(wc -l <"$other")
		if [ "$kind" = AA ] && [ $((2 * N)) -gt "$na" ] || [ "$N" -gt "$no" ]; then
			echo "| $N | $kind | $na/$no | 0 | pool too small | | | | |"
			continue
		fi
		anyr=0 anyc=0 allr=0 allc=0 oth=0
		for k in $(seq 1 "$K"); do
			seed=$((seed + 1))
			if [ "$kind" = AA ]; then
				both=$(shuf -n $((2 * N)) --random-source=<(yes "$seed") "$A")
				b=$(head -n "$N" <<<"$both" | tr '\n' ',' | sed 's/,$//')
				n=$(tail -n "$N" <<<"$both" | tr '\n' ',' | sed 's/,$//')
			else
				b=$(pick "$A" "$N")
				seed=$((seed + 1000))
				n=$(pick "$other" "$N")
			fi
			for mode in raw calib; do
				"$D" compare --format json --threshold "$THR" $([ "$mode" = calib ] && echo --calib) "$b" "$n" >"$tmp/c.json" 2>/dev/null
				read -r any alloc others < <(jq -r '[([.metrics[] | select(.verdict == "regressed" or .verdict == "improved")] | length),
					([.metrics[] | select(.op == "alloc" and .verdict == "regressed")] | length),
					([.metrics[] | select(.op != "alloc" and (.verdict == "regressed" or .verdict == "improved"))] | length)] | @tsv' "$tmp/c.json")
				if [ "$mode" = raw ]; then
					anyr=$((anyr + (any > 0))); allr=$((allr + (alloc > 0))); oth=$((oth + (others > 0)))
				else
					anyc=$((anyc + (any > 0))); allc=$((allc + (alloc > 0)))
				fi
			done
		done
		echo "| $N | $kind | $na/$no | $K | $anyr | $anyc | $allr | $allc | $oth |"
	done
done
b=$(head -n 5 "$A" | tr '\n' ',' | sed 's/,$//')
n=$(tail -n 5 "$A" | tr '\n' ',' | sed 's/,$//')
s=$(date +%s.%N)
"$D" compare "$b" "$n" >/dev/null 2>&1
echo "wall time of one 5 vs 5 boot comparison (16 metrics, raw and calibration-normalized): $(echo "$(date +%s.%N) - $s" | bc) s"
