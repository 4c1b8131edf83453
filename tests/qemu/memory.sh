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
# and the host's e2fsck finds the disk clean. And the dentry cache under
# pressure: with 32 MiB, busybox find walks 40,000 files of an ext2 disk
# twice (their dentries and inodes, about 1 KiB each, must go back as
# the walk goes on) and counts every one.
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

# The page cache gives memory back.
BUSYBOX=${BUSYBOX:-/bin/busybox}
mkdir -p "$WORK/pc/root/bin" "$WORK/pc/fs"
cp "$BUSYBOX" "$WORK/pc/root/bin/busybox"
cat >"$WORK/pc/root/init" <<'INIT'
#!/bin/busybox sh
bb=/bin/busybox
$bb mkdir -p /mnt /proc /dev
$bb mount -t proc proc /proc
$bb mount -t devtmpfs dev /dev
$bb mount -t ext2 /dev/sda /mnt || echo "pagecache: mount failed"
for i in 1 2 3; do
    $bb md5sum /mnt/big$i || echo "pagecache: big$i failed"
done
$bb cat /mnt/big1 /mnt/big2 | $bb md5sum
$bb dd if=/dev/zero of=/mnt/zeros bs=1M count=64 2>/dev/null &&
    echo "pagecache: dd wrote 64 MiB"
$bb md5sum /mnt/zeros
$bb sync
$bb echo "pagecache: shell still runs $($bb uname -s)"
$bb poweroff -f
INIT
chmod 755 "$WORK/pc/root/init"
for i in 1 2 3; do
    head -c 24M /dev/urandom >"$WORK/pc/fs/big$i"
done
(cd "$WORK/pc/fs" && md5sum big1 big2 big3 | sed 's|  |  /mnt/|') >"$WORK/pc/want"
cat "$WORK/pc/fs/big1" "$WORK/pc/fs/big2" | md5sum >>"$WORK/pc/want"
echo "pagecache: dd wrote 64 MiB" >>"$WORK/pc/want"
head -c 64M /dev/zero | md5sum | sed 's|  -|  /mnt/zeros|' >>"$WORK/pc/want"
echo "pagecache: shell still runs Linux" >>"$WORK/pc/want"
(cd "$WORK/pc/root" && find . | cpio -o -H newc --quiet) >"$WORK/pc/init.cpio"
if mke2fs -q -F -t ext2 -b 4096 -d "$WORK/pc/fs" "$WORK/pc/disk.img" 200M \
    >/dev/null; then
    boot mem-48m-pagecache --until 'powering off|^panic' -- \
        --initrd "$WORK/pc/init.cpio" --disk "$WORK/pc/disk.img" --mem 48 \
        --cmdline "loglevel=warn"
    grep -E '^[0-9a-f]{32}  |^pagecache: ' "$BOOT_LOG" >"$WORK/pc/got"
    same "mem-48m-pagecache: 72 MiB read and 64 MiB written in 48 MiB, md5sums right" \
        "$WORK/pc/want" "$WORK/pc/got"
    check "mem-48m-pagecache: busybox poweroff -f ran after" "log: $(tail -n 2 "$BOOT_LOG" | tr '\n' ' ')" \
        grep -q '^reboot: Power down' "$BOOT_LOG"
    fsck_clean mem-48m-pagecache "$WORK/pc/disk.img"
else
    fail "mem-48m-pagecache: mke2fs failed"
fi

# The dentry cache gives memory back.
mkdir -p "$WORK/dc/root/bin" "$WORK/dc/fs"
cp "$BUSYBOX" "$WORK/dc/root/bin/busybox"
cat >"$WORK/dc/root/init" <<'INIT'
#!/bin/busybox sh
bb=/bin/busybox
$bb mkdir -p /mnt /proc /dev
$bb mount -t proc proc /proc
$bb mount -t devtmpfs dev /dev
$bb mount -t ext2 -o ro /dev/sda /mnt || echo "dcache: mount failed"
for pass in 1 2; do
    echo "dcache: pass $pass: $($bb find /mnt -type f | $bb wc -l) files"
done
$bb echo "dcache: shell still runs $($bb uname -s)"
$bb poweroff -f
INIT
chmod 755 "$WORK/dc/root/init"
for d in $(seq 0 99); do
    mkdir "$WORK/dc/fs/d$d"
    (cd "$WORK/dc/fs/d$d" && touch $(seq -f "f%g" 0 399))
done
printf 'dcache: pass 1: 40000 files\ndcache: pass 2: 40000 files\ndcache: shell still runs Linux\n' >"$WORK/dc/want"
(cd "$WORK/dc/root" && find . | cpio -o -H newc --quiet) >"$WORK/dc/init.cpio"
if mke2fs -q -F -t ext2 -b 4096 -N 50000 -d "$WORK/dc/fs" "$WORK/dc/disk.img" \
    300M >/dev/null; then
    boot mem-32m-dcache --until 'powering off|^panic' -- \
        --initrd "$WORK/dc/init.cpio" --disk "$WORK/dc/disk.img" --mem 32 \
        --cmdline "loglevel=warn"
    grep -E '^dcache: ' "$BOOT_LOG" >"$WORK/dc/got"
    same "mem-32m-dcache: find walks 40,000 files in 32 MiB, twice" \
        "$WORK/dc/want" "$WORK/dc/got"
else
    fail "mem-32m-dcache: mke2fs failed"
fi
exit $suite_status
