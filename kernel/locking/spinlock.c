/*
 * Ticket spinlocks (<kernel/spinlock.h>) and, in debug builds, the
 * bookkeeping that catches misuse: each CPU keeps the locks it holds in
 * its struct percpu, so that taking a lock can check it is not already
 * ours (recursion) and that its rank is above every ranked lock we hold
 * (order). Both panic with the names: such a bug deadlocks only
 * sometimes, and a report at the first try is worth the cost.
 *
 * Early in boot, before cpu_init has set up the per-CPU data, locks work
 * but are not tracked (there is only one CPU then).
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/interrupt.h>
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

void spin_lock_init(struct spinlock *lock, const char *name, unsigned int rank)
{
	*lock = (struct spinlock)SPINLOCK_INIT(name, rank);
}

#if SPINLOCK_DEBUG
const struct spinlock *lock_order_conflict(const struct spinlock *const *held,
					   unsigned int n,
					   const struct spinlock *lock)
{
	if (lock->rank == LOCK_RANK_NONE)
		return NULL;
	for (unsigned int i = 0; i < n; i++) {
		if (held[i]->rank != LOCK_RANK_NONE &&
		    held[i]->rank >= lock->rank)
			return held[i];
	}
	return NULL;
}

static void report_owner(const struct spinlock *lock)
{
	char sym[KSYM_NAME_BUF];

	ksym_format_return(lock->owner_pc, sym, sizeof(sym));
	kprintf("spinlock: %s taken at %s\n", lock->name, sym);
}

static noreturn void order_violation(const struct spinlock *lock,
				     const struct spinlock *bad)
{
	report_owner(bad);
	panic("lock order violation: %s (rank %u) taken while holding %s "
	      "(rank %u)",
	      lock->name, lock->rank, bad->name, bad->rank);
}

/*
 * The checks (owners, the held lists) cost about twice what a free lock
 * costs, on every lock: on when asked ("lockdep" on the command line)
 * and in test boots ("test=..."), set once before the other CPUs start.
 * Without them a recursive lock hangs instead of panicking, as Linux's
 * does without its lock debugging.
 */
static bool lockdep_on;

static void lockdep_choose(void)
{
	lockdep_on = cmdline_switch("lockdep", cmdline_has("test"));
	klog(KLOG_INFO, "spinlock: lock-order checks %s\n",
	     lockdep_on ? "on" : "off (\"lockdep\" turns them on)");
}

bool spin_lock_order_checked(void)
{
	return lockdep_on;
}

/*
 * Before waiting for a lock someone holds: would taking it deadlock, now
 * or some day? (A lock taken at the first try is checked once it is ours,
 * in held_push: one pass over the held list instead of two.)
 */
static void check_acquire(const struct spinlock *lock)
{
	struct percpu *cpu;
	const struct spinlock *bad;

	if (!lockdep_on || !percpu_ready())
		return;
	cpu = this_cpu();
	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) ==
	    cpu->cpu_id + 1) {
		report_owner(lock);
		panic("recursive lock of %s on CPU %u", lock->name,
		      cpu->cpu_id);
	}
	if (lock->rank == LOCK_RANK_NONE)
		return; /* in no order: nothing to compare */
	bad = lock_order_conflict(
		cpu->held_locks, MIN(cpu->held_count, SPINLOCK_MAX_HELD), lock);
	if (bad)
		order_violation(lock, bad);
}

/* How note_acquired is called. */
enum {
	NOTE_IRQS_OFF = 1, /* the caller's irqsave turned interrupts off */
	NOTE_NO_ORDER = 2, /* checked before waiting, or a trylock (which
			    * cannot deadlock, so may take locks in any order) */
};

/*
 * The held list is changed with interrupts off: a handler taking a lock
 * between our slot write and the count update would reuse our slot. Only
 * ranked locks go on it: the order check skips the others (and they
 * would take slots from ranked ones).
 */
static void __attribute__((noinline))
held_push(struct percpu *cpu, struct spinlock *lock, unsigned int how)
{
	unsigned long flags = 0;
	unsigned int n;

	if (!(how & NOTE_IRQS_OFF))
		flags = irq_save();
	n = MIN(cpu->held_count, SPINLOCK_MAX_HELD);
	if (!(how & NOTE_NO_ORDER)) {
		const struct spinlock *bad =
			lock_order_conflict(cpu->held_locks, n, lock);

		if (bad)
			order_violation(lock, bad);
	}
	if (n < SPINLOCK_MAX_HELD)
		cpu->held_locks[n] = lock;
	cpu->held_count++; /* counted even beyond the array: stays balanced */
	if (!(how & NOTE_IRQS_OFF))
		irq_restore(flags);
}

/* Locks may be released in any order: remove lock wherever it is (most
 * often last). */
static void __attribute__((noinline))
held_pop(struct percpu *cpu, struct spinlock *lock, bool irqs_off)
{
	unsigned long flags = 0;
	unsigned int n;

	if (!irqs_off)
		flags = irq_save();
	n = MIN(cpu->held_count, SPINLOCK_MAX_HELD);
	if (n == 0 || cpu->held_locks[n - 1] != lock) {
		for (unsigned int i = n; i-- > 0;) {
			if (cpu->held_locks[i] != lock)
				continue;
			for (unsigned int j = i; j + 1 < n; j++)
				cpu->held_locks[j] = cpu->held_locks[j + 1];
			break;
		}
	}
	cpu->held_count--;
	if (!irqs_off)
		irq_restore(flags);
}

static noreturn void __attribute__((noinline))
not_held(const struct spinlock *lock, const struct percpu *cpu)
{
	panic("unlock of %s (%p, owner %u), which CPU %u does not hold",
	      lock->name, lock, lock->owner, cpu->cpu_id);
}

static void __attribute__((noinline))
record_acquired(struct spinlock *lock, uintptr_t pc, unsigned int how)
{
	struct percpu *cpu;

	if (!percpu_ready())
		return;
	cpu = this_cpu(); /* holding a spinlock, we do not migrate */
	__atomic_store_n(&lock->owner, cpu->cpu_id + 1, __ATOMIC_RELAXED);
	lock->owner_pc = pc;
	if (lock->rank != LOCK_RANK_NONE)
		held_push(cpu, lock, how);
}

static void __attribute__((noinline))
record_released(struct spinlock *lock, bool irqs_off)
{
	struct percpu *cpu;

	if (!percpu_ready())
		return;
	cpu = this_cpu(); /* holding a spinlock, we do not migrate */
	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != cpu->cpu_id + 1)
		not_held(lock, cpu);
	__atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
	if (lock->rank != LOCK_RANK_NONE)
		held_pop(cpu, lock, irqs_off);
}

/* Out of line, so that an unchecked lock costs a test of lockdep_on. */
static inline void note_acquired(struct spinlock *lock, uintptr_t pc,
				 unsigned int how)
{
	if (__builtin_expect(lockdep_on, 0))
		record_acquired(lock, pc, how);
}

static inline void note_released(struct spinlock *lock, bool irqs_off)
{
	if (__builtin_expect(lockdep_on, 0))
		record_released(lock, irqs_off);
}

bool spin_held_by_me(const struct spinlock *lock)
{
	return percpu_ready() && spin_is_locked(lock) &&
	       __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == cpu_id() + 1;
}
#else
static const bool lockdep_on = false;

static inline void check_acquire(const struct spinlock *lock)
{
}

static void lockdep_choose(void)
{
}

bool spin_lock_order_checked(void)
{
	return false;
}

enum { NOTE_IRQS_OFF = 1, NOTE_NO_ORDER = 2 };

static inline void note_acquired(struct spinlock *lock, uintptr_t pc,
				 unsigned int how)
{
}

static inline void note_released(struct spinlock *lock, bool irqs_off)
{
}
#endif

static bool fair = true; /* see spin_lock_choose_mode */

void spin_lock_set_fair(bool f)
{
	__atomic_store_n(&fair, f, __ATOMIC_RELAXED);
}

bool spin_lock_is_fair(void)
{
	return __atomic_load_n(&fair, __ATOMIC_RELAXED);
}

void spin_lock_choose_mode(void)
{
	const char *mode = cmdline_get("spinlock");

	if (mode && !strcmp(mode, "fair"))
		spin_lock_set_fair(true);
	else if (mode && !strcmp(mode, "unfair"))
		spin_lock_set_fair(false);
	else
		spin_lock_set_fair(!arch_cpu_is_virtual());
	if (mode && strcmp(mode, "fair") && strcmp(mode, "unfair"))
		klog(KLOG_WARN, "spinlock: unknown mode \"%s\" ignored\n",
		     mode);
	klog(KLOG_INFO, "spinlock: %s\n",
	     spin_lock_is_fair() ? "fair (tickets)"
				 : "test-and-set (virtual CPU)");
	lockdep_choose();
}

/* Free means no ticket outstanding: next == serving. Take it if so. */
static inline bool try_take(struct spinlock *lock)
{
	uint32_t s = __atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE);
	uint32_t expected = s;

	return __atomic_load_n(&lock->next, __ATOMIC_RELAXED) == s &&
	       __atomic_compare_exchange_n(&lock->next, &expected, s + 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* The lock is taken: wait for it, in the mode chosen (a ticket, or a
 * race for it). Out of line: the free lock is the common case. */
static void __attribute__((noinline)) wait_take(struct spinlock *lock)
{
	check_acquire(lock);
	if (__atomic_load_n(&fair, __ATOMIC_RELAXED)) {
		uint32_t ticket =
			__atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

		while (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) !=
		       ticket)
			arch_cpu_relax();
	} else {
		while (!try_take(lock))
			arch_cpu_relax();
	}
}

/* A free lock is taken at once, in either mode (a free lock's next equals
 * its serving, which is what a ticket taker would have drawn). */
/* All but a free lock taken unchecked: out of line, so that the common
 * case makes no call (and saves no registers). */
static void __attribute__((noinline))
acquire_slow(struct spinlock *lock, uintptr_t pc, unsigned int how, bool taken)
{
	if (!taken) {
		wait_take(lock);
		how |= NOTE_NO_ORDER;
	}
	note_acquired(lock, pc, how);
}

static inline void acquire(struct spinlock *lock, uintptr_t pc,
			   unsigned int irqs_off)
{
	bool taken = try_take(lock);

	if (__builtin_expect(!taken || lockdep_on, 0))
		acquire_slow(lock, pc, irqs_off, taken);
}

static inline void release(struct spinlock *lock, bool irqs_off)
{
	note_released(lock, irqs_off);
	/* Only the holder writes serving: a plain increment, published. */
	__atomic_store_n(&lock->serving, lock->serving + 1, __ATOMIC_RELEASE);
}

void spin_lock(struct spinlock *lock)
{
	acquire(lock, (uintptr_t)__builtin_return_address(0), 0);
}

void spin_unlock(struct spinlock *lock)
{
	release(lock, false);
}

bool spin_trylock(struct spinlock *lock)
{
	if (!try_take(lock))
		return false;
	note_acquired(lock, (uintptr_t)__builtin_return_address(0),
		      NOTE_NO_ORDER);
	return true;
}

unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	unsigned long flags = irq_save();

	acquire(lock, (uintptr_t)__builtin_return_address(0), NOTE_IRQS_OFF);
	return flags;
}

/* Interrupts are off since the lock was taken with irqsave. */
void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	release(lock, true);
	irq_restore(flags);
}

bool spin_is_locked(const struct spinlock *lock)
{
	return __atomic_load_n(&lock->next, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&lock->serving, __ATOMIC_RELAXED);
}

KTEST(spinlock, lock_unlock_trylock)
{
	DEFINE_SPINLOCK(l, LOCK_RANK_NONE);

	KT_ASSERT(!spin_is_locked(&l));
	spin_lock(&l);
	KT_ASSERT(spin_is_locked(&l));
	KT_ASSERT(!spin_trylock(&l));
	spin_unlock(&l);
	KT_ASSERT(spin_trylock(&l));
	spin_unlock(&l);
	KT_ASSERT(!spin_is_locked(&l));
}

KTEST(spinlock, irqsave_restores)
{
	DEFINE_SPINLOCK(l, LOCK_RANK_NONE);
	bool was = irq_enabled();
	unsigned long flags = spin_lock_irqsave(&l);

	KT_ASSERT(!irq_enabled());
	spin_unlock_irqrestore(&l, flags);
	KT_ASSERT_EQ(irq_enabled(), was);
}

#if SPINLOCK_DEBUG
KTEST(spinlock, owner_and_held_list)
{
	DEFINE_SPINLOCK(a, 10);
	DEFINE_SPINLOCK(b, 20);
	unsigned int before = this_cpu()->held_count;

	if (!spin_lock_order_checked())
		KT_SKIP("lock-order checks off (no \"lockdep\")");

	spin_lock(&a);
	spin_lock(&b);
	KT_ASSERT(spin_held_by_me(&a));
	KT_ASSERT_EQ(a.owner, cpu_id() + 1);
	KT_ASSERT_EQ(this_cpu()->held_count, before + 2);
	spin_unlock(&a); /* out of order is allowed */
	KT_ASSERT(!spin_held_by_me(&a));
	KT_ASSERT_EQ(a.owner, 0);
	KT_ASSERT(spin_held_by_me(&b));
	spin_unlock(&b);
	KT_ASSERT_EQ(this_cpu()->held_count, before);
}

/* The order checker finds an inversion (as a pure function: no panic). */
KTEST(spinlock, order_inversion_detected)
{
	DEFINE_SPINLOCK(outer, 10);
	DEFINE_SPINLOCK(inner, 20);
	DEFINE_SPINLOCK(same, 20);
	DEFINE_SPINLOCK(unranked, LOCK_RANK_NONE);
	const struct spinlock *held_outer[] = {&outer};
	const struct spinlock *held_inner[] = {&unranked, &inner};

	KT_ASSERT(lock_order_conflict(held_outer, 1, &inner) == NULL);
	KT_ASSERT(lock_order_conflict(held_inner, 2, &outer) == &inner);
	KT_ASSERT(lock_order_conflict(held_inner, 2, &same) == &inner);
	KT_ASSERT(lock_order_conflict(held_inner, 2, &unranked) == NULL);
	KT_ASSERT(lock_order_conflict(held_inner, 1, &outer) == NULL);
	KT_ASSERT(lock_order_conflict(NULL, 0, &outer) == NULL);
}
#endif

void spin_describe(const struct spinlock *lock)
{
	uint32_t next = __atomic_load_n(&lock->next, __ATOMIC_RELAXED);
	uint32_t serving = __atomic_load_n(&lock->serving, __ATOMIC_RELAXED);
#if SPINLOCK_DEBUG
	unsigned int owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);
	char sym[KSYM_NAME_BUF];

	ksym_format_return(lock->owner_pc, sym, sizeof(sym));
	if (next != serving)
		kprintf("spinlock %s: held by CPU %d, taken at %s; %u "
			"waiting\n",
			lock->name, (int)owner - 1, sym, next - serving - 1);
	else
		kprintf("spinlock %s: free\n", lock->name);
#else
	kprintf("spinlock: %s, %u waiting\n", next != serving ? "held" : "free",
		next != serving ? next - serving - 1 : 0);
#endif
}

/* What a lock costs, uncontended (suite bench: make bench, -icount). */
KTEST(bench, spinlock_irqsave_pair)
{
	DEFINE_SPINLOCK(l, LOCK_RANK_NONE);
	uint64_t start = arch_cycles();

	for (int i = 0; i < 10000; i++)
		spin_unlock_irqrestore(&l, spin_lock_irqsave(&l));
	kprintf("bench: spinlock_irqsave_pair %lu ns\n",
		(unsigned long)((arch_cycles() - start) / 10000));
}
