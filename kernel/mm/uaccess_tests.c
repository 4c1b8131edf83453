/*
 * Tests of the user-memory accessors (suite uaccess): a bad address is
 * -EFAULT, never a panic, whether it is a kernel address (refused by the
 * range check), an unmapped user address (the fault is resumed at the
 * exception table's fixup) or a string that runs off the end of what is
 * mapped; good copies work through a real user page.
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>

#define TEST_VA 0x40000000ULL

static struct vm_space *space, *saved;
static uint64_t page;

/* A user page at TEST_VA in a space of its own, loaded here. */
static int user_page(uintptr_t *va)
{
	space = vm_space_create();
	page = pmm_alloc_phys(PMM_ZERO | PMM_USE(MM_USE_TEST));
	if (!space || !page ||
	    vm_map(space, TEST_VA, page, PAGE_SIZE, VM_USER | VM_WRITE)) {
		vm_space_destroy(space);
		if (page)
			pmm_free_phys(page);
		return -ENOMEM;
	}
	saved = vm_space_current();
	vm_space_switch(space);
	*va = TEST_VA;
	return 0;
}

static void user_page_free(void)
{
	vm_space_switch(saved);
	vm_unmap(space, TEST_VA, PAGE_SIZE);
	vm_space_destroy(space);
	pmm_free_phys(page);
}

KTEST(uaccess, kernel_addresses_refused)
{
	char buf[8];

	KT_ASSERT_EQ(copy_from_user(buf, (uintptr_t)buf, sizeof(buf)), -EFAULT);
	KT_ASSERT_EQ(copy_to_user((uintptr_t)buf, "x", 1), -EFAULT);
	KT_ASSERT_EQ(clear_user(vm_user_end() - 4, 8), -EFAULT);
	KT_ASSERT(!access_ok(vm_user_end() - 4, 8));
	KT_ASSERT(!access_ok(~0ULL - 2, 8)); /* wraps */
	KT_ASSERT(access_ok(0x400000, 4096));
}

/* Nothing is mapped in the lower half here: the fault path's fixup. */
KTEST(uaccess, unmapped_user_address_faults)
{
	char buf[16];
	uint32_t found;

	KT_ASSERT_EQ(copy_from_user(buf, 0x1000, sizeof(buf)), -EFAULT);
	KT_ASSERT_EQ(copy_to_user(0x7000000000, buf, sizeof(buf)), -EFAULT);
	KT_ASSERT_EQ(strncpy_from_user(buf, 0x1000, sizeof(buf)), -EFAULT);
	KT_ASSERT_EQ(cmpxchg_user_u32(0x1000, 0, 1, &found), -EFAULT);
	KT_ASSERT_EQ(cmpxchg_user_u32(0x1001, 0, 1, &found), -EFAULT);
}

KTEST(uaccess, copies_through_a_user_page)
{
	uintptr_t va;
	char buf[32];
	uint32_t found, old;

	KT_ASSERT_EQ(user_page(&va), 0);
	KT_ASSERT_EQ(copy_to_user(va + 100, "hello", 6), 0);
	KT_ASSERT_EQ(strncpy_from_user(buf, va + 100, sizeof(buf)), 5);
	KT_ASSERT_STREQ(buf, "hello");
	KT_ASSERT_EQ(strncpy_from_user(buf, va + 100, 5), -ENAMETOOLONG);
	/* A string running off the end of the page: a fault, not a panic. */
	KT_ASSERT_EQ(clear_user(va, 4096), 0);
	memset(buf, 'a', sizeof(buf));
	KT_ASSERT_EQ(copy_to_user(va + 4096 - 8, buf, 8), 0);
	KT_ASSERT_EQ(strncpy_from_user(buf, va + 4096 - 8, sizeof(buf)),
		     -EFAULT);
	KT_ASSERT_EQ(cmpxchg_user_u32(va, 0, 7, &found), 0);
	KT_ASSERT_EQ(found, 0);
	KT_ASSERT_EQ(cmpxchg_user_u32(va, 0, 9, &found), 0);
	KT_ASSERT_EQ(found, 7); /* not swapped: it was 7 */
	KT_ASSERT_EQ(atomic_op_user_u32(va, 1, 5, &old), 0); /* add */
	KT_ASSERT_EQ(old, 7);
	KT_ASSERT_EQ(copy_from_user(&found, va, 4), 0);
	KT_ASSERT_EQ(found, 12);
	KT_ASSERT_EQ(atomic_op_user_u32(va, 9, 5, &old), -ENOSYS);
	user_page_free();
}
