/* SPDX-License-Identifier: MIT */
/* Internal: the one listener the engine feeds besides the host. The
 * statistics module (lib/stats) sits above the engine, so the engine knows
 * it only through this table, handed over at creation: the public
 * oq_engine_create lives in lib/stats/attach.c and passes the statistics'
 * table; no engine file names a statistics function (tests/check_layers). */
#ifndef OQ_ENGINE_OBSERVER_H
#define OQ_ENGINE_OBSERVER_H

#include "engine/types.h"

typedef struct oq__observer {
    /* At creation, before any event: allocate the listener's state
     * (e->stats). OQ_ENOMEM fails the creation. */
    oq_status (*attach)(oq_engine *e);
    /* At destruction, after the model is gone: free that state. */
    void (*detach)(oq_engine *e);
    /* Every event, before the host's callback sees it, with the engine's
     * objects still in the state the event describes. Must not fail, must
     * not allocate beyond what was reserved, must not emit events. */
    void (*on_event)(oq_engine *e, const oq_event *ev, oq_contact *c, oq_agent *a);
    /* oq_engine_check's part for the listener's state. */
    oq_status (*check)(oq_engine *e);
    /* An OQ_TIMER_STATS timer fired and nothing else is due before `until`. */
    void (*on_timer)(oq_engine *e, int64_t until);
} oq__observer;

/* oq_engine_create with the listener `obs` (static storage, not NULL). */
oq_status oq__engine_create(const oq_engine_options *opts, const oq__observer *obs, oq_engine **out);

#endif
