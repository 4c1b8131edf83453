/*
 * The x86_64 page-table formats and control registers, for the x86_64
 * code only (kernel/arch/x86_64/mm/ and the CPU and SMP code). The
 * generic memory code uses the arch_* functions of <kernel/arch.h>.
 */
#ifndef KERNEL_ARCH_X86_64_MMU_H
#define KERNEL_ARCH_X86_64_MMU_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/arch.h>
#include <kernel/compiler.h>

/* Page-table entry bits. */
#define PTE_PRESENT (1ULL << 0)
#define PTE_WRITE (1ULL << 1)
#define PTE_USER (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_ACCESSED (1ULL << 5)
#define PTE_DIRTY (1ULL << 6)
#define PTE_HUGE (1ULL << 7)   /* a 2 MiB / 1 GiB page (PD, PDPT entry) */
#define PTE_PAT_4K (1ULL << 7) /* the PAT bit of a 4 KiB page */
#define PTE_GLOBAL (1ULL << 8)
#define PTE_PAT_HUGE (1ULL << 12) /* the PAT bit of a 2 MiB / 1 GiB page */
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

uint64_t arch_read_cr3(void);
void arch_write_cr3(uint64_t cr3);

#endif
