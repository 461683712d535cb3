/* SPDX-License-Identifier: MIT */
/* erlang: chat concurrency, combined staffing (occupancy cap, shrinkage),
 * and the interval plan. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "omniq/erlang.h"
#include "assert_oq.h"

#define SENTINEL (-12345.678)

static void assert_rel(double got, double want, double tol, const char *what)
{
    double err = fabs(got - want) / (fabs(want) > 1e-300 ? fabs(want) : 1.0);
    if (!(err <= tol)) {
        fprintf(stderr, "%s: got %.17g want %.17g rel err %.3g > %.3g\n", what, got, want, err, tol);
        fail();
    }
}

static oq_erlang_chat_result CH(double load, int32_t n, int32_t k, const double *aht, double t)
{
    oq_erlang_chat_result r = OQ_OUTPUT_INIT(oq_erlang_chat_result);
    assert_oq_ok(NULL, oq_erlang_chat(load, n, k, aht, t, &r, NULL));
    return r;
}

/* k = 1 is Erlang C with N servers. */
static void chat_k1_is_erlang_c(void **state)
{
    (void)state;
    const double aht[] = {240};
    const double loads[] = {0.2, 3, 10, 77.7, 1000};
    for (size_t i = 0; i < 5; i++) {
        double a = loads[i];
        for (int32_t n = (int32_t)a + 1; n < a + 4 * sqrt(a) + 4; n++) {
            oq_erlang_chat_result r = CH(a, n, 1, aht, 30);
            double c, sl, asa;
            assert_oq_ok(NULL, oq_erlang_c(a, n, &c));
            assert_oq_ok(NULL, oq_erlang_c_service_level(a, n, 240, 30, &sl));
            assert_oq_ok(NULL, oq_erlang_c_asa(a, n, 240, &asa));
            assert_rel(r.p_wait, c, 1e-13, "chat k=1 p_wait");
            assert_rel(r.service_level, sl, 1e-13, "chat k=1 SL");
            assert_rel(r.asa_s, asa, 1e-13, "chat k=1 ASA");
            assert_rel(r.occupancy, a / n, 1e-13, "chat k=1 occupancy");
            assert_rel(r.utilisation, a / n, 1e-13, "chat k=1 utilisation");
        }
        oq_erlang_chat_result u = CH(a, (int32_t)a, 1, aht, 30);
        assert_true(u.p_wait == 1.0 && u.service_level == 0.0 && isinf(u.asa_s));
    }
}

/* The same AHT at every concurrency: Erlang C with N k servers. */
static void chat_constant_aht_is_erlang_c_nk(void **state)
{
    (void)state;
    const double aht[] = {300, 300, 300, 300};
    for (int32_t k = 2; k <= 4; k++) {
        const double loads[] = {1.5, 20, 300};
        for (size_t i = 0; i < 3; i++) {
            double a = loads[i];
            for (int32_t n = (int32_t)(a / k) + 1; n < (a + 4 * sqrt(a)) / k + 3; n++) {
                if (n * k <= a)
                    continue;
                oq_erlang_chat_result r = CH(a, n, k, aht, 20);
                double c, sl, asa;
                assert_oq_ok(NULL, oq_erlang_c(a, n * k, &c));
                assert_oq_ok(NULL, oq_erlang_c_service_level(a, n * k, 300, 20, &sl));
                assert_oq_ok(NULL, oq_erlang_c_asa(a, n * k, 300, &asa));
                assert_rel(r.p_wait, c, 1e-13, "chat const p_wait");
                assert_rel(r.service_level, sl, 1e-13, "chat const SL");
                assert_rel(r.asa_s, asa, 1e-13, "chat const ASA");
                assert_rel(r.utilisation, a / (n * k), 1e-13, "chat const utilisation");
                assert_true(r.occupancy >= r.utilisation * (1 - 1e-12) && r.occupancy <= 1.0);
            }
        }
    }
}

/* Independent oracle: the chain built state by state in long double from
 * pi_0 = 1, and P(W > T) summed over the queue states with the Erlang
 * (Poisson) tail instead of the closed geometric form. */
static void chat_oracle(double load, int32_t n, int32_t k, const double *aht, double t,
                        long double *p_wait, long double *sl, long double *util,
                        long double *occ)
{
    long double lam = (long double)load / aht[0];
    long double pi = 1, tot = 1, busy = 0, agents_busy = 0;
    int32_t S = n * k;
    for (int32_t s = 1; s <= S; s++) {
        /* explicit assignment: agents 0..N-1 take sessions round robin */
        long double mu = 0;
        for (int32_t g = 0; g < n; g++) {
            int32_t held = s / n + (g < s % n ? 1 : 0);
            if (held > 0)
                mu += (long double)held / aht[held - 1];
        }
        pi *= lam / mu;
        tot += pi;
        busy += s * pi;
        int32_t holding = 0; /* agents holding at least one session */
        for (int32_t g = 0; g < n; g++)
            holding += s / n + (g < s % n ? 1 : 0) > 0;
        agents_busy += holding * pi;
    }
    long double nu = (long double)n * k / aht[k - 1];
    long double piS = pi, qsum = 0, late = 0, q = piS;
    for (int32_t j = 0; j < 20000; j++) {
        if (j > 0)
            q *= lam / nu;
        if (j > 0) {
            tot += q;
            busy += S * q;
            agents_busy += n * q;
        }
        qsum += q;
        /* P(Erlang(j + 1, nu) > t) = sum_{i<=j} Poisson(i; nu t) */
        long double term = expl(-nu * t), cdf = term;
        for (int32_t i = 1; i <= j; i++) {
            term *= nu * t / i;
            cdf += term;
        }
        late += q * cdf;
        if (q < 1e-30L * qsum)
            break;
    }
    *p_wait = qsum / tot;
    *sl = 1.0L - late / tot;
    *util = busy / tot / S;
    *occ = agents_busy / tot / n;
}

static void chat_against_oracle(void **state)
{
    (void)state;
    const double aht[] = {300, 420, 600};
    const double loads[] = {0.5, 4, 12, 30};
    for (size_t i = 0; i < 4; i++) {
        for (int32_t n = 1; n < 30; n++) {
            double a = loads[i];
            if ((double)n * 3 / 600 <= a / 300)
                continue; /* unstable */
            long double pw, sl, util, occ;
            chat_oracle(a, n, 3, aht, 45, &pw, &sl, &util, &occ);
            oq_erlang_chat_result r = CH(a, n, 3, aht, 45);
            char w[64];
            snprintf(w, sizeof w, "chat A=%g N=%d", a, n);
            assert_rel(r.p_wait, (double)pw, 1e-12, w);
            assert_rel(r.service_level, (double)sl, 1e-12, w);
            assert_rel(r.utilisation, (double)util, 1e-12, w);
            assert_rel(r.occupancy, (double)occ, 1e-12, w);
        }
    }
}

static void chat_staffing(void **state)
{
    (void)state;
    const double aht[] = {300, 420, 600};
    const double loads[] = {0.3, 5, 40, 400};
    for (size_t i = 0; i < 4; i++) {
        int32_t n = -1;
        assert_oq_ok(NULL, oq_erlang_chat_agents(loads[i], 3, aht, 60, 0.8, &n));
        assert_true(CH(loads[i], n, 3, aht, 60).service_level >= 0.8);
        assert_true(CH(loads[i], n - 1, 3, aht, 60).service_level < 0.8);
        double prev = -1;
        for (int32_t m = 0; m < n + 10; m++) {
            double s = CH(loads[i], m, 3, aht, 60).service_level;
            assert_true(s >= prev - 1e-15);
            prev = s;
        }
    }
    int32_t n = -1;
    assert_oq_ok(NULL, oq_erlang_chat_agents(0, 3, aht, 60, 0.8, &n));
    assert_int_equal(n, 0);
}

static void chat_invalid(void **state)
{
    (void)state;
    const double aht[] = {300, 420, 600};
    const double badaht[] = {300, -1, 600};
    const double nanaht[] = {300, NAN, 600};
    oq_erlang_chat_result r = OQ_OUTPUT_INIT(oq_erlang_chat_result);
    memset(&r, 0x5a, sizeof r);
    r.struct_size = sizeof r;
    oq_erlang_chat_result keep = r;
    int32_t n = -77;
    assert_int_equal(oq_erlang_chat(-1, 3, 3, aht, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(NAN, 3, 3, aht, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(INFINITY, 3, 3, aht, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(1, -3, 3, aht, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(1, 3, 0, aht, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(1, 3, 65, aht, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(1, 3, 3, NULL, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(1, 3, 3, badaht, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(1, 3, 3, nanaht, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(1, 3, 3, aht, -20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(1, 3, 3, aht, NAN, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat(1, 3, 3, aht, 20, NULL, NULL), OQ_EINVAL);
    assert_true(memcmp(&r, &keep, sizeof r) == 0);
    assert_int_equal(oq_erlang_chat_agents(1, 3, aht, 20, 1.0, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat_agents(1, 3, aht, 20, 0.0, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat_agents(1, 3, aht, 20, NAN, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat_agents(-1, 3, aht, 20, 0.8, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat_agents(1, 3, badaht, 20, 0.8, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_chat_agents(1, 3, aht, 20, 0.8, NULL), OQ_EINVAL);
    assert_int_equal(n, -77);
}

/* ---- combined staffing --------------------------------------------------- */

static void staffing_combined(void **state)
{
    (void)state;
    oq_staffing_options o;
    assert_oq_ok(NULL, oq_staffing_options_init(&o));
    assert_int_equal(o.struct_size, (int32_t)sizeof o);
    assert_true(o.target_sl == 0 && o.shrinkage == 0 && o.patience_s == 0);
    o.threshold_s = 20;
    o.target_sl = 0.8;
    o.shrinkage = 0.3;
    oq_staffing_result r = OQ_OUTPUT_INIT(oq_staffing_result);
    assert_oq_ok(NULL, oq_erlang_staffing(100, 180, &o, &r, NULL));
    int32_t n;
    assert_oq_ok(NULL, oq_erlang_c_agents(100, 180, 20, 0.8, &n));
    assert_int_equal(r.required, n);
    assert_int_equal(r.scheduled, (int32_t)ceil(n / 0.7 - 1e-9));
    assert_true(r.service_level >= 0.8);
    assert_rel(r.occupancy, 100.0 / n, 1e-15, "occupancy");
    assert_true(r.p_abandon == 0);
    double c = -1;
    assert_oq_ok(NULL, oq_erlang_c(100, n, &c));
    assert_true(r.p_wait == c); /* P(wait) at `required`: Erlang C */
    /* an occupancy cap that binds: 0.85 at 100 Erlangs -> 118 agents */
    o.max_occupancy = 0.85;
    assert_oq_ok(NULL, oq_erlang_staffing(100, 180, &o, &r, NULL));
    assert_int_equal(r.required, n > 118 ? n : 118);
    assert_true(r.occupancy <= 0.85);
    /* ASA target together with SL: the max of both */
    o.max_occupancy = 0;
    o.max_asa_s = 2;
    int32_t m;
    assert_oq_ok(NULL, oq_erlang_c_agents_asa(100, 180, 2, &m));
    assert_oq_ok(NULL, oq_erlang_staffing(100, 180, &o, &r, NULL));
    assert_int_equal(r.required, n > m ? n : m);
    /* occupancy alone with Erlang C still makes the queue stable */
    oq_staffing_options_init(&o);
    o.max_occupancy = 1.0;
    assert_oq_ok(NULL, oq_erlang_staffing(100, 180, &o, &r, NULL));
    assert_int_equal(r.required, 101);
    /* Erlang A: SL and abandonment targets */
    oq_staffing_options_init(&o);
    o.threshold_s = 20;
    o.target_sl = 0.8;
    o.patience_s = 120;
    o.max_abandon = 0.02;
    int32_t a1, a2;
    assert_oq_ok(NULL, oq_erlang_a_agents(100, 180, 120, 20, 0.8, &a1));
    assert_oq_ok(NULL, oq_erlang_a_agents_abandon(100, 180, 120, 0.02, &a2));
    assert_oq_ok(NULL, oq_erlang_staffing(100, 180, &o, &r, NULL));
    assert_int_equal(r.required, a1 > a2 ? a1 : a2);
    assert_true(r.p_abandon <= 0.02 && r.service_level >= 0.8);
    oq_erlang_a_result at = OQ_OUTPUT_INIT(oq_erlang_a_result);
    assert_oq_ok(NULL, oq_erlang_a(100, r.required, 180, 120, 20, &at, NULL));
    assert_true(r.p_wait == at.p_wait && r.p_wait > 0 && r.p_wait < 1);
    /* Erlang A ASA target */
    oq_staffing_options_init(&o);
    o.patience_s = 120;
    o.max_asa_s = 5;
    assert_oq_ok(NULL, oq_erlang_staffing(100, 180, &o, &r, NULL));
    oq_erlang_a_result ar = OQ_OUTPUT_INIT(oq_erlang_a_result);
    assert_oq_ok(NULL, oq_erlang_a(100, r.required, 180, 120, 0, &ar, NULL));
    assert_true(ar.asa_s <= 5);
    assert_oq_ok(NULL, oq_erlang_a(100, r.required - 1, 180, 120, 0, &ar, NULL));
    assert_true(ar.asa_s > 5);
    /* load 0 */
    assert_oq_ok(NULL, oq_erlang_staffing(0, 180, &o, &r, NULL));
    assert_int_equal(r.required, 0);
    assert_int_equal(r.scheduled, 0);
    assert_true(r.p_wait == 0);
}

/* P(wait) in the staffing result, against published values (reference/erlang.md):
 * A = 10, AHT 180 s, T 20 s: SL(13) = 0.796, SL(14) = 0.888, so an 0.85 target
 * needs 14 agents, whose P(wait) is CRAN ErlangC's 0.1741319 and exactly
 * 976562500/5608175823; pyworkforce: 15 agents wait 0.102. */
static void staffing_p_wait_published(void **state)
{
    (void)state;
    oq_staffing_options o;
    oq_staffing_options_init(&o);
    o.threshold_s = 20;
    o.target_sl = 0.85;
    oq_staffing_result r = OQ_OUTPUT_INIT(oq_staffing_result);
    assert_oq_ok(NULL, oq_erlang_staffing(10, 180, &o, &r, NULL));
    assert_int_equal(r.required, 14);
    assert_rel(r.p_wait, 976562500.0 / 5608175823.0, 1e-14, "P(wait), N = 14");
    assert_true(fabs(r.p_wait - 0.1741319) < 5e-8);
    o.target_sl = 0.9;
    assert_oq_ok(NULL, oq_erlang_staffing(10, 180, &o, &r, NULL));
    assert_int_equal(r.required, 15);
    assert_true(fabs(r.p_wait - 0.102) < 5e-4);
}

/* Erlang A: the occupancy cap is on the occupancy Erlang A reports (busy
 * agents / N = load (1 - p_abandon) / N), the one meaning of the word; it
 * was on load / N, which overstaffs when customers abandon. */
static void staffing_erlang_a_occupancy_cap(void **state)
{
    (void)state;
    oq_staffing_options o;
    oq_staffing_options_init(&o);
    o.patience_s = 60;
    o.max_occupancy = 0.9;
    const double loads[] = {5, 40, 200};
    for (int i = 0; i < 3; i++) {
        double a = loads[i];
        oq_staffing_result r = OQ_OUTPUT_INIT(oq_staffing_result);
        assert_oq_ok(NULL, oq_erlang_staffing(a, 300, &o, &r, NULL));
        oq_erlang_a_result at = OQ_OUTPUT_INIT(oq_erlang_a_result);
        oq_erlang_a_result below = OQ_OUTPUT_INIT(oq_erlang_a_result);
        assert_oq_ok(NULL, oq_erlang_a(a, r.required, 300, 60, 0, &at, NULL));
        assert_oq_ok(NULL, oq_erlang_a(a, r.required - 1, 300, 60, 0, &below, NULL));
        assert_rel(at.occupancy, a * (1 - at.p_abandon) / r.required, 1e-12, "A occupancy");
        if (!(at.occupancy <= 0.9 && below.occupancy > 0.9))
            fail_msg("load %g: required %d has occupancy %g, %d has %g (cap 0.9)", a,
                     (int)r.required, at.occupancy, (int)r.required - 1, below.occupancy);
        assert_rel(r.occupancy, at.occupancy, 1e-15, "reported occupancy");
        int32_t by_load = 0;
        assert_oq_ok(NULL, oq_erlang_agents_occupancy(a, 0.9, &by_load));
        assert_true(r.required < by_load); /* load / N would ask for more */
    }
}

/* oq_erlang_staffing(10, 180, o) is refused with a message holding `what`
 * (the option, its value and the rule), writing nothing. */
static void staffing_refused(const oq_staffing_options *o, const char *what)
{
    oq_staffing_result r;
    memset(&r, 0x5a, sizeof r);
    r.struct_size = sizeof r;
    oq_staffing_result keep = r;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_erlang_staffing(10, 180, o, &r, &err);
    if (st != OQ_EINVAL || !strstr(err.message, what))
        fail_msg("want OQ_EINVAL naming '%s', got %s '%s'", what, oq_status_name(st), err.message);
    assert_true(memcmp(&r, &keep, sizeof r) == 0);
}

static void staffing_invalid(void **state)
{
    (void)state;
    oq_staffing_options o;
    oq_staffing_result r = OQ_OUTPUT_INIT(oq_staffing_result);
    memset(&r, 0x5a, sizeof r);
    r.struct_size = sizeof r;
    oq_staffing_result keep = r;
    assert_int_equal(oq_staffing_options_init(NULL), OQ_EINVAL);
    oq_staffing_options_init(&o);
    staffing_refused(&o, "oq_erlang_staffing: options: no constraint set");
    o.target_sl = 0.8;
    o.threshold_s = 20;
    staffing_refused(NULL, "oq_erlang_staffing: options is NULL");
    assert_int_equal(oq_erlang_staffing(10, 180, &o, NULL, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_staffing(-10, 180, &o, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_staffing(NAN, 180, &o, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_staffing(10, 0, &o, &r, NULL), OQ_EINVAL);
    oq_staffing_options b = o;
    b.struct_size = 8;
    staffing_refused(&b, "oq_staffing_options.struct_size");
    b = o;
    b.target_sl = 1.0;
    staffing_refused(&b, "options.target_sl: 1, need 0 (off) or (0, 1)");
    b = o;
    b.shrinkage = 1.0;
    staffing_refused(&b, "options.shrinkage: 1, need [0, 1)");
    b = o;
    b.max_occupancy = 1.2;
    staffing_refused(&b, "options.max_occupancy: 1.2, need 0 (off) or (0, 1]");
    b = o;
    b.max_abandon = 0.1; /* needs patience */
    staffing_refused(&b, "options.max_abandon needs options.patience_s > 0");
    b = o;
    b.max_abandon = 1.5;
    b.patience_s = 60;
    staffing_refused(&b, "options.max_abandon: 1.5, need 0 (off) or (0, 1)");
    b = o;
    b.patience_s = -1;
    staffing_refused(&b, "options.patience_s: -1, need >= 0 and finite");
    b = o;
    b.threshold_s = INFINITY;
    staffing_refused(&b, "options.threshold_s: inf, need >= 0 and finite");
    b = o;
    b.max_asa_s = NAN;
    staffing_refused(&b, "options.max_asa_s: nan, need >= 0 (0: off) and finite");
    /* oq_erlang_plan names the option the same way */
    double contacts[1] = {10}, aht[1] = {180};
    oq_plan_interval row;
    oq_plan_totals tot = OQ_OUTPUT_INIT(oq_plan_totals);
    oq_error err = OQ_ERROR_INIT;
    b = o;
    b.shrinkage = -0.5;
    assert_int_equal(oq_erlang_plan(contacts, aht, 1, 900, &b, &row, &tot, &err), OQ_EINVAL);
    if (!strstr(err.message, "oq_erlang_plan: options.shrinkage: -0.5, need [0, 1)"))
        fail_msg("plan: '%s'", err.message);
    assert_true(memcmp(&r, &keep, sizeof r) == 0);
}

/* ---- interval plan ------------------------------------------------------- */

static void plan_day(void **state)
{
    (void)state;
    enum { N = 96 };
    double contacts[N], aht[N];
    for (int i = 0; i < N; i++) {
        double h = i / 4.0;
        contacts[i] = h < 7 || h >= 22 ? (i % 5 == 0 ? 0 : 3) : 200 + 150 * sin((h - 7) / 15 * 3.14159);
        aht[i] = 240 + 30 * cos(i / 10.0);
    }
    oq_staffing_options o;
    oq_staffing_options_init(&o);
    o.threshold_s = 20;
    o.target_sl = 0.8;
    o.shrinkage = 0.35;
    o.max_occupancy = 0.9;
    oq_plan_interval rows[N];
    oq_plan_totals t = OQ_OUTPUT_INIT(oq_plan_totals);
    assert_oq_ok(NULL, oq_erlang_plan(contacts, aht, N, 900, &o, rows, &t, NULL));
    double req_h = 0, sch_h = 0, tc = 0, slw = 0;
    int32_t peak = -1, peak_i = -1, peak_s = 0;
    for (int i = 0; i < N; i++) {
        oq_staffing_result r = OQ_OUTPUT_INIT(oq_staffing_result);
        if (contacts[i] > 0) {
            double load = contacts[i] * aht[i] / 900;
            assert_rel(rows[i].load, load, 1e-15, "row load");
            assert_oq_ok(NULL, oq_erlang_staffing(load, aht[i], &o, &r, NULL));
            assert_int_equal(rows[i].required, r.required);
            assert_int_equal(rows[i].scheduled, r.scheduled);
            assert_true(rows[i].service_level == r.service_level);
            assert_true(rows[i].p_wait == r.p_wait && r.p_wait > 0);
            assert_true(rows[i].occupancy <= 0.9);
        } else {
            assert_int_equal(rows[i].required, 0);
            assert_int_equal(rows[i].scheduled, 0);
            assert_true(rows[i].load == 0 && rows[i].service_level == 1 && rows[i].p_wait == 0);
        }
        req_h += rows[i].required * 0.25;
        sch_h += rows[i].scheduled * 0.25;
        tc += contacts[i];
        slw += contacts[i] * rows[i].service_level;
        if (rows[i].required > peak) {
            peak = rows[i].required;
            peak_i = i;
        }
        if (rows[i].scheduled > peak_s)
            peak_s = rows[i].scheduled;
    }
    assert_rel(t.required_agent_hours, req_h, 1e-15, "agent hours");
    assert_rel(t.scheduled_agent_hours, sch_h, 1e-15, "scheduled hours");
    assert_rel(t.contacts, tc, 1e-15, "contacts");
    assert_rel(t.service_level, slw / tc, 1e-14, "weighted SL");
    assert_int_equal(t.peak_required, peak);
    assert_int_equal(t.peak_interval, peak_i);
    assert_int_equal(t.peak_scheduled, peak_s);
    assert_true(t.service_level >= 0.8);

    /* Erlang A plan */
    o.patience_s = 90;
    o.max_abandon = 0.05;
    assert_oq_ok(NULL, oq_erlang_plan(contacts, aht, N, 900, &o, rows, &t, NULL));
    for (int i = 0; i < N; i++)
        assert_true(rows[i].p_abandon <= 0.05 && rows[i].service_level >= 0.8);

    /* empty plan */
    assert_oq_ok(NULL, oq_erlang_plan(contacts, aht, 0, 900, &o, rows, &t, NULL));
    assert_int_equal(t.peak_interval, -1);
    assert_true(t.required_agent_hours == 0 && t.service_level == 1);
}

static void plan_invalid(void **state)
{
    (void)state;
    double contacts[3] = {10, 20, 30}, aht[3] = {180, 180, 180};
    oq_staffing_options o;
    oq_staffing_options_init(&o);
    o.target_sl = 0.8;
    o.threshold_s = 20;
    oq_plan_interval rows[3];
    oq_plan_totals t = OQ_OUTPUT_INIT(oq_plan_totals);
    memset(rows, 0x5a, sizeof rows);
    memset(&t, 0x5a, sizeof t);
    t.struct_size = sizeof t;
    oq_plan_interval krows[3];
    oq_plan_totals kt = OQ_OUTPUT_INIT(oq_plan_totals);
    memcpy(krows, rows, sizeof rows);
    memcpy(&kt, &t, sizeof t);
    assert_int_equal(oq_erlang_plan(NULL, aht, 3, 900, &o, rows, &t, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_plan(contacts, NULL, 3, 900, &o, rows, &t, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_plan(contacts, aht, -1, 900, &o, rows, &t, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 0, &o, rows, &t, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, NAN, &o, rows, &t, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 900, NULL, rows, &t, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 900, &o, NULL, &t, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 900, &o, rows, NULL, NULL), OQ_EINVAL);
    contacts[2] = -1;
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 900, &o, rows, &t, NULL), OQ_EINVAL);
    contacts[2] = 30;
    aht[2] = 0;
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 900, &o, rows, &t, NULL), OQ_EINVAL);
    aht[2] = INFINITY;
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 900, &o, rows, &t, NULL), OQ_EINVAL);
    assert_true(memcmp(rows, krows, sizeof rows) == 0);
    assert_true(memcmp(&t, &kt, sizeof t) == 0);
    /* aht is ignored where there are no contacts */
    contacts[2] = 0;
    aht[2] = NAN;
    assert_oq_ok(NULL, oq_erlang_plan(contacts, aht, 3, 900, &o, rows, &t, NULL));
    assert_int_equal(rows[2].required, 0);
}

/* Loads too large for an int32 count of agents end with OQ_ERANGE, at once
 * (the occupancy search once stepped by 1.0 past 2^53 and never ended). */
static void occupancy_cap_huge_load_is_erange(void **state)
{
    (void)state;
    int32_t n = -7;
    assert_int_equal(oq_erlang_agents_occupancy(1e308, 0.85, &n), OQ_ERANGE);
    assert_int_equal(oq_erlang_agents_occupancy(1e17, 1.0, &n), OQ_ERANGE);
    assert_int_equal(n, -7);
    oq_staffing_options o;
    oq_staffing_options_init(&o);
    o.max_occupancy = 0.9;
    oq_staffing_result r = OQ_OUTPUT_INIT(oq_staffing_result);
    assert_int_equal(oq_erlang_staffing(1e300, 180, &o, &r, NULL), OQ_ERANGE);
    assert_oq_ok(NULL, oq_erlang_agents_occupancy(900, 0.9, &n));
    assert_int_equal(n, 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chat_k1_is_erlang_c),
        cmocka_unit_test(chat_constant_aht_is_erlang_c_nk),
        cmocka_unit_test(chat_against_oracle),
        cmocka_unit_test(chat_staffing),
        cmocka_unit_test(chat_invalid),
        cmocka_unit_test(staffing_combined),
        cmocka_unit_test(staffing_erlang_a_occupancy_cap),
        cmocka_unit_test(staffing_p_wait_published),
        cmocka_unit_test(staffing_invalid),
        cmocka_unit_test(plan_day),
        cmocka_unit_test(plan_invalid),
        cmocka_unit_test(occupancy_cap_huge_load_is_erange),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
