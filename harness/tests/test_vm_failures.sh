#!/bin/bash
# Failure paths of `dmabench run` against real QEMU and the real kernel: each
# must end with its own exit code, keep the console log, leave no QEMU process
# and no temporary file behind. Prints "ok NAME" / "not ok NAME # why" per case.
# usage: harness/tests/test_vm_failures.sh [dmabench binary]
set -u
cd "$(dirname "$0")/../.." || exit 2
DMABENCH=${1:-build/host/dmabench}
work=$(mktemp -d /tmp/dmabench-vmfail-XXXXXX)
trap 'rm -rf "$work"' EXIT
# dmabench's own temporary files go here, so other dmabench runs on the machine don't count
mkdir "$work/tmp" && export TMPDIR=$work/tmp

result() {	# name, failure reason or empty
	if [ -z "$2" ]; then echo "ok $1"; else echo "not ok $1 # $2"; fi
}

# No QEMU whose command line names this case's folder may outlive dmabench.
leftover() {
	pgrep -f -- "$1" >/dev/null && { echo "QEMU still running"; pkill -KILL -f -- "$1"; }
}

# case name, expected exit code, console pattern ('' = none), dmabench args...
vmcase() {
	local name=$1 want=$2 pat=$3 out=$work/$1 why=""
	shift 3
	"$DMABENCH" run -q --backend direct --out "$out" "$@" >"$work/$name.log" 2>&1
	local rc=$?
	[ "$rc" -eq "$want" ] || why="exit $rc, expected $want: $(tail -n 2 "$work/$name.log" | tr '\n' ' ')"
	if [ -n "$pat" ] && ! grep -q -- "$pat" "$out"/latest/direct/console.log 2>/dev/null; then
		why="${why:+$why; }console.log lacks '$pat'"
	fi
	why="${why:+$why; }$(leftover "$out")"
	result "$name" "$why"
}

# 1. No init in the initramfs: the kernel panics, QEMU exits (-no-reboot, panic=-1).
mkdir -p "$work/empty" && (cd "$work/empty" && echo . | cpio --quiet -o -H newc >../empty.cpio)
vmcase panic 255 'Kernel panic' --initrd "$work/empty.cpio" --timeout 120

# 2. The guest boots, then never finishes (an init that announces itself and
#    waits forever): at --timeout dmabench stops its own QEMU by pid.
mkdir -p "$work/hang/dev"
cat >"$work/hang.c" <<'EOF'
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>
int main(void)
{
	mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
	int fd = open("/dev/console", O_WRONLY);
	if (write(fd, "dmabench-init: start\n", 21) != 21)
		return 1;
	for (;;)
		pause();
}
EOF
gcc -static -O2 "$work/hang.c" -o "$work/hang/init" &&
	(cd "$work/hang" && find . | cpio --quiet -o -H newc >../hang.cpio)
vmcase timeout 124 'dmabench-init: start' --initrd "$work/hang.cpio" --timeout 45 --boot-timeout 44

# 3. Not a kernel image: QEMU refuses it, and the reason carries QEMU's words.
vmcase bad-kernel 3 '' --kernel /etc/hostname
grep -q 'qemu:' "$work/bad-kernel.log" || echo "not ok bad-kernel-reason # QEMU's message not in the output"

# 4. A missing kernel is a setup error that writes nothing.
"$DMABENCH" run -q --backend direct --kernel "$work/nonexistent" --out "$work/missing" >"$work/missing.log" 2>&1
rc=$?
why=""
[ "$rc" -eq 2 ] || why="exit $rc, expected 2"
[ -e "$work/missing" ] && why="${why:+$why; }created $work/missing"
result missing-kernel "$why"

# 5. SIGTERM while the VM runs: exit 130, QEMU gone, the log kept.
"$DMABENCH" run -q --backend direct --job lat --out "$work/sigterm" --timeout 120 >"$work/sigterm.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do	# wait until the guest has booted (up to 50 s)
	grep -qs 'dmabench-init: start' "$work"/sigterm/*/direct/console.log && break
	sleep 0.5
done
kill -TERM "$pid"
wait "$pid"
rc=$?
why=""
[ "$rc" -eq 130 ] || why="exit $rc, expected 130"
ls "$work"/sigterm/*/direct/console.log >/dev/null 2>&1 || why="${why:+$why; }console.log not kept"
why="${why:+$why; }$(leftover "$work/sigterm")"
result sigterm "$why"

# Nothing left in TMPDIR by any of the runs above.
new=$(ls -A "$TMPDIR")
result no-temp-files "${new:+left in TMPDIR: $new}"
