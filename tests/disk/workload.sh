#!/bin/busybox sh
# workload.sh: the disk tests' busybox workload, the same on Linux
# (scripts/linux-disk.sh), on rastOS and, for `tree`, on the host.
#
#   workload.sh tree DIR    make the source tree in DIR (must not exist)
#   workload.sh run MNT     the workload on the file system mounted on MNT
#
# Everything is deterministic (contents, names, modes, owners, order of
# operations) except times and where the file system puts things, so two
# kernels running it on equal images must end with equal listings
# (tests/disk/listing.sh). Contents come from `seq`: every line differs, so
# a block written to the wrong place or read from the wrong one shows.
#
# `run` does, below MNT: a tree made by `tree` in /tmp copied in with tar
# (tree/) and back out, the two compared; a large file (8 MiB, through the
# double-indirect blocks with 1 KiB blocks); files with holes (dd seek,
# truncate up and down); hard links (several, across directories, some
# removed again); fast and slow symlinks (up to 1000 bytes), dangling, to
# directories; many small files in one directory (1000 made, every third
# removed, 200 more with longer names); a rename storm (within and across
# directories, onto existing files, directories moved); deep directories
# (60 levels, one subtree moved, another removed); modes and owners
# (setuid, setgid, sticky, 000), device nodes and a fifo. It prints one
# "workload: ..." line per step and ends with sync.
set -eu
# listing.sh is next to this script.
here=$(cd "$(dirname "$0")" && pwd)

# seqfile FILE SIZE SEED: SIZE bytes of numbered lines from SEED on.
seqfile() {
    seq "$3" 99999999 | head -c "$2" >"$1"
}

# make_tree DIR: a source tree of a few hundred files, about 1.5 MiB.
make_tree() {
    mkdir "$1"
    cd "$1"
    mkdir -p src/lib src/include/sys docs/man/man1 empty data
    # Sizes around the block sizes and the direct/indirect boundaries of
    # both 1 KiB blocks (12 KiB direct, 268 KiB single indirect) and 4 KiB.
    n=0
    for s in 0 1 100 511 512 1023 1024 1025 2048 4095 4096 4097 8192 \
        12287 12288 12289 49152 49153 65536 274432 274433 300000; do
        seqfile "data/size_$s" "$s" "$((n * 1000 + 1))"
        n=$((n + 1))
    done
    i=0
    while [ "$i" -lt 120 ]; do
        seqfile "src/lib/mod$i.c" "$((i * 37 % 3000 + 10))" "$i"
        i=$((i + 1))
    done
    i=0
    while [ "$i" -lt 40 ]; do
        seqfile "src/include/sys/h$i.h" "$((i * 101 % 900 + 1))" "$((i + 500))"
        i=$((i + 1))
    done
    for p in cat ls tar mount sync; do
        seqfile "docs/man/man1/$p.1" 2500 7
    done
    echo "a name with spaces" >"docs/with space.txt"
    ln data/size_4096 data/hardlink_4096
    ln -s size_4096 data/symlink_4096
    ln -s ../../src/include src/lib/include_link
    chmod 0755 src/lib/mod1.c
    chmod 0600 data/size_1
    chmod 4755 data/size_100
    # Holes: a few data blocks in a large file.
    echo begin >data/sparse
    echo middle | dd of=data/sparse bs=1024 seek=300 conv=notrunc 2>/dev/null
    echo end | dd of=data/sparse bs=1024 seek=5000 conv=notrunc 2>/dev/null
    cd - >/dev/null
}

# run MNT: the workload.
run() {
    cd "$1"
    echo "workload: tree copied in with tar"
    rm -rf /tmp/workload-src /tmp/workload-out
    make_tree /tmp/workload-src
    mkdir tree
    tar -C /tmp/workload-src -cf - . | tar -C tree -xf -

    echo "workload: a large file (8 MiB)"
    seqfile large 8388608 1
    # Overwrite a stretch in its middle, across block boundaries.
    seq 5000000 5001000 | dd of=large bs=1000 seek=3000 conv=notrunc 2>/dev/null

    echo "workload: holes"
    mkdir holes
    echo head >holes/dd
    echo middle | dd of=holes/dd bs=1024 seek=300 conv=notrunc 2>/dev/null
    echo tail | dd of=holes/dd bs=1024 seek=20000 conv=notrunc 2>/dev/null
    truncate -s 30000000 holes/empty
    seqfile holes/shrunk 300000 11
    truncate -s 5000 holes/shrunk
    seqfile holes/grown 3000 13
    truncate -s 100000 holes/grown
    echo after | dd of=holes/grown bs=1 seek=70000 conv=notrunc 2>/dev/null

    echo "workload: hard links"
    mkdir -p links/a links/b
    seqfile links/a/target 5000 17
    ln links/a/target links/a/two
    ln links/a/target links/b/three
    ln links/a/target links/b/four
    rm links/b/four
    seqfile links/a/once 100 19
    ln links/a/once links/b/once
    rm links/a/once

    echo "workload: symlinks"
    mkdir syms
    ln -s ../links/a/target syms/fast
    ln -s /absolute/dangling syms/dangling
    ln -s ../tree/src syms/dir
    long=$(seq 1 30 | tr '\n' '/' | head -c 59)
    ln -s "$long" syms/fast59
    long=$(seq 1 300 | tr '\n' '/' | head -c 60)
    ln -s "$long" syms/slow60
    long=$(seq 1 500 | tr '\n' '/' | head -c 1000)
    ln -s "$long" syms/slow1000

    echo "workload: many small files"
    mkdir small
    i=0
    while [ "$i" -lt 1000 ]; do
        echo "small file $i" >"small/f$i"
        i=$((i + 1))
    done
    # Every third one removed, a few rm calls rather than 333.
    i=0
    set --
    while [ "$i" -lt 1000 ]; do
        set -- "$@" "small/f$i"
        i=$((i + 3))
    done
    rm "$@"
    set --
    i=0
    while [ "$i" -lt 200 ]; do
        echo "longer $i" >"small/a_much_longer_name_for_a_small_file_number_$i"
        i=$((i + 1))
    done

    echo "workload: rename storm"
    mkdir -p ren/a ren/b ren/c/sub
    i=0
    while [ "$i" -lt 200 ]; do
        echo "rename $i" >"ren/a/x$i"
        i=$((i + 1))
    done
    i=0
    while [ "$i" -lt 200 ]; do
        case $((i % 4)) in
        0) mv "ren/a/x$i" "ren/a/renamed_within_$i" ;;
        1) mv "ren/a/x$i" "ren/b/y$i" ;;
        # Onto an existing file: the old one's inode goes.
        2) mv "ren/a/x$i" "ren/a/x$((i - 1))" ;;
        3) mv "ren/a/x$i" "ren/c/sub/z$i" ;;
        esac
        i=$((i + 1))
    done
    mv ren/c/sub ren/b/sub_moved
    mv ren/b ren/a/b_moved
    mkdir ren/d
    mv ren/a/b_moved/y1 ren/d/back
    mv ren/d/back ren/a/b_moved/y1

    echo "workload: deep directories"
    d=deep i=0
    while [ "$i" -lt 60 ]; do
        d=$d/level$i
        i=$((i + 1))
    done
    mkdir -p "$d"
    echo bottom >"$d/file"
    mkdir -p deep2
    mv deep/level0/level1/level2/level3/level4 deep2/moved
    mkdir -p gone/a/b/c/d/e/f
    echo x >gone/a/b/c/d/e/f/x
    rm -rf gone

    echo "workload: modes, owners, nodes"
    mkdir -p modes/sticky
    seqfile modes/setuid 100 23
    seqfile modes/setgid 100 29
    seqfile modes/none 100 31
    chmod 4755 modes/setuid
    chmod 2755 modes/setgid
    chmod 0000 modes/none
    chmod 1777 modes/sticky
    chown 1234:5678 modes/setgid
    # chown clears setgid (as Linux does for an unprivileged group): set again.
    chmod 2755 modes/setgid
    chown 0:100 modes/sticky
    mknod modes/null c 1 3
    mknod modes/disk b 8 0
    mkfifo modes/fifo

    echo "workload: tree copied back out"
    mkdir /tmp/workload-out
    tar -C tree -cf - . | tar -C /tmp/workload-out -xf -
    if sh "$here/listing.sh" /tmp/workload-src >/tmp/workload-src.lst &&
        sh "$here/listing.sh" /tmp/workload-out >/tmp/workload-out.lst &&
        cmp -s /tmp/workload-src.lst /tmp/workload-out.lst; then
        echo "workload: the tree copied out equals its source"
    else
        echo "workload: the tree copied out differs from its source:"
        diff /tmp/workload-src.lst /tmp/workload-out.lst || true
    fi
    rm -rf /tmp/workload-src /tmp/workload-out /tmp/workload-*.lst
    cd /
    sync
    echo "workload: done"
}

case ${1:-} in
tree) [ $# -eq 2 ] || { echo "usage: workload.sh tree DIR" >&2; exit 2; }; make_tree "$2" ;;
run) [ $# -eq 2 ] || { echo "usage: workload.sh run MNT" >&2; exit 2; }; run "$2" ;;
*) echo "usage: workload.sh tree DIR | run MNT" >&2; exit 2 ;;
esac
