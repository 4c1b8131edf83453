/*
 * apic_init: the move from the 8259 PIC to the APICs, on the boot CPU.
 * The local APIC comes first (lapic.c); then, if the MADT lists IOAPICs,
 * they take over the legacy IRQs (ioapic.c) and the 8259 is masked for
 * good; otherwise the 8259 keeps routing them, through LINT0 (ExtINT).
 * Also the MSI message format, which only the APIC defines.
 */
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/printk.h>
#include <kernel/smp.h>

#include "irq/apic.h"

#define MSI_ADDRESS_BASE 0xfee00000u

void apic_init(void)
{
	unsigned long flags = irq_save();
	unsigned int ioapics;
	int err = lapic_init();

	if (err) {
		irq_restore(flags);
		klog(KLOG_WARN,
		     "apic: no local APIC (%d): the 8259 PIC and the "
		     "PIT stay, one CPU\n",
		     err);
		return;
	}
	this_cpu()->apic_id = lapic_id();
	ioapics = ioapic_init();
	/*
	 * With interrupts off, the 8259 is masked while LINT0 still takes
	 * its ExtINT, and only then is LINT0 reprogrammed: an 8259 request
	 * raised meanwhile is withdrawn through the line it came by. In the
	 * other order it stays pending at the CPU with no way to a vector
	 * (QEMU then raised a #GP for an IDT entry beyond the table, in one
	 * boot of a few dozen).
	 */
	if (ioapics)
		pic_disable();
	lapic_setup_cpu(ioapics == 0);
	if (ioapics)
		irq_set_chip(&ioapic_irq_chip);
	irq_restore(flags);
	klog(KLOG_INFO,
	     "apic: local APIC %s, ID %u; legacy IRQs through the %s%s\n",
	     lapic_x2apic() ? "in x2APIC mode" : "(xAPIC)", lapic_id(),
	     irq_controller_name(),
	     ioapics ? ", 8259 masked" : " (no IOAPIC in the MADT)");
}

int irq_msi_message(unsigned int vector, unsigned int cpu, uint64_t *address,
		    uint32_t *data)
{
	const struct percpu *c = smp_cpu(cpu);

	if (!lapic_present())
		return -ENODEV;
	if (!c || c->apic_id > 255 || vector < IRQ_VECTOR_BASE || vector > 0xfe)
		return -EINVAL;
	*address = MSI_ADDRESS_BASE | c->apic_id << 12;
	*data = vector; /* fixed delivery, edge */
	return 0;
}
