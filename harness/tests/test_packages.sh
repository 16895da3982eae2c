#!/bin/bash
# The Debian packages and DKMS, as a user on a real machine gets them:
#  - dpkg-buildpackage (in a copy of the tree) builds dmabench and dmabench-dkms;
#  - their contents: the host command, the guest runner, gnuplot scripts, corpus, man page,
#    bash completion; the module's sources with a versioned dkms.conf and DKMS's maintainer scripts;
#  - the installed layout works: dmabench from an unpacked package finds its own files;
#  - DKMS builds the module from the dkms package against every kernel's headers at hand
#    (Debian 6.1's installed ones, and the other kernels under build/kernels/*/kernel.env),
#    in private trees with signing off, so nothing on this machine changes.
# Prints "ok NAME", "skip NAME reason" or "not ok NAME: reason" lines (harness/tests/run-tests.sh).
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d /tmp/dmabench-pkg-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok $1"; }
bad() { echo "not ok $1: $2"; }

# 1. build the packages from the files git knows (committed or not), as a release would
mkdir -p "$tmp/src/dmabench"
git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$tmp/src/dmabench"
if (cd "$tmp/src/dmabench" && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -b -us -uc) >"$tmp/build.log" 2>&1; then
	ok pkg-build
else
	bad pkg-build "dpkg-buildpackage failed: $(grep -m1 -iE 'error|fail' "$tmp/build.log")"
	exit 0
fi
ver=$(dpkg-parsechangelog -l debian/changelog -SVersion)
deb=$tmp/src/dmabench_${ver}_amd64.deb
dkdeb=$tmp/src/dmabench-dkms_${ver}_all.deb

# 2. what each package holds
dpkg -c "$deb" >"$tmp/deb.list"
dpkg -c "$dkdeb" >"$tmp/dkdeb.list"
missing=""
for f in usr/bin/dmabench usr/lib/dmabench/runner/init usr/lib/dmabench/runner/bin/va usr/lib/dmabench/runner/bin/lat \
	 usr/lib/dmabench/runner/tests/abi_errors usr/share/dmabench/gnuplot/va.gp usr/share/dmabench/gnuplot/lat-cdf.gp \
	 usr/share/dmabench/fuzz/corpus/01-alloc-free usr/share/man/man1/dmabench.1.gz \
	 usr/share/bash-completion/completions/dmabench; do
	grep -q " \./$f\$" "$tmp/deb.list" || missing="$missing $f"
done
for f in dkms.conf Kbuild core.c dmabench_abi.h compat.h; do
	grep -q " \./usr/src/dmabench-$ver/$f\$" "$tmp/dkdeb.list" || missing="$missing dkms:$f"
done
[ -z "$missing" ] && ok pkg-contents || bad pkg-contents "missing:$missing"
mkdir -p "$tmp/ctl"
dpkg-deb -e "$dkdeb" "$tmp/ctl"
why=""
dpkg-deb -f "$dkdeb" Depends | grep -q dkms || why="$why no dependency on dkms;"
grep -q "common.postinst" "$tmp/ctl/postinst" 2>/dev/null || why="$why no DKMS postinst;"
dpkg-deb --fsys-tarfile "$dkdeb" | tar -xOf - "./usr/src/dmabench-$ver/dkms.conf" >"$tmp/dkms.conf"
grep -q "PACKAGE_VERSION=\"$ver\"" "$tmp/dkms.conf" || why="$why dkms.conf without the version;"
[ -z "$why" ] && ok pkg-dkms-scripts || bad pkg-dkms-scripts "$why"

# 3. the installed layout: the command finds its files, man page and completion are valid
root=$tmp/root
dpkg-deb -x "$deb" "$root"
why=""
"$root/usr/bin/dmabench" --help >"$tmp/help" 2>&1 || why="$why --help failed;"
grep -q "dmabench run" "$tmp/help" || why="$why no usage;"
"$root/usr/bin/dmabench" run --host --device 00:02.0 --module /nonexistent.ko >"$tmp/host" 2>&1
grep -q "/nonexistent.ko" "$tmp/host" || why="$why --host did not check the module ($(head -c 200 "$tmp/host"));"
# the installed runner is found without --runner: an absent module is the first thing missing
"$root/usr/bin/dmabench" run --host --device 00:02.0 >"$tmp/host2" 2>&1
grep -q "dmabench-dkms" "$tmp/host2" || why="$why installed --host does not point at dmabench-dkms ($(head -c 200 "$tmp/host2"));"
man -l "$root/usr/share/man/man1/dmabench.1.gz" >/dev/null 2>&1 || why="$why man page does not render;"
compl=$(PATH=$root/usr/bin:$PATH bash -c "source '$root/usr/share/bash-completion/completions/dmabench'; \
	COMP_WORDS=(dmabench ''); COMP_CWORD=1; _dmabench; echo \${COMPREPLY[*]}; \
	COMP_WORDS=(dmabench run --backend ''); COMP_CWORD=3; _dmabench; echo \${COMPREPLY[*]}" 2>&1)
for w in run compare fuzz intel-strict; do
	echo "$compl" | grep -qw -- "$w" || why="$why completion lacks $w;"
done
[ -z "$why" ] && ok pkg-installed-layout || bad pkg-installed-layout "$why"

# 4. DKMS builds the packaged module for each kernel we have headers of
mkdir -p "$tmp/dkms/src" "$tmp/dkms/tree" "$tmp/dkms/x"
dpkg-deb -x "$dkdeb" "$tmp/dkms/x"
cp -a "$tmp/dkms/x/usr/src/dmabench-$ver" "$tmp/dkms/src/"
# sign_file pointing nowhere: no module signing, so DKMS makes no MOK key in /var/lib/dkms
dk() { sign_file=/nonexistent dkms "$@" -m dmabench -v "$ver" --sourcetree "$tmp/dkms/src" --dkmstree "$tmp/dkms/tree"; }
dk add >"$tmp/dkms/add.log" 2>&1 || { bad dkms-add "$(tail -1 "$tmp/dkms/add.log")"; exit 0; }
kernels=()
for v in /usr/src/linux-headers-*-amd64; do
	[ -f "$v/Makefile" ] && kernels+=("${v#/usr/src/linux-headers-}=$v")
done
for env in build/kernels/*/kernel.env; do
	[ -f "$env" ] || continue
	a=$(sed -n 's/^ARCH=//p' "$env")
	[ "$a" = x86_64 ] || continue	# DKMS builds for this machine's arch
	kv=$(sed -n 's/^KVER=//p' "$env")
	kd=$(sed -n 's/^KDIR=//p' "$env")
	case " ${kernels[*]} " in *" $kv="*) continue ;; esac
	kernels+=("$kv=$kd")
done
for k in "${kernels[@]}"; do
	kv=${k%%=*}
	kd=${k#*=}
	name=dkms-${kv%%-*}
	if ! dk build -k "$kv" --kernelsourcedir "$kd" >"$tmp/dkms/$kv.log" 2>&1; then
		bad "$name" "dkms build for $kv failed: $(grep -m1 'error' "$tmp/dkms/tree/dmabench/$ver/build/make.log" 2>/dev/null)"
		continue
	fi
	ko=$(find "$tmp/dkms/tree/dmabench/$ver/$kv" -name 'dmabench.ko*' | head -n1)
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
	case "$vm" in
	"$kv "*) ok "$name $kv" ;;
	*) bad "$name" "module for $kv has vermagic '$vm'" ;;
	esac
done
[ ${#kernels[@]} -ge 2 ] || echo "skip dkms-second-kernel only ${#kernels[@]} kernel's headers here (make deps fetches Debian 6.12's into build/kernels/)"
exit 0
