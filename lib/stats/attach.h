/* SPDX-License-Identifier: MIT */
/* Internal: the engines the statistics attach to (attach.c). The public
 * oq_engine_create makes one with statistics; the simulator's replication
 * engines that nobody reads are made without (oq_sim_options.engine_stats). */
#ifndef OQ_STATS_ATTACH_H
#define OQ_STATS_ATTACH_H

#include "omniq/engine.h"

/* oq_engine_create for an engine that keeps no statistics: e->stats stays
 * NULL, the statistics' reads and oq_engine_snapshot fail with OQ_ESTATE,
 * oq_stats_configure and oq_stats_reset_day check their arguments and do
 * nothing else. Routing never reads statistics: decisions and events (but
 * OQ_EV_INTERVAL_CLOSED) are those of an engine with them. */
oq_status oq__engine_create_without_stats(const oq_engine_options *opts, oq_engine **out);

#endif
