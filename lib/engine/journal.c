/* SPDX-License-Identifier: MIT */
/* The action journal, recording side: one compact record per successful
 * state-changing call (docs/snapshot.md, "Journal records"), written by the
 * encoder the call invokes once it has returned (OQ_RECORDED,
 * engine/journal.h). The encoders are generated from the table of
 * engine/journal_actions.h; the replay is lib/journal/replay.c.
 *
 * Record: "OQJ" + version byte, i32 action, i64 now_ms, u64 sequence number,
 * u8 count of the allocations the call lost (bit 7: and every one after the
 * last listed) and their numbers (u32 each, engine.c oq__soft_try), then
 * the call's arguments in order (strings as u32 length + bytes, 0xFFFFFFFF =
 * NULL; i32; f64; specs field by field), then a CRC-32 of everything before
 * it. Each encoder writes twice: once counting (so the buffer can be grown
 * before anything is written), once for real.
 *
 * Sequence numbers: e->journal_seq is the number of the next record — the
 * next one emitted on a primary, the next one oq_journal_apply accepts on a
 * standby (one counter: a standby that takes over continues the numbering).
 * A snapshot records it, so a standby restored from one expects exactly the
 * first record after it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "calendar/codec.h"
#include "core/codec.h"
#include "engine/internal.h"
#include "engine/journal.h"

#define SEQ_MAX ((uint64_t)1 << 62) /* never reached; restored counters stay far from wrapping */

_Static_assert(OQ__J_LOST_MAX == OQ_SOFT_MAX, "a record lists the allocations one call may lose");

/* The table's codes are the public OQ_J_* (omniq/journal.h), 1..OQ_J_MAX in row order. */
enum {
    J_ROW_0,
#define ROW(ACTION, code, ...) J_ROW_##ACTION,
    OQ__JOURNAL_ACTIONS(ROW)
#undef ROW
    J_ROWS
};
#define CHECK_CODE(ACTION, code, ...)                                                  \
    _Static_assert(OQ_J_##ACTION == (code) && J_ROW_##ACTION == (code),               \
                   "OQ_J_" #ACTION ": the table row's code, the public constant and the row's place agree");
OQ__JOURNAL_ACTIONS(CHECK_CODE)
#undef CHECK_CODE
_Static_assert(J_ROWS - 1 == OQ_J_MAX, "OQ_J_MAX is the last row's code");

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
    oq__wr_u8(w, OQ__J_VERSION);
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

int64_t oq__journal_begin(oq_engine *e)
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
oq_wr *oq__journal_next(oq_engine *e, oq_wr *w)
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
oq_wr *oq__journal_open(oq_engine *e, oq_status st, int64_t before, int32_t action, int64_t now)
{
    e->journal_depth--;
    jstate *j = e->journal_state;
    if (!e->journal || !j)
        return NULL;
    if (st != OQ_OK) {
        if (e->now == before)
            return NULL;
        j_start(e, j, OQ_J_ADVANCE, e->now);
        for (oq_wr *w = &j->w; w; w = oq__journal_next(e, w)) {
        }
        return NULL;
    }
    j_start(e, j, action, now);
    return &j->w;
}

/* ---- arguments ------------------------------------------------------------- */

static void w_channel(oq_wr *w, const oq_channel_spec *s) { OQ__J_CHANNEL_FIELDS(OQ__J_W_FIELD) }

static void w_queue(oq_wr *w, const oq_queue_spec *s) { OQ__J_QUEUE_FIELDS(OQ__J_W_FIELD) }

static void w_skills(oq_wr *w, const char *const *ids, const int32_t *levels, int32_t n)
{
    if (!ids || !levels)
        n = 0;
    oq__wr_i32(w, n);
    for (int32_t i = 0; i < n; i++) {
        oq__wr_str(w, ids[i]);
        oq__wr_i32(w, levels[i]);
    }
}

static void w_contact(oq_wr *w, const oq_contact_spec *s)
{
    OQ__J_CONTACT_HEAD_FIELDS(OQ__J_W_FIELD)
    w_skills(w, s->required_skills, s->required_levels, s->n_required);
    w_skills(w, s->preferred_skills, s->preferred_levels, s->n_preferred);
    OQ__J_CONTACT_TAIL_FIELDS(OQ__J_W_FIELD)
}

static void w_step(oq_wr *w, const oq_escalation_step *s) { OQ__J_STEP_FIELDS(OQ__J_W_FIELD) }

static void w_policy(oq_wr *w, const oq_agent_policy *s) { OQ__J_POLICY_FIELDS(OQ__J_W_FIELD) }

/* ---- the encoders of the engine's rows (the statistics' are in lib/stats/journal.c) ---- */
#define ENCODER(ACTION, code, name, fn, module, clock, ...) ENCODER_##module(ACTION, code, name, fn, module, clock, __VA_ARGS__)
#define ENCODER_ENGINE OQ__J_DEFINE_ENCODER
#define ENCODER_STATS(...)
OQ__JOURNAL_ACTIONS(ENCODER)
#undef ENCODER

/* ---- the replayer's view of the engine (engine/journal.h) ---------------- */

oq_status oq__journal_replay_enter(oq_engine *e) { return oq__enter(e); }

oq_status oq__journal_replay_fail(oq_engine *e, oq_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->err, OQ_ENGINE_ERR_MAX, fmt, ap);
    va_end(ap);
    return st;
}

oq_mem *oq__journal_replay_mem(oq_engine *e) { return &e->mem; }

void oq__journal_replay_lose(oq_engine *e, const uint32_t *lost, int32_t n, int rest)
{
    e->soft_replay = 1;
    e->soft_n_forced = n;
    e->soft_forced_rest = rest != 0;
    for (int32_t i = 0; i < n; i++)
        e->soft_forced[i] = lost[i];
}

void oq__journal_replay_done(oq_engine *e)
{
    e->soft_replay = 0;
    e->soft_n_forced = 0;
    e->soft_forced_rest = 0;
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

