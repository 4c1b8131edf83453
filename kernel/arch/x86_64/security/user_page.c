/*
 * One user page for the security tests (SMEP, SMAP, uaccess), mapped the
 * way user memory will be: a fresh address space (vm_space_create, which
 * shares the kernel half) with a page of RAM mapped VM_USER in its lower
 * half, switched to for the test. The kernel's own space never gets a
 * lower-half mapping. Tests run after mm_init, so all of <kernel/vm.h>
 * is there.
 */
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>

#include "security/security_priv.h"

static struct vm_space *test_space, *saved_space;
static uint64_t test_page; /* physical */

static void release(void)
{
	vm_space_destroy(test_space); /* switches back to kernel_space */
	if (test_page)
		pmm_free_phys(test_page);
	test_space = NULL;
	test_page = 0;
}

int security_test_user_page(bool exec, uint8_t fill, uintptr_t *va)
{
	unsigned int prot = VM_USER | (exec ? VM_EXEC : 0);
	int err;

	if (test_space)
		return -EBUSY;
	test_space = vm_space_create();
	test_page = pmm_alloc_phys(PMM_USE(MM_USE_TEST));
	if (!test_space || !test_page) {
		release();
		return -ENOMEM;
	}
	memset(boot_phys_to_virt(test_page), fill, PAGE_SIZE);
	err = vm_map(test_space, SECURITY_TEST_USER_VA, test_page, PAGE_SIZE,
		     prot);
	if (err) {
		release();
		return err;
	}
	saved_space = vm_space_current();
	vm_space_switch(test_space);
	*va = SECURITY_TEST_USER_VA;
	return 0;
}

void security_test_user_page_unmap(void)
{
	if (!test_space)
		return;
	vm_space_switch(saved_space);
	release();
}

#define RFLAGS_AC (1ULL << 18)

static uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/*
 * The sanctioned way in works: inside user_access_begin/end the kernel
 * reads a user page (with SMAP on, AC is set just there). The way around
 * it is the crash test crash.smap.
 */
KTEST(security, uaccess_user_page)
{
	bool smap = security_features->smap;
	uint64_t ac_inside, ac_after;
	struct vm_space *before = vm_space_current();
	uintptr_t va;
	uint8_t v;

	KT_ASSERT_EQ(security_test_user_page(false, 0x5a, &va), 0);
	user_access_begin();
	ac_inside = read_rflags() & RFLAGS_AC;
	v = *(volatile uint8_t *)(va + 123);
	user_access_end();
	ac_after = read_rflags() & RFLAGS_AC;
	security_test_user_page_unmap();
	KT_ASSERT_EQ(v, 0x5a);
	KT_ASSERT_EQ(!!ac_inside, smap);
	KT_ASSERT_EQ(ac_after, 0);
	KT_ASSERT(vm_space_current() == before);
}
