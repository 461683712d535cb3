/* SPDX-License-Identifier: MIT */
/* The engine's one timer heap. A contact's three deadlines (offer time-out
 * or wrap-up end, wait, reply deadline) are slots of the contact sharing ONE
 * heap entry keyed by the soonest armed slot; each slot keeps the sequence
 * number it was armed with, so timers fire in exactly the (due, sequence)
 * order separate timers would, while the heap reserves one slot per contact
 * instead of three. Agents, calendars and the statistics interval have
 * plain oq_timers. */
#include <stddef.h>

#include "engine/internal.h"
#include "engine/observer.h"

/* A heap item is either an oq_timer or a contact's entry (its t_pos,
 * t_kind pair): both start with the position and the kind. */
static int32_t item_kind(const void *item)
{
    return *(const int32_t *)(const void *)((const char *)item + offsetof(oq_timer, kind)) & 0xff;
}

static const oq_contact *item_contact(const void *item)
{
    return (const oq_contact *)(const void *)((const char *)item - offsetof(oq_contact, t_pos));
}

static int ct_next(const oq_contact *c)
{
    return (c->t_kind >> OQ_CT_NEXT_SHIFT) & 3;
}

/* A slot's due time and arming sequence: OQ_CT_WAIT's are in the record,
 * OQ_CT_SERVICE's in the contact's service block, which a contact with that
 * slot armed always has (offered or in wrap-up: types.h), OQ_CT_DUE's in
 * its ext block, which a contact with that slot armed always has (it has a
 * deadline, or a restored armed slot: types.h). */
_Static_assert(OQ_CT_SERVICE == 0 && OQ_CT_WAIT == 1 && OQ_CT_DUE == 2, "timer slots");

static int64_t *ct_due(oq_contact *c, int s)
{
    return s == OQ_CT_DUE ? &c->ext->due_at : s == OQ_CT_SERVICE ? &c->svc->t_due : &c->wait_due;
}

static uint64_t *ct_seq(oq_contact *c, int s)
{
    return s == OQ_CT_DUE ? &c->ext->due_seq : s == OQ_CT_SERVICE ? &c->svc->t_seq : &c->wait_seq;
}

static int64_t ct_due_of(const oq_contact *c, int s)
{
    return s == OQ_CT_DUE ? c->ext->due_at : s == OQ_CT_SERVICE ? c->svc->t_due : c->wait_due;
}

static uint64_t ct_seq_of(const oq_contact *c, int s)
{
    return s == OQ_CT_DUE ? c->ext->due_seq : s == OQ_CT_SERVICE ? c->svc->t_seq : c->wait_seq;
}

static void item_key(const void *item, int64_t *due, uint64_t *seq)
{
    if (item_kind(item) == OQ_TIMER_CONTACT) {
        const oq_contact *c = item_contact(item);
        int s = ct_next(c);
        *due = ct_due_of(c, s);
        *seq = ct_seq_of(c, s);
    } else {
        const oq_timer *t = item;
        *due = t->due;
        *seq = t->seq;
    }
}

static int timer_cmp(const void *pa, const void *pb, const void *ctx)
{
    (void)ctx;
    int64_t da, db;
    uint64_t sa, sb;
    item_key(pa, &da, &sa);
    item_key(pb, &db, &sb);
    if (da != db)
        return da < db ? -1 : 1;
    return sa < sb ? -1 : sa > sb;
}

static void timer_set_pos(void *item, int32_t pos, const void *ctx)
{
    (void)ctx;
    *(int32_t *)item = pos; /* oq_timer.pos and oq_contact.t_pos: offset 0 of the item */
}

_Static_assert(offsetof(oq_timer, pos) == 0 && offsetof(oq_timer, kind) == sizeof(int32_t) &&
                   offsetof(oq_contact, t_kind) == offsetof(oq_contact, t_pos) + sizeof(int32_t),
               "a contact's timer entry must look like an oq_timer's head");

const oq_heap_ops oq__timer_heap_ops = {timer_cmp, timer_set_pos, NULL, NULL};

int64_t oq__timer_item_due(const void *item)
{
    int64_t due;
    uint64_t seq;
    item_key(item, &due, &seq);
    return due;
}

int64_t oq__timer_next_due(const oq_engine *e)
{
    return e->timers.n ? oq__timer_item_due(e->timers.items[0]) : INT64_MAX;
}

void oq__timer_arm(oq_engine *e, oq_timer *t, int64_t due, int32_t kind)
{
    oq__timer_cancel(e, t);
    t->due = due;
    t->seq = e->next_timer_seq++;
    t->kind = kind;
    oq__heap_push(&e->timers, &oq__timer_heap_ops, NULL, t);
}

void oq__timer_cancel(oq_engine *e, oq_timer *t)
{
    if (t->pos >= 0 && t->kind != OQ_TIMER_NONE)
        oq__heap_remove(&e->timers, &oq__timer_heap_ops, NULL, t->pos);
    t->pos = -1;
    t->kind = OQ_TIMER_NONE;
}

int32_t oq__ctimer_kind(const oq_contact *c, int slot)
{
    if (!(c->t_kind & OQ_CT_ARMED(slot)))
        return OQ_TIMER_NONE;
    if (slot == OQ_CT_WAIT)
        return OQ_TIMER_WAIT;
    if (slot == OQ_CT_DUE)
        return OQ_TIMER_DUE;
    return c->t_kind & OQ_CT_WRAPUP ? OQ_TIMER_WRAPUP : OQ_TIMER_OFFER;
}

static int ct_count(int32_t state)
{
    int n = 0;
    for (int s = 0; s < OQ_CONTACT_TIMERS; s++)
        n += (state & OQ_CT_ARMED(s)) != 0;
    return n;
}

/* Key the contact's entry by its soonest armed slot (in, out of or moved in
 * the heap). `before`: its armed slots before the change. */
static void ct_rekey(oq_engine *e, oq_contact *c, int before)
{
    int after = ct_count(c->t_kind);
    e->timers_hidden += (after ? after - 1 : 0) - (before ? before - 1 : 0);
    int best = -1;
    for (int s = 0; s < OQ_CONTACT_TIMERS; s++)
        if ((c->t_kind & OQ_CT_ARMED(s)) &&
            (best < 0 || ct_due_of(c, s) < ct_due_of(c, best) ||
             (ct_due_of(c, s) == ct_due_of(c, best) && ct_seq_of(c, s) < ct_seq_of(c, best))))
            best = s;
    int32_t slots = c->t_kind & ~(0xff | (3 << OQ_CT_NEXT_SHIFT));
    if (best < 0) {
        if (c->t_pos >= 0)
            oq__heap_remove(&e->timers, &oq__timer_heap_ops, NULL, c->t_pos);
        c->t_pos = -1;
        c->t_kind = slots;
        return;
    }
    c->t_kind = slots | OQ_TIMER_CONTACT | best << OQ_CT_NEXT_SHIFT;
    if (c->t_pos >= 0)
        oq__heap_update(&e->timers, &oq__timer_heap_ops, NULL, c->t_pos);
    else
        oq__heap_push(&e->timers, &oq__timer_heap_ops, NULL, &c->t_pos);
}

void oq__ctimer_arm(oq_engine *e, oq_contact *c, int slot, int64_t due, int32_t kind)
{
    int before = ct_count(c->t_kind);
    *ct_due(c, slot) = due;
    *ct_seq(c, slot) = e->next_timer_seq++;
    c->t_kind = (c->t_kind & ~OQ_CT_WRAPUP) | OQ_CT_ARMED(slot) |
                (slot == OQ_CT_SERVICE ? (kind == OQ_TIMER_WRAPUP ? OQ_CT_WRAPUP : 0)
                                       : (c->t_kind & OQ_CT_WRAPUP));
    ct_rekey(e, c, before);
}

void oq__ctimer_cancel(oq_engine *e, oq_contact *c, int slot)
{
    if (!(c->t_kind & OQ_CT_ARMED(slot)))
        return;
    int before = ct_count(c->t_kind);
    c->t_kind &= ~(OQ_CT_ARMED(slot) | (slot == OQ_CT_SERVICE ? OQ_CT_WRAPUP : 0));
    ct_rekey(e, c, before);
}

void oq__ctimer_set(oq_contact *c, int slot, const oq_timer *t)
{
    c->t_pos = -1;
    c->t_kind &= ~(0xff | OQ_CT_ARMED(slot) | (slot == OQ_CT_SERVICE ? OQ_CT_WRAPUP : 0));
    if (t->kind == OQ_TIMER_NONE)
        return;
    *ct_due(c, slot) = t->due;
    *ct_seq(c, slot) = t->seq;
    c->t_kind |= OQ_CT_ARMED(slot) | (t->kind == OQ_TIMER_WRAPUP ? OQ_CT_WRAPUP : 0);
}

oq_timer oq__ctimer_view(const oq_contact *c, int slot)
{
    oq_timer t = {-1, oq__ctimer_kind(c, slot), 0, 0};
    if (t.kind != OQ_TIMER_NONE) {
        t.pos = c->t_pos;
        t.due = ct_due_of(c, slot);
        t.seq = ct_seq_of(c, slot);
    }
    return t;
}

int oq__ctimer_restore(oq_engine *e, oq_contact *c)
{
    if (!ct_count(c->t_kind))
        return 1;
    if (e->timers.n >= e->timers.cap && !oq__heap_reserve(&e->timers, &e->mem, e->timers.n + 1))
        return 0;
    ct_rekey(e, c, 0);
    return 1;
}

int32_t oq__timers_pending(const oq_engine *e)
{
    return e->timers.n + e->timers_hidden;
}

int oq__reserve_timers(oq_engine *e, int32_t extra_contacts, int32_t extra_agents)
{
    int64_t need = (int64_t)(e->n_contacts + extra_contacts) + e->live_agents + extra_agents +
                   e->live_calendars + OQ_ENGINE_TIMERS;
    return need <= INT32_MAX && oq__heap_reserve(&e->timers, &e->mem, (int32_t)need);
}

int oq__fire_due_timer(oq_engine *e)
{
    if (e->timers.n == 0)
        return 0;
    void *top = e->timers.items[0];
    if (oq__timer_item_due(top) > e->now)
        return 0;
    e->timers_fired++;
    if (item_kind(top) == OQ_TIMER_CONTACT) {
        oq_contact *c = (oq_contact *)(void *)((char *)top - offsetof(oq_contact, t_pos));
        int slot = ct_next(c);
        int32_t kind = oq__ctimer_kind(c, slot);
        oq__ctimer_cancel(e, c, slot);
        if (kind == OQ_TIMER_OFFER)
            oq__offer_expired(e, c);
        else if (kind == OQ_TIMER_WRAPUP)
            oq__wrapup_expired(e, c);
        else if (kind == OQ_TIMER_WAIT)
            oq__wait_expired(e, c);
        else
            oq__deadline_expired(e, c);
        return 1;
    }
    oq_timer *t = top;
    int32_t kind = t->kind;
    oq__timer_cancel(e, t);
    switch (kind) {
    case OQ_TIMER_AGENT:
        oq__agent_wake(e, (oq_agent *)(void *)((char *)t - offsetof(oq_agent, timer)));
        break;
    case OQ_TIMER_CALENDAR:
        oq__calendar_changed(e, (oq_ecal *)(void *)((char *)t - offsetof(oq_ecal, timer)));
        break;
    default:
        e->obs->on_timer(e, e->now);
        break;
    }
    return 1;
}

void oq__advance(oq_engine *e, int64_t now_ms)
{
    /* Each timer fires at its own due time, with the routing it causes done
     * before the clock moves on. */
    while (e->timers.n > 0) {
        void *top = e->timers.items[0];
        int64_t due = oq__timer_item_due(top);
        if (due > now_ms)
            break;
        if (due > e->now)
            e->now = due;
        if (item_kind(top) == OQ_TIMER_STATS && !e->dirty_contacts && !e->dirty_agents) {
            /* Interval boundaries with nothing else due between them: close
             * them in one step, so a jump of any length costs O(ring), not
             * one firing per interval (a jump to INT64_MAX must return). */
            oq__timer_cancel(e, top);
            int64_t quiet = now_ms;
            if (e->timers.n > 0) {
                int64_t next = oq__timer_item_due(e->timers.items[0]);
                if (next - 1 < quiet)
                    quiet = next - 1;
            }
            e->obs->on_timer(e, quiet > e->now ? quiet : e->now);
            continue;
        }
        oq__dispatch(e);
    }
    e->now = now_ms;
}
