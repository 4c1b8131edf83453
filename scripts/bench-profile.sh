#!/usr/bin/env bash
# Where a benchmark's kernel time goes: boot the user-space probes of
# make bench (user/bench/probes.c) under QEMU -icount shift=0,sleep=off
# with the kernel's sampling profiler on ("profile=US", kernel/debug/
# profile.c), run the named probes alone, and print their figures and the
# profile the kernel reports at power-off.
#
#   scripts/bench-profile.sh [--us N] PROBE...
#
# PROBE: a probe's name without "user_" (getpid, fork_exit_wait,
# fork_exec_wait, page_fault, context_switch, ...). --us: the sampling
# period in virtual microseconds (default 20; 1 us is 1000 instructions).
# The figures are slower than make bench's by the sampling's own cost.
# Exit status: 0 done, 1 failure, 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
USAGE="usage: scripts/bench-profile.sh [--us N] PROBE..."
us=20 probes=()
while [ $# -gt 0 ]; do
    case $1 in
    --us) [ $# -ge 2 ] || { echo "$USAGE" >&2 && exit 2; }; us=$2; shift ;;
    -h | --help) echo "$USAGE" && exit 0 ;;
    -*) echo "bench-profile.sh: unknown option $1" >&2 && echo "$USAGE" >&2 && exit 2 ;;
    *) probes+=("$1") ;;
    esac
    shift
done
[ ${#probes[@]} -gt 0 ] || { echo "$USAGE" >&2 && exit 2; }
case $us in '' | *[!0-9]* | 0) echo "bench-profile.sh: --us wants a positive number" >&2 && exit 2 ;; esac

make -s all user-bench >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/make-user-initramfs.sh --bench --no-build "$tmp/probes.cpio" >&2
status=0
scripts/qemu-expect.sh --log "$tmp/boot.log" --timeout 600 \
    --until '^rastos> |^panic: ' -- --initrd "$tmp/probes.cpio" \
    --cmdline "loglevel=err profile=$us -- ${probes[*]}" \
    --icount --mem 512 --smp 1 >/dev/null || status=$?
grep -E '^(bench: |# user_|profile: )' "$tmp/boot.log" || true
if [ "$status" -ne 3 ] || ! grep -q '^profile: ' "$tmp/boot.log"; then
    echo "bench-profile.sh: the boot failed (status $status):" >&2
    tail -n 20 "$tmp/boot.log" >&2
    exit 1
fi
