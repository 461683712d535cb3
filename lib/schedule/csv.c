/* SPDX-License-Identifier: MIT */
/* Reading a requirements CSV (oq_schedule_load_csv): columns by header name,
 * interval starts as local date-times (or weekday + time, or time of day),
 * consecutive rows of one interval length. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule/internal.h"

#define LINE_MAX_LEN 4096
#define FIELDS_MAX 64

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* A parsed start: kind 0 date-time (day = civil date), 1 weekday + time
 * (day = weekday), 2 time of day only. */
typedef struct when {
    int kind;
    int64_t day;
    int32_t sec;
} when;

static int parse_hms(const char *p, const char **end, int32_t *sec)
{
    int h = 0, m = 0, s = 0, n = 0;
    if (!isdigit((unsigned char)p[0]))
        return 0;
    while (isdigit((unsigned char)*p) && n < 2) {
        h = h * 10 + (*p++ - '0');
        n++;
    }
    if (*p++ != ':' || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
        return 0;
    m = (p[0] - '0') * 10 + (p[1] - '0');
    p += 2;
    if (*p == ':') {
        if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
            return 0;
        s = (p[1] - '0') * 10 + (p[2] - '0');
        p += 3;
    }
    if (h > 23 || m > 59 || s > 59)
        return 0;
    *sec = h * 3600 + m * 60 + s;
    *end = p;
    return 1;
}

static int parse_when(const char *s, when *w)
{
    static const char *const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    const char *end;
    int y, mo, d;
    if (strlen(s) >= 10 && isdigit((unsigned char)s[0]) && s[4] == '-' && s[7] == '-' &&
        sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) == 3) {
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
            return 0;
        if (s[10] != ' ' && s[10] != 'T')
            return 0;
        if (!parse_hms(s + 11, &end, &w->sec) || *end)
            return 0;
        w->kind = 0;
        w->day = days_from_civil(y, mo, d);
        return 1;
    }
    for (int k = 0; k < 7; k++)
        if (tolower((unsigned char)s[0]) == names[k][0] &&
            tolower((unsigned char)s[1]) == names[k][1] &&
            tolower((unsigned char)s[2]) == names[k][2] && s[3] == ' ') {
            if (!parse_hms(s + 4, &end, &w->sec) || *end)
                return 0;
            w->kind = 1;
            w->day = k;
            return 1;
        }
    if (!parse_hms(s, &end, &w->sec) || *end)
        return 0;
    w->kind = 2;
    w->day = 0;
    return 1;
}

/* Split a CSV line in place (quotes around a field are removed; no quoted
 * commas). col[i] is the 1-based column where field i starts. */
static int split(char *line, char **f, int32_t *col, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        while (*p == ' ' || *p == '\t')
            p++;
        col[n] = (int32_t)(p - line) + 1;
        char *start = p;
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        size_t len = strlen(start);
        while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t' ||
                           start[len - 1] == '\r' || start[len - 1] == '\n'))
            start[--len] = '\0';
        if (len >= 2 && start[0] == '"' && start[len - 1] == '"') {
            start[len - 1] = '\0';
            start++;
        }
        f[n++] = start;
        if (!comma)
            return n;
        p = comma + 1;
    }
}

static int parse_number(const char *s, double *v)
{
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (*end || !isfinite(x) || errno == ERANGE)
        return 0;
    *v = x;
    return 1;
}

typedef struct rows {
    int64_t *t;       /* seconds from the first row's midnight */
    double *req, *load, *aht;
    int32_t n, cap;
} rows;

static void rows_free(oq_mem *m, rows *r)
{
    size_t c = (size_t)r->cap;
    oq__free(m, r->t, c * sizeof *r->t);
    oq__free(m, r->req, c * sizeof *r->req);
    oq__free(m, r->load, c * sizeof *r->load);
    oq__free(m, r->aht, c * sizeof *r->aht);
}

static int rows_push(oq_mem *m, rows *r, int64_t t, double req, double load, double aht)
{
    if (r->n == r->cap) {
        int32_t nc = r->cap ? r->cap * 2 : 256;
        size_t o = (size_t)r->cap, c = (size_t)nc;
        int64_t *a = oq__alloc(m, c * sizeof *a);
        double *b = oq__alloc(m, c * sizeof *b), *l = oq__alloc(m, c * sizeof *l),
               *h = oq__alloc(m, c * sizeof *h);
        if (!a || !b || !l || !h) {
            oq__free(m, a, a ? c * sizeof *a : 0);
            oq__free(m, b, b ? c * sizeof *b : 0);
            oq__free(m, l, l ? c * sizeof *l : 0);
            oq__free(m, h, h ? c * sizeof *h : 0);
            return 0;
        }
        if (o) {
            memcpy(a, r->t, o * sizeof *a);
            memcpy(b, r->req, o * sizeof *b);
            memcpy(l, r->load, o * sizeof *l);
            memcpy(h, r->aht, o * sizeof *h);
        }
        rows_free(m, r);
        r->t = a;
        r->req = b;
        r->load = l;
        r->aht = h;
        r->cap = nc;
    }
    r->t[r->n] = t;
    r->req[r->n] = req;
    r->load[r->n] = load;
    r->aht[r->n] = aht;
    r->n++;
    return 1;
}

static void label(int64_t t, char *buf, size_t size)
{
    int64_t day = t / 86400, sec = t % 86400;
    snprintf(buf, size, "day %lld %02lld:%02lld", (long long)day, (long long)(sec / 3600),
             (long long)(sec / 60 % 60));
}

oq_status oq_schedule_load_csv(const char *path, const char *column, double interval_s,
                               const oq_schedule_horizon *base, oq_schedule **out,
                               oq_error *err)
{
    if (!path || !out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path and out are required");
    oq_schedule_horizon h; /* the caller's base over the defaults: core.h, versioned structs */
    char why[OQ__ABI_MSG];
    if (!base)
        oq_schedule_horizon_init(&h);
    else if (OQ__OPTIONS_COPY(&h, base, oq_schedule_horizon, first_date, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "base: %s", why);
    if (interval_s < 0 || !isfinite(interval_s))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "interval_s: %g is not >= 0", interval_s);
    if (!column)
        column = "required";
    oq_mem mem;
    oq__mem_init(&mem, h.alloc, h.alloc_user);
    FILE *f = fopen(path, "r");
    if (!f)
        return oq__error(err, OQ_ECONFIG, path, 0, 0, "%s: cannot open", path);
    char line[LINE_MAX_LEN];
    char *fld[FIELDS_MAX];
    int32_t col[FIELDS_MAX];
    int32_t lineno = 0, c_start = -1, c_req = -1, c_load = -1, c_aht = -1, nf = 0;
    oq_status st = OQ_OK;
    rows r;
    memset(&r, 0, sizeof r);
    when first = {0, 0, 0}, prev = {0, 0, 0};
    int64_t prev_t = 0, step = interval_s > 0 ? llround(interval_s) : 0;
    int32_t step_line = 0;
#define FAIL(c, ...)                                                                             \
    do {                                                                                         \
        st = oq__error(err, OQ_ECONFIG, path, lineno, (c), __VA_ARGS__);                         \
        goto done;                                                                               \
    } while (0)
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f))
            FAIL(1, "line longer than %d bytes", LINE_MAX_LEN - 1);
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;
        int n = split(line, fld, col, FIELDS_MAX);
        if (n < 0)
            FAIL(1, "more than %d fields", FIELDS_MAX);
        if (c_start < 0) { /* the header */
            nf = n;
            for (int i = 0; i < n; i++) {
                if (strcmp(fld[i], "start") == 0 || (c_start < 0 && strcmp(fld[i], "interval") == 0))
                    c_start = i;
                else if (strcmp(fld[i], column) == 0)
                    c_req = i;
                else if (strcmp(fld[i], "load") == 0)
                    c_load = i;
                else if (strcmp(fld[i], "aht") == 0)
                    c_aht = i;
            }
            if (c_start < 0)
                FAIL(1, "the header names no 'start' (or 'interval') column");
            if (c_req < 0)
                FAIL(1, "the header names no '%s' column", column);
            if ((c_load < 0) != (c_aht < 0))
                c_load = c_aht = -1; /* traffic needs both */
            continue;
        }
        if (n != nf)
            FAIL(1, "%d fields, the header has %d", n, nf);
        when w;
        if (!parse_when(fld[c_start], &w))
            FAIL(col[c_start],
                 "'%s' is not an interval start (YYYY-MM-DD HH:MM[:SS], ddd HH:MM or HH:MM)",
                 fld[c_start]);
        double req, load = 0, aht = 0;
        if (!parse_number(fld[c_req], &req) || req < 0 || req > 1e9)
            FAIL(col[c_req], "%s: '%s' is not a number of agents >= 0", column, fld[c_req]);
        if (c_load >= 0) {
            if (!parse_number(fld[c_load], &load) || load < 0)
                FAIL(col[c_load], "load: '%s' is not a load >= 0", fld[c_load]);
            if (!parse_number(fld[c_aht], &aht) || (load > 0 && !(aht > 0)))
                FAIL(col[c_aht], "aht: '%s' is not a handle time > 0", fld[c_aht]);
        }
        int64_t t;
        if (r.n == 0) {
            first = prev = w;
            t = w.sec;
        } else {
            if (w.kind != first.kind)
                FAIL(col[c_start], "'%s' is written differently from the first row's start",
                     fld[c_start]);
            if (w.kind == 0) {
                t = (w.day - first.day) * 86400 + w.sec;
            } else if (w.kind == 1) { /* the next such weekday and time */
                t = prev_t - prev.sec + ((w.day - prev.day + 7) % 7) * 86400 + w.sec;
                if (t <= prev_t)
                    t += 7 * 86400;
            } else { /* the next such time of day */
                t = prev_t - prev.sec + w.sec;
                if (t <= prev_t)
                    t += 86400;
            }
            int64_t d = t - prev_t;
            char a[48], b[48];
            label(prev_t, a, sizeof a);
            label(t, b, sizeof b);
            if (d <= 0)
                FAIL(col[c_start], "%s is not after the previous row's %s (rows must be in time order, once each)",
                     fld[c_start], a);
            if (step == 0) {
                step = d;
                step_line = lineno;
            } else if (d != step) {
                if (d % step == 0)
                    FAIL(col[c_start],
                         "a gap: %s follows %s, %lld intervals of %lld s are missing (rows "
                         "must be consecutive; write the closed hours with 0)",
                         b, a, (long long)(d / step - 1), (long long)step);
                FAIL(col[c_start],
                     "interval lengths differ: %lld s here, %lld s before (line %d)",
                     (long long)d, (long long)step, (int)step_line);
            }
        }
        if (!rows_push(&mem, &r, t, req, load, aht)) {
            st = oq__error(err, OQ_ENOMEM, path, 0, 0, "out of memory");
            goto done;
        }
        prev = w;
        prev_t = t;
    }
    if (c_start < 0)
        FAIL(0, "no header line");
    if (r.n == 0)
        FAIL(0, "no rows after the header");
    if (step == 0) {
        lineno = 0;
        FAIL(0, "one row: give the interval length (it cannot be inferred)");
    }
    if (86400 % step != 0 || step < 60) {
        lineno = step_line;
        FAIL(0, "an interval of %lld s does not divide a day", (long long)step);
    }
    for (int32_t i = 0; i < r.n; i++)
        if (r.t[i] % step != 0) {
            lineno = 0;
            FAIL(0, "the starts are not on a %lld s grid from midnight", (long long)step);
        }
    /* the horizon: midnight of the first row's day to the end of the last's */
    int64_t days = r.t[r.n - 1] / 86400 + 1;
    if (days > 366) {
        lineno = 0;
        FAIL(0, "%lld days: at most 366", (long long)days);
    }
    h.days = (int32_t)days;
    h.interval_s = (double)step;
    if (first.kind == 0)
        h.first_date = (int32_t)first.day;
    else if (first.kind == 1) /* the base date moved on to the first row's weekday */
        h.first_date += (int32_t)((first.day - oq__weekday_of(h.first_date) + 7) % 7);
    oq_schedule *s = NULL;
    st = oq_schedule_create(&h, &s, err);
    if (st != OQ_OK)
        goto done;
    {
        int have_traffic = c_load >= 0;
        double *lv = NULL, *av = NULL;
        int32_t *rq = oq__calloc(&mem, (size_t)s->n, sizeof *rq);
        if (have_traffic) {
            lv = oq__calloc(&mem, (size_t)s->n, sizeof *lv);
            av = oq__calloc(&mem, (size_t)s->n, sizeof *av);
        }
        if (!rq || (have_traffic && (!lv || !av))) {
            st = oq__error(err, OQ_ENOMEM, path, 0, 0, "out of memory");
        } else {
            for (int32_t i = 0; i < r.n; i++) {
                int32_t t = (int32_t)(r.t[i] / step);
                rq[t] = (int32_t)ceil(r.req[i] - 1e-9);
                if (have_traffic) {
                    lv[t] = r.load[i];
                    av[t] = r.aht[i];
                }
            }
            st = oq_schedule_set_required(s, 0, s->n, rq, err);
            if (st == OQ_OK && have_traffic)
                st = oq_schedule_set_traffic(s, 0, s->n, lv, av, err);
        }
        oq__free(&mem, rq, rq ? (size_t)s->n * sizeof *rq : 0);
        oq__free(&mem, lv, lv ? (size_t)s->n * sizeof *lv : 0);
        oq__free(&mem, av, av ? (size_t)s->n * sizeof *av : 0);
    }
    if (st == OQ_OK)
        *out = s;
    else
        oq_schedule_destroy(s);
done:
#undef FAIL
    fclose(f);
    rows_free(&mem, &r);
    return st;
}
