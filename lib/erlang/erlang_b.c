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

/* ---- staffing and capacity for a blocking target ----------------------- */

/* B(n, a) <= b, computed exactly as oq_erlang_b computes B (a > 0). */
static int b_within(double a, int64_t n, double b)
{
    return 1.0 / oq__erlang_b_inv(a, n) <= b;
}

typedef struct b_ctx {
    double load, max_blocking;
} b_ctx;

static int b_meets(int32_t n, const void *vctx)
{
    const b_ctx *c = vctx;
    return b_within(c->load, n, c->max_blocking);
}

oq_status oq_erlang_b_agents(double load, double max_blocking, int32_t *agents)
{
    if (!agents || !oq__nonneg(load) || !oq__prob(max_blocking))
        return OQ_EINVAL;
    if (load == 0.0) {
        *agents = 0;
        return OQ_OK;
    }
    /* The carried load A (1 - B) cannot exceed N, so B >= 1 - N / A: every
     * N < A (1 - b) fails. Start two below that bound (rounding), at >= 0
     * (B(0) = 1 always fails). */
    double lo = ceil(load * (1.0 - max_blocking)) - 2.0;
    if (lo >= (double)INT32_MAX)
        return OQ_ERANGE;
    b_ctx c = {load, max_blocking};
    return oq__search_min(lo > 0.0 ? (int32_t)lo : 0, b_meets, &c, agents);
}

oq_status oq_erlang_b_load(int32_t agents, double max_blocking, double *load)
{
    if (!load || agents < 0 || !oq__prob(max_blocking))
        return OQ_EINVAL;
    if (agents == 0) {
        *load = 0.0;
        return OQ_OK;
    }
    /* B(N, A) grows with A and B >= 1 - N / A, so every A above N / (1 - b)
     * fails. Gallop down from there (evaluations near N cost O(sqrt N), far
     * below N O(N - A)), then bisect to adjacent doubles. */
    double fail = (double)agents / (1.0 - max_blocking) + 1.0, ok = 0.0;
    for (double d = sqrt(fail) + 1.0;; d *= 2.0) {
        double a = fail - d;
        if (a <= 0.0)
            break; /* B(N, 0) = 0 meets */
        if (b_within(a, agents, max_blocking)) {
            ok = a;
            break;
        }
        fail = a;
    }
    for (int i = 0; i < 2200; i++) { /* enough to reach the smallest doubles */
        double mid = ok + (fail - ok) / 2.0;
        if (mid <= ok || mid >= fail)
            break;
        if (b_within(mid, agents, max_blocking))
            ok = mid;
        else
            fail = mid;
    }
    *load = ok;
    return OQ_OK;
}
