#!/usr/bin/env bash
# Power off, reboot and the ACPI power button, on QEMU's pc and q35:
#  - power=off on the command line: the kernel enters ACPI S5 and QEMU
#    exits by itself (run-qemu.sh status 3), after "acpi: powering off
#    (S5)" in the log;
#  - power=reboot: the machine restarts (run with --allow-reboot, so QEMU
#    does not just exit): the loader's banner shows up a second time; on
#    q35 through the FADT reset register, on pc (an ACPI 1.0 FADT without
#    one) through the 8042;
#  - the power button: boot to the monitor prompt, press it with the QEMU
#    monitor's system_powerdown (over TCP on 127.0.0.1, a random port,
#    retried on a clash) and QEMU must exit after "acpi: power button
#    pressed, shutting down" and the S5 line.
. "$(dirname "$0")/lib.sh"

WAIT=30 # seconds for each thing to happen once booted
scripts/make-iso.sh -o "$WORK/off.iso" --cmdline "power=off" >/dev/null &&
    scripts/make-iso.sh -o "$WORK/reboot.iso" --cmdline "power=reboot" >/dev/null &&
    scripts/make-iso.sh -o "$WORK/plain.iso" >/dev/null ||
    { fail "power: make-iso.sh failed" && exit 1; }

qemu_pid=''
cleanup() {
    [ -z "$qemu_pid" ] || { kill -TERM "$qemu_pid" 2>/dev/null && wait "$qemu_pid"; }
    rm -rf "$WORK"
}
trap cleanup EXIT

# log_count LOG REGEX: how many lines of LOG match (0 if there is no LOG yet).
log_count() {
    local n
    n=$(grep -cE -- "$2" "$1" 2>/dev/null)
    echo "${n:-0}"
}

# not_in_log LOG REGEX: no line of LOG matches.
not_in_log() { ! grep -qE -- "$2" "$1"; }

# wait_count LOG REGEX N SECONDS: until N lines of LOG match REGEX (0),
# QEMU ends or time runs out (1).
wait_count() {
    local deadline=$((SECONDS + $4))
    while [ "$(log_count "$1" "$2")" -lt "$3" ]; do
        [ $SECONDS -lt $deadline ] && kill -0 "$qemu_pid" 2>/dev/null || return 1
        sleep 0.2
    done
}

# wait_exit SECONDS: sets EXIT_STATUS to QEMU's (qemu-expect.sh's) exit
# status, or 124 if it is still running after SECONDS.
wait_exit() {
    local i
    EXIT_STATUS=124
    for ((i = 0; i < $1 * 5; i++)); do
        if ! kill -0 "$qemu_pid" 2>/dev/null; then
            wait "$qemu_pid"
            EXIT_STATUS=$?
            qemu_pid=''
            return
        fi
        sleep 0.2
    done
}

stop_qemu() {
    [ -z "$qemu_pid" ] || { kill -TERM "$qemu_pid" 2>/dev/null && wait "$qemu_pid"; }
    qemu_pid=''
}

# start NAME RUN-QEMU-ARGS...: QEMU in the background, log in $LOGDIR/NAME.log.
start() {
    local name=$1
    shift
    LOG=$LOGDIR/$name.log
    rm -f "$LOG"
    scripts/qemu-expect.sh --log "$LOG" --timeout $((BOOT_TIMEOUT + 2 * WAIT)) \
        -- "$@" 2>"$LOGDIR/$name.stderr" &
    qemu_pid=$!
}

test_poweroff() {
    local m=$1 name=poweroff-$1
    boot "$name" -- --iso "$WORK/off.iso" --machine "$m"
    check "$name: QEMU exits by itself" "run-qemu.sh status $BOOT_RC, not 3 (see $BOOT_LOG)" \
        test "$BOOT_RC" -eq 3
    check "$name: ACPI S5 announced" "no 'acpi: powering off (S5)' in $BOOT_LOG" \
        grep -q '^acpi: powering off (S5)$' "$BOOT_LOG"
    check "$name: no fallback halt" "the machine stayed on after S5" \
        not_in_log "$BOOT_LOG" 'still on after S5'
}

test_reboot() {
    local m=$1 name=reboot-$1 how=$2
    start "$name" --iso "$WORK/reboot.iso" --machine "$m" --allow-reboot
    check "$name: the machine boots again" "the loader banner is not twice in $LOG" \
        wait_count "$LOG" '^rastboot 0\.1\.0' 2 $((BOOT_TIMEOUT + WAIT))
    stop_qemu
    check "$name: through $how" "no line '$how' in $LOG" grep -qF "$how" "$LOG"
}

# boot_with_monitor NAME MACHINE: boot to "boot complete" with the QEMU
# monitor on a TCP port, opened as fd $mon_fd.
boot_with_monitor() {
    local name=$1 m=$2 port
    for _ in 1 2 3; do
        port=$((20000 + RANDOM % 40000))
        start "$name" --iso "$WORK/plain.iso" --machine "$m" -- \
            -monitor "tcp:127.0.0.1:$port,server,nowait"
        wait_count "$LOG" 'rastOS: boot complete' 1 "$BOOT_TIMEOUT" && break
        kill -0 "$qemu_pid" 2>/dev/null && return 1 # up, but no boot
        wait "$qemu_pid"
        qemu_pid=''
        grep -q 'Address already in use' "$LOGDIR/$name.stderr" || return 1
    done
    [ -n "$qemu_pid" ] && exec {mon_fd}<>"/dev/tcp/127.0.0.1/$port"
}

test_power_button() {
    local m=$1 name=button-$1
    if ! boot_with_monitor "$name" "$m"; then
        fail "$name: booted with a QEMU monitor: see $LOG"
        stop_qemu
        return
    fi
    check "$name: power button armed" "no 'acpi: power button armed' in $LOG" \
        grep -q '^acpi: power button armed' "$LOG"
    sleep 1 # let the monitor prompt settle
    echo system_powerdown >&"$mon_fd"
    wait_exit "$WAIT"
    exec {mon_fd}>&-
    stop_qemu
    check "$name: QEMU exits after system_powerdown" \
        "status $EXIT_STATUS, not 3 (see $LOG)" test "$EXIT_STATUS" -eq 3
    check "$name: the press is reported" "no 'acpi: power button pressed' in $LOG" \
        grep -q 'acpi: power button pressed, shutting down' "$LOG"
    check "$name: ACPI S5 after the press" "no S5 line in $LOG" \
        grep -q '^acpi: powering off (S5)$' "$LOG"
}

for m in pc q35; do
    test_poweroff "$m"
done
test_reboot pc "power: rebooting through the 8042"
test_reboot q35 "acpi: rebooting through the reset register (io 0xcf9, 0xf)"
for m in pc q35; do
    test_power_button "$m"
done
exit $suite_status
