/* SPDX-License-Identifier: MIT */
/* Calendar files: examples/calendars.yaml loads and answers as its comments
 * say; a calendar loaded from YAML equals one built call by call; a table of
 * broken documents each fails at the right file:line:col with a clear
 * message; ids, missing and ambiguous calendars; a center configuration's
 * other sections are skipped; failed allocations leak nothing. */
#define _DEFAULT_SOURCE
#include <string.h>

#include "calendar_oracle.h"
#include "assert_oq.h"

static const char *src_path(const char *rel, char *buf, size_t size)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_calendar_yaml.c");
    int n = cut ? (int)(cut - me) : 0;
    snprintf(buf, size, "%.*s%s", n, me, rel);
    return buf;
}

static oq_calendar *load_example(const char *id)
{
    char path[1024];
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_calendar_load_file(src_path("examples/calendars.yaml", path, sizeof path), id,
                                         NULL, &cal, &err);
    if (st != OQ_OK)
        fail_msg("load %s: %s: %s", id, oq_status_name(st), err.message);
    return cal;
}

static int64_t local(const oq_calendar *cal, int y, int mo, int d, int h, int mi)
{
    int64_t t = 0;
    assert_oq_ok(NULL, oq_calendar_from_local(cal, date_of(y, mo, d), HM(h, mi), &t));
    return t;
}

static void expect_day(const oq_calendar *cal, int y, int m, int d, int32_t kind, const char *name,
                       int64_t open_ms)
{
    int32_t k = -1;
    const char *n = NULL;
    int64_t ms = -1;
    assert_oq_ok(NULL, oq_calendar_day_kind(cal, date_of(y, m, d), &k, &n));
    assert_oq_ok(NULL, oq_calendar_open_ms_of_day(cal, date_of(y, m, d), &ms));
    if (k != kind || ms != open_ms || (name ? !n || strcmp(n, name) != 0 : n != NULL))
        fail_msg("%s %04d-%02d-%02d: kind %d '%s' %lld ms, want %d '%s' %lld ms", oq_calendar_id(cal),
                 y, m, d, (int)k, n ? n : "(null)", (long long)ms, (int)kind, name ? name : "(null)",
                 (long long)open_ms);
}

static void example_file_answers_as_documented(void **state)
{
    (void)state;
    oq_calendar *shop = load_example("shanghai-ecommerce");
    assert_string_equal(oq_calendar_time_zone(shop), "Asia/Shanghai");
    expect_day(shop, 2026, 3, 2, OQ_DAY_REGULAR, NULL, 12 * HOUR_MS);
    expect_day(shop, 2026, 2, 16, OQ_DAY_HOLIDAY, "春节 Spring Festival", 0);
    expect_day(shop, 2026, 2, 18, OQ_DAY_SPECIAL, "春节值班 Spring Festival duty hours", 8 * HOUR_MS);
    expect_day(shop, 2026, 11, 11, OQ_DAY_SPECIAL, "双11 Double 11", 24 * HOUR_MS);
    expect_day(shop, 2026, 12, 31, OQ_DAY_CLOSED, "年终盘点 year-end stocktake", 0);
    expect_day(shop, 2026, 10, 1, OQ_DAY_HOLIDAY, "国庆节 National Day", 0);
    /* 09:00 Shanghai is 01:00 UTC. */
    int64_t t = 0;
    assert_oq_ok(NULL, oq_calendar_next_open(shop, utc_ms(2026, 2, 15, 0, 0, 0), &t));
    assert_int_equal(t, utc_ms(2026, 2, 18, 2, 0, 0)); /* closed 15-17, duty hours from the 18th */
    oq_calendar_destroy(shop);

    oq_calendar *office = load_example("shanghai-backoffice");
    expect_day(office, 2026, 2, 14, OQ_DAY_SPECIAL, "调休上班 make-up working day", 8 * HOUR_MS);
    expect_day(office, 2026, 2, 21, OQ_DAY_HOLIDAY, "春节 Spring Festival", 0);
    expect_day(office, 2026, 3, 7, OQ_DAY_REGULAR, NULL, 0); /* an ordinary Saturday */
    /* A reply due in 4 business hours from Friday 2026-02-13 16:00: 2 on
     * Friday, then the make-up Saturday 09:00-11:00. */
    assert_oq_ok(NULL, oq_calendar_add_business_ms(office, local(office, 2026, 2, 13, 16, 0),
                                                 4 * HOUR_MS, &t));
    assert_int_equal(t, local(office, 2026, 2, 14, 11, 0));
    oq_calendar_destroy(office);

    oq_calendar *live = load_example("shanghai-livestream");
    assert_oq_ok(NULL, oq_calendar_next_close(live, local(live, 2026, 3, 6, 20, 0), &t));
    assert_int_equal(t, local(live, 2026, 3, 7, 2, 0)); /* Friday's evening runs past midnight */
    expect_day(live, 2026, 2, 16, OQ_DAY_CLOSED, NULL, 0);
    oq_calendar_destroy(live);

    oq_calendar *lon = load_example("london-support");
    assert_int_equal(local(lon, 2026, 6, 1, 8, 0), utc_ms(2026, 6, 1, 7, 0, 0));   /* BST */
    assert_int_equal(local(lon, 2026, 12, 1, 8, 0), utc_ms(2026, 12, 1, 8, 0, 0)); /* GMT */
    expect_day(lon, 2026, 12, 28, OQ_DAY_HOLIDAY, "Boxing Day (substitute day)", 0);
    expect_day(lon, 2026, 12, 24, OQ_DAY_SPECIAL, "Christmas Eve", 5 * HOUR_MS);
    expect_day(lon, 2026, 3, 8, OQ_DAY_REGULAR, NULL, 0); /* sun: closed */
    oq_calendar_destroy(lon);

    /* The ids, in file order. */
    char path[1024], *ids = NULL;
    int32_t n = 0;
    oq_error err = OQ_ERROR_INIT;
    must(oq_calendar_ids_file(src_path("examples/calendars.yaml", path, sizeof path), &ids, &n, &err),
         &err, "ids");
    assert_int_equal(n, 4);
    const char *want[] = {"shanghai-ecommerce", "shanghai-backoffice", "shanghai-livestream",
                          "london-support"};
    const char *p = ids;
    for (int i = 0; i < 4; i++, p += strlen(p) + 1)
        assert_string_equal(p, want[i]);
    oq_free(ids);
}

/* Everything a host can observe, over 2026. */
static uint64_t fingerprint(const oq_calendar *cal)
{
    uint64_t h = 1469598103934665603ull;
    for (int32_t d = date_of(2026, 1, 1); d < date_of(2027, 1, 1); d++) {
        int32_t kind = -1;
        const char *name = NULL;
        int64_t ms = -1;
        oq_calendar_day_kind(cal, d, &kind, &name);
        oq_calendar_open_ms_of_day(cal, d, &ms);
        h = (h ^ (uint64_t)(kind * 7 + ms)) * 1099511628211ull;
        for (const char *s = name ? name : "-"; *s; s++)
            h = (h ^ (unsigned char)*s) * 1099511628211ull;
    }
    for (int64_t t = utc_ms(2026, 1, 1, 0, 0, 0); t < utc_ms(2027, 1, 1, 0, 0, 0); t += 7 * HOUR_MS) {
        int64_t a = -1, b = -1;
        oq_calendar_next_open(cal, t, &a);
        oq_calendar_next_close(cal, t, &b);
        h = (h ^ (uint64_t)(a ^ (b << 1))) * 1099511628211ull;
    }
    return h;
}

static void loaded_equals_built_by_hand(void **state)
{
    (void)state;
    oq_calendar *lon = load_example("london-support");
    oq_calendar *hand = new_calendar("london-support", "Europe/London");
    oq_error err = OQ_ERROR_INIT;
    for (int wd = 0; wd < 5; wd++)
        must(oq_calendar_add_hours(hand, wd, HM(8, 0), HM(20, 0), &err), &err, "hours");
    must(oq_calendar_add_hours(hand, 5, HM(9, 0), HM(17, 0), &err), &err, "sat");
    const struct { int m, d; const char *name; } bank[] = {
        {1, 1, "New Year's Day"}, {4, 3, "Good Friday"}, {4, 6, "Easter Monday"},
        {5, 4, "Early May bank holiday"}, {5, 25, "Spring bank holiday"},
        {8, 31, "Summer bank holiday"}, {12, 25, "Christmas Day"}, {12, 28, "Boxing Day (substitute day)"}};
    for (size_t i = 0; i < sizeof bank / sizeof bank[0]; i++)
        must(oq_calendar_add_holiday(hand, "uk-bank-2026", date_of(2026, bank[i].m, bank[i].d), bank[i].name, &err),
             &err, "holiday");
    must(oq_calendar_set_day_hours(hand, date_of(2026, 12, 24), HM(8, 0), HM(13, 0), "Christmas Eve", &err), &err, "eve");
    must(oq_calendar_set_day_hours(hand, date_of(2026, 12, 31), HM(8, 0), HM(16, 0), "New Year's Eve", &err), &err, "nye");
    assert_true(fingerprint(lon) == fingerprint(hand));
    /* One more holiday makes them differ: the fingerprint sees it. */
    must(oq_calendar_add_holiday(hand, "x", date_of(2026, 7, 1), NULL, &err), &err, "extra");
    assert_true(fingerprint(lon) != fingerprint(hand));
    oq_calendar_destroy(lon);
    oq_calendar_destroy(hand);
}

/* ---- broken documents ---------------------------------------------------------- */

typedef struct broken {
    const char *yaml;
    int line, col;
    const char *needle;
} broken;

#define CAL "calendars:\n  desk:\n    time_zone: Asia/Shanghai\n"

static const broken BROKEN[] = {
    {"calender:\n  desk: {}\n", 1, 1, "unknown key 'calender' (did you mean 'calendars'? expected one of: holidays, calendars"},
    {"calendars:\n  desk:\n    hours: {mon: 09:00-18:00}\n", 3, 5, "calendars.desk: missing time_zone"},
    {"calendars:\n  desk:\n    time_zone: Asia/Shangai\n", 3, 16,
     "calendars.desk.time_zone: unknown time zone 'Asia/Shangai'"},
    {"calendars:\n  desk:\n    time_zone: Asia/Shanghai\n    timezone: UTC\n", 4, 5,
     "calendars.desk: unknown key 'timezone'"},
    {CAL "    hours:\n      mon: 9-18\n", 5, 12, "calendars.desk.hours.mon: expected a range of local times"},
    {CAL "    hours:\n      mon: 09:00-25:00\n", 5, 12, "expected a range of local times such as 09:00-18:00"},
    {CAL "    hours:\n      mon: 24:00-02:00\n", 5, 12, "expected a range"},
    {CAL "    hours:\n      mon-fry: 09:00-18:00\n", 5, 7, "expected a weekday (mon, tue, wed, thu, fri, sat, sun)"},
    {CAL "    hours:\n      mon-fry: 09:00-18:00\n", 5, 7, "got 'mon-fry' (did you mean 'mon-fri'?)"},
    {"holidays:\n  cn-2026: {2026-10-01: National Day}\n" CAL "    holidays: [cn2026]\n", 6, 16,
     "calendars.desk.holidays: undefined holiday list 'cn2026' (did you mean 'cn-2026'?)"},
    {CAL "    hours:\n      mon: [09:00-12:00, 11:00-13:00]\n", 5, 26,
     "calendars.desk.hours.mon: mon 11:00-13:00 overlaps mon 09:00-12:00"},
    {CAL "    hours:\n      sun: 22:00-02:00\n      mon: 01:00-05:00\n", 6, 12,
     "mon 01:00-05:00 overlaps sun 22:00-02:00 (+1 day)"},
    {CAL "    hours:\n      mon-fri: 09:00-18:00\n      fri: 19:00-20:00\n", 6, 7,
     "calendars.desk.hours: fri is already given at line 5"},
    {CAL "    hours:\n      mon: closed\n", 5, 7, "no day has opening hours"},
    {CAL "    hours:\n      mon: []\n", 5, 12, "expected at least one range"},
    {CAL "    holidays: [cn]\n", 4, 16, "calendars.desk.holidays: undefined holiday list 'cn'"},
    {"holidays:\n  cn:\n    2026-02-30: Nothing\n", 3, 5,
     "holidays.cn: expected a date YYYY-MM-DD or a span YYYY-MM-DD..YYYY-MM-DD, got '2026-02-30'"},
    {"holidays:\n  cn:\n    2026-02-23..2026-02-15: Spring Festival\n", 3, 5, "ends before it starts"},
    /* A bad date before good ones still fails the list (the loop stops at the error). */
    {"holidays:\n  cn:\n    2026-13-01: Nothing\n    2026-03-01: Fine\n    2026-03-02: Fine\n", 3, 5,
     "holidays.cn: expected a date YYYY-MM-DD or a span"},
    {"holidays:\n  cn:\n    2026-01-01..2027-06-01: Long\n", 3, 5, "longer than 366 days"},
    {"holidays:\n  cn:\n    2026-02-15..2026-02-23: Spring Festival\n    2026-02-17: Again\n", 4, 5,
     "holidays.cn: 2026-02-17 is already given at line 3"},
    {"holidays:\n  cn:\n    2026-02-17: [a, b]\n", 3, 17, "expected the holiday's name (a string), got a list"},
    {CAL "    exceptions:\n      2026-02-17: {closed: true, hours: 09:00-10:00}\n", 5, 19,
     "give one of hours:, closed: true or like: <weekday>"},
    {CAL "    exceptions:\n      2026-02-17: {closed: false}\n", 5, 28, "closed: false says nothing"},
    {CAL "    exceptions:\n      2026-02-17: {hours: 09:00-10:00, nmae: x}\n", 5, 40,
     "unknown key 'nmae' (did you mean 'name'? expected one of: name, hours, closed, like)"},
    {CAL "    hours: {mon-fri: 09:00-18:00}\n    exceptions:\n      2026-02-14: {like: sat}\n", 6, 26,
     "sat has no opening hours to copy"},
    {CAL "    exceptions:\n      2026-02-14: {like: mon}\n", 5, 26, "like: needs weekly hours"},
    {CAL "    exceptions:\n      2026-02-14: [10:00-12:00, 11:00-13:00]\n", 5, 33,
     "2026-02-14 11:00-13:00 overlaps 2026-02-14 10:00-12:00"},
    {CAL "    exceptions:\n      2026-02-14..2026-02-16: closed\n      2026-02-15: 10:00-12:00\n", 6, 7,
     "calendars.desk.exceptions: 2026-02-15 is already given at line 5"},
    {CAL "    exceptions:\n      2026-02-14: closed\n      2026-02-14: closed\n", 6, 7, "duplicate key '2026-02-14'"},
    {"calendars:\n  desk: {time_zone: UTC\n", 3, 1, "invalid YAML"},
    {"holidays:\n  cn: &x {2026-01-01: a}\n  uk: *x\n", 3, 7, "YAML aliases"},
    {"calendars:\n  desk: {time_zone: UTC}\n  \"\": {time_zone: UTC}\n", 3, 3, "a key (a name)"},
};

static void broken_documents_fail_at_the_right_place(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof BROKEN / sizeof BROKEN[0]; i++) {
        const broken *b = &BROKEN[i];
        oq_calendar *cal = (oq_calendar *)(uintptr_t)0x1;
        oq_error err = OQ_ERROR_INIT;
        size_t len = strlen(b->yaml);
        char *copy = malloc(len); /* not NUL-terminated: the loader must honour len */
        assert_non_null(copy);
        memcpy(copy, b->yaml, len);
        oq_status st = oq_calendar_load_buffer(copy, len, "doc.yaml", "desk", NULL, &cal, &err);
        free(copy);
        char where[32];
        snprintf(where, sizeof where, "doc.yaml:%d:%d: ", b->line, b->col);
        if (st != OQ_ECONFIG || err.status != OQ_ECONFIG || strncmp(err.message, where, strlen(where)) != 0 ||
            !strstr(err.message, b->needle) || err.line != b->line || err.column != b->col)
            fail_msg("case %d: got %s \"%s\" (line %d col %d), want OQ_ECONFIG at %s... \"%s\"", (int)i,
                     oq_status_name(st), err.message, (int)err.line, (int)err.column, where, b->needle);
        assert_string_equal(err.path, "doc.yaml");
        assert_ptr_equal(cal, (oq_calendar *)(uintptr_t)0x1);
    }
}

static void ids_missing_and_ambiguous(void **state)
{
    (void)state;
    const char *two = "calendars:\n  a: {time_zone: UTC}\n  b: {time_zone: '+08:00'}\n";
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_calendar_load_buffer(two, strlen(two), "two.yaml", NULL, NULL, &cal, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "two.yaml: the document defines 2 calendars (a, b): name the one to load"));
    assert_int_equal(oq_calendar_load_buffer(two, strlen(two), "two.yaml", "c", NULL, &cal, &err), OQ_ENOTFOUND);
    assert_non_null(strstr(err.message, "two.yaml: no calendar 'c' (defined: a, b)"));
    assert_int_equal(err.line, 0);
    assert_null(cal);
    must(oq_calendar_load_buffer(two, strlen(two), "two.yaml", "b", NULL, &cal, &err), &err, "b");
    assert_string_equal(oq_calendar_id(cal), "b");
    assert_string_equal(oq_calendar_time_zone(cal), "+08:00");
    oq_calendar_destroy(cal);
    cal = NULL;
    const char *one = "calendars:\n  only: {time_zone: UTC}\n";
    must(oq_calendar_load_buffer(one, strlen(one), NULL, NULL, NULL, &cal, &err), &err, "only");
    assert_string_equal(oq_calendar_id(cal), "only");
    oq_calendar_destroy(cal);
    cal = NULL;
    assert_int_equal(oq_calendar_load_buffer("", 0, NULL, "x", NULL, &cal, &err), OQ_ENOTFOUND);
    assert_non_null(strstr(err.message, "<buffer>: no calendar 'x' (the document has no calendars: section"));
    char *ids = (char *)"untouched";
    int32_t n = -1;
    must(oq_calendar_ids_buffer("", 0, NULL, &ids, &n, &err), &err, "empty ids");
    assert_int_equal(n, 0);
    assert_null(ids);
    assert_int_equal(oq_calendar_load_file(NULL, "x", NULL, &cal, &err), OQ_EINVAL);
    assert_int_equal(oq_calendar_load_buffer(one, strlen(one), NULL, "only", NULL, NULL, &err), OQ_EINVAL);
    assert_int_equal(oq_calendar_ids_buffer(one, strlen(one), NULL, NULL, &n, &err), OQ_EINVAL);
    assert_int_equal(oq_calendar_load_file("/nonexistent/cal.yaml", "x", NULL, &cal, &err), OQ_ECONFIG);
    assert_non_null(strstr(err.message, "/nonexistent/cal.yaml: cannot open"));
    /* Errors of the calendars not asked for are reported too. */
    const char *bad_b = "calendars:\n  a: {time_zone: UTC}\n  b: {time_zone: Nowhere/Land}\n";
    assert_int_equal(oq_calendar_load_buffer(bad_b, strlen(bad_b), "x.yaml", "a", NULL, &cal, &err), OQ_ECONFIG);
    assert_non_null(strstr(err.message, "x.yaml:3:18: calendars.b.time_zone: unknown time zone 'Nowhere/Land'"));
    assert_null(cal);
}

static void center_sections_are_skipped(void **state)
{
    (void)state;
    const char *doc = "channels:\n  voice: {}\nqueues:\n  sales: {channels: [voice]}\n"
                      "holidays:\n  uk: {2026-12-25: Christmas Day}\n"
                      "calendars:\n  sales-hours:\n    time_zone: Europe/London\n"
                      "    hours: {mon-fri: 09:00-17:30}\n    holidays: uk\n";
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    must(oq_calendar_load_buffer(doc, strlen(doc), "center.yaml", "sales-hours", NULL, &cal, &err), &err,
         "center");
    expect_day(cal, 2026, 12, 25, OQ_DAY_HOLIDAY, "Christmas Day", 0);
    expect_day(cal, 2026, 12, 24, OQ_DAY_REGULAR, NULL, 8 * HOUR_MS + 30 * MIN_MS);
    oq_calendar_destroy(cal);
}

static void failed_allocations_leak_nothing(void **state)
{
    (void)state;
    char path[1024];
    src_path("examples/calendars.yaml", path, sizeof path);
    int saw_failure = 0;
    for (int64_t k = 1;; k++) {
        test_alloc a;
        oq_calendar_options o;
        counting_options(&o, &a, k);
        oq_calendar *cal = NULL;
        oq_error err = OQ_ERROR_INIT;
        oq_status st = oq_calendar_load_file(path, "shanghai-ecommerce", &o, &cal, &err);
        if (st == OQ_ENOMEM) {
            saw_failure = 1;
            assert_null(cal);
            assert_int_equal(err.status, OQ_ENOMEM);
            assert_non_null(strstr(err.message, "out of memory"));
            assert_int_equal(a.live_bytes, 0);
            assert_int_equal(a.live_blocks, 0);
            continue;
        }
        must(st, &err, "load");
        oq_calendar_destroy(cal);
        assert_int_equal(a.live_bytes, 0);
        if (a.n_failed == 0)
            break;
    }
    assert_true(saw_failure);
}

/* The YAML example of docs/calendars.md loads (the docs stay true). */
static void docs_example_loads(void **state)
{
    (void)state;
    char path[1024];
    FILE *f = fopen(src_path("docs/calendars.md", path, sizeof path), "rb");
    assert_non_null(f);
    static char doc[65536];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    char *start = strstr(doc, "```yaml\nholidays:");
    assert_non_null(start);
    start += strlen("```yaml\n");
    char *end = strstr(start, "```");
    assert_non_null(end);
    char *ids = NULL;
    int32_t count = 0;
    oq_error err = OQ_ERROR_INIT;
    must(oq_calendar_ids_buffer(start, (size_t)(end - start), "docs/calendars.md", &ids, &count, &err),
         &err, "docs example");
    assert_int_equal(count, 3);
    oq_free(ids);
    oq_calendar *cal = NULL;
    must(oq_calendar_load_buffer(start, (size_t)(end - start), "docs", "shanghai-backoffice", NULL, &cal,
                                 &err), &err, "backoffice");
    expect_day(cal, 2026, 2, 14, OQ_DAY_SPECIAL, "调休上班 make-up working day", 8 * HOUR_MS);
    oq_calendar_destroy(cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_file_answers_as_documented),
        cmocka_unit_test(loaded_equals_built_by_hand),
        cmocka_unit_test(broken_documents_fail_at_the_right_place),
        cmocka_unit_test(ids_missing_and_ambiguous),
        cmocka_unit_test(center_sections_are_skipped),
        cmocka_unit_test(failed_allocations_leak_nothing),
        cmocka_unit_test(docs_example_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
