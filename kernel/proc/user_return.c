/*
 * The last thing before every return to user mode (<kernel/syscall.h>):
 * switch tasks if this one's slice is over or something woke that should
 * run, and deliver pending signals. Loops until neither is left, then
 * returns with interrupts off (the entry code's iretq or sysret follows).
 */
#include <kernel/interrupt.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>

void user_return_work(struct trap_frame *frame)
{
	for (;;) {
		struct task *t = current_task();

		irq_save();
		if (t->need_resched) {
			irq_enable();
			schedule();
			continue;
		}
		if (__atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE)) {
			irq_enable();
			signal_deliver(frame);
			continue;
		}
		return;
	}
}
