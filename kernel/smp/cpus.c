/*
 * The table of CPUs (<kernel/smp.h>): each CPU's struct percpu, by
 * number, and which are online. The architecture fills it as it brings
 * the CPUs up (smp_cpu_add, smp_cpu_set_online); everything else reads.
 */
#include <kernel/smp.h>

static struct percpu *cpus[SMP_MAX_CPUS]; /* written during bring-up only */
static uint64_t online_mask;		  /* bit n: CPU n online */
bool percpu_up;				  /* read through percpu_ready() */

void smp_cpu_add(struct percpu *cpu)
{
	cpus[cpu->cpu_id] = cpu;
	if (cpu->cpu_id == 0) {
		online_mask = 1;
		percpu_up = true; /* the boot CPU's GS base points at it now */
	}
}

void smp_cpu_set_online(unsigned int cpu)
{
	__atomic_or_fetch(&online_mask, 1ULL << cpu, __ATOMIC_RELEASE);
}

unsigned int smp_cpu_count(void)
{
	uint64_t mask = __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE);
	unsigned int n = 0;

	for (; mask; mask &= mask - 1) /* no popcnt: not every CPU has it */
		n++;
	return n;
}

uint64_t smp_online_mask(void)
{
	return __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE);
}

bool smp_cpu_online(unsigned int cpu)
{
	return cpu < SMP_MAX_CPUS &&
	       (__atomic_load_n(&online_mask, __ATOMIC_ACQUIRE) >> cpu & 1);
}

struct percpu *smp_cpu(unsigned int cpu)
{
	return cpu < SMP_MAX_CPUS ? cpus[cpu] : NULL;
}
