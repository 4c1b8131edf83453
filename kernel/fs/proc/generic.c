/*
 * /proc's system-wide files: meminfo, cpuinfo, uptime, loadavg, stat,
 * version, filesystems and cmdline, in Linux 6.1's formats (free, top,
 * uptime and friends parse them). Counters the kernel does not keep
 * (swap, huge pages, per-IRQ counts...) are shown as 0.
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/version.h>

#include "internal.h"

#define KERNEL_RELEASE "6.1.0-rastos"	/* as uname(2) says */
#define VMALLOC_TOTAL_KB 34359738367ull /* Linux's x86_64 figure */

static void kb_line(struct seq_buf *s, const char *name, uint64_t kb)
{
	seq_printf(s, "%-16s%8llu kB\n", name, (unsigned long long)kb);
}

int proc_show_meminfo(struct seq_buf *s, struct proc_node *n)
{
	static const char *const zeros[] = {
		"SwapCached:",	   "Active:",	      "Inactive:",
		"Active(anon):",   "Inactive(anon):", "Active(file):",
		"Inactive(file):", "Unevictable:",    "Mlocked:",
		"SwapTotal:",	   "SwapFree:",	      "Zswap:",
		"Zswapped:",	   "Dirty:",	      "Writeback:",
	};
	struct mm_stats st;
	uint64_t slab, cached, disk, user;

	mm_get_stats(&st);
	inode_cache_totals(&cached, &disk);
	cached *= PAGE_SIZE / KiB; /* (MM_USE_USER pages, as anon ones) */
	disk *= PAGE_SIZE / KiB;
	user = st.used_kib[MM_USE_USER];
	slab = st.used_kib[MM_USE_SLAB] + st.used_kib[MM_USE_HEAP_LARGE];
	kb_line(s, "MemTotal:", st.managed_kib);
	kb_line(s, "MemFree:", st.free_kib);
	/* What the page cache would give back comes on top of free pages. */
	kb_line(s, "MemAvailable:", st.free_kib + disk);
	kb_line(s, "Buffers:", 0);
	kb_line(s, "Cached:", cached);
	for (size_t i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
		kb_line(s, zeros[i], 0);
	kb_line(s, "AnonPages:", user > cached ? user - cached : 0);
	kb_line(s, "Mapped:", 0);
	kb_line(s, "Shmem:", cached - disk); /* tmpfs's, and the like */
	kb_line(s, "KReclaimable:", 0);
	kb_line(s, "Slab:", slab);
	kb_line(s, "SReclaimable:", 0);
	kb_line(s, "SUnreclaim:", slab);
	kb_line(s, "KernelStack:", st.used_kib[MM_USE_STACK]);
	kb_line(s, "PageTables:", st.used_kib[MM_USE_PAGE_TABLE]);
	kb_line(s, "SecPageTables:", 0);
	kb_line(s, "NFS_Unstable:", 0);
	kb_line(s, "Bounce:", 0);
	kb_line(s, "WritebackTmp:", 0);
	kb_line(s, "CommitLimit:", st.managed_kib / 2);
	kb_line(s, "Committed_AS:", st.used_kib[MM_USE_USER]);
	kb_line(s, "VmallocTotal:", VMALLOC_TOTAL_KB);
	kb_line(s, "VmallocUsed:", st.used_kib[MM_USE_VMALLOC]);
	kb_line(s, "VmallocChunk:", 0);
	kb_line(s, "Percpu:", 0);
	seq_puts(s, "HardwareCorrupted:     0 kB\n");
	kb_line(s, "AnonHugePages:", 0);
	kb_line(s, "ShmemHugePages:", 0);
	kb_line(s, "ShmemPmdMapped:", 0);
	kb_line(s, "FileHugePages:", 0);
	kb_line(s, "FilePmdMapped:", 0);
	seq_puts(s, "HugePages_Total:       0\nHugePages_Free:        0\n"
		    "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
	kb_line(s, "Hugepagesize:", 2048);
	kb_line(s, "Hugetlb:", 0);
	kb_line(s, "DirectMap4k:", 0);
	kb_line(s, "DirectMap2M:", 0);
	return 0;
}

int proc_show_cpuinfo(struct seq_buf *s, struct proc_node *n)
{
	struct arch_cpu_info ci;
	unsigned int cpu, count = smp_cpu_count();

	arch_cpu_info(&ci);
	for_each_online_cpu(cpu)
	{
		seq_printf(s,
			   "processor\t: %u\nvendor_id\t: %s\n"
			   "cpu family\t: %u\nmodel\t\t: %u\n"
			   "model name\t: %s\nstepping\t: %u\n",
			   cpu, ci.vendor, ci.family, ci.model, ci.model_name,
			   ci.stepping);
		seq_printf(s,
			   "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\n"
			   "cpu cores\t: %u\napicid\t\t: %u\n"
			   "initial apicid\t: %u\n",
			   count, cpu, count, smp_cpu(cpu)->apic_id,
			   smp_cpu(cpu)->apic_id);
		seq_printf(s,
			   "fpu\t\t: yes\nfpu_exception\t: yes\n"
			   "cpuid level\t: %u\nwp\t\t: yes\nflags\t\t: %s\n",
			   ci.cpuid_level, ci.flags);
		seq_printf(s,
			   "clflush size\t: %u\ncache_alignment\t: %u\n"
			   "address sizes\t: %u bits physical, %u bits "
			   "virtual\npower management:\n\n",
			   ci.clflush, ci.clflush, ci.phys_bits, ci.virt_bits);
	}
	return 0;
}

/* Ticks of one kind on every CPU (TIMER_HZ). */
static uint64_t all_cpus(enum cpu_time_kind kind)
{
	uint64_t t[CPUTIME_NR], sum = 0;
	unsigned int cpu;

	for_each_online_cpu(cpu)
	{
		sched_cpu_times(cpu, t);
		sum += t[kind];
	}
	return sum;
}

/* TIMER_HZ ticks as USER_HZ (100) ones. */
static unsigned long long user_hz(uint64_t ticks)
{
	return (unsigned long long)(ticks * 100 / TIMER_HZ);
}

int proc_show_uptime(struct seq_buf *s, struct proc_node *n)
{
	uint64_t up = clock_monotonic_ns() / (NSEC_PER_SEC / 100);
	unsigned long long idle = user_hz(all_cpus(CPUTIME_IDLE));

	seq_printf(s, "%llu.%02llu %llu.%02llu\n", (unsigned long long)up / 100,
		   (unsigned long long)up % 100, idle / 100, idle % 100);
	return 0;
}

static unsigned int all_threads(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	unsigned int n = 0;
	struct proc *p;

	list_for_each_entry(p, &proc_all, all_link)
	{
		n += p->nr_threads;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return n;
}

int proc_show_loadavg(struct seq_buf *s, struct proc_node *n)
{
	unsigned long avg[3];

	sched_loadavg(avg);
	for (int i = 0; i < 3; i++) {
		/* Two decimals, rounded: add half a hundredth first. */
		unsigned long v = avg[i] + (1ul << LOADAVG_SHIFT) / 200;

		seq_printf(s, "%lu.%02lu ", v >> LOADAVG_SHIFT,
			   ((v & ((1ul << LOADAVG_SHIFT) - 1)) * 100) >>
				   LOADAVG_SHIFT);
	}
	seq_printf(s, "%u/%u %d\n", sched_nr_running(), all_threads(),
		   pid_last());
	return 0;
}

int proc_show_stat_all(struct seq_buf *s, struct proc_node *n)
{
	uint64_t t[CPUTIME_NR], sum[CPUTIME_NR] = {0}, ctxt = 0;
	int64_t boot = clock_realtime_ns() - (int64_t)clock_monotonic_ns();
	unsigned int cpu;

	for_each_online_cpu(cpu)
	{
		sched_cpu_times(cpu, t);
		for (int k = 0; k < CPUTIME_NR; k++)
			sum[k] += t[k];
		ctxt += sched_nr_switches(cpu);
	}
	seq_puts(s, "cpu ");
	for (int k = 0; k < CPUTIME_NR; k++)
		seq_printf(s, " %llu", user_hz(sum[k]));
	seq_puts(s, " 0 0\n"); /* guest, guest_nice */
	for_each_online_cpu(cpu)
	{
		sched_cpu_times(cpu, t);
		seq_printf(s, "cpu%u", cpu);
		for (int k = 0; k < CPUTIME_NR; k++)
			seq_printf(s, " %llu", user_hz(t[k]));
		seq_puts(s, " 0 0\n");
	}
	seq_printf(s, "intr 0\nctxt %llu\nbtime %lld\nprocesses %d\n",
		   (unsigned long long)ctxt, (long long)(boot / NSEC_PER_SEC),
		   pid_last());
	seq_printf(s, "procs_running %u\nprocs_blocked 0\n",
		   sched_nr_running());
	seq_puts(s, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
	return 0;
}

int proc_show_version(struct seq_buf *s, struct proc_node *n)
{
	seq_puts(s, "Linux version " KERNEL_RELEASE " (" RASTOS_NAME
		    " " RASTOS_VERSION ") #1 SMP " RASTOS_ARCH "\n");
	return 0;
}

int proc_show_filesystems(struct seq_buf *s, struct proc_node *n)
{
	size_t room = s->size - s->len, len = fs_list(s->buf + s->len, room);

	if (len >= room) {
		s->len = s->size;
		s->overflow = true;
	} else {
		s->len += len;
	}
	return 0;
}

int proc_show_cmdline_boot(struct seq_buf *s, struct proc_node *n)
{
	seq_printf(s, "%s\n", cmdline_raw());
	return 0;
}
