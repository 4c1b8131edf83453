/*
 * The x86_64 trap frame and vector numbers, for <kernel/interrupt.h>
 * (which includes this file through <kernel/arch.h>).
 *
 * Vectors: 0-31 are CPU exceptions (a default handler reports them and
 * panics, except #BP, which logs and resumes); 0x20-0x2f are the legacy
 * IRQs 0-15 (through the IOAPIC once apic_init has found one in the
 * MADT, else the 8259 PIC); 0x30-0xdf are handed out by irq_alloc_vector
 * (MSI, PCI GSIs); 0xe0-0xff are the local APIC's own (VECTOR_*); the
 * rest are free for interrupt_register.
 */
#ifndef KERNEL_ARCH_X86_64_TRAP_H
#define KERNEL_ARCH_X86_64_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Pushed by the entry stubs (kernel/arch/x86_64/cpu/isr.asm), lowest address
 * first; from rip on it is what the CPU pushed. A handler may change the
 * fields: they are restored on return (iretq).
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	/* error_code is 0 where the CPU pushes none */
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*interrupt_handler_t)(struct trap_frame *tf, void *arg);

#define INTERRUPT_VECTORS 256
#define TRAP_SYSCALL 0x100 /* the vector field of a system call's frame */
#define TRAP_RESTORED 0x101 /* ...of one rt_sigreturn rewrote */
#define EXCEPTION_VECTORS 32
#define IRQ_VECTOR_BASE 0x20 /* legacy IRQ n arrives on vector 0x20 + n */
#define IRQ_COUNT 16

/* Vectors for irq_alloc_vector, and the fixed local APIC vectors. */
#define IRQ_VECTOR_DYN_FIRST 0x30
#define IRQ_VECTOR_DYN_LAST 0xdf
#define VECTOR_LAPIC_TIMER 0xef	  /* each CPU's timer (<kernel/timer.h>) */
#define VECTOR_RESCHEDULE 0xfc	  /* reserved for the scheduler */
#define VECTOR_CALL_FUNCTION 0xfd /* smp_call_function (<kernel/smp.h>) */
#define VECTOR_LAPIC_ERROR 0xfe
#define VECTOR_SPURIOUS 0xff

/* Exception vectors by their mnemonic, for interrupt_register and tests. */
enum {
	VEC_DE = 0,
	VEC_DB = 1,
	VEC_NMI = 2,
	VEC_BP = 3,
	VEC_OF = 4,
	VEC_BR = 5,
	VEC_UD = 6,
	VEC_NM = 7,
	VEC_DF = 8,
	VEC_TS = 10,
	VEC_NP = 11,
	VEC_SS = 12,
	VEC_GP = 13,
	VEC_PF = 14,
	VEC_MF = 16,
	VEC_AC = 17,
	VEC_MC = 18,
	VEC_XM = 19,
	VEC_VE = 20,
	VEC_CP = 21,
	VEC_HV = 28,
	VEC_VC = 29,
	VEC_SX = 30,
};

/* Where the trap interrupted the code. */
static inline uintptr_t arch_trap_pc(const struct trap_frame *tf)
{
	return tf->rip;
}

/* The interrupted code's frame pointer (its chain of callers). */
static inline uintptr_t arch_trap_fp(const struct trap_frame *tf)
{
	return tf->rbp;
}

/* Did the trap come from ring 3 (user mode)? */
static inline bool trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) != 0;
}

#endif
