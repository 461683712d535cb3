/* SPDX-License-Identifier: MIT */
/* The id table's incremental growth and shrink (lib/core/idtable.h): many
 * migrations with interleaved puts, gets and deletes against a model, every
 * object walked once mid-migration, reserve's promise under a failing
 * allocator, and the work of one operation bounded (counted, not timed). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idtable.h"
#include "test_support.h"

typedef struct obj {
    char *id; /* first member: the table's key */
    char buf[16];
    int present;
    int seen;
} obj;

#define N_OBJ 60000

static obj *objs;

static int setup(void **state)
{
    (void)state;
    objs = calloc(N_OBJ, sizeof *objs);
    for (int i = 0; i < N_OBJ; i++) {
        snprintf(objs[i].buf, sizeof objs[i].buf, "c-%d", i);
        objs[i].id = objs[i].buf;
    }
    return objs ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(objs);
    return 0;
}

static void reset(void)
{
    for (int i = 0; i < N_OBJ; i++)
        objs[i].present = objs[i].seen = 0;
}

static int migrating(const oq_idtable *t) { return t->next_hashes || t->old_hashes; }

static void check_all(const oq_idtable *t)
{
    int32_t n = 0;
    for (int i = 0; i < N_OBJ; i++) {
        void *got = oq__idtable_get(t, objs[i].buf);
        if (got != (objs[i].present ? &objs[i] : NULL))
            fail_msg("key %s: got %p, model says %s (cap %d, next %d, old %d, %d left)", objs[i].buf, got,
                     objs[i].present ? "present" : "absent", t->cap, t->next_cap, t->old_cap, t->old_left);
        n += objs[i].present;
    }
    assert_int_equal(t->count, n);
    assert_null(oq__idtable_get(t, "not-there"));
}

/* oq__idtable_next yields each stored object exactly once, nothing else. */
static void check_walk(const oq_idtable *t)
{
    obj *o;
    int32_t n = 0;
    for (int32_t pos = 0; (o = oq__idtable_next(t, &pos));) {
        if (!o->present || o->seen)
            fail_msg("walk: %s %s (cap %d, next %d, old %d, %d left)", o->buf, o->present ? "seen twice" : "not stored",
                     t->cap, t->next_cap, t->old_cap, t->old_left);
        o->seen = 1;
        n++;
    }
    assert_int_equal(n, t->count);
    for (int i = 0; i < N_OBJ; i++)
        objs[i].seen = 0;
}

static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* Fill to ~N_OBJ/2 and drain to ~N_OBJ/30, three times; check the model and
 * the walk every so often and at each migration's phase changes. Counts the
 * migrations seen so the test fails if growth stops being incremental. */
/* The model cleared and an empty table on a counting allocator. */
static void fresh_table(test_alloc *ta, oq_mem *mem, oq_idtable *t)
{
    reset();
    oq__mem_init(mem, test_alloc_fn, ta);
    oq__idtable_init(t, mem);
}

static void migrations_match_the_model(void **state)
{
    (void)state;
    test_alloc ta = {0};
    oq_mem mem;
    oq_idtable t;
    fresh_table(&ta, &mem, &t);
    uint64_t x = 88172645463325252ull;
    int grows = 0, shrinks = 0, drains = 0, was_clearing = 0, was_draining = 0;
    for (int step = 0; step < 720000; step++) {
        int phase = step % 240000 >= 60000; /* fill, then a longer drain */
        uint64_t r = rnd(&x);
        int i = (int)(r % N_OBJ);
        int want_put = phase == 0 ? (r >> 20) % 4 != 0 : (r >> 20) % 64 == 0;
        int32_t cap = t.cap;
        if (want_put && !objs[i].present) {
            assert_int_equal(oq__idtable_put(&t, &objs[i]), 1);
            objs[i].present = 1;
        } else if (!want_put && objs[i].present) {
            if ((r >> 40) & 1)
                oq__idtable_del_obj(&t, &objs[i]);
            else
                oq__idtable_del(&t, objs[i].buf);
            objs[i].present = 0;
        } else if (!want_put) {
            oq__idtable_del(&t, objs[i].buf); /* absent: changes nothing */
        }
        assert_ptr_equal(oq__idtable_get(&t, objs[i].buf), objs[i].present ? &objs[i] : NULL);
        if (t.cap != cap && cap) /* the live arrays changed: a migration entered draining */
            t.cap > cap ? grows++ : shrinks++;
        int clearing = t.next_hashes != NULL, draining = t.old_hashes != NULL;
        if (step % 4999 == 0 || (draining && step % 997 == 0) || clearing != was_clearing ||
            draining != was_draining) {
            check_all(&t);
            check_walk(&t);
        }
        drains += draining && !was_draining;
        was_clearing = clearing, was_draining = draining;
        assert_true(t.count * 10 <= t.cap * (clearing ? 8 : 7));
    }
    print_message("%d growths, %d shrinks\n", grows, shrinks);
    assert_true(drains == grows + shrinks); /* each resize went through the steps */
    assert_true(grows >= 6);
    assert_true(shrinks >= 4);
    check_all(&t);
    oq__idtable_clear(&t);
    assert_int_equal(ta.live_bytes, 0);
}

/* Puts until the table is draining and about half its old slots moved. */
static int fill_to_mid_drain(oq_idtable *t)
{
    int i = 0;
    while (!t->old_hashes || t->old_left > t->old_cap / 2 || t->cap < 16384) {
        assert_int_equal(oq__idtable_put(t, &objs[i]), 1);
        objs[i++].present = 1;
    }
    return i;
}

static void walk_sees_each_object_once_mid_migration(void **state)
{
    (void)state;
    test_alloc ta = {0};
    oq_mem mem;
    oq_idtable t;
    fresh_table(&ta, &mem, &t);
    int n = fill_to_mid_drain(&t);
    /* Objects in both arrays, and tombstones in the old ones. */
    int in_old = 0;
    for (int32_t p = 0; p < t.old_left; p++)
        in_old += t.old_hashes[p] && t.old_objs[p];
    assert_true(in_old > 0 && in_old < t.count);
    /* The drained top was given back (to within one release step). */
    assert_true(t.old_alloc_h - t.old_left < OQ_IDTABLE_RELEASE && t.old_alloc_o - t.old_left < OQ_IDTABLE_RELEASE);
    assert_int_equal(ta.live_bytes, ((int64_t)t.cap + t.old_alloc_h) * (int64_t)sizeof(uint32_t) +
                                         ((int64_t)t.cap + t.old_alloc_o) * (int64_t)sizeof(void *));
    for (int k = 0; k < 300; k += 3) { /* 100 steps do not finish the drain */
        oq__idtable_del(&t, objs[k].buf);
        objs[k].present = 0;
    }
    assert_non_null(t.old_hashes);
    check_walk(&t);
    check_all(&t);
    /* ... and while the new arrays of a shrink are being cleared. */
    for (int k = 0; k < n && !t.next_hashes; k++)
        if (objs[k].present) {
            oq__idtable_del_obj(&t, &objs[k]);
            objs[k].present = 0;
        }
    assert_non_null(t.next_hashes);
    assert_true(t.next_cap < t.cap);
    check_walk(&t);
    check_all(&t);
    oq__idtable_clear(&t);
    assert_int_equal(ta.live_bytes, 0);
}

/* After reserve returns 1, that many puts succeed with every allocation
 * failing; a refused reserve, put or shrink leaves the table as it was
 * (contents and migration state). Also covers a reserve too big for a
 * running migration (rebuilt at once). */
static void reserve_then_puts_under_failing_allocator(void **state)
{
    (void)state;
    test_alloc ta = {0};
    oq_mem mem;
    oq_idtable t;
    fresh_table(&ta, &mem, &t);
    int i = fill_to_mid_drain(&t);
    /* Mid-migration, a reserve beyond it must allocate: refused. */
    oq_idtable before = t;
    ta.fail_at = ta.n_allocs + 1;
    ta.fail_all = 1;
    int32_t more = t.cap; /* more than 0.7 x the live arrays hold */
    assert_int_equal(oq__idtable_reserve(&t, more), 0);
    assert_memory_equal(&t, &before, offsetof(oq_idtable, work_moved));
    check_all(&t);
    /* Allowed, it rebuilds at once; then `more` puts under failure. */
    ta.fail_at = 0;
    ta.fail_all = 0;
    assert_int_equal(oq__idtable_reserve(&t, more), 1);
    assert_false(migrating(&t));
    check_all(&t);
    ta.fail_at = ta.n_allocs + 1;
    ta.fail_all = 1;
    int64_t failed = ta.n_failed;
    for (int k = 0; k < more; k++, i++) {
        assert_int_equal(oq__idtable_put(&t, &objs[i]), 1);
        objs[i].present = 1;
    }
    assert_int_equal(ta.n_failed, failed); /* nothing even tried */
    check_all(&t);
    /* A reserve that starts a growth migration, then its puts under failure
     * (the migration itself allocates nothing). */
    ta.fail_at = 0;
    ta.fail_all = 0;
    while ((t.count + 1) * 10 <= t.cap * 7) {
        assert_int_equal(oq__idtable_put(&t, &objs[i]), 1);
        objs[i++].present = 1;
    }
    more = t.cap / 20; /* fits 0.8 x the current arrays: no rebuild */
    assert_int_equal(oq__idtable_reserve(&t, more), 1);
    assert_non_null(t.next_hashes);
    ta.fail_at = ta.n_allocs + 1;
    ta.fail_all = 1;
    for (int k = 0; k < more; k++, i++) {
        assert_int_equal(oq__idtable_put(&t, &objs[i]), 1);
        objs[i].present = 1;
        if (k % 50 == 0)
            check_walk(&t);
    }
    assert_int_equal(ta.n_failed, failed);
    check_all(&t);
    /* Deletes never fail; a shrink refused is just not started. */
    for (int k = 0; k < i; k++) {
        oq__idtable_del(&t, objs[k].buf);
        objs[k].present = 0;
        if (k % 4096 == 0)
            check_all(&t);
    }
    check_all(&t);
    assert_int_equal(t.count, 0);
    ta.fail_at = 0;
    ta.fail_all = 0;
    oq__idtable_clear(&t);
    assert_int_equal(ta.live_bytes, 0);
}

typedef struct work {
    int64_t moved, scanned, zeroed;
} work;

static work work_of(const oq_idtable *t) { return (work){t->work_moved, t->work_scanned, t->work_zeroed}; }

static work work_since(const oq_idtable *t, work w)
{
    return (work){t->work_moved - w.moved, t->work_scanned - w.scanned, t->work_zeroed - w.zeroed};
}

/* No single put or delete moves more than OQ_IDTABLE_STEP objects, looks
 * at more than OQ_IDTABLE_SCAN old slots or clears more than
 * OQ_IDTABLE_ZERO new ones, across growth to 2^17 slots
 * and shrinks back; yet every migration finishes (the table ends steady). */
static void one_operation_does_bounded_work(void **state)
{
    (void)state;
    test_alloc ta = {0};
    oq_mem mem;
    oq_idtable t;
    fresh_table(&ta, &mem, &t);
    int64_t moved = 0, zeroed = 0;
    int32_t max_cap = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N_OBJ; i++) {
            work w = work_of(&t);
            assert_int_equal(oq__idtable_put(&t, &objs[i]), 1);
            objs[i].present = 1;
            w = work_since(&t, w);
            if (w.moved > OQ_IDTABLE_STEP || w.scanned > OQ_IDTABLE_SCAN || w.zeroed > OQ_IDTABLE_ZERO)
                fail_msg("put %d moved %d objects, looked at %d slots, cleared %d", i, (int)w.moved,
                         (int)w.scanned, (int)w.zeroed);
            moved += w.moved, zeroed += w.zeroed;
            max_cap = t.cap > max_cap ? t.cap : max_cap;
        }
        for (int i = 0; i < N_OBJ; i++) {
            work w = work_of(&t);
            if (i & 1)
                oq__idtable_del(&t, objs[i].buf);
            else
                oq__idtable_del_obj(&t, &objs[i]);
            objs[i].present = 0;
            w = work_since(&t, w);
            if (w.moved > OQ_IDTABLE_STEP || w.scanned > OQ_IDTABLE_SCAN || w.zeroed > OQ_IDTABLE_ZERO)
                fail_msg("delete %d moved %d objects, looked at %d slots, cleared %d", i, (int)w.moved,
                         (int)w.scanned, (int)w.zeroed);
            moved += w.moved, zeroed += w.zeroed;
        }
    }
    assert_int_equal(max_cap, 131072);
    /* every growth moved what it found: 1 + 2 + ... + 32 ... thousand-ish */
    assert_true(moved > 2 * 60000 && zeroed > 2 * 131072);
    /* Emptied: further deletes of absent ids finish any shrink left running. */
    assert_int_equal(t.count, 0);
    oq__idtable_clear(&t);
    assert_int_equal(ta.live_bytes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(migrations_match_the_model),
        cmocka_unit_test(walk_sees_each_object_once_mid_migration),
        cmocka_unit_test(reserve_then_puts_under_failing_allocator),
        cmocka_unit_test(one_operation_does_bounded_work),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
