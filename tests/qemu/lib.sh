# shellcheck shell=bash
# Helpers for the QEMU test suites (sourced). A suite boots rastOS in a few
# configurations and prints "PASS: name" / "FAIL: name: why" lines, both for
# the kernel's own KTAP results and for facts the harness checks in the log.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
LOGDIR=${LOGDIR:-$ROOT/build/test-logs/qemu}
mkdir -p "$LOGDIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
suite_status=0

pass() { echo "PASS: $*"; }
fail() {
    echo "FAIL: $*"
    suite_status=1
}

# check NAME COND-DESCRIPTION COMMAND...: PASS if COMMAND succeeds.
check() {
    local name=$1 why=$2
    shift 2
    if "$@"; then pass "$name"; else fail "$name: $why"; fi
}

# boot NAME [--until REGEX] -- RUN-QEMU-ARGS...: boot once; the serial log
# goes to $LOGDIR/NAME.log; sets BOOT_RC and BOOT_LOG.
boot() {
    local name=$1
    shift
    local until=()
    if [ "$1" = --until ]; then
        until=(--until "$2")
        shift 2
    fi
    [ "$1" = -- ] && shift
    BOOT_LOG=$LOGDIR/$name.log
    scripts/qemu-expect.sh --log "$BOOT_LOG" --timeout "$BOOT_TIMEOUT" \
        "${until[@]}" -- "$@" 2>"$LOGDIR/$name.stderr"
    BOOT_RC=$?
}

# field REGEX: the first capture group of the first log line matching the
# sed -E expression REGEX (which must capture one group).
field() {
    sed -nE "s/$1/\\1/p" "$BOOT_LOG" | head -n 1
}

# ktap NAME: turn the kernel's KTAP lines into PASS/FAIL lines, and fail if
# the plan and the results disagree (a crash mid-run, for instance).
ktap() {
    local name=$1 plan got=0 line
    plan=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$BOOT_LOG" | head -n 1)
    while IFS= read -r line; do
        got=$((got + 1))
        case $line in
        "not ok "*) fail "$name: ${line#not ok * }" ;;
        *) pass "$name: ${line#ok * }" ;;
        esac
    done < <(grep -E '^(not )?ok [0-9]+ ' "$BOOT_LOG" | sed -E 's/^((not )?ok) [0-9]+ /\1 0 /')
    if [ -z "$plan" ]; then
        fail "$name: no KTAP plan in the log (the kernel did not run its tests)"
    elif [ "$got" -ne "$plan" ]; then
        fail "$name: KTAP plan says $plan tests, $got reported"
    fi
}

# expect_boot NAME [--paging N] [--mem MiB] [--slide zero|nonzero]
#   [--cmdline S] [--fb yes|no] [--module PATH] [--cpus N]: the kernel ran its tests and
# exited cleanly, and the facts in its boot log are right.
expect_boot() {
    local name=$1
    shift
    check "$name: kernel ran and reported success" \
        "run-qemu.sh status $BOOT_RC (0 = success; see $BOOT_LOG)" \
        test "$BOOT_RC" -eq 0
    ktap "$name"
    check "$name: loaded by rastboot" "no 'boot: loader rastboot' line" \
        grep -q '^boot: loader rastboot ' "$BOOT_LOG"
    check "$name: kernel page tables are W^X" "$(grep -m1 'W^X' "$BOOT_LOG" || echo 'no W^X line')" \
        grep -q '^security: W^X ok' "$BOOT_LOG"
    while [ $# -gt 0 ]; do
        case $1 in
        --paging) check "$name: $2-level paging" "log says '$(field '^boot: paging (.*)$')'" \
            grep -q "^boot: paging $2-level\$" "$BOOT_LOG" ;;
        --mem) check_mem "$name" "$2" ;;
        --slide) check_slide "$name" "$2" ;;
        --cmdline) check "$name: command line passed" "log says $(field '^boot: cmdline (.*)$')" \
            grep -qF "boot: cmdline \"$2\"" "$BOOT_LOG" ;;
        --fb) check_fb "$name" "$2" ;;
        --cpus) check "$name: $2 CPUs reported" "log says '$(field '^boot: (cpus.*)$')'" \
            grep -q "^boot: cpus $2, BSP APIC ID" "$BOOT_LOG" ;;
        --module) check "$name: module $2 loaded" "no 'boot: module $2' line" \
            grep -q "^boot: module $2 [0-9]* bytes" "$BOOT_LOG" ;;
        *) fail "$name: expect_boot: unknown check $1" ;;
        esac
        shift 2
    done
}

# The memory map's RAM total is within 2% (at least 2 MiB) of QEMU's -m.
check_mem() {
    local name=$1 mib=$2 ram want diff tol
    ram=$(field '^boot: memory [0-9]+ entries, usable [0-9]+ KiB, ram ([0-9]+) KiB$')
    want=$((mib * 1024))
    tol=$((want / 50 > 2048 ? want / 50 : 2048))
    if [ -z "$ram" ]; then
        fail "$name: memory map total: no 'boot: memory' line"
        return
    fi
    diff=$((ram > want ? ram - want : want - ram))
    check "$name: memory map total close to -m $mib" "ram $ram KiB, want $want KiB +- $tol" \
        test "$diff" -le "$tol"
}

check_slide() {
    local name=$1 want=$2 slide
    slide=$(field '^boot: kernel phys 0x[0-9a-f]+ virt 0x[0-9a-f]+ slide (0x[0-9a-f]+)$')
    SLIDE=$slide
    if [ -z "$slide" ]; then
        fail "$name: KASLR: no 'boot: kernel ... slide' line"
    elif [ "$want" = zero ]; then
        check "$name: no KASLR slide" "slide $slide" test $((slide)) -eq 0
    else
        check "$name: KASLR slide" "slide $slide" test $((slide)) -ne 0
    fi
}

check_fb() {
    local name=$1 want=$2
    if [ "$want" = yes ]; then
        check "$name: framebuffer" "log says '$(field '^boot: (.*framebuffer.*)$')'" \
            grep -qE '^boot: framebuffer [0-9]+x[0-9]+x32 pitch [0-9]+$' "$BOOT_LOG"
    else
        check "$name: text mode, no framebuffer" "log says '$(field '^boot: (.*framebuffer.*)$')'" \
            grep -q '^boot: no framebuffer$' "$BOOT_LOG"
    fi
}

# expect_refusal NAME MESSAGE: rastboot refused with MESSAGE and halted.
expect_refusal() {
    local name=$1 msg=$2
    check "$name: refused in time" "run status $BOOT_RC (124 = hang; see $BOOT_LOG)" \
        test "$BOOT_RC" -eq 0
    check "$name: says '$msg'" "log: $(grep -m1 'rastboot: error' "$BOOT_LOG" || echo 'no error line')" \
        grep -qF "rastboot: error: $msg" "$BOOT_LOG"
}

# A small cpio (newc) archive to pass as a module.
make_cpio() {
    local dir=$WORK/cpio
    mkdir -p "$dir"
    echo "rastOS test module" >"$dir/hello.txt"
    (cd "$dir" && echo hello.txt | cpio -o -H newc --quiet) >"$1"
}

# plain_boot NAME MACHINE ISO: boot ISO with nothing but
# `qemu-system-x86_64 -machine MACHINE -cdrom ISO` (plus a serial log file
# and no window): the ISO must need no special devices. Passes when the
# kernel says "boot complete".
plain_boot() {
    local name=$1 machine=$2 iso=$3 log=$LOGDIR/$1.log qemu i
    : >"$log"
    qemu-system-x86_64 -machine "$machine" -cdrom "$iso" -display none \
        -serial "file:$log" -monitor none </dev/null 2>"$LOGDIR/$name.stderr" &
    qemu=$!
    for ((i = 0; i < BOOT_TIMEOUT * 5; i++)); do
        grep -q 'rastOS: boot complete' "$log" && break
        kill -0 "$qemu" 2>/dev/null || break
        sleep 0.2
    done
    kill "$qemu" 2>/dev/null
    wait "$qemu" 2>/dev/null
    check "$name: plain qemu -machine $machine -cdrom boots" "no 'rastOS: boot complete' in $log" \
        grep -q 'rastOS: boot complete' "$log"
}
