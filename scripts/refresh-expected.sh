#!/usr/bin/env bash
# Record what Linux prints for the user-space tests: the expected output
# that tests/qemu/user.sh compares rastOS with.
#
#   scripts/refresh-expected.sh [--check [--smp N]] [--only user|busybox|dynamic]
#
# Builds the test initramfs (scripts/make-user-initramfs.sh), boots it on
# Debian's Linux with ../shared/tools/linux-ref (or $LINUX_REF), splits the
# serial log at the runner's markers (scripts/split-sections.sh) into
# tests/expected/user/NAME.out, then does the same for the busybox
# initramfs into tests/expected/busybox/NAME.out, and the dynamic
# executables' (scripts/make-dyn-initramfs.sh) into
# tests/expected/dynamic/NAME.out. --only records one of the three.
# syscall_fuzz is not
# recorded (its counts are rastOS's own business). A program that does not
# exit 0 on Linux is a bug in the test: the script then fails and writes
# nothing. --check writes nothing either but compares with the checked-in
# files (to see that the output is stable from one boot to the next);
# with --smp N the check boots Linux on N CPUs (QEMU run directly with the
# kernel linux-ref downloaded), since rastOS runs the tests on 4 and the
# output must not depend on the CPU count.
# Logs: build/user/linux-ref-*.log. Exit status: 0 done (or no
# difference), 1 failure or difference.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
LINUX_REF=${LINUX_REF:-$ROOT/../shared/tools/linux-ref}
[ -x "$LINUX_REF" ] || LINUX_REF=/work/shared/tools/linux-ref
check=0 smp=1 only=
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=1 ;;
	--smp) smp=$2 && shift ;;
	--only) only=$2 && shift ;;
	*) echo "usage: scripts/refresh-expected.sh [--check [--smp N]] [--only user|busybox|dynamic]" >&2 && exit 2 ;;
	esac
	shift
done
[ "$smp" = 1 ] || [ "$check" = 1 ] || {
	echo "refresh-expected: --smp is for --check only (expected files come from linux-ref)" >&2
	exit 2
}

# linux_boot ROOTDIR LOG: run ROOTDIR/init on Linux, serial output to LOG.
linux_boot() {
	if [ "$smp" = 1 ]; then
		"$LINUX_REF" --timeout 600 "$1" >"$2" 2>&1 || true
		return
	fi
	local kernel
	kernel=$(ls "${LINUX_REF_CACHE:-$HOME/.cache/linux-ref}"/vmlinuz-* | head -n 1)
	(cd "$1" && find . | cpio -o -H newc --quiet) >"$tmp/initrd.cpio"
	timeout 600 qemu-system-x86_64 -accel tcg -smp "$smp" -m 512 \
		-display none -serial stdio -monitor none -no-reboot \
		-kernel "$kernel" -initrd "$tmp/initrd.cpio" \
		-append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 |
		tr -d '\r' >"$2" || true
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# record EXPECTED-DIR MAKER [OPTION]: boot the initramfs that MAKER lays
# out into a directory, split, compare or replace the expected files.
record() {
	local dest=$1 name log got=$tmp/got-$1
	shift
	[ -z "$only" ] || [ "$only" = "$(basename "$dest")" ] || return 0
	log=$BUILD/user/linux-ref-$(basename "$dest").log
	rm -rf "$tmp/root"
	"$@" "$tmp/root"
	mkdir -p "$BUILD/user"
	echo "refresh-expected: booting Linux ($smp CPU) with $dest ($log)" >&2
	linux_boot "$tmp/root" "$log"
	grep -q '^@@@ DONE' "$log" || {
		echo "refresh-expected: no '@@@ DONE' in $log" >&2
		return 1
	}
	scripts/split-sections.sh "$log" "$got"
	rm -f "$got/syscall_fuzz.out"
	local bad=0
	for f in "$got"/*.out; do
		name=$(basename "$f" .out)
		if ! tail -n 1 "$f" | grep -qE "^@@@ END $name exit 0\$"; then
			echo "refresh-expected: $name: $(tail -n 1 "$f") on Linux" >&2
			bad=1
		fi
	done
	[ "$bad" = 0 ] || return 1
	if [ "$check" = 1 ]; then
		if diff -ru "$dest" "$got" -x order >"$tmp/diff"; then
			echo "refresh-expected: $dest unchanged" >&2
		else
			cat "$tmp/diff"
			return 1
		fi
	else
		rm -rf "$dest"
		mkdir -p "$dest"
		cp "$got"/*.out "$dest/"
		echo "refresh-expected: wrote $(ls "$dest" | wc -l) files to $dest" >&2
	fi
}

record tests/expected/user scripts/make-user-initramfs.sh || status=1
record tests/expected/busybox scripts/make-user-initramfs.sh --busybox || status=1
record tests/expected/dynamic scripts/make-dyn-initramfs.sh || status=1
exit $status
