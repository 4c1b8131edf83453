/*
 * Symmetric multiprocessing: the per-CPU data, starting the other CPUs,
 * running functions on them (IPIs) and TLB shootdown. Generic code in
 * kernel/smp/ (cpus.c: the table of CPUs; call.c: call queues,
 * smp_call_function, tlb_shootdown, stopping the others) on top of the
 * architecture's bring-up and IPIs (kernel/arch/x86_64/smp/).
 *
 * CPUs are numbered 0..N-1: 0 is the boot CPU (BSP), the others follow in
 * the loader's MP-response order. Each CPU's struct percpu is reached
 * through its GS base: this_cpu() and cpu_id() cost one load. Per-CPU
 * state private to a subsystem lives in that subsystem as an array
 * indexed by cpu_id() (cache-line aligned), not here.
 *
 * Until a scheduler exists, a CPU that is not the BSP only idles (hlt)
 * and runs what IPIs bring: smp_call_function and TLB shootdowns.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/arch.h>
#include <kernel/compiler.h>
#include <kernel/spinlock.h>

#define SMP_MAX_CPUS 64 /* more are left halted, with a warning */

struct arch_cpu;
struct task;
struct trap_frame;

struct percpu {
	/*
	 * The first four are read by the architecture's entry code at
	 * fixed offsets (kernel/arch/x86_64/cpu/entry.asm): keep them.
	 */
	struct percpu *self;  /* this_cpu() loads it */
	struct task *current; /* the task running here (<kernel/sched.h>) */
	uintptr_t kernel_rsp; /* top of current's kernel stack */
	uintptr_t user_rsp;   /* scratch: the user stack at syscall entry */

	unsigned int cpu_id;
	uint32_t apic_id;
	uint32_t acpi_uid;     /* ACPI processor UID (MADT NMI entries) */
	struct arch_cpu *arch; /* on x86_64: its GDT, TSS, IST stacks */
	uintptr_t stack_top;   /* the kernel stack it started (idles) on */
	bool online;	       /* written once, by the CPU itself */
	uint64_t ticks;	       /* timer ticks taken on this CPU */
	uint64_t calls;	       /* smp_call_function calls run here */

	/* Lock debugging (spinlock.c): the locks held, in order taken. */
	const struct spinlock *held_locks[SPINLOCK_MAX_HELD];
	unsigned int held_count;

	struct vm_space *vm_space; /* translating through (NULL: kernel's) */

	/* The interrupt being handled here, innermost (for the profiler). */
	const struct trap_frame *irq_frame;
	bool in_idle_wait; /* halted in the idle loop (sched/idle.c) */
};

/* This CPU's data. Valid from cpu_init on (percpu_ready()). */
static inline struct percpu *this_cpu(void)
{
	return arch_this_cpu();
}

static inline unsigned int cpu_id(void)
{
	return this_cpu()->cpu_id;
}

/* Has cpu_init set up this_cpu() yet? (Early boot and fault code ask.) */
static inline bool percpu_ready(void)
{
	extern bool percpu_up;

	return __atomic_load_n(&percpu_up, __ATOMIC_RELAXED);
}

/* CPUs online now (1 before smp_init). */
unsigned int smp_cpu_count(void);
bool smp_cpu_online(unsigned int cpu);
/* The data of CPU cpu, or NULL if there is no such CPU. */
struct percpu *smp_cpu(unsigned int cpu);

/*
 * For the architecture's bring-up (kernel/smp/cpus.c keeps the table):
 * enter cpu in the table under its cpu_id (CPU 0, the boot CPU, once its
 * this_cpu() works: percpu_ready() is true from then on, and it counts as
 * online); mark CPU n online once it runs the kernel.
 */
void smp_cpu_add(struct percpu *cpu);
void smp_cpu_set_online(unsigned int cpu);

/* Bit n: CPU n is online. */
uint64_t smp_online_mask(void);

/* The online CPUs in increasing order: the set bits of one mask read. */
#define for_each_online_cpu(c)                                     \
	for (uint64_t cpus_left_ = smp_online_mask();              \
	     cpus_left_ &&                                         \
	     ((c) = (unsigned int)__builtin_ctzll(cpus_left_), 1); \
	     cpus_left_ &= cpus_left_ - 1)

/*
 * Start every application processor the loader parked (Limine MP): each
 * loads its own GDT/TSS, the IDT, its GS base, the kernel's page tables
 * and stack, the boot CPU's control-register protections, its local APIC
 * and timer, then idles. Logs "smp: CPU n (APIC ID a) online" for each
 * and "smp: N CPUs online". Call after time_init and before
 * mm_reclaim_bootloader (the parked CPUs run in the loader's memory).
 */
void smp_init(void);

typedef void (*smp_call_fn)(void *arg);

#define SMP_CALL_OTHERS (-1) /* every online CPU but this one */
#define SMP_CALL_ALL (-2)    /* every online CPU, this one too */

/*
 * Run fn(arg) on cpu (a CPU number, SMP_CALL_OTHERS or SMP_CALL_ALL),
 * with interrupts off there. On this CPU it runs directly; on others
 * through their call queue and an IPI. With wait, return only once every
 * target has run it (others concurrently; with SMP_CALL_ALL this CPU
 * runs it after sending the IPIs); without, fn and arg must stay valid
 * until it has run. A waiting caller keeps serving its own queue, so
 * it may call with interrupts off, even from a handler; it must not hold
 * a lock that fn takes. 0, or -EINVAL (no such online CPU).
 */
int smp_call_function(int cpu, smp_call_fn fn, void *arg, bool wait);

/*
 * Invalidate [start, start + len) in the TLB of every CPU, this one
 * included, and return once all have: page by page, or a full flush for
 * a large range. The memory code calls it after changing or removing
 * kernel-half mappings (and later user mappings loaded on other CPUs).
 * Must not be called with a lock held that an IPI handler takes.
 */
void tlb_shootdown(uintptr_t start, size_t len);
/* The same on the CPUs of a mask only (bit n: CPU n; this one too). */
void tlb_shootdown_cpus(uint64_t cpus, uintptr_t start, size_t len);

/* Halt every other CPU (an NMI each), for panic. Never undone. */
void smp_stop_others(void);

/*
 * Debugging a hang: have every other CPU print where it is (an NMI each,
 * one CPU at a time, so that even a CPU spinning with interrupts off
 * answers). A CPU that does not answer within a tenth of a second is
 * reported as such.
 */
void smp_backtrace_others(void);

/*
 * For the architecture: set up the call queues (before the first IPI);
 * from the call IPI's handler, run this CPU's queue; from the stop
 * interrupt's handler, halt if a stop is on (else return false: the
 * interrupt was something else).
 */
void smp_call_init(void);
void smp_call_ipi(void);
bool smp_stop_ipi(void);
/* From the NMI handler: whether this CPU was asked for its backtrace
 * (smp_backtrace_others); smp_backtrace_done once it is printed. */
bool smp_backtrace_wanted(void);
void smp_backtrace_done(void);
/* For tests: mark cpu as asked (its next NMI prints); is it still owed? */
void smp_backtrace_ask(unsigned int cpu);
bool smp_backtrace_owed(unsigned int cpu);

#endif
