#!/bin/bash
# make test: unit tests on the host, then one VM per x86 backend running the
# in-guest integration tests (KTAP). Ends with one line
# "N passed, N failed, N skipped" and exits non-zero on any failure.
# Exit codes of each unit test program: 0 pass, 1 fail, 4 skip (kselftest).
set -u
cd "$(dirname "$0")/../.." || exit 2
pass=0 fail=0 skip=0
out=${DMABENCH_TEST_OUT:-build/test-results}
backends=${BACKENDS:-all}
arches=${ARCHES:-x86_64,arm64}	# the x86_64 and arm64 backends in one run (arm64: TCG)
jobs=${JOBS:-2}

# One test script's lines "ok NAME [...]", "skip NAME reason", "not ok NAME: reason", counted;
# anything else is a failure. usage: script LABEL PREFIX COMMAND...
script() {
	local label=$1 prefix=$2 status name rest
	shift 2
	while read -r status name rest; do
		case "$status $name" in
		"ok "*) pass=$((pass + 1)); echo "ok   $prefix$name${rest:+ $rest}" ;;
		"skip "*) skip=$((skip + 1)); echo "skip $prefix$name $rest" ;;
		"not ok") fail=$((fail + 1)); echo "FAIL $prefix$rest" ;;
		*) fail=$((fail + 1)); echo "FAIL $label: unexpected output: $status $name $rest" ;;
		esac
	done < <("$@" 2>&1)
}

echo "== unit tests"
for t in build/host/unit/test_*; do
	case $t in *.d) continue ;; esac
	if [ ! -x "$t" ]; then fail=$((fail + 1)); echo "FAIL ${t##*/}: not executable (broken build?)"; continue; fi
	log=$(mktemp)
	"$t" >"$log" 2>&1
	rc=$?
	name=${t##*/}
	case $rc in
	0) pass=$((pass + 1)); echo "ok   $name" ;;
	4) skip=$((skip + 1)); echo "skip $name: $(grep -m1 -i 'skip' "$log" || echo 'no reason given')" ;;
	*) fail=$((fail + 1)); echo "FAIL $name (exit $rc)"; sed 's/^/    /' "$log" | tail -n 40 ;;
	esac
	rm -f "$log"
done

echo "== debug kernel configuration (harness/kernel/test_kernel_config.sh; the build itself is 'make kernel')"
script kconfig "" ./harness/kernel/test_kernel_config.sh

echo "== Debian packages and DKMS (harness/tests/test_packages.sh)"
script packages "" ./harness/tests/test_packages.sh

echo "== failure paths of dmabench run against real QEMU"
script vm-failure "vm-failure " ./harness/tests/test_vm_failures.sh

echo "== dmabench compare: A/A and a 10 % slowdown interleaved in one boot (harness/tests/test_ab_vm.sh)"
script ab-vm "" ./harness/tests/test_ab_vm.sh

echo "== concurrency: LAT with 2 kernel threads in an --smp 2 VM (harness/tests/test_smp_vm.sh)"
script smp-vm "" ./harness/tests/test_smp_vm.sh

echo "== topologies and the sharing matrix: intel-strict x same-group, bypass (harness/tests/test_topology_vm.sh)"
script topology-vm "" ./harness/tests/test_topology_vm.sh

echo "== fuzzing: OSS-Fuzz contract, 60 s campaigns on direct and intel-strict, crash drill (harness/tests/test_fuzz_vm.sh)"
script fuzz-vm "" ./harness/tests/test_fuzz_vm.sh

vmlog=$(mktemp)
trap 'rm -f "$vmlog"' EXIT
# A dmabench run of the test job (its arguments), its "N passed, N failed, N skipped" counted.
vmrun() {
	local dir=$1 rc line p f s
	shift
	rm -rf "$dir"
	build/host/dmabench run --job test --jobs "$jobs" --out "$dir" "$@" 2>&1 | tee "$vmlog"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$vmlog" | tail -n 1)
	if [ -n "$line" ]; then
		read -r p _ f _ s _ <<<"${line//,/}"
		pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
		# a non-zero exit without a counted failure (boot failure, panic...) is a failure too
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then fail=$((fail + 1)); echo "FAIL dmabench run exited $rc"; fi
	else
		fail=$((fail + 1))
		echo "FAIL dmabench run exited $rc without a result line"
	fi
	[ -d "$dir" ] && echo "VM logs and results: $dir/latest/"
}

echo "== integration tests in VMs (backends: $backends, arches: $arches)"
vmrun "$out" --arch "$arches" --backend "$backends" ${KERNEL:+--kernel "$KERNEL"}

# Other kernel series (TEST_KERNELS="ARCH:K,... ...", fetched by make deps): the test job on one
# IOMMU backend per arch, one run (kernel x backend); what a kernel lacks is a counted skip.
if [ -n "${TEST_KERNELS:-}" ]; then
	karches='' kbackends='' klist=''
	for ak in $TEST_KERNELS; do
		a=${ak%%:*}
		karches=${karches:+$karches,}$a
		case $a in arm64) kbackends=${kbackends:+$kbackends,}arm64-smmuv3-strict ;; *) kbackends=${kbackends:+$kbackends,}intel-strict ;; esac
		IFS=, read -ra ks <<<"${ak#*:}"
		for k in "${ks[@]}"; do case ",$klist," in *",$k,"*) ;; *) klist=${klist:+$klist,}$k ;; esac; done
	done
	echo "== other kernels: $TEST_KERNELS (backends $kbackends)"
	vmrun "$out-kernels" --arch "$karches" --backend "$kbackends" --kernel "$klist"
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
