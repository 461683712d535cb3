/* SPDX-License-Identifier: MIT */
/* erlang: Erlang A (M/M/N+M) against an independent long-double oracle:
 * the truncated birth-death chain for P(wait), P(abandon), occupancy, and a
 * uniformized tagged-customer Markov chain for the service level and the
 * mean wait of answered contacts (no incomplete gamma functions involved).
 * Model and formulas: Garnett, Mandelbaum & Reiman (2002), M&SOM 4(3);
 * Mandelbaum & Zeltyn (2005); see /work/shared/reference/erlang.md. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "omniq/erlang.h"
#include "assert_oq.h"

#define SENTINEL (-12345.678)

/* Valgrind runs long double arithmetic in double precision: the oracle then
 * only has double accuracy, so tolerances are widened (set in main). */
static double tol_scale = 1.0;

static void assert_rel(double got, double want, double tol, const char *what)
{
    tol *= tol_scale;
    double err = fabs(got - want) / (fabs(want) > 1e-300 ? fabs(want) : 1.0);
    if (!(err <= tol)) {
        fprintf(stderr, "%s: got %.17g want %.17g rel err %.3g > %.3g\n", what, got, want, err, tol);
        fail();
    }
}

typedef struct oracle {
    long double p_wait, p_nowait, p_ab, occ, sl, asa;
} oracle;

/* with_wait: also run the (slower) tagged-customer chain for SL and ASA. */
static void oracle_a(double A, int32_t N, double aht, double pat, double T, int with_wait,
                     oracle *o)
{
    long double lam = (long double)A / aht, mu = 1.0L / aht, th = 1.0L / pat;
    /* states below N, relative to pi_N: pi_{n-1} / pi_n = n mu / lam */
    long double low = 0, low_busy = 0, v = 1;
    for (int32_t n = N; n >= 1; n--) {
        v *= (long double)n * mu / lam;
        low += v;
        low_busy += v * (n - 1);
        if (n < A && v < 1e-30L * low)
            break;
    }
    /* queue part q_j = pi_{N+j} / pi_N */
    size_t cap = 1024, J = 0;
    long double *q = malloc(cap * sizeof *q);
    assert_non_null(q);
    long double qs = 1, q1 = 0;
    q[0] = 1;
    for (size_t j = 1;; j++) {
        long double nx = q[j - 1] * lam / (N * mu + j * th);
        if (j == cap) {
            cap *= 2;
            q = realloc(q, cap * sizeof *q);
            assert_non_null(q);
        }
        q[j] = nx;
        qs += nx;
        q1 += j * nx;
        J = j;
        if (nx > 1e250L) { /* keep within double range too (see tol_scale) */
            for (size_t i = 0; i <= j; i++)
                q[i] *= 1e-250L;
            qs *= 1e-250L;
            q1 *= 1e-250L;
            low *= 1e-250L;
            low_busy *= 1e-250L;
        }
        if (lam < N * mu + j * th && nx < 1e-30L * qs)
            break;
    }
    long double Z = low + qs;
    o->p_wait = qs / Z;
    o->p_nowait = low / Z;
    o->p_ab = th * q1 / (lam * Z);
    o->occ = (low_busy + (long double)N * qs) / (N * Z);
    if (!with_wait) {
        free(q);
        return;
    }
    /* Tagged customer that found m ahead (m = 0..J): leaves m at rate
     * N mu + m th (to m-1, or to "served" from 0), abandons at rate th.
     * Uniformize at rate L. */
    long double L = N * mu + (J + 1) * th;
    long double *p = malloc((J + 1) * sizeof *p), *s = malloc((J + 1) * sizeof *s);
    assert_non_null(p);
    assert_non_null(s);
    long double prod = 1;
    for (size_t m = 0; m <= J; m++) {
        p[m] = q[m] / Z;
        prod *= (N * mu + m * th) / (N * mu + m * th + th); /* P(served | m ahead) */
        s[m] = prod;
    }
    long double lt = L * T, served = 0, sl = 0, ev = 0, wsum = 0;
    long double logw = -lt; /* log Poisson(k; L T) */
    for (long k = 0;; k++) {
        long double mass = 0, sv = 0;
        for (size_t m = 0; m <= J; m++) {
            mass += p[m];
            sv += p[m] * s[m];
        }
        ev += sv / L; /* expected time in transient states, weighted by P(served) */
        long double w = lt > 0 ? expl(logw) : (k == 0 ? 1.0L : 0.0L);
        sl += w * served;
        wsum += w;
        if (mass < 1e-24L && (lt == 0 || (k > lt && w < 1e-30L)))
            break;
        /* one DTMC step */
        served += p[0] * (N * mu) / L;
        for (size_t m = 0; m <= J; m++) {
            long double stay = 1.0L - (N * mu + m * th + th) / L;
            long double down = m < J ? p[m + 1] * (N * mu + (m + 1) * th) / L : 0.0L;
            p[m] = p[m] * stay + down;
        }
        if (lt > 0)
            logw += logl(lt) - logl((long double)k + 1);
    }
    /* the rest of the Poisson mass sees the final (limit) served mass */
    sl += (1.0L - wsum) * served;
    o->sl = low / Z + sl;
    o->asa = ev / (1.0L - o->p_ab);
    free(p);
    free(s);
    free(q);
}

static oq_erlang_a_result EA(double A, int32_t N, double aht, double pat, double T)
{
    oq_erlang_a_result r = {sizeof(oq_erlang_a_result), 0, SENTINEL, SENTINEL, SENTINEL, SENTINEL, SENTINEL};
    assert_oq_ok(NULL, oq_erlang_a(A, N, aht, pat, T, &r, NULL));
    return r;
}

static void erlang_a_oracle_grid(void **state)
{
    (void)state;
    const double loads[] = {0.01, 0.5, 3, 10, 47.5, 150};
    const double pats[] = {20, 180, 600, 5000};
    const double ts[] = {0, 20, 90};
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        double A = loads[i];
        int32_t ns[] = {1, (int32_t)(A / 2) + 1, (int32_t)A, (int32_t)A + 1,
                        (int32_t)(A + sqrt(A)) + 1, (int32_t)(A + 3 * sqrt(A)) + 3};
        for (size_t j = 0; j < 6; j++) {
            for (size_t k = 0; k < 4; k++) {
                for (size_t l = 0; l < 3; l++) {
                    int32_t N = ns[j];
                    if (N < 1)
                        continue;
                    oracle o;
                    /* the tagged-customer chain is slow with long, overloaded queues */
                    int with_wait = pats[k] <= 600 || N >= A;
                    oracle_a(A, N, 180, pats[k], ts[l], with_wait, &o);
                    oq_erlang_a_result r = EA(A, N, 180, pats[k], ts[l]);
                    char w[128];
                    snprintf(w, sizeof w, "A=%g N=%d pat=%g T=%g", A, N, pats[k], ts[l]);
                    assert_rel(r.p_wait, (double)o.p_wait, 1e-12, w);
                    assert_rel(r.p_abandon, (double)o.p_ab, 1e-12, w);
                    assert_rel(r.occupancy, (double)o.occ, 1e-12, w);
                    if (!with_wait)
                        continue;
                    if (ts[l] > 0) /* SL = (1 - p_wait) + p_wait (P(served|wait) - P(served, W > T|wait)):
                                    relative 1e-11, or 1e-14 absolute when SL is tiny */
                    {
                        if (!(fabs(r.service_level - (double)o.sl) <= tol_scale * (1e-11 * (double)o.sl + 1e-14)))
                            fprintf(stderr, "%s: SL %.17g oracle %.17g\n", w, r.service_level,
                                    (double)o.sl);
                        assert_true(fabs(r.service_level - (double)o.sl) <=
                                    tol_scale * (1e-11 * (double)o.sl + 1e-14));
                    }
                    else
                        assert_rel(r.service_level, (double)o.p_nowait, 1e-12, w);
                    assert_rel(r.asa_s, (double)o.asa, 1e-11, w);
                }
            }
        }
    }
}

/* Large loads: the long-double chain (P(wait), P(abandon), occupancy) and,
 * at A = 10,000, also the tagged-customer chain for SL and ASA. */
static void erlang_a_large_loads(void **state)
{
    (void)state;
    const double loads[] = {1000, 10000, 100000};
    for (size_t i = 0; i < 3; i++) {
        double A = loads[i];
        const double zs[] = {-40, -3, 0, 1, 3};
        for (size_t j = 0; j < 5; j++) {
            int32_t N = (int32_t)(A + zs[j] * sqrt(A));
            if (N < 1)
                N = (int32_t)(A / 3);
            const double pats[] = {60, 180, 1800};
            for (size_t k = 0; k < 3; k++) {
                int with_wait = k == 1 && (A <= 1000 ? (j == 2 || j == 3) : A <= 10000 && j == 3);
                oracle o;
                oracle_a(A, N, 180, pats[k], 20, with_wait, &o);
                oq_erlang_a_result r = EA(A, N, 180, pats[k], 20);
                char w[128];
                snprintf(w, sizeof w, "A=%g N=%d pat=%g", A, N, pats[k]);
                assert_rel(r.p_wait, (double)o.p_wait, 1e-12, w);
                assert_rel(r.p_abandon, (double)o.p_ab, 1e-12, w);
                assert_rel(r.occupancy, (double)o.occ, 1e-12, w);
                if (with_wait) {
                    assert_rel(r.service_level, (double)o.sl, 1e-11, w);
                    assert_rel(r.asa_s, (double)o.asa, 1e-11, w);
                }
            }
        }
    }
}

/* Patience -> infinity gives Erlang C (patience 1e9 s, AHT 180 s). */
static void erlang_a_tends_to_c(void **state)
{
    (void)state;
    const double loads[] = {0.3, 10, 100, 1000};
    for (size_t i = 0; i < 4; i++) {
        double A = loads[i];
        for (int32_t N = (int32_t)A + 1; N < A + 3 * sqrt(A) + 3; N += 1 + (int32_t)(sqrt(A) / 3)) {
            /* the gap closes like 1/patience: ~1e-4 at 1e9 s, ~1e-8 at 1e13 s */
            const double pats[] = {1e9, 1e13};
            const double tols[] = {5e-4, 5e-8};
            double c, sl, asa;
            assert_oq_ok(NULL, oq_erlang_c(A, N, &c));
            assert_oq_ok(NULL, oq_erlang_c_service_level(A, N, 180, 20, &sl));
            assert_oq_ok(NULL, oq_erlang_c_asa(A, N, 180, &asa));
            oq_erlang_a_result r = EA(A, N, 180, 1e9, 20);
            for (size_t k = 0; k < 2; k++) {
                r = EA(A, N, 180, pats[k], 20);
                assert_rel(r.p_wait, c, tols[k], "p_wait -> C");
                assert_rel(r.service_level, sl, tols[k], "SL -> C");
                assert_rel(r.asa_s, asa, tols[k], "ASA -> C");
            }
            assert_true(r.p_abandon < 1e-5);
            assert_rel(r.occupancy, A / N, 1e-5, "occ -> A/N");
        }
    }
    /* CRAN ErlangC README case, through Erlang A with huge patience */
    oq_erlang_a_result r = EA(10, 14, 180, 1e9, 20);
    assert_true(fabs(r.p_wait - 0.1741319) < 1e-6);
    assert_true(fabs(r.service_level - 0.88835) < 1e-5);
}

static void erlang_a_properties(void **state)
{
    (void)state;
    /* stable when overloaded; SL monotone in N and T; p_abandon decreasing in N */
    double prev_sl = -1, prev_ab = 2;
    for (int32_t N = 1; N < 140; N++) {
        oq_erlang_a_result r = EA(100, N, 180, 120, 20);
        assert_true(r.service_level >= prev_sl - 1e-15);
        assert_true(r.p_abandon <= prev_ab + 1e-15);
        assert_true(r.p_wait >= 0 && r.p_wait <= 1 && r.occupancy <= 1 + 1e-12);
        prev_sl = r.service_level;
        prev_ab = r.p_abandon;
        double pt = -1;
        for (double T = 0; T < 600; T += 37) {
            oq_erlang_a_result q = EA(100, N, 180, 120, T);
            assert_true(q.service_level >= pt - 1e-15);
            pt = q.service_level;
        }
    }
    /* conventions */
    oq_erlang_a_result r = EA(5, 0, 180, 60, 20);
    assert_true(r.p_wait == 1 && r.p_abandon == 1 && r.service_level == 0);
    r = EA(0, 3, 180, 60, 20);
    assert_true(r.p_wait == 0 && r.p_abandon == 0 && r.service_level == 1);
}

static void erlang_a_staffing(void **state)
{
    (void)state;
    const double loads[] = {0.2, 5, 80, 1000, 10000};
    for (size_t i = 0; i < 5; i++) {
        double A = loads[i];
        int32_t n = -1;
        assert_oq_ok(NULL, oq_erlang_a_agents(A, 180, 120, 20, 0.8, &n));
        assert_true(EA(A, n, 180, 120, 20).service_level >= 0.8);
        assert_true(n == 1 || EA(A, n - 1, 180, 120, 20).service_level < 0.8);
        assert_oq_ok(NULL, oq_erlang_a_agents_abandon(A, 180, 120, 0.03, &n));
        assert_true(EA(A, n, 180, 120, 20).p_abandon <= 0.03);
        assert_true(n == 1 || EA(A, n - 1, 180, 120, 20).p_abandon > 0.03);
    }
    int32_t n = -1;
    assert_oq_ok(NULL, oq_erlang_a_agents(0, 180, 120, 20, 0.8, &n));
    assert_int_equal(n, 0);
}

static void erlang_a_invalid(void **state)
{
    (void)state;
    const double bad[] = {-1.0, NAN, INFINITY, -INFINITY};
    oq_erlang_a_result r = {sizeof(oq_erlang_a_result), 0, SENTINEL, SENTINEL, SENTINEL, SENTINEL, SENTINEL};
    int32_t n = -77;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(oq_erlang_a(bad[i], 3, 180, 60, 20, &r, NULL), OQ_EINVAL);
        assert_int_equal(oq_erlang_a(2, 3, bad[i], 60, 20, &r, NULL), OQ_EINVAL);
        assert_int_equal(oq_erlang_a(2, 3, 180, bad[i], 20, &r, NULL), OQ_EINVAL);
        assert_int_equal(oq_erlang_a(2, 3, 180, 60, bad[i], &r, NULL), OQ_EINVAL);
        assert_int_equal(oq_erlang_a_agents(bad[i], 180, 60, 20, 0.8, &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_a_agents(2, 180, bad[i], 20, 0.8, &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_a_agents(2, 180, 60, 20, bad[i], &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_a_agents_abandon(2, 180, 60, bad[i], &n), OQ_EINVAL);
    }
    assert_int_equal(oq_erlang_a(2, -1, 180, 60, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_a(2, 3, 0, 60, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_a(2, 3, 180, 0, 20, &r, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_a(2, 3, 180, 60, 20, NULL, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_a_agents(2, 180, 60, 20, 1.0, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_a_agents(2, 180, 60, 20, 0.0, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_a_agents(2, 180, 60, 20, 0.8, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_a_agents_abandon(2, 180, 60, 0.0, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_a_agents_abandon(2, 180, 60, 0.1, NULL), OQ_EINVAL);
    assert_true(r.p_wait == SENTINEL && r.p_abandon == SENTINEL && r.service_level == SENTINEL &&
                r.asa_s == SENTINEL && r.occupancy == SENTINEL);
    assert_int_equal(n, -77);
}

int main(void)
{
    volatile long double one = 1.0L, tiny = 1e-17L;
    if (one + tiny == one)
        tol_scale = 1e4;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(erlang_a_oracle_grid),
        cmocka_unit_test(erlang_a_large_loads),
        cmocka_unit_test(erlang_a_tends_to_c),
        cmocka_unit_test(erlang_a_properties),
        cmocka_unit_test(erlang_a_staffing),
        cmocka_unit_test(erlang_a_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
