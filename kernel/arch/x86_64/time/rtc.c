/*
 * The CMOS real-time clock, read once by time_init for the wall clock.
 * The RTC updates its registers once a second; during the update (the
 * UIP flag, status A bit 7, warns 244 us ahead) they may be half old,
 * half new, so the time is read after UIP clears and read again until two
 * reads agree. Status B says whether values are BCD or binary and
 * whether hours are 12-hour (bit 7 of the hour then means PM). The
 * century register (0x32) is used when it holds a sane value, else the
 * 21st century is assumed.
 */
#include <kernel/arch/x86_64/io.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>

#include "time/time_priv.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY 0x32

#define STATUS_A_UIP 0x80
#define STATUS_B_24H 0x02
#define STATUS_B_BINARY 0x04
#define HOUR_PM 0x80

static DEFINE_SPINLOCK(cmos_lock, LOCK_RANK_CMOS);

struct rtc_regs {
	uint8_t sec, min, hour, day, mon, year, century, status_b;
};

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static bool wait_not_updating(void)
{
	for (unsigned long i = 0; i < 1000000; i++) {
		if (!(cmos_read(RTC_STATUS_A) & STATUS_A_UIP))
			return true;
	}
	return false;
}

static void read_regs(struct rtc_regs *r)
{
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY);
	r->mon = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = cmos_read(RTC_CENTURY);
	r->status_b = cmos_read(RTC_STATUS_B);
}

/* A register's value: binary, or two BCD digits. */
static int field(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0x0f);
}

/* Registers to a civil time: 0, or -EIO if a field is out of range. */
static int decode(const struct rtc_regs *r, struct civil_time *t)
{
	bool bin = r->status_b & STATUS_B_BINARY;
	int century = field(r->century, bin);
	int hour = field(r->hour & ~HOUR_PM, bin);

	if (!(r->status_b & STATUS_B_24H))
		hour = hour % 12 + (r->hour & HOUR_PM ? 12 : 0);
	t->second = field(r->sec, bin);
	t->minute = field(r->min, bin);
	t->hour = hour;
	t->day = field(r->day, bin);
	t->month = field(r->mon, bin);
	t->year = field(r->year, bin) +
		  (century >= 19 && century <= 99 ? century : 20) * 100;
	if (t->second > 59 || t->minute > 59 || t->hour > 23 || t->day < 1 ||
	    t->day > 31 || t->month < 1 || t->month > 12)
		return -EIO;
	return 0;
}

int rtc_read(int64_t *unix_seconds)
{
	struct rtc_regs a, b;
	struct civil_time t;
	unsigned long flags = spin_lock_irqsave(&cmos_lock);
	int err = -EIO;

	for (int tries = 0; tries < 5; tries++) {
		if (!wait_not_updating())
			break;
		read_regs(&a);
		if (!wait_not_updating())
			break;
		read_regs(&b);
		if (memcmp(&a, &b, sizeof(a)) == 0) {
			err = decode(&a, &t);
			break;
		}
	}
	spin_unlock_irqrestore(&cmos_lock, flags);
	if (err == 0)
		*unix_seconds = time_civil_to_unix(&t);
	return err;
}

/* BCD and binary, 12- and 24-hour registers, as firmware may leave them. */
KTEST(time, rtc_decode)
{
	struct rtc_regs bcd_pm = {.sec = 0x59,
				  .min = 0x30,
				  .hour = 0x80 | 0x11,
				  .day = 0x29,
				  .mon = 0x02,
				  .year = 0x24,
				  .century = 0x20,
				  .status_b = 0};
	struct rtc_regs bin_24 = {.sec = 5,
				  .min = 4,
				  .hour = 0,
				  .day = 1,
				  .mon = 12,
				  .year = 99,
				  .century = 19,
				  .status_b = STATUS_B_BINARY | STATUS_B_24H};
	struct rtc_regs noon = {.hour = 0x12, .day = 1, .mon = 1};
	struct rtc_regs bad = {.sec = 0x60, .day = 1, .mon = 1};
	struct civil_time t;

	KT_ASSERT_EQ(decode(&bcd_pm, &t), 0);
	KT_ASSERT_EQ(t.year, 2024);
	KT_ASSERT_EQ(t.month, 2);
	KT_ASSERT_EQ(t.day, 29);
	KT_ASSERT_EQ(t.hour, 23);
	KT_ASSERT_EQ(t.minute, 30);
	KT_ASSERT_EQ(t.second, 59);
	KT_ASSERT_EQ(decode(&bin_24, &t), 0);
	KT_ASSERT_EQ(t.year, 1999);
	KT_ASSERT_EQ(t.hour, 0);
	KT_ASSERT_EQ(decode(&noon, &t), 0); /* 12 AM is midnight */
	KT_ASSERT_EQ(t.hour, 0);
	KT_ASSERT_EQ(t.year, 2000); /* century register 0: assume 20xx */
	KT_ASSERT_EQ(decode(&bad, &t), -EIO);
}
