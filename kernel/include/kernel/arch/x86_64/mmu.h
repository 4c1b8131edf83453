/*
 * The x86_64 CPU side of memory management, for kernel/mm/ and the page
 * tables (kernel/arch/x86_64/mmu.c, paging.c, call_on_stack.asm): paging
 * features, CR3, TLB invalidation, the page-fault error code, and running
 * a function on another stack. Generic code outside kernel/mm/ uses
 * <kernel/vm.h> instead.
 */
#ifndef KERNEL_ARCH_X86_64_MMU_H
#define KERNEL_ARCH_X86_64_MMU_H

#include <stdbool.h>
#include <stdint.h>
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

/*
 * Check and set what the page tables rely on: CR0.WP (read-only pages are
 * read-only for the kernel too), CR4.PGE (global pages), the PAT in the
 * Limine protocol's layout (entry 5 write-combining), whether EFER.NXE
 * is on and 1 GiB pages exist. Logs what it had to change.
 */
void arch_mmu_init(void);
bool arch_mmu_has_nx(void);
bool arch_mmu_has_gbpages(void);
uint64_t arch_mmu_pat(void); /* the IA32_PAT MSR as found */

uint64_t arch_read_cr3(void);
void arch_write_cr3(uint64_t cr3);
void arch_invlpg(uintptr_t va);
/* Flush the whole TLB, global entries included. */
void arch_flush_tlb_all(void);

/* A page fault's error code as VM_FAULT_* flags (<kernel/vm.h>). */
unsigned int arch_fault_access(uint64_t error_code);

/*
 * For kernel/mm/kspace.c, which builds kernel_space (paging.c): make its
 * empty top-level table, at the paging depth CR4 says (0 or -ENOMEM);
 * make the top-level entries covering [start, end) (0 or -ENOMEM); then
 * seal: no kernel-half top-level entry is made after that, so the copies
 * of the kernel half in user spaces (vm_space_create) stay complete.
 */
int arch_kernel_space_init(void);
int arch_kernel_space_reserve(uintptr_t start, uintptr_t end);
void arch_kernel_space_seal(void);

/*
 * Switch to the stack whose top (16-byte aligned) is top and call fn
 * there, with the frame chain ending (rbp 0). fn must not return.
 */
noreturn void arch_call_on_stack(void *top, void (*fn)(void));

#endif
