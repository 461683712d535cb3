/* SPDX-License-Identifier: MIT */
/* Erlang C (M/M/N): probability of waiting, service level, ASA, occupancy,
 * and staffing searches that step N upward from floor(A) + 1. */
#include <math.h>

#include "erlang/erlang_internal.h"

/* Validates (load, agents) and tells whether the queue is stable. */
static int c_stable(double load, int32_t agents) { return (double)agents > load; }

oq_status oq_erlang_c(double load, int32_t agents, double *p_wait)
{
    if (!p_wait || !oq__nonneg(load) || agents < 0)
        return OQ_EINVAL;
    if (!c_stable(load, agents)) {
        *p_wait = 1.0;
        return OQ_OK;
    }
    if (load == 0.0) {
        *p_wait = 0.0;
        return OQ_OK;
    }
    *p_wait = oq__erlang_c_from_r(oq__erlang_b_inv(load, agents), agents, load);
    return OQ_OK;
}

oq_status oq_erlang_c_service_level(double load, int32_t agents, double aht_s,
                                    double threshold_s, double *service_level)
{
    if (!service_level || !oq__nonneg(load) || agents < 0 || !oq__pos(aht_s) ||
        !oq__nonneg(threshold_s))
        return OQ_EINVAL;
    if (!c_stable(load, agents)) {
        *service_level = 0.0;
        return OQ_OK;
    }
    if (load == 0.0) {
        *service_level = 1.0;
        return OQ_OK;
    }
    double r = oq__erlang_b_inv(load, agents);
    *service_level = oq__erlang_c_sl_from_r(r, agents, load, threshold_s / aht_s);
    return OQ_OK;
}

oq_status oq_erlang_c_asa(double load, int32_t agents, double aht_s, double *asa_s)
{
    if (!asa_s || !oq__nonneg(load) || agents < 0 || !oq__pos(aht_s))
        return OQ_EINVAL;
    if (!c_stable(load, agents)) {
        *asa_s = INFINITY;
        return OQ_OK;
    }
    if (load == 0.0) {
        *asa_s = 0.0;
        return OQ_OK;
    }
    double c = oq__erlang_c_from_r(oq__erlang_b_inv(load, agents), agents, load);
    *asa_s = c * aht_s / ((double)agents - load);
    return OQ_OK;
}

oq_status oq_erlang_occupancy(double load, int32_t agents, double *occupancy)
{
    if (!occupancy || !oq__nonneg(load) || agents < 0)
        return OQ_EINVAL;
    *occupancy = c_stable(load, agents) ? load / agents : 1.0;
    return OQ_OK;
}

/* The smallest n > load for which done(r_n, n) holds, stepping n upward with
 * one recurrence step each (warm start below floor(load)). load > 0. */
typedef int (*c_pred)(double r, double n, double a, const double *par);

static oq_status c_search(double a, c_pred done, const double *par, int32_t *agents)
{
    double fl = floor(a);
    if (fl + 1.0 > (double)INT32_MAX)
        return OQ_ERANGE;
    int64_t n = (int64_t)fl + 1;
    double r = oq__erlang_b_inv(a, n);
    for (;;) {
        if (done(r, (double)n, a, par)) {
            *agents = (int32_t)n;
            return OQ_OK;
        }
        if (n == INT32_MAX)
            return OQ_ERANGE;
        n++;
        r = oq__erlang_b_step(r, n, a);
    }
}

/* par = {threshold / aht, target} */
static int sl_done(double r, double n, double a, const double *par)
{
    return oq__erlang_c_sl_from_r(r, n, a, par[0]) >= par[1];
}

/* par = {aht, max asa} */
static int asa_done(double r, double n, double a, const double *par)
{
    double asa = oq__erlang_c_from_r(r, n, a) * par[0] / (n - a);
    return asa <= par[1];
}

oq_status oq_erlang_c_agents(double load, double aht_s, double threshold_s, double target,
                             int32_t *agents)
{
    if (!agents || !oq__nonneg(load) || !oq__pos(aht_s) || !oq__nonneg(threshold_s) ||
        !oq__prob(target))
        return OQ_EINVAL;
    if (load == 0.0) {
        *agents = 0;
        return OQ_OK;
    }
    const double par[2] = {threshold_s / aht_s, target};
    return c_search(load, sl_done, par, agents);
}

oq_status oq_erlang_c_agents_asa(double load, double aht_s, double max_asa_s, int32_t *agents)
{
    if (!agents || !oq__nonneg(load) || !oq__pos(aht_s) || !oq__pos(max_asa_s))
        return OQ_EINVAL;
    if (load == 0.0) {
        *agents = 0;
        return OQ_OK;
    }
    const double par[2] = {aht_s, max_asa_s};
    return c_search(load, asa_done, par, agents);
}

oq_status oq_erlang_agents_occupancy(double load, double max_occupancy, int32_t *agents)
{
    if (!agents || !oq__nonneg(load) || !isfinite(max_occupancy) || max_occupancy <= 0.0 ||
        max_occupancy > 1.0)
        return OQ_EINVAL;
    /* smallest n with load <= max_occupancy * n (and n >= 1 when load > 0) */
    double n = ceil(load / max_occupancy);
    if (n > (double)INT32_MAX) /* also keeps the +-1 loops below from stalling past 2^53 */
        return OQ_ERANGE;
    while (n * max_occupancy < load)
        n += 1.0;
    while (n >= 1.0 && (n - 1.0) * max_occupancy >= load)
        n -= 1.0;
    if (load > 0.0 && n < 1.0)
        n = 1.0;
    if (n > (double)INT32_MAX)
        return OQ_ERANGE;
    *agents = (int32_t)n;
    return OQ_OK;
}

oq_status oq_erlang_scheduled(int32_t required, double shrinkage, int32_t *scheduled)
{
    if (!scheduled || required < 0 || !isfinite(shrinkage) || shrinkage < 0.0 || shrinkage >= 1.0)
        return OQ_EINVAL;
    double s = (double)required / (1.0 - shrinkage);
    /* guard against 10 / 0.8 = 12.500000000000002 style noise near integers */
    double c = ceil(s - 1e-9 * (s > 1.0 ? s : 1.0));
    if (c > (double)INT32_MAX)
        return OQ_ERANGE;
    *scheduled = (int32_t)c;
    return OQ_OK;
}
