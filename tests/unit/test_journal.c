/* SPDX-License-Identifier: MIT */
/* The action journal: one record per successful state-changing call, none
 * for failed ones, and a snapshot plus the records written after it rebuild
 * the exact same engine (a standby taking over). */
#include "snapshot_world.h"
#include "core/codec.h"
#include "assert_oq.h"

typedef struct jrec {
    int32_t action;
    int64_t now;
    uint8_t *data;
    size_t len;
} jrec;

typedef struct jlog {
    jrec *r;
    int n, cap;
    int lost;
} jlog;

static void jlog_fn(const oq_journal_record *rec, void *user)
{
    jlog *l = user;
    if (!rec->data) {
        l->lost++;
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->r = realloc(l->r, (size_t)l->cap * sizeof *l->r);
        assert_non_null(l->r);
    }
    jrec *j = &l->r[l->n++];
    j->action = rec->action;
    j->now = rec->now_ms;
    j->len = rec->len;
    j->data = malloc(rec->len);
    memcpy(j->data, rec->data, rec->len);
    assert_int_equal(rec->reserved, 0);
}

static void jlog_clear(jlog *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->r[i].data);
    l->n = 0;
}

static void jlog_free(jlog *l)
{
    jlog_clear(l);
    free(l->r);
    memset(l, 0, sizeof *l);
}

static oq_engine *fresh(evlog *log, test_alloc *alloc)
{
    oq_engine_options o;
    w_options(&o, log, alloc);
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    return e;
}

static void replay_all(oq_engine *e, const jlog *l)
{
    for (int i = 0; i < l->n; i++) {
        oq_status st = oq_journal_apply(e, l->r[i].data, l->r[i].len, NULL);
        if (st != OQ_OK)
            fprintf(stderr, "record %d (%s): %s: %s\n", i, oq_journal_action_name(l->r[i].action),
                    oq_status_name(st), oq_engine_last_error(e));
        assert_oq_ok(NULL, st);
    }
}

static void assert_same_state(oq_engine *a, oq_engine *b)
{
    size_t na, nb;
    void *sa = w_snap(a, &na), *sb = w_snap(b, &nb);
    assert_same_bytes(sa, na, sb, nb);
    oq_free(sa);
    oq_free(sb);
    assert_oq_ok(b, oq_engine_check(b));
}

/* Snapshot at some point, keep journaling, restore the snapshot elsewhere and
 * replay the records: same bytes, then same decisions on the same stream. */
static void snapshot_plus_journal_rebuilds_the_engine(void **state)
{
    (void)state;
    for (uint64_t seed = 21; seed <= 23; seed++) {
        evlog la = {0}, lb = {0};
        jlog since_start = {0}, since_snap = {0};
        oq_engine *a = fresh(&la, NULL);
        assert_oq_ok(a, oq_engine_set_journal(a, jlog_fn, &since_start));
        wstream s = {seed, 1000, 0, 0};
        w_setup(a, s.t);
        for (int i = 0; i < 600; i++)
            w_step(a, &a, 1, &s);
        size_t n;
        void *snap = w_snap(a, &n);
        /* From here on, records go to a second log too. */
        jlog *both[2] = {&since_start, &since_snap};
        (void)both;
        int mark = since_start.n;
        for (int i = 0; i < 1500; i++)
            w_step(a, &a, 1, &s);
        for (int i = mark; i < since_start.n; i++)
            jlog_fn(&(oq_journal_record){.action = since_start.r[i].action, .now_ms = since_start.r[i].now,
                                         .data = since_start.r[i].data, .len = since_start.r[i].len},
                    &since_snap);
        assert_true(since_snap.n > 1000);

        /* Standby 1: the snapshot plus what came after it. */
        oq_engine_options o;
        w_options(&o, &lb, NULL);
        oq_engine *b = NULL;
        assert_oq_ok_e(oq_engine_restore_buffer, &o, snap, n, &b);
        oq_free(snap);
        replay_all(b, &since_snap);
        assert_same_state(a, b);

        /* Standby 2: a fresh engine and every record since creation. */
        oq_engine *c = fresh(NULL, NULL);
        replay_all(c, &since_start);
        assert_same_state(a, c);
        oq_engine_destroy(c);

        /* Then both decide the same on the same stream. */
        evlog_reset(&la);
        evlog_reset(&lb);
        oq_engine *pair[2] = {a, b};
        for (int i = 0; i < 2000; i++)
            w_step(a, pair, 2, &s);
        assert_same_events(&la, &lb);
        assert_true(la.count > 500);
        /* a numbered its records on; b, driven directly, emitted none. */
        uint64_t next_a, next_b;
        assert_oq_ok(a, oq_engine_journal_seq(a, &next_a));
        assert_oq_ok(b, oq_engine_journal_seq(b, &next_b));
        assert_true(next_a == (uint64_t)since_start.n + 1 && next_b < next_a);
        assert_oq_ok(b, oq_engine_set_journal_seq(b, next_a));
        assert_same_state(a, b);
        oq_engine_destroy(a);
        oq_engine_destroy(b);
        jlog_free(&since_start);
        jlog_free(&since_snap);
        evlog_free(&la);
        evlog_free(&lb);
    }
}

/* Exactly one record per successful call; none for a call that fails without
 * moving the clock; an ADVANCE for one that fails after timers fired. */
static void one_record_per_successful_call(void **state)
{
    (void)state;
    jlog l = {0};
    oq_engine *e = fresh(NULL, NULL);
    assert_oq_ok(e, oq_engine_set_journal(e, jlog_fn, &l));
    wstream s = {31, 1000, 0, 0};
    w_setup(e, s.t);
    int ok = 0, failed = 0;
    for (int i = 0; i < 3000; i++) {
        int before = l.n;
        int64_t clock0;
        oq_engine_now(e, &clock0);
        oq_status st = w_step(e, &e, 1, &s);
        int64_t clock1;
        oq_engine_now(e, &clock1);
        int got = l.n - before;
        if (!s.called) {
            assert_int_equal(got, 0);
        } else if (st == OQ_OK) {
            ok++;
            assert_int_equal(got, 1);
        } else {
            failed++;
            if (clock1 == clock0) {
                assert_int_equal(got, 0);
            } else {
                assert_int_equal(got, 1);
                assert_int_equal(l.r[l.n - 1].action, OQ_J_ADVANCE);
                assert_int_equal(l.r[l.n - 1].now, clock1);
            }
        }
    }
    assert_true(ok > 1000 && failed > 50);
    /* Validation failures at the current clock record nothing. */
    int before = l.n;
    int64_t now;
    oq_engine_now(e, &now);
    assert_int_equal(oq_agent_login(e, now, "nobody", 1), OQ_ENOTFOUND);
    assert_int_equal(oq_skill_add(e, "", 3), OQ_EINVAL);
    assert_int_equal(oq_engine_advance(e, now - 1), OQ_EINVAL);
    assert_int_equal(l.n, before);
    /* The documented size of a login record (docs/snapshot.md). */
    (void)oq_agent_logout(e, now, "a7");
    assert_oq_ok(e, oq_agent_login(e, now, "a7", 1));
    assert_int_equal(l.r[l.n - 1].action, OQ_J_AGENT_LOGIN);
    assert_int_equal(l.r[l.n - 1].len, 39);
    before = l.n;
    /* A call without now_ms records the clock. */
    assert_oq_ok(e, oq_skill_add(e, "s9", 3));
    assert_int_equal(l.n, before + 1);
    assert_int_equal(l.r[l.n - 1].action, OQ_J_SKILL_ADD);
    assert_int_equal(l.r[l.n - 1].now, now);
    /* Journal off: nothing more. */
    assert_oq_ok(e, oq_engine_set_journal(e, NULL, NULL));
    assert_oq_ok(e, oq_skill_add(e, "s10", 3));
    assert_int_equal(l.n, before + 1);
    assert_int_equal(l.lost, 0);
    oq_engine_destroy(e);
    jlog_free(&l);
}

/* A call that fails for memory emits nothing (and changes nothing). */
static void enomem_emits_nothing(void **state)
{
    (void)state;
    test_alloc alloc = {0};
    jlog l = {0};
    oq_engine *e = fresh(NULL, &alloc);
    assert_oq_ok(e, oq_engine_set_journal(e, jlog_fn, &l));
    wstream s = {41, 1000, 0, 0};
    w_setup(e, s.t);
    for (int i = 0; i < 200; i++)
        w_step(e, &e, 1, &s);
    int64_t now;
    oq_engine_now(e, &now);
    int enomem = 0;
    for (int k = 1; k < 40; k++) {
        char id[32];
        snprintf(id, sizeof id, "new%d", k);
        oq_contact_spec cs;
        oq_contact_spec_init(&cs);
        cs.id = id;
        cs.queue = "q1";
        cs.channel = "email";
        cs.customer = "someone new";
        int before = l.n;
        alloc.fail_at = alloc.n_allocs + 1 + (k % 3);
        oq_status st = oq_contact_arrive(e, now, &cs);
        alloc.fail_at = 0;
        if (st == OQ_ENOMEM) {
            enomem++;
            assert_int_equal(l.n, before);
        } else {
            assert_oq_ok(NULL, st);
            assert_int_equal(l.n, before + 1);
        }
        assert_oq_ok(e, oq_engine_check(e));
    }
    assert_true(enomem > 0);
    oq_engine_destroy(e);
    assert_int_equal(alloc.live_bytes, 0);
    jlog_free(&l);
}

static void bad_records_are_refused(void **state)
{
    (void)state;
    jlog l = {0};
    oq_engine *e = fresh(NULL, NULL);
    assert_oq_ok(e, oq_engine_set_journal(e, jlog_fn, &l));
    w_setup(e, 1000);
    oq_engine *b = fresh(NULL, NULL);
    uint64_t rng = 5;
    for (int i = 0; i < l.n; i++) {
        jrec *r = &l.r[i];
        assert_true(strcmp(oq_journal_action_name(r->action), "unknown") != 0);
        /* Truncated at every length and single-bit flips: refused, unchanged. */
        for (size_t len = 0; len < r->len; len++)
            assert_int_equal(oq_journal_apply(b, r->data, len, NULL), OQ_ECORRUPT);
        for (int k = 0; k < 8; k++) {
            size_t at = (size_t)(w_rnd(&rng) % r->len);
            uint8_t bit = (uint8_t)(1u << (w_rnd(&rng) % 8));
            r->data[at] ^= bit;
            assert_int_equal(oq_journal_apply(b, r->data, r->len, NULL), OQ_ECORRUPT);
            r->data[at] ^= bit;
        }
        /* Forged (valid checksum) garbage is refused or applied as a call:
         * never a crash. */
        uint8_t *m = malloc(r->len);
        memcpy(m, r->data, r->len);
        size_t args = r->len - 28; /* bytes between the 24-byte head and the CRC */
        m[args ? 24 + (size_t)(w_rnd(&rng) % args) : 8] ^= 0x5A;
        uint32_t crc = oq__crc32(0, m, r->len - 4);
        for (int k = 0; k < 4; k++)
            m[r->len - 4 + (size_t)k] = (uint8_t)(crc >> (8 * k));
        oq_engine *scratch = fresh(NULL, NULL);
        replay_all(scratch, &(jlog){l.r, i, 0, 0});
        (void)oq_journal_apply(scratch, m, r->len, NULL);
        assert_oq_ok(scratch, oq_engine_check(scratch));
        oq_engine_destroy(scratch);
        free(m);
        assert_oq_ok_e(oq_journal_apply, b, r->data, r->len);
    }
    assert_same_state(e, b);
    assert_int_equal(oq_journal_apply(b, NULL, 10, NULL), OQ_EINVAL);
    assert_int_equal(oq_journal_apply(NULL, l.r[0].data, l.r[0].len, NULL), OQ_EINVAL);
    assert_string_equal(oq_journal_action_name(OQ_J_CONTACT_ARRIVE), "contact_arrive");
    assert_string_equal(oq_journal_action_name(OQ_J_STATS_RESET_DAY), "stats_reset_day");
    assert_string_equal(oq_journal_action_name(0), "unknown");
    assert_string_equal(oq_journal_action_name(OQ_J_MAX + 1), "unknown");
    oq_engine_destroy(e);
    oq_engine_destroy(b);
    jlog_free(&l);
}

static void journal_from_callback(const oq_journal_record *rec, void *user)
{
    (void)rec;
    oq_engine *e = *(oq_engine **)user;
    /* Mutating from the journal callback is refused like from events. */
    assert_int_equal(oq_skill_add(e, "inside", 2), OQ_EBUSY);
    assert_int_equal(oq_engine_set_journal(e, NULL, NULL), OQ_EBUSY);
}

static void journal_callback_cannot_mutate(void **state)
{
    (void)state;
    static oq_engine *self;
    self = fresh(NULL, NULL);
    assert_oq_ok(self, oq_engine_set_journal(self, journal_from_callback, &self));
    assert_oq_ok(self, oq_skill_add(self, "s", 2));
    assert_int_equal(oq_engine_set_journal(NULL, NULL, NULL), OQ_EINVAL);
    oq_engine_destroy(self);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snapshot_plus_journal_rebuilds_the_engine),
        cmocka_unit_test(one_record_per_successful_call),
        cmocka_unit_test(enomem_emits_nothing),
        cmocka_unit_test(bad_records_are_refused),
        cmocka_unit_test(journal_callback_cannot_mutate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
