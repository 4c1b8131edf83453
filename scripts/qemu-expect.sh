#!/usr/bin/env bash
# Run rastOS in QEMU for a test: capture the serial output, and stop early
# once an expected line shows up.
#
#   scripts/qemu-expect.sh --log FILE --timeout S [--until REGEX] -- RUN-QEMU-ARGS...
#
# Runs scripts/run-qemu.sh RUN-QEMU-ARGS with stdin from /dev/null and its
# serial output (stdout) written to FILE, then every 0.2 s looks for a line
# matching REGEX (grep -E) in FILE. QEMU is stopped as soon as one matches, or
# when S seconds (may be fractional) have passed. Carriage returns are
# stripped from FILE at the end. QEMU's own messages (stderr) are shown
# afterwards, less its "terminating on signal" notice.
#
# Exit status: 0 when REGEX matched (even if QEMU also ended by itself), 124
# on the timeout, 2 on a usage error, otherwise that of run-qemu.sh when QEMU
# ended by itself (0 = the kernel reported success, 1 = failure, 3 = QEMU
# exited otherwise, ...: see run-qemu.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
USAGE="usage: scripts/qemu-expect.sh --log FILE --timeout S [--until REGEX] -- RUN-QEMU-ARGS..."

log='' timeout='' until='' have_until=0
tmp='' pid=''

usage_error() {
    echo "qemu-expect.sh: $*" >&2
    echo "$USAGE" >&2
    exit 2
}

# now_us: the time in microseconds.
now_us() {
    local t=$EPOCHREALTIME
    echo $((10#${t//[!0-9]/}))
}

# seconds_to_us S: S seconds (like 5 or 0.5) in microseconds.
seconds_to_us() {
    local int=${1%%.*} frac=
    [[ $1 != *.* ]] || frac=${1#*.}
    frac=${frac}000000
    echo $((10#$int * 1000000 + 10#${frac:0:6}))
}

# matched: whether a line of the log matches the --until regex.
matched() {
    [ "$have_until" = 1 ] && grep -qE -- "$until" < <(tr -d '\r' <"$log")
}

# stop_qemu: end run-qemu.sh and everything it started (its process group).
stop_qemu() {
    local tries=10
    [ -n "$pid" ] || return 0
    kill -TERM -- "-$pid" 2>/dev/null || true
    while [ $((tries -= 1)) -ge 0 ] && kill -0 "$pid" 2>/dev/null; do
        sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=''
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    stop_qemu
    [ -z "$tmp" ] || rm -rf "$tmp"
}

while [ $# -gt 0 ]; do
    case $1 in
    --log | --timeout | --until)
        [ $# -ge 2 ] || usage_error "option $1 needs a value"
        case $1 in
        --log) log=$2 ;;
        --timeout) timeout=$2 ;;
        --until) until=$2 && have_until=1 ;;
        esac
        shift 2
        ;;
    --)
        shift
        break
        ;;
    -h | --help) echo "$USAGE" && exit 0 ;;
    *) usage_error "unknown argument '$1'" ;;
    esac
done
[ -n "$log" ] || usage_error "--log FILE is required"
[[ $timeout =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_error "--timeout takes seconds, not '$timeout'"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rastos-expect.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
: >"$log"

# set -m: run-qemu.sh gets a process group of its own (its id is $pid),
# which stop_qemu signals as a whole: run-qemu.sh, timeout, QEMU, tee.
set -m
"$ROOT/scripts/run-qemu.sh" "$@" </dev/null >"$log" 2>"$tmp/stderr" &
pid=$!
set +m

deadline=$(($(now_us) + $(seconds_to_us "$timeout")))
while :; do
    if matched; then
        result=0
        break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then # QEMU ended by itself
        wait "$pid" && result=0 || result=$?
        pid=''
        ! matched || result=0 # lines that came with QEMU's last breath
        break
    fi
    if [ "$(now_us)" -ge "$deadline" ]; then
        result=124
        break
    fi
    sleep 0.2
done
stop_qemu

tr -d '\r' <"$log" >"$tmp/log"
cat "$tmp/log" >"$log"
grep -v 'terminating on signal' "$tmp/stderr" >&2 || true
exit "$result"
