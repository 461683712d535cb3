/* SPDX-License-Identifier: MIT */
/* Solving through an external mixed-integer solver (oq_schedule_solver): the
 * model of model.c goes to the hook; its solution comes back as units. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule/internal.h"

static void infeasible_why(sch_solve *sv)
{
    sch_duties dd;
    sv->message[0] = '\0';
    if (oq__duties_build(sv->s, &sv->mem, 1, &dd)) {
        if (oq__cover_why(sv->s, &sv->mem, sv->o, &dd, sv->message, sizeof sv->message) <= 0)
            sv->message[0] = '\0';
        oq__duties_free(&sv->mem, &dd);
    }
    if (!sv->message[0])
        snprintf(sv->message, sizeof sv->message,
                 "%s: no schedule covers every interval within the limits (max_agents, "
                 "max_per_day, max_per_start, tour max_count, seats)",
                 sv->solver);
}

oq_status oq__mip_solve(sch_solve *sv, const oq_schedule_solver *hook)
{
    const oq_schedule *s = sv->s;
    snprintf(sv->solver, sizeof sv->solver, "%s", hook->name ? hook->name : "mip");
    if (sv->costs.hard) {
        sch_duties dd;
        if (!oq__duties_build(s, &sv->mem, 1, &dd))
            return OQ_ENOMEM;
        int why = oq__cover_why(s, &sv->mem, sv->o, &dd, sv->message, sizeof sv->message);
        oq__duties_free(&sv->mem, &dd);
        if (why < 0)
            return OQ_ENOMEM;
        if (why > 0) {
            sv->status = OQ_SCHED_INFEASIBLE;
            return OQ_OK;
        }
    }
    sch_model md;
    oq_status st = oq__model_build(s, &sv->mem, sv->o, &sv->costs, 1, &md);
    if (st != OQ_OK)
        return st;
    double *x = oq__calloc(&sv->mem, (size_t)md.n_cols + (size_t)s->n, sizeof *x);
    if (!x) {
        oq__model_free(&sv->mem, &md);
        return OQ_ENOMEM;
    }
    oq_mip mip;
    memset(&mip, 0, sizeof mip);
    mip.n_cols = md.n_cols;
    mip.n_rows = md.n_rows;
    mip.obj = md.obj;
    mip.col_lo = md.col_lo;
    mip.col_hi = md.col_hi;
    mip.is_int = md.is_int;
    mip.row_lo = md.row_lo;
    mip.row_hi = md.row_hi;
    mip.col_start = md.col_start;
    mip.row_index = md.row_index;
    mip.value = md.value;
    mip.gap_tolerance = sv->o->gap_tolerance;
    double left = sv->deadline - oq__now();
    mip.time_limit_s = left > 0.01 ? left : 0.01;
    oq_mip_result res;
    memset(&res, 0, sizeof res);
    res.x = x;
    st = hook->solve(&mip, &res, hook->user);
    if (st != OQ_OK) {
        snprintf(sv->message, sizeof sv->message, "%s: the solver failed (%s)", sv->solver,
                 oq_status_name(st));
    } else if (res.status == OQ_MIP_INFEASIBLE) {
        sv->status = OQ_SCHED_INFEASIBLE;
        infeasible_why(sv);
    } else if (res.status == OQ_MIP_NO_SOLUTION) {
        sv->status = OQ_SCHED_NO_SOLUTION;
        sv->lower_bound = res.bound;
        snprintf(sv->message, sizeof sv->message, "%s: no solution within the time limit",
                 sv->solver);
    } else if (res.status == OQ_MIP_OPTIMAL || res.status == OQ_MIP_FEASIBLE) {
        if (!oq__model_units(s, &sv->mem, &md, x, &sv->units)) {
            st = OQ_ENOMEM;
        } else {
            sv->status = res.status == OQ_MIP_OPTIMAL ? OQ_SCHED_OPTIMAL : OQ_SCHED_FEASIBLE;
            sv->lower_bound = res.bound;
            snprintf(sv->message, sizeof sv->message,
                     "%s: %s (%d columns, %d rows, bound %.6g)", sv->solver,
                     res.status == OQ_MIP_OPTIMAL ? "optimal" : "stopped at the time limit",
                     (int)md.n_cols, (int)md.n_rows, res.bound);
        }
    } else {
        st = OQ_ECORRUPT;
        snprintf(sv->message, sizeof sv->message, "%s: unknown result status %d", sv->solver,
                 (int)res.status);
    }
    oq__free(&sv->mem, x, ((size_t)md.n_cols + (size_t)s->n) * sizeof *x);
    oq__model_free(&sv->mem, &md);
    return st;
}
