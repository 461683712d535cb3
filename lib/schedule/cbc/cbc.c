/* SPDX-License-Identifier: MIT */
/* libomniq_cbc: the oq_mip hook over COIN-OR CBC's C interface. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <Cbc_C_Interface.h>

#include "omniq/schedule_cbc.h"

/* Wall-clock seconds (CBC runs with timeMode elapsed). */
static double elapsed_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double coin_bound(double v)
{
    if (v >= DBL_MAX || isinf(v))
        return v > 0 ? DBL_MAX : -DBL_MAX;
    return v;
}

oq_status oq_schedule_cbc_solve(const oq_mip *mip, oq_mip_result *res, void *user)
{
    (void)user;
    if (!mip || !res || !res->x || mip->n_cols < 0 || mip->n_rows < 0 || !mip->col_start)
        return OQ_EINVAL;
    const int nc = mip->n_cols, nr = mip->n_rows;
    const int64_t nnz = mip->col_start[nc];
    if (mip->col_start[0] != 0 || nnz < 0 || nnz > INT_MAX)
        return OQ_EINVAL;
    for (int j = 0; j < nc; j++)
        if (mip->col_start[j + 1] < mip->col_start[j])
            return OQ_EINVAL;
    CoinBigIndex *start = malloc(((size_t)nc + 1) * sizeof *start);
    double *clo = malloc(((size_t)nc + 1) * sizeof *clo);
    double *chi = malloc(((size_t)nc + 1) * sizeof *chi);
    double *rlo = malloc(((size_t)nr + 1) * sizeof *rlo);
    double *rhi = malloc(((size_t)nr + 1) * sizeof *rhi);
    Cbc_Model *m = Cbc_newModel();
    if (!start || !clo || !chi || !rlo || !rhi || !m) {
        free(start);
        free(clo);
        free(chi);
        free(rlo);
        free(rhi);
        if (m)
            Cbc_deleteModel(m);
        return OQ_ENOMEM;
    }
    for (int j = 0; j <= nc; j++)
        start[j] = (CoinBigIndex)mip->col_start[j];
    for (int j = 0; j < nc; j++) {
        clo[j] = coin_bound(mip->col_lo[j]);
        chi[j] = coin_bound(mip->col_hi[j]);
    }
    for (int i = 0; i < nr; i++) {
        rlo[i] = coin_bound(mip->row_lo[i]);
        rhi[i] = coin_bound(mip->row_hi[i]);
    }
    Cbc_loadProblem(m, nc, nr, start, mip->row_index, mip->value, clo, chi, mip->obj, rlo, rhi);
    int n_int = 0;
    for (int j = 0; j < nc; j++)
        if (mip->is_int[j]) {
            Cbc_setInteger(m, j);
            n_int++;
        }
    Cbc_setLogLevel(m, 0);
    Cbc_setParameter(m, "timeMode", "elapsed"); /* the time limit is wall-clock time */
    /* RENS (a sub-MIP around the LP solution's integer values) finds the
     * schedules at the level the caller asks for (a row on the cost, see
     * lib/schedule/mip.c) that the default heuristics miss */
    Cbc_setParameter(m, "rens", "on");
    if (mip->time_limit_s > 0)
        Cbc_setMaximumSeconds(m, mip->time_limit_s);
    if (mip->gap_tolerance > 0)
        Cbc_setAllowableFractionGap(m, mip->gap_tolerance);
    /* mip->start is not handed to CBC: CBC 2.10 (2.10.8 tested) crashes in
     * CglPreProcess::postProcess when its clock runs out after preprocessing
     * and before the root LP, holding a start as its only solution. The
     * caller keeps the start and compares (lib/schedule/mip.c); without it
     * CBC proved the bank weeks as fast (docs/scheduling.md). */
    double t0 = elapsed_s();
    Cbc_solve(m);
    double spent = elapsed_s() - t0;
    const double *sol = Cbc_bestSolution(m);
    /* Cbc_status: 0 finished, 1 stopped (time), 2 abandoned: only a finished
     * search proves infeasibility. CBC 2.10 stopped on its clock inside
     * preprocessing says "Pre-processing says infeasible" with status 0 and
     * no sign of the time limit: an infeasibility reached after the limit is
     * no proof. */
    int finished = Cbc_status(m) == 0;
    if (finished && Cbc_isProvenInfeasible(m) && mip->time_limit_s > 0 &&
        spent >= mip->time_limit_s)
        finished = 0;
    if (n_int == 0) {
        /* a linear program: CBC stops after the LP (status -1) and keeps no
         * "best" solution; the LP's own is the answer */
        finished = Cbc_isProvenOptimal(m) || Cbc_isProvenInfeasible(m);
        sol = Cbc_isProvenOptimal(m) ? Cbc_getColSolution(m) : NULL;
    }
    if (finished && Cbc_isProvenInfeasible(m) && !sol) {
        res->status = OQ_MIP_INFEASIBLE;
        res->objective = HUGE_VAL;
        res->bound = HUGE_VAL;
    } else if (!sol) {
        res->status = OQ_MIP_NO_SOLUTION;
        res->objective = HUGE_VAL;
        res->bound = Cbc_getBestPossibleObjValue(m);
    } else {
        res->status = finished && Cbc_isProvenOptimal(m) ? OQ_MIP_OPTIMAL : OQ_MIP_FEASIBLE;
        memcpy(res->x, sol, (size_t)nc * sizeof *res->x);
        double obj = 0;
        for (int j = 0; j < nc; j++)
            obj += mip->obj[j] * sol[j];
        res->objective = obj;
        double b = Cbc_getBestPossibleObjValue(m);
        /* an LP's bound is its objective (CBC reports none without a search) */
        int no_bound = n_int == 0 || !(b > -DBL_MAX) || b >= DBL_MAX;
        res->bound = res->status == OQ_MIP_OPTIMAL && no_bound ? obj : b;
    }
    Cbc_deleteModel(m);
    free(start);
    free(clo);
    free(chi);
    free(rlo);
    free(rhi);
    return OQ_OK;
}

oq_status oq_schedule_cbc_solver(oq_schedule_solver *out)
{
    if (!out)
        return OQ_EINVAL;
    out->name = "cbc";
    out->solve = oq_schedule_cbc_solve;
    out->user = NULL;
    return OQ_OK;
}

const char *oq_schedule_cbc_version(void) { return Cbc_getVersion(); }
