/* SPDX-License-Identifier: MIT */
/* Scripts: a configuration plus a `timeline` of host actions. */
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "engine/fail.h"

struct oq_script {
    oq_script_action *items;
    int32_t n, cap;
    void **owned;          /* every string / array the items point to */
    int32_t n_owned, cap_owned;
};

static const char *const ACT_NAMES[] = {"login",      "ready",    "not_ready", "logout",
                                        "arrive",     "accept",   "reject",    "abandon",
                                        "complete",   "end_wrapup", "transfer", "escalate",
                                        "park",       "reopen",   "priority",  "remove",
                                        "advance",    "callback"};
static const int32_t ACT_VALUES[] = {OQ_ACT_LOGIN,    OQ_ACT_READY,      OQ_ACT_NOT_READY,
                                     OQ_ACT_LOGOUT,   OQ_ACT_ARRIVE,     OQ_ACT_ACCEPT,
                                     OQ_ACT_REJECT,   OQ_ACT_ABANDON,    OQ_ACT_COMPLETE,
                                     OQ_ACT_END_WRAPUP, OQ_ACT_TRANSFER, OQ_ACT_ESCALATE,
                                     OQ_ACT_PARK,     OQ_ACT_REOPEN,     OQ_ACT_PRIORITY,
                                     OQ_ACT_REMOVE,   OQ_ACT_ADVANCE,    OQ_ACT_CALLBACK};
#define N_ACTS ((int)(sizeof ACT_NAMES / sizeof ACT_NAMES[0]))

const char *oq_script_action_name(int32_t action)
{
    return action >= 1 && action <= N_ACTS ? ACT_NAMES[action - 1] : "unknown";
}

/* Keys each action accepts besides `at` and `do` (first the required ones, then "|", then optional). */
static const char *const ACT_KEYS[][12] = {
    [OQ_ACT_LOGIN] = {"agent", "|", "ready", NULL},
    [OQ_ACT_READY] = {"agent", "|", NULL},
    [OQ_ACT_NOT_READY] = {"agent", "|", "reason", NULL},
    [OQ_ACT_LOGOUT] = {"agent", "|", NULL},
    [OQ_ACT_ARRIVE] = {"contact", "channel", "queue", "|", "customer", "preferred_agent",
                       "preferred_wait", "priority", "requires", "prefers", "reply_within", NULL},
    [OQ_ACT_ACCEPT] = {"contact", "|", "agent", NULL},
    [OQ_ACT_REJECT] = {"contact", "|", "agent", NULL},
    [OQ_ACT_ABANDON] = {"contact", "|", NULL},
    [OQ_ACT_COMPLETE] = {"contact", "|", NULL},
    [OQ_ACT_END_WRAPUP] = {"agent", "|", NULL},
    [OQ_ACT_TRANSFER] = {"contact", "|", "queue", "agent", "wait", NULL},
    [OQ_ACT_ESCALATE] = {"contact", "queue", "|", "reason", NULL},
    [OQ_ACT_PARK] = {"contact", "|", "reason", NULL},
    [OQ_ACT_REOPEN] = {"contact", "|", "queue", "wait", NULL},
    [OQ_ACT_PRIORITY] = {"contact", "priority", "|", NULL},
    [OQ_ACT_REMOVE] = {"contact", "|", NULL},
    [OQ_ACT_ADVANCE] = {"|", NULL},
    [OQ_ACT_CALLBACK] = {"contact", "|", NULL},
};

void oq_script_free(oq_script *s)
{
    if (!s)
        return;
    for (int32_t i = 0; i < s->n_owned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->items);
    free(s);
}

static void *own(oq_script *s, void *p)
{
    if (!p)
        return NULL;
    if (s->n_owned == s->cap_owned) {
        int32_t cap = s->cap_owned ? s->cap_owned * 2 : 64;
        void **o = realloc(s->owned, (size_t)cap * sizeof *o);
        if (!o) {
            free(p);
            return NULL;
        }
        s->owned = o;
        s->cap_owned = cap;
    }
    s->owned[s->n_owned++] = p;
    return p;
}

static const char *own_str(oq_script *s, const char *str)
{
    size_t n = strlen(str);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, str, n + 1);
    return own(s, p);
}

#define nomem oq__cfg_nomem

/* A string field copied into the script. */
static int str_field(cfg_ctx *c, oq_script *s, const cfg_node *v, const char *key, int is_id,
                     const char **dst)
{
    const cfg_node *f = oq__cfg_get(v, key);
    if (!f)
        return 1;
    size_t p = oq__cfg_push_key(c, key);
    const char *tmp = NULL;
    int ok = is_id ? oq__cfg_id(c, f, &tmp) : oq__cfg_string(c, f, &tmp);
    if (ok && !(*dst = own_str(s, tmp)))
        ok = nomem(c);
    oq__cfg_pop(c, p);
    return ok;
}

static int skills_field(cfg_ctx *c, oq_script *s, const cfg_node *v, const char *key, int32_t *n,
                        const char *const **ids, const int32_t **levels)
{
    const cfg_node *f = oq__cfg_get(v, key);
    if (!f)
        return 1;
    size_t p = oq__cfg_push_key(c, key);
    int ok = oq__cfg_check_map(c, f, NULL, 1);
    int32_t cnt = f->kind == CFG_MAP ? f->n / 2 : 0;
    if (ok && cnt > OQ_CONTACT_SKILLS_MAX)
        ok = oq__cfg_fail(c, f, "at most %d skills", OQ_CONTACT_SKILLS_MAX);
    if (ok && cnt > 0) {
        const char **idv = own(s, calloc((size_t)cnt, sizeof *idv));
        int32_t *lv = own(s, calloc((size_t)cnt, sizeof *lv));
        if (!idv || !lv)
            ok = nomem(c);
        for (int32_t i = 0; ok && i < cnt; i++) {
            const cfg_node *k = f->kids[2 * i];
            size_t p1 = oq__cfg_push_key(c, k->s);
            const char *sid;
            ok = oq__cfg_id(c, k, &sid) && oq__cfg_int(c, f->kids[2 * i + 1], 1, OQ_LEVEL_MAX, &lv[i]);
            if (ok && !(idv[i] = own_str(s, sid)))
                ok = nomem(c);
            oq__cfg_pop(c, p1);
        }
        if (ok) {
            *n = cnt;
            *ids = idv;
            *levels = lv;
        }
    }
    oq__cfg_pop(c, p);
    return ok;
}

static int read_item(cfg_ctx *c, oq_script *s, const cfg_node *v, int64_t prev_ms,
                     oq_script_action *a)
{
    memset(a, 0, sizeof *a);
    a->line = v->line;
    a->ready = 1;
    if (!oq__cfg_check_map(c, v, NULL, 0))
        return 0;
    const cfg_node *at = oq__cfg_get(v, "at"), *act = oq__cfg_get(v, "do");
    if (!at)
        return oq__cfg_fail(c, v, "missing key 'at' (the time of the action, in seconds)");
    if (!act)
        return oq__cfg_fail(c, v, "missing key 'do' (the action)");
    size_t p = oq__cfg_push_key(c, "do");
    int ok = oq__cfg_enum(c, act, ACT_NAMES, ACT_VALUES, N_ACTS, &a->action);
    oq__cfg_pop(c, p);
    if (!ok)
        return 0;
    p = oq__cfg_push_key(c, "at");
    ok = oq__cfg_time_ms(c, at, &a->at_ms);
    if (ok) {
        if (a->at_ms < prev_ms)
            ok = oq__cfg_fail(c, at, "times must not go backwards (the previous action is at %.3f)",
                          (double)prev_ms / 1000.0);
    }
    oq__cfg_pop(c, p);
    if (!ok)
        return 0;
    /* keys allowed / required by the action */
    const char *const *keys = ACT_KEYS[a->action];
    for (int32_t i = 0; i + 1 < v->n; i += 2) {
        const char *k = v->kids[i]->s;
        int found = strcmp(k, "at") == 0 || strcmp(k, "do") == 0;
        for (int j = 0; !found && keys[j]; j++)
            found = strcmp(keys[j], k) == 0;
        if (!found) {
            const char *cands[16] = {"at", "do"};
            int nc = 2;
            for (int j = 0; keys[j] && nc < 15; j++)
                if (strcmp(keys[j], "|") != 0)
                    cands[nc++] = keys[j];
            char dym[128];
            return oq__cfg_fail(c, v->kids[i], "unknown key '%.80s' for action %s%s", k,
                                oq_script_action_name(a->action),
                                oq__cfg_did_you_mean(dym, sizeof dym, oq__cfg_suggest_list(k, cands)));
        }
    }
    for (int j = 0; strcmp(keys[j], "|") != 0; j++)
        if (!oq__cfg_get(v, keys[j]))
            return oq__cfg_fail(c, v, "missing key '%s' (action %s needs it)", keys[j],
                            oq_script_action_name(a->action));
    const cfg_node *f;
    ok = str_field(c, s, v, "agent", 1, &a->agent) && str_field(c, s, v, "contact", 1, &a->contact) &&
         str_field(c, s, v, "queue", 1, &a->queue) && str_field(c, s, v, "channel", 1, &a->channel) &&
         str_field(c, s, v, "customer", 1, &a->customer) &&
         str_field(c, s, v, "preferred_agent", 1, &a->preferred_agent) &&
         str_field(c, s, v, "reason", 0, &a->reason) &&
         skills_field(c, s, v, "requires", &a->n_required, &a->required_skills, &a->required_levels) &&
         skills_field(c, s, v, "prefers", &a->n_preferred, &a->preferred_skills, &a->preferred_levels);
    CFG_AT_KEY(v, "ready", oq__cfg_bool(c, f, &a->ready))
    CFG_AT_KEY(v, "priority", oq__cfg_int(c, f, -OQ_PRIORITY_MAX, OQ_PRIORITY_MAX, &a->priority))
    CFG_AT_KEY(v, "wait", oq__cfg_seconds(c, f, &a->wait_s))
    CFG_AT_KEY(v, "preferred_wait", oq__cfg_seconds(c, f, &a->wait_s))
    double within = 0;
    CFG_AT_KEY(v, "reply_within", oq__cfg_seconds(c, f, &within))
    if (ok && within > 0) {
        int64_t w = oq__cfg_ms(within);
        if (a->at_ms > INT64_MAX - w)
            ok = oq__cfg_fail(c, oq__cfg_get(v, "reply_within"), "reply_within: the deadline is past the end of time");
        else
            a->deadline_ms = a->at_ms + w;
    }
    if (ok && a->action == OQ_ACT_TRANSFER && !a->queue == !a->agent)
        ok = oq__cfg_fail(c, v, "transfer needs either 'queue' or 'agent' (with 'wait')");
    if (ok && a->action == OQ_ACT_TRANSFER && a->agent && !(a->wait_s > 0))
        ok = oq__cfg_fail(c, v, "transfer to an agent needs 'wait' > 0 (seconds reserved for it)");
    return ok;
}

/* ---- references (oq_load_options.check_references) ---------------------- */

typedef struct seen_contacts {
    const char **ids;
    int32_t n, cap;
} seen_contacts;

static const char *next_seen(void *vit)
{
    struct { const seen_contacts *sc; int32_t i; } *it = vit;
    return it->i < it->sc->n ? it->sc->ids[it->i++] : NULL;
}

/* The timeline node of field `key` of item v, for positions. */
static const cfg_node *field_node(const cfg_node *v, const char *key)
{
    const cfg_node *f = oq__cfg_get(v, key);
    return f ? f : v;
}

/* One id field of an item must name an object of `kind` the configuration
 * defines. */
static int check_ref(cfg_ctx *c, const cfg_node *v, const char *key, const char *id, int32_t kind,
                     const char *what)
{
    if (!id)
        return 1;
    int exists = 0;
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
    oq_channel_spec cs;
    oq_channel_spec_init(&cs);
    switch (kind) {
    case OQ_KIND_AGENT: exists = oq_agent_get(c->e, id, &ai) == OQ_OK; break;
    case OQ_KIND_QUEUE: exists = oq_queue_get(c->e, id, &qi) == OQ_OK; break;
    default: exists = oq_channel_get(c->e, id, &cs) == OQ_OK; break;
    }
    if (exists)
        return 1;
    if (oq__cfg_defined_in_doc(c, kind, id))
        return oq__cfg_fail_quiet(c); /* its definition failed: reported */
    size_t p = oq__cfg_push_key(c, key);
    char dym[128];
    oq__cfg_fail(c, field_node(v, key), "undefined %s '%.80s'%s", what, id,
                 oq__cfg_did_you_mean(dym, sizeof dym, oq__cfg_suggest_id(c->e, kind, id)));
    oq__cfg_pop(c, p);
    return 0;
}

/* Agents, queues and channels an item names are defined; a contact was
 * introduced by an earlier `arrive` (contacts ids are remembered in order). */
static int check_item_refs(cfg_ctx *c, const cfg_node *v, const oq_script_action *a,
                           seen_contacts *sc)
{
    int ok = check_ref(c, v, "agent", a->agent, OQ_KIND_AGENT, "agent");
    ok &= check_ref(c, v, "preferred_agent", a->preferred_agent, OQ_KIND_AGENT, "agent");
    ok &= check_ref(c, v, "queue", a->queue, OQ_KIND_QUEUE, "queue");
    ok &= check_ref(c, v, "channel", a->channel, OQ_KIND_CHANNEL, "channel");
    if (!a->contact)
        return ok;
    int known = 0;
    for (int32_t i = sc->n - 1; i >= 0 && !known; i--)
        known = strcmp(sc->ids[i], a->contact) == 0;
    if (a->action == OQ_ACT_ARRIVE) {
        if (!known) {
            if (sc->n == sc->cap) {
                int32_t cap = sc->cap ? sc->cap * 2 : 64;
                const char **ids = realloc(sc->ids, (size_t)cap * sizeof *ids);
                if (!ids)
                    return nomem(c);
                sc->ids = ids;
                sc->cap = cap;
            }
            sc->ids[sc->n++] = a->contact;
        }
        return ok;
    }
    if (known)
        return ok;
    struct { const seen_contacts *sc; int32_t i; } it = {sc, 0};
    size_t p = oq__cfg_push_key(c, "contact");
    char dym[128];
    oq__cfg_fail(c, field_node(v, "contact"), "contact '%.80s' is not introduced by an earlier "
                 "arrive%s", a->contact,
                 oq__cfg_did_you_mean(dym, sizeof dym, oq__cfg_suggest(a->contact, next_seen, &it)));
    oq__cfg_pop(c, p);
    return 0;
}

typedef struct timeline_job {
    oq_script **out;
    int check_references;
} timeline_job;

static int read_timeline(cfg_ctx *c, const cfg_node *root, void *user)
{
    timeline_job *job = user;
    const cfg_node *tl = oq__cfg_get(root, "timeline");
    oq_script *s = calloc(1, sizeof *s);
    if (!s)
        return nomem(c);
    size_t p0 = oq__cfg_push_key(c, "timeline");
    int all = 1;
    if (tl && !oq__cfg_is_null(tl) && tl->kind != CFG_SEQ)
        all = oq__cfg_fail(c, tl, "expected a list of actions ({at: seconds, do: action, ...})");
    int64_t prev = INT64_MIN;
    oq_engine_now(c->e, &prev);
    seen_contacts sc = {0};
    /* Each item on its own: an error in one does not hide the next ones. */
    for (int32_t i = 0; !c->stop && tl && tl->kind == CFG_SEQ && i < tl->n; i++) {
        if (s->n == s->cap) {
            int32_t cap = s->cap ? s->cap * 2 : 32;
            oq_script_action *it = realloc(s->items, (size_t)cap * sizeof *it);
            if (!it) {
                all = nomem(c);
                break;
            }
            s->items = it;
            s->cap = cap;
        }
        size_t p1 = oq__cfg_push_index(c, i);
        int ok = read_item(c, s, tl->kids[i], prev, &s->items[s->n]);
        if (ok && job->check_references)
            ok = check_item_refs(c, tl->kids[i], &s->items[s->n], &sc);
        if (ok)
            prev = s->items[s->n++].at_ms;
        all &= ok;
        oq__cfg_pop(c, p1);
    }
    free(sc.ids);
    oq__cfg_pop(c, p0);
    if (!all) {
        oq_script_free(s);
        return 0;
    }
    *job->out = s;
    return 1;
}

oq_status oq_config_load(const oq_load_options *options, const char *path, const char *yaml,
                         size_t len, const char *name, oq_engine **engine, oq_script **script,
                         oq_error *err)
{
    oq_script *s = NULL;
    timeline_job job = {&s, options ? options->check_references : 0};
    oq_status st = oq__cfg_load(options, path, yaml, len, name, engine, err,
                                script ? read_timeline : NULL, &job);
    if (st == OQ_OK && script)
        *script = s;
    else
        oq_script_free(s);
    return st;
}

static oq_status script_load(const oq_engine_options *opts, const char *path, const char *yaml,
                             size_t len, const char *name, oq_engine **engine, oq_script **script,
                             oq_error *err)
{
    name = name ? name : path ? path : "<buffer>";
    if (!script || !engine)
        return oq__error(err, OQ_EINVAL, name, 0, 0, "%s is NULL", script ? "engine" : "script");
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.engine = opts;
    lo.max_errors = 1;
    return oq_config_load(&lo, path, yaml, len, name, engine, script, err);
}

oq_status oq_script_load_file(const oq_engine_options *opts, const char *path, oq_engine **engine,
                              oq_script **script, oq_error *err)
{
    if (!path)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path is NULL");
    return script_load(opts, path, NULL, 0, path, engine, script, err);
}

oq_status oq_script_load_buffer(const oq_engine_options *opts, const char *yaml, size_t len,
                                const char *name, oq_engine **engine, oq_script **script,
                                oq_error *err)
{
    return script_load(opts, NULL, yaml, len, name, engine, script, err);
}

int32_t oq_script_count(const oq_script *s) { return s ? s->n : 0; }

oq_status oq_script_get(const oq_script *s, int32_t index, oq_script_action *out)
{
    if (!s || !out || index < 0 || index >= s->n)
        return OQ_EINVAL;
    *out = s->items[index];
    return OQ_OK;
}


oq_status oq_script_apply(oq_engine *e, const oq_script *s, int32_t index)
{
    if (!e || !s || index < 0 || index >= s->n)
        return OQ_EINVAL;
    const oq_script_action *a = &s->items[index];
    int64_t t = a->at_ms;
    oq_status st = oq_engine_advance(e, t);
    if (st != OQ_OK)
        return st;
    switch (a->action) {
    case OQ_ACT_LOGIN: return oq_agent_login(e, t, a->agent, a->ready);
    case OQ_ACT_READY: return oq_agent_ready(e, t, a->agent);
    case OQ_ACT_NOT_READY: return oq_agent_not_ready(e, t, a->agent, a->reason);
    case OQ_ACT_LOGOUT: return oq_agent_logout(e, t, a->agent);
    case OQ_ACT_ARRIVE: {
        oq_contact_spec cs;
        oq_contact_spec_init(&cs);
        cs.id = a->contact;
        cs.channel = a->channel;
        cs.queue = a->queue;
        cs.customer = a->customer;
        cs.preferred_agent = a->preferred_agent;
        cs.priority = a->priority;
        cs.n_required = a->n_required;
        cs.required_skills = a->required_skills;
        cs.required_levels = a->required_levels;
        cs.n_preferred = a->n_preferred;
        cs.preferred_skills = a->preferred_skills;
        cs.preferred_levels = a->preferred_levels;
        cs.deadline_ms = a->deadline_ms;
        cs.preferred_wait_s = a->wait_s;
        return oq_contact_arrive(e, t, &cs);
    }
    case OQ_ACT_ACCEPT:
    case OQ_ACT_REJECT: {
        const char *agent = a->agent;
        if (!agent) { /* the agent it is offered to */
            oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
            if (oq_contact_get(e, a->contact, &ci) != OQ_OK)
                return oq__fail(e, OQ_ENOTFOUND, "contact '%s': unknown contact", a->contact);
            if (!(agent = ci.agent))
                return oq__fail(e, OQ_ESTATE, "contact '%s' is not offered to any agent", a->contact);
        }
        return a->action == OQ_ACT_ACCEPT ? oq_offer_accept(e, t, a->contact, agent)
                                          : oq_offer_reject(e, t, a->contact, agent);
    }
    case OQ_ACT_ABANDON: return oq_contact_abandon(e, t, a->contact);
    case OQ_ACT_COMPLETE: return oq_contact_complete(e, t, a->contact);
    case OQ_ACT_END_WRAPUP: return oq_agent_end_wrapup(e, t, a->agent);
    case OQ_ACT_TRANSFER:
        return a->agent ? oq_contact_transfer_to_agent(e, t, a->contact, a->agent, a->wait_s)
                        : oq_contact_transfer(e, t, a->contact, a->queue);
    case OQ_ACT_ESCALATE: return oq_contact_escalate(e, t, a->contact, a->queue, a->reason);
    case OQ_ACT_PARK: return oq_contact_park(e, t, a->contact, a->reason);
    case OQ_ACT_REOPEN: return oq_contact_reopen(e, t, a->contact, a->queue, a->wait_s);
    case OQ_ACT_PRIORITY: return oq_contact_set_priority(e, t, a->contact, a->priority);
    case OQ_ACT_REMOVE: return oq_contact_remove(e, t, a->contact);
    case OQ_ACT_ADVANCE: return OQ_OK;
    case OQ_ACT_CALLBACK: return oq_contact_request_callback(e, t, a->contact);
    default: return OQ_EINVAL;
    }
}
