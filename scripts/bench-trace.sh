#!/usr/bin/env bash
# Count, instruction by instruction, what the kernel executes for a few
# system calls of one benchmark probe (user/bench/probes.c), per function:
# the exact figures behind make bench's virtual ns (under -icount one
# instruction is one ns), where the sampling profiler of bench-profile.sh
# only sees interrupt-enabled points. QEMU runs with its GDB stub; gdb
# single-steps the kernel (scripts/gdb/insn_count.py), without KASLR.
#
#   scripts/bench-trace.sh [--skip N] [--calls N] PROBE FUNCTION
#
# PROBE: a probe's name without "user_" (pwrite_pread_4k, getpid, ...).
# FUNCTION: a kernel function the probe's system call reaches
# (sys_pwrite64); after --skip calls of it (default 100: warm caches), the
# next --calls kernel entries (default 2: system calls, faults,
# interrupts, whichever task makes them) are traced from the entry to the
# next user-mode instruction.
# In the environment: TRACE_DETAIL=f,g lists those functions instruction
# by instruction; TRACE_SUM=1 adds up the entries in one table (a fork,
# its child's faults and exit, the wait); TRACE_CALLERS=f,g counts the
# calls of those functions by caller.
# Exit status: 0 done, 1 failure, 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
USAGE="usage: scripts/bench-trace.sh [--skip N] [--calls N] PROBE FUNCTION"
skip=100 calls=2 args=()
while [ $# -gt 0 ]; do
    case $1 in
    --skip | --calls)
        [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || { echo "$USAGE" >&2 && exit 2; }
        [ "$1" = --skip ] && skip=$2 || calls=$2
        shift ;;
    -h | --help) echo "$USAGE" && exit 0 ;;
    -*) echo "bench-trace.sh: unknown option $1" >&2 && echo "$USAGE" >&2 && exit 2 ;;
    *) args+=("$1") ;;
    esac
    shift
done
[ ${#args[@]} -eq 2 ] || { echo "$USAGE" >&2 && exit 2; }
probe=${args[0]} func=${args[1]}
make -s all user-bench >&2
# (grep reads all of nm's output: -q would stop early, and pipefail see
# nm's SIGPIPE)
[ "$(nm build/kernel/kernel.elf | grep -c " [tT] $func\$")" -gt 0 ] ||
    { echo "bench-trace.sh: no kernel function $func" >&2 && exit 2; }
tmp=$(mktemp -d)
qemu_pid=''
cleanup() {
    [ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
scripts/make-user-initramfs.sh --bench --no-build "$tmp/probes.cpio" >&2
scripts/run-qemu.sh --gdb --initrd "$tmp/probes.cpio" \
    --cmdline "loglevel=err nokaslr -- $probe" --mem 512 --smp 1 \
    </dev/null >"$tmp/serial.log" 2>"$tmp/qemu.log" &
qemu_pid=$!
for _ in $(seq 50); do
    grep -q ':1234' /proc/net/tcp 2>/dev/null || grep -q "$(printf ':%04X' 1234)" /proc/net/tcp && break
    sleep 0.2
done
KERNEL_ELF=build/kernel/kernel.elf timeout 900 gdb -q -batch \
    -ex "set pagination off" -ex "target remote :1234" \
    -ex "set \$trace_stop = \"$func\"" -ex "set \$trace_skip = $skip" \
    -ex "set \$trace_calls = $calls" \
    -x scripts/gdb/insn_count.py 2>&1 | grep '^trace: ' || {
    echo "bench-trace.sh: tracing failed; the serial log:" >&2
    tail -n 20 "$tmp/serial.log" >&2
    exit 1
}
