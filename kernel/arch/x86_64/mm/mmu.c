/*
 * The x86_64 CPU side of memory management (<kernel/arch/x86_64/mmu.h>):
 * what the page tables rely on (CR0.WP, CR4.PGE, the PAT, NX, 1 GiB
 * pages), CR3 and TLB invalidation, and the page-fault error code.
 *
 * The PAT: the Limine protocol has the loader program entry 5 as
 * write-combining (layout below); rastboot does, but the kernel checks and
 * programs it itself rather than trust every loader. Page tables then
 * pick entry 5 (PAT bit + PWT) for VM_WC and entry 3 (PCD + PWT, UC) for
 * VM_UC; entry 0 (WB) is the default.
 */
#include <kernel/arch/x86_64/mmu.h>
#include <kernel/printk.h>
#include <kernel/vm.h>

#define MSR_EFER 0xc0000080
#define MSR_PAT 0x277
#define EFER_NXE (1ULL << 11)
#define CR0_WP (1ULL << 16)
#define CR4_PGE (1ULL << 7)
/* PAT0 WB, PAT1 WT, PAT2 UC-, PAT3 UC, PAT4 WP, PAT5 WC, PAT6 UC-, PAT7 UC */
#define PAT_LAYOUT 0x0007010500070406ULL

#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EDX_GBPAGES (1u << 26)

/* Page-fault error code bits. */
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_RSVD (1u << 3)
#define PF_FETCH (1u << 4)

/* Set once by arch_mmu_init, read-only afterwards. */
static bool has_nx, has_gbpages;
static uint64_t pat_found;

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32))
			 : "memory");
}

static uint64_t read_cr(int n)
{
	uint64_t v = 0;

	if (n == 0)
		__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	else if (n == 4)
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr(int n, uint64_t v)
{
	if (n == 0)
		__asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory");
	else if (n == 4)
		__asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

static uint32_t cpuid_edx(uint32_t leaf)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid"
			 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(leaf), "c"(0));
	return d;
}

/* Program the PAT; caches are flushed around it, as the SDM asks. */
static void set_pat(void)
{
	__asm__ volatile("wbinvd" ::: "memory");
	wrmsr(MSR_PAT, PAT_LAYOUT);
	__asm__ volatile("wbinvd" ::: "memory");
	arch_flush_tlb_all();
	klog(KLOG_INFO, "mm: PAT was 0x%016lx, set to 0x%016lx\n", pat_found,
	     (uint64_t)PAT_LAYOUT);
}

void arch_mmu_init(void)
{
	uint32_t max_ext = 0, b, c, d;

	__asm__ volatile("cpuid"
			 : "=a"(max_ext), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(0x80000000), "c"(0));
	has_gbpages = max_ext >= CPUID_EXT_FEATURES &&
		      (cpuid_edx(CPUID_EXT_FEATURES) & CPUID_EDX_GBPAGES);
	/* NX is on if security_init (or the loader) turned it on. */
	has_nx = rdmsr(MSR_EFER) & EFER_NXE;
	if (!(read_cr(0) & CR0_WP))
		write_cr(0, read_cr(0) | CR0_WP);
	if (!(read_cr(4) & CR4_PGE))
		write_cr(4, read_cr(4) | CR4_PGE);
	pat_found = rdmsr(MSR_PAT);
	if (pat_found != PAT_LAYOUT)
		set_pat();
}

bool arch_mmu_has_nx(void)
{
	return has_nx;
}

bool arch_mmu_has_gbpages(void)
{
	return has_gbpages;
}

uint64_t arch_mmu_pat(void)
{
	return pat_found;
}

uint64_t arch_read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

uint64_t arch_current_root(void)
{
	return arch_read_cr3() & PTE_ADDR;
}

void arch_write_cr3(uint64_t cr3)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
}

void arch_invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

/* Toggling CR4.PGE drops global entries too, which a CR3 reload keeps. */
void arch_flush_tlb_all(void)
{
	uint64_t cr4 = read_cr(4);

	if (cr4 & CR4_PGE) {
		write_cr(4, cr4 & ~CR4_PGE);
		write_cr(4, cr4);
	} else {
		arch_write_cr3(arch_read_cr3());
	}
}

unsigned int arch_fault_access(uint64_t error_code)
{
	unsigned int access = 0;

	if (error_code & PF_PRESENT)
		access |= VM_FAULT_PRESENT;
	if (error_code & PF_WRITE)
		access |= VM_FAULT_WRITE;
	if (error_code & PF_FETCH)
		access |= VM_FAULT_EXEC;
	if (error_code & PF_USER)
		access |= VM_FAULT_USER;
	if (error_code & PF_RSVD)
		access |= VM_FAULT_RSVD;
	return access;
}
