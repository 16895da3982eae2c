#!/bin/bash
# The rediscovery experiment (fuzz/README.md "Rediscovery"): for each module defect N of 1-4, a scratch copy of
# kmod/ with that fix reverted (fuzz/rediscover/defectN.patch), built for the default x86_64 kernel and put into a
# copy of the initramfs; then one `dmabench fuzz` campaign against it (direct, at most REDISCOVER_TIME of fuzzing,
# default 10m), one at a time, stopped (SIGTERM) once a finding whose report matches the defect is written.
# Nothing in the tree changes: all under build/rediscover/. usage: fuzz/rediscover/rediscover.sh [N ...]
set -u
cd "$(dirname "$0")/../.." || exit 2
D=build/host/dmabench
O=${REDISCOVER_OUT:-build/rediscover}
KDIR=${KDIR:-/usr/src/linux-headers-$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)}	# as the Makefile's KVER
[ -x "$D" ] && [ -d build/x86_64/initramfs ] || { echo "rediscover: run make first"; exit 2; }
re() {	# what each defect's finding says
	case $1 in
	1) echo 'uring|never completed|cancelled although' ;;
	2) echo 'general protection|list_del|KASAN|use-after-free|BUG|Oops|6b6b6b6b|Poison|corrupt' ;;
	3) echo 'overflow|dma_map_page_attrs|verify: undocumented error|direct\.h' ;;
	4) echo 'efault-state' ;;
	esac
}
build() {	# N -> $O/dN/initramfs.cpio
	local S=$O/d$1
	rm -rf "$S" && mkdir -p "$S"
	cp -a kmod "$S/kmod" && (cd "$S/kmod" && rm -f ./*.o ./*.ko ./*.mod ./*.mod.c ./.*.cmd Module.symvers modules.order)
	(cd "$S" && patch -p1 -s <"$OLDPWD/fuzz/rediscover/defect$1.patch") || return 1
	make -s -C "$KDIR" M="$(realpath "$S/kmod")" modules >"$S/build.log" 2>&1 || { tail -n 5 "$S/build.log"; return 1; }
	cp -a build/x86_64/initramfs "$S/initramfs" && cp "$S/kmod/dmabench.ko" "$S/initramfs/lib/dmabench.ko"
	(cd "$S/initramfs" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 >../initramfs.cpio)
	rm -rf "$S/initramfs"
}
for n in "${@:-1 2 3 4}"; do
	build "$n" || { echo "defect $n: scratch build failed"; continue; }
	[ -z "${REDISCOVER_BUILD_ONLY:-}" ] || { echo "defect $n: $O/d$n/initramfs.cpio"; continue; }
	out=$O/d$n/run
	echo "== defect $n: campaign from $(date -u +%T)"
	$D fuzz --backend direct --time "${REDISCOVER_TIME:-10m}" --initrd "$O/d$n/initramfs.cpio" --out "$out" >"$O/d$n/fuzz.log" 2>&1 &
	pid=$! hit=
	while kill -0 $pid 2>/dev/null && [ -z "$hit" ]; do
		sleep 3
		hit=$(grep -lE "$(re "$n")" "$out"/*/findings/*/report.txt 2>/dev/null | head -n 1)
	done
	[ -n "$hit" ] && sleep 5 && kill -TERM $pid 2>/dev/null
	wait $pid
	j=$(ls "$out"/*/fuzz.json 2>/dev/null | head -n 1)
	if [ -n "$hit" ]; then
		echo "   found: $(sed -n 's/^first report line: //p' "$hit")"
		echo "   after $(sed -n 's/^found after: //p' "$hit") from the start (boot: $(sed -n 's/^ *"boot_seconds": \([0-9.]*\).*/\1/p' "$j") s)"
	else
		echo "   not found"
	fi
	[ -n "$j" ] && grep -E '"(seconds|boot_seconds|boots|execs)"' "$j" | tr -d '\n ' && echo
done
