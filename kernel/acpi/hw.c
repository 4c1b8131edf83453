/*
 * ACPI fixed hardware registers, as the FADT describes them: each is a
 * GAS in system I/O space (every PC chipset, QEMU included), system
 * memory (mapped by acpi_map_phys) or, for the
 * reset register alone, PCI configuration space of bus 0. PM1 registers
 * come in an a/b pair that OSPM must treat as one: status and enable are
 * or-ed on read and written to both (ACPI 4.8.3.1).
 *
 * Interrupts may be off in every function here (power_off calls them),
 * so waiting is done by polling the PM timer, never with the tick.
 */
#include <kernel/acpi.h>
#include <kernel/compiler.h>
#include <kernel/arch/x86_64/io.h>
#include <kernel/errno.h>
#include <kernel/printk.h>

#include "acpi_hw.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define SCI_EN_WAIT_US 3000000 /* firmware may take its time */

/* A memory-space register, or NULL if it cannot be mapped. */
static volatile void *mmio(uint64_t phys, unsigned int bytes)
{
	return acpi_map_phys(phys, bytes);
}

/* Bus 0 device/function/offset, as a PCI-space GAS encodes them. */
static void pci_select(uint64_t address)
{
	uint32_t dev = (address >> 32) & 0x1f, fn = (address >> 16) & 7;

	outl(PCI_CONFIG_ADDRESS,
	     1u << 31 | dev << 11 | fn << 8 | (address & 0xfc));
}

static uint32_t io_read(uint16_t port, unsigned int width)
{
	return width == 8 ? inb(port) : width == 16 ? inw(port) : inl(port);
}

static void io_write(uint16_t port, unsigned int width, uint32_t val)
{
	if (width == 8)
		outb(port, (uint8_t)val);
	else if (width == 16)
		outw(port, (uint16_t)val);
	else
		outl(port, val);
}

uint32_t acpi_hw_read(const struct acpi_gas *gas, unsigned int offset,
		      unsigned int width)
{
	uint64_t addr = gas->address + offset;
	volatile void *p;

	if (gas->space == ACPI_GAS_IO)
		return io_read((uint16_t)addr, width);
	if (gas->space == ACPI_GAS_PCI) {
		pci_select(addr);
		return io_read(PCI_CONFIG_DATA + (addr & 3), width);
	}
	p = gas->space == ACPI_GAS_MEMORY ? mmio(addr, width / 8) : NULL;
	if (!p)
		return 0;
	return width == 8    ? *(volatile uint8_t *)p
	       : width == 16 ? *(volatile uint16_t *)p
			     : *(volatile uint32_t *)p;
}

void acpi_hw_write(const struct acpi_gas *gas, unsigned int offset,
		   unsigned int width, uint32_t val)
{
	uint64_t addr = gas->address + offset;
	volatile void *p;

	if (gas->space == ACPI_GAS_IO) {
		io_write((uint16_t)addr, width, val);
		return;
	}
	if (gas->space == ACPI_GAS_PCI) {
		pci_select(addr);
		io_write(PCI_CONFIG_DATA + (addr & 3), width, val);
		return;
	}
	p = gas->space == ACPI_GAS_MEMORY ? mmio(addr, width / 8) : NULL;
	if (!p)
		return;
	if (width == 8)
		*(volatile uint8_t *)p = (uint8_t)val;
	else if (width == 16)
		*(volatile uint16_t *)p = (uint16_t)val;
	else
		*(volatile uint32_t *)p = val;
}

static const struct acpi_fadt *fadt(void)
{
	return &acpi_info->fadt;
}

void acpi_hw_premap(void)
{
	const struct acpi_gas *regs[] = {
		&fadt()->pm1a_evt, &fadt()->pm1b_evt,	   &fadt()->pm1a_cnt,
		&fadt()->pm1b_cnt, &fadt()->pm_tmr,	   &fadt()->gpe0,
		&fadt()->gpe1,	   &fadt()->sleep_control, &fadt()->reset_reg,
	};

	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		if (regs[i]->space == ACPI_GAS_MEMORY && regs[i]->address)
			acpi_map_phys(regs[i]->address, 32);
}

uint16_t acpi_pm1_status(void)
{
	uint16_t sts = 0;

	if (fadt()->pm1a_evt.address)
		sts |= acpi_hw_read(&fadt()->pm1a_evt, 0, 16);
	if (fadt()->pm1b_evt.address)
		sts |= acpi_hw_read(&fadt()->pm1b_evt, 0, 16);
	return sts;
}

/* Status bits are cleared by writing 1 to them; 0 leaves the others. */
void acpi_pm1_clear_status(uint16_t bits)
{
	if (fadt()->pm1a_evt.address)
		acpi_hw_write(&fadt()->pm1a_evt, 0, 16, bits);
	if (fadt()->pm1b_evt.address)
		acpi_hw_write(&fadt()->pm1b_evt, 0, 16, bits);
}

/* The enable register is the second half of the event block. */
void acpi_pm1_set_enable(uint16_t bits)
{
	unsigned int off = fadt()->pm1_evt_len / 2;

	if (fadt()->pm1a_evt.address)
		acpi_hw_write(&fadt()->pm1a_evt, off, 16, bits);
	if (fadt()->pm1b_evt.address)
		acpi_hw_write(&fadt()->pm1b_evt, off, 16, bits);
}

uint16_t acpi_pm1_control(const struct acpi_gas *cnt)
{
	return cnt->address ? (uint16_t)acpi_hw_read(cnt, 0, 16) : 0;
}

void acpi_pm1_write_control(const struct acpi_gas *cnt, uint16_t val)
{
	if (cnt->address)
		acpi_hw_write(cnt, 0, 16, val);
}

/* GPE blocks: status bytes in the first half, enable in the second. */
static void gpe_block_disable(const struct acpi_gas *blk, uint8_t len)
{
	if (!blk->address)
		return;
	for (unsigned int i = 0; i < len / 2u; i++) {
		acpi_hw_write(blk, len / 2u + i, 8, 0);
		acpi_hw_write(blk, i, 8, 0xff);
	}
}

void acpi_gpe_disable_all(void)
{
	gpe_block_disable(&fadt()->gpe0, fadt()->gpe0_len);
	gpe_block_disable(&fadt()->gpe1, fadt()->gpe1_len);
}

void acpi_delay_us(uint64_t us)
{
	const struct acpi_gas *tmr = &fadt()->pm_tmr;
	uint64_t ticks = us * ACPI_PM_TIMER_HZ / 1000000, waited = 0;
	uint32_t mask = 0xffffff, last; /* a 24-bit counter at least */

	if (!tmr->address) {
		for (uint64_t i = 0; i < us; i++)
			io_wait(); /* about a microsecond each */
		return;
	}
	last = acpi_hw_read(tmr, 0, 32) & mask;
	while (waited < ticks) {
		uint32_t now = acpi_hw_read(tmr, 0, 32) & mask;

		waited += (now - last) & mask; /* wraps are fine */
		last = now;
	}
}

int acpi_enable_mode(void)
{
	const struct acpi_fadt *f = fadt();

	if (!acpi_info->has_fadt)
		return -ENODEV;
	if ((f->flags & ACPI_FADT_HW_REDUCED) ||
	    (acpi_pm1_control(&f->pm1a_cnt) & ACPI_PM1_CNT_SCI_EN))
		return 0;
	if (!f->smi_cmd || !f->acpi_enable)
		return -ENODEV;
	outb((uint16_t)f->smi_cmd, f->acpi_enable);
	for (unsigned int waited = 0; waited < SCI_EN_WAIT_US; waited += 1000) {
		if (acpi_pm1_control(&f->pm1a_cnt) & ACPI_PM1_CNT_SCI_EN)
			return 0;
		acpi_delay_us(1000);
	}
	return -EIO;
}
