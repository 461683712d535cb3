/* SPDX-License-Identifier: MIT */
/* Calendar time zones and civil dates: dates against a counting
 * implementation; local time against the C library (localtime_r, which the
 * library never uses) in real zones, before and after 2037 (the TZ footer
 * rule); hand-checked DST changes; from_local in gaps and folds; fixed
 * offsets; unknown zones and malformed TZif files written by the test. */
#define _DEFAULT_SOURCE /* tm_gmtoff, setenv, mkdtemp */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar_oracle.h"
#include "assert_oq.h"

/* ---- dates ---------------------------------------------------------------- */

static void dates_match_counting(void **state)
{
    (void)state;
    uint64_t seed = 7;
    for (int i = 0; i < 4000; i++) {
        int y = (int)rnd_range(&seed, 1601, 2399), m = (int)rnd_range(&seed, 1, 12);
        static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int d = (int)rnd_range(&seed, 1, len[m - 1] + (m == 2 && is_leap_year(y)));
        int32_t date = 0, yy = 0, mm = 0, dd = 0;
        assert_oq_ok(NULL, oq_date_from_ymd(y, m, d, &date));
        assert_int_equal(date, count_days(y, m, d));
        assert_oq_ok(NULL, oq_date_to_ymd(date, &yy, &mm, &dd));
        assert_int_equal(yy, y);
        assert_int_equal(mm, m);
        assert_int_equal(dd, d);
    }
    /* Range ends and weekdays known from almanacs. */
    assert_int_equal(date_of(1, 1, 1), -719162);
    assert_int_equal(date_of(9999, 12, 31), 2932896);
    assert_int_equal(date_of(1970, 1, 1), 0);
    assert_int_equal(oq_date_weekday(date_of(1, 1, 1)), 0);       /* a Monday */
    assert_int_equal(oq_date_weekday(date_of(2000, 1, 1)), 5);    /* a Saturday */
    assert_int_equal(oq_date_weekday(date_of(2026, 2, 17)), 1);   /* Spring Festival: a Tuesday */
    assert_int_equal(oq_date_weekday(date_of(1969, 12, 31)), 2);  /* a Wednesday */
    assert_int_equal(oq_date_weekday(date_of(9999, 12, 31)), 4);  /* a Friday */
    int32_t out = 42;
    assert_int_equal(oq_date_from_ymd(0, 1, 1, &out), OQ_EINVAL);
    assert_int_equal(oq_date_from_ymd(10000, 1, 1, &out), OQ_EINVAL);
    assert_int_equal(oq_date_from_ymd(2026, 2, 29, &out), OQ_EINVAL);
    assert_int_equal(oq_date_from_ymd(2026, 13, 1, &out), OQ_EINVAL);
    assert_int_equal(oq_date_from_ymd(2026, 4, 31, &out), OQ_EINVAL);
    assert_oq_ok(NULL, oq_date_from_ymd(2024, 2, 29, &out));
    assert_int_equal(oq_date_from_ymd(2024, 2, 29, NULL), OQ_EINVAL);
    assert_int_equal(oq_date_to_ymd(-719163, NULL, NULL, NULL), OQ_EINVAL);
    assert_int_equal(oq_date_to_ymd(2932897, NULL, NULL, NULL), OQ_EINVAL);
    assert_oq_ok(NULL, oq_date_to_ymd(0, NULL, NULL, NULL));
}

static void date_parse_is_strict(void **state)
{
    (void)state;
    int32_t d = 0;
    assert_oq_ok(NULL, oq_date_parse("2026-02-16", &d));
    assert_int_equal(d, count_days(2026, 2, 16));
    const char *bad[] = {"2026-2-16", "2026-02-16x", "2026-02-30", "abcd-ef-gh", "", "2026-02-1",
                         "2026/02/16", " 2026-02-16", "0000-01-01", "+026-02-16"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d = 77;
        if (oq_date_parse(bad[i], &d) != OQ_EINVAL)
            fail_msg("oq_date_parse(\"%s\") accepted", bad[i]);
        assert_int_equal(d, 77);
    }
    assert_int_equal(oq_date_parse(NULL, &d), OQ_EINVAL);
    assert_int_equal(oq_date_parse("2026-02-16", NULL), OQ_EINVAL);
    assert_string_equal(oq_weekday_name(0), "mon");
    assert_string_equal(oq_weekday_name(6), "sun");
    assert_null(oq_weekday_name(7));
    assert_null(oq_weekday_name(-1));
}

/* ---- local time ------------------------------------------------------------- */

static const char *const ZONES[] = {
    "Europe/London", "America/New_York", "Asia/Shanghai", "Australia/Sydney",
    "Europe/Dublin", /* negative daylight saving in the tz data since 2018 */
    "Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo", "Australia/Lord_Howe", "UTC",
};

static void expect_local(const oq_calendar *cal, int64_t t, int64_t date, int64_t ms, int32_t off,
                         int32_t dst)
{
    oq_local_time lt;
    assert_oq_ok(NULL, oq_calendar_to_local(cal, t, &lt));
    if (lt.date != date || lt.ms_of_day != ms || lt.utc_offset_s != off || lt.is_dst != dst)
        fail_msg("%s at %lld: got date %d ms %d off %d dst %d, want %lld %lld %d %d",
                 oq_calendar_time_zone(cal), (long long)t, (int)lt.date, (int)lt.ms_of_day,
                 (int)lt.utc_offset_s, (int)lt.is_dst, (long long)date, (long long)ms, (int)off,
                 (int)dst);
}

static void to_local_matches_c_library(void **state)
{
    (void)state;
    uint64_t seed = 11;
    for (size_t z = 0; z < sizeof ZONES / sizeof ZONES[0]; z++) {
        oq_calendar *cal = new_calendar("z", ZONES[z]);
        oracle_zone(ZONES[z]);
        for (int i = 0; i < 3000; i++) {
            /* 1902 .. 2100, the years after 2037 ruled by the TZ footer. */
            int64_t t = rnd_range(&seed, utc_ms(1902, 1, 1, 0, 0, 0), utc_ms(2100, 12, 31, 0, 0, 0));
            if (i % 3 == 0) /* near the DST changes: whole hours +-1 ms */
                t = t / HOUR_MS * HOUR_MS + rnd_range(&seed, -1, 1);
            oracle_local o = oracle_to_local(t);
            expect_local(cal, t, o.date, o.ms_of_day, o.offset_s, o.is_dst);
        }
        oq_calendar_destroy(cal);
    }
}

static void dst_changes_by_hand(void **state)
{
    (void)state;
    /* Europe/London: BST from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC. */
    oq_calendar *lon = new_calendar("lon", "Europe/London");
    int64_t mar29 = count_days(2026, 3, 29), oct25 = count_days(2026, 10, 25);
    expect_local(lon, utc_ms(2026, 3, 29, 0, 59, 59), mar29, HM(0, 59) + 59000, 0, 0);
    expect_local(lon, utc_ms(2026, 3, 29, 1, 0, 0), mar29, HM(2, 0), 3600, 1);
    expect_local(lon, utc_ms(2026, 10, 25, 0, 59, 59), oct25, HM(1, 59) + 59000, 3600, 1);
    expect_local(lon, utc_ms(2026, 10, 25, 1, 0, 0), oct25, HM(1, 0), 0, 0);
    /* 2046 is past the table of a "fat" file (2037): the footer rule. */
    expect_local(lon, utc_ms(2046, 3, 25, 0, 59, 59), count_days(2046, 3, 25), HM(0, 59) + 59000, 0, 0);
    expect_local(lon, utc_ms(2046, 3, 25, 1, 0, 0), count_days(2046, 3, 25), HM(2, 0), 3600, 1);
    oq_calendar_destroy(lon);

    /* America/New_York: EDT from 2026-03-08 07:00 UTC to 2026-11-01 06:00 UTC. */
    oq_calendar *ny = new_calendar("ny", "America/New_York");
    int64_t mar8 = count_days(2026, 3, 8), nov1 = count_days(2026, 11, 1);
    expect_local(ny, utc_ms(2026, 3, 8, 6, 59, 59), mar8, HM(1, 59) + 59000, -18000, 0);
    expect_local(ny, utc_ms(2026, 3, 8, 7, 0, 0), mar8, HM(3, 0), -14400, 1);
    expect_local(ny, utc_ms(2026, 11, 1, 5, 59, 59), nov1, HM(1, 59) + 59000, -14400, 1);
    expect_local(ny, utc_ms(2026, 11, 1, 6, 0, 0), nov1, HM(1, 0), -18000, 0);
    /* 2045-03-12 is the second Sunday of March 2045. */
    expect_local(ny, utc_ms(2045, 3, 12, 6, 59, 59), count_days(2045, 3, 12), HM(1, 59) + 59000, -18000, 0);
    expect_local(ny, utc_ms(2045, 3, 12, 7, 0, 0), count_days(2045, 3, 12), HM(3, 0), -14400, 1);
    oq_calendar_destroy(ny);

    /* Asia/Shanghai: +08:00 all year, no DST. */
    oq_calendar *sh = new_calendar("sh", "Asia/Shanghai");
    expect_local(sh, utc_ms(2026, 7, 1, 16, 0, 0), count_days(2026, 7, 2), 0, 28800, 0);
    expect_local(sh, utc_ms(2026, 1, 1, 15, 59, 59), count_days(2026, 1, 1), HM(23, 59) + 59000, 28800, 0);
    expect_local(sh, utc_ms(2060, 7, 1, 16, 0, 0), count_days(2060, 7, 2), 0, 28800, 0);
    oq_calendar_destroy(sh);
}

static void expect_from_local(const oq_calendar *cal, int32_t date, int32_t ms, int64_t want)
{
    int64_t got = 0;
    assert_oq_ok(NULL, oq_calendar_from_local(cal, date, ms, &got));
    if (got != want)
        fail_msg("%s from_local(%d, %d) = %lld, want %lld", oq_calendar_time_zone(cal), (int)date,
                 (int)ms, (long long)got, (long long)want);
}

static void from_local_gap_and_fold(void **state)
{
    (void)state;
    oq_calendar *lon = new_calendar("lon", "Europe/London");
    int32_t mar29 = date_of(2026, 3, 29), oct25 = date_of(2026, 10, 25);
    expect_from_local(lon, mar29, HM(0, 30), utc_ms(2026, 3, 29, 0, 30, 0));
    expect_from_local(lon, mar29, HM(1, 0), utc_ms(2026, 3, 29, 1, 0, 0));  /* gap: its end */
    expect_from_local(lon, mar29, HM(1, 30), utc_ms(2026, 3, 29, 1, 0, 0)); /* gap: its end */
    expect_from_local(lon, mar29, HM(2, 0), utc_ms(2026, 3, 29, 1, 0, 0));  /* first real BST time */
    expect_from_local(lon, mar29, HM(2, 30), utc_ms(2026, 3, 29, 1, 30, 0));
    expect_from_local(lon, oct25, HM(1, 30), utc_ms(2026, 10, 25, 0, 30, 0)); /* fold: earlier */
    expect_from_local(lon, oct25, HM(1, 0), utc_ms(2026, 10, 25, 0, 0, 0));
    expect_from_local(lon, oct25, HM(2, 0), utc_ms(2026, 10, 25, 2, 0, 0));
    oq_calendar_destroy(lon);

    oq_calendar *ny = new_calendar("ny", "America/New_York");
    expect_from_local(ny, date_of(2026, 3, 8), HM(2, 30), utc_ms(2026, 3, 8, 7, 0, 0));
    expect_from_local(ny, date_of(2026, 11, 1), HM(1, 30), utc_ms(2026, 11, 1, 5, 30, 0));
    expect_from_local(ny, date_of(2026, 11, 1), HM(0, 59), utc_ms(2026, 11, 1, 4, 59, 0));
    oq_calendar_destroy(ny);

    /* Round trips against the C library in every zone: from_local(L) is the
     * earliest instant whose local time is L, or the end of the gap. */
    uint64_t seed = 5;
    for (size_t z = 0; z < sizeof ZONES / sizeof ZONES[0]; z++) {
        oq_calendar *cal = new_calendar("z", ZONES[z]);
        oracle_zone(ZONES[z]);
        for (int i = 0; i < 2000; i++) {
            int32_t date = (int32_t)rnd_range(&seed, count_days(1950, 1, 1), count_days(2080, 1, 1));
            int32_t ms = (int32_t)rnd_range(&seed, 0, 95) * 15 * 60000; /* quarter hours */
            int64_t r = 0;
            assert_oq_ok(NULL, oq_calendar_from_local(cal, date, ms, &r));
            int64_t want = (int64_t)date * DAY_MS + ms;
            oracle_local at = oracle_to_local(r), before = oracle_to_local(r - 1);
            int64_t l_at = at.date * DAY_MS + at.ms_of_day, l_before = before.date * DAY_MS + before.ms_of_day;
            if (l_at == want) { /* exists: no earlier instant shows the same time */
                for (int64_t back = 15 * MIN_MS; back <= 3 * HOUR_MS; back += 15 * MIN_MS) {
                    oracle_local o = oracle_to_local(r - back);
                    assert_false(o.date * DAY_MS + o.ms_of_day == want);
                }
            } else { /* skipped: the wall clock jumps over `want` at r */
                if (!(l_before < want && want < l_at))
                    fail_msg("%s: %d+%d maps to %lld, which is not a gap's end", ZONES[z],
                             (int)date, (int)ms, (long long)r);
            }
        }
        oq_calendar_destroy(cal);
    }
}

static void fixed_offsets_and_utc(void **state)
{
    (void)state;
    int64_t t = utc_ms(2026, 6, 30, 20, 15, 0);
    oq_calendar *c = new_calendar("cn", "+08:00");
    expect_local(c, t, count_days(2026, 7, 1), HM(4, 15), 28800, 0);
    assert_string_equal(oq_calendar_time_zone(c), "+08:00");
    assert_string_equal(oq_calendar_id(c), "cn");
    oq_calendar_destroy(c);
    c = new_calendar("in", "-05:30");
    expect_local(c, t, count_days(2026, 6, 30), HM(14, 45), -19800, 0);
    expect_from_local(c, date_of(2026, 6, 30), HM(14, 45), t);
    oq_calendar_destroy(c);
    c = new_calendar("utc", "UTC");
    expect_local(c, t, count_days(2026, 6, 30), HM(20, 15), 0, 0);
    oq_local_time lt;
    assert_int_equal(oq_calendar_to_local(c, INT64_MAX, &lt), OQ_EINVAL);
    assert_int_equal(oq_calendar_to_local(c, INT64_MIN, &lt), OQ_EINVAL);
    assert_int_equal(oq_calendar_to_local(c, t, NULL), OQ_EINVAL);
    assert_int_equal(oq_calendar_to_local(NULL, t, &lt), OQ_EINVAL);
    int64_t out = 0;
    assert_int_equal(oq_calendar_from_local(c, 0, -1, &out), OQ_EINVAL);
    assert_int_equal(oq_calendar_from_local(c, 0, OQ_MS_PER_DAY, &out), OQ_EINVAL);
    assert_int_equal(oq_calendar_from_local(c, 9999999, 0, &out), OQ_EINVAL);
    oq_calendar_destroy(c);
}

/* ---- bad zones ----------------------------------------------------------------- */

static void expect_create_fails(const char *zone, const oq_calendar_options *opts,
                                oq_status want, const char *needle, const char *path_needle)
{
    oq_calendar *cal = (oq_calendar *)(uintptr_t)0x1; /* must stay untouched */
    oq_error err = OQ_ERROR_INIT;
    oq_error_init(&err);
    oq_status st = oq_calendar_create("desk", zone, opts, &cal, &err);
    if (st != want)
        fail_msg("zone '%s': got %s (%s), want %s", zone ? zone : "(null)", oq_status_name(st),
                 err.message, oq_status_name(want));
    assert_ptr_equal(cal, (oq_calendar *)(uintptr_t)0x1);
    assert_int_equal(err.status, want);
    if (!strstr(err.message, needle))
        fail_msg("zone '%s': message \"%s\" lacks \"%s\"", zone ? zone : "(null)", err.message, needle);
    if (!strstr(err.message, "desk"))
        fail_msg("message \"%s\" does not name the calendar", err.message);
    if (path_needle && !strstr(err.path, path_needle))
        fail_msg("zone '%s': err.path \"%s\" lacks \"%s\"", zone, err.path, path_needle);
}

static void unknown_zones_are_refused(void **state)
{
    (void)state;
    expect_create_fails("Mars/Olympus_Mons", NULL, OQ_EINVAL, "unknown time zone 'Mars/Olympus_Mons'",
                        "Mars/Olympus_Mons");
    expect_create_fails("Asia/Shangai", NULL, OQ_EINVAL, "unknown time zone 'Asia/Shangai'", NULL);
    expect_create_fails("../../etc/passwd", NULL, OQ_EINVAL, "unknown time zone", NULL);
    expect_create_fails("/etc/localtime", NULL, OQ_EINVAL, "unknown time zone", NULL);
    expect_create_fails("Europe//London", NULL, OQ_EINVAL, "unknown time zone", NULL);
    expect_create_fails("", NULL, OQ_EINVAL, "unknown time zone", NULL);
    expect_create_fails("+24:00", NULL, OQ_EINVAL, "unknown time zone", NULL);
    expect_create_fails("+8:00", NULL, OQ_EINVAL, "unknown time zone", NULL);
    expect_create_fails("Europe", NULL, OQ_EINVAL, "cannot read", "Europe"); /* a directory */
    expect_create_fails(NULL, NULL, OQ_EINVAL, "time_zone is NULL", NULL);

    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_calendar_create(NULL, "UTC", NULL, &cal, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "calendar id is NULL"));
    assert_int_equal(oq_calendar_create("", "UTC", NULL, &cal, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "empty"));
    char long_id[300];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    assert_int_equal(oq_calendar_create(long_id, "UTC", NULL, &cal, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "longer than 255"));
    assert_int_equal(oq_calendar_create("\xff\xfe", "UTC", NULL, &cal, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "UTF-8"));
    assert_int_equal(oq_calendar_create("x", "UTC", NULL, NULL, &err), OQ_EINVAL);
    oq_calendar_options o;
    assert_oq_ok(NULL, oq_calendar_options_init(&o));
    o.struct_size = 3;
    assert_int_equal(oq_calendar_create("x", "UTC", &o, &cal, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "struct_size"));
    assert_null(cal);
    assert_int_equal(oq_calendar_options_init(NULL), OQ_EINVAL);
    /* NULL err is fine. */
    assert_int_equal(oq_calendar_create("x", "Nowhere/Zone", NULL, &cal, NULL), OQ_EINVAL);
}

/* ---- hand-made TZif files --------------------------------------------------------- */

typedef struct tzb {
    unsigned char b[4096];
    size_t n;
} tzb;

static void b8(tzb *t, unsigned v) { t->b[t->n++] = (unsigned char)v; }
static void b32(tzb *t, uint32_t v)
{
    for (int s = 24; s >= 0; s -= 8)
        b8(t, (v >> s) & 0xff);
}
static void b64(tzb *t, int64_t v)
{
    b32(t, (uint32_t)((uint64_t)v >> 32));
    b32(t, (uint32_t)((uint64_t)v & 0xffffffffu));
}

typedef struct tzspec {
    char version;            /* 0, '2', '3' */
    int n_trans;
    int64_t at[4];
    unsigned idx[4];
    int n_types;
    int32_t off[4];
    unsigned dst[4];
    uint32_t leap;
    const char *footer;      /* NULL: none written */
} tzspec;

static void tz_header(tzb *t, const tzspec *s)
{
    b8(t, 'T'), b8(t, 'Z'), b8(t, 'i'), b8(t, 'f'), b8(t, (unsigned char)s->version);
    for (int i = 0; i < 15; i++)
        b8(t, 0);
    b32(t, 0), b32(t, 0), b32(t, s->leap), b32(t, (uint32_t)s->n_trans), b32(t, (uint32_t)s->n_types);
    b32(t, 4); /* designations "XYZ\0" */
}

static void tz_block(tzb *t, const tzspec *s, int wide)
{
    for (int i = 0; i < s->n_trans; i++)
        wide ? b64(t, s->at[i]) : b32(t, (uint32_t)(int32_t)s->at[i]);
    for (int i = 0; i < s->n_trans; i++)
        b8(t, s->idx[i]);
    for (int i = 0; i < s->n_types; i++) {
        b32(t, (uint32_t)s->off[i]);
        b8(t, s->dst[i]);
        b8(t, 0);
    }
    b8(t, 'X'), b8(t, 'Y'), b8(t, 'Z'), b8(t, 0);
    for (uint32_t i = 0; i < s->leap; i++) {
        wide ? b64(t, 78796800) : b32(t, 78796800);
        b32(t, 1);
    }
}

static void make_tzif(tzb *t, const tzspec *s)
{
    t->n = 0;
    tz_header(t, s);
    tz_block(t, s, 0);
    if (s->version) {
        tz_header(t, s);
        tz_block(t, s, 1);
        if (s->footer) {
            b8(t, '\n');
            for (const char *p = s->footer; *p; p++)
                b8(t, (unsigned char)*p);
            b8(t, '\n');
        }
    }
}

typedef struct tzdir {
    char root[64];
    char files[32][256];
    int n_files;
} tzdir;

static void put_zone(tzdir *d, const char *name, const unsigned char *bytes, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/T", d->root);
    mkdir(path, 0700); /* may exist */
    snprintf(path, sizeof path, "%s/%s", d->root, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    snprintf(d->files[d->n_files++], sizeof d->files[0], "%s", path);
}

/* A private tz directory, and options that read zones from it. */
static void make_tzdir(tzdir *d, oq_calendar_options *opts)
{
    memset(d, 0, sizeof *d);
    snprintf(d->root, sizeof d->root, "/tmp/oq_tz_XXXXXX");
    assert_non_null(mkdtemp(d->root));
    oq_calendar_options_init(opts);
    opts->tzdir = d->root;
}

static void remove_tzdir(tzdir *d)
{
    for (int i = 0; i < d->n_files; i++)
        unlink(d->files[i]);
    char path[256];
    snprintf(path, sizeof path, "%s/T", d->root);
    rmdir(path);
    rmdir(d->root);
}

/* A valid base: GMT/BST switch at 2026-03-29 01:00 UTC, UK footer. */
static tzspec base_spec(void)
{
    tzspec s;
    memset(&s, 0, sizeof s);
    s.version = '2';
    s.n_trans = 1;
    s.at[0] = utc_ms(2026, 3, 29, 1, 0, 0) / 1000;
    s.idx[0] = 1;
    s.n_types = 2;
    s.off[0] = 0;
    s.off[1] = 3600;
    s.dst[1] = 1;
    s.footer = "GMT0BST,M3.5.0/1,M10.5.0";
    return s;
}

static void malformed_tzif_files_are_refused(void **state)
{
    (void)state;
    tzdir d;
    oq_calendar_options opts;
    make_tzdir(&d, &opts);
    tzb t;

    tzspec s = base_spec();

    /* Good base: loads, and answers as the UK does. */
    make_tzif(&t, &s);
    put_zone(&d, "T/Good", t.b, t.n);
    {
        oq_calendar *cal = NULL;
        oq_error err = OQ_ERROR_INIT;
        must(oq_calendar_create("good", "T/Good", &opts, &cal, &err), &err, "T/Good");
        expect_local(cal, utc_ms(2026, 3, 29, 0, 59, 0), count_days(2026, 3, 29), HM(0, 59), 0, 0);
        expect_local(cal, utc_ms(2026, 3, 29, 1, 0, 0), count_days(2026, 3, 29), HM(2, 0), 3600, 1);
        /* After the only transition, the footer: back to GMT on 2026-10-25. */
        expect_local(cal, utc_ms(2026, 10, 25, 1, 0, 0), count_days(2026, 10, 25), HM(1, 0), 0, 0);
        expect_local(cal, utc_ms(2031, 3, 30, 1, 0, 0), count_days(2031, 3, 30), HM(2, 0), 3600, 1);
        /* Before it, type 0. */
        expect_local(cal, utc_ms(1990, 7, 1, 0, 0, 0), count_days(1990, 7, 1), 0, 0, 0);
        oq_calendar_destroy(cal);
    }

    /* Each broken file: the file, the reason, and the zone in the message. */
    struct bad {
        const char *name, *needle;
        tzspec spec;
        size_t cut;          /* truncate to this many bytes (0: no) */
        int magic, version;  /* corrupt the magic / the version byte */
    } bad[16];
    int nb = 0;
    memset(bad, 0, sizeof bad);
    bad[nb] = (struct bad){"T/Magic", "no \"TZif\" magic", base_spec(), 0, 1, 0}; nb++;
    bad[nb] = (struct bad){"T/Short", "truncated header", base_spec(), 10, 0, 0}; nb++;
    bad[nb] = (struct bad){"T/Version", "unsupported TZif version", base_spec(), 0, 0, 1}; nb++;
    bad[nb] = (struct bad){"T/Cut", "truncated data block", base_spec(), 50, 0, 0}; nb++;
    bad[nb] = (struct bad){"T/Cut2", "truncated data block", base_spec(), 44 + 21 + 44 + 10, 0, 0}; nb++;
    bad[nb] = (struct bad){"T/NoTypes", "local time types", base_spec(), 0, 0, 0};
    bad[nb].spec.n_types = 0, bad[nb].spec.n_trans = 0; nb++;
    bad[nb] = (struct bad){"T/Order", "ascending", base_spec(), 0, 0, 0};
    bad[nb].spec.n_trans = 2, bad[nb].spec.at[1] = bad[nb].spec.at[0] - 10, bad[nb].spec.idx[1] = 0; nb++;
    bad[nb] = (struct bad){"T/Index", "does not exist", base_spec(), 0, 0, 0};
    bad[nb].spec.idx[0] = 7; nb++;
    bad[nb] = (struct bad){"T/Footer", "malformed POSIX TZ string", base_spec(), 0, 0, 0};
    bad[nb].spec.footer = "GMT0BST,M13.5.0,M10.5.0"; nb++;
    bad[nb] = (struct bad){"T/NoFooter", "missing footer", base_spec(), 0, 0, 0};
    bad[nb].spec.footer = NULL; nb++;
    bad[nb] = (struct bad){"T/Leap", "leap-second", base_spec(), 0, 0, 0};
    bad[nb].spec.leap = 1; nb++;
    bad[nb] = (struct bad){"T/Offset", "UT offset out of range", base_spec(), 0, 0, 0};
    bad[nb].spec.off[1] = 100000; nb++;
    bad[nb] = (struct bad){"T/Empty", "truncated header", base_spec(), 0, 0, 0};
    nb++; /* written empty below */

    for (int i = 0; i < nb; i++) {
        make_tzif(&t, &bad[i].spec);
        if (bad[i].cut)
            t.n = bad[i].cut;
        if (bad[i].magic)
            t.b[1] = 'X';
        if (bad[i].version)
            t.b[4] = '9';
        if (strcmp(bad[i].name, "T/Empty") == 0)
            t.n = 0;
        put_zone(&d, bad[i].name, t.b, t.n);
        char path[256];
        snprintf(path, sizeof path, "%s/%s", d.root, bad[i].name);
        expect_create_fails(bad[i].name, &opts, OQ_EINVAL, bad[i].needle, path);
        char zone_named[300];
        snprintf(zone_named, sizeof zone_named, "time zone '%s'", bad[i].name);
        expect_create_fails(bad[i].name, &opts, OQ_EINVAL, zone_named, path);
    }
    remove_tzdir(&d);
}

/* Zones given only by a footer rule (a "slim" file with no transitions). */
static void footer_rules_alone(void **state)
{
    (void)state;
    tzdir d;
    oq_calendar_options opts;
    make_tzdir(&d, &opts);
    tzb t;
    tzspec s;
    memset(&s, 0, sizeof s);
    s.version = '3';
    s.n_types = 1;

    s.footer = "EST5EDT,M3.2.0,M11.1.0";
    make_tzif(&t, &s);
    put_zone(&d, "T/US", t.b, t.n);
    s.footer = "AEST-10AEDT,M10.1.0,M4.1.0/3"; /* southern hemisphere: DST over new year */
    make_tzif(&t, &s);
    put_zone(&d, "T/AU", t.b, t.n);
    s.footer = "EST5EDT,0/0,J365/25"; /* daylight time all year (RFC 8536 example) */
    make_tzif(&t, &s);
    put_zone(&d, "T/Always", t.b, t.n);
    s.footer = "<+0545>-5:45"; /* quoted name, minutes, no DST */
    make_tzif(&t, &s);
    put_zone(&d, "T/Quoted", t.b, t.n);

    oq_calendar *us = NULL, *au = NULL, *always = NULL, *q = NULL;
    oq_error err = OQ_ERROR_INIT;
    must(oq_calendar_create("us", "T/US", &opts, &us, &err), &err, "T/US");
    must(oq_calendar_create("au", "T/AU", &opts, &au, &err), &err, "T/AU");
    must(oq_calendar_create("al", "T/Always", &opts, &always, &err), &err, "T/Always");
    must(oq_calendar_create("q", "T/Quoted", &opts, &q, &err), &err, "T/Quoted");
    expect_local(us, utc_ms(2026, 3, 8, 6, 59, 59), count_days(2026, 3, 8), HM(1, 59) + 59000, -18000, 0);
    expect_local(us, utc_ms(2026, 3, 8, 7, 0, 0), count_days(2026, 3, 8), HM(3, 0), -14400, 1);
    expect_local(us, utc_ms(2026, 11, 1, 6, 0, 0), count_days(2026, 11, 1), HM(1, 0), -18000, 0);
    /* Sydney 2026: AEDT ends 2026-04-05 03:00 local (16:00 UTC the day before),
     * starts 2026-10-04 02:00 local (16:00 UTC the day before). */
    expect_local(au, utc_ms(2026, 4, 4, 15, 59, 59), count_days(2026, 4, 5), HM(2, 59) + 59000, 39600, 1);
    expect_local(au, utc_ms(2026, 4, 4, 16, 0, 0), count_days(2026, 4, 5), HM(2, 0), 36000, 0);
    expect_local(au, utc_ms(2026, 10, 3, 16, 0, 0), count_days(2026, 10, 4), HM(3, 0), 39600, 1);
    expect_local(au, utc_ms(2027, 1, 1, 0, 0, 0), count_days(2027, 1, 1), HM(11, 0), 39600, 1);
    for (int y = 2020; y < 2040; y += 3)
        for (int m = 1; m <= 12; m += 5)
            expect_local(always, utc_ms(y, m, 1, 12, 0, 0), count_days(y, m, 1), HM(8, 0), -14400, 1);
    expect_local(q, utc_ms(2026, 1, 1, 0, 0, 0), count_days(2026, 1, 1), HM(5, 45), 20700, 0);
    oq_calendar_destroy(us);
    oq_calendar_destroy(au);
    oq_calendar_destroy(always);
    oq_calendar_destroy(q);
    remove_tzdir(&d);
}

/* The TZDIR environment variable names the database when opts->tzdir does not. */
static void tzdir_from_environment(void **state)
{
    (void)state;
    tzdir d;
    oq_calendar_options opts;
    make_tzdir(&d, &opts);
    tzb t;
    tzspec s = base_spec();
    make_tzif(&t, &s);
    put_zone(&d, "T/Env", t.b, t.n);
    assert_int_equal(setenv("TZDIR", d.root, 1), 0);
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_calendar_create("env", "T/Env", NULL, &cal, &err);
    assert_int_equal(unsetenv("TZDIR"), 0);
    must(st, &err, "T/Env through $TZDIR");
    oq_calendar_destroy(cal);
    expect_create_fails("T/Env", NULL, OQ_EINVAL, "unknown time zone", "/usr/share/zoneinfo/T/Env");
    remove_tzdir(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_match_counting),
        cmocka_unit_test(date_parse_is_strict),
        cmocka_unit_test(to_local_matches_c_library),
        cmocka_unit_test(dst_changes_by_hand),
        cmocka_unit_test(from_local_gap_and_fold),
        cmocka_unit_test(fixed_offsets_and_utc),
        cmocka_unit_test(unknown_zones_are_refused),
        cmocka_unit_test(malformed_tzif_files_are_refused),
        cmocka_unit_test(footer_rules_alone),
        cmocka_unit_test(tzdir_from_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
