/* SPDX-License-Identifier: MIT */
/* A queue's calendar opening or closing counts nothing in the statistics, so
 * it closes no interval: a clock moved on by weeks over a weekday calendar
 * costs the statistics one catch-up of at most ring_size + 2 interval closes at the
 * next counted event, not one per calendar change (the fuzz_api time-out of
 * 2026-12-06: every 15-minute interval of the elapsed years closed, two
 * calendar changes a day). Work is counted in interval closes (the
 * statistics' `closes`), never in time; the figures after the jump are
 * checked against the clock arithmetic. */
#include <stdlib.h>
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

/* What a closed interval's gauges must say when nothing happened in it: the
 * counts of the state that held through it, and ages measured to its end. */
typedef struct held_state {
    int32_t waiting, ready, busy, not_ready, backlog;
    int64_t oldest_wait, oldest_live; /* when they began (ms); oldest_live -1: a queue, no age */
} held_state;

static void expect_quiet_interval(const oq_queue_stats *s, const char *what, int32_t k, int64_t end,
                                  const held_state *h)
{
    char where[96];
    snprintf(where, sizeof where, "%s, interval %d (ending at %lld)", what, k, (long long)end);
    if (s->end_ms != end || s->start_ms != end - INTERVAL)
        fail_msg("%s: spans %lld..%lld", where, (long long)s->start_ms, (long long)s->end_ms);
    if (s->offered != 0 || s->answered != 0 || s->offers != 0)
        fail_msg("%s: counts %lld offered, %lld answered, %lld offers in a silent interval", where,
                 (long long)s->offered, (long long)s->answered, (long long)s->offers);
    if (s->waiting_now != h->waiting || s->agents_ready != h->ready || s->agents_busy != h->busy ||
        s->agents_not_ready != h->not_ready || s->backlog != h->backlog)
        fail_msg("%s: waiting %d ready %d busy %d not ready %d backlog %d, expected %d %d %d %d %d",
                 where, s->waiting_now, s->agents_ready, s->agents_busy, s->agents_not_ready, s->backlog,
                 h->waiting, h->ready, h->busy, h->not_ready, h->backlog);
    double longest = (double)(end - h->oldest_wait) / 1000.0;
    double age = h->oldest_live < 0 ? 0.0 : (double)(end - h->oldest_live) / 1000.0;
    if (s->longest_wait_s != longest || s->backlog_age_s != age)
        fail_msg("%s: longest wait %.3f s, backlog age %.3f s; expected %.3f and %.3f", where,
                 s->longest_wait_s, s->backlog_age_s, longest, age);
}

/* Kept intervals newest .. newest + n - 1 (k = 0 the newest, ending at
 * `newest_end`), all silent, for the queue, the channel and the center. */
static void expect_quiet_intervals(oq_engine *e, int32_t from_k, int32_t n, int64_t newest_end,
                                   const held_state *queue, const held_state *wide)
{
    for (int32_t k = from_k; k < from_k + n; k++) {
        int64_t end = newest_end - (int64_t)k * INTERVAL;
        oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
        assert_oq_ok(e, oq_stats_interval_queue(e, "q", k, &s));
        expect_quiet_interval(&s, "queue 'q'", k, end, queue);
        assert_oq_ok(e, oq_stats_interval_channel(e, "voice", k, &s));
        expect_quiet_interval(&s, "channel 'voice'", k, end, wide);
        assert_oq_ok(e, oq_stats_interval_center(e, k, &s));
        expect_quiet_interval(&s, "the center", k, end, wide);
    }
}

/* The agents' time through a silence: whole (the day) and since the last
 * boundary (the interval), against the clock. */
static void expect_agent_time(oq_engine *e, const char *agent, int64_t since, int64_t now, int state)
{
    oq_agent_stats day = OQ_OUTPUT_INIT(oq_agent_stats), cur = OQ_OUTPUT_INIT(oq_agent_stats);
    assert_oq_ok(e, oq_stats_agent(e, agent, OQ_PERIOD_DAY, &day));
    assert_oq_ok(e, oq_stats_agent(e, agent, OQ_PERIOD_INTERVAL, &cur));
    double in_day = state == OQ_AGENT_BUSY ? day.busy_s : day.not_ready_s;
    double in_cur = state == OQ_AGENT_BUSY ? cur.busy_s : cur.not_ready_s;
    int64_t boundary = now - now % INTERVAL;
    if (in_day != (double)(now - since) / 1000.0 || cur.start_ms != boundary ||
        in_cur != (double)(now - boundary) / 1000.0)
        fail_msg("agent '%s': %.3f s in its state today and %.3f s since %lld, expected %.3f and %.3f since %lld",
                 agent, in_day, in_cur, (long long)cur.start_ms, (double)(now - since) / 1000.0,
                 (double)(now - boundary) / 1000.0, (long long)boundary);
}

/* A silence closes every interval on the way with the gauges of the state
 * that held through it: one agent busy with a contact, one ready, one not
 * ready, and a contact waiting for a skill nobody has. Those intervals are
 * closed at the next read, each after the first reusing the counts of the one
 * before (nothing happened between them) with its ages grown, and the agents'
 * time brought on to the last boundary: checked against the clock for a
 * catch-up inside the ring and for one longer than the ring. */
static void silent_intervals_carry_the_held_state(void **state)
{
    (void)state;
    recorder_clear(&rec);
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_skill_add(e, "french", 5));
    int64_t t0 = utc_at(2026, 12, 7, 9 * H); /* an interval boundary */
    assert_oq_ok(e, oq_engine_advance(e, t0));
    add_agent_with(e, t0, "busy", NULL, 1);
    add_agent_with(e, t0, "idle", NULL, 0);
    add_agent_with(e, t0, "away", NULL, 0);
    assert_oq_ok(e, arrive(e, t0 + 1000, "served", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, t0 + 2000, "served", "busy"));
    assert_oq_ok(e, oq_agent_ready(e, t0 + 3000, "idle"));
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    cs.id = "waits";
    cs.channel = "voice";
    cs.queue = "q";
    const char *french[] = {"french"};
    const int32_t level[] = {1};
    cs.n_required = 1, cs.required_skills = french, cs.required_levels = level;
    assert_oq_ok(e, oq_contact_arrive(e, t0 + 4000, &cs));
    assert_int_equal(contact_state(e, "waits"), OQ_CONTACT_QUEUED);
    /* The queue counts its members and what is in it; the channel and the
     * center what is not completed, the oldest since it arrived. */
    held_state queue = {1, 1, 1, 1, 2, t0 + 4000, -1};
    held_state wide = {1, 1, 1, 1, 2, t0 + 4000, t0 + 1000};

    /* Twelve intervals and 5 minutes of silence, read at their end (the
     * ring is full already: the clock's first move, from 0 to t0, was a
     * silence too). */
    assert_oq_ok(e, oq_engine_advance(e, t0 + 12 * INTERVAL + 5 * MIN));
    int32_t kept = 0;
    assert_oq_ok(e, oq_stats_interval_count(e, &kept));
    assert_int_equal(kept, RING);
    expect_quiet_intervals(e, 0, 11, t0 + 12 * INTERVAL, &queue, &wide);
    oq_queue_stats first = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_interval_queue(e, "q", 11, &first)); /* the one with the events */
    assert_int_equal(first.offered, 2);
    assert_int_equal(first.answered, 1);
    assert_int_equal(first.waiting_now, 1);
    expect_agent_time(e, "away", t0, t0 + 12 * INTERVAL + 5 * MIN, OQ_AGENT_NOT_READY);
    expect_agent_time(e, "busy", t0 + 1000, t0 + 12 * INTERVAL + 5 * MIN, OQ_AGENT_BUSY);

    /* Then 300 intervals more (past the ring: the oldest are skipped). */
    int64_t later = t0 + 312 * INTERVAL + 5 * MIN;
    assert_oq_ok(e, oq_engine_advance(e, later));
    assert_oq_ok(e, oq_stats_interval_count(e, &kept));
    assert_int_equal(kept, RING);
    expect_quiet_intervals(e, 0, RING, t0 + 312 * INTERVAL, &queue, &wide);
    expect_agent_time(e, "away", t0, later, OQ_AGENT_NOT_READY);
    expect_agent_time(e, "busy", t0 + 1000, later, OQ_AGENT_BUSY);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* An agent busy since the clock's first second, then the clock moved on by
 * three million years: its capacity integrals (unit-ms, doubles) are near
 * 10^19, where adding a quarter hour of them rounds. */
static oq_engine *busy_for_ages(int64_t *ages)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent_with(e, 0, "busy", NULL, 1);
    assert_oq_ok(e, arrive(e, 1000, "c", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 2000, "c", "busy"));
    *ages = 100000000000000000LL / INTERVAL * INTERVAL; /* 10^17 ms, a boundary */
    assert_oq_ok(e, oq_engine_advance(e, *ages));
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_INTERVAL, &s));
    return e;
}

/* Closing 50 intervals in one catch-up leaves the engine exactly as being
 * there at each of their boundaries does (each closed on its own, at a read):
 * same snapshot bytes. The agents' time is added boundary by boundary in
 * both, so their integrals round alike even this far out. */
static void a_catch_up_equals_every_boundary_seen(void **state)
{
    (void)state;
    int64_t ages = 0;
    oq_engine *once = busy_for_ages(&ages), *each = busy_for_ages(&ages);
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(once, oq_engine_advance(once, ages + 50 * INTERVAL));
    assert_oq_ok(once, oq_stats_center(once, OQ_PERIOD_INTERVAL, &s));
    for (int k = 1; k <= 50; k++) {
        assert_oq_ok(each, oq_engine_advance(each, ages + k * INTERVAL));
        assert_oq_ok(each, oq_stats_center(each, OQ_PERIOD_INTERVAL, &s));
    }
    snap_buf a = snap_of(once, NULL), b = snap_of(each, NULL);
    if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0)
        fail_msg("a catch-up of 50 intervals and 50 single closes give different snapshots (%zu and %zu bytes)",
                 a.n, b.n);
    free(a.p);
    free(b.p);
    assert_oq_ok(once, oq_engine_check(once));
    oq_engine_destroy(once);
    oq_engine_destroy(each);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_changes_close_no_interval),
        cmocka_unit_test(silent_intervals_carry_the_held_state),
        cmocka_unit_test(a_catch_up_equals_every_boundary_seen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
