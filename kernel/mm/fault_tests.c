/*
 * In-kernel tests of address spaces, vmalloc, kernel stacks and faults
 * (suite vmm): a user space and its fault hook, guard pages, what
 * vm_describe says of each kind of address and the verdict it adds for
 * the last fault, the stale-TLB retry and its limit. Faults are simulated
 * by calling vm_handle_fault; real ones end the boot and are the crash
 * suite's (one boot each: test=crash.stack_overflow, ...).
 */
#include <kernel/arch.h>
#include <kernel/smp.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/sections.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#include "internal.h"

#define TEST_USE PMM_USE(MM_USE_TEST)

/* Page-fault error codes: present, write, user, instruction fetch. */
#define PF_P 0x1
#define PF_W 0x2
#define PF_I 0x10

static int data_word = 1;
static int bss_word;
static const char rodata_text[] = "rodata";

static bool describes(uintptr_t addr, const char *want)
{
	char buf[128];

	vm_describe(addr, buf, sizeof(buf));
	if (strcmp(buf, want) == 0)
		return true;
	kprintf("# vm_describe(0x%lx) = \"%s\", want \"%s\"\n", addr, buf,
		want);
	return false;
}

static bool describes_prefix(uintptr_t addr, const char *want)
{
	char buf[128];

	vm_describe(addr, buf, sizeof(buf));
	if (str_starts_with(buf, want))
		return true;
	kprintf("# vm_describe(0x%lx) = \"%s\", want \"%s...\"\n", addr, buf,
		want);
	return false;
}

KTEST(vmm, describe_addresses)
{
	void *obj = kmalloc(64);
	char want[64];

	KT_ASSERT(obj != NULL);
	snprintf(want, sizeof(want),
		 "direct map, phys 0x%lx, usable, kmalloc-64",
		 (uint64_t)((uintptr_t)obj - mm_hhdm));
	KT_ASSERT(describes((uintptr_t)obj, want));
	kfree(obj);
	KT_ASSERT(describes((uintptr_t)kmain, "kernel text"));
	KT_ASSERT(describes((uintptr_t)rodata_text, "kernel rodata"));
	KT_ASSERT(describes((uintptr_t)&data_word, "kernel data"));
	KT_ASSERT(describes((uintptr_t)&bss_word, "kernel bss"));
	KT_ASSERT(describes(8, "unmapped (NULL pointer)"));
	KT_ASSERT(describes(0x7000000000, "user half, unmapped"));
	KT_ASSERT(describes(0x8000000000000000ULL, "non-canonical address"));
	KT_ASSERT(describes(VMALLOC_END - PAGE_SIZE, "vmalloc area, unmapped"));
	KT_ASSERT(describes_prefix((uintptr_t)mm_pages, "direct map, phys "));
}

/* kmain (CPU 0's idle task) on stack 0; tests on a thread's stack. */
KTEST(vmm, kmain_runs_on_kernel_stack_0)
{
	KT_ASSERT(mm_on_kernel_stack);
	KT_ASSERT(describes(smp_cpu(0)->stack_top - 8, "kernel stack 0"));
	KT_ASSERT(describes_prefix(arch_stack_pointer(), "kernel stack "));
}

KTEST(vmm, fault_verdicts)
{
	uintptr_t text = (uintptr_t)kmain;
	char *top = vm_stack_alloc();
	uintptr_t guard = (uintptr_t)top - KSTACK_SIZE - 8;
	bool guard_ok;

	KT_ASSERT(top != NULL);
	KT_ASSERT_EQ(vm_handle_fault(NULL, guard, PF_W), -EFAULT);
	guard_ok = describes_prefix(guard, "guard page below kernel stack ");
	vm_stack_free(top);
	KT_ASSERT(guard_ok);
	KT_ASSERT_EQ(vm_handle_fault(NULL, text, PF_P | PF_W), -EFAULT);
	KT_ASSERT(describes(text, "kernel text (write to read-only)"));
	KT_ASSERT_EQ(vm_handle_fault(NULL, (uintptr_t)&data_word, PF_P | PF_I),
		     -EFAULT);
	KT_ASSERT(describes((uintptr_t)&data_word,
			    "kernel data (execute of non-executable)"));
	KT_ASSERT_EQ(vm_handle_fault(NULL, 0x10, 0), -EFAULT);
	KT_ASSERT(describes(0x10, "unmapped (NULL pointer)"));
}

/* A fault the page tables allow is a stale TLB entry: retried, twice. */
KTEST(vmm, stale_tlb_retried_not_looped)
{
	uintptr_t va = (uintptr_t)vmalloc_reserve(PAGE_SIZE);
	uint64_t phys = pmm_alloc_phys(PMM_USE(MM_USE_TEST));

	KT_ASSERT(va && phys);
	KT_ASSERT_EQ(vm_map(&kernel_space, va, phys, PAGE_SIZE, VM_WRITE), 0);
	KT_ASSERT_EQ(vm_handle_fault(NULL, va, PF_P | PF_W), 0);
	KT_ASSERT_EQ(vm_handle_fault(NULL, va, PF_P | PF_W), 0);
	KT_ASSERT_EQ(vm_handle_fault(NULL, va, PF_P | PF_W), -EFAULT);
	KT_ASSERT_EQ(vm_handle_fault(NULL, va, PF_P | PF_I), -EFAULT); /* NX */
	vm_unmap(&kernel_space, va, PAGE_SIZE);
	pmm_free_phys(phys);
	vmalloc_unreserve((void *)va);
}

/* Device memory: the framebuffer, mapped a second time, write-combining. */
KTEST(vmm, ioremap)
{
	const struct boot_framebuffer *fb = &boot_info->framebuffer;
	uint64_t phys = (uintptr_t)fb->address - mm_hhdm;
	volatile uint32_t *v, *direct = fb->address;
	unsigned int prot;
	uint32_t saved;

	if (!boot_info->has_framebuffer)
		KT_SKIP("no framebuffer");
	v = vm_ioremap(phys + 4, 64, VM_WC);
	KT_ASSERT(v != NULL);
	KT_ASSERT_EQ(((uintptr_t)v & (PAGE_SIZE - 1)), 4);
	KT_ASSERT_EQ(vm_translate(&kernel_space, (uintptr_t)v, NULL, &prot), 0);
	KT_ASSERT(prot & VM_WC);
	saved = direct[1];
	v[0] = 0x00123456;
	KT_ASSERT_EQ(direct[1], 0x00123456);
	direct[1] = saved;
	vm_iounmap((void *)v);
	KT_ASSERT_EQ(vm_translate(&kernel_space, (uintptr_t)v, NULL, NULL),
		     -EFAULT);
}

static uintptr_t hook_addr;
static unsigned int hook_access;

static int test_fault_hook(struct vm_space *space, uintptr_t addr,
			   unsigned int access)
{
	hook_addr = addr;
	hook_access = access;
	return 0;
}

static const struct vm_space_ops test_ops = {.fault = test_fault_hook};

KTEST(vmm, user_space_and_fault_hook)
{
	struct mm_stats before, after;
	struct vm_space *s;
	struct page *p = pmm_alloc_pages(0, TEST_USE);
	uint64_t phys, kphys;
	int resolved;

	mm_get_stats(&before);
	s = vm_space_create();
	KT_ASSERT(s && p);
	KT_ASSERT_EQ(vm_map(s, 0x400000, page_to_phys(p), PAGE_SIZE,
			    VM_WRITE | VM_USER),
		     0);
	KT_ASSERT_EQ(vm_translate(s, 0x400000, &phys, NULL), 0);
	KT_ASSERT_EQ(phys, page_to_phys(p));
	KT_ASSERT_EQ(vm_translate(&kernel_space, 0x400000, NULL, NULL),
		     -EFAULT);
	KT_ASSERT_EQ(vm_translate(s, (uintptr_t)__text_start, &phys, NULL), 0);
	KT_ASSERT_EQ(vm_translate(&kernel_space, (uintptr_t)__text_start,
				  &kphys, NULL),
		     0);
	KT_ASSERT_EQ(phys, kphys); /* the kernel half is shared */
	s->ops = &test_ops;
	vm_space_switch(s);
	resolved = vm_handle_fault(NULL, 0x401234, 0x6); /* user write */
	vm_space_switch(&kernel_space);
	KT_ASSERT_EQ(resolved, 0);
	KT_ASSERT_EQ(hook_addr, 0x401234);
	KT_ASSERT_EQ(hook_access, VM_FAULT_WRITE | VM_FAULT_USER);
	KT_ASSERT_EQ(vm_handle_fault(NULL, 0x401234, 0x6), -EFAULT);
	vm_space_destroy(s);
	pmm_free_pages(p, 0);
	mm_get_stats(&after);
	KT_ASSERT_EQ(after.used_kib[MM_USE_PAGE_TABLE],
		     before.used_kib[MM_USE_PAGE_TABLE]);
}

KTEST(vmm, vmalloc_and_guard)
{
	struct mm_stats before, after;
	uint64_t *p;
	char what[96];

	mm_get_stats(&before);
	p = vmalloc(40 * KiB);
	KT_ASSERT(p != NULL);
	for (size_t i = 0; i < 40 * KiB / 8; i++)
		p[i] = i * 3;
	for (size_t i = 0; i < 40 * KiB / 8; i++)
		KT_ASSERT_EQ(p[i], i * 3);
	KT_ASSERT_EQ(vm_translate(&kernel_space, (uintptr_t)p - 1, NULL, NULL),
		     -EFAULT);
	vm_describe((uintptr_t)p + 100, what, sizeof(what));
	KT_ASSERT(str_starts_with(what, "vmalloc area"));
	vfree(p);
	KT_ASSERT_EQ(vm_translate(&kernel_space, (uintptr_t)p, NULL, NULL),
		     -EFAULT);
	mm_get_stats(&after);
	KT_ASSERT_EQ(after.used_kib[MM_USE_VMALLOC],
		     before.used_kib[MM_USE_VMALLOC]);
}

KTEST(vmm, kernel_stack_guard)
{
	char *top = vm_stack_alloc(), what[96];
	uintptr_t bottom = (uintptr_t)top - KSTACK_SIZE;

	KT_ASSERT(top != NULL);
	KT_ASSERT_EQ((uintptr_t)top % 16, 0);
	KT_ASSERT_EQ(
		vm_translate(&kernel_space, (uintptr_t)top - 8, NULL, NULL), 0);
	KT_ASSERT_EQ(vm_translate(&kernel_space, bottom, NULL, NULL), 0);
	KT_ASSERT_EQ(vm_translate(&kernel_space, bottom - 8, NULL, NULL),
		     -EFAULT);
	vm_describe(bottom - 8, what, sizeof(what));
	vm_stack_free(top);
	KT_ASSERT(str_starts_with(what, "guard page below kernel stack "));
	KT_ASSERT(strcmp(what + strlen(what) - 16, "(stack overflow)") == 0);
}
