; rastboot stage 1: the first sector the BIOS runs.
;
; One source, assembled twice: with MEDIUM_HDD it is the MBR of a hard-disk
; image (446 bytes of code, then the partition table); with MEDIUM_CD it is
; the first 2048 bytes of the El Torito no-emulation boot image of an ISO.
; Either way it reads stage 2 to 0x8000 with INT 13h extensions (LBA), checks
; its signature and jumps to it with DL = BIOS drive, DH = 1 on a CD.
;
; Where stage 2 is comes from the table at offset 8, the layout of the
; El Torito boot info table: xorriso -boot-info-table fills it for a CD
; (bi_file = LBA of this boot file, bi_length = its length, stage 2 follows
; at bi_file + 1); scripts/make-img.sh fills it on a disk (bi_file = LBA of
; stage 2 in 512-byte sectors, bi_length = the length of stage 2).

bits 16
org 0x7c00

STAGE2_SEG    equ 0x0800          ; stage 2 runs at 0x8000
STAGE2_MAGIC  equ 0x21324252      ; "RB2!" at offset 4 of stage 2
CHUNK_BYTES   equ 0x8000          ; 32 KiB per read: never crosses 64 KiB

%ifdef MEDIUM_CD
SECTOR_SHIFT  equ 11
%else
SECTOR_SHIFT  equ 9
%endif

start:
	jmp short main
	nop
	times 8 - ($ - $$) db 0
bi_pvd:    dd 0
bi_file:   dd 0
bi_length: dd 0
bi_csum:   dd 0
	times 64 - ($ - $$) db 0

main:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, 0x7c00
	jmp 0:.flush                    ; some BIOSes enter at 07c0:0000
.flush:
	sti
	cld
	mov [drive], dl

	call serial_init                ; errors reach the serial log too

	mov ah, 0x41                    ; INT 13h extensions present?
	mov bx, 0x55aa
	mov dl, [drive]
	int 0x13
	jc err_noext
	cmp bx, 0xaa55
	jne err_noext

	; ECX = bytes of stage 2, EBX = its first sector.
	mov ecx, [bi_length]
	mov ebx, [bi_file]
%ifdef MEDIUM_CD
	sub ecx, 2048                   ; this sector is part of the file
	jbe err_nostage2
	inc ebx
%endif
	test ecx, ecx
	jz err_nostage2
	cmp ecx, 0x68000                ; must end below 0x70000
	ja err_nostage2

	mov word [dap_seg], STAGE2_SEG
.next_chunk:
	mov eax, ecx
	cmp eax, CHUNK_BYTES
	jbe .size_ok
	mov eax, CHUNK_BYTES
.size_ok:
	sub ecx, eax
	add eax, (1 << SECTOR_SHIFT) - 1
	shr eax, SECTOR_SHIFT
	mov [dap_count], ax
	mov [dap_lba], ebx
	add ebx, eax
	push ecx
	mov si, dap
	mov ah, 0x42
	mov dl, [drive]
	int 0x13
	pop ecx
	jc err_read
	add word [dap_seg], CHUNK_BYTES >> 4
	test ecx, ecx
	jnz .next_chunk

	cmp dword [0x8004], STAGE2_MAGIC
	jne err_nostage2
	mov dl, [drive]
%ifdef MEDIUM_CD
	mov dh, 1
%else
	xor dh, dh
%endif
	jmp 0:0x8000

err_noext:
	mov si, msg_noext
	jmp fail
err_read:
	mov si, msg_read
	jmp fail
err_nostage2:
	mov si, msg_stage2
fail:
	push si
	mov si, msg_prefix
	call rm_print
	pop si
	call rm_print
.halt:
	cli
	hlt
	jmp .halt

%include "rm_console.inc"

msg_prefix: db "rastboot: error: ", 0
msg_noext:  db "no INT 13h extensions", 13, 10, 0
msg_read:   db "stage 2 read failed", 13, 10, 0
msg_stage2: db "stage 2 missing or corrupt", 13, 10, 0

align 4
dap:
	db 16, 0
dap_count: dw 0
	dw 0                            ; offset
dap_seg:   dw 0
dap_lba:   dd 0, 0
drive:     db 0

%ifdef MEDIUM_CD
	times 2048 - ($ - $$) db 0
%else
	times 440 - ($ - $$) db 0       ; disk signature, partition table: make-img.sh
	times 510 - ($ - $$) db 0
	dw 0xaa55
%endif
