/* VBE BIOS calls through the real-mode thunk (INT 10h AX=4F0xh). */
#include "vbe.h"
#include "bios.h"
#include "layout.h"

struct vbe_info {
	char signature[4];
	uint16_t version;
	uint32_t oem;
	uint32_t caps;
	uint32_t modes; /* real-mode far pointer to a 0xffff-ended list */
	uint16_t memory_64k;
	uint8_t rest[492];
} __attribute__((packed));

static void *far_ptr(uint32_t p)
{
	return phys_ptr(((p >> 16) << 4) + (p & 0xffff));
}

static int vbe_mode_info(uint16_t number, struct vbe_mode *m)
{
	uint8_t *buf = phys_ptr(BOUNCE_ADDR + 0x1000);
	struct bios_regs r = {.eax = 0x4f01,
			      .ecx = number,
			      .edi = rm_off(buf),
			      .es = rm_seg(buf)};
	memset(buf, 0, 256);
	bios_call(0x10, &r, &r);
	if ((r.eax & 0xffff) != 0x004f)
		return -EIO;
	m->number = number;
	m->attributes = get_le16(buf + 0);
	m->pitch = get_le16(buf + 16);
	m->width = get_le16(buf + 18);
	m->height = get_le16(buf + 20);
	m->bpp = buf[25];
	m->memory_model = buf[27];
	m->red_size = buf[31], m->red_shift = buf[32];
	m->green_size = buf[33], m->green_shift = buf[34];
	m->blue_size = buf[35], m->blue_shift = buf[36];
	m->phys = get_le32(buf + 40);
	return 0;
}

int vbe_list_modes(struct vbe_mode *modes, int max)
{
	struct vbe_info *info = phys_ptr(BOUNCE_ADDR);
	static uint16_t numbers[VBE_MAX_MODES];
	struct bios_regs r = {
		.eax = 0x4f00, .edi = rm_off(info), .es = rm_seg(info)};
	int count = 0, n = 0;

	memset(info, 0, sizeof(*info));
	memcpy(info->signature, "VBE2", 4);
	bios_call(0x10, &r, &r);
	if ((r.eax & 0xffff) != 0x004f || memcmp(info->signature, "VESA", 4) ||
	    info->version < 0x200)
		return 0;
	/* Copy the list first: it may live in the buffer mode info reuses. */
	const uint16_t *list = far_ptr(info->modes);
	while (count < VBE_MAX_MODES && list[count] != 0xffff)
		numbers[count] = list[count], count++;
	for (int i = 0; i < count && n < max; i++)
		if (vbe_mode_info(numbers[i], &modes[n]) == 0 &&
		    vbe_mode_usable(&modes[n]))
			n++;
	return n;
}

int vbe_set_mode(const struct vbe_mode *m)
{
	struct bios_regs r = {.eax = 0x4f02, .ebx = m->number | 0x4000u};
	bios_call(0x10, &r, &r);
	return (r.eax & 0xffff) == 0x004f ? 0 : -EIO;
}
