/* SPDX-License-Identifier: MIT */
/* A contact's three timers (offer or wrap-up, wait, reply deadline) share
 * one entry of the engine's timer heap keyed by the soonest armed slot
 * (lib/engine/timers.c). They must fire in the (due, arming order) order
 * three separate timers would, and be counted as three pending timers. */
#include "engine/internal.h"
#include "test_support.h"

static oq_contact *contact(oq_engine *e, const char *id)
{
    oq_contact *c = oq__idtable_get(&e->contact_ids, id);
    assert_non_null(c);
    return c;
}

static int32_t pending(oq_engine *e)
{
    oq_engine_counts n = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &n));
    return n.timers;
}

static int64_t next_deadline(oq_engine *e)
{
    int64_t d = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &d));
    return d;
}

static void slots_fire_in_arming_order(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, 1000, "c2", "voice", "q", 0));
    oq_contact *c1 = contact(e, "c1"), *c2 = contact(e, "c2");
    /* Slot OQ_CT_DUE lives in the ext block, which the engine makes for a
     * contact with a deadline (types.h); these have none, so they get one. */
    assert_null(c1->ext);
    assert_true(oq__contact_ext(e, c1) && oq__contact_ext(e, c2));
    int32_t base = pending(e), base_n = e->timers.n;
    assert_int_equal(c1->t_pos, -1); /* nothing armed for a plain waiting contact */

    /* Equal due times: arming order decides, across slots and contacts. */
    oq__ctimer_arm(e, c1, OQ_CT_WAIT, 5000, OQ_TIMER_WAIT);
    oq__ctimer_arm(e, c2, OQ_CT_DUE, 5000, OQ_TIMER_DUE);
    oq__ctimer_arm(e, c1, OQ_CT_DUE, 5000, OQ_TIMER_DUE);
    assert_int_equal(pending(e), base + 3);   /* every armed slot counts */
    assert_int_equal(e->timers.n, base_n + 2); /* one heap entry per contact */
    assert_int_equal(next_deadline(e), 5000);
    assert_ptr_equal(e->timers.items[0], &c1->t_pos);
    assert_int_equal(oq__ctimer_kind(c1, OQ_CT_WAIT), OQ_TIMER_WAIT);
    assert_int_equal(oq__ctimer_kind(c1, OQ_CT_SERVICE), OQ_TIMER_NONE);

    oq__ctimer_cancel(e, c1, OQ_CT_WAIT); /* c1's wait fired: c2's deadline was armed next */
    assert_ptr_equal(e->timers.items[0], &c2->t_pos);
    oq__ctimer_cancel(e, c2, OQ_CT_DUE);
    assert_ptr_equal(e->timers.items[0], &c1->t_pos);
    assert_int_equal(oq__ctimer_view(c1, OQ_CT_DUE).due, 5000);
    assert_int_equal(pending(e), base + 1);

    /* An earlier slot re-keys the entry in place; re-arming a slot moves it.
     * Slot OQ_CT_SERVICE lives in the service block, which only a contact
     * holding an agent has (types.h): c1 borrows one for the test. */
    oq_contact_svc svc = {0};
    c1->svc = &svc;
    oq__ctimer_arm(e, c1, OQ_CT_SERVICE, 4000, OQ_TIMER_WRAPUP);
    assert_int_equal(next_deadline(e), 4000);
    assert_int_equal(oq__ctimer_kind(c1, OQ_CT_SERVICE), OQ_TIMER_WRAPUP);
    oq__ctimer_arm(e, c1, OQ_CT_SERVICE, 6000, OQ_TIMER_OFFER);
    assert_int_equal(oq__ctimer_kind(c1, OQ_CT_SERVICE), OQ_TIMER_OFFER);
    assert_int_equal(next_deadline(e), 5000);
    assert_int_equal(pending(e), base + 2);
    assert_int_equal(e->timers.n, base_n + 1);

    oq__ctimer_cancel(e, c1, OQ_CT_SERVICE);
    c1->svc = NULL;
    oq__ctimer_cancel(e, c1, OQ_CT_DUE);
    oq__ctimer_cancel(e, c1, OQ_CT_DUE); /* not armed: nothing */
    assert_int_equal(c1->t_pos, -1);
    assert_int_equal(pending(e), base);
    assert_int_equal(e->timers.n, base_n);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slots_fire_in_arming_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
