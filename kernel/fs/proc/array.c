/*
 * /proc/PID/stat, status and statm (and task/TID's): the lines ps, top,
 * pidof and killall parse, in Linux 6.1's formats. What the kernel does
 * not keep (page fault counts, capabilities beyond root's, NUMA) is
 * shown as Linux shows it for a process that has none.
 *
 * The facts are gathered under proc_tree_lock into a struct snapshot,
 * then formatted with no lock held.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/tty.h>
#include <kernel/time.h>
#include <kernel/uvm.h>

#include "internal.h"

#define PF_RANDOMIZE 0x00400000u
#define ALL_CAPS 0x000001ffffffffffull /* CAP_CHOWN..CAP_CHECKPOINT_RESTORE */

struct snapshot {
	pid_t pid, tid, ppid, pgid, sid, tpgid;
	uint32_t tty_nr;
	char comm[TASK_COMM_LEN];
	char state;
	int nice, cpu, exit_signal, exit_code;
	unsigned int threads;
	uint64_t start_time, nvcsw, nivcsw;
	uint64_t pending, shared_pending, blocked, ignored, caught;
	unsigned int queued;
	struct cred cred;
	uint64_t sigpending_limit, rss_limit;
};

static char task_state(const struct proc *p, const struct task *t)
{
	if (p->state != PROC_ALIVE || !t)
		return 'Z';
	if (p->stopped)
		return 'T';
	switch (__atomic_load_n(&t->state, __ATOMIC_RELAXED)) {
	case TASK_RUNNING:
		return 'R';
	case TASK_INTERRUPTIBLE:
		return 'S';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	case TASK_STOPPED:
		return 'T';
	default:
		return 'X';
	}
}

static const char *state_name(char c)
{
	switch (c) {
	case 'R':
		return "R (running)";
	case 'S':
		return "S (sleeping)";
	case 'D':
		return "D (disk sleep)";
	case 'T':
		return "T (stopped)";
	case 'Z':
		return "Z (zombie)";
	default:
		return "X (dead)";
	}
}

/* Handlers: which signals are ignored and which caught (bit sig - 1). */
static void handlers_locked(const struct proc *p, struct snapshot *s)
{
	const struct sighand *sh = p->sighand;

	if (!sh)
		return;
	for (int i = 0; i < NSIG; i++) { /* action[sig - 1] */
		uint64_t h = sh->action[i].handler;

		if (h == SIG_IGN)
			s->ignored |= 1ull << i;
		else if (h != SIG_DFL)
			s->caught |= 1ull << i;
	}
	s->queued = sh->queued;
}

static int snapshot(struct proc_node *n, struct snapshot *s)
{
	struct proc *p = n->p;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct task *t = proc_node_task_locked(n);

	memset(s, 0, sizeof(*s));
	if (n->tid && !t) {
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		return -ESRCH; /* the thread is gone */
	}
	s->pid = p->pid;
	s->tid = n->tid ? n->tid : p->pid;
	s->ppid = p->parent && p->pid != 1 ? p->parent->pid : 0;
	s->pgid = p->pgid;
	s->sid = p->sid;
	s->tty_nr = tty_of_proc(p); /* the tree lock keeps p->tty */
	s->tpgid = tty_fg_of_proc(p);
	memcpy(s->comm, t ? t->comm : p->comm, TASK_COMM_LEN);
	s->comm[TASK_COMM_LEN - 1] = '\0';
	s->state = task_state(p, t);
	/* A zombie leader still counts itself, as on Linux. */
	s->threads = p->state == PROC_ALIVE ? p->nr_threads : 1;
	s->start_time = p->start_time;
	s->exit_signal = p->exit_signal;
	s->exit_code = p->state == PROC_ALIVE ? 0 : p->exit_status;
	s->cred = p->cred;
	s->sigpending_limit = p->rlim[RLIMIT_SIGPENDING].cur;
	s->rss_limit = p->rlim[RLIMIT_RSS].cur;
	s->shared_pending = p->shared_pending.set;
	s->nvcsw = p->nvcsw;
	if (t) {
		s->nice = t->nice;
		s->cpu = (int)t->cpu;
		s->nvcsw += t->nr_switches;
		if (t->sig) {
			s->pending = t->sig->pending.set;
			s->blocked = t->sig->blocked;
		}
	}
	if (p->state == PROC_ALIVE)
		handlers_locked(p, s);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return 0;
}

static unsigned long to_ticks(uint64_t ns)
{
	return (unsigned long)(ns / NSEC_PER_USER_HZ);
}

/* CPU time of the process, or of the thread n is about. */
static void cputime(struct proc_node *n, uint64_t *user, uint64_t *sys)
{
	unsigned long flags;
	struct task *t;

	if (!n->tid) {
		proc_cputime(n->p, user, sys);
		return;
	}
	*user = *sys = 0;
	sched_update_current();
	flags = spin_lock_irqsave(&proc_tree_lock);
	t = proc_thread_locked(n->p, n->tid);
	if (t)
		task_cputime(t, user, sys);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

int proc_show_stat(struct seq_buf *s, struct proc_node *n)
{
	struct mm *mm = proc_get_mm(n->p);
	struct proc_mm_sizes sz = {0};
	uint64_t user, sys;
	struct snapshot ss;
	int err = snapshot(n, &ss);

	if (err) {
		if (mm)
			mm_put(mm);
		return err;
	}
	cputime(n, &user, &sys);
	if (mm)
		proc_mm_sizes(mm, &sz);
	seq_printf(s, "%d (%s) %c %d %d %d %u %d %u 0 0 0 0 ", ss.tid, ss.comm,
		   ss.state, ss.ppid, ss.pgid, ss.sid, ss.tty_nr, ss.tpgid,
		   mm ? PF_RANDOMIZE : 0u);
	seq_printf(s, "%lu %lu %lu %lu %d %d %u 0 %lu ", to_ticks(user),
		   to_ticks(sys), to_ticks(n->p->cutime),
		   to_ticks(n->p->cstime), 20 + ss.nice, ss.nice, ss.threads,
		   to_ticks(ss.start_time));
	seq_printf(s, "%llu %llu %llu %lu %lu %lu 0 0 ",
		   (unsigned long long)sz.total * PAGE_SIZE,
		   (unsigned long long)sz.rss, (unsigned long long)ss.rss_limit,
		   mm ? (unsigned long)mm->start_code : 0ul,
		   mm ? (unsigned long)mm->end_code : 0ul,
		   mm ? (unsigned long)mm->arg_start : 0ul);
	/* The signal masks, in decimal as Linux prints them here. */
	seq_printf(s, "%llu %llu %llu %llu 0 0 0 %d %d 0 0 0 0 0 ",
		   (unsigned long long)(ss.pending | ss.shared_pending),
		   (unsigned long long)ss.blocked,
		   (unsigned long long)ss.ignored,
		   (unsigned long long)ss.caught, ss.exit_signal, ss.cpu);
	seq_printf(s, "%lu %lu %lu %lu %lu %lu %lu %d\n",
		   mm ? (unsigned long)mm->start_data : 0ul,
		   mm ? (unsigned long)mm->end_data : 0ul,
		   mm ? (unsigned long)mm->brk_start : 0ul,
		   mm ? (unsigned long)mm->arg_start : 0ul,
		   mm ? (unsigned long)mm->arg_end : 0ul,
		   mm ? (unsigned long)mm->env_start : 0ul,
		   mm ? (unsigned long)mm->env_end : 0ul, ss.exit_code);
	if (mm)
		mm_put(mm);
	return 0;
}

int proc_show_statm(struct seq_buf *s, struct proc_node *n)
{
	struct mm *mm = proc_get_mm(n->p);
	struct proc_mm_sizes sz = {0};

	if (mm) {
		proc_mm_sizes(mm, &sz);
		mm_put(mm);
	}
	seq_printf(s, "%llu %llu 0 %llu 0 %llu 0\n",
		   (unsigned long long)sz.total, (unsigned long long)sz.rss,
		   (unsigned long long)sz.text,
		   (unsigned long long)(sz.data + sz.stack));
	return 0;
}

static void show_kb(struct seq_buf *s, const char *name, uint64_t pages)
{
	seq_printf(s, "%s:\t%8llu kB\n", name,
		   (unsigned long long)pages * (PAGE_SIZE / 1024));
}

static void show_vm(struct seq_buf *s, struct mm *mm)
{
	struct proc_mm_sizes sz;

	proc_mm_sizes(mm, &sz);
	show_kb(s, "VmPeak", sz.total);
	show_kb(s, "VmSize", sz.total);
	show_kb(s, "VmLck", 0);
	show_kb(s, "VmPin", 0);
	show_kb(s, "VmHWM", sz.rss);
	show_kb(s, "VmRSS", sz.rss);
	show_kb(s, "RssAnon", sz.rss);
	show_kb(s, "RssFile", 0);
	show_kb(s, "RssShmem", 0);
	show_kb(s, "VmData", sz.data);
	show_kb(s, "VmStk", sz.stack);
	show_kb(s, "VmExe", sz.text);
	show_kb(s, "VmLib", sz.exec - sz.text);
	show_kb(s, "VmPTE", 0);
	show_kb(s, "VmSwap", 0);
	show_kb(s, "HugetlbPages", 0);
}

static void show_ids(struct seq_buf *s, const struct snapshot *ss,
		     struct fs_context *fs, struct files *files)
{
	const struct cred *c = &ss->cred;

	seq_printf(s, "Name:\t%s\n", ss->comm);
	if (fs)
		seq_printf(s, "Umask:\t%04o\n", fs->umask);
	seq_printf(s, "State:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n",
		   state_name(ss->state), ss->pid, ss->tid);
	seq_printf(s, "PPid:\t%d\nTracerPid:\t0\n", ss->ppid);
	seq_printf(s, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", c->uid,
		   c->euid, c->suid, c->fsuid, c->gid, c->egid, c->sgid,
		   c->fsgid);
	seq_printf(s, "FDSize:\t%u\nGroups:\t", files ? files->size : 0);
	for (unsigned int i = 0; i < c->ngroups; i++)
		seq_printf(s, "%s%u", i ? " " : "", c->groups[i]);
	seq_printf(s, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		   ss->pid, ss->tid, ss->pgid, ss->sid);
}

static void show_cpus(struct seq_buf *s)
{
	unsigned int cpus = smp_cpu_count();

	seq_printf(s, "Cpus_allowed:\t%llx\n",
		   cpus >= 64 ? ~0ull : (1ull << cpus) - 1);
	if (cpus > 1)
		seq_printf(s, "Cpus_allowed_list:\t0-%u\n", cpus - 1);
	else
		seq_puts(s, "Cpus_allowed_list:\t0\n");
	seq_puts(s, "Mems_allowed:\t");
	for (int i = 0; i < 31; i++)
		seq_puts(s, "00000000,");
	seq_puts(s, "00000001\nMems_allowed_list:\t0\n");
}

static void show_signals(struct seq_buf *s, const struct snapshot *ss)
{
	uint64_t caps = ss->cred.euid == 0 ? ALL_CAPS : 0;

	seq_printf(s, "Threads:\t%u\nSigQ:\t%u/%llu\n", ss->threads, ss->queued,
		   (unsigned long long)ss->sigpending_limit);
	seq_printf(s, "SigPnd:\t%016llx\nShdPnd:\t%016llx\n",
		   (unsigned long long)ss->pending,
		   (unsigned long long)ss->shared_pending);
	seq_printf(s, "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		   (unsigned long long)ss->blocked,
		   (unsigned long long)ss->ignored,
		   (unsigned long long)ss->caught);
	seq_printf(s,
		   "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
		   "CapBnd:\t%016llx\nCapAmb:\t%016llx\n",
		   0ull, (unsigned long long)caps, (unsigned long long)caps,
		   ALL_CAPS, 0ull);
	seq_puts(s, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
		    "Speculation_Store_Bypass:\tnot vulnerable\n"
		    "SpeculationIndirectBranch:\talways enabled\n");
}

int proc_show_status(struct seq_buf *s, struct proc_node *n)
{
	struct mm *mm = proc_get_mm(n->p);
	struct fs_context *fs = proc_get_fs(n->p);
	struct files *files = proc_get_files(n->p);
	struct snapshot ss;
	int err = snapshot(n, &ss);

	if (!err) {
		show_ids(s, &ss, fs, files);
		if (mm)
			show_vm(s, mm);
		if (mm)
			seq_puts(s, "CoreDumping:\t0\nTHP_enabled:\t1\n");
		show_signals(s, &ss);
		show_cpus(s);
		seq_printf(s,
			   "voluntary_ctxt_switches:\t%llu\n"
			   "nonvoluntary_ctxt_switches:\t%llu\n",
			   (unsigned long long)ss.nvcsw,
			   (unsigned long long)ss.nivcsw);
	}
	if (mm)
		mm_put(mm);
	if (fs)
		fs_context_put(fs);
	if (files)
		files_put(files);
	return err;
}
