/*
 * x86_64 signal frames, laid out as Linux does so that musl's and
 * glibc's handlers and sigreturn trampolines work unchanged:
 *
 *	rsp -> return address (sa_restorer, which calls rt_sigreturn)
 *	       struct ucontext (flags, link, the alternate stack,
 *	                        sigcontext with every register, the mask)
 *	       siginfo_t
 *	       ... the FPU state (XSAVE or FXSAVE image, 64-byte aligned,
 *	           with the FP_XSTATE magic words when XSAVE), which
 *	           uc_mcontext.fpstate points at
 *
 * below the interrupted stack's red zone (128 bytes), or at the top of
 * the alternate stack with SA_ONSTACK. rt_sigreturn reads it all back;
 * a frame that cannot be written or read kills with SIGSEGV.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "cpu/cpu.h"

#define RED_ZONE 128
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define FPX_SW_OFFSET 464
#define NR_restart_syscall 219

/* What user code may set in RFLAGS through a signal frame. */
#define RFLAGS_USER_MASK 0x50dd5 /* AC RF OF DF TF SF ZF AF PF CF */
#define RFLAGS_IF (1ULL << 9)
#define RFLAGS_DF (1ULL << 10)
#define RFLAGS_TF (1ULL << 8)
#define RFLAGS_RF (1ULL << 16)

struct sigcontext_k {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};
_Static_assert(sizeof(struct sigcontext_k) == 256, "sigcontext size");

struct stack_k {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

struct ucontext_k {
	uint64_t flags;
	uint64_t link;
	struct stack_k stack;
	struct sigcontext_k mcontext;
	uint64_t sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext_k uc;
	struct siginfo info;
};

struct fpx_sw_bytes {
	uint32_t magic1, extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size, padding[7];
};

static void save_regs(struct sigcontext_k *sc, const struct trap_frame *tf)
{
	*sc = (struct sigcontext_k){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11,
		.r12 = tf->r12, .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15,
		.rdi = tf->rdi, .rsi = tf->rsi, .rbp = tf->rbp, .rbx = tf->rbx,
		.rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx, .rsp = tf->rsp,
		.rip = tf->rip, .eflags = tf->rflags, .cs = (uint16_t)tf->cs,
		.ss = (uint16_t)tf->ss,
		.trapno = tf->vector < 32 ? tf->vector : 0,
		.err = tf->vector < 32 ? tf->error_code : 0,
	};
}

static bool on_altstack(const struct task_signal *ts, uint64_t sp)
{
	return ts->altstack_size && sp > ts->altstack_sp &&
	       sp - ts->altstack_sp <= ts->altstack_size;
}

/* Where the frame ends (its top): the alternate stack or below rsp. */
static uint64_t frame_top(struct task *t, const struct trap_frame *tf,
			  const struct k_sigaction *act)
{
	struct task_signal *ts = t->sig;

	if ((act->flags & SA_ONSTACK) && ts->altstack_size &&
	    !(ts->altstack_flags & SS_DISABLE) && !on_altstack(ts, tf->rsp)) {
		uint64_t top = ts->altstack_sp + ts->altstack_size;

		if (ts->altstack_flags & SS_AUTODISARM) {
			ts->altstack_sp = 0;
			ts->altstack_size = 0;
			ts->altstack_flags = SS_DISABLE;
		}
		return top;
	}
	return tf->rsp - RED_ZONE;
}

/* The FPU image, with XSAVE's software bytes, at user address ufp. */
static int save_fpu(struct task *t, uint64_t ufp)
{
	size_t size = fpu_area_size();
	uint32_t magic2 = FP_XSTATE_MAGIC2;
	struct fpx_sw_bytes sw = {0};

	fpu_save(t->arch.fpu);
	if (copy_to_user(ufp, t->arch.fpu, size))
		return -EFAULT;
	if (!fpu_has_xsave())
		return 0;
	sw.magic1 = FP_XSTATE_MAGIC1;
	sw.extended_size = (uint32_t)size + 4;
	sw.xfeatures = fpu_xfeatures();
	sw.xstate_size = (uint32_t)size;
	if (copy_to_user(ufp + FPX_SW_OFFSET, &sw, sizeof(sw)) ||
	    copy_to_user(ufp + size, &magic2, 4))
		return -EFAULT;
	return 0;
}

static void fill_uc(struct ucontext_k *uc, struct task *t,
		    const struct trap_frame *tf, sigset_t old, uint64_t ufp)
{
	struct task_signal *ts = t->sig;

	memset(uc, 0, sizeof(*uc));
	uc->flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
		    (fpu_has_xsave() ? UC_FP_XSTATE : 0);
	uc->stack.sp = ts->altstack_sp;
	uc->stack.size = ts->altstack_size;
	uc->stack.flags = (int32_t)(ts->altstack_size ? (on_altstack(ts, tf->rsp)
								   ? SS_ONSTACK
								   : 0)
						      : SS_DISABLE);
	save_regs(&uc->mcontext, tf);
	uc->mcontext.oldmask = old;
	uc->mcontext.fpstate = ufp;
	if (tf->vector == VEC_PF)
		uc->mcontext.cr2 = read_cr2();
	uc->sigmask = old;
}

int arch_signal_frame(struct trap_frame *tf, int sig, const struct siginfo *info,
		      const struct k_sigaction *act, sigset_t old)
{
	struct task *t = current_task();
	uint64_t top = frame_top(t, tf, act);
	uint64_t ufp = ALIGN_DOWN(top - fpu_area_size() - 4, 64);
	uint64_t sp = ALIGN_DOWN(ufp - sizeof(struct rt_sigframe), 16) - 8;
	struct rt_sigframe frame;

	if (!(act->flags & SA_RESTORER))
		return -EFAULT; /* x86_64 has no kernel-made trampoline */
	fill_uc(&frame.uc, t, tf, old, ufp);
	frame.pretcode = act->restorer;
	frame.info = *info;
	if (save_fpu(t, ufp) || copy_to_user(sp, &frame, sizeof(frame)))
		return -EFAULT;
	memcpy(t->arch.fpu, fpu_initial_state(), fpu_area_size());
	fpu_restore(t->arch.fpu); /* the handler starts with a clean FPU */
	tf->rdi = (uint64_t)sig;
	tf->rsi = sp + __builtin_offsetof(struct rt_sigframe, info);
	tf->rdx = sp + __builtin_offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rip = act->handler;
	tf->rsp = sp;
	tf->rflags &= ~(RFLAGS_DF | RFLAGS_TF | RFLAGS_RF);
	tf->cs = GDT_USER_CS | 3;
	tf->ss = GDT_USER_DS | 3;
	return 0;
}

void arch_syscall_restart(struct trap_frame *tf, bool handler, bool sa_restart)
{
	long ret = (long)tf->rax;
	bool restart;

	if (tf->vector != TRAP_SYSCALL)
		return;
	switch (-ret) {
	case ERESTARTSYS:
		restart = !handler || sa_restart;
		break;
	case ERESTARTNOINTR:
		restart = true;
		break;
	case ERESTARTNOHAND:
	case ERESTART_RESTARTBLOCK:
		restart = !handler;
		break;
	default:
		return;
	}
	if (!restart) {
		tf->rax = (uint64_t)-EINTR;
		return;
	}
	tf->rax = -ret == ERESTART_RESTARTBLOCK ? NR_restart_syscall
						: tf->error_code;
	tf->rip -= 2; /* the syscall instruction again */
}

/* The registers from a frame's sigcontext; rflags limited, selectors fixed. */
static void restore_regs(struct trap_frame *tf, const struct sigcontext_k *sc)
{
	tf->r8 = sc->r8, tf->r9 = sc->r9, tf->r10 = sc->r10, tf->r11 = sc->r11;
	tf->r12 = sc->r12, tf->r13 = sc->r13, tf->r14 = sc->r14;
	tf->r15 = sc->r15, tf->rdi = sc->rdi, tf->rsi = sc->rsi;
	tf->rbp = sc->rbp, tf->rbx = sc->rbx, tf->rdx = sc->rdx;
	tf->rax = sc->rax, tf->rcx = sc->rcx, tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~RFLAGS_USER_MASK) |
		     (sc->eflags & RFLAGS_USER_MASK) | RFLAGS_IF;
	tf->cs = GDT_USER_CS | 3;
	tf->ss = GDT_USER_DS | 3;
	tf->vector = TRAP_RESTORED; /* no longer a system call: no restart */
}

static int restore_fpu(struct task *t, uint64_t ufp)
{
	if (!ufp) { /* none saved: a clean state */
		memcpy(t->arch.fpu, fpu_initial_state(), fpu_area_size());
	} else if (copy_from_user(t->arch.fpu, ufp, fpu_area_size())) {
		return -EFAULT;
	}
	fpu_sanitize(t->arch.fpu);
	fpu_restore(t->arch.fpu);
	return 0;
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct task *t = current_task();
	struct trap_frame *tf = arch_task_frame(t);
	uint64_t uframe = tf->rsp - 8; /* the handler's ret took pretcode */
	struct ucontext_k uc;

	if (copy_from_user(&uc, uframe + __builtin_offsetof(struct rt_sigframe,
							    uc),
			   sizeof(uc)) ||
	    restore_fpu(t, uc.mcontext.fpstate)) {
		signal_force_segv();
		return -EFAULT;
	}
	restore_regs(tf, &uc.mcontext);
	signal_set_blocked(t, uc.sigmask);
	signal_set_altstack(t, uc.stack.sp, uc.stack.size,
			    (uint32_t)uc.stack.flags);
	t->arch.full_restore = true; /* rcx and r11 are the program's */
	return (long)tf->rax;
}
