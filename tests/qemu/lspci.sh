#!/usr/bin/env bash
# /sys/bus/pci on rastOS against Linux, on QEMU's pc (config space by
# ports) and q35 (ECAM): tests/lspci/init prints busybox lspci's and
# lspci -m's lines, the attribute files and the BAR ranges of every
# device; the section must equal tests/expected/lspci/MACHINE.out, which
# Linux printed on the same machine (scripts/refresh-lspci.sh).
. "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/root/bin"
cp /bin/busybox "$WORK/root/bin/busybox" && cp tests/lspci/init "$WORK/root/init" &&
    (cd "$WORK/root" && find . | cpio -o -H newc --quiet >"$WORK/lspci.cpio") ||
    { fail "lspci: could not build the initramfs" && exit 1; }

for m in pc q35; do
    name=lspci-$m
    boot "$name" --until '^@@@ END lspci' -- --machine "$m" --initrd "$WORK/lspci.cpio" \
        --cmdline "loglevel=err"
    sed -n '/^@@@ BEGIN lspci/,/^@@@ END lspci/p' "$BOOT_LOG" >"$LOGDIR/$name.out"
    check "$name: the devices as Linux shows them" \
        "diff tests/expected/lspci/$m.out $LOGDIR/$name.out: $(diff tests/expected/lspci/$m.out "$LOGDIR/$name.out" | head -5 | tr '\n' ' ')" \
        diff -q "tests/expected/lspci/$m.out" "$LOGDIR/$name.out"
done
exit $suite_status
