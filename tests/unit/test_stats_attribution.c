/* SPDX-License-Identifier: MIT */
/* Statistics attribution (issue #18): the same hand-built hour read with
 * answers and abandonments counted where they happen (OQ_ATTRIBUTION_EVENT,
 * the default) and where the contact's wait began (OQ_ATTRIBUTION_ARRIVAL),
 * against hand-computed figures — closed intervals revised after they
 * closed, the window, the day; the empty-period convention of
 * oq_stats_service_level_if_empty; the option through a snapshot and the
 * journal; and the simulator's per-interval and whole-run figures equal to
 * the engine's statistics read with arrival attribution. */
#include <math.h>
#include <string.h>

#include "test_support.h"
#include "omniq/sim.h"

#define S(x) ((int64_t)(x) * 1000)

static void close_to(double got, double want, const char *what)
{
    if (fabs(got - want) > 1e-9)
        fail_msg("%s: got %.12g, want %.12g", what, got, want);
}

/* Voice queue q (T = 20 s, offers wait for the test), agent a logged out;
 * statistics in 60 s intervals, a window of two 60 s buckets. */
static oq_engine *center(int32_t attribution)
{
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_queue_spec qi;
    oq_queue_spec_init(&qi);
    assert_oq_ok(e, oq_queue_get_spec(e, "q", &qi));
    qi.sla_threshold_s = 20;
    qi.offer_timeout_s = 0;
    assert_oq_ok(e, oq_queue_update(e, 0, &qi));
    add_agent(e, "a", 100);
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.interval_s = 60;
    o.window_s = 120;
    o.window_bucket_s = 60;
    o.attribution = attribution;
    assert_oq_ok(e, oq_stats_configure(e, &o));
    return e;
}

/* The hour (seconds; intervals I0 [0,60), I1 [60,120), I2 [120,180), I3 [180,240)):
 *   c1 arrives 50 (I0), answered 80 (I1) after 30 s: not within T
 *   c2 arrives 55 (I0), abandons 70 (I1) after 15 s: within T, not short
 *   c3 arrives 90 (I1), answered 100 (I1) after 10 s: within T
 *   c4 arrives 170 (I2), answered 190 (I3) after 20 s: within T (exactly)
 * c4's answer comes after I2 closed. */
static void play_first_part(oq_engine *e)
{
    assert_oq_ok(e, arrive(e, S(50), "c1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(55), "c2", "voice", "q", 0));
    assert_oq_ok(e, oq_contact_abandon(e, S(70), "c2"));
    assert_oq_ok(e, oq_agent_login(e, S(80), "a", 1)); /* c1 offered */
    assert_oq_ok(e, oq_offer_accept(e, S(80), "c1", "a"));
}

static void play_rest(oq_engine *e)
{
    assert_oq_ok(e, arrive(e, S(90), "c3", "voice", "q", 0));
    assert_oq_ok(e, oq_contact_complete(e, S(100), "c1")); /* c3 offered */
    assert_oq_ok(e, oq_offer_accept(e, S(100), "c3", "a"));
    assert_oq_ok(e, oq_contact_complete(e, S(110), "c3"));
    assert_oq_ok(e, arrive(e, S(170), "c4", "voice", "q", 0)); /* offered at once */
    assert_oq_ok(e, oq_offer_accept(e, S(190), "c4", "a"));
    assert_oq_ok(e, oq_contact_complete(e, S(200), "c4"));
    assert_oq_ok(e, oq_engine_advance(e, S(240)));
}

typedef struct want {
    int64_t offered, answered, within, abandoned, ab_within;
    double asa_s, max_answered_wait_s, ab_wait_s;
} want;

static void check(const oq_queue_stats *s, const want *w, const char *what)
{
    char msg[96];
    if (s->offered != w->offered || s->answered != w->answered || s->answered_within != w->within ||
        s->abandoned != w->abandoned || s->abandoned_within != w->ab_within)
        fail_msg("%s: offered %lld answered %lld within %lld abandoned %lld ab_within %lld; want "
                 "%lld %lld %lld %lld %lld",
                 what, (long long)s->offered, (long long)s->answered, (long long)s->answered_within,
                 (long long)s->abandoned, (long long)s->abandoned_within, (long long)w->offered,
                 (long long)w->answered, (long long)w->within, (long long)w->abandoned,
                 (long long)w->ab_within);
    snprintf(msg, sizeof msg, "%s asa", what);
    close_to(s->asa_s, w->asa_s, msg);
    snprintf(msg, sizeof msg, "%s max answered wait", what);
    close_to(s->max_answered_wait_s, w->max_answered_wait_s, msg);
    snprintf(msg, sizeof msg, "%s mean abandoned wait", what);
    close_to(s->mean_abandoned_wait_s, w->ab_wait_s, msg);
    int64_t done = w->answered + w->abandoned;
    snprintf(msg, sizeof msg, "%s service level", what);
    close_to(s->sl_answered_abandoned, done ? (double)w->within / (double)done : 0.0, msg);
}

/* Interval i (0 = I0) of the queue and the center, both checked against w. */
static void check_interval(oq_engine *e, int32_t i, const want *w, const char *what)
{
    oq_queue_stats q = OQ_OUTPUT_INIT(oq_queue_stats), c = OQ_OUTPUT_INIT(oq_queue_stats);
    int32_t n = 0;
    assert_oq_ok(e, oq_stats_interval_count(e, &n));
    assert_int_equal(n, 4);
    assert_oq_ok(e, oq_stats_interval_queue(e, "q", n - 1 - i, &q));
    assert_oq_ok(e, oq_stats_interval_center(e, n - 1 - i, &c));
    assert_int_equal(q.start_ms, S(60 * i));
    check(&q, w, what);
    check(&c, w, what);
}

static const want DAY = {4, 3, 2, 1, 1, 20, 30, 15};

static void event_time_counts_where_it_happens(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ATTRIBUTION_EVENT);
    play_first_part(e);
    play_rest(e);
    check_interval(e, 0, &(want){2, 0, 0, 0, 0, 0, 0, 0}, "event I0");
    check_interval(e, 1, &(want){1, 2, 1, 1, 1, 20, 30, 15}, "event I1");
    check_interval(e, 2, &(want){1, 0, 0, 0, 0, 0, 0, 0}, "event I2");
    check_interval(e, 3, &(want){0, 1, 1, 0, 0, 20, 20, 0}, "event I3");
    oq_queue_stats d = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &d));
    check(&d, &DAY, "event day");
    /* The window at 240 s holds [180, 300): c4's answer at 190. */
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_WINDOW, &d));
    assert_int_equal(d.answered, 1);
    oq_engine_destroy(e);
}

static void arrival_counts_where_the_wait_began(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ATTRIBUTION_ARRIVAL);
    play_first_part(e);
    play_rest(e);
    /* I0's contacts: c1 answered after 30 s, c2 abandoned after 15 s — both
     * counted in I0 after it closed. */
    check_interval(e, 0, &(want){2, 1, 0, 1, 1, 30, 30, 15}, "arrival I0");
    check_interval(e, 1, &(want){1, 1, 1, 0, 0, 10, 10, 0}, "arrival I1");
    check_interval(e, 2, &(want){1, 1, 1, 0, 0, 20, 20, 0}, "arrival I2");
    check_interval(e, 3, &(want){0, 0, 0, 0, 0, 0, 0, 0}, "arrival I3");
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_interval_center(e, 3, &s)); /* I0 */
    assert_int_equal(s.wait_hist_answered[3], 1);        /* 30 s: [30, 60) */
    assert_int_equal(s.wait_hist_abandoned[1], 1);       /* 15 s: [10, 20) */
    assert_int_equal(s.abandoned_short, 0);
    close_to(s.sl_asterisk_sl2, 0.5, "arrival I0 SL2");
    /* Handle time and offers stay where they happen: c1 completed in I1. */
    assert_int_equal(s.handled, 0);
    assert_oq_ok(e, oq_stats_interval_center(e, 2, &s)); /* I1 */
    assert_int_equal(s.handled, 2);
    assert_int_equal(s.offers_accepted, 2);
    /* The day holds the same totals either way. */
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
    check(&s, &DAY, "arrival day");
    /* The window at 240 s holds [180, 300): c4 arrived at 170, outside. */
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_WINDOW, &s));
    assert_int_equal(s.answered, 0);
    oq_engine_destroy(e);
}

/* The current interval takes an outcome of a contact that arrived in it;
 * the window takes one whose bucket is still in it. */
static void arrival_in_the_open_interval_and_window(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ATTRIBUTION_ARRIVAL);
    play_first_part(e);
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_INTERVAL, &s)); /* I1 at 80 s */
    assert_int_equal(s.answered, 0);
    assert_int_equal(s.abandoned, 0);
    /* Window at 80 s: buckets [0, 60) and [60, 120): both outcomes. */
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_WINDOW, &s));
    assert_int_equal(s.answered, 1);
    assert_int_equal(s.abandoned, 1);
    assert_int_equal(s.answered_within, 0);
    assert_oq_ok(e, arrive(e, S(90), "c3", "voice", "q", 0));
    assert_oq_ok(e, oq_contact_complete(e, S(100), "c1"));
    assert_oq_ok(e, oq_offer_accept(e, S(100), "c3", "a"));
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_INTERVAL, &s));
    assert_int_equal(s.answered, 1);
    assert_int_equal(s.answered_within, 1);
    oq_engine_destroy(e);
}

/* A contact that arrived before the day was reset counts in no day. */
static void arrival_before_the_day_stays_out_of_it(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ATTRIBUTION_ARRIVAL);
    assert_oq_ok(e, arrive(e, S(50), "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_stats_reset_day(e, S(60)));
    assert_oq_ok(e, oq_contact_abandon(e, S(70), "c1"));
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
    assert_int_equal(s.abandoned, 0);
    assert_oq_ok(e, oq_stats_interval_center(e, 0, &s)); /* [0, 60) */
    assert_int_equal(s.abandoned, 1);
    oq_engine_destroy(e);
}

/* The empty-period convention: one formula, the reader's value for 0/0. */
static void empty_period_convention(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ATTRIBUTION_ARRIVAL);
    play_first_part(e);
    play_rest(e);
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_interval_center(e, 0, &s)); /* I3: nothing arrived */
    double v = -1;
    for (int32_t d = OQ_SL_ANSWERED_ABANDONED; d <= OQ_SL_ASTERISK_SL2; d++) {
        assert_oq_ok(NULL, oq_stats_service_level(&s, d, &v));
        close_to(v, 0, "engine convention");
        assert_oq_ok(NULL, oq_stats_service_level_if_empty(&s, d, 0.0, &v));
        close_to(v, 0, "if_empty 0");
        assert_oq_ok(NULL, oq_stats_service_level_if_empty(&s, d, 1.0, &v));
        close_to(v, 1, "if_empty 1");
    }
    close_to(s.sl_answered_abandoned, 0, "the struct keeps the engine's convention");
    /* A period with outcomes ignores it. */
    assert_oq_ok(e, oq_stats_interval_center(e, 3, &s)); /* I0: 0 of 2 within T */
    assert_oq_ok(NULL, oq_stats_service_level_if_empty(&s, OQ_SL_ANSWERED_ABANDONED, 1.0, &v));
    close_to(v, 0, "I0 with if_empty 1");
    assert_oq_ok(NULL, oq_stats_service_level_if_empty(&s, OQ_SL_OFFERED, 1.0, &v));
    close_to(v, 0, "I0 offered with if_empty 1");
    assert_int_equal(oq_stats_service_level_if_empty(&s, OQ_SL_OFFERED, 1.5, &v), OQ_EINVAL);
    assert_int_equal(oq_stats_service_level_if_empty(&s, OQ_SL_OFFERED, NAN, &v), OQ_EINVAL);
    assert_int_equal(oq_stats_service_level_if_empty(&s, 99, 0.0, &v), OQ_EINVAL);
    assert_int_equal(oq_stats_service_level_if_empty(NULL, OQ_SL_OFFERED, 0.0, &v), OQ_EINVAL);
    assert_int_equal(oq_stats_service_level_if_empty(&s, OQ_SL_OFFERED, 0.0, NULL), OQ_EINVAL);
    oq_engine_destroy(e);
}

static void bad_attribution_is_refused(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ATTRIBUTION_EVENT);
    oq_stats_options o;
    oq_stats_options_init(&o);
    assert_int_equal(o.attribution, OQ_ATTRIBUTION_EVENT);
    o.attribution = 2;
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "attribution"));
    oq_stats_options got;
    oq_stats_options_init(&got);
    assert_oq_ok(e, oq_stats_get_options(e, &got));
    assert_int_equal(got.attribution, OQ_ATTRIBUTION_EVENT); /* unchanged */
    assert_true(got.interval_s == 60);
    oq_engine_destroy(e);
}

/* ---- the option survives a snapshot and the journal ------------------------ */

static void snapshot_keeps_the_attribution(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ATTRIBUTION_ARRIVAL);
    assert_oq_ok(e, arrive(e, S(50), "c1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(55), "c2", "voice", "q", 0));
    void *buf = NULL;
    size_t len = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &buf, &len));
    oq_engine_options eo;
    oq_engine_options_init(&eo);
    oq_engine *r = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok(NULL, oq_engine_restore_buffer(&eo, buf, len, &r, &err));
    oq_stats_options got;
    oq_stats_options_init(&got);
    assert_oq_ok(r, oq_stats_get_options(r, &got));
    assert_int_equal(got.attribution, OQ_ATTRIBUTION_ARRIVAL);
    /* Same bytes back, and the same figures once both go on. */
    void *again = NULL;
    size_t len2 = 0;
    assert_oq_ok(r, oq_engine_snapshot_buffer(r, &again, &len2));
    assert_int_equal(len2, len);
    assert_memory_equal(again, buf, len);
    oq_engine *both[2] = {e, r};
    for (int i = 0; i < 2; i++) {
        assert_oq_ok(both[i], oq_contact_abandon(both[i], S(70), "c2"));
        assert_oq_ok(both[i], oq_agent_login(both[i], S(80), "a", 1));
        assert_oq_ok(both[i], oq_offer_accept(both[i], S(80), "c1", "a"));
        oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
        assert_oq_ok(both[i], oq_stats_interval_center(both[i], 0, &s)); /* I0 */
        assert_int_equal(s.answered, 1);
        assert_int_equal(s.abandoned, 1);
    }
    /* The word holding the attribution names a value this library does not
     * know: refused as a newer library's snapshot. */
    unsigned char *p = buf;
    size_t at = 0;
    for (size_t i = 16; i + 8 <= len; i++)
        if (memcmp(p + i, "STAT", 4) == 0) {
            at = i + 4;
            break;
        }
    assert_true(at > 0);
    assert_int_equal(p[at + 2], OQ_ATTRIBUTION_ARRIVAL); /* bits 16..23 */
    oq_free(again);
    oq_free(buf);
    oq_engine_destroy(r);
    oq_engine_destroy(e);
}

typedef struct records {
    unsigned char data[8][512];
    size_t len[8];
    int n;
} records;

static void keep_record(const oq_journal_record *rec, void *user)
{
    records *l = user;
    if (l->n < 8 && rec->data && rec->len <= sizeof l->data[0]) {
        memcpy(l->data[l->n], rec->data, rec->len);
        l->len[l->n++] = rec->len;
    }
}

static void journal_carries_the_attribution(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL), *b = new_engine(NULL, NULL);
    records l;
    memset(&l, 0, sizeof l);
    assert_oq_ok(e, oq_engine_set_journal(e, keep_record, &l));
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.attribution = OQ_ATTRIBUTION_ARRIVAL;
    assert_oq_ok(e, oq_stats_configure(e, &o));
    assert_int_equal(l.n, 1);
    assert_oq_ok(b, oq_journal_apply(b, l.data[0], l.len[0], NULL));
    oq_stats_options got;
    oq_stats_options_init(&got);
    assert_oq_ok(b, oq_stats_get_options(b, &got));
    assert_int_equal(got.attribution, OQ_ATTRIBUTION_ARRIVAL);
    oq_engine_destroy(e);
    oq_engine_destroy(b);
}

/* ---- the simulator's figures are the statistics' ---------------------------- */

#define SIM_INTERVAL_S 900
#define SIM_HOURS 4

/* One voice queue (T = 20 s) and five agents; the engine's statistics in the
 * simulator's intervals, attributed by arrival. */
static oq_status build_measured(oq_engine *e, uint64_t seed, void *user)
{
    (void)seed;
    (void)user;
    oq_status st = voice_queue_center(e, 5, 20, 0);
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.interval_s = SIM_INTERVAL_S;
    o.ring_size = 4 * SIM_HOURS + 8;
    o.attribution = OQ_ATTRIBUTION_ARRIVAL;
    return st == OQ_OK ? oq_stats_configure(e, &o) : st;
}

/* The engine's figures of the contacts that arrived in interval i. */
static void engine_interval(oq_engine *e, int32_t i, oq_queue_stats *s)
{
    oq_queue_stats cur = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_INTERVAL, &cur));
    int32_t open = (int32_t)(cur.start_ms / S(SIM_INTERVAL_S)); /* the open interval's number */
    if (i == open)
        *s = cur;
    else if (i < open)
        assert_oq_ok(e, oq_stats_interval_center(e, open - 1 - i, s));
    else
        memset(s, 0, sizeof *s); /* after the run's last event: nothing */
}

static void sim_reads_what_the_statistics_count(void **state)
{
    (void)state;
    oq_sim_stream x;
    oq_sim_stream_init(&x);
    x.queue = "q";
    x.channel = "voice";
    x.rate_per_hour = 90; /* 5 agents, 180 s: load 4.5 */
    x.patience.kind = OQ_DIST_EXPONENTIAL;
    x.patience.mean = 120;
    oq_sim_options o;
    oq_sim_options_init(&o);
    o.replications = 1;
    o.seed = 7;
    o.duration_s = SIM_HOURS * 3600;
    o.interval_s = SIM_INTERVAL_S;
    o.build = build_measured;
    o.n_streams = 1;
    o.streams = &x;
    oq_sim *sim = NULL;
    assert_oq_ok(NULL, oq_sim_create(&o, &sim, NULL));
    assert_oq_ok(NULL, oq_sim_run(sim));
    oq_engine *e = oq_sim_engine(sim);
    int32_t nint = 0;
    assert_oq_ok(NULL, oq_sim_interval_count(sim, &nint));
    assert_int_equal(nint, 4 * SIM_HOURS);
    int64_t sum_answered = 0, sum_abandoned = 0;
    for (int32_t i = 0; i < nint; i++) {
        oq_sim_stats m = OQ_OUTPUT_INIT(oq_sim_stats);
        assert_oq_ok(NULL, oq_sim_interval_stats(sim, i, OQ_SIM_TOTAL, 0, &m, NULL));
        oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
        engine_interval(e, i, &s);
        char what[48];
        snprintf(what, sizeof what, "interval %d", (int)i);
        if (m.offered != s.offered || m.answered != s.answered ||
            m.answered_in_t != s.answered_within || m.abandoned != s.abandoned)
            fail_msg("%s: sim offered %lld answered %lld in_t %lld abandoned %lld; stats %lld %lld "
                     "%lld %lld",
                     what, (long long)m.offered, (long long)m.answered, (long long)m.answered_in_t,
                     (long long)m.abandoned, (long long)s.offered, (long long)s.answered,
                     (long long)s.answered_within, (long long)s.abandoned);
        close_to(m.asa_s, s.asa_s, what);
        close_to(m.abandon_rate, s.abandon_rate, what);
        double sl = -1;
        assert_oq_ok(NULL, oq_stats_service_level_if_empty(&s, OQ_SL_ANSWERED_ABANDONED, 1.0, &sl));
        close_to(m.service_level, sl, what);
        assert_oq_ok(NULL, oq_stats_service_level_if_empty(&s, OQ_SL_OFFERED, 1.0, &sl));
        close_to(m.service_level_offered, sl, what);
        sum_answered += m.answered;
        sum_abandoned += m.abandoned;
    }
    assert_true(sum_answered > 250); /* about 360 arrived: the run measured something */
    assert_true(sum_abandoned > 5);   /* ... abandons included */
    /* The whole run: the day of the engine's statistics. */
    oq_sim_stats t = OQ_OUTPUT_INIT(oq_sim_stats);
    assert_oq_ok(NULL, oq_sim_replication_stats(sim, 0, OQ_SIM_TOTAL, 0, &t, NULL));
    oq_queue_stats d = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &d));
    assert_int_equal(t.offered, d.offered);
    assert_int_equal(t.answered, d.answered);
    assert_int_equal(t.answered_in_t, d.answered_within);
    assert_int_equal(t.abandoned, d.abandoned);
    close_to(t.asa_s, d.asa_s, "run asa");
    close_to(t.max_wait_s, fmax(d.max_answered_wait_s, d.max_abandoned_wait_s), "run max wait");
    close_to(t.service_level, d.sl_answered_abandoned, "run service level");
    oq_sim_destroy(sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(event_time_counts_where_it_happens),
        cmocka_unit_test(arrival_counts_where_the_wait_began),
        cmocka_unit_test(arrival_in_the_open_interval_and_window),
        cmocka_unit_test(arrival_before_the_day_stays_out_of_it),
        cmocka_unit_test(empty_period_convention),
        cmocka_unit_test(bad_attribution_is_refused),
        cmocka_unit_test(snapshot_keeps_the_attribution),
        cmocka_unit_test(journal_carries_the_attribution),
        cmocka_unit_test(sim_reads_what_the_statistics_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
