/* SPDX-License-Identifier: MIT */
/* Work orders (工单): parking, reopening, escalation to another tier,
 * transfer to a named agent, and each contact's history. */
#include <math.h>
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

/* ---- history ---------------------------------------------------------------- */

static size_t history_size(int32_t cap)
{
    return sizeof(struct oq_history) + (size_t)cap * sizeof(oq_history_item);
}

/* A contact's history starts as its arrival alone, which its own fields
 * describe: the ring is allocated only when a second entry is reserved (most
 * contacts are answered or abandoned first), and every reservation happens
 * before the change it records, while c->queue is still the arrival queue. */
static oq_history_item arrival_item(const oq_contact *c)
{
    oq_history_item it = {0};
    it.type = OQ_EV_CONTACT_QUEUED;
    it.queue = c->queue->idx;
    it.time = c->arrived;
    it.agent = -1;
    it.detail_code = OQ_DETAIL_NONE;
    return it;
}

int32_t oq__history_stored_cap(const oq_contact *c)
{
    const struct oq_history *h = c->history;
    if (!h)
        return 0;
    if (h->n == 1 && h->dropped == 0) {
        oq_history_item a = arrival_item(c);
        const oq_history_item *it = &h->items[h->start];
        if (it->type == a.type && it->queue == a.queue && it->time == a.time && it->agent == a.agent &&
            it->detail_code == a.detail_code && !it->detail)
            return 0; /* a ring reserved but never used: its arrival alone */
    }
    int32_t cap = 4; /* the sizes oq__history_reserve grows through */
    while (cap < h->n && cap < OQ_HISTORY_MAX)
        cap *= 2;
    return cap < OQ_HISTORY_MAX ? cap : OQ_HISTORY_MAX;
}

/* Rings of the first size (OQ_SPARE_HISTORY_CAP entries) are what nearly
 * every answered contact needs: a destroyed contact's ring is kept for the
 * next one instead of freed and allocated again (issue #22: an allocation
 * and a free per contact). At most OQ_SPARE_HISTORY_MAX are kept, so what
 * an engine holds beyond its live contacts is bounded (about 30 KB); engine
 * destroy frees them. A spare ring is linked through the bytes of its first
 * item. */
#define OQ_SPARE_HISTORY_CAP 4
#define OQ_SPARE_HISTORY_MAX 256

static struct oq_history *ring_new(oq_engine *e, int32_t cap)
{
    struct oq_history *h = e->spare_history;
    if (cap != OQ_SPARE_HISTORY_CAP || !h)
        return oq__alloc(&e->mem, history_size(cap));
    memcpy(&e->spare_history, h->items, sizeof e->spare_history);
    e->n_spare_history--;
    return h;
}

static void ring_free(oq_engine *e, struct oq_history *h)
{
    if (!h)
        return;
    if (h->cap != OQ_SPARE_HISTORY_CAP || e->n_spare_history >= OQ_SPARE_HISTORY_MAX) {
        oq__free(&e->mem, h, history_size(h->cap));
        return;
    }
    memcpy(h->items, &e->spare_history, sizeof e->spare_history);
    e->spare_history = h;
    e->n_spare_history++;
}

void oq__history_spares_free(oq_engine *e)
{
    while (e->spare_history) {
        struct oq_history *h = e->spare_history;
        memcpy(&e->spare_history, h->items, sizeof e->spare_history);
        oq__free(&e->mem, h, history_size(h->cap));
    }
    e->n_spare_history = 0;
}

int oq__history_reserve(oq_engine *e, oq_contact *c, int32_t extra)
{
    struct oq_history *h = c->history;
    int32_t have = h ? h->cap : 0, n = h ? h->n : 1; /* 1: the implicit arrival */
    if (have >= OQ_HISTORY_MAX || n + extra <= have)
        return 1;
    int32_t cap = have ? have * 2 : 4;
    while (cap < n + extra)
        cap *= 2;
    if (cap > OQ_HISTORY_MAX)
        cap = OQ_HISTORY_MAX;
    struct oq_history *nh = ring_new(e, cap);
    if (!nh)
        return 0;
    nh->n = n;
    nh->cap = cap;
    nh->start = 0;
    nh->dropped = h ? h->dropped : 0;
    for (int32_t i = 0; i < n; i++)
        nh->items[i] = h ? h->items[(h->start + i) % h->cap] : arrival_item(c);
    ring_free(e, h);
    c->history = nh;
    return 1;
}

void oq__history_add(oq_engine *e, oq_contact *c, int32_t type, const oq_agent *a,
                     int32_t detail_code, char *owned_detail)
{
    /* Public calls reserve their entry first; timer-driven entries (overflows)
     * grow the ring here, and are dropped (counted) only if memory is refused
     * (absorbed and journaled: a standby drops the same entry). */
    int room = oq__soft_try(e) && oq__history_reserve(e, c, 1) && c->history;
    if (!room) {
        oq__soft_failed(e);
        if (c->history)
            c->history->dropped++;
        oq__strfree(&e->mem, owned_detail);
        return;
    }
    struct oq_history *h = c->history;
    oq_history_item *it;
    if (h->n == h->cap) { /* full at OQ_HISTORY_MAX: the oldest goes */
        it = &h->items[h->start];
        oq__strfree(&e->mem, it->detail);
        h->start = (h->start + 1) % h->cap;
        h->dropped++;
    } else {
        it = &h->items[(h->start + h->n) % h->cap];
        h->n++;
    }
    it->type = type;
    it->queue = c->queue->idx;
    it->time = e->now;
    it->agent = a ? a->idx : -1;
    it->detail_code = owned_detail ? OQ_DETAIL_OWNED : detail_code;
    it->detail = owned_detail;
}

void oq__history_free(oq_engine *e, oq_contact *c)
{
    struct oq_history *h = c->history;
    if (!h)
        return;
    for (int32_t i = 0; i < h->n; i++)
        oq__strfree(&e->mem, h->items[(h->start + i) % h->cap].detail);
    ring_free(e, h);
    c->history = NULL;
}

/* The well-known details (timer-driven entries need no allocation), by code. */
static const char *const KNOWN_DETAILS[] = {
    [OQ_DETAIL_ESCALATION] = "escalation", [OQ_DETAIL_MAX_WAIT] = "max wait",
    [OQ_DETAIL_CALLBACK] = "callback",     [OQ_DETAIL_QUEUE_FULL] = "queue full",
    [OQ_DETAIL_MAX_OFFERS] = OQ_MAX_OFFERS, [OQ_DETAIL_REQUESTED] = OQ_REQUESTED,
    [OQ_DETAIL_CLOSED] = OQ_CLOSED_DETAIL, [OQ_DETAIL_CLOSED_CALLBACK] = OQ_CLOSED_CALLBACK_DETAIL,
};

int32_t oq__detail_code(const char *detail)
{
    for (int32_t k = 0; detail && k < (int32_t)(sizeof KNOWN_DETAILS / sizeof *KNOWN_DETAILS); k++)
        if (KNOWN_DETAILS[k] && strcmp(detail, KNOWN_DETAILS[k]) == 0)
            return k;
    return OQ_DETAIL_NONE;
}

static const char *detail_text(const oq_history_item *it)
{
    if (it->detail_code == OQ_DETAIL_OWNED)
        return it->detail;
    int32_t n = (int32_t)(sizeof KNOWN_DETAILS / sizeof *KNOWN_DETAILS);
    return it->detail_code > OQ_DETAIL_NONE && it->detail_code < n ? KNOWN_DETAILS[it->detail_code] : NULL;
}

oq_status oq_contact_history_count(const oq_engine *e, const char *contact, int32_t *count)
{
    if (!e)
        return OQ_EINVAL;
    if (!count)
        return oq__fail(e, OQ_EINVAL, "count is NULL");
    const oq_contact *c = NULL;
    oq_status st = oq__lookup_contact(e, "contact", contact, &c);
    if (st == OQ_OK)
        *count = c->history ? c->history->n : 1;
    return st;
}

oq_status oq_contact_history_get(const oq_engine *e, const char *contact, int32_t index,
                                 oq_history_entry *out)
{
    if (!e)
        return OQ_EINVAL;
    if (!out)
        return oq__fail(e, OQ_EINVAL, "out is NULL");
    const oq_contact *c = NULL;
    oq_status st = oq__lookup_contact(e, "contact", contact, &c);
    if (st != OQ_OK)
        return st;
    const struct oq_history *h = c->history;
    int32_t n = h ? h->n : 1;
    if (index < 0 || index >= n)
        return oq__fail(e, OQ_EINVAL, "contact '%s': history index %d out of range 0..%d", contact,
                        index, n - 1);
    oq_history_item arrival = arrival_item(c);
    const oq_history_item *it = h ? &h->items[(h->start + index) % h->cap] : &arrival;
    memset(out, 0, sizeof *out);
    out->type = it->type;
    out->time_ms = it->time;
    out->queue = e->queues[it->queue] ? e->queues[it->queue]->id : NULL;
    out->agent = it->agent >= 0 && e->agents[it->agent] ? e->agents[it->agent]->id : NULL;
    out->detail = detail_text(it);
    return OQ_OK;
}

/* ---- parking ------------------------------------------------------------------ */

static void parked_link(oq_engine *e, oq_contact *c)
{
    c->link_prev = NULL;
    c->link_next = e->parked;
    if (e->parked)
        e->parked->link_prev = c;
    e->parked = c;
    e->n_parked++;
    c->queue->n_parked++;
}

static void parked_unlink(oq_engine *e, oq_contact *c)
{
    if (c->link_prev)
        c->link_prev->link_next = c->link_next;
    else
        e->parked = c->link_next;
    if (c->link_next)
        c->link_next->link_prev = c->link_prev;
    c->link_prev = c->link_next = NULL;
    e->n_parked--;
    c->queue->n_parked--;
}

void oq__parked_forget(oq_engine *e, oq_contact *c)
{
    if (c->state == OQ_CONTACT_PARKED)
        parked_unlink(e, c);
}

void oq__agent_disown(oq_engine *e, const oq_agent *a)
{
    for (oq_contact *c = e->parked; c; c = c->link_next)
        if (oq__contact_pref_agent(e, c) == a)
            c->ext->pref_agent_idx = -1; /* its owner left: reopen it to anyone (chatwoot#7204) */
}

/* Copy an optional reason (validated like an id). */
static oq_status copy_reason(oq_engine *e, const char *field, const char *reason, char **out)
{
    *out = NULL;
    if (!reason)
        return OQ_OK;
    oq_status st = oq__check_id(e, field, reason);
    if (st != OQ_OK)
        return st;
    *out = oq__strndup(&e->mem, reason, strlen(reason));
    return *out ? OQ_OK : oq__fail(e, OQ_ENOMEM, "%s: out of memory", field);
}

static oq_status find_live(oq_engine *e, int64_t now_ms, const char *contact, oq_contact **out)
{
    oq_status st = oq__contact_at(e, now_ms, contact, out);
    if (st != OQ_OK)
        return st;
    int32_t s = (*out)->state;
    if (s != OQ_CONTACT_QUEUED && s != OQ_CONTACT_OFFERED && s != OQ_CONTACT_ACTIVE)
        return oq__fail(e, OQ_ESTATE, "contact '%s' is %s: only a queued, offered or active contact can do that",
                        contact, oq_contact_state_name(s));
    return OQ_OK;
}

oq_status oq_contact_park(oq_engine *e, int64_t now_ms, const char *contact, const char *reason)
{
    OQ_RECORDED(e, CONTACT_PARK, oq_contact_park, now_ms, contact, reason);
    oq_contact *c = NULL;
    char *why = NULL;
    oq_status st = find_live(e, now_ms, contact, &c);
    if (st == OQ_OK)
        st = copy_reason(e, "reason", reason, &why);
    if (st != OQ_OK)
        return st;
    /* Its owner goes into the ext block: made first, and given back if the
     * history's room is not there (nothing changed). */
    oq_agent *owner = oq__c_agent(c);
    int new_ext = owner && !c->ext;
    if ((owner && !oq__contact_ext(e, c)) || !oq__history_reserve(e, c, 1)) {
        if (new_ext)
            oq__contact_ext_free(e, c);
        oq__strfree(&e->mem, why);
        return oq__fail(e, OQ_ENOMEM, "contact '%s': out of memory", contact);
    }
    oq__contact_event(e, c, OQ_EV_PARKED, reason);
    oq__history_add(e, c, OQ_EV_PARKED, owner, OQ_DETAIL_NONE, why);
    oq__contact_detach(e, c);
    oq__ctimer_cancel(e, c, OQ_CT_WAIT);
    oq__ctimer_cancel(e, c, OQ_CT_DUE);
    if (owner) {
        c->ext->pref_agent_idx = owner->idx;
        c->ext->pref_agent_seq = owner->seq;
    }
    oq__pref_until_clear(c);
    c->state = OQ_CONTACT_PARKED;
    c->entered = e->now; /* while parked: when it was parked (its deadline pauses) */
    parked_link(e, c);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_contact_reopen(oq_engine *e, int64_t now_ms, const char *contact, const char *queue,
                            double owner_wait_s)
{
    OQ_RECORDED(e, CONTACT_REOPEN, oq_contact_reopen, now_ms, contact, queue, owner_wait_s);
    oq_contact *c = NULL;
    oq_queue *q = NULL;
    oq_status st = oq__contact_at(e, now_ms, contact, &c);
    if (st != OQ_OK)
        return st;
    q = c->queue;
    if (queue && (st = oq__find_queue(e, "queue", queue, &q)) != OQ_OK)
        return st;
    if (c->state != OQ_CONTACT_PARKED)
        return oq__fail(e, OQ_ESTATE, "contact '%s' is %s, not parked", contact,
                        oq_contact_state_name(c->state));
    if (!isfinite(owner_wait_s) || owner_wait_s < 0 || owner_wait_s > 9.0e12)
        return oq__fail(e, OQ_EINVAL, "contact '%s': owner_wait_s must be a finite number >= 0", contact);
    int32_t l = oq__queue_lane(q, c->channel);
    if (l < 0)
        return oq__fail(e, OQ_ESTATE, "contact '%s': queue '%s' does not accept channel '%s'",
                        contact, q->id, e->channels[c->channel]->id);
    oq_lane *lane = &q->lanes[l];
    if (!oq__history_reserve(e, c, 1) ||
        (q != c->queue && !oq__heap_reserve(&lane->contacts, &e->mem, lane->reserved + 1)))
        return oq__fail(e, OQ_ENOMEM, "contact '%s': out of memory", contact);
    parked_unlink(e, c);
    if (q != c->queue) {
        c->queue->lanes[c->lane].reserved--;
        lane->reserved++;
        c->queue = q;
        c->lane = l;
    }
    c->enqueued = e->now;
    oq__c_clear_rejects(c);
    if (oq__c_deadline(c) > 0 && c->deadline_stage < 2) { /* the reply deadline paused while parked */
        int64_t *deadline = &c->ext->deadline;
        if (q->business_time && q->calendar >= 0 && *deadline > c->entered) {
            /* The open time that was left when it was parked is left now. */
            int64_t left = oq__queue_elapsed(e, q, c->entered, *deadline);
            *deadline = oq__queue_after(e, q, e->now, left);
        } else {
            *deadline = oq__add_ms(*deadline, e->now - c->entered);
        }
    }
    oq_agent *owner = oq__contact_pref_agent(e, c); /* one: it has an ext block (types.h) */
    if (owner)
        c->ext->pref_until = owner_wait_s > 0 ? oq__add_ms(e->now, oq__ms(owner_wait_s)) : 0;
    else
        oq__pref_until_clear(c);
    oq__contact_enqueue(e, c);
    oq__contact_event(e, c, OQ_EV_REOPENED, NULL);
    oq__history_add(e, c, OQ_EV_REOPENED, NULL, OQ_DETAIL_NONE, NULL);
    oq__wait_start(e, c);
    oq__deadline_schedule(e, c);
    oq__mark_contact(e, c);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq__relocate(oq_engine *e, oq_contact *c, oq_queue *q, const char *reason)
{
    char *why = NULL;
    oq_status st = copy_reason(e, "reason", reason, &why);
    if (st != OQ_OK)
        return st;
    if (oq__queue_lane(q, c->channel) < 0) {
        oq__strfree(&e->mem, why);
        return oq__fail(e, OQ_ESTATE, "contact '%s': queue '%s' does not accept channel '%s'", c->id,
                        q->id, e->channels[c->channel]->id);
    }
    if (c->state == OQ_CONTACT_QUEUED && c->queue == q) {
        oq__strfree(&e->mem, why);
        return oq__fail(e, OQ_ESTATE, "contact '%s' is already waiting in queue '%s'", c->id, q->id);
    }
    /* The lane slot before the history entry: a failed move leaves no ring
     * reserved behind (the history reservation is the last thing that can fail). */
    oq_lane *lane = &q->lanes[oq__queue_lane(q, c->channel)];
    if (!oq__heap_reserve(&lane->contacts, &e->mem, lane->reserved + 1) || !oq__history_reserve(e, c, 1) ||
        oq__contact_move(e, c, q, c->channel, 0, OQ_EV_TRANSFERRED, reason) != OQ_OK) {
        oq__strfree(&e->mem, why);
        return oq__fail(e, OQ_ENOMEM, "contact '%s': out of memory", c->id);
    }
    oq__history_add(e, c, OQ_EV_TRANSFERRED, NULL, OQ_DETAIL_NONE, why);
    return OQ_OK;
}

oq_status oq_contact_escalate(oq_engine *e, int64_t now_ms, const char *contact, const char *queue,
                              const char *reason)
{
    OQ_RECORDED(e, CONTACT_ESCALATE, oq_contact_escalate, now_ms, contact, queue, reason);
    oq_contact *c = NULL;
    oq_queue *q = NULL;
    oq_status st = find_live(e, now_ms, contact, &c);
    if (st == OQ_OK)
        st = oq__find_queue(e, "queue", queue, &q);
    if (st == OQ_OK && !reason)
        st = oq__fail(e, OQ_EINVAL, "contact '%s': an escalation needs a reason", contact);
    if (st == OQ_OK)
        st = oq__relocate(e, c, q, reason);
    if (st == OQ_OK)
        oq__dispatch(e);
    return st;
}

oq_status oq_contact_transfer_to_agent(oq_engine *e, int64_t now_ms, const char *contact,
                                       const char *agent, double wait_s)
{
    OQ_RECORDED(e, CONTACT_TO_AGENT, oq_contact_transfer_to_agent, now_ms, contact, agent, wait_s);
    oq_contact *c = NULL;
    oq_agent *a = NULL;
    oq_status st = find_live(e, now_ms, contact, &c);
    if (st == OQ_OK)
        st = oq__find_agent(e, "agent", agent, &a);
    if (st != OQ_OK)
        return st;
    if (!isfinite(wait_s) || wait_s <= 0 || wait_s > 9.0e12)
        return oq__fail(e, OQ_EINVAL, "contact '%s': wait_s must be a finite number > 0", contact);
    oq_member *m = oq__member_of(a, c->queue);
    if (!m || m->first_tier > c->tier)
        return oq__fail(e, OQ_ESTATE, "agent '%s' cannot serve queue '%s' of contact '%s'", agent,
                        c->queue->id, contact);
    if (oq__c_agent(c) == a && c->state != OQ_CONTACT_QUEUED)
        return oq__fail(e, OQ_ESTATE, "contact '%s' is already with agent '%s'", contact, agent);
    int new_ext = !c->ext;
    if (!oq__contact_ext(e, c) || !oq__history_reserve(e, c, 1)) {
        if (new_ext)
            oq__contact_ext_free(e, c); /* given back: nothing changed */
        return oq__fail(e, OQ_ENOMEM, "contact '%s': out of memory", contact);
    }
    oq__contact_detach(e, c);
    c->ext->pref_agent_idx = a->idx;
    c->ext->pref_agent_seq = a->seq;
    c->ext->pref_until = oq__add_ms(e->now, oq__ms(wait_s));
    oq__c_clear_rejects(c);
    c->offers_here = 0; /* a fresh start with the named agent */
    oq__contact_enqueue(e, c);
    oq__contact_event(e, c, OQ_EV_TRANSFERRED, agent);
    oq__history_add(e, c, OQ_EV_TRANSFERRED, a, OQ_DETAIL_NONE, NULL);
    oq__wait_schedule(e, c);
    oq__mark_contact(e, c);
    oq__dispatch(e);
    return OQ_OK;
}
