#!/usr/bin/env bash
# Build a raw hard-disk image of rastOS booted by rastboot (BIOS, MBR).
#
#   scripts/make-img.sh [-o OUT] [--size MiB] [--kernel FILE] [--initrd FILE.cpio]
#       [--module FILE[:CMDLINE]]... [--cmdline "..."] [--kaslr on|off]
#       [--paging 4|5] [--resolution WxH|text] [--config FILE | --no-config]
#       [--no-kernel] [--extra SRC:DEST]...
#
# Default output: build/rastos.img of 64 MiB (at least 34: FAT32 needs
# 65525 clusters). The common options are described in scripts/lib-image.sh.
# Layout:
#   LBA 0       stage1-hdd.bin, patched: u32 at byte 12 = LBA of stage2 (1),
#               u32 at byte 16 = stage2's length in bytes, disk signature at
#               440, partition entry 1 at 446 (active, type 0x0C FAT32 LBA,
#               LBA 2048 to the end of the disk, dummy CHS FE FF FF)
#   LBA 1..     stage2.bin (must end before LBA 2048)
#   LBA 2048..  FAT32 partition "RASTOS" holding the staged tree
# Built with mtools in a separate file, no root and no loop devices.
# Exit status: 0 done, 1 failure, 2 usage error.
set -euo pipefail

IMAGE_NAME=make-img.sh
IMAGE_USAGE="usage: scripts/make-img.sh [-o OUT] [--size MiB] [--kernel FILE]
    [--initrd FILE.cpio] [--module FILE[:CMDLINE]]... [--cmdline \"...\"]
    [--kaslr on|off] [--paging 4|5] [--resolution WxH|text]
    [--config FILE | --no-config] [--no-kernel] [--extra SRC:DEST]..."
# shellcheck source=scripts/lib-image.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-image.sh"

image_out=$BUILD/rastos.img
stage1=$BUILD/boot/stage1-hdd.bin
stage2=$BUILD/boot/stage2.bin
size_mib=64
part_lba=2048             # the partition starts at 1 MiB
disk_signature=0x52415354 # "TSAR" on disk; fixed so that builds are reproducible

# image_extra_option OPT ARGS...: make-img.sh's own option, --size MiB.
image_extra_option() {
    [ "$1" = --size ] || return 0
    [ $# -ge 2 ] || image_usage_error "option --size needs a value"
    size_mib=$2
    image_shift=2
}

# le32 VALUE: write VALUE as 4 little-endian bytes to stdout.
le32() {
    local shift
    for shift in 0 8 16 24; do
        printf '%b' "\\x$(printf %02x $(($1 >> shift & 255)))"
    done
}

# poke FILE OFFSET: copy stdin into FILE at byte OFFSET.
poke() {
    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# check_stage1 FILE: an MBR of 512 bytes, 0x55AA, bytes 440..509 all zero.
check_stage1() {
    [ "$(image_file_size "$1")" = 512 ] || image_die "$1 must be exactly 512 bytes"
    [ "$(od -An -tx1 -j 510 -N 2 "$1" | tr -d ' ')" = 55aa ] ||
        image_die "$1 does not end in 0x55 0xAA"
    [ -z "$(od -v -An -tx1 -j 440 -N 70 "$1" | tr -d ' 0\n')" ] ||
        image_die "$1: bytes 440..509 (signature, partition table) must be zero"
}

image_parse_args "$@"
if ! [[ $size_mib =~ ^[1-9][0-9]{0,6}$ ]] || [ "$size_mib" -lt 34 ] ||
    [ "$size_mib" -gt 2097151 ]; then
    image_usage_error "--size takes a number of MiB from 34 to 2097151, not '$size_mib'"
fi
image_need_file stage1 "$stage1"
image_need_file stage2 "$stage2"
check_stage1 "$stage1"
stage2_len=$(image_file_size "$stage2")
[ "$stage2_len" -gt 0 ] || image_die "$stage2 is empty"
[ $(((stage2_len + 511) / 512)) -lt "$part_lba" ] ||
    image_die "$stage2 ($stage2_len bytes) does not fit between LBA 1 and $part_lba"

image_make_tmp
staging=$image_tmp/root
image_stage "$staging"

# The FAT32 partition, in its own file. mformat -H: the hidden sectors
# before the partition, as a partition's BPB must say.
disk_sectors=$((size_mib * 2048))
part_sectors=$((disk_sectors - part_lba))
part=$image_tmp/part.img
truncate -s $((part_sectors * 512)) "$part"
export MTOOLS_SKIP_CHECK=1
mformat -i "$part" -F -v RASTOS -H "$part_lba" :: || image_die "mformat failed"
shopt -s dotglob
mcopy -s -i "$part" "$staging"/* :: || image_die "mcopy failed"
shopt -u dotglob

# sector 0: stage1 with the stage2 location, signature and partition entry.
mbr=$image_tmp/mbr.bin
cp "$stage1" "$mbr"
le32 1 | poke "$mbr" 12
le32 "$stage2_len" | poke "$mbr" 16
le32 "$disk_signature" | poke "$mbr" 440
{
    printf '\x80\xfe\xff\xff\x0c\xfe\xff\xff'
    le32 "$part_lba"
    le32 "$part_sectors"
} | poke "$mbr" 446

mkdir -p "$(dirname "$image_out")"
tmp_out=$image_out.tmp.$$
image_cleanup+=("$tmp_out")
rm -f "$tmp_out"
truncate -s $((disk_sectors * 512)) "$tmp_out"
dd if="$mbr" of="$tmp_out" conv=notrunc status=none
dd if="$stage2" of="$tmp_out" bs=512 seek=1 conv=notrunc status=none
dd if="$part" of="$tmp_out" bs=1M seek=1 conv=notrunc,sparse status=none
mv "$tmp_out" "$image_out"
