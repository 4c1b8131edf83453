#!/usr/bin/env bash
# Boot the ISO on the pc and q35 machines with 4- and 5-level paging (TCG:
# qemu64 lacks LA57, qemu64,+la57 has it), KASLR on, an initramfs module,
# and check the kernel's tests and its boot facts.
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
            --cmdline "$cmdline" --fb yes --module /boot/initramfs.cpio --cpus $smp
        eval "slide_$machine$levels=\$SLIDE"
    done
done
# Four boots of one image: KASLR must not have picked one slide for all.
check "iso: KASLR slides differ between boots" "slides $slide_pc4 $slide_pc5 $slide_q354 $slide_q355" \
    test "$(printf '%s\n' "$slide_pc4" "$slide_pc5" "$slide_q354" "$slide_q355" | sort -u | wc -l)" -ge 2
# No test mode, no debug-exit device, default devices: what a user types.
scripts/make-iso.sh -o "$WORK/plain.iso" || fail "boot-iso: make-iso.sh failed"
plain_boot plain-pc pc "$WORK/plain.iso"
plain_boot plain-q35 q35 "$WORK/plain.iso"
exit $suite_status
