/*
 * The interrupt descriptor table and the C side of every trap. All 256
 * vectors point at the stubs in isr.asm, which build a struct trap_frame
 * and call trap_dispatch; dispatch goes to the handler registered for the
 * vector (interrupt_register; the IRQ core in irq.c registers 0x20-0x2f),
 * else to the default exception report (exceptions.c) for 0-31, else to a
 * warning about an unexpected interrupt.
 *
 * All gates are interrupt gates (IF cleared on entry) with DPL 0, so that
 * ring 3 cannot raise any vector with int N; #DF, NMI and #MC run on
 * their IST stacks (cpu.h). The IDT is shared by all CPUs (idt_load).
 * The handler table is changed under vectors_lock; a dispatch, on any
 * CPU, reads it without the lock: arg is written before fn is published
 * (release), so whoever sees fn sees its arg.
 */
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>

#include "cpu/cpu.h"

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_USER 0x60	    /* DPL 3: int3 and into work in user mode */

struct idt_gate {
	uint16_t offset_low, selector;
	uint8_t ist, type_attr;
	uint16_t offset_mid;
	uint32_t offset_high, reserved;
} __attribute__((packed));

struct idt_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct vector_handler {
	interrupt_handler_t fn;
	void *arg;
};

static struct idt_gate idt[INTERRUPT_VECTORS] __aligned(16);
static DEFINE_SPINLOCK(vectors_lock, LOCK_RANK_VECTORS);
static struct vector_handler handlers[INTERRUPT_VECTORS]; /* vectors_lock */
static unsigned long unexpected_count;

static void set_gate(unsigned int vector, uintptr_t stub, unsigned int ist)
{
	bool user = vector == VEC_BP || vector == VEC_OF;

	idt[vector] = (struct idt_gate){
		.offset_low = stub & 0xffff,
		.selector = GDT_KERNEL_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT | (user ? GATE_USER : 0),
		.offset_mid = (stub >> 16) & 0xffff,
		.offset_high = stub >> 32,
	};
}

void idt_load(void)
{
	struct idt_pointer ptr = {
		.limit = sizeof(idt) - 1,
		.base = (uintptr_t)idt,
	};

	__asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}

void idt_init(void)
{
	for (unsigned int v = 0; v < INTERRUPT_VECTORS; v++)
		set_gate(v, isr_stub_table[v], 0);
	set_gate(VEC_DF, isr_stub_table[VEC_DF], IST_DOUBLE_FAULT);
	set_gate(VEC_NMI, isr_stub_table[VEC_NMI], IST_NMI);
	set_gate(VEC_MC, isr_stub_table[VEC_MC], IST_MACHINE_CHECK);
	idt_load();
}

void cpu_init(void)
{
	percpu_init_boot(gdt_init());
	idt_init();
	fpu_init_cpu();
	syscall_init_cpu();
	klog(KLOG_INFO, "cpu: GDT, TSS (IST: #DF, NMI, #MC) and IDT loaded\n");
}

int interrupt_register(unsigned int vector, interrupt_handler_t fn, void *arg)
{
	unsigned long flags;
	int err = 0;

	if (vector >= INTERRUPT_VECTORS || !fn)
		return -EINVAL;
	flags = spin_lock_irqsave(&vectors_lock);
	if (handlers[vector].fn) {
		err = -EBUSY;
	} else {
		handlers[vector].arg = arg;
		__atomic_store_n(&handlers[vector].fn, fn, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&vectors_lock, flags);
	return err;
}

int interrupt_unregister(unsigned int vector)
{
	unsigned long flags;
	int err = 0;

	if (vector >= INTERRUPT_VECTORS)
		return -EINVAL;
	flags = spin_lock_irqsave(&vectors_lock);
	if (!handlers[vector].fn)
		err = -ENOENT;
	__atomic_store_n(&handlers[vector].fn, NULL, __ATOMIC_RELEASE);
	handlers[vector].arg = NULL;
	spin_unlock_irqrestore(&vectors_lock, flags);
	return err;
}

/* A vector nobody registered: say so (a few times), then ignore it. */
static void unexpected_interrupt(const struct trap_frame *tf)
{
	char sym[KSYM_NAME_BUF];

	if (++unexpected_count > 8)
		return;
	ksym_format(tf->rip, sym, sizeof(sym));
	klog(KLOG_WARN, "interrupt: unexpected vector %lu at %016lx %s\n",
	     tf->vector, tf->rip, sym);
}

void trap_dispatch(struct trap_frame *tf)
{
	const struct vector_handler *h = &handlers[tf->vector & 0xff];
	interrupt_handler_t fn = __atomic_load_n(&h->fn, __ATOMIC_ACQUIRE);
	/* Interrupts (never exceptions, whose handlers may sleep) leave
	 * their frame for the profiler. */
	bool irq = tf->vector >= EXCEPTION_VECTORS;
	struct percpu *cpu = irq ? this_cpu() : NULL;
	const struct trap_frame *outer = irq ? cpu->irq_frame : NULL;

	if (irq)
		cpu->irq_frame = tf;
	if (fn)
		fn(tf, h->arg);
	else if (tf->vector < EXCEPTION_VECTORS)
		exception_handle(tf);
	else
		unexpected_interrupt(tf);
	if (irq)
		cpu->irq_frame = outer;
	/* Not from an NMI: it must return without switching or signals. */
	if (trap_from_user(tf) && tf->vector != VEC_NMI) {
		struct task *t = current_task();

		if (t->need_resched || t->sigpending)
			user_return_work(tf); /* signals, rescheduling */
	}
}

/* Nobody handles 0xf1: a warning, and execution goes on. */
KTEST(interrupt, unexpected_vector_ignored)
{
	unsigned long before = unexpected_count;

	KT_ASSERT(!handlers[0xf1].fn);
	__asm__ volatile("int $0xf1" ::: "memory");
	KT_ASSERT_EQ(unexpected_count, before + 1);
}
