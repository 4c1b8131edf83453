/*
 * Running functions on other CPUs (<kernel/smp.h>): smp_call_function,
 * TLB shootdown built on it, and stopping the other CPUs for a panic.
 * The architecture delivers the interrupts (arch_send_call_ipi,
 * arch_send_stop_ipi) and calls smp_call_ipi() and smp_stop_ipi() from
 * their handlers.
 *
 * Each CPU has a call queue, a ring of (fn, arg, sync) entries, filled by
 * any CPU under the queue's lock and drained by its owner: from the
 * VECTOR_CALL_FUNCTION IPI, or while it waits for its own calls to
 * finish. That second drain is what makes waiting safe with interrupts
 * off: two CPUs calling each other both keep serving their queues. A
 * waiting caller counts completions in a struct call_sync on its stack.
 *
 * Lock order: a queue's lock is a leaf (LOCK_RANK_SMP_CALL), never held
 * while calling fn or waiting.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>

#define QUEUE_SLOTS 32
#define FLUSH_ALL_PAGES 32 /* beyond this, flush everything (as paging.c) */

struct call_sync {
	unsigned int pending; /* targets that have not yet run fn */
};

struct call {
	smp_call_fn fn;
	void *arg;
	struct call_sync *sync; /* NULL: nobody waits */
};

struct call_queue {
	struct spinlock lock;
	unsigned int head, tail; /* lock: run at head, add at tail */
	struct call slots[QUEUE_SLOTS];
} __aligned(64);

static struct call_queue queues[SMP_MAX_CPUS];
static bool stopping; /* smp_stop_others: NMIs halt */

/* Run everything queued for this CPU. Any context, interrupts off. */
static void drain_queue(void)
{
	struct call_queue *q = &queues[cpu_id()];

	for (;;) {
		struct call c;

		spin_lock(&q->lock);
		if (q->head == q->tail) {
			spin_unlock(&q->lock);
			return;
		}
		c = q->slots[q->head % QUEUE_SLOTS];
		q->head++;
		spin_unlock(&q->lock);
		c.fn(c.arg);
		this_cpu()->calls++;
		if (c.sync && __atomic_fetch_sub(&c.sync->pending, 1,
						 __ATOMIC_RELEASE) == 0)
			panic("smp: a call completed more often than sent");
	}
}

/* Queue c on cpu and kick it; a full queue is waited out (draining ours). */
static void enqueue(unsigned int cpu, const struct call *c)
{
	struct call_queue *q = &queues[cpu];

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&q->lock);

		if (q->tail - q->head < QUEUE_SLOTS) {
			q->slots[q->tail % QUEUE_SLOTS] = *c;
			q->tail++;
			spin_unlock_irqrestore(&q->lock, flags);
			break;
		}
		spin_unlock_irqrestore(&q->lock, flags);
		flags = irq_save();
		drain_queue();
		irq_restore(flags);
		arch_cpu_relax();
	}
	arch_send_call_ipi(cpu);
}

static void run_here(smp_call_fn fn, void *arg)
{
	unsigned long flags = irq_save();

	fn(arg);
	irq_restore(flags);
}

static void wait_for(struct call_sync *sync)
{
	unsigned long flags = irq_save();

	while (__atomic_load_n(&sync->pending, __ATOMIC_ACQUIRE)) {
		drain_queue();
		arch_cpu_relax();
	}
	irq_restore(flags);
}

int smp_call_function(int cpu, smp_call_fn fn, void *arg, bool wait)
{
	struct call_sync sync = {0};
	struct call c = {fn, arg, wait ? &sync : NULL};
	unsigned int me = cpu_id(), target;

	if (cpu >= 0) {
		if (!smp_cpu_online((unsigned int)cpu))
			return -EINVAL;
		if ((unsigned int)cpu == me) {
			run_here(fn, arg);
			return 0;
		}
	} else if (cpu != SMP_CALL_OTHERS && cpu != SMP_CALL_ALL) {
		return -EINVAL;
	}
	for_each_online_cpu(target)
	{
		if (target == me || (cpu >= 0 && target != (unsigned int)cpu))
			continue;
		__atomic_add_fetch(&sync.pending, 1, __ATOMIC_RELAXED);
		enqueue(target, &c);
	}
	if (cpu == SMP_CALL_ALL)
		run_here(fn, arg);
	if (wait)
		wait_for(&sync);
	return 0;
}

struct tlb_range {
	uintptr_t start;
	size_t len;
};

static void flush_here(void *arg)
{
	const struct tlb_range *r = arg;
	uintptr_t first = ALIGN_DOWN(r->start, PAGE_SIZE);
	uintptr_t end = ALIGN_UP(r->start + r->len, PAGE_SIZE);

	if (r->start + r->len < r->start ||
	    (end - first) / PAGE_SIZE > FLUSH_ALL_PAGES) {
		arch_flush_tlb_all();
		return;
	}
	for (uintptr_t va = first; va < end; va += PAGE_SIZE)
		arch_invlpg(va);
}

void tlb_shootdown(uintptr_t start, size_t len)
{
	struct tlb_range r = {start, len};

	smp_call_function(SMP_CALL_ALL, flush_here, &r, true);
}

void tlb_shootdown_cpus(uint64_t cpus, uintptr_t start, size_t len)
{
	struct tlb_range r = {start, len};
	unsigned int cpu;

	for_each_online_cpu(cpu)
	{
		if (cpus >> cpu & 1)
			smp_call_function((int)cpu, flush_here, &r, true);
	}
}

void smp_call_ipi(void)
{
	drain_queue();
}

/* An NMI during a stop halts; otherwise the NMI is not ours. */
bool smp_stop_ipi(void)
{
	if (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
		return false;
	arch_halt_forever();
}

void smp_stop_others(void)
{
	unsigned int cpu;

	__atomic_store_n(&stopping, true, __ATOMIC_RELEASE);
	for_each_online_cpu(cpu)
	{
		if (cpu != cpu_id())
			arch_send_stop_ipi(cpu);
	}
}

/* Set for a CPU asked to print its backtrace, cleared once it has. */
static bool backtrace_wanted[SMP_MAX_CPUS];

bool smp_backtrace_wanted(void)
{
	return __atomic_load_n(&backtrace_wanted[cpu_id()], __ATOMIC_ACQUIRE);
}

void smp_backtrace_done(void)
{
	__atomic_store_n(&backtrace_wanted[cpu_id()], false, __ATOMIC_RELEASE);
}

void smp_backtrace_ask(unsigned int cpu)
{
	__atomic_store_n(&backtrace_wanted[cpu], true, __ATOMIC_RELEASE);
}

bool smp_backtrace_owed(unsigned int cpu)
{
	return __atomic_load_n(&backtrace_wanted[cpu], __ATOMIC_ACQUIRE);
}

void smp_backtrace_others(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
	{
		uint64_t deadline = clock_monotonic_ns() + NSEC_PER_SEC;
		bool *wanted = &backtrace_wanted[cpu];

		if (cpu == cpu_id() ||
		    __atomic_load_n(wanted, __ATOMIC_ACQUIRE))
			continue; /* still owes the last one */
		__atomic_store_n(wanted, true, __ATOMIC_RELEASE);
		arch_send_stop_ipi(cpu);
		while (__atomic_load_n(wanted, __ATOMIC_ACQUIRE) &&
		       clock_monotonic_ns() < deadline)
			arch_cpu_relax();
		if (__atomic_load_n(wanted, __ATOMIC_ACQUIRE))
			kprintf("cpu %u: no answer to the NMI yet\n", cpu);
	}
}

void smp_call_init(void)
{
	for (unsigned int i = 0; i < SMP_MAX_CPUS; i++)
		spin_lock_init(&queues[i].lock, "smp call queue",
			       LOCK_RANK_SMP_CALL);
}
