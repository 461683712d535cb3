/* SPDX-License-Identifier: MIT */
/* The allocation-failure sweep (issue #16 items 1-2): a realistic workload
 * (the random world of tests/support/world.h, journaled into a standby) is
 * run once per failure point, failing that one allocation. For every point:
 *
 *   - the call returned OQ_ENOMEM and the engine is byte for byte what it was
 *     before the call (or, when the call's clock advance stopped early, what
 *     the engine before it becomes when advanced to that instant), or it
 *     returned OQ_OK and the journal-fed standby equals the primary (both
 *     snapshots compared byte for byte);
 *   - oq_engine_check passes on both after every call (no contact waits
 *     beside an available agent that could take it), also for the
 *     FOLLOW_STEPS calls after the failure, which must keep the standby equal.
 *
 * The failure points are every allocation of the workload after the setup.
 * The normal run samples them with a stride (about SAMPLE_POINTS points);
 * OQ_SWEEP_FULL=1 sweeps every one (CI's sanitizer step), OQ_SWEEP_STRIDE=N
 * picks another stride, OQ_SWEEP_STEPS=N another workload length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_world.h"
#include "engine/internal.h"
#include "assert_oq.h"

#define STEPS_DEFAULT 1000
#define SAMPLE_POINTS 150
#define FOLLOW_STEPS 25

/* Broken promises are counted and the first few described; the test fails
 * at the end of the sweep if there was any (so one run shows them all). */
static int64_t n_broken;
static int64_t env_limit(void)
{
    const char *v = getenv("OQ_SWEEP_SHOW");
    return v && *v ? strtoll(v, NULL, 10) : 12;
}
static char where[96]; /* the step being swept, for the messages */

#define BROKEN(...)                                                            \
    do {                                                                       \
        if (n_broken++ < env_limit()) {                                                 \
            fprintf(stderr, "%s: ", where);                                    \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
        }                                                                      \
    } while (0)

/* ---- journal: records kept until the standby applies them -------------------- */

typedef struct jlog {
    uint8_t **rec;
    size_t *len;
    int n, cap;
    int lost;                /* records the library could not encode (data NULL) */
    int32_t last_action;
} jlog;

static void jlog_fn(const oq_journal_record *r, void *user)
{
    jlog *j = user;
    j->last_action = r->action;
    if (!r->data) {
        j->lost++;
        return;
    }
    if (j->n == j->cap) {
        j->cap = j->cap ? j->cap * 2 : 64;
        j->rec = realloc(j->rec, (size_t)j->cap * sizeof *j->rec);
        j->len = realloc(j->len, (size_t)j->cap * sizeof *j->len);
        assert_non_null(j->rec);
        assert_non_null(j->len);
    }
    j->rec[j->n] = malloc(r->len);
    assert_non_null(j->rec[j->n]);
    memcpy(j->rec[j->n], r->data, r->len);
    j->len[j->n++] = r->len;
}

static void jlog_clear(jlog *j)
{
    for (int i = 0; i < j->n; i++)
        free(j->rec[i]);
    j->n = 0;
    j->lost = 0;
}

static void jlog_free(jlog *j)
{
    jlog_clear(j);
    free(j->rec);
    free(j->len);
    memset(j, 0, sizeof *j);
}

/* ---- one run: primary (failing allocator) and journal-fed standby ------------ */

/* sweep_standby_restored: the standby is restored from the primary's
 * snapshot every this many steps (0: never), so what it keeps apart from
 * its state - spare contact records, ext blocks with their exclusions
 * arrays, history rings, all empty after a restore - differs from the
 * primary's at the failure points. */
static int restore_every;

typedef struct run {
    test_alloc alloc;
    oq_engine *p, *r;
    jlog j;
    wstream s;
    int resyncs;             /* standby rebuilt from a snapshot after a lost record */
    int steps_done;
} run;

static oq_engine *make_engine(test_alloc *alloc)
{
    oq_engine_options o;
    w_options(&o, NULL, alloc);
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    return e;
}

/* Feed the standby what the primary journaled. A record the primary could not
 * encode leaves a gap: the documented remedy is a fresh snapshot. */
static int drain(run *x)
{
    if (x->j.lost) {
        size_t len;
        void *buf = w_snap(x->p, &len);
        oq_engine_destroy(x->r);
        x->r = w_restore(buf, len, NULL, NULL);
        oq_free(buf);
        x->resyncs++;
        jlog_clear(&x->j);
        return 1;
    }
    int ok = 1;
    for (int i = 0; i < x->j.n && ok; i++) {
        oq_status st = oq_journal_apply(x->r, x->j.rec[i], x->j.len[i], NULL);
        if (st != OQ_OK) {
            BROKEN("the standby cannot apply a record (%s): %s", oq_status_name(st),
                   oq_engine_last_error(x->r));
            ok = 0;
        }
    }
    jlog_clear(&x->j);
    return ok;
}

static void run_start(run *x, uint64_t seed)
{
    memset(x, 0, sizeof *x);
    x->p = make_engine(&x->alloc);
    x->r = make_engine(NULL);
    assert_oq_ok(x->p, oq_engine_set_journal(x->p, jlog_fn, &x->j));
    w_setup(x->p, 1000);
    drain(x);
    x->s.rng = seed;
    x->s.t = 1000;
}

static void run_end(run *x)
{
    oq_engine_destroy(x->p);
    oq_engine_destroy(x->r);
    jlog_free(&x->j);
    assert_int_equal(x->alloc.live_bytes, 0);
    assert_int_equal(x->alloc.live_blocks, 0);
}

static int assert_check(oq_engine *e, const char *who, int64_t point)
{
    (void)point;
    oq_status st = oq_engine_check(e);
    if (st != OQ_OK)
        BROKEN("%s fails oq_engine_check: %s", who, oq_engine_last_error(e));
    return st == OQ_OK;
}

static int assert_same_engines(oq_engine *a, oq_engine *b, const char *what, int64_t point)
{
    (void)point;
    size_t la, lb;
    void *sa = w_snap(a, &la), *sb = w_snap(b, &lb);
    int same = la == lb && memcmp(sa, sb, la) == 0;
    if (!same) {
        size_t i = 0;
        while (i < la && i < lb && ((uint8_t *)sa)[i] == ((uint8_t *)sb)[i])
            i++;
        BROKEN("%s (%zu vs %zu bytes, first difference at byte %zu)", what, la, lb, i);
    }
    oq_free(sa);
    oq_free(sb);
    return same;
}

/* After a step: the standby restored afresh every restore_every steps. */
static void restore_standby(run *x)
{
    if (!restore_every || ++x->steps_done % restore_every != 0)
        return;
    size_t len;
    void *buf = w_snap(x->p, &len);
    oq_engine_destroy(x->r);
    x->r = w_restore(buf, len, NULL, NULL);
    oq_free(buf);
}

/* One workload step on the primary, the standby following. */
static int step(run *x)
{
    w_step(x->p, &x->p, 1, &x->s);
    int ok = drain(x);
    restore_standby(x);
    return ok;
}

/* ---- the baseline: how many allocations each step makes ---------------------- */

typedef struct baseline {
    int steps;
    int64_t *allocs;         /* per step */
    oq_status *status;
    int64_t total;
} baseline;

static baseline measure(uint64_t seed, int steps)
{
    baseline b = {steps, calloc((size_t)steps, sizeof(int64_t)), calloc((size_t)steps, sizeof(oq_status)), 0};
    assert_non_null(b.allocs);
    assert_non_null(b.status);
    run x;
    run_start(&x, seed);
    for (int i = 0; i < steps; i++) {
        int64_t before = x.alloc.n_allocs;
        b.status[i] = w_step(x.p, &x.p, 1, &x.s);
        b.allocs[i] = x.alloc.n_allocs - before;
        b.total += b.allocs[i];
        drain(&x);
        assert_check(x.p, "primary (no failure)", -1);
        restore_standby(&x);
    }
    assert_same_engines(x.p, x.r, "standby differs without any failure", -1);
    run_end(&x);
    return b;
}

typedef struct tally {
    int64_t points, enomem, absorbed, plain_ok, other, advanced, resyncs;
} tally;

/* Fail the k-th allocation (0-based) of step i, then go on FOLLOW_STEPS steps. */
static void sweep_point(uint64_t seed, const baseline *b, int i, int64_t k, int64_t point, tally *t)
{
    run x;
    run_start(&x, seed);
    for (int s = 0; s < i; s++)
        step(&x);
    size_t l0;
    void *s0 = w_snap(x.p, &l0);
    int64_t clock0 = 0, clock1 = 0;
    assert_oq_ok(x.p, oq_engine_now(x.p, &clock0));
    x.alloc.fail_at = x.alloc.n_allocs + k + 1;
    x.alloc.n_failed = 0;
    oq_status st = w_step(x.p, &x.p, 1, &x.s);
    x.alloc.fail_at = 0;
    int64_t failed = x.alloc.n_failed;
    const char *action = x.j.n ? oq_journal_action_name(x.j.last_action) : "no record";
    snprintf(where, sizeof where, "seed %llu point %lld (step %d, allocation %lld, %s -> %s)",
             (unsigned long long)seed, (long long)point, i, (long long)k, action, oq_status_name(st));
    int in_step = drain(&x);
    assert_oq_ok(x.p, oq_engine_now(x.p, &clock1));
    t->points++;
    if (st == OQ_ENOMEM) {
        t->enomem++;
        if (!strstr(oq_engine_last_error(x.p), "memory"))
            BROKEN("OQ_ENOMEM without saying so: %s", oq_engine_last_error(x.p));
        /* Nothing changed — but the clock advance before the call's own work
         * stands (journaled as an advance): compare with the engine before the
         * call advanced to the same instant. */
        oq_engine *ref = w_restore(s0, l0, NULL, NULL);
        jlog discard = {0};
        assert_oq_ok(ref, oq_engine_set_journal(ref, jlog_fn, &discard)); /* numbers records alike */
        if (clock1 != clock0) {
            t->advanced++;
            assert_oq_ok(ref, oq_engine_advance(ref, clock1));
        }
        assert_same_engines(ref, x.p, "a call that failed with OQ_ENOMEM changed the engine", point);
        oq_engine_destroy(ref);
        jlog_free(&discard);
    } else if (st == OQ_OK) {
        if (failed)
            t->absorbed++;
        else
            t->plain_ok++;
    } else {
        t->other++;
        if (st != b->status[i])
            BROKEN("returned %s (without the failure: %s): %s", oq_status_name(st),
                   oq_status_name(b->status[i]), oq_engine_last_error(x.p));
    }
    oq_free(s0);
    int sound = in_step && assert_same_engines(x.p, x.r, "the journal-fed standby differs from the primary", point);
    sound = assert_check(x.p, "primary", point) && sound;
    sound = sound && assert_check(x.r, "standby", point);
    for (int s = 0; sound && s < FOLLOW_STEPS && i + 1 + s < b->steps; s++)
        sound = step(&x) && assert_check(x.p, "primary (after the failure)", point);
    if (sound)
        assert_same_engines(x.p, x.r, "the standby differs some calls after the failure", point);
    t->resyncs += x.resyncs;
    run_end(&x);
}

static int64_t env_int(const char *name, int64_t dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtoll(v, NULL, 10) : dflt;
}

static void sweep(uint64_t seed)
{
    int steps = (int)env_int("OQ_SWEEP_STEPS", STEPS_DEFAULT);
    baseline b = measure(seed, steps);
    int64_t stride = env_int("OQ_SWEEP_FULL", 0) ? 1 : env_int("OQ_SWEEP_STRIDE", 0);
    if (stride <= 0)
        stride = b.total / SAMPLE_POINTS > 1 ? b.total / SAMPLE_POINTS : 1;
    tally t = {0};
    int64_t base = 0;
    int i = 0;
    /* Points stride apart, starting at a seed-dependent offset so that
     * different seeds sample different allocations. */
    int64_t only = env_int("OQ_SWEEP_POINT", -1); /* one point, to debug it */
    for (int64_t p = (int64_t)(seed % (uint64_t)stride); p < b.total; p += stride) {
        if (only >= 0 && p != only)
            continue;
        while (i < steps && p >= base + b.allocs[i])
            base += b.allocs[i++];
        sweep_point(seed, &b, i, p - base, p, &t);
    }
    printf("seed %llu: %d steps, %lld allocations, stride %lld: %lld failure points: %lld OQ_ENOMEM "
           "(%lld after a partial clock advance), %lld OK with the failure absorbed, %lld OK without "
           "a failure, %lld other statuses, %lld standby resyncs after a lost journal record\n",
           (unsigned long long)seed, steps, (long long)b.total, (long long)stride, (long long)t.points,
           (long long)t.enomem, (long long)t.advanced, (long long)t.absorbed, (long long)t.plain_ok,
           (long long)t.other, (long long)t.resyncs);
    assert_true(t.enomem > 0);
    if (n_broken)
        fail_msg("%lld broken promises (the first ones described above)", (long long)n_broken);
    free(b.allocs);
    free(b.status);
}

static void sweep_seed_1(void **state)
{
    (void)state;
    sweep(1);
}

static void sweep_seed_7(void **state)
{
    (void)state;
    sweep(7);
}

/* A standby restored from the primary's snapshot every 16 steps, so at
 * the failure points its spare blocks (none after a restore) are not the
 * primary's: whatever a call does depending on them must come out the
 * same. */
static void sweep_standby_restored(void **state)
{
    (void)state;
    restore_every = 16;
    sweep(3);
    restore_every = 0;
}

/* Issue #16 item 2: a transfer or escalation that fails for memory at any of
 * its allocations leaves the engine as it was — no history ring reserved
 * behind for a contact that had none, snapshot byte for byte the same. */
static void failed_moves_leave_nothing(void **state)
{
    (void)state;
    for (int kind = 0; kind < 2; kind++) {
        int failures = 0;
        for (int64_t k = 1;; k++) {
            test_alloc alloc = {0};
            oq_engine_options o;
            w_options(&o, NULL, &alloc);
            oq_engine *e = NULL;
            assert_oq_ok(NULL, oq_engine_create(&o, &e));
            w_setup(e, 1000);
            oq_contact_spec cs;
            oq_contact_spec_init(&cs);
            cs.id = "c";
            cs.queue = "q2";
            cs.channel = "email";
            assert_oq_ok(e, oq_contact_arrive(e, 1000, &cs)); /* nobody logged in: waits */
            oq_contact *c = oq__idtable_get(&e->contact_ids, "c");
            assert_non_null(c);
            assert_null(c->history); /* its arrival alone */
            size_t l0;
            void *s0 = w_snap(e, &l0);
            alloc.fail_at = alloc.n_allocs + k;
            oq_status st = kind == 0 ? oq_contact_transfer(e, 1000, "c", "q1")
                                     : oq_contact_escalate(e, 1000, "c", "q1", "tier 2");
            alloc.fail_at = 0;
            if (st == OQ_OK) {
                oq_free(s0);
                oq_engine_destroy(e);
                break;
            }
            assert_int_equal(st, OQ_ENOMEM);
            failures++;
            if (c->history)
                fail_msg("%s failing at allocation %lld left a history ring reserved",
                         kind ? "escalate" : "transfer", (long long)k);
            size_t l1;
            void *s1 = w_snap(e, &l1);
            assert_same_bytes(s0, l0, s1, l1);
            assert_oq_ok(e, oq_engine_check(e));
            oq_free(s0);
            oq_free(s1);
            oq_engine_destroy(e);
        }
        assert_true(failures > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failed_moves_leave_nothing),
        cmocka_unit_test(sweep_seed_1),
        cmocka_unit_test(sweep_seed_7),
        cmocka_unit_test(sweep_standby_restored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
