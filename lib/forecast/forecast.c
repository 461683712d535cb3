/* SPDX-License-Identifier: MIT */
/* Public forecasts: options, method names, oq_forecast_run and the intraday
 * re-forecast. */
#include <math.h>
#include <string.h>

#include "forecast/internal.h"

static const char *const METHOD_NAMES[OQ_FORECAST_METHODS] = {
    "seasonal-naive", "ha", "ewha", "day-level", "holt-winters", "auto",
};

const char *oq_forecast_method_name(int32_t method)
{
    return method >= 0 && method < OQ_FORECAST_METHODS ? METHOD_NAMES[method] : NULL;
}

oq_status oq_forecast_method_parse(const char *name, int32_t *out)
{
    static const struct {
        const char *alias;
        int32_t method;
    } ALIASES[] = {{"snaive", OQ_FORECAST_SEASONAL_NAIVE},
                   {"hw", OQ_FORECAST_HOLT_WINTERS},
                   {"level", OQ_FORECAST_DAY_LEVEL}};
    if (!name || !out)
        return OQ_EINVAL;
    for (int32_t i = 0; i < OQ_FORECAST_METHODS; i++)
        if (strcmp(name, METHOD_NAMES[i]) == 0) {
            *out = i;
            return OQ_OK;
        }
    for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
        if (strcmp(name, ALIASES[i].alias) == 0) {
            *out = ALIASES[i].method;
            return OQ_OK;
        }
    return OQ_ENOTFOUND;
}

oq_status oq_forecast_options_init(oq_forecast_options *o)
{
    if (!o)
        return OQ_EINVAL;
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->method = OQ_FORECAST_AUTO;
    o->ha_weeks = 8;
    o->level_window_days = 56;
    o->auto_window_days = 28;
    o->calibration_days = 56;
    o->ew_alpha = 0.1;
    o->level_alpha = 1.0;
    o->hw_alpha = o->hw_delta = o->hw_omega = -1;
    return OQ_OK;
}

oq_status oq__check_options(const oq_forecast_options *opts, oq_forecast_options *full,
                            oq_error *err)
{
    char why[OQ__ABI_MSG];
    if (!opts)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "options: NULL");
    if (OQ__OPTIONS_COPY(full, opts, oq_forecast_options, method, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "options: %s", why);
    const oq_forecast_options *o = full;
#define BAD(cond, ...)                                                                             \
    do {                                                                                           \
        if (cond)                                                                                  \
            return oq__error(err, OQ_EINVAL, NULL, 0, 0, __VA_ARGS__);                             \
    } while (0)
    BAD(o->method < 0 || o->method >= OQ_FORECAST_METHODS, "options.method: %d is not an OQ_FORECAST_* value", (int)o->method);
    BAD(o->ha_weeks < 1 || o->ha_weeks > 520, "options.ha_weeks: %d is outside 1 .. 520", (int)o->ha_weeks);
    BAD(o->level_window_days < 7 || o->level_window_days > 3650, "options.level_window_days: %d is outside 7 .. 3650", (int)o->level_window_days);
    BAD(o->auto_window_days < 1 || o->auto_window_days > 3650, "options.auto_window_days: %d is outside 1 .. 3650", (int)o->auto_window_days);
    BAD(o->calibration_days < 0 || o->calibration_days > 3650, "options.calibration_days: %d is outside 0 .. 3650", (int)o->calibration_days);
    BAD(!(o->ew_alpha > 0 && o->ew_alpha <= 1), "options.ew_alpha: %g is outside (0, 1]", o->ew_alpha);
    BAD(!(o->level_alpha > 0 && o->level_alpha <= 1), "options.level_alpha: %g is outside (0, 1]", o->level_alpha);
    BAD(!(o->hw_alpha <= 1) || !(o->hw_delta <= 1) || !(o->hw_omega <= 1),
        "options.hw_alpha/hw_delta/hw_omega: %g/%g/%g (each in [0, 1], or negative to estimate)",
        o->hw_alpha, o->hw_delta, o->hw_omega);
    BAD(!(o->quantile == 0 || (o->quantile > 0 && o->quantile < 1)), "options.quantile: %g is outside (0, 1) (0: none)", o->quantile);
    BAD(o->reserved != 0, "options.reserved: must be 0");
#undef BAD
    return OQ_OK;
}

/* The candidates auto chooses from; the first serves until there is evidence. */
static const int32_t CANDIDATES[] = {OQ_FORECAST_EWHA, OQ_FORECAST_HA, OQ_FORECAST_SEASONAL_NAIVE,
                                     OQ_FORECAST_DAY_LEVEL, OQ_FORECAST_HOLT_WINTERS};
#define N_CANDIDATES ((int32_t)(sizeof CANDIDATES / sizeof CANDIDATES[0]))

oq_status oq__method_tracks(fc_models *m, int32_t method, int32_t lead, int32_t first,
                            int32_t count, int coverage, fc_track *out, fc_track *cand)
{
    if (method != OQ_FORECAST_AUTO)
        return oq__track_method(m, method, lead, first, count, coverage, out);
    int32_t window = m->o->auto_window_days;
    oq_status st = OQ_OK;
    int32_t made = 0;
    for (; made < N_CANDIDATES && st == OQ_OK; made++) {
        st = oq__track_method(m, CANDIDATES[made], lead, first - lead + 1 - window,
                              count + lead - 1 + window, 0, &cand[made]);
        if (st != OQ_OK)
            break;
    }
    if (st == OQ_OK)
        st = oq__track_auto(m, cand, N_CANDIDATES, lead, first, count, coverage, out);
    for (int32_t c = 0; c < made; c++)
        oq__track_free(m->f->mem, &cand[c]);
    return st;
}

oq_status oq__fit_origin(fc_models *m, int32_t origin, int32_t lead, int32_t intraday_from,
                         fc_fit *fit)
{
    const oq_forecast_options *o = m->o;
    int32_t cal = o->calibration_days;
    memset(fit, 0, sizeof *fit);
    fit->b80 = (fc_band){0, 0.80};
    fit->b95 = (fc_band){0, 0.95};
    fit->method = o->method;
    fit->intraday.prior = 100; /* no calibration days: a moderate prior */
    fit->intraday.from = intraday_from;
    int32_t window = o->method == OQ_FORECAST_AUTO ? o->auto_window_days : 0;
    int32_t days = cal > 0 ? cal : 1;
    fc_track cand[N_CANDIDATES];
    fc_track t;
    /* auto: candidates over the days before the origin, the choice at the origin */
    if (o->method == OQ_FORECAST_AUTO) {
        int32_t made = 0;
        oq_status st = OQ_OK;
        for (; made < N_CANDIDATES; made++) {
            st = oq__track_method(m, CANDIDATES[made], lead, origin - window, window, 0,
                                  &cand[made]);
            if (st != OQ_OK)
                break;
        }
        int32_t c = st == OQ_OK ? oq__auto_choose(cand, N_CANDIDATES, origin, window) : 0;
        for (int32_t k = 0; k < made; k++)
            oq__track_free(m->f->mem, &cand[k]);
        if (st != OQ_OK)
            return st;
        fit->method = CANDIDATES[c < 0 ? 0 : c];
    }
    if (cal == 0)
        return OQ_OK;
    oq_status st = oq__method_tracks(m, o->method, lead, origin - days, days, 1, &t, cand);
    if (st != OQ_OK)
        return st;
    fit->cal_days = oq__calibrate(&t, origin, days, &fit->b80, &fit->b95);
    if (intraday_from >= 0)
        oq__intraday_fit(m->f, &t, origin, days, intraday_from, &fit->intraday);
    oq__track_free(m->f->mem, &t);
    return OQ_OK;
}

double oq__fit_quantile(const fc_fit *fit, double mu, double q)
{
    /* the band of the quantile's central probability, between the 80 % and 95 % ones */
    double c = fabs(2 * q - 1), t = c <= 0.80 ? 0 : c >= 0.95 ? 1 : (c - 0.80) / 0.15;
    double phi = fit->b80.phi + t * (fit->b95.phi - fit->b80.phi);
    double narrow = fit->b80.level / 0.80 + t * (fit->b95.level / 0.95 - fit->b80.level / 0.80);
    return oq__count_quantile(mu, phi, 0.5 + (q - 0.5) * narrow);
}

/* Volume-weighted handle time of each interval over the recent same weekdays. */
static void aht_forecast(const fc_frame *f, int32_t origin, int32_t target, int32_t k, double *out)
{
    int32_t pd = f->per_day;
    memset(out, 0, (size_t)pd * sizeof *out);
    if (!f->aht)
        return;
    int32_t days[520];
    int32_t n = oq__same_weekdays(f, origin, target, k < 520 ? k : 520, days);
    double all_work = 0, all_vol = 0;
    for (int32_t s = 0; s < pd; s++) {
        double work = 0, vol = 0;
        for (int32_t q = 0; q < n; q++) {
            size_t c = (size_t)days[q] * (size_t)pd + (size_t)s;
            if (f->aht[c] > 0) {
                work += f->vol[c] * f->aht[c];
                vol += f->vol[c];
            }
        }
        out[s] = vol > 0 ? work / vol : 0;
        all_work += work;
        all_vol += vol;
    }
    for (int32_t s = 0; s < pd; s++)
        if (out[s] == 0 && all_vol > 0)
            out[s] = all_work / all_vol;
}

oq_status oq__target_forecast(fc_models *m, const fc_fit *fit, int32_t origin, int32_t target,
                              double *out, int32_t *kind, oq_error *err)
{
    const fc_frame *f = m->f;
    int32_t pd = f->per_day;
    int r = 1;
    *kind = OQ_FORECAST_DAY_REGULAR;
    switch (f->target[target]) {
    case FT_CLOSED:
        memset(out, 0, (size_t)pd * sizeof *out);
        *kind = OQ_FORECAST_DAY_CLOSED;
        return OQ_OK;
    case FT_LIKE_DATE: {
        int32_t like = f->like[target];
        if (like >= origin) {
            char a[16], b[16];
            oq__fc_format_date(f->date0 + target, a, sizeof a);
            oq__fc_format_date(f->date0 + like, b, sizeof b);
            return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                             "special day %s: like_date %s is not before the forecast origin", a, b);
        }
        memcpy(out, f->vol + (size_t)like * (size_t)pd, (size_t)pd * sizeof *out);
        break;
    }
    case FT_LIKE_WEEKDAY: {
        /* the first day of that weekday at or after the origin stands in */
        int32_t pseudo = origin + ((f->like[target] - fc_weekday(f, origin)) % 7 + 7) % 7;
        r = oq__predict(m, fit->method, origin, pseudo, out);
        break;
    }
    default: r = oq__predict(m, fit->method, origin, target, out); break;
    }
    if (r < 0)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    if (r == 0) {
        *kind = OQ_FORECAST_DAY_CLOSED;
        return OQ_OK;
    }
    if (f->target[target] != FT_REGULAR) {
        *kind = OQ_FORECAST_DAY_SPECIAL;
        for (int32_t s = 0; s < pd; s++)
            out[s] *= f->factor[target];
    }
    fc_mask(f, target, out);
    return OQ_OK;
}

void oq__fill_rows(const fc_frame *f, const oq_forecast_options *o, const fc_fit *fit,
                   int32_t target, const double *mean, int32_t kind,
                   oq_forecast_row *rows)
{
    int32_t pd = f->per_day;
    for (int32_t s = 0; s < pd; s++) {
        oq_forecast_row *r = &rows[s];
        memset(r, 0, sizeof *r);
        r->date = f->date0 + target;
        r->interval = s;
        r->method = fit->method;
        r->day_kind = kind;
        double mu = mean[s];
        r->volume = mu;
        r->lo80 = oq__band_lo(mu, &fit->b80);
        r->hi80 = oq__band_hi(mu, &fit->b80);
        r->lo95 = oq__band_lo(mu, &fit->b95);
        r->hi95 = oq__band_hi(mu, &fit->b95);
        r->quantile = o->quantile > 0 ? oq__fit_quantile(fit, mu, o->quantile) : 0;
    }
}

void oq__fill_aht(const fc_frame *f, const oq_forecast_options *o, int32_t origin, int32_t target,
                  double *scratch, oq_forecast_row *rows)
{
    if (!f->aht)
        return;
    aht_forecast(f, origin, target, o->ha_weeks, scratch);
    for (int32_t s = 0; s < f->per_day; s++)
        rows[s].aht_s = scratch[s];
}

static int32_t count_days(const fc_frame *f, int32_t origin, int ordinary)
{
    int32_t n = 0;
    for (int32_t j = 0; j < origin && j < f->n; j++)
        n += ordinary ? f->state[j] == FD_ORDINARY
                      : f->state[j] == FD_SPECIAL || f->state[j] == FD_CLOSED;
    return n;
}

oq_status oq__begin(fc_call *c, const oq_volume_series *s, const oq_forecast_options **opts,
                    int32_t origin_date, int32_t last_date, oq_error *err)
{
    memset(c, 0, sizeof *c);
    if (!s)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "series: NULL");
    oq_status st = oq__check_options(*opts, &c->opts, err);
    if (st != OQ_OK)
        return st;
    const oq_forecast_options *o = *opts = &c->opts;
    oq__mem_init(&c->mem, o->alloc, o->alloc_user);
    st = oq__frame_build(&c->f, &c->mem, s, last_date, o, err);
    if (st != OQ_OK)
        return st;
    oq__models_init(&c->m, &c->f, o);
    int64_t origin = (int64_t)origin_date - c->f.date0;
    c->origin = origin < 0 ? 0 : origin > c->f.n ? c->f.n : (int32_t)origin;
    c->history_days = count_days(&c->f, c->origin, 1);
    c->excluded_days = count_days(&c->f, c->origin, 0);
    c->scratch = oq__alloc(&c->mem, (size_t)c->f.per_day * sizeof(double));
    if (!c->scratch) {
        oq__end(c);
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return OQ_OK;
}

void oq__end(fc_call *c)
{
    if (c->scratch)
        oq__free(&c->mem, c->scratch, (size_t)c->f.per_day * sizeof(double));
    oq__models_free(&c->m);
    oq__frame_free(&c->f);
    c->scratch = NULL;
}

static oq_status no_history(oq_error *err, int32_t date)
{
    char a[16];
    oq__fc_format_date(date, a, sizeof a);
    return oq__error(err, OQ_ESTATE, NULL, 0, 0, "no ordinary day of history before %s", a);
}

#define MAX_LEAD_FIT 7 /* leads beyond a week use the week-ahead choice and calibration */

/* *info (struct_size checked on entry) from the call's history and fit. */
static void put_info(oq_forecast_info *info, const fc_call *c, const fc_fit *fit, double factor)
{
    oq_forecast_info full = OQ_OUTPUT_INIT(oq_forecast_info);
    full.method = fit->method;
    full.history_days = c->history_days;
    full.excluded_days = c->excluded_days;
    full.calibration_days = fit->cal_days;
    full.dispersion80 = fit->b80.phi;
    full.dispersion95 = fit->b95.phi;
    full.level80 = fit->b80.level;
    full.level95 = fit->b95.level;
    full.day_factor = factor;
    oq__output_copy(info, &full, sizeof full);
}

oq_status oq_forecast_run(const oq_volume_series *s, int32_t first_date, int32_t n_days,
                          const oq_forecast_options *opts, oq_forecast_row *rows, int32_t n_rows,
                          oq_forecast_info *info, oq_error *err)
{
    if (!rows)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "rows: NULL");
    if (info && OQ__OUTPUT_CHECK(info, oq_forecast_info, method, err) != OQ_OK)
        return OQ_EINVAL;
    if (n_days < 1 || n_days > 3660)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "n_days: %d is outside 1 .. 3660", (int)n_days);
    if (first_date < -719162 || first_date > 2932896 - n_days)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "first_date: %d is out of range", (int)first_date);
    if (s && (int64_t)n_days * s->per_day > n_rows)
        return oq__error(err, OQ_ERANGE, NULL, 0, 0,
                         "rows: %d given, %lld needed (%d days x %d intervals)", (int)n_rows,
                         (long long)n_days * s->per_day, (int)n_days, (int)s->per_day);
    fc_call c;
    oq_status st = oq__begin(&c, s, &opts, first_date, first_date + n_days - 1, err);
    if (st != OQ_OK)
        return st;
    if (c.history_days == 0 || first_date <= c.f.date0) {
        oq__end(&c);
        return no_history(err, first_date);
    }
    int32_t origin = first_date - c.f.date0, pd = c.f.per_day;
    fc_fit fits[MAX_LEAD_FIT];
    int32_t n_fits = n_days < MAX_LEAD_FIT ? n_days : MAX_LEAD_FIT;
    for (int32_t l = 0; l < n_fits && st == OQ_OK; l++)
        st = oq__fit_origin(&c.m, origin, l + 1, -1, &fits[l]);
    if (st != OQ_OK) {
        oq__end(&c);
        return oq__error(err, st, NULL, 0, 0, "out of memory");
    }
    /* every day into scratch rows first: rows stay untouched on error */
    size_t bytes = (size_t)n_days * (size_t)pd * sizeof *rows;
    oq_forecast_row *tmp = oq__alloc(&c.mem, bytes);
    double *mean = oq__alloc(&c.mem, (size_t)pd * sizeof *mean);
    if (!tmp || !mean)
        st = oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    for (int32_t d = 0; d < n_days && st == OQ_OK; d++) {
        int32_t target = origin + d, kind;
        const fc_fit *fit = &fits[d < n_fits ? d : n_fits - 1];
        st = oq__target_forecast(&c.m, fit, origin, target, mean, &kind, err);
        if (st != OQ_OK)
            break;
        oq_forecast_row *day_rows = tmp + (size_t)d * (size_t)pd;
        oq__fill_rows(&c.f, opts, fit, target, mean, kind, day_rows);
        oq__fill_aht(&c.f, opts, origin, target, c.scratch, day_rows);
    }
    if (st == OQ_OK) {
        memcpy(rows, tmp, bytes);
        if (info)
            put_info(info, &c, &fits[0], 1);
    }
    if (tmp)
        oq__free(&c.mem, tmp, bytes);
    if (mean)
        oq__free(&c.mem, mean, (size_t)pd * sizeof *mean);
    oq__end(&c);
    return st;
}

oq_status oq_forecast_intraday(const oq_volume_series *s, int32_t date, int32_t from_interval,
                               const oq_forecast_options *opts, oq_forecast_row *rows,
                               int32_t n_rows, oq_forecast_info *info, oq_error *err)
{
    if (!rows)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "rows: NULL");
    if (info && OQ__OUTPUT_CHECK(info, oq_forecast_info, method, err) != OQ_OK)
        return OQ_EINVAL;
    if (!s)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "series: NULL");
    if (from_interval < 0 || from_interval > s->per_day)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "from_interval: %d is outside 0 .. %d",
                         (int)from_interval, (int)s->per_day);
    if (n_rows < s->per_day)
        return oq__error(err, OQ_ERANGE, NULL, 0, 0, "rows: %d given, %d needed", (int)n_rows,
                         (int)s->per_day);
    if (from_interval > 0 && oq__series_find(s, date) < 0) {
        char a[16];
        oq__fc_format_date(date, a, sizeof a);
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "date %s: the series has no actuals for it", a);
    }
    fc_call c;
    oq_status st = oq__begin(&c, s, &opts, date, date, err);
    if (st != OQ_OK)
        return st;
    if (c.history_days == 0 || date <= c.f.date0) {
        oq__end(&c);
        return no_history(err, date);
    }
    int32_t day = date - c.f.date0, pd = c.f.per_day, kind;
    fc_fit fit;
    st = oq__fit_origin(&c.m, day, 1, from_interval, &fit);
    if (st != OQ_OK) {
        oq__end(&c);
        return oq__error(err, st, NULL, 0, 0, "out of memory");
    }
    double *mean = oq__alloc(&c.mem, (size_t)pd * sizeof *mean);
    oq_forecast_row *tmp = oq__alloc(&c.mem, (size_t)pd * sizeof *tmp);
    if (!mean || !tmp)
        st = oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == OQ_OK)
        st = oq__target_forecast(&c.m, &fit, day, day, mean, &kind, err);
    double factor = 1;
    if (st == OQ_OK) {
        factor = oq__intraday_apply(&fit.intraday, &c.f, day, mean);
        oq__fill_rows(&c.f, opts, &fit, day, mean, kind, tmp);
        oq__fill_aht(&c.f, opts, day, day, c.scratch, tmp);
        const double *a = c.f.vol + (size_t)day * (size_t)pd;
        for (int32_t i = 0; i < from_interval; i++) {
            tmp[i].volume = tmp[i].lo80 = tmp[i].hi80 = tmp[i].lo95 = tmp[i].hi95 = a[i];
            tmp[i].quantile = opts->quantile > 0 ? a[i] : 0;
            tmp[i].day_kind = OQ_FORECAST_DAY_ACTUAL;
        }
        memcpy(rows, tmp, (size_t)pd * sizeof *tmp);
        if (info)
            put_info(info, &c, &fit, factor);
    }
    if (mean)
        oq__free(&c.mem, mean, (size_t)pd * sizeof *mean);
    if (tmp)
        oq__free(&c.mem, tmp, (size_t)pd * sizeof *tmp);
    oq__end(&c);
    return st;
}
