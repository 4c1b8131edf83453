; handoff(): switch to the kernel's page tables and jump to its entry.
;
;   void handoff(const struct handoff *h) __attribute__((noreturn));
;
; CR4.LA57 can only change while paging is off, so the switch goes through
; 32-bit compatibility/protected mode even for 4-level paging: one path for
; both. The new tables identity-map the first 4 GiB, where this code and *h
; live. Then the machine state the Limine protocol specifies: GDT (at its
; HHDM address) with 64-bit segments loaded, IF clear, the stack given, a
; return address of 0 on it, all other general registers 0.

%include "layout.inc"

global handoff:function

; struct handoff (boot/src/handoff.h)
H_CR3    equ 0
H_LA57   equ 8
H_ENTRY  equ 16
H_STACK  equ 24
H_GDTR   equ 32                         ; u16 limit, u64 base

section .real

bits 64
handoff:
	cli
	mov [h_ptr], rdi
	push SEL_CODE32
	push .c32
	retfq

bits 32
.c32:
	mov ax, SEL_DATA32
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr0
	and eax, 0x7fffffff
	mov cr0, eax
	mov esi, [h_ptr]
	mov eax, cr4
	and eax, ~(1 << 12)
	cmp dword [esi + H_LA57], 0
	je .four_level
	or eax, 1 << 12
.four_level:
	mov cr4, eax
	mov eax, [esi + H_CR3]
	mov cr3, eax
	mov eax, cr0
	or eax, 0x80000000
	mov cr0, eax
	jmp SEL_CODE64:.l64

bits 64
.l64:
	mov rsi, [h_ptr]
	lgdt [rsi + H_GDTR]
	mov ax, SEL_DATA64
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov rsp, [rsi + H_STACK]
	push 0
	push qword [rsi + H_ENTRY]
	ZERO_GPRS_BUT_RDI
	xor edi, edi
	cld
	ret

align 8
h_ptr: dq 0
