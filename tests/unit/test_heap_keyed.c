/* SPDX-License-Identifier: MIT */
/* A keyed heap (lib/core/heap.c) against a plain one: driven by the same
 * random pushes, removals, re-keyings, rebuilds and searches, the two must
 * hold their items in the very same array order (the engine writes lanes
 * into snapshots in that order), keep the positions, and find the same
 * items — while the keyed one reads the items only to make their keys and
 * to break exact ties of the two key words.
 * Also: a heap made keyed after it was filled, growth that moves the
 * items behind the keys, and a failed reservation leaving it as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/heap.h"
#include "test_support.h"

typedef struct item {
    int64_t a, b; /* the order: a, then b, then the index */
    uint32_t idx;
    int32_t pos_plain, pos_keyed;
    int present;
} item;

#define N_ITEMS 3000

static item items[N_ITEMS];
static int64_t key_reads; /* items read to make keys */
static int64_t cmp_reads; /* items read by the plain comparison */

static int item_cmp(const void *pa, const void *pb, const void *ctx)
{
    (void)ctx;
    const item *x = pa, *y = pb;
    cmp_reads += 2;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void item_key(const void *p, const void *ctx, oq_heap_key *out)
{
    (void)ctx;
    const item *x = p;
    key_reads++;
    out->k[0] = (uint64_t)x->a ^ (UINT64_C(1) << 63);
    out->k[1] = (uint64_t)x->b ^ (UINT64_C(1) << 63);
    /* idx is not in the key: a tie of a and b is decided by item_cmp. */
}

static void set_plain(void *p, int32_t pos, const void *ctx)
{
    (void)ctx;
    ((item *)p)->pos_plain = pos;
}

static void set_keyed(void *p, int32_t pos, const void *ctx)
{
    (void)ctx;
    ((item *)p)->pos_keyed = pos;
}

static int32_t get_plain(const void *p, const void *ctx)
{
    (void)ctx;
    return ((const item *)p)->pos_plain;
}

static int32_t get_keyed(const void *p, const void *ctx)
{
    (void)ctx;
    return ((const item *)p)->pos_keyed;
}

static const oq_heap_ops plain_ops = {item_cmp, set_plain, NULL, NULL};
static const oq_heap_ops keyed_ops = {item_cmp, set_keyed, item_key, NULL};

static int accept_odd_b(const void *p, const void *pred)
{
    (void)pred;
    return ((const item *)p)->b % 2 != 0;
}

static uint64_t rng = 88172645463325252u;
static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static void same_heaps(const oq_heap *p, const oq_heap *k)
{
    assert_int_equal(p->n, k->n);
    for (int32_t i = 0; i < p->n; i++)
        assert_ptr_equal(p->items[i], k->items[i]);
    assert_true(oq__heap_valid(p, &plain_ops, NULL, get_plain));
    assert_true(oq__heap_valid(k, &keyed_ops, NULL, get_keyed));
}

static void random_walk(oq_heap *p, oq_heap *k, oq_mem *mem, int steps)
{
    for (int step = 0; step < steps; step++) {
        uint64_t x = next();
        item *it = &items[x % N_ITEMS];
        int op = (int)((x >> 32) % 8);
        if (!it->present) {
            it->a = (int64_t)((x >> 16) % 7) - 3; /* few values: many ties on a and b */
            it->b = (int64_t)((x >> 24) % 5);
            assert_true(oq__heap_reserve(p, mem, p->n + 1));
            assert_true(oq__heap_reserve(k, mem, k->n + 1));
            oq__heap_push(p, &plain_ops, NULL, it);
            oq__heap_push(k, &keyed_ops, NULL, it);
            it->present = 1;
        } else if (op < 3) {
            oq__heap_remove(p, &plain_ops, NULL, it->pos_plain);
            oq__heap_remove(k, &keyed_ops, NULL, it->pos_keyed);
            assert_int_equal(it->pos_plain, -1);
            assert_int_equal(it->pos_keyed, -1);
            it->present = 0;
        } else if (op < 6) {
            it->a += (int64_t)((x >> 40) % 5) - 2;
            oq__heap_update(p, &plain_ops, NULL, it->pos_plain);
            oq__heap_update(k, &keyed_ops, NULL, it->pos_keyed);
        } else if (op == 6) {
            int32_t fp = oq__heap_find_first(p, &plain_ops, NULL, accept_odd_b, NULL);
            int32_t fk = oq__heap_find_first(k, &keyed_ops, NULL, accept_odd_b, NULL);
            assert_int_equal(fp, fk);
            int32_t op_[5], ok_[5];
            int32_t np = oq__heap_find_first_k(p, &plain_ops, NULL, accept_odd_b, NULL, 5, op_);
            int32_t nk = oq__heap_find_first_k(k, &keyed_ops, NULL, accept_odd_b, NULL, 5, ok_);
            assert_int_equal(np, nk);
            for (int32_t i = 0; i < np; i++)
                assert_int_equal(op_[i], ok_[i]);
        } else if (step % 97 == 0) {
            /* The order itself changed: both re-sort. */
            for (int i = 0; i < N_ITEMS; i++)
                items[i].b = 4 - items[i].b;
            oq__heap_rebuild(p, &plain_ops, NULL);
            oq__heap_rebuild(k, &keyed_ops, NULL);
        }
        if (step % 500 == 0)
            same_heaps(p, k);
    }
    same_heaps(p, k);
}

/* Every item absent and unset, and a counting allocator. */
static void fresh_items(test_alloc *ta, oq_mem *mem)
{
    memset(items, 0, sizeof items);
    for (uint32_t i = 0; i < N_ITEMS; i++)
        items[i].idx = i;
    oq__mem_init(mem, test_alloc_fn, ta);
}

/* Both heaps emptied and freed: nothing left allocated. */
static void free_both(oq_heap *p, oq_heap *k, oq_mem *mem, const test_alloc *ta)
{
    oq__heap_free(p, mem);
    oq__heap_free(k, mem);
    assert_int_equal(ta->live_bytes, 0);
}

static void keyed_heap_matches_plain_heap(void **state)
{
    (void)state;
    test_alloc ta = {0};
    oq_mem mem;
    fresh_items(&ta, &mem);
    oq_heap p = {0}, k = {0};
    oq__heap_init_keyed(&k);
    random_walk(&p, &k, &mem, 40000);
    assert_true(k.n > 100); /* the walk kept a real heap, not a handful */

    /* Sifting the keyed heap makes no key: only pushes and updates do. */
    int64_t kr = key_reads, cr = cmp_reads;
    while (k.n > 0) {
        oq__heap_remove(&k, &keyed_ops, NULL, 0);
        oq__heap_remove(&p, &plain_ops, NULL, 0);
    }
    assert_int_equal(key_reads, kr);
    assert_true(cmp_reads > cr); /* the plain one did compare items */
    free_both(&p, &k, &mem, &ta);
}

/* Keys that never tie (as a FIFO lane's: time entered, arrival number) let
 * the keyed heap sift without reading one item; ties (few values of a and
 * b) are decided by the items, in the plain heap's order. */
static void keyed_heap_reads_items_only_on_ties(void **state)
{
    (void)state;
    test_alloc ta = {0};
    oq_mem mem;
    fresh_items(&ta, &mem);
    oq_heap p = {0}, k = {0};
    oq__heap_init_keyed(&k);
    for (int i = 0; i < 2000; i++) {
        items[i].a = (int64_t)(next() % 50);
        items[i].b = i; /* unique: no two keys tie */
        items[i].present = 1;
        assert_true(oq__heap_reserve(&k, &mem, k.n + 1));
        oq__heap_push(&k, &keyed_ops, NULL, &items[i]);
    }
    int64_t cr = cmp_reads;
    while (k.n > 1000)
        oq__heap_remove(&k, &keyed_ops, NULL, 0);
    for (int i = 0; i < 500; i++) {
        items[i].a = (int64_t)(next() % 50);
        if (items[i].pos_keyed >= 0)
            oq__heap_update(&k, &keyed_ops, NULL, items[i].pos_keyed);
    }
    assert_true(oq__heap_valid(&k, &keyed_ops, NULL, get_keyed));
    assert_int_equal(cmp_reads, cr);
    oq__heap_free(&k, &mem);
    /* Now every key ties with many: the items decide, as in the plain heap. */
    fresh_items(&ta, &mem);
    oq__heap_init_keyed(&k);
    for (int i = 0; i < 2000; i++) {
        items[i].a = (int64_t)(next() % 2);
        items[i].present = 1;
        assert_true(oq__heap_reserve(&p, &mem, p.n + 1));
        assert_true(oq__heap_reserve(&k, &mem, k.n + 1));
        oq__heap_push(&p, &plain_ops, NULL, &items[i]);
        oq__heap_push(&k, &keyed_ops, NULL, &items[i]);
    }
    cr = cmp_reads;
    same_heaps(&p, &k);
    while (k.n > 0) {
        assert_ptr_equal(k.items[0], p.items[0]);
        oq__heap_remove(&k, &keyed_ops, NULL, 0);
        oq__heap_remove(&p, &plain_ops, NULL, 0);
    }
    assert_true(cmp_reads > cr);
    free_both(&p, &k, &mem, &ta);
}

static void heap_made_keyed_later_keeps_its_order(void **state)
{
    (void)state;
    test_alloc ta = {0};
    oq_mem mem;
    fresh_items(&ta, &mem);
    oq_heap p = {0}, k = {0};
    /* Both filled plain (as a restore fills a lane), then one keeps keys. */
    for (int i = 0; i < 700; i++) {
        items[i].a = (int64_t)(next() % 11);
        items[i].b = (int64_t)(next() % 3);
        items[i].present = 1;
        assert_true(oq__heap_reserve(&p, &mem, p.n + 1));
        assert_true(oq__heap_reserve(&k, &mem, k.n + 1));
        oq__heap_push(&p, &plain_ops, NULL, &items[i]);
        oq__heap_push(&k, &keyed_ops, NULL, &items[i]);
    }
    int32_t cap = k.cap;
    ta.fail_at = ta.n_allocs + 1; /* out of memory: nothing changes */
    assert_false(oq__heap_make_keyed(&k, &mem, &keyed_ops, NULL));
    ta.fail_at = 0;
    assert_false(k.keyed);
    assert_true(oq__heap_make_keyed(&k, &mem, &keyed_ops, NULL));
    assert_true(k.keyed);
    assert_int_equal(k.cap, cap);
    same_heaps(&p, &k);
    /* Growing past its capacity moves the items behind the longer keys. */
    random_walk(&p, &k, &mem, 20000);
    assert_true(k.cap > cap);
    free_both(&p, &k, &mem, &ta);
}

static void failed_reserve_leaves_the_keyed_heap_unchanged(void **state)
{
    (void)state;
    test_alloc ta = {0};
    oq_mem mem;
    fresh_items(&ta, &mem);
    oq_heap k = {0};
    oq__heap_init_keyed(&k);
    for (int i = 0; i < 64; i++) {
        items[i].a = 64 - i;
        assert_true(oq__heap_reserve(&k, &mem, k.n + 1));
        oq__heap_push(&k, &keyed_ops, NULL, &items[i]);
    }
    assert_int_equal(k.cap, 64);
    void *before[64];
    memcpy(before, k.items, sizeof before);
    ta.fail_at = ta.n_allocs + 1;
    assert_false(oq__heap_reserve(&k, &mem, 65));
    ta.fail_at = 0;
    assert_int_equal(k.cap, 64);
    assert_int_equal(k.n, 64);
    assert_memory_equal(before, k.items, sizeof before);
    assert_true(oq__heap_valid(&k, &keyed_ops, NULL, get_keyed));
    /* A stale key (the item changed without an update) is caught. */
    items[5].a = -1000;
    assert_false(oq__heap_valid(&k, &keyed_ops, NULL, get_keyed));
    oq__heap_update(&k, &keyed_ops, NULL, items[5].pos_keyed);
    assert_true(oq__heap_valid(&k, &keyed_ops, NULL, get_keyed));
    assert_ptr_equal(k.items[0], &items[5]);
    oq_heap none = {0};
    free_both(&none, &k, &mem, &ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keyed_heap_matches_plain_heap),
        cmocka_unit_test(heap_made_keyed_later_keeps_its_order),
        cmocka_unit_test(keyed_heap_reads_items_only_on_ties),
        cmocka_unit_test(failed_reserve_leaves_the_keyed_heap_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
