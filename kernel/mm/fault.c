/*
 * Page faults (<kernel/vm.h>): vm_handle_fault decides whether a fault
 * can be resolved, vm_describe says what was at the address for the
 * report the #PF handler (kernel/arch/x86_64/cpu/exceptions.c) prints when
 * it cannot:
 *
 *	#PF: address ffffc90000003ff8 (guard page below kernel stack 0
 *	(stack overflow))
 *	#PF: address ffffffff80001000 (kernel text (write to read-only))
 *
 * Lower-half faults go to the current address space's fault hook, where
 * demand paging, copy-on-write and SIGSEGV will live. Kernel-half faults
 * are bugs, except one: a kernel page whose entry now allows the access,
 * which only a TLB entry from before the mapping was widened can explain
 * (vm_protect flushes, but a lazy flush elsewhere would land here).
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sections.h>
#include <kernel/vm.h>

#include "internal.h"
#include "slab.h"

/* The last fault seen, for vm_describe's verdict. One CPU: no lock. */
static struct {
	bool valid;
	uintptr_t addr;
	unsigned int access;
} last_fault;

static uintptr_t stale_addr;
static unsigned int stale_count;

static int user_fault(uintptr_t addr, unsigned int access)
{
	struct vm_space *s = vm_space_current();

	if (s == &kernel_space || !s->ops || !s->ops->fault)
		return -EFAULT;
	return s->ops->fault(s, addr, access);
}

/* A stale TLB entry: retry (twice at most per address, never a loop). */
static bool stale_tlb(uintptr_t addr, unsigned int access)
{
	unsigned int prot;

	if ((access & (VM_FAULT_USER | VM_FAULT_RSVD)) ||
	    vm_translate(&kernel_space, addr, NULL, &prot) != 0 ||
	    (prot & VM_USER) ||
	    ((access & VM_FAULT_WRITE) && !(prot & VM_WRITE)) ||
	    ((access & VM_FAULT_EXEC) && !(prot & VM_EXEC)))
		return false;
	if (addr != stale_addr) {
		stale_addr = addr;
		stale_count = 0;
	}
	if (++stale_count > 2)
		return false;
	arch_invlpg(addr);
	return true;
}

int vm_handle_fault(struct trap_frame *tf, uintptr_t addr, uint64_t error_code)
{
	unsigned int access = arch_fault_access(error_code);

	last_fault.valid = true;
	last_fault.addr = addr;
	last_fault.access = access;
	if (addr < vm_user_end())
		return user_fault(addr, access);
	return stale_tlb(addr, access) ? 0 : -EFAULT;
}

static const char *memmap_type_at(uint64_t phys)
{
	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = boot_info->memmap[i];

		if (phys >= e->base && phys - e->base < e->length)
			return boot_memmap_type_name(e->type);
	}
	return "not in the memory map";
}

/* What the page allocator knows of the page at phys, or "". */
static const char *page_state(uint64_t phys)
{
	struct page *page = phys_to_page(phys);
	struct kmem_cache *c;

	if (!page)
		return "";
	if (page->flags & PG_SLAB) {
		c = slab_cache_of((void *)(mm_hhdm + phys));
		return c ? c->name : "slab";
	}
	if (page->flags & PG_BUDDY)
		return "free page";
	if (page->flags & PG_HEAD)
		return mm_usage_name(page->usage);
	return "";
}

static void describe_direct(uintptr_t addr, char *buf, size_t size)
{
	uint64_t phys = addr - mm_hhdm;
	const char *state = page_state(phys);

	snprintf(buf, size, "direct map, phys 0x%lx, %s%s%s%s", phys,
		 memmap_type_at(phys), state[0] ? ", " : "", state,
		 vm_translate(&kernel_space, addr, NULL, NULL) ? ", unmapped"
							       : "");
}

static const char *image_section(uintptr_t addr)
{
	const char *p = (const char *)addr;

	if (p >= __text_start && p < __rodata_start)
		return "kernel text";
	if (p >= __rodata_start && p < __data_start)
		return "kernel rodata";
	if (p >= __data_start && p < __bss_start)
		return "kernel data";
	if (p >= __bss_start && p < __kernel_end)
		return "kernel bss";
	return NULL;
}

static void describe_where(uintptr_t addr, char *buf, size_t size)
{
	uintptr_t half = vm_paging_levels() == 5 ? 56 : 47;
	const char *section = image_section(addr);
	bool mapped = vm_translate(vm_space_current(), addr, NULL, NULL) == 0;

	if ((uintptr_t)((intptr_t)(addr << (63 - half)) >> (63 - half)) != addr)
		snprintf(buf, size, "non-canonical address");
	else if (addr < 0x10000 && !mapped)
		snprintf(buf, size, "unmapped (NULL pointer)");
	else if (addr < vm_user_end())
		snprintf(buf, size, "user half, %s",
			 mapped ? "mapped" : "unmapped");
	else if (section)
		snprintf(buf, size, "%s", section);
	else if (addr >= mm_hhdm && addr - mm_hhdm < vm_direct_map_end)
		describe_direct(addr, buf, size);
	else if (!vmalloc_describe(addr, buf, size))
		snprintf(buf, size, "%s",
			 mapped ? "kernel half, mapped" : "unmapped");
}

/* What the access did wrong, for a fault on a page that is mapped. */
static const char *verdict(uintptr_t addr, unsigned int access)
{
	bool user_page = addr < vm_user_end();

	if (access & VM_FAULT_RSVD)
		return " (reserved bit set in a page-table entry)";
	if (!(access & VM_FAULT_PRESENT))
		return ""; /* the description says unmapped */
	if (!(access & VM_FAULT_USER) && user_page)
		return access & VM_FAULT_EXEC
			       ? " (kernel executing a user page: SMEP)"
			       : " (kernel access to a user page: SMAP)";
	if ((access & VM_FAULT_USER) && !user_page)
		return " (user access to a kernel page)";
	if (access & VM_FAULT_EXEC)
		return " (execute of non-executable)";
	if (access & VM_FAULT_WRITE)
		return " (write to read-only)";
	return " (protection violation)";
}

void vm_describe(uintptr_t addr, char *buf, size_t size)
{
	char where[112];
	const char *how = "";

	describe_where(addr, where, sizeof(where));
	if (last_fault.valid && ALIGN_DOWN(addr, PAGE_SIZE) ==
					ALIGN_DOWN(last_fault.addr, PAGE_SIZE))
		how = verdict(addr, last_fault.access);
	snprintf(buf, size, "%s%s", where, how);
}
