/*
 * Host tests of boot/src/smbios.c: the SMBIOS entry points rastboot hands
 * the kernel come from a scan of firmware memory — the anchors QEMU's
 * SeaBIOS writes, then damaged and misplaced ones, and random bytes.
 */
#include "testlib.h"
#include "smbios.h"

#define BASE 0xf0000
static uint8_t area[0x10000];

static void fix_sum(uint8_t *p, size_t len, size_t sum_at)
{
	uint8_t sum = 0;

	p[sum_at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[sum_at] = (uint8_t)-sum;
}

/* A 2.8 entry point as SeaBIOS builds it, at offset off. */
static void put32(size_t off)
{
	uint8_t *p = area + off;

	memset(p, 0, 0x1f);
	memcpy(p, "_SM_", 4);
	p[5] = 0x1f;
	p[6] = 2;
	p[7] = 8;
	memcpy(p + 16, "_DMI_", 5);
	p[0x16] = 0x40; /* table length */
	fix_sum(p + 16, 15, 5);
	fix_sum(p, 0x1f, 4);
}

static void put64(size_t off)
{
	uint8_t *p = area + off;

	memset(p, 0, 0x18);
	memcpy(p, "_SM3_", 5);
	p[6] = 0x18;
	p[7] = 3;
	p[8] = 2;
	p[10] = 1;
	fix_sum(p, 0x18, 5);
}

static int find(uint64_t *e32, uint64_t *e64)
{
	return smbios_find(area, sizeof(area), BASE, e32, e64);
}

static void test_found(void)
{
	uint64_t e32, e64;

	memset(area, 0, sizeof(area));
	put32(0x5a00);
	CHECK_EQ(find(&e32, &e64), 0);
	CHECK_EQ(e32, BASE + 0x5a00);
	CHECK_EQ(e64, 0);
	put64(0x5a40);
	CHECK_EQ(find(&e32, &e64), 0);
	CHECK_EQ(e32, BASE + 0x5a00);
	CHECK_EQ(e64, BASE + 0x5a40);
	put32(0x9000); /* a second copy: the first one wins */
	CHECK_EQ(find(&e32, &e64), 0);
	CHECK_EQ(e32, BASE + 0x5a00);
}

static void test_absent_or_damaged(void)
{
	uint64_t e32 = 1, e64 = 1;

	memset(area, 0, sizeof(area));
	CHECK_EQ(find(&e32, &e64), -ENOENT);
	CHECK_EQ(e32, 0);
	CHECK_EQ(e64, 0);
	put32(0x100);
	area[0x100 + 0x17]++; /* the _DMI_ part's checksum is off */
	area[0x100 + 0x0b]--; /* ... but the whole still sums to 0 */
	CHECK_EQ(find(&e32, &e64), -ENOENT);
	put32(0x100);
	area[0x100 + 4]++; /* the entry point checksum */
	CHECK_EQ(find(&e32, &e64), -ENOENT);
	put32(0x100);
	area[0x100 + 5] = 0xff; /* a length beyond any entry point */
	CHECK_EQ(find(&e32, &e64), -ENOENT);
	memset(area, 0, sizeof(area));
	put32(0x108); /* not on a 16-byte boundary */
	put64(0x208);
	CHECK_EQ(find(&e32, &e64), -ENOENT);
	memset(area, 0, sizeof(area));
	put64(0x300);
	area[0x300 + 7] = 2; /* "_SM3_" with major version 2 */
	fix_sum(area + 0x300, 0x18, 5);
	CHECK_EQ(find(&e32, &e64), -ENOENT);
}

/* An anchor in the last bytes of the area is not read past its end. */
static void test_end_of_area(void)
{
	uint64_t e32, e64;
	uint8_t *tail = malloc(16);

	CHECK(tail != NULL);
	memcpy(tail, "_SM_\0\x1f\0\0_SM3_\0\x18", 15);
	CHECK_EQ(smbios_find(tail, 16, BASE, &e32, &e64), -ENOENT);
	free(tail);
}

static void test_random(void)
{
	uint64_t e32, e64;

	srand(11);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(area); i++)
			area[i] = (uint8_t)rand();
		int r = find(&e32, &e64);
		CHECK(r == 0 || r == -ENOENT);
		CHECK(e32 == 0 || (e32 >= BASE && (e32 & 15) == 0));
	}
}

int main(void)
{
	RUN(test_found(), "smbios: SeaBIOS-like entry points found");
	RUN(test_absent_or_damaged(),
	    "smbios: absent or damaged anchors refused");
	RUN(test_end_of_area(), "smbios: no read past the area");
	RUN(test_random(), "smbios: 200 random areas");
	TEST_EXIT();
}
