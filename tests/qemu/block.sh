#!/usr/bin/env bash
# The block layer end to end, on RAM disks loaded from boot modules: an
# MBR disk with logical partitions (ram0) and a GPT disk (ram1), made by
# the host's sfdisk and sgdisk (tests/host/make-part-images.sh), their
# partitions filled with random data. A busybox /init then checks, and
# the host compares with what it computed:
#   /proc/partitions (Linux's format: disks, partitions, 1 KiB blocks);
#   the device numbers of the /dev nodes (busybox stat);
#   md5sum of each partition node and of each disk;
#   a write through a partition node (ram0p5) read back after BLKFLSBUF
#     (busybox blockdev --flushbufs), and seen through the whole disk
#     once its cache is dropped too (each node has its own, as on Linux);
#   BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKBSZGET, BLKROGET, lseek's
#     SEEK_END, EFAULT and ENOTTY (user/tests/blkioctl.c).
. "$(dirname "$0")/lib.sh"

BOOT_TIMEOUT=${BLOCK_TIMEOUT:-240}
IMG=$WORK/img
ROOTDIR=$WORK/root

build() {
	tests/host/make-part-images.sh "$IMG" &&
		make -s "build/user/bin/blkioctl" &&
		mkdir -p "$ROOTDIR/bin" "$ROOTDIR/proc" "$ROOTDIR/dev" &&
		cp /bin/busybox build/user/bin/blkioctl "$ROOTDIR/bin/"
}
if ! build >"$LOGDIR/block-build.log" 2>&1; then
	cat "$LOGDIR/block-build.log"
	fail "block: building the images failed"
	exit 1
fi

# Random data in each data partition (not the 2-sector extended one).
fill() { # IMG EXPECT
	local n start size
	while read -r n start size _; do
		[ "$n" != none ] && [ "$size" -gt 2 ] || continue
		head -c $((size * 512)) /dev/urandom |
			dd of="$1" bs=512 seek="$start" conv=notrunc status=none
	done <"$2"
}
fill "$IMG/mbr-logical.img" "$IMG/mbr-logical.expect"
fill "$IMG/gpt.img" "$IMG/gpt.expect"

# What the guest must print: /proc/partitions and the numbers, in the
# order the disks register (ram0 then ram1, 259 minors in turn).
want=$WORK/want
minor=0
{
	printf 'major minor  #blocks  name\n\n'
	for d in 0 1; do
		img=$IMG/mbr-logical && [ $d = 1 ] && img=$IMG/gpt
		printf '%4u  %7u %10u %s\n' 1 $d $(($(stat -c %s "$img.img") / 1024)) ram$d
		while read -r n start size _; do
			printf '%4u  %7u %10u %s\n' 259 $minor $((size / 2)) ram${d}p$n
			minor=$((minor + 1))
		done <"$img.expect"
	done
} >"$want.partitions"

# The guest's script: sections between markers the host cuts out.
{
	echo '#!/bin/busybox sh'
	echo 'export PATH=/bin'
	echo 'busybox mount -t proc proc /proc'
	echo 'busybox mount -t devtmpfs dev /dev'
	echo 'echo "=== partitions"; busybox cat /proc/partitions; echo "=== end"'
	echo 'echo "=== nodes"'
	echo 'for n in /dev/ram*; do busybox stat -c "%n %t %T" $n; done'
	echo 'echo "=== end"'
	echo 'echo "=== md5"; busybox md5sum /dev/ram*; echo "=== end"'
	echo 'busybox dd if=/bin/blkioctl of=/dev/ram0p5 bs=512 seek=3 count=8 conv=notrunc 2>/dev/null'
	echo 'busybox blockdev --flushbufs /dev/ram0p5 && echo "flushbufs: ok"'
	echo 'echo "written: $(busybox dd if=/dev/ram0p5 bs=512 skip=3 count=8 2>/dev/null | busybox md5sum)"'
	echo 'busybox blockdev --flushbufs /dev/ram0 # its own cache: stale'
	echo 'echo "via disk: $(busybox dd if=/dev/ram0 bs=512 skip=$((10240 + 3)) count=8 2>/dev/null | busybox md5sum)"'
	echo 'blkioctl /dev/ram0 16777216'
	echo 'blkioctl /dev/ram0p1 2097152'
	echo 'blkioctl /dev/ram1p3 4177408'
	echo 'echo "=== done"'
	echo 'busybox poweroff -f'
} >"$ROOTDIR/init"
chmod +x "$ROOTDIR/init"
(cd "$ROOTDIR" && find . | cpio -o -H newc 2>/dev/null) >"$WORK/init.cpio"
if ! scripts/make-iso.sh -o "$WORK/block.iso" --initrd "$WORK/init.cpio" \
	--module "$IMG/mbr-logical.img:ramdisk" --module "$IMG/gpt.img:ramdisk" \
	--cmdline "loglevel=warn" >>"$LOGDIR/block-build.log" 2>&1; then
	fail "block: building the ISO failed"
	exit 1
fi

boot block --until '^=== done' -- --iso "$WORK/block.iso"
log() { tr -d '\r' <"$BOOT_LOG"; }
section() { log | sed -n "/^=== $1\$/,/^=== end\$/p" | sed '1d;$d'; }

section partitions >"$WORK/got.partitions"
check "block: /proc/partitions as Linux's" "$(diff "$want.partitions" "$WORK/got.partitions" | head -5)" \
	cmp -s "$want.partitions" "$WORK/got.partitions"

nodes_ok() {
	local minor=0 d n
	for d in 0 1; do
		img=$IMG/mbr-logical && [ $d = 1 ] && img=$IMG/gpt
		section nodes | grep -qx "/dev/ram$d 1 $d" || return 1
		while read -r n _; do
			section nodes | grep -qx "/dev/ram${d}p$n 103 $(printf %x $minor)" || return 1
			minor=$((minor + 1))
		done <"$img.expect"
	done
}
check "block: /dev node numbers (1:N disks, 259:N partitions)" \
	"$(section nodes | tr '\n' ';')" nodes_ok

md5_ok() {
	local d n start size sum
	for d in 0 1; do
		img=$IMG/mbr-logical && [ $d = 1 ] && img=$IMG/gpt
		sum=$(md5sum <"$img.img" | cut -d' ' -f1)
		section md5 | grep -qx "$sum  /dev/ram$d" || { echo "ram$d"; return 1; }
		while read -r n start size _; do
			sum=$(dd if="$img.img" bs=512 skip="$start" count="$size" status=none | md5sum | cut -d' ' -f1)
			section md5 | grep -qx "$sum  /dev/ram${d}p$n" || { echo "ram${d}p$n"; return 1; }
		done <"$img.expect"
	done
}
check "block: md5sum of each disk and partition as the host's" \
	"$(md5_ok) differs" md5_ok

sum=$(head -c 4096 build/user/bin/blkioctl | md5sum | cut -d' ' -f1)
check "block: BLKFLSBUF" "no 'flushbufs: ok'" grep -q '^flushbufs: ok' <(log)
check "block: a write through ram0p5 reads back after BLKFLSBUF" \
	"$(log | grep '^written:')" grep -qx "written: $sum  -" <(log)
check "block: the write is on the disk at ram0p5's offset" \
	"$(log | grep '^via disk:')" grep -qx "via disk: $sum  -" <(log)
for dev in ram0 ram0p1 ram1p3; do
	check "block: ioctls on /dev/$dev" "$(log | grep "^blkioctl: .*$dev")" \
		grep -qx "blkioctl: ok /dev/$dev" <(log)
done
check "block: no panic" "$(log | grep -m1 panic)" bash -c "! grep -q panic '$BOOT_LOG'"
exit $suite_status
