/*
 * Symbols the linker script (kernel/arch/x86_64/linker.ld) defines at the
 * edges of the kernel image and its segments. Only their addresses mean
 * anything: use the array name, never its contents. All are run-time
 * (slid) addresses, since the kernel is position independent.
 */
#ifndef KERNEL_SECTIONS_H
#define KERNEL_SECTIONS_H

/* The address the image is linked at; the loader may slide it (KASLR). */
#define KERNEL_LINK_BASE 0xffffffff80000000ULL

extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[];     /* R+X segment */
extern char __rodata_start[], __rodata_end[]; /* R segment */
extern char __data_start[], __data_end[];     /* R+W segment, then .bss */
extern char __bss_start[], __bss_end[];

#endif
