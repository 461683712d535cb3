/* SPDX-License-Identifier: MIT */
/* Snapshots accept exactly the clock range the API accepts: an engine is
 * created at start_ms >= 0 and oq_engine_advance takes it as far as
 * INT64_MAX, so a snapshot taken anywhere in [0, INT64_MAX] restores (byte
 * for byte, and goes on deciding the same), and a clock outside it is refused
 * like the API refuses it. */
#include "snapshot_world.h"
#include "core/codec.h"
#include "assert_oq.h"

static oq_engine *world(wstream *s, uint64_t seed, int ops, evlog *log)
{
    oq_engine_options o;
    w_options(&o, log, NULL);
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    memset(s, 0, sizeof *s);
    s->rng = seed;
    s->t = 1000;
    w_setup(e, s->t);
    for (int i = 0; i < ops; i++)
        w_step(e, &e, 1, s);
    return e;
}

/* snapshot(restore(snapshot(e))) == snapshot(e); returns the restored engine. */
static oq_engine *round_trip(oq_engine *e, evlog *log)
{
    size_t la, lb;
    void *a = w_snap(e, &la);
    oq_engine *r = w_restore(a, la, log, NULL);
    void *b = w_snap(r, &lb);
    assert_same_bytes(a, la, b, lb);
    oq_free(a);
    oq_free(b);
    return r;
}

/* Past 2^62 ms (where the reader used to stop), the restored engine and the
 * original make the same decisions on the same later actions. */
static void clock_past_2_62_restores(void **state)
{
    (void)state;
    wstream s;
    evlog la = {0}, lb = {0};
    oq_engine *e = world(&s, 5, 600, &la);
    s.t = ((int64_t)1 << 62) + 12345;
    assert_oq_ok(e, oq_engine_advance(e, s.t));
    oq_engine *r = round_trip(e, &lb);
    evlog_reset(&la);
    oq_engine *pair[2] = {e, r};
    for (int i = 0; i < 1500; i++) {
        oq_status st = w_step(pair[0], pair, 2, &s);
        (void)st;
        if (i % 100 == 0) {
            assert_oq_ok(pair[0], oq_engine_check(pair[0]));
            oq_engine_destroy(round_trip(pair[1], NULL));
        }
    }
    assert_true(la.count > 0);
    assert_same_events(&la, &lb);
    size_t n0, n1;
    void *s0 = w_snap(pair[0], &n0), *s1 = w_snap(pair[1], &n1);
    assert_same_bytes(s0, n0, s1, n1);
    oq_free(s0);
    oq_free(s1);
    oq_engine_destroy(pair[0]);
    oq_engine_destroy(pair[1]);
    evlog_free(&la);
    evlog_free(&lb);
}

/* The end of time: the clock at INT64_MAX with contacts, agents and
 * statistics in every state restores, and the restored engine still takes
 * calls at that instant. */
static void clock_at_int64_max_restores(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        wstream s;
        oq_engine *e = world(&s, seed, 500, NULL);
        assert_oq_ok(e, oq_engine_advance(e, INT64_MAX));
        oq_engine *r = round_trip(e, NULL);
        int64_t now = 0;
        assert_oq_ok(r, oq_engine_now(r, &now));
        assert_true(now == INT64_MAX);
        /* Calls at the last instant still work and keep the engine sound. */
        s.t = INT64_MAX;
        oq_engine *pair[2] = {e, r};
        for (int i = 0; i < 200; i++) {
            s.t = INT64_MAX - 4000; /* w_step adds up to 4 s: never past the end */
            w_step(pair[0], pair, 2, &s);
        }
        assert_oq_ok(r, oq_engine_check(r));
        oq_engine_destroy(round_trip(r, NULL));
        oq_engine_destroy(e);
        oq_engine_destroy(r);
    }
}

/* A clock the API could never reach (negative: start_ms must be >= 0) is
 * refused with the field named, like a contact arriving before the clock. */
static void clock_outside_the_api_range_is_refused(void **state)
{
    oq_error rerr = OQ_ERROR_INIT;
    (void)state;
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.start_ms = 0;
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    o.start_ms = -1;
    oq_engine *bad = NULL;
    assert_int_equal(oq_engine_create(&o, &bad), OQ_EINVAL);
    size_t n;
    uint8_t *buf = w_snap(e, &n);
    /* ENGN: tag at 16, rng u64 at 20, the clock i64 at 28. */
    assert_memory_equal(buf + 16, "ENGN", 4);
    for (int b = 0; b < 8; b++)
        buf[28 + b] = 0xFF; /* -1 */
    uint32_t crc = oq__crc32(0, buf, n - 4);
    for (int i = 0; i < 4; i++)
        buf[n - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
    oq_engine *r = NULL;
    assert_int_equal(oq_engine_restore_buffer(NULL, buf, n, &r, &rerr), OQ_ECORRUPT);
    assert_null(r);
    assert_non_null(strstr(rerr.message, "clock"));
    oq_free(buf);
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clock_past_2_62_restores),
        cmocka_unit_test(clock_at_int64_max_restores),
        cmocka_unit_test(clock_outside_the_api_range_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
