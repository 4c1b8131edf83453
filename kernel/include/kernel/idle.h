/*
 * Waiting for work without spinning: what the kernel monitor does between
 * keys, and what the scheduler's idle loop will do. Implemented in
 * kernel/arch/x86_64/cpu/idle.c.
 */
#ifndef KERNEL_IDLE_H
#define KERNEL_IDLE_H

/*
 * Enable interrupts and halt until the next one has been handled; returns
 * with interrupts on. Called with interrupts off after finding no work,
 * it cannot miss the interrupt that brings some: it is taken only once
 * the CPU halts (the "sti; hlt" pair), and wakes it.
 */
void idle_wait(void);

#endif
