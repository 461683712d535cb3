/* SPDX-License-Identifier: MIT */
/* Civil dates for the forecast module: days since 1970-01-01 in the proleptic
 * Gregorian calendar (H. Hinnant's algorithms), weekday 0 = Monday. The same
 * convention as omniq/calendar.h; internal until the forecast module uses the
 * calendar's oq_date_* functions. */
#include <stdio.h>

#include "forecast/internal.h"

int32_t oq__fc_days_from_civil(int32_t y, int32_t m, int32_t d)
{
    y -= m <= 2;
    int32_t era = (y >= 0 ? y : y - 399) / 400;
    int32_t yoe = y - era * 400;
    int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void oq__fc_civil_from_days(int32_t z, int32_t *y, int32_t *m, int32_t *d)
{
    z += 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    int32_t dd = doy - (153 * mp + 2) / 5 + 1;
    int32_t mm = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (mm <= 2);
    *m = mm;
    *d = dd;
}

int32_t oq__fc_weekday(int32_t date)
{
    /* 1970-01-01 was a Thursday (3). */
    int32_t w = (date % 7 + 7 + 3) % 7;
    return w;
}

void oq__fc_format_date(int32_t date, char *buf, size_t size)
{
    int32_t y, m, d;
    oq__fc_civil_from_days(date, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}
