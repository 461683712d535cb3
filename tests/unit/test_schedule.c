/* SPDX-License-Identifier: MIT */
/* The schedule module: every solver's result is checked by coverage recomputed
 * here from the returned shifts and breaks (never from the solver's figures),
 * small instances against exhaustive search, infeasible problems for their
 * reason, bad input for its message, and out-of-memory at every allocation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "omniq/erlang.h"
#include "omniq/schedule.h"
#include "prefix_check.h"
#include "test_support.h"

/* A per-run tag for temporary file names without POSIX getpid. */
static long getpid_like(void)
{
    static long tag;
    if (!tag)
        tag = (long)(uintptr_t)&tag % 100000 + (long)time(NULL) % 100000;
    return tag;
}
#ifdef OMNIQ_HAVE_CBC
#include "omniq/schedule_cbc.h"
#endif

#define MAXN 64
#define MAXCOL 24

/* ---- an independent model: explicit columns and exhaustive search ---------------- */

typedef struct col {
    int8_t cover[MAXN]; /* 1 where the column works */
    double cost;
} col;

typedef struct inst {
    int n;
    int wrap;
    int32_t req[MAXN];
    col c[MAXCOL];
    int nc;
    int soft;
    double under, over; /* per agent-interval */
} inst;

static double eval(const inst *p, const int *x, int *feasible)
{
    double obj = 0;
    int cov[MAXN] = {0};
    for (int j = 0; j < p->nc; j++) {
        obj += x[j] * p->c[j].cost;
        for (int t = 0; t < p->n; t++)
            cov[t] += x[j] * p->c[j].cover[t];
    }
    *feasible = 1;
    for (int t = 0; t < p->n; t++) {
        if (cov[t] < p->req[t]) {
            if (!p->soft)
                *feasible = 0;
            obj += p->under * (p->req[t] - cov[t]);
        } else {
            obj += p->over * (cov[t] - p->req[t]);
        }
    }
    return obj;
}

static void search(const inst *p, int j, int *x, int maxc, double *best)
{
    if (j == p->nc) {
        int f;
        double v = eval(p, x, &f);
        if (f && v < *best)
            *best = v;
        return;
    }
    for (int k = 0; k <= maxc; k++) {
        x[j] = k;
        search(p, j + 1, x, maxc, best);
    }
    x[j] = 0;
}

static double exhaustive(const inst *p, int maxc)
{
    int x[MAXCOL] = {0};
    double best = HUGE_VAL;
    search(p, 0, x, maxc, &best);
    return best;
}

/* Coverage recomputed from a result's rows; returns the objective of `p`'s
 * pricing for it and checks the summary's paid hours against the rows. */
static double recount(const oq_schedule_result *r, const inst *p, int32_t *cov)
{
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    assert_oq_ok(NULL, oq_schedule_result_summary(r, &sm, NULL));
    memset(cov, 0, sizeof(int32_t) * (size_t)p->n);
    double cost = 0, paid = 0;
    for (int32_t i = 0; i < sm.n_shifts; i++) {
        oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
        assert_oq_ok(NULL, oq_schedule_result_shift(r, i, &sh, NULL));
        assert_true(sh.count >= 1);
        cost += sh.cost * sh.count;
        paid += sh.paid_hours * sh.count;
        for (int32_t k = 0; k < sh.length; k++) {
            int32_t t = sh.start + k;
            if (t >= p->n) {
                if (!p->wrap)
                    break;
                t %= p->n;
            }
            cov[t] += sh.count;
        }
        for (int32_t b = 0; b < sh.n_breaks; b++) {
            oq_schedule_break br = OQ_OUTPUT_INIT(oq_schedule_break);
            assert_oq_ok(NULL, oq_schedule_result_break(r, i, b, &br, NULL));
            assert_true(br.start >= sh.start && br.start + br.length <= sh.start + sh.length);
            for (int32_t k = 0; k < br.length; k++)
                cov[(br.start + k) % p->n] -= sh.count;
        }
    }
    assert_true(fabs(paid - sm.paid_hours) < 1e-6);
    int32_t lib[MAXN];
    assert_oq_ok(NULL, oq_schedule_result_coverage(r, lib, p->n));
    for (int t = 0; t < p->n; t++)
        assert_int_equal(lib[t], cov[t]);
    double obj = cost;
    for (int t = 0; t < p->n; t++)
        obj += cov[t] < p->req[t] ? p->under * (p->req[t] - cov[t]) : p->over * (cov[t] - p->req[t]);
    return obj;
}

static uint64_t rng_state = 12345;
static int rnd(int n)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (int)((rng_state >> 33) % (uint64_t)n);
}

/* ---- break-free shifts: the flow against exhaustive search ------------------------ */

static void flow_case(int wrap, int soft)
{
    inst p;
    memset(&p, 0, sizeof p);
    const int per_day = 8; /* 3 h intervals */
    p.n = per_day;
    p.wrap = wrap;
    p.soft = soft;
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.days = 1;
    h.wrap = wrap;
    h.interval_s = 3 * 3600;
    oq_schedule *s = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_schedule_create(&h, &s, &e));
    for (int t = 0; t < p.n; t++)
        p.req[t] = rnd(4);
    assert_oq_ok_err(&e, oq_schedule_set_required(s, 0, p.n, p.req, &e));
    int ntpl = 1 + rnd(2);
    for (int k = 0; k < ntpl; k++) {
        char name[16];
        snprintf(name, sizeof name, "t%d", k);
        oq_shift_template t;
        oq_shift_template_init(&t);
        t.name = name;
        int lo = rnd(per_day), span = rnd(4), len = 1 + rnd(4);
        if (!wrap && lo + span >= per_day)
            span = per_day - 1 - lo;
        t.earliest_start_s = lo * h.interval_s;
        t.latest_start_s = (lo + span) * h.interval_s;
        t.length_s = len * h.interval_s;
        t.cost_per_hour = k ? 1.25 : 1;
        assert_oq_ok_err(&e, oq_schedule_add_template(s, &t, NULL, &e));
        for (int st = lo; st <= lo + span && p.nc < MAXCOL; st++) {
            col *c = &p.c[p.nc++];
            for (int i = 0; i < len; i++) {
                int tt = st + i;
                if (tt >= p.n) {
                    if (!wrap)
                        break;
                    tt %= p.n;
                }
                c->cover[tt] = 1;
            }
            c->cost = len * 3 * t.cost_per_hour;
        }
    }
    oq_schedule_options o;
    oq_schedule_options_init(&o);
    if (soft) {
        o.objective = OQ_SCHED_SOFT;
        o.under_penalty = 2;     /* per agent-hour: 6 per 3 h interval */
        p.under = 6;
    }
    oq_schedule_result *r = NULL;
    assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
    assert_string_equal(oq_schedule_result_solver(r), "flow");
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    double opt = p.nc <= 8 ? exhaustive(&p, 4) : NAN;
    int32_t cov[MAXN];
    if (sm.status == OQ_SCHED_INFEASIBLE) {
        assert_false(soft);
        assert_true(!isfinite(opt) || isnan(opt));
        assert_non_null(strstr(oq_schedule_result_message(r), "interval"));
    } else {
        double obj = recount(r, &p, cov);
        assert_true(fabs(obj - sm.objective) < 1e-6);
        if (!soft)
            for (int t = 0; t < p.n; t++)
                assert_true(cov[t] >= p.req[t]);
        assert_true(sm.lower_bound <= sm.objective + 1e-6);
        if (!isnan(opt)) {
            assert_true(sm.objective >= opt - 1e-6);
            assert_true(sm.lower_bound <= opt + 1e-6);
            if (sm.status == OQ_SCHED_OPTIMAL)
                assert_true(fabs(sm.objective - opt) < 1e-6);
        }
        if (!wrap)
            assert_int_equal(sm.status, OQ_SCHED_OPTIMAL);
    }
    oq_schedule_result_destroy(r);
    oq_schedule_destroy(s);
}

static void test_flow_exhaustive(void **state)
{
    (void)state;
    for (int i = 0; i < 150; i++)
        flow_case(i % 2, (i / 2) % 3 == 0);
}

/* ---- breaks: heuristic (and CBC) against exhaustive search ------------------------ */

static oq_schedule *break_problem(inst *p)
{
    memset(p, 0, sizeof *p);
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.days = 1;
    h.wrap = 0;
    h.interval_s = 3600;
    oq_schedule *s = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_schedule_create(&h, &s, &e));
    p->n = 24;
    for (int t = 8; t < 18; t++)
        p->req[t] = 1 + rnd(3);
    assert_oq_ok_err(&e, oq_schedule_set_required(s, 0, p->n, p->req, &e));
    oq_shift_break b = {3600, 2 * 3600, 4 * 3600, 3600, 0, 0};
    oq_shift_template t;
    oq_shift_template_init(&t);
    t.name = "duty7";
    t.earliest_start_s = 8 * 3600;
    t.latest_start_s = 11 * 3600;
    t.start_step_s = 3600;
    t.length_s = 7 * 3600;
    t.n_breaks = 1;
    t.breaks = &b;
    assert_oq_ok_err(&e, oq_schedule_add_template(s, &t, NULL, &e));
    /* explicit columns: start x break placement */
    for (int st = 8; st <= 11; st++)
        for (int q = 2; q <= 4; q++) {
            col *c = &p->c[p->nc++];
            for (int i = 0; i < 7; i++)
                if (i != q && st + i < p->n)
                    c->cover[st + i] = 1;
            c->cost = 6; /* 7 h less the unpaid hour */
        }
    return s;
}

/* Exhaustive search over the 4 starts x 3 lunch placements, at most 3
 * agents per start (more than the 3 agents any hour needs is never useful). */
static double break_opt(const inst *p)
{
    /* search over (start, placement) counts with each start's total <= 3 */
    double best = HUGE_VAL;
    int x[MAXCOL] = {0};
    int n_start = 4;
    /* per start: the multisets of up to 3 placements among 3: C(3+k-1, k) */
    int opts[20][3], nopt = 0;
    for (int a = 0; a <= 3; a++)
        for (int b = 0; a + b <= 3; b++)
            for (int c = 0; a + b + c <= 3; c++) {
                opts[nopt][0] = a;
                opts[nopt][1] = b;
                opts[nopt][2] = c;
                nopt++;
            }
    int idx[4] = {0};
    for (;;) {
        for (int st = 0; st < n_start; st++)
            for (int q = 0; q < 3; q++)
                x[st * 3 + q] = opts[idx[st]][q];
        int f;
        double v = eval(p, x, &f);
        if (f && v < best)
            best = v;
        int k = 0;
        while (k < n_start && ++idx[k] == nopt)
            idx[k++] = 0;
        if (k == n_start)
            break;
    }
    return best;
}

static void test_breaks_exhaustive(void **state)
{
    (void)state;
    for (int rep = 0; rep < 3; rep++) {
        inst p;
        oq_schedule *s = break_problem(&p);
        double opt = break_opt(&p);
        assert_true(isfinite(opt));
        oq_schedule_options o;
        oq_schedule_options_init(&o);
        o.time_limit_s = 2;
        o.solver = OQ_SCHED_SOLVER_BUILTIN;
        oq_schedule_result *r = NULL;
        oq_error e = OQ_ERROR_INIT;
        assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
        assert_string_equal(oq_schedule_result_solver(r), "heuristic");
        oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
        oq_schedule_result_summary(r, &sm, NULL);
        int32_t cov[MAXN];
        double obj = recount(r, &p, cov);
        for (int t = 0; t < p.n; t++)
            assert_true(cov[t] >= p.req[t]);
        assert_true(fabs(obj - sm.objective) < 1e-6);
        assert_true(obj >= opt - 1e-6);
        assert_true(sm.lower_bound <= opt + 1e-6);
        assert_true(sm.status == OQ_SCHED_OPTIMAL || sm.status == OQ_SCHED_FEASIBLE);
        /* a small problem: the heuristic should be within one shift */
        assert_true(obj <= opt + 6 + 1e-6);
        oq_schedule_result_destroy(r);
#ifdef OMNIQ_HAVE_CBC
        oq_schedule_solver cbc;
        oq_schedule_cbc_solver(&cbc);
        o.solver = OQ_SCHED_SOLVER_MIP;
        o.mip = &cbc;
        o.time_limit_s = 60; /* a tiny program: generous for slow runs (valgrind) */
        assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
        oq_schedule_result_summary(r, &sm, NULL);
        assert_int_equal(sm.status, OQ_SCHED_OPTIMAL);
        obj = recount(r, &p, cov);
        for (int t = 0; t < p.n; t++)
            assert_true(cov[t] >= p.req[t]);
        assert_true(fabs(obj - opt) < 1e-6);
        oq_schedule_result_destroy(r);
#endif
        oq_schedule_destroy(s);
    }
}

/* ---- tours -------------------------------------------------------------------------- */

static void test_tours_exhaustive(void **state)
{
    (void)state;
    for (int rep = 0; rep < 2; rep++) {
        inst p;
        memset(&p, 0, sizeof p);
        oq_schedule_horizon h;
        oq_schedule_horizon_init(&h);
        h.interval_s = 43200; /* two intervals a day */
        p.n = 14;
        p.wrap = 1;
        oq_schedule *s = NULL;
        oq_error e = OQ_ERROR_INIT;
        assert_oq_ok_err(&e, oq_schedule_create(&h, &s, &e));
        for (int d = 0; d < 7; d++)
            p.req[2 * d] = 1 + rnd(2);
        assert_oq_ok_err(&e, oq_schedule_set_required(s, 0, p.n, p.req, &e));
        oq_shift_template t;
        oq_shift_template_init(&t);
        t.name = "day";
        t.earliest_start_s = 0;
        t.latest_start_s = 0;
        t.length_s = 43200;
        assert_oq_ok_err(&e, oq_schedule_add_template(s, &t, NULL, &e));
        oq_shift_tour tr;
        oq_shift_tour_init(&tr);
        tr.name = "5x2";
        tr.template_name = "day";
        assert_oq_ok_err(&e, oq_schedule_add_tour(s, &tr, NULL, &e));
        /* explicit columns: the 7 patterns with two consecutive days off */
        for (int off = 0; off < 7; off++) {
            col *c = &p.c[p.nc++];
            for (int d = 0; d < 7; d++)
                if (d != off && d != (off + 1) % 7)
                    c->cover[2 * d] = 1;
            c->cost = 5 * 12;
        }
        double opt = exhaustive(&p, 2);
        oq_schedule_options o;
        oq_schedule_options_init(&o);
        o.time_limit_s = 2;
        o.solver = OQ_SCHED_SOLVER_BUILTIN;
        oq_schedule_result *r = NULL;
        assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
        oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
        oq_schedule_result_summary(r, &sm, NULL);
        int32_t cov[MAXN];
        double obj = recount(r, &p, cov);
        for (int t2 = 0; t2 < p.n; t2++)
            assert_true(cov[t2] >= p.req[t2]);
        assert_true(obj >= opt - 1e-6 && sm.lower_bound <= opt + 1e-6);
        assert_true(sm.n_tours >= 1);
        /* every tour row works 5 days, two consecutive off */
        for (int32_t i = 0; i < sm.n_tours; i++) {
            oq_schedule_tour_row tw = OQ_OUTPUT_INIT(oq_schedule_tour_row);
            assert_oq_ok(NULL, oq_schedule_result_tour(r, i, &tw, NULL));
            assert_int_equal(tw.n_shifts, 5);
            int off = OQ_DAYS_ALL & ~tw.days, runs = 0;
            for (int w = 0; w < 7; w++)
                runs += ((off >> w) & 1) && !((off >> ((w + 6) % 7)) & 1);
            assert_int_equal(runs, 1);
        }
        oq_schedule_result_destroy(r);
#ifdef OMNIQ_HAVE_CBC
        oq_schedule_solver cbc;
        oq_schedule_cbc_solver(&cbc);
        o.solver = OQ_SCHED_SOLVER_MIP;
        o.mip = &cbc;
        o.time_limit_s = 60; /* a tiny program: generous for slow runs (valgrind) */
        assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
        oq_schedule_result_summary(r, &sm, NULL);
        assert_int_equal(sm.status, OQ_SCHED_OPTIMAL);
        assert_true(fabs(recount(r, &p, cov) - opt) < 1e-6);
        oq_schedule_result_destroy(r);
#endif
        oq_schedule_destroy(s);
    }
}

/* ---- tours with any two days off: the days-off decomposition ------------------------ */

/* A week of four 6-hour intervals a day, one start a day (midnight), a
 * 3-interval duty with a fixed break in its second interval (it works
 * intervals 0 and 2 of its day), tours of 5 days with ANY two off. W agents
 * can work day counts x_d exactly when x_d <= W and sum x_d = 5W, so the
 * optimum is max(max_d need_d, ceil(sum need_d / 5)) tours of 60 paid hours. */
static oq_schedule *any_two_off_week(const int32_t *req)
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
    tr.name = "any2";
    tr.template_name = "split";
    tr.consecutive_off = 0;
    assert_oq_ok_err(&e, oq_schedule_add_tour(s, &tr, NULL, &e));
    return s;
}

/* Check a result of any_two_off_week from its rows: every tour row works 5
 * weekdays (5 shifts), coverage recomputed from the shifts and breaks meets
 * req, paid hours add up. Returns the agents (tours). */
static int32_t any_two_off_check(const oq_schedule_result *r, const int32_t *req)
{
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    assert_oq_ok(NULL, oq_schedule_result_summary(r, &sm, NULL));
    int32_t cov[28] = {0}, agents = 0;
    for (int32_t i = 0; i < sm.n_tours; i++) {
        oq_schedule_tour_row tw = OQ_OUTPUT_INIT(oq_schedule_tour_row);
        assert_oq_ok(NULL, oq_schedule_result_tour(r, i, &tw, NULL));
        int on = 0;
        for (int w = 0; w < 7; w++)
            on += (tw.days >> w) & 1;
        assert_int_equal(on, 5);
        assert_int_equal(tw.n_shifts, 5);
        agents += tw.count;
    }
    double paid = 0;
    for (int32_t i = 0; i < sm.n_shifts; i++) {
        oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
        assert_oq_ok(NULL, oq_schedule_result_shift(r, i, &sh, NULL));
        paid += sh.paid_hours * sh.count;
        for (int32_t k = 0; k < sh.length; k++)
            cov[(sh.start + k) % 28] += sh.count;
        for (int32_t b = 0; b < sh.n_breaks; b++) {
            oq_schedule_break br = OQ_OUTPUT_INIT(oq_schedule_break);
            assert_oq_ok(NULL, oq_schedule_result_break(r, i, b, &br, NULL));
            for (int32_t k = 0; k < br.length; k++)
                cov[(br.start + k) % 28] -= sh.count;
        }
    }
    for (int i = 0; i < 28; i++)
        assert_true(cov[i] >= req[i]);
    assert_true(fabs(paid - sm.paid_hours) < 1e-6);
    assert_true(fabs(paid - 60.0 * agents) < 1e-6);
    return agents;
}

/* The heuristic on larger counts: moving one agent's days off at a time gets
 * stuck above the optimum when several agents must change together; the band
 * re-decomposition reaches it (tests/unit/test_schedule_heur.c tests the move
 * on its own). */
/* The result and roster getters (the result's horizon too) write only the
 * caller's struct_size bytes (core.h: versioned structs) and refuse a size
 * out of range naming the struct: a week of tours with breaks, rostered to
 * one agent (so shifts are left unassigned and reported). */
static void test_outputs_write_only_their_prefix(void **state)
{
    (void)state;
    int32_t req[28] = {0};
    for (int d = 0; d < 5; d++)
        req[4 * d] = 2;
    oq_schedule *s = any_two_off_week(req);
    oq_schedule_options so;
    oq_schedule_options_init(&so);
    so.solver = OQ_SCHED_SOLVER_BUILTIN;
    oq_schedule_result *r = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_schedule_solve(s, &so, &r, &err));
    oq_roster_agent ag;
    oq_roster_agent_init(&ag);
    ag.id = "solo";
    oq_roster_options ropts;
    oq_roster_options_init(&ropts);
    ropts.min_rest_s = 0; /* the 18-hour split shifts are a day apart */
    oq_roster *ro = NULL;
    assert_oq_ok_err(&err, oq_roster_build(r, &ag, 1, &ropts, &ro, &err));
    /* What there is to read (the prefixes below are figures, not zeros). */
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    assert_oq_ok_err(&err, oq_schedule_result_summary(r, &sm, &err));
    assert_true(sm.n_tours > 0 && sm.n_shifts > 0);
    oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
    assert_oq_ok_err(&err, oq_schedule_result_shift(r, 0, &sh, &err));
    assert_int_equal(sh.n_breaks, 1);
    oq_roster_summary rs = OQ_OUTPUT_INIT(oq_roster_summary);
    assert_oq_ok_err(&err, oq_roster_summary_get(ro, &rs, &err));
    if (!(rs.assigned > 0 && rs.unassigned > 0 && rs.violations > 0))
        fail_msg("roster: %d assigned, %d unassigned, %d violations", (int)rs.assigned,
                 (int)rs.unassigned, (int)rs.violations);

    /* The horizon as created (any_two_off_week: 7 days of 6-hour intervals
     * from day 4), then its prefix: a header from before the allocator. */
    oq_schedule_horizon hz = OQ_OUTPUT_INIT(oq_schedule_horizon);
    assert_oq_ok_err(&err, oq_schedule_result_horizon(r, &hz, &err));
    if (hz.first_date != 4 || hz.days != 7 || hz.wrap != 1 || hz.interval_s != 21600)
        fail_msg("result horizon: day %d, %d days, wrap %d, %g s", (int)hz.first_date,
                 (int)hz.days, (int)hz.wrap, hz.interval_s);
    CHECK_PREFIX_ERR(oq_schedule_horizon, OLDER(oq_schedule_horizon, alloc),
                     oq_schedule_result_horizon(r, o, &err));
    CHECK_REFUSED_ERR(oq_schedule_horizon, oq_schedule_result_horizon(r, o, &err));
    assert_int_equal(oq_schedule_result_horizon(NULL, &hz, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_schedule_result_horizon: result is NULL"));
    CHECK_PREFIX_ERR(oq_schedule_summary, OLDER(oq_schedule_summary, over),
                     oq_schedule_result_summary(r, o, &err));
    CHECK_PREFIX_ERR(oq_schedule_shift, OLDER(oq_schedule_shift, cost),
                     oq_schedule_result_shift(r, 0, o, &err));
    CHECK_PREFIX_ERR(oq_schedule_break, OLDER(oq_schedule_break, end_s),
                     oq_schedule_result_break(r, 0, 0, o, &err));
    /* int32 only: an older header ends at any multiple of 4 */
    CHECK_PREFIX_ERR(oq_schedule_tour_row, (uint32_t)offsetof(oq_schedule_tour_row, n_shifts),
                     oq_schedule_result_tour(r, 0, o, &err));
    CHECK_PREFIX_ERR(oq_roster_summary, OLDER(oq_roster_summary, hours_max),
                     oq_roster_summary_get(ro, o, &err));
    CHECK_PREFIX_ERR(oq_roster_shift, OLDER(oq_roster_shift, paid_hours),
                     oq_roster_agent_shift(ro, 0, 0, o, &err));
    CHECK_PREFIX_ERR(oq_roster_violation, (uint32_t)offsetof(oq_roster_violation, message),
                     oq_roster_violation_get(ro, 0, o, &err));
    CHECK_REFUSED_ERR(oq_schedule_summary, oq_schedule_result_summary(r, o, &err));
    CHECK_REFUSED_ERR(oq_schedule_shift, oq_schedule_result_shift(r, 0, o, &err));
    CHECK_REFUSED_ERR(oq_schedule_break, oq_schedule_result_break(r, 0, 0, o, &err));
    CHECK_REFUSED_ERR(oq_schedule_tour_row, oq_schedule_result_tour(r, 0, o, &err));
    CHECK_REFUSED_ERR(oq_roster_summary, oq_roster_summary_get(ro, o, &err));
    CHECK_REFUSED_ERR(oq_roster_shift, oq_roster_agent_shift(ro, 0, 0, o, &err));
    CHECK_REFUSED_ERR(oq_roster_violation, oq_roster_violation_get(ro, 0, o, &err));
    /* An index out of range is named. */
    oq_schedule_break br = OQ_OUTPUT_INIT(oq_schedule_break);
    assert_int_equal(oq_schedule_result_break(r, 0, 1, &br, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_schedule_result_break: break 1 out of range (1)"));
    oq_roster_violation v = OQ_OUTPUT_INIT(oq_roster_violation);
    assert_int_equal(oq_roster_violation_get(ro, rs.violations, &v, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "violation"));
    oq_roster_destroy(ro);
    oq_schedule_result_destroy(r);
    oq_schedule_destroy(s);
}

static void test_heuristic_days_off(void **state)
{
    (void)state;
    for (int rep = 0; rep < 12; rep++) {
        int32_t req[28] = {0};
        int32_t need_max = 0, need_sum = 0;
        for (int d = 0; d < 7; d++) {
            /* a busy week and a quiet weekend, unevenly */
            int32_t a = (d < 5 ? 10 : 0) + rnd(d < 5 ? 30 : 12), b = rnd(a + 1);
            req[4 * d] = a;
            req[4 * d + 2] = b;
            need_max = a > need_max ? a : need_max;
            need_sum += a;
        }
        int32_t opt = (need_sum + 4) / 5;
        opt = need_max > opt ? need_max : opt;
        oq_schedule *s = any_two_off_week(req);
        oq_schedule_options o;
        oq_schedule_options_init(&o);
        o.solver = OQ_SCHED_SOLVER_BUILTIN;
        o.time_limit_s = 2;
        oq_schedule_result *r = NULL;
        oq_error e = OQ_ERROR_INIT;
        assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
        int32_t agents = any_two_off_check(r, req);
        if (agents != opt)
            fprintf(stderr, "instance %d: %d tours, optimum %d\n", rep, (int)agents, (int)opt);
        assert_int_equal(agents, opt);
        oq_schedule_result_destroy(r);
        oq_schedule_destroy(s);
    }
}

#ifdef OMNIQ_HAVE_CBC
/* ---- the MIP solver asked for the first cost level above the LP bound ------------ */

/* A hook around CBC that records what it is asked: the LP relaxation first
 * (no integer column), then the program with one more row whose coefficients
 * are the costs, bounded by the level. */
typedef struct level_spy {
    int calls, lp_first, cost_row_ok;
    int32_t base_rows;
    double level;   /* the cost row's bound in the second call */
    double loosen;  /* reported LP figure lowered by this (a weaker, still valid bound) */
} level_spy;

static oq_status spy_solve(const oq_mip *mip, oq_mip_result *res, void *user)
{
    level_spy *sp = user;
    int any_int = 0;
    for (int32_t j = 0; j < mip->n_cols; j++)
        any_int |= mip->is_int[j];
    if (sp->calls == 0) {
        sp->lp_first = !any_int;
        sp->base_rows = mip->n_rows;
    } else if (sp->calls == 1) {
        /* the last row is the cost row: entry j = obj[j] exactly */
        int ok = any_int && mip->n_rows == sp->base_rows + 1;
        const int32_t last = mip->n_rows - 1;
        for (int32_t j = 0; ok && j < mip->n_cols; j++) {
            double v = 0;
            for (int64_t k = mip->col_start[j]; k < mip->col_start[j + 1]; k++)
                if (mip->row_index[k] == last)
                    v = mip->value[k];
            ok = v == mip->obj[j];
        }
        sp->cost_row_ok = ok && isinf(mip->row_lo[last]) && mip->row_lo[last] < 0;
        sp->level = mip->row_hi[last];
    }
    sp->calls++;
    oq_status st = oq_schedule_cbc_solve(mip, res, NULL);
    if (sp->calls == 1 && st == OQ_OK)
        res->objective -= sp->loosen;
    return st;
}

/* Days needing 3,3,3,3,3,2,2 agents: the optimum is max(3, ceil(19 / 5)) = 4
 * tours (240 paid hours) while the LP relaxation gives 3.8: the first level
 * is 4 tours, where the heuristic's schedule or the solver's is optimal.
 * With the LP figure reported 54 h lower, the first level is 3 tours: the
 * solver must prove it empty and the search move up to 4. */
static void test_mip_levels(void **state)
{
    (void)state;
    static const int32_t need[7] = {3, 3, 3, 3, 3, 2, 2};
    int32_t req[28] = {0};
    for (int d = 0; d < 7; d++)
        req[4 * d] = req[4 * d + 2] = need[d];
    oq_schedule *s = any_two_off_week(req);
    for (int loose = 0; loose < 2; loose++) {
        level_spy sp;
        memset(&sp, 0, sizeof sp);
        sp.loosen = loose ? 54 : 0;
        oq_schedule_solver hook = {"cbc-spy", spy_solve, &sp};
        oq_schedule_options o;
        oq_schedule_options_init(&o);
        o.solver = OQ_SCHED_SOLVER_MIP;
        o.mip = &hook;
        o.time_limit_s = 60; /* tiny: generous for valgrind */
        oq_schedule_result *r = NULL;
        oq_error e = OQ_ERROR_INIT;
        assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
        oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
        oq_schedule_result_summary(r, &sm, NULL);
        assert_int_equal(sm.status, OQ_SCHED_OPTIMAL);
        assert_int_equal(any_two_off_check(r, req), 4);
        assert_true(fabs(sm.paid_hours - 240) < 1e-6);
        assert_true(fabs(sm.lower_bound - 240) < 1e-6);
        /* how it got there: the LP first; then either the heuristic's 4 tours
         * already sit at the first level (no more calls) or the solver is
         * asked for that level with the cost row */
        assert_true(sp.lp_first);
        if (loose) {
            assert_true(sp.calls >= 2);
            assert_true(sp.cost_row_ok);
            assert_true(fabs(sp.level - 180) < 1e-3); /* 3 tours, proven empty */
        } else if (sp.calls >= 2) {
            assert_true(sp.cost_row_ok);
            assert_true(fabs(sp.level - 240) < 1e-3);
        }
        oq_schedule_result_destroy(r);
    }
    oq_schedule_destroy(s);
}

/* ---- CBC stopped by its clock anywhere in its run -------------------------------- */

/* CBC 2.10 stopped by its time limit inside preprocessing said "infeasible"
 * (status finished), and stopped after preprocessing but before the root LP
 * while holding the caller's start it crashed in CglPreProcess::postProcess.
 * The hook asks CBC for the example week's program under time limits from
 * 0.5 ms up (each lands somewhere else in CBC's run): every answer must be
 * a non-infeasible status whose solution, if any, is checked here against
 * the program itself. */
typedef struct clock_sweep {
    int swept, solves, with_solution;
} clock_sweep;

static void check_mip_solution(const oq_mip *mip, const oq_mip_result *res)
{
    double obj = 0;
    double *act = calloc((size_t)mip->n_rows + 1, sizeof *act);
    assert_non_null(act);
    for (int32_t j = 0; j < mip->n_cols; j++) {
        double v = res->x[j];
        if (v < mip->col_lo[j] - 1e-6 || v > mip->col_hi[j] + 1e-6)
            fail_msg("column %d = %g outside [%g, %g]", (int)j, v, mip->col_lo[j], mip->col_hi[j]);
        if (mip->is_int[j] && fabs(v - round(v)) > 1e-6)
            fail_msg("integer column %d = %g", (int)j, v);
        obj += mip->obj[j] * v;
        for (int64_t k = mip->col_start[j]; k < mip->col_start[j + 1]; k++)
            act[mip->row_index[k]] += mip->value[k] * v;
    }
    for (int32_t i = 0; i < mip->n_rows; i++)
        if (act[i] < mip->row_lo[i] - 1e-6 || act[i] > mip->row_hi[i] + 1e-6)
            fail_msg("row %d = %g outside [%g, %g]", (int)i, act[i], mip->row_lo[i], mip->row_hi[i]);
    free(act);
    if (fabs(obj - res->objective) > 1e-6 * (1 + fabs(obj)))
        fail_msg("objective %.9g reported, %.9g from the columns", res->objective, obj);
}

static oq_status sweep_solve(const oq_mip *mip, oq_mip_result *res, void *user)
{
    clock_sweep *cs = user;
    int any_int = 0;
    for (int32_t j = 0; j < mip->n_cols; j++)
        any_int |= mip->is_int[j];
    if (!any_int) {
        /* no LP figure: the search skips the cost levels and asks for the
         * program with the heuristic's schedule as the start */
        res->status = OQ_MIP_NO_SOLUTION;
        res->objective = HUGE_VAL;
        res->bound = -HUGE_VAL;
        return OQ_OK;
    }
    if (!cs->swept) {
        cs->swept = 1;
        assert_non_null(mip->start); /* the heuristic's schedule: the crash needed one */
        double *x = calloc((size_t)mip->n_cols + 1, sizeof *x);
        assert_non_null(x);
        for (double limit = 0.0005; limit < 0.3; limit *= 1.7) {
            oq_mip m = *mip;
            m.time_limit_s = limit;
            oq_mip_result r;
            memset(&r, 0, sizeof r);
            r.x = x;
            oq_status st = oq_schedule_cbc_solve(&m, &r, NULL);
            if (st != OQ_OK)
                fail_msg("limit %g s: %s", limit, oq_status_name(st));
            if (r.status == OQ_MIP_INFEASIBLE)
                fail_msg("limit %g s: CBC's answer 'infeasible' passed on for a feasible program",
                         limit);
            cs->solves++;
            if (r.status == OQ_MIP_OPTIMAL || r.status == OQ_MIP_FEASIBLE) {
                check_mip_solution(&m, &r);
                cs->with_solution++;
            } else {
                assert_int_equal(r.status, OQ_MIP_NO_SOLUTION);
            }
        }
        free(x);
    }
    return oq_schedule_cbc_solve(mip, res, NULL);
}

static void test_cbc_stopped_anywhere(void **state)
{
    (void)state;
    oq_schedule *s = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_schedule_load_csv(OMNIQ_EXAMPLES_DIR "/schedule/week.csv", NULL, 0,
                                              NULL, &s, &e));
    assert_oq_ok_err(&e, oq_schedule_load_shifts(s, OMNIQ_EXAMPLES_DIR "/schedule/shifts.yaml", &e));
    clock_sweep cs;
    memset(&cs, 0, sizeof cs);
    oq_schedule_solver hook = {"cbc-clock-sweep", sweep_solve, &cs};
    oq_schedule_options o;
    oq_schedule_options_init(&o);
    o.solver = OQ_SCHED_SOLVER_AUTO; /* the heuristic first: its schedule is the start */
    o.mip = &hook;
    o.time_limit_s = 2;
    oq_schedule_result *r = NULL;
    assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    assert_true(sm.status == OQ_SCHED_OPTIMAL || sm.status == OQ_SCHED_FEASIBLE);
    assert_true(cs.swept);
    assert_int_equal(cs.solves, 13); /* 0.0005 * 1.7^k below 0.3 s */
    oq_schedule_result_destroy(r);
    oq_schedule_destroy(s);
}
#endif

/* ---- infeasible problems say why ------------------------------------------------- */

static oq_schedule *day_problem(int32_t night_req, int32_t day_req)
{
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.days = 1;
    h.wrap = 0;
    h.interval_s = 3600;
    oq_schedule *s = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_schedule_create(&h, &s, &e));
    int32_t req[24] = {0};
    req[2] = night_req;
    for (int t = 9; t < 17; t++)
        req[t] = day_req;
    assert_oq_ok_err(&e, oq_schedule_set_required(s, 0, 24, req, &e));
    oq_shift_template t;
    oq_shift_template_init(&t);
    t.name = "day8";
    t.earliest_start_s = 8 * 3600;
    t.latest_start_s = 10 * 3600;
    t.length_s = 8 * 3600;
    assert_oq_ok_err(&e, oq_schedule_add_template(s, &t, NULL, &e));
    return s;
}

static void test_infeasible_why(void **state)
{
    (void)state;
    oq_schedule *s = day_problem(3, 2);
    oq_schedule_options o;
    oq_schedule_options_init(&o);
    oq_schedule_result *r = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    assert_int_equal(sm.status, OQ_SCHED_INFEASIBLE);
    assert_non_null(strstr(oq_schedule_result_message(r), "02:00"));
    assert_non_null(strstr(oq_schedule_result_message(r), "no shift template covers it"));
    oq_schedule_result_destroy(r);
    oq_schedule_destroy(s);
    /* seats */
    s = day_problem(0, 5);
    o.max_per_interval = 3;
    assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
    oq_schedule_result_summary(r, &sm, NULL);
    assert_int_equal(sm.status, OQ_SCHED_INFEASIBLE);
    assert_non_null(strstr(oq_schedule_result_message(r), "max_per_interval allows 3"));
    oq_schedule_result_destroy(r);
    /* the same with a soft objective: a schedule short by the seats */
    o.objective = OQ_SCHED_SOFT;
    assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
    oq_schedule_result_summary(r, &sm, NULL);
    assert_int_equal(sm.status, OQ_SCHED_OPTIMAL);
    int32_t cov[24];
    oq_schedule_result_coverage(r, cov, 24);
    for (int t = 0; t < 24; t++)
        assert_true(cov[t] <= 3);
    assert_int_equal(sm.under, 8 * 2);
    oq_schedule_result_destroy(r);
    oq_schedule_destroy(s);
}

/* ---- bad input ------------------------------------------------------------------- */

static void test_bad_input(void **state)
{
    (void)state;
    oq_schedule *s = day_problem(0, 1);
    oq_error e = OQ_ERROR_INIT;
    oq_shift_template t;
    oq_shift_break b = {3600, 6 * 3600, 8 * 3600, 0, 0, 0};
    oq_shift_template_init(&t);
    t.name = "bad";
    t.earliest_start_s = 8 * 3600;
    t.latest_start_s = 8 * 3600;
    t.length_s = 8 * 3600;
    t.n_breaks = 1;
    t.breaks = &b;
    assert_int_equal(oq_schedule_add_template(s, &t, NULL, &e), OQ_EINVAL);
    assert_non_null(strstr(e.message, "breaks[0].window"));
    assert_non_null(strstr(e.message, "inside"));
    t.n_breaks = 0;
    t.length_s = 1800; /* not on the 1 h grid */
    assert_int_equal(oq_schedule_add_template(s, &t, NULL, &e), OQ_EINVAL);
    assert_non_null(strstr(e.message, "length"));
    t.length_s = 3600;
    t.name = "day8";
    assert_int_equal(oq_schedule_add_template(s, &t, NULL, &e), OQ_EEXIST);
    oq_shift_tour tr;
    oq_shift_tour_init(&tr);
    tr.name = "x";
    tr.template_name = "nope";
    assert_int_equal(oq_schedule_add_tour(s, &tr, NULL, &e), OQ_ENOTFOUND);
    assert_non_null(strstr(e.message, "'nope'"));
    int32_t neg = -1;
    assert_int_equal(oq_schedule_set_required(s, 3, 1, &neg, &e), OQ_EINVAL);
    assert_non_null(strstr(e.message, "required[3]"));
    assert_int_equal(oq_schedule_set_required(s, 20, 10, &neg, &e), OQ_EINVAL);
    /* a tour needs whole weeks; the SL penalty needs traffic */
    tr.template_name = "day8";
    assert_oq_ok_err(&e, oq_schedule_add_tour(s, &tr, NULL, &e));
    oq_schedule_options o;
    oq_schedule_options_init(&o);
    oq_schedule_result *r = NULL;
    assert_int_equal(oq_schedule_solve(s, &o, &r, &e), OQ_EINVAL);
    assert_non_null(strstr(e.message, "whole weeks"));
    assert_null(r);
    oq_schedule_destroy(s);
    s = day_problem(0, 1);
    o.objective = OQ_SCHED_SOFT;
    o.sl_penalty = 100;
    assert_int_equal(oq_schedule_solve(s, &o, &r, &e), OQ_EINVAL);
    assert_non_null(strstr(e.message, "traffic"));
    o.sl_penalty = 0;
    o.struct_size = 3;
    assert_int_equal(oq_schedule_solve(s, &o, &r, &e), OQ_EINVAL);
    oq_schedule_options_init(&o);
    o.solver = OQ_SCHED_SOLVER_MIP;
    assert_int_equal(oq_schedule_solve(s, &o, &r, &e), OQ_EINVAL);
    assert_non_null(strstr(e.message, "hook"));
    oq_schedule_destroy(s);
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.interval_s = 700;
    assert_int_equal(oq_schedule_create(&h, &s, &e), OQ_EINVAL);
    assert_non_null(strstr(e.message, "interval_s"));
}

/* ---- the service-level penalty grows where staffing is low --------------------- */

static void test_sl_penalty(void **state)
{
    (void)state;
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.days = 1;
    h.wrap = 0;
    h.interval_s = 3600;
    oq_schedule *s = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_schedule_create(&h, &s, &e));
    oq_shift_template t;
    oq_shift_template_init(&t);
    t.name = "hour";
    t.earliest_start_s = 0;
    t.latest_start_s = 23 * 3600;
    t.length_s = 3600;
    assert_oq_ok_err(&e, oq_schedule_add_template(s, &t, NULL, &e));
    int32_t req[24] = {0};
    double load[24] = {0}, aht[24];
    for (int k = 0; k < 24; k++)
        aht[k] = 300;
    req[9] = 3; /* a small interval: one agent short loses much service level */
    load[9] = 1.5;
    req[14] = 40; /* a large one: the 40th agent adds little */
    load[14] = 33;
    assert_oq_ok_err(&e, oq_schedule_set_required(s, 0, 24, req, &e));
    assert_oq_ok_err(&e, oq_schedule_set_traffic(s, 0, 24, load, aht, &e));
    /* the service level an agent adds, by Erlang C directly */
    double a2, a3, b39, b40;
    oq_erlang_c_service_level(1.5, 2, 300, 20, &a2);
    oq_erlang_c_service_level(1.5, 3, 300, 20, &a3);
    oq_erlang_c_service_level(33, 39, 300, 20, &b39);
    oq_erlang_c_service_level(33, 40, 300, 20, &b40);
    assert_true(a3 - a2 > 0.1 && b40 - b39 < 0.05);
    oq_schedule_options o;
    oq_schedule_options_init(&o);
    o.objective = OQ_SCHED_SOFT;
    o.under_penalty = 0.1;
    o.sl_penalty = 10; /* an agent-hour costs 1 */
    oq_schedule_result *r = NULL;
    assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    int32_t cov[24];
    oq_schedule_result_coverage(r, cov, 24);
    assert_int_equal(sm.status, OQ_SCHED_OPTIMAL);
    assert_int_equal(cov[9], 3);  /* 0.1 + 10 x (a3 - a2) > 1 */
    assert_true(cov[14] < 40);    /* 0.1 + 10 x (b40 - b39) < 1 */
    assert_true(cov[14] > 30);    /* lower down, agents lose more: worth paying */
    oq_schedule_result_destroy(r);
    /* a flat penalty (no traffic pricing) treats both alike */
    o.sl_penalty = 0;
    o.under_penalty = 2;
    assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
    oq_schedule_result_coverage(r, cov, 24);
    assert_int_equal(cov[9], 3);
    assert_int_equal(cov[14], 40);
    oq_schedule_result_destroy(r);
    oq_schedule_destroy(s);
}

/* ---- a calendar: hours of operation and a holiday -------------------------------- */

static void test_calendar(void **state)
{
    (void)state;
    /* a week from Monday 2024-01-01 (19723); open 08:00-20:00 Monday to
     * Saturday, closed Sundays and on a holiday, Wednesday 2024-01-03 */
    oq_calendar *cal = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_calendar_create("center", "UTC", NULL, &cal, &e));
    for (int w = 0; w < 6; w++)
        assert_oq_ok_err(&e, oq_calendar_add_hours(cal, w, 8 * 3600000, 20 * 3600000, &e));
    assert_oq_ok_err(&e, oq_calendar_add_holiday(cal, "local", 19725, "holiday", &e));
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.first_date = 19723;
    h.interval_s = 3600;
    oq_schedule *s = NULL;
    assert_oq_ok_err(&e, oq_schedule_create(&h, &s, &e));
    int32_t req[168] = {0};
    for (int d = 0; d < 6; d++)
        for (int t = 9; t < 19; t++)
            req[d * 24 + t] = d == 2 ? 0 : 2;
    assert_oq_ok_err(&e, oq_schedule_set_required(s, 0, 168, req, &e));
    oq_shift_template t;
    oq_shift_template_init(&t);
    t.name = "any";
    t.earliest_start_s = 0;
    t.latest_start_s = 23 * 3600;
    t.length_s = 6 * 3600;
    assert_oq_ok_err(&e, oq_schedule_add_template(s, &t, NULL, &e));
    oq_schedule_options o;
    oq_schedule_options_init(&o);
    o.calendar = cal;
    for (int builtin = 0; builtin < 2; builtin++) {
        oq_schedule_result *r = NULL;
        o.solver = builtin ? OQ_SCHED_SOLVER_BUILTIN : OQ_SCHED_SOLVER_AUTO;
        assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
        oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
        oq_schedule_result_summary(r, &sm, NULL);
        assert_int_equal(sm.status, OQ_SCHED_OPTIMAL);
        assert_int_equal(sm.under, 0);
        for (int32_t i = 0; i < sm.n_shifts; i++) {
            oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
            oq_schedule_result_shift(r, i, &sh, NULL);
            int hour = sh.start % 24;
            assert_true(hour >= 8 && hour + 6 <= 20); /* inside the hours */
            assert_true(sh.day != 2 && sh.day != 6);  /* not the holiday, not Sunday */
        }
        oq_schedule_result_destroy(r);
    }
    /* a requirement while closed: infeasible, and the message says why */
    req[2 * 24 + 10] = 1;
    assert_oq_ok_err(&e, oq_schedule_set_required(s, 0, 168, req, &e));
    oq_schedule_result *r = NULL;
    assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    assert_int_equal(sm.status, OQ_SCHED_INFEASIBLE);
    assert_non_null(strstr(oq_schedule_result_message(r), "while the calendar is open"));
    assert_non_null(strstr(oq_schedule_result_message(r), "Wed 10:00"));
    oq_schedule_result_destroy(r);
    oq_schedule_destroy(s);
    oq_calendar_destroy(cal);
}

/* ---- files: requirements CSV, shift file ---------------------------------------- */

static const char *write_tmp(const char *name, const char *text)
{
    static char path[4][256];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 256, "%s/oq_sched_%d_%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid_like(), name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_csv(void **state)
{
    (void)state;
    oq_schedule *s = NULL;
    oq_error e = OQ_ERROR_INIT;
    /* what `omniq staff --format csv` writes, labels HH:MM */
    const char *staff = write_tmp("staff.csv",
        "interval,contacts,aht,load,required,scheduled,service_level,asa,occupancy,p_abandon\n"
        "08:00,20,180,4.000000,7,8,0.85,10,0.57,0\n"
        "08:15,30,180,6.000000,9,10,0.83,12,0.66,0\n"
        "08:30,10,180,2.000000,4,5,0.88,8,0.5,0\n");
    assert_oq_ok_err(&e, oq_schedule_load_csv(staff, NULL, 0, NULL, &s, &e));
    assert_int_equal(oq_schedule_interval_count(s), 96);
    int32_t req[96];
    oq_schedule_get_required(s, req, 96);
    assert_int_equal(req[32], 7);
    assert_int_equal(req[33], 9);
    assert_int_equal(req[34], 4);
    assert_int_equal(req[31] + req[35], 0);
    oq_schedule_destroy(s);
    assert_oq_ok_err(&e, oq_schedule_load_csv(staff, "scheduled", 0, NULL, &s, &e));
    oq_schedule_get_required(s, req, 96);
    assert_int_equal(req[33], 10);
    oq_schedule_destroy(s);
    /* dated rows over two days, fractions rounded up */
    const char *dated = write_tmp("dated.csv",
        "start,required\n2024-01-06 23:30,1.2\n2024-01-06 23:45,2\n2024-01-07 00:00,3\n");
    assert_oq_ok_err(&e, oq_schedule_load_csv(dated, NULL, 0, NULL, &s, &e));
    oq_schedule_horizon h = OQ_OUTPUT_INIT(oq_schedule_horizon);
    oq_schedule_get_horizon(s, &h, NULL);
    assert_int_equal(h.days, 2);
    assert_int_equal(h.first_date, 19728); /* 2024-01-06, a Saturday */
    int32_t req2[192];
    assert_oq_ok(NULL, oq_schedule_get_required(s, req2, 192));
    assert_int_equal(req2[94], 2);
    assert_int_equal(req2[95], 2);
    assert_int_equal(req2[96], 3);
    oq_schedule_destroy(s);
    /* a gap, with its line and column */
    const char *gap = write_tmp("gap.csv",
        "start,required\n2024-01-01 08:00,1\n2024-01-01 08:15,1\n2024-01-01 09:00,1\n");
    assert_int_equal(oq_schedule_load_csv(gap, NULL, 0, NULL, &s, &e), OQ_ECONFIG);
    assert_int_equal(e.line, 4);
    assert_int_equal(e.column, 1);
    assert_non_null(strstr(e.message, "a gap"));
    assert_non_null(strstr(e.message, ":4:1:"));
    const char *mixed = write_tmp("mixed.csv",
        "start,required\n2024-01-01 08:00,1\n2024-01-01 08:15,1\n2024-01-01 08:25,1\n");
    assert_int_equal(oq_schedule_load_csv(mixed, NULL, 0, NULL, &s, &e), OQ_ECONFIG);
    assert_non_null(strstr(e.message, "interval lengths differ"));
    const char *bad = write_tmp("bad.csv", "start,required\n2024-01-01 08:00,-2\n");
    assert_int_equal(oq_schedule_load_csv(bad, NULL, 900, NULL, &s, &e), OQ_ECONFIG);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 18);
    const char *nocol = write_tmp("nocol.csv", "when,agents\n08:00,1\n");
    assert_int_equal(oq_schedule_load_csv(nocol, NULL, 900, NULL, &s, &e), OQ_ECONFIG);
    assert_non_null(strstr(e.message, "'start'"));
}

static oq_schedule *hour_grid(void)
{
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    oq_schedule *s = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_schedule_create(&h, &s, &e));
    return s;
}

static void test_shift_file(void **state)
{
    (void)state;
    oq_schedule *s = hour_grid();
    oq_error e = OQ_ERROR_INIT;
    const char *good =
        "interval: 15m\n"
        "templates:\n"
        "  - name: duty9\n"
        "    start_window: [\"06:00\", \"15:00\"]\n"
        "    start_step: 900\n"
        "    length: 32400\n"
        "    paid_hours: 8\n"
        "    breaks:\n"
        "      - {length: 3600, window: [10800, 18000], step: 900, paid: false}\n"
        "    days: [mon, tue, wed, thu, fri]\n"
        "  - {name: day8, start_window: [\"22:00\", \"02:00\"], length: 8h}\n"
        "tours:\n"
        "  - {name: week5x2, template: day8, days_on: 5, days_off: 2, consecutive_off: true, "
        "same_start: true}\n";
    assert_oq_ok_err(&e, oq_schedule_load_shifts_buffer(s, good, strlen(good), "good.yaml", &e));
    assert_int_equal(oq_schedule_template_count(s), 2);
    assert_int_equal(oq_schedule_tour_count(s), 1);
    oq_schedule_destroy(s);
    /* a break window outside its shift: the window's latest start */
    s = hour_grid();
    const char *out =
        "templates:\n"
        "  - name: duty9\n"
        "    start_window: [\"06:00\", \"15:00\"]\n"
        "    length: 9h\n"
        "    breaks:\n"
        "      - {length: 1h, window: [3h, 8h30m]}\n";
    assert_int_equal(oq_schedule_load_shifts_buffer(s, out, strlen(out), "out.yaml", &e),
                     OQ_ECONFIG);
    assert_int_equal(e.line, 6);
    assert_int_equal(e.column, 35); /* the 8h30m */
    assert_non_null(strstr(e.message, "out.yaml:6:35: templates[0]: breaks[0].window"));
    assert_int_equal(oq_schedule_template_count(s), 0);
    /* another grid than the requirements' */
    const char *grid = "interval: 30m\ntemplates:\n  - {name: a, start_window: [0, 0], length: 1h}\n";
    assert_int_equal(oq_schedule_load_shifts_buffer(s, grid, strlen(grid), "g.yaml", &e),
                     OQ_ECONFIG);
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.message, "differs"));
    /* a time off the grid */
    const char *off = "templates:\n  - {name: a, start_window: [\"06:10\", \"07:00\"], length: 1h}\n";
    assert_int_equal(oq_schedule_load_shifts_buffer(s, off, strlen(off), "o.yaml", &e),
                     OQ_ECONFIG);
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.message, "earliest start"));
    /* a week of 5 + 3 days; an unknown key; nothing added after an error */
    const char *week = "templates:\n  - {name: a, start_window: [0, 0], length: 1h}\ntours:\n"
                       "  - {name: t, template: a, days_on: 5, days_off: 3}\n";
    assert_int_equal(oq_schedule_load_shifts_buffer(s, week, strlen(week), "w.yaml", &e),
                     OQ_ECONFIG);
    assert_int_equal(e.line, 4);
    assert_non_null(strstr(e.message, "7 days"));
    assert_int_equal(oq_schedule_template_count(s), 0);
    const char *key = "templates:\n  - {name: a, start_window: [0, 0], length: 1h, colour: red}\n";
    assert_int_equal(oq_schedule_load_shifts_buffer(s, key, strlen(key), "k.yaml", &e),
                     OQ_ECONFIG);
    assert_non_null(strstr(e.message, "colour"));
    oq_schedule_destroy(s);
}

/* ---- rostering: every hard rule checked here, independently --------------------- */

static void test_roster(void **state)
{
    (void)state;
    /* a week of day shifts at 07:00 and late shifts at 14:00, two skills */
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.interval_s = 3600;
    oq_schedule *s = NULL;
    oq_error e = OQ_ERROR_INIT;
    assert_oq_ok_err(&e, oq_schedule_create(&h, &s, &e));
    int32_t req[168] = {0};
    for (int d = 0; d < 7; d++)
        for (int t = 7; t < 22; t++)
            req[d * 24 + t] = t < 14 ? 3 : 2;
    assert_oq_ok_err(&e, oq_schedule_set_required(s, 0, 168, req, &e));
    const char *chat[] = {"chat"};
    oq_shift_break lunch = {3600, 3 * 3600, 4 * 3600, 0, 0, 0};
    oq_shift_template t;
    oq_shift_template_init(&t);
    t.name = "early";
    t.earliest_start_s = t.latest_start_s = 7 * 3600;
    t.length_s = 8 * 3600;
    t.n_breaks = 1;
    t.breaks = &lunch;
    assert_oq_ok_err(&e, oq_schedule_add_template(s, &t, NULL, &e));
    oq_shift_template_init(&t);
    t.name = "late";
    t.earliest_start_s = t.latest_start_s = 14 * 3600;
    t.length_s = 8 * 3600;
    t.n_skills = 1;
    t.skills = chat;
    assert_oq_ok_err(&e, oq_schedule_add_template(s, &t, NULL, &e));
    oq_schedule_options o;
    oq_schedule_options_init(&o);
    o.time_limit_s = 2;
    oq_schedule_result *r = NULL;
    assert_oq_ok_err(&e, oq_schedule_solve(s, &o, &r, &e));
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    assert_int_equal(sm.under, 0);
    /* 8 agents: 3 with chat; one off on weekends; one available mornings only;
     * one must work Monday; one contracted 40 h minimum */
    enum { NA = 8 };
    oq_roster_agent ag[NA];
    char ids[NA][8];
    const char *sk[] = {"voice", "chat"};
    oq_sim_window mornings[7];
    for (int d = 0; d < 7; d++) {
        mornings[d].start_s = d * 86400.0 + 6 * 3600;
        mornings[d].end_s = d * 86400.0 + 16 * 3600;
        mornings[d].reason = NULL;
    }
    for (int a = 0; a < NA; a++) {
        oq_roster_agent_init(&ag[a]);
        snprintf(ids[a], sizeof ids[a], "a%d", a);
        ag[a].id = ids[a];
        ag[a].skills = sk;
        ag[a].n_skills = a < 3 ? 2 : 1;
        ag[a].max_hours = 40;
    }
    ag[3].off_days = OQ_DAYS_WEEKEND;
    ag[4].available = mornings;
    ag[4].n_available = 7;
    ag[5].work_days = 1; /* Monday */
    ag[6].min_hours = 40;
    oq_roster_options ro_opts;
    oq_roster_options_init(&ro_opts);
    ro_opts.max_consecutive_days = 5;
    oq_roster *ro = NULL;
    assert_oq_ok_err(&e, oq_roster_build(r, ag, NA, &ro_opts, &ro, &e));
    oq_roster_summary rs = OQ_OUTPUT_INIT(oq_roster_summary);
    assert_oq_ok(NULL, oq_roster_summary_get(ro, &rs, NULL));
    assert_true(rs.seconds < 5);
    int given = 0;
    for (int a = 0; a < NA; a++) {
        int32_t n;
        assert_oq_ok(NULL, oq_roster_agent_shift_count(ro, a, &n));
        double hours = 0;
        int worked[7] = {0};
        oq_roster_shift prev = OQ_OUTPUT_INIT(oq_roster_shift);
        for (int32_t k = 0; k < n; k++) {
            oq_roster_shift x = OQ_OUTPUT_INIT(oq_roster_shift);
            assert_oq_ok(NULL, oq_roster_agent_shift(ro, a, k, &x, NULL));
            oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
            assert_oq_ok(NULL, oq_schedule_result_shift(r, x.shift_row, &sh, NULL));
            const char *tn = oq_schedule_result_template_name(r, sh.template_index);
            if (strcmp(tn, "late") == 0)
                assert_true(a < 3); /* skill */
            int wd = (int)(((int64_t)h.first_date + x.day + 3) % 7);
            assert_false((ag[a].off_days >> wd) & 1);
            if (a == 4)
                assert_true(x.start_s >= mornings[x.day].start_s && x.end_s <= mornings[x.day].end_s);
            assert_false(worked[x.day]);
            worked[x.day] = 1;
            hours += x.paid_hours;
            if (k > 0)
                assert_true(x.start_s - prev.end_s >= ro_opts.min_rest_s);
            prev = x;
        }
        /* rest across the week's end (it wraps) */
        if (n > 1) {
            oq_roster_shift first = OQ_OUTPUT_INIT(oq_roster_shift), last = OQ_OUTPUT_INIT(oq_roster_shift);
            oq_roster_agent_shift(ro, a, 0, &first, NULL);
            oq_roster_agent_shift(ro, a, n - 1, &last, NULL);
            assert_true(first.start_s + 7 * 86400.0 - last.end_s >= ro_opts.min_rest_s);
        }
        for (int d = 0; d < 7; d++) { /* at most 5 days in a row, circularly */
            int run = 0;
            while (run < 7 && worked[(d + run) % 7])
                run++;
            assert_true(run <= 5);
        }
        assert_true(hours <= ag[a].max_hours + 1e-9);
        double h2;
        oq_roster_agent_totals(ro, a, &h2, NULL, NULL);
        assert_true(fabs(h2 - hours) < 1e-9);
        given += n;
        /* the simulator's windows: one per shift, breaks inside them */
        int32_t nw, nb;
        oq_sim_window w[8], b[8];
        assert_oq_ok(NULL, oq_roster_agent_windows(ro, a, w, 8, b, 8, &nw, &nb));
        assert_int_equal(nw, n);
        for (int32_t k = 0; k < nb; k++) {
            int inside = 0;
            for (int32_t j = 0; j < nw; j++)
                inside |= b[k].start_s >= w[j].start_s && b[k].end_s <= w[j].end_s;
            assert_true(inside);
            assert_string_equal(b[k].reason, "break");
        }
    }
    assert_int_equal(given, rs.assigned);
    /* 8 agents cannot take 7 x 5 daily agent-shifts with 5 days each at most:
     * what is left is reported, rule by rule */
    int total = 0;
    for (int32_t i = 0; i < sm.n_shifts; i++) {
        oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
        oq_schedule_result_shift(r, i, &sh, NULL);
        total += sh.count;
    }
    assert_int_equal(rs.assigned + rs.unassigned, total);
    int unassigned_rows = 0, min_hours = 0;
    for (int32_t i = 0; i < rs.violations; i++) {
        oq_roster_violation v = OQ_OUTPUT_INIT(oq_roster_violation);
        assert_oq_ok(NULL, oq_roster_violation_get(ro, i, &v, NULL));
        if (v.rule == OQ_ROSTER_UNASSIGNED) {
            unassigned_rows++;
            assert_non_null(strstr(v.message, "could not be given"));
        }
        if (v.rule == OQ_ROSTER_MIN_HOURS) {
            min_hours++;
            assert_int_equal(v.agent, 6);
        }
        assert_string_not_equal(oq_roster_rule_name(v.rule), "unknown");
    }
    assert_true(rs.unassigned == 0 || unassigned_rows > 0);
    oq_roster_destroy(ro);
    /* bad agents */
    ag[1].id = "a0";
    assert_int_equal(oq_roster_build(r, ag, NA, &ro_opts, &ro, &e), OQ_EINVAL);
    assert_non_null(strstr(e.message, "'a0' is taken"));
    ag[1].id = ids[1];
    ag[2].work_days = ag[2].off_days = 1;
    assert_int_equal(oq_roster_build(r, ag, NA, &ro_opts, &ro, &e), OQ_EINVAL);
    oq_schedule_result_destroy(r);
    oq_schedule_destroy(s);
}

static void test_agents_file(void **state)
{
    (void)state;
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    oq_error e = OQ_ERROR_INIT;
    const char *yaml = "rules: {min_rest: 12h, max_consecutive_days: 5, night: [\"21:00\", \"07:00\"]}\n"
                       "agents:\n"
                       "  - {id: team, count: 3, skills: [voice], hours: [20, 30]}\n"
                       "  - id: pat\n"
                       "    available: {mon: [\"08:00\", \"12:00\"], tue: [[\"08:00\", \"10:00\"], [\"20:00\", \"02:00\"]]}\n"
                       "    off_days: weekend\n";
    oq_roster_agents *ag = NULL;
    assert_oq_ok_err(&e, oq_roster_agents_load_buffer(yaml, strlen(yaml), "a.yaml", &h, &ag, &e));
    int32_t n;
    const oq_roster_agent *a = oq_roster_agents_list(ag, &n);
    assert_int_equal(n, 4);
    assert_string_equal(a[0].id, "team001");
    assert_string_equal(a[2].id, "team003");
    assert_true(a[1].min_hours == 20 && a[1].max_hours == 30);
    assert_int_equal(a[3].n_available, 3);
    assert_true(a[3].available[2].start_s == 86400 + 20 * 3600.0);
    assert_true(a[3].available[2].end_s == 86400 + 26 * 3600.0);
    assert_int_equal(a[3].off_days, OQ_DAYS_WEEKEND);
    oq_roster_options o = OQ_OUTPUT_INIT(oq_roster_options);
    oq_roster_agents_options(ag, &o, NULL);
    assert_true(o.min_rest_s == 12 * 3600 && o.max_consecutive_days == 5);
    assert_true(o.night_start_s == 21 * 3600 && o.night_end_s == 7 * 3600);
    oq_roster_agents_destroy(ag);
    const char *dup = "agents:\n  - {id: x}\n  - {id: x}\n";
    assert_int_equal(oq_roster_agents_load_buffer(dup, strlen(dup), "d.yaml", &h, &ag, &e),
                     OQ_ECONFIG);
    assert_int_equal(e.line, 3);
    assert_non_null(strstr(e.message, "twice"));
    const char *bad = "agents:\n  - {id: x, off_days: [mon, moon]}\n";
    assert_int_equal(oq_roster_agents_load_buffer(bad, strlen(bad), "b.yaml", &h, &ag, &e),
                     OQ_ECONFIG);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 29); /* moon */
}

/* ---- out of memory at every allocation: an error, nothing leaked ---------------- */

static void test_alloc_failure(void **state)
{
    (void)state;
    /* both objectives: the soft model has shortage columns of its own (their
     * index once leaked on every heuristic solve; found by fuzz_schedule) */
    for (int objective = OQ_SCHED_HARD; objective <= OQ_SCHED_SOFT; objective++) {
        int64_t ok_runs = 0;
        for (int64_t k = 1; k < 100000; k++) {
            test_alloc ta;
            memset(&ta, 0, sizeof ta);
            ta.fail_at = k;
            oq_schedule_horizon h;
            oq_schedule_horizon_init(&h);
            h.days = 1;
            h.interval_s = 3600;
            h.alloc = test_alloc_fn;
            h.alloc_user = &ta;
            oq_schedule *s = NULL;
            oq_error e = OQ_ERROR_INIT;
            oq_status st = oq_schedule_create(&h, &s, &e);
            if (st == OQ_OK) {
                int32_t req[24] = {0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 3, 2, 2, 3, 3, 2, 1, 1};
                oq_shift_break b = {3600, 2 * 3600, 3 * 3600, 0, 0, 0};
                oq_shift_template t;
                oq_shift_template_init(&t);
                t.name = "d6";
                t.earliest_start_s = 7 * 3600;
                t.latest_start_s = 12 * 3600;
                t.length_s = 6 * 3600;
                t.n_breaks = k % 2;
                t.breaks = &b;
                st = oq_schedule_set_required(s, 0, 24, req, &e);
                if (st == OQ_OK)
                    st = oq_schedule_add_template(s, &t, NULL, &e);
                oq_schedule_result *r = NULL;
                oq_schedule_options o;
                oq_schedule_options_init(&o);
                o.time_limit_s = 1;
                o.objective = objective;
                if (st == OQ_OK)
                    st = oq_schedule_solve(s, &o, &r, &e);
                oq_roster *ro = NULL;
                oq_roster_agent ag[2];
                oq_roster_agent_init(&ag[0]);
                oq_roster_agent_init(&ag[1]);
                ag[0].id = "x";
                ag[1].id = "y";
                if (st == OQ_OK)
                    st = oq_roster_build(r, ag, 2, NULL, &ro, &e);
                if (st != OQ_OK)
                    assert_int_equal(st, OQ_ENOMEM);
                else
                    ok_runs++;
                oq_roster_destroy(ro);
                oq_schedule_result_destroy(r);
                oq_schedule_destroy(s);
            } else {
                assert_int_equal(st, OQ_ENOMEM);
            }
            if (ta.live_bytes != 0)
                print_message("allocation %lld failed: %lld bytes left\n", (long long)k,
                              (long long)ta.live_bytes);
            assert_int_equal(ta.live_bytes, 0);
            assert_int_equal(ta.live_blocks, 0);
            if (ta.n_failed == 0)
                break; /* no allocation failed: every one was tried */
        }
        assert_true(ok_runs >= 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_exhaustive),   cmocka_unit_test(test_breaks_exhaustive),
        cmocka_unit_test(test_tours_exhaustive),  cmocka_unit_test(test_infeasible_why),
        cmocka_unit_test(test_bad_input),         cmocka_unit_test(test_sl_penalty),
        cmocka_unit_test(test_csv),               cmocka_unit_test(test_shift_file),
        cmocka_unit_test(test_roster),            cmocka_unit_test(test_agents_file),
        cmocka_unit_test(test_alloc_failure),     cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_heuristic_days_off), cmocka_unit_test(test_outputs_write_only_their_prefix),
#ifdef OMNIQ_HAVE_CBC
        cmocka_unit_test(test_mip_levels),        cmocka_unit_test(test_cbc_stopped_anywhere),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
