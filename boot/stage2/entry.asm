; rastboot stage 2 entry: real mode to long mode.
;
; Stage 1 jumps here (0x8000) with DL = BIOS drive and DH = 1 on a CD. In
; real mode this file checks for a 64-bit CPU, opens the A20 gate, builds an
; identity map of the first 4 GiB, switches to 32-bit protected mode, from
; there to 64-bit long mode, and calls boot_main() in C. Everything that needs the BIOS
; afterwards (E820, disk reads, VBE) goes through bios_call() (bioscall.asm).

%include "layout.inc"

extern boot_main
extern __bss_start
extern __bss_end

global _start
global boot_drive
global boot_medium_cd
global cpu_ext_edx
global gdt
global gdtr
global rm_print

bits 16
section .entry

_start:
	jmp short real_start
	align 4, db 0
	dd 0x21324252                   ; "RB2!": stage 1 checks it

real_start:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, RM_STACK_TOP
	cld
	mov [boot_drive], dl
	mov [boot_medium_cd], dh

	call check_long_mode
	jc .no_long_mode
	call a20_enable
	jc .no_a20
	call build_identity_map

	lgdt [gdtr]
	mov eax, cr0
	or eax, 1                       ; PE: 32-bit protected mode
	mov cr0, eax
	jmp dword SEL_CODE32:protected_entry

.no_long_mode:
	mov si, msg_no_lm
	jmp rm_fatal
.no_a20:
	mov si, msg_no_a20
	jmp rm_fatal

; CF set unless CPUID reports long mode. Saves the extended feature flags.
check_long_mode:
	pushfd
	pop eax
	mov ecx, eax
	xor eax, 1 << 21                ; can EFLAGS.ID be toggled (CPUID)?
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	xor eax, ecx
	jz .no
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no
	mov eax, 0x80000001
	cpuid
	mov [cpu_ext_edx], edx
	bt edx, 29                      ; LM
	jnc .no
	clc
	ret
.no:
	stc
	ret

; CF set if the A20 line cannot be opened: BIOS, then port 0x92, then 8042.
a20_enable:
	call a20_check
	jnc .ok
	mov ax, 0x2401
	int 0x15
	call a20_check
	jnc .ok
	in al, 0x92
	or al, 2
	and al, 0xfe                    ; never pulse the reset bit
	out 0x92, al
	call a20_check
	jnc .ok
	call kbc_wait
	mov al, 0xd1                    ; write output port
	out 0x64, al
	call kbc_wait
	mov al, 0xdf
	out 0x60, al
	call kbc_wait
	call a20_check
	jnc .ok
	stc
	ret
.ok:
	clc
	ret

kbc_wait:
	mov cx, 0xffff
.loop:
	in al, 0x64
	test al, 2
	jz .done
	loop .loop
.done:
	ret

; CF clear if A20 is open: 0000:0500 and ffff:0510 are distinct bytes.
a20_check:
	push ds
	push es
	xor ax, ax
	mov ds, ax
	not ax
	mov es, ax
	mov bl, [ds:0x500]
	mov bh, [es:0x510]
	mov byte [ds:0x500], 0x00
	mov byte [es:0x510], 0xff
	mov al, [ds:0x500]
	mov [es:0x510], bh
	mov [ds:0x500], bl
	pop es
	pop ds
	cmp al, 0xff                    ; wrapped around: A20 closed
	je .closed
	clc
	ret
.closed:
	stc
	ret

; Identity-map 0-4 GiB with 2 MiB pages: PML4 -> PDPT -> 4 PDs.
build_identity_map:
	mov edi, PML4_ADDR
	mov ecx, (PD_ADDR + 4 * 0x1000 - PML4_ADDR) / 4
	xor eax, eax
	a32 rep stosd
	mov dword [PML4_ADDR], PDPT_ADDR | 3
	mov dword [PDPT_ADDR + 0], PD_ADDR + 0x0000 | 3
	mov dword [PDPT_ADDR + 8], PD_ADDR + 0x1000 | 3
	mov dword [PDPT_ADDR + 16], PD_ADDR + 0x2000 | 3
	mov dword [PDPT_ADDR + 24], PD_ADDR + 0x3000 | 3
	mov edi, PD_ADDR
	mov eax, 0x83                   ; present, writable, 2 MiB
	mov ecx, 2048
.fill:
	mov [edi], eax
	add edi, 8
	add eax, 0x200000
	loop .fill, ecx
	ret

; Print DS:SI on screen (BIOS teletype) and COM1, then halt for good.
rm_fatal:
	call serial_init
	push si
	mov si, msg_prefix
	call rm_print
	pop si
	call rm_print
	mov si, msg_halted
	call rm_print
.halt:
	cli
	hlt
	jmp .halt

%include "rm_console.inc"

msg_prefix: db "rastboot: error: ", 0
msg_no_lm:  db "this CPU has no 64-bit long mode; rastOS needs an x86_64 CPU", 13, 10, 0
msg_no_a20: db "cannot open the A20 gate", 13, 10, 0
msg_halted: db "rastboot: halted.", 13, 10, 0

; The GDT, in the Limine protocol's layout (see layout.inc).
align 16
gdt:
	dq 0
	dq 0x00009a000000ffff           ; 16-bit code
	dq 0x000092000000ffff           ; 16-bit data
	dq 0x00cf9a000000ffff           ; 32-bit code
	dq 0x00cf92000000ffff           ; 32-bit data
	dq 0x00af9b000000ffff           ; 64-bit code
	dq 0x00af93000000ffff           ; 64-bit data
gdt_end:
gdtr:
	dw gdt_end - gdt - 1
	dq gdt

boot_drive:     db 0
boot_medium_cd: db 0
align 4
cpu_ext_edx:    dd 0

bits 32
; Protected mode, paging off: enable PAE and long mode, then paging.
protected_entry:
	mov ax, SEL_DATA32
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, 1 << 5                  ; PAE
	mov cr4, eax
	mov eax, PML4_ADDR
	mov cr3, eax
	mov ecx, 0xc0000080             ; EFER
	rdmsr
	or eax, 1 << 8                  ; LME
	test dword [cpu_ext_edx], 1 << 20
	jz .no_nx
	or eax, 1 << 11                 ; NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16)   ; PG, WP: long mode (compatibility)
	mov cr0, eax
	jmp SEL_CODE64:long_entry

bits 64
long_entry:
	mov ax, SEL_DATA64
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov rsp, LM_STACK_TOP
	mov rdi, __bss_start
	mov rcx, __bss_end
	sub rcx, rdi
	xor eax, eax
	rep stosb
	xor ebp, ebp
	call boot_main
.hang:
	cli
	hlt
	jmp .hang
