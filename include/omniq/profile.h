/* SPDX-License-Identifier: MIT */
/* omniq — routing profiles, outbound blending and agent policies.
 *
 * A routing profile (like Amazon Connect's) lists the queues an agent serves,
 * each with a priority and a delay, and per-channel concurrency with a
 * cross-channel rule. An agent uses its own profile, else the profile of the
 * first of its groups that has one, else none (it then serves every queue its
 * skills and groups qualify it for, all alike).
 *
 * With a profile:
 * - the agent serves only the listed queues (skills and groups still apply);
 * - when it frees up it takes the head of its highest-priority queue first
 *   (priority 1 before 2), the longest-waiting contact among equal
 *   priorities — unless force_longest_waiting is set, in which case it takes
 *   the contact with the highest priority, then the longest-waiting, across
 *   all its queues (app_queue's force_longest_waiting_caller);
 * - it is offered a contact of a queue only once the contact has waited that
 *   queue's delay in it;
 * - max_items per channel overrides the channel's max_per_agent (an explicit
 *   oq_agent_set_channel_limit still wins), and a channel with cross_channel
 *   0 ("current channel only") keeps an agent holding one of its items from
 *   being offered items of any other channel.
 *
 * Same rules as model.h: not thread-safe, OQ_EBUSY from callbacks, errors
 * name the field, failed calls change nothing. */
#ifndef OMNIQ_PROFILE_H
#define OMNIQ_PROFILE_H

#include "omniq/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What "longest idle" measures for an agent (oq_profile_set_options). */
#define OQ_IDLE_LAST_ACTIVITY 0 /* since its last offer or end of a contact (default) */
#define OQ_IDLE_LAST_INBOUND  1 /* since its last inbound contact: outbound work does not count */

/* Add an empty routing profile `id` (OQ_EEXIST if it exists). Profiles give
 * agents per-queue priorities and delays (oq_profile_set_queue) and are
 * assigned with oq_agent_set_profile. */
OQ_API oq_status oq_profile_add(oq_engine *e, const char *id);
/* OQ_ESTATE while any agent or group uses it. */
OQ_API oq_status oq_profile_remove(oq_engine *e, const char *id);

/* List `queue` in the profile with `priority` (1 = served first, up to
 * 1000) and `delay_s` (>= 0); priority 0 removes the queue from it. */
OQ_API oq_status oq_profile_set_queue(oq_engine *e, int64_t now_ms, const char *profile,
                                      const char *queue, int32_t priority, double delay_s);

/* Per-channel concurrency: max_items -1 = the channel's default, 0 = none,
 * else 1..10000; cross_channel 1 = may take other channels while holding this
 * one (default), 0 = current channel only. */
OQ_API oq_status oq_profile_set_channel(oq_engine *e, int64_t now_ms, const char *profile,
                                        const char *channel, int32_t max_items,
                                        int32_t cross_channel);

/* force_longest_waiting 0/1; idle_measure OQ_IDLE_*. */
OQ_API oq_status oq_profile_set_options(oq_engine *e, int64_t now_ms, const char *profile,
                                        int32_t force_longest_waiting, int32_t idle_measure);

/* Give an agent / a group a profile; NULL removes it. */
OQ_API oq_status oq_agent_set_profile(oq_engine *e, int64_t now_ms, const char *agent,
                                      const char *profile);
OQ_API oq_status oq_group_set_profile(oq_engine *e, int64_t now_ms, const char *group,
                                      const char *profile);

/* ---- outbound blending ------------------------------------------------------
 * A queue with oq_queue_spec.outbound = 1 holds proactive work (callbacks,
 * follow-ups). Its contacts go to an agent only when no inbound contact that
 * agent could take is waiting, and, under OQ_BLEND_SL_ABOVE_TARGET, only while
 * every inbound queue the agent serves meets its service-level target
 * (answered within threshold / answered + abandoned, since the engine started). */
#define OQ_BLEND_WHEN_IDLE        0
#define OQ_BLEND_SL_ABOVE_TARGET  1

/* Set an outbound queue's blending rule. OQ_ESTATE for an inbound queue. */
OQ_API oq_status oq_queue_set_blend(oq_engine *e, int64_t now_ms, const char *queue, int32_t rule);

/* ---- agent policies -----------------------------------------------------------
 * What users of FreeSWITCH (max-no-answer, reject-delay-time,
 * no-answer-delay-time), Asterisk (autopause) and Chatwoot (fair distribution)
 * rely on. All 0 = off (the default). */
typedef struct oq_agent_policy {
    uint32_t struct_size;      /* set by oq_agent_policy_init */
    int32_t max_no_answer;     /* offers in a row left to time out before NOT_READY "no answer" */
    int32_t max_per_window;    /* at most this many offers per window_s (1..64) */
    double window_s;           /* the fair-distribution window, > 0 with max_per_window */
    double reject_delay_s;     /* no new offer for this long after a reject */
    double no_answer_delay_s;  /* no new offer for this long after a time-out */
} oq_agent_policy;

/* Defaults for an agent policy: no per-window cap, no reject or no-answer delay.
 * NULL is a no-op. */
OQ_API void oq_agent_policy_init(oq_agent_policy *policy);
/* Set an agent's offer policy (fair-distribution cap and the pauses after a
 * reject or a time-out). OQ_ENOTFOUND for an unknown agent, OQ_EINVAL for a
 * negative time or a cap without a window. */
OQ_API oq_status oq_agent_set_policy(oq_engine *e, int64_t now_ms, const char *agent,
                                     const oq_agent_policy *policy);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_PROFILE_H */
