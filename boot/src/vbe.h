/* VESA BIOS Extensions: the linear framebuffer mode rastboot sets. */
#ifndef RASTBOOT_VBE_H
#define RASTBOOT_VBE_H

#include "lib.h"

#define VBE_MAX_MODES 128

struct vbe_mode {
	uint16_t number;
	uint16_t attributes;
	uint32_t width, height, pitch;
	uint8_t bpp, memory_model;
	uint8_t red_size, red_shift, green_size, green_shift, blue_size,
		blue_shift;
	uint64_t phys; /* linear framebuffer */
};

/*
 * Index of the best mode for the kernel: a 32-bit direct-colour mode with
 * a linear framebuffer, the largest one no bigger than max_w x max_h.
 * -1 if there is none. Pure: host-tested.
 */
int vbe_pick(const struct vbe_mode *modes, int n, uint32_t max_w,
	     uint32_t max_h);
bool vbe_mode_usable(const struct vbe_mode *m);

/* The BIOS's modes (VBE 2.0+), or 0 without VBE. */
int vbe_list_modes(struct vbe_mode *modes, int max);
/* Switch to the mode with its linear framebuffer. 0 or -EIO. */
int vbe_set_mode(const struct vbe_mode *m);

#endif
