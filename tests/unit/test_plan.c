/* SPDX-License-Identifier: MIT */
/* Planning by simulation (omniq/plan.h): a roster's simulation checked
 * against a simulator run built by hand from the same windows, against its
 * own per-replication counts and against Erlang C on a single-skill day; the
 * staffing loop on a small two-skill center where Erlang C per skill is not
 * enough, checked by recomputing every interval's service level and the paid
 * hours from the shifts; bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omniq/config.h"
#include "omniq/erlang.h"
#include "omniq/forecast.h"
#include "omniq/model.h"
#include "omniq/plan.h"
#include "omniq/scenario.h"
#include "test_support.h"

/* Two queues on one channel: sales (priority 10) and support (priority 0).
 * Traffic 08:00-16:00: sales 30 and support 15 calls per quarter hour,
 * exponential handle time 300 s, no abandonment. */
static const char CENTER[] =
    "channels:\n"
    "  voice: {synchronous: true, exclusive: true, capacity_cost: 100, max_per_agent: 1}\n"
    "skills: {sales: 10, support: 10}\n"
    "queues:\n"
    "  sales: {channels: [voice], priority: 10, requires: {sales: 1}, sla_threshold: 20}\n"
    "  support: {channels: [voice], priority: 0, requires: {support: 1}, sla_threshold: 20}\n"
    "simulation:\n"
    "  interval: 900\n"
    "  intervals: 96\n"
    "  drain: 3600\n"
    "  streams:\n"
    "    - {queue: sales, channel: voice, volumes: [%s], handle: {dist: exponential, mean: 300}}\n"
    "    - {queue: support, channel: voice, volumes: [%s], handle: {dist: exponential, mean: 300}}\n";

#define PD 96
#define OPEN 32  /* 08:00 */
#define CLOSE 64 /* 16:00 */

static oq_scenario *load_center(double sales, double support)
{
    char a[PD * 8], b[PD * 8], *yaml = malloc(sizeof CENTER + 2 * sizeof a);
    size_t na = 0, nb = 0;
    for (int i = 0; i < PD; i++) {
        int open = i >= OPEN && i < CLOSE;
        na += (size_t)snprintf(a + na, sizeof a - na, "%s%g", i ? "," : "", open ? sales : 0);
        nb += (size_t)snprintf(b + nb, sizeof b - nb, "%s%g", i ? "," : "", open ? support : 0);
    }
    snprintf(yaml, sizeof CENTER + 2 * sizeof a, CENTER, a, b);
    oq_scenario *sc = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_scenario_load_buffer(yaml, strlen(yaml), "center", &sc, &err);
    if (st != OQ_OK)
        fail_msg("center: %s", err.message);
    free(yaml);
    return sc;
}

/* A one-day problem (Monday 1970-01-05) of 4-hour shifts starting 08:00..12:00,
 * required = Erlang C agents for 80/20 of `calls` per quarter hour. */
static oq_schedule *day_problem(double calls)
{
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.days = 1;
    h.wrap = 0;
    oq_schedule *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_schedule_create(&h, &s, &err));
    int32_t req[PD] = {0};
    for (int i = OPEN; i < CLOSE; i++)
        assert_oq_ok(NULL, oq_erlang_c_agents(calls * 300 / 900, 300, 20, 0.8, &req[i]));
    assert_oq_ok_err(&err, oq_schedule_set_required(s, 0, PD, req, &err));
    oq_shift_template t;
    oq_shift_template_init(&t);
    t.name = "four";
    t.earliest_start_s = 8 * 3600;
    t.latest_start_s = 12 * 3600;
    t.length_s = 4 * 3600;
    assert_oq_ok_err(&err, oq_schedule_add_template(s, &t, NULL, &err));
    return s;
}

typedef struct agents {
    oq_roster_agent a[60];
    char id[60][16];
    const char *skills[2];
    int n;
} agents;

static void make_agents(agents *g, const char *prefix, int n, const char *s1, const char *s2)
{
    g->n = n;
    g->skills[0] = s1;
    g->skills[1] = s2;
    for (int i = 0; i < n; i++) {
        oq_roster_agent_init(&g->a[i]);
        snprintf(g->id[i], sizeof g->id[i], "%s%02d", prefix, i);
        g->a[i].id = g->id[i];
        g->a[i].skills = g->skills;
        g->a[i].n_skills = s2 ? 2 : 1;
    }
}

/* ---- verification ------------------------------------------------------------------- */

typedef struct hand_ctx {
    const oq_scenario *sc;
    const agents *g;
} hand_ctx;

/* The center, then the agents with skill sales at its maximum level: what
 * oq_plan_simulate promises to do, written out by hand. */
static oq_status hand_build(oq_engine *e, uint64_t seed, void *user)
{
    (void)seed;
    const hand_ctx *h = user;
    oq_status st = oq_scenario_build(e, h->sc);
    for (int i = 0; st == OQ_OK && i < h->g->n; i++) {
        st = oq_agent_add(e, h->g->id[i], 100);
        if (st == OQ_OK)
            st = oq_agent_set_skill(e, 4 * 86400000LL, h->g->id[i], "sales", 10);
    }
    return st;
}

static void test_verify(void **state)
{
    (void)state;
    oq_scenario *sc = load_center(30, 0.0);
    oq_sim_options center = OQ_OUTPUT_INIT(oq_sim_options);
    oq_scenario_options(sc, &center, NULL);
    center.n_streams = 1; /* sales only */
    oq_schedule *prob = day_problem(30);
    oq_error err = OQ_ERROR_INIT;
    oq_schedule_result *res = NULL;
    oq_schedule_options so;
    oq_schedule_options_init(&so);
    assert_oq_ok_err(&err, oq_schedule_solve(prob, &so, &res, &err));
    agents g;
    make_agents(&g, "s", 30, "sales", NULL);
    oq_roster_options ro;
    oq_roster_options_init(&ro);
    oq_roster *ros = NULL;
    assert_oq_ok_err(&err, oq_roster_build(res, g.a, g.n, &ro, &ros, &err));
    oq_roster_summary rs = OQ_OUTPUT_INIT(oq_roster_summary);
    oq_roster_summary_get(ros, &rs, NULL);
    assert_int_equal(rs.unassigned, 0);

    oq_plan_staff staff = {res, ros, g.a, g.n, 0};
    oq_plan_sim_options po;
    oq_plan_sim_options_init(&po);
    po.replications = 8;
    po.seed = 7;
    oq_plan_sim *ps = NULL;
    oq_status st = oq_plan_simulate(&center, &staff, 1, &po, &ps, &err);
    if (st != OQ_OK)
        fail_msg("oq_plan_simulate: %s: %s", oq_status_name(st), err.message);
    oq_plan_sim_info info = OQ_OUTPUT_INIT(oq_plan_sim_info);
    oq_plan_sim_info_get(ps, &info, NULL);
    assert_int_equal(info.n_intervals, PD);
    assert_int_equal(info.n_queues, 1);
    assert_int_equal(info.agents, 30);
    assert_string_equal(oq_plan_sim_queue(ps, 0), "sales");

    /* the same run by hand: one simulator, 8 replications, the roster's windows */
    oq_sim_agent sa[30];
    oq_sim_window win[30][8], brk[30][8];
    for (int i = 0; i < g.n; i++) {
        int32_t ns = 0, nb = 0;
        oq_sim_agent_init(&sa[i]);
        assert_oq_ok(NULL, oq_roster_agent_windows(ros, i, win[i], 8, brk[i], 8, &ns, &nb));
        sa[i].id = g.id[i];
        sa[i].shifts = win[i];
        sa[i].n_shifts = ns;
        sa[i].breaks = brk[i];
        sa[i].n_breaks = nb;
    }
    hand_ctx hc = {sc, &g};
    oq_sim_options ho = center;
    ho.replications = 8;
    ho.seed = 7;
    ho.duration_s = 86400;
    ho.start_ms = 4 * 86400000LL;
    ho.build = hand_build;
    ho.build_user = &hc;
    ho.agents = sa;
    ho.n_agents = g.n;
    oq_sim *sim = NULL;
    assert_oq_ok_e(oq_sim_create, &ho, &sim);
    st = oq_sim_run(sim);
    if (st != OQ_OK)
        fail_msg("oq_sim_run: %s", oq_sim_last_error(sim));
    int64_t offered = 0;
    for (int i = 0; i < PD; i++) {
        oq_sim_estimate mine, theirs;
        assert_oq_ok(NULL, oq_plan_sim_service_level(ps, -1, i, 1, &mine));
        assert_oq_ok(NULL, oq_sim_interval_service_level(sim, i, &theirs));
        assert_int_equal(mine.n, theirs.n);
        if (fabs(mine.mean - theirs.mean) > 1e-12)
            fail_msg("interval %d: %.6f (n %d) vs %.6f (n %d)", i, mine.mean, (int)mine.n, theirs.mean, (int)theirs.n);
        assert_true(fabs(mine.half_width - theirs.half_width) < 1e-9);
        /* the pooled counts of the by-hand run = the sum of the per-replication counts */
        oq_sim_stats pooled = OQ_OUTPUT_INIT(oq_sim_stats);
        oq_sim_interval_stats(sim, i, OQ_SIM_TOTAL, 0, &pooled, NULL);
        int64_t sum_in_t = 0, sum_off = 0;
        for (int r = 0; r < 8; r++) {
            oq_plan_counts c = OQ_OUTPUT_INIT(oq_plan_counts), cq = OQ_OUTPUT_INIT(oq_plan_counts);
            oq_plan_sim_counts(ps, r, -1, i, &c, NULL);
            oq_plan_sim_counts(ps, r, 0, i, &cq, NULL);
            assert_true(c.answered_in_t == cq.answered_in_t && c.offered == cq.offered);
            sum_in_t += c.answered_in_t;
            sum_off += c.offered;
        }
        assert_true(sum_in_t == pooled.answered_in_t && sum_off == pooled.offered);
        offered += sum_off;
    }
    assert_true(offered > 8 * 32 * 20); /* traffic really ran: ~30 per quarter hour */
    /* a day's service level: recomputed from the per-replication counts */
    oq_sim_estimate day;
    oq_plan_sim_service_level(ps, 0, 0, PD, &day);
    double sum = 0, sum2 = 0;
    for (int r = 0; r < 8; r++) {
        int64_t in_t = 0, closed = 0;
        for (int i = 0; i < PD; i++) {
            oq_plan_counts c = OQ_OUTPUT_INIT(oq_plan_counts);
            oq_plan_sim_counts(ps, r, 0, i, &c, NULL);
            in_t += c.answered_in_t;
            closed += c.answered + c.abandoned;
        }
        double sl = (double)in_t / (double)closed;
        sum += sl;
        sum2 += sl * sl;
    }
    double mean = sum / 8, sd = sqrt((sum2 - 8 * mean * mean) / 7);
    assert_true(fabs(day.mean - mean) < 1e-12);
    assert_true(fabs(day.half_width - 2.3646 * sd / sqrt(8.0)) < 1e-9);
    /* Erlang C, interval by interval with the agents the shifts put there,
     * weighted by volume, from 09:00 (no start-empty effect) to 16:00: within
     * the simulation's interval plus a little for the non-stationary edges */
    int32_t cov[PD];
    oq_schedule_result_coverage(res, cov, PD);
    double erl = 0;
    for (int i = OPEN + 4; i < CLOSE; i++) {
        double sl = 0;
        assert_oq_ok(NULL, oq_erlang_c_service_level(10.0, cov[i], 300, 20, &sl));
        erl += sl / (CLOSE - OPEN - 4);
    }
    oq_sim_estimate mid;
    oq_plan_sim_service_level(ps, -1, OPEN + 4, CLOSE - OPEN - 4, &mid);
    if (fabs(mid.mean - erl) > mid.half_width + 0.03)
        fail_msg("simulated SL %.4f +- %.4f, Erlang C %.4f", mid.mean, mid.half_width, erl);
    assert_true(mid.mean >= 0.8 - mid.half_width);

    /* bad input: names the field, returns nothing */
    oq_plan_sim *none = NULL;
    po.replications = 1;
    assert_int_equal(oq_plan_simulate(&center, &staff, 1, &po, &none, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "replications"));
    assert_null(none);
    po.replications = 8;
    oq_sim_options wrong = center;
    wrong.interval_s = 1800;
    assert_int_equal(oq_plan_simulate(&wrong, &staff, 1, &po, &none, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "interval"));
    oq_plan_sim_options bad_opts = po;
    bad_opts.struct_size = 3;
    assert_int_equal(oq_plan_simulate(&center, &staff, 1, &bad_opts, &none, &err), OQ_EINVAL);
    oq_sim_estimate e;
    assert_int_equal(oq_plan_sim_service_level(ps, 1, 0, 1, &e), OQ_EINVAL);
    assert_int_equal(oq_plan_sim_service_level(ps, -1, PD - 1, 2, &e), OQ_EINVAL);

    oq_sim_destroy(sim);
    oq_plan_sim_destroy(ps);
    oq_roster_destroy(ros);
    oq_schedule_result_destroy(res);
    oq_schedule_destroy(prob);
    oq_scenario_free(sc);
}

/* ---- the staffing loop ----------------------------------------------------------------- */

static double paid_from_shifts(const oq_schedule_result *r)
{
    oq_schedule_summary s = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &s, NULL);
    double h = 0;
    for (int32_t k = 0; k < s.n_shifts; k++) {
        oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
        oq_schedule_result_shift(r, k, &sh, NULL);
        h += sh.count * (sh.end_s - sh.start_s) / 3600; /* no breaks: paid = length */
    }
    return h;
}

static void test_loop(void **state)
{
    (void)state;
    oq_scenario *sc = load_center(30, 15);
    oq_sim_options center = OQ_OUTPUT_INIT(oq_sim_options);
    oq_scenario_options(sc, &center, NULL);
    oq_schedule *ps = day_problem(30), *pu = day_problem(15);
    int32_t before[PD], after[PD];
    oq_schedule_get_required(pu, before, PD);
    agents gs, gu;
    make_agents(&gs, "s", 40, "sales", NULL);
    make_agents(&gu, "u", 40, "support", "sales"); /* blended: they also take sales calls */
    const char *qs[] = {"sales"}, *qu[] = {"support"};
    oq_plan_group groups[2] = {
        {"sales", ps, NULL, gs.a, gs.n, 1, NULL, qs},
        {"support", pu, NULL, gu.a, gu.n, 1, NULL, qu},
    };
    oq_plan_options o;
    oq_plan_options_init(&o);
    oq_plan_sim_options so;
    oq_plan_sim_options_init(&so);
    o.sim = &so;
    o.max_iterations = 20;
    so.replications = 8;
    so.seed = 11;
    oq_plan *plan = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_plan_run(&center, groups, 2, &o, &plan, &err);
    if (st != OQ_OK)
        fail_msg("oq_plan_run: %s: %s", oq_status_name(st), err.message);
    oq_plan_summary s = OQ_OUTPUT_INIT(oq_plan_summary);
    oq_plan_summary_get(plan, &s, NULL);
    print_message("loop: %d iterations, missed %d -> %d, paid hours %.1f -> %.1f, met %d\n",
                  (int)s.iterations, (int)s.first_missed, (int)s.missed, s.first_paid_hours,
                  s.paid_hours, (int)s.met);
    /* Erlang C per skill does not meet the target in simulation: the blended
     * support agents answer sales calls first (higher priority) */
    assert_true(s.first_missed > 0);
    assert_true(s.met);
    assert_int_equal(s.missed, 0);
    /* every (queue, interval) with traffic meets the target, recomputed from the counts */
    const oq_plan_sim *sim = oq_plan_simulation(plan);
    oq_plan_sim_info info = OQ_OUTPUT_INIT(oq_plan_sim_info);
    oq_plan_sim_info_get(sim, &info, NULL);
    assert_int_equal(info.replications, 8);
    for (int q = 0; q < 2; q++)
        for (int i = 0; i < PD; i++) {
            double sum = 0;
            int m = 0;
            for (int r = 0; r < 8; r++) {
                oq_plan_counts c = OQ_OUTPUT_INIT(oq_plan_counts);
                oq_plan_sim_counts(sim, r, q, i, &c, NULL);
                if (c.answered + c.abandoned > 0) {
                    sum += (double)c.answered_in_t / (double)(c.answered + c.abandoned);
                    m++;
                }
            }
            if (m && sum / m < 0.8)
                fail_msg("queue %d interval %d: SL %.4f below target", q, i, sum / m);
        }
    /* the paid hours are the shifts' */
    double hours = paid_from_shifts(oq_plan_schedule(plan, 0)) +
                   paid_from_shifts(oq_plan_schedule(plan, 1));
    assert_true(fabs(hours - s.paid_hours) < 1e-9);
    oq_plan_iteration it0 = OQ_OUTPUT_INIT(oq_plan_iteration);
    oq_plan_iteration_get(plan, 0, &it0, NULL);
    assert_int_equal(it0.missed, s.first_missed);
    assert_true(it0.added > 0);
    assert_int_equal(oq_plan_iteration_get(plan, s.iterations, &it0, NULL), OQ_EINVAL);
    /* the kept requirement covers the kept schedule; the caller's is as it was */
    int32_t req[PD], cov[PD];
    assert_oq_ok(NULL, oq_plan_required(plan, 1, req, PD));
    oq_schedule_result_coverage(oq_plan_schedule(plan, 1), cov, PD);
    for (int i = 0; i < PD; i++)
        assert_true(cov[i] >= req[i]);
    oq_schedule_get_required(pu, after, PD);
    assert_memory_equal(before, after, sizeof before);
    assert_non_null(oq_plan_roster(plan, 0));
    assert_null(oq_plan_roster(plan, 2));
    oq_plan_destroy(plan);

    /* bad groups */
    const char *nowhere[] = {"billing"};
    groups[1].queues = nowhere;
    plan = NULL;
    assert_int_equal(oq_plan_run(&center, groups, 2, &o, &plan, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "'billing' is the queue of no stream"));
    assert_null(plan);
    groups[1].queues = qu;
    o.max_iterations = -1;
    assert_int_equal(oq_plan_run(&center, groups, 2, &o, &plan, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "max_iterations"));

    oq_schedule_destroy(ps);
    oq_schedule_destroy(pu);
    oq_scenario_free(sc);
}

/* ---- out of memory: every allocation of the plan's own refused in turn ----------------- */

static void test_alloc_failure(void **state)
{
    (void)state;
    oq_scenario *sc = load_center(30, 15);
    oq_sim_options center = OQ_OUTPUT_INIT(oq_sim_options);
    oq_scenario_options(sc, &center, NULL);
    oq_schedule *ps = day_problem(30), *pu = day_problem(15);
    agents gs, gu;
    make_agents(&gs, "s", 40, "sales", NULL);
    make_agents(&gu, "u", 40, "support", "sales");
    const char *qs[] = {"sales"}, *qu[] = {"support"};
    oq_plan_group groups[2] = {
        {"sales", ps, NULL, gs.a, gs.n, 1, NULL, qs},
        {"support", pu, NULL, gu.a, gu.n, 1, NULL, qu},
    };
    int32_t before[PD], after[PD];
    oq_schedule_get_required(pu, before, PD);
    oq_plan_options o;
    oq_plan_options_init(&o);
    oq_plan_sim_options so;
    oq_plan_sim_options_init(&so);
    o.sim = &so;
    o.max_iterations = 1;
    so.replications = 2;
    int ok = 0;
    for (int64_t k = 1; k < 1000 && !ok; k++) {
        test_alloc ta;
        memset(&ta, 0, sizeof ta);
        ta.fail_at = k;
        so.alloc = test_alloc_fn;
        so.alloc_user = &ta;
        oq_plan *plan = NULL;
        oq_error err = OQ_ERROR_INIT;
        oq_status st = oq_plan_run(&center, groups, 2, &o, &plan, &err);
        if (st == OQ_OK) {
            ok = 1;
            oq_plan_summary s = OQ_OUTPUT_INIT(oq_plan_summary);
            oq_plan_summary_get(plan, &s, NULL);
            assert_int_equal(s.iterations, 2);
            oq_plan_destroy(plan);
        } else {
            if (st != OQ_ENOMEM)
                fail_msg("allocation %d refused: %s (%s)", (int)k, oq_status_name(st), err.message);
            assert_null(plan);
        }
        assert_int_equal(ta.live_bytes, 0); /* nothing leaked, success or not */
        oq_schedule_get_required(pu, after, PD);
        assert_memory_equal(before, after, sizeof before); /* the problem as it was */
    }
    assert_true(ok);
    oq_schedule_destroy(ps);
    oq_schedule_destroy(pu);
    oq_scenario_free(sc);
}

/* ---- plan files ------------------------------------------------------------------------ */

static void test_plan_file(void **state)
{
    (void)state;
    const char *path = OMNIQ_EXAMPLES_DIR "/plan/plan.yaml";
    oq_plan_scenario *sc = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_plan_scenario_load(path, &sc, &err);
    if (st != OQ_OK)
        fail_msg("%s: %s", oq_status_name(st), err.message);
    oq_plan_scenario_info info = OQ_OUTPUT_INIT(oq_plan_scenario_info);
    oq_plan_scenario_info_get(sc, &info, NULL);
    int32_t date = 0;
    oq_date_from_ymd(2026, 3, 1, &date);
    assert_int_equal(info.first_date, date); /* the day after the history's last */
    assert_int_equal(info.days, 7);
    assert_int_equal(info.interval_s, 1800);
    assert_int_equal(info.n_intervals, 7 * 48);
    assert_int_equal(info.n_queues, 2);
    assert_int_equal(info.n_groups, 2);
    assert_string_equal(oq_plan_scenario_queue(sc, 0), "sales");
    assert_string_equal(oq_plan_scenario_group(sc, 1), "support");
    /* the forecast is the forecast module's on the same CSV */
    oq_volume_series *s = NULL;
    assert_oq_ok_err(&err, oq_volume_series_load_csv(OMNIQ_EXAMPLES_DIR "/plan/history.csv", "sales", 0,
                                               NULL, NULL, &s, &err));
    oq_forecast_options fo;
    oq_forecast_options_init(&fo);
    static oq_forecast_row rows[7 * 48];
    oq_forecast_info fi = OQ_OUTPUT_INIT(oq_forecast_info);
    assert_oq_ok_err(&err, oq_forecast_run(s, date, 7, &fo, rows, 7 * 48, &fi, &err));
    static double vol[7 * 48];
    static int32_t req[7 * 48];
    assert_oq_ok(NULL, oq_plan_scenario_forecast(sc, 0, vol, 7 * 48));
    assert_oq_ok(NULL, oq_plan_scenario_required(sc, 0, req, 7 * 48));
    for (int i = 0; i < 7 * 48; i++) {
        assert_true(vol[i] == rows[i].volume);
        /* Erlang C at 80/20 with the history's handle time + the queue's 15 s wrap-up */
        int32_t n = 0;
        if (vol[i] > 0)
            assert_oq_ok(NULL, oq_erlang_c_agents(vol[i] * (240 + 15) / 1800, 240 + 15, 20, 0.8, &n));
        if (req[i] != n)
            fail_msg("interval %d: requirement %d, Erlang C %d", i, (int)req[i], (int)n);
    }
    assert_int_equal(req[0], 0); /* Sunday: closed */
    oq_volume_series_destroy(s);
    /* verify only, two replications: paid hours are the shifts' */
    oq_plan_options o = OQ_OUTPUT_INIT(oq_plan_options);
    oq_plan_scenario_options(sc, &o, NULL);
    assert_int_equal(o.max_iterations, 8);
    assert_non_null(o.sim);
    oq_plan_sim_options so = *o.sim; /* the file's, with fewer replications */
    o.sim = &so;
    o.max_iterations = 0;
    so.replications = 2;
    oq_plan *plan = NULL;
    st = oq_plan_scenario_run(sc, &o, &plan, &err);
    if (st != OQ_OK)
        fail_msg("%s: %s", oq_status_name(st), err.message);
    oq_plan_summary sum = OQ_OUTPUT_INIT(oq_plan_summary);
    oq_plan_summary_get(plan, &sum, NULL);
    assert_int_equal(sum.iterations, 1);
    double h = 0;
    for (int g = 0; g < 2; g++)
        h += paid_from_shifts(oq_plan_schedule(plan, g));
    assert_true(fabs(h - sum.paid_hours) < 1e-9);
    oq_plan_destroy(plan);
    oq_plan_scenario_destroy(sc);
    /* errors */
    sc = NULL;
    assert_int_equal(oq_plan_scenario_load(OMNIQ_EXAMPLES_DIR "/plan/none.yaml", &sc, &err),
                     OQ_ECONFIG);
    assert_null(sc);
    assert_int_equal(oq_plan_scenario_load(NULL, &sc, &err), OQ_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_plan_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
