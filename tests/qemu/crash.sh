#!/usr/bin/env bash
# Crash tests: one boot per deliberate kernel failure (the KTEST suite
# crash, kernel/arch/x86_64/cpu/crash_tests.c), booted with test=crash.NAME.
# The kernel must catch each failure and report it: a panic under test=
# ends QEMU through isa-debug-exit with failure, run-qemu.sh status 1
# (3 would mean a triple fault and reset, 124 a hang). The report must
# name the exception, decode its error code, give the faulting address the
# test announced ("crash: ... ADDRESS") and a symbolized backtrace line
# naming the function at fault. SMEP and SMAP need --cpu max; under qemu64
# those two must skip.
. "$(dirname "$0")/lib.sh"

BOOT_TIMEOUT=60

# crash_boot TEST CPU: boot test=crash.TEST; sets NAME, BOOT_LOG, BOOT_RC.
crash_boot() {
    local test=$1 cpu=$2 iso=$WORK/crash-$1.iso
    NAME=crash-$test-$cpu
    if [ ! -f "$iso" ] && ! scripts/make-iso.sh -o "$iso" --cmdline "test=crash.$test" \
        >"$WORK/$test.mk" 2>&1; then
        fail "$NAME: make-iso.sh failed: $(tail -1 "$WORK/$test.mk")"
        return 1
    fi
    boot "$NAME" -- --iso "$iso" --cpu "$cpu" --mem 256
}

# has WHAT REGEX: some line of the log matches REGEX (grep -E).
has() {
    check "$NAME: $1" "no line matching '$2' (see $BOOT_LOG)" grep -qE -- "$2" "$BOOT_LOG"
}

# trace FUNCTION: a backtrace line names FUNCTION (or a clone GCC made of
# it, such as recurse.isra.0).
trace() {
    has "backtrace names $1" "^ *\[<[0-9a-f]{16}>\] $1(\.[a-z]+\.[0-9]+)*\+0x"
}

# The address the test announced on its "crash: ..." line.
crash_addr() {
    field '^crash: .* ([0-9a-f]{16})$'
}

# expect_crash: the test reached its crash, the kernel panicked and ended
# the run, and the test did not carry on.
expect_crash() {
    check "$NAME: kernel caught it and exited (status 1)" \
        "run-qemu.sh status $BOOT_RC (1 = reported failure, 3 = triple fault or reset, 124 = hang)" \
        test "$BOOT_RC" -eq 1
    has "reached the crash" '^crash: '
    has "panicked" '^panic: '
    check "$NAME: did not run past the crash" "log: $(grep -m1 -E 'survived|^(not )?ok ' "$BOOT_LOG")" \
        not_in_log 'survived|^(not )?ok [0-9]'
}

not_in_log() { ! grep -qE -- "$1" "$BOOT_LOG"; }

# expect_pf ERROR WORDS FUNCTION [WHAT]: a #PF with that error code, at
# the announced address, in FUNCTION; WHAT, if given, is a word that the
# description of the address (memory management's vm_describe) must hold.
expect_pf() {
    local addr
    expect_crash
    addr=$(crash_addr)
    has "#PF reported" '^#PF page fault \(vector 14\) in kernel mode$'
    has "error $1: $2" "^#PF: error $1: $2\$"
    has "address $addr" "^#PF: address ${addr:-none} "
    trace "$3"
    [ -z "${4:-}" ] || has "address described as $4" "^#PF: address ${addr:-none} \(.*$4.*\)\$"
}

# The #DF of a stack overflow: CR2, the address that faulted, lies in the
# guard page just below the stack the test announced (16 KiB + 4 KiB).
cr2_in_guard() {
    local sp cr2
    sp=$(crash_addr)
    cr2=$(field '^CR0: [0-9a-f]+ CR2: ([0-9a-f]+) .*$')
    [ -n "$sp" ] && [ -n "$cr2" ] &&
        [ $((0x$sp - 0x$cr2)) -gt 0 ] && [ $((0x$sp - 0x$cr2)) -le 20480 ]
}

# expect_skip WHY: the test skipped itself and the run ended cleanly.
expect_skip() {
    check "$NAME: skipped, run ended cleanly" "run-qemu.sh status $BOOT_RC" test "$BOOT_RC" -eq 0
    has "skipped: $1" "^ok 1 crash\.[a-z_]+ # SKIP $1\$"
}

crash_boot page_fault qemu64 &&
    expect_pf 0x0 "not-present read kernel-mode" ktest_crash__page_fault unmapped

crash_boot text_write qemu64 &&
    expect_pf 0x3 "protection-violation write kernel-mode" ktest_crash__text_write "kernel text"

if crash_boot stack_overflow qemu64; then
    # The kernel skips rather than overrun an unguarded stack; but kmain
    # runs on a guarded kernel stack, so here a skip is a failure.
    if grep -q '^ok 1 crash.stack_overflow # SKIP' "$BOOT_LOG"; then
        fail "$NAME: skipped: $(sed -n 's/^ok 1 .* # SKIP //p' "$BOOT_LOG")"
    else
        expect_crash
        has "#DF reported" '^#DF double fault \(vector 8\) in kernel mode$'
        has "#DF names the stack overflow" '^#DF: last fault address [0-9a-f]+ \(guard page below kernel stack [0-9]+ \(stack overflow\)\)$'
        check "$NAME: CR2 in the guard page below the stack" \
            "stack pointer $(crash_addr), $(grep -m1 -o 'CR2: [0-9a-f]*' "$BOOT_LOG")" cr2_in_guard
        trace recurse
    fi
fi

crash_boot stack_canary qemu64 && {
    expect_crash
    has "stack smashing reported" '^panic: stack smashing detected in smash_my_stack$'
    trace smash_my_stack
    trace ktest_crash__stack_canary
}

crash_boot kwatch qemu64 && {
    expect_crash
    has "#DB reported" '^#DB debug exception \(vector 1\) in kernel mode$'
    has "kwatch names the variable" \
        "kwatch: write to 0x$(crash_addr) \(crash_watched\+0x0/0x8\)"
    trace ktest_crash__kwatch
}

crash_boot smep max && {
    has "SMEP on" '^security: SMEP on, SMAP on, UMIP on, NX on$'
    expect_pf 0x11 "protection-violation read kernel-mode instruction-fetch" ktest_crash__smep SMEP
}

crash_boot smap max &&
    expect_pf 0x1 "protection-violation read kernel-mode" ktest_crash__smap SMAP

crash_boot smep qemu64 && {
    has "no SMEP, SMAP, UMIP on qemu64" '^security: SMEP off, SMAP off, UMIP off, NX on$'
    expect_skip "no SMEP on this CPU"
}
crash_boot smap qemu64 && expect_skip "no SMAP on this CPU"
exit $suite_status
