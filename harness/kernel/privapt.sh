# privapt.sh - a private apt root: Debian packages downloaded (apt-get download) without touching the
# system's apt configuration. Sourced by harness/kernel/kernels.sh and harness/emulator/qemus.sh, which
# define say() and die() first. Settings: DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, DEBIAN_KEYRING.
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SEC_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEYRING=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
MAX_AGE_MIN=1440	# refresh the package lists when older than this
HOST_ARCH=$(dpkg --print-architecture)

# privapt_setup DIR "SUITE ..." "ARCH ...": DIR/{apt.conf,sources.list,lists,cache,status}; A=DIR for apt_
privapt_setup() {
	local s a archs=""
	A=$1
	[ -r "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/empty"
	[ -e "$A/status" ] || : >"$A/status"
	: >"$A/sources.list.tmp"
	for s in $2; do
		case $s in
		*-security) echo "deb [signed-by=$KEYRING] $SEC_MIRROR $s main" ;;
		*) echo "deb [signed-by=$KEYRING] $MIRROR $s main" ;;
		esac >>"$A/sources.list.tmp"
	done
	mv "$A/sources.list.tmp" "$A/sources.list"
	for a in $3; do archs="$archs \"$a\";"; done
	# Dir::Etc::Main/Parts: none of the system's apt.conf(.d) (no hooks, pins, proxies of its own),
	# preferences or trusted keys; lists kept compressed and no source cache (about 100 MB instead of 215).
	cat >"$A/apt.conf" <<-EOC
		Dir::Etc::Main "/dev/null";
		Dir::Etc::Parts "$A/empty";
		Dir::Etc::SourceList "$A/sources.list";
		Dir::Etc::SourceParts "$A/empty";
		Dir::Etc::Preferences "/dev/null";
		Dir::Etc::PreferencesParts "$A/empty";
		Dir::Etc::Trusted "/dev/null";
		Dir::Etc::TrustedParts "$A/empty";
		Dir::State::Lists "$A/lists";
		Dir::State::Status "$A/status";
		Dir::Cache "$A/cache";
		APT::Architecture "$HOST_ARCH";
		APT::Architectures {$archs };
		Acquire::Languages "none";
		Acquire::GzipIndexes "true";
		Dir::Cache::srcpkgcache "";
		Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
	EOC
}

apt_() { APT_CONFIG="$A/apt.conf" "$@"; }

apt_update() {
	say "apt-get update ($(sed 's/.*\] //; s/ main$//' "$A/sources.list" | paste -sd, -))"
	# --error-on=any: a suite that cannot be fetched or verified is an error, not a warning
	apt_ apt-get -q --error-on=any update >"$A/update.log" 2>&1 || {
		cat "$A/update.log" >&2
		die "apt-get update failed (network, or a mirror other than $MIRROR needed: set DEBIAN_MIRROR)"
	}
	grep -E '^(W|E):' "$A/update.log" >&2 || true
}

# the lists, fetched again when older than MAX_AGE_MIN
apt_fresh() {
	[ -n "$(find "$A/lists" -maxdepth 1 -name '*InRelease' -mmin -$MAX_AGE_MIN 2>/dev/null)" ] || apt_update
}
