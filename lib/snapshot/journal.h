/* SPDX-License-Identifier: MIT */
/* Internal: journal hooks. Every public mutating function starts with
 * OQ_JOURNAL(e, oq__j_<name>(e, ...args)): when a journal is set (and the
 * call is not nested in another journaled call or made from a callback), the
 * call is routed through its wrapper in journal.c, which makes the call and
 * then hands the host one record. */
#ifndef OQ_SNAPSHOT_JOURNAL_H
#define OQ_SNAPSHOT_JOURNAL_H

#include "engine/types.h"
#include "omniq/calendar.h"
#include "omniq/contact.h"
#include "omniq/engine.h"
#include "omniq/escalation.h"
#include "omniq/model.h"
#include "omniq/profile.h"
#include "omniq/snapshot.h"
#include "omniq/stats.h"

#define OQ_JOURNAL(e, call)                                                  \
    do {                                                                     \
        if ((e) && (e)->journal && !(e)->journal_depth && !(e)->in_callback) \
            return (call);                                                   \
    } while (0)

/* engine.c: free the journal's buffers (oq_engine_destroy). */
void oq__journal_free(oq_engine *e);

/* One wrapper per journaled call (journal.c). */
oq_status oq__j_engine_advance(oq_engine *e, int64_t now_ms);
oq_status oq__j_channel_add(oq_engine *e, const oq_channel_spec *spec);
oq_status oq__j_channel_update(oq_engine *e, const oq_channel_spec *spec);
oq_status oq__j_channel_remove(oq_engine *e, const char *id);
oq_status oq__j_skill_add(oq_engine *e, const char *id, int32_t max_level);
oq_status oq__j_skill_remove(oq_engine *e, const char *id);
oq_status oq__j_group_add(oq_engine *e, const char *id);
oq_status oq__j_group_remove(oq_engine *e, const char *id);
oq_status oq__j_agent_add(oq_engine *e, const char *id, int32_t capacity);
oq_status oq__j_agent_remove(oq_engine *e, const char *id);
oq_status oq__j_agent_set_capacity(oq_engine *e, const char *agent, int32_t capacity);
oq_status oq__j_agent_set_skill(oq_engine *e, int64_t now_ms, const char *agent, const char *skill, int32_t level);
oq_status oq__j_agent_set_channel_limit(oq_engine *e, int64_t now_ms, const char *agent, const char *channel, int32_t max_items);
oq_status oq__j_agent_join_group(oq_engine *e, int64_t now_ms, const char *agent, const char *group);
oq_status oq__j_agent_leave_group(oq_engine *e, int64_t now_ms, const char *agent, const char *group);
oq_status oq__j_agent_login(oq_engine *e, int64_t now_ms, const char *agent, int32_t ready);
oq_status oq__j_agent_ready(oq_engine *e, int64_t now_ms, const char *agent);
oq_status oq__j_agent_not_ready(oq_engine *e, int64_t now_ms, const char *agent, const char *reason);
oq_status oq__j_agent_logout(oq_engine *e, int64_t now_ms, const char *agent);
oq_status oq__j_agent_end_wrapup(oq_engine *e, int64_t now_ms, const char *agent);
oq_status oq__j_queue_add(oq_engine *e, const oq_queue_spec *spec);
oq_status oq__j_queue_update(oq_engine *e, int64_t now_ms, const oq_queue_spec *spec);
oq_status oq__j_queue_remove(oq_engine *e, const char *id);
oq_status oq__j_queue_add_channel(oq_engine *e, int64_t now_ms, const char *queue, const char *channel);
oq_status oq__j_queue_remove_channel(oq_engine *e, int64_t now_ms, const char *queue, const char *channel);
oq_status oq__j_queue_require_skill(oq_engine *e, int64_t now_ms, const char *queue, const char *skill, int32_t min_level);
oq_status oq__j_queue_prefer_skill(oq_engine *e, int64_t now_ms, const char *queue, const char *skill, int32_t min_level);
oq_status oq__j_queue_add_group(oq_engine *e, int64_t now_ms, const char *queue, const char *group);
oq_status oq__j_queue_remove_group(oq_engine *e, int64_t now_ms, const char *queue, const char *group);
oq_status oq__j_contact_arrive(oq_engine *e, int64_t now_ms, const oq_contact_spec *spec);
oq_status oq__j_offer_accept(oq_engine *e, int64_t now_ms, const char *contact, const char *agent);
oq_status oq__j_offer_reject(oq_engine *e, int64_t now_ms, const char *contact, const char *agent);
oq_status oq__j_contact_abandon(oq_engine *e, int64_t now_ms, const char *contact);
oq_status oq__j_contact_complete(oq_engine *e, int64_t now_ms, const char *contact);
oq_status oq__j_contact_transfer(oq_engine *e, int64_t now_ms, const char *contact, const char *queue);
oq_status oq__j_contact_set_priority(oq_engine *e, int64_t now_ms, const char *contact, int32_t priority);
oq_status oq__j_contact_park(oq_engine *e, int64_t now_ms, const char *contact, const char *reason);
oq_status oq__j_contact_reopen(oq_engine *e, int64_t now_ms, const char *contact, const char *queue, double owner_wait_s);
oq_status oq__j_contact_escalate(oq_engine *e, int64_t now_ms, const char *contact, const char *queue, const char *reason);
oq_status oq__j_contact_transfer_to_agent(oq_engine *e, int64_t now_ms, const char *contact, const char *agent, double wait_s);
oq_status oq__j_contact_remove(oq_engine *e, int64_t now_ms, const char *contact);
oq_status oq__j_queue_add_step(oq_engine *e, int64_t now_ms, const char *queue, const oq_escalation_step *step);
oq_status oq__j_queue_clear_steps(oq_engine *e, int64_t now_ms, const char *queue);
oq_status oq__j_profile_add(oq_engine *e, const char *id);
oq_status oq__j_profile_remove(oq_engine *e, const char *id);
oq_status oq__j_profile_set_queue(oq_engine *e, int64_t now_ms, const char *profile, const char *queue, int32_t priority, double delay_s);
oq_status oq__j_profile_set_channel(oq_engine *e, int64_t now_ms, const char *profile, const char *channel, int32_t max_items, int32_t cross_channel);
oq_status oq__j_profile_set_options(oq_engine *e, int64_t now_ms, const char *profile, int32_t force_longest_waiting, int32_t idle_measure);
oq_status oq__j_agent_set_profile(oq_engine *e, int64_t now_ms, const char *agent, const char *profile);
oq_status oq__j_group_set_profile(oq_engine *e, int64_t now_ms, const char *group, const char *profile);
oq_status oq__j_queue_set_blend(oq_engine *e, int64_t now_ms, const char *queue, int32_t rule);
oq_status oq__j_agent_set_policy(oq_engine *e, int64_t now_ms, const char *agent, const oq_agent_policy *policy);
oq_status oq__j_stats_configure(oq_engine *e, const oq_stats_options *opts);
oq_status oq__j_stats_reset_day(oq_engine *e, int64_t now_ms);
oq_status oq__j_contact_request_callback(oq_engine *e, int64_t now_ms, const char *contact);
oq_status oq__j_engine_add_calendar(oq_engine *e, int64_t now_ms, const oq_calendar *cal);
oq_status oq__j_engine_replace_calendar(oq_engine *e, int64_t now_ms, const oq_calendar *cal);
oq_status oq__j_engine_remove_calendar(oq_engine *e, const char *id);

#endif
