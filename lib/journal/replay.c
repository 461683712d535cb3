/* SPDX-License-Identifier: MIT */
/* The action journal, replaying side: oq_journal_apply decodes one record
 * and makes the call it records, through the public API, with the
 * arguments it carries (docs/snapshot.md, "Journal records"). The decoding
 * and the call are generated, one case per row of the table
 * (engine/journal_actions.h); so are the names. The recording side is
 * lib/engine/journal.c. Besides the public API this uses only what
 * engine/journal.h gives a replayer: the engine's allocator and error
 * message, and the allocations the replayed call must lose. */
#include <stdio.h>
#include <string.h>

#include "calendar/codec.h"
#include "core/codec.h"
#include "core/error.h"
#include "core/mem.h"
#include "engine/journal.h"
#include "omniq/journal.h"
#include "omniq/stats.h"

/* The decoded arguments' strings and lists live in one scratch block. */
typedef struct jscratch {
    char *p;
    size_t n, cap;
    int nomem; /* a calendar could not be decoded for memory */
} jscratch;

static const char *r_str(oq_rd *r, jscratch *x)
{
    const char *s;
    size_t n;
    int is_null;
    if (!oq__rd_str(r, r->len, &s, &n, &is_null, "string") || is_null)
        return NULL;
    if (n + 1 > x->cap - x->n) {
        oq__rd_fail(r, "string beyond the record");
        return NULL;
    }
    char *d = x->p + x->n;
    memcpy(d, s, n);
    d[n] = 0;
    x->n += n + 1;
    return d;
}

/* A spec's fields (engine/journal_actions.h), onto its _init defaults. */
#define R_STR(s) r_str(r, x)
#define R_I32(s) oq__rd_i32(r)
#define R_I64(s) oq__rd_i64(r)
#define R_F64(s) oq__rd_f64(r)
#define R_FIELD(kind, field) s->field = R_##kind(s);

static void r_channel(oq_rd *r, jscratch *x, oq_channel_spec *s)
{
    oq_channel_spec_init(s);
    OQ__J_CHANNEL_FIELDS(R_FIELD)
}

static void r_queue(oq_rd *r, jscratch *x, oq_queue_spec *s)
{
    oq_queue_spec_init(s);
    OQ__J_QUEUE_FIELDS(R_FIELD)
}

/* Skill lists of a contact spec live in the scratch too. */
static void *scratch_take(oq_rd *r, jscratch *x, size_t bytes)
{
    size_t pad = (8 - x->n % 8) % 8;
    if (bytes + pad > x->cap - x->n) {
        oq__rd_fail(r, "record too large for its lists");
        return NULL;
    }
    x->n += pad;
    void *p = x->p + x->n;
    x->n += bytes;
    return p;
}

static void r_skills(oq_rd *r, jscratch *x, int32_t *n, const char *const **ids, const int32_t **levels)
{
    *n = oq__rd_count(r, OQ_CONTACT_SKILLS_MAX, 8, "contact skills");
    *ids = NULL;
    *levels = NULL;
    if (*n == 0 || r->bad)
        return;
    const char **i = scratch_take(r, x, (size_t)*n * sizeof *i);
    int32_t *l = scratch_take(r, x, (size_t)*n * sizeof *l);
    if (!i || !l)
        return;
    for (int32_t k = 0; k < *n; k++) {
        i[k] = r_str(r, x);
        l[k] = oq__rd_i32(r);
    }
    *ids = i;
    *levels = l;
}

static void r_contact(oq_rd *r, jscratch *x, oq_contact_spec *s)
{
    oq_contact_spec_init(s);
    OQ__J_CONTACT_HEAD_FIELDS(R_FIELD)
    r_skills(r, x, &s->n_required, &s->required_skills, &s->required_levels);
    r_skills(r, x, &s->n_preferred, &s->preferred_skills, &s->preferred_levels);
    OQ__J_CONTACT_TAIL_FIELDS(R_FIELD)
}

static void r_step(oq_rd *r, jscratch *x, oq_escalation_step *s)
{
    oq_escalation_step_init(s);
    OQ__J_STEP_FIELDS(R_FIELD)
}

static void r_policy(oq_rd *r, jscratch *x, oq_agent_policy *s)
{
    (void)x;
    oq_agent_policy_init(s);
    OQ__J_POLICY_FIELDS(R_FIELD)
}

static void r_stats(oq_rd *r, jscratch *x, oq_stats_options *s)
{
    (void)x;
    oq_stats_options_init(s);
    OQ__J_STATS_FIELDS(R_FIELD)
    for (int i = 0; i < OQ_STATS_BOUNDS_MAX; i++)
        s->wait_bounds_s[i] = oq__rd_f64(r);
}

/* A whole calendar, decoded with the engine's allocator (NULL on error;
 * x->nomem when memory ran out, which is not a damaged record). The engine
 * keeps its own copy: the decoded one is destroyed after the call. */
static oq_calendar *r_calendar(oq_engine *e, oq_rd *r, jscratch *x)
{
    if (r->bad)
        return NULL;
    oq_mem *mem = oq__journal_replay_mem(e);
    oq_calendar_options opts;
    oq_calendar_options_init(&opts);
    opts.alloc = mem->fn;
    opts.alloc_user = mem->user;
    oq_calendar *cal = NULL;
    int nomem = 0;
    if (!oq__r_calendar(r, &opts, &cal, &nomem)) {
        if (nomem) {
            r->bad = 0;
            x->nomem = 1;
        }
        return NULL;
    }
    return cal;
}

/* Every byte used, nothing missing. */
static int j_done(oq_rd *r)
{
    if (!r->bad && r->off != r->len)
        oq__rd_fail(r, "%zu unexpected bytes after the arguments", r->len - r->off);
    return !r->bad;
}

/* ---- one case per row of the table ----------------------------------------- */

/* Declare and decode one argument, by kind. */
#define R_ARG(kind, name) R_ARG_##kind(name)
#define R_ARG_NONE(name)
#define R_ARG_STR(name) const char *name = r_str(r, x);
#define R_ARG_I32(name) int32_t name = oq__rd_i32(r);
#define R_ARG_U64(name) uint64_t name = oq__rd_u64(r);
#define R_ARG_F64(name) double name = oq__rd_f64(r);
#define R_SPEC(type, read, name) \
    type name##_v;               \
    read(r, x, &name##_v);       \
    const type *name = &name##_v;
#define R_ARG_CHANNEL(name) R_SPEC(oq_channel_spec, r_channel, name)
#define R_ARG_QUEUE(name) R_SPEC(oq_queue_spec, r_queue, name)
#define R_ARG_CONTACT(name) R_SPEC(oq_contact_spec, r_contact, name)
#define R_ARG_STEP(name) R_SPEC(oq_escalation_step, r_step, name)
#define R_ARG_POLICY(name) R_SPEC(oq_agent_policy, r_policy, name)
#define R_ARG_STATS(name) R_SPEC(oq_stats_options, r_stats, name)
#define R_ARG_CALENDAR(name) oq_calendar *name = r_calendar(e, r, x);
/* ", name" to pass it on. */
#define PASS(kind, name) PASS_##kind(name)
#define PASS_NONE(name)
#define PASS_STR(name) , name
#define PASS_I32(name) , name
#define PASS_U64(name) , name
#define PASS_F64(name) , name
#define PASS_CHANNEL(name) , name
#define PASS_QUEUE(name) , name
#define PASS_CONTACT(name) , name
#define PASS_STEP(name) , name
#define PASS_POLICY(name) , name
#define PASS_STATS(name) , name
#define PASS_CALENDAR(name) , name
/* Release what decoding it allocated. */
#define FREE(kind, name) FREE_##kind(name)
#define FREE_NONE(name)
#define FREE_STR(name)
#define FREE_I32(name)
#define FREE_U64(name)
#define FREE_F64(name)
#define FREE_CHANNEL(name)
#define FREE_QUEUE(name)
#define FREE_CONTACT(name)
#define FREE_STEP(name)
#define FREE_POLICY(name)
#define FREE_STATS(name)
#define FREE_CALENDAR(name) oq_calendar_destroy(name);
/* The record's now_ms goes to a call that takes one. */
#define NOW_ARG_NOW , now
#define NOW_ARG_CLOCK
#define USES_NOW_NOW
#define USES_NOW_CLOCK (void)now;

#define REPLAY_CASE(ACTION, code, name, fn, module, clock, ...)                     \
    case code: {                                                                    \
        USES_NOW_##clock OQ__J_EACH(R_ARG, __VA_ARGS__) oq_status st = OQ_ECORRUPT; \
        if (!x->nomem && j_done(r))                                                 \
            st = fn(e NOW_ARG_##clock OQ__J_EACH(PASS, __VA_ARGS__));               \
        OQ__J_EACH(FREE, __VA_ARGS__)                                               \
        return st;                                                                  \
    }

static oq_status replay(oq_engine *e, oq_rd *r, int32_t action, int64_t now, jscratch *x)
{
    switch (action) {
        OQ__JOURNAL_ACTIONS(REPLAY_CASE)
    default:
        oq__rd_fail(r, "unknown journal action %d", action);
        return OQ_ECORRUPT;
    }
}

const char *oq_journal_action_name(int32_t action)
{
    static const char *const names[] = {
        "unknown",
#define NAME(ACTION, code, name, ...) name,
        OQ__JOURNAL_ACTIONS(NAME)
#undef NAME
    };
    if (action < 1 || action >= (int32_t)(sizeof names / sizeof names[0]))
        return "unknown";
    return names[action];
}

/* Magic, version, length and checksum of an encoded record; "" or why not. */
static const char *record_frame_error(const uint8_t *p, size_t len, char *buf, size_t size)
{
    if (len < OQ__J_HEAD + 1 + 4 || memcmp(p, "OQJ", 3) != 0)
        return "at byte 0: not a journal record";
    if (p[3] != OQ__J_VERSION) {
        snprintf(buf, size, "at byte 3: version %u, this library reads %d", p[3], OQ__J_VERSION);
        return buf;
    }
    uint32_t crc = (uint32_t)p[len - 4] | (uint32_t)p[len - 3] << 8 | (uint32_t)p[len - 2] << 16 |
                   (uint32_t)p[len - 1] << 24;
    if (oq__crc32(0, p, len - 4) != crc) {
        snprintf(buf, size, "at byte %zu: checksum mismatch", len - 4);
        return buf;
    }
    return "";
}

static uint64_t record_seq(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[OQ__J_SEQ_AT + i];
    return v;
}

oq_status oq_journal_record_seq(const void *rec, size_t len, uint64_t *seq, oq_error *err)
{
    if (!rec || !seq)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s", rec ? "seq is NULL" : "journal record is NULL");
    char buf[96];
    const char *why = record_frame_error(rec, len, buf, sizeof buf);
    if (*why)
        return oq__error(err, OQ_ECORRUPT, NULL, 0, 0, "journal record: %s", why);
    *seq = record_seq(rec);
    return OQ_OK;
}

/* oq_journal_apply; on failure the engine's last error says why. */
static oq_status apply(oq_engine *e, const void *rec, size_t len)
{
    oq_status st = oq__journal_replay_enter(e);
    if (st != OQ_OK)
        return st;
    if (!rec)
        return oq__journal_replay_fail(e, OQ_EINVAL, "journal record is NULL");
    const uint8_t *p = rec;
    char buf[96];
    const char *why = record_frame_error(p, len, buf, sizeof buf);
    if (*why)
        return oq__journal_replay_fail(e, OQ_ECORRUPT, "journal record: %s", why);
    uint64_t seq = record_seq(p), want = 0;
    (void)oq_engine_journal_seq(e, &want);
    if (seq > want && seq - want == 1)
        return oq__journal_replay_fail(e, OQ_ECORRUPT,
                        "journal record: sequence %llu, expected %llu: record %llu is missing (a gap)",
                        (unsigned long long)seq, (unsigned long long)want, (unsigned long long)want);
    if (seq > want)
        return oq__journal_replay_fail(e, OQ_ECORRUPT,
                        "journal record: sequence %llu, expected %llu: records %llu..%llu are missing (a gap)",
                        (unsigned long long)seq, (unsigned long long)want, (unsigned long long)want,
                        (unsigned long long)(seq - 1));
    if (seq < want)
        return oq__journal_replay_fail(e, OQ_ECORRUPT,
                        "journal record: sequence %llu, expected %llu: already applied (a duplicate, or "
                        "records out of order)",
                        (unsigned long long)seq, (unsigned long long)want);
    char err[200] = "";
    oq_rd r = {p, len - 4, 4, 0, err, sizeof err};
    int32_t action = oq__rd_i32(&r);
    int64_t now = oq__rd_i64(&r);
    (void)oq__rd_u64(&r); /* the sequence number, checked above */
    uint8_t lost = oq__rd_u8(&r);
    int32_t n_lost = lost & 0x7f;
    uint32_t lost_at[OQ__J_LOST_MAX];
    if (n_lost > OQ__J_LOST_MAX || ((lost & 0x80) && n_lost == 0))
        oq__rd_fail(&r, "%d lost allocations listed (at most %d)", n_lost, OQ__J_LOST_MAX);
    for (int32_t i = 0; i < n_lost && !r.bad; i++) {
        lost_at[i] = oq__rd_u32(&r);
        if (!r.bad && (lost_at[i] == 0 || (i > 0 && lost_at[i] <= lost_at[i - 1])))
            oq__rd_fail(&r, "lost allocations out of order");
    }
    if (r.bad)
        return oq__journal_replay_fail(e, OQ_ECORRUPT, "journal record (%s): %s", oq_journal_action_name(action), err);
    oq_mem *mem = oq__journal_replay_mem(e);
    jscratch x = {NULL, 0, len * 2 + 64, 0};
    x.p = oq__alloc(mem, x.cap);
    if (!x.p)
        return oq__journal_replay_fail(e, OQ_ENOMEM, "journal record: out of memory");
    /* The call loses the allocations the primary's lost, and no other. */
    oq__journal_replay_lose(e, lost_at, n_lost, (lost & 0x80) != 0);
    st = replay(e, &r, action, now, &x);
    oq__journal_replay_done(e);
    oq__free(mem, x.p, x.cap);
    if (x.nomem)
        return oq__journal_replay_fail(e, OQ_ENOMEM, "journal record: out of memory");
    if (r.bad)
        return oq__journal_replay_fail(e, OQ_ECORRUPT, "journal record (%s): %s", oq_journal_action_name(action), err);
    /* Applied: the next record is expected (unless this engine journals
     * too, and re-emitting the record already moved its counter on). */
    uint64_t next = 0;
    if (st == OQ_OK && oq_engine_journal_seq(e, &next) == OQ_OK && next == seq)
        (void)oq_engine_set_journal_seq(e, seq + 1);
    return st;
}

oq_status oq_journal_apply(oq_engine *e, const void *rec, size_t len, oq_error *err)
{
    if (!e)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "journal record: engine is NULL");
    oq_status st = apply(e, rec, len);
    if (st != OQ_OK) {
        const char *why = oq_engine_last_error(e);
        oq__error(err, st, NULL, 0, 0, "%s", why && why[0] ? why : oq_status_str(st));
    }
    return st;
}
