/*
 * mremap: grow or shrink a mapping in place, or move it (MREMAP_MAYMOVE,
 * MREMAP_FIXED) with its pages: the present pages are taken over by the
 * new range without a copy.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uvm.h>

#include "uvm_priv.h"

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

/* Move the pages and the region [old, old + len) to [to, to + len). */
static long move_region(struct mm *mm, struct vma *v, uintptr_t old, size_t len,
			uintptr_t to)
{
	unsigned int prot = vma_prot(v), flags = v->flags;
	struct inode *inode = v->inode;
	uint64_t pgoff = v->pgoff + (old - v->start) / PAGE_SIZE;
	struct path name = v->file_path;
	long err;

	if (inode)
		inode_get(inode);
	path_get(&name);
	err = uvm_map(mm, to, len, flags, inode, pgoff);
	if (inode)
		inode_put(inode);
	if (!err && name.dentry)
		uvm_name_range(mm, to, len, &name);
	path_put(&name);
	if (err)
		return err;
	if (!(flags & VMA_SHARED))
		prot &= ~VM_WRITE; /* maybe shared copy-on-write: faults decide */
	/* A file's pages move under its mmap_lock: a truncate zaps them
	 * before or after, never halfway (uvm_file.c). */
	if (inode)
		mutex_lock(&inode->mmap_lock);
	err = uvm_share_pages(mm, old, old + len, mm, (intptr_t)(to - old),
			      prot);
	if (inode)
		mutex_unlock(&inode->mmap_lock);
	uvm_unmap(mm, old, len);
	return err ? -ENOMEM : (long)to;
}

static bool room_after(struct mm *mm, struct vma *v, size_t more)
{
	struct vma *n = vma_next(v);

	return v->end + more > v->end && v->end + more <= vm_user_end() &&
	       (!n || n->start >= v->end + more);
}

/* Grow the region at addr (just moved there, old_len long) to new_len:
 * the range above it is free. */
static void grow_moved(struct mm *mm, uintptr_t addr, size_t old_len,
		       size_t new_len)
{
	struct vma *v = uvm_find(mm, addr); /* maybe merged below: same end */

	v->end = addr + new_len;
	mm->total_pages += (new_len - old_len) / PAGE_SIZE;
}

/*
 * MREMAP_FIXED, in Linux's order: the target range goes whatever it
 * held, a shrink drops the old tail, then the pages move and the new
 * region is new_len long.
 */
static long remap_fixed(struct mm *mm, uintptr_t old, size_t old_len,
			size_t new_len, uintptr_t new_addr)
{
	struct vma *v;
	long ret;

	if (new_addr % PAGE_SIZE || new_len > vm_user_end() ||
	    new_addr > vm_user_end() - new_len ||
	    (new_addr < old + old_len && old < new_addr + new_len))
		return -EINVAL;
	ret = uvm_unmap(mm, new_addr, new_len);
	if (!ret && old_len > new_len) {
		ret = uvm_unmap(mm, old + new_len, old_len - new_len);
		old_len = new_len;
	}
	if (ret)
		return ret;
	v = uvm_find(mm, old);
	if (!v || old + old_len > v->end)
		return -EFAULT;
	if (new_len > old_len &&
	    !uvm_may_grow(mm, (new_len - old_len) / PAGE_SIZE))
		return -ENOMEM;
	ret = move_region(mm, v, old, old_len, new_addr);
	if (ret >= 0 && new_len > old_len)
		grow_moved(mm, new_addr, old_len, new_len);
	return ret;
}

static long remap_locked(struct mm *mm, uintptr_t old, size_t old_len,
			 size_t new_len, int flags, uintptr_t new_addr)
{
	struct vma *v;

	if (flags & MREMAP_FIXED)
		return remap_fixed(mm, old, old_len, new_len, new_addr);
	v = uvm_find(mm, old);
	if (!v || old + old_len > v->end)
		return -EFAULT;
	if (new_len <= old_len) {
		uvm_unmap(mm, old + new_len, old_len - new_len);
		return (long)old;
	}
	if (!uvm_may_grow(mm, (new_len - old_len) / PAGE_SIZE))
		return -ENOMEM;
	if (old + old_len == v->end && room_after(mm, v, new_len - old_len)) {
		mm->total_pages += (new_len - old_len) / PAGE_SIZE;
		v->end = old + new_len;
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	new_addr = uvm_find_free(mm, new_len, 0);
	if (!new_addr)
		return -ENOMEM;
	if (move_region(mm, v, old, old_len, new_addr) < 0)
		return -ENOMEM;
	grow_moved(mm, new_addr, old_len, new_len); /* the rest is free */
	return (long)new_addr;
}

SYSCALL_DEFINE5(mremap, uintptr_t, old, size_t, old_len, size_t, new_len, int,
		flags, uintptr_t, new_addr)
{
	struct mm *mm = current_proc()->mm;
	long ret;

	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) ||
	    (flags & MREMAP_DONTUNMAP) || old % PAGE_SIZE || !new_len)
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (!old_len)
		return -EINVAL; /* duplicating shared memory: not supported */
	mutex_lock(&mm->lock);
	ret = remap_locked(mm, old, old_len, new_len, flags, new_addr);
	mutex_unlock(&mm->lock);
	return ret;
}
