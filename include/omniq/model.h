/* SPDX-License-Identifier: MIT */
/* omniq — the model: channels, skills, agent groups, agents and queues.
 *
 * Every object is named by a host id: a NUL-terminated UTF-8 string of 1 to
 * OQ_ID_MAX bytes, copied by the engine. Ids are unique per kind (a queue and
 * an agent may share an id).
 *
 * All functions here take an engine created by oq_engine_create(), are not
 * thread-safe (see engine.h), return OQ_EBUSY when called from a callback
 * (except the *_get functions), and on error set the engine's last-error
 * message and change nothing. Common errors: OQ_EINVAL for a NULL engine,
 * NULL/empty/over-long id or out-of-range value (the message names the field),
 * OQ_ENOTFOUND for an unknown id, OQ_EEXIST for a duplicate id, OQ_ESTATE when
 * the object is in use. */
#ifndef OMNIQ_MODEL_H
#define OMNIQ_MODEL_H

#include "omniq/calendar.h"
#include "omniq/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OQ_ID_MAX 255          /* longest id, in bytes */
#define OQ_CAPACITY_MAX 10000  /* largest agent capacity / channel cost, in units */
#define OQ_LEVEL_MAX 1000      /* largest skill level scale */
#define OQ_PRIORITY_MAX 1000000 /* priorities lie in [-OQ_PRIORITY_MAX, OQ_PRIORITY_MAX] */

/* ---- channels ----------------------------------------------------------
 * A channel (medium) is defined by configuration, not hard-coded: voice,
 * callback, email, chat, wechat, weibo, ticket, ...
 *
 * Capacity: an agent has `capacity` units (default 100); each item of a
 * channel takes `capacity_cost` units while offered, in service and in
 * wrap-up. An agent also holds at most `max_per_agent` items of the channel
 * (overridable per agent). An `exclusive` channel (voice) is only offered to
 * an agent holding nothing, and while an agent holds one, it gets nothing
 * else. So "an agent on a call takes no chat, an agent can hold three chats"
 * is: voice exclusive, chat cost 30 and max 3. */
typedef struct oq_channel_spec {
    uint32_t struct_size;   /* set by oq_channel_spec_init */
    const char *id;
    int32_t synchronous;    /* 1 real-time (voice, chat), 0 asynchronous (email, ticket) */
    int32_t exclusive;      /* 1: needs an otherwise idle agent and blocks them */
    int32_t capacity_cost;  /* units per item, 1..OQ_CAPACITY_MAX (default 100) */
    int32_t max_per_agent;  /* default concurrent items per agent, >= 1 (default 1) */
} oq_channel_spec;

/* Defaults: synchronous 1, exclusive 0, capacity_cost 100, max_per_agent 1, id NULL. */
OQ_API void oq_channel_spec_init(oq_channel_spec *spec);

/* Add a channel. Errors: OQ_EINVAL (field out of range, named), OQ_EEXIST. */
OQ_API oq_status oq_channel_add(oq_engine *e, const oq_channel_spec *spec);

/* Change a channel's settings (spec->id names it). Items already held keep the
 * cost they were taken with; new limits apply to new offers. */
OQ_API oq_status oq_channel_update(oq_engine *e, const oq_channel_spec *spec);

/* Remove a channel. OQ_ESTATE while any queue accepts it or any contact uses it. */
OQ_API oq_status oq_channel_remove(oq_engine *e, const char *id);

/* Read a channel's settings into *out (out->id points to the engine's copy,
 * valid until the next mutating call). */
OQ_API oq_status oq_channel_get(const oq_engine *e, const char *id, oq_channel_spec *out);

/* ---- skills ------------------------------------------------------------
 * A skill has levels 1..max_level (higher is better). */

/* Add a skill with levels 1..max_level (1..OQ_LEVEL_MAX). */
OQ_API oq_status oq_skill_add(oq_engine *e, const char *id, int32_t max_level);

/* Remove a skill. OQ_ESTATE while any agent, queue or contact refers to it. */
OQ_API oq_status oq_skill_remove(oq_engine *e, const char *id);

/* Read a skill's max level. */
OQ_API oq_status oq_skill_get(const oq_engine *e, const char *id, int32_t *max_level);

/* ---- agent groups (teams) ---------------------------------------------- */

/* Add an agent group (team). Agents join groups; queues and ladder steps
 * target them; a group may carry a routing profile (profile.h). */
OQ_API oq_status oq_group_add(oq_engine *e, const char *id);
/* OQ_ESTATE while any agent belongs to it or any queue targets it. */
OQ_API oq_status oq_group_remove(oq_engine *e, const char *id);

/* ---- agents -------------------------------------------------------------
 * Agent states (derived, reported in oq_agent_info.state and events):
 *   OFFLINE    logged out and holding nothing
 *   READY      logged in, available, holding nothing
 *   NOT_READY  logged in, unavailable (reason given), holding nothing
 *   BUSY       holding at least one offered or in-service contact
 *   WRAPUP     holding only contacts in after-contact work
 * Presence (oq_agent_info.presence) is OFFLINE, READY or NOT_READY: what the
 * host last said. A READY agent who is BUSY still receives work while its
 * capacity allows. */
#define OQ_AGENT_OFFLINE   0
#define OQ_AGENT_READY     1
#define OQ_AGENT_NOT_READY 2
#define OQ_AGENT_BUSY      3
#define OQ_AGENT_WRAPUP    4

/* Static name of an agent state ("ready"); "unknown" for others. */
OQ_API const char *oq_agent_state_name(int32_t state);

/* Add an agent (offline) with `capacity` units, 1..OQ_CAPACITY_MAX. */
OQ_API oq_status oq_agent_add(oq_engine *e, const char *id, int32_t capacity);

/* Remove an agent. OQ_ESTATE unless it is offline and holds no contact. */
OQ_API oq_status oq_agent_remove(oq_engine *e, const char *id);

/* Set the agent's total capacity units (1..OQ_CAPACITY_MAX). Lowering it
 * below what the agent holds is allowed: it just gets no new work until its
 * load drops below. */
OQ_API oq_status oq_agent_set_capacity(oq_engine *e, const char *agent, int32_t capacity);

/* Give the agent `skill` at `level` (1..the skill's max_level), replacing any
 * previous level; level 0 removes the skill. Re-evaluates which queues the
 * agent can serve (and may route waiting contacts to it at once). */
OQ_API oq_status oq_agent_set_skill(oq_engine *e, int64_t now_ms, const char *agent,
                                    const char *skill, int32_t level);

/* Override how many items of `channel` the agent may hold at once:
 * 0 = none (the agent does not take the channel), -1 = back to the channel's
 * max_per_agent, otherwise 1..10000. */
OQ_API oq_status oq_agent_set_channel_limit(oq_engine *e, int64_t now_ms, const char *agent,
                                            const char *channel, int32_t max_items);

/* Put the agent in / take it out of a group. Joining twice or leaving a group
 * the agent is not in is OQ_ESTATE. */
OQ_API oq_status oq_agent_join_group(oq_engine *e, int64_t now_ms, const char *agent,
                                     const char *group);
OQ_API oq_status oq_agent_leave_group(oq_engine *e, int64_t now_ms, const char *agent,
                                      const char *group);

/* Presence changes. login: OFFLINE -> READY (ready != 0) or NOT_READY
 * (reason "login"); OQ_ESTATE if already logged in. ready / not_ready need a
 * logged-in agent; `reason` (not_ready) is copied, NULL or "" means "" (max
 * OQ_ID_MAX bytes). A READY agent immediately receives waiting work.
 * logout: offers pending for the agent go back to their queues (they keep
 * their place), contacts in service stay with the agent until completed, and
 * it receives no new work. An agent still holding work is reported at once:
 * an OQ_EV_AGENT_STATE event with its state unchanged (BUSY or WRAPUP) and
 * detail "logging out"; its later state events say "logging out" too, until
 * it is OFFLINE (presence is OFFLINE from the call on). */
OQ_API oq_status oq_agent_login(oq_engine *e, int64_t now_ms, const char *agent, int32_t ready);
OQ_API oq_status oq_agent_ready(oq_engine *e, int64_t now_ms, const char *agent);
OQ_API oq_status oq_agent_not_ready(oq_engine *e, int64_t now_ms, const char *agent,
                                    const char *reason);
OQ_API oq_status oq_agent_logout(oq_engine *e, int64_t now_ms, const char *agent);

/* End every wrap-up the agent is in now (the host's "done" button), before its
 * timer. OQ_ESTATE if the agent is in no wrap-up. */
OQ_API oq_status oq_agent_end_wrapup(oq_engine *e, int64_t now_ms, const char *agent);

/* What oq_agent_get reports of one agent: its state, capacity in use and the
 * figures a wallboard shows. Caller-owned; strings point into the engine and
 * stay valid until the next mutating call. An output struct (core.h): set
 * struct_size first (OQ_OUTPUT_INIT). */
typedef struct oq_agent_info {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT (core.h) */
    int32_t state;            /* OQ_AGENT_* derived state */
    int32_t presence;         /* OQ_AGENT_OFFLINE / READY / NOT_READY */
    int32_t capacity;         /* units */
    int32_t used_capacity;    /* units held by offered, active and wrap-up contacts */
    int32_t n_offered;        /* contacts offered, awaiting accept */
    int32_t n_active;         /* contacts in service */
    int32_t n_wrapup;         /* contacts in wrap-up */
    int32_t n_skills;
    int64_t state_since_ms;   /* when `state` last changed */
    int64_t idle_since_ms;    /* when the agent last came to hold nothing (longest-idle key) */
    int64_t handled;          /* contacts it has completed */
    const char *not_ready_reason; /* "" unless NOT_READY; engine-owned, valid until next mutating call */
} oq_agent_info;

/* Read an agent's current state into *out (an output struct: only its
 * struct_size bytes are written). Errors: OQ_EINVAL (NULL, struct_size out
 * of range), OQ_ENOTFOUND. */
OQ_API oq_status oq_agent_get(const oq_engine *e, const char *id, oq_agent_info *out);

/* Read the agent's level in `skill` into *level (0 if it lacks the skill). */
OQ_API oq_status oq_agent_get_skill(const oq_engine *e, const char *agent, const char *skill,
                                    int32_t *level);

/* ---- queues ------------------------------------------------------------ */

/* Contact ordering inside a queue. The default is OQ_ORDER_PRIORITY, which
 * with no aging and equal priorities is first come, first served. A raised
 * priority (oq_contact_set_priority, an OQ_STEP_RAISE_PRIORITY step) moves a
 * contact's place in its queue under PRIORITY; under FIFO and DEADLINE it
 * does not, and counts only when an agent serving several queues chooses
 * between their heads (queue priority + contact priority). */
#define OQ_ORDER_FIFO      0  /* strictly by time entered (place in line), priority ignored inside the queue */
#define OQ_ORDER_PRIORITY  1  /* by priority + aging_per_s x seconds waited, then age (the default) */
#define OQ_ORDER_DEADLINE  2  /* earliest reply deadline first (none = last), then age */

/* Agent selection strategy. Every strategy first ranks agents by how many of
 * the queue's preferred skills they have (more first), and ties always end
 * with the agent's longest idle time and then the order agents were added. */
#define OQ_STRATEGY_LONGEST_IDLE   0  /* earliest idle_since first */
#define OQ_STRATEGY_LEAST_OCCUPIED 1  /* lowest used/capacity first */
#define OQ_STRATEGY_BEST_SKILL     2  /* highest sum of levels in the queue's skills first */
#define OQ_STRATEGY_ROUND_ROBIN    3  /* the agent this queue offered to least recently first */
#define OQ_STRATEGY_FEWEST_HANDLED 4  /* fewest contacts taken from this queue first */
#define OQ_STRATEGY_RANDOM         5  /* uniformly random, from the engine's seeded generator */
#define OQ_STRATEGY_HOST_SCORE     6  /* the best score from the host's scorer (oq_engine_set_scorer)
                                         among the first max_candidates qualified available agents
                                         in longest-idle order; ties: the earlier of them */

/* Static names of orderings ("fifo", "priority", "deadline"); "unknown" for
 * other values. Thread-safe. */
OQ_API const char *oq_ordering_name(int32_t ordering);

/* Static names of strategies ("longest_idle", ..., "host_score"), the names
 * the configuration uses; "unknown" for other values. Thread-safe. */
OQ_API const char *oq_strategy_name(int32_t strategy);


/* A queue's settings for oq_queue_add / oq_queue_update: ordering, agent
 * selection, service-level target, offer and wrap-up times, limits and their
 * action. Fill with oq_queue_spec_init, then set what differs. */
typedef struct oq_queue_spec {
    uint32_t struct_size;      /* set by oq_queue_spec_init */
    const char *id;
    int32_t priority;          /* added to each contact's priority when comparing across queues */
    int32_t ordering;          /* OQ_ORDER_* */
    int32_t strategy;          /* OQ_STRATEGY_* */
    int32_t timeout_not_ready; /* 1: an agent whose offer times out is set NOT_READY ("no answer") */
    double sla_threshold_s;    /* service-level threshold T, seconds, >= 0 (default 20) */
    double sla_target;         /* target fraction answered within T, [0, 1] (default 0.8) */
    double offer_timeout_s;    /* seconds an offer waits for accept; 0 = never times out */
    double wrapup_s;           /* after-contact work, seconds; 0 = none */
    double aging_per_s;        /* OQ_ORDER_PRIORITY: priority points gained per second waited, >= 0 */
    /* Limits (escalation.h): what happens to a contact that arrives when
     * `max_length` contacts already wait (0 = no limit), or that has waited
     * `max_wait_s` (0 = no limit): limit_action OQ_LIMIT_*. */
    int32_t max_length;
    int32_t limit_action;      /* OQ_LIMIT_REJECT (default), OQ_LIMIT_OVERFLOW, OQ_LIMIT_CALLBACK,
                                  OQ_LIMIT_CALLBACK_KEEP_PLACE (escalation.h) */
    double max_wait_s;
    const char *limit_queue;   /* OVERFLOW / CALLBACK: the queue the contact goes to */
    const char *callback_channel; /* CALLBACK, CALLBACK_KEEP_PLACE and oq_contact_request_callback:
                                     the contact becomes an item of this channel */
    int32_t refuse_if_no_agents; /* 1: refuse arrivals while no eligible agent is logged in */
    int32_t outbound;          /* 1: proactive work (callbacks, follow-ups) blended behind inbound */
    double default_aht_s;      /* handle time assumed for estimates until contacts complete (default 180) */
    double deadline_warning_s; /* warn this long before a contact's reply deadline (0 = no warning) */
    int32_t keep_offer_on_not_ready; /* 1: an offer ringing on an agent who goes not ready rings
                                        on until accepted, rejected or timed out; 0 (default):
                                        it is withdrawn at once and the contact routed again */
    double retry_after_s;      /* an agent who rejects a contact or lets its offer time out is
                                  not offered it again for this long (default 30; 0 = the next
                                  millisecond), doubled for each earlier miss of that contact in
                                  a row, and only until its presence changes (Asterisk `retry`) */
    int32_t max_offers;        /* a contact whose offers in this queue were rejected or timed
                                  out this many times gets limit_action (escalation.h; detail
                                  "max offers"); 0 = no cap (default), at most 32767 */
    /* Last-agent routing (Genesys, Salesforce): with last_agent_window_s > 0
     * the engine remembers, per customer id, the agent who last accepted one
     * of its contacts in this queue, and a contact of that customer arriving
     * here within the window of that acceptance (and naming no
     * preferred_agent) prefers that agent if it may serve the queue, as a
     * named preferred agent with preferred_wait_s = last_agent_wait_s
     * (contact.h). Memory: oq_engine_options.last_agent_max customers; read
     * with oq_customer_last_agent. */
    double last_agent_window_s; /* e.g. 259200 (72 h); 0 = off (default) */
    double last_agent_wait_s;   /* reserve the contact for that agent this long (0 = only offered
                                   first if it can take it at once) */
    /* Business hours (docs/calendars.md): `calendar` names a calendar added
     * with oq_engine_add_calendar. A contact arriving while it is closed gets
     * closed_action (OQ_CLOSED_*); the queue reports OQ_EV_QUEUE_OPENED /
     * OQ_EV_QUEUE_CLOSED when the calendar opens and closes. Hours decide
     * what happens to arrivals only: contacts already waiting stay, and an
     * agent logged in after hours may still serve them. */
    const char *calendar;      /* NULL = no hours: always open (default) */
    int32_t closed_action;     /* OQ_CLOSED_REJECT (default), _WAIT, _OVERFLOW, _CALLBACK */
    const char *closed_queue;  /* OVERFLOW / CALLBACK: the queue the contact goes to */
    int32_t business_time;     /* 1: with a calendar, the service-level threshold, max_wait_s,
                                  escalation-step delays and deadline_warning_s count only the
                                  calendar's open time (docs/calendars.md); 0 = wall time */
    int32_t reserved;          /* 0; fills the tail, so a field added later starts after
                                  this version's sizeof (core.h: versioned structs) */
} oq_queue_spec;

/* What a queue with a calendar does with a contact that arrives while the
 * calendar is closed (oq_queue_spec.closed_action). */
#define OQ_CLOSED_REJECT   0 /* OQ_EV_QUEUE_REJECTED with detail "closed"; the engine forgets it */
#define OQ_CLOSED_WAIT     1 /* queued as usual, to be served when agents are there */
#define OQ_CLOSED_OVERFLOW 2 /* moved to closed_queue (OQ_EV_OVERFLOWED, detail "closed") */
#define OQ_CLOSED_CALLBACK 3 /* becomes an item of callback_channel in closed_queue
                                (OQ_EV_OVERFLOWED, detail "closed callback") */

/* Defaults: priority 0, OQ_ORDER_PRIORITY (priority then age), longest
 * idle, threshold 20 s, target 0.8, offer time-out 30 s, no wrap-up, no aging, timeout_not_ready 0, no limits,
 * inbound, default_aht_s 180, no deadline warning, offers withdrawn from
 * agents going not ready, retry_after_s 30, no max_offers, no last-agent
 * routing. */
OQ_API void oq_queue_spec_init(oq_queue_spec *spec);

/* Add a queue. It accepts no channel until oq_queue_add_channel(). */
OQ_API oq_status oq_queue_add(oq_engine *e, const oq_queue_spec *spec);

/* Change a queue's settings (spec->id names it). A new ordering or strategy
 * re-sorts its waiting contacts / agents; a new max_wait_s applies to the
 * contacts already waiting (from when they entered the queue); time-outs
 * apply to new offers. */
OQ_API oq_status oq_queue_update(oq_engine *e, int64_t now_ms, const oq_queue_spec *spec);

/* Remove a queue. OQ_ESTATE while any contact is in it (queued, offered or in service). */
OQ_API oq_status oq_queue_remove(oq_engine *e, const char *id);

/* Let the queue accept contacts of `channel` / stop accepting (OQ_ESTATE while
 * contacts of that channel wait in it). */
OQ_API oq_status oq_queue_add_channel(oq_engine *e, int64_t now_ms, const char *queue,
                                      const char *channel);
OQ_API oq_status oq_queue_remove_channel(oq_engine *e, int64_t now_ms, const char *queue,
                                         const char *channel);

/* Require `skill` at `min_level` or more (1..max_level) for every contact of
 * the queue; 0 removes the requirement. */
OQ_API oq_status oq_queue_require_skill(oq_engine *e, int64_t now_ms, const char *queue,
                                        const char *skill, int32_t min_level);

/* Prefer agents having `skill` at `min_level` or more; 0 removes the preference. */
OQ_API oq_status oq_queue_prefer_skill(oq_engine *e, int64_t now_ms, const char *queue,
                                       const char *skill, int32_t min_level);

/* Restrict the queue to agents of `group` (a queue with no target group is
 * served by every agent with the skills). Adding twice / removing a group
 * not targeted is OQ_ESTATE. */
OQ_API oq_status oq_queue_add_group(oq_engine *e, int64_t now_ms, const char *queue,
                                    const char *group);
OQ_API oq_status oq_queue_remove_group(oq_engine *e, int64_t now_ms, const char *queue,
                                       const char *group);

/* What oq_queue_get reports of one queue: its live counts (its settings are
 * read with oq_queue_get_spec). An output struct (core.h): set struct_size
 * first (OQ_OUTPUT_INIT). */
typedef struct oq_queue_info {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT (core.h) */
    int32_t n_channels;
    int32_t n_required_skills;
    int32_t n_preferred_skills;
    int32_t n_groups;
    int32_t waiting;           /* contacts queued now */
    int32_t offered;           /* contacts offered now */
    int32_t active;            /* contacts in service now (incl. wrap-up) */
    int32_t eligible_agents;   /* agents whose skills and groups qualify them */
    int32_t open;              /* 1 when the queue's calendar is open at the engine clock
                                  (always 1 without a calendar) */
} oq_queue_info;

/* Read a queue's current figures into *out (an output struct: only its
 * struct_size bytes are written). O(1). Errors: OQ_EINVAL (NULL, struct_size
 * out of range), OQ_ENOTFOUND. */
OQ_API oq_status oq_queue_get(const oq_engine *e, const char *id, oq_queue_info *out);

/* Read a queue's settings in force into *out, which the caller prepares
 * with oq_queue_spec_init: only out->struct_size bytes are written (core.h,
 * versioned structs), so a host built against an older header gets the
 * fields it knows. out->id and the other strings point to the engine's
 * copies, valid until the next mutating call. O(1). Errors: OQ_EINVAL (NULL,
 * struct_size out of range), OQ_ENOTFOUND. Read-only: several threads may
 * call it on an engine no thread is changing. */
OQ_API oq_status oq_queue_get_spec(const oq_engine *e, const char *id, oq_queue_spec *out);

/* ---- calendars ---------------------------------------------------------
 * The engine keeps its own deep copies of calendars (calendar.h), made with
 * the engine's allocator and named by the calendar's id; queues name them
 * (oq_queue_spec.calendar). One engine timer per calendar fires at its next
 * opening or closing and reports OQ_EV_QUEUE_OPENED / OQ_EV_QUEUE_CLOSED
 * (detail: the calendar id) for every queue naming it. Calendars are in
 * snapshots and journal records (the zone's rules as the calendar read them,
 * so a restore does not depend on the tz database it runs with). */

/* Add a copy of `cal` (the host keeps and frees its own). Errors: OQ_EINVAL
 * (NULL), OQ_EEXIST (a calendar with that id), OQ_ENOMEM. */
OQ_API oq_status oq_engine_add_calendar(oq_engine *e, int64_t now_ms, const oq_calendar *cal);

/* Replace the calendar with `cal`'s id by a copy of `cal`. Queues naming it
 * follow the new hours at once: when the open state changes now, they report
 * it (OQ_EV_QUEUE_OPENED / _CLOSED) at now_ms, and the next opening or
 * closing is recomputed. Deadlines already armed keep their due times.
 * Errors: OQ_EINVAL, OQ_ENOTFOUND (no such calendar), OQ_ENOMEM. */
OQ_API oq_status oq_engine_replace_calendar(oq_engine *e, int64_t now_ms, const oq_calendar *cal);

/* Remove a calendar. Errors: OQ_ENOTFOUND, OQ_ESTATE (a queue names it). */
OQ_API oq_status oq_engine_remove_calendar(oq_engine *e, const char *id);

/* The engine's copy of calendar `id`, to query (calendar.h); owned by the
 * engine, valid until that calendar is replaced or removed or the engine is
 * destroyed. Callable from a callback. Errors: OQ_EINVAL, OQ_ENOTFOUND. */
OQ_API oq_status oq_engine_get_calendar(const oq_engine *e, const char *id,
                                        const oq_calendar **out);

/* Number of calendars in the engine. Errors: OQ_EINVAL. */
OQ_API oq_status oq_engine_calendar_count(const oq_engine *e, int32_t *count);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_MODEL_H */
