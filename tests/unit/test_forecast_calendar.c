/* SPDX-License-Identifier: MIT */
/* Forecasts that take closed days, holidays and hours from a calendar
 * (omniq/calendar.h): the same calendar routing and scheduling use. */
#include "forecast_fixtures.h"

#define PD 24
#define H (3600 * 1000)

/* Six weeks of hourly counts, Monday to Friday, 30 an hour from 08:00 to
 * 20:00 plus a stray 2 at 06:00 (an after-hours callback); the Monday of week
 * 4 (a holiday) only had 3 an hour. Weekends absent. */
static oq_volume_series *weekdays(void)
{
    oq_volume_series *s;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_volume_series_create(3600, NULL, NULL, &s, &err), err);
    for (int32_t k = 0; k < 42; k++) {
        if (k % 7 >= 5)
            continue;
        double v[PD] = {0};
        for (int32_t h = 8; h < 20; h++)
            v[h] = k == 21 ? 3 : 30 + k % 7;
        v[6] = 2;
        ASSERT_OK(oq_volume_series_set_day(s, FX_MONDAY + k, v, NULL, PD, &err), err);
    }
    return s;
}

static oq_calendar *center(void)
{
    oq_calendar *cal;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_calendar_create("center", "UTC", NULL, &cal, &err), err);
    for (int32_t w = 0; w < 5; w++)
        ASSERT_OK(oq_calendar_add_hours(cal, w, 8 * H, 20 * H, &err), err);
    int32_t next = FX_MONDAY + 42;
    ASSERT_OK(oq_calendar_add_holiday(cal, "public", FX_MONDAY + 21, "spring day", &err), err);
    ASSERT_OK(oq_calendar_add_holiday(cal, "public", next + 2, "founders' day", &err), err);
    ASSERT_OK(oq_calendar_close_day(cal, next + 3, "move", &err), err);
    ASSERT_OK(oq_calendar_set_day_hours(cal, next + 4, 8 * H, 12 * H, "short Friday", &err), err);
    return cal;
}

static void test_calendar_days_and_hours(void **state)
{
    (void)state;
    oq_volume_series *s = weekdays();
    oq_calendar *cal = center();
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    o.method = OQ_FORECAST_SEASONAL_NAIVE;
    o.calendar = cal;
    oq_forecast_row rows[7 * PD];
    oq_forecast_info info = OQ_OUTPUT_INIT(oq_forecast_info);
    oq_error err = OQ_ERROR_INIT;
    int32_t next = FX_MONDAY + 42;
    ASSERT_OK(oq_forecast_run(s, next, 7, &o, rows, 7 * PD, &info, &err), err);
    assert_int_equal(info.excluded_days, 1); /* the holiday Monday with data */
    assert_int_equal(info.history_days, 29);
    for (int32_t d = 0; d < 7; d++) {
        const oq_forecast_row *r = rows + d * PD;
        int32_t kind = d == 0 || d == 1 ? OQ_FORECAST_DAY_REGULAR
                       : d == 4         ? OQ_FORECAST_DAY_SPECIAL
                                        : OQ_FORECAST_DAY_CLOSED;
        assert_int_equal(r[0].day_kind, kind);
        for (int32_t h = 0; h < PD; h++) {
            double want = 0;
            if ((d == 0 || d == 1) && h >= 8 && h < 20)
                want = 30 + d;
            if (d == 4 && h >= 8 && h < 12) /* special hours: the Friday, cut at noon */
                want = 34;
            if (fabs(r[h].volume - want) > 1e-12)
                fail_msg("day %d hour %d: %.3f, expected %.3f", (int)d, (int)h, r[h].volume, want);
        }
    }
    /* without the calendar: the stray 06:00 calls come back, the holiday is history */
    o.calendar = NULL;
    ASSERT_OK(oq_forecast_run(s, next, 7, &o, rows, 7 * PD, &info, &err), err);
    assert_float_equal(rows[6].volume, 2, 0);
    assert_int_equal(info.excluded_days, 0);
    /* an explicit special day overrides the calendar's holiday */
    oq_special_day sd = {next + 2, OQ_SPECIAL_FACTOR, 0, 0, 0.5};
    o.calendar = cal;
    o.special_days = &sd;
    o.n_special_days = 1;
    ASSERT_OK(oq_forecast_run(s, next, 7, &o, rows, 7 * PD, &info, &err), err);
    assert_int_equal(rows[2 * PD].day_kind, OQ_FORECAST_DAY_SPECIAL);
    assert_float_equal(rows[2 * PD + 10].volume, 0.5 * 32, 1e-12);
    /* ... and its hours: the day is the regular forecast x factor, 06:00 too */
    assert_float_equal(rows[2 * PD + 6].volume, 0.5 * 2, 1e-12);
    oq_calendar_destroy(cal);
    oq_volume_series_destroy(s);
}

/* The holiday is left out of the history: a forecast for the Monday after it
 * does not see its quiet day. */
static void test_holiday_not_history(void **state)
{
    (void)state;
    oq_volume_series *s = weekdays();
    oq_calendar *cal = center();
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    o.method = OQ_FORECAST_HA;
    o.ha_weeks = 2;
    o.calendar = cal;
    oq_forecast_row rows[PD];
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_forecast_run(s, FX_MONDAY + 28, 1, &o, rows, PD, NULL, &err), err);
    assert_float_equal(rows[10].volume, 30, 1e-12); /* weeks 2 and 1, not the holiday */
    o.calendar = NULL;
    ASSERT_OK(oq_forecast_run(s, FX_MONDAY + 28, 1, &o, rows, PD, NULL, &err), err);
    assert_float_equal(rows[10].volume, (3 + 30) / 2.0, 1e-12);
    /* backtests see the calendar too: the hours' zeros cost nothing */
    o.calendar = cal;
    o.method = OQ_FORECAST_SEASONAL_NAIVE;
    oq_backtest_options b;
    oq_backtest_options_init(&b);
    b.days = 14;
    oq_backtest_result r = OQ_OUTPUT_INIT(oq_backtest_result);
    ASSERT_OK(oq_forecast_backtest(s, &o, &b, &r, &err), err);
    /* actual 30 + w an hour, forecast the same except the 06:00 calls (2 a day, forecast 0) */
    double per_day = 12 * 32.0 + 2; /* an average weekday */
    assert_float_equal(r.wape, 2 / per_day, 0.002);
    oq_calendar_destroy(cal);
    oq_volume_series_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_days_and_hours),
        cmocka_unit_test(test_holiday_not_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
