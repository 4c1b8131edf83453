; Copies between kernel and user memory that survive a bad user address:
; each instruction that may fault on user memory has an entry in the
; exception table (section .ex_table: its address, then where to resume),
; and the page-fault handler resumes there instead of reporting a kernel
; bug (cpu/exceptions.c). The callers (kernel/mm/uaccess.c) have checked
; that the user range lies in the user half; the fault is for pages that
; are not there or not allowed. With SMAP on, STAC/CLAC bracket the user
; access (smap_on is set by security_init).

bits 64
default rel

section .text

extern smap_on

%macro USER_BEGIN 0
	cmp byte [smap_on], 0
	je %%off
	stac
%%off:
%endmacro

%macro USER_END 0
	cmp byte [smap_on], 0
	je %%off
	clac
%%off:
%endmacro

%macro EX_ENTRY 2
	section .ex_table progbits alloc noexec write align=8
	align 8
	dq %1, %2
	section .text
%endmacro

; size_t arch_copy_user(void *dst, const void *src, size_t n): the bytes
; NOT copied (0: all of them). Eight bytes a step, then the odd ones (a
; step of a rep instruction is one instruction under QEMU's -icount); a
; fault in the 8-byte steps goes on byte by byte from where it stopped,
; so that the count is exact to the byte.
	align 16
global arch_copy_user:function hidden
arch_copy_user:
	USER_BEGIN
	mov rcx, rdx
	shr rcx, 3
	and edx, 7
.copyq:
	rep movsq
	mov rcx, rdx
.copy:
	rep movsb
.done:
	USER_END
	mov rax, rcx
	ret
.faultq:
	lea rcx, [rcx * 8 + rdx]
	jmp .copy
	EX_ENTRY .copyq, .faultq
	EX_ENTRY .copy, .done

; long arch_strncpy_user(char *dst, const char *src, size_t n): copy up
; to n bytes, stopping after a NUL: the string's length (the NUL copied),
; n if there was no NUL in n bytes, or -14 (-EFAULT) on a fault.
	align 16
global arch_strncpy_user:function hidden
arch_strncpy_user:
	USER_BEGIN
	xor eax, eax
.next:
	cmp rax, rdx
	je .end
.load:
	movzx ecx, byte [rsi + rax]
	mov [rdi + rax], cl
	test ecx, ecx
	jz .end
	inc rax
	jmp .next
.end:
	USER_END
	ret
.fault:
	USER_END
	mov rax, -14
	ret
	EX_ENTRY .load, .fault

; size_t arch_clear_user(void *dst, size_t n): the bytes NOT zeroed.
	align 16
global arch_clear_user:function hidden
arch_clear_user:
	USER_BEGIN
	mov rcx, rsi
	shr rcx, 3
	and esi, 7
	xor eax, eax
.zeroq:
	rep stosq
	mov rcx, rsi
.zero:
	rep stosb
.zdone:
	USER_END
	mov rax, rcx
	ret
.zfaultq:
	lea rcx, [rcx * 8 + rsi]
	jmp .zero
	EX_ENTRY .zeroq, .zfaultq
	EX_ENTRY .zero, .zdone

; int arch_cmpxchg_user(uint32_t *uaddr, uint32_t old, uint32_t new,
; uint32_t *found): atomically compare *uaddr with old and store new if
; equal; *found gets what was there. 0, or -14 on a fault (futexes).
	align 16
global arch_cmpxchg_user:function hidden
arch_cmpxchg_user:
	USER_BEGIN
	mov eax, esi
.cas:
	lock cmpxchg [rdi], edx
	mov [rcx], eax
	USER_END
	xor eax, eax
	ret
.casfault:
	USER_END
	mov rax, -14
	ret
	EX_ENTRY .cas, .casfault

; int arch_xchg_op_user(uint32_t *uaddr, int op, uint32_t arg,
; uint32_t *old): atomically apply FUTEX_OP's op (0 set, 1 add, 2 or,
; 3 andn, 4 xor) with arg to *uaddr; *old gets the previous value.
; 0, -14 on a fault, -38 (-ENOSYS) for an unknown op.
	align 16
global arch_xchg_op_user:function hidden
arch_xchg_op_user:
	cmp esi, 4
	ja .badop
	mov r8, rcx
	USER_BEGIN
.retry:
.opload:
	mov eax, [rdi]
	mov r9d, eax
	cmp esi, 0
	je .set
	cmp esi, 1
	je .add
	cmp esi, 2
	je .or
	cmp esi, 3
	je .andn
	xor r9d, edx
	jmp .store
.set:
	mov r9d, edx
	jmp .store
.add:
	add r9d, edx
	jmp .store
.or:
	or r9d, edx
	jmp .store
.andn:
	mov r10d, edx
	not r10d
	and r9d, r10d
.store:
.opcas:
	lock cmpxchg [rdi], r9d
	jnz .retry
	mov [r8], eax
	USER_END
	xor eax, eax
	ret
.opfault:
	USER_END
	mov rax, -14
	ret
.badop:
	mov rax, -38
	ret
	EX_ENTRY .opload, .opfault
	EX_ENTRY .opcas, .opfault

section .note.GNU-stack noalloc noexec nowrite progbits
