#!/usr/bin/env bash
# Memory management at the extremes: boot with 16 MiB (4-level paging)
# and with 8 GiB (5-level paging, 1 GiB pages on -cpu max), run all the
# kernel's tests, and check mm's totals against the memory map in the log
# (check_totals in lib.sh: usable memory free, page array sized for the end
# of RAM, bootloader memory reclaimed but the MP response's pages).
# Then the page cache under pressure: with 48 MiB, busybox reads three
# 24 MiB files of an ext2 disk (the cache must give back the pages of the
# ones read before, and of the one being read) and writes a 64 MiB one
# (the writer must write back its dirty pages as it goes); every md5sum
# must be the host's, the shell still runs programs after, poweroff works
# and the host's e2fsck finds the disk clean; the files are then read
# again, three at once on two CPUs. And the dentry cache under pressure:
# with 32 MiB, two busybox finds at once walk 40,000 files of an ext2
# disk (their dentries and inodes, about 1 KiB each, must go back as the
# walks go on) and count every one.
. "$(dirname "$0")/lib.sh"

cmdline="test=all"
scripts/make-iso.sh -o "$WORK/mem.iso" --cmdline "$cmdline" ||
    fail "memory: make-iso.sh failed"

boot mem-16m -- --iso "$WORK/mem.iso" --mem 16
expect_boot mem-16m --paging 4 --mem 16 --cmdline "$cmdline"
check_totals mem-16m

boot mem-8g-5lvl -- --iso "$WORK/mem.iso" --mem 8192 --cpu max
expect_boot mem-8g-5lvl --paging 5 --mem 8192 --cmdline "$cmdline"
check_totals mem-8g-5lvl
check "mem-8g-5lvl: 1 GiB pages used" "log: $(field '^(mm: .*1 GiB pages.*)$')" \
    grep -q '^mm: .*1 GiB pages yes$' "$BOOT_LOG"

# busybox_disk_boot NAME DIR MEM CPUS: boot with DIR/init.cpio (busybox,
# and an /init that mounts /proc and /dev, then runs the script on stdin)
# and DIR/disk.img, in MEM MiB on CPUS CPUs; the log's lines that start
# with a 32-digit md5sum or NAME's tag ("pagecache: ") go to DIR/got,
# sorted (DIR/want is sorted too).
busybox_disk_boot() {
    local name=$1 dir=$2 mem=$3 cpus=$4 tag=${1#mem-*-}
    mkdir -p "$dir/root/bin"
    cp "${BUSYBOX:-/bin/busybox}" "$dir/root/bin/busybox"
    {
        printf '#!/bin/busybox sh\nbb=/bin/busybox\n'
        printf '$bb mkdir -p /mnt /proc /dev\n$bb mount -t proc proc /proc\n'
        printf '$bb mount -t devtmpfs dev /dev\n'
        cat
        printf '$bb echo "%s: shell still runs $($bb uname -s)"\n' "$tag"
        printf '$bb poweroff -f\n'
    } >"$dir/root/init"
    chmod 755 "$dir/root/init"
    (cd "$dir/root" && find . | cpio -o -H newc --quiet) >"$dir/init.cpio"
    boot "$name" --until 'powering off|^panic' -- --initrd "$dir/init.cpio" \
        --disk "$dir/disk.img" --mem "$mem" --smp "$cpus" \
        --cmdline "loglevel=warn"
    grep -E "^[0-9a-f]{32}  |^$tag: " "$BOOT_LOG" | sort >"$dir/got"
    echo "$tag: shell still runs Linux" >>"$dir/want"
    sort -o "$dir/want" "$dir/want"
}

# The page cache gives memory back.
mkdir -p "$WORK/pc/fs"
for i in 1 2 3; do
    head -c 24M /dev/urandom >"$WORK/pc/fs/big$i"
done
(cd "$WORK/pc/fs" && md5sum big1 big2 big3 big1 big2 big3 | sed 's|  |  /mnt/|') >"$WORK/pc/want"
cat "$WORK/pc/fs/big1" "$WORK/pc/fs/big2" | md5sum >>"$WORK/pc/want"
echo "pagecache: dd wrote 64 MiB" >>"$WORK/pc/want"
head -c 64M /dev/zero | md5sum | sed 's|  -|  /mnt/zeros|' >>"$WORK/pc/want"
if mke2fs -q -F -t ext2 -b 4096 -d "$WORK/pc/fs" "$WORK/pc/disk.img" 200M \
    >/dev/null; then
    busybox_disk_boot mem-48m-pagecache "$WORK/pc" 48 2 <<'INIT'
$bb mount -t ext2 /dev/sda /mnt || echo "pagecache: mount failed"
for i in 1 2 3; do
    $bb md5sum /mnt/big$i || echo "pagecache: big$i failed"
done
$bb cat /mnt/big1 /mnt/big2 | $bb md5sum
$bb dd if=/dev/zero of=/mnt/zeros bs=1M count=64 2>/dev/null &&
    echo "pagecache: dd wrote 64 MiB"
$bb md5sum /mnt/zeros
for i in 1 2 3; do # again, side by side, on two CPUs
    $bb md5sum /mnt/big$i &
done
wait
$bb sync
INIT
    same "mem-48m-pagecache: 72 MiB read and 64 MiB written in 48 MiB, md5sums right" \
        "$WORK/pc/want" "$WORK/pc/got"
    check "mem-48m-pagecache: busybox poweroff -f ran after" "log: $(tail -n 2 "$BOOT_LOG" | tr '\n' ' ')" \
        grep -q '^reboot: Power down' "$BOOT_LOG"
    fsck_clean mem-48m-pagecache "$WORK/pc/disk.img"
else
    fail "mem-48m-pagecache: mke2fs failed"
fi

# The dentry cache gives memory back.
mkdir -p "$WORK/dc/fs"
for d in $(seq 0 99); do
    mkdir "$WORK/dc/fs/d$d"
    (cd "$WORK/dc/fs/d$d" && touch $(seq -f "f%g" 0 399))
done
printf 'dcache: pass 1: 40000 files\ndcache: pass 2: 40000 files\n' >"$WORK/dc/want"
if mke2fs -q -F -t ext2 -b 4096 -N 50000 -d "$WORK/dc/fs" "$WORK/dc/disk.img" \
    300M >/dev/null; then
    busybox_disk_boot mem-32m-dcache "$WORK/dc" 32 2 <<'INIT'
$bb mount -t ext2 -o ro /dev/sda /mnt || echo "dcache: mount failed"
for pass in 1 2; do # side by side, on two CPUs
    echo "dcache: pass $pass: $($bb find /mnt -type f | $bb wc -l) files" &
done
wait
INIT
    same "mem-32m-dcache: two finds walk 40,000 files in 32 MiB" \
        "$WORK/dc/want" "$WORK/dc/got"
else
    fail "mem-32m-dcache: mke2fs failed"
fi
exit $suite_status
