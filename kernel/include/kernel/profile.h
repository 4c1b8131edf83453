/*
 * The sampling profiler (kernel/debug/profile.c): "profile=US" on the
 * command line samples each CPU every US microseconds; profile_report
 * prints the kernel functions most often interrupted (power-off and the
 * monitor's "profile" call it). Without the option all of it is a no-op.
 */
#ifndef KERNEL_PROFILE_H
#define KERNEL_PROFILE_H

void profile_init(void);      /* reads the option (once timers run) */
void profile_cpu_start(void); /* on each CPU, after profile_init */
void profile_report(void);

#endif
