/* SPDX-License-Identifier: MIT */
/* The statistics stage an event's adds in one block per object and fold
 * them into the interval, the window bucket and the day later (before the
 * bucket or interval changes and before any read or snapshot, see
 * lib/stats/internal.h, oq_sobj.pend). Two engines fed the same calls, one
 * read after every call (its staged adds folded at once, as if written
 * directly) and one read only now and then, must read and snapshot alike:
 * with event and arrival attribution, steps seconds apart and jumps past
 * the window and past intervals (an arrival-attributed outcome then writes
 * a past bucket while adds of an older one are staged), two queues on two
 * channels. */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define S(x) ((int64_t)(x) * 1000)
#define MAXC 48

typedef struct live {
    char id[16];
} live;

typedef struct run {
    live c[MAXC];
    int n, next_id;
    uint64_t lcg;
} run;

static uint32_t next_rand(run *r)
{
    r->lcg = r->lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(r->lcg >> 33);
}

static oq_engine *build(int32_t attribution)
{
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "chat", 0, 30, 3);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "r", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    const char *qs[2] = {"q", "r"};
    for (int i = 0; i < 2; i++) {
        oq_queue_spec qi;
        oq_queue_spec_init(&qi);
        assert_oq_ok(e, oq_queue_get_spec(e, qs[i], &qi));
        qi.sla_threshold_s = 20;
        qi.offer_timeout_s = 0; /* offers wait for the test */
        assert_oq_ok(e, oq_queue_update(e, 0, &qi));
    }
    add_agent(e, "a", 100);
    add_agent(e, "b", 100);
    oq_stats_options o;
    oq_stats_options_init(&o);
    o.interval_s = 60;
    o.window_s = 120;
    o.window_bucket_s = 20;
    o.ring_size = 8;
    o.attribution = attribution;
    assert_oq_ok(e, oq_stats_configure(e, &o));
    assert_oq_ok(e, oq_agent_login(e, S(1), "a", 1));
    assert_oq_ok(e, oq_agent_login(e, S(1), "b", 1));
    return e;
}

/* One call at t, the same on every engine given the same run state. */
static void step(oq_engine *e, run *r, int64_t t)
{
    uint32_t what = next_rand(r) % 4;
    char buf[32];
    if (what <= 1 && r->n < MAXC) {
        live *c = &r->c[r->n++];
        snprintf(c->id, sizeof c->id, "c%d", r->next_id++);
        int voice = next_rand(r) % 2;
        assert_oq_ok(e, arrive(e, t, c->id, voice ? "voice" : "chat", voice ? "q" : "r", 0));
        return;
    }
    for (int i = 0; i < r->n; i++) {
        live *c = &r->c[i];
        int32_t st = contact_state(e, c->id);
        if (what == 2 && st == OQ_CONTACT_OFFERED) {
            assert_oq_ok(e, oq_offer_accept(e, t, c->id, contact_agent(e, c->id, buf, sizeof buf)));
            return;
        }
        if (what == 2 && st == OQ_CONTACT_ACTIVE) {
            assert_oq_ok(e, oq_contact_complete(e, t, c->id));
            r->c[i] = r->c[--r->n];
            return;
        }
        if (what == 3 && st != OQ_CONTACT_OFFERED && st != OQ_CONTACT_ACTIVE) {
            assert_oq_ok(e, oq_contact_abandon(e, t, c->id));
            r->c[i] = r->c[--r->n];
            return;
        }
    }
    assert_oq_ok(e, oq_engine_advance(e, t));
}

#define N_READS 11

/* Every figure block a host can read: center, queues and channels for each
 * period, and the last closed interval of the center. */
static void read_all(oq_engine *e, oq_queue_stats *s)
{
    static const int32_t periods[3] = {OQ_PERIOD_INTERVAL, OQ_PERIOD_WINDOW, OQ_PERIOD_DAY};
    int n = 0;
    for (int i = 0; i < N_READS; i++)
        s[i] = (oq_queue_stats)OQ_OUTPUT_INIT(oq_queue_stats);
    for (int p = 0; p < 3; p++) {
        assert_oq_ok(e, oq_stats_center(e, periods[p], &s[n++]));
        assert_oq_ok(e, oq_stats_queue(e, p == 1 ? "r" : "q", periods[p], &s[n++]));
        assert_oq_ok(e, oq_stats_channel(e, p == 2 ? "chat" : "voice", periods[p], &s[n++]));
    }
    int32_t count = 0;
    assert_oq_ok(e, oq_stats_interval_count(e, &count));
    if (count > 0)
        assert_oq_ok(e, oq_stats_interval_center(e, 0, &s[n]));
    n++;
    assert_oq_ok(e, oq_stats_queue(e, "r", OQ_PERIOD_DAY, &s[n++]));
    assert_int_equal(n, N_READS);
}

static void expect_same(oq_engine *a, oq_engine *b, int64_t t)
{
    /* the snapshot first: b's adds are still staged */
    void *p = NULL, *q = NULL;
    size_t np = 0, nq = 0;
    assert_oq_ok(a, oq_engine_snapshot_buffer(a, &p, &np));
    assert_oq_ok(b, oq_engine_snapshot_buffer(b, &q, &nq));
    if (np != nq || memcmp(p, q, np) != 0)
        fail_msg("snapshots at %lld ms differ (%zu and %zu bytes)", (long long)t, np, nq);
    oq_free(p);
    oq_free(q);
    oq_queue_stats x[N_READS], y[N_READS];
    read_all(a, x);
    read_all(b, y);
    for (int i = 0; i < N_READS; i++)
        if (memcmp(&x[i], &y[i], sizeof x[i]) != 0)
            fail_msg("read %d at %lld ms: the engine read at every call and the other differ "
                     "(offered %lld / %lld, answered %lld / %lld, asa %.6f / %.6f)",
                     i, (long long)t, (long long)x[i].offered, (long long)y[i].offered,
                     (long long)x[i].answered, (long long)y[i].answered, x[i].asa_s, y[i].asa_s);
}

static void run_both(int32_t attribution, uint64_t seed)
{
    oq_engine *a = build(attribution), *b = build(attribution);
    run ra = {.lcg = seed}, rb = {.lcg = seed};
    uint64_t gaps = seed ^ 0x9e3779b97f4a7c15ULL;
    int64_t t = S(2);
    oq_queue_stats sink[N_READS];
    for (int i = 0; i < 600; i++) {
        gaps = gaps * 6364136223846793005ULL + 1442695040888963407ULL;
        uint32_t g = (uint32_t)(gaps >> 33);
        /* mostly within a bucket or the next, now and then past the window
         * (120 s) or several intervals (60 s) */
        t += g % 10 == 0 ? S(130 + g % 300) : (int64_t)(g % 9000) + 1;
        step(a, &ra, t);
        step(b, &rb, t);
        read_all(a, sink);
        if (i % 97 == 96)
            expect_same(a, b, t);
    }
    expect_same(a, b, t);
    oq_engine_destroy(a);
    oq_engine_destroy(b);
}

static void test_staged_event_attribution(void **state)
{
    (void)state;
    run_both(OQ_ATTRIBUTION_EVENT, 1);
    run_both(OQ_ATTRIBUTION_EVENT, 77);
}

static void test_staged_arrival_attribution(void **state)
{
    (void)state;
    run_both(OQ_ATTRIBUTION_ARRIVAL, 3);
    run_both(OQ_ATTRIBUTION_ARRIVAL, 1234);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_staged_event_attribution),
        cmocka_unit_test(test_staged_arrival_attribution),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
