/* SPDX-License-Identifier: MIT */
/* oq_engine_check, second half: every field the engine caches or derives is
 * recomputed from its source and compared — reference counts, member records
 * (tier, scores, profile priority and delay), the queues' delay tables and
 * tier counts, each agent's profile in force and wake-up timer, each
 * contact's timers and exclusions, the last-agent records (last_agent.c). A snapshot is only trusted for what cannot be derived:
 * restore runs this, so a forged file whose derived fields disagree with
 * their sources is refused instead of giving an engine that strands a
 * contact or drops an agent from its lanes later. */
#include <string.h>

#include "engine/internal.h"

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond))                                      \
            return oq__fail(e, OQ_ECORRUPT, __VA_ARGS__); \
    } while (0)

#define EACH(arr, n, x) for (int32_t i_ = 0; i_ < (n); i_++) if (((x) = (arr)[i_]) != NULL)

/* Count every reference and every contact once, into the objects' tally
 * fields (scratch for this check): O(size of the engine). */
static void tally(oq_engine *e)
{
    oq_skill *sk;
    oq_group *g;
    oq_profile *p;
    oq_queue *q;
    oq_channel *ch;
    oq_agent *a;
    EACH(e->skills, e->n_skills, sk) sk->tally = 0;
    EACH(e->groups, e->n_groups, g) g->tally = 0;
    EACH(e->profiles, e->n_profiles, p) p->tally = 0;
    EACH(e->channels, e->n_channels, ch) ch->tally[0] = ch->tally[1] = 0;
    oq_ecal *ec;
    EACH(e->calendars, e->n_calendars, ec) ec->tally = 0;
    EACH(e->queues, e->n_queues, q) {
        memset(q->tally, 0, sizeof q->tally);
        for (int32_t l = 0; l < q->n_lanes; l++)
            q->lanes[l].tally = 0;
    }
    EACH(e->agents, e->n_agents, a) {
        for (int32_t k = 0; k < a->n_skills; k++)
            e->skills[a->skills[k].skill]->tally += a->skills[k].level > 0;
        for (int32_t k = 0; k < a->n_groups; k++)
            e->groups[a->groups[k]]->tally++;
        if (a->profile >= 0)
            e->profiles[a->profile]->tally++;
    }
    EACH(e->groups, e->n_groups, g)
        if (g->profile >= 0 && g->profile < e->n_profiles && e->profiles[g->profile])
            e->profiles[g->profile]->tally++;
    EACH(e->profiles, e->n_profiles, p)
        for (int32_t k = 0; k < p->n_queues; k++)
            e->queues[p->queues[k].queue]->tally[0]++;
    EACH(e->queues, e->n_queues, q) {
        for (int32_t k = 0; k < q->n_req; k++)
            e->skills[q->req[k].skill]->tally++;
        for (int32_t k = 0; k < q->n_pref; k++)
            e->skills[q->pref[k].skill]->tally++;
        for (int32_t k = 0; k < q->n_groups; k++)
            e->groups[q->groups[k]]->tally++;
        for (int32_t k = 0; k < q->n_steps; k++) {
            const oq_step *st = &q->steps[k];
            if (st->skill >= 0)
                e->skills[st->skill]->tally++;
            if (st->group >= 0)
                e->groups[st->group]->tally++;
            if (st->queue >= 0)
                e->queues[st->queue]->tally[0]++;
        }
        if (q->limit_queue >= 0)
            e->queues[q->limit_queue]->tally[0]++;
        if (q->closed_queue >= 0)
            e->queues[q->closed_queue]->tally[0]++;
        if (q->calendar >= 0)
            e->calendars[q->calendar]->tally++;
        for (int32_t l = 0; l < q->n_lanes; l++)
            if (q->lanes[l].channel >= 0)
                e->channels[q->lanes[l].channel]->tally[0]++;
    }
    oq_contact *c;
    for (int32_t pos = 0; (c = oq__idtable_next(&e->contact_ids, &pos));) {
        for (int32_t k = 0; k < c->n_req + c->n_pref; k++)
            e->skills[c->extra[k].skill]->tally++;
        e->channels[c->channel]->tally[1]++;
        c->queue->tally[1] += c->state == OQ_CONTACT_OFFERED;
        c->queue->tally[2] += c->state == OQ_CONTACT_ACTIVE || c->state == OQ_CONTACT_WRAPUP;
        c->queue->tally[3] += c->state == OQ_CONTACT_PARKED;
        c->queue->lanes[c->lane].tally++;
    }
}

/* Reference counts guard removals: a count below the truth would let an
 * object in use be removed and leave indexes naming nothing. */
static oq_status check_refs(oq_engine *e)
{
    oq_skill *sk;
    oq_group *g;
    oq_profile *p;
    oq_queue *q;
    oq_channel *ch;
    tally(e);
    EACH(e->skills, e->n_skills, sk)
        CHECK(sk->refs == sk->tally, "skill '%s': %d references counted, %d found", sk->id, sk->refs, sk->tally);
    EACH(e->groups, e->n_groups, g) {
        CHECK(g->refs == g->tally, "group '%s': %d references counted, %d found", g->id, g->refs, g->tally);
        CHECK(g->profile < 0 || (g->profile < e->n_profiles && e->profiles[g->profile]),
              "group '%s': names a removed profile", g->id);
    }
    EACH(e->profiles, e->n_profiles, p)
        CHECK(p->refs == p->tally, "profile '%s': %d references counted, %d found", p->id, p->refs, p->tally);
    EACH(e->queues, e->n_queues, q) {
        CHECK(q->refs == q->tally[0], "queue '%s': %d references counted, %d found", q->id, q->refs, q->tally[0]);
        CHECK(q->n_offered == q->tally[1] && q->n_active == q->tally[2] && q->n_parked == q->tally[3],
              "queue '%s': offered/active/parked counted %d/%d/%d, found %d/%d/%d", q->id, q->n_offered,
              q->n_active, q->n_parked, q->tally[1], q->tally[2], q->tally[3]);
        for (int32_t l = 0; l < q->n_lanes; l++)
            CHECK(q->lanes[l].reserved == q->lanes[l].tally, "queue '%s': lane %d reserves %d, holds %d contacts",
                  q->id, l, q->lanes[l].reserved, q->lanes[l].tally);
    }
    oq_ecal *ec;
    EACH(e->calendars, e->n_calendars, ec)
        CHECK(ec->refs == ec->tally, "calendar '%s': %d queues counted, %d name it", ec->id, ec->refs, ec->tally);
    EACH(e->channels, e->n_channels, ch) {
        CHECK(ch->n_queues == ch->tally[0], "channel '%s': %d queues counted, %d accept it", ch->id, ch->n_queues,
              ch->tally[0]);
        CHECK(ch->n_contacts == ch->tally[1], "channel '%s': %d contacts counted, %d found", ch->id,
              ch->n_contacts, ch->tally[1]);
    }
    return OQ_OK;
}

/* A member record caches what its agent's skills, groups and routing profile
 * say about its queue. */
static oq_status check_member(oq_engine *e, const oq_member *m)
{
    const oq_agent *a = m->agent;
    const oq_queue *q = m->queue;
    int32_t tier = oq__agent_first_tier(e, a, q), pref, score;
    CHECK(m->first_tier == tier, "agent '%s': tier %d in queue '%s', its skills and groups give %d", a->id,
          m->first_tier, q->id, tier);
    oq__member_scores(a, q, &pref, &score);
    CHECK(m->pref_match == pref && m->skill_score == score,
          "agent '%s': preferred matches / skill score %d/%d in queue '%s', its skills give %d/%d", a->id,
          m->pref_match, m->skill_score, q->id, pref, score);
    const oq_profile *p = oq__agent_profile(e, a);
    const oq_profile_queue *pq = p ? oq__profile_queue(p, q->idx) : NULL;
    int32_t prio = pq ? pq->priority : 0;
    int64_t delay = pq ? pq->delay_ms : 0;
    CHECK(m->profile_priority == prio, "agent '%s': profile priority %d in queue '%s', its profile says %d",
          a->id, m->profile_priority, q->id, prio);
    CHECK(m->delay_ms == delay, "agent '%s': delay %lld ms in queue '%s', its profile says %lld", a->id,
          (long long)m->delay_ms, q->id, (long long)delay);
    return OQ_OK;
}

/* Members by first tier (logged in), and the table of distinct
 * member delays that wakes waiting contacts when a delayed agent becomes
 * eligible for them. */
static oq_status check_queue_members(oq_engine *e, const oq_queue *q)
{
    int32_t staffed[OQ_TIERS_MAX] = {0}, delayed = 0, tracked = 0;
    for (int32_t i = 0; i < q->n_members; i++) {
        const oq_member *m = q->members[i];
        if (m->agent->presence != OQ_AGENT_OFFLINE)
            staffed[m->first_tier]++;
        delayed += m->delay_ms > 0;
    }
    for (int32_t t = 0; t < OQ_TIERS_MAX; t++)
        CHECK(q->staffed[t] == staffed[t], "queue '%s': tier %d has %d staffed members counted, %d found",
              q->id, t, q->staffed[t], staffed[t]);
    CHECK(q->n_delays >= 0 && q->n_delays <= OQ_QUEUE_DELAYS_MAX && q->delays_overflow >= 0,
          "queue '%s': delay table of %d entries", q->id, q->n_delays);
    for (int32_t k = 0; k < q->n_delays; k++) {
        int32_t n = 0;
        for (int32_t i = 0; i < q->n_members; i++)
            n += q->members[i]->delay_ms == q->delays[k];
        CHECK(q->delays[k] > 0 && q->delay_count[k] == n && n > 0,
              "queue '%s': delay %lld ms tracked for %d members, %d have it", q->id, (long long)q->delays[k],
              q->delay_count[k], n);
        for (int32_t j = 0; j < k; j++)
            CHECK(q->delays[j] != q->delays[k], "queue '%s': delay %lld ms tracked twice", q->id,
                  (long long)q->delays[k]);
        tracked += n;
    }
    /* Members whose delay is not in the table are polled for (delays_overflow). */
    CHECK(tracked + q->delays_overflow == delayed,
          "queue '%s': %d delayed members, the delay table accounts for %d", q->id, delayed,
          tracked + q->delays_overflow);
    return OQ_OK;
}

static int timer_armed(const oq_timer *t) { return t->pos >= 0 && t->kind != OQ_TIMER_NONE; }

/* An agent kept out of its lanes by a back-off or a full fairness window
 * must have a timer that puts it back when that ends. */
static oq_status check_agent(oq_engine *e, const oq_agent *a)
{
    int32_t p = oq__agent_profile_in_force(e, a);
    CHECK(a->eff_profile == p, "agent '%s': profile in force %d, its own and its groups' give %d", a->id,
          a->eff_profile, p);
    const oq_profile *pr = oq__agent_profile(e, a);
    int inbound = pr && pr->idle_measure == OQ_IDLE_LAST_INBOUND;
    CHECK(a->idle_inbound == inbound, "agent '%s': idle time measured %s, its profile says %s", a->id,
          a->idle_inbound ? "by inbound work" : "by any work", inbound ? "by inbound work" : "by any work");
    int64_t due = oq__agent_wake_due(e, a);
    if (due > 0)
        CHECK(timer_armed(&a->timer) && a->timer.due == due,
              "agent '%s': blocked until %lld, but its wake-up timer is %s %lld", a->id, (long long)due,
              timer_armed(&a->timer) ? "due at" : "not armed", (long long)a->timer.due);
    else
        CHECK(!timer_armed(&a->timer), "agent '%s': a wake-up timer at %lld but nothing blocks it", a->id,
              (long long)a->timer.due);
    for (int32_t i = 0; i < a->n_members; i++) {
        oq_status st = check_member(e, a->members[i]);
        if (st != OQ_OK)
            return st;
    }
    return OQ_OK;
}

/* Exclusions after missed offers: at most one per agent and presence, and
 * never from a presence the agent has not reached yet (the next presence
 * change would bring a forged one to life). Their ends need no bound: any
 * presence change of the agent ends them (and a queue_update may shorten
 * retry_after_s after they were set); the wake-up of the contact when one
 * ends is checked with the lanes (check.c). */
static oq_status check_exclusions(oq_engine *e, const oq_contact *c)
{
    const oq_contact_ext *ext = c->ext;
    if (!ext)
        return OQ_OK; /* none */
    CHECK(ext->n_rejects >= 0 &&
              (ext->n_rejects < ext->cap_rejects || (ext->n_rejects == 0 && ext->cap_rejects == 0)) &&
              (ext->rejects == NULL) == (ext->cap_rejects == 0),
          "contact '%s': %d exclusions in room for %d (an offer's miss needs room for one more, or none held)",
          c->id, ext->n_rejects, ext->cap_rejects);
    for (int32_t i = 0; i < ext->n_rejects; i++) {
        const oq_exclusion *x = &ext->rejects[i];
        CHECK(x->misses >= 1 && x->agent >= 0 && x->agent < e->n_agents && x->agent_seq < e->next_agent_seq,
              "contact '%s': exclusion %d names no agent that was (%d/%llu) or no miss", c->id, i, x->agent,
              (unsigned long long)x->agent_seq);
        const oq_agent *a = e->agents[x->agent];
        if (!a || a->seq != x->agent_seq)
            continue; /* the agent is gone: the entry no longer counts */
        CHECK(x->gen <= a->presence_gen, "contact '%s': exclusion of agent '%s' from a presence it never had",
              c->id, a->id);
        if (x->gen != a->presence_gen)
            continue;
        for (int32_t k = 0; k < i; k++)
            CHECK(ext->rejects[k].agent_seq != x->agent_seq || ext->rejects[k].gen != x->gen,
                  "contact '%s': two exclusions of agent '%s'", c->id, a->id);
    }
    return OQ_OK;
}

/* A contact's three timer slots say what will happen to it next. */
static oq_status check_contact(oq_engine *e, const oq_contact *c)
{
    oq_status st = check_exclusions(e, c);
    if (st != OQ_OK)
        return st;
    /* What may need the ext block later without a call that can fail for
     * memory (the ladder's preferred skills, the deadline's timer) has it. */
    CHECK(c->ext || (c->n_pref == 0 && !(c->t_kind & OQ_CT_ARMED(OQ_CT_DUE))),
          "contact '%s': preferred skills or a deadline timer without an ext block", c->id);
    CHECK(oq__c_deadline(c) >= 0, "contact '%s': deadline %lld before the epoch", c->id,
          (long long)oq__c_deadline(c));
    CHECK(!c->ext || c->n_pref >= 32 || (c->ext->pref_hold >> c->n_pref) == 0,
          "contact '%s': waits for preferred skills it does not have", c->id);
    const oq_timer tv = oq__ctimer_view(c, OQ_CT_SERVICE), *t = &tv;
    int32_t want = c->state == OQ_CONTACT_OFFERED ? OQ_TIMER_OFFER
                   : c->state == OQ_CONTACT_WRAPUP ? OQ_TIMER_WRAPUP
                                                    : OQ_TIMER_NONE;
    CHECK(!timer_armed(t) || t->kind == want, "contact '%s': %s with a timer of kind %d", c->id,
          oq_contact_state_name(c->state), t->kind);
    /* The wait timer must wake the contact no later than its next step,
     * reservation end, max wait or profile delay; an earlier wake is
     * harmless (it finds nothing due and re-arms). While offered the ladder
     * pauses and the timer may be in any state (it re-arms when the contact
     * is back in line); parked or in service, nothing waits. */
    const oq_timer wv = oq__ctimer_view(c, OQ_CT_WAIT), *w = &wv;
    const oq_timer dv = oq__ctimer_view(c, OQ_CT_DUE), *dt = &dv;
    if (c->state == OQ_CONTACT_QUEUED) {
        int64_t wait = oq__wait_due(e, c), at = wait > e->now ? wait : e->now;
        CHECK(wait == INT64_MAX || (timer_armed(w) && w->due <= at),
              "contact '%s': its wait timer should be due by %lld, %s %lld", c->id, (long long)at,
              timer_armed(w) ? "is due at" : "is not armed", (long long)w->due);
    } else if (c->state != OQ_CONTACT_OFFERED) {
        CHECK(!timer_armed(w), "contact '%s': %s with a wait timer", c->id, oq_contact_state_name(c->state));
    }
    /* The reply deadline: a warning, then the breach, never late (a queue
     * whose warning was changed may warn early); parking stops it. */
    int64_t due = c->state == OQ_CONTACT_PARKED                                  ? INT64_MAX
                  : timer_armed(dt) && oq__warning_not_before(e, c, dt->due) ? dt->due /* in time */
                                                                             : oq__deadline_due(e, c);
    if (due == INT64_MAX)
        CHECK(!timer_armed(dt), "contact '%s': a deadline timer with no deadline pending", c->id);
    else
        CHECK(timer_armed(dt) && dt->due <= (due > e->now ? due : e->now),
              "contact '%s': its deadline timer should be due by %lld, %s %lld", c->id, (long long)due,
              timer_armed(dt) ? "is due at" : "is not armed", (long long)dt->due);
    return OQ_OK;
}

oq_status oq__check_derived(oq_engine *e)
{
    oq_status st = check_refs(e);
    int32_t blend = 0, outbound = 0;
    for (int32_t i = 0; st == OQ_OK && i < e->n_queues; i++) {
        const oq_queue *q = e->queues[i];
        if (!q)
            continue;
        blend += q->outbound && q->blend_rule == OQ_BLEND_SL_ABOVE_TARGET;
        outbound += q->outbound;
        st = check_queue_members(e, q);
    }
    if (st != OQ_OK)
        return st;
    CHECK(e->n_sl_blend == blend, "engine: %d queues blend on service level, counted %d", blend, e->n_sl_blend);
    CHECK(e->n_outbound_queues == outbound, "engine: %d outbound queues, counted %d", outbound,
          e->n_outbound_queues);
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i] && (st = check_agent(e, e->agents[i])) != OQ_OK)
            return st;
    const oq_contact *c;
    for (int32_t pos = 0; (c = oq__idtable_next(&e->contact_ids, &pos));)
        if ((st = check_contact(e, c)) != OQ_OK)
            return st;
    if ((st = oq__sig_check(e)) != OQ_OK)
        return st;
    return oq__last_agent_check(e);
}
