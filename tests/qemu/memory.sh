#!/usr/bin/env bash
# Memory management at the extremes: boot with 16 MiB (4-level paging)
# and with 8 GiB (5-level paging, 1 GiB pages on -cpu max), run all the
# kernel's tests, and check mm's totals against the memory map in the log
# (check_totals in lib.sh: usable memory free, page array sized for the end
# of RAM, bootloader memory reclaimed but the MP response's pages).
. "$(dirname "$0")/lib.sh"

cmdline="test=all"
scripts/make-iso.sh -o "$WORK/mem.iso" --cmdline "$cmdline" ||
    fail "memory: make-iso.sh failed"

boot mem-16m -- --iso "$WORK/mem.iso" --mem 16
expect_boot mem-16m --paging 4 --mem 16 --cmdline "$cmdline"
check_totals mem-16m

boot mem-8g-5lvl -- --iso "$WORK/mem.iso" --mem 8192 --cpu max
expect_boot mem-8g-5lvl --paging 5 --mem 8192 --cmdline "$cmdline"
check_totals mem-8g-5lvl
check "mem-8g-5lvl: 1 GiB pages used" "log: $(field '^(mm: .*1 GiB pages.*)$')" \
    grep -q '^mm: .*1 GiB pages yes$' "$BOOT_LOG"
exit $suite_status
