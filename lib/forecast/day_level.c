/* SPDX-License-Identifier: MIT */
/* The day-level model: a day's forecast is its weekday profile (the
 * exponentially weighted same-weekday mean, EWHA) times the level of the day.
 * The level is the log ratio of recent days' actual totals to their own EWHA
 * forecasts, smoothed over ordinary days with each day weighted by its volume
 * (a quiet Saturday moves it less than a Monday), and projected forward as an
 * AR(1) towards the window's mean: log ratio = m + c (L - m) decay^(gap - 1),
 * with m and c fitted (volume-weighted least squares) on the last
 * level_window_days days before the origin. So a busy week raises the next
 * days, and the effect fades over days without news (holidays, longer leads). */
#include <math.h>
#include <string.h>

#include "forecast/internal.h"

#define LEVEL_DECAY 0.85     /* fading of the level per extra day between data and target */
#define LEVEL_MIN_PAIRS 7    /* fewer days in the window: no level, the profile alone */
#define LEVEL_MAX_SLOPE 1.5

void oq__level_free(fc_models *m)
{
    oq_mem *mem = m->f->mem;
    size_t n = (size_t)m->f->n;
    oq__free(mem, m->base, n * (size_t)m->f->per_day * sizeof(double));
    oq__free(mem, m->base_done, n);
    oq__free(mem, m->lvl_u, n * sizeof(double));
    oq__free(mem, m->lvl_w, n * sizeof(double));
    oq__free(mem, m->lvl_prev, n * sizeof(double));
    oq__free(mem, m->lvl_after, n * sizeof(double));
    oq__free(mem, m->lvl_gap, n * sizeof(int32_t));
    m->base = NULL;
    m->base_done = NULL;
    m->lvl_u = m->lvl_w = m->lvl_prev = m->lvl_after = NULL;
    m->lvl_gap = NULL;
}

static int ensure_arrays(fc_models *m)
{
    if (m->base)
        return 1;
    oq_mem *mem = m->f->mem;
    size_t n = (size_t)m->f->n;
    m->base = oq__alloc(mem, n * (size_t)m->f->per_day * sizeof(double));
    m->base_done = oq__calloc(mem, n, 1);
    m->lvl_u = oq__calloc(mem, n, sizeof(double));
    m->lvl_w = oq__calloc(mem, n, sizeof(double));
    m->lvl_prev = oq__calloc(mem, n, sizeof(double));
    m->lvl_after = oq__calloc(mem, n, sizeof(double));
    m->lvl_gap = oq__calloc(mem, n, sizeof(int32_t));
    if (!m->base || !m->base_done || !m->lvl_u || !m->lvl_w || !m->lvl_prev || !m->lvl_after ||
        !m->lvl_gap) {
        oq__level_free(m);
        return 0;
    }
    return 1;
}

/* The EWHA forecast of day j from its own origin (1 + 1 = has history). */
static const double *base_of(fc_models *m, int32_t j)
{
    double *b = m->base + (size_t)j * (size_t)m->f->per_day;
    if (!m->base_done[j])
        m->base_done[j] = (uint8_t)(1 + oq__ewha(m->f, j, j, m->o->ew_alpha, b));
    return m->base_done[j] == 2 ? b : NULL;
}

static double sum(const double *v, int32_t n)
{
    double s = 0;
    for (int32_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

/* Process the ordinary days before `origin` into the level arrays. */
static void advance(fc_models *m, int32_t origin)
{
    const fc_frame *f = m->f;
    double alpha = m->o->level_alpha;
    for (int32_t j = m->lvl_done; j < origin; j++) {
        if (f->state[j] != FD_ORDINARY)
            continue;
        const double *b = base_of(m, j);
        double bt = b ? sum(b, f->per_day) : 0;
        if (!(bt > 0))
            continue;
        /* weight: the day's volume against the mean of the last week's days */
        double wsum = bt;
        int32_t wn = 1;
        for (int32_t k = j - 1; k >= 0 && k > j - 7; k--)
            if (m->lvl_w[k] > 0) {
                wsum += m->lvl_w[k];
                wn++;
            }
        double v = bt / (wsum / wn);
        if (v > 1)
            v = 1;
        double u = log((f->total[j] + 1) / (bt + 1));
        m->lvl_u[j] = u;
        m->lvl_w[j] = bt;
        m->lvl_prev[j] = m->lvl_state;
        m->lvl_gap[j] = m->lvl_last >= 0 ? j - m->lvl_last : 0;
        m->lvl_state += alpha * v * (u - m->lvl_state);
        m->lvl_after[j] = m->lvl_state;
        m->lvl_last = j;
    }
    if (origin > m->lvl_done)
        m->lvl_done = origin;
}

int oq__level_predict(fc_models *m, int32_t origin, int32_t target, double *out)
{
    const fc_frame *f = m->f;
    if (!ensure_arrays(m))
        return -1;
    if (!oq__ewha(f, origin, target, m->o->ew_alpha, out))
        return 0;
    advance(m, origin);
    /* the level after the last ordinary day before the origin */
    int32_t last = -1;
    for (int32_t j = origin - 1; j >= 0 && j >= origin - 400; j--)
        if (m->lvl_w[j] > 0) {
            last = j;
            break;
        }
    if (last < 0)
        return 1;
    int32_t from = origin - m->o->level_window_days;
    double sw = 0, su = 0;
    int32_t pairs = 0;
    for (int32_t j = from < 0 ? 0 : from; j < origin; j++)
        if (m->lvl_w[j] > 0) {
            sw += m->lvl_w[j];
            su += m->lvl_w[j] * m->lvl_u[j];
            pairs++;
        }
    if (pairs < LEVEL_MIN_PAIRS)
        return 1;
    double mean = su / sw, sxy = 0, sxx = 0;
    for (int32_t j = from < 0 ? 0 : from; j < origin; j++)
        if (m->lvl_w[j] > 0 && m->lvl_gap[j] > 0) {
            double x = m->lvl_prev[j] - mean, y = m->lvl_u[j] - mean;
            sxy += m->lvl_w[j] * x * y;
            sxx += m->lvl_w[j] * x * x;
        }
    double c = sxx > 0 ? sxy / sxx : 0;
    if (c < 0)
        c = 0;
    if (c > LEVEL_MAX_SLOPE)
        c = LEVEL_MAX_SLOPE;
    int32_t gap = target - last;
    double lr = mean + c * (m->lvl_after[last] - mean) * pow(LEVEL_DECAY, gap - 1);
    double mult = exp(lr);
    for (int32_t i = 0; i < f->per_day; i++)
        out[i] *= mult;
    return 1;
}
