/* SPDX-License-Identifier: MIT */
/* The day's figures, which the statistics fold lazily (the day block holds
 * the closed intervals of the day and a read adds the open one, see
 * lib/stats/internal.h), read at every moment of a scripted run between
 * interval closes — against figures the test keeps itself, with event and
 * with arrival attribution, across a day reset in mid-interval, after a
 * snapshot round trip (taken both while the day folds lazily and while it
 * is written directly) and on a standby fed by the journal; and the
 * snapshots of the engine, its restored copy and the standby byte-identical
 * once all went on alike. Also: counters near INT64_MAX saturate the day as
 * the sum of the whole day would. */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define S(x) ((int64_t)(x) * 1000)
#define MAXC 64

/* The test's own day: every outcome it caused, summed. */
typedef struct model {
    int64_t day_start;
    int64_t offered, answered, ans_wait, ans_max, abandoned, ab_wait, handled, talk;
} model;

typedef struct live {
    char id[16];
    int64_t arrived, assigned;
    int used;
} live;

typedef struct run {
    oq_engine *e;
    int32_t attribution;
    model m;
    live c[MAXC];
    int n, next_id;
    uint64_t lcg;
} run;

static uint32_t next_rand(run *r)
{
    r->lcg = r->lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(r->lcg >> 33);
}

/* An outcome whose wait began at `began` counts in the day when it happens
 * (event attribution) or when the wait began since the day started. */
static int in_day(const run *r, int64_t began)
{
    return r->attribution == OQ_ATTRIBUTION_EVENT || began >= r->m.day_start;
}

static void build(oq_engine *e, int32_t attribution)
{
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_queue_spec qi;
    oq_queue_spec_init(&qi);
    assert_oq_ok(e, oq_queue_get_spec(e, "q", &qi));
    qi.sla_threshold_s = 20;
    qi.offer_timeout_s = 0; /* offers wait for the test */
    assert_oq_ok(e, oq_queue_update(e, 0, &qi));
    add_agent(e, "a", 100);
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.interval_s = 60;
    o.window_s = 120;
    o.window_bucket_s = 60;
    o.ring_size = 8;
    o.attribution = attribution;
    assert_oq_ok(e, oq_stats_configure(e, &o));
    assert_oq_ok(e, oq_agent_login(e, S(1), "a", 1));
}

static void expect_day(oq_engine *e, const model *m, const char *what, int64_t t)
{
    oq_queue_stats s[3];
    for (int i = 0; i < 3; i++) {
        s[i] = (oq_queue_stats)OQ_OUTPUT_INIT(oq_queue_stats);
    }
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s[0]));
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_DAY, &s[1]));
    assert_oq_ok(e, oq_stats_channel(e, "voice", OQ_PERIOD_DAY, &s[2]));
    static const char *scope[3] = {"center", "queue", "channel"};
    for (int i = 0; i < 3; i++) {
        const oq_queue_stats *d = &s[i];
        double asa = m->answered ? (double)m->ans_wait / 1000.0 / (double)m->answered : 0;
        double abw = m->abandoned ? (double)m->ab_wait / 1000.0 / (double)m->abandoned : 0;
        double talk = m->handled ? (double)m->talk / 1000.0 / (double)m->handled : 0;
        if (d->start_ms != m->day_start || d->offered != m->offered || d->answered != m->answered ||
            d->abandoned != m->abandoned || d->handled != m->handled || d->asa_s != asa ||
            d->mean_abandoned_wait_s != abw || d->mean_talk_s != talk ||
            d->max_answered_wait_s != (double)m->ans_max / 1000.0)
            fail_msg("%s %s day at %lld ms: start %lld offered %lld answered %lld abandoned %lld "
                     "handled %lld asa %.6f abandoned wait %.6f talk %.6f max %.3f; want %lld %lld "
                     "%lld %lld %lld %.6f %.6f %.6f %.3f",
                     what, scope[i], (long long)t, (long long)d->start_ms, (long long)d->offered,
                     (long long)d->answered, (long long)d->abandoned, (long long)d->handled,
                     d->asa_s, d->mean_abandoned_wait_s, d->mean_talk_s, d->max_answered_wait_s,
                     (long long)m->day_start, (long long)m->offered, (long long)m->answered,
                     (long long)m->abandoned, (long long)m->handled, asa, abw, talk,
                     (double)m->ans_max / 1000.0);
    }
}

/* One step at t: a new contact, an answer or completion, or an abandon. */
static void step(run *r, int64_t t)
{
    oq_engine *e = r->e;
    uint32_t what = next_rand(r) % 4;
    char buf[32];
    if (what <= 1 && r->n < MAXC) {
        live *c = &r->c[r->n++];
        snprintf(c->id, sizeof c->id, "c%d", r->next_id++ % 1000000);
        c->arrived = t;
        c->assigned = -1;
        assert_oq_ok(e, arrive(e, t, c->id, "voice", "q", 0));
        r->m.offered++;
        return;
    }
    for (int i = 0; i < r->n; i++) {
        live *c = &r->c[i];
        int32_t st = contact_state(e, c->id);
        if (what == 2 && st == OQ_CONTACT_OFFERED) {
            assert_oq_ok(e, oq_offer_accept(e, t, c->id, contact_agent(e, c->id, buf, sizeof buf)));
            c->assigned = t;
            if (in_day(r, c->arrived)) {
                int64_t w = t - c->arrived;
                r->m.answered++;
                r->m.ans_wait += w;
                if (w > r->m.ans_max)
                    r->m.ans_max = w;
            }
            return;
        }
        if (what == 2 && st == OQ_CONTACT_ACTIVE) {
            assert_oq_ok(e, oq_contact_complete(e, t, c->id));
            r->m.handled++; /* handling counts where it happens */
            r->m.talk += t - c->assigned;
            r->c[i] = r->c[--r->n];
            return;
        }
        if (what == 3 && st != OQ_CONTACT_OFFERED && st != OQ_CONTACT_ACTIVE) {
            assert_oq_ok(e, oq_contact_abandon(e, t, c->id));
            if (in_day(r, c->arrived)) {
                r->m.abandoned++;
                r->m.ab_wait += t - c->arrived;
            }
            r->c[i] = r->c[--r->n];
            return;
        }
    }
    assert_oq_ok(e, oq_engine_advance(e, t));
}

typedef struct standby {
    oq_engine *b;
    int applied;
} standby;

static void feed(const oq_journal_record *rec, void *user)
{
    standby *sb = user;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_journal_apply(sb->b, rec->data, rec->len, &err);
    if (st != OQ_OK)
        fail_msg("journal record %llu (action %d): status %d: %s", (unsigned long long)rec->seq,
                 rec->action, st, err.message);
    sb->applied++;
}

/* A copy journals too (the snapshot holds the next record's number). */
static void drop(const oq_journal_record *rec, void *user)
{
    (void)rec;
    (void)user;
}

static oq_engine *restored(oq_engine *e, void **buf, size_t *len)
{
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, buf, len));
    oq_engine_options eo;
    oq_engine_options_init(&eo);
    oq_engine *r = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_engine_restore_buffer(&eo, *buf, *len, &r, &err);
    if (st != OQ_OK)
        fail_msg("restore: status %d: %s", st, err.message);
    /* The restored copy writes the very bytes it was made from. */
    void *again = NULL;
    size_t len2 = 0;
    assert_oq_ok(r, oq_engine_snapshot_buffer(r, &again, &len2));
    assert_int_equal(len2, *len);
    assert_memory_equal(again, *buf, *len);
    oq_free(again);
    assert_oq_ok(r, oq_engine_set_journal(r, drop, NULL));
    return r;
}

static void expect_same_snapshot(oq_engine *a, oq_engine *b, const char *what)
{
    void *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    assert_oq_ok(a, oq_engine_snapshot_buffer(a, &x, &nx));
    assert_oq_ok(b, oq_engine_snapshot_buffer(b, &y, &ny));
    if (nx != ny || memcmp(x, y, nx) != 0)
        fail_msg("%s: snapshots differ (%zu and %zu bytes)", what, nx, ny);
    oq_free(x);
    oq_free(y);
}

/* The run: 400 steps 5..45 s apart (about 50 intervals of 60 s), the day
 * reset in mid-interval at step 150, snapshots restored at step 100 (the
 * day folding lazily) and at step 160 (after the reset, before the next
 * close: the day written directly). Every read between the closes agrees
 * with the model, on the engine, the restored copies and the standby. */
static void day_through_everything(int32_t attribution)
{
    standby sb = {new_engine(NULL, NULL), 0};
    run r;
    memset(&r, 0, sizeof r);
    r.e = new_engine(NULL, NULL);
    r.attribution = attribution;
    r.lcg = 12345 + (uint64_t)attribution;
    assert_oq_ok(r.e, oq_engine_set_journal(r.e, feed, &sb));
    build(r.e, attribution);
    r.m.day_start = 0;
    oq_engine *copy[2] = {NULL, NULL};
    void *buf[2] = {NULL, NULL};
    size_t len[2] = {0, 0};
    run twin[2];
    int64_t t = S(2);
    for (int i = 0; i < 400; i++) {
        t += S(5) + (int64_t)(next_rand(&r) % 40001);
        if (i == 150) {
            int64_t mid = t - 1;
            assert_true(mid % S(60) != 0); /* in mid-interval */
            assert_oq_ok(r.e, oq_stats_reset_day(r.e, mid));
            memset(&r.m, 0, sizeof r.m);
            r.m.day_start = mid;
            expect_day(r.e, &r.m, "after the reset", mid);
            for (int k = 0; k < 2; k++)
                if (copy[k]) {
                    assert_oq_ok(copy[k], oq_stats_reset_day(copy[k], mid));
                    memset(&twin[k].m, 0, sizeof twin[k].m);
                    twin[k].m.day_start = mid;
                }
        }
        uint64_t lcg = r.lcg;
        step(&r, t);
        for (int k = 0; k < 2; k++)
            if (copy[k]) { /* the same step on the copy */
                twin[k].lcg = lcg;
                step(&twin[k], t);
                assert_int_equal(twin[k].lcg, r.lcg);
                expect_day(copy[k], &twin[k].m, k ? "restored after the reset" : "restored", t);
            }
        expect_day(r.e, &r.m, "engine", t);
        expect_day(sb.b, &r.m, "standby", t);
        if (i == 100 || i == 160) {
            int k = i == 160;
            copy[k] = restored(r.e, &buf[k], &len[k]);
            twin[k] = r;
            twin[k].e = copy[k];
            expect_day(copy[k], &r.m, "just restored", t);
        }
    }
    assert_oq_ok(r.e, oq_engine_advance(r.e, t + S(600)));
    assert_oq_ok(copy[0], oq_engine_advance(copy[0], t + S(600)));
    assert_oq_ok(copy[1], oq_engine_advance(copy[1], t + S(600)));
    expect_day(r.e, &r.m, "at the end", t + S(600));
    expect_same_snapshot(r.e, copy[0], "engine and the copy restored while folding lazily");
    expect_same_snapshot(r.e, copy[1], "engine and the copy restored after the day reset");
    expect_day(sb.b, &r.m, "standby at the end", t + S(600));
    assert_true(sb.applied > 400);
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    /* The run really went through many intervals, answers and abandons. */
    int32_t n = 0;
    assert_oq_ok(r.e, oq_stats_interval_count(r.e, &n));
    assert_int_equal(n, 8);
    assert_oq_ok(r.e, oq_stats_center(r.e, OQ_PERIOD_DAY, &s));
    if (!(s.answered > 10 && s.abandoned > 10 && s.handled > 10))
        fail_msg("day: %lld answered, %lld abandoned, %lld handled", (long long)s.answered,
                 (long long)s.abandoned, (long long)s.handled);
    for (int k = 0; k < 2; k++) {
        oq_engine_destroy(copy[k]);
        oq_free(buf[k]);
    }
    oq_engine_destroy(sb.b);
    oq_engine_destroy(r.e);
}

static void day_with_event_attribution(void **state)
{
    (void)state;
    day_through_everything(OQ_ATTRIBUTION_EVENT);
}

static void day_with_arrival_attribution(void **state)
{
    (void)state;
    day_through_everything(OQ_ATTRIBUTION_ARRIVAL);
}

/* Waits near INT64_MAX: every block saturates, the day as the sum of the
 * whole day would (min(true sum, INT64_MAX)), across interval closes, read
 * while folding lazily, after the close and through a snapshot. */
static void day_saturates_as_the_whole_sum(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL);
    build(e, OQ_ATTRIBUTION_EVENT);
    /* c0 takes the agent; c1..c3 wait from 10 s until t0 (3/4 of INT64_MAX). */
    assert_oq_ok(e, arrive(e, S(10), "c0", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, S(10), "c0", "a"));
    assert_oq_ok(e, arrive(e, S(10), "c1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(10), "c2", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, S(10), "c3", "voice", "q", 0));
    int64_t t0 = INT64_MAX / 4 * 3;
    assert_oq_ok(e, oq_contact_abandon(e, t0, "c1"));
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
    assert_int_equal(s.abandoned, 1);
    double want = (double)(t0 - S(10)) / 1000.0;
    if (s.mean_abandoned_wait_s != want)
        fail_msg("day mean abandoned wait %.17g, want %.17g", s.mean_abandoned_wait_s, want);
    /* Two more in a later interval: the day's wait sum saturates. */
    assert_oq_ok(e, oq_contact_abandon(e, t0 + S(120), "c2"));
    assert_oq_ok(e, oq_contact_abandon(e, t0 + S(121), "c3"));
    want = (double)INT64_MAX / 1000.0 / 3;
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s)); /* before their interval closes */
    assert_int_equal(s.abandoned, 3);
    if (s.mean_abandoned_wait_s != want)
        fail_msg("saturated day mean abandoned wait (open interval) %.17g, want %.17g",
                 s.mean_abandoned_wait_s, want);
    oq_queue_stats q = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_interval_center(e, 0, &q)); /* c1's interval closed, not saturated */
    assert_true(q.abandoned <= 1);
    assert_oq_ok(e, oq_engine_advance(e, t0 + S(300))); /* c2 and c3's interval closes too */
    void *buf = NULL;
    size_t len = 0;
    oq_engine *r = restored(e, &buf, &len);
    oq_engine *both[2] = {e, r};
    for (int i = 0; i < 2; i++) {
        assert_oq_ok(both[i], oq_stats_center(both[i], OQ_PERIOD_DAY, &s));
        assert_int_equal(s.abandoned, 3);
        if (s.mean_abandoned_wait_s != want)
            fail_msg("saturated day mean abandoned wait (%d) %.17g, want %.17g", i,
                     s.mean_abandoned_wait_s, want);
    }
    oq_free(buf);
    oq_engine_destroy(r);
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(day_with_event_attribution),
        cmocka_unit_test(day_with_arrival_attribution),
        cmocka_unit_test(day_saturates_as_the_whole_sum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
