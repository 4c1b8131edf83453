/*
 * The stack protector's runtime. The kernel is built with
 * -fstack-protector-strong -mstack-protector-guard=global: every function
 * with a local array or an address-taken local copies __stack_chk_guard
 * into its frame, below the saved registers, and compares it on return;
 * a mismatch calls __stack_chk_fail. The guard starts as a fixed value (so
 * that code before security_init works) and security_init replaces it once
 * with a random one, before anything could overflow a buffer on purpose.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/security.h>

#include <cpuid.h>

#include "security/security_priv.h"

/* The low byte is zero, as the random one's will be (see below). */
#define CANARY_BUILD_DEFAULT 0x2f6c8a9e5b3d7100ULL

#define CPUID1_ECX_RDRAND (1u << 30)
#define CPUID7_EBX_RDSEED (1u << 18)

uintptr_t __stack_chk_guard = CANARY_BUILD_DEFAULT;
extern uintptr_t __stack_chk_guard;
noreturn void __stack_chk_fail(void);

static bool rdseed64(uint64_t *v)
{
	unsigned char ok;
	__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok)::"cc");
	return ok;
}

static bool rdrand64(uint64_t *v)
{
	unsigned char ok;
	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok)::"cc");
	return ok;
}

/* splitmix64's finaliser: every input bit affects every output bit. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Ask a hardware source up to tries times (RDSEED may run dry briefly).
 * 0 and all-ones are refused: some AMD parts return ~0 with CF set when
 * their RDRAND is broken.
 */
static bool hw_random(bool (*insn)(uint64_t *), int tries, uint64_t *out)
{
	for (int i = 0; i < tries; i++) {
		if (insn(out) && *out != 0 && *out != ~0ULL)
			return true;
	}
	return false;
}

/*
 * What varies from boot to boot without special hardware: the TSC (twice,
 * around work whose length varies), the KASLR slide, the RTC time, the
 * stack and HHDM addresses the loader chose. Weak on its own, so it is
 * the fallback, but it is mixed in always.
 */
static uint64_t boot_entropy(void)
{
	uint64_t h = mix64(arch_cycles());

	h = mix64(h ^ boot_info->kernel_slide);
	h = mix64(h ^ (uint64_t)boot_info->boot_time);
	h = mix64(h ^ boot_info->hhdm_offset);
	h = mix64(h ^ arch_stack_pointer());
	return mix64(h ^ arch_cycles());
}

static const char *random64(uint64_t *out)
{
	uint32_t eax, ebx = 0, ecx = 0, edx;
	uint64_t v;

	*out = boot_entropy();
	if (__get_cpuid_max(0, NULL) >= 7)
		__cpuid_count(7, 0, eax, ebx, ecx, edx);
	if ((ebx & CPUID7_EBX_RDSEED) && hw_random(rdseed64, 128, &v)) {
		*out = mix64(*out ^ v);
		return "RDSEED";
	}
	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) &&
	    (ecx & CPUID1_ECX_RDRAND) && hw_random(rdrand64, 16, &v)) {
		*out = mix64(*out ^ v);
		return "RDRAND";
	}
	return "TSC";
}

uint64_t arch_random_seed(void)
{
	uint64_t v;

	random64(&v);
	return v;
}

/*
 * The low byte is zeroed, as glibc does: a string read running off a
 * buffer stops at the canary instead of printing it, and a string copy
 * cannot reproduce it. Runs while callers' frames hold the old canary,
 * so it must not check its own.
 */
__no_stack_protector const char *stack_protector_init(void)
{
	uint64_t canary;
	const char *source = random64(&canary);

	canary &= ~0xffULL;
	while (canary == 0 || canary == CANARY_BUILD_DEFAULT)
		canary = mix64(canary ^ arch_cycles()) & ~0xffULL;
	*(volatile uintptr_t *)&__stack_chk_guard = canary;
	return source;
}

/*
 * Called from a protected function's epilogue when its canary changed: its
 * frame was overrun, and the return address above the canary is not to be
 * trusted. __builtin_return_address(0) is in that function, which the
 * message names; the backtrace (through panic) shows how it was reached.
 */
__no_stack_protector noreturn void __stack_chk_fail(void)
{
	uintptr_t where = (uintptr_t)__builtin_return_address(0);
	struct ksym sym;

	/* One byte back: the call is often a function's last instruction. */
	if (ksym_lookup(where - 1, &sym) == 0)
		panic("stack smashing detected in %s", sym.name);
	panic("stack smashing detected in [<%016lx>]", where);
}

KTEST(security, stack_canary_random)
{
	KT_ASSERT(__stack_chk_guard != CANARY_BUILD_DEFAULT);
	KT_ASSERT(__stack_chk_guard != 0);
	KT_ASSERT_EQ(__stack_chk_guard & 0xff, 0);
	KT_ASSERT(security_features->canary_source != NULL);
}
