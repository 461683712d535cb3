/* SPDX-License-Identifier: MIT */
/* Escalation ladders, queue limits, preferred-agent waits, reply deadlines
 * and wait estimates: each fires at its exact millisecond and changes
 * routing as documented in escalation.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

static recorder rec;
static char buf[64];

static oq_escalation_step step(int32_t action, double after_s)
{
    oq_escalation_step s;
    oq_escalation_step_init(&s);
    s.action = action;
    s.after_s = after_s;
    return s;
}

static int64_t next_deadline(oq_engine *e)
{
    int64_t d = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &d));
    return d;
}

/* voice; queue "yue" requiring skill yue >= 8; agents by given levels, logged in. */
static oq_engine *cantonese_center(const int *levels, int n)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    assert_oq_ok(e, oq_skill_add(e, "yue", 10));
    add_queue(e, "yue", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_queue_require_skill(e, 0, "yue", "yue", 8));
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", i + 1);
        add_agent(e, id, 100);
        assert_oq_ok(e, oq_agent_set_skill(e, 0, id, "yue", levels[i]));
        assert_oq_ok(e, oq_agent_login(e, 0, id, 1));
    }
    return e;
}

static void lower_level_step_widens_at_exact_ms(void **state)
{
    (void)state;
    const int levels[] = {5};
    oq_engine *e = cantonese_center(levels, 1);
    oq_escalation_step s = step(OQ_STEP_LOWER_LEVEL, 30);
    s.skill = "yue";
    s.level = 5;
    assert_oq_ok(e, oq_queue_add_step(e, 0, "yue", &s));
    oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
    assert_oq_ok(e, oq_queue_get(e, "yue", &qi));
    assert_int_equal(qi.eligible_agents, 1); /* eligible from the relaxed tier on */
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "yue", 0));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED); /* level 5 < 8 */
    assert_int_equal(next_deadline(e), 31000);
    assert_oq_ok(e, oq_engine_advance(e, 30999));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 31000));
    int i = recorder_find(&rec, 0, OQ_EV_ESCALATED, "c1", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 31000);
    assert_non_null(strstr(rec.ev[i].detail, "yue"));
    int j = recorder_find(&rec, i, OQ_EV_OFFERED, "c1", "a1");
    assert_true(j > i);
    assert_int_equal(rec.ev[j].time_ms, 31000);
    /* A fresh contact still needs level 8. */
    assert_oq_ok(e, oq_contact_remove(e, 32000, "c1"));
    assert_oq_ok(e, arrive(e, 33000, "c2", "voice", "yue", 0));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void drop_required_and_after_previous(void **state)
{
    (void)state;
    const int levels[] = {3};
    oq_engine *e = cantonese_center(levels, 1);
    oq_escalation_step s1 = step(OQ_STEP_LOWER_LEVEL, 10);
    s1.skill = "yue";
    s1.level = 6;
    oq_escalation_step s2 = step(OQ_STEP_DROP_REQUIRED, 5);
    s2.timing = OQ_STEP_AFTER_PREVIOUS;
    s2.skill = "yue";
    assert_oq_ok(e, oq_queue_add_step(e, 0, "yue", &s1));
    assert_oq_ok(e, oq_queue_add_step(e, 0, "yue", &s2));
    /* Dropping again is refused: the skill is no longer required by then. */
    oq_escalation_step s3 = step(OQ_STEP_DROP_REQUIRED, 5);
    s3.skill = "yue";
    assert_int_equal(oq_queue_add_step(e, 0, "yue", &s3), OQ_ESTATE);
    assert_oq_ok(e, arrive(e, 0, "c1", "voice", "yue", 0));
    assert_oq_ok(e, oq_engine_advance(e, 10000));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED); /* level 3 < 6 */
    assert_oq_ok(e, oq_engine_advance(e, 14999));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 15000)); /* 10 s + 5 s after the previous */
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_OFFERED);
    assert_int_equal(recorder_count(&rec, OQ_EV_ESCALATED, "c1"), 2);
    oq_engine_destroy(e);
}

static void add_group_raise_priority_and_alert(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    assert_oq_ok(e, oq_group_add(e, "tier1"));
    assert_oq_ok(e, oq_group_add(e, "backup"));
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "q";
    qs.ordering = OQ_ORDER_PRIORITY;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    assert_oq_ok(e, oq_queue_add_group(e, 0, "q", "tier1"));
    oq_escalation_step up = step(OQ_STEP_RAISE_PRIORITY, 20);
    up.priority = 10;
    oq_escalation_step alert = step(OQ_STEP_ALERT, 25);
    alert.message = "waiting 25 s";
    oq_escalation_step widen = step(OQ_STEP_ADD_GROUP, 40);
    widen.group = "backup";
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &up));
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &alert));
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &widen));
    assert_oq_ok(e, oq_queue_step_count(e, "q", &(int32_t){0}));
    add_agent(e, "b1", 100);
    assert_oq_ok(e, oq_agent_join_group(e, 0, "b1", "backup"));
    assert_oq_ok(e, oq_agent_login(e, 0, "b1", 1));
    assert_oq_ok(e, arrive(e, 0, "old", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, 15000, "vip", "voice", "q", 5));
    /* At 20 s "old" reaches priority 10 > 5: it is now first in line. */
    assert_oq_ok(e, oq_engine_advance(e, 20000));
    int32_t pos = 0;
    double ewt = 0;
    assert_oq_ok(e, oq_contact_position(e, "old", &pos, &ewt));
    assert_int_equal(pos, 1);
    assert_oq_ok(e, oq_contact_position(e, "vip", &pos, &ewt));
    assert_int_equal(pos, 2);
    assert_true(isinf(ewt)); /* nobody logged in may serve it yet */
    assert_oq_ok(e, oq_engine_advance(e, 25000));
    int i = recorder_find(&rec, 0, OQ_EV_ALERT, "old", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 25000);
    assert_string_equal(rec.ev[i].detail, "waiting 25 s");
    /* At 40 s the backup group joins: b1 takes "old". */
    assert_oq_ok(e, oq_engine_advance(e, 39999));
    assert_int_equal(contact_state(e, "old"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 40000));
    assert_string_equal(contact_agent(e, "old", buf, sizeof buf), "b1");
    assert_int_equal(oq_queue_add_step(e, 40000, "q", &alert), OQ_ESTATE); /* holds contacts */
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void overflow_keeps_arrival_and_place(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "sales", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "overflow", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_escalation_step s = step(OQ_STEP_OVERFLOW, 60);
    s.queue = "overflow";
    assert_oq_ok(e, oq_queue_add_step(e, 0, "sales", &s));
    assert_int_equal(oq_queue_remove(e, "overflow"), OQ_ESTATE); /* the step names it */
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "sales", 0));
    assert_oq_ok(e, arrive(e, 30000, "o1", "voice", "overflow", 0));
    assert_oq_ok(e, oq_engine_advance(e, 61000));
    int i = recorder_find(&rec, 0, OQ_EV_OVERFLOWED, "c1", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 61000);
    assert_string_equal(rec.ev[i].from_queue, "sales");
    assert_string_equal(rec.ev[i].queue, "overflow");
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "c1", &ci));
    assert_string_equal(ci.queue, "overflow");
    assert_int_equal(ci.arrived_ms, 1000);
    assert_int_equal(ci.enqueued_ms, 1000); /* keeps its place: ahead of o1 */
    int32_t pos = 0;
    double ewt = 0;
    assert_oq_ok(e, oq_contact_position(e, "c1", &pos, &ewt));
    assert_int_equal(pos, 1);
    oq_engine_counts n = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &n));
    assert_int_equal(n.contacts, 2); /* not lost, not duplicated */
    assert_int_equal(n.contacts_queued, 2);
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 62000, "a1", 1));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1");
    assert_int_equal(recorder_count(&rec, OQ_EV_OVERFLOWED, "c1"), 1);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void skip_if_no_agents_fires_next_step_at_once(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    assert_oq_ok(e, oq_group_add(e, "day"));
    assert_oq_ok(e, oq_group_add(e, "night"));
    assert_oq_ok(e, oq_group_add(e, "remote"));
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_queue_add_group(e, 0, "q", "day"));
    oq_escalation_step to_night = step(OQ_STEP_ADD_GROUP, 10);
    to_night.group = "night";
    to_night.skip_if_no_agents = 1;
    oq_escalation_step to_remote = step(OQ_STEP_ADD_GROUP, 120);
    to_remote.group = "remote";
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &to_night));
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &to_remote));
    add_agent(e, "r1", 100);
    assert_oq_ok(e, oq_agent_join_group(e, 0, "r1", "remote"));
    assert_oq_ok(e, oq_agent_login(e, 0, "r1", 1));
    assert_oq_ok(e, arrive(e, 0, "c1", "voice", "q", 0));
    /* Nobody of the night group is ready: the remote step does not wait for 120 s. */
    assert_oq_ok(e, oq_engine_advance(e, 10000));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "r1");
    assert_int_equal(recorder_count(&rec, OQ_EV_ESCALATED, "c1"), 2);
    /* Without the flag the contact sits out the timer. */
    assert_oq_ok(e, oq_contact_remove(e, 10000, "c1"));
    assert_oq_ok(e, oq_agent_logout(e, 10000, "r1"));
    oq_engine_destroy(e);
}

/* skip_if_no_agents follows TaskRouter's `skip_if: workers.available == 0`:
 * agents of the widened target who are logged in and ready but busy cannot
 * take the contact now, so the next step fires at once (issue #15 item 3).
 * OQ_SKIP_NONE_LOGGED_IN keeps the other meaning: skip only while nobody of
 * the widened target is logged in. */
static oq_engine *busy_night_center(int32_t skip)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    assert_oq_ok(e, oq_group_add(e, "day"));
    assert_oq_ok(e, oq_group_add(e, "night"));
    assert_oq_ok(e, oq_group_add(e, "remote"));
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_queue_add_group(e, 0, "q", "day"));
    oq_escalation_step to_night = step(OQ_STEP_ADD_GROUP, 10);
    to_night.group = "night";
    to_night.skip_if_no_agents = skip;
    oq_escalation_step to_remote = step(OQ_STEP_ADD_GROUP, 120);
    to_remote.group = "remote";
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &to_night));
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &to_remote));
    const char *const who[3][2] = {{"d1", "day"}, {"n1", "night"}, {"r1", "remote"}};
    for (int i = 0; i < 3; i++) {
        add_agent(e, who[i][0], 100);
        assert_oq_ok(e, oq_agent_join_group(e, 0, who[i][0], who[i][1]));
        assert_oq_ok(e, oq_agent_login(e, 0, who[i][0], 1));
    }
    /* d1 and n1 are on calls: logged in, ready, but with no room. */
    assert_oq_ok(e, arrive(e, 0, "busy-d", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "busy-d", buf, sizeof buf), "d1");
    assert_oq_ok(e, oq_offer_accept(e, 0, "busy-d", "d1"));
    assert_oq_ok(e, oq_agent_join_group(e, 0, "n1", "day"));
    assert_oq_ok(e, arrive(e, 0, "busy-n", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "busy-n", buf, sizeof buf), "n1");
    assert_oq_ok(e, oq_offer_accept(e, 0, "busy-n", "n1"));
    assert_oq_ok(e, oq_agent_leave_group(e, 0, "n1", "day"));
    assert_int_equal(agent_state(e, "d1"), OQ_AGENT_BUSY);
    assert_int_equal(agent_state(e, "n1"), OQ_AGENT_BUSY);
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    return e;
}

static void skip_when_target_agents_are_all_busy(void **state)
{
    (void)state;
    oq_engine *e = busy_night_center(OQ_SKIP_NONE_AVAILABLE);
    /* At 11 s night joins, but n1 and d1 are busy: remote is added at once. */
    assert_oq_ok(e, oq_engine_advance(e, 11000));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "r1");
    assert_int_equal(recorder_count(&rec, OQ_EV_ESCALATED, "c1"), 2);
    int i = recorder_find(&rec, 0, OQ_EV_OFFERED, "c1", "r1");
    assert_int_equal(rec.ev[i].time_ms, 11000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);

    /* The second meaning: busy agents are logged in, so the step waits. */
    e = busy_night_center(OQ_SKIP_NONE_LOGGED_IN);
    assert_oq_ok(e, oq_engine_advance(e, 11000));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_int_equal(recorder_count(&rec, OQ_EV_ESCALATED, "c1"), 1);
    assert_oq_ok(e, oq_engine_advance(e, 121000));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "r1");
    oq_engine_destroy(e);

    /* ... and skips when they are all logged out. */
    e = busy_night_center(OQ_SKIP_NONE_LOGGED_IN);
    assert_oq_ok(e, oq_contact_remove(e, 2000, "busy-d"));
    assert_oq_ok(e, oq_contact_remove(e, 2000, "busy-n"));
    assert_oq_ok(e, oq_agent_logout(e, 2000, "d1"));
    assert_oq_ok(e, oq_agent_logout(e, 2000, "n1"));
    assert_oq_ok(e, oq_engine_advance(e, 11000));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "r1");
    assert_int_equal(recorder_count(&rec, OQ_EV_ESCALATED, "c1"), 2);
    oq_escalation_step bad = step(OQ_STEP_ALERT, 5);
    bad.skip_if_no_agents = 3;
    assert_int_equal(oq_queue_clear_steps(e, 20000, "q"), OQ_ESTATE); /* holds c1 */
    assert_oq_ok(e, oq_contact_remove(e, 20000, "c1"));
    assert_int_equal(oq_queue_add_step(e, 20000, "q", &bad), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "skip_if_no_agents"));
    oq_engine_destroy(e);
}

static void conditional_step_fires_when_ewt_crosses(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "q";
    qs.default_aht_s = 100;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    oq_escalation_step s = step(OQ_STEP_ALERT, 0);
    s.message = "long wait";
    s.when_ewt_above_s = 250;
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &s));
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 0, "busy", "voice", "q", 0)); /* a1 rings */
    /* EWT = waiting x 100 s / 1 agent: 1 waiting -> 100 s, 2 -> 200 s, 3 -> 300 s. */
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    double ewt = 0;
    assert_oq_ok(e, oq_queue_ewt(e, "q", &ewt));
    assert_true(fabs(ewt - 200.0) < 1e-9);
    assert_oq_ok(e, arrive(e, 2000, "c2", "voice", "q", 0));
    assert_oq_ok(e, oq_engine_advance(e, 2500));
    assert_int_equal(recorder_count(&rec, OQ_EV_ALERT, NULL), 0); /* 2 waiting: 200 s */
    assert_oq_ok(e, arrive(e, 2600, "c3", "voice", "q", 0)); /* 3 waiting: 300 s */
    assert_oq_ok(e, oq_engine_advance(e, 2600));
    int i = recorder_find(&rec, 0, OQ_EV_ALERT, "c3", NULL);
    assert_true(i >= 0); /* c3 checks on entry */
    assert_oq_ok(e, oq_engine_advance(e, 3000)); /* c1, c2 re-check each second */
    assert_int_equal(recorder_count(&rec, OQ_EV_ALERT, NULL), 3);
    assert_int_equal(rec.ev[recorder_find(&rec, 0, OQ_EV_ALERT, "c2", NULL)].time_ms, 3000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void limits_reject_overflow_callback(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "callback", 1, 100, 1);
    add_queue(e, "callbacks", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "callback");
    add_queue(e, "spill", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "full";
    qs.max_length = 1;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "full", "voice"));
    qs.id = "spilling";
    qs.limit_action = OQ_LIMIT_OVERFLOW;
    qs.limit_queue = "spill";
    qs.max_wait_s = 30;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "spilling", "voice"));
    qs.id = "cb";
    qs.limit_action = OQ_LIMIT_CALLBACK;
    qs.limit_queue = "callbacks";
    qs.callback_channel = "callback";
    qs.max_wait_s = 0;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "cb", "voice"));
    /* max_length reject */
    assert_oq_ok(e, arrive(e, 0, "f1", "voice", "full", 0));
    assert_oq_ok(e, arrive(e, 0, "f2", "voice", "full", 0));
    int i = recorder_find(&rec, 0, OQ_EV_QUEUE_REJECTED, "f2", NULL);
    assert_true(i >= 0);
    assert_string_equal(rec.ev[i].detail, "queue full");
    assert_int_equal(contact_state(e, "f2"), -1);
    assert_int_equal(contact_state(e, "f1"), OQ_CONTACT_QUEUED);
    /* max_length overflow to the next queue, max wait overflow at 30 s */
    assert_oq_ok(e, arrive(e, 0, "s1", "voice", "spilling", 0));
    assert_oq_ok(e, arrive(e, 0, "s2", "voice", "spilling", 0));
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "s2", &ci));
    assert_string_equal(ci.queue, "spill");
    assert_oq_ok(e, oq_engine_advance(e, 29999));
    assert_oq_ok(e, oq_contact_get(e, "s1", &ci));
    assert_string_equal(ci.queue, "spilling");
    assert_oq_ok(e, oq_engine_advance(e, 30000));
    assert_oq_ok(e, oq_contact_get(e, "s1", &ci));
    assert_string_equal(ci.queue, "spill");
    i = recorder_find(&rec, 0, OQ_EV_OVERFLOWED, "s1", NULL);
    assert_int_equal(rec.ev[i].time_ms, 30000);
    assert_string_equal(rec.ev[i].detail, "max wait");
    /* callback: the caller is offered a callback instead of waiting */
    assert_oq_ok(e, arrive(e, 31000, "k1", "voice", "cb", 0));
    assert_oq_ok(e, arrive(e, 31000, "k2", "voice", "cb", 0));
    assert_oq_ok(e, oq_contact_get(e, "k2", &ci));
    assert_string_equal(ci.queue, "callbacks");
    assert_string_equal(ci.channel, "callback");
    assert_int_equal(oq_queue_remove(e, "callbacks"), OQ_ESTATE);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void refuse_when_nobody_logged_in(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "night";
    qs.refuse_if_no_agents = 1;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "night", "voice"));
    add_agent(e, "a1", 100);
    assert_oq_ok(e, arrive(e, 0, "c1", "voice", "night", 0));
    assert_true(recorder_find(&rec, 0, OQ_EV_QUEUE_REJECTED, "c1", NULL) >= 0);
    assert_int_equal(contact_state(e, "c1"), -1);
    /* Logged in but not ready still counts as staffed: the contact waits. */
    assert_oq_ok(e, oq_agent_login(e, 1, "a1", 0));
    assert_oq_ok(e, arrive(e, 2, "c2", "voice", "night", 0));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED);
    oq_engine_destroy(e);
}

static void preferred_agent_wait_then_fallback(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e, "owner", 100);
    add_agent(e, "other", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "owner", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "other", 1));
    assert_oq_ok(e, arrive(e, 0, "busy", "voice", "q", 0)); /* owner rings */
    assert_string_equal(contact_agent(e, "busy", buf, sizeof buf), "owner");
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = "c1";
    s.channel = "voice";
    s.queue = "q";
    s.preferred_agent = "owner";
    s.preferred_wait_s = 20;
    assert_oq_ok(e, oq_contact_arrive(e, 1000, &s));
    /* "other" is free, but c1 waits for its owner... */
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 20999));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    /* ...until 21 s, then anyone may serve it. */
    assert_oq_ok(e, oq_engine_advance(e, 21000));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "other");
    /* Served by the owner when it frees up first. */
    s.id = "c2";
    assert_oq_ok(e, oq_contact_arrive(e, 22000, &s));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_contact_remove(e, 23000, "busy"));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "owner");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* A reservation for a preferred agent ends at once when that agent rejects
 * the contact, lets it time out, goes not ready or logs out — and is not
 * made for an agent who is not logged in and ready (issue #15 item 5). */
static oq_engine *owner_and_other(void)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e, "owner", 100);
    add_agent(e, "other", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "owner", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "other", 1));
    return e;
}

static oq_status arrive_for_owner(oq_engine *e, int64_t t, const char *id)
{
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = id;
    s.channel = "voice";
    s.queue = "q";
    s.preferred_agent = "owner";
    s.preferred_wait_s = 60;
    return oq_contact_arrive(e, t, &s);
}

static void preferred_agent_reservation_ends_when_it_cannot_serve(void **state)
{
    (void)state;
    /* The owner rejects: the other agent gets it at once, not at 61 s. */
    oq_engine *e = owner_and_other();
    assert_oq_ok(e, arrive(e, 0, "held", "voice", "q", 0)); /* keeps "other" busy */
    assert_string_equal(contact_agent(e, "held", buf, sizeof buf), "owner");
    assert_oq_ok(e, oq_offer_reject(e, 100, "held", "owner"));
    assert_string_equal(contact_agent(e, "held", buf, sizeof buf), "other");
    assert_oq_ok(e, arrive_for_owner(e, 1000, "c1"));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "owner");
    assert_oq_ok(e, oq_contact_remove(e, 2000, "held")); /* "other" is free now */
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_offer_reject(e, 5000, "c1", "owner"));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "other");
    int i = recorder_find(&rec, 0, OQ_EV_OFFERED, "c1", "other");
    assert_int_equal(rec.ev[i].time_ms, 5000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);

    /* The owner, busy on a call, goes not ready: the waiting contact goes to
     * the other agent at once. */
    e = owner_and_other();
    assert_oq_ok(e, arrive(e, 0, "call", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "call", buf, sizeof buf), "owner");
    assert_oq_ok(e, oq_offer_accept(e, 10, "call", "owner"));
    assert_oq_ok(e, arrive_for_owner(e, 1000, "c2"));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED); /* waits for its owner */
    assert_oq_ok(e, oq_agent_not_ready(e, 7000, "owner", "after this call, lunch"));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "other");
    i = recorder_find(&rec, 0, OQ_EV_OFFERED, "c2", "other");
    assert_int_equal(rec.ev[i].time_ms, 7000);
    /* Not ready at arrival: no reservation at all. */
    assert_int_equal(oq_contact_complete(e, 8000, "c2"), OQ_ESTATE); /* offered, not active */
    assert_oq_ok(e, oq_offer_accept(e, 8000, "c2", "other"));
    assert_oq_ok(e, oq_contact_complete(e, 9000, "c2"));
    assert_oq_ok(e, arrive_for_owner(e, 10000, "c3"));
    assert_string_equal(contact_agent(e, "c3", buf, sizeof buf), "other");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);

    /* The owner logs out while a contact waits for it. */
    e = owner_and_other();
    assert_oq_ok(e, arrive(e, 0, "call", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 10, "call", "owner"));
    assert_oq_ok(e, arrive_for_owner(e, 1000, "c4"));
    assert_int_equal(contact_state(e, "c4"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_agent_logout(e, 3000, "owner"));
    assert_string_equal(contact_agent(e, "c4", buf, sizeof buf), "other");
    /* Its offer times out on the owner: the reservation ends too. */
    assert_oq_ok(e, oq_contact_complete(e, 3500, "call"));
    assert_oq_ok(e, oq_agent_login(e, 4000, "owner", 1));
    assert_oq_ok(e, arrive_for_owner(e, 5000, "c5"));
    assert_string_equal(contact_agent(e, "c5", buf, sizeof buf), "owner");
    assert_oq_ok(e, oq_offer_accept(e, 5100, "c4", "other"));
    assert_oq_ok(e, oq_engine_advance(e, 35000)); /* offer_timeout_s 30 */
    assert_string_equal(contact_agent(e, "c5", buf, sizeof buf), "");
    assert_int_equal(contact_state(e, "c5"), OQ_CONTACT_QUEUED); /* "other" is busy */
    assert_oq_ok(e, oq_contact_complete(e, 36000, "c4"));
    assert_string_equal(contact_agent(e, "c5", buf, sizeof buf), "other");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* A max wait set by oq_queue_update applies to contacts already waiting, at
 * their own due time (it used to wait for some other event to re-arm them). */
static void new_max_wait_applies_to_waiting_contacts(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, 20000, "c2", "voice", "q", 0));
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.max_wait_s = 30;
    assert_oq_ok(e, oq_queue_update(e, 40000, &q));
    /* c1 waited 39 s already: rejected at once; c2 at 50 s. */
    int i = recorder_find(&rec, 0, OQ_EV_QUEUE_REJECTED, "c1", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 40000);
    assert_int_equal(next_deadline(e), 50000);
    assert_oq_ok(e, oq_engine_advance(e, 60000));
    i = recorder_find(&rec, 0, OQ_EV_QUEUE_REJECTED, "c2", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 50000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void deadline_warning_and_breach_once_each(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "weibo", 0, 20, 2);
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "social";
    qs.ordering = OQ_ORDER_DEADLINE;
    qs.deadline_warning_s = 600; /* warn 10 minutes before */
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "social", "weibo"));
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = "post1";
    s.channel = "weibo";
    s.queue = "social";
    s.deadline_ms = 3600000; /* first reply within 1 h */
    assert_oq_ok(e, oq_contact_arrive(e, 0, &s));
    s.id = "post2";
    assert_oq_ok(e, oq_contact_arrive(e, 0, &s));
    assert_oq_ok(e, oq_engine_advance(e, 2999999));
    assert_int_equal(recorder_count(&rec, OQ_EV_DEADLINE_WARNING, NULL), 0);
    assert_oq_ok(e, oq_engine_advance(e, 3000000));
    assert_int_equal(recorder_count(&rec, OQ_EV_DEADLINE_WARNING, "post1"), 1);
    assert_int_equal(recorder_count(&rec, OQ_EV_DEADLINE_WARNING, "post2"), 1);
    /* post2 gets its reply in time; post1 does not. */
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_set_channel_limit(e, 3000000, "a1", "weibo", 1));
    assert_oq_ok(e, oq_agent_login(e, 3000000, "a1", 1));
    char who[16];
    snprintf(who, sizeof who, "%s", contact_state(e, "post1") == OQ_CONTACT_OFFERED ? "post1" : "post2");
    assert_oq_ok(e, oq_offer_accept(e, 3001000, who, "a1")); /* within the 30 s offer */
    const char *late = strcmp(who, "post1") == 0 ? "post2" : "post1";
    assert_oq_ok(e, oq_engine_advance(e, 7200000));
    int i = recorder_find(&rec, 0, OQ_EV_DEADLINE_BREACH, late, NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 3600000);
    assert_int_equal(recorder_count(&rec, OQ_EV_DEADLINE_BREACH, late), 1);
    assert_int_equal(recorder_count(&rec, OQ_EV_DEADLINE_BREACH, who), 0);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* A max wait or deadline warning set by oq_queue_update applies to the
 * contacts already waiting, at its exact millisecond (they used to keep the
 * timers of the old settings: no max wait ever, or a warning too late). */
static void queue_update_applies_to_waiting_contacts(void **state)
{
    (void)state;
    recorder_clear(&rec);
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "weibo", 0, 20, 2);
    add_queue(e, "spill", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "weibo");
    oq_queue_spec qs, ps;
    oq_queue_spec_init(&qs);
    qs.id = "social";
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "social", "weibo"));
    oq_queue_spec_init(&ps);
    ps.id = "posts";
    assert_oq_ok(e, oq_queue_add(e, &ps));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "posts", "weibo"));
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.channel = "weibo";
    s.queue = "social";
    s.id = "waits";
    assert_oq_ok(e, oq_contact_arrive(e, 0, &s));
    s.queue = "posts";
    s.deadline_ms = 3600000;
    s.id = "warned";
    assert_oq_ok(e, oq_contact_arrive(e, 0, &s));
    /* at 10 s: overflow after 60 s in "social", warn 20 min before the deadline in "posts" */
    qs.limit_action = OQ_LIMIT_OVERFLOW;
    qs.limit_queue = "spill";
    qs.max_wait_s = 60;
    assert_oq_ok(e, oq_queue_update(e, 10000, &qs));
    ps.deadline_warning_s = 1200;
    assert_oq_ok(e, oq_queue_update(e, 10000, &ps));
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, oq_engine_advance(e, 59999));
    assert_int_equal(recorder_count(&rec, OQ_EV_OVERFLOWED, NULL), 0);
    assert_oq_ok(e, oq_engine_advance(e, 60000));
    int i = recorder_find(&rec, 0, OQ_EV_OVERFLOWED, "waits", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 60000);
    assert_oq_ok(e, oq_engine_advance(e, 2400000));
    i = recorder_find(&rec, 0, OQ_EV_DEADLINE_WARNING, "warned", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 2400000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void position_and_ewt_hand_computed(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "q";
    qs.default_aht_s = 120;
    qs.offer_timeout_s = 0; /* offers wait for the host */
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "a2", 1));
    assert_oq_ok(e, arrive(e, 0, "x1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, 0, "x2", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 0, "x1", "a1"));
    assert_oq_ok(e, oq_offer_accept(e, 0, "x2", "a2"));
    for (int i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "w%d", i);
        assert_oq_ok(e, arrive(e, 1000 + i, id, "voice", "q", 0));
    }
    /* FIFO, 2 agents, AHT 120 s: the k-th in line expects k x 120 / 2 = 60k s. */
    for (int k = 1; k <= 5; k++) {
        char id[16];
        snprintf(id, sizeof id, "w%d", k - 1);
        int32_t pos = 0;
        double ewt = 0;
        assert_oq_ok(e, oq_contact_position(e, id, &pos, &ewt));
        assert_int_equal(pos, k);
        assert_true(fabs(ewt - 60.0 * k) < 1e-9);
    }
    /* x1 completes after 200 s: AHT becomes 200 (first measured). w0 is offered. */
    assert_oq_ok(e, oq_contact_complete(e, 200000, "x1"));
    int32_t pos = 0;
    double ewt = 0;
    assert_int_equal(oq_contact_position(e, "w0", &pos, &ewt), OQ_ESTATE);
    assert_oq_ok(e, oq_contact_position(e, "w3", &pos, &ewt));
    assert_int_equal(pos, 3);
    assert_true(fabs(ewt - 3 * 200.0 / 2) < 1e-9);
    /* x2 completes after 300 s: AHT = 200 + 0.2 x (300 - 200) = 220; a2 takes
     * w1, so w4 is third behind w2 and w3. */
    assert_oq_ok(e, oq_contact_complete(e, 300000, "x2"));
    assert_oq_ok(e, oq_contact_position(e, "w4", &pos, &ewt));
    assert_int_equal(pos, 3);
    assert_true(fabs(ewt - 3 * 220.0 / 2) < 1e-9);
    oq_engine_destroy(e);
}

static void bad_steps_are_refused(void **state)
{
    (void)state;
    const int levels[] = {5};
    oq_engine *e = cantonese_center(levels, 1);
    oq_escalation_step s = step(OQ_STEP_LOWER_LEVEL, 10);
    s.skill = "yue";
    s.level = 9; /* not lower than 8 */
    assert_int_equal(oq_queue_add_step(e, 0, "yue", &s), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "step[0].level"));
    s.skill = "klingon";
    assert_int_equal(oq_queue_add_step(e, 0, "yue", &s), OQ_ENOTFOUND);
    assert_non_null(strstr(oq_engine_last_error(e), "klingon"));
    s = step(OQ_STEP_OVERFLOW, 10);
    s.queue = "yue";
    assert_int_equal(oq_queue_add_step(e, 0, "yue", &s), OQ_ESTATE);
    s = step(99, 10);
    assert_int_equal(oq_queue_add_step(e, 0, "yue", &s), OQ_EINVAL);
    s = step(OQ_STEP_ALERT, -1);
    assert_int_equal(oq_queue_add_step(e, 0, "yue", &s), OQ_EINVAL);
    s = step(OQ_STEP_ALERT, NAN);
    assert_int_equal(oq_queue_add_step(e, 0, "yue", &s), OQ_EINVAL);
    s = step(OQ_STEP_ADD_GROUP, 1);
    s.group = "nope";
    assert_int_equal(oq_queue_add_step(e, 0, "yue", &s), OQ_ENOTFOUND);
    int32_t n = -1;
    assert_oq_ok(e, oq_queue_step_count(e, "yue", &n));
    assert_int_equal(n, 0);
    oq_engine_destroy(e);
}

/* Requirement changes that would leave a ladder step relaxing nothing are
 * refused (found by fuzzing: the dump of such an engine did not load). */
static void ladder_keeps_its_requirements(void **state)
{
    (void)state;
    const int levels[] = {5};
    oq_engine *e = cantonese_center(levels, 1);
    oq_escalation_step s = step(OQ_STEP_LOWER_LEVEL, 10);
    s.skill = "yue";
    s.level = 5;
    assert_oq_ok(e, oq_queue_add_step(e, 0, "yue", &s));
    assert_int_equal(oq_queue_require_skill(e, 0, "yue", "yue", 0), OQ_ESTATE);
    assert_non_null(strstr(oq_engine_last_error(e), "step[0]"));
    assert_int_equal(oq_queue_require_skill(e, 0, "yue", "yue", 4), OQ_ESTATE); /* 5 is not lower */
    assert_oq_ok(e, oq_queue_require_skill(e, 0, "yue", "yue", 9));     /* still lowers */
    assert_oq_ok(e, oq_group_add(e, "g"));
    assert_oq_ok(e, oq_group_add(e, "h"));
    assert_oq_ok(e, oq_queue_add_group(e, 0, "yue", "g"));
    assert_oq_ok(e, oq_queue_clear_steps(e, 0, "yue"));
    oq_escalation_step g = step(OQ_STEP_ADD_GROUP, 10);
    g.group = "h";
    assert_oq_ok(e, oq_queue_add_step(e, 0, "yue", &g));
    assert_int_equal(oq_queue_remove_group(e, 0, "yue", "g"), OQ_ESTATE);
    oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
    assert_oq_ok(e, oq_queue_get(e, "yue", &qi));
    assert_int_equal(qi.n_groups, 1);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Two queues overflowing into each other at once must not bounce a contact
 * forever: after a bounded number of moves the step only raises an alert. */
static void overflow_ping_pong_is_bounded(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "a", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "b", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_escalation_step s = step(OQ_STEP_OVERFLOW, 0);
    s.queue = "b";
    assert_oq_ok(e, oq_queue_add_step(e, 0, "a", &s));
    s.queue = "a";
    assert_oq_ok(e, oq_queue_add_step(e, 0, "b", &s));
    assert_oq_ok(e, arrive(e, 0, "c1", "voice", "a", 0)); /* returns */
    int hops = recorder_count(&rec, OQ_EV_OVERFLOWED, "c1");
    assert_true(hops >= 1 && hops <= 16);
    assert_true(recorder_find(&rec, 0, OQ_EV_ALERT, "c1", NULL) >= 0);
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
    /* Times are host epoch milliseconds: a negative start is refused. */
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.start_ms = -1;
    oq_engine *bad = NULL;
    assert_int_equal(oq_engine_create(&o, &bad), OQ_EINVAL);
    assert_null(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lower_level_step_widens_at_exact_ms),
        cmocka_unit_test(drop_required_and_after_previous),
        cmocka_unit_test(add_group_raise_priority_and_alert),
        cmocka_unit_test(overflow_keeps_arrival_and_place),
        cmocka_unit_test(skip_if_no_agents_fires_next_step_at_once),
        cmocka_unit_test(skip_when_target_agents_are_all_busy),
        cmocka_unit_test(conditional_step_fires_when_ewt_crosses),
        cmocka_unit_test(limits_reject_overflow_callback),
        cmocka_unit_test(refuse_when_nobody_logged_in),
        cmocka_unit_test(preferred_agent_wait_then_fallback),
        cmocka_unit_test(preferred_agent_reservation_ends_when_it_cannot_serve),
        cmocka_unit_test(new_max_wait_applies_to_waiting_contacts),
        cmocka_unit_test(deadline_warning_and_breach_once_each),
        cmocka_unit_test(position_and_ewt_hand_computed),
        cmocka_unit_test(bad_steps_are_refused),
        cmocka_unit_test(ladder_keeps_its_requirements),
        cmocka_unit_test(overflow_ping_pong_is_bounded),
        cmocka_unit_test(queue_update_applies_to_waiting_contacts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
