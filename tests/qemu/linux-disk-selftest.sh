#!/usr/bin/env bash
# linux-disk-selftest.sh: Linux as the reference for disks, checked against
# the host's e2fsprogs before rastOS is compared with it. Not part of
# `make test` (tests/run.sh leaves it out unless named): it boots Debian's
# Linux four times (about 5 minutes) and needs its modules (downloaded once
# by scripts/linux-disk.sh).
#
# For ext2 with 1 KiB and with 4 KiB blocks (images made by the host's
# mke2fs -t ext2):
#  - Linux writes: tests/disk/workload.sh runs on Linux (scripts/linux-disk.sh,
#    tests/disk/guest.sh with DISK_MODE=write) on an empty image; then the
#    host's `e2fsck -fn` must find it clean, and the listing Linux took
#    (tests/disk/listing.sh --blocks, after a read-only remount) must equal
#    the one the host takes of the image with debugfs
#    (tests/disk/image-listing.sh --blocks): paths, types, modes, owners,
#    link counts, sizes, md5 of every file, symlink targets, device numbers
#    and the blocks allocated to each file (holes).
#  - The host writes: workload.sh's tree (plus a fifo and device nodes) is
#    put in an image by `mke2fs -d`; Linux mounts it read-only and lists it:
#    that listing must equal debugfs's of the image, and equal the listing
#    of the source tree on the host but for what mke2fs adds or decides
#    (lost+found, the root's link count, and the blocks: mke2fs -d turns
#    zero blocks into holes). The 4 KiB run uses q35's AHCI, the others pc
#    with -device ahci. e2fsck must still find the image clean.
. "$(dirname "$0")/lib.sh"

LINUX_DISK=scripts/linux-disk.sh
TIMEOUT=${LINUX_DISK_TIMEOUT:-900}
scripts/deps.sh test || { fail "linux-disk: scripts/deps.sh test failed" && exit 1; }
inc=$WORK/inc
mkdir -p "$inc/disk"
cp tests/disk/workload.sh tests/disk/listing.sh tests/disk/guest.sh "$inc/disk/"

# linux NAME ARGS...: run guest.sh on Linux; its stdout in $LOGDIR/NAME.out,
# stderr in NAME.err, the serial log in NAME.log; sets RC.
linux() {
    local name=$1
    shift
    RC=0
    "$LINUX_DISK" --timeout "$TIMEOUT" --include "$inc" --keep-log "$LOGDIR/$name.log" \
        --script tests/disk/guest.sh "$@" >"$LOGDIR/$name.out" 2>"$LOGDIR/$name.err" || RC=$?
}

# listing_of OUT: the listing part of guest.sh's output.
listing_of() {
    awk 'seen; $0 == "== listing" { seen = 1 }' "$1"
}

for bs in 1024 4096; do
    machine=pc
    [ "$bs" = 4096 ] && machine=q35

    # Linux writes, the host reads.
    name=linux-disk-write-$bs
    img=$WORK/write-$bs.img
    truncate -s 64M "$img"
    mke2fs -q -F -t ext2 -b "$bs" "$img"
    linux "$name" --disk "$img" --env DISK_MODE=write
    check "$name: the workload ran on Linux" "status $RC ($LOGDIR/$name.err: $(tail -n 2 "$LOGDIR/$name.err" | tr '\n' ' '))" \
        test "$RC" -eq 0
    check "$name: all its steps done" "no 'workload: done' in $LOGDIR/$name.out" \
        grep -qx 'workload: done' "$LOGDIR/$name.out"
    check "$name: the tree copied in and out with tar equals its source" \
        "see $LOGDIR/$name.out" grep -qx 'workload: the tree copied out equals its source' "$LOGDIR/$name.out"
    fsck_clean "$name" "$img"
    listing_of "$LOGDIR/$name.out" >"$WORK/linux.lst"
    if tests/disk/image-listing.sh --blocks "$img" >"$WORK/host.lst"; then
        check "$name: Linux listed $(wc -l <"$WORK/linux.lst") entries" "too few" \
            test "$(wc -l <"$WORK/linux.lst")" -gt 1000
        same "$name: Linux's listing equals debugfs's of the image" "$WORK/linux.lst" "$WORK/host.lst"
    else
        fail "$name: image-listing.sh failed on $img"
    fi

    # The host writes, Linux reads.
    name=linux-disk-read-$bs
    tree=$WORK/tree-$bs
    busybox sh tests/disk/workload.sh tree "$tree"
    mkfifo "$tree/fifo"
    mknod "$tree/null" c 1 3
    mknod "$tree/disk" b 8 16
    mkdir -m 1777 "$tree/sticky"
    chown 4321:8765 "$tree/data/size_1"
    img=$WORK/read-$bs.img
    truncate -s 64M "$img"
    mke2fs -q -F -t ext2 -b "$bs" -d "$tree" "$img"
    linux "$name" --disk "$img" --machine "$machine"
    check "$name: Linux ($machine) mounted and listed the image" \
        "status $RC ($LOGDIR/$name.err: $(tail -n 2 "$LOGDIR/$name.err" | tr '\n' ' '))" test "$RC" -eq 0
    listing_of "$LOGDIR/$name.out" >"$WORK/linux.lst"
    if tests/disk/image-listing.sh --blocks "$img" >"$WORK/host.lst"; then
        same "$name: Linux's listing equals debugfs's of the image" "$WORK/linux.lst" "$WORK/host.lst"
    else
        fail "$name: image-listing.sh failed on $img"
    fi
    # Against the source: without the root's line, lost+found and blocks.
    tests/disk/listing.sh "$tree" | grep -v '^\. ' >"$WORK/tree.lst"
    grep -v -e '^\. ' -e '^\./lost+found ' "$WORK/linux.lst" | sed 's/ blocks=[0-9]*$//' >"$WORK/linux-nb.lst"
    same "$name: Linux's listing equals the source tree's on the host" "$WORK/linux-nb.lst" "$WORK/tree.lst"
    fsck_clean "$name" "$img"
done
exit $suite_status
