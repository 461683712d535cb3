/* SPDX-License-Identifier: MIT */
/* Which agents can serve which queues (skills at the minimum levels, target
 * groups), kept as member records. Re-evaluated only when an agent's skills
 * or groups, or a queue's requirements, change — never per routing decision.
 * Both sync functions allocate everything first, so they either fail with
 * nothing changed or cannot fail. */
#include <string.h>

#include "engine/internal.h"

/* Does the agent meet the queue's requirements as relaxed by the ladder
 * steps up to `tier`? Relaxations only widen, so tiers are nested. */
static int meets_tier(const oq_agent *a, const oq_queue *q, int32_t tier)
{
    if (q->n_groups > 0) {
        int in_group = 0;
        for (int32_t i = 0; i < q->n_groups && !in_group; i++)
            in_group = oq__int_list_has(a->groups, a->n_groups, q->groups[i]);
        for (int32_t j = 0; j < q->n_steps && !in_group; j++) {
            const oq_step *st = &q->steps[j];
            if (st->action == OQ_STEP_ADD_GROUP && st->tier_after <= tier)
                in_group = oq__int_list_has(a->groups, a->n_groups, st->group);
        }
        if (!in_group)
            return 0;
    }
    for (int32_t i = 0; i < q->n_req; i++) {
        int32_t need = q->req[i].level;
        for (int32_t j = 0; j < q->n_steps; j++) {
            const oq_step *st = &q->steps[j];
            if (st->tier_after > tier || st->skill != q->req[i].skill)
                continue;
            if (st->action == OQ_STEP_LOWER_LEVEL && st->level < need)
                need = st->level;
            else if (st->action == OQ_STEP_DROP_REQUIRED)
                need = 0;
        }
        if (oq__level_of(a->skills, a->n_skills, q->req[i].skill) < need)
            return 0;
    }
    return 1;
}

int32_t oq__agent_first_tier(const oq_engine *e, const oq_agent *a, const oq_queue *q)
{
    const oq_profile *p = oq__agent_profile(e, a);
    if (p && !oq__profile_queue(p, q->idx))
        return -1; /* its routing profile does not list the queue */
    for (int32_t t = 0; t < q->n_tiers; t++)
        if (meets_tier(a, q, t))
            return t;
    return -1;
}

int oq__agent_eligible(const oq_engine *e, const oq_agent *a, const oq_queue *q)
{
    return oq__agent_first_tier(e, a, q) >= 0;
}

void oq__member_account(oq_member *m, int32_t sign)
{
    const oq_agent *a = m->agent;
    oq_queue *q = m->queue;
    if (a->presence != OQ_AGENT_OFFLINE)
        q->staffed[m->first_tier] += sign;
}

/* Keep the queue's table of distinct member delays, so a waiting contact can
 * be woken when it has waited long enough for the next group of agents. */
static void delay_account(oq_engine *e, oq_queue *q, int64_t delay, int32_t sign)
{
    if (delay <= 0)
        return;
    for (int32_t i = 0; i < q->n_delays; i++)
        if (q->delays[i] == delay) {
            q->delay_count[i] += sign;
            if (q->delay_count[i] == 0) {
                q->delays[i] = q->delays[--q->n_delays];
                q->delay_count[i] = q->delay_count[q->n_delays];
            }
            return;
        }
    if (sign < 0) {
        q->delays_overflow -= q->delays_overflow > 0;
        return;
    }
    if (q->n_delays == OQ_QUEUE_DELAYS_MAX) {
        q->delays_overflow++; /* untracked: contacts re-check every second */
    } else {
        q->delays[q->n_delays] = delay;
        q->delay_count[q->n_delays++] = 1;
    }
    oq__queue_rewake(e, q); /* waiting contacts need a wake-up for it */
}

oq_member *oq__agent_member_of(const oq_agent *a, const oq_queue *q)
{
    for (int32_t i = 0; i < a->n_members; i++)
        if (a->members[i]->queue == q)
            return a->members[i];
    return NULL;
}

oq_member *oq__member_of(const oq_agent *a, const oq_queue *q)
{
    /* Scan the shorter list: building a center where one agent serves
     * 100,000 queues asks this once per new queue. */
    if (q->n_members < a->n_members) {
        for (int32_t i = 0; i < q->n_members; i++)
            if (q->members[i] && q->members[i]->agent == a)
                return q->members[i];
        return NULL;
    }
    return oq__agent_member_of(a, q);
}

static void score(oq_engine *e, oq_member *m)
{
    const oq_agent *a = m->agent;
    const oq_queue *q = m->queue;
    oq__member_account(m, -1);
    m->first_tier = oq__agent_first_tier(e, a, q);
    oq__member_account(m, +1);
    const oq_profile *p = oq__agent_profile(e, a);
    const oq_profile_queue *pq = p ? oq__profile_queue(p, q->idx) : NULL;
    m->profile_priority = pq ? pq->priority : 0;
    /* The table holds delay values only (not tiers, presence or priority):
     * an unchanged delay leaves it, and the queue's waiting contacts'
     * wake-ups, as they are. Taking it out and putting it back would re-arm
     * them whenever it was the only one of its value, reorder the table and
     * move an untracked delay into a free slot - so the undo of a failed
     * profile change (profile.c), which re-scores every member, would change
     * the engine. A new member starts at 0 (attach), so its delay counts. */
    int64_t delay = pq ? pq->delay_ms : 0;
    if (delay != m->delay_ms) {
        delay_account(e, m->queue, m->delay_ms, -1);
        m->delay_ms = delay;
        delay_account(e, m->queue, delay, +1);
    }
    oq__member_scores(a, q, &m->pref_match, &m->skill_score);
}

void oq__member_scores(const oq_agent *a, const oq_queue *q, int32_t *pref_match, int32_t *skill_score)
{
    *pref_match = 0;
    *skill_score = 0;
    for (int32_t i = 0; i < q->n_pref; i++) {
        int32_t lv = oq__level_of(a->skills, a->n_skills, q->pref[i].skill);
        *pref_match += lv >= q->pref[i].level;
        *skill_score += lv;
    }
    for (int32_t i = 0; i < q->n_req; i++)
        *skill_score += oq__level_of(a->skills, a->n_skills, q->req[i].skill);
}

static void attach(oq_engine *e, oq_member *m, oq_agent *a, oq_queue *q)
{
    memset(m, 0, sizeof *m);
    m->agent = a;
    m->queue = q;
    for (int32_t l = 0; l < OQ_QUEUE_CHANNELS_MAX; l++)
        m->pos[l] = -1;
    m->rand_key = oq__rand(e);
    m->slot_in_agent = a->n_members;
    a->members[a->n_members++] = m;
    m->slot_in_queue = q->n_members;
    q->members[q->n_members++] = m;
    m->first_tier = oq__agent_first_tier(e, a, q);
    oq__member_account(m, +1);
    score(e, m);
}

static void detach(oq_engine *e, oq_member *m)
{
    oq_agent *a = m->agent;
    oq_queue *q = m->queue;
    oq__member_account(m, -1);
    delay_account(e, q, m->delay_ms, -1);
    for (int32_t l = 0; l < q->n_lanes; l++)
        if (m->pos[l] >= 0) {
            oq__sig_agent_moved(e, q, l, m, -1);
            oq__lane_agent_remove(q, l, m);
        }
    oq_member *last = a->members[--a->n_members];
    a->members[m->slot_in_agent] = last;
    last->slot_in_agent = m->slot_in_agent;
    last = q->members[--q->n_members];
    q->members[m->slot_in_queue] = last;
    last->slot_in_queue = m->slot_in_queue;
    oq__free(&e->mem, m, sizeof *m);
}

static void free_spares(oq_engine *e, oq_member *spares)
{
    while (spares) {
        oq_member *next = spares->spare_next;
        oq__free(&e->mem, spares, sizeof *spares);
        spares = next;
    }
}

/* Room for one more member in q: its member array and every lane heap. */
static int reserve_queue(oq_engine *e, oq_queue *q, int32_t extra)
{
    int32_t need = q->n_members + extra;
    if (!oq__grow(&e->mem, (void **)&q->members, &q->cap_members, need, sizeof(void *)))
        return 0;
    for (int32_t l = 0; l < q->n_lanes; l++)
        if (!oq__heap_reserve(&q->lanes[l].agents, &e->mem, need))
            return 0;
    return 1;
}

static oq_member *alloc_spares(oq_engine *e, int32_t n)
{
    oq_member *spares = NULL;
    for (int32_t i = 0; i < n; i++) {
        oq_member *m = oq__alloc(&e->mem, sizeof *m);
        if (!m) {
            free_spares(e, spares);
            return NULL;
        }
        m->spare_next = spares;
        spares = m;
    }
    return spares;
}

/* Does q's membership depend on skill s: does q require it (at any tier:
 * ladder steps only relax required skills) or prefer it (the member's
 * skill scores)? */
static int names_skill(const oq_queue *q, int32_t s)
{
    for (int32_t i = 0; i < q->n_req; i++)
        if (q->req[i].skill == s)
            return 1;
    for (int32_t i = 0; i < q->n_pref; i++)
        if (q->pref[i].skill == s)
            return 1;
    return 0;
}

/* Re-evaluate memberships for one agent or all (only_a NULL) against one
 * queue or all (only_q NULL) — or, for one agent whose skill only_skill
 * (>= 0) alone changed, against the queues that name that skill: in every
 * other queue its member record (tier, profile delay, scores) and its
 * absence are what they were, so re-scoring there would change nothing
 * (and cost a tier evaluation per queue per skill: an agent given 20
 * skills in 200 queues paid 4,000). Phase one counts what will be added
 * and reserves every array and member record; phase two applies and
 * cannot fail. */
static oq_status sync_pairs(oq_engine *e, oq_agent *only_a, oq_queue *only_q, int32_t only_skill)
{
    int32_t na = only_a ? 1 : e->n_agents, nq = only_q ? 1 : e->n_queues;
#define AGENT_AT(i) (only_a ? only_a : e->agents[i])
#define QUEUE_AT(j) (only_q ? only_q : e->queues[j])
#define SKIPPED(q) (only_skill >= 0 && !names_skill((q), only_skill))
    int32_t gain = 0;
    oq__sig_stale(e); /* tiers, skills and members may change below */
    for (int32_t j = 0; j < nq; j++)
        if (QUEUE_AT(j))
            QUEUE_AT(j)->sync_gain = 0;
    for (int32_t i = 0; i < na; i++) {
        oq_agent *a = AGENT_AT(i);
        if (!a)
            continue;
        a->sync_gain = 0;
        for (int32_t j = 0; j < nq; j++) {
            oq_queue *q = QUEUE_AT(j);
            if (q && !SKIPPED(q) && !oq__member_of(a, q) && oq__agent_eligible(e, a, q)) {
                a->sync_gain++;
                q->sync_gain++;
                gain++;
            }
        }
        if (!oq__grow(&e->mem, (void **)&a->members, &a->cap_members, a->n_members + a->sync_gain,
                      sizeof(void *)))
            return OQ_ENOMEM;
    }
    for (int32_t j = 0; j < nq; j++)
        if (QUEUE_AT(j) && !reserve_queue(e, QUEUE_AT(j), QUEUE_AT(j)->sync_gain))
            return OQ_ENOMEM;
    oq_member *spares = alloc_spares(e, gain);
    if (gain > 0 && !spares)
        return OQ_ENOMEM;
    for (int32_t i = 0; i < na; i++) {
        oq_agent *a = AGENT_AT(i);
        if (!a)
            continue;
        oq__agent_sync_idle(e, a); /* its profile in force may be new: re-sorted below */
        for (int32_t j = 0; j < nq; j++) {
            oq_queue *q = QUEUE_AT(j);
            if (!q || SKIPPED(q))
                continue;
            oq_member *m = oq__member_of(a, q);
            int eligible = oq__agent_eligible(e, a, q);
            if (eligible && !m) {
                m = spares;
                spares = spares->spare_next;
                attach(e, m, a, q);
                oq__mark_agent(e, a); /* a new queue may have work for it */
            } else if (!eligible && m) {
                detach(e, m);
                oq__mark_agent(e, a); /* e.g. outbound work this queue kept from it */
            } else if (m) {
                score(e, m);
            }
        }
        oq__agent_reindex(e, a);
    }
#undef AGENT_AT
#undef QUEUE_AT
#undef SKIPPED
    return OQ_OK;
}

oq_status oq__sync_agent(oq_engine *e, oq_agent *a) { return sync_pairs(e, a, NULL, -1); }

oq_status oq__sync_agent_skill(oq_engine *e, oq_agent *a, int32_t skill)
{
    return sync_pairs(e, a, NULL, skill);
}

oq_status oq__sync_queue(oq_engine *e, oq_queue *q) { return sync_pairs(e, NULL, q, -1); }

oq_status oq__sync_all(oq_engine *e) { return sync_pairs(e, NULL, NULL, -1); }

void oq__drop_agent_members(oq_engine *e, oq_agent *a)
{
    while (a->n_members > 0)
        detach(e, a->members[a->n_members - 1]);
}

void oq__drop_queue_members(oq_engine *e, oq_queue *q)
{
    while (q->n_members > 0)
        detach(e, q->members[q->n_members - 1]);
}
