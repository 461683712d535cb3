/* SPDX-License-Identifier: MIT */
/* OQ_STRATEGY_HOST_SCORE: the host's scorer and the bounded scoring of a
 * decision. The lane heaps of a host_score queue are kept in the fallback
 * order (preferred-skill matches, longest idle, agent order: lanes.c); a
 * decision scores at most score_max candidates taken from the front of that
 * order, so its cost is bounded whatever the queue's size. */
#include <math.h>

#include "engine/internal.h"

oq_status oq_engine_set_scorer(oq_engine *e, oq_score_fn fn, void *user, int32_t max_candidates)
{
    if (!e)
        return OQ_EINVAL;
    if (e->in_callback)
        return oq__fail(e, OQ_EBUSY, "mutating call from inside an engine callback");
    if (max_candidates < 0 || max_candidates > OQ_SCORE_CANDIDATES_MAX)
        return oq__fail(e, OQ_EINVAL, "max_candidates must be 0 (default %d) .. %d, got %d",
                        OQ_SCORE_CANDIDATES_DEFAULT, OQ_SCORE_CANDIDATES_MAX, max_candidates);
    if (!fn && e->n_score_queues > 0)
        return oq__fail(e, OQ_ESTATE, "queue '%s' uses strategy host_score: its scorer cannot be removed",
                        oq__score_queue(e)->id);
    e->score_fn = fn;
    e->score_user = fn ? user : NULL;
    e->score_max = max_candidates ? max_candidates : OQ_SCORE_CANDIDATES_DEFAULT;
    return OQ_OK;
}

const oq_queue *oq__score_queue(const oq_engine *e)
{
    for (int32_t i = 0; i < e->n_queues; i++)
        if (e->queues[i] && e->queues[i]->strategy == OQ_STRATEGY_HOST_SCORE)
            return e->queues[i];
    return NULL;
}

oq_status oq__score_ready(const oq_engine *e)
{
    if (e->n_score_queues == 0 || e->score_fn)
        return OQ_OK;
    return oq__fail(e, OQ_ESTATE,
                    "queue '%s' uses strategy host_score and no scorer is registered: call "
                    "oq_engine_set_scorer first (a restored engine or a journal replay needs the "
                    "primary's scorer)",
                    oq__score_queue(e)->id);
}

double oq__score(oq_engine *e, const oq_contact *c, const oq_agent *a)
{
    if (!e->score_fn)
        return NAN; /* unreachable: calls are refused while a scorer is missing */
    /* As for events: a mutating call from the scorer returns OQ_EBUSY. */
    e->in_callback++;
    double s = e->score_fn(c->id, a->id, c->queue->id, e->score_user);
    e->in_callback--;
    return s;
}

int32_t oq__score_best(oq_engine *e, const oq_contact *c, const oq_heap *agents,
                       const oq_lane_ctx *ctx, oq_heap_accept accept, const void *pred)
{
    int32_t pos[OQ_SCORE_CANDIDATES_MAX];
    int32_t n = oq__heap_find_first_k(agents, &oq__agent_heap_ops, ctx, accept, pred, e->score_max, pos);
    int32_t best = -1;
    double best_score = 0;
    for (int32_t i = 0; i < n; i++) {
        double s = oq__score(e, c, ((const oq_member *)agents->items[pos[i]])->agent);
        /* NaN or negative: not this agent. Ties: the earlier candidate. */
        if (s >= 0 && (best < 0 || s > best_score)) {
            best = pos[i];
            best_score = s;
        }
    }
    return best;
}
