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

# The boot log lists every function at loglevel=debug (the ones with a
# driver at info): as many lines as lspci shows devices.
boot lspci-log --until '^@@@ END lspci' -- --machine q35 --initrd "$WORK/lspci.cpio" \
    --cmdline "loglevel=debug"
want=$(grep -cE '^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] Class ' tests/expected/lspci/q35.out)
got=$(grep -cE '^pci: 0000:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] [0-9a-f]{4}:[0-9a-f]{4} class ' "$BOOT_LOG")
check "lspci-log: the boot log lists the $want functions at loglevel=debug" \
    "$got lines in $BOOT_LOG" test "$got" = "$want" -a "$want" -gt 3
check "lspci-log: ahci's function listed with its driver" "see $BOOT_LOG" \
    grep -qE '^pci: 0000:00:1f\.2 8086:2922 class 010601 .* driver ahci ' "$BOOT_LOG"
exit $suite_status
