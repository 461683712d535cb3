/* SPDX-License-Identifier: MIT */
/* Internal: the one table of the statistics counters (lib/stats).
 *
 * Each row is one counter of a statistics block (oq_sblock.k) and says how
 * it reaches oq_queue_stats:
 *   X(ID, READ, field, per)
 *   ID     the index K_ID (lib/stats/internal.h);
 *   READ   COUNT  field (int64_t) = the count;
 *          MEAN_S field (double)  = the sum of milliseconds / 1000 / counter K_per;
 *          MAX_S  field (double)  = the largest value / 1000 (blocks merge it by max,
 *                 every other counter by a saturating sum);
 *   field  the oq_queue_stats field it is read into (one per counter);
 *   per    MEAN_S's count (an ID), `_` for the others.
 * Generated from it: the K_* indexes, how a window merges its buckets, the
 * read-out into oq_queue_stats (read.c) and the snapshot's counter blocks
 * (persist.c). Figures of several counters (aht_s, the rates, the service
 * levels) are written by hand in read.c.
 *
 * The row order is the snapshot's: a new counter is a new LAST row. A
 * snapshot stores how many counters its blocks hold, so one written before
 * the new row restores with the new counter 0 (docs/snapshot.md). Adding a
 * counter: docs/design.md, "How to add ... a statistic". */
#ifndef OQ_STATS_COUNTERS_H
#define OQ_STATS_COUNTERS_H

#define OQ__STATS_COUNTERS(X)                                              \
    X(OFFERED,     COUNT,  offered,                        _)              \
    X(ARRIVALS,    COUNT,  arrivals,                       _)              \
    X(ANSWERED,    COUNT,  answered,                       _)              \
    X(ANS_IN,      COUNT,  answered_within,                _)              \
    X(ABANDONED,   COUNT,  abandoned,                      _)              \
    X(AB_SHORT,    COUNT,  abandoned_short,                _)              \
    X(AB_IN,       COUNT,  abandoned_within,               _)              \
    X(TR_IN,       COUNT,  transferred_in,                 _)              \
    X(TR_OUT,      COUNT,  transferred_out,                _)              \
    X(OV_IN,       COUNT,  overflowed_in,                  _)              \
    X(OV_OUT,      COUNT,  overflowed_out,                 _)              \
    X(REJECTED,    COUNT,  queue_rejected,                 _)              \
    X(REMOVED,     COUNT,  removed,                        _)              \
    X(OFFERS,      COUNT,  offers,                         _)              \
    X(ACCEPTED,    COUNT,  offers_accepted,                _)              \
    X(OFF_REJ,     COUNT,  offers_rejected,                _)              \
    X(OFF_TMO,     COUNT,  offers_timed_out,               _)              \
    X(ACCEPT_MS,   MEAN_S, mean_accept_s,                  ACCEPTED)       \
    X(ANS_WAIT,    MEAN_S, asa_s,                          ANSWERED)       \
    X(AB_WAIT,     MEAN_S, mean_abandoned_wait_s,          ABANDONED)      \
    X(HANDLED,     COUNT,  handled,                        _)              \
    X(TALK,        MEAN_S, mean_talk_s,                    HANDLED)        \
    X(WRAP,        MEAN_S, mean_wrapup_s,                  HANDLED)        \
    X(FR_N,        COUNT,  first_responses,                _)              \
    X(FR_MS,       MEAN_S, mean_first_response_s,          FR_N)           \
    X(RES_N,       COUNT,  resolved,                       _)              \
    X(RES_MS,      MEAN_S, mean_resolution_s,              RES_N)          \
    X(DL_N,        COUNT,  with_deadline,                  _)              \
    X(DL_MET,      COUNT,  replied_in_deadline,            _)              \
    X(FLOW_IN,     COUNT,  flowed_out_within,              _)              \
    X(FLOW_AFTER,  COUNT,  flowed_out_after,               _)              \
    X(CALLBACKS,   COUNT,  callbacks_kept,                 _)              \
    X(BANS_N,      COUNT,  business_answered,              _)              \
    X(BANS_WAIT,   MEAN_S, asa_business_s,                 BANS_N)         \
    X(BANS_IN,     COUNT,  business_answered_within,       _)              \
    X(BAB_N,       COUNT,  business_abandoned,             _)              \
    X(BAB_WAIT,    MEAN_S, mean_abandoned_wait_business_s, BAB_N)          \
    X(BAB_IN,      COUNT,  business_abandoned_within,      _)              \
    X(ANS_MAX,     MAX_S,  max_answered_wait_s,            _)              \
    X(AB_MAX,      MAX_S,  max_abandoned_wait_s,           _)              \
    X(REOPENED,    COUNT,  reopened,                       _)

/* How many counters the blocks of a format-3 snapshot hold (the rows above
 * up to AB_MAX, written with no count). */
#define OQ__STATS_COUNTERS_V3 40

/* The snapshot's word of counters per block (format 4) holds the count in
 * its low bits and the statistics' attribution from this bit up (0, the
 * default, leaves the word as format 4 first wrote it). */
#define OQ__STATS_ATTRIBUTION_SHIFT 16

#endif
