/*
 * Exceptions raised by user code become signals to the thread, as Linux
 * sends them (signal number, si_code and si_addr): a page fault outside
 * any mapping is SIGSEGV/SEGV_MAPERR, one against the mapping's
 * protection SEGV_ACCERR, a divide error SIGFPE/FPE_INTDIV at the
 * instruction, ud2 SIGILL/ILL_ILLOPN, int3 SIGTRAP, a general protection
 * fault SIGSEGV with SI_KERNEL. Out of memory while resolving a fault
 * kills the process (SIGKILL), never the kernel.
 */
#include <kernel/errno.h>
#include <kernel/signal.h>

#include "cpu/cpu.h"

#define MXCSR_IE 0x01
#define MXCSR_ZE 0x04
#define MXCSR_OE 0x08
#define MXCSR_UE 0x10
#define MXCSR_PE 0x20

/* An SSE exception's si_code, from MXCSR's flags that are unmasked. */
static int simd_code(void)
{
	uint32_t mxcsr, raised;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	raised = mxcsr & ~(mxcsr >> 7) & 0x3f;
	if (raised & MXCSR_IE)
		return FPE_FLTINV;
	if (raised & MXCSR_ZE)
		return FPE_FLTDIV;
	if (raised & MXCSR_OE)
		return FPE_FLTOVF;
	if (raised & MXCSR_UE)
		return FPE_FLTUND;
	if (raised & MXCSR_PE)
		return FPE_FLTRES;
	return 0;
}

static void page_fault_signal(struct trap_frame *tf, int err)
{
	uintptr_t addr = read_cr2();

	if (err == -ENOMEM) {
		signal_force_fault(SIGKILL, SI_KERNEL, 0);
		return;
	}
	if (err == -EIO) {
		signal_force_fault(SIGBUS, BUS_ADRERR, addr);
		return;
	}
	signal_force_fault(SIGSEGV, err == -EACCES ? SEGV_ACCERR : SEGV_MAPERR,
			   addr);
}

void user_exception(struct trap_frame *tf, int fault_err)
{
	switch (tf->vector) {
	case VEC_PF:
		page_fault_signal(tf, fault_err);
		break;
	case VEC_DE:
		signal_force_fault(SIGFPE, FPE_INTDIV, tf->rip);
		break;
	case VEC_DB:
		signal_force_fault(SIGTRAP, TRAP_TRACE, tf->rip);
		break;
	case VEC_BP:
		signal_force_fault(SIGTRAP, SI_KERNEL, 0);
		break;
	case VEC_UD:
		signal_force_fault(SIGILL, ILL_ILLOPN, tf->rip);
		break;
	case VEC_MF:
		signal_force_fault(SIGFPE, 0, tf->rip);
		break;
	case VEC_XM:
		signal_force_fault(SIGFPE, simd_code(), tf->rip);
		break;
	case VEC_AC:
		signal_force_fault(SIGBUS, BUS_ADRALN, tf->rip);
		break;
	case VEC_NP:
	case VEC_SS:
		signal_force_fault(SIGBUS, SI_KERNEL, 0);
		break;
	default: /* #GP, #OF, #BR, #TS and the rest */
		signal_force_fault(SIGSEGV, SI_KERNEL, 0);
		break;
	}
}
