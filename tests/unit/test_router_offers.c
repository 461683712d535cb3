/* SPDX-License-Identifier: MIT */
/* Skill matching, offers (accept / reject / time-out), capacity rules,
 * wrap-up, transfers and the timer contract. */
#include <stdio.h>
#include <string.h>

#include "test_support.h"

static char buf[64];
static recorder rec;

static void login_all(oq_engine *e, int64_t t, const char *const *ids, int n)
{
    for (int i = 0; i < n; i++)
        assert_oq_ok(e, oq_agent_login(e, t, ids[i], 1));
}

static void skill_levels_gate_eligibility(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "cantonese", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_skill_add(e, "yue", 10));
    assert_oq_ok(e, oq_queue_require_skill(e, 0, "cantonese", "yue", 8));
    add_agent(e, "none", 100);
    add_agent(e, "low", 100);
    add_agent(e, "high", 100);
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "low", "yue", 5));
    const char *ids[] = {"none", "low"};
    login_all(e, 0, ids, 2);
    assert_oq_ok(e, arrive(e, 10, "c1", "voice", "cantonese", 0));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
    assert_oq_ok(e, oq_queue_get(e, "cantonese", &qi));
    assert_int_equal(qi.eligible_agents, 0);
    /* A level-8 agent logging in takes it; raising "low" to 8 makes it eligible. */
    assert_oq_ok(e, oq_agent_set_skill(e, 20, "high", "yue", 8));
    assert_oq_ok(e, oq_agent_login(e, 30, "high", 1));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "high");
    assert_oq_ok(e, arrive(e, 40, "c2", "voice", "cantonese", 0));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_agent_set_skill(e, 50, "low", "yue", 8));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "low");
    assert_int_equal(recorder_find(&rec, 0, OQ_EV_OFFERED, NULL, "none"), -1);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void contact_extra_and_preferred_skills(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "email", 0, 10, 5);
    add_queue(e, "support", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "email");
    assert_oq_ok(e, oq_skill_add(e, "english", 10));
    assert_oq_ok(e, oq_skill_add(e, "vip", 10));
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    add_agent(e, "a3", 100);
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "a2", "english", 6));
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "a3", "english", 6));
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "a3", "vip", 3));
    const char *ids[] = {"a1", "a2", "a3"};
    login_all(e, 0, ids, 3);
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    const char *req[] = {"english"};
    const int32_t req_lv[] = {5};
    const char *pref[] = {"vip"};
    const int32_t pref_lv[] = {2};
    s.id = "m1";
    s.channel = "email";
    s.queue = "support";
    s.n_required = 1;
    s.required_skills = req;
    s.required_levels = req_lv;
    s.n_preferred = 1;
    s.preferred_skills = pref;
    s.preferred_levels = pref_lv;
    /* a1 lacks english; a2 is more idle than a3 but lacks the preferred vip. */
    assert_oq_ok(e, oq_contact_arrive(e, 10, &s));
    assert_string_equal(contact_agent(e, "m1", buf, sizeof buf), "a3");
    /* Nobody else has vip: the preference is dropped, english still required. */
    s.id = "m2";
    assert_oq_ok(e, oq_agent_logout(e, 11, "a3")); /* m1 goes back, a2 takes it */
    assert_string_equal(contact_agent(e, "m1", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_contact_arrive(e, 12, &s));
    assert_string_equal(contact_agent(e, "m2", buf, sizeof buf), "a2");
    assert_int_equal(recorder_find(&rec, 0, OQ_EV_OFFERED, NULL, "a1"), -1);
    /* The skill is in use and cannot be removed. */
    assert_int_equal(oq_skill_remove(e, "english"), OQ_ESTATE);
    assert_non_null(strstr(oq_engine_last_error(e), "english"));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static oq_engine *two_agent_center(double timeout_s, int timeout_not_ready)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.offer_timeout_s = timeout_s;
    q.timeout_not_ready = timeout_not_ready;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    const char *ids[] = {"a1", "a2"};
    login_all(e, 0, ids, 2);
    return e;
}

static void reject_reroutes_and_never_reoffers(void **state)
{
    (void)state;
    oq_engine *e = two_agent_center(0, 0);
    assert_oq_ok(e, arrive(e, 100, "c1", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_offer_reject(e, 200, "c1", "a1"));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_offer_reject(e, 300, "c1", "a2"));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED); /* everyone said no */
    /* a1 and a2 are idle and ready, yet neither is offered c1 again... */
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_READY);
    assert_int_equal(recorder_count(&rec, OQ_EV_OFFERED, "c1"), 2);
    /* ...but a new agent is, and other contacts still reach a1. */
    assert_oq_ok(e, arrive(e, 400, "c2", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a1");
    add_agent(e, "a3", 100);
    assert_oq_ok(e, oq_agent_login(e, 500, "a3", 1));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a3");
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "c1", &ci));
    assert_int_equal(ci.n_rejected, 2);
    assert_int_equal(ci.n_offers, 3);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void offer_timeout_fires_at_exact_ms_and_accept_after_fails(void **state)
{
    (void)state;
    oq_engine *e = two_agent_center(15, 1);
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    int64_t deadline = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &deadline));
    assert_int_equal(deadline, 16000);
    assert_oq_ok(e, oq_engine_advance(e, 15999));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_OFFERED);
    /* The host comes back late, at 20 s: the time-out still happened at 16 s. */
    assert_oq_ok(e, oq_engine_advance(e, 20000));
    int i = recorder_find(&rec, 0, OQ_EV_OFFER_TIMEOUT, "c1", "a1");
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 16000);
    int j = recorder_find(&rec, i, OQ_EV_OFFERED, "c1", "a2");
    assert_true(j > i);
    assert_int_equal(rec.ev[j].time_ms, 16000);
    /* timeout_not_ready: a1 stops receiving work, with the reason. */
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    assert_oq_ok(e, oq_agent_get(e, "a1", &ai));
    assert_int_equal(ai.state, OQ_AGENT_NOT_READY);
    assert_string_equal(ai.not_ready_reason, "no answer");
    /* Accepting the expired offer fails and changes nothing. */
    oq_engine_counts before = OQ_OUTPUT_INIT(oq_engine_counts), after = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &before));
    assert_int_equal(oq_offer_accept(e, 20000, "c1", "a1"), OQ_ESTATE);
    assert_non_null(strstr(oq_engine_last_error(e), "timed out"));
    assert_oq_ok(e, oq_engine_get_counts(e, &after));
    assert_memory_equal(&before, &after, sizeof before);
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_offer_accept(e, 20001, "c1", "a2"));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_ACTIVE);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void chat_concurrency_and_voice_exclusivity(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "chat", 0, 30, 3);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "chat"));
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    /* Three chats fit (90 units, max 3); the fourth waits. */
    for (int i = 0; i < 4; i++) {
        char id[16];
        snprintf(id, sizeof id, "t%d", i);
        assert_oq_ok(e, arrive(e, 10 + i, id, "chat", "q", 0));
    }
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    assert_oq_ok(e, oq_agent_get(e, "a1", &ai));
    assert_int_equal(ai.n_offered, 3);
    assert_int_equal(ai.used_capacity, 90);
    assert_int_equal(contact_state(e, "t3"), OQ_CONTACT_QUEUED);
    /* A call cannot reach an agent holding chats... */
    assert_oq_ok(e, arrive(e, 20, "v1", "voice", "q", 0));
    assert_int_equal(contact_state(e, "v1"), OQ_CONTACT_QUEUED);
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "t%d", i);
        assert_oq_ok(e, oq_contact_remove(e, 30, id));
    }
    /* The first chat slot that frees goes to t3; v1 still cannot reach an
     * agent holding chats... */
    assert_int_equal(contact_state(e, "t3"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e, "v1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_contact_remove(e, 31, "t3"));
    /* ...and while on the call it takes no chat. */
    assert_int_equal(contact_state(e, "v1"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, arrive(e, 40, "t4", "chat", "q", 0));
    assert_int_equal(contact_state(e, "t4"), OQ_CONTACT_QUEUED);
    /* A per-agent limit of 1 chat overrides the channel's 3. */
    assert_oq_ok(e, oq_contact_remove(e, 50, "v1"));
    assert_int_equal(contact_state(e, "t4"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_agent_set_channel_limit(e, 51, "a1", "chat", 1));
    assert_oq_ok(e, arrive(e, 52, "t5", "chat", "q", 0));
    assert_int_equal(contact_state(e, "t5"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_agent_set_channel_limit(e, 53, "a1", "chat", -1));
    assert_int_equal(contact_state(e, "t5"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void wrapup_blocks_new_work_until_it_ends(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.wrapup_s = 30;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    add_queue(e, "other", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 2000, "c1", "a1"));
    assert_oq_ok(e, oq_contact_complete(e, 10000, "c1"));
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_WRAPUP);
    /* Wrap-up blocks every queue the agent serves (asterisk#1006). */
    assert_oq_ok(e, arrive(e, 11000, "c2", "voice", "other", 0));
    assert_oq_ok(e, oq_engine_advance(e, 39999));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 40000));
    int i = recorder_find(&rec, 0, OQ_EV_COMPLETED, "c1", "a1");
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 40000);
    assert_int_equal(contact_state(e, "c1"), -1); /* forgotten */
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_OFFERED);
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    assert_oq_ok(e, oq_agent_get(e, "a1", &ai));
    assert_int_equal(ai.handled, 1);
    /* The host can end wrap-up early. */
    assert_oq_ok(e, oq_offer_accept(e, 41000, "c2", "a1"));
    assert_oq_ok(e, oq_contact_complete(e, 42000, "c2")); /* "other": no wrap-up */
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_READY);
    assert_oq_ok(e, arrive(e, 43000, "c3", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 43000, "c3", "a1"));
    assert_oq_ok(e, oq_contact_complete(e, 44000, "c3"));
    assert_oq_ok(e, oq_agent_end_wrapup(e, 45000, "a1"));
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_READY);
    assert_int_equal(oq_agent_end_wrapup(e, 45000, "a1"), OQ_ESTATE);
    int64_t d;
    assert_oq_ok(e, oq_engine_next_deadline(e, &d));
    assert_int_equal(d, INT64_MAX); /* the wrap-up timer was cancelled */
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void preferred_agent_gets_it_when_available(void **state)
{
    (void)state;
    oq_engine *e = two_agent_center(0, 0);
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = "c1";
    s.channel = "voice";
    s.queue = "q";
    s.preferred_agent = "a2"; /* a1 would win by longest idle */
    assert_oq_ok(e, oq_contact_arrive(e, 10, &s));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a2");
    s.id = "c2"; /* a2 busy now: falls back to the queue's choice */
    assert_oq_ok(e, oq_contact_arrive(e, 20, &s));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a1");
    oq_engine_destroy(e);
}

static void transfer_moves_and_releases(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "tier1", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "tier2", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_group_add(e, "experts"));
    assert_oq_ok(e, oq_queue_add_group(e, 0, "tier2", "experts"));
    add_agent(e, "junior", 100);
    add_agent(e, "senior", 100);
    assert_oq_ok(e, oq_agent_join_group(e, 0, "senior", "experts"));
    assert_oq_ok(e, oq_agent_login(e, 0, "junior", 1));
    assert_oq_ok(e, arrive(e, 10, "c1", "voice", "tier1", 0));
    assert_oq_ok(e, oq_offer_accept(e, 20, "c1", "junior"));
    assert_oq_ok(e, oq_contact_transfer(e, 30, "c1", "tier2"));
    int i = recorder_find(&rec, 0, OQ_EV_TRANSFERRED, "c1", NULL);
    assert_true(i >= 0);
    assert_string_equal(rec.ev[i].from_queue, "tier1");
    assert_string_equal(rec.ev[i].queue, "tier2");
    /* junior is free again but not in the experts group: c1 waits for senior. */
    assert_int_equal(agent_state(e, "junior"), OQ_AGENT_READY);
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_agent_login(e, 40, "senior", 1));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "senior");
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "c1", &ci));
    assert_string_equal(ci.queue, "tier2");
    assert_int_equal(ci.arrived_ms, 10);
    assert_int_equal(ci.enqueued_ms, 30);
    assert_int_equal(oq_group_remove(e, "experts"), OQ_ESTATE);
    assert_int_equal(oq_queue_remove(e, "tier2"), OQ_ESTATE);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void logout_returns_offers_keeps_calls(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 30, 3);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 10, "t1", "chat", "q", 0));
    assert_oq_ok(e, arrive(e, 11, "t2", "chat", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 12, "t1", "a1"));
    assert_oq_ok(e, oq_agent_logout(e, 20, "a1"));
    assert_int_equal(contact_state(e, "t1"), OQ_CONTACT_ACTIVE); /* the chat goes on */
    assert_int_equal(contact_state(e, "t2"), OQ_CONTACT_QUEUED);  /* the offer comes back */
    int i = recorder_find(&rec, 0, OQ_EV_CONTACT_QUEUED, "t2", "a1");
    assert_true(i >= 0);
    assert_non_null(strstr(rec.ev[i].detail, "logged out"));
    assert_int_equal(oq_agent_remove(e, "a1"), OQ_ESTATE); /* still holds t1 */
    assert_oq_ok(e, oq_contact_complete(e, 30, "t1"));
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_OFFLINE);
    assert_oq_ok(e, oq_agent_remove(e, "a1"));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Logging out while holding work is visible at once: an agent-state event
 * whose state is unchanged (busy) with detail "logging out", and every later
 * change until offline says so too (issue #15 item 7). */
static void logout_with_work_reports_logging_out(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.wrapup_s = 10;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 10, "call", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 20, "call", "a1"));
    int from = rec.n;
    assert_oq_ok(e, oq_agent_logout(e, 1000, "a1"));
    int i = recorder_find(&rec, from, OQ_EV_AGENT_STATE, NULL, "a1");
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 1000);
    assert_int_equal(rec.ev[i].agent_state, OQ_AGENT_BUSY);
    assert_int_equal(rec.ev[i].prev_agent_state, OQ_AGENT_BUSY);
    assert_string_equal(rec.ev[i].detail, "logging out");
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    assert_oq_ok(e, oq_agent_get(e, "a1", &ai));
    assert_int_equal(ai.presence, OQ_AGENT_OFFLINE);
    assert_int_equal(ai.state, OQ_AGENT_BUSY);
    assert_int_equal(ai.state_since_ms, 10); /* busy since the offer: the state did not change */
    /* Wrap-up, then offline: each step still says why. */
    assert_oq_ok(e, oq_contact_complete(e, 2000, "call"));
    i = recorder_find(&rec, i + 1, OQ_EV_AGENT_STATE, NULL, "a1");
    assert_int_equal(rec.ev[i].agent_state, OQ_AGENT_WRAPUP);
    assert_string_equal(rec.ev[i].detail, "logging out");
    assert_oq_ok(e, oq_engine_advance(e, 12000));
    i = recorder_find(&rec, i + 1, OQ_EV_AGENT_STATE, NULL, "a1");
    assert_int_equal(rec.ev[i].agent_state, OQ_AGENT_OFFLINE);
    assert_int_equal(rec.ev[i].time_ms, 12000);
    assert_int_equal(recorder_find(&rec, i + 1, OQ_EV_AGENT_STATE, NULL, "a1"), -1);
    /* An agent holding nothing goes offline at once, with no pending event. */
    assert_oq_ok(e, oq_agent_login(e, 13000, "a1", 1));
    from = rec.n;
    assert_oq_ok(e, oq_agent_logout(e, 14000, "a1"));
    i = recorder_find(&rec, from, OQ_EV_AGENT_STATE, NULL, "a1");
    assert_int_equal(rec.ev[i].agent_state, OQ_AGENT_OFFLINE);
    assert_int_equal(rec.ev[i].prev_agent_state, OQ_AGENT_READY);
    assert_int_equal(recorder_find(&rec, i + 1, OQ_EV_AGENT_STATE, NULL, "a1"), -1);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* An agent who goes not ready while an offer rings loses the offer at once
 * and the contact is routed again (issue #15 item 6) — also when the engine
 * itself sets the agent not ready (timeout_not_ready) — unless the queue
 * keeps offers ringing (keep_offer_on_not_ready, the former behaviour). */
static void not_ready_withdraws_ringing_offers(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 30, 3);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.offer_timeout_s = 20;
    q.timeout_not_ready = 1;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "chat"));
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 10, "t1", "chat", "q", 0));
    assert_string_equal(contact_agent(e, "t1", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_agent_login(e, 20, "a2", 1));
    int from = rec.n;
    assert_oq_ok(e, oq_agent_not_ready(e, 1000, "a1", "break"));
    int i = recorder_find(&rec, from, OQ_EV_CONTACT_QUEUED, "t1", "a1");
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 1000);
    assert_non_null(strstr(rec.ev[i].detail, "not ready"));
    assert_string_equal(contact_agent(e, "t1", buf, sizeof buf), "a2"); /* at once */
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_NOT_READY);
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "t1", &ci));
    assert_int_equal(ci.n_rejected, 0); /* a withdrawal is not a reject */
    assert_oq_ok(e, oq_offer_accept(e, 1001, "t1", "a2"));

    /* The engine sets a2 not ready when t2's offer times out: t3, ringing on
     * a2 too, comes back at once and goes to a1. */
    assert_oq_ok(e, arrive(e, 2000, "t2", "chat", "q", 0));
    assert_oq_ok(e, arrive(e, 3000, "t3", "chat", "q", 0));
    assert_string_equal(contact_agent(e, "t3", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_agent_ready(e, 4000, "a1"));
    assert_string_equal(contact_agent(e, "t3", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_engine_advance(e, 22000)); /* t2 times out on a2 */
    assert_int_equal(agent_state(e, "a2"), OQ_AGENT_BUSY); /* still serving t1 */
    assert_string_equal(contact_agent(e, "t3", buf, sizeof buf), "a1");
    i = recorder_find(&rec, 0, OQ_EV_CONTACT_QUEUED, "t3", "a2");
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 22000);

    /* keep_offer_on_not_ready: the offer rings on until answered or timed out. */
    q.keep_offer_on_not_ready = 1;
    q.timeout_not_ready = 0;
    assert_oq_ok(e, oq_queue_update(e, 23000, &q));
    assert_oq_ok(e, arrive(e, 24000, "t4", "chat", "q", 0));
    char who[64];
    contact_agent(e, "t4", who, sizeof who);
    assert_true(who[0] != '\0');
    assert_oq_ok(e, oq_agent_not_ready(e, 25000, who, "lunch"));
    assert_int_equal(contact_state(e, "t4"), OQ_CONTACT_OFFERED);
    assert_string_equal(contact_agent(e, "t4", buf, sizeof buf), who);
    assert_oq_ok(e, oq_offer_accept(e, 26000, "t4", who));
    oq_queue_spec qi;
    oq_queue_spec_init(&qi);
    assert_oq_ok(e, oq_queue_get_spec(e, "q", &qi));
    assert_int_equal(qi.keep_offer_on_not_ready, 1);
    q.keep_offer_on_not_ready = 2;
    assert_int_equal(oq_queue_update(e, 27000, &q), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "keep_offer_on_not_ready"));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void allocator_sees_every_byte_and_engines_are_independent(void **state)
{
    (void)state;
    test_alloc a1 = {0}, a2 = {0};
    recorder *r2 = test_malloc(sizeof *r2);
    oq_engine *e1 = new_engine(&rec, &a1);
    oq_engine *e2 = new_engine(r2, &a2);
    add_channel(e1, "voice", 1, 100, 1);
    add_channel(e2, "voice", 1, 100, 1);
    add_queue(e1, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e2, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e1, "a", 100);
    add_agent(e2, "a", 100);
    assert_oq_ok(e1, oq_agent_login(e1, 0, "a", 1));
    assert_oq_ok(e1, arrive(e1, 1, "c", "voice", "q", 0));
    assert_oq_ok(e2, arrive(e2, 1, "c", "voice", "q", 0));
    assert_int_equal(contact_state(e1, "c"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e2, "c"), OQ_CONTACT_QUEUED); /* e2's agent is offline */
    assert_true(a1.live_bytes > 0 && a2.live_bytes > 0);
    assert_int_equal(recorder_count(r2, OQ_EV_OFFERED, NULL), 0);
    oq_engine_destroy(e1);
    assert_int_equal(a1.live_bytes, 0);
    assert_int_equal(a1.live_blocks, 0);
    assert_true(a2.live_bytes > 0);
    assert_oq_ok(e2, oq_engine_check(e2));
    oq_engine_destroy(e2);
    assert_int_equal(a2.live_bytes, 0);
    test_free(r2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(skill_levels_gate_eligibility),
        cmocka_unit_test(contact_extra_and_preferred_skills),
        cmocka_unit_test(reject_reroutes_and_never_reoffers),
        cmocka_unit_test(offer_timeout_fires_at_exact_ms_and_accept_after_fails),
        cmocka_unit_test(chat_concurrency_and_voice_exclusivity),
        cmocka_unit_test(wrapup_blocks_new_work_until_it_ends),
        cmocka_unit_test(preferred_agent_gets_it_when_available),
        cmocka_unit_test(transfer_moves_and_releases),
        cmocka_unit_test(logout_returns_offers_keeps_calls),
        cmocka_unit_test(logout_with_work_reports_logging_out),
        cmocka_unit_test(not_ready_withdraws_ringing_offers),
        cmocka_unit_test(allocator_sees_every_byte_and_engines_are_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
