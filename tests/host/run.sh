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
    test_config) args=(tests/corpus/config) ;;
    test_elf) args=(build/kernel/kernel.elf) ;;
    esac
    "$t" "${args[@]}" || status=1
done
tests/host/check-arch-includes.sh || status=1
exit $status
