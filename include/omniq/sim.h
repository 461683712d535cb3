/* SPDX-License-Identifier: MIT */
/* omniq — discrete-event simulator: synthetic traffic through the real engine.
 *
 * An oq_sim plays the host for a fresh engine per replication: it owns a
 * virtual clock, generates Poisson arrivals per stream (queue + channel),
 * accepts or rejects offers after each agent's response time, completes
 * contacts after their handle time (the engine applies the queue's wrap-up
 * itself), makes customers abandon when their patience runs out, logs agents
 * in and out along their shifts and breaks, and records statistics from the
 * engine's events.
 *
 * The engine is built by the caller: for every replication the simulator
 * creates an engine (with its own event sink, seed and start time) and calls
 * options.build(engine, seed, user) to define channels, skills, queues and
 * agents through the public API. A configuration loader fills the same
 * structures.
 *
 * Times in this header are seconds from the start of the run (sim time 0 is
 * engine time options.start_ms), as doubles; the engine runs in milliseconds
 * and sampled durations are rounded to whole milliseconds.
 *
 * Reproducible: replication r uses seed options.seed + r for both the
 * simulator's own generator (xoshiro256**) and the engine's; the same options
 * give the same results. No global state: different oq_sim objects are
 * independent and may run on different threads; one oq_sim is not
 * thread-safe.
 *
 * Every struct is ctypes-friendly: fixed-width integers, doubles, const char *
 * and arrays as pointer + count. Strings and arrays in the options are
 * borrowed: they must stay valid until oq_sim_destroy(). */
#ifndef OMNIQ_SIM_H
#define OMNIQ_SIM_H

#include "omniq/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oq_sim oq_sim;

/* ---- distributions ----------------------------------------------------- */

#define OQ_DIST_NONE        0  /* patience: never abandons; response: 0 s */
#define OQ_DIST_CONSTANT    1  /* always `mean` */
#define OQ_DIST_EXPONENTIAL 2  /* exponential with `mean` */
#define OQ_DIST_LOGNORMAL   3  /* log-normal with `mean` and standard deviation `param` (> 0) */
#define OQ_DIST_GAMMA       4  /* gamma with `mean` and shape `param` (> 0); integer shape k = Erlang-k */
#define OQ_DIST_EMPIRICAL   5  /* one of values[0..n_values-1], uniformly */

/* Static name of a distribution kind ("exponential"); "unknown" for others. */
OQ_API const char *oq_sim_dist_name(int32_t kind);

/* A distribution of a simulated duration: a kind (OQ_DIST_*), its mean and
 * parameter in seconds, or the values of an empirical one. */
typedef struct oq_sim_dist {
    int32_t kind;           /* OQ_DIST_* */
    int32_t n_values;       /* EMPIRICAL: number of values (>= 1) */
    double mean;            /* seconds (>= 0; > 0 for EXPONENTIAL, LOGNORMAL, GAMMA) */
    double param;           /* LOGNORMAL: standard deviation (s); GAMMA: shape */
    const double *values;   /* EMPIRICAL: seconds, each >= 0 */
} oq_sim_dist;

/* ---- traffic ----------------------------------------------------------- */

/* One arrival stream: contacts of `channel` arriving in `queue`. Arrivals are
 * a Poisson process with a piecewise-constant rate: during interval i (of
 * options.interval_s seconds, from time 0) the expected number of arrivals is
 * volumes[i]; after the last interval the rate is 0. With n_volumes == 0 the
 * rate is the constant rate_per_hour. Arrivals stop at options.duration_s. */
typedef struct oq_sim_stream {
    const char *queue;          /* required: a queue the build callback defines */
    const char *channel;        /* required: a channel that queue accepts */
    double rate_per_hour;       /* constant rate (arrivals per hour, >= 0), if n_volumes == 0 */
    int32_t n_volumes;          /* number of intervals with a forecast */
    int32_t priority;           /* contact priority given at arrival */
    const double *volumes;      /* expected arrivals per interval, each >= 0 */
    oq_sim_dist handle;         /* talk/handle time (not NONE); wrap-up comes from the queue */
    oq_sim_dist patience;       /* time a customer waits before abandoning; NONE = never */
} oq_sim_stream;

/* Zero everything; handle exponential with mean 180 s; patience NONE. */
OQ_API void oq_sim_stream_init(oq_sim_stream *stream);

/* ---- agents ------------------------------------------------------------ */

/* oq_sim_window (a window of sim time [start_s, end_s) with a break's
 * reason) is declared in omniq/core.h: rosters (omniq/schedule.h) hand
 * out the same windows. */

/* How the simulator drives one agent the build callback defined.
 * Shifts: at each shift's start the agent logs in ready, at its end it logs
 * out (contacts in service stay with it until completed). A shift may end
 * after duration_s: the agent then serves the backlog during the drain
 * (the scenario loader gives agents without shifts [0, duration + drain]). With n_shifts == 0
 * the simulator never logs the agent in or out: it stays as built.
 * Breaks: at a break's start a logged-in agent goes not-ready with the
 * break's reason, at its end back to ready (if still logged in).
 * Offers: the agent answers each offer after a time drawn from `response`,
 * accepting with probability accept_prob and rejecting otherwise. */
typedef struct oq_sim_agent {
    const char *id;             /* required: an agent id the build callback defines */
    double accept_prob;         /* in [0, 1] */
    oq_sim_dist response;       /* seconds to answer an offer (NONE: at once) */
    int32_t n_shifts;
    int32_t n_breaks;
    const oq_sim_window *shifts;
    const oq_sim_window *breaks;
} oq_sim_agent;

/* Zero everything; accept_prob 1 (a zeroed struct would reject every offer),
 * response NONE (at once), no shifts, no breaks. */
OQ_API void oq_sim_agent_init(oq_sim_agent *agent);

/* ---- options ----------------------------------------------------------- */

/* Defines the center in a fresh engine (created by the simulator, empty,
 * clock at options.start_ms). `seed` is the replication's seed. Return OQ_OK,
 * or an error that stops oq_sim_run (its message is kept). */
typedef oq_status (*oq_sim_build_fn)(oq_engine *engine, uint64_t seed, void *user);

/* Options of oq_sim_create: replications and seed, start, duration, warm-up
 * and drain, the statistics interval, the center builder, the arrival streams
 * and simulated agents, and the event hook. Fill with oq_sim_options_init. */
typedef struct oq_sim_options {
    uint32_t struct_size;       /* set by oq_sim_options_init */
    int32_t replications;       /* >= 1 (default 10) */
    uint64_t seed;              /* replication r uses seed + r (default 1) */
    int64_t start_ms;           /* engine time of sim time 0 (default 0) */
    double duration_s;          /* arrivals in [0, duration_s) (> 0, default 86400) */
    double warmup_s;            /* statistics count contacts arriving in [warmup_s, duration_s) (default 0) */
    double drain_s;             /* after duration_s, run at most this long for contacts
                                   still in the system to finish (default 86400) */
    double interval_s;          /* forecast and statistics interval (> 0, default 900) */
    double short_abandon_s;     /* abandons within this wait are "short" (default 0: none) */
    oq_sim_build_fn build;      /* required */
    void *build_user;
    int32_t n_streams;          /* >= 1 */
    int32_t n_agents;           /* >= 0 */
    const oq_sim_stream *streams;
    const oq_sim_agent *agents;
    /* Agents not listed in `agents`: accept with this probability after this
     * response time (default: accept, at once). */
    double default_accept_prob;
    oq_sim_dist default_response;
    oq_event_fn on_event;       /* optional: every engine event is also passed here */
    void *event_user;
    int32_t check;              /* 1: run oq_engine_check at the end of every replication */
    int32_t reserved;
    /* Allocator hook (core.h: oq_alloc_fn, exact sizes; NULL: the C library's
     * malloc/realloc/free). Every byte the simulator allocates goes through
     * it: the oq_sim, its statistics tables, each replication's working
     * state, oq_sim_summarize's scratch, and the engines it creates (the
     * simulator builds their options, so they always use this hook). Copied
     * at oq_sim_create and used until oq_sim_destroy, which frees everything
     * it allocated; alloc_user is borrowed as long. Called only from the
     * thread running the simulator, except by the read-only getters
     * (oq_sim_summarize, oq_sim_interval_service_level): if several threads
     * call them at once, the hook must be thread-safe. (Appended last: a
     * caller whose struct_size ends at `reserved` gets the C library.) */
    oq_alloc_fn alloc;
    void *alloc_user;
    /* Which replications' engines keep statistics (lib/stats, the
     * oq_stats_* calls): OQ_SIM_ENGINE_STATS_LAST (default) only the last
     * one's, the engine oq_sim_engine hands out; _ALL every one's (a build
     * callback or event hook that reads or configures them); _NONE none.
     * The simulator's own figures (the oq_sim_*_stats and summary calls)
     * never come from them and are the same under all three; an engine
     * without statistics costs about a third less per customer. On one,
     * oq_stats_configure and oq_stats_reset_day check their arguments and
     * otherwise do nothing (a build callback runs unchanged for every
     * replication), the statistics' reads and oq_engine_snapshot fail with
     * OQ_ESTATE, and, where statistics were configured, its event hook sees
     * no OQ_EV_INTERVAL_CLOSED and its run info counts no interval closes
     * among the engine deadlines (sim_events). (Appended after alloc_user:
     * an older struct_size gets the default.) */
    int32_t engine_stats;
    int32_t reserved2;
} oq_sim_options;

#define OQ_SIM_ENGINE_STATS_LAST 0
#define OQ_SIM_ENGINE_STATS_ALL  1
#define OQ_SIM_ENGINE_STATS_NONE 2

/* Defaults as above; struct_size set; no streams, no build callback. */
OQ_API void oq_sim_options_init(oq_sim_options *opts);

/* Validate and copy the options (the strings and arrays they point to are
 * borrowed). Errors: OQ_EINVAL (NULL, bad struct_size, a field out of range),
 * OQ_ENOMEM; *out receives nothing then and *err (oq_error, core.h; may be
 * NULL) the status and a message naming the field, as oq_sim_options_check.
 * *out belongs to the caller: destroy it with oq_sim_destroy. */
OQ_API oq_status oq_sim_create(const oq_sim_options *opts, oq_sim **out, oq_error *err);

/* Validate options without creating anything. On error *err (oq_error,
 * core.h; may be NULL) receives the status and a message naming the field
 * ("streams[2].handle.mean: must be > 0"); line and column are 0. Reads
 * only: several threads may check the same options (no thread changing
 * them). */
OQ_API oq_status oq_sim_options_check(const oq_sim_options *opts, oq_error *err);

/* Destroy the simulator and the engine it keeps. NULL is a no-op. */
OQ_API void oq_sim_destroy(oq_sim *sim);

/* Run every replication (again, from scratch, if called twice). On error no
 * results are available (every result call sees 0 replications). Errors:
 * OQ_ECONFIG (a stream or agent names something the built engine lacks, the
 * queue does not accept the channel), the build callback's error, an
 * unexpected engine error (message kept), OQ_ENOMEM. */
OQ_API oq_status oq_sim_run(oq_sim *sim);

/* Message of the last failed call, or "". Never NULL (NULL sim gives ""). */
OQ_API const char *oq_sim_last_error(const oq_sim *sim);

/* The engine of the last replication run, as the run left it (NULL before a
 * run). Owned by the simulator: valid until the next oq_sim_run/destroy. */
OQ_API oq_engine *oq_sim_engine(oq_sim *sim);

/* ---- results ----------------------------------------------------------- */

/* Scopes of results: everything, one queue (by index into the distinct
 * stream queues, in order of first appearance), one channel (likewise). A
 * contact is counted under the queue and channel of the stream it arrived
 * on, with that queue's threshold, even if it was later overflowed or
 * transferred. */
#define OQ_SIM_TOTAL   0
#define OQ_SIM_QUEUE   1
#define OQ_SIM_CHANNEL 2

/* Number of queues / channels (1 for OQ_SIM_TOTAL). */
OQ_API oq_status oq_sim_scope_count(const oq_sim *sim, int32_t scope, int32_t *count);
/* Id of queue / channel `index` ("total" for OQ_SIM_TOTAL); owned by the options. */
OQ_API oq_status oq_sim_scope_id(const oq_sim *sim, int32_t scope, int32_t index, const char **id);

/* Figures over the contacts that arrived in the measured window (and, for
 * per-interval figures, in that interval). A contact's wait runs from its
 * arrival to its first assignment (the agent's accept, so ringing counts) or
 * to its abandonment. Definitions:
 *   service_level = answered_in_t / (answered + abandoned)  [answered within
 *                   the queue's threshold T over answered plus abandoned]
 *   service_level_offered = answered_in_t / offered
 *   p_wait        = waited / (answered + abandoned)   [waited: wait > 0]
 *   asa_s         = wait_answered_s / answered
 *   abandon_rate  = abandoned / offered  [as everywhere in omniq: stats.h,
 *                   Erlang A's p_abandon]
 *   aht_s         = handle_s / answered  [drawn talk time; wrap-up excluded]
 *   occupancy     = busy_s / staffed_s  [agent time holding work (offered,
 *                   in service or wrap-up) over logged-in time, in the
 *                   window; OQ_SIM_TOTAL only, 0 elsewhere]
 * A ratio with a zero denominator is 0 (service_level: 1). Contacts still in
 * the system when the run ends (arrivals over and the drain period used up)
 * are `unfinished` (still waiting: never answered) or `in_service` (answered,
 * not yet completed); refused/removed ones are `rejected`. So
 * offered = answered + abandoned + rejected + unfinished. */
typedef struct oq_sim_stats {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_sim_stats) */
    int32_t reserved;
    int64_t offered;            /* arrived */
    int64_t answered;           /* accepted by an agent (first time) */
    int64_t answered_in_t;      /* answered with wait <= threshold */
    int64_t abandoned;
    int64_t abandoned_short;    /* abandoned with wait <= short_abandon_s */
    int64_t waited;             /* answered or abandoned with wait > 0 */
    int64_t rejected;           /* refused by a queue limit or removed */
    int64_t unfinished;         /* still waiting at the end: queued or offered, never answered */
    int64_t in_service;         /* answered but not completed at the end */
    double wait_answered_s;     /* sum of waits of answered contacts */
    double wait_abandoned_s;    /* sum of waits of abandoned contacts */
    double max_wait_s;          /* longest wait (answered or abandoned) */
    double handle_s;            /* sum of sampled handle times of answered contacts */
    double busy_s;              /* agent-seconds holding work (TOTAL only) */
    double staffed_s;           /* agent-seconds logged in (TOTAL only) */
    double ready_s;             /* of which not on a break (not-ready): ready, busy or in
                                   wrap-up (TOTAL only) */
    double service_level;
    double service_level_offered;
    double p_wait;
    double asa_s;
    double abandon_rate;
    double aht_s;
    double occupancy;
} oq_sim_stats;

/* Whole-window figures of one replication (0 .. replications-1). Set out->struct_size first
 * (OQ_OUTPUT_INIT); only that many bytes are written (core.h: versioned structs). *err
 * (oq_error, may be NULL) names what failed: these getters read a const simulator, so they do
 * not change its oq_sim_last_error. Read-only: several threads may call it on a simulator no
 * thread is changing. Errors: OQ_EINVAL (NULL, scope, index or replication out of range, bad
 * struct_size). */
OQ_API oq_status oq_sim_replication_stats(const oq_sim *sim, int32_t replication, int32_t scope,
                                          int32_t index, oq_sim_stats *out, oq_error *err);

/* Number of statistics intervals: ceil(duration_s / interval_s). */
OQ_API oq_status oq_sim_interval_count(const oq_sim *sim, int32_t *count);

/* Figures of contacts arriving in interval `interval` (counts summed over all replications;
 * ratios of the sums). Intervals before the warm-up are still recorded here (they are excluded
 * only from the whole-run figures). Set out->struct_size first (OQ_OUTPUT_INIT); only that many
 * bytes are written (core.h: versioned structs). *err (oq_error, may be NULL) names what failed:
 * these getters read a const simulator, so they do not change its oq_sim_last_error. Read-only:
 * several threads may call it on a simulator no thread is changing. Errors: OQ_EINVAL (NULL,
 * scope, index or interval out of range, bad struct_size). */
OQ_API oq_status oq_sim_interval_stats(const oq_sim *sim, int32_t interval, int32_t scope,
                                       int32_t index, oq_sim_stats *out, oq_error *err);

/* Mean over replications with a two-sided 95% confidence interval:
 * mean +- t(0.975, n-1) sd / sqrt(n) (Student t, table for small n).
 * n = replications where the figure is defined; half_width 0 when n < 2. */
typedef struct oq_sim_estimate {
    double mean;
    double half_width;
    double low;
    double high;
    double sd;                  /* sample standard deviation across replications */
    int32_t n;
    int32_t reserved;
} oq_sim_estimate;

/* The estimates (mean, 95 % confidence interval, spread) of one queue, channel
 * or the whole center over the replications (oq_sim_summarize). */
typedef struct oq_sim_summary {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_sim_summary) */
    int32_t replications;
    oq_sim_estimate offered;
    oq_sim_estimate service_level;
    oq_sim_estimate service_level_offered;
    oq_sim_estimate p_wait;
    oq_sim_estimate asa_s;
    oq_sim_estimate abandon_rate;
    oq_sim_estimate aht_s;
    oq_sim_estimate occupancy;  /* OQ_SIM_TOTAL only */
} oq_sim_summary;

/* Summarise `scope` (OQ_SIM_TOTAL, OQ_SIM_QUEUE or OQ_SIM_CHANNEL) item `index` over every
 * replication into *out. Set out->struct_size first (OQ_OUTPUT_INIT); only that many bytes are
 * written (core.h: versioned structs). *err (oq_error, may be NULL) names what failed: these
 * getters read a const simulator, so they do not change its oq_sim_last_error. Read-only:
 * several threads may call it on a simulator no thread is changing. Errors: OQ_EINVAL (NULL,
 * scope or index out of range, bad struct_size), OQ_ENOMEM. Before oq_sim_run: replications 0
 * and every estimate 0. */
OQ_API oq_status oq_sim_summarize(const oq_sim *sim, int32_t scope, int32_t index,
                                  oq_sim_summary *out, oq_error *err);

/* What happened in one replication, for accounting cross-checks. Every
 * generated contact ends as exactly one of completed, abandoned, rejected,
 * removed, or is in the system at the end:
 *   contacts == completed + abandoned + rejected + removed + in_system,
 * and in_system == engine_contacts (the engine's own count at the end). */
typedef struct oq_sim_run_info {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_sim_run_info) */
    int32_t engine_contacts;    /* oq_engine_counts.contacts at the end */
    int32_t check_status;       /* oq_engine_check at the end (OQ_OK if not requested) */
    int32_t reserved;
    uint64_t seed;
    int64_t contacts;           /* generated (whole run, warm-up included) */
    int64_t completed;
    int64_t abandoned;
    int64_t rejected;           /* OQ_EV_QUEUE_REJECTED */
    int64_t removed;            /* OQ_EV_REMOVED */
    int64_t in_system;          /* by the simulator's own bookkeeping */
    int64_t sim_events;         /* simulator events processed (arrivals, answers,
                                   completions, abandons, shift changes, engine deadlines) */
    int64_t engine_events;      /* events the engine emitted */
    int64_t stale;              /* scheduled actions found obsolete (offer already gone, ...) */
    int64_t end_ms;             /* engine clock at the end */
} oq_sim_run_info;

/* What replication `replication` ran (seed, events, contacts, end clock and the engine check's
 * status). Set out->struct_size first (OQ_OUTPUT_INIT); only that many bytes are written
 * (core.h: versioned structs). *err (oq_error, may be NULL) names what failed: these getters
 * read a const simulator, so they do not change its oq_sim_last_error. Read-only: several
 * threads may call it on a simulator no thread is changing. Errors: OQ_EINVAL (NULL, index out
 * of range, bad struct_size; before oq_sim_run no index is in range). */
OQ_API oq_status oq_sim_run_info_get(const oq_sim *sim, int32_t replication, oq_sim_run_info *out,
                                     oq_error *err);

/* The whole center's service level in interval `interval` (contacts that
 * arrived in it): mean over the replications where it is defined (some
 * contact answered or abandoned), with its 95% confidence interval as
 * oq_sim_summarize computes them. Errors: OQ_EINVAL (NULL, interval out of
 * range), OQ_ERANGE (replications x intervals above 4,194,304: not kept),
 * OQ_ENOMEM. */
OQ_API oq_status oq_sim_interval_service_level(const oq_sim *sim, int32_t interval,
                                               oq_sim_estimate *out);

/* Two-sided 95% Student t quantile t(0.975, dof) for dof >= 1 (pure). */
OQ_API double oq_sim_t975(int32_t dof);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_SIM_H */
