#!/bin/busybox sh
# multi.sh: tests/disk/guest.sh on several disks in one boot, the same on
# Linux (scripts/linux-disk.sh --script) and on rastOS (tests/qemu/disk-linux.sh's
# /init): one boot serves every disk of a test.
#
#   DISKS="/dev/sda /dev/sdb ..." JOBS="NAME:SIZE:MODE ..." sh multi.sh
#
# Each job is the disk whose size (bytes, BLKGETSIZE64) is SIZE: the test
# gives each image its own size, so that no kernel's naming order has to be
# guessed. MODE is guest.sh's DISK_MODE (write or read). For each job:
#   @@job NAME begin@@
#   guest.sh's stdout (the workload's lines, "== listing", the listing)
#   @@job NAME end status N@@
#   E| guest.sh's stderr, one line each
# and "@@jobs done@@" at the end.
dir=${DISK_TESTS:-/disk}
for job in $JOBS; do
    name=${job%%:*}
    rest=${job#*:}
    size=${rest%%:*}
    mode=${rest#*:}
    dev=
    for d in $DISKS; do
        [ "$(blockdev --getsize64 "$d" 2>/dev/null)" = "$size" ] && dev=$d
    done
    echo "@@job $name begin@@"
    if [ -z "$dev" ]; then
        echo "multi.sh: no disk of $size bytes among $DISKS" >/tmp/.multi-err
        st=2
    else
        DISK0=$dev DISK_MODE=$mode sh "$dir/guest.sh" 2>/tmp/.multi-err
        st=$?
    fi
    echo "@@job $name end status $st@@"
    sed 's/^/E| /' /tmp/.multi-err
done
echo "@@jobs done@@"
