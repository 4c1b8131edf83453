/*
 * User page faults (uvm_fault): find the region, check the access, and
 * make the page present: a zeroed page for anonymous memory, the page
 * cache's page for a file (shared, or read-only until the first write
 * of a private mapping), and copy-on-write: a private page that others
 * share (after fork) is copied on the first write, unless the faulting
 * space is its last user, which just gets write access back. A stack
 * region grows down to a fault below it, within RLIMIT_STACK.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uvm.h>

#include "uvm_priv.h"

unsigned int vma_prot(const struct vma *v)
{
	unsigned int prot = VM_USER | VM_SMALL;

	if (v->flags & VMA_WRITE)
		prot |= VM_WRITE;
	if (v->flags & VMA_EXEC)
		prot |= VM_EXEC;
	return prot;
}

static bool allowed(const struct vma *v, unsigned int access)
{
	if (access & VM_FAULT_WRITE)
		return v->flags & VMA_WRITE;
	if (access & VM_FAULT_EXEC)
		return v->flags & VMA_EXEC;
	return v->flags & (VMA_READ | VMA_WRITE | VMA_EXEC);
}

/* The stack region below which addr falls, grown down to it; or NULL. */
static struct vma *grow_stack(struct mm *mm, uintptr_t addr)
{
	struct vma *v = uvm_find_after(mm, addr), *prev;
	struct proc *p = current_proc();
	uintptr_t start = ALIGN_DOWN(addr, PAGE_SIZE);

	if (!v || !(v->flags & VMA_GROWSDOWN))
		return NULL;
	if (p && v->end - start > p->rlim[RLIMIT_STACK].cur)
		return NULL;
	prev = vma_prev(v);
	if (prev && prev->end + STACK_GUARD_GAP > start && prev->end > 0)
		return NULL; /* into the gap kept below a stack */
	if (!uvm_may_grow(mm, (v->start - start) / PAGE_SIZE))
		return NULL;
	mm->total_pages += (v->start - start) / PAGE_SIZE;
	v->start = start;
	return v;
}

static int map_page(struct mm *mm, uintptr_t va, struct page *page,
		    unsigned int prot)
{
	int err = vm_map(mm->space, va, page_to_phys(page), PAGE_SIZE, prot);

	if (err) {
		page_put(page);
		return err == -EEXIST ? 0 : -ENOMEM;
	}
	__atomic_add_fetch(&mm->rss_pages, 1, __ATOMIC_RELAXED);
	return 0;
}

/* A fresh private copy of src (or zeroes if src is NULL). */
static struct page *private_copy(struct page *src)
{
	struct page *p = pmm_alloc_pages_shrink(
		0, PMM_USE(MM_USE_USER) | (src ? 0 : PMM_ZERO));

	if (p && src)
		memcpy(page_address(p), page_address(src), PAGE_SIZE);
	return p;
}

/* Not present: what belongs at va, mapped. */
static int fault_in(struct mm *mm, struct vma *v, uintptr_t va,
		    unsigned int access)
{
	unsigned int prot = vma_prot(v);
	struct page *page, *copy;
	int err;

	uint64_t index = v->pgoff + (va - v->start) / PAGE_SIZE;

	if (!v->inode) {
		page = private_copy(NULL);
		return page ? map_page(mm, va, page, prot) : -ENOMEM;
	}
	/* A page wholly beyond the end of the file: SIGBUS, as on Linux
	 * (the rest of the last page reads as zeroes). */
	if (index >= (v->inode->size + PAGE_SIZE - 1) / PAGE_SIZE)
		return -EIO;
	err = inode_get_page(v->inode, index, &page);
	if (err)
		return err;
	if ((v->flags & VMA_SHARED) && v->inode->ops &&
	    v->inode->ops->write_page) {
		/* Written back to a disk: a store must mark the page dirty,
		 * so a read maps it read-only until the first store. */
		if (!(access & VM_FAULT_WRITE))
			return map_page(mm, va, page, prot & ~VM_WRITE);
		inode_mark_page_dirty(v->inode, index);
	}
	if (v->flags & VMA_SHARED)
		return map_page(mm, va, page, prot);
	if (!(access & VM_FAULT_WRITE)) /* share the cache's page for now */
		return map_page(mm, va, page, prot & ~VM_WRITE);
	copy = private_copy(page);
	page_put(page);
	return copy ? map_page(mm, va, copy, prot) : -ENOMEM;
}

/* A write to a present read-only page of a writable private region. */
static int cow(struct mm *mm, struct vma *v, uintptr_t va, uint64_t phys)
{
	struct page *page = phys_to_page(phys), *copy;
	int err;

	if (__atomic_load_n(&page->refcount, __ATOMIC_ACQUIRE) == 1) {
		/* Ours alone now: writable in place (-EAGAIN: it changed
		 * since, and the access is simply retried). */
		err = vm_replace_page(mm->space, va, phys, phys, vma_prot(v));
		if (err == -EOPNOTSUPP)
			return vm_protect(mm->space, va, PAGE_SIZE,
					  vma_prot(v));
		return err == -EAGAIN ? 0 : err;
	}
	copy = private_copy(page);
	if (!copy)
		return -ENOMEM;
	/* The copy takes the old page's place in one step; if another
	 * thread got there first (-EAGAIN), its page stays and ours goes. */
	err = vm_replace_page(mm->space, va, phys, page_to_phys(copy),
			      vma_prot(v));
	if (err == -EOPNOTSUPP) { /* within a large page: split by the unmap */
		vma_zap(mm, va, va + PAGE_SIZE);
		return map_page(mm, va, copy, vma_prot(v));
	}
	page_put(err ? copy : page); /* or the mapping's reference to page */
	return err == -EAGAIN ? 0 : err;
}

/*
 * A store to a shared file page mapped read-only until now, to see the
 * first store after a write-back: the page is dirty again, and writable.
 */
static int shared_write(struct mm *mm, struct vma *v, uintptr_t va)
{
	if (!v->inode || !(vma_prot(v) & VM_WRITE) || !v->inode->ops ||
	    !v->inode->ops->write_page)
		return -EACCES;
	inode_mark_page_dirty(v->inode, v->pgoff + (va - v->start) / PAGE_SIZE);
	return vm_protect(mm->space, va, PAGE_SIZE, vma_prot(v));
}

/*
 * absent: the hardware said nothing was mapped at addr (a fault without
 * VM_FAULT_PRESENT), so the page tables need no look. Should another
 * thread have mapped it since, fault_in finds out (-EEXIST from vm_map)
 * and the access is simply retried.
 */
static int resolve_in(struct mm *mm, struct vma *v, uintptr_t va,
		      unsigned int access, bool absent)
{
	unsigned int prot;
	uint64_t phys;

	if (absent || vm_translate(mm->space, va, &phys, &prot) != 0)
		return fault_in(mm, v, va, access);
	if ((access & VM_FAULT_WRITE) && !(prot & VM_WRITE) &&
	    (v->flags & VMA_SHARED))
		return shared_write(mm, v, va);
	if ((access & VM_FAULT_WRITE) && !(prot & VM_WRITE))
		return cow(mm, v, va, phys);
	return 0; /* another thread resolved it already */
}

/* A file's page is looked up and mapped under its mmap_lock, so that a
 * truncate cannot come between its check of the size and the mapping
 * (uvm_file.c). */
static int resolve(struct mm *mm, uintptr_t addr, unsigned int access,
		   bool absent)
{
	struct vma *v = uvm_find(mm, addr);
	uintptr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	int err;

	if (!v && !(v = grow_stack(mm, addr)))
		return -EFAULT;
	if (!allowed(v, access))
		return -EACCES;
	if (!v->inode)
		return resolve_in(mm, v, va, access, absent);
	mutex_lock(&v->inode->mmap_lock);
	err = resolve_in(mm, v, va, access, absent);
	mutex_unlock(&v->inode->mmap_lock);
	return err;
}

int uvm_fault_locked(struct mm *mm, uintptr_t addr, unsigned int access)
{
	return resolve(mm, addr, access, false);
}

int uvm_fault(struct mm *mm, uintptr_t addr, unsigned int access)
{
	int err;

	mutex_lock(&mm->lock);
	err = resolve(mm, addr, access, !(access & VM_FAULT_PRESENT));
	mutex_unlock(&mm->lock);
	return err;
}

int uvm_populate(struct mm *mm, uintptr_t addr, size_t len, bool write)
{
	unsigned int access = write ? VM_FAULT_WRITE : 0;

	for (uintptr_t va = ALIGN_DOWN(addr, PAGE_SIZE); va < addr + len;
	     va += PAGE_SIZE) {
		int err = uvm_fault_locked(mm, va, access);

		if (err)
			return err;
	}
	return 0;
}

int uvm_write_locked(struct mm *mm, uintptr_t uaddr, const void *src, size_t n)
{
	const uint8_t *s = src;

	while (n) {
		uintptr_t va = ALIGN_DOWN(uaddr, PAGE_SIZE);
		size_t chunk = MIN(n, PAGE_SIZE - (uaddr - va));
		uint64_t phys;
		int err = uvm_fault_locked(mm, va, VM_FAULT_WRITE);

		if (!err)
			err = vm_translate(mm->space, va, &phys, NULL);
		if (err)
			return err == -ENOMEM ? err : -EFAULT;
		memcpy((void *)(mm_hhdm + phys + (uaddr - va)), s, chunk);
		s += chunk;
		uaddr += chunk;
		n -= chunk;
	}
	return 0;
}

int uvm_write(struct mm *mm, uintptr_t uaddr, const void *src, size_t n)
{
	int err;

	mutex_lock(&mm->lock);
	err = uvm_write_locked(mm, uaddr, src, n);
	mutex_unlock(&mm->lock);
	return err;
}

long uvm_read(struct mm *mm, uintptr_t uaddr, void *dst, size_t n)
{
	uint8_t *d = dst;
	size_t done = 0;

	mutex_lock(&mm->lock);
	while (done < n) {
		uintptr_t va = ALIGN_DOWN(uaddr, PAGE_SIZE);
		size_t chunk = MIN(n - done, PAGE_SIZE - (uaddr - va));
		uint64_t phys;

		/* A read fault makes the page present (zero or file page). */
		if (uvm_fault_locked(mm, va, 0) ||
		    vm_translate(mm->space, va, &phys, NULL))
			break;
		memcpy(d + done, (void *)(mm_hhdm + phys + (uaddr - va)),
		       chunk);
		done += chunk;
		uaddr += chunk;
	}
	mutex_unlock(&mm->lock);
	return done || !n ? (long)done : -EFAULT;
}
