/* SPDX-License-Identifier: MIT */
/* The frame a forecast works on: every day from the series' first date to the
 * last day to forecast, each classified as history or not, and how it is to
 * be forecast (special days, calendar closures and hours). */
#include <string.h>

#include "forecast/internal.h"

#define MAX_FRAME_DAYS 40000 /* about 110 years: bounds memory against absurd dates */

void oq__frame_free(fc_frame *f)
{
    if (!f->mem)
        return;
    size_t n = (size_t)f->n, cells = n * (size_t)f->per_day;
    oq__free(f->mem, f->vol, cells * sizeof *f->vol);
    oq__free(f->mem, f->aht, cells * sizeof *f->aht);
    oq__free(f->mem, f->total, n * sizeof *f->total);
    oq__free(f->mem, f->state, n);
    oq__free(f->mem, f->target, n);
    oq__free(f->mem, f->factor, n * sizeof *f->factor);
    oq__free(f->mem, f->like, n * sizeof *f->like);
    oq__free(f->mem, f->open, cells);
    memset(f, 0, sizeof *f);
}

static oq_status special_error(oq_error *err, int32_t i, const oq_special_day *d, const char *msg)
{
    char a[16];
    oq__fc_format_date(d->date, a, sizeof a);
    return oq__error(err, OQ_EINVAL, NULL, 0, 0, "special_days[%d] (%s): %s", (int)i, a, msg);
}

/* Check the special days (all of them, in the frame or not). */
static oq_status check_special(const oq_volume_series *s, const oq_forecast_options *o,
                               oq_error *err)
{
    if (o->n_special_days < 0 || (o->n_special_days > 0 && !o->special_days))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "special_days: %d entries at %s", (int)o->n_special_days,
                         o->special_days ? "a pointer" : "NULL");
    for (int32_t i = 0; i < o->n_special_days; i++) {
        const oq_special_day *d = &o->special_days[i];
        if (d->date < -719162 || d->date > 2932896)
            return special_error(err, i, d, "date outside 0001-01-01 .. 9999-12-31");
        if (d->kind < OQ_SPECIAL_CLOSED || d->kind > OQ_SPECIAL_LIKE_WEEKDAY)
            return special_error(err, i, d, "kind is not an OQ_SPECIAL_* value");
        if (d->kind != OQ_SPECIAL_CLOSED && !(d->factor > 0 && d->factor < 1e9))
            return special_error(err, i, d,
                                 "factor must be > 0 (1: unchanged; OQ_SPECIAL_CLOSED for none)");
        if (d->kind == OQ_SPECIAL_LIKE_WEEKDAY && (d->like_weekday < 0 || d->like_weekday > 6))
            return special_error(err, i, d, "like_weekday must be 0 (Monday) .. 6 (Sunday)");
        if (d->kind == OQ_SPECIAL_LIKE_DATE && oq__series_find(s, d->like_date) < 0)
            return special_error(err, i, d, "like_date is not a day of the series");
        for (int32_t j = 0; j < i; j++)
            if (o->special_days[j].date == d->date)
                return special_error(err, i, d, "the date is already a special day");
    }
    return OQ_OK;
}

/* Whether any part of interval s of `date` is within the calendar's hours. */
static oq_status interval_open(const oq_calendar *cal, int32_t date, int32_t s, int32_t interval_s,
                               int *open)
{
    int64_t from, to, ms;
    int32_t a = s * interval_s * 1000, b = (s + 1) * interval_s * 1000;
    oq_status st = oq_calendar_from_local(cal, date, a, &from);
    if (st == OQ_OK)
        st = b >= OQ_MS_PER_DAY ? oq_calendar_from_local(cal, date + 1, 0, &to)
                                : oq_calendar_from_local(cal, date, b, &to);
    if (st == OQ_OK)
        st = oq_calendar_business_ms(cal, from, to < from ? from : to, &ms);
    *open = st == OQ_OK && ms > 0;
    return st;
}

/* The calendar's say: holidays, closed days and days without hours are not
 * history and are forecast closed; days with special hours are not history;
 * intervals outside the hours are forecast 0. */
static oq_status apply_calendar(fc_frame *f, const oq_calendar *cal, oq_error *err)
{
    size_t pd = (size_t)f->per_day;
    for (int32_t d = 0; d < f->n; d++) {
        int32_t date = f->date0 + d, kind;
        int64_t open_ms = 0;
        oq_status st = oq_calendar_day_kind(cal, date, &kind, NULL);
        if (st == OQ_OK)
            st = oq_calendar_open_ms_of_day(cal, date, &open_ms);
        if (st != OQ_OK) {
            char a[16];
            oq__fc_format_date(date, a, sizeof a);
            return oq__error(err, st, NULL, 0, 0, "calendar: cannot classify %s (%s)", a,
                             oq_status_str(st));
        }
        int present = f->state[d] != FD_ABSENT;
        if (kind == OQ_DAY_HOLIDAY || kind == OQ_DAY_CLOSED || open_ms == 0) {
            f->state[d] = present ? FD_SPECIAL : FD_ABSENT;
            f->target[d] = FT_CLOSED;
            f->factor[d] = 0;
            continue;
        }
        if (kind == OQ_DAY_SPECIAL) {
            if (present)
                f->state[d] = FD_SPECIAL;
            f->target[d] = FT_FACTOR;
        }
        if (open_ms >= OQ_MS_PER_DAY && kind == OQ_DAY_REGULAR)
            continue; /* open all day: nothing to mask */
        for (int32_t s = 0; s < f->per_day; s++) {
            int open;
            st = interval_open(cal, date, s, f->interval_s, &open);
            if (st != OQ_OK)
                return oq__error(err, st, NULL, 0, 0, "calendar: %s", oq_status_str(st));
            if (open)
                continue;
            if (!f->open) {
                f->open = oq__alloc(f->mem, (size_t)f->n * pd);
                if (!f->open)
                    return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
                memset(f->open, 1, (size_t)f->n * pd);
            }
            f->open[(size_t)d * pd + (size_t)s] = 0;
        }
    }
    return OQ_OK;
}

oq_status oq__frame_build(fc_frame *f, oq_mem *mem, const oq_volume_series *s,
                          int32_t last_target_date, const oq_forecast_options *o, oq_error *err)
{
    memset(f, 0, sizeof *f);
    if (s->n_days == 0)
        return oq__error(err, OQ_ESTATE, NULL, 0, 0, "the series is empty (no history)");
    oq_status st = check_special(s, o, err);
    if (st != OQ_OK)
        return st;
    int32_t date0 = s->dates[0];
    int32_t last = s->dates[s->n_days - 1];
    if (last_target_date > last)
        last = last_target_date;
    if ((int64_t)last - date0 + 1 > MAX_FRAME_DAYS)
        return oq__error(err, OQ_ERANGE, NULL, 0, 0,
                         "the series and forecast span %lld days (at most %d)",
                         (long long)last - date0 + 1, MAX_FRAME_DAYS);
    f->mem = mem;
    f->per_day = s->per_day;
    f->interval_s = s->interval_s;
    f->date0 = date0;
    f->n = last - date0 + 1;
    f->weekday0 = oq_date_weekday(date0);
    size_t n = (size_t)f->n, cells = n * (size_t)f->per_day;
    f->vol = oq__calloc(mem, cells, sizeof *f->vol);
    f->aht = s->aht ? oq__calloc(mem, cells, sizeof *f->aht) : NULL;
    f->total = oq__calloc(mem, n, sizeof *f->total);
    f->state = oq__calloc(mem, n, 1);
    f->target = oq__calloc(mem, n, 1);
    f->factor = oq__calloc(mem, n, sizeof *f->factor);
    f->like = oq__calloc(mem, n, sizeof *f->like);
    if (!f->vol || (s->aht && !f->aht) || !f->total || !f->state || !f->target || !f->factor ||
        !f->like) {
        oq__frame_free(f);
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t pd = (size_t)f->per_day;
    for (int32_t d = 0; d < s->n_days; d++) {
        size_t day = (size_t)(s->dates[d] - date0);
        memcpy(f->vol + day * pd, s->vol + (size_t)d * pd, pd * sizeof(double));
        if (f->aht)
            memcpy(f->aht + day * pd, s->aht + (size_t)d * pd, pd * sizeof(double));
        double t = 0;
        for (size_t i = 0; i < pd; i++)
            t += s->vol[(size_t)d * pd + i];
        f->total[day] = t;
        f->state[day] = FD_ORDINARY;
    }
    for (int32_t i = 0; i < f->n; i++)
        f->factor[i] = 1;
    if (o->calendar) {
        st = apply_calendar(f, o->calendar, err);
        if (st != OQ_OK) {
            oq__frame_free(f);
            return st;
        }
    }
    /* explicit special days override the calendar for their dates */
    for (int32_t i = 0; i < o->n_special_days; i++) {
        const oq_special_day *sd = &o->special_days[i];
        int64_t day = (int64_t)sd->date - date0;
        if (day < 0 || day >= f->n)
            continue;
        int present = f->state[day] == FD_ORDINARY || f->state[day] == FD_SPECIAL;
        if (present)
            f->state[day] = sd->kind == OQ_SPECIAL_CLOSED ? FD_CLOSED : FD_SPECIAL;
        else
            f->state[day] = FD_ABSENT;
        f->factor[day] = sd->kind == OQ_SPECIAL_CLOSED ? 0 : sd->factor;
        if (f->open) /* the special day replaces the calendar's hours too */
            memset(f->open + (size_t)day * pd, 1, pd);
        switch (sd->kind) {
        case OQ_SPECIAL_CLOSED: f->target[day] = FT_CLOSED; break;
        case OQ_SPECIAL_FACTOR: f->target[day] = FT_FACTOR; break;
        case OQ_SPECIAL_LIKE_DATE:
            f->target[day] = FT_LIKE_DATE;
            f->like[day] = sd->like_date - date0;
            break;
        default:
            f->target[day] = FT_LIKE_WEEKDAY;
            f->like[day] = sd->like_weekday;
            break;
        }
    }
    return OQ_OK;
}
