/* SPDX-License-Identifier: MIT */
/* Chat concurrency: N agents each holding up to k sessions, handle time
 * depending on the agent's concurrency. Birth-death chain over the number of
 * sessions n (see the model in omniq/erlang.h and docs/erlang.md). */
#include <math.h>

#include "erlang/erlang_internal.h"

#define CHAT_MAX_SESSIONS 64

/* Total completion rate with n <= N k sessions spread evenly over N agents. */
static double chat_rate(int64_t n, int32_t agents, const double *rate_at)
{
    int64_t q = n / agents, r = n % agents;
    double mu = 0.0;
    if (r > 0) /* q < k here, since n <= N k */
        mu += (double)r * rate_at[q + 1];
    if (q > 0)
        mu += (double)(agents - r) * rate_at[q];
    return mu;
}

static int chat_args_ok(int32_t max_sessions, const double *aht_s)
{
    if (!aht_s || max_sessions < 1 || max_sessions > CHAT_MAX_SESSIONS)
        return 0;
    for (int32_t j = 0; j < max_sessions; j++)
        if (!oq__pos(aht_s[j]) || !isfinite(1.0 / aht_s[j]))
            return 0;
    return 1;
}

/* Validated; load > 0. */
static void chat_eval(double load, int32_t agents, int32_t k, const double *aht_s,
                      double threshold_s, oq_erlang_chat_result *out)
{
    double lambda = load / aht_s[0];
    double nu = (double)agents * k / aht_s[k - 1];
    if (agents == 0 || !(lambda < nu)) {
        out->p_wait = 1.0;
        out->service_level = 0.0;
        out->asa_s = INFINITY;
        out->occupancy = 1.0;
        out->utilisation = 1.0;
        out->sessions_per_agent = k;
        return;
    }
    /* rate_at[j] = rate at which one agent holding j sessions completes them */
    double rate_at[CHAT_MAX_SESSIONS + 2] = {0.0};
    for (int32_t j = 1; j <= k; j++)
        rate_at[j] = j / aht_s[j - 1];
    /* R_n = sum_{i<=n} pi_i / pi_n and M_n = sum_{i<=n} i pi_i / pi_n:
     * R_n = 1 + R_{n-1} mu(n) / lambda (the inverse Erlang B recurrence when
     * mu(n) = n mu). Keep R_{S-1} to get R_S - 1 without cancellation. */
    int64_t slots = (int64_t)agents * k;
    double one = 1.0; /* the unit pi_n / pi_n, rescaled with r and m to avoid overflow */
    /* B_n = sum_{i<=n} min(i, N) pi_i / pi_n: agents holding at least one
     * session (sessions are spread evenly, so min(i, N) agents hold some). */
    double r = 1.0, m = 0.0, b = 0.0, rm1 = 0.0;
    for (int64_t n = 1; n <= slots; n++) {
        double f = chat_rate(n, agents, rate_at) / lambda;
        rm1 = r * f;
        m = (double)n * one + m * f;
        b = (double)(n < agents ? n : agents) * one + b * f;
        r = one + rm1;
        if (r > 1e280) {
            r *= 1e-280;
            m *= 1e-280;
            b *= 1e-280;
            rm1 *= 1e-280;
            one *= 1e-280;
        }
    }
    double sigma = lambda / nu; /* < 1 */
    double den = (1.0 - sigma) * r + sigma * one; /* (1 - sigma) * total / pi_S */
    double p_wait = one / den;
    double p_nowait = (1.0 - sigma) * rm1 / den;
    /* mean sessions in service: (M_S + S sigma / (1 - sigma)) / total */
    double mean_busy = ((1.0 - sigma) * m + (double)slots * sigma * one) / den;
    /* mean agents holding work: every agent once sessions queue */
    double agents_busy = ((1.0 - sigma) * b + (double)agents * sigma * one) / den;
    double gap = nu - lambda;
    double sl = p_nowait + p_wait * -expm1(-gap * threshold_s);
    out->p_wait = p_wait;
    out->service_level = sl > 1.0 ? 1.0 : sl;
    out->asa_s = p_wait / gap;
    out->occupancy = fmin(agents_busy / agents, 1.0);
    out->utilisation = mean_busy / (double)slots;
    out->sessions_per_agent = mean_busy / agents;
}

oq_status oq_erlang_chat(double load, int32_t agents, int32_t max_sessions, const double *aht_s,
                         double threshold_s, oq_erlang_chat_result *out, oq_error *err)
{
    static const char fn[] = "oq_erlang_chat";
    oq_status st = OQ__OUTPUT_CHECK(out, oq_erlang_chat_result, p_wait, err);
    if (st != OQ_OK || (st = oq__erlang_load_agents(err, fn, load, agents)) != OQ_OK)
        return st;
    if (!chat_args_ok(max_sessions, aht_s))
        return oq__erlang_bad(err, fn,
                              "max_sessions must be 1..64 and aht_s[0..max_sessions-1] "
                              "non-NULL, > 0 with a finite inverse");
    if (!oq__nonneg(threshold_s))
        return oq__erlang_bad(err, fn, "threshold_s must be >= 0 and finite");
    oq_erlang_chat_result r;
    r.struct_size = (uint32_t)sizeof r;
    r.reserved = 0;
    if (load == 0.0 && agents > 0) {
        r.p_wait = 0.0;
        r.service_level = 1.0;
        r.asa_s = 0.0;
        r.occupancy = 0.0;
        r.utilisation = 0.0;
        r.sessions_per_agent = 0.0;
    } else {
        chat_eval(load, agents, max_sessions, aht_s, threshold_s, &r);
    }
    return OQ__OUTPUT_PUT(out, &r, oq_erlang_chat_result, p_wait, err);
}

typedef struct chat_ctx {
    double load, threshold_s, target;
    int32_t k;
    const double *aht_s;
} chat_ctx;

static int chat_meets(int32_t n, const void *vctx)
{
    const chat_ctx *c = vctx;
    oq_erlang_chat_result r;
    chat_eval(c->load, n, c->k, c->aht_s, c->threshold_s, &r);
    return r.service_level >= c->target;
}

oq_status oq_erlang_chat_agents(double load, int32_t max_sessions, const double *aht_s,
                                double threshold_s, double target, int32_t *agents)
{
    if (!agents || !oq__nonneg(load) || !chat_args_ok(max_sessions, aht_s) ||
        !oq__nonneg(threshold_s) || !oq__prob(target))
        return OQ_EINVAL;
    if (load == 0.0) {
        *agents = 0;
        return OQ_OK;
    }
    /* stability needs N k / aht_k > lambda: N > lambda aht_k / k */
    double lb = floor(load / aht_s[0] * aht_s[max_sessions - 1] / max_sessions);
    if (lb + 1.0 > (double)INT32_MAX)
        return OQ_ERANGE;
    chat_ctx c = {load, threshold_s, target, max_sessions, aht_s};
    return oq__search_min((int32_t)lb, chat_meets, &c, agents);
}
