/* SPDX-License-Identifier: MIT */
/* Rolling-origin backtests: every evaluated day is forecast from the days
 * before its own origin, its prediction intervals calibrated on the days
 * before that origin too, and the errors summed over the evaluated days. */
#include <math.h>
#include <string.h>

#include "forecast/internal.h"

oq_status oq_backtest_options_init(oq_backtest_options *b)
{
    if (!b)
        return OQ_EINVAL;
    memset(b, 0, sizeof *b);
    b->struct_size = sizeof *b;
    b->days = 28;
    b->end_date = OQ_FORECAST_NO_DATE;
    b->lead_days = 1;
    b->intraday_from = -1;
    return OQ_OK;
}

/* The caller's options copied over the defaults into *b (core.h: versioned
 * structs), then checked. */
static oq_status check_backtest(const oq_backtest_options *bt, oq_backtest_options *b,
                                const oq_volume_series *s, oq_error *err)
{
    char why[OQ__ABI_MSG];
    if (!bt)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "backtest options: NULL");
    if (OQ__OPTIONS_COPY(b, bt, oq_backtest_options, days, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "backtest: %s", why);
    if (b->days < 1 || b->days > 3660)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "backtest.days: %d is outside 1 .. 3660",
                         (int)b->days);
    if (b->lead_days < 1 || b->lead_days > 366)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "backtest.lead_days: %d is outside 1 .. 366",
                         (int)b->lead_days);
    if (s && (b->intraday_from < -1 || b->intraday_from >= s->per_day))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "backtest.intraday_from: %d is outside 0 .. %d (-1: none)",
                         (int)b->intraday_from, (int)s->per_day - 1);
    return OQ_OK;
}

typedef struct sums {
    double abs_err, sq_err, actual, forecast, ape;
    int64_t intervals, nonzero, cov_n, cov80, cov95;
    double before, after, actual_rest;
    int32_t days;
    int32_t chosen[OQ_FORECAST_METHODS];
} sums;

static void score(const fc_frame *f, const fc_track *t, int32_t i, int32_t cal_days,
                  int32_t intraday_from, double *scratch, sums *z)
{
    int32_t day = t->first + i, origin = day - t->lead + 1, pd = f->per_day;
    const double *a = f->vol + (size_t)day * (size_t)pd;
    const double *fc = t->fc + (size_t)i * (size_t)pd;
    fc_band b80 = {0, 0.80}, b95 = {0, 0.95};
    if (cal_days > 0)
        oq__calibrate(t, origin, cal_days, &b80, &b95);
    for (int32_t s = 0; s < pd; s++) {
        double e = a[s] - fc[s];
        z->abs_err += fabs(e);
        z->sq_err += e * e;
        z->actual += a[s];
        z->forecast += fc[s];
        z->intervals++;
        if (a[s] > 0) {
            z->ape += fabs(e) / a[s];
            z->nonzero++;
        }
        if (fc[s] > 0 || a[s] > 0) {
            z->cov_n++;
            z->cov80 += oq__in_band(fc[s], &b80, a[s]);
            z->cov95 += oq__in_band(fc[s], &b95, a[s]);
        }
    }
    if (intraday_from >= 0) {
        fc_intraday p;
        oq__intraday_fit(f, t, origin, cal_days > 0 ? cal_days : 28, intraday_from, &p);
        memcpy(scratch, fc, (size_t)pd * sizeof *scratch);
        oq__intraday_apply(&p, f, day, scratch);
        for (int32_t s = intraday_from; s < pd; s++) {
            z->before += fabs(a[s] - fc[s]);
            z->after += fabs(a[s] - scratch[s]);
            z->actual_rest += a[s];
        }
    }
    z->days++;
    z->chosen[t->chosen[i]]++;
}

oq_status oq_forecast_backtest(const oq_volume_series *s, const oq_forecast_options *opts,
                               const oq_backtest_options *bt, oq_backtest_result *out,
                               oq_error *err)
{
    oq_status st = OQ__OUTPUT_CHECK(out, oq_backtest_result, method, err);
    if (st != OQ_OK)
        return st;
    oq_backtest_options full;
    st = check_backtest(bt, &full, s, err);
    if (st != OQ_OK)
        return st;
    bt = &full;
    fc_call c;
    st = oq__begin(&c, s, &opts, OQ_FORECAST_NO_DATE, OQ_FORECAST_NO_DATE, err);
    if (st != OQ_OK)
        return st;
    int64_t end = bt->end_date == OQ_FORECAST_NO_DATE ? (int64_t)c.f.n - 1
                                                       : (int64_t)bt->end_date - c.f.date0;
    if (end < 0 || end >= c.f.n) {
        char a[16];
        oq__fc_format_date(bt->end_date, a, sizeof a);
        oq__end(&c);
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "backtest.end_date: %s is outside the series",
                         a);
    }
    int32_t last = (int32_t)end, first = last - bt->days + 1;
    if (first < 1)
        first = 1;
    int32_t cal = opts->calibration_days;
    fc_track t, cand[OQ_FORECAST_METHODS];
    /* the track reaches back over the calibration days before the first origin */
    int32_t back = cal + bt->lead_days - 1;
    st = oq__method_tracks(&c.m, opts->method, bt->lead_days, first - back,
                           last - first + 1 + back, 1, &t, cand);
    if (st != OQ_OK) {
        oq__end(&c);
        return oq__error(err, st, NULL, 0, 0, "out of memory");
    }
    sums z;
    memset(&z, 0, sizeof z);
    for (int32_t day = first; day <= last; day++) {
        int32_t i = day - t.first;
        if (t.has[i])
            score(&c.f, &t, i, cal, bt->intraday_from, c.scratch, &z);
    }
    oq__track_free(&c.mem, &t);
    oq__end(&c);
    if (z.days == 0) {
        return oq__error(err, OQ_ESTATE, NULL, 0, 0,
                         "no ordinary day with history to evaluate in the last %d days",
                         (int)bt->days);
    }
    oq_backtest_result res = OQ_OUTPUT_INIT(oq_backtest_result), *caller = out;
    out = &res;
    out->method = opts->method;
    out->chosen = opts->method;
    if (opts->method == OQ_FORECAST_AUTO) { /* the choice made most often */
        out->chosen = 0;
        for (int32_t k = 1; k < OQ_FORECAST_AUTO; k++)
            if (z.chosen[k] > z.chosen[out->chosen])
                out->chosen = k;
    }
    out->days = z.days;
    out->intervals = z.intervals;
    out->actual = z.actual;
    out->forecast = z.forecast;
    out->wape = z.actual > 0 ? z.abs_err / z.actual : NAN;
    out->mape = z.nonzero ? z.ape / (double)z.nonzero : NAN;
    out->rmse = sqrt(z.sq_err / (double)z.intervals);
    out->coverage80 = z.cov_n ? (double)z.cov80 / (double)z.cov_n : NAN;
    out->coverage95 = z.cov_n ? (double)z.cov95 / (double)z.cov_n : NAN;
    out->intraday_before = NAN;
    out->intraday_after = NAN;
    if (bt->intraday_from >= 0 && z.actual_rest > 0) {
        out->intraday_before = z.before / z.actual_rest;
        out->intraday_after = z.after / z.actual_rest;
    }
    return OQ__OUTPUT_PUT(caller, out, oq_backtest_result, method, err);
}
