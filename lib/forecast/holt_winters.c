/* SPDX-License-Identifier: MIT */
/* Double-seasonal Holt-Winters (Taylor 2003, "Short-term electricity demand
 * forecasting using double seasonal exponential smoothing"), in the
 * multiplicative form Taylor (2008) used for call arrivals: a level, an
 * intraday index per interval of the day and an intraweek index per interval
 * of each weekday, updated in error-correction form after every interval,
 * plus his first-order autoregressive adjustment of the last error:
 *
 *   fitted  = level * day[s] * week[w][s]
 *   e       = y - fitted
 *   level  += alpha * e / (day[s] * week[w][s])
 *   day[s] += delta * e / (level * week[w][s])
 *   week[w][s] += omega * e / (level * day[s])
 *   forecast k intervals ahead = level * day[s] * week[w][s] + phi^k e
 *
 * Quiet intervals (night) make the divisions unstable (the known way these
 * models "blow up"), so every divisor is floored at a fraction of the mean
 * interval. Days that are not ordinary history (holidays, closed, absent) are
 * skipped: the state carries over them. alpha, delta and omega are chosen on
 * a small grid by the day-ahead absolute error over the last 12 weeks of
 * history (unless the options fix them); phi is the lag-one autocorrelation of the one-step
 * errors. The choice is made on the days before the origin's "epoch", the
 * last multiple of four weeks since the series' first day at or before the
 * origin: honest (the past only), the same whichever order origins are asked
 * in (a backtest gives what day-by-day forecasts give), and cheap (a backtest
 * re-chooses once per four weeks, not per day). */
#include <math.h>
#include <string.h>

#include "forecast/internal.h"

#define HW_INIT_DAYS 14        /* ordinary days used to initialise the indices */
#define HW_REFIT_DAYS 28       /* parameters are re-chosen every 4 weeks of the frame */
#define HW_FIT_DAYS 84         /* ... on the last 12 weeks before the epoch */
#define HW_FLOOR 0.05          /* divisor floor, as a fraction of the mean index (1) */

struct fc_hw {
    double alpha, delta, omega, phi;
    int32_t epoch;             /* parameters were chosen on the days before this; -1 none */
    int32_t init_end;          /* frame day after the initialisation days; -1: not enough */
    /* running state */
    int32_t start;             /* first frame day of the recursion */
    int32_t done;              /* frame days [start, done) processed */
    double level, err;
    int64_t err_time;          /* interval index (day * per_day + s) of err, -1 none */
    double *day;               /* per_day */
    double *week;              /* 7 * per_day */
    /* initial state, to restart from */
    double level0;
    double *day0, *week0;
    int32_t per_day;
};

static double floor_div(double x) { return x > HW_FLOOR ? x : HW_FLOOR; }

/* Initial level and indices from the first HW_INIT_DAYS ordinary days in
 * [from, origin); sets hw->init_end (-1 if there are not enough) and
 * hw->start = from. */
static void initialise(fc_hw *hw, const fc_frame *f, int32_t from, int32_t origin)
{
    int32_t pd = f->per_day, used = 0;
    double total = 0;
    double *dsum = hw->day0, *wsum = hw->week0;
    int32_t wcount[7] = {0};
    memset(dsum, 0, (size_t)pd * sizeof *dsum);
    memset(wsum, 0, (size_t)pd * 7 * sizeof *wsum);
    int32_t j = from;
    hw->start = from;
    for (; j < origin && used < HW_INIT_DAYS; j++) {
        if (f->state[j] != FD_ORDINARY)
            continue;
        const double *v = f->vol + (size_t)j * (size_t)pd;
        int32_t w = fc_weekday(f, j);
        for (int32_t s = 0; s < pd; s++) {
            dsum[s] += v[s];
            wsum[w * pd + s] += v[s];
        }
        wcount[w]++;
        total += f->total[j];
        used++;
    }
    if (used < HW_INIT_DAYS || !(total > 0)) {
        hw->init_end = -1;
        return;
    }
    hw->init_end = j;
    double level = total / ((double)used * pd);
    hw->level0 = level;
    for (int32_t s = 0; s < pd; s++)
        dsum[s] = dsum[s] / used / level;
    for (int32_t w = 0; w < 7; w++)
        for (int32_t s = 0; s < pd; s++) {
            double *x = &wsum[w * pd + s];
            double mean_ws = wcount[w] ? *x / wcount[w] : 0;
            *x = wcount[w] && dsum[s] > 0 ? mean_ws / (level * dsum[s]) : 1;
        }
}

static void restart(fc_hw *hw)
{
    size_t pd = (size_t)hw->per_day;
    memcpy(hw->day, hw->day0, pd * sizeof *hw->day);
    memcpy(hw->week, hw->week0, pd * 7 * sizeof *hw->week);
    hw->level = hw->level0;
    hw->err = 0;
    hw->err_time = -1;
    hw->done = hw->start;
}

static double fitted(const fc_hw *hw, int32_t w, int32_t s)
{
    return hw->level * hw->day[s] * hw->week[w * hw->per_day + s];
}

/* Forecast of frame day `target` from the current state into out. */
static void forecast_day(const fc_hw *hw, const fc_frame *f, int32_t target, double *out)
{
    int32_t w = fc_weekday(f, target), pd = f->per_day;
    for (int32_t s = 0; s < pd; s++) {
        double y = fitted(hw, w, s);
        if (hw->err_time >= 0 && hw->phi > 0) {
            double k = (double)((int64_t)target * pd + s - hw->err_time);
            y += pow(hw->phi, k) * hw->err;
        }
        out[s] = y > 0 ? y : 0;
    }
}

/* Run the recursion over frame days [hw->done, until). When abs_err is not
 * NULL, each ordinary day after the initialisation is first forecast from the
 * state before it (day ahead) and its absolute error added; when e1 is not
 * NULL, one-step errors are accumulated for the lag-one autocorrelation. */
static void run(fc_hw *hw, const fc_frame *f, int32_t until, double *scratch, double *abs_err,
                double e1[3])
{
    int32_t pd = f->per_day;
    for (int32_t j = hw->done; j < until; j++) {
        if (f->state[j] != FD_ORDINARY)
            continue;
        const double *v = f->vol + (size_t)j * (size_t)pd;
        if (abs_err && j >= hw->init_end) {
            forecast_day(hw, f, j, scratch);
            for (int32_t s = 0; s < pd; s++)
                *abs_err += fabs(v[s] - scratch[s]);
        }
        int32_t w = fc_weekday(f, j);
        for (int32_t s = 0; s < pd; s++) {
            double *ws = &hw->week[w * pd + s];
            double *ds = &hw->day[s];
            double e = v[s] - hw->level * *ds * *ws;
            if (e1 && j >= hw->init_end) {
                if (hw->err_time == (int64_t)j * pd + s - 1) {
                    e1[0] += e * hw->err;
                    e1[1] += hw->err * hw->err;
                }
                e1[2] += 1;
            }
            double lv = hw->level;
            hw->level += hw->alpha * e / floor_div(*ds * *ws);
            if (hw->level < 1e-9)
                hw->level = 1e-9;
            *ds += hw->delta * e / floor_div(lv * *ws) * (lv > 0 ? 1 : 0);
            *ws += hw->omega * e / floor_div(lv * *ds);
            if (*ds < 0)
                *ds = 0;
            if (*ws < 0)
                *ws = 0;
            hw->err = e;
            hw->err_time = (int64_t)j * pd + s;
        }
    }
    if (until > hw->done)
        hw->done = until;
}

static const double GRID_ALPHA[] = {0.002, 0.01, 0.04};
static const double GRID_DELTA[] = {0.02, 0.08, 0.25};
static const double GRID_OMEGA[] = {0.02, 0.08, 0.25};

/* Choose the parameters on the days before `origin`. */
static void fit(fc_hw *hw, const fc_frame *f, const oq_forecast_options *o, int32_t origin,
                double *scratch)
{
    double best = INFINITY, ba = 0.01, bd = 0.08, bo = 0.08;
    size_t na = o->hw_alpha >= 0 ? 1 : 3, nd = o->hw_delta >= 0 ? 1 : 3,
           no = o->hw_omega >= 0 ? 1 : 3;
    for (size_t a = 0; a < na; a++)
        for (size_t d = 0; d < nd; d++)
            for (size_t w = 0; w < no; w++) {
                hw->alpha = o->hw_alpha >= 0 ? o->hw_alpha : GRID_ALPHA[a];
                hw->delta = o->hw_delta >= 0 ? o->hw_delta : GRID_DELTA[d];
                hw->omega = o->hw_omega >= 0 ? o->hw_omega : GRID_OMEGA[w];
                hw->phi = 0;
                if (na * nd * no == 1) {
                    ba = hw->alpha, bd = hw->delta, bo = hw->omega;
                    break;
                }
                restart(hw);
                double e = 0;
                run(hw, f, origin, scratch, &e, NULL);
                if (e < best) {
                    best = e;
                    ba = hw->alpha, bd = hw->delta, bo = hw->omega;
                }
            }
    hw->alpha = ba;
    hw->delta = bd;
    hw->omega = bo;
    hw->phi = 0;
    restart(hw);
    double e1[3] = {0, 0, 0};
    run(hw, f, origin, scratch, NULL, e1);
    double phi = e1[1] > 0 ? e1[0] / e1[1] : 0;
    hw->phi = phi < 0 ? 0 : phi > 0.99 ? 0.99 : phi;
}

oq_status oq__hw_create(fc_models *m)
{
    if (m->hw)
        return OQ_OK;
    oq_mem *mem = m->f->mem;
    size_t pd = (size_t)m->f->per_day;
    fc_hw *hw = oq__calloc(mem, 1, sizeof *hw);
    if (!hw)
        return OQ_ENOMEM;
    hw->per_day = (int32_t)pd;
    hw->day = oq__alloc(mem, pd * sizeof(double));
    hw->week = oq__alloc(mem, pd * 7 * sizeof(double));
    hw->day0 = oq__alloc(mem, pd * sizeof(double));
    hw->week0 = oq__alloc(mem, pd * 7 * sizeof(double));
    hw->epoch = -1;
    m->hw = hw;
    if (!hw->day || !hw->week || !hw->day0 || !hw->week0) {
        oq__hw_free(m);
        return OQ_ENOMEM;
    }
    return OQ_OK;
}

void oq__hw_free(fc_models *m)
{
    fc_hw *hw = m->hw;
    if (!hw)
        return;
    oq_mem *mem = m->f->mem;
    size_t pd = (size_t)hw->per_day;
    oq__free(mem, hw->day, pd * sizeof(double));
    oq__free(mem, hw->week, pd * 7 * sizeof(double));
    oq__free(mem, hw->day0, pd * sizeof(double));
    oq__free(mem, hw->week0, pd * 7 * sizeof(double));
    oq__free(mem, hw, sizeof *hw);
    m->hw = NULL;
}

int oq__hw_predict(fc_models *m, int32_t origin, int32_t target, double *out)
{
    const fc_frame *f = m->f;
    if (oq__hw_create(m) != OQ_OK)
        return -1;
    fc_hw *hw = m->hw;
    int32_t epoch = origin / HW_REFIT_DAYS * HW_REFIT_DAYS;
    if (hw->epoch != epoch) {
        hw->epoch = -1;
        /* choose the parameters on the last weeks before the epoch ... */
        const oq_forecast_options *o = m->o;
        hw->alpha = o->hw_alpha >= 0 ? o->hw_alpha : 0.01;
        hw->delta = o->hw_delta >= 0 ? o->hw_delta : 0.08;
        hw->omega = o->hw_omega >= 0 ? o->hw_omega : 0.08;
        hw->phi = 0;
        initialise(hw, f, epoch > HW_FIT_DAYS ? epoch - HW_FIT_DAYS : 0, epoch);
        if (hw->init_end >= 0)
            fit(hw, f, m->o, epoch, out);
        /* ... then run them over the whole history */
        initialise(hw, f, 0, epoch);
        if (hw->init_end < 0)
            /* too little history for the indices: the weekday profile instead */
            return oq__ewha(f, origin, target, m->o->ew_alpha, out);
        restart(hw);
        hw->epoch = epoch;
    }
    if (origin < hw->done)
        restart(hw);
    run(hw, f, origin, out, NULL, NULL);
    forecast_day(hw, f, target, out);
    return 1;
}
