/* SPDX-License-Identifier: MIT */
/* Erlang B (M/M/N/N blocking) by the stable inverse recurrence with warm start. */
#include <math.h>

#include "erlang/erlang_internal.h"

int64_t oq__erlang_b_start(double a, int64_t n)
{
    /* Relative error of the start value 1 shrinks by ~exp(-L^2 / (2a)) over L
     * steps below a: L = 9 sqrt(a) + 16 gives < 1e-17 (see docs/erlang.md). */
    double fl = floor(a);
    double m = (double)n < fl ? (double)n : fl;
    double s = m - (9.0 * sqrt(a) + 16.0);
    return s <= 0.0 ? 0 : (int64_t)s;
}

double oq__erlang_b_inv(double a, int64_t n)
{
    double r = 1.0;
    for (int64_t k = oq__erlang_b_start(a, n) + 1; k <= n; k++) {
        r = oq__erlang_b_step(r, k, a);
        if (isinf(r))
            break;
    }
    return r;
}

oq_status oq_erlang_b(double load, int32_t agents, double *blocking)
{
    if (!blocking || !oq__nonneg(load) || agents < 0)
        return OQ_EINVAL;
    if (load == 0.0) {
        *blocking = agents == 0 ? 1.0 : 0.0;
        return OQ_OK;
    }
    *blocking = 1.0 / oq__erlang_b_inv(load, agents);
    return OQ_OK;
}
