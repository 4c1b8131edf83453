/* Calling the BIOS from long mode through the real-mode thunk (bioscall.asm). */
#ifndef RASTBOOT_BIOS_H
#define RASTBOOT_BIOS_H

#include "lib.h"

struct bios_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint16_t ds, es;
	uint32_t eflags;
};

#define BIOS_CF 0x1u

void bios_call(uint8_t intno, const struct bios_regs *in,
	       struct bios_regs *out);

/* Real-mode segment and offset of a pointer below 1 MiB. */
static inline uint16_t rm_seg(const void *p)
{
	return (uint16_t)((uintptr_t)p >> 4);
}
static inline uint16_t rm_off(const void *p)
{
	return (uint16_t)((uintptr_t)p & 0xf);
}

extern uint8_t boot_drive;
extern uint8_t boot_medium_cd;

#endif
