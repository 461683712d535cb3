/* SPDX-License-Identifier: MIT */
/* Statistics in business time: a queue whose calendar counts its clocks
 * (business_time) reports each answer's and abandonment's wait in open time
 * beside the wall-time figures; other queues, channels and the center report
 * zeros there; the figures survive a snapshot. Expected waits are worked
 * out by hand from a desk open Mon-Fri 09:00-17:00 UTC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define H 3600000LL
#define MIN 60000LL

static recorder rec;

static void queue(oq_engine *e, int64_t now, const char *id, int business)
{
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = id;
    q.calendar = "desk";
    q.closed_action = OQ_CLOSED_WAIT;
    q.business_time = business;
    q.sla_threshold_s = 1800;
    q.offer_timeout_s = 0;
    oq_status st = oq_queue_add(e, &q);
    if (st != OQ_OK)
        fail_msg("queue %s: %s: %s", id, oq_status_str(st), oq_engine_last_error(e));
    assert_oq_ok(e, oq_queue_add_channel(e, now, id, "voice"));
}

static void ok(oq_engine *e, oq_status st, const char *what)
{
    if (st != OQ_OK)
        fail_msg("%s: %s: %s", what, oq_status_str(st), oq_engine_last_error(e));
}

static void near(double have, double want, const char *what)
{
    if (!(have > want - 1e-6 && have < want + 1e-6))
        fail_msg("%s: %.6f, expected %.6f", what, have, want);
}

/* Friday 2026-12-04 to Tuesday 2026-12-08. */
static oq_engine *week(void)
{
    recorder_clear(&rec);
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    int64_t fri = utc_at(2026, 12, 4, 0);
    ok(e, oq_engine_advance(e, fri + 16 * H), "advance");
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_calendar_create("desk", "UTC", NULL, &cal, &err));
    for (int d = 0; d < 5; d++)
        assert_oq_ok_err(&err, oq_calendar_add_hours(cal, d, (int32_t)(9 * H), (int32_t)(17 * H), &err));
    ok(e, oq_engine_add_calendar(e, fri + 16 * H, cal), "add calendar");
    oq_calendar_destroy(cal);
    queue(e, fri + 16 * H, "q", 1);
    queue(e, fri + 16 * H, "w", 0);
    add_agent(e, "a", 100);
    oq_stats_options so;
    oq_stats_options_init(&so);
    ok(e, oq_stats_configure(e, &so), "configure");

    int64_t mon = utc_at(2026, 12, 7, 0), tue = utc_at(2026, 12, 8, 0);
    /* c1: Friday 16:50, answered Monday 09:20: 64 h 30 min wall, 10 + 20 min open */
    ok(e, arrive(e, fri + 16 * H + 50 * MIN, "c1", "voice", "q", 0), "c1");
    ok(e, oq_agent_login(e, mon + 9 * H + 15 * MIN, "a", 1), "login");
    ok(e, oq_offer_accept(e, mon + 9 * H + 20 * MIN, "c1", "a"), "accept c1");
    /* c2: Monday 09:30, waits for c1 to end at 09:50, answered 09:52: 22 min both ways */
    ok(e, arrive(e, mon + 9 * H + 30 * MIN, "c2", "voice", "q", 0), "c2");
    ok(e, oq_contact_complete(e, mon + 9 * H + 50 * MIN, "c1"), "complete c1");
    ok(e, oq_offer_accept(e, mon + 9 * H + 52 * MIN, "c2", "a"), "accept c2");
    ok(e, oq_contact_complete(e, mon + 10 * H, "c2"), "complete c2");
    ok(e, oq_agent_logout(e, mon + 10 * H, "a"), "logout");
    /* c3: Monday 16:40, abandons Tuesday 09:12: 16 h 32 min wall, 20 + 12 min open */
    ok(e, arrive(e, mon + 16 * H + 40 * MIN, "c3", "voice", "q", 0), "c3");
    /* c4 on the wall-time queue: Monday 16:45 .. Tuesday 09:05 */
    ok(e, arrive(e, mon + 16 * H + 45 * MIN, "c4", "voice", "w", 0), "c4");
    ok(e, oq_contact_abandon(e, tue + 9 * H + 5 * MIN, "c4"), "abandon c4");
    ok(e, oq_contact_abandon(e, tue + 9 * H + 12 * MIN, "c3"), "abandon c3");
    return e;
}

static void check_q(const oq_queue_stats *s)
{
    /* wall time: T = 30 min, only c2 within */
    assert_int_equal(s->answered, 2);
    assert_int_equal(s->answered_within, 1);
    near(s->asa_s, (64.5 * 3600 + 22 * 60) / 2, "asa_s");
    near(s->mean_abandoned_wait_s, 16 * 3600 + 32 * 60, "mean_abandoned_wait_s");
    /* business time: c1 30 min (= T: within), c2 22 min, c3 32 min */
    assert_int_equal(s->business_answered, 2);
    assert_int_equal(s->business_answered_within, 2);
    assert_int_equal(s->business_abandoned, 1);
    assert_int_equal(s->business_abandoned_within, 0);
    near(s->asa_business_s, (30 * 60 + 22 * 60) / 2.0, "asa_business_s");
    near(s->mean_abandoned_wait_business_s, 32 * 60, "mean_abandoned_wait_business_s");
    near(s->sl_business, 2.0 / 3.0, "sl_business");
    near(s->sl_answered_abandoned, 1.0 / 3.0, "sl_answered_abandoned");
}

static void check_zero(const oq_queue_stats *s, const char *what)
{
    if (s->business_answered || s->business_abandoned || s->business_answered_within ||
        s->business_abandoned_within || s->asa_business_s != 0 ||
        s->mean_abandoned_wait_business_s != 0 || s->sl_business != 0)
        fail_msg("%s: business figures not zero", what);
}

static void waits_in_business_time(void **state)
{
    (void)state;
    oq_engine *e = week();
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_DAY, &s));
    check_q(&s);
    assert_oq_ok(e, oq_stats_queue(e, "w", OQ_PERIOD_DAY, &s));
    assert_int_equal(s.abandoned, 1);
    near(s.mean_abandoned_wait_s, 16 * 3600 + 20 * 60, "w wall wait");
    check_zero(&s, "queue w (wall time)");
    assert_oq_ok(e, oq_stats_channel(e, "voice", OQ_PERIOD_DAY, &s));
    check_zero(&s, "channel");
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
    assert_int_equal(s.answered, 2);
    check_zero(&s, "center");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void survive_a_snapshot(void **state)
{
    oq_error rerr = OQ_ERROR_INIT;
    (void)state;
    oq_engine *e = week();
    void *buf = NULL;
    size_t len = 0;
    ok(e, oq_engine_snapshot_buffer(e, &buf, &len), "snapshot");
    oq_engine *r = NULL;
    oq_status st = oq_engine_restore_buffer(NULL, buf, len, &r, &rerr);
    if (st != OQ_OK)
        fail_msg("restore: %s: %s", oq_status_str(st), rerr.message);
    oq_free(buf);
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(r, oq_stats_queue(r, "q", OQ_PERIOD_DAY, &s));
    check_q(&s);
    oq_engine_destroy(r);
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(waits_in_business_time),
        cmocka_unit_test(survive_a_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
