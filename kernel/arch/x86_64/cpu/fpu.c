/*
 * The FPU, SSE and AVX state of user tasks. The kernel itself never
 * touches these registers (it is built with -mgeneral-regs-only), so a
 * task's state only has to be saved and loaded when tasks switch, not on
 * every entry: with XSAVE(OPT)/XRSTOR where the CPU has them (then XCR0
 * enables x87, SSE and, if present, AVX), with FXSAVE/FXRSTOR otherwise.
 *
 * An area is the XSAVE layout (the legacy 512-byte FXSAVE region, the
 * 64-byte header, then the extended components), 64-byte aligned, or the
 * FXSAVE region alone. The initial state: x87 control word 0x37f, MXCSR
 * 0x1f80, everything else zero (for XRSTOR, XSTATE_BV 0: the init state).
 */
#include <kernel/arch/x86_64/msr.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "cpu/cpu.h"

#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_OSXSAVE (1ULL << 18)
#define CPUID1_ECX_XSAVE 26
#define XFEATURE_X87 (1ULL << 0)
#define XFEATURE_SSE (1ULL << 1)
#define XFEATURE_AVX (1ULL << 2)

#define FXSAVE_SIZE 512
#define XSAVE_HEADER 512 /* XSTATE_BV, XCOMP_BV, then reserved: 64 bytes */
#define MXCSR_OFFSET 24
#define MXCSR_DEFAULT 0x1f80
#define FCW_DEFAULT 0x37f

static bool probed, use_xsave, use_xsaveopt;
static uint64_t xfeatures;	       /* XCR0 */
static size_t area_size = FXSAVE_SIZE; /* set by the boot CPU */
static uint32_t mxcsr_mask = 0xffbf;   /* the default when FXSAVE says 0 */
static uint8_t initial[4096] __aligned(64);

static void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

bool fpu_has_xsave(void)
{
	return use_xsave;
}

uint64_t fpu_xfeatures(void)
{
	return xfeatures;
}

size_t fpu_area_size(void)
{
	return area_size;
}

const void *fpu_initial_state(void)
{
	return initial;
}

void fpu_save(void *area)
{
	if (use_xsaveopt)
		__asm__ volatile("xsaveopt64 (%0)" ::"r"(area), "a"(~0u),
				 "d"(~0u)
				 : "memory");
	else if (use_xsave)
		__asm__ volatile("xsave64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u)
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void fpu_restore(const void *area)
{
	if (use_xsave)
		__asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u)
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

void fpu_sanitize(void *area)
{
	uint8_t *a = area;
	uint32_t mxcsr;
	uint64_t bv;

	memcpy(&mxcsr, a + MXCSR_OFFSET, 4);
	mxcsr &= mxcsr_mask; /* a reserved MXCSR bit makes the restore #GP */
	memcpy(a + MXCSR_OFFSET, &mxcsr, 4);
	if (!use_xsave)
		return;
	memcpy(&bv, a + XSAVE_HEADER, 8);
	bv &= xfeatures;
	memset(a + XSAVE_HEADER, 0, 64); /* XCOMP_BV 0, reserved bytes 0 */
	memcpy(a + XSAVE_HEADER, &bv, 8);
}

/* What the CPU has: XSAVE (and XSAVEOPT), the features to enable. */
static void probe(void)
{
	uint32_t r[4];

	if (!cpuid_has(1, 2, CPUID1_ECX_XSAVE))
		return;
	use_xsave = true;
	cpuid_subleaf(0xd, 0, r);
	xfeatures = ((uint64_t)r[3] << 32 | r[0]) &
		    (XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX);
	cpuid_subleaf(0xd, 1, r);
	use_xsaveopt = r[0] & 1;
}

/* The boot CPU, once XCR0 is set: sizes, MXCSR mask, initial state. */
static void setup_areas(void)
{
	uint8_t probe_area[FXSAVE_SIZE] __aligned(16);
	uint32_t r[4], mask;
	uint16_t fcw = FCW_DEFAULT;
	uint32_t mxcsr = MXCSR_DEFAULT;

	if (use_xsave) {
		cpuid_subleaf(0xd, 0, r); /* ebx: for what XCR0 enables */
		area_size = ALIGN_UP(r[1], 64);
		if (area_size > sizeof(initial))
			area_size = sizeof(initial);
	}
	memset(probe_area, 0, sizeof(probe_area));
	__asm__ volatile("fxsave64 (%0)" ::"r"(probe_area) : "memory");
	memcpy(&mask, probe_area + 28, 4);
	if (mask)
		mxcsr_mask = mask;
	memcpy(initial, &fcw, 2);
	memcpy(initial + MXCSR_OFFSET, &mxcsr, 4);
}

void fpu_init_cpu(void)
{
	bool boot = !probed;

	if (boot)
		probe();
	probed = true;
	write_cr0((read_cr0() | CR0_MP) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT |
		  (use_xsave ? CR4_OSXSAVE : 0));
	if (use_xsave)
		xsetbv(0, xfeatures);
	if (boot) {
		setup_areas();
		klog(KLOG_INFO, "fpu: %s, %zu-byte state, features %#lx\n",
		     use_xsaveopt ? "xsaveopt" : use_xsave ? "xsave" : "fxsave",
		     area_size, (unsigned long)xfeatures);
	}
}

/* A state saved and restored comes back the same (the MXCSR field). */
KTEST(fpu, save_restore_round_trip)
{
	static uint8_t a[4096] __aligned(64), b[4096] __aligned(64);
	uint32_t mxcsr = 0x1f80 | 0x6000, got; /* round toward zero */

	memcpy(a, initial, area_size);
	memcpy(a + MXCSR_OFFSET, &mxcsr, 4);
	fpu_restore(a);
	fpu_save(b);
	memcpy(&got, b + MXCSR_OFFSET, 4);
	fpu_restore(initial);
	KT_ASSERT_EQ(got, mxcsr);
}
