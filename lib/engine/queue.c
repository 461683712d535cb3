/* SPDX-License-Identifier: MIT */
/* Queues: definition (settings, channels, skills, groups) and queries. */
#include <math.h>
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

const char *oq_ordering_name(int32_t ordering)
{
    switch (ordering) {
    case OQ_ORDER_FIFO: return "fifo";
    case OQ_ORDER_PRIORITY: return "priority";
    case OQ_ORDER_DEADLINE: return "deadline";
    default: return "unknown";
    }
}

/* The one list of strategies: index = OQ_STRATEGY_* value, the name the
 * configuration loads and dumps (lib/config asks oq_strategy_name), and
 * with it the range queues and snapshots accept (oq__strategy_known). */
static const char *const STRATEGY_NAMES[] = {
    [OQ_STRATEGY_LONGEST_IDLE] = "longest_idle", [OQ_STRATEGY_LEAST_OCCUPIED] = "least_occupied",
    [OQ_STRATEGY_BEST_SKILL] = "best_skill",     [OQ_STRATEGY_ROUND_ROBIN] = "round_robin",
    [OQ_STRATEGY_FEWEST_HANDLED] = "fewest_handled", [OQ_STRATEGY_RANDOM] = "random",
    [OQ_STRATEGY_HOST_SCORE] = "host_score",
};

int oq__strategy_known(int32_t strategy)
{
    return strategy >= 0 && strategy < (int32_t)(sizeof STRATEGY_NAMES / sizeof *STRATEGY_NAMES) &&
           STRATEGY_NAMES[strategy];
}

const char *oq_strategy_name(int32_t strategy)
{
    return oq__strategy_known(strategy) ? STRATEGY_NAMES[strategy] : "unknown";
}

void oq_queue_spec_init(oq_queue_spec *spec)
{
    if (!spec)
        return;
    memset(spec, 0, sizeof *spec);
    spec->struct_size = sizeof *spec;
    spec->ordering = OQ_ORDER_PRIORITY; /* priority, then age: TaskRouter, Connect, Genesys */
    spec->strategy = OQ_STRATEGY_LONGEST_IDLE;
    spec->sla_threshold_s = 20;
    spec->sla_target = 0.8;
    spec->offer_timeout_s = 30;
    spec->default_aht_s = 180;
    spec->retry_after_s = 30;
}

/* Seconds must be finite, non-negative and fit in int64 milliseconds. */
static int valid_seconds(double s) { return isfinite(s) && s >= 0 && s <= 9.0e12; }

static oq_status check_spec(oq_engine *e, const oq_queue_spec *s)
{
    if (!s)
        return oq__fail(e, OQ_EINVAL, "queue spec is NULL");
    oq_status st = oq__check_id(e, "queue.id", s->id);
    if (st != OQ_OK)
        return st;
    const char *id = s->id;
    if (s->priority < -OQ_PRIORITY_MAX || s->priority > OQ_PRIORITY_MAX)
        return oq__fail(e, OQ_EINVAL, "queue '%s': priority must be within +-%d, got %d", id,
                        OQ_PRIORITY_MAX, s->priority);
    if (s->ordering < OQ_ORDER_FIFO || s->ordering > OQ_ORDER_DEADLINE)
        return oq__fail(e, OQ_EINVAL, "queue '%s': unknown ordering %d", id, s->ordering);
    if (!oq__strategy_known(s->strategy))
        return oq__fail(e, OQ_EINVAL, "queue '%s': unknown strategy %d", id, s->strategy);
    if (s->strategy == OQ_STRATEGY_HOST_SCORE && !e->score_fn)
        return oq__fail(e, OQ_ESTATE,
                        "queue '%s': strategy host_score needs the host's scorer: call "
                        "oq_engine_set_scorer before adding the queue", id);
    if (s->timeout_not_ready != 0 && s->timeout_not_ready != 1)
        return oq__fail(e, OQ_EINVAL, "queue '%s': timeout_not_ready must be 0 or 1", id);
    if (!valid_seconds(s->sla_threshold_s))
        return oq__fail(e, OQ_EINVAL, "queue '%s': sla_threshold_s must be a finite number >= 0", id);
    if (!(s->sla_target >= 0 && s->sla_target <= 1))
        return oq__fail(e, OQ_EINVAL, "queue '%s': sla_target must be within [0, 1]", id);
    if (!valid_seconds(s->offer_timeout_s))
        return oq__fail(e, OQ_EINVAL, "queue '%s': offer_timeout_s must be a finite number >= 0", id);
    if (!valid_seconds(s->wrapup_s))
        return oq__fail(e, OQ_EINVAL, "queue '%s': wrapup_s must be a finite number >= 0", id);
    if (!(isfinite(s->aging_per_s) && s->aging_per_s >= 0 && s->aging_per_s <= 1e6))
        return oq__fail(e, OQ_EINVAL, "queue '%s': aging_per_s must be within [0, 1e6]", id);
    if (s->max_length < 0)
        return oq__fail(e, OQ_EINVAL, "queue '%s': max_length must be >= 0 (0 = no limit)", id);
    if (!valid_seconds(s->max_wait_s))
        return oq__fail(e, OQ_EINVAL, "queue '%s': max_wait_s must be a finite number >= 0", id);
    if (s->limit_action < OQ_LIMIT_REJECT || s->limit_action > OQ_LIMIT_CALLBACK_KEEP_PLACE)
        return oq__fail(e, OQ_EINVAL, "queue '%s': unknown limit_action %d", id, s->limit_action);
    if (s->refuse_if_no_agents != 0 && s->refuse_if_no_agents != 1)
        return oq__fail(e, OQ_EINVAL, "queue '%s': refuse_if_no_agents must be 0 or 1", id);
    if (s->outbound != 0 && s->outbound != 1)
        return oq__fail(e, OQ_EINVAL, "queue '%s': outbound must be 0 or 1", id);
    if (!valid_seconds(s->default_aht_s) || s->default_aht_s <= 0)
        return oq__fail(e, OQ_EINVAL, "queue '%s': default_aht_s must be a finite number > 0", id);
    if (!valid_seconds(s->deadline_warning_s))
        return oq__fail(e, OQ_EINVAL, "queue '%s': deadline_warning_s must be a finite number >= 0", id);
    if (s->keep_offer_on_not_ready != 0 && s->keep_offer_on_not_ready != 1)
        return oq__fail(e, OQ_EINVAL, "queue '%s': keep_offer_on_not_ready must be 0 or 1", id);
    if (!valid_seconds(s->retry_after_s))
        return oq__fail(e, OQ_EINVAL, "queue '%s': retry_after_s must be a finite number >= 0", id);
    if (!valid_seconds(s->last_agent_window_s))
        return oq__fail(e, OQ_EINVAL, "queue '%s': last_agent_window_s must be a finite number >= 0", id);
    if (!valid_seconds(s->last_agent_wait_s))
        return oq__fail(e, OQ_EINVAL, "queue '%s': last_agent_wait_s must be a finite number >= 0", id);
    if (s->closed_action < OQ_CLOSED_REJECT || s->closed_action > OQ_CLOSED_CALLBACK)
        return oq__fail(e, OQ_EINVAL, "queue '%s': unknown closed_action %d", id, s->closed_action);
    if (s->business_time != 0 && s->business_time != 1)
        return oq__fail(e, OQ_EINVAL, "queue '%s': business_time must be 0 or 1", id);
    if (s->business_time && !s->calendar)
        return oq__fail(e, OQ_EINVAL, "queue '%s': business_time needs a calendar", id);
    if (s->max_offers < 0 || s->max_offers > INT16_MAX)
        return oq__fail(e, OQ_EINVAL, "queue '%s': max_offers must be 0..%d (0 = no cap), got %d", id,
                        INT16_MAX, s->max_offers);
    return OQ_OK;
}

/* The indexes of what a spec names. */
typedef struct spec_refs {
    int32_t limit_queue, callback_channel, calendar, closed_queue;
} spec_refs;

/* A queue another of the spec's rules sends contacts to (never itself). */
static oq_status target_queue(oq_engine *e, const oq_queue_spec *s, const char *field,
                              const char *id, int32_t *out)
{
    oq_queue *t = NULL;
    oq_status st = oq__find_queue(e, field, id, &t);
    if (st != OQ_OK)
        return st;
    if (strcmp(t->id, s->id) == 0)
        return oq__fail(e, OQ_EINVAL, "queue '%s': %s cannot be the queue itself", s->id, field);
    *out = t->idx;
    return OQ_OK;
}

/* Resolve the ids a spec names (limit and closed queues, callback channel, calendar). */
static oq_status resolve_spec(oq_engine *e, const oq_queue_spec *s, spec_refs *out)
{
    int32_t *limit_queue = &out->limit_queue, *callback_channel = &out->callback_channel;
    *limit_queue = *callback_channel = out->calendar = out->closed_queue = -1;
    oq_status st;
    if (s->calendar) {
        oq_ecal *k = NULL;
        if ((st = oq__find_calendar(e, "queue.calendar", s->calendar, &k)) != OQ_OK)
            return st;
        out->calendar = k->idx;
    }
    int closed_moves = s->closed_action == OQ_CLOSED_OVERFLOW || s->closed_action == OQ_CLOSED_CALLBACK;
    if (closed_moves && !s->closed_queue)
        return oq__fail(e, OQ_EINVAL, "queue '%s': closed_queue is required by closed_action %d", s->id,
                        s->closed_action);
    if (s->closed_queue &&
        (st = target_queue(e, s, "closed_queue", s->closed_queue, &out->closed_queue)) != OQ_OK)
        return st;
    int needs_queue = s->limit_action == OQ_LIMIT_OVERFLOW || s->limit_action == OQ_LIMIT_CALLBACK;
    if (needs_queue && !s->limit_queue)
        return oq__fail(e, OQ_EINVAL, "queue '%s': limit_queue is required by limit_action %d", s->id,
                        s->limit_action);
    if (s->limit_queue && (st = target_queue(e, s, "limit_queue", s->limit_queue, limit_queue)) != OQ_OK)
        return st;
    int needs_channel = s->limit_action == OQ_LIMIT_CALLBACK || s->limit_action == OQ_LIMIT_CALLBACK_KEEP_PLACE;
    if (needs_channel || s->callback_channel || s->closed_action == OQ_CLOSED_CALLBACK) {
        oq_channel *c = NULL;
        if (!s->callback_channel)
            return oq__fail(e, OQ_EINVAL, "queue '%s': callback_channel is required by %s %d", s->id,
                            needs_channel ? "limit_action" : "closed_action",
                            needs_channel ? s->limit_action : s->closed_action);
        if ((st = oq__find_channel(e, "callback_channel", s->callback_channel, &c)) != OQ_OK)
            return st;
        *callback_channel = c->idx;
    }
    return OQ_OK;
}

/* Point a queue's reference (limit or closed queue) at `target`, keeping refs. */
static void set_target(oq_engine *e, int32_t *ref, int32_t target)
{
    if (*ref >= 0)
        e->queues[*ref]->refs--;
    *ref = target;
    if (target >= 0)
        e->queues[target]->refs++;
}

/* Take the spec's references (the queue's old ones are dropped). */
static void set_refs(oq_engine *e, oq_queue *q, const spec_refs *r)
{
    set_target(e, &q->limit_queue, r->limit_queue);
    set_target(e, &q->closed_queue, r->closed_queue);
    if (q->calendar >= 0)
        oq__calendar_use(e, q->calendar, -1);
    q->calendar = r->calendar;
    if (q->calendar >= 0)
        oq__calendar_use(e, q->calendar, 1);
    q->callback_channel = r->callback_channel;
}

static void apply_spec(oq_queue *q, const oq_queue_spec *s)
{
    q->priority = s->priority;
    q->ordering = s->ordering;
    q->strategy = s->strategy;
    q->timeout_not_ready = s->timeout_not_ready;
    q->sla_threshold_s = s->sla_threshold_s;
    q->sla_target = s->sla_target;
    q->offer_timeout_s = s->offer_timeout_s;
    q->wrapup_s = s->wrapup_s;
    q->aging_per_s = s->aging_per_s;
    q->max_length = s->max_length;
    q->limit_action = s->limit_action;
    q->max_wait_ms = (int64_t)(s->max_wait_s * 1000.0 + 0.5);
    q->refuse_if_no_agents = s->refuse_if_no_agents;
    q->outbound = s->outbound;
    q->default_aht_s = s->default_aht_s;
    q->deadline_warning_s = s->deadline_warning_s;
    q->keep_offer_on_not_ready = s->keep_offer_on_not_ready;
    q->retry_after_ms = oq__ms(s->retry_after_s);
    q->max_offers = s->max_offers;
    q->last_agent_window_ms = oq__ms(s->last_agent_window_s);
    q->last_agent_wait_ms = oq__ms(s->last_agent_wait_s);
    q->closed_action = s->closed_action;
    q->business_time = s->business_time;
}

void oq__queue_free(oq_engine *e, oq_queue *q)
{
    for (int32_t l = 0; l < q->n_lanes; l++) {
        oq__heap_free(&q->lanes[l].contacts, &e->mem);
        oq__heap_free(&q->lanes[l].agents, &e->mem);
        oq__sig_free_lane(e, &q->lanes[l]);
    }
    oq__strfree(&e->mem, q->id);
    oq__free(&e->mem, q->req, (size_t)q->cap_req * sizeof *q->req);
    oq__free(&e->mem, q->pref, (size_t)q->cap_pref * sizeof *q->pref);
    oq__free(&e->mem, q->groups, (size_t)q->cap_groups * sizeof *q->groups);
    oq__free(&e->mem, q->members, (size_t)q->cap_members * sizeof *q->members);
    for (int32_t i = 0; i < q->n_steps; i++)
        oq__strfree(&e->mem, q->steps[i].message);
    oq__free(&e->mem, q->steps, (size_t)q->cap_steps * sizeof *q->steps);
    oq__free(&e->mem, q, sizeof *q);
}

oq_status oq_queue_add(oq_engine *e, const oq_queue_spec *spec)
{
    oq_queue_spec full; /* the caller's spec over the defaults: core.h, versioned structs */
    oq_status st0 = OQ__SPEC_IN(e, &full, spec, oq_queue_spec, id);
    if (st0 != OQ_OK)
        return st0;
    spec = &full;
    OQ_RECORDED(e, QUEUE_ADD, oq_queue_add, spec);
    oq_status st = oq__enter(e);
    if (st == OQ_OK)
        st = check_spec(e, spec);
    if (st != OQ_OK)
        return st;
    if (oq__idmap_get(&e->queue_ids, spec->id))
        return oq__fail(e, OQ_EEXIST, "queue '%s' already exists", spec->id);
    spec_refs refs;
    if ((st = resolve_spec(e, spec, &refs)) != OQ_OK)
        return st;
    oq_queue *q = oq__calloc(&e->mem, 1, sizeof *q);
    if (!q)
        return oq__fail(e, OQ_ENOMEM, "queue '%s': out of memory", spec->id);
    q->id = oq__strndup(&e->mem, spec->id, strlen(spec->id));
    for (int32_t l = 0; l < OQ_QUEUE_CHANNELS_MAX; l++)
        oq__heap_init_keyed(&q->lanes[l].contacts); /* a restored queue's: oq__sig_rebuild */
    q->n_tiers = 1;
    q->limit_queue = q->closed_queue = q->calendar = -1;
    apply_spec(q, spec);
    q->aht_ema_s = spec->default_aht_s;
    q->idx = e->n_queues;
    if (!q->id ||
        !oq__grow(&e->mem, (void **)&e->queues, &e->cap_queues, e->n_queues + 1, sizeof(void *)) ||
        !oq__idmap_put(&e->queue_ids, q->id, q)) {
        oq__queue_free(e, q);
        return oq__fail(e, OQ_ENOMEM, "queue '%s': out of memory", spec->id);
    }
    e->queues[e->n_queues++] = q;
    if (oq__sync_queue(e, q) != OQ_OK) {
        e->queues[--e->n_queues] = NULL;
        oq__idmap_del(&e->queue_ids, q->id);
        oq__queue_free(e, q);
        return oq__fail(e, OQ_ENOMEM, "queue '%s': out of memory", spec->id);
    }
    set_refs(e, q, &refs);
    e->live_queues++;
    e->n_score_queues += q->strategy == OQ_STRATEGY_HOST_SCORE;
    e->n_outbound_queues += q->outbound;
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_queue_update(oq_engine *e, int64_t now_ms, const oq_queue_spec *spec)
{
    oq_queue_spec full; /* the caller's spec over the defaults: core.h, versioned structs */
    oq_status st0 = OQ__SPEC_IN(e, &full, spec, oq_queue_spec, id);
    if (st0 != OQ_OK)
        return st0;
    spec = &full;
    OQ_RECORDED(e, QUEUE_UPDATE, oq_queue_update, now_ms, spec);
    oq_status st = oq__enter_at(e, now_ms);
    if (st == OQ_OK)
        st = check_spec(e, spec);
    oq_queue *q = NULL;
    if (st == OQ_OK)
        st = oq__find_queue(e, "queue.id", spec->id, &q);
    spec_refs refs;
    if (st == OQ_OK)
        st = resolve_spec(e, spec, &refs);
    if (st != OQ_OK)
        return st;
    int resort = q->ordering != spec->ordering || q->strategy != spec->strategy ||
                 q->aging_per_s != spec->aging_per_s;
    if (q->n_completed == 0) /* no measured handle time yet: the new assumption holds */
        q->aht_ema_s = spec->default_aht_s;
    if (q->outbound && !spec->outbound && q->blend_rule == OQ_BLEND_SL_ABOVE_TARGET) {
        e->n_sl_blend--; /* an inbound queue has no blending rule */
        q->blend_rule = OQ_BLEND_WHEN_IDLE;
    }
    int64_t old_max_wait = q->max_wait_ms;
    int32_t old_max_offers = q->max_offers;
    double old_warning = q->deadline_warning_s;
    int32_t old_business_time = q->business_time;
    e->n_score_queues -= q->strategy == OQ_STRATEGY_HOST_SCORE;
    e->n_outbound_queues -= q->outbound;
    apply_spec(q, spec);
    e->n_score_queues += q->strategy == OQ_STRATEGY_HOST_SCORE;
    e->n_outbound_queues += q->outbound;
    if (q->max_wait_ms != old_max_wait || q->max_offers != old_max_offers)
        oq__queue_rewake(e, q); /* the new limits apply to contacts already waiting */
    int clocks_changed = q->business_time != old_business_time || q->calendar != refs.calendar;
    if (clocks_changed)
        oq__queue_rewake(e, q); /* the clocks of its waiting contacts count differently now */
    set_refs(e, q, &refs);
    if (resort)
        oq__queue_resort(e, q);
    /* A new deadline warning applies to the contacts already here, and so
     * does a new clock: the warning is an amount of open time before the
     * deadline when the queue counts business time (waiting.c). New limits
     * are re-armed by oq__dispatch (delays_changed). */
    if (q->deadline_warning_s != old_warning || clocks_changed)
        oq__deadlines_rearm(e, q, -1);
    /* Priority, blending and limits may let waiting contacts go to agents now. */
    oq__mark_all_agents(e);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_queue_remove(oq_engine *e, const char *id)
{
    OQ_RECORDED(e, QUEUE_REMOVE, oq_queue_remove, id);
    oq_status st = oq__enter(e);
    oq_queue *q = NULL;
    if (st == OQ_OK)
        st = oq__find_queue(e, "queue", id, &q);
    if (st != OQ_OK)
        return st;
    int32_t held = q->n_queued + q->n_offered + q->n_active + q->n_parked;
    if (held > 0)
        return oq__fail(e, OQ_ESTATE, "queue '%s': still holds %d contact(s)", id, held);
    if (q->refs > 0)
        return oq__fail(e, OQ_ESTATE, "queue '%s': %d other queue rule(s) send contacts to it", id,
                        q->refs);
    /* Its agents may be free for other work now: an inbound queue below its
     * service-level target held them back from outbound blending. */
    for (int32_t i = 0; i < q->n_members; i++)
        oq__mark_agent(e, q->members[i]->agent);
    oq__drop_queue_members(e, q);
    if (q->outbound && q->blend_rule == OQ_BLEND_SL_ABOVE_TARGET)
        e->n_sl_blend--;
    oq__ladder_clear(e, q); /* drops the references its steps hold */
    spec_refs none = {-1, -1, -1, -1};
    set_refs(e, q, &none);
    for (int32_t l = 0; l < q->n_lanes; l++)
        if (q->lanes[l].channel >= 0)
            e->channels[q->lanes[l].channel]->n_queues--;
    for (int32_t i = 0; i < q->n_req; i++)
        e->skills[q->req[i].skill]->refs--;
    for (int32_t i = 0; i < q->n_pref; i++)
        e->skills[q->pref[i].skill]->refs--;
    for (int32_t i = 0; i < q->n_groups; i++)
        e->groups[q->groups[i]]->refs--;
    oq__idmap_del(&e->queue_ids, q->id);
    e->queues[q->idx] = NULL;
    e->live_queues--;
    e->n_score_queues -= q->strategy == OQ_STRATEGY_HOST_SCORE;
    e->n_outbound_queues -= q->outbound;
    oq__queue_free(e, q);
    oq__dispatch(e);
    return OQ_OK;
}

/* Lanes never move (contacts remember their lane index); a removed channel's
 * lane is marked free (channel -1) and reused by the next channel added. */
oq_status oq_queue_add_channel(oq_engine *e, int64_t now_ms, const char *queue, const char *channel)
{
    OQ_RECORDED(e, QUEUE_ADD_CHANNEL, oq_queue_add_channel, now_ms, queue, channel);
    oq_queue *q = NULL;
    oq_channel *c = NULL;
    oq_status st = oq__queue_at(e, now_ms, queue, &q);
    if (st == OQ_OK)
        st = oq__find_channel(e, "channel", channel, &c);
    if (st != OQ_OK)
        return st;
    if (oq__queue_lane(q, c->idx) >= 0)
        return oq__fail(e, OQ_ESTATE, "queue '%s' already accepts channel '%s'", queue, channel);
    int32_t l = 0;
    while (l < q->n_lanes && q->lanes[l].channel >= 0)
        l++;
    if (l == OQ_QUEUE_CHANNELS_MAX)
        return oq__fail(e, OQ_ERANGE, "queue '%s': accepts at most %d channels", queue,
                        OQ_QUEUE_CHANNELS_MAX);
    oq_lane *lane = &q->lanes[l];
    if (!oq__heap_reserve(&lane->agents, &e->mem, q->n_members > 0 ? q->n_members : 1))
        return oq__fail(e, OQ_ENOMEM, "queue '%s': out of memory", queue);
    lane->channel = c->idx;
    lane->chbit = oq__channel_bit(c->idx);
    lane->reserved = 0;
    if (l == q->n_lanes)
        q->n_lanes++;
    c->n_queues++;
    for (int32_t i = 0; i < q->n_members; i++) {
        q->members[i]->pos[l] = -1;
        oq__agent_reindex(e, q->members[i]->agent);
        oq__mark_agent(e, q->members[i]->agent);
    }
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_queue_remove_channel(oq_engine *e, int64_t now_ms, const char *queue,
                                  const char *channel)
{
    OQ_RECORDED(e, QUEUE_REMOVE_CHANNEL, oq_queue_remove_channel, now_ms, queue, channel);
    oq_queue *q = NULL;
    oq_channel *c = NULL;
    oq_status st = oq__queue_at(e, now_ms, queue, &q);
    if (st == OQ_OK)
        st = oq__find_channel(e, "channel", channel, &c);
    if (st != OQ_OK)
        return st;
    int32_t l = oq__queue_lane(q, c->idx);
    if (l < 0)
        return oq__fail(e, OQ_ESTATE, "queue '%s' does not accept channel '%s'", queue, channel);
    oq_lane *lane = &q->lanes[l];
    if (lane->reserved > 0)
        return oq__fail(e, OQ_ESTATE, "queue '%s': %d contact(s) of channel '%s' are still in it",
                        queue, lane->reserved, channel);
    while (lane->agents.n > 0)
        oq__lane_agent_remove(q, l, lane->agents.items[0]);
    oq__sig_free_lane(e, lane); /* empty signatures of the old channel */
    lane->channel = -1;
    lane->chbit = 0;
    c->n_queues--;
    return OQ_OK;
}

/* Requirement / preference edits share one shape: set a level in a sorted
 * list, re-evaluate memberships, undo on allocation failure. */
static oq_status set_queue_skill(oq_engine *e, int64_t now_ms, const char *queue,
                                 const char *skill, int32_t level, int preferred)
{
    oq_queue *q = NULL;
    oq_skill *s = NULL;
    oq_status st = oq__queue_at(e, now_ms, queue, &q);
    if (st == OQ_OK)
        st = oq__find_skill(e, "skill", skill, &s);
    if (st != OQ_OK)
        return st;
    if (level < 0 || level > s->max_level)
        return oq__fail(e, OQ_EINVAL, "queue '%s': minimum level of skill '%s' must be 0..%d, got %d",
                        queue, skill, s->max_level, level);
    oq_skill_level **arr = preferred ? &q->pref : &q->req;
    int32_t *n = preferred ? &q->n_pref : &q->n_req;
    int32_t *cap = preferred ? &q->cap_pref : &q->cap_req;
    int32_t old = oq__level_of(*arr, *n, s->idx);
    if (old == level)
        return OQ_OK;
    if (!oq__levels_set(&e->mem, arr, n, cap, s->idx, level))
        return oq__fail(e, OQ_ENOMEM, "queue '%s': out of memory", queue);
    int32_t bad = preferred ? -1 : oq__ladder_first_invalid(q);
    if (bad >= 0) {
        oq__levels_set(&e->mem, arr, n, cap, s->idx, old);
        return oq__fail(e, OQ_ESTATE, "queue '%s': escalation step[%d] relaxes skill '%s' as it is required now; clear the ladder first",
                        queue, bad, skill);
    }
    st = oq__sync_queue(e, q);
    if (st != OQ_OK) {
        oq__levels_set(&e->mem, arr, n, cap, s->idx, old);
        return oq__fail(e, st, "queue '%s': out of memory", queue);
    }
    s->refs += (old == 0) - (level == 0);
    for (int32_t i = 0; i < q->n_members; i++)
        oq__mark_agent(e, q->members[i]->agent);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_queue_require_skill(oq_engine *e, int64_t now_ms, const char *queue,
                                 const char *skill, int32_t min_level)
{
    OQ_RECORDED(e, QUEUE_REQUIRE_SKILL, oq_queue_require_skill, now_ms, queue, skill, min_level);
    return set_queue_skill(e, now_ms, queue, skill, min_level, 0);
}

oq_status oq_queue_prefer_skill(oq_engine *e, int64_t now_ms, const char *queue,
                                const char *skill, int32_t min_level)
{
    OQ_RECORDED(e, QUEUE_PREFER_SKILL, oq_queue_prefer_skill, now_ms, queue, skill, min_level);
    return set_queue_skill(e, now_ms, queue, skill, min_level, 1);
}

static oq_status change_group(oq_engine *e, int64_t now_ms, const char *queue, const char *group,
                              int add)
{
    oq_queue *q = NULL;
    oq_group *g = NULL;
    oq_status st = oq__queue_at(e, now_ms, queue, &q);
    if (st == OQ_OK)
        st = oq__find_group(e, "group", group, &g);
    if (st != OQ_OK)
        return st;
    int32_t pos = -1;
    for (int32_t i = 0; i < q->n_groups; i++)
        if (q->groups[i] == g->idx)
            pos = i;
    if (add && pos >= 0)
        return oq__fail(e, OQ_ESTATE, "queue '%s' already targets group '%s'", queue, group);
    if (!add && pos < 0)
        return oq__fail(e, OQ_ESTATE, "queue '%s' does not target group '%s'", queue, group);
    if (add) {
        if (!oq__grow(&e->mem, (void **)&q->groups, &q->cap_groups, q->n_groups + 1,
                      sizeof *q->groups))
            return oq__fail(e, OQ_ENOMEM, "queue '%s': out of memory", queue);
        q->groups[q->n_groups++] = g->idx;
    } else {
        q->groups[pos] = q->groups[--q->n_groups];
        int32_t bad = oq__ladder_first_invalid(q);
        if (bad >= 0) {
            q->groups[q->n_groups++] = q->groups[pos];
            q->groups[pos] = g->idx;
            return oq__fail(e, OQ_ESTATE, "queue '%s': escalation step[%d] adds a group to the queue's target groups; clear the ladder first",
                            queue, bad);
        }
    }
    st = oq__sync_queue(e, q);
    if (st != OQ_OK) {
        if (add)
            q->n_groups--;
        else
            q->groups[q->n_groups++] = g->idx;
        return oq__fail(e, st, "queue '%s': out of memory", queue);
    }
    g->refs += add ? 1 : -1;
    for (int32_t i = 0; i < q->n_members; i++)
        oq__mark_agent(e, q->members[i]->agent);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_queue_add_group(oq_engine *e, int64_t now_ms, const char *queue, const char *group)
{
    OQ_RECORDED(e, QUEUE_ADD_GROUP, oq_queue_add_group, now_ms, queue, group);
    return change_group(e, now_ms, queue, group, 1);
}

oq_status oq_queue_remove_group(oq_engine *e, int64_t now_ms, const char *queue,
                                const char *group)
{
    OQ_RECORDED(e, QUEUE_REMOVE_GROUP, oq_queue_remove_group, now_ms, queue, group);
    return change_group(e, now_ms, queue, group, 0);
}

oq_status oq_queue_get_spec(const oq_engine *e, const char *id, oq_queue_spec *caller)
{
    if (!e)
        return OQ_EINVAL;
    oq_status st = OQ__OUT_CHECK(e, caller, oq_queue_spec, id);
    if (st != OQ_OK)
        return st;
    const oq_queue *q = NULL;
    st = oq__lookup_queue(e, "queue", id, &q);
    if (st != OQ_OK)
        return st;
    oq_queue_spec full, *out = &full; /* written whole, handed over as far as the caller's fits */
    oq_queue_spec_init(out);
    out->id = q->id;
    out->priority = q->priority;
    out->ordering = q->ordering;
    out->strategy = q->strategy;
    out->timeout_not_ready = q->timeout_not_ready;
    out->sla_threshold_s = q->sla_threshold_s;
    out->sla_target = q->sla_target;
    out->offer_timeout_s = q->offer_timeout_s;
    out->wrapup_s = q->wrapup_s;
    out->aging_per_s = q->aging_per_s;
    out->max_length = q->max_length;
    out->limit_action = q->limit_action;
    out->max_wait_s = (double)q->max_wait_ms / 1000.0;
    out->limit_queue = q->limit_queue >= 0 ? e->queues[q->limit_queue]->id : NULL;
    out->callback_channel = q->callback_channel >= 0 ? e->channels[q->callback_channel]->id : NULL;
    out->refuse_if_no_agents = q->refuse_if_no_agents;
    out->outbound = q->outbound;
    out->default_aht_s = q->default_aht_s;
    out->deadline_warning_s = q->deadline_warning_s;
    out->keep_offer_on_not_ready = q->keep_offer_on_not_ready;
    out->retry_after_s = (double)q->retry_after_ms / 1000.0;
    out->max_offers = q->max_offers;
    out->last_agent_window_s = (double)q->last_agent_window_ms / 1000.0;
    out->last_agent_wait_s = (double)q->last_agent_wait_ms / 1000.0;
    out->calendar = q->calendar >= 0 ? e->calendars[q->calendar]->id : NULL;
    out->closed_action = q->closed_action;
    out->closed_queue = q->closed_queue >= 0 ? e->queues[q->closed_queue]->id : NULL;
    out->business_time = q->business_time;
    oq__output_copy(caller, out, sizeof *out);
    return OQ_OK;
}

oq_status oq_queue_get(const oq_engine *e, const char *id, oq_queue_info *caller)
{
    if (!e)
        return OQ_EINVAL;
    oq_status st = OQ__OUT_CHECK(e, caller, oq_queue_info, n_channels);
    if (st != OQ_OK)
        return st;
    const oq_queue *q = NULL;
    st = oq__lookup_queue(e, "queue", id, &q);
    if (st != OQ_OK)
        return st;
    oq_queue_info full, *out = &full; /* written whole, handed over as far as the caller's fits */
    memset(out, 0, sizeof *out);
    out->open = oq__queue_open(e, q);
    for (int32_t l = 0; l < q->n_lanes; l++)
        out->n_channels += q->lanes[l].channel >= 0;
    out->n_required_skills = q->n_req;
    out->n_preferred_skills = q->n_pref;
    out->n_groups = q->n_groups;
    out->waiting = q->n_queued;
    out->offered = q->n_offered;
    out->active = q->n_active;
    out->eligible_agents = q->n_members;
    oq__output_copy(caller, out, sizeof *out);
    return OQ_OK;
}
