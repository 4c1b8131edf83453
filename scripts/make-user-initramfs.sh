#!/usr/bin/env bash
# Lay out and pack the initramfs of the user-space tests (newc cpio).
#
#   scripts/make-user-initramfs.sh [--busybox | --bench] [--no-build] OUTDIR | OUT.cpio
#
# Default layout (the test runner):
#   /init            the runner (build/user/init, user/runner.c)
#   /bin/NAME        every program of user/tests.list and the helpers
#   /bin/busybox     Debian's busybox-static (for the bbox test)
#   /data/...        user/data/ (scripts, text), plus ELF files broken on
#                    purpose from /bin/echoargs: elf_badmachine (e_machine
#                    aarch64), elf_rel (e_type ET_REL), elf_trunc (64 bytes)
# --busybox: busybox sh as PID 1:
#   /init            user/busybox/init (#!/bin/busybox sh)
#   /bin/busybox     Debian's busybox-static
#   /data/...        user/busybox/*.sh (script.sh, procfs.sh, the
#                    suite's area scripts and lib.sh), user/busybox/in/
#                    as /data/in/
# --bench: the user-space benchmarks (make bench, scripts/bench.sh):
#   /init            build/user/bench/bench_probes (user/bench/probes.c)
#   /bin/bench_true  build/user/bench/bench_true, what the exec probe runs
# An argument ending in .cpio gets the archive, anything else is a
# directory to fill (it must not exist yet). The programs are built first
# with `make user` unless --no-build. Exit status: 0 done, 1 failure, 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BUSYBOX=${BUSYBOX:-/bin/busybox}
USAGE="usage: scripts/make-user-initramfs.sh [--busybox | --bench] [--no-build] OUTDIR|OUT.cpio"

layout=tests build=1 out=
while [ $# -gt 0 ]; do
	case $1 in
	--busybox) layout=busybox ;;
	--bench) layout=bench ;;
	--no-build) build=0 ;;
	-h | --help) echo "$USAGE" && exit 0 ;;
	-*) echo "make-user-initramfs.sh: unknown option $1" >&2 && echo "$USAGE" >&2 && exit 2 ;;
	*)
		[ -z "$out" ] || { echo "$USAGE" >&2 && exit 2; }
		out=$1
		;;
	esac
	shift
done
[ -n "$out" ] || { echo "$USAGE" >&2 && exit 2; }

die() {
	echo "make-user-initramfs.sh: $*" >&2
	exit 1
}

if [ "$layout" != bench ]; then
	[ -x "$BUSYBOX" ] || "$ROOT/scripts/deps.sh" test
	[ -x "$BUSYBOX" ] || die "no $BUSYBOX (package busybox-static)"
fi
if [ "$build" = 1 ] && [ "$layout" = tests ]; then
	make -s -C "$ROOT" BUILD="$BUILD" user >&2 || die "make user failed"
elif [ "$build" = 1 ] && [ "$layout" = bench ]; then
	make -s -C "$ROOT" BUILD="$BUILD" user-bench >&2 || die "make user-bench failed"
fi

tmp=
if [[ $out == *.cpio ]]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/rastos-initramfs.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dir=$tmp/root
else
	[ ! -e "$out" ] || die "$out already exists"
	dir=$out
fi
mkdir -p "$dir/bin"
[ "$layout" = bench ] || mkdir -p "$dir/data"

# put SRC DEST MODE
put() {
	cp "$1" "$dir/$2"
	chmod "$3" "$dir/$2"
}

# A copy of ELF file $1 with byte $3 (decimal offset) set to $4, as $2.
patch_byte() {
	cp "$1" "$2"
	# shellcheck disable=SC2059 # the format is the byte itself
	printf "\\x$(printf %02x "$4")" | dd of="$2" bs=1 seek="$3" conv=notrunc status=none
}

if [ "$layout" = busybox ]; then
	put "$ROOT/user/busybox/init" init 755
	put "$BUSYBOX" bin/busybox 755
	for f in "$ROOT"/user/busybox/*.sh; do
		put "$f" "data/$(basename "$f")" 644
	done
	mkdir -p "$dir/data/in"
	for f in "$ROOT"/user/busybox/in/*; do
		put "$f" "data/in/$(basename "$f")" 644
	done
elif [ "$layout" = bench ]; then
	put "$BUILD/user/bench/bench_probes" init 755
	put "$BUILD/user/bench/bench_true" bin/bench_true 755
else
	put "$BUILD/user/init" init 755
	for f in "$BUILD"/user/bin/*; do
		put "$f" "bin/$(basename "$f")" 755
	done
	put "$BUSYBOX" bin/busybox 755
	for f in "$ROOT"/user/data/*; do
		put "$f" "data/$(basename "$f")" 755
	done
	chmod 644 "$dir/data/noexec" "$dir/data/hello.txt"
	echo=$BUILD/user/bin/echoargs
	patch_byte "$echo" "$dir/data/elf_badmachine" 18 183 # EM_AARCH64
	patch_byte "$echo" "$dir/data/elf_rel" 16 1          # ET_REL
	head -c 64 "$echo" >"$dir/data/elf_trunc"
	chmod 755 "$dir"/data/elf_*
fi

if [ -n "$tmp" ]; then
	mkdir -p "$(dirname "$out")"
	(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --quiet -R 0:0) >"$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
fi
