/*
 * In-kernel tests of the heap (suite heap): every size class, object
 * caches, out of memory as NULL, and the debug checks: poison on fresh
 * and freed objects, a write after free found by heap_verify, double and
 * invalid frees returned by kfree_check rather than panicking (so that
 * they run under test=all; the panic itself is kfree's); and all CPUs
 * allocating at once.
 */
#include <kernel/heap.h>
#include <kernel/ktest.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/vm.h>

KTEST(heap, kmalloc_sizes)
{
	static void *p[64];
	struct heap_stats before, after;
	size_t n = 0;

	heap_get_stats(&before);
	for (size_t size = 1; size <= 64 * KiB && n < ARRAY_SIZE(p);
	     size = size * 3 / 2 + 1) {
		size_t align = size >= 4096 ? 4096 : 8;

		p[n] = kmalloc(size);
		KT_ASSERT(p[n] != NULL);
		KT_ASSERT_EQ((uintptr_t)p[n] % align, 0);
		KT_ASSERT(ksize(p[n]) >= size);
		memset(p[n], (int)n, size);
		n++;
	}
	while (n--)
		kfree(p[n]);
	p[0] = kzalloc(100);
	KT_ASSERT(p[0] != NULL);
	for (int i = 0; i < 100; i++)
		KT_ASSERT_EQ(((unsigned char *)p[0])[i], 0);
	kfree(p[0]);
	heap_get_stats(&after);
	KT_ASSERT_EQ(after.objects, before.objects);
	KT_ASSERT_EQ(after.large_pages, before.large_pages);
}

KTEST(heap, object_cache)
{
	struct kmem_cache *c = kmem_cache_create("ktest-obj", 200, 64);
	static void *objs[100];

	KT_ASSERT(c != NULL);
	for (int i = 0; i < 100; i++) {
		objs[i] = kmem_cache_zalloc(c);
		KT_ASSERT(objs[i] != NULL);
		KT_ASSERT_EQ((uintptr_t)objs[i] % 64, 0);
		memset(objs[i], i, 200);
	}
	KT_ASSERT_EQ(kmem_cache_destroy(c), -EBUSY);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(c, objs[i]);
	KT_ASSERT_EQ(kmem_cache_destroy(c), 0);
}

KTEST(heap, out_of_memory_is_null)
{
	KT_ASSERT(kmalloc(KMALLOC_MAX + 1) == NULL);
	KT_ASSERT(kcalloc(SIZE_MAX / 2, 4) == NULL);
	KT_ASSERT(kmem_cache_create("bad", 0, 0) == NULL);
	KT_ASSERT(kmem_cache_create("bad", 8, 12) == NULL);
}

KTEST(heap, poison_fresh_and_freed)
{
	unsigned char *keep = kmalloc(64), *p = kmalloc(64);
	bool fresh = true, freed = true;

	if (!heap_debug())
		KT_SKIP("no heap poisoning (MM_DEBUG=0, or no slub_debug)");
	KT_ASSERT(keep && p);
	for (int i = 0; i < 64; i++)
		fresh = fresh && p[i] == HEAP_POISON_ALLOC;
	kfree(p);
	for (int i = 8; i < 64; i++) /* the first 8 bytes link free slots */
		freed = freed && p[i] == HEAP_POISON_FREE;
	kfree(keep);
	KT_ASSERT(fresh);
	KT_ASSERT(freed);
}

KTEST(heap, use_after_free_detected)
{
	struct kmem_cache *c = kmem_cache_create("ktest-uaf", 64, 0);
	unsigned char *keep, *p;
	const void *where = NULL;
	enum heap_error found;

	if (!heap_debug())
		KT_SKIP("no heap poisoning (MM_DEBUG=0, or no slub_debug)");
	KT_ASSERT(c != NULL);
	keep = kmem_cache_alloc(c); /* keeps the slab */
	p = kmem_cache_alloc(c);
	KT_ASSERT(keep && p);
	kmem_cache_free(c, p);
	KT_ASSERT_EQ(heap_verify(c, NULL), HEAP_OK);
	p[40] = 0; /* the write through a dangling pointer */
	found = heap_verify(c, &where);
	p[40] = HEAP_POISON_FREE; /* undo it before the next allocation */
	KT_ASSERT_EQ(heap_verify(NULL, NULL), HEAP_OK);
	kmem_cache_free(c, keep);
	KT_ASSERT_EQ(kmem_cache_destroy(c), 0);
	KT_ASSERT_EQ(found, HEAP_USE_AFTER_FREE);
	KT_ASSERT(where == p);
}

KTEST(heap, double_free_detected)
{
	void *p = kmalloc(64), *big = kmalloc(3 * PAGE_SIZE);

	if (!heap_debug())
		KT_SKIP("no heap poisoning (MM_DEBUG=0, or no slub_debug)");
	KT_ASSERT(p && big);
	KT_ASSERT_EQ(kfree_check(p), HEAP_OK);
	KT_ASSERT_EQ(kfree_check(p), HEAP_DOUBLE_FREE);
	KT_ASSERT_EQ(kfree_check(big), HEAP_OK);
	KT_ASSERT(kfree_check(big) != HEAP_OK);
}

KTEST(heap, invalid_free_detected)
{
	char *p = kmalloc(64), on_stack[8];
	static char in_bss[8];

	KT_ASSERT(p != NULL);
	KT_ASSERT_EQ(kfree_check(p + 8), HEAP_INVALID_FREE);
	KT_ASSERT_EQ(kfree_check(on_stack), HEAP_INVALID_FREE);
	KT_ASSERT_EQ(kfree_check(in_bss), HEAP_INVALID_FREE);
	KT_ASSERT_EQ(kfree_check((void *)mm_pages), HEAP_INVALID_FREE);
	KT_ASSERT_EQ(kfree_check(p), HEAP_OK);
}

/* One CPU's share of the churn: random kmallocs, pages and vmallocs. */
static void churn(void *arg)
{
	unsigned int *errors = arg, seed = cpu_id() * 7919 + 1;
	unsigned char *p[16] = {0}, fill = (unsigned char)(cpu_id() + 1);
	size_t size[16];

	for (int i = 0; i < 3000; i++) {
		unsigned int k = (seed = seed * 1103515245 + 12345) >> 8;
		unsigned int s = k % 16;

		if (p[s]) {
			for (size_t b = 0; b < size[s]; b++)
				*errors += p[s][b] != fill;
			kfree(p[s]);
			p[s] = NULL;
		} else if ((p[s] = kmalloc(size[s] = (k >> 4) % 5000 + 1))) {
			memset(p[s], fill, size[s]);
		}
		if (i % 64 == 0)
			pmm_free_phys(pmm_alloc_phys(PMM_USE(MM_USE_TEST)));
		if (i % 512 == 0)
			vfree(vmalloc(3 * PAGE_SIZE));
	}
	for (int s = 0; s < 16; s++)
		kfree(p[s]);
}

/* Every CPU allocating and freeing at once: the locks must hold. */
KTEST(heap, all_cpus_at_once)
{
	struct heap_stats before, after;
	struct mm_stats mb, ma;
	unsigned int errors = 0;

	if (smp_cpu_count() < 2)
		KT_SKIP("one CPU");
	heap_get_stats(&before);
	mm_get_stats(&mb);
	KT_ASSERT_EQ(smp_call_function(SMP_CALL_ALL, churn, &errors, true), 0);
	heap_get_stats(&after);
	mm_get_stats(&ma);
	KT_ASSERT_EQ(errors, 0);
	KT_ASSERT_EQ(after.objects, before.objects);
	KT_ASSERT_EQ(after.large_pages, before.large_pages);
	KT_ASSERT_EQ(ma.used_kib[MM_USE_VMALLOC], mb.used_kib[MM_USE_VMALLOC]);
	KT_ASSERT_EQ(ma.used_kib[MM_USE_TEST], mb.used_kib[MM_USE_TEST]);
	KT_ASSERT_EQ(heap_verify(NULL, NULL), HEAP_OK);
}
