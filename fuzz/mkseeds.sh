#!/bin/bash
# Regenerate the seed corpus fuzz/corpus/ from the hex programs below
# (format: fuzz/program.h; one operation per group, opcode byte first).
#   00 ALLOC   slot dev api size-class size-lo size-hi attrs attr-param dir
#   01 FREE    slot mode          02 SGTABLE src dst segs
#   03 MAP_SG  src dst dev dir attrs segs
#   04 SYNC    slot sync dir      05 MMAP    slot len touch keep
#   06 MAP_SINGLE dst dev dir size-class size-lo size-hi attrs
#   07 REOPEN                     08 RAW     ioctl + 96 struct bytes
#   f9 VERIFY  slot pages len|fill (edu DMA through a mapping; not taken modulo 9, like the bytes below)
#   fa FAILNTH n
#   f0 THREAD  tid flags(bit 0: barrier)    f2 SET_MASK dev bits reserved
#   f1 URING   hdr(sqes-1 | size-class<<2 | ring<<6) size-lo size-hi dev arg1 sqe0..sqe3 slots01 slots23
#              sqe byte: bits 0-1 alloc/map_single/free/nop, bit 2 ASYNC, bit 3 LINK, bits 4-5 variant
#   f3 LAT     op dev dev2 api size-class size-lo size-hi attrs dir iters flags
#   f4 FAULT   mode(0 unmapped, 1 read-only, 2 stall+read-only, 3 stall+writable) offset action(1: mmap)
#   f5 EXPORT  src-slot fd-slot variant     f6 ATTACH fd dev dir segs dst-slot variant
#   f7 CLOSE   target (< 80: dma-buf fd slot, >= 80: the ctl file)
# device bytes: 00, 01 the platform devices, 02, 03 the edu devices (default topology)
# api byte 00 attrs, 01 pages, 02 noncontig, 03 noncontig+vmap; size classes:
# 00 zero 01 small 02 pages 03 unaligned 04 medium 05 16M 06 max 07 above max 08 huge 09 2^n
set -eu
cd "$(dirname "$0")"
rm -rf corpus && mkdir corpus
seed() { local name=$1; shift; echo "$*" | xxd -r -p > "corpus/$name"; }
Z96=$(printf '00%.0s' $(seq 96))

seed 01-alloc-free       00 00 00 00 02 03 00 00 00 00   01 00 00
seed 02-alloc-nkm        00 00 00 00 02 07 00 44 00 00   02 00 01 03   01 01 00   01 00 00
seed 03-pages-sg-sync    00 00 00 01 02 03 00 00 00 00   02 00 01 03   03 01 02 01 00 00 03   04 02 00 00   04 02 01 00   01 02 00   01 01 00   04 00 00 00   01 00 00
seed 04-noncontig-sg     00 00 00 02 04 ff 00 41 00 00   02 00 01 03   03 01 02 01 00 00 03   04 02 01 00   01 02 00   01 01 00   01 00 00
seed 05-vmap-sg          00 00 00 03 03 05 30 00 00 01   02 00 01 03   03 01 02 01 01 00 03   01 02 00   01 01 00   01 00 00
seed 06-sg-cross-1m      00 00 00 00 04 ff 00 00 00 00   02 00 01 03   03 01 02 01 00 00 03   04 02 00 00   01 02 00   01 01 00   01 00 00
seed 07-mmap-touch       00 00 00 00 02 03 00 00 00 00   05 00 00 03 00   00 01 00 01 02 01 00 00 00 00   05 01 00 02 00   00 02 00 02 03 07 00 00 00 00   05 02 00 01 00
seed 08-mmap-busy        00 00 00 00 02 01 00 00 00 00   05 00 00 02 01   01 00 00   05 00 fd 00 00   05 00 fc 00 00
seed 09-map-single       06 00 00 00 02 00 00 00   04 00 00 00   04 00 01 00   01 00 00   06 01 01 01 01 ff 00 00   06 02 00 02 03 40 00 00
seed 10-bad-args         00 00 00 00 00 00 00 00 00 00   00 01 00 00 07 00 00 00 00 00   00 01 00 00 08 01 00 00 00 00   00 01 00 f0 02 00 00 00 00 00   00 01 00 00 02 00 00 c0 09 00   00 01 ff 00 02 00 00 00 00 00   00 01 00 01 02 00 00 00 00 c4   00 00 00 00 02 00 00 00 00 00   01 00 fc   01 00 fb
seed 11-reopen-stale     00 00 00 00 02 00 00 00 00 00   02 00 01 03   07   01 00 00   01 01 00   00 00 00 00 01 10 00 00 00 00   01 00 00
seed 12-raw-info-stats   08 00 $Z96   08 08 $Z96   08 09 $Z96   00 00 00 00 02 00 00 00 00 00
seed 13-release-on-close 00 00 00 00 02 0f 00 00 00 00   02 00 01 03   03 01 02 01 00 00 03   06 03 00 00 02 01 00 00   00 04 00 01 02 02 00 00 00 00   05 04 00 02 01
seed 14-unaligned-nc     00 00 00 02 03 64 21 00 00 00   02 00 01 03   03 01 02 00 02 40 03   01 02 00   01 01 00   01 00 00
seed 15-segs-edges       00 00 00 02 04 3f 00 00 00 00   02 00 01 00   02 00 02 01   02 00 03 06   02 00 04 07   02 00 05 87   03 01 06 01 00 00 01   03 02 07 01 00 00 06   03 03 08 01 00 00 87
seed 16-map-attrs        00 00 00 00 02 03 00 00 00 00   02 00 01 03   03 01 02 01 00 4f 03   01 02 00   03 01 02 01 00 c5 03   03 01 02 01 00 a0 03   06 03 00 00 02 00 00 c5   06 04 00 00 02 00 00 41
seed 17-pow2-sizes       00 00 00 00 09 0c 00 00 00 00   00 01 00 01 09 10 00 00 00 00   00 02 00 02 09 14 00 01 00 00   00 03 00 00 09 00 00 00 00 00   02 03 04 03   01 00 00   01 01 00   01 02 00
seed 18-sync-dirs        00 00 00 01 02 01 00 00 00 00   04 00 00 00   04 00 01 00   04 00 00 c4   04 00 f0 00   04 00 01 c0   00 01 00 00 02 00 00 00 00 00   04 01 00 00   01 00 00
seed 19-raw-garbage      08 02 $(printf 'ff%.0s' $(seq 96))   08 05 $(printf '01%.0s' $(seq 96))   08 0a $Z96   08 0b $Z96   00 00 00 00 02 00 00 00 00 00
seed 20-multi-dev        00 00 00 00 02 00 00 00 00 00   00 01 01 00 02 00 00 00 00 00   00 02 02 00 02 00 00 00 00 00   02 00 03 03   03 03 04 02 00 00 03   02 01 05 03   03 05 06 00 00 00 03   02 02 07 03   03 07 00 03 00 00 03
seed 21-verify          06 00 00 00 02 00 00 00   f9 00 00 7f   01 00 00
seed 22-failnth         fa 00   00 00 00 00 02 00 00 00 00 00   fa 01   00 01 00 00 02 00 00 00 00 00   02 01 02 03   fa 00   03 02 03 01 00 00 03   01 03 00   01 02 00   01 01 00   01 00 00
# 23..32: the operations from 0xf0 on (threads, io_uring, SET_MASK, LAT, faulting copies, dma-bufs);
# each exercises its ability on a path the module handles correctly, a mutation away from the races
seed 23-uring-batch      00 00 00 00 02 03 00 00 00 00   f1 0b 03 00 00 00 00 01 2e 03 10 01   01 00 00
seed 24-threads          00 00 00 00 02 03 00 00 00 00   f0 01 01   06 01 00 00 02 00 00 00   01 01 00   f0 00 00   01 00 00   00 02 01 00 02 01 00 00 00 00   01 02 00
seed 25-uring-threads    00 00 00 00 02 03 00 00 00 00   f0 01 01   f3 00 00 00 00 02 03 00 00 00 0f 03   f0 00 00   f1 09 03 00 00 00 0a 03 00 00 00 00
seed 26-dmabuf-close     00 00 00 00 02 03 00 00 00 00   f5 00 00 00   f6 00 01 00 03 01 00   01 01 00   f7 80   f7 00
seed 27-set-mask-sg      f2 02 02 00   00 00 02 00 02 03 00 00 00 00   02 00 01 03   03 01 02 02 01 00 03   f9 02 00 7f   01 02 00   01 01 00   01 00 00
seed 28-lat              f3 00 00 00 00 02 03 00 00 00 03 03   f3 02 00 01 00 02 01 00 00 00 01 0f   f3 03 01 00 00 01 00 01 00 01 00 01   f3 04 00 01 00 02 00 00 00 02 01 10   f3 00 00 00 00 02 00 00 00 00 f0 00
seed 29-fault-alloc      f4 03 30 01   00 00 00 00 02 03 00 00 00 00   01 00 00   f4 01 00 00   06 01 00 00 02 00 00 00   f4 00 10 00   00 02 00 00 02 00 00 00 00 00
seed 30-dmabuf-verify    00 00 02 00 02 00 00 00 00 00   f5 00 00 00   f6 00 02 01 03 01 00   f9 01 00 7f   01 01 00   f7 00   01 00 00
# 31, 32: a close racing a close on another thread (the executor runs such programs FUZZ_RACE_REPEAT times), and
# SET_MASK with its probe (a one-page mapping verified under the new mask) on both edu devices
seed 31-close-race       00 00 00 00 02 03 00 00 00 00   f5 00 00 00   f0 00 01   f7 80   f0 01 00   f7 00
seed 32-mask-probe       f2 02 03 01   f2 03 82 01
ls corpus | wc -l
