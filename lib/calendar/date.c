/* SPDX-License-Identifier: MIT */
/* Civil dates of the proleptic Gregorian calendar as day counts since
 * 1970-01-01 (Howard Hinnant's days_from_civil / civil_from_days: exact for
 * every year, no tables, no loops). */
#include <stddef.h>

#include "calendar/internal.h"

int64_t oq__floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t oq__days_from_civil(int64_t year, int32_t month, int32_t day)
{
    year -= month <= 2;
    int64_t era = oq__floordiv(year, 400);
    int64_t yoe = year - era * 400;                                        /* 0..399 */
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                   /* 0..146096 */
    return era * 146097 + doe - 719468;
}

void oq__civil_from_days(int64_t days, int64_t *year, int32_t *month, int32_t *day)
{
    days += 719468;
    int64_t era = oq__floordiv(days, 146097);
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int32_t m = (int32_t)(mp < 10 ? mp + 3 : mp - 9);
    *day = (int32_t)(doy - (153 * mp + 2) / 5 + 1);
    *month = m;
    *year = yoe + era * 400 + (m <= 2);
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int32_t oq__days_in_month(int64_t year, int32_t month)
{
    static const int32_t len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : len[month - 1];
}

int32_t oq__weekday64(int64_t date)
{
    int64_t w = (date + 3) % 7; /* 1970-01-01 was a Thursday */
    return (int32_t)(w < 0 ? w + 7 : w);
}

oq_status oq_date_from_ymd(int32_t year, int32_t month, int32_t day, int32_t *out_date)
{
    if (!out_date || year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > oq__days_in_month(year, month))
        return OQ_EINVAL;
    *out_date = (int32_t)oq__days_from_civil(year, month, day);
    return OQ_OK;
}

oq_status oq_date_to_ymd(int32_t date, int32_t *year, int32_t *month, int32_t *day)
{
    if (date < OQ__DATE_MIN || date > OQ__DATE_MAX)
        return OQ_EINVAL;
    int64_t y;
    int32_t m, d;
    oq__civil_from_days(date, &y, &m, &d);
    if (year)
        *year = (int32_t)y;
    if (month)
        *month = m;
    if (day)
        *day = d;
    return OQ_OK;
}

int32_t oq_date_weekday(int32_t date) { return oq__weekday64(date); }

static int digits(const char *s, int n, int32_t *out)
{
    int32_t v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

oq_status oq_date_parse(const char *text, int32_t *out_date)
{
    int32_t y, m, d;
    if (!text || !out_date)
        return OQ_EINVAL;
    for (int i = 0; i < 10; i++) /* no reading past a shorter string's NUL */
        if (!text[i])
            return OQ_EINVAL;
    if (text[10] != '\0' || text[4] != '-' || text[7] != '-' || !digits(text, 4, &y) ||
        !digits(text + 5, 2, &m) || !digits(text + 8, 2, &d))
        return OQ_EINVAL;
    return oq_date_from_ymd(y, m, d, out_date);
}

const char *oq_weekday_name(int32_t weekday)
{
    static const char *const names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    return weekday >= 0 && weekday < 7 ? names[weekday] : NULL;
}
