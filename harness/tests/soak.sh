#!/bin/bash
# make soak: endurance fuzzing of the module as it is (not part of make test). Campaigns of `dmabench fuzz`, one
# at a time, over the x86 backends in turn, until SOAK_PROGRAMS programs ran in total (default 10^6) or
# SOAK_MAX_HOURS passed. Each campaign fuzzes SOAK_TIME (default 30m) on one backend, restarting its VM after
# crashes (--max-restarts SOAK_RESTARTS). Writes one line per campaign and the totals to $SOAK_OUT/soak.md
# (default build/soak); the campaigns' own results (corpus, findings, fuzz.json) stay under $SOAK_OUT/<n>-<backend>/.
# Each backend's campaigns continue from its previous corpus. Exit 0 when the target was reached without a
# finding, 1 with findings, 3 when time ran out first.
# Live module objects are checked after every program (the fuzzer's leak oracle: a finding). After each boot's
# programs the guest also records what the kernel holds (fuzz.json boot_leaks: vmalloc bytes and areas, free memory
# after dropping caches, the module's live objects and open files once the fuzzer has exited); soak.md lists them
# per boot with their sums, and a boot that leaves a live object or an open file fails the soak (exit 1).
set -u
cd "$(dirname "$0")/../.." || exit 2
D=build/host/dmabench
out=${SOAK_OUT:-build/soak}
target=${SOAK_PROGRAMS:-1000000}
per=${SOAK_TIME:-30m}
restarts=${SOAK_RESTARTS:-20}
max_s=$(awk -v h="${SOAK_MAX_HOURS:-24}" 'BEGIN { printf "%d", h * 3600 }')
read -ra backends <<<"${SOAK_BACKENDS:-direct intel-strict swiotlb intel-lazy intel-pt amd}"
[ -x "$D" ] || { echo "soak: $D missing (make)"; exit 2; }
mkdir -p "$out"
md=$out/soak.md
leaks=$out/leaks.md.part
t0=$(date +%s)
total=0 nfind=0 n=0 bad=0
jnum() { sed -n "s/^ *\"$2\": \([0-9.]*\),*$/\1/p" "$1" | head -n 1; }
{
	echo "# soak $(date -u +%FT%TZ): target $target programs, $per per campaign, backends ${backends[*]}"
	echo
	echo "| # | backend | fuzzed s | boots | restarts | programs | programs/s | findings | exit | total programs |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} >"$md"
: >"$leaks"
while [ "$total" -lt "$target" ]; do
	if [ $(($(date +%s) - t0)) -ge "$max_s" ]; then echo "soak: SOAK_MAX_HOURS reached" | tee -a "$md"; bad=3; break; fi
	b=${backends[$((n % ${#backends[@]}))]}
	n=$((n + 1))
	dir=$out/$n-$b
	corpus=$(ls -d "$out"/*-"$b"/*-fuzz/corpus 2>/dev/null | sort -V | tail -n 1)
	"$D" fuzz --backend "$b" --time "$per" --max-restarts "$restarts" --out "$dir" ${corpus:+--corpus "$corpus"} \
		${SOAK_ARGS:-} >"$dir.log" 2>&1
	rc=$?
	j=$(ls "$dir"/*-fuzz/fuzz.json 2>/dev/null | head -n 1)
	if [ -z "$j" ]; then
		echo "| $n | $b | - | - | - | - | - | - | $rc (no fuzz.json: $dir.log) | $total |" >>"$md"
		bad=1
		break
	fi
	e=$(jnum "$j" execs); f=$(grep -c '"id":' "$j"); s=$(jnum "$j" seconds); bs=$(jnum "$j" boot_seconds)
	total=$((total + ${e:-0})); nfind=$((nfind + f))
	fs=$(awk -v a="${s:-0}" -v b="${bs:-0}" 'BEGIN { printf "%.0f", a - b }')
	echo "| $n | $b | $fs | $(jnum "$j" boots) | $(jnum "$j" restarts) | ${e:-0} | $(jnum "$j" execs_per_sec) | $f | $rc | $total |" >>"$md"
	[ "$f" -eq 0 ] || bad=1
	# one row per boot: campaign, backend, boot, vmalloc and free-memory deltas, live objects, open files
	jq -r --arg n "$n" --arg b "$b" '.boot_leaks[]? | if .valid then
		"| \($n) | \($b) | \(.boot) | \(.vmalloc_bytes_delta) | \(.vmalloc_areas_delta) | \(.free_bytes_delta / 1024 | floor) | \(.live_objects) | \(.open_files) |"
		else "| \($n) | \($b) | \(.boot) | - | - | - | - | - (died) |" end' "$j" >>"$leaks"
	if jq -e '[.boot_leaks[]? | select(.valid and (.live_objects != 0 or .open_files != 0))] | length > 0' "$j" >/dev/null; then
		echo "soak: $dir: a boot left module objects or files behind (fuzz.json boot_leaks)"
		bad=1
	fi
done
{
	echo
	echo "## What each boot left behind (after its programs minus before them)"
	echo
	echo "| # | backend | boot | vmalloc bytes | vmalloc areas | free KiB | live objects | open files |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
	cat "$leaks"
	awk -F' *\\| *' '$5 ~ /^-?[0-9]+$/ { n++; v += $5; a += $6; f += $7; o += $8; fl += $9 }
		END { printf "| sum | %d boots | | %d | %d | %d | %d | %d |\n", n, v, a, f, o, fl }' "$leaks"
} >>"$md"
rm -f "$leaks"
echo >>"$md"
echo "total: $total programs in $n campaign(s), $nfind finding(s), $(( ($(date +%s) - t0) / 60 )) min" | tee -a "$md"
exit $bad
