/* SPDX-License-Identifier: MIT */
/* Scenario files (configuration + simulation section): the example and the
 * CLI test scenario load and map onto oq_sim_options as written; broken
 * scenarios fail at the right line:column; the build callback defines the
 * configuration in a fresh engine; runs are reproducible. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "test_support.h"

static const char *src_path(const char *rel, char *buf, size_t size)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_scenario.c");
    int n = cut ? (int)(cut - me) : 0;
    snprintf(buf, size, "%.*s%s", n, me, rel);
    return buf;
}

static oq_scenario *load(const char *rel)
{
    char path[1024];
    oq_scenario *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    src_path(rel, path, sizeof path);
    if (oq_scenario_load_file(path, &s, &err) != OQ_OK)
        fail_msg("%s: %s", path, err.message);
    return s;
}

static void example_loads_and_runs(void **state)
{
    (void)state;
    oq_scenario *s = load("examples/omnichannel-day.yaml");
    oq_sim_options o = OQ_OUTPUT_INIT(oq_sim_options);
    assert_oq_ok(NULL, oq_scenario_options(s, &o, NULL));
    assert_int_equal(o.replications, 5);
    assert_int_equal(o.n_streams, 23);
    assert_true(o.n_agents >= 60 && o.n_agents <= 120);
    assert_true(o.start_ms == 9 * 3600 * 1000LL);
    assert_true(o.duration_s == 12 * 3600.0);
    assert_true(o.interval_s == 900.0);
    for (int32_t i = 0; i < o.n_agents; i++)
        assert_true(o.agents[i].n_shifts >= 1);
    o.replications = 1;
    o.check = 1;
    oq_sim *sim = NULL;
    assert_oq_ok_e(oq_sim_create, &o, &sim);
    if (oq_sim_run(sim) != OQ_OK)
        fail_msg("%s", oq_sim_last_error(sim));
    oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
    assert_oq_ok(NULL, oq_sim_run_info_get(sim, 0, &ri, NULL));
    assert_oq_ok(NULL, ri.check_status);
    assert_true(ri.contacts > 5000);
    assert_true(ri.contacts == ri.completed + ri.abandoned + ri.rejected + ri.removed + ri.in_system);
    oq_sim_destroy(sim);
    oq_scenario_free(s);
}

/* tests/config/sim_small.yaml, field by field */
static void small_options_as_written(void **state)
{
    (void)state;
    oq_scenario *s = load("tests/config/sim_small.yaml");
    oq_sim_options o = OQ_OUTPUT_INIT(oq_sim_options);
    assert_oq_ok(NULL, oq_scenario_options(s, &o, NULL));
    assert_int_equal(o.struct_size, sizeof o);
    assert_int_equal(o.seed, 42);
    assert_int_equal(o.replications, 3);
    assert_true(o.start_ms == 32400000LL);
    assert_true(o.interval_s == 1800 && o.duration_s == 7200 && o.drain_s == 3600);
    assert_true(o.short_abandon_s == 5);
    assert_true(o.default_accept_prob == 1);
    assert_int_equal(o.default_response.kind, OQ_DIST_CONSTANT);
    assert_true(o.default_response.mean == 2);
    assert_non_null(o.build);
    assert_int_equal(o.n_streams, 3);
    const oq_sim_stream *st = o.streams;
    assert_string_equal(st[0].queue, "sales");
    assert_string_equal(st[0].channel, "voice");
    assert_int_equal(st[0].n_volumes, 4);
    assert_true(st[0].volumes[0] == 20 && st[0].volumes[3] == 25);
    assert_int_equal(st[0].handle.kind, OQ_DIST_LOGNORMAL);
    assert_true(st[0].handle.mean == 240 && st[0].handle.param == 120);
    assert_int_equal(st[0].patience.kind, OQ_DIST_EXPONENTIAL);
    assert_true(st[1].rate_per_hour == 20 && st[1].n_volumes == 0);
    assert_int_equal(st[1].handle.kind, OQ_DIST_GAMMA);
    assert_true(st[1].handle.param == 2);
    assert_int_equal(st[1].patience.kind, OQ_DIST_NONE);
    /* total 60 along the pattern [1, 2, 3, 2] */
    assert_int_equal(st[2].n_volumes, 4);
    assert_true(st[2].volumes[0] == 7.5 && st[2].volumes[1] == 15 && st[2].volumes[2] == 22.5);
    assert_int_equal(st[2].priority, 2);
    assert_int_equal(st[2].handle.kind, OQ_DIST_EMPIRICAL);
    assert_int_equal(st[2].handle.n_values, 4);
    assert_true(st[2].handle.values[3] == 400);
    assert_int_equal(st[2].patience.kind, OQ_DIST_CONSTANT);
    /* agents in configuration order; first matching entry wins */
    assert_int_equal(o.n_agents, 4);
    const oq_sim_agent *a = o.agents;
    assert_string_equal(a[0].id, "a1");
    assert_int_equal(a[0].n_shifts, 1);
    assert_true(a[0].shifts[0].start_s == 0 && a[0].shifts[0].end_s == 7200);
    assert_int_equal(a[0].n_breaks, 1);
    assert_true(a[0].breaks[0].start_s == 3600 && a[0].breaks[0].end_s == 4500);
    assert_string_equal(a[0].breaks[0].reason, "coffee");
    assert_int_equal(a[0].response.kind, OQ_DIST_EXPONENTIAL);
    assert_true(a[0].accept_prob == 1);
    assert_string_equal(a[2].id, "a3");
    assert_true(a[2].accept_prob == 0.95);
    assert_int_equal(a[2].n_shifts, 2);
    assert_true(a[2].shifts[1].start_s == 6300 && a[2].shifts[1].end_s == 7200);
    assert_int_equal(a[2].n_breaks, 0);
    assert_int_equal(a[2].response.kind, OQ_DIST_CONSTANT); /* the default */
    assert_oq_ok_e(oq_sim_options_check, &o);
    oq_scenario_free(s);
}

/* The build callback's work, by hand; the same run twice gives the same figures. */
static void build_and_reproducible(void **state)
{
    (void)state;
    oq_scenario *s = load("tests/config/sim_small.yaml");
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(NULL, &e));
    assert_oq_ok(e, oq_scenario_build(e, s));
    int32_t n = 0;
    assert_oq_ok(e, oq_config_count(e, OQ_KIND_QUEUE, &n));
    assert_int_equal(n, 2);
    assert_oq_ok(e, oq_config_count(e, OQ_KIND_AGENT, &n));
    assert_int_equal(n, 4);
    assert_int_not_equal(oq_scenario_build(e, s), OQ_OK); /* not empty any more */
    oq_engine_destroy(e);
    assert_int_equal(oq_scenario_build(NULL, s), OQ_EINVAL);

    oq_sim_stats first[2] = {OQ_OUTPUT_INIT(oq_sim_stats), OQ_OUTPUT_INIT(oq_sim_stats)};
    for (int k = 0; k < 2; k++) {
        oq_sim_options o = OQ_OUTPUT_INIT(oq_sim_options);
        oq_sim *sim = NULL;
        assert_oq_ok(NULL, oq_scenario_options(s, &o, NULL));
        assert_oq_ok_e(oq_sim_create, &o, &sim);
        assert_oq_ok(NULL, oq_sim_run(sim));
        assert_oq_ok(NULL, oq_sim_replication_stats(sim, 2, OQ_SIM_TOTAL, 0, &first[k], NULL));
        oq_sim_destroy(sim);
    }
    assert_true(first[0].offered > 0);
    assert_true(first[0].offered == first[1].offered && first[0].answered == first[1].answered &&
                first[0].wait_answered_s == first[1].wait_answered_s);
    oq_scenario_free(s);
}

/* ---- broken scenarios ----------------------------------------------------------- */

#define BASE                                         \
    "channels: {voice: {}, chat: {}}\n"   /* 1 */    \
    "skills: {s: 5}\n"                    /* 2 */    \
    "queues: {q: {channels: [voice]}}\n"  /* 3 */    \
    "agents: {a1: {skills: {s: 1}}}\n"    /* 4 */
#define SIM BASE "simulation:\n"          /* 5 */
#define STREAM "  streams: [{queue: q, channel: voice, rate: 10}]\n"

typedef struct broken {
    const char *yaml;
    int line, col;
    const char *text;
} broken;

static const broken BROKEN[] = {
    /* 0 */ {BASE, 0, 0, "missing top-level key 'simulation'"},
    /* 1 */ {SIM "  intervals: 4\n  bogus: 1\n" STREAM, 7, 3, "simulation: unknown key 'bogus'"},
    /* 2 */ {SIM "  replications: 0\n  intervals: 4\n" STREAM, 6, 17,
             "simulation.replications: expected an integer from 1 to 100000"},
    /* 3 */ {SIM "  intervals: 4\n", 6, 3, "missing key 'streams'"},
    /* 4 */ {SIM "  intervals: 4\n  streams:\n    - {queue: nope, channel: voice, rate: 10}\n", 8, 15,
             "simulation.streams[0].queue: undefined queue 'nope'"},
    /* 5 */ {SIM "  intervals: 4\n  streams:\n    - {queue: q, channel: chat, rate: 10}\n", 8, 27,
             "simulation.streams[0].channel: queue 'q' does not accept channel 'chat'"},
    /* 6 */ {SIM "  intervals: 4\n  streams:\n    - {queue: q, channel: voice, rate: 10,\n"
                  "       handle: {dist: weibull, mean: 3}}\n", 9, 23,
             "simulation.streams[0].handle.dist: expected one of none, constant"},
    /* 7 */ {SIM "  intervals: 4\n  streams:\n    - {queue: q, channel: voice, rate: 10,\n"
                  "       handle: {dist: lognormal, mean: 100}}\n", 9, 16,
             "simulation.streams[0].handle: missing key 'sd'"},
    /* 8 */ {SIM "  intervals: 2\n  streams:\n    - {queue: q, channel: voice, volumes: [1, 2, 3]}\n", 8,
             43, "simulation.streams[0].volumes: 3 volumes for 2 intervals"},
    /* 9 */ {SIM "  intervals: 4\n  streams:\n    - {queue: q, channel: voice, rate: 1, volumes: [1]}\n",
             8, 7, "exactly one of 'rate'"},
    /* 10 */ {SIM "  start: \"09:00\"\n  intervals: 4\n" STREAM
                   "  agents:\n    - {match: a1, shifts: [{start: \"10:00\", end: \"09:30\"}]}\n",
              10, 50, "simulation.agents[0].shifts[0].end: must be after 'start'"},
    /* 11 */ {SIM "  intervals: 4\n" STREAM "  agents:\n    - {match: \"zz*\"}\n", 9, 15,
              "simulation.agents[0]: matches no agent"},
    /* 12 */ {SIM "  intervals: 4\n  streams:\n    - {queue: q, channel: voice, total: 10, pattern: flat}\n",
              8, 54, "undefined pattern 'flat'"},
    /* 13 */ {SIM "  intervals: 4\n  duration: 3600\n" STREAM, 7, 13, "not both"},
    /* 14 */ {SIM "  intervals: 4\n  streams:\n    - {queue: q, channel: voice, rate: 10, patience: {dist: exponential, mean: 0}}\n",
              8, 80, "patience.mean: must be > 0"},
    /* 15: the configuration part is checked as a configuration */
    {"channels: {voice: {}}\nqueues: {q: {channels: [voice], colour: red}}\nsimulation: {}\n", 2, 33,
     "queues.q: unknown key 'colour'"},
    /* 16: a timeline is not a scenario's */
    {SIM "  intervals: 4\n" STREAM "timeline: []\n", 8, 1, "unknown key 'timeline'"},
};

static void broken_scenarios(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof BROKEN / sizeof BROKEN[0]; i++) {
        const broken *b = &BROKEN[i];
        oq_scenario *s = NULL;
        oq_error err = OQ_ERROR_INIT;
        oq_status st = oq_scenario_load_buffer(b->yaml, strlen(b->yaml), "sc.yaml", &s, &err);
        if (st != OQ_ECONFIG || err.line != b->line || err.column != b->col ||
            !strstr(err.message, b->text)) {
            print_error("case %d: status %d, want %d:%d '%s', got %d:%d: %s\n", (int)i, (int)st,
                        b->line, b->col, b->text, (int)err.line, (int)err.column, err.message);
            bad++;
            continue;
        }
        assert_null(s);
        char prefix[64];
        if (b->line) {
            snprintf(prefix, sizeof prefix, "sc.yaml:%d:%d: ", b->line, b->col);
            assert_true(strncmp(err.message, prefix, strlen(prefix)) == 0);
        }
    }
    assert_int_equal(bad, 0);
}

/* agents[].match: what matches, and the work bounded by pattern x id (the
 * recursive matcher took 36 s on ten stars against a 40-character id). */
static void match_patterns(void **state)
{
    (void)state;
    static const struct { const char *p, *s; int want; } CASES[] = {
        {"a*", "abc", 1},          {"*", "", 1},          {"", "", 1},          {"", "a", 0},
        {"a?c", "abc", 1},         {"a?c", "ac", 0},      {"*c", "abc", 1},     {"*b", "abc", 0},
        {"a*b*c", "aXbYc", 1},     {"a*b*c", "aXcYb", 0}, {"zh-0[1-5]", "zh-03", 1},
        {"zh-0[1-5]", "zh-06", 0}, {"[ab]x", "bx", 1},    {"x[", "x[", 1},      {"*a*a", "aaa", 1},
        {"a**", "a", 1},           {"*x*y", "xxy", 1},    {"?*", "", 0},        {"[]a", "a", 0},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        if (oq__cfg_glob(CASES[i].p, CASES[i].s, NULL) != CASES[i].want)
            fail_msg("glob('%s', '%s') != %d", CASES[i].p, CASES[i].s, CASES[i].want);
    const char *pat = "*a*a*a*a*a*a*a*a*a*a*b"; /* ten stars, cannot match */
    char id[41];
    memset(id, 'a', 40);
    id[40] = '\0';
    int64_t steps = 0;
    assert_int_equal(oq__cfg_glob(pat, id, &steps), 0);
    int64_t bound = (int64_t)(strlen(pat) + 1) * (int64_t)(strlen(id) + 1);
    if (steps > bound)
        fail_msg("%lld steps for a %zu-char pattern and a 40-char id (bound %lld)", (long long)steps,
                 strlen(pat), (long long)bound);
    /* and through the loader: the pattern names no agent, the id matches a/??* */
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "channels: {voice: {}}\nqueues: {q: {channels: [voice]}}\nagents: {%s: {}}\n"
             "simulation:\n  intervals: 4\n" STREAM "  agents:\n    - {match: \"%s\"}\n", id, pat);
    oq_scenario *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_scenario_load_buffer(yaml, strlen(yaml), "sc.yaml", &s, &err), OQ_ECONFIG);
    assert_non_null(strstr(err.message, "matches no agent"));
}

/* Agents without shifts work through the drain (docs/config.md: "the whole
 * run"), and what is left when the run ends is counted, not dropped: one
 * agent, 10-minute calls arriving every minute for 15 minutes. Before, the
 * agent logged out when arrivals stopped: 1 of 15 answered, SL 100 %. */
static void drain_serves_the_backlog(void **state)
{
    (void)state;
    static const char base[] =
        "channels: {voice: {exclusive: true}}\n"
        "queues: {q: {channels: [voice], sla_threshold: 20}}\n"
        "agents: {a1: {}}\n"
        "simulation:\n"
        "  replications: 1\n"
        "  interval: 900\n"
        "  intervals: 1\n"
        "  streams: [{queue: q, channel: voice, volumes: [15], handle: 600}]\n";
    for (int cut = 0; cut < 2; cut++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml, "%s%s", base, cut ? "  drain: 1200\n" : "");
        oq_scenario *s = NULL;
        oq_error err = OQ_ERROR_INIT;
        if (oq_scenario_load_buffer(yaml, strlen(yaml), "drain.yaml", &s, &err) != OQ_OK)
            fail_msg("%s", err.message);
        oq_sim_options o = OQ_OUTPUT_INIT(oq_sim_options);
        assert_oq_ok(NULL, oq_scenario_options(s, &o, NULL));
        assert_int_equal(o.n_agents, 1);
        assert_true(o.agents[0].n_shifts == 1 &&
                    o.agents[0].shifts[0].end_s == o.duration_s + o.drain_s);
        oq_sim *sim = NULL;
        assert_oq_ok_e(oq_sim_create, &o, &sim);
        if (oq_sim_run(sim) != OQ_OK)
            fail_msg("%s", oq_sim_last_error(sim));
        oq_sim_stats st = OQ_OUTPUT_INIT(oq_sim_stats);
        assert_oq_ok(NULL, oq_sim_replication_stats(sim, 0, OQ_SIM_TOTAL, 0, &st, NULL));
        assert_true(st.offered >= 5);
        /* every offered contact is accounted for */
        assert_int_equal(st.offered, st.answered + st.abandoned + st.rejected + st.unfinished);
        if (!cut) { /* the whole backlog is served, one call after the other */
            assert_int_equal(st.answered, st.offered);
            assert_int_equal(st.unfinished, 0);
            assert_int_equal(st.in_service, 0);
            assert_true(st.service_level < 0.5);
        } else { /* 20 minutes of drain serve 2 or 3 more: the rest is reported */
            assert_true(st.answered >= 2 && st.answered <= 4);
            assert_int_equal(st.in_service, 1);
            assert_true(st.unfinished >= st.offered - 4);
        }
        assert_true(st.abandon_rate == (double)st.abandoned / (double)st.offered);
        oq_sim_destroy(sim);
        oq_scenario_free(s);
    }
}

/* The per-interval service level of the center across replications (the
 * SVG's confidence band) agrees with replications run one by one (replication
 * r uses seed + r); ready time excludes breaks. */
static void interval_service_level_band(void **state)
{
    (void)state;
    oq_scenario *s = load("tests/config/sim_small.yaml");
    oq_sim_options o = OQ_OUTPUT_INIT(oq_sim_options);
    assert_oq_ok(NULL, oq_scenario_options(s, &o, NULL));
    o.replications = 3;
    oq_sim *all = NULL;
    assert_oq_ok_e(oq_sim_create, &o, &all);
    assert_oq_ok(NULL, oq_sim_run(all));
    int32_t nint = 0;
    assert_oq_ok(NULL, oq_sim_interval_count(all, &nint));
    double sl[3][16];
    int have[3][16];
    for (int32_t r = 0; r < 3; r++) {
        oq_sim_options one = o;
        one.replications = 1;
        one.seed = o.seed + (uint64_t)r;
        oq_sim *sim = NULL;
        assert_oq_ok_e(oq_sim_create, &one, &sim);
        assert_oq_ok(NULL, oq_sim_run(sim));
        for (int32_t i = 0; i < nint && i < 16; i++) {
            oq_sim_stats st = OQ_OUTPUT_INIT(oq_sim_stats);
            assert_oq_ok(NULL, oq_sim_interval_stats(sim, i, OQ_SIM_TOTAL, 0, &st, NULL));
            have[r][i] = st.answered + st.abandoned > 0;
            sl[r][i] = have[r][i] ? (double)st.answered_in_t / (double)(st.answered + st.abandoned) : 0;
        }
        oq_sim_stats tot = OQ_OUTPUT_INIT(oq_sim_stats);
        assert_oq_ok(NULL, oq_sim_replication_stats(sim, 0, OQ_SIM_TOTAL, 0, &tot, NULL));
        assert_true(tot.ready_s > 0 && tot.ready_s < tot.staffed_s); /* the coffee break */
        assert_true(tot.staffed_s - tot.ready_s <= 2 * 900 + 1e-6);
        oq_sim_destroy(sim);
    }
    for (int32_t i = 0; i < nint && i < 16; i++) {
        oq_sim_estimate e;
        assert_oq_ok(NULL, oq_sim_interval_service_level(all, i, &e));
        double m = 0, ss = 0;
        int n = 0;
        for (int r = 0; r < 3; r++)
            if (have[r][i]) {
                m += sl[r][i];
                n++;
            }
        assert_int_equal(e.n, n);
        m = n ? m / n : 0;
        for (int r = 0; r < 3; r++)
            if (have[r][i])
                ss += (sl[r][i] - m) * (sl[r][i] - m);
        double hw = n > 1 ? oq_sim_t975(n - 1) * sqrt(ss / (n - 1)) / sqrt((double)n) : 0;
        assert_true(fabs(e.mean - m) < 1e-12);
        assert_true(fabs(e.half_width - hw) < 1e-12);
    }
    oq_sim_estimate e;
    assert_int_equal(oq_sim_interval_service_level(all, nint, &e), OQ_EINVAL);
    assert_int_equal(oq_sim_interval_service_level(NULL, 0, &e), OQ_EINVAL);
    oq_sim_destroy(all);
    oq_scenario_free(s);
}

static void bad_arguments(void **state)
{
    (void)state;
    oq_scenario *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_sim_options o = OQ_OUTPUT_INIT(oq_sim_options);
    assert_int_equal(oq_scenario_load_file(NULL, &s, &err), OQ_EINVAL);
    assert_int_equal(oq_scenario_load_file("/nonexistent.yaml", &s, &err), OQ_ECONFIG);
    assert_null(s);
    assert_int_equal(oq_scenario_load_buffer("x", 1, NULL, NULL, &err), OQ_EINVAL);
    assert_int_equal(oq_scenario_options(NULL, &o, NULL), OQ_EINVAL);
    oq_scenario_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_loads_and_runs),
        cmocka_unit_test(small_options_as_written),
        cmocka_unit_test(build_and_reproducible),
        cmocka_unit_test(broken_scenarios),
        cmocka_unit_test(match_patterns),
        cmocka_unit_test(drain_serves_the_backlog),
        cmocka_unit_test(interval_service_level_band),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
