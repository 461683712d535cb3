/* SPDX-License-Identifier: MIT */
/* The engine's private interface: internal functions shared by its files
 * (and by the statistics and snapshot modules, docs/design.md). */
#ifndef OQ_MODEL_INTERNAL_H
#define OQ_MODEL_INTERNAL_H

#include "core/abi.h"
#include "engine/fail.h"
#include "engine/types.h"

/* t + d milliseconds, saturating at INT64_MAX (due times near the end of time). */
static inline int64_t oq__add_ms(int64_t t, int64_t d)
{
    return d > 0 && t > INT64_MAX - d ? INT64_MAX : t + d;
}

/* Seconds (validated finite, >= 0) to milliseconds, rounded. */
static inline int64_t oq__ms(double seconds) { return (int64_t)(seconds * 1000.0 + 0.5); }

/* ---- engine.c: errors, guards, events, ids ---- */

/* oq__fail (record a message for a status and return it): engine/fail.h */

/* Versioned structs (core.h, core/abi.h) at the engine's door, failing with
 * a message that names the struct. oq__spec_in: the caller's input struct
 * `src` copied over the defaults (OQ__SPEC_IN fills `dst` with the type's _init
 * first; NULL e or src: OQ_EINVAL; inside a callback: OQ_EBUSY, as the
 * mutating calls using it would say).
 * oq__out_check: an output struct's caller-set struct_size is acceptable.
 * oq__out_check needs a non-NULL `e`. */
oq_status oq__spec_in(const oq_engine *e, void *dst, const void *src, size_t full_size,
                      size_t align, size_t min_size, const char *name);
oq_status oq__out_check(const oq_engine *e, const void *out, size_t full_size, size_t align,
                        size_t min_size, const char *name);
#define OQ__SPEC_IN(e, dst, src, type, first) \
    ((void)type##_init(dst), oq__spec_in((e), (dst), (src), sizeof(type), _Alignof(type), OQ__FIELD_END(type, first), #type))
#define OQ__OUT_CHECK(e, out, type, first) \
    oq__out_check((e), (out), sizeof(type), _Alignof(type), OQ__FIELD_END(type, first), #type)
/* Guard at the top of every mutating call: NULL engine, re-entry. */
oq_status oq__enter(oq_engine *e);
/* A valid host id for `field`: non-NULL, 1..OQ_ID_MAX bytes, valid UTF-8. */
oq_status oq__check_id(const oq_engine *e, const char *field, const char *id);
/* Guard + clock for calls that take now_ms: time never goes backwards; fires
 * due timers (oq__advance). */
oq_status oq__enter_at(oq_engine *e, int64_t now_ms);
/* Deliver an event: statistics first, then the host. c and a are the engine's
 * objects the event names (NULL when none or already gone), so no consumer
 * has to look them up by id again. */
void oq__emit(oq_engine *e, oq_event *ev, oq_contact *c, oq_agent *a);
uint64_t oq__rand(oq_engine *e);

/* Look an object up by id (after oq__check_id); ENOTFOUND names field and id. */
oq_status oq__find_channel(oq_engine *e, const char *field, const char *id, oq_channel **out);
oq_status oq__lookup_channel(const oq_engine *e, const char *field, const char *id, const oq_channel **out);
oq_status oq__find_skill(oq_engine *e, const char *field, const char *id, oq_skill **out);
oq_status oq__lookup_skill(const oq_engine *e, const char *field, const char *id, const oq_skill **out);
oq_status oq__find_group(oq_engine *e, const char *field, const char *id, oq_group **out);
oq_status oq__lookup_group(const oq_engine *e, const char *field, const char *id, const oq_group **out);
oq_status oq__find_agent(oq_engine *e, const char *field, const char *id, oq_agent **out);
oq_status oq__lookup_agent(const oq_engine *e, const char *field, const char *id, const oq_agent **out);
oq_status oq__find_queue(oq_engine *e, const char *field, const char *id, oq_queue **out);
oq_status oq__lookup_queue(const oq_engine *e, const char *field, const char *id, const oq_queue **out);
oq_status oq__find_contact(oq_engine *e, const char *field, const char *id, oq_contact **out);
oq_status oq__lookup_contact(const oq_engine *e, const char *field, const char *id, const oq_contact **out);

/* oq__enter_at + lookup of the object named `id` (field name = the kind). */
oq_status oq__agent_at(oq_engine *e, int64_t now_ms, const char *id, oq_agent **out);
oq_status oq__queue_at(oq_engine *e, int64_t now_ms, const char *id, oq_queue **out);
oq_status oq__contact_at(oq_engine *e, int64_t now_ms, const char *id, oq_contact **out);

/* Append obj to a slot array; returns its index or -1 (allocation failed). */
int32_t oq__slot_add(oq_engine *e, void ***arr, int32_t *n, int32_t *cap, void *obj);

/* Free an agent / queue object and what it owns (not its memberships). */
void oq__agent_free(oq_engine *e, oq_agent *a);
void oq__queue_free(oq_engine *e, oq_queue *q);

/* ---- profile.c ---- */
const oq_profile *oq__agent_profile(const oq_engine *e, const oq_agent *a);
/* The profile index that should be in force for the agent (own, else its
 * first group's that has one, -1 none): what eff_profile caches. */
int32_t oq__agent_profile_in_force(const oq_engine *e, const oq_agent *a);
/* Recompute the profile in force for the agent (own, else a group's) and
 * the idle measure it sets (oq__agent_sync_idle). */
void oq__agent_update_profile(oq_engine *e, oq_agent *a);
/* Set the agent's idle measure (idle_inbound, part of its members' keys in
 * the lanes' agent heaps) from its profile in force; its heap places are
 * the caller's to restore (oq__agent_reindex). */
void oq__agent_sync_idle(oq_engine *e, oq_agent *a);
const oq_profile_queue *oq__profile_queue(const oq_profile *p, int32_t queue);
void oq__profile_free(oq_engine *e, oq_profile *p);

/* ---- ladder.c ---- */
/* Free the queue's steps' strings and drop the references they hold. */
void oq__ladder_clear(oq_engine *e, oq_queue *q);
/* The first ladder step the queue's requirements no longer support (a step
 * lowering a skill that is not required, or not higher, any more; adding a
 * group to a queue without target groups), or -1. */
int32_t oq__ladder_first_invalid(const oq_queue *q);

/* ---- skills.c: sorted (skill, level) arrays ---- */
/* Level of `skill` in a sorted array, 0 if absent. */
int32_t oq__level_of(const oq_skill_level *arr, int32_t n, int32_t skill);
/* Set / remove (level 0) in a sorted array; 0 on allocation failure. */
int oq__levels_set(oq_mem *m, oq_skill_level **arr, int32_t *n, int32_t *cap, int32_t skill,
                   int32_t level);
int oq__int_list_has(const int32_t *arr, int32_t n, int32_t v);

/* ---- agent state (agent_state.c) ---- */
int32_t oq__agent_derived_state(const oq_agent *a);
int32_t oq__agent_channel_limit(const oq_engine *e, const oq_agent *a, int32_t channel);
int32_t oq__agent_channel_count(const oq_agent *a, int32_t channel);
/* Could the agent be offered one more item of `channel` now? */
int oq__agent_can_take(const oq_engine *e, const oq_agent *a, int32_t channel);
/* Channels as a mask: bit c for channel c, OQ_LANE_CHANNELS_ALL for any beyond 62. */
#define OQ_LANE_CHANNELS_ALL (UINT64_C(1) << 63)
/* A lane's channel in such a mask: 0 for a free lane (channel -1). */
static inline uint64_t oq__channel_bit(int32_t channel)
{
    return channel < 0 ? 0 : channel < 63 ? UINT64_C(1) << channel : OQ_LANE_CHANNELS_ALL;
}
/* oq__agent_can_take's answers kept per channel (0-63) while the agent does
 * not change: an agent in 200 queues asks about the same few channels 200
 * times in one walk over its lanes. Start each walk with {0, 0}. */
typedef struct oq_take_memo {
    uint64_t known, can;
} oq_take_memo;
static inline int oq__agent_can_take_memo(const oq_engine *e, const oq_agent *a, int32_t channel,
                                          oq_take_memo *t)
{
    if (channel < 0 || channel >= 64)
        return oq__agent_can_take(e, a, channel);
    uint64_t bit = UINT64_C(1) << channel;
    if (!(t->known & bit)) {
        t->known |= bit;
        if (oq__agent_can_take(e, a, channel))
            t->can |= bit;
    }
    return (t->can & bit) != 0;
}
/* Report a derived-state change (event) if there is one. */
void oq__agent_refresh(oq_engine *e, oq_agent *a);
/* The detail of agent-state events of a logged-out agent still holding work. */
#define OQ_LOGGING_OUT "logging out"
/* A logged-out agent still holds work: report the pending logout now (an
 * agent-state event with an unchanged state and detail OQ_LOGGING_OUT). */
void oq__agent_announce_logout(oq_engine *e, oq_agent *a);
/* Change presence, keeping the queues' staffed counts (no routing). */
void oq__agent_set_presence(oq_engine *e, oq_agent *a, int32_t presence);
/* Put the agent in / take it out of / re-sort it in its lanes' agent heaps. */
void oq__agent_reindex(oq_engine *e, oq_agent *a);
/* Only this member's own strategy key moved (its taken count): re-sort it
 * where it is in its queue's lanes; which lanes it is in stays as it was. */
void oq__member_resort(oq_engine *e, oq_member *m);
/* A freed agent that sits in no lane heap (the common case: it was full)
 * is routed before it is indexed: its reindex waits until dispatch routes
 * it (route_agent offers it work as if it were in the heaps it belongs in,
 * then indexes it once), or until a contact is routed first
 * (oq__agents_reindex_due), so no search ever misses it. An agent in some
 * lane heap is reindexed at once, as its entries' keys just changed. */
void oq__agent_reindex_later(oq_engine *e, oq_agent *a);
void oq__agents_reindex_due(oq_engine *e);
/* After an offer to an agent still marked for reindexing (route_agent):
 * whether some lane would take it now. If none would, its reindex would
 * push it nowhere (it sits in no heap), so the mark goes and 0 is returned;
 * otherwise it stays marked for route_agent's next search. `channels`: the
 * channels of the agent's lanes, bit c for channel c (route_agent's search
 * has just walked them), OQ_LANE_CHANNELS_ALL when one is beyond 62. */
int oq__agent_reindex_settle(oq_engine *e, oq_agent *a, uint64_t channels);
/* Would the agent's member be in lane l of its queue (its pos[l] once indexed)? */
int oq__member_in_lane(const oq_engine *e, const oq_member *m, int32_t l);
/* When the agent's timer must wake it (end of its back-off or fairness
 * block, whichever is first and still ahead), 0 when it needs none. */
int64_t oq__agent_wake_due(const oq_engine *e, const oq_agent *a);
/* Arm / cancel the agent's timer for that. */
void oq__agent_schedule(oq_engine *e, oq_agent *a);
/* The agent's timer fired. */
void oq__agent_wake(oq_engine *e, oq_agent *a);
/* Book an offer made to the agent now (idle keys, fairness window). */
void oq__agent_note_offer(oq_engine *e, oq_agent *a, int inbound);
/* Make sure per-channel arrays cover every channel index; 0 on failure. */
int oq__agent_reserve_channels(oq_engine *e, oq_agent *a, int32_t n_channels);

/* ---- membership (membership.c) ---- */
int oq__agent_eligible(const oq_engine *e, const oq_agent *a, const oq_queue *q);
/* Lowest ladder tier of q the agent qualifies for, -1 if none. */
int32_t oq__agent_first_tier(const oq_engine *e, const oq_agent *a, const oq_queue *q);
/* Add (+1) / remove (-1) the member from its queue's staffed counts. */
void oq__member_account(oq_member *m, int32_t sign);
/* The queue's preferred skills the agent meets, and the sum of its levels in
 * the queue's skills (what a member record caches). */
void oq__member_scores(const oq_agent *a, const oq_queue *q, int32_t *pref_match, int32_t *skill_score);
/* Re-evaluate the agent's memberships in every queue (after its skills or
 * groups changed). All allocation happens before any change: on OQ_ENOMEM
 * nothing changed. */
oq_status oq__sync_agent(oq_engine *e, oq_agent *a);
/* The same after only the agent's level of skill `skill` changed: only the
 * queues that require or prefer that skill are looked at. */
oq_status oq__sync_agent_skill(oq_engine *e, oq_agent *a, int32_t skill);
/* Re-evaluate every agent's membership in q (after q's requirements changed). */
oq_status oq__sync_queue(oq_engine *e, oq_queue *q);
/* Re-evaluate every agent against every queue (after a routing profile changed). */
oq_status oq__sync_all(oq_engine *e);
/* Drop every membership of the agent / of the queue (never fails). */
void oq__drop_agent_members(oq_engine *e, oq_agent *a);
void oq__drop_queue_members(oq_engine *e, oq_queue *q);
oq_member *oq__member_of(const oq_agent *a, const oq_queue *q);
/* The same from the agent's list only: for a restore, while the queues'
 * member arrays are still being filled slot by slot. */
oq_member *oq__agent_member_of(const oq_agent *a, const oq_queue *q);

/* ---- lanes (lanes.c) ---- */
extern const oq_heap_ops oq__contact_heap_ops;  /* ctx: the queue */
extern const oq_heap_ops oq__agent_heap_ops;    /* ctx: oq_lane_ctx */
typedef struct oq_lane_ctx {
    const oq_queue *queue;
    int32_t lane;
} oq_lane_ctx;
int32_t oq__queue_lane(const oq_queue *q, int32_t channel); /* -1 if not accepted */
/* A member into / out of lane l's agent heap (room reserved), its agent's
 * n_lane_places kept: every push and removal of a member goes through these. */
void oq__lane_agent_push(oq_queue *q, int32_t l, oq_member *m);
void oq__lane_agent_remove(oq_queue *q, int32_t l, oq_member *m);
/* Into its lane heap (room reserved), the lane's prio_cap kept. */
void oq__lane_push(oq_queue *q, oq_contact *c);
/* A new priority for a contact, re-sorted where it waits (prio_cap kept). */
void oq__contact_reprioritize(oq_contact *c, int32_t priority);
/* Re-sort all lane heaps (ordering or strategy changed). */
void oq__queue_resort(oq_engine *e, oq_queue *q);

/* ---- requirement signatures (sigindex.c): indexes that make blocked work free ----
 * Each lane groups its waiting contacts by what they ask of an agent (tier
 * reached, extra skills and levels); every grouped contact is in its lane
 * heap AND in its signature's heap (same order) — except that a lane whose
 * contacts all share one signature keeps no heap for it while the lane heap
 * has the very layout it would have (lane->mirroring). A contact the index could
 * not take (out of memory) stays only in the lane heap; while a lane has
 * such a contact its decisions scan the lane heap as before, so a failed
 * allocation changes no decision. Nothing here is stored in snapshots. */
/* A signature's heap holds no key of its own: its entries are positions in
 * the lane heap (kept current by the lane heap's moves, lanes.c), compared
 * by the lane heap's keys. An entry is a position stored as a pointer so
 * the heap code serves both. */
extern const oq_heap_ops oq__sig_heap_ops; /* ctx: oq_lane_ctx */
static inline void *oq__sig_entry(int32_t lane_pos) { return (void *)(uintptr_t)(uint32_t)lane_pos; }
static inline int32_t oq__sig_entry_pos(const void *entry) { return (int32_t)(uint32_t)(uintptr_t)entry; }
/* Into / out of its signature (after the lane heap push / before its
 * removal: the signature names the contact by its lane position). */
void oq__sig_join(oq_engine *e, oq_contact *c);
void oq__sig_leave(oq_engine *e, oq_contact *c);
/* After a removal from lane l's heap: the lane's signature heap stops being
 * kept when it would be the lane heap's layout (one signature left). */
void oq__sig_settle(oq_queue *q, int32_t l);
/* The signature the lane mirrors (lane->mirroring), else NULL. */
oq_sig *oq__sig_solo(const oq_lane *lane);
/* A QUEUED contact's tier or waited-for preferred skills changed: move it to
 * its new signature. */
void oq__sig_refresh(oq_engine *e, oq_contact *c);
/* Its key in the lane order changed (priority): re-sort it in its signature. */
void oq__sig_update(oq_contact *c);
/* Re-sort lane l's signature heaps (the ordering changed). */
void oq__sig_resort(oq_queue *q, int32_t l);
/* Free every signature of the lane (its contacts must be gone). */
void oq__sig_free_lane(oq_engine *e, oq_lane *lane);
/* Put every QUEUED contact that has none into its signature, and make the
 * lanes' heaps keep their keys (a restore: 0 when memory ran out, and the
 * restore fails as for any other). */
int oq__sig_rebuild(oq_engine *e);
/* Agents' skills, tiers or memberships may change: every signature's count
 * of qualified available agents is stale. */
static inline void oq__sig_stale(oq_engine *e) { e->qual_epoch++; }
/* Member m goes into (+1) / out of (-1) lane l's agent heap. */
void oq__sig_agent_moved(oq_engine *e, oq_queue *q, int32_t l, const oq_member *m, int32_t sign);
/* Does the member meet the signature (tier and skills)? */
static inline int oq__sig_qualifies(const oq_member *m, const oq_sig *g)
{
    if (m->first_tier > g->tier)
        return 0;
    const oq_agent *a = m->agent;
    for (int32_t i = 0; i < g->n; i++)
        if (oq__level_of(a->skills, a->n_skills, g->skills[i].skill) < g->skills[i].level)
            return 0;
    return 1;
}
/* The lane's head if the member's agent qualifies for its signature and
 * `accept` takes it (called once, on the head), else NULL. When not NULL it
 * is what oq__sig_first_contact answers — the head ranks first in the lane
 * and in its signature — found without the walk over the signatures.
 * Inline: a freed agent in many queues asks it of most of their heads, and
 * the caller's predicate is then inlined too. */
static inline oq_contact *oq__sig_head_taken(const oq_queue *q, int32_t l, const oq_member *m,
                                             oq_heap_accept accept, const void *pred,
                                             uint64_t *visits)
{
    const oq_lane *lane = &q->lanes[l];
    if (lane->contacts.n == 0)
        return NULL;
    oq_contact *h = lane->contacts.items[0];
    if (lane->n_grouped == lane->contacts.n) { /* else the answer is the lane heap's first taken */
        ++*visits;
        if (!oq__sig_qualifies(m, h->sig))
            return NULL;
    }
    return accept(h, pred) ? h : NULL;
}
/* The first contact of lane l, in lane order, that accept() takes, looking
 * only into signatures the member qualifies for (visits counted into *visits). */
oq_contact *oq__sig_first_contact(const oq_queue *q, int32_t l, const oq_member *m,
                                  oq_heap_accept accept, const void *pred, uint64_t *visits);
/* 1 when the contact's signature is known to have no qualified agent
 * available in its lane (a search for one would visit only misfits). */
int oq__sig_nobody(const oq_engine *e, const oq_contact *c);
/* Count them again if stale (then oq__sig_nobody knows); the members looked at go into *visits. */
void oq__sig_count(oq_engine *e, oq_contact *c, uint64_t *visits);
/* oq_engine_check's part: every grouped contact in the right signature, heaps
 * valid, known counts right. */
oq_status oq__sig_check(oq_engine *e);

/* ---- timers (timers.c) ---- */
extern const oq_heap_ops oq__timer_heap_ops;
void oq__timer_arm(oq_engine *e, oq_timer *t, int64_t due, int32_t kind);
void oq__timer_cancel(oq_engine *e, oq_timer *t);
/* Fire every timer due by now_ms and set the clock (now_ms >= clock). */
void oq__advance(oq_engine *e, int64_t now_ms);
/* Fire the earliest timer if it is due at the current clock; 1 if it did. */
int oq__fire_due_timer(oq_engine *e);
/* A contact's timer slots (OQ_CT_*), multiplexed into one heap entry:
 * arm (re-arm) a slot, cancel it (nothing when not armed), its kind
 * (OQ_TIMER_NONE when not armed). */
void oq__ctimer_arm(oq_engine *e, oq_contact *c, int slot, int64_t due, int32_t kind);
void oq__ctimer_cancel(oq_engine *e, oq_contact *c, int slot);
int32_t oq__ctimer_kind(const oq_contact *c, int slot);
/* A slot as a plain timer (kind NONE when not armed), for snapshots and checks. */
oq_timer oq__ctimer_view(const oq_contact *c, int slot);
/* Restore: set a slot from a plain timer without touching the heap (an
 * armed OQ_CT_DUE needs the contact's ext block), then put the contact's
 * entry in the heap (0 when memory runs out). */
void oq__ctimer_set(oq_contact *c, int slot, const oq_timer *t);
int oq__ctimer_restore(oq_engine *e, oq_contact *c);
/* Due time of a heap item / of the earliest timer (INT64_MAX: none). */
int64_t oq__timer_item_due(const void *item);
int64_t oq__timer_next_due(const oq_engine *e);
/* Timers pending, counting each armed contact slot. */
int32_t oq__timers_pending(const oq_engine *e);
/* Timer heap room for every timer (one entry per contact) plus `extra_contacts` more contacts. */
int oq__reserve_timers(oq_engine *e, int32_t extra_contacts, int32_t extra_agents);

/* ---- routing (route.c) ---- */
void oq__mark_agent(oq_engine *e, oq_agent *a);
void oq__mark_contact(oq_engine *e, oq_contact *c);
void oq__mark_all_agents(oq_engine *e);
/* Route every marked contact and agent, and fire the timers already due,
 * until nothing is left to do. */
void oq__dispatch(oq_engine *e);
/* The queue's waiting contacts need their wake-up timers re-armed at the next
 * dispatch (a new member delay, new limits). Always through here: dispatch
 * looks at the queues only when the engine-wide flag is set. */
static inline void oq__queue_rewake(oq_engine *e, oq_queue *q)
{
    q->delays_changed = 1;
    e->delays_changed = 1;
}
/* May the member's agent be offered this contact (tier, reservation for a
 * preferred agent, rejections, the contact's own skills)? */
int oq__agent_fits(const oq_engine *e, const oq_contact *c, const oq_member *m, int with_preferred);
/* When the member's agent could be offered the contact if only time passed
 * (a profile delay, a reservation, an exclusion ending): e->now or earlier
 * if it could now, INT64_MAX if time alone will not do it. For the check. */
int64_t oq__agent_fits_at(const oq_engine *e, const oq_contact *c, const oq_member *m);
/* Could a QUEUED contact be offered to an agent available in its lane now? */
int oq__contact_has_taker(const oq_engine *e, const oq_contact *c);

/* Is the value an OQ_STEP_* of the one step-action table (ladder.c)? */
int oq__step_action_known(int32_t action);
/* Is the value an OQ_STRATEGY_* of the one strategy table (queue.c)? */
int oq__strategy_known(int32_t strategy);

/* ---- host-supplied scoring (score.c): OQ_STRATEGY_HOST_SCORE ---- */
/* The first queue using host_score (n_score_queues > 0), for messages. */
const oq_queue *oq__score_queue(const oq_engine *e);
/* OQ_ESTATE (naming the queue) while a queue uses host_score and no scorer
 * is registered (a restored engine): every mutating call asks (oq__enter). */
oq_status oq__score_ready(const oq_engine *e);
/* The host's score of agent a for contact c (mutating calls refused meanwhile). */
double oq__score(oq_engine *e, const oq_contact *c, const oq_agent *a);
/* The position in `agents` of the best-scoring of the first score_max
 * members accept() takes, in heap order; -1 if none or all refused. */
int32_t oq__score_best(oq_engine *e, const oq_contact *c, const oq_heap *agents,
                       const oq_lane_ctx *ctx, oq_heap_accept accept, const void *pred);

/* ---- waiting (waiting.c): ladder, limits, reservations, deadlines ---- */
/* The contact (re)entered a queue at e->now: start its ladder from the bottom. */
void oq__wait_start(oq_engine *e, oq_contact *c);
/* When the wait timer is due: the earliest of next step, end of the
 * preferred-agent reservation, max wait, the next profile delay (only while
 * QUEUED); INT64_MAX when none. oq__wait_schedule arms it for that. */
int64_t oq__wait_due(const oq_engine *e, const oq_contact *c);
void oq__wait_schedule(oq_engine *e, oq_contact *c);
void oq__wait_expired(oq_engine *e, oq_contact *c);
/* A contact went back to its queue (reject, time-out, withdrawal). */
void oq__wait_resume(oq_engine *e, oq_contact *c);
/* When the reply-deadline timer is due (warning, then breach), INT64_MAX
 * when none; oq__deadline_schedule arms it for that. */
int64_t oq__deadline_due(const oq_engine *e, const oq_contact *c);
/* 1 when a deadline timer due at `at` is known, cheaply, to be no later than
 * the contact's pending warning in a business-time queue (0: not known;
 * oq__deadline_due decides). For oq_engine_check. */
int oq__warning_not_before(const oq_engine *e, const oq_contact *c, int64_t at);
void oq__deadline_schedule(oq_engine *e, oq_contact *c);
/* Re-arm the reply-deadline timers whose warning instant may have moved:
 * the contacts of queue q, or (q NULL) of every queue counting business time
 * on calendar `cal`. One walk over all contacts: configuration calls only. */
void oq__deadlines_rearm(oq_engine *e, const oq_queue *q, int32_t cal);
/* ---- check_derived.c: every cached or derived field against its source ---- */
oq_status oq__check_derived(oq_engine *e);

/* ---- allocations a call may lose (engine.c) ---- */
/* Before an allocation whose failure the call absorbs (with a deterministic
 * degraded outcome, never a change of status): every such point is numbered
 * in the call, whether or not it needs memory this time. Returns 0 when the
 * point must behave as failed (a replayed record says it failed on the
 * primary, or this call already lost OQ_SOFT_MAX); then, or when the
 * allocation fails, call oq__soft_failed so the journal records it. */
int oq__soft_try_replayed(oq_engine *e, uint32_t n);
static inline int oq__soft_try(oq_engine *e)
{
    /* Inline: the statistics ask four or five times per routing step. */
    uint32_t n = (uint32_t)++e->soft_n;
    if (e->soft_replay)
        return oq__soft_try_replayed(e, n);
    return e->soft_n_failed < OQ_SOFT_MAX;
}
void oq__soft_failed(oq_engine *e);
void oq__deadline_expired(oq_engine *e, oq_contact *c);
/* Move a QUEUED contact to queue q (lane l), keeping or resetting its place
 * in line; emits `type` (TRANSFERRED or OVERFLOWED). OQ_ENOMEM if q's lane
 * cannot take it (nothing changed). */
oq_status oq__contact_move(oq_engine *e, oq_contact *c, oq_queue *q, int32_t channel,
                           int keep_place, int32_t type, const char *detail);
/* Agents of q who may serve a contact at `tier`: logged in / READY. */
int32_t oq__queue_staffed(const oq_queue *q, int32_t tier);
/* position x recent handle time / agents logged in for the tier (INFINITY if none). */
double oq__queue_ewt_s(const oq_queue *q, int32_t position, int32_t tier);

/* The reason a contact left its queue when it missed max_offers offers. */
#define OQ_MAX_OFFERS "max offers"
/* The reason of a kept-place callback the customer asked for. */
#define OQ_REQUESTED "requested"
/* Kept-place callbacks (virtual hold): can the QUEUED contact become one in
 * its queue (OQ_ESTATE: no callback channel the queue accepts; OQ_ENOMEM:
 * no room), then make it one (never fails after a successful reserve). */
oq_status oq__keep_place_reserve(oq_engine *e, oq_contact *c);
void oq__keep_place_apply(oq_engine *e, oq_contact *c, const char *why);

/* ---- work orders (workorder.c) ---- */
/* The history code of a well-known move reason ("escalation", "max wait",
 * "max offers", "callback", "queue full"; NULL: none). */
int32_t oq__detail_code(const char *detail);
/* The ring capacity a snapshot stores: what the entries need (how much room
 * a failed call left reserved is no state), 0 for the arrival alone. */
int32_t oq__history_stored_cap(const oq_contact *c);
/* Room for `extra` more history entries; 0 on allocation failure. */
int oq__history_reserve(oq_engine *e, oq_contact *c, int32_t extra);
/* Record an entry (takes ownership of owned_detail); dropped if no room. */
void oq__history_add(oq_engine *e, oq_contact *c, int32_t type, const oq_agent *a,
                     int32_t detail_code, char *owned_detail);
void oq__history_free(oq_engine *e, oq_contact *c);
/* Free the spare history rings (engine destroy). */
void oq__history_spares_free(oq_engine *e);
/* Take a contact off the parked list if it is parked. */
void oq__parked_forget(oq_engine *e, oq_contact *c);
/* The agent logged out: its parked work orders lose their owner. */
void oq__agent_disown(oq_engine *e, const oq_agent *a);
/* Transfer (with a reason for the history) to queue q; validates and
 * reports errors. */
oq_status oq__relocate(oq_engine *e, oq_contact *c, oq_queue *q, const char *reason);

/* ---- resume.c: a customer who abandons and comes back keeps their place ---- */
/* A record keyed by customer id: a `size`-byte struct whose first member is
 * `char *customer` (the map's key, copied here), zeroed and put in `map`.
 * OQ_ENOMEM or OQ_EEXIST (the customer has one) leave nothing behind. */
oq_status oq__customer_record_new(oq_engine *e, oq_idmap *map, const char *customer, size_t len,
                                  size_t size, void **out);
void oq__customer_record_free(oq_engine *e, oq_idmap *map, void *obj, size_t size);
void oq__resume_keep(oq_engine *e, const oq_contact *c);
/* If `customer` abandoned q within the window, restore its seq and place. */
int oq__resume_take(oq_engine *e, const char *customer, const oq_queue *q, uint64_t *seq,
                    int64_t *enqueued);
void oq__resume_clear(oq_engine *e);
/* An inbound queue's service level moved: outbound work blended on it may move. */
void oq__sl_changed(oq_engine *e, const oq_queue *q);
/* Snapshots: visit every kept place in insertion order (0: out of memory);
 * put one back (OQ_EEXIST for a duplicate customer, OQ_ENOMEM). */
typedef void (*oq_resume_visit_fn)(const char *customer, int32_t queue, uint64_t seq,
                                   int64_t enqueued, int64_t expires, void *user);
int oq__resume_visit(oq_engine *e, oq_resume_visit_fn fn, void *user);
oq_status oq__resume_put(oq_engine *e, const char *customer, size_t len, int32_t queue,
                         uint64_t seq, int64_t enqueued, int64_t expires);

/* ---- last_agent.c: the agent who last served each customer ---- */
#define OQ_LAST_AGENT_MAX 10000000 /* largest oq_engine_options.last_agent_max */
/* Before accepting c: room for its customer's record when its queue keeps
 * one (0: out of memory, nothing changed); undo that reservation; write it. */
int oq__last_agent_reserve(oq_engine *e, const oq_contact *c);
void oq__last_agent_unreserve(oq_engine *e, const oq_contact *c);
void oq__last_agent_note(oq_engine *e, const oq_contact *c, const oq_agent *a);
/* The agent a contact of `customer` arriving in q should prefer, or NULL. */
oq_agent *oq__last_agent_for(const oq_engine *e, const char *customer, const oq_queue *q);
void oq__last_agent_clear(oq_engine *e);
/* oq_engine_check's part: the records within last_agent_max, served in
 * order at or before the clock, each found under its customer. */
oq_status oq__last_agent_check(oq_engine *e);
/* Snapshots: every record from the least recently served; put one back. */
typedef void (*oq_served_visit_fn)(const char *customer, int32_t agent, uint64_t agent_seq,
                                   int64_t served, void *user);
void oq__last_agent_visit(const oq_engine *e, oq_served_visit_fn fn, void *user);
oq_status oq__last_agent_put(oq_engine *e, const char *customer, size_t len, int32_t agent,
                             uint64_t agent_seq, int64_t served);

/* ---- calendars.c: business hours ---- */
/* The detail of closed-queue refusals and moves. */
#define OQ_CLOSED_DETAIL "closed"
#define OQ_CLOSED_CALLBACK_DETAIL "closed callback"
oq_status oq__find_calendar(oq_engine *e, const char *field, const char *id, oq_ecal **out);
oq_status oq__lookup_calendar(const oq_engine *e, const char *field, const char *id, const oq_ecal **out);
/* The calendar's timer fired (or its hours changed): report a change of
 * its open state to the queues naming it and arm the next change. */
void oq__calendar_changed(oq_engine *e, oq_ecal *k);
/* A queue starts (delta 1) or stops (-1) naming calendar idx: a calendar's
 * timer runs only while some queue names it. */
void oq__calendar_use(oq_engine *e, int32_t idx, int32_t delta);
/* Arm the calendar's timer for its next change after the clock (none while
 * no queue names it). */
void oq__calendar_schedule(oq_engine *e, oq_ecal *k);
/* Is the queue open at the clock (no calendar: always)? */
int oq__queue_open(const oq_engine *e, const oq_queue *q);
/* Business-time clocks: the instant `d_ms` of the queue's counted time
 * after `from` (wall time without business_time or a calendar), and the
 * counted milliseconds in [from, to). */
int64_t oq__queue_after(const oq_engine *e, const oq_queue *q, int64_t from, int64_t d_ms);
int64_t oq__queue_elapsed(const oq_engine *e, const oq_queue *q, int64_t from, int64_t to);
void oq__calendars_free(oq_engine *e);

/* ---- contacts (contact_life.c) ---- */
/* A QUEUED contact's reservation for a named agent: into / out of that
 * agent's reserved list (link drops a reservation for an agent not logged
 * in and ready); the agent went not ready or logged out: end them all. */
void oq__reserved_link(oq_engine *e, oq_contact *c);
void oq__reserved_unlink(oq_engine *e, oq_contact *c);
void oq__agent_end_reservations(oq_engine *e, oq_agent *a);
/* Put a contact into its queue's lane heap (capacity reserved). */
void oq__contact_enqueue(oq_engine *e, oq_contact *c);
/* Take a QUEUED contact out of its lane heap. */
void oq__contact_dequeue(oq_engine *e, oq_contact *c);
/* Give back the agent's capacity held by c (OFFERED/ACTIVE/WRAPUP). */
void oq__contact_release(oq_engine *e, oq_contact *c);
/* Take a contact out of its queue or off its agent (no wrap-up, no event). */
void oq__contact_detach(oq_engine *e, oq_contact *c);
/* Forget a finished contact (emits nothing). */
void oq__contact_destroy(oq_engine *e, oq_contact *c);
/* Free the spare contact records (engine destroy, after every contact). */
void oq__contact_spares_free(oq_engine *e);
/* The timer handlers. */
void oq__offer_expired(oq_engine *e, oq_contact *c);
void oq__wrapup_expired(oq_engine *e, oq_contact *c);
/* Return an offer to the queue (logout, transfer): no reject recorded. */
void oq__offer_withdraw(oq_engine *e, oq_contact *c, const char *why);
/* Withdraw every offer ringing on the agent (unless_kept: except those of
 * queues with keep_offer_on_not_ready). */
void oq__offers_withdraw(oq_engine *e, oq_agent *a, const char *why, int unless_kept);
#define OQ_WITHDRAWN_NOT_READY "offer withdrawn: agent not ready"
/* Is the agent kept from the contact now (a recent reject or time-out, no
 * presence change since)? How many agents are? */
int oq__exclusion_active(const oq_engine *e, const oq_exclusion *x);
int oq__contact_rejected_by(const oq_engine *e, const oq_contact *c, const oq_agent *a);
/* Room for `extra` more exclusions than the contact holds (0: out of memory,
 * nothing changed). A contact holding any keeps room for one more; one never
 * missed has no array (contact_life.c). */
int oq__exclusion_room(oq_engine *e, oq_contact *c, int32_t extra);
int32_t oq__contact_excluded(const oq_engine *e, const oq_contact *c);
oq_agent *oq__contact_pref_agent(const oq_engine *e, const oq_contact *c);
/* The contact's ext block (types.h), allocated if it has none: 0 when
 * memory ran out (nothing changed). */
int oq__contact_ext(oq_engine *e, oq_contact *c);
/* Give its ext block back (to the engine's spare blocks, contact_life.c);
 * none: nothing. */
void oq__contact_ext_give_back(oq_engine *e, oq_contact *c);
/* The spare ext blocks: at most OQ_SPARE_CONTACTS_MAX (and as many spare
 * records), each keeping an exclusions array of at most OQ_SPARE_REJECTS
 * slots; the next one after x (oq_engine_check walks them). */
#define OQ_SPARE_REJECTS 4
#define OQ_SPARE_CONTACTS_MAX 256
oq_contact_ext *oq__spare_ext_next(const oq_contact_ext *x);
/* Its ext fields read as the record's were: none without the block. */
static inline int64_t oq__pref_until(const oq_contact *c)
{
    return c->ext ? c->ext->pref_until : 0;
}
static inline uint32_t oq__pref_hold(const oq_contact *c)
{
    return c->ext ? c->ext->pref_hold : 0;
}
/* Its reservation for the preferred agent ends (or never was). */
static inline void oq__pref_until_clear(oq_contact *c)
{
    if (c->ext)
        c->ext->pref_until = 0;
}
/* Service blocks (svc.c, types.h oq_contact_svc). */
/* Blocks the free list must hold now: as many as the offers routing could
 * still make before any call changes the bound (svc.c). */
int64_t oq__svc_need(const oq_engine *e);
/* Make the free list hold what oq__svc_need would ask after a call adds
 * `extra_contacts` contacts and `extra_room` to svc_room: 0 when memory ran
 * out (the blocks made stay on the list: no state). */
int oq__svc_reserve(oq_engine *e, int32_t extra_contacts, int64_t extra_room);
/* The contacts agent `a` could still take were it able to hold k of them
 * and READY or not (svc_room's term, svc.c). */
static inline int64_t oq__svc_room_of(const oq_agent *a, int32_t k, int ready)
{
    int64_t r = (int64_t)k - (a->n_offered + a->n_active + a->n_wrapup);
    return ready && r > 0 ? r : 0;
}
/* ... as it is: kept in svc_room as presence, capacity or held contacts change. */
static inline int64_t oq__svc_agent_room(const oq_agent *a)
{
    return oq__svc_room_of(a, a->svc_k, a->presence == OQ_AGENT_READY);
}
/* Before agent `a` may hold k contacts and be READY or not: the blocks for
 * the room that adds (0 when memory ran out; nothing changed). */
int oq__svc_reserve_agent(oq_engine *e, const oq_agent *a, int32_t k, int ready);
/* A block for a contact being offered: from the free list, which the
 * reservations keep non-empty (0: the invariant broke and the allocator
 * failed too). Its fields are the caller's to set. */
int oq__svc_take(oq_engine *e, oq_contact *c);
/* The contact lets its agent go: its block back to the free list. */
void oq__svc_give(oq_engine *e, oq_contact *c);
/* The svc_room an engine would have with the lowest channel cost `unit`. */
int64_t oq__svc_room_at(const oq_engine *e, int32_t unit);
/* A channel's cost (new or changed) may lower svc_unit: reserve for it
 * first (oq__svc_reserve_unit, 0 = out of memory), then apply it. */
int oq__svc_reserve_unit(oq_engine *e, int32_t cost);
void oq__svc_apply_unit(oq_engine *e, int32_t cost);
/* Set svc_unit, every agent's svc_k and svc_room from scratch (restore). */
void oq__svc_recount(oq_engine *e, int32_t unit);
void oq__svc_free_all(oq_engine *e);

/* Fill the common fields of a contact event. */
void oq__contact_event(oq_engine *e, oq_contact *c, int32_t type, const char *detail);

#endif
