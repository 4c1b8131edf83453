/*
 * The system call dispatcher (<kernel/syscall.h>): the table generated
 * from syscall_64.tbl, -ENOSYS for numbers nothing implements (logged
 * once per number), and the whole-system trace ("strace" on the kernel
 * command line): "strace: [tid] name(a0, a1, a2) = ret".
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>

long sys_ni_syscall(SYSCALL_PARAMS);

typedef long (*syscall_fn)(SYSCALL_PARAMS);

#define SYSCALL(nr, name, entry) long entry(SYSCALL_PARAMS);
#include "syscall_table.h"
#undef SYSCALL

static const syscall_fn table[] = {
#define SYSCALL(nr, name, entry) [nr] = entry,
#include "syscall_table.h"
#undef SYSCALL
};

static const char *const names[] = {
#define SYSCALL(nr, name, entry) [nr] = #name,
#include "syscall_table.h"
#undef SYSCALL
};

static bool trace;
static uint64_t enosys_logged[(SYSCALL_MAX + 64) / 64];

long sys_ni_syscall(SYSCALL_PARAMS)
{
	SYSCALL_UNUSED;
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

	if (__atomic_fetch_or(word, bit, __ATOMIC_RELAXED) & bit)
		return;
	klog(KLOG_INFO, "syscall: %s (%ld) is not implemented: -ENOSYS\n",
	     syscall_name(nr) ? syscall_name(nr) : "unknown", nr);
}

long syscall_dispatch(const struct syscall_args *args)
{
	long nr = args->nr, ret;
	const long *a = args->a;
	syscall_fn fn = nr >= 0 && nr <= SYSCALL_MAX ? table[nr] : NULL;

	if (!fn || fn == sys_ni_syscall) {
		if (nr >= 0 && nr <= SYSCALL_MAX)
			log_enosys(nr);
		ret = -ENOSYS;
	} else {
		ret = fn(a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	if (trace)
		kprintf("strace: [%d] %s(%#lx, %#lx, %#lx) = %ld\n",
			current_task()->tid,
			syscall_name(nr) ? syscall_name(nr) : "?", a[0], a[1],
			a[2], ret);
	return ret;
}

void syscall_init(void)
{
	trace = cmdline_has("strace");
}
