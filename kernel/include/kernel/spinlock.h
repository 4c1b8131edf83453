/*
 * Spinlocks: mutual exclusion between CPUs for short sections that never
 * sleep. Fair (tickets: CPUs get the lock in the order they asked).
 *
 *	static DEFINE_SPINLOCK(table_lock, LOCK_RANK_IRQ);
 *
 *	flags = spin_lock_irqsave(&table_lock);   // also keeps this CPU's
 *	...                                        // interrupt handlers out
 *	spin_unlock_irqrestore(&table_lock, flags);
 *
 * Use the irqsave pair for any lock that an interrupt handler also takes:
 * with plain spin_lock, a handler interrupting the holder on the same CPU
 * would spin forever.
 *
 * Debug builds (SPINLOCK_DEBUG, the default) record the owner (CPU and
 * caller) and check two rules, panicking with the lock names:
 *  - no recursion: taking a lock this CPU already holds is a deadlock
 *    ("recursive lock of X");
 *  - lock order, when the boot asked for it ("lockdep" on the command
 *    line; test boots, "test=...", always do): every lock has a rank
 *    (enum lock_rank below); while
 *    holding ranked locks, a CPU may only take a lock of a strictly
 *    higher rank ("lock order violation: X (rank a) taken while holding
 *    Y (rank b)"). One global order makes ABBA deadlocks impossible.
 *    Rank 0 (LOCK_RANK_NONE) opts out. Add new ranks to the enum, in the
 *    order locks nest: outermost first.
 * Implemented in kernel/locking/spinlock.c; the ranked locks each CPU
 * holds are in its struct percpu (<kernel/smp.h>).
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#ifndef SPINLOCK_DEBUG
#define SPINLOCK_DEBUG 1
#endif

/* How many locks one CPU may hold at once (debug bookkeeping). */
#define SPINLOCK_MAX_HELD 16

/* Outermost first. Leave gaps: subsystems slot their locks in between. */
enum lock_rank {
	LOCK_RANK_NONE = 0,	  /* not order-checked */
	LOCK_RANK_IRQ = 100,	  /* the legacy IRQ table (irq.c) */
	LOCK_RANK_VECTORS = 110,  /* the vector handler table (idt.c) */
	LOCK_RANK_IOAPIC = 120,	  /* IOAPIC index/data registers */
	LOCK_RANK_CMOS = 130,	  /* CMOS index/data ports (RTC) */
	LOCK_RANK_SMP_CALL = 200, /* each CPU's call queue (smp_call.c) */
	LOCK_RANK_TTY = 220,	  /* a terminal (drivers/tty) */
	LOCK_RANK_AHCI = 650,	  /* an AHCI port (inside the block queue's) */
	LOCK_RANK_PCI_CFG = 690,  /* 0xCF8/0xCFC, taken around one access */
	LOCK_RANK_CONSOLE = 900,  /* printing works everywhere, but ... */
	LOCK_RANK_VT = 910,	  /* ... under the VTs' lock, its innermost */
};

/* A zeroed struct spinlock is a valid, free, unnamed, unranked lock. */
struct spinlock {
	uint32_t next;	  /* the ticket the next locker draws */
	uint32_t serving; /* the ticket that holds the lock */
#if SPINLOCK_DEBUG
	const char *name;
	unsigned int rank; /* enum lock_rank */
	unsigned int
		owner; /* 1 + the CPU holding it; 0: free (zeroed is fine) */
	uintptr_t owner_pc; /* where it was taken */
#endif
};

#if SPINLOCK_DEBUG
#define SPINLOCK_INIT(name_, rank_)              \
	{                                        \
		.name = (name_), .rank = (rank_) \
	}
#else
#define SPINLOCK_INIT(name_, rank_) \
	{                           \
		0                   \
	}
#endif

#define DEFINE_SPINLOCK(var, rank) \
	struct spinlock var = SPINLOCK_INIT(#var, rank)

void spin_lock_init(struct spinlock *lock, const char *name, unsigned int rank);

/* A lock's rank set after its init (epoll: by nesting depth). */
static inline void spin_lock_set_rank(struct spinlock *lock, unsigned int rank)
{
#if SPINLOCK_DEBUG
	lock->rank = rank;
#else
	(void)lock;
	(void)rank;
#endif
}

void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
/* Take the lock if it is free: true if taken. Never waits. */
bool spin_trylock(struct spinlock *lock);

/* Interrupts off on this CPU, then the lock; returns the old RFLAGS. */
unsigned long spin_lock_irqsave(struct spinlock *lock);
void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags);

bool spin_is_locked(const struct spinlock *lock);

/*
 * How locks are taken: fair (tickets, first come first served) or, on a
 * virtual CPU, test-and-set: whoever finds the lock free takes it. A
 * ticket lock stalls while the vCPU holding the next ticket is
 * descheduled by the host, even with the lock free, and every waiter
 * queues behind it (with more vCPUs than host CPUs, a few acquisitions a
 * host time slice). spin_lock_choose_mode picks by arch_cpu_is_virtual,
 * or "spinlock=fair|unfair" on the command line; the two kinds of
 * takers may meet on a lock, so changing the mode is safe at any time.
 */
void spin_lock_choose_mode(void);
void spin_lock_set_fair(bool fair);
bool spin_lock_is_fair(void);
/* Debugging a hang: print whether lock is held (and by whom, in debug builds). */
void spin_describe(const struct spinlock *lock);

/* Whether this boot checks the lock order (above). */
bool spin_lock_order_checked(void);

#if SPINLOCK_DEBUG
/* Does this CPU hold lock? */
bool spin_held_by_me(const struct spinlock *lock);

/*
 * The order rule alone, a pure function for the tests: the first lock of
 * held[0..n) that taking lock would invert the order with (both ranked,
 * held rank >= lock's rank), or NULL if taking it is fine.
 */
const struct spinlock *lock_order_conflict(const struct spinlock *const *held,
					   unsigned int n,
					   const struct spinlock *lock);
#endif

#endif
