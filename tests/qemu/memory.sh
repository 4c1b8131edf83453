#!/usr/bin/env bash
# Memory management at the extremes: boot with 16 MiB (4-level paging)
# and with 8 GiB (5-level paging, 1 GiB pages on -cpu max), run all the
# kernel's tests, and check mm's totals against the memory map in the log:
#   mm: N KiB free of M KiB usable     M = the map's usable total; what is
#                                      not free is the page array, whose
#                                      size follows from the end of RAM,
#                                      and a few page tables
#   mm: reclaimed R KiB from the bootloader   R = the map's reclaimable
#                                      total, less the pages of the MP
#                                      response (kept for SMP)
. "$(dirname "$0")/lib.sh"

cmdline="test=all"
scripts/make-iso.sh -o "$WORK/mem.iso" --cmdline "$cmdline" ||
    fail "memory: make-iso.sh failed"

# The memory map's totals from the "mem:" lines, in KiB: usable,
# bootloader-reclaimable, and the end of RAM (page frames have struct pages).
map_totals() {
    local range type base end usable=0 recl=0 ram_end=0
    while read -r _ range type; do
        base=$((${range%-*})) end=$((${range#*-}))
        case $type in
        usable) usable=$((usable + (end - base) / 1024)) ;;
        bootloader-reclaimable) recl=$((recl + (end - base) / 1024)) ;;
        esac
        case $type in
        usable | bootloader-reclaimable | executable-and-modules | acpi-reclaimable | acpi-nvs)
            [ "$end" -le "$ram_end" ] || ram_end=$end
            ;;
        esac
    done < <(grep '^mem: ' "$BOOT_LOG")
    echo "$usable $recl $((ram_end / 1024))"
}

check_totals() {
    local name=$1 usable recl end_kib free total array want_array reclaimed
    read -r usable recl end_kib < <(map_totals)
    free=$(field '^mm: ([0-9]+) KiB free of [0-9]+ KiB usable$')
    total=$(field '^mm: [0-9]+ KiB free of ([0-9]+) KiB usable$')
    array=$(field '^mm: .*used \(KiB\):.* page-array ([0-9]+).*$')
    reclaimed=$(field '^mm: reclaimed ([0-9]+) KiB from the bootloader$')
    # 48 bytes per 4 KiB page frame, rounded up to pages.
    want_array=$(((end_kib / 4 * 48 + 4095) / 4096 * 4))
    if [ -z "$free" ] || [ -z "$total" ] || [ -z "$array" ] || [ -z "$reclaimed" ]; then
        fail "$name: no 'mm: ... KiB free of ... KiB usable', page-array or reclaimed line"
        return
    fi
    check "$name: mm's usable total is the memory map's" "mm $total KiB, map $usable KiB" \
        test "$total" -eq "$usable"
    check "$name: page array sized for the end of RAM" "page-array $array KiB, want $want_array KiB" \
        test "$array" -eq "$want_array"
    check "$name: all usable memory free but the page array and page tables" \
        "free $free KiB of $usable KiB, page array $array KiB" \
        test "$free" -le $((usable - array)) -a "$free" -ge $((usable - array - 256))
    check "$name: bootloader memory reclaimed" "reclaimed $reclaimed KiB of $recl KiB" \
        test "$reclaimed" -le "$recl" -a "$reclaimed" -ge $((recl - 16))
}

boot mem-16m -- --iso "$WORK/mem.iso" --mem 16
expect_boot mem-16m --paging 4 --mem 16 --cmdline "$cmdline"
check_totals mem-16m

boot mem-8g-5lvl -- --iso "$WORK/mem.iso" --mem 8192 --cpu max
expect_boot mem-8g-5lvl --paging 5 --mem 8192 --cmdline "$cmdline"
check_totals mem-8g-5lvl
check "mem-8g-5lvl: 1 GiB pages used" "log: $(field '^(mm: .*1 GiB pages.*)$')" \
    grep -q '^mm: .*1 GiB pages yes$' "$BOOT_LOG"
exit $suite_status
