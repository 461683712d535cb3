/* SPDX-License-Identifier: MIT */
/* The simulator's statistics: derived ratios and Student t intervals. */
#include <math.h>
#include <string.h>

#include "sim/internal.h"
#include "stats/kpi.h"

/* The simulator's reader convention: a service level with nothing to
 * measure (no contact of the cohort answered or abandoned, or none offered)
 * is 1 — no contact missed the target, as Erlang staffing plans it. The
 * engine's read-out says 0 there (stats.h); the formula is the same. */
#define SIM_SL_IF_EMPTY 1.0

void oq__sim_stats_read(oq_sim_stats *s, const oq__cohort_cell *c, int total_scope)
{
    memset(s, 0, sizeof *s);
    s->offered = c->offered;
    s->answered = c->answered;
    s->answered_in_t = c->answered_in_t;
    s->abandoned = c->abandoned;
    s->abandoned_short = c->abandoned_short;
    s->waited = c->waited;
    s->rejected = c->rejected;
    s->unfinished = c->unfinished;
    s->in_service = c->in_service;
    s->wait_answered_s = c->wait_answered_s;
    s->wait_abandoned_s = c->wait_abandoned_s;
    s->max_wait_s = c->max_wait_s;
    s->handle_s = c->handle_s;
    s->busy_s = c->busy_s;
    s->staffed_s = c->staffed_s;
    s->ready_s = c->ready_s;
    /* The figures from lib/stats' formulas (stats/kpi.h): one set for the
     * engine's statistics and the simulator's. */
    const oq__kpi_counts k = {s->offered, s->answered, s->answered_in_t, s->abandoned,
                              s->abandoned_short, 0};
    oq__kpi_service_level(&k, OQ_SL_ANSWERED_ABANDONED, SIM_SL_IF_EMPTY, &s->service_level);
    oq__kpi_service_level(&k, OQ_SL_OFFERED, SIM_SL_IF_EMPTY, &s->service_level_offered);
    s->p_wait = oq__kpi_p_wait(&k, s->waited);
    s->asa_s = oq__kpi_mean(s->wait_answered_s, s->answered);
    s->abandon_rate = oq__kpi_abandon_rate(&k);
    s->aht_s = oq__kpi_mean(s->handle_s, s->answered);
    s->occupancy = total_scope ? oq__kpi_occupancy(s->busy_s, s->staffed_s) : 0.0;
    if (!total_scope) {
        s->busy_s = 0;
        s->staffed_s = 0;
        s->ready_s = 0;
    }
}

/* t(0.975, dof), dof 1..30 (standard tables, 4 decimals). */
static const double T975[30] = {
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
};

double oq_sim_t975(int32_t dof)
{
    if (dof < 1)
        return INFINITY;
    if (dof <= 30)
        return T975[dof - 1];
    /* Beyond the table: interpolate linearly in 1/dof between the tabulated
     * points 30, 40, 60, 120 and infinity (the usual table practice; error
     * below 1e-3). */
    static const double dofs[5] = {30, 40, 60, 120, 1e300};
    static const double ts[5] = {2.0423, 2.0211, 2.0003, 1.9799, 1.9600};
    double x = 1.0 / dof;
    for (int i = 0; i < 4; i++) {
        double x0 = 1.0 / dofs[i], x1 = i == 3 ? 0.0 : 1.0 / dofs[i + 1];
        if (x <= x0 && x >= x1)
            return ts[i + 1] + (ts[i] - ts[i + 1]) * (x - x1) / (x0 - x1);
    }
    return 1.9600;
}
