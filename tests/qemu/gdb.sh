#!/usr/bin/env bash
# make debug's promise: QEMU halted with its GDB stub, GDB attached, and a
# breakpoint on the kernel entry that works despite KASLR (rastos-kernel in
# scripts/gdb/rastos.gdb). Checks GDB stops in kmain at the slid address
# the kernel then reports on the serial console.
. "$(dirname "$0")/lib.sh"

port=$((20000 + RANDOM % 20000))
scripts/make-iso.sh -o "$WORK/gdb.iso" --cmdline "test=none" || fail "gdb: make-iso.sh failed"
qemu-system-x86_64 -accel tcg -m 256 -cdrom "$WORK/gdb.iso" -display none \
    -serial "file:$LOGDIR/gdb-serial.log" -monitor none -no-reboot \
    -gdb "tcp:127.0.0.1:$port" -S </dev/null 2>"$LOGDIR/gdb-qemu.log" &
qemu=$!
sleep 0.5
timeout 120 gdb -q -batch -x scripts/gdb/rastos.gdb -ex "target remote 127.0.0.1:$port" \
    -ex rastos-kernel -ex 'info symbol $pc' -ex 'p/x $pc' -ex 'p/x rastboot_kernel_slide' \
    >"$LOGDIR/gdb.log" 2>&1
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null

BOOT_LOG=$LOGDIR/gdb.log
check "gdb: stops at kmain with symbols" "$(grep -m1 -E 'in section|No symbol' "$BOOT_LOG")" \
    grep -q '^kmain in section .text' "$BOOT_LOG"
pc=$(sed -nE 's/^\$1 = (0x[0-9a-f]+)$/\1/p' "$BOOT_LOG")
slide=$(sed -nE 's/^\$2 = (0x[0-9a-f]+)$/\1/p' "$BOOT_LOG")
check "gdb: KASLR was on" "slide ${slide:-missing}" test $((${slide:-0})) -ne 0
kmain=$(nm build/kernel/kernel.elf | awk '$3 == "kmain" { print "0x" $1 }')
check "gdb: kmain address = link address + slide" "pc ${pc:-?}, kmain $kmain, slide ${slide:-?}" \
    test $((${pc:-0})) -eq $((kmain + ${slide:-0}))
exit $suite_status
