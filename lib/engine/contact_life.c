/* SPDX-License-Identifier: MIT */
/* A contact's life: the building blocks every contact call uses (enqueue,
 * release an agent, forget) and the timer handlers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

void oq__contact_event(oq_engine *e, oq_contact *c, int32_t type, const char *detail)
{
    oq_event ev = {0};
    ev.type = type;
    ev.time_ms = e->now;
    ev.contact = c->id;
    ev.agent = oq__c_agent(c) ? oq__c_agent(c)->id : NULL;
    ev.queue = c->queue->id;
    ev.channel = e->channels[c->channel]->id;
    ev.detail = detail;
    ev.priority = c->priority;
    ev.wait_ms = e->now - c->enqueued;
    oq__emit(e, &ev, c, oq__c_agent(c));
}

/* Is the exclusion's agent still there with the presence it missed in? */
static int exclusion_current(const oq_engine *e, const oq_exclusion *x)
{
    if (x->agent < 0 || x->agent >= e->n_agents)
        return 0;
    const oq_agent *a = e->agents[x->agent];
    return a && a->seq == x->agent_seq && a->presence_gen == x->gen;
}

/* Does the exclusion still keep its agent from the contact? (An exclusion
 * saturated at the end of time, INT64_MAX, never ends: there the clock
 * cannot move past it, and an offer / time-out cycle must not repeat.) */
int oq__exclusion_active(const oq_engine *e, const oq_exclusion *x)
{
    return (x->until > e->now || x->until == INT64_MAX) && exclusion_current(e, x);
}

int oq__contact_rejected_by(const oq_engine *e, const oq_contact *c, const oq_agent *a)
{
    const oq_contact_ext *ext = c->ext;
    for (int32_t i = 0; ext && i < ext->n_rejects; i++) {
        const oq_exclusion *x = &ext->rejects[i];
        if (x->agent_seq == a->seq && oq__exclusion_active(e, x))
            return 1;
    }
    return 0;
}

int32_t oq__contact_excluded(const oq_engine *e, const oq_contact *c)
{
    const oq_contact_ext *ext = c->ext;
    int32_t n = 0;
    for (int32_t i = 0; ext && i < ext->n_rejects; i++)
        n += oq__exclusion_active(e, &ext->rejects[i]);
    return n;
}

/* How long the n-th miss in a row keeps an agent from a contact: the
 * queue's retry_after_s, doubled for each miss before (at least 1 ms, so
 * even retry_after_s 0 cannot loop offer / time-out within one millisecond). */
static int64_t exclusion_ms(int64_t retry_ms, uint32_t misses)
{
    int64_t d = retry_ms > 0 ? retry_ms : 1;
    uint32_t shift = misses > 1 ? misses - 1 : 0;
    if (shift > 62 || d > (INT64_MAX >> shift))
        return INT64_MAX;
    return d << shift;
}

/* Room for `extra` exclusions more than the contact holds, in its ext block
 * (made here if it has none; 0 when memory is out, the block then kept or
 * given back by the caller). A contact has no array until an agent first
 * misses it (most never are: neither array nor its 16 bytes of count and
 * pointer in the record); from then on it keeps room for one more than it
 * holds, so the next offer's reject or time-out finds a slot. Arrays start
 * at what is asked and double. */
int oq__exclusion_room(oq_engine *e, oq_contact *c, int32_t extra)
{
    if (!oq__contact_ext(e, c))
        return 0;
    oq_contact_ext *x = c->ext;
    int32_t need = x->n_rejects + extra;
    if (x->cap_rejects == 0 && need > 0) {
        x->rejects = oq__alloc(&e->mem, (size_t)need * sizeof *x->rejects);
        if (!x->rejects)
            return 0;
        x->cap_rejects = need;
        return 1;
    }
    return oq__grow(&e->mem, (void **)&x->rejects, &x->cap_rejects, need, sizeof *x->rejects);
}

/* A time-out keeps its agent from the contact (add_reject) and makes room
 * for the next offer's miss: one allocation point either way. A contact
 * with an array has a slot for this exclusion, then wants one beyond the
 * list as add_reject left it (a repeated miss by the same agent replaces
 * its entry and needs no more); one never missed wants its first two
 * slots. If memory is short (absorbed: the call is the clock's), the list
 * is what adding the new exclusion and forgetting the oldest gives -
 * journaled, and the same whatever room the contact had (a standby restored
 * from a snapshot may have an array where the primary has none), so a
 * standby forgets the same one. Without an array that oldest is the new
 * one, never written; the miss still counts. */
static void add_reject(oq_engine *e, oq_contact *c, const oq_agent *a);

static void add_timeout_reject(oq_engine *e, oq_contact *c, const oq_agent *a)
{
    oq_contact_ext *x = c->ext;
    if (x && x->cap_rejects > 0) {
        add_reject(e, c, a);
        if (oq__soft_try(e) && oq__exclusion_room(e, c, 1))
            return;
        oq__soft_failed(e);
        memmove(x->rejects, x->rejects + 1, (size_t)(x->n_rejects - 1) * sizeof *x->rejects);
        x->n_rejects--;
        return;
    }
    if (oq__soft_try(e) && oq__exclusion_room(e, c, 2)) {
        add_reject(e, c, a);
        return;
    }
    oq__soft_failed(e);
    c->offers_here += c->offers_here < INT16_MAX;
}

/* The agent missed the offer: keep it from the contact (exclusion_ms).
 * Entries of agents gone or whose presence changed leave the list, and the
 * agent's earlier one is replaced, so it holds at most one per agent; it
 * uses the room its caller made or found (oq__exclusion_room), so this
 * never allocates. */
static void add_reject(oq_engine *e, oq_contact *c, const oq_agent *a)
{
    oq_contact_ext *ext = c->ext;
    uint32_t misses = 1;
    int32_t n = 0;
    for (int32_t i = 0; i < ext->n_rejects; i++) {
        const oq_exclusion *old = &ext->rejects[i];
        if (!exclusion_current(e, old))
            continue;
        if (old->agent_seq == a->seq)
            misses = old->misses < UINT32_MAX ? old->misses + 1 : old->misses;
        else
            ext->rejects[n++] = *old;
    }
    oq_exclusion *x = &ext->rejects[n++];
    memset(x, 0, sizeof *x);
    x->agent_seq = a->seq;
    x->agent = a->idx;
    x->gen = a->presence_gen;
    x->misses = misses;
    x->until = oq__add_ms(e->now, exclusion_ms(c->queue->retry_after_ms, misses));
    ext->n_rejects = n;
    c->offers_here += c->offers_here < INT16_MAX;
}

oq_agent *oq__contact_pref_agent(const oq_engine *e, const oq_contact *c)
{
    const oq_contact_ext *x = c->ext;
    if (!x || x->pref_agent_idx < 0 || x->pref_agent_idx >= e->n_agents)
        return NULL;
    oq_agent *a = e->agents[x->pref_agent_idx];
    return a && a->seq == x->pref_agent_seq ? a : NULL;
}

/* Spare ext blocks. A finished contact's ext block (and a block a failed
 * call gives back) is kept, emptied, for the next contact that needs one
 * (a deadline, a preferred agent, a miss), with its exclusions array if
 * that has at most OQ_SPARE_REJECTS slots - apart from the spare records,
 * so a record reused by a contact that needs no block does not carry one.
 * At most OQ_SPARE_CONTACTS_MAX are kept (and as many spare records,
 * below); the link is in a block's deadline (it is emptied when taken). */
/* A spare block's link, kept in its deadline's bytes. */
_Static_assert(sizeof(int64_t) >= sizeof(oq_contact_ext *), "a spare ext block's link fits in its deadline");
static oq_contact_ext *ext_next(const oq_contact_ext *x)
{
    oq_contact_ext *next;
    memcpy(&next, &x->deadline, sizeof next);
    return next;
}

static void ext_link(oq_contact_ext *x, oq_contact_ext *next) { memcpy(&x->deadline, &next, sizeof next); }

oq_contact_ext *oq__spare_ext_next(const oq_contact_ext *x) { return ext_next(x); }

static void ext_drop_rejects(oq_engine *e, oq_contact_ext *x)
{
    oq__free(&e->mem, x->rejects, (size_t)x->cap_rejects * sizeof *x->rejects);
    x->rejects = NULL;
    x->cap_rejects = 0;
}

static void ext_destroy(oq_engine *e, oq_contact_ext *x)
{
    ext_drop_rejects(e, x);
    oq__free(&e->mem, x, sizeof *x);
}

int oq__contact_ext(oq_engine *e, oq_contact *c)
{
    if (c->ext)
        return 1;
    oq_contact_ext *x = e->spare_ext;
    if (x) {
        e->spare_ext = ext_next(x);
        e->n_spare_ext--;
        oq_exclusion *rejects = x->rejects; /* none held: room only */
        int32_t cap_rejects = x->cap_rejects;
        memset(x, 0, sizeof *x);
        x->rejects = rejects;
        x->cap_rejects = cap_rejects;
    } else if (!(x = oq__calloc(&e->mem, 1, sizeof *x))) {
        return 0;
    }
    x->pref_agent_idx = -1;
    c->ext = x;
    return 1;
}

void oq__contact_ext_give_back(oq_engine *e, oq_contact *c)
{
    oq_contact_ext *x = c->ext;
    if (!x)
        return;
    c->ext = NULL;
    if (e->n_spare_ext >= OQ_SPARE_CONTACTS_MAX) {
        ext_destroy(e, x);
        return;
    }
    if (x->cap_rejects > OQ_SPARE_REJECTS)
        ext_drop_rejects(e, x);
    ext_link(x, e->spare_ext);
    e->spare_ext = x;
    e->n_spare_ext++;
}

/* ---- reservations for a named agent ------------------------------------------
 * A QUEUED contact reserved for an agent (pref_until > 0: preferred agent,
 * work-order owner, transfer to an agent) sits in that agent's `reserved`
 * list through its held links (unused while it is queued), in contact-seq
 * order so that ending the reservations marks them in an order a restored
 * engine reproduces. A reservation holds only while its agent is logged in
 * and ready: it is not made otherwise, and ends when the agent goes not
 * ready or logs out (oq__agent_end_reservations) or lets the contact go
 * (reject, time-out). */

void oq__reserved_link(oq_engine *e, oq_contact *c)
{
    oq_agent *a = oq__contact_pref_agent(e, c);
    if (oq__pref_until(c) <= 0 || !a || a->presence != OQ_AGENT_READY) {
        oq__pref_until_clear(c);
        return;
    }
    oq_contact *next = NULL, *prev = a->reserved_tail;
    while (prev && prev->seq > c->seq) {
        next = prev;
        prev = prev->link_prev;
    }
    c->link_prev = prev;
    c->link_next = next;
    if (prev)
        prev->link_next = c;
    else
        a->reserved = c;
    if (next)
        next->link_prev = c;
    else
        a->reserved_tail = c;
    c->flags |= OQ_CF_RESERVED;
}

void oq__reserved_unlink(oq_engine *e, oq_contact *c)
{
    if (!(c->flags & OQ_CF_RESERVED))
        return;
    oq_agent *a = oq__contact_pref_agent(e, c); /* cannot be gone: it is logged in */
    if (c->link_prev)
        c->link_prev->link_next = c->link_next;
    else
        a->reserved = c->link_next;
    if (c->link_next)
        c->link_next->link_prev = c->link_prev;
    else
        a->reserved_tail = c->link_prev;
    c->link_prev = c->link_next = NULL;
    c->flags &= ~OQ_CF_RESERVED;
}

void oq__agent_end_reservations(oq_engine *e, oq_agent *a)
{
    while (a->reserved) {
        oq_contact *c = a->reserved;
        oq__reserved_unlink(e, c);
        oq__pref_until_clear(c);
        oq__wait_schedule(e, c);
        oq__mark_contact(e, c);
    }
}

void oq__contact_enqueue(oq_engine *e, oq_contact *c)
{
    oq_queue *q = c->queue;
    c->state = OQ_CONTACT_QUEUED;
    oq__lane_push(q, c);
    oq__sig_join(e, c);
    q->n_queued++;
    e->n_queued++;
    oq__reserved_link(e, c);
}

void oq__contact_dequeue(oq_engine *e, oq_contact *c)
{
    oq_queue *q = c->queue;
    oq__reserved_unlink(e, c);
    oq__sig_leave(e, c);
    oq__heap_remove(&q->lanes[c->lane].contacts, &oq__contact_heap_ops, q, c->heap_pos);
    oq__sig_settle(q, c->lane);
    q->n_queued--;
    e->n_queued--;
    /* An inbound contact of a host-scored queue may wait beside available
     * agents it fits (the scorer refused them), and while it waits it keeps
     * them from outbound work (route.c, blend_allows). Once it is gone,
     * whether offered, abandoned, removed or moved, nothing else would
     * route them again: an outbound contact waited beside an idle agent. */
    if (q->strategy == OQ_STRATEGY_HOST_SCORE && !q->outbound && e->n_outbound_queues > 0) {
        const oq_heap *agents = &q->lanes[c->lane].agents;
        for (int32_t i = 0; i < agents->n; i++)
            oq__mark_agent(e, ((oq_member *)agents->items[i])->agent);
    }
}

/* route_later: the call dispatches next (a completion), so the freed agent
 * may be routed before it is indexed (oq__agent_reindex_later). */
static void release(oq_engine *e, oq_contact *c, int route_later)
{
    oq_agent *a = c->svc->agent;
    oq_queue *q = c->queue;
    int64_t room = oq__svc_agent_room(a);
    if (c->link_prev)
        c->link_prev->link_next = c->link_next;
    else
        a->held = c->link_next;
    if (c->link_next)
        c->link_next->link_prev = c->link_prev;
    c->link_prev = c->link_next = NULL;
    a->used -= c->svc->cost;
    a->ch_count[c->channel]--;
    a->n_exclusive -= c->svc->exclusive;
    switch (c->state) {
    case OQ_CONTACT_OFFERED:
        a->n_offered--;
        q->n_offered--;
        e->n_offered--;
        break;
    case OQ_CONTACT_ACTIVE:
        a->n_active--;
        q->n_active--;
        e->n_active--;
        break;
    default: /* OQ_CONTACT_WRAPUP */
        a->n_wrapup--;
        q->n_active--;
        e->n_wrapup--;
        break;
    }
    a->last_activity = e->now;
    if (!q->outbound)
        a->last_inbound = e->now;
    e->svc_room += oq__svc_agent_room(a) - room;
    oq__ctimer_cancel(e, c, OQ_CT_SERVICE); /* every caller did: the slot lives in the block */
    oq__svc_give(e, c);
    if (route_later)
        oq__agent_reindex_later(e, a);
    else
        oq__agent_reindex(e, a);
    oq__agent_refresh(e, a);
    oq__mark_agent(e, a);
}

void oq__contact_release(oq_engine *e, oq_contact *c) { release(e, c, 0); }

void oq__contact_detach(oq_engine *e, oq_contact *c)
{
    if (c->state == OQ_CONTACT_QUEUED) {
        oq__contact_dequeue(e, c);
    } else if (c->state != OQ_CONTACT_PARKED) {
        oq__ctimer_cancel(e, c, OQ_CT_SERVICE);
        oq__contact_release(e, c);
    }
}

static void unlink_dirty(oq_engine *e, oq_contact *c)
{
    oq_contact *prev = NULL;
    for (oq_contact *x = e->dirty_contacts; x; prev = x, x = x->dirty_next) {
        if (x != c)
            continue;
        if (prev)
            prev->dirty_next = x->dirty_next;
        else
            e->dirty_contacts = x->dirty_next;
        if (e->dirty_contacts_tail == x)
            e->dirty_contacts_tail = prev;
        return;
    }
}

/* Spare contact records (issue #22: the simulator's hosts create and finish
 * contacts by the million, and each cost an allocation and a free of the
 * record and its id). A destroyed contact's record is kept for a later
 * arrival, with its id buffer (reused when the next id has the same length,
 * as a host's numbered ids mostly do); its ext block goes to the spare ext
 * blocks (above). At most OQ_SPARE_CONTACTS_MAX records are kept - what they
 * hold is bounded (each a record and an id of fewer than OQ_SPARE_ID_MAX
 * bytes) and never more than the engine held at its peak;
 * oq_engine_destroy frees them. Taking a spare and giving it back
 * changes nothing anyone can see, so a call that fails after taking one
 * still changes nothing. Linked through dirty_next (a spare record is in no
 * list). */
#define OQ_SPARE_ID_MAX 32

/* A zeroed record whose id is a copy of `id` (c->id NULL if that copy
 * failed), or NULL. */
static oq_contact *contact_new(oq_engine *e, const char *id, size_t len)
{
    oq_contact *c = e->spare_contacts;
    if (!c) {
        c = oq__calloc(&e->mem, 1, sizeof *c);
        if (c)
            c->id = oq__strndup(&e->mem, id, len);
        return c;
    }
    e->spare_contacts = c->dirty_next;
    e->n_spare_contacts--;
    char *kept = c->id;
    memset(c, 0, sizeof *c);
    if (kept && strlen(kept) == len) {
        memcpy(kept, id, len);
        c->id = kept;
    } else {
        oq__strfree(&e->mem, kept);
        c->id = oq__strndup(&e->mem, id, len);
    }
    return c;
}

/* Give back a record whose customer, extra and history are already freed
 * (its ext block goes to the spare blocks here). */
static void contact_spare(oq_engine *e, oq_contact *c)
{
    oq__contact_ext_give_back(e, c);
    if (e->n_spare_contacts >= OQ_SPARE_CONTACTS_MAX) {
        oq__strfree(&e->mem, c->id);
        oq__free(&e->mem, c, sizeof *c);
        return;
    }
    if (c->id && strlen(c->id) >= OQ_SPARE_ID_MAX) {
        oq__strfree(&e->mem, c->id);
        c->id = NULL;
    }
    c->dirty_next = e->spare_contacts;
    e->spare_contacts = c;
    e->n_spare_contacts++;
}

void oq__contact_spares_free(oq_engine *e)
{
    while (e->spare_contacts) {
        oq_contact *c = e->spare_contacts;
        e->spare_contacts = c->dirty_next;
        oq__strfree(&e->mem, c->id);
        oq__free(&e->mem, c, sizeof *c);
    }
    e->n_spare_contacts = 0;
    while (e->spare_ext) {
        oq_contact_ext *x = e->spare_ext;
        e->spare_ext = ext_next(x);
        ext_destroy(e, x);
    }
    e->n_spare_ext = 0;
}

void oq__contact_destroy(oq_engine *e, oq_contact *c)
{
    oq__ctimer_cancel(e, c, OQ_CT_SERVICE);
    oq__ctimer_cancel(e, c, OQ_CT_WAIT);
    oq__ctimer_cancel(e, c, OQ_CT_DUE);
    if (c->dirty)
        unlink_dirty(e, c);
    oq__parked_forget(e, c);
    oq__history_free(e, c);
    oq__idtable_del_obj(&e->contact_ids, c);
    for (int32_t i = 0; i < c->n_req + c->n_pref; i++)
        e->skills[c->extra[i].skill]->refs--;
    e->channels[c->channel]->n_contacts--;
    c->queue->lanes[c->lane].reserved--;
    e->n_contacts--;
    oq__strfree(&e->mem, c->customer);
    oq__free(&e->mem, c->extra, (size_t)(c->n_req + c->n_pref) * sizeof *c->extra);
    contact_spare(e, c);
}

/* The agent let an offer pass (time-out) or refused it: back-off delays and
 * the no-answer count (FreeSWITCH max-no-answer, Asterisk autopause). */
static void note_miss(oq_engine *e, oq_agent *a, int timed_out)
{
    int64_t delay = timed_out ? a->no_answer_delay_ms : a->reject_delay_ms;
    if (delay > 0) {
        a->blocked_until = oq__add_ms(e->now, delay);
        oq__agent_schedule(e, a);
    }
    if (timed_out)
        a->missed_in_row++;
}

void oq__offer_expired(oq_engine *e, oq_contact *c)
{
    oq_agent *a = c->svc->agent;
    oq__contact_event(e, c, OQ_EV_OFFER_TIMEOUT, NULL);
    add_timeout_reject(e, c, a);
    note_miss(e, a, 1);
    if (oq__contact_pref_agent(e, c) == a)
        c->ext->pref_until = 0; /* its preferred agent let it go: anyone may serve it now */
    int paused = 0;
    if ((c->queue->timeout_not_ready || (a->max_no_answer > 0 && a->missed_in_row >= a->max_no_answer)) &&
        a->presence == OQ_AGENT_READY) {
        /* Like app_queue autopause / mod_callcenter max-no-answer: an agent
         * who does not answer stops receiving work until set ready again. */
        char *reason = oq__soft_try(e) ? oq__strndup(&e->mem, "no answer", 9) : NULL;
        if (!reason)
            oq__soft_failed(e); /* absorbed: the agent is not paused (journaled) */
        if (reason) {
            oq__strfree(&e->mem, a->nr_reason);
            a->nr_reason = reason;
            oq__agent_set_presence(e, a, OQ_AGENT_NOT_READY);
            paused = 1;
        }
    }
    oq__contact_release(e, c);
    oq__contact_enqueue(e, c);
    oq__mark_contact(e, c);
    oq__wait_resume(e, c);
    if (paused) { /* its other offers ringing go back too, and nothing waits for it */
        oq__offers_withdraw(e, a, OQ_WITHDRAWN_NOT_READY, 1);
        oq__agent_end_reservations(e, a);
    }
}

void oq__offer_withdraw(oq_engine *e, oq_contact *c, const char *why)
{
    oq__contact_event(e, c, OQ_EV_CONTACT_QUEUED, why); /* still names the agent */
    oq__ctimer_cancel(e, c, OQ_CT_SERVICE);
    oq__contact_release(e, c);
    oq__contact_enqueue(e, c);
    oq__mark_contact(e, c);
    oq__wait_resume(e, c);
}

void oq__offers_withdraw(oq_engine *e, oq_agent *a, const char *why, int unless_kept)
{
    for (oq_contact *c = a->held, *next; c; c = next) {
        next = c->link_next;
        if (c->state == OQ_CONTACT_OFFERED && !(unless_kept && c->queue->keep_offer_on_not_ready))
            oq__offer_withdraw(e, c, why);
    }
}

static void complete_now(oq_engine *e, oq_contact *c)
{
    oq_queue *q = c->queue;
    double handle_s = (double)(e->now - c->svc->assigned_at) / 1000.0;
    /* Recent handle time for wait estimates: an exponential average. */
    q->aht_ema_s = q->n_completed ? q->aht_ema_s + 0.2 * (handle_s - q->aht_ema_s) : handle_s;
    q->n_completed++;
    oq__contact_event(e, c, OQ_EV_COMPLETED, NULL);
    c->svc->agent->handled++;
    release(e, c, 1); /* every path here dispatches next */
    oq__contact_destroy(e, c);
}

void oq__wrapup_expired(oq_engine *e, oq_contact *c) { complete_now(e, c); }

/* ---- the public contact calls ------------------------------------------ */

const char *oq_contact_state_name(int32_t state)
{
    switch (state) {
    case OQ_CONTACT_QUEUED: return "queued";
    case OQ_CONTACT_OFFERED: return "offered";
    case OQ_CONTACT_ACTIVE: return "active";
    case OQ_CONTACT_WRAPUP: return "wrapup";
    case OQ_CONTACT_PARKED: return "parked";
    default: return "unknown";
    }
}

void oq_contact_spec_init(oq_contact_spec *spec)
{
    if (!spec)
        return;
    memset(spec, 0, sizeof *spec);
    spec->struct_size = sizeof *spec;
}

/* Resolve a list of (skill id, level) into `out`; names the field at fault. */
static oq_status resolve_skills(oq_engine *e, const char *cid, const char *field, int32_t n,
                                const char *const *ids, const int32_t *levels, oq_skill_level *out)
{
    if (n < 0 || n > OQ_CONTACT_SKILLS_MAX)
        return oq__fail(e, OQ_EINVAL, "contact '%s': n_%s must be 0..%d, got %d", cid, field,
                        OQ_CONTACT_SKILLS_MAX, n);
    if (n > 0 && (!ids || !levels))
        return oq__fail(e, OQ_EINVAL, "contact '%s': %s_skills/%s_levels are NULL", cid, field,
                        field);
    for (int32_t i = 0; i < n; i++) {
        char name[48];
        snprintf(name, sizeof name, "%s_skills[%d]", field, i);
        oq_skill *s = NULL;
        oq_status st = oq__find_skill(e, name, ids[i], &s);
        if (st != OQ_OK)
            return st;
        if (levels[i] < 1 || levels[i] > s->max_level)
            return oq__fail(e, OQ_EINVAL, "contact '%s': %s_levels[%d] for skill '%s' must be 1..%d, got %d",
                            cid, field, i, ids[i], s->max_level, levels[i]);
        out[i].skill = s->idx;
        out[i].level = levels[i];
    }
    return OQ_OK;
}

oq_status oq_contact_arrive(oq_engine *e, int64_t now_ms, const oq_contact_spec *s)
{
    oq_contact_spec spec_full; /* the caller's spec over the defaults: core.h, versioned structs */
    oq_status st = OQ__SPEC_IN(e, &spec_full, s, oq_contact_spec, id);
    if (st != OQ_OK)
        return st;
    s = &spec_full;
    OQ_RECORDED(e, CONTACT_ARRIVE, oq_contact_arrive, now_ms, s);
    st = oq__enter_at(e, now_ms);
    if (st != OQ_OK)
        return st;
    oq_channel *ch = NULL;
    oq_queue *q = NULL;
    oq_agent *pa = NULL;
    if ((st = oq__check_id(e, "contact.id", s->id)) != OQ_OK ||
        (st = oq__find_channel(e, "contact.channel", s->channel, &ch)) != OQ_OK ||
        (st = oq__find_queue(e, "contact.queue", s->queue, &q)) != OQ_OK)
        return st;
    if (s->customer && (st = oq__check_id(e, "contact.customer", s->customer)) != OQ_OK)
        return st;
    if (s->preferred_agent &&
        (st = oq__find_agent(e, "contact.preferred_agent", s->preferred_agent, &pa)) != OQ_OK)
        return st;
    if (s->priority < -OQ_PRIORITY_MAX || s->priority > OQ_PRIORITY_MAX)
        return oq__fail(e, OQ_EINVAL, "contact '%s': priority must be within +-%d, got %d", s->id,
                        OQ_PRIORITY_MAX, s->priority);
    if (s->deadline_ms < 0)
        return oq__fail(e, OQ_EINVAL, "contact '%s': deadline_ms must be >= 0 (0 = none)", s->id);
    if (!isfinite(s->preferred_wait_s) || s->preferred_wait_s < 0 || s->preferred_wait_s > 9.0e12)
        return oq__fail(e, OQ_EINVAL, "contact '%s': preferred_wait_s must be a finite number >= 0", s->id);
    if (s->preferred_wait_s > 0 && !pa)
        return oq__fail(e, OQ_EINVAL, "contact '%s': preferred_wait_s needs a preferred_agent", s->id);
    oq_skill_level extra[2 * OQ_CONTACT_SKILLS_MAX];
    if ((st = resolve_skills(e, s->id, "required", s->n_required, s->required_skills,
                             s->required_levels, extra)) != OQ_OK ||
        (st = resolve_skills(e, s->id, "preferred", s->n_preferred, s->preferred_skills,
                             s->preferred_levels, extra + s->n_required)) != OQ_OK)
        return st;
    int32_t l = oq__queue_lane(q, ch->idx);
    if (l < 0)
        return oq__fail(e, OQ_ESTATE, "contact '%s': queue '%s' does not accept channel '%s'",
                        s->id, s->queue, s->channel);
    if (oq__idtable_get(&e->contact_ids, s->id))
        return oq__fail(e, OQ_EEXIST, "contact '%s' already exists", s->id);
    const char *refusal = NULL;
    int full = q->max_length > 0 && q->n_queued >= q->max_length;
    int32_t cb_lane = q->callback_channel >= 0 ? oq__queue_lane(q, q->callback_channel) : -1;
    /* Over the limit with OQ_LIMIT_CALLBACK_KEEP_PLACE: it becomes a kept-place callback. */
    int keep_place = full && q->limit_action == OQ_LIMIT_CALLBACK_KEEP_PLACE && cb_lane >= 0;
    int closed = !oq__queue_open(e, q);
    if (closed && q->closed_action == OQ_CLOSED_REJECT)
        refusal = OQ_CLOSED_DETAIL;
    else if (q->refuse_if_no_agents && oq__queue_staffed(q, q->n_tiers - 1) == 0)
        refusal = "no agent logged in";
    else if (full && (q->limit_action == OQ_LIMIT_REJECT ||
                      (q->limit_action == OQ_LIMIT_CALLBACK_KEEP_PLACE && !keep_place)))
        refusal = "queue full";
    if (refusal) {
        oq_event ev = {0};
        ev.type = OQ_EV_QUEUE_REJECTED;
        ev.time_ms = e->now;
        ev.contact = s->id;
        ev.queue = q->id;
        ev.channel = ch->id;
        ev.detail = refusal;
        ev.priority = s->priority;
        oq__emit(e, &ev, NULL, NULL);
        return OQ_OK;
    }

    int64_t pref_wait_ms = oq__ms(s->preferred_wait_s);
    if (!pa && s->customer) { /* last-agent routing: the agent who served this customer last */
        pa = oq__last_agent_for(e, s->customer, q);
        pref_wait_ms = q->last_agent_wait_ms;
    }
    /* The ext block now if it will ever be needed for what is set only here
     * (types.h): the ladder and the deadline's timer never allocate. */
    int need_ext = pa || s->deadline_ms > 0 || s->n_preferred > 0;
    int32_t n_extra = s->n_required + s->n_preferred;
    oq_lane *lane = &q->lanes[l];
    oq_contact *c = contact_new(e, s->id, strlen(s->id));
    if (c) {
        c->customer = s->customer ? oq__strndup(&e->mem, s->customer, strlen(s->customer)) : NULL;
        c->extra = n_extra ? oq__alloc(&e->mem, (size_t)n_extra * sizeof *c->extra) : NULL;
    }
    /* Reserve every slot this contact may ever need in a heap, so no later
     * step of its life can fail for memory. */
    if (c) {
        c->queue = q; /* for its history's first entry */
        c->arrived = e->now;
    }
    oq_lane *cbl = keep_place ? &q->lanes[cb_lane] : NULL;
    /* Moved on at once (closed, or over the limit, with an overflow or
     * callback action): its place there and the history entry of the move
     * are reserved too, so the move cannot fail for memory after the
     * arrival has been reported. */
    oq_queue *mq = NULL;
    int32_t mch = -1;
    if (closed && (q->closed_action == OQ_CLOSED_OVERFLOW || q->closed_action == OQ_CLOSED_CALLBACK)) {
        mq = e->queues[q->closed_queue];
        mch = q->closed_action == OQ_CLOSED_CALLBACK ? q->callback_channel : ch->idx;
    } else if (!keep_place && full &&
               (q->limit_action == OQ_LIMIT_OVERFLOW || q->limit_action == OQ_LIMIT_CALLBACK)) {
        mq = e->queues[q->limit_queue];
        mch = q->limit_action == OQ_LIMIT_CALLBACK ? q->callback_channel : ch->idx;
    }
    int32_t ml = mq && mch >= 0 ? oq__queue_lane(mq, mch) : -1;
    oq_lane *mvl = ml >= 0 ? &mq->lanes[ml] : NULL;
    if (!c || !c->id || (s->customer && !c->customer) || (n_extra && !c->extra) ||
        (need_ext && !oq__contact_ext(e, c)) || !oq__heap_reserve(&lane->contacts, &e->mem, lane->reserved + 1) ||
        (cbl && !oq__heap_reserve(&cbl->contacts, &e->mem, cbl->reserved + 1)) ||
        (mvl && !oq__heap_reserve(&mvl->contacts, &e->mem, mvl->reserved + 1)) ||
        ((keep_place || mvl) && !oq__history_reserve(e, c, 1)) || !oq__reserve_timers(e, 1, 0) ||
        !oq__svc_reserve(e, 1, 0) /* a service block for its offer (svc.c) */ ||
        !oq__idtable_put(&e->contact_ids, c)) {
        if (c) {
            oq__history_free(e, c);
            oq__strfree(&e->mem, c->customer);
            oq__free(&e->mem, c->extra, (size_t)n_extra * sizeof *c->extra);
            contact_spare(e, c); /* back where it came from: nothing changed */
        }
        return oq__fail(e, OQ_ENOMEM, "contact '%s': out of memory", s->id);
    }
    if (n_extra)
        memcpy(c->extra, extra, (size_t)n_extra * sizeof *c->extra);
    for (int32_t i = 0; i < n_extra; i++)
        e->skills[extra[i].skill]->refs++;
    c->n_req = s->n_required;
    c->n_pref = s->n_preferred;
    c->seq = e->next_contact_seq++;
    c->arrived = c->enqueued = e->now;
    /* A customer back within the abandon-resume window takes its old place. */
    oq__resume_take(e, s->customer, q, &c->seq, &c->enqueued);
    c->channel = ch->idx;
    c->queue = q;
    c->lane = l;
    c->heap_pos = -1;
    c->priority = s->priority;
    if (s->deadline_ms > 0)
        c->ext->deadline = s->deadline_ms; /* need_ext made the block */
    if (pa) {
        c->ext->pref_agent_idx = pa->idx;
        c->ext->pref_agent_seq = pa->seq;
        c->ext->pref_until = pref_wait_ms > 0 ? oq__add_ms(e->now, pref_wait_ms) : 0;
    }
    c->t_pos = -1;
    ch->n_contacts++;
    lane->reserved++;
    e->n_contacts++;
    oq__contact_enqueue(e, c);
    oq__contact_event(e, c, OQ_EV_CONTACT_QUEUED, NULL);
    oq__mark_contact(e, c);
    oq__wait_start(e, c);
    oq__deadline_schedule(e, c);
    if (closed && (q->closed_action == OQ_CLOSED_OVERFLOW || q->closed_action == OQ_CLOSED_CALLBACK)) {
        /* After hours: send it where the queue's closed action says (it stays
         * here when that queue does not take its channel). */
        int cb = q->closed_action == OQ_CLOSED_CALLBACK;
        oq_queue *t = e->queues[q->closed_queue];
        int32_t target_ch = cb ? q->callback_channel : c->channel;
        if (oq__queue_lane(t, target_ch) >= 0)
            oq__contact_move(e, c, t, target_ch, 1, OQ_EV_OVERFLOWED,
                             cb ? OQ_CLOSED_CALLBACK_DETAIL : OQ_CLOSED_DETAIL);
    } else if (keep_place) {
        oq__keep_place_apply(e, c, "queue full");
    } else if (q->max_length > 0 && q->n_queued > q->max_length &&
               (q->limit_action == OQ_LIMIT_OVERFLOW || q->limit_action == OQ_LIMIT_CALLBACK)) {
        /* Over the limit with an overflow or callback action: send it on. */
        oq_queue *t = e->queues[q->limit_queue];
        int32_t target_ch = q->limit_action == OQ_LIMIT_CALLBACK ? q->callback_channel : c->channel;
        if (oq__queue_lane(t, target_ch) >= 0) /* reserved above: cannot fail */
            oq__contact_move(e, c, t, target_ch, 1, OQ_EV_OVERFLOWED,
                             q->limit_action == OQ_LIMIT_CALLBACK ? "callback" : "queue full");
    }
    oq__dispatch(e);
    return OQ_OK;
}

/* Shared by accept and reject: the contact must be offered to that agent. */
static oq_status find_offer(oq_engine *e, int64_t now_ms, const char *contact, const char *agent,
                            oq_contact **out_c, oq_agent **out_a)
{
    oq_status st = oq__contact_at(e, now_ms, contact, out_c);
    if (st != OQ_OK)
        return st;
    /* Nearly always the agent named is the one offered: ids are unique, so
     * an equal id is that agent, found without the table (issue #22: a
     * lookup per accept); anything else is looked up as before. */
    const oq_agent *offered = oq__c_agent(*out_c);
    if (agent && offered && strcmp(offered->id, agent) == 0)
        *out_a = (oq_agent *)offered;
    else
        st = oq__find_agent(e, "agent", agent, out_a);
    if (st != OQ_OK)
        return st;
    oq_contact *c = *out_c;
    if (c->state != OQ_CONTACT_OFFERED || oq__c_agent(c) != *out_a) {
        if (oq__contact_rejected_by(e, c, *out_a))
            return oq__fail(e, OQ_ESTATE,
                            "contact '%s': its offer to agent '%s' already timed out or was rejected",
                            contact, agent);
        return oq__fail(e, OQ_ESTATE, "contact '%s' is %s and not offered to agent '%s'", contact,
                        oq_contact_state_name(c->state), agent);
    }
    return OQ_OK;
}

oq_status oq_offer_accept(oq_engine *e, int64_t now_ms, const char *contact, const char *agent)
{
    OQ_RECORDED(e, OFFER_ACCEPT, oq_offer_accept, now_ms, contact, agent);
    oq_contact *c = NULL;
    oq_agent *a = NULL;
    oq_status st = find_offer(e, now_ms, contact, agent, &c, &a);
    if (st != OQ_OK)
        return st;
    if (!oq__last_agent_reserve(e, c))
        return oq__fail(e, OQ_ENOMEM, "contact '%s': out of memory", contact);
    if (!oq__history_reserve(e, c, 1)) {
        oq__last_agent_unreserve(e, c);
        return oq__fail(e, OQ_ENOMEM, "contact '%s': out of memory", contact);
    }
    oq__history_add(e, c, OQ_EV_ASSIGNED, a, OQ_DETAIL_NONE, NULL);
    oq__last_agent_note(e, c, a);
    oq__ctimer_cancel(e, c, OQ_CT_SERVICE);
    oq__ctimer_cancel(e, c, OQ_CT_WAIT); /* answered: no more escalation */
    oq__ctimer_cancel(e, c, OQ_CT_DUE);  /* replied: the deadline is met */
    c->deadline_stage = 2;
    oq__pref_until_clear(c);
    c->state = OQ_CONTACT_ACTIVE;
    c->svc->assigned_at = e->now;
    c->queue->sl_met += oq__queue_elapsed(e, c->queue, c->arrived, e->now) <=
                        (int64_t)(c->queue->sla_threshold_s * 1000.0 + 0.5);
    c->queue->sl_total++;
    a->missed_in_row = 0;
    oq__sl_changed(e, c->queue);
    a->n_offered--;
    a->n_active++;
    c->queue->n_offered--;
    c->queue->n_active++;
    e->n_offered--;
    e->n_active++;
    oq_member *m = oq__member_of(a, c->queue);
    if (m)
        m->taken++;
    oq__contact_event(e, c, OQ_EV_ASSIGNED, NULL);
    /* No full reindex (issue #22): the offer already set everything that
     * decides the agent's lanes (capacity used, channel counts, exclusive
     * holds: oq__agent_can_take) and keys (idle time, round-robin and random
     * keys), and the clock moved (oq__enter_at) with its timers reindexing
     * whom they woke. Accepting moves one key: this member's taken count,
     * which orders its own queue's lanes under fewest-handled only. An agent
     * still marked (reindex_due: never between calls, see oq_engine_check)
     * gets the full reindex it is owed. */
    if (a->reindex_due)
        oq__agent_reindex(e, a);
    else if (m && c->queue->strategy == OQ_STRATEGY_FEWEST_HANDLED)
        oq__member_resort(e, m);
    oq__agent_refresh(e, a);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_offer_reject(oq_engine *e, int64_t now_ms, const char *contact, const char *agent)
{
    OQ_RECORDED(e, OFFER_REJECT, oq_offer_reject, now_ms, contact, agent);
    oq_contact *c = NULL;
    oq_agent *a = NULL;
    oq_status st = find_offer(e, now_ms, contact, agent, &c, &a);
    if (st != OQ_OK)
        return st;
    /* The reject may take one slot more; keep one beyond it for the next
     * offer (an ext block made for them is given back if that fails:
     * nothing changed). */
    int new_ext = !c->ext;
    if (!oq__exclusion_room(e, c, 2)) {
        if (new_ext)
            oq__contact_ext_give_back(e, c);
        return oq__fail(e, OQ_ENOMEM, "contact '%s': out of memory", contact);
    }
    oq__contact_event(e, c, OQ_EV_OFFER_REJECTED, NULL);
    oq__ctimer_cancel(e, c, OQ_CT_SERVICE);
    add_reject(e, c, a);
    note_miss(e, a, 0);
    if (oq__contact_pref_agent(e, c) == a)
        c->ext->pref_until = 0; /* its preferred agent said no: anyone may serve it now */
    oq__contact_release(e, c);
    oq__contact_enqueue(e, c);
    oq__mark_contact(e, c);
    oq__wait_resume(e, c);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_contact_abandon(oq_engine *e, int64_t now_ms, const char *contact)
{
    OQ_RECORDED(e, CONTACT_ABANDON, oq_contact_abandon, now_ms, contact);
    oq_contact *c = NULL;
    oq_status st = oq__contact_at(e, now_ms, contact, &c);
    if (st != OQ_OK)
        return st;
    if (c->state != OQ_CONTACT_QUEUED && c->state != OQ_CONTACT_OFFERED)
        return oq__fail(e, OQ_ESTATE, "contact '%s' is %s: only a queued or offered contact can be abandoned",
                        contact, oq_contact_state_name(c->state));
    oq__contact_event(e, c, OQ_EV_ABANDONED, NULL);
    c->queue->sl_total++;
    oq__sl_changed(e, c->queue);
    oq__resume_keep(e, c);
    if (c->state == OQ_CONTACT_QUEUED)
        oq__contact_dequeue(e, c);
    else
        oq__contact_release(e, c);
    oq__contact_destroy(e, c);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_contact_complete(oq_engine *e, int64_t now_ms, const char *contact)
{
    OQ_RECORDED(e, CONTACT_COMPLETE, oq_contact_complete, now_ms, contact);
    oq_contact *c = NULL;
    oq_status st = oq__contact_at(e, now_ms, contact, &c);
    if (st != OQ_OK)
        return st;
    if (c->state != OQ_CONTACT_ACTIVE)
        return oq__fail(e, OQ_ESTATE, "contact '%s' is %s: only an active contact can be completed",
                        contact, oq_contact_state_name(c->state));
    if (c->queue->wrapup_s > 0) {
        oq_agent *a = c->svc->agent;
        c->state = OQ_CONTACT_WRAPUP;
        c->svc->wrapup_at = e->now;
        a->n_active--;
        a->n_wrapup++;
        e->n_active--;
        e->n_wrapup++;
        oq__ctimer_arm(e, c, OQ_CT_SERVICE, oq__add_ms(e->now, oq__ms(c->queue->wrapup_s)), OQ_TIMER_WRAPUP);
        oq__contact_event(e, c, OQ_EV_WRAPUP_STARTED, NULL);
        oq__agent_refresh(e, a);
    } else {
        complete_now(e, c);
    }
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_contact_transfer(oq_engine *e, int64_t now_ms, const char *contact, const char *queue)
{
    OQ_RECORDED(e, CONTACT_TRANSFER, oq_contact_transfer, now_ms, contact, queue);
    oq_contact *c = NULL;
    oq_queue *q = NULL;
    oq_status st = oq__contact_at(e, now_ms, contact, &c);
    if (st == OQ_OK)
        st = oq__find_queue(e, "queue", queue, &q);
    if (st != OQ_OK)
        return st;
    if (c->state == OQ_CONTACT_WRAPUP || c->state == OQ_CONTACT_PARKED)
        return oq__fail(e, OQ_ESTATE, "contact '%s' is %s: reopen or finish it instead", contact,
                        oq_contact_state_name(c->state));
    if ((st = oq__relocate(e, c, q, NULL)) != OQ_OK)
        return st;
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_contact_request_callback(oq_engine *e, int64_t now_ms, const char *contact)
{
    OQ_RECORDED(e, CONTACT_CALLBACK, oq_contact_request_callback, now_ms, contact);
    oq_contact *c = NULL;
    oq_status st = oq__contact_at(e, now_ms, contact, &c);
    if (st != OQ_OK)
        return st;
    const oq_queue *q = c->queue;
    if (c->state != OQ_CONTACT_QUEUED && c->state != OQ_CONTACT_OFFERED)
        return oq__fail(e, OQ_ESTATE, "contact '%s' is %s: only a waiting (queued or offered) contact can ask for a callback",
                        contact, oq_contact_state_name(c->state));
    if (c->flags & OQ_CF_CALLBACK)
        return oq__fail(e, OQ_ESTATE, "contact '%s' is a callback already", contact);
    st = oq__keep_place_reserve(e, c);
    if (st == OQ_ESTATE)
        return oq__fail(e, st, "contact '%s': queue '%s' has no callback_channel it accepts", contact,
                        q->id);
    if (st != OQ_OK)
        return oq__fail(e, st, "contact '%s': out of memory", contact);
    if (c->state == OQ_CONTACT_OFFERED)
        oq__offer_withdraw(e, c, "offer withdrawn: callback requested");
    oq__keep_place_apply(e, c, OQ_REQUESTED);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_contact_set_priority(oq_engine *e, int64_t now_ms, const char *contact,
                                  int32_t priority)
{
    OQ_RECORDED(e, CONTACT_SET_PRIORITY, oq_contact_set_priority, now_ms, contact, priority);
    oq_contact *c = NULL;
    oq_status st = oq__contact_at(e, now_ms, contact, &c);
    if (st != OQ_OK)
        return st;
    if (priority < -OQ_PRIORITY_MAX || priority > OQ_PRIORITY_MAX)
        return oq__fail(e, OQ_EINVAL, "contact '%s': priority must be within +-%d, got %d", contact,
                        OQ_PRIORITY_MAX, priority);
    oq__contact_reprioritize(c, priority);
    oq__contact_event(e, c, OQ_EV_PRIORITY_CHANGED, NULL);
    return OQ_OK;
}

oq_status oq_contact_remove(oq_engine *e, int64_t now_ms, const char *contact)
{
    OQ_RECORDED(e, CONTACT_REMOVE, oq_contact_remove, now_ms, contact);
    oq_contact *c = NULL;
    oq_status st = oq__contact_at(e, now_ms, contact, &c);
    if (st != OQ_OK)
        return st;
    oq__contact_event(e, c, OQ_EV_REMOVED, NULL);
    oq__contact_detach(e, c);
    oq__contact_destroy(e, c);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_contact_get(const oq_engine *e, const char *id, oq_contact_info *caller)
{
    if (!e)
        return OQ_EINVAL;
    oq_status st = OQ__OUT_CHECK(e, caller, oq_contact_info, state);
    if (st != OQ_OK)
        return st;
    const oq_contact *c = NULL;
    st = oq__lookup_contact(e, "contact", id, &c);
    if (st != OQ_OK)
        return st;
    oq_contact_info full, *out = &full; /* written whole, handed over as far as the caller's fits */
    memset(out, 0, sizeof *out);
    out->state = c->state;
    out->priority = c->priority;
    out->arrived_ms = c->arrived;
    out->enqueued_ms = c->enqueued;
    out->deadline_ms = oq__c_deadline(c);
    out->n_rejected = oq__contact_excluded(e, c);
    out->n_offers = c->n_offers;
    out->queue = c->queue->id;
    out->channel = e->channels[c->channel]->id;
    out->agent = oq__c_agent(c) ? oq__c_agent(c)->id : NULL;
    out->customer = c->customer;
    const oq_agent *pa = oq__contact_pref_agent(e, c);
    out->preferred_agent = pa ? pa->id : NULL;
    out->reserved_until_ms = c->state == OQ_CONTACT_QUEUED ? oq__pref_until(c) : 0;
    out->kept_place_callback = (c->flags & OQ_CF_CALLBACK) != 0;
    oq__output_copy(caller, out, sizeof *out);
    return OQ_OK;
}
