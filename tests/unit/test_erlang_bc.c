/* SPDX-License-Identifier: MIT */
/* erlang: Erlang B and C, published values, oracles, identities, staffing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

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

static double B(double a, int32_t n)
{
    double v = SENTINEL;
    assert_oq_ok(NULL, oq_erlang_b(a, n, &v));
    return v;
}
static double C(double a, int32_t n)
{
    double v = SENTINEL;
    assert_oq_ok(NULL, oq_erlang_c(a, n, &v));
    return v;
}
static double SL(double a, int32_t n, double aht, double t)
{
    double v = SENTINEL;
    assert_oq_ok(NULL, oq_erlang_c_service_level(a, n, aht, t, &v));
    return v;
}
static double ASA(double a, int32_t n, double aht)
{
    double v = SENTINEL;
    assert_oq_ok(NULL, oq_erlang_c_asa(a, n, aht, &v));
    return v;
}

/* Exact fractions from /work/shared/reference/erlang.md (computed by hand from
 * B = (A^N/N!) / sum A^k/k!). */
static void erlang_b_exact_fractions(void **state)
{
    (void)state;
    assert_rel(B(0.1, 1), 1.0 / 11.0, 1e-15, "B(1,0.1)");
    assert_rel(B(0.1, 2), 1.0 / 221.0, 1e-15, "B(2,0.1)");
    assert_rel(B(2.5, 5), 625.0 / 8963.0, 1e-15, "B(5,2.5)");
    assert_rel(B(5, 10), 390625.0 / 21247437.0, 1e-15, "B(10,5)");
    assert_rel(B(3, 0), 1.0, 0, "B(0,3)");
    assert_rel(B(0, 0), 1.0, 0, "B(0,0)");
    assert_rel(B(0, 4), 0.0, 0, "B(4,0)");
}

/* erlang.com calculator manual: 15 lines at 1% blocking carry 8.108 Erlangs. */
static void erlang_b_erlang_com_table(void **state)
{
    (void)state;
    assert_true(fabs(B(8.108, 15) - 0.01) < 2e-5);
    /* and a load a bit above gives more than 1% */
    assert_true(B(8.2, 15) > 0.01);
}

/* CRAN package ErlangC 0.1.0 README: A = 10, AHT 180 s, T 20 s. */
static void erlang_c_cran_readme(void **state)
{
    (void)state;
    assert_true(fabs(C(10, 14) - 0.1741319) < 5e-8);
    assert_true(fabs(SL(10, 14, 180, 20) - 0.88835) < 5e-6);
    assert_true(fabs(ASA(10, 14, 180) - 7.83593701177724) < 1e-12);
    assert_true(fabs(C(10, 11) - 0.6821182) < 5e-8);
    assert_true(fabs(SL(10, 11, 180, 20) - 0.3896138) < 5e-8);
    /* exact fraction of Erlang C, A = 10, N = 14 */
    assert_rel(C(10, 14), 976562500.0 / 5608175823.0, 1e-15, "C(14,10)");
}

/* pyworkforce queuing/tests/test_erlang.py: A = 10, AHT 3 min, T 0.33 min. */
static void erlang_c_pyworkforce(void **state)
{
    (void)state;
    double occ = 0;
    assert_true(fabs(SL(10, 14, 3, 0.33) - 0.888) < 5e-4);
    assert_oq_ok(NULL, oq_erlang_occupancy(10, 14, &occ));
    assert_true(fabs(occ - 0.714) < 5e-4);
    assert_true(fabs(C(10, 14) - 0.174) < 5e-4);
    assert_true(fabs(SL(10, 15, 3, 0.33) - 0.941) < 5e-4);
    assert_oq_ok(NULL, oq_erlang_occupancy(10, 15, &occ));
    assert_true(fabs(occ - 0.667) < 5e-4);
    assert_true(fabs(C(10, 15) - 0.102) < 5e-4);
}

/* Oracle: long double recurrence 1/B started at 0 (no warm start), which for
 * small N equals the direct sum of A^k/k!; checked against the direct sum too. */
static long double oracle_binv(long double a, int32_t n)
{
    long double r = 1.0L;
    for (int32_t k = 1; k <= n; k++)
        r = 1.0L + (long double)k / a * r;
    return r;
}
static long double direct_b(long double a, int32_t n)
{
    long double term = 1.0L, sum = 1.0L;
    for (int32_t k = 1; k <= n; k++) {
        term *= a / k;
        sum += term;
    }
    return term / sum;
}

static void erlang_bc_oracle_grid(void **state)
{
    (void)state;
    const double loads[] = {0.001, 0.01, 0.1, 0.5, 1, 2.5, 7.3, 10, 33.3, 100, 250.5, 1000,
                            3000.7, 10000, 31622.8, 100000};
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        double a = loads[i];
        int32_t ns[] = {0, 1, 2, 3, 5, 10, 20, 50, 100,
                        (int32_t)(a / 2), (int32_t)a - 3, (int32_t)a, (int32_t)a + 1,
                        (int32_t)(a + sqrt(a)), (int32_t)(a + 3 * sqrt(a)) + 2, (int32_t)(1.2 * a) + 5,
                        200000};
        for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
            int32_t n = ns[j];
            if (n < 0)
                continue;
            long double r = oracle_binv(a, n);
            long double bb = 1.0L / r;
            if (n <= 150 && a <= 1000) {
                long double d = direct_b(a, n);
                if (d > 1e-300L)
                    assert_rel((double)d, (double)bb, 1e-14, "direct vs recurrence oracle");
            }
            char what[96];
            snprintf(what, sizeof what, "B(%d, %g)", n, a);
            assert_rel(B(a, n), (double)bb, 2e-13, what);
            if ((double)n > a) {
                long double c = (long double)n / (r * (n - (long double)a) + a);
                snprintf(what, sizeof what, "C(%d, %g)", n, a);
                assert_rel(C(a, n), (double)c, 2e-13, what);
                /* SL over a few thresholds, AHT 180 */
                for (double t = 0; t <= 60; t += 20) {
                    long double sl = 1.0L - c * expl(-((long double)n - a) * t / 180.0L);
                    snprintf(what, sizeof what, "SL(%d, %g, %g)", n, a, t);
                    assert_rel(SL(a, n, 180, t), (double)sl, 2e-13, what);
                }
                long double asa = c * 180.0L / ((long double)n - a);
                assert_rel(ASA(a, n, 180), (double)asa, 2e-13, "ASA");
            }
        }
    }
}

/* Identity C = N B / (N - A (1 - B)). */
static void erlang_c_from_b_identity(void **state)
{
    (void)state;
    for (double a = 0.05; a < 5000; a *= 1.7) {
        for (int32_t n = (int32_t)a + 1; n < a + 4 * sqrt(a) + 10; n += 1 + (int32_t)(sqrt(a) / 4)) {
            double b = B(a, n);
            assert_rel(C(a, n), n * b / (n - a * (1 - b)), 1e-13, "C from B");
        }
    }
}

static void unstable_conventions(void **state)
{
    (void)state;
    assert_true(C(10, 10) == 1.0);
    assert_true(C(10, 3) == 1.0);
    assert_true(C(0, 0) == 1.0);
    assert_true(C(5, 0) == 1.0);
    assert_true(SL(10, 10, 180, 20) == 0.0);
    assert_true(SL(10, 0, 180, 20) == 0.0);
    assert_true(isinf(ASA(10, 9, 180)) && ASA(10, 9, 180) > 0);
    assert_true(C(0, 1) == 0.0);
    assert_true(SL(0, 1, 180, 0) == 1.0);
    assert_true(ASA(0, 1, 180) == 0.0);
    double occ = 0;
    assert_oq_ok(NULL, oq_erlang_occupancy(10, 5, &occ));
    assert_true(occ == 1.0);
}

static void sl_monotone(void **state)
{
    (void)state;
    const double loads[] = {0.3, 4, 50, 700, 9000, 90000};
    for (size_t i = 0; i < 6; i++) {
        double a = loads[i];
        double prev = -1;
        for (int32_t n = (int32_t)a; n < a + 6 * sqrt(a) + 10; n++) {
            double s = SL(a, n, 180, 20);
            assert_true(s >= prev - 4e-16); /* monotone up to rounding near 1 */
            prev = s;
            double pt = -1;
            for (double t = 0; t < 400; t += 13) {
                double st = SL(a, n, 180, t);
                assert_true(st >= pt - 4e-16);
                pt = st;
            }
        }
    }
}

static void staffing_smallest(void **state)
{
    (void)state;
    const double loads[] = {0.001, 0.5, 1, 10, 57.3, 100, 1000, 10000, 100000};
    const double targets[] = {0.5, 0.8, 0.9, 0.99};
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        for (size_t j = 0; j < 4; j++) {
            double a = loads[i];
            int32_t n = -1;
            assert_oq_ok(NULL, oq_erlang_c_agents(a, 180, 20, targets[j], &n));
            assert_true(SL(a, n, 180, 20) >= targets[j]);
            assert_true(SL(a, n - 1, 180, 20) < targets[j]);
            int32_t m = -1;
            assert_oq_ok(NULL, oq_erlang_c_agents_asa(a, 180, 15 * (j + 1), &m));
            assert_true(ASA(a, m, 180) <= 15 * (j + 1));
            assert_true(m == 0 || ASA(a, m - 1, 180) > 15 * (j + 1));
        }
    }
    int32_t n = -1;
    /* A = 10, AHT 180, 80/20 -> 13 agents (CRAN ErlangC README: SL(13) = 0.7856 < .8? check) */
    assert_oq_ok(NULL, oq_erlang_c_agents(10, 180, 20, 0.8, &n));
    assert_true(SL(10, n, 180, 20) >= 0.8 && SL(10, n - 1, 180, 20) < 0.8);
    assert_oq_ok(NULL, oq_erlang_c_agents(0, 180, 20, 0.8, &n));
    assert_int_equal(n, 0);
}

static void occupancy_and_shrinkage(void **state)
{
    (void)state;
    int32_t n = -1;
    assert_oq_ok(NULL, oq_erlang_agents_occupancy(10, 0.85, &n));
    assert_int_equal(n, 12); /* 10/12 = .833 <= .85, 10/11 = .909 */
    assert_oq_ok(NULL, oq_erlang_agents_occupancy(8.5, 0.85, &n));
    assert_int_equal(n, 10);
    assert_oq_ok(NULL, oq_erlang_agents_occupancy(0, 0.85, &n));
    assert_int_equal(n, 0);
    assert_oq_ok(NULL, oq_erlang_agents_occupancy(0.01, 1, &n));
    assert_int_equal(n, 1);
    assert_oq_ok(NULL, oq_erlang_scheduled(10, 0.2, &n));
    assert_int_equal(n, 13); /* 12.5 -> 13 */
    assert_oq_ok(NULL, oq_erlang_scheduled(8, 0.2, &n));
    assert_int_equal(n, 10); /* exactly 10, no rounding noise */
    assert_oq_ok(NULL, oq_erlang_scheduled(7, 0.3, &n));
    assert_int_equal(n, 10);
    assert_oq_ok(NULL, oq_erlang_scheduled(0, 0.5, &n));
    assert_int_equal(n, 0);
    assert_oq_ok(NULL, oq_erlang_scheduled(17, 0, &n));
    assert_int_equal(n, 17);
}

/* Large loads: compare against the recurrence started at 0 in long double
 * (no warm start) and against the log-space Poisson formula
 * B = pmf(N; A) / cdf(N; A) summed in long double from the mode. */
static long double logspace_b(long double a, int32_t n)
{
    /* sum_{k<=n} A^k/k! / (A^n/n!) = sum_{j>=0} prod_{i=0}^{j-1} (n-i)/a */
    long double s = 1.0L, t = 1.0L;
    for (int32_t j = 1; j <= n; j++) {
        t *= (long double)(n - j + 1) / a;
        s += t;
        if (t < 1e-25L * s)
            break;
    }
    return 1.0L / s;
}

static void large_load_accuracy(void **state)
{
    (void)state;
    const double loads[] = {10000, 54321.5, 100000};
    for (size_t i = 0; i < 3; i++) {
        double a = loads[i];
        for (double z = -8; z <= 8; z += 0.5) {
            int32_t n = (int32_t)(a + z * sqrt(a));
            long double b1 = 1.0L / oracle_binv(a, n);
            long double b2 = logspace_b(a, n);
            assert_rel((double)b1, (double)b2, 1e-14, "two oracles agree");
            assert_rel(B(a, n), (double)b1, 1e-13, "large-load B");
        }
    }
}

static void invalid_inputs(void **state)
{
    (void)state;
    const double bad[] = {-1.0, -1e-300, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < 5; i++) {
        double v = SENTINEL;
        int32_t n = -77;
        assert_int_equal(oq_erlang_b(bad[i], 3, &v), OQ_EINVAL);
        assert_int_equal(oq_erlang_c(bad[i], 3, &v), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_service_level(bad[i], 3, 180, 20, &v), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_service_level(2, 3, bad[i], 20, &v), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_service_level(2, 3, 180, bad[i], &v), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_asa(bad[i], 3, 180, &v), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_asa(2, 3, bad[i], &v), OQ_EINVAL);
        assert_int_equal(oq_erlang_occupancy(bad[i], 3, &v), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_agents(bad[i], 180, 20, 0.8, &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_agents(2, bad[i], 20, 0.8, &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_agents(2, 180, bad[i], 0.8, &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_agents(2, 180, 20, bad[i], &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_agents_asa(bad[i], 180, 20, &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_c_agents_asa(2, 180, bad[i], &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_agents_occupancy(bad[i], 0.8, &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_agents_occupancy(2, bad[i], &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_scheduled(3, bad[i], &n), OQ_EINVAL);
        assert_true(v == SENTINEL);
        assert_int_equal(n, -77);
    }
    double v = SENTINEL;
    int32_t n = -77;
    assert_int_equal(oq_erlang_b(1, -1, &v), OQ_EINVAL);
    assert_int_equal(oq_erlang_c(1, -1, &v), OQ_EINVAL);
    assert_int_equal(oq_erlang_c_service_level(1, 3, 0, 20, &v), OQ_EINVAL); /* aht 0 */
    assert_int_equal(oq_erlang_c_asa(1, 3, 0, &v), OQ_EINVAL);
    const double badt[] = {0.0, 1.0, 1.5, -0.2};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(oq_erlang_c_agents(2, 180, 20, badt[i], &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_agents_occupancy(2, 1.01, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_agents_occupancy(2, 0, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_scheduled(3, 1.0, &n), OQ_EINVAL);
    assert_int_equal(oq_erlang_scheduled(-1, 0.1, &n), OQ_EINVAL);
    assert_true(v == SENTINEL);
    assert_int_equal(n, -77);
    /* NULL outputs */
    assert_int_equal(oq_erlang_b(1, 1, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_c(1, 1, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_c_service_level(1, 2, 180, 20, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_c_asa(1, 2, 180, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_occupancy(1, 2, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_c_agents(1, 180, 20, 0.8, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_c_agents_asa(1, 180, 20, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_agents_occupancy(1, 0.8, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_scheduled(1, 0.1, NULL), OQ_EINVAL);
    /* ERANGE: the answer exceeds int32 */
    assert_int_equal(oq_erlang_c_agents(3e9, 180, 20, 0.8, &n), OQ_ERANGE);
    assert_int_equal(n, -77);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(erlang_b_exact_fractions),
        cmocka_unit_test(erlang_b_erlang_com_table),
        cmocka_unit_test(erlang_c_cran_readme),
        cmocka_unit_test(erlang_c_pyworkforce),
        cmocka_unit_test(erlang_bc_oracle_grid),
        cmocka_unit_test(erlang_c_from_b_identity),
        cmocka_unit_test(unstable_conventions),
        cmocka_unit_test(sl_monotone),
        cmocka_unit_test(staffing_smallest),
        cmocka_unit_test(occupancy_and_shrinkage),
        cmocka_unit_test(large_load_accuracy),
        cmocka_unit_test(invalid_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
