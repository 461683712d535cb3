/* SPDX-License-Identifier: MIT */
/* libFuzzer target: snapshot restore.
 *
 * Every input is restored twice:
 * - as raw bytes (oq_engine_restore_buffer as given): the magic, version,
 *   length and checksum checks — almost every mutation stops there;
 * - framed: the magic, format version, "END!" tag, total length and CRC-32
 *   are rewritten to be valid first, so every mutation reaches the content
 *   parser and oq_engine_check (a forged snapshot with a valid checksum).
 * Whatever restores must pass oq_engine_check, snapshot -> restore ->
 * snapshot to identical bytes, and stay sound under a short workload (agents
 * and contacts of the seeds' ids, statistics reads, removals, time moving on
 * to INT64_MAX) with oq_engine_check after every step: an engine that passes
 * its check at once but corrupts memory or strands work later is a bug. A
 * third pass restores the framed input failing the N-th allocation (N from
 * the input) to exercise restore's clean-up. Every engine allocates through a
 * counting allocator: a leak or a wrong old_size aborts.
 *
 * Seeds are written by make_snapshot_seeds with the library being fuzzed
 * (build-fuzz/tests/fuzz/seeds/fuzz_snapshot/, never stale); the corpus in
 * tests/fuzz/corpus/fuzz_snapshot/ holds what fuzzing found beyond them. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omniq/omniq.h"
#include "fuzz_alloc.h"

#define FRAME_MIN 32 /* magic, version, flags, "END!", total length, CRC */

/* The library's CRC-32 (lib/core/codec.c; linked from the static
 * library): a byte-wise loop here, instrumented, cost a fifth of the time. */
uint32_t oq__crc32(uint32_t crc, const void *data, size_t len);

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Make the header and trailer of buf valid (buf has n >= FRAME_MIN bytes). */
static void frame(uint8_t *buf, size_t n)
{
    uint32_t v = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 | (uint32_t)buf[11] << 24;
    memcpy(buf, "OMNIQSNP", 8);
    /* Either format the library reads (the one before too), else the current. */
    put_le(buf + 8, v == OQ_SNAPSHOT_VERSION - 1 ? v : OQ_SNAPSHOT_VERSION, 4);
    memcpy(buf + n - 16, "END!", 4);
    put_le(buf + n - 12, n, 8);
    put_le(buf + n - 4, oq__crc32(0, buf, n - 4), 4);
}

static void must_be_sound(oq_engine *e, const char *after)
{
    if (oq_engine_check(e) != OQ_OK) {
        fprintf(stderr, "after %s: %s\n", after, oq_engine_last_error(e));
        fuzz_die("a restored engine became inconsistent under later calls");
    }
}

static void read_stats(oq_engine *e)
{
    static const char *const queues[] = {"q0", "q1", "q2", "q3"};
    oq_queue_stats qs = OQ_OUTPUT_INIT(oq_queue_stats);
    int32_t n = 0;
    for (int32_t p = OQ_PERIOD_INTERVAL; p <= OQ_PERIOD_DAY; p++)
        (void)oq_stats_center(e, p, &qs);
    if (oq_stats_interval_count(e, &n) == OQ_OK)
        for (int32_t k = 0; k < n && k < 4; k++) {
            (void)oq_stats_interval_center(e, k, &qs);
            for (int i = 0; i < 4; i++)
                (void)oq_stats_interval_queue(e, queues[i], k, &qs);
        }
}

/* Calls on the ids the seeds use (tests/support/world.h, the example
 * scripts fail harmlessly on them), checked after each step. */
static void workload(oq_engine *e)
{
    static const char *const agents[] = {"a0", "a1", "a2", "a3", "a5", "a7"};
    static const char *const queues[] = {"q0", "q1", "q2", "q3"};
    static const char *const channels[] = {"voice", "chat", "email"};
    int64_t now = 0;
    oq_engine_now(e, &now);
    int64_t t = now < INT64_MAX - ((int64_t)1 << 40) ? now : INT64_MAX - ((int64_t)1 << 40);
    (void)oq_engine_advance(e, t + 1);
    must_be_sound(e, "advance 1 ms");
    for (int i = 0; i < 6; i++) {
        (void)oq_agent_login(e, t + 2, agents[i], 1);
        (void)oq_agent_ready(e, t + 2, agents[i]);
    }
    must_be_sound(e, "logins");
    char id[16];
    for (int i = 0; i < 6; i++) {
        oq_contact_spec cs;
        oq_contact_spec_init(&cs);
        snprintf(id, sizeof id, "fz%d", i);
        cs.id = id;
        cs.queue = queues[i % 4];
        cs.channel = channels[i % 3];
        cs.customer = i % 2 ? "cust1" : NULL;
        cs.deadline_ms = i == 4 ? t + 60000 : 0;
        (void)oq_contact_arrive(e, t + 3, &cs);
        oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
        if (oq_contact_get(e, id, &ci) == OQ_OK && ci.state == OQ_CONTACT_OFFERED && ci.agent) {
            char agent[OQ_ID_MAX + 1];
            snprintf(agent, sizeof agent, "%s", ci.agent);
            (void)oq_offer_accept(e, t + 4, id, agent);
        }
    }
    must_be_sound(e, "arrivals");
    (void)oq_contact_complete(e, t + 5, "fz0");
    (void)oq_contact_transfer(e, t + 5, "fz1", "q1");
    (void)oq_contact_park(e, t + 5, "fz2", "waiting");
    (void)oq_contact_reopen(e, t + 6, "fz2", NULL, 0);
    (void)oq_contact_abandon(e, t + 6, "fz3");
    (void)oq_agent_not_ready(e, t + 6, "a1", "break");
    must_be_sound(e, "contact calls");
    read_stats(e);
    static const int64_t steps[] = {1000, 30000, 120000, 3600000, 86400000};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        (void)oq_engine_advance(e, t + 10 + steps[i]);
        must_be_sound(e, "time passing");
        read_stats(e);
    }
    for (int i = 0; i < 4; i++)
        (void)oq_queue_remove(e, queues[i]);
    (void)oq_profile_remove(e, "p0");
    (void)oq_profile_remove(e, "p1");
    (void)oq_group_remove(e, "g0");
    (void)oq_group_remove(e, "g1");
    (void)oq_skill_remove(e, "s0");
    (void)oq_skill_remove(e, "s2");
    for (int i = 0; i < 3; i++)
        (void)oq_channel_remove(e, channels[i]);
    must_be_sound(e, "removals");
    (void)oq_engine_advance(e, INT64_MAX);
    must_be_sound(e, "the end of time");
    read_stats(e);
}

static void restore_once(const uint8_t *data, size_t size, int64_t fail_at, int drive)
{
    oq_error rerr = OQ_ERROR_INIT;
    fuzz_alloc fa = {0};
    fa.fail_at = fail_at;
    oq_engine_options opts;
    oq_engine_options_init(&opts);
    opts.alloc = fuzz_alloc_fn;
    opts.alloc_user = &fa;
    oq_engine *e = NULL;
    oq_status st = oq_engine_restore_buffer(&opts, data, size, &e, &rerr);
    if (st != OQ_OK) {
        if (st != OQ_ECORRUPT && st != OQ_ENOMEM && st != OQ_EINVAL)
            fuzz_die("restore returned a status it does not document");
        if (e)
            fuzz_die("failed restore returned an engine");
        if (!rerr.message[0])
            fuzz_die("failed restore without a message");
        if (fa.live_bytes != 0 || fa.live_blocks != 0)
            fuzz_die("failed restore leaked");
        return;
    }
    if (oq_engine_check(e) != OQ_OK) {
        fprintf(stderr, "%s\n", oq_engine_last_error(e));
        fuzz_die("restored engine fails its self-check");
    }
    void *again = NULL;
    size_t len = 0;
    if (fail_at == 0 && oq_engine_snapshot_buffer(e, &again, &len) == OQ_OK) {
        oq_engine *e2 = NULL;
        if (oq_engine_restore_buffer(&opts, again, len, &e2, &rerr) != OQ_OK)
            fuzz_die("snapshot of a restored engine does not restore");
        void *third = NULL;
        size_t len3 = 0;
        if (oq_engine_snapshot_buffer(e2, &third, &len3) == OQ_OK) {
            if (len3 != len || memcmp(third, again, len) != 0)
                fuzz_die("snapshot -> restore -> snapshot is not identical");
            oq_free(third);
        }
        oq_engine_destroy(e2);
        oq_free(again);
    }
    if (drive)
        workload(e);
    oq_engine_destroy(e);
    if (fa.live_bytes != 0 || fa.live_blocks != 0)
        fuzz_die("engine leaked after destroy");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    restore_once(data, size, 0, 1);
    if (size < FRAME_MIN)
        return 0;
    /* One buffer for the whole run (a fresh large block per input made the
     * kernel zero pages for every execution). */
    static uint8_t *framed;
    static size_t framed_cap;
    if (size > framed_cap) {
        uint8_t *nb = realloc(framed, size);
        if (!nb)
            return 0;
        framed = nb;
        framed_cap = size;
    }
    memcpy(framed, data, size);
    frame(framed, size);
    if (memcmp(framed, data, size) != 0) /* a valid snapshot was just restored as it is */
        restore_once(framed, size, 0, 1);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size && i < 64; i++)
        h = (h ^ data[i]) * 16777619u;
    restore_once(framed, size, 1 + (int64_t)(h % 400), 0);
    return 0;
}
