/* SPDX-License-Identifier: MIT */
/* Internal: the LP relaxation (first-order, lp.c) and the lower bound from
 * coverage duals (bound.c). */
#ifndef OQ_SCHEDULE_LP_H
#define OQ_SCHEDULE_LP_H

#include "schedule/internal.h"

/* Approximate LP optimum of the model: x_out[n_cols], y_out[n_rows] (row
 * duals, > 0 where a row's lower side binds). Stops at a relative KKT error
 * of `tol`, after max_iter iterations or at `deadline`. *iters (may be NULL)
 * receives the iterations done. */
oq_status oq__lp_solve(oq_mem *mem, const sch_model *md, double deadline, int32_t max_iter,
                       double tol, double *x_out, double *y_out, int32_t *iters);

/* A lower bound on the objective of every schedule of the problem from
 * multipliers pi[0 .. n-1] of the coverage rows (negative entries count as
 * 0): weak duality after scaling pi so that no shift, tour or break choice
 * has a negative reduced cost. Limits other than the seats are left out
 * (a relaxation), so the bound is valid with or without them. -HUGE_VAL out
 * of memory. */
double oq__lp_bound(const oq_schedule *s, oq_mem *mem, const sch_costs *c, const double *pi);

#endif
