/* SPDX-License-Identifier: MIT */
/* omniq — erlang module internals shared by its .c files (not installed). */
#ifndef OQ_ERLANG_INTERNAL_H
#define OQ_ERLANG_INTERNAL_H

#include <math.h>
#include <stdint.h>

#include "core/abi.h"
#include "core/error.h"
#include "omniq/erlang.h"

/* A finite, non-negative double. */
static inline int oq__nonneg(double v) { return isfinite(v) && v >= 0.0; }
/* A finite, strictly positive double. */
static inline int oq__pos(double v) { return isfinite(v) && v > 0.0; }
/* A probability target strictly inside (0, 1). */
static inline int oq__prob(double v) { return isfinite(v) && v > 0.0 && v < 1.0; }

/* Where the inverse-Erlang-B recurrence starts for load a (> 0) and agents n:
 * far enough below min(n, a) that a start value of 1 is forgotten to double
 * precision (the relative error shrinks by prod k/a, see docs/erlang.md). For
 * every n >= floor(a) the start depends on a only, so a search that steps n
 * upward reproduces oq__erlang_b_inv(a, n) bit for bit. */
int64_t oq__erlang_b_start(double a, int64_t n);

/* One step of the recurrence r_n = 1 + (n / a) r_{n-1}, where r_n = 1 / B(n, a).
 * Written as separate statements so no compiler contracts it into an FMA:
 * every caller must get bit-identical results. */
static inline double oq__erlang_b_step(double r, int64_t n, double a)
{
    double q = (double)n / a;
    double t = q * r;
    return 1.0 + t;
}

/* 1 / B(n, a) for a > 0, n >= 0 (may be +inf when B underflows). */
double oq__erlang_b_inv(double a, int64_t n);

/* Erlang C quantities from r = 1/B(n, a), for n > a > 0.
 * P(wait) and 1 - P(wait), both without cancellation. */
static inline double oq__erlang_c_from_r(double r, double n, double a)
{
    if (isinf(r))
        return 0.0;
    return n / (r * (n - a) + a);
}
static inline double oq__erlang_c_compl_from_r(double r, double n, double a)
{
    if (isinf(r))
        return 1.0;
    return (n - a) * (r - 1.0) / (r * (n - a) + a);
}
/* SL = 1 - C exp(-(n - a) t), t = threshold / aht, as (1 - C) + C (1 - e^-x). */
static inline double oq__erlang_c_sl_from_r(double r, double n, double a, double t)
{
    double c = oq__erlang_c_from_r(r, n, a);
    double nc = oq__erlang_c_compl_from_r(r, n, a);
    double sl = nc + c * -expm1(-(n - a) * t);
    return sl > 1.0 ? 1.0 : sl;
}

/* Log of x^b e^-x / Gamma(b + 1) (b > 0, x >= 0), Loader's saddle-point form:
 * accurate to a few ulps of the result's magnitude. */
double oq__log_dpois(double b, double x);
/* psi(u) - psi(v) for u >= v > 0, without cancellation. */
double oq__digamma_diff(double u, double v);



/* Monotone search: the smallest n > lo_fail for which meets(n) is true, given
 * that meets(lo_fail) is false (or lo_fail == -1) and meets is monotone in n.
 * Gallops (steps 1, 2, 4, ...) then bisects: O(log) evaluations. meets returns
 * 1 (met), 0 (not met) or a negative oq_status, which is passed on. */
typedef int (*oq__meets_fn)(int32_t n, const void *ctx);
oq_status oq__search_min(int32_t lo_fail, oq__meets_fn meets, const void *ctx, int32_t *out);
/* Combined staffing (staffing.c): options validity, and the validated core. */
/* OQ_OK when `o` is usable: its struct_size accepted (core.h: versioned
 * structs; the caller's fields are then copied over the defaults into
 * *full, which the call goes on with), every field in range and at least
 * one constraint set. Else OQ_EINVAL, *err (may be NULL) naming the first
 * refused option: "fn: options.target_sl: 1.5, need 0 (off) or (0, 1)". */
oq_status oq__staffing_options_check(const oq_staffing_options *o, oq_staffing_options *full,
                                     const char *fn, oq_error *err);
oq_status oq__staffing(double load, double aht_s, const oq_staffing_options *o,
                       oq_staffing_result *out);
/* oq_erlang_a on validated arguments into a full struct (erlang_a.c): the
 * staffing search calls it per candidate N without a struct_size check. */
oq_status oq__erlang_a(double load, int32_t agents, double aht_s, double patience_s,
                       double threshold_s, oq_erlang_a_result *out);
/* OQ_EINVAL with "fn: what" in *err (may be NULL): an argument out of range. */
oq_status oq__erlang_bad(oq_error *err, const char *fn, const char *what);
/* The checks of a model's (load, agents): oq__erlang_bad naming the one
 * out of range, else OQ_OK. */
oq_status oq__erlang_load_agents(oq_error *err, const char *fn, double load, int32_t agents);
/* OQ_ERANGE with "fn: the answer does not fit an int32_t agent count" (or
 * any other status st, passed through with a message naming fn). */
oq_status oq__erlang_fail(oq_error *err, const char *fn, oq_status st);

#endif /* OQ_ERLANG_INTERNAL_H */
