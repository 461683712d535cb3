/* SPDX-License-Identifier: MIT */
/* omniq — the engine: lifecycle, time, events and self-check.
 *
 * An oq_engine holds one contact center. It never reads a clock, sleeps,
 * opens files or starts threads: the host passes time in (`now_ms`, host
 * epoch milliseconds, never decreasing) and receives decisions through the
 * event callback.
 *
 * Thread-safety: an engine is NOT thread-safe; serialize every call on one
 * engine. Different engines are fully independent (no global state) and may be
 * used from different threads at the same time.
 *
 * Re-entrancy: from inside an engine callback (event sink) the host may call
 * the read-only functions (oq_*_get, oq_engine_next_deadline, oq_engine_check,
 * oq_engine_last_error, ...). Any mutating call made from a callback returns
 * OQ_EBUSY and changes nothing.
 *
 * Errors: every failing call returns a negative oq_status and sets the
 * engine's last-error message, which names the id or field at fault. A call
 * that fails validation changes nothing. */
#ifndef OMNIQ_ENGINE_H
#define OMNIQ_ENGINE_H

#include "omniq/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oq_engine oq_engine;

/* ---- events ------------------------------------------------------------ */

/* Event types (oq_event.type). */
#define OQ_EV_CONTACT_QUEUED    1  /* contact entered a queue (arrival, transfer) */
#define OQ_EV_OFFERED           2  /* agent reserved for contact; host should ring/present it */
#define OQ_EV_OFFER_REJECTED    3  /* host rejected the offer; contact re-routed without that agent */
#define OQ_EV_OFFER_TIMEOUT     4  /* offer expired; contact re-routed without that agent */
#define OQ_EV_ASSIGNED          5  /* host accepted the offer; contact in service */
#define OQ_EV_WRAPUP_STARTED    6  /* service ended; agent in after-contact work for the contact */
#define OQ_EV_COMPLETED         7  /* contact finished (after wrap-up); the engine forgets it */
#define OQ_EV_ABANDONED         8  /* customer left while queued or offered; engine forgets it */
#define OQ_EV_TRANSFERRED       9  /* contact moved to another queue (from_queue -> queue) */
#define OQ_EV_REMOVED          10  /* host removed the contact; engine forgets it */
#define OQ_EV_PRIORITY_CHANGED 11  /* contact priority changed (value in `priority`) */
#define OQ_EV_AGENT_STATE      12  /* agent's derived state changed (agent_state, prev_agent_state);
                                      also, with the state unchanged, when an agent holding work
                                      logs out (detail "logging out": a pending logout) */
#define OQ_EV_ESCALATED        13  /* an escalation step changed how the contact is routed (detail says how) */
#define OQ_EV_OVERFLOWED       14  /* contact moved by a rule to another queue (from_queue -> queue), keeping its arrival time */
#define OQ_EV_ALERT            15  /* supervisor alert raised by an escalation step or limit (detail) */
#define OQ_EV_DEADLINE_WARNING 16  /* a reply deadline is near */
#define OQ_EV_DEADLINE_BREACH  17  /* a reply deadline passed without a reply */
#define OQ_EV_QUEUE_REJECTED   18  /* contact refused by a queue limit (detail: the reason); engine forgets it */
#define OQ_EV_PARKED           19  /* work order parked: waiting for the customer, not for an agent */
#define OQ_EV_REOPENED         20  /* parked or finished work order back in a queue */
#define OQ_EV_INTERVAL_CLOSED  21  /* a statistics interval closed (time_ms = its end) */
#define OQ_EV_CALLBACK_QUEUED  22  /* a waiting contact became a callback that keeps its place in its
                                      queue (virtual hold): now an item of `channel`, the queue's
                                      callback_channel; detail "requested" or the limit reached */
#define OQ_EV_QUEUE_OPENED     23  /* the queue's calendar opened (queue; detail: the calendar id) */
#define OQ_EV_QUEUE_CLOSED     24  /* the queue's calendar closed (queue; detail: the calendar id) */

/* One engine event. All pointers are owned by the engine and valid only for
 * the duration of the callback; copy what you keep. Fields that do not apply
 * to an event type are NULL / 0. */
typedef struct oq_event {
    int32_t type;              /* OQ_EV_* */
    int32_t agent_state;       /* OQ_EV_AGENT_STATE: new OQ_AGENT_* state */
    int64_t time_ms;           /* engine time the event happened (a timer's exact due time) */
    const char *contact;       /* contact id */
    const char *agent;         /* agent id */
    const char *queue;         /* queue id (the destination for TRANSFERRED) */
    const char *from_queue;    /* TRANSFERRED: the queue the contact left */
    const char *channel;       /* contact's channel id */
    const char *detail;        /* AGENT_STATE: the not-ready reason, or "logging out" while a
                                  logged-out agent finishes its work; else a short explanation;
                                  may be NULL */
    int32_t prev_agent_state;  /* OQ_EV_AGENT_STATE: previous state */
    int32_t priority;          /* contact priority after the event */
    int64_t wait_ms;           /* ASSIGNED/ABANDONED/OFFERED: time since the contact entered its queue */
} oq_event;

/* Event sink. Called synchronously from inside the engine call that caused
 * the event, in the order the events happen. Must not call mutating engine
 * functions (they return OQ_EBUSY). */
typedef void (*oq_event_fn)(const oq_event *event, void *user);

/* Static names for event types ("offered"); "unknown" for others. Thread-safe. */
OQ_API const char *oq_event_type_name(int32_t type);

/* ---- host-supplied scoring (OQ_STRATEGY_HOST_SCORE) --------------------
 *
 * The host's score of `agent` for `contact` waiting in `queue` (ids, valid
 * during the call only). Higher is better. A NaN or negative score means
 * "not this agent": the agent is not offered this contact by this decision.
 *
 * When a contact of a host_score queue is routed, the engine takes the
 * qualified agents available for it (skills, tier, capacity, presence,
 * exclusions, reservations, as for every strategy) in the queue's
 * fallback order (preferred-skill matches, then longest idle, then the
 * order agents were added), scores the first `max_candidates` of them (one
 * call each) and offers the contact to the best score; equal scores go to
 * the earlier in that order. When an agent gains capacity it is scored
 * against the waiting contacts of each host_score lane it serves, in the
 * lane's order, at most `max_candidates` contacts per lane, and takes the
 * first it is not refused for. A refusal holds for that decision only: the
 * pair is scored again at the next decision that involves the contact or
 * the agent (any change that routes them: presence, capacity, priority,
 * escalation, arrivals). oq_engine_check does not hold host_score lanes to
 * "no waiting contact an available agent could take", as it would need the
 * host's answers.
 *
 * The scorer must be deterministic: a function of its arguments, of the
 * host's own data and of read-only engine calls (oq_*_get, which it may
 * make). Mutating engine calls from it return OQ_EBUSY and change nothing
 * (the engine is in the middle of a routing decision); it must not destroy
 * the engine. Journal replay and a restored snapshot route as the primary
 * did only if the same scorer (same answers, same max_candidates) is
 * registered before the first call (oq_engine_options.score, or
 * oq_engine_set_scorer right after oq_engine_restore). */
typedef double (*oq_score_fn)(const char *contact, const char *agent, const char *queue,
                              void *user);

#define OQ_SCORE_CANDIDATES_DEFAULT 16  /* oq_engine_set_scorer max_candidates 0 */
#define OQ_SCORE_CANDIDATES_MAX     256 /* agents (or contacts) scored per decision, at most */

/* ---- engine lifecycle -------------------------------------------------- */

/* Options of oq_engine_create: allocator hook, event callback, seed, start
 * clock, the abandon-resume window, the last-agent memory's bound and the
 * host scorer of host_score queues. Fill
 * with oq_engine_options_init, then set what differs. */
typedef struct oq_engine_options {
    uint32_t struct_size;  /* sizeof(oq_engine_options); set by oq_engine_options_init */
    oq_alloc_fn alloc;     /* NULL: the C library's malloc/realloc/free */
    void *alloc_user;
    oq_event_fn on_event;  /* NULL: events are discarded */
    void *event_user;
    uint64_t seed;         /* seeds OQ_STRATEGY_RANDOM; same seed, same decisions */
    int64_t start_ms;      /* the engine's clock starts here (>= 0); first now_ms must be >= it */
    double abandon_resume_s; /* a customer who abandons and comes back to the same queue within
                                this many seconds resumes their old place (0 = off) */
    int32_t last_agent_max;  /* customers whose last agent is remembered (last-agent routing,
                                model.h last_agent_window_s), at most; the least recently served
                                is forgotten first. 0..10000000, default 100000; 0 = none */
    int32_t reserved;        /* 0; fills the tail of the version that ended here, so the
                                fields after it start at its sizeof (core.h: versioned structs) */
    oq_score_fn score;       /* the scorer of OQ_STRATEGY_HOST_SCORE queues (above); NULL: none,
                                and such queues are refused (a configuration file naming one
                                loads only with it) */
    void *score_user;        /* passed back to `score` */
    int32_t score_max_candidates; /* calls per decision, at most: 0 = OQ_SCORE_CANDIDATES_DEFAULT,
                                     1..OQ_SCORE_CANDIDATES_MAX */
    int32_t reserved_2;      /* 0; fills this version's tail likewise */
} oq_engine_options;

/* Fill `opts` with defaults (struct_size set, malloc, no events, seed 1,
 * start 0, last_agent_max 100000). Always call this before setting fields. */
OQ_API void oq_engine_options_init(oq_engine_options *opts);

/* Create an engine. `opts` may be NULL for defaults; it is copied.
 * On success *out receives the engine (destroy with oq_engine_destroy).
 * Errors: OQ_EINVAL (out NULL, bad struct_size, a field out of range), OQ_ENOMEM. *out untouched
 * on error. */
OQ_API oq_status oq_engine_create(const oq_engine_options *opts, oq_engine **out);

/* Destroy an engine and every object in it; emits no events. NULL is a no-op.
 * Must not be called from inside a callback. */
OQ_API void oq_engine_destroy(oq_engine *e);

/* The message of the last failed call on this engine ("agent 'a7': unknown
 * agent"), or "" if none has failed. Owned by the engine, valid until the next
 * call on it. Never NULL for a non-NULL engine; NULL engine gives "". */
OQ_API const char *oq_engine_last_error(const oq_engine *e);

/* The engine's clock: the largest now_ms it has been given (or the due time
 * of the last timer it fired). Errors: OQ_EINVAL if an argument is NULL. */
OQ_API oq_status oq_engine_now(const oq_engine *e, int64_t *now_ms);

/* Restart the engine's random generator (the one OQ_STRATEGY_RANDOM draws
 * from) at `seed`, as oq_engine_options.seed does at creation: two engines
 * in the same state given the same seed make the same random routing
 * choices from then on. Keys already drawn (an agent's key in a random
 * queue, drawn when it joins the queue and after each offer) stay. Changes
 * nothing else; journaled (OQ_J_SET_SEED); the generator's state is in
 * snapshots. Not thread-safe (as every call on e). Errors: OQ_EINVAL (NULL
 * engine), OQ_EBUSY (from a callback; nothing changes). */
OQ_API oq_status oq_engine_set_seed(oq_engine *e, uint64_t seed);

/* Register (or replace) the engine's scorer for OQ_STRATEGY_HOST_SCORE
 * queues, as oq_engine_options.score does at creation, with
 * `user` passed back to it and `max_candidates` (0 = the default 16,
 * 1..OQ_SCORE_CANDIDATES_MAX) the bound on calls per decision. Replaces the
 * previous scorer; fn NULL unregisters it. Queues may use host_score only
 * while a scorer is registered (oq_queue_add / oq_queue_update and the
 * configuration loader refuse it otherwise with OQ_ESTATE, naming the
 * queue); unregistering while a queue uses it is OQ_ESTATE too. A restored
 * engine whose snapshot has host_score queues refuses every mutating call
 * (OQ_ESTATE, naming the queue) until a scorer is registered, so a standby
 * that forgot it fails loudly instead of routing differently.
 * Not journaled and not in snapshots: a function pointer means nothing to
 * another process; give it to every engine, primary and standby alike, in
 * the options of oq_engine_create, oq_engine_restore or the configuration
 * loader (or here, before any other call). Routes nothing by itself. Errors: OQ_EINVAL (e NULL, max_candidates out of range),
 * OQ_ESTATE, OQ_EBUSY (from a callback). Not thread-safe. */
OQ_API oq_status oq_engine_set_scorer(oq_engine *e, oq_score_fn fn, void *user,
                                      int32_t max_candidates);

/* ---- time -------------------------------------------------------------- */

/* The due time of the engine's earliest pending timer (offer time-out,
 * wrap-up end, ...), written to *deadline_ms; INT64_MAX if no timer is
 * pending. The host should call oq_engine_advance() at that time.
 * Errors: OQ_EINVAL if an argument is NULL. */
OQ_API oq_status oq_engine_next_deadline(const oq_engine *e, int64_t *deadline_ms);

/* Move the clock to now_ms, firing every timer due at or before it in due
 * order; each timer's events carry its exact due time. Every other call that
 * takes now_ms does this first, too (time passing is not undone if the call
 * then fails). Errors: OQ_EINVAL if now_ms is earlier than the clock
 * (times never go backwards), OQ_EBUSY inside a callback. */
OQ_API oq_status oq_engine_advance(oq_engine *e, int64_t now_ms);

/* ---- self-check -------------------------------------------------------- */

/* Verify every internal invariant: capacity accounting, indexes, heaps,
 * counters, contact and agent states, reservations, and that no waiting
 * contact could be offered to an available agent — now, or once a profile
 * delay, a reservation or an exclusion after a missed offer ends without a
 * timer that wakes the contact by then. O(size of the engine): for tests and
 * debugging. Returns OQ_OK, or OQ_ECORRUPT with the last-error message naming
 * the object and the invariant that fails. Read-only. Callable from a
 * callback, but the engine is then between two steps of one call, so only
 * the structures that are never transiently inconsistent (the timer heap)
 * are verified there. */
OQ_API oq_status oq_engine_check(oq_engine *e);

/* Counts of the objects in the engine. An output struct: set struct_size
 * (OQ_OUTPUT_INIT) before the call (core.h: versioned structs). */
typedef struct oq_engine_counts {
    uint32_t struct_size;      /* set by the caller: sizeof(oq_engine_counts) */
    int32_t channels, skills, groups, agents, queues;
    int32_t contacts;          /* all contacts the engine holds */
    int32_t contacts_queued;   /* waiting in a queue */
    int32_t contacts_offered;  /* reserved for an agent, awaiting accept */
    int32_t contacts_active;   /* in service */
    int32_t contacts_wrapup;   /* in after-contact work */
    int32_t timers;            /* pending timers */
    int32_t contacts_parked;   /* work orders parked (waiting for the customer) */
} oq_engine_counts;

/* Fill *out with current counts (only its struct_size bytes are written).
 * O(1). Read-only. Errors: OQ_EINVAL (NULL; struct_size out of range,
 * named in the last-error message). */
OQ_API oq_status oq_engine_get_counts(const oq_engine *e, oq_engine_counts *out);

/* ---- enumeration of the configuration's ids ------------------------------ */

/* Enumerate a configuration: object kinds for oq_config_count, oq_config_id,
 * oq_config_next and oq_config_exists. */
#define OQ_KIND_CHANNEL 1
#define OQ_KIND_SKILL   2
#define OQ_KIND_GROUP   3
#define OQ_KIND_PROFILE 4
#define OQ_KIND_QUEUE   5
#define OQ_KIND_AGENT   6

/* Number of objects of `kind` in the engine. O(1). Read-only: several threads
 * may call it on an engine no thread is changing. */
OQ_API oq_status oq_config_count(const oq_engine *e, int32_t kind, int32_t *count);
/* The id of the index-th object of `kind` (0-based, in creation order);
 * engine-owned, valid until the next mutating call. OQ_EINVAL out of range.
 * O(1) while nothing of that kind was removed, O(objects ever added) after a
 * removal: to list every id use oq_config_next. Read-only. */
OQ_API oq_status oq_config_id(const oq_engine *e, int32_t kind, int32_t index, const char **id);
/* Walk the ids of `kind` in creation order: set *cursor = 0, then each call
 * writes the next id (engine-owned, valid until the next mutating call) and
 * advances *cursor; OQ_ENOTFOUND once none is left. O(1) amortised per id,
 * removals included. The walk must not span a call that adds or removes an
 * object of that kind. Errors: OQ_EINVAL (NULL, unknown kind, *cursor < 0).
 * Read-only. */
OQ_API oq_status oq_config_next(const oq_engine *e, int32_t kind, int32_t *cursor,
                                const char **id);
/* OQ_OK when an object of `kind` has the id `id`, else OQ_ENOTFOUND; O(1).
 * Errors: OQ_EINVAL (NULL, unknown kind). Read-only. */
OQ_API oq_status oq_config_exists(const oq_engine *e, int32_t kind, const char *id);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_ENGINE_H */
