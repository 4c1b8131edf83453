#!/usr/bin/env bash
# Lay out and pack the initramfs of the dynamic-executables test: Debian's
# dynamically linked programs, unmodified, with the shared libraries they
# need, run by busybox sh as PID 1 (tests/qemu/dynamic.sh; expected output
# recorded on Linux by scripts/refresh-expected.sh --dynamic).
#
#   scripts/make-dyn-initramfs.sh OUTDIR | OUT.cpio
#
# Layout:
#   /init                          user/dynamic/init (#!/bin/busybox sh)
#   /bin/busybox                   Debian's busybox-static
#   /bin/{ls,sort,md5sum,bash}     the host's (coreutils, bash)
#   /lib/x86_64-linux-gnu/...      their libraries, as ldd finds them
#   /lib64/ld-linux-x86-64.so.2    the dynamic linker named by PT_INTERP
#   /etc/passwd, /etc/group        root, for ls -l's names
#   /data/...                      user/dynamic/ (words, table, numbers,
#                                  script.bash, jobs.bash), sums (md5sum -c's input)
#                                  and tree/: files, a folder, a symlink and
#                                  a hard link with fixed sizes, modes and
#                                  modification times
# An argument ending in .cpio gets the archive (gzip-compressed, as Linux
# takes it), anything else is a directory to fill (it must not exist yet).
# Exit status: 0 done, 1 failure, 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}
PROGRAMS=(ls sort md5sum bash)
USAGE="usage: scripts/make-dyn-initramfs.sh OUTDIR|OUT.cpio"

[ $# -eq 1 ] && [[ $1 != -* ]] || { echo "$USAGE" >&2 && exit 2; }
out=$1

die() {
	echo "make-dyn-initramfs.sh: $*" >&2
	exit 1
}

[ -x "$BUSYBOX" ] || "$ROOT/scripts/deps.sh" test
[ -x "$BUSYBOX" ] || die "no $BUSYBOX (package busybox-static)"

tmp=
if [[ $out == *.cpio ]]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/rastos-dyn.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dir=$tmp/root
else
	[ ! -e "$out" ] || die "$out already exists"
	dir=$out
fi
mkdir -p "$dir"/{bin,data,dev,etc,proc,tmp,lib64}
chmod 1777 "$dir/tmp"

# put SRC DEST MODE: a copy of the file SRC names (symlinks followed).
put() {
	mkdir -p "$(dirname "$dir/$2")"
	cp -L "$1" "$dir/$2"
	chmod "$3" "$dir/$2"
}

# The shared objects ldd names for a program: "=> /path" and the
# interpreter's own line (an absolute path without "=>").
libs_of() {
	ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}

put "$ROOT/user/dynamic/init" init 755
put "$BUSYBOX" bin/busybox 755
for p in "${PROGRAMS[@]}"; do
	path=$(command -v "$p") || die "no $p on this machine"
	put "$path" "bin/$p" 755
	libs=$(libs_of "$path") || die "ldd $path failed"
	[ -n "$libs" ] || die "ldd found no libraries for $path: not dynamic?"
	for lib in $libs; do
		[ -e "$dir$lib" ] || put "$lib" "${lib#/}" 755
	done
done
[ -f "$dir/lib64/ld-linux-x86-64.so.2" ] || die "no /lib64/ld-linux-x86-64.so.2 among the libraries"

echo "root:x:0:0:root:/root:/bin/bash" >"$dir/etc/passwd"
echo "root:x:0:" >"$dir/etc/group"

for f in words table numbers script.bash jobs.bash; do
	put "$ROOT/user/dynamic/$f" "data/$f" 644
done
(cd "$dir/data" && md5sum words table >sums &&
	echo "00000000000000000000000000000000  numbers" >>sums)

# The tree ls lists: every time fixed (one second apart, so -t has an
# order), the folders' last.
t=$dir/data/tree
mkdir -p "$t/sub"
printf 'alpha\n' >"$t/a.txt"
printf 'a longer file of bytes\n%.0s' {1..40} >"$t/big"
: >"$t/empty"
printf '#!/bin/bash\necho run\n' >"$t/run.sh"
printf 'secret\n' >"$t/private"
printf 'c\n' >"$t/sub/c.txt"
printf 'dddd\n' >"$t/sub/d.txt"
head -c 5000 /dev/zero >"$t/sub/zeros"
ln -s a.txt "$t/link"
ln "$t/a.txt" "$t/hard"
chmod 644 "$t/a.txt" "$t/big" "$t/empty" "$t/sub"/*
chmod 755 "$t/run.sh" "$t/sub" "$t"
chmod 600 "$t/private"
stamp=1700000000
for f in a.txt big empty run.sh private sub/c.txt sub/d.txt sub/zeros link sub .; do
	touch -h -d "@$stamp" "$t/$f"
	stamp=$((stamp + 1))
done

if [ -n "$tmp" ]; then
	mkdir -p "$(dirname "$out")"
	(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --quiet -R 0:0) | gzip -9 >"$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
fi
