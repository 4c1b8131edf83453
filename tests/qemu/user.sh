#!/usr/bin/env bash
# User space on rastOS, compared with Linux: four boots.
#  1. The test initramfs (scripts/make-user-initramfs.sh: /init is the
#     runner, user/runner.c) on 4 CPUs. Each program's section of the
#     serial log (between "@@@ BEGIN NAME" and "@@@ END NAME STATUS",
#     scripts/split-sections.sh) must equal tests/expected/user/NAME.out,
#     which was recorded on Linux (scripts/refresh-expected.sh), END line
#     and so exit status included. syscall_fuzz is rastOS's alone: it
#     passes when it reports "system still up" and exits 0. A missing
#     section is a failure.
#  2. Debian's busybox-static as PID 1 (#!/bin/busybox sh), sections
#     compared with tests/expected/busybox/; `busybox poweroff -f` must end
#     QEMU by itself (run-qemu.sh status 3).
#  3. misc alone under "strace": the trace's lines, and the log line of a
#     number nothing implements.
#  4. fsgsbase and threads on -cpu max, which has FSGSBASE.
# A boot that reaches the kernel monitor's prompt instead (no init run)
# or panics is stopped at once. Logs: build/test-logs/qemu/user*.log,
# differences in build/test-logs/qemu/user-diffs/.
# USER_LOG=FILE / BUSYBOX_LOG=FILE: compare that serial log instead of
# booting (e.g. one saved from a manual run-qemu.sh --serial-log; QEMU is
# then taken to have quit by itself).
. "$(dirname "$0")/lib.sh"

BOOT_TIMEOUT=${USER_TIMEOUT:-300}
CMDLINE="loglevel=err"
STOP='^rastos> |^panic: '
DIFFS=$LOGDIR/user-diffs
rm -rf "$DIFFS"
mkdir -p "$DIFFS"

if ! make -s user >"$LOGDIR/user-build.log" 2>&1 ||
	! scripts/make-user-initramfs.sh --no-build "$WORK/user.cpio" \
		>>"$LOGDIR/user-build.log" 2>&1 ||
	! scripts/make-user-initramfs.sh --busybox "$WORK/busybox.cpio" \
		>>"$LOGDIR/user-build.log" 2>&1; then
	cat "$LOGDIR/user-build.log"
	fail "user: building the initramfs failed"
	exit 1
fi

# compare SUITE NAME GOT-DIR EXPECTED-DIR: PASS/FAIL for one section.
compare() {
	local suite=$1 name=$2 got=$3/$2.out want=$4/$2.out
	if [ ! -f "$got" ]; then
		fail "$suite: $name: no section in the log ($BOOT_LOG)"
	elif cmp -s "$got" "$want"; then
		pass "$suite: $name"
	else
		diff -u "$want" "$got" >"$DIFFS/$suite-$name.diff"
		local end want_end
		end=$(grep '^@@@ END ' "$got" | tail -n 1)
		want_end=$(tail -n 1 "$want")
		echo "--- $suite: $name: expected (Linux) vs rastOS, first lines:"
		sed -n '3,22p' "$DIFFS/$suite-$name.diff" | sed 's/^/  | /'
		if [ "$end" != "$want_end" ]; then
			fail "$suite: $name: ${end:-no END line} (Linux: $want_end)"
		else
			fail "$suite: $name: output differs from Linux (see $DIFFS/$suite-$name.diff)"
		fi
	fi
}

# ---- 1. the test runner
if [ -n "${USER_LOG:-}" ]; then
	BOOT_LOG=$USER_LOG BOOT_RC=3
else
	boot user --until "$STOP" -- --initrd "$WORK/user.cpio" \
		--cmdline "$CMDLINE" --smp 4
fi
got=$WORK/user
scripts/split-sections.sh "$BOOT_LOG" "$got"
if grep -qE "$STOP" "$BOOT_LOG"; then
	echo "# user: the kernel did not run /init: $(grep -m1 -E "$STOP" "$BOOT_LOG")"
fi
check "user: the runner started" "no '@@@ RUNNER start' in $BOOT_LOG" \
	grep -q '^@@@ RUNNER start' "$BOOT_LOG"
while read -r name _; do
	if [ "$name" = syscall_fuzz ]; then
		f=$got/syscall_fuzz.out
		if [ -f "$f" ] && grep -q '^syscall_fuzz: system still up$' "$f" &&
			grep -q '^@@@ END syscall_fuzz exit 0$' "$f"; then
			pass "user: syscall_fuzz: system still up"
			grep '^syscall_fuzz: ' "$f" | sed 's/^/# /'
		else
			fail "user: syscall_fuzz: $([ -f "$f" ] && tail -n 1 "$f" || echo 'no section')"
		fi
		continue
	fi
	compare user "$name" "$got" tests/expected/user
done < <(sed -e 's/#.*//' user/tests.list | awk 'NF')
check "user: the runner finished" "no '@@@ DONE' in $BOOT_LOG" \
	grep -q '^@@@ DONE' "$BOOT_LOG"
check "user: reboot(RB_POWER_OFF) ends QEMU" \
	"run-qemu.sh status $BOOT_RC, not 3 (QEMU quit by itself)" test "$BOOT_RC" -eq 3

# ---- 2. busybox as PID 1
if [ -n "${BUSYBOX_LOG:-}" ]; then
	BOOT_LOG=$BUSYBOX_LOG BOOT_RC=3
else
	boot user-busybox --until "$STOP" -- --initrd "$WORK/busybox.cpio" \
		--cmdline "$CMDLINE"
fi
got=$WORK/busybox
scripts/split-sections.sh "$BOOT_LOG" "$got"
for want in tests/expected/busybox/*.out; do
	compare busybox "$(basename "$want" .out)" "$got" tests/expected/busybox
done
check "busybox: poweroff -f ends QEMU" \
	"run-qemu.sh status $BOOT_RC, not 3, or no '@@@ DONE' (see $BOOT_LOG)" \
	eval 'test "$BOOT_RC" -eq 3 && grep -q "^@@@ DONE" "$BOOT_LOG"'

# ---- 3. the system call trace and the -ENOSYS log: misc alone, traced
# (its output, and syscall(400), a gap in the table, and 1000, beyond it).
if [ -z "${USER_LOG:-}${BUSYBOX_LOG:-}" ]; then
	boot user-strace --until "$STOP" -- --initrd "$WORK/user.cpio" \
		--cmdline "loglevel=info strace -- misc:90"
	strace_has() { grep -qE "$1" "$BOOT_LOG"; }
	check "strace: a traced call with its result" \
		"no 'strace: [TID] writev(0x1, ...) = N' line in $BOOT_LOG" \
		strace_has '^strace: \[[0-9]+\] writev\(0x1, 0x[0-9a-f]+, 0x[0-9a-f]+\) = [0-9]+$'
	check "strace: a gap in the table is traced, -ENOSYS" \
		"no 'strace: [TID] ?(...) = -38' line in $BOOT_LOG" \
		strace_has '^strace: \[[0-9]+\] \?\(.*\) = -38$'
	check "strace: the unimplemented number is logged once" \
		"not one 'syscall: unknown (400) is not implemented' line in $BOOT_LOG" \
		test "$(grep -c '^syscall: unknown (400) is not implemented: -ENOSYS$' "$BOOT_LOG")" -eq 1
	check "strace: misc still passes, traced" "no '@@@ END misc exit 0' in $BOOT_LOG" \
		strace_has '^@@@ END misc exit 0$'
fi

# ---- 4. a CPU with FSGSBASE (-cpu max; the other boots' qemu64 has
# none): user code then writes its own FS and GS bases.
if [ -z "${USER_LOG:-}${BUSYBOX_LOG:-}" ]; then
	boot user-cpu-max --until "$STOP" -- --initrd "$WORK/user.cpio" \
		--cmdline "$CMDLINE -- fsgsbase threads" --cpu max --smp 2
	got=$WORK/user-cpu-max
	scripts/split-sections.sh "$BOOT_LOG" "$got"
	for name in fsgsbase threads; do
		compare user-cpu-max "$name" "$got" tests/expected/user
	done
fi
exit $suite_status
