#!/bin/bash
# amdvi_probe.sh QEMU [DEVICE]: does this QEMU's AMD-Vi model give the IOAPIC and
# the PCI devices a usable address space? A minimal reproducer of the QEMU 10.0
# bug behind "amd never reaches userspace", without booting a guest (QEMU is
# started paused, `info mtree -f` is read from its monitor, ~1 s).
#
#   DEVICE  the amd-iommu device argument (default: amd-iommu)
#
# QEMU 10.0 hw/i386/amd_iommu.c amdvi_sysbus_realize() creates the IOAPIC's
# address space (line 1631, devfn 0xa0 = "amd_iommu_devfn_160") before it
# initialises s->mr_sys (1640) and s->mr_ir (1650), the regions that space
# aliases (amdvi_host_dma_iommu(), 1475-1497): the aliases have size 0. With
# pt=on (the x86-iommu default, x86-iommu.c:132) the space is only the empty
# "amdvi-sys" alias: no FlatView, every IOAPIC interrupt message is dropped,
# the guest's serial ports never interrupt. With pt=off it is the translating
# "amd_iommu" region without the "amdvi-ir" window: IOAPIC messages reach the
# APIC unremapped. pt=on also leaves every PCI device on the untranslated
# "amdvi-sys" alias (no DMA remapping at all; 10.0 has no switch to the
# translating region).
#
# QEMU 7.2 (per-device "amd_iommu_ir" regions) passes. Upstream fix: "Move the IOAPIC memory
# region initialization to the end" (Sairaj Kodilkar, 2025; after 10.0).
#
# Prints one line per finding; exit 0: IOAPIC space renders and devices
# translate, 1: the bug, 2: usage or QEMU error.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,5s/^# \{0,1\}//p' "$0" >&2; exit 2; }
qemu=$1 dev=${2:-amd-iommu}
out=$(printf 'info mtree -f\nquit\n' | timeout 30 "$qemu" -machine q35 -nodefaults -display none -S \
	-monitor stdio -device "$dev" -device edu 2>&1) || { echo "amdvi_probe: $qemu failed: $out" >&2; exit 2; }
# the FlatView block that lists an address space: "AS name" lines, then "Root memory region: X", then ranges
view() {
	awk -v as="AS \"$1\"," 'index($0, as) { f = 1 } f && /^FlatView|^$/ && seen { exit } f { print; seen = 1 }' <<<"$out"
}
ioapic=$(view amd_iommu_devfn_160)
edu=$(view amd_iommu_devfn_16)	# the first -device edu: 00:02.0 (amd-iommu's own PCI function is 00:01.0)
bad=0
if grep -q 'No rendered FlatView' <<<"$ioapic"; then
	echo "IOAPIC address space (devfn 0xa0) is empty: every IOAPIC interrupt is dropped"
	bad=1
elif ! grep -qE 'amdvi-ir|amd_iommu_ir' <<<"$ioapic"; then
	echo "IOAPIC address space has no amdvi-ir window: IOAPIC interrupts bypass interrupt remapping"
	bad=1
else
	echo "IOAPIC address space ok ($(grep -c 'prio' <<<"$ioapic") ranges, interrupt remapping window present)"
fi
if grep -q 'Root memory region: amdvi-sys' <<<"$edu" && ! grep -q '): amd_iommu$' <<<"$edu"; then
	echo "edu (00:02.0) address space is amdvi-sys (system memory): its DMA is never translated"
	bad=1
else
	echo "edu (00:02.0) address space: $(sed -n 's/^ *Root memory region: //p' <<<"$edu" | head -n1)"
fi
exit $bad
