/* SPDX-License-Identifier: MIT */
/* A snapshot file stored in the repository (tests/data/snapshot-v3.oqs,
 * written by this library at format 3 from the rich test world) must stay
 * readable: a library reads its own snapshot format and the one before it
 * (include/omniq/core.h, docs/reliability.md), so when the format changes
 * the reader for this version stays and this test keeps passing. While the
 * writer is still at format 3, a restored engine also writes the file back
 * byte for byte (nothing read is lost).
 *
 * To write the file again (only when the format version changes, as the
 * fixture of the version before): OQ_WRITE_SNAPSHOT_FIXTURE=1
 * build/tests/test_snapshot_stored. */
#include "snapshot_world.h"
#include "assert_oq.h"

#define FIXTURE OMNIQ_TEST_DATA_DIR "/snapshot-v3.oqs"
#define FIXTURE_VERSION 3

/* What the stored world holds (counted in the engine that wrote it). */
static const oq_engine_counts STORED = {
    .struct_size = sizeof(oq_engine_counts),
    .channels = 3, .skills = 3, .groups = 2, .agents = 12, .queues = 4,
    .contacts = 39, .contacts_queued = 26, .timers = 20,
};

static void *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n > 0 ? (size_t)n : 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* The world the fixture was written from: seed 1, 300 random steps. */
static oq_engine *fixture_world(void)
{
    oq_engine_options o;
    w_options(&o, NULL, NULL);
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    wstream s;
    memset(&s, 0, sizeof s);
    s.rng = 1;
    s.t = 1000;
    w_setup(e, s.t);
    for (int i = 0; i < 300; i++)
        w_step(e, &e, 1, &s);
    return e;
}

static void stored_snapshot_is_read(void **state)
{
    oq_error rerr = OQ_ERROR_INIT;
    (void)state;
    if (getenv("OQ_WRITE_SNAPSHOT_FIXTURE")) {
        oq_engine *w = fixture_world();
        size_t n = 0;
        void *bytes = w_snap(w, &n);
        FILE *f = fopen(FIXTURE, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(bytes, 1, n, f), n);
        fclose(f);
        oq_free(bytes);
        oq_engine_destroy(w);
    }
    size_t len = 0;
    unsigned char *buf = read_file(FIXTURE, &len);
    assert_true(len > 64);
    uint32_t version = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 |
                       (uint32_t)buf[11] << 24;
    assert_int_equal(version, FIXTURE_VERSION);
    /* The current format or the one after it reads this file. */
    assert_true(OQ_SNAPSHOT_VERSION == FIXTURE_VERSION || OQ_SNAPSHOT_VERSION == FIXTURE_VERSION + 1);

    oq_engine *r = NULL;
    oq_status st = oq_engine_restore_buffer(NULL, buf, len, &r, &rerr);
    if (st != OQ_OK)
        fail_msg("stored format-%u snapshot refused: %s (%s)", (unsigned)version,
                 oq_status_name(st), rerr.message);
    assert_oq_ok(r, oq_engine_check(r));
    oq_engine_counts c = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(r, oq_engine_get_counts(r, &c));
    assert_int_equal(c.channels, STORED.channels);
    assert_int_equal(c.skills, STORED.skills);
    assert_int_equal(c.groups, STORED.groups);
    assert_int_equal(c.agents, STORED.agents);
    assert_int_equal(c.queues, STORED.queues);
    assert_int_equal(c.contacts, STORED.contacts); /* live state, not an empty engine */
    assert_int_equal(c.contacts_queued, STORED.contacts_queued);
    assert_int_equal(c.timers, STORED.timers);

    if (OQ_SNAPSHOT_VERSION == FIXTURE_VERSION) {
        size_t n = 0;
        void *again = w_snap(r, &n);
        assert_same_bytes(buf, len, again, n);
        oq_free(again);
    }
    oq_engine_destroy(r);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stored_snapshot_is_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
