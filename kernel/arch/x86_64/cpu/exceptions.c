/*
 * CPU exceptions (vectors 0-31) that no one registered a handler for:
 * each is reported by name with its error code decoded, the registers and
 * a backtrace (trap_report), then the kernel panics. Two exceptions are
 * not fatal: #BP (int3) logs where it was and resumes, and a #PF first
 * goes to memory management (vm_handle_fault), which may resolve it.
 */
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>

#include "cpu/cpu.h"

#define RFLAGS_IF (1ULL << 9)

static const char *const exception_names[EXCEPTION_VECTORS] = {
	[VEC_DE] = "#DE divide error",
	[VEC_DB] = "#DB debug exception",
	[VEC_NMI] = "NMI non-maskable interrupt",
	[VEC_BP] = "#BP breakpoint",
	[VEC_OF] = "#OF overflow",
	[VEC_BR] = "#BR bound range exceeded",
	[VEC_UD] = "#UD invalid opcode",
	[VEC_NM] = "#NM device not available",
	[VEC_DF] = "#DF double fault",
	[9] = "coprocessor segment overrun",
	[VEC_TS] = "#TS invalid TSS",
	[VEC_NP] = "#NP segment not present",
	[VEC_SS] = "#SS stack-segment fault",
	[VEC_GP] = "#GP general protection fault",
	[VEC_PF] = "#PF page fault",
	[VEC_MF] = "#MF x87 floating-point error",
	[VEC_AC] = "#AC alignment check",
	[VEC_MC] = "#MC machine check",
	[VEC_XM] = "#XM SIMD floating-point exception",
	[VEC_VE] = "#VE virtualization exception",
	[VEC_CP] = "#CP control protection exception",
	[VEC_HV] = "#HV hypervisor injection exception",
	[VEC_VC] = "#VC VMM communication exception",
	[VEC_SX] = "#SX security exception",
};

const char *trap_name(unsigned int vector)
{
	if (vector >= EXCEPTION_VECTORS)
		return "interrupt";
	return exception_names[vector] ? exception_names[vector]
				       : "reserved exception";
}

/* The mnemonic alone ("#PF"), as the prefix of the report lines. */
static void trap_tag(unsigned int vector, char *buf, size_t size)
{
	const char *name = trap_name(vector);
	size_t n = 0;

	while (name[n] && name[n] != ' ')
		n++;
	snprintf(buf, size, "%.*s", (int)n, name);
}

/* Append word to buf (space-separated). */
static void add_word(char *buf, size_t size, const char *word)
{
	size_t len = strnlen(buf, size);

	snprintf(buf + len, size - len, "%s%s", len ? " " : "", word);
}

/* The page-fault error code as words: "not-present write kernel-mode". */
static void pf_error_words(uint64_t err, char *buf, size_t size)
{
	buf[0] = '\0';
	add_word(buf, size, err & 1 ? "protection-violation" : "not-present");
	add_word(buf, size, err & 2 ? "write" : "read");
	add_word(buf, size, err & 4 ? "user-mode" : "kernel-mode");
	if (err & 8)
		add_word(buf, size, "reserved-bit");
	if (err & 16)
		add_word(buf, size, "instruction-fetch");
	if (err & 32)
		add_word(buf, size, "protection-key");
	if (err & 64)
		add_word(buf, size, "shadow-stack");
	if (err & (1 << 15))
		add_word(buf, size, "sgx");
}

/*
 * A selector error code (#TS #NP #SS #GP, and an exception raised while
 * delivering another): bit 0 external event, bit 1 IDT, else bit 2 LDT
 * or GDT, bits 3-15 the index.
 */
static void selector_error_words(uint64_t err, char *buf, size_t size)
{
	const char *table = err & 2 ? "IDT" : err & 4 ? "LDT" : "GDT";

	if (err == 0) {
		snprintf(buf, size, "no selector");
		return;
	}
	snprintf(buf, size, "%s %s %lu%s", table, err & 2 ? "vector" : "index",
		 (err & 0xffff) >> 3, err & 1 ? " external" : "");
}

static void cp_error_words(uint64_t err, char *buf, size_t size)
{
	static const char *const kinds[] = {
		[1] = "near-ret", [2] = "far-ret/iret", [3] = "endbranch",
		[4] = "rstorssp", [5] = "setssbsy",
	};
	uint64_t kind = err & 0x7fff;

	snprintf(buf, size, "%s%s",
		 kind < ARRAY_SIZE(kinds) && kinds[kind] ? kinds[kind] : "?",
		 err & (1 << 15) ? " enclave" : "");
}

static void decode_error(const struct trap_frame *tf, char *buf, size_t size)
{
	switch (tf->vector) {
	case VEC_PF:
		pf_error_words(tf->error_code, buf, size);
		break;
	case VEC_TS:
	case VEC_NP:
	case VEC_SS:
	case VEC_GP:
		selector_error_words(tf->error_code, buf, size);
		break;
	case VEC_CP:
		cp_error_words(tf->error_code, buf, size);
		break;
	default:
		buf[0] = '\0';
	}
}

/*
 * CR2 of the page fault being handled, read first thing: a fault taken
 * while handling or reporting it (vm_handle_fault, a console) rewrites CR2.
 * Kept in the task (struct arch_task's pf_frame, pf_addr).
 */
static uintptr_t fault_address(const struct trap_frame *tf)
{
	struct task *t = percpu_ready() ? current_task() : NULL;

	return t && tf == t->arch.pf_frame ? t->arch.pf_addr : read_cr2();
}

/* The exception's own lines: what, the error code, a #PF's address. */
static void report_exception(const struct trap_frame *tf)
{
	char tag[8], words[96], where[96];

	trap_tag(tf->vector, tag, sizeof(tag));
	kprintf("%s (vector %lu) in %s mode\n", trap_name(tf->vector),
		tf->vector, trap_from_user(tf) ? "user" : "kernel");
	decode_error(tf, words, sizeof(words));
	if (tf->error_code || words[0])
		kprintf("%s: error 0x%lx: %s\n", tag, tf->error_code, words);
	if (tf->vector == VEC_PF) {
		uintptr_t addr = fault_address(tf);

		vm_describe(addr, where, sizeof(where));
		kprintf("%s: address %016lx (%s)\n", tag, addr, where);
	}
	/*
	 * A #PF that cannot push its frame (the stack ran into its guard
	 * page) becomes a #DF; CR2 still says where, which names the cause.
	 */
	if (tf->vector == VEC_DF) {
		uintptr_t addr = read_cr2();

		vm_describe(addr, where, sizeof(where));
		kprintf("%s: last fault address %016lx (%s)\n", tag, addr,
			where);
	}
}

void trap_report(const struct trap_frame *tf)
{
	if (tf->vector < EXCEPTION_VECTORS)
		report_exception(tf);
	else
		kprintf("interrupt (vector %lu)\n", tf->vector);
	trap_print_registers(tf);
	backtrace_print_trap(tf);
}

static unsigned long breakpoint_count;

/*
 * int3: RIP is already past the instruction, so returning resumes. The
 * address shown is int3's own (one byte back; the rare two-byte int $3
 * would show one byte off).
 */
static void breakpoint(const struct trap_frame *tf)
{
	char sym[KSYM_NAME_BUF];

	breakpoint_count++;
	ksym_format(tf->rip - 1, sym, sizeof(sym));
	klog(KLOG_INFO, "breakpoint at [<%016lx>] %s\n", tf->rip - 1, sym);
}

/*
 * A page fault: resolved by the memory code (demand paging, copy-on-
 * write), or, in a user-memory copy, resumed at its fixup (-EFAULT). With
 * the interrupted code's interrupts on, they are on here too: resolving
 * may sleep. true if handled.
 */
static bool page_fault(struct trap_frame *tf, uintptr_t addr, int *err)
{
	struct task *t = percpu_ready() ? current_task() : NULL;
	struct arch_task early = {0}, *a = t ? &t->arch : &early;
	const struct trap_frame *outer = a->pf_frame;
	uintptr_t outer_addr = a->pf_addr, fixup = 0;

	a->pf_frame = tf;
	a->pf_addr = addr;
	if (tf->rflags & RFLAGS_IF)
		irq_enable();
	*err = vm_handle_fault(tf, addr, tf->error_code);
	irq_save();
	if (*err && !trap_from_user(tf)) {
		fixup = uaccess_fixup(tf->rip);
		if (!fixup)
			return false; /* reported with pf_frame still set */
		tf->rip = fixup;
	}
	a->pf_frame = outer;
	a->pf_addr = outer_addr;
	return *err == 0 || fixup;
}

void exception_handle(struct trap_frame *tf)
{
	char sym[KSYM_NAME_BUF];
	int err = 0;

	if (tf->vector == VEC_PF && page_fault(tf, read_cr2(), &err))
		return;
	if (trap_from_user(tf)) {
		user_exception(tf, err);
		return;
	}
	if (tf->vector == VEC_BP) {
		breakpoint(tf);
		return;
	}
	ksym_format(tf->rip, sym, sizeof(sym));
	panic_frame(tf, "%s at %016lx%s%s", trap_name(tf->vector), tf->rip,
		    sym[0] ? " " : "", sym);
}

KTEST(exception, int3_resumes)
{
	unsigned long before = breakpoint_count;
	volatile int reached = 0;

	__asm__ volatile("int3" ::: "memory");
	reached = 1;
	KT_ASSERT_EQ(breakpoint_count, before + 1);
	KT_ASSERT_EQ(reached, 1);
}

KTEST(exception, names)
{
	KT_ASSERT_STREQ(trap_name(VEC_DE), "#DE divide error");
	KT_ASSERT_STREQ(trap_name(VEC_PF), "#PF page fault");
	KT_ASSERT_STREQ(trap_name(VEC_GP), "#GP general protection fault");
	KT_ASSERT_STREQ(trap_name(15), "reserved exception");
	KT_ASSERT_STREQ(trap_name(0x20), "interrupt");
	for (unsigned int v = 0; v < INTERRUPT_VECTORS; v++)
		KT_ASSERT(trap_name(v) != NULL);
}

KTEST(exception, page_fault_error_words)
{
	char buf[128];

	pf_error_words(0x2, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "not-present write kernel-mode");
	pf_error_words(0x15, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "protection-violation read user-mode "
			     "instruction-fetch");
	pf_error_words(0x8068, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "not-present read kernel-mode reserved-bit "
			     "protection-key shadow-stack sgx");
}

KTEST(exception, selector_and_cp_error_words)
{
	char buf[64];

	selector_error_words(0, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "no selector");
	selector_error_words(0x28, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "GDT index 5");
	selector_error_words((13 << 3) | 2, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "IDT vector 13");
	selector_error_words(0x28 | 4 | 1, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "LDT index 5 external");
	cp_error_words(3, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "endbranch");
	cp_error_words(0x8001, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "near-ret enclave");
	cp_error_words(0, buf, sizeof(buf));
	KT_ASSERT_STREQ(buf, "?");
}
