/* SPDX-License-Identifier: MIT */
/* Statistics (issue 5): a hand-computed day under every service-level
 * definition, interval boundaries, transfers and overflows, multi-chat
 * occupancy, interval close events and the ring, windows, bad input and
 * allocation failures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "stats/hook.h"

#define S(x) ((int64_t)(x) * 1000)
#define EPS 1e-9

static recorder rec;
static char buf[64];

static void close_to(double got, double want, const char *what)
{
    if (fabs(got - want) > EPS)
        fail_msg("%s: got %.12g, want %.12g", what, got, want);
}

static void set_queue(oq_engine *e, const char *id, double threshold_s, double wrapup_s)
{
    oq_queue_spec qi;
    oq_queue_spec_init(&qi);
    assert_oq_ok(e, oq_queue_get_spec(e, id, &qi));
    qi.sla_threshold_s = threshold_s;
    qi.wrapup_s = wrapup_s;
    qi.offer_timeout_s = 0; /* offers wait for the test to answer */
    int64_t now = 0;
    oq_engine_now(e, &now);
    assert_oq_ok(e, oq_queue_update(e, now, &qi));
}

static void configure_default(oq_engine *e)
{
    oq_stats_options o;
    oq_stats_options_init(&o);
    assert_oq_ok(e, oq_stats_configure(e, &o));
}

/* Check the five definitions, both in the struct and through the function. */
static void check_sl(const oq_queue_stats *s, double sl1, double sl2, double sl3, double sl4,
                     double sl5)
{
    const double want[5] = {sl1, sl2, sl3, sl4, sl5};
    const double have[5] = {s->sl_answered_abandoned, s->sl_offered, s->sl_offered_no_short,
                            s->sl_answered, s->sl_asterisk_sl2};
    for (int32_t d = 1; d <= 5; d++) {
        double v = -1;
        assert_oq_ok(NULL, oq_stats_service_level(s, d, &v));
        close_to(v, want[d - 1], oq_sl_definition_name(d));
        close_to(have[d - 1], want[d - 1], oq_sl_definition_name(d));
    }
}

/* ---- the hand-computed day ---------------------------------------------- */

typedef struct plan {
    const char *id, *queue, *channel;
    int arr;      /* seconds */
    char outcome; /* 'A' answered, 'B' abandoned */
    int wait;     /* until accept / abandon */
    int talk;     /* accept -> complete (before any wrap-up) */
    int deadline; /* seconds, 0 = none */
} plan;

enum { EV_CMP, EV_ABN, EV_ARR, EV_ACC };
typedef struct step {
    int64_t t;
    int kind;
    int idx;
} step;

static int step_cmp(const void *a, const void *b)
{
    const step *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    return x->idx - y->idx;
}

#define MAX_PLAN 64
static plan day[MAX_PLAN];
static int n_day;
static char ids[MAX_PLAN][16];

static void build_day(void)
{
    static const plan fixed[] = {
        /* sales: T = 20 s, wrap-up 10 s */
        {"s1", "sales", "voice", 10, 'A', 5, 100, 0},
        {"s2", "sales", "voice", 20, 'A', 15, 60, 0},
        {"s3", "sales", "voice", 30, 'A', 20, 30, 0}, /* exactly T: within */
        {"s4", "sales", "voice", 40, 'A', 25, 40, 0},
        {"s5", "sales", "voice", 50, 'B', 3, 0, 0},   /* short abandon */
        {"s6", "sales", "voice", 60, 'B', 30, 0, 0},
        {"s7", "sales", "voice", 890, 'A', 20, 30, 0}, /* offered in I0, answered in I1 */
        {"s8", "sales", "voice", 895, 'B', 10, 0, 0},  /* offered in I0, abandoned in I1 */
        {"s9", "sales", "voice", 1000, 'A', 40, 100, 0},
        {"s10", "sales", "voice", 1010, 'A', 4, 50, 0},
        {"s11", "sales", "voice", 2800, 'A', 1, 10, 0},
        {"s12", "sales", "voice", 2810, 'B', 2, 0, 0},
        /* support: T = 30 s, no wrap-up (u0..u19 are generated below) */
        {"u20", "support", "voice", 600, 'B', 40, 0, 0},
        {"u21", "support", "voice", 610, 'B', 1, 0, 0},
        /* mail (asynchronous e-mail), T = 3600 s */
        {"e1", "mail", "email", 100, 'A', 600, 200, 1000}, /* completes at 900: I1 */
        {"e2", "mail", "email", 200, 'A', 800, 100, 500},  /* replied after its deadline */
        {"e3", "mail", "email", 300, 'B', 50, 0, 2000},
        {"e4", "mail", "email", 400, 'A', 100, 50, 0},
    };
    n_day = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        day[n_day++] = fixed[i];
    for (int i = 0; i < 20; i++) {
        snprintf(ids[i], sizeof ids[i], "u%d", i);
        plan p = {ids[i], "support", "voice", 100 + 20 * i, 'A', 3 * i, 60, 0};
        day[n_day++] = p;
    }
}

static oq_engine *day_center(void)
{
    oq_engine *e = new_engine(&rec, NULL);
    oq_channel_spec cs;
    add_channel(e, "voice", 1, 100, 1);
    oq_channel_spec_init(&cs);
    cs.id = "email";
    cs.synchronous = 0;
    cs.capacity_cost = 10;
    cs.max_per_agent = 5;
    assert_oq_ok(e, oq_channel_add(e, &cs));
    add_channel(e, "chat", 0, 50, 2);
    assert_oq_ok(e, oq_skill_add(e, "phone", 10));
    assert_oq_ok(e, oq_skill_add(e, "write", 10));
    add_queue(e, "sales", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "support", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "mail", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "email");
    set_queue(e, "sales", 20, 10);
    set_queue(e, "support", 30, 0);
    set_queue(e, "mail", 3600, 0);
    assert_oq_ok(e, oq_queue_require_skill(e, 0, "sales", "phone", 1));
    assert_oq_ok(e, oq_queue_require_skill(e, 0, "support", "phone", 1));
    assert_oq_ok(e, oq_queue_require_skill(e, 0, "mail", "write", 1));
    for (int i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof id, "v%02d", i);
        add_agent(e, id, 100);
        assert_oq_ok(e, oq_agent_set_skill(e, 0, id, "phone", 5));
        assert_oq_ok(e, oq_agent_login(e, 0, id, 1));
    }
    for (int i = 0; i < 2; i++) {
        char id[16];
        snprintf(id, sizeof id, "m%d", i);
        add_agent(e, id, 100);
        assert_oq_ok(e, oq_agent_set_skill(e, 0, id, "write", 5));
        assert_oq_ok(e, oq_agent_login(e, 0, id, 1));
    }
    configure_default(e);
    return e;
}

static step steps[4 * MAX_PLAN];
static int n_steps, next_step;

static void plan_steps(void)
{
    n_steps = next_step = 0;
    for (int i = 0; i < n_day; i++) {
        const plan *p = &day[i];
        steps[n_steps++] = (step){S(p->arr), EV_ARR, i};
        if (p->outcome == 'A') {
            steps[n_steps++] = (step){S(p->arr + p->wait), EV_ACC, i};
            steps[n_steps++] = (step){S(p->arr + p->wait + p->talk), EV_CMP, i};
        } else {
            steps[n_steps++] = (step){S(p->arr + p->wait), EV_ABN, i};
        }
    }
    qsort(steps, (size_t)n_steps, sizeof steps[0], step_cmp);
}

/* Play the plan's steps due before t_ms, then move the clock to t_ms. */
static void run_until(oq_engine *e, int64_t t_ms)
{
    while (next_step < n_steps && steps[next_step].t < t_ms) {
        const step *s = &steps[next_step++];
        const plan *p = &day[s->idx];
        switch (s->kind) {
        case EV_ARR: {
            oq_contact_spec cs;
            oq_contact_spec_init(&cs);
            cs.id = p->id;
            cs.channel = p->channel;
            cs.queue = p->queue;
            cs.deadline_ms = p->deadline ? S(p->deadline) : 0;
            assert_oq_ok(e, oq_contact_arrive(e, s->t, &cs));
            assert_int_equal(contact_state(e, p->id), OQ_CONTACT_OFFERED);
            break;
        }
        case EV_ACC:
            contact_agent(e, p->id, buf, sizeof buf);
            if (oq_offer_accept(e, s->t, p->id, buf) != OQ_OK)
                fail_msg("accept %s by %s at %lld: %s", p->id, buf, (long long)s->t,
                         oq_engine_last_error(e));
            break;
        case EV_CMP:
            assert_oq_ok(e, oq_contact_complete(e, s->t, p->id));
            break;
        default:
            assert_oq_ok(e, oq_contact_abandon(e, s->t, p->id));
            break;
        }
    }
    assert_oq_ok(e, oq_engine_advance(e, t_ms));
}

static void hand_computed_day(void **state)
{
    (void)state;
    build_day();
    plan_steps();
    oq_engine *e = day_center();
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);

    /* Mid-interval, t = 450 s: the e-mail backlog and waits now. */
    run_until(e, S(450));
    assert_oq_ok(e, oq_stats_channel(e, "email", OQ_PERIOD_INTERVAL, &s));
    assert_int_equal(s.backlog, 3); /* e1, e2, e4; e3 abandoned at 350 */
    close_to(s.backlog_age_s, 350, "email backlog age");
    assert_int_equal(s.waiting_now, 3); /* offered, not yet answered */
    close_to(s.longest_wait_s, 350, "email longest wait");
    assert_oq_ok(e, oq_stats_queue(e, "support", OQ_PERIOD_INTERVAL, &s));
    /* u15 (arr 400, answer 445) answered; u16 (arr 420) and u17 (arr 440) wait. */
    assert_int_equal(s.waiting_now, 2);
    close_to(s.longest_wait_s, 30, "support longest wait");
    assert_int_equal(s.agents_busy + s.agents_ready, 40);

    run_until(e, S(3600)); /* the fourth interval closes at exactly 3600 s */
    int32_t n = 0;
    assert_oq_ok(e, oq_stats_interval_count(e, &n));
    assert_int_equal(n, 4);

    /* sales, interval 0 = [0, 900) s: k = 3 */
    assert_oq_ok(e, oq_stats_interval_queue(e, "sales", 3, &s));
    assert_int_equal(s.period, OQ_PERIOD_CLOSED);
    assert_int_equal(s.start_ms, 0);
    assert_int_equal(s.end_ms, S(900));
    close_to(s.threshold_s, 20, "threshold");
    assert_int_equal(s.offered, 8);
    assert_int_equal(s.answered, 4);
    assert_int_equal(s.answered_within, 3);
    assert_int_equal(s.abandoned, 2);
    assert_int_equal(s.abandoned_short, 1);
    assert_int_equal(s.abandoned_within, 1);
    check_sl(&s, 3.0 / 6, 3.0 / 8, 3.0 / 7, 3.0 / 4, 4.0 / 6);
    close_to(s.asa_s, 16.25, "asa");
    close_to(s.max_answered_wait_s, 25, "max answered wait");
    close_to(s.mean_abandoned_wait_s, 16.5, "mean abandoned wait");
    close_to(s.max_abandoned_wait_s, 30, "max abandoned wait");
    close_to(s.abandon_rate, 2.0 / 8, "abandon rate");
    assert_int_equal(s.handled, 4);
    close_to(s.mean_talk_s, 57.5, "talk");
    close_to(s.mean_wrapup_s, 10, "wrap");
    close_to(s.aht_s, 67.5, "aht");
    assert_int_equal(s.offers, 8);
    assert_int_equal(s.offers_accepted, 4);
    close_to(s.mean_accept_s, 16.25, "accept");
    assert_int_equal(s.n_wait_bounds, 6); /* 10 20 30 60 120 300 */
    const int64_t ha[7] = {1, 1, 2, 0, 0, 0, 0}, hb[7] = {1, 0, 0, 1, 0, 0, 0};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(s.wait_hist_answered[i], ha[i]);
        assert_int_equal(s.wait_hist_abandoned[i], hb[i]);
    }
    assert_int_equal(s.waiting_now, 2); /* s7 and s8 at 900 s */
    close_to(s.longest_wait_s, 10, "longest at close");

    /* sales, interval 1 = [900, 1800) s: s7 and s8 land here. */
    assert_oq_ok(e, oq_stats_interval_queue(e, "sales", 2, &s));
    assert_int_equal(s.start_ms, S(900));
    assert_int_equal(s.offered, 2);
    assert_int_equal(s.answered, 3);
    assert_int_equal(s.answered_within, 2);
    assert_int_equal(s.abandoned, 1);
    assert_int_equal(s.abandoned_short, 0);
    assert_int_equal(s.abandoned_within, 1);
    check_sl(&s, 2.0 / 4, 2.0 / 2, 2.0 / 2, 2.0 / 3, 3.0 / 4);
    assert_int_equal(s.handled, 3);
    close_to(s.aht_s, 70, "aht I1");

    /* interval 2: nothing; interval 3 = [2700, 3600) s */
    assert_oq_ok(e, oq_stats_interval_queue(e, "sales", 1, &s));
    assert_int_equal(s.offered + s.answered + s.abandoned + s.handled, 0);
    check_sl(&s, 0, 0, 0, 0, 0);
    assert_oq_ok(e, oq_stats_interval_queue(e, "sales", 0, &s));
    assert_int_equal(s.end_ms, S(3600));
    assert_int_equal(s.offered, 2);
    check_sl(&s, 1.0 / 2, 1.0 / 2, 1.0 / 1, 1.0 / 1, 2.0 / 2);

    /* sales, the day */
    assert_oq_ok(e, oq_stats_queue(e, "sales", OQ_PERIOD_DAY, &s));
    assert_int_equal(s.offered, 12);
    assert_int_equal(s.answered, 8);
    assert_int_equal(s.answered_within, 6);
    assert_int_equal(s.abandoned, 4);
    assert_int_equal(s.abandoned_short, 2);
    assert_int_equal(s.abandoned_within, 3);
    check_sl(&s, 6.0 / 12, 6.0 / 12, 6.0 / 10, 6.0 / 8, 9.0 / 12);

    /* support, interval 0 */
    assert_oq_ok(e, oq_stats_interval_queue(e, "support", 3, &s));
    assert_int_equal(s.offered, 22);
    assert_int_equal(s.answered, 20);
    assert_int_equal(s.answered_within, 11);
    assert_int_equal(s.abandoned, 2);
    check_sl(&s, 11.0 / 22, 11.0 / 22, 11.0 / 21, 11.0 / 20, 12.0 / 22);
    close_to(s.asa_s, 28.5, "support asa");
    close_to(s.max_answered_wait_s, 57, "support max");
    close_to(s.aht_s, 60, "support aht");

    /* voice channel, interval 0: both queues, each with its own T */
    assert_oq_ok(e, oq_stats_interval_channel(e, "voice", 3, &s));
    close_to(s.threshold_s, -1, "channel threshold");
    assert_int_equal(s.offered, 30);
    assert_int_equal(s.answered, 24);
    assert_int_equal(s.answered_within, 14);
    assert_int_equal(s.abandoned, 4);
    assert_int_equal(s.abandoned_short, 2);
    assert_int_equal(s.abandoned_within, 2);
    check_sl(&s, 14.0 / 28, 14.0 / 30, 14.0 / 28, 14.0 / 24, 16.0 / 28);

    /* e-mail channel, the day: first response, resolution, deadlines */
    assert_oq_ok(e, oq_stats_channel(e, "email", OQ_PERIOD_DAY, &s));
    assert_int_equal(s.offered, 4);
    assert_int_equal(s.first_responses, 3);
    close_to(s.mean_first_response_s, 500, "first response");
    assert_int_equal(s.resolved, 3);
    close_to(s.mean_resolution_s, 1850.0 / 3, "resolution");
    assert_int_equal(s.with_deadline, 3);
    assert_int_equal(s.replied_in_deadline, 1);
    close_to(s.deadline_share, 1.0 / 3, "deadline share");
    assert_int_equal(s.backlog, 0);
    /* e1 completed at exactly 900 s: interval 1 */
    assert_oq_ok(e, oq_stats_interval_channel(e, "email", 2, &s));
    assert_int_equal(s.resolved, 2); /* e1 at 900, e2 at 1100 */
    assert_oq_ok(e, oq_stats_interval_channel(e, "email", 3, &s));
    assert_int_equal(s.resolved, 1); /* e4 at 550 */

    /* the center, interval 0: every arrival once */
    assert_oq_ok(e, oq_stats_interval_center(e, 3, &s));
    assert_int_equal(s.offered, 34);
    assert_int_equal(s.arrivals, 34);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
    assert_int_equal(s.offered, 38);
    assert_int_equal(s.answered + s.abandoned, 38);
    assert_int_equal(s.agents_ready, 42);
    assert_int_equal(s.dropped, 0);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* ---- boundaries ----------------------------------------------------------- */

static void boundary_definitions(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    set_queue(e, "q", 20, 0);
    add_agent(e, "a", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a", 1));
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.interval_s = 60;
    assert_oq_ok(e, oq_stats_configure(e, &o));
    /* Offered at 50 s, answered at 70 s, completed at 130 s: three intervals. */
    assert_oq_ok(e, arrive(e, S(50), "c", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, S(70), "c", "a"));
    assert_oq_ok(e, oq_contact_complete(e, S(130), "c"));
    /* An arrival at exactly a boundary belongs to the interval it opens. */
    assert_oq_ok(e, arrive(e, S(180), "d", "voice", "q", 0));
    assert_oq_ok(e, oq_contact_abandon(e, S(185), "d"));
    assert_oq_ok(e, oq_engine_advance(e, S(240)));
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    int32_t n = 0;
    assert_oq_ok(e, oq_stats_interval_count(e, &n));
    assert_int_equal(n, 4);
    assert_oq_ok(e, oq_stats_interval_queue(e, "q", 3, &s)); /* [0, 60) */
    assert_int_equal(s.offered, 1);
    assert_int_equal(s.answered, 0);
    assert_int_equal(s.waiting_now, 1);
    close_to(s.longest_wait_s, 10, "waiting at the boundary");
    assert_oq_ok(e, oq_stats_interval_queue(e, "q", 2, &s)); /* [60, 120) */
    assert_int_equal(s.offered, 0);
    assert_int_equal(s.answered, 1);
    assert_int_equal(s.answered_within, 1); /* waited exactly 20 s */
    assert_int_equal(s.handled, 0);
    assert_oq_ok(e, oq_stats_interval_queue(e, "q", 1, &s)); /* [120, 180) */
    assert_int_equal(s.handled, 1);
    close_to(s.aht_s, 60, "aht");
    assert_oq_ok(e, oq_stats_interval_queue(e, "q", 0, &s)); /* [180, 240) */
    assert_int_equal(s.start_ms, S(180));
    assert_int_equal(s.offered, 1);
    assert_int_equal(s.abandoned, 1);
    oq_engine_destroy(e);
}

/* ---- transfers and overflows ----------------------------------------------- */

static void transfers_and_overflows_count_once_for_the_center(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "A", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "B", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    set_queue(e, "A", 20, 0);
    set_queue(e, "B", 20, 0);
    add_agent(e, "a", 100);
    configure_default(e);
    /* c1: waits 10 s in A, transferred, answered 15 s later in B. */
    assert_oq_ok(e, arrive(e, S(0), "c1", "voice", "A", 0));
    assert_oq_ok(e, oq_contact_transfer(e, S(10), "c1", "B"));
    assert_oq_ok(e, oq_agent_login(e, S(25), "a", 1));
    assert_oq_ok(e, oq_offer_accept(e, S(25), "c1", "a"));
    oq_queue_stats a = OQ_OUTPUT_INIT(oq_queue_stats), b = OQ_OUTPUT_INIT(oq_queue_stats), c = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_queue(e, "A", OQ_PERIOD_DAY, &a));
    assert_oq_ok(e, oq_stats_queue(e, "B", OQ_PERIOD_DAY, &b));
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(a.offered, 1);
    assert_int_equal(a.transferred_out, 1);
    assert_int_equal(a.answered, 0);
    assert_int_equal(b.offered, 1);
    assert_int_equal(b.arrivals, 0);
    assert_int_equal(b.transferred_in, 1);
    assert_int_equal(b.answered, 1);
    close_to(b.asa_s, 15, "queue wait: since it entered B");
    assert_int_equal(c.offered, 1);
    assert_int_equal(c.answered, 1);
    close_to(c.asa_s, 25, "center wait: since arrival");
    assert_int_equal(c.transferred_in + c.transferred_out, 0);

    /* Transferred back while active: waits again in A, answered again there;
     * the center still counts one answered contact. */
    assert_oq_ok(e, oq_contact_transfer(e, S(30), "c1", "A"));
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(c.waiting_now, 1);
    assert_oq_ok(e, oq_offer_accept(e, S(32), "c1", "a"));
    assert_oq_ok(e, oq_stats_queue(e, "A", OQ_PERIOD_DAY, &a));
    assert_int_equal(a.offered, 2);
    assert_int_equal(a.transferred_in, 1);
    assert_int_equal(a.answered, 1);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(c.offered, 1);
    assert_int_equal(c.answered, 1);
    assert_int_equal(c.waiting_now, 0);
    assert_oq_ok(e, oq_contact_complete(e, S(40), "c1"));

    /* c2: an overflow from A to B, fed straight into the hook as the
     * escalation code will emit it; its SLA wait then runs from arrival. */
    assert_oq_ok(e, oq_agent_not_ready(e, S(50), "a", "lunch"));
    assert_oq_ok(e, arrive(e, S(50), "c2", "voice", "A", 0));
    assert_oq_ok(e, oq_engine_advance(e, S(80)));
    oq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = OQ_EV_OVERFLOWED;
    ev.time_ms = S(80);
    ev.contact = "c2";
    ev.from_queue = "A";
    ev.queue = "B";
    ev.channel = "voice";
    ev.wait_ms = S(30);
    oq__stats_on_event(e, &ev, oq__idtable_get(&e->contact_ids, "c2"), NULL);
    assert_oq_ok(e, oq_stats_queue(e, "A", OQ_PERIOD_DAY, &a));
    assert_oq_ok(e, oq_stats_queue(e, "B", OQ_PERIOD_DAY, &b));
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(a.offered, 3);
    assert_int_equal(a.overflowed_out, 1);
    assert_int_equal(b.offered, 2);
    assert_int_equal(b.overflowed_in, 1);
    assert_int_equal(b.waiting_now, 1);
    assert_int_equal(a.waiting_now, 0);
    assert_int_equal(c.offered, 2);
    assert_int_equal(c.overflowed_in + c.overflowed_out, 0);
    assert_int_equal(c.waiting_now, 1);
    assert_oq_ok(e, oq_contact_abandon(e, S(90), "c2"));
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(c.abandoned, 1);
    close_to(c.max_abandoned_wait_s, 40, "overflowed: wait since arrival");
    assert_int_equal(c.waiting_now, 0);
    assert_int_equal(c.backlog, 0);
    assert_int_equal(c.dropped, 0);
    oq_engine_destroy(e);
}

/* ---- agents ------------------------------------------------------------------ */

static void agent_occupancy_with_two_chats(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 50, 2);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    set_queue(e, "q", 20, 0);
    add_agent(e, "a", 100);
    configure_default(e);
    assert_oq_ok(e, oq_agent_login(e, 0, "a", 1));
    assert_oq_ok(e, arrive(e, S(0), "k1", "chat", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, S(10), "k1", "a"));
    assert_oq_ok(e, arrive(e, S(20), "k2", "chat", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, S(30), "k2", "a"));
    assert_oq_ok(e, oq_contact_complete(e, S(60), "k1"));
    assert_oq_ok(e, oq_contact_complete(e, S(100), "k2"));
    assert_oq_ok(e, oq_engine_advance(e, S(200)));
    oq_agent_stats s = OQ_OUTPUT_INIT(oq_agent_stats);
    assert_oq_ok(e, oq_stats_agent(e, "a", OQ_PERIOD_DAY, &s));
    close_to(s.logged_in_s, 200, "logged in");
    close_to(s.busy_s, 100, "busy");
    close_to(s.ready_s, 100, "ready");
    close_to(s.occupancy, 0.5, "occupancy");
    /* used: 50 over [0,20), 100 over [20,60), 50 over [60,100), 0 after */
    close_to(s.utilisation, 7000.0 / 20000.0, "utilisation");
    assert_int_equal(s.handled, 2);
    close_to(s.aht_s, 60, "aht"); /* talks of 50 and 70 s */
    assert_int_equal(s.offers, 2);
    assert_int_equal(s.offers_accepted, 2);
    int64_t h = -1;
    assert_oq_ok(e, oq_stats_agent_channel(e, "a", "chat", OQ_PERIOD_DAY, &h));
    assert_int_equal(h, 2);
    assert_oq_ok(e, oq_stats_agent_channel(e, "a", "voice", OQ_PERIOD_DAY, &h));
    assert_int_equal(h, 0);

    /* Not-ready reasons, and the time in the current state counted to now. */
    assert_oq_ok(e, oq_agent_not_ready(e, S(200), "a", "lunch"));
    assert_oq_ok(e, oq_agent_ready(e, S(260), "a"));
    assert_oq_ok(e, oq_agent_not_ready(e, S(300), "a", "break"));
    assert_oq_ok(e, oq_engine_advance(e, S(330)));
    assert_oq_ok(e, oq_stats_agent(e, "a", OQ_PERIOD_DAY, &s));
    close_to(s.not_ready_s, 90, "not ready");
    close_to(s.logged_in_s, 330, "logged in");
    assert_int_equal(s.n_reasons, 2);
    oq_reason_stats r = OQ_OUTPUT_INIT(oq_reason_stats);
    assert_oq_ok(e, oq_stats_agent_reason(e, "a", OQ_PERIOD_DAY, 0, &r));
    assert_string_equal(r.reason, "lunch");
    close_to(r.seconds, 60, "lunch");
    assert_oq_ok(e, oq_stats_agent_reason(e, "a", OQ_PERIOD_DAY, 1, &r));
    assert_string_equal(r.reason, "break");
    close_to(r.seconds, 30, "break");
    assert_oq_ok(e, oq_stats_agent_reason(e, "a", OQ_PERIOD_DAY, 2, &r));
    assert_string_equal(r.reason, "(other)");
    close_to(r.seconds, 0, "other");
    assert_int_equal(oq_stats_agent_reason(e, "a", OQ_PERIOD_DAY, 3, &r), OQ_EINVAL);

    /* A new day starts the agent's figures afresh. */
    assert_oq_ok(e, oq_stats_reset_day(e, S(400)));
    assert_oq_ok(e, oq_engine_advance(e, S(410)));
    assert_oq_ok(e, oq_stats_agent(e, "a", OQ_PERIOD_DAY, &s));
    assert_int_equal(s.start_ms, S(400));
    close_to(s.not_ready_s, 10, "not ready after reset");
    assert_int_equal(s.handled, 0);
    oq_queue_stats q = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &q));
    assert_int_equal(q.offered, 0);
    assert_int_equal(q.agents_not_ready, 1);
    oq_engine_destroy(e);
}

/* ---- interval close events ---------------------------------------------- */

static void interval_close_event_at_the_exact_boundary(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    int64_t d = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &d));
    assert_int_equal(d, INT64_MAX); /* no timer until configured */
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.interval_s = 60;
    o.ring_size = 3;
    assert_oq_ok(e, oq_stats_configure(e, &o));
    assert_oq_ok(e, oq_engine_next_deadline(e, &d));
    assert_int_equal(d, S(60));
    assert_oq_ok(e, oq_engine_advance(e, S(60) - 1));
    assert_int_equal(recorder_count(&rec, OQ_EV_INTERVAL_CLOSED, NULL), 0);
    assert_oq_ok(e, oq_engine_advance(e, S(60)));
    int i = recorder_find(&rec, 0, OQ_EV_INTERVAL_CLOSED, NULL, NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, S(60));
    assert_string_equal(rec.ev[i].queue, "");
    assert_oq_ok(e, oq_engine_next_deadline(e, &d));
    assert_int_equal(d, S(120));
    /* One arrival per interval, then a jump: one event per boundary. */
    assert_oq_ok(e, arrive(e, S(61), "c1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(121), "c2", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(181), "c3", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(241), "c4", "voice", "q", 0));
    assert_oq_ok(e, oq_engine_advance(e, S(300)));
    assert_int_equal(recorder_count(&rec, OQ_EV_INTERVAL_CLOSED, NULL), 5);
    int64_t want = S(60);
    for (int k = 0; k < rec.n; k++)
        if (rec.ev[k].type == OQ_EV_INTERVAL_CLOSED) {
            assert_int_equal(rec.ev[k].time_ms, want);
            want += S(60);
        }
    int32_t n = 0;
    assert_oq_ok(e, oq_stats_interval_count(e, &n));
    assert_int_equal(n, 3); /* the ring keeps the last 3 */
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    for (int k = 0; k < 3; k++) {
        assert_oq_ok(e, oq_stats_interval_queue(e, "q", k, &s));
        assert_int_equal(s.end_ms, S(300) - S(60) * k);
        assert_int_equal(s.start_ms, S(240) - S(60) * k);
        assert_int_equal(s.offered, 1);
        assert_int_equal(s.waiting_now, 4 - k);
    }
    assert_int_equal(oq_stats_interval_queue(e, "q", 3, &s), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "k: 3"));
    /* The current interval is empty so far. */
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_INTERVAL, &s));
    assert_int_equal(s.start_ms, S(300));
    assert_int_equal(s.offered, 0);
    assert_int_equal(s.waiting_now, 4);
    close_to(s.longest_wait_s, 239, "longest wait");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Unconfigured engines close intervals lazily (no timer, no event). */
static void lazy_intervals_without_configure(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, arrive(e, S(10), "c1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(950), "c2", "voice", "q", 0));
    assert_oq_ok(e, oq_engine_advance(e, S(1000) * 100)); /* a long silence */
    int32_t n = 0;
    assert_oq_ok(e, oq_stats_interval_count(e, &n));
    assert_int_equal(n, 96);
    assert_int_equal(recorder_count(&rec, OQ_EV_INTERVAL_CLOSED, NULL), 0);
    int64_t d = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &d));
    assert_int_equal(d, INT64_MAX);
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_DAY, &s));
    assert_int_equal(s.offered, 2);
    assert_oq_ok(e, oq_stats_interval_queue(e, "q", 0, &s));
    assert_int_equal(s.end_ms, S(99900));
    assert_int_equal(s.offered, 0);
    oq_engine_destroy(e);
}

/* ---- the sliding window ---------------------------------------------------- */

static void sliding_window_has_bucket_granularity(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.window_s = 120;
    o.window_bucket_s = 60;
    assert_oq_ok(e, oq_stats_configure(e, &o));
    assert_oq_ok(e, arrive(e, S(10), "c1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(70), "c2", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(130), "c3", "voice", "q", 0));
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_WINDOW, &s));
    assert_int_equal(s.start_ms, S(60));
    assert_int_equal(s.offered, 2); /* buckets [60,120) and [120,180) */
    assert_oq_ok(e, oq_engine_advance(e, S(200)));
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_WINDOW, &s));
    assert_int_equal(s.offered, 1);
    assert_oq_ok(e, oq_engine_advance(e, S(400)));
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_WINDOW, &s));
    assert_int_equal(s.offered, 0);
    assert_int_equal(s.waiting_now, 3);
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_DAY, &s));
    assert_int_equal(s.offered, 3);
    oq_engine_destroy(e);
}

/* ---- bad input ------------------------------------------------------------------ */

static void bad_input(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e, "a", 100);
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    oq_agent_stats as = OQ_OUTPUT_INIT(oq_agent_stats);
    assert_int_equal(oq_stats_queue(e, "nope", OQ_PERIOD_DAY, &s), OQ_ENOTFOUND);
    assert_non_null(strstr(oq_engine_last_error(e), "'nope'"));
    assert_int_equal(oq_stats_channel(e, "fax", OQ_PERIOD_DAY, &s), OQ_ENOTFOUND);
    assert_non_null(strstr(oq_engine_last_error(e), "'fax'"));
    assert_int_equal(oq_stats_agent(e, "zed", OQ_PERIOD_DAY, &as), OQ_ENOTFOUND);
    assert_non_null(strstr(oq_engine_last_error(e), "'zed'"));
    assert_int_equal(oq_stats_interval_queue(e, "nope", 0, &s), OQ_ENOTFOUND);
    assert_int_equal(oq_stats_queue(e, "q", OQ_PERIOD_DAY, NULL), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "out"));
    assert_int_equal(oq_stats_center(e, OQ_PERIOD_DAY, NULL), OQ_EINVAL);
    assert_int_equal(oq_stats_center(NULL, OQ_PERIOD_DAY, &s), OQ_EINVAL);
    assert_int_equal(oq_stats_interval_count(e, NULL), OQ_EINVAL);
    assert_int_equal(oq_stats_agent(e, "a", OQ_PERIOD_DAY, NULL), OQ_EINVAL);
    assert_int_equal(oq_stats_agent_channel(e, "a", "voice", OQ_PERIOD_DAY, NULL), OQ_EINVAL);
    assert_int_equal(oq_stats_queue(e, "q", 7, &s), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "period"));
    assert_int_equal(oq_stats_agent(e, "a", OQ_PERIOD_WINDOW, &as), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "period"));
    assert_int_equal(oq_stats_interval_center(e, 0, &s), OQ_EINVAL); /* none closed yet */
    double v;
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
    assert_int_equal(oq_stats_service_level(&s, 0, &v), OQ_EINVAL);
    assert_int_equal(oq_stats_service_level(&s, 6, &v), OQ_EINVAL);
    assert_int_equal(oq_stats_service_level(NULL, 1, &v), OQ_EINVAL);
    assert_int_equal(oq_stats_service_level(&s, 1, NULL), OQ_EINVAL);
    assert_string_equal(oq_sl_definition_name(99), "unknown");
    assert_string_equal(oq_sl_definition_name(OQ_SL_ASTERISK_SL2),
                        "(answered_within_t+abandoned_within_t)/(answered+abandoned)");

    /* Options: each bad field is named; nothing changes. */
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.interval_s = 0;
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "interval_s"));
    oq_stats_options_init(&o);
    o.interval_s = 0.0005;
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    oq_stats_options_init(&o);
    o.ring_size = 0;
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "ring_size"));
    oq_stats_options_init(&o);
    o.window_s = 90; /* not a multiple of 60 */
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "window_s"));
    oq_stats_options_init(&o);
    o.window_bucket_s = 0;
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "window_bucket_s"));
    oq_stats_options_init(&o);
    o.short_abandon_s = -1;
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "short_abandon_s"));
    oq_stats_options_init(&o);
    o.n_wait_bounds = 17;
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "n_wait_bounds"));
    oq_stats_options_init(&o);
    o.wait_bounds_s[2] = o.wait_bounds_s[1];
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "wait_bounds_s[2]"));
    oq_stats_options_init(&o);
    o.struct_size = 3;
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "struct_size"));
    assert_int_equal(oq_stats_configure(e, NULL), OQ_EINVAL);
    assert_int_equal(oq_stats_configure(NULL, &o), OQ_EINVAL);
    oq_stats_options got;
    oq_stats_options_init(&got); /* sets the struct_size the reader writes */
    assert_oq_ok(e, oq_stats_get_options(e, &got));
    close_to(got.interval_s, 900, "unchanged");
    assert_int_equal(oq_stats_get_options(e, NULL), OQ_EINVAL);
    /* Not while contacts exist. */
    assert_oq_ok(e, arrive(e, 0, "c", "voice", "q", 0));
    oq_stats_options_init(&o);
    assert_int_equal(oq_stats_configure(e, &o), OQ_ESTATE);
    assert_non_null(strstr(oq_engine_last_error(e), "contacts"));
    assert_int_equal(oq_stats_reset_day(e, -5), OQ_EINVAL);
    oq_engine_destroy(e);
}

/* Reads from inside a callback work; the mutating calls are OQ_EBUSY. */
static oq_engine *cb_engine;
static int cb_reads, cb_busy;
static void reading_callback(const oq_event *ev, void *user)
{
    (void)user;
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    if (ev->type == OQ_EV_ABANDONED && oq_stats_queue(cb_engine, "q", OQ_PERIOD_DAY, &s) == OQ_OK &&
        s.abandoned == 1) /* the hook ran before the host sees the event */
        cb_reads++;
    oq_stats_options o;
    oq_stats_options_init(&o);
    if (oq_stats_configure(cb_engine, &o) == OQ_EBUSY &&
        oq_stats_reset_day(cb_engine, ev->time_ms) == OQ_EBUSY)
        cb_busy++;
}

static void reads_from_callbacks(void **state)
{
    (void)state;
    oq_engine_options eo;
    oq_engine_options_init(&eo);
    eo.on_event = reading_callback;
    assert_oq_ok(NULL, oq_engine_create(&eo, &cb_engine));
    add_channel(cb_engine, "voice", 1, 100, 1);
    add_queue(cb_engine, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(NULL, arrive(cb_engine, 0, "c", "voice", "q", 0));
    assert_oq_ok(cb_engine, oq_contact_abandon(cb_engine, 5, "c"));
    assert_int_equal(cb_reads, 1);
    assert_true(cb_busy >= 2);
    oq_engine_destroy(cb_engine);
}

/* ---- memory ---------------------------------------------------------------------- */

/* The hooks never fail: when the allocator refuses, figures are dropped
 * (counted), the engine stays consistent and nothing leaks. */
static void failing_allocator_drops_but_never_breaks(void **state)
{
    (void)state;
    int64_t with_drops = 0, clean = 0;
    for (int64_t n = 1; n < 400; n++) {
        test_alloc a;
        memset(&a, 0, sizeof a);
        oq_engine *e = new_engine(NULL, &a);
        add_channel(e, "chat", 0, 50, 2);
        add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
        add_queue(e, "r", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
        add_agent(e, "a", 100);
        assert_oq_ok(e, oq_agent_login(e, 0, "a", 1));
        a.fail_at = a.n_allocs + n;
        a.fail_all = (int)(n % 2);
        for (int i = 0; i < 30; i++) {
            char id[16];
            snprintf(id, sizeof id, "c%d", i);
            if (arrive(e, S(i), id, "chat", i % 2 ? "q" : "r", 0) != OQ_OK)
                continue;
            if (i % 3 == 0)
                oq_contact_transfer(e, S(i), id, i % 2 ? "r" : "q");
            if (i % 4 == 0) {
                oq_contact_abandon(e, S(i), id);
                continue;
            }
            contact_agent(e, id, buf, sizeof buf);
            if (buf[0])
                oq_offer_accept(e, S(i), id, buf);
            oq_contact_complete(e, S(i), id);
        }
        oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
        assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
        if (s.dropped > 0)
            with_drops++;
        if (a.n_failed == 0) { /* nothing refused: every figure is there */
            assert_int_equal(s.offered, 30);
            assert_int_equal(s.answered + s.abandoned, 30);
            assert_int_equal(s.waiting_now, 0);
            assert_int_equal(s.backlog, 0);
            clean++;
        }
        assert_oq_ok(e, oq_engine_check(e));
        oq_engine_destroy(e);
        assert_int_equal(a.live_bytes, 0);
        assert_int_equal(a.live_blocks, 0);
    }
    assert_true(with_drops > 0);
    assert_true(clean > 0);
}

/* Many contacts waiting at once, leaving in a scrambled order: the waiting
 * lists (and the record hash behind them) agree with a brute-force count. */
static void many_waiting_contacts(void **state)
{
    (void)state;
    enum { N = 3000 };
    static int gone[N];
    memset(gone, 0, sizeof gone);
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "r", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    char id[16];
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "c%d", i);
        assert_oq_ok(e, arrive(e, i, id, "voice", "q", 0));
    }
    int64_t t = N;
    uint64_t x = 12345;
    int left = N;
    for (int round = 0; left > 0; round++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int i = (int)((x >> 33) % N);
        while (gone[i] == 1)
            i = (i + 1) % N;
        snprintf(id, sizeof id, "c%d", i);
        if (round % 5 == 0 && gone[i] == 0) { /* some move to r first */
            assert_oq_ok(e, oq_contact_transfer(e, t, id, "r"));
            gone[i] = 2;
            continue;
        }
        assert_oq_ok(e, oq_contact_abandon(e, ++t, id));
        gone[i] = 1;
        left--;
        if (round % 97 == 0) {
            int oldest_q = -1, in_q = 0, in_r = 0;
            for (int k = 0; k < N; k++) {
                if (gone[k] == 0) {
                    in_q++;
                    if (oldest_q < 0)
                        oldest_q = k;
                } else if (gone[k] == 2) {
                    in_r++;
                }
            }
            oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
            assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_DAY, &s));
            assert_int_equal(s.waiting_now, in_q);
            if (oldest_q >= 0)
                assert_int_equal((int64_t)llround(s.longest_wait_s * 1000), t - oldest_q);
            assert_oq_ok(e, oq_stats_queue(e, "r", OQ_PERIOD_DAY, &s));
            assert_int_equal(s.waiting_now, in_r);
            assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
            assert_int_equal(s.waiting_now, left);
            assert_int_equal(s.backlog, left);
            assert_int_equal(s.abandoned, N - left);
        }
    }
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
    assert_int_equal(s.waiting_now, 0);
    assert_int_equal(s.dropped, 0);
    oq_engine_destroy(e);
}

/* A random stream of operations: the "now" gauges always agree with the
 * engine's own counts, and the day's outcomes add up. */
static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % n;
}

static void random_stream_keeps_gauges_consistent(void **state)
{
    (void)state;
    rng_state = 99;
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "chat", 0, 30, 3);
    const char *queues[3] = {"q0", "q1", "q2"};
    for (int i = 0; i < 3; i++) {
        add_queue(e, queues[i], OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
        assert_oq_ok(e, oq_queue_add_channel(e, 0, queues[i], "chat"));
        set_queue(e, queues[i], 20, i == 1 ? 5 : 0);
    }
    char agents[6][8];
    for (int i = 0; i < 6; i++) {
        snprintf(agents[i], sizeof agents[i], "a%d", i);
        add_agent(e, agents[i], 100);
    }
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.interval_s = 60;
    o.ring_size = 10;
    assert_oq_ok(e, oq_stats_configure(e, &o));
    int64_t t = 0;
    int n_arrived = 0;
    char id[16];
    for (int op = 0; op < 20000; op++) {
        t += rnd(3000);
        int k = (int)rnd(12);
        /* mostly live contacts: try a few random ones */
        for (int tries = 0; tries < 12; tries++) {
            snprintf(id, sizeof id, "c%d", (int)rnd((uint32_t)n_arrived + 1));
            if (contact_state(e, id) > 0)
                break;
        }
        const char *ag = agents[rnd(6)];
        switch (k) {
        case 1: /* accept some offer among the last arrivals */
            for (int j = n_arrived - 1; j >= 0 && j >= n_arrived - 40; j--) {
                snprintf(id, sizeof id, "c%d", j);
                if (contact_state(e, id) == OQ_CONTACT_OFFERED) {
                    contact_agent(e, id, buf, sizeof buf);
                    assert_oq_ok(e, oq_offer_accept(e, t, id, buf));
                    break;
                }
            }
            break;
        case 0:
            snprintf(id, sizeof id, "c%d", n_arrived);
            if (arrive(e, t, id, rnd(2) ? "voice" : "chat", queues[rnd(3)], 0) == OQ_OK)
                n_arrived++;
            break;
        case 2:
        case 3:
            contact_agent(e, id, buf, sizeof buf);
            if (buf[0])
                oq_offer_accept(e, t, id, buf);
            break;
        case 4:
            contact_agent(e, id, buf, sizeof buf);
            if (buf[0])
                oq_offer_reject(e, t, id, buf);
            break;
        case 5:
            if (rnd(2))
                oq_contact_abandon(e, t, id);
            break;
        case 6: /* complete some active contact among the last arrivals */
            for (int j = n_arrived - 1; j >= 0 && j >= n_arrived - 40; j--) {
                snprintf(id, sizeof id, "c%d", j);
                if (contact_state(e, id) == OQ_CONTACT_ACTIVE) {
                    assert_oq_ok(e, oq_contact_complete(e, t, id));
                    break;
                }
            }
            break;
        case 7:
            oq_contact_transfer(e, t, id, queues[rnd(3)]);
            break;
        case 8:
            oq_agent_login(e, t, ag, (int32_t)rnd(2));
            break;
        case 9:
            oq_agent_ready(e, t, ag);
            break;
        case 10:
            if (rnd(6) == 0)
                oq_agent_logout(e, t, ag);
            else if (rnd(3) == 0)
                oq_agent_not_ready(e, t, ag, rnd(2) ? "break" : "lunch");
            else
                oq_agent_login(e, t, ag, 1);
            break;
        default:
            if (rnd(4) == 0)
                oq_contact_remove(e, t, id);
            else
                oq_engine_advance(e, t);
            break;
        }
        oq_engine_counts cnt = OQ_OUTPUT_INIT(oq_engine_counts);
        oq_queue_stats c = OQ_OUTPUT_INIT(oq_queue_stats);
        assert_oq_ok(e, oq_engine_get_counts(e, &cnt));
        assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
        if (c.waiting_now != cnt.contacts_queued + cnt.contacts_offered ||
            c.backlog != cnt.contacts)
            fail_msg("op %d: waiting %d backlog %d, engine %d+%d, %d", op, c.waiting_now, c.backlog,
                     cnt.contacts_queued, cnt.contacts_offered, cnt.contacts);
        int32_t by_state[5] = {0};
        for (int i = 0; i < 6; i++)
            by_state[agent_state(e, agents[i])]++;
        assert_int_equal(c.agents_ready, by_state[OQ_AGENT_READY]);
        assert_int_equal(c.agents_busy, by_state[OQ_AGENT_BUSY]);
        assert_int_equal(c.agents_wrapup, by_state[OQ_AGENT_WRAPUP]);
        assert_int_equal(c.agents_not_ready, by_state[OQ_AGENT_NOT_READY]);
        assert_int_equal(c.offered, n_arrived);
        /* each arrival is answered or abandoned at most once */
        assert_true(c.answered + c.abandoned <= c.offered); /* removed may follow an answer */
        if (op % 500 == 0) {
            int32_t waiting = 0;
            for (int i = 0; i < 3; i++) {
                oq_queue_stats q = OQ_OUTPUT_INIT(oq_queue_stats);
                oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
                assert_oq_ok(e, oq_stats_queue(e, queues[i], OQ_PERIOD_WINDOW, &q));
                assert_oq_ok(e, oq_queue_get(e, queues[i], &qi));
                assert_int_equal(q.waiting_now, qi.waiting + qi.offered);
                waiting += q.waiting_now;
            }
            assert_int_equal(waiting, c.waiting_now);
            for (int i = 0; i < 6; i++) {
                oq_agent_stats as = OQ_OUTPUT_INIT(oq_agent_stats);
                assert_oq_ok(e, oq_stats_agent(e, agents[i], OQ_PERIOD_DAY, &as));
                assert_true(as.utilisation >= 0 && as.utilisation <= 1 + 1e-12);
                assert_true(as.occupancy >= 0 && as.occupancy <= 1 + 1e-12);
                double total = as.offline_s + as.logged_in_s; /* 0 until its first event */
                int64_t now = 0;
                assert_oq_ok(e, oq_engine_now(e, &now));
                if (total != 0) /* every ms of the day is in exactly one state */
                    close_to(total, (double)now / 1000.0, "agent time");
            }
            assert_oq_ok(e, oq_engine_check(e));
        }
    }
    oq_queue_stats c = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &c));
    assert_int_equal(c.dropped, 0);
    print_message("random stream: %lld offered, %lld answered, %lld abandoned, %lld removed, "
                  "%lld handled\n", (long long)c.offered, (long long)c.answered,
                  (long long)c.abandoned, (long long)c.removed, (long long)c.handled);
    assert_true(c.answered > 50 && c.abandoned > 50 && c.handled > 50);
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_computed_day),
        cmocka_unit_test(boundary_definitions),
        cmocka_unit_test(transfers_and_overflows_count_once_for_the_center),
        cmocka_unit_test(agent_occupancy_with_two_chats),
        cmocka_unit_test(interval_close_event_at_the_exact_boundary),
        cmocka_unit_test(lazy_intervals_without_configure),
        cmocka_unit_test(sliding_window_has_bucket_granularity),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(reads_from_callbacks),
        cmocka_unit_test(failing_allocator_drops_but_never_breaks),
        cmocka_unit_test(many_waiting_contacts),
        cmocka_unit_test(random_stream_keeps_gauges_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
