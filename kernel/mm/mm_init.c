/*
 * mm_init, the move to kernel stack 0, and the statistics (<kernel/mm.h>).
 * The order matters: the page allocator needs only the loader's direct
 * map; the heap only the page allocator; the kernel's page tables take
 * their pages from the allocator and, once loaded, vmalloc and kernel
 * stacks (which keep their records on the heap) work.
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/smp.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/vm.h>

#include "internal.h"

uint64_t mm_init_ticks;
bool mm_on_kernel_stack;

const char *mm_usage_name(unsigned int usage)
{
	static const char *const names[MM_USE_COUNT] = {
		[MM_USE_OTHER] = "other",
		[MM_USE_PAGE_ARRAY] = "page-array",
		[MM_USE_PAGE_TABLE] = "page-table",
		[MM_USE_SLAB] = "slab",
		[MM_USE_HEAP_LARGE] = "kmalloc-large",
		[MM_USE_VMALLOC] = "vmalloc",
		[MM_USE_STACK] = "kernel-stack",
		[MM_USE_USER] = "user",
		[MM_USE_TEST] = "test",
	};

	return usage < MM_USE_COUNT ? names[usage] : "unknown";
}

void mm_log_stats(void)
{
	struct mm_stats st;
	char used[160];
	size_t n = 0;

	mm_get_stats(&st);
	kprintf("mm: %lu KiB free of %lu KiB usable\n", st.free_kib,
		st.usable_kib);
	for (unsigned int u = 0; u < MM_USE_COUNT; u++) {
		if (st.used_kib[u] && n < sizeof(used))
			n += (size_t)snprintf(used + n, sizeof(used) - n,
					      " %s %lu", mm_usage_name(u),
					      st.used_kib[u]);
	}
	used[MIN(n, sizeof(used) - 1)] = '\0';
	kprintf("mm: free below 4 GiB %lu KiB, bootloader-reclaimable %lu "
		"KiB; used (KiB):%s\n",
		st.free_dma32_kib, st.reclaimable_kib, n ? used : " none");
}

/* Heap poisoning: "slub_debug", or any test boot. */
static void heap_choose_debug(void)
{
	heap_debug_on = cmdline_switch("slub_debug", cmdline_has("test"));
	klog(KLOG_INFO, "heap: poisoning %s\n",
	     !MM_DEBUG	     ? "not built in (MM_DEBUG=0)"
	     : heap_debug_on ? "on"
			     : "off (\"slub_debug\" turns it on)");
}

void mm_init(void)
{
	uint64_t start = arch_cycles();

	pmm_init();
	heap_choose_debug();
	heap_init();
	vm_kernel_init();
	mm_init_ticks = arch_cycles() - start;
	kprintf("mm: %u-level paging, direct map at 0x%lx, PAT 0x%016lx, "
		"NX %s, 1 GiB pages %s\n",
		vm_paging_levels(), (uint64_t)mm_hhdm, arch_mmu_pat(),
		arch_mmu_has_nx() ? "on" : "off",
		arch_mmu_has_gbpages() ? "yes" : "no");
	mm_log_stats();
}

noreturn void mm_switch_to_kernel_stack(void (*fn)(void))
{
	void *top = vm_stack_alloc();

	if (!top)
		panic("mm: no memory for kernel stack 0");
	mm_on_kernel_stack = true;
	this_cpu()->stack_top = (uintptr_t)top;
	arch_call_on_stack(top, fn);
}
