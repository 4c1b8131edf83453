; bios_call(): run one BIOS interrupt from long mode.
;
;   void bios_call(uint8_t intno, const struct bios_regs *in,
;                  struct bios_regs *out);
;
; Long mode -> compatibility mode -> 32-bit protected mode (paging off)
; -> 16-bit protected mode -> real mode, "int N" with the registers from
; *in, and all the way back, storing the registers and flags in *out.
; Buffers passed to the BIOS must lie below 1 MiB (see layout.inc). Code and
; data here live in .real, below 64 KiB, where 16-bit code can reach them.

%include "layout.inc"

global bios_call:function
extern gdtr

; struct bios_regs (boot/src/bios.h)
R_EAX    equ 0
R_EBX    equ 4
R_ECX    equ 8
R_EDX    equ 12
R_ESI    equ 16
R_EDI    equ 20
R_EBP    equ 24
R_DS     equ 28
R_ES     equ 30
R_EFLAGS equ 32
R_SIZE   equ 36

section .real

bits 64
bios_call:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	mov [saved_rsp], rsp
	mov [out_ptr], rdx
	mov [int_insn + 1], dil         ; patch the interrupt number
	mov rdi, rm_regs
	mov ecx, R_SIZE
	cld
	rep movsb
	sidt [saved_idt]
	push SEL_CODE32
	push .pm32
	retfq

bits 32
.pm32:
	mov ax, SEL_DATA32
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr0
	and eax, 0x7fffffff             ; paging off: leaves long mode
	mov cr0, eax
	jmp SEL_CODE16:.pm16

bits 16
.pm16:
	mov ax, SEL_DATA16
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov eax, cr0
	and al, 0xfe                    ; protection off
	mov cr0, eax
	jmp 0:.rm

.rm:
	xor ax, ax
	mov ds, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov sp, RM_STACK_TOP
	lidt [rm_idtr]
	mov ebx, [rm_regs + R_EBX]
	mov ecx, [rm_regs + R_ECX]
	mov edx, [rm_regs + R_EDX]
	mov esi, [rm_regs + R_ESI]
	mov edi, [rm_regs + R_EDI]
	mov ebp, [rm_regs + R_EBP]
	mov ax, [rm_regs + R_ES]
	mov es, ax
	push word [rm_regs + R_DS]
	mov eax, [rm_regs + R_EAX]
	pop ds
	sti
int_insn:
	int 0
	cli
	push ds
	push eax
	xor ax, ax
	mov ds, ax
	pop eax
	mov [rm_regs + R_EAX], eax
	pop ax
	mov [rm_regs + R_DS], ax
	mov [rm_regs + R_EBX], ebx
	mov [rm_regs + R_ECX], ecx
	mov [rm_regs + R_EDX], edx
	mov [rm_regs + R_ESI], esi
	mov [rm_regs + R_EDI], edi
	mov [rm_regs + R_EBP], ebp
	mov ax, es
	mov [rm_regs + R_ES], ax
	pushfd
	pop eax
	mov [rm_regs + R_EFLAGS], eax

	o32 lgdt [gdtr]                 ; a BIOS service may have loaded its own
	mov eax, cr0
	or al, 1
	mov cr0, eax
	jmp dword SEL_CODE32:.pm32_back

bits 32
.pm32_back:
	mov ax, SEL_DATA32
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr0
	or eax, 0x80000000              ; paging on: EFER.LME makes it long mode
	mov cr0, eax
	jmp SEL_CODE64:.lm

bits 64
.lm:
	mov ax, SEL_DATA64
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	lidt [saved_idt]
	mov rsp, [saved_rsp]
	cld
	mov rdi, [out_ptr]
	test rdi, rdi
	jz .done
	mov rsi, rm_regs
	mov ecx, R_SIZE
	rep movsb
.done:
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

align 8
saved_rsp: dq 0
out_ptr:   dq 0
saved_idt: dw 0
	dq 0
rm_idtr:   dw 0x3ff
	dd 0
align 4
rm_regs:   times R_SIZE db 0
