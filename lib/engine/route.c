/* SPDX-License-Identifier: MIT */
/* The matching engine. Any change that might allow a new offer marks the
 * contact or agent concerned; oq__dispatch() then routes the marked contacts
 * (each to the best agent available for it) and the marked agents (each to
 * the best contact among its queues' lane heads) until nothing more matches.
 * So between calls no waiting contact could be offered to an available agent. */
#include "engine/internal.h"

#include <math.h>

void oq__mark_agent(oq_engine *e, oq_agent *a)
{
    if (a->dirty)
        return;
    a->dirty = 1;
    a->dirty_next = NULL;
    if (e->dirty_agents_tail)
        e->dirty_agents_tail->dirty_next = a;
    else
        e->dirty_agents = a;
    e->dirty_agents_tail = a;
}

void oq__mark_contact(oq_engine *e, oq_contact *c)
{
    if (c->dirty)
        return;
    c->dirty = 1;
    c->dirty_next = NULL;
    if (e->dirty_contacts_tail)
        e->dirty_contacts_tail->dirty_next = c;
    else
        e->dirty_contacts = c;
    e->dirty_contacts_tail = c;
}

void oq__mark_all_agents(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i])
            oq__mark_agent(e, e->agents[i]);
}

static int blend_allows(const oq_engine *e, const oq_contact *c, const oq_agent *a);

/* The conditions of oq__agent_fits that time alone does not change: tier,
 * offers used up, the contact's own skills, outbound blending. */
static inline int fits_beyond_time(const oq_engine *e, const oq_contact *c, const oq_member *m,
                                   int with_preferred)
{
    const oq_agent *a = m->agent;
    if (m->first_tier > c->tier)
        return 0;
    if (c->queue->max_offers > 0 && c->offers_here >= c->queue->max_offers)
        return 0; /* its queue's limit action is due (waiting.c) */
    for (int32_t i = 0; i < c->n_req + c->n_pref; i++) {
        int32_t k = i - c->n_req;
        if (k >= 0 && !with_preferred && !((oq__pref_hold(c) >> k) & 1u))
            continue;
        if (oq__level_of(a->skills, a->n_skills, c->extra[i].skill) < c->extra[i].level)
            return 0;
    }
    return !c->queue->outbound || blend_allows(e, c, a);
}

/* Does a time-bound condition keep the member's agent from the contact now
 * (the profile delay, a reservation for another agent, an exclusion after a
 * missed offer)? If so, *until is when the last of them ends (INT64_MAX:
 * never, as at the end of time). */
static inline int held_back(const oq_engine *e, const oq_contact *c, const oq_member *m, int64_t *until)
{
    const oq_agent *a = m->agent;
    int held = 0;
    *until = e->now;
    if (m->delay_ms > 0 && e->now - c->entered < m->delay_ms) {
        held = 1; /* its profile takes this queue's contacts only later */
        *until = oq__add_ms(c->entered, m->delay_ms);
    }
    int64_t pref_until = oq__pref_until(c);
    if (pref_until > e->now) {
        const oq_agent *pa = oq__contact_pref_agent(e, c);
        if (pa && pa != a) {
            held = 1; /* still reserved for its preferred agent */
            if (pref_until > *until)
                *until = pref_until;
        }
    }
    const oq_contact_ext *ext = c->ext;
    for (int32_t i = 0; ext && i < ext->n_rejects; i++) {
        const oq_exclusion *x = &ext->rejects[i];
        if (x->agent_seq == a->seq && oq__exclusion_active(e, x)) {
            held = 1;
            if (x->until > *until)
                *until = x->until;
        }
    }
    return held;
}

int oq__agent_fits(const oq_engine *e, const oq_contact *c, const oq_member *m, int with_preferred)
{
    int64_t until;
    return m->first_tier <= c->tier && !held_back(e, c, m, &until) &&
           fits_beyond_time(e, c, m, with_preferred);
}

int64_t oq__agent_fits_at(const oq_engine *e, const oq_contact *c, const oq_member *m)
{
    int64_t until;
    if (!fits_beyond_time(e, c, m, 0))
        return INT64_MAX;
    return held_back(e, c, m, &until) ? until : e->now;
}

/* The predicates count the items a decision looks at (e->route_visits
 * through `visits`: an operation count for tests, see sigindex.c). */
typedef struct agent_pred {
    const oq_engine *e;
    const oq_contact *contact;
    int with_preferred;
    uint64_t *visits;
} agent_pred;

static int accept_agent(const void *item, const void *ctx)
{
    const agent_pred *p = ctx;
    ++*p->visits;
    return oq__agent_fits(p->e, p->contact, item, p->with_preferred);
}

/* Never meets an agent whose reindex is due: those exist only between a
 * completion and the end of the dispatch that routes them, and no skip rule
 * (the caller) is evaluated there — timers fire only once no agent is
 * marked. */
int oq__contact_has_taker(const oq_engine *e, const oq_contact *c)
{
    if (oq__sig_nobody(e, c))
        return 0; /* no available agent of its lane qualifies */
    const oq_queue *q = c->queue;
    uint64_t visits = 0;
    agent_pred p = {e, c, 0, &visits};
    oq_lane_ctx ctx = {q, c->lane};
    return oq__heap_find_first(&q->lanes[c->lane].agents, &oq__agent_heap_ops, &ctx, accept_agent,
                               &p) >= 0;
}

typedef struct contact_pred {
    const oq_engine *e;
    const oq_member *member;
    uint64_t *visits;
    int32_t *score_budget; /* host_score lanes: scorer calls left; NULL: no scoring */
} contact_pred;

static int accept_contact(const void *item, const void *ctx)
{
    const contact_pred *p = ctx;
    ++*p->visits;
    if (!oq__agent_fits(p->e, item, p->member, 0))
        return 0;
    if (!p->score_budget)
        return 1;
    if (*p->score_budget == 0)
        return 0; /* bound reached: the rest of the lane waits for the next decision */
    --*p->score_budget;
    /* The engine is the caller's (route_agent's); the predicate's view is const. */
    return oq__score((oq_engine *)p->e, item, p->member->agent) >= 0;
}

/* Does an inbound contact wait that the agent could take? */
static int inbound_waits_for(const oq_engine *e, const oq_agent *a)
{
    for (int32_t i = 0; i < a->n_members; i++) {
        const oq_member *m = a->members[i];
        const oq_queue *q = m->queue;
        if (q->outbound)
            continue;
        for (int32_t l = 0; l < q->n_lanes; l++) {
            if (q->lanes[l].contacts.n == 0 || !oq__member_in_lane(e, m, l))
                continue;
            uint64_t visits = 0;
            contact_pred p = {e, m, &visits, NULL};
            if (oq__sig_first_contact(q, l, m, accept_contact, &p, &visits))
                return 1;
        }
    }
    return 0;
}

/* Outbound work goes to an agent only when no inbound contact it could take
 * waits (inbound_waits_for) and, under OQ_BLEND_SL_ABOVE_TARGET, every
 * inbound queue it serves meets its target. */
static int blend_allows(const oq_engine *e, const oq_contact *c, const oq_agent *a)
{
    if (c->queue->blend_rule == OQ_BLEND_SL_ABOVE_TARGET)
        for (int32_t i = 0; i < a->n_members; i++) {
            const oq_queue *q = a->members[i]->queue;
            if (!q->outbound && q->sl_total > 0 &&
                (double)q->sl_met < q->sla_target * (double)q->sl_total)
                return 0;
        }
    return !inbound_waits_for(e, a);
}

/* Never allocates: the reject or time-out of this offer makes or finds
 * room for the exclusion it adds (contact_life.c), and the engine's free
 * list holds a service block for every offer routing can make (svc.c), so
 * routing cannot be starved of memory (0, the offer not made, only if that
 * invariant broke and the allocator failed).
 * index_later: the agent is marked reindex_due (in no lane heap) and
 * route_agent searches for it again at once, so it stays out of the heaps
 * until that search ends: pushing it into lanes now would only re-sort or
 * remove it again at its next offer. */
static int make_offer(oq_engine *e, oq_contact *c, oq_member *m, int index_later)
{
    oq_agent *a = m->agent;
    oq_queue *q = c->queue;
    const oq_channel *ch = e->channels[c->channel];
    if (!oq__svc_take(e, c))
        return 0;
    int64_t room = oq__svc_agent_room(a);
    oq__contact_dequeue(e, c);
    c->state = OQ_CONTACT_OFFERED;
    oq_contact_svc *s = c->svc;
    s->agent = a;
    s->cost = ch->cost;
    s->exclusive = ch->exclusive;
    c->n_offers++;
    s->offered_at = e->now;
    s->assigned_at = s->wrapup_at = 0; /* its timer slot is set when armed */
    c->link_prev = NULL;
    c->link_next = a->held;
    if (a->held)
        a->held->link_prev = c;
    a->held = c;
    a->used += s->cost;
    a->ch_count[c->channel]++;
    a->n_offered++;
    a->n_exclusive += s->exclusive;
    e->svc_room += oq__svc_agent_room(a) - room;
    oq__agent_note_offer(e, a, !q->outbound);
    q->n_offered++;
    e->n_offered++;
    m->rr_seq = ++q->rr_counter;
    m->rand_key = oq__rand(e);
    if (q->offer_timeout_s > 0)
        oq__ctimer_arm(e, c, OQ_CT_SERVICE, oq__add_ms(e->now, oq__ms(q->offer_timeout_s)), OQ_TIMER_OFFER);
    if (!index_later)
        oq__agent_reindex(e, a);
    oq__contact_event(e, c, OQ_EV_OFFERED, NULL);
    oq__agent_refresh(e, a);
    return 1;
}

/* The member whose agent the QUEUED contact goes to now, or NULL. */
static oq_member *best_agent_for(oq_engine *e, oq_contact *c)
{
    oq_queue *q = c->queue;
    oq_lane *lane = &q->lanes[c->lane];
    oq_lane_ctx ctx = {q, c->lane};
    oq__agents_reindex_due(e); /* the search must see every freed agent */
    oq_agent *pa = oq__contact_pref_agent(e, c);
    if (pa) {
        oq_member *m = oq__member_of(pa, q);
        if (m && m->pos[c->lane] >= 0 && oq__agent_fits(e, c, m, 0))
            return m;
    }
    /* Nobody available qualifies (tier, skills): no search. A search with
     * preferred skills as requirements asks more, so finds nobody either. */
    oq__sig_count(e, c, &e->route_visits);
    if (oq__sig_nobody(e, c))
        return NULL;
    /* Preferred skills are tried as requirements first, then dropped. */
    for (int pass = c->n_pref > 0 ? 1 : 0; pass >= 0; pass--) {
        agent_pred p = {e, c, pass, &e->route_visits};
        int32_t pos = q->strategy == OQ_STRATEGY_HOST_SCORE
                          ? oq__score_best(e, c, &lane->agents, &ctx, accept_agent, &p)
                          : oq__heap_find_first(&lane->agents, &oq__agent_heap_ops, &ctx, accept_agent, &p);
        if (pos >= 0)
            return lane->agents.items[pos];
    }
    return NULL;
}

/* An outbound contact that no available agent takes may be kept from one
 * only by an inbound contact that agent could take (blending) — an inbound
 * contact about to go to it or to another agent in this same dispatch (a
 * timer of the same instant fired after the outbound contact's). Such
 * agents are routed again after the contacts marked before them: each takes
 * the inbound contact first, and the outbound one if it still has room or
 * the inbound went elsewhere. Without this the outbound contact waited
 * beside an idle agent until its next event. Only when some available
 * agent qualifies (the signature index says so without a search). */
static void wake_blended_agents(oq_engine *e, const oq_contact *c)
{
    if (oq__sig_nobody(e, c))
        return;
    /* With nothing else left to route in this dispatch (no marked contact
     * or agent, no timer due now), no available agent can have an inbound
     * contact it could take: that is the invariant oq_engine_check holds
     * between calls (check.c), and only this contact is unsettled. So the
     * walk below, one inbound search per available agent of the lane,
     * would mark nobody - skip it (outbound contacts held back under
     * OQ_BLEND_SL_ABOVE_TARGET arrive here at every routing). The
     * host's scorer may leave such pairs unmatched (host_score lanes are
     * outside the invariant): then walk. */
    if (!e->dirty_contacts && !e->dirty_agents && e->n_score_queues == 0 &&
        oq__timer_next_due(e) > e->now)
        return;
    const oq_lane *lane = &c->queue->lanes[c->lane];
    for (int32_t j = 0; j < lane->agents.n; j++) {
        oq_member *m = lane->agents.items[j];
        int64_t until;
        ++e->route_visits;
        if (!m->agent->dirty && m->first_tier <= c->tier && !held_back(e, c, m, &until) &&
            inbound_waits_for(e, m->agent))
            oq__mark_agent(e, m->agent);
    }
}

static void route_contact(oq_engine *e, oq_contact *c)
{
    if (c->state != OQ_CONTACT_QUEUED)
        return;
    oq_member *m = best_agent_for(e, c);
    if (m)
        (void)make_offer(e, c, m, 0);
    else if (c->queue->outbound)
        wake_blended_agents(e, c);
}

/* Across queues: queue + contact priority (+ aging), then time waited, then
 * arrival order. */
static double effective_priority(const oq_engine *e, const oq_contact *c)
{
    const oq_queue *q = c->queue;
    double p = (double)q->priority + (double)c->priority;
    if (q->ordering == OQ_ORDER_PRIORITY)
        p += q->aging_per_s * ((double)(e->now - c->enqueued) / 1000.0);
    return p;
}

static int better_across_queues(const oq_engine *e, const oq_contact *a, const oq_contact *b)
{
    if (a->queue->outbound != b->queue->outbound)
        return b->queue->outbound; /* inbound before outbound work */
    double pa = effective_priority(e, a), pb = effective_priority(e, b);
    if (pa != pb)
        return pa > pb;
    if (a->enqueued != b->enqueued)
        return a->enqueued < b->enqueued;
    return a->seq < b->seq;
}

/* A lane's contacts are no better, in the order across queues, than
 * (priority `prio`, then time entered `enqueued`, then arrival `seq`) —
 * none compares above it. Read from the lane's head, which its queue's
 * ordering makes the best of the lane or nearly so, and from the lane's
 * bounds (prio_cap: no higher priority; enq_floor: none entered earlier):
 * - by priority without aging: the head's key is the lane's best, exactly
 *   (the lane orders by contact priority, time entered, arrival number;
 *   across queues the queue's priority is added to every contact alike);
 * - by priority with aging, a head of the lane's highest priority that
 *   entered first: exactly its key. Every other contact has no higher
 *   priority and entered no earlier, so its aged priority computes no
 *   higher (each operation rounds monotonically); one a point lower in
 *   priority computes lower (below 2^50 the roundings move a result by
 *   under a quarter point); for the same priority the lane's order is the
 *   order across queues;
 * - by priority with aging, any other head: the best up to rounding (the
 *   lane and the comparison across queues compute the aged priority
 *   differently), so its aged priority is raised by far more than any
 *   rounding of either computation could move it, and a tie of priorities
 *   is left undecided (enqueued INT64_MIN);
 * - first come first served: the head entered first; prio_cap bounds the
 *   priorities;
 * - by deadline: prio_cap and enq_floor (the head is the earliest
 *   deadline, not the first to enter; a tie is left undecided, seq 0). */
typedef struct lane_bound {
    double prio;
    int64_t enqueued;
    uint64_t seq;
} lane_bound;

static lane_bound bound_of_lane(const oq_engine *e, const oq_queue *q, const oq_lane *lane)
{
    const oq_contact *h = lane->contacts.items[0];
    lane_bound b = {(double)q->priority + (double)lane->prio_cap, lane->enq_floor, 0};
    if (q->ordering == OQ_ORDER_FIFO || (q->ordering == OQ_ORDER_PRIORITY && q->aging_per_s == 0)) {
        if (q->ordering == OQ_ORDER_PRIORITY)
            b.prio = (double)q->priority + (double)h->priority;
        b.enqueued = h->enqueued;
        b.seq = h->seq;
    } else if (q->ordering == OQ_ORDER_PRIORITY) {
        b.prio = effective_priority(e, h);
        if (h->priority == lane->prio_cap && h->enqueued == lane->enq_floor && fabs(b.prio) < 0x1p50) {
            b.enqueued = h->enqueued;
            b.seq = h->seq;
        } else {
            /* A contact the rounding could lift above the head is one whose
             * exact aged priority lies within a point of the head's; every
             * term of either computation for it is then below `scale` in
             * magnitude (times lie in [0, now]), and the few roundings of
             * 2^-53 each move the results by far less than scale x 2^-40
             * (0.3 ms of aging at 0.1 points a second, now at today's epoch
             * ms). Contacts a point or more below stay below. Infinite or
             * NaN: never passed over. */
            double scale = fabs((double)q->priority) + fabs((double)h->priority) +
                           2.0 * q->aging_per_s * ((double)e->now / 1000.0) + 2.0;
            b.prio += scale * 0x1p-40;
            b.enqueued = INT64_MIN;
        }
    }
    return b;
}

/* The best contact found so far by a freed agent's search, with what the
 * lanes still to search are compared against. */
typedef struct found {
    oq_contact *c;
    oq_member *m;
    double prio; /* effective_priority(c) */
    int32_t outbound;
} found;

/* Could a contact of this lane (of member m) be chosen over the one found?
 * The question route_agent's choice asks, with the lane's bound in place
 * of its contact: when the bound cannot win, no contact of the lane can,
 * and the lane is passed over without the search for the first contact
 * the agent may take. */
static int lane_may_win(const oq_engine *e, const oq_queue *q, const oq_lane *lane,
                        const oq_member *m, int by_profile, const found *best)
{
    if (by_profile && m->profile_priority != best->m->profile_priority)
        return m->profile_priority < best->m->profile_priority;
    if (q->outbound != best->outbound)
        return best->outbound;
    if (q->strategy == OQ_STRATEGY_HOST_SCORE)
        return 1; /* the search calls the host's scorer: keep its calls as they were */
    lane_bound b = bound_of_lane(e, q, lane);
    if (b.prio != best->prio)
        return !(b.prio < best->prio); /* NaN: may */
    if (b.enqueued != best->c->enqueued)
        return b.enqueued < best->c->enqueued;
    return b.seq < best->c->seq;
}

static void route_agent(oq_engine *e, oq_agent *a)
{
    const oq_profile *prof = oq__agent_profile(e, a);
    int by_profile = prof && !prof->force_longest_waiting;
    while (a->presence == OQ_AGENT_READY) {
        found f = {NULL, NULL, 0, 0};
        /* Whether a lane may have the agent: once indexed, its place in the
         * lane's heap; while marked (in no heap), whether it can take the
         * lane's channel now (oq__member_in_lane), asked once per channel. */
        const int due = a->reindex_due;
        oq_take_memo memo = {0, 0};
        uint64_t channels = 0; /* of every lane walked: for the settle below */
        for (int32_t i = 0; i < a->n_members; i++) {
            oq_member *m = a->members[i];
            oq_queue *q = m->queue;
            for (int32_t l = 0; l < q->n_lanes; l++) {
                oq_lane *lane = &q->lanes[l];
                channels |= lane->chbit;
                if (lane->contacts.n == 0)
                    continue; /* free lanes (channel -1) among them */
                if (due ? !oq__agent_can_take_memo(e, a, lane->channel, &memo) : m->pos[l] < 0)
                    continue; /* the agent cannot take this lane's channel now */
                if (f.c && !lane_may_win(e, q, lane, m, by_profile, &f))
                    continue;
                /* Only the signatures it qualifies for: blocked work is not visited. */
                int32_t budget = e->score_max;
                contact_pred p = {e, m, &e->route_visits,
                                  q->strategy == OQ_STRATEGY_HOST_SCORE ? &budget : NULL};
                /* Most often the head; a host's scorer is asked once per contact. */
                oq_contact *c = p.score_budget ? NULL
                                               : oq__sig_head_taken(q, l, m, accept_contact, &p, &e->route_visits);
                if (!c)
                    c = oq__sig_first_contact(q, l, m, accept_contact, &p, &e->route_visits);
                if (!c)
                    continue;
                /* A routing profile serves its queues in priority order. */
                int better = !f.c ||
                             (by_profile && m->profile_priority != f.m->profile_priority
                                  ? m->profile_priority < f.m->profile_priority
                                  : better_across_queues(e, c, f.c));
                if (better)
                    f = (found){c, m, effective_priority(e, c), q->outbound};
            }
        }
        oq_contact *best = f.c;
        oq_member *best_m = f.m;
        if (!best)
            break;
        if (best->queue->strategy == OQ_STRATEGY_HOST_SCORE) {
            /* The contact goes to the best score among its candidates, this
             * agent among them (its score accepted it just now); to this
             * agent when it ranks beyond them and the others refuse. */
            if (a->reindex_due)
                oq__agent_reindex(e, a); /* a candidate: in its heaps first (no longer marked,
                                            so best_agent_for's catch-up would miss it) */
            oq_member *m = best_agent_for(e, best);
            if (m)
                best_m = m;
        }
        /* A freed agent still marked (in no lane heap) stays out of the heaps
         * while it can take more: the next search treats it as present where
         * it could be (oq__member_in_lane), and it is indexed once, below.
         * Once full it is in no heap and its reindex would push it into none,
         * so the mark goes (the next search then looks at nothing). */
        int later = a->reindex_due;
        if (!make_offer(e, best, best_m, later)) /* indexes the agent unless later */
            break;
        if (later && !oq__agent_reindex_settle(e, a, channels))
            break; /* full: it can take no lane's channel, so another search would find nothing */
    }
    if (a->reindex_due)
        oq__agent_reindex(e, a); /* nothing for it: into the heaps it belongs in */
}

/* A queue gained a profile delay (or a new max wait): its waiting contacts
 * must be woken when they have waited that long, so re-arm their timers.
 * Rare (configuration). */
static void rearm_delayed_queues(oq_engine *e)
{
    if (!e->delays_changed)
        return; /* the common case: no walk over every queue per call */
    e->delays_changed = 0;
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        if (!q || !q->delays_changed)
            continue;
        q->delays_changed = 0;
        for (int32_t l = 0; l < q->n_lanes; l++)
            for (int32_t k = 0; k < q->lanes[l].contacts.n; k++)
                oq__wait_schedule(e, q->lanes[l].contacts.items[k]);
    }
}

void oq__dispatch(oq_engine *e)
{
    rearm_delayed_queues(e);
    for (;;) {
        if (e->dirty_contacts) {
            oq_contact *c = e->dirty_contacts;
            e->dirty_contacts = c->dirty_next;
            if (!e->dirty_contacts)
                e->dirty_contacts_tail = NULL;
            c->dirty = 0;
            route_contact(e, c);
        } else if (e->dirty_agents) {
            oq_agent *a = e->dirty_agents;
            e->dirty_agents = a->dirty_next;
            if (!e->dirty_agents)
                e->dirty_agents_tail = NULL;
            a->dirty = 0;
            route_agent(e, a);
        } else if (!oq__fire_due_timer(e)) {
            return;
        }
    }
}
