#!/usr/bin/env bash
# Install what building, running and testing rastOS needs on Debian 12.
# Idempotent and quiet: prints nothing and runs no apt-get when all is there.
#   scripts/deps.sh [build|run|test]   (default: test, the superset)
set -euo pipefail

what=${1:-test}
pkgs=(gcc make binutils nasm xorriso mtools dosfstools qemu-system-x86 cpio
	console-setup-linux # its /usr/share/consolefonts: the kernel font
	gdisk)		    # sgdisk: the GPT of the Limine disk image
case "$what" in
build) ;;
run) pkgs+=(ovmf busybox-static) ;; # OVMF: run-qemu.sh --uefi; busybox: make run's system
test) pkgs+=(ovmf clang llvm libclang-rt-14-dev musl-tools busybox-static gdb
	coreutils bash libc-bin # the dynamic test's programs and ldd
	fdisk gdisk # sfdisk, sgdisk: the partition tables of the block tests
	e2fsprogs   # mke2fs, e2fsck, debugfs: the ext2 tests' images and judges
	xz-utils) ;; # linux-disk.sh: Linux's modules, should they be compressed
*) echo "deps.sh: unknown set '$what'" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
