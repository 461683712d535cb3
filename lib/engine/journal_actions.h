/* SPDX-License-Identifier: MIT */
/* Internal: THE list of journaled calls (docs/design.md, "Adding a journaled
 * call"). One row per public mutating call; everything per-action is
 * generated from it:
 * - the record-after encoder oq__jw_<ACTION> the call invokes through
 *   OQ_RECORDED (engine/journal.h), and a compile-time check that the row's
 *   code is the public OQ_J_<ACTION> of omniq/journal.h (hand-written there,
 *   for hosts and tools/gen_constants.py; test_journal_actions checks the
 *   other way, that every OQ_J_ the header defines is a row with its code);
 * - lib/journal/replay.c: the replay case (decode the arguments in order,
 *   make the call) and the name oq_journal_action_name returns.
 *
 * Row: X(ACTION, code, "name", oq_function, module, clock, (kind, argument)...)
 * - code: the record's action number, as in omniq/journal.h; rows are in
 *   code order, 1, 2, 3, ... (checked);
 * - module: the one whose file instantiates the row's encoder (ENGINE:
 *   lib/engine/journal.c; STATS: lib/stats/journal.c, which alone knows the
 *   statistics' structs), so no module needs a header above it;
 * - clock: NOW when the call takes `int64_t now_ms` after the engine (the
 *   record's now_ms is it), CLOCK when it takes none (the record carries the
 *   engine's clock after the call);
 * - the arguments after now_ms, in call order, which is also their order in
 *   the record: STR (const char *: u32 length + bytes, 0xFFFFFFFF = NULL),
 *   I32, U64, F64, a spec written field by field (CHANNEL, QUEUE, CONTACT,
 *   STEP, POLICY, STATS: the field lists below), CALENDAR (the whole
 *   calendar, calendar/codec.h); NONE for a call with no other argument.
 *
 * The byte layout is the on-disk format (docs/snapshot.md, "Journal
 * records"): a row's arguments and a spec's fields never change order or
 * kind; a new call is a new row with the next code. */
#ifndef OQ_ENGINE_JOURNAL_ACTIONS_H
#define OQ_ENGINE_JOURNAL_ACTIONS_H

#define OQ__JOURNAL_ACTIONS(X)                                                                                      \
    X(ADVANCE, 1, "engine_advance", oq_engine_advance, ENGINE, NOW, (NONE, _))                                      \
    X(CHANNEL_ADD, 2, "channel_add", oq_channel_add, ENGINE, CLOCK, (CHANNEL, spec))                                \
    X(CHANNEL_UPDATE, 3, "channel_update", oq_channel_update, ENGINE, CLOCK, (CHANNEL, spec))                       \
    X(CHANNEL_REMOVE, 4, "channel_remove", oq_channel_remove, ENGINE, CLOCK, (STR, id))                             \
    X(SKILL_ADD, 5, "skill_add", oq_skill_add, ENGINE, CLOCK, (STR, id), (I32, max_level))                          \
    X(SKILL_REMOVE, 6, "skill_remove", oq_skill_remove, ENGINE, CLOCK, (STR, id))                                   \
    X(GROUP_ADD, 7, "group_add", oq_group_add, ENGINE, CLOCK, (STR, id))                                            \
    X(GROUP_REMOVE, 8, "group_remove", oq_group_remove, ENGINE, CLOCK, (STR, id))                                   \
    X(AGENT_ADD, 9, "agent_add", oq_agent_add, ENGINE, CLOCK, (STR, id), (I32, capacity))                           \
    X(AGENT_REMOVE, 10, "agent_remove", oq_agent_remove, ENGINE, CLOCK, (STR, id))                                  \
    X(AGENT_SET_CAPACITY, 11, "agent_set_capacity", oq_agent_set_capacity, ENGINE, CLOCK, (STR, agent),             \
      (I32, capacity))                                                                                              \
    X(AGENT_SET_SKILL, 12, "agent_set_skill", oq_agent_set_skill, ENGINE, NOW, (STR, agent), (STR, skill),          \
      (I32, level))                                                                                                 \
    X(AGENT_SET_CH_LIMIT, 13, "agent_set_channel_limit", oq_agent_set_channel_limit, ENGINE, NOW, (STR, agent),     \
      (STR, channel), (I32, max_items))                                                                             \
    X(AGENT_JOIN_GROUP, 14, "agent_join_group", oq_agent_join_group, ENGINE, NOW, (STR, agent), (STR, group))       \
    X(AGENT_LEAVE_GROUP, 15, "agent_leave_group", oq_agent_leave_group, ENGINE, NOW, (STR, agent), (STR, group))    \
    X(AGENT_LOGIN, 16, "agent_login", oq_agent_login, ENGINE, NOW, (STR, agent), (I32, ready))                      \
    X(AGENT_READY, 17, "agent_ready", oq_agent_ready, ENGINE, NOW, (STR, agent))                                    \
    X(AGENT_NOT_READY, 18, "agent_not_ready", oq_agent_not_ready, ENGINE, NOW, (STR, agent), (STR, reason))         \
    X(AGENT_LOGOUT, 19, "agent_logout", oq_agent_logout, ENGINE, NOW, (STR, agent))                                 \
    X(AGENT_END_WRAPUP, 20, "agent_end_wrapup", oq_agent_end_wrapup, ENGINE, NOW, (STR, agent))                     \
    X(QUEUE_ADD, 21, "queue_add", oq_queue_add, ENGINE, CLOCK, (QUEUE, spec))                                       \
    X(QUEUE_UPDATE, 22, "queue_update", oq_queue_update, ENGINE, NOW, (QUEUE, spec))                                \
    X(QUEUE_REMOVE, 23, "queue_remove", oq_queue_remove, ENGINE, CLOCK, (STR, id))                                  \
    X(QUEUE_ADD_CHANNEL, 24, "queue_add_channel", oq_queue_add_channel, ENGINE, NOW, (STR, queue), (STR, channel))  \
    X(QUEUE_REMOVE_CHANNEL, 25, "queue_remove_channel", oq_queue_remove_channel, ENGINE, NOW, (STR, queue),         \
      (STR, channel))                                                                                               \
    X(QUEUE_REQUIRE_SKILL, 26, "queue_require_skill", oq_queue_require_skill, ENGINE, NOW, (STR, queue),            \
      (STR, skill), (I32, min_level))                                                                               \
    X(QUEUE_PREFER_SKILL, 27, "queue_prefer_skill", oq_queue_prefer_skill, ENGINE, NOW, (STR, queue), (STR, skill), \
      (I32, min_level))                                                                                             \
    X(QUEUE_ADD_GROUP, 28, "queue_add_group", oq_queue_add_group, ENGINE, NOW, (STR, queue), (STR, group))          \
    X(QUEUE_REMOVE_GROUP, 29, "queue_remove_group", oq_queue_remove_group, ENGINE, NOW, (STR, queue), (STR, group)) \
    X(CONTACT_ARRIVE, 30, "contact_arrive", oq_contact_arrive, ENGINE, NOW, (CONTACT, spec))                        \
    X(OFFER_ACCEPT, 31, "offer_accept", oq_offer_accept, ENGINE, NOW, (STR, contact), (STR, agent))                 \
    X(OFFER_REJECT, 32, "offer_reject", oq_offer_reject, ENGINE, NOW, (STR, contact), (STR, agent))                 \
    X(CONTACT_ABANDON, 33, "contact_abandon", oq_contact_abandon, ENGINE, NOW, (STR, contact))                      \
    X(CONTACT_COMPLETE, 34, "contact_complete", oq_contact_complete, ENGINE, NOW, (STR, contact))                   \
    X(CONTACT_TRANSFER, 35, "contact_transfer", oq_contact_transfer, ENGINE, NOW, (STR, contact), (STR, queue))     \
    X(CONTACT_SET_PRIORITY, 36, "contact_set_priority", oq_contact_set_priority, ENGINE, NOW, (STR, contact),       \
      (I32, priority))                                                                                              \
    X(CONTACT_PARK, 37, "contact_park", oq_contact_park, ENGINE, NOW, (STR, contact), (STR, reason))                \
    X(CONTACT_REOPEN, 38, "contact_reopen", oq_contact_reopen, ENGINE, NOW, (STR, contact), (STR, queue),           \
      (F64, owner_wait_s))                                                                                          \
    X(CONTACT_ESCALATE, 39, "contact_escalate", oq_contact_escalate, ENGINE, NOW, (STR, contact), (STR, queue),     \
      (STR, reason))                                                                                                \
    X(CONTACT_TO_AGENT, 40, "contact_transfer_to_agent", oq_contact_transfer_to_agent, ENGINE, NOW, (STR, contact), \
      (STR, agent), (F64, wait_s))                                                                                  \
    X(CONTACT_REMOVE, 41, "contact_remove", oq_contact_remove, ENGINE, NOW, (STR, contact))                         \
    X(QUEUE_ADD_STEP, 42, "queue_add_step", oq_queue_add_step, ENGINE, NOW, (STR, queue), (STEP, step))             \
    X(QUEUE_CLEAR_STEPS, 43, "queue_clear_steps", oq_queue_clear_steps, ENGINE, NOW, (STR, queue))                  \
    X(PROFILE_ADD, 44, "profile_add", oq_profile_add, ENGINE, CLOCK, (STR, id))                                     \
    X(PROFILE_REMOVE, 45, "profile_remove", oq_profile_remove, ENGINE, CLOCK, (STR, id))                            \
    X(PROFILE_SET_QUEUE, 46, "profile_set_queue", oq_profile_set_queue, ENGINE, NOW, (STR, profile), (STR, queue),  \
      (I32, priority), (F64, delay_s))                                                                              \
    X(PROFILE_SET_CHANNEL, 47, "profile_set_channel", oq_profile_set_channel, ENGINE, NOW, (STR, profile),          \
      (STR, channel), (I32, max_items), (I32, cross_channel))                                                       \
    X(PROFILE_SET_OPTIONS, 48, "profile_set_options", oq_profile_set_options, ENGINE, NOW, (STR, profile),          \
      (I32, force_longest_waiting), (I32, idle_measure))                                                            \
    X(AGENT_SET_PROFILE, 49, "agent_set_profile", oq_agent_set_profile, ENGINE, NOW, (STR, agent), (STR, profile))  \
    X(GROUP_SET_PROFILE, 50, "group_set_profile", oq_group_set_profile, ENGINE, NOW, (STR, group), (STR, profile))  \
    X(QUEUE_SET_BLEND, 51, "queue_set_blend", oq_queue_set_blend, ENGINE, NOW, (STR, queue), (I32, rule))           \
    X(AGENT_SET_POLICY, 52, "agent_set_policy", oq_agent_set_policy, ENGINE, NOW, (STR, agent), (POLICY, policy))   \
    X(STATS_CONFIGURE, 53, "stats_configure", oq_stats_configure, STATS, CLOCK, (STATS, opts))                      \
    X(STATS_RESET_DAY, 54, "stats_reset_day", oq_stats_reset_day, STATS, NOW, (NONE, _))                            \
    X(CONTACT_CALLBACK, 55, "contact_request_callback", oq_contact_request_callback, ENGINE, NOW, (STR, contact))   \
    X(CALENDAR_ADD, 56, "calendar_add", oq_engine_add_calendar, ENGINE, NOW, (CALENDAR, cal))                       \
    X(CALENDAR_REPLACE, 57, "calendar_replace", oq_engine_replace_calendar, ENGINE, NOW, (CALENDAR, cal))           \
    X(CALENDAR_REMOVE, 58, "calendar_remove", oq_engine_remove_calendar, ENGINE, CLOCK, (STR, id))                  \
    X(SET_SEED, 59, "engine_set_seed", oq_engine_set_seed, ENGINE, CLOCK, (U64, seed))

/* The fields of each spec, in record order: F(kind, field) with kinds STR,
 * I32, I64, F64. The contact's skill lists and the statistics' wait bounds
 * are written after the listed fields where marked (journal.c, replay.c). */
#define OQ__J_CHANNEL_FIELDS(F) F(STR, id) F(I32, synchronous) F(I32, exclusive) F(I32, capacity_cost) \
    F(I32, max_per_agent)
#define OQ__J_QUEUE_FIELDS(F)                                                                               \
    F(STR, id) F(I32, priority) F(I32, ordering) F(I32, strategy) F(I32, timeout_not_ready)                \
    F(F64, sla_threshold_s) F(F64, sla_target) F(F64, offer_timeout_s) F(F64, wrapup_s) F(F64, aging_per_s) \
    F(I32, max_length) F(I32, limit_action) F(F64, max_wait_s) F(STR, limit_queue)                        \
    F(STR, callback_channel) F(I32, refuse_if_no_agents) F(I32, outbound) F(F64, default_aht_s)           \
    F(F64, deadline_warning_s) F(I32, keep_offer_on_not_ready) F(F64, retry_after_s) F(I32, max_offers)    \
    F(F64, last_agent_window_s) F(F64, last_agent_wait_s) F(STR, calendar) F(I32, closed_action)          \
    F(STR, closed_queue) F(I32, business_time)
/* Then: required skills, preferred skills (journal.c w_contact), then the tail. */
#define OQ__J_CONTACT_HEAD_FIELDS(F) F(STR, id) F(STR, channel) F(STR, queue) F(STR, customer) \
    F(STR, preferred_agent) F(I32, priority)
#define OQ__J_CONTACT_TAIL_FIELDS(F) F(I64, deadline_ms) F(F64, preferred_wait_s)
#define OQ__J_STEP_FIELDS(F)                                                                           \
    F(I32, action) F(I32, timing) F(F64, after_s) F(STR, skill) F(I32, level) F(I32, priority)        \
    F(STR, group) F(STR, queue) F(STR, message) F(I32, skip_if_no_agents) F(F64, when_ewt_above_s)    \
    F(F64, when_sl_below)
#define OQ__J_POLICY_FIELDS(F) F(I32, max_no_answer) F(I32, max_per_window) F(F64, window_s) \
    F(F64, reject_delay_s) F(F64, no_answer_delay_s)
/* Then: OQ_STATS_BOUNDS_MAX wait bounds (f64 each). */
#define OQ__J_STATS_FIELDS(F) F(I32, ring_size) F(F64, interval_s) F(F64, window_s) F(F64, window_bucket_s) \
    F(F64, short_abandon_s) F(I32, n_wait_bounds) F(I32, attribution)

/* Record frame (docs/snapshot.md): "OQJ", version, i32 action, i64 now_ms,
 * u64 sequence number, then the lost allocations, the arguments, a CRC-32. */
#define OQ__J_VERSION 2
#define OQ__J_HEAD 24   /* magic + version, action, now_ms, seq */
#define OQ__J_SEQ_AT 16 /* byte offset of the sequence number (u64 little-endian) */
#define OQ__J_LOST_MAX 16 /* lost allocations one record lists (engine/types.h OQ_SOFT_MAX) */

/* C types of the argument kinds. */
#define OQ__JT_NONE
#define OQ__JT_STR const char *
#define OQ__JT_I32 int32_t
#define OQ__JT_U64 uint64_t
#define OQ__JT_F64 double
#define OQ__JT_CHANNEL const oq_channel_spec *
#define OQ__JT_QUEUE const oq_queue_spec *
#define OQ__JT_CONTACT const oq_contact_spec *
#define OQ__JT_STEP const oq_escalation_step *
#define OQ__JT_POLICY const oq_agent_policy *
#define OQ__JT_STATS const struct oq_stats_options *
#define OQ__JT_CALENDAR const oq_calendar *

/* ", type name" for a parameter list (nothing for NONE). */
#define OQ__J_PARAM(kind, name) OQ__J_PARAM_##kind(name)
#define OQ__J_PARAM_NONE(name)
#define OQ__J_PARAM_STR(name) , OQ__JT_STR name
#define OQ__J_PARAM_I32(name) , OQ__JT_I32 name
#define OQ__J_PARAM_U64(name) , OQ__JT_U64 name
#define OQ__J_PARAM_F64(name) , OQ__JT_F64 name
#define OQ__J_PARAM_CHANNEL(name) , OQ__JT_CHANNEL name
#define OQ__J_PARAM_QUEUE(name) , OQ__JT_QUEUE name
#define OQ__J_PARAM_CONTACT(name) , OQ__JT_CONTACT name
#define OQ__J_PARAM_STEP(name) , OQ__JT_STEP name
#define OQ__J_PARAM_POLICY(name) , OQ__JT_POLICY name
#define OQ__J_PARAM_STATS(name) , OQ__JT_STATS name
#define OQ__J_PARAM_CALENDAR(name) , OQ__JT_CALENDAR name

/* ", int64_t now_ms" for NOW calls. */
#define OQ__J_NOW_PARAM_NOW , int64_t now_ms
#define OQ__J_NOW_PARAM_CLOCK

/* M applied to each (kind, name) pair of a row (1..5 of them). */
#define OQ__J_EACH(M, ...) OQ__J_EACH_N(__VA_ARGS__, 5, 4, 3, 2, 1, 0)(M, __VA_ARGS__)
#define OQ__J_EACH_N(a1, a2, a3, a4, a5, n, ...) OQ__J_EACH_##n
#define OQ__J_EACH_1(M, a) M a
#define OQ__J_EACH_2(M, a, ...) M a OQ__J_EACH_1(M, __VA_ARGS__)
#define OQ__J_EACH_3(M, a, ...) M a OQ__J_EACH_2(M, __VA_ARGS__)
#define OQ__J_EACH_4(M, a, ...) M a OQ__J_EACH_3(M, __VA_ARGS__)
#define OQ__J_EACH_5(M, a, ...) M a OQ__J_EACH_4(M, __VA_ARGS__)

#endif
