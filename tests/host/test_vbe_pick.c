/*
 * Host tests for boot/src/vbe_pick.c: which VBE mode rastboot sets. Only
 * 32-bit direct-colour modes with a linear framebuffer qualify; of those
 * no bigger than the configured maximum, the largest area wins, the first
 * listed on a tie.
 */
#include "testlib.h"
#include "vbe.h"

#include <stdint.h>

#define N(a) ((int)ARRAY_SIZE(a))
#define ATTRS 0x9b /* supported, colour, graphics, linear, ... */

/* A good 32-bit linear mode of w x h. */
static struct vbe_mode mode(uint16_t number, uint32_t w, uint32_t h)
{
	return (struct vbe_mode){
		.number = number,
		.attributes = ATTRS,
		.width = w,
		.height = h,
		.pitch = w * 4,
		.bpp = 32,
		.memory_model = 6,
		.red_size = 8,
		.red_shift = 16,
		.green_size = 8,
		.green_shift = 8,
		.blue_size = 8,
		.blue_shift = 0,
		.phys = 0xfd000000,
	};
}

static void usable_modes(void)
{
	struct vbe_mode m = mode(0x118, 1024, 768);
	CHECK(vbe_mode_usable(&m));
	m.attributes = 0x01 | 0x10 | 0x80; /* the bits that matter */
	CHECK(vbe_mode_usable(&m));
	m.pitch = 1024 * 4 + 256; /* padded lines are fine */
	CHECK(vbe_mode_usable(&m));
}

static void unusable_modes(void)
{
	struct vbe_mode m;

	m = mode(1, 800, 600), m.attributes &= ~0x80; /* no LFB */
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 800, 600), m.attributes &= ~0x01; /* not supported */
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 800, 600), m.attributes &= ~0x10; /* text mode */
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 800, 600), m.bpp = 24, m.pitch = 800 * 3;
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 800, 600), m.bpp = 16;
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 800, 600), m.bpp = 8, m.memory_model = 4; /* packed */
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 800, 600), m.memory_model = 4;
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 800, 600), m.pitch = 800 * 4 - 4; /* pitch too small */
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 800, 600), m.phys = 0;
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 0, 600), m.pitch = 4;
	CHECK(!vbe_mode_usable(&m));
	m = mode(1, 800, 0);
	CHECK(!vbe_mode_usable(&m));
}

static void best_fit(void)
{
	const struct vbe_mode modes[] = {
		mode(0x112, 640, 480),	 mode(0x115, 800, 600),
		mode(0x118, 1024, 768),	 mode(0x11b, 1280, 1024),
		mode(0x140, 1920, 1080), mode(0x141, 1280, 720),
	};
	CHECK_EQ(vbe_pick(modes, N(modes), 1024, 768), 2);
	CHECK_EQ(vbe_pick(modes, N(modes), 1280, 1024), 3);
	CHECK_EQ(vbe_pick(modes, N(modes), 1920, 1200), 4);
	CHECK_EQ(vbe_pick(modes, N(modes), UINT32_MAX, UINT32_MAX), 4);
	CHECK_EQ(vbe_pick(modes, N(modes), 1280, 800), 5); /* 1280x720 */
	CHECK_EQ(vbe_pick(modes, N(modes), 1279, 1080), 2);
	CHECK_EQ(vbe_pick(modes, N(modes), 640, 480), 0);
	/* Both limits apply: wide but short, tall but narrow. */
	CHECK_EQ(vbe_pick(modes, N(modes), 4000, 600), 1);
	CHECK_EQ(vbe_pick(modes, N(modes), 800, 4000), 1);
}

static void nothing_fits(void)
{
	const struct vbe_mode modes[] = {mode(0x112, 640, 480),
					 mode(0x115, 800, 600)};
	CHECK_EQ(vbe_pick(modes, N(modes), 639, 480), -1);
	CHECK_EQ(vbe_pick(modes, N(modes), 640, 479), -1);
	CHECK_EQ(vbe_pick(modes, N(modes), 0, 0), -1);
	CHECK_EQ(vbe_pick(modes, 0, 1024, 768), -1);
	CHECK_EQ(vbe_pick(NULL, 0, 1024, 768), -1);
}

static void ties(void)
{
	/* Equal areas: the first listed wins, whatever the shape. */
	const struct vbe_mode modes[] = {
		mode(0x200, 800, 600),
		mode(0x201, 1200, 400),
		mode(0x202, 600, 800),
		mode(0x203, 800, 600),
	};
	CHECK_EQ(vbe_pick(modes, N(modes), 2000, 2000), 0);
	CHECK_EQ(vbe_pick(modes + 1, N(modes) - 1, 2000, 2000), 0);
	CHECK_EQ(vbe_pick(modes, N(modes), 700, 900), 2);
}

static void unusable_skipped(void)
{
	struct vbe_mode modes[] = {
		mode(0x100, 1024, 768), mode(0x101, 1024, 768),
		mode(0x102, 1024, 768), mode(0x103, 1024, 768),
		mode(0x104, 1024, 768), mode(0x105, 1024, 768),
		mode(0x106, 640, 480),	mode(0x107, 1024, 768),
	};
	modes[0].attributes &= ~0x80;
	modes[1].bpp = 24, modes[1].pitch = 1024 * 3;
	modes[2].memory_model = 4;
	modes[3].pitch = 1024 * 3;
	modes[4].phys = 0;
	modes[5].attributes = 0;
	CHECK_EQ(vbe_pick(modes, N(modes), 1024, 768), 7);
	CHECK_EQ(vbe_pick(modes, N(modes) - 1, 1024, 768), 6);
	CHECK_EQ(vbe_pick(modes, N(modes) - 2, 1024, 768), -1);
}

static void many_modes(void)
{
	static struct vbe_mode modes[VBE_MAX_MODES];
	for (int i = 0; i < VBE_MAX_MODES; i++)
		modes[i] = mode((uint16_t)i, 320 + 8 * (uint32_t)i,
				200 + 4 * (uint32_t)i);
	CHECK_EQ(vbe_pick(modes, VBE_MAX_MODES, UINT32_MAX, UINT32_MAX),
		 VBE_MAX_MODES - 1);
	CHECK_EQ(vbe_pick(modes, VBE_MAX_MODES, 320 + 8 * 50, 10000), 50);
	CHECK_EQ(vbe_pick(modes, VBE_MAX_MODES, 10000, 200 + 4 * 70), 70);
}

int main(void)
{
	RUN(usable_modes(), "usable modes");
	RUN(unusable_modes(), "unusable modes rejected");
	RUN(best_fit(), "largest mode within the maximum");
	RUN(nothing_fits(), "nothing fits: -1");
	RUN(ties(), "ties: first listed wins");
	RUN(unusable_skipped(), "unusable modes skipped");
	RUN(many_modes(), "128 modes");
	TEST_EXIT();
}
