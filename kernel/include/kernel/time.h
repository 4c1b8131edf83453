/*
 * Calendar time. For now only the conversion the boot log needs (the
 * loader reports the boot date as UNIX seconds); the RTC and a clock come
 * with the timer work.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

/* A UTC date and time of day, proleptic Gregorian calendar. */
struct civil_time {
	int64_t year;
	int month;  /* 1..12 */
	int day;    /* 1..31 */
	int hour;   /* 0..23 */
	int minute; /* 0..59 */
	int second; /* 0..59 (UNIX time has no leap seconds) */
};

/* Split UNIX seconds (negative: before 1970) into a civil time. */
void time_unix_to_civil(int64_t unix_seconds, struct civil_time *out);

#endif
