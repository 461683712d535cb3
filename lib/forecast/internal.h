/* SPDX-License-Identifier: MIT */
/* Internal: the forecast module's data structures.
 *
 * A series (oq_volume_series) stores present days only, sorted by date. A
 * forecast or backtest works on a frame: every calendar day from the series'
 * first date to the last day it must forecast, with the volumes copied in and
 * each day classified (ordinary history, special, closed, absent). Methods
 * read the frame; a prediction "from origin o" reads frame days < o only. */
#ifndef OQ_FORECAST_INTERNAL_H
#define OQ_FORECAST_INTERNAL_H

#include <stdint.h>

#include "core/error.h"
#include "core/mem.h"
#include "omniq/forecast.h"

struct oq_volume_series {
    oq_mem mem;
    int32_t interval_s;
    int32_t per_day;        /* intervals per day */
    int32_t n_days, cap_days;
    int32_t *dates;         /* sorted, n_days */
    double *vol;            /* n_days * per_day */
    double *aht;            /* n_days * per_day, or NULL while no handle time was given */
    int32_t last_date;      /* the latest (date, interval) appended or set: add order */
    int32_t last_interval;
    char *queue;            /* "" or the CSV queue */
};

/* ---- civil dates: omniq/calendar.h's -------------------------------------------- */

/* "YYYY-MM-DD" into buf (>= 16 bytes). */
void oq__fc_format_date(int32_t date, char *buf, size_t size);

/* ---- series internals ----------------------------------------------------------- */

/* Index of `date` in s->dates, or -1. */
int32_t oq__series_find(const oq_volume_series *s, int32_t date);
/* Insert an empty (zero) day at its sorted place; returns its index or -1 (ENOMEM). */
int32_t oq__series_insert_day(oq_volume_series *s, int32_t date);
/* Replace the series' queue name. OQ_ENOMEM (the old name kept) or OQ_OK. */
oq_status oq__series_set_queue(oq_volume_series *s, const char *queue, oq_error *err);
/* Make s->aht exist (zeros). 0 on ENOMEM. */
int oq__series_ensure_aht(oq_volume_series *s);

/* ---- the frame ------------------------------------------------------------------ */

/* Day states in a frame. Only FD_ORDINARY days are history. */
#define FD_ABSENT   0 /* not in the series (closed, or in the future) */
#define FD_ORDINARY 1
#define FD_SPECIAL  2 /* in the series but special, a holiday or closed by the calendar */
#define FD_CLOSED   3 /* in the series but a special day says closed */

/* How a target day is forecast. */
#define FT_REGULAR 0
#define FT_CLOSED  1
#define FT_FACTOR  2 /* regular x factor (special day or calendar special hours) */
#define FT_LIKE_DATE 3
#define FT_LIKE_WEEKDAY 4

typedef struct fc_frame {
    oq_mem *mem;
    int32_t per_day, interval_s;
    int32_t date0;           /* date of frame day 0 */
    int32_t n;               /* frame days */
    double *vol;             /* n * per_day; zero for absent days */
    double *aht;             /* n * per_day or NULL */
    double *total;           /* n: the day's volume */
    uint8_t *state;          /* n: FD_* */
    uint8_t *target;         /* n: FT_* (how the day is forecast) */
    double *factor;          /* n: multiplier for FT_FACTOR / LIKE kinds */
    int32_t *like;           /* n: FT_LIKE_DATE frame day, FT_LIKE_WEEKDAY weekday */
    uint8_t *open;           /* n * per_day: calendar hours (1 open), or NULL: always open */
    int32_t weekday0;        /* weekday of frame day 0 */
} fc_frame;

/* Build the frame of `s` covering its first date .. max(last date, last_target)
 * with the options' special days and calendar. Errors fill *err. */
oq_status oq__frame_build(fc_frame *f, oq_mem *mem, const oq_volume_series *s,
                          int32_t last_target_date, const oq_forecast_options *o, oq_error *err);
void oq__frame_free(fc_frame *f);

/* Zero the intervals of `day` outside the calendar's hours. */
static inline void fc_mask(const fc_frame *f, int32_t day, double *out)
{
    if (!f->open)
        return;
    const uint8_t *open = f->open + (size_t)day * (size_t)f->per_day;
    for (int32_t s = 0; s < f->per_day; s++)
        if (!open[s])
            out[s] = 0;
}

static inline int32_t fc_weekday(const fc_frame *f, int32_t day)
{
    return (f->weekday0 + day % 7) % 7;
}

/* ---- methods -------------------------------------------------------------------- */

/* Per-call method state: caches and sequential states that the prediction of
 * successive origins reuses. */
typedef struct fc_hw fc_hw;

typedef struct fc_models {
    const fc_frame *f;
    const oq_forecast_options *o;
    /* day-level model: EWHA base forecasts of each frame day from its own origin */
    double *base;            /* n * per_day */
    uint8_t *base_done;      /* n */
    double *lvl_u;           /* n: log ratio actual / base (ordinary days) */
    double *lvl_w;           /* n: weight of the day (its base volume) */
    double *lvl_prev;        /* n: smoothed level before the day */
    double *lvl_after;       /* n: smoothed level after the day */
    int32_t *lvl_gap;        /* n: days since the previous ordinary day */
    int32_t lvl_done;        /* days [0, lvl_done) processed */
    double lvl_state;
    int32_t lvl_last;        /* last ordinary day processed, -1 */
    fc_hw *hw;
} fc_models;

oq_status oq__models_init(fc_models *m, const fc_frame *f, const oq_forecast_options *o);
void oq__models_free(fc_models *m);

/* Forecast frame day `target` of method `method` (not AUTO) from origin
 * `origin` (days < origin are history) into out[per_day]. Returns 1 when the
 * method had history for it, 0 when not (out zeroed: closed), -1 on ENOMEM.
 * Successive calls with non-decreasing origins reuse sequential states. */
int oq__predict(fc_models *m, int32_t method, int32_t origin, int32_t target, double *out);

/* Same-weekday ordinary days before origin for target, most recent first
 * (at most max): returns how many were written to days[]. */
int32_t oq__same_weekdays(const fc_frame *f, int32_t origin, int32_t target, int32_t max,
                          int32_t *days);
/* Exponentially weighted same-weekday mean (EWHA) of target from origin. */
int oq__ewha(const fc_frame *f, int32_t origin, int32_t target, double alpha, double *out);
/* Was the target's weekday open in the 8 weeks before origin (any present day)? */
int oq__weekday_open(const fc_frame *f, int32_t origin, int32_t target);

/* Holt-Winters (holt_winters.c). */
oq_status oq__hw_create(fc_models *m);
void oq__hw_free(fc_models *m);
int oq__hw_predict(fc_models *m, int32_t origin, int32_t target, double *out);

/* Day-level model (day_level.c). */
int oq__level_predict(fc_models *m, int32_t origin, int32_t target, double *out);
void oq__level_free(fc_models *m);

/* ---- distributions (dist.c) ---------------------------------------------------------- */

/* P(X <= k) for a count of mean mu, over-dispersion phi (NB; Poisson when 0). */
double oq__count_cdf(double k, double mu, double phi);
/* Smallest integer k with P(X <= k) >= p. */
double oq__count_quantile(double mu, double phi, double p);
/* A prediction band: the central `level` probability interval of a count
 * with over-dispersion `phi`. Calibration widens a band by raising phi, and
 * narrows one (for counts so small that even the Poisson interval, being
 * integer, covers more than asked) by lowering level below the nominal. */
typedef struct fc_band {
    double phi;
    double level;
} fc_band;
/* The calibration grid of band widths, narrowest first: FC_NARROW entries
 * with phi 0 and level nominal x (1 - 0.04 k), k = FC_NARROW .. 1, then
 * FC_PHI_GRID entries with level nominal and phi from oq__phi_grid. */
#define FC_PHI_GRID 32
#define FC_NARROW 8
#define FC_WIDTHS (FC_NARROW + FC_PHI_GRID)
extern const double oq__phi_grid[FC_PHI_GRID];
/* The band of grid position w (fractional: interpolated) for a nominal level. */
fc_band oq__band_at(double w, double nominal);
/* Is a count `a` inside the band around mean mu? */
int oq__in_band(double mu, const fc_band *b, double a);
/* Lower / upper bound of a band (integers). */
double oq__band_lo(double mu, const fc_band *b);
double oq__band_hi(double mu, const fc_band *b);
/* Coverage of `a` by every grid width: bit w of *in80 / *in95. */
void oq__coverage_bits(double mu, double a, uint64_t *in80, uint64_t *in95);

/* ---- evaluation engine (engine.c) ------------------------------------------------------ */

/* Forecasts of one method over a contiguous range of target frame days, each
 * from origin target - lead + 1, plus per-day error sums and interval
 * coverage counts over the phi grid. */
typedef struct fc_track {
    int32_t method;           /* a method, or OQ_FORECAST_AUTO */
    int32_t lead;
    int32_t first, count;     /* target frame days [first, first + count) */
    int32_t per_day;
    double *fc;               /* count * per_day */
    uint8_t *has;             /* count: 1 when forecast (ordinary day, method had history) */
    uint8_t *chosen;          /* count: AUTO's choice per target, else method */
    double *abs_err, *actual; /* count: sums over the day */
    double *sq_err, *fc_sum;
    int32_t (*cov80)[FC_WIDTHS], (*cov95)[FC_WIDTHS]; /* count: intervals covered, or NULL */
    int32_t *n_cov;           /* count: intervals counted for coverage */
} fc_track;

/* The forecasts of `method` for the ordinary days of [first, first + count),
 * with interval coverage counts when `coverage`. */
oq_status oq__track_method(fc_models *m, int32_t method, int32_t lead, int32_t first,
                           int32_t count, int coverage, fc_track *t);
/* The candidate (index into cand) with the best WAPE over [origin - window,
 * origin), or -1 when no day there was forecast by every candidate. */
int32_t oq__auto_choose(const fc_track *cand, int32_t n_cand, int32_t origin, int32_t window);
/* AUTO over [first, first + count) from candidate tracks (covering
 * [first - lead + 1 - window, first + count) for an informed choice). */
oq_status oq__track_auto(fc_models *m, const fc_track *cand, int32_t n_cand, int32_t lead,
                         int32_t first, int32_t count, int coverage, fc_track *t);
void oq__track_free(oq_mem *mem, fc_track *t);
/* Pick the 80 % and 95 % bands whose intervals covered 80 % / 95 % of the
 * track's intervals on its days in [origin - days, origin). Returns the days
 * used (0: none, Poisson bands at the nominal levels). */
int32_t oq__calibrate(const fc_track *t, int32_t origin, int32_t days, fc_band *b80,
                      fc_band *b95);
/* Spread of the day level beyond Poisson: sum((A - F)^2 - F) / sum(F^2) of
 * the day totals of the track's days in [origin - days, origin). */
double oq__day_variance(const fc_track *t, int32_t origin, int32_t days);
/* The intraday re-forecast from interval `from`: the rest of the day is the
 * day-ahead forecast times a factor from the morning (intervals before
 * `from`), by one of two updates, whichever re-forecast the rest of the
 * calibration days best (so the choice, like auto's, uses days before the
 * origin only):
 * - gamma-Poisson: the posterior mean of the day's level,
 *   (prior + actual so far) / (prior + forecast so far), prior strength (in
 *   contacts) from a grid whose last entry ignores the morning;
 * - regression (Shen & Huang 2008's idea at the level of the day): the rest of
 *   the day's log ratio actual / forecast predicted from the morning's, both
 *   smoothed by `smooth` pseudo-contacts, by least squares on the calibration
 *   days: rest + slope x (morning's log ratio - its usual value there). The
 *   forecast's morning and afternoon errors share only part of the level (on
 *   the bank data the slope is about 0.6), and their biases differ (there, the
 *   day-level forecast ran low in the mornings and high in the afternoons):
 *   a morning above forecast by its usual amount is no news.
 * The morning tells less about the afternoon than one day multiplier would
 * say, and the backtest measures how much less. With too few days, gamma with
 * prior 1 / (the day level's variance). */
#define FC_INTRADAY_MIN_DAYS 14
#define FC_UPDATE_GAMMA 0
#define FC_UPDATE_REGRESSION 1
typedef struct fc_intraday {
    int32_t from, fitted;
    int32_t kind;            /* FC_UPDATE_* */
    double prior;            /* gamma: prior strength in contacts */
    double smooth, usual, rest, slope; /* regression: pseudo-contacts, the mean log ratios of
                                          the mornings and of the rests of day, the slope */
} fc_intraday;
/* Fit the update on the track's days in [origin - days, origin). */
void oq__intraday_fit(const fc_frame *f, const fc_track *t, int32_t origin, int32_t days,
                      int32_t from, fc_intraday *p);
/* Scale fc's intervals from p->from on; returns the factor. */
double oq__intraday_apply(const fc_intraday *p, const fc_frame *f, int32_t day, double *fc);

/* ---- one forecast or backtest call (forecast.c) ----------------------------------------- */

/* What a forecast from one origin at one lead uses: the method (auto: the one
 * chosen), the calibrated over-dispersions and the day-level spread. */
typedef struct fc_fit {
    int32_t method;
    int32_t cal_days;
    fc_band b80, b95;
    fc_intraday intraday;  /* when asked for: the re-forecast's prior */
} fc_fit;

typedef struct fc_call {
    oq_mem mem;
    fc_frame f;
    fc_models m;
    int32_t origin;          /* frame day of the origin (clamped to the frame) */
    int32_t history_days;    /* ordinary days before the origin */
    int32_t excluded_days;   /* special or closed days before the origin */
    double *scratch;         /* per_day */
} fc_call;

oq_status oq__check_options(const oq_forecast_options *o, oq_error *err);
/* Check the options, build the frame up to last_date and the models. */
oq_status oq__begin(fc_call *c, const oq_volume_series *s, const oq_forecast_options *o,
                    int32_t origin_date, int32_t last_date, oq_error *err);
void oq__end(fc_call *c);
/* The track of `method` (auto: built from candidate tracks, using cand[] as
 * scratch of OQ_FORECAST_METHODS entries). */
oq_status oq__method_tracks(fc_models *m, int32_t method, int32_t lead, int32_t first,
                            int32_t count, int coverage, fc_track *out, fc_track *cand);
/* Method choice and calibration at an origin for a lead (and, when
 * intraday_from >= 0, the intraday re-forecast's prior). */
oq_status oq__fit_origin(fc_models *m, int32_t origin, int32_t lead, int32_t intraday_from,
                         fc_fit *fit);
/* The q-quantile of a forecast mean mu under the fit's bands (interpolated
 * between the 80 % and 95 % ones by the quantile's central probability). */
double oq__fit_quantile(const fc_fit *fit, double mu, double q);
/* The forecast of a target day, special days and hours applied; *kind is an
 * OQ_FORECAST_DAY_* value. */
oq_status oq__target_forecast(fc_models *m, const fc_fit *fit, int32_t origin, int32_t target,
                              double *out, int32_t *kind, oq_error *err);
void oq__fill_rows(const fc_frame *f, const oq_forecast_options *o, const fc_fit *fit,
                   int32_t target, const double *mean, int32_t kind, oq_forecast_row *rows);
void oq__fill_aht(const fc_frame *f, const oq_forecast_options *o, int32_t origin, int32_t target,
                  double *scratch, oq_forecast_row *rows);

#endif
