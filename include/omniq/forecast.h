/* SPDX-License-Identifier: MIT */
/* omniq — forecasting interval volumes: series of interval counts, forecasting
 * methods (seasonal naive, historical averages, a day-level model, double-seasonal
 * Holt-Winters, auto), special days, intraday re-forecasts, prediction
 * intervals and rolling-origin backtests.
 *
 * Conventions:
 *  - A series holds the volume (contacts offered, possibly fractional) of each
 *    interval of `interval_s` seconds (a divisor of 86,400) of local calendar
 *    days. Dates are civil dates as in omniq/calendar.h: int32_t days since
 *    1970-01-01 (proleptic Gregorian), weekday 0 = Monday .. 6 = Sunday.
 *    Interval i of a day starts at i * interval_s seconds after local midnight.
 *    A day absent from the series is a closed day, not a day of zeros; an
 *    interval missing from a present day has volume 0.
 *  - A forecast made "from origin date D" uses only the days before D, so a
 *    backtest that moves the origin is honest.
 *  - Errors: every fallible function returns an oq_status and, when `err` is
 *    not NULL, fills *err (oq_error, core.h): CSV errors name the file and
 *    line, argument errors the field. A call that fails changes nothing.
 *  - Memory: series allocate through the allocator given at creation (NULL:
 *    the C library's malloc); forecasts and backtests allocate their working
 *    space through the options' allocator and free it before returning.
 *    Output rows are caller-provided.
 *  - Thread-safety: a series is not shared-mutable: building calls (add,
 *    set_day) need exclusive access; a series that is no longer modified may
 *    be read by any number of threads at once (forecasts, backtests, info).
 *    No function uses global mutable state. */
#ifndef OMNIQ_FORECAST_H
#define OMNIQ_FORECAST_H

#include <stdint.h>

#include "omniq/calendar.h"
#include "omniq/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oq_volume_series oq_volume_series;

/* "No date": for fields that take an optional date. */
#define OQ_FORECAST_NO_DATE INT32_MIN

/* ---- series ----------------------------------------------------------------- */

/* A new, empty series of `interval_s`-second intervals (1 .. 86400, dividing
 * 86400: 300 for 5 minutes, 1800 for half hours, 86400 for daily counts).
 * `alloc` (NULL: malloc) and `alloc_user` serve every allocation of the series.
 * Errors: OQ_EINVAL (NULL out, bad interval), OQ_ENOMEM.
 * *out belongs to the caller: destroy it with oq_volume_series_destroy. */
OQ_API oq_status oq_volume_series_create(int32_t interval_s, oq_alloc_fn alloc, void *alloc_user,
                                         oq_volume_series **out, oq_error *err);

/* Free a series. NULL is a no-op. */
OQ_API void oq_volume_series_destroy(oq_volume_series *s);

/* Append the volume of interval `interval` (0 .. intervals per day - 1) of
 * `date`. Appends must come in time order: (date, interval) strictly after the
 * last one appended or set. `volume` >= 0 and finite; `aht_s` is the mean
 * handle time in seconds of the interval's contacts, or 0 when unknown.
 * Errors: OQ_EINVAL (range, order, negative or non-finite value: *err names
 * it), OQ_ENOMEM. */
OQ_API oq_status oq_volume_series_add(oq_volume_series *s, int32_t date, int32_t interval,
                                      double volume, double aht_s, oq_error *err);

/* Set a whole day at once: volumes[0..n-1] with n == intervals per day;
 * aht_s may be NULL (unknown) or hold n handle times (0: unknown). The date
 * may be any date; a date already present is replaced. Same value rules and
 * errors as oq_volume_series_add. */
OQ_API oq_status oq_volume_series_set_day(oq_volume_series *s, int32_t date, const double *volumes,
                                          const double *aht_s, int32_t n, oq_error *err);

/* Load a series from a CSV file with a header line naming its columns (any
 * order): `start` (the interval's local start, "YYYY-MM-DD HH:MM" or
 * "YYYY-MM-DD HH:MM:SS", a 'T' may separate date and time), `volume` (>= 0,
 * may be fractional), optional `aht` (seconds) and optional `queue`. Fields
 * may be double-quoted; blank lines and lines starting with '#' are skipped.
 * `queue` selects the rows of one queue (NULL: the file must hold one queue
 * or have no queue column). `interval_s` 0 infers the interval (the most
 * common gap between rows of a day); a multiple of the file's interval
 * aggregates (volumes summed, AHT volume-weighted). Errors (OQ_EINVAL, *err
 * gives path and line): unreadable file, missing or unknown column, bad date
 * or number, negative volume, unsorted or duplicate timestamps, mixed
 * interval lengths, no rows (for that queue). OQ_ENOMEM.
 * *out belongs to the caller: destroy it with oq_volume_series_destroy. */
OQ_API oq_status oq_volume_series_load_csv(const char *path, const char *queue, int32_t interval_s,
                                           oq_alloc_fn alloc, void *alloc_user,
                                           oq_volume_series **out, oq_error *err);

/* The queues named in a CSV file's `queue` column, in order of first
 * appearance, as one string of names each followed by '\n' (malloc'd: free
 * with oq_free). *out_count is their number (0 and "" when the file has no
 * queue column). Errors as oq_volume_series_load_csv for the header and
 * fields; OQ_ENOMEM. */
OQ_API oq_status oq_volume_csv_queues(const char *path, char **out_names, int32_t *out_count,
                                      oq_error *err);

/* The shape of a loaded volume series (oq_volume_series_info_get): interval
 * length, intervals per day, first and last date, days, whether handle times
 * were given and the total volume. */
typedef struct oq_volume_series_info {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_volume_series_info) */
    int32_t interval_s;         /* interval length, seconds */
    int32_t intervals_per_day;  /* 86400 / interval_s */
    int32_t first_date;         /* first day present (OQ_FORECAST_NO_DATE when empty) */
    int32_t last_date;          /* last day present (OQ_FORECAST_NO_DATE when empty) */
    int32_t days;               /* days present */
    int32_t has_aht;            /* 1 when some interval has a handle time */
    int32_t reserved;
    double total_volume;        /* sum of all volumes */
} oq_volume_series_info;

/* Describe a series. Set out->struct_size first (OQ_OUTPUT_INIT); only that
 * many bytes are written (core.h: versioned structs). Errors: OQ_EINVAL
 * (NULL, struct_size out of range: *err, which may be NULL, names the
 * struct). Read-only: several threads may call it on a series no thread is
 * changing. */
OQ_API oq_status oq_volume_series_info_get(const oq_volume_series *s, oq_volume_series_info *out,
                                           oq_error *err);

/* The queue name the series was loaded for ("" when none). Owned by the series. */
OQ_API const char *oq_volume_series_queue(const oq_volume_series *s);

/* Copy the volumes of `date` into volumes[0..n-1] (n == intervals per day) and,
 * when aht_s is not NULL, the handle times (0: unknown). *present is 1 when the
 * day is in the series, else 0 and the arrays are zeroed. Errors: OQ_EINVAL. */
OQ_API oq_status oq_volume_series_day(const oq_volume_series *s, int32_t date, double *volumes,
                                      double *aht_s, int32_t n, int32_t *present);

/* A new series with longer intervals: interval_s must be a multiple of the
 * series' interval and divide 86400. Volumes are summed, handle times
 * volume-weighted. Uses the series' allocator. Errors: OQ_EINVAL, OQ_ENOMEM.
 * *out belongs to the caller: destroy it with oq_volume_series_destroy. */
OQ_API oq_status oq_volume_series_aggregate(const oq_volume_series *s, int32_t interval_s,
                                            oq_volume_series **out, oq_error *err);

/* ---- methods --------------------------------------------------------------- */

/* Forecasting methods (int32_t values of oq_forecast_options.method). */
#define OQ_FORECAST_SEASONAL_NAIVE 0 /* the last ordinary day of the same weekday */
#define OQ_FORECAST_HA             1 /* mean of the last ha_weeks ordinary same weekdays */
#define OQ_FORECAST_EWHA           2 /* exponentially weighted mean of the same weekdays */
#define OQ_FORECAST_DAY_LEVEL      3 /* weekday profile x the level of recent days */
#define OQ_FORECAST_HOLT_WINTERS   4 /* double-seasonal Holt-Winters (Taylor 2003) */
#define OQ_FORECAST_AUTO           5 /* per origin, the method with the best recent backtest */
#define OQ_FORECAST_METHODS        6 /* number of methods */

/* The method's name: "seasonal-naive", "ha", "ewha", "day-level",
 * "holt-winters", "auto"; NULL for an unknown value. Static, thread-safe. */
OQ_API const char *oq_forecast_method_name(int32_t method);

/* The method named `name` (as oq_forecast_method_name gives; "snaive", "hw" and
 * "level" are accepted too). Errors: OQ_EINVAL (NULL), OQ_ENOTFOUND. */
OQ_API oq_status oq_forecast_method_parse(const char *name, int32_t *out);

/* ---- special days ------------------------------------------------------------ */

/* Kinds of special day. Every special day is left out of the history the
 * methods learn from, and replaces what the options' calendar says of its date
 * (hours included); when it is forecast: */
#define OQ_SPECIAL_CLOSED       0 /* no contacts */
#define OQ_SPECIAL_FACTOR       1 /* the regular forecast x factor */
#define OQ_SPECIAL_LIKE_DATE    2 /* the actual volumes of like_date (in the history) x factor */
#define OQ_SPECIAL_LIKE_WEEKDAY 3 /* the regular forecast of a like_weekday x factor */

/* A dated exception for a forecast: closed, scaled, like another date, or like
 * another weekday (OQ_SPECIAL_*), times `factor`. */
typedef struct oq_special_day {
    int32_t date;          /* the special date */
    int32_t kind;          /* OQ_SPECIAL_* */
    int32_t like_date;     /* OQ_SPECIAL_LIKE_DATE: a present day of the series, before the origin */
    int32_t like_weekday;  /* OQ_SPECIAL_LIKE_WEEKDAY: 0 = Monday .. 6 = Sunday */
    double factor;         /* > 0 for every kind but OQ_SPECIAL_CLOSED (1: unchanged) */
} oq_special_day;

/* ---- forecasts --------------------------------------------------------------- */

/* Options of oq_forecast: method, horizon, seasonality, intraday re-forecast,
 * special days, calendar and prediction quantile. Fill with
 * oq_forecast_options_init. */
typedef struct oq_forecast_options {
    uint32_t struct_size;      /* set by oq_forecast_options_init */
    int32_t method;            /* OQ_FORECAST_*; default OQ_FORECAST_AUTO */
    int32_t ha_weeks;          /* k of HA (1..520); default 8 */
    int32_t level_window_days; /* days the day-level model fits its level on (7..3650); default 56 */
    int32_t auto_window_days;  /* days of backtest auto chooses on (1..3650); default 28 */
    int32_t calibration_days;  /* days of backtest the intervals are calibrated on (0..3650; 0: no
                                  calibration, Poisson intervals); default 56 */
    double ew_alpha;           /* EWHA: weight of the most recent week, (0,1]; default 0.1 */
    double level_alpha;        /* day-level: smoothing of the day's level, (0,1]; default 1 */
    double hw_alpha;           /* Holt-Winters smoothing of the level, daily and weekly */
    double hw_delta;           /*   seasonal indices, in [0,1]; a negative value (default) */
    double hw_omega;           /*   estimates them on the history before the origin */
    double quantile;           /* 0: none; in (0,1): each row's `quantile` is this quantile */
    const oq_calendar *calendar;          /* NULL, or a calendar (read during the call): its
                                             holidays, closed days and days without hours are
                                             not history and are forecast closed; days with
                                             special hours are not history; intervals outside
                                             the hours are forecast 0 */
    const oq_special_day *special_days;   /* n_special_days entries (read during the call) */
    int32_t n_special_days;
    int32_t reserved;          /* 0 */
    oq_alloc_fn alloc;         /* working memory; NULL: malloc */
    void *alloc_user;
} oq_forecast_options;

/* Defaults (above). Errors: OQ_EINVAL (NULL). */
OQ_API oq_status oq_forecast_options_init(oq_forecast_options *opts);

/* Kinds of forecast day (oq_forecast_row.day_kind). */
#define OQ_FORECAST_DAY_REGULAR 0 /* an ordinary day */
#define OQ_FORECAST_DAY_CLOSED  1 /* closed: a special or calendar closure, or a weekday without history */
#define OQ_FORECAST_DAY_SPECIAL 2 /* a special day (factor, like-day, holiday with hours) */
#define OQ_FORECAST_DAY_ACTUAL  3 /* intraday rows before the re-forecast time: the actuals */

/* One interval of a forecast: its start, the forecast volume, the 80 % and
 * 95 % prediction intervals, the asked quantile and the handle time. */
typedef struct oq_forecast_row {
    int32_t date;        /* civil date */
    int32_t interval;    /* index within the day; starts interval * interval_s after midnight */
    int32_t method;      /* the method that produced it (auto: the one chosen) */
    int32_t day_kind;    /* OQ_FORECAST_DAY_* */
    double volume;       /* the forecast (mean) */
    double lo80, hi80;   /* central 80 % prediction interval (counts) */
    double lo95, hi95;   /* central 95 % prediction interval */
    double quantile;     /* the options' quantile of the forecast (0 when not asked) */
    double aht_s;        /* forecast handle time (history's volume-weighted mean), 0 when unknown */
} oq_forecast_row;

/* How a forecast was made (oq_forecast_run, the intraday re-forecast): the
 * method used, the days of history fitted and left out, and the calibration
 * of its prediction intervals. */
typedef struct oq_forecast_info {
    uint32_t struct_size;      /* set by the caller: OQ_OUTPUT_INIT(oq_forecast_info) */
    int32_t method;            /* the method used (auto: the one chosen at the origin) */
    int32_t history_days;      /* ordinary days before the origin */
    int32_t excluded_days;     /* special, holiday and closed days left out of the history */
    int32_t calibration_days;  /* days the prediction intervals were calibrated on */
    int32_t reserved;
    double dispersion80;       /* over-dispersion phi of the 80 % interval: var = m + phi m^2 */
    double dispersion95;       /* the same for the 95 % interval */
    double level80;            /* central probability the 80 % interval is drawn at: 0.80, or
                                  less when even Poisson intervals (integers) covered more */
    double level95;            /* the same for the 95 % interval */
    double day_factor;         /* intraday: the multiplier applied to the rest of the day; else 1 */
} oq_forecast_info;

/* Forecast `n_days` days (1..3660) from `first_date` on, using only the series'
 * days before first_date (first_date may lie inside the series: a forecast as
 * it would have been made then). Writes n_days * intervals_per_day rows, day by
 * day, into rows[0..n_rows-1] and, when info is not NULL, *info (its
 * struct_size set by the caller, OQ_OUTPUT_INIT; only that many bytes are
 * written, and a size out of range is OQ_EINVAL before anything is done).
 * Errors: OQ_EINVAL (NULL, bad options: *err names the field; a special day's
 * like_date not in the history), OQ_ERANGE (n_rows too small: *err says how
 * many are needed), OQ_ESTATE (no ordinary day before first_date), OQ_ENOMEM.
 * rows are untouched on error. */
OQ_API oq_status oq_forecast_run(const oq_volume_series *s, int32_t first_date, int32_t n_days,
                                 const oq_forecast_options *opts, oq_forecast_row *rows,
                                 int32_t n_rows, oq_forecast_info *info, oq_error *err);

/* Re-forecast the rest of `date` from its actuals: intervals 0..from_interval-1
 * of `date` in the series are what happened so far (later intervals of that
 * day in the series are ignored). The day's forecast from the days before
 * `date` is scaled for the remaining intervals by what the morning says
 * about them: a gamma-Poisson update of the day's level, or a regression of
 * the rest of the day's ratio actual / forecast on the morning's, whichever
 * re-forecast the calibration days before `date` best. Writes the whole day
 * (intervals_per_day rows): the actuals before from_interval (day_kind
 * OQ_FORECAST_DAY_ACTUAL), the re-forecast after.
 * from_interval in 0..intervals_per_day (0: the plain day-ahead forecast).
 * Errors as oq_forecast_run. */
OQ_API oq_status oq_forecast_intraday(const oq_volume_series *s, int32_t date,
                                      int32_t from_interval, const oq_forecast_options *opts,
                                      oq_forecast_row *rows, int32_t n_rows,
                                      oq_forecast_info *info, oq_error *err);

/* The p-quantile (0 < p < 1) of a count with mean `mean` (>= 0) and
 * over-dispersion `dispersion` (>= 0): negative binomial with variance
 * mean + dispersion * mean^2, Poisson when dispersion is 0. The smallest
 * integer k with P(X <= k) >= p. Pure, thread-safe. Errors: OQ_EINVAL. */
OQ_API oq_status oq_forecast_quantile(double mean, double dispersion, double p, double *out);

/* ---- backtests --------------------------------------------------------------- */

/* Options of a backtest: the days evaluated, the last day, the lead time and
 * the intraday re-forecast point. Fill with oq_backtest_options_init. */
typedef struct oq_backtest_options {
    uint32_t struct_size;   /* set by oq_backtest_options_init */
    int32_t days;           /* evaluate the last `days` days up to end_date (1..3660); default 28 */
    int32_t end_date;       /* last evaluated day; OQ_FORECAST_NO_DATE (default): the series' last */
    int32_t lead_days;      /* 1: next day (default), 7: a week ahead (1..366) */
    int32_t intraday_from;  /* >= 0: also evaluate the re-forecast from this interval of each day
                               (0..intervals_per_day - 1); -1 (default): not */
} oq_backtest_options;

/* Defaults (above). Errors: OQ_EINVAL (NULL). */
OQ_API oq_status oq_backtest_options_init(oq_backtest_options *opts);

/* One method's accuracy over a backtest: WAPE, MAPE, RMSE, coverage of the
 * 80 % and 95 % intervals, and the intraday re-forecast's gain. */
typedef struct oq_backtest_result {
    uint32_t struct_size;   /* set by the caller: OQ_OUTPUT_INIT(oq_backtest_result) */
    int32_t method;         /* the method evaluated */
    int32_t chosen;         /* auto: the method chosen most often; else == method */
    int32_t days;           /* days evaluated (ordinary days with history) */
    int64_t intervals;      /* intervals evaluated */
    double actual;          /* sum of the actual volumes */
    double forecast;        /* sum of the forecasts */
    double wape;            /* sum |actual - forecast| / sum actual (NaN when no volume) */
    double mape;            /* mean |actual - forecast| / actual over intervals with actual > 0 */
    double rmse;            /* root mean squared error per interval */
    double coverage80;      /* share of intervals inside their 80 % interval (intervals with
                               forecast or actual above 0) */
    double coverage95;      /* the same for 95 % */
    double intraday_before; /* intraday_from >= 0: WAPE over the intervals from intraday_from on
                               of the day-ahead forecast ... */
    double intraday_after;  /* ... and of the re-forecast from the day's earlier actuals */
} oq_backtest_result;

/* Rolling-origin backtest of `opts->method` on `s`: each evaluated day D is
 * forecast from origin D - lead_days + 1 (only the days before it), and
 * compared with what happened. Evaluated: the ordinary days (not special,
 * holiday or closed, present in the series) among the last bt->days days up to
 * bt->end_date. Set out->struct_size first (OQ_OUTPUT_INIT): only that many
 * bytes are written (core.h: versioned structs). Errors: OQ_EINVAL (NULL, bad
 * options, out->struct_size out of range), OQ_ESTATE (no day to evaluate),
 * OQ_ENOMEM. *out untouched on error. */
OQ_API oq_status oq_forecast_backtest(const oq_volume_series *s, const oq_forecast_options *opts,
                                      const oq_backtest_options *bt, oq_backtest_result *out,
                                      oq_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_FORECAST_H */
