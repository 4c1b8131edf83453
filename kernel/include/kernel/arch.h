/*
 * What generic kernel code may ask of the CPU architecture: the porting
 * interface (docs/porting.md). The x86_64 implementation lives in
 * kernel/arch/x86_64/; code outside arch/ reaches the CPU only through
 * these arch_* functions and the subsystem interfaces that arch/
 * implements (listed in docs/porting.md), never through inline assembly
 * or an x86 header of its own.
 *
 * This is also the one header through which generic code sees
 * architecture-specific definitions: the trap frame and vector numbers
 * (for <kernel/interrupt.h>) and the few operations that must be inline.
 * A second architecture adds its own pair of headers here.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>

#include <kernel/arch/x86_64/cpu_ops.h> /* arch_cpu_relax, arch_cycles ... */
#include <kernel/arch/x86_64/task.h>	/* struct arch_task */
#include <kernel/arch/x86_64/trap.h>	/* struct trap_frame, vectors */

/* ---- the CPU ---------------------------------------------------------- */

/* Disable interrupts and halt this CPU for good. */
noreturn void arch_halt_forever(void);

/*
 * Ask QEMU to exit through its isa-debug-exit device (port 0xf4); QEMU's
 * exit status is then (code << 1) | 1. Returns if there is no such device,
 * as on real hardware. Call only when the user asked for it (test=...).
 */
void arch_qemu_exit(uint8_t code);

/* The current stack pointer (of the caller, give or take a frame). */
uintptr_t arch_stack_pointer(void);

/*
 * Switch to the stack whose top (16-byte aligned) is top and call fn
 * there, with the frame chain ending. fn must not return.
 */
noreturn void arch_call_on_stack(void *top, void (*fn)(void));

/*
 * Whether this CPU is a virtual one (x86: the CPUID hypervisor bit): a
 * hypervisor may deschedule it at any instruction, which changes what
 * the best spinlock is (kernel/locking/spinlock.c).
 */
bool arch_cpu_is_virtual(void);

/*
 * For panic(): print the registers as they are in the caller of panic
 * (ret: the return address into it; frame: panic's frame pointer) and
 * the backtrace from there.
 */
void arch_panic_dump(uintptr_t ret, uintptr_t frame);

/*
 * 64 bits from the best entropy the CPU has (x86: RDSEED, else RDRAND,
 * mixed with timing and boot-time values), for seeding the kernel's
 * random number generator (kernel/lib/random.c).
 */
uint64_t arch_random_seed(void);

/* ---- paging and the TLB (kernel/mm/) ---------------------------------- */

/* 4 or 5: the paging depth the CPU runs with now (CR4.LA57). */
unsigned int arch_paging_levels(void);

/*
 * Translate a virtual address through the active page tables, which are
 * read through the HHDM at hhdm_offset. 0, or -EFAULT if it is not mapped.
 */
int arch_virt_to_phys(uintptr_t virt, uint64_t hhdm_offset, uint64_t *phys);

/*
 * Check and set what the page tables rely on: read-only pages are
 * read-only for the kernel too, global pages, the page attribute table
 * in the Limine protocol's layout (entry 5 write-combining). Logs what it
 * had to change.
 */
void arch_mmu_init(void);
bool arch_mmu_has_nx(void);	 /* no-execute pages */
bool arch_mmu_has_gbpages(void); /* 1 GiB pages */
uint64_t arch_mmu_pat(void);	 /* the page attribute table as found */

/* The CPU as /proc/cpuinfo describes it (read on the calling CPU). */
struct arch_cpu_info {
	char vendor[16];
	char model_name[52];
	unsigned int family, model, stepping, cpuid_level;
	unsigned int phys_bits, virt_bits, clflush;
	char flags[512]; /* Linux's names, blank-separated */
};
void arch_cpu_info(struct arch_cpu_info *out);

/* The physical address of the top-level page table the CPU uses now. */
uint64_t arch_current_root(void);
void arch_invlpg(uintptr_t va);
/* Flush the whole TLB of this CPU, global entries included. */
void arch_flush_tlb_all(void);

/* A page fault's error code as VM_FAULT_* flags (<kernel/vm.h>). */
unsigned int arch_fault_access(uint64_t error_code);

struct vm_space;

/*
 * kernel_space's page tables (kernel/mm/kspace.c builds it): make its
 * empty top-level table (0 or -ENOMEM); make the top-level entries
 * covering [start, end) (0 or -ENOMEM); then seal: no kernel-half
 * top-level entry is made after that, so the copies of the kernel half
 * in user spaces stay complete.
 */
int arch_kernel_space_init(void);
int arch_kernel_space_reserve(uintptr_t start, uintptr_t end);
void arch_kernel_space_seal(void);

/*
 * A user address space's tables (kernel/mm/space.c keeps the
 * bookkeeping): give s a top-level table sharing the kernel half (0 or
 * -ENOMEM); free every table of s's lower half and its top (not the
 * pages mapped); make s the space this CPU translates through.
 */
int arch_space_init(struct vm_space *s);
void arch_space_free(struct vm_space *s);
void arch_space_load(struct vm_space *s);

/* ---- time (kernel/time/) ---------------------------------------------- */

/*
 * Program this CPU's one-shot timer interrupt for the monotonic time
 * deadline (ns), or stop it (0). The interrupt calls timer_expire()
 * (<kernel/timer.h>). Called with interrupts off.
 */
void arch_timer_program(uint64_t deadline);

/*
 * Busy-wait for us microseconds without the monotonic clock (before
 * time_init, or when it has no source): the PIT's channel 2 on a PC.
 */
void arch_early_udelay(uint64_t us);

/* ---- SMP (kernel/smp/) ------------------------------------------------ */

/*
 * Interrupt CPU cpu (a number of <kernel/smp.h>) so that it calls
 * smp_call_ipi() (its call queue). And the stop for panic: an interrupt
 * nothing masks (NMI), after which the CPU halts for good.
 */
void arch_send_call_ipi(unsigned int cpu);
void arch_send_stop_ipi(unsigned int cpu);

/* ---- tasks (kernel/sched/, kernel/proc/) ------------------------------ */

/* The number of the system call the current task is in. */
long arch_current_syscall_nr(void);

struct task;

/*
 * Prepare a new task's kernel stack so that the first switch to it calls
 * sched_task_entry() (<kernel/sched.h>'s internal start: it finishes the
 * switch and runs the task's function) on that stack.
 */
void arch_task_init(struct task *t);

/* Give t an FPU state of its own (the initial one): 0 or -ENOMEM. */
int arch_task_fpu_alloc(struct task *t);
/* Copy parent's FPU state and TLS bases into child (fork, clone). */
int arch_task_copy(struct task *child, struct task *parent);
/*
 * Where a switched-out task will resume in the kernel, for a backtrace
 * of it: the return address and frame pointer its switch saved.
 */
void arch_task_switch_frame(const struct task *t, uintptr_t *pc, uintptr_t *fp);
/* Free what arch_task_* allocated. */
void arch_task_free(struct task *t);

/*
 * Switch this CPU from prev to next: the per-CPU kernel stack pointer
 * for entries from user mode, FPU state, TLS bases, then the registers
 * and stacks. Returns when prev is switched back in (on any CPU).
 * Interrupts off.
 */
void arch_context_switch(struct task *prev, struct task *next);

/*
 * A program starts (execve): t's user registers all zero but the entry
 * point and stack pointer, a fresh FPU state, no TLS bases. t is the
 * current task; its return to user mode then lands at entry.
 */
void arch_exec_regs(struct task *t, uintptr_t entry, uintptr_t sp);

/*
 * A fork or clone child's user registers: the parent's, returning 0, on
 * a new stack if stack is not 0 (its top: stack + stack_size).
 */
void arch_fork_regs(struct task *child, struct task *parent, uintptr_t stack,
		    uintptr_t stack_size);

/* The user stack pointer t had when it entered the kernel. */
uint64_t arch_user_sp(struct task *t);

/* Enter user mode with t's user registers (a new process's first run). */
noreturn void arch_enter_user(struct task *t);

/* The CPU features programs are told of (AT_HWCAP, AT_HWCAP2). */
uint64_t arch_hwcap(void);
uint64_t arch_hwcap2(void);

/* Interrupt CPU cpu so that it reschedules (sched_resched_ipi there). */
void arch_send_resched_ipi(unsigned int cpu);

#endif
