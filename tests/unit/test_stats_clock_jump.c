/* SPDX-License-Identifier: MIT */
/* A queue's calendar opening or closing counts nothing in the statistics, so
 * it closes no interval: a clock moved on by weeks over a weekday calendar
 * costs the statistics one catch-up of at most ring_size + 2 interval closes at the
 * next counted event, not one per calendar change (the fuzz_api time-out of
 * 2026-12-06: every 15-minute interval of the elapsed years closed, two
 * calendar changes a day). Work is counted in interval closes (the
 * statistics' `closes`), never in time; the figures after the jump are
 * checked against the clock arithmetic. */
#include <string.h>

#include "test_support.h"
#include "stats/internal.h"

#define H 3600000LL
#define MIN 60000LL
#define INTERVAL (15 * MIN) /* the default interval_s */
#define RING 96             /* the default ring_size */

static recorder rec;

/* A voice queue behind a desk open Mon-Fri 09:00-17:00 UTC; statistics with
 * their defaults and no interval timer (oq_stats_configure is not called:
 * with the timer on the host asked for an event per interval). */
static oq_engine *desk_center(int64_t start)
{
    recorder_clear(&rec);
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    assert_oq_ok(e, oq_engine_advance(e, start));
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_calendar_create("desk", "UTC", NULL, &cal, &err));
    for (int d = 0; d < 5; d++)
        assert_oq_ok_err(&err, oq_calendar_add_hours(cal, d, (int32_t)(9 * H), (int32_t)(17 * H), &err));
    assert_oq_ok(e, oq_engine_add_calendar(e, start, cal));
    oq_calendar_destroy(cal);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.calendar = "desk";
    q.closed_action = OQ_CLOSED_WAIT;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, start, "q", "voice"));
    return e;
}

static void calendar_changes_close_no_interval(void **state)
{
    (void)state;
    int64_t mon = utc_at(2026, 12, 7, 0); /* a Monday */
    oq_engine *e = desk_center(mon);
    uint64_t before = e->stats->closes;
    int64_t opened_before = recorder_count(&rec, OQ_EV_QUEUE_OPENED, NULL);

    /* Four weeks on in one call: 21 openings (the last Monday's too) and 20
     * closings fire on the way. */
    int64_t later = mon + 28 * 24 * H + 10 * H + 7 * MIN; /* Monday 10:07, open */
    assert_oq_ok(e, oq_engine_advance(e, later));
    int64_t opened = recorder_count(&rec, OQ_EV_QUEUE_OPENED, NULL) - opened_before;
    if (opened != 21)
        fail_msg("the host was told of %lld openings in four weeks, expected 21", (long long)opened);
    uint64_t on_the_way = e->stats->closes - before;
    if (on_the_way != 0)
        fail_msg("the calendar's 41 changes closed %llu statistics intervals (expected none)",
                 (unsigned long long)on_the_way);

    /* The next counted event catches up once: the ring's worth, not four weeks' 2,688. */
    assert_oq_ok(e, arrive(e, later, "c1", "voice", "q", 0));
    uint64_t catch_up = e->stats->closes - before;
    if (catch_up > RING + 2)
        fail_msg("the first arrival after the jump closed %llu intervals (at most %d expected)",
                 (unsigned long long)catch_up, RING + 2);

    /* What a reader sees is what the clock says: the ring full, its newest
     * interval the last whole quarter hour before the arrival, nothing in
     * it; the arrival counted in the current interval. */
    int32_t kept = 0;
    assert_oq_ok(e, oq_stats_interval_count(e, &kept));
    assert_int_equal(kept, RING);
    int64_t boundary = later - later % INTERVAL;
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_interval_queue(e, "q", 0, &s));
    assert_int_equal(s.end_ms, boundary);
    assert_int_equal(s.start_ms, boundary - INTERVAL);
    assert_int_equal(s.offered, 0);
    assert_oq_ok(e, oq_stats_interval_queue(e, "q", RING - 1, &s));
    assert_int_equal(s.end_ms, boundary - (RING - 1) * INTERVAL);
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_INTERVAL, &s));
    assert_int_equal(s.start_ms, boundary);
    assert_int_equal(s.arrivals, 1);
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_DAY, &s));
    assert_int_equal(s.arrivals, 1);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_changes_close_no_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
