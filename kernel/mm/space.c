/*
 * Address spaces (<kernel/vm.h>): the bookkeeping above the page tables.
 * kernel_space is built at boot (kspace.c); a user space is a struct
 * vm_space whose tables the architecture makes (arch_space_init: a
 * top-level table sharing the kernel half) and frees (arch_space_free).
 *
 * Each CPU translates through one space at a time, recorded in its
 * struct percpu (NULL there means kernel_space, which is what every CPU
 * starts on).
 */
#include <kernel/arch.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/smp.h>
#include <kernel/vm.h>

struct vm_space kernel_space;

struct vm_space *vm_space_create(void)
{
	struct vm_space *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	spin_lock_init(&s->lock, "vm_space", LOCK_RANK_MM_PGTABLE);
	if (arch_space_init(s)) {
		kfree(s);
		return NULL;
	}
	return s;
}

void vm_space_destroy(struct vm_space *s)
{
	if (!s || s == &kernel_space)
		return;
	if (vm_space_current() == s)
		vm_space_switch(&kernel_space);
	arch_space_free(s);
	kfree(s);
}

void vm_space_switch(struct vm_space *s)
{
	struct vm_space *old = vm_space_current();
	uint64_t bit = 1ULL << cpu_id();

	/* Loaded here from now on: its TLB shootdowns must reach us. */
	__atomic_or_fetch(&s->cpus, bit, __ATOMIC_ACQ_REL);
	this_cpu()->vm_space = s;
	arch_space_load(s);
	if (old != s)
		__atomic_and_fetch(&old->cpus, ~bit, __ATOMIC_ACQ_REL);
}

struct vm_space *vm_space_current(void)
{
	struct vm_space *s = this_cpu()->vm_space;

	return s ? s : &kernel_space;
}
