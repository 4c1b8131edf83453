#!/usr/bin/env bash
# Build a hybrid ISO9660 image of rastOS: its El Torito catalogue has a
# BIOS entry (rastboot, or the real Limine with --loader limine) and a UEFI
# entry (the real Limine).
#
#   scripts/make-iso.sh [-o OUT] [--loader rastboot|limine] [--kernel FILE]
#       [--initrd FILE.cpio] [--module FILE[:CMDLINE]]... [--cmdline "..."]
#       [--kaslr on|off] [--paging 4|5] [--resolution WxH|text]
#       [--config FILE | --no-config] [--limine-config FILE] [--no-kernel]
#       [--extra SRC:DEST]...
#
# Default output: build/rastos.iso. The options are described in
# scripts/lib-image.sh. El Torito entries (no emulation):
#   BIOS, rastboot: /boot/rastboot-cd.bin = stage1-cd.bin (2048 bytes)
#       followed directly by stage2.bin; the BIOS loads only its first 2048
#       bytes, and stage1 reads the rest itself using the boot info table
#       that xorriso patches in at offset 8 (LBA of the PVD, LBA of the boot
#       file, its length, a checksum).
#   BIOS, --loader limine: /boot/limine/limine-bios-cd.bin, which loads
#       /boot/limine/limine-bios.sys.
#   UEFI: /boot/limine/limine-uefi-cd.bin, a FAT image holding Limine's
#       EFI/BOOT/BOOTX64.EFI. Left out, with a warning, when $LIMINE_DIR
#       has no Limine (the rastboot ISO then boots on BIOS only).
# Both Limines read /boot/limine/limine.conf from the ISO9660 volume.
# Needs xorriso; no root. Exit status: 0 done, 1 failure, 2 usage error.
set -euo pipefail

IMAGE_NAME=make-iso.sh
IMAGE_USAGE="usage: scripts/make-iso.sh [-o OUT] [--loader rastboot|limine] [--kernel FILE]
    [--initrd FILE.cpio] [--module FILE[:CMDLINE]]... [--cmdline \"...\"] [--kaslr on|off]
    [--paging 4|5] [--resolution WxH|text] [--config FILE | --no-config]
    [--limine-config FILE] [--no-kernel] [--extra SRC:DEST]..."
# shellcheck source=scripts/lib-image.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-image.sh"

image_out=$BUILD/rastos.iso
stage1=$BUILD/boot/stage1-cd.bin
stage2=$BUILD/boot/stage2.bin
bootfile=boot/rastboot-cd.bin

limine_bios=(limine-bios-cd.bin limine-bios.sys)
limine_uefi=limine-uefi-cd.bin

image_parse_args "$@"
uefi=1
if [ "$image_loader" = limine ]; then
    image_need_limine "the Limine ISO $image_out" "${limine_bios[@]}" "$limine_uefi"
    bootfile=boot/limine/limine-bios-cd.bin
else
    image_need_file stage1 "$stage1"
    image_need_file stage2 "$stage2"
    [ "$(image_file_size "$stage1")" = 2048 ] || image_die "$stage1 must be exactly 2048 bytes"
    [ "$(image_file_size "$stage2")" -gt 0 ] || image_die "$stage2 is empty"
    image_want_limine "$image_out" "$limine_uefi" || uefi=0
fi

image_make_tmp
staging=$image_tmp/iso
image_stage "$staging"
if [ "$image_loader" = limine ]; then
    image_stage_limine "$staging" "${limine_bios[@]}"
else
    cat "$stage1" "$stage2" >"$staging/$bootfile"
fi
# The boot info table goes into the BIOS entry only: -boot-info-table
# comes before -eltorito-alt-boot, which starts the UEFI entry.
eltorito=(-b "$bootfile" -no-emul-boot -boot-load-size 4 -boot-info-table)
if [ "$uefi" = 1 ]; then
    image_stage_limine "$staging" "$limine_uefi"
    eltorito+=(-eltorito-alt-boot -e "boot/limine/$limine_uefi" -no-emul-boot)
fi

mkdir -p "$(dirname "$image_out")"
tmp_out=$image_out.tmp.$$
image_cleanup+=("$tmp_out")
if ! xorriso -as mkisofs -quiet -R -iso-level 3 -V RASTOS "${eltorito[@]}" \
    -o "$tmp_out" "$staging" >"$image_tmp/xorriso.log" 2>&1; then
    cat "$image_tmp/xorriso.log" >&2
    image_die "xorriso failed"
fi

# u32_at FILE OFFSET: print the little-endian u32 at byte OFFSET of FILE.
u32_at() {
    od -An -tu4 -j "$2" -N 4 "$1" | tr -d ' '
}

# Check the boot info table: PVD at LBA 16, the boot file's own LBA and size.
lba=$(xorriso -indev "$tmp_out" -find "/$bootfile" -exec report_lba 2>/dev/null |
    awk -F, '/^File data lba:/ { print $2 + 0; exit }')
[ -n "$lba" ] || image_die "cannot find /$bootfile in the new ISO"
table=$((lba * 2048 + 8))
if [ "$(u32_at "$tmp_out" "$table")" != 16 ] ||
    [ "$(u32_at "$tmp_out" $((table + 4)))" != "$lba" ] ||
    [ "$(u32_at "$tmp_out" $((table + 8)))" != "$(image_file_size "$staging/$bootfile")" ]; then
    image_die "the boot info table of /$bootfile (LBA $lba) was not written"
fi

mv "$tmp_out" "$image_out"
