/*
 * The vDSO's image (built from kernel/arch/x86_64/vdso/ into a shared
 * object), embedded in the kernel between __vdso_start and __vdso_end
 * (linker.ld pads it to whole pages). Only the .incbin lives here.
 */
__asm__(".pushsection .vdso_image, \"a\", @progbits\n"
	".incbin \"" VDSO_PATH "\"\n"
	".popsection\n");
