/* SPDX-License-Identifier: MIT */
/* Routing profiles, outbound blending rules and agent policies: the
 * definitions. Their effect on routing is in this folder (membership, capacity,
 * ordering, timers). */
#include <math.h>
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

/* ---- which profile is in force ---------------------------------------------- */

const oq_profile *oq__agent_profile(const oq_engine *e, const oq_agent *a)
{
    return a->eff_profile >= 0 ? e->profiles[a->eff_profile] : NULL;
}

/* Own profile, else the first of its groups that has one. */
int32_t oq__agent_profile_in_force(const oq_engine *e, const oq_agent *a)
{
    if (a->profile >= 0)
        return a->profile;
    for (int32_t i = 0; i < a->n_groups; i++)
        if (e->groups[a->groups[i]]->profile >= 0)
            return e->groups[a->groups[i]]->profile;
    return -1;
}

void oq__agent_sync_idle(oq_engine *e, oq_agent *a)
{
    const oq_profile *p = oq__agent_profile(e, a);
    a->idle_inbound = p && p->idle_measure == OQ_IDLE_LAST_INBOUND;
}

void oq__agent_update_profile(oq_engine *e, oq_agent *a)
{
    a->eff_profile = oq__agent_profile_in_force(e, a);
    oq__agent_sync_idle(e, a);
}

const oq_profile_queue *oq__profile_queue(const oq_profile *p, int32_t queue)
{
    for (int32_t i = 0; i < p->n_queues; i++)
        if (p->queues[i].queue == queue)
            return &p->queues[i];
    return NULL;
}

/* After any profile change: recompute every agent's profile in force and
 * memberships. Memberships first (they may fail for memory); the cached
 * profile index is only a function of the definitions, so recompute it for
 * both outcomes. The idle measure it sets orders the agent heaps, so it is
 * set agent by agent as the sync re-sorts each one (sync_pairs): set for
 * every agent at once, a heap would hold several misplaced members, and
 * re-sorting one at a time does not put several right (found by fuzz_api:
 * "agent heap of lane 0 out of order"). */
static oq_status resync_members(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i])
            e->agents[i]->eff_profile = oq__agent_profile_in_force(e, e->agents[i]);
    return oq__sync_all(e);
}

static oq_status resync(oq_engine *e)
{
    oq_status st = resync_members(e);
    if (st == OQ_OK) {
        oq__mark_all_agents(e);
        oq__dispatch(e);
    }
    return st;
}

/* After a failed resync the caller has put its definitions back: sync the
 * memberships to them again. The failed sync stopped before changing any
 * member (membership.c: it reserves everything first), so they still match
 * the old definitions: this sync needs no memory and re-scores members whose
 * tiers and delays are what they were - which changes nothing, not even a
 * waiting contact's wake-up (score() leaves an unchanged delay alone). Only
 * the profile in force, recomputed for the new definitions, is put back. */
static void resync_back(oq_engine *e) { (void)resync(e); }

/* ---- profiles ---------------------------------------------------------------- */

oq_status oq_profile_add(oq_engine *e, const char *id)
{
    OQ_RECORDED(e, PROFILE_ADD, oq_profile_add, id);
    oq_status st = oq__enter(e);
    if (st == OQ_OK)
        st = oq__check_id(e, "profile", id);
    if (st != OQ_OK)
        return st;
    if (oq__idmap_get(&e->profile_ids, id))
        return oq__fail(e, OQ_EEXIST, "profile '%s' already exists", id);
    oq_profile *p = oq__calloc(&e->mem, 1, sizeof *p);
    char *copy = oq__strndup(&e->mem, id, strlen(id));
    if (!p || !copy ||
        !oq__grow(&e->mem, (void **)&e->profiles, &e->cap_profiles, e->n_profiles + 1, sizeof(void *)) ||
        !oq__idmap_put(&e->profile_ids, copy, p)) {
        oq__strfree(&e->mem, copy);
        oq__free(&e->mem, p, sizeof *p);
        return oq__fail(e, OQ_ENOMEM, "profile '%s': out of memory", id);
    }
    p->id = copy;
    p->idx = oq__slot_add(e, (void ***)&e->profiles, &e->n_profiles, &e->cap_profiles, p);
    e->live_profiles++;
    return OQ_OK;
}

void oq__profile_free(oq_engine *e, oq_profile *p)
{
    oq__strfree(&e->mem, p->id);
    oq__free(&e->mem, p->queues, (size_t)p->cap_queues * sizeof *p->queues);
    oq__free(&e->mem, p->ch_max, (size_t)p->ch_cap * sizeof *p->ch_max);
    oq__free(&e->mem, p->ch_cross, (size_t)p->ch_cap * sizeof *p->ch_cross);
    oq__free(&e->mem, p, sizeof *p);
}

static oq_status find_profile(oq_engine *e, const char *id, oq_profile **out)
{
    oq_status st = oq__check_id(e, "profile", id);
    if (st != OQ_OK)
        return st;
    *out = oq__idmap_get(&e->profile_ids, id);
    return *out ? OQ_OK : oq__fail(e, OQ_ENOTFOUND, "profile '%s': no such profile", id);
}

oq_status oq_profile_remove(oq_engine *e, const char *id)
{
    OQ_RECORDED(e, PROFILE_REMOVE, oq_profile_remove, id);
    oq_status st = oq__enter(e);
    oq_profile *p = NULL;
    if (st == OQ_OK)
        st = find_profile(e, id, &p);
    if (st != OQ_OK)
        return st;
    if (p->refs > 0)
        return oq__fail(e, OQ_ESTATE, "profile '%s': still used by %d agent(s) or group(s)", id, p->refs);
    for (int32_t i = 0; i < p->n_queues; i++)
        e->queues[p->queues[i].queue]->refs--;
    oq__idmap_del(&e->profile_ids, p->id);
    e->profiles[p->idx] = NULL;
    e->live_profiles--;
    oq__profile_free(e, p);
    return OQ_OK;
}

oq_status oq_profile_set_queue(oq_engine *e, int64_t now_ms, const char *profile, const char *queue,
                               int32_t priority, double delay_s)
{
    OQ_RECORDED(e, PROFILE_SET_QUEUE, oq_profile_set_queue, now_ms, profile, queue, priority, delay_s);
    oq_status st = oq__enter_at(e, now_ms);
    oq_profile *p = NULL;
    oq_queue *q = NULL;
    if (st == OQ_OK)
        st = find_profile(e, profile, &p);
    if (st == OQ_OK)
        st = oq__find_queue(e, "queue", queue, &q);
    if (st != OQ_OK)
        return st;
    if (priority < 0 || priority > 1000)
        return oq__fail(e, OQ_EINVAL, "profile '%s': priority of queue '%s' must be 0..1000, got %d",
                        profile, queue, priority);
    if (!isfinite(delay_s) || delay_s < 0 || delay_s > 9.0e12)
        return oq__fail(e, OQ_EINVAL, "profile '%s': delay_s of queue '%s' must be a finite number >= 0",
                        profile, queue);
    int32_t pos = -1;
    for (int32_t i = 0; i < p->n_queues; i++)
        if (p->queues[i].queue == q->idx)
            pos = i;
    oq_profile_queue old = pos >= 0 ? p->queues[pos] : (oq_profile_queue){q->idx, 0, 0};
    if (priority == 0) {
        if (pos < 0)
            return OQ_OK;
        p->queues[pos] = p->queues[--p->n_queues];
    } else if (pos >= 0) {
        p->queues[pos].priority = priority;
        p->queues[pos].delay_ms = (int64_t)(delay_s * 1000.0 + 0.5);
    } else {
        if (!oq__grow(&e->mem, (void **)&p->queues, &p->cap_queues, p->n_queues + 1, sizeof *p->queues))
            return oq__fail(e, OQ_ENOMEM, "profile '%s': out of memory", profile);
        p->queues[p->n_queues++] = (oq_profile_queue){q->idx, priority, (int64_t)(delay_s * 1000.0 + 0.5)};
    }
    if ((st = resync(e)) != OQ_OK) {
        /* Undo: put the old entry back exactly (never allocates). */
        int32_t now_pos = -1;
        for (int32_t i = 0; i < p->n_queues; i++)
            if (p->queues[i].queue == q->idx)
                now_pos = i;
        if (pos < 0)
            p->n_queues--;
        else if (now_pos < 0)
            p->queues[p->n_queues++] = old;
        else
            p->queues[now_pos] = old;
        resync_back(e);
        return oq__fail(e, st, "profile '%s': out of memory", profile);
    }
    q->refs += (pos < 0) - (priority == 0);
    return OQ_OK;
}

static int reserve_profile_channels(oq_engine *e, oq_profile *p, int32_t n)
{
    if (n <= p->ch_cap)
        return 1;
    int32_t *mx = oq__alloc(&e->mem, (size_t)n * sizeof *mx);
    int32_t *cr = oq__alloc(&e->mem, (size_t)n * sizeof *cr);
    if (!mx || !cr) {
        oq__free(&e->mem, mx, (size_t)n * sizeof *mx);
        oq__free(&e->mem, cr, (size_t)n * sizeof *cr);
        return 0;
    }
    for (int32_t i = 0; i < n; i++) {
        mx[i] = i < p->ch_cap ? p->ch_max[i] : -1;
        cr[i] = i < p->ch_cap ? p->ch_cross[i] : 1;
    }
    oq__free(&e->mem, p->ch_max, (size_t)p->ch_cap * sizeof *mx);
    oq__free(&e->mem, p->ch_cross, (size_t)p->ch_cap * sizeof *cr);
    p->ch_max = mx;
    p->ch_cross = cr;
    p->ch_cap = n;
    return 1;
}

oq_status oq_profile_set_channel(oq_engine *e, int64_t now_ms, const char *profile,
                                 const char *channel, int32_t max_items, int32_t cross_channel)
{
    OQ_RECORDED(e, PROFILE_SET_CHANNEL, oq_profile_set_channel, now_ms, profile, channel, max_items, cross_channel);
    oq_status st = oq__enter_at(e, now_ms);
    oq_profile *p = NULL;
    oq_channel *c = NULL;
    if (st == OQ_OK)
        st = find_profile(e, profile, &p);
    if (st == OQ_OK)
        st = oq__find_channel(e, "channel", channel, &c);
    if (st != OQ_OK)
        return st;
    if (max_items < -1 || max_items > OQ_CAPACITY_MAX)
        return oq__fail(e, OQ_EINVAL, "profile '%s': max_items for channel '%s' must be -1..%d, got %d",
                        profile, channel, OQ_CAPACITY_MAX, max_items);
    if (cross_channel != 0 && cross_channel != 1)
        return oq__fail(e, OQ_EINVAL, "profile '%s': cross_channel must be 0 or 1, got %d", profile,
                        cross_channel);
    if (!reserve_profile_channels(e, p, e->n_channels))
        return oq__fail(e, OQ_ENOMEM, "profile '%s': out of memory", profile);
    p->ch_max[c->idx] = max_items;
    p->ch_cross[c->idx] = cross_channel;
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i] && e->agents[i]->eff_profile == p->idx) {
            oq__agent_reindex(e, e->agents[i]);
            oq__mark_agent(e, e->agents[i]);
        }
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_profile_set_options(oq_engine *e, int64_t now_ms, const char *profile,
                                 int32_t force_longest_waiting, int32_t idle_measure)
{
    OQ_RECORDED(e, PROFILE_SET_OPTIONS, oq_profile_set_options, now_ms, profile, force_longest_waiting, idle_measure);
    oq_status st = oq__enter_at(e, now_ms);
    oq_profile *p = NULL;
    if (st == OQ_OK)
        st = find_profile(e, profile, &p);
    if (st != OQ_OK)
        return st;
    if (force_longest_waiting != 0 && force_longest_waiting != 1)
        return oq__fail(e, OQ_EINVAL, "profile '%s': force_longest_waiting must be 0 or 1", profile);
    if (idle_measure != OQ_IDLE_LAST_ACTIVITY && idle_measure != OQ_IDLE_LAST_INBOUND)
        return oq__fail(e, OQ_EINVAL, "profile '%s': unknown idle_measure %d", profile, idle_measure);
    p->force_longest_waiting = force_longest_waiting;
    p->idle_measure = idle_measure;
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i] && e->agents[i]->eff_profile == p->idx) {
            oq__agent_update_profile(e, e->agents[i]);
            oq__agent_reindex(e, e->agents[i]);
            oq__mark_agent(e, e->agents[i]);
        }
    oq__dispatch(e);
    return OQ_OK;
}

/* Point *slot (an agent's or group's profile index) at a profile or none. */
static oq_status assign(oq_engine *e, int32_t *slot, const char *owner, const char *profile)
{
    oq_profile *p = NULL;
    oq_status st;
    if (profile && (st = find_profile(e, profile, &p)) != OQ_OK)
        return st;
    int32_t old = *slot, now = p ? p->idx : -1;
    if (old == now)
        return OQ_OK;
    *slot = now;
    if ((st = resync(e)) != OQ_OK) {
        *slot = old;
        resync_back(e);
        return oq__fail(e, st, "%s: out of memory", owner);
    }
    if (old >= 0)
        e->profiles[old]->refs--;
    if (p)
        p->refs++;
    return OQ_OK;
}

oq_status oq_agent_set_profile(oq_engine *e, int64_t now_ms, const char *agent, const char *profile)
{
    OQ_RECORDED(e, AGENT_SET_PROFILE, oq_agent_set_profile, now_ms, agent, profile);
    oq_agent *a = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    return st == OQ_OK ? assign(e, &a->profile, agent, profile) : st;
}

oq_status oq_group_set_profile(oq_engine *e, int64_t now_ms, const char *group, const char *profile)
{
    OQ_RECORDED(e, GROUP_SET_PROFILE, oq_group_set_profile, now_ms, group, profile);
    oq_status st = oq__enter_at(e, now_ms);
    oq_group *g = NULL;
    if (st == OQ_OK)
        st = oq__find_group(e, "group", group, &g);
    return st == OQ_OK ? assign(e, &g->profile, group, profile) : st;
}

/* ---- blending ------------------------------------------------------------------ */

oq_status oq_queue_set_blend(oq_engine *e, int64_t now_ms, const char *queue, int32_t rule)
{
    OQ_RECORDED(e, QUEUE_SET_BLEND, oq_queue_set_blend, now_ms, queue, rule);
    oq_queue *q = NULL;
    oq_status st = oq__queue_at(e, now_ms, queue, &q);
    if (st != OQ_OK)
        return st;
    if (!q->outbound)
        return oq__fail(e, OQ_ESTATE, "queue '%s' is inbound: blending rules are for outbound queues", queue);
    if (rule != OQ_BLEND_WHEN_IDLE && rule != OQ_BLEND_SL_ABOVE_TARGET)
        return oq__fail(e, OQ_EINVAL, "queue '%s': unknown blend rule %d", queue, rule);
    e->n_sl_blend += (rule == OQ_BLEND_SL_ABOVE_TARGET) - (q->blend_rule == OQ_BLEND_SL_ABOVE_TARGET);
    q->blend_rule = rule;
    oq__mark_all_agents(e);
    oq__dispatch(e);
    return OQ_OK;
}

/* ---- agent policies ------------------------------------------------------------- */

void oq_agent_policy_init(oq_agent_policy *policy)
{
    if (!policy)
        return;
    memset(policy, 0, sizeof *policy);
    policy->struct_size = sizeof *policy;
}

static int valid_delay(double s) { return isfinite(s) && s >= 0 && s <= 9.0e12; }

oq_status oq_agent_set_policy(oq_engine *e, int64_t now_ms, const char *agent,
                              const oq_agent_policy *p)
{
    oq_agent_policy full; /* the caller's policy over the defaults: core.h, versioned structs */
    oq_status st0 = OQ__SPEC_IN(e, &full, p, oq_agent_policy, max_no_answer);
    if (st0 != OQ_OK)
        return st0;
    p = &full;
    OQ_RECORDED(e, AGENT_SET_POLICY, oq_agent_set_policy, now_ms, agent, p);
    oq_agent *a = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    if (st != OQ_OK)
        return st;
    if (p->max_no_answer < 0 || p->max_no_answer > 1000)
        return oq__fail(e, OQ_EINVAL, "agent '%s': max_no_answer must be 0..1000", agent);
    if (p->max_per_window < 0 || p->max_per_window > 64)
        return oq__fail(e, OQ_EINVAL, "agent '%s': max_per_window must be 0..64", agent);
    if (!valid_delay(p->window_s) || (p->max_per_window > 0 && p->window_s <= 0))
        return oq__fail(e, OQ_EINVAL, "agent '%s': window_s must be a finite number > 0 with max_per_window", agent);
    if (!valid_delay(p->reject_delay_s))
        return oq__fail(e, OQ_EINVAL, "agent '%s': reject_delay_s must be a finite number >= 0", agent);
    if (!valid_delay(p->no_answer_delay_s))
        return oq__fail(e, OQ_EINVAL, "agent '%s': no_answer_delay_s must be a finite number >= 0", agent);
    int64_t *ring = NULL;
    if (p->max_per_window > 0 &&
        !(ring = oq__calloc(&e->mem, (size_t)p->max_per_window, sizeof *ring)))
        return oq__fail(e, OQ_ENOMEM, "agent '%s': out of memory", agent);
    oq__free(&e->mem, a->offer_times, (size_t)a->max_per_window * sizeof *a->offer_times);
    a->offer_times = ring;
    a->n_offer_times = a->offer_head = 0;
    a->max_per_window = p->max_per_window;
    a->window_ms = (int64_t)(p->window_s * 1000.0 + 0.5);
    a->max_no_answer = p->max_no_answer;
    a->reject_delay_ms = (int64_t)(p->reject_delay_s * 1000.0 + 0.5);
    a->no_answer_delay_ms = (int64_t)(p->no_answer_delay_s * 1000.0 + 0.5);
    oq__agent_schedule(e, a);
    oq__agent_reindex(e, a);
    oq__mark_agent(e, a);
    oq__dispatch(e);
    return OQ_OK;
}
