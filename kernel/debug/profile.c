/*
 * A sampling profiler (<kernel/profile.h>): "profile=US" on the command
 * line samples, every US microseconds on each CPU, where the interrupted
 * code was (the timer interrupt's frame), and profile_report prints the
 * functions most often found, at power-off or from the monitor. Meant for
 * make bench's -icount boots, where time counts instructions, so that a
 * profile says where the instructions went and repeats exactly.
 *
 * The timer interrupt cannot land while interrupts are off, so a sample
 * taken as soon as they are on again would blame whatever turned them on
 * (spin_unlock_irqrestore) for all of the section before it. Each sample
 * therefore keeps its call chain too (by frame pointer, within the
 * interrupted task's kernel stack): the "self" table blames the caller
 * of such a function instead, and an "inclusive" table counts each
 * function once per sample that has it anywhere on the chain: the time
 * spent in it and in everything it called.
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
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/timer.h>
#include <kernel/vm.h>

#define MAX_SAMPLES (32 * 1024) /* per CPU */
#define DEPTH 8			/* pc, then return addresses */
#define REPORT_TOP 60

struct profile_cpu {
	uintptr_t (*pcs)[DEPTH]; /* kernel-mode samples, 0 past the chain */
	unsigned int n;
	uint64_t user, idle; /* samples in user mode, in the idle halt */
	struct timer_event ev;
} __aligned(64);

static struct profile_cpu cpus[SMP_MAX_CPUS];
static uint64_t period_ns; /* 0: off */
static bool stopped;	   /* the report has begun: take no more samples */

/* The chain of return addresses above the interrupted frame, as far as
 * it stays inside the current task's kernel stack and climbs. */
static void walk(const struct trap_frame *tf, uintptr_t *out)
{
	struct task *t = current_task();
	uintptr_t rbp = arch_trap_fp(tf), lo = t ? t->kstack - KSTACK_SIZE : 0;

	out[0] = arch_trap_pc(tf);
	for (unsigned int i = 1; i < DEPTH; i++) {
		const uintptr_t *frame = (const uintptr_t *)rbp;

		if (!t || rbp < lo || rbp > t->kstack - 16 || rbp % 8) {
			out[i] = 0;
			continue;
		}
		out[i] = frame[1];
		rbp = frame[0] > rbp ? frame[0] : 0;
	}
}

static void sample(void *arg)
{
	struct profile_cpu *p = arg;
	const struct trap_frame *tf = this_cpu()->irq_frame;

	if (__atomic_load_n(&stopped, __ATOMIC_ACQUIRE))
		return;
	if (tf && trap_from_user(tf))
		p->user++;
	else if (this_cpu()->in_idle_wait)
		p->idle++;
	else if (tf && p->n < MAX_SAMPLES) {
		/* Counted once written: see profile_report. */
		walk(tf, p->pcs[p->n]);
		__atomic_store_n(&p->n, p->n + 1, __ATOMIC_RELEASE);
	}
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

/* The start of the function holding pc (0: unknown). */
static uintptr_t function_of(uintptr_t pc)
{
	struct ksym s;

	return pc && ksym_lookup(pc, &s) == 0 ? pc - s.offset : 0;
}

/* Functions that turn interrupts back on: samples held back while they
 * were off land in them (see the top of the file). */
static bool is_skid(uintptr_t fn)
{
	static const char *const names[] = {"spin_unlock_irqrestore",
					    "spin_unlock_irq", "irq_restore"};
	char name[KSYM_NAME_BUF], *plus;

	if (!fn || ksym_format(fn, name, sizeof(name)))
		return false;
	if ((plus = strchr(name, '+')))
		*plus = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* Self: the function of each sample, its caller's for a skid. */
static unsigned int self_functions(const uintptr_t (*pcs)[DEPTH],
				   unsigned int n, uintptr_t *out)
{
	uintptr_t skid_fn[4] = {0};
	unsigned int nskid = 0;

	for (unsigned int i = 0; i < n; i++) {
		uintptr_t fn = function_of(pcs[i][0]);
		bool skid = false;

		for (unsigned int k = 0; k < nskid; k++)
			skid |= skid_fn[k] == fn;
		if (!skid && nskid < 4 && is_skid(fn)) {
			skid_fn[nskid++] = fn;
			skid = true;
		}
		out[i] = skid && pcs[i][1] ? function_of(pcs[i][1]) : fn;
	}
	return n;
}

/* Inclusive: each function on a sample's chain, once per sample. */
static unsigned int chain_functions(const uintptr_t (*pcs)[DEPTH],
				    unsigned int n, uintptr_t *out)
{
	unsigned int m = 0;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int first = m;

		for (unsigned int d = 0; d < DEPTH && pcs[i][d]; d++) {
			uintptr_t fn = function_of(pcs[i][d]);
			bool seen = !fn;

			for (unsigned int k = first; k < m && !seen; k++)
				seen = out[k] == fn;
			if (!seen)
				out[m++] = fn;
		}
	}
	return m;
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

/* The REPORT_TOP functions most often in fns[0..m), against total. */
static void report_table(const char *title, uintptr_t *fns, unsigned int m,
			 unsigned int total)
{
	static struct hot top[REPORT_TOP];

	memset(top, 0, sizeof(top));
	sort(fns, m);
	for (unsigned int i = 0, j; i < m; i = j) {
		for (j = i; j < m && fns[j] == fns[i]; j++)
			;
		consider(top, fns[i], j - i);
	}
	kprintf("profile: %s\n", title);
	for (unsigned int i = 0; i < REPORT_TOP && top[i].count; i++)
		print_hot(&top[i], total);
}

void profile_report(void)
{
	static unsigned int taken[SMP_MAX_CPUS];
	uint64_t user = 0, idle = 0;
	unsigned int n = 0, cpu;
	uintptr_t(*all)[DEPTH];
	uintptr_t *fns;

	if (!period_ns)
		return;
	/*
	 * Samples keep arriving on other CPUs (and on this one, from the
	 * timer) while the report runs: stop them, then count what was
	 * taken once, so the copies below stay inside what was allocated.
	 */
	__atomic_store_n(&stopped, true, __ATOMIC_RELEASE);
	for_each_online_cpu(cpu)
	{
		taken[cpu] = __atomic_load_n(&cpus[cpu].n, __ATOMIC_ACQUIRE);
		n += taken[cpu];
		user += cpus[cpu].user;
		idle += cpus[cpu].idle;
	}
	kprintf("profile: %u kernel samples, %lu in user mode, %lu idle\n", n,
		user, idle);
	all = n ? vmalloc(n * sizeof(*all)) : NULL;
	fns = n ? vmalloc(n * DEPTH * sizeof(*fns)) : NULL;
	if (!all || !fns)
		goto out;
	n = 0;
	for_each_online_cpu(cpu)
	{
		memcpy(all + n, cpus[cpu].pcs, taken[cpu] * sizeof(*all));
		n += taken[cpu];
	}
	report_table("self (a section with interrupts off: its function)", fns,
		     self_functions(all, n, fns), n);
	report_table("inclusive (the function or what it called)", fns,
		     chain_functions(all, n, fns), n);
out:
	vfree(all);
	vfree(fns);
}
