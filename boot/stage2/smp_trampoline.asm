; The application-processor trampoline for the Limine MP feature.
;
; smp.c copies this blob to a free page below 1 MiB and fills its parameter
; block (at the end) for one AP, then sends INIT-SIPI-SIPI with the page as
; the start vector. The AP wakes in real mode at page:0, goes through 32-bit
; protected mode into long mode on the kernel's page tables (which identity-
; map low memory), loads the GDT at its HHDM address, takes its stack and
; mp_info pointer, sets "alive" and parks: it spins until the kernel writes
; goto_address, then jumps there with RDI = its limine_mp_info, a return
; address of 0 on its stack and the other registers zero, as the protocol
; specifies. Everything is page-relative: the blob runs wherever it is put.

%include "layout.inc"

global smp_trampoline_start
global smp_trampoline_end
global smp_trampoline_params

; Parameter block offsets (struct smp_params in boot/src/smp.c).
P_CR3      equ 0
P_FLAGS    equ 8                ; bit 0 LA57, bit 1 NX, bit 2 x2APIC, bit 3 PAT
P_STACK    equ 16               ; virtual top
P_INFO     equ 24               ; virtual struct limine_mp_info *
P_PAT      equ 32
P_GDT_LOW  equ 40               ; u16 limit, u32 base (physical)
P_GDT_HHDM equ 48               ; u16 limit, u64 base (virtual)
P_ALIVE    equ 64               ; the AP writes 1 when it no longer needs the block
P_PM32     equ 72               ; far pointers patched by the AP itself
P_LM64     equ 80
P_SIZE     equ 88

INFO_GOTO  equ 16               ; offsetof(struct limine_mp_info, goto_address)

section .real

bits 16
smp_trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	movzx ebx, ax
	shl ebx, 4                      ; ebx = physical base of this page
	lea eax, [ebx + (pm32 - smp_trampoline_start)]
	mov [PARAMS + P_PM32], eax
	mov word [PARAMS + P_PM32 + 4], SEL_CODE32
	o32 lgdt [PARAMS + P_GDT_LOW]
	mov eax, cr0
	or al, 1
	mov cr0, eax
	jmp far dword [PARAMS + P_PM32]

bits 32
pm32:
	mov ax, SEL_DATA32
	mov ds, ax
	mov es, ax
	mov ss, ax
	lea esi, [ebx + (smp_trampoline_params - smp_trampoline_start)]
	mov eax, cr4
	or eax, 1 << 5                  ; PAE
	test dword [esi + P_FLAGS], 1
	jz .four_level
	or eax, 1 << 12                 ; LA57
.four_level:
	mov cr4, eax
	mov eax, [esi + P_CR3]
	mov cr3, eax
	mov ecx, 0xc0000080
	rdmsr
	or eax, 1 << 8                  ; LME
	test dword [esi + P_FLAGS], 2
	jz .no_nx
	or eax, 1 << 11                 ; NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16)   ; PG, WP
	mov cr0, eax
	lea eax, [ebx + (lm64 - smp_trampoline_start)]
	mov [esi + P_LM64], eax
	mov word [esi + P_LM64 + 4], SEL_CODE64
	jmp far dword [esi + P_LM64]

bits 64
lm64:
	mov esi, esi                    ; upper halves are undefined after 32-bit code
	lgdt [rsi + P_GDT_HHDM]
	mov ax, SEL_DATA64
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov rsp, [rsi + P_STACK]
	mov rdi, [rsi + P_INFO]
	mov r8, [rsi + P_FLAGS]
	test r8, 8
	jz .no_pat
	mov ecx, 0x277
	mov eax, [rsi + P_PAT]
	mov edx, [rsi + P_PAT + 4]
	wrmsr
.no_pat:
	test r8, 4
	jz .no_x2apic
	mov ecx, 0x1b                   ; IA32_APIC_BASE: enable + x2APIC mode
	rdmsr
	or eax, (1 << 11) | (1 << 10)
	wrmsr
.no_x2apic:
	mov qword [rsi + P_ALIVE], 1    ; from here on the block is the next AP's
.park:
	pause
	mov rax, [rdi + INFO_GOTO]
	test rax, rax
	jz .park
	push 0
	push rax
	ZERO_GPRS_BUT_RDI
	ret

align 16
smp_trampoline_params:
	times P_SIZE db 0
smp_trampoline_end:

PARAMS equ smp_trampoline_params - smp_trampoline_start
