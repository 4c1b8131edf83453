#!/usr/bin/env bash
# Boot the hard-disk image (MBR + FAT32) on pc and q35, KASLR off and on,
# 4- and 5-level paging, text mode and framebuffer, small and large memory,
# a 64-bit-only SMBIOS entry point.
. "$(dirname "$0")/lib.sh"

cmdline="test=all"
scripts/make-img.sh -o "$WORK/kaslr-off.img" --cmdline "$cmdline" --kaslr off --resolution text ||
    fail "boot-img: make-img.sh failed"
scripts/make-img.sh -o "$WORK/default.img" --cmdline "$cmdline" ||
    fail "boot-img: make-img.sh failed"
scripts/make-img.sh -o "$WORK/paging4.img" --cmdline "$cmdline nokaslr" --paging 4 ||
    fail "boot-img: make-img.sh failed"

boot img-pc-nokaslr-text -- --img "$WORK/kaslr-off.img" --machine pc --mem 256
expect_boot img-pc-nokaslr-text --paging 4 --mem 256 --slide zero --fb no --cmdline "$cmdline"

boot img-q35-5lvl -- --img "$WORK/default.img" --machine q35 --cpu max --mem 2048
expect_boot img-q35-5lvl --paging 5 --mem 2048 --slide nonzero --fb yes

# The config caps paging at 4 levels even on an LA57 CPU; "nokaslr" on the
# kernel command line turns KASLR off; memory above 4 GiB is mapped. The
# firmware offers only a 64-bit SMBIOS entry point, which rastboot finds.
boot img-pc-paging4-8g -- --img "$WORK/paging4.img" --machine pc --cpu qemu64,+la57 --mem 8192 \
    -- -machine smbios-entry-point-type=64
expect_boot img-pc-paging4-8g --paging 4 --mem 8192 --slide zero
check "img-pc-paging4-8g: SMBIOS 3 entry point answered" "log says '$(field '^boot: (.*smbios.*)$')'" \
    grep -qE '^boot: smbios entry32 none entry64 0xf[0-9a-f]{4}$' "$BOOT_LOG"
exit $suite_status
