/* SPDX-License-Identifier: MIT */
/* Agents: definition (capacity, skills, channel limits, groups) and queries.
 * Presence changes (login, ready, ...) are in presence.c. */
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

const char *oq_agent_state_name(int32_t state)
{
    switch (state) {
    case OQ_AGENT_OFFLINE: return "offline";
    case OQ_AGENT_READY: return "ready";
    case OQ_AGENT_NOT_READY: return "not_ready";
    case OQ_AGENT_BUSY: return "busy";
    case OQ_AGENT_WRAPUP: return "wrapup";
    default: return "unknown";
    }
}

int oq__agent_reserve_channels(oq_engine *e, oq_agent *a, int32_t n_channels)
{
    if (n_channels <= a->ch_cap)
        return 1;
    int32_t ncap = a->ch_cap ? a->ch_cap : 4;
    while (ncap < n_channels)
        ncap *= 2;
    int32_t *count = oq__alloc(&e->mem, (size_t)ncap * sizeof *count);
    int32_t *limit = oq__alloc(&e->mem, (size_t)ncap * sizeof *limit);
    if (!count || !limit) {
        oq__free(&e->mem, count, (size_t)ncap * sizeof *count);
        oq__free(&e->mem, limit, (size_t)ncap * sizeof *limit);
        return 0;
    }
    for (int32_t i = 0; i < ncap; i++) {
        count[i] = i < a->ch_cap ? a->ch_count[i] : 0;
        limit[i] = i < a->ch_cap ? a->ch_limit[i] : -1;
    }
    oq__free(&e->mem, a->ch_count, (size_t)a->ch_cap * sizeof *count);
    oq__free(&e->mem, a->ch_limit, (size_t)a->ch_cap * sizeof *limit);
    a->ch_count = count;
    a->ch_limit = limit;
    a->ch_cap = ncap;
    return 1;
}

void oq__agent_free(oq_engine *e, oq_agent *a)
{
    oq__timer_cancel(e, &a->timer); /* a back-off timer must not outlive its agent in the heap */
    oq__strfree(&e->mem, a->id);
    oq__strfree(&e->mem, a->nr_reason);
    oq__free(&e->mem, a->skills, (size_t)a->cap_skills * sizeof *a->skills);
    oq__free(&e->mem, a->groups, (size_t)a->cap_groups * sizeof *a->groups);
    oq__free(&e->mem, a->ch_count, (size_t)a->ch_cap * sizeof *a->ch_count);
    oq__free(&e->mem, a->ch_limit, (size_t)a->ch_cap * sizeof *a->ch_limit);
    oq__free(&e->mem, a->members, (size_t)a->cap_members * sizeof *a->members);
    oq__free(&e->mem, a->offer_times, (size_t)a->max_per_window * sizeof *a->offer_times);
    oq__free(&e->mem, a, sizeof *a);
}

static oq_status check_capacity(oq_engine *e, const char *id, int32_t capacity)
{
    if (capacity < 1 || capacity > OQ_CAPACITY_MAX)
        return oq__fail(e, OQ_EINVAL, "agent '%s': capacity must be 1..%d, got %d", id,
                        OQ_CAPACITY_MAX, capacity);
    return OQ_OK;
}

oq_status oq_agent_add(oq_engine *e, const char *id, int32_t capacity)
{
    OQ_RECORDED(e, AGENT_ADD, oq_agent_add, id, capacity);
    oq_status st = oq__enter(e);
    if (st == OQ_OK)
        st = oq__check_id(e, "agent", id);
    if (st == OQ_OK)
        st = check_capacity(e, id, capacity);
    if (st != OQ_OK)
        return st;
    if (oq__idtable_get(&e->agent_ids, id))
        return oq__fail(e, OQ_EEXIST, "agent '%s' already exists", id);
    oq_agent *a = oq__calloc(&e->mem, 1, sizeof *a);
    if (!a)
        return oq__fail(e, OQ_ENOMEM, "agent '%s': out of memory", id);
    a->id = oq__strndup(&e->mem, id, strlen(id));
    a->capacity = capacity;
    a->svc_k = capacity / e->svc_unit; /* offline: no room for offers yet (svc.c) */
    a->presence = a->state = OQ_AGENT_OFFLINE;
    a->state_since = a->last_activity = a->last_inbound = e->now;
    a->idx = e->n_agents;
    a->profile = a->eff_profile = -1;
    a->timer.pos = -1;
    if (!a->id || !oq__agent_reserve_channels(e, a, e->n_channels) || !oq__reserve_timers(e, 0, 1) ||
        !oq__grow(&e->mem, (void **)&e->agents, &e->cap_agents, e->n_agents + 1, sizeof(void *)) ||
        !oq__idtable_put(&e->agent_ids, a)) {
        oq__agent_free(e, a);
        return oq__fail(e, OQ_ENOMEM, "agent '%s': out of memory", id);
    }
    e->agents[e->n_agents++] = a;
    a->seq = e->next_agent_seq;
    st = oq__sync_agent(e, a); /* queues with no requirement take everyone */
    if (st != OQ_OK) {
        e->agents[--e->n_agents] = NULL;
        oq__idtable_del(&e->agent_ids, a->id);
        oq__agent_free(e, a);
        return oq__fail(e, OQ_ENOMEM, "agent '%s': out of memory", id);
    }
    e->next_agent_seq++;
    e->live_agents++;
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_agent_remove(oq_engine *e, const char *id)
{
    OQ_RECORDED(e, AGENT_REMOVE, oq_agent_remove, id);
    oq_status st = oq__enter(e);
    oq_agent *a = NULL;
    if (st == OQ_OK)
        st = oq__find_agent(e, "agent", id, &a);
    if (st != OQ_OK)
        return st;
    if (a->presence != OQ_AGENT_OFFLINE)
        return oq__fail(e, OQ_ESTATE, "agent '%s': log it out before removing it", id);
    if (a->held)
        return oq__fail(e, OQ_ESTATE, "agent '%s': still holds contact '%s'", id, a->held->id);
    oq__drop_agent_members(e, a);
    oq__timer_cancel(e, &a->timer);
    if (a->profile >= 0)
        e->profiles[a->profile]->refs--;
    for (int32_t i = 0; i < a->n_skills; i++)
        e->skills[a->skills[i].skill]->refs--;
    for (int32_t i = 0; i < a->n_groups; i++)
        e->groups[a->groups[i]]->refs--;
    oq__idtable_del(&e->agent_ids, a->id);
    e->agents[a->idx] = NULL;
    e->live_agents--;
    oq__agent_free(e, a);
    /* Contacts reserved for it are free for anyone now. */
    oq__mark_all_agents(e);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_agent_set_capacity(oq_engine *e, const char *agent, int32_t capacity)
{
    OQ_RECORDED(e, AGENT_SET_CAPACITY, oq_agent_set_capacity, agent, capacity);
    oq_status st = oq__enter(e);
    oq_agent *a = NULL;
    if (st == OQ_OK)
        st = oq__find_agent(e, "agent", agent, &a);
    if (st == OQ_OK)
        st = check_capacity(e, agent, capacity);
    if (st != OQ_OK)
        return st;
    /* Service blocks for the offers more capacity allows (svc.c), first. */
    int64_t room = oq__svc_agent_room(a);
    int32_t k = capacity / e->svc_unit;
    if (!oq__svc_reserve_agent(e, a, k, a->presence == OQ_AGENT_READY))
        return oq__fail(e, OQ_ENOMEM, "agent '%s': out of memory", agent);
    a->capacity = capacity;
    a->svc_k = k;
    e->svc_room += oq__svc_agent_room(a) - room;
    oq__agent_reindex(e, a);
    oq__mark_agent(e, a);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_agent_set_skill(oq_engine *e, int64_t now_ms, const char *agent, const char *skill,
                             int32_t level)
{
    OQ_RECORDED(e, AGENT_SET_SKILL, oq_agent_set_skill, now_ms, agent, skill, level);
    oq_agent *a = NULL;
    oq_skill *s = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    if (st == OQ_OK)
        st = oq__find_skill(e, "skill", skill, &s);
    if (st != OQ_OK)
        return st;
    if (level < 0 || level > s->max_level)
        return oq__fail(e, OQ_EINVAL, "agent '%s': level of skill '%s' must be 0..%d, got %d",
                        agent, skill, s->max_level, level);
    int32_t old = oq__level_of(a->skills, a->n_skills, s->idx);
    if (old == level)
        return OQ_OK;
    if (!oq__levels_set(&e->mem, &a->skills, &a->n_skills, &a->cap_skills, s->idx, level))
        return oq__fail(e, OQ_ENOMEM, "agent '%s': out of memory", agent);
    st = oq__sync_agent_skill(e, a, s->idx);
    if (st != OQ_OK) {
        /* Restoring never allocates: the array only shrank or kept its size. */
        oq__levels_set(&e->mem, &a->skills, &a->n_skills, &a->cap_skills, s->idx, old);
        return oq__fail(e, st, "agent '%s': out of memory", agent);
    }
    s->refs += (old == 0) - (level == 0);
    oq__mark_agent(e, a);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_agent_set_channel_limit(oq_engine *e, int64_t now_ms, const char *agent,
                                     const char *channel, int32_t max_items)
{
    OQ_RECORDED(e, AGENT_SET_CH_LIMIT, oq_agent_set_channel_limit, now_ms, agent, channel, max_items);
    oq_agent *a = NULL;
    oq_channel *c = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    if (st == OQ_OK)
        st = oq__find_channel(e, "channel", channel, &c);
    if (st != OQ_OK)
        return st;
    if (max_items < -1 || max_items > OQ_CAPACITY_MAX)
        return oq__fail(e, OQ_EINVAL, "agent '%s': limit for channel '%s' must be -1..%d, got %d",
                        agent, channel, OQ_CAPACITY_MAX, max_items);
    a->ch_limit[c->idx] = max_items;
    oq__agent_reindex(e, a);
    oq__mark_agent(e, a);
    oq__dispatch(e);
    return OQ_OK;
}

static oq_status change_group(oq_engine *e, int64_t now_ms, const char *agent, const char *group,
                              int join)
{
    oq_agent *a = NULL;
    oq_group *g = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    if (st == OQ_OK)
        st = oq__find_group(e, "group", group, &g);
    if (st != OQ_OK)
        return st;
    int32_t pos = -1;
    for (int32_t i = 0; i < a->n_groups; i++)
        if (a->groups[i] == g->idx)
            pos = i;
    if (join && pos >= 0)
        return oq__fail(e, OQ_ESTATE, "agent '%s' is already in group '%s'", agent, group);
    if (!join && pos < 0)
        return oq__fail(e, OQ_ESTATE, "agent '%s' is not in group '%s'", agent, group);
    if (join) {
        if (!oq__grow(&e->mem, (void **)&a->groups, &a->cap_groups, a->n_groups + 1,
                      sizeof *a->groups))
            return oq__fail(e, OQ_ENOMEM, "agent '%s': out of memory", agent);
        a->groups[a->n_groups++] = g->idx;
    } else {
        a->groups[pos] = a->groups[--a->n_groups];
    }
    oq__agent_update_profile(e, a); /* a group may bring a routing profile */
    st = oq__sync_agent(e, a);
    if (st != OQ_OK) {
        if (join) {
            a->n_groups--;
        } else { /* put it back where it was: group order picks the profile */
            a->groups[a->n_groups++] = a->groups[pos];
            a->groups[pos] = g->idx;
        }
        oq__agent_update_profile(e, a);
        return oq__fail(e, st, "agent '%s': out of memory", agent);
    }
    g->refs += join ? 1 : -1;
    oq__mark_agent(e, a);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_agent_join_group(oq_engine *e, int64_t now_ms, const char *agent, const char *group)
{
    OQ_RECORDED(e, AGENT_JOIN_GROUP, oq_agent_join_group, now_ms, agent, group);
    return change_group(e, now_ms, agent, group, 1);
}

oq_status oq_agent_leave_group(oq_engine *e, int64_t now_ms, const char *agent, const char *group)
{
    OQ_RECORDED(e, AGENT_LEAVE_GROUP, oq_agent_leave_group, now_ms, agent, group);
    return change_group(e, now_ms, agent, group, 0);
}

oq_status oq_agent_get(const oq_engine *e, const char *id, oq_agent_info *caller)
{
    if (!e)
        return OQ_EINVAL;
    oq_status st = OQ__OUT_CHECK(e, caller, oq_agent_info, state);
    if (st != OQ_OK)
        return st;
    const oq_agent *a = NULL;
    st = oq__lookup_agent(e, "agent", id, &a);
    if (st != OQ_OK)
        return st;
    oq_agent_info full, *out = &full; /* written whole, handed over as far as the caller's fits */
    memset(out, 0, sizeof *out);
    out->state = oq__agent_derived_state(a); /* exact even mid-call, from a callback */
    out->presence = a->presence;
    out->capacity = a->capacity;
    out->used_capacity = a->used;
    out->n_offered = a->n_offered;
    out->n_active = a->n_active;
    out->n_wrapup = a->n_wrapup;
    out->n_skills = a->n_skills;
    out->state_since_ms = a->state_since;
    out->idle_since_ms = a->last_activity;
    out->handled = a->handled;
    out->not_ready_reason = (a->presence == OQ_AGENT_NOT_READY && a->nr_reason) ? a->nr_reason : "";
    oq__output_copy(caller, out, sizeof *out);
    return OQ_OK;
}

oq_status oq_agent_get_skill(const oq_engine *e, const char *agent, const char *skill,
                             int32_t *level)
{
    if (!e)
        return OQ_EINVAL;
    if (!level)
        return oq__fail(e, OQ_EINVAL, "level is NULL");
    const oq_agent *a = NULL;
    const oq_skill *s = NULL;
    oq_status st = oq__lookup_agent(e, "agent", agent, &a);
    if (st == OQ_OK)
        st = oq__lookup_skill(e, "skill", skill, &s);
    if (st == OQ_OK)
        *level = oq__level_of(a->skills, a->n_skills, s->idx);
    return st;
}
