/* SPDX-License-Identifier: MIT */
/* Series the forecast tests build: dates, a deterministic Poisson generator
 * and a synthetic weekly-shaped series whose true rates are known. */
#ifndef OQ_FORECAST_FIXTURES_H
#define OQ_FORECAST_FIXTURES_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

/* Days since 1970-01-01 of a civil date, computed by counting (independent of
 * the library's algorithm). */
static inline int32_t fx_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int32_t n = 0;
    for (int yy = 1970; yy < y; yy++)
        n += 365 + ((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0);
    for (int mm = 1; mm < m; mm++)
        n += mdays[mm - 1] + (mm == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return n + d - 1;
}

/* 2024-01-01 was a Monday. */
#define FX_MONDAY fx_date(2024, 1, 1)

#define ASSERT_OK(call, err)                                                                       \
    do {                                                                                           \
        oq_status st_ = (call);                                                                    \
        if (st_ != OQ_OK)                                                                          \
            fail_msg("%s -> %s: %s", #call, oq_status_name(st_), (err).message);                  \
    } while (0)

/* Expect `status` and a message containing `needle`. */
#define ASSERT_ERR(call, status, err, needle)                                                      \
    do {                                                                                           \
        oq_error_init(&(err));                                                                     \
        oq_status st_ = (call);                                                                    \
        if (st_ != (status))                                                                       \
            fail_msg("%s -> %s (expected %s): %s", #call, oq_status_name(st_),                    \
                     oq_status_name(status), (err).message);                                       \
        if (!strstr((err).message, (needle)))                                                      \
            fail_msg("%s: message '%s' lacks '%s'", #call, (err).message, (needle));              \
    } while (0)

typedef struct fx_rng {
    uint64_t s;
} fx_rng;

static inline double fx_uniform(fx_rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (double)(r->s >> 11) / 9007199254740992.0;
}

/* Poisson draw by inversion (exact for the small means used here). */
static inline double fx_poisson(fx_rng *r, double mu)
{
    double u = fx_uniform(r), p = exp(-mu), c = p;
    int k = 0;
    while (u > c && k < 10000) {
        k++;
        p *= mu / k;
        c += p;
    }
    return k;
}

/* The true rate of the synthetic series: a weekday level x an intraday shape
 * (24 hourly intervals; quiet nights, a late-morning peak, closed Sundays). */
static inline double fx_rate(int32_t date, int32_t hour, double day_level)
{
    static const double weekday[7] = {1.0, 0.9, 0.9, 0.85, 0.8, 0.3, 0.0};
    int32_t w = ((date % 7) + 7 + 3) % 7;
    double shape = hour < 7 || hour >= 21 ? 1.0 : 10 + 20 * sin((hour - 7) / 14.0 * 3.14159265);
    return weekday[w] * shape * day_level;
}

/* `days` days of hourly counts from `first` on, Poisson around fx_rate with a
 * persistent day level (an AR(1) around 1); Sundays absent (closed). The day
 * levels are written to levels[] when not NULL. */
static inline oq_volume_series *fx_synthetic(int32_t first, int32_t days, uint64_t seed,
                                             double *levels)
{
    oq_volume_series *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_volume_series_create(3600, NULL, NULL, &s, &err), err);
    fx_rng r = {seed};
    double level = 1, v[24];
    for (int32_t d = 0; d < days; d++) {
        int32_t date = first + d;
        level = 1 + 0.6 * (level - 1) + 0.08 * (fx_uniform(&r) - 0.5) * 2;
        if (levels)
            levels[d] = level;
        if (((date % 7) + 7 + 3) % 7 == 6)
            continue;
        for (int32_t h = 0; h < 24; h++)
            v[h] = fx_poisson(&r, fx_rate(date, h, level));
        ASSERT_OK(oq_volume_series_set_day(s, date, v, NULL, 24, &err), err);
    }
    return s;
}

/* Write `text` to `path` (in the test's working directory). */
static inline void fx_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#endif
