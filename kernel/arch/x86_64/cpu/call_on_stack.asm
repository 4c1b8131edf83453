; arch_call_on_stack(void *top, void (*fn)(void)) (<kernel/arch.h>):
; continue on another stack. kmain uses it (through mm_switch_to_kernel_stack)
; to leave the loader's stack for kernel stack 0, which has a guard page
; below it. The old stack is abandoned: nothing is saved.
;
; A frame record at the top of the new stack keeps backtraces readable:
; it holds the return address of our caller's frame (into kmain) and a
; saved rbp of 0, so a trace reads fn, arch_call_on_stack, kmain, and ends.
; This needs our caller to keep a frame pointer (the kernel is built so).

bits 64
section .text

global arch_call_on_stack
arch_call_on_stack:
	mov rax, [rbp + 8]	; where our caller will never return to
	mov rsp, rdi		; top: 16-byte aligned
	push rax
	push 0			; the end of the frame chain
	mov rbp, rsp
	call rsi		; fn starts with rsp = 8 mod 16, as the ABI says
	ud2			; fn returned: it must not
