/*
 * Reading the CMOS RTC (ports 0x70/0x71): wait out an update in progress,
 * read twice until two reads agree, decode BCD and 12-hour formats.
 */
#include "rtc.h"
#include "cpu.h"

struct rtc_time {
	uint8_t sec, min, hour, day, mon, year, century;
};

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg | 0x80); /* keep NMIs masked */
	return inb(0x71);
}

static void rtc_read_raw(struct rtc_time *t)
{
	for (int i = 0; i < 100000 && (cmos_read(0x0a) & 0x80); i++)
		;
	t->sec = cmos_read(0x00);
	t->min = cmos_read(0x02);
	t->hour = cmos_read(0x04);
	t->day = cmos_read(0x07);
	t->mon = cmos_read(0x08);
	t->year = cmos_read(0x09);
	t->century = cmos_read(0x32);
}

static uint8_t bcd(uint8_t v)
{
	return (uint8_t)((v & 0x0f) + (v >> 4) * 10);
}

int64_t rtc_unix_time(void)
{
	struct rtc_time a, b;
	int tries = 0;
	do {
		rtc_read_raw(&a);
		rtc_read_raw(&b);
	} while (memcmp(&a, &b, sizeof(a)) != 0 && ++tries < 10);

	uint8_t status_b = cmos_read(0x0b);
	bool pm = a.hour & 0x80;
	a.hour &= 0x7f;
	if (!(status_b & 0x04)) { /* BCD */
		a.sec = bcd(a.sec), a.min = bcd(a.min), a.hour = bcd(a.hour);
		a.day = bcd(a.day), a.mon = bcd(a.mon), a.year = bcd(a.year);
		a.century = bcd(a.century);
	}
	if (!(status_b & 0x02) && pm) /* 12-hour clock */
		a.hour = (uint8_t)((a.hour % 12) + 12);
	int64_t year =
		a.year +
		(a.century >= 19 && a.century <= 30 ? a.century * 100 : 2000);
	if (a.mon < 1 || a.mon > 12 || a.day < 1 || a.day > 31)
		return 0;
	return days_from_civil(year, a.mon, a.day) * 86400 + a.hour * 3600 +
	       a.min * 60 + a.sec;
}
