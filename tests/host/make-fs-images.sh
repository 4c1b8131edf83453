#!/bin/sh
# Build the filesystem images the host tests test_fs and test_fs_corrupt
# read, into the directory given as $1:
#
#   src/            the files, as the images should hold them
#   rr.iso          xorriso, Rock Ridge names, ISO level 3
#   plain.iso       the same without Rock Ridge (ISO names only)
#   fat12.img       1.44M floppy, mtools
#   fat16.img       32M, 2K clusters, mtools
#   fat32.img       64M, mtools
#   fat16-4k.img    64M with 4096-byte sectors, mkfs.fat + mtools
#   seeds/          a small ISO and FAT12 image, fuzzing seeds (fuzz_fs.c)
#
# Every FAT image holds frag.bin split over several cluster runs: filler
# files are written, every other one deleted, then frag.bin fills the gaps.
# Needs xorriso, mtools, dosfstools and perl.
set -eu

out=${1:?usage: make-fs-images.sh OUTDIR}
mkdir -p "$out"
cd "$out"
rm -rf src fill seeds ./*.iso ./*.img
export MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=0

# Deterministic contents: little-endian 32-bit words, word i of big.bin is
# i, so a misplaced cluster shows up as a wrong number, not just a diff.
pattern() { # file bytes multiplier
    perl -e 'my ($n, $m) = @ARGV; my $s = "";
             $s .= pack("V", ($_ * $m) & 0xffffffff) for 0 .. int($n / 4);
             print substr($s, 0, $n);' "$2" "$3" >"$1"
}

make_tree() {
    mkdir -p src/dir1/dir2/dir3 src/many fill
    printf 'Hello, rastOS!\n' >src/hello.txt
    : >src/empty.txt
    printf 'long names work\n' >src/a-long-file-name.txt
    printf 'spaces and case\n' >"src/Mixed Case Name.txt"
    printf 'three levels down\n' >src/dir1/dir2/dir3/nested.txt
    printf 'one level down\n' >src/dir1/readme.txt
    # 255 characters, the longest name: Rock Ridge puts it in a CE area.
    printf 'longest name\n' >"src/dir1/very-long-name-$(printf '%0236d' 0).txt"
    pattern src/big.bin 700000 1
    pattern src/frag.bin 40000 2654435761
    pattern src/odd.bin 2049 40503
    # Enough entries for a directory to span several clusters/blocks.
    i=0
    while [ $i -lt 100 ]; do
        n=$(printf '%03d' $i)
        printf 'file %s\n' "$n" >"src/many/file-number-$n.txt"
        i=$((i + 1))
    done
    for i in 1 2 3 4 5 6 7 8; do
        pattern fill/fill$i 5000 $i
    done
}

make_isos() {
    xorriso -as mkisofs -R -iso-level 3 -quiet -o rr.iso src
    # -as mkisofs writes Rock Ridge even without -R; turn it off for real.
    xorriso -rockridge off -as mkisofs -iso-level 3 -quiet -o plain.iso src
}

# Make FSInfo's next-free hint "unknown" so mtools allocates from the
# start of the FAT (into the holes) on FAT32 too.
reset_fsinfo() { # image
    bps=$(od -An -tu2 -j11 -N2 "$1" | tr -d ' ')
    info=$(od -An -tu2 -j48 -N2 "$1" | tr -d ' ')
    printf '\377\377\377\377' |
        dd of="$1" bs=1 seek=$((info * bps + 492)) conv=notrunc status=none
}

fill_fat() { # image fat-type
    for i in 1 2 3 4 5 6 7 8; do
        mcopy -i "$1" fill/fill$i ::
    done
    mdel -i "$1" ::fill2 ::fill4 ::fill6
    [ "$2" = 32 ] && reset_fsinfo "$1"
    mcopy -i "$1" src/frag.bin ::
    for f in src/*; do
        [ "$f" = src/frag.bin ] || mcopy -s -i "$1" "$f" ::
    done
    if command -v fsck.fat >/dev/null; then
        fsck.fat -n "$1" >/dev/null
    fi
}

make_fats() {
    mformat -C -f 1440 -i fat12.img ::
    fill_fat fat12.img 12
    mformat -C -T 65536 -c 4 -i fat16.img ::
    fill_fat fat16.img 16
    mformat -F -C -T 131072 -i fat32.img ::
    fill_fat fat32.img 32
    mkfs.fat -C -S 4096 -s 1 -F 16 fat16-4k.img 65536 >/dev/null
    fill_fat fat16-4k.img 16
}

# Small images for tests/fuzz/fuzz_fs.c to start from.
make_seeds() {
    mkdir -p seeds/tree/dir1/dir2/dir3
    cp src/hello.txt src/a-long-file-name.txt seeds/tree/
    cp src/dir1/dir2/dir3/nested.txt seeds/tree/dir1/dir2/dir3/
    head -c 3000 src/big.bin >seeds/tree/big.bin
    xorriso -as mkisofs -R -no-pad -quiet -o seeds/small.iso seeds/tree
    mformat -C -T 128 -i seeds/small-fat12.img ::
    mcopy -s -i seeds/small-fat12.img seeds/tree/* ::
    rm -rf seeds/tree
}

make_tree
make_isos
make_fats
make_seeds
