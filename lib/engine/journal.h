/* SPDX-License-Identifier: MIT */
/* Internal: the engine's side of the action journal.
 *
 * Recording: every public mutating call starts with
 *     OQ_RECORDED(e, ACTION, oq_the_call, now_ms, arg, ...);
 * (its own name and arguments, ACTION its row of engine/journal_actions.h).
 * With a journal set, and the call not nested in another journaled call or
 * made from a callback, the call runs once more one level down, and once it
 * has returned the generated encoder oq__jw_<ACTION> writes its record (or,
 * for a failed call that still moved the clock, an ADVANCE) and hands it to
 * the host. The encoder only reads the arguments and the engine's clock and
 * lost-allocation list: it calls nothing back.
 *
 * Replaying (lib/journal/replay.c, a client of the public API) needs three
 * things the public API does not give: the engine's allocator, its error
 * message, and the allocations the primary's call lost (which the replayed
 * call must lose too). They are the oq__journal_replay_* calls below. */
#ifndef OQ_ENGINE_JOURNAL_H
#define OQ_ENGINE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/mem.h"
#include "engine/journal_actions.h"
#include "omniq/calendar.h"
#include "omniq/contact.h"
#include "omniq/engine.h"
#include "omniq/escalation.h"
#include "omniq/model.h"
#include "omniq/profile.h"

struct oq_stats_options; /* omniq/stats.h: lib/stats/journal.c encodes it */

/* The journal machinery itself (engine.c, journal.c). */
#define OQ_RECORDED(e, ACTION, fn, ...)                                            \
    do {                                                                          \
        if ((e) && (e)->journal && !(e)->journal_depth && !(e)->in_callback) {     \
            int64_t before_ = oq__journal_begin(e);                               \
            oq_status st_ = fn((e), __VA_ARGS__);                                 \
            oq__jw_##ACTION((e), st_, before_, __VA_ARGS__);                      \
            return st_;                                                           \
        }                                                                         \
    } while (0)

/* Entering a recorded call: nested calls are not recorded; the clock before it. */
int64_t oq__journal_begin(oq_engine *e);

/* engine.c: free the journal's buffers (oq_engine_destroy). */
void oq__journal_free(oq_engine *e);

/* One record-after encoder per row: the call returned st; before is
 * oq__journal_begin's clock. */
#define OQ__J_DECLARE_ENCODER(ACTION, code, name, fn, module, clock, ...)                  \
    void oq__jw_##ACTION(oq_engine *e, oq_status st, int64_t before OQ__J_NOW_PARAM_##clock \
                             OQ__J_EACH(OQ__J_PARAM, __VA_ARGS__));
OQ__JOURNAL_ACTIONS(OQ__J_DECLARE_ENCODER)
#undef OQ__J_DECLARE_ENCODER

/* Defining them (X-macro use: OQ__JOURNAL_ACTIONS(OQ__J_ENCODERS_OF_<module>)
 * in the module's file). The record's arguments are written in row order,
 * spec arguments by the file's static w_<kind>(w, spec): the loop runs
 * twice, counting then writing (journal.c). */
struct oq_wr;
struct oq_wr *oq__journal_open(oq_engine *e, oq_status st, int64_t before, int32_t action, int64_t now);
struct oq_wr *oq__journal_next(oq_engine *e, struct oq_wr *w);
#define OQ__J_W_ARG(kind, name) OQ__J_W_##kind(name)
#define OQ__J_W_NONE(name)
#define OQ__J_W_STR(name) oq__wr_str(w, name);
#define OQ__J_W_I32(name) oq__wr_i32(w, name);
#define OQ__J_W_U64(name) oq__wr_u64(w, name);
#define OQ__J_W_F64(name) oq__wr_f64(w, name);
#define OQ__J_W_I64(name) oq__wr_i64(w, name);
#define OQ__J_W_FIELD(kind, field) OQ__J_W_##kind(s->field) /* a spec's field (journal_actions.h) */
#define OQ__J_W_CHANNEL(name) w_channel(w, name);
#define OQ__J_W_QUEUE(name) w_queue(w, name);
#define OQ__J_W_CONTACT(name) w_contact(w, name);
#define OQ__J_W_STEP(name) w_step(w, name);
#define OQ__J_W_POLICY(name) w_policy(w, name);
#define OQ__J_W_STATS(name) w_stats(w, name);
#define OQ__J_W_CALENDAR(name) oq__w_calendar(w, name);
#define OQ__J_AT_NOW now_ms /* the record's now_ms: the call's, */
#define OQ__J_AT_CLOCK e->now /* or the clock after a call without one */
#define OQ__J_DEFINE_ENCODER(ACTION, code, name, fn, module, clock, ...)                               \
    void oq__jw_##ACTION(oq_engine *e, oq_status st, int64_t before OQ__J_NOW_PARAM_##clock            \
                             OQ__J_EACH(OQ__J_PARAM, __VA_ARGS__))                                     \
    {                                                                                                  \
        for (oq_wr *w = oq__journal_open(e, st, before, code, OQ__J_AT_##clock); w;                    \
             w = oq__journal_next(e, w)) {                                                             \
            OQ__J_EACH(OQ__J_W_ARG, __VA_ARGS__)                                                       \
        }                                                                                              \
    }

/* ---- for the replayer ---------------------------------------------------- */

/* As every mutating call begins: OQ_EINVAL (NULL), OQ_EBUSY (from a callback). */
oq_status oq__journal_replay_enter(oq_engine *e);
/* Set the engine's error message (oq_engine_last_error) and return st. */
oq_status oq__journal_replay_fail(oq_engine *e, oq_status st, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The engine's allocator (scratch for the decoded arguments). */
oq_mem *oq__journal_replay_mem(oq_engine *e);
/* The calls until oq__journal_replay_done lose exactly these allocations
 * (numbers in increasing order, n <= OQ__J_LOST_MAX; rest: and every one
 * after the last) and no other. */
void oq__journal_replay_lose(oq_engine *e, const uint32_t *lost, int32_t n, int rest);
void oq__journal_replay_done(oq_engine *e);

#endif
