/* SPDX-License-Identifier: MIT */
/* Cohort statistics (lib/stats/cohort.c), the counting the simulator reads
 * its figures from: contacts counted under their arrival interval and their
 * entry queue and channel, on a grid that starts anywhere (here 1,000,003 ms,
 * 1.5 s intervals, 20,000 of them: beyond the engine statistics' ring), a
 * warm-up outside the whole-run figures, the counters the engine's
 * statistics do not keep (waited, handle time known at the answer, pooled
 * agent time, still open at the end) and several runs pooled per interval.
 * Every expected figure is worked out by hand from the story below. */
#include <string.h>

#include "test_support.h"
#include "stats/cohort.h"

#define ORIGIN 1000003LL
#define LEN 1500LL
#define N_INT 20000
#define AT(i, off) (ORIGIN + (i) * LEN + (off)) /* `off` ms into interval i */

/* Scopes: 0 total, 1 q0, 2 q1, 3 voice, 4 chat. */
enum { TOTAL, Q0, Q1, VOICE, CHAT };

/* Entry points: e0 = (q0, voice), e1 = (q1, voice), e2 = (q0, chat). */
static const int32_t ENTRY_Q[] = {0, 1, 0}, ENTRY_C[] = {0, 0, 1};

static oq__cohort make(int32_t runs, int32_t n_int)
{
    oq__cohort_layout l = {2, 2, 3, ENTRY_Q, ENTRY_C, runs, n_int, 5.0};
    oq__cohort C;
    assert_oq_ok(NULL, oq__cohort_create(&C, &l, NULL, NULL));
    /* warm-up: the first two intervals */
    oq__cohort_set_grid(&C, ORIGIN, LEN, AT(2, 0), AT(N_INT, 0));
    oq__cohort_set_threshold(&C, 0, 20000);
    oq__cohort_set_threshold(&C, 1, 1000);
    return C;
}

typedef struct want {
    int64_t offered, answered, in_t, abandoned, ab_short, waited, rejected, unfinished, in_service;
    double wait_ans, wait_ab, max_wait, handle;
} want;

static void check(const oq__cohort_cell *c, want w, const char *what)
{
    const int64_t got[] = {c->offered, c->answered, c->answered_in_t, c->abandoned, c->abandoned_short,
                           c->waited, c->rejected, c->unfinished, c->in_service};
    const int64_t exp[] = {w.offered, w.answered, w.in_t, w.abandoned, w.ab_short,
                           w.waited, w.rejected, w.unfinished, w.in_service};
    static const char *const names[] = {"offered", "answered", "answered_in_t", "abandoned",
                                        "abandoned_short", "waited", "rejected", "unfinished",
                                        "in_service"};
    for (int i = 0; i < 9; i++)
        if (got[i] != exp[i])
            fail_msg("%s: %s %lld, want %lld", what, names[i], (long long)got[i], (long long)exp[i]);
    const double gd[] = {c->wait_answered_s, c->wait_abandoned_s, c->max_wait_s, c->handle_s};
    const double ed[] = {w.wait_ans, w.wait_ab, w.max_wait, w.handle};
    static const char *const dn[] = {"wait_answered_s", "wait_abandoned_s", "max_wait_s", "handle_s"};
    for (int i = 0; i < 4; i++)
        if (gd[i] != ed[i]) /* sums of a few exact binary fractions: exact */
            fail_msg("%s: %s %.17g, want %.17g", what, dn[i], gd[i], ed[i]);
}

/* Run 0 of the story (the comments say where each contact counts). */
static void story_run0(oq__cohort *C)
{
    oq__cohort_begin_run(C, 0);
    /* c1: e0, interval 0 (warm-up: no whole-run figure), answered after 4 s <= q0's 20 s */
    oq__cohort_key c1 = oq__cohort_arrive(C, 0, AT(0, 100));
    oq__cohort_answered(C, &c1, 4000, 60000);
    /* c2: e1, interval 2, the first instant measured; abandons after 7 s (not short). Had
     * it overflowed to q0 on chat meanwhile, it still counts under q1 / voice. */
    oq__cohort_key c2 = oq__cohort_arrive(C, 1, AT(2, 0));
    oq__cohort_abandoned(C, &c2, 7000);
    /* c3: e2, the last instant of the last interval; answered at once */
    oq__cohort_key c3 = oq__cohort_arrive(C, 2, AT(N_INT - 1, LEN - 1));
    oq__cohort_answered(C, &c3, 0, 1000);
    /* c4: e0 at the end of the grid and the window: counted nowhere */
    oq__cohort_key c4 = oq__cohort_arrive(C, 0, AT(N_INT, 0));
    assert_int_equal(c4.interval, -1);
    assert_int_equal(c4.counted, 0);
    oq__cohort_answered(C, &c4, 500, 500);
    /* c5: e0, interval 2, abandons after exactly 5 s: short (<= short_abandon_s) */
    oq__cohort_key c5 = oq__cohort_arrive(C, 0, AT(2, 1));
    oq__cohort_abandoned(C, &c5, 5000);
    /* c6: e0, interval 3, refused by a queue limit */
    oq__cohort_key c6 = oq__cohort_arrive(C, 0, AT(3, 100));
    oq__cohort_rejected(C, &c6);
    /* c7: e1, interval 3, answered after 2 s (> q1's 1 s), in service at the end;
     * c8: e1, interval 3, still waiting at the end */
    oq__cohort_key c7 = oq__cohort_arrive(C, 1, AT(3, 100));
    oq__cohort_answered(C, &c7, 2000, 5000);
    oq__cohort_key c8 = oq__cohort_arrive(C, 1, AT(3, 200));
    oq__cohort_open_at_end(C, &c7, 1);
    oq__cohort_open_at_end(C, &c8, 0);
}

static void entry_scope_grid_and_warmup(void **state)
{
    (void)state;
    oq__cohort C = make(2, N_INT);
    story_run0(&C);
    /* Run 0, whole window (arrivals in intervals 2 .. N_INT-1): c2, c3, c5, c6, c7, c8. */
    check(oq__cohort_run_cell(&C, 0, TOTAL),
          (want){6, 2, 1, 2, 1, 3, 1, 1, 1, 2.0, 12.0, 7.0, 6.0}, "run 0 total");
    check(oq__cohort_run_cell(&C, 0, Q0), (want){3, 1, 1, 1, 1, 1, 1, 0, 0, 0.0, 5.0, 5.0, 1.0},
          "run 0 q0 (c3 c5 c6)");
    check(oq__cohort_run_cell(&C, 0, Q1), (want){3, 1, 0, 1, 0, 2, 0, 1, 1, 2.0, 7.0, 7.0, 5.0},
          "run 0 q1 (c2 c7 c8)");
    check(oq__cohort_run_cell(&C, 0, VOICE), (want){5, 1, 0, 2, 1, 3, 1, 1, 1, 2.0, 12.0, 7.0, 5.0},
          "run 0 voice (c2 c5 c6 c7 c8)");
    check(oq__cohort_run_cell(&C, 0, CHAT), (want){1, 1, 1, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 1.0},
          "run 0 chat (c3)");
    /* Per interval: the warm-up interval 0 holds c1; interval 2 c2 and c5; 3 c6-c8;
     * the last c3; interval 1 nothing. */
    check(oq__cohort_interval_cell(&C, 0, TOTAL), (want){1, 1, 1, 0, 0, 1, 0, 0, 0, 4.0, 0, 4.0, 60.0},
          "interval 0 total");
    check(oq__cohort_interval_cell(&C, 0, CHAT), (want){0}, "interval 0 chat");
    check(oq__cohort_interval_cell(&C, 1, TOTAL), (want){0}, "interval 1 total");
    check(oq__cohort_interval_cell(&C, 2, TOTAL), (want){2, 0, 0, 2, 1, 2, 0, 0, 0, 0, 12.0, 7.0, 0},
          "interval 2 total");
    check(oq__cohort_interval_cell(&C, 3, Q1), (want){2, 1, 0, 0, 0, 1, 0, 1, 1, 2.0, 0, 2.0, 5.0},
          "interval 3 q1");
    check(oq__cohort_interval_cell(&C, N_INT - 1, CHAT),
          (want){1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.0}, "last interval chat");

    /* Run 1 adds to the intervals, not to run 0. */
    oq__cohort_begin_run(&C, 1);
    oq__cohort_key c9 = oq__cohort_arrive(&C, 0, AT(2, 700));
    oq__cohort_answered(&C, &c9, 30000, 2000); /* 30 s > q0's 20 s */
    check(oq__cohort_run_cell(&C, 1, TOTAL), (want){1, 1, 0, 0, 0, 1, 0, 0, 0, 30.0, 0, 30.0, 2.0},
          "run 1 total");
    check(oq__cohort_run_cell(&C, 0, TOTAL),
          (want){6, 2, 1, 2, 1, 3, 1, 1, 1, 2.0, 12.0, 7.0, 6.0}, "run 0 total after run 1");
    check(oq__cohort_interval_cell(&C, 2, TOTAL), (want){3, 1, 0, 2, 1, 3, 0, 0, 0, 30.0, 12.0, 30.0, 2.0},
          "interval 2 total over both runs");
    /* Each run's own service-level counts per interval (total scope). */
    int64_t in_t = -1, done = -1;
    assert_true(oq__cohort_run_interval(&C, 0, 2, &in_t, &done));
    assert_int_equal(in_t, 0);
    assert_int_equal(done, 2);
    assert_true(oq__cohort_run_interval(&C, 1, 2, &in_t, &done));
    assert_int_equal(in_t, 0);
    assert_int_equal(done, 1);
    assert_true(oq__cohort_run_interval(&C, 0, 0, &in_t, &done));
    assert_int_equal(in_t, 1);
    assert_int_equal(done, 1);
    assert_true(oq__cohort_run_interval(&C, 1, 0, &in_t, &done));
    assert_int_equal(done, 0);

    /* A new set of runs starts from nothing. */
    oq__cohort_clear(&C);
    check(oq__cohort_run_cell(&C, 0, TOTAL), (want){0}, "run 0 after clear");
    check(oq__cohort_interval_cell(&C, 2, TOTAL), (want){0}, "interval 2 after clear");
    assert_true(oq__cohort_run_interval(&C, 0, 2, &in_t, &done));
    assert_int_equal(done, 0);
    oq__cohort_destroy(&C);
}

static void agent_time_window_and_intervals(void **state)
{
    (void)state;
    oq__cohort C = make(1, N_INT);
    oq__cohort_begin_run(&C, 0);
    /* Busy from the grid's start to 1 s into interval 2: the window (from interval 2)
     * takes 1 s; the intervals 1.5 s, 1.5 s and 1 s. */
    oq__cohort_agent_time(&C, ORIGIN - 5000, AT(2, 1000), 1, 1);
    /* On a break (staffed, not ready, not busy) half of interval 1: intervals only. */
    oq__cohort_agent_time(&C, AT(1, 500), AT(1, 1000), 0, 0);
    /* Ready and idle across the end: clipped at the window's (and grid's) end. */
    oq__cohort_agent_time(&C, AT(N_INT, -500), AT(N_INT, 10000), 0, 1);
    /* Nothing for an empty or backward span. */
    oq__cohort_agent_time(&C, AT(5, 0), AT(5, 0), 1, 1);
    oq__cohort_agent_time(&C, AT(6, 0), AT(5, 0), 1, 1);
    const oq__cohort_cell *run = oq__cohort_run_cell(&C, 0, TOTAL);
    assert_true(run->staffed_s == 1.5 && run->busy_s == 1.0 && run->ready_s == 1.5);
    const double staffed[] = {1.5, 2.0, 1.0}, busy[] = {1.5, 1.5, 1.0}, ready[] = {1.5, 1.5, 1.0};
    for (int32_t i = 0; i < 3; i++) {
        const oq__cohort_cell *x = oq__cohort_interval_cell(&C, i, TOTAL);
        if (x->staffed_s != staffed[i] || x->busy_s != busy[i] || x->ready_s != ready[i])
            fail_msg("interval %d: staffed %g busy %g ready %g, want %g %g %g", (int)i, x->staffed_s,
                     x->busy_s, x->ready_s, staffed[i], busy[i], ready[i]);
    }
    const oq__cohort_cell *last = oq__cohort_interval_cell(&C, N_INT - 1, TOTAL);
    assert_true(last->staffed_s == 0.5 && last->ready_s == 0.5 && last->busy_s == 0.0);
    assert_true(oq__cohort_interval_cell(&C, 5, TOTAL)->staffed_s == 0.0);
    /* Agent time is the total's only. */
    assert_true(oq__cohort_run_cell(&C, 0, Q0)->staffed_s == 0.0);
    oq__cohort_destroy(&C);
}

/* More runs x intervals than the table keeps per run: the pooled figures
 * are kept, the per-run interval counts are not (and say so). */
static void too_many_run_cells(void **state)
{
    (void)state;
    int32_t runs = OQ__COHORT_RUN_CELLS_MAX / 1000 + 1;
    oq__cohort C = make(runs, 1000);
    oq__cohort_begin_run(&C, runs - 1);
    oq__cohort_key k = oq__cohort_arrive(&C, 2, AT(4, 0));
    oq__cohort_answered(&C, &k, 10, 10);
    int64_t in_t, done;
    assert_false(oq__cohort_run_interval(&C, runs - 1, 4, &in_t, &done));
    assert_int_equal(oq__cohort_interval_cell(&C, 4, CHAT)->answered, 1);
    assert_int_equal(oq__cohort_run_cell(&C, runs - 1, Q0)->answered_in_t, 1);
    oq__cohort_destroy(&C);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entry_scope_grid_and_warmup),
        cmocka_unit_test(agent_time_window_and_intervals),
        cmocka_unit_test(too_many_run_cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
