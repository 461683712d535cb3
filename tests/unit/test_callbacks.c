/* SPDX-License-Identifier: MIT */
/* A callback that keeps its place (virtual hold, issue #15 item 10): the
 * caller who asks to be called back stays in the queue with its arrival time
 * and priority, as an item of the queue's callback channel, and is offered
 * when its turn comes — unlike the blended callback (OQ_LIMIT_CALLBACK), which
 * waits in an outbound queue behind every inbound contact. */
#include <math.h>
#include <string.h>

#include "test_support.h"

#define S(x) ((int64_t)(x) * 1000)

static recorder rec;
static char buf[64];

/* "sales" takes voice and callback items; one agent, busy on a call until
 * 40 s; callers c1 (0 s), c2 (10 s), c3 (20 s) wait. */
static oq_engine *busy_sales(int32_t limit_action)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "callback", 1, 100, 1);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "callbacks"; /* the blended callbacks' outbound queue */
    q.outbound = 1;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "callbacks", "callback"));
    oq_queue_spec_init(&q);
    q.id = "sales";
    q.offer_timeout_s = 0;
    q.sla_threshold_s = 60;
    q.callback_channel = "callback";
    q.limit_action = limit_action;
    q.limit_queue = limit_action == OQ_LIMIT_CALLBACK ? "callbacks" : NULL;
    q.max_wait_s = limit_action == OQ_LIMIT_CALLBACK ? 30 : 0;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "sales", "voice"));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "sales", "callback"));
    add_agent(e, "a1", 100);
    oq_stats_options so;
    oq_stats_options_init(&so);
    assert_oq_ok(e, oq_stats_configure(e, &so));
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 0, "call-0", "voice", "sales", 0));
    assert_oq_ok(e, oq_offer_accept(e, 0, "call-0", "a1"));
    assert_oq_ok(e, arrive(e, S(0), "c1", "voice", "sales", 0));
    assert_oq_ok(e, arrive(e, S(10), "c2", "voice", "sales", 0));
    assert_oq_ok(e, arrive(e, S(20), "c3", "voice", "sales", 0));
    return e;
}

static void requested_callback_keeps_its_place(void **state)
{
    (void)state;
    oq_engine *e = busy_sales(OQ_LIMIT_REJECT);
    /* c1 presses 1 at 30 s. */
    assert_oq_ok(e, oq_contact_request_callback(e, S(30), "c1"));
    int i = recorder_find(&rec, 0, OQ_EV_CALLBACK_QUEUED, "c1", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, S(30));
    assert_string_equal(rec.ev[i].queue, "sales");
    assert_string_equal(rec.ev[i].detail, "requested");
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "c1", &ci));
    assert_int_equal(ci.state, OQ_CONTACT_QUEUED);
    assert_string_equal(ci.queue, "sales");
    assert_string_equal(ci.channel, "callback");
    assert_int_equal(ci.enqueued_ms, S(0)); /* its place in line */
    assert_int_equal(ci.kept_place_callback, 1);
    int32_t pos = 0;
    double ewt = 0;
    assert_oq_ok(e, oq_contact_position(e, "c2", &pos, &ewt));
    assert_int_equal(pos, 1); /* c1 is no longer a voice caller ahead of c2 */
    /* The agent frees up at 40 s: the callback comes first, by its place. */
    assert_oq_ok(e, oq_contact_complete(e, S(40), "call-0"));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1");
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_offer_accept(e, S(45), "c1", "a1"));
    /* Its wait in the queue runs from entering it to the agent taking the
     * callback: 45 s, within the 60 s threshold. */
    oq_queue_stats qs = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_queue(e, "sales", OQ_PERIOD_DAY, &qs));
    assert_int_equal(qs.callbacks_kept, 1);
    assert_int_equal(qs.answered, 2);
    assert_int_equal(qs.answered_within, 2);
    assert_int_equal(qs.abandoned, 0);
    assert_true(fabs(qs.max_answered_wait_s - 45) < 1e-9);
    oq_queue_stats cb = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_channel(e, "callback", OQ_PERIOD_DAY, &cb));
    assert_int_equal(cb.answered, 1);
    assert_int_equal(cb.callbacks_kept, 1);

    /* An offered caller who asks for a callback: the offer is withdrawn and
     * the contact offered again as a callback. */
    assert_oq_ok(e, oq_contact_complete(e, S(50), "c1"));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_contact_request_callback(e, S(51), "c2"));
    i = recorder_find(&rec, 0, OQ_EV_CONTACT_QUEUED, "c2", "a1");
    assert_true(i >= 0);
    assert_non_null(strstr(rec.ev[i].detail, "callback"));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_contact_get(e, "c2", &ci));
    assert_string_equal(ci.channel, "callback");
    assert_int_equal(ci.state, OQ_CONTACT_OFFERED);

    /* Errors: not waiting, twice, no callback channel. */
    assert_oq_ok(e, oq_offer_accept(e, S(52), "c2", "a1"));
    assert_int_equal(oq_contact_request_callback(e, S(53), "c2"), OQ_ESTATE); /* active */
    assert_int_equal(oq_contact_request_callback(e, S(53), "nobody"), OQ_ENOTFOUND);
    assert_int_equal(oq_contact_request_callback(e, S(53), "c1"), OQ_ENOTFOUND); /* completed */
    assert_oq_ok(e, arrive(e, S(54), "c5", "voice", "sales", 0));
    assert_oq_ok(e, oq_contact_request_callback(e, S(55), "c5"));
    assert_int_equal(oq_contact_request_callback(e, S(55), "c5"), OQ_ESTATE);
    assert_non_null(strstr(oq_engine_last_error(e), "c5"));
    add_queue(e, "plain", OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_contact_transfer(e, S(56), "c3", "plain"));
    assert_int_equal(oq_contact_request_callback(e, S(57), "c3"), OQ_ESTATE);
    assert_non_null(strstr(oq_engine_last_error(e), "callback_channel"));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* The blended callback of today waits behind every inbound contact. */
static void blended_callback_waits_behind_inbound(void **state)
{
    (void)state;
    oq_engine *e = busy_sales(OQ_LIMIT_CALLBACK);
    assert_oq_ok(e, oq_engine_advance(e, S(30))); /* c1 reaches max_wait */
    int i = recorder_find(&rec, 0, OQ_EV_OVERFLOWED, "c1", NULL);
    assert_true(i >= 0);
    assert_string_equal(rec.ev[i].queue, "callbacks");
    assert_oq_ok(e, oq_contact_complete(e, S(35), "call-0"));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a1"); /* not c1 */
    oq_engine_destroy(e);
}

/* As a limit action: the arrival beyond max_length (or the contact reaching
 * max_wait) becomes a kept-place callback, once. */
static void keep_place_limit_action(void **state)
{
    (void)state;
    oq_engine *e = busy_sales(OQ_LIMIT_CALLBACK_KEEP_PLACE);
    oq_queue_spec qi;
    oq_queue_spec_init(&qi);
    assert_oq_ok(e, oq_queue_get_spec(e, "sales", &qi));
    oq_queue_spec q = qi;
    q.max_length = 3;
    q.max_wait_s = 100;
    assert_oq_ok(e, oq_queue_update(e, S(21), &q));
    assert_oq_ok(e, arrive(e, S(22), "c4", "voice", "sales", 0)); /* fourth waiting */
    int i = recorder_find(&rec, 0, OQ_EV_CALLBACK_QUEUED, "c4", NULL);
    assert_true(i >= 0);
    assert_string_equal(rec.ev[i].detail, "queue full");
    assert_oq_ok(e, oq_engine_advance(e, S(100))); /* c1 waited 100 s */
    i = recorder_find(&rec, 0, OQ_EV_CALLBACK_QUEUED, "c1", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, S(100));
    assert_string_equal(rec.ev[i].detail, "max wait");
    assert_oq_ok(e, oq_engine_advance(e, S(1000)));
    assert_int_equal(recorder_count(&rec, OQ_EV_CALLBACK_QUEUED, "c1"), 1);
    assert_int_equal(recorder_count(&rec, OQ_EV_CALLBACK_QUEUED, "c4"), 1);
    assert_int_equal(recorder_count(&rec, OQ_EV_QUEUE_REJECTED, NULL), 0);
    int32_t n = 0;
    assert_oq_ok(e, oq_contact_history_count(e, "c1", &n));
    oq_history_entry h;
    assert_oq_ok(e, oq_contact_history_get(e, "c1", n - 1, &h));
    assert_int_equal(h.type, OQ_EV_CALLBACK_QUEUED);
    assert_string_equal(h.detail, "max wait");
    /* Every caller became a callback by now; the oldest place goes first. */
    assert_oq_ok(e, oq_contact_complete(e, S(1001), "call-0"));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requested_callback_keeps_its_place),
        cmocka_unit_test(blended_callback_waits_behind_inbound),
        cmocka_unit_test(keep_place_limit_action),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
