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

/* Before waiting: would taking lock deadlock, now or some day? */
static void check_acquire(const struct spinlock *lock)
{
	struct percpu *cpu;
	const struct spinlock *bad;

	if (!percpu_ready())
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
	bad = lock_order_conflict(cpu->held_locks, cpu->held_count, lock);
	if (bad) {
		report_owner(bad);
		panic("lock order violation: %s (rank %u) taken while "
		      "holding %s (rank %u)",
		      lock->name, lock->rank, bad->name, bad->rank);
	}
}

/*
 * The held list is changed with interrupts off: a handler taking a lock
 * between our slot write and the count update would reuse our slot. Only
 * ranked locks go on it: the order check skips the others (and they
 * would take slots from ranked ones); every lock records its owner.
 */
static void note_acquired(struct spinlock *lock, uintptr_t pc)
{
	struct percpu *cpu;
	unsigned long flags;

	if (!percpu_ready())
		return;
	cpu = this_cpu(); /* holding a spinlock, we do not migrate */
	__atomic_store_n(&lock->owner, cpu->cpu_id + 1, __ATOMIC_RELAXED);
	lock->owner_pc = pc;
	if (lock->rank == LOCK_RANK_NONE)
		return;
	flags = irq_save();
	if (cpu->held_count < SPINLOCK_MAX_HELD)
		cpu->held_locks[cpu->held_count] = lock;
	cpu->held_count++; /* counted even beyond the array: stays balanced */
	irq_restore(flags);
}

/* Locks may be released in any order: remove lock wherever it is. */
static void note_released(struct spinlock *lock)
{
	struct percpu *cpu;
	unsigned long flags;
	unsigned int n;

	if (!percpu_ready())
		return;
	cpu = this_cpu(); /* holding a spinlock, we do not migrate */
	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != cpu->cpu_id + 1)
		panic("unlock of %s, which CPU %u does not hold", lock->name,
		      cpu->cpu_id);
	__atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
	if (lock->rank == LOCK_RANK_NONE)
		return;
	flags = irq_save();
	n = MIN(cpu->held_count, SPINLOCK_MAX_HELD);
	for (unsigned int i = n; i-- > 0;) {
		if (cpu->held_locks[i] != lock)
			continue;
		for (unsigned int j = i; j + 1 < n; j++)
			cpu->held_locks[j] = cpu->held_locks[j + 1];
		break;
	}
	cpu->held_count--;
	irq_restore(flags);
}

bool spin_held_by_me(const struct spinlock *lock)
{
	return percpu_ready() && spin_is_locked(lock) &&
	       __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == cpu_id() + 1;
}
#else
static inline void check_acquire(const struct spinlock *lock)
{
}

static inline void note_acquired(struct spinlock *lock, uintptr_t pc)
{
}

static inline void note_released(struct spinlock *lock)
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

static inline void acquire(struct spinlock *lock, uintptr_t pc)
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
	note_acquired(lock, pc);
}

static inline void release(struct spinlock *lock)
{
	note_released(lock);
	/* Only the holder writes serving: a plain increment, published. */
	__atomic_store_n(&lock->serving, lock->serving + 1, __ATOMIC_RELEASE);
}

void spin_lock(struct spinlock *lock)
{
	acquire(lock, (uintptr_t)__builtin_return_address(0));
}

void spin_unlock(struct spinlock *lock)
{
	release(lock);
}

bool spin_trylock(struct spinlock *lock)
{
	if (!try_take(lock))
		return false;
	note_acquired(lock, (uintptr_t)__builtin_return_address(0));
	return true;
}

unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	unsigned long flags = irq_save();

	acquire(lock, (uintptr_t)__builtin_return_address(0));
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	release(lock);
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
