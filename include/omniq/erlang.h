/* SPDX-License-Identifier: MIT */
/* omniq — service-level mathematics (Erlang B, C, A, chat concurrency,
 * staffing and interval plans).
 *
 * Conventions shared by every function in this header:
 *  - `load` is the offered traffic in Erlangs (arrival rate x mean handle
 *    time), `agents` the number of servers N (>= 0), every time is in
 *    seconds as a double.
 *  - Every function returns an oq_status and writes its result through its
 *    last pointer argument (before the `oq_error *err` of the functions
 *    that fill a result struct). On error the output is left untouched.
 *  - Result structs (oq_erlang_a_result, oq_staffing_result,
 *    oq_erlang_chat_result, oq_plan_totals) are versioned output structs
 *    (core.h): set out->struct_size first (OQ_OUTPUT_INIT); only that many
 *    bytes are written. A struct_size out of range is OQ_EINVAL and the
 *    message, in *err (which may be NULL), names `<type>.struct_size`.
 *    OQ_EINVAL: a NULL pointer, a negative, NaN or infinite argument, a
 *    handle/patience time that is not > 0, or a target outside (0, 1).
 *    OQ_ERANGE: the answer would not fit in an int32_t agent count.
 *  - Erlang C with agents <= load is an unstable queue: P(wait) = 1, service
 *    level = 0, ASA = +INFINITY, status OQ_OK. agents == 0 is valid.
 *  - Staffing searches return 0 agents for a load of 0 (no traffic needs no
 *    agents); otherwise the smallest N that meets the target.
 *  - All functions are pure: no allocation, no global state, thread-safe.
 *    Pointers are only read/written during the call; the caller owns them.
 *  - Accuracy: about 1e-12 relative for loads 0.001 .. 100,000 Erlangs and N
 *    up to 200,000 (see docs/erlang.md for the methods and measurements). */
#ifndef OMNIQ_ERLANG_H
#define OMNIQ_ERLANG_H

#include "omniq/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Erlang B and C --------------------------------------------------- */

/* Erlang B: probability that a contact offered `load` Erlangs to `agents`
 * servers with no queue is blocked (M/M/N/N). B(0 agents) = 1. */
OQ_API oq_status oq_erlang_b(double load, int32_t agents, double *blocking);

/* Erlang B staffing: the smallest N whose blocking B(N, load) is <= max_blocking
 * (0 < max_blocking < 1) — trunks, IVR ports or agents of a service with no
 * queue (a contact finding all busy is lost: "lines for 1% blocking"). 0 for a
 * load of 0. OQ_ERANGE if it exceeds INT32_MAX. */
OQ_API oq_status oq_erlang_b_agents(double load, double max_blocking, int32_t *agents);

/* Erlang B capacity: the largest load (Erlangs) that `agents` servers carry
 * with blocking B(agents, load) <= max_blocking (0 < max_blocking < 1), to
 * about 1e-12 relative ("15 lines at 1% blocking carry 8.108 Erlangs"). 0 when
 * agents == 0 (with no server every contact is lost). */
OQ_API oq_status oq_erlang_b_load(int32_t agents, double max_blocking, double *load);

/* Erlang C: probability that an arriving contact waits (M/M/N, infinite
 * patience). 1 when agents <= load. */
OQ_API oq_status oq_erlang_c(double load, int32_t agents, double *p_wait);

/* Erlang C service level: P(wait <= threshold_s) for mean handle time aht_s
 * (> 0) and threshold_s (>= 0): 1 - C exp(-(N - A) threshold / aht).
 * 0 when agents <= load; 1 when load == 0 and agents > 0. */
OQ_API oq_status oq_erlang_c_service_level(double load, int32_t agents, double aht_s,
                                           double threshold_s, double *service_level);

/* Erlang C average speed of answer (mean wait over all contacts), seconds:
 * C aht / (N - A). +INFINITY when agents <= load. */
OQ_API oq_status oq_erlang_c_asa(double load, int32_t agents, double aht_s, double *asa_s);

/* Agent occupancy (the share of agent time holding work, the one meaning of
 * "occupancy" in omniq) under Erlang C: busy/agents = load / agents; 1 when agents <= load
 * (saturated, including agents == 0). */
OQ_API oq_status oq_erlang_occupancy(double load, int32_t agents, double *occupancy);

/* Smallest N with Erlang C service level (threshold_s) >= target (0 < target < 1). */
OQ_API oq_status oq_erlang_c_agents(double load, double aht_s, double threshold_s, double target,
                                    int32_t *agents);

/* Smallest N with Erlang C ASA <= max_asa_s (> 0). */
OQ_API oq_status oq_erlang_c_agents_asa(double load, double aht_s, double max_asa_s,
                                        int32_t *agents);

/* Smallest N with load / N <= max_occupancy (0 < max_occupancy <= 1), at
 * least 1 when load > 0. (Does not by itself make the queue stable.) */
OQ_API oq_status oq_erlang_agents_occupancy(double load, double max_occupancy, int32_t *agents);

/* Scheduled agents for `required` (>= 0) productive agents and a shrinkage in
 * [0, 1): ceil(required / (1 - shrinkage)). */
OQ_API oq_status oq_erlang_scheduled(int32_t required, double shrinkage, int32_t *scheduled);

/* ---- Erlang A (M/M/N+M: exponential patience) ------------------------- */

/* The figures of an M/M/N+M queue with N agents (oq_erlang_a): probability of
 * waiting, of abandoning, service level, ASA and occupancy. */
typedef struct oq_erlang_a_result {
    uint32_t struct_size;   /* set by the caller: OQ_OUTPUT_INIT(oq_erlang_a_result) */
    uint32_t reserved;      /* written as 0 */
    double p_wait;          /* P(an arriving contact waits at all) */
    double p_abandon;       /* P(an arriving contact abandons) */
    double service_level;   /* P(answered within threshold), over ALL arrivals
                               (abandoned contacts count as not met) */
    double asa_s;           /* mean wait of the contacts that were answered */
    double occupancy;       /* busy agents / agents = load (1 - p_abandon) / agents */
} oq_erlang_a_result;

/* Erlang A with mean patience patience_s (> 0, finite): stable for every N.
 * agents == 0: everyone waits and abandons (p_wait = p_abandon = 1, SL 0,
 * asa 0, occupancy 0). load == 0: p_wait = p_abandon = 0, SL 1, asa 0.
 * Cost grows like sqrt(load * patience / aht) in the worst case.
 * Set out->struct_size first; on error *err (may be NULL) names the argument
 * or `oq_erlang_a_result.struct_size`. */
OQ_API oq_status oq_erlang_a(double load, int32_t agents, double aht_s, double patience_s,
                             double threshold_s, oq_erlang_a_result *out, oq_error *err);

/* Smallest N with Erlang A service level >= target (0 < target < 1). */
OQ_API oq_status oq_erlang_a_agents(double load, double aht_s, double patience_s,
                                    double threshold_s, double target, int32_t *agents);

/* Smallest N with Erlang A P(abandon) <= max_abandon (0 < max_abandon < 1). */
OQ_API oq_status oq_erlang_a_agents_abandon(double load, double aht_s, double patience_s,
                                            double max_abandon, int32_t *agents);

/* ---- Combined staffing: targets, occupancy cap, shrinkage ------------- */

/* Options for oq_erlang_staffing and oq_erlang_plan. Initialise with
 * oq_staffing_options_init(), then set the fields you need. A field of 0
 * means "no such constraint". All fields fixed-width (ctypes-friendly). */
typedef struct oq_staffing_options {
    uint32_t struct_size;  /* set by oq_staffing_options_init: sizeof(oq_staffing_options) */
    int32_t reserved;      /* 0 */
    double threshold_s;    /* answer-time threshold T for target_sl (>= 0) */
    double target_sl;      /* required P(answered within T), in (0,1); 0 = none */
    double max_asa_s;      /* required ASA upper bound (> 0); 0 = none */
    double max_occupancy;  /* cap on occupancy = busy agents / agents, in (0,1]; 0 = none
                              (Erlang C: load / N; Erlang A: load (1 - p_abandon) / N) */
    double patience_s;     /* > 0: Erlang A model with this mean patience; 0 = Erlang C */
    double max_abandon;    /* Erlang A only: P(abandon) cap in (0,1); 0 = none */
    double shrinkage;      /* in [0,1): scheduled = ceil(required / (1 - shrinkage)) */
} oq_staffing_options;

/* Defaults: all constraints off (0), struct_size set. OQ_EINVAL for NULL. */
OQ_API oq_status oq_staffing_options_init(oq_staffing_options *options);

/* The agents a staffing call found and the figures at that number (service
 * level, ASA, occupancy, P(wait), P(abandon) where the model has one). */
typedef struct oq_staffing_result {
    uint32_t struct_size;  /* set by the caller: OQ_OUTPUT_INIT(oq_staffing_result) */
    int32_t required;      /* smallest N meeting every constraint */
    int32_t scheduled;     /* ceil(required / (1 - shrinkage)) */
    int32_t reserved;      /* written as 0 */
    double service_level;  /* at `required` (Erlang C or A definition) */
    double asa_s;          /* at `required` (Erlang A: of answered contacts) */
    double occupancy;      /* at `required`: busy agents / agents */
    double p_abandon;      /* at `required`: abandoned / offered (0 for Erlang C) */
    double p_wait;         /* at `required`: P(an arriving contact waits at all);
                              Erlang C's C(N, A), or Erlang A's P(W > 0); 0 for load 0 */
} oq_staffing_result;

/* Required and scheduled agents for `load` and mean handle time aht_s meeting
 * all constraints in `options` (the maximum of the individual requirements;
 * with Erlang C the queue is always made stable, N > load). At least one
 * constraint (target_sl, max_asa_s, max_occupancy, max_abandon) must be set,
 * max_abandon needs patience_s > 0, struct_size must match: else OQ_EINVAL.
 * Set out->struct_size first; on error *err (may be NULL) names the argument,
 * the option or `oq_staffing_result.struct_size`. */
OQ_API oq_status oq_erlang_staffing(double load, double aht_s, const oq_staffing_options *options,
                                    oq_staffing_result *out, oq_error *err);

/* ---- Chat concurrency ------------------------------------------------- */

/* Model: N agents each hold up to k = max_sessions sessions. aht_s[j-1] is the
 * mean handle time of a session while its agent holds j sessions (j = 1..k),
 * so an agent holding j sessions completes sessions at rate j / aht_s[j-1].
 * `load` is lambda * aht_s[0] (Erlangs at concurrency 1). The number n of
 * sessions in the system is a birth-death chain: births at lambda; for
 * n <= N k the n sessions are spread evenly (n mod N agents hold
 * floor(n/N) + 1, the others floor(n/N)) and the death rate is the sum of the
 * agents' rates; beyond N k sessions queue FCFS and the death rate stays
 * nu = N k / aht_s[k-1]. Stable iff lambda < nu; otherwise unstable (p_wait 1,
 * SL 0, ASA +INFINITY). k = 1 is Erlang C; equal aht_s[] is Erlang C with
 * N k servers. Wait: P(W > T) = P(wait) exp(-(nu - lambda) T). */
typedef struct oq_erlang_chat_result {
    uint32_t struct_size;  /* set by the caller: OQ_OUTPUT_INIT(oq_erlang_chat_result) */
    uint32_t reserved;     /* written as 0 */
    double p_wait;         /* P(an arriving session waits) */
    double service_level;  /* P(wait <= threshold) */
    double asa_s;          /* mean wait over all sessions */
    double occupancy;      /* mean agents holding at least one session / N: the share of
                              agent time holding work, as occupancy means everywhere */
    double sessions_per_agent; /* mean sessions in service / N */
    double utilisation;    /* mean sessions in service / (N k): the share of session
                              slots in use (stats.h's utilisation) */
} oq_erlang_chat_result;

/* max_sessions in 1..64; aht_s[0..max_sessions-1] all > 0 (and 1/aht finite),
 * read only during the call. Set out->struct_size first; on error *err (may
 * be NULL) names the argument or `oq_erlang_chat_result.struct_size`. */
OQ_API oq_status oq_erlang_chat(double load, int32_t agents, int32_t max_sessions,
                                const double *aht_s, double threshold_s,
                                oq_erlang_chat_result *out, oq_error *err);

/* Smallest N with chat service level >= target (0 < target < 1). */
OQ_API oq_status oq_erlang_chat_agents(double load, int32_t max_sessions, const double *aht_s,
                                       double threshold_s, double target, int32_t *agents);

/* ---- Interval plan ---------------------------------------------------- */

/* One interval of oq_erlang_plan: its load, the agents required and
 * scheduled, and the figures at `required`. */
typedef struct oq_plan_interval {
    double load;           /* contacts * aht / interval_s, Erlangs */
    int32_t required;      /* agents needed in the interval */
    int32_t scheduled;     /* after shrinkage */
    double service_level;  /* at `required` */
    double asa_s;          /* at `required` */
    double occupancy;      /* at `required` */
    double p_abandon;      /* at `required` (0 for Erlang C) */
    double p_wait;         /* at `required`: P(an arriving contact waits at all) */
} oq_plan_interval;

/* The totals of oq_erlang_plan: contacts, agent-hours required and scheduled,
 * the peak interval, and the service level over all intervals. */
typedef struct oq_plan_totals {
    uint32_t struct_size;         /* set by the caller: OQ_OUTPUT_INIT(oq_plan_totals) */
    int32_t peak_required;        /* max required */
    int32_t peak_scheduled;       /* max scheduled */
    int32_t peak_interval;        /* first interval with peak_required (-1 if n == 0) */
    double contacts;              /* sum of contacts */
    double required_agent_hours;  /* sum of required * interval_s / 3600 */
    double scheduled_agent_hours; /* sum of scheduled * interval_s / 3600 */
    double service_level;         /* contact-weighted mean SL at `required` (1 if no contacts) */
} oq_plan_totals;

/* A day (or any run) of n_intervals intervals of interval_s seconds:
 * contacts[i] (>= 0) offered with mean handle time aht_s[i] (> 0; ignored
 * when contacts[i] == 0). Writes rows[0..n_intervals-1] (caller-provided) and
 * *totals, using oq_erlang_staffing per interval with `options`. Intervals
 * without contacts need 0 agents. On OQ_EINVAL (checked for every interval
 * first) nothing is written; on OQ_ERANGE (an interval needs more than
 * INT32_MAX agents) rows before that interval may have been written and
 * *totals is untouched. Set totals->struct_size first (only that many bytes
 * are written; a bad one is refused before any row is written); on error
 * *err (may be NULL) names the argument, the interval or
 * `oq_plan_totals.struct_size`. oq_plan_interval rows are elements of the
 * caller's array and carry no struct_size. */
OQ_API oq_status oq_erlang_plan(const double *contacts, const double *aht_s, int32_t n_intervals,
                                double interval_s, const oq_staffing_options *options,
                                oq_plan_interval *rows, oq_plan_totals *totals, oq_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_ERLANG_H */
