/* SPDX-License-Identifier: MIT */
/* Shared by the calendar tests: an independent source of local time (the C
 * library's localtime_r under TZ=<zone>, which the library itself never
 * uses) and small date helpers. Include after defining _DEFAULT_SOURCE
 * (tm_gmtoff, setenv). Tests are single-threaded: switching TZ is safe here. */
#ifndef OQ_TEST_CALENDAR_ORACLE_H
#define OQ_TEST_CALENDAR_ORACLE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_support.h"

#define DAY_MS ((int64_t)OQ_MS_PER_DAY)
#define HOUR_MS ((int64_t)3600000)
#define MIN_MS ((int64_t)60000)

/* Make `zone` the C library's local zone. */
static inline void oracle_zone(const char *zone)
{
    char tz[300];
    snprintf(tz, sizeof tz, ":%s", zone);
    assert_int_equal(setenv("TZ", tz, 1), 0);
    tzset();
}

static inline int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Days since 1970-01-01 by counting (no shared code with the library):
 * whole years, then months. Years 1600..2400 are plenty for the tests. */
static inline int is_leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static inline int64_t count_days(int64_t y, int m, int d)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t n = 0;
    for (int64_t k = 1970; k < y; k++)
        n += is_leap_year(k) ? 366 : 365;
    for (int64_t k = y; k < 1970; k++)
        n -= is_leap_year(k) ? 366 : 365;
    for (int k = 1; k < m; k++)
        n += len[k - 1] + (k == 2 && is_leap_year(y));
    return n + d - 1;
}

typedef struct oracle_local {
    int64_t date;
    int64_t ms_of_day;
    int32_t offset_s;
    int32_t is_dst;
} oracle_local;

/* Local time of t_ms in the zone set by oracle_zone. */
static inline oracle_local oracle_to_local(int64_t t_ms)
{
    time_t s = (time_t)floor_div(t_ms, 1000);
    struct tm tm;
    assert_non_null(localtime_r(&s, &tm));
    oracle_local o;
    o.date = count_days((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    o.ms_of_day = ((int64_t)tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec) * 1000 +
                  (t_ms - floor_div(t_ms, 1000) * 1000);
    o.offset_s = (int32_t)tm.tm_gmtoff;
    o.is_dst = tm.tm_isdst > 0;
    return o;
}

/* UTC instant of a civil date-time given in UTC. */
static inline int64_t utc_ms(int y, int mo, int d, int h, int mi, int s)
{
    return count_days(y, mo, d) * DAY_MS + ((int64_t)h * 3600 + mi * 60 + s) * 1000;
}

static inline int32_t date_of(int y, int m, int d)
{
    int32_t out = 0;
    assert_int_equal(oq_date_from_ymd(y, m, d, &out), OQ_OK);
    return out;
}

static inline oq_calendar *new_calendar(const char *id, const char *zone)
{
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_calendar_create(id, zone, NULL, &cal, &err);
    if (st != OQ_OK)
        fail_msg("oq_calendar_create(%s, %s): %s: %s", id, zone, oq_status_name(st), err.message);
    return cal;
}

/* Options whose allocator is the counting test allocator `a` (reset), failing
 * its fail_at-th allocation (0: never). */
static inline void counting_options(oq_calendar_options *o, test_alloc *a, int64_t fail_at)
{
    memset(a, 0, sizeof *a);
    a->fail_at = fail_at;
    oq_calendar_options_init(o);
    o->alloc = test_alloc_fn;
    o->alloc_user = a;
}

/* "HH:MM" in ms after midnight. */
#define HM(h, m) ((int32_t)((h) * 3600000 + (m) * 60000))

static inline void must(oq_status st, const oq_error *err, const char *what)
{
    if (st != OQ_OK)
        fail_msg("%s: %s: %s", what, oq_status_name(st), err ? err->message : "");
}

/* xorshift64*: reproducible random numbers for the property tests. */
static inline uint64_t rnd_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}
static inline int64_t rnd_range(uint64_t *s, int64_t lo, int64_t hi) /* [lo, hi] */
{
    return lo + (int64_t)(rnd_next(s) % (uint64_t)(hi - lo + 1));
}

#endif
