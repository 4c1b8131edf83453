/*
 * The ACPI fixed power button (ACPI 4.8.2.2.1): pressing it (QEMU's
 * system_powerdown) sets PWRBTN_STS in PM1 status; with PWRBTN_EN set and
 * the chipset in ACPI mode (SCI_EN) that raises the SCI, a shareable
 * level interrupt on the FADT's SCI_INT. The handler clears the status
 * (write 1) and powers off, as a user closing the VM expects.
 *
 * Until an AML interpreter exists nothing else may raise the SCI: every
 * other fixed event and every general-purpose event is disabled here and
 * its status cleared, and a stray one is cleared in the handler, so a
 * level-triggered SCI cannot storm.
 *
 * The SCI is routed as a legacy ISA IRQ (irq_register: 8259 PIC now,
 * IOAPIC later); on PCs, QEMU included, it is IRQ 9.
 */
#include <kernel/acpi.h>
#include <kernel/interrupt.h>
#include <kernel/power.h>
#include <kernel/printk.h>

#include "acpi_hw.h"

#define PM1_ALL_STATUS 0xffff

static void sci_handler(struct trap_frame *tf, void *arg)
{
	uint16_t sts = acpi_pm1_status();

	if (sts & ACPI_PM1_PWRBTN) {
		acpi_pm1_clear_status(ACPI_PM1_PWRBTN);
		kprintf("acpi: power button pressed, shutting down\n");
		power_off();
	}
	/* Nothing else is enabled: clear whatever it was, GPEs too. */
	if (sts)
		acpi_pm1_clear_status(sts);
	acpi_gpe_disable_all();
}

/* Why the fixed power button cannot be used, or NULL if it can. */
static const char *button_unusable(const struct acpi_fadt *f)
{
	if (!acpi_info->has_fadt)
		return "no FADT";
	if (f->flags & ACPI_FADT_HW_REDUCED)
		return "hardware-reduced ACPI has no fixed power button";
	if (f->flags & ACPI_FADT_PWR_BUTTON)
		return "it is a control-method device (needs AML)";
	if (!f->pm1a_evt.address)
		return "no PM1 event block";
	if (f->sci_irq >= IRQ_COUNT)
		return "the SCI is not on a legacy IRQ (needs the IOAPIC)";
	return NULL;
}

void power_init(void)
{
	const struct acpi_fadt *f = &acpi_info->fadt;
	const char *why = button_unusable(f);
	int ret;

	if (acpi_info->has_fadt)
		acpi_hw_premap(); /* for power_off, too */
	if (!why && acpi_enable_mode() < 0)
		why = "the firmware did not switch to ACPI mode";
	if (why) {
		klog(KLOG_INFO, "acpi: no power button: %s\n", why);
		return;
	}
	acpi_pm1_set_enable(0);
	acpi_pm1_clear_status(PM1_ALL_STATUS);
	acpi_gpe_disable_all();
	ret = irq_register(f->sci_irq, sci_handler, NULL);
	if (ret < 0) {
		klog(KLOG_WARN, "acpi: SCI irq %u: error %d; no power button\n",
		     f->sci_irq, ret);
		return;
	}
	acpi_pm1_set_enable(ACPI_PM1_PWRBTN);
	klog(KLOG_INFO, "acpi: power button armed (sci irq %u)\n", f->sci_irq);
}
