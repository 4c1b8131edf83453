/*
 * The x86_64 side of tasks (<kernel/arch.h>): a new task's first stack
 * frame, its FPU area, and the switch between tasks (what must change
 * with the task besides its registers: the kernel stack entries from
 * user mode use, FPU state, the user's FS and GS bases).
 *
 * While a task runs in the kernel, the user's GS base waits in
 * MSR_KERNEL_GS_BASE (swapgs exchanged it with the CPU's own), and FS
 * base is the user's (the kernel does not use FS).
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/msr.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>

#include "cpu/cpu.h"

void arch_switch_stacks(uintptr_t *save_sp, uintptr_t next_sp);
void arch_task_trampoline(void);

/* The frame arch_switch_stacks pops: callee-saved registers, return. */
struct switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret;
};

static struct kmem_cache *fpu_cache;

/*
 * Below the top of the stack: room for the user trap frame (the entry
 * code puts it there), then the first switch frame.
 */
void arch_task_init(struct task *t)
{
	uintptr_t sp = t->kstack - sizeof(struct trap_frame) -
		       sizeof(struct switch_frame);
	struct switch_frame *f = (struct switch_frame *)sp;

	memset(f, 0, sizeof(*f));
	f->ret = (uintptr_t)arch_task_trampoline;
	t->arch.ksp = sp;
}

void arch_task_switch_frame(const struct task *t, uintptr_t *pc, uintptr_t *fp)
{
	const struct switch_frame *f = (const void *)t->arch.ksp;

	*pc = f->ret;
	*fp = f->rbp;
}

int arch_task_fpu_alloc(struct task *t)
{
	if (!fpu_cache)
		fpu_cache = kmem_cache_create("fpu", fpu_area_size(), 64);
	if (!t->arch.fpu)
		t->arch.fpu = fpu_cache ? kmem_cache_alloc(fpu_cache) : NULL;
	if (!t->arch.fpu)
		return -ENOMEM;
	memcpy(t->arch.fpu, fpu_initial_state(), fpu_area_size());
	return 0;
}

int arch_task_copy(struct task *child, struct task *parent)
{
	int err = arch_task_fpu_alloc(child);

	if (err)
		return err;
	if (parent == current_task()) { /* its live registers first */
		parent->arch.fs_base = msr_read(MSR_FS_BASE);
		fpu_save(parent->arch.fpu);
	}
	memcpy(child->arch.fpu, parent->arch.fpu, fpu_area_size());
	child->arch.fs_base = parent->arch.fs_base;
	child->arch.gs_base = current_task() == parent
				      ? msr_read(MSR_KERNEL_GS_BASE)
				      : parent->arch.gs_base;
	return 0;
}

void arch_task_free(struct task *t)
{
	if (t->arch.fpu)
		kmem_cache_free(fpu_cache, t->arch.fpu);
	t->arch.fpu = NULL;
}

void arch_context_switch(struct task *prev, struct task *next)
{
	this_cpu()->arch->tss.rsp[0] = next->kstack;
	if (prev->arch.fpu) {
		fpu_save(prev->arch.fpu);
		prev->arch.fs_base = msr_read(MSR_FS_BASE);
		prev->arch.gs_base = msr_read(MSR_KERNEL_GS_BASE);
	}
	if (next->arch.fpu) {
		fpu_restore(next->arch.fpu);
		msr_write(MSR_FS_BASE, next->arch.fs_base);
		msr_write(MSR_KERNEL_GS_BASE, next->arch.gs_base);
	}
	arch_switch_stacks(&prev->arch.ksp, next->arch.ksp);
}

#define RFLAGS_IF (1ULL << 9)
#define RFLAGS_RESERVED1 (1ULL << 1)

void arch_return_to_user(struct trap_frame *tf);

/* The user registers of t: the frame at the top of its kernel stack. */
struct trap_frame *arch_task_frame(struct task *t)
{
	return (struct trap_frame *)(t->kstack - sizeof(struct trap_frame));
}

void arch_exec_regs(struct task *t, uintptr_t entry, uintptr_t sp)
{
	struct trap_frame *tf = arch_task_frame(t);

	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->rsp = sp;
	tf->rflags = RFLAGS_IF | RFLAGS_RESERVED1;
	tf->cs = GDT_USER_CS | 3;
	tf->ss = GDT_USER_DS | 3;
	tf->vector = TRAP_SYSCALL; /* as after a system call: no restart */
	tf->error_code = ~0ULL;
	t->arch.full_restore = true; /* every register starts at 0 */
	if (!t->arch.fpu && arch_task_fpu_alloc(t))
		return; /* no memory: the task keeps no FPU state of its own */
	memcpy(t->arch.fpu, fpu_initial_state(), fpu_area_size());
	fpu_restore(t->arch.fpu);
	t->arch.fs_base = 0;
	t->arch.gs_base = 0;
	msr_write(MSR_FS_BASE, 0);
	msr_write(MSR_KERNEL_GS_BASE, 0);
}

noreturn void arch_enter_user(struct task *t)
{
	__asm__ volatile("cli" ::: "memory");
	arch_return_to_user(arch_task_frame(t));
	__builtin_unreachable();
}

uint64_t arch_hwcap(void)
{
	uint32_t r[4];

	cpuid_leaf(1, r);
	return r[3]; /* CPUID.1:EDX, as Linux's ELF_HWCAP on x86 */
}

#define HWCAP2_FSGSBASE (1u << 1)

uint64_t arch_hwcap2(void)
{
	return cpu_fsgsbase ? HWCAP2_FSGSBASE : 0; /* as Linux's AT_HWCAP2 */
}

void arch_fork_regs(struct task *child, struct task *parent, uintptr_t stack,
		    uintptr_t stack_size)
{
	struct trap_frame *tf = arch_task_frame(child);

	*tf = *arch_task_frame(parent);
	tf->rax = 0; /* the child's return value */
	if (stack)
		tf->rsp = stack + stack_size;
}

uint64_t arch_user_sp(struct task *t)
{
	return arch_task_frame(t)->rsp;
}
