/* The kernel handoff trampoline (boot/stage2/handoff.asm). */
#ifndef RASTBOOT_HANDOFF_H
#define RASTBOOT_HANDOFF_H

#include "lib.h"

struct handoff {
	uint64_t cr3;
	uint64_t la57;
	uint64_t entry; /* virtual */
	uint64_t stack; /* virtual top */
	uint16_t gdt_limit;
	uint64_t gdt_base; /* virtual */
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct handoff, gdt_limit) == 32,
	       "handoff.asm expects the GDTR at offset 32");

__attribute__((noreturn)) void handoff(const struct handoff *h);

#endif
