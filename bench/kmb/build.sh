#!/bin/bash
# Experiment (why dmabench and the kernel's tool disagree at T = 1): the kernel's dma_map_benchmark as an out-of-tree module with the
# steps parameter (map_benchmark_steps.c) for Debian's x86_64 kernel (which lacks
# CONFIG_DMA_MAP_BENCHMARK), and an initramfs that loads it at boot (init loads
# /lib/mods/*.ko first). Usage, from the repository root after `make`:
#   bench/kmb/build.sh            -> build/kmb/initramfs.cpio
#   build/host/dmabench run --backend intel-strict --job mapbench --initrd build/kmb/initramfs.cpio \
#       --append 'DMABENCH_MAPBENCH_ARGS="--kmb-steps=0,1,3,7,15,31 --rounds=12"'
set -eu
cd "$(dirname "$0")/../.."
KVER=${KVER:-$(ls /boot/vmlinuz-*-amd64 | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)}
KDIR=${KDIR:-/usr/src/linux-headers-$KVER}
O=build/kmb
rm -rf "$O" && mkdir -p "$O/mod"
cp bench/kmb/map_benchmark_steps.c bench/kmb/Kbuild "$O/mod/"
make -s -C "$KDIR" M="$PWD/$O/mod" modules
cp -a build/x86_64/initramfs "$O/initramfs"
mkdir -p "$O/initramfs/lib/mods"
cp "$O/mod/map_benchmark_steps.ko" "$O/initramfs/lib/mods/90-map_benchmark_steps.ko"
(cd "$O/initramfs" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 >../initramfs.cpio)
echo "$O/initramfs.cpio"
