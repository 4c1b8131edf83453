#!/usr/bin/env bash
# The screen consoles, seen from outside. Two boots without tests, each
# left at the kernel monitor's prompt, with the QEMU monitor on a pipe:
#   - a framebuffer (1280x1024x32): a screendump (PPM) whose every character
#     cell must show, pixel for pixel, the glyph of the built-in font for
#     what the kernel printed on serial (including the lines printed before
#     the screen console started: the replayed log);
#   - VGA text mode: the text buffer at 0xb8000, read with the monitor's
#     xp, must hold the same characters and colours; its screendump (drawn
#     by QEMU with the VGA's own font) must not be blank.
# In both, Alt+F2 on the emulated keyboard (the monitor's sendkey) must
# then show virtual terminal 2, blank with the cursor home, and Alt+F1
# VT 1 again, exactly as it was (the same screendump or text buffer).
# tests/tools/screencheck.c does the comparing.
. "$(dirname "$0")/lib.sh"

TOOL=build/tests/tools/screencheck
FONT=build/fonts/console.psf
SETTLE_S=1 # the serial log unchanged this long: the screen is drawn too
SWITCH_TRIES=20 # looks at the screen, 0.3 s apart, after a VT switch key

# log_settled FILE: wait until FILE has stopped growing (at most 10 s).
log_settled() {
    local size=-1 tries=0
    while [ "$(stat -c %s "$1")" != "$size" ] && [ $((tries += 1)) -le 10 ]; do
        size=$(stat -c %s "$1")
        sleep "$SETTLE_S"
    done
}

# file_done FILE: wait until FILE exists and has stopped growing (<= 5 s).
file_done() {
    local size=-1 tries=0
    while [ $((tries += 1)) -le 25 ]; do
        if [ -s "$1" ] && [ "$(stat -c %s "$1")" = "$size" ]; then
            return 0
        fi
        [ -e "$1" ] && size=$(stat -c %s "$1")
        sleep 0.2
    done
}

# monitor CMD: send one command to the QEMU monitor of the current boot.
monitor() {
    echo "$1" >&"$mon_fd"
}

# screen_start NAME ISO: boot ISO to the monitor prompt, with the QEMU
# monitor's output in $LOGDIR/NAME.monitor; the serial log so far (\r and
# all: what the screen shows) in $WORK/NAME.serial. Sets BOOT_LOG.
screen_start() {
    local name=$1 iso=$2 pipe
    pipe=$WORK/$name-mon
    BOOT_LOG=$LOGDIR/$name.log
    MON_LOG=$LOGDIR/$name.monitor
    mkfifo "$pipe.in" "$pipe.out"
    scripts/run-qemu.sh --iso "$iso" --timeout "$BOOT_TIMEOUT" -- \
        -chardev "pipe,id=mon0,path=$pipe" -mon chardev=mon0,mode=readline \
        </dev/null >"$BOOT_LOG" 2>"$LOGDIR/$name.stderr" &
    qemu=$!
    exec {mon_fd}<>"$pipe.in"
    cat "$pipe.out" >"$MON_LOG" &
    reader=$!
    while ! grep -q '^rastOS: boot complete' "$BOOT_LOG" 2>/dev/null && kill -0 "$qemu" 2>/dev/null; do
        sleep 0.2
    done
    log_settled "$BOOT_LOG"
    cp "$BOOT_LOG" "$WORK/$name.serial"
}

# screen_stop: quit QEMU, drop the \r of the serial log. Sets BOOT_RC.
screen_stop() {
    monitor "quit"
    wait "$qemu"
    BOOT_RC=$?
    exec {mon_fd}>&-
    kill "$reader" 2>/dev/null
    wait "$reader" 2>/dev/null
    tr -d '\r' <"$WORK/$(basename "$BOOT_LOG" .log).serial" >"$BOOT_LOG"
}

# ppm_dump FILE: a screendump of the running boot.
ppm_dump() {
    rm -f "$1"
    monitor "screendump $1"
    file_done "$1"
}

# xp_dump FILE: the 80x25 VGA text buffer as the monitor's xp prints it,
# the lines of this dump only.
xp_dump() {
    local start tries=0
    start=$(stat -c %s "$MON_LOG")
    monitor "xp /2000hx 0xb8000"
    while [ $((tries += 1)) -le 50 ] &&
        ! tail -c +$((start + 1)) "$MON_LOG" | grep -q '^00000000000b8f90:'; do
        sleep 0.1
    done
    tail -c +$((start + 1)) "$MON_LOG" | grep '^00000000000b8' >"$1"
}

# switch_until KEY CHECK...: press KEY, then run CHECK until it succeeds:
# the kernel switches VTs in its keyboard interrupt, a moment after QEMU
# sends the key (at most SWITCH_TRIES looks).
switch_until() {
    local key=$1 i
    shift
    monitor "sendkey $key"
    for ((i = 0; i < SWITCH_TRIES; i++)); do
        sleep 0.3
        "$@" && return 0
    done
    return 1
}

# What a fresh VT shows: nothing, the cursor home (screencheck wants the
# kernel's first line, so the blank screen is made by erasing it).
printf 'rastOS \r\033[K' >"$WORK/blank.serial"

# console_size PATTERN: "COLS ROWS" from the kernel's "console: ..." line.
console_size() {
    tr -d '\r' <"$BOOT_LOG" | sed -nE "s/^console: $1.* ([0-9]+)x([0-9]+)( cells.*)?\$/\\1 \\2/p" | head -n 1
}

# screencheck NAME ARGS...: run the checker; sets CHECK_RC and CHECK_WHY
# (the start of its report), and keeps the report in $LOGDIR/NAME.check.
screencheck() {
    local name=$1
    shift
    "$TOOL" "$@" >"$LOGDIR/$name.check" 2>&1
    CHECK_RC=$?
    CHECK_WHY=$(grep -v '^screencheck: console line' "$LOGDIR/$name.check" | head -n 3 | tr '\n' ' ')
}

# ---------------------------------------------------------- framebuffer
for f in "$TOOL" "$FONT"; do
    [ -e "$f" ] || fail "screen: $f missing (make host-tests builds it)"
done
# 1600x1200 (75 rows): the whole boot log must fit on the screen so that
# the lines replayed from before the console started are still visible.
# If the log outgrows it, this check fails with "console line at row -1".
scripts/make-iso.sh -o "$WORK/fb.iso" --resolution 1600x1200 --cmdline "loglevel=info" ||
    fail "screen: make-iso.sh failed"
screen_start screen-fb "$WORK/fb.iso"
read -r cols rows < <(console_size 'framebuffer [0-9]+x[0-9]+x32 ')
ppm_dump "$WORK/screen-fb.ppm"
# Alt+F2: VT 2, blank; Alt+F1: VT 1 as it was, the same screendump.
fb_vt2() {
    ppm_dump "$WORK/vt2.ppm"
    screencheck screen-fb-vt2 --log "$WORK/blank.serial" --cols "$cols" --rows "$rows" \
        --font "$FONT" --ppm "$WORK/vt2.ppm"
    [ "$CHECK_RC" -eq 0 ]
}
fb_back() {
    ppm_dump "$WORK/back.ppm"
    cmp "$WORK/screen-fb.ppm" "$WORK/back.ppm" >"$LOGDIR/screen-fb-back.check" 2>&1
}
vt2_rc=1 back_rc=1
if [ -n "$rows" ]; then
    switch_until alt-f2 fb_vt2 && vt2_rc=0
    switch_until alt-f1 fb_back && back_rc=0
fi
screen_stop
check "screen-fb: QEMU quit from its monitor" "run-qemu.sh status $BOOT_RC (3 = QEMU exited)" \
    test "$BOOT_RC" -eq 3
check "screen-fb: kernel reached its prompt" "no 'rastOS: boot complete' in $BOOT_LOG" \
    grep -q '^rastOS: boot complete' "$BOOT_LOG"
read -r cols rows < <(console_size 'framebuffer [0-9]+x[0-9]+x32 ')
check "screen-fb: framebuffer console started" "log: $(grep -m1 '^console:' "$BOOT_LOG" || echo 'no console line')" \
    test -n "$rows"
if [ -n "$rows" ] && [ -s "$WORK/screen-fb.ppm" ]; then
    args=(--log "$WORK/screen-fb.serial" --cols "$cols" --rows "$rows" --font "$FONT")
    screencheck screen-fb "${args[@]}" --ppm "$WORK/screen-fb.ppm"
    check "screen-fb: every cell shows the font's glyph for the serial text" "$CHECK_WHY" \
        test "$CHECK_RC" -eq 0
    row=$(sed -nE 's/^screencheck: console line at row (-?[0-9]+)$/\1/p' "$LOGDIR/screen-fb.check")
    check "screen-fb: lines from before the console started are on screen" \
        "the console's own line is at row ${row:-?}" test "${row:--1}" -gt 0
    # The checker must notice a single wrong pixel (in the first glyph).
    cp "$WORK/screen-fb.ppm" "$WORK/tampered.ppm"
    header=$(head -c 20 "$WORK/tampered.ppm" | head -n 3 | wc -c)
    printf '\x12\x34\x56' | dd of="$WORK/tampered.ppm" bs=1 seek=$((header + 3 * (1280 * 5 + 2))) \
        conv=notrunc status=none
    screencheck screen-fb-tampered "${args[@]}" --ppm "$WORK/tampered.ppm"
    check "screen-fb: the checker notices one changed pixel" "it said: $CHECK_WHY" \
        test "$CHECK_RC" -eq 1
    check "screen-fb: Alt+F2 shows VT 2, blank, the cursor home" \
        "$(head -n 3 "$LOGDIR/screen-fb-vt2.check" | tr '\n' ' ')" test "$vt2_rc" -eq 0
    check "screen-fb: Alt+F1 shows VT 1 again, pixel for pixel" \
        "$(head -n 1 "$LOGDIR/screen-fb-back.check")" test "$back_rc" -eq 0
else
    fail "screen-fb: no screendump or console size to check"
fi

# ---------------------------------------------------------- VGA text
scripts/make-iso.sh -o "$WORK/text.iso" --resolution text --cmdline "loglevel=info" ||
    fail "screen: make-iso.sh failed"
screen_start screen-text "$WORK/text.iso"
ppm_dump "$WORK/screen-text.ppm"
xp_dump "$WORK/screen-text.xp"
text_vt2() {
    xp_dump "$WORK/vt2.xp"
    screencheck screen-text-vt2 --log "$WORK/blank.serial" --cols 80 --rows 25 \
        --vga "$WORK/vt2.xp"
    [ "$CHECK_RC" -eq 0 ]
}
text_back() {
    xp_dump "$WORK/back.xp"
    cmp "$WORK/screen-text.xp" "$WORK/back.xp" >"$LOGDIR/screen-text-back.check" 2>&1
}
vt2_rc=1 back_rc=1
switch_until alt-f2 text_vt2 && vt2_rc=0
switch_until alt-f1 text_back && back_rc=0
screen_stop
check "screen-text: QEMU quit from its monitor" "run-qemu.sh status $BOOT_RC (3 = QEMU exited)" \
    test "$BOOT_RC" -eq 3
read -r cols rows < <(console_size 'VGA text')
check "screen-text: VGA text console started" "log: $(grep -m1 '^console:' "$BOOT_LOG" || echo 'no console line')" \
    test "$cols" = 80 -a "$rows" = 25
screencheck screen-text --log "$WORK/screen-text.serial" --cols 80 --rows 25 \
    --vga "$WORK/screen-text.xp"
check "screen-text: the text buffer holds the serial text" "$CHECK_WHY" test "$CHECK_RC" -eq 0
screencheck screen-text-blank --not-blank "$WORK/screen-text.ppm"
check "screen-text: the screendump is not blank" "$CHECK_WHY" test "$CHECK_RC" -eq 0
check "screen-text: Alt+F2 shows VT 2, blank" \
    "$(head -n 3 "$LOGDIR/screen-text-vt2.check" | tr '\n' ' ')" test "$vt2_rc" -eq 0
check "screen-text: Alt+F1 shows VT 1 again, the same text buffer" \
    "$(head -n 1 "$LOGDIR/screen-text-back.check")" test "$back_rc" -eq 0
exit $suite_status
