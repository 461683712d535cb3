/* SPDX-License-Identifier: MIT */
/* Internal: cohort statistics — contacts counted under the interval they
 * ARRIVED in and the entry point (queue and channel) they arrived on, for
 * several independent runs on one grid (lib/stats/cohort.c).
 *
 * This is how a planner reads a day, and how the simulator reports it
 * (docs/simulation.md): a contact answered or abandoned in a later interval
 * still counts in its arrival interval, and stays under its entry queue and
 * channel — with the entry queue's threshold — after an overflow, a
 * transfer or a callback (contact-center reporting tools call this "entry
 * queue" reporting). The engine's statistics (stats.c) count where things
 * happen instead, per queue, channel and center, on a grid aligned on time
 * 0; read with arrival attribution they equal these figures when no contact
 * changes queue (tests/unit/test_stats_attribution.c).
 *
 * The table: scopes 0 = total, 1 .. n_queues = entry queues, then the entry
 * channels; per run and scope the figures of the contacts arrived in the
 * measured window [from_ms, to_ms) (a warm-up excluded); per interval of
 * the grid (origin_ms + i * interval_ms, any length >= 1 ms, up to
 * OQ__COHORT_INTERVALS_MAX of them) and scope the figures summed over every
 * run; per run and interval the total's service-level counts (while runs x
 * intervals <= OQ__COHORT_RUN_CELLS_MAX). Agent time (staffed, busy, ready)
 * is pooled over agents in the total scope, clipped to the window for a
 * run and split at interval boundaries.
 *
 * The caller says what happened to a contact (arrived, answered after a
 * wait with a handle time, abandoned, refused, still open at the end) and
 * when an agent's state held; the table decides where it counts. The KPI
 * formulas over a cell are stats/kpi.h's. Not thread-safe: one table per
 * caller. Memory: the allocator hook given to oq__cohort_create (the
 * simulator's: oq_sim_options.alloc), with exact sizes. */
#ifndef OQ_STATS_COHORT_H
#define OQ_STATS_COHORT_H

#include <stdint.h>

#include "core/mem.h"
#include "omniq/core.h"

#define OQ__COHORT_INTERVALS_MAX 1000000
#define OQ__COHORT_RUN_CELLS_MAX (1 << 22) /* runs x intervals kept per run */

/* One scope's figures (of a run, or of an interval over every run). */
typedef struct oq__cohort_cell {
    int64_t offered;
    int64_t answered;         /* first answer only */
    int64_t answered_in_t;    /* wait <= the entry queue's threshold */
    int64_t abandoned;
    int64_t abandoned_short;  /* wait <= short_abandon_s (when > 0) */
    int64_t waited;           /* answered or abandoned with a wait > 0 */
    int64_t rejected;         /* refused by a queue limit or removed */
    int64_t unfinished;       /* never answered and still open at the end */
    int64_t in_service;       /* answered, still open at the end */
    double wait_answered_s;   /* sums in seconds, added contact by contact */
    double wait_abandoned_s;
    double max_wait_s;
    double handle_s;          /* handle time known at the answer (the simulator's draw) */
    double busy_s;            /* agent-seconds: total scope only */
    double staffed_s;
    double ready_s;
} oq__cohort_cell;

/* Where a contact counts, fixed when it arrives (oq__cohort_arrive). */
typedef struct oq__cohort_key {
    int32_t entry;    /* entry point: index into the layout's entry_queue / entry_channel */
    int32_t interval; /* arrival interval, -1 beyond the grid */
    uint8_t counted;  /* arrived in the measured window */
} oq__cohort_key;

/* The table's shape, fixed at creation. */
typedef struct oq__cohort_layout {
    int32_t n_queues, n_channels;     /* entry queues and channels (scopes) */
    int32_t n_entries;                /* entry points */
    const int32_t *entry_queue;       /* [n_entries]: queue scope index 0..n_queues-1 */
    const int32_t *entry_channel;     /* [n_entries]: channel scope index 0..n_channels-1 */
    int32_t runs;                     /* >= 1 */
    int32_t n_intervals;              /* 1 .. OQ__COHORT_INTERVALS_MAX */
    double short_abandon_s;           /* 0: no short abandons */
} oq__cohort_layout;

typedef struct oq__cohort {
    oq__cohort_layout l;      /* entry arrays copied (owned) */
    int32_t n_scopes;
    int64_t origin_ms, interval_ms, from_ms, to_ms;
    int64_t *threshold_ms;    /* per queue scope */
    oq__cohort_cell *run;     /* [run][scope] */
    oq__cohort_cell *inter;   /* [interval][scope], over every run */
    int64_t *run_int;         /* [run][interval][2]: total answered within T, answered +
                                 abandoned; NULL when runs x intervals is too large */
    int32_t r;                /* the run being counted */
    oq_mem mem;               /* the simulator's allocator hook: every table goes through it */
} oq__cohort;

/* Allocate the table (all zero) through `alloc` (NULL: the C library), with
 * exact sizes. OQ_ENOMEM (nothing allocated) or OQ_OK. */
oq_status oq__cohort_create(oq__cohort *C, const oq__cohort_layout *l, oq_alloc_fn alloc,
                            void *alloc_user);
void oq__cohort_destroy(oq__cohort *C);
/* Zero every figure (a new set of runs, or a failed one reporting nothing). */
void oq__cohort_clear(oq__cohort *C);
/* The grid and measured window of the runs to come: interval i is
 * [origin + i * interval_ms, + interval_ms); whole-run figures count the
 * contacts arrived in [from_ms, to_ms) and agent time in it. */
void oq__cohort_set_grid(oq__cohort *C, int64_t origin_ms, int64_t interval_ms, int64_t from_ms,
                         int64_t to_ms);
/* Run r (0 .. runs-1) is counted from now on. */
void oq__cohort_begin_run(oq__cohort *C, int32_t r);
/* The service-level threshold of queue scope q (the answered_in_t test). */
void oq__cohort_set_threshold(oq__cohort *C, int32_t q, int64_t ms);

/* A contact arrived at t on entry point `entry`: counted offered; returns
 * where its outcomes count. */
oq__cohort_key oq__cohort_arrive(oq__cohort *C, int32_t entry, int64_t t);
/* Its first answer, after wait_ms, with a handle time of handle_ms. */
void oq__cohort_answered(oq__cohort *C, const oq__cohort_key *k, int64_t wait_ms, int64_t handle_ms);
/* It abandoned after wait_ms. */
void oq__cohort_abandoned(oq__cohort *C, const oq__cohort_key *k, int64_t wait_ms);
/* It was refused by a queue limit or removed. */
void oq__cohort_rejected(oq__cohort *C, const oq__cohort_key *k);
/* It is still open when the run ends (answered: in service; else unfinished). */
void oq__cohort_open_at_end(oq__cohort *C, const oq__cohort_key *k, int answered);
/* One logged-in agent spent [from, to) busy (holding work) or not, ready
 * (not on a break) or not. */
void oq__cohort_agent_time(oq__cohort *C, int64_t from, int64_t to, int busy, int ready);

/* Reads. Scope s: 0 total, 1 + q, 1 + n_queues + ch. */
const oq__cohort_cell *oq__cohort_run_cell(const oq__cohort *C, int32_t r, int32_t s);
const oq__cohort_cell *oq__cohort_interval_cell(const oq__cohort *C, int32_t i, int32_t s);
/* Run r's total service-level counts in interval i: *in_t answered within
 * T, *done answered + abandoned. 0 when the table keeps none (too large). */
int oq__cohort_run_interval(const oq__cohort *C, int32_t r, int32_t i, int64_t *in_t, int64_t *done);

#endif
