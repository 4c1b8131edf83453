#!/usr/bin/env bash
# make bench: boot once under QEMU with -icount shift=0,sleep=off and -m 512,
# run the benchmark KTESTs (suite bench: test=bench.*), print each figure
# next to the one in bench/results.txt, then write the new figures there
# (commit them with the change that moved them).
#
# The kernel prints "bench: NAME VALUE UNIT" lines. Under -icount shift=0
# QEMU executes one instruction per virtual nanosecond and its TSC counts
# virtual nanoseconds, so TSC differences are virtual ns: the same on any
# host, from run to run. bench.tsc_counts_instructions checks this (a
# dec/jnz loop must take 1000 ticks per 1000 instructions); a warning is
# printed if it does not.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RESULTS=bench/results.txt
log=$(mktemp)
new=$(mktemp)
trap 'rm -f "$log" "$new"' EXIT

status=0
scripts/run-qemu.sh --cmdline "test=bench.*" --mem 512 --icount --timeout 600 \
    >"$log" 2>&1 || status=$?
tr -d '\r' <"$log" |
    sed -nE 's/^bench: ([A-Za-z0-9_]+) ([0-9]+) ([A-Za-z]+).*$/\1 \2 \3/p' >"$new"
if [ "$status" -ne 0 ] || [ ! -s "$new" ]; then
    echo "bench: the benchmark boot failed (run-qemu.sh status $status):" >&2
    tail -n 40 "$log" >&2
    exit 1
fi

ratio=$(awk '$1 == "tsc_ticks_per_1000_insns" { print $2 }' "$new")
if [ -z "$ratio" ] || [ "$ratio" -lt 990 ] || [ "$ratio" -gt 1010 ]; then
    echo "bench: warning: TSC ticks per 1000 instructions is '${ratio}', not 1000:" \
        "the figures are not virtual ns" >&2
fi

printf '%-28s %12s %12s %9s\n' benchmark old new change
while read -r name value unit; do
    old=$(awk -v n="$name" '$1 == n { print $2 }' "$RESULTS" 2>/dev/null || true)
    change=new
    if [ -n "$old" ] && [ "$old" -gt 0 ]; then
        change=$(awk -v o="$old" -v n="$value" 'BEGIN { printf "%+.1f%%", (n - o) * 100 / o }')
    fi
    printf '%-28s %12s %12s %9s\n' "$name" "${old:--} " "$value $unit" "$change"
done <"$new"

{
    echo "# rastOS benchmarks, written by make bench (scripts/bench.sh): QEMU TCG,"
    echo "# -icount shift=0,sleep=off, -m 512; ns are virtual (1 instruction = 1 ns)."
    echo "# Later changes compare against these figures; commit them when they move."
    cat "$new"
} >"$RESULTS"
echo "bench: wrote $RESULTS"
