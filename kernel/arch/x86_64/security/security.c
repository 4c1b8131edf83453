/*
 * security_init: the CPU half of the security baseline. The loader already
 * runs with EFER.NXE and CR0.WP on and maps the kernel per segment (text
 * RX, rodata R, data RW+NX); here the kernel checks that rather than trusts
 * it, turns on SMEP, SMAP and UMIP where CPUID offers them, seeds the stack
 * protector (stack_protector.c), arms kwatch's #DB handler (kwatch.c) and
 * checks the page tables for W^X (wx_check.c).
 */
#include <kernel/kwatch.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/security.h>

#include <cpuid.h>

#include "cpu/cpu.h"
#include "security/security_priv.h"

#define MSR_EFER 0xc0000080
#define EFER_NXE (1ULL << 11)
#define CR0_WP (1ULL << 16)
#define CR4_UMIP (1ULL << 11)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)

#define CPUID7_EBX_SMEP (1u << 7)
#define CPUID7_EBX_SMAP (1u << 20)
#define CPUID7_ECX_UMIP (1u << 2)
#define CPUID_EXT_EDX_NX (1u << 20)

static struct security_features features;
/* For cpu/uaccess.asm: STAC/CLAC around user accesses when SMAP is on. */
uint8_t smap_on;
const struct security_features *const security_features = &features;

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

/* CPUID leaf 7, subleaf 0 (zeros if the CPU has no leaf 7). */
static void cpuid7(uint32_t *ebx, uint32_t *ecx)
{
	uint32_t eax, edx;

	*ebx = *ecx = 0;
	if (__get_cpuid_max(0, NULL) >= 7)
		__cpuid_count(7, 0, eax, *ebx, *ecx, edx);
}

/*
 * NX must be on: the loader sets EFER.NXE when the CPU has NX (every
 * x86_64 CPU QEMU models does). If it did not, the page tables carry no
 * NX bits, so turning NXE on now is safe.
 */
static void check_nx(void)
{
	uint32_t eax, ebx, ecx, edx;
	bool cpu_nx = __get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) &&
		      (edx & CPUID_EXT_EDX_NX);
	uint64_t efer = rdmsr(MSR_EFER);

	if (cpu_nx && !(efer & EFER_NXE)) {
		klog(KLOG_WARN, "security: the loader left EFER.NXE off\n");
		wrmsr(MSR_EFER, efer | EFER_NXE);
	}
	features.nx = rdmsr(MSR_EFER) & EFER_NXE;
}

/* Without CR0.WP the kernel could write through read-only mappings. */
static void check_wp(void)
{
	uint64_t cr0 = read_cr0();

	if (!(cr0 & CR0_WP)) {
		klog(KLOG_WARN, "security: CR0.WP was off\n");
		write_cr0(cr0 | CR0_WP);
	}
	features.wp = true;
}

/*
 * SMAP comes last and, like the others, only if CPUID has it: CR4 bits
 * for absent features fault. RFLAGS.AC is cleared first so that SMAP is
 * not born open.
 */
static void enable_cr4_features(void)
{
	uint32_t ebx, ecx;
	uint64_t cr4 = read_cr4();

	cpuid7(&ebx, &ecx);
	features.smep = ebx & CPUID7_EBX_SMEP;
	features.smap = ebx & CPUID7_EBX_SMAP;
	features.umip = ecx & CPUID7_ECX_UMIP;
	if (features.smep)
		cr4 |= CR4_SMEP;
	if (features.umip)
		cr4 |= CR4_UMIP;
	smap_on = features.smap;
	if (features.smap) {
		__asm__ volatile("clac" ::: "cc");
		cr4 |= CR4_SMAP;
	}
	write_cr4(cr4);
}

static const char *on_off(bool on)
{
	return on ? "on" : "off";
}

/*
 * The kernel image and the higher half must be W^X (see wx_check.c).
 * Checked once the kernel runs on its own page tables (after mm_init).
 */
void security_check_wx(void)
{
	int wx = security_wx_check();
	uint64_t lower_wx = security_wx_lower_half_bytes();

	if (wx == 0)
		klog(KLOG_INFO, "security: W^X ok (text RX, rodata R, data RW "
				"NX; no W+X page in the higher half)\n");
	else
		klog(KLOG_ERR, "security: %d W^X violations\n", wx);
	if (lower_wx)
		klog(KLOG_INFO,
		     "security: %llu MiB W+X in the lower half (the loader's "
		     "identity map)\n",
		     (unsigned long long)(lower_wx >> 20));
}

/*
 * No stack protector here: stack_protector_init changes the canary while
 * this frame is live, so a check on return would see the old value. The
 * same holds for kmain, which never returns.
 */
__no_stack_protector void security_init(void)
{
	int err;

	check_nx();
	check_wp();
	enable_cr4_features();
	klog(KLOG_INFO, "security: SMEP %s, SMAP %s, UMIP %s, NX %s\n",
	     on_off(features.smep), on_off(features.smap),
	     on_off(features.umip), on_off(features.nx));
	if (!features.nx)
		klog(KLOG_WARN, "security: no NX: data is executable\n");
	features.canary_source = stack_protector_init();
	klog(KLOG_INFO, "security: stack protector on, canary from %s\n",
	     features.canary_source);
	err = kwatch_init();
	if (err)
		klog(KLOG_WARN, "security: kwatch unavailable (%d)\n", err);
}

/* What security_init turned on is what the control registers say. */
KTEST(security, cpu_features)
{
	uint32_t ebx, ecx;
	uint64_t cr4 = read_cr4();

	cpuid7(&ebx, &ecx);
	KT_ASSERT(read_cr0() & CR0_WP);
	KT_ASSERT(features.wp);
	KT_ASSERT(rdmsr(MSR_EFER) & EFER_NXE);
	KT_ASSERT(features.nx);
	KT_ASSERT_EQ(!!(cr4 & CR4_SMEP), !!(ebx & CPUID7_EBX_SMEP));
	KT_ASSERT_EQ(!!(cr4 & CR4_SMAP), !!(ebx & CPUID7_EBX_SMAP));
	KT_ASSERT_EQ(!!(cr4 & CR4_UMIP), !!(ecx & CPUID7_ECX_UMIP));
	KT_ASSERT_EQ(features.smep, !!(cr4 & CR4_SMEP));
	KT_ASSERT_EQ(features.smap, !!(cr4 & CR4_SMAP));
	KT_ASSERT_EQ(features.umip, !!(cr4 & CR4_UMIP));
}
