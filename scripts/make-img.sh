#!/usr/bin/env bash
# Build a raw hard-disk image of rastOS that boots on BIOS and UEFI.
#
#   scripts/make-img.sh [-o OUT] [--size MiB] [--loader rastboot|limine]
#       [--kernel FILE] [--initrd FILE.cpio] [--module FILE[:CMDLINE]]...
#       [--cmdline "..."] [--kaslr on|off] [--paging 4|5]
#       [--resolution WxH|text] [--config FILE | --no-config]
#       [--limine-config FILE] [--no-kernel] [--extra SRC:DEST]...
#
# Default output: build/rastos.img of 64 MiB (at least 34, 36 with --loader
# limine: FAT32 needs 65525 clusters). The common options are described in
# scripts/lib-image.sh. Two layouts:
#
# rastboot (default): MBR, rastboot on BIOS, the real Limine on UEFI.
#   LBA 0       stage1-hdd.bin, patched: u32 at byte 12 = LBA of stage2 (1),
#               u32 at byte 16 = stage2's length in bytes, disk signature at
#               440, partition entry 1 at 446 (active, type 0xEF EFI system
#               partition, or 0x0C FAT32 LBA without Limine; LBA 2048 to the
#               end of the disk, dummy CHS FE FF FF)
#   LBA 1..     stage2.bin (must end before LBA 2048)
#   LBA 2048..  FAT32 partition "RASTOS" holding the staged tree and, for
#               UEFI, /EFI/BOOT/BOOTX64.EFI (left out, with a warning, when
#               $LIMINE_DIR has no Limine: the image then boots on BIOS only)
#
# --loader limine: GPT, the real Limine on BIOS and UEFI.
#   LBA 0       protective MBR with Limine's BIOS boot code (limine
#               bios-install), GPT header and entries at LBA 1..33
#   LBA 2048..4095  partition 2, "BIOS boot" (type EF02): Limine's BIOS
#               stage 2, written there by limine bios-install
#   LBA 4096..  partition 1, EFI system partition (type EF00), FAT32
#               "RASTOS": the staged tree, /EFI/BOOT/BOOTX64.EFI and
#               /boot/limine/limine-bios.sys
#   last 33 LBAs  the backup GPT
# Fixed GUIDs, so that builds are reproducible.
#
# Built with mtools (and sgdisk, Limine's host tool) in a separate file, no
# root and no loop devices. Exit status: 0 done, 1 failure, 2 usage error.
set -euo pipefail

IMAGE_NAME=make-img.sh
IMAGE_USAGE="usage: scripts/make-img.sh [-o OUT] [--size MiB] [--loader rastboot|limine]
    [--kernel FILE] [--initrd FILE.cpio] [--module FILE[:CMDLINE]]... [--cmdline \"...\"]
    [--kaslr on|off] [--paging 4|5] [--resolution WxH|text]
    [--config FILE | --no-config] [--limine-config FILE] [--no-kernel]
    [--extra SRC:DEST]..."
# shellcheck source=scripts/lib-image.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-image.sh"

image_out=$BUILD/rastos.img
stage1=$BUILD/boot/stage1-hdd.bin
stage2=$BUILD/boot/stage2.bin
size_mib=64
part_lba=2048             # the partition starts at 1 MiB
disk_signature=0x52415354 # "TSAR" on disk; fixed so that builds are reproducible
esp_lba=4096              # GPT layout: the ESP after a 1 MiB BIOS boot partition
disk_guid=52415354-4f53-4449-534b-000000000001
esp_guid=52415354-4f53-4449-534b-000000000002
bios_boot_guid=52415354-4f53-4449-534b-000000000003

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

# make_fat FILE SECTORS HIDDEN DIR: a FAT32 filesystem of SECTORS sectors
# holding the tree DIR. HIDDEN: the sectors before the partition, as a
# partition's BPB must say (mformat -H).
make_fat() {
    truncate -s $(($2 * 512)) "$1"
    export MTOOLS_SKIP_CHECK=1
    mformat -i "$1" -F -v RASTOS -H "$3" :: || image_die "mformat failed"
    shopt -s dotglob
    mcopy -s -i "$1" "$4"/* :: || image_die "mcopy failed"
    shopt -u dotglob
}

# make_mbr_image OUT: the rastboot layout.
make_mbr_image() {
    local out=$1 part=$image_tmp/part.img mbr=$image_tmp/mbr.bin type='\x0c'
    local part_sectors=$((disk_sectors - part_lba))
    image_need_file stage1 "$stage1"
    image_need_file stage2 "$stage2"
    check_stage1 "$stage1"
    stage2_len=$(image_file_size "$stage2")
    [ "$stage2_len" -gt 0 ] || image_die "$stage2 is empty"
    [ $(((stage2_len + 511) / 512)) -lt "$part_lba" ] ||
        image_die "$stage2 ($stage2_len bytes) does not fit between LBA 1 and $part_lba"
    if image_want_limine "$image_out" BOOTX64.EFI; then
        image_stage_limine "$staging" BOOTX64.EFI
        type='\xef' # an EFI system partition; rastboot reads it as FAT too
    fi
    make_fat "$part" "$part_sectors" "$part_lba" "$staging"

    # sector 0: stage1 with the stage2 location, signature and partition entry.
    cp "$stage1" "$mbr"
    le32 1 | poke "$mbr" 12
    le32 "$stage2_len" | poke "$mbr" 16
    le32 "$disk_signature" | poke "$mbr" 440
    {
        printf "\\x80\\xfe\\xff\\xff$type\\xfe\\xff\\xff"
        le32 "$part_lba"
        le32 "$part_sectors"
    } | poke "$mbr" 446

    truncate -s $((disk_sectors * 512)) "$out"
    dd if="$mbr" of="$out" conv=notrunc status=none
    dd if="$stage2" of="$out" bs=512 seek=1 conv=notrunc status=none
    dd if="$part" of="$out" bs=1M seek=$((part_lba / 2048)) conv=notrunc,sparse status=none
}

# make_gpt_image OUT: the Limine layout.
make_gpt_image() {
    local out=$1 part=$image_tmp/esp.img
    # The ESP ends before the backup GPT: its entries (32) and header (1).
    local esp_sectors=$((disk_sectors - 33 - esp_lba))
    image_need_limine "the Limine disk image $image_out" limine-bios.sys BOOTX64.EFI limine
    command -v sgdisk >/dev/null || image_die "sgdisk not found (package gdisk: scripts/deps.sh)"
    image_stage_limine "$staging" limine-bios.sys BOOTX64.EFI
    make_fat "$part" "$esp_sectors" "$esp_lba" "$staging"

    truncate -s $((disk_sectors * 512)) "$out"
    sgdisk --disk-guid="$disk_guid" \
        --new=1:"$esp_lba":$((esp_lba + esp_sectors - 1)) --typecode=1:ef00 \
        --change-name=1:"EFI system" --partition-guid=1:"$esp_guid" \
        --new=2:"$part_lba":$((esp_lba - 1)) --typecode=2:ef02 \
        --change-name=2:"BIOS boot" --partition-guid=2:"$bios_boot_guid" \
        "$out" >"$image_tmp/sgdisk.log" 2>&1 ||
        { cat "$image_tmp/sgdisk.log" >&2 && image_die "sgdisk failed"; }
    dd if="$part" of="$out" bs=1M seek=$((esp_lba / 2048)) conv=notrunc,sparse status=none
    # Limine's MBR code and, in partition 2, its BIOS stage 2.
    "$LIMINE_DIR/limine" bios-install --quiet "$out" 2 >"$image_tmp/limine.log" 2>&1 ||
        { cat "$image_tmp/limine.log" >&2 &&
            image_die "limine bios-install failed (rebuild $LIMINE_DIR/limine from its limine.c?)"; }
}

image_parse_args "$@"
min_mib=34
[ "$image_loader" = rastboot ] || min_mib=36
if ! [[ $size_mib =~ ^[1-9][0-9]{0,6}$ ]] || [ "$size_mib" -lt "$min_mib" ] ||
    [ "$size_mib" -gt 2097151 ]; then
    image_usage_error "--size takes a number of MiB from $min_mib to 2097151, not '$size_mib'"
fi
disk_sectors=$((size_mib * 2048))

image_make_tmp
staging=$image_tmp/root
image_stage "$staging"

mkdir -p "$(dirname "$image_out")"
tmp_out=$image_out.tmp.$$
image_cleanup+=("$tmp_out")
rm -f "$tmp_out"
if [ "$image_loader" = limine ]; then
    make_gpt_image "$tmp_out"
else
    make_mbr_image "$tmp_out"
fi
mv "$tmp_out" "$image_out"
