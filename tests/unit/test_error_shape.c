/* SPDX-License-Identifier: MIT */
/* The one error shape (oq_error, core.h) of the calls without a live engine:
 * the configuration loaders (file and buffer), snapshot restore (buffer and
 * stream), journal replay and simulator creation / options check. Each fills
 * the caller's struct on a bad input (status, message naming the field, id
 * or file:line:col, and the position where there is one); a struct from an
 * "older header" (a smaller struct_size) receives only what fits and the
 * bytes after it stay as they were; NULL is accepted; a success leaves the
 * struct untouched; and running out of memory still says OQ_ENOMEM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "omniq/omniq.h"
#include "assert_oq.h"
#include "test_support.h"

#define CANARY 0xA5

/* ---- the failing calls ---------------------------------------------------- */

static oq_status config_buffer(oq_error *err)
{
    static const char yaml[] = "channels:\n"
                               "  voice: {}\n"
                               "queuez: {}\n";
    oq_engine *e = NULL;
    oq_status st = oq_config_load_buffer(NULL, yaml, sizeof yaml - 1, "center.yaml", &e, err);
    assert_null(e);
    return st;
}

static oq_status config_file(oq_error *err)
{
    oq_engine *e = NULL;
    oq_status st = oq_config_load_file(NULL, "/nonexistent/omniq/center.yaml", &e, err);
    assert_null(e);
    return st;
}

static oq_status restore_buffer(oq_error *err)
{
    static const char junk[] = "this is not an omniq snapshot, only forty-odd bytes";
    oq_engine *e = NULL;
    oq_status st = oq_engine_restore_buffer(NULL, junk, sizeof junk, &e, err);
    assert_null(e);
    return st;
}

static int64_t failing_reader(void *buf, size_t len, void *user)
{
    (void)buf;
    (void)len;
    (void)user;
    return -1;
}

static oq_status restore_stream(oq_error *err)
{
    oq_engine *e = NULL;
    oq_status st = oq_engine_restore(NULL, failing_reader, NULL, &e, err);
    assert_null(e);
    return st;
}

static oq_status journal_no_engine(oq_error *err)
{
    static const uint8_t rec[32];
    return oq_journal_apply(NULL, rec, sizeof rec, err);
}

/* Keeps the last record a primary emitted. */
typedef struct last_record {
    uint8_t data[512];
    size_t len;
} last_record;

static void keep_record(const oq_journal_record *rec, void *user)
{
    last_record *l = user;
    assert_non_null(rec->data);
    assert_true(rec->len <= sizeof l->data);
    memcpy(l->data, rec->data, rec->len);
    l->len = rec->len;
}

static void add_channel_id(oq_engine *e, const char *id)
{
    oq_channel_spec c;
    oq_channel_spec_init(&c);
    c.id = id;
    assert_oq_ok(e, oq_channel_add(e, &c));
}

/* The second record of a primary applied on a fresh standby: a gap. */
static oq_status journal_gap(oq_error *err)
{
    oq_engine *primary = NULL, *standby = NULL;
    last_record l = {{0}, 0};
    assert_oq_ok(NULL, oq_engine_create(NULL, &primary));
    assert_oq_ok(primary, oq_engine_set_journal(primary, keep_record, &l));
    add_channel_id(primary, "voice");
    add_channel_id(primary, "chat");
    assert_oq_ok(NULL, oq_engine_create(NULL, &standby));
    oq_status st = oq_journal_apply(standby, l.data, l.len, err);
    /* the engine's own message says the same */
    if (err && err->struct_size == sizeof *err)
        assert_string_equal(err->message, oq_engine_last_error(standby));
    oq_engine_destroy(standby);
    oq_engine_destroy(primary);
    return st;
}

static oq_sim_stream sim_stream(void)
{
    oq_sim_stream s;
    oq_sim_stream_init(&s);
    s.queue = "q";
    s.channel = "voice";
    s.rate_per_hour = 10;
    s.handle.mean = -1; /* must be > 0 */
    return s;
}

static oq_status sim_build(oq_engine *e, uint64_t seed, void *user)
{
    (void)e;
    (void)seed;
    (void)user;
    return OQ_OK;
}

static oq_status sim_check(oq_error *err)
{
    oq_sim_stream s = sim_stream();
    oq_sim_options o;
    oq_sim_options_init(&o);
    o.build = sim_build;
    o.n_streams = 1;
    o.streams = &s;
    return oq_sim_options_check(&o, err);
}

static oq_status sim_create(oq_error *err)
{
    oq_sim_stream s = sim_stream();
    oq_sim_options o;
    oq_sim_options_init(&o);
    o.build = sim_build;
    o.n_streams = 1;
    o.streams = &s;
    oq_sim *sim = NULL;
    oq_status st = oq_sim_create(&o, &sim, err);
    assert_null(sim);
    return st;
}

typedef struct error_case {
    const char *name;
    oq_status (*run)(oq_error *err);
    oq_status status;
    const char *needle; /* the message names the field, id or file:line:col */
    int32_t line, column;
    const char *path;
} error_case;

static const error_case CASES[] = {
    {"config buffer", config_buffer, OQ_ECONFIG, "center.yaml:3:1: ", 3, 1, "center.yaml"},
    {"config file", config_file, OQ_ECONFIG, "/nonexistent/omniq/center.yaml", 0, 0,
     "/nonexistent/omniq/center.yaml"},
    {"restore buffer", restore_buffer, OQ_ECORRUPT, "at byte 0: not an omniq snapshot", 0, 0, ""},
    {"restore stream", restore_stream, OQ_ECORRUPT, "the reader reported an error", 0, 0, ""},
    {"journal without engine", journal_no_engine, OQ_EINVAL, "engine is NULL", 0, 0, ""},
    {"journal gap", journal_gap, OQ_ECORRUPT, "sequence 2, expected 1", 0, 0, ""},
    {"sim options check", sim_check, OQ_EINVAL, "streams[0].handle", 0, 0, ""},
    {"sim create", sim_create, OQ_EINVAL, "streams[0].handle", 0, 0, ""},
};
#define N_CASES ((int)(sizeof CASES / sizeof CASES[0]))

/* ---- tests ----------------------------------------------------------------- */

static void each_path_fills_the_struct(void **state)
{
    (void)state;
    for (int k = 0; k < N_CASES; k++) {
        const error_case *c = &CASES[k];
        oq_error err = OQ_ERROR_INIT;
        oq_status st = c->run(&err);
        if (st != c->status || !strstr(err.message, c->needle))
            fail_msg("%s: %s \"%s\" (want %s naming \"%s\")", c->name, oq_status_name(st),
                     err.message, oq_status_name(c->status), c->needle);
        assert_int_equal(err.struct_size, sizeof err);
        assert_int_equal(err.status, st);
        assert_int_equal(err.line, c->line);
        assert_int_equal(err.column, c->column);
        assert_string_equal(err.path, c->path);
    }
}

static void null_error_is_allowed(void **state)
{
    (void)state;
    for (int k = 0; k < N_CASES; k++) {
        oq_status st = CASES[k].run(NULL);
        if (st != CASES[k].status)
            fail_msg("%s with a NULL error: %s (want %s)", CASES[k].name, oq_status_name(st),
                     oq_status_name(CASES[k].status));
    }
}

/* A struct of an older (smaller) header inside a larger buffer of canaries:
 * the call writes its first `size` bytes only, keeps struct_size, and cuts a
 * string it ends inside with a NUL. */
static void older_header_gets_only_what_fits(void **state)
{
    (void)state;
    const size_t sizes[] = {0,
                            offsetof(oq_error, status),
                            offsetof(oq_error, line),
                            offsetof(oq_error, column),
                            offsetof(oq_error, message),
                            offsetof(oq_error, message) + 20,
                            offsetof(oq_error, path),
                            offsetof(oq_error, path) + 8,
                            sizeof(oq_error)};
    for (int k = 0; k < N_CASES; k++) {
        const error_case *c = &CASES[k];
        oq_error full = OQ_ERROR_INIT;
        assert_int_equal(c->run(&full), c->status);
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            size_t size = sizes[i];
            unsigned char buf[sizeof(oq_error) + 64];
            memset(buf, CANARY, sizeof buf);
            uint32_t ss = (uint32_t)size;
            memcpy(buf, &ss, sizeof ss);
            oq_error *err = (oq_error *)(void *)buf;
            assert_int_equal(c->run(err), c->status);
            assert_int_equal(err->struct_size, ss);
            for (size_t b = size > 4 ? size : 4; b < sizeof buf; b++)
                if (buf[b] != CANARY)
                    fail_msg("%s, struct_size %zu: byte %zu written", c->name, size, b);
            /* what fits is the full error's prefix */
            size_t cut_msg = offsetof(oq_error, message), cut_path = offsetof(oq_error, path);
            for (size_t b = 4; b < size; b++) {
                int last_of_cut = (size > cut_msg && size < cut_path && b == size - 1) ||
                                  (size > cut_path && size < sizeof(oq_error) && b == size - 1);
                unsigned char want = last_of_cut ? 0 : ((const unsigned char *)&full)[b];
                if (buf[b] != want)
                    fail_msg("%s, struct_size %zu: byte %zu is %u, want %u", c->name, size, b,
                             buf[b], want);
            }
        }
    }
}

static void success_leaves_the_struct_untouched(void **state)
{
    (void)state;
    unsigned char buf[sizeof(oq_error)], before[sizeof(oq_error)];
    memset(buf, CANARY, sizeof buf);
    ((oq_error *)(void *)buf)->struct_size = (uint32_t)sizeof(oq_error);
    memcpy(before, buf, sizeof buf);
    oq_error *err = (oq_error *)(void *)buf;

    static const char yaml[] = "channels:\n  voice: {}\n";
    oq_engine *e = NULL;
    assert_oq_ok_err(err, oq_config_load_buffer(NULL, yaml, sizeof yaml - 1, NULL, &e, err));
    void *snap = NULL;
    size_t len = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &snap, &len));
    oq_engine *r = NULL;
    assert_oq_ok_err(err, oq_engine_restore_buffer(NULL, snap, len, &r, err));
    last_record l = {{0}, 0};
    assert_oq_ok(e, oq_engine_set_journal(e, keep_record, &l));
    add_channel_id(e, "chat");
    assert_oq_ok_err(err, oq_journal_apply(r, l.data, l.len, err));
    assert_memory_equal(buf, before, sizeof buf);
    oq_free(snap);
    oq_engine_destroy(r);
    oq_engine_destroy(e);
    assert_memory_equal(buf, before, sizeof buf);
}

/* Every allocation of a load or a restore failing in turn: each failure is
 * OQ_ENOMEM in the status and in the struct, with a message, and frees all. */
static void out_of_memory_is_reported(void **state)
{
    (void)state;
    static const char yaml[] = "channels:\n  voice: {}\n  chat: {capacity_cost: 30}\n"
                               "queues:\n  sales: {channels: [voice, chat]}\n"
                               "agents:\n  a1: {}\n  a2: {}\n";
    oq_engine *e = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_config_load_buffer(NULL, yaml, sizeof yaml - 1, NULL, &e, &err));
    void *snap = NULL;
    size_t len = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &snap, &len));
    oq_engine_destroy(e);

    for (int which = 0; which < 2; which++) {
        int failed = 0;
        for (int64_t k = 1;; k++) {
            test_alloc a = {0};
            a.fail_at = k;
            oq_engine_options o;
            oq_engine_options_init(&o);
            o.alloc = test_alloc_fn;
            o.alloc_user = &a;
            oq_error_init(&err);
            oq_engine *out = NULL;
            oq_status st = which == 0
                               ? oq_config_load_buffer(&o, yaml, sizeof yaml - 1, "c.yaml", &out, &err)
                               : oq_engine_restore_buffer(&o, snap, len, &out, &err);
            if (st == OQ_OK) {
                assert_int_equal(a.n_failed, 0);
                oq_engine_destroy(out);
                break;
            }
            if (st != OQ_ENOMEM || err.status != OQ_ENOMEM || !strstr(err.message, "out of memory"))
                fail_msg("%s, allocation %lld failing: %s / %s \"%s\"",
                         which == 0 ? "load" : "restore", (long long)k, oq_status_name(st),
                         oq_status_name(err.status), err.message);
            assert_null(out);
            assert_int_equal(a.live_bytes, 0);
            failed++;
        }
        assert_true(failed > 3);
    }
    oq_free(snap);
}

static void error_init_sets_the_size(void **state)
{
    (void)state;
    oq_error a, b = OQ_ERROR_INIT;
    memset(&a, CANARY, sizeof a);
    oq_error_init(&a);
    assert_int_equal(a.struct_size, sizeof a);
    assert_memory_equal(&a, &b, sizeof a);
    oq_error_init(NULL); /* a no-op */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_path_fills_the_struct),
        cmocka_unit_test(null_error_is_allowed),
        cmocka_unit_test(older_header_gets_only_what_fits),
        cmocka_unit_test(success_leaves_the_struct_untouched),
        cmocka_unit_test(out_of_memory_is_reported),
        cmocka_unit_test(error_init_sets_the_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
