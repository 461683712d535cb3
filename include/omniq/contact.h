/* SPDX-License-Identifier: MIT */
/* omniq — contacts (work items) and offers.
 *
 * Lifecycle of a contact:
 *
 *   arrive -> QUEUED -> OFFERED -(accept)-> ACTIVE -(complete)-> WRAPUP -> completed
 *               ^          |                  |                    (or completed at
 *               +-(reject / time-out / agent logout)                once if no wrap-up)
 *   QUEUED/OFFERED -(abandon)-> abandoned;  any state -(remove)-> removed;
 *   QUEUED/OFFERED/ACTIVE -(transfer)-> QUEUED in another queue;
 *   QUEUED/OFFERED/ACTIVE -(park)-> PARKED -(reopen)-> QUEUED (work orders);
 *   QUEUED/OFFERED -(request callback)-> QUEUED as a kept-place callback.
 *
 * A completed, abandoned or removed contact is reported once (OQ_EV_COMPLETED,
 * OQ_EV_ABANDONED, OQ_EV_REMOVED) and forgotten: its id may be reused.
 *
 * Reservations: a contact may be reserved for a named agent for a while (its
 * preferred agent with preferred_wait_s, a work order's owner on reopening,
 * oq_contact_transfer_to_agent): nobody else is offered it meanwhile. A
 * reservation is made only for an agent logged in and ready (busy is fine)
 * and ends at once — the contact goes to the others — when that agent
 * rejects it, lets its offer time out, goes not ready or logs out.
 *
 * An offer reserves the agent's capacity for the contact. An agent who
 * rejects a contact (or lets its offer time out) is kept from it for its
 * queue's retry_after_s, or until the agent's presence changes (login,
 * ready, not ready, logout), or the contact moves to another queue; then it
 * may get it again — if nobody else took it, a timer brings it back to that
 * agent when the time is up. A queue with max_offers applies its limit
 * action once that many offers of the contact were rejected or timed out
 * there. Routing happens inside the calls: when a contact arrives
 * it is offered at once to the best available agent, and when an agent gains
 * capacity it is offered the best waiting contact it can take.
 *
 * Same rules as model.h: not thread-safe, OQ_EBUSY from callbacks, every
 * error names the field or id, and a call that fails validation changes
 * nothing. Calls taking now_ms first fire the timers due by then. */
#ifndef OMNIQ_CONTACT_H
#define OMNIQ_CONTACT_H

#include "omniq/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OQ_CONTACT_QUEUED  1
#define OQ_CONTACT_OFFERED 2
#define OQ_CONTACT_ACTIVE  3
#define OQ_CONTACT_WRAPUP  4
#define OQ_CONTACT_PARKED  5  /* work order waiting for the customer, not for an agent */

/* Static name of a contact state ("queued"); "unknown" for others. */
OQ_API const char *oq_contact_state_name(int32_t state);

#define OQ_CONTACT_SKILLS_MAX 32  /* extra required / preferred skills per contact */

/* A new contact for oq_contact_arrive: id, channel, queue, priority, customer,
 * required and preferred skills, reply deadline. Fill with oq_contact_spec_init. */
typedef struct oq_contact_spec {
    uint32_t struct_size;       /* set by oq_contact_spec_init */
    const char *id;             /* required */
    const char *channel;        /* required: a channel the queue accepts */
    const char *queue;          /* required */
    const char *customer;       /* optional customer id (copied), NULL for none */
    const char *preferred_agent;/* optional: offered to this agent first when it is available */
    int32_t priority;           /* added to the queue's priority; higher is served first */
    int32_t n_required;         /* skills required beyond the queue's, 0..OQ_CONTACT_SKILLS_MAX */
    const char *const *required_skills;  /* n_required skill ids */
    const int32_t *required_levels;      /* n_required minimum levels */
    int32_t n_preferred;        /* skills preferred: tried as requirements first, dropped if nobody has them */
    const char *const *preferred_skills;
    const int32_t *preferred_levels;
    int64_t deadline_ms;        /* reply deadline (host ms): ordering, warning and breach events; 0 = none */
    double preferred_wait_s;    /* with preferred_agent: offer it to nobody else for this long (0 = only if
                                   available now), while that agent is logged in and ready (see above) */
} oq_contact_spec;

/* Zero everything and set struct_size. */
OQ_API void oq_contact_spec_init(oq_contact_spec *spec);

/* A contact arrives. It is queued and, if an eligible agent has capacity,
 * offered at once (events QUEUED then OFFERED). Errors: OQ_EINVAL (missing
 * field, bad level, priority out of range), OQ_ENOTFOUND (unknown channel,
 * queue, skill or preferred agent), OQ_EEXIST (id in use), OQ_ESTATE (the
 * queue does not accept the channel). */
OQ_API oq_status oq_contact_arrive(oq_engine *e, int64_t now_ms, const oq_contact_spec *spec);

/* The agent accepts the contact offered to it: ACTIVE. OQ_ESTATE if the
 * contact is not currently offered to that agent (e.g. the offer timed out). */
OQ_API oq_status oq_offer_accept(oq_engine *e, int64_t now_ms, const char *contact,
                                 const char *agent);

/* The agent rejects the offer: the contact is routed again, not to that
 * agent for its queue's retry_after_s (see above), or gets its queue's limit
 * action when max_offers is reached. */
OQ_API oq_status oq_offer_reject(oq_engine *e, int64_t now_ms, const char *contact,
                                 const char *agent);

/* The customer leaves a QUEUED or OFFERED contact (OQ_ESTATE otherwise). */
OQ_API oq_status oq_contact_abandon(oq_engine *e, int64_t now_ms, const char *contact);

/* Service of an ACTIVE contact ends: it enters wrap-up for its queue's
 * wrapup_s (keeping its capacity), or completes at once if that is 0. */
OQ_API oq_status oq_contact_complete(oq_engine *e, int64_t now_ms, const char *contact);

/* Move a QUEUED, OFFERED or ACTIVE contact to `queue` (which must accept its
 * channel); it waits there from now, the agent it was offered to or served by
 * is released (without wrap-up), and its list of rejecting agents is cleared. */
OQ_API oq_status oq_contact_transfer(oq_engine *e, int64_t now_ms, const char *contact,
                                     const char *queue);

/* The customer of a QUEUED or OFFERED contact asks to be called back (the
 * caller pressed 1): the contact becomes a kept-place callback (virtual
 * hold). It stays in its queue with its place in line (arrival time,
 * priority, ladder progress), as an item of the queue's callback_channel,
 * and is offered on that channel when its turn comes; an offer ringing for
 * it is withdrawn first. Agents who missed it may take the callback at once.
 * OQ_EV_CALLBACK_QUEUED (detail "requested"). Its wait in the queue keeps
 * running until an agent accepts the callback (docs/statistics.md); it is
 * exempt from max_wait_s. Errors: OQ_ESTATE (not QUEUED / OFFERED, already a
 * kept-place callback, the queue has no callback_channel or does not accept
 * it), OQ_ENOMEM (nothing changed). */
OQ_API oq_status oq_contact_request_callback(oq_engine *e, int64_t now_ms, const char *contact);

/* Set the contact's priority (re-orders its queue at once). */
OQ_API oq_status oq_contact_set_priority(oq_engine *e, int64_t now_ms, const char *contact,
                                         int32_t priority);

/* ---- work orders (工单) --------------------------------------------------- */

/* Park a QUEUED, OFFERED or ACTIVE contact: it now waits for the customer,
 * not for an agent, and is not counted as waiting. An agent serving it (or
 * ringing) is released without wrap-up and becomes its owner; `reason` is
 * recorded in its history (copied; NULL for none). Its reply deadline pauses:
 * when it is reopened, the deadline (and so its warning) moves later by the
 * time it spent parked (oq_contact_get reports the moved deadline). */
OQ_API oq_status oq_contact_park(oq_engine *e, int64_t now_ms, const char *contact,
                                 const char *reason);

/* Reopen a PARKED contact into `queue` (NULL: the queue it was in). It waits
 * from now; with owner_wait_s > 0 it is reserved that long for its owner (the
 * agent it was parked from) before anyone else may take it. */
OQ_API oq_status oq_contact_reopen(oq_engine *e, int64_t now_ms, const char *contact,
                                   const char *queue, double owner_wait_s);

/* Escalate a QUEUED, OFFERED or ACTIVE contact to a second-tier queue with a
 * reason: a transfer (OQ_EV_TRANSFERRED, detail = reason) recorded as an
 * escalation in its history. */
OQ_API oq_status oq_contact_escalate(oq_engine *e, int64_t now_ms, const char *contact,
                                     const char *queue, const char *reason);

/* Transfer a QUEUED, OFFERED or ACTIVE contact to a named agent: it goes back
 * into its queue reserved for that agent for wait_s seconds (> 0), then any
 * agent may take it. OQ_ESTATE if the agent cannot serve the queue. */
OQ_API oq_status oq_contact_transfer_to_agent(oq_engine *e, int64_t now_ms, const char *contact,
                                              const char *agent, double wait_s);

/* One entry of a contact's history: arrivals, assignments, transfers,
 * overflows, escalations, parking and reopening, with their times. */
typedef struct oq_history_entry {
    int32_t type;              /* the OQ_EV_* of what happened */
    int32_t reserved;
    int64_t time_ms;
    const char *queue;         /* queue it was in / went to (engine-owned, valid until next mutating call) */
    const char *agent;         /* agent involved, or NULL (NULL also once that agent was removed) */
    const char *detail;        /* reason, or NULL */
} oq_history_entry;

/* Number of history entries of a contact (a contact keeps at most
 * OQ_HISTORY_MAX; older ones are dropped first). */
#define OQ_HISTORY_MAX 64
OQ_API oq_status oq_contact_history_count(const oq_engine *e, const char *contact, int32_t *count);
/* Entry `index` (0 = oldest kept). OQ_EINVAL for an index out of range. */
OQ_API oq_status oq_contact_history_get(const oq_engine *e, const char *contact, int32_t index,
                                        oq_history_entry *out);

/* Remove the contact whatever its state (releasing any agent, no wrap-up). */
OQ_API oq_status oq_contact_remove(oq_engine *e, int64_t now_ms, const char *contact);

/* What oq_contact_get reports of one contact: state, queue, agent, times and
 * skills. Caller-owned; strings point into the engine until the next mutating
 * call. An output struct (core.h): set struct_size first, e.g.
 * `oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);`. */
typedef struct oq_contact_info {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT (core.h) */
    int32_t state;              /* OQ_CONTACT_* */
    int32_t priority;
    int64_t arrived_ms;         /* first arrival in the engine */
    int64_t enqueued_ms;        /* entered its current queue */
    int64_t deadline_ms;        /* 0 = none */
    int32_t n_rejected;         /* agents kept from it now: they rejected it / let it time out
                                   within retry_after_s and their presence has not changed */
    int32_t n_offers;           /* offers made so far */
    const char *queue;          /* engine-owned strings, valid until next mutating call */
    const char *channel;
    const char *agent;          /* agent offered to / serving it; NULL when QUEUED */
    const char *customer;       /* NULL if none */
    const char *preferred_agent;/* the agent it is offered first / reserved for (its preferred
                                   agent, last agent, owner or transfer target), NULL if none */
    int64_t reserved_until_ms;  /* QUEUED: reserved for preferred_agent until then, 0 = not */
    int32_t kept_place_callback;/* 1: a callback keeping its place (oq_contact_request_callback) */
    int32_t reserved;
} oq_contact_info;

/* The agent who last accepted a contact of `customer` in a queue with
 * last_agent_window_s > 0 (model.h) into *agent (engine-owned, valid until
 * the next mutating call), and when, into *served_ms. Read-only.
 * Errors: OQ_EINVAL (NULL, bad id), OQ_ENOTFOUND (none remembered: never
 * served there, forgotten — older than every queue's window or beyond
 * oq_engine_options.last_agent_max — or that agent was removed). */
OQ_API oq_status oq_customer_last_agent(const oq_engine *e, const char *customer,
                                        const char **agent, int64_t *served_ms);

/* Read a contact's current state into *out (an output struct: only its
 * struct_size bytes are written). OQ_ENOTFOUND for unknown (or finished)
 * contacts; OQ_EINVAL for NULL or a struct_size out of range. */
OQ_API oq_status oq_contact_get(const oq_engine *e, const char *id, oq_contact_info *out);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_CONTACT_H */
