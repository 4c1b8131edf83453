/*
 * A sampling profiler (<kernel/profile.h>): "profile=US" on the command
 * line samples, every US microseconds on each CPU, where the interrupted
 * code was (the timer interrupt's frame), and profile_report prints the
 * functions most often found, at power-off or from the monitor. Meant for
 * make bench's -icount boots, where time counts instructions, so that a
 * profile says where the instructions went and repeats exactly.
 *
 * Each CPU keeps its own samples (no lock on the sampling path); a full
 * buffer stops sampling on that CPU. The report sorts a copy of each
 * CPU's samples by function start, then counts runs.
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/ksym.h>
#include <kernel/printk.h>
#include <kernel/profile.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/timer.h>
#include <kernel/vm.h>

#define MAX_SAMPLES (64 * 1024) /* per CPU */
#define REPORT_TOP 40

struct profile_cpu {
	uintptr_t *pcs; /* kernel-mode samples */
	unsigned int n;
	uint64_t user, idle; /* samples in user mode, in the idle halt */
	struct timer_event ev;
} __aligned(64);

static struct profile_cpu cpus[SMP_MAX_CPUS];
static uint64_t period_ns; /* 0: off */

static void sample(void *arg)
{
	struct profile_cpu *p = arg;
	const struct trap_frame *tf = this_cpu()->irq_frame;

	if (tf && trap_from_user(tf))
		p->user++;
	else if (this_cpu()->in_idle_wait)
		p->idle++;
	else if (tf && p->n < MAX_SAMPLES)
		p->pcs[p->n++] = arch_trap_pc(tf);
	if (p->n < MAX_SAMPLES)
		timer_oneshot_ns(&p->ev, period_ns, sample, p);
}

void profile_init(void)
{
	const char *arg = cmdline_get("profile");
	unsigned long us;

	if (!arg)
		return;
	if (kstrtoul(arg, 10, &us) || !us) {
		klog(KLOG_WARN, "profile: \"%s\" is no period in us\n", arg);
		return;
	}
	period_ns = us * 1000;
	klog(KLOG_INFO, "profile: a sample every %lu us on each CPU\n", us);
}

void profile_cpu_start(void)
{
	struct profile_cpu *p = &cpus[cpu_id()];

	if (!period_ns)
		return;
	p->pcs = vmalloc(MAX_SAMPLES * sizeof(*p->pcs));
	if (!p->pcs)
		return;
	p->ev = (struct timer_event)TIMER_EVENT_INIT;
	timer_oneshot_ns(&p->ev, period_ns, sample, p);
}

/* Replace each sample by the start of its function (0: unknown). */
static void to_functions(uintptr_t *pcs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct ksym s;

		pcs[i] = ksym_lookup(pcs[i], &s) == 0 ? pcs[i] - s.offset : 0;
	}
}

/* Shell sort: the report runs once, and needs no allocation. */
static void sort(uintptr_t *a, unsigned int n)
{
	for (unsigned int gap = n / 2; gap; gap /= 2)
		for (unsigned int i = gap; i < n; i++)
			for (unsigned int j = i; j >= gap && a[j - gap] > a[j];
			     j -= gap) {
				uintptr_t t = a[j];

				a[j] = a[j - gap];
				a[j - gap] = t;
			}
}

struct hot {
	uintptr_t fn;
	unsigned int count;
};

/* Keep run (fn, count) if it is among the REPORT_TOP largest so far. */
static void consider(struct hot *top, uintptr_t fn, unsigned int count)
{
	unsigned int i = REPORT_TOP;

	while (i > 0 && top[i - 1].count < count) {
		if (i < REPORT_TOP)
			top[i] = top[i - 1];
		i--;
	}
	if (i < REPORT_TOP)
		top[i] = (struct hot){fn, count};
}

static void print_hot(const struct hot *h, unsigned int total)
{
	char name[KSYM_NAME_BUF], *plus;

	if (!h->fn || ksym_format(h->fn, name, sizeof(name)))
		strlcpy(name, "(no symbol)", sizeof(name));
	else if ((plus = strchr(name, '+')))
		*plus = '\0';
	kprintf("profile: %3u.%u%% %7u %s\n", h->count * 100 / total,
		h->count * 1000 / total % 10, h->count, name);
}

void profile_report(void)
{
	static struct hot top[REPORT_TOP];
	uint64_t user = 0, idle = 0;
	unsigned int n = 0, cpu;
	uintptr_t *all;

	if (!period_ns)
		return;
	for_each_online_cpu(cpu)
	{
		n += cpus[cpu].n;
		user += cpus[cpu].user;
		idle += cpus[cpu].idle;
	}
	kprintf("profile: %u kernel samples, %lu in user mode, %lu idle\n", n,
		user, idle);
	all = n ? vmalloc(n * sizeof(*all)) : NULL;
	if (!all)
		return;
	n = 0;
	for_each_online_cpu(cpu)
	{
		memcpy(all + n, cpus[cpu].pcs, cpus[cpu].n * sizeof(*all));
		n += cpus[cpu].n;
	}
	to_functions(all, n);
	sort(all, n);
	for (unsigned int i = 0, j; i < n; i = j) {
		for (j = i; j < n && all[j] == all[i]; j++)
			;
		consider(top, all[i], j - i);
	}
	for (unsigned int i = 0; i < REPORT_TOP && top[i].count; i++)
		print_hot(&top[i], n);
	vfree(all);
}
