/* SPDX-License-Identifier: MIT */
/* The discrete-event simulator: the host loop of examples/example_day.c,
 * generalised. See include/omniq/sim.h and docs/simulation.md. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/abi.h"
#include "core/error.h"
#include "core/mem.h"
#include "omniq/contact.h"
#include "omniq/model.h"
#include "sim/internal.h"
#include "stats/attach.h"
#include "stats/cohort.h"
#include "stats/kpi.h"

#define MAX_INTERVALS OQ__COHORT_INTERVALS_MAX
#define MAX_TIME_S 1e9

/* ---- simulator events --------------------------------------------------- */

enum {
    EV_ARRIVAL = 1,   /* a = stream */
    EV_ANSWER,        /* a = agent, b = contact, c = offer seq, d = accept(1)/reject(0) */
    EV_COMPLETE,      /* b = contact, c = offer seq of the assignment */
    EV_ABANDON,       /* b = contact */
    EV_SHIFT_START,   /* a = agent */
    EV_SHIFT_END,
    EV_BREAK_START,   /* a = agent, c = break index */
    EV_BREAK_END,
};

typedef struct sim_ev {
    int64_t t;
    uint64_t seq;         /* push order: ties in t go first pushed, first handled */
    int64_t b;
    int32_t kind, a, c, d;
} sim_ev;

/* A map from the engine's id pointers to the simulator's numbers (agent
 * index or contact number). The engine names an agent or a contact in its
 * events by its own copy of the id, one pointer for the object's life, so
 * this skips hashing or parsing the string; a hit is still confirmed by
 * comparing the strings (the engine reuses a finished contact's id buffer,
 * a removed agent's memory may later hold another id). Open addressing,
 * linear probing, never a deletion: when half full it grows, or, past its
 * limit, starts empty again (the entries are only hints). */
typedef struct ptr_ent {
    const char *ptr;
    int64_t val;
} ptr_ent;

typedef struct ptr_map {
    ptr_ent *e;
    int32_t cap, n;         /* cap: 0 or a power of two */
} ptr_map;

/* Contact states as the simulator tracks them from the engine's events. */
enum { CS_NEW = 0, CS_QUEUED, CS_OFFERED, CS_ACTIVE, CS_WRAPUP, CS_PARKED, CS_DONE };

typedef struct sim_contact {
    int64_t arrival_ms;
    oq__cohort_key key;   /* where its figures count: key.entry is its stream */
    int32_t seq;          /* offers made so far (stale-action check) */
    uint8_t state;
    uint8_t answered;
    uint8_t no_abandon;   /* became a callback: the customer no longer waits on line */
    char id[22];          /* "c<n>" (n < 2^63: at most 19 digits), made once at
                             arrival for the three or four calls that name it */
} sim_contact;

typedef struct sim_agent {
    const char *id;       /* options' string, or `owned` */
    char *owned;
    double accept_prob;
    const oq_sim_dist *response;
    const oq_sim_agent *spec; /* NULL for agents not in the options */
    int64_t since_ms;     /* last occupancy accounting */
    uint8_t staffed, busy, ready; /* ready: logged in and not on a break (not-ready) */
} sim_agent;

struct oq_sim {
    oq_sim_options o;
    oq_mem mem;             /* options.alloc (NULL: the C library): every byte of the
                               simulator, its cohort table and its engines */
    char err[512];
    int32_t nq, nc, nscopes, nint;
    const char **queue_ids;
    const char **channel_ids;
    int32_t *stream_q, *stream_c;
    oq__cohort co;          /* the figures, counted by lib/stats: replications are its runs,
                               streams its entry points, intervals its grid */
    oq_sim_run_info *info;  /* [replication] */
    int32_t ran;            /* replications with results */
    oq_engine *engine;

    /* ---- state of the replication being run ---- */
    int32_t r;
    oq_sim_rng rng;
    int64_t start_ms, warmup_ms, duration_ms, limit_ms, interval_ms;
    double *stream_t;       /* next arrival, seconds from start (continuous) */
    sim_ev *heap;           /* binary heap by (t, seq) */
    int32_t heap_n, heap_cap;
    int32_t top_taken;      /* the root is the event being handled: the first push
                               replaces it (one sift instead of a pop and a push) */
    uint64_t seq;
    sim_contact *c;
    int64_t c_n, c_cap;
    sim_agent *ag;
    int32_t ag_n, ag_cap;
    int32_t *amap;          /* open addressing: agent index + 1, 0 = empty */
    int32_t amap_cap;
    ptr_map aptr;           /* agent_of: the engine's id pointer -> agent index */
    ptr_map cptr;           /* contact_of: the engine's id pointer -> contact number */
    int64_t arriving;       /* the contact oq_contact_arrive is making, -1 = none */
    oq_contact_spec cspec;  /* arrivals' spec: id, queue, channel, priority set per arrival */
    char next_id[22];       /* the next arrival's id, "c<c_n>" (as sim_contact.id) */
    int32_t next_id_digits; /* its digits */
    int32_t failed;         /* allocation failed inside the callback */
    oq_sim_run_info *cur;
};

/* ---- small helpers -------------------------------------------------------- */

static void set_err(oq_sim *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
}

static int64_t s_to_ms(double s, int64_t min_ms)
{
    if (!(s > 0))
        s = 0;
    if (s > MAX_TIME_S)
        s = MAX_TIME_S;
    /* llround by hand (a libm call per event showed in the profile): 0 <= v
     * <= 1e12 < 2^53, so v - trunc(v) is exact and ties round up, as llround. */
    double v = s * 1000.0;
    int64_t ms = (int64_t)v;
    if (v - (double)ms >= 0.5)
        ms++;
    return ms < min_ms ? min_ms : ms;
}

static uint32_t hash_str(const char *p)
{
    uint32_t h = 2166136261u;
    while (*p)
        h = (h ^ (uint8_t)*p++) * 16777619u;
    return h;
}

/* ---- options ---------------------------------------------------------------- */

void oq_sim_options_init(oq_sim_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->struct_size = (uint32_t)sizeof *o;
    o->replications = 10;
    o->seed = 1;
    o->duration_s = 86400;
    o->drain_s = 86400;
    o->interval_s = 900;
    o->default_accept_prob = 1.0;
}

void oq_sim_stream_init(oq_sim_stream *x)
{
    if (!x)
        return;
    memset(x, 0, sizeof *x);
    x->handle.kind = OQ_DIST_EXPONENTIAL;
    x->handle.mean = 180;
}

void oq_sim_agent_init(oq_sim_agent *a)
{
    if (!a)
        return;
    memset(a, 0, sizeof *a);
    a->accept_prob = 1.0;
}

static oq_status bad(char *buf, size_t n, const char *fmt, ...)
{
    if (buf && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, n, fmt, ap);
        va_end(ap);
    }
    return OQ_EINVAL;
}

static int finite_in(double x, double lo, double hi) { return x >= lo && x <= hi; }

static oq_status check_windows(const oq_sim_window *w, int32_t n, const char *what, int32_t i,
                               char *buf, size_t bn)
{
    if (n < 0 || (n > 0 && !w))
        return bad(buf, bn, "agents[%d].%s: need n >= 0 and an array", i, what);
    for (int32_t k = 0; k < n; k++)
        if (!finite_in(w[k].start_s, 0, MAX_TIME_S) || !finite_in(w[k].end_s, w[k].start_s, MAX_TIME_S))
            return bad(buf, bn, "agents[%d].%s[%d]: need 0 <= start_s <= end_s <= 1e9", i, what, k);
    return OQ_OK;
}

static oq_status check_full(const oq_sim_options *o, char *buf, size_t bn)
{
    char field[96];
    if (o->replications < 1 || o->replications > 100000)
        return bad(buf, bn, "replications: must be in 1..100000");
    if (!finite_in(o->duration_s, 1e-3, MAX_TIME_S))
        return bad(buf, bn, "duration_s: must be in (0, 1e9]");
    if (!finite_in(o->warmup_s, 0, MAX_TIME_S) || o->warmup_s >= o->duration_s)
        return bad(buf, bn, "warmup_s: must be >= 0 and < duration_s");
    if (!finite_in(o->drain_s, 0, MAX_TIME_S))
        return bad(buf, bn, "drain_s: must be in [0, 1e9]");
    if (!finite_in(o->interval_s, 1e-3, MAX_TIME_S))
        return bad(buf, bn, "interval_s: must be in (0, 1e9]");
    if (ceil(o->duration_s / o->interval_s) > MAX_INTERVALS)
        return bad(buf, bn, "interval_s: more than %d intervals in duration_s", MAX_INTERVALS);
    if (!finite_in(o->short_abandon_s, 0, MAX_TIME_S))
        return bad(buf, bn, "short_abandon_s: must be in [0, 1e9]");
    if (o->start_ms < 0 || o->start_ms > INT64_MAX / 4)
        return bad(buf, bn, "start_ms: must be in [0, INT64_MAX/4]");
    if (!o->build)
        return bad(buf, bn, "build: a build callback is required");
    if (o->n_streams < 1 || !o->streams)
        return bad(buf, bn, "streams: at least one stream is required");
    if (o->n_agents < 0 || (o->n_agents > 0 && !o->agents))
        return bad(buf, bn, "agents: need n_agents >= 0 and an array");
    if (!finite_in(o->default_accept_prob, 0, 1))
        return bad(buf, bn, "default_accept_prob: must be in [0, 1]");
    if (o->engine_stats < OQ_SIM_ENGINE_STATS_LAST || o->engine_stats > OQ_SIM_ENGINE_STATS_NONE)
        return bad(buf, bn, "engine_stats: must be OQ_SIM_ENGINE_STATS_LAST, _ALL or _NONE, got %d",
                   (int)o->engine_stats);
    oq_status st = oq__sim_dist_check(&o->default_response, 1, "default_response", buf, bn);
    if (st != OQ_OK)
        return st;
    for (int32_t i = 0; i < o->n_streams; i++) {
        const oq_sim_stream *x = &o->streams[i];
        if (!x->queue || !x->queue[0])
            return bad(buf, bn, "streams[%d].queue: required", i);
        if (!x->channel || !x->channel[0])
            return bad(buf, bn, "streams[%d].channel: required", i);
        if (!finite_in(x->rate_per_hour, 0, 1e9))
            return bad(buf, bn, "streams[%d].rate_per_hour: must be in [0, 1e9]", i);
        if (x->n_volumes < 0 || (x->n_volumes > 0 && !x->volumes))
            return bad(buf, bn, "streams[%d].volumes: need n_volumes >= 0 and an array", i);
        for (int32_t k = 0; k < x->n_volumes; k++)
            if (!finite_in(x->volumes[k], 0, 1e9))
                return bad(buf, bn, "streams[%d].volumes[%d]: must be in [0, 1e9]", i, k);
        snprintf(field, sizeof field, "streams[%d].handle", (int)i);
        if ((st = oq__sim_dist_check(&x->handle, 0, field, buf, bn)) != OQ_OK)
            return st;
        snprintf(field, sizeof field, "streams[%d].patience", (int)i);
        if ((st = oq__sim_dist_check(&x->patience, 1, field, buf, bn)) != OQ_OK)
            return st;
        if (x->priority < -OQ_PRIORITY_MAX || x->priority > OQ_PRIORITY_MAX)
            return bad(buf, bn, "streams[%d].priority: out of range", i);
    }
    for (int32_t i = 0; i < o->n_agents; i++) {
        const oq_sim_agent *a = &o->agents[i];
        if (!a->id || !a->id[0])
            return bad(buf, bn, "agents[%d].id: required", i);
        if (!finite_in(a->accept_prob, 0, 1))
            return bad(buf, bn, "agents[%d].accept_prob: must be in [0, 1]", i);
        snprintf(field, sizeof field, "agents[%d].response", (int)i);
        if ((st = oq__sim_dist_check(&a->response, 1, field, buf, bn)) != OQ_OK)
            return st;
        if ((st = check_windows(a->shifts, a->n_shifts, "shifts", i, buf, bn)) != OQ_OK)
            return st;
        if ((st = check_windows(a->breaks, a->n_breaks, "breaks", i, buf, bn)) != OQ_OK)
            return st;
    }
    return OQ_OK;
}

/* ---- create / destroy --------------------------------------------------------- */

static int32_t intern(const char **ids, int32_t *n, const char *id)
{
    for (int32_t i = 0; i < *n; i++)
        if (strcmp(ids[i], id) == 0)
            return i;
    ids[*n] = id;
    return (*n)++;
}

/* The caller's options copied over the defaults into *full (core.h:
 * versioned structs), then checked. */
static oq_status copy_in(const oq_sim_options *o, oq_sim_options *full, char *buf, size_t bn)
{
    char why[OQ__ABI_MSG];
    if (buf && bn)
        buf[0] = '\0';
    if (!o)
        return bad(buf, bn, "options: NULL");
    if (OQ__OPTIONS_COPY(full, o, oq_sim_options, replications, why) != OQ_OK)
        return bad(buf, bn, "%s", why);
    return check_full(full, buf, bn);
}

/* The options' check, its message in *err (core.h). */
static oq_status options_ok(const oq_sim_options *o, oq_sim_options *full, oq_error *err)
{
    char msg[sizeof err->message];
    oq_status st = copy_in(o, full, msg, sizeof msg);
    return st == OQ_OK ? st : oq__error(err, st, NULL, 0, 0, "%s", msg);
}

oq_status oq_sim_options_check(const oq_sim_options *o, oq_error *err)
{
    oq_sim_options full;
    return options_ok(o, &full, err);
}

static oq_status out_of_memory(oq_error *err)
{
    return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "oq_sim_create: out of memory");
}

oq_status oq_sim_create(const oq_sim_options *caller, oq_sim **out, oq_error *err)
{
    oq_sim_options full;
    const oq_sim_options *opts = &full;
    if (!out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "oq_sim_create: out is NULL");
    oq_status st = options_ok(caller, &full, err);
    if (st != OQ_OK)
        return st;
    oq_mem m;
    oq__mem_init(&m, opts->alloc, opts->alloc_user);
    oq_sim *s = oq__calloc(&m, 1, sizeof *s);
    if (!s)
        return out_of_memory(err);
    s->mem = m;
    s->o = *opts;
    int32_t n = opts->n_streams;
    s->queue_ids = oq__calloc(&s->mem, (size_t)n, sizeof *s->queue_ids);
    s->channel_ids = oq__calloc(&s->mem, (size_t)n, sizeof *s->channel_ids);
    s->stream_q = oq__calloc(&s->mem, (size_t)n, sizeof *s->stream_q);
    s->stream_c = oq__calloc(&s->mem, (size_t)n, sizeof *s->stream_c);
    s->stream_t = oq__calloc(&s->mem, (size_t)n, sizeof *s->stream_t);
    if (!s->queue_ids || !s->channel_ids || !s->stream_q || !s->stream_c || !s->stream_t) {
        oq_sim_destroy(s);
        return out_of_memory(err);
    }
    for (int32_t i = 0; i < n; i++) {
        s->stream_q[i] = intern(s->queue_ids, &s->nq, opts->streams[i].queue);
        s->stream_c[i] = intern(s->channel_ids, &s->nc, opts->streams[i].channel);
    }
    s->nscopes = 1 + s->nq + s->nc;
    s->nint = (int32_t)ceil(opts->duration_s / opts->interval_s);
    if (s->nint < 1)
        s->nint = 1;
    s->info = oq__calloc(&s->mem, (size_t)opts->replications, sizeof *s->info);
    oq__cohort_layout cl = {s->nq, s->nc, n, s->stream_q, s->stream_c, opts->replications,
                            s->nint, opts->short_abandon_s};
    if (!s->info || oq__cohort_create(&s->co, &cl, opts->alloc, opts->alloc_user) != OQ_OK) {
        oq_sim_destroy(s);
        return out_of_memory(err);
    }
    *out = s;
    return OQ_OK;
}

/* ---- the engine's id pointers ------------------------------------------------------- */

static uint32_t ptr_hash(const void *p)
{
    /* Fibonacci hashing: the high bits of the product mix every bit of the
     * address (the low ones of an allocation are mostly zero). */
    return (uint32_t)(((uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull) >> 32);
}

static void ptr_map_free(oq_sim *s, ptr_map *m)
{
    oq__free(&s->mem, m->e, (size_t)m->cap * sizeof *m->e);
    m->e = NULL;
    m->cap = m->n = 0;
}

/* The value `ptr` maps to, or -1. */
static int64_t ptr_map_get(const ptr_map *m, const char *ptr)
{
    if (!m->n)
        return -1;
    uint32_t mask = (uint32_t)m->cap - 1;
    for (uint32_t i = ptr_hash(ptr) & mask; m->e[i].ptr; i = (i + 1) & mask)
        if (m->e[i].ptr == ptr)
            return m->e[i].val;
    return -1;
}

/* Map ptr to val. The map grows while its capacity is under `limit`
 * entries, else starts empty again; out of memory it stays as it was (a
 * hint missing costs a lookup by string, nothing else). */
static void ptr_map_set(oq_sim *s, ptr_map *m, const char *ptr, int64_t val, int64_t limit)
{
    if (m->cap) {
        uint32_t mask = (uint32_t)m->cap - 1;
        uint32_t i = ptr_hash(ptr) & mask;
        for (; m->e[i].ptr; i = (i + 1) & mask)
            if (m->e[i].ptr == ptr) {
                m->e[i].val = val;
                return;
            }
        if ((int64_t)(m->n + 1) * 2 <= m->cap) {
            m->e[i].ptr = ptr;
            m->e[i].val = val;
            m->n++;
            return;
        }
    }
    if (m->cap && m->cap >= limit) {
        memset(m->e, 0, (size_t)m->cap * sizeof *m->e);
        m->n = 0;
    } else {
        int32_t cap = m->cap ? m->cap * 2 : 256;
        ptr_ent *e = oq__calloc(&s->mem, (size_t)cap, sizeof *e);
        if (!e)
            return;
        for (int32_t k = 0; k < m->cap; k++) {
            if (!m->e[k].ptr)
                continue;
            uint32_t i = ptr_hash(m->e[k].ptr) & (uint32_t)(cap - 1);
            while (e[i].ptr)
                i = (i + 1) & (uint32_t)(cap - 1);
            e[i] = m->e[k];
        }
        oq__free(&s->mem, m->e, (size_t)m->cap * sizeof *m->e);
        m->e = e;
        m->cap = cap;
    }
    uint32_t mask = (uint32_t)m->cap - 1, i = ptr_hash(ptr) & mask;
    while (m->e[i].ptr)
        i = (i + 1) & mask;
    m->e[i].ptr = ptr;
    m->e[i].val = val;
    m->n++;
}

static void run_free(oq_sim *s)
{
    oq__free(&s->mem, s->heap, (size_t)s->heap_cap * sizeof *s->heap);
    s->heap = NULL;
    s->heap_n = s->heap_cap = 0;
    s->top_taken = 0;
    oq__free(&s->mem, s->c, (size_t)s->c_cap * sizeof *s->c);
    s->c = NULL;
    s->c_n = s->c_cap = 0;
    for (int32_t i = 0; i < s->ag_n; i++)
        oq__strfree(&s->mem, s->ag[i].owned);
    oq__free(&s->mem, s->ag, (size_t)s->ag_cap * sizeof *s->ag);
    s->ag = NULL;
    s->ag_n = s->ag_cap = 0;
    oq__free(&s->mem, s->amap, (size_t)s->amap_cap * sizeof *s->amap);
    s->amap = NULL;
    s->amap_cap = 0;
    ptr_map_free(s, &s->aptr);
    ptr_map_free(s, &s->cptr);
    s->arriving = -1;
}

void oq_sim_destroy(oq_sim *s)
{
    if (!s)
        return;
    run_free(s);
    oq_engine_destroy(s->engine);
    size_t n = (size_t)s->o.n_streams;
    oq__free(&s->mem, s->queue_ids, n * sizeof *s->queue_ids);
    oq__free(&s->mem, s->channel_ids, n * sizeof *s->channel_ids);
    oq__free(&s->mem, s->stream_q, n * sizeof *s->stream_q);
    oq__free(&s->mem, s->stream_c, n * sizeof *s->stream_c);
    oq__free(&s->mem, s->stream_t, n * sizeof *s->stream_t);
    oq__cohort_destroy(&s->co);
    oq__free(&s->mem, s->info, (size_t)s->o.replications * sizeof *s->info);
    oq_mem m = s->mem; /* s is in the block being freed */
    oq__free(&m, s, sizeof *s);
}

const char *oq_sim_last_error(const oq_sim *s) { return s ? s->err : ""; }

oq_engine *oq_sim_engine(oq_sim *s) { return s ? s->engine : NULL; }

/* ---- the event heap ------------------------------------------------------------ */

static int ev_less(const sim_ev *x, const sim_ev *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

/* ev into the hole at i, down. */
static void sift_down(oq_sim *s, int32_t i, const sim_ev *ev)
{
    sim_ev *h = s->heap;
    int32_t n = s->heap_n;
    for (;;) {
        int32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_less(&h[c + 1], &h[c]))
            c++;
        if (!ev_less(&h[c], ev))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = *ev;
}

static int push(oq_sim *s, sim_ev ev)
{
    ev.seq = s->seq;
    if (s->top_taken) { /* the handled event's place: one sift down */
        s->seq++;
        s->top_taken = 0;
        sift_down(s, 0, &ev);
        return 1;
    }
    if (s->heap_n == s->heap_cap) {
        int32_t cap = s->heap_cap ? s->heap_cap * 2 : 1024;
        sim_ev *h = oq__realloc(&s->mem, s->heap, (size_t)s->heap_cap * sizeof *h, (size_t)cap * sizeof *h);
        if (!h) {
            s->failed = 1;
            return 0;
        }
        s->heap = h;
        s->heap_cap = cap;
    }
    s->seq++;
    int32_t i = s->heap_n++;
    while (i > 0 && ev_less(&ev, &s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = ev;
    return 1;
}

/* The earliest event, to handle: copied out, left at the root
 * (s->top_taken) for the handler's first push to replace. */
static sim_ev take_top(oq_sim *s)
{
    s->top_taken = 1;
    return s->heap[0];
}

/* After the handler: the taken root, if no push replaced it, leaves. */
static void drop_top(oq_sim *s)
{
    if (!s->top_taken)
        return;
    s->top_taken = 0;
    sim_ev last = s->heap[--s->heap_n];
    if (s->heap_n > 0)
        sift_down(s, 0, &last);
}

/* ---- agents ------------------------------------------------------------------------ */

static int amap_rehash(oq_sim *s, int32_t cap)
{
    int32_t *m = oq__calloc(&s->mem, (size_t)cap, sizeof *m);
    if (!m)
        return 0;
    for (int32_t i = 0; i < s->ag_n; i++) {
        uint32_t h = hash_str(s->ag[i].id) & (uint32_t)(cap - 1);
        while (m[h])
            h = (h + 1) & (uint32_t)(cap - 1);
        m[h] = i + 1;
    }
    oq__free(&s->mem, s->amap, (size_t)s->amap_cap * sizeof *s->amap);
    s->amap = m;
    s->amap_cap = cap;
    return 1;
}

static int32_t agent_find(const oq_sim *s, const char *id)
{
    if (!s->amap_cap)
        return -1;
    uint32_t h = hash_str(id) & (uint32_t)(s->amap_cap - 1);
    while (s->amap[h]) {
        int32_t i = s->amap[h] - 1;
        if (strcmp(s->ag[i].id, id) == 0)
            return i;
        h = (h + 1) & (uint32_t)(s->amap_cap - 1);
    }
    return -1;
}

/* agent_find for the engine's events, by the engine's pointer first
 * (ptr_map). */
static int32_t agent_of(oq_sim *s, const char *id)
{
    int64_t k = ptr_map_get(&s->aptr, id);
    if (k >= 0 && strcmp(s->ag[k].id, id) == 0)
        return (int32_t)k;
    int32_t i = agent_find(s, id);
    if (i >= 0) /* bounded: four entries per agent (and 256) before it starts again */
        ptr_map_set(s, &s->aptr, id, i, 4 * (int64_t)s->ag_n + 256);
    return i;
}

/* Add an agent (options' id if spec, else a copy of id). -1 on failure. */
static int32_t agent_add(oq_sim *s, const char *id, const oq_sim_agent *spec)
{
    if (s->ag_n == s->ag_cap) {
        int32_t cap = s->ag_cap ? s->ag_cap * 2 : 64;
        sim_agent *a = oq__realloc(&s->mem, s->ag, (size_t)s->ag_cap * sizeof *a, (size_t)cap * sizeof *a);
        if (!a)
            return -1;
        s->ag = a;
        s->ag_cap = cap;
    }
    sim_agent *a = &s->ag[s->ag_n];
    memset(a, 0, sizeof *a);
    if (spec) {
        a->id = spec->id;
        a->accept_prob = spec->accept_prob;
        a->response = &spec->response;
        a->spec = spec;
    } else {
        a->owned = oq__strndup(&s->mem, id, strlen(id));
        if (!a->owned)
            return -1;
        a->id = a->owned;
        a->accept_prob = s->o.default_accept_prob;
        a->response = &s->o.default_response;
    }
    a->since_ms = s->start_ms;
    s->ag_n++;
    if ((int64_t)s->ag_n * 2 > s->amap_cap) {
        if (!amap_rehash(s, s->amap_cap ? s->amap_cap * 2 : 128)) {
            oq__strfree(&s->mem, a->owned);
            a->owned = NULL;
            s->ag_n--;
            return -1;
        }
    } else {
        uint32_t h = hash_str(a->id) & (uint32_t)(s->amap_cap - 1);
        while (s->amap[h])
            h = (h + 1) & (uint32_t)(s->amap_cap - 1);
        s->amap[h] = s->ag_n;
    }
    return s->ag_n - 1;
}

/* ---- the engine's events ------------------------------------------------------------- */

/* The simulator names contact n "c<n>" (decimal), n = 0, 1, 2, ... in
 * arrival order: the next id is kept as text and counted up in place (a
 * carry through the trailing nines), which costs a few instructions where
 * formatting the number cost forty. Parsing is by hand (strtoll cost a
 * tenth of a run). */
static void next_id_step(oq_sim *s)
{
    char *d = s->next_id + 1;
    int32_t i = s->next_id_digits;
    while (i > 0 && d[i - 1] == '9')
        d[--i] = '0';
    if (i > 0) {
        d[i - 1]++;
    } else { /* 9..9 -> 10..0: one digit more (at most 19: n < 2^63) */
        d[0] = '1';
        memset(d + 1, '0', (size_t)s->next_id_digits);
        d[++s->next_id_digits] = '\0';
    }
}

static sim_contact *contact_parse(oq_sim *s, const char *id, int64_t *num)
{
    if (!id || id[0] != 'c')
        return NULL;
    long long n = 0;
    const char *p = id + 1;
    if (*p >= '0' && *p <= '9') { /* the simulator's own ids: up to 18 digits */
        int k = 0;
        while (k < 18 && p[k] >= '0' && p[k] <= '9')
            n = n * 10 + (p[k++] - '0');
        p += k;
    }
    if (*p) { /* anything else is read as before */
        char *end;
        n = strtoll(id + 1, &end, 10);
        if (*end)
            return NULL;
    }
    if (n < 0 || n >= s->c_n)
        return NULL;
    *num = n;
    return &s->c[n];
}

/* The contact an engine event names (six events per customer), by the
 * engine's pointer first (ptr_map); a hit is confirmed by comparing the
 * string with the id this contact was given, so a hit is exactly the
 * contact parsing would find. */
static sim_contact *contact_of(oq_sim *s, const char *id, int64_t *num)
{
    if (!id)
        return NULL;
    int64_t n = ptr_map_get(&s->cptr, id);
    if (n >= 0 && n < s->c_n && strcmp(s->c[n].id, id) == 0) {
        *num = n;
        return &s->c[n];
    }
    sim_contact *ct;
    /* The first event of a new contact comes from inside its arrival: it
     * is the contact being made, or the parse finds it. */
    if (s->arriving >= 0 && strcmp(s->c[s->arriving].id, id) == 0) {
        *num = s->arriving;
        ct = &s->c[*num];
    } else if (!(ct = contact_parse(s, id, num)) || strcmp(ct->id, id) != 0) {
        return ct; /* only the canonical spelling ("c7", not "c007") is mapped */
    }
    /* Bounded by the contacts in the system (and 256 more, the engine's
     * spare records), four entries each. */
    ptr_map_set(s, &s->cptr, id, *num, 4 * (s->cur->in_system + 256));
    return ct;
}

static void on_event(const oq_event *ev, void *user)
{
    oq_sim *s = user;
    s->cur->engine_events++;
    if (s->o.on_event)
        s->o.on_event(ev, s->o.event_user);
    if (ev->type == OQ_EV_AGENT_STATE) {
        if (!ev->agent)
            return;
        int32_t i = agent_of(s, ev->agent);
        if (i < 0 && (i = agent_add(s, ev->agent, NULL)) < 0) {
            s->failed = 1;
            return;
        }
        sim_agent *a = &s->ag[i];
        if (a->staffed)
            oq__cohort_agent_time(&s->co, a->since_ms, ev->time_ms, a->busy, a->ready);
        a->since_ms = ev->time_ms;
        a->staffed = ev->agent_state != OQ_AGENT_OFFLINE;
        a->busy = ev->agent_state == OQ_AGENT_BUSY || ev->agent_state == OQ_AGENT_WRAPUP;
        a->ready = a->staffed && ev->agent_state != OQ_AGENT_NOT_READY;
        return;
    }
    int64_t num;
    sim_contact *ct = contact_of(s, ev->contact, &num);
    if (!ct || ct->state == CS_DONE)
        return;
    int64_t t = ev->time_ms;
    switch (ev->type) {
    case OQ_EV_TRANSFERRED:
    case OQ_EV_OVERFLOWED:
        /* A queue limit with OQ_LIMIT_CALLBACK turns the contact into an item
         * of another channel: the customer hung up and waits for the call
         * back, so their patience no longer applies. */
        if (ev->channel && strcmp(ev->channel, s->o.streams[ct->key.entry].channel) != 0)
            ct->no_abandon = 1;
        ct->state = CS_QUEUED;
        break;
    case OQ_EV_CALLBACK_QUEUED: /* a kept-place callback: the customer hung up, no patience */
        ct->no_abandon = 1;
        ct->state = CS_QUEUED;
        break;
    case OQ_EV_CONTACT_QUEUED:
    case OQ_EV_OFFER_REJECTED:
    case OQ_EV_OFFER_TIMEOUT:
    case OQ_EV_REOPENED:
        ct->state = CS_QUEUED;
        break;
    case OQ_EV_PARKED:
        ct->state = CS_PARKED;
        break;
    case OQ_EV_WRAPUP_STARTED:
        ct->state = CS_WRAPUP;
        break;
    case OQ_EV_OFFERED: {
        ct->state = CS_OFFERED;
        ct->seq++;
        int32_t i = ev->agent ? agent_of(s, ev->agent) : -1;
        if (i < 0 && ev->agent && (i = agent_add(s, ev->agent, NULL)) < 0) {
            s->failed = 1;
            return;
        }
        if (i < 0)
            return;
        const sim_agent *a = &s->ag[i];
        int64_t resp = s_to_ms(oq__sim_sample(&s->rng, a->response), 0);
        int accept = a->accept_prob >= 1.0 || oq__sim_uniform(&s->rng) < a->accept_prob;
        push(s, (sim_ev){.t = t + resp, .kind = EV_ANSWER, .a = i, .b = num, .c = ct->seq, .d = accept});
        break;
    }
    case OQ_EV_ASSIGNED: {
        ct->state = CS_ACTIVE;
        const oq_sim_stream *x = &s->o.streams[ct->key.entry];
        double h = oq__sim_sample(&s->rng, &x->handle);
        int64_t hms = s_to_ms(h, 1);
        if (!ct->answered) {
            ct->answered = 1;
            oq__cohort_answered(&s->co, &ct->key, t - ct->arrival_ms, hms);
        }
        push(s, (sim_ev){.t = t + hms, .kind = EV_COMPLETE, .b = num, .c = ct->seq});
        break;
    }
    case OQ_EV_ABANDONED: {
        ct->state = CS_DONE;
        s->cur->abandoned++;
        s->cur->in_system--;
        oq__cohort_abandoned(&s->co, &ct->key, t - ct->arrival_ms);
        break;
    }
    case OQ_EV_COMPLETED:
        ct->state = CS_DONE;
        s->cur->completed++;
        s->cur->in_system--;
        break;
    case OQ_EV_REMOVED:
    case OQ_EV_QUEUE_REJECTED: {
        ct->state = CS_DONE;
        if (ev->type == OQ_EV_REMOVED)
            s->cur->removed++;
        else
            s->cur->rejected++;
        s->cur->in_system--;
        oq__cohort_rejected(&s->co, &ct->key);
        break;
    }
    default:
        break;
    }
}

/* ---- arrivals ---------------------------------------------------------------------- */

/* Next arrival of stream i after the current one (continuous seconds), pushed
 * on the heap; nothing if the stream has no more arrivals before duration. */
static void next_arrival(oq_sim *s, int32_t i)
{
    const oq_sim_stream *x = &s->o.streams[i];
    double t = s->stream_t[i], dur = s->o.duration_s, len = s->o.interval_s;
    if (x->n_volumes == 0) {
        if (!(x->rate_per_hour > 0))
            return;
        t += oq__sim_exp1(&s->rng) * 3600.0 / x->rate_per_hour;
    } else {
        /* Piecewise-constant rate: draw a gap at the current interval's rate;
         * if it crosses the interval's end, restart at the end with the next
         * rate (exact, by memorylessness). */
        for (;;) {
            double k = floor(t / len);
            if (k >= x->n_volumes || t >= dur)
                return;
            double rate = x->volumes[(int32_t)k] / len;
            double end = (k + 1) * len;
            if (rate > 0) {
                double cand = t + oq__sim_exp1(&s->rng) / rate;
                if (cand < end) {
                    t = cand;
                    break;
                }
            }
            t = end;
        }
    }
    if (t >= dur)
        return;
    s->stream_t[i] = t;
    push(s, (sim_ev){.t = s->start_ms + s_to_ms(t, 0), .kind = EV_ARRIVAL, .a = i});
}

static oq_status arrive(oq_sim *s, int32_t i, int64_t t)
{
    if (s->c_n == s->c_cap) {
        int64_t cap = s->c_cap ? s->c_cap * 2 : 4096;
        sim_contact *c = oq__realloc(&s->mem, s->c, (size_t)s->c_cap * sizeof *c, (size_t)cap * sizeof *c);
        if (!c)
            return OQ_ENOMEM;
        s->c = c;
        s->c_cap = cap;
    }
    int64_t num = s->c_n++;
    sim_contact *ct = &s->c[num];
    memset(ct, 0, sizeof *ct);
    ct->arrival_ms = t;
    ct->key = oq__cohort_arrive(&s->co, i, t);
    s->cur->contacts++;
    s->cur->in_system++;

    const oq_sim_stream *x = &s->o.streams[i];
    /* s->c does not move during the call: only arrive() grows it. */
    memcpy(ct->id, s->next_id, sizeof ct->id); /* "c<num>" */
    next_id_step(s);
    /* The spec made once per replication (run_one): the engine only reads
     * it, and these are the only fields the simulator sets. */
    oq_contact_spec *cs = &s->cspec;
    cs->id = ct->id;
    cs->queue = x->queue;
    cs->channel = x->channel;
    cs->priority = x->priority;
    s->arriving = num;
    oq_status st = oq_contact_arrive(s->engine, t, cs);
    s->arriving = -1;
    if (st != OQ_OK) {
        set_err(s, "replication %d: streams[%d] arrival: %s (%s)", (int)s->r, (int)i,
                oq_status_str(st), oq_engine_last_error(s->engine));
        return st == OQ_ENOMEM ? st : OQ_ECONFIG;
    }
    ct = &s->c[num];
    if (x->patience.kind != OQ_DIST_NONE && ct->state != CS_DONE) {
        int64_t p = s_to_ms(oq__sim_sample(&s->rng, &x->patience), 1);
        push(s, (sim_ev){.t = t + p, .kind = EV_ABANDON, .b = num});
    }
    next_arrival(s, i);
    return OQ_OK;
}

/* ---- one replication ------------------------------------------------------------------- */

/* The result of a host action: OQ_OK; stale actions (ESTATE/ENOTFOUND) are
 * counted and ignored; anything else stops the run. */
static oq_status acted(oq_sim *s, oq_status st, const char *what, const char *id)
{
    if (st == OQ_OK)
        return OQ_OK;
    if (st == OQ_ESTATE || st == OQ_ENOTFOUND) {
        s->cur->stale++;
        return OQ_OK;
    }
    set_err(s, "replication %d: %s '%s': %s (%s)", (int)s->r, what, id, oq_status_str(st),
            oq_engine_last_error(s->engine));
    return st;
}

static oq_status handle(oq_sim *s, const sim_ev *ev)
{
    oq_engine *e = s->engine;
    switch (ev->kind) {
    case EV_ARRIVAL:
        return arrive(s, ev->a, ev->t);
    case EV_ANSWER: {
        sim_contact *ct = &s->c[ev->b];
        const char *agent = s->ag[ev->a].id;
        if (ct->state != CS_OFFERED || ct->seq != ev->c) {
            s->cur->stale++;
            return oq_engine_advance(e, ev->t);
        }
        const char *id = ct->id;
        if (ev->d)
            return acted(s, oq_offer_accept(e, ev->t, id, agent), "accept", id);
        return acted(s, oq_offer_reject(e, ev->t, id, agent), "reject", id);
    }
    case EV_COMPLETE: {
        sim_contact *ct = &s->c[ev->b];
        if (ct->state != CS_ACTIVE || ct->seq != ev->c) {
            s->cur->stale++;
            return oq_engine_advance(e, ev->t);
        }
        return acted(s, oq_contact_complete(e, ev->t, ct->id), "complete", ct->id);
    }
    case EV_ABANDON: {
        sim_contact *ct = &s->c[ev->b];
        if ((ct->state != CS_QUEUED && ct->state != CS_OFFERED) || ct->no_abandon) {
            s->cur->stale++;
            return oq_engine_advance(e, ev->t);
        }
        return acted(s, oq_contact_abandon(e, ev->t, ct->id), "abandon", ct->id);
    }
    case EV_SHIFT_START:
        return acted(s, oq_agent_login(e, ev->t, s->ag[ev->a].id, 1), "login", s->ag[ev->a].id);
    case EV_SHIFT_END:
        return acted(s, oq_agent_logout(e, ev->t, s->ag[ev->a].id), "logout", s->ag[ev->a].id);
    case EV_BREAK_START: {
        const oq_sim_window *w = &s->ag[ev->a].spec->breaks[ev->c];
        return acted(s, oq_agent_not_ready(e, ev->t, s->ag[ev->a].id, w->reason ? w->reason : "break"),
                     "not ready", s->ag[ev->a].id);
    }
    case EV_BREAK_END: {
        /* Back to ready only if the agent is still on this break. */
        oq_agent_info info = OQ_OUTPUT_INIT(oq_agent_info);
        if (oq_agent_get(e, s->ag[ev->a].id, &info) == OQ_OK && info.presence == OQ_AGENT_NOT_READY)
            return acted(s, oq_agent_ready(e, ev->t, s->ag[ev->a].id), "ready", s->ag[ev->a].id);
        s->cur->stale++;
        return oq_engine_advance(e, ev->t);
    }
    default:
        return OQ_OK;
    }
}

static oq_status setup(oq_sim *s)
{
    oq_engine *e = s->engine;
    /* The agents the options list (before build, so their state events are
     * attributed to them). */
    for (int32_t i = 0; i < s->o.n_agents; i++) {
        const oq_sim_agent *a = &s->o.agents[i];
        if (agent_find(s, a->id) >= 0) {
            set_err(s, "agents[%d].id: '%s' listed twice", (int)i, a->id);
            return OQ_ECONFIG;
        }
        if (agent_add(s, a->id, a) < 0)
            return OQ_ENOMEM;
    }
    oq_status st = s->o.build(e, s->cur->seed, s->o.build_user);
    if (s->failed)
        return OQ_ENOMEM;
    if (st != OQ_OK) {
        set_err(s, "replication %d: build: %s (%s)", (int)s->r, oq_status_str(st),
                oq_engine_last_error(e));
        return st;
    }
    for (int32_t i = 0; i < s->o.n_streams; i++) {
        const oq_sim_stream *x = &s->o.streams[i];
        oq_queue_spec qs;
        oq_channel_spec cs;
        oq_queue_spec_init(&qs);
        oq_channel_spec_init(&cs);
        if (oq_queue_get_spec(e, x->queue, &qs) != OQ_OK) {
            set_err(s, "streams[%d].queue: '%s' is not defined by the build callback", (int)i, x->queue);
            return OQ_ECONFIG;
        }
        if (oq_channel_get(e, x->channel, &cs) != OQ_OK) {
            set_err(s, "streams[%d].channel: '%s' is not defined by the build callback", (int)i,
                    x->channel);
            return OQ_ECONFIG;
        }
        oq__cohort_set_threshold(&s->co, s->stream_q[i], s_to_ms(qs.sla_threshold_s, 0));
    }
    for (int32_t i = 0; i < s->o.n_agents; i++) {
        const oq_sim_agent *a = &s->o.agents[i];
        oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
        if (oq_agent_get(e, a->id, &ai) != OQ_OK) {
            set_err(s, "agents[%d].id: '%s' is not defined by the build callback", (int)i, a->id);
            return OQ_ECONFIG;
        }
        for (int32_t k = 0; k < a->n_shifts; k++) {
            push(s, (sim_ev){.t = s->start_ms + s_to_ms(a->shifts[k].start_s, 0), .kind = EV_SHIFT_START, .a = i});
            push(s, (sim_ev){.t = s->start_ms + s_to_ms(a->shifts[k].end_s, 0), .kind = EV_SHIFT_END, .a = i});
        }
        for (int32_t k = 0; k < a->n_breaks; k++) {
            push(s, (sim_ev){.t = s->start_ms + s_to_ms(a->breaks[k].start_s, 0), .kind = EV_BREAK_START, .a = i, .c = k});
            push(s, (sim_ev){.t = s->start_ms + s_to_ms(a->breaks[k].end_s, 0), .kind = EV_BREAK_END, .a = i, .c = k});
        }
    }
    for (int32_t i = 0; i < s->o.n_streams; i++) {
        s->stream_t[i] = 0.0;
        next_arrival(s, i);
    }
    return s->failed ? OQ_ENOMEM : OQ_OK;
}

static oq_status run_one(oq_sim *s, int32_t r)
{
    s->r = r;
    oq__cohort_begin_run(&s->co, r);
    s->cur = &s->info[r];
    memset(s->cur, 0, sizeof *s->cur);
    s->cur->seed = s->o.seed + (uint64_t)r;
    s->failed = 0;
    s->seq = 0;
    memset(s->next_id, 0, sizeof s->next_id);
    memcpy(s->next_id, "c0", 3);
    s->next_id_digits = 1;
    oq_contact_spec_init(&s->cspec);
    oq__sim_rng_seed(&s->rng, s->cur->seed);
    oq_engine_destroy(s->engine);
    s->engine = NULL;
    run_free(s);

    oq_engine_options eo;
    oq_engine_options_init(&eo);
    eo.on_event = on_event;
    eo.event_user = s;
    eo.seed = s->cur->seed;
    eo.start_ms = s->start_ms;
    /* The simulator's allocator for its engines too (oq_sim_options names
     * no engine options: the simulator builds them all). */
    eo.alloc = s->o.alloc;
    eo.alloc_user = s->o.alloc_user;
    /* The figures are counted here (s->co) from the events, so an engine's
     * statistics are for whoever looks at that engine: by default only the
     * last one outlives its replication (oq_sim_engine). Routing never reads
     * them, so the replications run the same without (test_sim). */
    int keep_stats = s->o.engine_stats == OQ_SIM_ENGINE_STATS_ALL ||
                     (s->o.engine_stats == OQ_SIM_ENGINE_STATS_LAST && r == s->o.replications - 1);
    oq_status st = keep_stats ? oq_engine_create(&eo, &s->engine)
                              : oq__engine_create_without_stats(&eo, &s->engine);
    if (st != OQ_OK) {
        set_err(s, "replication %d: engine: %s", (int)r, oq_status_str(st));
        return st;
    }
    if ((st = setup(s)) != OQ_OK) {
        if (!s->err[0]) /* out of memory: setup names the other failures */
            set_err(s, "replication %d: setup: %s", (int)r, oq_status_str(st));
        return st;
    }

    oq_engine *e = s->engine;
    int64_t now = s->start_ms;
    for (;;) {
        int64_t deadline = INT64_MAX;
        oq_engine_next_deadline(e, &deadline);
        int64_t host = s->heap_n ? s->heap[0].t : INT64_MAX;
        int64_t t = host < deadline ? host : deadline;
        if (t == INT64_MAX || t > s->limit_ms)
            break;
        /* Arrivals are over and everyone has left: only shift changes or
         * the engine's periodic timers remain. */
        if (t >= s->duration_ms && s->cur->in_system == 0)
            break;
        s->cur->sim_events++;
        if (deadline < host) {
            st = oq_engine_advance(e, deadline);
        } else {
            sim_ev ev = take_top(s);
            st = handle(s, &ev);
            drop_top(s);
        }
        now = t;
        if (s->failed)
            st = OQ_ENOMEM;
        if (st != OQ_OK) {
            if (!s->err[0])
                set_err(s, "replication %d: %s (%s)", (int)r, oq_status_str(st), oq_engine_last_error(e));
            return st;
        }
    }
    /* Close the occupancy accounts. */
    int64_t end = now > s->duration_ms ? now : s->duration_ms;
    for (int32_t i = 0; i < s->ag_n; i++) {
        if (s->ag[i].staffed)
            oq__cohort_agent_time(&s->co, s->ag[i].since_ms, end, s->ag[i].busy, s->ag[i].ready);
        s->ag[i].since_ms = end;
    }
    /* Contacts still in the system. */
    for (int64_t n = 0; n < s->c_n; n++) {
        sim_contact *ct = &s->c[n];
        if (ct->state != CS_DONE)
            oq__cohort_open_at_end(&s->co, &ct->key, ct->answered);
    }
    oq_engine_counts counts = OQ_OUTPUT_INIT(oq_engine_counts);
    oq_engine_get_counts(e, &counts);
    oq_engine_now(e, &s->cur->end_ms);
    s->cur->engine_contacts = counts.contacts;
    s->cur->check_status = s->o.check ? oq_engine_check(e) : OQ_OK;
    run_free(s);
    return OQ_OK;
}

oq_status oq_sim_run(oq_sim *s)
{
    if (!s)
        return OQ_EINVAL;
    s->err[0] = '\0';
    s->ran = 0;
    oq__cohort_clear(&s->co);
    s->start_ms = s->o.start_ms;
    s->warmup_ms = s->start_ms + s_to_ms(s->o.warmup_s, 0);
    s->duration_ms = s->start_ms + s_to_ms(s->o.duration_s, 0);
    s->limit_ms = s->duration_ms + s_to_ms(s->o.drain_s, 0);
    s->interval_ms = s_to_ms(s->o.interval_s, 1);
    oq__cohort_set_grid(&s->co, s->start_ms, s->interval_ms, s->warmup_ms, s->duration_ms);
    for (int32_t r = 0; r < s->o.replications; r++) {
        oq_status st = run_one(s, r);
        if (st != OQ_OK) {
            /* No partial results: a failed run reports nothing. */
            run_free(s);
            s->ran = 0;
            oq__cohort_clear(&s->co);
            return st;
        }
        s->ran = r + 1;
    }
    return OQ_OK;
}

/* ---- results ------------------------------------------------------------------------------ */

static int32_t scope_index(const oq_sim *s, int32_t scope, int32_t index)
{
    if (scope == OQ_SIM_TOTAL)
        return index == 0 ? 0 : -1;
    if (scope == OQ_SIM_QUEUE)
        return index >= 0 && index < s->nq ? 1 + index : -1;
    if (scope == OQ_SIM_CHANNEL)
        return index >= 0 && index < s->nc ? 1 + s->nq + index : -1;
    return -1;
}

/* The result getters' checks: the simulator, then scope / index (the scope
 * cell, in *k), with *err naming what is out of range. */
static oq_status scope_check(const oq_sim *s, const char *fn, int32_t scope, int32_t index,
                             int32_t *k, oq_error *err)
{
    if (!s)
        return oq__getter_null(err, fn, "sim");
    if ((*k = scope_index(s, scope, index)) < 0)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: scope %d index %d out of range", fn,
                         (int)scope, (int)index);
    return OQ_OK;
}

oq_status oq_sim_scope_count(const oq_sim *s, int32_t scope, int32_t *count)
{
    if (!s || !count)
        return OQ_EINVAL;
    if (scope == OQ_SIM_TOTAL)
        *count = 1;
    else if (scope == OQ_SIM_QUEUE)
        *count = s->nq;
    else if (scope == OQ_SIM_CHANNEL)
        *count = s->nc;
    else
        return OQ_EINVAL;
    return OQ_OK;
}

oq_status oq_sim_scope_id(const oq_sim *s, int32_t scope, int32_t index, const char **id)
{
    if (!s || !id || scope_index(s, scope, index) < 0)
        return OQ_EINVAL;
    *id = scope == OQ_SIM_TOTAL ? "total" : scope == OQ_SIM_QUEUE ? s->queue_ids[index] : s->channel_ids[index];
    return OQ_OK;
}

/* Row `row` of the per-replication table or, by_interval, of the
 * per-interval one (lib/stats' cohort cells), for scope / index, finished and put. */
static oq_status stats_row(const oq_sim *s, const char *fn, int32_t scope, int32_t index,
                           int by_interval, int32_t row, oq_sim_stats *out, oq_error *err)
{
    int32_t k;
    oq_status st = scope_check(s, fn, scope, index, &k, err);
    if (st != OQ_OK)
        return st;
    int32_t n = by_interval ? s->nint : s->ran;
    if (row < 0 || row >= n)
        return oq__getter_range(err, fn, by_interval ? "interval" : "replication", row, n);
    oq_sim_stats full;
    oq__sim_stats_read(&full, by_interval ? oq__cohort_interval_cell(&s->co, row, k)
                                          : oq__cohort_run_cell(&s->co, row, k), k == 0);
    return OQ__OUTPUT_PUT(out, &full, oq_sim_stats, offered, err);
}

oq_status oq_sim_replication_stats(const oq_sim *s, int32_t replication, int32_t scope,
                                   int32_t index, oq_sim_stats *out, oq_error *err)
{
    return stats_row(s, "oq_sim_replication_stats", scope, index, 0, replication, out, err);
}

oq_status oq_sim_interval_count(const oq_sim *s, int32_t *count)
{
    if (!s || !count)
        return OQ_EINVAL;
    *count = s->nint;
    return OQ_OK;
}

oq_status oq_sim_interval_stats(const oq_sim *s, int32_t interval, int32_t scope, int32_t index,
                                oq_sim_stats *out, oq_error *err)
{
    return stats_row(s, "oq_sim_interval_stats", scope, index, 1, interval, out, err);
}

static void estimate(oq_sim_estimate *e, const double *v, int32_t n)
{
    memset(e, 0, sizeof *e);
    e->n = n;
    if (n < 1)
        return;
    double m = 0;
    for (int32_t i = 0; i < n; i++)
        m += v[i];
    m /= n;
    double ss = 0;
    for (int32_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    e->mean = m;
    e->sd = n > 1 ? sqrt(ss / (n - 1)) : 0.0;
    e->half_width = n > 1 ? oq_sim_t975(n - 1) * e->sd / sqrt((double)n) : 0.0;
    e->low = m - e->half_width;
    e->high = m + e->half_width;
}

oq_status oq_sim_summarize(const oq_sim *s, int32_t scope, int32_t index, oq_sim_summary *caller,
                           oq_error *err)
{
    int32_t k;
    oq_status st = scope_check(s, "oq_sim_summarize", scope, index, &k, err);
    if (st == OQ_OK) /* a bad struct_size is named before any work (and before out of memory) */
        st = OQ__OUTPUT_CHECK(caller, oq_sim_summary, replications, err);
    if (st != OQ_OK)
        return st;
    oq_sim_summary full = OQ_OUTPUT_INIT(oq_sim_summary), *out = &full;
    out->replications = s->ran;
    if (s->ran < 1)
        return OQ__OUTPUT_PUT(caller, out, oq_sim_summary, replications, err);
    /* A const simulator: several threads may summarise at once, so the
     * bytes are counted in a local copy of the hook, not in s->mem. */
    oq_mem m;
    oq__mem_init(&m, s->mem.fn, s->mem.user);
    size_t v_size = (size_t)s->ran * 8 * sizeof(double);
    double *v = oq__alloc(&m, v_size);
    if (!v)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "oq_sim_summarize: out of memory");
    double *col[8];
    int32_t n[8] = {0};
    for (int j = 0; j < 8; j++)
        col[j] = v + (size_t)j * (size_t)s->ran;
    for (int32_t r = 0; r < s->ran; r++) {
        oq_sim_stats x;
        oq__sim_stats_read(&x, oq__cohort_run_cell(&s->co, r, k), k == 0);
        int64_t done = x.answered + x.abandoned;
        col[0][n[0]++] = (double)x.offered;
        if (done > 0) {
            col[1][n[1]++] = x.service_level;
            col[3][n[3]++] = x.p_wait;
        }
        if (x.offered > 0) {
            col[2][n[2]++] = x.service_level_offered;
            col[5][n[5]++] = x.abandon_rate;
        }
        if (x.answered > 0) {
            col[4][n[4]++] = x.asa_s;
            col[6][n[6]++] = x.aht_s;
        }
        if (k == 0 && x.staffed_s > 0)
            col[7][n[7]++] = x.occupancy;
    }
    estimate(&out->offered, col[0], n[0]);
    estimate(&out->service_level, col[1], n[1]);
    estimate(&out->service_level_offered, col[2], n[2]);
    estimate(&out->p_wait, col[3], n[3]);
    estimate(&out->asa_s, col[4], n[4]);
    estimate(&out->abandon_rate, col[5], n[5]);
    estimate(&out->aht_s, col[6], n[6]);
    estimate(&out->occupancy, col[7], n[7]);
    oq__free(&m, v, v_size);
    return OQ__OUTPUT_PUT(caller, out, oq_sim_summary, replications, err);
}

oq_status oq_sim_interval_service_level(const oq_sim *s, int32_t interval, oq_sim_estimate *out)
{
    if (!s || !out || interval < 0 || interval >= s->nint)
        return OQ_EINVAL;
    int64_t in_t, done;
    if (!oq__cohort_run_interval(&s->co, 0, interval, &in_t, &done))
        return OQ_ERANGE;
    oq_mem m; /* local: a const simulator (as oq_sim_summarize) */
    oq__mem_init(&m, s->mem.fn, s->mem.user);
    size_t v_size = (size_t)(s->ran > 0 ? s->ran : 1) * sizeof(double);
    double *v = oq__alloc(&m, v_size);
    if (!v)
        return OQ_ENOMEM;
    int32_t n = 0;
    for (int32_t r = 0; r < s->ran; r++) {
        oq__cohort_run_interval(&s->co, r, interval, &in_t, &done);
        if (done > 0)
            v[n++] = oq__kpi_ratio((double)in_t, (double)done, 0.0); /* defined: > 0 */
    }
    estimate(out, v, n);
    oq__free(&m, v, v_size);
    return OQ_OK;
}

oq_status oq_sim_run_info_get(const oq_sim *s, int32_t replication, oq_sim_run_info *out,
                              oq_error *err)
{
    static const char fn[] = "oq_sim_run_info_get";
    if (!s)
        return oq__getter_null(err, fn, "sim");
    if (replication < 0 || replication >= s->ran)
        return oq__getter_range(err, fn, "replication", replication, s->ran);
    return OQ__OUTPUT_PUT(out, &s->info[replication], oq_sim_run_info, engine_contacts, err);
}
