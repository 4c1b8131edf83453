#!/usr/bin/env bash
# Dynamically linked programs on rastOS, compared with Linux: Debian's
# coreutils (ls, sort, md5sum) and bash, unmodified, with their shared
# libraries and ld-linux-x86-64.so.2, from the initramfs that
# scripts/make-dyn-initramfs.sh lays out (busybox sh as /init,
# user/dynamic/init). Each section of the serial log (scripts/split-
# sections.sh) must equal tests/expected/dynamic/NAME.out, recorded on
# Linux (scripts/refresh-expected.sh --only dynamic); `busybox poweroff -f`
# must end QEMU by itself. Two CPUs: sort --parallel runs threads.
# A boot that reaches the kernel monitor's prompt or panics is stopped at
# once. Logs: build/test-logs/qemu/dynamic.log, differences in
# build/test-logs/qemu/dynamic-diffs/. DYNAMIC_LOG=FILE: compare that
# serial log instead of booting.
. "$(dirname "$0")/lib.sh"

BOOT_TIMEOUT=${DYNAMIC_TIMEOUT:-300}
STOP='^rastos> |^panic: '
WANT=tests/expected/dynamic
DIFFS=$LOGDIR/dynamic-diffs
rm -rf "$DIFFS"
mkdir -p "$DIFFS"

if ! scripts/make-dyn-initramfs.sh "$WORK/dyn.cpio" >"$LOGDIR/dynamic-build.log" 2>&1; then
	cat "$LOGDIR/dynamic-build.log"
	fail "dynamic: building the initramfs failed"
	exit 1
fi

if [ -n "${DYNAMIC_LOG:-}" ]; then
	BOOT_LOG=$DYNAMIC_LOG BOOT_RC=3
else
	boot dynamic --until "$STOP" -- --initrd "$WORK/dyn.cpio" \
		--cmdline "loglevel=err" --smp 2
fi
if grep -qE "$STOP" "$BOOT_LOG"; then
	echo "# dynamic: the kernel did not run /init: $(grep -m1 -E "$STOP" "$BOOT_LOG")"
fi
got=$WORK/got
scripts/split-sections.sh "$BOOT_LOG" "$got"
for want in "$WANT"/*.out; do
	name=$(basename "$want" .out)
	if [ ! -f "$got/$name.out" ]; then
		fail "dynamic: $name: no section in the log ($BOOT_LOG)"
	elif cmp -s "$got/$name.out" "$want"; then
		pass "dynamic: $name"
	else
		diff -u "$want" "$got/$name.out" >"$DIFFS/$name.diff"
		echo "--- dynamic: $name: expected (Linux) vs rastOS, first lines:"
		sed -n '3,22p' "$DIFFS/$name.diff" | sed 's/^/  | /'
		fail "dynamic: $name: output differs from Linux (see $DIFFS/$name.diff)"
	fi
done
check "dynamic: poweroff -f ends QEMU" \
	"run-qemu.sh status $BOOT_RC, not 3, or no '@@@ DONE' (see $BOOT_LOG)" \
	eval 'test "$BOOT_RC" -eq 3 && grep -q "^@@@ DONE" "$BOOT_LOG"'
exit $suite_status
