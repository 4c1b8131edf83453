/*
 * Tests of SMP (suite smp): every CPU came up and is set up like the
 * boot CPU, per-CPU data, calls on other CPUs, spinlocks under
 * contention, and TLB shootdown. Each test is small: under TCG eight
 * virtual CPUs share two host cores.
 *
 * run_everywhere runs a function on all online CPUs at once (the boot
 * CPU included) and returns when all are done. The TLB shootdown test is
 * in tlb_tests.c.
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/msr.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/vm.h>

#include "irq/apic.h"
#include "cpu/cpu.h"

#define ROUNDS 10
/*
 * Lock acquisitions in all, shared out among the CPUs. Kept small: under
 * TCG with more virtual CPUs than host cores, each hand-over of a fair
 * lock may wait for the host to schedule the next ticket's holder.
 */
#define LOCK_TOTAL 2400

/* In a test: fn(arg) on every CPU at once, back when all are done. */
#define run_everywhere(fn, arg) \
	KT_ASSERT_EQ(smp_call_function(SMP_CALL_ALL, (fn), (arg), true), 0)

static uint64_t online_mask(void)
{
	uint64_t mask = 0;
	unsigned int cpu;

	for_each_online_cpu(cpu) mask |= 1ULL << cpu;
	return mask;
}

static void report_in(void *arg)
{
	__atomic_or_fetch((uint64_t *)arg, 1ULL << cpu_id(), __ATOMIC_RELAXED);
}

/* Every CPU the loader found is online, and answers a call. */
KTEST(smp, every_cpu_reports_in)
{
	uint64_t seen = 0;
	unsigned int cpu;

	KT_ASSERT_EQ(smp_cpu_count(),
		     boot_info->cpus ? boot_info->cpu_count : 1);
	for_each_online_cpu(cpu)
	{
		struct percpu *p = smp_cpu(cpu);

		KT_ASSERT(p && p->self == p && p->online);
		KT_ASSERT_EQ(p->cpu_id, cpu);
	}
	run_everywhere(report_in, &seen);
	KT_ASSERT_EQ(seen, online_mask());
	KT_ASSERT_EQ(cpu_id(), 0);
	KT_ASSERT(this_cpu() == smp_cpu(0));
}

struct cpu_state {
	uint64_t cr0, cr4, efer, pat, gs_base;
	uint16_t tr;
	uint64_t gdt_base;
	bool irqs_off;
};

static void read_state(void *arg)
{
	struct cpu_state *s = &((struct cpu_state *)arg)[cpu_id()];
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr;

	s->cr0 = read_cr0();
	s->cr4 = read_cr4();
	s->efer = msr_read(MSR_EFER);
	s->pat = msr_read(MSR_PAT);
	s->gs_base = msr_read(MSR_GS_BASE);
	__asm__ volatile("str %0" : "=r"(s->tr));
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	s->gdt_base = gdtr.base;
	s->irqs_off = !irq_enabled();
}

/* Each CPU runs with the boot CPU's protections and its own tables. */
KTEST(smp, cpus_set_up_like_the_boot_cpu)
{
	static struct cpu_state st[SMP_MAX_CPUS];
	unsigned int cpu;

	run_everywhere(read_state, st);
	for_each_online_cpu(cpu)
	{
		KT_ASSERT_EQ(st[cpu].cr4,
			     st[0].cr4); /* SMEP, SMAP, UMIP, PGE */
		KT_ASSERT_EQ(st[cpu].cr0 & (1 << 16), st[0].cr0 & (1 << 16));
		KT_ASSERT_EQ(st[cpu].efer & (1 << 11), st[0].efer & (1 << 11));
		KT_ASSERT_EQ(st[cpu].pat, st[0].pat);
		KT_ASSERT_EQ(st[cpu].gs_base, (uintptr_t)smp_cpu(cpu));
		KT_ASSERT_EQ(st[cpu].tr, GDT_TSS);
		KT_ASSERT_EQ(st[cpu].gdt_base,
			     (uintptr_t)smp_cpu(cpu)->arch->gdt);
		KT_ASSERT(st[cpu].irqs_off); /* calls run with interrupts off */
	}
}

static void read_sp(void *arg)
{
	((uintptr_t *)arg)[cpu_id()] = arch_stack_pointer();
}

/* Each CPU runs on its own stack: distinct ranges, RSP inside its own. */
KTEST(smp, cpus_on_their_own_stacks)
{
	static uintptr_t sp[SMP_MAX_CPUS];
	unsigned int cpu, other;

	run_everywhere(read_sp, sp);
	for_each_online_cpu(cpu)
	{
		uintptr_t top = smp_cpu(cpu)->stack_top;

		if (cpu == 0)
			continue; /* kmain's stack 0, from mm */
		KT_ASSERT(sp[cpu] < top && sp[cpu] >= top - KSTACK_SIZE);
		for_each_online_cpu(other)
		{
			if (other != cpu)
				KT_ASSERT(sp[other] >= top ||
					  sp[other] < top - KSTACK_SIZE);
		}
	}
}

struct counter {
	uint64_t n;
} __aligned(64);

static struct counter counters[SMP_MAX_CPUS];

static void count_here(void *arg)
{
	counters[cpu_id()].n++;
}

/* Each CPU bumps its own counter: every round reaches every CPU once. */
KTEST(smp, per_cpu_counters)
{
	uint64_t calls_before = this_cpu()->calls, sum = 0;
	unsigned int cpu;

	for (unsigned int i = 0; i < SMP_MAX_CPUS; i++)
		counters[i].n = 0;
	for (int r = 0; r < ROUNDS; r++)
		run_everywhere(count_here, NULL);
	for_each_online_cpu(cpu)
	{
		KT_ASSERT_EQ(counters[cpu].n, ROUNDS);
		sum += counters[cpu].n;
	}
	KT_ASSERT_EQ(sum, (uint64_t)ROUNDS * smp_cpu_count());
	/* The boot CPU runs its share directly, not as a queued call. */
	KT_ASSERT_EQ(this_cpu()->calls, calls_before);
}

struct where {
	unsigned int cpu;
	uint32_t apic_id;
};

static void where_am_i(void *arg)
{
	struct where *w = arg;

	w->cpu = cpu_id();
	w->apic_id = lapic_id();
}

/* A call to CPU n runs on CPU n (its GS and its local APIC say so). */
KTEST(smp, ipi_runs_on_the_target)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
	{
		struct where w = {~0u, ~0u};

		KT_ASSERT_EQ(smp_call_function(cpu, where_am_i, &w, true), 0);
		KT_ASSERT_EQ(w.cpu, cpu);
		KT_ASSERT_EQ(w.apic_id, smp_cpu(cpu)->apic_id);
	}
	KT_ASSERT_EQ(smp_call_function(SMP_MAX_CPUS, where_am_i, NULL, true),
		     -EINVAL);
	KT_ASSERT_EQ(smp_call_function(-7, where_am_i, NULL, true), -EINVAL);
}

static unsigned int no_wait_count;

static void bump(void *arg)
{
	__atomic_add_fetch(&no_wait_count, 1, __ATOMIC_RELEASE);
}

/* Without wait the call still runs, later, once on each other CPU. */
KTEST(smp, call_without_waiting)
{
	unsigned int want = smp_cpu_count() - 1;

	no_wait_count = 0;
	KT_ASSERT_EQ(smp_call_function(SMP_CALL_OTHERS, bump, NULL, false), 0);
	for (unsigned long i = 0; i < 100000000UL; i++) {
		if (__atomic_load_n(&no_wait_count, __ATOMIC_ACQUIRE) >= want)
			break;
		__asm__ volatile("pause");
	}
	KT_ASSERT_EQ(no_wait_count, want);
}

static DEFINE_SPINLOCK(contended, LOCK_RANK_NONE);
static volatile uint64_t shared_count;
static unsigned int per_cpu_iterations;

static void add_locked(void *arg)
{
	for (unsigned int i = 0; i < per_cpu_iterations; i++) {
		spin_lock(&contended);
		shared_count = shared_count + 1;
		spin_unlock(&contended);
	}
}

static void add_racy(void *arg)
{
	for (unsigned int i = 0; i < per_cpu_iterations; i++)
		shared_count = shared_count + 1;
}

/*
 * All CPUs count to a known total under one lock: no update is lost,
 * with tickets and with test-and-set (spin_lock_set_fair).
 */
KTEST(smp, spinlock_contention)
{
	bool was_fair = spin_lock_is_fair();
	uint64_t want;

	per_cpu_iterations = LOCK_TOTAL / smp_cpu_count();
	want = (uint64_t)per_cpu_iterations * smp_cpu_count();
	for (int fair = 0; fair <= 1; fair++) {
		spin_lock_set_fair(fair);
		shared_count = 0;
		run_everywhere(add_locked, NULL);
		KT_ASSERT_EQ(shared_count, want);
		KT_ASSERT(!spin_is_locked(&contended));
	}
	spin_lock_set_fair(was_fair);
	/* The same without the lock, to show what the lock prevents. */
	shared_count = 0;
	run_everywhere(add_racy, NULL);
	kprintf("# smp: without the lock, %lu of %lu increments survived\n",
		(unsigned long)shared_count, (unsigned long)want);
}

static inline uint64_t read_gs_base(void)
{
	uint64_t v;

	__asm__ volatile("rdgsbase %0" : "=r"(v));
	return v;
}

static inline void write_gs_base(uint64_t v)
{
	__asm__ volatile("wrgsbase %0" ::"r"(v) : "memory");
}

/*
 * With FSGSBASE user code may set any GS base, one that looks like a
 * kernel address too, and an NMI may come while it is loaded (between
 * SYSCALL and swapgs): the NMI entry must still find this CPU's data.
 * Here the kernel loads such a base, sends itself an NMI that asks for a
 * backtrace, and only then puts its own base back.
 */
KTEST(smp, nmi_under_a_foreign_gs_base)
{
	const uint64_t foreign = 0xffff800000000000ULL; /* physical page 0 */
	unsigned long flags;
	uint64_t own, after;
	uint32_t apic;
	bool owed;

	if (!cpu_fsgsbase)
		KT_SKIP("no FSGSBASE (QEMU: -cpu max)");
	flags = irq_save();
	apic = this_cpu()->apic_id;
	smp_backtrace_ask(cpu_id());
	own = read_gs_base();
	write_gs_base(foreign);
	lapic_send_nmi(apic); /* touches no per-CPU data */
	for (int i = 0; i < 100000; i++)
		arch_cpu_relax(); /* the NMI comes in here */
	after = read_gs_base();
	write_gs_base(own);
	owed = smp_backtrace_owed(cpu_id());
	irq_restore(flags);
	KT_ASSERT_EQ(after, foreign); /* the entry put it back */
	KT_ASSERT(!owed);	      /* it ran, with this CPU's data */
}
