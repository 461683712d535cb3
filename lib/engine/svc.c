/* SPDX-License-Identifier: MIT */
/* Service blocks (types.h oq_contact_svc): what a contact needs only while
 * it holds an agent, taken by the offer and given back when it lets the
 * agent go, from a free list of the engine's.
 *
 * An offer is made deep inside routing, by calls that must not fail after
 * they changed something, so the free list is kept long enough for every
 * offer the routing of any call can make: the calls that could raise that
 * bound reserve first, before they change anything, and may fail then.
 *
 * The bound. An offer goes to a READY agent with room for the channel's
 * cost (oq__agent_can_take: used + cost <= capacity). No contact takes less
 * capacity than svc_unit (the lowest channel cost since the engine was made
 * or restored, and below every cost a held contact took), so an agent holds
 * at most svc_k = capacity / svc_unit contacts after any offer to it, and a
 * READY agent can take at most room = svc_k - held more. Each offer takes
 * one contact that held no agent and one unit of its agent's room; each
 * release gives one block back and raises room and the contacts holding no
 * agent by one at most. So with
 *     need = min(contacts holding no agent, sum of the READY agents' room)
 * blocks on the free list, every offer finds one and the list still holds
 * need after it. What raises need: a new contact (arrival), an agent's room
 * (going READY, more capacity) and a cheaper channel (a lower svc_unit) -
 * oq_contact_arrive, oq_agent_login / ready, oq_agent_set_capacity,
 * oq_channel_add / update reserve for those; restore makes the list. Other
 * calls only lower it. oq_engine_check verifies the list holds need. */
#include "engine/internal.h"

/* Blocks kept beyond need when contacts give them back (the rest are
 * freed), so a burst of completions does not keep its peak. */
#define OQ_SVC_SLACK 32

static int64_t unheld(const oq_engine *e)
{
    return (int64_t)e->n_contacts - e->n_offered - e->n_active - e->n_wrapup;
}

static int64_t need_of(int64_t contacts, int64_t room) { return contacts < room ? contacts : room; }

int64_t oq__svc_need(const oq_engine *e) { return need_of(unheld(e), e->svc_room); }

int oq__svc_reserve(oq_engine *e, int32_t extra_contacts, int64_t extra_room)
{
    int64_t need = need_of(unheld(e) + extra_contacts, e->svc_room + extra_room);
    while (e->n_svc_free < need) {
        oq_contact_svc *b = oq__alloc(&e->mem, sizeof *b);
        if (!b)
            return 0;
        b->next_free = e->svc_free;
        e->svc_free = b;
        e->n_svc_free++;
    }
    return 1;
}

int oq__svc_reserve_agent(oq_engine *e, const oq_agent *a, int32_t k, int ready)
{
    int64_t more = oq__svc_room_of(a, k, ready) - oq__svc_agent_room(a);
    return more <= 0 || oq__svc_reserve(e, 0, more);
}

int oq__svc_take(oq_engine *e, oq_contact *c)
{
    oq_contact_svc *b = e->svc_free;
    if (b) {
        e->svc_free = b->next_free;
        e->n_svc_free--;
    } else if (!(b = oq__alloc(&e->mem, sizeof *b))) {
        return 0; /* never while the reservations hold (oq_engine_check) */
    }
    c->svc = b;
    return 1;
}

void oq__svc_give(oq_engine *e, oq_contact *c)
{
    oq_contact_svc *b = c->svc;
    c->svc = NULL;
    if (!b)
        return;
    if (e->n_svc_free > oq__svc_need(e) + OQ_SVC_SLACK) {
        oq__free(&e->mem, b, sizeof *b);
        return;
    }
    b->next_free = e->svc_free;
    e->svc_free = b;
    e->n_svc_free++;
}

int64_t oq__svc_room_at(const oq_engine *e, int32_t unit)
{
    int64_t room = 0;
    for (int32_t i = 0; i < e->n_agents; i++) {
        const oq_agent *a = e->agents[i];
        if (a)
            room += oq__svc_room_of(a, a->capacity / unit, a->presence == OQ_AGENT_READY);
    }
    return room;
}

int oq__svc_reserve_unit(oq_engine *e, int32_t cost)
{
    if (cost >= e->svc_unit)
        return 1;
    return oq__svc_reserve(e, 0, oq__svc_room_at(e, cost) - e->svc_room);
}

void oq__svc_apply_unit(oq_engine *e, int32_t cost)
{
    if (cost < e->svc_unit)
        oq__svc_recount(e, cost);
}

void oq__svc_recount(oq_engine *e, int32_t unit)
{
    e->svc_unit = unit;
    e->svc_room = 0;
    for (int32_t i = 0; i < e->n_agents; i++) {
        oq_agent *a = e->agents[i];
        if (!a)
            continue;
        a->svc_k = a->capacity / unit;
        e->svc_room += oq__svc_agent_room(a);
    }
}

void oq__svc_free_all(oq_engine *e)
{
    while (e->svc_free) {
        oq_contact_svc *b = e->svc_free;
        e->svc_free = b->next_free;
        oq__free(&e->mem, b, sizeof *b);
    }
    e->n_svc_free = 0;
}
