/*
 * fork's copy of an address space (mm_fork): the same regions; shared
 * regions share their pages; private ones share them copy-on-write (both
 * sides read-only, one more reference each; uvm_fault copies on the
 * first write). vm_fork_range copies the page table entries directly.
 *
 * uvm_share_pages (mremap's move) maps another range's pages a chunk at a
 * time: collected under the table lock, then mapped outside it.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/uvm.h>

#include "uvm_priv.h"

#define CHUNK 512 /* pages a pass: 2 MiB of address space */

struct collected {
	unsigned int n;
	uintptr_t va[CHUNK];
	uint64_t phys[CHUNK];
};

static void collect(uintptr_t va, uint64_t phys, unsigned int prot, void *arg)
{
	struct collected *c = arg;

	c->va[c->n] = va;
	c->phys[c->n] = phys;
	c->n++;
	page_get(phys_to_page(phys));
}

int uvm_share_pages(struct mm *from, uintptr_t start, uintptr_t end,
		    struct mm *to, intptr_t delta, unsigned int prot)
{
	struct collected *c = kmalloc(sizeof(*c));
	int err = 0;

	if (!c)
		return -ENOMEM;
	for (uintptr_t va = start; va < end && !err; va += CHUNK * PAGE_SIZE) {
		uintptr_t lim = MIN(end, va + CHUNK * PAGE_SIZE);

		c->n = 0;
		vm_walk(from->space, va, lim - va, collect, c);
		for (unsigned int i = 0; i < c->n; i++) {
			if (!err)
				err = vm_map(to->space, c->va[i] + delta,
					     c->phys[i], PAGE_SIZE, prot);
			if (err)
				page_put(phys_to_page(c->phys[i]));
			else
				__atomic_add_fetch(&to->rss_pages, 1,
						   __ATOMIC_RELAXED);
		}
	}
	kfree(c);
	return err ? -ENOMEM : 0;
}

/* A page the child now maps too (under the parent's table lock). */
static void share_page(uint64_t phys, void *arg)
{
	struct mm *child = arg;

	page_get(phys_to_page(phys));
	__atomic_add_fetch(&child->rss_pages, 1, __ATOMIC_RELAXED);
}

static int copy_vma(struct mm *parent, struct mm *child, struct vma *v)
{
	struct vma *n = vma_alloc();
	int err;

	if (!n)
		return -ENOMEM;
	*n = *v;
	n->node = (struct avl_node){0};
	if (n->inode)
		inode_get(n->inode);
	path_get(&n->file_path);
	vma_insert(child, n);
	/* A file's pages are copied under its mmap_lock: a truncate then
	 * zaps both copies or neither (uvm_file.c). */
	if (n->inode)
		mutex_lock(&n->inode->mmap_lock);
	err = vm_fork_range(parent->space, child->space, v->start,
			    v->end - v->start, !(v->flags & VMA_SHARED),
			    share_page, child);
	if (n->inode)
		mutex_unlock(&n->inode->mmap_lock);
	return err ? -ENOMEM : 0;
}

struct mm *mm_fork(struct mm *mm)
{
	struct mm *child = mm_create();
	struct avl_node *node;
	int err = 0;

	if (!child)
		return NULL;
	mutex_lock(&mm->lock);
	for (node = avl_first(&mm->vmas); node && !err; node = avl_next(node))
		err = copy_vma(mm, child, avl_entry(node, struct vma, node));
	child->brk_start = mm->brk_start;
	child->brk = mm->brk;
	child->mmap_base = mm->mmap_base;
	child->stack_top = mm->stack_top;
	child->vdso_base = mm->vdso_base;
	child->total_pages = mm->total_pages;
	child->arg_start = mm->arg_start;
	child->arg_end = mm->arg_end;
	child->env_start = mm->env_start;
	child->env_end = mm->env_end;
	child->start_code = mm->start_code;
	child->end_code = mm->end_code;
	child->start_data = mm->start_data;
	child->end_data = mm->end_data;
	if (mm->exe)
		mm_set_exe(child, mm->exe);
	mutex_unlock(&mm->lock);
	if (err) {
		mm_put(child);
		return NULL;
	}
	return child;
}
