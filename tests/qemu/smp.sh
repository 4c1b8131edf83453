#!/usr/bin/env bash
# SMP, interrupt controllers and clocks: boot with 1, 2, 4 and 8 CPUs
# (TCG) on pc and q35 and run the smp, apic, time, spinlock and irq
# KTEST suites; check that every CPU came online, the APIC and clock
# lines of the log, and no APIC error. One boot without ACPI checks the
# fallback: 8259 PIC, PIT calibration, TSC clock, one CPU. The TSC is
# the clock under QEMU (a virtual TSC); one boot forces the HPET.
. "$(dirname "$0")/lib.sh"

cmdline="test=smp.*,apic.*,time.*,spinlock.*,irq.* loglevel=info"
scripts/make-iso.sh -o "$WORK/smp.iso" --cmdline "$cmdline" ||
    fail "smp: make-iso.sh failed"

# expect_cpus NAME N: "smp: N CPU(s) online", and one line per CPU.
expect_cpus() {
    local name=$1 n=$2 cpu
    check "$name: $n CPUs online" "log says '$(field '^smp: ([0-9]+ CPUs? online)$')'" \
        grep -qE "^smp: $n CPUs? online$" "$BOOT_LOG"
    for ((cpu = 0; cpu < n; cpu++)); do
        check "$name: CPU $cpu reported" "no 'smp: CPU $cpu (APIC ID ...) online'" \
            grep -qE "^smp: CPU $cpu \(APIC ID [0-9]+\) online$" "$BOOT_LOG"
    done
    check "$name: no CPU failed to start" "$(grep -m1 'did not start' "$BOOT_LOG")" \
        test "$(grep -c 'did not start' "$BOOT_LOG")" -eq 0
}

# expect_clocks NAME SOURCE CONTROLLER: the time and apic log lines.
expect_clocks() {
    local name=$1 source=$2 controller=$3
    check "$name: clocks calibrated, source $source" "log says '$(field '^(time: TSC.*)$')'" \
        grep -qE "^time: TSC [0-9.]+ [MG]Hz \((not )?invariant\), LAPIC timer [0-9.]+ [MG]Hz, .*clock source $source$" "$BOOT_LOG"
    check "$name: LAPIC timer ticks" "log says '$(field '^(time: (tick|the local).*)$')'" \
        grep -q "^time: tick 1000 Hz on each CPU's local APIC timer" "$BOOT_LOG"
    check "$name: legacy IRQs through the $controller" "log says '$(field '^(apic: local APIC.*)$')'" \
        grep -qE "^apic: local APIC .* legacy IRQs through the $controller" "$BOOT_LOG"
    check "$name: no APIC error" "$(grep -m1 'APIC error' "$BOOT_LOG")" \
        test "$(grep -c 'APIC error' "$BOOT_LOG")" -eq 0
}

for machine in pc q35; do
    for cpus in 1 2 4 8; do
        name=smp-$machine-$cpus
        boot "$name" -- --iso "$WORK/smp.iso" --machine $machine --smp $cpus --mem 256
        expect_boot "$name" --cmdline "$cmdline" --cpus $cpus
        expect_cpus "$name" $cpus
        expect_clocks "$name" tsc ioapic
    done
done

# -cpu max: x2APIC, the TSC deadline timer, FSGSBASE (the NMI entry then
# finds its per-CPU data on its stack: smp.nmi_under_a_foreign_gs_base).
name=smp-q35-2-max
boot "$name" -- --iso "$WORK/smp.iso" --machine q35 --smp 2 --mem 256 --cpu max
expect_boot "$name" --cmdline "$cmdline" --cpus 2
expect_cpus "$name" 2
check "$name: FSGSBASE test ran" "smp.nmi_under_a_foreign_gs_base skipped or missing" \
    grep -qE '^ok [0-9]+ smp.nmi_under_a_foreign_gs_base$' "$BOOT_LOG"

# clocksource=hpet: the HPET as the clock, as on a PC whose TSC is
# neither invariant nor virtual.
scripts/make-iso.sh -o "$WORK/hpet.iso" --cmdline "$cmdline clocksource=hpet" ||
    fail "smp: make-iso.sh failed"
name=smp-q35-2-hpet
boot "$name" -- --iso "$WORK/hpet.iso" --machine q35 --smp 2 --mem 256
expect_boot "$name" --cmdline "$cmdline clocksource=hpet" --cpus 2
expect_clocks "$name" hpet ioapic

# No ACPI: no MADT, so the loader starts no other CPU and the kernel
# keeps the 8259; no HPET table, so the PIT calibrates and the TSC is
# the clock.
name=smp-pc-noacpi
boot "$name" -- --iso "$WORK/smp.iso" --machine pc --smp 2 --mem 256 -- -machine acpi=off
expect_boot "$name" --cmdline "$cmdline"
expect_cpus "$name" 1
expect_clocks "$name" tsc "8259 pic"
exit $suite_status
