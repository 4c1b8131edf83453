/*
 * The start of the application processors (APs) and the x86 side of
 * per-CPU data (the table of CPUs is kernel/smp/cpus.c).
 *
 * Each CPU's struct percpu (<kernel/smp.h>) is where its GS base points.
 * The boot CPU's is static and set up by cpu_init (percpu_init_boot); an
 * AP's is allocated by smp_init with its struct arch_cpu (GDT, TSS, IST
 * stacks) and a kernel stack with a guard page.
 *
 * The loader (Limine MP) has already woken the APs: each spins in the
 * loader's memory on its struct limine_mp_info, on the loader's page
 * tables and a loader stack, until goto_address is written. smp_init
 * starts them one at a time: extra_argument carries the struct percpu,
 * goto_address (written last, release) is ap_entry. The AP loads the
 * kernel's page tables, its GS base and its own stack at once, then its
 * descriptor tables, the boot CPU's control-register protections, its
 * local APIC and timer, says it is online and idles. All of this must
 * happen before mm_reclaim_bootloader frees the loader's memory.
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/mmu.h>
#include <kernel/arch/x86_64/msr.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/idle.h>
#include <kernel/interrupt.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/vm.h>

#include "irq/apic.h"
#include "cpu/cpu.h"
#include "time/time_priv.h"

#define AP_START_TIMEOUT_NS (5 * NSEC_PER_SEC) /* slow under TCG with 8 */
#define CR0_WP (1ULL << 16)
#define EFER_SCE (1ULL << 0)
#define EFER_NXE (1ULL << 11)

static struct percpu boot_percpu;

/* The boot CPU's control registers, which every AP copies. */
static struct {
	uint64_t cr0, cr4, efer, pat;
} boot_regs;

static void set_gs_base(struct percpu *cpu)
{
	msr_write(MSR_GS_BASE, (uintptr_t)cpu);
	msr_write(MSR_KERNEL_GS_BASE, 0);
	ist_set_percpu(cpu->arch, cpu);
}

void percpu_init_boot(struct arch_cpu *arch)
{
	uint32_t r[4];

	cpuid_leaf(1, r);
	boot_percpu.self = &boot_percpu;
	boot_percpu.cpu_id = 0;
	boot_percpu.apic_id = r[1] >> 24; /* apic_init reads the full ID */
	boot_percpu.arch = arch;
	gdt_set_cpu_number(arch, 0);
	boot_percpu.online = true;
	set_gs_base(&boot_percpu);
	smp_cpu_add(&boot_percpu);
}

static void write_cr(unsigned int n, uint64_t v)
{
	if (n == 0)
		__asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory");
	else
		__asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

/*
 * What security_init and the memory code set on the boot CPU: CR0.WP,
 * CR4 (SMEP, SMAP, UMIP, PGE, ...), EFER.NXE/SCE and the PAT. The loader
 * gave the AP the same paging mode, so CR4.LA57 already agrees.
 */
static void match_boot_cpu(void)
{
	write_cr(0, read_cr0() | (boot_regs.cr0 & CR0_WP));
	if (read_cr4() != boot_regs.cr4)
		write_cr(4, boot_regs.cr4);
	msr_write(MSR_EFER, msr_read(MSR_EFER) |
				    (boot_regs.efer & (EFER_NXE | EFER_SCE)));
	msr_write(MSR_PAT, boot_regs.pat);
}

/* On the kernel's page tables and stack, with GS set: become a CPU. */
static noreturn void ap_main(void)
{
	struct percpu *cpu = this_cpu();

	match_boot_cpu();
	gdt_load_cpu(cpu->arch);
	gdt_set_cpu_number(cpu->arch, cpu->cpu_id);
	set_gs_base(cpu); /* the segment reloads cleared it */
	idt_load();
	lapic_setup_cpu(false);
	cpu->apic_id = lapic_id();
	fpu_init_cpu();
	syscall_init_cpu();
	sched_init_cpu(); /* this code is the CPU's idle task */
	lapic_timer_init_cpu();
	__atomic_store_n(&cpu->online, true, __ATOMIC_RELEASE);
	sched_idle_loop();
}

/*
 * Where the loader sends the AP: RDI = its limine_mp_info, interrupts
 * off, still on the loader's page tables and stack. The kernel's tables
 * map the loader's stack too (direct map), so switching CR3 first is
 * safe; then the kernel stack, for good.
 */
static noreturn void ap_entry(struct limine_mp_info *info)
{
	struct percpu *cpu = (struct percpu *)(uintptr_t)info->extra_argument;

	arch_write_cr3(kernel_space.root);
	set_gs_base(cpu);
	arch_call_on_stack((void *)cpu->stack_top, ap_main);
}

static struct percpu *alloc_cpu(unsigned int id,
				const struct limine_mp_info *info)
{
	struct percpu *cpu = kzalloc(sizeof(*cpu));
	struct arch_cpu *arch = kzalloc(sizeof(*arch)); /* page-aligned */
	void *stack = vm_stack_alloc();

	if (!cpu || !arch || !stack) {
		kfree(cpu);
		kfree(arch);
		vm_stack_free(stack);
		return NULL;
	}
	cpu->self = cpu;
	cpu->cpu_id = id;
	cpu->apic_id = info->lapic_id;
	cpu->acpi_uid = info->processor_id;
	cpu->arch = arch;
	cpu->stack_top = (uintptr_t)stack;
	return cpu;
}

static int start_ap(struct limine_mp_info *info, unsigned int id)
{
	struct percpu *cpu = alloc_cpu(id, info);
	uint64_t deadline;

	if (!cpu)
		return -ENOMEM;
	smp_cpu_add(cpu);
	__atomic_store_n(&info->extra_argument, (uintptr_t)cpu,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&info->goto_address, ap_entry, __ATOMIC_RELEASE);
	deadline = clock_monotonic_ns() + AP_START_TIMEOUT_NS;
	while (!__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE)) {
		if (clock_monotonic_ns() > deadline)
			return -EIO; /* timed out; it may still come: keep its data */
		arch_cpu_relax();
	}
	smp_cpu_set_online(id);
	if (cpu->apic_id != info->lapic_id)
		klog(KLOG_WARN,
		     "smp: CPU %u has APIC ID %u, the loader said %u\n", id,
		     cpu->apic_id, info->lapic_id);
	return 0;
}

/* Start every AP; true if all are online (none left in loader memory). */
static bool start_all_aps(void)
{
	unsigned int id = 1;
	bool all = true;

	for (uint64_t i = 0; i < boot_info->cpu_count; i++) {
		struct limine_mp_info *info = boot_info->cpus[i];
		int err;

		if (info->lapic_id == boot_info->bsp_lapic_id)
			continue;
		if (id == SMP_MAX_CPUS) {
			klog(KLOG_WARN,
			     "smp: more than %u CPUs; the rest stay parked\n",
			     SMP_MAX_CPUS);
			return false;
		}
		err = start_ap(info, id);
		if (err)
			klog(KLOG_WARN,
			     "smp: CPU %u (APIC ID %u) did not start (%d)\n",
			     id, info->lapic_id, err);
		else
			klog(KLOG_INFO, "smp: CPU %u (APIC ID %u) online\n", id,
			     info->lapic_id);
		all = all && !err;
		id++; /* never reused: a late CPU keeps its number */
	}
	return all;
}

void smp_init(void)
{
	unsigned int n;

	ipi_init();
	klog(KLOG_INFO, "smp: CPU 0 (APIC ID %u) online\n",
	     this_cpu()->apic_id);
	if (!boot_info->cpus || boot_info->cpu_count < 2) {
		klog(KLOG_INFO, "smp: the loader started no other CPU\n");
	} else if (!lapic_present()) {
		klog(KLOG_WARN, "smp: no local APIC: other CPUs left parked\n");
	} else {
		boot_regs.cr0 = read_cr0();
		boot_regs.cr4 = read_cr4();
		boot_regs.efer = msr_read(MSR_EFER);
		boot_regs.pat = msr_read(MSR_PAT);
		if (start_all_aps())
			mm_loader_cpus_released();
		else
			klog(KLOG_WARN, "smp: a CPU may still run in the "
					"loader's memory: it is kept\n");
	}
	n = smp_cpu_count();
	klog(KLOG_INFO, "smp: %u CPU%s online\n", n, n == 1 ? "" : "s");
}
