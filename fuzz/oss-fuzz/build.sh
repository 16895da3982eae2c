#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build contract for dmabench (fuzz/README.md, "Scaling out").
# Honours $CC $CFLAGS $CXX $CXXFLAGS $LIB_FUZZING_ENGINE $OUT (and $SRC: the checkout is
# $SRC/dmabench, or the repository this script lives in). Writes
#   $OUT/dmabench_fuzzer                 the target (fuzz/fuzz_target.c + fuzz/program.c + fuzz/exec.c)
#   $OUT/dmabench_fuzzer_seed_corpus.zip fuzz/corpus/*
#   $OUT/dmabench_fuzzer.dict            fuzz/dmabench.dict
#   $OUT/dmabench_fuzzer.options         libFuzzer options (dict, max_len)
# Built with DMABENCH_FUZZ_NO_MODULE_OK: without the dmabench module (an ordinary fuzzing
# builder) the target fuzzes the decoder only and says so; on a machine or VM with
# dmabench.ko loaded it runs every program against the kernel like /bin/fuzz-dmabench.
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ -n "${SRC:-}" ] && [ -f "$SRC/dmabench/fuzz/program.c" ] && SRC_DIR=$SRC/dmabench
: "${CC:=clang}" "${CXX:=clang++}" "${CFLAGS:=}" "${CXXFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:?set OUT to the output folder}"
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$OUT" "$WORK"
# io_uring (the URING operation) where the builder has liburing, else the op counts as unavailable
URING_CFLAGS=-DDMABENCH_NO_URING URING_LIBS=
if echo 'int main(void){return 0;}' | $CC -x c - -l:liburing.a -o "$WORK/uring-probe" 2>/dev/null; then
	URING_CFLAGS= URING_LIBS=-l:liburing.a
fi
for f in fuzz/fuzz_target.c fuzz/program.c fuzz/exec.c fuzz/shm.c lib/klog.c lib/faultinj.c lib/util.c lib/child.c; do
	o=$WORK/$(basename "$f" .c).o
	$CC $CFLAGS -std=gnu11 -DDMABENCH_FUZZ_NO_MODULE_OK $URING_CFLAGS -I"$SRC_DIR" -I"$SRC_DIR/lib" -c "$SRC_DIR/$f" -o "$o"
done
$CXX $CXXFLAGS "$WORK"/fuzz_target.o "$WORK"/program.o "$WORK"/exec.o "$WORK"/shm.o "$WORK"/klog.o "$WORK"/faultinj.o "$WORK"/util.o "$WORK"/child.o $LIB_FUZZING_ENGINE \
	$URING_LIBS -lpthread -o "$OUT/dmabench_fuzzer"
rm -f "$OUT/dmabench_fuzzer_seed_corpus.zip"
zip -q -j "$OUT/dmabench_fuzzer_seed_corpus.zip" "$SRC_DIR"/fuzz/corpus/*
cp "$SRC_DIR/fuzz/dmabench.dict" "$OUT/dmabench_fuzzer.dict"
printf '[libfuzzer]\ndict = dmabench_fuzzer.dict\nmax_len = 8192\n' > "$OUT/dmabench_fuzzer.options"
