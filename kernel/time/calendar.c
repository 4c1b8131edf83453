/*
 * UNIX seconds to a calendar date and back (see <kernel/time.h>), using the
 * days-from-civil inverse by Howard Hinnant ("chrono-compatible low-level
 * date algorithms"): exact for any int64 day count, no tables, no loops.
 * It counts in 400-year eras starting on 0000-03-01, so that the leap day
 * falls at the end of each year.
 */
#include <kernel/time.h>

#define SECONDS_PER_DAY 86400
#define DAYS_PER_ERA 146097 /* 400 Gregorian years */
#define DAYS_0000_03_01_TO_EPOCH 719468

/* Floor division: C's rounds toward zero, dates before 1970 need floor. */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void time_unix_to_civil(int64_t t, struct civil_time *out)
{
	int64_t days = floor_div(t, SECONDS_PER_DAY);
	int64_t secs = t - days * SECONDS_PER_DAY;
	int64_t z = days + DAYS_0000_03_01_TO_EPOCH;
	int64_t era = floor_div(z, DAYS_PER_ERA);
	int64_t doe = z - era * DAYS_PER_ERA; /* day of era, 0..146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* from Mar 1 */
	int64_t mp = (5 * doy + 2) / 153; /* month from March, 0..11 */

	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = yoe + era * 400 + (out->month <= 2);
	out->hour = (int)(secs / 3600);
	out->minute = (int)(secs / 60 % 60);
	out->second = (int)(secs % 60);
}

/* days_from_civil, the same era arithmetic run forwards. */
int64_t time_civil_to_unix(const struct civil_time *ct)
{
	int64_t y = ct->year - (ct->month <= 2);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;				    /* 0..399 */
	int64_t mp = ct->month > 2 ? ct->month - 3 : ct->month + 9; /* 0..11 */
	int64_t doy = (153 * mp + 2) / 5 + ct->day - 1;		    /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
	int64_t days = era * DAYS_PER_ERA + doe - DAYS_0000_03_01_TO_EPOCH;

	return days * SECONDS_PER_DAY + ct->hour * 3600 + ct->minute * 60 +
	       ct->second;
}
