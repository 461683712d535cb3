/* An agent's derived state, its capacity rules, and its place in the lanes. */
#include "model/internal.h"

int32_t oq__agent_derived_state(const oq_agent *a)
{
    if (a->n_offered + a->n_active > 0)
        return OQ_AGENT_BUSY;
    if (a->n_wrapup > 0)
        return OQ_AGENT_WRAPUP;
    return a->presence;
}

int32_t oq__agent_channel_limit(const oq_engine *e, const oq_agent *a, int32_t channel)
{
    int32_t over = channel < a->ch_cap ? a->ch_limit[channel] : -1;
    return over >= 0 ? over : e->channels[channel]->max_per_agent;
}

int32_t oq__agent_channel_count(const oq_agent *a, int32_t channel)
{
    return channel < a->ch_cap ? a->ch_count[channel] : 0;
}

int oq__agent_can_take(const oq_engine *e, const oq_agent *a, int32_t channel)
{
    const oq_channel *c = e->channels[channel];
    if (a->presence != OQ_AGENT_READY || a->n_exclusive > 0)
        return 0;
    if (c->exclusive && a->held)
        return 0;
    if (a->used + c->cost > a->capacity)
        return 0;
    return oq__agent_channel_count(a, channel) < oq__agent_channel_limit(e, a, channel);
}

void oq__agent_refresh(oq_engine *e, oq_agent *a)
{
    int32_t state = oq__agent_derived_state(a);
    if (state == a->state)
        return;
    oq_event ev = {0};
    ev.type = OQ_EV_AGENT_STATE;
    ev.time_ms = e->now;
    ev.agent = a->id;
    ev.agent_state = state;
    ev.prev_agent_state = a->state;
    ev.detail = state == OQ_AGENT_NOT_READY && a->nr_reason ? a->nr_reason : NULL;
    a->state = state;
    a->state_since = e->now;
    oq__emit(e, &ev);
}

void oq__agent_set_presence(oq_engine *e, oq_agent *a, int32_t presence)
{
    (void)e;
    for (int32_t i = 0; i < a->n_members; i++)
        oq__member_account(a->members[i], -1);
    a->presence = presence;
    for (int32_t i = 0; i < a->n_members; i++)
        oq__member_account(a->members[i], +1);
}

void oq__agent_reindex(oq_engine *e, oq_agent *a)
{
    for (int32_t i = 0; i < a->n_members; i++) {
        oq_member *m = a->members[i];
        oq_queue *q = m->queue;
        for (int32_t l = 0; l < q->n_lanes; l++) {
            oq_lane *lane = &q->lanes[l];
            if (lane->channel < 0)
                continue;
            oq_lane_ctx ctx = {q, l};
            int should = oq__agent_can_take(e, a, lane->channel);
            if (m->pos[l] >= 0 && should)
                oq__heap_update(&lane->agents, &oq__agent_heap_ops, &ctx, m->pos[l]);
            else if (m->pos[l] >= 0)
                oq__heap_remove(&lane->agents, &oq__agent_heap_ops, &ctx, m->pos[l]);
            else if (should)
                oq__heap_push(&lane->agents, &oq__agent_heap_ops, &ctx, m);
        }
    }
}
