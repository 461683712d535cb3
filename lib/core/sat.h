/* SPDX-License-Identifier: MIT */
/* Internal: saturating int64 arithmetic, shared by every layer that sums
 * counts or milliseconds (the statistics' counters, the KPI formulas). */
#ifndef OQ_CORE_SAT_H
#define OQ_CORE_SAT_H

#include <stdint.h>

/* a + b saturating at INT64_MAX / INT64_MIN (times and sums near the end of
 * int64, figures restored from a snapshot). */
static inline int64_t oq__sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

#endif
