/*
 * Declarations shared by the x86_64 files only (never included from
 * outside kernel/arch/x86_64/): the per-CPU descriptor tables, the IST
 * stack layout, the entry stubs' C side and control-register accessors.
 * Generic code uses <kernel/interrupt.h> and <kernel/arch.h> instead.
 */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>
#include <kernel/interrupt.h>

/*
 * GDT layout. The order is fixed by SYSCALL/SYSRET, which derive the
 * selectors from STAR instead of reading the GDT: SYSCALL loads CS from
 * STAR[47:32] and SS = that + 8, so kernel data must follow kernel code;
 * 64-bit SYSRET loads SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16, so
 * user data must come right before user code (STAR[63:48] = 0x10, the
 * kernel data selector, then gives SS 0x1b and CS 0x23). The TSS
 * descriptor is 16 bytes: two slots.
 */
#define GDT_NULL 0x00
#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_USER_DS 0x18 /* used as 0x1b (RPL 3) */
#define GDT_USER_CS 0x20 /* used as 0x23 (RPL 3) */
#define GDT_TSS 0x28
#define GDT_CPUNODE 0x38 /* limit = CPU number: the vDSO's getcpu (LSL) */
#define GDT_ENTRIES 8

/*
 * Interrupt stack table slots (the IST field of an IDT gate, 1-7). Each
 * is a separate 16 KiB stack, so that a fault on one of these does not
 * overwrite the stack of another that it interrupted: an NMI or #MC that
 * hits during the #DF report, or the other way round.
 */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3
#define IST_STACK_SIZE (16 * KiB)
/* Above each IST stack's top: a word for the percpu pointer, and one to
 * keep the top 16-byte aligned. */
#define IST_TOP_RESERVED 16

/* The 64-bit task state segment: only stack pointers in long mode. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3]; /* rsp[0]: stack on entry from ring 3 */
	uint64_t reserved1;
	uint64_t ist[7]; /* ist[n - 1] is IST slot n */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base; /* = sizeof(struct tss): no I/O bitmap */
} __attribute__((packed));

/*
 * Everything one CPU needs its own copy of: descriptor tables and the IST
 * stacks. The boot CPU's is static in gdt.c; smp.c allocates one per
 * application processor and calls gdt_load_cpu on it. struct percpu
 * (<kernel/smp.h>) points at it.
 */
struct arch_cpu {
	uint64_t gdt[GDT_ENTRIES] __aligned(16);
	struct tss tss __aligned(16);
	/* ist_stack[n - 1] is the stack of IST slot n; it grows down. */
	uint8_t ist_stack[IST_COUNT][IST_STACK_SIZE] __aligned(16);
};

/*
 * Fill cpu's GDT and TSS, load them (lgdt, segment reloads, ltr). The
 * reload clears the GS base: set it (percpu) afterwards.
 */
void gdt_load_cpu(struct arch_cpu *cpu);
/* The CPU number user mode reads with LSL (the vDSO's getcpu). */
void gdt_set_cpu_number(struct arch_cpu *cpu, unsigned int n);
/* Load the boot CPU's tables; returns them. */
struct arch_cpu *gdt_init(void);
/* Where a ring-3 trap on this CPU switches stacks to (TSS.RSP0). */
void gdt_set_kernel_stack(uintptr_t top);

/*
 * The boot CPU's struct percpu (smp.c): point the GS base at it, with
 * arch its descriptor tables. From here on this_cpu() works.
 */
void percpu_init_boot(struct arch_cpu *arch);
/* The call-function IPI and the NMI handler (smp/ipi.c); smp_init. */
void ipi_init(void);

/* Build the IDT from the entry stubs and load it (idt.c). */
void idt_init(void);
/* Load the (shared) IDT on this CPU. */
void idt_load(void);

/* Called by the common entry stub with the frame it built (isr.asm). */
void trap_dispatch(struct trap_frame *tf);
/* The entry stub of each vector, filled in by isr.asm. */
extern const uintptr_t isr_stub_table[INTERRUPT_VECTORS];

/* Default handling of exceptions 0-31 that have no handler (exceptions.c). */
void exception_handle(struct trap_frame *tf);
/*
 * An exception in user mode: the signal Linux sends for it (user_fault.c).
 * fault_err: for a page fault, what the memory code said (-EFAULT: no
 * mapping, -EACCES: not allowed, -ENOMEM: out of memory, -EIO: bus error).
 */
void user_exception(struct trap_frame *tf, int fault_err);

/* Print the registers of tf, Linux-style, and the control registers. */
void trap_print_registers(const struct trap_frame *tf);
/* Print tf's backtrace: its rip, a guess if rip is bad, then the chain. */
void backtrace_print_trap(const struct trap_frame *tf);

/* Start the PIT on IRQ 0 (pit.c); irq_init calls it. */
void pit_init(void);
/* Stop the PIT tick (IRQ 0 masked): the local APIC timer has taken over. */
void pit_stop(void);

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory");
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

/* FPU state (fpu.c): set up this CPU (the boot CPU first). */
void fpu_init_cpu(void);
/* The size of a task's FPU area, and save/restore to/from one. */
size_t fpu_area_size(void);
void fpu_save(void *area);
void fpu_restore(const void *area);
/* The state a new program starts with. */
const void *fpu_initial_state(void);
/*
 * Make an FPU image that came from user memory (a signal frame) safe to
 * load: reserved bits cleared, features limited to those enabled.
 */
void fpu_sanitize(void *area);
/* XSAVE's header and format are used (else FXSAVE's). */
bool fpu_has_xsave(void);
uint64_t fpu_xfeatures(void);

/* The user registers of t (the frame at its kernel stack's top). */
struct task;
struct trap_frame *arch_task_frame(struct task *t);

/* SYSCALL's MSRs on this CPU (syscall.c); with FSGSBASE, CR4 too. */
void syscall_init_cpu(void);
/* CR4.FSGSBASE is on (user code may write its FS and GS bases). */
extern bool cpu_fsgsbase;
/* Give each IST stack of cpu a pointer to its struct percpu (gdt.c). */
struct percpu;
void ist_set_percpu(struct arch_cpu *arch, struct percpu *cpu);
/* The C halves of syscall_entry (cpu/entry.asm, cpu/syscall.c). */
void syscall_dispatch_frame(struct trap_frame *tf);
int syscall_exit_work(struct trap_frame *tf);

#endif
