/* SPDX-License-Identifier: MIT */
/* The engine's one timer heap: offer time-outs and wrap-up ends. */
#include <stddef.h>

#include "engine/internal.h"
#include "engine/observer.h"

static int timer_cmp(const void *pa, const void *pb, const void *ctx)
{
    (void)ctx;
    const oq_timer *a = pa, *b = pb;
    if (a->due != b->due)
        return a->due < b->due ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void timer_set_pos(void *item, int32_t pos, const void *ctx)
{
    (void)ctx;
    ((oq_timer *)item)->pos = pos;
}

const oq_heap_ops oq__timer_heap_ops = {timer_cmp, timer_set_pos};

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

int oq__reserve_timers(oq_engine *e, int32_t extra_contacts, int32_t extra_agents)
{
    int64_t need = (int64_t)(e->n_contacts + extra_contacts) * OQ_CONTACT_TIMERS +
                   e->live_agents + extra_agents + e->live_calendars + OQ_ENGINE_TIMERS;
    return need <= INT32_MAX && oq__heap_reserve(&e->timers, &e->mem, (int32_t)need);
}

static oq_contact *owner_of(oq_timer *t, size_t offset)
{
    return (oq_contact *)(void *)((char *)t - offset);
}

int oq__fire_due_timer(oq_engine *e)
{
    if (e->timers.n == 0)
        return 0;
    oq_timer *t = e->timers.items[0];
    if (t->due > e->now)
        return 0;
    int32_t kind = t->kind;
    oq__timer_cancel(e, t);
    switch (kind) {
    case OQ_TIMER_OFFER:
        oq__offer_expired(e, owner_of(t, offsetof(oq_contact, timer)));
        break;
    case OQ_TIMER_WRAPUP:
        oq__wrapup_expired(e, owner_of(t, offsetof(oq_contact, timer)));
        break;
    case OQ_TIMER_WAIT:
        oq__wait_expired(e, owner_of(t, offsetof(oq_contact, wait_timer)));
        break;
    case OQ_TIMER_DUE:
        oq__deadline_expired(e, owner_of(t, offsetof(oq_contact, due_timer)));
        break;
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
        oq_timer *top = e->timers.items[0];
        int64_t due = top->due;
        if (due > now_ms)
            break;
        if (due > e->now)
            e->now = due;
        if (top->kind == OQ_TIMER_STATS && !e->dirty_contacts && !e->dirty_agents) {
            /* Interval boundaries with nothing else due between them: close
             * them in one step, so a jump of any length costs O(ring), not
             * one firing per interval (a jump to INT64_MAX must return). */
            oq__timer_cancel(e, top);
            int64_t quiet = now_ms;
            if (e->timers.n > 0) {
                int64_t next = ((oq_timer *)e->timers.items[0])->due;
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
