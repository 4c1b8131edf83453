/*
 * The security baseline (issue 3): CPU protections, the stack protector's
 * canary and a check that the kernel is mapped W^X. security_init runs once
 * from kmain, right after cpu_init; it turns on what the CPU offers and logs
 * one line per protection ("security: SMEP on, SMAP on, UMIP on, NX on").
 * The code is in kernel/arch/x86_64/ (security.c, stack_protector.c,
 * wx_check.c); user-memory access helpers are in <kernel/uaccess.h>.
 */
#ifndef KERNEL_SECURITY_H
#define KERNEL_SECURITY_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A function that may run while the stack canary changes must not check
 * it on return: its frame holds the old value. Only security_init and
 * what it calls to set the canary need this.
 */
#define __no_stack_protector __attribute__((no_stack_protector))

/* What security_init found and turned on; read-only afterwards. */
struct security_features {
	bool nx;   /* EFER.NXE: the NX bit in page tables is honoured */
	bool wp;   /* CR0.WP: read-only pages are read-only for the kernel */
	bool smep; /* CR4.SMEP: the kernel cannot execute user pages */
	bool smap; /* CR4.SMAP: nor touch them outside user_access_begin/end */
	bool umip; /* CR4.UMIP: user mode cannot run SGDT, SIDT, SMSW, ... */
	const char *canary_source; /* "RDSEED", "RDRAND" or "TSC" */
};

extern const struct security_features *const security_features;

/* Turn the protections on, seed the canary, check W^X. Call once. */
void security_init(void);

/*
 * Walk the active page tables (whatever CR3 points to) and count W^X
 * violations: a kernel text page that is writable, a rodata, data or bss
 * page that is executable, or any higher-half page both writable and
 * executable. Each is logged at KLOG_ERR. Returns the count, 0 if clean.
 */
int security_wx_check(void);

/* Log the W^X state of the current page tables (kmain, after mm_init). */
void security_check_wx(void);

#endif
