#!/bin/bash
# qemus.sh: Debian's QEMU builds for dmabench, fetched WITHOUT installing them
# and without touching the system's apt configuration (like kernels.sh). Which
# QEMUs exist is the host command's emulator table (harness/plan/qemus.c);
# `dmabench qemus fetch` and `--qemu debian:10.0` call this script with one
# entry's fields:
#
#   qemus.sh fetch NAME DEST SERIES PKGRE BPO
#       newest qemu-system-x86 whose Debian version matches the extended regex
#       PKGRE (e.g. '^1:10\.0\.'), upstream SERIES ("10.0"), from bookworm
#       (+ -updates, -security) and, BPO=yes, bookworm-backports, into DEST
#   qemus.sh list DIR            the QEMUs unpacked under DIR
#   qemus.sh check DEST          run DEST's binaries once more (ldd, --version)
#
#   then: dmabench run --qemu NAME (or DEST/bin/qemu-system-x86_64) ...
#
# What fetch does:
#  - a private apt root in build/apt/bookworm-qemu/ (own apt.conf, sources.list,
#    lists, cache, empty dpkg status; the system's /etc/apt is not read), Release
#    files verified against debian-archive-keyring (signed-by), .debs against
#    the verified lists; `apt-get update` when the lists are missing or older
#    than a day, or a download fails;
#  - picks the newest qemu-system-x86 of the series, the qemu-system-arm and
#    qemu-system-common of exactly that version, the qemu-system-data of that
#    source version (arch all, no binNMU suffix), the newest seabios that
#    satisfies qemu-system-x86's Depends (bookworm-backports only for 10.0:
#    10.0 needs seabios >> 1.16.3-1~, bookworm has 1.16.2) and ipxe-qemu
#    (NIC option ROMs; dmabench runs -nodefaults and needs none);
#  - unpacks them with dpkg -x into DEST/root (never installed), and checks
#    with ldd that both binaries find every shared library; libraries that
#    are missing on this host are fetched (lib* packages of the qemu
#    packages' Depends that dpkg does not list as installed, then their own
#    lib* Depends, at most 4 rounds; all of them when every one is installed
#    yet a library is missing; never libc6 or libgcc-s1, which go with the
#    host's ld.so) and unpacked into DEST/root too, and the
#    wrappers set LD_LIBRARY_PATH to them (QEMUS_FORCE_LIBS="pkg ..." unpacks
#    packages that way even when present: a test of that path);
#  - builds DEST/firmware, the -L directory: relative symlinks to every file of
#    root/usr/share/qemu, root/usr/share/seabios and root/usr/lib/ipxe/qemu
#    (that order wins on a name clash; absolute links of the packages are
#    resolved inside root). Debian's binaries search only the absolute
#    /usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu (strace: the 10.0
#    binary run from the tree opens the HOST's /usr/share/seabios/bios-256k.bin),
#    so without -L a fetched QEMU boots the host's firmware, or none;
#  - writes DEST/bin/qemu-system-x86_64 and DEST/bin/qemu-system-aarch64,
#    wrappers that exec the unpacked binary with -L DEST/firmware,
#    QEMU_MODULE_DIR (the host's modules are of another QEMU version) and,
#    only when needed, LD_LIBRARY_PATH: `--qemu DEST/bin/qemu-system-x86_64`
#    just works;
#  - runs both wrappers (--version must name the package's version, the
#    machine list must have q35 / virt), writes DEST/qemu.env and renames the
#    temporary directory to DEST: on any failure nothing half-unpacked is left;
#  - is idempotent: when DEST/qemu.env exists for the same SPEC it prints it
#    and touches no network (remove DEST to fetch a newer build).
#
# DEST/qemu.env: KEY=value lines, no quotes, no spaces (make, sh and C read it):
#   SERIES QEMU_VERSION QEMU_PKGVER QEMU_X86 QEMU_ARM64 QEMU_FIRMWARE QEMU_ROOT
#   QEMU_LD_LIBRARY_PATH (empty: none needed) QEMU_EXTRA_LIBS PKGS
#   DOWNLOAD_BYTES UNPACKED_BYTES
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
APT_DIR=${QEMUS_APT_DIR:-$top/build/apt}

say() { echo "qemus: $*"; }
die() { echo "qemus: error: $*" >&2; exit 1; }

usage() {
	sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# ---- the private apt root (harness/kernel/privapt.sh: mirrors, keyring, apt.conf) ----

. "$top/harness/kernel/privapt.sh"

# bookworm with -updates, -backports (QEMU 10.0) and -security; the host's architecture only (QEMU runs here)
apt_setup() {
	privapt_setup "$APT_DIR/bookworm-qemu" "bookworm bookworm-updates bookworm-backports bookworm-security" "$HOST_ARCH"
}

# versions PKG: every version apt knows of PKG, one a line
versions() {
	apt_ apt-cache madison "$1" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -u
}

# newest VERSIONREGEX [EXCLUDEREGEX]: the highest version on stdin matching
newest() {
	local re=$1 ex=${2:-'^$'} v best=''
	while read -r v; do
		[[ $v =~ $re ]] || continue
		[[ $v =~ $ex ]] && continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
	done
	echo "$best"
}

# depends PKG=VER: its Depends, one "name [op version]" a line
depends() {
	apt_ apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^\(Pre-\)\{0,1\}Depends: //p' |
		tr ',' '\n' | sed 's/|.*//; s/^ *//; s/ *$//; s/(\(.*\))/\1/; s/:any//' | grep -v '^$' || true
}

# satisfying PKG CONSTRAINT ALLOW_BPO: newest version of PKG meeting "op ver"
satisfying() {
	local p=$1 c=$2 bpo=$3 op ver v best=''
	read -r op ver <<<"$c"
	while read -r v; do
		[ "$bpo" = yes ] || [[ $v != *bpo* ]] || continue
		if [ -n "$op" ]; then
			case $op in '>>') op=gt ;; '>=') op=ge ;; '=') op=eq ;; '<=') op=le ;; '<<') op=lt ;; esac
			dpkg --compare-versions "$v" "$op" "$ver" || continue
		fi
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
	done < <(versions "$p")
	echo "$best"
}

installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed'; }

# download DIR PKG=VER...: apt-get download, once more after a list refresh
download() {
	local dir=$1
	shift
	if ! (cd "$dir" && apt_ apt-get -q download "$@" >>"$TMP/download.log" 2>&1); then
		say "download failed, refreshing the package lists once"
		apt_update
		(cd "$dir" && apt_ apt-get -q download "$@" >>"$TMP/download.log" 2>&1) || {
			cat "$TMP/download.log" >&2
			die "apt-get download $* failed (network? package removed from the archive?)"
		}
	fi
}

# missing_libs ROOT LIBPATH: sonames ldd cannot find for the two binaries
missing_libs() {
	local root=$1 lp=$2 b
	for b in qemu-system-x86_64 qemu-system-aarch64; do
		LD_LIBRARY_PATH=$lp ldd "$root/usr/bin/$b" | awk '/not found/ { print $1 }'
	done | sort -u
}

write_wrapper() {
	local dest=$1 bin=$2 lp=$3 w
	w=$TMP/bin/$bin
	{
		echo '#!/bin/sh'
		echo "# written by harness/emulator/qemus.sh: $SERIES_DESC $PKGVER unpacked in $dest/root,"
		echo "# its own firmware (-L) and modules${lp:+ and shared libraries}"
		echo "exec env${lp:+ LD_LIBRARY_PATH=$lp} QEMU_MODULE_DIR=$dest/root/usr/lib/$MULTIARCH/qemu \\"
		echo "	$dest/root/usr/bin/$bin -L $dest/firmware \"\$@\""
	} >"$w"
	chmod 755 "$w"
}

fetch() {
	local spec=$1 dest=$2 mm=$3 re=$4 bpo=$5 ex='^$'
	[ -n "$mm" ] && [ -n "$re" ] || usage
	case $bpo in
	yes) SERIES_DESC="QEMU $mm (bookworm, bookworm-backports)" ;;
	no) SERIES_DESC="QEMU $mm (bookworm)" ex='bpo' ;;
	*) die "BPO must be yes or no, not '$bpo'" ;;
	esac
	case $dest in *' '*) die "DEST must not contain spaces (qemu.env is KEY=value without quotes)" ;; esac

	if [ -f "$dest/qemu.env" ]; then
		grep -qx "SERIES=$spec" "$dest/qemu.env" ||
			die "$dest holds another QEMU ($(grep '^SERIES=' "$dest/qemu.env")): remove it or pick another DEST"
		say "cached: $(sed -n 's/^QEMU_PKGVER=//p' "$dest/qemu.env") in $dest (remove it to fetch a newer one)"
		cat "$dest/qemu.env"
		return 0
	fi
	[ ! -e "$dest" ] || die "$dest exists but has no qemu.env (a foreign or broken directory): remove it"
	mkdir -p "$(dirname "$dest")"
	dest=$(cd "$(dirname "$dest")" && pwd)/$(basename "$dest")

	apt_setup
	apt_fresh
	PKGVER=$(versions qemu-system-x86 | newest "$re" "$ex")
	[ -n "$PKGVER" ] || die "$spec: no qemu-system-x86 version matching $re in the lists (rm -rf $A/lists and try again)"
	local p
	for p in qemu-system-arm qemu-system-common; do
		versions "$p" | grep -qxF "$PKGVER" || die "$p has no version $PKGVER (the archive is mid-update? try later)"
	done
	# qemu-system-data is arch all: the same source version without a binNMU suffix
	local datav
	datav=$(versions qemu-system-data | grep -xF "${PKGVER%+b[0-9]*}") ||
		die "qemu-system-data ${PKGVER%+b[0-9]*} not found"
	local seac seav ipxev
	seac=$(depends "qemu-system-x86=$PKGVER" | sed -n 's/^seabios *//p' | head -n1)
	seav=$(satisfying seabios "$seac" "$bpo")
	[ -n "$seav" ] || die "no seabios satisfying '$seac' for $spec"
	ipxev=$(satisfying ipxe-qemu "" no)
	[ -n "$ipxev" ] || die "no ipxe-qemu"
	local pkgs=("qemu-system-x86=$PKGVER" "qemu-system-arm=$PKGVER" "qemu-system-common=$PKGVER"
		"qemu-system-data=$datav" "seabios=$seav" "ipxe-qemu=$ipxev")
	say "$spec: qemu $PKGVER, seabios $seav ('$seac'), ipxe-qemu $ipxev"

	TMP=$(mktemp -d "$dest.tmp.XXXXXX")
	DESTLINK=$dest
	trap 'rm -rf "$TMP"; if [ -L "$DESTLINK" ]; then rm -f "$DESTLINK"; fi' EXIT
	chmod 755 "$TMP"
	mkdir "$TMP/debs" "$TMP/libdebs" "$TMP/bin"
	# apt downloads as user _apt when it can write there (else, unsandboxed, as root)
	id _apt >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && chown _apt "$TMP/debs" "$TMP/libdebs"
	local t0=$SECONDS
	say "downloading ${pkgs[*]}"
	download "$TMP/debs" "${pkgs[@]}"
	local d
	for d in "$TMP"/debs/*.deb; do dpkg -x "$d" "$TMP/root"; done
	for p in qemu-system-x86_64 qemu-system-aarch64; do
		[ -x "$TMP/root/usr/bin/$p" ] || die "no usr/bin/$p in the packages"
	done

	# shared libraries: what ldd cannot find here comes from bookworm into root
	local libdirs="$dest/root/lib/$MULTIARCH:$dest/root/usr/lib/$MULTIARCH"
	local tlibdirs="$TMP/root/lib/$MULTIARCH:$TMP/root/usr/lib/$MULTIARCH"
	local missing round cands=() extra=() want q
	missing=$(missing_libs "$TMP/root" "")
	# lib* Depends of what was unpacked: candidates for missing libraries
	mapfile -t cands < <(for p in qemu-system-x86 qemu-system-arm qemu-system-common; do
		depends "$p=$PKGVER"; done | awk '$1 ~ /^lib/ && $1 !~ /^lib(c6|gcc-s1)$/ { print $1 }' | sort -u)
	for q in ${QEMUS_FORCE_LIBS:-}; do extra+=("$q"); done
	for round in 1 2 3 4; do
		[ -n "$missing" ] || [ ${#extra[@]} -gt 0 ] || break
		want=()
		for q in "${extra[@]}"; do want+=("$q"); done
		if [ -n "$missing" ]; then
			say "round $round: ldd finds no $(echo "$missing" | paste -sd' ' -)"
			for q in "${cands[@]}"; do
				installed "$q" || [ -e "$TMP/libdebs/.$q" ] || want+=("$q")
			done
			# every candidate is installed, yet a library is missing (a removed
			# file, another multiarch path): fetch all of them once
			if [ ${#want[@]} = 0 ]; then
				for q in "${cands[@]}"; do [ -e "$TMP/libdebs/.$q" ] || want+=("$q"); done
			fi
		fi
		extra=()
		[ ${#want[@]} -gt 0 ] || die "missing $(echo "$missing" | paste -sd' ' -) and no package left to fetch for it"
		say "fetching libraries: ${want[*]}"
		download "$TMP/libdebs" "${want[@]}"
		# shellcheck disable=SC2016 # dpkg-deb's own ${field} syntax
		for d in "$TMP"/libdebs/*.deb; do
			[ -e "$d.done" ] && continue
			dpkg -x "$d" "$TMP/root"
			p=$(dpkg-deb --show --showformat='${Package}' "$d")
			: >"$TMP/libdebs/.$p"
			: >"$d.done"
			# their own library dependencies are candidates of the next round
			mapfile -t -O ${#cands[@]} cands < <(dpkg-deb --show --showformat='${Depends}\n' "$d" |
				tr ',' '\n' | sed 's/|.*//; s/^ *//; s/ .*//; s/:any//' | grep '^lib' | grep -vxE 'lib(c6|gcc-s1)' || true)
		done
		missing=$(missing_libs "$TMP/root" "$tlibdirs")
	done
	[ -z "$missing" ] || die "still missing after 4 rounds: $(echo "$missing" | paste -sd' ' -)"
	local lp='' libpkgs=''
	if ls "$TMP"/libdebs/*.deb >/dev/null 2>&1; then
		lp=$libdirs
		# shellcheck disable=SC2016 # dpkg-deb's own ${field} syntax
		libpkgs=$(for d in "$TMP"/libdebs/*.deb; do dpkg-deb --show --showformat='${Package}=${Version}\n' "$d"; done | paste -sd, -)
	fi

	local bytes names
	bytes=$(find "$TMP/debs" "$TMP/libdebs" -name '*.deb' -print0 | du -cb --files0-from=- | tail -n1 | cut -f1)
	# shellcheck disable=SC2016
	names=$(for d in "$TMP"/debs/*.deb; do dpkg-deb --show --showformat='${Package}=${Version}\n' "$d"; done | paste -sd, -)
	say "downloaded $((bytes / 1048576)) MiB in $((SECONDS - t0)) s"
	rm -rf "$TMP/debs" "$TMP/libdebs" "$TMP/download.log"

	# the -L directory: one flat folder of relative links (first of a name wins)
	mkdir "$TMP/firmware"
	local f dir n t
	for dir in usr/share/qemu usr/share/seabios usr/lib/ipxe/qemu; do
		[ -d "$TMP/root/$dir" ] || continue
		for f in "$TMP/root/$dir"/*; do
			n=$(basename "$f")
			[ -f "$f" ] || [ -L "$f" ] || continue
			[ -e "$TMP/firmware/$n" ] && continue
			t=$dir/$n
			if [ -L "$f" ]; then
				# a package's link: absolute into /usr/... or relative; resolve it inside root
				t=$(readlink "$f")
				case $t in /*) t=${t#/} ;; *) t=$dir/$t ;; esac
				[ -e "$TMP/root/$t" ] || continue	# points outside what was unpacked
			fi
			ln -s "../root/$t" "$TMP/firmware/$n"
		done
	done
	for f in bios-256k.bin linuxboot_dma.bin kvmvapic.bin; do
		[ -e "$TMP/firmware/$f" ] || die "firmware $f missing from the unpacked packages"
	done

	write_wrapper "$dest" qemu-system-x86_64 "$lp"
	write_wrapper "$dest" qemu-system-aarch64 "$lp"

	# the wrappers name $dest: check them through a temporary link at $dest
	ln -s "$(basename "$TMP")" "$dest"
	# the upstream version: from the binary (Debian's 7.2 packages carry 7.2.N as "7.2+dfsg")
	local vx va upstream
	vx=$("$dest/bin/qemu-system-x86_64" --version 2>&1 | head -n1) || { die "qemu-system-x86_64 --version failed: $vx"; }
	va=$("$dest/bin/qemu-system-aarch64" --version 2>&1 | head -n1) || { die "qemu-system-aarch64 --version failed: $va"; }
	upstream=$(sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p' <<<"$vx")
	for v in "$vx" "$va"; do
		[[ $v == "QEMU emulator version $mm."*" (Debian $PKGVER)" ]] || die "unexpected version line '$v' (want $mm.x, Debian $PKGVER)"
	done
	"$dest/bin/qemu-system-x86_64" -machine help | grep -q '^q35 ' || { die "qemu-system-x86_64 has no q35 machine"; }
	"$dest/bin/qemu-system-aarch64" -machine help | grep -q '^virt ' || { die "qemu-system-aarch64 has no virt machine"; }
	rm -f "$dest"

	cat >"$TMP/qemu.env" <<-EOF
		SERIES=$spec
		QEMU_VERSION=$upstream
		QEMU_PKGVER=$PKGVER
		QEMU_X86=$dest/bin/qemu-system-x86_64
		QEMU_ARM64=$dest/bin/qemu-system-aarch64
		QEMU_FIRMWARE=$dest/firmware
		QEMU_ROOT=$dest/root
		QEMU_LD_LIBRARY_PATH=$lp
		QEMU_EXTRA_LIBS=$libpkgs
		PKGS=$names
		DOWNLOAD_BYTES=$bytes
		UNPACKED_BYTES=$(du -sb "$TMP" | cut -f1)
	EOF
	mv -T "$TMP" "$dest"
	trap - EXIT
	say "$vx; unpacked in $((SECONDS - t0)) s into $dest:"
	cat "$dest/qemu.env"
}

check() {
	local dest=$1 b
	[ -f "$dest/qemu.env" ] || die "$dest/qemu.env not found"
	# shellcheck disable=SC1091
	. "$dest/qemu.env"
	for b in "$QEMU_X86" "$QEMU_ARM64"; do
		"$b" --version | head -n1
		LD_LIBRARY_PATH=$QEMU_LD_LIBRARY_PATH ldd "$QEMU_ROOT/usr/bin/$(basename "$b")" | grep 'not found' &&
			die "$b: libraries missing"
	done
	[ -e "$QEMU_FIRMWARE/bios-256k.bin" ] || die "$QEMU_FIRMWARE/bios-256k.bin: dangling"
	say "$dest ok ($SERIES, $QEMU_PKGVER)"
}

list() {
	local e found=0 QEMUS_DIR=$1
	for e in "$QEMUS_DIR"/*/qemu.env; do
		[ -f "$e" ] || continue
		found=1
		# shellcheck disable=SC1090
		(. "$e" && printf '%-12s %-8s %-34s %s\n' "$SERIES" "$QEMU_VERSION" "$QEMU_PKGVER" "$QEMU_X86")
	done
	[ $found = 1 ] || say "no QEMU under $QEMUS_DIR"
	for e in "$QEMUS_DIR"/*.tmp.*; do
		[ -e "$e" ] && say "leftover of an interrupted fetch: $e (safe to remove)"
	done
	return 0
}

MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
case ${1:-} in
fetch) [ $# = 6 ] || usage; fetch "$2" "$3" "$4" "$5" "$6" ;;
list) [ $# = 2 ] || usage; list "$2" ;;
check) [ $# = 2 ] || usage; check "$2" ;;
*) usage ;;
esac
