#!/usr/bin/env bash
# Build a BIOS-bootable ISO9660 image of rastOS booted by rastboot.
#
#   scripts/make-iso.sh [-o OUT] [--kernel FILE] [--initrd FILE.cpio]
#       [--module FILE[:CMDLINE]]... [--cmdline "..."] [--kaslr on|off]
#       [--paging 4|5] [--resolution WxH|text] [--config FILE | --no-config]
#       [--no-kernel] [--extra SRC:DEST]...
#
# Default output: build/rastos.iso. The options are described in
# scripts/lib-image.sh. The El Torito boot image (no emulation) is
# /boot/rastboot-cd.bin = stage1-cd.bin (2048 bytes) followed directly by
# stage2.bin; the BIOS loads only its first 2048 bytes, and stage1 reads the
# rest itself using the boot info table that xorriso patches in at offset 8
# (LBA of the PVD, LBA of the boot file, its length, a checksum).
# Needs xorriso; no root. Exit status: 0 done, 1 failure, 2 usage error.
set -euo pipefail

IMAGE_NAME=make-iso.sh
IMAGE_USAGE="usage: scripts/make-iso.sh [-o OUT] [--kernel FILE] [--initrd FILE.cpio]
    [--module FILE[:CMDLINE]]... [--cmdline \"...\"] [--kaslr on|off] [--paging 4|5]
    [--resolution WxH|text] [--config FILE | --no-config] [--no-kernel]
    [--extra SRC:DEST]..."
# shellcheck source=scripts/lib-image.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-image.sh"

image_out=$BUILD/rastos.iso
stage1=$BUILD/boot/stage1-cd.bin
stage2=$BUILD/boot/stage2.bin
bootfile=boot/rastboot-cd.bin

image_parse_args "$@"
image_need_file stage1 "$stage1"
image_need_file stage2 "$stage2"
[ "$(image_file_size "$stage1")" = 2048 ] || image_die "$stage1 must be exactly 2048 bytes"
[ "$(image_file_size "$stage2")" -gt 0 ] || image_die "$stage2 is empty"

image_make_tmp
staging=$image_tmp/iso
image_stage "$staging"
cat "$stage1" "$stage2" >"$staging/$bootfile"

mkdir -p "$(dirname "$image_out")"
tmp_out=$image_out.tmp.$$
image_cleanup+=("$tmp_out")
if ! xorriso -as mkisofs -quiet -R -iso-level 3 -V RASTOS \
    -b "$bootfile" -no-emul-boot -boot-load-size 4 -boot-info-table \
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
