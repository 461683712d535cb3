/* SPDX-License-Identifier: MIT */
/* Journal sequence numbers: every record carries the next number (1, 2, ...),
 * readable from the callback, from the encoded bytes at a fixed offset and
 * through oq_journal_record_seq; oq_journal_apply refuses a gap or a
 * duplicate with OQ_ECORRUPT naming the expected and found numbers and
 * changes nothing; a snapshot records the number of the next record, so a
 * standby restored from it expects exactly the first record after it. */
#include "snapshot_world.h"
#include "core/codec.h"
#include "assert_oq.h"

typedef struct srec {
    uint64_t seq;
    int32_t action;
    uint8_t *data;
    size_t len;
} srec;

typedef struct slog {
    srec r[8192];
    int n;
    int lost;
    uint64_t last_seq;
} slog;

static void slog_fn(const oq_journal_record *rec, void *user)
{
    slog *l = user;
    /* Consecutive from 1, lost ones included. */
    assert_true(rec->seq == l->last_seq + 1);
    l->last_seq = rec->seq;
    if (!rec->data) {
        l->lost++;
        return;
    }
    assert_true(l->n < 8192);
    srec *s = &l->r[l->n++];
    s->seq = rec->seq;
    s->action = rec->action;
    s->len = rec->len;
    s->data = malloc(rec->len);
    memcpy(s->data, rec->data, rec->len);
}

static void slog_free(slog *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->r[i].data);
    l->n = 0;
}

static oq_engine *fresh(void)
{
    oq_engine_options o;
    w_options(&o, NULL, NULL);
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    return e;
}

/* A primary journaling from creation, driven through `ops` random actions. */
static oq_engine *primary(slog *l, uint64_t seed, int ops)
{
    oq_engine *e = fresh();
    memset(l, 0, sizeof *l);
    assert_oq_ok(e, oq_engine_set_journal(e, slog_fn, l));
    wstream s = {seed, 1000, 0, 0};
    w_setup(e, s.t);
    for (int i = 0; i < ops; i++)
        w_step(e, &e, 1, &s);
    return e;
}

static void apply_ok(oq_engine *e, const srec *r)
{
    oq_status st = oq_journal_apply(e, r->data, r->len, NULL);
    if (st != OQ_OK)
        fprintf(stderr, "record %llu: %s: %s\n", (unsigned long long)r->seq, oq_status_name(st),
                oq_engine_last_error(e));
    assert_oq_ok(NULL, st);
}

/* apply() is refused with OQ_ECORRUPT, names `want` and `got`, and leaves
 * the engine byte for byte as it was. */
static void apply_refused(oq_engine *e, const srec *r, uint64_t want, const char *why)
{
    size_t n0, n1;
    void *before = w_snap(e, &n0);
    assert_int_equal(oq_journal_apply(e, r->data, r->len, NULL), OQ_ECORRUPT);
    char expect[128];
    snprintf(expect, sizeof expect, "sequence %llu, expected %llu", (unsigned long long)r->seq,
             (unsigned long long)want);
    const char *msg = oq_engine_last_error(e);
    if (!strstr(msg, expect) || !strstr(msg, why))
        fprintf(stderr, "message: %s\n", msg);
    assert_non_null(strstr(msg, expect));
    assert_non_null(strstr(msg, why));
    void *after = w_snap(e, &n1);
    assert_same_bytes(before, n0, after, n1);
    uint64_t next;
    assert_oq_ok(e, oq_engine_journal_seq(e, &next));
    assert_true(next == want);
    oq_free(before);
    oq_free(after);
}

static void records_are_numbered(void **state)
{
    (void)state;
    slog *l = calloc(1, sizeof *l);
    oq_engine *e = primary(l, 3, 800);
    assert_true(l->n > 500 && l->lost == 0);
    for (int i = 0; i < l->n; i++) {
        srec *r = &l->r[i];
        assert_true(r->seq == (uint64_t)i + 1);
        /* The host can read it from the bytes without the library ... */
        uint64_t at = 0;
        for (int b = 7; b >= 0; b--)
            at = at << 8 | r->data[OQ_JOURNAL_SEQ_OFFSET + b];
        assert_true(at == r->seq);
        /* ... or with it. */
        uint64_t got = 0;
        assert_oq_ok_err(NULL, oq_journal_record_seq(r->data, r->len, &got, NULL));
        assert_true(got == r->seq);
    }
    uint64_t next;
    assert_oq_ok(e, oq_engine_journal_seq(e, &next));
    assert_true(next == (uint64_t)l->n + 1);
    /* A damaged record has no trustworthy number. */
    oq_error err = OQ_ERROR_INIT;
    oq_error_init(&err);
    uint64_t got = 77;
    l->r[5].data[20] ^= 1;
    assert_int_equal(oq_journal_record_seq(l->r[5].data, l->r[5].len, &got, &err), OQ_ECORRUPT);
    assert_int_equal(err.status, OQ_ECORRUPT);
    assert_non_null(strstr(err.message, "checksum"));
    assert_true(got == 77);
    assert_int_equal(oq_journal_record_seq(l->r[5].data, 10, &got, &err), OQ_ECORRUPT);
    assert_int_equal(oq_journal_record_seq(NULL, 10, &got, &err), OQ_EINVAL);
    assert_int_equal(oq_journal_record_seq(l->r[6].data, l->r[6].len, NULL, NULL), OQ_EINVAL);
    oq_engine_destroy(e);
    slog_free(l);
    free(l);
}

/* A missing record in the middle (one contact silently gone) and a record
 * given twice (a transfer applied twice) are refused; the right record then
 * applies, and the standby ends equal to the primary. */
static void gaps_and_duplicates_are_refused(void **state)
{
    (void)state;
    slog *l = calloc(1, sizeof *l);
    oq_engine *a = primary(l, 7, 1200);
    oq_engine *b = fresh();
    int transfers = 0;
    for (int i = 0; i < l->n; i++) {
        srec *r = &l->r[i];
        if (i + 2 < l->n && i % 97 == 50) {
            apply_refused(b, &l->r[i + 1], r->seq, "record");
            apply_refused(b, &l->r[i + 2], r->seq, "missing (a gap)");
        }
        apply_ok(b, r);
        if (r->action == OQ_J_CONTACT_TRANSFER || i % 89 == 3) {
            transfers += r->action == OQ_J_CONTACT_TRANSFER;
            apply_refused(b, r, r->seq + 1, "already applied");
            if (i > 0)
                apply_refused(b, &l->r[i - 1], r->seq + 1, "already applied");
        }
    }
    assert_true(transfers > 0);
    size_t na, nb;
    void *sa = w_snap(a, &na), *sb = w_snap(b, &nb);
    assert_same_bytes(sa, na, sb, nb);
    oq_free(sa);
    oq_free(sb);
    oq_engine_destroy(a);
    oq_engine_destroy(b);
    slog_free(l);
    free(l);
}

/* The snapshot covers every record before it and says which comes next. */
static void snapshot_records_the_sequence(void **state)
{
    oq_error rerr = OQ_ERROR_INIT;
    (void)state;
    slog *l = calloc(1, sizeof *l);
    oq_engine *a = primary(l, 11, 600);
    int mark = l->n;
    size_t n;
    void *snap = w_snap(a, &n);
    wstream s = {12, 0, 0, 0};
    oq_engine_now(a, &s.t);
    for (int i = 0; i < 600; i++)
        w_step(a, &a, 1, &s);
    assert_true(l->n > mark + 100);
    oq_engine *b = NULL;
    assert_oq_ok_e(oq_engine_restore_buffer, NULL, snap, n, &b);
    uint64_t next;
    assert_oq_ok(b, oq_engine_journal_seq(b, &next));
    assert_true(next == l->r[mark].seq && next == (uint64_t)mark + 1);
    apply_refused(b, &l->r[mark - 1], next, "already applied"); /* covered by the snapshot */
    apply_refused(b, &l->r[mark + 1], next, "missing");
    for (int i = mark; i < l->n; i++)
        apply_ok(b, &l->r[i]);
    size_t na, nb;
    void *sa = w_snap(a, &na), *sb = w_snap(b, &nb);
    assert_same_bytes(sa, na, sb, nb);

    /* A standby built from the configuration instead starts where its log
     * does; 0 and numbers beyond 2^62 are refused. */
    oq_engine *c = NULL;
    assert_oq_ok_e(oq_engine_restore_buffer, NULL, snap, n, &c);
    assert_int_equal(oq_engine_set_journal_seq(c, 0), OQ_EINVAL);
    assert_int_equal(oq_engine_set_journal_seq(c, ((uint64_t)1 << 62) + 1), OQ_EINVAL);
    assert_int_equal(oq_engine_set_journal_seq(NULL, 5), OQ_EINVAL);
    assert_int_equal(oq_engine_journal_seq(c, NULL), OQ_EINVAL);
    assert_oq_ok(c, oq_engine_set_journal_seq(c, (uint64_t)mark + 1));
    apply_ok(c, &l->r[mark]);

    /* A standby that journals too (a chain) re-emits the same numbers, and
     * after a takeover goes on from there. */
    slog *l2 = calloc(1, sizeof *l2);
    l2->last_seq = (uint64_t)mark + 1;
    assert_oq_ok(c, oq_engine_set_journal(c, slog_fn, l2));
    for (int i = mark + 1; i < l->n; i++) {
        apply_ok(c, &l->r[i]);
        assert_true(l2->r[l2->n - 1].seq == l->r[i].seq);
        assert_true(l2->r[l2->n - 1].len == l->r[i].len);
        assert_memory_equal(l2->r[l2->n - 1].data, l->r[i].data, l->r[i].len);
    }
    int64_t now;
    oq_engine_now(c, &now);
    assert_oq_ok(c, oq_skill_add(c, "after-takeover", 2));
    assert_true(l2->r[l2->n - 1].seq == l->r[l->n - 1].seq + 1);

    /* A forged snapshot naming next record 0 is refused. */
    uint8_t *m = snap;
    /* ENGN: tag 16, rng 20, clock 28, resume window 36, sweep 44,
     * last_agent_max 48, agent/contact/timer seqs 52..75, blend count 76,
     * journal seq 80. */
    enum { AT = 80 };
    uint64_t seq_at = 0;
    for (int k = 7; k >= 0; k--)
        seq_at = seq_at << 8 | m[AT + k];
    assert_true(seq_at == (uint64_t)mark + 1);
    memset(m + AT, 0, 8);
    uint32_t crc = oq__crc32(0, m, n - 4);
    for (int k = 0; k < 4; k++)
        m[n - 4 + (size_t)k] = (uint8_t)(crc >> (8 * k));
    oq_engine *d = NULL;
    assert_int_equal(oq_engine_restore_buffer(NULL, m, n, &d, &rerr), OQ_ECORRUPT);
    assert_non_null(strstr(rerr.message, "journal sequence"));

    oq_free(sa);
    oq_free(sb);
    oq_free(snap);
    oq_engine_destroy(a);
    oq_engine_destroy(b);
    oq_engine_destroy(c);
    slog_free(l);
    slog_free(l2);
    free(l);
    free(l2);
}

/* A center where one arrival makes a record larger than the journal's
 * buffer (20 required skills with 255-byte names): growing the buffer is the
 * record's own allocation, after the call. */
static oq_engine *big_record_center(test_alloc *alloc, char names[20][256])
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.alloc = test_alloc_fn;
    o.alloc_user = alloc;
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "email";
    assert_oq_ok(e, oq_channel_add(e, &ch));
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "email"));
    for (int i = 0; i < 20; i++) {
        memset(names[i], 'a' + i, 255);
        names[i][255] = 0;
        assert_oq_ok(e, oq_skill_add(e, names[i], 5));
    }
    return e;
}

static oq_status big_arrival(oq_engine *e, char names[20][256], const char *id)
{
    const char *skills[20];
    int32_t levels[20];
    for (int i = 0; i < 20; i++)
        skills[i] = names[i], levels[i] = 1;
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    cs.id = id;
    cs.channel = "email";
    cs.queue = "q";
    cs.n_required = 20;
    cs.required_skills = skills;
    cs.required_levels = levels;
    return oq_contact_arrive(e, 1000, &cs);
}

/* A record the library cannot encode (out of memory growing its buffer)
 * still takes its number: the host is told (data NULL) and a standby that
 * never gets it sees the gap instead of silently missing a contact. */
static void a_record_lost_for_memory_leaves_a_gap(void **state)
{
    (void)state;
    static char names[20][256];
    /* How many allocations the arrival makes, on a twin without a journal. */
    test_alloc ta = {0}, tb = {0};
    oq_engine *twin = big_record_center(&ta, names);
    int64_t before = ta.n_allocs;
    assert_oq_ok(NULL, big_arrival(twin, names, "big"));
    int64_t call_allocs = ta.n_allocs - before;
    oq_engine_destroy(twin);

    oq_engine *e = big_record_center(&tb, names);
    oq_engine *standby = NULL;
    size_t n;
    void *snap = w_snap(e, &n);
    assert_oq_ok_e(oq_engine_restore_buffer, NULL, snap, n, &standby);
    oq_free(snap);
    slog *l = calloc(1, sizeof *l);
    assert_oq_ok(e, oq_engine_set_journal(e, slog_fn, l));
    assert_oq_ok(e, oq_skill_add(e, "small", 2)); /* record 1 */
    tb.fail_at = tb.n_allocs + call_allocs + 1;            /* the record's buffer */
    assert_oq_ok(e, big_arrival(e, names, "big"));  /* record 2: lost */
    tb.fail_at = 0;
    assert_int_equal(l->lost, 1);
    assert_oq_ok(e, oq_skill_add(e, "after", 2));  /* record 3 */
    assert_int_equal(l->n, 2);
    assert_true(l->r[0].seq == 1 && l->r[1].seq == 3);
    apply_ok(standby, &l->r[0]);
    apply_refused(standby, &l->r[1], 2, "record 2 is missing");
    oq_engine_destroy(standby);
    oq_engine_destroy(e);
    assert_int_equal(tb.live_bytes, 0);
    slog_free(l);
    free(l);
}

/* Journal records of the previous format are refused by version. */
static void old_format_is_refused(void **state)
{
    (void)state;
    slog *l = calloc(1, sizeof *l);
    oq_engine *a = primary(l, 13, 10);
    oq_engine *b = fresh();
    srec *r = &l->r[0];
    r->data[3] = 1;
    uint32_t crc = oq__crc32(0, r->data, r->len - 4);
    for (int k = 0; k < 4; k++)
        r->data[r->len - 4 + (size_t)k] = (uint8_t)(crc >> (8 * k));
    assert_int_equal(oq_journal_apply(b, r->data, r->len, NULL), OQ_ECORRUPT);
    assert_non_null(strstr(oq_engine_last_error(b), "version 1"));
    oq_engine_destroy(a);
    oq_engine_destroy(b);
    slog_free(l);
    free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_are_numbered),
        cmocka_unit_test(gaps_and_duplicates_are_refused),
        cmocka_unit_test(snapshot_records_the_sequence),
        cmocka_unit_test(a_record_lost_for_memory_leaves_a_gap),
        cmocka_unit_test(old_format_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
