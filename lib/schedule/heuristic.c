/* SPDX-License-Identifier: MIT */
/* The built-in solver for models that are not a flow: a lower bound from the
 * LP relaxation, its rounding as a start, then local search (heur.c); the
 * result states its gap to the bound. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule/heur.h"

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
        if (!oq__duties_build(sv->s, &sv->mem, 1, &dd))
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
    double lb = -HUGE_VAL;
    oq_status st = run(sv, NULL, lb);
    if (st == OQ_OK && sv->status != OQ_SCHED_NO_SOLUTION)
        snprintf(sv->message, sizeof sv->message, "heuristic: %s",
                 sv->status == OQ_SCHED_OPTIMAL ? "optimal (the bound is met)"
                                                : "local search, no bound");
    return st;
}
