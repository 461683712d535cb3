/* SPDX-License-Identifier: MIT */
/* The intraday re-forecast uses what the morning says about the rest of the
 * day, measured against what the generator knows: on days whose level is a
 * surprise to the day-ahead forecast, re-forecasting from the morning closes
 * most of the gap to the true rates; where a busy morning means a quiet
 * afternoon, the rest of the day goes down (a level multiplier, which can only
 * follow the morning, could not). */
#include "forecast_fixtures.h"
#include "assert_oq.h"

#define PD 24
#define NOON 12

/* A day's level multiplier: 1 + spread x a deterministic uniform in [-1, 1). */
static double surprise(fx_rng *r, double spread)
{
    return 1 + spread * (2 * fx_uniform(r) - 1);
}

/* Every day open, the fixture's intraday shape, each day's level drawn
 * independently (so the days before it cannot tell it). Poisson counts
 * around rate[d * PD + h] when `poisson`, else the rates themselves. The
 * morning (hours before NOON) runs at level m, the rest of the day at
 * 1 + after_slope x (m - 1). */
static oq_volume_series *surprise_days(int32_t days, double spread, double after_slope,
                                       int poisson, double *rate)
{
    oq_volume_series *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_volume_series_create(3600, NULL, NULL, &s, &err), err);
    fx_rng r = {77};
    for (int32_t d = 0; d < days; d++) {
        double m = surprise(&r, spread), rest = 1 + after_slope * (m - 1), v[PD];
        for (int32_t h = 0; h < PD; h++) {
            double shape = h < 7 || h >= 21 ? 2.0 : 10 + 20 * sin((h - 7) / 14.0 * 3.14159265);
            double mu = shape * (h < NOON ? m : rest) * (poisson ? 1 : 100);
            rate[d * PD + h] = mu;
            v[h] = poisson ? fx_poisson(&r, mu) : mu;
        }
        ASSERT_OK(oq_volume_series_set_day(s, FX_MONDAY + d, v, NULL, PD, &err), err);
    }
    return s;
}

static oq_backtest_result noon_backtest(const oq_volume_series *s, int32_t days)
{
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    o.method = OQ_FORECAST_HA;
    oq_backtest_options b;
    oq_backtest_options_init(&b);
    b.days = days;
    b.intraday_from = NOON;
    oq_backtest_result r = OQ_OUTPUT_INIT(oq_backtest_result);
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_forecast_backtest(s, &o, &b, &r, &err), err);
    return r;
}

/* Days whose level is +-30 % at random: the day-ahead forecast (HA-8) cannot
 * know it, the morning's ~100 contacts measure it to about 10 %. The
 * re-forecast must close at least half of the gap between the day-ahead
 * afternoon WAPE and that of the true rates (the Poisson floor, computed here
 * from the generator, not by the library). */
static void test_surprise_level(void **state)
{
    (void)state;
    enum { DAYS = 200, EVAL = 84 };
    static double rate[DAYS * PD];
    oq_volume_series *s = surprise_days(DAYS, 0.3, 1.0, 1, rate);
    oq_backtest_result r = noon_backtest(s, EVAL);
    double floor_err = 0, rest = 0;
    for (int32_t d = DAYS - EVAL; d < DAYS; d++) {
        double v[PD];
        int32_t present;
        assert_oq_ok(NULL, oq_volume_series_day(s, FX_MONDAY + d, v, NULL, PD, &present));
        for (int32_t h = NOON; h < PD; h++) {
            floor_err += fabs(v[h] - rate[d * PD + h]);
            rest += v[h];
        }
    }
    double floor_wape = floor_err / rest, gap = r.intraday_before - floor_wape;
    assert_int_equal(r.days, EVAL);
    if (!(gap > 0.05))
        fail_msg("the day-ahead afternoon WAPE %.4f should be well above the true rates' %.4f",
                 r.intraday_before, floor_wape);
    if (!(r.intraday_after <= r.intraday_before - 0.5 * gap))
        fail_msg("re-forecast afternoon WAPE %.4f: the day-ahead %.4f minus half its gap to "
                 "the true rates' %.4f is %.4f",
                 r.intraday_after, r.intraday_before, floor_wape,
                 r.intraday_before - 0.5 * gap);
    oq_volume_series_destroy(s);
}

/* Noise-free days whose afternoon moves against the morning by half its
 * departure (contacts that came early do not come again). From a morning
 * 20 % above forecast the rest of the day must go down, and the afternoon's
 * error must fall to a fraction of the day-ahead one. */
static void test_busy_morning_quiet_afternoon(void **state)
{
    (void)state;
    enum { DAYS = 160 };
    static double rate[DAYS * PD];
    oq_volume_series *s = surprise_days(DAYS, 0.2, -0.5, 0, rate);
    oq_backtest_result r = noon_backtest(s, 56);
    if (!(r.intraday_after < 0.25 * r.intraday_before))
        fail_msg("afternoon WAPE %.5f after the noon update, %.5f before: expected below "
                 "a quarter",
                 r.intraday_after, r.intraday_before);
    /* the last day: its morning set 20 % above the day-ahead forecast */
    int32_t day = FX_MONDAY + DAYS - 1;
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    o.method = OQ_FORECAST_HA;
    oq_forecast_row ahead[PD], re[PD];
    oq_forecast_info info = OQ_OUTPUT_INIT(oq_forecast_info);
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_forecast_run(s, day, 1, &o, ahead, PD, NULL, &err), err);
    double v[PD];
    for (int32_t h = 0; h < PD; h++)
        v[h] = h < NOON ? 1.2 * ahead[h].volume : ahead[h].volume;
    ASSERT_OK(oq_volume_series_set_day(s, day, v, NULL, PD, &err), err);
    ASSERT_OK(oq_forecast_intraday(s, day, NOON, &o, re, PD, &info, &err), err);
    /* the afternoon level is about 1 - 0.5 x 0.2 of the forecast's */
    if (!(info.day_factor > 0.85 && info.day_factor < 0.95))
        fail_msg("day factor %.4f after a morning 20 %% above forecast, expected about 0.9",
                 info.day_factor);
    for (int32_t h = NOON; h < PD; h++)
        assert_float_equal(re[h].volume, ahead[h].volume * info.day_factor, 1e-9);
    oq_volume_series_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_surprise_level),
        cmocka_unit_test(test_busy_morning_quiet_afternoon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
