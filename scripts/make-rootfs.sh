#!/usr/bin/env bash
# Pack the initramfs of `make run`: a small busybox system (gzip'd newc cpio).
#
#   scripts/make-rootfs.sh OUT.cpio.gz
#
#   /bin/busybox     Debian's busybox-static ($BUSYBOX, default /bin/busybox)
#   /bin/sh, ...     a symlink per applet, where `busybox --list-full` puts it
#   /init            -> /bin/busybox: busybox init, which reads /etc/inittab
#   /etc/...         user/rootfs/etc: inittab (shells on ttyS0 and tty1..3),
#                    init.d/rcS (mounts /dev, /dev/pts, /proc, /sys, /tmp),
#                    profile, passwd, group, hostname, motd
#   /proc /sys /dev /tmp /run /root /mnt /var/log   empty directories
# Every file is owned by root. Exit status: 0 done, 1 failure, 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ $# -eq 1 ] || { echo "usage: scripts/make-rootfs.sh OUT.cpio.gz" >&2 && exit 2; }
out=$1

[ -x "$BUSYBOX" ] || "$ROOT/scripts/deps.sh" run
if ! [ -x "$BUSYBOX" ] || readelf -l "$BUSYBOX" 2>/dev/null | grep -q INTERP; then
	echo "make-rootfs.sh: $BUSYBOX is not a static busybox (package busybox-static)" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rastos-rootfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/root
mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,mnt,var/log}
chmod 1777 "$dir/tmp"
cp "$BUSYBOX" "$dir/bin/busybox"
chmod 755 "$dir/bin/busybox"
# A symlink per applet, relative to the root (/bin/sh -> busybox).
"$BUSYBOX" --list-full | while read -r path; do
	[ "$path" != bin/busybox ] || continue
	mkdir -p "$dir/$(dirname "$path")"
	[ -e "$dir/$path" ] || ln -s /bin/busybox "$dir/$path"
done
ln -s /bin/busybox "$dir/init"
cp -r "$ROOT/user/rootfs/etc" "$dir/etc"
chmod 755 "$dir/etc/init.d/rcS"

mkdir -p "$(dirname "$out")"
(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
