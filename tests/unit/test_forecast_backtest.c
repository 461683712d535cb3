/* SPDX-License-Identifier: MIT */
/* Forecasts are honest (a forecast from inside the history equals one made on
 * the history cut there), backtests agree with day-by-day forecasts, auto
 * picks what its own backtest favours, intervals are calibrated, intraday
 * re-forecasts, and out-of-memory anywhere fails cleanly. On a synthetic
 * weekly-shaped Poisson series of hourly counts with known rates. */
#include "forecast_fixtures.h"
#include "assert_oq.h"
#include "prefix_check.h"

#define PD 24
#define DAYS 140

static oq_volume_series *copy_before(const oq_volume_series *s, int32_t date)
{
    oq_volume_series_info info = OQ_OUTPUT_INIT(oq_volume_series_info);
    oq_volume_series_info_get(s, &info, NULL);
    oq_volume_series *c;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_volume_series_create(info.interval_s, NULL, NULL, &c, &err), err);
    for (int32_t d = info.first_date; d < date; d++) {
        double v[PD];
        int32_t present;
        assert_oq_ok(NULL, oq_volume_series_day(s, d, v, NULL, PD, &present));
        if (present)
            ASSERT_OK(oq_volume_series_set_day(c, d, v, NULL, PD, &err), err);
    }
    return c;
}

static void test_forecasts_are_honest(void **state)
{
    (void)state;
    oq_volume_series *s = fx_synthetic(FX_MONDAY, DAYS, 7, NULL);
    int32_t origin = FX_MONDAY + 100;
    oq_volume_series *cut = copy_before(s, origin);
    for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++) {
        oq_forecast_options o;
        oq_forecast_options_init(&o);
        o.method = m;
        o.quantile = 0.9;
        oq_forecast_row a[3 * PD], b[3 * PD];
        oq_forecast_info ia = OQ_OUTPUT_INIT(oq_forecast_info), ib = OQ_OUTPUT_INIT(oq_forecast_info);
        oq_error err = OQ_ERROR_INIT;
        ASSERT_OK(oq_forecast_run(s, origin, 3, &o, a, 3 * PD, &ia, &err), err);
        ASSERT_OK(oq_forecast_run(cut, origin, 3, &o, b, 3 * PD, &ib, &err), err);
        if (memcmp(a, b, sizeof a) != 0 || memcmp(&ia, &ib, sizeof ia) != 0)
            fail_msg("%s: the forecast from inside the series differs from the one on the cut "
                     "series",
                     oq_forecast_method_name(m));
    }
    oq_volume_series_destroy(cut);
    oq_volume_series_destroy(s);
}

/* The backtest's figures recomputed from one oq_forecast_run per day. */
static void test_backtest_matches_forecasts(void **state)
{
    (void)state;
    oq_volume_series *s = fx_synthetic(FX_MONDAY, DAYS, 11, NULL);
    int32_t leads[2] = {1, 7};
    for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++)
        for (int li = 0; li < 2; li++) {
            int32_t lead = leads[li];
            oq_forecast_options o;
            oq_forecast_options_init(&o);
            o.method = m;
            oq_backtest_options b;
            oq_backtest_options_init(&b);
            b.days = 21;
            b.lead_days = lead;
            b.intraday_from = lead == 1 ? 12 : -1;
            oq_backtest_result r = OQ_OUTPUT_INIT(oq_backtest_result);
            oq_error err = OQ_ERROR_INIT;
            ASSERT_OK(oq_forecast_backtest(s, &o, &b, &r, &err), err);
            double ae = 0, se = 0, act = 0, ape = 0, before = 0, after = 0, rest = 0;
            int64_t n = 0, nz = 0, cn = 0, c80 = 0, c95 = 0;
            int32_t days = 0;
            for (int32_t d = FX_MONDAY + DAYS - 21; d < FX_MONDAY + DAYS; d++) {
                double v[PD];
                int32_t present;
                oq_volume_series_day(s, d, v, NULL, PD, &present);
                if (!present)
                    continue;
                oq_forecast_row rows[7 * PD], re[PD];
                ASSERT_OK(oq_forecast_run(s, d - lead + 1, lead, &o, rows, 7 * PD, NULL, &err),
                          err);
                const oq_forecast_row *f = rows + (lead - 1) * PD;
                assert_int_equal(f[0].date, d);
                if (lead == 1)
                    ASSERT_OK(oq_forecast_intraday(s, d, 12, &o, re, PD, NULL, &err), err);
                days++;
                for (int32_t i = 0; i < PD; i++) {
                    double e = v[i] - f[i].volume;
                    ae += fabs(e);
                    se += e * e;
                    act += v[i];
                    n++;
                    if (v[i] > 0) {
                        ape += fabs(e) / v[i];
                        nz++;
                    }
                    if (v[i] > 0 || f[i].volume > 0) {
                        cn++;
                        c80 += f[i].lo80 <= v[i] && v[i] <= f[i].hi80;
                        c95 += f[i].lo95 <= v[i] && v[i] <= f[i].hi95;
                    }
                    if (lead == 1 && i >= 12) {
                        before += fabs(e);
                        after += fabs(v[i] - re[i].volume);
                        rest += v[i];
                    }
                }
            }
            const char *name = oq_forecast_method_name(m);
            if (r.days != days || r.intervals != n)
                fail_msg("%s lead %d: %d days %lld intervals, recomputed %d %lld", name,
                         (int)lead, (int)r.days, (long long)r.intervals, (int)days, (long long)n);
            if (fabs(r.wape - ae / act) > 1e-9 || fabs(r.rmse - sqrt(se / n)) > 1e-9 ||
                fabs(r.mape - ape / nz) > 1e-9)
                fail_msg("%s lead %d: WAPE %.9f RMSE %.9f MAPE %.9f, recomputed %.9f %.9f %.9f",
                         name, (int)lead, r.wape, r.rmse, r.mape, ae / act, sqrt(se / n), ape / nz);
            if (fabs(r.coverage80 - (double)c80 / cn) > 1e-12 ||
                fabs(r.coverage95 - (double)c95 / cn) > 1e-12)
                fail_msg("%s lead %d: coverage %.6f %.6f, recomputed %.6f %.6f", name, (int)lead,
                         r.coverage80, r.coverage95, (double)c80 / cn, (double)c95 / cn);
            if (lead == 1 && (fabs(r.intraday_before - before / rest) > 1e-9 ||
                              fabs(r.intraday_after - after / rest) > 1e-9))
                fail_msg("%s: intraday %.9f -> %.9f, recomputed %.9f -> %.9f", name,
                         r.intraday_before, r.intraday_after, before / rest, after / rest);
            assert_int_equal(r.method, m);
            if (m != OQ_FORECAST_AUTO)
                assert_int_equal(r.chosen, m);
            else
                assert_int_not_equal(r.chosen, OQ_FORECAST_AUTO);
        }
    oq_volume_series_destroy(s);
}

/* Auto's choice at an origin is the candidate with the best backtest WAPE over
 * the auto window before it. */
static void test_auto_choice(void **state)
{
    (void)state;
    oq_volume_series *s = fx_synthetic(FX_MONDAY, DAYS, 3, NULL);
    static const int32_t cand[] = {OQ_FORECAST_SEASONAL_NAIVE, OQ_FORECAST_HA, OQ_FORECAST_EWHA,
                                   OQ_FORECAST_DAY_LEVEL, OQ_FORECAST_HOLT_WINTERS};
    for (int32_t origin = FX_MONDAY + 90; origin < FX_MONDAY + DAYS; origin += 9) {
        oq_forecast_options o;
        oq_forecast_options_init(&o);
        o.auto_window_days = 21;
        oq_forecast_row rows[PD];
        oq_forecast_info info = OQ_OUTPUT_INIT(oq_forecast_info);
        oq_error err = OQ_ERROR_INIT;
        ASSERT_OK(oq_forecast_run(s, origin, 1, &o, rows, PD, &info, &err), err);
        double best = INFINITY;
        int32_t best_m = -1;
        for (int c = 0; c < 5; c++) {
            o.method = cand[c];
            oq_backtest_options b;
            oq_backtest_options_init(&b);
            b.end_date = origin - 1;
            b.days = 21;
            oq_backtest_result r = OQ_OUTPUT_INIT(oq_backtest_result);
            ASSERT_OK(oq_forecast_backtest(s, &o, &b, &r, &err), err);
            if (r.wape < best) {
                best = r.wape;
                best_m = cand[c];
            }
        }
        if (info.method != best_m)
            fail_msg("origin +%d: auto chose %s, the backtest favours %s", (int)(origin - FX_MONDAY),
                     oq_forecast_method_name(info.method), oq_forecast_method_name(best_m));
        assert_int_equal(rows[0].method, info.method);
    }
    oq_volume_series_destroy(s);
}

/* Accuracy against the known rates: the Poisson floor (what the true rate
 * would score), the ranking the field expects, calibrated coverage. */
static void test_accuracy_and_coverage(void **state)
{
    (void)state;
    double levels[DAYS];
    oq_volume_series *s = fx_synthetic(FX_MONDAY, DAYS, 5, levels);
    double floor_err = 0, floor_act = 0;
    for (int32_t d = DAYS - 42; d < DAYS; d++) {
        double v[PD];
        int32_t present;
        oq_volume_series_day(s, FX_MONDAY + d, v, NULL, PD, &present);
        for (int32_t h = 0; present && h < PD; h++) {
            floor_err += fabs(v[h] - fx_rate(FX_MONDAY + d, h, levels[d]));
            floor_act += v[h];
        }
    }
    double floor_wape = floor_err / floor_act, wape[OQ_FORECAST_METHODS];
    oq_backtest_result r[OQ_FORECAST_METHODS];
    for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++) {
        r[m].struct_size = sizeof r[m];
        oq_forecast_options o;
        oq_forecast_options_init(&o);
        o.method = m;
        oq_backtest_options b;
        oq_backtest_options_init(&b);
        b.days = 42;
        oq_error err = OQ_ERROR_INIT;
        ASSERT_OK(oq_forecast_backtest(s, &o, &b, &r[m], &err), err);
        wape[m] = r[m].wape;
        print_message("%-15s WAPE %.4f (floor %.4f) coverage %.3f %.3f\n",
                      oq_forecast_method_name(m), wape[m], floor_wape, r[m].coverage80,
                      r[m].coverage95);
        assert_true(wape[m] > floor_wape * 0.97); /* nothing beats the true rate by much */
    }
    assert_true(wape[OQ_FORECAST_HA] < wape[OQ_FORECAST_SEASONAL_NAIVE]);
    assert_true(wape[OQ_FORECAST_HA] < floor_wape * 1.3);
    /* the level persists from day to day here: the day-level model uses it */
    assert_true(wape[OQ_FORECAST_DAY_LEVEL] < wape[OQ_FORECAST_EWHA]);
    assert_true(wape[OQ_FORECAST_AUTO] < wape[OQ_FORECAST_SEASONAL_NAIVE]);
    /* calibrated bands cover what they say (seasonal naive's 95 % band cannot:
     * where last week's count was 0 its band is [0, 0]) */
    for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++) {
        if (fabs(r[m].coverage80 - 0.80) > 0.05 ||
            (m != OQ_FORECAST_SEASONAL_NAIVE && fabs(r[m].coverage95 - 0.95) > 0.03))
            fail_msg("%s: coverage %.3f / %.3f", oq_forecast_method_name(m), r[m].coverage80,
                     r[m].coverage95);
    }
    oq_volume_series_destroy(s);
}

static void test_intraday(void **state)
{
    (void)state;
    oq_volume_series *s = fx_synthetic(FX_MONDAY, 100, 9, NULL);
    int32_t day = FX_MONDAY + 99; /* a Tuesday: the last day of the series */
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    oq_forecast_row ahead[PD], re[PD], zero[PD];
    oq_forecast_info info = OQ_OUTPUT_INIT(oq_forecast_info);
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_forecast_run(s, day, 1, &o, ahead, PD, NULL, &err), err);
    ASSERT_OK(oq_forecast_intraday(s, day, 0, &o, zero, PD, &info, &err), err);
    assert_memory_equal(ahead, zero, sizeof ahead);
    assert_float_equal(info.day_factor, 1, 0);
    /* a morning twice as busy as forecast raises the rest of the day */
    double v[PD];
    int32_t present;
    oq_volume_series_day(s, day, v, NULL, PD, &present);
    for (int32_t h = 0; h < 12; h++)
        v[h] = 2 * ahead[h].volume;
    ASSERT_OK(oq_volume_series_set_day(s, day, v, NULL, PD, &err), err);
    ASSERT_OK(oq_forecast_intraday(s, day, 12, &o, re, PD, &info, &err), err);
    assert_true(info.day_factor > 1 && info.day_factor < 2);
    for (int32_t h = 0; h < PD; h++) {
        if (h < 12) {
            assert_int_equal(re[h].day_kind, OQ_FORECAST_DAY_ACTUAL);
            assert_float_equal(re[h].volume, v[h], 0);
            assert_float_equal(re[h].lo95, v[h], 0);
        } else {
            assert_float_equal(re[h].volume, ahead[h].volume * info.day_factor, 1e-9);
            assert_true(re[h].hi80 >= ahead[h].hi80);
        }
    }
    ASSERT_ERR(oq_forecast_intraday(s, day, 25, &o, re, PD, NULL, &err), OQ_EINVAL, err,
               "from_interval");
    ASSERT_ERR(oq_forecast_intraday(s, day + 1, 12, &o, re, PD, NULL, &err), OQ_EINVAL, err,
               "no actuals");
    ASSERT_ERR(oq_forecast_intraday(s, day, 12, &o, re, PD - 1, NULL, &err), OQ_ERANGE, err,
               "24 needed");
    oq_volume_series_destroy(s);
}

static void test_backtest_errors(void **state)
{
    (void)state;
    oq_volume_series *s = fx_synthetic(FX_MONDAY, 60, 1, NULL);
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    oq_backtest_options b;
    oq_backtest_result r = OQ_OUTPUT_INIT(oq_backtest_result);
    oq_error err = OQ_ERROR_INIT;
#define BAD_BT(field, value, status, needle)                                                       \
    do {                                                                                           \
        oq_backtest_options_init(&b);                                                              \
        b.field = value;                                                                           \
        ASSERT_ERR(oq_forecast_backtest(s, &o, &b, &r, &err), status, err, needle);               \
    } while (0)
    BAD_BT(days, 0, OQ_EINVAL, "backtest.days");
    BAD_BT(lead_days, 0, OQ_EINVAL, "backtest.lead_days");
    BAD_BT(intraday_from, 24, OQ_EINVAL, "backtest.intraday_from");
    BAD_BT(struct_size, 1, OQ_EINVAL, "oq_backtest_options.struct_size");
    BAD_BT(end_date, FX_MONDAY + 60, OQ_EINVAL, "outside the series");
    BAD_BT(end_date, FX_MONDAY, OQ_ESTATE, "no ordinary day");
    oq_backtest_options_init(&b);
    ASSERT_ERR(oq_forecast_backtest(s, &o, &b, NULL, &err), OQ_EINVAL, err, "out");
    o.method = -1;
    ASSERT_ERR(oq_forecast_backtest(s, &o, &b, &r, &err), OQ_EINVAL, err, "options.method");
    oq_volume_series_destroy(s);
}

/* Out of memory at any allocation of a forecast, an intraday re-forecast or a
 * backtest: OQ_ENOMEM, nothing leaked, the outputs untouched. */
static void test_alloc_failures(void **state)
{
    (void)state;
    oq_volume_series *s = fx_synthetic(FX_MONDAY, 70, 2, NULL);
    for (int call = 0; call < 3; call++) {
        int succeeded = 0;
        for (int64_t k = 1; k < 5000 && !succeeded; k++) {
            test_alloc ta = {0};
            ta.fail_at = k;
            oq_forecast_options o;
            oq_forecast_options_init(&o);
            o.alloc = test_alloc_fn;
            o.alloc_user = &ta;
            oq_forecast_row rows[2 * PD];
            memset(rows, 0x5a, sizeof rows);
            oq_backtest_options b;
            oq_backtest_options_init(&b);
            b.days = 7;
            b.intraday_from = 10;
            oq_backtest_result r = OQ_OUTPUT_INIT(oq_backtest_result);
            memset(&r, 0x5a, sizeof r);
            r.struct_size = sizeof r;
            oq_error err = OQ_ERROR_INIT;
            oq_status st = call == 0   ? oq_forecast_run(s, FX_MONDAY + 70, 2, &o, rows, 2 * PD,
                                                         NULL, &err)
                           : call == 1 ? oq_forecast_intraday(s, FX_MONDAY + 68, 10, &o, rows,
                                                              PD, NULL, &err)
                                       : oq_forecast_backtest(s, &o, &b, &r, &err);
            assert_int_equal(ta.live_bytes, 0);
            assert_int_equal(ta.live_blocks, 0);
            if (st == OQ_OK) {
                succeeded = 1;
                continue;
            }
            if (st != OQ_ENOMEM)
                fail_msg("call %d fail_at %lld: %s %s", call, (long long)k, oq_status_name(st),
                         err.message);
            const unsigned char *p = call == 2 ? (const unsigned char *)&r
                                               : (const unsigned char *)rows;
            size_t n = call == 2 ? sizeof r : sizeof rows;
            for (size_t i = call == 2 ? sizeof r.struct_size : 0; i < n; i++)
                assert_int_equal(p[i], 0x5a);
        }
        assert_true(succeeded);
    }
    oq_volume_series_destroy(s);
}

/* The series info, the forecast info and the backtest result are versioned
 * output structs (core.h): an older struct_size gets only its prefix, a size
 * out of range is refused naming the struct — for a forecast before any row
 * is written. */
static void test_outputs_write_only_their_prefix(void **state)
{
    (void)state;
    oq_volume_series *s = fx_synthetic(FX_MONDAY, 70, 5, NULL);
    oq_error err = OQ_ERROR_INIT;
    oq_forecast_options fo;
    oq_forecast_options_init(&fo);
    oq_backtest_options b;
    oq_backtest_options_init(&b);
    b.days = 14;
    oq_forecast_row rows[PD];
    int32_t day = FX_MONDAY + 70;
    CHECK_PREFIX_ERR(oq_volume_series_info, OLDER(oq_volume_series_info, total_volume),
                     oq_volume_series_info_get(s, o, &err));
    CHECK_PREFIX_ERR(oq_forecast_info, OLDER(oq_forecast_info, day_factor),
                     oq_forecast_run(s, day, 1, &fo, rows, PD, o, &err));
    CHECK_PREFIX_ERR(oq_forecast_info, OLDER(oq_forecast_info, level95),
                     oq_forecast_intraday(s, day - 2, 6, &fo, rows, PD, o, &err));
    CHECK_PREFIX_ERR(oq_backtest_result, OLDER(oq_backtest_result, intraday_after),
                     oq_forecast_backtest(s, &fo, &b, o, &err));
    CHECK_REFUSED_ERR(oq_volume_series_info, oq_volume_series_info_get(s, o, &err));
    CHECK_REFUSED_ERR(oq_backtest_result, oq_forecast_backtest(s, &fo, &b, o, &err));
    CHECK_REFUSED_ERR(oq_forecast_info, oq_forecast_intraday(s, day - 2, 6, &fo, rows, PD, o, &err));
    /* A refused forecast writes no row either. */
    memset(rows, CANARY, sizeof rows);
    CHECK_REFUSED_ERR(oq_forecast_info, oq_forecast_run(s, day, 1, &fo, rows, PD, o, &err));
    for (size_t k = 0; k < sizeof rows; k++)
        if (((unsigned char *)rows)[k] != CANARY)
            fail_msg("oq_forecast_run refused for its info wrote row byte %zu", k);
    /* The prefixes hold figures. */
    oq_volume_series_info vi = OQ_OUTPUT_INIT(oq_volume_series_info);
    ASSERT_OK(oq_volume_series_info_get(s, &vi, &err), err);
    assert_int_equal(vi.first_date, FX_MONDAY);
    assert_true(vi.days > 50 && vi.days <= 70); /* the fixture leaves some days out */
    assert_true(vi.total_volume > 0);
    oq_volume_series_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forecasts_are_honest),
        cmocka_unit_test(test_backtest_matches_forecasts),
        cmocka_unit_test(test_auto_choice),
        cmocka_unit_test(test_accuracy_and_coverage),
        cmocka_unit_test(test_intraday),
        cmocka_unit_test(test_backtest_errors),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_outputs_write_only_their_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
