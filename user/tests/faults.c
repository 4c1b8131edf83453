/*
 * faults.c - signals from CPU faults (built both static and static-PIE).
 *   SIGSEGV: NULL read (SEGV_MAPERR, si_addr), write to .rodata
 *   (SEGV_ACCERR), a kernel-half address (SEGV_MAPERR), a non-canonical
 *   address and privileged instructions (hlt, cli, in: #GP, SI_KERNEL);
 *   executing the stack (NX: PT_GNU_STACK honoured), a PROT_READ page and an
 *   unmapped page. SIGFPE: divide by zero and INT_MIN / -1 (FPE_INTDIV,
 *   si_addr at the instruction). SIGILL: ud2 (ILL_ILLOPN). SIGTRAP: int3
 *   (SI_KERNEL, rip after it), the trap flag (TRAP_TRACE). The handler
 *   resumes elsewhere by changing rip. A blocked or ignored fault signal
 *   still kills; a fault in its own handler kills; a stack overflow is
 *   caught on an alternate stack, or kills without one. -z execstack runs
 *   code on the stack.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

/* One faulting instruction each, at the label NAME_insn; the handler
 * resumes at NAME_end, which returns. */
__asm__(".text\n"
	"f_read: f_read_insn: mov (%rdi), %rax\n"
	"f_read_end: ret\n"
	"f_write: f_write_insn: movb $1, (%rdi)\n"
	"f_write_end: ret\n"
	"f_jump: jmp *%rdi\n"
	"f_jump_end: ret\n"
	"f_div: xor %edx, %edx\n mov $1, %eax\n xor %ecx, %ecx\n"
	"f_div_insn: div %ecx\n"
	"f_div_end: ret\n"
	"f_idiv: mov $0x80000000, %eax\n cdq\n mov $-1, %ecx\n"
	"f_idiv_insn: idiv %ecx\n"
	"f_idiv_end: ret\n"
	"f_ud2: f_ud2_insn: ud2\n"
	"f_ud2_end: ret\n"
	"f_int3: f_int3_insn: int3\n"
	"f_int3_end: ret\n"
	"f_hlt: f_hlt_insn: hlt\n"
	"f_hlt_end: ret\n"
	"f_cli: f_cli_insn: cli\n"
	"f_cli_end: ret\n"
	"f_in: mov $0x60, %dx\n f_in_insn: inb %dx, %al\n"
	"f_in_end: ret\n"
	"f_noncanon: movabs $0x8000000000000000, %rax\n"
	"f_noncanon_insn: mov (%rax), %rax\n"
	"f_noncanon_end: ret\n"
	"f_tf: pushf\n orl $0x100, (%rsp)\n popf\n nop\n"
	"f_tf_end: ret\n");

#define DECL(n) extern void n(void *), n##_insn(void), n##_end(void)
DECL(f_read);
DECL(f_write);
DECL(f_div);
DECL(f_idiv);
DECL(f_ud2);
DECL(f_int3);
DECL(f_hlt);
DECL(f_cli);
DECL(f_in);
DECL(f_noncanon);
extern void f_jump(void *), f_jump_end(void), f_tf(void *), f_tf_end(void);

static volatile int got_sig, got_code;
static volatile uintptr_t got_addr, got_rip, resume_at;

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	got_rip = uc->uc_mcontext.gregs[REG_RIP];
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L; /* TF */
	if (resume_at)
		uc->uc_mcontext.gregs[REG_RIP] = resume_at;
}

static const char *code_name(int sig, int code)
{
	if (code == SI_KERNEL)
		return "SI_KERNEL";
	switch (sig) {
	case SIGSEGV:
		return code == SEGV_MAPERR   ? "SEGV_MAPERR"
		       : code == SEGV_ACCERR ? "SEGV_ACCERR"
					     : "other";
	case SIGFPE:
		return code == FPE_INTDIV ? "FPE_INTDIV" : "other";
	case SIGILL:
		return code == ILL_ILLOPN ? "ILL_ILLOPN" : "other";
	case SIGTRAP:
		return code == TRAP_TRACE   ? "TRAP_TRACE"
		       : code == TRAP_BRKPT ? "TRAP_BRKPT"
					    : "other";
	}
	return "other";
}

/* Run fn(arg), expect signal sig with si_code; print the code and whether
 * si_addr is want_addr. */
static void fault(const char *label, void (*fn)(void *), void *arg,
		  void (*end)(void), int want_sig, const char *want_code,
		  uintptr_t want_addr)
{
	got_sig = 0;
	resume_at = (uintptr_t)end;
	fn(arg);
	resume_at = 0;
	char what[64];
	snprintf(what, sizeof(what), "%s %s", t_signame(got_sig),
		 code_name(got_sig, got_code));
	char want[64];
	snprintf(want, sizeof(want), "%s %s", t_signame(want_sig), want_code);
	T_STREQ(label, what, want);
	T_EQ("  si_addr as expected", got_addr == want_addr, 1);
}

static const char rodata[16] = "read only";

static int blocked_segv(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, (int)(long)arg);
	sigprocmask(SIG_BLOCK, &s, NULL);
	if ((long)arg == SIGSEGV)
		f_read(BAD_NULL);
	else
		f_div(NULL);
	return 0;
}

static int ignored_segv(void *arg)
{
	(void)arg;
	signal(SIGSEGV, SIG_IGN);
	f_read(BAD_NULL);
	return 0;
}

static void faulting_handler(int sig)
{
	(void)sig;
	f_read(BAD_NULL);
}

static int fault_in_handler(void *arg)
{
	(void)arg;
	signal(SIGSEGV, faulting_handler);
	f_read(BAD_NULL);
	return 0;
}

static void overflow_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	_exit(si->si_code == SEGV_MAPERR ? 0 : 1);
}

static volatile int keep_going = 1;

static int recurse(int n)
{
	volatile char buf[4096];
	buf[0] = (char)n;
	if (!keep_going)
		return 0;
	return recurse(n + 1) + buf[0];
}

static int overflow(void *arg)
{
	static char alt[64 * 1024];
	if (arg) {
		stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)};
		sigaltstack(&ss, NULL);
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = overflow_handler;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
		sigaction(SIGSEGV, &sa, NULL);
	}
	return recurse(0);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	int sigs[] = {SIGSEGV, SIGFPE, SIGILL, SIGTRAP, SIGBUS};
	for (int i = 0; i < 5; i++)
		sigaction(sigs[i], &sa, NULL);

	fault("read NULL", f_read, BAD_NULL, f_read_end, SIGSEGV, "SEGV_MAPERR",
	      0);
	fault("read address 1", f_read, BAD_ONE, f_read_end, SIGSEGV,
	      "SEGV_MAPERR", 1);
	fault("write .rodata", f_write, (void *)rodata, f_write_end, SIGSEGV,
	      "SEGV_ACCERR", (uintptr_t)rodata);
	fault("read a kernel-half address", f_read, BAD_KERN, f_read_end,
	      SIGSEGV, "SEGV_MAPERR", (uintptr_t)BAD_KERN);
	fault("read the kernel image area", f_read, BAD_KTEXT, f_read_end,
	      SIGSEGV, "SEGV_MAPERR", (uintptr_t)BAD_KTEXT);
	fault("read a non-canonical address", f_noncanon, NULL, f_noncanon_end,
	      SIGSEGV, "SI_KERNEL", 0);
	fault("hlt", f_hlt, NULL, f_hlt_end, SIGSEGV, "SI_KERNEL", 0);
	fault("cli", f_cli, NULL, f_cli_end, SIGSEGV, "SI_KERNEL", 0);
	fault("inb from port 0x60", f_in, NULL, f_in_end, SIGSEGV, "SI_KERNEL",
	      0);

	unsigned char stackcode[16] = {0xc3};
	fault("execute the stack (PT_GNU_STACK without X)", f_jump, stackcode,
	      f_jump_end, SIGSEGV, "SEGV_ACCERR", (uintptr_t)stackcode);
	unsigned char *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro[0] = 0xc3;
	mprotect(ro, 4096, PROT_READ);
	fault("execute a PROT_READ page", f_jump, ro, f_jump_end, SIGSEGV,
	      "SEGV_ACCERR", (uintptr_t)ro);
	munmap(ro, 4096);
	fault("execute an unmapped page", f_jump, ro, f_jump_end, SIGSEGV,
	      "SEGV_MAPERR", (uintptr_t)ro);

	fault("divide by zero", f_div, NULL, f_div_end, SIGFPE, "FPE_INTDIV",
	      (uintptr_t)f_div_insn);
	fault("INT_MIN / -1", f_idiv, NULL, f_idiv_end, SIGFPE, "FPE_INTDIV",
	      (uintptr_t)f_idiv_insn);
	fault("ud2", f_ud2, NULL, f_ud2_end, SIGILL, "ILL_ILLOPN",
	      (uintptr_t)f_ud2_insn);
	fault("int3", f_int3, NULL, NULL, SIGTRAP, "SI_KERNEL", 0);
	T_EQ("  rip after int3", got_rip == (uintptr_t)f_int3_end, 1);
	fault("trap flag", f_tf, NULL, NULL, SIGTRAP, "TRAP_TRACE",
	      (uintptr_t)f_tf_end);
	T_EQ("  rip after the traced instruction",
	     got_rip == (uintptr_t)f_tf_end, 1);

	T_STATUS("SIGSEGV blocked: still killed",
		 t_run(blocked_segv, (void *)SIGSEGV), "signal SIGSEGV");
	T_STATUS("SIGFPE blocked: still killed",
		 t_run(blocked_segv, (void *)SIGFPE), "signal SIGFPE");
	T_STATUS("SIGSEGV ignored: still killed", t_run(ignored_segv, NULL),
		 "signal SIGSEGV");
	T_STATUS("a fault in the SIGSEGV handler kills",
		 t_run(fault_in_handler, NULL), "signal SIGSEGV");
	T_STATUS("stack overflow without an alternate stack kills",
		 t_run(overflow, NULL), "signal SIGSEGV");
	T_STATUS("stack overflow caught on an alternate stack (SEGV_MAPERR)",
		 t_run(overflow, (void *)1), "exit 0");

	pid_t pid = t_fork();
	if (pid == 0) {
		char *argv[] = {"execstack", NULL};
		char *env[] = {NULL};
		execve("/bin/execstack", argv, env);
		_exit(127);
	}
	T_STATUS("-z execstack: code on the stack runs", t_wait(pid), "exit 0");
	t_done();
}
