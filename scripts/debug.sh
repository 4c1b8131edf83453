#!/usr/bin/env bash
# Debug rastOS with GDB: start QEMU halted at the reset vector with its GDB
# stub on :1234 (scripts/run-qemu.sh --gdb) in the background, then run gdb
# with scripts/gdb/rastos.gdb attached to it. Quitting gdb stops QEMU.
#
#   scripts/debug.sh ISO
#
# The serial output goes to build/debug-serial.log (watch it with tail -f),
# QEMU's messages to build/debug-qemu.log. GDB stops at the kernel's entry
# (kmain) with the kernel's symbols loaded at their KASLR-slid addresses
# (the rastos-kernel command of scripts/gdb/rastos.gdb); set breakpoints
# there and `continue`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PORT=1234 # fixed by QEMU's -s, which run-qemu.sh --gdb uses

if [ $# -ne 1 ] || [ "${1:0:1}" = - ]; then
    echo "usage: scripts/debug.sh ISO" >&2
    exit 2
fi
[ -f "$1" ] || { echo "debug.sh: no ISO '$1'" >&2 && exit 2; }
iso=$(realpath "$1")
mkdir -p "$BUILD"
serial_log=$(realpath "$BUILD")/debug-serial.log
qemu_log=$(realpath "$BUILD")/debug-qemu.log
pid=''

# listening: whether something listens on TCP port $PORT (no connection made:
# QEMU's stub takes one client at a time).
listening() {
    local hex
    hex=$(printf '%04X' "$PORT")
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
        awk -v p=":$hex" '$2 ~ p "$" && $4 == "0A" { found = 1 } END { exit !found }'
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [ -n "$pid" ]; then
        kill -TERM -- "-$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}

if listening; then
    echo "debug.sh: TCP port $PORT is already in use (another QEMU --gdb?)" >&2
    exit 1
fi
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# set -m: QEMU in a process group of its own, so that Ctrl-C in gdb (which
# interrupts the guest) does not reach QEMU too.
set -m
"$ROOT/scripts/run-qemu.sh" --gdb --iso "$iso" --serial-log "$serial_log" \
    </dev/null >/dev/null 2>"$qemu_log" &
pid=$!
set +m

tries=50
until listening; do
    if ! kill -0 "$pid" 2>/dev/null || [ $((tries -= 1)) -lt 0 ]; then
        echo "debug.sh: QEMU did not start its GDB stub:" >&2
        cat "$qemu_log" >&2
        exit 1
    fi
    sleep 0.1
done

# rastos-kernel runs to the kernel's entry and loads its symbols at the
# slide rastboot chose, so KASLR needs no special ISO.
gdb_args=(-q -x scripts/gdb/rastos.gdb -ex "target remote :$PORT" -ex rastos-kernel)
echo "debug.sh: serial output in $serial_log" >&2
cd "$ROOT"
gdb "${gdb_args[@]}"
