#!/bin/bash
# Host mode end to end: one intel-strict VM plays the real machine. It runs va and lat as every VM
# does, then the job hostmode (harness/guest/hostmode.c): the guest unloads the module init loaded
# and runs the host command itself,
#   dmabench run --host --device <first edu> --module /lib/dmabench.ko --runner /init --job va,lat
# with the module built for that guest kernel; it checks afterwards that every PCI function has the
# driver and driver_override it had before and that the module is gone, and sends the host run's
# run.json back. Checks here: the guest's own ("hostmode-*" lines of its console), the host run's
# schema against the VM run's (top-level, env and backend keys), its fingerprint (accel and kernel
# "host"/"running", the VM's guest kernel), that the module saw exactly the one edu function it was
# given (the VM's module: both), the same effective mode, and `dmabench compare VM HOST` pairing host
# with intel-strict: every va and lat row on both sides (ok on both, or n/a on both where the kernel
# lacks an API), latency rows tested, no VA row changed
# (kernel VA per allocation is deterministic). The medians are printed, never asserted. Prints
# "ok NAME" / "not ok NAME: reason" lines. KERNEL=debian:6.12 boots another kernel (its initramfs built).
set -u
cd "$(dirname "$0")/../.." || exit 2
D=build/host/dmabench
out=${DMABENCH_TEST_OUT:-build/test-results}-hostmode
rm -rf "$out"
mkdir -p "$out"
# small job arguments, the same for the VM's lat and the host run's (the environment carries them)
LA='DMABENCH_LAT_ARGS="--sizes=4K --ops=alloc_free,map_single --iters=2000 --total-s=8"'
VA='DMABENCH_VA_ARGS="--max-size=64K"'
"$D" run -q --backend intel-strict --job va,lat,hostmode --out "$out/vm" --timeout 400 --append "$LA $VA" \
	${KERNEL:+--kernel "$KERNEL"} >"$out/vm.log" 2>&1
rc=$?
vm=$out/vm/latest
hr=$vm/intel-strict/hostrun.json
con=$vm/intel-strict/console.log
[ "$rc" -eq 0 ] && echo "ok hostmode-vm-run" || echo "not ok hostmode-vm-run: dmabench run exited $rc (see $out/vm.log)"

# the guest's checks: edu-device, host-run, devices-restored, module-unloaded, run-json
n=0
bdf=
while IFS= read -r line; do
	line=${line%$'\r'}
	line=${line#*dmabench-hostmode: }
	case "$line" in
	"ok "*)
		name=${line#ok }; name=${name%%:*}; rest=${line#ok $name}; rest=${rest#: }
		[ "$name" = edu-device ] && bdf=${rest%%,*}
		n=$((n + 1)); echo "ok hostmode-$name${rest:+ $rest}" ;;
	"not ok "*)
		n=$((n + 1)); echo "not ok hostmode-${line#not ok }" ;;
	esac
done < <(grep -a 'dmabench-hostmode: \(ok\|not ok\) ' "$con" 2>/dev/null)
[ "$n" -eq 5 ] || echo "not ok hostmode-guest-checks: $n of 5 reported (see $con)"
if [ ! -s "$hr" ] || ! jq -e . "$hr" >/dev/null 2>&1; then
	echo "not ok hostmode-result: no host run.json came back ($hr)"
	exit 0
fi

# the same schema as a VM run
j() { jq -r "$1" "$2" 2>/dev/null; }
why=
for q in 'keys' '.env|keys' '.schema'; do
	[ "$(jq -c "$q" "$hr")" = "$(jq -c "$q" "$vm/run.json")" ] || why="$why $q: $(jq -c "$q" "$hr") vs $(jq -c "$q" "$vm/run.json");"
done
extra=$(jq -n -c --slurpfile h "$hr" --slurpfile v "$vm/run.json" '($h[0].backends[0]|keys) - ($v[0].backends[0]|keys)')
[ "$extra" = "[]" ] || why="$why backend keys only in the host run: $extra;"
for f in env.json va.json lat.json; do
	[ "$(j ".backends[0].files[\"$f\"]|type" "$hr")" = object ] || why="$why no $f;"
done
[ -z "$why" ] && echo "ok hostmode-schema" || echo "not ok hostmode-schema:$why"

# the fingerprint says host, on this guest's kernel
got="$(j '.env.accel' "$hr") $(j '.env.kernel' "$hr") $(j '.backends[0].name' "$hr") $(j '.backends[0].status' "$hr")"
gk=$(j '.backends[0].guest_kernel' "$hr")
if [ "$got" = "host running host ok" ] && [ -n "$gk" ] && [ "$gk" = "$(j '.backends[0].guest_kernel' "$vm/run.json")" ]; then
	echo "ok hostmode-fingerprint accel host, kernel $gk"
else
	echo "not ok hostmode-fingerprint: accel/kernel/name/status '$got', guest kernel '$gk'"
fi

# the module saw exactly the edu function it was given; the VM's own module (by id) both
edus() { j '[.backends[0].files["env.json"].devices[] | select(.kind == "edu") | .name] | join(",")' "$1"; }
he=$(edus "$hr")
ve=$(edus "$vm/run.json")
if [ -n "$bdf" ] && [ "$he" = "$bdf" ] && [ "$(tr ',' '\n' <<<"$ve" | wc -l)" -eq 2 ]; then
	echo "ok hostmode-only-given-device $he (the VM run: $ve)"
else
	echo "not ok hostmode-only-given-device: host run's edu devices '$he', given '$bdf', the VM run's '$ve'"
fi
hm=$(j '.backends[0].effective_mode' "$hr")
vmm=$(j '.backends[0].effective_mode' "$vm/run.json")
[ "$hm" = "$vmm" ] && [ "$hm" != null ] && echo "ok hostmode-effective-mode $hm" ||
	echo "not ok hostmode-effective-mode: host '$hm', VM '$vmm'"

# compare pairs the host run with the VM run's intel-strict
mkdir -p "$out/host"
cp "$hr" "$out/host/run.json"
"$D" compare --all "$vm" "$out/host" >"$out/compare.txt" 2>&1
rc=$?
rows=$(grep -c '^intel-strict/host ' "$out/compare.txt")
# text rows: backend metric(1 word, va: 2) attrs size base(2) new(2) change p verdict
lat=$(awk '$1 == "intel-strict/host" && $2 !~ /^va/ && $(NF-1) != "-"' "$out/compare.txt" | wc -l)
va=$(awk '$1 == "intel-strict/host" && $2 ~ /^va/' "$out/compare.txt" | wc -l)
vamoved=$(awk '$1 == "intel-strict/host" && $2 ~ /^va/ && $NF != "~" && $NF != "n/a"' "$out/compare.txt" | wc -l)
lone=$(grep -cE ' (only-base|only-new)$' "$out/compare.txt")
# n/a rows: what this kernel lacks (5.10: no noncontiguous API), on both sides alike
okrows() { j "[.backends[0].files[\"$1\"].rows[] | select(.ok == true or .errno == 0)] | length" "$2"; }
same_ok=yes
for f in va.json lat.json; do [ "$(okrows $f "$hr")" = "$(okrows $f "$vm/run.json")" ] || same_ok="no ($f)"; done
fig=$(awk '$1 == "intel-strict/host" && $2 == "alloc" && $3 == "none" { print "alloc 4K: VM " $5 ", host " $7 " (" $9 ")" }' \
	"$out/compare.txt")
if { [ "$rc" -eq 0 ] || [ "$rc" -eq 8 ]; } && grep -q 'note: host run: paired host with intel-strict' "$out/compare.txt" &&
	[ "$lat" -gt 0 ] && [ "$va" -gt 0 ] && [ "$lone" -eq 0 ] && [ "$same_ok" = yes ]; then
	echo "ok hostmode-compare $rows rows paired, $lat latency rows tested, exit $rc; $fig"
else
	echo "not ok hostmode-compare: exit $rc, $rows paired rows ($lat latency tested, $va va), $lone on one side, rows ok alike: $same_ok (see $out/compare.txt)"
fi
# kernel VA per allocation is deterministic: the host run measures what the VM run measured
vana=$(awk '$1 == "intel-strict/host" && $2 ~ /^va/ && $NF == "n/a"' "$out/compare.txt" | wc -l)
[ "$va" -gt 0 ] && [ "$vamoved" -eq 0 ] && echo "ok hostmode-va-same $va VA rows, none changed ($vana n/a on both sides)" ||
	echo "not ok hostmode-va-same: $vamoved of $va VA rows changed (see $out/compare.txt)"
exit 0
