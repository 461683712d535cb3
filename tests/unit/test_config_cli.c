/* SPDX-License-Identifier: MIT */
/* `omniq staff` agrees with the erlang module. Runs the CLI named by the
 * OMNIQ_CLI environment variable (set by ctest); skipped without it. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* Run the CLI with `args`, return its stdout (static buffer). */
static const char *run_cli(const char *args, int *status)
{
    static char out[65536];
    char cmd[4096];
    int len = snprintf(cmd, sizeof cmd, "\"%s\" %s", getenv("OMNIQ_CLI"), args);
    assert_true(len > 0 && (size_t)len < sizeof cmd);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    *status = pclose(p);
    return out;
}

static double json_num(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *at = strstr(json, pat);
    if (!at)
        fail_msg("no %s in %s", key, json);
    return strtod(at + strlen(pat), NULL);
}

typedef struct staff_case {
    double contacts, interval, aht, threshold, target, patience, max_abandon, shrinkage, max_occ, max_asa;
} staff_case;

static void staff_matches_erlang(void **state)
{
    (void)state;
    if (!getenv("OMNIQ_CLI"))
        skip();
    static const staff_case cases[] = {
        {100, 900, 180, 20, 0.8, 0, 0, 0, 0, 0},
        {250, 1800, 300, 30, 0.9, 0, 0, 0.3, 0, 0},
        {300, 900, 240, 20, 0.8, 120, 0.05, 0, 0, 0},
        {500, 1800, 300, 20, 0.8, 0, 0, 0.1, 0.85, 15},
        {3, 900, 600, 60, 0.5, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const staff_case *c = &cases[i];
        char args[512];
        int n = snprintf(args, sizeof args,
                         "staff --format json --contacts %.17g --interval %.17g --aht %.17g "
                         "--threshold %.17g --target %.17g --shrinkage %.17g",
                         c->contacts, c->interval, c->aht, c->threshold, c->target, c->shrinkage);
        if (c->patience > 0)
            n += snprintf(args + n, sizeof args - (size_t)n, " --patience %.17g --max-abandon %.17g",
                          c->patience, c->max_abandon);
        if (c->max_occ > 0)
            n += snprintf(args + n, sizeof args - (size_t)n, " --max-occupancy %.17g", c->max_occ);
        if (c->max_asa > 0)
            snprintf(args + n, sizeof args - (size_t)n, " --max-asa %.17g", c->max_asa);
        int status = 0;
        const char *out = run_cli(args, &status);
        assert_int_equal(status, 0);
        oq_staffing_options o;
        oq_staffing_options_init(&o);
        o.threshold_s = c->threshold;
        o.target_sl = c->target;
        o.patience_s = c->patience;
        o.max_abandon = c->max_abandon;
        o.shrinkage = c->shrinkage;
        o.max_occupancy = c->max_occ;
        o.max_asa_s = c->max_asa;
        oq_staffing_result r = OQ_OUTPUT_INIT(oq_staffing_result);
        double load = c->contacts * c->aht / c->interval;
        assert_oq_ok(NULL, oq_erlang_staffing(load, c->aht, &o, &r, NULL));
        assert_int_equal((int)json_num(out, "required"), r.required);
        assert_int_equal((int)json_num(out, "scheduled"), r.scheduled);
        assert_true(fabs(json_num(out, "service_level") - r.service_level) < 1e-6);
        assert_true(fabs(json_num(out, "occupancy") - r.occupancy) < 1e-6);
        assert_true(fabs(json_num(out, "p_abandon") - r.p_abandon) < 1e-6);
        assert_true(fabs(json_num(out, "load") - load) < 1e-6);
    }
}

static void staff_chat_matches_erlang(void **state)
{
    (void)state;
    if (!getenv("OMNIQ_CLI"))
        skip();
    int status = 0;
    const char *out = run_cli("staff --format json --contacts 60 --chat 3 --chat-aht 300,360,450 "
                              "--threshold 60 --target 0.9", &status);
    assert_int_equal(status, 0);
    const double aht[3] = {300, 360, 450};
    int32_t n = 0;
    double load = 60 * 300 / 900.0;
    assert_oq_ok(NULL, oq_erlang_chat_agents(load, 3, aht, 60, 0.9, &n));
    oq_erlang_chat_result r = OQ_OUTPUT_INIT(oq_erlang_chat_result);
    assert_oq_ok(NULL, oq_erlang_chat(load, n, 3, aht, 60, &r, NULL));
    assert_int_equal((int)json_num(out, "required"), n);
    assert_true(fabs(json_num(out, "service_level") - r.service_level) < 1e-6);
}

static void staff_day_matches_plan(void **state)
{
    (void)state;
    if (!getenv("OMNIQ_CLI"))
        skip();
    /* the CSV of tests/config/day.csv, through oq_erlang_plan */
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/");
    char args[1024];
    snprintf(args, sizeof args, "staff --format json --shrinkage 0.2 --csv \"%.*stests/config/day.csv\"",
             cut ? (int)(cut - me) : 0, me);
    int status = 0;
    const char *out = run_cli(args, &status);
    assert_int_equal(status, 0);
    const double contacts[] = {120, 180, 210, 160, 0, 95};
    const double aht[] = {240, 240, 250, 250, 240, 230};
    oq_staffing_options o;
    oq_staffing_options_init(&o);
    o.threshold_s = 20;
    o.target_sl = 0.8;
    o.shrinkage = 0.2;
    oq_plan_interval rows[6];
    oq_plan_totals t = OQ_OUTPUT_INIT(oq_plan_totals);
    assert_oq_ok(NULL, oq_erlang_plan(contacts, aht, 6, 900, &o, rows, &t, NULL));
    const char *p = out;
    for (int i = 0; i < 6; i++) {
        p = strstr(p, "{\"label\"");
        assert_non_null(p);
        assert_int_equal((int)json_num(p, "required"), rows[i].required);
        assert_int_equal((int)json_num(p, "scheduled"), rows[i].scheduled);
        p++;
    }
    const char *tot = strstr(out, "\"totals\"");
    assert_non_null(tot);
    assert_int_equal((int)json_num(tot, "peak_required"), t.peak_required);
    assert_true(fabs(json_num(tot, "scheduled_agent_hours") - t.scheduled_agent_hours) < 1e-3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(staff_matches_erlang),
        cmocka_unit_test(staff_chat_matches_erlang),
        cmocka_unit_test(staff_day_matches_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
