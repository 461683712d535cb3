/* SPDX-License-Identifier: MIT */
/* erlang: Erlang B staffing for a blocking target (oq_erlang_b_agents) and the
 * load N servers carry at a blocking target (oq_erlang_b_load), against a
 * published value, closed forms and an independent long double recurrence. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#include "omniq/erlang.h"
#include "assert_oq.h"

/* Independent oracle: 1/B(n, a) by the textbook recurrence started at n = 0
 * (no warm start) in long double. */
static long double oracle_b(long double a, int32_t n)
{
    long double r = 1.0L;
    for (int32_t k = 1; k <= n; k++)
        r = 1.0L + (long double)k / a * r;
    return 1.0L / r;
}

static int32_t agents_for(double load, double b)
{
    int32_t n = -1;
    oq_status st = oq_erlang_b_agents(load, b, &n);
    if (st != OQ_OK) {
        fprintf(stderr, "oq_erlang_b_agents(%g, %g) = %d\n", load, b, (int)st);
        fail();
    }
    return n;
}

static double load_for(int32_t n, double b)
{
    double a = -1;
    oq_status st = oq_erlang_b_load(n, b, &a);
    if (st != OQ_OK) {
        fprintf(stderr, "oq_erlang_b_load(%d, %g) = %d\n", (int)n, b, (int)st);
        fail();
    }
    return a;
}

/* erlang.com calculator manual (reference/erlang.md): 15 lines at 1% blocking
 * carry 8.108 Erlangs. Exact fractions: B(5, 2.5) = 625/8963 = 0.069731...,
 * B(10, 5) = 390625/21247437 = 0.018384...; B(4, 2.5) and B(9, 5) are larger. */
static void published_values(void **state)
{
    (void)state;
    double a = load_for(15, 0.01);
    if (!(fabs(a - 8.108) < 5e-4)) {
        fprintf(stderr, "15 lines at 1%%: %.6f Erlangs, published 8.108\n", a);
        fail();
    }
    assert_int_equal(agents_for(8.108, 0.01), 15);
    assert_int_equal(agents_for(8.2, 0.01), 16);
    assert_int_equal(agents_for(2.5, 625.0 / 8963.0 + 1e-9), 5);
    assert_int_equal(agents_for(2.5, 625.0 / 8963.0 - 1e-9), 6);
    assert_int_equal(agents_for(5, 390625.0 / 21247437.0 + 1e-12), 10);
    assert_int_equal(agents_for(5, 390625.0 / 21247437.0 - 1e-12), 11);
}

/* One server: B(1, A) = A / (1 + A), so the load at blocking b is b / (1 - b). */
static void one_server_closed_form(void **state)
{
    (void)state;
    const double bs[] = {1e-300, 1e-9, 0.001, 0.01, 0.2, 0.5, 0.9, 0.999}; /* well conditioned */
    for (size_t i = 0; i < sizeof bs / sizeof bs[0]; i++) {
        double a = load_for(1, bs[i]), want = bs[i] / (1.0 - bs[i]);
        if (!(fabs(a - want) <= 1e-12 * want)) {
            fprintf(stderr, "N=1 b=%g: load %.17g, want %.17g\n", bs[i], a, want);
            fail();
        }
    }
}

/* Smallest N: B(N) <= b < B(N - 1), by the oracle, over a grid of loads and
 * targets (cases whose B lies within 1e-9 of b are ambiguous in double and
 * skipped). */
static void agents_are_smallest(void **state)
{
    (void)state;
    const double loads[] = {0.001, 0.1, 0.9, 2.5, 7.3, 10, 33.3, 100, 480.5, 2000};
    const double bs[] = {1e-12, 1e-6, 0.001, 0.01, 0.02, 0.05, 0.1, 0.3, 0.6, 0.95};
    int checked = 0;
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        for (size_t j = 0; j < sizeof bs / sizeof bs[0]; j++) {
            double a = loads[i], b = bs[j];
            int32_t n = agents_for(a, b);
            long double bn = oracle_b(a, n), bprev = n > 0 ? oracle_b(a, n - 1) : 1.0L;
            if (fabsl(bn - b) < 1e-9L * b || fabsl(bprev - b) < 1e-9L * b)
                continue;
            if (!(bn <= b && bprev > b)) {
                fprintf(stderr, "A=%g b=%g: N=%d, B(N)=%.12Lg B(N-1)=%.12Lg\n", a, b, (int)n,
                        bn, bprev);
                fail();
            }
            double lib = -1;
            assert_oq_ok(NULL, oq_erlang_b(a, n, &lib));
            assert_true(lib <= b); /* consistent with oq_erlang_b itself */
            checked++;
        }
    }
    assert_true(checked >= 90);
    assert_int_equal(agents_for(0, 0.01), 0); /* no traffic needs no lines */
}

/* The load: B(N, load) = b to 1e-11 relative by the oracle, and the library's
 * own B at that load meets the target. */
static void load_is_largest(void **state)
{
    (void)state;
    const int32_t ns[] = {1, 2, 5, 15, 30, 100, 1000, 20000};
    const double bs[] = {1e-9, 0.001, 0.01, 0.05, 0.2, 0.5, 0.9};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        for (size_t j = 0; j < sizeof bs / sizeof bs[0]; j++) {
            int32_t n = ns[i];
            double b = bs[j], a = load_for(n, b), lib = -1;
            long double ob = oracle_b(a, n);
            if (!(fabsl(ob - b) <= 1e-11L * b)) {
                fprintf(stderr, "N=%d b=%g: load %.17g has B %.17Lg\n", (int)n, b, a, ob);
                fail();
            }
            assert_oq_ok(NULL, oq_erlang_b(a, n, &lib));
            assert_true(lib <= b);
            /* staffing that load needs exactly these N servers */
            assert_int_equal(agents_for(a, b), n);
        }
    }
    assert_true(load_for(0, 0.01) == 0.0);
}

static void large_and_out_of_range(void **state)
{
    (void)state;
    /* 1e6 Erlangs at 1%: N in (A (1 - b), A + 10 sqrt(A)) */
    int32_t n = agents_for(1e6, 0.01);
    assert_true(n > 990000 && n < 1010000);
    double b = 0;
    assert_oq_ok(NULL, oq_erlang_b(1e6, n, &b));
    assert_true(b <= 0.01);
    assert_oq_ok(NULL, oq_erlang_b(1e6, n - 1, &b));
    assert_true(b > 0.01);
    double a = load_for(INT32_MAX, 1e-6);
    assert_true(a > 2.1e9 && a < (double)INT32_MAX);
    int32_t keep = -77;
    assert_int_equal(oq_erlang_b_agents(1e12, 0.01, &keep), OQ_ERANGE);
    assert_int_equal(keep, -77);
}

static void invalid_arguments(void **state)
{
    (void)state;
    int32_t n = -77;
    double v = -1.5;
    const double bad[] = {-1.0, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(oq_erlang_b_agents(bad[i], 0.01, &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_b_agents(5, bad[i], &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_b_load(5, bad[i], &v), OQ_EINVAL);
    }
    const double badb[] = {0.0, 1.0, 1.5, -0.01};
    for (size_t i = 0; i < sizeof badb / sizeof badb[0]; i++) {
        assert_int_equal(oq_erlang_b_agents(5, badb[i], &n), OQ_EINVAL);
        assert_int_equal(oq_erlang_b_load(5, badb[i], &v), OQ_EINVAL);
    }
    assert_int_equal(oq_erlang_b_load(-1, 0.01, &v), OQ_EINVAL);
    assert_int_equal(oq_erlang_b_agents(5, 0.01, NULL), OQ_EINVAL);
    assert_int_equal(oq_erlang_b_load(5, 0.01, NULL), OQ_EINVAL);
    assert_int_equal(n, -77); /* outputs untouched on error */
    assert_true(v == -1.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(published_values),      cmocka_unit_test(one_server_closed_form),
        cmocka_unit_test(agents_are_smallest),   cmocka_unit_test(load_is_largest),
        cmocka_unit_test(large_and_out_of_range), cmocka_unit_test(invalid_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
