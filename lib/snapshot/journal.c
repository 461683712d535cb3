/* SPDX-License-Identifier: MIT */
/* The action journal: one compact record per successful state-changing call,
 * and its replay (docs/snapshot.md, "Journal records").
 *
 * Record: "OQJ" + version byte, i32 action, i64 now_ms, u64 sequence number,
 * u8 count of the allocations the call lost (bit 7: and every one after the
 * last listed) and their numbers (u32 each, engine.c oq__soft_try), then
 * the call's arguments in order (strings as u32 length + bytes, 0xFFFFFFFF =
 * NULL; i32; f64; specs field by field), then a CRC-32 of everything before
 * it. Each wrapper below encodes twice: once counting (so the buffer can be
 * grown before anything is written), once for real.
 *
 * Sequence numbers: e->journal_seq is the number of the next record — the
 * next one emitted on a primary, the next one oq_journal_apply accepts on a
 * standby (one counter: a standby that takes over continues the numbering).
 * A snapshot records it, so a standby restored from one expects exactly the
 * first record after it. */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "engine/internal.h"
#include "snapshot/calendar_codec.h"
#include "snapshot/codec.h"
#include "snapshot/journal.h"

#define J_VERSION 2
#define J_HEAD 24    /* magic + version, action, now_ms, seq */
#define J_SEQ_AT 16  /* byte offset of the sequence number (u64 little-endian) */
#define SEQ_MAX ((uint64_t)1 << 62) /* never reached; restored counters stay far from wrapping */

typedef struct jstate {
    oq_wr w;
    int counting;
    int32_t action;
    int64_t now;
    uint64_t seq;
    uint8_t *buf;
    size_t cap;
} jstate;

static oq_status count_fn(const void *data, size_t len, void *user)
{
    (void)data, (void)len, (void)user;
    return OQ_OK;
}

void oq__journal_free(oq_engine *e)
{
    jstate *j = e->journal_state;
    if (!j)
        return;
    oq__free(&e->mem, j->buf, j->cap);
    oq__free(&e->mem, j, sizeof *j);
    e->journal_state = NULL;
    e->journal = NULL;
}

oq_status oq_engine_set_journal(oq_engine *e, oq_journal_fn fn, void *user)
{
    oq_status st = oq__enter(e);
    if (st != OQ_OK)
        return st;
    if (!fn) {
        oq__journal_free(e);
        e->journal_user = NULL;
        return OQ_OK;
    }
    if (!e->journal_state) {
        jstate *j = oq__calloc(&e->mem, 1, sizeof *j);
        uint8_t *buf = oq__alloc(&e->mem, 4096);
        if (!j || !buf) {
            oq__free(&e->mem, j, sizeof *j);
            oq__free(&e->mem, buf, 4096);
            return oq__fail(e, OQ_ENOMEM, "journal: out of memory");
        }
        j->buf = buf;
        j->cap = 4096;
        e->journal_state = j;
    }
    e->journal = fn;
    e->journal_user = user;
    return OQ_OK;
}

static void w_head(oq_wr *w, const oq_engine *e, int32_t action, int64_t now, uint64_t seq)
{
    oq__wr_bytes(w, "OQJ", 3);
    oq__wr_u8(w, J_VERSION);
    oq__wr_i32(w, action);
    oq__wr_i64(w, now);
    oq__wr_u64(w, seq);
    /* The allocations the call lost (its degraded outcomes): replay loses them too. */
    oq__wr_u8(w, (uint8_t)(e->soft_n_failed | (e->soft_rest ? 0x80 : 0)));
    for (int32_t i = 0; i < e->soft_n_failed; i++)
        oq__wr_u32(w, e->soft_failed[i]);
}

/* Hand the host one record; its number is used even when the record could
 * not be encoded (data NULL), so a standby sees the gap. */
static void deliver(oq_engine *e, int32_t action, int64_t now, uint64_t seq, const void *data, size_t len)
{
    oq_journal_record rec;
    memset(&rec, 0, sizeof rec);
    rec.action = action;
    rec.now_ms = now;
    rec.data = data;
    rec.len = len;
    rec.seq = seq;
    e->journal_seq = seq + 1;
    e->in_callback++;
    e->journal(&rec, e->journal_user);
    e->in_callback--;
}

static int64_t j_begin(oq_engine *e)
{
    e->journal_depth++;
    return e->now;
}

static void j_start(oq_engine *e, jstate *j, int32_t action, int64_t now)
{
    memset(&j->w, 0, offsetof(oq_wr, chunk));
    j->w.fn = count_fn;
    j->counting = 1;
    j->action = action;
    j->now = now;
    j->seq = e->journal_seq;
    w_head(&j->w, e, action, now, j->seq);
}

/* After the arguments were encoded: the counting pass sizes the buffer and
 * starts the real pass; the real pass delivers the record. */
static oq_wr *j_next(oq_engine *e, oq_wr *w)
{
    jstate *j = e->journal_state;
    if (j->counting) {
        oq__wr_flush(w);
        size_t need = (size_t)w->total + 4;
        if (need > j->cap) {
            size_t cap = j->cap;
            while (cap < need)
                cap *= 2;
            uint8_t *nb = oq__realloc(&e->mem, j->buf, j->cap, cap);
            if (!nb) {
                /* The record cannot be had: the host is told (data NULL) and
                 * should take a fresh snapshot. */
                deliver(e, j->action, j->now, j->seq, NULL, 0);
                return NULL;
            }
            j->buf = nb;
            j->cap = cap;
        }
        memset(&j->w, 0, offsetof(oq_wr, chunk));
        j->w.buf = j->buf;
        j->w.cap = j->cap;
        j->counting = 0;
        w_head(&j->w, e, j->action, j->now, j->seq);
        return &j->w;
    }
    uint32_t crc = w->crc;
    oq__wr_u32(w, crc);
    if (w->st == OQ_OK)
        deliver(e, j->action, j->now, j->seq, j->buf, w->n);
    return NULL;
}

/* Start encoding the record of a call that returned st (NULL: nothing more
 * to encode). A failed call that still moved the clock records an ADVANCE. */
static oq_wr *j_open(oq_engine *e, oq_status st, int64_t before, int32_t action, int64_t now)
{
    e->journal_depth--;
    jstate *j = e->journal_state;
    if (!e->journal || !j)
        return NULL;
    if (st != OQ_OK) {
        if (e->now == before)
            return NULL;
        j_start(e, j, OQ_J_ADVANCE, e->now);
        for (oq_wr *w = &j->w; w; w = j_next(e, w)) {
        }
        return NULL;
    }
    j_start(e, j, action, now);
    return &j->w;
}

/* ---- specs ------------------------------------------------------------------------ */

static void w_channel(oq_wr *w, const oq_channel_spec *s)
{
    oq__wr_str(w, s->id);
    oq__wr_i32(w, s->synchronous);
    oq__wr_i32(w, s->exclusive);
    oq__wr_i32(w, s->capacity_cost);
    oq__wr_i32(w, s->max_per_agent);
}

static void w_queue(oq_wr *w, const oq_queue_spec *s)
{
    oq__wr_str(w, s->id);
    oq__wr_i32(w, s->priority);
    oq__wr_i32(w, s->ordering);
    oq__wr_i32(w, s->strategy);
    oq__wr_i32(w, s->timeout_not_ready);
    oq__wr_f64(w, s->sla_threshold_s);
    oq__wr_f64(w, s->sla_target);
    oq__wr_f64(w, s->offer_timeout_s);
    oq__wr_f64(w, s->wrapup_s);
    oq__wr_f64(w, s->aging_per_s);
    oq__wr_i32(w, s->max_length);
    oq__wr_i32(w, s->limit_action);
    oq__wr_f64(w, s->max_wait_s);
    oq__wr_str(w, s->limit_queue);
    oq__wr_str(w, s->callback_channel);
    oq__wr_i32(w, s->refuse_if_no_agents);
    oq__wr_i32(w, s->outbound);
    oq__wr_f64(w, s->default_aht_s);
    oq__wr_f64(w, s->deadline_warning_s);
    oq__wr_i32(w, s->keep_offer_on_not_ready);
    oq__wr_f64(w, s->retry_after_s);
    oq__wr_i32(w, s->max_offers);
    oq__wr_f64(w, s->last_agent_window_s);
    oq__wr_f64(w, s->last_agent_wait_s);
    oq__wr_str(w, s->calendar);
    oq__wr_i32(w, s->closed_action);
    oq__wr_str(w, s->closed_queue);
    oq__wr_i32(w, s->business_time);
}

static void w_contact(oq_wr *w, const oq_contact_spec *s)
{
    oq__wr_str(w, s->id);
    oq__wr_str(w, s->channel);
    oq__wr_str(w, s->queue);
    oq__wr_str(w, s->customer);
    oq__wr_str(w, s->preferred_agent);
    oq__wr_i32(w, s->priority);
    int32_t nr = s->required_skills && s->required_levels ? s->n_required : 0;
    int32_t np = s->preferred_skills && s->preferred_levels ? s->n_preferred : 0;
    oq__wr_i32(w, nr);
    for (int32_t i = 0; i < nr; i++) {
        oq__wr_str(w, s->required_skills[i]);
        oq__wr_i32(w, s->required_levels[i]);
    }
    oq__wr_i32(w, np);
    for (int32_t i = 0; i < np; i++) {
        oq__wr_str(w, s->preferred_skills[i]);
        oq__wr_i32(w, s->preferred_levels[i]);
    }
    oq__wr_i64(w, s->deadline_ms);
    oq__wr_f64(w, s->preferred_wait_s);
}

static void w_step(oq_wr *w, const oq_escalation_step *s)
{
    oq__wr_i32(w, s->action);
    oq__wr_i32(w, s->timing);
    oq__wr_f64(w, s->after_s);
    oq__wr_str(w, s->skill);
    oq__wr_i32(w, s->level);
    oq__wr_i32(w, s->priority);
    oq__wr_str(w, s->group);
    oq__wr_str(w, s->queue);
    oq__wr_str(w, s->message);
    oq__wr_i32(w, s->skip_if_no_agents);
    oq__wr_f64(w, s->when_ewt_above_s);
    oq__wr_f64(w, s->when_sl_below);
}

static void w_policy(oq_wr *w, const oq_agent_policy *p)
{
    oq__wr_i32(w, p->max_no_answer);
    oq__wr_i32(w, p->max_per_window);
    oq__wr_f64(w, p->window_s);
    oq__wr_f64(w, p->reject_delay_s);
    oq__wr_f64(w, p->no_answer_delay_s);
}

static void w_stats(oq_wr *w, const oq_stats_options *o)
{
    oq__wr_i32(w, o->ring_size);
    oq__wr_f64(w, o->interval_s);
    oq__wr_f64(w, o->window_s);
    oq__wr_f64(w, o->window_bucket_s);
    oq__wr_f64(w, o->short_abandon_s);
    oq__wr_i32(w, o->n_wait_bounds);
    oq__wr_i32(w, o->reserved);
    for (int i = 0; i < OQ_STATS_BOUNDS_MAX; i++)
        oq__wr_f64(w, o->wait_bounds_s[i]);
}

/* ---- replay ------------------------------------------------------------------------- */

typedef struct jscratch {
    char *p;
    size_t n, cap;
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

static void r_channel(oq_rd *r, jscratch *x, oq_channel_spec *s)
{
    oq_channel_spec_init(s);
    s->id = r_str(r, x);
    s->synchronous = oq__rd_i32(r);
    s->exclusive = oq__rd_i32(r);
    s->capacity_cost = oq__rd_i32(r);
    s->max_per_agent = oq__rd_i32(r);
}

static void r_queue(oq_rd *r, jscratch *x, oq_queue_spec *s)
{
    oq_queue_spec_init(s);
    s->id = r_str(r, x);
    s->priority = oq__rd_i32(r);
    s->ordering = oq__rd_i32(r);
    s->strategy = oq__rd_i32(r);
    s->timeout_not_ready = oq__rd_i32(r);
    s->sla_threshold_s = oq__rd_f64(r);
    s->sla_target = oq__rd_f64(r);
    s->offer_timeout_s = oq__rd_f64(r);
    s->wrapup_s = oq__rd_f64(r);
    s->aging_per_s = oq__rd_f64(r);
    s->max_length = oq__rd_i32(r);
    s->limit_action = oq__rd_i32(r);
    s->max_wait_s = oq__rd_f64(r);
    s->limit_queue = r_str(r, x);
    s->callback_channel = r_str(r, x);
    s->refuse_if_no_agents = oq__rd_i32(r);
    s->outbound = oq__rd_i32(r);
    s->default_aht_s = oq__rd_f64(r);
    s->deadline_warning_s = oq__rd_f64(r);
    s->keep_offer_on_not_ready = oq__rd_i32(r);
    s->retry_after_s = oq__rd_f64(r);
    s->max_offers = oq__rd_i32(r);
    s->last_agent_window_s = oq__rd_f64(r);
    s->last_agent_wait_s = oq__rd_f64(r);
    s->calendar = r_str(r, x);
    s->closed_action = oq__rd_i32(r);
    s->closed_queue = r_str(r, x);
    s->business_time = oq__rd_i32(r);
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
    s->id = r_str(r, x);
    s->channel = r_str(r, x);
    s->queue = r_str(r, x);
    s->customer = r_str(r, x);
    s->preferred_agent = r_str(r, x);
    s->priority = oq__rd_i32(r);
    r_skills(r, x, &s->n_required, &s->required_skills, &s->required_levels);
    r_skills(r, x, &s->n_preferred, &s->preferred_skills, &s->preferred_levels);
    s->deadline_ms = oq__rd_i64(r);
    s->preferred_wait_s = oq__rd_f64(r);
}

static void r_step(oq_rd *r, jscratch *x, oq_escalation_step *s)
{
    oq_escalation_step_init(s);
    s->action = oq__rd_i32(r);
    s->timing = oq__rd_i32(r);
    s->after_s = oq__rd_f64(r);
    s->skill = r_str(r, x);
    s->level = oq__rd_i32(r);
    s->priority = oq__rd_i32(r);
    s->group = r_str(r, x);
    s->queue = r_str(r, x);
    s->message = r_str(r, x);
    s->skip_if_no_agents = oq__rd_i32(r);
    s->when_ewt_above_s = oq__rd_f64(r);
    s->when_sl_below = oq__rd_f64(r);
}

static void r_policy(oq_rd *r, jscratch *x, oq_agent_policy *p)
{
    (void)x;
    oq_agent_policy_init(p);
    p->max_no_answer = oq__rd_i32(r);
    p->max_per_window = oq__rd_i32(r);
    p->window_s = oq__rd_f64(r);
    p->reject_delay_s = oq__rd_f64(r);
    p->no_answer_delay_s = oq__rd_f64(r);
}

static void r_stats(oq_rd *r, jscratch *x, oq_stats_options *o)
{
    (void)x;
    oq_stats_options_init(o);
    o->ring_size = oq__rd_i32(r);
    o->interval_s = oq__rd_f64(r);
    o->window_s = oq__rd_f64(r);
    o->window_bucket_s = oq__rd_f64(r);
    o->short_abandon_s = oq__rd_f64(r);
    o->n_wait_bounds = oq__rd_i32(r);
    o->reserved = oq__rd_i32(r);
    for (int i = 0; i < OQ_STATS_BOUNDS_MAX; i++)
        o->wait_bounds_s[i] = oq__rd_f64(r);
}

/* Every byte used, nothing missing. */
static int j_done(oq_rd *r)
{
    if (!r->bad && r->off != r->len)
        oq__rd_fail(r, "%zu unexpected bytes after the arguments", r->len - r->off);
    return !r->bad;
}

/* ---- one wrapper and one replay case per journaled call (same order as the
 * OQ_J_* codes in omniq/snapshot.h; a new mutating call needs an OQ_J_ code,
 * a wrapper here, a replay case, its name, and OQ_JOURNAL at its top) ---- */
oq_status oq__j_engine_advance(oq_engine *e, int64_t now_ms)
{
    int64_t before = j_begin(e);
    oq_status st = oq_engine_advance(e, now_ms);
    for (oq_wr *w = j_open(e, st, before, OQ_J_ADVANCE, now_ms); w; w = j_next(e, w)) {
    }
    return st;
}

oq_status oq__j_channel_add(oq_engine *e, const oq_channel_spec *spec)
{
    int64_t before = j_begin(e);
    oq_status st = oq_channel_add(e, spec);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CHANNEL_ADD, e->now); w; w = j_next(e, w)) {
        w_channel(w, spec);
    }
    return st;
}

oq_status oq__j_channel_update(oq_engine *e, const oq_channel_spec *spec)
{
    int64_t before = j_begin(e);
    oq_status st = oq_channel_update(e, spec);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CHANNEL_UPDATE, e->now); w; w = j_next(e, w)) {
        w_channel(w, spec);
    }
    return st;
}

oq_status oq__j_channel_remove(oq_engine *e, const char *id)
{
    int64_t before = j_begin(e);
    oq_status st = oq_channel_remove(e, id);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CHANNEL_REMOVE, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
    }
    return st;
}

oq_status oq__j_skill_add(oq_engine *e, const char *id, int32_t max_level)
{
    int64_t before = j_begin(e);
    oq_status st = oq_skill_add(e, id, max_level);
    for (oq_wr *w = j_open(e, st, before, OQ_J_SKILL_ADD, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
        oq__wr_i32(w, max_level);
    }
    return st;
}

oq_status oq__j_skill_remove(oq_engine *e, const char *id)
{
    int64_t before = j_begin(e);
    oq_status st = oq_skill_remove(e, id);
    for (oq_wr *w = j_open(e, st, before, OQ_J_SKILL_REMOVE, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
    }
    return st;
}

oq_status oq__j_group_add(oq_engine *e, const char *id)
{
    int64_t before = j_begin(e);
    oq_status st = oq_group_add(e, id);
    for (oq_wr *w = j_open(e, st, before, OQ_J_GROUP_ADD, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
    }
    return st;
}

oq_status oq__j_group_remove(oq_engine *e, const char *id)
{
    int64_t before = j_begin(e);
    oq_status st = oq_group_remove(e, id);
    for (oq_wr *w = j_open(e, st, before, OQ_J_GROUP_REMOVE, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
    }
    return st;
}

oq_status oq__j_agent_add(oq_engine *e, const char *id, int32_t capacity)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_add(e, id, capacity);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_ADD, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
        oq__wr_i32(w, capacity);
    }
    return st;
}

oq_status oq__j_agent_remove(oq_engine *e, const char *id)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_remove(e, id);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_REMOVE, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
    }
    return st;
}

oq_status oq__j_agent_set_capacity(oq_engine *e, const char *agent, int32_t capacity)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_set_capacity(e, agent, capacity);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_SET_CAPACITY, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
        oq__wr_i32(w, capacity);
    }
    return st;
}

oq_status oq__j_agent_set_skill(oq_engine *e, int64_t now_ms, const char *agent, const char *skill, int32_t level)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_set_skill(e, now_ms, agent, skill, level);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_SET_SKILL, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
        oq__wr_str(w, skill);
        oq__wr_i32(w, level);
    }
    return st;
}

oq_status oq__j_agent_set_channel_limit(oq_engine *e, int64_t now_ms, const char *agent, const char *channel, int32_t max_items)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_set_channel_limit(e, now_ms, agent, channel, max_items);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_SET_CH_LIMIT, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
        oq__wr_str(w, channel);
        oq__wr_i32(w, max_items);
    }
    return st;
}

oq_status oq__j_agent_join_group(oq_engine *e, int64_t now_ms, const char *agent, const char *group)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_join_group(e, now_ms, agent, group);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_JOIN_GROUP, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
        oq__wr_str(w, group);
    }
    return st;
}

oq_status oq__j_agent_leave_group(oq_engine *e, int64_t now_ms, const char *agent, const char *group)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_leave_group(e, now_ms, agent, group);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_LEAVE_GROUP, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
        oq__wr_str(w, group);
    }
    return st;
}

oq_status oq__j_agent_login(oq_engine *e, int64_t now_ms, const char *agent, int32_t ready)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_login(e, now_ms, agent, ready);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_LOGIN, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
        oq__wr_i32(w, ready);
    }
    return st;
}

oq_status oq__j_agent_ready(oq_engine *e, int64_t now_ms, const char *agent)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_ready(e, now_ms, agent);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_READY, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
    }
    return st;
}

oq_status oq__j_agent_not_ready(oq_engine *e, int64_t now_ms, const char *agent, const char *reason)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_not_ready(e, now_ms, agent, reason);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_NOT_READY, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
        oq__wr_str(w, reason);
    }
    return st;
}

oq_status oq__j_agent_logout(oq_engine *e, int64_t now_ms, const char *agent)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_logout(e, now_ms, agent);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_LOGOUT, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
    }
    return st;
}

oq_status oq__j_agent_end_wrapup(oq_engine *e, int64_t now_ms, const char *agent)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_end_wrapup(e, now_ms, agent);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_END_WRAPUP, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
    }
    return st;
}

oq_status oq__j_queue_add(oq_engine *e, const oq_queue_spec *spec)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_add(e, spec);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_ADD, e->now); w; w = j_next(e, w)) {
        w_queue(w, spec);
    }
    return st;
}

oq_status oq__j_queue_update(oq_engine *e, int64_t now_ms, const oq_queue_spec *spec)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_update(e, now_ms, spec);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_UPDATE, now_ms); w; w = j_next(e, w)) {
        w_queue(w, spec);
    }
    return st;
}

oq_status oq__j_queue_remove(oq_engine *e, const char *id)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_remove(e, id);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_REMOVE, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
    }
    return st;
}

oq_status oq__j_queue_add_channel(oq_engine *e, int64_t now_ms, const char *queue, const char *channel)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_add_channel(e, now_ms, queue, channel);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_ADD_CHANNEL, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, queue);
        oq__wr_str(w, channel);
    }
    return st;
}

oq_status oq__j_queue_remove_channel(oq_engine *e, int64_t now_ms, const char *queue, const char *channel)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_remove_channel(e, now_ms, queue, channel);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_REMOVE_CHANNEL, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, queue);
        oq__wr_str(w, channel);
    }
    return st;
}

oq_status oq__j_queue_require_skill(oq_engine *e, int64_t now_ms, const char *queue, const char *skill, int32_t min_level)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_require_skill(e, now_ms, queue, skill, min_level);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_REQUIRE_SKILL, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, queue);
        oq__wr_str(w, skill);
        oq__wr_i32(w, min_level);
    }
    return st;
}

oq_status oq__j_queue_prefer_skill(oq_engine *e, int64_t now_ms, const char *queue, const char *skill, int32_t min_level)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_prefer_skill(e, now_ms, queue, skill, min_level);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_PREFER_SKILL, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, queue);
        oq__wr_str(w, skill);
        oq__wr_i32(w, min_level);
    }
    return st;
}

oq_status oq__j_queue_add_group(oq_engine *e, int64_t now_ms, const char *queue, const char *group)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_add_group(e, now_ms, queue, group);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_ADD_GROUP, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, queue);
        oq__wr_str(w, group);
    }
    return st;
}

oq_status oq__j_queue_remove_group(oq_engine *e, int64_t now_ms, const char *queue, const char *group)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_remove_group(e, now_ms, queue, group);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_REMOVE_GROUP, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, queue);
        oq__wr_str(w, group);
    }
    return st;
}

oq_status oq__j_contact_arrive(oq_engine *e, int64_t now_ms, const oq_contact_spec *spec)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_arrive(e, now_ms, spec);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_ARRIVE, now_ms); w; w = j_next(e, w)) {
        w_contact(w, spec);
    }
    return st;
}

oq_status oq__j_offer_accept(oq_engine *e, int64_t now_ms, const char *contact, const char *agent)
{
    int64_t before = j_begin(e);
    oq_status st = oq_offer_accept(e, now_ms, contact, agent);
    for (oq_wr *w = j_open(e, st, before, OQ_J_OFFER_ACCEPT, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
        oq__wr_str(w, agent);
    }
    return st;
}

oq_status oq__j_offer_reject(oq_engine *e, int64_t now_ms, const char *contact, const char *agent)
{
    int64_t before = j_begin(e);
    oq_status st = oq_offer_reject(e, now_ms, contact, agent);
    for (oq_wr *w = j_open(e, st, before, OQ_J_OFFER_REJECT, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
        oq__wr_str(w, agent);
    }
    return st;
}

oq_status oq__j_contact_abandon(oq_engine *e, int64_t now_ms, const char *contact)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_abandon(e, now_ms, contact);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_ABANDON, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
    }
    return st;
}

oq_status oq__j_contact_complete(oq_engine *e, int64_t now_ms, const char *contact)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_complete(e, now_ms, contact);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_COMPLETE, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
    }
    return st;
}

oq_status oq__j_contact_transfer(oq_engine *e, int64_t now_ms, const char *contact, const char *queue)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_transfer(e, now_ms, contact, queue);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_TRANSFER, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
        oq__wr_str(w, queue);
    }
    return st;
}

oq_status oq__j_contact_set_priority(oq_engine *e, int64_t now_ms, const char *contact, int32_t priority)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_set_priority(e, now_ms, contact, priority);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_SET_PRIORITY, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
        oq__wr_i32(w, priority);
    }
    return st;
}

oq_status oq__j_contact_park(oq_engine *e, int64_t now_ms, const char *contact, const char *reason)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_park(e, now_ms, contact, reason);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_PARK, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
        oq__wr_str(w, reason);
    }
    return st;
}

oq_status oq__j_contact_reopen(oq_engine *e, int64_t now_ms, const char *contact, const char *queue, double owner_wait_s)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_reopen(e, now_ms, contact, queue, owner_wait_s);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_REOPEN, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
        oq__wr_str(w, queue);
        oq__wr_f64(w, owner_wait_s);
    }
    return st;
}

oq_status oq__j_contact_escalate(oq_engine *e, int64_t now_ms, const char *contact, const char *queue, const char *reason)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_escalate(e, now_ms, contact, queue, reason);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_ESCALATE, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
        oq__wr_str(w, queue);
        oq__wr_str(w, reason);
    }
    return st;
}

oq_status oq__j_contact_transfer_to_agent(oq_engine *e, int64_t now_ms, const char *contact, const char *agent, double wait_s)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_transfer_to_agent(e, now_ms, contact, agent, wait_s);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_TO_AGENT, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
        oq__wr_str(w, agent);
        oq__wr_f64(w, wait_s);
    }
    return st;
}

oq_status oq__j_contact_remove(oq_engine *e, int64_t now_ms, const char *contact)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_remove(e, now_ms, contact);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_REMOVE, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
    }
    return st;
}

oq_status oq__j_queue_add_step(oq_engine *e, int64_t now_ms, const char *queue, const oq_escalation_step *step)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_add_step(e, now_ms, queue, step);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_ADD_STEP, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, queue);
        w_step(w, step);
    }
    return st;
}

oq_status oq__j_queue_clear_steps(oq_engine *e, int64_t now_ms, const char *queue)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_clear_steps(e, now_ms, queue);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_CLEAR_STEPS, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, queue);
    }
    return st;
}

oq_status oq__j_profile_add(oq_engine *e, const char *id)
{
    int64_t before = j_begin(e);
    oq_status st = oq_profile_add(e, id);
    for (oq_wr *w = j_open(e, st, before, OQ_J_PROFILE_ADD, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
    }
    return st;
}

oq_status oq__j_profile_remove(oq_engine *e, const char *id)
{
    int64_t before = j_begin(e);
    oq_status st = oq_profile_remove(e, id);
    for (oq_wr *w = j_open(e, st, before, OQ_J_PROFILE_REMOVE, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
    }
    return st;
}

oq_status oq__j_profile_set_queue(oq_engine *e, int64_t now_ms, const char *profile, const char *queue, int32_t priority, double delay_s)
{
    int64_t before = j_begin(e);
    oq_status st = oq_profile_set_queue(e, now_ms, profile, queue, priority, delay_s);
    for (oq_wr *w = j_open(e, st, before, OQ_J_PROFILE_SET_QUEUE, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, profile);
        oq__wr_str(w, queue);
        oq__wr_i32(w, priority);
        oq__wr_f64(w, delay_s);
    }
    return st;
}

oq_status oq__j_profile_set_channel(oq_engine *e, int64_t now_ms, const char *profile, const char *channel, int32_t max_items, int32_t cross_channel)
{
    int64_t before = j_begin(e);
    oq_status st = oq_profile_set_channel(e, now_ms, profile, channel, max_items, cross_channel);
    for (oq_wr *w = j_open(e, st, before, OQ_J_PROFILE_SET_CHANNEL, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, profile);
        oq__wr_str(w, channel);
        oq__wr_i32(w, max_items);
        oq__wr_i32(w, cross_channel);
    }
    return st;
}

oq_status oq__j_profile_set_options(oq_engine *e, int64_t now_ms, const char *profile, int32_t force_longest_waiting, int32_t idle_measure)
{
    int64_t before = j_begin(e);
    oq_status st = oq_profile_set_options(e, now_ms, profile, force_longest_waiting, idle_measure);
    for (oq_wr *w = j_open(e, st, before, OQ_J_PROFILE_SET_OPTIONS, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, profile);
        oq__wr_i32(w, force_longest_waiting);
        oq__wr_i32(w, idle_measure);
    }
    return st;
}

oq_status oq__j_agent_set_profile(oq_engine *e, int64_t now_ms, const char *agent, const char *profile)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_set_profile(e, now_ms, agent, profile);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_SET_PROFILE, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
        oq__wr_str(w, profile);
    }
    return st;
}

oq_status oq__j_group_set_profile(oq_engine *e, int64_t now_ms, const char *group, const char *profile)
{
    int64_t before = j_begin(e);
    oq_status st = oq_group_set_profile(e, now_ms, group, profile);
    for (oq_wr *w = j_open(e, st, before, OQ_J_GROUP_SET_PROFILE, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, group);
        oq__wr_str(w, profile);
    }
    return st;
}

oq_status oq__j_queue_set_blend(oq_engine *e, int64_t now_ms, const char *queue, int32_t rule)
{
    int64_t before = j_begin(e);
    oq_status st = oq_queue_set_blend(e, now_ms, queue, rule);
    for (oq_wr *w = j_open(e, st, before, OQ_J_QUEUE_SET_BLEND, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, queue);
        oq__wr_i32(w, rule);
    }
    return st;
}

oq_status oq__j_agent_set_policy(oq_engine *e, int64_t now_ms, const char *agent, const oq_agent_policy *policy)
{
    int64_t before = j_begin(e);
    oq_status st = oq_agent_set_policy(e, now_ms, agent, policy);
    for (oq_wr *w = j_open(e, st, before, OQ_J_AGENT_SET_POLICY, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, agent);
        w_policy(w, policy);
    }
    return st;
}

oq_status oq__j_stats_configure(oq_engine *e, const oq_stats_options *opts)
{
    int64_t before = j_begin(e);
    oq_status st = oq_stats_configure(e, opts);
    for (oq_wr *w = j_open(e, st, before, OQ_J_STATS_CONFIGURE, e->now); w; w = j_next(e, w)) {
        w_stats(w, opts);
    }
    return st;
}

oq_status oq__j_stats_reset_day(oq_engine *e, int64_t now_ms)
{
    int64_t before = j_begin(e);
    oq_status st = oq_stats_reset_day(e, now_ms);
    for (oq_wr *w = j_open(e, st, before, OQ_J_STATS_RESET_DAY, now_ms); w; w = j_next(e, w)) {
    }
    return st;
}

oq_status oq__j_contact_request_callback(oq_engine *e, int64_t now_ms, const char *contact)
{
    int64_t before = j_begin(e);
    oq_status st = oq_contact_request_callback(e, now_ms, contact);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CONTACT_CALLBACK, now_ms); w; w = j_next(e, w)) {
        oq__wr_str(w, contact);
    }
    return st;
}

oq_status oq__j_engine_add_calendar(oq_engine *e, int64_t now_ms, const oq_calendar *cal)
{
    int64_t before = j_begin(e);
    oq_status st = oq_engine_add_calendar(e, now_ms, cal);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CALENDAR_ADD, now_ms); w; w = j_next(e, w)) {
        oq__w_calendar(w, cal);
    }
    return st;
}

oq_status oq__j_engine_replace_calendar(oq_engine *e, int64_t now_ms, const oq_calendar *cal)
{
    int64_t before = j_begin(e);
    oq_status st = oq_engine_replace_calendar(e, now_ms, cal);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CALENDAR_REPLACE, now_ms); w; w = j_next(e, w)) {
        oq__w_calendar(w, cal);
    }
    return st;
}

oq_status oq__j_engine_remove_calendar(oq_engine *e, const char *id)
{
    int64_t before = j_begin(e);
    oq_status st = oq_engine_remove_calendar(e, id);
    for (oq_wr *w = j_open(e, st, before, OQ_J_CALENDAR_REMOVE, e->now); w; w = j_next(e, w)) {
        oq__wr_str(w, id);
    }
    return st;
}

/* Replay a calendar record: decode it (with the engine's allocator), hand it
 * to `add` or `replace`, free the decoded one (the engine keeps a copy). */
static oq_status replay_calendar(oq_engine *e, oq_rd *r, int64_t now, int replace)
{
    oq_calendar_options opts;
    oq_calendar_options_init(&opts);
    opts.alloc = e->mem.fn;
    opts.alloc_user = e->mem.user;
    oq_calendar *cal = NULL;
    int nomem = 0;
    if (!oq__r_calendar(r, &opts, &cal, &nomem)) {
        if (nomem) {
            r->bad = 0; /* not a damaged record */
            return oq__fail(e, OQ_ENOMEM, "journal record: out of memory");
        }
        return OQ_ECORRUPT;
    }
    if (!j_done(r)) {
        oq_calendar_destroy(cal);
        return OQ_ECORRUPT;
    }
    oq_status st = replace ? oq_engine_replace_calendar(e, now, cal) : oq_engine_add_calendar(e, now, cal);
    oq_calendar_destroy(cal);
    return st;
}

static oq_status replay(oq_engine *e, oq_rd *r, int32_t action, int64_t now, jscratch *x)
{
    switch (action) {
    case OQ_J_CALENDAR_ADD:
    case OQ_J_CALENDAR_REPLACE:
        return replay_calendar(e, r, now, action == OQ_J_CALENDAR_REPLACE);
    case OQ_J_CALENDAR_REMOVE: {
        const char *id = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_engine_remove_calendar(e, id);
    }
    case OQ_J_ADVANCE: {
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_engine_advance(e, now);
    }
    case OQ_J_CHANNEL_ADD: {
        oq_channel_spec spec;
        r_channel(r, x, &spec);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_channel_add(e, &spec);
    }
    case OQ_J_CHANNEL_UPDATE: {
        oq_channel_spec spec;
        r_channel(r, x, &spec);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_channel_update(e, &spec);
    }
    case OQ_J_CHANNEL_REMOVE: {
        const char *id = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_channel_remove(e, id);
    }
    case OQ_J_SKILL_ADD: {
        const char *id = r_str(r, x);
        int32_t max_level = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_skill_add(e, id, max_level);
    }
    case OQ_J_SKILL_REMOVE: {
        const char *id = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_skill_remove(e, id);
    }
    case OQ_J_GROUP_ADD: {
        const char *id = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_group_add(e, id);
    }
    case OQ_J_GROUP_REMOVE: {
        const char *id = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_group_remove(e, id);
    }
    case OQ_J_AGENT_ADD: {
        const char *id = r_str(r, x);
        int32_t capacity = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_add(e, id, capacity);
    }
    case OQ_J_AGENT_REMOVE: {
        const char *id = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_remove(e, id);
    }
    case OQ_J_AGENT_SET_CAPACITY: {
        const char *agent = r_str(r, x);
        int32_t capacity = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_set_capacity(e, agent, capacity);
    }
    case OQ_J_AGENT_SET_SKILL: {
        const char *agent = r_str(r, x);
        const char *skill = r_str(r, x);
        int32_t level = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_set_skill(e, now, agent, skill, level);
    }
    case OQ_J_AGENT_SET_CH_LIMIT: {
        const char *agent = r_str(r, x);
        const char *channel = r_str(r, x);
        int32_t max_items = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_set_channel_limit(e, now, agent, channel, max_items);
    }
    case OQ_J_AGENT_JOIN_GROUP: {
        const char *agent = r_str(r, x);
        const char *group = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_join_group(e, now, agent, group);
    }
    case OQ_J_AGENT_LEAVE_GROUP: {
        const char *agent = r_str(r, x);
        const char *group = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_leave_group(e, now, agent, group);
    }
    case OQ_J_AGENT_LOGIN: {
        const char *agent = r_str(r, x);
        int32_t ready = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_login(e, now, agent, ready);
    }
    case OQ_J_AGENT_READY: {
        const char *agent = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_ready(e, now, agent);
    }
    case OQ_J_AGENT_NOT_READY: {
        const char *agent = r_str(r, x);
        const char *reason = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_not_ready(e, now, agent, reason);
    }
    case OQ_J_AGENT_LOGOUT: {
        const char *agent = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_logout(e, now, agent);
    }
    case OQ_J_AGENT_END_WRAPUP: {
        const char *agent = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_end_wrapup(e, now, agent);
    }
    case OQ_J_QUEUE_ADD: {
        oq_queue_spec spec;
        r_queue(r, x, &spec);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_add(e, &spec);
    }
    case OQ_J_QUEUE_UPDATE: {
        oq_queue_spec spec;
        r_queue(r, x, &spec);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_update(e, now, &spec);
    }
    case OQ_J_QUEUE_REMOVE: {
        const char *id = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_remove(e, id);
    }
    case OQ_J_QUEUE_ADD_CHANNEL: {
        const char *queue = r_str(r, x);
        const char *channel = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_add_channel(e, now, queue, channel);
    }
    case OQ_J_QUEUE_REMOVE_CHANNEL: {
        const char *queue = r_str(r, x);
        const char *channel = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_remove_channel(e, now, queue, channel);
    }
    case OQ_J_QUEUE_REQUIRE_SKILL: {
        const char *queue = r_str(r, x);
        const char *skill = r_str(r, x);
        int32_t min_level = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_require_skill(e, now, queue, skill, min_level);
    }
    case OQ_J_QUEUE_PREFER_SKILL: {
        const char *queue = r_str(r, x);
        const char *skill = r_str(r, x);
        int32_t min_level = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_prefer_skill(e, now, queue, skill, min_level);
    }
    case OQ_J_QUEUE_ADD_GROUP: {
        const char *queue = r_str(r, x);
        const char *group = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_add_group(e, now, queue, group);
    }
    case OQ_J_QUEUE_REMOVE_GROUP: {
        const char *queue = r_str(r, x);
        const char *group = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_remove_group(e, now, queue, group);
    }
    case OQ_J_CONTACT_ARRIVE: {
        oq_contact_spec spec;
        r_contact(r, x, &spec);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_arrive(e, now, &spec);
    }
    case OQ_J_OFFER_ACCEPT: {
        const char *contact = r_str(r, x);
        const char *agent = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_offer_accept(e, now, contact, agent);
    }
    case OQ_J_OFFER_REJECT: {
        const char *contact = r_str(r, x);
        const char *agent = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_offer_reject(e, now, contact, agent);
    }
    case OQ_J_CONTACT_ABANDON: {
        const char *contact = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_abandon(e, now, contact);
    }
    case OQ_J_CONTACT_COMPLETE: {
        const char *contact = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_complete(e, now, contact);
    }
    case OQ_J_CONTACT_TRANSFER: {
        const char *contact = r_str(r, x);
        const char *queue = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_transfer(e, now, contact, queue);
    }
    case OQ_J_CONTACT_SET_PRIORITY: {
        const char *contact = r_str(r, x);
        int32_t priority = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_set_priority(e, now, contact, priority);
    }
    case OQ_J_CONTACT_PARK: {
        const char *contact = r_str(r, x);
        const char *reason = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_park(e, now, contact, reason);
    }
    case OQ_J_CONTACT_REOPEN: {
        const char *contact = r_str(r, x);
        const char *queue = r_str(r, x);
        double owner_wait_s = oq__rd_f64(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_reopen(e, now, contact, queue, owner_wait_s);
    }
    case OQ_J_CONTACT_ESCALATE: {
        const char *contact = r_str(r, x);
        const char *queue = r_str(r, x);
        const char *reason = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_escalate(e, now, contact, queue, reason);
    }
    case OQ_J_CONTACT_TO_AGENT: {
        const char *contact = r_str(r, x);
        const char *agent = r_str(r, x);
        double wait_s = oq__rd_f64(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_transfer_to_agent(e, now, contact, agent, wait_s);
    }
    case OQ_J_CONTACT_REMOVE: {
        const char *contact = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_remove(e, now, contact);
    }
    case OQ_J_QUEUE_ADD_STEP: {
        const char *queue = r_str(r, x);
        oq_escalation_step step;
        r_step(r, x, &step);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_add_step(e, now, queue, &step);
    }
    case OQ_J_QUEUE_CLEAR_STEPS: {
        const char *queue = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_clear_steps(e, now, queue);
    }
    case OQ_J_PROFILE_ADD: {
        const char *id = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_profile_add(e, id);
    }
    case OQ_J_PROFILE_REMOVE: {
        const char *id = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_profile_remove(e, id);
    }
    case OQ_J_PROFILE_SET_QUEUE: {
        const char *profile = r_str(r, x);
        const char *queue = r_str(r, x);
        int32_t priority = oq__rd_i32(r);
        double delay_s = oq__rd_f64(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_profile_set_queue(e, now, profile, queue, priority, delay_s);
    }
    case OQ_J_PROFILE_SET_CHANNEL: {
        const char *profile = r_str(r, x);
        const char *channel = r_str(r, x);
        int32_t max_items = oq__rd_i32(r);
        int32_t cross_channel = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_profile_set_channel(e, now, profile, channel, max_items, cross_channel);
    }
    case OQ_J_PROFILE_SET_OPTIONS: {
        const char *profile = r_str(r, x);
        int32_t force_longest_waiting = oq__rd_i32(r);
        int32_t idle_measure = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_profile_set_options(e, now, profile, force_longest_waiting, idle_measure);
    }
    case OQ_J_AGENT_SET_PROFILE: {
        const char *agent = r_str(r, x);
        const char *profile = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_set_profile(e, now, agent, profile);
    }
    case OQ_J_GROUP_SET_PROFILE: {
        const char *group = r_str(r, x);
        const char *profile = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_group_set_profile(e, now, group, profile);
    }
    case OQ_J_QUEUE_SET_BLEND: {
        const char *queue = r_str(r, x);
        int32_t rule = oq__rd_i32(r);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_queue_set_blend(e, now, queue, rule);
    }
    case OQ_J_AGENT_SET_POLICY: {
        const char *agent = r_str(r, x);
        oq_agent_policy policy;
        r_policy(r, x, &policy);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_agent_set_policy(e, now, agent, &policy);
    }
    case OQ_J_STATS_CONFIGURE: {
        oq_stats_options opts;
        r_stats(r, x, &opts);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_stats_configure(e, &opts);
    }
    case OQ_J_STATS_RESET_DAY: {
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_stats_reset_day(e, now);
    }
    case OQ_J_CONTACT_CALLBACK: {
        const char *contact = r_str(r, x);
        if (!j_done(r))
            return OQ_ECORRUPT;
        return oq_contact_request_callback(e, now, contact);
    }
    default:
        oq__rd_fail(r, "unknown journal action %d", action);
        return OQ_ECORRUPT;
    }
}

const char *oq_journal_action_name(int32_t action)
{
    static const char *const names[] = {
        "unknown",
        "engine_advance",
        "channel_add",
        "channel_update",
        "channel_remove",
        "skill_add",
        "skill_remove",
        "group_add",
        "group_remove",
        "agent_add",
        "agent_remove",
        "agent_set_capacity",
        "agent_set_skill",
        "agent_set_channel_limit",
        "agent_join_group",
        "agent_leave_group",
        "agent_login",
        "agent_ready",
        "agent_not_ready",
        "agent_logout",
        "agent_end_wrapup",
        "queue_add",
        "queue_update",
        "queue_remove",
        "queue_add_channel",
        "queue_remove_channel",
        "queue_require_skill",
        "queue_prefer_skill",
        "queue_add_group",
        "queue_remove_group",
        "contact_arrive",
        "offer_accept",
        "offer_reject",
        "contact_abandon",
        "contact_complete",
        "contact_transfer",
        "contact_set_priority",
        "contact_park",
        "contact_reopen",
        "contact_escalate",
        "contact_transfer_to_agent",
        "contact_remove",
        "queue_add_step",
        "queue_clear_steps",
        "profile_add",
        "profile_remove",
        "profile_set_queue",
        "profile_set_channel",
        "profile_set_options",
        "agent_set_profile",
        "group_set_profile",
        "queue_set_blend",
        "agent_set_policy",
        "stats_configure",
        "stats_reset_day",
        "contact_request_callback",
        "calendar_add",
        "calendar_replace",
        "calendar_remove",
    };
    if (action < 1 || action > OQ_J_MAX)
        return "unknown";
    return names[action];
}

/* Magic, version, length and checksum of an encoded record; "" or why not. */
static const char *record_frame_error(const uint8_t *p, size_t len, char *buf, size_t size)
{
    if (len < J_HEAD + 1 + 4 || memcmp(p, "OQJ", 3) != 0)
        return "at byte 0: not a journal record";
    if (p[3] != J_VERSION) {
        snprintf(buf, size, "at byte 3: version %u, this library reads %d", p[3], J_VERSION);
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
        v = v << 8 | p[J_SEQ_AT + i];
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

oq_status oq_engine_journal_seq(const oq_engine *e, uint64_t *next_seq)
{
    if (!e || !next_seq)
        return OQ_EINVAL;
    *next_seq = e->journal_seq;
    return OQ_OK;
}

oq_status oq_engine_set_journal_seq(oq_engine *e, uint64_t next_seq)
{
    oq_status st = oq__enter(e);
    if (st != OQ_OK)
        return st;
    if (next_seq == 0 || next_seq > SEQ_MAX)
        return oq__fail(e, OQ_EINVAL, "next_seq: must be 1..2^62, got %llu", (unsigned long long)next_seq);
    e->journal_seq = next_seq;
    return OQ_OK;
}

oq_status oq_journal_apply(oq_engine *e, const void *rec, size_t len)
{
    oq_status st = oq__enter(e);
    if (st != OQ_OK)
        return st;
    if (!rec)
        return oq__fail(e, OQ_EINVAL, "journal record is NULL");
    const uint8_t *p = rec;
    char buf[96];
    const char *why = record_frame_error(p, len, buf, sizeof buf);
    if (*why)
        return oq__fail(e, OQ_ECORRUPT, "journal record: %s", why);
    uint64_t seq = record_seq(p), want = e->journal_seq;
    if (seq > want && seq - want == 1)
        return oq__fail(e, OQ_ECORRUPT,
                        "journal record: sequence %llu, expected %llu: record %llu is missing (a gap)",
                        (unsigned long long)seq, (unsigned long long)want, (unsigned long long)want);
    if (seq > want)
        return oq__fail(e, OQ_ECORRUPT,
                        "journal record: sequence %llu, expected %llu: records %llu..%llu are missing (a gap)",
                        (unsigned long long)seq, (unsigned long long)want, (unsigned long long)want,
                        (unsigned long long)(seq - 1));
    if (seq < want)
        return oq__fail(e, OQ_ECORRUPT,
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
    if (n_lost > OQ_SOFT_MAX || ((lost & 0x80) && n_lost == 0))
        oq__rd_fail(&r, "%d lost allocations listed (at most %d)", n_lost, OQ_SOFT_MAX);
    for (int32_t i = 0; i < n_lost && !r.bad; i++) {
        e->soft_forced[i] = oq__rd_u32(&r);
        if (!r.bad && (e->soft_forced[i] == 0 || (i > 0 && e->soft_forced[i] <= e->soft_forced[i - 1])))
            oq__rd_fail(&r, "lost allocations out of order");
    }
    if (r.bad)
        return oq__fail(e, OQ_ECORRUPT, "journal record (%s): %s", oq_journal_action_name(action), err);
    jscratch x = {NULL, 0, len * 2 + 64};
    x.p = oq__alloc(&e->mem, x.cap);
    if (!x.p)
        return oq__fail(e, OQ_ENOMEM, "journal record: out of memory");
    /* The call loses the allocations the primary's lost, and no other. */
    e->soft_replay = 1;
    e->soft_n_forced = n_lost;
    e->soft_forced_rest = (lost & 0x80) != 0;
    st = replay(e, &r, action, now, &x);
    e->soft_replay = 0;
    e->soft_n_forced = 0;
    e->soft_forced_rest = 0;
    oq__free(&e->mem, x.p, x.cap);
    if (r.bad)
        return oq__fail(e, OQ_ECORRUPT, "journal record (%s): %s", oq_journal_action_name(action), err);
    /* Applied: the next record is expected (unless this engine journals
     * too, and re-emitting the record already moved its counter on). */
    if (st == OQ_OK && e->journal_seq == seq)
        e->journal_seq = seq + 1;
    return st;
}
