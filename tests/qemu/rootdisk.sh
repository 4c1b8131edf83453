#!/usr/bin/env bash
# The root file system from a SATA disk, with no initramfs: root=,
# rootfstype=, rootwait, rootdelay=, ro/rw and init= as Linux reads them.
# The host makes the disks (no root needed): an ext2 file system made by
# mke2fs -d from a tree holding Debian's busybox-static, its applets and
# an /sbin/init script, put with dd into partition 1 of a GPT (sgdisk)
# and of an MBR (sfdisk) image. The script prints ROOTTEST lines (its PID,
# the / and /dev lines of /proc/mounts, what a write to / gives) and ends
# with poweroff -f. Cases:
#   root=/dev/sda1 (pc): rw, a file written is on the image afterwards
#       (debugfs), and e2fsck -fn finds the file system clean;
#   root=PARTUUID=<GPT GUID> ro (q35): the write fails with EROFS, / is ro;
#   root=UUID=<ext2 UUID> rootfstype=ext2 rootwait rootdelay=1 (pc);
#   root=PARTUUID=<MBR id>-01 init=/bin/altinit (q35): the override runs;
#   root=/dev/sda1 with an initramfs that has /init: that runs instead;
#   root=/dev/sdz1 with rootwait=2, and without rootwait: one clear line,
#       then a clean power-off (no panic);
#   init= naming no file, and a partition without a file system: one
#       clear line each.
. "$(dirname "$0")/lib.sh"

BOOT_TIMEOUT=${ROOTDISK_TIMEOUT:-40}
TREE=$WORK/tree
FS=$WORK/fs.img
GPT=$WORK/gpt.img
MBR=$WORK/mbr.img
EMPTY=$WORK/empty.img
PART_GUID=6a1f3c2e-94b5-4d57-8c0e-3f2b9a7d51e4
FS_UUID=0f4e3d2c-1b0a-4998-8776-a5b4c3d2e1f0
MBR_ID=0x1234abcd
FS_MIB=8
START=2048 # the partition's first sector, on both tables

make_tree() {
	local a
	mkdir -p "$TREE/bin" "$TREE/sbin" "$TREE/proc" "$TREE/dev" "$TREE/tmp"
	cp /bin/busybox "$TREE/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$TREE/bin/$a"
	done
	cat >"$TREE/sbin/init" <<'GUEST'
#!/bin/sh
export PATH=/bin:/sbin
mount -t proc proc /proc
echo "ROOTTEST pid $$"
grep ' / ' /proc/mounts | sed 's/^/ROOTTEST root: /'
grep ' /dev ' /proc/mounts | sed 's/^/ROOTTEST dev: /'
if err=$(sh -c 'echo written by rastOS >/written' 2>&1); then
	echo "ROOTTEST write: ok"
else
	echo "ROOTTEST write: $err"
fi
sync
echo "ROOTTEST end"
poweroff -f
GUEST
	cat >"$TREE/bin/altinit" <<'GUEST'
#!/bin/sh
echo "ROOTTEST altinit pid $$"
poweroff -f
GUEST
	chmod 755 "$TREE/sbin/init" "$TREE/bin/altinit"
}

# put_fs IMG: the file system into partition 1 (at sector START).
put_fs() {
	dd if="$FS" of="$1" bs=512 seek=$START conv=notrunc status=none
}

build() {
	local sectors=$(((FS_MIB << 11) + START + 2048))
	make_tree &&
		mke2fs -q -F -t ext2 -U "$FS_UUID" -d "$TREE" "$FS" ${FS_MIB}M &&
		truncate -s $((sectors * 512)) "$GPT" "$MBR" "$EMPTY" &&
		sgdisk -n 1:$START:+${FS_MIB}M -t 1:8300 -u 1:$PART_GUID "$GPT" >/dev/null &&
		sgdisk -n 1:$START:+${FS_MIB}M "$EMPTY" >/dev/null &&
		printf 'label: dos\nlabel-id: %s\nstart=%s, size=%s, type=83\n' \
			$MBR_ID $START $((FS_MIB << 11)) | sfdisk -q "$MBR" &&
		put_fs "$GPT" && put_fs "$MBR"
}
if ! build >"$LOGDIR/rootdisk-build.log" 2>&1; then
	cat "$LOGDIR/rootdisk-build.log"
	fail "rootdisk: building the disks failed"
	exit 1
fi

not() { ! "$@"; }

# root_boot NAME MACHINE IMG CMDLINE: boot without an initramfs.
root_boot() {
	boot "rootdisk-$1" -- --machine "$2" --cmdline "$4" --disk "$3"
	check "rootdisk-$1: powered off cleanly" \
		"run-qemu.sh status $BOOT_RC (3: QEMU ended by itself; see $BOOT_LOG)" \
		eval 'test "$BOOT_RC" -eq 3 && grep -q "^acpi: powering off" "$BOOT_LOG"'
	check "rootdisk-$1: no panic" "$(grep -m1 -i panic "$BOOT_LOG")" \
		not grep -qi panic "$BOOT_LOG"
}

# root_line REGEX: the / line of /proc/mounts as the guest printed it.
root_line() {
	check "$NAME: / in /proc/mounts" "log says '$(field '^ROOTTEST root: (.*)$')'" \
		grep -qE "^ROOTTEST root: $1" "$BOOT_LOG"
}

booted_ok() {
	check "$NAME: /sbin/init ran as PID 1" "$(grep -m1 '^ROOTTEST pid' "$BOOT_LOG" || echo 'no ROOTTEST line')" \
		grep -q '^ROOTTEST pid 1$' "$BOOT_LOG"
	check "$NAME: devtmpfs on the disk's /dev" "log says '$(field '^ROOTTEST dev: (.*)$')'" \
		grep -q '^ROOTTEST dev: devtmpfs /dev devtmpfs' "$BOOT_LOG"
	check "$NAME: init ran to its end" "no 'ROOTTEST end'" grep -q '^ROOTTEST end' "$BOOT_LOG"
}

# by device name, read-write: the write reaches the image, fsck-clean
NAME=rootdisk-dev
root_boot dev pc "$GPT" "root=/dev/sda1"
booted_ok
root_line '/dev/sda1 / ext2 rw,'
check "$NAME: / is writable" "log says '$(field '^ROOTTEST write: (.*)$')'" \
	grep -q '^ROOTTEST write: ok$' "$BOOT_LOG"
dd if="$GPT" of="$WORK/after.img" bs=512 skip=$START count=$((FS_MIB << 11)) status=none
check "$NAME: the file written is on the disk (debugfs)" \
	"debugfs says '$(debugfs -R 'cat /written' "$WORK/after.img" 2>&1 | head -n 3)'" \
	test "$(debugfs -R 'cat /written' "$WORK/after.img" 2>/dev/null)" = "written by rastOS"
e2fsck -fn "$WORK/after.img" >"$LOGDIR/rootdisk-dev-e2fsck.log" 2>&1
fsck_rc=$?
check "$NAME: e2fsck -fn finds it clean" "status $fsck_rc (see $LOGDIR/rootdisk-dev-e2fsck.log)" \
	test "$fsck_rc" -eq 0

# by GPT partition GUID, read-only: EROFS
NAME=rootdisk-partuuid-ro
root_boot partuuid-ro q35 "$GPT" "root=PARTUUID=${PART_GUID^^} ro"
booted_ok
root_line '/dev/sda1 / ext2 ro,'
check "$NAME: a write fails with EROFS" "log says '$(field '^ROOTTEST write: (.*)$')'" \
	grep -q '^ROOTTEST write: .*Read-only file system' "$BOOT_LOG"

# by file system UUID, rootfstype, rootwait, rootdelay
NAME=rootdisk-uuid
root_boot uuid pc "$GPT" "root=UUID=$FS_UUID rootfstype=ext2 rootwait rootdelay=1"
booted_ok
root_line '/dev/sda1 / ext2 rw,'
check "$NAME: rootdelay honoured" "no 'root: waiting 1 s' line" \
	grep -q '^root: waiting 1 s (rootdelay)' "$BOOT_LOG"

# by MBR disk id and partition number, with init= overriding
NAME=rootdisk-mbr-init
root_boot mbr-init q35 "$MBR" "root=PARTUUID=${MBR_ID#0x}-01 init=/bin/altinit"
check "$NAME: init= ran instead of /sbin/init" \
	"$(grep -m1 ROOTTEST "$BOOT_LOG" || echo 'no ROOTTEST line')" \
	grep -q '^ROOTTEST altinit pid 1$' "$BOOT_LOG"

# an initramfs with /init: it runs, root= is left to it
NAME=rootdisk-initramfs
mkdir -p "$WORK/rd/bin" && cp /bin/busybox "$WORK/rd/bin/" &&
	printf '#!/bin/busybox sh\necho "ROOTTEST initramfs init"\n/bin/busybox poweroff -f\n' >"$WORK/rd/init" &&
	chmod 755 "$WORK/rd/init" &&
	(cd "$WORK/rd" && printf 'init\nbin\nbin/busybox\n' | cpio -o -H newc --quiet) >"$WORK/rd.cpio"
boot "$NAME" -- --machine pc --cmdline "root=/dev/sda1" --initrd "$WORK/rd.cpio" --disk "$GPT"
check "$NAME: the initramfs /init ran, not the disk's" \
	"$(grep -m1 -E 'ROOTTEST|^root:' "$BOOT_LOG" || echo 'no ROOTTEST line')" \
	eval 'grep -q "^ROOTTEST initramfs init" "$BOOT_LOG" && ! grep -q "^root: mounted" "$BOOT_LOG"'

# a device that never comes: one line, then power off
NAME=rootdisk-missing-wait
root_boot missing-wait pc "$GPT" "root=/dev/sdz1 rootwait=2"
check "$NAME: says it waits" "no 'root: waiting' line" \
	grep -q '^root: waiting for /dev/sdz1 (rootwait)' "$BOOT_LOG"
check "$NAME: the error line" "log says '$(grep -m1 '^root:.*cannot' "$BOOT_LOG")'" \
	grep -q '^root: cannot mount /dev/sdz1: no such device (waited 2 s)$' "$BOOT_LOG"
NAME=rootdisk-missing
root_boot missing q35 "$GPT" "root=sdz1"
check "$NAME: the error line" "log says '$(grep -m1 '^root:.*cannot' "$BOOT_LOG")'" \
	grep -qE '^root: cannot mount sdz1: no such device \(waited [0-9]+ s\)$' "$BOOT_LOG"

# an init= that is not there: one line, then power off
NAME=rootdisk-noinit
root_boot noinit pc "$GPT" "root=/dev/sda1 ro init=/bin/nonesuch"
check "$NAME: the error line" "log says '$(grep -m1 '^root:.*init' "$BOOT_LOG")'" \
	grep -q '^root: cannot run init=/bin/nonesuch (-2)$' "$BOOT_LOG"

# a partition without a file system
NAME=rootdisk-nofs
root_boot nofs pc "$EMPTY" "root=/dev/sda1"
check "$NAME: the error line" "log says '$(grep -m1 '^root:' "$BOOT_LOG")'" \
	grep -q '^root: cannot mount /dev/sda1 (/dev/sda1) as ext2: ' "$BOOT_LOG"
check "$NAME: no init ran" "$(grep -m1 ROOTTEST "$BOOT_LOG")" \
	not grep -q ROOTTEST "$BOOT_LOG"

exit $suite_status
