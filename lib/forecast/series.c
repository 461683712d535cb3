/* SPDX-License-Identifier: MIT */
/* Series of interval volumes: present days, sorted by date, a dense block of
 * intervals per day. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "forecast/internal.h"

#define MAX_DATE 2932896   /* 9999-12-31 */
#define MIN_DATE -719162   /* 0001-01-01 */

static int valid_interval(int32_t interval_s)
{
    return interval_s >= 1 && interval_s <= 86400 && 86400 % interval_s == 0;
}

static oq_status date_error(oq_error *err, int32_t date)
{
    return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                     "date %d is outside 0001-01-01 .. 9999-12-31", (int)date);
}

oq_status oq_volume_series_create(int32_t interval_s, oq_alloc_fn alloc, void *alloc_user,
                                  oq_volume_series **out, oq_error *err)
{
    if (!out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "out: NULL");
    if (!valid_interval(interval_s))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "interval_s: %d does not divide a day (1 .. 86400, a divisor of 86400)",
                         (int)interval_s);
    oq_mem mem;
    oq__mem_init(&mem, alloc, alloc_user);
    oq_volume_series *s = oq__calloc(&mem, 1, sizeof *s);
    if (!s)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    s->mem = mem;
    s->queue = oq__strndup(&s->mem, "", 0);
    if (!s->queue) {
        oq__free(&mem, s, sizeof *s); /* not through s->mem: it is inside the block */
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    }
    s->interval_s = interval_s;
    s->per_day = 86400 / interval_s;
    s->last_date = OQ_FORECAST_NO_DATE;
    s->last_interval = -1;
    *out = s;
    return OQ_OK;
}

void oq_volume_series_destroy(oq_volume_series *s)
{
    if (!s)
        return;
    oq_mem mem = s->mem;
    size_t block = (size_t)s->cap_days * (size_t)s->per_day * sizeof(double);
    oq__free(&mem, s->dates, (size_t)s->cap_days * sizeof *s->dates);
    oq__free(&mem, s->vol, block);
    oq__free(&mem, s->aht, block);
    oq__strfree(&mem, s->queue);
    oq__free(&mem, s, sizeof *s);
}

int32_t oq__series_find(const oq_volume_series *s, int32_t date)
{
    int32_t lo = 0, hi = s->n_days - 1;
    while (lo <= hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (s->dates[mid] == date)
            return mid;
        if (s->dates[mid] < date)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Grow every per-day array together, so a failure leaves the series as it was. */
static int reserve_days(oq_volume_series *s, int32_t need)
{
    if (need <= s->cap_days)
        return 1;
    int64_t ncap = s->cap_days ? (int64_t)s->cap_days * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    if (ncap > INT32_MAX / s->per_day)
        return 0;
    size_t old_block = (size_t)s->cap_days * (size_t)s->per_day * sizeof(double);
    size_t new_block = (size_t)ncap * (size_t)s->per_day * sizeof(double);
    int32_t *dates = oq__alloc(&s->mem, (size_t)ncap * sizeof *dates);
    double *vol = oq__alloc(&s->mem, new_block);
    double *aht = s->aht ? oq__alloc(&s->mem, new_block) : NULL;
    if (!dates || !vol || (s->aht && !aht)) {
        oq__free(&s->mem, dates, (size_t)ncap * sizeof *dates);
        oq__free(&s->mem, vol, new_block);
        oq__free(&s->mem, aht, new_block);
        return 0;
    }
    size_t used = (size_t)s->n_days * (size_t)s->per_day * sizeof(double);
    if (s->n_days) {
        memcpy(dates, s->dates, (size_t)s->n_days * sizeof *dates);
        memcpy(vol, s->vol, used);
        if (aht)
            memcpy(aht, s->aht, used);
    }
    oq__free(&s->mem, s->dates, (size_t)s->cap_days * sizeof *s->dates);
    oq__free(&s->mem, s->vol, old_block);
    oq__free(&s->mem, s->aht, old_block);
    s->dates = dates;
    s->vol = vol;
    s->aht = aht;
    s->cap_days = (int32_t)ncap;
    return 1;
}

oq_status oq__series_set_queue(oq_volume_series *s, const char *queue, oq_error *err)
{
    char *q = oq__strndup(&s->mem, queue, strlen(queue));
    if (!q)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    oq__strfree(&s->mem, s->queue);
    s->queue = q;
    return OQ_OK;
}

int oq__series_ensure_aht(oq_volume_series *s)
{
    if (s->aht)
        return 1;
    size_t block = (size_t)s->cap_days * (size_t)s->per_day * sizeof(double);
    s->aht = oq__calloc(&s->mem, 1, block);
    return s->aht != NULL;
}

int32_t oq__series_insert_day(oq_volume_series *s, int32_t date)
{
    if (!reserve_days(s, s->n_days + 1))
        return -1;
    int32_t at = s->n_days;
    while (at > 0 && s->dates[at - 1] > date)
        at--;
    size_t pd = (size_t)s->per_day;
    size_t tail = (size_t)(s->n_days - at);
    memmove(s->dates + at + 1, s->dates + at, tail * sizeof *s->dates);
    memmove(s->vol + (at + 1) * pd, s->vol + at * pd, tail * pd * sizeof(double));
    if (s->aht)
        memmove(s->aht + (at + 1) * pd, s->aht + at * pd, tail * pd * sizeof(double));
    s->dates[at] = date;
    memset(s->vol + at * pd, 0, pd * sizeof(double));
    if (s->aht)
        memset(s->aht + at * pd, 0, pd * sizeof(double));
    s->n_days++;
    return at;
}

static oq_status check_value(oq_error *err, const char *what, double v)
{
    if (!isfinite(v) || v < 0)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: %g is not a finite number >= 0", what, v);
    return OQ_OK;
}

oq_status oq_volume_series_add(oq_volume_series *s, int32_t date, int32_t interval,
                               double volume, double aht_s, oq_error *err)
{
    if (!s)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "series: NULL");
    if (date < MIN_DATE || date > MAX_DATE)
        return date_error(err, date);
    if (interval < 0 || interval >= s->per_day)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "interval: %d is outside 0 .. %d",
                         (int)interval, (int)s->per_day - 1);
    oq_status st = check_value(err, "volume", volume);
    if (st == OQ_OK)
        st = check_value(err, "aht_s", aht_s);
    if (st != OQ_OK)
        return st;
    if (s->last_date != OQ_FORECAST_NO_DATE &&
        (date < s->last_date || (date == s->last_date && interval <= s->last_interval))) {
        char a[16], b[16];
        oq__fc_format_date(date, a, sizeof a);
        oq__fc_format_date(s->last_date, b, sizeof b);
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "%s interval %d is not after the last one added (%s interval %d)%s", a,
                         (int)interval, b, (int)s->last_interval,
                         date == s->last_date && interval == s->last_interval ? ": duplicate" : "");
    }
    /* Reserve first so that a failure changes nothing. */
    int32_t at = oq__series_find(s, date);
    if ((at < 0 && !reserve_days(s, s->n_days + 1)) || s->cap_days == 0 ||
        (aht_s > 0 && !oq__series_ensure_aht(s)))
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    if (at < 0)
        at = oq__series_insert_day(s, date); /* cannot fail: reserved */
    size_t k = (size_t)at * (size_t)s->per_day + (size_t)interval;
    s->vol[k] = volume;
    if (s->aht)
        s->aht[k] = aht_s;
    s->last_date = date;
    s->last_interval = interval;
    return OQ_OK;
}

oq_status oq_volume_series_set_day(oq_volume_series *s, int32_t date, const double *volumes,
                                   const double *aht_s, int32_t n, oq_error *err)
{
    if (!s || !volumes)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: NULL", s ? "volumes" : "series");
    if (date < MIN_DATE || date > MAX_DATE)
        return date_error(err, date);
    if (n != s->per_day)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "n: %d values given, a day has %d intervals of %d s", (int)n,
                         (int)s->per_day, (int)s->interval_s);
    int any_aht = 0;
    for (int32_t i = 0; i < n; i++) {
        char what[48];
        snprintf(what, sizeof what, "volumes[%d]", (int)i);
        oq_status st = check_value(err, what, volumes[i]);
        if (st == OQ_OK && aht_s) {
            snprintf(what, sizeof what, "aht_s[%d]", (int)i);
            st = check_value(err, what, aht_s[i]);
            any_aht |= aht_s[i] > 0;
        }
        if (st != OQ_OK)
            return st;
    }
    /* Reserve first so nothing changes when memory runs out. */
    int32_t at = oq__series_find(s, date);
    if ((at < 0 && !reserve_days(s, s->n_days + 1)) || s->cap_days == 0)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    if (any_aht && !oq__series_ensure_aht(s))
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    if (at < 0)
        at = oq__series_insert_day(s, date); /* cannot fail: reserved */
    size_t pd = (size_t)s->per_day;
    memcpy(s->vol + (size_t)at * pd, volumes, pd * sizeof(double));
    if (s->aht) {
        if (aht_s)
            memcpy(s->aht + (size_t)at * pd, aht_s, pd * sizeof(double));
        else
            memset(s->aht + (size_t)at * pd, 0, pd * sizeof(double));
    }
    if (s->last_date == OQ_FORECAST_NO_DATE || date > s->last_date ||
        (date == s->last_date && s->last_interval < s->per_day - 1)) {
        s->last_date = date;
        s->last_interval = s->per_day - 1;
    }
    return OQ_OK;
}

oq_status oq_volume_series_info_get(const oq_volume_series *s, oq_volume_series_info *caller,
                                    oq_error *err)
{
    if (!s)
        return oq__getter_null(err, "oq_volume_series_info_get", "series");
    oq_volume_series_info full = OQ_OUTPUT_INIT(oq_volume_series_info), *out = &full;
    out->interval_s = s->interval_s;
    out->intervals_per_day = s->per_day;
    out->days = s->n_days;
    out->first_date = s->n_days ? s->dates[0] : OQ_FORECAST_NO_DATE;
    out->last_date = s->n_days ? s->dates[s->n_days - 1] : OQ_FORECAST_NO_DATE;
    size_t n = (size_t)s->n_days * (size_t)s->per_day;
    double total = 0;
    int has_aht = 0;
    for (size_t i = 0; i < n; i++) {
        total += s->vol[i];
        has_aht |= s->aht && s->aht[i] > 0;
    }
    out->total_volume = total;
    out->has_aht = has_aht;
    return OQ__OUTPUT_PUT(caller, out, oq_volume_series_info, interval_s, err);
}

const char *oq_volume_series_queue(const oq_volume_series *s)
{
    return s && s->queue ? s->queue : "";
}

oq_status oq_volume_series_day(const oq_volume_series *s, int32_t date, double *volumes,
                               double *aht_s, int32_t n, int32_t *present)
{
    if (!s || !volumes || !present || n != s->per_day)
        return OQ_EINVAL;
    int32_t at = oq__series_find(s, date);
    size_t pd = (size_t)s->per_day;
    *present = at >= 0;
    if (at < 0) {
        memset(volumes, 0, pd * sizeof(double));
        if (aht_s)
            memset(aht_s, 0, pd * sizeof(double));
        return OQ_OK;
    }
    memcpy(volumes, s->vol + (size_t)at * pd, pd * sizeof(double));
    if (aht_s) {
        if (s->aht)
            memcpy(aht_s, s->aht + (size_t)at * pd, pd * sizeof(double));
        else
            memset(aht_s, 0, pd * sizeof(double));
    }
    return OQ_OK;
}

oq_status oq_volume_series_aggregate(const oq_volume_series *s, int32_t interval_s,
                                     oq_volume_series **out, oq_error *err)
{
    if (!s || !out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: NULL", s ? "out" : "series");
    if (!valid_interval(interval_s) || interval_s % s->interval_s != 0)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "interval_s: %d is not a multiple of the series' %d s that divides a day",
                         (int)interval_s, (int)s->interval_s);
    oq_volume_series *a;
    oq_status st = oq_volume_series_create(interval_s, s->mem.fn, s->mem.user, &a, err);
    if (st != OQ_OK)
        return st;
    int32_t k = interval_s / s->interval_s, per = a->per_day;
    double *v = oq__alloc(&a->mem, (size_t)per * 2 * sizeof(double));
    if (!v) {
        oq_volume_series_destroy(a);
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    }
    double *h = v + per;
    st = OQ_OK;
    for (int32_t d = 0; d < s->n_days && st == OQ_OK; d++) {
        const double *sv = s->vol + (size_t)d * (size_t)s->per_day;
        const double *sh = s->aht ? s->aht + (size_t)d * (size_t)s->per_day : NULL;
        for (int32_t i = 0; i < per; i++) {
            double sum = 0, work = 0, wvol = 0;
            for (int32_t j = 0; j < k; j++) {
                double x = sv[i * k + j];
                sum += x;
                if (sh && sh[i * k + j] > 0) {
                    work += x * sh[i * k + j];
                    wvol += x;
                }
            }
            v[i] = sum;
            h[i] = wvol > 0 ? work / wvol : 0;
        }
        st = oq_volume_series_set_day(a, s->dates[d], v, s->aht ? h : NULL, per, err);
    }
    oq__free(&a->mem, v, (size_t)per * 2 * sizeof(double));
    if (st == OQ_OK)
        st = oq__series_set_queue(a, s->queue, err);
    if (st != OQ_OK) {
        oq_volume_series_destroy(a);
        return st;
    }
    *out = a;
    return OQ_OK;
}
