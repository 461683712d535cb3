/* SPDX-License-Identifier: MIT */
/* Internal: the engine's object model. Shared by the files of lib/engine.
 *
 * Index layout (DESIGN.md §4):
 * - A queue has one *lane* per channel it accepts. A lane holds two heaps:
 *   its waiting contacts (ordered by the queue's ordering) and the agents that
 *   could take one of its contacts right now (eligible, READY, with capacity
 *   for the channel; ordered by the queue's strategy).
 * - An agent eligible for a queue (skills, groups) has one *member* record
 *   for it, which remembers its position in each of the queue's lane heaps.
 * So a contact finds its agent at the top of one heap, and a freed agent finds
 * its contact among the heads of its queues' lanes. */
#ifndef OQ_MODEL_TYPES_H
#define OQ_MODEL_TYPES_H

#include <stdint.h>

#include "core/heap.h"
#include "core/idmap.h"
#include "core/idtable.h"
#include "core/mem.h"
#include "omniq/contact.h"
#include "omniq/engine.h"
#include "omniq/escalation.h"
#include "omniq/model.h"
#include "omniq/profile.h"
#include "omniq/journal.h"

#define OQ_QUEUE_CHANNELS_MAX 16 /* channels one queue may accept */

/* Timer kinds. A contact's deadlines are slots of the contact, multiplexed
 * into one entry of the timer heap (timers.c); engine-level timers
 * (statistics intervals) live in their module. */
enum {
    OQ_TIMER_NONE = 0,
    OQ_TIMER_OFFER,   /* contact slot OQ_CT_SERVICE: offer time-out */
    OQ_TIMER_WRAPUP,  /* contact slot OQ_CT_SERVICE: end of wrap-up */
    OQ_TIMER_WAIT,    /* contact slot OQ_CT_WAIT: ladder step, preferred-agent wait, max wait */
    OQ_TIMER_DUE,     /* contact slot OQ_CT_DUE: reply deadline warning / breach */
    OQ_TIMER_AGENT,   /* agent->timer: end of a back-off or fairness block */
    OQ_TIMER_STATS,   /* the statistics interval */
    OQ_TIMER_CALENDAR,/* calendar->timer: its next opening or closing */
    OQ_TIMER_CONTACT  /* a contact's heap entry: keyed by its soonest armed slot */
};
/* A contact's timer slots: each holds one deadline and the sequence number
 * it was armed with, so the multiplexed entry fires them in exactly the
 * order three separate timers would. */
enum { OQ_CT_SERVICE = 0, OQ_CT_WAIT, OQ_CT_DUE };
#define OQ_CONTACT_TIMERS 3 /* slots per contact (one heap entry) */
#define OQ_CT_ARMED(slot) (1 << (8 + (slot))) /* oq_contact.t_kind: the slot is armed */
#define OQ_CT_WRAPUP (1 << 11)               /* slot OQ_CT_SERVICE holds OQ_TIMER_WRAPUP */
#define OQ_CT_NEXT_SHIFT 12                  /* two bits: the slot keying the entry */
#define OQ_TIERS_MAX (OQ_LADDER_MAX + 1)
#define OQ_ENGINE_TIMERS 1 /* engine-level timers: the statistics interval */
#define OQ_SOFT_MAX 16     /* lost allocations one journal record can name */

struct oq_stats;
struct oq__observer;

/* pos and kind come first: a contact's heap entry (oq_contact.t_pos,
 * .t_kind) has them at the same offsets, and the timer heap reads the kind
 * to know which one an item is (timers.c). */
typedef struct oq_timer {
    int32_t pos;    /* heap position, -1 when not armed */
    int32_t kind;   /* OQ_TIMER_* */
    int64_t due;
    uint64_t seq;   /* ties between equal due times fire in creation order */
} oq_timer;

/* An agent kept from a contact after it rejected it or let an offer time
 * out: until `until`, and only while the agent's presence has not changed
 * since (presence_gen). Kept after `until` while the presence holds, to
 * count the agent's misses of the contact in a row (each one doubles the
 * next exclusion, so a contact and an agent that never answer cost a
 * logarithmic number of offers, not one per retry_after_s, over any span). */
typedef struct oq_exclusion {
    uint64_t agent_seq;
    int64_t until;
    int32_t agent;           /* agent index (seq tells whether it is still that agent) */
    uint32_t gen;            /* the agent's presence_gen when it was excluded */
    uint32_t misses;         /* the agent's misses of the contact in a row, >= 1 */
    uint32_t reserved;
} oq_exclusion;

typedef struct oq_skill_level {
    int32_t skill;
    int32_t level;
} oq_skill_level;

typedef struct oq_channel {
    char *id;
    int32_t idx;
    int32_t synchronous, exclusive, cost, max_per_agent;
    int32_t n_queues;    /* queues accepting it */
    int32_t n_contacts;  /* contacts of this channel in the engine */
    int32_t tally[2];    /* oq_engine_check's scratch: queues, contacts */
} oq_channel;

typedef struct oq_skill {
    char *id;
    int32_t idx;
    int32_t max_level;
    int32_t refs;        /* agents, queue requirements/preferences, contacts using it */
    int32_t tally;       /* oq_engine_check's scratch */
} oq_skill;

typedef struct oq_group {
    char *id;
    int32_t idx;
    int32_t refs;        /* agents in it + queues targeting it */
    int32_t profile;     /* routing profile index, -1 none */
    int32_t tally;       /* oq_engine_check's scratch */
} oq_group;

/* A calendar the engine owns (calendars.c): queues name it by index. */
typedef struct oq_ecal {
    char *id;                /* the engine's copy: the map's key (a replaced calendar keeps it) */
    struct oq_calendar *cal; /* made with the engine's allocator */
    int32_t idx;
    int32_t refs;            /* queues naming it */
    int32_t tally;           /* oq_engine_check's scratch */
    int32_t open;            /* open at the clock, as last reported */
    oq_timer timer;          /* its next opening or closing (none: it never changes) */
} oq_ecal;

typedef struct oq_profile_queue {
    int32_t queue;
    int32_t priority;    /* 1 = first */
    int64_t delay_ms;
} oq_profile_queue;

typedef struct oq_profile {
    char *id;
    int32_t idx;
    int32_t refs;        /* agents and groups using it */
    int32_t tally;       /* oq_engine_check's scratch */
    oq_profile_queue *queues;
    int32_t n_queues, cap_queues;
    int32_t *ch_max, *ch_cross; /* per channel index; ch_cap long; -1 / 1 = defaults */
    int32_t ch_cap;
    int32_t force_longest_waiting, idle_measure;
} oq_profile;

#define OQ_QUEUE_DELAYS_MAX 16 /* distinct profile delays a queue tracks exactly */

typedef struct oq_agent oq_agent;
typedef struct oq_queue oq_queue;
typedef struct oq_contact oq_contact;
typedef struct oq_served oq_served; /* last_agent.c: a customer's last agent */

/* What few contacts need - a preferred agent (named, last-agent routing, a
 * work order's owner, a transfer to an agent), preferred skills, a reply
 * deadline, the agents that missed it - kept apart so a waiting contact
 * without them does not carry it (docs/performance.md, "Memory"). Allocated
 * by the call that first needs it before it changes anything (arrival,
 * park, transfer to an agent, a reject, restore: oq__contact_ext; an offer's
 * time-out as an allocation it may lose) and given back with the contact
 * (to the engine's spare blocks, contact_life.c, emptied when taken); NULL
 * reads as none (deadline 0, pref_until 0, pref_agent_idx -1,
 * pref_agent_seq 0, pref_hold 0, slot OQ_CT_DUE unarmed, no exclusions). It exists whenever the contact has preferred
 * skills or a deadline, the two things set only at arrival (a reopen moves
 * a deadline it has), so neither the ladder nor the deadline's timer ever
 * allocates (oq_engine_check). */
typedef struct oq_contact_ext {
    int64_t deadline;        /* reply deadline (ms), 0 = none: a contact given one has this block */
    int64_t pref_until;      /* reserved for the preferred agent until then, 0 = not; only while
                                that agent is logged in and ready (it is in its reserved list) */
    uint64_t pref_agent_seq;
    int64_t due_at;          /* timer slot OQ_CT_DUE: due time ... */
    uint64_t due_seq;        /* ... and arming sequence */
    oq_exclusion *rejects;   /* agents that rejected it or let an offer time out, for a while:
                                none until the first miss, then room for one more than n_rejects */
    int32_t n_rejects, cap_rejects;
    int32_t pref_agent_idx;  /* -1 none */
    uint32_t pref_hold;      /* bit i: preferred skill i is waited for until a ladder step drops it */
} oq_contact_ext;

/* What only a contact that holds an agent needs - OFFERED, ACTIVE or WRAPUP:
 * the agent, the capacity it took, its offer / accept / wrap-up times and
 * timer slot OQ_CT_SERVICE (offer time-out or end of wrap-up) - kept apart
 * so a waiting contact does not carry it (issue #22, docs/performance.md
 * "Memory"). Taken by the offer (route.c make_offer) from the engine's free
 * list (svc.c) and given back when the contact lets its agent go; never
 * allocated while routing: the calls that can fail keep the free list as
 * long as the offers their routing can still make (svc.c explains the
 * bound). NULL in the record reads as none (agent NULL, the rest 0). */
typedef struct oq_contact_svc {
    union {
        oq_agent *agent;                 /* while a contact holds it */
        struct oq_contact_svc *next_free; /* while on the engine's free list */
    };
    int64_t offered_at, assigned_at, wrapup_at; /* last offer / accept / start of wrap-up, 0 = not yet */
    int64_t t_due;           /* timer slot OQ_CT_SERVICE: due time ... */
    uint64_t t_seq;          /* ... and arming sequence */
    int32_t cost;            /* capacity units taken when it was offered */
    int32_t exclusive;       /* its channel was exclusive when it was offered */
} oq_contact_svc;

typedef struct oq_member {
    oq_agent *agent;
    oq_queue *queue;
    int32_t slot_in_agent;   /* index in agent->members */
    int32_t slot_in_queue;   /* index in queue->members */
    int32_t first_tier;      /* lowest ladder tier whose (relaxed) requirements it meets */
    int32_t pref_match;      /* queue's preferred skills the agent meets */
    int32_t skill_score;     /* sum of the agent's levels in the queue's skills */
    int32_t profile_priority;/* from the agent's routing profile, 0 without one */
    int64_t delay_ms;        /* contacts reach it only after waiting this long */
    int64_t rr_seq;          /* round robin: queue's offer counter at its last offer */
    int64_t taken;           /* contacts accepted from this queue */
    uint64_t rand_key;       /* random strategy: redrawn after every offer */
    struct oq_member *spare_next; /* chains members allocated ahead of a sync */
    int32_t pos[OQ_QUEUE_CHANNELS_MAX]; /* position in each lane's agent heap, -1 = absent */
} oq_member;

struct oq_agent {
    char *id;
    int32_t idx;
    uint64_t seq;            /* unique for the engine's life: tie-break and reject lists */
    int32_t capacity, used;
    int32_t presence;        /* OQ_AGENT_OFFLINE / READY / NOT_READY */
    uint32_t presence_gen;   /* bumped by every presence change: ends its exclusions */
    int32_t state;           /* derived OQ_AGENT_* last reported */
    int64_t state_since;
    int64_t last_activity;   /* longest-idle key */
    int64_t last_inbound;    /* longest-idle key under OQ_IDLE_LAST_INBOUND */
    int32_t profile;         /* its own routing profile, -1 none */
    int32_t eff_profile;     /* the one in force (own, else a group's), -1 none */
    int32_t idle_inbound;    /* the profile in force measures idle time by inbound work */
    /* policy (profile.h) */
    int32_t max_no_answer, missed_in_row, max_per_window;
    int64_t window_ms, reject_delay_ms, no_answer_delay_ms;
    int64_t blocked_until;   /* back-off after a reject / time-out */
    int64_t *offer_times;    /* ring of its last max_per_window offer times */
    int32_t n_offer_times, offer_head;
    oq_timer timer;          /* wakes it when a back-off or fairness block ends */
    int64_t handled;
    char *nr_reason;         /* NULL = "" */
    oq_skill_level *skills;  /* sorted by skill index */
    int32_t n_skills, cap_skills;
    int32_t *groups;
    int32_t n_groups, cap_groups;
    int32_t *ch_count;       /* items held per channel index */
    int32_t *ch_limit;       /* per-channel override, -1 = channel default */
    int32_t ch_cap;          /* length of ch_count / ch_limit */
    int32_t n_offered, n_active, n_wrapup, n_exclusive;
    oq_member **members;
    int32_t n_members, cap_members;
    oq_contact *held;        /* contacts offered to / served by it (intrusive list) */
    oq_contact *reserved, *reserved_tail; /* QUEUED contacts reserved for it, by contact seq */
    oq_agent *dirty_next;
    int32_t dirty;
    int32_t reindex_due;     /* freed while in no lane heap: indexed when routed (oq__agent_reindex_later) */
    int32_t n_lane_places;   /* lanes whose agent heap holds it (oq__lane_agent_push / _remove): is it in
                              * none, without a walk over its queues. Derived: never stored */
    int32_t sync_gain;       /* scratch for membership sync */
    int32_t svc_k;           /* contacts it can hold at most while its capacity and the engine's
                                svc_unit hold: capacity / svc_unit (svc.c) */
};

/* A requirement signature of a lane (sigindex.c): its waiting contacts that
 * need the same thing of an agent (the ladder tier reached, and the skills
 * and minimum levels they require beyond the queue's, preferred skills still
 * waited for included). A derived index: never stored, rebuilt on restore. */
typedef struct oq_sig {
    oq_heap contacts;        /* in the lane heap's order; n 0 while it mirrors the lane (below), its
                              * slots then naming lane positions 0, 1, ... (sigindex.c) */
    int32_t tier;
    int32_t n;               /* skills */
    int32_t n_qual;          /* members in the lane's agent heap that qualify, when known */
    int16_t qual_known;      /* n_qual counted at qual_epoch and kept up since */
    int16_t mirror;          /* its lane mirrors it: the lane heap is its heap (sigindex.c) */
    int32_t n_off;           /* members whose slot here is not their lane position (sig_pos != heap_pos):
                              * 0 with all the lane's contacts = the lane heap's layout (oq__sig_settle) */
    uint64_t qual_epoch;
    oq_skill_level skills[]; /* sorted by skill, the highest level asked of each */
} oq_sig;

typedef struct oq_lane {
    /* First, what a freed agent's search across its queues reads of each of its lanes (route.c):
     * a lane passed over costs one cache line or two, not three */
    int32_t channel;
    int32_t prio_cap;        /* while the heap holds contacts: no contact of it has a higher priority
                              * (set by the first, raised by later ones, never lowered: a bound, not
                              * the maximum) */
    uint64_t chbit;          /* oq__channel_bit(channel), set with it: a freed agent's search gathers
                              * its lanes' channels without a shift per lane (route.c) */
    int64_t enq_floor;       /* likewise: none entered earlier (lowered, never raised). Both bound the
                              * lane for a freed agent choosing across its queues (route.c) */
    oq_heap contacts;
    int32_t n_grouped;       /* contacts of the heap that are in a signature (else: full scans) */
    int32_t reserved;        /* contacts of this lane in any state: its heap never needs to grow mid-routing */
    int32_t tally;           /* oq_engine_check's scratch */
    int32_t mirroring;       /* every contact of the heap is in one signature (its mirror is set), whose
                              * heap would be the lane heap's very layout: it keeps none (sigindex.c) */
    oq_heap agents;
    oq_sig **sigs;           /* the lane's signatures (sigindex.c) */
    int32_t n_sigs, cap_sigs;
} oq_lane;

/* Well-known history details that need no allocation (timer-driven entries). */
enum { OQ_DETAIL_NONE = 0, OQ_DETAIL_ESCALATION, OQ_DETAIL_MAX_WAIT, OQ_DETAIL_CALLBACK,
       OQ_DETAIL_QUEUE_FULL, OQ_DETAIL_OWNED, OQ_DETAIL_MAX_OFFERS, OQ_DETAIL_REQUESTED,
       OQ_DETAIL_CLOSED, OQ_DETAIL_CLOSED_CALLBACK };

typedef struct oq_history_item {
    int32_t type;
    int32_t queue;           /* queue index */
    int64_t time;
    int32_t agent;           /* agent index (never reused), -1 none */
    int32_t detail_code;     /* OQ_DETAIL_* */
    char *detail;            /* OQ_DETAIL_OWNED: a copy of the host's reason */
} oq_history_item;

struct oq_history {
    int32_t n, cap, start;   /* ring: entries start..start+n-1 (mod cap) */
    int32_t dropped;
    oq_history_item items[];
};

typedef struct oq_step {
    int32_t action, timing;
    int64_t after_ms;
    int32_t skill, level, group, priority;
    int32_t queue;           /* OVERFLOW target index */
    char *message;
    int32_t skip_if_no_agents;
    double when_ewt_above_s, when_sl_below;
    int32_t tier_after;      /* the contact's tier once this step has fired */
} oq_step;

struct oq_queue {
    char *id;
    int32_t idx;
    int32_t refs;            /* other queues' steps and limits naming it */
    int32_t priority, ordering, strategy, timeout_not_ready;
    /* Read with the lanes by a freed agent's search across its queues: near the top, one line */
    int32_t n_lanes;
    int32_t outbound;
    int32_t max_offers;      /* missed offers per contact before the limit action, 0 = no cap */
    double aging_per_s;
    double sla_threshold_s, sla_target, offer_timeout_s, wrapup_s;
    oq_lane lanes[OQ_QUEUE_CHANNELS_MAX];
    oq_skill_level *req, *pref;
    int32_t n_req, cap_req, n_pref, cap_pref;
    int32_t *groups;
    int32_t n_groups, cap_groups;
    oq_member **members;
    int32_t n_members, cap_members;
    int64_t rr_counter;
    int32_t n_queued, n_offered, n_active; /* n_active includes wrap-up */
    int32_t n_parked;
    int32_t sync_gain;       /* scratch for membership sync */
    int32_t blend_rule;      /* OQ_BLEND_* for outbound queues */
    int64_t delays[OQ_QUEUE_DELAYS_MAX]; /* distinct member delays > 0 ... */
    int32_t delay_count[OQ_QUEUE_DELAYS_MAX]; /* ... and how many members have each */
    int32_t n_delays, delays_overflow; /* more distinct delays than tracked: poll */
    int32_t delays_changed;  /* a new delay appeared or max_wait changed: re-arm waiting contacts' timers (set by oq__queue_rewake) */
    oq_step *steps;
    int32_t n_steps, cap_steps, n_tiers;
    int32_t max_length, limit_action, limit_queue, callback_channel; /* -1 = none */
    int64_t max_wait_ms;
    int32_t refuse_if_no_agents;
    int32_t keep_offer_on_not_ready;
    int64_t retry_after_ms;  /* how long a missed offer keeps the agent from the contact */
    int64_t last_agent_window_ms; /* remember / prefer a customer's last agent this long, 0 = off */
    int64_t last_agent_wait_ms;   /* reserve the contact for that agent this long */
    double default_aht_s, deadline_warning_s;
    double aht_ema_s;        /* recent handle time (talk + wrap-up), for estimates */
    int64_t sl_met, sl_total; /* answered within threshold / answered + abandoned, for conditions */
    int64_t n_completed;
    int32_t staffed[OQ_TIERS_MAX]; /* logged-in members by first_tier */
    int32_t tally[4];        /* oq_engine_check's scratch: references, offered, active, parked */
    int32_t calendar;        /* engine calendar index, -1 none: always open */
    int32_t closed_action;   /* OQ_CLOSED_* */
    int32_t closed_queue;    /* OVERFLOW / CALLBACK target, -1 none */
    int32_t business_time;   /* SLA clocks in the calendar's open time */
};

/* Laid out widest first with small fields narrowed (4 bytes of tail padding
 * left): a waiting contact's size is the engine's main memory cost
 * (docs/performance.md). */
struct oq_contact {
    char *id;
    char *customer;
    uint64_t seq;
    oq_queue *queue;
    int64_t arrived;         /* first arrival: kept through overflows and transfers */
    int64_t enqueued;        /* place-in-line time: kept through overflow, reset by transfer */
    int64_t entered;         /* entered its current queue: the ladder counts from here; PARKED: when parked */
    int64_t step_base;       /* when the previous step fired (or entry) */
    int64_t recheck_at;      /* conditional step waiting for its condition, 0 = none */
    int64_t limit_retry_at;  /* max-wait move that found no room: try again then, 0 = none */
    /* One pair of links for the three lists a contact can be in, never two
     * at once (its state says which; oq_engine_check verifies it): while
     * OFFERED, ACTIVE or WRAPUP its agent's `held` list; while QUEUED and
     * OQ_CF_RESERVED its preferred agent's `reserved` list; while PARKED the
     * engine's `parked` list; otherwise both NULL. */
    oq_contact *link_prev, *link_next;
    oq_contact_ext *ext;     /* deadline, preferred agent and skills, exclusions; NULL = none */
    oq_contact_svc *svc;     /* its agent and what serving it needs (OFFERED, ACTIVE, WRAPUP); NULL = none */
    oq_skill_level *extra;   /* n_req required then n_pref preferred, one block */
    struct oq_history *history; /* ring of what happened to it; NULL = its arrival alone */
    oq_contact *dirty_next;
    oq_sig *sig;             /* while QUEUED: its signature in its lane, NULL if none (sigindex.c) */
    /* Its timers (timers.c): slot OQ_CT_WAIT ladder / preferred-agent wait /
     * max wait, here; OQ_CT_SERVICE the offer time-out or end of wrap-up, in
     * svc; OQ_CT_DUE the reply deadline, in ext; one heap entry for all three. */
    int64_t wait_due;
    uint64_t wait_seq;
    int32_t t_pos;           /* the entry's heap position, -1 = no slot armed */
    int32_t t_kind;          /* low byte OQ_TIMER_CONTACT while in the heap, else NONE (same
                                offsets as oq_timer); above it the slots' state, OQ_CT_* bits */
    int32_t channel;
    int32_t priority;
    int32_t heap_pos;
    int32_t sig_pos;         /* position in its signature's heap */
    int32_t n_offers;
    int32_t stats_rec;       /* lib/stats: slot of its statistics record, 0 = none */
    int16_t hops;            /* overflows so far: capped so ladders cannot bounce it forever */
    int16_t offers_here;     /* offers rejected or timed out in its current queue (max_offers) */
    int8_t step;             /* next ladder step of its queue (<= n_steps <= OQ_LADDER_MAX) */
    int8_t tier;             /* ladder tier reached (< OQ_TIERS_MAX) */
    int8_t lane;             /* < OQ_QUEUE_CHANNELS_MAX */
    int8_t state;            /* OQ_CONTACT_* */
    int8_t n_req, n_pref;    /* <= OQ_CONTACT_SKILLS_MAX */
    uint8_t flags;           /* OQ_CF_* */
    /* Two small fields in the last byte (bit-fields: their uses read and
     * write them as plain members). */
    unsigned deadline_stage : 2; /* 0 nothing sent, 1 warning sent, 2 breach sent (or replied) */
    unsigned dirty : 1;
};

_Static_assert(OQ_TIERS_MAX <= INT8_MAX, "oq_contact.step and .tier are int8_t");
/* A waiting contact's record is the engine's main memory cost per contact
 * (docs/performance.md, "Memory"): keep it from growing unnoticed. */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct oq_contact) == 208, "oq_contact: 208 bytes on 64-bit targets");
#endif

/* A contact's service fields read as the record's were: none without the
 * block (a contact that holds no agent). */
static inline oq_agent *oq__c_agent(const oq_contact *c) { return c->svc ? c->svc->agent : NULL; }
static inline int32_t oq__c_cost(const oq_contact *c) { return c->svc ? c->svc->cost : 0; }
static inline int32_t oq__c_exclusive(const oq_contact *c) { return c->svc ? c->svc->exclusive : 0; }
static inline int64_t oq__c_offered_at(const oq_contact *c) { return c->svc ? c->svc->offered_at : 0; }
static inline int64_t oq__c_assigned_at(const oq_contact *c) { return c->svc ? c->svc->assigned_at : 0; }
static inline int64_t oq__c_wrapup_at(const oq_contact *c) { return c->svc ? c->svc->wrapup_at : 0; }
/* Its reply deadline, in the ext block (0 = none). */
static inline int64_t oq__c_deadline(const oq_contact *c) { return c->ext ? c->ext->deadline : 0; }
/* How many exclusions it holds (the ext block's; none without one). */
static inline int32_t oq__c_n_rejects(const oq_contact *c) { return c->ext ? c->ext->n_rejects : 0; }
/* Forget its exclusions (new work: whoever missed it may take it); the room stays. */
static inline void oq__c_clear_rejects(oq_contact *c)
{
    if (c->ext)
        c->ext->n_rejects = 0;
}

/* oq_contact.flags */
#define OQ_CF_RESERVED 1u    /* in its preferred agent's reserved list (rebuilt on restore) */
#define OQ_CF_CALLBACK 2u    /* a kept-place callback (virtual hold) */
#define OQ_CF_STORED OQ_CF_CALLBACK /* the flags a snapshot keeps */

struct oq_engine {
    oq_mem mem;
    oq_event_fn on_event;
    void *event_user;
    /* OQ_STRATEGY_HOST_SCORE (score.c): the host's scorer, never journaled
     * nor snapshotted; queues using the strategy, counted so a restored
     * engine without its scorer refuses calls (oq__enter). */
    oq_score_fn score_fn;
    void *score_user;
    int32_t score_max;
    int32_t n_score_queues;
    int32_t n_outbound_queues; /* with n_score_queues: whether a scored inbound contact's leaving can free agents for outbound work (contact_life.c) */
    uint64_t rng;
    int64_t now;
    int32_t in_callback;
    int32_t delays_changed;  /* some queue's delays_changed is set (dispatch skips the walk) */
    /* The last error's text: OQ_ENGINE_ERR_MAX bytes allocated with the engine
     * (right after this struct). A pointer so that the read-only calls, which
     * take a const engine, may say why they failed without casting it away. */
    char *err;

    /* Allocations a call may lose without failing, each with a documented
     * degraded outcome (docs/reliability.md): the points where one is tried
     * are numbered from 1 in each call (soft_n); those that failed go into
     * the call's journal record, and replaying the record fails exactly
     * those (soft_forced), so a standby takes the same degraded path. */
    int32_t soft_n;
    int32_t soft_n_failed;
    int32_t soft_rest;       /* the OQ_SOFT_MAX+1-th failed: every point after the last listed fails */
    uint32_t soft_failed[OQ_SOFT_MAX];
    int32_t soft_replay;     /* oq_journal_apply: soft_forced holds the record's list */
    int32_t soft_n_forced, soft_forced_rest;
    uint32_t soft_forced[OQ_SOFT_MAX];

    oq_idmap channel_ids, skill_ids, group_ids, queue_ids;
    oq_idtable agent_ids, contact_ids; /* the hot lookups: see core/idtable.h */
    oq_channel **channels;
    int32_t n_channels, cap_channels, live_channels;
    oq_skill **skills;
    int32_t n_skills, cap_skills, live_skills;
    oq_group **groups;
    int32_t n_groups, cap_groups, live_groups;
    oq_agent **agents;
    int32_t n_agents, cap_agents, live_agents;
    oq_queue **queues;
    int32_t n_queues, cap_queues, live_queues;
    oq_profile **profiles;
    int32_t n_profiles, cap_profiles, live_profiles;
    oq_idmap profile_ids;
    oq_ecal **calendars;     /* calendars.c */
    int32_t n_calendars, cap_calendars, live_calendars;
    oq_idmap calendar_ids;
    int32_t n_sl_blend;      /* outbound queues blending on inbound service level */
    int64_t abandon_resume_ms;
    oq_idmap resume;         /* customer -> place kept after abandoning */
    int32_t resume_sweep_at; /* sweep expired places when the map reaches this size */
    oq_idmap served;         /* customer -> its last agent (last_agent.c) */
    oq_served *served_head, *served_tail; /* least recently served first */
    int32_t last_agent_max;  /* customers remembered at most */

    uint64_t next_agent_seq, next_contact_seq, next_timer_seq;
    oq_heap timers;
    int32_t timers_hidden;   /* armed contact slots beyond the one keying each contact's entry */
    int32_t n_contacts, n_queued, n_offered, n_active, n_wrapup, n_parked;
    oq_contact *parked;      /* parked work orders (intrusive list) */

    struct oq_stats *stats;  /* lib/stats: fed every event before the host sees it */
    const struct oq__observer *obs; /* engine/observer.h: who keeps e->stats */

    /* svc.c: service blocks (oq_contact_svc) not held by a contact, linked
     * through next_free; always at least oq__svc_need() of them between
     * calls, so no offer of a call's routing lacks one. */
    oq_contact_svc *svc_free;
    int32_t n_svc_free;
    int32_t svc_unit;        /* no contact can take less capacity: the lowest channel cost ever
                                (since creation or restore), OQ_CAPACITY_MAX without channels */
    int64_t svc_room;        /* sum over READY agents of svc_k - contacts held (when positive) */

    oq_contact *dirty_contacts, *dirty_contacts_tail;
    /* contact_life.c: records of destroyed contacts kept for the next
     * arrivals (linked through dirty_next), with their id buffer; and,
     * apart, their emptied ext blocks with a small exclusions array (the
     * link in a block's deadline); at most OQ_SPARE_CONTACTS_MAX of
     * each, freed by destroy. */
    oq_contact *spare_contacts;
    int32_t n_spare_contacts;
    oq_contact_ext *spare_ext;
    int32_t n_spare_ext;
    /* workorder.c: history rings of the first size kept the same way
     * (at most OQ_SPARE_HISTORY_MAX, the link in the first item's bytes). */
    struct oq_history *spare_history;
    int32_t n_spare_history;
    /* sigindex.c: bumped whenever agents' skills, tiers or memberships may
     * have changed, so every signature's qualified count is counted again. */
    uint64_t qual_epoch;
    /* Items a routing decision looked at (contacts, agents, signatures):
     * an operation count for tests, never read by the engine itself. */
    uint64_t route_visits;
    /* Agent-heap entries pushed, re-sorted or removed by oq__agent_reindex:
     * an operation count for tests, never read by the engine itself. */
    uint64_t agent_heap_ops;
    /* Timers fired by oq__fire_due_timer: an operation count for tests
     * (a long advance must not poll), never read by the engine itself. */
    uint64_t timers_fired;
    /* Signature-heap slots written or compared outside heap sifts (sigindex.c:
     * writing a mirrored heap out, asking whether a lane can mirror again):
     * an operation count for tests, never read by the engine itself. */
    uint64_t sig_slot_ops;
    oq_agent *dirty_agents, *dirty_agents_tail;
    int32_t n_reindex_due;   /* agents with reindex_due set: all of them marked (dirty) or being routed */

    /* lib/snapshot: the action journal (oq_engine_set_journal) */
    oq_journal_fn journal;
    void *journal_user;
    void *journal_state;     /* encoder and record buffer */
    int32_t journal_depth;   /* inside a journaled call: nested calls are not recorded */
    uint64_t journal_seq;    /* sequence number of the next record emitted or applied (>= 1) */
};

#endif
