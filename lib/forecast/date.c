/* SPDX-License-Identifier: MIT */
/* Dates in the forecast module's messages: the calendar module's civil dates
 * (omniq/calendar.h) as "YYYY-MM-DD". */
#include <stdio.h>

#include "forecast/internal.h"

void oq__fc_format_date(int32_t date, char *buf, size_t size)
{
    int32_t y = 0, m = 0, d = 0;
    if (oq_date_to_ymd(date, &y, &m, &d) == OQ_OK)
        snprintf(buf, size, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
    else
        snprintf(buf, size, "day %d", (int)date);
}
