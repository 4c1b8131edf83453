#!/usr/bin/env bash
# Boot the ISO on the pc and q35 machines with 4- and 5-level paging (TCG:
# qemu64 lacks LA57, qemu64,+la57 has it), KASLR on, an initramfs module,
# and check the kernel's tests and its boot facts. Then the hybrid ISO as a
# user boots it, with a plain qemu -cdrom: rastboot on BIOS (pc, q35), the
# real Limine on UEFI (-bios OVMF); tests/qemu/limine.sh has the rest of
# the Limine boots.
. "$(dirname "$0")/lib.sh"

cmdline="test=all loglevel=info"
make_cpio "$WORK/initrd.cpio"
scripts/make-iso.sh -o "$WORK/rastos.iso" --cmdline "$cmdline" --initrd "$WORK/initrd.cpio" ||
    fail "boot-iso: make-iso.sh failed"

for machine in pc q35; do
    for levels in 4 5; do
        cpu=qemu64
        [ $levels = 5 ] && cpu=qemu64,+la57
        name=iso-$machine-${levels}lvl
        smp=1
        [ $machine = q35 ] && smp=4 # rastboot starts the other CPUs
        boot "$name" -- --iso "$WORK/rastos.iso" --machine $machine --cpu $cpu --mem 512 --smp $smp
        expect_boot "$name" --paging $levels --mem 512 --slide nonzero \
            --cmdline "$cmdline" --fb yes --module /boot/initramfs.cpio --cpus $smp \
            --firmware bios --smbios yes
        eval "slide_$machine$levels=\$SLIDE"
    done
done
# Four boots of one image: KASLR must not have picked one slide for all.
check "iso: KASLR slides differ between boots" "slides $slide_pc4 $slide_pc5 $slide_q354 $slide_q355" \
    test "$(printf '%s\n' "$slide_pc4" "$slide_pc5" "$slide_q354" "$slide_q355" | sort -u | wc -l)" -ge 2
# No test mode, no debug-exit device, default devices: what a user types.
scripts/make-iso.sh -o "$WORK/plain.iso" || fail "boot-iso: make-iso.sh failed"
for machine in pc q35; do
    plain_boot plain-$machine $machine "$WORK/plain.iso"
    check "plain-$machine: rastboot boots it on BIOS" "log says '$(field '^boot: (loader .*)$')'" \
        grep -q '^boot: loader rastboot ' "$BOOT_LOG"
done
# OVMF's code alone as the BIOS image (its variables then live in RAM).
# QEMU's default 128 MiB: OVMF and Limine fit.
ovmf=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
plain_boot plain-ovmf q35 "$WORK/plain.iso" -bios "$ovmf"
check "plain-ovmf: the real Limine boots it on UEFI" \
    "log says '$(field '^boot: (loader .*)$')', '$(field '^boot: (firmware .*)$')'" \
    grep -q 'boot: loader Limine .*boot: firmware uefi64' <(tr -d '\r' <"$BOOT_LOG" | tr '\n' ' ')
exit $suite_status
