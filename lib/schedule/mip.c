/* SPDX-License-Identifier: MIT */
/* Solving through an external mixed-integer solver (oq_schedule_solver). The
 * built-in heuristic runs first, on a tenth of the time limit (at most 1 s): its schedule
 * is handed to the solver as a start, and kept if the solver, stopped by the
 * time limit, has nothing better. The bound reported is the better of the
 * two. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule/internal.h"

static void infeasible_why(sch_solve *sv)
{
    sch_duties dd;
    sv->message[0] = '\0';
    if (oq__duties_build(sv->s, &sv->mem, &sv->costs, 1, &dd)) {
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

/* Objective of units (cost + penalties); hard problems with a shortage rank
 * after every full cover. */
static int units_key(sch_solve *sv, const sch_units *us, double *key)
{
    int32_t *cov = oq__calloc(&sv->mem, (size_t)sv->s->n, sizeof *cov);
    if (!cov)
        return 0;
    oq__units_coverage(sv->s, us, cov);
    double cost = 0;
    for (int32_t i = 0; i < us->n; i++)
        cost += sv->s->tpl[us->u[i].tpl].cost * us->u[i].n_days;
    int64_t under = 0;
    double obj = oq__objective(sv->s, &sv->costs, cov, cost, &under, NULL);
    oq__free(&sv->mem, cov, (size_t)sv->s->n * sizeof *cov);
    *key = sv->costs.hard && under > 0 ? HUGE_VAL : obj;
    return 1;
}

/* The step of the objective: when every column with a cost is integer and
 * the costs are whole multiples of one value, every solution's objective is
 * a multiple of it (paid hours come in quarter hours; a tour's cost is days x
 * the shift's). 0 when there is none. */
static double objective_step(const oq_mip *mip)
{
    double g = 0, top = 0;
    for (int32_t j = 0; j < mip->n_cols; j++) {
        double c = fabs(mip->obj[j]);
        if (c == 0)
            continue;
        if (!mip->is_int[j] || !isfinite(c))
            return 0;
        top = c > top ? c : top;
        /* Euclid on doubles, to a tolerance relative to the largest cost */
        const double tol = 1e-9 * top;
        double a = g > c ? g : c, b = g > c ? c : g;
        while (b > tol) {
            double r = fmod(a, b);
            if (r > b - tol)
                r = 0; /* a multiple of b up to rounding */
            a = b;
            b = r;
        }
        g = a;
    }
    return g > 1e-6 * top ? g : 0;
}

/* Branch and cut proves optimality only when its bound reaches the best
 * schedule; on tours with any days off the LP bound is a fraction of a tour
 * below the optimum and the search wanders among schedules one tour apart.
 * With an objective in steps, ask instead for a schedule at the first level
 * at or above the LP bound (an extra row: cost <= level): any schedule found
 * there is optimal, and the solver's heuristics, held below the level, find
 * one far sooner (on the bank week's tours: 5 s instead of no proof in 60 s).
 * A level proven empty raises it by one step. The search stops at the
 * heuristic's cost (its schedule is then optimal) or when a level is
 * undecided within half the time left; the plain search then runs on the rest
 * of the time. *done when res holds the answer (status, x); *bound the
 * proven bound so far. */
static oq_status solve_by_levels(sch_solve *sv, const oq_schedule_solver *hook,
                                 const oq_mip *mip, double h_key, oq_mip_result *res,
                                 double *bound, int *done)
{
    const double step = objective_step(mip);
    if (!(step > 0) || !isfinite(h_key))
        return OQ_OK;
    const int32_t nc = mip->n_cols, nr = mip->n_rows;
    const int64_t nnz = mip->col_start[nc];
    int64_t extra = 0;
    for (int32_t j = 0; j < nc; j++)
        extra += mip->obj[j] != 0;
    const size_t n_start = (size_t)nc + 1, n_nz = (size_t)(nnz + extra), n_row = (size_t)nr + 1;
    uint8_t *lp_int = oq__calloc(&sv->mem, (size_t)nc + 1, sizeof *lp_int);
    int64_t *cs = oq__alloc(&sv->mem, n_start * sizeof *cs);
    int32_t *ri = oq__alloc(&sv->mem, n_nz * sizeof *ri);
    double *va = oq__alloc(&sv->mem, n_nz * sizeof *va);
    double *rlo = oq__alloc(&sv->mem, n_row * sizeof *rlo);
    double *rhi = oq__alloc(&sv->mem, n_row * sizeof *rhi);
    oq_status st = OQ_OK;
    if (!lp_int || !cs || !ri || !va || !rlo || !rhi) {
        st = OQ_ENOMEM;
        goto out;
    }
    /* the LP relaxation: the same program, every column continuous */
    oq_mip lp = *mip;
    lp.is_int = lp_int;
    lp.start = NULL;
    double left = sv->deadline - oq__now();
    lp.time_limit_s = left > 0.05 ? left : 0.05;
    st = hook->solve(&lp, res, hook->user);
    if (st != OQ_OK || res->status != OQ_MIP_OPTIMAL)
        goto out; /* no LP figure: the plain search decides */
    /* the program with the cost row last */
    int64_t k = 0;
    for (int32_t j = 0; j < nc; j++) {
        cs[j] = k;
        for (int64_t p = mip->col_start[j]; p < mip->col_start[j + 1]; p++, k++) {
            ri[k] = mip->row_index[p];
            va[k] = mip->value[p];
        }
        if (mip->obj[j] != 0) {
            ri[k] = nr;
            va[k++] = mip->obj[j];
        }
    }
    cs[nc] = k;
    memcpy(rlo, mip->row_lo, (size_t)nr * sizeof *rlo);
    memcpy(rhi, mip->row_hi, (size_t)nr * sizeof *rhi);
    rlo[nr] = -HUGE_VAL;
    oq_mip lv = *mip;
    lv.n_rows = nr + 1;
    lv.col_start = cs;
    lv.row_index = ri;
    lv.value = va;
    lv.row_lo = rlo;
    lv.row_hi = rhi;
    lv.start = NULL; /* the heuristic's schedule lies above the level */
    double level = ceil(res->objective / step - 1e-6) * step;
    *bound = level;
    while (level < h_key - 0.5 * step) {
        left = sv->deadline - oq__now();
        if (left < 0.1)
            break;
        rhi[nr] = level + 1e-6 * step;
        lv.time_limit_s = 0.5 * left;
        st = hook->solve(&lv, res, hook->user);
        if (st != OQ_OK)
            break;
        if (res->status == OQ_MIP_OPTIMAL || res->status == OQ_MIP_FEASIBLE) {
            /* every level below is empty or under the LP bound */
            res->status = OQ_MIP_OPTIMAL;
            res->bound = res->objective;
            *bound = res->objective;
            *done = 1;
            break;
        }
        if (res->status != OQ_MIP_INFEASIBLE)
            break; /* undecided in time */
        level += step;
        *bound = level;
    }
    if (st == OQ_OK && !*done && !(level < h_key - 0.5 * step)) {
        /* every level below the heuristic's cost is empty: it is optimal */
        res->status = OQ_MIP_NO_SOLUTION;
        res->objective = HUGE_VAL;
        res->bound = h_key;
        *bound = h_key;
        *done = 1;
    }
out:
    oq__free(&sv->mem, lp_int, lp_int ? ((size_t)nc + 1) * sizeof *lp_int : 0);
    oq__free(&sv->mem, cs, cs ? n_start * sizeof *cs : 0);
    oq__free(&sv->mem, ri, ri ? n_nz * sizeof *ri : 0);
    oq__free(&sv->mem, va, va ? n_nz * sizeof *va : 0);
    oq__free(&sv->mem, rlo, rlo ? n_row * sizeof *rlo : 0);
    oq__free(&sv->mem, rhi, rhi ? n_row * sizeof *rhi : 0);
    return st;
}

oq_status oq__mip_solve(sch_solve *sv, const oq_schedule_solver *hook)
{
    const oq_schedule *s = sv->s;
    char name[32];
    snprintf(name, sizeof name, "%s", hook->name ? hook->name : "mip");
    /* the heuristic's schedule on a share of the time */
    sch_solve hs = *sv;
    memset(&hs.units, 0, sizeof hs.units);
    double now = oq__now(), share = (sv->deadline - now) * 0.1;
    hs.deadline = now + (share < 1 ? share : 1);
    oq_status st = oq__heuristic_solve(&hs);
    if (st != OQ_OK) {
        oq__units_free(&sv->mem, &hs.units);
        return st;
    }
    snprintf(sv->solver, sizeof sv->solver, "%s", name);
    if (hs.status == OQ_SCHED_INFEASIBLE) {
        sv->status = OQ_SCHED_INFEASIBLE;
        snprintf(sv->message, sizeof sv->message, "%s", hs.message);
        oq__units_free(&sv->mem, &hs.units);
        return OQ_OK;
    }
    double h_key = HUGE_VAL;
    if (hs.status != OQ_SCHED_NO_SOLUTION && !units_key(sv, &hs.units, &h_key)) {
        oq__units_free(&sv->mem, &hs.units);
        return OQ_ENOMEM;
    }
    sch_model md;
    st = oq__model_build(s, &sv->mem, sv->o, &sv->costs, 1, &md);
    if (st != OQ_OK) {
        oq__units_free(&sv->mem, &hs.units);
        return st;
    }
    const size_t nx = (size_t)md.n_cols + (size_t)s->n;
    double *x = oq__calloc(&sv->mem, nx, sizeof *x);
    double *start = oq__calloc(&sv->mem, nx, sizeof *start);
    if (!x || !start) {
        oq__free(&sv->mem, x, x ? nx * sizeof *x : 0);
        oq__free(&sv->mem, start, start ? nx * sizeof *start : 0);
        oq__model_free(&sv->mem, &md);
        oq__units_free(&sv->mem, &hs.units);
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
    if (isfinite(h_key)) {
        oq__model_from_units(s, &md, &hs.units, &sv->costs, start);
        mip.start = start;
    }
    oq_mip_result res;
    memset(&res, 0, sizeof res);
    res.x = x;
    double level_bound = -HUGE_VAL;
    int done = 0;
    st = solve_by_levels(sv, hook, &mip, h_key, &res, &level_bound, &done);
    if (st == OQ_OK && !done) {
        double left = sv->deadline - oq__now();
        mip.time_limit_s = left > 0.05 ? left : 0.05;
        memset(&res, 0, sizeof res);
        res.x = x;
        st = hook->solve(&mip, &res, hook->user);
    }
    double h_bound = hs.lower_bound;
    if (!(h_bound >= level_bound))
        h_bound = level_bound;
    if (st != OQ_OK) {
        snprintf(sv->message, sizeof sv->message, "%s: the solver failed (%s)", name,
                 oq_status_name(st));
    } else if (res.status == OQ_MIP_INFEASIBLE && !isfinite(h_key)) {
        sv->status = OQ_SCHED_INFEASIBLE;
        infeasible_why(sv);
    } else if (res.status == OQ_MIP_OPTIMAL || res.status == OQ_MIP_FEASIBLE ||
               res.status == OQ_MIP_NO_SOLUTION || res.status == OQ_MIP_INFEASIBLE) {
        /* (a solver claiming infeasible against the heuristic's schedule is
         * not believed: the schedule is kept) */
        if (res.status == OQ_MIP_INFEASIBLE)
            res.status = OQ_MIP_NO_SOLUTION;
        double m_key = HUGE_VAL;
        if (res.status != OQ_MIP_NO_SOLUTION &&
            (!oq__model_units(s, &sv->mem, &md, x, &sv->units) ||
             !units_key(sv, &sv->units, &m_key)))
            st = OQ_ENOMEM;
        double bound = res.bound;
        if (isfinite(h_bound) && (!isfinite(bound) || h_bound > bound))
            bound = h_bound;
        if (st == OQ_OK && h_key < m_key) {
            /* the solver found nothing better than its start */
            oq__units_free(&sv->mem, &sv->units);
            sv->units = hs.units;
            memset(&hs.units, 0, sizeof hs.units);
            m_key = h_key;
        }
        if (st == OQ_OK && isfinite(m_key)) {
            int proven = res.status == OQ_MIP_OPTIMAL ||
                         (isfinite(bound) && m_key - bound <= sv->o->gap_tolerance * fabs(m_key) + 1e-9);
            sv->status = proven ? OQ_SCHED_OPTIMAL : OQ_SCHED_FEASIBLE;
            sv->lower_bound = proven ? m_key : bound;
            snprintf(sv->message, sizeof sv->message,
                     "%s: %s (%d columns, %d rows; bound %.6g; started from the heuristic's "
                     "%.6g)",
                     name, proven ? "optimal" : "stopped at the time limit", (int)md.n_cols,
                     (int)md.n_rows, bound, h_key);
        } else if (st == OQ_OK) {
            sv->status = OQ_SCHED_NO_SOLUTION;
            sv->lower_bound = bound;
            snprintf(sv->message, sizeof sv->message, "%s: no solution within the time limit",
                     name);
        }
    } else {
        st = OQ_ECORRUPT;
        snprintf(sv->message, sizeof sv->message, "%s: unknown result status %d", name,
                 (int)res.status);
    }
    oq__free(&sv->mem, x, nx * sizeof *x);
    oq__free(&sv->mem, start, nx * sizeof *start);
    oq__model_free(&sv->mem, &md);
    oq__units_free(&sv->mem, &hs.units);
    return st;
}
