/* SPDX-License-Identifier: MIT */
/* An agent's derived state, its capacity rules, and its place in the lanes. */
#include "engine/internal.h"

int32_t oq__agent_derived_state(const oq_agent *a)
{
    if (a->n_offered + a->n_active > 0)
        return OQ_AGENT_BUSY;
    if (a->n_wrapup > 0)
        return OQ_AGENT_WRAPUP;
    return a->presence;
}

/* The agent's own override, else its routing profile's, else the channel's. */
int32_t oq__agent_channel_limit(const oq_engine *e, const oq_agent *a, int32_t channel)
{
    int32_t over = channel < a->ch_cap ? a->ch_limit[channel] : -1;
    if (over >= 0)
        return over;
    const oq_profile *p = oq__agent_profile(e, a);
    if (p && channel < p->ch_cap && p->ch_max[channel] >= 0)
        return p->ch_max[channel];
    return e->channels[channel]->max_per_agent;
}

/* Fair distribution: its window is full while the oldest of its last
 * max_per_window offers is younger than the window. */
static int64_t fairness_blocked_until(const oq_agent *a)
{
    if (a->max_per_window == 0 || a->n_offer_times < a->max_per_window)
        return 0;
    return oq__add_ms(a->offer_times[a->offer_head], a->window_ms);
}

/* Holding an item of a "current channel only" channel keeps other channels out. */
static int cross_channel_blocked(const oq_engine *e, const oq_agent *a, int32_t channel)
{
    const oq_profile *p = oq__agent_profile(e, a);
    if (!p)
        return 0;
    for (int32_t ch = 0; ch < p->ch_cap && ch < a->ch_cap; ch++)
        if (ch != channel && a->ch_count[ch] > 0 && p->ch_cross[ch] == 0)
            return 1;
    return 0;
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
    if (a->blocked_until > e->now || fairness_blocked_until(a) > e->now)
        return 0;
    if (cross_channel_blocked(e, a, channel))
        return 0;
    return oq__agent_channel_count(a, channel) < oq__agent_channel_limit(e, a, channel);
}

int64_t oq__agent_wake_due(const oq_engine *e, const oq_agent *a)
{
    int64_t due = a->blocked_until > e->now ? a->blocked_until : 0;
    int64_t fair = fairness_blocked_until(a);
    if (fair > e->now && (due == 0 || fair < due))
        due = fair;
    return due;
}

void oq__agent_schedule(oq_engine *e, oq_agent *a)
{
    int64_t due = oq__agent_wake_due(e, a);
    if (due > 0)
        oq__timer_arm(e, &a->timer, due, OQ_TIMER_AGENT);
    else
        oq__timer_cancel(e, &a->timer);
}

void oq__agent_wake(oq_engine *e, oq_agent *a)
{
    oq__agent_reindex(e, a);
    oq__agent_schedule(e, a);
    oq__mark_agent(e, a);
}

void oq__agent_note_offer(oq_engine *e, oq_agent *a, int inbound)
{
    a->last_activity = e->now;
    if (inbound)
        a->last_inbound = e->now;
    if (a->max_per_window > 0) {
        int32_t slot = (a->offer_head + a->n_offer_times) % a->max_per_window;
        if (a->n_offer_times == a->max_per_window) {
            slot = a->offer_head; /* overwrite the oldest */
            a->offer_head = (a->offer_head + 1) % a->max_per_window;
        } else {
            a->n_offer_times++;
        }
        a->offer_times[slot] = e->now;
        oq__agent_schedule(e, a);
    }
}

/* An agent-state event: the derived state and why (the not-ready reason,
 * or "logging out" while a logged-out agent finishes its work). */
static void state_event(oq_engine *e, oq_agent *a, int32_t state, int32_t prev)
{
    oq_event ev = {0};
    ev.type = OQ_EV_AGENT_STATE;
    ev.time_ms = e->now;
    ev.agent = a->id;
    ev.agent_state = state;
    ev.prev_agent_state = prev;
    if (state == OQ_AGENT_NOT_READY)
        ev.detail = a->nr_reason;
    else if (state != OQ_AGENT_OFFLINE && a->presence == OQ_AGENT_OFFLINE)
        ev.detail = OQ_LOGGING_OUT;
    oq__emit(e, &ev, NULL, a);
}

void oq__agent_refresh(oq_engine *e, oq_agent *a)
{
    int32_t state = oq__agent_derived_state(a);
    if (state == a->state)
        return;
    int32_t prev = a->state;
    a->state = state;
    a->state_since = e->now;
    state_event(e, a, state, prev);
}

void oq__agent_announce_logout(oq_engine *e, oq_agent *a)
{
    if (a->state != OQ_AGENT_OFFLINE)
        state_event(e, a, a->state, a->state); /* same state: a pending logout */
}

void oq__agent_set_presence(oq_engine *e, oq_agent *a, int32_t presence)
{
    int64_t room = oq__svc_agent_room(a);
    for (int32_t i = 0; i < a->n_members; i++)
        oq__member_account(a->members[i], -1);
    a->presence = presence;
    e->svc_room += oq__svc_agent_room(a) - room; /* going READY: reserved by the call (svc.c) */
    for (int32_t i = 0; i < a->n_members; i++)
        oq__member_account(a->members[i], +1);
}

void oq__agent_reindex(oq_engine *e, oq_agent *a)
{
    if (a->reindex_due) {
        a->reindex_due = 0;
        e->n_reindex_due--;
    }
    oq_take_memo memo = {0, 0}; /* the heap moves below change nothing it reads */
    for (int32_t i = 0; i < a->n_members; i++) {
        oq_member *m = a->members[i];
        oq_queue *q = m->queue;
        for (int32_t l = 0; l < q->n_lanes; l++) {
            oq_lane *lane = &q->lanes[l];
            if (lane->channel < 0)
                continue;
            int should = oq__agent_can_take_memo(e, a, lane->channel, &memo);
            if (m->pos[l] >= 0 && should)
                oq__heap_update(&lane->agents, &oq__agent_heap_ops, &(oq_lane_ctx){q, l}, m->pos[l]);
            else if (m->pos[l] >= 0) {
                oq__sig_agent_moved(e, q, l, m, -1);
                oq__lane_agent_remove(q, l, m);
            } else if (should) {
                oq__lane_agent_push(q, l, m);
                oq__sig_agent_moved(e, q, l, m, +1);
            } else {
                continue;
            }
            e->agent_heap_ops++;
        }
    }
}

void oq__member_resort(oq_engine *e, oq_member *m)
{
    oq_queue *q = m->queue;
    for (int32_t l = 0; l < q->n_lanes; l++) {
        if (m->pos[l] < 0)
            continue;
        oq_lane_ctx ctx = {q, l};
        oq__heap_update(&q->lanes[l].agents, &oq__agent_heap_ops, &ctx, m->pos[l]);
        e->agent_heap_ops++;
    }
}

void oq__agent_reindex_later(oq_engine *e, oq_agent *a)
{
    if (a->reindex_due)
        return;
    if (a->n_lane_places > 0) {
        oq__agent_reindex(e, a);
        return;
    }
    /* Nothing in any heap is stale: the heaps only lack it for now. */
    a->reindex_due = 1;
    e->n_reindex_due++;
}

int oq__agent_reindex_settle(oq_engine *e, oq_agent *a, uint64_t channels)
{
    if (channels & OQ_LANE_CHANNELS_ALL) {
        oq_take_memo memo = {0, 0};
        for (int32_t i = 0; i < a->n_members; i++) {
            const oq_queue *q = a->members[i]->queue;
            for (int32_t l = 0; l < q->n_lanes; l++)
                if (q->lanes[l].channel >= 0 && oq__agent_can_take_memo(e, a, q->lanes[l].channel, &memo))
                    return 1;
        }
    } else {
        for (int32_t c = 0; channels; c++, channels >>= 1)
            if ((channels & 1u) && oq__agent_can_take(e, a, c))
                return 1;
    }
    a->reindex_due = 0; /* in no heap, and its reindex would push it into none */
    e->n_reindex_due--;
    return 0;
}

void oq__agents_reindex_due(oq_engine *e)
{
    for (oq_agent *a = e->dirty_agents; a && e->n_reindex_due > 0; a = a->dirty_next)
        if (a->reindex_due)
            oq__agent_reindex(e, a);
}

int oq__member_in_lane(const oq_engine *e, const oq_member *m, int32_t l)
{
    if (!m->agent->reindex_due)
        return m->pos[l] >= 0;
    int32_t channel = m->queue->lanes[l].channel;
    return channel >= 0 && oq__agent_can_take(e, m->agent, channel);
}
