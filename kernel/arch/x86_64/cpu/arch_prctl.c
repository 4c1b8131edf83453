/*
 * arch_prctl: the FS and GS bases that hold a thread's TLS pointer.
 * FS is loaded straight into MSR_FS_BASE; the user's GS base waits in
 * MSR_KERNEL_GS_BASE while the kernel runs (swapgs brings it back on the
 * way out). Both are saved and loaded with the task on a switch
 * (cpu/task.c).
 */
#include <kernel/arch/x86_64/msr.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

SYSCALL_DEFINE2(arch_prctl, int, code, uint64_t, addr)
{
	struct task *t = current_task();
	uint64_t v;

	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= vm_user_end())
			return -EPERM;
		if (code == ARCH_SET_FS) {
			t->arch.fs_base = addr;
			msr_write(MSR_FS_BASE, addr);
		} else {
			t->arch.gs_base = addr;
			msr_write(MSR_KERNEL_GS_BASE, addr);
		}
		return 0;
	case ARCH_GET_FS:
		v = msr_read(MSR_FS_BASE);
		return put_user(v, addr) ? -EFAULT : 0;
	case ARCH_GET_GS:
		v = msr_read(MSR_KERNEL_GS_BASE);
		return put_user(v, addr) ? -EFAULT : 0;
	case ARCH_GET_CPUID:
		return 1; /* CPUID works in user mode */
	case ARCH_SET_CPUID:
		return addr ? 0 : -ENODEV; /* no CPUID faulting */
	default:
		return -EINVAL;
	}
}
