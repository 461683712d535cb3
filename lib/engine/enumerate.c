/* SPDX-License-Identifier: MIT */
/* Enumeration of the configuration's objects: count, id at an index, a
 * cursor walk and an existence test. The engine keeps one slot array per kind
 * in creation order; a removed object leaves a hole (slot indexes are used by
 * the routing structures, so they never move). */
#include <string.h>

#include "engine/internal.h"

typedef struct kind_slots {
    void *const *arr;
    int32_t n, live;
} kind_slots;

static int slots_of(const oq_engine *e, int32_t kind, kind_slots *s)
{
    switch (kind) {
    case OQ_KIND_CHANNEL: *s = (kind_slots){(void *const *)e->channels, e->n_channels, e->live_channels}; return 1;
    case OQ_KIND_SKILL: *s = (kind_slots){(void *const *)e->skills, e->n_skills, e->live_skills}; return 1;
    case OQ_KIND_GROUP: *s = (kind_slots){(void *const *)e->groups, e->n_groups, e->live_groups}; return 1;
    case OQ_KIND_PROFILE: *s = (kind_slots){(void *const *)e->profiles, e->n_profiles, e->live_profiles}; return 1;
    case OQ_KIND_QUEUE: *s = (kind_slots){(void *const *)e->queues, e->n_queues, e->live_queues}; return 1;
    case OQ_KIND_AGENT: *s = (kind_slots){(void *const *)e->agents, e->n_agents, e->live_agents}; return 1;
    default: return 0;
    }
}

/* Every object struct starts with `char *id`. */
static const char *slot_id(const void *obj) { return *(char *const *)obj; }

oq_status oq_config_count(const oq_engine *e, int32_t kind, int32_t *count)
{
    kind_slots s;
    if (!e || !count || !slots_of(e, kind, &s))
        return OQ_EINVAL;
    *count = s.live;
    return OQ_OK;
}

oq_status oq_config_id(const oq_engine *e, int32_t kind, int32_t index, const char **id)
{
    kind_slots s;
    if (!e || !id || !slots_of(e, kind, &s) || index < 0 || index >= s.live)
        return OQ_EINVAL;
    if (s.live == s.n) { /* nothing removed: direct */
        *id = slot_id(s.arr[index]);
        return OQ_OK;
    }
    for (int32_t i = 0, k = 0; i < s.n; i++)
        if (s.arr[i] && k++ == index) {
            *id = slot_id(s.arr[i]);
            return OQ_OK;
        }
    return OQ_EINVAL;
}

oq_status oq_config_next(const oq_engine *e, int32_t kind, int32_t *cursor, const char **id)
{
    kind_slots s;
    if (!e || !cursor || !id || !slots_of(e, kind, &s) || *cursor < 0)
        return OQ_EINVAL;
    for (int32_t i = *cursor; i < s.n; i++)
        if (s.arr[i]) {
            *id = slot_id(s.arr[i]);
            *cursor = i + 1;
            return OQ_OK;
        }
    *cursor = s.n;
    return OQ_ENOTFOUND;
}

oq_status oq_config_exists(const oq_engine *e, int32_t kind, const char *id)
{
    if (!e || !id)
        return OQ_EINVAL;
    const void *obj;
    switch (kind) {
    case OQ_KIND_CHANNEL: obj = oq__idmap_get(&e->channel_ids, id); break;
    case OQ_KIND_SKILL: obj = oq__idmap_get(&e->skill_ids, id); break;
    case OQ_KIND_GROUP: obj = oq__idmap_get(&e->group_ids, id); break;
    case OQ_KIND_PROFILE: obj = oq__idmap_get(&e->profile_ids, id); break;
    case OQ_KIND_QUEUE: obj = oq__idmap_get(&e->queue_ids, id); break;
    case OQ_KIND_AGENT: obj = oq__idtable_get(&e->agent_ids, id); break;
    default: return OQ_EINVAL;
    }
    return obj ? OQ_OK : OQ_ENOTFOUND;
}
