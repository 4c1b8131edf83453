#!/usr/bin/env bash
# ext2 end to end: a disk made by the host's mke2fs -d (1 KiB blocks),
# loaded as a RAM disk (a boot module, /dev/ram0), mounted by busybox and
# put through a workload: files read back (md5sum as the host's), a copy
# of a tree in and out with tar, many small files, a rename storm, deep
# directories, hard and symbolic links, a file with holes, truncates,
# deletes; a busy umount (EBUSY); sync, umount, mount again, df. The
# guest then sends the disk back (gzip | base64 on the serial line), and
# the host's e2fsck -fn must find it clean, and debugfs must read the
# files the guest wrote with the same md5sums as the guest.
. "$(dirname "$0")/lib.sh"

BOOT_TIMEOUT=${EXT2_TIMEOUT:-300}
ROOTDIR=$WORK/root
SRC=$WORK/src
DISK=$WORK/disk.img

build() {
	mkdir -p "$ROOTDIR/bin" "$ROOTDIR/proc" "$ROOTDIR/dev" "$ROOTDIR/mnt" \
		"$SRC/t/sub" &&
		cp /bin/busybox "$ROOTDIR/bin/" &&
		head -c 300000 /dev/urandom >"$SRC/t/ind" &&
		head -c 777 /dev/urandom >"$SRC/t/sub/small" &&
		ln -s ind "$SRC/t/link" &&
		mke2fs -q -F -t ext2 -b 1024 -d "$SRC" "$DISK" 8192k
}
if ! build >"$LOGDIR/ext2-build.log" 2>&1; then
	cat "$LOGDIR/ext2-build.log"
	fail "ext2: building the disk failed"
	exit 1
fi

cat >"$ROOTDIR/init" <<'GUEST'
#!/bin/busybox sh
export PATH=/bin
busybox mount -t proc proc /proc
busybox mount -t devtmpfs dev /dev
cd /
echo "=== mount"
busybox mount -t ext2 /dev/ram0 /mnt && echo "mount: ok"
echo "=== end"
echo "=== read"; busybox md5sum /mnt/t/ind /mnt/t/sub/small; busybox readlink /mnt/t/link; echo "=== end"
W=/mnt/w
busybox mkdir -p $W/many $W/deep
i=0; while [ $i -lt 200 ]; do echo "file $i" >$W/many/f$i; i=$((i + 1)); done
i=0; while [ $i -lt 100 ]; do busybox mv $W/many/f$i $W/many/g$((i % 30)); i=$((i + 1)); done
d=$W/deep; i=0; while [ $i -lt 15 ]; do d=$d/d; busybox mkdir $d; i=$((i + 1)); done
echo deep >$d/leaf
busybox dd if=/bin/busybox of=$W/big bs=4096 count=200 2>/dev/null
busybox dd if=/bin/busybox of=$W/holes bs=1024 count=3 seek=5000 2>/dev/null
busybox truncate -s 100000 $W/big
busybox ln $W/big $W/hard
busybox ln -s ../t/ind $W/sym
busybox ln -s /a/long/symlink/target/that/does/not/fit/in/the/inode/itself/at/all $W/slowsym
busybox tar -cf $W/t.tar -C /mnt t && busybox mkdir $W/untar && busybox tar -xf $W/t.tar -C $W/untar
busybox rm -f $W/many/g1 $W/many/g2 $W/many/f150
busybox mkdir $W/gone && busybox rmdir $W/gone
cd /mnt && { busybox umount /mnt 2>/dev/null && echo "busy umount: done" || echo "busy umount: refused"; }
cd /
busybox sync
echo "=== df"; busybox df /mnt; echo "=== end"
busybox umount /mnt && echo "umount: ok"
busybox mount -t ext2 /dev/ram0 /mnt || echo "remount: failed"
echo "=== sums"
cd /mnt && busybox find w -type f | busybox sort | while read f; do busybox md5sum "$f"; done
cd /
echo "=== end"
busybox umount /mnt && echo "umount 2: ok"
# The disk's own page cache may hold blocks that ext2 wrote around it
# (file data goes by bios): drop it, as Linux's umount does.
busybox blockdev --flushbufs /dev/ram0
echo "=== disk"; busybox gzip -c /dev/ram0 | busybox base64; echo "=== end"
echo "=== done"
busybox poweroff -f
GUEST
chmod +x "$ROOTDIR/init"
(cd "$ROOTDIR" && find . | cpio -o -H newc 2>/dev/null) >"$WORK/init.cpio"
if ! scripts/make-iso.sh -o "$WORK/ext2.iso" --initrd "$WORK/init.cpio" \
	--module "$DISK:ramdisk" --cmdline "loglevel=warn" \
	>>"$LOGDIR/ext2-build.log" 2>&1; then
	fail "ext2: building the ISO failed"
	exit 1
fi

boot ext2 --until '^=== done' -- --iso "$WORK/ext2.iso"
log() { tr -d '\r' <"$BOOT_LOG"; }
section() { log | sed -n "/^=== $1\$/,/^=== end\$/p" | sed '1d;$d'; }

check "ext2: mount -t ext2 /dev/ram0" "$(section mount)" grep -qx "mount: ok" <(section mount)
read_ok() {
	local a b
	a=$(md5sum <"$SRC/t/ind" | cut -d' ' -f1)
	b=$(md5sum <"$SRC/t/sub/small" | cut -d' ' -f1)
	section read | grep -qx "$a  /mnt/t/ind" &&
		section read | grep -qx "$b  /mnt/t/sub/small" &&
		section read | grep -qx "ind"
}
check "ext2: files of mke2fs -d read as the host's" "$(section read | tr '\n' ';')" read_ok
check "ext2: umount of a busy file system refused" "$(log | grep 'busy umount')" \
	grep -qx "busy umount: refused" <(log)
check "ext2: df shows the disk" "$(section df | tail -1)" grep -q "/mnt" <(section df)
check "ext2: umount" "no 'umount: ok'" grep -qx "umount: ok" <(log)
section disk | base64 -d 2>/dev/null | gunzip >"$WORK/back.img" 2>/dev/null
fsck_ok() { e2fsck -fn "$WORK/back.img" >"$LOGDIR/ext2-fsck.log" 2>&1; }
check "ext2: e2fsck -fn finds the disk clean after the workload" \
	"$(tail -5 "$LOGDIR/ext2-fsck.log" 2>/dev/null | tr '\n' ';')" fsck_ok
sums_ok() {
	local n=0 sum f want
	rm -rf "$WORK/dump" && mkdir "$WORK/dump" &&
		debugfs -R "rdump /w $WORK/dump" "$WORK/back.img" >/dev/null 2>&1 || return 1
	while read -r sum f; do
		want=$(md5sum <"$WORK/dump/$f" | cut -d' ' -f1) || return 1
		[ "$sum" = "$want" ] || { echo "$f"; return 1; }
		n=$((n + 1))
	done < <(section sums)
	[ "$n" -gt 100 ] # ~130 files
}
check "ext2: debugfs reads the guest's files with the guest's md5sums" \
	"$(sums_ok) differs" sums_ok
check "ext2: no panic" "$(log | grep -m1 panic)" bash -c "! grep -q panic '$BOOT_LOG'"
exit $suite_status
