/* SPDX-License-Identifier: MIT */
/* Building a calendar: weekly hours, dated exceptions, holiday lists; the
 * per-date lookups the queries use. Every building call checks everything
 * and allocates everything before it changes anything, so a failed call
 * (bad input or no memory) leaves the calendar as it was. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/internal.h"
#include "core/abi.h"
#include "core/error.h"
#include "core/text.h"

#define TEXT_MAX 255 /* ids, list names and labels, in bytes */

static const oq__range FULL_DAY = {0, OQ_MS_PER_DAY};

/* ---- formatting for messages ------------------------------------------------ */

static void fmt_tod(char *buf, size_t n, int64_t ms)
{
    int64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, f = ms % 1000;
    if (f)
        snprintf(buf, n, "%02lld:%02lld:%02lld.%03lld", (long long)h, (long long)m, (long long)s,
                 (long long)f);
    else if (s)
        snprintf(buf, n, "%02lld:%02lld:%02lld", (long long)h, (long long)m, (long long)s);
    else
        snprintf(buf, n, "%02lld:%02lld", (long long)h, (long long)m);
}

/* "09:00-18:00", "22:00-02:00 (+1 day)", "00:00-24:00". */
static void fmt_range(char *buf, size_t n, int32_t open, int32_t close)
{
    char a[40], b[40];
    fmt_tod(a, sizeof a, open);
    fmt_tod(b, sizeof b, close > OQ_MS_PER_DAY ? close - OQ__DAY : close);
    snprintf(buf, n, "%s-%s%s", a, b, close > OQ_MS_PER_DAY ? " (+1 day)" : "");
}

static void fmt_date(char *buf, size_t n, int64_t date)
{
    int64_t y;
    int32_t m, d;
    oq__civil_from_days(date, &y, &m, &d);
    snprintf(buf, n, "%04lld-%02d-%02d", (long long)y, (int)m, (int)d);
}

static const char *cal_id(const oq_calendar *cal) { return cal->id ? cal->id : ""; }

/* ---- checks ------------------------------------------------------------------ */

/* A NUL-terminated text of 1..TEXT_MAX bytes of UTF-8. */
static oq_status check_text(oq_error *err, const char *owner, const char *what, const char *s)
{
    const char *pre = owner ? "calendar '" : "";
    const char *post = owner ? "': " : "";
    if (!owner)
        owner = "";
    if (!s)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s%s%s%s is NULL", pre, owner, post, what);
    size_t len = oq__bounded_len(s, TEXT_MAX);
    if (len == 0)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s%s%s%s is empty", pre, owner, post, what);
    if (len > TEXT_MAX)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s%s%s%s is longer than %d bytes", pre, owner,
                         post, what, TEXT_MAX);
    if (!oq__utf8_valid((const unsigned char *)s, len))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s%s%s%s is not valid UTF-8", pre, owner,
                         post, what);
    return OQ_OK;
}

static oq_status check_range(const oq_calendar *cal, const char *where, int32_t open,
                             int32_t close, oq_error *err)
{
    if (open >= 0 && open < OQ_MS_PER_DAY && close > open && (int64_t)close <= (int64_t)open + OQ__DAY)
        return OQ_OK;
    if (open < 0 || open >= OQ_MS_PER_DAY)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "calendar '%s': %s: opening time %d ms is outside the day (0 .. 86399999)",
                         cal_id(cal), where, (int)open);
    char a[24];
    fmt_tod(a, sizeof a, open);
    if (close <= open)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "calendar '%s': %s: range %s to %d ms ends before it starts (a range past "
                         "midnight ends after 86400000 ms: 22:00-02:00 is 79200000..93600000)",
                         cal_id(cal), where, a, (int)close);
    return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                     "calendar '%s': %s: range from %s to %d ms is longer than 24 hours",
                     cal_id(cal), where, a, (int)close);
}

static oq_status check_date(const oq_calendar *cal, int32_t date, oq_error *err)
{
    if (date >= OQ__DATE_MIN && date <= OQ__DATE_MAX)
        return OQ_OK;
    return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                     "calendar '%s': date %d is outside years 1..9999 (days %d .. %d)", cal_id(cal),
                     (int)date, OQ__DATE_MIN, OQ__DATE_MAX);
}

static oq_status no_memory(const oq_calendar *cal, oq_error *err)
{
    return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "calendar '%s': out of memory", cal_id(cal));
}

/* ---- ranges -------------------------------------------------------------------- */

static int64_t week_mod(int64_t x)
{
    x %= OQ__WEEK;
    return x < 0 ? x + OQ__WEEK : x;
}

/* Do two ranges on the week's circle overlap? (Each is at most a day long.) */
static int week_overlap(int32_t wa, const oq__range *a, int32_t wb, const oq__range *b)
{
    int64_t a0 = wa * OQ__DAY + a->open, b0 = wb * OQ__DAY + b->open;
    return week_mod(b0 - a0) < a->close - a->open || week_mod(a0 - b0) < b->close - b->open;
}

static void insert_range(oq__ranges *rs, int32_t open, int32_t close)
{
    int32_t i = rs->n;
    while (i > 0 && rs->r[i - 1].open > open) {
        rs->r[i] = rs->r[i - 1];
        i--;
    }
    rs->r[i].open = open;
    rs->r[i].close = close;
    rs->n++;
}

/* Recompute the week's open milliseconds and whether regular days cover every
 * local instant (each weekday's own ranges plus the previous day's past
 * midnight reach from 00:00 to 24:00 without a hole). */
static void week_summary(oq_calendar *cal)
{
    cal->week_open_ms = 0;
    cal->week_full = 1;
    if (!cal->has_hours) {
        cal->week_open_ms = OQ__WEEK;
        return;
    }
    for (int32_t w = 0; w < 7; w++) {
        const oq__ranges *own = &cal->week[w], *prev = &cal->week[(w + 6) % 7];
        int64_t covered = 0;
        for (int32_t i = 0; i < prev->n; i++)
            if (prev->r[i].close - OQ__DAY > covered)
                covered = prev->r[i].close - OQ__DAY;
        for (int32_t i = 0; i < own->n; i++) {
            cal->week_open_ms += own->r[i].close - own->r[i].open;
            if (own->r[i].open > covered)
                cal->week_full = 0;
            int64_t end = own->r[i].close < OQ__DAY ? own->r[i].close : OQ__DAY;
            if (end > covered)
                covered = end;
        }
        if (covered < OQ__DAY)
            cal->week_full = 0;
    }
}

/* ---- lookups ---------------------------------------------------------------------- */

/* Index of the first of n records (`stride` bytes apart, sorted by the
 * int32_t date at their start) with date >= `date`. */
static int32_t date_lower_bound(const void *records, int32_t n, size_t stride, int64_t date)
{
    int32_t lo = 0, hi = n;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        int32_t d;
        memcpy(&d, (const char *)records + (size_t)mid * stride, sizeof d);
        if (d < date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

_Static_assert(offsetof(oq__exception, date) == 0 && offsetof(oq__holiday, date) == 0,
               "date_lower_bound reads the date at the start of a record");

static int32_t ex_lower_bound(const oq_calendar *cal, int64_t date)
{
    return date_lower_bound(cal->ex, cal->n_ex, sizeof *cal->ex, date);
}

static int32_t hol_lower_bound(const oq__holiday_list *l, int64_t date)
{
    return date_lower_bound(l->days, l->n, sizeof *l->days, date);
}

const oq__exception *oq__cal_exception(const oq_calendar *cal, int64_t date)
{
    int32_t i = ex_lower_bound(cal, date);
    return i < cal->n_ex && cal->ex[i].date == date ? &cal->ex[i] : NULL;
}

const oq__holiday_list *oq__cal_holiday(const oq_calendar *cal, int64_t date,
                                        const oq__holiday **h)
{
    for (int32_t k = 0; k < cal->n_lists; k++) {
        const oq__holiday_list *l = &cal->lists[k];
        int32_t i = hol_lower_bound(l, date);
        if (i < l->n && l->days[i].date == date) {
            if (h)
                *h = &l->days[i];
            return l;
        }
    }
    return NULL;
}

int oq__cal_regular(const oq_calendar *cal, int64_t date)
{
    return !oq__cal_exception(cal, date) && !oq__cal_holiday(cal, date, NULL);
}

int64_t oq__cal_next_irregular(const oq_calendar *cal, int64_t date)
{
    int64_t best = INT64_MAX;
    int32_t i = ex_lower_bound(cal, date);
    if (i < cal->n_ex)
        best = cal->ex[i].date;
    for (int32_t k = 0; k < cal->n_lists; k++) {
        const oq__holiday_list *l = &cal->lists[k];
        int32_t j = hol_lower_bound(l, date);
        if (j < l->n && l->days[j].date < best)
            best = l->days[j].date;
    }
    return best;
}

void oq__cal_day_ranges(const oq_calendar *cal, int64_t date, const oq__range **r, int32_t *n)
{
    const oq__exception *ex = oq__cal_exception(cal, date);
    if (ex) {
        *r = ex->hours.r;
        *n = ex->kind == OQ_DAY_SPECIAL ? ex->hours.n : 0;
        return;
    }
    if (oq__cal_holiday(cal, date, NULL)) {
        *r = NULL;
        *n = 0;
        return;
    }
    if (!cal->has_hours) {
        *r = &FULL_DAY;
        *n = 1;
        return;
    }
    const oq__ranges *w = &cal->week[oq__weekday64(date)];
    *r = w->r;
    *n = w->n;
}

/* ---- life cycle ---------------------------------------------------------------------- */

oq_status oq_calendar_options_init(oq_calendar_options *opts)
{
    if (!opts)
        return OQ_EINVAL;
    memset(opts, 0, sizeof *opts);
    opts->struct_size = (uint32_t)sizeof *opts;
    return OQ_OK;
}

/* The caller's options (when not NULL) copied over the defaults into *full
 * and *opts pointed at it (core.h: versioned structs). */
static oq_status check_options(const oq_calendar_options **opts, oq_calendar_options *full,
                               oq_error *err)
{
    char why[OQ__ABI_MSG];
    if (!*opts)
        return OQ_OK;
    if (OQ__OPTIONS_COPY(full, *opts, oq_calendar_options, alloc, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "options: %s", why);
    *opts = full;
    return OQ_OK;
}

void oq_calendar_destroy(oq_calendar *cal)
{
    if (!cal)
        return;
    oq_mem *m = &cal->mem;
    oq__strfree(m, cal->id);
    oq__strfree(m, cal->tz_name);
    oq__zone_free(m, &cal->zone);
    for (int32_t w = 0; w < 7; w++)
        oq__free(m, cal->week[w].r, (size_t)cal->week[w].cap * sizeof(oq__range));
    for (int32_t i = 0; i < cal->n_ex; i++) {
        oq__strfree(m, cal->ex[i].name);
        oq__free(m, cal->ex[i].hours.r, (size_t)cal->ex[i].hours.cap * sizeof(oq__range));
    }
    oq__free(m, cal->ex, (size_t)cal->cap_ex * sizeof *cal->ex);
    for (int32_t k = 0; k < cal->n_lists; k++) {
        oq__holiday_list *l = &cal->lists[k];
        for (int32_t i = 0; i < l->n; i++)
            oq__strfree(m, l->days[i].name);
        oq__free(m, l->days, (size_t)l->cap * sizeof *l->days);
        oq__strfree(m, l->name);
    }
    oq__free(m, cal->lists, (size_t)cal->cap_lists * sizeof *cal->lists);
    oq_mem last = cal->mem; /* the block holding the hook goes last */
    oq__free(&last, cal, sizeof *cal);
}

static char *dup_or_null(oq_mem *m, const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *d = oq__strndup(m, s, strlen(s));
    if (!d)
        *failed = 1;
    return d;
}

oq_status oq_calendar_create(const char *id, const char *time_zone,
                             const oq_calendar_options *opts, oq_calendar **out, oq_error *err)
{
    oq_calendar_options full;
    oq_status st;
    if (!out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "out is NULL");
    if ((st = check_text(err, NULL, "calendar id", id)) != OQ_OK ||
        (st = check_options(&opts, &full, err)) != OQ_OK)
        return st;
    if (!time_zone)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "calendar '%s': time_zone is NULL", id);
    oq_mem mem;
    oq__mem_init(&mem, opts ? opts->alloc : NULL, opts ? opts->alloc_user : NULL);
    oq_calendar *cal = oq__calloc(&mem, 1, sizeof *cal);
    if (!cal)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "calendar '%s': out of memory", id);
    cal->mem = mem;
    oq_error zerr = OQ_ERROR_INIT;
    st = oq__zone_load(&cal->mem, time_zone, opts ? opts->tzdir : NULL, &cal->zone, &zerr);
    if (st != OQ_OK) {
        oq_calendar_destroy(cal);
        return oq__error(err, st, zerr.path[0] ? zerr.path : NULL, 0, 0, "calendar '%s': %s", id,
                         zerr.message);
    }
    int failed = 0;
    cal->id = dup_or_null(&cal->mem, id, &failed);
    cal->tz_name = dup_or_null(&cal->mem, time_zone, &failed);
    if (failed) {
        oq_calendar_destroy(cal);
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "calendar '%s': out of memory", id);
    }
    week_summary(cal);
    *out = cal;
    return OQ_OK;
}

oq_status oq__calendar_adopt(const char *id, const char *tz_name, oq__zone *zone,
                             const oq_calendar_options *opts, oq_calendar **out, oq_error *err)
{
    oq_calendar_options full;
    oq_status st;
    if ((st = check_text(err, NULL, "calendar id", id)) != OQ_OK ||
        (st = check_text(err, id, "time zone", tz_name)) != OQ_OK ||
        (st = check_options(&opts, &full, err)) != OQ_OK) {
        oq_mem zm;
        oq__mem_init(&zm, opts ? opts->alloc : NULL, opts ? opts->alloc_user : NULL);
        oq__zone_free(&zm, zone);
        return st;
    }
    oq_mem mem;
    oq__mem_init(&mem, opts ? opts->alloc : NULL, opts ? opts->alloc_user : NULL);
    oq_calendar *cal = oq__calloc(&mem, 1, sizeof *cal);
    if (!cal) {
        oq__zone_free(&mem, zone);
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "calendar '%s': out of memory", id);
    }
    cal->mem = mem;
    cal->zone = *zone;
    memset(zone, 0, sizeof *zone);
    int failed = 0;
    cal->id = dup_or_null(&cal->mem, id, &failed);
    cal->tz_name = dup_or_null(&cal->mem, tz_name, &failed);
    if (failed) {
        oq_calendar_destroy(cal);
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "calendar '%s': out of memory", id);
    }
    week_summary(cal);
    *out = cal;
    return OQ_OK;
}

static int copy_ranges(oq_mem *m, const oq__ranges *src, oq__ranges *dst)
{
    dst->r = NULL;
    dst->n = dst->cap = 0;
    if (src->n == 0)
        return 1;
    dst->r = oq__alloc(m, (size_t)src->n * sizeof *dst->r);
    if (!dst->r)
        return 0;
    memcpy(dst->r, src->r, (size_t)src->n * sizeof *dst->r);
    dst->n = dst->cap = src->n;
    return 1;
}

/* Fill the zeroed copy `c` from `cal`; 0 when memory runs out (c is then
 * consistent and destroyable). */
static int copy_into(const oq_calendar *cal, oq_calendar *c)
{
    oq_mem *m = &c->mem;
    int failed = 0;
    c->id = dup_or_null(m, cal->id, &failed);
    c->tz_name = dup_or_null(m, cal->tz_name, &failed);
    if (failed || oq__zone_copy(m, &cal->zone, &c->zone) != OQ_OK)
        return 0;
    for (int32_t w = 0; w < 7; w++)
        if (!copy_ranges(m, &cal->week[w], &c->week[w]))
            return 0;
    c->has_hours = cal->has_hours;
    c->week_full = cal->week_full;
    c->week_open_ms = cal->week_open_ms;
    if (cal->n_ex > 0) {
        c->ex = oq__calloc(m, (size_t)cal->n_ex, sizeof *c->ex);
        if (!c->ex)
            return 0;
        c->cap_ex = cal->n_ex;
        for (int32_t i = 0; i < cal->n_ex; i++) {
            oq__exception *d = &c->ex[i];
            *d = cal->ex[i];
            d->name = dup_or_null(m, cal->ex[i].name, &failed);
            if (!copy_ranges(m, &cal->ex[i].hours, &d->hours))
                failed = 1;
            c->n_ex++;
            if (failed)
                return 0;
        }
    }
    if (cal->n_lists > 0) {
        c->lists = oq__calloc(m, (size_t)cal->n_lists, sizeof *c->lists);
        if (!c->lists)
            return 0;
        c->cap_lists = cal->n_lists;
        for (int32_t k = 0; k < cal->n_lists; k++) {
            const oq__holiday_list *s = &cal->lists[k];
            oq__holiday_list *d = &c->lists[c->n_lists++];
            d->name = dup_or_null(m, s->name, &failed);
            d->days = oq__calloc(m, (size_t)s->n, sizeof *d->days);
            if (d->days)
                d->cap = s->n;
            if (failed || !d->days)
                return 0;
            for (int32_t i = 0; i < s->n; i++) {
                d->days[i].date = s->days[i].date;
                d->days[i].name = dup_or_null(m, s->days[i].name, &failed);
                d->n++;
                if (failed)
                    return 0;
            }
        }
    }
    return 1;
}

oq_status oq_calendar_copy(const oq_calendar *cal, const oq_calendar_options *opts,
                           oq_calendar **out, oq_error *err)
{
    oq_calendar_options full;
    oq_status st;
    if (!cal || !out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s is NULL", cal ? "out" : "cal");
    if ((st = check_options(&opts, &full, err)) != OQ_OK)
        return st;
    oq_mem mem;
    if (opts)
        oq__mem_init(&mem, opts->alloc, opts->alloc_user);
    else
        oq__mem_init(&mem, cal->mem.fn, cal->mem.user);
    oq_calendar *c = oq__calloc(&mem, 1, sizeof *c);
    if (!c)
        return no_memory(cal, err);
    c->mem = mem;
    if (!copy_into(cal, c)) {
        oq_calendar_destroy(c);
        return no_memory(cal, err);
    }
    *out = c;
    return OQ_OK;
}

const char *oq_calendar_id(const oq_calendar *cal) { return cal ? cal->id : NULL; }

const char *oq_calendar_time_zone(const oq_calendar *cal) { return cal ? cal->tz_name : NULL; }

/* ---- weekly hours ------------------------------------------------------------------- */

oq_status oq_calendar_add_hours(oq_calendar *cal, int32_t weekday, int32_t open_ms,
                                int32_t close_ms, oq_error *err)
{
    oq_status st;
    if (!cal)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "cal is NULL");
    if (weekday < 0 || weekday > 6)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "calendar '%s': weekday %d is not 0 (Monday) .. 6 (Sunday)", cal_id(cal),
                         (int)weekday);
    const char *wname = oq_weekday_name(weekday);
    if ((st = check_range(cal, wname, open_ms, close_ms, err)) != OQ_OK)
        return st;
    oq__range nr = {open_ms, close_ms};
    for (int32_t w = 0; w < 7; w++)
        for (int32_t i = 0; i < cal->week[w].n; i++)
            if (week_overlap(weekday, &nr, w, &cal->week[w].r[i])) {
                char a[96], b[96];
                fmt_range(a, sizeof a, open_ms, close_ms);
                fmt_range(b, sizeof b, cal->week[w].r[i].open, cal->week[w].r[i].close);
                return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                                 "calendar '%s': %s %s overlaps %s %s", cal_id(cal), wname, a,
                                 oq_weekday_name(w), b);
            }
    oq__ranges *rs = &cal->week[weekday];
    if (!oq__grow(&cal->mem, (void **)&rs->r, &rs->cap, rs->n + 1, sizeof *rs->r))
        return no_memory(cal, err);
    insert_range(rs, open_ms, close_ms);
    cal->has_hours = 1;
    week_summary(cal);
    return OQ_OK;
}

/* ---- dated exceptions ------------------------------------------------------------------ */

/* Room for one more exception; 0 when memory runs out (nothing changed). */
static int ex_reserve(oq_calendar *cal)
{
    return oq__grow(&cal->mem, (void **)&cal->ex, &cal->cap_ex, cal->n_ex + 1, sizeof *cal->ex);
}

static void ex_insert(oq_calendar *cal, const oq__exception *x)
{
    int32_t i = ex_lower_bound(cal, x->date);
    memmove(&cal->ex[i + 1], &cal->ex[i], (size_t)(cal->n_ex - i) * sizeof *cal->ex);
    cal->ex[i] = *x;
    cal->n_ex++;
}

static oq_status check_label(const oq_calendar *cal, const char *name, oq_error *err)
{
    return name ? check_text(err, cal_id(cal), "name", name) : OQ_OK;
}

oq_status oq_calendar_set_day_hours(oq_calendar *cal, int32_t date, int32_t open_ms,
                                    int32_t close_ms, const char *name, oq_error *err)
{
    oq_status st;
    if (!cal)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "cal is NULL");
    if ((st = check_date(cal, date, err)) != OQ_OK)
        return st;
    char ds[16];
    fmt_date(ds, sizeof ds, date);
    if ((st = check_range(cal, ds, open_ms, close_ms, err)) != OQ_OK ||
        (st = check_label(cal, name, err)) != OQ_OK)
        return st;
    int32_t i = ex_lower_bound(cal, date);
    oq__exception *ex = i < cal->n_ex && cal->ex[i].date == date ? &cal->ex[i] : NULL;
    if (ex && ex->kind == OQ_DAY_CLOSED)
        return oq__error(err, OQ_EEXIST, NULL, 0, 0,
                         "calendar '%s': %s is closed (a closed day); it cannot also have "
                         "special hours",
                         cal_id(cal), ds);
    for (int32_t k = 0; ex && k < ex->hours.n; k++) {
        const oq__range *r = &ex->hours.r[k];
        if (open_ms < r->close && r->open < close_ms) {
            char a[96], b[96];
            fmt_range(a, sizeof a, open_ms, close_ms);
            fmt_range(b, sizeof b, r->open, r->close);
            return oq__error(err, OQ_EINVAL, NULL, 0, 0, "calendar '%s': %s %s overlaps %s %s",
                             cal_id(cal), ds, a, ds, b);
        }
    }
    int failed = 0;
    char *label = (!ex || !ex->name) ? dup_or_null(&cal->mem, name, &failed) : NULL;
    if (failed)
        return no_memory(cal, err);
    if (ex) {
        if (!oq__grow(&cal->mem, (void **)&ex->hours.r, &ex->hours.cap, ex->hours.n + 1,
                      sizeof *ex->hours.r)) {
            oq__strfree(&cal->mem, label);
            return no_memory(cal, err);
        }
        insert_range(&ex->hours, open_ms, close_ms);
        if (label)
            ex->name = label;
        return OQ_OK;
    }
    oq__exception x;
    memset(&x, 0, sizeof x);
    x.date = date;
    x.kind = OQ_DAY_SPECIAL;
    x.name = label;
    if (!oq__grow(&cal->mem, (void **)&x.hours.r, &x.hours.cap, 1, sizeof *x.hours.r) ||
        !ex_reserve(cal)) {
        oq__free(&cal->mem, x.hours.r, (size_t)x.hours.cap * sizeof *x.hours.r);
        oq__strfree(&cal->mem, label);
        return no_memory(cal, err);
    }
    insert_range(&x.hours, open_ms, close_ms);
    ex_insert(cal, &x);
    return OQ_OK;
}

oq_status oq_calendar_close_day(oq_calendar *cal, int32_t date, const char *name, oq_error *err)
{
    oq_status st;
    if (!cal)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "cal is NULL");
    if ((st = check_date(cal, date, err)) != OQ_OK || (st = check_label(cal, name, err)) != OQ_OK)
        return st;
    const oq__exception *ex = oq__cal_exception(cal, date);
    if (ex) {
        char ds[16];
        fmt_date(ds, sizeof ds, date);
        return oq__error(err, OQ_EEXIST, NULL, 0, 0, "calendar '%s': %s %s", cal_id(cal), ds,
                         ex->kind == OQ_DAY_CLOSED ? "is already closed"
                                                   : "has special hours; it cannot also be closed");
    }
    int failed = 0;
    oq__exception x;
    memset(&x, 0, sizeof x);
    x.date = date;
    x.kind = OQ_DAY_CLOSED;
    x.name = dup_or_null(&cal->mem, name, &failed);
    if (failed || !ex_reserve(cal)) {
        oq__strfree(&cal->mem, x.name);
        return no_memory(cal, err);
    }
    ex_insert(cal, &x);
    return OQ_OK;
}

/* ---- holidays ------------------------------------------------------------------------------ */

oq_status oq_calendar_add_holiday(oq_calendar *cal, const char *list, int32_t date,
                                  const char *name, oq_error *err)
{
    oq_status st;
    if (!cal)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "cal is NULL");
    if ((st = check_text(err, cal_id(cal), "holiday list", list)) != OQ_OK ||
        (st = check_date(cal, date, err)) != OQ_OK || (st = check_label(cal, name, err)) != OQ_OK)
        return st;
    oq__holiday_list *l = NULL;
    for (int32_t k = 0; k < cal->n_lists && !l; k++)
        if (strcmp(cal->lists[k].name, list) == 0)
            l = &cal->lists[k];
    int32_t at = l ? hol_lower_bound(l, date) : 0;
    if (l && at < l->n && l->days[at].date == date) {
        char ds[16];
        fmt_date(ds, sizeof ds, date);
        return oq__error(err, OQ_EEXIST, NULL, 0, 0,
                         "calendar '%s': holiday list '%s' already has %s%s%s%s", cal_id(cal), list,
                         ds, l->days[at].name ? " (" : "", l->days[at].name ? l->days[at].name : "",
                         l->days[at].name ? ")" : "");
    }
    int failed = 0;
    char *label = dup_or_null(&cal->mem, name, &failed);
    if (failed)
        return no_memory(cal, err);
    if (l) {
        if (!oq__grow(&cal->mem, (void **)&l->days, &l->cap, l->n + 1, sizeof *l->days)) {
            oq__strfree(&cal->mem, label);
            return no_memory(cal, err);
        }
        memmove(&l->days[at + 1], &l->days[at], (size_t)(l->n - at) * sizeof *l->days);
        l->days[at].date = date;
        l->days[at].name = label;
        l->n++;
        return OQ_OK;
    }
    oq__holiday_list nl;
    memset(&nl, 0, sizeof nl);
    nl.name = dup_or_null(&cal->mem, list, &failed);
    if (failed || !oq__grow(&cal->mem, (void **)&nl.days, &nl.cap, 1, sizeof *nl.days) ||
        !oq__grow(&cal->mem, (void **)&cal->lists, &cal->cap_lists, cal->n_lists + 1,
                  sizeof *cal->lists)) {
        oq__free(&cal->mem, nl.days, (size_t)nl.cap * sizeof *nl.days);
        oq__strfree(&cal->mem, nl.name);
        oq__strfree(&cal->mem, label);
        return no_memory(cal, err);
    }
    nl.days[0].date = date;
    nl.days[0].name = label;
    nl.n = 1;
    cal->lists[cal->n_lists++] = nl;
    return OQ_OK;
}

/* ---- days ----------------------------------------------------------------------------------- */

oq_status oq_calendar_day_kind(const oq_calendar *cal, int32_t date, int32_t *kind,
                               const char **name)
{
    if (!cal || !kind || date < OQ__DATE_MIN || date > OQ__DATE_MAX)
        return OQ_EINVAL;
    const oq__exception *ex = oq__cal_exception(cal, date);
    const oq__holiday *h = NULL;
    const char *label = NULL;
    if (ex) {
        *kind = ex->kind;
        label = ex->name;
    } else if (oq__cal_holiday(cal, date, &h)) {
        *kind = OQ_DAY_HOLIDAY;
        label = h->name;
    } else {
        *kind = OQ_DAY_REGULAR;
    }
    if (name)
        *name = label;
    return OQ_OK;
}

oq_status oq_calendar_open_ms_of_day(const oq_calendar *cal, int32_t date, int64_t *out_ms)
{
    if (!cal || !out_ms || date < OQ__DATE_MIN || date > OQ__DATE_MAX)
        return OQ_EINVAL;
    const oq__range *r;
    int32_t n;
    oq__cal_day_ranges(cal, date, &r, &n);
    int64_t sum = 0;
    for (int32_t i = 0; i < n; i++)
        sum += r[i].close - r[i].open;
    *out_ms = sum;
    return OQ_OK;
}
