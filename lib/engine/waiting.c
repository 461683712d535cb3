/* SPDX-License-Identifier: MIT */
/* What happens to a contact while it waits: its queue's escalation ladder,
 * the queue's limits, the reservation for a preferred agent, reply
 * deadlines, and the wait estimates built on the queue's handle times.
 * One timer slot (OQ_CT_WAIT) covers ladder, reservation and max wait:
 * it is armed for the earliest of them while the contact is QUEUED. While
 * it is offered the ladder pauses; steps whose time came meanwhile fire as
 * soon as it is back in the queue. */
#include <math.h>
#include <stdio.h>

#include "engine/internal.h"

#define RECHECK_MS 1000 /* conditional steps and retries look again after this */
#define RECHECK_MAX_MS 60000 /* ... backing off to this while a condition stays unmet */
#define OVERFLOW_HOPS_MAX 16 /* overflows per contact: two queues overflowing into
                                each other must not bounce a contact forever */

int32_t oq__queue_staffed(const oq_queue *q, int32_t tier)
{
    int32_t n = 0;
    for (int32_t t = 0; t <= tier && t < q->n_tiers; t++)
        n += q->staffed[t];
    return n;
}

/* When step k is due if nothing waits for a condition (in the queue's
 * business time when it counts one). */
static int64_t step_due(const oq_engine *e, const oq_contact *c, const oq_step *st)
{
    return oq__queue_after(e, c->queue, st->timing == OQ_STEP_AFTER_ENTRY ? c->entered : c->step_base,
                           st->after_ms);
}

void oq__wait_start(oq_engine *e, oq_contact *c)
{
    const oq_queue *q = c->queue;
    c->entered = e->now;
    c->step = 0;
    c->tier = 0;
    c->step_base = e->now;
    c->recheck_at = 0;
    c->limit_retry_at = 0;
    c->offers_here = 0;
    /* A preferred skill is waited for when this queue's ladder says when to
     * stop waiting for it; otherwise it only ranks (contact.h). */
    uint32_t hold = 0;
    for (int32_t i = 0; i < c->n_pref; i++)
        for (int32_t j = 0; j < q->n_steps; j++)
            if (q->steps[j].action == OQ_STEP_DROP_PREFERRED &&
                q->steps[j].skill == c->extra[c->n_req + i].skill)
                hold |= 1u << i;
    if (c->ext) /* it has one when it has preferred skills (types.h) */
        c->ext->pref_hold = hold;
    oq__sig_refresh(e, c); /* back at the bottom of the ladder */
    oq__wait_schedule(e, c);
}

/* Has the contact missed as many offers in its queue as the queue allows? */
static int offers_used_up(const oq_contact *c)
{
    return c->queue->max_offers > 0 && c->offers_here >= c->queue->max_offers;
}

/* When the queue's limit applies to the contact (INT64_MAX: never): at once
 * when its offers are used up, else at its max wait; a move that found no
 * room is tried again at limit_retry_at. */
static int64_t limit_due(const oq_engine *e, const oq_contact *c)
{
    const oq_queue *q = c->queue;
    int64_t due = INT64_MAX;
    if (offers_used_up(c))
        due = 0;
    else if (q->max_wait_ms > 0 && !(c->flags & OQ_CF_CALLBACK)) /* a callback's customer is not on hold */
        due = oq__queue_after(e, q, c->entered, q->max_wait_ms);
    return due != INT64_MAX && c->limit_retry_at > due ? c->limit_retry_at : due;
}

/* When the earliest exclusion of an agent from the contact ends (INT64_MAX:
 * none): the contact is woken then, for the agent may take it again. */
static int64_t exclusion_end(const oq_engine *e, const oq_contact *c)
{
    int64_t due = INT64_MAX;
    const oq_contact_ext *x = c->ext;
    for (int32_t i = 0; x && i < x->n_rejects; i++)
        if (x->rejects[i].until < due && oq__exclusion_active(e, &x->rejects[i]))
            due = x->rejects[i].until;
    return due;
}

/* Every handler below consumes what made its timer due (or moves the due
 * time into the future), so re-arming never fires the same thing forever. */
int64_t oq__wait_due(const oq_engine *e, const oq_contact *c)
{
    const oq_queue *q = c->queue;
    int64_t due = INT64_MAX;
    if (c->state == OQ_CONTACT_QUEUED) {
        if (c->step < q->n_steps)
            due = c->recheck_at ? c->recheck_at : step_due(e, c, &q->steps[c->step]);
        int64_t until = oq__pref_until(c);
        if (until > 0 && until < due)
            due = until;
        int64_t limit = limit_due(e, c);
        if (limit < due)
            due = limit;
        int64_t back = exclusion_end(e, c);
        if (back < due)
            due = back;
        /* Agents whose routing profile delays this queue become eligible. */
        for (int32_t i = 0; i < q->n_delays; i++) {
            int64_t t = oq__add_ms(c->entered, q->delays[i]);
            if (t > e->now && t < due)
                due = t;
        }
        if (q->delays_overflow > 0 && oq__add_ms(e->now, RECHECK_MS) < due)
            due = oq__add_ms(e->now, RECHECK_MS);
    }
    return due;
}

void oq__wait_schedule(oq_engine *e, oq_contact *c)
{
    int64_t due = oq__wait_due(e, c);
    if (due == INT64_MAX)
        oq__ctimer_cancel(e, c, OQ_CT_WAIT);
    else
        oq__ctimer_arm(e, c, OQ_CT_WAIT, due > e->now ? due : e->now, OQ_TIMER_WAIT);
}

/* ---- moving between queues ---------------------------------------------- */

oq_status oq__contact_move(oq_engine *e, oq_contact *c, oq_queue *q, int32_t channel,
                           int keep_place, int32_t type, const char *detail)
{
    int32_t l = oq__queue_lane(q, channel);
    oq_lane *lane = &q->lanes[l];
    /* Reserve before changing anything: the lane slot and, for an overflow,
     * its history entry (public transfers reserved theirs already). */
    if (!oq__heap_reserve(&lane->contacts, &e->mem, lane->reserved + 1) ||
        (type == OQ_EV_OVERFLOWED && !oq__history_reserve(e, c, 1)))
        return OQ_ENOMEM;
    oq_queue *from = c->queue;
    oq__contact_detach(e, c);
    from->lanes[c->lane].reserved--;
    lane->reserved++;
    if (channel != c->channel) {
        e->channels[c->channel]->n_contacts--;
        e->channels[channel]->n_contacts++;
        c->channel = channel;
    }
    c->queue = q;
    c->lane = l;
    if (!keep_place)
        c->enqueued = e->now;
    oq__c_clear_rejects(c);
    oq__pref_until_clear(c);
    oq__contact_enqueue(e, c);
    oq_event ev = {0};
    ev.type = type;
    ev.time_ms = e->now;
    ev.contact = c->id;
    ev.queue = q->id;
    ev.from_queue = from->id;
    ev.channel = e->channels[c->channel]->id;
    ev.detail = detail;
    ev.priority = c->priority;
    ev.wait_ms = e->now - c->enqueued;
    oq__emit(e, &ev, c, NULL);
    if (type == OQ_EV_OVERFLOWED) {
        c->hops++;
        oq__history_add(e, c, type, NULL, oq__detail_code(detail), NULL);
    }
    oq__wait_start(e, c);
    oq__deadline_schedule(e, c);
    oq__mark_contact(e, c);
    return OQ_OK;
}

/* ---- kept-place callbacks (virtual hold) ------------------------------------ */

oq_status oq__keep_place_reserve(oq_engine *e, oq_contact *c)
{
    oq_queue *q = c->queue;
    int32_t l = q->callback_channel >= 0 ? oq__queue_lane(q, q->callback_channel) : -1;
    if (l < 0)
        return OQ_ESTATE;
    oq_lane *lane = &q->lanes[l];
    if ((l != c->lane && !oq__heap_reserve(&lane->contacts, &e->mem, lane->reserved + 1)) ||
        !oq__history_reserve(e, c, 1))
        return OQ_ENOMEM;
    return OQ_OK;
}

void oq__keep_place_apply(oq_engine *e, oq_contact *c, const char *why)
{
    oq_queue *q = c->queue;
    int32_t ch = q->callback_channel, l = oq__queue_lane(q, ch);
    oq__contact_dequeue(e, c);
    if (l != c->lane) { /* into the callback lane, with its place in line */
        q->lanes[c->lane].reserved--;
        q->lanes[l].reserved++;
        e->channels[c->channel]->n_contacts--;
        e->channels[ch]->n_contacts++;
        c->channel = ch;
        c->lane = (int8_t)l;
    }
    c->flags |= OQ_CF_CALLBACK;
    oq__c_clear_rejects(c); /* a callback is new work: whoever missed the call may take it */
    c->offers_here = 0;
    c->limit_retry_at = 0;
    oq__contact_enqueue(e, c);
    oq__contact_event(e, c, OQ_EV_CALLBACK_QUEUED, why);
    oq__history_add(e, c, OQ_EV_CALLBACK_QUEUED, NULL, oq__detail_code(why), NULL);
    oq__wait_schedule(e, c);
    oq__mark_contact(e, c);
}

/* A limit was reached for a QUEUED contact: reject, overflow or callback.
 * Returns 0 if the contact no longer exists. */
static int apply_limit(oq_engine *e, oq_contact *c, const char *why)
{
    const oq_queue *q = c->queue;
    /* Memory for the move is an allocation the call (the clock's) may lose:
     * then the limit is tried again shortly, and the journal says so, so a
     * standby waits as long. */
    if (q->limit_action == OQ_LIMIT_CALLBACK_KEEP_PLACE && !(c->flags & OQ_CF_CALLBACK)) {
        oq_status st = oq__soft_try(e) ? oq__keep_place_reserve(e, c) : OQ_ENOMEM;
        if (st == OQ_OK) {
            oq__keep_place_apply(e, c, why);
            return 1;
        }
        if (st == OQ_ENOMEM) {
            oq__soft_failed(e);
            c->limit_retry_at = oq__add_ms(e->now, RECHECK_MS); /* no room: try again shortly */
            return 1;
        }
        /* no callback lane in the queue: rejected below */
    } else if ((q->limit_action == OQ_LIMIT_OVERFLOW || q->limit_action == OQ_LIMIT_CALLBACK) &&
               c->hops < OVERFLOW_HOPS_MAX) {
        oq_queue *t = e->queues[q->limit_queue];
        int32_t ch = q->limit_action == OQ_LIMIT_CALLBACK ? q->callback_channel : c->channel;
        if (oq__queue_lane(t, ch) >= 0) {
            const char *detail = q->limit_action == OQ_LIMIT_CALLBACK ? "callback" : why;
            if (oq__soft_try(e) && oq__contact_move(e, c, t, ch, 1, OQ_EV_OVERFLOWED, detail) == OQ_OK)
                return 1;
            oq__soft_failed(e);
            c->limit_retry_at = oq__add_ms(e->now, RECHECK_MS); /* no room: try again shortly */
            return 1;
        }
    }
    oq__contact_event(e, c, OQ_EV_QUEUE_REJECTED, why);
    oq__contact_dequeue(e, c);
    oq__contact_destroy(e, c);
    return 0;
}

/* ---- the ladder ----------------------------------------------------------- */

static double current_sl(const oq_queue *q)
{
    return q->sl_total ? (double)q->sl_met / (double)q->sl_total : 1.0;
}

double oq__queue_ewt_s(const oq_queue *q, int32_t position, int32_t tier)
{
    int32_t n = oq__queue_staffed(q, tier);
    return n > 0 ? (double)position * q->aht_ema_s / (double)n : INFINITY;
}

static int condition_holds(const oq_queue *q, const oq_step *st)
{
    if (st->when_ewt_above_s > 0 && !(oq__queue_ewt_s(q, q->n_queued, 0) > st->when_ewt_above_s))
        return 0;
    if (st->when_sl_below > 0 && !(current_sl(q) < st->when_sl_below))
        return 0;
    return 1;
}

static void escalated(oq_engine *e, oq_contact *c, const char *detail)
{
    oq__sig_refresh(e, c); /* a step may have widened what it asks of an agent */
    oq__contact_event(e, c, OQ_EV_ESCALATED, detail);
    oq__mark_contact(e, c);
}

enum { STEP_DONE, STEP_MOVED, STEP_RETRY };

/* Apply one step to a contact of its queue. */
static int apply_step(oq_engine *e, oq_contact *c, const oq_step *st)
{
    char detail[2 * OQ_ID_MAX + 64];
    switch (st->action) {
    case OQ_STEP_LOWER_LEVEL:
        c->tier = st->tier_after;
        snprintf(detail, sizeof detail, "lowered skill '%s' to level %d", e->skills[st->skill]->id,
                 st->level);
        escalated(e, c, detail);
        return STEP_DONE;
    case OQ_STEP_DROP_REQUIRED:
        c->tier = st->tier_after;
        snprintf(detail, sizeof detail, "dropped required skill '%s'", e->skills[st->skill]->id);
        escalated(e, c, detail);
        return STEP_DONE;
    case OQ_STEP_ADD_GROUP:
        c->tier = st->tier_after;
        snprintf(detail, sizeof detail, "added group '%s'", e->groups[st->group]->id);
        escalated(e, c, detail);
        return STEP_DONE;
    case OQ_STEP_DROP_PREFERRED:
        for (int32_t i = 0; i < c->n_pref; i++)
            if (c->extra[c->n_req + i].skill == st->skill)
                c->ext->pref_hold &= ~(1u << i); /* n_pref > 0: it has an ext block */
        snprintf(detail, sizeof detail, "dropped preferred skill '%s'", e->skills[st->skill]->id);
        escalated(e, c, detail);
        return STEP_DONE;
    case OQ_STEP_RAISE_PRIORITY: {
        int64_t p = (int64_t)c->priority + st->priority;
        oq__contact_reprioritize(c, (int32_t)(p > OQ_PRIORITY_MAX ? OQ_PRIORITY_MAX
                                  : p < -OQ_PRIORITY_MAX ? -OQ_PRIORITY_MAX : p));
        snprintf(detail, sizeof detail, "raised priority by %d", st->priority);
        escalated(e, c, detail);
        return STEP_DONE;
    }
    case OQ_STEP_PRIORITY_AT_LEAST:
        if (c->priority >= st->priority) {
            snprintf(detail, sizeof detail, "priority %d kept (at least %d)", c->priority, st->priority);
        } else {
            snprintf(detail, sizeof detail, "priority raised from %d to %d", c->priority, st->priority);
            oq__contact_reprioritize(c, st->priority);
        }
        escalated(e, c, detail);
        return STEP_DONE;
    case OQ_STEP_OVERFLOW: {
        oq_queue *t = e->queues[st->queue];
        if (c->hops >= OVERFLOW_HOPS_MAX) {
            snprintf(detail, sizeof detail, "not overflowed to queue '%s': moved %d times already",
                     t->id, c->hops);
            oq__contact_event(e, c, OQ_EV_ALERT, detail);
            return STEP_DONE;
        }
        if (oq__queue_lane(t, c->channel) < 0) {
            snprintf(detail, sizeof detail, "cannot overflow to queue '%s': it does not accept channel '%s'",
                     t->id, e->channels[c->channel]->id);
            oq__contact_event(e, c, OQ_EV_ALERT, detail);
            return STEP_DONE;
        }
        if (!oq__soft_try(e) || oq__contact_move(e, c, t, c->channel, 1, OQ_EV_OVERFLOWED, "escalation") != OQ_OK) {
            oq__soft_failed(e); /* absorbed (journaled): the step is tried again shortly */
            return STEP_RETRY;
        }
        return STEP_MOVED;
    }
    default: /* OQ_STEP_ALERT */
        oq__contact_event(e, c, OQ_EV_ALERT, st->message);
        return STEP_DONE;
    }
}

/* Does a step's skip rule hold: nobody of the widened target (the contact's
 * tier now) to serve it? */
static int nobody_to_serve(const oq_engine *e, const oq_contact *c, int32_t skip)
{
    switch (skip) {
    case OQ_SKIP_NONE_AVAILABLE: return !oq__contact_has_taker(e, c);
    case OQ_SKIP_NONE_LOGGED_IN: return oq__queue_staffed(c->queue, c->tier) == 0;
    default: return 0;
    }
}

/* Fire every step that is due. Returns 0 when the contact left the queue. */
static int climb(oq_engine *e, oq_contact *c)
{
    const oq_queue *q = c->queue;
    int forced = 0; /* the previous step asked to skip the wait */
    while (c->step < q->n_steps) {
        const oq_step *st = &q->steps[c->step];
        int64_t due = step_due(e, c, st);
        if (!forced && (c->recheck_at ? c->recheck_at : due) > e->now)
            return 1;
        if ((st->when_ewt_above_s > 0 || st->when_sl_below > 0) && !condition_holds(q, st)) {
            /* Wait for the condition until the next step's time, then pass over. */
            int64_t next = INT64_MAX;
            if (c->step + 1 < q->n_steps) {
                const oq_step *nx = &q->steps[c->step + 1];
                next = oq__queue_after(e, q, nx->timing == OQ_STEP_AFTER_ENTRY ? c->entered : due,
                                       nx->after_ms);
            }
            /* Look again soon, then less often the longer it stays unmet:
             * every 1..60 s for the first hour, then after as long again as
             * it has waited (so even a jump of years costs a few dozen checks). */
            int64_t waited = e->now - due;
            if (!forced && waited < 0) {
                /* The step's time moved on after its condition was first
                 * looked at (its queue's hours were replaced): wait for that
                 * time again rather than looking every second until then. */
                c->recheck_at = 0;
                return 1;
            }
            int64_t gap = waited >= 3600000 ? waited : waited / 4;
            if (gap < RECHECK_MS)
                gap = RECHECK_MS;
            else if (waited < 3600000 && gap > RECHECK_MAX_MS)
                gap = RECHECK_MAX_MS;
            if (!forced && oq__add_ms(e->now, gap) < next) {
                c->recheck_at = oq__add_ms(e->now, gap);
                return 1;
            }
        } else {
            int r = apply_step(e, c, st);
            if (r == STEP_MOVED)
                return 0;
            if (r == STEP_RETRY) {
                c->recheck_at = oq__add_ms(e->now, RECHECK_MS);
                return 1;
            }
        }
        c->recheck_at = 0;
        c->step++;
        c->step_base = e->now;
        forced = nobody_to_serve(e, c, st->skip_if_no_agents);
    }
    return 1;
}

void oq__wait_expired(oq_engine *e, oq_contact *c)
{
    int64_t until = oq__pref_until(c);
    if (until > 0 && until <= e->now) {
        oq__reserved_unlink(e, c);
        c->ext->pref_until = 0; /* the preferred agent did not come: anyone may serve it */
        oq__mark_contact(e, c);
    }
    if (c->state == OQ_CONTACT_QUEUED && limit_due(e, c) <= e->now) {
        if (apply_limit(e, c, offers_used_up(c) ? OQ_MAX_OFFERS : "max wait")) {
            oq__wait_schedule(e, c);
            /* Still waiting (moved, or kept for a retry when the move found
             * no memory): a profile delay may have passed at this instant
             * too, and no later wake-up is armed for that. */
            if (c->state == OQ_CONTACT_QUEUED)
                oq__mark_contact(e, c);
        }
        return;
    }
    if (climb(e, c)) {
        oq__wait_schedule(e, c);
        oq__mark_contact(e, c); /* a profile delay may have passed */
    }
}

void oq__wait_resume(oq_engine *e, oq_contact *c)
{
    /* Steps whose time came while it was offered fire now. */
    oq__wait_schedule(e, c);
}

/* ---- reply deadlines -------------------------------------------------------- */

/* When the deadline warning is due: deadline_warning_s before the deadline,
 * in the queue's business time when it counts one (the instant from which
 * that much open time is left); the deadline itself without a warning. */
static int64_t warning_ms(const oq_queue *q) { return (int64_t)(q->deadline_warning_s * 1000.0 + 0.5); }

static int64_t warning_at(const oq_engine *e, const oq_contact *c, int64_t deadline)
{
    const oq_queue *q = c->queue;
    int64_t warn_ms = warning_ms(q);
    if (warn_ms <= 0)
        return deadline;
    if (!q->business_time || q->calendar < 0)
        return deadline - warn_ms;
    int64_t from = c->arrived < deadline ? c->arrived : deadline;
    int64_t left = oq__queue_elapsed(e, q, from, deadline);
    return left > warn_ms ? oq__queue_after(e, q, from, left - warn_ms) : from;
}

int64_t oq__deadline_due(const oq_engine *e, const oq_contact *c)
{
    int64_t deadline = oq__c_deadline(c);
    if (deadline <= 0 || c->deadline_stage >= 2)
        return INT64_MAX;
    return c->deadline_stage == 0 ? warning_at(e, c, deadline) : deadline;
}

int oq__warning_not_before(const oq_engine *e, const oq_contact *c, int64_t at)
{
    /* warning_at's W is the earliest instant from which at most warn_ms of
     * open time is left before the deadline (business time adds up), so
     * at <= W exactly when more than warn_ms is left from at - 1. That holds
     * while the calendar counts every instant from the arrival (in its
     * range: otherwise the engine fell back to wall time, and only the full
     * computation says). The sum from at - 1 is short where the timer is
     * due at its warning; the full one, from the arrival, walks every zone
     * segment to a deadline that may be centuries away. */
    const oq_queue *q = c->queue;
    int64_t deadline = oq__c_deadline(c), warn_ms = warning_ms(q);
    if (deadline <= 0 || c->deadline_stage != 0 || warn_ms <= 0 || !q->business_time || q->calendar < 0)
        return 0;
    const oq_calendar *cal = e->calendars[q->calendar]->cal;
    int64_t from = c->arrived < deadline ? c->arrived : deadline, none = 0, rest = 0;
    if (at <= from || at > deadline || oq_calendar_business_ms(cal, from, from, &none) != OQ_OK ||
        oq_calendar_business_ms(cal, at - 1, deadline, &rest) != OQ_OK)
        return 0;
    return rest > warn_ms;
}

void oq__deadline_schedule(oq_engine *e, oq_contact *c)
{
    int64_t due = oq__deadline_due(e, c);
    if (due == INT64_MAX) {
        oq__ctimer_cancel(e, c, OQ_CT_DUE);
        return;
    }
    oq__ctimer_arm(e, c, OQ_CT_DUE, due > e->now ? due : e->now, OQ_TIMER_DUE);
}

void oq__deadlines_rearm(oq_engine *e, const oq_queue *q, int32_t cal)
{
    /* The contacts are walked in the id table's slot order, which depends on
     * its history (a restored engine's fresh table, a migration: core/
     * idtable.h). So the timers re-armed here take arming sequences in
     * contact creation order instead: base + the contact's seq, every one
     * after all timers armed so far and before every later one. */
    uint64_t base = e->next_timer_seq;
    int moved = 0;
    oq_contact *c;
    for (int32_t pos = 0; (c = oq__idtable_next(&e->contact_ids, &pos));) {
        if (oq__c_deadline(c) <= 0 || c->state == OQ_CONTACT_PARKED) /* parking stops the clock */
            continue;
        if (q ? c->queue != q : !c->queue->business_time || c->queue->calendar != cal)
            continue;
        /* A timer whose instant did not move keeps its arming order (timers
         * due in the same millisecond fire in that order): re-arm only what moved. */
        int64_t due = oq__deadline_due(e, c);
        oq_timer t = oq__ctimer_view(c, OQ_CT_DUE);
        if (due != INT64_MAX && t.kind != OQ_TIMER_NONE && t.due == (due > e->now ? due : e->now))
            continue;
        e->next_timer_seq = base + c->seq;
        oq__deadline_schedule(e, c);
        moved = 1;
    }
    e->next_timer_seq = moved ? base + e->next_contact_seq : base;
}

void oq__deadline_expired(oq_engine *e, oq_contact *c)
{
    int64_t warn_ms = (int64_t)(c->queue->deadline_warning_s * 1000.0 + 0.5);
    if (c->deadline_stage == 0 && warn_ms > 0 && e->now < oq__c_deadline(c)) {
        c->deadline_stage = 1;
        oq__contact_event(e, c, OQ_EV_DEADLINE_WARNING, NULL);
    } else {
        c->deadline_stage = 2;
        oq__contact_event(e, c, OQ_EV_DEADLINE_BREACH, NULL);
    }
    oq__deadline_schedule(e, c);
}

/* ---- estimates ------------------------------------------------------------ */

typedef struct ahead_ctx {
    const oq_heap *heap;
    const oq_queue *queue;
    const oq_contact *contact;
} ahead_ctx;

/* Contacts ahead of c: everything below an item that comes after c comes
 * after c too, so only the contacts ahead (and their children) are visited. */
static int32_t count_ahead(const ahead_ctx *x, int32_t pos)
{
    if (pos >= x->heap->n ||
        oq__heap_cmp_at(x->heap, &oq__contact_heap_ops, x->queue, pos, x->contact->heap_pos) >= 0)
        return 0;
    return 1 + count_ahead(x, 2 * pos + 1) + count_ahead(x, 2 * pos + 2);
}

oq_status oq_contact_position(const oq_engine *e, const char *contact, int32_t *position,
                              double *ewt_s)
{
    if (!e)
        return OQ_EINVAL;
    if (!position || !ewt_s)
        return oq__fail(e, OQ_EINVAL, "position/ewt_s is NULL");
    const oq_contact *c = NULL;
    oq_status st = oq__lookup_contact(e, "contact", contact, &c);
    if (st != OQ_OK)
        return st;
    if (c->state != OQ_CONTACT_QUEUED)
        return oq__fail(e, OQ_ESTATE, "contact '%s' is %s, not waiting in a queue", contact,
                        oq_contact_state_name(c->state));
    ahead_ctx x = {&c->queue->lanes[c->lane].contacts, c->queue, c};
    *position = 1 + count_ahead(&x, 0);
    *ewt_s = oq__queue_ewt_s(c->queue, *position, c->tier);
    return OQ_OK;
}

oq_status oq_queue_ewt(const oq_engine *e, const char *queue, double *ewt_s)
{
    if (!e)
        return OQ_EINVAL;
    if (!ewt_s)
        return oq__fail(e, OQ_EINVAL, "ewt_s is NULL");
    const oq_queue *q = NULL;
    oq_status st = oq__lookup_queue(e, "queue", queue, &q);
    if (st == OQ_OK)
        *ewt_s = oq__queue_ewt_s(q, q->n_queued + 1, 0);
    return st;
}
