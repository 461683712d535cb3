/* SPDX-License-Identifier: MIT */
/* The simulator against queueing theory: one queue, one channel, identical
 * agents, Poisson arrivals, exponential handle times, offers accepted at once
 * (offer time-out 0, response 0), no wrap-up. Without abandonment this is
 * M/M/N, whose service level, P(wait > 0) and ASA are Erlang C
 * (oq_erlang_c*); with exponential patience it is M/M/N+M, Erlang A
 * (oq_erlang_a; Garnett, Mandelbaum & Reiman 2002). The simulated figures
 * must agree within the replications' 95% confidence interval plus a small
 * tolerance (the warm-up bias of finite runs and the millisecond clock).
 *
 * OQ_SIM_SCALE (a factor, default 1; 0.15 under valgrind, detected through
 * LD_PRELOAD) shortens every run; the intervals widen accordingly. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "omniq/omniq.h"
#include "assert_oq.h"
#include "test_support.h"

typedef struct center {
    int32_t agents;
    double threshold_s;
    double wrapup_s;
} center;

static oq_status build(oq_engine *e, uint64_t seed, void *user)
{
    (void)seed;
    const center *c = user;
    return voice_queue_center(e, c->agents, c->threshold_s, c->wrapup_s);
}

static double scale(void)
{
    const char *s = getenv("OQ_SIM_SCALE");
    if (s && atof(s) > 0)
        return atof(s);
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload"))
        return 0.15;
    return 1.0;
}

typedef struct theory_case {
    const char *name;
    int32_t agents;
    double load;        /* Erlangs */
    double aht_s;
    double patience_s;  /* 0: none (Erlang C) */
    double threshold_s;
    double hours;       /* simulated per replication, after the warm-up */
    double warmup_h;
    int32_t replications;
} theory_case;

static int check_one(const char *what, double theory, const oq_sim_estimate *est, double tol)
{
    double diff = fabs(est->mean - theory);
    int ok = diff <= est->half_width + tol;
    printf("    %-9s theory %9.4f  sim %9.4f +- %7.4f (n=%d)  |diff| %7.4f  %s\n", what, theory,
           est->mean, est->half_width, (int)est->n, diff, ok ? "ok" : "FAIL");
    return ok;
}

static void run_case(const theory_case *tc)
{
    double k = scale();
    center c = {tc->agents, tc->threshold_s, 0};
    oq_sim_stream s;
    memset(&s, 0, sizeof s);
    s.queue = "q";
    s.channel = "voice";
    s.rate_per_hour = tc->load / tc->aht_s * 3600.0;
    s.handle.kind = OQ_DIST_EXPONENTIAL;
    s.handle.mean = tc->aht_s;
    if (tc->patience_s > 0) {
        s.patience.kind = OQ_DIST_EXPONENTIAL;
        s.patience.mean = tc->patience_s;
    }
    oq_sim_options o;
    oq_sim_options_init(&o);
    o.replications = tc->replications;
    o.seed = 1000;
    o.warmup_s = tc->warmup_h * 3600.0;
    o.duration_s = o.warmup_s + tc->hours * 3600.0 * k;
    o.interval_s = 3600;
    o.build = build;
    o.build_user = &c;
    o.n_streams = 1;
    o.streams = &s;
    oq_sim *sim = NULL;
    assert_oq_ok_e(oq_sim_create, &o, &sim);
    oq_status st = oq_sim_run(sim);
    if (st != OQ_OK)
        fprintf(stderr, "run: %s\n", oq_sim_last_error(sim));
    assert_oq_ok(NULL, st);
    oq_sim_summary sum = OQ_OUTPUT_INIT(oq_sim_summary);
    assert_oq_ok(NULL, oq_sim_summarize(sim, OQ_SIM_TOTAL, 0, &sum, NULL));

    printf("  %s: N=%d A=%.2f AHT=%.0fs T=%.0fs patience=%.0fs, %d x %.1f h (+%.1f h warm-up), "
           "%.0f contacts/replication\n",
           tc->name, (int)tc->agents, tc->load, tc->aht_s, tc->threshold_s, tc->patience_s,
           (int)tc->replications, tc->hours * k, tc->warmup_h, sum.offered.mean);
    int ok = 1;
    if (tc->patience_s <= 0) {
        double pw, sl, asa, occ;
        assert_oq_ok(NULL, oq_erlang_c(tc->load, tc->agents, &pw));
        assert_oq_ok(NULL, oq_erlang_c_service_level(tc->load, tc->agents, tc->aht_s, tc->threshold_s, &sl));
        assert_oq_ok(NULL, oq_erlang_c_asa(tc->load, tc->agents, tc->aht_s, &asa));
        assert_oq_ok(NULL, oq_erlang_occupancy(tc->load, tc->agents, &occ));
        ok &= check_one("SL", sl, &sum.service_level, 0.01);
        ok &= check_one("P(wait)", pw, &sum.p_wait, 0.01);
        ok &= check_one("ASA s", asa, &sum.asa_s, fmax(0.5, 0.03 * asa));
        ok &= check_one("occupancy", occ, &sum.occupancy, 0.01);
        assert_true(sum.abandon_rate.mean == 0.0);
    } else {
        oq_erlang_a_result a = OQ_OUTPUT_INIT(oq_erlang_a_result);
        assert_oq_ok(NULL, oq_erlang_a(tc->load, tc->agents, tc->aht_s, tc->patience_s, tc->threshold_s, &a, NULL));
        ok &= check_one("SL", a.service_level, &sum.service_level, 0.01);
        ok &= check_one("P(wait)", a.p_wait, &sum.p_wait, 0.01);
        ok &= check_one("abandon", a.p_abandon, &sum.abandon_rate, 0.005);
        ok &= check_one("ASA s", a.asa_s, &sum.asa_s, fmax(0.5, 0.03 * a.asa_s));
        ok &= check_one("occupancy", a.occupancy, &sum.occupancy, 0.01);
    }
    /* Accounting: every contact generated ended somewhere or is still in. */
    for (int32_t r = 0; r < sum.replications; r++) {
        oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
        assert_oq_ok(NULL, oq_sim_run_info_get(sim, r, &ri, NULL));
        assert_int_equal(ri.contacts, ri.completed + ri.abandoned + ri.rejected + ri.removed + ri.in_system);
        assert_int_equal(ri.in_system, ri.engine_contacts);
    }
    oq_sim_destroy(sim);
    assert_true(ok);
}

/* M/M/N (Erlang C). AHT 180 s, T = 20 s. */
static void test_erlang_c_10_agents_70(void **state)
{
    (void)state;
    theory_case tc = {"Erlang C light", 10, 7.0, 180, 0, 20, 48, 2, 12};
    run_case(&tc);
}

static void test_erlang_c_10_agents_95(void **state)
{
    (void)state;
    theory_case tc = {"Erlang C heavy", 10, 9.5, 180, 0, 20, 120, 24, 24};
    run_case(&tc);
}

static void test_erlang_c_100_agents_90(void **state)
{
    (void)state;
    theory_case tc = {"Erlang C large", 100, 90.0, 180, 0, 20, 12, 2, 12};
    run_case(&tc);
}

static void test_erlang_c_2_agents_80(void **state)
{
    (void)state;
    theory_case tc = {"Erlang C small", 2, 1.6, 300, 0, 30, 150, 4, 12};
    run_case(&tc);
}

/* M/M/N+M (Erlang A). */
static void test_erlang_a_10_agents_100(void **state)
{
    (void)state;
    theory_case tc = {"Erlang A overload", 10, 10.0, 180, 120, 20, 48, 2, 12};
    run_case(&tc);
}

static void test_erlang_a_50_agents_95(void **state)
{
    (void)state;
    theory_case tc = {"Erlang A large", 50, 47.5, 240, 300, 30, 24, 2, 12};
    run_case(&tc);
}

/* Occupancy by Little's law with ringing and wrap-up: an agent is held for
 * response + handle + wrap-up per contact (5 s + exp(175 s) + 20 s = 200 s),
 * so with every contact answered, occupancy = lambda x 200 s / N exactly in
 * expectation, whatever the queueing. Also checks AHT. */
static void test_occupancy_with_ringing_and_wrapup(void **state)
{
    (void)state;
    enum { N = 20 };
    center c = {N, 20, 20};
    oq_sim_stream s;
    memset(&s, 0, sizeof s);
    s.queue = "q";
    s.channel = "voice";
    s.rate_per_hour = 14.0 / 200.0 * 3600.0; /* 14 Erlangs of agent time */
    s.handle = (oq_sim_dist){OQ_DIST_EXPONENTIAL, 0, 175, 0, NULL};
    oq_sim_agent agents[N];
    char ids[N][8];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "a%d", i);
        memset(&agents[i], 0, sizeof agents[i]);
        agents[i].id = ids[i];
        agents[i].accept_prob = 1;
        agents[i].response = (oq_sim_dist){OQ_DIST_CONSTANT, 0, 5, 0, NULL};
    }
    oq_sim_options o;
    oq_sim_options_init(&o);
    o.replications = 12;
    o.seed = 77;
    o.warmup_s = 3600;
    o.duration_s = 3600 + 24 * 3600 * scale();
    o.build = build;
    o.build_user = &c;
    o.n_streams = 1;
    o.streams = &s;
    o.n_agents = N;
    o.agents = agents;
    oq_sim *sim = NULL;
    assert_oq_ok_e(oq_sim_create, &o, &sim);
    assert_oq_ok(NULL, oq_sim_run(sim));
    oq_sim_summary sum = OQ_OUTPUT_INIT(oq_sim_summary);
    assert_oq_ok(NULL, oq_sim_summarize(sim, OQ_SIM_TOTAL, 0, &sum, NULL));
    printf("  Little's law: N=20, 14 Erlangs of response + handle + wrap-up\n");
    int ok = check_one("occupancy", 0.70, &sum.occupancy, 0.01);
    ok &= check_one("AHT s", 175, &sum.aht_s, 2.0);
    /* Every answer came after the 5 s ring: no contact answered at once. */
    ok &= check_one("P(wait)", 1.0, &sum.p_wait, 1e-12);
    oq_sim_destroy(sim);
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_c_10_agents_70),
        cmocka_unit_test(test_erlang_c_10_agents_95),
        cmocka_unit_test(test_erlang_c_100_agents_90),
        cmocka_unit_test(test_erlang_c_2_agents_80),
        cmocka_unit_test(test_erlang_a_10_agents_100),
        cmocka_unit_test(test_erlang_a_50_agents_95),
        cmocka_unit_test(test_occupancy_with_ringing_and_wrapup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
