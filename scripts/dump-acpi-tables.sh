#!/usr/bin/env bash
# Dump QEMU's ACPI tables into the host tests' corpus, one file per table:
#
#   scripts/dump-acpi-tables.sh [OUTDIR]    (default tests/corpus/acpi)
#
# For each machine (pc with 1 CPU; q35 with 2 CPUs of at most 4, so that
# its MADT also lists absent, hot-pluggable ones) it boots build/rastos.iso
# with 512 MiB and a QEMU monitor on stdin, waits for "rastOS: boot
# complete" on the serial log, saves the BIOS area 0xe0000-0xfffff (where
# the RSDP is) and the top 1 MiB of RAM (where SeaBIOS puts the tables, in
# the memory map's reserved range) with the monitor's pmemsave, and lets
# tests/tools/acpi-extract.c split them into OUTDIR/MACHINE/*.dat plus
# tables.txt (signature, file, physical address, length). Run it again
# when QEMU's tables change; the files are committed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${1:-tests/corpus/acpi}
ISO=build/rastos.iso
MEM_MIB=512
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make -s "$ISO"
gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$work/acpi-extract" tests/tools/acpi-extract.c

# monitor_script LOG: wait for the boot, then the monitor commands.
monitor_script() {
    local log=$1 top=$((MEM_MIB * 1024 * 1024)) i
    for ((i = 0; i < 600; i++)); do
        grep -q 'rastOS: boot complete' "$log" 2>/dev/null && break
        sleep 0.2
    done
    echo "pmemsave 0xe0000 0x20000 \"$work/low.bin\""
    printf 'pmemsave 0x%x 0x100000 "%s/high.bin"\n' $((top - 0x100000)) "$work"
    sleep 1
    echo quit
}

for machine in pc q35; do
    rm -f "$work"/*.bin "$work/serial.log"
    smp=1
    [ "$machine" = pc ] || smp=2,maxcpus=4
    monitor_script "$work/serial.log" | qemu-system-x86_64 -machine "$machine" \
        -smp "$smp" -m "$MEM_MIB" -display none -serial "file:$work/serial.log" \
        -monitor stdio -cdrom "$ISO" >"$work/monitor.log"
    [ -s "$work/low.bin" ] && [ -s "$work/high.bin" ] ||
        { cat "$work/monitor.log" && echo "dump-acpi-tables: no dump from $machine" >&2 && exit 1; }
    rm -rf "${OUT:?}/$machine"
    mkdir -p "$OUT/$machine"
    "$work/acpi-extract" "$OUT/$machine" 0xe0000 "$work/low.bin" \
        $((MEM_MIB * 1024 * 1024 - 0x100000)) "$work/high.bin"
    echo "$machine:"
    sed 's/^/  /' "$OUT/$machine/tables.txt"
done
