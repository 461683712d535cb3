/* SPDX-License-Identifier: MIT */
/* Series of interval volumes: building, reading, aggregating, and loading
 * CSV files, with every bad input refused with its line. */
#include "forecast_fixtures.h"
#include "assert_oq.h"

static void test_create_and_add(void **state)
{
    (void)state;
    oq_volume_series *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_ERR(oq_volume_series_create(0, NULL, NULL, &s, &err), OQ_EINVAL, err, "interval_s");
    ASSERT_ERR(oq_volume_series_create(7, NULL, NULL, &s, &err), OQ_EINVAL, err, "divide");
    ASSERT_ERR(oq_volume_series_create(86401, NULL, NULL, &s, &err), OQ_EINVAL, err, "86401");
    assert_null(s);
    ASSERT_OK(oq_volume_series_create(21600, NULL, NULL, &s, &err), err); /* 4 per day */
    int32_t d0 = FX_MONDAY;
    ASSERT_OK(oq_volume_series_add(s, d0, 1, 5, 0, &err), err);
    ASSERT_OK(oq_volume_series_add(s, d0, 3, 2.5, 120, &err), err);
    ASSERT_ERR(oq_volume_series_add(s, d0, 3, 1, 0, &err), OQ_EINVAL, err, "duplicate");
    ASSERT_ERR(oq_volume_series_add(s, d0, 2, 1, 0, &err), OQ_EINVAL, err, "not after");
    ASSERT_ERR(oq_volume_series_add(s, d0 + 1, 4, 1, 0, &err), OQ_EINVAL, err, "interval: 4");
    ASSERT_ERR(oq_volume_series_add(s, d0 + 1, 0, -1, 0, &err), OQ_EINVAL, err, "volume");
    ASSERT_ERR(oq_volume_series_add(s, d0 + 1, 0, NAN, 0, &err), OQ_EINVAL, err, "volume");
    ASSERT_ERR(oq_volume_series_add(s, d0 + 1, 0, 1, -3, &err), OQ_EINVAL, err, "aht_s");
    ASSERT_OK(oq_volume_series_add(s, d0 + 2, 0, 7, 0, &err), err);
    /* set_day: earlier dates are fine, a present day is replaced */
    double v[4] = {1, 2, 3, 4}, h[4] = {0, 60, 0, 90};
    ASSERT_OK(oq_volume_series_set_day(s, d0 + 1, v, h, 4, &err), err);
    ASSERT_ERR(oq_volume_series_set_day(s, d0 + 1, v, h, 3, &err), OQ_EINVAL, err, "4 intervals");
    oq_volume_series_info info = OQ_OUTPUT_INIT(oq_volume_series_info);
    assert_oq_ok(NULL, oq_volume_series_info_get(s, &info, NULL));
    assert_int_equal(info.days, 3);
    assert_int_equal(info.first_date, d0);
    assert_int_equal(info.last_date, d0 + 2);
    assert_int_equal(info.intervals_per_day, 4);
    assert_int_equal(info.has_aht, 1);
    assert_float_equal(info.total_volume, 5 + 2.5 + 10 + 7, 1e-12);
    double got[4], gh[4];
    int32_t present;
    assert_oq_ok(NULL, oq_volume_series_day(s, d0, got, gh, 4, &present));
    assert_int_equal(present, 1);
    assert_float_equal(got[0], 0, 0);
    assert_float_equal(got[1], 5, 0);
    assert_float_equal(got[3], 2.5, 0);
    assert_float_equal(gh[3], 120, 0);
    assert_oq_ok(NULL, oq_volume_series_day(s, d0 + 5, got, NULL, 4, &present));
    assert_int_equal(present, 0);
    assert_float_equal(got[2], 0, 0);
    oq_volume_series_destroy(s);
    oq_volume_series_destroy(NULL);
}

static void test_aggregate(void **state)
{
    (void)state;
    oq_volume_series *s, *a;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_volume_series_create(21600, NULL, NULL, &s, &err), err);
    double v[4] = {1, 3, 4, 0}, h[4] = {100, 200, 50, 0};
    ASSERT_OK(oq_volume_series_set_day(s, FX_MONDAY, v, h, 4, &err), err);
    ASSERT_ERR(oq_volume_series_aggregate(s, 3600, &a, &err), OQ_EINVAL, err, "multiple");
    ASSERT_OK(oq_volume_series_aggregate(s, 43200, &a, &err), err);
    double got[2], gh[2];
    int32_t present;
    assert_oq_ok(NULL, oq_volume_series_day(a, FX_MONDAY, got, gh, 2, &present));
    assert_float_equal(got[0], 4, 0);
    assert_float_equal(got[1], 4, 0);
    assert_float_equal(gh[0], (1 * 100 + 3 * 200) / 4.0, 1e-12); /* volume-weighted */
    assert_float_equal(gh[1], 50, 1e-12);
    oq_volume_series_destroy(a);
    oq_volume_series_destroy(s);
}

static void test_csv_good(void **state)
{
    (void)state;
    fx_write("fc_good.csv", "# exported from the ACD\n"
                            "Queue, Start ,volume,aht\n"
                            "sales,2024-01-01 09:00,4,180\n"
                            "\"sales\",\"2024-01-01 09:15\",6.5,\n"
                            "support,2024-01-01 09:00,100,300\n"
                            "\n"
                            "sales,2024-01-01 10:00:00,1,240\n"
                            "sales,2024-01-02T09:30,2,\n");
    oq_volume_series *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_OK(oq_volume_series_load_csv("fc_good.csv", "sales", 0, NULL, NULL, &s, &err), err);
    oq_volume_series_info info = OQ_OUTPUT_INIT(oq_volume_series_info);
    oq_volume_series_info_get(s, &info, NULL);
    assert_int_equal(info.interval_s, 900); /* most rows are 15 minutes apart */
    assert_int_equal(info.days, 2);
    assert_int_equal(info.first_date, FX_MONDAY);
    assert_float_equal(info.total_volume, 13.5, 1e-12);
    assert_string_equal(oq_volume_series_queue(s), "sales");
    double v[96], h[96];
    int32_t present;
    oq_volume_series_day(s, FX_MONDAY, v, h, 96, &present);
    assert_float_equal(v[36], 4, 0);   /* 09:00 */
    assert_float_equal(v[37], 6.5, 0); /* 09:15 */
    assert_float_equal(v[38], 0, 0);   /* 09:30 missing: 0 */
    assert_float_equal(v[40], 1, 0);   /* 10:00 */
    assert_float_equal(h[36], 180, 0);
    assert_float_equal(h[37], 0, 0);   /* empty aht: unknown */
    oq_volume_series_destroy(s);
    /* hourly aggregation of the same rows */
    ASSERT_OK(oq_volume_series_load_csv("fc_good.csv", "sales", 3600, NULL, NULL, &s, &err), err);
    double hv[24];
    oq_volume_series_day(s, FX_MONDAY, hv, h, 24, &present);
    assert_float_equal(hv[9], 10.5, 1e-12);
    assert_float_equal(h[9], 180, 1e-12); /* only the row with a handle time counts */
    oq_volume_series_destroy(s);
    char *names = NULL;
    int32_t n = 0;
    ASSERT_OK(oq_volume_csv_queues("fc_good.csv", &names, &n, &err), err);
    assert_int_equal(n, 2);
    assert_string_equal(names, "sales\nsupport\n");
    oq_free(names);
    /* no queue given while the file has two */
    ASSERT_ERR(oq_volume_series_load_csv("fc_good.csv", NULL, 0, NULL, NULL, &s, &err), OQ_EINVAL,
               err, "several queues");
    assert_int_equal(err.line, 5);
    ASSERT_ERR(oq_volume_series_load_csv("fc_good.csv", "billing", 0, NULL, NULL, &s, &err),
               OQ_EINVAL, err, "no rows for queue 'billing'");
    /* daily counts: one row per day at midnight */
    fx_write("fc_daily.csv", "start,volume\n2024-01-01 00:00,100\n2024-01-02 00:00,120\n");
    ASSERT_OK(oq_volume_series_load_csv("fc_daily.csv", NULL, 0, NULL, NULL, &s, &err), err);
    oq_volume_series_info_get(s, &info, NULL);
    assert_int_equal(info.interval_s, 86400);
    oq_volume_series_destroy(s);
}

typedef struct bad_csv {
    const char *text;
    int32_t line;
    const char *needle;
} bad_csv;

static void test_csv_bad(void **state)
{
    (void)state;
    static const bad_csv cases[] = {
        {"start,volume\n2024-01-01 09:30,1\n2024-01-01 09:00,1\n", 3, "must be sorted"},
        {"start,volume\n2024-01-01 09:00,1\n2024-01-01 09:30,1\n2024-01-01 09:30,2\n", 4,
         "duplicate timestamp 2024-01-01 09:30 (also on line 3)"},
        {"start,volume\n2024-01-01 09:00,1\n2024-01-01 09:30,1\n2024-01-01 10:00,1\n"
         "2024-01-01 10:10,1\n",
         5, "mixed interval lengths"},
        {"start,volume\n2024-01-01 09:00,1\n2024-01-01 09:30,-2\n", 3, "negative"},
        {"start,volume\n", 0, "no rows (empty history)"},
        {"", 0, "empty file"},
        {"start,calls\n2024-01-01 09:00,1\n", 1, "unknown column 'calls'"},
        {"start\n2024-01-01 09:00\n", 1, "missing column 'volume'"},
        {"start,volume,volume\n", 1, "appears twice"},
        {"start,volume\n2024-02-30 09:00,1\n", 2, "not a date-time"},
        {"start,volume\n2024-01-01 9:00,1\n", 2, "not a date-time"},
        {"start,volume\n2024-01-01 09:00,lots\n", 2, "not a number"},
        {"start,volume\n2024-01-01 09:00,1,2\n", 2, "3 fields, the header has 2"},
        {"start,volume\n\"2024-01-01 09:00,1\n", 2, "unterminated"},
        {"start,volume,aht\n2024-01-01 09:00,1,-5\n", 2, "aht"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx_write("fc_bad.csv", cases[i].text);
        oq_volume_series *s = NULL;
        oq_error err = OQ_ERROR_INIT;
        oq_error_init(&err);
        oq_status st = oq_volume_series_load_csv("fc_bad.csv", NULL, 0, NULL, NULL, &s, &err);
        if (st != OQ_EINVAL || !strstr(err.message, cases[i].needle) || err.line != cases[i].line)
            fail_msg("case %zu: %s line %d '%s' (expected line %d, '%s')", i, oq_status_name(st),
                     (int)err.line, err.message, (int)cases[i].line, cases[i].needle);
        assert_null(s);
        assert_int_equal(err.status, OQ_EINVAL);
        if (cases[i].line > 0)
            assert_non_null(strstr(err.message, "fc_bad.csv:"));
        assert_string_equal(err.path, "fc_bad.csv");
    }
    oq_volume_series *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    ASSERT_ERR(oq_volume_series_load_csv("fc_no_such_file.csv", NULL, 0, NULL, NULL, &s, &err),
               OQ_EINVAL, err, "cannot open");
    fx_write("fc_bad.csv", "start,volume\n2024-01-01 09:00,1\n2024-01-01 09:30,1\n");
    ASSERT_ERR(oq_volume_series_load_csv("fc_bad.csv", NULL, 900, NULL, NULL, &s, &err), OQ_EINVAL,
               err, "cannot make 900-second intervals");
    ASSERT_ERR(oq_volume_series_load_csv("fc_bad.csv", NULL, 7, NULL, NULL, &s, &err), OQ_EINVAL,
               err, "interval_s");
    ASSERT_ERR(oq_volume_series_load_csv("fc_bad.csv", "sales", 0, NULL, NULL, &s, &err), OQ_EINVAL,
               err, "no queue column");
}

/* Every allocation of a load or an aggregate may fail: the call then returns
 * OQ_ENOMEM, leaves *out alone and leaks nothing. */
static void test_alloc_failures(void **state)
{
    (void)state;
    fx_write("fc_alloc.csv", "queue,start,volume,aht\n"
                             "a,2024-01-01 09:00,4,180\n"
                             "a,2024-01-01 09:30,6,200\n"
                             "a,2024-01-02 09:00,1,\n");
    int succeeded = 0;
    for (int64_t k = 1; k < 200 && !succeeded; k++) {
        test_alloc ta = {0};
        ta.fail_at = k;
        oq_volume_series *s = NULL, *a = NULL;
        oq_error err = OQ_ERROR_INIT;
        oq_status st = oq_volume_series_load_csv("fc_alloc.csv", "a", 0, test_alloc_fn, &ta, &s,
                                                 &err);
        if (st == OQ_OK) {
            st = oq_volume_series_aggregate(s, 3600, &a, &err);
            if (st == OQ_OK) {
                succeeded = 1;
                oq_volume_series_destroy(a);
            } else {
                assert_int_equal(st, OQ_ENOMEM);
                assert_null(a);
            }
            oq_volume_series_destroy(s);
        } else {
            if (st != OQ_ENOMEM)
                fail_msg("fail_at %lld: %s %s", (long long)k, oq_status_name(st), err.message);
            assert_null(s);
        }
        assert_int_equal(ta.live_bytes, 0);
        assert_int_equal(ta.live_blocks, 0);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_add), cmocka_unit_test(test_aggregate),
        cmocka_unit_test(test_csv_good),       cmocka_unit_test(test_csv_bad),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
