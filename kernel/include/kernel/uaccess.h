/*
 * Kernel access to user memory (kernel/mm/uaccess.c). User addresses are
 * uintptr_t (named u...), never pointers the kernel could dereference by
 * mistake. Every access goes through these functions, which check that
 * the range lies in the user half and recover from faults: a bad or
 * kernel address is -EFAULT, never a panic. They may sleep (a page fault
 * is resolved on the way), so call them with no spinlock held.
 *
 * The raw window (user_access_begin/end) remains for the security tests,
 * which need a plain access; with SMAP on, any other touch of a user page
 * is a bug caught at once.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/arch.h>
#include <kernel/security.h>
#include <kernel/vm.h>

/* The architecture's copies: the bytes not copied (a fault stopped them). */
size_t arch_copy_user(void *dst, const void *src, size_t n);
size_t arch_clear_user(void *dst, size_t n);

/* A kernel buffer standing in for a user one (kernel_read): allowed? */
bool access_ok_kernel(uintptr_t u, size_t n);

/* [u, u + n) lies in the user half (and does not wrap). Inline, as the
 * copies below: every system call that moves data passes here. */
static inline bool access_ok(uintptr_t u, size_t n)
{
	uintptr_t end = vm_user_end();

	return (u <= end && n <= end - u) || access_ok_kernel(u, n);
}

/* 0, or -EFAULT (then dst may hold part of the data). */
static inline int copy_from_user(void *dst, uintptr_t usrc, size_t n)
{
	if (!access_ok(usrc, n))
		return -EFAULT;
	return arch_copy_user(dst, (const void *)usrc, n) ? -EFAULT : 0;
}

static inline int copy_to_user(uintptr_t udst, const void *src, size_t n)
{
	if (!access_ok(udst, n))
		return -EFAULT;
	return arch_copy_user((void *)udst, src, n) ? -EFAULT : 0;
}

int clear_user(uintptr_t udst, size_t n);

/*
 * Copy a NUL-terminated string of at most size - 1 characters: its
 * length, -EFAULT, or -ENAMETOOLONG when there is no NUL within size.
 */
long strncpy_from_user(char *dst, uintptr_t usrc, size_t size);

#define get_user(x, uptr) copy_from_user(&(x), (uptr), sizeof(x))
#define put_user(x, uptr)                                                \
	({                                                               \
		__typeof__(x) put_user_v_ = (x);                         \
		copy_to_user((uptr), &put_user_v_, sizeof(put_user_v_)); \
	})

/*
 * Atomic operations on a user word (futexes): compare-and-exchange, and
 * FUTEX_OP's read-modify-write (op 0 set, 1 add, 2 or, 3 andn, 4 xor).
 * 0 with *found / *old, -EFAULT, or -ENOSYS for an unknown op.
 */
int cmpxchg_user_u32(uintptr_t u, uint32_t old, uint32_t new_val,
		     uint32_t *found);
int atomic_op_user_u32(uintptr_t u, int op, uint32_t arg, uint32_t *old);

/* The fixup for a fault at rip in a user access, or 0 (exceptions.c). */
uintptr_t uaccess_fixup(uintptr_t rip);

static inline void user_access_begin(void)
{
	arch_user_access_begin(security_features->smap);
}

static inline void user_access_end(void)
{
	arch_user_access_end(security_features->smap);
}

#endif
