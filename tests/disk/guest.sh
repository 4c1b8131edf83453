#!/bin/busybox sh
# guest.sh: the disk tests' script inside the guest (scripts/linux-disk.sh
# --script; rastOS's disk tests run it the same way). The disk is $DISK0,
# an ext2 file system; workload.sh and listing.sh are next to this script
# (/disk in the initramfs, or $DISK_TESTS).
#
#   DISK_MODE=write: mount it, run `workload.sh run`, unmount;
#   DISK_MODE=read (the default): leave it as it is.
# Then, both: mount it again read-only (so what is listed comes from the
# disk, not from the caches of the workload's mount), print "== listing"
# and tests/disk/listing.sh --blocks of it, unmount.
set -eu
dir=${DISK_TESTS:-/disk}
[ -n "${DISK0:-}" ] || { echo "guest.sh: no \$DISK0" >&2; exit 2; }
mkdir -p /mnt
if [ "${DISK_MODE:-read}" = write ]; then
    mount -t ext2 "$DISK0" /mnt
    sh "$dir/workload.sh" run /mnt
    umount /mnt
fi
mount -t ext2 -o ro "$DISK0" /mnt
echo "== listing"
sh "$dir/listing.sh" --blocks /mnt
umount /mnt
