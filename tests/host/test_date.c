/*
 * Host tests for boot/src/date.c: days_from_civil, which turns the RTC's
 * date into the Unix time of the date-at-boot response. Known dates (leap
 * days of 2000 and 2100, the 2038 rollover, dates before 1970) and a
 * day-by-day walk over 1600-2400 compared with a plain calendar written
 * here, one day at a time, and month ends over 14,000 years (negative
 * years too: the proleptic Gregorian calendar) against a counting loop.
 */
#include "testlib.h"
#include "rtc.h"

#include <stdint.h>

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned days[] = {31, 28, 31, 30, 31, 30,
					31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01, counted year by year and month by month. */
static int64_t reference_days(int64_t y, unsigned m, unsigned d)
{
	int64_t n = 0;
	for (int64_t i = 1970; i < y; i++)
		n += leap(i) ? 366 : 365;
	for (int64_t i = y; i < 1970; i++)
		n -= leap(i) ? 366 : 365;
	for (unsigned i = 1; i < m; i++)
		n += month_days(y, i);
	return n + d - 1;
}

static void known_dates(void)
{
	CHECK_EQ(days_from_civil(1970, 1, 1), 0);
	CHECK_EQ(days_from_civil(1970, 1, 2), 1);
	CHECK_EQ(days_from_civil(1969, 12, 31), -1);
	CHECK_EQ(days_from_civil(1971, 1, 1), 365);
	CHECK_EQ(days_from_civil(2000, 2, 29), 11016);
	CHECK_EQ(days_from_civil(2000, 3, 1), 11017);
	CHECK_EQ(days_from_civil(2100, 2, 28), 47540);
	CHECK_EQ(days_from_civil(2100, 3, 1), 47541); /* no 2100-02-29 */
	CHECK_EQ(days_from_civil(2026, 11, 27), 20784);
	CHECK_EQ(days_from_civil(2038, 1, 19), 24855);
	CHECK_EQ(days_from_civil(1900, 2, 28), -25509);
	CHECK_EQ(days_from_civil(1900, 3, 1), -25508);
	CHECK_EQ(days_from_civil(1600, 2, 29), -135081);
	CHECK_EQ(days_from_civil(2400, 2, 29), 157113);
	CHECK_EQ(days_from_civil(1583, 10, 15), -141062);
	CHECK_EQ(days_from_civil(1, 1, 1), -719162);
	CHECK_EQ(days_from_civil(0, 3, 1), -719468);
	CHECK_EQ(days_from_civil(9999, 12, 31), 2932896);
}

static void unix_seconds(void)
{
	/* As rtc_unix_time() uses it: days * 86400 + time of day. */
	CHECK_EQ(days_from_civil(2038, 1, 19) * 86400 + 3 * 3600 + 14 * 60 + 7,
		 INT32_MAX);
	CHECK_EQ(days_from_civil(2001, 9, 9) * 86400 + 1 * 3600 + 46 * 60 + 40,
		 1000000000);
}

/* Walk day by day from 1970-01-01, forwards to 2400, backwards to 1600. */
static void walk(int dir)
{
	int64_t y = 1970, n = 0;
	unsigned m = 1, d = 1;
	while (y >= 1600 && y <= 2400) {
		int64_t got = days_from_civil(y, m, d);
		if (got != n) {
			snprintf(test_why, sizeof(test_why),
				 "%04lld-%02u-%02u: %lld, expected %lld",
				 (long long)y, m, d, (long long)got,
				 (long long)n);
			longjmp(test_jmp, 1);
		}
		n += dir;
		if (dir > 0 && ++d > month_days(y, m)) {
			d = 1;
			if (++m > 12)
				m = 1, y++;
		} else if (dir < 0 && --d == 0) {
			if (--m == 0)
				m = 12, y--;
			d = month_days(y, m);
		}
	}
	CHECK(dir > 0 ? n == days_from_civil(2401, 1, 1)
		      : n == days_from_civil(1599, 12, 31));
}

static void far_years(void)
{
	for (int64_t y = -4000; y <= 10000; y += 53) {
		for (unsigned m = 1; m <= 12; m++) {
			unsigned last = month_days(y, m);
			CHECK_EQ(days_from_civil(y, m, 1),
				 reference_days(y, m, 1));
			CHECK_EQ(days_from_civil(y, m, last),
				 reference_days(y, m, last));
		}
	}
	CHECK_EQ(days_from_civil(-4, 2, 29) + 1, days_from_civil(-4, 3, 1));
	CHECK_EQ(days_from_civil(-1, 12, 31) + 1, days_from_civil(0, 1, 1));
	CHECK_EQ(days_from_civil(-400, 1, 1) + 146097,
		 days_from_civil(0, 1, 1));
}

int main(void)
{
	RUN(known_dates(), "known dates");
	RUN(unix_seconds(), "Unix times of known instants");
	RUN(walk(1), "every day 1970-2400 vs a plain calendar");
	RUN(walk(-1), "every day 1600-1969 vs a plain calendar");
	RUN(far_years(), "month ends of years -4000..10000 vs counting");
	TEST_EXIT();
}
