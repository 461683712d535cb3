/* SPDX-License-Identifier: MIT */
/* omniq — escalation ladders, queue limits and wait estimates.
 *
 * A queue's escalation ladder is an ordered list of steps. A waiting contact
 * climbs it: each step fires `after_s` seconds after the contact entered the
 * queue (OQ_STEP_AFTER_ENTRY) or after the previous step fired
 * (OQ_STEP_AFTER_PREVIOUS), at the exact millisecond, from the engine's timer
 * heap, and every step's effect is reported (OQ_EV_ESCALATED, OQ_EV_OVERFLOWED
 * or OQ_EV_ALERT). A contact that moves to another queue (transfer, overflow)
 * starts that queue's ladder from the bottom.
 *
 * Relaxing steps (lower a level, drop a required skill, add a group) only
 * ever widen who may serve the contact: the agents a contact may be offered
 * to after step k are those meeting the queue's requirements relaxed by steps
 * 1..k, plus the contact's own required skills.
 *
 * Conditional steps: with when_ewt_above_s > 0 or when_sl_below > 0, a step
 * whose time has come fires only if the queue's estimated wait is above / its
 * current service level is below the bound; otherwise it is checked again
 * until the next step's time, when it is passed over (Genesys conditional
 * group routing): after 1 s at first, backing off to once a minute, and after
 * its first hour at gaps as long as it has waited. If its own time moves
 * later while it waits (its queue's calendar replaced), it waits for that
 * time again.
 *
 * Same rules as model.h: not thread-safe, OQ_EBUSY from callbacks, errors
 * name the field, failed calls change nothing. */
#ifndef OMNIQ_ESCALATION_H
#define OMNIQ_ESCALATION_H

#include "omniq/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Step actions. */
#define OQ_STEP_LOWER_LEVEL    1 /* required `skill`'s minimum level becomes `level` (lower than before) */
#define OQ_STEP_DROP_REQUIRED  2 /* required `skill` is no longer required */
#define OQ_STEP_ADD_GROUP      3 /* agents of `group` may serve the contact too (for a queue with target groups) */
#define OQ_STEP_DROP_PREFERRED 4 /* the contact's own preferred `skill` is no longer waited for */
#define OQ_STEP_RAISE_PRIORITY 5 /* the contact's priority rises by `priority` */
#define OQ_STEP_OVERFLOW       6 /* the contact moves to `queue`, keeping its arrival time and place in line */
#define OQ_STEP_ALERT          7 /* OQ_EV_ALERT with `message` for supervisors */
#define OQ_STEP_PRIORITY_AT_LEAST 8 /* the contact's priority becomes at least `priority` (a floor:
                                       a higher one, a VIP's, is kept; RAISE_PRIORITY adds instead) */

/* Static names of step actions ("lower_level", ..., "priority_at_least"),
 * the names the configuration uses; "unknown" for other values. Thread-safe. */
OQ_API const char *oq_step_action_name(int32_t action);

/* Step timing. */
#define OQ_STEP_AFTER_ENTRY    0 /* after_s counts from the contact entering the queue */
#define OQ_STEP_AFTER_PREVIOUS 1 /* after_s counts from the previous step (or entry) */

#define OQ_LADDER_MAX 32        /* steps per queue */

/* When a step lets the next one fire at once (oq_escalation_step.skip_if_no_agents).
 * "The widened target" is every agent who may serve the contact once the
 * step has fired (the queue's requirements relaxed by steps 1..k, its groups
 * and those added, the contact's own required skills). */
#define OQ_SKIP_NEVER          0 /* the next step waits for its time */
#define OQ_SKIP_NONE_AVAILABLE 1 /* nobody of the widened target can take the contact now:
                                    logged in, ready, with room for its channel, not held back
                                    by a reservation or a recent reject (TaskRouter's
                                    skip_if: workers.available == 0) */
#define OQ_SKIP_NONE_LOGGED_IN 2 /* nobody of the widened target is logged in at all */

/* One step of a queue's escalation ladder (oq_queue_add_step): when it fires
 * (after entry or after the previous step, optionally only under a condition)
 * and what it does (widen skills, raise priority, overflow, ...). */
typedef struct oq_escalation_step {
    uint32_t struct_size;      /* set by oq_escalation_step_init */
    int32_t action;            /* OQ_STEP_* */
    int32_t timing;            /* OQ_STEP_AFTER_* */
    double after_s;            /* >= 0 */
    const char *skill;         /* LOWER_LEVEL, DROP_REQUIRED, DROP_PREFERRED */
    int32_t level;             /* LOWER_LEVEL: the new minimum, >= 1 */
    int32_t priority;          /* RAISE_PRIORITY: points added (may be negative);
                                  PRIORITY_AT_LEAST: the floor */
    const char *group;         /* ADD_GROUP */
    const char *queue;         /* OVERFLOW: target queue (must accept the contact's channel) */
    const char *message;       /* ALERT: text for the event's detail (copied; may be NULL) */
    int32_t skip_if_no_agents; /* OQ_SKIP_*: once this step has fired, when nobody of the
                                  widened target can serve the contact, the next step fires
                                  at once instead of at its time (TaskRouter skip_if) */
    double when_ewt_above_s;   /* 0 = no condition */
    double when_sl_below;      /* 0 = no condition; a fraction in (0, 1] */
} oq_escalation_step;

/* Defaults for a step (struct_size set, every condition off). NULL is a no-op. */
OQ_API void oq_escalation_step_init(oq_escalation_step *step);

/* Append a step to the queue's ladder. Only while the queue holds no contact
 * (OQ_ESTATE otherwise): a ladder never changes under a waiting contact.
 * Errors: OQ_EINVAL (field out of range, named), OQ_ENOTFOUND (skill, group,
 * queue), OQ_ESTATE (a LOWER_LEVEL/DROP_REQUIRED of a skill the queue does not
 * require at that point, overflow to itself), OQ_ERANGE (OQ_LADDER_MAX). */
OQ_API oq_status oq_queue_add_step(oq_engine *e, int64_t now_ms, const char *queue,
                                   const oq_escalation_step *step);

/* Remove every step of the queue's ladder (OQ_ESTATE while it holds contacts). */
OQ_API oq_status oq_queue_clear_steps(oq_engine *e, int64_t now_ms, const char *queue);

/* Number of steps in the queue's ladder. */
OQ_API oq_status oq_queue_step_count(const oq_engine *e, const char *queue, int32_t *count);

/* Queue limits (oq_queue_spec.limit_action), applied when a contact arrives
 * over max_length, has waited max_wait_s, or has had max_offers offers
 * rejected or timed out in the queue (detail "max offers"). */
#define OQ_LIMIT_REJECT   0 /* OQ_EV_QUEUE_REJECTED and the contact is forgotten */
#define OQ_LIMIT_OVERFLOW 1 /* moved to limit_queue (OQ_EV_OVERFLOWED) */
#define OQ_LIMIT_CALLBACK 2 /* becomes an item of callback_channel in limit_queue (OQ_EV_OVERFLOWED, detail "callback"):
                               a blended callback, served behind inbound work when limit_queue is outbound */
#define OQ_LIMIT_CALLBACK_KEEP_PLACE 3 /* becomes a kept-place callback in this same queue
                               (oq_contact_request_callback, OQ_EV_CALLBACK_QUEUED): needs
                               callback_channel, accepted by the queue (else it is rejected); a
                               kept-place callback is exempt from max_wait_s, and rejected if it
                               misses max_offers offers */

/* Where a waiting contact stands and how long it should still wait.
 * position: 1 + the contacts of the same channel ahead of it in its queue.
 * ewt_s = position x AHT / N, where AHT is the queue's recent handle time (an
 * exponential average, weight 0.2, of talk + wrap-up of the contacts it
 * completed; default_aht_s before any) and N the agents logged in who may
 * serve the contact now. +INFINITY when N is 0. O(position).
 * OQ_ESTATE unless the contact is QUEUED. */
OQ_API oq_status oq_contact_position(const oq_engine *e, const char *contact, int32_t *position,
                                     double *ewt_s);

/* The estimated wait of a contact arriving now in the queue (first channel
 * lane counted as a whole queue): (waiting + 1) x AHT / N. O(1). */
OQ_API oq_status oq_queue_ewt(const oq_engine *e, const char *queue, double *ewt_s);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_ESCALATION_H */
