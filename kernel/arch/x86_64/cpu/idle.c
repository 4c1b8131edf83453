/*
 * The x86_64 side of <kernel/idle.h>. STI enables interrupts only after
 * the instruction that follows it, so "sti; hlt" halts before any pending
 * interrupt is taken: a check for work made with interrupts off, then
 * idle_wait, has no window in which a wake-up can be lost.
 */
#include <kernel/idle.h>

void idle_wait(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}
