/*
 * Mapping the vDSO into processes (AT_SYSINFO_EHDR). One inode holds its
 * pages: page 0 is [vvar], the kernel's live clock data (struct
 * vdso_data, which kernel/time/clock.c keeps current), the next ones a
 * copy of the image. Every process maps the same pages: [vvar] read-only
 * at base, the image read and execute at base + 4 KiB, both private (a
 * process that makes them writable gets copies of its own).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/vdso_data.h>

#include "exec_priv.h"

extern const uint8_t __vdso_start[], __vdso_end[];

static struct inode *vdso_inode;
static uint64_t vdso_pages; /* of the image */

static int read_image(struct inode *in, uint64_t index, void *page)
{
	if (index == 0 || index > vdso_pages)
		return -EIO; /* [vvar] is put in the cache at start */
	memcpy(page, __vdso_start + (index - 1) * PAGE_SIZE, PAGE_SIZE);
	return 0;
}

static const struct inode_ops vdso_ops = {.read_page = read_image};

void vdso_init(void)
{
	struct page *vvar = pmm_alloc_pages(0, PMM_ZERO | PMM_USE(MM_USE_USER));

	vdso_pages = (uint64_t)(__vdso_end - __vdso_start) / PAGE_SIZE;
	vdso_inode = inode_alloc(NULL, S_IFREG | 0555, &vdso_ops, NULL);
	if (!vvar || !vdso_inode || inode_add_page(vdso_inode, 0, vvar))
		panic("vdso: no memory for its pages");
	vdso_inode->size = (vdso_pages + 1) * PAGE_SIZE;
	/* The clock writes it for good: it keeps its reference, so the
	 * page cache's shrinker never takes it (an image page it may:
	 * read_image reads it again). */
	clock_set_vdso_data(page_address(vvar));
	klog(KLOG_INFO, "vdso: %lu pages, clock in user mode: %s\n",
	     (unsigned long)vdso_pages, clock_vdso_capable() ? "yes" : "no");
}

/*
 * Where Linux 6.1 puts it (vdso_addr): above the stack's top, at a random
 * page, in the same 2 MiB as the top where it fits, so that the stack's
 * last page table maps it too: a process then needs two or three page
 * tables fewer than with the vDSO in the mmap area, and fork copies them.
 */
static uintptr_t above_stack(const struct mm *mm, size_t size)
{
	uintptr_t start = ALIGN_UP(mm->stack_top, PAGE_SIZE);
	uintptr_t end = ALIGN_UP(start + size, 2 * MiB);

	if (!mm->stack_top)
		return 0;
	end = MIN(end, vm_user_end());
	if (end < start + size)
		return 0; /* no room up to the end: the mmap area then */
	end -= size;
	if (!exec_randomize() || end == start)
		return start;
	return start +
	       random_u64() % ((end - start) / PAGE_SIZE + 1) * PAGE_SIZE;
}

uintptr_t vdso_map(struct mm *mm)
{
	size_t size = (vdso_pages + 1) * PAGE_SIZE;
	uintptr_t base;

	if (!vdso_inode || !vdso_pages)
		return 0;
	base = uvm_find_free(mm, size, above_stack(mm, size));
	if (!base)
		return 0;
	if (uvm_map(mm, base, PAGE_SIZE, VMA_READ | VMA_VVAR, vdso_inode, 0) ||
	    uvm_map(mm, base + PAGE_SIZE, size - PAGE_SIZE,
		    VMA_READ | VMA_EXEC | VMA_VDSO, vdso_inode, 1))
		return 0;
	mm->vdso_base = base + PAGE_SIZE;
	return mm->vdso_base;
}
