/*
 * The regions that map a file (Linux's reverse map, i_mmap): each inode
 * lists the regions that map it, so that truncate and a punched hole can
 * take the pages that go out of every address space. Without it a
 * mapping would go on showing pages the file no longer has, where Linux
 * raises SIGBUS.
 *
 * Locking: inode->mmap_lock (a mutex) guards the list and is taken inside
 * mm->lock (mmap, munmap, faults of file pages); uvm_unmap_file takes it
 * alone and zaps page tables under their own lock, so it needs no
 * mm->lock. A region's start, end and pgoff may change under mm->lock
 * alone (split, merge, growth): what they say about which page of the
 * file lies at which address never does, so a zap from a stale view is
 * still right. The page fault of a file page looks at the file's size and
 * maps the page under mmap_lock, so that truncate's zap cannot come
 * between the two.
 */
#include <kernel/fs.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/uvm.h>

#include "uvm_priv.h"

void vma_link_file_locked(struct vma *v)
{
	list_add_tail(&v->file_link, &v->inode->mmaps);
	if (v->flags & VMA_FILE_WRITE)
		v->inode->shared_maps++;
}

void vma_link_file(struct vma *v)
{
	mutex_lock(&v->inode->mmap_lock);
	vma_link_file_locked(v);
	mutex_unlock(&v->inode->mmap_lock);
}

void vma_unlink_file(struct vma *v)
{
	struct inode *in = v->inode;

	mutex_lock(&in->mmap_lock);
	list_del(&v->file_link);
	if (v->flags & VMA_FILE_WRITE)
		in->shared_maps--;
	mutex_unlock(&in->mmap_lock);
}

static void put_zapped(uint64_t phys, void *arg)
{
	struct mm *mm = arg;

	page_put(phys_to_page(phys));
	__atomic_sub_fetch(&mm->rss_pages, 1, __ATOMIC_RELAXED);
}

static void zap(struct vma *v, uintptr_t start, uintptr_t end)
{
	/* User pages are small pages: nothing to split, nothing to fail. */
	if (vm_unmap_collect(v->mm->space, start, end - start, put_zapped,
			     v->mm))
		panic("uvm: unmap of file pages %lx-%lx failed", start, end);
}

/* In a private region, only the pages that still are the file's: a
 * page the process has written is its own copy and stays. */
static void zap_cache_pages(struct vma *v, uintptr_t start, uintptr_t end)
{
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t index = v->pgoff + (va - v->start) / PAGE_SIZE, phys;
		struct page *page = inode_find_page(v->inode, index);

		if (!page)
			continue;
		if (vm_translate(v->mm->space, va, &phys, NULL) == 0 &&
		    phys == page_to_phys(page))
			zap(v, va, va + PAGE_SIZE);
		page_put(page);
	}
}

void uvm_unmap_file(struct inode *in, uint64_t first, uint64_t end,
		    bool even_cows)
{
	struct vma *v;

	mutex_lock(&in->mmap_lock);
	list_for_each_entry(v, &in->mmaps, file_link)
	{
		uint64_t vfirst = v->pgoff;
		uint64_t vend = v->pgoff + (v->end - v->start) / PAGE_SIZE;
		uint64_t from = MAX(first, vfirst), to = MIN(end, vend);
		uintptr_t start = v->start + (from - vfirst) * PAGE_SIZE;
		uintptr_t stop = v->start + (to - vfirst) * PAGE_SIZE;

		if (from >= to)
			continue;
		if (even_cows || (v->flags & VMA_SHARED))
			zap(v, start, stop);
		else
			zap_cache_pages(v, start, stop);
	}
	mutex_unlock(&in->mmap_lock);
}
