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
; The way back is SYSRET when syscall_handler says the frame allows it
; (user code and stack selectors, a canonical lower-half rip: SYSRET with
; a non-canonical rcx would fault in ring 0 on Intel CPUs, with the
; user's stack), else IRETQ through isr_exit.

bits 64
default rel

%include "cpu/frame.inc"

section .text

extern syscall_handler
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
	mov rdi, rsp
	push qword [rdi + TF_RIP]	; a fake call frame for backtraces
	push qword [rdi + TF_RBP]
	mov rbp, rsp
	call syscall_handler		; returns with interrupts off
	add rsp, 16
	test eax, eax
	jnz isr_exit			; the frame needs IRETQ
	mov r15, [rsp + 0]
	mov r14, [rsp + 8]
	mov r13, [rsp + 16]
	mov r12, [rsp + 24]
	mov r10, [rsp + 40]
	mov r9, [rsp + 48]
	mov r8, [rsp + 56]
	mov rbp, [rsp + 64]
	mov rdi, [rsp + 72]
	mov rsi, [rsp + 80]
	mov rdx, [rsp + 88]
	mov rbx, [rsp + 104]
	mov rax, [rsp + 112]
	mov rcx, [rsp + TF_RIP]
	mov r11, [rsp + TF_RFLAGS]
	mov rsp, [rsp + TF_RSP]
	swapgs
	o64 sysret

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
