#!/usr/bin/env bash
# The host unit tests: each build/tests/host/test_* binary (sanitizers on),
# with the inputs it needs. Prints their PASS/FAIL lines.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BIN=build/tests/host
status=0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for t in "$BIN"/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    args=()
    case $name in
    test_fs*) # the filesystem tests read images made once, here
        if [ ! -d "$work/fs" ] &&
            ! tests/host/make-fs-images.sh "$work/fs" >"$work/fs.log" 2>&1; then
            cat "$work/fs.log"
            echo "FAIL: $name: could not make the filesystem images"
            status=1
            continue
        fi
        args=("$work/fs")
        ;;
    test_cpio) # also reads archives GNU cpio makes, here
        if [ ! -d "$work/cpio" ] &&
            ! tests/host/make-cpio-fixture.sh "$work/cpio" >"$work/cpio.log" 2>&1; then
            cat "$work/cpio.log"
            echo "FAIL: $name: could not make the cpio archives"
            status=1
            continue
        fi
        args=("$work/cpio")
        ;;
    test_partitions) # images made by the host's sfdisk and sgdisk
        if [ ! -d "$work/part" ] &&
            ! tests/host/make-part-images.sh "$work/part" >"$work/part.log" 2>&1; then
            cat "$work/part.log"
            echo "FAIL: $name: could not make the partitioned images"
            status=1
            continue
        fi
        args=("$work/part")
        ;;
    test_elf_exec) args=(build/tests/host/fixtures) ;;
    test_config) args=(tests/corpus/config) ;;
    test_elf) args=(build/kernel/kernel.elf) ;;
    esac
    "$t" "${args[@]}" || status=1
done
tests/host/check-arch-includes.sh || status=1

# The kernel without its debug checks (make SPINLOCK_DEBUG=0 MM_DEBUG=0):
# an option nothing else builds, so it is compiled here to keep it working.
if make -s -j2 BUILD="$work/nodebug" SPINLOCK_DEBUG=0 MM_DEBUG=0 kernel \
    >"$work/nodebug.log" 2>&1; then
    echo "PASS: build: the kernel without debug checks (SPINLOCK_DEBUG=0 MM_DEBUG=0)"
else
    tail -n 20 "$work/nodebug.log"
    echo "FAIL: build: the kernel without debug checks (SPINLOCK_DEBUG=0 MM_DEBUG=0)"
    status=1
fi
exit $status
