/*
 * The global descriptor table and the task state segment. In long mode
 * segmentation is mostly gone, but the CPU still needs code and data
 * descriptors for each ring (their order is fixed by SYSCALL/SYSRET, see
 * cpu.h) and a TSS, which says which stack to switch to on a trap: RSP0
 * from ring 3, and the interrupt stack table (IST) slots that the IDT
 * gives to #DF, NMI and #MC. The IST is what turns a kernel stack overflow
 * into a double-fault report: the #PF cannot be pushed on the overflowed
 * stack, the CPU raises #DF, and #DF switches to a fresh stack.
 *
 * All of it lives in a struct arch_cpu so that each CPU has its own; the
 * boot CPU's is the static boot_cpu below, the others' come from smp.c.
 */
#include <kernel/panic.h>
#include <kernel/smp.h>
#include <kernel/string.h>

#include "cpu/cpu.h"

/* Access byte and flags of a segment descriptor. */
#define SEG_PRESENT (1ULL << 47)
#define SEG_DPL3 (3ULL << 45)
#define SEG_CODE_DATA (1ULL << 44) /* S: not a system segment */
#define SEG_EXEC (1ULL << 43)
#define SEG_RW (1ULL << 41)   /* readable code / writable data */
#define SEG_LONG (1ULL << 53) /* L: 64-bit code */
#define SEG_GRAN_4K (1ULL << 55)
#define SEG_DB32 (1ULL << 54) /* ignored in long mode; set as usual */
#define SEG_LIMIT_MAX (0xffffULL | (0xfULL << 48))

#define SEG_CODE64                                                    \
	(SEG_PRESENT | SEG_CODE_DATA | SEG_EXEC | SEG_RW | SEG_LONG | \
	 SEG_GRAN_4K | SEG_LIMIT_MAX)
#define SEG_DATA                                                         \
	(SEG_PRESENT | SEG_CODE_DATA | SEG_RW | SEG_GRAN_4K | SEG_DB32 | \
	 SEG_LIMIT_MAX)

#define TSS_TYPE_AVAILABLE 0x9ULL

struct gdt_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct arch_cpu boot_cpu;

/* The two 8-byte slots of a 64-bit TSS descriptor. */
static void tss_descriptor(uint64_t slot[2], const struct tss *tss)
{
	uint64_t base = (uintptr_t)tss, limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (TSS_TYPE_AVAILABLE << 40) | SEG_PRESENT |
		  ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	slot[1] = base >> 32;
}

static void gdt_fill(struct arch_cpu *cpu)
{
	uint64_t *gdt = cpu->gdt;

	gdt[GDT_NULL / 8] = 0;
	gdt[GDT_KERNEL_CS / 8] = SEG_CODE64;
	gdt[GDT_KERNEL_DS / 8] = SEG_DATA;
	gdt[GDT_USER_DS / 8] = SEG_DATA | SEG_DPL3;
	gdt[GDT_USER_CS / 8] = SEG_CODE64 | SEG_DPL3;
	tss_descriptor(&gdt[GDT_TSS / 8], &cpu->tss);
	gdt[GDT_CPUNODE / 8] = 0; /* set by gdt_set_cpu_number */
}

/*
 * A present user data segment whose limit is the CPU number (node 0 in
 * bits 12 and up), which user mode reads with LSL: getcpu without a
 * system call. Byte granular, never used to address anything.
 */
void gdt_set_cpu_number(struct arch_cpu *cpu, unsigned int n)
{
	uint64_t limit = n & 0xfff;

	cpu->gdt[GDT_CPUNODE / 8] = SEG_PRESENT | SEG_DPL3 | SEG_CODE_DATA |
				    (limit & 0xffff) |
				    ((limit >> 16 & 0xf) << 48);
}

/*
 * The paranoid entries (NMI, #DF, #MC) find this CPU's struct percpu at
 * the top of their stack: with FSGSBASE the GS base at entry may be
 * anything the user wrote.
 */
void ist_set_percpu(struct arch_cpu *arch, struct percpu *cpu)
{
	for (unsigned int i = 0; i < IST_COUNT; i++)
		*(struct percpu **)(arch->ist_stack[i] + IST_STACK_SIZE - 8) =
			cpu;
}

static void tss_fill(struct arch_cpu *cpu)
{
	memset(&cpu->tss, 0, sizeof(cpu->tss));
	cpu->tss.iomap_base = sizeof(cpu->tss);
	for (unsigned int i = 0; i < IST_COUNT; i++) {
		uintptr_t base = (uintptr_t)cpu->ist_stack[i];

		/* The top word is the percpu pointer (ist_set_percpu). */
		cpu->tss.ist[i] = base + IST_STACK_SIZE - IST_TOP_RESERVED;
		backtrace_register_stack(base, IST_STACK_SIZE);
	}
	/* No ring 3 yet; a trap from there with RSP0 = 0 would #DF. */
	cpu->tss.rsp[0] = 0;
}

/*
 * lgdt, then reload every segment register: CS through a far return (the
 * only way to load it in long mode), the data ones with the kernel data
 * selector (FS and GS with the null one: their bases come from MSRs).
 */
static void gdt_activate(const struct arch_cpu *cpu)
{
	struct gdt_pointer ptr = {
		.limit = sizeof(cpu->gdt) - 1,
		.base = (uintptr_t)cpu->gdt,
	};

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %[ds], %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		:
		: "m"(ptr), [cs] "i"(GDT_KERNEL_CS), [ds] "i"(GDT_KERNEL_DS)
		: "rax", "memory");
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS) : "memory");
}

void gdt_load_cpu(struct arch_cpu *cpu)
{
	tss_fill(cpu);
	gdt_fill(cpu);
	gdt_activate(cpu);
}

struct arch_cpu *gdt_init(void)
{
	gdt_load_cpu(&boot_cpu);
	return &boot_cpu;
}

void gdt_set_kernel_stack(uintptr_t top)
{
	this_cpu()->arch->tss.rsp[0] = top;
}
