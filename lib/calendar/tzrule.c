/* SPDX-License-Identifier: MIT */
/* The POSIX TZ rule of a TZif footer ("EST5EDT,M3.2.0,M11.1.0"): parsed once,
 * evaluated per query for instants beyond the file's transition table, so
 * zones stay exact in 2038 and after with "slim" TZif files. The grammar is
 * POSIX's with the RFC 8536 extensions (hours -167..167 in rule times). */
#include <string.h>

#include "calendar/internal.h"

typedef struct cursor {
    const char *p, *end;
} cursor;

static int peek(const cursor *c) { return c->p < c->end ? (unsigned char)*c->p : -1; }
static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static int is_alpha(int ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'); }

/* An unsigned number of at most `max` (1..3 digits wide enough here). */
static int number(cursor *c, int32_t max, int32_t *out)
{
    int32_t v = 0, nd = 0;
    while (is_digit(peek(c))) {
        v = v * 10 + (*c->p++ - '0');
        if (++nd > 3 || v > max)
            return 0;
    }
    *out = v;
    return nd > 0;
}

/* std / dst designation: 3+ letters, or <...> of letters, digits, + and -. */
static int name(cursor *c)
{
    int32_t n = 0;
    if (peek(c) == '<') {
        c->p++;
        while (is_alpha(peek(c)) || is_digit(peek(c)) || peek(c) == '+' || peek(c) == '-') {
            c->p++;
            n++;
        }
        if (peek(c) != '>')
            return 0;
        c->p++;
        return n >= 3;
    }
    while (is_alpha(peek(c))) {
        c->p++;
        n++;
    }
    return n >= 3;
}

/* [+-]hh[:mm[:ss]] with hh <= max_h, as signed seconds. */
static int hms(cursor *c, int32_t max_h, int32_t *out)
{
    int32_t sign = 1, h, m = 0, s = 0;
    if (peek(c) == '+' || peek(c) == '-')
        sign = *c->p++ == '-' ? -1 : 1;
    if (!number(c, max_h, &h))
        return 0;
    if (peek(c) == ':') {
        c->p++;
        if (!number(c, 59, &m))
            return 0;
        if (peek(c) == ':') {
            c->p++;
            if (!number(c, 59, &s))
                return 0;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return 1;
}

static int rule_date(cursor *c, oq__tzdate *d)
{
    memset(d, 0, sizeof *d);
    if (peek(c) == 'J') {
        c->p++;
        d->kind = 'J';
        if (!number(c, 365, &d->a) || d->a < 1)
            return 0;
    } else if (peek(c) == 'M') {
        c->p++;
        d->kind = 'M';
        if (!number(c, 12, &d->a) || d->a < 1 || peek(c) != '.')
            return 0;
        c->p++;
        if (!number(c, 5, &d->b) || d->b < 1 || peek(c) != '.')
            return 0;
        c->p++;
        if (!number(c, 6, &d->c))
            return 0;
    } else {
        d->kind = 'N';
        if (!number(c, 365, &d->a))
            return 0;
    }
    d->time_s = 2 * 3600;
    if (peek(c) == '/') {
        c->p++;
        if (!hms(c, 167, &d->time_s))
            return 0;
    }
    return 1;
}

int oq__tzrule_parse(const char *s, size_t len, oq__tzrule *out)
{
    cursor c = {s, s + len};
    oq__tzrule r;
    memset(&r, 0, sizeof r);
    int32_t off;
    if (!name(&c) || !hms(&c, 24, &off))
        return 0;
    r.std_off_s = -off; /* POSIX counts west of UTC */
    r.dst_off_s = r.std_off_s + 3600;
    if (c.p < c.end) {
        if (!name(&c))
            return 0;
        r.has_dst = 1;
        if (peek(&c) != ',' && c.p < c.end) {
            if (!hms(&c, 24, &off))
                return 0;
            r.dst_off_s = -off;
        }
        if (peek(&c) == ',') {
            c.p++;
            if (!rule_date(&c, &r.start) || peek(&c) != ',')
                return 0;
            c.p++;
            if (!rule_date(&c, &r.end))
                return 0;
        } else { /* no rule: the POSIX default, as the C library applies it (US rules) */
            r.start = (oq__tzdate){'M', 3, 2, 0, 7200};
            r.end = (oq__tzdate){'M', 11, 1, 0, 7200};
        }
    }
    if (c.p != c.end)
        return 0;
    *out = r;
    return 1;
}

/* The day (days since 1970-01-01) a rule date falls on in `year`. */
static int64_t rule_day(const oq__tzdate *d, int64_t year)
{
    int64_t jan1 = oq__days_from_civil(year, 1, 1);
    if (d->kind == 'J') {
        int leap = oq__days_in_month(year, 2) == 29;
        return jan1 + d->a - 1 + (leap && d->a >= 60);
    }
    if (d->kind == 'N')
        return jan1 + d->a;
    int64_t first = oq__days_from_civil(year, d->a, 1);
    int32_t wd_sun = (oq__weekday64(first) + 1) % 7; /* 0 = Sunday, as POSIX counts */
    int64_t day = first + (d->c - wd_sun + 7) % 7 + 7 * (int64_t)(d->b - 1);
    while (day >= first + oq__days_in_month(year, d->a))
        day -= 7; /* week 5 means the last such weekday */
    return day;
}

typedef struct change {
    int64_t at_ms;
    int32_t to_dst;
} change;

void oq__tzrule_segment(const oq__tzrule *r, int64_t t_ms, oq__zseg *out)
{
    if (!r->has_dst) {
        out->start = INT64_MIN;
        out->end = INT64_MAX;
        out->off_ms = (int64_t)r->std_off_s * 1000;
        out->is_dst = 0;
        return;
    }
    int64_t y0, year;
    int32_t mo, dd;
    oq__civil_from_days(oq__floordiv(t_ms, OQ__DAY), &y0, &mo, &dd);
    /* The changes of the year before to the year after next, in time order
     * (an end before a start at the same instant: year-round daylight time
     * written as "J365/25" then "0/0" stays in daylight time). */
    change ch[8];
    int n = 0;
    for (year = y0 - 1; year <= y0 + 2; year++) {
        int64_t s = rule_day(&r->start, year) * OQ__DAY + (int64_t)r->start.time_s * 1000 -
                    (int64_t)r->std_off_s * 1000;
        int64_t e = rule_day(&r->end, year) * OQ__DAY + (int64_t)r->end.time_s * 1000 -
                    (int64_t)r->dst_off_s * 1000;
        ch[n++] = (change){s, 1};
        ch[n++] = (change){e, 0};
    }
    for (int i = 1; i < n; i++) /* insertion sort of 8 */
        for (int j = i; j > 0 && (ch[j].at_ms < ch[j - 1].at_ms ||
                                  (ch[j].at_ms == ch[j - 1].at_ms && ch[j].to_dst < ch[j - 1].to_dst));
             j--) {
            change tmp = ch[j];
            ch[j] = ch[j - 1];
            ch[j - 1] = tmp;
        }
    int i = -1;
    while (i + 1 < n && ch[i + 1].at_ms <= t_ms)
        i++;
    int32_t dst = i >= 0 ? ch[i].to_dst : !ch[0].to_dst;
    out->start = i >= 0 ? ch[i].at_ms : INT64_MIN;
    out->end = i + 1 < n ? ch[i + 1].at_ms : INT64_MAX;
    out->is_dst = dst;
    out->off_ms = (int64_t)(dst ? r->dst_off_s : r->std_off_s) * 1000;
}
