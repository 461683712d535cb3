/* SPDX-License-Identifier: MIT */
/* Forecasting methods on small series whose forecasts are computed by hand,
 * special days, and the bad options every call refuses. */
#include "forecast_fixtures.h"
#include "forecast/internal.h"
#include "assert_oq.h"

#define PER 4 /* 6-hour intervals */

/* Four weeks from Monday FX_MONDAY: day k of week q, weekday w has volumes
 * 100 (q + 1) + 10 w + i in interval i; Sundays absent (closed). */
static oq_volume_series *four_weeks(void)
{
    oq_volume_series *s;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_volume_series_create(21600, NULL, NULL, &s, &err), err);
    for (int32_t k = 0; k < 28; k++) {
        int32_t q = k / 7, w = k % 7;
        if (w == 6)
            continue;
        double v[PER];
        for (int32_t i = 0; i < PER; i++)
            v[i] = 100.0 * (q + 1) + 10 * w + i;
        ASSERT_OK(oq_volume_series_set_day(s, FX_MONDAY + k, v, NULL, PER, &err), err);
    }
    return s;
}

static void run(const oq_volume_series *s, const oq_forecast_options *o, int32_t first,
                int32_t days, oq_forecast_row *rows, oq_forecast_info *info)
{
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_forecast_run(s, first, days, o, rows, days * PER, info, &err), err);
}

static oq_forecast_options opts(int32_t method)
{
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    o.method = method;
    o.calibration_days = 0; /* Poisson intervals: checked by hand below */
    return o;
}

static void assert_day(const oq_forecast_row *rows, double base, double step)
{
    for (int32_t i = 0; i < PER; i++)
        if (fabs(rows[i].volume - (base + step * i)) > 1e-9)
            fail_msg("interval %d: %.6f, expected %.6f", (int)i, rows[i].volume, base + step * i);
}

static void test_same_weekday_methods(void **state)
{
    (void)state;
    oq_volume_series *s = four_weeks();
    oq_forecast_row rows[7 * PER];
    oq_forecast_info info = OQ_OUTPUT_INIT(oq_forecast_info);
    int32_t monday = FX_MONDAY + 28;
    oq_forecast_options o = opts(OQ_FORECAST_SEASONAL_NAIVE);
    run(s, &o, monday, 7, rows, &info);
    assert_day(rows, 400, 1);              /* last Monday */
    assert_day(rows + 2 * PER, 420, 1);    /* last Wednesday */
    assert_int_equal(rows[0].date, monday);
    assert_int_equal(rows[PER + 2].interval, 2);
    assert_int_equal(rows[0].method, OQ_FORECAST_SEASONAL_NAIVE);
    assert_int_equal(rows[6 * PER].day_kind, OQ_FORECAST_DAY_CLOSED); /* no Sunday in history */
    assert_day(rows + 6 * PER, 0, 0);
    assert_int_equal(info.history_days, 24);
    assert_int_equal(info.excluded_days, 0);
    o = opts(OQ_FORECAST_HA);
    o.ha_weeks = 2;
    run(s, &o, monday, 1, rows, NULL);
    assert_day(rows, 350, 1);
    o.ha_weeks = 8; /* more weeks than there are: all four */
    run(s, &o, monday, 1, rows, NULL);
    assert_day(rows, 250, 1);
    o = opts(OQ_FORECAST_EWHA);
    o.ew_alpha = 0.5; /* weights 1, 1/2, 1/4, 1/8 */
    run(s, &o, monday, 1, rows, NULL);
    assert_day(rows, (400 + 150 + 50 + 12.5) / 1.875, 1);
    /* a forecast made from an earlier origin: only the days before it count */
    o = opts(OQ_FORECAST_SEASONAL_NAIVE);
    run(s, &o, FX_MONDAY + 14, 1, rows, NULL);
    assert_day(rows, 200, 1);
    oq_volume_series_destroy(s);
}

/* P(X <= k) of a Poisson by direct summation. */
static double poisson_cdf(int k, double mu)
{
    double p = exp(-mu), c = p;
    for (int i = 1; i <= k; i++) {
        p *= mu / i;
        c += p;
    }
    return c;
}

static double poisson_q(double mu, double p)
{
    int k = 0;
    while (poisson_cdf(k, mu) < p)
        k++;
    return k;
}

static void test_intervals_and_quantiles(void **state)
{
    (void)state;
    double q;
    assert_oq_ok(NULL, oq_forecast_quantile(2, 0, 0.5, &q));
    assert_float_equal(q, 2, 0); /* P(<=1) = 0.406, P(<=2) = 0.677 */
    assert_oq_ok(NULL, oq_forecast_quantile(2, 0, 0.9, &q));
    assert_float_equal(q, 4, 0); /* P(<=3) = 0.857, P(<=4) = 0.947 */
    assert_oq_ok(NULL, oq_forecast_quantile(2, 0, 0.1, &q));
    assert_float_equal(q, 0, 0); /* P(0) = 0.135 */
    assert_oq_ok(NULL, oq_forecast_quantile(0, 0.3, 0.99, &q));
    assert_float_equal(q, 0, 0);
    /* negative binomial mean 10, phi 0.1: r = 10, p = 1/2: P(k) = C(k+9, k) 2^-(k+10) */
    double c = 0, pk = pow(0.5, 10);
    int k90 = -1;
    for (int k = 0; k90 < 0; k++) {
        if (k > 0)
            pk *= (k + 9.0) / k * 0.5;
        c += pk;
        if (c >= 0.9)
            k90 = k;
    }
    assert_oq_ok(NULL, oq_forecast_quantile(10, 0.1, 0.9, &q));
    assert_float_equal(q, k90, 0);
    /* large means go through the incomplete gamma / beta functions */
    assert_oq_ok(NULL, oq_forecast_quantile(5000, 0, 0.975, &q));
    assert_true(fabs(q - (5000 + 1.959964 * sqrt(5000))) <= 2);
    assert_oq_ok(NULL, oq_forecast_quantile(5000, 0.01, 0.1, &q));
    assert_true(q < 5000 - 1.2 * 500 && q > 5000 - 1.4 * 500); /* sd ~ 502, skewed */
    assert_int_equal(oq_forecast_quantile(-1, 0, 0.5, &q), OQ_EINVAL);
    assert_int_equal(oq_forecast_quantile(1, -0.1, 0.5, &q), OQ_EINVAL);
    assert_int_equal(oq_forecast_quantile(1, 0, 1, &q), OQ_EINVAL);
    assert_int_equal(oq_forecast_quantile(1, 0, 0.5, NULL), OQ_EINVAL);
    /* uncalibrated rows carry Poisson intervals */
    oq_volume_series *s = four_weeks();
    oq_forecast_options o = opts(OQ_FORECAST_SEASONAL_NAIVE);
    o.quantile = 0.7;
    oq_forecast_row rows[PER];
    run(s, &o, FX_MONDAY + 28, 1, rows, NULL);
    for (int32_t i = 0; i < PER; i++) {
        double mu = rows[i].volume;
        assert_float_equal(rows[i].lo80, poisson_q(mu, 0.1), 0);
        assert_float_equal(rows[i].hi80, poisson_q(mu, 0.9), 0);
        assert_float_equal(rows[i].lo95, poisson_q(mu, 0.025), 0);
        assert_float_equal(rows[i].hi95, poisson_q(mu, 0.975), 0);
        assert_float_equal(rows[i].quantile, poisson_q(mu, 0.7), 0);
    }
    oq_volume_series_destroy(s);
}

/* Calibrated on a handful of days, the 80 % and 95 % bands are fitted apart;
 * the 95 % band must still contain the 80 % band (found by fuzz_forecast: five
 * daily counts gave lo95 3 > lo80 2). */
static void test_calibrated_bands_nest(void **state)
{
    (void)state;
    static const struct { int32_t day; double v; } hist[] = {
        {0, 10}, {1, 12}, {2, 9}, {7, 19}, {8, 13}};
    oq_volume_series *s;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_volume_series_create(86400, NULL, NULL, &s, &err), err);
    for (size_t i = 0; i < sizeof hist / sizeof hist[0]; i++)
        ASSERT_OK(oq_volume_series_set_day(s, FX_MONDAY + hist[i].day, &hist[i].v, NULL, 1, &err), err);
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    oq_forecast_row rows[14];
    oq_forecast_info info = OQ_OUTPUT_INIT(oq_forecast_info);
    ASSERT_OK(oq_forecast_run(s, FX_MONDAY + 9, 14, &o, rows, 14, &info, &err), err);
    int nonzero = 0;
    for (int32_t i = 0; i < 14; i++) {
        const oq_forecast_row *r = &rows[i];
        if (!(r->lo95 <= r->lo80 && r->lo80 <= r->hi80 && r->hi80 <= r->hi95))
            fail_msg("day %d: bands not nested: lo95 %g lo80 %g hi80 %g hi95 %g", (int)i, r->lo95,
                     r->lo80, r->hi80, r->hi95);
        nonzero += r->volume > 0;
    }
    assert_true(nonzero > 0);
    oq_volume_series_destroy(s);
}

/* Quantiles of counts so large that neighbouring doubles are further apart
 * than one end, finite (found by fuzz_forecast: a mean of 9.4e96 made the
 * bisection loop for ever between two neighbouring doubles). */
static void test_huge_mean_quantiles_end(void **state)
{
    (void)state;
    const double mus[] = {9.4e96, 3e16, 1e300};
    const double phis[] = {0, 0.33, 3};
    const double ps[] = {0.025, 0.5, 0.975};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++) {
                double q = oq__count_quantile(mus[i], phis[j], ps[k]);
                if (!(isfinite(q) && q >= 0))
                    fail_msg("quantile %g of a count of mean %g, phi %g: %g", ps[k], mus[i], phis[j], q);
            }
}

static void test_special_days(void **state)
{
    (void)state;
    oq_volume_series *s = four_weeks();
    int32_t monday = FX_MONDAY + 28;
    oq_special_day sd[] = {
        {FX_MONDAY + 21, OQ_SPECIAL_FACTOR, 0, 0, 1},        /* last Monday: a holiday */
        {monday + 1, OQ_SPECIAL_FACTOR, 0, 0, 2},            /* Tuesday: twice the usual */
        {monday + 2, OQ_SPECIAL_CLOSED, 0, 0, 0},            /* Wednesday: closed */
        {monday + 3, OQ_SPECIAL_LIKE_DATE, FX_MONDAY + 3, 0, 0.5}, /* like week 0's Thursday */
        {monday + 4, OQ_SPECIAL_LIKE_WEEKDAY, 0, 5, 1},      /* Friday like a Saturday */
    };
    oq_forecast_options o = opts(OQ_FORECAST_SEASONAL_NAIVE);
    o.special_days = sd;
    o.n_special_days = 5;
    oq_forecast_row rows[5 * PER];
    oq_forecast_info info = OQ_OUTPUT_INIT(oq_forecast_info);
    run(s, &o, monday, 5, rows, &info);
    assert_int_equal(info.excluded_days, 1);
    assert_int_equal(info.history_days, 23);
    assert_day(rows, 300, 1); /* the holiday is not history: the Monday before */
    assert_int_equal(rows[0].day_kind, OQ_FORECAST_DAY_REGULAR);
    assert_day(rows + PER, 2 * 410, 2);
    assert_int_equal(rows[PER].day_kind, OQ_FORECAST_DAY_SPECIAL);
    assert_day(rows + 2 * PER, 0, 0);
    assert_int_equal(rows[2 * PER].day_kind, OQ_FORECAST_DAY_CLOSED);
    assert_float_equal(rows[2 * PER].hi95, 0, 0);
    assert_day(rows + 3 * PER, 0.5 * 130, 0.5);
    assert_day(rows + 4 * PER, 450, 1);
    assert_int_equal(rows[4 * PER].day_kind, OQ_FORECAST_DAY_SPECIAL);
    /* bad special days */
    oq_error err = OQ_ERROR_INIT;
    oq_special_day bad[2] = {{monday, OQ_SPECIAL_FACTOR, 0, 0, 0}, {monday, OQ_SPECIAL_CLOSED, 0, 0, 0}};
    o.special_days = bad;
    o.n_special_days = 1;
    ASSERT_ERR(oq_forecast_run(s, monday, 1, &o, rows, PER, NULL, &err), OQ_EINVAL, err,
               "special_days[0] (2024-01-29): factor must be > 0");
    bad[0].factor = 1;
    o.n_special_days = 2;
    ASSERT_ERR(oq_forecast_run(s, monday, 1, &o, rows, PER, NULL, &err), OQ_EINVAL, err,
               "already a special day");
    bad[0] = (oq_special_day){monday, OQ_SPECIAL_LIKE_DATE, FX_MONDAY + 6, 0, 1};
    o.n_special_days = 1;
    ASSERT_ERR(oq_forecast_run(s, monday, 1, &o, rows, PER, NULL, &err), OQ_EINVAL, err,
               "like_date is not a day of the series");
    bad[0] = (oq_special_day){monday, OQ_SPECIAL_LIKE_DATE, FX_MONDAY + 27 - 1, 0, 1};
    ASSERT_ERR(oq_forecast_run(s, FX_MONDAY + 14, 28, &o, rows, 5 * PER, NULL, &err), OQ_ERANGE,
               err, "112 needed");
    oq_forecast_row many[15 * PER];
    ASSERT_ERR(oq_forecast_run(s, FX_MONDAY + 14, 15, &o, many, 15 * PER, NULL, &err), OQ_EINVAL,
               err, "not before the forecast origin");
    bad[0] = (oq_special_day){monday, 9, 0, 0, 1};
    ASSERT_ERR(oq_forecast_run(s, monday, 1, &o, rows, PER, NULL, &err), OQ_EINVAL, err, "kind");
    bad[0] = (oq_special_day){monday, OQ_SPECIAL_LIKE_WEEKDAY, 0, 7, 1};
    ASSERT_ERR(oq_forecast_run(s, monday, 1, &o, rows, PER, NULL, &err), OQ_EINVAL, err,
               "like_weekday");
    oq_volume_series_destroy(s);
}

/* A series of identical days is forecast exactly by every method; one that
 * repeats a weekly pattern exactly, by every method but the day-level
 * average (exactly too: the ratios are all 1). */
static void test_exact_series(void **state)
{
    (void)state;
    for (int pattern = 0; pattern < 2; pattern++) {
        oq_volume_series *s;
        oq_error err = OQ_ERROR_INIT;
        ASSERT_OK(oq_volume_series_create(21600, NULL, NULL, &s, &err), err);
        for (int32_t k = 0; k < 42; k++) {
            double v[PER] = {3, 40, 25, 0};
            if (pattern)
                for (int32_t i = 0; i < PER; i++)
                    v[i] *= 1 + (k % 7) * 0.25;
            ASSERT_OK(oq_volume_series_set_day(s, FX_MONDAY + k, v, NULL, PER, &err), err);
        }
        for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++) {
            oq_forecast_options o;
            oq_forecast_options_init(&o);
            o.method = m;
            oq_forecast_row rows[7 * PER];
            oq_forecast_info info = OQ_OUTPUT_INIT(oq_forecast_info);
            run(s, &o, FX_MONDAY + 42, 7, rows, &info);
            for (int32_t d = 0; d < 7; d++)
                for (int32_t i = 0; i < PER; i++) {
                    double want = (double[]){3, 40, 25, 0}[i] * (pattern ? 1 + d * 0.25 : 1);
                    if (fabs(rows[d * PER + i].volume - want) > 1e-6 * (1 + want))
                        fail_msg("pattern %d %s day %d interval %d: %.9f, expected %.9f", pattern,
                                 oq_forecast_method_name(m), (int)d, (int)i,
                                 rows[d * PER + i].volume, want);
                }
            /* perfect history: the calibrated intervals are Poisson ones */
            assert_float_equal(info.dispersion80, 0, 0);
            assert_true(info.calibration_days > 0);
        }
        oq_volume_series_destroy(s);
    }
}

/* A permanent step in the level: the day-level model follows it, the plain
 * weekday averages lag. */
static void test_day_level_follows_a_step(void **state)
{
    (void)state;
    oq_volume_series *s;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_volume_series_create(21600, NULL, NULL, &s, &err), err);
    for (int32_t k = 0; k < 70; k++) {
        double f = k >= 56 ? 1.5 : 1.0, v[PER] = {10 * f, 50 * f, 40 * f, 5 * f};
        ASSERT_OK(oq_volume_series_set_day(s, FX_MONDAY + k, v, NULL, PER, &err), err);
    }
    oq_forecast_row lvl[PER], ew[PER];
    oq_forecast_options o = opts(OQ_FORECAST_DAY_LEVEL);
    run(s, &o, FX_MONDAY + 70, 1, lvl, NULL);
    o.method = OQ_FORECAST_EWHA;
    run(s, &o, FX_MONDAY + 70, 1, ew, NULL);
    double tl = 0, te = 0;
    for (int32_t i = 0; i < PER; i++) {
        tl += lvl[i].volume;
        te += ew[i].volume;
    }
    /* the truth is 157.5; EWHA (alpha 0.1, two weeks at the new level) is near 128 */
    assert_true(te < 135);
    assert_true(fabs(tl - 157.5) < fabs(te - 157.5) / 2);
    oq_volume_series_destroy(s);
}

static void test_bad_options(void **state)
{
    (void)state;
    oq_volume_series *s = four_weeks();
    oq_forecast_row rows[PER];
    oq_error err = OQ_ERROR_INIT;
    oq_forecast_options o;
    oq_forecast_options_init(&o);
#define BAD_OPT(field, value, needle)                                                              \
    do {                                                                                           \
        oq_forecast_options_init(&o);                                                              \
        o.field = value;                                                                           \
        ASSERT_ERR(oq_forecast_run(s, FX_MONDAY + 28, 1, &o, rows, PER, NULL, &err), OQ_EINVAL,   \
                   err, needle);                                                                   \
    } while (0)
    BAD_OPT(struct_size, 3, "struct_size");
    BAD_OPT(method, 6, "options.method");
    BAD_OPT(ha_weeks, 0, "options.ha_weeks");
    BAD_OPT(level_window_days, 3, "options.level_window_days");
    BAD_OPT(auto_window_days, 0, "options.auto_window_days");
    BAD_OPT(calibration_days, -1, "options.calibration_days");
    BAD_OPT(ew_alpha, 0, "options.ew_alpha");
    BAD_OPT(level_alpha, 1.5, "options.level_alpha");
    BAD_OPT(hw_delta, 2, "hw_delta");
    BAD_OPT(quantile, 1, "options.quantile");
    BAD_OPT(n_special_days, 2, "special_days");
    oq_forecast_options_init(&o);
    ASSERT_ERR(oq_forecast_run(s, FX_MONDAY + 28, 0, &o, rows, PER, NULL, &err), OQ_EINVAL, err,
               "n_days");
    ASSERT_ERR(oq_forecast_run(s, FX_MONDAY + 28, 2, &o, rows, PER, NULL, &err), OQ_ERANGE, err,
               "8 needed");
    ASSERT_ERR(oq_forecast_run(s, FX_MONDAY, 1, &o, rows, PER, NULL, &err), OQ_ESTATE, err,
               "no ordinary day of history before 2024-01-01");
    ASSERT_ERR(oq_forecast_run(NULL, FX_MONDAY, 1, &o, rows, PER, NULL, &err), OQ_EINVAL, err,
               "series");
    ASSERT_ERR(oq_forecast_run(s, FX_MONDAY + 28, 1, &o, NULL, PER, NULL, &err), OQ_EINVAL, err,
               "rows");
    oq_volume_series *empty;
    ASSERT_OK(oq_volume_series_create(21600, NULL, NULL, &empty, &err), err);
    ASSERT_ERR(oq_forecast_run(empty, FX_MONDAY, 1, &o, rows, PER, NULL, &err), OQ_ESTATE, err,
               "empty");
    oq_volume_series_destroy(empty);
    /* a refused call leaves the rows alone */
    memset(rows, 0x5a, sizeof rows);
    oq_forecast_options_init(&o);
    o.quantile = 2;
    assert_int_equal(oq_forecast_run(s, FX_MONDAY + 28, 1, &o, rows, PER, NULL, NULL), OQ_EINVAL);
    unsigned char *bytes = (unsigned char *)rows;
    for (size_t i = 0; i < sizeof rows; i++)
        assert_int_equal(bytes[i], 0x5a);
    /* names */
    int32_t m;
    for (int32_t k = 0; k < OQ_FORECAST_METHODS; k++) {
        assert_oq_ok(NULL, oq_forecast_method_parse(oq_forecast_method_name(k), &m));
        assert_int_equal(m, k);
    }
    assert_oq_ok(NULL, oq_forecast_method_parse("hw", &m));
    assert_int_equal(m, OQ_FORECAST_HOLT_WINTERS);
    assert_int_equal(oq_forecast_method_parse("arima", &m), OQ_ENOTFOUND);
    assert_null(oq_forecast_method_name(OQ_FORECAST_METHODS));
    oq_volume_series_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_weekday_methods),
        cmocka_unit_test(test_intervals_and_quantiles),
        cmocka_unit_test(test_calibrated_bands_nest),
        cmocka_unit_test(test_huge_mean_quantiles_end),
        cmocka_unit_test(test_special_days),
        cmocka_unit_test(test_exact_series),
        cmocka_unit_test(test_day_level_follows_a_step),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
