/* SPDX-License-Identifier: MIT */
/* Internal: how the snapshot module (lib/snapshot, a layer up) saves and
 * restores the statistics state. */
#ifndef OQ_STATS_PERSIST_H
#define OQ_STATS_PERSIST_H

#include "engine/types.h"
#include "core/codec.h"

/* lib/stats/persist.c: write / read the statistics state. The read replaces
 * e->stats (the model must already be restored: indexes are checked against
 * it); `version` is the snapshot's format (3 or OQ_SNAPSHOT_VERSION); 0 with
 * r->bad set on bad input, OQ_ENOMEM through *nomem. */
void oq__stats_write(const oq_engine *e, oq_wr *w);
int oq__stats_read(oq_engine *e, oq_rd *r, uint32_t version, int *nomem);
/* The statistics interval timer (NULL when there is none), to re-arm on restore. */
oq_timer *oq__stats_timer(oq_engine *e);

#endif
