/*
 * ACPI fixed hardware (ACPI chapter 4.8), for power.c and button.c only:
 * register access through a GAS, the PM1 event and control registers,
 * the PM timer and the switch into ACPI mode. Implemented in hw.c.
 */
#ifndef KERNEL_ACPI_HW_H
#define KERNEL_ACPI_HW_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/acpi.h>

/* PM1 status and enable bits (4.8.3.1), control bits (4.8.3.2). */
#define ACPI_PM1_TMR (1u << 0)
#define ACPI_PM1_GBL (1u << 5)
#define ACPI_PM1_PWRBTN (1u << 8)
#define ACPI_PM1_SLPBTN (1u << 9)
#define ACPI_PM1_RTC (1u << 10)
#define ACPI_PM1_WAK_STS (1u << 15)
#define ACPI_PM1_CNT_SCI_EN (1u << 0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK (7u << 10)
#define ACPI_PM1_CNT_SLP_EN (1u << 13)

#define ACPI_PM_TIMER_HZ 3579545

/*
 * len bytes of firmware memory at phys (tables, memory-space registers):
 * through the HHDM, else mapped uncached; NULL if it cannot be (acpi.c).
 */
void *acpi_map_phys(uint64_t phys, size_t len);

/*
 * Map the FADT's memory-space registers now, so that power_off and the
 * SCI handler (interrupts off) never have to allocate a mapping.
 */
void acpi_hw_premap(void);

/* Read or write width bits (8, 16 or 32) at offset bytes into gas. */
uint32_t acpi_hw_read(const struct acpi_gas *gas, unsigned int offset,
		      unsigned int width);
void acpi_hw_write(const struct acpi_gas *gas, unsigned int offset,
		   unsigned int width, uint32_t val);

/* PM1 status/enable (a | b) and control of one register pair. */
uint16_t acpi_pm1_status(void);
void acpi_pm1_clear_status(uint16_t bits);
void acpi_pm1_set_enable(uint16_t bits);
uint16_t acpi_pm1_control(const struct acpi_gas *cnt);
void acpi_pm1_write_control(const struct acpi_gas *cnt, uint16_t val);

/* Disable every general-purpose event and clear its status. */
void acpi_gpe_disable_all(void);

/* Busy-wait, on the PM timer when there is one (interrupts may be off). */
void acpi_delay_us(uint64_t us);

/*
 * Switch the chipset from legacy (SMI) to ACPI mode: SCI_EN set. 0 (also
 * when it already was, or on hardware-reduced ACPI), -ENODEV (no FADT,
 * or no way to ask), -EIO (the firmware never set SCI_EN).
 */
int acpi_enable_mode(void);

#endif
