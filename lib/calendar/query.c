/* SPDX-License-Identifier: MIT */
/* Queries: local time, open/closed, next opening and closing, business time.
 *
 * The calendar is open at an instant when the local wall-clock time then
 * falls in a range of its local date (or in the previous date's range that
 * runs past midnight). An open "piece" is one range seen through one stretch
 * of constant UTC offset; touching or overlapping pieces form a "run", the
 * interval from an opening to the next closing. Business arithmetic walks
 * runs, so its cost grows with the number of openings, not milliseconds;
 * whole weeks of regular days under one offset are skipped in one step. */
#include "calendar/internal.h"

#define SEARCH_DAYS 1000 /* the farthest next_open looks, in days */

typedef struct span {
    int64_t a, b;
} span;

static int64_t min64(int64_t x, int64_t y) { return x < y ? x : y; }
static int64_t max64(int64_t x, int64_t y) { return x > y ? x : y; }

static int instant_ok(int64_t t) { return t >= OQ__T_MIN && t <= OQ__T_MAX; }

/* The first open piece with end > t and start < lim (start not clamped to t). */
static int next_piece(const oq_calendar *cal, int64_t t, int64_t lim, span *out)
{
    while (t < lim) {
        oq__zseg s;
        oq__zone_segment(&cal->zone, t, &s);
        int64_t local = t + s.off_ms;
        int64_t local_end = min64(s.end, lim) + s.off_ms;
        /* Ranges come in order of their start: the previous date's (which may
         * run past midnight), then this date's, each sorted by opening. */
        for (int64_t d = oq__floordiv(local, OQ__DAY) - 1; d * OQ__DAY < local_end; d++) {
            const oq__range *r;
            int32_t n;
            oq__cal_day_ranges(cal, d, &r, &n);
            for (int32_t i = 0; i < n; i++) {
                int64_t ra = d * OQ__DAY + r[i].open, rb = d * OQ__DAY + r[i].close;
                if (rb <= local)
                    continue;
                if (ra >= local_end)
                    goto next_segment;
                out->a = max64(ra - s.off_ms, s.start);
                out->b = min64(rb - s.off_ms, s.end);
                return 1;
            }
        }
    next_segment:
        t = s.end;
    }
    return 0;
}

/* With regular days that are open around the clock, the run goes on to the
 * next irregular date: jump from b there at once (INT64_MAX: it never ends). */
static int64_t jump_full_days(const oq_calendar *cal, int64_t b)
{
    oq__zseg s;
    oq__zone_segment(&cal->zone, b, &s);
    int64_t day = oq__floordiv(b + s.off_ms, OQ__DAY);
    if (!oq__cal_regular(cal, day - 1))
        return b;
    int64_t next = oq__cal_next_irregular(cal, day);
    if (next == INT64_MAX)
        return INT64_MAX;
    if (next == day)
        return b;
    return max64(b, oq__zone_from_local(&cal->zone, next * OQ__DAY));
}

/* The open run that ends after t and starts before lim, with a = max(start, t).
 * Merging stops once the run holds `enough` milliseconds past a (the caller
 * needs no more). b is INT64_MAX when the calendar never closes again. */
static int next_run(const oq_calendar *cal, int64_t t, int64_t lim, int64_t enough, span *out)
{
    span p;
    if (!next_piece(cal, t, lim, &p))
        return 0;
    int64_t a = max64(p.a, t), b = p.b;
    int64_t stop = a > 0 && enough > INT64_MAX - a ? INT64_MAX : a + enough; /* a may be < 0 */
    const int64_t end_of_time = (int64_t)(OQ__DATE_MAX + 2) * OQ__DAY;
    while (b < stop) {
        if (cal->week_full && (b = jump_full_days(cal, b)) == INT64_MAX)
            break;
        if (b >= end_of_time) {
            b = INT64_MAX;
            break;
        }
        if (!next_piece(cal, b, b + 1, &p))
            break;
        b = max64(b, p.b);
    }
    out->a = a;
    out->b = b;
    return 1;
}

/* Whole weeks from t during which the calendar repeats its regular week
 * under one UTC offset: at most max_wall of wall time and strictly less than
 * max_open open time. Returns the number of weeks (0: none to skip). */
static int64_t skippable_weeks(const oq_calendar *cal, int64_t t, int64_t max_wall,
                               int64_t max_open)
{
    if (cal->week_open_ms <= 0 || max_wall < OQ__WEEK)
        return 0;
    oq__zseg s;
    oq__zone_segment(&cal->zone, t, &s);
    int64_t day = oq__floordiv(t + s.off_ms, OQ__DAY);
    if (!oq__cal_regular(cal, day - 1))
        return 0;
    int64_t k = max_wall / OQ__WEEK;
    if (s.end != INT64_MAX)
        k = min64(k, (s.end - t) / OQ__WEEK);
    int64_t next = oq__cal_next_irregular(cal, day);
    if (next != INT64_MAX) /* dates day .. day + 7k must all be regular */
        k = min64(k, (next - day - 1) / 7);
    if (max_open != INT64_MAX)
        k = min64(k, (max_open - 1) / cal->week_open_ms);
    return k > 0 ? k : 0;
}

/* ---- public --------------------------------------------------------------------------- */

oq_status oq_calendar_to_local(const oq_calendar *cal, int64_t t_ms, oq_local_time *out)
{
    if (!cal || !out || !instant_ok(t_ms))
        return OQ_EINVAL;
    oq__zseg s;
    oq__zone_segment(&cal->zone, t_ms, &s);
    int64_t local = t_ms + s.off_ms;
    int64_t day = oq__floordiv(local, OQ__DAY);
    out->date = (int32_t)day;
    out->ms_of_day = (int32_t)(local - day * OQ__DAY);
    out->utc_offset_s = (int32_t)(s.off_ms / 1000);
    out->is_dst = s.is_dst;
    return OQ_OK;
}

oq_status oq_calendar_from_local(const oq_calendar *cal, int32_t date, int32_t ms_of_day,
                                 int64_t *out_ms)
{
    if (!cal || !out_ms || date <= OQ__DATE_MIN || date >= OQ__DATE_MAX || ms_of_day < 0 ||
        ms_of_day >= OQ_MS_PER_DAY)
        return OQ_EINVAL;
    *out_ms = oq__zone_from_local(&cal->zone, (int64_t)date * OQ__DAY + ms_of_day);
    return OQ_OK;
}

oq_status oq_calendar_is_open(const oq_calendar *cal, int64_t t_ms, int32_t *open)
{
    if (!cal || !open || !instant_ok(t_ms))
        return OQ_EINVAL;
    span p;
    *open = next_piece(cal, t_ms, t_ms + 1, &p);
    return OQ_OK;
}

/* The search limit of next_open / next_close, within the supported range. */
static int64_t search_limit(int64_t t) { return min64(t + SEARCH_DAYS * OQ__DAY + 1, OQ__T_MAX + 1); }

oq_status oq_calendar_next_open(const oq_calendar *cal, int64_t t_ms, int64_t *out_ms)
{
    if (!cal || !out_ms || !instant_ok(t_ms))
        return OQ_EINVAL;
    span p;
    if (!next_piece(cal, t_ms, search_limit(t_ms), &p))
        return OQ_ENOTFOUND;
    *out_ms = max64(p.a, t_ms);
    return OQ_OK;
}

oq_status oq_calendar_next_close(const oq_calendar *cal, int64_t t_ms, int64_t *out_ms)
{
    if (!cal || !out_ms || !instant_ok(t_ms))
        return OQ_EINVAL;
    span r;
    if (!next_run(cal, t_ms, search_limit(t_ms), INT64_MAX, &r))
        return OQ_ENOTFOUND;
    *out_ms = r.b;
    return OQ_OK;
}

oq_status oq_calendar_business_ms(const oq_calendar *cal, int64_t from_ms, int64_t to_ms,
                                  int64_t *out_ms)
{
    if (!cal || !out_ms || !instant_ok(from_ms) || !instant_ok(to_ms) || from_ms > to_ms)
        return OQ_EINVAL;
    int64_t t = from_ms, sum = 0;
    while (t < to_ms) {
        int64_t k = skippable_weeks(cal, t, to_ms - t, INT64_MAX);
        if (k > 0) {
            t += k * OQ__WEEK;
            sum += k * cal->week_open_ms;
            continue;
        }
        span r;
        if (!next_run(cal, t, to_ms, to_ms - t, &r))
            break;
        sum += min64(r.b, to_ms) - r.a;
        t = r.b;
    }
    *out_ms = sum;
    return OQ_OK;
}

oq_status oq_calendar_add_business_ms(const oq_calendar *cal, int64_t t_ms, int64_t business_ms,
                                      int64_t *out_ms)
{
    if (!cal || !out_ms || !instant_ok(t_ms) || business_ms < 0)
        return OQ_EINVAL;
    if (business_ms > OQ__T_MAX - t_ms) /* business time never runs faster than the clock */
        return OQ_ERANGE;
    int64_t t = t_ms, left = business_ms;
    for (;;) {
        int64_t k = skippable_weeks(cal, t, INT64_MAX, left);
        if (k > 0) {
            t += k * OQ__WEEK;
            left -= k * cal->week_open_ms;
            continue;
        }
        int64_t lim = search_limit(t);
        span r;
        if (!next_run(cal, t, lim, left, &r))
            return lim > OQ__T_MAX ? OQ_ERANGE : OQ_ENOTFOUND;
        if (r.b == INT64_MAX || left <= r.b - r.a) {
            if (left > OQ__T_MAX - r.a)
                return OQ_ERANGE;
            *out_ms = r.a + left;
            return OQ_OK;
        }
        left -= r.b - r.a;
        t = r.b;
    }
}
