/* SPDX-License-Identifier: MIT */
/* Galloping + bisection search for the smallest agent count meeting a target. */
#include "erlang/erlang_internal.h"

oq_status oq__search_min(int32_t lo_fail, oq__meets_fn meets, const void *ctx, int32_t *out)
{
    int64_t lo = lo_fail, hi, step = 1;
    for (;;) {
        hi = lo + step;
        if (hi > INT32_MAX)
            return OQ_ERANGE;
        int m = meets((int32_t)hi, ctx);
        if (m < 0)
            return m;
        if (m)
            break;
        lo = hi;
        step *= 2;
    }
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        int m = meets((int32_t)mid, ctx);
        if (m < 0)
            return m;
        if (m)
            hi = mid;
        else
            lo = mid;
    }
    *out = (int32_t)hi;
    return OQ_OK;
}
