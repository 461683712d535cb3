/* SPDX-License-Identifier: MIT */
/* Engine lifecycle, errors, guards, events and id lookup. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/abi.h"
#include "core/text.h"
#include "engine/internal.h"
#include "engine/journal.h"
#include "engine/observer.h"

void oq_engine_options_init(oq_engine_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->struct_size = sizeof *opts;
    opts->seed = 1;
    opts->last_agent_max = 100000;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t oq__rand(oq_engine *e) { return splitmix64(&e->rng); }

oq_status oq__engine_create(const oq_engine_options *opts, const oq__observer *obs, oq_engine **out)
{
    oq_engine_options o; /* the caller's options over the defaults (core.h: versioned structs) */
    if (!out)
        return OQ_EINVAL;
    oq_engine_options_init(&o);
    if (opts && OQ__OPTIONS_COPY(&o, opts, oq_engine_options, alloc, NULL) != OQ_OK)
        return OQ_EINVAL;
    opts = &o;
    if (!(opts->abandon_resume_s >= 0 && opts->abandon_resume_s <= 9.0e9))
        return OQ_EINVAL;
    if (opts->start_ms < 0) /* times are host epoch ms >= 0: differences never overflow */
        return OQ_EINVAL;
    if (opts->last_agent_max < 0 || opts->last_agent_max > OQ_LAST_AGENT_MAX)
        return OQ_EINVAL;
    if (opts->score_max_candidates < 0 || opts->score_max_candidates > OQ_SCORE_CANDIDATES_MAX)
        return OQ_EINVAL;
    oq_mem mem;
    oq__mem_init(&mem, opts->alloc, opts->alloc_user);
    oq_engine *e = oq__calloc(&mem, 1, sizeof *e + OQ_ENGINE_ERR_MAX);
    if (!e)
        return OQ_ENOMEM;
    e->err = (char *)(e + 1);
    e->mem = mem;
    e->obs = obs;
    e->on_event = opts->on_event;
    e->event_user = opts->event_user;
    e->rng = opts->seed;
    e->score_fn = opts->score;
    e->score_user = opts->score ? opts->score_user : NULL;
    e->score_max = opts->score_max_candidates ? opts->score_max_candidates : OQ_SCORE_CANDIDATES_DEFAULT;
    e->now = opts->start_ms;
    oq__idmap_init(&e->channel_ids, &e->mem);
    oq__idmap_init(&e->skill_ids, &e->mem);
    oq__idmap_init(&e->group_ids, &e->mem);
    oq__idtable_init(&e->agent_ids, &e->mem);
    oq__idmap_init(&e->queue_ids, &e->mem);
    oq__idtable_init(&e->contact_ids, &e->mem);
    oq__idmap_init(&e->profile_ids, &e->mem);
    oq__idmap_init(&e->calendar_ids, &e->mem);
    oq__idmap_init(&e->resume, &e->mem);
    oq__idmap_init(&e->served, &e->mem);
    e->last_agent_max = opts->last_agent_max;
    e->abandon_resume_ms = (int64_t)(opts->abandon_resume_s * 1000.0 + 0.5);
    e->resume_sweep_at = 64;
    e->next_agent_seq = e->next_contact_seq = e->next_timer_seq = 1;
    e->journal_seq = 1;
    e->svc_unit = OQ_CAPACITY_MAX; /* no channel yet (svc.c) */
    if (!oq__heap_reserve(&e->timers, &e->mem, OQ_ENGINE_TIMERS) || obs->attach(e) != OQ_OK) {
        oq__heap_free(&e->timers, &e->mem);
        oq__free(&mem, e, sizeof *e + OQ_ENGINE_ERR_MAX);
        return OQ_ENOMEM;
    }
    *out = e;
    return OQ_OK;
}

static void free_slots(oq_engine *e, void **arr, int32_t cap)
{
    oq__free(&e->mem, arr, (size_t)cap * sizeof(void *));
}

void oq_engine_destroy(oq_engine *e)
{
    if (!e)
        return;
    e->on_event = NULL; /* destruction is silent */
    /* Contacts first (they point at agents and queues), through the agents'
     * held lists and the queues' heaps: every contact is in exactly one. */
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        if (!q)
            continue;
        for (int32_t l = 0; l < q->n_lanes; l++)
            while (q->lanes[l].contacts.n > 0) {
                oq_contact *c = q->lanes[l].contacts.items[0];
                oq__contact_dequeue(e, c);
                oq__contact_destroy(e, c);
            }
    }
    while (e->parked)
        oq__contact_destroy(e, e->parked);
    for (int32_t i = 0; i < e->n_agents; i++) {
        oq_agent *a = e->agents[i];
        while (a && a->held) {
            oq_contact *c = a->held;
            oq__ctimer_cancel(e, c, OQ_CT_SERVICE);
            oq__contact_release(e, c);
            oq__contact_destroy(e, c);
        }
    }
    oq__contact_spares_free(e);
    oq__history_spares_free(e);
    oq__svc_free_all(e);
    for (int32_t i = 0; i < e->n_agents; i++) {
        oq_agent *a = e->agents[i];
        if (!a)
            continue;
        oq__drop_agent_members(e, a);
        oq__agent_free(e, a);
    }
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        if (!q)
            continue;
        oq__drop_queue_members(e, q);
        oq__queue_free(e, q);
    }
    for (int32_t i = 0; i < e->n_channels; i++)
        if (e->channels[i]) {
            oq__strfree(&e->mem, e->channels[i]->id);
            oq__free(&e->mem, e->channels[i], sizeof(oq_channel));
        }
    for (int32_t i = 0; i < e->n_skills; i++)
        if (e->skills[i]) {
            oq__strfree(&e->mem, e->skills[i]->id);
            oq__free(&e->mem, e->skills[i], sizeof(oq_skill));
        }
    for (int32_t i = 0; i < e->n_groups; i++)
        if (e->groups[i]) {
            oq__strfree(&e->mem, e->groups[i]->id);
            oq__free(&e->mem, e->groups[i], sizeof(oq_group));
        }
    e->obs->detach(e);
    oq__journal_free(e);
    for (int32_t i = 0; i < e->n_profiles; i++)
        if (e->profiles[i])
            oq__profile_free(e, e->profiles[i]);
    free_slots(e, (void **)e->profiles, e->cap_profiles);
    oq__resume_clear(e);
    oq__last_agent_clear(e);
    free_slots(e, (void **)e->channels, e->cap_channels);
    free_slots(e, (void **)e->skills, e->cap_skills);
    free_slots(e, (void **)e->groups, e->cap_groups);
    free_slots(e, (void **)e->agents, e->cap_agents);
    free_slots(e, (void **)e->queues, e->cap_queues);
    oq__heap_free(&e->timers, &e->mem);
    oq__idmap_clear(&e->channel_ids);
    oq__idmap_clear(&e->skill_ids);
    oq__idmap_clear(&e->group_ids);
    oq__idtable_clear(&e->agent_ids);
    oq__idmap_clear(&e->queue_ids);
    oq__idtable_clear(&e->contact_ids);
    oq__idmap_clear(&e->profile_ids);
    oq__calendars_free(e);
    oq_mem mem = e->mem;
    oq__free(&mem, e, sizeof *e + OQ_ENGINE_ERR_MAX);
}

const char *oq_engine_last_error(const oq_engine *e) { return e ? e->err : ""; }

oq_status oq_engine_set_seed(oq_engine *e, uint64_t seed)
{
    OQ_RECORDED(e, SET_SEED, oq_engine_set_seed, seed);
    oq_status st = oq__enter(e);
    if (st != OQ_OK)
        return st;
    e->rng = seed;
    return OQ_OK;
}

oq_status oq__fail(const oq_engine *e, oq_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->err, OQ_ENGINE_ERR_MAX, fmt, ap);
    va_end(ap);
    return status;
}

oq_status oq__spec_in(const oq_engine *e, void *dst, const void *src, size_t full_size,
                      size_t align, size_t min_size, const char *name)
{
    char why[OQ__ABI_MSG];
    if (!e)
        return OQ_EINVAL;
    if (e->in_callback) /* every caller is a mutating call: as oq__enter */
        return oq__fail(e, OQ_EBUSY, "mutating call from inside an engine callback");
    if (!src)
        return oq__fail(e, OQ_EINVAL, "%s is NULL", name);
    if (oq__options_copy(dst, src, full_size, align, min_size, name, why) != OQ_OK)
        return oq__fail(e, OQ_EINVAL, "%s", why);
    return OQ_OK;
}

oq_status oq__out_check(const oq_engine *e, const void *out, size_t full_size, size_t align,
                        size_t min_size, const char *name)
{
    char why[OQ__ABI_MSG];
    if (!out)
        return oq__fail(e, OQ_EINVAL, "out is NULL");
    if (oq__struct_size_check(out, full_size, align, min_size, name, why) != OQ_OK)
        return oq__fail(e, OQ_EINVAL, "%s", why);
    return OQ_OK;
}

oq_status oq__enter(oq_engine *e)
{
    if (!e)
        return OQ_EINVAL;
    if (e->in_callback)
        return oq__fail(e, OQ_EBUSY, "mutating call from inside an engine callback");
    oq_status st = oq__score_ready(e); /* a restored engine waiting for its scorer */
    if (st != OQ_OK)
        return st;
    /* A new call (or a nested one, journaled as its own record): number its
     * absorbable allocation points from 1. */
    e->soft_n = 0;
    e->soft_n_failed = 0;
    e->soft_rest = 0;
    return OQ_OK;
}

/* oq__soft_try (internal.h) while oq_journal_apply replays a record: point
 * n fails if the record lists it, or lists that more failed after its last. */
int oq__soft_try_replayed(oq_engine *e, uint32_t n)
{
    for (int32_t i = 0; i < e->soft_n_forced; i++)
        if (e->soft_forced[i] == n)
            return 0;
    return !(e->soft_forced_rest && e->soft_n_forced > 0 && n > e->soft_forced[e->soft_n_forced - 1]);
}

void oq__soft_failed(oq_engine *e)
{
    if (e->soft_n_failed < OQ_SOFT_MAX)
        e->soft_failed[e->soft_n_failed++] = (uint32_t)e->soft_n;
    else
        e->soft_rest = 1;
}

oq_status oq__enter_at(oq_engine *e, int64_t now_ms)
{
    oq_status st = oq__enter(e);
    if (st != OQ_OK)
        return st;
    if (now_ms < e->now)
        return oq__fail(e, OQ_EINVAL,
                        "now_ms: %lld is before the engine clock %lld (time never goes backwards)",
                        (long long)now_ms, (long long)e->now);
    oq__advance(e, now_ms);
    return OQ_OK;
}

oq_status oq__check_id(const oq_engine *e, const char *field, const char *id)
{
    if (!id)
        return oq__fail(e, OQ_EINVAL, "%s: id is NULL", field);
    size_t len = 0;
    unsigned char high = 0; /* any byte >= 0x80: only then is the UTF-8 check needed */
    while (len <= OQ_ID_MAX && id[len]) /* strnlen is POSIX, not C11 */
        high |= (unsigned char)id[len++];
    if (len == 0)
        return oq__fail(e, OQ_EINVAL, "%s: id is empty", field);
    if (len > OQ_ID_MAX)
        return oq__fail(e, OQ_EINVAL, "%s: id is longer than %d bytes", field, OQ_ID_MAX);
    if ((high & 0x80) && !oq__utf8_valid((const unsigned char *)id, len))
        return oq__fail(e, OQ_EINVAL, "%s: id is not valid UTF-8", field);
    return OQ_OK;
}

void oq__emit(oq_engine *e, oq_event *ev, oq_contact *c, oq_agent *a)
{
    e->obs->on_event(e, ev, c, a);
    if (!e->on_event)
        return;
    e->in_callback++;
    e->on_event(ev, e->event_user);
    e->in_callback--;
}

/* A lookup for read-only calls (const engine, const object) and the find of
 * mutating calls: the same search, which hands out the object as mutable
 * only to a caller that holds the engine as mutable.
 *
 * For the kinds every contact's calls name (contact, agent, queue, channel:
 * a simulated customer's three calls look up five ids, and checking an id
 * cost as much as finding it, issue #22), the id is checked (oq__check_id)
 * only when it is not found: every id in those tables passed that check
 * when its object was made (a snapshot holds the ids the engine made), so
 * an id equal to one is valid, and the answers are those of checking first:
 * OQ_EINVAL for a malformed id, OQ_ENOTFOUND for a valid unknown one, with
 * the same messages. The other kinds check first. */
#define DEFINE_FIND(kind, type, get, map, check_first)                                          \
    oq_status oq__lookup_##kind(const oq_engine *e, const char *field, const char *id,          \
                                const type **out)                                               \
    {                                                                                            \
        const type *obj = NULL;                                                                  \
        if (check_first || !id || !(obj = get(&e->map, id))) {                                   \
            oq_status st = oq__check_id(e, field, id);                                           \
            if (st != OQ_OK)                                                                     \
                return st;                                                                       \
            if (check_first)                                                                     \
                obj = get(&e->map, id);                                                          \
            if (!obj)                                                                            \
                return oq__fail(e, OQ_ENOTFOUND, "%s '%s': no such " #kind, field, id);        \
        }                                                                                        \
        *out = obj;                                                                              \
        return OQ_OK;                                                                            \
    }                                                                                            \
    oq_status oq__find_##kind(oq_engine *e, const char *field, const char *id, type **out)       \
    {                                                                                            \
        const type *obj = NULL;                                                                  \
        oq_status st = oq__lookup_##kind(e, field, id, &obj);                                    \
        if (st == OQ_OK)                                                                         \
            *out = (type *)obj; /* the engine is mutable here: so is what it holds */            \
        return st;                                                                               \
    }

DEFINE_FIND(channel, oq_channel, oq__idmap_get, channel_ids, 0)
DEFINE_FIND(skill, oq_skill, oq__idmap_get, skill_ids, 1)
DEFINE_FIND(group, oq_group, oq__idmap_get, group_ids, 1)
DEFINE_FIND(agent, oq_agent, oq__idtable_get, agent_ids, 0)
DEFINE_FIND(queue, oq_queue, oq__idmap_get, queue_ids, 0)
DEFINE_FIND(contact, oq_contact, oq__idtable_get, contact_ids, 0)
DEFINE_FIND(calendar, oq_ecal, oq__idmap_get, calendar_ids, 1)

/* Guard + clock + lookup, the preamble of most calls that take now_ms. */
#define DEFINE_AT(kind, type)                                                               \
    oq_status oq__##kind##_at(oq_engine *e, int64_t now_ms, const char *id, type **out)     \
    {                                                                                       \
        oq_status st = oq__enter_at(e, now_ms);                                             \
        return st == OQ_OK ? oq__find_##kind(e, #kind, id, out) : st;                       \
    }

DEFINE_AT(agent, oq_agent)
DEFINE_AT(queue, oq_queue)
DEFINE_AT(contact, oq_contact)

int32_t oq__slot_add(oq_engine *e, void ***arr, int32_t *n, int32_t *cap, void *obj)
{
    if (!oq__grow(&e->mem, (void **)arr, cap, *n + 1, sizeof(void *)))
        return -1;
    (*arr)[*n] = obj;
    return (*n)++;
}

oq_status oq_engine_now(const oq_engine *e, int64_t *now_ms)
{
    if (!e || !now_ms)
        return OQ_EINVAL;
    *now_ms = e->now;
    return OQ_OK;
}

oq_status oq_engine_next_deadline(const oq_engine *e, int64_t *deadline_ms)
{
    if (!e || !deadline_ms)
        return OQ_EINVAL;
    *deadline_ms = oq__timer_next_due(e);
    return OQ_OK;
}

oq_status oq_engine_advance(oq_engine *e, int64_t now_ms)
{
    OQ_RECORDED(e, ADVANCE, oq_engine_advance, now_ms);
    return oq__enter_at(e, now_ms);
}

oq_status oq_engine_get_counts(const oq_engine *e, oq_engine_counts *caller)
{
    if (!e)
        return OQ_EINVAL;
    oq_status st = OQ__OUT_CHECK(e, caller, oq_engine_counts, channels);
    if (st != OQ_OK)
        return st;
    oq_engine_counts full = OQ_OUTPUT_INIT(oq_engine_counts), *out = &full;
    out->channels = e->live_channels;
    out->skills = e->live_skills;
    out->groups = e->live_groups;
    out->agents = e->live_agents;
    out->queues = e->live_queues;
    out->contacts = e->n_contacts;
    out->contacts_queued = e->n_queued;
    out->contacts_offered = e->n_offered;
    out->contacts_active = e->n_active;
    out->contacts_wrapup = e->n_wrapup;
    out->timers = oq__timers_pending(e);
    out->contacts_parked = e->n_parked;
    oq__output_copy(caller, out, sizeof *out);
    return OQ_OK;
}

const char *oq_event_type_name(int32_t type)
{
    static const char *const names[] = {
        "unknown",   "contact_queued", "offered",   "offer_rejected", "offer_timeout",
        "assigned",  "wrapup_started", "completed", "abandoned",      "transferred",
        "removed",   "priority_changed", "agent_state", "escalated", "overflowed",
        "alert",     "deadline_warning", "deadline_breach", "queue_rejected", "parked",
        "reopened",  "interval_closed", "callback_queued", "queue_opened", "queue_closed",
    };
    if (type < 1 || type >= (int32_t)(sizeof names / sizeof names[0]))
        return "unknown";
    return names[type];
}
