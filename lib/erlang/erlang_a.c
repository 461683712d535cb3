/* SPDX-License-Identifier: MIT */
/* Erlang A (M/M/N+M, Palm's model with exponential patience).
 *
 * Method (docs/erlang.md): with a = N mu / theta and x = lambda / theta the
 * queue part of the birth-death chain is t_j = pi_{N+j} / pi_N =
 * x^j / prod_{k=1..j} (a + k). We sum t_j, j t_j and the served-wait weights
 * from the mode j* = floor(x - a) outward in mode-relative scale (terms
 * vanish geometrically on both sides, so there is no overflow), the blocking
 * part from the warm-started Erlang B recurrence, and the incomplete-gamma
 * ratio for the service level in log scale through Loader's Poisson density:
 * P(a, x) = d(a + j*, x) * sum_j t_j / t_{j*}. */
#include <math.h>

#include "erlang/erlang_internal.h"

typedef struct mode_sums {
    double jstar;  /* mode of t_j */
    double w0;     /* sum t_j / t_{j*} */
    double w1;     /* sum j t_j / t_{j*} */
    double ws;     /* sum a / (a + j + 1) t_j / t_{j*}: P(served | j ahead) weights */
    double wh;     /* sum a / (a + j + 1) H_j t_j / t_{j*}, H_j = sum_{k=1..j+1} 1/(a+k) */
} mode_sums;

#define TAIL 1e-18
#define RESYNC 1024

static void sums(double a, double x, int full, mode_sums *s)
{
    double js = x - a >= 1.0 ? floor(x - a) : 0.0;
    double hs = 0.0;
    if (full) {
        if (js <= 64.0) {
            for (double k = js + 1.0; k >= 1.0; k -= 1.0)
                hs += 1.0 / (a + k);
        } else {
            hs = oq__digamma_diff(a + js + 2.0, a + 1.0);
        }
    }
    double w0 = 1.0, w1 = js, ws = a / (a + js + 1.0), wh = ws * hs;
    /* Long runs (x large) re-anchor w_j = d(a+j, x) / d(a+j*, x) and H_j every
     * RESYNC steps so that rounding does not accumulate over millions of steps. */
    double ld_star = NAN;
    /* upward: t_{j+1} / t_j = x / (a + j + 1) */
    double w = 1.0, h = hs;
    int cnt = 0;
    for (double j = js + 1.0;; j += 1.0) {
        if (++cnt == RESYNC) {
            cnt = 0;
            if (isnan(ld_star))
                ld_star = oq__log_dpois(a + js, x);
            w = exp(oq__log_dpois(a + j, x) - ld_star);
            if (full)
                h = oq__digamma_diff(a + j + 1.0, a + 1.0); /* H_{j-1}: updated below */
        } else {
            w *= x / (a + j);
        }
        w0 += w;
        if (full) {
            double sv = a / (a + j + 1.0);
            h += 1.0 / (a + j + 1.0);
            w1 += j * w;
            ws += sv * w;
            wh += sv * h * w;
        }
        if (w < TAIL * w0 && (!full || w * j <= TAIL * w1))
            break;
    }
    /* downward: t_{j-1} / t_j = (a + j) / x */
    w = 1.0;
    h = hs;
    cnt = 0;
    for (double j = js - 1.0; j >= 0.0; j -= 1.0) {
        int sync = ++cnt == RESYNC && j >= 64.0;
        if (cnt == RESYNC)
            cnt = 0;
        if (sync) {
            if (isnan(ld_star))
                ld_star = oq__log_dpois(a + js, x);
            w = exp(oq__log_dpois(a + j, x) - ld_star);
        } else {
            w *= (a + j + 1.0) / x;
        }
        w0 += w;
        if (full) {
            if (sync)
                h = oq__digamma_diff(a + j + 2.0, a + 1.0);
            else
                h -= 1.0 / (a + j + 2.0);
            double sv = a / (a + j + 1.0);
            w1 += j * w;
            ws += sv * w;
            wh += sv * h * w;
        }
        if (w < TAIL * w0 && (!full || w * j <= TAIL * w1))
            break;
    }
    s->jstar = js;
    s->w0 = w0;
    s->w1 = w1;
    s->ws = ws;
    s->wh = wh;
}

/* Validated evaluation; load > 0, agents > 0. */
static oq_status erlang_a_eval(double load, int32_t agents, double aht_s, double patience_s,
                               double threshold_s, oq_erlang_a_result *out)
{
    double n = agents;
    double a = n * patience_s / aht_s;
    double x = load * patience_s / aht_s;
    double theta_t = threshold_s / patience_s;
    if (!(a < 1e15) || !(x < 1e15))
        return OQ_ERANGE;

    /* r - 1 = (N / A) r_{N-1}, with r = 1 / B(N, A): no cancellation near r = 1 */
    double rm1 = n / load * oq__erlang_b_inv(load, agents - 1);

    mode_sums m;
    sums(a, x, 1, &m);
    double log_t = m.jstar == 0.0 ? 0.0 : oq__log_dpois(a + m.jstar, x) - oq__log_dpois(a, x);
    double log_aa = log(m.w0) + log_t; /* ln of Palm's script-A = sum t_j */

    double u = rm1 * exp(-log_aa); /* (1 - E) / (E A) */
    double p_wait, p_nowait;
    if (isinf(u)) {
        p_wait = 0.0;
        p_nowait = 1.0;
    } else {
        p_wait = 1.0 / (1.0 + u);
        p_nowait = u / (1.0 + u);
    }
    double ab_w = m.w1 / (x * m.w0);       /* P(Ab | W > 0) */
    double sv_w = m.ws / m.w0;             /* P(served | W > 0) = 1 - P(Ab | W > 0) */
    double served = p_nowait + p_wait * sv_w;

    /* P(served, 0 < W <= T | W > 0) = sv_w - (a / x) P(a + 1, y) / P(a, x), y = x e^{-theta T} */
    double y = x * exp(-theta_t);
    double within = sv_w;
    if (theta_t == 0.0) {
        within = 0.0; /* T = 0: only contacts that do not wait at all */
    } else if (y > 0.0) {
        mode_sums my;
        sums(a + 1.0, y, 0, &my);
        double lr;
        if (m.jstar == 0.0 && my.jstar == 0.0)
            lr = log(x / (a + 1.0)) - (a + 1.0) * theta_t + x * -expm1(-theta_t);
        else
            lr = oq__log_dpois(a + 1.0 + my.jstar, y) - oq__log_dpois(a + m.jstar, x);
        lr += log(my.w0 / m.w0);
        within = sv_w - a / x * exp(lr);
        if (within < 0.0)
            within = 0.0;
    }

    out->p_wait = p_wait;
    out->p_abandon = p_wait * ab_w;
    out->service_level = p_nowait + p_wait * within;
    out->asa_s = p_wait * (m.wh / m.w0) * patience_s / served;
    double occ = load * served / n; /* <= 1 exactly; clamp rounding */
    out->occupancy = occ > 1.0 ? 1.0 : occ;
    return OQ_OK;
}

oq_status oq__erlang_a(double load, int32_t agents, double aht_s, double patience_s,
                       double threshold_s, oq_erlang_a_result *out)
{
    oq_erlang_a_result r;
    r.struct_size = (uint32_t)sizeof r;
    r.reserved = 0;
    if (agents == 0) {
        r.p_wait = 1.0;
        r.p_abandon = 1.0;
        r.service_level = 0.0;
        r.asa_s = 0.0;
        r.occupancy = 0.0;
    } else if (load == 0.0) {
        r.p_wait = 0.0;
        r.p_abandon = 0.0;
        r.service_level = 1.0;
        r.asa_s = 0.0;
        r.occupancy = 0.0;
    } else {
        oq_status st = erlang_a_eval(load, agents, aht_s, patience_s, threshold_s, &r);
        if (st != OQ_OK)
            return st;
    }
    *out = r;
    return OQ_OK;
}

oq_status oq_erlang_a(double load, int32_t agents, double aht_s, double patience_s,
                      double threshold_s, oq_erlang_a_result *out, oq_error *err)
{
    static const char fn[] = "oq_erlang_a";
    oq_status st = OQ__OUTPUT_CHECK(out, oq_erlang_a_result, p_wait, err);
    if (st != OQ_OK || (st = oq__erlang_load_agents(err, fn, load, agents)) != OQ_OK)
        return st;
    if (!oq__pos(aht_s))
        return oq__erlang_bad(err, fn, "aht_s must be > 0 and finite");
    if (!oq__pos(patience_s))
        return oq__erlang_bad(err, fn, "patience_s must be > 0 and finite");
    if (!oq__nonneg(threshold_s))
        return oq__erlang_bad(err, fn, "threshold_s must be >= 0 and finite");
    oq_erlang_a_result r;
    if ((st = oq__erlang_a(load, agents, aht_s, patience_s, threshold_s, &r)) != OQ_OK)
        return oq__erlang_fail(err, fn, st);
    return OQ__OUTPUT_PUT(out, &r, oq_erlang_a_result, p_wait, err);
}
