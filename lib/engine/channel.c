/* SPDX-License-Identifier: MIT */
/* Channels: add, update, remove, get. */
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

void oq_channel_spec_init(oq_channel_spec *spec)
{
    if (!spec)
        return;
    memset(spec, 0, sizeof *spec);
    spec->struct_size = sizeof *spec;
    spec->synchronous = 1;
    spec->capacity_cost = 100;
    spec->max_per_agent = 1;
}

static oq_status check_spec(oq_engine *e, const oq_channel_spec *s)
{
    oq_status st = oq__check_id(e, "channel.id", s->id);
    if (st != OQ_OK)
        return st;
    if (s->synchronous != 0 && s->synchronous != 1)
        return oq__fail(e, OQ_EINVAL, "channel '%s': synchronous must be 0 or 1, got %d", s->id,
                        s->synchronous);
    if (s->exclusive != 0 && s->exclusive != 1)
        return oq__fail(e, OQ_EINVAL, "channel '%s': exclusive must be 0 or 1, got %d", s->id,
                        s->exclusive);
    if (s->capacity_cost < 1 || s->capacity_cost > OQ_CAPACITY_MAX)
        return oq__fail(e, OQ_EINVAL, "channel '%s': capacity_cost must be 1..%d, got %d", s->id,
                        OQ_CAPACITY_MAX, s->capacity_cost);
    if (s->max_per_agent < 1 || s->max_per_agent > OQ_CAPACITY_MAX)
        return oq__fail(e, OQ_EINVAL, "channel '%s': max_per_agent must be 1..%d, got %d", s->id,
                        OQ_CAPACITY_MAX, s->max_per_agent);
    return OQ_OK;
}

static void apply_spec(oq_channel *c, const oq_channel_spec *s)
{
    c->synchronous = s->synchronous;
    c->exclusive = s->exclusive;
    c->cost = s->capacity_cost;
    c->max_per_agent = s->max_per_agent;
}

oq_status oq_channel_add(oq_engine *e, const oq_channel_spec *spec)
{
    oq_channel_spec full; /* the caller's spec over the defaults: core.h, versioned structs */
    oq_status st0 = OQ__SPEC_IN(e, &full, spec, oq_channel_spec, id);
    if (st0 != OQ_OK)
        return st0;
    spec = &full;
    OQ_RECORDED(e, CHANNEL_ADD, oq_channel_add, spec);
    oq_status st = oq__enter(e);
    if (st == OQ_OK)
        st = check_spec(e, spec);
    if (st != OQ_OK)
        return st;
    if (oq__idmap_get(&e->channel_ids, spec->id))
        return oq__fail(e, OQ_EEXIST, "channel '%s' already exists", spec->id);
    /* A cheaper channel lets agents hold more contacts: service blocks for
     * them first (svc.c). */
    if (!oq__svc_reserve_unit(e, spec->capacity_cost))
        return oq__fail(e, OQ_ENOMEM, "channel '%s': out of memory", spec->id);
    /* Every agent keeps per-channel arrays covering all channel indexes, so
     * routing never allocates. Growing them first is harmless on failure. */
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i] && !oq__agent_reserve_channels(e, e->agents[i], e->n_channels + 1))
            return oq__fail(e, OQ_ENOMEM, "channel '%s': out of memory", spec->id);
    oq_channel *c = oq__calloc(&e->mem, 1, sizeof *c);
    char *id = oq__strndup(&e->mem, spec->id, strlen(spec->id));
    if (!c || !id || !oq__grow(&e->mem, (void **)&e->channels, &e->cap_channels,
                               e->n_channels + 1, sizeof(void *))) {
        oq__free(&e->mem, c, sizeof *c);
        oq__strfree(&e->mem, id);
        return oq__fail(e, OQ_ENOMEM, "channel '%s': out of memory", spec->id);
    }
    c->id = id;
    apply_spec(c, spec);
    if (!oq__idmap_put(&e->channel_ids, c->id, c)) {
        oq__free(&e->mem, c, sizeof *c);
        oq__strfree(&e->mem, id);
        return oq__fail(e, OQ_ENOMEM, "channel '%s': out of memory", spec->id);
    }
    c->idx = oq__slot_add(e, (void ***)&e->channels, &e->n_channels, &e->cap_channels, c);
    e->live_channels++;
    oq__svc_apply_unit(e, c->cost);
    return OQ_OK;
}

oq_status oq_channel_update(oq_engine *e, const oq_channel_spec *spec)
{
    oq_channel_spec full; /* the caller's spec over the defaults: core.h, versioned structs */
    oq_status st0 = OQ__SPEC_IN(e, &full, spec, oq_channel_spec, id);
    if (st0 != OQ_OK)
        return st0;
    spec = &full;
    OQ_RECORDED(e, CHANNEL_UPDATE, oq_channel_update, spec);
    oq_status st = oq__enter(e);
    if (st == OQ_OK)
        st = check_spec(e, spec);
    oq_channel *c = NULL;
    if (st == OQ_OK)
        st = oq__find_channel(e, "channel.id", spec->id, &c);
    if (st != OQ_OK)
        return st;
    if (!oq__svc_reserve_unit(e, spec->capacity_cost)) /* a cheaper channel: svc.c */
        return oq__fail(e, OQ_ENOMEM, "channel '%s': out of memory", spec->id);
    apply_spec(c, spec);
    oq__svc_apply_unit(e, c->cost);
    /* Limits changed for everyone: re-evaluate every agent's lanes. */
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i]) {
            oq__agent_reindex(e, e->agents[i]);
            oq__mark_agent(e, e->agents[i]);
        }
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_channel_remove(oq_engine *e, const char *id)
{
    OQ_RECORDED(e, CHANNEL_REMOVE, oq_channel_remove, id);
    oq_status st = oq__enter(e);
    oq_channel *c = NULL;
    if (st == OQ_OK)
        st = oq__find_channel(e, "channel", id, &c);
    if (st != OQ_OK)
        return st;
    if (c->n_queues > 0)
        return oq__fail(e, OQ_ESTATE, "channel '%s': %d queue(s) still accept it", id, c->n_queues);
    if (c->n_contacts > 0)
        return oq__fail(e, OQ_ESTATE, "channel '%s': %d contact(s) still use it", id, c->n_contacts);
    for (int32_t i = 0; i < e->n_queues; i++)
        if (e->queues[i] && e->queues[i]->callback_channel == c->idx)
            return oq__fail(e, OQ_ESTATE, "channel '%s': queue '%s' turns contacts into it (callback_channel)",
                            id, e->queues[i]->id);
    oq__idmap_del(&e->channel_ids, c->id);
    e->channels[c->idx] = NULL;
    e->live_channels--;
    /* Per-agent overrides for this index would leak into a future channel
     * that never reuses it; indexes are not reused, so just reset them. */
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i] && c->idx < e->agents[i]->ch_cap)
            e->agents[i]->ch_limit[c->idx] = -1;
    oq__strfree(&e->mem, c->id);
    oq__free(&e->mem, c, sizeof *c);
    return OQ_OK;
}

oq_status oq_channel_get(const oq_engine *e, const char *id, oq_channel_spec *caller)
{
    if (!e)
        return OQ_EINVAL;
    oq_status st = OQ__OUT_CHECK(e, caller, oq_channel_spec, id);
    if (st != OQ_OK)
        return st;
    const oq_channel *c = NULL;
    st = oq__lookup_channel(e, "channel", id, &c);
    if (st != OQ_OK)
        return st;
    oq_channel_spec full, *out = &full; /* written whole, handed over as far as the caller's fits */
    oq_channel_spec_init(out);
    out->id = c->id;
    out->synchronous = c->synchronous;
    out->exclusive = c->exclusive;
    out->capacity_cost = c->cost;
    out->max_per_agent = c->max_per_agent;
    oq__output_copy(caller, out, sizeof *out);
    return OQ_OK;
}
