#!/usr/bin/env bash
# Record what Linux prints for the user-space tests: the expected output
# that tests/qemu/user.sh compares rastOS with.
#
#   scripts/refresh-expected.sh [--check]
#
# Builds the test initramfs (scripts/make-user-initramfs.sh), boots it on
# Debian's Linux with ../shared/tools/linux-ref (or $LINUX_REF), splits the
# serial log at the runner's markers (scripts/split-sections.sh) into
# tests/expected/user/NAME.out, then does the same for the busybox
# initramfs into tests/expected/busybox/NAME.out. syscall_fuzz is not
# recorded (its counts are rastOS's own business). A program that does not
# exit 0 on Linux is a bug in the test: the script then fails and writes
# nothing. --check writes nothing either but compares with the checked-in
# files (to see that the output is stable from one boot to the next).
# Logs: build/user/linux-ref-*.log. Exit status: 0 done (or no
# difference), 1 failure or difference.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
LINUX_REF=${LINUX_REF:-$ROOT/../shared/tools/linux-ref}
[ -x "$LINUX_REF" ] || LINUX_REF=/work/shared/tools/linux-ref
check=0
[ "${1:-}" != --check ] || check=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# record LAYOUT-OPTION EXPECTED-DIR: boot one initramfs, split, compare or
# replace the expected files.
record() {
	local opt=$1 dest=$2 name log got=$tmp/got-$2
	log=$BUILD/user/linux-ref-$(basename "$dest").log
	rm -rf "$tmp/root"
	scripts/make-user-initramfs.sh $opt "$tmp/root"
	mkdir -p "$BUILD/user"
	echo "refresh-expected: booting Linux with $dest ($log)" >&2
	"$LINUX_REF" --timeout 600 "$tmp/root" >"$log" 2>&1 || true
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

record "" tests/expected/user || status=1
record --busybox tests/expected/busybox || status=1
exit $status
