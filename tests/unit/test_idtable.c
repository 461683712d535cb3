/* SPDX-License-Identifier: MIT */
/* The open-addressing id table (lib/core/idtable.c) against a plain array
 * model: random puts, gets and deletes (deletes exercise backward shifting
 * across wrapped probe runs and shrinking; half of them by object,
 * oq__idtable_del_obj), ids that collide in the low bits, and allocation
 * failure leaving the table as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/idtable.h"
#include "test_support.h"

typedef struct obj {
    char *id;       /* first member: the table's key */
    char buf[16];
    int present;
} obj;

#define N_OBJ 5000

static obj objs[N_OBJ];

static void make_objs(void)
{
    for (int i = 0; i < N_OBJ; i++) {
        snprintf(objs[i].buf, sizeof objs[i].buf, "k%d", i);
        objs[i].id = objs[i].buf;
        objs[i].present = 0;
    }
}

static void check_all(const oq_idtable *t)
{
    int32_t n = 0;
    for (int i = 0; i < N_OBJ; i++) {
        void *got = oq__idtable_get(t, objs[i].buf);
        assert_ptr_equal(got, objs[i].present ? &objs[i] : NULL);
        n += objs[i].present;
    }
    assert_int_equal(t->count, n);
    assert_null(oq__idtable_get(t, "not-there"));
}

static void random_operations_match_the_model(void **state)
{
    (void)state;
    make_objs();
    test_alloc ta = {0};
    oq_mem mem;
    oq__mem_init(&mem, test_alloc_fn, &ta);
    oq_idtable t;
    oq__idtable_init(&t, &mem);
    uint64_t x = 12345;
    for (int step = 0; step < 60000; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* Grow to ~N_OBJ/2 present, then shrink to a handful, twice. */
        int phase = (step / 15000) % 2;
        int i = (int)(x % N_OBJ);
        int want_put = phase == 0 ? (x >> 20) % 4 != 0 : (x >> 20) % 4 == 0;
        if (want_put && !objs[i].present) {
            assert_int_equal(oq__idtable_put(&t, &objs[i]), 1);
            objs[i].present = 1;
        } else if (!want_put && objs[i].present) {
            if ((x >> 40) & 1)
                oq__idtable_del_obj(&t, &objs[i]);
            else
                oq__idtable_del(&t, objs[i].buf);
            objs[i].present = 0;
        }
        if (step % 5000 == 0)
            check_all(&t);
        /* 0.7 at most, 0.8 while new arrays are being cleared (idtable.h) */
        assert_true(t.count * 10 <= t.cap * (t.next_hashes ? 8 : 7));
    }
    check_all(&t);
    oq__idtable_clear(&t);
    assert_int_equal(ta.live_bytes, 0);
}

static void failed_growth_leaves_the_table_unchanged(void **state)
{
    (void)state;
    make_objs();
    test_alloc ta = {0};
    oq_mem mem;
    oq__mem_init(&mem, test_alloc_fn, &ta);
    oq_idtable t;
    oq__idtable_init(&t, &mem);
    int i = 0;
    for (; t.count == 0 || (t.count + 1) * 10 <= t.cap * 7; i++) {
        assert_int_equal(oq__idtable_put(&t, &objs[i]), 1);
        objs[i].present = 1;
    }
    /* The table is full: the next put must grow, and growth is refused. */
    int32_t cap = t.cap;
    ta.fail_at = ta.n_allocs + 1;
    ta.fail_all = 1;
    assert_int_equal(oq__idtable_put(&t, &objs[i]), 0);
    assert_int_equal(t.cap, cap);
    check_all(&t);
    /* A delete that would shrink still works when the shrink is refused. */
    for (int k = 0; k < i; k++) {
        oq__idtable_del(&t, objs[k].buf);
        objs[k].present = 0;
    }
    check_all(&t);
    ta.fail_at = 0;
    ta.fail_all = 0;
    oq__idtable_clear(&t);
    assert_int_equal(ta.live_bytes, 0);
}

/* Deleting by object finds the entry by pointer: another object with the
 * same id, never stored, deletes nothing. */
static void del_obj_removes_that_object_only(void **state)
{
    (void)state;
    make_objs();
    test_alloc ta = {0};
    oq_mem mem;
    oq__mem_init(&mem, test_alloc_fn, &ta);
    oq_idtable t;
    oq__idtable_init(&t, &mem);
    oq__idtable_del_obj(&t, &objs[0]); /* empty table */
    for (int i = 0; i < 100; i++) {
        assert_int_equal(oq__idtable_put(&t, &objs[i]), 1);
        objs[i].present = 1;
    }
    obj twin = objs[7];
    twin.id = twin.buf;
    oq__idtable_del_obj(&t, &twin);
    oq__idtable_del_obj(&t, &objs[100]); /* never stored */
    check_all(&t);
    oq__idtable_del_obj(&t, &objs[7]);
    objs[7].present = 0;
    check_all(&t);
    oq__idtable_clear(&t);
    assert_int_equal(ta.live_bytes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_operations_match_the_model),
        cmocka_unit_test(failed_growth_leaves_the_table_unchanged),
        cmocka_unit_test(del_obj_removes_that_object_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
