/*
 * power_off and power_reboot (<kernel/power.h>), the ACPI way first.
 *
 * S5 (ACPI 7.4.2 and 16.1.7): OSPM would run \_PTS(5) first; without an
 * AML interpreter that is skipped, which QEMU and most firmware tolerate.
 * SLP_TYPx is written into PM1x_CNT first, then again with SLP_EN, each
 * register of the pair with its own value; the other control bits are
 * kept. Hardware-reduced platforms use the sleep control register
 * instead. A machine still running a second later did not take it.
 *
 * Reset: the FADT reset register (ACPI 4.8.4.6), an 8-bit write of
 * reset_value, then the legacy ways in reboot() (kernel/arch/x86_64).
 */
#include <kernel/acpi.h>
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/interrupt.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/profile.h>
#include <kernel/reboot.h>
#include <kernel/string.h>

#include "acpi_hw.h"

#define SLEEP_CONTROL_SLP_TYP_SHIFT 2 /* hardware-reduced (4.8.3.7) */
#define SLEEP_CONTROL_SLP_EN (1u << 5)
#define POWER_WAIT_US 1000000

static void write_slp_typ(const struct acpi_gas *cnt, uint8_t typ)
{
	uint16_t val = acpi_pm1_control(cnt) &
		       ~(ACPI_PM1_CNT_SLP_TYP_MASK | ACPI_PM1_CNT_SLP_EN);

	val |= (uint16_t)(typ << ACPI_PM1_CNT_SLP_TYP_SHIFT);
	acpi_pm1_write_control(cnt, val);
}

static void set_slp_en(const struct acpi_gas *cnt)
{
	acpi_pm1_write_control(cnt,
			       acpi_pm1_control(cnt) | ACPI_PM1_CNT_SLP_EN);
}

/* Ask for S5; returns if the machine is still on. */
static void enter_s5(void)
{
	const struct acpi_fadt *f = &acpi_info->fadt;

	if (f->flags & ACPI_FADT_HW_REDUCED) {
		if (f->sleep_control.address)
			acpi_hw_write(
				&f->sleep_control, 0, 8,
				acpi_info->slp_typ_a
						<< SLEEP_CONTROL_SLP_TYP_SHIFT |
					SLEEP_CONTROL_SLP_EN);
		return;
	}
	if (acpi_enable_mode() < 0)
		kprintf("acpi: could not enter ACPI mode; trying S5 anyway\n");
	acpi_pm1_clear_status(ACPI_PM1_WAK_STS);
	write_slp_typ(&f->pm1a_cnt, acpi_info->slp_typ_a);
	write_slp_typ(&f->pm1b_cnt, acpi_info->slp_typ_b);
	set_slp_en(&f->pm1a_cnt);
	set_slp_en(&f->pm1b_cnt);
}

noreturn void power_off(void)
{
	profile_report(); /* if "profile=" is on: the run is over */
	irq_save();
	if (acpi_info->has_fadt && acpi_info->has_s5 &&
	    (acpi_info->fadt.pm1a_cnt.address ||
	     acpi_info->fadt.sleep_control.address)) {
		kprintf("acpi: powering off (S5)\n");
		enter_s5();
		acpi_delay_us(POWER_WAIT_US);
		kprintf("acpi: the machine is still on after S5\n");
	} else {
		kprintf("acpi: no ACPI power off (no FADT or \\_S5)\n");
	}
	kprintf("power: halted; it is now safe to turn the machine off\n");
	arch_halt_forever();
}

noreturn void power_reboot(void)
{
	const struct acpi_fadt *f = &acpi_info->fadt;
	char where[40];

	profile_report();
	irq_save();
	if (acpi_info->has_fadt && f->has_reset_reg) {
		kprintf("acpi: rebooting through the reset register (%s, "
			"0x%x)\n",
			acpi_gas_describe(&f->reset_reg, where, sizeof(where)),
			f->reset_value);
		acpi_hw_write(&f->reset_reg, 0, 8, f->reset_value);
		acpi_delay_us(POWER_WAIT_US / 2);
		kprintf("acpi: the reset register did nothing\n");
	}
	kprintf("power: rebooting through the 8042, else a triple fault\n");
	reboot();
}

void power_cmdline_action(void)
{
	const char *action = cmdline_get("power");

	if (!action)
		return;
	if (strcmp(action, "off") == 0)
		power_off();
	if (strcmp(action, "reboot") == 0)
		power_reboot();
	klog(KLOG_WARN, "power: unknown power=%s (off or reboot)\n", action);
}
