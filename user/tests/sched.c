/*
 * sched.c - scheduling calls.
 *   sched_yield; getpriority/setpriority/nice (the raw syscall's 20 - nice
 *   encoding, clamping at 19, PRIO_PGRP and PRIO_USER, EINVAL, ESRCH; as
 *   non-root: raising nice is allowed, lowering it EACCES, another user's
 *   process EPERM); sched_getscheduler and the priority ranges;
 *   sched_getaffinity (CPU 0 in the mask, EINVAL for a short or odd-sized
 *   buffer), sched_setaffinity (pinned to CPU 0, getcpu then says 0; an
 *   empty mask or only CPU 1023 is EINVAL; non-root on root's process
 *   EPERM); getcpu returns a CPU within the mask, EFAULT.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NO_SUCH_PID 0x3fffffff

static int as_user(void *arg)
{
	pid_t parent = (pid_t)(long)arg;
	setresuid(1000, 1000, 1000);
	T_OK("non-root: raise own nice to 5", setpriority(PRIO_PROCESS, 0, 5));
	T_ERR("non-root: lower it to 0", setpriority(PRIO_PROCESS, 0, 0),
	      EACCES);
	T_ERR("non-root: another user's process",
	      setpriority(PRIO_PROCESS, parent, 10), EPERM);
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	T_ERR("non-root: sched_setaffinity of root's process",
	      sched_setaffinity(parent, sizeof(set), &set), EPERM);
	return t_failures;
}

int main(void)
{
	T_OK("sched_yield", sched_yield());

	T_EQ("raw getpriority is 20 - nice",
	     t_sys2(SYS_getpriority, PRIO_PROCESS, 0), 20);
	T_EQ("nice(0)", nice(0), 0);
	T_EQ("nice(3)", nice(3), 3);
	T_EQ("getpriority", getpriority(PRIO_PROCESS, 0), 3);
	T_OK("setpriority(-5) as root", setpriority(PRIO_PROCESS, 0, -5));
	T_EQ("  getpriority", getpriority(PRIO_PROCESS, 0), -5);
	T_OK("setpriority(100) clamps", setpriority(PRIO_PROCESS, 0, 100));
	T_EQ("  to 19", getpriority(PRIO_PROCESS, 0), 19);
	T_OK("setpriority(PRIO_PGRP, 0, 0)", setpriority(PRIO_PGRP, 0, 0));
	T_EQ("  getpriority", getpriority(PRIO_PROCESS, 0), 0);
	T_EQ("getpriority(PRIO_USER, 0)", getpriority(PRIO_USER, 0) <= 0, 1);
	T_ERR("getpriority bad which", getpriority(7, 0), EINVAL);
	T_ERR("setpriority bad which", setpriority(7, 0, 0), EINVAL);
	T_ERR("getpriority no such pid", getpriority(PRIO_PROCESS, NO_SUCH_PID),
	      ESRCH);
	T_STATUS("non-root rules", t_run(as_user, (void *)(long)getpid()),
		 "exit 0");

	/* Raw calls: musl's sched_getscheduler is ENOSYS by design. */
	T_EQ("sched_getscheduler", t_sys1(SYS_sched_getscheduler, 0),
	     SCHED_OTHER);
	T_EQ("SCHED_OTHER priority range",
	     t_sys1(SYS_sched_get_priority_min, SCHED_OTHER) * 100 +
		     t_sys1(SYS_sched_get_priority_max, SCHED_OTHER),
	     0);
	T_EQ("SCHED_FIFO priority range",
	     t_sys1(SYS_sched_get_priority_min, SCHED_FIFO) * 100 +
		     t_sys1(SYS_sched_get_priority_max, SCHED_FIFO),
	     199);
	T_SYSERR("sched_get_priority_max bad policy",
		 t_sys1(SYS_sched_get_priority_max, 77), EINVAL);
	T_SYSERR("sched_getscheduler no such pid",
		 t_sys1(SYS_sched_getscheduler, NO_SUCH_PID), ESRCH);
	T_SYSERR("sched_getscheduler(-1)", t_sys1(SYS_sched_getscheduler, -1),
		 EINVAL);

	cpu_set_t set;
	CPU_ZERO(&set);
	long n = t_sys3(SYS_sched_getaffinity, 0, sizeof(set), &set);
	T_EQ("sched_getaffinity returns a size", n > 0 && n % 8 == 0, 1);
	T_EQ("  CPU 0 is in the mask", CPU_ISSET(0, &set) != 0, 1);
	unsigned cpu = 9999, node = 9999;
	T_SYSOK("getcpu", t_sys3(SYS_getcpu, &cpu, &node, NULL));
	T_EQ("  the CPU is in the mask", CPU_ISSET(cpu, &set) != 0, 1);
	T_EQ("  node 0", node, 0);
	T_SYSERR("getcpu at a kernel address",
		 t_sys3(SYS_getcpu, BAD_KERN, NULL, NULL), EFAULT);
	T_SYSERR("sched_getaffinity 4-byte buffer",
		 t_sys3(SYS_sched_getaffinity, 0, 4, &set), EINVAL);
	T_SYSERR("sched_getaffinity 12-byte buffer",
		 t_sys3(SYS_sched_getaffinity, 0, 12, &set), EINVAL);
	T_SYSERR("sched_getaffinity at a kernel address",
		 t_sys3(SYS_sched_getaffinity, 0, sizeof(set), BAD_KERN),
		 EFAULT);
	T_SYSERR("sched_getaffinity no such pid",
		 t_sys3(SYS_sched_getaffinity, NO_SUCH_PID, sizeof(set), &set),
		 ESRCH);

	cpu_set_t one;
	CPU_ZERO(&one);
	T_ERR("sched_setaffinity empty mask",
	      sched_setaffinity(0, sizeof(one), &one), EINVAL);
	CPU_SET(1023, &one);
	T_ERR("sched_setaffinity only CPU 1023",
	      sched_setaffinity(0, sizeof(one), &one), EINVAL);
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	T_OK("sched_setaffinity CPU 0",
	     sched_setaffinity(0, sizeof(one), &one));
	sched_yield();
	t_sys3(SYS_getcpu, &cpu, NULL, NULL);
	T_EQ("  getcpu then says", cpu, 0);
	cpu_set_t back;
	sched_getaffinity(0, sizeof(back), &back);
	T_EQ("  the mask reads back",
	     CPU_COUNT(&back) == 1 && CPU_ISSET(0, &back), 1);
	T_OK("sched_setaffinity back to all",
	     sched_setaffinity(0, sizeof(set), &set));
	t_done();
}
