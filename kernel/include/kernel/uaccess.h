/*
 * Kernel access to user memory. With SMAP on, the kernel faults on any
 * user page unless the access sits between user_access_begin() and
 * user_access_end(), so every deliberate access is marked and any other
 * is a bug caught at once. Keep the window short: no calls that might
 * sleep or take a fault of their own inside it, and always close it.
 *
 *	user_access_begin();
 *	v = *(volatile uint32_t *)uptr;
 *	user_access_end();
 *
 * copy_from_user/copy_to_user, with fault recovery, come with user space.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <kernel/arch.h>
#include <kernel/security.h>

static inline void user_access_begin(void)
{
	arch_user_access_begin(security_features->smap);
}

static inline void user_access_end(void)
{
	arch_user_access_end(security_features->smap);
}

#endif
