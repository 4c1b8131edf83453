/* The CMOS real-time clock, read once for the date-at-boot response. */
#ifndef RASTBOOT_RTC_H
#define RASTBOOT_RTC_H

#include "lib.h"

/* Seconds since 1970-01-01 UTC (the RTC is assumed to run in UTC). */
int64_t rtc_unix_time(void);

/* Days from 1970-01-01 to the given proleptic Gregorian date. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
