/*
 * User memory access (<kernel/uaccess.h>): range checks here, the copies
 * themselves in the architecture (kernel/arch/x86_64/cpu/uaccess.asm),
 * where a fault on a user page that cannot be made present resumes at a
 * fixup listed in the exception table instead of stopping the kernel.
 */
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>

long arch_strncpy_user(char *dst, const char *src, size_t n);
int arch_cmpxchg_user(uint32_t *u, uint32_t old, uint32_t new_val,
		      uint32_t *found);
int arch_xchg_op_user(uint32_t *u, int op, uint32_t arg, uint32_t *old);

struct ex_entry {
	uintptr_t insn, fixup;
};

extern const struct ex_entry __ex_table_start[], __ex_table_end[];

/* A kernel buffer passed as a user one (kernel_read, fs/): only while
 * the task says so, and only the higher half. */
bool access_ok_kernel(uintptr_t u, size_t n)
{
	struct task *t = percpu_ready() ? current_task() : NULL;

	return t && t->uaccess_kernel && (intptr_t)u < 0 && u + n >= u;
}

int clear_user(uintptr_t udst, size_t n)
{
	if (!access_ok(udst, n))
		return -EFAULT;
	return arch_clear_user((void *)udst, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, uintptr_t usrc, size_t size)
{
	uintptr_t end = vm_user_end();
	size_t n = size;
	long len;

	if (size == 0 || usrc >= end)
		return -EFAULT;
	if (n > end - usrc)
		n = end - usrc; /* a string may end right below the limit */
	len = arch_strncpy_user(dst, (const char *)usrc, n);
	if (len < 0)
		return len;
	if ((size_t)len == n) {
		dst[size - 1] = '\0';
		return n == size ? -ENAMETOOLONG : -EFAULT;
	}
	return len;
}

int cmpxchg_user_u32(uintptr_t u, uint32_t old, uint32_t new_val,
		     uint32_t *found)
{
	if (u % 4 || !access_ok(u, 4))
		return -EFAULT;
	return arch_cmpxchg_user((uint32_t *)u, old, new_val, found);
}

int atomic_op_user_u32(uintptr_t u, int op, uint32_t arg, uint32_t *old)
{
	if (u % 4 || !access_ok(u, 4))
		return -EFAULT;
	return arch_xchg_op_user((uint32_t *)u, op, arg, old);
}

uintptr_t uaccess_fixup(uintptr_t rip)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end;
	     e++) {
		if (e->insn == rip)
			return e->fixup;
	}
	return 0;
}
