/*
 * SYSCALL on x86_64: the MSRs that send it to syscall_entry
 * (cpu/entry.asm), and its C half, which hands the arguments to the
 * generic dispatcher and decides how to return.
 *
 * STAR holds the selectors: SYSCALL loads CS = STAR[47:32] (kernel code)
 * and SS = that + 8; SYSRET to 64-bit mode loads CS = STAR[63:48] + 16
 * and SS = STAR[63:48] + 8, with RPL 3 (the GDT order in cpu.h).
 * SFMASK clears IF, DF, TF, AC, NT and IOPL on entry.
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/msr.h>
#include <kernel/cmdline.h>
#include <kernel/interrupt.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/vm.h>

#include "cpu/cpu.h"

#define EFER_SCE (1ULL << 0)
#define RFLAGS_TF (1ULL << 8)
#define RFLAGS_IF (1ULL << 9)
#define RFLAGS_DF (1ULL << 10)
#define RFLAGS_IOPL (3ULL << 12)
#define RFLAGS_NT (1ULL << 14)
#define RFLAGS_RF (1ULL << 16)
#define RFLAGS_AC (1ULL << 18)

void syscall_entry(void);

#define CR4_FSGSBASE (1ULL << 16)
#define CPUID7_EBX_FSGSBASE 0

bool cpu_fsgsbase; /* isr.asm's paranoid entry reads it */

/*
 * FSGSBASE (rdfsbase and company, in user mode too) when the CPU has it,
 * unless "nofsgsbase" is on the command line: decided on the boot CPU,
 * then set on each. User code may then set its GS base to anything, so
 * the paranoid entries stop guessing from the GS base (isr.asm).
 */
static void fsgsbase_init_cpu(void)
{
	static bool decided;
	uint32_t r[4] = {0};

	if (!decided) {
		cpuid_leaf(0, r);
		if (r[0] >= 7)
			cpuid_subleaf(7, 0, r);
		else
			r[1] = 0;
		cpu_fsgsbase = (r[1] >> CPUID7_EBX_FSGSBASE & 1) &&
			       !cmdline_has("nofsgsbase");
		decided = true;
	}
	if (cpu_fsgsbase)
		write_cr4(read_cr4() | CR4_FSGSBASE);
}

void syscall_init_cpu(void)
{
	fsgsbase_init_cpu();
	msr_write(MSR_EFER, msr_read(MSR_EFER) | EFER_SCE);
	msr_write(MSR_STAR, (uint64_t)GDT_KERNEL_DS << 48 |
				    (uint64_t)GDT_KERNEL_CS << 32);
	msr_write(MSR_LSTAR, (uintptr_t)syscall_entry);
	msr_write(MSR_SFMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_IOPL |
				      RFLAGS_NT | RFLAGS_AC);
}

/*
 * SYSRET only for an ordinary frame: user selectors, a rip in the user
 * half (SYSRET with a non-canonical rcx faults in ring 0, on the user's
 * stack, on Intel CPUs; below 2^47 is canonical with 4- and 5-level
 * paging alike), no single-step or resume flag to honour.
 */
static bool sysret_ok(const struct trap_frame *tf)
{
	return tf->cs == (GDT_USER_CS | 3) && tf->ss == (GDT_USER_DS | 3) &&
	       tf->rip < (1ULL << 47) &&
	       !(tf->rflags & (RFLAGS_TF | RFLAGS_RF));
}

/* The entry's way through C: tracing on, or a number beyond the table. */
void syscall_dispatch_frame(struct trap_frame *tf)
{
	tf->rax = (uint64_t)syscall_dispatch(
		(long)tf->rdi, (long)tf->rsi, (long)tf->rdx, (long)tf->r10,
		(long)tf->r8, (long)tf->r9, (long)tf->error_code);
}

/*
 * The entry found work before user mode: do it, then say how to return,
 * SYSRET (0) or IRETQ (1). Interrupts off at return. (Without work the
 * entry returns with SYSRET by itself: the frame is as it made it, and
 * its rip, from SYSCALL, is canonical: no user page is mapped at the very
 * top of the lower half, see vm_user_end.)
 */
int syscall_exit_work(struct trap_frame *tf)
{
	struct task *t = current_task();

	user_return_work(tf);
	if (t->arch.full_restore) {
		t->arch.full_restore = false;
		return 1;
	}
	return !sysret_ok(tf);
}

long arch_current_syscall_nr(void)
{
	return (long)arch_task_frame(current_task())->error_code;
}
