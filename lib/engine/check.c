/* SPDX-License-Identifier: MIT */
/* oq_engine_check: recompute every derived figure from scratch and compare. */
#include <stdlib.h>

#include "engine/internal.h"
#include "engine/observer.h"

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond))                                      \
            return oq__fail(e, OQ_ECORRUPT, __VA_ARGS__); \
    } while (0)

static int32_t contact_heap_pos(const void *item, const void *ctx)
{
    (void)ctx;
    return ((const oq_contact *)item)->heap_pos;
}

static int32_t member_heap_pos(const void *item, const void *ctx)
{
    return ((const oq_member *)item)->pos[((const oq_lane_ctx *)ctx)->lane];
}

static int32_t timer_heap_pos(const void *item, const void *ctx)
{
    (void)ctx;
    return *(const int32_t *)item; /* oq_timer.pos or a contact's t_pos: offset 0 of the item */
}

static oq_status check_agent(oq_engine *e, oq_agent *a, int32_t *held_total, int32_t *reserved_total)
{
    int32_t used = 0, offered = 0, active = 0, wrapup = 0, exclusive = 0;
    CHECK(a->ch_cap >= e->n_channels, "agent '%s': channel arrays too short", a->id);
    for (int32_t ch = 0; ch < e->n_channels; ch++) {
        int32_t n = 0;
        for (oq_contact *c = a->held; c; c = c->link_next)
            n += c->channel == ch;
        CHECK(a->ch_count[ch] == n, "agent '%s': holds %d item(s) of channel %d, counted %d",
              a->id, n, ch, a->ch_count[ch]);
    }
    /* The lists share one pair of links per contact (types.h): each list's
     * back links are checked whole, so no contact is in two of them. */
    for (oq_contact *c = a->held, *prev = NULL; c; prev = c, c = c->link_next) {
        CHECK(c->svc && c->svc->agent == a, "agent '%s': holds contact '%s' that points elsewhere",
              a->id, c->id);
        CHECK(c->link_prev == prev, "agent '%s': broken held list at contact '%s'", a->id, c->id);
        /* svc.c's bound: no held contact took less than svc_unit. */
        CHECK(c->svc->cost >= e->svc_unit, "agent '%s': contact '%s' took %d, below the unit %d",
              a->id, c->id, c->svc->cost, e->svc_unit);
        used += c->svc->cost;
        exclusive += c->svc->exclusive;
        offered += c->state == OQ_CONTACT_OFFERED;
        active += c->state == OQ_CONTACT_ACTIVE;
        wrapup += c->state == OQ_CONTACT_WRAPUP;
        CHECK(c->state == OQ_CONTACT_OFFERED || c->state == OQ_CONTACT_ACTIVE ||
                  c->state == OQ_CONTACT_WRAPUP,
              "agent '%s': holds %s contact '%s'", a->id, oq_contact_state_name(c->state), c->id);
        (*held_total)++;
    }
    CHECK(used == a->used, "agent '%s': used capacity %d, held items add up to %d", a->id, a->used, used);
    CHECK(offered == a->n_offered && active == a->n_active && wrapup == a->n_wrapup,
          "agent '%s': offered/active/wrap-up counts %d/%d/%d, held %d/%d/%d", a->id, a->n_offered,
          a->n_active, a->n_wrapup, offered, active, wrapup);
    CHECK(exclusive == a->n_exclusive, "agent '%s': exclusive count %d, held %d", a->id,
          a->n_exclusive, exclusive);
    CHECK(a->state == oq__agent_derived_state(a), "agent '%s': reported state %s, derived %s",
          a->id, oq_agent_state_name(a->state), oq_agent_state_name(oq__agent_derived_state(a)));
    for (oq_contact *c = a->reserved, *prev = NULL; c; prev = c, c = c->link_next) {
        CHECK(c->link_prev == prev, "agent '%s': broken reserved list at contact '%s'", a->id, c->id);
        CHECK(c->state == OQ_CONTACT_QUEUED && (c->flags & OQ_CF_RESERVED) && oq__pref_until(c) > 0 &&
                  oq__contact_pref_agent(e, c) == a,
              "agent '%s': reserved list holds contact '%s' not waiting for it", a->id, c->id);
        CHECK(a->presence == OQ_AGENT_READY, "agent '%s': contact '%s' reserved for it while it is %s",
              a->id, c->id, oq_agent_state_name(a->presence));
        CHECK(c->link_next ? c->link_next->link_prev == c && c->link_next->seq > c->seq
                           : a->reserved_tail == c,
              "agent '%s': reserved list broken or out of order at contact '%s'", a->id, c->id);
        (*reserved_total)++;
    }
    int32_t places = 0;
    for (int32_t i = 0; i < a->n_members; i++) {
        oq_member *m = a->members[i];
        CHECK(m->agent == a && m->slot_in_agent == i, "agent '%s': member record %d misfiled", a->id, i);
        CHECK(m->queue->members[m->slot_in_queue] == m, "agent '%s': member of '%s' not in the queue",
              a->id, m->queue->id);
        for (int32_t l = 0; l < m->queue->n_lanes; l++)
            places += m->pos[l] >= 0;
    }
    CHECK(places == a->n_lane_places, "agent '%s': counted in %d lane heaps, is in %d", a->id,
          a->n_lane_places, places);
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        if (!q)
            continue;
        oq_member *m = oq__member_of(a, q);
        CHECK((m != NULL) == oq__agent_eligible(e, a, q),
              "agent '%s': membership of queue '%s' does not match its skills, groups and routing profile", a->id, q->id);
        if (!m)
            continue;
        for (int32_t l = 0; l < q->n_lanes; l++) {
            if (q->lanes[l].channel < 0)
                continue;
            int should = oq__agent_can_take(e, a, q->lanes[l].channel);
            CHECK((m->pos[l] >= 0) == should, "agent '%s': %s lane %d of queue '%s' wrongly", a->id,
                  should ? "missing from" : "present in", l, q->id);
        }
    }
    return OQ_OK;
}

static oq_status check_queue(oq_engine *e, oq_queue *q, int32_t *queued_total, int32_t *reserved_total)
{
    int32_t queued = 0;
    for (int32_t i = 0; i < q->n_members; i++)
        CHECK(q->members[i]->queue == q && q->members[i]->slot_in_queue == i,
              "queue '%s': member record %d misfiled", q->id, i);
    for (int32_t l = 0; l < q->n_lanes; l++) {
        oq_lane *lane = &q->lanes[l];
        CHECK(lane->chbit == oq__channel_bit(lane->channel), "queue '%s': lane %d's channel bit stale",
              q->id, l);
        if (lane->channel < 0) {
            CHECK(lane->contacts.n == 0 && lane->agents.n == 0 && lane->reserved == 0,
                  "queue '%s': free lane %d not empty", q->id, l);
            continue;
        }
        oq_lane_ctx ctx = {q, l};
        CHECK(oq__heap_valid(&lane->contacts, &oq__contact_heap_ops, q, contact_heap_pos),
              "queue '%s': contact heap of lane %d out of order", q->id, l);
        CHECK(oq__heap_valid(&lane->agents, &oq__agent_heap_ops, &ctx, member_heap_pos),
              "queue '%s': agent heap of lane %d out of order", q->id, l);
        CHECK(lane->contacts.cap >= lane->reserved, "queue '%s': lane %d reserve lost", q->id, l);
        CHECK(lane->agents.cap >= q->n_members, "queue '%s': lane %d agent reserve lost", q->id, l);
        for (int32_t i = 0; i < lane->contacts.n; i++) {
            oq_contact *c = lane->contacts.items[i];
            CHECK(c->state == OQ_CONTACT_QUEUED && c->queue == q && c->lane == l,
                  "queue '%s': contact '%s' misfiled in lane %d", q->id, c->id, l);
            CHECK(!c->svc, "queue '%s': waiting contact '%s' keeps a service block", q->id, c->id);
            CHECK(c->priority <= lane->prio_cap && c->enqueued >= lane->enq_floor,
                  "queue '%s': contact '%s' (priority %d, entered %lld) beyond lane %d's bounds (%d, %lld)",
                  q->id, c->id, c->priority, (long long)c->enqueued, l, lane->prio_cap,
                  (long long)lane->enq_floor);
            CHECK(c->tier >= 0 && c->tier < q->n_tiers && c->step <= q->n_steps,
                  "queue '%s': contact '%s' beyond the ladder", q->id, c->id);
            CHECK((oq__pref_until(c) > 0) == ((c->flags & OQ_CF_RESERVED) != 0),
                  "queue '%s': contact '%s' reserved for an agent but not in its list", q->id, c->id);
            *reserved_total -= (c->flags & OQ_CF_RESERVED) != 0;
            CHECK((c->flags & OQ_CF_RESERVED) || (!c->link_prev && !c->link_next),
                  "queue '%s': contact '%s' waits unreserved but is linked into a list", q->id, c->id);
        }
        queued += lane->contacts.n;
        /* Nothing left unmatched: no waiting contact an available agent could
         * take, and none that one could take once a delay, a reservation or an
         * exclusion ends without a timer to wake the contact by then. The
         * host's scorer may refuse pairs of a host_score queue: not checked. */
        if ((int64_t)lane->contacts.n * lane->agents.n <= 1000000 &&
            q->strategy != OQ_STRATEGY_HOST_SCORE)
            for (int32_t i = 0; i < lane->contacts.n; i++)
                for (int32_t j = 0; j < lane->agents.n; j++) {
                    oq_contact *c = lane->contacts.items[i];
                    oq_member *m = lane->agents.items[j];
                    CHECK(!oq__agent_fits(e, c, m, 0),
                          "queue '%s': contact '%s' waits while agent '%s' could take it", q->id,
                          c->id, m->agent->id);
                    int64_t at = oq__agent_fits_at(e, c, m);
                    const oq_timer tv = oq__ctimer_view(c, OQ_CT_WAIT), *t = &tv;
                    int woken = t->pos >= 0 && t->kind == OQ_TIMER_WAIT &&
                                (t->due <= at || (q->delays_overflow > 0 && m->delay_ms > 0));
                    CHECK(at == INT64_MAX || woken,
                          "queue '%s': contact '%s' waits while agent '%s' could take it at %lld, "
                          "and no timer wakes it by then", q->id, c->id, m->agent->id, (long long)at);
                }
    }
    CHECK(queued == q->n_queued, "queue '%s': %d queued, counted %d", q->id, queued, q->n_queued);
    *queued_total += queued;
    return OQ_OK;
}

/* Service blocks (svc.c): held contacts own one each (checked with the
 * held lists), waiting and parked ones none; the free list is as long as it
 * says and holds what the next call's routing may take. */
static oq_status check_svc(oq_engine *e)
{
    int32_t n = 0;
    for (const oq_contact_svc *b = e->svc_free; b && n <= e->n_svc_free; b = b->next_free)
        n++;
    CHECK(n == e->n_svc_free, "engine: %d free service blocks, counted %d", e->n_svc_free, n);
    CHECK(e->svc_unit >= 1 && e->svc_unit <= OQ_CAPACITY_MAX, "engine: service unit %d", e->svc_unit);
    int64_t room = 0;
    for (int32_t i = 0; i < e->n_agents; i++) {
        const oq_agent *a = e->agents[i];
        if (!a)
            continue;
        CHECK(a->svc_k == a->capacity / e->svc_unit, "agent '%s': service slots %d, capacity %d / unit %d",
              a->id, a->svc_k, a->capacity, e->svc_unit);
        room += oq__svc_agent_room(a);
    }
    CHECK(room == e->svc_room, "engine: agents' room for offers %lld, counted %lld", (long long)room,
          (long long)e->svc_room);
    for (int32_t i = 0; i < e->n_channels; i++)
        CHECK(!e->channels[i] || e->channels[i]->cost >= e->svc_unit,
              "engine: channel '%s' costs %d, below the service unit %d", e->channels[i]->id,
              e->channels[i]->cost, e->svc_unit);
    CHECK(e->n_svc_free >= oq__svc_need(e), "engine: %d free service blocks, routing may need %lld",
          e->n_svc_free, (long long)oq__svc_need(e));
    return OQ_OK;
}

static int ptr_order(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;
    return (x > y) - (x < y);
}

/* Spare records and ext blocks (contact_life.c): as many as counted, within
 * their bound; a spare ext block keeps an exclusions array of at most
 * OQ_SPARE_REJECTS slots (none: no array), is kept once, and is no live
 * contact's. */
static oq_status check_spares(oq_engine *e)
{
    int32_t n = 0;
    for (const oq_contact *c = e->spare_contacts; c && n <= OQ_SPARE_CONTACTS_MAX; c = c->dirty_next)
        n++;
    CHECK(n == e->n_spare_contacts && n <= OQ_SPARE_CONTACTS_MAX, "engine: %d spare contact records, counted %d",
          e->n_spare_contacts, n);
    const void *pool[OQ_SPARE_CONTACTS_MAX + 1];
    n = 0;
    for (const oq_contact_ext *x = e->spare_ext; x && n <= OQ_SPARE_CONTACTS_MAX; x = oq__spare_ext_next(x)) {
        CHECK(x->cap_rejects >= 0 && x->cap_rejects <= OQ_SPARE_REJECTS && (x->rejects != NULL) == (x->cap_rejects > 0),
              "engine: a spare ext block keeps %d exclusion slots (%s array)", x->cap_rejects,
              x->rejects ? "an" : "no");
        pool[n++] = x;
    }
    CHECK(n == e->n_spare_ext && n <= OQ_SPARE_CONTACTS_MAX, "engine: %d spare ext blocks, counted %d",
          e->n_spare_ext, n);
    qsort(pool, (size_t)n, sizeof *pool, ptr_order);
    for (int32_t i = 1; i < n; i++)
        CHECK(pool[i] != pool[i - 1], "engine: a spare ext block is kept twice");
    const oq_contact *c;
    for (int32_t pos = 0; n > 0 && (c = oq__idtable_next(&e->contact_ids, &pos));)
        CHECK(!c->ext || !bsearch(&c->ext, pool, (size_t)n, sizeof *pool, ptr_order),
              "contact '%s': its ext block is also a spare one", c->id);
    return OQ_OK;
}

oq_status oq_engine_check(oq_engine *e)
{
    if (!e)
        return OQ_EINVAL;
    oq_status st;
    if (e->in_callback) {
        /* Mid-call (from an event callback) routing work is by definition
         * unfinished: only the structures that are never transiently
         * inconsistent are verified. */
        CHECK(oq__heap_valid(&e->timers, &oq__timer_heap_ops, NULL, timer_heap_pos),
              "engine: timer heap out of order");
        return OQ_OK;
    }
    for (int32_t i = 0; i < e->n_queues; i++) {
        const oq_queue *q = e->queues[i];
        if (!q)
            continue;
        CHECK(q->limit_queue < 0 || e->queues[q->limit_queue], "queue '%s': limit_queue removed", q->id);
        CHECK(q->callback_channel < 0 || e->channels[q->callback_channel],
              "queue '%s': callback_channel removed", q->id);
    }
    int32_t held = 0, queued = 0, reserved = 0;
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i] && (st = check_agent(e, e->agents[i], &held, &reserved)) != OQ_OK)
            return st;
    for (int32_t i = 0; i < e->n_queues; i++)
        if (e->queues[i] && (st = check_queue(e, e->queues[i], &queued, &reserved)) != OQ_OK)
            return st;
    CHECK(reserved == 0, "engine: agents' reserved lists and reserved contacts differ by %d", reserved);
    CHECK(e->n_reindex_due == 0, "engine: %d freed agents left out of their lane heaps", e->n_reindex_due);
    CHECK(queued == e->n_queued, "engine: %d contacts queued, counted %d", queued, e->n_queued);
    CHECK(held == e->n_offered + e->n_active + e->n_wrapup,
          "engine: agents hold %d contacts, counted %d", held, e->n_offered + e->n_active + e->n_wrapup);
    int32_t parked = 0;
    for (oq_contact *c = e->parked, *prev = NULL; c; prev = c, c = c->link_next, parked++) {
        CHECK(c->state == OQ_CONTACT_PARKED && !c->svc && c->heap_pos < 0,
              "engine: parked contact '%s' is %s", c->id, oq_contact_state_name(c->state));
        CHECK(c->link_prev == prev, "engine: parked list broken at contact '%s'", c->id);
    }
    CHECK(parked == e->n_parked, "engine: %d parked, counted %d", parked, e->n_parked);
    CHECK(e->n_contacts == queued + held + parked && e->contact_ids.count == e->n_contacts,
          "engine: %d contacts, %d queued + %d held + %d parked, %d ids", e->n_contacts, queued,
          held, parked, e->contact_ids.count);
    CHECK(oq__heap_valid(&e->timers, &oq__timer_heap_ops, NULL, timer_heap_pos),
          "engine: timer heap out of order");
    CHECK(e->timers.cap >= e->n_contacts + e->live_agents + e->live_calendars + OQ_ENGINE_TIMERS,
          "engine: timer reserve lost");
    for (int32_t i = 0; i < e->timers.n; i++) {
        int64_t due = oq__timer_item_due(e->timers.items[i]);
        CHECK(due >= e->now, "engine: timer due at %lld is in the past (clock %lld)", (long long)due,
              (long long)e->now);
    }
    CHECK(!e->dirty_contacts && !e->dirty_agents, "engine: routing work left undone");
    if ((st = check_svc(e)) != OQ_OK)
        return st;
    if ((st = check_spares(e)) != OQ_OK)
        return st;
    if ((st = oq__check_derived(e)) != OQ_OK)
        return st;
    return e->obs->check(e);
}
