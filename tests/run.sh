#!/usr/bin/env bash
# Run every rastOS test and print one summary line "N passed, N failed".
#
#   tests/run.sh [SUITE...]      (default: all suites)
#
# A suite is an executable that prints "PASS: name" / "FAIL: name: why"
# lines: the host unit tests (tests/host/run.sh) and the QEMU suites
# (tests/qemu/*.sh). Suites run two at a time (this machine has two cores;
# QEMU TCG uses one each); each one's output goes to build/test-logs/ and
# is shown when it ends. A suite that exits non-zero without reporting a
# failure, or reports nothing at all, counts as a failure: a test that did
# not run is not a pass.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOGS=build/test-logs
JOBS=${JOBS:-2}
# Every boot checks lock order and poisons the heap (scripts/lib-image.sh;
# test= boots do anyway).
export RASTOS_DEBUG=1
mkdir -p "$LOGS"

suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
    suites=(tests/host/run.sh tests/fuzz/run.sh)
    for s in tests/qemu/*.sh; do
        case $(basename "$s") in
        # lib.sh is no suite; linux-disk-selftest.sh checks the Linux
        # reference for disks and runs only when named.
        lib.sh | linux-disk-selftest.sh) ;;
        *) suites+=("$s") ;;
        esac
    done
fi

echo "== building"
if ! make -s all host-tests >"$LOGS/build.log" 2>&1; then
    cat "$LOGS/build.log"
    echo "FAIL: build"
    echo "0 passed, 1 failed"
    exit 1
fi

# The log of a suite: tests/qemu/boot-iso.sh -> build/test-logs/qemu-boot-iso.log
log_of() {
    local name=${1%.sh}
    name=${name#tests/}
    echo "$LOGS/${name//\//-}.log"
}

run_suite() {
    local suite=$1 log start=$SECONDS
    log=$(log_of "$1")
    "$suite" >"$log" 2>&1
    local rc=$?
    local fails passes
    passes=$(grep -c '^PASS: ' "$log")
    fails=$(grep -c '^FAIL: ' "$log")
    if [ "$rc" -ne 0 ] && [ "$fails" -eq 0 ]; then
        echo "FAIL: $suite: exited with status $rc and reported no failure" >>"$log"
    elif [ "$passes" -eq 0 ] && [ "$fails" -eq 0 ]; then
        echo "FAIL: $suite: reported no results" >>"$log"
    fi
    echo "# $suite: $((SECONDS - start)) s" >>"$log"
}

running=0
for s in "${suites[@]}"; do
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
    echo "== starting $s"
    run_suite "$s" &
    running=$((running + 1))
done
wait

passed=0 failed=0
for s in "${suites[@]}"; do
    log=$(log_of "$s")
    echo "== $s"
    grep -E '^(PASS|FAIL|#)' "$log"
    passed=$((passed + $(grep -c '^PASS: ' "$log")))
    failed=$((failed + $(grep -c '^FAIL: ' "$log")))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
