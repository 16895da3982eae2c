#!/bin/bash
# kernels.sh: Debian kernels for dmabench, fetched WITHOUT installing them
# and without touching the system's apt configuration. Which kernels exist
# (series, Debian release, suites, package name pattern, flavour) is the
# host command's kernel table (harness/plan/kernels.c); `dmabench kernels
# fetch` calls this script with one entry's fields:
#
#   kernels.sh fetch NAME ARCH DEST DIST SUITES ABI FLAVOUR
#       newest linux-image-<ABI>-<FLAVOUR> of the Debian release DIST
#       (SUITES: space-separated suites searched, e.g. "bookworm
#       bookworm-security bookworm-backports"; a *-security suite comes from
#       the security mirror) for ARCH (x86_64 | arm64) into DEST
#   kernels.sh list DIR               the kernels unpacked under DIR
#   kernels.sh modcheck KO KERNEL     does module KO's vermagic name KERNEL's release?
#
# What fetch does:
#  - a private apt root per Debian release in build/apt/<release>/ (its own
#    apt.conf, sources.list, lists, cache, empty dpkg status; the system's
#    /etc/apt is not read): `apt-get update` there when its lists are missing
#    or older than a day (or a download fails). Release files are verified
#    against /usr/share/keyrings/debian-archive-keyring.gpg (signed-by), the
#    .debs against the hashes of the verified package lists;
#  - picks the newest linux-image-<abi>-<flavour> of the series and downloads
#    it (vmlinuz, config, System.map and all its modules: Debian ships the
#    modules in the image package), linux-headers-<abi>-<flavour>, the
#    linux-headers-<abi>-common it depends on, and the linux-kbuild-* package
#    the headers need for the HOST's architecture (fixdep, modpost, objtool
#    run on the build machine, also when cross-building for arm64);
#  - unpacks them with dpkg -x into a temporary directory next to DEST,
#    makes the headers usable in place (see fix_headers), writes
#    DEST/kernel.env and renames the directory to DEST: on any failure
#    nothing half-unpacked is left behind;
#  - is idempotent: when DEST/kernel.env exists for the same NAME and ARCH
#    it prints it and touches no network (remove DEST to fetch a newer one).
#
# DEST/kernel.env: one KEY=value per line, no quotes, no spaces, so that it
# is read alike by make (`include`), sh (`.`) and a line parser in C:
#   SERIES KNAME PKGVER KVER ARCH DEB_ARCH KARCH KCROSS_COMPILE KERNEL KDIR
#   KCONFIG SYSTEM_MAP MODDIR MODULE_SUFFIX PAGE_SIZE KCC_BUILT PKGS
#   DOWNLOAD_BYTES (paths absolute; KNAME is the build directory's name,
#   build/<KNAME>/<ARCH>/; KCC_BUILT is the compiler the kernel was built
#   with, e.g. gcc-10 for 5.10, which bookworm lacks: the Makefile then
#   builds the module with the host's gcc)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
APT_DIR=${KERNELS_APT_DIR:-$top/build/apt}

say() { echo "kernels: $*"; }
die() { echo "kernels: error: $*" >&2; exit 1; }

usage() {
	sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# ---- the private apt root of one Debian release (privapt.sh: mirrors, keyring, apt.conf) ----

. "$top/harness/kernel/privapt.sh"

# apt_setup RELEASE SUITES: build/apt/RELEASE/; both architectures, as kbuild is the host's
apt_setup() { privapt_setup "$APT_DIR/$1" "$2" "amd64 arm64"; }

# ---- making the unpacked headers usable where they are ------------------------

# fix_headers ROOT KVER: Debian's flavour Makefile is one line,
# "include /usr/src/linux-headers-<abi>-common/Makefile", a path that exists
# only when installed: point it at the unpacked common directory (relative
# to the flavour directory, where `make -C` runs). The scripts and tools
# symlinks are relative (../../lib/linux-kbuild-X/...) and resolve inside
# ROOT because the host's kbuild package is unpacked there too.
fix_headers() {
	local root=$1 kver=$2 kdir common
	kdir=$root/usr/src/linux-headers-$kver
	common=$(sed -n 's|^include /usr/src/\(linux-headers-[^/]*\)/Makefile$|\1|p' "$kdir/Makefile")
	[ -n "$common" ] || die "$kdir/Makefile: unexpected content: $(head -c 200 "$kdir/Makefile")"
	[ -d "$root/usr/src/$common" ] || die "$common was not unpacked"
	printf 'include ../%s/Makefile\n' "$common" >"$kdir/Makefile"
	[ -x "$kdir/scripts/basic/fixdep" ] || die "$kdir/scripts/basic/fixdep: kbuild tools not found (linux-kbuild package)"
}

# fix_compiler KDIR CROSS CC: Debian's headers name the compiler the kernel was
# built with (.kernelvariables: CC = $(CROSS_COMPILE)gcc-10 for 5.10). When
# that one is not installed here (bookworm has no gcc-10), modules are built
# with the host's gcc of the same prefix (it loads and passes the same tests),
# for every user of the unpacked headers alike (make KENV=..., DKMS). Idempotent.
fix_compiler() {
	local kv=$1/.kernelvariables cross=$2 cc=$3
	[ -f "$kv" ] && [ -n "$cc" ] || return 0
	command -v "$cross$cc" >/dev/null 2>&1 && return 0
	grep -q 'CROSS_COMPILE)gcc-[0-9]' "$kv" || return 0
	sed -i 's/\$(CROSS_COMPILE)gcc-[0-9][0-9]*/$(CROSS_COMPILE)gcc/' "$kv"
	say "$cross$cc is not installed: modules for this kernel are built with $(command -v "${cross}gcc" || echo "${cross}gcc") ($kv)"
}

# ---- fetch -----------------------------------------------------------------

fetch() {
	local spec=$1 arch=$2 dest=$3 rel=$4 suites=$5 abire=$6 flavour=$7 kname
	case $arch in
	x86_64 | amd64) arch=x86_64 DEB_ARCH=amd64 KARCH=x86 ;;
	arm64 | aarch64) arch=arm64 DEB_ARCH=arm64 KARCH=arm64 ;;
	*) die "unknown ARCH '$arch' (x86_64 or arm64)" ;;
	esac
	kname=${spec//:/-}
	[ -n "$rel" ] && [ -n "$suites" ] && [ -n "$abire" ] && [ -n "$flavour" ] || usage

	if [ -f "$dest/kernel.env" ]; then
		{ grep -qx "SERIES=$spec" "$dest/kernel.env" && grep -qx "ARCH=$arch" "$dest/kernel.env"; } ||
			die "$dest holds another kernel ($(grep -E '^(SERIES|ARCH)=' "$dest/kernel.env" | paste -sd' ' -)): remove it or pick another DEST"
		say "cached: $(sed -n 's/^KVER=//p' "$dest/kernel.env") in $dest (remove it to fetch a newer one)"
		fix_compiler "$(sed -n 's/^KDIR=//p' "$dest/kernel.env")" "$(sed -n 's/^KCROSS_COMPILE=//p' "$dest/kernel.env")" \
			"$(sed -n 's/^KCC_BUILT=//p' "$dest/kernel.env")"
		cat "$dest/kernel.env"
		return 0
	fi
	[ ! -e "$dest" ] || die "$dest exists but has no kernel.env (a foreign or broken directory): remove it"
	mkdir -p "$(dirname "$dest")"
	dest=$(cd "$(dirname "$dest")" && pwd)/$(basename "$dest")

	apt_setup "$rel" "$suites"
	apt_fresh
	# the newest image of the series: highest candidate version (one apt-cache
	# policy for all names: `show` reads the compressed lists, 1 s a call)
	local n v image='' ver='' names
	mapfile -t names < <(apt_ apt-cache pkgnames linux-image- | grep -E "^linux-image-$abire-$flavour\$" | sed "s/\$/:$DEB_ARCH/")
	while read -r n v; do
		if [ -z "$ver" ] || dpkg --compare-versions "$v" gt "$ver"; then image=$n ver=$v; fi
	done < <([ ${#names[@]} = 0 ] || apt_ apt-cache policy "${names[@]}" |
		awk '/^[^ ]/ { sub(/:$/, ""); sub(/:[a-z0-9]+$/, ""); n = $0 }
		     $1 == "Candidate:" && $2 != "(none)" { print n, $2 }')
	[ -n "$image" ] || die "$spec: no package linux-image-*-$flavour for $DEB_ARCH in $rel (lists in $A/lists; try again after rm -rf $A/lists)"
	KVER=${image#linux-image-}
	local headers=linux-headers-$KVER deps common kbuild
	deps=$(apt_ apt-cache show --no-all-versions "$headers:$DEB_ARCH=$ver" 2>/dev/null | sed -n 's/^Depends: //p' | tr ',|' '\n' | sed 's/^ *//; s/ .*//') ||
		true
	common=$(grep -E '^linux-headers-.*-common$' <<<"$deps" | head -n1) || true
	kbuild=$(grep -E '^linux-kbuild-' <<<"$deps" | head -n1) || true
	{ [ -n "$common" ] && [ -n "$kbuild" ]; } || die "$headers=$ver: no -common or linux-kbuild dependency found (Depends: $(tr '\n' ' ' <<<"$deps"))"
	local pkgs=("$image:$DEB_ARCH=$ver" "$headers:$DEB_ARCH=$ver" "$common=$ver" "$kbuild:$HOST_ARCH")
	say "$spec $arch: $KVER ($ver)"

	TMP=$(mktemp -d "$dest.tmp.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT
	chmod 755 "$TMP"
	mkdir "$TMP/debs"
	# apt downloads as user _apt when it can write there (else, unsandboxed, as root)
	id _apt >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && chown _apt "$TMP/debs"
	local t0=$SECONDS
	say "downloading ${pkgs[*]}"
	if ! (cd "$TMP/debs" && apt_ apt-get -q download "${pkgs[@]}" >"$TMP/download.log" 2>&1); then
		say "download failed, refreshing the package lists once"
		apt_update
		(cd "$TMP/debs" && apt_ apt-get -q download "${pkgs[@]}" >"$TMP/download.log" 2>&1) || {
			cat "$TMP/download.log" >&2
			die "apt-get download ${pkgs[*]} failed (network? package removed from the archive?)"
		}
	fi
	local bytes
	bytes=$(du -cb "$TMP"/debs/*.deb | tail -n1 | cut -f1)
	say "downloaded $((bytes / 1048576)) MiB in $((SECONDS - t0)) s"
	t0=$SECONDS
	local d
	for d in "$TMP"/debs/*.deb; do dpkg -x "$d" "$TMP"; done
	local names
	# shellcheck disable=SC2016 # dpkg-deb's own ${field} syntax
	names=$(for d in "$TMP"/debs/*.deb; do dpkg-deb --show --showformat='${Package}=${Version}\n' "$d"; done | paste -sd, -)
	rm -rf "$TMP/debs" "$TMP/download.log"
	fix_headers "$TMP" "$KVER"

	# modules: /lib/modules (bookworm) or /usr/lib/modules (merged /usr)
	local moddir=lib/modules/$KVER kconfig=boot/config-$KVER suffix=.ko page=4096
	[ -d "$TMP/$moddir" ] || moddir=usr/lib/modules/$KVER
	[ -d "$TMP/$moddir" ] || die "$image has no modules directory"
	{ [ -f "$TMP/boot/vmlinuz-$KVER" ] && [ -f "$TMP/$kconfig" ]; } || die "$image: no boot/vmlinuz-$KVER or config"
	grep -q '^CONFIG_MODULE_COMPRESS_XZ=y' "$TMP/$kconfig" && suffix=.ko.xz
	grep -q '^CONFIG_ARM64_16K_PAGES=y' "$TMP/$kconfig" && page=16384
	grep -q '^CONFIG_ARM64_64K_PAGES=y' "$TMP/$kconfig" && page=65536
	# the compiler the kernel was built with: CONFIG_CC_VERSION_TEXT="gcc-12 (Debian 12.2.0-14) 12.2.0"
	local cc cross=''
	cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$TMP/$kconfig" | sed 's/^[a-z0-9_]*-linux-gnu-//')
	# Debian builds its kernels natively: cross-compiling needs the Debian cross toolchain prefix
	if [ "$DEB_ARCH" != "$HOST_ARCH" ]; then
		case $DEB_ARCH in arm64) cross=aarch64-linux-gnu- ;; amd64) cross=x86_64-linux-gnu- ;; esac
	fi
	local abs=$dest
	cat >"$TMP/kernel.env" <<-EOF
		SERIES=$spec
		KNAME=$kname
		PKGVER=$ver
		KVER=$KVER
		ARCH=$arch
		DEB_ARCH=$DEB_ARCH
		KARCH=$KARCH
		KCROSS_COMPILE=$cross
		KERNEL=$abs/boot/vmlinuz-$KVER
		KDIR=$abs/usr/src/linux-headers-$KVER
		KCONFIG=$abs/$kconfig
		SYSTEM_MAP=$abs/boot/System.map-$KVER
		MODDIR=$abs/$moddir
		MODULE_SUFFIX=$suffix
		PAGE_SIZE=$page
		KCC_BUILT=$cc
		PKGS=$names
		DOWNLOAD_BYTES=$bytes
	EOF
	mv "$TMP" "$dest"
	trap - EXIT
	fix_compiler "$abs/usr/src/linux-headers-$KVER" "$cross" "$cc"
	say "unpacked in $((SECONDS - t0)) s into $dest:"
	cat "$dest/kernel.env"
}

list() {
	local e found=0 KERNELS_DIR=$1
	for e in "$KERNELS_DIR"/*/kernel.env; do
		[ -f "$e" ] || continue
		found=1
		# shellcheck disable=SC1090,SC2153 # the variables come from kernel.env
		(. "$e" && printf '%-16s %-7s %-26s %-22s %s\n' "$SERIES" "$ARCH" "$KVER" "$PKGVER" "$(dirname "$e")")
	done
	[ $found = 1 ] || say "no kernels under $KERNELS_DIR"
	for e in "$KERNELS_DIR"/*.tmp.*; do
		[ -e "$e" ] && say "leftover of an interrupted fetch: $e (safe to remove)"
	done
	return 0
}

# release of a kernel image: an x86 bzImage names it in its header (file(1)
# prints it), an arm64 Image (uncompressed, as Debian ships it) in its
# "Linux version" banner; gzip-compressed images are looked into too
image_release() {
	local r
	r=$(file -bL "$1" | sed -n 's/.*, version \([^ ]*\) .*/\1/p')
	[ -n "$r" ] || r=$({ if file -bL "$1" | grep -q '^gzip'; then zcat "$1"; else cat "$1"; fi; } |
		LC_ALL=C grep -a -o -m1 'Linux version [^ ]*' | cut -d' ' -f3)
	echo "$r"
}

# modcheck KO KERNEL: before packing a module with a kernel, its vermagic
# (first word: the release it was built for) must be the kernel's release
modcheck() {
	local ko=$1 kernel=$2 want have
	[ -f "$ko" ] || die "modcheck: $ko not found"
	[ -f "$kernel" ] || die "modcheck: $kernel not found"
	have=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	want=$(image_release "$kernel")
	[ -n "$want" ] || die "modcheck: cannot read the release of $kernel"
	[ "$have" = "$want" ] || die "modcheck: $ko is built for $have, $kernel is $want"
	say "modcheck: $(basename "$ko") vermagic $have = $(basename "$kernel")"
}

case ${1:-} in
fetch) [ $# = 8 ] || usage; fetch "$2" "$3" "$4" "$5" "$6" "$7" "$8" ;;
list) [ $# = 2 ] || usage; list "$2" ;;
modcheck) [ $# = 3 ] || usage; modcheck "$2" "$3" ;;
*) usage ;;
esac
