/* SPDX-License-Identifier: MIT */
/* The same-weekday methods (seasonal naive, HA-k, exponentially weighted HA)
 * and the dispatch to every method. */
#include <string.h>

#include "forecast/internal.h"

#define EW_MAX_WEEKS 104     /* an exponentially weighted mean looks back two years at most */
#define EW_MIN_WEIGHT 1e-3   /* ... and stops where a week's weight falls below this */
#define OPEN_LOOKBACK_WEEKS 8

int32_t oq__same_weekdays(const fc_frame *f, int32_t origin, int32_t target, int32_t max,
                          int32_t *days)
{
    int32_t n = 0;
    int32_t j = target - 7;
    if (j >= origin) /* the latest same weekday before the origin */
        j -= ((j - origin) / 7 + 1) * 7;
    for (; j >= 0 && n < max; j -= 7)
        if (f->state[j] == FD_ORDINARY)
            days[n++] = j;
    return n;
}

int oq__weekday_open(const fc_frame *f, int32_t origin, int32_t target)
{
    int32_t j = target - 7;
    if (j >= origin)
        j -= ((j - origin) / 7 + 1) * 7;
    for (int32_t q = 0; j >= 0 && q < OPEN_LOOKBACK_WEEKS && j >= origin - 7 * OPEN_LOOKBACK_WEEKS;
         j -= 7, q++)
        if (f->state[j] == FD_ORDINARY || f->state[j] == FD_SPECIAL)
            return 1;
    return 0;
}

/* Weighted mean of same-weekday days: weight (1 - alpha)^q for the q-th most
 * recent; alpha == 0 means equal weights over at most k days. */
static int weekday_mean(const fc_frame *f, int32_t origin, int32_t target, int32_t k, double alpha,
                        double *out)
{
    int32_t days[EW_MAX_WEEKS > 520 ? EW_MAX_WEEKS : 520];
    int32_t max = alpha > 0 ? EW_MAX_WEEKS : (k < 520 ? k : 520);
    int32_t n = oq__same_weekdays(f, origin, target, max, days);
    size_t pd = (size_t)f->per_day;
    memset(out, 0, pd * sizeof *out);
    if (n == 0)
        return 0;
    double w = 1, wsum = 0;
    for (int32_t q = 0; q < n; q++) {
        const double *v = f->vol + (size_t)days[q] * pd;
        for (size_t i = 0; i < pd; i++)
            out[i] += w * v[i];
        wsum += w;
        if (alpha > 0) {
            w *= 1 - alpha;
            if (w < EW_MIN_WEIGHT)
                break;
        }
    }
    for (size_t i = 0; i < pd; i++)
        out[i] /= wsum;
    return 1;
}

int oq__ewha(const fc_frame *f, int32_t origin, int32_t target, double alpha, double *out)
{
    return weekday_mean(f, origin, target, 0, alpha, out);
}

oq_status oq__models_init(fc_models *m, const fc_frame *f, const oq_forecast_options *o)
{
    memset(m, 0, sizeof *m);
    m->f = f;
    m->o = o;
    m->lvl_last = -1;
    return OQ_OK;
}

void oq__models_free(fc_models *m)
{
    if (!m->f)
        return;
    oq__level_free(m);
    oq__hw_free(m);
    memset(m, 0, sizeof *m);
}

int oq__predict(fc_models *m, int32_t method, int32_t origin, int32_t target, double *out)
{
    const fc_frame *f = m->f;
    if (!oq__weekday_open(f, origin, target)) {
        memset(out, 0, (size_t)f->per_day * sizeof *out);
        return 0;
    }
    switch (method) {
    case OQ_FORECAST_SEASONAL_NAIVE: return weekday_mean(f, origin, target, 1, 0, out);
    case OQ_FORECAST_HA: return weekday_mean(f, origin, target, m->o->ha_weeks, 0, out);
    case OQ_FORECAST_EWHA: return weekday_mean(f, origin, target, 0, m->o->ew_alpha, out);
    case OQ_FORECAST_DAY_LEVEL: return oq__level_predict(m, origin, target, out);
    case OQ_FORECAST_HOLT_WINTERS: return oq__hw_predict(m, origin, target, out);
    default: memset(out, 0, (size_t)f->per_day * sizeof *out); return 0;
    }
}
