/* SPDX-License-Identifier: MIT */
/* Configuration tree -> engine, through the public API so every validation
 * applies. References are checked first so their errors point at the name
 * in the file; anything the engine refuses is reported at the entry. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"

static const char *const TOP_KEYS[] = {"engine", "holidays", "calendars", "channels", "skills",
                                       "profiles", "groups", "queues", "agents", NULL};
static const char *const TOP_KEYS_SCRIPT[] = {"engine", "holidays", "calendars", "channels",
                                              "skills", "profiles", "groups", "queues", "agents",
                                              "timeline", NULL};
static const char *const TOP_KEYS_SCENARIO[] = {"engine", "holidays", "calendars", "channels",
                                                "skills", "profiles", "groups", "queues",
                                                "agents", "simulation", NULL};
static const char *const ENGINE_KEYS[] = {"seed", "start", "abandon_resume", "last_agent_max",
                                          NULL};
static const char *const CHANNEL_KEYS[] = {"synchronous", "exclusive", "capacity_cost",
                                           "max_per_agent", NULL};
static const char *const PROFILE_KEYS[] = {"queues", "channels", "force_longest_waiting",
                                           "idle_measure", NULL};
static const char *const PROFILE_QUEUE_KEYS[] = {"priority", "delay", NULL};
static const char *const PROFILE_CHANNEL_KEYS[] = {"max_items", "cross_channel", NULL};
static const char *const GROUP_KEYS[] = {"profile", NULL};
static const char *const QUEUE_KEYS[] = {
    "channels", "priority", "ordering", "strategy", "timeout_not_ready", "sla_threshold",
    "sla_target", "offer_timeout", "wrapup", "aging", "requires", "prefers", "groups",
    "max_length", "max_wait", "limit_action", "limit_queue", "callback_channel",
    "refuse_if_no_agents", "outbound", "blend", "default_aht", "deadline_warning", "escalation",
    "keep_offer_on_not_ready", "retry_after", "max_offers", "last_agent_window", "last_agent_wait",
    "calendar", "closed_action", "closed_queue", "business_time", NULL};
static const char *const STEP_KEYS[] = {"after", "timing", "action", "skill", "level", "group",
                                        "priority", "queue", "message", "skip_if_no_agents",
                                        "when_ewt_above", "when_sl_below", NULL};
static const char *const AGENT_KEYS[] = {"capacity", "skills", "groups", "channels", "profile",
                                         "policy", NULL};
static const char *const POLICY_KEYS[] = {"max_no_answer", "max_per_window", "window",
                                          "reject_delay", "no_answer_delay", NULL};

static const char *const ORDER_NAMES[] = {"fifo", "priority", "deadline"};
static const int32_t ORDER_VALUES[] = {OQ_ORDER_FIFO, OQ_ORDER_PRIORITY, OQ_ORDER_DEADLINE};
static const char *const LIMIT_NAMES[] = {"reject", "overflow", "callback", "callback_keep_place"};
static const int32_t LIMIT_VALUES[] = {OQ_LIMIT_REJECT, OQ_LIMIT_OVERFLOW, OQ_LIMIT_CALLBACK,
                                       OQ_LIMIT_CALLBACK_KEEP_PLACE};
static const char *const CLOSED_NAMES[] = {"reject", "wait", "overflow", "callback"};
static const int32_t CLOSED_VALUES[] = {OQ_CLOSED_REJECT, OQ_CLOSED_WAIT, OQ_CLOSED_OVERFLOW,
                                        OQ_CLOSED_CALLBACK};
static const char *const BLEND_NAMES[] = {"when_idle", "sl_above_target"};
static const int32_t BLEND_VALUES[] = {OQ_BLEND_WHEN_IDLE, OQ_BLEND_SL_ABOVE_TARGET};
/* skip_if_no_agents: true is the TaskRouter meaning, "available". */
static const char *const SKIP_NAMES[] = {"false", "true", "available", "logged_in"};
static const int32_t SKIP_VALUES[] = {OQ_SKIP_NEVER, OQ_SKIP_NONE_AVAILABLE, OQ_SKIP_NONE_AVAILABLE,
                                      OQ_SKIP_NONE_LOGGED_IN};
static const char *const TIMING_NAMES[] = {"entry", "previous"};
static const int32_t TIMING_VALUES[] = {OQ_STEP_AFTER_ENTRY, OQ_STEP_AFTER_PREVIOUS};
static const char *const IDLE_NAMES[] = {"last_activity", "last_inbound"};
static const int32_t IDLE_VALUES[] = {OQ_IDLE_LAST_ACTIVITY, OQ_IDLE_LAST_INBOUND};

/* ---- references (checked before the engine call, so errors point at the name) ---- */

static int ref_exists(cfg_ctx *c, int32_t kind, const char *id)
{
    return oq_config_exists(c->e, kind, id) == OQ_OK;
}

static const char *kind_name(int32_t kind)
{
    switch (kind) {
    case OQ_KIND_CHANNEL: return "channel";
    case OQ_KIND_SKILL: return "skill";
    case OQ_KIND_GROUP: return "group";
    case OQ_KIND_PROFILE: return "profile";
    case OQ_KIND_QUEUE: return "queue";
    default: return "agent";
    }
}

/* The section of the document that defines objects of `kind`. */
static const char *section_of(int32_t kind)
{
    switch (kind) {
    case OQ_KIND_CHANNEL: return "channels";
    case OQ_KIND_SKILL: return "skills";
    case OQ_KIND_GROUP: return "groups";
    case OQ_KIND_PROFILE: return "profiles";
    case OQ_KIND_QUEUE: return "queues";
    default: return "agents";
    }
}

/* Is `id` defined in the document (whether or not its definition loaded)? */
int oq__cfg_defined_in_doc(const cfg_ctx *c, int32_t kind, const char *id)
{
    const cfg_node *sec = oq__cfg_get(c->doc, section_of(kind));
    if (oq__cfg_get(sec, id))
        return 1;
    for (int32_t i = 0; oq__cfg_is_seq(sec) && i < sec->n; i++) /* groups: [a, b] */
        if (sec->kids[i]->kind == CFG_SCALAR && strcmp(sec->kids[i]->s, id) == 0)
            return 1;
    return 0;
}

typedef struct id_iter {
    const oq_engine *e;
    int32_t kind, i, n;
} id_iter;

static const char *next_id(void *vit)
{
    id_iter *it = vit;
    const char *id = NULL;
    return oq_config_next(it->e, it->kind, &it->i, &id) == OQ_OK ? id : NULL;
}

/* The defined id of `kind` closest to `id`, or NULL. */
const char *oq__cfg_suggest_id(const oq_engine *e, int32_t kind, const char *id)
{
    id_iter it = {e, kind, 0, 0};
    if (!e || oq_config_count(e, kind, &it.n) != OQ_OK)
        return NULL;
    return oq__cfg_suggest(id, next_id, &it);
}

/* Read an id naming an object of `kind` that must exist. An id whose own
 * definition failed (and was reported) fails quietly; an unknown one is
 * reported with the closest defined id. */
static int ref(cfg_ctx *c, const cfg_node *n, int32_t kind, const char **out)
{
    if (!oq__cfg_id(c, n, out))
        return 0;
    if (ref_exists(c, kind, *out))
        return 1;
    if (oq__cfg_defined_in_doc(c, kind, *out))
        return oq__cfg_fail_quiet(c);
    char dym[128];
    return oq__cfg_fail(c, n, "undefined %s '%.80s'%s", kind_name(kind), *out,
                        oq__cfg_did_you_mean(dym, sizeof dym, oq__cfg_suggest_id(c->e, kind, *out)));
}

static int check_call(cfg_ctx *c, const cfg_node *n, oq_status st)
{
    return st == OQ_OK ? 1 : oq__cfg_fail_engine(c, n, st);
}

/* One entry of a section: its key k (on the error path) and value v; 1 ok. */
typedef int (*entry_fn)(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg);

/* How each_entry goes through a section. */
enum {
    EACH_CHECKED = 1, /* the section was checked to be a mapping (a second pass over it) */
    EACH_FIRST = 2,   /* stop at the first entry that fails (a sub-section of one entry) */
};

/* Each entry of the section `key` (a mapping) through entry(). By default an
 * entry's error does not stop the others, so one pass reports every error of
 * a file (until c->stop, the error limit); 0 if the section or an entry failed. */
static int each_entry(cfg_ctx *c, const char *key, const cfg_node *map, int how, entry_fn entry,
                      const void *arg)
{
    size_t p0 = oq__cfg_push_key(c, key);
    int all = how & EACH_CHECKED ? 1 : oq__cfg_check_map(c, map, NULL, 1);
    if (all)
        FOR_PAIRS(map, i, k, v)
        {
            if (c->stop || (!all && (how & EACH_FIRST)))
                break;
            size_t p1 = oq__cfg_push_key(c, k->s);
            all &= entry(c, k, v, arg);
            oq__cfg_pop(c, p1);
        }
    oq__cfg_pop(c, p0);
    return all;
}

/* ---- engine ---------------------------------------------------------------------- */

static int read_engine(cfg_ctx *c, const cfg_node *n, oq_engine_options *o)
{
    size_t p0 = oq__cfg_push_key(c, "engine");
    int ok = oq__cfg_check_map(c, n, ENGINE_KEYS, 1);
    const cfg_node *f;
    CFG_AT_KEY(n, "seed", oq__cfg_u64(c, f, &o->seed))
    CFG_AT_KEY(n, "start", oq__cfg_time_ms(c, f, &o->start_ms))
    CFG_AT_KEY(n, "abandon_resume", oq__cfg_seconds(c, f, &o->abandon_resume_s))
    CFG_AT_KEY(n, "last_agent_max", oq__cfg_int(c, f, 0, 10000000, &o->last_agent_max)) /* OQ_LAST_AGENT_MAX */
    oq__cfg_pop(c, p0);
    return ok;
}

/* ---- channels, skills ------------------------------------------------------------- */

static int channel_entry(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg)
{
    (void)arg;
    oq_channel_spec spec;
    oq_channel_spec_init(&spec);
    int ok = oq__cfg_id(c, k, &spec.id) && oq__cfg_check_map(c, v, CHANNEL_KEYS, 1);
    const cfg_node *f;
    struct { const char *key; int32_t *dst; int is_bool; int64_t lo, hi; } fields[] = {
        {"synchronous", &spec.synchronous, 1, 0, 1},
        {"exclusive", &spec.exclusive, 1, 0, 1},
        {"capacity_cost", &spec.capacity_cost, 0, 1, OQ_CAPACITY_MAX},
        {"max_per_agent", &spec.max_per_agent, 0, 1, 10000},
    };
    for (int j = 0; j < N_OF(fields); j++)
        CFG_AT_KEY(v, fields[j].key,
               fields[j].is_bool ? oq__cfg_bool(c, f, fields[j].dst)
                                 : oq__cfg_int(c, f, fields[j].lo, fields[j].hi, fields[j].dst))
    return ok && check_call(c, k, oq_channel_add(c->e, &spec));
}

static int skill_entry(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg)
{
    (void)arg;
    const char *id;
    int32_t max_level = 0;
    return oq__cfg_id(c, k, &id) && oq__cfg_int(c, v, 1, OQ_LEVEL_MAX, &max_level) &&
           check_call(c, k, oq_skill_add(c->e, id, max_level));
}

/* ---- profiles (two passes: names first, settings once queues exist) --------------- */

static int profile_add_entry(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg)
{
    (void)arg;
    const char *id;
    return oq__cfg_id(c, k, &id) && oq__cfg_check_map(c, v, PROFILE_KEYS, 1) &&
           check_call(c, k, oq_profile_add(c->e, id));
}

static int profile_queue_entry(cfg_ctx *c, const cfg_node *qk, const cfg_node *qv,
                               const void *profile)
{
    const char *qid;
    const cfg_node *f;
    int32_t prio = 1;
    double delay = 0;
    int ok = ref(c, qk, OQ_KIND_QUEUE, &qid);
    if (ok && qv->kind == CFG_SCALAR && !oq__cfg_is_null(qv)) {
        ok = oq__cfg_int(c, qv, 1, 1000, &prio); /* shorthand: queue: priority */
    } else if (ok) {
        ok = oq__cfg_check_map(c, qv, PROFILE_QUEUE_KEYS, 1);
        CFG_AT_KEY(qv, "priority", oq__cfg_int(c, f, 1, 1000, &prio))
        CFG_AT_KEY(qv, "delay", oq__cfg_seconds(c, f, &delay))
    }
    return ok && check_call(c, qk, oq_profile_set_queue(c->e, c->now_ms, profile, qid, prio, delay));
}

static int profile_channel_entry(cfg_ctx *c, const cfg_node *ck, const cfg_node *cv,
                                 const void *profile)
{
    const char *cid;
    const cfg_node *f;
    int32_t max_items = -1, cross = 1;
    int ok = ref(c, ck, OQ_KIND_CHANNEL, &cid) && oq__cfg_check_map(c, cv, PROFILE_CHANNEL_KEYS, 1);
    CFG_AT_KEY(cv, "max_items", oq__cfg_int(c, f, 0, 10000, &max_items))
    CFG_AT_KEY(cv, "cross_channel", oq__cfg_bool(c, f, &cross))
    return ok &&
           check_call(c, ck, oq_profile_set_channel(c->e, c->now_ms, profile, cid, max_items, cross));
}

/* A profile's settings, once the queues exist (its name was added before them). */
static int profile_set_entry(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg)
{
    (void)arg;
    if (!ref_exists(c, OQ_KIND_PROFILE, k->s)) /* its definition failed: reported */
        return oq__cfg_fail_quiet(c);
    int ok =
        each_entry(c, "queues", oq__cfg_get(v, "queues"), EACH_FIRST, profile_queue_entry, k->s) &&
        each_entry(c, "channels", oq__cfg_get(v, "channels"), EACH_FIRST, profile_channel_entry, k->s);
    const cfg_node *f;
    int32_t flw = 0, idle = OQ_IDLE_LAST_ACTIVITY;
    CFG_AT_KEY(v, "force_longest_waiting", oq__cfg_bool(c, f, &flw))
    CFG_AT_KEY(v, "idle_measure", oq__cfg_enum(c, f, IDLE_NAMES, IDLE_VALUES, N_OF(IDLE_NAMES), &idle))
    return ok && check_call(c, k, oq_profile_set_options(c->e, c->now_ms, k->s, flw, idle));
}

/* ---- groups ---------------------------------------------------------------------- */

/* A group of the mapping form: added in the first pass (with_profiles 0),
 * its profile set in the second, once profiles have their settings. */
static int group_entry(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg)
{
    const int with_profiles = *(const int *)arg;
    const char *id;
    const cfg_node *f;
    int ok = oq__cfg_id(c, k, &id) && oq__cfg_check_map(c, v, GROUP_KEYS, 1);
    if (ok && !with_profiles)
        return check_call(c, k, oq_group_add(c->e, id));
    if (ok && !ref_exists(c, OQ_KIND_GROUP, id))
        return oq__cfg_fail_quiet(c); /* its definition failed: reported */
    const char *pid;
    CFG_AT_KEY(v, "profile", ref(c, f, OQ_KIND_PROFILE, &pid) &&
                             check_call(c, f, oq_group_set_profile(c->e, c->now_ms, id, pid)))
    return ok;
}

static int load_groups(cfg_ctx *c, const cfg_node *n, int with_profiles)
{
    if (!oq__cfg_is_seq(n))
        return each_entry(c, "groups", n, 0, group_entry, &with_profiles);
    /* a plain list of names: added in the first pass, nothing to set in the second */
    size_t p0 = oq__cfg_push_key(c, "groups");
    int ok = 1;
    if (!with_profiles)
        for (int32_t i = 0; ok && i < n->n; i++) {
            size_t p1 = oq__cfg_push_index(c, i);
            const char *id;
            ok = oq__cfg_id(c, n->kids[i], &id);
            if (ok && ref_exists(c, OQ_KIND_GROUP, id))
                ok = oq__cfg_fail(c, n->kids[i], "duplicate group '%.80s'", id);
            if (ok)
                ok = check_call(c, n->kids[i], oq_group_add(c->e, id));
            oq__cfg_pop(c, p1);
        }
    oq__cfg_pop(c, p0);
    return ok;
}

/* ---- queues ---------------------------------------------------------------------- */

/* A calendar of the document's `calendars:` section (built before the queues). */
static int calendar_ref(cfg_ctx *c, const cfg_node *n, const char **out)
{
    const oq_calendar *cal = NULL;
    if (!oq__cfg_id(c, n, out))
        return 0;
    if (oq_engine_get_calendar(c->e, *out, &cal) == OQ_OK)
        return 1;
    const cfg_node *cals = oq__cfg_get(c->doc, "calendars");
    if (cals && oq__cfg_get(cals, *out))
        return oq__cfg_fail_quiet(c); /* its definition failed: reported */
    return oq__cfg_fail(c, n, "undefined calendar '%.80s' (define it under the top-level calendars:)",
                        *out);
}

/* The `holidays:` and `calendars:` sections: each calendar is built and
 * handed to the engine (which keeps a copy). */
static int load_calendars(cfg_ctx *c, const cfg_node *holidays, const cfg_node *cals)
{
    size_t p0 = oq__cfg_push_key(c, "holidays");
    int ok = oq__cfg_holidays_check(c, holidays);
    oq__cfg_pop(c, p0);
    if (!ok || !cals)
        return ok;
    p0 = oq__cfg_push_key(c, "calendars");
    ok = oq__cfg_check_map(c, cals, NULL, 1);
    oq_calendar_options opts;
    oq_calendar_options_init(&opts);
    FOR_PAIRS(cals, i, k, v)
    {
        oq_calendar *cal = NULL;
        if (!ok || c->stop || !oq__cfg_calendar_build(c, holidays, k, v, &opts, &cal)) {
            ok = 0;
            break;
        }
        ok = check_call(c, k, oq_engine_add_calendar(c->e, c->now_ms, cal));
        oq_calendar_destroy(cal);
    }
    oq__cfg_pop(c, p0);
    return ok;
}

/* Parse every scalar field of a queue into *s (strings point into the tree). */
static int queue_spec(cfg_ctx *c, const cfg_node *k, const cfg_node *v, oq_queue_spec *s)
{
    oq_queue_spec_init(s);
    s->id = k->s;
    const cfg_node *f;
    int ok = 1;
    CFG_AT_KEY(v, "priority", oq__cfg_int(c, f, -OQ_PRIORITY_MAX, OQ_PRIORITY_MAX, &s->priority))
    CFG_AT_KEY(v, "ordering", oq__cfg_enum(c, f, ORDER_NAMES, ORDER_VALUES, N_OF(ORDER_NAMES), &s->ordering))
    CFG_AT_KEY(v, "strategy",
          oq__cfg_enum_named(c, f, oq_strategy_name, OQ_STRATEGY_LONGEST_IDLE, &s->strategy))
    CFG_AT_KEY(v, "timeout_not_ready", oq__cfg_bool(c, f, &s->timeout_not_ready))
    CFG_AT_KEY(v, "sla_threshold", oq__cfg_seconds(c, f, &s->sla_threshold_s))
    CFG_AT_KEY(v, "sla_target", oq__cfg_fraction(c, f, &s->sla_target))
    CFG_AT_KEY(v, "offer_timeout", oq__cfg_seconds(c, f, &s->offer_timeout_s))
    CFG_AT_KEY(v, "wrapup", oq__cfg_seconds(c, f, &s->wrapup_s))
    CFG_AT_KEY(v, "aging", oq__cfg_number(c, f, 0, 1e6, &s->aging_per_s))
    CFG_AT_KEY(v, "max_length", oq__cfg_int(c, f, 0, INT32_MAX, &s->max_length)) /* as the API */
    CFG_AT_KEY(v, "max_wait", oq__cfg_seconds(c, f, &s->max_wait_s))
    CFG_AT_KEY(v, "limit_action", oq__cfg_enum(c, f, LIMIT_NAMES, LIMIT_VALUES, N_OF(LIMIT_NAMES), &s->limit_action))
    CFG_AT_KEY(v, "limit_queue", ref(c, f, OQ_KIND_QUEUE, &s->limit_queue))
    CFG_AT_KEY(v, "callback_channel", ref(c, f, OQ_KIND_CHANNEL, &s->callback_channel))
    CFG_AT_KEY(v, "refuse_if_no_agents", oq__cfg_bool(c, f, &s->refuse_if_no_agents))
    CFG_AT_KEY(v, "outbound", oq__cfg_bool(c, f, &s->outbound))
    CFG_AT_KEY(v, "default_aht", oq__cfg_seconds(c, f, &s->default_aht_s))
    CFG_AT_KEY(v, "deadline_warning", oq__cfg_seconds(c, f, &s->deadline_warning_s))
    CFG_AT_KEY(v, "keep_offer_on_not_ready", oq__cfg_bool(c, f, &s->keep_offer_on_not_ready))
    CFG_AT_KEY(v, "retry_after", oq__cfg_seconds(c, f, &s->retry_after_s))
    CFG_AT_KEY(v, "max_offers", oq__cfg_int(c, f, 0, INT16_MAX, &s->max_offers))
    CFG_AT_KEY(v, "last_agent_window", oq__cfg_seconds(c, f, &s->last_agent_window_s))
    CFG_AT_KEY(v, "last_agent_wait", oq__cfg_seconds(c, f, &s->last_agent_wait_s))
    CFG_AT_KEY(v, "calendar", calendar_ref(c, f, &s->calendar))
    CFG_AT_KEY(v, "closed_action", oq__cfg_enum(c, f, CLOSED_NAMES, CLOSED_VALUES, N_OF(CLOSED_NAMES), &s->closed_action))
    CFG_AT_KEY(v, "closed_queue", ref(c, f, OQ_KIND_QUEUE, &s->closed_queue))
    CFG_AT_KEY(v, "business_time", oq__cfg_bool(c, f, &s->business_time))
    return ok;
}

typedef oq_status (*skill_level_fn)(oq_engine *, int64_t, const char *, const char *, int32_t);
typedef struct {
    const char *owner; /* the queue or agent */
    skill_level_fn set;
} skill_levels_arg;

static int skill_level_entry(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg)
{
    const skill_levels_arg *a = arg;
    const char *sid;
    int32_t lvl = 0;
    return ref(c, k, OQ_KIND_SKILL, &sid) && oq__cfg_int(c, v, 1, OQ_LEVEL_MAX, &lvl) &&
           check_call(c, v, a->set(c->e, c->now_ms, a->owner, sid, lvl));
}

/* A mapping skill: level under `key`, each passed to set(e, now, owner, skill, level). */
static int skill_levels(cfg_ctx *c, const char *key, const cfg_node *map, const char *owner,
                        skill_level_fn set)
{
    skill_levels_arg a = {owner, set};
    return each_entry(c, key, map, 0, skill_level_entry, &a);
}

/* A list of names of `kind`, each passed to fn(e, now, owner, name). */
static int name_list(cfg_ctx *c, const char *key, const cfg_node *seq, int32_t kind,
                     const char *owner,
                     oq_status (*fn)(oq_engine *, int64_t, const char *, const char *))
{
    size_t p0 = oq__cfg_push_key(c, key);
    int ok = 1;
    if (seq && !oq__cfg_is_null(seq) && seq->kind != CFG_SEQ)
        ok = oq__cfg_fail(c, seq, "expected a list of %s names", kind_name(kind));
    for (int32_t i = 0; ok && seq && seq->kind == CFG_SEQ && i < seq->n; i++) {
        size_t p1 = oq__cfg_push_index(c, i);
        const char *id;
        const cfg_node *it = seq->kids[i];
        ok = ref(c, it, kind, &id);
        for (int32_t j = 0; ok && j < i; j++)
            if (seq->kids[j]->kind == CFG_SCALAR && strcmp(seq->kids[j]->s, id) == 0)
                ok = oq__cfg_fail(c, it, "'%.80s' is listed twice", id);
        if (ok)
            ok = check_call(c, it, fn(c->e, c->now_ms, owner, id));
        oq__cfg_pop(c, p1);
    }
    oq__cfg_pop(c, p0);
    return ok;
}

static int queue_add_entry(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg)
{
    (void)arg;
    const char *id;
    oq_queue_spec s;
    int ok = oq__cfg_id(c, k, &id) && oq__cfg_check_map(c, v, QUEUE_KEYS, 1);
    if (ok) {
        /* Limits may name queues defined later: set in pass 2. */
        oq_queue_spec_init(&s);
        s.id = id;
        if (ref_exists(c, OQ_KIND_QUEUE, id))
            ok = oq__cfg_fail(c, k, "duplicate queue '%.80s'", id);
        if (ok)
            ok = check_call(c, k, oq_queue_add(c->e, &s));
    }
    return ok &&
           name_list(c, "channels", oq__cfg_get(v, "channels"), OQ_KIND_CHANNEL, id,
                     oq_queue_add_channel) &&
           skill_levels(c, "requires", oq__cfg_get(v, "requires"), id, oq_queue_require_skill) &&
           skill_levels(c, "prefers", oq__cfg_get(v, "prefers"), id, oq_queue_prefer_skill) &&
           name_list(c, "groups", oq__cfg_get(v, "groups"), OQ_KIND_GROUP, id, oq_queue_add_group);
}

static int load_steps(cfg_ctx *c, const cfg_node *seq, const char *qid)
{
    size_t p0 = oq__cfg_push_key(c, "escalation");
    int ok = 1;
    if (!oq__cfg_is_null(seq) && seq->kind != CFG_SEQ)
        ok = oq__cfg_fail(c, seq, "expected a list of escalation steps");
    for (int32_t i = 0; ok && seq->kind == CFG_SEQ && i < seq->n; i++) {
        size_t p1 = oq__cfg_push_index(c, i);
        const cfg_node *v = seq->kids[i], *f;
        oq_escalation_step s;
        oq_escalation_step_init(&s);
        ok = oq__cfg_check_map(c, v, STEP_KEYS, 0);
        if (ok && !oq__cfg_get(v, "action"))
            ok = oq__cfg_fail(c, v, "missing key 'action'");
        if (ok && !oq__cfg_get(v, "after"))
            ok = oq__cfg_fail(c, v, "missing key 'after'");
        CFG_AT_KEY(v, "action", oq__cfg_enum_named(c, f, oq_step_action_name, OQ_STEP_LOWER_LEVEL, &s.action))
        CFG_AT_KEY(v, "after", oq__cfg_seconds(c, f, &s.after_s))
        CFG_AT_KEY(v, "timing", oq__cfg_enum(c, f, TIMING_NAMES, TIMING_VALUES, N_OF(TIMING_NAMES), &s.timing))
        CFG_AT_KEY(v, "skill", ref(c, f, OQ_KIND_SKILL, &s.skill))
        CFG_AT_KEY(v, "level", oq__cfg_int(c, f, 1, OQ_LEVEL_MAX, &s.level))
        CFG_AT_KEY(v, "group", ref(c, f, OQ_KIND_GROUP, &s.group))
        CFG_AT_KEY(v, "priority", oq__cfg_int(c, f, -OQ_PRIORITY_MAX, OQ_PRIORITY_MAX, &s.priority))
        CFG_AT_KEY(v, "queue", ref(c, f, OQ_KIND_QUEUE, &s.queue))
        CFG_AT_KEY(v, "message", oq__cfg_string(c, f, &s.message))
        CFG_AT_KEY(v, "skip_if_no_agents",
               oq__cfg_enum(c, f, SKIP_NAMES, SKIP_VALUES, N_OF(SKIP_NAMES), &s.skip_if_no_agents))
        CFG_AT_KEY(v, "when_ewt_above", oq__cfg_number(c, f, 0, DBL_MAX, &s.when_ewt_above_s))
        CFG_AT_KEY(v, "when_sl_below", oq__cfg_fraction(c, f, &s.when_sl_below))
        /* Fields the action needs. */
        const char *need = NULL;
        switch (s.action) {
        case OQ_STEP_LOWER_LEVEL:
            need = !s.skill ? "skill" : !oq__cfg_get(v, "level") ? "level" : NULL;
            break;
        case OQ_STEP_DROP_REQUIRED:
        case OQ_STEP_DROP_PREFERRED:
            need = !s.skill ? "skill" : NULL;
            break;
        case OQ_STEP_ADD_GROUP:
            need = !s.group ? "group" : NULL;
            break;
        case OQ_STEP_RAISE_PRIORITY:
        case OQ_STEP_PRIORITY_AT_LEAST:
            need = !oq__cfg_get(v, "priority") ? "priority" : NULL;
            break;
        case OQ_STEP_OVERFLOW:
            need = !s.queue ? "queue" : NULL;
            break;
        default:
            break;
        }
        if (ok && need)
            ok = oq__cfg_fail(c, v, "missing key '%s' (action %s needs it)", need,
                          oq_step_action_name(s.action));
        if (ok)
            ok = check_call(c, v, oq_queue_add_step(c->e, c->now_ms, qid, &s));
        oq__cfg_pop(c, p1);
    }
    oq__cfg_pop(c, p0);
    return ok;
}

/* A queue's settings, once every queue exists (limits name other queues). */
static int queue_set_entry(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg)
{
    (void)arg;
    if (!ref_exists(c, OQ_KIND_QUEUE, k->s)) /* its definition failed: reported */
        return oq__cfg_fail_quiet(c);
    oq_queue_spec s;
    int ok = queue_spec(c, k, v, &s) && check_call(c, k, oq_queue_update(c->e, c->now_ms, &s));
    const cfg_node *f;
    int32_t rule = 0;
    CFG_AT_KEY(v, "blend", oq__cfg_enum(c, f, BLEND_NAMES, BLEND_VALUES, N_OF(BLEND_NAMES), &rule) &&
                           check_call(c, f, oq_queue_set_blend(c->e, c->now_ms, k->s, rule)))
    if (ok && (f = oq__cfg_get(v, "escalation")))
        ok = load_steps(c, f, k->s);
    return ok;
}

/* ---- agents ---------------------------------------------------------------------- */

static oq_status agent_set_skill(oq_engine *e, int64_t now, const char *a, const char *s, int32_t l)
{
    return oq_agent_set_skill(e, now, a, s, l);
}

static int agent_channel_entry(cfg_ctx *c, const cfg_node *ck, const cfg_node *cv,
                               const void *agent)
{
    const char *cid;
    int32_t mx = 0;
    return ref(c, ck, OQ_KIND_CHANNEL, &cid) && oq__cfg_int(c, cv, 0, 10000, &mx) &&
           check_call(c, cv, oq_agent_set_channel_limit(c->e, c->now_ms, agent, cid, mx));
}

static int agent_entry(cfg_ctx *c, const cfg_node *k, const cfg_node *v, const void *arg)
{
    (void)arg;
    const char *id;
    int32_t cap = 100;
    const cfg_node *f;
    int ok = oq__cfg_id(c, k, &id) && oq__cfg_check_map(c, v, AGENT_KEYS, 1);
    CFG_AT_KEY(v, "capacity", oq__cfg_int(c, f, 1, OQ_CAPACITY_MAX, &cap))
    if (ok)
        ok = check_call(c, k, oq_agent_add(c->e, id, cap));
    if (ok)
        ok = skill_levels(c, "skills", oq__cfg_get(v, "skills"), id, agent_set_skill) &&
             name_list(c, "groups", oq__cfg_get(v, "groups"), OQ_KIND_GROUP, id, oq_agent_join_group);
    if (ok && (f = oq__cfg_get(v, "channels")))
        ok = each_entry(c, "channels", f, EACH_FIRST, agent_channel_entry, id);
    const char *pid;
    CFG_AT_KEY(v, "profile", ref(c, f, OQ_KIND_PROFILE, &pid) &&
                             check_call(c, f, oq_agent_set_profile(c->e, c->now_ms, id, pid)))
    if (ok && (f = oq__cfg_get(v, "policy"))) {
        size_t p2 = oq__cfg_push_key(c, "policy");
        const cfg_node *pol_map = f;
        oq_agent_policy pol;
        oq_agent_policy_init(&pol);
        ok = oq__cfg_check_map(c, pol_map, POLICY_KEYS, 1);
        CFG_AT_KEY(pol_map, "max_no_answer", oq__cfg_int(c, f, 0, 1000, &pol.max_no_answer))
        CFG_AT_KEY(pol_map, "max_per_window", oq__cfg_int(c, f, 0, 64, &pol.max_per_window))
        CFG_AT_KEY(pol_map, "window", oq__cfg_seconds(c, f, &pol.window_s))
        CFG_AT_KEY(pol_map, "reject_delay", oq__cfg_seconds(c, f, &pol.reject_delay_s))
        CFG_AT_KEY(pol_map, "no_answer_delay", oq__cfg_seconds(c, f, &pol.no_answer_delay_s))
        if (ok)
            ok = check_call(c, pol_map, oq_agent_set_policy(c->e, c->now_ms, id, &pol));
        oq__cfg_pop(c, p2);
    }
    return ok;
}

/* ---- driver --------------------------------------------------------------------- */

int oq__cfg_populate(cfg_ctx *c, const cfg_node *root)
{
    const cfg_node *groups = oq__cfg_get(root, "groups"), *profiles = oq__cfg_get(root, "profiles");
    const cfg_node *queues = oq__cfg_get(root, "queues");
    /* Every section, even after an error in one (each stops when c->stop):
     * references to entries that failed are not reported again (ref). */
    c->doc = root;
    int ok = load_calendars(c, oq__cfg_get(root, "holidays"), oq__cfg_get(root, "calendars"));
    ok &= each_entry(c, "channels", oq__cfg_get(root, "channels"), 0, channel_entry, NULL);
    ok &= each_entry(c, "skills", oq__cfg_get(root, "skills"), 0, skill_entry, NULL);
    ok &= each_entry(c, "profiles", profiles, 0, profile_add_entry, NULL);
    ok &= load_groups(c, groups, 0);
    ok &= each_entry(c, "queues", queues, 0, queue_add_entry, NULL);
    ok &= each_entry(c, "queues", queues, EACH_CHECKED, queue_set_entry, NULL);
    ok &= each_entry(c, "profiles", profiles, EACH_CHECKED, profile_set_entry, NULL);
    ok &= load_groups(c, groups, 1);
    ok &= each_entry(c, "agents", oq__cfg_get(root, "agents"), 0, agent_entry, NULL);
    return ok && !c->stop;
}

int oq__cfg_build(cfg_ctx *c, const oq_engine_options *opts, const cfg_node *root, int extra)
{
    oq_engine_options o;
    char why[OQ__ABI_MSG];
    if (!opts)
        oq_engine_options_init(&o);
    else if (OQ__OPTIONS_COPY(&o, opts, oq_engine_options, alloc, why) != OQ_OK)
        return oq__cfg_fail(c, NULL, "%s", why);
    if (!oq__cfg_check_map(c, root, oq__cfg_top_keys(extra), 1))
        return 0;
    const cfg_node *eng = oq__cfg_get(root, "engine");
    if (eng && !read_engine(c, eng, &o))
        return 0;
    /* Building draws random keys (OQ_STRATEGY_RANDOM) from the generator. Draw
     * them from a stream derived from the seed, then start the engine's own
     * stream at the seed itself: a dump then records `seed` as given, and a
     * dump loads into an engine that makes the same random decisions. */
    uint64_t seed = o.seed;
    o.seed = seed ^ 0x6A09E667F3BCC909ull;
    oq_status st = oq_engine_create(&o, &c->e);
    if (st != OQ_OK) {
        oq__cfg_fail(c, eng, "cannot create the engine: %s", oq_status_str(st));
        if (st == OQ_ENOMEM)
            c->status = OQ_ENOMEM;
        return 0;
    }
    c->now_ms = o.start_ms;
    int ok = oq__cfg_populate(c, root);
    if (ok && oq_engine_set_seed(c->e, seed) != OQ_OK)
        ok = oq__cfg_fail(c, eng, "cannot seed the engine: %s", oq_engine_last_error(c->e));
    return ok;
}

const char *const *oq__cfg_top_keys(int extra)
{
    return extra == CFG_EXTRA_TIMELINE ? TOP_KEYS_SCRIPT
           : extra == CFG_EXTRA_SCENARIO ? TOP_KEYS_SCENARIO
                                         : TOP_KEYS;
}

oq_status oq__cfg_load(const oq_load_options *lo, const char *path, const char *yaml, size_t len,
                       const char *name, oq_engine **out, oq_error *err, cfg_extra_fn extra,
                       void *user)
{
    cfg_ctx c;
    oq_load_options full;
    name = name ? name : path ? path : "<buffer>";
    if (!oq__cfg_options_ok(&lo, &full, name, err))
        return OQ_EINVAL;
    oq__cfg_ctx_init(&c, name, err, lo);
    if (!out || (!path && !yaml && len > 0)) {
        oq__cfg_fail(&c, NULL, "invalid argument");
        oq__error_status(err, OQ_EINVAL);
        return OQ_EINVAL;
    }
    char *buf = NULL;
    int ok = 1;
    if (path) {
        ok = oq__cfg_read_file(&c, path, &buf, &len);
        yaml = buf;
    }
    cfg_node *root = NULL;
    int extra_kind = extra ? CFG_EXTRA_TIMELINE : CFG_EXTRA_NONE;
    c.top_keys = oq__cfg_top_keys(extra_kind);
    ok = ok && oq__cfg_parse(&c, yaml ? yaml : "", yaml ? len : 0, &root);
    if (ok) {
        ok = oq__cfg_build(&c, lo ? lo->engine : NULL, root, extra_kind);
        /* the timeline too, to report its errors with the configuration's */
        if (extra && c.e && !c.stop)
            ok = extra(&c, root, user) && ok;
    }
    oq__cfg_free(root);
    free(buf);
    if (!ok || c.status != OQ_OK) {
        oq_engine_destroy(c.e);
        oq_status st = c.status != OQ_OK ? c.status : OQ_ECONFIG;
        oq__error_status(err, st);
        return st;
    }
    *out = c.e;
    return OQ_OK;
}

/* The simple entry points: engine options only, the first error only. */
static oq_status load_one_error(const oq_engine_options *opts, const char *path, const char *yaml,
                                size_t len, const char *name, oq_engine **out, oq_error *err)
{
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.engine = opts;
    lo.max_errors = 1;
    return oq__cfg_load(&lo, path, yaml, len, name, out, err, NULL, NULL);
}

oq_status oq_config_load_file(const oq_engine_options *opts, const char *path, oq_engine **out,
                              oq_error *err)
{
    if (!path)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path is NULL");
    return load_one_error(opts, path, NULL, 0, path, out, err);
}

oq_status oq_config_load_buffer(const oq_engine_options *opts, const char *yaml, size_t len,
                                const char *name, oq_engine **out, oq_error *err)
{
    return load_one_error(opts, NULL, yaml, len, name, out, err);
}
