/* SPDX-License-Identifier: MIT */
/* omniq — statistics: real-time and per-interval KPIs per queue, channel,
 * agent and for the whole center (DESIGN.md §5, docs/statistics.md).
 *
 * The engine feeds every event to the statistics module before the host's
 * callback sees it; nothing here changes routing. Reading any figure costs
 * O(1) or O(window buckets / kept intervals) — never O(contacts). The only
 * exceptions are the "agents now" gauges of a queue or channel, which count
 * the queue's eligible agents (O(members)) / the agents (O(agents)).
 *
 * Thread-safety: as for the engine (engine.h): not thread-safe per engine.
 * The read functions (oq_stats_queue, _channel, _center, _agent*, _interval*,
 * oq_stats_get_options) may be called from inside an event callback; the
 * mutating ones (oq_stats_configure, oq_stats_reset_day) return OQ_EBUSY
 * there. Every failing call with an engine sets its last-error message
 * naming the id or field at fault, and changes nothing.
 *
 * Units: durations are seconds as double; timestamps are int64 host-epoch
 * milliseconds; counts are int64.
 *
 * ---- Periods ----
 *   OQ_PERIOD_INTERVAL  the current interval [start, now). Intervals are
 *       interval_s long and aligned to multiples of interval_s since host time
 *       0 (15 min: :00, :15, ...); the first interval starts when the engine
 *       (or the last oq_stats_configure) starts and may be partial. An event
 *       at exactly a boundary belongs to the interval starting there.
 *   OQ_PERIOD_WINDOW    a sliding window of the last window_s seconds, kept
 *       in buckets of window_bucket_s: the current (partial) bucket plus the
 *       window_s / window_bucket_s - 1 buckets before it. Reading it sums the
 *       buckets: O(window_s / window_bucket_s). Not kept for agents.
 *   OQ_PERIOD_DAY       since the engine was created, or since the last
 *       oq_stats_configure / oq_stats_reset_day.
 * Closed intervals are kept in a ring of the last ring_size (see
 * oq_stats_interval_queue & co).
 *
 * ---- Interval close events ----
 * After oq_stats_configure() the module keeps one engine timer at the next
 * interval boundary: it fires at the exact boundary (oq_engine_advance,
 * oq_engine_next_deadline see it) and emits OQ_EV_INTERVAL_CLOSED with
 * time_ms = the interval's end, all ids NULL (boundaries crossed with nothing
 * else due between them are closed in one step, and only the last ring_size
 * of them are reported). Until oq_stats_configure() has
 * been called (an engine uses the defaults of oq_stats_options_init) no
 * timer is armed: elapsed intervals are closed lazily on the next event that
 * counts in them (a queue's calendar opening or closing does not) or read,
 * with no event, and their "now" gauges are taken at that moment.
 *
 * ---- Definitions (which interval a contact counts in) ----
 * Queue figures count what happened in that queue; channel and center
 * figures count each contact once.
 *   offered    queue: +1 when a contact enters it (arrival, transfer-in,
 *              overflow-in), in the interval of entry. Channel / center: +1
 *              per arrival only (a transferred or overflowed contact is
 *              offered once to the center, and visible in both queues'
 *              transferred/overflowed in/out figures).
 *   answered   the interval where the agent accepts (OQ_EV_ASSIGNED), with
 *              its wait. Queue wait = time since it entered the queue
 *              (event wait_ms), or since arrival if it was overflowed.
 *              Channel / center: only the contact's first answer, with the
 *              wait since arrival.
 *   abandoned  the interval where the customer leaves, with the same waits.
 *              Channel / center count it only if it was never answered.
 *   within T   wait <= the threshold T (sla_threshold_s) of the contact's
 *              queue at that moment (channel / center mix each contact's own
 *              queue threshold). Short abandon: wait < short_abandon_s.
 *   handle     talk (accept -> wrap-up start, or -> completion without
 *              wrap-up) + wrap-up (wrap-up start -> completion), counted at
 *              completion in the queue the contact completes in. A service
 *              segment ended by a transfer is not counted.
 *   offers     offered to an agent (OQ_EV_OFFERED), accepted (ASSIGNED),
 *              rejected, timed out; time to accept = accept - offer.
 *   async      first response = arrival -> first ASSIGNED; resolution =
 *              arrival -> COMPLETED; deadline share = contacts with a
 *              deadline answered by it / contacts with a deadline, counted at
 *              first answer or (never answered) when the contact ends.
 *              Reported for every channel; meaningful for synchronous == 0.
 *   flowed out queue: a contact that leaves the queue unanswered (queued or
 *              offered) by a transfer or an overflow (callbacks included),
 *              counted within or after T by its wait there (as for an
 *              answer). OQ_SL_OFFERED and OQ_SL_OFFERED_NO_SHORT count it in
 *              their denominator (it is in `offered`) as not answered within
 *              T; the answered / abandoned-based definitions leave it out.
 *   callbacks  a kept-place callback (OQ_EV_CALLBACK_QUEUED) stays waiting in
 *              its queue: its wait there runs on from when it entered the
 *              queue until an agent accepts the callback (answered, ASA and
 *              within-T use that whole wait; it is not an abandon). It counts
 *              as offered on the channel it arrived on, and as waiting,
 *              answered or abandoned on the callback channel.
 *   moves      a transfer to a named agent (no from_queue) counts in and out
 *              of its own queue, not offered; a parked work order stops
 *              waiting but stays in the backlog; a reopened one is offered
 *              again to the queue it enters (not to the channel / center).
 *   Contacts that span a boundary: offered counts in the interval of entry,
 *   answered/abandoned in the interval where that happens, handle time in
 *   the interval of completion — with the default attribution below.
 *
 * ---- Attribution (oq_stats_options.attribution) ----
 *   OQ_ATTRIBUTION_EVENT   (default) "interval of handling": an answer or
 *       abandonment counts in the interval, window bucket and day where it
 *       happens — what a supervisor's real-time and interval reports show.
 *   OQ_ATTRIBUTION_ARRIVAL "interval of arrival" (cohort): it counts where
 *       the contact's wait began — its arrival for the channel and center
 *       figures, its entry into the queue for the queue's (its arrival when
 *       overflowed in, as for its wait) — so an interval's service level is
 *       that of the contacts that arrived in it, what Erlang staffing plans
 *       and the simulator (sim.h) reports. The answered / abandoned counts,
 *       within-T and short counts, wait sums and maxima, wait histograms and
 *       business-time outcomes move; every other figure stays at its event.
 *       A closed interval (oq_stats_interval_*) keeps growing until its
 *       last contact is answered or abandoned (while it is still in the
 *       ring; the window while the bucket is in the window; the day only for
 *       contacts that arrived since its start).
 */
#ifndef OMNIQ_STATS_H
#define OMNIQ_STATS_H

#include "omniq/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Periods. */
#define OQ_PERIOD_INTERVAL 0
#define OQ_PERIOD_WINDOW   1
#define OQ_PERIOD_DAY      2
#define OQ_PERIOD_CLOSED   3 /* only in oq_queue_stats.period: a closed interval from the ring */

/* Service-level definitions (A = answered within T, B = abandoned within T). */
#define OQ_SL_ANSWERED_ABANDONED 1 /* A / (answered + abandoned) */
#define OQ_SL_OFFERED            2 /* A / offered */
#define OQ_SL_OFFERED_NO_SHORT   3 /* A / (offered - short abandons) */
#define OQ_SL_ANSWERED           4 /* A / answered */
#define OQ_SL_ASTERISK_SL2       5 /* (A + B) / (answered + abandoned), Asterisk's SL2 */

#define OQ_STATS_BOUNDS_MAX 16   /* wait-histogram bounds; buckets = bounds + 1 */
#define OQ_STATS_RING_MAX 10000  /* closed intervals kept, at most */
#define OQ_STATS_REASONS_MAX 8   /* distinct not-ready reasons kept per agent (+ "other") */

/* Attributions of answers and abandonments to a period (see above). */
#define OQ_ATTRIBUTION_EVENT   0 /* the interval where it happens (interval of handling) */
#define OQ_ATTRIBUTION_ARRIVAL 1 /* the interval where the contact's wait began (interval of arrival) */

/* Static name of a definition ("answered_within_t/(answered+abandoned)"),
 * "unknown" for others. Thread-safe. */
OQ_API const char *oq_sl_definition_name(int32_t definition);

/* Options of oq_stats_configure: interval length and how many closed intervals
 * to keep, the sliding window, the short-abandon threshold, which interval an
 * outcome counts in (attribution) and the wait histogram's bounds. Fill with
 * oq_stats_options_init. */
typedef struct oq_stats_options {
    uint32_t struct_size;     /* sizeof(oq_stats_options); set by oq_stats_options_init */
    int32_t ring_size;        /* closed intervals kept, 1..OQ_STATS_RING_MAX (default 96) */
    double interval_s;        /* interval length, 1..86400 s, whole ms (default 900) */
    double window_s;          /* sliding window, a whole multiple of window_bucket_s (default 1800) */
    double window_bucket_s;   /* window granularity, >= 1 s; window_s / it <= 1440 (default 60) */
    double short_abandon_s;   /* abandons with wait < this are "short", >= 0 (default 5) */
    int32_t n_wait_bounds;    /* 0..OQ_STATS_BOUNDS_MAX (default 6: 10 20 30 60 120 300) */
    int32_t attribution;      /* OQ_ATTRIBUTION_EVENT (default) or OQ_ATTRIBUTION_ARRIVAL */
    /* Histogram bucket i counts waits w with bound[i-1] <= w < bound[i]
     * (bound[-1] = 0, bound[n] = infinity). Strictly increasing, > 0. */
    double wait_bounds_s[OQ_STATS_BOUNDS_MAX];
} oq_stats_options;

/* Fill `opts` with the defaults above. NULL is a no-op. Thread-safe. */
OQ_API void oq_stats_options_init(oq_stats_options *opts);

/* Apply options and start collecting afresh at the engine's clock: every
 * figure, window and kept interval is discarded (agents keep their current
 * state), the day and a new first interval start now, and the interval
 * timer is armed (so OQ_EV_INTERVAL_CLOSED fires from now on). `opts` is
 * copied. Allowed only while the engine holds no contact.
 * Errors: OQ_EINVAL (NULL, bad struct_size, a field out of range — named),
 * OQ_ESTATE (contacts in the engine), OQ_EBUSY (inside a callback),
 * OQ_ENOMEM (nothing changed). */
OQ_API oq_status oq_stats_configure(oq_engine *e, const oq_stats_options *opts);

/* The options in force. Errors: OQ_EINVAL on NULL. */
OQ_API oq_status oq_stats_get_options(const oq_engine *e, oq_stats_options *out);

/* Move the clock to now_ms (firing due timers) and start a new "day": the
 * OQ_PERIOD_DAY figures of every queue, channel, agent and the center
 * restart at now_ms. Intervals and the window are untouched.
 * Errors: OQ_EINVAL (NULL engine, now_ms before the clock), OQ_EBUSY. */
OQ_API oq_status oq_stats_reset_day(oq_engine *e, int64_t now_ms);

/* Figures of one queue, channel or the center for one period. All counts
 * are int64; durations are seconds; a mean over zero items is 0. An output
 * struct (core.h): set struct_size first (OQ_OUTPUT_INIT); the readers
 * write only struct_size bytes. */
typedef struct oq_queue_stats {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT (core.h) */
    int32_t period;             /* OQ_PERIOD_* (OQ_PERIOD_CLOSED for kept intervals) */
    int32_t n_wait_bounds;      /* histogram bounds in force (buckets used: n + 1) */
    int64_t start_ms, end_ms;   /* span covered; end = the engine clock for open periods */
    double threshold_s;         /* queue: its T now; channel / center: -1 (each contact's own queue T) */
    int64_t offered;            /* see the definitions above */
    int64_t arrivals;           /* of which new arrivals (not transfer/overflow in) */
    int64_t answered;
    int64_t answered_within;    /* wait <= T */
    int64_t abandoned;
    int64_t abandoned_short;    /* wait < short_abandon_s */
    int64_t abandoned_within;   /* wait <= T */
    int64_t transferred_in, transferred_out;
    int64_t overflowed_in, overflowed_out;
    int64_t flowed_out_within;  /* queue: left it unanswered by a transfer or overflow, with a
                                   wait <= T (as for an answer there); channel / center: 0 */
    int64_t flowed_out_after;   /* ... with a wait > T */
    int64_t callbacks_kept;     /* waiting contacts turned into kept-place callbacks (virtual hold):
                                   queue, center, and the callback channel */
    int64_t queue_rejected;     /* OQ_EV_QUEUE_REJECTED */
    int64_t removed;            /* OQ_EV_REMOVED */
    int64_t offers, offers_accepted, offers_rejected, offers_timed_out;
    double mean_accept_s;       /* offer -> accept, over accepted offers */
    double asa_s;               /* mean wait of answered contacts */
    double max_answered_wait_s;
    double mean_abandoned_wait_s;
    double max_abandoned_wait_s;
    double abandon_rate;        /* abandoned / offered (0 if none offered) */
    double sl_answered_abandoned; /* OQ_SL_ANSWERED_ABANDONED, 0 if its denominator is 0 */
    double sl_offered;            /* OQ_SL_OFFERED */
    double sl_offered_no_short;   /* OQ_SL_OFFERED_NO_SHORT */
    double sl_answered;           /* OQ_SL_ANSWERED */
    double sl_asterisk_sl2;       /* OQ_SL_ASTERISK_SL2 */
    int64_t handled;            /* completed */
    double aht_s;               /* mean talk + wrap-up over handled */
    double mean_talk_s;
    double mean_wrapup_s;
    int64_t first_responses;    /* async: first answers */
    double mean_first_response_s;
    int64_t resolved;           /* completions */
    double mean_resolution_s;
    int64_t with_deadline;      /* contacts with a reply deadline that were answered or ended */
    int64_t replied_in_deadline;
    double deadline_share;      /* replied_in_deadline / with_deadline (0 if none) */
    /* Gauges: now for open periods, at the interval's end for closed ones. */
    int32_t waiting_now;        /* queued or offered (not yet answered) */
    int32_t agents_ready;       /* queue: eligible agents; channel: agents allowed the channel; center: all */
    int32_t agents_busy;
    int32_t agents_wrapup;
    int32_t agents_not_ready;
    int32_t backlog;            /* channel / center: contacts not yet completed (any state); queue: in it */
    double longest_wait_s;      /* longest current wait (queue: in this queue; else since it began waiting) */
    double backlog_age_s;       /* channel / center: age of the oldest contact not completed; queue: 0 */
    int64_t dropped;            /* events the module could not fully record (memory) */
    int64_t wait_hist_answered[OQ_STATS_BOUNDS_MAX + 1];  /* answered by wait bucket */
    int64_t wait_hist_abandoned[OQ_STATS_BOUNDS_MAX + 1]; /* abandoned by wait bucket */
    /* Business time (queue scope, while the queue has a calendar and
     * business_time: the same outcomes with each wait counted in the
     * calendar's open time only, from entering the queue — or arriving, when
     * overflowed in — to the answer or abandonment; the wall-time figures
     * above are unchanged). All 0 for other queues, channels and the center.
     * A queue switched to business time mid-period counts only the outcomes
     * since, hence the own counts. */
    int64_t business_answered;          /* answered, wait counted in business time */
    int64_t business_answered_within;   /* ... with a business wait <= T */
    int64_t business_abandoned;
    int64_t business_abandoned_within;
    double asa_business_s;              /* mean business wait of business_answered */
    double mean_abandoned_wait_business_s;
    double sl_business;                 /* business_answered_within / (business_answered +
                                           business_abandoned): OQ_SL_ANSWERED_ABANDONED in
                                           business time (0 if none) */
    int64_t reopened;           /* parked work orders reopened (OQ_EV_REOPENED): queue it enters,
                                   its channel, the center */
} oq_queue_stats;

/* Read a queue's / channel's / the center's figures for `period`
 * (OQ_PERIOD_INTERVAL, _WINDOW or _DAY) into *out. Cost O(1) (window:
 * O(buckets); queue agent gauges: O(eligible agents); channel: O(agents)).
 * Only out->struct_size bytes are written. Errors: OQ_EINVAL (NULL,
 * struct_size out of range, bad period), OQ_ENOTFOUND (unknown id). */
OQ_API oq_status oq_stats_queue(const oq_engine *e, const char *queue, int32_t period,
                                oq_queue_stats *out);
OQ_API oq_status oq_stats_channel(const oq_engine *e, const char *channel, int32_t period,
                                  oq_queue_stats *out);
OQ_API oq_status oq_stats_center(const oq_engine *e, int32_t period, oq_queue_stats *out);

/* Number of closed intervals kept (<= ring_size) into *count. */
OQ_API oq_status oq_stats_interval_count(const oq_engine *e, int32_t *count);

/* Read kept interval k (0 = the most recently closed, count-1 = the oldest)
 * of a queue / channel / the center. O(1). A queue or channel that saw no
 * event in it gives zeros. Errors: OQ_EINVAL (NULL, k out of range),
 * OQ_ENOTFOUND (unknown id). */
OQ_API oq_status oq_stats_interval_queue(const oq_engine *e, const char *queue, int32_t k,
                                         oq_queue_stats *out);
OQ_API oq_status oq_stats_interval_channel(const oq_engine *e, const char *channel, int32_t k,
                                           oq_queue_stats *out);
OQ_API oq_status oq_stats_interval_center(const oq_engine *e, int32_t k, oq_queue_stats *out);

/* Service level of `s` under `definition` (OQ_SL_*) into *out, a fraction
 * in [0, 1] (0 when the denominator is 0, as in oq_queue_stats). Reads only
 * s->struct_size bytes of *s. Pure. Errors: OQ_EINVAL (NULL, struct_size out
 * of range, unknown definition). */
OQ_API oq_status oq_stats_service_level(const oq_queue_stats *s, int32_t definition,
                                        double *out);

/* As oq_stats_service_level, but a period with nothing to measure (the
 * definition's denominator is 0) reads as `if_empty`, in [0, 1]: 0 is the
 * engine's convention (nothing answered within T), 1 the planner's and the
 * simulator's (no contact missed the target; oq_sim_stats). Pure. Errors:
 * OQ_EINVAL (NULL, struct_size out of range, unknown definition, if_empty
 * not in [0, 1]). */
OQ_API oq_status oq_stats_service_level_if_empty(const oq_queue_stats *s, int32_t definition,
                                                 double if_empty, double *out);

/* Figures of one agent (OQ_PERIOD_INTERVAL or OQ_PERIOD_DAY). Time in a
 * state is the derived state of oq_agent_info (BUSY includes ringing
 * offers); "logged in" = any state but OFFLINE. An output struct (core.h):
 * set struct_size first (OQ_OUTPUT_INIT). */
typedef struct oq_agent_stats {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT (core.h) */
    int32_t period;
    int32_t state;              /* OQ_AGENT_* now */
    int64_t start_ms, end_ms;
    double offline_s, ready_s, not_ready_s, busy_s, wrapup_s;
    double logged_in_s;         /* ready + not ready + busy + wrap-up */
    double occupancy;           /* (busy + wrap-up) / logged in, 0 if never logged in */
    double utilisation;         /* integral of used capacity / integral of capacity, over logged-in time */
    int64_t handled;            /* completed contacts */
    double aht_s, mean_talk_s, mean_wrapup_s;
    int64_t offers, offers_accepted, offers_rejected, offers_timed_out;
    int32_t n_reasons;          /* not-ready reasons kept (read with oq_stats_agent_reason) */
    int32_t reserved;
    int64_t dropped;
} oq_agent_stats;

/* Read an agent's figures for `period` into *out (only its struct_size
 * bytes are written). Errors: OQ_EINVAL (NULL, struct_size out of range,
 * bad period, OQ_PERIOD_WINDOW), OQ_ENOTFOUND. */
OQ_API oq_status oq_stats_agent(const oq_engine *e, const char *agent, int32_t period,
                                oq_agent_stats *out);

/* Time in not-ready per reason. The first OQ_STATS_REASONS_MAX distinct
 * reasons of an agent get their own entry (k = 0..n_reasons-1, in order of
 * first use; reasons longer than 63 bytes are cut); later ones are summed
 * in k = n_reasons, reason "(other)". `reason` is engine-owned, valid until
 * the next mutating call. */
typedef struct oq_reason_stats {
    uint32_t struct_size;       /* set by the caller (OQ_OUTPUT_INIT): core.h, versioned structs */
    const char *reason;
    double seconds;
} oq_reason_stats;

/* Reason k of an agent into *out (only its struct_size bytes are written).
 * Errors: OQ_EINVAL (NULL, struct_size out of range, bad period, k not in
 * 0..n_reasons), OQ_ENOTFOUND. */
OQ_API oq_status oq_stats_agent_reason(const oq_engine *e, const char *agent, int32_t period,
                                       int32_t k, oq_reason_stats *out);

/* Contacts of `channel` the agent completed in `period` into *handled.
 * Errors: OQ_EINVAL (NULL, bad period), OQ_ENOTFOUND (agent or channel). */
OQ_API oq_status oq_stats_agent_channel(const oq_engine *e, const char *agent,
                                        const char *channel, int32_t period, int64_t *handled);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_STATS_H */
