/* SPDX-License-Identifier: MIT */
/* The built-in heuristic's days-off re-decomposition of a start band
 * (lib/schedule/heur.c), on its own: from a deliberately wasteful start it
 * must reach the optimum that the days-off decomposition gives in closed form
 * (W agents can work counts x_d exactly when x_d <= W and sum x_d = 5W, so
 * one start a day needs max(max_d need_d, ceil(sum need_d / 5)) tours), with
 * every unit a valid tour week and coverage recomputed here from the units'
 * starts and breaks. With two consecutive days off the optimum comes from
 * enumerating every split of the agents over the seven off pairs. */
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

/* The live units: valid tour weeks (5 days, the off days one circular run
 * when consecutive_off) on the one start with its break; their coverage
 * recomputed here covers req. Returns the number of tours. */
static int32_t live_tours(const hx *h, const int32_t *req, int consecutive_off)
{
    int32_t cov[28] = {0}, tours = 0;
    for (int32_t i = 0; i < h->us.n; i++) {
        if (!h->alive[i])
            continue;
        const sch_unit *u = &h->us.u[i];
        int on = 0, runs = 0;
        for (int w = 0; w < 7; w++) {
            on += (u->pattern >> w) & 1;
            runs += !((u->pattern >> w) & 1) && ((u->pattern >> ((w + 6) % 7)) & 1);
        }
        assert_int_equal(on, 5);
        if (consecutive_off)
            assert_int_equal(runs, 1);
        assert_int_equal(u->n_days, 5);
        assert_int_equal(u->tour, 0);
        tours++;
        for (int32_t k = 0; k < u->n_days; k++) {
            const sch_duty_inst *d = &h->us.d[u->first + k];
            assert_true((u->pattern >> d->day) & 1);
            assert_int_equal(d->start, d->day * 4);
            assert_int_equal(d->brk[0], 1);
            cov[d->start]++;     /* works interval 0 of its day, */
            cov[d->start + 2]++; /* breaks in 1, works 2 */
        }
    }
    for (int i = 0; i < 28; i++)
        assert_true(cov[i] >= req[i]);
    return tours;
}

/* From a wasteful start (weekday tours for the busiest weekday, then the
 * greedy covers the rest with more tours), band passes until none gains
 * must reach `opt` tours, checked on the tours themselves. Frees s; returns
 * whether the passes did the work. */
static int band_passes_reach(oq_schedule *s, const int32_t *req, int consecutive_off, int32_t need_max,
                             int32_t opt, int rep)
{
    oq_schedule_options o;
    oq_error e = OQ_ERROR_INIT;
    sch_solve sv;
    hx h;
    search_state(s, &o, &e, &sv, &h);
    add_weekday_tours(&h, need_max);
    assert_true(oq__hx_greedy(&h));
    assert_int_equal(oq__hx_under(&h), 0);
    int32_t start_tours = h.n_alive;
    int64_t gains;
    int passes = 0;
    while ((gains = oq__hx_band_pass(&h, sv.deadline)) > 0)
        passes++;
    assert_int_equal(gains, 0);
    int32_t tours = live_tours(&h, req, consecutive_off);
    if (tours != opt)
        fprintf(stderr, "instance %d: %d tours, optimum %d (start %d)\n", rep, (int)tours, (int)opt,
                (int)start_tours);
    assert_int_equal(tours, opt);
    assert_true(fabs(h.obj - 60.0 * opt) < 1e-6);
    oq__hx_free(&h);
    oq__costs_free(&sv.mem, s, &sv.costs);
    oq_schedule_destroy(s);
    return passes > 0 && start_tours > opt;
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
        improved_somewhere |= band_passes_reach(s, req, 0, need_max, opt, rep);
    }
    /* the starts were wasteful: the pass did the work */
    assert_true(improved_somewhere);
}

/* Fewest tours with two consecutive days off covering need[w] on weekday w,
 * by enumerating every count y_p of agents off on p and p + 1 with sum y_p
 * <= limit (x_w = sum y - y_w - y_{w-1} must reach need[w]). */
static int32_t consecutive_optimum(const int32_t *need, int32_t limit)
{
    int32_t y[7] = {0}, best = limit + 1;
    for (;;) {
        int32_t W = 0, ok = 1;
        for (int p = 0; p < 7; p++)
            W += y[p];
        for (int w = 0; w < 7 && ok; w++)
            ok = W - y[w] - y[(w + 6) % 7] >= need[w];
        if (ok && W < best)
            best = W;
        /* next y with sum <= limit (odometer) */
        int p = 0;
        while (p < 7) {
            y[p]++;
            int32_t sum = 0;
            for (int q = 0; q < 7; q++)
                sum += y[q];
            if (sum <= limit)
                break;
            y[p] = 0;
            p++;
        }
        if (p == 7)
            return best;
    }
}

/* Two consecutive days off: the band move's steepest descent must reach the
 * enumerated optimum from the same wasteful start (Monday-Friday tours for the
 * busiest weekday, greedy for the weekend). */
static void test_band_consecutive_optimum(void **state)
{
    (void)state;
    int improved_somewhere = 0;
    for (int rep = 0; rep < 30; rep++) {
        int32_t req[28] = {0}, need[7], need_max = 0;
        for (int d = 0; d < 7; d++) {
            int32_t a = rnd(10), b = rnd(a + 1);
            req[4 * d] = need[d] = a;
            req[4 * d + 2] = b;
            need_max = a > need_max ? a : need_max;
        }
        /* y_p = ceil(need_max / 5) for every p is feasible: the optimum is at most 7 times that */
        int32_t opt = consecutive_optimum(need, 7 * ((need_max + 4) / 5));
        oq_schedule *s = week(req, 1);
        improved_somewhere |= band_passes_reach(s, req, 1, need_max, opt, rep);
    }
    assert_true(improved_somewhere);
}

/* The heuristic's start from the LP: the tour columns of a band rounded
 * together. With random fractional pattern columns the band must get
 * round(sum x) agents, each a valid 5-day week on the band's start with its
 * fixed break, whose weekday counts are the LP's rounded (within one of
 * floor/ceil, summing to 5 per agent, none above the agents); the columns it
 * took are zeroed so the model's own rounding does not count them again. */
static void test_lp_round_bands(void **state)
{
    (void)state;
    int32_t req[28] = {0};
    for (int d = 0; d < 7; d++)
        req[4 * d] = 10;
    for (int rep = 0; rep < 25; rep++) {
        oq_schedule *s = week(req, 0);
        oq_schedule_options o;
        oq_error e = OQ_ERROR_INIT;
        sch_solve sv;
        hx h;
        search_state(s, &o, &e, &sv, &h);
        sch_model md;
        assert_oq_ok(NULL, oq__model_build(s, &sv.mem, &o, &sv.costs, 0, &md));
        assert_true(md.n_tc == 21); /* C(7, 2) day-off pairs on the one band */
        double *x = test_calloc((size_t)md.n_cols + 1, sizeof *x);
        double W = 0, xw[7] = {0};
        for (int32_t i = 0; i < md.n_tc; i++) {
            double v = rnd(3) == 0 ? 0 : rnd(1000) / 331.0;
            x[md.tc[i].col] = v;
            W += v;
            for (int w = 0; w < 7; w++)
                xw[w] += (md.tc[i].pattern >> w) & 1 ? v : 0;
        }
        sch_units us;
        memset(&us, 0, sizeof us);
        assert_true(oq__lp_round_bands(&sv, &md, x, &us));
        for (int32_t i = 0; i < md.n_tc; i++)
            assert_true(x[md.tc[i].col] == 0);
        int32_t Wi = (int32_t)floor(W + 0.5), cnt[7] = {0};
        assert_int_equal(us.n, Wi);
        for (int32_t i = 0; i < us.n; i++) {
            const sch_unit *u = &us.u[i];
            assert_int_equal(u->tour, 0);
            assert_int_equal(u->band, 0);
            assert_int_equal(u->n_days, 5);
            for (int32_t k = 0; k < u->n_days; k++) {
                const sch_duty_inst *d = &us.d[u->first + k];
                assert_true((u->pattern >> d->day) & 1);
                assert_int_equal(d->start, d->day * 4);
                assert_int_equal(d->brk[0], 1);
                cnt[d->day]++;
            }
        }
        int32_t sum = 0;
        for (int w = 0; w < 7; w++) {
            assert_true(cnt[w] <= Wi);
            assert_true(cnt[w] >= floor(xw[w] + 1e-6) - 1 && cnt[w] <= ceil(xw[w] - 1e-6) + 1);
            sum += cnt[w];
        }
        assert_int_equal(sum, 5 * Wi);
        oq__units_free(&sv.mem, &us);
        test_free(x);
        oq__model_free(&sv.mem, &md);
        oq__hx_free(&h);
        oq__costs_free(&sv.mem, s, &sv.costs);
        oq_schedule_destroy(s);
    }
}

/* The search's prefix sums of "one agent more" are refreshed lazily (from
 * the first interval changed, as far as asked): wherever they claim to be
 * current (positions below pa_from) they must equal what the coverage gives,
 * recomputed here from the hard objective's rule (short: -hard_w; else the
 * surplus cost), after adds, a greedy and the band move. */
static void check_prefix(const hx *h, const int32_t *req)
{
    double sum = 0;
    for (int32_t p = 0; p < h->pa_from; p++) {
        int32_t t = p < h->n ? p : (h->s->h.wrap ? p % h->n : -1);
        double v = t < 0 ? 0 : h->cov[t] < req[t] ? -h->hard_w : h->c->over;
        sum += v;
        assert_true(fabs(h->pa[p + 1] - sum) <= 1e-9 * (1 + fabs(sum)));
    }
}

static void test_prefix_refresh(void **state)
{
    (void)state;
    int32_t req[28] = {0};
    for (int d = 0; d < 7; d++) {
        req[4 * d] = 3 + rnd(9);
        req[4 * d + 2] = rnd(req[4 * d] + 1);
    }
    oq_schedule *s = week(req, 0);
    oq_schedule_options o;
    oq_error e = OQ_ERROR_INIT;
    sch_solve sv;
    hx h;
    search_state(s, &o, &e, &sv, &h);
    assert_true(h.c->hard);
    add_weekday_tours(&h, 4);
    assert_int_equal(h.pa_from, 0); /* every interval changed: nothing current */
    assert_true(oq__hx_greedy(&h));
    assert_true(h.pa_from > 0);
    check_prefix(&h, req);
    add_weekday_tours(&h, 2); /* changes from Monday's first interval on */
    assert_int_equal(h.pa_from, 0);
    assert_true(oq__hx_greedy(&h));
    check_prefix(&h, req);
    while (oq__hx_band_pass(&h, sv.deadline) > 0)
        check_prefix(&h, req);
    check_prefix(&h, req);
    oq__hx_free(&h);
    oq__costs_free(&sv.mem, s, &sv.costs);
    oq_schedule_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_band_optimum),
        cmocka_unit_test(test_band_consecutive_optimum),
        cmocka_unit_test(test_lp_round_bands),
        cmocka_unit_test(test_prefix_refresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
