/* SPDX-License-Identifier: MIT */
/* The built-in heuristic's days-off re-decomposition of a start band
 * (lib/schedule/heur.c), on its own: from a deliberately wasteful start it
 * must reach the optimum that the days-off decomposition gives in closed form
 * (W agents can work counts x_d exactly when x_d <= W and sum x_d = 5W, so
 * one start a day needs max(max_d need_d, ceil(sum need_d / 5)) tours), with
 * every unit a valid tour week and coverage recomputed here from the units'
 * starts and breaks. Tours it does not apply to are left alone. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "omniq/schedule.h"
#include "schedule/heur.h"
#include "test_support.h"

static uint64_t rng_state = 777;
static int rnd(int n)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (int)((rng_state >> 33) % (uint64_t)n);
}

/* A week of four 6-hour intervals a day; one start (midnight), a 3-interval
 * duty with a fixed break in its second interval: it works intervals 0 and 2
 * of its day. */
static oq_schedule *week(const int32_t *req, int consecutive_off)
{
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.interval_s = 21600;
    oq_schedule *s = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_schedule_create(&h, &s, &e));
    assert_oq_ok_err(&e, oq_schedule_set_required(s, 0, 28, req, &e));
    oq_shift_break fixed = {21600, 21600, 21600, 21600, 0, 0};
    oq_shift_template t;
    oq_shift_template_init(&t);
    t.name = "split";
    t.earliest_start_s = 0;
    t.latest_start_s = 0;
    t.length_s = 3 * 21600;
    t.n_breaks = 1;
    t.breaks = &fixed;
    assert_oq_ok_err(&e, oq_schedule_add_template(s, &t, NULL, &e));
    oq_shift_tour tr;
    oq_shift_tour_init(&tr);
    tr.name = "week5";
    tr.template_name = "split";
    tr.consecutive_off = consecutive_off;
    assert_oq_ok_err(&e, oq_schedule_add_tour(s, &tr, NULL, &e));
    return s;
}

/* The heuristic's search state on problem s with default options (no units
 * yet), as oq_schedule_solve sets it up; no deadline to speak of. */
static void search_state(oq_schedule *s, oq_schedule_options *o, oq_error *e, sch_solve *sv,
                         hx *h)
{
    oq_schedule_options_init(o);
    memset(sv, 0, sizeof *sv);
    sv->mem = s->mem;
    sv->s = s;
    sv->o = o;
    sv->err = e;
    sv->deadline = oq__now() + 3600;
    assert_true(oq__costs_build(s, &sv->mem, o, &sv->costs, e));
    assert_true(oq__hx_init(h, sv));
}

/* Add `count` tours working Monday-Friday (pattern 0x1f). */
static void add_weekday_tours(hx *h, int count)
{
    for (int a = 0; a < count; a++) {
        sch_unit u = {0, 0, 0x1f, 0, 0, 0};
        sch_duty_inst d[5];
        memset(d, 0, sizeof d);
        for (int day = 0; day < 5; day++) {
            d[u.n_days].day = day;
            d[u.n_days].start = day * 4;
            d[u.n_days].brk[0] = 1;
            u.n_days++;
        }
        assert_true(oq__hx_add(h, &u, d));
    }
}

static void test_band_optimum(void **state)
{
    (void)state;
    int improved_somewhere = 0;
    for (int rep = 0; rep < 40; rep++) {
        int32_t req[28] = {0}, need_max = 0, need_sum = 0;
        for (int d = 0; d < 7; d++) {
            int32_t a = (d < 5 ? 5 : 0) + rnd(d < 5 ? 40 : 25), b = rnd(a + 1);
            req[4 * d] = a;
            req[4 * d + 2] = b;
            need_max = a > need_max ? a : need_max;
            need_sum += a;
        }
        int32_t opt = (need_sum + 4) / 5;
        opt = need_max > opt ? need_max : opt;
        oq_schedule *s = week(req, 0);
        oq_schedule_options o;
        oq_error e = OQ_ERROR_INIT;
        sch_solve sv;
        hx h;
        search_state(s, &o, &e, &sv, &h);
        /* wasteful start: weekday tours for the busiest weekday, then the
         * greedy covers the weekend with more tours */
        add_weekday_tours(&h, need_max);
        assert_true(oq__hx_greedy(&h));
        assert_int_equal(oq__hx_under(&h), 0);
        int32_t start_tours = h.n_alive;
        int64_t gains;
        int passes = 0;
        while ((gains = oq__hx_band_pass(&h, sv.deadline)) > 0)
            passes++;
        assert_int_equal(gains, 0);
        improved_somewhere |= passes > 0 && start_tours > opt;
        /* the units: valid tour weeks; coverage recomputed from them */
        int32_t cov[28] = {0}, tours = 0;
        for (int32_t i = 0; i < h.us.n; i++) {
            if (!h.alive[i])
                continue;
            const sch_unit *u = &h.us.u[i];
            int on = 0;
            for (int w = 0; w < 7; w++)
                on += (u->pattern >> w) & 1;
            assert_int_equal(on, 5);
            assert_int_equal(u->n_days, 5);
            assert_int_equal(u->tour, 0);
            tours++;
            for (int32_t k = 0; k < u->n_days; k++) {
                const sch_duty_inst *d = &h.us.d[u->first + k];
                assert_true((u->pattern >> d->day) & 1);
                assert_int_equal(d->start, d->day * 4);
                assert_int_equal(d->brk[0], 1);
                cov[d->start]++;     /* works interval 0 of its day, */
                cov[d->start + 2]++; /* breaks in 1, works 2 */
            }
        }
        for (int i = 0; i < 28; i++)
            assert_true(cov[i] >= req[i]);
        if (tours != opt)
            fprintf(stderr, "instance %d: %d tours, optimum %d (start %d)\n", rep, (int)tours,
                    (int)opt, (int)start_tours);
        assert_int_equal(tours, opt);
        assert_true(fabs(h.obj - 60.0 * opt) < 1e-6);
        oq__hx_free(&h);
        oq__costs_free(&sv.mem, s, &sv.costs);
        oq_schedule_destroy(s);
    }
    /* the starts were wasteful: the pass did the work */
    assert_true(improved_somewhere);
}

/* Two consecutive days off: the decomposition does not hold; nothing moves. */
static void test_band_consecutive_untouched(void **state)
{
    (void)state;
    int32_t req[28] = {0};
    for (int d = 0; d < 7; d++)
        req[4 * d] = 7 + d;
    oq_schedule *s = week(req, 1);
    oq_schedule_options o;
    oq_error e = OQ_ERROR_INIT;
    sch_solve sv;
    hx h;
    search_state(s, &o, &e, &sv, &h);
    add_weekday_tours(&h, 20);
    double before = h.obj;
    assert_int_equal(oq__hx_band_pass(&h, sv.deadline), 0);
    assert_true(h.obj == before);
    assert_int_equal(h.n_alive, 20);
    oq__hx_free(&h);
    oq__costs_free(&sv.mem, s, &sv.costs);
    oq_schedule_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_band_optimum),
        cmocka_unit_test(test_band_consecutive_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
