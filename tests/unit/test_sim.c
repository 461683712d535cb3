/* SPDX-License-Identifier: MIT */
/* The simulator: reproducibility, accounting of every contact, shifts and
 * breaks, piecewise-constant arrival rates, distributions, options checks,
 * and the Student t table. (Agreement with Erlang C / A: test_sim_theory.c.) */
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
#include "sim/internal.h"
#include "assert_oq.h"
#include "prefix_check.h"

/* ---- a small multi-queue center ------------------------------------------ */

typedef struct center {
    int32_t agents;
    double wrapup_s;
    double offer_timeout_s;
    int32_t max_length;
    int32_t callback;   /* limit action: call back through queue "cbq" */
    int32_t configure_stats; /* oq_stats_configure with 15-minute intervals */
} center;

static oq_status build_multi(oq_engine *e, uint64_t seed, void *user)
{
    (void)seed;
    const center *c = user;
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "voice";
    ch.exclusive = 1;
    TRY(oq_channel_add(e, &ch));
    oq_channel_spec_init(&ch);
    ch.id = "chat";
    ch.capacity_cost = 30;
    ch.max_per_agent = 3;
    TRY(oq_channel_add(e, &ch));
    TRY(oq_skill_add(e, "sales", 10));
    TRY(oq_skill_add(e, "billing", 10));
    if (c->callback) {
        oq_channel_spec_init(&ch);
        ch.id = "callback";
        ch.exclusive = 1;
        TRY(oq_channel_add(e, &ch));
        oq_queue_spec q;
        oq_queue_spec_init(&q);
        q.id = "cbq";
        q.priority = -5;
        TRY(oq_queue_add(e, &q));
        TRY(oq_queue_add_channel(e, 0, "cbq", "callback"));
    }
    const char *queues[2] = {"sales", "billing"};
    for (int i = 0; i < 2; i++) {
        oq_queue_spec q;
        oq_queue_spec_init(&q);
        q.id = queues[i];
        q.wrapup_s = c->wrapup_s;
        q.offer_timeout_s = c->offer_timeout_s;
        q.sla_threshold_s = i == 0 ? 20 : 60;
        q.max_length = c->max_length;
        if (c->callback) {
            q.limit_action = OQ_LIMIT_CALLBACK;
            q.limit_queue = "cbq";
            q.callback_channel = "callback";
        }
        TRY(oq_queue_add(e, &q));
        TRY(oq_queue_add_channel(e, 0, q.id, "voice"));
        TRY(oq_queue_add_channel(e, 0, q.id, "chat"));
        TRY(oq_queue_require_skill(e, 0, q.id, queues[i], 1));
    }
    for (int32_t i = 0; i < c->agents; i++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", (int)i);
        TRY(oq_agent_add(e, id, 100));
        TRY(oq_agent_set_skill(e, 0, id, "sales", i % 3 != 2 ? 5 : 0));
        TRY(oq_agent_set_skill(e, 0, id, "billing", i % 3 != 0 ? 5 : 0));
    }
    if (c->configure_stats) {
        oq_stats_options so;
        oq_stats_options_init(&so);
        TRY(oq_stats_configure(e, &so));
    }
    return OQ_OK;
}

static const double EMPIRICAL_HANDLE[] = {60, 120, 180, 240, 600};
static const double VOLUMES[] = {20, 40, 80, 120, 90, 60, 0, 30};

typedef struct scenario {
    center c;
    oq_sim_stream streams[4];
    oq_sim_agent agents[12];
    oq_sim_window shifts[12][2];
    oq_sim_window breaks[12];
    oq_sim_options o;
} scenario;

/* 12 agents on shifts with breaks, two queues x two channels, every
 * distribution kind, offer time-outs, rejects, wrap-up, abandonment. */
static void scenario_init(scenario *s)
{
    memset(s, 0, sizeof *s);
    s->c = (center){12, 15, 20, 0, 0, 0};
    const char *q[4] = {"sales", "sales", "billing", "billing"};
    const char *ch[4] = {"voice", "chat", "voice", "chat"};
    for (int i = 0; i < 4; i++) {
        oq_sim_stream *x = &s->streams[i];
        x->queue = q[i];
        x->channel = ch[i];
        x->rate_per_hour = 30;
        x->handle.kind = OQ_DIST_EXPONENTIAL;
        x->handle.mean = 200;
        x->patience.kind = OQ_DIST_EXPONENTIAL;
        x->patience.mean = 120;
    }
    s->streams[0].n_volumes = (int32_t)(sizeof VOLUMES / sizeof VOLUMES[0]);
    s->streams[0].volumes = VOLUMES;
    s->streams[1].handle = (oq_sim_dist){OQ_DIST_LOGNORMAL, 0, 400, 300, NULL};
    s->streams[1].patience = (oq_sim_dist){OQ_DIST_GAMMA, 0, 300, 2, NULL};
    s->streams[2].handle = (oq_sim_dist){OQ_DIST_EMPIRICAL, 5, 0, 0, EMPIRICAL_HANDLE};
    s->streams[2].patience = (oq_sim_dist){OQ_DIST_CONSTANT, 0, 90, 0, NULL};
    s->streams[3].handle = (oq_sim_dist){OQ_DIST_GAMMA, 0, 500, 3, NULL};
    s->streams[3].patience.kind = OQ_DIST_NONE;
    s->streams[3].priority = 5;
    for (int i = 0; i < 12; i++) {
        oq_sim_agent *a = &s->agents[i];
        static char ids[12][8];
        snprintf(ids[i], sizeof ids[i], "a%d", i);
        a->id = ids[i];
        a->accept_prob = i % 4 == 3 ? 0.7 : 1.0;
        a->response = (oq_sim_dist){OQ_DIST_EXPONENTIAL, 0, i % 2 ? 4 : 25, 0, NULL};
        /* Two shifts with a gap; staggered. */
        s->shifts[i][0] = (oq_sim_window){(i % 3) * 600.0, 4 * 3600.0 + (i % 3) * 600.0, NULL};
        s->shifts[i][1] = (oq_sim_window){4.5 * 3600.0, 8 * 3600.0, NULL};
        s->breaks[i] = (oq_sim_window){2 * 3600.0 + i * 120.0, 2 * 3600.0 + i * 120.0 + 900, "lunch"};
        a->n_shifts = 2;
        a->shifts = s->shifts[i];
        a->n_breaks = 1;
        a->breaks = &s->breaks[i];
    }
    oq_sim_options_init(&s->o);
    s->o.replications = 3;
    s->o.seed = 42;
    s->o.duration_s = 2 * 3600.0;
    s->o.warmup_s = 600;
    s->o.interval_s = 900;
    s->o.build = build_multi;
    s->o.build_user = &s->c;
    s->o.n_streams = 4;
    s->o.streams = s->streams;
    s->o.n_agents = 12;
    s->o.agents = s->agents;
    s->o.check = 1;
}

static oq_sim *run_ok(const oq_sim_options *o)
{
    oq_sim *sim = NULL;
    oq_error msg = OQ_ERROR_INIT;
    oq_status st = oq_sim_options_check(o, &msg);
    if (st != OQ_OK)
        fprintf(stderr, "options: %s\n", msg.message);
    assert_oq_ok(NULL, st);
    assert_oq_ok_e(oq_sim_create, o, &sim);
    st = oq_sim_run(sim);
    if (st != OQ_OK)
        fprintf(stderr, "run: %s\n", oq_sim_last_error(sim));
    assert_oq_ok(NULL, st);
    return sim;
}

static void assert_accounted(const oq_sim *sim, int32_t reps)
{
    for (int32_t r = 0; r < reps; r++) {
        oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
        assert_oq_ok(NULL, oq_sim_run_info_get(sim, r, &ri, NULL));
        assert_true(ri.contacts > 0);
        assert_int_equal(ri.contacts, ri.completed + ri.abandoned + ri.rejected + ri.removed + ri.in_system);
        assert_int_equal(ri.in_system, ri.engine_contacts);
        assert_oq_ok(NULL, ri.check_status);
    }
}

/* ---- tests ------------------------------------------------------------------- */

static void test_reproducible(void **state)
{
    (void)state;
    scenario *s = malloc(sizeof *s);
    assert_non_null(s);
    scenario_init(s);
    oq_sim *a = run_ok(&s->o);
    oq_sim *b = run_ok(&s->o);
    s->o.seed = 43;
    oq_sim *c = run_ok(&s->o);
    int32_t nq, nc, ni;
    assert_oq_ok(NULL, oq_sim_scope_count(a, OQ_SIM_QUEUE, &nq));
    assert_oq_ok(NULL, oq_sim_scope_count(a, OQ_SIM_CHANNEL, &nc));
    assert_int_equal(nq, 2);
    assert_int_equal(nc, 2);
    assert_oq_ok(NULL, oq_sim_interval_count(a, &ni));
    assert_int_equal(ni, 8);
    int differs = 0;
    for (int32_t r = 0; r < 3; r++) {
        for (int32_t scope = 0; scope < 3; scope++) {
            int32_t n = scope == 0 ? 1 : 2;
            for (int32_t i = 0; i < n; i++) {
                oq_sim_stats x = OQ_OUTPUT_INIT(oq_sim_stats), y = OQ_OUTPUT_INIT(oq_sim_stats), z = OQ_OUTPUT_INIT(oq_sim_stats);
                assert_oq_ok(NULL, oq_sim_replication_stats(a, r, scope, i, &x, NULL));
                assert_oq_ok(NULL, oq_sim_replication_stats(b, r, scope, i, &y, NULL));
                assert_oq_ok(NULL, oq_sim_replication_stats(c, r, scope, i, &z, NULL));
                assert_memory_equal(&x, &y, sizeof x);
                differs |= memcmp(&x, &z, sizeof x) != 0;
            }
        }
        oq_sim_run_info x = OQ_OUTPUT_INIT(oq_sim_run_info), y = OQ_OUTPUT_INIT(oq_sim_run_info);
        assert_oq_ok(NULL, oq_sim_run_info_get(a, r, &x, NULL));
        assert_oq_ok(NULL, oq_sim_run_info_get(b, r, &y, NULL));
        assert_memory_equal(&x, &y, sizeof x);
    }
    assert_true(differs);
    /* Replications differ from each other, too. */
    oq_sim_stats r0 = OQ_OUTPUT_INIT(oq_sim_stats), r1 = OQ_OUTPUT_INIT(oq_sim_stats);
    assert_oq_ok(NULL, oq_sim_replication_stats(a, 0, OQ_SIM_TOTAL, 0, &r0, NULL));
    assert_oq_ok(NULL, oq_sim_replication_stats(a, 1, OQ_SIM_TOTAL, 0, &r1, NULL));
    assert_true(memcmp(&r0, &r1, sizeof r0) != 0);
    /* Running the same sim again gives the same results. */
    oq_sim_stats before = OQ_OUTPUT_INIT(oq_sim_stats);
    assert_oq_ok(NULL, oq_sim_replication_stats(a, 2, OQ_SIM_QUEUE, 1, &before, NULL));
    assert_oq_ok(NULL, oq_sim_run(a));
    oq_sim_stats after = OQ_OUTPUT_INIT(oq_sim_stats);
    assert_oq_ok(NULL, oq_sim_replication_stats(a, 2, OQ_SIM_QUEUE, 1, &after, NULL));
    assert_memory_equal(&before, &after, sizeof before);
    oq_sim_destroy(a);
    oq_sim_destroy(b);
    oq_sim_destroy(c);
    free(s);
}

/* Event tap: counts engine events by type. */
typedef struct tap {
    int64_t n[32];
} tap;

static void tap_event(const oq_event *ev, void *user)
{
    tap *t = user;
    if (ev->type >= 0 && ev->type < 32)
        t->n[ev->type]++;
}

/* Counts abandons of contacts that became callbacks, and callbacks made. */
typedef struct cb_tap {
    int64_t callbacks, abandoned_callbacks, completed_callbacks;
} cb_tap;

static void watch_callbacks(const oq_event *ev, void *user)
{
    cb_tap *t = user;
    int cb = ev->channel && strcmp(ev->channel, "callback") == 0;
    t->callbacks += ev->type == OQ_EV_OVERFLOWED && cb;
    t->abandoned_callbacks += ev->type == OQ_EV_ABANDONED && cb;
    t->completed_callbacks += ev->type == OQ_EV_COMPLETED && cb;
}

static void test_callbacks_do_not_abandon(void **state)
{
    (void)state;
    scenario *s = malloc(sizeof *s);
    assert_non_null(s);
    scenario_init(s);
    s->c.max_length = 1;
    s->c.callback = 1;
    for (int i = 0; i < 4; i++)
        s->streams[i].patience = (oq_sim_dist){OQ_DIST_EXPONENTIAL, 0, 60, 0, NULL};
    cb_tap t = {0, 0, 0};
    s->o.on_event = watch_callbacks;
    s->o.event_user = &t;
    oq_sim *sim = run_ok(&s->o);
    assert_accounted(sim, 3);
    printf("  callbacks %lld, completed %lld, abandoned %lld\n", (long long)t.callbacks,
           (long long)t.completed_callbacks, (long long)t.abandoned_callbacks);
    assert_true(t.callbacks > 0);
    assert_true(t.completed_callbacks > 0);
    assert_int_equal(t.abandoned_callbacks, 0);
    oq_sim_destroy(sim);
    free(s);
}

static void test_accounting(void **state)
{
    (void)state;
    scenario *s = malloc(sizeof *s);
    assert_non_null(s);
    scenario_init(s);
    tap t;
    memset(&t, 0, sizeof t);
    s->o.on_event = tap_event;
    s->o.event_user = &t;
    s->o.replications = 2;
    s->o.warmup_s = 0;
    oq_sim *sim = run_ok(&s->o);
    assert_accounted(sim, 2);
    int64_t contacts = 0, abandoned = 0, completed = 0;
    for (int32_t r = 0; r < 2; r++) {
        oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
        assert_oq_ok(NULL, oq_sim_run_info_get(sim, r, &ri, NULL));
        contacts += ri.contacts;
        abandoned += ri.abandoned;
        completed += ri.completed;
        assert_true(ri.sim_events > ri.contacts);
        assert_true(ri.engine_events > ri.contacts);
    }
    assert_int_equal(t.n[OQ_EV_ABANDONED], abandoned);
    assert_int_equal(t.n[OQ_EV_COMPLETED], completed);
    assert_true(t.n[OQ_EV_OFFER_REJECTED] > 0);  /* accept_prob 0.7 agents */
    assert_true(abandoned > 0);
    /* With no warm-up every contact is counted: offered adds up. */
    int64_t offered = 0, answered = 0, ab = 0;
    for (int32_t r = 0; r < 2; r++) {
        oq_sim_stats x = OQ_OUTPUT_INIT(oq_sim_stats);
        assert_oq_ok(NULL, oq_sim_replication_stats(sim, r, OQ_SIM_TOTAL, 0, &x, NULL));
        offered += x.offered;
        answered += x.answered;
        ab += x.abandoned;
        assert_true(x.answered_in_t <= x.answered);
        assert_true(x.service_level >= 0 && x.service_level <= 1);
        assert_true(x.occupancy > 0 && x.occupancy <= 1);
        /* Queues and channels partition the total. */
        for (int32_t scope = 1; scope <= 2; scope++) {
            int64_t sum = 0;
            for (int32_t i = 0; i < 2; i++) {
                oq_sim_stats y = OQ_OUTPUT_INIT(oq_sim_stats);
                assert_oq_ok(NULL, oq_sim_replication_stats(sim, r, scope, i, &y, NULL));
                sum += y.offered;
                assert_true(y.occupancy == 0);
            }
            assert_int_equal(sum, x.offered);
        }
    }
    assert_int_equal(offered, contacts);
    assert_int_equal(ab, abandoned);
    assert_true(answered <= t.n[OQ_EV_ASSIGNED]);
    /* Intervals add up to the totals (no warm-up). */
    int32_t ni;
    assert_oq_ok(NULL, oq_sim_interval_count(sim, &ni));
    int64_t ioff = 0, ians = 0;
    for (int32_t i = 0; i < ni; i++) {
        oq_sim_stats x = OQ_OUTPUT_INIT(oq_sim_stats);
        assert_oq_ok(NULL, oq_sim_interval_stats(sim, i, OQ_SIM_TOTAL, 0, &x, NULL));
        ioff += x.offered;
        ians += x.answered;
    }
    assert_int_equal(ioff, offered);
    assert_int_equal(ians, answered);
    oq_sim_destroy(sim);

    /* No drain: contacts are left in the system, and the engine agrees. */
    s->o.drain_s = 0;
    s->o.on_event = NULL;
    sim = run_ok(&s->o);
    assert_accounted(sim, 2);
    oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
    assert_oq_ok(NULL, oq_sim_run_info_get(sim, 0, &ri, NULL));
    assert_true(ri.in_system > 0);
    oq_engine_counts counts = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_non_null(oq_sim_engine(sim));
    assert_oq_ok(oq_sim_engine(sim), oq_engine_get_counts(oq_sim_engine(sim), &counts));
    oq_sim_run_info last = OQ_OUTPUT_INIT(oq_sim_run_info);
    assert_oq_ok(NULL, oq_sim_run_info_get(sim, 1, &last, NULL));
    assert_int_equal(counts.contacts, last.in_system);
    oq_sim_destroy(sim);

    /* Queue limits reject contacts: counted as rejected. */
    s->c.max_length = 1;
    s->o.drain_s = 3600;
    sim = run_ok(&s->o);
    assert_accounted(sim, 2);
    assert_oq_ok(NULL, oq_sim_run_info_get(sim, 0, &ri, NULL));
    assert_true(ri.rejected > 0);
    oq_sim_destroy(sim);
    free(s);
}

/* oq_sim_options.engine_stats: the engines' own statistics are for whoever
 * reads those engines; the simulator's figures, the decisions and every
 * other event are the same without them. */
typedef struct stats_run {
    oq_sim *sim;
    tap events;
} stats_run;

static void run_with_engine_stats(scenario *s, int32_t mode, stats_run *out)
{
    memset(&out->events, 0, sizeof out->events);
    s->o.engine_stats = mode;
    s->o.on_event = tap_event;
    s->o.event_user = &out->events;
    out->sim = run_ok(&s->o);
}

static void assert_same_figures(const oq_sim *a, const oq_sim *b, int32_t reps)
{
    int32_t ni = 0;
    assert_oq_ok(NULL, oq_sim_interval_count(a, &ni));
    for (int32_t scope = 0; scope < 3; scope++) {
        int32_t n = 0;
        assert_oq_ok(NULL, oq_sim_scope_count(a, scope, &n));
        for (int32_t i = 0; i < n; i++) {
            for (int32_t r = 0; r < reps; r++) {
                oq_sim_stats x = OQ_OUTPUT_INIT(oq_sim_stats), y = OQ_OUTPUT_INIT(oq_sim_stats);
                assert_oq_ok(NULL, oq_sim_replication_stats(a, r, scope, i, &x, NULL));
                assert_oq_ok(NULL, oq_sim_replication_stats(b, r, scope, i, &y, NULL));
                assert_memory_equal(&x, &y, sizeof x);
            }
            for (int32_t k = 0; k < ni; k++) {
                oq_sim_stats x = OQ_OUTPUT_INIT(oq_sim_stats), y = OQ_OUTPUT_INIT(oq_sim_stats);
                assert_oq_ok(NULL, oq_sim_interval_stats(a, k, scope, i, &x, NULL));
                assert_oq_ok(NULL, oq_sim_interval_stats(b, k, scope, i, &y, NULL));
                assert_memory_equal(&x, &y, sizeof x);
            }
        }
    }
    for (int32_t r = 0; r < reps; r++) {
        oq_sim_run_info x = OQ_OUTPUT_INIT(oq_sim_run_info), y = OQ_OUTPUT_INIT(oq_sim_run_info);
        assert_oq_ok(NULL, oq_sim_run_info_get(a, r, &x, NULL));
        assert_oq_ok(NULL, oq_sim_run_info_get(b, r, &y, NULL));
        assert_int_equal(x.contacts, y.contacts);
        assert_int_equal(x.completed, y.completed);
        assert_int_equal(x.abandoned, y.abandoned);
        assert_int_equal(x.stale, y.stale);
        assert_int_equal(x.end_ms, y.end_ms);
        assert_oq_ok(NULL, x.check_status);
        assert_oq_ok(NULL, y.check_status);
    }
}

static void assert_refused(oq_engine *e, oq_status st)
{
    if (st != OQ_ESTATE || !strstr(oq_engine_last_error(e), "engine_stats"))
        fail_msg("expected OQ_ESTATE naming engine_stats, got %s: %s", oq_status_str(st),
                 oq_engine_last_error(e));
}

static void test_engine_stats(void **state)
{
    (void)state;
    scenario *s = malloc(sizeof *s);
    assert_non_null(s);
    scenario_init(s);
    s->c.configure_stats = 1;
    stats_run all, last, none;
    run_with_engine_stats(s, OQ_SIM_ENGINE_STATS_ALL, &all);
    run_with_engine_stats(s, OQ_SIM_ENGINE_STATS_LAST, &last);
    run_with_engine_stats(s, OQ_SIM_ENGINE_STATS_NONE, &none);
    assert_same_figures(all.sim, none.sim, 3);
    assert_same_figures(all.sim, last.sim, 3);
    /* Every event but the statistics' interval closes, in the same numbers. */
    for (int t = 0; t < 32; t++)
        if (t != OQ_EV_INTERVAL_CLOSED) {
            assert_int_equal(all.events.n[t], none.events.n[t]);
            assert_int_equal(all.events.n[t], last.events.n[t]);
        }
    assert_true(all.events.n[OQ_EV_INTERVAL_CLOSED] > last.events.n[OQ_EV_INTERVAL_CLOSED]);
    assert_true(last.events.n[OQ_EV_INTERVAL_CLOSED] > 0);
    assert_int_equal(none.events.n[OQ_EV_INTERVAL_CLOSED], 0);

    /* The kept engine: with statistics under ALL and LAST, which agree with
     * the simulator's count of the last replication's contacts. */
    oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
    assert_oq_ok(NULL, oq_sim_run_info_get(last.sim, 2, &ri, NULL));
    oq_queue_stats day = OQ_OUTPUT_INIT(oq_queue_stats);
    oq_engine *e = oq_sim_engine(last.sim);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &day));
    assert_int_equal(day.offered, ri.contacts);

    /* Without: every statistics call and a snapshot say so and change nothing. */
    e = oq_sim_engine(none.sim);
    assert_non_null(e);
    int64_t clock = 0;
    assert_oq_ok(e, oq_engine_now(e, &clock));
    assert_refused(e, oq_stats_center(e, OQ_PERIOD_DAY, &day));
    assert_refused(e, oq_stats_queue(e, "sales", OQ_PERIOD_INTERVAL, &day));
    int32_t count = -1;
    assert_refused(e, oq_stats_interval_count(e, &count));
    assert_int_equal(count, -1);
    oq_agent_stats as = OQ_OUTPUT_INIT(oq_agent_stats);
    assert_refused(e, oq_stats_agent(e, "a0", OQ_PERIOD_DAY, &as));
    oq_stats_options so;
    oq_stats_options_init(&so);
    assert_refused(e, oq_stats_get_options(e, &so));
    void *buf = NULL;
    size_t len = 0;
    assert_refused(e, oq_engine_snapshot_buffer(e, &buf, &len));
    assert_null(buf);
    int64_t after = 0;
    assert_oq_ok(e, oq_engine_now(e, &after));
    assert_int_equal(after, clock);
    /* The two writing calls check their arguments and do nothing else (the
     * build callback above configured statistics in every replication). */
    so.ring_size = 0;
    assert_int_equal(oq_stats_configure(e, &so), OQ_EINVAL);
    so.ring_size = 96;
    assert_oq_ok(e, oq_stats_reset_day(e, clock + 1000));
    assert_oq_ok(e, oq_engine_now(e, &after));
    assert_int_equal(after, clock + 1000);
    assert_refused(e, oq_stats_interval_count(e, &count));
    assert_oq_ok(e, oq_engine_check(e));

    /* A value out of range is named. */
    s->o.engine_stats = 3;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_sim_options_check(&s->o, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "engine_stats"));
    oq_sim_destroy(all.sim);
    oq_sim_destroy(last.sim);
    oq_sim_destroy(none.sim);
    free(s);
}

/* Always-on agent: the run's occupancy accounting follows shifts and breaks. */
/* The result getters write only the caller's struct_size bytes (core.h:
 * versioned structs), refuse a size out of range naming the struct, and
 * name an index out of range in *err; the simulator's own last error is
 * left as it was (the getters read a const simulator). */
static void test_outputs_write_only_their_prefix(void **state)
{
    (void)state;
    scenario *s = malloc(sizeof *s);
    assert_non_null(s);
    scenario_init(s);
    s->o.replications = 2;
    oq_sim *sim = run_ok(&s->o);
    oq_error err = OQ_ERROR_INIT;
    oq_sim_summary sum = OQ_OUTPUT_INIT(oq_sim_summary);
    assert_oq_ok_err(&err, oq_sim_summarize(sim, OQ_SIM_TOTAL, 0, &sum, &err));
    assert_int_equal(sum.replications, 2);
    assert_true(sum.offered.mean > 0 && sum.occupancy.mean > 0); /* figures, not zeros */
    CHECK_PREFIX_ERR(oq_sim_summary, OLDER(oq_sim_summary, occupancy),
                     oq_sim_summarize(sim, OQ_SIM_TOTAL, 0, o, &err));
    CHECK_PREFIX_ERR(oq_sim_stats, OLDER(oq_sim_stats, occupancy),
                     oq_sim_replication_stats(sim, 1, OQ_SIM_QUEUE, 0, o, &err));
    CHECK_PREFIX_ERR(oq_sim_stats, OLDER(oq_sim_stats, aht_s),
                     oq_sim_interval_stats(sim, 2, OQ_SIM_TOTAL, 0, o, &err));
    CHECK_PREFIX_ERR(oq_sim_run_info, OLDER(oq_sim_run_info, end_ms),
                     oq_sim_run_info_get(sim, 1, o, &err));
    CHECK_REFUSED_ERR(oq_sim_summary, oq_sim_summarize(sim, OQ_SIM_TOTAL, 0, o, &err));
    CHECK_REFUSED_ERR(oq_sim_stats, oq_sim_replication_stats(sim, 1, OQ_SIM_QUEUE, 0, o, &err));
    CHECK_REFUSED_ERR(oq_sim_stats, oq_sim_interval_stats(sim, 2, OQ_SIM_TOTAL, 0, o, &err));
    CHECK_REFUSED_ERR(oq_sim_run_info, oq_sim_run_info_get(sim, 1, o, &err));
    oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
    assert_int_equal(oq_sim_run_info_get(sim, 2, &ri, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_sim_run_info_get: replication 2 out of range (2)"));
    oq_sim_stats st = OQ_OUTPUT_INIT(oq_sim_stats);
    assert_int_equal(oq_sim_replication_stats(sim, 0, OQ_SIM_QUEUE, 9, &st, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "index 9 out of range"));
    assert_string_equal(oq_sim_last_error(sim), "");
    oq_sim_destroy(sim);
    free(s);
}

static oq_status build_one(oq_engine *e, uint64_t seed, void *user)
{
    (void)seed;
    (void)user;
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "voice";
    TRY(oq_channel_add(e, &ch));
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.offer_timeout_s = 0;
    TRY(oq_queue_add(e, &q));
    TRY(oq_queue_add_channel(e, 0, "q", "voice"));
    TRY(oq_agent_add(e, "a", 100));
    TRY(oq_agent_add(e, "b", 100));
    return oq_agent_login(e, 0, "b", 1); /* b: always on, not driven */
}

/* Records the times agent "a" was offered work. */
typedef struct offers_to_a {
    int64_t n, outside;
} offers_to_a;

static void watch_a(const oq_event *ev, void *user)
{
    offers_to_a *w = user;
    if (ev->type != OQ_EV_OFFERED || strcmp(ev->agent, "a") != 0)
        return;
    w->n++;
    /* On shift [1800, 5400) s, on a break [2700, 3600) s. */
    int on = (ev->time_ms >= 1800000 && ev->time_ms < 2700000) ||
             (ev->time_ms >= 3600000 && ev->time_ms < 5400000);
    w->outside += !on;
}

static void test_shifts_and_breaks(void **state)
{
    (void)state;
    offers_to_a w = {0, 0};
    oq_sim_stream x;
    oq_sim_stream_init(&x);
    assert_int_equal(x.handle.kind, OQ_DIST_EXPONENTIAL);
    assert_true(x.handle.mean == 180);
    assert_int_equal(x.patience.kind, OQ_DIST_NONE);
    x.queue = "q";
    x.channel = "voice";
    x.rate_per_hour = 6;
    x.handle = (oq_sim_dist){OQ_DIST_CONSTANT, 0, 60, 0, NULL};
    oq_sim_window shift = {1800, 5400, NULL};
    oq_sim_window brk = {2700, 3600, "coffee"};
    oq_sim_agent a;
    oq_sim_agent_init(&a);
    assert_true(a.accept_prob == 1.0);
    assert_int_equal(a.response.kind, OQ_DIST_NONE);
    a.id = "a";
    a.n_shifts = 1;
    a.shifts = &shift;
    a.n_breaks = 1;
    a.breaks = &brk;
    oq_sim_options o;
    oq_sim_options_init(&o);
    o.replications = 2;
    o.duration_s = 7200;
    o.interval_s = 900;
    o.build = build_one;
    o.n_streams = 1;
    o.streams = &x;
    o.n_agents = 1;
    o.agents = &a;
    o.check = 1;
    o.on_event = watch_a;
    o.event_user = &w;
    oq_sim *sim = run_ok(&o);
    assert_true(w.n > 0);
    assert_int_equal(w.outside, 0);
    assert_accounted(sim, 2);
    /* Staffed time: b all 7200 s, a 3600 s (breaks count as logged in). */
    oq_sim_stats t = OQ_OUTPUT_INIT(oq_sim_stats);
    assert_oq_ok(NULL, oq_sim_replication_stats(sim, 0, OQ_SIM_TOTAL, 0, &t, NULL));
    assert_true(fabs(t.staffed_s - 10800.0) < 1e-6);
    /* Per interval, pooled over the 2 replications: 2 x 900 s for b, plus
     * 2 x 900 s for a in intervals 2..5. */
    for (int32_t i = 0; i < 8; i++) {
        oq_sim_stats y = OQ_OUTPUT_INIT(oq_sim_stats);
        assert_oq_ok(NULL, oq_sim_interval_stats(sim, i, OQ_SIM_TOTAL, 0, &y, NULL));
        double expect = 1800.0 + (i >= 2 && i < 6 ? 1800.0 : 0.0);
        assert_true(fabs(y.staffed_s - expect) < 1e-6);
    }
    oq_sim_destroy(sim);
}

static void test_interval_volumes(void **state)
{
    (void)state;
    static const double vol[4] = {100, 0, 300, 50};
    oq_sim_stream x;
    memset(&x, 0, sizeof x);
    x.queue = "q";
    x.channel = "voice";
    x.n_volumes = 4;
    x.volumes = vol;
    x.handle = (oq_sim_dist){OQ_DIST_CONSTANT, 0, 1, 0, NULL};
    oq_sim_options o;
    oq_sim_options_init(&o);
    o.replications = 20;
    o.duration_s = 5 * 900.0; /* a fifth interval beyond the forecast: rate 0 */
    o.interval_s = 900;
    o.build = build_one;
    o.n_streams = 1;
    o.streams = &x;
    oq_sim *sim = run_ok(&o);
    int32_t ni;
    assert_oq_ok(NULL, oq_sim_interval_count(sim, &ni));
    assert_int_equal(ni, 5);
    for (int32_t i = 0; i < 5; i++) {
        oq_sim_stats y = OQ_OUTPUT_INIT(oq_sim_stats);
        assert_oq_ok(NULL, oq_sim_interval_stats(sim, i, OQ_SIM_TOTAL, 0, &y, NULL));
        double expect = i < 4 ? 20 * vol[i] : 0.0;
        /* Poisson: within 4 standard deviations. */
        printf("  interval %d: %lld arrivals, expected %.0f\n", (int)i, (long long)y.offered, expect);
        assert_true(fabs((double)y.offered - expect) <= 4 * sqrt(expect) + 1e-9);
    }
    oq_sim_summary sum = OQ_OUTPUT_INIT(oq_sim_summary);
    assert_oq_ok(NULL, oq_sim_summarize(sim, OQ_SIM_TOTAL, 0, &sum, NULL));
    assert_int_equal(sum.replications, 20);
    assert_true(fabs(sum.offered.mean - 450) < 4 * sqrt(450.0 / 20));
    assert_true(sum.offered.low < sum.offered.mean && sum.offered.high > sum.offered.mean);
    oq_sim_destroy(sim);
}

static void test_distributions(void **state)
{
    (void)state;
    oq_sim_rng r;
    oq__sim_rng_seed(&r, 7);
    const int n = 200000;
    static const double emp[3] = {1, 2, 6};
    struct {
        oq_sim_dist d;
        double mean, var;
    } cases[] = {
        {{OQ_DIST_CONSTANT, 0, 42, 0, NULL}, 42, 0},
        {{OQ_DIST_EXPONENTIAL, 0, 180, 0, NULL}, 180, 180.0 * 180},
        {{OQ_DIST_LOGNORMAL, 0, 300, 150, NULL}, 300, 150.0 * 150},
        {{OQ_DIST_GAMMA, 0, 240, 4, NULL}, 240, 240.0 * 240 / 4},
        {{OQ_DIST_GAMMA, 0, 100, 0.5, NULL}, 100, 100.0 * 100 / 0.5},
        {{OQ_DIST_EMPIRICAL, 3, 0, 0, emp}, 3, (1 + 4 + 36) / 3.0 - 9},
        {{OQ_DIST_NONE, 0, 0, 0, NULL}, 0, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double s1 = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            double v = oq__sim_sample(&r, &cases[k].d);
            assert_true(v >= 0);
            s1 += v;
            s2 += v * v;
        }
        double m = s1 / n, var = s2 / n - m * m;
        printf("  %-11s mean %10.4f (expected %10.4f)  var %12.2f (expected %12.2f)\n",
               oq_sim_dist_name(cases[k].d.kind), m, cases[k].mean, var, cases[k].var);
        assert_true(fabs(m - cases[k].mean) <= 5 * sqrt(cases[k].var / n) + 1e-9);
        assert_true(fabs(var - cases[k].var) <= 0.05 * cases[k].var + 1e-9);
    }
    /* Uniforms stay in (0, 1); same seed, same stream. */
    oq_sim_rng a, b;
    oq__sim_rng_seed(&a, 99);
    oq__sim_rng_seed(&b, 99);
    for (int i = 0; i < 1000; i++) {
        double u = oq__sim_uniform(&a);
        assert_true(u > 0 && u < 1);
        assert_true(u == oq__sim_uniform(&b));
    }
    assert_string_equal(oq_sim_dist_name(OQ_DIST_GAMMA), "gamma");
    assert_string_equal(oq_sim_dist_name(99), "unknown");
}

static void test_options_checked(void **state)
{
    (void)state;
    scenario *s = malloc(sizeof *s);
    assert_non_null(s);
    oq_error msg = OQ_ERROR_INIT;
    oq_sim *sim = NULL;
    assert_int_equal(oq_sim_create(NULL, &sim, NULL), OQ_EINVAL);
    scenario_init(s);
    assert_int_equal(oq_sim_create(&s->o, NULL, NULL), OQ_EINVAL);

    scenario_init(s);
    s->o.struct_size = 4;
    assert_int_equal(oq_sim_options_check(&s->o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "struct_size"));
    assert_int_equal(oq_sim_create(&s->o, &sim, NULL), OQ_EINVAL);
    assert_null(sim);

    scenario_init(s);
    s->streams[2].handle.mean = -1;
    s->streams[2].handle.kind = OQ_DIST_EXPONENTIAL;
    assert_int_equal(oq_sim_options_check(&s->o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "streams[2].handle"));

    scenario_init(s);
    s->streams[1].handle.kind = OQ_DIST_NONE;
    assert_int_equal(oq_sim_options_check(&s->o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "streams[1].handle"));

    scenario_init(s);
    s->streams[0].patience.kind = 77;
    assert_int_equal(oq_sim_options_check(&s->o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "streams[0].patience"));

    scenario_init(s);
    s->o.warmup_s = s->o.duration_s;
    assert_int_equal(oq_sim_options_check(&s->o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "warmup_s"));

    scenario_init(s);
    s->agents[5].accept_prob = 1.5;
    assert_int_equal(oq_sim_options_check(&s->o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "agents[5].accept_prob"));

    scenario_init(s);
    s->breaks[3].end_s = s->breaks[3].start_s - 1;
    assert_int_equal(oq_sim_options_check(&s->o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "agents[3].breaks[0]"));

    scenario_init(s);
    s->o.build = NULL;
    assert_int_equal(oq_sim_options_check(&s->o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "build"));

    scenario_init(s);
    s->streams[1].rate_per_hour = NAN;
    assert_int_equal(oq_sim_options_check(&s->o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "streams[1].rate_per_hour"));

    /* Names the built engine lacks: OQ_ECONFIG at run time. */
    scenario_init(s);
    s->streams[3].queue = "nosuch";
    assert_oq_ok_e(oq_sim_create, &s->o, &sim);
    assert_int_equal(oq_sim_run(sim), OQ_ECONFIG);
    assert_non_null(strstr(oq_sim_last_error(sim), "streams[3].queue"));
    oq_sim_summary sum = OQ_OUTPUT_INIT(oq_sim_summary);
    assert_oq_ok(NULL, oq_sim_summarize(sim, OQ_SIM_TOTAL, 0, &sum, NULL));
    assert_int_equal(sum.replications, 0);
    oq_sim_stats st = OQ_OUTPUT_INIT(oq_sim_stats);
    assert_int_equal(oq_sim_replication_stats(sim, 0, OQ_SIM_TOTAL, 0, &st, NULL), OQ_EINVAL);
    oq_sim_destroy(sim);

    scenario_init(s);
    s->agents[7].id = "ghost";
    assert_oq_ok_e(oq_sim_create, &s->o, &sim);
    assert_int_equal(oq_sim_run(sim), OQ_ECONFIG);
    assert_non_null(strstr(oq_sim_last_error(sim), "agents[7].id"));
    oq_sim_destroy(sim);

    scenario_init(s);
    s->agents[7].id = "a1";
    assert_oq_ok_e(oq_sim_create, &s->o, &sim);
    assert_int_equal(oq_sim_run(sim), OQ_ECONFIG);
    assert_non_null(strstr(oq_sim_last_error(sim), "listed twice"));
    oq_sim_destroy(sim);

    /* Bad scope / index. */
    scenario_init(s);
    s->o.replications = 1;
    s->o.duration_s = 900;
    sim = run_ok(&s->o);
    const char *id;
    assert_oq_ok(NULL, oq_sim_scope_id(sim, OQ_SIM_QUEUE, 1, &id));
    assert_string_equal(id, "billing");
    assert_oq_ok(NULL, oq_sim_scope_id(sim, OQ_SIM_CHANNEL, 1, &id));
    assert_string_equal(id, "chat");
    assert_oq_ok(NULL, oq_sim_scope_id(sim, OQ_SIM_TOTAL, 0, &id));
    assert_string_equal(id, "total");
    assert_int_equal(oq_sim_scope_id(sim, OQ_SIM_QUEUE, 2, &id), OQ_EINVAL);
    assert_int_equal(oq_sim_replication_stats(sim, 0, 9, 0, &st, NULL), OQ_EINVAL);
    assert_int_equal(oq_sim_replication_stats(sim, 1, OQ_SIM_TOTAL, 0, &st, NULL), OQ_EINVAL);
    assert_int_equal(oq_sim_interval_stats(sim, 1, OQ_SIM_TOTAL, 0, &st, NULL), OQ_EINVAL);
    assert_oq_ok(NULL, oq_sim_interval_stats(sim, 0, OQ_SIM_CHANNEL, 0, &st, NULL));
    oq_sim_destroy(sim);
    oq_sim_destroy(NULL);
    assert_string_equal(oq_sim_last_error(NULL), "");
    free(s);
}

static oq_status build_fails(oq_engine *e, uint64_t seed, void *user)
{
    (void)seed;
    (void)user;
    return oq_skill_add(e, "", 10); /* OQ_EINVAL */
}

static void test_build_error(void **state)
{
    (void)state;
    oq_sim_stream x;
    memset(&x, 0, sizeof x);
    x.queue = "q";
    x.channel = "voice";
    x.rate_per_hour = 10;
    x.handle = (oq_sim_dist){OQ_DIST_CONSTANT, 0, 1, 0, NULL};
    oq_sim_options o;
    oq_sim_options_init(&o);
    o.build = build_fails;
    o.n_streams = 1;
    o.streams = &x;
    oq_sim *sim = NULL;
    assert_oq_ok_e(oq_sim_create, &o, &sim);
    assert_int_equal(oq_sim_run(sim), OQ_EINVAL);
    assert_non_null(strstr(oq_sim_last_error(sim), "build"));
    oq_sim_destroy(sim);
}

static void test_t_table(void **state)
{
    (void)state;
    assert_true(fabs(oq_sim_t975(1) - 12.7062) < 1e-4);
    assert_true(fabs(oq_sim_t975(9) - 2.2622) < 1e-4);
    assert_true(fabs(oq_sim_t975(30) - 2.0423) < 1e-4);
    assert_true(fabs(oq_sim_t975(40) - 2.0211) < 1e-4);
    assert_true(fabs(oq_sim_t975(60) - 2.0003) < 1e-4);
    assert_true(fabs(oq_sim_t975(120) - 1.9799) < 1e-4);
    assert_true(fabs(oq_sim_t975(50) - 2.0086) < 2e-3);   /* table value 2.0086 */
    assert_true(fabs(oq_sim_t975(1000000) - 1.96) < 1e-3);
    assert_true(isinf(oq_sim_t975(0)));
    for (int32_t d = 1; d < 500; d++)
        assert_true(oq_sim_t975(d + 1) <= oq_sim_t975(d));
}

/* Random scenarios: every distribution, response times around the offer
 * time-out, rejects, wrap-up, queue limits, shifts and breaks at random. The
 * run must finish without an engine error, pass oq_engine_check, and account
 * for every contact. */
static uint64_t fuzz_state;

static double fuzz_u(void)
{
    fuzz_state ^= fuzz_state >> 12;
    fuzz_state ^= fuzz_state << 25;
    fuzz_state ^= fuzz_state >> 27;
    return (double)((fuzz_state * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
}

static oq_sim_dist fuzz_dist(int allow_none)
{
    static const double emp[4] = {0, 30, 90, 400};
    int k = (int)(fuzz_u() * 6);
    double mean = 1 + fuzz_u() * 300;
    switch (k) {
    case 0: return allow_none ? (oq_sim_dist){OQ_DIST_NONE, 0, 0, 0, NULL} : (oq_sim_dist){OQ_DIST_CONSTANT, 0, mean, 0, NULL};
    case 1: return (oq_sim_dist){OQ_DIST_CONSTANT, 0, mean, 0, NULL};
    case 2: return (oq_sim_dist){OQ_DIST_EXPONENTIAL, 0, mean, 0, NULL};
    case 3: return (oq_sim_dist){OQ_DIST_LOGNORMAL, 0, mean, mean * (0.2 + fuzz_u() * 2), NULL};
    case 4: return (oq_sim_dist){OQ_DIST_GAMMA, 0, mean, 0.3 + fuzz_u() * 5, NULL};
    default: return (oq_sim_dist){OQ_DIST_EMPIRICAL, 4, 0, 0, emp};
    }
}

static void test_random_scenarios(void **state)
{
    (void)state;
    scenario *s = malloc(sizeof *s);
    assert_non_null(s);
    fuzz_state = 0x9E3779B97F4A7C15ull;
    int rounds = getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload") ? 20 : 150;
    if (getenv("OQ_SIM_FUZZ_ROUNDS"))
        rounds = atoi(getenv("OQ_SIM_FUZZ_ROUNDS"));
    for (int round = 0; round < rounds; round++) {
        scenario_init(s);
        s->c.wrapup_s = fuzz_u() < 0.5 ? 0 : fuzz_u() * 60;
        s->c.offer_timeout_s = fuzz_u() < 0.3 ? 0 : 1 + fuzz_u() * 30;
        s->c.max_length = fuzz_u() < 0.3 ? 1 + (int32_t)(fuzz_u() * 5) : 0;
        for (int i = 0; i < 4; i++) {
            s->streams[i].rate_per_hour = fuzz_u() * 120;
            s->streams[i].handle = fuzz_dist(0);
            s->streams[i].patience = fuzz_dist(1);
        }
        for (int i = 0; i < 12; i++) {
            s->agents[i].accept_prob = fuzz_u() < 0.5 ? 1.0 : fuzz_u();
            s->agents[i].response = fuzz_dist(1);
            if (s->agents[i].response.kind != OQ_DIST_EMPIRICAL)
                s->agents[i].response.mean = fuzz_u() * 40;
            if (s->agents[i].response.kind == OQ_DIST_EXPONENTIAL || s->agents[i].response.kind == OQ_DIST_LOGNORMAL ||
                s->agents[i].response.kind == OQ_DIST_GAMMA)
                s->agents[i].response.mean += 0.5;
            double a = fuzz_u() * 7200, b = fuzz_u() * 7200;
            s->shifts[i][0] = (oq_sim_window){fmin(a, b), fmax(a, b), NULL};
            a = fuzz_u() * 7200;
            b = fuzz_u() * 7200;
            s->shifts[i][1] = (oq_sim_window){fmin(a, b), fmax(a, b), NULL};
            a = fuzz_u() * 7200;
            s->breaks[i] = (oq_sim_window){a, a + fuzz_u() * 1800, fuzz_u() < 0.5 ? NULL : "meeting"};
            s->agents[i].n_shifts = (int32_t)(fuzz_u() * 3);
        }
        s->o.seed = (uint64_t)round * 1000 + 1;
        s->o.replications = 2;
        s->o.warmup_s = fuzz_u() * 1800;
        s->o.drain_s = fuzz_u() < 0.3 ? 0 : fuzz_u() * 7200;
        s->o.short_abandon_s = fuzz_u() * 10;
        oq_sim *sim = run_ok(&s->o);
        assert_accounted(sim, 2);
        oq_sim_destroy(sim);
    }
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_accounting),
        cmocka_unit_test(test_outputs_write_only_their_prefix),
        cmocka_unit_test(test_callbacks_do_not_abandon),
        cmocka_unit_test(test_engine_stats),
        cmocka_unit_test(test_shifts_and_breaks),
        cmocka_unit_test(test_interval_volumes),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_options_checked),
        cmocka_unit_test(test_build_error),
        cmocka_unit_test(test_t_table),
        cmocka_unit_test(test_random_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
