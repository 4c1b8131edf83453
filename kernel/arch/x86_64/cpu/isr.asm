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

bits 64
default rel

section .text

extern trap_dispatch

; The stubs isr_stub_0 .. isr_stub_255, 16 bytes apart. Only vectors 8,
; 10-14, 17, 21, 29 and 30 get an error code from the CPU.
%assign v 0
%rep 256
	align 16
isr_stub_%+v:
%if !(v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30)
	push qword 0		; the error code slot
%endif
	push qword v
	jmp isr_common
%assign v v + 1
%endrep

; Build the frame, call trap_dispatch, restore and return. The pushes
; below are struct trap_frame's fields from rax down to r15.
	align 16
global isr_common:function hidden
isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld			; the C ABI wants DF clear
	; The interrupted code may be in the kernel with any GS base; user
	; mode (issue 5) will need swapgs here when CS has RPL 3.
	mov rdi, rsp		; struct trap_frame *
	; A fake call frame (saved rbp, return address) made of the
	; interrupted rbp and rip, so that a backtrace taken inside a handler
	; walks on through the trap into the interrupted code.
	push qword [rdi + 17 * 8]	; tf->rip
	push qword [rdi + 8 * 8]	; tf->rbp
	mov rbp, rsp
	call trap_dispatch
	add rsp, 16
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16		; vector and error code
	iretq

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
