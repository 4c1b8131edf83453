#!/usr/bin/env bash
# Bad disks on AHCI, in one boot with five of them: nothing panics or
# hangs, each fault gets its errno and a kernel log line, and the system
# goes on to the next.
#   sda: no file system at all (zeroes)      -> mount: EINVAL, a log line
#   sdb: an unknown incompatible feature     -> refused, a log line naming it
#   sdc: a directory whose block is garbage  -> a lookup in it: EUCLEAN;
#                                               the rest reads
#   sdd: a file whose block number is past the end of the disk
#                                            -> cat: EUCLEAN or EIO
#   sde: Debian's default ext4 (extents, 64bit, metadata_csum, journal)
#                                            -> mounted read-only, files
#                                               read, a write: EROFS
. "$(dirname "$0")/lib.sh"

for tool in mke2fs debugfs; do
	command -v "$tool" >/dev/null || PATH=$PATH:/sbin:/usr/sbin
done
ROOT_DIR=$WORK/root
SRC=$WORK/src

build() {
	mkdir -p "$ROOT_DIR"/{bin,dev,proc,mnt} "$SRC/d" || return
	cp /bin/busybox "$ROOT_DIR/bin/" || return
	echo "a file that reads fine" >"$SRC/ok"
	head -c 5000 /dev/urandom >"$SRC/noise"
	head -c 3000 /dev/urandom >"$SRC/big"
	for i in 1 2 3; do echo "$i" >"$SRC/d/f$i"; done
	truncate -s 4M "$WORK/zero.img"
	mke2fs -q -F -t ext2 -b 1024 -d "$SRC" "$WORK/feature.img" 4M &&
		# s_feature_incompat (superblock offset 0x60) gains bit 15,
		# which no ext2/3/4 defines.
		printf '\200' | dd of="$WORK/feature.img" bs=1 seek=$((1024 + 0x61)) \
			conv=notrunc status=none &&
		mke2fs -q -F -t ext2 -b 1024 -d "$SRC" "$WORK/dir.img" 4M &&
		noise=$(debugfs -R "bmap /noise 0" "$WORK/dir.img" 2>/dev/null) &&
		debugfs -w -R "sif /d block[0] $noise" "$WORK/dir.img" &&
		mke2fs -q -F -t ext2 -b 1024 -d "$SRC" "$WORK/ind.img" 4M &&
		debugfs -w -R "sif /big block[1] 3999999999" "$WORK/ind.img" &&
		mke2fs -q -F -t ext4 -d "$SRC" "$WORK/ext4.img" 8M
}
if ! build >"$LOGDIR/baddisk-build.log" 2>&1; then
	cat "$LOGDIR/baddisk-build.log"
	fail "baddisk: building the images failed"
	exit 1
fi

cat >"$ROOT_DIR/init" <<'GUEST'
#!/bin/busybox sh
export PATH=/bin
busybox mount -t proc proc /proc
busybox mount -t devtmpfs dev /dev
try() { # NAME COMMAND...: the command's status and message, one line
	name=$1
	shift
	out=$("$@" 2>&1 >/dev/null)
	echo "BAD $name: status $? ${out##*: }"
}
try mount-zero busybox mount -t ext2 /dev/sda /mnt
try mount-feature busybox mount -t ext2 /dev/sdb /mnt
busybox mount -t ext2 /dev/sdc /mnt && echo "BAD mount-dir: ok"
busybox ls /mnt/d # busybox's ls ignores readdir's errors; the log has it
try cat-dir busybox cat /mnt/d/f1
busybox cat /mnt/ok
try umount-dir busybox umount /mnt
busybox mount -t ext2 /dev/sdd /mnt && echo "BAD mount-ind: ok"
try cat-ind busybox cat /mnt/big
busybox cat /mnt/ok
try umount-ind busybox umount /mnt
try mount-ext4 busybox mount -t ext4 /dev/sde /mnt
busybox grep ' /mnt ' /proc/mounts | busybox sed 's/^/BAD mounts: /'
busybox cat /mnt/ok
try write-ext4 busybox touch /mnt/new
try umount-ext4 busybox umount /mnt
echo "BAD: still running"
busybox poweroff -f
GUEST
chmod 755 "$ROOT_DIR/init"
(cd "$ROOT_DIR" && find . | cpio -o -H newc --quiet) >"$WORK/bad.cpio"

boot baddisk --until '^BAD: still running|^panic' -- --initrd "$WORK/bad.cpio" \
	--cmdline "loglevel=warn" --disk "$WORK/zero.img" --disk "$WORK/feature.img" \
	--disk "$WORK/dir.img" --disk "$WORK/ind.img" --disk "$WORK/ext4.img"

line() { tr -d '\r' <"$BOOT_LOG" | grep -E -- "$1"; }
has() { line "$1" >/dev/null; }
expect() { # NAME REGEX: a log line matches
	check "baddisk: $1" "no line /$2/ in $BOOT_LOG" has "$2"
}

expect "no file system: mount fails with EINVAL" '^BAD mount-zero: status [1-9][0-9]* Invalid argument$'
expect "no file system: the kernel says why" '^ext2 \(sda\): no ext2 superblock'
expect "unknown incompatible feature: refused" '^BAD mount-feature: status [1-9][0-9]* Invalid argument$'
expect "unknown incompatible feature: named in the log" '^ext2 \(sdb\): unsupported incompatible features 0x8000'
expect "garbage directory block: mounted" '^BAD mount-dir: ok$'
expect "garbage directory block: a lookup in it gives EUCLEAN" '^BAD cat-dir: status [1-9][0-9]* Structure needs cleaning$'
expect "garbage directory block: logged" '^ext2 \(sdc\): corrupt: '
expect "garbage directory block: the file beside it reads" '^a file that reads fine$'
expect "garbage directory block: umount" '^BAD umount-dir: status 0 *$'
expect "block past the end: cat fails" '^BAD cat-ind: status [1-9][0-9]* (Structure needs cleaning|I/O error)$'
expect "block past the end: logged" '^ext2 \(sdd\): corrupt: '
expect "block past the end: umount" '^BAD umount-ind: status 0 *$'
expect "ext4: mounted" '^BAD mount-ext4: status 0 *$'
expect "ext4: read-only in /proc/mounts" '^BAD mounts: /dev/sde /mnt ext4 ro[, ]'
expect "ext4: a write gives EROFS" '^BAD write-ext4: status [1-9][0-9]* Read-only file system$'
check "baddisk: ext4: its file reads" "see $BOOT_LOG" \
	test "$(line '^a file that reads fine$' | wc -l)" -ge 3
expect "the system goes on" '^BAD: still running$'
check "baddisk: no panic" "see $BOOT_LOG" eval "! has '^panic'"
exit $suite_status
