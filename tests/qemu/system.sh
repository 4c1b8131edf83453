#!/usr/bin/env bash
# The `make run` system, used as a person would: the busybox initramfs
# (scripts/make-rootfs.sh) booted in VGA text mode on 2 CPUs, typed at
# on the serial line (a FIFO) and on the PS/2 keyboard (the QEMU
# monitor's sendkey), the screen read back from the VGA text buffer (the
# monitor's xp).
#   serial (ttyS0): a command and its output, line editing (backspace,
#     ^U, ^W, the up arrow's history), ^C of a foreground sleep, job
#     control (&, jobs, fg, ^Z, bg, kill %1), a pipeline, /dev/tty and
#     stty's window size, vi writing a file, then at the end poweroff
#     (busybox init's shutdown) ending QEMU;
#   screen (tty1): a command typed on the keyboard and its output on the
#     screen, the up arrow; Alt+F2 shows tty2's "Please press Enter"
#     prompt, and a shell there after Enter.
# Each expected line is computed by the shell ($((6*7)) prints 42), so the
# echo of what was typed never counts as its output.
. "$(dirname "$0")/lib.sh"

WAIT=${SYSTEM_WAIT:-20} # seconds for one answer
LOG=$LOGDIR/system.log
MON_LOG=$LOGDIR/system.monitor
qemu='' reader='' ser_fd='' mon_fd=''

cleanup() {
	[ -z "$reader" ] || kill "$reader" 2>/dev/null
	[ -z "$qemu" ] || { kill -TERM -- "-$qemu" 2>/dev/null && wait "$qemu" 2>/dev/null; }
	rm -rf "$WORK"
}
trap cleanup EXIT

if ! scripts/make-rootfs.sh "$WORK/rootfs.cpio.gz" >"$LOGDIR/system-build.log" 2>&1 ||
	! scripts/make-iso.sh -o "$WORK/system.iso" --resolution text \
		--initrd "$WORK/rootfs.cpio.gz" --cmdline "loglevel=err" \
		>>"$LOGDIR/system-build.log" 2>&1; then
	cat "$LOGDIR/system-build.log"
	fail "system: building the busybox system failed"
	exit 1
fi

# ---- driving QEMU

text() { tr -d '\r' <"$LOG" 2>/dev/null; }

# count REGEX: lines of the serial log matching ^REGEX$.
count() { text | grep -cE -- "^$1\$"; }

# wait_lines REGEX N: until N lines match ^REGEX$ (0), or WAIT s pass.
wait_lines() {
	local deadline=$((SECONDS + WAIT))
	while [ "$(count "$1")" -lt "$2" ]; do
		[ $SECONDS -lt $deadline ] && kill -0 "$qemu" 2>/dev/null || return 1
		sleep 0.2
	done
}

# expect NAME REGEX [N]: a check that the log gets its Nth line ^REGEX$.
expect() {
	check "system: $1" "no line '$2' (x${3:-1}) in $LOG" wait_lines "$2" "${3:-1}"
}

# expect_in NAME REGEX: a line of the log contains REGEX (screen output
# full of escape sequences).
expect_in() {
	check "system: $1" "nothing matching '$2' in $LOG" wait_lines ".*$2.*" 1
}

# say BYTES: type on the serial line (printf format: \r, \003...).
say() {
	# shellcheck disable=SC2059
	printf "$1" >&"$ser_fd"
	sleep 0.3
}

monitor() { echo "$1" >&"$mon_fd"; }

# keys KEY...: press QEMU keys on the PS/2 keyboard.
keys() {
	local k
	for k in "$@"; do
		monitor "sendkey $k"
		sleep 0.1
	done
}

# type_keys TEXT: TEXT as key presses (letters, digits and the few
# punctuation marks used here), then Enter.
type_keys() {
	local t=$1 i c ks=()
	for ((i = 0; i < ${#t}; i++)); do
		c=${t:i:1}
		case $c in
		' ') ks+=(spc) ;;
		'$') ks+=(shift-4) ;;
		'(') ks+=(shift-9) ;;
		')') ks+=(shift-0) ;;
		'*') ks+=(shift-8) ;;
		'+') ks+=(shift-equal) ;;
		[A-Z]) ks+=("shift-${c,}") ;;
		*) ks+=("$c") ;;
		esac
	done
	keys "${ks[@]}" ret
}

# screen: the 80x25 VGA text buffer as text lines (xp's words, low bytes).
screen() {
	local start tries=0
	start=$(stat -c %s "$MON_LOG")
	monitor "xp /2000hx 0xb8000"
	while [ $((tries += 1)) -le 50 ] &&
		! tail -c +$((start + 1)) "$MON_LOG" | grep -q '^00000000000b8f90:'; do
		sleep 0.1
	done
	local words w c line='' n=0
	words=$(tail -c +$((start + 1)) "$MON_LOG" | tr -d '\r' | grep '^00000000000b8' |
		sed 's/^[^:]*://')
	for w in $words; do
		c=$((w & 0xff))
		((c >= 32 && c <= 126)) || c=32
		# shellcheck disable=SC2059
		line+=$(printf "\\$(printf '%03o' "$c")")
		((++n % 80)) || { printf '%s\n' "$line" && line=''; }
	done
}

# on_screen REGEX [N]: until the screen has N lines matching ^REGEX *$.
on_screen() {
	local i got
	for ((i = 0; i < WAIT * 2; i++)); do
		got=$(screen | grep -cE -- "^$1 *\$")
		[ "$got" -lt "${2:-1}" ] || return 0
		sleep 0.5
	done
	return 1
}

expect_screen() {
	check "system: $1" "no screen line '$2' (x${3:-1}); see $LOGDIR/system.screen" \
		on_screen "$2" "${3:-1}"
	screen >"$LOGDIR/system.screen"
}

mkfifo "$WORK/serial.in" "$WORK/mon.in" "$WORK/mon.out"
exec {ser_fd}<>"$WORK/serial.in"
set -m # its own process group, which cleanup stops as a whole
scripts/run-qemu.sh --iso "$WORK/system.iso" --smp 2 --timeout 600 -- \
	-chardev "pipe,id=mon0,path=$WORK/mon" -mon chardev=mon0,mode=readline \
	<"$WORK/serial.in" >"$LOG" 2>"$LOGDIR/system.stderr" &
qemu=$!
set +m
exec {mon_fd}<>"$WORK/mon.in"
cat "$WORK/mon.out" >"$MON_LOG" &
reader=$!

WAIT=$BOOT_TIMEOUT expect "rcS ran" 'rastOS: busybox system up on .*'
if ! WAIT=$BOOT_TIMEOUT wait_lines 'Enter .help. for a list of built-in commands\.' 1; then
	fail "system: no shell on ttyS0 (see $LOG)"
	exit 1
fi
sleep 2

# ---- the serial console
say 'echo $((6*7))x\r'
expect "a command's output" '42x'
say 'echo ab\177c$((1+1))\r'
expect "backspace" 'ac2'
say 'garbage\025echo k$((2+2))\r'
expect "^U kills the line" 'k4'
say 'echo aa bb\027cc$((0))\r'
expect "^W erases a word" 'aa cc0'
say 'echo h$((5*5))\r'
expect "  a line for the history" 'h25'
say '\033[A\r'
expect "the up arrow recalls it" 'h25' 2
say 'sleep 30\r'
sleep 1
say '\003'
say 'echo int$((3*3))\r'
expect "^C ends a foreground sleep" 'int9'
say 'echo abc$((1)) | tr a-z A-Z\r'
expect "a pipeline" 'ABC1'
say 'tty\r'
expect "the shell's terminal" '/dev/ttyS0'
say 'stty rows 30 cols 100; stty size; echo $((1<<4)) >/dev/tty\r'
expect "stty sets the window size" '30 100'
expect "  /dev/tty is the terminal" '16'
say 'sleep 40 &\r'
say 'jobs\r'
expect "a background job" '\[1\]\+ +Running +sleep 40'
say 'fg\r'
sleep 1
say '\032'
expect "^Z stops the foreground job" '(\^Z)?\[1\]\+ +Stopped +sleep 40'
say 'bg\r'
say 'kill %%1; sleep 1; jobs; echo jc$((7*7))\r'
expect "kill %1 ends the job" '\[1\]\+ +Terminated +sleep 40'
expect "  the shell goes on" 'jc49'
say 'vi /tmp/v.txt\r'
sleep 2
say 'ihello from vi\033'
say ':wq\r'
say 'cat /tmp/v.txt\r'
expect "vi writes a file" 'hello from vi'

# busybox ps shows a terminal as MAJOR,MINOR: ttyS0 is 4,64.
say 'ps -o tty,comm | grep -c "^4,64 *sh\$"\r'
expect "ps: the shell's process on ttyS0 (from /proc)" '[1-9]'
say 'top\r'
sleep 4
say 'q'
say 'echo top$((2+3))\r'
expect_in "top draws its screen" 'Mem: [0-9]+K used, [0-9]+K free'
expect "  q leaves it" 'top5'

# ---- the screen: tty1's shell, then tty2's
expect_screen "tty1 shows its shell's banner" 'Enter .help. for a list of built-in commands\.'
type_keys 'echo $((8*8))q'
expect_screen "a command typed on the keyboard, its output on the screen" '64q'
keys up ret
expect_screen "the up arrow on the keyboard" '64q' 2
monitor "sendkey alt-f2"
expect_screen "Alt+F2: tty2 asks for Enter" 'Please press Enter to activate this console\.'
keys ret
sleep 2
type_keys 'echo $((9*9))z'
expect_screen "a shell on tty2" '81z'

# ---- the end
say 'poweroff\r'
deadline=$((SECONDS + WAIT + 10))
while kill -0 "$qemu" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
	sleep 0.5
done
if kill -0 "$qemu" 2>/dev/null; then
	fail "system: poweroff did not end QEMU in time"
else
	wait "$qemu"
	rc=$?
	qemu=''
	check "system: poweroff ends QEMU" "run-qemu.sh status $rc, not 3" [ "$rc" = 3 ]
fi
check "system: no kernel panic" "a panic line in $LOG" \
	bash -c "! tr -d '\r' <'$LOG' | grep -q '^panic: '"
exit $suite_status
