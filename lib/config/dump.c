/* SPDX-License-Identifier: MIT */
/* Engine -> YAML (the configuration only). Reads the model's internals
 * directly: config is a library module. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "calendar/internal.h"
#include "engine/types.h" /* read-only: the dump walks the catalog */


/* ---- output buffer ----------------------------------------------------------------- */

typedef struct obuf {
    char *s;
    size_t n, cap;
    int failed;
} obuf;

static void out(obuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int w = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (w < 0) {
            b->failed = 1;
            return;
        }
        if ((size_t)w < b->cap - b->n) {
            b->n += (size_t)w;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)w;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

/* Words YAML 1.1 resolves to a boolean or null (PyYAML's implicit
 * resolvers), compared without case: "Yes" and "oN" are quoted too. */
static const char *const YAML11_WORDS[] = {"y", "n", "yes", "no", "on", "off", "true", "false",
                                           "null", "~", NULL};

static int ci_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if ((*a >= 'A' && *a <= 'Z' ? *a + 32 : *a) != *b)
            return 0;
    return *a == *b;
}

/* An id, plain when every YAML tool reads it back as the same string, else
 * double-quoted. Quoted: anything outside [A-Za-z0-9_.-], a leading '-'
 * (a list item), a leading digit, '+' or '.' (YAML 1.1 and 1.2 numbers,
 * 0x1F, 1_000, .5, .inf, 12:30, dates), and the boolean / null words. */
static void id(obuf *b, const char *s)
{
    int plain = s[0] != '\0' && s[0] != '-' && s[0] != '+' && s[0] != '.' &&
                !(s[0] >= '0' && s[0] <= '9');
    for (int i = 0; plain && YAML11_WORDS[i]; i++)
        plain = !ci_equal(s, YAML11_WORDS[i]);
    for (const char *p = s; plain && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            plain = 0;
    if (plain) {
        out(b, "%s", s);
        return;
    }
    out(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            out(b, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            out(b, "\\x%02x", *p);
        else
            out(b, "%c", *p);
    }
    out(b, "\"");
}

/* Shortest decimal that reads back as the same double. */
static void num(obuf *b, double v)
{
    char tmp[40];
    if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v) { /* range first: the cast of 1e300 is UB */
        out(b, "%lld", (long long)v);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    out(b, "%s", tmp);
}

static void secs(obuf *b, int64_t ms) { num(b, (double)ms / 1000.0); }

/* A point in time, exactly (oq__cfg_time_ms reads it back to the millisecond). */
static void time_ms(obuf *b, int64_t ms)
{
    uint64_t m = ms < 0 ? 0u - (uint64_t)ms : (uint64_t)ms;
    out(b, "%s%llu", ms < 0 ? "-" : "", (unsigned long long)(m / 1000));
    unsigned f = (unsigned)(m % 1000), digits = 3;
    while (f && f % 10 == 0) {
        f /= 10;
        digits--;
    }
    if (f)
        out(b, ".%0*u", (int)digits, f);
}
static const char *tf(int32_t v) { return v ? "true" : "false"; }

static const char *order_name(int32_t v) { return oq_ordering_name(v); }
static const char *strategy_name(int32_t v) { return oq_strategy_name(v); }
static const char *limit_name(int32_t v)
{
    switch (v) {
    case OQ_LIMIT_OVERFLOW: return "overflow";
    case OQ_LIMIT_CALLBACK: return "callback";
    case OQ_LIMIT_CALLBACK_KEEP_PLACE: return "callback_keep_place";
    default: return "reject";
    }
}

static void levels(obuf *b, const oq_engine *e, const oq_skill_level *arr, int32_t n)
{
    out(b, "{");
    for (int32_t i = 0; i < n; i++) {
        out(b, "%s", i ? ", " : "");
        id(b, e->skills[arr[i].skill]->id);
        out(b, ": %d", (int)arr[i].level);
    }
    out(b, "}");
}

static void group_list(obuf *b, const oq_engine *e, const int32_t *arr, int32_t n)
{
    out(b, "[");
    for (int32_t i = 0; i < n; i++) {
        out(b, "%s", i ? ", " : "");
        id(b, e->groups[arr[i]]->id);
    }
    out(b, "]");
}

static void dump_steps(obuf *b, const oq_engine *e, const oq_queue *q)
{
    out(b, "    escalation:\n");
    for (int32_t i = 0; i < q->n_steps; i++) {
        const oq_step *s = &q->steps[i];
        out(b, "      - {after: ");
        secs(b, s->after_ms);
        out(b, ", timing: %s, action: %s", s->timing == OQ_STEP_AFTER_PREVIOUS ? "previous" : "entry",
            oq_step_action_name(s->action));
        switch (s->action) {
        case OQ_STEP_LOWER_LEVEL:
            out(b, ", skill: ");
            id(b, e->skills[s->skill]->id);
            out(b, ", level: %d", (int)s->level);
            break;
        case OQ_STEP_DROP_REQUIRED:
        case OQ_STEP_DROP_PREFERRED:
            out(b, ", skill: ");
            id(b, e->skills[s->skill]->id);
            break;
        case OQ_STEP_ADD_GROUP:
            out(b, ", group: ");
            id(b, e->groups[s->group]->id);
            break;
        case OQ_STEP_RAISE_PRIORITY:
        case OQ_STEP_PRIORITY_AT_LEAST:
            out(b, ", priority: %d", (int)s->priority);
            break;
        case OQ_STEP_OVERFLOW:
            out(b, ", queue: ");
            id(b, e->queues[s->queue]->id);
            break;
        default:
            break;
        }
        if (s->message) {
            out(b, ", message: ");
            id(b, s->message);
        }
        if (s->skip_if_no_agents)
            out(b, ", skip_if_no_agents: %s",
                s->skip_if_no_agents == OQ_SKIP_NONE_LOGGED_IN ? "logged_in" : "available");
        if (s->when_ewt_above_s > 0) {
            out(b, ", when_ewt_above: ");
            num(b, s->when_ewt_above_s);
        }
        if (s->when_sl_below > 0) {
            out(b, ", when_sl_below: ");
            num(b, s->when_sl_below);
        }
        out(b, "}\n");
    }
}

/* ---- calendars: the holidays: and calendars: sections ---------------------------- */

/* "HH:MM", "HH:MM:SS" (milliseconds are not written: YAML ranges stop at seconds). */
static void tod(obuf *b, int64_t ms)
{
    int64_t h = ms / 3600000, m = ms / 60000 % 60, sec = ms / 1000 % 60;
    if (sec)
        out(b, "%02lld:%02lld:%02lld", (long long)h, (long long)m, (long long)sec);
    else
        out(b, "%02lld:%02lld", (long long)h, (long long)m);
}

static void ranges(obuf *b, const oq__ranges *rs)
{
    out(b, "[");
    for (int32_t i = 0; i < rs->n; i++) {
        out(b, i ? ", " : "");
        tod(b, rs->r[i].open);
        out(b, "-");
        /* Past midnight: the close is written as a time of the next day (at or before the open). */
        tod(b, rs->r[i].close > OQ_MS_PER_DAY ? rs->r[i].close - OQ_MS_PER_DAY : rs->r[i].close);
    }
    out(b, "]");
}

static void ymd(obuf *b, int32_t date)
{
    int32_t y = 0, m = 0, d = 0;
    oq_date_to_ymd(date, &y, &m, &d);
    out(b, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

/* A list's name in the dump: its own, unless an earlier calendar has a
 * different list of that name (then "<list>@<calendar>"). */
static int same_list(const oq__holiday_list *a, const oq__holiday_list *b)
{
    if (strcmp(a->name, b->name) != 0 || a->n != b->n)
        return 0;
    for (int32_t i = 0; i < a->n; i++)
        if (a->days[i].date != b->days[i].date ||
            strcmp(a->days[i].name ? a->days[i].name : "", b->days[i].name ? b->days[i].name : "") != 0)
            return 0;
    return 1;
}

/* 1 when list l of calendar ci is dumped under its own name, and whether it
 * was already written by an earlier calendar (*dup). */
static int own_name(const oq_engine *e, int32_t ci, const oq__holiday_list *l, int *dup)
{
    *dup = 0;
    for (int32_t i = 0; i < ci; i++) {
        const oq_calendar *o = e->calendars[i] ? e->calendars[i]->cal : NULL;
        for (int32_t k = 0; o && k < o->n_lists; k++)
            if (strcmp(o->lists[k].name, l->name) == 0) {
                if (!same_list(&o->lists[k], l))
                    return 0;
                *dup = 1;
            }
    }
    return 1;
}

static void list_name(obuf *b, const oq_engine *e, int32_t ci, const oq__holiday_list *l)
{
    int dup;
    if (own_name(e, ci, l, &dup)) {
        id(b, l->name);
        return;
    }
    char name[2 * OQ_ID_MAX + 2];
    snprintf(name, sizeof name, "%s@%s", l->name, e->calendars[ci]->id);
    id(b, name);
}

static void dump_calendars(obuf *b, const oq_engine *e)
{
    if (e->live_calendars == 0)
        return;
    out(b, "\nholidays:\n");
    for (int32_t ci = 0; ci < e->n_calendars; ci++) {
        const oq_calendar *cal = e->calendars[ci] ? e->calendars[ci]->cal : NULL;
        for (int32_t k = 0; cal && k < cal->n_lists; k++) {
            const oq__holiday_list *l = &cal->lists[k];
            int dup;
            if (own_name(e, ci, l, &dup) && dup)
                continue;
            out(b, "  ");
            list_name(b, e, ci, l);
            out(b, ":\n");
            for (int32_t i = 0; i < l->n; i++) {
                out(b, "    ");
                ymd(b, l->days[i].date);
                out(b, ": ");
                if (l->days[i].name)
                    id(b, l->days[i].name);
                else
                    out(b, "~");
                out(b, "\n");
            }
        }
    }
    out(b, "calendars:\n");
    for (int32_t ci = 0; ci < e->n_calendars; ci++) {
        const oq_calendar *cal = e->calendars[ci] ? e->calendars[ci]->cal : NULL;
        if (!cal)
            continue;
        out(b, "  ");
        id(b, cal->id);
        out(b, ":\n    time_zone: ");
        id(b, cal->tz_name);
        out(b, "\n");
        if (cal->has_hours) {
            out(b, "    hours:\n");
            for (int32_t d = 0; d < 7; d++)
                if (cal->week[d].n > 0) {
                    out(b, "      %s: ", oq_weekday_name(d));
                    ranges(b, &cal->week[d]);
                    out(b, "\n");
                }
        }
        if (cal->n_lists > 0) {
            out(b, "    holidays: [");
            for (int32_t k = 0; k < cal->n_lists; k++) {
                out(b, k ? ", " : "");
                list_name(b, e, ci, &cal->lists[k]);
            }
            out(b, "]\n");
        }
        if (cal->n_ex > 0)
            out(b, "    exceptions:\n");
        for (int32_t i = 0; i < cal->n_ex; i++) {
            const oq__exception *x = &cal->ex[i];
            out(b, "      ");
            ymd(b, x->date);
            out(b, ": {");
            if (x->name) {
                out(b, "name: ");
                id(b, x->name);
                out(b, ", ");
            }
            if (x->kind == OQ_DAY_CLOSED) {
                out(b, "closed: true}\n");
            } else {
                out(b, "hours: ");
                ranges(b, &x->hours);
                out(b, "}\n");
            }
        }
    }
}

static void dump_queue(obuf *b, const oq_engine *e, const oq_queue *q)
{
    out(b, "  ");
    id(b, q->id);
    out(b, ":\n    channels: [");
    int first = 1;
    for (int32_t l = 0; l < q->n_lanes; l++) {
        if (q->lanes[l].channel < 0) /* a lane left by oq_queue_remove_channel */
            continue;
        out(b, "%s", first ? "" : ", ");
        first = 0;
        id(b, e->channels[q->lanes[l].channel]->id);
    }
    out(b, "]\n    priority: %d\n    ordering: %s\n    strategy: %s\n", (int)q->priority,
        order_name(q->ordering), strategy_name(q->strategy));
    out(b, "    timeout_not_ready: %s\n    sla_threshold: ", tf(q->timeout_not_ready));
    num(b, q->sla_threshold_s);
    out(b, "\n    sla_target: ");
    num(b, q->sla_target);
    out(b, "\n    offer_timeout: ");
    num(b, q->offer_timeout_s);
    out(b, "\n    wrapup: ");
    num(b, q->wrapup_s);
    out(b, "\n    aging: ");
    num(b, q->aging_per_s);
    out(b, "\n    default_aht: ");
    num(b, q->default_aht_s);
    out(b, "\n    deadline_warning: ");
    num(b, q->deadline_warning_s);
    out(b, "\n    requires: ");
    levels(b, e, q->req, q->n_req);
    out(b, "\n    prefers: ");
    levels(b, e, q->pref, q->n_pref);
    out(b, "\n    groups: ");
    group_list(b, e, q->groups, q->n_groups);
    out(b, "\n    max_length: %d\n    max_wait: ", (int)q->max_length);
    secs(b, q->max_wait_ms);
    out(b, "\n    limit_action: %s\n", limit_name(q->limit_action));
    if (q->limit_queue >= 0) {
        out(b, "    limit_queue: ");
        id(b, e->queues[q->limit_queue]->id);
        out(b, "\n");
    }
    if (q->callback_channel >= 0) {
        out(b, "    callback_channel: ");
        id(b, e->channels[q->callback_channel]->id);
        out(b, "\n");
    }
    if (q->calendar >= 0) {
        out(b, "    calendar: ");
        id(b, e->calendars[q->calendar]->id);
        out(b, "\n    business_time: %s\n", tf(q->business_time));
    }
    if (q->calendar >= 0 || q->closed_action != OQ_CLOSED_REJECT) {
        static const char *const closed[] = {"reject", "wait", "overflow", "callback"};
        out(b, "    closed_action: %s\n", closed[q->closed_action]);
    }
    if (q->closed_queue >= 0) {
        out(b, "    closed_queue: ");
        id(b, e->queues[q->closed_queue]->id);
        out(b, "\n");
    }
    out(b, "    refuse_if_no_agents: %s\n    outbound: %s\n", tf(q->refuse_if_no_agents),
        tf(q->outbound));
    out(b, "    keep_offer_on_not_ready: %s\n    retry_after: ", tf(q->keep_offer_on_not_ready));
    secs(b, q->retry_after_ms);
    out(b, "\n    max_offers: %d\n    last_agent_window: ", (int)q->max_offers);
    secs(b, q->last_agent_window_ms);
    out(b, "\n    last_agent_wait: ");
    secs(b, q->last_agent_wait_ms);
    out(b, "\n");
    if (q->outbound)
        out(b, "    blend: %s\n", q->blend_rule == OQ_BLEND_SL_ABOVE_TARGET ? "sl_above_target" : "when_idle");
    if (q->n_steps > 0)
        dump_steps(b, e, q);
}

static void dump_agent(obuf *b, const oq_engine *e, const oq_agent *a)
{
    out(b, "  ");
    id(b, a->id);
    out(b, ":\n    capacity: %d\n    skills: ", (int)a->capacity);
    levels(b, e, a->skills, a->n_skills);
    out(b, "\n    groups: ");
    group_list(b, e, a->groups, a->n_groups);
    int any = 0;
    for (int32_t i = 0; i < a->ch_cap && i < e->n_channels; i++)
        if (a->ch_limit[i] >= 0 && e->channels[i]) {
            out(b, "%s", any ? ", " : "\n    channels: {");
            id(b, e->channels[i]->id);
            out(b, ": %d", (int)a->ch_limit[i]);
            any = 1;
        }
    if (any)
        out(b, "}");
    out(b, "\n");
    if (a->profile >= 0) {
        out(b, "    profile: ");
        id(b, e->profiles[a->profile]->id);
        out(b, "\n");
    }
    if (a->max_no_answer || a->max_per_window || a->window_ms || a->reject_delay_ms ||
        a->no_answer_delay_ms) {
        out(b, "    policy: {max_no_answer: %d, max_per_window: %d, window: ", (int)a->max_no_answer,
            (int)a->max_per_window);
        if (a->max_per_window > 0 && a->window_ms == 0)
            out(b, "0.0001"); /* a window under 0.5 ms: > 0 as required, and 0 ms again once loaded */
        else
            secs(b, a->window_ms);
        out(b, ", reject_delay: ");
        secs(b, a->reject_delay_ms);
        out(b, ", no_answer_delay: ");
        secs(b, a->no_answer_delay_ms);
        out(b, "}\n");
    }
}

static void dump_profile(obuf *b, const oq_engine *e, const oq_profile *p)
{
    out(b, "  ");
    id(b, p->id);
    out(b, ":\n    queues: {");
    for (int32_t i = 0; i < p->n_queues; i++) {
        out(b, "%s", i ? ", " : "");
        id(b, e->queues[p->queues[i].queue]->id);
        out(b, ": {priority: %d, delay: ", (int)p->queues[i].priority);
        secs(b, p->queues[i].delay_ms);
        out(b, "}");
    }
    out(b, "}\n    channels: {");
    int any = 0;
    for (int32_t i = 0; i < p->ch_cap && i < e->n_channels; i++)
        if (e->channels[i] && (p->ch_max[i] != -1 || p->ch_cross[i] != 1)) {
            out(b, "%s", any ? ", " : "");
            id(b, e->channels[i]->id);
            if (p->ch_max[i] >= 0)
                out(b, ": {max_items: %d, cross_channel: %s}", (int)p->ch_max[i], tf(p->ch_cross[i]));
            else
                out(b, ": {cross_channel: %s}", tf(p->ch_cross[i]));
            any = 1;
        }
    out(b, "}\n    force_longest_waiting: %s\n    idle_measure: %s\n", tf(p->force_longest_waiting),
        p->idle_measure == OQ_IDLE_LAST_INBOUND ? "last_inbound" : "last_activity");
}

oq_status oq_config_dump(const oq_engine *e, char **out_yaml, size_t *out_len)
{
    if (!e || !out_yaml)
        return OQ_EINVAL;
    obuf b = {0};
    b.cap = 4096;
    b.s = malloc(b.cap);
    if (!b.s)
        return OQ_ENOMEM;
    b.s[0] = '\0';
    out(&b, "# omniq configuration (oq_config_dump)\nengine:\n  seed: %llu\n  start: ",
        (unsigned long long)e->rng);
    time_ms(&b, e->now);
    out(&b, "\n  abandon_resume: ");
    secs(&b, e->abandon_resume_ms);
    out(&b, "\n  last_agent_max: %d", (int)e->last_agent_max);
    dump_calendars(&b, e);
    out(&b, "%schannels:\n", e->live_calendars ? "" : "\n");
    for (int32_t i = 0; i < e->n_channels; i++) {
        const oq_channel *c = e->channels[i];
        if (!c)
            continue;
        out(&b, "  ");
        id(&b, c->id);
        out(&b, ": {synchronous: %s, exclusive: %s, capacity_cost: %d, max_per_agent: %d}\n",
            tf(c->synchronous), tf(c->exclusive), (int)c->cost, (int)c->max_per_agent);
    }
    out(&b, "skills:\n");
    for (int32_t i = 0; i < e->n_skills; i++)
        if (e->skills[i]) {
            out(&b, "  ");
            id(&b, e->skills[i]->id);
            out(&b, ": %d\n", (int)e->skills[i]->max_level);
        }
    out(&b, "profiles:\n");
    for (int32_t i = 0; i < e->n_profiles; i++)
        if (e->profiles[i])
            dump_profile(&b, e, e->profiles[i]);
    out(&b, "groups:\n");
    for (int32_t i = 0; i < e->n_groups; i++)
        if (e->groups[i]) {
            out(&b, "  ");
            id(&b, e->groups[i]->id);
            if (e->groups[i]->profile >= 0) {
                out(&b, ": {profile: ");
                id(&b, e->profiles[e->groups[i]->profile]->id);
                out(&b, "}\n");
            } else {
                out(&b, ": {}\n");
            }
        }
    out(&b, "queues:\n");
    for (int32_t i = 0; i < e->n_queues; i++)
        if (e->queues[i])
            dump_queue(&b, e, e->queues[i]);
    out(&b, "agents:\n");
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i])
            dump_agent(&b, e, e->agents[i]);
    if (b.failed) {
        free(b.s);
        return OQ_ENOMEM;
    }
    *out_yaml = b.s;
    if (out_len)
        *out_len = b.n;
    return OQ_OK;
}
