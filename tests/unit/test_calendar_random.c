/* SPDX-License-Identifier: MIT */
/* Calendars against a brute-force oracle: random weekly hours (several
 * ranges a day, some past midnight), closed days, special hours and
 * holidays, in zones with and without DST, over windows holding DST changes
 * (in 2026, and in 2047 where the TZ footer rule applies). The oracle finds
 * the local time of every minute with the C library's localtime_r and
 * decides open/closed from its own copy of the schedule; is_open,
 * business_ms, next_open, next_close and add_business_ms must agree with
 * counting minutes. The overlap check is compared with the oracle's too. */
#define _DEFAULT_SOURCE
#include <string.h>

#include "calendar_oracle.h"
#include "assert_oq.h"

#define WINDOW_DAYS 30
#define N_MIN (WINDOW_DAYS * 1440)

typedef struct trange {
    int32_t open, close; /* minutes after local midnight; close may pass 1440 */
} trange;

typedef struct tex {
    int64_t date;
    int kind; /* OQ_DAY_SPECIAL or OQ_DAY_CLOSED */
    trange r[2];
    int n;
} tex;

typedef struct tsched {
    trange week[7][4];
    int nweek[7];
    int has_hours;
    tex ex[12];
    int nex;
    int64_t hol[16];
    int nhol;
} tsched;

static const trange FULL = {0, 1440};

static int weekday_of(int64_t date) { return (int)(((date + 3) % 7 + 7) % 7); }

static void ranges_of(const tsched *s, int64_t date, const trange **r, int *n)
{
    for (int i = 0; i < s->nex; i++)
        if (s->ex[i].date == date) {
            *r = s->ex[i].r;
            *n = s->ex[i].kind == OQ_DAY_SPECIAL ? s->ex[i].n : 0;
            return;
        }
    for (int i = 0; i < s->nhol; i++)
        if (s->hol[i] == date) {
            *n = 0;
            return;
        }
    if (!s->has_hours) {
        *r = &FULL;
        *n = 1;
        return;
    }
    int wd = weekday_of(date);
    *r = s->week[wd];
    *n = s->nweek[wd];
}

static int oracle_open(const tsched *s, int64_t date, int64_t minute)
{
    const trange *r;
    int n;
    ranges_of(s, date, &r, &n);
    for (int i = 0; i < n; i++)
        if (r[i].open <= minute && minute < r[i].close)
            return 1;
    ranges_of(s, date - 1, &r, &n);
    for (int i = 0; i < n; i++)
        if (r[i].close > 1440 && minute < r[i].close - 1440)
            return 1;
    return 0;
}

/* Overlap on the week's circle, by walking minutes (independent of the library's arithmetic). */
static int week_clash(const tsched *s, int wd, trange nr)
{
    static unsigned char used[7 * 1440];
    memset(used, 0, sizeof used);
    for (int w = 0; w < 7; w++)
        for (int i = 0; i < s->nweek[w]; i++)
            for (int m = s->week[w][i].open; m < s->week[w][i].close; m++)
                used[(w * 1440 + m) % (7 * 1440)] = 1;
    for (int m = nr.open; m < nr.close; m++)
        if (used[(wd * 1440 + m) % (7 * 1440)])
            return 1;
    return 0;
}

typedef struct world {
    oq_calendar *cal;
    tsched s;
    int64_t w0;               /* window start, UTC ms, minute-aligned */
    unsigned char open[N_MIN];
    int64_t prefix[N_MIN + 1]; /* open minutes before index */
} world;

static void build(world *w, const char *zone, int64_t w0, uint64_t *seed)
{
    memset(&w->s, 0, sizeof w->s);
    w->w0 = w0;
    w->cal = new_calendar("rnd", zone);
    oq_error err = OQ_ERROR_INIT;
    int64_t first_day = floor_div(w0, DAY_MS) - 1;
    /* One calendar in five keeps the default: open around the clock. */
    if (rnd_range(seed, 0, 4) != 0) {
        for (int wd = 0; wd < 7; wd++) {
            int tries = (int)rnd_range(seed, 0, 4);
            for (int k = 0; k < tries && w->s.nweek[wd] < 4; k++) {
                trange r;
                r.open = (int32_t)rnd_range(seed, 0, 1439);
                int64_t len = rnd_range(seed, 0, 5) == 0 ? rnd_range(seed, 1, 1440) : rnd_range(seed, 15, 600);
                r.close = r.open + (int32_t)len;
                int clash = week_clash(&w->s, wd, r);
                oq_status st = oq_calendar_add_hours(w->cal, wd, r.open * 60000, r.close * 60000, &err);
                if (clash != (st == OQ_EINVAL))
                    fail_msg("%s %d-%d: oracle clash %d, library %s (%s)", oq_weekday_name(wd),
                             (int)r.open, (int)r.close, clash, oq_status_name(st), err.message);
                if (st == OQ_OK) {
                    w->s.week[wd][w->s.nweek[wd]++] = r;
                    w->s.has_hours = 1;
                }
            }
        }
    }
    /* Exceptions and holidays on dates of the window. */
    int nex = (int)rnd_range(seed, 0, 10);
    for (int k = 0; k < nex; k++) {
        int64_t d = first_day + rnd_range(seed, 0, WINDOW_DAYS + 1);
        int dup = 0;
        for (int i = 0; i < w->s.nex; i++)
            dup |= w->s.ex[i].date == d;
        if (dup)
            continue;
        tex *x = &w->s.ex[w->s.nex];
        x->date = d;
        if (rnd_range(seed, 0, 2) == 0) {
            x->kind = OQ_DAY_CLOSED;
            must(oq_calendar_close_day(w->cal, (int32_t)d, "closed", &err), &err, "close_day");
        } else {
            x->kind = OQ_DAY_SPECIAL;
            int32_t a = (int32_t)rnd_range(seed, 0, 1000), b = a + (int32_t)rnd_range(seed, 1, 300);
            x->r[x->n++] = (trange){a, b};
            must(oq_calendar_set_day_hours(w->cal, (int32_t)d, a * 60000, b * 60000, NULL, &err), &err,
                 "special");
            if (rnd_range(seed, 0, 1)) { /* a second range, maybe past midnight */
                int32_t c = b + (int32_t)rnd_range(seed, 0, 200);
                if (c < 1440) {
                    int32_t e = c + (int32_t)rnd_range(seed, 1, 900);
                    x->r[x->n++] = (trange){c, e};
                    must(oq_calendar_set_day_hours(w->cal, (int32_t)d, c * 60000, e * 60000, "x", &err),
                         &err, "special 2");
                }
            }
        }
        w->s.nex++;
    }
    int nhol = (int)rnd_range(seed, 0, 12);
    for (int k = 0; k < nhol; k++) {
        int64_t d = first_day + rnd_range(seed, 0, WINDOW_DAYS + 1);
        const char *list = k % 3 ? "a" : "b";
        int dup = 0;
        for (int i = 0; i < w->s.nhol; i++)
            dup |= w->s.hol[i] == d;
        oq_status st = oq_calendar_add_holiday(w->cal, list, (int32_t)d, "h", &err);
        if (st == OQ_EEXIST) {
            assert_true(dup); /* the same date again in some list */
            continue;
        }
        must(st, &err, "holiday");
        w->s.hol[w->s.nhol++] = d;
    }
    /* The oracle's minutes. */
    w->prefix[0] = 0;
    for (int64_t m = 0; m < N_MIN; m++) {
        oracle_local o = oracle_to_local(w0 + m * MIN_MS);
        w->open[m] = (unsigned char)oracle_open(&w->s, o.date, o.ms_of_day / MIN_MS);
        w->prefix[m + 1] = w->prefix[m] + w->open[m];
    }
}

static int64_t at(const world *w, int64_t m) { return w->w0 + m * MIN_MS; }

/* First minute >= m with flag `want`, or -1 inside the window. */
static int64_t scan(const world *w, int64_t m, int want)
{
    for (; m < N_MIN; m++)
        if (w->open[m] == want)
            return m;
    return -1;
}

static void check(world *w, uint64_t *seed, const char *zone)
{
    const oq_calendar *cal = w->cal;
    for (int64_t m = 0; m < N_MIN; m++) {
        int32_t open = -1;
        assert_oq_ok(NULL, oq_calendar_is_open(cal, at(w, m) + 30000, &open));
        if (open != w->open[m])
            fail_msg("%s: is_open at minute %lld: %d, oracle %d", zone, (long long)m, open, w->open[m]);
    }
    for (int k = 0; k < 400; k++) {
        int64_t a = rnd_range(seed, 0, N_MIN), b = rnd_range(seed, 0, N_MIN);
        if (a > b) {
            int64_t tmp = a;
            a = b;
            b = tmp;
        }
        int64_t got = -1;
        assert_oq_ok(NULL, oq_calendar_business_ms(cal, at(w, a), at(w, b), &got));
        if (got != (w->prefix[b] - w->prefix[a]) * MIN_MS)
            fail_msg("%s: business_ms(minute %lld, %lld) = %lld, oracle %lld min", zone, (long long)a,
                     (long long)b, (long long)got, (long long)(w->prefix[b] - w->prefix[a]));

        int64_t m = rnd_range(seed, 0, N_MIN - 1);
        int64_t o = scan(w, m, 1);
        if (o >= 0) {
            int64_t t = 0;
            assert_oq_ok(NULL, oq_calendar_next_open(cal, at(w, m), &t));
            if (t != at(w, o))
                fail_msg("%s: next_open(minute %lld) = %lld, oracle minute %lld", zone, (long long)m,
                         (long long)(t - w->w0) / MIN_MS, (long long)o);
            int64_t c = scan(w, o, 0);
            if (c >= 0) {
                assert_oq_ok(NULL, oq_calendar_next_close(cal, at(w, m), &t));
                if (t != at(w, c))
                    fail_msg("%s: next_close(minute %lld) = %lld, oracle minute %lld", zone,
                             (long long)m, (long long)(t - w->w0) / MIN_MS, (long long)c);
            }
        }
        /* The minute by which n open minutes have passed after m. */
        int64_t n = rnd_range(seed, 0, 3000), r = -1;
        if (n == 0)
            r = o;
        else
            for (int64_t x = m; x < N_MIN; x++)
                if (w->prefix[x + 1] - w->prefix[m] == n) {
                    r = x + 1;
                    break;
                }
        if (r >= 0) {
            int64_t t = 0;
            assert_oq_ok(NULL, oq_calendar_add_business_ms(cal, at(w, m), n * MIN_MS, &t));
            if (t != at(w, r))
                fail_msg("%s: add_business_ms(minute %lld, %lld min) = minute %lld, oracle %lld", zone,
                         (long long)m, (long long)n, (long long)(t - w->w0) / MIN_MS, (long long)r);
        }
    }
}

/* Each zone with three windows: around its 2026 spring and autumn changes
 * (the window starts 10 days before), and one in 2047, past the "fat" TZif
 * tables, where the footer rule decides. */
static const struct {
    const char *zone;
    int spring_m, spring_d, autumn_m, autumn_d;
} ZONES[] = {
    {"Europe/London", 3, 19, 10, 15},     /* 29 Mar, 25 Oct */
    {"America/New_York", 2, 26, 10, 22},  /* 8 Mar, 1 Nov */
    {"Asia/Shanghai", 1, 10, 7, 1},       /* no DST */
    {"Australia/Sydney", 3, 26, 9, 24},   /* 5 Apr (back), 4 Oct (forward) */
    {"Australia/Lord_Howe", 3, 26, 9, 24},/* half-hour changes */
    {"Pacific/Chatham", 3, 26, 9, 17},    /* 5 Apr, 27 Sep; +12:45 / +13:45 */
};

static void random_calendars_match_oracle(void **state)
{
    (void)state;
    static world w; /* large: not on the stack */
    uint64_t seed = 0x5eed;
    for (size_t z = 0; z < sizeof ZONES / sizeof ZONES[0]; z++) {
        oracle_zone(ZONES[z].zone);
        const int64_t starts[] = {utc_ms(2026, ZONES[z].spring_m, ZONES[z].spring_d, 0, 0, 0),
                                  utc_ms(2026, ZONES[z].autumn_m, ZONES[z].autumn_d, 0, 0, 0),
                                  utc_ms(2047, ZONES[z].spring_m, ZONES[z].spring_d, 0, 0, 0) -
                                      5 * DAY_MS};
        for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
            build(&w, ZONES[z].zone, starts[k] + rnd_range(&seed, 0, 5) * DAY_MS, &seed);
            check(&w, &seed, ZONES[z].zone);
            oq_calendar_destroy(w.cal);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_calendars_match_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
