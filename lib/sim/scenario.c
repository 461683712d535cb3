/* SPDX-License-Identifier: MIT */
/* Scenario files: a configuration plus a `simulation:` section, mapped onto
 * oq_sim_options. The parsed tree is kept: strings in the options point into
 * it, and the build callback defines the configuration from it in every
 * replication's fresh engine (oq__cfg_populate). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h" /* the configuration loader's document interface */
#include "core/abi.h"
#include "core/error.h"
#include "omniq/scenario.h"

struct oq_scenario {
    cfg_node *root;
    char name[256];
    oq_sim_options opts;
    oq_sim_stream *streams;
    oq_sim_agent *agents;
    int32_t n_streams, n_agents;
    void **owned;
    int32_t n_owned, cap_owned;
};

static const char *const SIM_KEYS[] = {"seed", "replications", "start", "zone", "warmup", "drain",
                                       "duration", "interval", "intervals", "short_abandon",
                                       "check", "defaults", "patterns", "streams", "agents",
                                       NULL};
static const char *const STREAM_KEYS[] = {"queue", "channel", "rate", "volumes", "total",
                                          "pattern", "priority", "handle", "patience", NULL};
static const char *const DIST_KEYS[] = {"dist", "mean", "sd", "shape", "values", NULL};
static const char *const AGENT_KEYS[] = {"match", "group", "shifts", "breaks",
                                         "accept_probability", "response", NULL};
static const char *const DEFAULT_KEYS[] = {"accept_probability", "response", NULL};
static const char *const WINDOW_KEYS[] = {"start", "end", NULL};
static const char *const BREAK_KEYS[] = {"start", "end", "reason", NULL};

static const char *const DIST_NAMES[] = {"none", "constant", "exponential", "lognormal",
                                         "gamma", "empirical"};
static const int32_t DIST_VALUES[] = {OQ_DIST_NONE, OQ_DIST_CONSTANT, OQ_DIST_EXPONENTIAL,
                                      OQ_DIST_LOGNORMAL, OQ_DIST_GAMMA, OQ_DIST_EMPIRICAL};

typedef struct sc_ctx {
    cfg_ctx *c;
    oq_scenario *s;
    int64_t start_ms;    /* engine time of sim time 0 */
    const oq_calendar *zone; /* the zone of clock times (UTC unless simulation.zone) */
    int32_t day0;        /* local date of start_ms: clock times are on it */
    double duration_s;
    double end_s;        /* duration + drain: the default shift's end */
} sc_ctx;

void oq_scenario_free(oq_scenario *s)
{
    if (!s)
        return;
    for (int32_t i = 0; i < s->n_owned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->streams);
    free(s->agents);
    oq__cfg_free(s->root);
    free(s);
}

#define nomem oq__cfg_nomem

/* calloc'd memory owned by the scenario (NULL on failure; error recorded). */
static void *own_alloc(sc_ctx *x, size_t n, size_t size)
{
    oq_scenario *s = x->s;
    void *p = calloc(n ? n : 1, size);
    if (p && s->n_owned == s->cap_owned) {
        int32_t cap = s->cap_owned ? s->cap_owned * 2 : 32;
        void **o = realloc(s->owned, (size_t)cap * sizeof *o);
        if (!o) {
            free(p);
            p = NULL;
        } else {
            s->owned = o;
            s->cap_owned = cap;
        }
    }
    if (!p) {
        nomem(x->c);
        return NULL;
    }
    s->owned[s->n_owned++] = p;
    return p;
}

#define FIELD(map, key, expr)                            \
    if (ok && (f = oq__cfg_get(map, key))) {                \
        size_t p_ = oq__cfg_push_key(c, key);                \
        ok = (expr);                                     \
        oq__cfg_pop(c, p_);                                  \
    }

/* "HH:MM" or "HH:MM:SS" -> seconds of the day; -1 if not a clock time. */
static double clock_time(const cfg_node *n)
{
    if (!n || n->kind != CFG_SCALAR)
        return -1;
    int h = 0, m = 0, sec = 0, used = 0;
    const char *p = n->s;
    if (!(p[0] >= '0' && p[0] <= '9'))
        return -1;
    if (sscanf(p, "%2d:%2d%n", &h, &m, &used) != 2)
        return -1;
    if (p[used] == ':') {
        int u2 = 0;
        if (sscanf(p + used + 1, "%2d%n", &sec, &u2) != 1)
            return -1;
        used += 1 + u2;
    }
    if (p[used] != '\0' || h > 48 || m > 59 || sec > 59)
        return -1;
    return h * 3600.0 + m * 60.0 + sec;
}

/* Engine time of local `date` + `sec` seconds (sec may pass midnight: a
 * clock time runs to 48:00) in the scenario's zone; 0 if out of range. */
static int local_ms(const oq_calendar *zone, int32_t date, double sec, int64_t *out)
{
    int64_t ms = (int64_t)(sec * 1000.0 + 0.5);
    if (!zone) { /* the zone failed to load (reported): UTC */
        *out = (int64_t)date * OQ_MS_PER_DAY + ms;
        return 1;
    }
    return oq_calendar_from_local(zone, date + (int32_t)(ms / OQ_MS_PER_DAY),
                                  (int32_t)(ms % OQ_MS_PER_DAY), out) == OQ_OK;
}

/* A time in the run: seconds from the start, or a clock time "HH:MM[:SS]" of
 * the start's local date (in simulation.zone) — "17:30" is 17:30 of the day
 * the run starts, "33:00" 09:00 the next day. */
static int sim_time(sc_ctx *x, const cfg_node *n, double *out)
{
    double t = clock_time(n);
    if (t >= 0) {
        int64_t ms = 0;
        if (!local_ms(x->zone, x->day0, t, &ms))
            return oq__cfg_fail(x->c, n, "clock time outside the calendar's years");
        *out = (double)(ms - x->start_ms) / 1000.0;
        return 1;
    }
    if (n && n->kind == CFG_SCALAR && !n->plain)
        return oq__cfg_fail(x->c, n, "expected seconds from the start or a clock time HH:MM[:SS], got \"%.60s\"", n->s);
    return oq__cfg_seconds_signed(x->c, n, out);
}

/* "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM[:SS]", then
 * optionally "Z" or "+HH:MM" / "-HH:MM" (ISO 8601). 1 with the local date,
 * the seconds of its day and the offset (*has_offset 0 when none); 0 when
 * the text is not of that form. */
static int date_time(const char *p, int32_t *date, double *sec, int *has_offset, int32_t *offset_s)
{
    char day[11];
    if (strlen(p) < 10)
        return 0;
    memcpy(day, p, 10);
    day[10] = '\0';
    if (oq_date_parse(day, date) != OQ_OK)
        return 0;
    p += 10;
    *sec = 0;
    *has_offset = 0;
    *offset_s = 0;
    if (*p == 'T' || *p == ' ') {
        int h = 0, m = 0, s = 0, used = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &m, &used) != 2 || used != 5)
            return 0;
        p += 1 + used;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &s, &used) != 1 || used != 2)
                return 0;
            p += 3;
        }
        if (h > 23 || m > 59 || s > 59)
            return 0;
        *sec = h * 3600.0 + m * 60.0 + s;
    }
    if (*p == 'Z' && p[1] == '\0') {
        *has_offset = 1;
        return 1;
    }
    if (*p == '+' || *p == '-') {
        int oh = 0, om = 0, used = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &used) != 2 || used != 5 || p[6] != '\0' ||
            oh > 18 || om > 59)
            return 0;
        *has_offset = 1;
        *offset_s = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        return 1;
    }
    return *p == '\0';
}

/* simulation.start: a date-time (an offset, or local time in simulation.zone),
 * a clock time of 1970-01-01 (older scenarios), or engine seconds; else
 * engine.start; else 0. Sets x->start_ms and x->day0. */
static int read_start(sc_ctx *x, const cfg_node *root, const cfg_node *sim)
{
    cfg_ctx *c = x->c;
    const cfg_node *f, *eng = oq__cfg_get(root, "engine");
    int ok = 1;
    int64_t ms = 0;
    if ((f = oq__cfg_get(sim, "start"))) {
        size_t p = oq__cfg_push_key(c, "start");
        double t = clock_time(f), sec = 0;
        int32_t date = 0, off = 0;
        int has_off = 0;
        if (t >= 0) {
            ok = local_ms(x->zone, 0, t, &ms) || oq__cfg_fail(c, f, "clock time out of range");
        } else if (f->kind == CFG_SCALAR && date_time(f->s, &date, &sec, &has_off, &off)) {
            if (has_off)
                ms = (int64_t)date * OQ_MS_PER_DAY + (int64_t)(sec * 1000.0) - (int64_t)off * 1000;
            else if (!local_ms(x->zone, date, sec, &ms))
                ok = oq__cfg_fail(c, f, "date outside years 1..9999");
        } else if (f->kind == CFG_SCALAR && !f->plain) {
            ok = oq__cfg_fail(c, f, "expected a date-time \"YYYY-MM-DD HH:MM[:SS][Z|+HH:MM]\", a clock "
                                    "time HH:MM[:SS] or seconds, got \"%.60s\"", f->s);
        } else {
            ok = oq__cfg_time_ms(c, f, &ms);
        }
        oq__cfg_pop(c, p);
    } else if (eng && (f = oq__cfg_get(eng, "start"))) {
        oq_engine_now(c->e, &ms);
        if (ms < 0)
            ok = oq__cfg_fail(c, f, "a simulation needs engine.start >= 0");
    }
    oq_local_time lt = {.date = (int32_t)(ms / OQ_MS_PER_DAY)};
    if (ok && x->zone && oq_calendar_to_local(x->zone, ms, &lt) != OQ_OK)
        ok = oq__cfg_fail(c, oq__cfg_get(sim, "start"), "start outside years 1..9999");
    x->start_ms = ms;
    x->day0 = ok ? lt.date : 0;
    x->s->opts.start_ms = ms;
    return ok;
}

/* simulation.zone: the time zone of clock times and of a start without an
 * offset (IANA name, "UTC" or "+08:00"; default UTC). The zone is kept in a
 * calendar owned by the caller (*out, destroyed after loading). */
static int read_zone(sc_ctx *x, const cfg_node *sim, oq_calendar **out)
{
    cfg_ctx *c = x->c;
    const cfg_node *f = oq__cfg_get(sim, "zone");
    const char *name = "UTC";
    size_t p = oq__cfg_push_key(c, "zone");
    int ok = !f || oq__cfg_id(c, f, &name);
    oq_error err = OQ_ERROR_INIT;
    oq_status st = ok ? oq_calendar_create("zone", name, NULL, out, &err) : OQ_OK;
    if (ok && st == OQ_ENOMEM)
        ok = nomem(c);
    else if (ok && st != OQ_OK)
        ok = oq__cfg_fail(c, f, "%s", err.message);
    oq__cfg_pop(c, p);
    x->zone = *out;
    return ok;
}

/* "undefined queue 'x' (did you mean 'y'?)"; 0. A name whose own definition
 * failed (and was reported) fails quietly. */
static int undefined(cfg_ctx *c, const cfg_node *at, int32_t kind, const char *what, const char *id)
{
    if (oq__cfg_defined_in_doc(c, kind, id))
        return oq__cfg_fail_quiet(c);
    char dym[128];
    return oq__cfg_fail(c, at, "undefined %s '%.80s'%s", what, id,
                        oq__cfg_did_you_mean(dym, sizeof dym, oq__cfg_suggest_id(c->e, kind, id)));
}

static int read_dist(sc_ctx *x, const cfg_node *n, int none_ok, oq_sim_dist *d)
{
    cfg_ctx *c = x->c;
    memset(d, 0, sizeof *d);
    if (n->kind == CFG_SCALAR && strcmp(n->s, "none") == 0 && n->plain) {
        if (!none_ok)
            return oq__cfg_fail(c, n, "expected a distribution ({dist: ..., mean: ...}), got 'none'");
        d->kind = OQ_DIST_NONE;
        return 1;
    }
    if (n->kind == CFG_SCALAR) { /* a number: constant */
        d->kind = OQ_DIST_CONSTANT;
        return oq__cfg_seconds(c, n, &d->mean);
    }
    int ok = oq__cfg_check_map(c, n, DIST_KEYS, 0);
    const cfg_node *f;
    if (ok && !oq__cfg_get(n, "dist"))
        ok = oq__cfg_fail(c, n, "missing key 'dist' (one of none, constant, exponential, lognormal, gamma, empirical)");
    FIELD(n, "dist", oq__cfg_enum(c, f, DIST_NAMES, DIST_VALUES, N_OF(DIST_NAMES), &d->kind))
    if (ok && d->kind == OQ_DIST_NONE && !none_ok)
        ok = oq__cfg_fail(c, oq__cfg_get(n, "dist"), "a handle time cannot be 'none'");
    const char *need = NULL;
    if (ok) {
        switch (d->kind) {
        case OQ_DIST_CONSTANT:
        case OQ_DIST_EXPONENTIAL: need = oq__cfg_get(n, "mean") ? NULL : "mean"; break;
        case OQ_DIST_LOGNORMAL: need = !oq__cfg_get(n, "mean") ? "mean" : !oq__cfg_get(n, "sd") ? "sd" : NULL; break;
        case OQ_DIST_GAMMA: need = !oq__cfg_get(n, "mean") ? "mean" : !oq__cfg_get(n, "shape") ? "shape" : NULL; break;
        case OQ_DIST_EMPIRICAL: need = oq__cfg_get(n, "values") ? NULL : "values"; break;
        default: break;
        }
        if (need)
            ok = oq__cfg_fail(c, n, "missing key '%s' (dist %s needs it)", need, oq_sim_dist_name(d->kind));
    }
    FIELD(n, "mean", oq__cfg_seconds(c, f, &d->mean))
    if (ok && d->mean <= 0 && (d->kind == OQ_DIST_EXPONENTIAL || d->kind == OQ_DIST_LOGNORMAL ||
                               d->kind == OQ_DIST_GAMMA)) {
        size_t p = oq__cfg_push_key(c, "mean");
        ok = oq__cfg_fail(c, oq__cfg_get(n, "mean"), "must be > 0 for dist %s", oq_sim_dist_name(d->kind));
        oq__cfg_pop(c, p);
    }
    FIELD(n, "sd", oq__cfg_number(c, f, 1e-9, 1e9, &d->param))
    FIELD(n, "shape", oq__cfg_number(c, f, 1e-6, 1e6, &d->param))
    if (ok && (f = oq__cfg_get(n, "values"))) {
        size_t p = oq__cfg_push_key(c, "values");
        if (f->kind != CFG_SEQ || f->n < 1)
            ok = oq__cfg_fail(c, f, "expected a non-empty list of seconds");
        double *v = ok ? own_alloc(x, (size_t)f->n, sizeof *v) : NULL;
        ok = ok && v;
        for (int32_t i = 0; ok && i < f->n; i++) {
            size_t p1 = oq__cfg_push_index(c, i);
            ok = oq__cfg_seconds(c, f->kids[i], &v[i]);
            oq__cfg_pop(c, p1);
        }
        if (ok) {
            d->values = v;
            d->n_values = f->n;
        }
        oq__cfg_pop(c, p);
    }
    return ok;
}

static int list_of_numbers(sc_ctx *x, const cfg_node *f, double **out, int32_t *n)
{
    cfg_ctx *c = x->c;
    if (f->kind != CFG_SEQ || f->n < 1)
        return oq__cfg_fail(c, f, "expected a non-empty list of numbers");
    double *v = own_alloc(x, (size_t)f->n, sizeof *v);
    if (!v)
        return 0;
    for (int32_t i = 0; i < f->n; i++) {
        size_t p = oq__cfg_push_index(c, i);
        int ok = oq__cfg_number(c, f->kids[i], 0, 1e9, &v[i]);
        oq__cfg_pop(c, p);
        if (!ok)
            return 0;
    }
    *out = v;
    *n = f->n;
    return 1;
}

static int read_stream(sc_ctx *x, const cfg_node *v, const cfg_node *patterns, int32_t n_intervals,
                       oq_sim_stream *st)
{
    cfg_ctx *c = x->c;
    const cfg_node *f;
    oq_sim_stream_init(st);
    int ok = oq__cfg_check_map(c, v, STREAM_KEYS, 0);
    if (ok && !oq__cfg_get(v, "queue"))
        ok = oq__cfg_fail(c, v, "missing key 'queue'");
    if (ok && !oq__cfg_get(v, "channel"))
        ok = oq__cfg_fail(c, v, "missing key 'channel'");
    int nrate = (oq__cfg_get(v, "rate") != NULL) + (oq__cfg_get(v, "volumes") != NULL) +
                (oq__cfg_get(v, "total") != NULL);
    if (ok && nrate != 1)
        ok = oq__cfg_fail(c, v, "exactly one of 'rate' (per hour), 'volumes' (per interval) or "
                            "'total' (with 'pattern') is needed");
    if (ok && !oq__cfg_get(v, "total") != !oq__cfg_get(v, "pattern"))
        ok = oq__cfg_fail(c, v, "'total' and 'pattern' go together");
    FIELD(v, "queue", oq__cfg_id(c, f, &st->queue) &&
                          (oq_queue_get(c->e, st->queue, &(oq_queue_info)OQ_OUTPUT_INIT(oq_queue_info)) == OQ_OK ||
                           undefined(c, f, OQ_KIND_QUEUE, "queue", st->queue)))
    FIELD(v, "channel", oq__cfg_id(c, f, &st->channel) &&
                            (oq_channel_get(c->e, st->channel, &(oq_channel_spec)OQ_OUTPUT_INIT(oq_channel_spec)) == OQ_OK ||
                             undefined(c, f, OQ_KIND_CHANNEL, "channel", st->channel)))
    FIELD(v, "rate", oq__cfg_number(c, f, 0, 1e9, &st->rate_per_hour))
    FIELD(v, "priority", oq__cfg_int(c, f, -OQ_PRIORITY_MAX, OQ_PRIORITY_MAX, &st->priority))
    if (ok && (f = oq__cfg_get(v, "volumes"))) {
        size_t p = oq__cfg_push_key(c, "volumes");
        double *vol = NULL;
        ok = list_of_numbers(x, f, &vol, &st->n_volumes);
        if (ok && st->n_volumes > n_intervals)
            ok = oq__cfg_fail(c, f, "%d volumes for %d intervals", (int)st->n_volumes, (int)n_intervals);
        st->volumes = vol;
        oq__cfg_pop(c, p);
    }
    if (ok && (f = oq__cfg_get(v, "pattern"))) {
        size_t p = oq__cfg_push_key(c, "pattern");
        const cfg_node *pat = NULL;
        const char *pid = NULL;
        ok = oq__cfg_id(c, f, &pid);
        if (ok && !(pat = oq__cfg_get(patterns, pid)))
            ok = oq__cfg_fail(c, f, "undefined pattern '%.80s' (simulation.patterns)", pid);
        oq__cfg_pop(c, p);
        double total = 0, sum = 0;
        FIELD(v, "total", oq__cfg_number(c, f, 0, 1e9, &total))
        if (ok) {
            /* the pattern was checked when simulation.patterns was read */
            int32_t n = pat->n < n_intervals ? pat->n : n_intervals;
            double *vol = own_alloc(x, (size_t)n, sizeof *vol);
            ok = vol != NULL;
            for (int32_t i = 0; ok && i < pat->n; i++)
                sum += strtod(pat->kids[i]->s, NULL);
            for (int32_t i = 0; ok && i < n; i++)
                vol[i] = sum > 0 ? total * strtod(pat->kids[i]->s, NULL) / sum : 0;
            st->volumes = vol;
            st->n_volumes = n;
        }
    }
    FIELD(v, "handle", read_dist(x, f, 0, &st->handle))
    FIELD(v, "patience", read_dist(x, f, 1, &st->patience))
    if (ok) { /* the queue must accept the channel (its `channels` list) */
        const cfg_node *q = oq__cfg_get(oq__cfg_get(x->s->root, "queues"), st->queue);
        const cfg_node *chs = oq__cfg_get(q, "channels");
        int found = 0;
        for (int32_t i = 0; chs && chs->kind == CFG_SEQ && i < chs->n; i++)
            if (chs->kids[i]->kind == CFG_SCALAR && strcmp(chs->kids[i]->s, st->channel) == 0)
                found = 1;
        if (!found) {
            size_t p = oq__cfg_push_key(c, "channel");
            ok = oq__cfg_fail(c, oq__cfg_get(v, "channel"), "queue '%.80s' does not accept channel '%.80s'",
                          st->queue, st->channel);
            oq__cfg_pop(c, p);
        }
    }
    return ok;
}

static int read_windows(sc_ctx *x, const cfg_node *f, int breaks, oq_sim_window **out, int32_t *n)
{
    cfg_ctx *c = x->c;
    if (f->kind != CFG_SEQ)
        return oq__cfg_fail(c, f, "expected a list of {start, end%s}", breaks ? ", reason" : "");
    oq_sim_window *w = own_alloc(x, (size_t)f->n, sizeof *w);
    if (!w)
        return 0;
    int ok = 1;
    for (int32_t i = 0; ok && i < f->n; i++) {
        size_t p = oq__cfg_push_index(c, i);
        const cfg_node *v = f->kids[i], *g;
        ok = oq__cfg_check_map(c, v, breaks ? BREAK_KEYS : WINDOW_KEYS, 0);
        if (ok && (!oq__cfg_get(v, "start") || !oq__cfg_get(v, "end")))
            ok = oq__cfg_fail(c, v, "missing key '%s'", oq__cfg_get(v, "start") ? "end" : "start");
        if (ok && (g = oq__cfg_get(v, "start"))) {
            size_t p1 = oq__cfg_push_key(c, "start");
            ok = sim_time(x, g, &w[i].start_s);
            if (ok && w[i].start_s < 0)
                ok = oq__cfg_fail(c, g, "before the start of the run");
            oq__cfg_pop(c, p1);
        }
        if (ok && (g = oq__cfg_get(v, "end"))) {
            size_t p1 = oq__cfg_push_key(c, "end");
            ok = sim_time(x, g, &w[i].end_s);
            if (ok && !(w[i].end_s > w[i].start_s))
                ok = oq__cfg_fail(c, g, "must be after 'start'");
            oq__cfg_pop(c, p1);
        }
        if (ok && (g = oq__cfg_get(v, "reason"))) {
            size_t p1 = oq__cfg_push_key(c, "reason");
            ok = oq__cfg_string(c, g, &w[i].reason);
            oq__cfg_pop(c, p1);
        }
        oq__cfg_pop(c, p);
    }
    *out = w;
    *n = f->n;
    return ok;
}

static int in_group(const cfg_node *agent_val, const char *group)
{
    const cfg_node *gs = oq__cfg_get(agent_val, "groups");
    for (int32_t i = 0; gs && gs->kind == CFG_SEQ && i < gs->n; i++)
        if (gs->kids[i]->kind == CFG_SCALAR && strcmp(gs->kids[i]->s, group) == 0)
            return 1;
    return 0;
}

static int read_agents(sc_ctx *x, const cfg_node *seq, const cfg_node *cfg_agents,
                       const oq_sim_agent *def)
{
    cfg_ctx *c = x->c;
    oq_scenario *s = x->s;
    int32_t n = cfg_agents && cfg_agents->kind == CFG_MAP ? cfg_agents->n / 2 : 0;
    s->agents = calloc(n ? (size_t)n : 1, sizeof *s->agents);
    if (!s->agents)
        return nomem(c);
    s->n_agents = n;
    int32_t *taken = calloc(n ? (size_t)n : 1, sizeof *taken);
    if (!taken)
        return nomem(c);
    for (int32_t i = 0; i < n; i++)
        s->agents[i].id = NULL;
    int ok = 1;
    if (seq && !oq__cfg_is_null(seq) && seq->kind != CFG_SEQ)
        ok = oq__cfg_fail(c, seq, "expected a list of agent entries ({match: pattern, shifts: ...})");
    int list_ok = ok, entries_ok = ok; /* every entry, even after an error in one */
    for (int32_t e = 0; list_ok && !c->stop && seq && seq->kind == CFG_SEQ && e < seq->n; e++) {
        entries_ok &= ok;
        ok = 1;
        size_t p = oq__cfg_push_index(c, e);
        const cfg_node *v = seq->kids[e], *f;
        oq_sim_agent a;
        oq_sim_agent_init(&a);
        a.accept_prob = def->accept_prob;
        a.response = def->response;
        const char *pattern = NULL, *group = NULL;
        oq_sim_window *w = NULL;
        ok = oq__cfg_check_map(c, v, AGENT_KEYS, 0);
        if (ok && !oq__cfg_get(v, "match") == !oq__cfg_get(v, "group"))
            ok = oq__cfg_fail(c, v, "exactly one of 'match' (agent ids; wildcards * ? [a-z]) or 'group' is needed");
        FIELD(v, "match", oq__cfg_string(c, f, &pattern))
        FIELD(v, "group", oq__cfg_id(c, f, &group))
        FIELD(v, "accept_probability", oq__cfg_fraction(c, f, &a.accept_prob))
        FIELD(v, "response", read_dist(x, f, 1, &a.response))
        FIELD(v, "shifts", read_windows(x, f, 0, &w, &a.n_shifts))
        a.shifts = w;
        FIELD(v, "breaks", read_windows(x, f, 1, &w, &a.n_breaks))
        if (oq__cfg_get(v, "breaks"))
            a.breaks = w;
        if (ok && !oq__cfg_get(v, "shifts")) { /* the whole run, drain included */
            oq_sim_window *all = own_alloc(x, 1, sizeof *all);
            ok = all != NULL;
            if (ok) {
                all->end_s = x->end_s;
                a.shifts = all;
                a.n_shifts = 1;
            }
        }
        int matched = 0;
        for (int32_t i = 0; ok && i < n; i++) {
            const cfg_node *k = cfg_agents->kids[2 * i];
            if (pattern ? oq__cfg_glob(pattern, k->s, NULL) : in_group(cfg_agents->kids[2 * i + 1], group)) {
                matched++;
                if (!taken[i]) { /* the first matching entry wins */
                    taken[i] = 1;
                    s->agents[i] = a;
                    s->agents[i].id = k->s;
                }
            }
        }
        if (ok && !matched && group && !oq__cfg_defined_in_doc(c, OQ_KIND_GROUP, group)) {
            size_t p1 = oq__cfg_push_key(c, "group");
            ok = undefined(c, oq__cfg_get(v, "group"), OQ_KIND_GROUP, "group", group);
            oq__cfg_pop(c, p1);
        }
        else if (ok && !matched)
            ok = oq__cfg_fail(c, oq__cfg_get(v, pattern ? "match" : "group"), "matches no agent");
        oq__cfg_pop(c, p);
    }
    ok = entries_ok && ok;
    /* Agents no entry names work the whole run (drain included) with the defaults. */
    for (int32_t i = 0; ok && i < n; i++)
        if (!taken[i]) {
            oq_sim_window *all = own_alloc(x, 1, sizeof *all);
            ok = all != NULL;
            if (ok) {
                all->end_s = x->end_s;
                s->agents[i] = *def;
                s->agents[i].id = cfg_agents->kids[2 * i]->s;
                s->agents[i].shifts = all;
                s->agents[i].n_shifts = 1;
            }
        }
    free(taken);
    return ok;
}

static oq_status build_cb(oq_engine *e, uint64_t seed, void *user);

static int read_simulation(sc_ctx *x, const cfg_node *root)
{
    cfg_ctx *c = x->c;
    oq_scenario *s = x->s;
    oq_sim_options *o = &s->opts;
    const cfg_node *sim = oq__cfg_get(root, "simulation"), *f;
    if (!sim)
        return oq__cfg_fail(c, NULL, "missing top-level key 'simulation' (a scenario needs traffic: "
                                 "simulation.streams)");
    size_t p0 = oq__cfg_push_key(c, "simulation");
    int ok = oq__cfg_check_map(c, sim, SIM_KEYS, 0);
    oq_calendar *zone = NULL;
    ok = ok && read_zone(x, sim, &zone) && read_start(x, root, sim);
    if (!ok && !c->stop)
        x->day0 = 0; /* go on reading (more errors) with UTC clock times on day 0 */
    int32_t n_intervals = 0;
    FIELD(sim, "seed", oq__cfg_u64(c, f, &o->seed))
    FIELD(sim, "replications", oq__cfg_int(c, f, 1, 100000, &o->replications))
    FIELD(sim, "warmup", oq__cfg_seconds(c, f, &o->warmup_s))
    FIELD(sim, "drain", oq__cfg_seconds(c, f, &o->drain_s))
    FIELD(sim, "interval", oq__cfg_number(c, f, 1, 86400, &o->interval_s))
    FIELD(sim, "intervals", oq__cfg_int(c, f, 1, 100000, &n_intervals))
    FIELD(sim, "duration", oq__cfg_number(c, f, 1, 1e9, &o->duration_s))
    FIELD(sim, "short_abandon", oq__cfg_seconds(c, f, &o->short_abandon_s))
    FIELD(sim, "check", oq__cfg_bool(c, f, &o->check))
    if (ok && oq__cfg_get(sim, "intervals") && oq__cfg_get(sim, "duration"))
        ok = oq__cfg_fail(c, oq__cfg_get(sim, "duration"), "give 'duration' or 'intervals', not both");
    if (ok && n_intervals > 0)
        o->duration_s = n_intervals * o->interval_s;
    if (ok && !oq__cfg_get(sim, "intervals") && !oq__cfg_get(sim, "duration"))
        ok = oq__cfg_fail(c, sim, "missing key 'intervals' (or 'duration'): how long arrivals run");
    if (ok && o->warmup_s >= o->duration_s)
        ok = oq__cfg_fail(c, oq__cfg_get(sim, "warmup"), "the warm-up must end before the run does");
    if (ok)
        n_intervals = (int32_t)((o->duration_s + o->interval_s - 1e-9) / o->interval_s);
    x->duration_s = o->duration_s;
    x->end_s = o->duration_s + o->drain_s;

    /* defaults for agents */
    oq_sim_agent def;
    oq_sim_agent_init(&def);
    if (ok && (f = oq__cfg_get(sim, "defaults"))) {
        size_t p = oq__cfg_push_key(c, "defaults");
        const cfg_node *g;
        ok = oq__cfg_check_map(c, f, DEFAULT_KEYS, 1);
        if (ok && (g = oq__cfg_get(f, "accept_probability"))) {
            size_t p1 = oq__cfg_push_key(c, "accept_probability");
            ok = oq__cfg_fraction(c, g, &def.accept_prob);
            oq__cfg_pop(c, p1);
        }
        if (ok && (g = oq__cfg_get(f, "response"))) {
            size_t p1 = oq__cfg_push_key(c, "response");
            ok = read_dist(x, g, 1, &def.response);
            oq__cfg_pop(c, p1);
        }
        oq__cfg_pop(c, p);
    }
    o->default_accept_prob = def.accept_prob;
    o->default_response = def.response;

    /* patterns: name -> list of weights */
    const cfg_node *patterns = oq__cfg_get(sim, "patterns");
    if (ok && patterns) {
        size_t p = oq__cfg_push_key(c, "patterns");
        ok = oq__cfg_check_map(c, patterns, NULL, 1);
        for (int32_t i = 0; ok && patterns->kind == CFG_MAP && i + 1 < patterns->n; i += 2) {
            size_t p1 = oq__cfg_push_key(c, patterns->kids[i]->s);
            double *tmp = NULL;
            int32_t cnt = 0;
            ok = list_of_numbers(x, patterns->kids[i + 1], &tmp, &cnt);
            oq__cfg_pop(c, p1);
        }
        oq__cfg_pop(c, p);
    }

    /* streams */
    const cfg_node *streams = oq__cfg_get(sim, "streams");
    if (ok) {
        size_t p = oq__cfg_push_key(c, "streams");
        if (!streams || streams->kind != CFG_SEQ || streams->n < 1)
            ok = streams ? oq__cfg_fail(c, streams, "expected a non-empty list of streams")
                         : oq__cfg_fail(c, sim, "missing key 'streams' (the traffic)");
        if (ok) {
            s->streams = calloc((size_t)streams->n, sizeof *s->streams);
            if (!s->streams)
                ok = nomem(c);
            else
                s->n_streams = streams->n;
        }
        /* every stream, and the agents after them, even after an error */
        int all = ok;
        for (int32_t i = 0; ok && !c->stop && i < s->n_streams; i++) {
            size_t p1 = oq__cfg_push_index(c, i);
            all &= read_stream(x, streams->kids[i], patterns, n_intervals, &s->streams[i]);
            oq__cfg_pop(c, p1);
        }
        oq__cfg_pop(c, p);
        if (ok && !c->stop) {
            size_t p1 = oq__cfg_push_key(c, "agents");
            all &= read_agents(x, oq__cfg_get(sim, "agents"), oq__cfg_get(root, "agents"), &def);
            oq__cfg_pop(c, p1);
        }
        ok = all;
    }
    o->streams = s->streams;
    o->n_streams = s->n_streams;
    o->agents = s->agents;
    o->n_agents = s->n_agents;
    o->build = build_cb;
    o->build_user = s;
    if (ok) {
        oq_error e = OQ_ERROR_INIT;
        if (oq_sim_options_check(o, &e) != OQ_OK)
            ok = oq__cfg_fail(c, sim, "%s", e.message);
    }
    x->zone = NULL;
    oq_calendar_destroy(zone);
    oq__cfg_pop(c, p0);
    return ok;
}

static oq_status build_cb(oq_engine *e, uint64_t seed, void *user)
{
    (void)seed;
    return oq_scenario_build(e, user);
}

oq_status oq_scenario_build(oq_engine *e, const oq_scenario *s)
{
    if (!e || !s)
        return OQ_EINVAL;
    cfg_ctx c;
    oq__cfg_ctx_init(&c, s->name, NULL, NULL);
    c.max_errors = 1;
    c.e = e;
    if (oq_engine_now(e, &c.now_ms) != OQ_OK)
        return OQ_EINVAL;
    if (!oq__cfg_populate(&c, s->root))
        return c.status != OQ_OK ? c.status : OQ_ECONFIG;
    return OQ_OK;
}

oq_status oq_scenario_load(const oq_load_options *options, const char *path, const char *yaml,
                           size_t len, const char *name, oq_scenario **out, oq_error *err)
{
    cfg_ctx c;
    oq_load_options full;
    name = name ? name : path ? path : "<buffer>";
    if (!oq__cfg_options_ok(&options, &full, name, err))
        return OQ_EINVAL;
    oq__cfg_ctx_init(&c, name, err, options);
    if (!out || (!path && !yaml && len > 0)) {
        oq__cfg_fail(&c, NULL, "invalid argument");
        oq__error_status(err, OQ_EINVAL);
        return OQ_EINVAL;
    }
    oq_scenario *s = calloc(1, sizeof *s);
    if (!s) {
        nomem(&c);
        oq__error_status(err, OQ_ENOMEM);
        return OQ_ENOMEM;
    }
    snprintf(s->name, sizeof s->name, "%s", c.name);
    oq_sim_options_init(&s->opts);
    char *buf = NULL;
    int ok = 1;
    if (path) {
        ok = oq__cfg_read_file(&c, path, &buf, &len);
        yaml = buf;
    }
    c.top_keys = oq__cfg_top_keys(CFG_EXTRA_SCENARIO);
    ok = ok && oq__cfg_parse(&c, yaml ? yaml : "", yaml ? len : 0, &s->root);
    free(buf);
    if (ok) {
        /* A trial engine validates the configuration (and the names streams
         * use); the simulation section is read even after a configuration
         * error, to report its own. */
        ok = oq__cfg_build(&c, NULL, s->root, CFG_EXTRA_SCENARIO);
        sc_ctx x = {.c = &c, .s = s};
        if (c.e && !c.stop)
            ok = read_simulation(&x, s->root) && ok;
    }
    oq_engine_destroy(c.e);
    if (!ok || c.status != OQ_OK) {
        oq_scenario_free(s);
        oq_status st = c.status != OQ_OK ? c.status : OQ_ECONFIG;
        oq__error_status(err, st);
        return st;
    }
    *out = s;
    return OQ_OK;
}

static oq_status scenario_load(const char *path, const char *yaml, size_t len, const char *name,
                               oq_scenario **out, oq_error *err)
{
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.max_errors = 1;
    return oq_scenario_load(&lo, path, yaml, len, name, out, err);
}

oq_status oq_scenario_load_file(const char *path, oq_scenario **out, oq_error *err)
{
    if (!path)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path is NULL");
    return scenario_load(path, NULL, 0, path, out, err);
}

oq_status oq_scenario_load_buffer(const char *yaml, size_t len, const char *name,
                                  oq_scenario **out, oq_error *err)
{
    return scenario_load(NULL, yaml, len, name, out, err);
}

oq_status oq_scenario_options(const oq_scenario *s, oq_sim_options *out, oq_error *err)
{
    if (!s)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "scenario is required");
    return OQ__OUTPUT_PUT(out, &s->opts, oq_sim_options, replications, err);
}
