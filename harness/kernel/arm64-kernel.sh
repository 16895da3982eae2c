#!/bin/bash
# arm64-kernel.sh DIR: Debian's arm64 kernel image and headers of the SAME ABI
# as the newest installed amd64 kernel (/boot/vmlinuz-<abi>-amd64), fetched
# with `apt-get download` and unpacked with `dpkg -x` into DIR (never
# installed on the host). The headers' scripts link points at the host's
# linux-kbuild-<major.minor> (x86 binaries: what a cross build runs).
# Idempotent: does nothing when DIR/.abi names the ABI already. Runs
# `apt-get update` only when a download fails (package lists without arm64).
set -euo pipefail
dir=${1:?usage: arm64-kernel.sh DIR}
ver=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
[ -n "$ver" ] || { echo "arm64-kernel: no /boot/vmlinuz-*-amd64 (install linux-image-amd64 first)" >&2; exit 1; }
abi=${ver%-amd64}
if [ -f "$dir/.abi" ] && [ "$(cat "$dir/.abi")" = "$abi" ] && [ -e "$dir/boot/vmlinuz-$abi-arm64" ]; then
	echo "deps: arm64 kernel $abi-arm64 present in $dir"
	exit 0
fi
pkgs="linux-image-$abi-arm64:arm64 linux-headers-$abi-arm64:arm64 linux-headers-$abi-common"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "deps: fetching $pkgs"
if ! (cd "$tmp" && apt-get download -q $pkgs >/dev/null 2>&1); then
	apt-get update -q
	(cd "$tmp" && apt-get download -q $pkgs)
fi
rm -rf "$dir"
mkdir -p "$dir"
for d in "$tmp"/*.deb; do dpkg -x "$d" "$dir"; done
# scripts -> ../../lib/linux-kbuild-X.Y/scripts: point that at the host's kbuild
kb=$(readlink "$dir/usr/src/linux-headers-$abi-arm64/scripts" | sed -n 's|.*/lib/\(linux-kbuild-[^/]*\)/.*|\1|p')
[ -n "$kb" ] && [ -d "/usr/lib/$kb" ] || { echo "arm64-kernel: host kbuild /usr/lib/${kb:-linux-kbuild-?} missing" >&2; exit 1; }
mkdir -p "$dir/usr/lib"
ln -sfn "/usr/lib/$kb" "$dir/usr/lib/$kb"
echo "$abi" >"$dir/.abi"
echo "deps: arm64 kernel $abi-arm64 unpacked into $dir"
