/*
 * Crash tests: each makes the kernel fail on purpose in one way and must
 * end in the right report (tests/qemu/crash.sh boots once per test with
 * test=crash.NAME and checks the panic's lines). They are in suite crash,
 * which test=all skips (kernel/test/ktest.c). A test that gets past its
 * crash has found a missing protection, and fails as an ordinary test.
 *
 * They cover the failure paths of the exception handlers (exceptions.c),
 * the double-fault IST stack, the stack protector, W^X, SMEP and SMAP and
 * kwatch. The tests needing SMEP or SMAP skip on CPUs without them.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/kwatch.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "security/security_priv.h"

/* Canonical, lower half, above the loader's 4 GiB identity map. */
#define UNMAPPED_ADDR 0x00000dead0000000ULL
#define GUARD_SEARCH (256 * KiB)

/* End a test that survived its crash. */
#define SURVIVED(what) KT_ASSERT(!"survived: " what)

/* "crash: what 0000000000001234": the harness checks the report's address. */
static void say(const char *what, uintptr_t addr)
{
	kprintf("crash: %s %016lx\n", what, addr);
}

KTEST(crash, page_fault)
{
	uint64_t phys;

	KT_ASSERT_EQ(
		arch_virt_to_phys(UNMAPPED_ADDR, boot_info->hhdm_offset, &phys),
		-EFAULT);
	say("reading unmapped address", UNMAPPED_ADDR);
	(void)*(volatile uint64_t *)UNMAPPED_ADDR;
	SURVIVED("an unmapped read");
}

/* Big frames reach the guard page fast; the limit is never reached. */
static volatile unsigned int recursion_limit = ~0u;

static __attribute__((noinline)) unsigned int recurse(unsigned int depth)
{
	volatile char pad[1024];

	pad[0] = (char)depth;
	if (depth >= recursion_limit)
		return 0;
	return recurse(depth + 1) + pad[0]; /* not a tail call */
}

/*
 * Is there an unmapped page below the stack we run on, close enough to
 * be its guard? mm's kernel stacks have one; the loader's boot stack sits
 * in mapped RAM, where recursing would overwrite whatever lies below.
 */
static bool stack_has_guard(void)
{
	uintptr_t sp = arch_stack_pointer();
	uint64_t phys;

	for (uintptr_t va = ALIGN_DOWN(sp, PAGE_SIZE);
	     va > ALIGN_DOWN(sp, PAGE_SIZE) - GUARD_SEARCH; va -= PAGE_SIZE) {
		if (arch_virt_to_phys(va, boot_info->hhdm_offset, &phys) != 0)
			return true;
	}
	return false;
}

KTEST(crash, stack_overflow)
{
	if (!stack_has_guard())
		KT_SKIP("the kernel stack has no guard page");
	say("recursing from stack pointer", arch_stack_pointer());
	recurse(0);
	SURVIVED("unbounded recursion");
}

/*
 * Overwrite everything between buf and the saved frame pointer: that
 * includes the canary and leaves the frame chain whole for the backtrace.
 */
static __attribute__((noinline)) void smash_my_stack(void)
{
	char buf[16];
	char *p = buf;
	size_t n = (char *)__builtin_frame_address(0) - buf;

	__asm__("" : "+r"(p)); /* hide the overrun from the compiler */
	memset(p, 'A', n);
	__asm__ volatile("" ::"r"(buf) : "memory");
}

KTEST(crash, stack_canary)
{
	say("overrunning a stack buffer below",
	    (uintptr_t)__builtin_frame_address(0));
	smash_my_stack();
	SURVIVED("a smashed canary");
}

static __attribute__((noinline)) void text_victim(void)
{
	__asm__ volatile("");
}

KTEST(crash, text_write)
{
	say("writing to kernel text at", (uintptr_t)text_victim);
	*(volatile uint8_t *)(uintptr_t)text_victim = 0xcc;
	SURVIVED("a write to kernel text");
}

/* A frame of its own, so that the trace shows who called the page. */
static __attribute__((noinline)) void call_user_page(uintptr_t va)
{
	((void (*)(void))va)();
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}

KTEST(crash, smep)
{
	uintptr_t va;

	if (!security_features->smep)
		KT_SKIP("no SMEP on this CPU");
	/* 0xc3 is ret: without SMEP the call would simply return. */
	KT_ASSERT_EQ(security_test_user_page(true, 0xc3, &va), 0);
	say("executing user page", va);
	call_user_page(va);
	SURVIVED("executing a user page");
}

KTEST(crash, smap)
{
	uintptr_t va;

	if (!security_features->smap)
		KT_SKIP("no SMAP on this CPU");
	KT_ASSERT_EQ(security_test_user_page(false, 0x5a, &va), 0);
	say("reading user page", va);
	(void)*(volatile uint8_t *)va;
	SURVIVED("reading a user page");
}

static volatile uint64_t crash_watched;

KTEST(crash, kwatch)
{
	KT_ASSERT(kwatch_set((uintptr_t)&crash_watched, sizeof(crash_watched),
			     KWATCH_WRITE) >= 0);
	say("writing watched variable", (uintptr_t)&crash_watched);
	crash_watched = 1;
	SURVIVED("a write to a watched variable");
}
