/*
 * fork's copy of an address space (mm_fork): the same regions; shared
 * regions share their pages; private ones share them copy-on-write (both
 * sides read-only, one more reference each; uvm_fault copies on the
 * first write). vm_fork_range copies the page table entries directly,
 * for a run of neighbouring regions at once (a program's text, data and
 * bss are one walk, not one each).
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

/*
 * Whether region b, after a, is copied by the same page-table walk as
 * the regions before it, which map file in (or none): near enough (a
 * walk looks at every slot of a gap in a table), shared or private alike,
 * and mapping in or no file, since the walk holds that file's mmap_lock.
 */
static bool same_walk(const struct vma *a, const struct vma *b,
		      const struct inode *in)
{
	return b->start - a->end <= UVM_WALK_GAP &&
	       !(a->flags & VMA_SHARED) == !(b->flags & VMA_SHARED) &&
	       (!b->inode || !in || b->inode == in);
}

/*
 * Copy the regions from first up to (not including) stop into child,
 * chained through their nodes' right fields at *tail, with one walk
 * over their pages. A file's pages are copied under its mmap_lock, its
 * regions already in its list: a truncate then zaps both copies or
 * neither (uvm_file.c).
 */
static int copy_run(struct mm *parent, struct mm *child, struct avl_node *first,
		    struct avl_node *stop, struct inode *in,
		    struct avl_node ***tail, size_t *count)
{
	struct vma *v = avl_entry(first, struct vma, node), *last = v;
	int err = 0;

	if (in)
		mutex_lock(&in->mmap_lock);
	for (struct avl_node *node = first; node != stop;
	     node = avl_next(node)) {
		struct vma *n = vma_dup(avl_entry(node, struct vma, node));

		if (!n) {
			err = -ENOMEM;
			break;
		}
		n->mm = child;
		if (n->inode)
			vma_link_file_locked(n);
		**tail = &n->node;
		*tail = &n->node.right;
		++*count;
		last = avl_entry(node, struct vma, node);
	}
	if (!err && vm_fork_range(parent->space, child->space, v->start,
				  last->end - v->start,
				  !(v->flags & VMA_SHARED), share_page, child))
		err = -ENOMEM;
	if (in)
		mutex_unlock(&in->mmap_lock);
	return err;
}

/* The child's regions: copies of mm's, in one tree built at the end
 * (those copied before a failure too, for mm_put to undo). */
static int copy_vmas(struct mm *mm, struct mm *child)
{
	struct avl_node *first = NULL, **tail = &first;
	struct avl_node *node = avl_first(&mm->vmas);
	size_t count = 0;
	int err = 0;

	while (node && !err) {
		struct vma *last = avl_entry(node, struct vma, node);
		struct inode *in = last->inode;
		struct avl_node *next = avl_next(node);

		for (; next; next = avl_next(next)) {
			struct vma *w = avl_entry(next, struct vma, node);

			if (!same_walk(last, w, in))
				break;
			in = in ? in : w->inode;
			last = w;
		}
		err = copy_run(mm, child, node, next, in, &tail, &count);
		node = next;
	}
	avl_build(&child->vmas, first, count);
	return err;
}

struct mm *mm_fork(struct mm *mm)
{
	struct mm *child = mm_create();
	int err;

	if (!child)
		return NULL;
	mutex_lock(&mm->lock);
	err = copy_vmas(mm, child);
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
