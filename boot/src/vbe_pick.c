/* Choosing a VBE mode (see vbe.h); no BIOS calls here. */
#include "vbe.h"

#define VBE_ATTR_SUPPORTED 0x01
#define VBE_ATTR_GRAPHICS 0x10
#define VBE_ATTR_LINEAR 0x80
#define VBE_MODEL_DIRECT 6

bool vbe_mode_usable(const struct vbe_mode *m)
{
	uint16_t need =
		VBE_ATTR_SUPPORTED | VBE_ATTR_GRAPHICS | VBE_ATTR_LINEAR;
	return (m->attributes & need) == need && m->bpp == 32 &&
	       m->memory_model == VBE_MODEL_DIRECT && m->phys && m->width &&
	       m->height && m->pitch >= m->width * 4;
}

int vbe_pick(const struct vbe_mode *modes, int n, uint32_t max_w,
	     uint32_t max_h)
{
	int best = -1;
	uint64_t best_area = 0;
	for (int i = 0; i < n; i++) {
		const struct vbe_mode *m = &modes[i];
		uint64_t area = (uint64_t)m->width * m->height;
		if (!vbe_mode_usable(m) || m->width > max_w ||
		    m->height > max_h)
			continue;
		if (area > best_area) {
			best = i;
			best_area = area;
		}
	}
	return best;
}
