; Interrupt and exception entry: one small stub per vector (256), which
; makes every vector look alike — an error code slot (0 where the CPU
; pushes none) and the vector number — and jumps to isr_common, which
; saves the general registers to complete a struct trap_frame
; (<kernel/interrupt.h>) and calls trap_dispatch(frame) in idt.c. This is
; assembly because C cannot save every register, nor return with iretq.
;
; Stack on entry to isr_common, from high to low addresses:
;   ss, rsp, rflags, cs, rip   pushed by the CPU (rsp 16-byte aligned first)
;   error_code                 by the CPU (8, 10-14, 17, 21, 29, 30) or stub
;   vector                     by the stub
; then isr_common pushes rax .. r15, so r15 ends up at the lowest address,
; as struct trap_frame has it: 22 quadwords (176 bytes, 16-byte multiple).
; From user mode the CPU switched to the task's kernel stack (TSS.RSP0)
; first, so a user task's frame always sits at the top of that stack.

bits 64
default rel

%include "cpu/frame.inc"

section .text

extern trap_dispatch
extern cpu_fsgsbase

; The stubs isr_stub_0 .. isr_stub_255, 16 bytes apart. Only vectors 8,
; 10-14, 17, 21, 29 and 30 get an error code from the CPU. NMI, #DF and
; #MC go to isr_paranoid: they may arrive at any instruction, even in the
; few where the kernel runs with the user's GS base.
%assign v 0
%rep 256
	align 16
isr_stub_%+v:
%if !(v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30)
	push qword 0		; the error code slot
%endif
	push qword v
%if v == 2 || v == 8 || v == 18
	jmp isr_paranoid
%else
	jmp isr_common
%endif
%assign v v + 1
%endrep

; Call trap_dispatch(frame at rsp) with a fake call frame (saved rbp,
; return address) made of the interrupted rbp and rip, so that a
; backtrace taken inside a handler walks on into the interrupted code.
%macro CALL_DISPATCH 0
	mov rdi, rsp		; struct trap_frame *
	push qword [rdi + TF_RIP]
	push qword [rdi + TF_RBP]
	mov rbp, rsp
	call trap_dispatch
	add rsp, 16
%endmacro

; Build the frame, call trap_dispatch, restore and return. From user
; mode (CS with RPL 3) the GS base is the user's: swapgs makes it the
; CPU's own (struct percpu) for the kernel, and back on the way out.
; trap_dispatch returns with interrupts off, having done what must
; happen before a return to user mode (signals, rescheduling).
	align 16
global isr_common:function hidden
isr_common:
	PUSH_REGS
	test qword [rsp + TF_CS], 3
	jz .from_kernel
	swapgs
.from_kernel:
	CALL_DISPATCH
global isr_exit:function hidden
isr_exit:			; rsp: a struct trap_frame to return to
	test qword [rsp + TF_CS], 3
	jz .to_kernel
	swapgs
.to_kernel:
	POP_REGS
	add rsp, 16		; vector and error code
	iretq

; NMI, #DF, #MC: they may come between SYSCALL and its swapgs, so the
; GS base decides, not CS. Without FSGSBASE a kernel GS base is a
; higher-half address (bit 63 set): anything else is the user's, which is
; swapped for the kernel's and back. With FSGSBASE the user may have set
; any GS base: the one at entry is saved, this CPU's percpu pointer (the
; word above the IST stack's top, cpu/gdt.c) loaded, and the saved one
; put back. rbx (callee-saved) remembers.
	align 16
isr_paranoid:
	PUSH_REGS
	cmp byte [rel cpu_fsgsbase], 0
	jne .fsgsbase
	xor ebx, ebx
	mov ecx, MSR_GS_BASE
	rdmsr
	test edx, edx
	js .kernel_gs
	swapgs
	mov ebx, 1
.kernel_gs:
	CALL_DISPATCH
	test ebx, ebx
	jz .restore
	swapgs
.restore:
	POP_REGS
	add rsp, 16
	iretq
.fsgsbase:
	rdgsbase rbx
	mov rax, [rsp + TF_SIZE + 8]
	wrgsbase rax
	CALL_DISPATCH
	wrgsbase rbx
	jmp .restore

; The stub addresses, for idt.c. In the data segment: the loader's
; relocations (R_X86_64_RELATIVE) slide them with the image.
section .data.rel.ro
	align 8
global isr_stub_table:data hidden
isr_stub_table:
%assign v 0
%rep 256
	dq isr_stub_%+v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
