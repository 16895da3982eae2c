#!/bin/bash
# kernel-build.sh - the dmabench debug kernel (README "Debug kernel").
#
#   kernel-build.sh src    TARBALL SRC          unpack a kernel source tarball into SRC (once)
#   kernel-build.sh config SRC OBJ FRAGMENT     x86_64_defconfig + kvm_guest.config + FRAGMENT,
#                                               make olddefconfig, then `check`
#   kernel-build.sh check  FRAGMENT DOTCONFIG   every option of FRAGMENT is in DOTCONFIG as requested
#   kernel-build.sh patch  SRC DIR              apply DIR/*.patch to SRC once (already applied: left alone)
#   kernel-build.sh build  SRC OBJ FRAGMENT     KPATCHES=DIR patches first, config, then bzImage + modules with -j$(nproc);
#                                               the wall time is appended to OBJ/../build-time.txt
#
# Exit 0 on success, 1 on a failure (each dropped option named on stderr), 2 on usage errors.
set -euo pipefail

die() { echo "kernel-build: $*" >&2; exit 1; }
usage() { sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# check FRAGMENT DOTCONFIG: "CONFIG_X=v" must appear verbatim; "# CONFIG_X is not set" means
# no "CONFIG_X=" line at all. Lists every mismatch, then fails.
check() {
	local frag=$1 dot=$2 bad=0 n=0 line opt want have
	[ -r "$frag" ] || die "fragment $frag not readable"
	[ -r "$dot" ] || die "config $dot not readable"
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			opt=${BASH_REMATCH[1]}; want=${BASH_REMATCH[2]}
			have=$(grep -E "^($opt=|# $opt is not set)" "$dot" | tail -n1 || true)
			if [ "$have" != "$opt=$want" ]; then
				echo "kernel-build: $opt: requested $want, got ${have:-nothing (option unknown or its dependencies unmet)}" >&2
				bad=$((bad + 1))
			fi
			n=$((n + 1))
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]}
			have=$(grep -E "^$opt=" "$dot" || true)
			if [ -n "$have" ]; then
				echo "kernel-build: $opt: requested not set, got $have" >&2
				bad=$((bad + 1))
			fi
			n=$((n + 1))
		elif [[ $line =~ ^[[:space:]]*(#.*)?$ ]]; then
			continue
		else
			die "$frag: not a config line: $line"
		fi
	done < "$frag"
	[ "$n" -gt 0 ] || die "$frag: no options"
	[ "$bad" -eq 0 ] || die "$bad of $n options of $frag did not end up as requested in $dot"
	echo "kernel-build: all $n options of $frag as requested in $dot"
}

config() {
	local src=$1 obj=$2 frag=$3
	[ -f "$src/Makefile" ] && [ -f "$src/arch/x86/configs/x86_64_defconfig" ] ||
		die "$src is not a kernel source tree (set KSRC= or run make deps for linux-source-6.1)"
	[ -r "$frag" ] || die "fragment $frag not readable"
	frag=$(realpath "$frag")
	mkdir -p "$obj"
	obj=$(realpath "$obj")
	make -s -C "$src" O="$obj" x86_64_defconfig >/dev/null
	# kvm_guest.config, then ours (later assignments win)
	(cd "$src" && KCONFIG_CONFIG="$obj/.config" ./scripts/kconfig/merge_config.sh -m -O "$obj" \
		"$obj/.config" kernel/configs/kvm_guest.config "$frag" >/dev/null)
	make -s -C "$src" O="$obj" olddefconfig >/dev/null
	check "$frag" "$obj/.config"
}

# patches SRC DIR: every DIR/*.patch (in name order) applied to SRC with patch -p1, once:
# one whose reverse applies is already in and is left alone; one that applies neither way
# (another kernel version, or SRC fixed otherwise) fails naming it. Files are only changed
# after every patch was checked.
patches() {
	local src=$1 dir=$2 p todo=() n=0
	[ -f "$src/Makefile" ] || die "$src is not a kernel source tree"
	[ -d "$dir" ] || die "patch directory $dir not found"
	for p in "$dir"/*.patch; do
		[ -e "$p" ] || continue
		n=$((n + 1))
		if patch -d "$src" -p1 -R --dry-run -s -f < "$p" >/dev/null 2>&1; then
			echo "kernel-build: $(basename "$p"): already applied to $src"
		elif patch -d "$src" -p1 --dry-run -s -f < "$p" >/dev/null 2>&1; then
			todo+=("$p")
		else
			die "$(basename "$p") applies neither forward nor reverse to $src (not the kernel it was written for; set KPATCHES= to build without the project's patches)"
		fi
	done
	for p in "${todo[@]}"; do
		patch -d "$src" -p1 -s -f < "$p" >/dev/null || die "$(basename "$p"): patch failed after its dry run passed"
		echo "kernel-build: $(basename "$p"): applied to $src"
	done
	echo "kernel-build: $n patch(es) of $dir in $src"
}

build() {
	local src=$1 obj=$2 frag=$3 t0 t1 secs load kind
	[ -n "${KPATCHES:-}" ] && patches "$src" "$KPATCHES"
	config "$src" "$obj" "$frag"
	src=$(realpath "$src"); obj=$(realpath "$obj")
	load=$(cut -d" " -f1-3 /proc/loadavg)
	# a tree that was built before only recompiles what changed
	kind="a full"
	[ -f "$obj/vmlinux" ] && kind="an incremental"
	t0=$(date +%s)
	make -C "$src" O="$obj" -j"$(nproc)" bzImage modules
	t1=$(date +%s)
	secs=$((t1 - t0))
	printf '%d s (%d min %d s) for %s build of bzImage + modules, -j%d on %d cores, load before %s, %s\n' \
		"$secs" $((secs / 60)) $((secs % 60)) "$kind" "$(nproc)" "$(nproc)" \
		"$load" "$(date -u +%FT%TZ)" >> "$obj/../build-time.txt"
	tail -n 1 "$obj/../build-time.txt"
}

cmd=${1:-}
shift || true
case "$cmd" in
src)
	[ $# -eq 2 ] || usage
	[ -f "$2/Makefile" ] && exit 0
	[ -r "$1" ] || die "kernel source $1 not found (make deps installs linux-source-6.1, or set KSRC=)"
	tmp="$2.tmp"
	rm -rf "$tmp" && mkdir -p "$tmp"
	tar -C "$tmp" -xf "$1"
	top=$(ls "$tmp")
	[ "$(echo "$top" | wc -l)" -eq 1 ] && [ -f "$tmp/$top/Makefile" ] || die "$1: not one kernel tree"
	rm -rf "$2" && mv "$tmp/$top" "$2" && rmdir "$tmp"
	;;
config) [ $# -eq 3 ] || usage; config "$@" ;;
check) [ $# -eq 2 ] || usage; check "$@" ;;
patch) [ $# -eq 2 ] || usage; patches "$@" ;;
build) [ $# -eq 3 ] || usage; build "$@" ;;
*) usage ;;
esac
