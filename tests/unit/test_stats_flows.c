/* SPDX-License-Identifier: MIT */
/* Statistics over the engine's newer flows: overflows by the escalation
 * ladder (an overflowed contact counts once for the center and shows in both
 * queues' in/out figures; its service level runs from its arrival), work
 * orders parked and reopened, and transfers to an agent. Kept apart from
 * test_stats.c because it depends on those APIs. */
#include <math.h>
#include <string.h>

#include "test_support.h"

#define S(x) ((int64_t)(x) * 1000)

static recorder rec;

static void set_queue(oq_engine *e, const char *id, double threshold_s)
{
    oq_queue_spec qi;
    oq_queue_spec_init(&qi);
    assert_oq_ok(e, oq_queue_get_spec(e, id, &qi));
    qi.sla_threshold_s = threshold_s;
    qi.offer_timeout_s = 0;
    assert_oq_ok(e, oq_queue_update(e, 0, &qi));
}

/* Voice queues A (threshold a_s) and B (b_s); A's ladder overflows to B
 * after `after_s`; agent "a" logged out; statistics configured. */
static oq_engine *a_overflows_to_b(double a_s, double b_s, double after_s)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "A", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "B", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    set_queue(e, "A", a_s);
    set_queue(e, "B", b_s);
    oq_escalation_step st;
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_OVERFLOW;
    st.timing = OQ_STEP_AFTER_ENTRY;
    st.after_s = after_s;
    st.queue = "B";
    assert_oq_ok(e, oq_queue_add_step(e, 0, "A", &st));
    add_agent(e, "a", 100);
    oq_stats_options o;
    oq_stats_options_init(&o);
    assert_oq_ok(e, oq_stats_configure(e, &o));
    return e;
}

static void ladder_overflow_counts_once_for_the_center(void **state)
{
    (void)state;
    oq_engine *e = a_overflows_to_b(20, 60, 30);

    assert_oq_ok(e, arrive(e, S(0), "c", "voice", "A", 0));
    assert_oq_ok(e, oq_engine_advance(e, S(40)));
    assert_true(recorder_find(&rec, 0, OQ_EV_OVERFLOWED, "c", NULL) >= 0);
    oq_queue_stats a = OQ_OUTPUT_INIT(oq_queue_stats), b = OQ_OUTPUT_INIT(oq_queue_stats), c = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_queue(e, "A", OQ_PERIOD_DAY, &a));
    assert_oq_ok(e, oq_stats_queue(e, "B", OQ_PERIOD_DAY, &b));
    assert_int_equal(a.offered, 1);
    assert_int_equal(a.overflowed_out, 1);
    assert_int_equal(a.waiting_now, 0);
    assert_int_equal(b.offered, 1);
    assert_int_equal(b.arrivals, 0);
    assert_int_equal(b.overflowed_in, 1);
    assert_int_equal(b.waiting_now, 1);

    assert_oq_ok(e, oq_agent_login(e, S(50), "a", 1));
    assert_oq_ok(e, oq_offer_accept(e, S(50), "c", "a"));
    assert_oq_ok(e, oq_contact_complete(e, S(80), "c"));
    assert_oq_ok(e, oq_stats_queue(e, "B", OQ_PERIOD_DAY, &b));
    assert_int_equal(b.answered, 1);
    assert_true(fabs(b.asa_s - 50) < 1e-9); /* since arrival, not since the overflow */
    assert_int_equal(b.answered_within, 1); /* 50 s <= B's 60 s */
    assert_int_equal(b.handled, 1);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(c.offered, 1);
    assert_int_equal(c.answered, 1);
    assert_int_equal(c.overflowed_in + c.overflowed_out, 0);
    assert_int_equal(c.backlog, 0);
    assert_int_equal(c.dropped, 0);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void parked_work_orders_and_transfers_to_an_agent(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    oq_channel_spec cs;
    oq_channel_spec_init(&cs);
    cs.id = "email";
    cs.synchronous = 0;
    cs.capacity_cost = 10;
    cs.max_per_agent = 5;
    assert_oq_ok(e, oq_channel_add(e, &cs));
    add_queue(e, "mail", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "email");
    add_queue(e, "mail2", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "email");
    set_queue(e, "mail", 60);
    set_queue(e, "mail2", 60);
    add_agent(e, "m", 100);
    oq_stats_options o;
    oq_stats_options_init(&o);
    assert_oq_ok(e, oq_stats_configure(e, &o));
    assert_oq_ok(e, oq_agent_login(e, 0, "m", 1));

    oq_queue_stats q = OQ_OUTPUT_INIT(oq_queue_stats), c = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, arrive(e, S(0), "w1", "email", "mail", 0));
    assert_oq_ok(e, oq_offer_accept(e, S(10), "w1", "m"));
    assert_oq_ok(e, oq_contact_park(e, S(20), "w1", "customer"));
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(c.waiting_now, 0); /* parked: waits for the customer */
    assert_int_equal(c.backlog, 1);     /* but still open */
    assert_oq_ok(e, oq_engine_advance(e, S(100)));
    assert_oq_ok(e, oq_stats_channel(e, "email", OQ_PERIOD_DAY, &c));
    assert_true(fabs(c.backlog_age_s - 100) < 1e-9);

    assert_oq_ok(e, oq_contact_reopen(e, S(100), "w1", "mail2", 0));
    assert_oq_ok(e, oq_stats_queue(e, "mail2", OQ_PERIOD_DAY, &q));
    assert_int_equal(q.offered, 1);
    assert_int_equal(q.reopened, 1);    /* in the queue it entered, */
    assert_int_equal(q.waiting_now, 1); /* offered to m, not yet accepted */
    assert_oq_ok(e, oq_stats_queue(e, "mail", OQ_PERIOD_DAY, &q));
    assert_int_equal(q.reopened, 0);    /* not the one it was parked from */
    assert_oq_ok(e, oq_stats_channel(e, "email", OQ_PERIOD_INTERVAL, &c));
    assert_int_equal(c.reopened, 1);
    assert_int_equal(c.offered, 1);     /* offered once to the channel */
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_WINDOW, &c));
    assert_int_equal(c.reopened, 1);
    assert_oq_ok(e, oq_offer_accept(e, S(105), "w1", "m"));
    assert_oq_ok(e, oq_contact_complete(e, S(150), "w1"));
    assert_oq_ok(e, oq_stats_queue(e, "mail2", OQ_PERIOD_DAY, &q));
    assert_int_equal(q.answered, 1);
    assert_true(fabs(q.asa_s - 5) < 1e-9);
    assert_int_equal(q.handled, 1);
    assert_true(fabs(q.mean_talk_s - 45) < 1e-9);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(c.offered, 1);
    assert_int_equal(c.answered, 1);
    assert_int_equal(c.resolved, 1);
    assert_true(fabs(c.mean_resolution_s - 150) < 1e-9);
    assert_int_equal(c.backlog, 0);

    /* A transfer to a named agent stays in the queue: in and out, not offered again. */
    add_agent(e, "n", 100);
    assert_oq_ok(e, oq_agent_login(e, S(160), "n", 1));
    assert_oq_ok(e, arrive(e, S(200), "w2", "email", "mail", 0));
    assert_oq_ok(e, oq_offer_accept(e, S(210), "w2", "m")); /* m idle longest */
    assert_oq_ok(e, oq_contact_transfer_to_agent(e, S(220), "w2", "n", 30));
    assert_oq_ok(e, oq_stats_queue(e, "mail", OQ_PERIOD_DAY, &q));
    assert_int_equal(q.offered, 2);
    assert_int_equal(q.transferred_in, 1);
    assert_int_equal(q.transferred_out, 1);
    assert_int_equal(q.waiting_now, 1);
    assert_oq_ok(e, oq_offer_accept(e, S(230), "w2", "n"));
    assert_oq_ok(e, oq_stats_queue(e, "mail", OQ_PERIOD_DAY, &q));
    assert_int_equal(q.answered, 3); /* w1 once, w2 twice */
    assert_int_equal(q.waiting_now, 0);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(c.offered, 2);
    assert_int_equal(c.answered, 2);
    assert_int_equal(c.dropped, 0);

    /* The agent's capacity came back at the park and the transfer. */
    assert_oq_ok(e, oq_contact_complete(e, S(300), "w2"));
    assert_oq_ok(e, oq_engine_advance(e, S(400)));
    oq_agent_stats a = OQ_OUTPUT_INIT(oq_agent_stats);
    assert_oq_ok(e, oq_stats_agent(e, "m", OQ_PERIOD_DAY, &a));
    /* held 10 units over [0,20), [100,150), [200,220): 900 unit-s of 40000 */
    assert_true(fabs(a.utilisation - 900.0 / 40000.0) < 1e-9);
    assert_int_equal(a.handled, 1);
    assert_oq_ok(e, oq_stats_agent(e, "n", OQ_PERIOD_DAY, &a));
    assert_true(fabs(a.utilisation - 800.0 / 24000.0) < 1e-9); /* [220,300) of [160,400) */
    assert_int_equal(a.handled, 1);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* A contact that leaves a queue unanswered by a transfer or an overflow is
 * counted there as flowed out, within or after the queue's threshold, so it
 * does not vanish from that queue's service level (issue #15 item 8). */
static void flowed_out_within_and_after_threshold(void **state)
{
    (void)state;
    oq_engine *e = a_overflows_to_b(20, 20, 50);

    /* c1 waits 10 s in A and is transferred (within T); c2 waits 30 s and is
     * transferred (after T); c3 is overflowed by the ladder at 50 s (after
     * T); c4 is answered in A and then transferred (not a flow-out: it was
     * answered there). */
    assert_oq_ok(e, arrive(e, S(0), "c1", "voice", "A", 0));
    assert_oq_ok(e, arrive(e, S(0), "c2", "voice", "A", 0));
    assert_oq_ok(e, arrive(e, S(0), "c3", "voice", "A", 0));
    assert_oq_ok(e, oq_contact_transfer(e, S(10), "c1", "B"));
    assert_oq_ok(e, oq_contact_transfer(e, S(30), "c2", "B"));
    assert_oq_ok(e, oq_engine_advance(e, S(50)));
    assert_oq_ok(e, arrive(e, S(60), "c4", "voice", "A", 0));
    assert_oq_ok(e, oq_agent_login(e, S(61), "a", 1));
    assert_oq_ok(e, oq_contact_remove(e, S(61), "c1"));
    assert_oq_ok(e, oq_contact_remove(e, S(61), "c2"));
    assert_oq_ok(e, oq_contact_remove(e, S(61), "c3"));
    assert_oq_ok(e, oq_offer_accept(e, S(62), "c4", "a"));
    assert_oq_ok(e, oq_contact_transfer(e, S(70), "c4", "B"));

    oq_queue_stats a = OQ_OUTPUT_INIT(oq_queue_stats), b = OQ_OUTPUT_INIT(oq_queue_stats), c = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_queue(e, "A", OQ_PERIOD_DAY, &a));
    assert_int_equal(a.offered, 4);
    assert_int_equal(a.answered, 1);
    assert_int_equal(a.answered_within, 1);
    assert_int_equal(a.transferred_out, 3);
    assert_int_equal(a.overflowed_out, 1);
    assert_int_equal(a.flowed_out_within, 1); /* c1 */
    assert_int_equal(a.flowed_out_after, 2);  /* c2, c3 */
    /* Which definitions see them: the offered-based ones count every
     * flowed-out contact in the denominator (as not answered within T), the
     * answered / abandoned-based ones leave them out. */
    assert_true(fabs(a.sl_offered - 1.0 / 4) < 1e-12);
    assert_true(fabs(a.sl_answered_abandoned - 1.0) < 1e-12);
    assert_oq_ok(e, oq_stats_queue(e, "B", OQ_PERIOD_DAY, &b));
    assert_int_equal(b.flowed_out_within + b.flowed_out_after, 0);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(c.flowed_out_within + c.flowed_out_after, 0); /* moves inside the center */
    /* Kept intervals carry them too. */
    assert_oq_ok(e, oq_engine_advance(e, S(900)));
    assert_oq_ok(e, oq_stats_interval_queue(e, "A", 0, &a));
    assert_int_equal(a.flowed_out_within, 1);
    assert_int_equal(a.flowed_out_after, 2);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ladder_overflow_counts_once_for_the_center),
        cmocka_unit_test(parked_work_orders_and_transfers_to_an_agent),
        cmocka_unit_test(flowed_out_within_and_after_threshold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
