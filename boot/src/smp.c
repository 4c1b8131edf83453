/*
 * Starting the application processors (Limine MP feature). Each AP listed
 * as enabled in the MADT gets INIT-SIPI-SIPI with the trampoline
 * (boot/stage2/smp_trampoline.asm) copied to a free page below 1 MiB; it
 * comes up in long mode on the kernel's page tables, reports alive and
 * parks until the kernel writes its goto_address. APs are started one at a
 * time because they share the trampoline's parameter block.
 */
#include "loader.h"
#include "cpu.h"
#include "madt.h"
#include <limine.h>

#define MAX_CPUS 256
#define IA32_APIC_BASE 0x1b
#define APIC_BASE_X2APIC (1u << 10)
#define APIC_BASE_ENABLE (1u << 11)
#define ICR_INIT 0x4500u
#define ICR_STARTUP 0x4600u
#define ICR_PENDING (1u << 12)
#define PIT_HZ 1193182u

#define FLAG_LA57 1
#define FLAG_NX 2
#define FLAG_X2APIC 4
#define FLAG_PAT 8

struct smp_params {
	uint64_t cr3, flags, stack, info, pat;
	uint16_t gdt_low_limit;
	uint32_t gdt_low_base;
	uint16_t pad0;
	uint16_t gdt_hhdm_limit;
	uint64_t gdt_hhdm_base;
	uint8_t pad1[6];
	volatile uint64_t alive;
	uint8_t far_ptrs[16];
} __attribute__((packed));

_Static_assert(sizeof(struct smp_params) == 88, "see smp_trampoline.asm");
_Static_assert(__builtin_offsetof(struct smp_params, alive) == 64,
	       "see smp_trampoline.asm");

extern const uint8_t smp_trampoline_start[], smp_trampoline_end[];
extern uint8_t smp_trampoline_params[];
extern uint64_t gdt[7];

static bool x2apic;
static volatile uint32_t *lapic;

/* Busy-wait us microseconds (< 50 ms) on PIT channel 2. */
static void pit_delay_us(uint32_t us)
{
	uint32_t count = (uint32_t)((uint64_t)us * PIT_HZ / 1000000);
	uint8_t gate = inb(0x61) & ~0x03; /* gate off, speaker off */

	if (count < 1)
		count = 1;
	outb(0x61, gate);
	outb(0x43, 0xb0); /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	outb(0x61, gate | 1); /* gate on: counting starts */
	for (uint32_t i = 0; i < 10000000 && !(inb(0x61) & 0x20); i++)
		;
}

static void delay_ms(uint32_t ms)
{
	while (ms--)
		pit_delay_us(1000);
}

static void send_ipi(uint32_t apic_id, uint32_t icr)
{
	if (x2apic) {
		wrmsr(0x830, (uint64_t)apic_id << 32 | icr);
		return;
	}
	lapic[0x310 / 4] = apic_id << 24;
	lapic[0x300 / 4] = icr;
	for (int i = 0; i < 1000000 && (lapic[0x300 / 4] & ICR_PENDING); i++)
		;
}

static uint32_t my_apic_id(void)
{
	return x2apic ? (uint32_t)rdmsr(0x802) : lapic[0x20 / 4] >> 24;
}

static bool start_ap(struct smp_params *p, uint32_t apic_id, uint8_t vector)
{
	p->alive = 0;
	send_ipi(apic_id, ICR_INIT);
	delay_ms(10);
	for (int i = 0; i < 2 && !p->alive; i++) {
		send_ipi(apic_id, ICR_STARTUP | vector);
		pit_delay_us(200);
	}
	for (int i = 0; i < 200 && !p->alive; i++)
		pit_delay_us(500);
	return p->alive;
}

/* The trampoline page, its parameter block filled for every AP alike. */
static struct smp_params *prepare(struct boot_state *st, uint64_t page,
				  uint64_t cr3)
{
	size_t size = (size_t)(smp_trampoline_end - smp_trampoline_start);
	memcpy(phys_ptr(page), smp_trampoline_start, size);
	struct smp_params *p =
		phys_ptr(page + (uint64_t)(smp_trampoline_params -
					   smp_trampoline_start));
	p->cr3 = cr3;
	p->flags = (st->paging_levels == 5 ? FLAG_LA57 : 0) |
		   (cpu.nx ? FLAG_NX : 0) | (x2apic ? FLAG_X2APIC : 0) |
		   (cpu.pat ? FLAG_PAT : 0);
	p->pat = cpu.pat ? rdmsr(0x277) : 0;
	p->gdt_low_limit = p->gdt_hhdm_limit = sizeof(uint64_t) * 7 - 1;
	p->gdt_low_base = (uint32_t)(uintptr_t)gdt;
	p->gdt_hhdm_base = (uintptr_t)gdt + st->hhdm;
	return p;
}

static void setup_apic(uint64_t flags)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	uint64_t base = rdmsr(IA32_APIC_BASE);
	x2apic = (flags & LIMINE_MP_X2APIC) && (r[2] & (1u << 21));
	if (x2apic)
		wrmsr(IA32_APIC_BASE,
		      base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	lapic = phys_ptr(base & 0xfffff000);
}

void smp_start_aps(struct boot_state *st, struct limine_mp_response *resp,
		   uint64_t flags, uint64_t cr3, uint64_t stack_size,
		   void *(*alloc)(size_t))
{
	static struct madt_cpu cpus[MAX_CPUS];
	size_t len = 0;
	const uint8_t *madt = acpi_find_table("APIC", &len);
	int n = madt ? madt_cpus(madt, len, cpus, MAX_CPUS) : -EINVAL;

	setup_apic(flags);
	uint32_t bsp = my_apic_id();
	if (n <= 0) { /* no (valid) MADT: the BSP alone */
		print("rastboot: no usable MADT; starting no other CPU\n");
		cpus[0] = (struct madt_cpu){0, bsp};
		n = 1;
	}
	uint64_t page = memmap_alloc(&st->memmap, 4096, 4096, 0x1000, 0x100000,
				     LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE);
	struct limine_mp_info **list = alloc(sizeof(*list) * (size_t)n);
	struct smp_params *p = page ? prepare(st, page, cr3) : NULL;
	uint64_t count = 0;

	for (int i = 0; i < n; i++) {
		struct limine_mp_info *info = alloc(sizeof(*info));
		info->processor_id = cpus[i].uid;
		info->lapic_id = cpus[i].apic_id;
		if (cpus[i].apic_id != bsp) {
			if (!p || (!x2apic && cpus[i].apic_id > 255))
				continue;
			uint8_t *stack =
				boot_alloc(&st->memmap, stack_size,
					   LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE,
					   "AP stacks");
			p->stack = (uintptr_t)(stack + stack_size) + st->hhdm;
			p->info = (uintptr_t)info + st->hhdm;
			if (!start_ap(p, cpus[i].apic_id,
				      (uint8_t)(page >> 12))) {
				print("rastboot: CPU with APIC ID %u did not "
				      "start\n",
				      cpus[i].apic_id);
				continue;
			}
		}
		list[count++] =
			(struct limine_mp_info *)((uintptr_t)info + st->hhdm);
	}
	resp->flags = x2apic ? LIMINE_MP_X2APIC : 0;
	resp->bsp_lapic_id = bsp;
	resp->cpu_count = count;
	resp->cpus = (struct limine_mp_info **)((uintptr_t)list + st->hhdm);
	print("rastboot: %lu CPU(s) up, BSP APIC ID %u%s\n",
	      (unsigned long)count, bsp, x2apic ? ", x2APIC" : "");
}
