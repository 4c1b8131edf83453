/*
 * In-kernel tests of ACPI on the machine booted (suite acpi, run by
 * test=all): the tables parsed without a problem, the MADT lists the boot
 * CPU by its APIC ID, the FADT has what power_off and power_reboot need,
 * and \_S5 was found. QEMU's pc machine has an ACPI 1.0 FADT without a
 * reset register; q35 has one.
 */
#include <cpuid.h>

#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <kernel/ktest.h>

/* The initial APIC ID of this CPU: CPUID leaf 1, EBX bits 31-24. */
static uint32_t this_apic_id(void)
{
	unsigned int eax, ebx = 0, ecx, edx;

	__get_cpuid(1, &eax, &ebx, &ecx, &edx);
	return ebx >> 24;
}

KTEST(acpi, tables_parsed)
{
	KT_ASSERT(boot_info->has_rsdp);
	KT_ASSERT(acpi_info->has_rsdp);
	KT_ASSERT(acpi_info->table_count >= 4);
	for (size_t i = 0; i < acpi_info->table_count; i++)
		KT_ASSERT(acpi_info->tables[i].valid);
	KT_ASSERT_EQ(acpi_info->problems, 0);
	KT_ASSERT(acpi_info->has_madt && acpi_info->has_fadt);
	KT_ASSERT(acpi_info->has_hpet && acpi_info->has_dsdt);
	KT_ASSERT_EQ(acpi_info->irq_model, ACPI_IRQ_APIC);
}

KTEST(acpi, madt_lists_boot_cpu)
{
	const struct acpi_madt *madt = &acpi_info->madt;
	uint32_t id = this_apic_id();
	size_t enabled = 0;
	bool found = false;

	for (size_t i = 0; i < madt->cpu_count; i++) {
		enabled += madt->cpus[i].enabled;
		if (madt->cpus[i].apic_id == id && madt->cpus[i].enabled)
			found = true;
	}
	KT_ASSERT(enabled >= 1);
	KT_ASSERT(found);
	KT_ASSERT(madt->ioapic_count >= 1);
	KT_ASSERT(madt->lapic_address != 0);
}

KTEST(acpi, fadt_power_registers)
{
	const struct acpi_fadt *f = &acpi_info->fadt;

	KT_ASSERT(f->pm1a_cnt.address != 0);
	KT_ASSERT(f->pm1a_evt.address != 0);
	KT_ASSERT(f->pm_tmr.address != 0);
	KT_ASSERT(f->sci_irq < 16);
	if (f->length < 129)
		KT_SKIP("ACPI 1.0 FADT (QEMU pc): no reset register");
	KT_ASSERT(f->flags & ACPI_FADT_RESET_REG_SUP);
	KT_ASSERT(f->has_reset_reg);
	KT_ASSERT(f->reset_reg.address != 0);
}

KTEST(acpi, s5_found)
{
	KT_ASSERT(acpi_info->has_s5);
	KT_ASSERT(acpi_info->slp_typ_a < 8 && acpi_info->slp_typ_b < 8);
}
