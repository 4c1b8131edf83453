; The ways into and out of user mode that are not interrupts, and the
; switch between tasks (see cpu/isr.asm for interrupts and exceptions).
;
; syscall_entry: where SYSCALL lands (MSR_LSTAR, cpu/syscall.c). The CPU
; has put the user's rip in rcx and rflags in r11, masked IF, DF, TF and
; AC (MSR_SFMASK), and changed nothing else: rsp is still the user's and
; GS the user's. swapgs, then the task's kernel stack from struct percpu,
; then a struct trap_frame like an interrupt's (vector TRAP_SYSCALL, the
; syscall number in the error-code slot: the original rax, for restarts),
; so that signals and ptrace-like code see one frame layout.
;
; The handler is called straight from the system call table, and the way
; back is SYSRET unless there is work before user mode (then
; syscall_exit_work decides: a frame SYSRET cannot restore, say a
; non-canonical rip, which would fault in ring 0 on Intel CPUs with the
; user's stack, goes through IRETQ and isr_exit). getpid costs what this
; path costs: it is written for that.

bits 64
default rel

%include "cpu/frame.inc"

section .text

extern syscall_dispatch_frame
extern syscall_exit_work
extern syscall_table
extern syscall_table_len
extern syscall_traced
extern sched_task_entry
extern isr_exit

	align 16
global syscall_entry:function hidden
syscall_entry:
	swapgs
	mov [gs:PERCPU_USER_RSP], rsp
	mov rsp, [gs:PERCPU_KERNEL_RSP]
	push qword USER_SS
	push qword [gs:PERCPU_USER_RSP]
	push r11			; rflags
	push qword USER_CS
	push rcx			; rip
	push rax			; error-code slot: the syscall number
	push qword TRAP_SYSCALL
	PUSH_REGS
	push qword [rsp + TF_RIP]	; a fake call frame for backtraces
	push rbp
	mov rbp, rsp
	sti
	; The handler straight from the table: the arguments are in place
	; but the fourth (r10 for SYSCALL, rcx for C). Tracing, or a number
	; beyond the table, goes through C (syscall_dispatch_frame).
	cmp byte [rel syscall_traced], 0
	jne .slow
	cmp rax, [rel syscall_table_len]
	jae .slow
	lea r11, [rel syscall_table]
	mov rcx, r10
	call [r11 + rax * 8]
	mov [rsp + 16 + TF_RAX], rax
.done:
	cli
	; Work before user mode (a switch, a signal, a frame rewritten for
	; IRETQ, single-stepping) is C's (syscall_exit_work).
	mov r11, [gs:PERCPU_CURRENT]
	cmp word [r11 + TASK_EXIT_WORK], 0
	jne .work
	cmp byte [r11 + TASK_FULL_RESTORE], 0
	jne .work
	test qword [rsp + 16 + TF_RFLAGS], RFLAGS_TF | RFLAGS_RF
	jnz .work
	add rsp, 16
.sysret:
	; rbx and r12-r15 are still the user's: the C code saved and
	; restored them, and whatever rewrites them in the frame (sigreturn,
	; exec) asks for IRETQ. The rest comes from the frame (rbp too: the
	; fake frame above took it).
	mov r10, [rsp + 40]
	mov r9, [rsp + 48]
	mov r8, [rsp + 56]
	mov rbp, [rsp + 64]
	mov rdi, [rsp + 72]
	mov rsi, [rsp + 80]
	mov rdx, [rsp + 88]
	mov rax, [rsp + TF_RAX]
	mov rcx, [rsp + TF_RIP]
	mov r11, [rsp + TF_RFLAGS]
	mov rsp, [rsp + TF_RSP]
	swapgs
	o64 sysret
.slow:
	lea rdi, [rsp + 16]
	call syscall_dispatch_frame
	jmp .done
.work:
	lea rdi, [rsp + 16]
	call syscall_exit_work		; returns with interrupts off
	add rsp, 16
	test eax, eax
	jnz isr_exit			; the frame needs IRETQ
	jmp .sysret

; noreturn void arch_return_to_user(struct trap_frame *tf): enter user
; mode with tf's registers (a new process after exec, a forked child).
; Interrupts off.
	align 16
global arch_return_to_user:function hidden
arch_return_to_user:
	mov rsp, rdi
	jmp isr_exit

; void arch_switch_stacks(uintptr_t *save_sp, uintptr_t next_sp): save
; the callee-saved registers on this stack and its pointer in *save_sp,
; then load next_sp and pop the next task's. A task switched out here
; resumes by returning from this call.
	align 16
global arch_switch_stacks:function hidden
arch_switch_stacks:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; Where a new task's first switch returns to (arch_task_init builds the
; frame): the stack is 16-byte aligned here, as before a call.
	align 16
global arch_task_trampoline:function hidden
arch_task_trampoline:
	xor ebp, ebp			; the end of the frame chain
	call sched_task_entry
	ud2				; sched_task_entry does not return

section .note.GNU-stack noalloc noexec nowrite progbits
