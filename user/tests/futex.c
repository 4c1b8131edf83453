/*
 * futex.c - the futex system call.
 *   FUTEX_WAIT: EAGAIN on a value mismatch, ETIMEDOUT after a relative
 *   timeout, EINVAL (unaligned, bad timespec), EFAULT; an unknown op is
 *   ENOSYS. Waiters are counted exactly by moving them with
 *   FUTEX_CMP_REQUEUE (EAGAIN on a mismatch) and FUTEX_REQUEUE, then
 *   woken by FUTEX_WAKE with exact counts; FUTEX_WAKE_OP (the operation
 *   done on the second word, the comparison choosing whether its waiters
 *   wake); FUTEX_WAIT_BITSET/FUTEX_WAKE_BITSET (a disjoint bitset wakes
 *   nobody; bitset 0 EINVAL; absolute timeouts on MONOTONIC and with
 *   FUTEX_CLOCK_REALTIME). Shared futexes between processes in MAP_SHARED
 *   memory, and a private wait is not woken by a shared wake. Robust
 *   lists: set/get_robust_list, EINVAL, ESRCH; a process dying with a
 *   robust mutex held gives the next locker EOWNERDEAD.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* From the Linux UAPI (<linux/futex.h>, not in musl's headers). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP(op, oparg, cmp, cmparg)                                      \
	((((op)&0xf) << 28) | (((cmp)&0xf) << 24) | (((oparg)&0xfff) << 12) | \
	 ((cmparg)&0xfff))

struct robust_list {
	struct robust_list *next;
};

struct robust_list_head {
	struct robust_list list;
	long futex_offset;
	struct robust_list *list_op_pending;
};

static long futex(volatile int *uaddr, int op, int val, const void *ts_or_n,
		  volatile int *uaddr2, int val3)
{
	return t_sys6(SYS_futex, uaddr, op, val, ts_or_n, uaddr2, val3);
}

#define PRIV FUTEX_PRIVATE_FLAG

static volatile int word_a, word_b, done_count;

struct waiter {
	volatile int *addr;
	int op;
	int bitset;
	long result;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	w->result = futex(w->addr, w->op, 0, NULL, NULL, w->bitset);
	__atomic_add_fetch(&done_count, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Move every waiter of from to to until n have moved; returns how many. */
static int gather(volatile int *from, volatile int *to, int n, int priv)
{
	int moved = 0;
	for (int tries = 0; moved < n && tries < 2000; tries++) {
		long r = futex(from, FUTEX_CMP_REQUEUE | priv, 0,
			       (void *)(long)INT_MAX, to, *from);
		if (r > 0)
			moved += (int)r;
		else
			t_msleep(1);
	}
	return moved;
}

static void start_waiters(pthread_t *th, struct waiter *w, int n, int op,
			  int bitset)
{
	for (int i = 0; i < n; i++) {
		w[i].addr = &word_a;
		w[i].op = op;
		w[i].bitset = bitset;
		w[i].result = -1;
		pthread_create(&th[i], NULL, wait_thread, &w[i]);
	}
}

static void join_all(pthread_t *th, int n)
{
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

static void basics(void)
{
	volatile int w = 1;
	struct timespec ts = {0, 10000000};
	T_SYSERR("FUTEX_WAIT value mismatch",
		 futex(&w, FUTEX_WAIT | PRIV, 0, NULL, NULL, 0), EAGAIN);
	T_SYSERR("FUTEX_WAIT 10 ms timeout",
		 futex(&w, FUTEX_WAIT | PRIV, 1, &ts, NULL, 0), ETIMEDOUT);
	T_SYSERR("FUTEX_WAIT shared 10 ms timeout",
		 futex(&w, FUTEX_WAIT, 1, &ts, NULL, 0), ETIMEDOUT);
	T_SYSERR("FUTEX_WAIT unaligned",
		 futex((volatile int *)((char *)&w + 1), FUTEX_WAIT | PRIV, 1,
		       &ts, NULL, 0),
		 EINVAL);
	struct timespec bad = {0, 1000000000};
	T_SYSERR("FUTEX_WAIT bad timeout",
		 futex(&w, FUTEX_WAIT | PRIV, 1, &bad, NULL, 0), EINVAL);
	T_SYSERR("FUTEX_WAIT timeout at a kernel address",
		 futex(&w, FUTEX_WAIT | PRIV, 1, BAD_KERN, NULL, 0), EFAULT);
	T_SYSERR("FUTEX_WAIT at NULL",
		 futex(BAD_NULL, FUTEX_WAIT | PRIV, 1, &ts, NULL, 0), EFAULT);
	T_SYSERR("FUTEX_WAIT at a kernel address",
		 futex(BAD_KERN, FUTEX_WAIT, 1, &ts, NULL, 0), EFAULT);
	T_SYSERR("unknown futex op", futex(&w, 99, 0, NULL, NULL, 0), ENOSYS);
	T_EQ("FUTEX_WAKE with no waiters",
	     futex(&w, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0), 0);
	T_SYSERR("FUTEX_CMP_REQUEUE value mismatch",
		 futex(&w, FUTEX_CMP_REQUEUE | PRIV, 1, (void *)1L, &word_b, 0),
		 EAGAIN);
	T_SYSERR(
		"FUTEX_CMP_REQUEUE second address in the kernel half",
		futex(&w, FUTEX_CMP_REQUEUE | PRIV, 1, (void *)1L, BAD_KERN, 1),
		EFAULT);
	T_SYSERR("FUTEX_WAIT_BITSET bitset 0",
		 futex(&w, FUTEX_WAIT_BITSET | PRIV, 1, &ts, NULL, 0), EINVAL);
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	T_SYSERR("FUTEX_WAIT_BITSET absolute deadline now",
		 futex(&w, FUTEX_WAIT_BITSET | PRIV, 1, &abs, NULL, -1),
		 ETIMEDOUT);
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 10000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	T_SYSERR("FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME +10 ms",
		 futex(&w, FUTEX_WAIT_BITSET | PRIV | FUTEX_CLOCK_REALTIME, 1,
		       &abs, NULL, -1),
		 ETIMEDOUT);
	T_SYSERR("FUTEX_CLOCK_REALTIME with FUTEX_WAKE",
		 futex(&w, FUTEX_WAKE | PRIV | FUTEX_CLOCK_REALTIME, 1, NULL,
		       NULL, 0),
		 ENOSYS);
}

static void wake_counts(void)
{
	pthread_t th[3];
	struct waiter w[3];
	word_a = 0;
	word_b = 0;
	done_count = 0;
	start_waiters(th, w, 3, FUTEX_WAIT | PRIV, 0);
	T_EQ("3 waiters moved by FUTEX_CMP_REQUEUE",
	     gather(&word_a, &word_b, 3, PRIV), 3);
	T_EQ("FUTEX_REQUEUE 1 woken, the rest moved back",
	     futex(&word_b, FUTEX_REQUEUE | PRIV, 1, (void *)(long)INT_MAX,
		   &word_a, 0),
	     3);
	while (done_count < 1)
		t_msleep(1);
	T_EQ("FUTEX_WAKE 1 of 2",
	     futex(&word_a, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0), 1);
	T_EQ("FUTEX_WAKE the last one",
	     futex(&word_a, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0), 1);
	join_all(th, 3);
	T_EQ("all returned 0",
	     w[0].result == 0 && w[1].result == 0 && w[2].result == 0, 1);

	/* WAKE_OP: waiters on a and b; b = 5, wake b's if old b == 0. */
	pthread_t tb[2];
	struct waiter wb[2];
	word_a = word_b = 0;
	done_count = 0;
	start_waiters(tb, wb, 2, FUTEX_WAIT | PRIV, 0);
	volatile int park = 0;
	gather(&word_a, &park, 2, PRIV);
	futex(&park, FUTEX_CMP_REQUEUE | PRIV, 0, (void *)1L, &word_b, 0);
	futex(&park, FUTEX_CMP_REQUEUE | PRIV, 0, (void *)1L, &word_a, 0);
	/* one waiter on a, one on b */
	int op = FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 0);
	T_EQ("FUTEX_WAKE_OP wakes on both (old b == 0)",
	     futex(&word_a, FUTEX_WAKE_OP | PRIV, 1, (void *)1L, &word_b, op),
	     2);
	T_EQ("  b set to 5", word_b, 5);
	join_all(tb, 2);
	op = FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0);
	T_EQ("FUTEX_WAKE_OP with no waiters",
	     futex(&word_a, FUTEX_WAKE_OP | PRIV, 1, (void *)1L, &word_b, op),
	     0);
	T_EQ("  b incremented", word_b, 6);
	T_SYSERR("FUTEX_WAKE_OP second word at a kernel address",
		 futex(&word_a, FUTEX_WAKE_OP | PRIV, 1, (void *)1L, BAD_KERN,
		       op),
		 EFAULT);

	/* Bitsets. */
	pthread_t t1;
	struct waiter w1;
	word_a = 0;
	start_waiters(&t1, &w1, 1, FUTEX_WAIT_BITSET | PRIV, 1);
	gather(&word_a, &word_b, 1, PRIV);
	futex(&word_b, FUTEX_REQUEUE | PRIV, 0, (void *)1L, &word_a, 0);
	T_EQ("FUTEX_WAKE_BITSET disjoint bitset wakes nobody",
	     futex(&word_a, FUTEX_WAKE_BITSET | PRIV, 1, NULL, NULL, 2), 0);
	T_EQ("FUTEX_WAKE_BITSET matching bitset",
	     futex(&word_a, FUTEX_WAKE_BITSET | PRIV, 1, NULL, NULL, 3), 1);
	pthread_join(t1, NULL);
}

static void shared(void)
{
	volatile int *s = t_shared(4096);
	s[0] = 0;
	pid_t pid = t_fork();
	if (pid == 0)
		_exit(futex(&s[0], FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : 1);
	T_EQ("shared futex: the other process waits",
	     gather(&s[0], &s[1], 1, 0), 1);
	T_EQ("  woken by a shared FUTEX_WAKE",
	     futex(&s[1], FUTEX_WAKE, 1, NULL, NULL, 0), 1);
	T_STATUS("  its wait returned 0", t_wait(pid), "exit 0");

	s[2] = 0;
	pid = t_fork();
	if (pid == 0) {
		struct timespec ts = {0, 200000000};
		_exit(futex(&s[2], FUTEX_WAIT | PRIV, 0, &ts, NULL, 0) ==
				      -ETIMEDOUT
			      ? 0
			      : 1);
	}
	t_msleep(50);
	T_EQ("a shared wake misses another process's private waiter",
	     futex(&s[2], FUTEX_WAKE, 1, NULL, NULL, 0), 0);
	T_EQ("  and so does our private wake",
	     futex(&s[2], FUTEX_WAKE | PRIV, 1, NULL, NULL, 0), 0);
	T_STATUS("  it timed out", t_wait(pid), "exit 0");
}

static void robust(void)
{
	/* Static: the kernel walks it when the process exits. */
	static struct robust_list_head head;
	struct robust_list_head *got;
	size_t len;
	head.list.next = &head.list;
	head.futex_offset = 0;
	head.list_op_pending = NULL;
	T_SYSOK("set_robust_list",
		t_sys2(SYS_set_robust_list, &head, sizeof(head)));
	T_SYSOK("get_robust_list(0)",
		t_sys3(SYS_get_robust_list, 0, &got, &len));
	T_EQ("  returns what was set", got == &head && len == sizeof(head), 1);
	T_SYSERR("set_robust_list bad length",
		 t_sys2(SYS_set_robust_list, &head, 8), EINVAL);
	T_SYSERR("get_robust_list of no such pid",
		 t_sys3(SYS_get_robust_list, 0x3fffffff, &got, &len), ESRCH);
	T_SYSERR("get_robust_list at a kernel address",
		 t_sys3(SYS_get_robust_list, 0, BAD_KERN, &len), EFAULT);

	pthread_mutex_t *m = t_shared(4096);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	pid_t pid = t_fork();
	if (pid == 0) {
		pthread_mutex_lock(m);
		_exit(0);
	}
	t_wait(pid);
	int r = pthread_mutex_lock(m);
	T_STREQ("robust mutex of a dead owner",
		r == EOWNERDEAD ? "EOWNERDEAD" : t_errname(r), "EOWNERDEAD");
	T_EQ("pthread_mutex_consistent", pthread_mutex_consistent(m), 0);
	pthread_mutex_unlock(m);
}

int main(void)
{
	basics();
	wake_counts();
	shared();
	robust();
	t_done();
}
