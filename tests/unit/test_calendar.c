/* SPDX-License-Identifier: MIT */
/* Calendars: opening hours, exceptions, holidays and business-time arithmetic
 * with hand-checked answers: open/closed edges, DST changes in both
 * directions in London and New York, Asia/Shanghai, hours past midnight,
 * deadlines across a weekend and a holiday, precedence of special hours,
 * bad input with clear errors, and failed allocations that change nothing
 * and leak nothing. */
#define _DEFAULT_SOURCE
#include <string.h>

#include "calendar_oracle.h"
#include "assert_oq.h"

static int32_t open_at(const oq_calendar *cal, int64_t t)
{
    int32_t open = -1;
    assert_oq_ok(NULL, oq_calendar_is_open(cal, t, &open));
    return open;
}

static int64_t next_open(const oq_calendar *cal, int64_t t)
{
    int64_t out = 0;
    oq_status st = oq_calendar_next_open(cal, t, &out);
    if (st != OQ_OK)
        fail_msg("next_open(%lld): %s", (long long)t, oq_status_name(st));
    return out;
}

static int64_t next_close(const oq_calendar *cal, int64_t t)
{
    int64_t out = 0;
    oq_status st = oq_calendar_next_close(cal, t, &out);
    if (st != OQ_OK)
        fail_msg("next_close(%lld): %s", (long long)t, oq_status_name(st));
    return out;
}

static int64_t business(const oq_calendar *cal, int64_t from, int64_t to)
{
    int64_t out = -1;
    oq_status st = oq_calendar_business_ms(cal, from, to, &out);
    if (st != OQ_OK)
        fail_msg("business_ms(%lld, %lld): %s", (long long)from, (long long)to, oq_status_name(st));
    return out;
}

static int64_t deadline(const oq_calendar *cal, int64_t t, int64_t d)
{
    int64_t out = 0;
    oq_status st = oq_calendar_add_business_ms(cal, t, d, &out);
    if (st != OQ_OK)
        fail_msg("add_business_ms(%lld, %lld): %s", (long long)t, (long long)d, oq_status_name(st));
    return out;
}

static void hours(oq_calendar *cal, int wd, int32_t open, int32_t close)
{
    oq_error err = OQ_ERROR_INIT;
    must(oq_calendar_add_hours(cal, wd, open, close, &err), &err, "add_hours");
}

/* Monday to Friday open..close. */
static void weekdays(oq_calendar *cal, int32_t open, int32_t close)
{
    for (int wd = 0; wd < 5; wd++)
        hours(cal, wd, open, close);
}

/* Instant of a local time in the calendar's zone. */
static int64_t local(const oq_calendar *cal, int y, int mo, int d, int h, int mi)
{
    int64_t t = 0;
    assert_oq_ok(NULL, oq_calendar_from_local(cal, date_of(y, mo, d), HM(h, mi), &t));
    return t;
}

#define assert_time(got, want)                                                                    \
    do {                                                                                          \
        int64_t g_ = (got), w_ = (want);                                                          \
        if (g_ != w_)                                                                             \
            fail_msg("%s = %lld, want %lld (off by %lld ms)", #got, (long long)g_, (long long)w_, \
                     (long long)(g_ - w_));                                                       \
    } while (0)

/* ---- defaults, edges ----------------------------------------------------------- */

static void without_hours_always_open(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("24x7", "Europe/London");
    int64_t t = utc_ms(2026, 3, 1, 12, 0, 0);
    assert_int_equal(open_at(cal, t), 1);
    assert_time(next_open(cal, t), t);
    assert_time(next_close(cal, t), INT64_MAX);
    assert_time(next_close(cal, utc_ms(1901, 5, 1, 0, 0, 0)), INT64_MAX); /* before 1970 too */
    /* Business time equals real time, across the March DST change too. */
    assert_time(business(cal, t, t + 40 * DAY_MS), 40 * DAY_MS);
    assert_time(deadline(cal, t, 40 * DAY_MS), t + 40 * DAY_MS);
    int64_t ms = 0;
    assert_oq_ok(NULL, oq_calendar_open_ms_of_day(cal, date_of(2026, 3, 29), &ms));
    assert_int_equal(ms, DAY_MS);
    /* A holiday closes it: the next close is that day's local midnight. */
    oq_error err = OQ_ERROR_INIT;
    must(oq_calendar_add_holiday(cal, "uk", date_of(2026, 4, 3), "Good Friday", &err), &err, "holiday");
    assert_time(next_close(cal, t), local(cal, 2026, 4, 3, 0, 0));
    assert_time(next_open(cal, local(cal, 2026, 4, 3, 9, 0)), local(cal, 2026, 4, 4, 0, 0));
    assert_time(business(cal, t, t + 40 * DAY_MS), 39 * DAY_MS);
    oq_calendar_destroy(cal);
}

static void open_and_closed_edges(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("office", "Europe/London");
    weekdays(cal, HM(9, 0), HM(18, 0));
    int64_t mon9 = local(cal, 2026, 6, 1, 9, 0), mon18 = local(cal, 2026, 6, 1, 18, 0);
    assert_time(mon9, utc_ms(2026, 6, 1, 8, 0, 0)); /* BST */
    assert_int_equal(open_at(cal, mon9 - 1), 0);
    assert_int_equal(open_at(cal, mon9), 1);
    assert_int_equal(open_at(cal, mon18 - 1), 1);
    assert_int_equal(open_at(cal, mon18), 0);
    assert_time(next_open(cal, mon9 - 1), mon9);
    assert_time(next_open(cal, mon9 + 5), mon9 + 5);
    assert_time(next_close(cal, mon9), mon18);
    assert_time(next_close(cal, mon18), local(cal, 2026, 6, 2, 18, 0)); /* closed: the next run's close */
    /* Friday evening -> Monday morning. */
    int64_t fri18 = local(cal, 2026, 6, 5, 18, 0);
    assert_time(next_open(cal, fri18), local(cal, 2026, 6, 8, 9, 0));
    assert_time(business(cal, fri18, local(cal, 2026, 6, 8, 9, 0)), 0);
    assert_time(business(cal, mon9, local(cal, 2026, 6, 8, 9, 0)), 5 * 9 * HOUR_MS);
    int32_t kind = -1;
    const char *name = "x";
    assert_oq_ok(NULL, oq_calendar_day_kind(cal, date_of(2026, 6, 6), &kind, &name));
    assert_int_equal(kind, OQ_DAY_REGULAR);
    assert_null(name);
    int64_t ms = 0;
    assert_oq_ok(NULL, oq_calendar_open_ms_of_day(cal, date_of(2026, 6, 6), &ms));
    assert_int_equal(ms, 0); /* Saturday: closed by the week */
    assert_oq_ok(NULL, oq_calendar_open_ms_of_day(cal, date_of(2026, 6, 5), &ms));
    assert_int_equal(ms, 9 * HOUR_MS);
    oq_calendar_destroy(cal);
}

static void several_ranges_a_day(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("split", "Asia/Shanghai");
    hours(cal, 0, HM(13, 0), HM(18, 0)); /* added out of order */
    hours(cal, 0, HM(9, 0), HM(12, 0));
    hours(cal, 0, HM(12, 0), HM(13, 0)); /* touching both: one run 09:00-18:00 */
    hours(cal, 1, HM(9, 0), HM(12, 0));
    hours(cal, 1, HM(14, 0), HM(17, 0));
    int64_t mon9 = local(cal, 2026, 3, 2, 9, 0);
    assert_time(mon9, utc_ms(2026, 3, 2, 1, 0, 0));
    assert_time(next_close(cal, mon9), local(cal, 2026, 3, 2, 18, 0));
    int64_t tue10 = local(cal, 2026, 3, 3, 10, 0);
    assert_time(next_close(cal, tue10), local(cal, 2026, 3, 3, 12, 0));
    assert_time(next_open(cal, local(cal, 2026, 3, 3, 12, 0)), local(cal, 2026, 3, 3, 14, 0));
    assert_time(business(cal, mon9, local(cal, 2026, 3, 4, 0, 0)), (9 + 3 + 3) * HOUR_MS);
    /* Lunch break inside a deadline: 2.5 business hours from Tue 11:00 = 15:30. */
    assert_time(deadline(cal, local(cal, 2026, 3, 3, 11, 0), 150 * MIN_MS), local(cal, 2026, 3, 3, 15, 30));
    /* Ending exactly at a close is that close, not the next opening. */
    assert_time(deadline(cal, local(cal, 2026, 3, 3, 11, 0), HOUR_MS), local(cal, 2026, 3, 3, 12, 0));
    /* Zero business time: now when open, else the next opening. */
    assert_time(deadline(cal, tue10, 0), tue10);
    assert_time(deadline(cal, local(cal, 2026, 3, 3, 12, 30), 0), local(cal, 2026, 3, 3, 14, 0));
    oq_calendar_destroy(cal);
}

/* ---- DST ------------------------------------------------------------------------- */

static void dst_forward_and_back_london(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("night", "Europe/London");
    hours(cal, 6, HM(0, 0), HM(6, 0)); /* Sunday 00:00-06:00 local */
    /* 2026-03-29: 01:00 -> 02:00, the range lasts 5 real hours. */
    int64_t a = local(cal, 2026, 3, 29, 0, 0), b = local(cal, 2026, 3, 29, 6, 0);
    assert_time(a, utc_ms(2026, 3, 29, 0, 0, 0));
    assert_time(b, utc_ms(2026, 3, 29, 5, 0, 0));
    assert_time(business(cal, a - HOUR_MS, b + HOUR_MS), 5 * HOUR_MS);
    assert_time(next_close(cal, a), b);
    assert_int_equal(open_at(cal, utc_ms(2026, 3, 29, 1, 0, 0)), 1); /* 02:00 BST */
    /* 2026-10-25: 02:00 -> 01:00, 7 real hours. */
    a = local(cal, 2026, 10, 25, 0, 0);
    b = local(cal, 2026, 10, 25, 6, 0);
    assert_time(a, utc_ms(2026, 10, 24, 23, 0, 0));
    assert_time(b, utc_ms(2026, 10, 25, 6, 0, 0));
    assert_time(business(cal, a, b), 7 * HOUR_MS);
    assert_time(next_close(cal, a), b);
    assert_time(deadline(cal, a, 6 * HOUR_MS + 30 * MIN_MS), utc_ms(2026, 10, 25, 5, 30, 0));
    /* The fall-back date's local day is 25 hours long but has 6 hours of hours. */
    int64_t ms = 0;
    assert_oq_ok(NULL, oq_calendar_open_ms_of_day(cal, date_of(2026, 10, 25), &ms));
    assert_int_equal(ms, 6 * HOUR_MS);
    oq_calendar_destroy(cal);

    /* A week that holds the change is one hour short: Sunday 00:00-03:00 is
     * 3 hours a week but 2 on 2026-03-29 (whole weeks are skipped in one
     * step only under one offset). */
    cal = new_calendar("sun", "Europe/London");
    hours(cal, 6, HM(0, 0), HM(3, 0));
    int64_t from = utc_ms(2026, 3, 22, 4, 0, 0);
    assert_time(business(cal, from, from + 8 * DAY_MS), 2 * HOUR_MS);
    assert_time(business(cal, from - 14 * DAY_MS, from + 8 * DAY_MS), 8 * HOUR_MS);
    assert_time(business(cal, from, from + 365 * DAY_MS), (52 * 3 - 1 + 1) * HOUR_MS);
    assert_time(deadline(cal, from, 2 * HOUR_MS), utc_ms(2026, 3, 29, 2, 0, 0));
    assert_time(deadline(cal, from - 7 * DAY_MS, 5 * HOUR_MS), utc_ms(2026, 3, 29, 2, 0, 0));
    oq_calendar_destroy(cal);

    /* Hours inside the repeated hour are open twice; inside the skipped hour, never. */
    cal = new_calendar("odd", "Europe/London");
    hours(cal, 6, HM(1, 0), HM(1, 30));
    assert_time(business(cal, utc_ms(2026, 10, 24, 0, 0, 0), utc_ms(2026, 10, 26, 0, 0, 0)), HOUR_MS);
    assert_time(business(cal, utc_ms(2026, 3, 28, 0, 0, 0), utc_ms(2026, 3, 30, 0, 0, 0)), 0);
    assert_time(next_open(cal, utc_ms(2026, 3, 28, 0, 0, 0)), utc_ms(2026, 4, 5, 0, 0, 0));
    assert_time(next_open(cal, utc_ms(2026, 10, 25, 0, 30, 0)), utc_ms(2026, 10, 25, 1, 0, 0));
    oq_calendar_destroy(cal);

    /* Sunday 00:30-01:30 on 25 October: open 00:30-01:30 BST (23:30-00:30 UTC), closed
     * 01:30-02:00 BST, open again 01:00-01:30 GMT (01:00-01:30 UTC). From 01:45 BST the
     * next opening is the second pass, not a time inside the closed half hour. */
    cal = new_calendar("fold", "Europe/London");
    hours(cal, 6, HM(0, 30), HM(1, 30));
    assert_int_equal(open_at(cal, utc_ms(2026, 10, 25, 0, 45, 0)), 0);
    assert_time(next_open(cal, utc_ms(2026, 10, 25, 0, 45, 0)), utc_ms(2026, 10, 25, 1, 0, 0));
    assert_time(next_close(cal, utc_ms(2026, 10, 25, 0, 45, 0)), utc_ms(2026, 10, 25, 1, 30, 0));
    assert_time(next_close(cal, utc_ms(2026, 10, 24, 23, 30, 0)), utc_ms(2026, 10, 25, 0, 30, 0));
    assert_time(business(cal, utc_ms(2026, 10, 24, 0, 0, 0), utc_ms(2026, 10, 26, 0, 0, 0)),
                90 * MIN_MS);
    oq_calendar_destroy(cal);
}

static void dst_forward_and_back_new_york(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("ops", "America/New_York");
    for (int wd = 0; wd < 7; wd++)
        hours(cal, wd, HM(0, 0), HM(24, 0)); /* every day, all day: never closes */
    int64_t t = utc_ms(2026, 3, 7, 12, 0, 0);
    assert_time(next_close(cal, t), INT64_MAX);
    assert_time(business(cal, t, t + 2 * DAY_MS), 2 * DAY_MS);
    oq_calendar_destroy(cal);

    cal = new_calendar("ops", "America/New_York");
    hours(cal, 6, HM(1, 0), HM(4, 0)); /* Sunday 01:00-04:00 */
    /* 2026-03-08: 02:00 -> 03:00: two real hours, 06:00-08:00 UTC. */
    assert_time(local(cal, 2026, 3, 8, 1, 0), utc_ms(2026, 3, 8, 6, 0, 0));
    assert_time(local(cal, 2026, 3, 8, 4, 0), utc_ms(2026, 3, 8, 8, 0, 0));
    assert_time(business(cal, utc_ms(2026, 3, 8, 0, 0, 0), utc_ms(2026, 3, 9, 0, 0, 0)), 2 * HOUR_MS);
    assert_time(next_close(cal, utc_ms(2026, 3, 8, 6, 0, 0)), utc_ms(2026, 3, 8, 8, 0, 0));
    /* 2026-11-01: 02:00 -> 01:00: 01:00 EDT (05:00 UTC) to 04:00 EST (09:00 UTC). */
    assert_time(next_open(cal, utc_ms(2026, 11, 1, 0, 0, 0)), utc_ms(2026, 11, 1, 5, 0, 0));
    assert_time(next_close(cal, utc_ms(2026, 11, 1, 5, 0, 0)), utc_ms(2026, 11, 1, 9, 0, 0));
    assert_time(business(cal, utc_ms(2026, 11, 1, 0, 0, 0), utc_ms(2026, 11, 2, 0, 0, 0)), 4 * HOUR_MS);
    oq_calendar_destroy(cal);
}

/* ---- midnight ------------------------------------------------------------------------- */

static void hours_past_midnight(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("late", "Asia/Shanghai");
    hours(cal, 4, HM(22, 0), HM(26, 0)); /* Friday 22:00 - Saturday 02:00 */
    hours(cal, 5, HM(2, 0), HM(4, 0));   /* Saturday 02:00-04:00: touches it */
    int64_t fri22 = local(cal, 2026, 3, 6, 22, 0);
    assert_int_equal(open_at(cal, fri22 - 1), 0);
    assert_int_equal(open_at(cal, local(cal, 2026, 3, 7, 1, 0)), 1);
    assert_time(next_close(cal, fri22), local(cal, 2026, 3, 7, 4, 0));
    assert_time(business(cal, fri22 - DAY_MS, fri22 + DAY_MS), 6 * HOUR_MS);
    int64_t ms = 0;
    assert_oq_ok(NULL, oq_calendar_open_ms_of_day(cal, date_of(2026, 3, 6), &ms));
    assert_int_equal(ms, 4 * HOUR_MS); /* counted on the day it starts */

    /* A holiday on Saturday keeps Friday's night (it belongs to Friday)... */
    oq_error err = OQ_ERROR_INIT;
    must(oq_calendar_add_holiday(cal, "cn", date_of(2026, 3, 7), "Sat", &err), &err, "holiday");
    assert_int_equal(open_at(cal, local(cal, 2026, 3, 7, 1, 0)), 1);
    assert_int_equal(open_at(cal, local(cal, 2026, 3, 7, 3, 0)), 0);
    assert_time(next_close(cal, fri22), local(cal, 2026, 3, 7, 2, 0));
    /* ...a closed Friday removes it. */
    must(oq_calendar_close_day(cal, date_of(2026, 3, 13), "stocktake", &err), &err, "close");
    assert_int_equal(open_at(cal, local(cal, 2026, 3, 14, 1, 0)), 0);
    assert_time(next_open(cal, local(cal, 2026, 3, 13, 12, 0)), local(cal, 2026, 3, 14, 2, 0));
    oq_calendar_destroy(cal);

    /* Open 24 hours from 06:00 every day is open around the clock. */
    cal = new_calendar("shift", "Europe/London");
    for (int wd = 0; wd < 7; wd++)
        hours(cal, wd, HM(6, 0), HM(30, 0));
    int64_t t = utc_ms(2026, 3, 20, 12, 0, 0);
    assert_time(next_close(cal, t), INT64_MAX);
    assert_time(business(cal, t, t + 30 * DAY_MS), 30 * DAY_MS);
    /* A holiday closes its own 06:00-06:00. */
    must(oq_calendar_add_holiday(cal, "uk", date_of(2026, 4, 6), "Easter Monday", &err), &err, "hol");
    assert_time(next_close(cal, t), local(cal, 2026, 4, 6, 6, 0));
    assert_time(next_open(cal, local(cal, 2026, 4, 6, 6, 0)), local(cal, 2026, 4, 7, 6, 0));
    oq_calendar_destroy(cal);
}

/* ---- deadlines ------------------------------------------------------------------------- */

static void deadline_across_weekend_and_holiday(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("weibo", "Asia/Shanghai");
    weekdays(cal, HM(9, 0), HM(18, 0));
    oq_error err = OQ_ERROR_INIT;
    must(oq_calendar_add_holiday(cal, "cn-2026", date_of(2026, 9, 25), "Mid-Autumn Festival", &err),
         &err, "holiday");
    must(oq_calendar_add_holiday(cal, "cn-2026", date_of(2026, 10, 1), "National Day", &err), &err,
         "holiday");
    /* The example: Friday 17:55 + 2 business hours = Monday 10:55. */
    int64_t fri = local(cal, 2026, 3, 13, 17, 55);
    assert_time(fri, utc_ms(2026, 3, 13, 9, 55, 0));
    assert_time(deadline(cal, fri, 2 * HOUR_MS), local(cal, 2026, 3, 16, 10, 55));
    /* Thursday 17:00 before the Mid-Autumn Friday: Monday 10:00. */
    int64_t thu = local(cal, 2026, 9, 24, 17, 0);
    int64_t due = deadline(cal, thu, 2 * HOUR_MS);
    assert_time(due, local(cal, 2026, 9, 28, 10, 0));
    assert_time(business(cal, thu, due), 2 * HOUR_MS);
    int32_t kind = -1;
    const char *name = NULL;
    assert_oq_ok(NULL, oq_calendar_day_kind(cal, date_of(2026, 9, 25), &kind, &name));
    assert_int_equal(kind, OQ_DAY_HOLIDAY);
    assert_string_equal(name, "Mid-Autumn Festival");
    /* 30 business days (of 9 hours) from Monday 2026-09-21 09:00: counting
     * weekdays and skipping the two holidays lands on Tuesday 2026-11-03 18:00. */
    int64_t start = local(cal, 2026, 9, 21, 9, 0);
    int64_t far = deadline(cal, start, 30 * 9 * HOUR_MS);
    assert_time(far, local(cal, 2026, 11, 3, 18, 0));
    assert_time(business(cal, start, far), 30 * 9 * HOUR_MS);
    oq_calendar_destroy(cal);
}

static void special_hours_precedence(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("shop", "Europe/London");
    weekdays(cal, HM(9, 0), HM(18, 0));
    oq_error err = OQ_ERROR_INIT;
    int32_t xmas_eve = date_of(2026, 12, 24), xmas = date_of(2026, 12, 25), boxing = date_of(2026, 12, 28);
    must(oq_calendar_add_holiday(cal, "uk", xmas, "Christmas Day", &err), &err, "h");
    must(oq_calendar_add_holiday(cal, "uk", boxing, "Boxing Day (substitute)", &err), &err, "h");
    must(oq_calendar_add_holiday(cal, "shop", boxing, "Stocktake", &err), &err, "h2");
    /* Special hours on a holiday: the special hours win. */
    must(oq_calendar_set_day_hours(cal, boxing, HM(10, 0), HM(14, 0), "Boxing Day sale", &err), &err, "s");
    must(oq_calendar_set_day_hours(cal, xmas_eve, HM(9, 0), HM(13, 0), "Christmas Eve", &err), &err, "s");
    must(oq_calendar_set_day_hours(cal, xmas_eve, HM(14, 0), HM(15, 0), NULL, &err), &err, "s2");
    int32_t kind = -1;
    const char *name = NULL;
    assert_oq_ok(NULL, oq_calendar_day_kind(cal, boxing, &kind, &name));
    assert_int_equal(kind, OQ_DAY_SPECIAL);
    assert_string_equal(name, "Boxing Day sale");
    assert_oq_ok(NULL, oq_calendar_day_kind(cal, xmas, &kind, &name));
    assert_int_equal(kind, OQ_DAY_HOLIDAY);
    assert_string_equal(name, "Christmas Day");
    assert_oq_ok(NULL, oq_calendar_day_kind(cal, xmas_eve, &kind, NULL));
    assert_int_equal(kind, OQ_DAY_SPECIAL);
    int64_t ms = 0;
    assert_oq_ok(NULL, oq_calendar_open_ms_of_day(cal, xmas_eve, &ms));
    assert_int_equal(ms, 5 * HOUR_MS);
    assert_oq_ok(NULL, oq_calendar_open_ms_of_day(cal, xmas, &ms));
    assert_int_equal(ms, 0);
    assert_oq_ok(NULL, oq_calendar_open_ms_of_day(cal, boxing, &ms));
    assert_int_equal(ms, 4 * HOUR_MS);
    /* Thu 24th: 9-13, 14-15; Fri 25th holiday; Mon 28th: 10-14. */
    int64_t t = local(cal, 2026, 12, 24, 8, 0);
    assert_time(business(cal, t, local(cal, 2026, 12, 29, 0, 0)), 9 * HOUR_MS);
    assert_time(next_open(cal, local(cal, 2026, 12, 24, 15, 0)), local(cal, 2026, 12, 28, 10, 0));
    /* A closed day is an exception: closed even though it is a weekday. */
    int32_t d31 = date_of(2026, 12, 31);
    must(oq_calendar_close_day(cal, d31, "Inventory", &err), &err, "close");
    assert_oq_ok(NULL, oq_calendar_day_kind(cal, d31, &kind, &name));
    assert_int_equal(kind, OQ_DAY_CLOSED);
    assert_string_equal(name, "Inventory");
    assert_int_equal(open_at(cal, local(cal, 2026, 12, 31, 12, 0)), 0);
    oq_calendar_destroy(cal);
}

/* ---- bad input ------------------------------------------------------------------------ */

static void expect_error(oq_status st, const oq_error *err, oq_status want, const char *needle)
{
    if (st != want)
        fail_msg("got %s (%s), want %s", oq_status_name(st), err->message, oq_status_name(want));
    assert_int_equal(err->status, want);
    if (!strstr(err->message, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err->message, needle);
}

static void bad_hours_are_refused(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("desk", "Europe/London");
    oq_error err = OQ_ERROR_INIT;
    expect_error(oq_calendar_add_hours(cal, 7, HM(9, 0), HM(18, 0), &err), &err, OQ_EINVAL,
                 "weekday 7 is not 0 (Monday) .. 6 (Sunday)");
    expect_error(oq_calendar_add_hours(cal, 0, HM(18, 0), HM(9, 0), &err), &err, OQ_EINVAL,
                 "ends before it starts");
    expect_error(oq_calendar_add_hours(cal, 0, HM(9, 0), HM(9, 0), &err), &err, OQ_EINVAL,
                 "ends before it starts");
    expect_error(oq_calendar_add_hours(cal, 0, HM(9, 0), HM(33, 1), &err), &err, OQ_EINVAL,
                 "longer than 24 hours");
    expect_error(oq_calendar_add_hours(cal, 0, -1, HM(9, 0), &err), &err, OQ_EINVAL, "outside the day");
    expect_error(oq_calendar_add_hours(cal, 0, HM(24, 0), HM(25, 0), &err), &err, OQ_EINVAL,
                 "outside the day");
    assert_non_null(strstr(err.message, "desk"));
    hours(cal, 0, HM(9, 0), HM(18, 0));
    expect_error(oq_calendar_add_hours(cal, 0, HM(12, 0), HM(20, 0), &err), &err, OQ_EINVAL,
                 "mon 12:00-20:00 overlaps mon 09:00-18:00");
    hours(cal, 6, HM(22, 0), HM(26, 0)); /* Sunday night into Monday */
    expect_error(oq_calendar_add_hours(cal, 0, HM(1, 0), HM(3, 0), &err), &err, OQ_EINVAL,
                 "mon 01:00-03:00 overlaps sun 22:00-02:00 (+1 day)");
    hours(cal, 5, HM(23, 0), HM(23, 30)); /* Saturday night stops before Sunday's range */
    expect_error(oq_calendar_add_hours(cal, 6, HM(21, 0), HM(23, 0), &err), &err, OQ_EINVAL,
                 "sun 21:00-23:00 overlaps sun 22:00-02:00 (+1 day)");
    expect_error(oq_calendar_add_hours(cal, 5, HM(23, 30), HM(46, 30), &err), &err, OQ_EINVAL,
                 "sat 23:30-22:30 (+1 day) overlaps sun 22:00-02:00 (+1 day)");
    hours(cal, 5, HM(23, 30), HM(46, 0)); /* touching both neighbours is fine */
    assert_int_equal(oq_calendar_add_hours(NULL, 0, 0, 1, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "cal is NULL"));
    assert_oq_ok_err(NULL, oq_calendar_add_hours(cal, 0, HM(20, 0), HM(21, 0), NULL)); /* NULL err */
    oq_calendar_destroy(cal);
}

static void bad_exceptions_are_refused(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("desk", "Asia/Shanghai");
    oq_error err = OQ_ERROR_INIT;
    int32_t d = date_of(2026, 2, 17);
    expect_error(oq_calendar_close_day(cal, 3000000, NULL, &err), &err, OQ_EINVAL, "outside years 1..9999");
    expect_error(oq_calendar_set_day_hours(cal, -800000, HM(9, 0), HM(10, 0), NULL, &err), &err,
                 OQ_EINVAL, "outside years 1..9999");
    expect_error(oq_calendar_set_day_hours(cal, d, HM(10, 0), HM(9, 0), NULL, &err), &err, OQ_EINVAL,
                 "2026-02-17: range 10:00 to 32400000 ms ends before it starts");
    expect_error(oq_calendar_add_holiday(cal, "", d, NULL, &err), &err, OQ_EINVAL, "holiday list is empty");
    expect_error(oq_calendar_add_holiday(cal, NULL, d, NULL, &err), &err, OQ_EINVAL, "holiday list is NULL");
    expect_error(oq_calendar_add_holiday(cal, "cn", d, "\xc3\x28", &err), &err, OQ_EINVAL,
                 "name is not valid UTF-8");
    must(oq_calendar_add_holiday(cal, "cn", d, "Spring Festival", &err), &err, "holiday");
    expect_error(oq_calendar_add_holiday(cal, "cn", d, "again", &err), &err, OQ_EEXIST,
                 "holiday list 'cn' already has 2026-02-17 (Spring Festival)");
    must(oq_calendar_add_holiday(cal, "other", d, NULL, &err), &err, "same date, other list");
    must(oq_calendar_set_day_hours(cal, d, HM(10, 0), HM(16, 0), "short day", &err), &err, "special");
    expect_error(oq_calendar_set_day_hours(cal, d, HM(15, 0), HM(17, 0), NULL, &err), &err, OQ_EINVAL,
                 "2026-02-17 15:00-17:00 overlaps 2026-02-17 10:00-16:00");
    expect_error(oq_calendar_close_day(cal, d, NULL, &err), &err, OQ_EEXIST,
                 "2026-02-17 has special hours; it cannot also be closed");
    int32_t e = date_of(2026, 2, 18);
    must(oq_calendar_close_day(cal, e, NULL, &err), &err, "close");
    expect_error(oq_calendar_close_day(cal, e, NULL, &err), &err, OQ_EEXIST, "2026-02-18 is already closed");
    expect_error(oq_calendar_set_day_hours(cal, e, HM(9, 0), HM(10, 0), NULL, &err), &err, OQ_EEXIST,
                 "2026-02-18 is closed");
    int32_t kind = -1;
    assert_int_equal(oq_calendar_day_kind(cal, 3000000, &kind, NULL), OQ_EINVAL);
    assert_int_equal(oq_calendar_day_kind(cal, d, NULL, NULL), OQ_EINVAL);
    assert_int_equal(oq_calendar_day_kind(NULL, d, &kind, NULL), OQ_EINVAL);
    int64_t out = 0;
    assert_int_equal(oq_calendar_open_ms_of_day(cal, 3000000, &out), OQ_EINVAL);
    int64_t t = utc_ms(2026, 1, 1, 0, 0, 0);
    assert_int_equal(oq_calendar_business_ms(cal, t, t - 1, &out), OQ_EINVAL);
    assert_int_equal(oq_calendar_business_ms(cal, t, INT64_MAX, &out), OQ_EINVAL);
    assert_int_equal(oq_calendar_add_business_ms(cal, t, -1, &out), OQ_EINVAL);
    assert_int_equal(oq_calendar_add_business_ms(cal, t, INT64_MAX, &out), OQ_ERANGE);
    assert_int_equal(oq_calendar_is_open(cal, INT64_MIN, &kind), OQ_EINVAL);
    assert_int_equal(oq_calendar_next_open(cal, t, NULL), OQ_EINVAL);
    assert_int_equal(oq_calendar_next_close(NULL, t, &out), OQ_EINVAL);
    assert_null(oq_calendar_id(NULL));
    assert_null(oq_calendar_time_zone(NULL));
    oq_calendar_destroy(NULL);
    oq_calendar_destroy(cal);
}

static void never_open_is_not_found(void **state)
{
    (void)state;
    /* Open only on Mondays, and 200 Mondays in a row are closed days. */
    oq_calendar *cal = new_calendar("rare", "UTC");
    hours(cal, 0, HM(9, 0), HM(10, 0));
    oq_error err = OQ_ERROR_INIT;
    int32_t mon = date_of(2026, 1, 5);
    for (int i = 0; i < 200; i++)
        must(oq_calendar_close_day(cal, mon + 7 * i, NULL, &err), &err, "close");
    int64_t t = utc_ms(2026, 1, 1, 0, 0, 0), out = 0;
    assert_int_equal(oq_calendar_next_open(cal, t, &out), OQ_ENOTFOUND);
    assert_int_equal(oq_calendar_next_close(cal, t, &out), OQ_ENOTFOUND);
    assert_int_equal(oq_calendar_add_business_ms(cal, t, 1, &out), OQ_ENOTFOUND);
    /* Mondays 2026-01-05 + 7i for i = 0..213 fall in 1500 days; i >= 200 are open. */
    assert_oq_ok(NULL, oq_calendar_business_ms(cal, t, t + 1500 * DAY_MS, &out));
    assert_int_equal(out, 14 * HOUR_MS);
    /* The first opening after them, 1400 days on, is still found from close by. */
    int64_t first = utc_ms(2026, 1, 5, 9, 0, 0) + 200 * 7 * DAY_MS;
    assert_time(next_open(cal, first - 3 * DAY_MS), first);
    oq_calendar_destroy(cal);
}

/* ---- failures change nothing ------------------------------------------------------------- */

static uint64_t mix(uint64_t h, int64_t v)
{
    h ^= (uint64_t)v;
    return h * 1099511628211ull;
}

static uint64_t mix_str(uint64_t h, const char *s)
{
    if (!s)
        return mix(h, -7);
    for (; *s; s++)
        h = mix(h, (unsigned char)*s);
    return mix(h, 0);
}

/* Everything a host can observe about a calendar over Jan-Mar 2026. */
static uint64_t fingerprint(const oq_calendar *cal)
{
    uint64_t h = 1469598103934665603ull;
    h = mix_str(h, oq_calendar_id(cal));
    h = mix_str(h, oq_calendar_time_zone(cal));
    for (int32_t d = date_of(2026, 1, 1); d < date_of(2026, 4, 1); d++) {
        int32_t kind = -1;
        const char *name = NULL;
        int64_t ms = -1;
        h = mix(h, oq_calendar_day_kind(cal, d, &kind, &name));
        h = mix(mix_str(h, name), kind);
        h = mix(h, oq_calendar_open_ms_of_day(cal, d, &ms));
        h = mix(h, ms);
    }
    for (int64_t t = utc_ms(2026, 1, 1, 0, 0, 0); t < utc_ms(2026, 4, 1, 0, 0, 0); t += 29 * HOUR_MS) {
        int32_t open = -1;
        int64_t a = -1, b = -1, c = -1, e = -1;
        h = mix(h, oq_calendar_is_open(cal, t, &open));
        h = mix(h, oq_calendar_next_open(cal, t, &a));
        h = mix(h, oq_calendar_next_close(cal, t, &b));
        h = mix(h, oq_calendar_business_ms(cal, t, t + 3 * DAY_MS, &c));
        h = mix(h, oq_calendar_add_business_ms(cal, t, 5 * HOUR_MS, &e));
        h = mix(mix(mix(mix(mix(h, open), a), b), c), e);
    }
    return h;
}

#define N_STEPS 24

/* Step i of building a calendar that exercises every kind of allocation. */
static oq_status build_step(oq_calendar *cal, int i, oq_error *err)
{
    int32_t jan = date_of(2026, 1, 1);
    if (i < 5)
        return oq_calendar_add_hours(cal, i, HM(9, 0), HM(12, 0), err);
    if (i < 10)
        return oq_calendar_add_hours(cal, i - 5, HM(13, 0), HM(18, 0), err);
    switch (i) {
    case 10: return oq_calendar_add_hours(cal, 5, HM(22, 0), HM(26, 0), err);
    case 11: return oq_calendar_set_day_hours(cal, jan + 40, HM(10, 0), HM(12, 0), "short", err);
    case 12: return oq_calendar_set_day_hours(cal, jan + 40, HM(13, 0), HM(14, 0), NULL, err);
    case 13: return oq_calendar_set_day_hours(cal, jan + 5, HM(8, 0), HM(9, 0), NULL, err);
    case 14: return oq_calendar_set_day_hours(cal, jan + 5, HM(9, 0), HM(10, 0), "named later", err);
    case 15: return oq_calendar_close_day(cal, jan + 20, "closed", err);
    case 16: return oq_calendar_close_day(cal, jan + 2, NULL, err);
    default: break;
    }
    /* Holidays: a first list, grown past its first block, then a second one. */
    int k = i - 17;
    if (k < 5)
        return oq_calendar_add_holiday(cal, "cn", jan + 45 + 3 * k, k % 2 ? "Festival" : NULL, err);
    return oq_calendar_add_holiday(cal, "shop", jan + 30 + k, "Stocktake", err);
}

static void failed_allocations_change_nothing(void **state)
{
    (void)state;
    /* Reference: the fingerprint after each step, built without failures. */
    uint64_t ref[N_STEPS + 1];
    oq_calendar *cal = new_calendar("ref", "Europe/London");
    oq_error err = OQ_ERROR_INIT;
    for (int i = 0; i < N_STEPS; i++) {
        ref[i] = fingerprint(cal);
        must(build_step(cal, i, &err), &err, "reference step");
    }
    ref[N_STEPS] = fingerprint(cal);
    oq_calendar_destroy(cal);

    int failures_seen = 0;
    for (int64_t k = 1;; k++) {
        test_alloc a;
        oq_calendar_options o;
        counting_options(&o, &a, k);
        cal = NULL;
        oq_status st = oq_calendar_create("ref", "Europe/London", &o, &cal, &err);
        if (st == OQ_ENOMEM) {
            assert_null(cal);
            assert_int_equal(err.status, OQ_ENOMEM);
            assert_int_equal(a.live_bytes, 0);
            assert_int_equal(a.live_blocks, 0);
            failures_seen++;
            continue;
        }
        must(st, &err, "create");
        for (int i = 0; i < N_STEPS; i++) {
            st = build_step(cal, i, &err);
            if (st == OQ_ENOMEM) {
                failures_seen++;
                assert_int_equal(err.status, OQ_ENOMEM);
                assert_non_null(strstr(err.message, "out of memory"));
                if (fingerprint(cal) != ref[i])
                    fail_msg("allocation %lld failed in step %d and changed the calendar", (long long)k, i);
                a.fail_at = 0; /* now it works */
                st = build_step(cal, i, &err);
            }
            must(st, &err, "step after failure");
        }
        int failed = a.n_failed > 0;
        assert_true(fingerprint(cal) == ref[N_STEPS]);
        /* Copies under the same failing allocator. */
        test_alloc b;
        counting_options(&o, &b, k);
        oq_calendar *copy = NULL;
        st = oq_calendar_copy(cal, &o, &copy, &err);
        if (st == OQ_ENOMEM) {
            assert_null(copy);
            assert_int_equal(b.live_bytes, 0);
            assert_int_equal(b.live_blocks, 0);
        } else {
            must(st, &err, "copy");
            assert_true(fingerprint(copy) == ref[N_STEPS]);
            oq_calendar_destroy(copy);
            assert_int_equal(b.live_bytes, 0);
        }
        oq_calendar_destroy(cal);
        assert_int_equal(a.live_bytes, 0);
        assert_int_equal(a.live_blocks, 0);
        if (!failed && st == OQ_OK)
            break; /* k is past every allocation of the whole sequence */
    }
    assert_true(failures_seen > N_STEPS); /* every step was made to fail at least once */
}

static void copies_are_deep_and_independent(void **state)
{
    (void)state;
    oq_calendar *cal = new_calendar("orig", "America/New_York");
    oq_error err = OQ_ERROR_INIT;
    for (int i = 0; i < N_STEPS; i++)
        must(build_step(cal, i, &err), &err, "step");
    test_alloc a;
    oq_calendar_options o;
    counting_options(&o, &a, 0);
    oq_calendar *copy = NULL, *copy2 = NULL;
    must(oq_calendar_copy(cal, &o, &copy, &err), &err, "copy");
    assert_true(a.live_bytes > 0); /* the copy lives in the given allocator */
    must(oq_calendar_copy(copy, NULL, &copy2, &err), &err, "copy of copy"); /* copy's allocator */
    uint64_t f = fingerprint(cal);
    oq_calendar_destroy(cal); /* the copies own all their memory */
    assert_true(fingerprint(copy) == f);
    assert_true(fingerprint(copy2) == f);
    must(oq_calendar_add_holiday(copy, "cn", date_of(2026, 3, 2), "new", &err), &err, "diverge");
    assert_true(fingerprint(copy) != f);
    assert_true(fingerprint(copy2) == f);
    oq_calendar_destroy(copy);
    oq_calendar_destroy(copy2);
    assert_int_equal(a.live_bytes, 0);
    assert_int_equal(a.live_blocks, 0);
    assert_int_equal(oq_calendar_copy(NULL, NULL, &copy, &err), OQ_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(without_hours_always_open),
        cmocka_unit_test(open_and_closed_edges),
        cmocka_unit_test(several_ranges_a_day),
        cmocka_unit_test(dst_forward_and_back_london),
        cmocka_unit_test(dst_forward_and_back_new_york),
        cmocka_unit_test(hours_past_midnight),
        cmocka_unit_test(deadline_across_weekend_and_holiday),
        cmocka_unit_test(special_hours_precedence),
        cmocka_unit_test(bad_hours_are_refused),
        cmocka_unit_test(bad_exceptions_are_refused),
        cmocka_unit_test(never_open_is_not_found),
        cmocka_unit_test(failed_allocations_change_nothing),
        cmocka_unit_test(copies_are_deep_and_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
