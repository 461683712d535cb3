/* SPDX-License-Identifier: MIT */
/* The built-in solver for models that are not a flow: a lower bound from the
 * LP relaxation, its rounding as a start, then local search (heur.c); the
 * result states its gap to the bound. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule/heur.h"
#include "schedule/lp.h"

static oq_status run(sch_solve *sv, sch_units *start, double lb)
{
    hx h;
    if (!oq__hx_init(&h, sv)) {
        oq__hx_free(&h);
        return OQ_ENOMEM;
    }
    oq_status st = OQ_OK;
    for (int32_t i = 0; start && i < start->n; i++)
        if (!oq__hx_add(&h, &start->u[i], &start->d[start->u[i].first])) {
            st = OQ_ENOMEM;
            break;
        }
    if (st == OQ_OK && !oq__hx_search(&h, lb, sv->deadline))
        st = OQ_ENOMEM;
    sch_units out;
    memset(&out, 0, sizeof out);
    if (st == OQ_OK && !oq__hx_export(&h, &out))
        st = OQ_ENOMEM;
    int64_t under = oq__hx_under(&h);
    double obj = h.obj;
    oq__hx_free(&h);
    if (st != OQ_OK) {
        oq__units_free(&sv->mem, &out);
        return st;
    }
    oq__units_free(&sv->mem, &sv->units);
    sv->units = out;
    if (sv->costs.hard && under > 0) {
        sv->status = OQ_SCHED_NO_SOLUTION;
        snprintf(sv->message, sizeof sv->message,
                 "heuristic: no schedule covering every interval found (%lld agent-intervals "
                 "short); the limits may make it impossible",
                 (long long)under);
        return OQ_OK;
    }
    if (isfinite(lb) && obj - lb <= sv->o->gap_tolerance * fabs(obj) + 1e-9) {
        sv->status = OQ_SCHED_OPTIMAL;
        sv->lower_bound = obj;
    } else {
        sv->status = OQ_SCHED_FEASIBLE;
        sv->lower_bound = lb;
    }
    return OQ_OK;
}

/* The LP's tour columns rounded band by band (heur.h says how and why). */
int oq__lp_round_bands(sch_solve *sv, const sch_model *md, double *x, sch_units *us)
{
    const oq_schedule *s = sv->s;
    for (int32_t i0 = 0, i1; i0 < md->n_tc; i0 = i1) {
        for (i1 = i0; i1 < md->n_tc && md->tc[i1].tour == md->tc[i0].tour &&
                      md->tc[i1].band == md->tc[i0].band;
             i1++)
            ;
        const sch_tour *tr = &s->tour[md->tc[i0].tour];
        const sch_template *t = &s->tpl[tr->tpl];
        const int32_t band = md->tc[i0].band, on = tr->days_on;
        int fixed = tr->drift == 0 && !tr->consecutive_off && on >= 1 && on <= 7;
        for (int32_t j = 0; j < t->n_breaks; j++)
            fixed = fixed && t->breaks[j].lo == t->breaks[j].hi;
        if (!fixed)
            continue;
        double W = 0, xw[7] = {0, 0, 0, 0, 0, 0, 0};
        for (int32_t i = i0; i < i1; i++) {
            double v = x[md->tc[i].col] > 0 ? x[md->tc[i].col] : 0;
            W += v;
            for (int32_t w = 0; w < 7; w++)
                xw[w] += (md->tc[i].pattern >> w) & 1 ? v : 0;
            x[md->tc[i].col] = 0;
        }
        int32_t Wi = (int32_t)floor(W + 0.5), take[7], open = 0, sum = 0;
        int open_w[7];
        for (int32_t w = 0; w < 7; w++) {
            open_w[w] = (t->days >> w) & 1;
            for (int32_t day = 0; open_w[w] && day < s->h.days; day++)
                if (sch_weekday(s, day) == w && !oq__duty_open(s, &sv->costs, t, day * s->per_day + band))
                    open_w[w] = 0;
            open += open_w[w];
            take[w] = open_w[w] ? (int32_t)floor(xw[w] + 1e-6) : 0;
            if (take[w] > Wi)
                take[w] = Wi;
            sum += take[w];
        }
        if (Wi <= 0 || open < on)
            continue;
        /* largest remainders up, smallest down, until sum = on * Wi */
        while (sum != on * Wi) {
            int32_t bw = -1;
            for (int32_t w = 0; w < 7; w++) {
                if (!open_w[w] || (sum < on * Wi ? take[w] >= Wi : take[w] <= 0))
                    continue;
                double r = xw[w] - take[w];
                if (bw < 0 || (sum < on * Wi ? r > xw[bw] - take[bw] : r < xw[bw] - take[bw]))
                    bw = w;
            }
            if (bw < 0)
                break;
            take[bw] += sum < on * Wi ? 1 : -1;
            sum += sum < on * Wi ? 1 : -1;
        }
        if (sum != on * Wi)
            continue;
        sch_unit u;
        sch_duty_inst d[7 * 53];
        for (int32_t a = 0; a < Wi; a++) {
            oq__band_unit(s, md->tc[i0].tour, band, oq__band_pattern(on, take), &u, d);
            if (!oq__units_push(&sv->mem, us, &u, d))
                return 0;
        }
    }
    return 1;
}

oq_status oq__improve_units(sch_solve *sv, sch_units *us)
{
    sch_units start = *us;
    memset(us, 0, sizeof *us);
    if (us != &sv->units)
        return OQ_EINVAL;
    oq_status st = run(sv, &start, sv->lower_bound);
    oq__units_free(&sv->mem, &start);
    return st;
}

oq_status oq__heuristic_solve(sch_solve *sv)
{
    snprintf(sv->solver, sizeof sv->solver, "heuristic");
    if (sv->costs.hard) {
        sch_duties dd;
        if (!oq__duties_build(sv->s, &sv->mem, &sv->costs, 1, &dd))
            return OQ_ENOMEM;
        int why = oq__cover_why(sv->s, &sv->mem, sv->o, &dd, sv->message, sizeof sv->message);
        oq__duties_free(&sv->mem, &dd);
        if (why < 0)
            return OQ_ENOMEM;
        if (why > 0) {
            sv->status = OQ_SCHED_INFEASIBLE;
            return OQ_OK;
        }
    }
    /* the LP relaxation: its coverage duals give the bound, its rounded-down
     * solution the start */
    sch_model md;
    oq_status st = oq__model_build(sv->s, &sv->mem, sv->o, &sv->costs, 0, &md);
    if (st != OQ_OK)
        return st;
    const size_t nx = (size_t)md.n_cols + (size_t)sv->s->n;
    double *x = oq__calloc(&sv->mem, nx, sizeof *x);
    double *y = oq__calloc(&sv->mem, (size_t)md.n_rows + 1, sizeof *y);
    double lb = -HUGE_VAL;
    int32_t iters = 0;
    sch_units start;
    memset(&start, 0, sizeof start);
    if (!x || !y) {
        st = OQ_ENOMEM;
    } else {
        double now = oq__now(), budget = (sv->deadline - now) * 0.3;
        st = oq__lp_solve(&sv->mem, &md, now + (budget < 5 ? budget : 5), 50000, 1e-5, x, y,
                          &iters);
    }
    if (st == OQ_OK) {
        lb = oq__lp_bound(sv->s, &sv->mem, &sv->costs, y);
        if (!oq__lp_round_bands(sv, &md, x, &start))
            st = OQ_ENOMEM;
        for (int32_t j = 0; j < md.n_cols; j++)
            x[j] = md.is_int[j] ? floor(x[j] + 1e-6) : x[j];
        if (st == OQ_OK && !oq__model_units(sv->s, &sv->mem, &md, x, &start))
            st = OQ_ENOMEM;
    }
    oq__free(&sv->mem, x, x ? nx * sizeof *x : 0);
    oq__free(&sv->mem, y, y ? ((size_t)md.n_rows + 1) * sizeof *y : 0);
    oq__model_free(&sv->mem, &md);
    if (st == OQ_OK)
        st = run(sv, &start, lb);
    oq__units_free(&sv->mem, &start);
    if (st == OQ_OK && sv->status != OQ_SCHED_NO_SOLUTION) {
        double obj = sv->status == OQ_SCHED_OPTIMAL ? sv->lower_bound : HUGE_VAL;
        (void)obj;
        snprintf(sv->message, sizeof sv->message,
                 "heuristic: LP rounding and local search; %s (LP bound %.6g after %d "
                 "first-order iterations)",
                 sv->status == OQ_SCHED_OPTIMAL ? "optimal: the bound is met"
                                                : "gap to the bound stated",
                 lb, (int)iters);
    }
    return st;
}
