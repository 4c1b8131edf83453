/*
 * The system call dispatcher (<kernel/syscall.h>): the table generated
 * from syscall_64.tbl, -ENOSYS for numbers nothing implements (logged
 * once per number), and the whole-system trace ("strace" on the kernel
 * command line): "strace: [tid] name(a0, a1, a2) = ret".
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>

long sys_ni_syscall(SYSCALL_PARAMS);

#define SYSCALL(nr, name, entry) long entry(SYSCALL_PARAMS);
#include "syscall_table.h"
#undef SYSCALL

/*
 * Every number up to SYSCALL_MAX has an entry, sys_ni_syscall for the
 * gaps in the table: the entry code calls through it with only the bound
 * checked. (The gaps are filled first, then the table overrides them.)
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
const syscall_fn syscall_table[SYSCALL_MAX + 1] = {
	[0 ... SYSCALL_MAX] = sys_ni_syscall,
#define SYSCALL(nr, name, entry) [nr] = entry,
#include "syscall_table.h"
#undef SYSCALL
};
#pragma GCC diagnostic pop

const unsigned long syscall_table_len = SYSCALL_MAX + 1;
bool syscall_traced;

static const char *const names[] = {
#define SYSCALL(nr, name, entry) [nr] = #name,
#include "syscall_table.h"
#undef SYSCALL
};

static uint64_t enosys_logged[(SYSCALL_MAX + 64) / 64];

static void log_enosys(long nr);

/* A number nothing implements: the entry code calls this directly. */
long sys_ni_syscall(SYSCALL_PARAMS)
{
	SYSCALL_UNUSED;
	log_enosys(arch_current_syscall_nr());
	return -ENOSYS;
}

const char *syscall_name(long nr)
{
	if (nr < 0 || nr > SYSCALL_MAX)
		return NULL;
	return names[nr];
}

static void log_enosys(long nr)
{
	uint64_t bit = 1ULL << (nr % 64);
	uint64_t *word = &enosys_logged[nr / 64];

	if (nr < 0 || nr > SYSCALL_MAX)
		return;
	if (__atomic_fetch_or(word, bit, __ATOMIC_RELAXED) & bit)
		return;
	klog(KLOG_INFO, "syscall: %s (%ld) is not implemented: -ENOSYS\n",
	     syscall_name(nr) ? syscall_name(nr) : "unknown", nr);
}

long syscall_dispatch(SYSCALL_PARAMS, long nr)
{
	long ret = nr >= 0 && nr <= SYSCALL_MAX
			   ? syscall_table[nr](x0, x1, x2, x3, x4, x5)
			   : -ENOSYS;

	if (syscall_traced)
		kprintf("strace: [%d] %s(%#lx, %#lx, %#lx) = %ld\n",
			current_task()->tid,
			syscall_name(nr) ? syscall_name(nr) : "?", x0, x1, x2,
			ret);
	return ret;
}

void syscall_init(void)
{
	syscall_traced = cmdline_has("strace");
}
