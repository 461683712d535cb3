/* SPDX-License-Identifier: MIT */
/* A snapshot file stored in the repository (tests/data/snapshot-v3.oqs,
 * written by this library at format 3 from the rich test world) must stay
 * readable: a library reads its own snapshot format and the one before it
 * (include/omniq/core.h, docs/reliability.md), so when the format changes
 * the reader for this version stays and this test keeps passing. While the
 * writer is still at format 3, a restored engine also writes the file back
 * byte for byte (nothing read is lost).
 *
 * tests/data/snapshot-v4-40.oqs is the same engine written at format 4 by
 * the library of 40 statistics counters (lib/stats/counters.h), before a
 * counter was added: it restores to the same engine as the format-3 file,
 * the later counters reading 0, so adding a counter is no format version.
 *
 * To write the format-3 file again (only when the format version changes,
 * as the fixture of the version before): OQ_WRITE_SNAPSHOT_FIXTURE=1
 * build/tests/test_snapshot_stored. The format-4 file is never written
 * again: it stands for the snapshots hosts stored before the later counters. */
#include "snapshot_world.h"
#include "assert_oq.h"
#include "core/codec.h"
#include "stats/internal.h"

#define FIXTURE OMNIQ_TEST_DATA_DIR "/snapshot-v3.oqs"
#define FIXTURE_VERSION 3
#define FIXTURE_V4 OMNIQ_TEST_DATA_DIR "/snapshot-v4-40.oqs"
#define FIXTURE_V4_COUNTERS 40

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

/* Write w's snapshot to path (a fixture), and destroy w. */
static void write_fixture(oq_engine *w, const char *path)
{
    size_t n = 0;
    void *bytes = w_snap(w, &n);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    fclose(f);
    oq_free(bytes);
    oq_engine_destroy(w);
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
        write_fixture(fixture_world(), FIXTURE);
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

static oq_engine *restore_file(const char *path)
{
    oq_error rerr = OQ_ERROR_INIT;
    size_t len = 0;
    void *buf = read_file(path, &len);
    oq_engine *r = NULL;
    oq_status st = oq_engine_restore_buffer(NULL, buf, len, &r, &rerr);
    if (st != OQ_OK)
        fail_msg("stored snapshot %s refused: %s (%s)", path, oq_status_name(st), rerr.message);
    assert_oq_ok(r, oq_engine_check(r));
    free(buf);
    return r;
}

/* The format-4 file of 40 counters (written from the format-3 file's engine)
 * and the format-3 file restore to the same engine: both snapshot again to
 * the same bytes, every counter the 40-counter library did not know at 0. */
static void counters_added_since_restore_as_zero(void **state)
{
    (void)state;
    if (getenv("OQ_WRITE_SNAPSHOT_FIXTURE_V4")) { /* once, by the 40-counter library */
        assert_int_equal(K_N, FIXTURE_V4_COUNTERS);
        write_fixture(restore_file(FIXTURE), FIXTURE_V4);
    }
    assert_true(K_N >= FIXTURE_V4_COUNTERS);
    oq_engine *v3 = restore_file(FIXTURE);
    oq_engine *v4 = restore_file(FIXTURE_V4);
    size_t n3 = 0, n4 = 0;
    void *b3 = w_snap(v3, &n3), *b4 = w_snap(v4, &n4);
    assert_same_bytes(b3, n3, b4, n4);
    if (K_N == FIXTURE_V4_COUNTERS) { /* no counter added yet: the file itself comes back */
        size_t len = 0;
        void *file = read_file(FIXTURE_V4, &len);
        assert_same_bytes(file, len, b4, n4);
        free(file);
    }
    oq_free(b3);
    oq_free(b4);
    /* The later counters read 0 in every block (the center's three periods). */
    for (int32_t p = OQ_PERIOD_INTERVAL; p <= OQ_PERIOD_DAY; p++) {
        const oq_sblock *b = p == OQ_PERIOD_INTERVAL ? &v4->stats->center->cur
                             : p == OQ_PERIOD_DAY    ? &v4->stats->center->day
                                                     : &v4->stats->center->win[0];
        for (int k = FIXTURE_V4_COUNTERS; k < K_N; k++)
            assert_int_equal(b->k[k], 0);
    }
    oq_engine_destroy(v3);
    oq_engine_destroy(v4);
}

/* A fresh snapshot of the format-3 fixture, and the offset of STAT's word
 * of counters per block (the last section; the word follows its tag). */
static unsigned char *snap_with_stat_word(size_t *n, size_t *at)
{
    oq_engine *e = restore_file(FIXTURE);
    unsigned char *buf = w_snap(e, n);
    oq_engine_destroy(e);
    *at = 0;
    for (size_t i = *n - 16; i-- > 16;)
        if (memcmp(buf + i, "STAT", 4) == 0 && buf[i + 4] == (unsigned char)K_N && buf[i + 5] == 0 &&
            buf[i + 6] == 0 && buf[i + 7] == 0) {
            *at = i + 4;
            break;
        }
    assert_true(*at > 0);
    return buf;
}

/* buf with STAT's word set to `word` and the checksum made right again,
 * restored: must be refused as corrupt, with a message holding `want`. */
static void refused_with_word(unsigned char *buf, size_t n, size_t at, uint32_t word,
                              const char *want, const char *why)
{
    for (int i = 0; i < 4; i++)
        buf[at + (size_t)i] = (unsigned char)(word >> (8 * i));
    uint32_t crc = oq__crc32(0, buf, n - 4);
    for (int i = 0; i < 4; i++)
        buf[n - 4 + (size_t)i] = (unsigned char)(crc >> (8 * i));
    oq_error rerr = OQ_ERROR_INIT;
    oq_engine *r = NULL;
    oq_status st = oq_engine_restore_buffer(NULL, buf, n, &r, &rerr);
    if (st != OQ_ECORRUPT)
        fail_msg("word %u: %s (%s), expected OQ_ECORRUPT", word, oq_status_str(st), rerr.message);
    assert_null(r);
    if (!strstr(rerr.message, want) || !strstr(rerr.message, why))
        fail_msg("word %u: unexpected message: %s", word, rerr.message);
}

/* A snapshot whose blocks hold more counters than this library knows (one
 * from a newer library) is refused, naming why, not read with figures lost. */
static void more_counters_than_known_is_refused(void **state)
{
    (void)state;
    size_t n = 0, at = 0;
    unsigned char *buf = snap_with_stat_word(&n, &at);
    char want[120];
    snprintf(want, sizeof want, "statistics blocks hold %d counters, this library knows %d", K_N + 1, K_N);
    refused_with_word(buf, n, at, (uint32_t)K_N + 1, want, "newer library");
    oq_free(buf);
}

/* Format 4 first wrote OQ__STATS_COUNTERS_V3 counters per block and only
 * ever added rows: a format-4 snapshot saying fewer is damaged (its blocks
 * would be read short, every byte after them misread) and is refused,
 * naming the section. */
static void fewer_counters_than_format_4_wrote_is_refused(void **state)
{
    (void)state;
    static const uint32_t words[] = {OQ__STATS_COUNTERS_V3 - 1, 1, 0,
                                     /* with the attribution bits set as well */
                                     (1u << OQ__STATS_ATTRIBUTION_SHIFT) | 7u};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = 0, at = 0;
        unsigned char *buf = snap_with_stat_word(&n, &at);
        uint32_t count = words[i] & ((1u << OQ__STATS_ATTRIBUTION_SHIFT) - 1);
        char want[160];
        snprintf(want, sizeof want,
                 "statistics section (STAT): blocks hold %u counters, format 4 holds at least %d",
                 count, OQ__STATS_COUNTERS_V3);
        refused_with_word(buf, n, at, words[i], want, "damaged");
        oq_free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stored_snapshot_is_read),
        cmocka_unit_test(counters_added_since_restore_as_zero),
        cmocka_unit_test(more_counters_than_known_is_refused),
        cmocka_unit_test(fewer_counters_than_format_4_wrote_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
