/* SPDX-License-Identifier: MIT */
/* Internal: how the engine feeds the statistics module. The engine calls
 * these; nothing else in lib/ knows how statistics are kept. */
#ifndef OQ_STATS_HOOK_H
#define OQ_STATS_HOOK_H

#include "engine/types.h"

/* Called from oq_engine_create: allocate e->stats (OQ_ENOMEM on failure). */
oq_status oq__stats_create(oq_engine *e);
/* Called from oq_engine_destroy: free e->stats (NULL-safe). */
void oq__stats_destroy(oq_engine *e);
/* Every event, before the host's callback sees it, with the engine's objects
 * still in the state the event describes (a completed contact is destroyed
 * only after this returns). Must not fail or allocate beyond what was
 * reserved; must not emit events of its own from here. c / a: the contact
 * and agent the event names (NULL when none); the record of a contact's
 * statistics hangs off c->stats_rec. */
void oq__stats_on_event(oq_engine *e, const oq_event *ev, oq_contact *c, oq_agent *a);
/* oq_engine_check's statistics part (check.c): OQ_OK, or OQ_ECORRUPT with
 * the engine's last error saying what is inconsistent. */
oq_status oq__stats_check(oq_engine *e);
/* The OQ_TIMER_STATS timer fired (interval boundary, at e->now) and nothing
 * else is due before `until` (>= e->now): close every interval that ends by
 * then, move the clock to the last boundary crossed and re-arm the timer at
 * the next one. May emit events (one per interval kept in the ring). */
void oq__stats_on_timer(oq_engine *e, int64_t until);

#endif
