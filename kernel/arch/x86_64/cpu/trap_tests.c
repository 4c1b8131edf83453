/*
 * Tests of the CPU tables and the trap path, from the outside: what the
 * CPU itself reports (sgdt, sidt, str, segment registers) against what
 * gdt.c and idt.c meant to load, and real traps — a software interrupt
 * and two exceptions, one with and one without an error code — taken
 * through the stubs to registered handlers and back with iretq. A wrong
 * frame layout would crash on the way back, not just fail an assertion.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/ksym.h>
#include <kernel/panic.h>
#include <kernel/string.h>

#include "cpu/cpu.h"

#define TEST_VECTOR 0xf0 /* free: not an exception, IRQ or APIC vector */

struct table_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint16_t read_selector_cs(void)
{
	uint16_t v;
	__asm__ volatile("mov %%cs, %0" : "=r"(v));
	return v;
}

static uint16_t read_selector_ss(void)
{
	uint16_t v;
	__asm__ volatile("mov %%ss, %0" : "=r"(v));
	return v;
}

KTEST(cpu, gdt_and_tss_loaded)
{
	struct table_pointer gdtr;
	const uint64_t *gdt;
	const struct tss *tss;
	uint16_t tr;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("str %0" : "=r"(tr));
	gdt = (const uint64_t *)gdtr.base;
	KT_ASSERT_EQ(gdtr.limit, GDT_ENTRIES * 8 - 1);
	KT_ASSERT_EQ(read_selector_cs(), GDT_KERNEL_CS);
	KT_ASSERT_EQ(read_selector_ss(), GDT_KERNEL_DS);
	KT_ASSERT_EQ(tr, GDT_TSS);
	/* DPL (bits 45-46) and L (bit 53) of the four segments. */
	KT_ASSERT_EQ((gdt[1] >> 45 & 3) | (gdt[1] >> 53 & 1) << 2, 0 | 4);
	KT_ASSERT_EQ((gdt[2] >> 45 & 3) | (gdt[2] >> 53 & 1) << 2, 0);
	KT_ASSERT_EQ((gdt[3] >> 45 & 3) | (gdt[3] >> 53 & 1) << 2, 3);
	KT_ASSERT_EQ((gdt[4] >> 45 & 3) | (gdt[4] >> 53 & 1) << 2, 3 | 4);
	KT_ASSERT_EQ(gdt[5] >> 40 & 0xf, 0xb); /* busy TSS, after ltr */
	tss = (const struct tss *)((gdt[5] >> 16 & 0xffffff) |
				   (gdt[5] >> 56 & 0xff) << 24 | gdt[6] << 32);
	KT_ASSERT_EQ(tss->iomap_base, sizeof(struct tss));
	for (int i = 0; i < IST_COUNT; i++) {
		KT_ASSERT(tss->ist[i] != 0 && IS_ALIGNED(tss->ist[i], 16));
		if (i > 0)
			KT_ASSERT(tss->ist[i] - tss->ist[i - 1] ==
				  IST_STACK_SIZE);
	}
}

KTEST(cpu, idt_gates)
{
	struct table_pointer idtr;
	const uint64_t *gate;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	KT_ASSERT_EQ(idtr.limit, INTERRUPT_VECTORS * 16 - 1);
	for (unsigned int v = 0; v < INTERRUPT_VECTORS; v++) {
		uint64_t lo, hi, offset, ist = 0;

		gate = (const uint64_t *)idtr.base + 2 * v;
		lo = gate[0];
		hi = gate[1];
		offset = (lo & 0xffff) | (lo >> 32 & 0xffff0000) | hi << 32;
		KT_ASSERT_EQ(offset, isr_stub_table[v]);
		KT_ASSERT_EQ(lo >> 16 & 0xffff, GDT_KERNEL_CS);
		/* Interrupt gates; int3 and into callable from user mode. */
		KT_ASSERT_EQ(lo >> 40 & 0xff,
			     v == VEC_BP || v == VEC_OF ? 0xee : 0x8e);
		if (v == VEC_DF)
			ist = IST_DOUBLE_FAULT;
		else if (v == VEC_NMI)
			ist = IST_NMI;
		else if (v == VEC_MC)
			ist = IST_MACHINE_CHECK;
		KT_ASSERT_EQ(lo >> 32 & 7, ist);
	}
}

static void count_handler(struct trap_frame *tf, void *arg)
{
	(*(int *)arg)++;
}

KTEST(interrupt, register_errors)
{
	int calls = 0;

	KT_ASSERT_EQ(
		interrupt_register(INTERRUPT_VECTORS, count_handler, &calls),
		-EINVAL);
	KT_ASSERT_EQ(interrupt_register(TEST_VECTOR, NULL, NULL), -EINVAL);
	KT_ASSERT_EQ(interrupt_register(TEST_VECTOR, count_handler, &calls), 0);
	KT_ASSERT_EQ(interrupt_register(TEST_VECTOR, count_handler, &calls),
		     -EBUSY);
	__asm__ volatile("int %0" : : "i"(TEST_VECTOR) : "memory");
	KT_ASSERT_EQ(interrupt_unregister(TEST_VECTOR), 0);
	KT_ASSERT_EQ(interrupt_unregister(TEST_VECTOR), -ENOENT);
	KT_ASSERT_EQ(interrupt_unregister(INTERRUPT_VECTORS), -EINVAL);
	KT_ASSERT_EQ(calls, 1);
}

static struct trap_frame seen;
static void *seen_arg;
static bool trace_crossed_trap;

/* Does a backtrace from here reach the interrupted rip (isr.asm)? */
static bool trace_reaches(uintptr_t rip)
{
	uintptr_t pcs[BACKTRACE_MAX_DEPTH];
	size_t n = backtrace_walk((uintptr_t)__builtin_frame_address(0), pcs,
				  ARRAY_SIZE(pcs));

	for (size_t i = 0; i < n; i++) {
		if (pcs[i] == rip)
			return true;
	}
	return false;
}

static void record_handler(struct trap_frame *tf, void *arg)
{
	seen = *tf;
	seen_arg = arg;
	trace_crossed_trap = trace_reaches(tf->rip);
	tf->rax = 0x600d; /* the stub must restore from the frame */
	tf->r15 = 0xf15;
}

/* Known values in the registers the stub saves, then int TEST_VECTOR. */
static __attribute__((noinline)) uint64_t raise_test_vector(uint64_t *r15)
{
	register uint64_t r8 __asm__("r8") = 0x8888;
	register uint64_t r15_reg __asm__("r15") = 0x1515;
	uint64_t rax = 0xaaaa;

	__asm__ volatile("int %[v]"
			 : "+a"(rax), "+r"(r8), "+r"(r15_reg)
			 : [v] "i"(TEST_VECTOR), "b"(0xbbbbUL), "c"(0xccccUL),
			   "d"(0xddddUL), "S"(0x5151UL), "D"(0xd1d1UL)
			 : "memory");
	*r15 = r15_reg;
	return rax;
}

KTEST(interrupt, software_vector_frame)
{
	uintptr_t sp = arch_stack_pointer();
	uint64_t rax, r15;
	struct ksym sym;
	int arg;

	KT_ASSERT_EQ(interrupt_register(TEST_VECTOR, record_handler, &arg), 0);
	rax = raise_test_vector(&r15);
	interrupt_unregister(TEST_VECTOR);
	KT_ASSERT_EQ(seen_arg, &arg);
	KT_ASSERT_EQ(seen.vector, TEST_VECTOR);
	KT_ASSERT_EQ(seen.error_code, 0);
	KT_ASSERT_EQ(seen.rax, 0xaaaa);
	KT_ASSERT_EQ(seen.rbx, 0xbbbb);
	KT_ASSERT_EQ(seen.rcx, 0xcccc);
	KT_ASSERT_EQ(seen.rdx, 0xdddd);
	KT_ASSERT_EQ(seen.rsi, 0x5151);
	KT_ASSERT_EQ(seen.rdi, 0xd1d1);
	KT_ASSERT_EQ(seen.r8, 0x8888);
	KT_ASSERT_EQ(seen.r15, 0x1515);
	KT_ASSERT_EQ(seen.cs, GDT_KERNEL_CS);
	KT_ASSERT_EQ(seen.ss, GDT_KERNEL_DS);
	KT_ASSERT(seen.rsp < sp && sp - seen.rsp < 512);
	KT_ASSERT_EQ(!!(seen.rflags & (1 << 9)), irq_enabled());
	KT_ASSERT_EQ(rax, 0x600d);
	KT_ASSERT_EQ(r15, 0xf15);
	KT_ASSERT(trace_crossed_trap);
	if (ksym_lookup(seen.rip, &sym) == 0)
		KT_ASSERT_STREQ(sym.name, "raise_test_vector");
}

/* Step over the faulting instruction, whose length arg gives. */
static void skip_handler(struct trap_frame *tf, void *arg)
{
	seen = *tf;
	tf->rip += (uintptr_t)arg;
}

KTEST(interrupt, exception_handlers_replace_report)
{
	/* #UD has no error code: ud2 is 2 bytes. */
	KT_ASSERT_EQ(interrupt_register(VEC_UD, skip_handler, (void *)2), 0);
	__asm__ volatile("ud2" ::: "memory");
	interrupt_unregister(VEC_UD);
	KT_ASSERT_EQ(seen.vector, VEC_UD);
	KT_ASSERT_EQ(seen.error_code, 0);
	/* #GP has one: loading selector 0x48 (past the GDT's end). */
	KT_ASSERT_EQ(interrupt_register(VEC_GP, skip_handler, (void *)2), 0);
	__asm__ volatile("mov %0, %%ds" : : "a"(0x48) : "memory");
	interrupt_unregister(VEC_GP);
	KT_ASSERT_EQ(seen.vector, VEC_GP);
	KT_ASSERT_EQ(seen.error_code, 0x48);
	KT_ASSERT_EQ(seen.cs, GDT_KERNEL_CS);
}
