/* SPDX-License-Identifier: MIT */
/* The encoders of the statistics' journaled calls (the rows of
 * engine/journal_actions.h whose module is STATS): here because only this
 * module knows oq_stats_options. The machinery is lib/engine/journal.c. */
#include "core/codec.h"
#include "engine/internal.h"
#include "engine/journal.h"
#include "omniq/stats.h"

static void w_stats(oq_wr *w, const oq_stats_options *s)
{
    OQ__J_STATS_FIELDS(OQ__J_W_FIELD)
    for (int i = 0; i < OQ_STATS_BOUNDS_MAX; i++)
        oq__wr_f64(w, s->wait_bounds_s[i]);
}

#define ENCODER(ACTION, code, name, fn, module, clock, ...) \
    ENCODER_##module(ACTION, code, name, fn, module, clock, __VA_ARGS__)
#define ENCODER_ENGINE(...)
#define ENCODER_STATS OQ__J_DEFINE_ENCODER
OQ__JOURNAL_ACTIONS(ENCODER)
