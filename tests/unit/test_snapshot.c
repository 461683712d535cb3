/* SPDX-License-Identifier: MIT */
/* Snapshots: byte-exact round trips, identical decisions after a restore,
 * and refusal of truncated, bit-flipped, forged or unreadable input with no
 * leak; allocation failure at every step of a restore. */
#include "snapshot_world.h"
#include "core/codec.h"
#include "assert_oq.h"

/* A world driven for `ops` random actions. */
static oq_engine *w_build(evlog *log, test_alloc *alloc, uint64_t seed, int ops, wstream *s)
{
    oq_engine_options o;
    w_options(&o, log, alloc);
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    memset(s, 0, sizeof *s);
    s->rng = seed;
    s->t = 1000;
    w_setup(e, s->t);
    for (int i = 0; i < ops; i++) {
        w_step(e, &e, 1, s);
        if (i % 64 == 0)
            assert_oq_ok(e, oq_engine_check(e));
    }
    return e;
}


static void round_trip_is_byte_exact(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        wstream s;
        oq_engine *e = w_build(NULL, NULL, seed, 0, &s);
        oq_engine_counts most = OQ_OUTPUT_INIT(oq_engine_counts);
        for (int round = 0; round < 8; round++) {
            for (int i = 0; i < 300; i++)
                w_step(e, &e, 1, &s);
            size_t la, lb;
            void *a = w_snap(e, &la);
            oq_engine *r = w_restore(a, la, NULL, NULL);
            void *b = w_snap(r, &lb);
            assert_same_bytes(a, la, b, lb);
            oq_engine_counts ca = OQ_OUTPUT_INIT(oq_engine_counts), cb = OQ_OUTPUT_INIT(oq_engine_counts);
            oq_engine_get_counts(e, &ca);
            oq_engine_get_counts(r, &cb);
            assert_memory_equal(&ca, &cb, sizeof ca);
            most.contacts_offered += ca.contacts_offered;
            most.contacts_parked += ca.contacts_parked;
            most.contacts_wrapup += ca.contacts_wrapup;
            most.contacts_active += ca.contacts_active;
            oq_free(a);
            oq_free(b);
            oq_engine_destroy(r);
        }
        oq_engine_counts c = OQ_OUTPUT_INIT(oq_engine_counts);
        oq_engine_get_counts(e, &c);
        assert_true(c.contacts > 0 && c.timers > 0); /* the test did exercise live state */
        assert_true(most.contacts_offered > 0 && most.contacts_parked > 0 && most.contacts_active > 0);
        oq_engine_destroy(e);
    }
}

/* The restored engine and the original make the same decisions on the same
 * stream of later actions, and end in the same state. */
static void restored_engine_decides_the_same(void **state)
{
    (void)state;
    for (uint64_t seed = 11; seed <= 13; seed++) {
        evlog la = {0}, lb = {0};
        wstream s;
        test_alloc alloc = {0};
        oq_engine *a = w_build(&la, NULL, seed, 700, &s);
        size_t n;
        void *buf = w_snap(a, &n);
        oq_engine *b = w_restore(buf, n, &lb, &alloc);
        oq_free(buf);
        evlog_reset(&la);
        oq_engine *both[2] = {a, b};
        for (int i = 0; i < 3000; i++) {
            w_step(a, both, 2, &s);
            if (i % 250 == 0) {
                assert_oq_ok(b, oq_engine_check(b));
                assert_same_events(&la, &lb);
            }
        }
        assert_same_events(&la, &lb);
        assert_true(la.count > 1000);
        size_t n1, n2;
        void *s1 = w_snap(a, &n1), *s2 = w_snap(b, &n2);
        assert_same_bytes(s1, n1, s2, n2);
        oq_free(s1);
        oq_free(s2);
        /* Read-only figures agree too. */
        oq_queue_stats qa = OQ_OUTPUT_INIT(oq_queue_stats), qb = OQ_OUTPUT_INIT(oq_queue_stats);
        assert_oq_ok(a, oq_stats_queue(a, "q0", OQ_PERIOD_DAY, &qa));
        assert_oq_ok(b, oq_stats_queue(b, "q0", OQ_PERIOD_DAY, &qb));
        assert_memory_equal(&qa, &qb, sizeof qa);
        oq_engine_destroy(a);
        oq_engine_destroy(b);
        assert_int_equal(alloc.live_bytes, 0);
        evlog_free(&la);
        evlog_free(&lb);
    }
}

static void truncated_input_is_refused(void **state)
{
    oq_error rerr = OQ_ERROR_INIT;
    (void)state;
    wstream s;
    oq_engine *e = w_build(NULL, NULL, 5, 400, &s);
    size_t n;
    void *buf = w_snap(e, &n);
    test_alloc alloc = {0};
    oq_engine_options o;
    w_options(&o, NULL, &alloc);
    for (size_t len = 0; len < n; len++) {
        oq_engine *r = (oq_engine *)&r;
        oq_status st = oq_engine_restore_buffer(&o, buf, len, &r, &rerr);
        assert_int_equal(st, OQ_ECORRUPT);
        assert_ptr_equal(r, (oq_engine *)&r); /* untouched */
        assert_int_equal(alloc.live_bytes, 0);
    }
    assert_non_null(strstr(rerr.message, "byte"));
    /* One byte too many is refused as well. */
    uint8_t *more = malloc(n + 1);
    memcpy(more, buf, n);
    more[n] = 0;
    oq_engine *r = NULL;
    assert_int_equal(oq_engine_restore_buffer(&o, more, n + 1, &r, &rerr), OQ_ECORRUPT);
    free(more);
    oq_free(buf);
    oq_engine_destroy(e);
}

static void bit_flips_are_refused(void **state)
{
    (void)state;
    wstream s;
    oq_engine *e = w_build(NULL, NULL, 6, 400, &s);
    size_t n;
    uint8_t *buf = w_snap(e, &n);
    test_alloc alloc = {0};
    oq_engine_options o;
    w_options(&o, NULL, &alloc);
    uint64_t rng = 99;
    /* Every bit of the header and trailer, and 800 random bits in between. */
    for (int k = 0; k < 800 + 8 * 40; k++) {
        size_t byte;
        int bit;
        if (k < 8 * 20) {
            byte = (size_t)k / 8, bit = k % 8;
        } else if (k < 8 * 40) {
            byte = n - 20 + (size_t)(k - 160) / 8, bit = k % 8;
        } else {
            byte = (size_t)(w_rnd(&rng) % n), bit = (int)(w_rnd(&rng) % 8);
        }
        buf[byte] ^= (uint8_t)(1u << bit);
        oq_engine *r = NULL;
        oq_status st = oq_engine_restore_buffer(&o, buf, n, &r, NULL);
        if (st != OQ_ECORRUPT)
            fprintf(stderr, "flip of bit %d of byte %zu: %s\n", bit, byte, oq_status_name(st));
        assert_int_equal(st, OQ_ECORRUPT);
        assert_null(r);
        assert_int_equal(alloc.live_bytes, 0);
        buf[byte] ^= (uint8_t)(1u << bit);
    }
    oq_free(buf);
    oq_engine_destroy(e);
}

/* Corrupted content with a valid checksum (what a fuzzer or a forger sends):
 * refused or restored into an engine that passes its self-check — never a
 * crash, never a leak. */
static void forged_content_never_crashes(void **state)
{
    (void)state;
    wstream s;
    oq_engine *e = w_build(NULL, NULL, 7, 400, &s);
    size_t n;
    uint8_t *buf = w_snap(e, &n);
    test_alloc alloc = {0};
    oq_engine_options o;
    w_options(&o, NULL, &alloc);
    uint64_t rng = 7;
    int refused = 0, accepted = 0;
    /* Most bytes are statistics counters: aim half of the edits at the model
     * (before the STAT section). */
    size_t stat_at = 16;
    while (stat_at + 4 < n && memcmp(buf + stat_at, "STAT", 4) != 0)
        stat_at++;
    for (int k = 0; k < 2000; k++) {
        uint8_t *m = malloc(n);
        memcpy(m, buf, n);
        int edits = 1 + (int)(w_rnd(&rng) % 3);
        for (int j = 0; j < edits; j++) {
            size_t span = k % 2 ? stat_at - 16 : n - 32;
            size_t at = 16 + (size_t)(w_rnd(&rng) % span);
            uint64_t how = w_rnd(&rng) % 6;
            if (how >= 4 && at + 4 < n - 16) { /* an i32 set to a boundary value */
                static const uint32_t vals[] = {0, 1, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u, 16, 255};
                uint32_t v = vals[w_rnd(&rng) % 7];
                for (int b = 0; b < 4; b++)
                    m[at + (size_t)b] = (uint8_t)(v >> (8 * b));
                continue;
            }
            if (how == 0)
                m[at] ^= (uint8_t)(1u << (w_rnd(&rng) % 8));
            else if (how == 1)
                m[at] = (uint8_t)w_rnd(&rng);
            else if (how == 2)
                m[at] = 0xFF;
            else
                m[at] = (uint8_t)(m[at] + 1);
        }
        uint32_t crc = oq__crc32(0, m, n - 4);
        for (int i = 0; i < 4; i++)
            m[n - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
        oq_engine *r = NULL;
        oq_status st = oq_engine_restore_buffer(&o, m, n, &r, NULL);
        assert_true(st == OQ_OK || st == OQ_ECORRUPT);
        if (st == OQ_OK) {
            accepted++;
            assert_oq_ok(r, oq_engine_check(r));
            oq_engine_destroy(r);
        } else {
            refused++;
        }
        assert_int_equal(alloc.live_bytes, 0);
        free(m);
    }
    assert_true(refused > 0);
    (void)accepted;
    oq_free(buf);
    oq_engine_destroy(e);
}

static void allocation_failure_at_every_step(void **state)
{
    (void)state;
    wstream s;
    oq_engine *e = w_build(NULL, NULL, 8, 300, &s);
    size_t n;
    void *buf = w_snap(e, &n);
    int64_t k;
    for (k = 1;; k++) {
        test_alloc alloc = {0};
        alloc.fail_at = k;
        oq_engine_options o;
        w_options(&o, NULL, &alloc);
        oq_engine *r = NULL;
        oq_status st = oq_engine_restore_buffer(&o, buf, n, &r, NULL);
        if (st == OQ_OK) {
            assert_int_equal(alloc.n_failed, 0);
            alloc.fail_at = 0;
            size_t m;
            void *again = w_snap(r, &m);
            assert_same_bytes(buf, n, again, m);
            oq_free(again);
            oq_engine_destroy(r);
            assert_int_equal(alloc.live_bytes, 0);
            break;
        }
        assert_int_equal(st, OQ_ENOMEM);
        assert_null(r);
        assert_int_equal(alloc.live_bytes, 0);
        assert_int_equal(alloc.live_blocks, 0);
    }
    assert_true(k > 50);
    oq_free(buf);
    oq_engine_destroy(e);
}

/* Taking a snapshot allocates through the engine's allocator (its writer's
 * buffer, the resume walk's scratch), gives every byte back, and fails with
 * OQ_ENOMEM naming the snapshot when the allocator refuses — the engine
 * unchanged. */
typedef struct held_probe {
    test_alloc *alloc;
    int64_t before, most;
} held_probe;

static oq_status write_probe(const void *data, size_t len, void *user)
{
    (void)data, (void)len;
    held_probe *h = user;
    if (h->alloc->live_bytes - h->before > h->most)
        h->most = h->alloc->live_bytes - h->before;
    return OQ_OK;
}

static void snapshot_memory_comes_from_the_engine(void **state)
{
    (void)state;
    test_alloc alloc = {0};
    wstream s;
    oq_engine *e = w_build(NULL, &alloc, 12, 300, &s);
    held_probe h = {&alloc, alloc.live_bytes, 0};
    assert_oq_ok(e, oq_engine_snapshot(e, write_probe, &h));
    assert_true(h.most >= 4096); /* the writer's buffer, counted while it writes */
    assert_int_equal(alloc.live_bytes, h.before);

    snap_buf before = snap_of(e, &alloc);
    alloc.fail_at = alloc.n_allocs + 1;
    h.most = 0;
    assert_int_equal(oq_engine_snapshot(e, write_probe, &h), OQ_ENOMEM);
    assert_non_null(strstr(oq_engine_last_error(e), "snapshot"));
    assert_int_equal(alloc.live_bytes, h.before);
    alloc.fail_at = 0;
    snap_buf after = snap_of(e, &alloc);
    assert_same_bytes(before.p, before.n, after.p, after.n);
    free(before.p);
    free(after.p);
    oq_engine_destroy(e);
    assert_int_equal(alloc.live_bytes, 0);
}

/* ---- streaming API --------------------------------------------------------------- */

typedef struct chunks {
    const uint8_t *p;
    size_t n, at;
    uint64_t rng;
    int fail_after; /* bytes; -1 never */
} chunks;

static int64_t read_chunks(void *buf, size_t len, void *user)
{
    chunks *c = user;
    if (c->fail_after >= 0 && c->at >= (size_t)c->fail_after)
        return -1;
    size_t k = 1 + (size_t)(w_rnd(&c->rng) % 9);
    if (k > len)
        k = len;
    if (k > c->n - c->at)
        k = c->n - c->at;
    memcpy(buf, c->p + c->at, k);
    c->at += k;
    return (int64_t)k;
}

typedef struct sink {
    uint8_t *p;
    size_t n;
    int calls, fail_at;
} sink;

static oq_status write_sink(const void *data, size_t len, void *user)
{
    sink *s = user;
    if (++s->calls == s->fail_at)
        return OQ_ERANGE;
    s->p = realloc(s->p, s->n + len);
    memcpy(s->p + s->n, data, len);
    s->n += len;
    return OQ_OK;
}

static void streaming_reader_and_writer(void **state)
{
    oq_error rerr = OQ_ERROR_INIT;
    (void)state;
    wstream s;
    oq_engine *e = w_build(NULL, NULL, 9, 300, &s);
    sink k = {0};
    assert_oq_ok(e, oq_engine_snapshot(e, write_sink, &k));
    assert_true(k.calls > 1);
    size_t n;
    void *buf = w_snap(e, &n);
    assert_same_bytes(buf, n, k.p, k.n);

    test_alloc alloc = {0};
    oq_engine_options o;
    w_options(&o, NULL, &alloc);
    chunks c = {k.p, k.n, 0, 3, -1};
    oq_engine *r = NULL;
    assert_oq_ok_e(oq_engine_restore, &o, read_chunks, &c, &r);
    size_t m;
    void *again = w_snap(r, &m);
    assert_same_bytes(buf, n, again, m);
    oq_free(again);
    oq_engine_destroy(r);

    chunks bad = {k.p, k.n, 0, 3, 5000};
    r = NULL;
    assert_int_equal(oq_engine_restore(&o, read_chunks, &bad, &r, &rerr), OQ_ECORRUPT);
    assert_non_null(strstr(rerr.message, "reader"));
    assert_null(r);
    assert_int_equal(alloc.live_bytes, 0);

    /* A writer's error stops the snapshot and is returned. */
    sink f = {0};
    f.fail_at = 2;
    assert_int_equal(oq_engine_snapshot(e, write_sink, &f), OQ_ERANGE);
    free(f.p);
    free(k.p);
    oq_free(buf);
    oq_engine_destroy(e);
}

static void clear_errors_and_arguments(void **state)
{
    oq_error rerr = OQ_ERROR_INIT;
    (void)state;
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(NULL, &e));
    size_t n;
    uint8_t *buf = w_snap(e, &n); /* an empty engine round-trips too */
    oq_engine *r = NULL;
    oq_status st = oq_engine_restore_buffer(NULL, buf, n, &r, &rerr);
    if (st != OQ_OK)
        fprintf(stderr, "%s\n", rerr.message);
    assert_oq_ok(NULL, st);
    oq_engine_destroy(r);

    buf[0] = 'X';
    assert_int_equal(oq_engine_restore_buffer(NULL, buf, n, &r, &rerr), OQ_ECORRUPT);
    assert_non_null(strstr(rerr.message, "magic"));
    buf[0] = 'O';
    buf[8] = 9;
    assert_int_equal(oq_engine_restore_buffer(NULL, buf, n, &r, &rerr), OQ_ECORRUPT);
    assert_non_null(strstr(rerr.message, "version"));
    buf[8] = OQ_SNAPSHOT_VERSION;
    buf[20] ^= 1;
    assert_int_equal(oq_engine_restore_buffer(NULL, buf, n, &r, &rerr), OQ_ECORRUPT);
    assert_non_null(strstr(rerr.message, "checksum"));
    buf[20] ^= 1;

    assert_int_equal(oq_engine_snapshot(NULL, write_sink, NULL), OQ_EINVAL);
    assert_int_equal(oq_engine_snapshot(e, NULL, NULL), OQ_EINVAL);
    assert_int_equal(oq_engine_snapshot_buffer(e, NULL, &n), OQ_EINVAL);
    assert_int_equal(oq_engine_restore_buffer(NULL, buf, n, NULL, &rerr), OQ_EINVAL);
    assert_int_equal(oq_engine_restore(NULL, NULL, NULL, &r, &rerr), OQ_EINVAL);
    oq_engine_options bad;
    oq_engine_options_init(&bad);
    bad.struct_size = 3;
    assert_int_equal(oq_engine_restore_buffer(&bad, buf, n, &r, &rerr), OQ_EINVAL);
    oq_free(buf);
    oq_engine_destroy(e);
}

static oq_status snap_status_in_cb = 1;
static void snapshot_from_callback(const oq_event *ev, void *user)
{
    (void)ev;
    void *b = NULL;
    size_t n = 0;
    snap_status_in_cb = oq_engine_snapshot_buffer(*(oq_engine **)user, &b, &n);
}

static void snapshot_inside_a_callback_is_busy(void **state)
{
    (void)state;
    static oq_engine *self;
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.on_event = snapshot_from_callback;
    o.event_user = &self;
    assert_oq_ok(NULL, oq_engine_create(&o, &self));
    add_agent(self, "a", 100);
    assert_oq_ok(self, oq_agent_login(self, 0, "a", 1));
    assert_int_equal(snap_status_in_cb, OQ_EBUSY);
    oq_engine_destroy(self);
}

/* Regression (found by the round trip under ASan): destroying an engine whose
 * agent still has a back-off timer armed must not touch the freed agent. */
static void destroy_with_agent_timer_armed(void **state)
{
    (void)state;
    test_alloc alloc = {0};
    oq_engine *e = new_engine(NULL, &alloc);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e, "a", 100);
    add_agent(e, "b", 100);
    oq_agent_policy p;
    oq_agent_policy_init(&p);
    p.reject_delay_s = 50;
    assert_oq_ok(e, oq_agent_set_policy(e, 0, "a", &p));
    oq_stats_options so;
    oq_stats_options_init(&so);
    so.interval_s = 10;
    assert_oq_ok(e, oq_stats_configure(e, &so));
    assert_oq_ok(e, oq_agent_login(e, 0, "a", 1));
    assert_oq_ok(e, arrive(e, 1, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_reject(e, 2, "c1", "a")); /* a's back-off timer */
    size_t n;
    void *buf = w_snap(e, &n);
    oq_engine *r = w_restore(buf, n, NULL, &alloc);
    oq_free(buf);
    oq_engine_destroy(r);
    oq_engine_destroy(e);
    assert_int_equal(alloc.live_bytes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_is_byte_exact),
        cmocka_unit_test(restored_engine_decides_the_same),
        cmocka_unit_test(truncated_input_is_refused),
        cmocka_unit_test(bit_flips_are_refused),
        cmocka_unit_test(forged_content_never_crashes),
        cmocka_unit_test(allocation_failure_at_every_step),
        cmocka_unit_test(snapshot_memory_comes_from_the_engine),
        cmocka_unit_test(streaming_reader_and_writer),
        cmocka_unit_test(clear_errors_and_arguments),
        cmocka_unit_test(snapshot_inside_a_callback_is_busy),
        cmocka_unit_test(destroy_with_agent_timer_armed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
