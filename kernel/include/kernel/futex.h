/*
 * Futexes (kernel/proc/futex.c): the futex system call, and the wake a
 * thread's exit does on its CLONE_CHILD_CLEARTID word (pthread_join).
 */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <stdint.h>

void futex_init(void);
/* Wake up to n waiters on the word at uaddr (private or shared). */
void futex_wake_addr(uintptr_t uaddr, int n);

/*
 * A thread exits: each robust futex it still holds (set_robust_list) is
 * marked FUTEX_OWNER_DIED and a waiter woken, so that the next locker
 * gets EOWNERDEAD instead of waiting forever.
 */
struct task;
void futex_exit_robust(struct task *t);

#endif
