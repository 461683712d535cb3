/* SPDX-License-Identifier: MIT */
/* The request commands: one JSON object per line in, one reply line out.
 * Replies: {"ok":true,...} or {"ok":false,"error":"OQ_...","message":"..."};
 * protocol problems (bad JSON, unknown command or key, missing or mistyped
 * field) are OQ_EINVAL with a message naming the problem. Engine calls use
 * the loop iteration's `now`; their journal records are committed by the
 * loop before this reply is sent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/json.h"
#include "server.h"

typedef struct req {
    server *s;
    tenant *t;           /* the tenant addressed (NULL for ping, leader, hello) */
    conn *c;
    const json_object *o;
    buf *out;
    int64_t now;
} req;

static void reply_error(req *r, const char *status, const char *message)
{
    buf_puts(r->out, "{\"ok\":false,\"error\":");
    json_put_string(r->out, status);
    buf_puts(r->out, ",\"message\":");
    json_put_string(r->out, message);
    buf_puts(r->out, "}\n");
}

static void reply_invalid(req *r, const char *fmt, const char *arg)
{
    char msg[600];
    snprintf(msg, sizeof msg, fmt, arg);
    reply_error(r, "OQ_EINVAL", msg);
}

/* A failed engine call: its status name and the engine's message. */
static void reply_engine_error(req *r, oq_status st)
{
    const char *m = oq_engine_last_error(r->t->e);
    reply_error(r, oq_status_name(st), m && m[0] ? m : oq_status_str(st));
}

/* Reply {"ok":true} for OQ_OK, the error otherwise. */
static void reply_status(req *r, oq_status st)
{
    if (st == OQ_OK)
        buf_puts(r->out, "{\"ok\":true}\n");
    else
        reply_engine_error(r, st);
}

/* ---- fields ---------------------------------------------------------------- */

/* A string field; *out NULL when absent and optional. -1: reply written. */
static int get_str(req *r, const char *key, int required, const char **out)
{
    const json_value *v = json_get(r->o, key);
    *out = NULL;
    if (!v || v->type == JV_NULL) {
        if (required) {
            reply_invalid(r, "missing field '%s'", key);
            return -1;
        }
        return 0;
    }
    if (v->type != JV_STRING) {
        reply_invalid(r, "field '%s' must be a string", key);
        return -1;
    }
    *out = v->str;
    return 0;
}

static int get_int(req *r, const char *key, int64_t dflt, int64_t lo, int64_t hi, int64_t *out)
{
    const json_value *v = json_get(r->o, key);
    *out = dflt;
    if (!v || v->type == JV_NULL)
        return 0;
    if (v->type != JV_NUMBER || v->num != floor(v->num) || v->num < (double)lo || v->num > (double)hi) {
        reply_invalid(r, "field '%s' must be an integer in range", key);
        return -1;
    }
    *out = (int64_t)v->num;
    return 0;
}

static int get_bool(req *r, const char *key, int dflt, int *out)
{
    const json_value *v = json_get(r->o, key);
    *out = dflt;
    if (!v || v->type == JV_NULL)
        return 0;
    if (v->type != JV_BOOL) {
        reply_invalid(r, "field '%s' must be true or false", key);
        return -1;
    }
    *out = v->boolean;
    return 0;
}

/* "agent", defaulting to the connection's hello agent. */
static int get_agent(req *r, const char **out)
{
    if (get_str(r, "agent", 0, out))
        return -1;
    if (!*out && r->c->agent[0])
        *out = r->c->agent;
    if (!*out) {
        reply_invalid(r, "missing field '%s' (or say hello as an agent first)", "agent");
        return -1;
    }
    return 0;
}

/* Skill lists: ["english:5", "sales"] (level 1 when omitted). */
typedef struct skill_list {
    int n;
    char names[JSON_ARRAY_MAX][OQ_ID_MAX + 1];
    const char *ptrs[JSON_ARRAY_MAX];
    int32_t levels[JSON_ARRAY_MAX];
} skill_list;

static int get_skills(req *r, const char *key, skill_list *sl)
{
    const json_value *v = json_get(r->o, key);
    sl->n = 0;
    if (!v || v->type == JV_NULL)
        return 0;
    if (v->type != JV_ARRAY) {
        reply_invalid(r, "field '%s' must be an array of \"skill:level\" strings", key);
        return -1;
    }
    for (int i = 0; i < v->n_items; i++) {
        const char *item = v->items[i];
        const char *colon = strrchr(item, ':');
        size_t n = colon ? (size_t)(colon - item) : strlen(item);
        long level = 1;
        if (colon) {
            char *end;
            level = strtol(colon + 1, &end, 10);
            if (end == colon + 1 || *end || level < 1 || level > OQ_LEVEL_MAX) {
                reply_invalid(r, "bad skill level in '%s'", item);
                return -1;
            }
        }
        if (n == 0 || n > OQ_ID_MAX) {
            reply_invalid(r, "bad skill name in '%s'", item);
            return -1;
        }
        memcpy(sl->names[i], item, n);
        sl->names[i][n] = '\0';
        sl->ptrs[i] = sl->names[i];
        sl->levels[i] = (int32_t)level;
        sl->n++;
    }
    return 0;
}

/* ---- replies with state ------------------------------------------------------- */

static void put_num(buf *b, const char *key, double v)
{
    if (isfinite(v))
        buf_printf(b, ",\"%s\":%.6g", key, v);
    else
        buf_printf(b, ",\"%s\":null", key);
}

static void put_contact(buf *b, const char *id, const oq_contact_info *ci)
{
    buf_puts(b, "{\"contact\":");
    json_put_string(b, id);
    buf_puts(b, ",\"state\":");
    json_put_string(b, oq_contact_state_name(ci->state));
    buf_puts(b, ",\"queue\":");
    json_put_string(b, ci->queue);
    buf_puts(b, ",\"channel\":");
    json_put_string(b, ci->channel);
    buf_puts(b, ",\"agent\":");
    json_put_string(b, ci->agent);
    buf_printf(b, ",\"priority\":%d,\"arrived_ms\":%lld,\"offers\":%d}", ci->priority,
               (long long)ci->arrived_ms, ci->n_offers);
}

/* ---- commands ----------------------------------------------------------------- */

static void cmd_ping(req *r) { buf_printf(r->out, "{\"ok\":true,\"now_ms\":%lld}\n", (long long)r->now); }

/* The names of the tenants hosted here, for messages ("t1, t2"). */
static void tenant_list(server *s, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < s->n_tenants && at < len; i++)
        at += (size_t)snprintf(out + at, len - at, "%s%s", i ? ", " : "", s->tenants[i]->name);
}

/* A request for a tenant this server hosts but does not lead: the client
 * goes to the leader ("leader": its address, null while a takeover runs). */
static void reply_not_leader(req *r, tenant *t)
{
    char addr[SERVER_NAME_MAX], holder[SERVER_NAME_MAX], msg[300];
    replica_leader(t, addr, sizeof addr, holder, sizeof holder);
    if (addr[0])
        snprintf(msg, sizeof msg, "tenant '%s' is led by %s at %s: connect there", t->name, holder, addr);
    else
        snprintf(msg, sizeof msg, "tenant '%s' has no leader right now (a takeover is under way): retry",
                 t->name);
    buf_puts(r->out, "{\"ok\":false,\"error\":\"NOT_LEADER\",\"message\":");
    json_put_string(r->out, msg);
    buf_puts(r->out, ",\"tenant\":");
    json_put_string(r->out, t->name);
    buf_puts(r->out, ",\"leader\":");
    if (addr[0])
        json_put_string(r->out, addr);
    else
        buf_puts(r->out, "null");
    buf_puts(r->out, "}\n");
}

static int answers(const tenant *t) { return t->state == TENANT_SOLO || t->state == TENANT_LEADING; }

/* The tenant named by the request's "tenant" field, or the connection's, or
 * the only one. NULL: reply written. */
static tenant *pick_tenant(req *r, int required)
{
    const char *name;
    if (get_str(r, "tenant", 0, &name))
        return NULL;
    tenant *t = name                       ? server_tenant(r->s, name)
                : r->c->t                  ? r->c->t
                : r->c->gone               ? r->c->gone
                : r->s->n_tenants == 1     ? r->s->tenants[0]
                                           : NULL;
    if (!t && (name || required)) {
        char list[SERVER_TENANTS_MAX * (SERVER_NAME_MAX + 2)];
        tenant_list(r->s, list, sizeof list);
        char msg[sizeof list + 200];
        if (name)
            snprintf(msg, sizeof msg, "tenant '%.64s' is not hosted by this server (it hosts %s)", name, list);
        else
            snprintf(msg, sizeof msg, "missing field 'tenant' (this server hosts %s)", list);
        reply_error(r, name ? "OQ_ENOTFOUND" : "OQ_EINVAL", msg);
    }
    return t;
}

/* Equal strings, in time that does not depend on where they differ. */
static int same_secret(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char d = (unsigned char)(na != nb);
    for (size_t i = 0; i < na; i++)
        d |= (unsigned char)(a[i] ^ b[i % (nb ? nb : 1)]);
    return d == 0;
}

static void cmd_hello(req *r)
{
    const char *agent, *token;
    int monitor;
    if (get_str(r, "agent", 0, &agent) || get_bool(r, "monitor", 0, &monitor) ||
        get_str(r, "token", 0, &token))
        return;
    if (r->s->opt.token[0]) {
        if (!token || !same_secret(token, r->s->opt.token)) {
            reply_invalid(r, "hello: %s token (this server requires the shared secret)",
                          token ? "wrong" : "missing");
            r->c->eof = 1; /* closed once the reply is out: no guessing on one connection */
            return;
        }
        r->c->authed = 1;
    }
    if (agent && strlen(agent) > OQ_ID_MAX) {
        reply_invalid(r, "field '%s' is too long", "agent");
        return;
    }
    tenant *t = pick_tenant(r, 1);
    if (!t)
        return;
    if (!answers(t)) {
        reply_not_leader(r, t);
        return;
    }
    if (agent) {
        oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
        oq_status st = oq_agent_get(t->e, agent, &ai);
        if (st != OQ_OK) {
            r->t = t;
            reply_engine_error(r, st);
            return;
        }
    }
    r->c->t = t;
    snprintf(r->c->agent, sizeof r->c->agent, "%s", agent ? agent : "");
    r->c->monitor = monitor;
    buf_printf(r->out, "{\"ok\":true,\"server\":\"omniq-server\",\"version\":\"%s\",\"tenant\":", oq_version());
    json_put_string(r->out, t->name);
    buf_puts(r->out, ",\"name\":");
    json_put_string(r->out, r->s->name);
    buf_puts(r->out, "}\n");
}

static const char *const STATE_NAMES[] = {"single", "leader", "standby", "syncing"};

/* Who leads a tenant: answered by any server hosting it, hello or not. */
static void cmd_leader(req *r)
{
    tenant *t = pick_tenant(r, 1);
    if (!t)
        return;
    char addr[SERVER_NAME_MAX], holder[SERVER_NAME_MAX];
    replica_leader(t, addr, sizeof addr, holder, sizeof holder);
    buf_puts(r->out, "{\"ok\":true,\"tenant\":");
    json_put_string(r->out, t->name);
    buf_puts(r->out, ",\"server\":");
    json_put_string(r->out, r->s->name);
    buf_puts(r->out, ",\"role\":");
    json_put_string(r->out, STATE_NAMES[t->state]);
    buf_puts(r->out, ",\"leader\":");
    if (addr[0])
        json_put_string(r->out, addr);
    else
        buf_puts(r->out, "null");
    buf_puts(r->out, ",\"holder\":");
    json_put_string(r->out, holder);
    buf_printf(r->out, ",\"applied\":%lld,\"lag\":%llu}\n", (long long)t->last_seq,
               (unsigned long long)replica_lag(t));
}

/* Planned hand-over: this leader steps down for `to` (a server name; none:
 * any standby). The reply goes out, then the tenant's clients are closed
 * and find the new leader. */
static void cmd_handover(req *r)
{
    const char *to;
    if (get_str(r, "to", 0, &to))
        return;
    if (to && strlen(to) >= SERVER_NAME_MAX) {
        reply_invalid(r, "field '%s' is too long", "to");
        return;
    }
    char err[300];
    if (replica_handover(r->t, to ? to : "", err, sizeof err)) {
        reply_error(r, "OQ_ESTATE", err);
        return;
    }
    buf_puts(r->out, "{\"ok\":true,\"tenant\":");
    json_put_string(r->out, r->t->name);
    buf_puts(r->out, ",\"to\":");
    json_put_string(r->out, to ? to : "");
    buf_puts(r->out, "}\n");
}

static void cmd_login(req *r)
{
    const char *agent;
    int ready;
    if (get_agent(r, &agent) || get_bool(r, "ready", 1, &ready))
        return;
    reply_status(r, oq_agent_login(r->t->e, r->now, agent, ready));
}

static void cmd_ready(req *r)
{
    const char *agent;
    if (!get_agent(r, &agent))
        reply_status(r, oq_agent_ready(r->t->e, r->now, agent));
}

static void cmd_not_ready(req *r)
{
    const char *agent, *reason;
    if (!get_agent(r, &agent) && !get_str(r, "reason", 0, &reason))
        reply_status(r, oq_agent_not_ready(r->t->e, r->now, agent, reason));
}

static void cmd_logout(req *r)
{
    const char *agent;
    if (!get_agent(r, &agent))
        reply_status(r, oq_agent_logout(r->t->e, r->now, agent));
}

static void cmd_end_wrapup(req *r)
{
    const char *agent;
    if (!get_agent(r, &agent))
        reply_status(r, oq_agent_end_wrapup(r->t->e, r->now, agent));
}

static void cmd_arrive(req *r)
{
    oq_contact_spec spec;
    oq_contact_spec_init(&spec);
    int64_t priority, deadline;
    skill_list *req_sk = malloc(sizeof *req_sk), *pref_sk = malloc(sizeof *pref_sk);
    if (!req_sk || !pref_sk)
        abort();
    if (get_str(r, "contact", 1, &spec.id) || get_str(r, "channel", 1, &spec.channel) ||
        get_str(r, "queue", 1, &spec.queue) || get_str(r, "customer", 0, &spec.customer) ||
        get_str(r, "preferred_agent", 0, &spec.preferred_agent) ||
        get_int(r, "priority", 0, -OQ_PRIORITY_MAX, OQ_PRIORITY_MAX, &priority) ||
        get_int(r, "deadline_ms", 0, 0, INT64_C(1) << 52, &deadline) ||
        get_skills(r, "skills", req_sk) || get_skills(r, "prefers", pref_sk))
        goto out;
    spec.priority = (int32_t)priority;
    spec.deadline_ms = deadline;
    spec.n_required = req_sk->n;
    spec.required_skills = req_sk->ptrs;
    spec.required_levels = req_sk->levels;
    spec.n_preferred = pref_sk->n;
    spec.preferred_skills = pref_sk->ptrs;
    spec.preferred_levels = pref_sk->levels;
    oq_status st = oq_contact_arrive(r->t->e, r->now, &spec);
    if (st != OQ_OK) {
        reply_engine_error(r, st);
        goto out;
    }
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    if (oq_contact_get(r->t->e, spec.id, &ci) == OQ_OK) {
        buf_puts(r->out, "{\"ok\":true,\"state\":");
        json_put_string(r->out, oq_contact_state_name(ci.state));
        buf_puts(r->out, ",\"agent\":");
        json_put_string(r->out, ci.agent);
        buf_puts(r->out, "}\n");
    } else {
        buf_puts(r->out, "{\"ok\":true,\"state\":\"gone\"}\n"); /* e.g. refused by a queue limit */
    }
out:
    free(req_sk);
    free(pref_sk);
}

static void cmd_accept(req *r)
{
    const char *contact, *agent;
    if (!get_str(r, "contact", 1, &contact) && !get_agent(r, &agent))
        reply_status(r, oq_offer_accept(r->t->e, r->now, contact, agent));
}

static void cmd_reject(req *r)
{
    const char *contact, *agent;
    if (!get_str(r, "contact", 1, &contact) && !get_agent(r, &agent))
        reply_status(r, oq_offer_reject(r->t->e, r->now, contact, agent));
}

static void cmd_complete(req *r)
{
    const char *contact;
    if (get_str(r, "contact", 1, &contact))
        return;
    oq_status st = oq_contact_complete(r->t->e, r->now, contact);
    if (st != OQ_OK) {
        reply_engine_error(r, st);
        return;
    }
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    int wrapup = oq_contact_get(r->t->e, contact, &ci) == OQ_OK && ci.state == OQ_CONTACT_WRAPUP;
    buf_printf(r->out, "{\"ok\":true,\"state\":\"%s\"}\n", wrapup ? "wrapup" : "completed");
}

static void cmd_abandon(req *r)
{
    const char *contact;
    if (!get_str(r, "contact", 1, &contact))
        reply_status(r, oq_contact_abandon(r->t->e, r->now, contact));
}

static void cmd_transfer(req *r)
{
    const char *contact, *queue;
    if (!get_str(r, "contact", 1, &contact) && !get_str(r, "queue", 1, &queue))
        reply_status(r, oq_contact_transfer(r->t->e, r->now, contact, queue));
}

static void cmd_remove(req *r)
{
    const char *contact;
    if (!get_str(r, "contact", 1, &contact))
        reply_status(r, oq_contact_remove(r->t->e, r->now, contact));
}

static void cmd_contact(req *r)
{
    const char *contact;
    if (get_str(r, "contact", 1, &contact))
        return;
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    oq_status st = oq_contact_get(r->t->e, contact, &ci);
    if (st != OQ_OK) {
        reply_engine_error(r, st);
        return;
    }
    buf_puts(r->out, "{\"ok\":true,\"info\":");
    put_contact(r->out, contact, &ci);
    buf_puts(r->out, "}\n");
}

static void cmd_agent(req *r)
{
    const char *agent;
    if (get_agent(r, &agent))
        return;
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    oq_status st = oq_agent_get(r->t->e, agent, &ai);
    if (st != OQ_OK) {
        reply_engine_error(r, st);
        return;
    }
    buf_puts(r->out, "{\"ok\":true,\"agent\":");
    json_put_string(r->out, agent);
    buf_puts(r->out, ",\"state\":");
    json_put_string(r->out, oq_agent_state_name(ai.state));
    buf_puts(r->out, ",\"presence\":");
    json_put_string(r->out, oq_agent_state_name(ai.presence));
    buf_puts(r->out, ",\"reason\":");
    json_put_string(r->out, ai.not_ready_reason);
    buf_printf(r->out, ",\"used_capacity\":%d,\"capacity\":%d,\"offered\":%d,\"active\":%d,"
                       "\"wrapup\":%d,\"handled\":%lld}\n",
               ai.used_capacity, ai.capacity, ai.n_offered, ai.n_active, ai.n_wrapup,
               (long long)ai.handled);
}

typedef struct list_ctx {
    req *r;
    const char *agent, *state;
    size_t count, stale;
} list_ctx;

static int list_one(const char *id, void *user)
{
    list_ctx *lc = user;
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    if (oq_contact_get(lc->r->t->e, id, &ci) != OQ_OK) {
        lc->stale++; /* the registry missed its end: drop it */
        return 1;
    }
    if (lc->agent && (!ci.agent || strcmp(ci.agent, lc->agent) != 0))
        return 0;
    if (lc->state && strcmp(lc->state, oq_contact_state_name(ci.state)) != 0)
        return 0;
    if (lc->count++)
        buf_puts(lc->r->out, ",");
    put_contact(lc->r->out, id, &ci);
    return 0;
}

static void cmd_list(req *r)
{
    list_ctx lc = {r, NULL, NULL, 0, 0};
    if (get_str(r, "agent", 0, &lc.agent) || get_str(r, "state", 0, &lc.state))
        return;
    buf_puts(r->out, "{\"ok\":true,\"contacts\":[");
    registry_each(r->t->reg, list_one, &lc);
    oq_engine_counts n = OQ_OUTPUT_INIT(oq_engine_counts);
    oq_engine_get_counts(r->t->e, &n);
    buf_printf(r->out, "],\"count\":%zu,\"known\":%zu,\"engine_contacts\":%d,\"stale\":%zu}\n",
               lc.count, registry_count(r->t->reg), n.contacts, lc.stale);
}

static void cmd_counts(req *r)
{
    oq_engine_counts n = OQ_OUTPUT_INIT(oq_engine_counts);
    oq_engine_get_counts(r->t->e, &n);
    buf_printf(r->out,
               "{\"ok\":true,\"agents\":%d,\"queues\":%d,\"contacts\":%d,\"queued\":%d,"
               "\"offered\":%d,\"active\":%d,\"wrapup\":%d,\"parked\":%d,\"timers\":%d,"
               "\"requests\":%lld,\"commits\":%lld,\"journal_seq\":%lld,\"tenant\":\"%s\","
               "\"role\":\"%s\",\"clients\":%zu,\"max_clients\":%zu,\"loops\":%lld,"
               "\"snapshot_seq\":%lld,\"snapshots\":%lld,\"snapshot_running\":%s,"
               "\"journal_bytes_since_snapshot\":%lld,\"snapshot_fork_ms_max\":%lld,"
               "\"snapshot_child_ms\":%lld,\"snapshot_adopt_ms_max\":%lld,\"snapshot_upload_ms\":%lld,\"snapshot_phase\":\"%s\","
               "\"snapshot_running_seq\":%lld}\n",
               n.agents, n.queues, n.contacts, n.contacts_queued, n.contacts_offered,
               n.contacts_active, n.contacts_wrapup, n.contacts_parked, n.timers,
               (long long)r->t->requests, (long long)r->t->commits, (long long)r->t->last_seq,
               r->t->name, STATE_NAMES[r->t->state], r->s->n_conns, r->s->max_clients,
               (long long)r->s->loops, (long long)r->t->snap_seq, (long long)r->t->snapshots,
               r->t->bg_pid || r->t->bg_ready || r->t->bg_upload ? "true" : "false",
               (long long)r->t->since_bytes, (long long)r->t->bg_fork_ms_max, (long long)r->t->bg_child_ms,
               (long long)r->t->adopt_ms_max, (long long)r->t->bg_upload_ms, replica_snapshot_phase(r->t),
               (long long)(r->t->bg_pid || r->t->bg_ready || r->t->bg_upload ? r->t->bg_seq : -1));
}

static void cmd_stats(req *r)
{
    const char *queue, *period;
    if (get_str(r, "queue", 0, &queue) || get_str(r, "period", 0, &period))
        return;
    int32_t p = OQ_PERIOD_DAY;
    if (period && strcmp(period, "interval") == 0)
        p = OQ_PERIOD_INTERVAL;
    else if (period && strcmp(period, "window") == 0)
        p = OQ_PERIOD_WINDOW;
    else if (period && strcmp(period, "day") != 0) {
        reply_invalid(r, "field 'period' must be day, interval or window, not '%s'", period);
        return;
    }
    oq_queue_stats qs = OQ_OUTPUT_INIT(oq_queue_stats);
    oq_status st = queue ? oq_stats_queue(r->t->e, queue, p, &qs) : oq_stats_center(r->t->e, p, &qs);
    if (st != OQ_OK) {
        reply_engine_error(r, st);
        return;
    }
    buf_puts(r->out, "{\"ok\":true,\"queue\":");
    json_put_string(r->out, queue);
    buf_printf(r->out,
               ",\"offered\":%lld,\"answered\":%lld,\"answered_within\":%lld,\"abandoned\":%lld,"
               "\"handled\":%lld,\"waiting_now\":%d,\"agents_ready\":%d,\"agents_busy\":%d",
               (long long)qs.offered, (long long)qs.answered, (long long)qs.answered_within,
               (long long)qs.abandoned, (long long)qs.handled, qs.waiting_now, qs.agents_ready,
               qs.agents_busy);
    put_num(r->out, "asa_s", qs.asa_s);
    put_num(r->out, "aht_s", qs.aht_s);
    put_num(r->out, "longest_wait_s", qs.longest_wait_s);
    put_num(r->out, "service_level", qs.sl_answered_abandoned);
    buf_puts(r->out, ",\"sl_definition\":");
    json_put_string(r->out, oq_sl_definition_name(OQ_SL_ANSWERED_ABANDONED));
    buf_puts(r->out, "}\n");
}

static void cmd_check(req *r) { reply_status(r, oq_engine_check(r->t->e)); }

static void cmd_snapshot(req *r)
{
    r->t->want_snapshot = 1; /* written by this iteration's commit, before the reply goes out */
    buf_puts(r->out, "{\"ok\":true}\n");
}

typedef struct command {
    const char *name;
    void (*fn)(req *r);
    const char *keys; /* accepted keys besides "cmd", comma-separated */
    int any;          /* needs no tenant this server leads (ping, hello, leader) */
} command;

static const command COMMANDS[] = {
    {"ping", cmd_ping, "", 1},
    {"hello", cmd_hello, "agent,monitor,tenant,token", 1},
    {"leader", cmd_leader, "tenant", 1},
    {"handover", cmd_handover, "to", 0},
    {"login", cmd_login, "agent,ready", 0},
    {"ready", cmd_ready, "agent", 0},
    {"not_ready", cmd_not_ready, "agent,reason", 0},
    {"logout", cmd_logout, "agent", 0},
    {"end_wrapup", cmd_end_wrapup, "agent", 0},
    {"arrive", cmd_arrive, "contact,channel,queue,customer,preferred_agent,priority,deadline_ms,skills,prefers", 0},
    {"accept", cmd_accept, "contact,agent", 0},
    {"reject", cmd_reject, "contact,agent", 0},
    {"complete", cmd_complete, "contact", 0},
    {"abandon", cmd_abandon, "contact", 0},
    {"transfer", cmd_transfer, "contact,queue", 0},
    {"remove", cmd_remove, "contact", 0},
    {"contact", cmd_contact, "contact", 0},
    {"agent", cmd_agent, "agent", 0},
    {"list", cmd_list, "agent,state", 0},
    {"counts", cmd_counts, "", 0},
    {"stats", cmd_stats, "queue,period", 0},
    {"check", cmd_check, "", 0},
    {"snapshot", cmd_snapshot, "", 0},
};

static int key_allowed(const char *keys, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = keys; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, key, n) == 0)
            return 1;
        p += len + (comma ? 1 : 0);
    }
    return 0;
}

void commands_handle(server *s, conn *c, char *line, size_t len, int64_t now_ms)
{
    json_object o;
    char err[256];
    req r = {s, NULL, c, &o, &c->out, now_ms};
    s->requests++;
    if (json_parse_object(line, len, &o, err, sizeof err)) {
        reply_error(&r, "OQ_EINVAL", err);
        return;
    }
    const char *name;
    if (get_str(&r, "cmd", 1, &name))
        return;
    const command *cmd = NULL;
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            cmd = &COMMANDS[i];
    if (!cmd) {
        reply_invalid(&r, "unknown command '%s'", name);
        return;
    }
    if (!c->authed && cmd->fn != cmd_hello && cmd->fn != cmd_ping) {
        reply_error(&r, "OQ_ESTATE", "say hello with the token first (this server requires it)");
        return;
    }
    for (int i = 0; i < o.n; i++) {
        if (strcmp(o.keys[i], "cmd") != 0 && !(strcmp(o.keys[i], "tenant") == 0 && !cmd->any) &&
            !key_allowed(cmd->keys, o.keys[i])) {
            reply_invalid(&r, "unknown key '%s' for this command", o.keys[i]);
            return;
        }
    }
    if (!cmd->any) {
        /* The request's "tenant", the connection's (hello), or the only one. */
        tenant *t = pick_tenant(&r, 1);
        if (!t)
            return;
        if (!answers(t)) {
            reply_not_leader(&r, t);
            return;
        }
        r.t = t;
        c->unsent |= t->bit; /* its reply waits for t's commit (tenant_close_clients) */
        t->requests++;
        /* The engine refuses time going backwards: a tenant taken over from
         * a server whose clock ran ahead keeps its own clock until ours catches up. */
        int64_t clock;
        if (oq_engine_now(t->e, &clock) == OQ_OK && clock > r.now)
            r.now = clock;
    }
    cmd->fn(&r);
}
