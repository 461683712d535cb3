/* The engine's one timer heap: offer time-outs and wrap-up ends. */
#include <stddef.h>

#include "model/internal.h"
#include "stats/hook.h"

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

static oq_contact *timer_owner(oq_timer *t)
{
    return (oq_contact *)(void *)((char *)t - offsetof(oq_contact, timer));
}

void oq__advance(oq_engine *e, int64_t now_ms)
{
    while (e->timers.n > 0) {
        oq_timer *t = e->timers.items[0];
        if (t->due > now_ms)
            break;
        int32_t kind = t->kind;
        oq__timer_cancel(e, t);
        if (t->due > e->now)
            e->now = t->due; /* events of a timer carry its exact due time */
        if (kind == OQ_TIMER_OFFER)
            oq__offer_expired(e, timer_owner(t));
        else if (kind == OQ_TIMER_WRAPUP)
            oq__wrapup_expired(e, timer_owner(t));
        else if (kind == OQ_TIMER_STATS)
            oq__stats_on_timer(e);
        oq__dispatch(e);
    }
    e->now = now_ms;
}
