/* SPDX-License-Identifier: MIT */
/* Routing profiles, outbound blending and agent policies (profile.h), and
 * the app_queue / mod_callcenter / Chatwoot complaints they answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

static recorder rec;
static char buf[64];

static oq_engine *two_queue_center(void)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 0, 100, 1); /* not exclusive: the profile decides */
    add_channel(e, "chat", 0, 30, 3);
    add_queue(e, "A", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "B", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "A", "chat"));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "B", "chat"));
    assert_oq_ok(e, oq_profile_add(e, "p"));
    add_agent(e, "a1", 100);
    return e;
}

static void profile_priority_decides_which_head(void **state)
{
    (void)state;
    oq_engine *e = two_queue_center();
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p", "A", 1, 0));
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p", "B", 2, 0));
    assert_oq_ok(e, oq_agent_set_profile(e, 0, "a1", "p"));
    assert_oq_ok(e, arrive(e, 1000, "b1", "voice", "B", 0)); /* older */
    assert_oq_ok(e, arrive(e, 2000, "a1c", "voice", "A", 0));
    assert_oq_ok(e, oq_agent_login(e, 3000, "a1", 1));
    assert_int_equal(contact_state(e, "a1c"), OQ_CONTACT_OFFERED); /* A's head first */
    assert_oq_ok(e, oq_contact_remove(e, 3001, "a1c"));
    assert_int_equal(contact_state(e, "b1"), OQ_CONTACT_OFFERED);
    /* force_longest_waiting: the oldest across all queues wins instead. */
    assert_oq_ok(e, oq_contact_remove(e, 3002, "b1"));
    assert_oq_ok(e, oq_agent_not_ready(e, 3003, "a1", "break"));
    assert_oq_ok(e, oq_profile_set_options(e, 3003, "p", 1, OQ_IDLE_LAST_ACTIVITY));
    assert_oq_ok(e, arrive(e, 4000, "b2", "voice", "B", 0));
    assert_oq_ok(e, arrive(e, 5000, "a2", "voice", "A", 0));
    assert_oq_ok(e, oq_agent_ready(e, 6000, "a1"));
    assert_int_equal(contact_state(e, "b2"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void profile_delay_and_queue_list(void **state)
{
    (void)state;
    oq_engine *e = two_queue_center();
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p", "A", 1, 30)); /* only after 30 s */
    assert_oq_ok(e, oq_agent_set_profile(e, 0, "a1", "p"));
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    /* B is not in the profile: never offered, though a1 is idle. */
    assert_oq_ok(e, arrive(e, 0, "b1", "voice", "B", 0));
    assert_int_equal(contact_state(e, "b1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "A", 0));
    assert_oq_ok(e, oq_engine_advance(e, 30999));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 31000)); /* waited 30 s: now */
    int i = recorder_find(&rec, 0, OQ_EV_OFFERED, "c1", "a1");
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 31000);
    assert_int_equal(oq_profile_remove(e, "p"), OQ_ESTATE); /* a1 uses it */
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void voice_blocks_chat_under_current_channel_only(void **state)
{
    (void)state;
    oq_engine *e = two_queue_center();
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p", "A", 1, 0));
    assert_oq_ok(e, oq_profile_set_channel(e, 0, "p", "voice", 1, 0));
    assert_oq_ok(e, oq_agent_set_capacity(e, "a1", 1000)); /* capacity is no obstacle */
    /* Through its group, the way a team is configured. */
    assert_oq_ok(e, oq_group_add(e, "team"));
    assert_oq_ok(e, oq_group_set_profile(e, 0, "team", "p"));
    assert_oq_ok(e, oq_agent_join_group(e, 0, "a1", "team"));
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 10, "call", "voice", "A", 0));
    assert_oq_ok(e, oq_offer_accept(e, 11, "call", "a1"));
    assert_oq_ok(e, arrive(e, 12, "t1", "chat", "A", 0));
    assert_int_equal(contact_state(e, "t1"), OQ_CONTACT_QUEUED);
    /* With cross-channel allowed the same chat flows at once. */
    assert_oq_ok(e, oq_profile_set_channel(e, 13, "p", "voice", 1, 1));
    assert_int_equal(contact_state(e, "t1"), OQ_CONTACT_OFFERED);
    /* Chats up to the profile's limit of 2 (the channel allows 3). */
    assert_oq_ok(e, oq_profile_set_channel(e, 14, "p", "chat", 2, 1));
    assert_oq_ok(e, arrive(e, 15, "t2", "chat", "A", 0));
    assert_oq_ok(e, arrive(e, 16, "t3", "chat", "A", 0));
    assert_int_equal(contact_state(e, "t2"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e, "t3"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Voice queues "in" and "out" (outbound), and a profile "p" serving both
 * that measures idle time since the last inbound call. */
static oq_engine *in_out_center(void)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "in", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "out";
    qs.outbound = 1;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "out", "voice"));
    assert_oq_ok(e, oq_profile_add(e, "p"));
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p", "in", 1, 0));
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p", "out", 2, 0));
    assert_oq_ok(e, oq_profile_set_options(e, 0, "p", 0, OQ_IDLE_LAST_INBOUND));
    return e;
}

static void idle_measure_since_last_inbound(void **state)
{
    (void)state;
    oq_engine *e = in_out_center();
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    assert_oq_ok(e, oq_agent_set_profile(e, 0, "a1", "p"));
    assert_oq_ok(e, oq_agent_set_profile(e, 0, "a2", "p"));
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, oq_agent_login(e, 1, "a2", 1));
    /* a2 takes an inbound call at 10 s; a1 makes an outbound call at 20 s. */
    assert_oq_ok(e, oq_agent_not_ready(e, 2, "a1", "x"));
    assert_oq_ok(e, arrive(e, 10000, "i1", "voice", "in", 0));
    assert_oq_ok(e, oq_contact_remove(e, 10001, "i1"));
    assert_oq_ok(e, oq_agent_ready(e, 19999, "a1"));
    assert_oq_ok(e, oq_agent_not_ready(e, 19999, "a2", "x"));
    assert_oq_ok(e, arrive(e, 20000, "o1", "voice", "out", 0));
    assert_string_equal(contact_agent(e, "o1", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_contact_remove(e, 20001, "o1"));
    assert_oq_ok(e, oq_agent_ready(e, 20002, "a2"));
    /* By last activity a2 (10 s) would be idler than a1 (20 s); by last
     * inbound a1 (login at 0) has waited longest for inbound work. */
    assert_oq_ok(e, arrive(e, 30000, "i2", "voice", "in", 0));
    assert_string_equal(contact_agent(e, "i2", buf, sizeof buf), "a1");
    oq_engine_destroy(e);
}

/* A group's profile switching its members' idle measure at once re-sorts the
 * agent heaps right. Centers of 3-8 agents whose last inbound call and last
 * call of any kind come in different random orders (some made no outbound
 * call), the measure switched back and forth through the group, checked each
 * time; then the longest idle by the measure in force takes the next call.
 * (Found by fuzz_api: every member's key changed first and the agents
 * re-sorted one by one left a heap "out of order".) */
static void group_profile_switches_idle_measure_of_all(void **state)
{
    (void)state;
    enum { NMAX = 8 };
    uint64_t rng = 12345;
    for (int seed = 0; seed < 60; seed++) {
        int n = 3 + seed % (NMAX - 2);
        oq_engine *e = in_out_center();
        assert_oq_ok(e, oq_group_add(e, "team"));
        char id[NMAX][8], cid[16];
        int order[2][NMAX];
        for (int k = 0; k < n; k++) {
            snprintf(id[k], sizeof id[k], "a%d", k);
            add_agent(e, id[k], 100);
            assert_oq_ok(e, oq_agent_join_group(e, 0, id[k], "team"));
            assert_oq_ok(e, oq_agent_login(e, 0, id[k], 0));
            order[0][k] = order[1][k] = k;
        }
        for (int pass = 0; pass < 2; pass++) /* Fisher-Yates, xorshift */
            for (int k = n - 1; k > 0; k--) {
                rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                int r = (int)(rng % (uint64_t)(k + 1)), tmp = order[pass][k];
                order[pass][k] = order[pass][r];
                order[pass][r] = tmp;
            }
        /* Inbound calls to every agent in one order, then outbound calls to
         * the first n - 1 - seed % 2 of another order. */
        int64_t t = 1000, last_in[NMAX], last_any[NMAX];
        for (int pass = 0; pass < 2; pass++)
            for (int j = 0; j < (pass ? n - 1 - seed % 2 : n); j++) {
                int k = order[pass][j];
                snprintf(cid, sizeof cid, "%c%d", pass ? 'o' : 'i', k);
                assert_oq_ok(e, oq_agent_ready(e, t, id[k]));
                assert_oq_ok(e, arrive(e, t + 1, cid, "voice", pass ? "out" : "in", 0));
                assert_string_equal(contact_agent(e, cid, buf, sizeof buf), id[k]);
                assert_oq_ok(e, oq_contact_remove(e, t + 2, cid));
                assert_oq_ok(e, oq_agent_not_ready(e, t + 3, id[k], "x"));
                if (!pass)
                    last_in[k] = t;
                last_any[k] = t;
                t += 1000;
            }
        for (int k = 0; k < n; k++)
            assert_oq_ok(e, oq_agent_ready(e, t, id[k]));
        int rounds = 2 + seed % 3; /* ends on the inbound measure when odd */
        for (int round = 0; round < rounds; round++) {
            t += 1000;
            assert_oq_ok(e, oq_group_set_profile(e, t, "team", round % 2 ? NULL : "p"));
            oq_status st = oq_engine_check(e);
            if (st != OQ_OK)
                fail_msg("seed %d, round %d: %s", seed, round, oq_engine_last_error(e));
        }
        int inbound = rounds % 2, best = 0;
        for (int k = 1; k < n; k++)
            if ((inbound ? last_in[k] : last_any[k]) < (inbound ? last_in[best] : last_any[best]))
                best = k;
        assert_oq_ok(e, arrive(e, t + 1, "next", "voice", "in", 0));
        assert_string_equal(contact_agent(e, "next", buf, sizeof buf), id[best]);
        oq_engine_destroy(e);
    }
}

static void outbound_waits_while_inbound_waits(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "callback", 1, 100, 1);
    add_queue(e, "in", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "callbacks";
    qs.outbound = 1;
    qs.priority = 100; /* even a high priority does not jump inbound */
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "callbacks", "callback"));
    assert_int_equal(oq_queue_set_blend(e, 0, "in", OQ_BLEND_WHEN_IDLE), OQ_ESTATE);
    add_agent(e, "a1", 100);
    assert_oq_ok(e, arrive(e, 0, "cb1", "callback", "callbacks", 0));
    assert_oq_ok(e, arrive(e, 1, "in1", "voice", "in", 0));
    assert_oq_ok(e, oq_agent_login(e, 2, "a1", 1));
    assert_int_equal(contact_state(e, "in1"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e, "cb1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, arrive(e, 3, "in2", "voice", "in", 0));
    assert_oq_ok(e, oq_contact_remove(e, 4, "in1"));
    assert_int_equal(contact_state(e, "in2"), OQ_CONTACT_OFFERED); /* still inbound first */
    assert_oq_ok(e, oq_contact_remove(e, 5, "in2"));
    assert_int_equal(contact_state(e, "cb1"), OQ_CONTACT_OFFERED); /* flows once nothing waits */
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* An inbound queue "in" (80 % in 10 s) and an outbound "out" that blends
 * on its service level, one agent a1 in both; one inbound call waited 60 s
 * (service level 0 % < 80 %), so the outbound call o1 waits beside idle a1. */
static oq_engine *blend_center_below_target(void)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_blend_queues(e, "voice");
    add_agent(e, "a1", 100);
    /* One inbound call waits 60 s: service level 0 % < 80 %. */
    assert_oq_ok(e, arrive(e, 0, "in1", "voice", "in", 0));
    assert_oq_ok(e, oq_agent_login(e, 60000, "a1", 1));
    assert_oq_ok(e, oq_offer_accept(e, 60000, "in1", "a1"));
    assert_oq_ok(e, oq_contact_complete(e, 61000, "in1"));
    assert_oq_ok(e, arrive(e, 62000, "o1", "voice", "out", 0));
    assert_int_equal(contact_state(e, "o1"), OQ_CONTACT_QUEUED); /* a1 idle, SL below target */
    return e;
}

static void outbound_blends_on_service_level(void **state)
{
    (void)state;
    oq_engine *e = blend_center_below_target();
    /* Four quick answers: 4/5 = 80 % meets the target, and o1 flows. */
    for (int i = 0; i < 4; i++) {
        char id[16];
        snprintf(id, sizeof id, "q%d", i);
        int64_t t = 70000 + 1000 * i;
        assert_oq_ok(e, arrive(e, t, id, "voice", "in", 0));
        assert_oq_ok(e, oq_offer_accept(e, t, id, "a1"));
        if (i < 3)
            assert_int_equal(contact_state(e, "o1"), OQ_CONTACT_QUEUED);
        assert_oq_ok(e, oq_contact_complete(e, t + 500, id));
    }
    assert_int_equal(contact_state(e, "o1"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* The inbound queue whose service level held outbound work back is removed:
 * its agents take the outbound contact at once, not at their next event. */
static void removing_the_inbound_queue_releases_blending(void **state)
{
    (void)state;
    oq_engine *e = blend_center_below_target();
    assert_oq_ok(e, oq_queue_remove(e, "in"));
    assert_int_equal(contact_state(e, "o1"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* An outbound chat and an inbound chat are both kept from the agent until
 * the same instant (missed offers), the outbound one's wake-up first: it is
 * held back then by the inbound one, which goes to the agent a moment later
 * in the same instant - and the agent, with room for both, takes the
 * outbound chat too, not at some later event. (Found by fuzz_api.) */
static void outbound_woken_first_is_taken_after_the_inbound(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 30, 3);
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "out";
    qs.outbound = 1;
    qs.offer_timeout_s = 30;
    qs.retry_after_s = 31;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "out", "chat"));
    oq_queue_spec_init(&qs);
    qs.id = "in";
    qs.offer_timeout_s = 30;
    qs.retry_after_s = 30.999;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "in", "chat"));
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 0, "o1", "chat", "out", 0));
    assert_oq_ok(e, arrive(e, 1, "i1", "chat", "in", 0));
    assert_int_equal(contact_state(e, "o1"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e, "i1"), OQ_CONTACT_OFFERED);
    /* Time-outs at 30.000 s and 30.001 s: both kept from a1 until 61 s. */
    assert_oq_ok(e, oq_engine_advance(e, 60999));
    assert_int_equal(contact_state(e, "o1"), OQ_CONTACT_QUEUED);
    assert_int_equal(contact_state(e, "i1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 61000));
    assert_int_equal(contact_state(e, "i1"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e, "o1"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* FreeSWITCH max-no-answer / Asterisk autopause: an agent who misses N offers
 * in a row is set not-ready with a reason, and back-off delays apply. */
static void max_no_answer_and_backoff(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "q";
    qs.offer_timeout_s = 10;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    add_agent(e, "a1", 100);
    oq_agent_policy p;
    oq_agent_policy_init(&p);
    p.max_no_answer = 2;
    p.no_answer_delay_s = 5;
    p.reject_delay_s = 3;
    assert_oq_ok(e, oq_agent_set_policy(e, 0, "a1", &p));
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    /* reject: no new offer for 3 s */
    assert_oq_ok(e, arrive(e, 0, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_reject(e, 1000, "c1", "a1"));
    assert_oq_ok(e, arrive(e, 1000, "c2", "voice", "q", 0));
    assert_oq_ok(e, oq_engine_advance(e, 3999));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 4000));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_OFFERED);
    /* First miss: 5 s back-off, still ready. */
    assert_oq_ok(e, oq_engine_advance(e, 14000));
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_READY);
    assert_oq_ok(e, arrive(e, 14000, "c3", "voice", "q", 0));
    assert_int_equal(contact_state(e, "c3"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 19000));
    assert_int_equal(contact_state(e, "c3"), OQ_CONTACT_OFFERED);
    /* Second miss in a row: not ready, "no answer". */
    assert_oq_ok(e, oq_engine_advance(e, 29000));
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    assert_oq_ok(e, oq_agent_get(e, "a1", &ai));
    assert_int_equal(ai.state, OQ_AGENT_NOT_READY);
    assert_string_equal(ai.not_ready_reason, "no answer");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Chatwoot's fair distribution: at most N contacts per agent per window. */
static void fair_distribution_limit(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 10, 10);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "q";
    qs.ordering = OQ_ORDER_FIFO;
    qs.offer_timeout_s = 0; /* the offers ring on: only the window holds t3 back */
    assert_oq_ok(e, oq_queue_update(e, 0, &qs));
    add_agent(e, "a1", 100);
    oq_agent_policy p;
    oq_agent_policy_init(&p);
    p.max_per_window = 2;
    p.window_s = 60;
    assert_oq_ok(e, oq_agent_set_policy(e, 0, "a1", &p));
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 0, "t1", "chat", "q", 0));
    assert_oq_ok(e, arrive(e, 10000, "t2", "chat", "q", 0));
    assert_oq_ok(e, arrive(e, 20000, "t3", "chat", "q", 0));
    assert_int_equal(contact_state(e, "t1"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e, "t2"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e, "t3"), OQ_CONTACT_QUEUED); /* third in 60 s */
    assert_oq_ok(e, oq_engine_advance(e, 59999));
    assert_int_equal(contact_state(e, "t3"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 60000)); /* t1's offer left the window */
    assert_int_equal(contact_state(e, "t3"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* mod_callcenter abandoned-resume-allowed: a caller who hangs up and calls
 * back within the window gets their old place. */
static void abandon_and_resume_place(void **state)
{
    (void)state;
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.on_event = recorder_fn;
    o.event_user = &rec;
    o.abandon_resume_s = 60;
    recorder_clear(&rec);
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.channel = "voice";
    s.queue = "q";
    s.id = "first";
    s.customer = "cust-42";
    assert_oq_ok(e, oq_contact_arrive(e, 0, &s));
    s.customer = NULL;
    s.id = "other";
    assert_oq_ok(e, oq_contact_arrive(e, 10000, &s));
    assert_oq_ok(e, oq_contact_abandon(e, 20000, "first"));
    s.id = "again";
    s.customer = "cust-42";
    assert_oq_ok(e, oq_contact_arrive(e, 30000, &s)); /* within 60 s */
    int32_t pos = 0;
    double ewt = 0;
    assert_oq_ok(e, oq_contact_position(e, "again", &pos, &ewt));
    assert_int_equal(pos, 1); /* ahead of "other" again */
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "again", &ci));
    assert_int_equal(ci.enqueued_ms, 0);
    /* Too late: a new place at the back. */
    assert_oq_ok(e, oq_contact_abandon(e, 40000, "again"));
    s.id = "late";
    assert_oq_ok(e, oq_contact_arrive(e, 101000, &s));
    assert_oq_ok(e, oq_contact_position(e, "late", &pos, &ewt));
    assert_int_equal(pos, 2);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* app_queue force_longest_waiting_caller with priority first, and nobody
 * starves: a low-priority contact ages into service under aging. */
static void longest_waiting_across_queues_without_starvation(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "low";
    qs.ordering = OQ_ORDER_PRIORITY;
    qs.aging_per_s = 1;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "low", "voice"));
    qs.id = "high";
    qs.priority = 30;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "high", "voice"));
    add_agent(e, "a1", 100);
    assert_oq_ok(e, arrive(e, 0, "old", "voice", "low", 0));
    assert_oq_ok(e, arrive(e, 20000, "new", "voice", "high", 0));
    /* At 25 s: old = 0 + 25 (aging) < new = 30 + 5: the high queue first. */
    assert_oq_ok(e, oq_agent_login(e, 25000, "a1", 1));
    assert_int_equal(contact_state(e, "new"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_contact_remove(e, 25000, "new"));
    assert_oq_ok(e, oq_contact_remove(e, 25000, "old"));
    assert_oq_ok(e, oq_agent_not_ready(e, 25000, "a1", NULL));
    assert_oq_ok(e, arrive(e, 25000, "old2", "voice", "low", 0));
    assert_oq_ok(e, arrive(e, 60000, "new2", "voice", "high", 0));
    /* At 61 s: old2 = 36 > new2 = 31: the long wait wins, nobody starves. */
    assert_oq_ok(e, oq_agent_ready(e, 61000, "a1"));
    assert_int_equal(contact_state(e, "old2"), OQ_CONTACT_OFFERED);
    oq_engine_destroy(e);
}

/* A contact's max wait and an agent's profile delay end at the same
 * instant. The max wait fires first and overflows the contact to B, where
 * the agent does not serve; when that move finds no memory (absorbed: tried
 * again a second later), the contact stays in A - and the agent, whose delay
 * has just passed, takes it at once (fuzz_api 2026-12-07: nothing woke the
 * contact for the delay, so it waited beside the free agent). */
static void delay_ending_with_a_failed_max_wait_move(void **state)
{
    (void)state;
    for (int fail = 0; fail <= 1; fail++) {
        test_alloc al = {0};
        oq_engine *e = new_engine(&rec, &al);
        add_channel(e, "voice", 0, 100, 1);
        add_queue(e, "B", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
        oq_queue_spec q;
        oq_queue_spec_init(&q);
        q.id = "A";
        q.max_wait_s = 30;
        q.limit_action = OQ_LIMIT_OVERFLOW;
        q.limit_queue = "B";
        assert_oq_ok(e, oq_queue_add(e, &q));
        assert_oq_ok(e, oq_queue_add_channel(e, 0, "A", "voice"));
        assert_oq_ok(e, oq_profile_add(e, "p"));
        assert_oq_ok(e, oq_profile_set_queue(e, 0, "p", "A", 1, 30)); /* A only, after 30 s */
        add_agent(e, "a1", 100);
        assert_oq_ok(e, oq_agent_set_profile(e, 0, "a1", "p"));
        assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
        assert_oq_ok(e, arrive(e, 0, "k", "voice", "A", 0));
        assert_int_equal(contact_state(e, "k"), OQ_CONTACT_QUEUED);
        if (fail) { /* every allocation from here on fails, the overflow's included */
            al.fail_at = al.n_allocs + 1;
            al.fail_all = 1;
        }
        assert_oq_ok(e, oq_engine_advance(e, 30000));
        al.fail_at = 0;
        al.fail_all = 0;
        assert_oq_ok(e, oq_engine_check(e));
        oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
        assert_oq_ok(e, oq_contact_get(e, "k", &ci));
        if (fail) {
            assert_true(al.n_failed > 0);
            assert_string_equal(ci.queue, "A");
            assert_int_equal(ci.state, OQ_CONTACT_OFFERED);
            assert_string_equal(ci.agent, "a1");
        } else {
            assert_string_equal(ci.queue, "B"); /* overflowed: a1 does not serve B */
            assert_int_equal(ci.state, OQ_CONTACT_QUEUED);
        }
        oq_engine_destroy(e);
        assert_int_equal(al.live_bytes, 0);
    }
}

/* ---- a profile change that leaves a queue's delays as they were ----------- */

/* Queue "A" with a contact "k" waiting since 0 and agents a1, a2, a3 (not
 * logged in) whose profiles p1, p2, p3 delay A by 30, 60 and 90 s; then a1
 * is removed: k's wake-up at 30 s stays armed, stale (a delay going away
 * re-arms nobody, the wake-up just finds nothing to do). */
static oq_engine *delayed_center(test_alloc *a)
{
    oq_engine *e = new_engine(NULL, a);
    add_channel(e, "voice", 0, 100, 1);
    add_queue(e, "A", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "B", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    static const char *const ids[3][2] = {{"p1", "a1"}, {"p2", "a2"}, {"p3", "a3"}};
    for (int i = 0; i < 3; i++) {
        assert_oq_ok(e, oq_profile_add(e, ids[i][0]));
        assert_oq_ok(e, oq_profile_set_queue(e, 0, ids[i][0], "A", 1, 30.0 * (i + 1)));
        add_agent(e, ids[i][1], 100);
        assert_oq_ok(e, oq_agent_set_profile(e, 0, ids[i][1], ids[i][0]));
    }
    assert_oq_ok(e, arrive(e, 0, "k", "voice", "A", 0));
    int64_t due = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &due));
    assert_int_equal(due, 30000);
    assert_oq_ok(e, oq_agent_remove(e, "a1"));
    assert_oq_ok(e, oq_engine_next_deadline(e, &due));
    assert_int_equal(due, 30000);
    return e;
}

/* p2 gains queue B: a2's delay on A (the only 60 s one) does not change, so
 * A's delay table and its waiting contacts' wake-ups stay as they were
 * (membership.c score() once took the delay out and put it back, which
 * re-armed every waiting contact of A). */
static void unchanged_delay_rearms_nobody(void **state)
{
    (void)state;
    oq_engine *e = delayed_center(NULL);
    oq_engine_counts before = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &before));
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p2", "B", 1, 0));
    int64_t due = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &due));
    assert_int_equal(due, 30000); /* re-armed, it would be 60000 */
    oq_engine_counts after = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &after));
    assert_int_equal(after.timers, before.timers);
    assert_oq_ok(e, oq_engine_check(e));
    /* The stale wake-up finds nothing to do; a2 is due at 60 s as before. */
    assert_oq_ok(e, oq_engine_advance(e, 30000));
    assert_int_equal(contact_state(e, "k"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_next_deadline(e, &due));
    assert_int_equal(due, 60000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* The same change failing for memory at every allocation it makes, resync
 * included: each failure leaves the engine byte for byte as it was - no
 * re-armed wake-up, no reordered delay table (the undo syncs the
 * memberships back, which re-scores every member). */
static void failed_profile_change_changes_nothing(void **state)
{
    (void)state;
    test_alloc a;
    memset(&a, 0, sizeof a);
    oq_engine *e = delayed_center(&a);
    snap_buf before = snap_of(e, &a);
    int failures = 0;
    oq_status st = OQ_ENOMEM;
    for (int64_t n = 1; n < 200 && st == OQ_ENOMEM; n++) {
        a.fail_at = a.n_allocs + n;
        a.fail_all = 1;
        st = oq_profile_set_queue(e, 0, "p2", "B", 1, 0);
        a.fail_at = 0;
        a.fail_all = 0;
        if (st == OQ_OK)
            break;
        assert_int_equal(st, OQ_ENOMEM);
        failures++;
        assert_oq_ok(e, oq_engine_check(e));
        snap_buf now = snap_of(e, &a);
        if (now.n != before.n || memcmp(now.p, before.p, now.n) != 0)
            fail_msg("failure %d (allocation %lld of the call): the snapshot changed", failures,
                     (long long)n);
        free(now.p);
    }
    assert_oq_ok(e, st);
    assert_true(failures >= 1); /* p2's queue list has room: these are the resync's */
    int64_t due = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &due));
    assert_int_equal(due, 30000);
    free(before.p);
    oq_engine_destroy(e);
    assert_int_equal(a.live_bytes, 0);
}

/* kA and kB wait for agent X, whose profile delays queues A and B by 30 s:
 * both wake-ups are due at 30 s, and ties fire in arming order, so kA
 * (armed first) is offered X. A profile change at 10 s that leaves both
 * delays as they were keeps that order: it re-arms nobody. (Before, it
 * re-armed A's contacts - X was the only agent with a 30 s delay on A, not
 * on B - which gave kA's wake-up a later arming number and X to kB.) */
static void unchanged_delays_keep_tie_order(void **state)
{
    (void)state;
    recorder_clear(&rec);
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "A", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "B", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "C", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_profile_add(e, "p"));
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p", "A", 1, 30));
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p", "B", 1, 30));
    assert_oq_ok(e, oq_profile_add(e, "p2"));
    assert_oq_ok(e, oq_profile_set_queue(e, 0, "p2", "B", 1, 30));
    add_agent(e, "X", 100);
    add_agent(e, "Y", 100); /* not logged in: a second 30 s delay on B */
    assert_oq_ok(e, oq_agent_set_profile(e, 0, "X", "p"));
    assert_oq_ok(e, oq_agent_set_profile(e, 0, "Y", "p2"));
    assert_oq_ok(e, oq_agent_login(e, 0, "X", 1));
    assert_oq_ok(e, arrive(e, 0, "kA", "voice", "A", 0));
    assert_oq_ok(e, arrive(e, 0, "kB", "voice", "B", 0));
    assert_oq_ok(e, oq_profile_set_queue(e, 10000, "p", "C", 1, 0));
    assert_oq_ok(e, oq_engine_advance(e, 40000));
    int i = recorder_find(&rec, 0, OQ_EV_OFFERED, "kA", "X");
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 30000);
    assert_int_equal(recorder_count(&rec, OQ_EV_OFFERED, "kB"), 0);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(profile_priority_decides_which_head),
        cmocka_unit_test(profile_delay_and_queue_list),
        cmocka_unit_test(delay_ending_with_a_failed_max_wait_move),
        cmocka_unit_test(voice_blocks_chat_under_current_channel_only),
        cmocka_unit_test(idle_measure_since_last_inbound),
        cmocka_unit_test(group_profile_switches_idle_measure_of_all),
        cmocka_unit_test(outbound_waits_while_inbound_waits),
        cmocka_unit_test(outbound_blends_on_service_level),
        cmocka_unit_test(removing_the_inbound_queue_releases_blending),
        cmocka_unit_test(outbound_woken_first_is_taken_after_the_inbound),
        cmocka_unit_test(max_no_answer_and_backoff),
        cmocka_unit_test(fair_distribution_limit),
        cmocka_unit_test(abandon_and_resume_place),
        cmocka_unit_test(longest_waiting_across_queues_without_starvation),
        cmocka_unit_test(unchanged_delay_rearms_nobody),
        cmocka_unit_test(failed_profile_change_changes_nothing),
        cmocka_unit_test(unchanged_delays_keep_tie_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
