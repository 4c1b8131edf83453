/*
 * System information and odds and ends: uname and the host name,
 * getrandom, sysinfo, prctl, resource limits and usage, times, reboot.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/random.h>
#include <kernel/signal.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uvm.h>
#include <kernel/uaccess.h>
#include <kernel/version.h>

#define UTS_LEN 65
#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4
#define CLOCK_TICKS 100

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_CAPBSET_READ 23
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_CAP_AMBIENT 47

#define REBOOT_MAGIC1 0xfee1dead
#define REBOOT_MAGIC2 672274793
#define REBOOT_MAGIC2A 85072278
#define REBOOT_MAGIC2B 369367448
#define REBOOT_MAGIC2C 537993216
#define REBOOT_CMD_RESTART 0x01234567
#define REBOOT_CMD_HALT 0xcdef0123
#define REBOOT_CMD_POWER_OFF 0x4321fedc
#define REBOOT_CMD_CAD_ON 0x89abcdef
#define REBOOT_CMD_CAD_OFF 0x00000000

static char hostname[UTS_LEN] = "(none)";
static char domainname[UTS_LEN] = "(none)";

struct utsname_k {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN],
		version[UTS_LEN], machine[UTS_LEN], domainname[UTS_LEN];
};

SYSCALL_DEFINE1(uname, uintptr_t, ubuf)
{
	struct utsname_k u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", UTS_LEN); /* the ABI programs expect */
	host_name_get(u.nodename, UTS_LEN);
	strlcpy(u.release, "6.1.0-rastos", UTS_LEN);
	strlcpy(u.version, RASTOS_NAME " " RASTOS_VERSION, UTS_LEN);
	strlcpy(u.machine,
		(current_task()->personality & PER_MASK) == PER_LINUX32
			? "i686" /* what Linux's override_architecture says */
			: "x86_64",
		UTS_LEN);
	strlcpy(u.domainname, domainname, UTS_LEN);
	return copy_to_user(ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}

/* Any value goes, as on Linux; 0xffffffff only asks. The old value. */
SYSCALL_DEFINE1(personality, unsigned int, persona)
{
	struct task *t = current_task();
	unsigned int old = t->personality;

	if (persona != 0xffffffffu)
		t->personality = persona;
	return old;
}

static long set_name(char *dst, uintptr_t uname, int len)
{
	char buf[UTS_LEN];

	if (!proc_capable())
		return -EPERM;
	if (len < 0 || len >= UTS_LEN)
		return -EINVAL;
	if (copy_from_user(buf, uname, (size_t)len))
		return -EFAULT;
	buf[len] = '\0';
	memcpy(dst, buf, (size_t)len + 1);
	return 0;
}

static DEFINE_SPINLOCK(uts_lock, LOCK_RANK_NONE);

void host_name_get(char *buf, size_t size)
{
	unsigned long flags = spin_lock_irqsave(&uts_lock);

	strlcpy(buf, hostname, size);
	spin_unlock_irqrestore(&uts_lock, flags);
}

int host_name_set(const char *name, size_t len)
{
	unsigned long flags;

	if (len > HOST_NAME_LEN)
		return -EINVAL;
	flags = spin_lock_irqsave(&uts_lock);
	memcpy(hostname, name, len);
	hostname[len] = '\0';
	spin_unlock_irqrestore(&uts_lock, flags);
	return 0;
}

SYSCALL_DEFINE2(sethostname, uintptr_t, uname, int, len)
{
	char buf[UTS_LEN];
	long err = set_name(buf, uname, len);

	return err ? err : host_name_set(buf, (size_t)len);
}

SYSCALL_DEFINE2(setdomainname, uintptr_t, uname, int, len)
{
	return set_name(domainname, uname, len);
}

SYSCALL_DEFINE3(getrandom, uintptr_t, ubuf, size_t, len, unsigned int, flags)
{
	uint8_t buf[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (flags & GRND_RANDOM && flags & GRND_INSECURE))
		return -EINVAL;
	len = MIN(len, 33554431); /* Linux's limit per call */
	while (done < len) {
		size_t chunk = MIN(len - done, sizeof(buf));

		random_bytes(buf, chunk);
		if (copy_to_user(ubuf + done, buf, chunk))
			return done ? (long)done : -EFAULT;
		done += chunk;
	}
	return (long)len;
}

struct sysinfo_k {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char pad3[4];
};

SYSCALL_DEFINE1(sysinfo, uintptr_t, ubuf)
{
	struct sysinfo_k si;
	struct mm_stats st;
	struct proc *p;
	unsigned long flags, load[3];
	unsigned int n = 0;

	mm_get_stats(&st);
	memset(&si, 0, sizeof(si));
	sched_loadavg(load);
	for (int i = 0; i < 3; i++) /* sysinfo's fixed point: 16 bits */
		si.loads[i] = (uint64_t)load[i] << (16 - LOADAVG_SHIFT);
	si.uptime = (int64_t)(clock_monotonic_ns() / NSEC_PER_SEC);
	si.totalram = st.managed_kib * 1024;
	si.freeram = st.free_kib * 1024;
	si.mem_unit = 1;
	flags = spin_lock_irqsave(&proc_tree_lock);
	list_for_each_entry(p, &proc_all, all_link) n += p->nr_threads;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	si.procs = (uint16_t)n;
	return copy_to_user(ubuf, &si, sizeof(si)) ? -EFAULT : 0;
}

SYSCALL_DEFINE5(prctl, int, option, unsigned long, a2, unsigned long, a3,
		unsigned long, a4, unsigned long, a5)
{
	struct task *t = current_task();
	char name[TASK_COMM_LEN];

	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, a2, sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
		memcpy(t->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user(a2, t->comm, sizeof(t->comm)) ? -EFAULT : 0;
	case PR_SET_PDEATHSIG:
		if (a2 > NSIG)
			return -EINVAL;
		current_proc()->pdeath_signal = (int)a2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_user(current_proc()->pdeath_signal, a2) ? -EFAULT : 0;
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return a2 > 1 ? -EINVAL : 0;
	case PR_SET_NO_NEW_PRIVS: /* for good: exec then ignores set-ID bits */
		if (a2 != 1 || a3 || a4 || a5)
			return -EINVAL;
		t->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		return a2 || a3 || a4 || a5 ? -EINVAL : t->no_new_privs;
	case PR_CAPBSET_READ:
	case PR_CAP_AMBIENT:
		return cred_cap_prctl(option, a2, a3, a4, a5);
	default:
		return -EINVAL;
	}
}

/* prlimit64's core: old out, new in; 0 or -errno. Tree lock not held. */
static long do_prlimit(pid_t pid, unsigned int res, const struct rlimit64 *new,
		       struct rlimit64 *old)
{
	struct proc *p = current_proc();
	unsigned long flags;
	long err = 0;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (new && new->cur > new->max)
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_tree_lock);
	if (pid && pid != p->pid)
		p = proc_find(pid);
	if (!p)
		err = -ESRCH;
	else if (p != current_proc() && !proc_capable())
		err = -EPERM;
	else if (new && new->max > p->rlim[res].max && !proc_capable())
		err = -EPERM;
	else if (new && res == RLIMIT_NOFILE && new->max > 1048576)
		err = -EPERM; /* nr_open */
	if (!err && old)
		*old = p->rlim[res];
	if (!err && new)
		p->rlim[res] = *new;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

SYSCALL_DEFINE4(prlimit64, pid_t, pid, unsigned int, res, uintptr_t, unew,
		uintptr_t, uold)
{
	struct rlimit64 new, old;
	long err;

	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	err = do_prlimit(pid, res, unew ? &new : NULL, &old);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE2(getrlimit, unsigned int, res, uintptr_t, uold)
{
	struct rlimit64 old;
	long err = do_prlimit(0, res, NULL, &old);

	if (!err && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE2(setrlimit, unsigned int, res, uintptr_t, unew)
{
	struct rlimit64 new;

	if (copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	return do_prlimit(0, res, &new, NULL);
}

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

struct rusage_k {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock,
		oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

/* CPU time of the process so far: its threads gone plus those alive. */
static uint64_t proc_cpu_ns(struct proc *p)
{
	uint64_t ns = p->utime;
	struct task *t;
	unsigned long flags;

	sched_update_current();
	flags = spin_lock_irqsave(&proc_tree_lock);

	list_for_each_entry(t, &p->threads, proc_link) ns += t->sum_exec;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ns;
}

SYSCALL_DEFINE2(getrusage, int, who, uintptr_t, uru)
{
	struct proc *p = current_proc();
	struct rusage_k ru;
	uint64_t ns;

	if (who == RUSAGE_SELF)
		ns = proc_cpu_ns(p);
	else if (who == RUSAGE_CHILDREN)
		ns = p->cutime;
	else if (who == RUSAGE_THREAD)
		ns = current_task()->sum_exec;
	else
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	ru.utime_sec = (int64_t)(ns / NSEC_PER_SEC);
	ru.utime_usec = (int64_t)(ns % NSEC_PER_SEC / 1000);
	ru.maxrss = (int64_t)(p->mm ? p->mm->rss_pages * 4 : 0);
	ru.nvcsw = (int64_t)current_task()->nr_switches;
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}

SYSCALL_DEFINE1(times, uintptr_t, ubuf)
{
	struct proc *p = current_proc();
	int64_t t[4] = {
		(int64_t)(proc_cpu_ns(p) / (NSEC_PER_SEC / CLOCK_TICKS)), 0,
		(int64_t)(p->cutime / (NSEC_PER_SEC / CLOCK_TICKS)), 0};

	if (ubuf && copy_to_user(ubuf, t, sizeof(t)))
		return -EFAULT;
	return (long)(clock_monotonic_ns() / (NSEC_PER_SEC / CLOCK_TICKS));
}

SYSCALL_DEFINE4(reboot, unsigned int, magic1, unsigned int, magic2,
		unsigned int, cmd, uintptr_t, arg)
{
	if (!proc_capable())
		return -EPERM;
	if (magic1 != REBOOT_MAGIC1 ||
	    (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A &&
	     magic2 != REBOOT_MAGIC2B && magic2 != REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case REBOOT_CMD_POWER_OFF:
		kprintf("reboot: Power down\n");
		power_off();
	case REBOOT_CMD_HALT:
		kprintf("reboot: System halted\n");
		power_off(); /* QEMU ends as with a power off */
	case REBOOT_CMD_RESTART:
		kprintf("reboot: Restarting system\n");
		power_reboot();
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0;
	default:
		return -EINVAL;
	}
}
