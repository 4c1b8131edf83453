/*
 * Stack backtraces by frame pointer (see <kernel/panic.h>). With
 * -fno-omit-frame-pointer every function starts with push rbp; mov rbp,
 * rsp, so rbp points at a pair (caller's rbp, return address), and the
 * entry stubs add such a pair for the interrupted code (isr.asm).
 *
 * A backtrace runs when something is already wrong, so it never trusts a
 * frame pointer: a frame is read only if it lies inside a known stack —
 * the boot stack, the IST stacks (gdt.c) and any registered one — and
 * within one stack each frame must be above the previous one, so a cycle
 * ends the walk. The stack a walk starts on may be one nobody registered
 * (a new kernel stack): its frames are accepted up to
 * UNREGISTERED_STACK_MAX above the start, and only if the page tables map
 * them.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

#include "cpu/cpu.h"

#define UNREGISTERED_STACK_MAX (64 * KiB)
#define FRAME_SIZE 16 /* saved rbp, return address */

/*
 * The lowest higher-half (kernel) address: 0xffff800000000000 with 4-level
 * paging, 0xff00000000000000 with 5. Below it, down to the lower half,
 * addresses are not canonical and reading one would #GP.
 */
static uintptr_t kernel_half(void)
{
	return ~0ULL << (arch_paging_levels() == 5 ? 56 : 47);
}

struct stack_range {
	uintptr_t base, top; /* [base, top) */
};

static struct stack_range stacks[BACKTRACE_MAX_STACKS];
static size_t stack_count;

int backtrace_register_stack(uintptr_t base, size_t size)
{
	if (size < FRAME_SIZE || base + size < base || base < kernel_half())
		return -EINVAL;
	for (size_t i = 0; i < stack_count; i++) {
		if (stacks[i].base == base && stacks[i].top == base + size)
			return 0;
	}
	if (stack_count == BACKTRACE_MAX_STACKS)
		return -ENOSPC;
	stacks[stack_count++] = (struct stack_range){base, base + size};
	return 0;
}

static bool frame_in(const struct stack_range *r, uintptr_t rbp)
{
	return rbp >= r->base && rbp <= r->top - FRAME_SIZE;
}

/* The loader's stack, which kmain runs on: from boot_info. */
static bool boot_stack(struct stack_range *r)
{
	uintptr_t sp = boot_info->boot_stack_ptr;

	if (!sp || boot_info->stack_size == 0)
		return false;
	r->top = ALIGN_UP(sp, PAGE_SIZE);
	r->base = r->top - boot_info->stack_size;
	return true;
}

static bool frame_mapped(uintptr_t rbp)
{
	uint64_t phys;

	return boot_info->hhdm_offset &&
	       arch_virt_to_phys(rbp, boot_info->hhdm_offset, &phys) == 0 &&
	       arch_virt_to_phys(rbp + FRAME_SIZE - 1, boot_info->hhdm_offset,
				 &phys) == 0;
}

/* May the 16 bytes at rbp be read? If so, *r is the stack they are in. */
static bool frame_readable(uintptr_t rbp, uintptr_t start,
			   struct stack_range *r)
{
	if (!IS_ALIGNED(rbp, 8) || rbp < kernel_half())
		return false;
	for (size_t i = 0; i < stack_count; i++) {
		*r = stacks[i];
		if (frame_in(r, rbp))
			return true;
	}
	if (boot_stack(r) && frame_in(r, rbp))
		return true;
	*r = (struct stack_range){start, start + UNREGISTERED_STACK_MAX};
	return start >= kernel_half() && frame_in(r, rbp) && frame_mapped(rbp);
}

size_t backtrace_walk(uintptr_t rbp, uintptr_t *pcs, size_t max)
{
	struct stack_range r, prev = {0, 0};
	uintptr_t start = rbp, prev_rbp = 0;
	size_t n = 0;

	while (n < max && frame_readable(rbp, start, &r)) {
		const uintptr_t *frame = (const uintptr_t *)rbp;

		if (r.base == prev.base && rbp <= prev_rbp)
			break; /* not climbing: a loop or garbage */
		if (frame[1] == 0)
			break; /* kmain's caller: the end of the chain */
		pcs[n++] = frame[1];
		prev = r;
		prev_rbp = rbp;
		rbp = frame[0];
	}
	return n;
}

/*
 * One line per frame; see ksym_format_return for return addresses. mark
 * is "? " for a guess (as Linux marks entries it is unsure of), else "".
 */
static void print_entry(uintptr_t addr, bool is_return, const char *mark)
{
	char sym[KSYM_NAME_BUF];

	if (is_return)
		ksym_format_return(addr, sym, sizeof(sym));
	else
		ksym_format(addr, sym, sizeof(sym));
	kprintf("  [<%016lx>]%s%s%s\n", addr, sym[0] ? " " : "", mark, sym);
}

static void print_chain(uintptr_t rbp)
{
	uintptr_t pcs[BACKTRACE_MAX_DEPTH];
	size_t n = backtrace_walk(rbp, pcs, ARRAY_SIZE(pcs));

	for (size_t i = 0; i < n; i++)
		print_entry(pcs[i], true, "");
	if (n == ARRAY_SIZE(pcs))
		kprintf("  ...\n");
}

void backtrace_print(uintptr_t rip, uintptr_t rbp)
{
	kprintf("Call trace:\n");
	if (rip)
		print_entry(rip, false, "");
	print_chain(rbp);
}

/*
 * A trap's trace. When rip is in no function, the likely cause is a call
 * through a bad pointer: the word at rsp is then that call's return
 * address, which the frame chain would skip, so it is shown, marked "? ".
 */
void backtrace_print_trap(const struct trap_frame *tf)
{
	struct stack_range r;
	struct ksym sym;

	kprintf("Call trace:\n");
	print_entry(tf->rip, false, "");
	if (ksym_lookup(tf->rip, &sym) != 0 &&
	    frame_readable(tf->rsp, tf->rsp, &r)) {
		uintptr_t ret = *(const uintptr_t *)tf->rsp;

		if (ksym_lookup_return(ret, &sym) == 0)
			print_entry(ret, true, "? ");
	}
	print_chain(tf->rbp);
}

__attribute__((noinline)) void dump_stack(void)
{
	backtrace_print(0, (uintptr_t)__builtin_frame_address(0));
}

/* Tests run in a kernel thread: the chain ends at its first frame. */
KTEST(backtrace, reaches_thread_start)
{
	uintptr_t pcs[BACKTRACE_MAX_DEPTH];
	size_t n = backtrace_walk((uintptr_t)__builtin_frame_address(0), pcs,
				  ARRAY_SIZE(pcs));
	struct ksym sym;
	bool found = false;

	KT_ASSERT(n >= 2 && n < ARRAY_SIZE(pcs));
	if (!boot_info->kernel_file)
		KT_SKIP("no executable file response: no symbols");
	for (size_t i = 0; i < n; i++) {
		if (ksym_lookup(pcs[i] - 1, &sym) == 0 &&
		    ktest_streq(sym.name, "sched_task_entry"))
			found = true;
	}
	KT_ASSERT(found);
}

KTEST(backtrace, corrupt_chain_stops)
{
	uintptr_t f[4], pcs[8], unmapped = 0xffffff0000000000ULL, phys;

	/* Two frames on this (boot) stack pointing at each other. */
	f[0] = (uintptr_t)&f[2];
	f[1] = 0x1111;
	f[2] = (uintptr_t)&f[0];
	f[3] = 0x2222;
	KT_ASSERT_EQ(backtrace_walk((uintptr_t)f, pcs, 8), 2);
	KT_ASSERT_EQ(pcs[0], 0x1111);
	KT_ASSERT_EQ(pcs[1], 0x2222);
	KT_ASSERT_EQ(backtrace_walk(0, pcs, 8), 0);
	KT_ASSERT_EQ(backtrace_walk(0x1000, pcs, 8), 0);
	KT_ASSERT_EQ(backtrace_walk((uintptr_t)f + 3, pcs, 8), 0);
	KT_ASSERT_EQ(backtrace_walk((uintptr_t)f, pcs, 0), 0);
	if (arch_virt_to_phys(unmapped, boot_info->hhdm_offset, &phys) == 0)
		KT_SKIP("test address is mapped");
	KT_ASSERT_EQ(backtrace_walk(unmapped, pcs, 8), 0);
}

KTEST(backtrace, register_stack)
{
	KT_ASSERT_EQ(backtrace_register_stack(0x1000, 4096), -EINVAL);
	KT_ASSERT_EQ(backtrace_register_stack(kernel_half(), 0), -EINVAL);
	KT_ASSERT_EQ(backtrace_register_stack(~0ULL - 100, 4096), -EINVAL);
	/* The IST stacks are registered by cpu_init; again is a no-op. */
	KT_ASSERT(stack_count >= 3);
	KT_ASSERT_EQ(backtrace_register_stack(stacks[0].base,
					      stacks[0].top - stacks[0].base),
		     0);
}
