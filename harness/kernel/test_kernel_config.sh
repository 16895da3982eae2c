#!/bin/bash
# The debug kernel's configuration logic, without building a kernel: the project
# fragment through x86_64_defconfig + kvm_guest.config + olddefconfig in a temporary O= dir
# (seconds) must keep every option; a fragment whose option Kconfig drops must fail naming it;
# the checker itself on synthetic configs; the source patches apply once, a second run leaves
# the tree alone, and one that does not fit fails before any file changes. Prints "ok NAME" / "not ok NAME # why" /
# "skip NAME # why" per case.
# usage: harness/kernel/test_kernel_config.sh   (KSRC= a kernel tree; default build/kernel/src,
#        unpacked from /usr/src/linux-source-6.1.tar.xz when missing)
set -u
cd "$(dirname "$0")/../.." || exit 2
KB=harness/kernel/kernel-build.sh
FRAG=harness/kernel/dmabench.config
KSRC=${KSRC:-build/kernel/src}
TARBALL=${KSRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
work=$(mktemp -d /tmp/dmabench-kconfig-XXXXXX)
trap 'rm -rf "$work"' EXIT

result() {	# name, failure reason or empty
	if [ -z "$2" ]; then echo "ok $1"; else echo "not ok $1 # $2"; fi
}

# ---- the checker on synthetic configs ----
printf 'CONFIG_A=y\nCONFIG_B=16\n# comment\n\n# CONFIG_C is not set\n' > "$work/frag"
printf 'CONFIG_A=y\nCONFIG_B=16\n# CONFIG_C is not set\nCONFIG_D=y\n' > "$work/good"
printf 'CONFIG_A=y\nCONFIG_B=32\nCONFIG_C=y\n' > "$work/bad"
$KB check "$work/frag" "$work/good" >/dev/null 2>&1
result kconfig-check-accepts "$([ $? -eq 0 ] || echo "a matching config was rejected")"
$KB check "$work/frag" "$work/bad" >/dev/null 2>"$work/bad.err"
rc=$?
why=""
[ $rc -eq 1 ] || why="exit $rc, expected 1"
grep -q 'CONFIG_B: requested 16, got CONFIG_B=32' "$work/bad.err" || why="$why; CONFIG_B mismatch not named"
grep -q 'CONFIG_C: requested not set, got CONFIG_C=y' "$work/bad.err" || why="$why; CONFIG_C not named"
grep -q 'CONFIG_A' "$work/bad.err" && why="$why; CONFIG_A (matching) named"
result kconfig-check-names-mismatches "${why#; }"
printf 'CONFIG_A=y\nthis is not a config line\n' > "$work/junk"
$KB check "$work/junk" "$work/good" >/dev/null 2>"$work/junk.err"
rc=$?
result kconfig-check-rejects-junk "$([ $rc -eq 1 ] && grep -q 'not a config line' "$work/junk.err" || echo "exit $rc: $(cat "$work/junk.err")")"

# ---- the real fragment through Kconfig ----
if [ ! -f "$KSRC/Makefile" ] && [ "$KSRC" = build/kernel/src ]; then
	if [ -r "$TARBALL" ]; then
		$KB src "$TARBALL" "$KSRC" >"$work/src.log" 2>&1 || { result kconfig-source "$(tail -n1 "$work/src.log")"; exit 0; }
	fi
fi
if [ ! -f "$KSRC/Makefile" ]; then
	echo "skip kconfig-fragment # no kernel source: $TARBALL missing (make deps installs linux-source-6.1) and no KSRC="
	echo "skip kconfig-dropped-option # no kernel source"
	for n in apply idempotent reject; do echo "skip kconfig-patches-$n # no kernel source"; done
	exit 0
fi
$KB config "$KSRC" "$work/obj" "$FRAG" >"$work/cfg.log" 2>&1
rc=$?
why=""
[ $rc -eq 0 ] || why="exit $rc: $(grep 'kernel-build:' "$work/cfg.log" | head -n 5 | tr '\n' ' ')"
# the options the harness relies on, read back from the generated .config
for o in CONFIG_KCOV=y CONFIG_KASAN=y CONFIG_DMA_API_DEBUG=y CONFIG_VIRTIO_IOMMU=y CONFIG_DMA_MAP_BENCHMARK=y \
	 CONFIG_FAILSLAB=y CONFIG_FAIL_PAGE_ALLOC=y CONFIG_DMA_CMA=y CONFIG_9P_FS=y CONFIG_INTEL_IOMMU=y \
	 CONFIG_PROVE_LOCKING=y CONFIG_DEBUG_ATOMIC_SLEEP=y CONFIG_KFENCE=y; do
	grep -qx "$o" "$work/obj/.config" 2>/dev/null || why="$why; $o not in .config"
done
result kconfig-fragment "${why#; }"
# the fragment with IOMMU_SUPPORT off: Kconfig drops VIRTIO_IOMMU (and the other IOMMU drivers,
# whose menu that is), and the check must name it
sed 's/^CONFIG_IOMMU_SUPPORT=y$/# CONFIG_IOMMU_SUPPORT is not set/' "$FRAG" > "$work/frag-novirtio"
$KB config "$KSRC" "$work/obj2" "$work/frag-novirtio" >"$work/cfg2.log" 2>&1
rc=$?
why=""
[ $rc -eq 1 ] || why="exit $rc, expected 1"
grep -q 'CONFIG_VIRTIO_IOMMU: requested y, got nothing' "$work/cfg2.log" || why="$why; dropped VIRTIO_IOMMU not named: $(grep kernel-build: "$work/cfg2.log" | head -n 3 | tr '\n' ' ')"
result kconfig-dropped-option "${why#; }"

# ---- the source patches (harness/kernel/patches) on a copy of the files they touch ----
PD=harness/kernel/patches
t="$work/ptree"
mkdir -p "$t" && : > "$t/Makefile"
why=""
files=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$PD"/*.patch | sort -u)
[ -n "$files" ] || why="no patch in $PD names a file"
for f in $files; do
	mkdir -p "$t/$(dirname "$f")" && cp "$KSRC/$f" "$t/$f" || why="$why; $KSRC/$f missing"
done
# the project's tree is patched by `make kernel`: undo that in the copy to start from the release
for p in "$PD"/*.patch; do
	patch -d "$t" -p1 -R --dry-run -s -f < "$p" >/dev/null 2>&1 && patch -d "$t" -p1 -R -s -f < "$p" >/dev/null
done
cp -a "$t" "$work/pristine"
$KB patch "$t" "$PD" >"$work/p1.log" 2>&1
rc=$?
[ $rc -eq 0 ] || why="$why; exit $rc: $(tail -n1 "$work/p1.log")"
for p in "$PD"/*.patch; do
	grep -q "$(basename "$p"): applied" "$work/p1.log" || why="$why; $(basename "$p") not applied"
	patch -d "$t" -p1 -R --dry-run -s -f < "$p" >/dev/null 2>&1 || why="$why; $(basename "$p") not in the tree after patching"
done
result kconfig-patches-apply "${why#; }"
cp -a "$t" "$work/patched"
$KB patch "$t" "$PD" >"$work/p2.log" 2>&1
rc=$?
why=""
[ $rc -eq 0 ] || why="exit $rc on the second run"
[ "$(grep -c 'already applied' "$work/p2.log")" -eq "$(ls "$PD"/*.patch | wc -l)" ] || why="$why; not every patch reported as already applied: $(head -n2 "$work/p2.log" | tr '\n' ' ')"
diff -r "$work/patched" "$t" >/dev/null || why="$why; the second run changed the tree"
result kconfig-patches-idempotent "${why#; }"
# a directory whose second patch fits no tree: fails naming it, and the first is not applied either
mkdir -p "$work/pd-bad"
cp "$PD"/*.patch "$work/pd-bad/"
printf -- '--- a/Makefile\n+++ b/Makefile\n@@ -1,1 +1,1 @@\n-no such line\n+still no such line\n' > "$work/pd-bad/9999-does-not-fit.patch"
rm -rf "$t" && cp -a "$work/pristine" "$t"
$KB patch "$t" "$work/pd-bad" >"$work/p3.log" 2>&1
rc=$?
why=""
[ $rc -eq 1 ] || why="exit $rc, expected 1"
grep -q '9999-does-not-fit.patch applies neither forward nor reverse' "$work/p3.log" || why="$why; the bad patch not named: $(tail -n1 "$work/p3.log")"
diff -r "$work/pristine" "$t" >/dev/null || why="$why; the tree changed although a patch did not fit"
result kconfig-patches-reject "${why#; }"
