/*
 * Futexes (<kernel/futex.h>): sleeping on a user word until another
 * thread wakes it. Waiters hash by key into buckets, each with a mutex
 * (reading the word may fault, so the lock must allow sleeping): a
 * private futex's key is its address space and address; a shared one
 * in a MAP_SHARED region is keyed by the physical page, so processes
 * mapping the same memory at different addresses meet.
 *
 * No lost wake-ups: FUTEX_WAIT checks the word and queues itself under
 * the bucket's lock, with its state already sleeping; a waker takes the
 * same lock to find it and marks it woken. The waiter lives on its own
 * stack and may return the moment it sees the mark: the waker takes a
 * reference to the task first, and touches the waiter no more after.
 * A requeue moves waiters to another bucket; a waiter leaving by itself
 * (timeout, signal) locks the bucket it is in now.
 */
#include <kernel/errno.h>
#include <kernel/futex.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <kernel/uvm.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_ANY 0xffffffffu
#define BUCKETS 64

struct futex_key {
	uintptr_t a, b; /* (mm, address) or (1, physical address) */
};

static struct bucket {
	struct mutex lock;
	struct list_head waiters;
} buckets[BUCKETS];

struct futex_waiter {
	struct list_head link;
	struct futex_key key;
	struct task *task;
	struct bucket *bucket; /* the one it is queued on (its lock) */
	uint32_t bitset;
	bool woken;
};

void futex_init(void)
{
	for (int i = 0; i < BUCKETS; i++) {
		mutex_init(&buckets[i].lock, "futex");
		list_init(&buckets[i].waiters);
	}
}

static struct bucket *bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->a ^ (k->b * 0x9e3779b97f4a7c15ULL)) >> 7;

	return &buckets[(h ^ (h >> 17)) % BUCKETS];
}

static bool same(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

/* The key of uaddr: 0, -EINVAL (misaligned), -EFAULT (not mapped). */
static int get_key(uintptr_t uaddr, bool private, struct futex_key *k)
{
	struct mm *mm = current_proc()->mm;
	struct vma *v;
	uint32_t probe;
	uint64_t phys;
	bool shared;

	if (uaddr % 4)
		return -EINVAL;
	if (get_user(probe, uaddr)) /* present, and readable */
		return -EFAULT;
	k->a = (uintptr_t)mm;
	k->b = uaddr;
	if (private)
		return 0;
	mutex_lock(&mm->lock);
	v = uvm_find(mm, uaddr);
	shared = v && (v->flags & VMA_SHARED) &&
		 vm_translate(mm->space, uaddr, &phys, NULL) == 0;
	mutex_unlock(&mm->lock);
	if (shared) {
		k->a = 1;
		k->b = phys;
	}
	return 0;
}

/* Wake up to n waiters of key whose bitset meets bits. Bucket locked. */
static int wake_locked(struct bucket *b, const struct futex_key *key, int n,
		       uint32_t bits)
{
	struct futex_waiter *w, *tmp;
	int woken = 0;

	list_for_each_entry_safe(w, tmp, &b->waiters, link)
	{
		if (woken >= n)
			break;
		struct task *t = w->task;

		if (!same(&w->key, key) || !(w->bitset & bits))
			continue;
		list_del(&w->link);
		task_get(t); /* w may be gone once woken is seen */
		__atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
		wake_up_state(t, TASK_WAKE_SLEEPING);
		task_put(t);
		woken++;
	}
	return woken;
}

static long do_wake(uintptr_t uaddr, bool private, int n, uint32_t bits)
{
	struct futex_key key;
	struct bucket *b;
	int err, woken;

	if (!bits)
		return -EINVAL;
	err = get_key(uaddr, private, &key);
	if (err)
		return err;
	b = bucket_of(&key);
	mutex_lock(&b->lock);
	woken = wake_locked(b, &key, n, bits);
	mutex_unlock(&b->lock);
	return woken;
}

void futex_wake_addr(uintptr_t uaddr, int n)
{
	do_wake(uaddr, false, n, FUTEX_BITSET_ANY);
	do_wake(uaddr, true, n, FUTEX_BITSET_ANY);
}

/* Lock the bucket w is queued on (a requeue may move it meanwhile). */
static struct bucket *lock_waiter_bucket(struct futex_waiter *w)
{
	for (;;) {
		struct bucket *b =
			__atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);

		mutex_lock(&b->lock);
		if (b == __atomic_load_n(&w->bucket, __ATOMIC_RELAXED))
			return b;
		mutex_unlock(&b->lock);
	}
}

/* Sleep until woken, the deadline (0: none) or a signal. */
static long sleep_on(struct futex_waiter *w, uint64_t deadline)
{
	struct task *t = current_task();
	long ret = 0;

	for (;;) {
		__atomic_store_n(&t->state, TASK_INTERRUPTIBLE,
				 __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&w->woken, __ATOMIC_ACQUIRE))
			break;
		if (sched_signal_pending()) {
			ret = deadline ? -EINTR : -ERESTARTSYS;
			break;
		}
		if (deadline && clock_monotonic_ns() >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		schedule_timeout(deadline ? deadline - clock_monotonic_ns()
					  : ~0ULL / 2);
	}
	t->state = TASK_RUNNING;
	if (ret) { /* gone without a wake: leave the queue (unless woken) */
		struct bucket *b = lock_waiter_bucket(w);

		if (!w->woken)
			list_del(&w->link);
		else
			ret = 0;
		mutex_unlock(&b->lock);
	}
	return ret;
}

static long do_wait(uintptr_t uaddr, bool private, uint32_t val,
		    uint64_t deadline, uint32_t bits)
{
	struct futex_waiter w = {.task = current_task(), .bitset = bits};
	struct bucket *b;
	uint32_t cur;
	int err;

	if (!bits)
		return -EINVAL;
	err = get_key(uaddr, private, &w.key);
	if (err)
		return err;
	b = bucket_of(&w.key);
	mutex_lock(&b->lock);
	if (get_user(cur, uaddr)) {
		mutex_unlock(&b->lock);
		return -EFAULT;
	}
	if (cur != val) {
		mutex_unlock(&b->lock);
		return -EAGAIN;
	}
	w.bucket = b;
	list_add_tail(&w.link, &b->waiters);
	mutex_unlock(&b->lock);
	return sleep_on(&w, deadline);
}

static void lock_two(struct bucket *a, struct bucket *b)
{
	if (a == b) {
		mutex_lock(&a->lock);
	} else if (a < b) {
		mutex_lock(&a->lock);
		mutex_lock(&b->lock);
	} else {
		mutex_lock(&b->lock);
		mutex_lock(&a->lock);
	}
}

static void unlock_two(struct bucket *a, struct bucket *b)
{
	mutex_unlock(&a->lock);
	if (a != b)
		mutex_unlock(&b->lock);
}

/* Move up to n waiters of k1 to k2. Both buckets locked. */
static int requeue_locked(struct bucket *b1, const struct futex_key *k1,
			  struct bucket *b2, const struct futex_key *k2, int n)
{
	struct futex_waiter *w, *tmp;
	int moved = 0;

	list_for_each_entry_safe(w, tmp, &b1->waiters, link)
	{
		if (moved >= n)
			break;
		if (!same(&w->key, k1))
			continue;
		list_del(&w->link);
		w->key = *k2;
		__atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
		list_add_tail(&w->link, &b2->waiters);
		moved++;
	}
	return moved;
}

static long do_requeue(uintptr_t u1, uintptr_t u2, bool private, int nwake,
		       int nmove, bool cmp, uint32_t val3)
{
	struct futex_key k1, k2;
	struct bucket *b1, *b2;
	uint32_t cur;
	long ret;

	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	ret = get_key(u1, private, &k1);
	if (!ret)
		ret = get_key(u2, private, &k2);
	if (ret)
		return ret;
	b1 = bucket_of(&k1);
	b2 = bucket_of(&k2);
	lock_two(b1, b2);
	if (cmp && (get_user(cur, u1) || cur != val3)) {
		unlock_two(b1, b2);
		return get_user(cur, u1) ? -EFAULT : -EAGAIN;
	}
	ret = wake_locked(b1, &k1, nwake, FUTEX_BITSET_ANY);
	ret += requeue_locked(b1, &k1, b2, &k2,
			      nmove); /* both: woken + moved */
	unlock_two(b1, b2);
	return ret;
}

static bool op_cmp(uint32_t old, int cmp, uint32_t arg)
{
	int32_t o = (int32_t)old, a = (int32_t)arg;

	switch (cmp) {
	case 0:
		return o == a;
	case 1:
		return o != a;
	case 2:
		return o < a;
	case 3:
		return o <= a;
	case 4:
		return o > a;
	case 5:
		return o >= a;
	}
	return false;
}

static long do_wake_op(uintptr_t u1, uintptr_t u2, bool private, int n1, int n2,
		       uint32_t op)
{
	int kind = (op >> 28) & 7, cmp = (op >> 24) & 15;
	uint32_t oparg = (op >> 12) & 0xfff, cmparg = op & 0xfff, old;
	struct futex_key k1, k2;
	struct bucket *b1, *b2;
	long ret;

	if (op >> 31)
		oparg = oparg < 32 ? 1u << oparg : 0; /* FUTEX_OP_OPARG_SHIFT */
	if (cmp > 5)
		return -ENOSYS;
	ret = get_key(u1, private, &k1);
	if (!ret)
		ret = get_key(u2, private, &k2);
	if (ret)
		return ret;
	b1 = bucket_of(&k1);
	b2 = bucket_of(&k2);
	lock_two(b1, b2);
	ret = atomic_op_user_u32(u2, kind, oparg, &old);
	if (!ret) {
		ret = wake_locked(b1, &k1, n1, FUTEX_BITSET_ANY);
		if (op_cmp(old, cmp, cmparg))
			ret += wake_locked(b2, &k2, n2, FUTEX_BITSET_ANY);
	}
	unlock_two(b1, b2);
	return ret;
}

/* WAIT: a relative timeout; WAIT_BITSET: absolute (MONOTONIC/REALTIME). */
static long deadline_of(uintptr_t uts, bool absolute, bool realtime,
			uint64_t *deadline)
{
	int64_t ns;
	int err;

	*deadline = 0;
	if (!uts)
		return 0;
	err = timespec_from_user(uts, &ns);
	if (err)
		return err;
	if (!absolute)
		*deadline = clock_monotonic_ns() + (uint64_t)ns;
	else if (realtime)
		*deadline = (uint64_t)MAX(ns - clock_realtime_ns() +
						  (int64_t)clock_monotonic_ns(),
					  1);
	else
		*deadline = (uint64_t)MAX(ns, 1);
	return 0;
}

SYSCALL_DEFINE6(futex, uintptr_t, uaddr, int, op, uint32_t, val, uintptr_t, uts,
		uintptr_t, uaddr2, uint32_t, val3)
{
	bool private = op & FUTEX_PRIVATE_FLAG, rt = op & FUTEX_CLOCK_REALTIME;
	int cmd = op & FUTEX_CMD_MASK;
	uint64_t deadline;
	long err;

	if (rt && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		err = deadline_of(uts, cmd == FUTEX_WAIT_BITSET, rt, &deadline);
		if (err)
			return err;
		return do_wait(uaddr, private, val, deadline,
			       cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY : val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return do_wake(uaddr, private, (int)MIN(val, 0x7fffffffu),
			       cmd == FUTEX_WAKE ? FUTEX_BITSET_ANY : val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return do_requeue(uaddr, uaddr2, private, (int)val,
				  (int)(uintptr_t)uts, cmd == FUTEX_CMP_REQUEUE,
				  val3);
	case FUTEX_WAKE_OP:
		return do_wake_op(uaddr, uaddr2, private, (int)val,
				  (int)(uintptr_t)uts, val3);
	default:
		return -ENOSYS;
	}
}

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define ROBUST_LIST_LIMIT 2048 /* Linux's: no endless walk of a bad list */

/* The owner tid died holding the lock at uaddr: mark it, wake a waiter. */
static void robust_death(uintptr_t uaddr, int tid)
{
	for (int tries = 0; tries < 16; tries++) {
		uint32_t val, found;

		if (get_user(val, uaddr) ||
		    (val & FUTEX_TID_MASK) != (uint32_t)tid)
			return;
		if (cmpxchg_user_u32(uaddr, val,
				     (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED,
				     &found))
			return;
		if (found != val)
			continue; /* changed under us: look again */
		if (val & FUTEX_WAITERS)
			futex_wake_addr(uaddr, 1);
		return;
	}
}

void futex_exit_robust(struct task *t)
{
	struct {
		uintptr_t next;
		long offset;
		uintptr_t pending;
	} head;
	uintptr_t uhead = t->robust_list, entry;

	if (!uhead || copy_from_user(&head, uhead, sizeof(head)))
		return;
	entry = head.next & ~1UL; /* bit 0: a PI futex, irrelevant here */
	for (int i = 0; entry != uhead && i < ROBUST_LIST_LIMIT; i++) {
		uintptr_t next;

		if (get_user(next, entry))
			break;
		if (entry != (head.pending & ~1UL))
			robust_death(entry + (uintptr_t)head.offset, t->tid);
		entry = next & ~1UL;
	}
	if (head.pending)
		robust_death((head.pending & ~1UL) + (uintptr_t)head.offset,
			     t->tid);
}
