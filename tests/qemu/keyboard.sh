#!/usr/bin/env bash
# The PS/2 keyboard and the kernel monitor, end to end: boot without test=,
# wait for the "rastos> " prompt on the serial log, type on QEMU's emulated
# PS/2 keyboard with the QEMU monitor's sendkey, and check what the monitor
# echoes and prints; then boot again and type on the serial line. The QEMU
# monitor listens on a TCP port of 127.0.0.1 (a random one, retried on a
# clash) and is driven through bash's /dev/tcp, so the suite needs nothing
# beyond bash and QEMU (no socat).
. "$(dirname "$0")/lib.sh"

LOG=$LOGDIR/keyboard.log
WAIT=20 # seconds for the monitor to answer one typed line
qemu_pid='' mon_fd='' cat_pid='' serial_pid='' ser_fd=''

cleanup() {
    [ -z "$cat_pid" ] || kill "$cat_pid" 2>/dev/null
    [ -z "$serial_pid" ] || kill -TERM -- "-$serial_pid" 2>/dev/null
    [ -z "$qemu_pid" ] || { kill -TERM "$qemu_pid" 2>/dev/null && wait "$qemu_pid"; }
    rm -rf "$WORK"
}
trap cleanup EXIT

# log_has REGEX: a line of the serial log (CRs dropped) matches REGEX.
log_has() { tr -d '\r' 2>/dev/null <"$LOG" | grep -qE -- "$1"; }
log_count() { tr -d '\r' 2>/dev/null <"$LOG" | grep -cE -- "$1"; }

# wait_for REGEX SECONDS: until the log has REGEX (0), QEMU ends (1) or
# time runs out (1).
wait_for() {
    local deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        log_has "$1" && return 0
        kill -0 "$qemu_pid" 2>/dev/null || { log_has "$1"; return; }
        sleep 0.2
    done
    return 1
}

# wait_count REGEX N SECONDS: until N lines of the log match REGEX.
wait_count() {
    local deadline=$((SECONDS + $3))
    while [ "$(log_count "$1")" -lt "$2" ]; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}

# boot_qemu: start QEMU with a monitor on a free port and wait for the
# prompt; a port clash makes QEMU exit at once, and another port is tried.
boot_qemu() {
    local port
    for _ in 1 2 3; do
        rm -f "$LOG" # a stale prompt must not count
        port=$((20000 + RANDOM % 40000))
        scripts/qemu-expect.sh --log "$LOG" --timeout $((BOOT_TIMEOUT + 120)) -- \
            --cmdline "loglevel=info" -- -monitor "tcp:127.0.0.1:$port,server,nowait" \
            -trace enable=ps2_set_ledstate 2>"$LOGDIR/keyboard.stderr" &
        qemu_pid=$!
        wait_for '^rastos> ' "$BOOT_TIMEOUT" && break
        kill -0 "$qemu_pid" 2>/dev/null && return 1 # up, but no prompt
        grep -q 'Address already in use' "$LOGDIR/keyboard.stderr" || return 1
        wait "$qemu_pid"
        qemu_pid=''
    done
    [ -n "$qemu_pid" ] || return 1
    exec {mon_fd}<>"/dev/tcp/127.0.0.1/$port" || return 1
    cat <&"$mon_fd" >"$WORK/monitor.out" &
    cat_pid=$!
}

# send_keys KEY...: QEMU key names (a, shift-a, spc, ret, up, ...), each
# pressed and released in turn.
send_keys() {
    local k
    for k in "$@"; do
        printf 'sendkey %s\n' "$k" >&"$mon_fd"
        sleep 0.05
    done
}

# type_line TEXT: letters, digits and blanks as keys, then Enter.
type_line() {
    local text=$1 keys=() c i
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        case $c in
        ' ') keys+=(spc) ;;
        [A-Z]) keys+=("shift-${c,}") ;;
        *) keys+=("$c") ;;
        esac
    done
    send_keys "${keys[@]}" ret
}

# expect_line NAME REGEX: the log gets a line matching ^REGEX$ in time.
expect_line() {
    check "keyboard: $1" "no line '$2' in $LOG" wait_for "^$2\$" "$WAIT"
}

if ! boot_qemu; then
    fail "keyboard: booted to the monitor prompt: no 'rastos> ' in $LOG"
    exit 1
fi
pass "keyboard: booted to the monitor prompt"
check "keyboard: driver ready" "no 'keyboard: PS/2 keyboard ready' line" \
    log_has '^keyboard: PS/2 keyboard ready'

type_line "echo helloA"
expect_line "echo is echoed as typed" 'rastos> echo helloA'
expect_line "echo prints its text (shift+a types A)" 'helloA'

send_keys up ret # ESC [ A from the keyboard: the monitor recalls the line
check "keyboard: up arrow recalls the last line" "echo helloA did not run again" \
    wait_count '^helloA$' 2 "$WAIT"

send_keys e c h o spc caps_lock a b caps_lock c ret
expect_line "caps lock" 'ABc'

send_keys x y z ctrl-u e c h o spc n o p e backspace backspace backspace backspace o k a y ret
expect_line "backspace and ctrl-u edit the line" 'okay'

type_line "frobnicate now"
expect_line "unknown command" 'unknown command: frobnicate'

type_line "help"
expect_line "help lists the commands" ' +echo TEXT +print TEXT'

type_line "mem"
expect_line "mem sums the memory map" ' +usable +[0-9]+ KiB in [0-9]+ ranges?'

type_line "ticks"
expect_line "ticks count timer interrupts" 'ticks: [1-9][0-9]* \([0-9]+\.[0-9]{3} s at [0-9]+ Hz\)'

type_line "reboot"
expect_line "reboot announced" 'monitor: rebooting'
# QEMU runs with -no-reboot: the reset ends it (qemu-expect.sh status 3).
status=124
for ((i = 0; i < WAIT * 5; i++)); do
    if ! kill -0 "$qemu_pid" 2>/dev/null; then
        wait "$qemu_pid"
        status=$?
        break
    fi
    sleep 0.2
done
check "keyboard: reboot resets the machine" "QEMU status $status, not 3 (reset)" \
    test "$status" -eq 3
[ "$status" = 124 ] || qemu_pid=''
# QEMU's trace of the keyboard's LED state (on stderr, complete once QEMU
# has ended): Caps Lock on, then off again.
caps_led_toggled() {
    grep -A1 -m1 'ps2_set_ledstate .* ledstate 4$' "$LOGDIR/keyboard.stderr" |
        grep -q 'ledstate 0$'
}
check "keyboard: caps lock LED set and cleared" \
    "no ps2_set_ledstate 4 then 0 in $LOGDIR/keyboard.stderr" caps_led_toggled

# A second boot for serial input, which the monitor reads too: COM1's input
# is a FIFO that the test writes to (read-write open: no blocking on it).
serial_boot() {
    local fifo=$WORK/serial.in
    mkfifo "$fifo" && exec {ser_fd}<>"$fifo" || return 1
    LOG=$LOGDIR/keyboard-serial.log
    rm -f "$LOG"
    set -m # its own process group, which cleanup can stop as a whole
    scripts/run-qemu.sh --timeout $((BOOT_TIMEOUT + 60)) --cmdline "loglevel=info" --smp 2 \
        <"$fifo" >"$LOG" 2>"$LOGDIR/keyboard-serial.stderr" &
    serial_pid=$!
    set +m
    qemu_pid=$serial_pid # what wait_for watches
    wait_for '^rastos> ' "$BOOT_TIMEOUT"
}

if serial_boot; then
    printf 'echo via serial\r' >&"$ser_fd"
    expect_line "serial input reaches the monitor" 'via serial'
    # ps: what each CPU runs; the other CPU, stopped by an NMI, says where.
    printf 'ps\r' >&"$ser_fd"
    expect_line "ps shows the monitor's thread on a CPU" \
        '  cpu [01]: runs [0-9-]+ "kernel_init".*'
    expect_line "ps: the other CPU's NMI backtrace (idle)" \
        '  \[<[0-9a-f]+>\] idle_wait\+0x[0-9a-f]+/0x[0-9a-f]+'
    printf 'reboot\r' >&"$ser_fd"
    expect_line "reboot from the serial line" 'monitor: rebooting'
else
    fail "keyboard: serial boot reached the prompt: no 'rastos> ' in $LOG"
fi
qemu_pid=''
exit $suite_status
