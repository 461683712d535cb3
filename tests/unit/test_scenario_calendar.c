/* SPDX-License-Identifier: MIT */
/* Scenarios with calendars: a dated start (with a zone, an offset or UTC)
 * puts the engine clock on real instants, clock times of shifts fall on the
 * start's local date, and queues whose calendar closes at 18:00 refuse or
 * overflow the arrivals after it. The expected counts come from the
 * arrival instants the run reports, split at an instant written by hand
 * (2026-03-30 18:00 in London is 17:00 UTC: summer time began on the 29th),
 * not from the engine's calendar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "test_support.h"

/* 2026-03-30 14:00:00 UTC and 17:00:00 UTC, epoch ms. */
#define START_MS 1774879200000LL
#define CLOSE_MS 1774890000000LL

static const char CENTER[] =
    "calendars:\n"
    "  london:\n"
    "    time_zone: Europe/London\n"
    "    hours: {mon-fri: 09:00-18:00}\n"
    "channels:\n"
    "  voice: {synchronous: true, exclusive: true, capacity_cost: 100, max_per_agent: 1}\n"
    "skills: {s: 10}\n"
    "queues:\n"
    "  sales: {channels: [voice], calendar: london, closed_action: reject}\n"
    "  web: {channels: [voice], calendar: london, closed_action: overflow, closed_queue: late}\n"
    "  late: {channels: [voice]}\n"
    "agents:\n"
    "  a1: {}\n"
    "  a2: {}\n"
    "  a3: {}\n"
    "  a4: {}\n";

static char *scenario(const char *sim)
{
    size_t n = sizeof CENTER + strlen(sim) + 1;
    char *y = malloc(n);
    assert_non_null(y);
    snprintf(y, n, "%s%s", CENTER, sim);
    return y;
}

static oq_status load(const char *sim, oq_scenario **s, oq_error *err)
{
    char *y = scenario(sim);
    oq_status st = oq_scenario_load_buffer(y, strlen(y), "cal.yaml", s, err);
    free(y);
    return st;
}

static const char RUN[] =
    "simulation:\n"
    "  seed: 7\n"
    "  replications: 3\n"
    "  zone: Europe/London\n"
    "  start: 2026-03-30 15:00\n"
    "  duration: 18000\n"          /* 15:00 - 20:00 London */
    "  drain: 7200\n"
    "  interval: 1800\n"
    "  streams:\n"
    "    - {queue: sales, channel: voice, rate: 40, handle: {dist: exponential, mean: 120}, patience: none}\n"
    "    - {queue: web, channel: voice, rate: 40, handle: {dist: exponential, mean: 120}, patience: none}\n"
    "  agents:\n"
    "    - {match: \"a*\", shifts: [{start: \"15:00\", end: \"22:00\"}]}\n";

/* The first event of each contact is its arrival (queued, refused or
 * overflowed at once); contact ids are "c<n>" per replication. */
typedef struct tally {
    int64_t first_ms[4096];
    int32_t first_queue[4096]; /* 0 sales, 1 web */
    int32_t rejected_closed[4096];
    int32_t overflowed_closed[4096];
    int32_t served_late[4096];
    int32_t n;
    int32_t other_rejections;
} tally;

typedef struct run_state {
    tally rep[3];
    int32_t r;
    int64_t last_seen; /* to notice the next replication */
} run_state;

static int queue_index(const char *q)
{
    return q && strcmp(q, "web") == 0 ? 1 : 0;
}

static void on_event(const oq_event *ev, void *user)
{
    run_state *rs = user;
    if (!ev->contact || ev->contact[0] != 'c')
        return;
    long k = strtol(ev->contact + 1, NULL, 10);
    if (k < 0 || k >= 4096)
        return;
    /* replications restart the engine clock at START_MS */
    if (ev->time_ms < rs->last_seen && rs->r < 2)
        rs->r++;
    rs->last_seen = ev->time_ms;
    tally *t = &rs->rep[rs->r];
    if (k >= t->n) {
        t->n = (int32_t)k + 1;
        t->first_ms[k] = ev->time_ms;
        t->first_queue[k] = queue_index(ev->type == OQ_EV_OVERFLOWED ? ev->from_queue : ev->queue);
    }
    int closed = ev->detail && strcmp(ev->detail, "closed") == 0;
    if (ev->type == OQ_EV_QUEUE_REJECTED) {
        if (closed)
            t->rejected_closed[k] = 1;
        else
            t->other_rejections++;
    }
    if (ev->type == OQ_EV_OVERFLOWED && closed)
        t->overflowed_closed[k] = 1;
    if (ev->type == OQ_EV_ASSIGNED && ev->queue && strcmp(ev->queue, "late") == 0)
        t->served_late[k] = 1;
}

static void closing_refuses_and_overflows(void **state)
{
    (void)state;
    oq_scenario *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (load(RUN, &s, &err) != OQ_OK)
        fail_msg("%s", err.message);
    oq_sim_options o = OQ_OUTPUT_INIT(oq_sim_options);
    assert_oq_ok(NULL, oq_scenario_options(s, &o, NULL));
    assert_true(o.start_ms == START_MS);
    /* shift 15:00-22:00 London = sim seconds 0 .. 7 h */
    assert_int_equal(o.n_agents, 4);
    assert_true(o.agents[0].shifts[0].start_s == 0 && o.agents[0].shifts[0].end_s == 7 * 3600.0);
    run_state *rs = calloc(1, sizeof *rs);
    assert_non_null(rs);
    o.on_event = on_event;
    o.event_user = rs;
    o.check = 1;
    oq_sim *sim = NULL;
    assert_oq_ok_e(oq_sim_create, &o, &sim);
    if (oq_sim_run(sim) != OQ_OK)
        fail_msg("%s", oq_sim_last_error(sim));
    assert_int_equal(rs->r, 2);
    int64_t total_after = 0, total_before = 0;
    for (int32_t r = 0; r < 3; r++) {
        const tally *t = &rs->rep[r];
        int64_t sales_after = 0, web_after = 0, sales = 0, web = 0;
        for (int32_t k = 0; k < t->n; k++) {
            assert_true(t->first_ms[k] >= START_MS && t->first_ms[k] < START_MS + 18000000LL);
            int after = t->first_ms[k] >= CLOSE_MS;
            total_after += after;
            total_before += !after;
            if (t->first_queue[k] == 0) {
                sales++;
                sales_after += after;
                /* refused exactly when it arrived after the closing */
                assert_int_equal(t->rejected_closed[k], after);
            } else {
                web++;
                web_after += after;
                assert_int_equal(t->overflowed_closed[k], after);
                if (after)
                    assert_int_equal(t->served_late[k], 1);
            }
        }
        assert_int_equal(t->other_rejections, 0);
        /* the simulator's own figures: sales is queue scope 0, web 1 */
        oq_sim_stats st = OQ_OUTPUT_INIT(oq_sim_stats);
        assert_oq_ok(NULL, oq_sim_replication_stats(sim, r, OQ_SIM_QUEUE, 0, &st, NULL));
        assert_int_equal(st.offered, sales);
        assert_int_equal(st.rejected, sales_after);
        assert_int_equal(st.answered, sales - sales_after);
        assert_oq_ok(NULL, oq_sim_replication_stats(sim, r, OQ_SIM_QUEUE, 1, &st, NULL));
        assert_int_equal(st.offered, web);
        assert_int_equal(st.rejected, 0);
        assert_int_equal(st.answered, web);
        (void)web_after;
        oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
        assert_oq_ok(NULL, oq_sim_run_info_get(sim, r, &ri, NULL));
        assert_oq_ok(NULL, ri.check_status);
    }
    /* 80 an hour for 3 h open and 2 h closed, 3 replications: both sides seen */
    assert_true(total_before > 300 && total_after > 200);
    oq_sim_destroy(sim);
    free(rs);
    oq_scenario_free(s);
}

/* The same instant written four ways; clock times on the start's local date. */
static void start_forms(void **state)
{
    (void)state;
    static const char *const forms[] = {
        "  zone: Europe/London\n  start: 2026-03-30 15:00\n",
        "  start: 2026-03-30T14:00:00Z\n",
        "  start: \"2026-03-30 15:00:00+01:00\"\n",
        "  zone: \"+01:00\"\n  start: 2026-03-30T15:00\n",
        "  start: 1774879200\n",
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        /* without simulation.zone clock times are UTC */
        int utc = strstr(forms[i], "zone:") == NULL;
        char sim[1024];
        snprintf(sim, sizeof sim,
                 "simulation:\n%s  duration: 3600\n"
                 "  streams: [{queue: late, channel: voice, rate: 10, handle: 60}]\n"
                 "  agents: [{match: a1, shifts: [{start: \"%s\", end: \"33:00\"}]}]\n",
                 forms[i], utc ? "16:00" : "17:00");
        oq_scenario *s = NULL;
        oq_error err = OQ_ERROR_INIT;
        if (load(sim, &s, &err) != OQ_OK)
            fail_msg("form %zu: %s", i, err.message);
        oq_sim_options o = OQ_OUTPUT_INIT(oq_sim_options);
        assert_oq_ok(NULL, oq_scenario_options(s, &o, NULL));
        if (o.start_ms != START_MS)
            fail_msg("form %zu: start_ms %lld", i, (long long)o.start_ms);
        /* 17:00 London (16:00 UTC) is two hours in; 33:00 is 09:00 the next day */
        if (o.agents[0].shifts[0].start_s != 7200.0)
            fail_msg("form %zu: shift start %g", i, o.agents[0].shifts[0].start_s);
        double end = utc ? (33 - 14) * 3600.0 : (33 - 15) * 3600.0;
        if (o.agents[0].shifts[0].end_s != end)
            fail_msg("form %zu: end %g", i, o.agents[0].shifts[0].end_s);
        oq_scenario_free(s);
    }
}

static void bad_start_and_zone(void **state)
{
    (void)state;
    static const struct {
        const char *sim, *msg;
    } cases[] = {
        {"  start: \"2026-13-01 10:00\"\n", "cal.yaml:18:10: simulation.start: expected a date-time"},
        {"  start: \"2026-03-30 25:00\"\n", "cal.yaml:18:10: simulation.start: expected a date-time"},
        {"  zone: Mars/Olympus\n  start: 2026-03-30 15:00\n", "cal.yaml:18:9: simulation.zone: "},
        {"  start: \"tomorrow\"\n", "cal.yaml:18:10: simulation.start: expected a date-time"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char sim[1024];
        snprintf(sim, sizeof sim,
                 "simulation:\n%s  duration: 3600\n"
                 "  streams: [{queue: late, channel: voice, rate: 10, handle: 60}]\n",
                 cases[i].sim);
        oq_scenario *s = NULL;
        oq_error err = OQ_ERROR_INIT;
        assert_int_equal(load(sim, &s, &err), OQ_ECONFIG);
        assert_null(s);
        if (strncmp(err.message, cases[i].msg, strlen(cases[i].msg)) != 0)
            fail_msg("case %zu: %s", i, err.message);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closing_refuses_and_overflows),
        cmocka_unit_test(start_forms),
        cmocka_unit_test(bad_start_and_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
