/* SPDX-License-Identifier: MIT */
/* The evaluation engine shared by forecasts and backtests: a track is one
 * method's forecasts over a range of target days at a fixed lead (each from
 * its own origin, so from the past only), with each day's errors and the
 * coverage of its intervals under every over-dispersion of the grid. Auto
 * chooses per origin from candidate tracks; prediction intervals are
 * calibrated, and intraday re-forecasts scaled, on a track's days before the
 * origin. */
#include <math.h>
#include <string.h>

#include "forecast/internal.h"

void oq__track_free(oq_mem *mem, fc_track *t)
{
    size_t n = (size_t)t->count;
    if (t->fc)
        oq__free(mem, t->fc, n * (size_t)t->per_day * sizeof *t->fc);
    oq__free(mem, t->has, n);
    oq__free(mem, t->chosen, n);
    oq__free(mem, t->abs_err, n * sizeof(double));
    oq__free(mem, t->actual, n * sizeof(double));
    oq__free(mem, t->sq_err, n * sizeof(double));
    oq__free(mem, t->fc_sum, n * sizeof(double));
    oq__free(mem, t->cov80, n * sizeof *t->cov80);
    oq__free(mem, t->cov95, n * sizeof *t->cov95);
    oq__free(mem, t->n_cov, n * sizeof(int32_t));
    memset(t, 0, sizeof *t);
}

static oq_status track_alloc(oq_mem *mem, const fc_frame *f, int32_t method, int32_t lead,
                             int32_t first, int32_t count, int coverage, fc_track *t)
{
    memset(t, 0, sizeof *t);
    t->method = method;
    t->lead = lead;
    t->first = first;
    t->count = count;
    t->per_day = f->per_day;
    size_t n = (size_t)count;
    t->fc = oq__calloc(mem, n * (size_t)f->per_day, sizeof *t->fc);
    t->has = oq__calloc(mem, n, 1);
    t->chosen = oq__calloc(mem, n, 1);
    t->abs_err = oq__calloc(mem, n, sizeof(double));
    t->actual = oq__calloc(mem, n, sizeof(double));
    t->sq_err = oq__calloc(mem, n, sizeof(double));
    t->fc_sum = oq__calloc(mem, n, sizeof(double));
    if (coverage) {
        t->cov80 = oq__calloc(mem, n, sizeof *t->cov80);
        t->cov95 = oq__calloc(mem, n, sizeof *t->cov95);
        t->n_cov = oq__calloc(mem, n, sizeof(int32_t));
    }
    if (!t->fc || !t->has || !t->chosen || !t->abs_err || !t->actual || !t->sq_err || !t->fc_sum ||
        (coverage && (!t->cov80 || !t->cov95 || !t->n_cov))) {
        oq__track_free(mem, t);
        return OQ_ENOMEM;
    }
    return OQ_OK;
}

/* Errors and coverage of the forecast of track day i against the actuals. */
static void score_day(const fc_frame *f, fc_track *t, int32_t i)
{
    int32_t day = t->first + i, pd = f->per_day;
    const double *a = f->vol + (size_t)day * (size_t)pd;
    const double *fc = t->fc + (size_t)i * (size_t)pd;
    double ae = 0, se = 0, fs = 0;
    for (int32_t s = 0; s < pd; s++) {
        double e = a[s] - fc[s];
        ae += fabs(e);
        se += e * e;
        fs += fc[s];
        if (t->cov80 && (fc[s] > 0 || a[s] > 0)) {
            uint64_t b80, b95;
            oq__coverage_bits(fc[s], a[s], &b80, &b95);
            for (int w = 0; w < FC_WIDTHS; w++) {
                t->cov80[i][w] += (int32_t)((b80 >> w) & 1u);
                t->cov95[i][w] += (int32_t)((b95 >> w) & 1u);
            }
            t->n_cov[i]++;
        }
    }
    t->abs_err[i] = ae;
    t->sq_err[i] = se;
    t->fc_sum[i] = fs;
    t->actual[i] = f->total[day];
}

oq_status oq__track_method(fc_models *m, int32_t method, int32_t lead, int32_t first,
                           int32_t count, int coverage, fc_track *t)
{
    const fc_frame *f = m->f;
    oq_status st = track_alloc(f->mem, f, method, lead, first, count, coverage, t);
    if (st != OQ_OK)
        return st;
    for (int32_t i = 0; i < count; i++) {
        int32_t day = first + i, origin = day - lead + 1;
        t->chosen[i] = (uint8_t)method;
        if (day < 0 || day >= f->n || origin < 1 || f->state[day] != FD_ORDINARY)
            continue;
        double *out = t->fc + (size_t)i * (size_t)f->per_day;
        int r = oq__predict(m, method, origin, day, out);
        if (r < 0) {
            oq__track_free(f->mem, t);
            return OQ_ENOMEM;
        }
        if (r == 0)
            continue;
        fc_mask(f, day, out);
        t->has[i] = 1;
        score_day(f, t, i);
    }
    return OQ_OK;
}

/* The candidate with the lowest WAPE over the track days in [origin - window,
 * origin) that every candidate forecast; -1 when there is no such day. */
int32_t oq__auto_choose(const fc_track *cand, int32_t n_cand, int32_t origin, int32_t window)
{
    double err[OQ_FORECAST_METHODS] = {0}, actual = 0;
    int32_t days = 0;
    for (int32_t day = origin - window; day < origin; day++) {
        int ok = 1;
        for (int32_t c = 0; c < n_cand && ok; c++) {
            int32_t i = day - cand[c].first;
            ok = i >= 0 && i < cand[c].count && cand[c].has[i];
        }
        if (!ok)
            continue;
        for (int32_t c = 0; c < n_cand; c++)
            err[c] += cand[c].abs_err[day - cand[c].first];
        actual += cand[0].actual[day - cand[0].first];
        days++;
    }
    if (days == 0 || !(actual > 0))
        return -1;
    int32_t best = 0;
    for (int32_t c = 1; c < n_cand; c++)
        if (err[c] < err[best])
            best = c;
    return best;
}

oq_status oq__track_auto(fc_models *m, const fc_track *cand, int32_t n_cand, int32_t lead,
                         int32_t first, int32_t count, int coverage, fc_track *t)
{
    const fc_frame *f = m->f;
    oq_status st = track_alloc(f->mem, f, OQ_FORECAST_AUTO, lead, first, count, coverage, t);
    if (st != OQ_OK)
        return st;
    size_t pd = (size_t)f->per_day;
    for (int32_t i = 0; i < count; i++) {
        int32_t day = first + i, origin = day - lead + 1;
        int32_t c = oq__auto_choose(cand, n_cand, origin, m->o->auto_window_days);
        if (c < 0)
            c = 0; /* no evidence yet: the first candidate */
        t->chosen[i] = (uint8_t)cand[c].method;
        int32_t ci = day - cand[c].first;
        if (ci < 0 || ci >= cand[c].count || !cand[c].has[ci])
            continue;
        memcpy(t->fc + (size_t)i * pd, cand[c].fc + (size_t)ci * pd, pd * sizeof *t->fc);
        t->has[i] = 1;
        score_day(f, t, i);
    }
    return OQ_OK;
}

/* The fractional grid position at which coverage reaches `target`. */
static double pick_width(const double *cov, double target)
{
    if (cov[0] >= target)
        return 0;
    for (int w = 1; w < FC_WIDTHS; w++)
        if (cov[w] >= target) {
            double c0 = cov[w - 1], c1 = cov[w];
            return w - 1 + (c1 > c0 ? (target - c0) / (c1 - c0) : 1);
        }
    return FC_WIDTHS - 1;
}

int32_t oq__calibrate(const fc_track *t, int32_t origin, int32_t days, fc_band *b80,
                      fc_band *b95)
{
    double c80[FC_WIDTHS] = {0}, c95[FC_WIDTHS] = {0}, n = 0;
    int32_t used = 0;
    *b80 = (fc_band){0, 0.80};
    *b95 = (fc_band){0, 0.95};
    if (!t->cov80)
        return 0;
    for (int32_t day = origin - days; day < origin; day++) {
        int32_t i = day - t->first;
        if (i < 0 || i >= t->count || !t->has[i])
            continue;
        for (int w = 0; w < FC_WIDTHS; w++) {
            c80[w] += t->cov80[i][w];
            c95[w] += t->cov95[i][w];
        }
        n += t->n_cov[i];
        used++;
    }
    if (n <= 0)
        return 0;
    for (int w = 0; w < FC_WIDTHS; w++) {
        c80[w] /= n;
        c95[w] /= n;
    }
    /* The two bands are calibrated apart, so on little evidence the 95 % one
     * could come out narrower than the 80 % one. A band widens with its grid
     * position, and at one position the 95 % band contains the 80 % band, so
     * keeping the 95 % position at or beyond the 80 % one keeps them nested. */
    double w80 = pick_width(c80, 0.80), w95 = pick_width(c95, 0.95);
    *b80 = oq__band_at(w80, 0.80);
    *b95 = oq__band_at(w95 > w80 ? w95 : w80, 0.95);
    return used;
}

double oq__day_variance(const fc_track *t, int32_t origin, int32_t days)
{
    double num = 0, den = 0;
    for (int32_t day = origin - days; day < origin; day++) {
        int32_t i = day - t->first;
        if (i < 0 || i >= t->count || !t->has[i])
            continue;
        double e = t->actual[i] - t->fc_sum[i];
        num += e * e - t->fc_sum[i];
        den += t->fc_sum[i] * t->fc_sum[i];
    }
    double v = den > 0 ? num / den : 0.01;
    return v < 0.0005 ? 0.0005 : v > 1 ? 1 : v;
}

/* Prior strengths (pseudo-contacts) the gamma-Poisson update chooses from;
 * the last is "ignore the morning". */
static const double PRIOR_GRID[] = {12.5, 25, 50, 100, 200, 400, 800, 1600, 3200, 6400, 1e12};
#define N_PRIOR ((int32_t)(sizeof PRIOR_GRID / sizeof PRIOR_GRID[0]))
/* Pseudo-contacts smoothing the log ratios of the regression update (a
 * morning of a few contacts says little, whatever its ratio). */
static const double SMOOTH_GRID[] = {12.5, 50, 200};
#define N_SMOOTH ((int32_t)(sizeof SMOOTH_GRID / sizeof SMOOTH_GRID[0]))

/* Actual and forecast volume of intervals [0, from) of a day. */
static void morning(const double *a, const double *fc, int32_t from, double *am, double *fm)
{
    *am = *fm = 0;
    for (int32_t s = 0; s < from; s++) {
        *am += a[s];
        *fm += fc[s];
    }
}

/* The factor an update applies to the rest of a day whose morning brought
 * am contacts against fm forecast. */
static double update_factor(const fc_intraday *p, double am, double fm)
{
    if (p->kind == FC_UPDATE_REGRESSION)
        return exp(p->rest + p->slope * (log((am + p->smooth) / (fm + p->smooth)) - p->usual));
    return (p->prior + am) / (p->prior + fm);
}

/* The calibration days of an intraday fit: a track's days in
 * [origin - days, origin) that it forecast. */
typedef struct cal_days {
    const fc_frame *f;
    const fc_track *t;
    int32_t origin, days, from;
} cal_days;

/* Day `day` of the calibration window, when the track forecast it: its
 * actuals, forecast and morning sums. */
static int cal_day(const cal_days *w, int32_t day, const double **a, const double **fc,
                   double *am, double *fm)
{
    int32_t i = day - w->t->first, pd = w->f->per_day;
    if (i < 0 || i >= w->t->count || !w->t->has[i])
        return 0;
    *a = w->f->vol + (size_t)day * (size_t)pd;
    *fc = w->t->fc + (size_t)i * (size_t)pd;
    morning(*a, *fc, w->from, am, fm);
    return 1;
}

/* Rest-of-day absolute error of the update p, summed over the calibration days. */
static double update_error(const fc_intraday *p, const cal_days *w)
{
    double err = 0, am, fm;
    const double *a, *fc;
    for (int32_t day = w->origin - w->days; day < w->origin; day++) {
        if (!cal_day(w, day, &a, &fc, &am, &fm))
            continue;
        double k = update_factor(p, am, fm);
        for (int32_t s = w->from; s < w->f->per_day; s++)
            err += fabs(a[s] - fc[s] * k);
    }
    return err;
}

/* The regression update of smoothing c fitted on the calibration days: least
 * squares of the rest-of-day log ratio on the morning's. 0 when the mornings
 * do not vary. */
static int fit_regression(const cal_days *w, double c, fc_intraday *p)
{
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, am, fm, ar, fr;
    const double *a, *fc;
    int32_t from = w->from, rest = w->f->per_day - from;
    for (int32_t day = w->origin - w->days; day < w->origin; day++) {
        if (!cal_day(w, day, &a, &fc, &am, &fm))
            continue;
        morning(a + from, fc + from, rest, &ar, &fr);
        double x = log((am + c) / (fm + c)), y = log((ar + c) / (fr + c));
        n++;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    if (n < 2)
        return 0;
    double mx = sx / n, vxx = sxx / n - mx * mx, cxy = sxy / n - mx * sy / n;
    if (!(vxx > 1e-12))
        return 0;
    p->kind = FC_UPDATE_REGRESSION;
    p->smooth = c;
    p->usual = mx;
    p->rest = sy / n;
    p->slope = cxy / vxx;
    return 1;
}

void oq__intraday_fit(const fc_frame *f, const fc_track *t, int32_t origin, int32_t days,
                      int32_t from, fc_intraday *p)
{
    memset(p, 0, sizeof *p);
    p->from = from;
    p->prior = 1 / oq__day_variance(t, origin, days);
    if (from <= 0 || from >= f->per_day)
        return;
    cal_days w = {f, t, origin, days, from};
    int32_t n = 0;
    double am, fm;
    const double *a, *fc;
    for (int32_t day = origin - days; day < origin; day++)
        n += cal_day(&w, day, &a, &fc, &am, &fm);
    if (n < FC_INTRADAY_MIN_DAYS)
        return;
    /* every candidate scored on the same days; the first best wins, so a tie
     * keeps the simpler gamma update */
    fc_intraday best = *p;
    double best_err = INFINITY;
    for (int32_t g = 0; g < N_PRIOR + N_SMOOTH; g++) {
        fc_intraday c = *p;
        if (g < N_PRIOR)
            c.prior = PRIOR_GRID[g];
        else if (!fit_regression(&w, SMOOTH_GRID[g - N_PRIOR], &c))
            continue;
        double e = update_error(&c, &w);
        if (e < best_err) {
            best_err = e;
            best = c;
        }
    }
    *p = best;
    p->fitted = 1;
}

double oq__intraday_apply(const fc_intraday *p, const fc_frame *f, int32_t day, double *fc)
{
    int32_t pd = f->per_day;
    if (p->from <= 0 || p->from >= pd)
        return 1;
    double am, fm;
    morning(f->vol + (size_t)day * (size_t)pd, fc, p->from, &am, &fm);
    double k = update_factor(p, am, fm);
    for (int32_t s = p->from; s < pd; s++)
        fc[s] *= k;
    return k;
}
